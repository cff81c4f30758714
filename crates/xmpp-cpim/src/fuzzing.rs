//! Entry points shared by the fuzz targets and the tests that replay their corpora (cargo
//! feature `fuzzing`; not part of the stable API).
//!
//! Each function panics when it finds a property violated, which is what the fuzzer
//! reports; on any input it must otherwise return normally.

use crate::cpim::{CpimMessage, Limits};
use crate::gateway::{Stanza, decode, encode};
use crate::options::{DecodeOptions, EncodeOptions};
use crate::pidf::Pidf;

/// Fuzz target `cpim_parse`: reads the bytes as a Message/CPIM object under small
/// limits. What is accepted must write and read back as the same object; its mapping to
/// XMPP must succeed or fail with an error, and every stanza it gives must map back to
/// CPIM or fail with an error.
pub fn cpim(data: &[u8]) {
    let limits = Limits {
        max_bytes: 64 * 1024,
        max_headers: 64,
    };
    let Ok(obj) = CpimMessage::parse(data, &limits) else {
        return;
    };
    let bytes = obj.to_bytes();
    let again = CpimMessage::parse(&bytes, &Limits::default());
    assert_eq!(again.as_ref(), Ok(&obj), "written object reads back");
    let options = DecodeOptions {
        limits,
        ..DecodeOptions::default()
    };
    if let Ok(stanzas) = decode(&obj, &options) {
        for s in stanzas {
            let mut xml = Vec::new();
            assert!(s.to_element().write_to(&mut xml).is_ok(), "stanza writes");
            let _ = encode(&s, &EncodeOptions::default());
            if let Stanza::Presence(p) = &s {
                if let Ok(doc) = crate::presence::to_pidf(p, &EncodeOptions::default()) {
                    assert!(doc.to_bytes().is_ok(), "the PIDF of a presence writes");
                }
            }
        }
    }
}

/// Fuzz target `pidf_parse`: reads the bytes as a PIDF document. What is accepted must
/// write, and read back as the same document.
pub fn pidf(data: &[u8]) {
    let Ok(doc) = Pidf::parse(data, 64 * 1024) else {
        return;
    };
    let bytes = match doc.to_bytes() {
        Ok(b) => b,
        Err(e) => panic!("accepted document does not write: {e}"),
    };
    assert_eq!(
        Pidf::parse(&bytes, 1 << 20).as_ref(),
        Ok(&doc),
        "written document reads back"
    );
}
