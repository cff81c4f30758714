//! Secrets never reach `{:?}` output: passwords in requests and credentials, DIGEST-MD5
//! secrets in answers, the keys and passwords inside the state machines.

use xmpp_sasl::negotiate::ClientCredentials;
use xmpp_sasl::plain::{PlainClient, PlainServer};
use xmpp_sasl::scram::{SaltedPassword, ScramClient, ScramHash, StoredCredentials};
use xmpp_sasl::{Answer, ClientMechanism, Request, ServerMechanism, ServerStep};

const PASSWORD: &str = "correct horse battery staple";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Every rendering of `bytes` a derived `Debug` could print: the list of numbers and hex.
fn assert_hidden(debug: &str, bytes: &[u8]) {
    let list = format!("{bytes:?}");
    let spaced = format!("{bytes:#?}");
    assert!(!debug.contains(&list[1..list.len() - 1]), "{debug}");
    assert!(!debug.contains(&spaced[1..spaced.len() - 1]), "{debug}");
    assert!(!debug.contains(&hex(bytes)), "{debug}");
}

#[test]
fn plain_request_debug_hides_the_password() {
    let mut client = PlainClient::new("juliet", PASSWORD).unwrap();
    let message = client.initial_response().unwrap();
    let mut server = PlainServer::new();
    let step = server.step(message.as_deref()).unwrap();
    let debug = format!("{step:?} {step:#?}");
    assert!(matches!(
        step,
        ServerStep::Request(Request::VerifyPassword { .. })
    ));
    assert!(!debug.contains(PASSWORD), "{debug}");
    assert!(debug.contains("juliet"), "{debug}");
    assert!(!format!("{client:?}").contains(PASSWORD));
}

#[test]
fn client_credentials_debug_hides_the_password() {
    let credentials = ClientCredentials {
        username: "juliet".into(),
        password: PASSWORD.into(),
        ..ClientCredentials::default()
    };
    let debug = format!("{credentials:?} {credentials:#?}");
    assert!(!debug.contains(PASSWORD), "{debug}");
    assert!(debug.contains("juliet"), "{debug}");
}

#[cfg(feature = "digest-md5")]
#[test]
fn digest_md5_secret_debug_is_redacted() {
    use xmpp_sasl::digest_md5::{DigestMd5Client, secret};
    let stored = secret("juliet", "example.com", PASSWORD);
    let bytes = stored.clone();
    let answer = Answer::DigestMd5Secret(Some(stored));
    let debug = format!("{answer:?} {answer:#?}");
    let raw: &[u8] = bytes.as_ref();
    assert_hidden(&debug, raw);
    let client = DigestMd5Client::new("juliet", PASSWORD, "xmpp", "example.com");
    assert!(!format!("{client:?}").contains(PASSWORD));
}

#[test]
fn scram_keys_and_passwords_stay_out_of_debug() {
    let stored =
        StoredCredentials::derive(ScramHash::Sha256, PASSWORD, b"salt of juliet", 4096).unwrap();
    let debug = format!(
        "{stored:?} {:?}",
        Answer::ScramCredentials(Some(stored.clone()))
    );
    assert_hidden(&debug, &stored.stored_key);
    assert_hidden(&debug, &stored.server_key);
    let salted = SaltedPassword::derive(ScramHash::Sha1, PASSWORD, b"salt", 4096).unwrap();
    assert_hidden(&format!("{salted:?}"), &salted.salted_password);
    let client = ScramClient::new(ScramHash::Sha256, "juliet", PASSWORD).unwrap();
    assert!(!format!("{client:?}").contains(PASSWORD));
}

#[test]
fn secret_string_redacts_and_compares() {
    let s = xmpp_sasl::SecretString::from(PASSWORD);
    assert_eq!(format!("{s:?}"), "SecretString(<redacted>)");
    assert_eq!(s.expose(), PASSWORD);
    assert!(s.matches(PASSWORD));
    assert!(!s.matches("correct horse battery stapl"));
    assert!(!s.matches("correct horse battery staplf"));
    assert!(!s.matches(""));
}
