//! Replays the seed corpora of the fuzz targets `cpim_parse` and `pidf_parse` (seeds from
//! the examples of RFC 3862, RFC 3863 and RFC 3922) through the functions the targets
//! call, and a few inputs built here.

use std::path::Path;

fn replay(target: &str, f: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(target);
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("corpus directory") {
        let data = std::fs::read(entry.expect("entry").path()).expect("seed readable");
        f(&data);
        // Every prefix too: truncated input must fail cleanly.
        for cut in (0..data.len()).step_by(7) {
            f(&data[..cut]);
        }
        n += 1;
    }
    assert!(n > 0, "no seeds in {}", dir.display());
}

#[test]
fn cpim_parse_seeds() {
    replay("cpim_parse", xmpp_cpim::fuzzing::cpim);
}

#[test]
fn pidf_parse_seeds() {
    replay("pidf_parse", xmpp_cpim::fuzzing::pidf);
}

#[test]
fn every_first_byte_and_odd_inputs() {
    for b in 0..=255u8 {
        xmpp_cpim::fuzzing::cpim(&[b]);
        xmpp_cpim::fuzzing::pidf(&[b]);
    }
    for input in [
        &b"Content-type: Message/CPIM\n\n\n"[..],
        b"Content-type: Message/CPIM\n\nFrom: <im:a@b>\nTo: <im:c@d>\n\nContent-Type: application/pidf+xml\n\n<?xml version='1.0'?><presence xmlns='urn:ietf:params:xml:ns:pidf' entity='pres:a@b'><tuple id='_xmpp._FF'><status><basic>open</basic></status></tuple></presence>",
        b"Content-type: Message/CPIM\n\nFrom: <im:a@b>\nTo: <im:c@d>\n\nContent-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\n=C3=A9=\n",
        b"Content-type: Message/CPIM\n\nSubject: \\u\\\n\nContent-Type: a/b\n\n",
        b"<?xml version='1.0'?><presence xmlns='urn:ietf:params:xml:ns:pidf' entity=''><tuple id='a'><status><x xmlns='u'/></status><contact priority='2'> </contact></tuple></presence>",
    ] {
        xmpp_cpim::fuzzing::cpim(input);
        xmpp_cpim::fuzzing::pidf(input);
    }
}

mod random_input {
    use proptest::prelude::*;

    proptest! {
        /// Arbitrary bytes, and arbitrary header lines and tuples, never panic.
        #[test]
        fn never_panics(data in prop::collection::vec(any::<u8>(), 0..256),
                        line in "[A-Za-z.:;= <>@\"\\\\]{0,30}",
                        inner in "[<>/a-z'= ]{0,40}") {
            xmpp_cpim::fuzzing::cpim(&data);
            xmpp_cpim::fuzzing::pidf(&data);
            let obj = format!("Content-type: Message/CPIM\n\nFrom: <im:a@b>\nTo: <im:c@d>\n{line}\n\nContent-Type: text/plain\n\nx");
            xmpp_cpim::fuzzing::cpim(obj.as_bytes());
            let doc = format!("<?xml version='1.0'?><presence xmlns='urn:ietf:params:xml:ns:pidf' entity='pres:a@b'><tuple id='t'><status><basic>open</basic></status>{inner}</tuple></presence>");
            xmpp_cpim::fuzzing::pidf(doc.as_bytes());
        }
    }
}
