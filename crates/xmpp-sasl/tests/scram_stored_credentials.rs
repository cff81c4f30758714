//! What a SCRAM server does with the stored credentials its caller hands it (RFC 5802 §3)
//! when they cannot be the user's: the wrong hash, no iterations, no salt, or keys of the
//! wrong length. It answers as for an unknown user (the stand-in salt and iteration count,
//! RFC 5802 §5.1 `s=`, `i=`) and the login fails, instead of using the broken record.
//! Also the mandatory-extension attribute `m=` (RFC 5802 §5.1) in a client-first-message.

use xmpp_sasl::scram::{ScramClient, ScramHash, ScramServer, StoredCredentials};
use xmpp_sasl::{
    Answer, ClientMechanism, Error, FixedNonce, ServerMechanism, ServerSecret, ServerStep,
};

const SALT: &[u8] = b"salt of the real record";

fn secret() -> ServerSecret {
    ServerSecret::new(b"server secret for stored-credential tests").expect("at least 16 bytes")
}

fn server() -> ScramServer {
    ScramServer::new(ScramHash::Sha256, false, &secret())
        .with_nonce_source(Box::new(FixedNonce("srvnonce".into())))
}

fn good() -> StoredCredentials {
    StoredCredentials::derive(ScramHash::Sha256, "pencil", SALT, 4096).expect("derive")
}

/// Runs a login of `user`/`pencil` with `stored` as the record; returns the
/// server-first-message and whether the server accepted the proof.
fn login(stored: StoredCredentials) -> (String, bool) {
    let mut client = ScramClient::new(ScramHash::Sha256, "user", "pencil")
        .expect("client")
        .with_nonce_source(Box::new(FixedNonce("clinonce".into())));
    let mut server = server();
    let first = client.initial_response().expect("first").expect("data");
    assert!(matches!(
        server.step(Some(&first)),
        Ok(ServerStep::Request(_))
    ));
    let ServerStep::Challenge(server_first) = server
        .answer(Answer::ScramCredentials(Some(stored)))
        .expect("server-first")
    else {
        panic!("no challenge");
    };
    let text = String::from_utf8(server_first.clone()).expect("UTF-8");
    let Ok(client_final) = client.step(&server_first) else {
        return (text, false);
    };
    let accepted = matches!(
        server.step(Some(&client_final)),
        Ok(ServerStep::Success { .. })
    );
    (text, accepted)
}

/// The `s=` value a server-first-message carries, as base64.
fn salt_of(server_first: &str) -> &str {
    server_first
        .split(',')
        .find_map(|part| part.strip_prefix("s="))
        .expect("s=")
}

#[test]
fn a_sound_record_is_used() {
    let (first, accepted) = login(good());
    assert_eq!(salt_of(&first), xmpp_sasl::encode_payload(SALT));
    assert!(accepted);
}

/// A way to spoil a stored record, and its name.
type Spoil = (&'static str, fn(&mut StoredCredentials));

#[test]
fn a_broken_record_is_not_used() {
    let broken: [Spoil; 5] = [
        ("another hash", |c| c.hash = ScramHash::Sha1),
        ("no iterations", |c| c.iterations = 0),
        ("no salt", |c| c.salt.clear()),
        ("a short StoredKey", |c| c.stored_key.truncate(20)),
        ("a short ServerKey", |c| c.server_key.truncate(20)),
    ];
    for (what, spoil) in broken {
        let mut stored = good();
        spoil(&mut stored);
        let (first, accepted) = login(stored);
        assert_ne!(
            salt_of(&first),
            xmpp_sasl::encode_payload(SALT),
            "{what}: the record's salt was sent"
        );
        assert!(!first.contains(",i=0"), "{what}: {first}");
        assert!(!accepted, "{what}: login accepted");
    }
}

/// RFC 5802 §5.1: a client-first-message starting with the mandatory extension `m=` is
/// refused as an unsupported extension (`e=extensions-not-supported`), not as garbage.
#[test]
fn a_mandatory_extension_is_unsupported() {
    // At the start of the message, and in the place of a later defined attribute.
    for message in ["n,,m=ext,n=user,r=abc", "n,,n=user,m=ext,r=abc"] {
        let e = server()
            .step(Some(message.as_bytes()))
            .expect_err("refused");
        assert_eq!(e, Error::UnsupportedExtension, "{message}");
        assert_eq!(e.scram_error(), "extensions-not-supported");
    }
}

/// RFC 5802 §7: an attribute value is never empty, and the defined attributes come in a
/// fixed order; the error says which rule was broken.
#[test]
fn an_empty_attribute_value_is_named() {
    for message in ["n,,n=,r=abc", "n,,n=user,r="] {
        match server().step(Some(message.as_bytes())) {
            Err(Error::Malformed { detail, .. }) => {
                assert_eq!(detail, "empty attribute value", "{message}");
            }
            other => panic!("{message}: {other:?}"),
        }
    }
    match server().step(Some(b"n,,x=,r=abc")) {
        Err(Error::Malformed { detail, .. }) => {
            assert_eq!(detail, "expected n= in client-first-message");
        }
        other => panic!("x= in place of n=: {other:?}"),
    }
}
