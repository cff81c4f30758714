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

#[test]
fn im_server_seeds() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/im_server");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("corpus directory") {
        let data = std::fs::read(entry.expect("entry").path()).expect("seed readable");
        xmpp_im::fuzzing::server(&data);
        n += 1;
    }
    assert!(n > 0, "no seeds in {}", dir.display());
}

mod server_scripts {
    use proptest::prelude::*;

    /// Pieces of stanzas the scripts are made of.
    const PIECES: &[&str] = &[
        "<presence/>",
        "<presence type='unavailable'/>",
        "<presence><priority>-1</priority></presence>",
        "<presence to='romeo@example.com' type='subscribe'/>",
        "<presence to='juliet@example.com' type='subscribed'/>",
        "<presence to='juliet@example.com' type='subscribe'/>",
        "<presence to='romeo@example.com' type='unsubscribed'/>",
        "<presence to='nurse@example.com/kitchen'/>",
        "<iq type='get' id='r'><query xmlns='jabber:iq:roster'/></iq>",
        "<iq type='set' id='s'><query xmlns='jabber:iq:roster'><item jid='romeo@example.com' subscription='remove'/></query></iq>",
        "<iq type='set' id='p'><query xmlns='jabber:iq:privacy'><list name='l'><item action='deny' order='1'><message/></item></list></query></iq>",
        "<iq type='set' id='d'><query xmlns='jabber:iq:privacy'><default name='l'/></query></iq>",
        "<message to='juliet@example.com'><body>x</body></message>",
        "<message to='romeo@example.com/orchard' type='error'/>",
        "<iq to='juliet@example.com' type='get' id='v'><query xmlns='jabber:iq:version'/></iq>",
        "<presence from='tybalt@example.org' to='juliet@example.com' type='subscribe'/>",
        "<presence from='tybalt@example.org/x' to='romeo@example.com' type='probe'/>",
    ];

    proptest! {
        /// Any script of these steps keeps the component's deliveries sound.
        #[test]
        fn scripts_never_break_the_component(steps in prop::collection::vec((0u8..16, 0..PIECES.len()), 0..40)) {
            let mut data = Vec::new();
            for (op, piece) in steps {
                data.push(op);
                if op & 3 >= 2 {
                    data.extend_from_slice(PIECES[piece].as_bytes());
                }
                data.push(0);
            }
            xmpp_im::fuzzing::server(&data);
        }
    }
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
