//! Entry points shared by the fuzz target and the tests that replay its corpus (cargo
//! feature `fuzzing`; not part of the stable API).
//!
//! Each function panics when it finds a property violated, which is what the fuzzer
//! reports; on any input it must otherwise return normally.

use std::sync::OnceLock;

use xmpp_xml::Element;

use crate::cert::{Identity, TrustAnchors};
use crate::error::E2E_NS;
use crate::smime::OpenOptions;
use crate::time::Timestamp;
use crate::{mime, payload, smime, stanza};

/// The time the seeds were made for.
pub const SEED_TIME: &str = "2030-01-01T12:00:00Z";

struct Keys {
    romeo: Identity,
    anchors: TrustAnchors,
    now: Timestamp,
}

fn keys() -> Option<&'static Keys> {
    static KEYS: OnceLock<Option<Keys>> = OnceLock::new();
    KEYS.get_or_init(|| {
        Some(Keys {
            romeo: Identity::from_pem(
                include_bytes!("../tests/vectors/romeo.crt"),
                include_bytes!("../tests/vectors/romeo.key"),
            )
            .ok()?,
            anchors: TrustAnchors::from_pem(include_bytes!("../tests/vectors/ca.crt")).ok()?,
            now: Timestamp::parse_rfc3339(SEED_TIME).ok()?,
        })
    })
    .as_ref()
}

/// Fuzz target `e2e_open`: the bytes are the content of `<e2e/>` in a message from
/// juliet@example.com to romeo@example.net, opened with romeo's key and the test CA at
/// [`SEED_TIME`]; also given to the S/MIME, MIME and payload readers alone. Every
/// refusal must map to an RFC 3923 §7 condition and stanza error; an accepted stanza
/// must have its `<e2e/>` replaced and must write as XML.
pub fn open_e2e(data: &[u8]) {
    let Some(k) = keys() else {
        panic!("test vectors do not load");
    };
    let _ = mime::Entity::parse(data).map(|e| (e.content_type(), e.decoded_body()));
    let _ = payload::read(data);
    let opts = OpenOptions {
        recipient: Some(&k.romeo),
        anchors: Some(&k.anchors),
        known: &[],
        now: k.now,
    };
    if let Err(e) = smime::open(data, &opts) {
        let _ = (e.condition(), e.to_string());
    }
    let text = String::from_utf8_lossy(data).into_owned();
    let msg = Element::new("jabber:client", "message")
        .with_attr("from", "juliet@example.com/balcony")
        .with_attr("to", "romeo@example.net/orchard")
        .with_child(Element::new(E2E_NS, "e2e").with_text(text));
    let reception = stanza::Reception {
        recipient: Some(&k.romeo),
        anchors: Some(&k.anchors),
        known: &[],
        now: k.now,
        require_signature: false,
    };
    match stanza::open(msg.as_ref(), &reception) {
        Ok(opened) => {
            assert!(
                opened.stanza.child(E2E_NS, "e2e").is_none(),
                "<e2e/> left in place"
            );
            if let Err(e) = opened.stanza.to_xml() {
                // Restored text comes from a signed or encrypted object; only characters
                // XML cannot carry may refuse to be written.
                let _ = e;
            }
        }
        Err(e) => {
            let err = e.stanza_error();
            assert!(err.text.is_some());
            let _ = err.to_element("jabber:client");
        }
    }
}
