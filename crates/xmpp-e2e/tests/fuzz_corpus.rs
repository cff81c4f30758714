//! Replays the seed corpus of the fuzz target `e2e_open` through the function the target
//! calls, checks that the well-formed seeds open, and feeds a few inputs built here.

use std::path::Path;

use xmpp_e2e::fuzzing::{SEED_TIME, open_e2e};

fn corpus() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/e2e_open")
}

#[test]
fn e2e_open_seeds() {
    let mut n = 0;
    for entry in std::fs::read_dir(corpus()).expect("corpus directory") {
        let data = std::fs::read(entry.expect("entry").path()).expect("seed readable");
        open_e2e(&data);
        n += 1;
    }
    assert!(n >= 4, "too few seeds in {}", corpus().display());
}

#[test]
fn secured_seeds_open_at_their_time() {
    let romeo = xmpp_e2e::Identity::from_pem(
        include_bytes!("vectors/romeo.crt"),
        include_bytes!("vectors/romeo.key"),
    )
    .unwrap();
    let anchors = xmpp_e2e::TrustAnchors::from_pem(include_bytes!("vectors/ca.crt")).unwrap();
    let now = xmpp_e2e::Timestamp::parse_rfc3339(SEED_TIME).unwrap();
    for (seed, signed, encrypted) in [
        ("signed_detached", true, false),
        ("signed_opaque_sha1", true, false),
        ("signed_encrypted", true, true),
        ("encrypted_aes256", false, true),
    ] {
        let text = std::fs::read_to_string(corpus().join(seed)).unwrap();
        let msg = xmpp_xml::Element::new("jabber:client", "message")
            .with_attr("from", "juliet@example.com/balcony")
            .with_attr("to", "romeo@example.net/orchard")
            .with_child(xmpp_xml::Element::new(xmpp_e2e::E2E_NS, "e2e").with_text(text));
        let opened = xmpp_e2e::open(
            msg.as_ref(),
            &xmpp_e2e::Reception {
                recipient: Some(&romeo),
                anchors: Some(&anchors),
                known: &[],
                now,
                require_signature: false,
            },
        )
        .unwrap_or_else(|e| panic!("{seed}: {e}"));
        assert_eq!(opened.signer.is_some(), signed, "{seed}");
        assert_eq!(opened.encrypted, encrypted, "{seed}");
    }
}

#[test]
fn odd_inputs() {
    for input in [
        &b""[..],
        b"\n\n\n",
        b"Content-Type: multipart/signed; boundary=x\n\n--x\n\n--x\n\n--x--\n",
        b"Content-Type: multipart/signed\n\n",
        b"Content-Type: application/pkcs7-mime\nContent-Transfer-Encoding: base64\n\n!!!!\n",
        b"Content-Type: application/pkcs7-mime\nContent-Transfer-Encoding: quoted-printable\n\nx\n",
        b"MAA=",
        b"\x30\x80\x00\x00",
        b"Content-type: Message/CPIM\n\nFrom: x\n\n",
        b"Content-type: application/pidf+xml\n\n<presence xmlns='urn:ietf:params:xml:ns:pidf'/>",
        b"\xff\xfe\x00",
    ] {
        open_e2e(input);
    }
}
