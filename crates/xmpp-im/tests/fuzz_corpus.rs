//! Replays the seed corpus of the fuzz target `im_payloads` through the function the
//! target calls, and a few inputs built here.

use std::path::Path;

#[test]
fn im_payloads_seeds() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/im_payloads");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("corpus directory") {
        let data = std::fs::read(entry.expect("entry").path()).expect("seed readable");
        xmpp_im::fuzzing::payloads(&data);
        n += 1;
    }
    assert!(n > 0, "no seeds in {}", dir.display());
}

#[test]
fn every_first_byte_and_odd_inputs() {
    for b in 0..=255u8 {
        xmpp_im::fuzzing::payloads(&[b]);
    }
    for input in [
        &b""[..],
        b"<presence",
        b"\xff\xfe<<<>>>",
        b"<presence xmlns='jabber:client'><status xml:lang=''>a</status></presence>",
        b"<message xmlns='jabber:client' type='normal' xml:lang='x'><body>&lt;&amp;</body></message>",
        b"<presence xmlns='jabber:client' type='error'><error type='x'/></presence>",
        b"<query xmlns='jabber:iq:roster'><item jid='A@B'><group>a<b/>c</group></item></query>",
        b"<query xmlns='jabber:iq:privacy'><list name=''><item action='allow' order='0'><iq/></item></list><list name=''/></query>",
        b"<query xmlns='jabber:iq:privacy'><list name='a'><item type='jid' value='Example.COM' action='deny' order='4294967295'/></list></query>",
    ] {
        xmpp_im::fuzzing::payloads(input);
    }
}

#[test]
fn im_client_seeds() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/im_client");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("corpus directory") {
        let data = std::fs::read(entry.expect("entry").path()).expect("seed readable");
        xmpp_im::fuzzing::client(&data);
        n += 1;
    }
    assert!(n > 0, "no seeds in {}", dir.display());
}

mod random_input {
    use proptest::prelude::*;

    proptest! {
        /// Arbitrary bytes, and arbitrary text inside a presence, never panic.
        #[test]
        fn never_panics(data in prop::collection::vec(any::<u8>(), 0..256),
                        inner in "[<>/a-z'= ]{0,40}") {
            xmpp_im::fuzzing::payloads(&data);
            let doc = format!("<presence xmlns='jabber:client'>{inner}</presence>");
            xmpp_im::fuzzing::payloads(doc.as_bytes());
        }

        /// Arbitrary attributes and content in roster pushes and presence, fed to the
        /// client, never panic or break its invariants.
        #[test]
        fn client_never_panics(from in prop::sample::select(vec!["", " from='juliet@example.com'", " from='x@y/z'"]),
                               attrs in "[a-z'= @./]{0,30}",
                               inner in "[<>/a-z'= @]{0,40}") {
            let doc = format!(
                "<iq xmlns='jabber:client'{from} type='set' id='p'><query xmlns='jabber:iq:roster'>\
                 <item {attrs}>{inner}</item></query></iq>\0<presence xmlns='jabber:client'{from} {attrs}>{inner}</presence>"
            );
            xmpp_im::fuzzing::client(doc.as_bytes());
        }
    }
}
