//! Replays every seed of `fuzz/corpus/sasl_*/` through the code the fuzz targets run, and
//! checks the seeds that are complete RFC exchanges still succeed.

use std::path::PathBuf;

use xmpp_sasl::fuzzing;

fn corpus(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(target);
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&path).unwrap())
        })
        .collect();
    out.sort();
    assert!(!out.is_empty(), "empty corpus {target}");
    out
}

fn replay(target: &str, run: fn(&[u8]) -> bool, must_succeed: &[&str]) {
    let seeds = corpus(target);
    for name in must_succeed {
        assert!(
            seeds.iter().any(|(n, _)| n == name),
            "{target}: seed {name} missing"
        );
    }
    for (name, data) in seeds {
        let ok = run(&data);
        if must_succeed.contains(&name.as_str()) {
            assert!(ok, "{target}/{name} must authenticate");
        }
    }
}

// RFC 5802 §5, RFC 7677 §3
#[test]
fn sasl_scram_server() {
    replay(
        "sasl_scram_server",
        fuzzing::scram_server,
        &["rfc5802", "rfc7677"],
    );
}

// RFC 5802 §5
#[test]
fn sasl_scram_client() {
    replay("sasl_scram_client", fuzzing::scram_client, &["rfc5802"]);
}

// RFC 4616 §2
#[test]
fn sasl_plain_server() {
    replay(
        "sasl_plain_server",
        fuzzing::plain_server,
        &["simple", "authzid", "saslprep"],
    );
}

// RFC 2831 §4; `nocharset`: the same exchange without charset (ISO 8859-1, §2.1.2)
#[cfg(feature = "digest-md5")]
#[test]
fn sasl_digest_server() {
    replay(
        "sasl_digest_server",
        fuzzing::digest_server,
        &["rfc2831", "nocharset"],
    );
}

// RFC 2831 §4; `nocharset`: the same exchange without charset (ISO 8859-1, §2.1.1)
#[cfg(feature = "digest-md5")]
#[test]
fn sasl_digest_client() {
    replay(
        "sasl_digest_client",
        fuzzing::digest_client,
        &["rfc2831", "nocharset"],
    );
}

// RFC 4422 Appendix A
#[test]
fn sasl_external_server() {
    replay(
        "sasl_external_server",
        fuzzing::external_server,
        &["empty", "authzid"],
    );
}

// RFC 4505
#[test]
fn sasl_anonymous_server() {
    replay(
        "sasl_anonymous_server",
        fuzzing::anonymous_server,
        &["trace", "empty"],
    );
}

// RFC 3920 §14.9
#[test]
fn sasl_payload() {
    for (name, data) in corpus("sasl_payload") {
        let decoded = fuzzing::payload(&data);
        if let Some((_, again)) = &decoded {
            assert_eq!(again.as_bytes(), &data[..], "{name}");
        }
        let expect_ok = matches!(name.as_str(), "empty" | "foo");
        assert_eq!(decoded.is_some(), expect_ok, "{name}");
    }
}
