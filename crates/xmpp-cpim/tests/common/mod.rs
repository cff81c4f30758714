//! Shared by the integration tests: validation of PIDF documents with xmllint against
//! RFC 3863's schema (tests/schema/pidf.xsd, with a local xml.xsd through a catalog).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

fn schema_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schema")
}

/// Runs xmllint on the documents; returns its exit code and messages. A missing xmllint
/// fails the test with how to install it.
fn xmllint(docs: &[Vec<u8>]) -> (i32, String) {
    let dir = std::env::temp_dir().join(format!(
        "xmpp-cpim-pidf-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::create_dir_all(&dir).expect("temporary directory");
    let mut files = Vec::new();
    for (i, d) in docs.iter().enumerate() {
        let f = dir.join(format!("doc{i}.xml"));
        std::fs::write(&f, d).expect("write document");
        files.push(f);
    }
    let schema = schema_dir();
    let out = Command::new("xmllint")
        .env("XML_CATALOG_FILES", schema.join("catalog.xml"))
        .args(["--nonet", "--noout", "--schema"])
        .arg(schema.join("pidf.xsd"))
        .args(&files)
        .output();
    let _ = std::fs::remove_dir_all(&dir);
    match out {
        Ok(o) => (
            o.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        ),
        Err(e) => panic!(
            "xmllint is needed to validate PIDF documents against RFC 3863's schema and could \
             not be run ({e}). Install it with `apt-get install libxml2-utils` (Debian), or run \
             scripts/peers.sh as root."
        ),
    }
}

/// Asserts that every document is valid against RFC 3863's schema.
pub fn assert_valid(docs: &[Vec<u8>]) {
    if docs.is_empty() {
        return;
    }
    let (code, messages) = xmllint(docs);
    assert_eq!(code, 0, "xmllint refused a PIDF document:\n{messages}");
}

/// Asserts that the document is not valid against RFC 3863's schema.
pub fn assert_invalid(doc: &[u8]) -> String {
    let (code, messages) = xmllint(&[doc.to_vec()]);
    assert_eq!(
        code, 3,
        "xmllint should find the document invalid:\n{messages}"
    );
    messages
}
