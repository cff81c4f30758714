//! The RFC test vectors of `tests/vectors/`, run through both sides byte for byte.

use std::collections::HashMap;
use std::path::PathBuf;

use xmpp_sasl::scram::{ScramClient, ScramHash, ScramServer, StoredCredentials};
use xmpp_sasl::{
    Answer, ClientMechanism, FixedNonce, Request, ServerMechanism, ServerStep, saslprep,
};

/// The server secret stand-in credentials are derived from.
fn server_secret() -> xmpp_sasl::ServerSecret {
    xmpp_sasl::ServerSecret::new(b"vector server secret").expect("at least 16 bytes")
}

fn vector_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors")
        .join(name)
}

fn read_vector(name: &str) -> String {
    std::fs::read_to_string(vector_path(name)).expect("vector file")
}

/// `key: value` lines, `#` comments.
fn keyed(name: &str) -> HashMap<String, String> {
    read_vector(name)
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (k, v) = l.split_once(": ").expect("key: value");
            (k.to_owned(), v.to_owned())
        })
        .collect()
}

/// Tab separated rows, `#` comments.
fn rows(name: &str) -> Vec<Vec<String>> {
    read_vector(name)
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split('\t').map(str::to_owned).collect())
        .collect()
}

fn hash_of(mechanism: &str) -> ScramHash {
    match mechanism {
        "SCRAM-SHA-1" => ScramHash::Sha1,
        "SCRAM-SHA-256" => ScramHash::Sha256,
        other => panic!("unknown mechanism {other}"),
    }
}

fn scram_client_side(file: &str) {
    let v = keyed(file);
    let hash = hash_of(&v["mechanism"]);
    let mut client = ScramClient::new(hash, &v["username"], &v["password"])
        .unwrap()
        .with_nonce_source(Box::new(FixedNonce(v["client-nonce"].clone())));
    assert_eq!(client.name(), v["mechanism"]);
    let first = client.initial_response().unwrap().unwrap();
    assert_eq!(String::from_utf8(first).unwrap(), v["client-first"]);
    let last = client.step(v["server-first"].as_bytes()).unwrap();
    assert_eq!(String::from_utf8(last).unwrap(), v["client-final"]);
    client.success(Some(v["server-final"].as_bytes())).unwrap();
}

fn scram_server_side(file: &str) {
    let v = keyed(file);
    let hash = hash_of(&v["mechanism"]);
    let salt = base64_decode(&v["salt"]);
    let iterations: u32 = v["iterations"].parse().unwrap();
    let stored = StoredCredentials::derive(hash, &v["password"], &salt, iterations).unwrap();
    let mut server = ScramServer::new(hash, false, &server_secret())
        .with_nonce_source(Box::new(FixedNonce(v["server-nonce"].clone())));
    let step = server.step(Some(v["client-first"].as_bytes())).unwrap();
    assert_eq!(
        step,
        ServerStep::Request(Request::ScramCredentials {
            username: v["username"].clone(),
            authzid: None
        })
    );
    let step = server
        .answer(Answer::ScramCredentials(Some(stored)))
        .unwrap();
    assert_eq!(
        step,
        ServerStep::Challenge(v["server-first"].clone().into_bytes())
    );
    match server.step(Some(v["client-final"].as_bytes())).unwrap() {
        ServerStep::Success {
            additional_data,
            identity,
        } => {
            assert_eq!(additional_data.unwrap(), v["server-final"].as_bytes());
            assert_eq!(identity.authcid(), Some(&*v["username"]));
            assert_eq!(identity.authzid(), None);
        }
        other => panic!("expected success, got {other:?}"),
    }
}

fn base64_decode(text: &str) -> Vec<u8> {
    xmpp_sasl::decode_payload(text).unwrap().unwrap()
}

// RFC 5802 §5
#[test]
fn rfc5802_section5_scram_sha1_client() {
    scram_client_side("scram-sha-1-rfc5802.txt");
}

// RFC 5802 §5
#[test]
fn rfc5802_section5_scram_sha1_server() {
    scram_server_side("scram-sha-1-rfc5802.txt");
}

// RFC 7677 §3
#[test]
fn rfc7677_section3_scram_sha256_client() {
    scram_client_side("scram-sha-256-rfc7677.txt");
}

// RFC 7677 §3
#[test]
fn rfc7677_section3_scram_sha256_server() {
    scram_server_side("scram-sha-256-rfc7677.txt");
}

fn unescape_nul(s: &str) -> Vec<u8> {
    s.replace("\\0", "\0").into_bytes()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

// RFC 6070 §2
#[test]
fn rfc6070_pbkdf2_hmac_sha1() {
    let rows = rows("pbkdf2-hmac-sha1-rfc6070.txt");
    assert_eq!(rows.len(), 6);
    for row in rows {
        let [p, s, c, len, dk] = &row[..] else {
            panic!("bad row {row:?}")
        };
        let c: u32 = c.parse().unwrap();
        let len: usize = len.parse().unwrap();
        let out = ScramHash::Sha1.hi(&unescape_nul(p), &unescape_nul(s), c);
        let n = len.min(out.len());
        assert_eq!(hex(&out[..n]), dk[..2 * n], "PBKDF2({p:?}, {s:?}, {c})");
    }
}

/// Parses `"ascii"U+XXXX...` into a string.
fn code_points(spec: &str) -> String {
    let mut out = String::new();
    let mut rest = spec;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('"') {
            let end = r.find('"').unwrap();
            out.push_str(&r[..end]);
            rest = &r[end + 1..];
        } else if let Some(r) = rest.strip_prefix("U+") {
            let hex_len = r.find(|c: char| !c.is_ascii_hexdigit()).unwrap_or(r.len());
            let cp = u32::from_str_radix(&r[..hex_len], 16).unwrap();
            out.push(char::from_u32(cp).unwrap());
            rest = &r[hex_len..];
        } else {
            panic!("bad spec {spec}");
        }
    }
    out
}

// RFC 4013 §3
#[test]
fn rfc4013_section3_examples() {
    let rows = rows("saslprep-rfc4013.txt");
    assert_eq!(rows.len(), 7);
    for row in rows {
        let input = code_points(&row[0]);
        let got = saslprep(&input, "test");
        if row[1] == "error" {
            assert!(got.is_err(), "{}: {:?} must fail", row[2], row[0]);
        } else {
            assert_eq!(got.unwrap(), code_points(&row[1]), "{}", row[2]);
        }
    }
}

// RFC 2831 §4
#[cfg(feature = "digest-md5")]
#[test]
fn rfc2831_section4_digest_md5_client() {
    use xmpp_sasl::digest_md5::DigestMd5Client;
    let v = keyed("digest-md5-rfc2831.txt");
    let mut client =
        DigestMd5Client::new(&v["username"], &v["password"], &v["service"], &v["host"])
            .with_nonce_source(Box::new(FixedNonce(v["client-nonce"].clone())));
    assert_eq!(client.initial_response().unwrap(), None);
    let response = client.step(v["challenge"].as_bytes()).unwrap();
    assert_eq!(String::from_utf8(response).unwrap(), v["response"]);
    // rspauth as a challenge (RFC 2831 §4 sends it before the final OK), answered empty.
    assert_eq!(client.step(v["rspauth"].as_bytes()).unwrap(), b"");
    client.success(None).unwrap();
}

// RFC 2831 §4
#[cfg(feature = "digest-md5")]
#[test]
fn rfc2831_section4_digest_md5_server() {
    use xmpp_sasl::digest_md5::{DigestMd5Server, secret};
    let v = keyed("digest-md5-rfc2831.txt");
    let mut server = DigestMd5Server::new(&v["service"], &v["host"], &server_secret())
        .with_realm(Some(&v["realm"]))
        .with_nonce_source(Box::new(FixedNonce(v["server-nonce"].clone())));
    let challenge = server.step(None).unwrap();
    assert_eq!(
        challenge,
        ServerStep::Challenge(v["challenge"].clone().into_bytes())
    );
    let step = server.step(Some(v["response"].as_bytes())).unwrap();
    assert_eq!(
        step,
        ServerStep::Request(Request::DigestMd5Secret {
            username: v["username"].clone(),
            realm: v["realm"].clone(),
            authzid: None
        })
    );
    let stored = secret(&v["username"], &v["realm"], &v["password"]);
    match server
        .answer(Answer::DigestMd5Secret(Some(stored)))
        .unwrap()
    {
        ServerStep::Success {
            additional_data,
            identity,
        } => {
            assert_eq!(additional_data.unwrap(), v["rspauth"].as_bytes());
            assert_eq!(identity.authcid(), Some(&*v["username"]));
        }
        other => panic!("expected success, got {other:?}"),
    }
}
