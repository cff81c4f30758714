//! Property tests: no state machine panics on arbitrary input; SASLprep is idempotent;
//! encodings round-trip; our client and server agree on arbitrary credentials.

use proptest::prelude::*;
use xmpp_sasl::fuzzing;
use xmpp_sasl::plain::{PlainClient, PlainServer};
use xmpp_sasl::scram::{
    ScramClient, ScramHash, ScramServer, StoredCredentials, escape_saslname, unescape_saslname,
};
use xmpp_sasl::{
    Answer, ClientMechanism, Request, ServerMechanism, ServerStep, decode_payload, encode_payload,
    saslprep, saslprep_query,
};

/// The server secret stand-in credentials are derived from.
fn server_secret() -> xmpp_sasl::ServerSecret {
    xmpp_sasl::ServerSecret::new(b"proptest server secret").expect("at least 16 bytes")
}

/// Bytes that look like SASL messages often enough to get past the first checks.
fn message_like() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..200),
        "[nyp=,a-z0-9A-Z+/]{0,80}".prop_map(String::into_bytes),
        (
            prop_oneof![
                Just("n,,"),
                Just("y,,"),
                Just("p=tls-exporter,"),
                Just("n,a=x,")
            ],
            "[a-z=,]{0,10}",
            "[!-~]{0,30}"
        )
            .prop_map(|(h, u, r)| format!("{h}n={u},r={r}").into_bytes()),
        "(c=|r=|p=|v=|e=|s=|i=|m=)[!-~]{0,40}(,(c=|r=|p=|s=|i=)[!-~]{0,40}){0,4}"
            .prop_map(String::into_bytes),
        "([a-z-]{1,10}=(\"[ -~]{0,20}\"|[a-z0-9-]{0,10}),?){0,8}".prop_map(String::into_bytes),
    ]
}

fn messages() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(message_like(), 1..4).prop_map(|ms| ms.join(&fuzzing::SEPARATOR))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn servers_never_panic(data in messages()) {
        fuzzing::scram_server(&data);
        fuzzing::plain_server(&data);
        fuzzing::external_server(&data);
        fuzzing::anonymous_server(&data);
        #[cfg(feature = "digest-md5")]
        fuzzing::digest_server(&data);
    }

    #[test]
    fn clients_never_panic(data in messages()) {
        fuzzing::scram_client(&data);
        #[cfg(feature = "digest-md5")]
        fuzzing::digest_client(&data);
        // Other clients: arbitrary challenges and success data.
        let mut plain = PlainClient::new("u", "p").unwrap();
        let _ = plain.step(&data);
        let _ = plain.success(Some(&data));
    }

    #[test]
    fn wrong_order_never_panics(calls in proptest::collection::vec((0u8..4, message_like()), 0..8)) {
        let mut client = ScramClient::new(ScramHash::Sha1, "user", "pencil")
            .unwrap()
            .with_iteration_bounds(1, 64);
        let mut server = ScramServer::new(ScramHash::Sha1, false, &server_secret());
        for (kind, data) in calls {
            match kind {
                0 => { let _ = client.initial_response(); }
                1 => { let _ = client.step(&data); let _ = client.success(Some(&data)); }
                2 => { let _ = server.step(Some(&data)); }
                _ => { let _ = server.answer(Answer::ScramCredentials(None)); }
            }
        }
    }

    // RFC 4013: preparing a prepared string changes nothing.
    #[test]
    fn saslprep_idempotent(s in any::<String>()) {
        if let Ok(once) = saslprep(&s, "test") {
            let twice = saslprep(&once, "test").expect("prepared output must prepare");
            prop_assert_eq!(once.as_ref(), twice.as_ref());
        }
    }

    #[test]
    fn saslprep_query_idempotent_and_agrees_with_stored(s in any::<String>()) {
        // RFC 3454 §7: a query differs from a stored string only in accepting unassigned
        // code points, so wherever the stored preparation succeeds both give the same output.
        if let Ok(stored) = saslprep(&s, "test") {
            let query = saslprep_query(&s, "test").expect("a stored string is also a query");
            prop_assert_eq!(&query, &stored);
        }
        if let Ok(once) = saslprep_query(&s, "test") {
            let twice = saslprep_query(&once, "test").expect("prepared output must prepare");
            prop_assert_eq!(&once, &twice);
        }
    }

    #[test]
    fn saslprep_idempotent_on_compatibility_chars(s in "[a-zA-Z\u{00a0}-\u{00ff}\u{2160}-\u{2188}\u{ff01}-\u{ff5e}\u{00ad}]{0,20}") {
        if let Ok(once) = saslprep(&s, "test") {
            let twice = saslprep(&once, "test").expect("prepared output must prepare");
            prop_assert_eq!(once.as_ref(), twice.as_ref());
        }
    }

    // RFC 5802 §5.1
    #[test]
    fn saslname_round_trip(s in "[^\u{0}]{0,30}") {
        let escaped = escape_saslname(&s);
        prop_assert!(!escaped.contains(','));
        prop_assert_eq!(unescape_saslname(&escaped).unwrap(), s);
    }

    #[test]
    fn unescape_never_panics(s in any::<String>()) {
        let _ = unescape_saslname(&s);
    }

    // RFC 3920 §6.2
    #[test]
    fn payload_round_trip(data in proptest::collection::vec(any::<u8>(), 0..100)) {
        let text = encode_payload(&data);
        prop_assert_eq!(decode_payload(&text).unwrap(), Some(data));
    }

    #[test]
    fn payload_decode_never_panics(s in any::<String>()) {
        if let Some((_, again)) = fuzzing::payload(s.as_bytes()) {
            prop_assert_eq!(again, s);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    // Our client and server agree for arbitrary user names, passwords and authzids.
    #[test]
    fn scram_agrees_on_arbitrary_credentials(
        user in "[!-~\u{e0}-\u{ff}]{1,20}",
        password in "[ -~\u{e0}-\u{ff}]{1,20}",
        authzid in proptest::option::of("[!-~]{1,20}"),
        sha256 in any::<bool>(),
    ) {
        let hash = if sha256 { ScramHash::Sha256 } else { ScramHash::Sha1 };
        let creds = StoredCredentials::derive(hash, &password, b"salt", 4096).unwrap();
        let mut client = ScramClient::new(hash, &user, &password).unwrap();
        if let Some(a) = &authzid {
            client = client.with_authzid(a);
        }
        let mut server = ScramServer::new(hash, false, &server_secret());
        let mut step = server.step(client.initial_response().unwrap().as_deref()).unwrap();
        loop {
            step = match step {
                ServerStep::Request(Request::ScramCredentials { username, authzid: got }) => {
                    prop_assert_eq!(&username, &saslprep(&user, "u").unwrap());
                    prop_assert_eq!(&got, &authzid);
                    server.answer(Answer::ScramCredentials(Some(creds.clone()))).unwrap()
                }
                ServerStep::Challenge(c) => server.step(Some(&client.step(&c).unwrap())).unwrap(),
                ServerStep::Success { additional_data, identity } => {
                    client.success(additional_data.as_deref()).unwrap();
                    prop_assert_eq!(identity.authzid(), authzid.as_deref());
                    break;
                }
                other => panic!("unexpected {other:?}"),
            };
        }
    }

    #[test]
    fn plain_agrees_on_arbitrary_credentials(
        user in "[!-~]{1,20}",
        password in "[ -~]{1,20}",
    ) {
        let mut client = PlainClient::new(&user, &password).unwrap();
        let mut server = PlainServer::new();
        let step = server.step(client.initial_response().unwrap().as_deref()).unwrap();
        let ServerStep::Request(Request::VerifyPassword { authcid, password: got, .. }) = step else {
            panic!("expected a password check");
        };
        prop_assert_eq!(authcid, user);
        prop_assert!(got.matches(&password));
        let done = server.answer(Answer::PasswordValid(true)).unwrap();
        let is_success = matches!(done, ServerStep::Success { .. });
        prop_assert!(is_success);
    }
}
