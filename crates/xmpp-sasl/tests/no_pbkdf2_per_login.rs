//! A SCRAM server login with stored credentials runs no PBKDF2 (`Hi()`): the process-wide
//! counter of `Hi()` runs does not move while the server verifies logins. This file holds a
//! single test so no other test of the same process runs `Hi()` concurrently.

use xmpp_sasl::scram::{
    SaltedPassword, ScramClient, ScramHash, ScramServer, StoredCredentials, hi_invocations,
};
use xmpp_sasl::{Answer, ClientMechanism, FixedNonce, ServerMechanism, ServerStep};

/// The server secret stand-in credentials are derived from.
fn server_secret() -> xmpp_sasl::ServerSecret {
    xmpp_sasl::ServerSecret::new(b"server secret of the test").expect("at least 16 bytes")
}

/// Builds a client-final-message by hand from the salted password, so the client side needs
/// no `Hi()` either (RFC 5802 §3).
fn client_final(
    hash: ScramHash,
    salted: &[u8],
    client_first_bare: &str,
    server_first: &str,
) -> String {
    let nonce = server_first
        .split(',')
        .next()
        .and_then(|r| r.strip_prefix("r="))
        .unwrap();
    let without_proof = format!("c=biws,r={nonce}");
    let auth_message = format!("{client_first_bare},{server_first},{without_proof}");
    let client_key = hash.hmac(salted, &[b"Client Key"]);
    let stored_key = hash.hash(&client_key);
    let signature = hash.hmac(&stored_key, &[auth_message.as_bytes()]);
    let proof: Vec<u8> = client_key
        .iter()
        .zip(&signature)
        .map(|(a, b)| a ^ b)
        .collect();
    format!("{without_proof},p={}", xmpp_sasl::encode_payload(&proof))
}

#[test]
fn server_login_runs_no_pbkdf2() {
    for hash in [ScramHash::Sha1, ScramHash::Sha256] {
        let salt = b"per-user salt";
        let salted = hash.hi(b"pencil", salt, 4096);
        let creds = StoredCredentials::from_salted_password(hash, &salted, salt, 4096);
        let before = hi_invocations();
        for i in 0..20 {
            let mut server = ScramServer::new(hash, false, &server_secret())
                .with_nonce_source(Box::new(FixedNonce(format!("srv{i}"))));
            let bare = format!("n=user,r=cli{i}");
            let ServerStep::Request(_) =
                server.step(Some(format!("n,,{bare}").as_bytes())).unwrap()
            else {
                panic!("expected a credentials request")
            };
            // Every other login is for an unknown user: no PBKDF2 for those either.
            let answer = Answer::ScramCredentials((i % 2 == 0).then(|| creds.clone()));
            let ServerStep::Challenge(first) = server.answer(answer).unwrap() else {
                panic!("expected server-first-message")
            };
            let first = String::from_utf8(first).unwrap();
            let fin = client_final(hash, &salted, &bare, &first);
            let outcome = server.step(Some(fin.as_bytes()));
            assert_eq!(outcome.is_ok(), i % 2 == 0, "login {i}: {outcome:?}");
        }
        assert_eq!(
            hi_invocations(),
            before,
            "the server ran PBKDF2 during a login"
        );

        // A client with a cached SaltedPassword against the server: no PBKDF2 on either side.
        let cached = SaltedPassword {
            salted_password: salted.clone(),
            salt: salt.to_vec(),
            iterations: 4096,
        };
        let mut client = ScramClient::new(hash, "user", "pencil")
            .unwrap()
            .with_salted_password(cached);
        let mut server = ScramServer::new(hash, false, &server_secret());
        let mut step = server
            .step(client.initial_response().unwrap().as_deref())
            .unwrap();
        loop {
            step = match step {
                ServerStep::Request(_) => server
                    .answer(Answer::ScramCredentials(Some(creds.clone())))
                    .unwrap(),
                ServerStep::Challenge(c) => server.step(Some(&client.step(&c).unwrap())).unwrap(),
                ServerStep::Success {
                    additional_data, ..
                } => {
                    client.success(additional_data.as_deref()).unwrap();
                    break;
                }
            }
        }
        assert_eq!(hi_invocations(), before, "a cached login ran PBKDF2");
        // The counter does count: deriving credentials runs Hi() once.
        StoredCredentials::derive(hash, "pencil", salt, 4096).unwrap();
        assert_eq!(hi_invocations(), before + 1);
    }
}
