//! Replays the seed corpora of the fuzz targets `xml_parse`, `xml_split` and
//! `xml_roundtrip` through the same functions the targets call.

use std::path::Path;

fn replay(target: &str, run: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(target);
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("corpus directory") {
        let path = entry.expect("entry").path();
        let data = std::fs::read(&path).expect("seed readable");
        run(&data);
        n += 1;
    }
    assert!(n > 0, "no seeds in {}", dir.display());
}

#[test]
fn xml_parse_seeds() {
    replay("xml_parse", xmpp_xml::fuzzing::parse_bytes);
}

#[test]
fn xml_split_seeds() {
    replay("xml_split", xmpp_xml::fuzzing::split_invariance);
}

#[test]
fn xml_roundtrip_seeds() {
    replay("xml_roundtrip", xmpp_xml::fuzzing::roundtrip);
}
