//! Replays the seed corpora of the fuzz targets `core_server` and `core_client` through the
//! functions the targets call.

use std::path::Path;

fn replay(target: &str, run: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(target);
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("corpus directory") {
        let data = std::fs::read(entry.expect("entry").path()).expect("seed readable");
        run(&data);
        n += 1;
    }
    assert!(n > 0, "no seeds in {}", dir.display());
}

#[test]
fn core_server_seeds() {
    replay("core_server", xmpp_core::fuzzing::server_connection);
}

#[test]
fn core_client_seeds() {
    replay("core_client", xmpp_core::fuzzing::client_connection);
}

#[test]
fn core_s2s_seeds() {
    replay("core_s2s", xmpp_core::fuzzing::s2s_connection);
}

#[test]
fn every_stage_and_chunk_size_with_a_stanza_and_garbage() {
    let tails: [&[u8]; 6] = [
        b"<message to='romeo@example.net'><body>hi</body></message>",
        b"<iq type='get' id='1'><query xmlns='jabber:iq:roster'/></iq><presence/>",
        b"</stream:stream>",
        b"<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>",
        b"\xff\xfe<<<>>>&&&",
        b"<iq type='result' id='b'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>x@example.com/r</jid></bind></iq>",
    ];
    for stage in 0..6u8 {
        for chunk in [1u8, 3, 50, 255] {
            for tail in tails {
                let mut data = vec![stage, chunk];
                data.extend_from_slice(tail);
                xmpp_core::fuzzing::server_connection(&data);
                xmpp_core::fuzzing::client_connection(&data);
                xmpp_core::fuzzing::s2s_connection(&data);
            }
        }
    }
}

mod random_input {
    use proptest::prelude::*;

    const LOGIN: &[u8] = b"<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGp1bGlldABwZW5jaWw=</auth>\
        <stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>\
        <iq type='set' id='b'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>\
        <message to='a@b'><body>x</body></message></stream:stream>";

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn arbitrary_bytes_after_any_prefix(stage in 0u8..8, chunk in 1u8..=255, tail in proptest::collection::vec(any::<u8>(), 0..512)) {
            let mut data = vec![stage, chunk];
            data.extend_from_slice(&tail);
            xmpp_core::fuzzing::server_connection(&data);
            xmpp_core::fuzzing::client_connection(&data);
            xmpp_core::fuzzing::s2s_connection(&data);
        }

        #[test]
        fn a_login_with_bytes_flipped(chunk in 1u8..=64, flips in proptest::collection::vec((0usize..LOGIN.len(), any::<u8>()), 0..6)) {
            let mut data = vec![1u8, chunk];
            data.extend_from_slice(LOGIN);
            for (at, byte) in flips {
                data[2 + at] = byte;
            }
            xmpp_core::fuzzing::server_connection(&data);
        }
    }
}
