//! One test per message-level rule of the RFCs: SCRAM grammar and GS2 flags (RFC 5802 §5-§7),
//! SASLprep as query or stored string (RFC 4013, RFC 3454 §7), PLAIN (RFC 4616 §2),
//! DIGEST-MD5 encodings and directives (RFC 2831 §2.1) and ANONYMOUS trace (RFC 4505).

use xmpp_sasl::anonymous::{AnonymousClient, AnonymousServer};
use xmpp_sasl::negotiate::{Mechanism, client_channel_binding};
use xmpp_sasl::plain::{PlainServer, parse_message};
use xmpp_sasl::scram::{
    ChannelBinding, ChannelBindingType, ClientChannelBinding, ScramClient, ScramHash, ScramServer,
    StoredCredentials,
};
use xmpp_sasl::{
    Answer, ClientMechanism, Condition, Error, FixedNonce, Identity, Request, ServerMechanism,
    ServerStep, saslprep, saslprep_query,
};

/// The server secret stand-in credentials are derived from.
fn server_secret() -> xmpp_sasl::ServerSecret {
    xmpp_sasl::ServerSecret::new(b"server secret for rule tests").expect("at least 16 bytes")
}

/// U+0221 is unassigned in Unicode 3.2 (RFC 3454 Table A.1).
const UNASSIGNED: &str = "\u{221}";

fn server(plus: bool) -> ScramServer {
    ScramServer::new(ScramHash::Sha256, plus, &server_secret())
        .with_nonce_source(Box::new(FixedNonce("srvnonce".into())))
}

fn client_first_error(plus: bool, message: &str) -> Error {
    server(plus).step(Some(message.as_bytes())).unwrap_err()
}

fn malformed(e: &Error) -> bool {
    matches!(e, Error::Malformed { .. }) && e.condition() == Condition::IncorrectEncoding
}

// RFC 5802 §5.1 `m`: a mandatory extension anywhere in a client message fails.
#[test]
fn scram_server_rejects_mandatory_extension_anywhere() {
    for m in [
        "n,,m=ext,n=user,r=abc",
        "n,,n=user,r=abc,m=ext",
        "n,,n=user,r=abc,x=1,m=ext",
    ] {
        let e = client_first_error(false, m);
        assert_eq!(e, Error::UnsupportedExtension, "{m}");
        assert_eq!(e.scram_error(), "extensions-not-supported");
    }
}

// RFC 5802 §7: attr-val = ALPHA "=" value, value = 1*value-char; optional extensions use
// names SCRAM does not define (§5.1), and are ignored.
#[test]
fn scram_server_extension_grammar() {
    for bad in [
        "n,,n=user,r=abc,x=",        // empty extension value
        "n,,n=user,r=abc,r=def",     // repeated nonce
        "n,,n=user,r=abc,n=other",   // repeated user name
        "n,,n=user,r=abc,x=1,x=2",   // repeated extension
        "n,,n=user,r=abc,p=AAAA",    // proof in the first message
        "n,,n=user,r=abc,x=a\u{0}b", // NUL is not a value-char
        "n,,n=user,r=abc,1=x",       // attribute name is not ALPHA
        "n,,n=,r=abc",               // empty user name
        "n,,n=user,r=",              // empty nonce
        "n,,r=abc,n=user",           // fixed order
    ] {
        let e = client_first_error(false, bad);
        assert!(malformed(&e), "{bad:?}: {e:?}");
    }
    // Unknown optional extensions are ignored.
    let ok = server(false).step(Some(b"n,,n=user,r=abc,x=1,Y=2,z=a=b"));
    assert!(matches!(ok, Ok(ServerStep::Request(_))), "{ok:?}");
}

// RFC 5802 §6: a server that supports channel binding fails a client sending `y`; the
// -PLUS variant certainly supports it.
#[test]
fn scram_plus_server_refuses_y_flag_as_downgrade() {
    let e = client_first_error(true, "y,,n=user,r=abc");
    assert_eq!(e, Error::Downgrade);
    assert_eq!(e.scram_error(), "server-does-support-channel-binding");
    // A -PLUS server receiving `n` reports that binding is required.
    assert_eq!(
        client_first_error(true, "n,,n=user,r=abc"),
        Error::ChannelBindingRequired
    );
    // `p=` sent to the non-PLUS variant.
    assert_eq!(
        client_first_error(false, "p=tls-exporter,,n=user,r=abc"),
        Error::ChannelBindingRequired
    );
    // cb-name = 1*(ALPHA / DIGIT / "." / "-")
    assert!(malformed(&client_first_error(
        true,
        "p=tls_unique,,n=user,r=abc"
    )));
    assert!(malformed(&client_first_error(true, "p=,,n=user,r=abc")));
}

// RFC 5802 §5.1: the user name is prepared as a query string (unassigned code points
// allowed) by both sides; the password as a stored string (§2.2 Normalize).
#[test]
fn scram_username_is_a_query_string() {
    let name = format!("user{UNASSIGNED}");
    assert!(saslprep(&name, "username").is_err());
    assert_eq!(saslprep_query(&name, "username").unwrap(), name);
    // Prohibited characters stay prohibited in a query.
    assert!(saslprep_query("a\u{7}b", "username").is_err());
    assert!(saslprep_query("\u{E000}", "username").is_err());
    // RandALCat with LCat.
    assert!(saslprep_query("\u{5D0}a\u{5D0}", "username").is_err());
    // Mapping and NFKC as for stored strings.
    assert_eq!(saslprep_query("I\u{AD}X", "username").unwrap(), "IX");
    assert_eq!(saslprep_query("\u{2168}", "username").unwrap(), "IX");
    assert_eq!(saslprep_query("a\u{A0}b", "username").unwrap(), "a b");

    let client = ScramClient::new(ScramHash::Sha256, &name, "pencil");
    assert!(client.is_ok(), "{client:?}");
    let step = server(false)
        .step(Some(format!("n,,n={name},r=abc").as_bytes()))
        .unwrap();
    match step {
        ServerStep::Request(Request::ScramCredentials { username, .. }) => {
            assert_eq!(username, name)
        }
        other => panic!("{other:?}"),
    }
    // The password is a stored string.
    assert_eq!(
        ScramClient::new(ScramHash::Sha256, "user", &format!("pw{UNASSIGNED}")).unwrap_err(),
        Error::Saslprep { field: "password" }
    );
}

/// Runs our client to the client-final-message against our server (known user `user`).
fn to_client_final() -> (ScramServer, ScramClient, Vec<u8>) {
    let stored = StoredCredentials::derive(ScramHash::Sha256, "pencil", b"salt", 4096).unwrap();
    let mut c = ScramClient::new(ScramHash::Sha256, "user", "pencil")
        .unwrap()
        .with_nonce_source(Box::new(FixedNonce("clinonce".into())));
    let mut s = server(false);
    let first = c.initial_response().unwrap().unwrap();
    assert!(matches!(s.step(Some(&first)), Ok(ServerStep::Request(_))));
    let ServerStep::Challenge(server_first) =
        s.answer(Answer::ScramCredentials(Some(stored))).unwrap()
    else {
        panic!()
    };
    let fin = c.step(&server_first).unwrap();
    (s, c, fin)
}

// RFC 5802 §7 client-final-message = channel-binding "," nonce ["," extensions] "," proof
#[test]
fn scram_client_final_grammar() {
    let (_, _, fin) = to_client_final();
    let fin = String::from_utf8(fin).unwrap();
    let (without_proof, proof) = fin.rsplit_once(",p=").unwrap();
    let cases = [
        (format!("{without_proof},p="), "empty proof"),
        (
            format!("{without_proof},m=x,p={proof}"),
            "mandatory extension",
        ),
        (format!("{without_proof},r=x,p={proof}"), "repeated nonce"),
        (format!("{without_proof},x=,p={proof}"), "empty extension"),
        (fin.replacen("c=biws", "c=", 1), "empty channel binding"),
    ];
    for (message, what) in cases {
        let (mut s, _, _) = to_client_final();
        let e = s.step(Some(message.as_bytes())).unwrap_err();
        match what {
            "mandatory extension" => assert_eq!(e, Error::UnsupportedExtension, "{what}"),
            _ => assert!(malformed(&e), "{what}: {e:?}"),
        }
    }
    // `c=` is exactly base64 of the GS2 header: "n,," is "biws". Base64 without its padding
    // or with a non-zero pad bit is refused; other header bytes do not match.
    for (c, encoding) in [
        ("biw", true),
        ("biz=", true),
        ("biw=", false),
        ("eSws", false),
    ] {
        let (mut s, _, _) = to_client_final();
        let e = s
            .step(Some(
                fin.replacen("c=biws", &format!("c={c}"), 1).as_bytes(),
            ))
            .unwrap_err();
        if encoding {
            assert_eq!(e.condition(), Condition::IncorrectEncoding, "{c}: {e:?}");
        } else {
            assert_eq!(e, Error::ChannelBindingMismatch, "{c}");
        }
    }
    // An unknown extension before the proof is ignored, but it is part of AuthMessage, so
    // the proof computed without it fails.
    let (mut s, _, _) = to_client_final();
    let e = s
        .step(Some(format!("{without_proof},x=1,p={proof}").as_bytes()))
        .unwrap_err();
    assert!(matches!(e, Error::AuthenticationFailed { .. }), "{e:?}");
}

fn client_at_server_first() -> ScramClient {
    let mut c = ScramClient::new(ScramHash::Sha256, "user", "pencil")
        .unwrap()
        .with_nonce_source(Box::new(FixedNonce("clinonce".into())));
    c.initial_response().unwrap();
    c
}

// RFC 5802 §7 server-first-message = [reserved-mext ","] nonce "," salt "," iteration-count
// ["," extensions]; §5.1 `m` fails wherever it appears.
#[test]
fn scram_client_server_first_grammar() {
    for (message, expect_ext) in [
        ("r=clinoncesrv,s=c2FsdA==,i=4096,m=x", true),
        ("m=x,r=clinoncesrv,s=c2FsdA==,i=4096", true),
        ("r=clinoncesrv,s=c2FsdA==,i=4096,x=", false),
        ("r=clinoncesrv,s=c2FsdA==,i=4096,s=c2FsdA==", false),
        ("r=clinoncesrv,s=,i=4096", false),
        ("r=clinoncesrv,s=c2FsdA==,i=", false),
        ("r=clinoncesrv,s=c2FsdA==,i=+4096", false),
        ("r=clinoncesrv,s=c2FsdA==,i=04096", false),
        ("r=clinoncesrv,s=c2FsdA==,i=4294967296", false),
        ("r=clinoncesrv,s=c2FsdA,i=4096", false),
        ("r=clinoncesrv,i=4096,s=c2FsdA==", false),
        ("e=", false),
    ] {
        let e = client_at_server_first()
            .step(message.as_bytes())
            .unwrap_err();
        if expect_ext {
            assert_eq!(e, Error::UnsupportedExtension, "{message}");
        } else {
            assert!(
                malformed(&e) || matches!(e, Error::InvalidBase64 { .. }),
                "{message}: {e:?}"
            );
        }
    }
    // Unknown extensions after i= are ignored.
    let ok = client_at_server_first().step(b"r=clinoncesrv,s=c2FsdA==,i=4096,x=1");
    assert!(ok.is_ok(), "{ok:?}");
    // A server nonce that does not extend ours, or is not printable.
    for message in [
        "r=clinonce,s=c2FsdA==,i=4096",
        "r=other,s=c2FsdA==,i=4096",
        "r=clinonc,s=c2FsdA==,i=4096",
    ] {
        let e = client_at_server_first()
            .step(message.as_bytes())
            .unwrap_err();
        assert_eq!(e, Error::NonceMismatch, "{message}");
    }
    let e = client_at_server_first()
        .step("r=clinonce\u{e9},s=c2FsdA==,i=4096".as_bytes())
        .unwrap_err();
    assert!(malformed(&e), "{e:?}");
}

// RFC 5802 §7 server-final-message = (server-error / verifier) ["," extensions]
#[test]
fn scram_client_server_final_grammar() {
    let (mut s, c, fin) = to_client_final();
    let ServerStep::Success {
        additional_data: Some(good),
        ..
    } = s.step(Some(&fin)).unwrap()
    else {
        panic!()
    };
    let good = String::from_utf8(good).unwrap();
    let fresh = || {
        let (_, c, _) = to_client_final();
        c
    };
    drop(c);
    assert!(fresh().success(Some(good.as_bytes())).is_ok());
    assert!(
        fresh()
            .success(Some(format!("{good},x=1").as_bytes()))
            .is_ok()
    );
    assert_eq!(
        fresh()
            .success(Some(format!("{good},m=1").as_bytes()))
            .unwrap_err(),
        Error::UnsupportedExtension
    );
    assert!(malformed(
        &fresh()
            .success(Some(format!("{good},v=AAAA").as_bytes()))
            .unwrap_err()
    ));
    assert!(malformed(&fresh().success(Some(b"e=")).unwrap_err()));
    assert!(malformed(&fresh().success(Some(b"v=")).unwrap_err()));
    assert_eq!(
        fresh().success(Some(b"e=invalid-proof,x=1")).unwrap_err(),
        Error::ServerError {
            value: "invalid-proof".into()
        }
    );
}

// RFC 5802 §7: authzid = "a=" saslname, a saslname has at least one character and no NUL.
#[test]
fn scram_client_refuses_empty_or_nul_authzid() {
    for a in ["", "a\u{0}b"] {
        let mut c = ScramClient::new(ScramHash::Sha1, "user", "pencil")
            .unwrap()
            .with_authzid(a);
        let e = c.initial_response().unwrap_err();
        assert_eq!(e.condition(), Condition::InvalidAuthzid, "{a:?}");
        // The client is failed afterwards.
        assert!(c.step(b"").is_err());
    }
}

// RFC 5802 §6: the client with binding data uses `y` when the server did not advertise the
// -PLUS name of the mechanism it runs.
#[test]
fn scram_y_flag_follows_the_chosen_mechanisms_plus_name() {
    let cb = ChannelBinding::new(ChannelBindingType::TlsExporter, vec![1; 32]);
    let offered = ["SCRAM-SHA-256-PLUS", "SCRAM-SHA-256", "SCRAM-SHA-1"];
    assert_eq!(
        client_channel_binding(&offered, Mechanism::ScramSha1, Some(cb.clone())),
        ClientChannelBinding::NotOffered
    );
    assert_eq!(
        client_channel_binding(&offered, Mechanism::ScramSha256, Some(cb.clone())),
        ClientChannelBinding::Unsupported
    );
    assert_eq!(
        client_channel_binding(&offered, Mechanism::ScramSha256Plus, Some(cb.clone())),
        ClientChannelBinding::Use(cb)
    );
}

// RFC 4616 §2: presented strings are prepared as query strings.
#[test]
fn plain_presented_strings_are_query_strings() {
    let msg = format!("\0user{UNASSIGNED}\0pw{UNASSIGNED}");
    let (authzid, authcid, password) = parse_message(msg.as_bytes()).unwrap();
    assert_eq!(authzid, None);
    assert_eq!(authcid, format!("user{UNASSIGNED}"));
    assert!(password.matches(&format!("pw{UNASSIGNED}")));
    // Preparation to an empty string, or a prohibited character, fails.
    assert!(parse_message("\0\u{AD}\0pw".as_bytes()).is_err());
    assert!(parse_message("\0user\0p\u{7}w".as_bytes()).is_err());
    let mut s = PlainServer::new();
    match s.step(Some("\0I\u{AD}X\0\u{2168}".as_bytes())).unwrap() {
        ServerStep::Request(Request::VerifyPassword {
            authcid, password, ..
        }) => {
            assert_eq!(authcid, "IX");
            assert!(password.matches("IX"));
        }
        other => panic!("{other:?}"),
    }
}

// RFC 4505 §3: the `trace` profile prohibits tables C.2.1, C.2.2, C.3, C.4, C.5, C.6, C.8,
// C.9 and applies the bidi rules; unassigned code points are allowed.
#[test]
fn anonymous_trace_profile() {
    for bad in [
        "a\u{200D}b",        // C.2.2 ZERO WIDTH JOINER
        "\u{E000}",          // C.3 private use
        "a\u{FFFE}",         // C.4 non-character
        "a\u{FFFC}",         // C.2.2 / C.6
        "a\u{200E}b",        // C.8 LEFT-TO-RIGHT MARK
        "a\u{E0001}",        // C.9 language tag
        "\u{5D0}abc\u{5D0}", // RandALCat with LCat
        "abc\u{5D0}",        // RandALCat not first
        "a\u{7F}",           // C.2.1
    ] {
        assert!(AnonymousClient::new(bad).is_err(), "client {bad:?}");
        let mut s = AnonymousServer::new();
        let e = s.step(Some(bad.as_bytes())).unwrap_err();
        assert_eq!(e.condition(), Condition::IncorrectEncoding, "{bad:?}");
    }
    for good in [
        "",
        "sirhc",
        "juliet@example.com",
        "\u{5D0}\u{5D1}",
        UNASSIGNED,
        "x y",
    ] {
        let mut s = AnonymousServer::new();
        match s.step(Some(good.as_bytes())).unwrap() {
            ServerStep::Success { identity, .. } => assert_eq!(
                identity,
                Identity::Anonymous {
                    trace: (!good.is_empty()).then(|| good.to_owned())
                }
            ),
            other => panic!("{other:?}"),
        }
    }
    // 255 characters (multi-byte) pass, 256 do not.
    let long = "\u{e9}".repeat(255);
    assert!(AnonymousServer::new().step(Some(long.as_bytes())).is_ok());
    let longer = "\u{e9}".repeat(256);
    assert!(matches!(
        AnonymousServer::new().step(Some(longer.as_bytes())),
        Err(Error::TooLong { .. })
    ));
}

#[cfg(feature = "digest-md5")]
mod digest {
    use super::*;
    use xmpp_sasl::digest_md5::{DigestMd5Client, DigestMd5Server, secret};

    /// A challenge without `charset=utf-8`: the client must use ISO 8859-1.
    const LATIN1_CHALLENGE: &[u8] =
        b"realm=\"example.com\",nonce=\"OA6MG9tEQGm2hh\",qop=\"auth\",algorithm=md5-sess";

    fn client(user: &str, pw: &str) -> DigestMd5Client {
        DigestMd5Client::new(user, pw, "xmpp", "example.com")
            .with_nonce_source(Box::new(FixedNonce("OA6MHXh6VqTrRk".into())))
    }

    fn server() -> DigestMd5Server {
        DigestMd5Server::new("xmpp", "example.com", &server_secret())
            .with_nonce_source(Box::new(FixedNonce("OA6MG9tEQGm2hh".into())))
    }

    /// Feeds `response` to a fresh server and answers with the secret of `user`/`pw`.
    fn serve(response: &[u8], pw: &str) -> Result<ServerStep, Error> {
        let mut s = server();
        s.step(None)?;
        match s.step(Some(response))? {
            ServerStep::Request(Request::DigestMd5Secret {
                username, realm, ..
            }) => s.answer(Answer::DigestMd5Secret(Some(secret(&username, &realm, pw)))),
            other => Ok(other),
        }
    }

    // RFC 2831 §2.1.1 `charset`: without it the client sends ISO 8859-1 and no charset.
    #[test]
    fn client_without_server_charset_uses_latin1() {
        let mut c = client("j\u{fc}liet", "p\u{e4}ss");
        let resp = c.step(LATIN1_CHALLENGE).unwrap();
        assert!(!resp.windows(7).any(|w| w == b"charset"));
        let latin1: &[u8] = b"\"j\xfcliet\"";
        assert!(resp.windows(latin1.len()).any(|w| w == latin1), "{resp:?}");
        // The server reads it as ISO 8859-1 and the digests agree.
        match serve(&resp, "p\u{e4}ss").unwrap() {
            ServerStep::Success { identity, .. } => {
                assert_eq!(identity.authcid(), Some("j\u{fc}liet"))
            }
            other => panic!("{other:?}"),
        }
        // Outside ISO 8859-1 the client cannot answer such a server.
        let e = client("\u{263a}", "pw").step(LATIN1_CHALLENGE).unwrap_err();
        assert!(matches!(e, Error::NotLatin1 { .. }), "{e:?}");
        let e = client("juliet", "\u{263a}")
            .step(LATIN1_CHALLENGE)
            .unwrap_err();
        assert!(matches!(e, Error::NotLatin1 { .. }), "{e:?}");
        // With charset=utf-8 it sends UTF-8 and says so.
        let mut c = client("j\u{fc}liet", "p\u{e4}ss");
        let mut utf8_challenge = LATIN1_CHALLENGE.to_vec();
        utf8_challenge.extend_from_slice(b",charset=utf-8");
        let resp = c.step(&utf8_challenge).unwrap();
        assert!(resp.starts_with(b"charset=utf-8,"));
        let utf8 = "\"j\u{fc}liet\"".as_bytes();
        assert!(resp.windows(utf8.len()).any(|w| w == utf8));
    }

    // RFC 2831 §2.1.2: without charset=utf-8 the bytes are ISO 8859-1 even when they happen
    // to form valid UTF-8 ("Ã©" is C3 A9).
    #[test]
    fn server_reads_responses_without_charset_as_latin1() {
        let user = "\u{c3}\u{a9}";
        let resp = client(user, "pw").step(LATIN1_CHALLENGE).unwrap();
        assert!(resp.windows(2).any(|w| w == b"\xc3\xa9"));
        match serve(&resp, "pw").unwrap() {
            ServerStep::Success { identity, .. } => assert_eq!(identity.authcid(), Some(user)),
            other => panic!("{other:?}"),
        }
        // With charset=utf-8 the message must be UTF-8.
        let mut bad = b"charset=utf-8,".to_vec();
        bad.extend_from_slice(&resp);
        let bad: Vec<u8> = bad
            .iter()
            .map(|&b| if b == 0xc3 { 0xff } else { b })
            .collect();
        let e = serve(&bad, "pw").unwrap_err();
        assert!(matches!(e, Error::InvalidUtf8 { .. }), "{e:?}");
        // Another charset value.
        let mut other = b"charset=iso-8859-1,".to_vec();
        other.extend_from_slice(&resp);
        assert!(malformed(&serve(&other, "pw").unwrap_err()));
    }

    // RFC 2831 §2.1.2 `authzid`: UTF-8 whatever the charset.
    #[test]
    fn authzid_is_utf8_without_charset() {
        let mut c = client("juliet", "pw").with_authzid("r\u{f6}meo@example.net");
        let resp = c.step(LATIN1_CHALLENGE).unwrap();
        assert!(resp.windows(3).any(|w| w == "r\u{f6}".as_bytes()));
        match serve(&resp, "pw").unwrap() {
            ServerStep::Success { identity, .. } => {
                assert_eq!(identity.authzid(), Some("r\u{f6}meo@example.net"))
            }
            other => panic!("{other:?}"),
        }
    }

    fn good_response() -> String {
        let mut s = server();
        let ServerStep::Challenge(ch) = s.step(None).unwrap() else {
            panic!()
        };
        String::from_utf8(client("juliet", "pw").step(&ch).unwrap()).unwrap()
    }

    // RFC 2831 §2.1.2: nc-value = 8LHEX, directives at most once, response < 4096 bytes.
    #[test]
    fn server_response_directive_rules() {
        let good = good_response();
        assert!(matches!(
            serve(good.as_bytes(), "pw"),
            Ok(ServerStep::Success { .. })
        ));
        for bad in [
            good.replace("nc=00000001", "nc=+0000001"),
            good.replace("nc=00000001", "nc=0000001"),
            good.replace("nc=00000001", "nc=00000002"),
            format!("{good},nc=00000001"),
            format!("{good},username=\"juliet\""),
            format!("{good},digest-uri=\"xmpp/example.com\""),
            format!("{good},charset=utf-8"),
            format!("{good},maxbuf=1024,maxbuf=1024"),
            format!("{good},cipher=rc4,cipher=des"),
            format!("{good},authzid=\"a\",authzid=\"b\""),
            format!("{good},cnonce=\"x\""),
            format!("{good},nonce=\"OA6MG9tEQGm2hh\""),
            good.replace(",response=", ",response=0"),
        ] {
            let e = serve(bad.as_bytes(), "pw").unwrap_err();
            assert!(malformed(&e), "{bad}: {e:?}");
        }
        // Unknown directives are ignored, quoted or not, with linear white space.
        let extra = format!("{good} ,\t future=\"a\\\"b\" , other=token");
        assert!(matches!(
            serve(extra.as_bytes(), "pw"),
            Ok(ServerStep::Success { .. })
        ));
        let huge = format!("{good},pad=\"{}\"", "x".repeat(4096));
        assert!(matches!(
            serve(huge.as_bytes(), "pw"),
            Err(Error::TooLong { .. })
        ));
    }
}

// RFC 4422 §4: only the initial response distinguishes "absent" from "empty"; a response
// without data after the server's empty challenge is the empty response.
#[test]
fn response_without_data_after_empty_challenge_is_empty() {
    use xmpp_sasl::external::ExternalServer;
    let mut s = ExternalServer::new(Some("juliet@example.com"));
    assert_eq!(s.step(None).unwrap(), ServerStep::Challenge(Vec::new()));
    match s.step(None).unwrap() {
        ServerStep::Success { identity, .. } => {
            assert_eq!(identity.authcid(), Some("juliet@example.com"));
            assert_eq!(identity.authzid(), None);
        }
        other => panic!("{other:?}"),
    }
    let mut s = AnonymousServer::new();
    assert_eq!(s.step(None).unwrap(), ServerStep::Challenge(Vec::new()));
    assert!(matches!(s.step(None), Ok(ServerStep::Success { .. })));
    // PLAIN: the empty response is a malformed message, not a wrong-order call.
    let mut s = PlainServer::new();
    assert_eq!(s.step(None).unwrap(), ServerStep::Challenge(Vec::new()));
    assert!(malformed(&s.step(None).unwrap_err()));
    // An empty initial response is not an absent one.
    let mut s = PlainServer::new();
    assert!(malformed(&s.step(Some(b"")).unwrap_err()));
    let mut s = ExternalServer::new(Some("juliet@example.com"));
    assert!(matches!(s.step(Some(b"")), Ok(ServerStep::Success { .. })));
}

#[cfg(feature = "digest-md5")]
mod digest_directives {
    use super::*;
    use xmpp_sasl::digest_md5::{DigestMd5Client, DigestMd5Server};

    // RFC 2831 §2.1.1: "stale" and "maxbuf" appear at most once, like nonce, qop, charset and
    // algorithm; the client aborts on a repeat.
    #[test]
    fn client_refuses_repeated_challenge_directives() {
        let base =
            "realm=\"example.com\",nonce=\"abc\",qop=\"auth\",algorithm=md5-sess,charset=utf-8";
        for extra in [
            ",stale=true,stale=true",
            ",maxbuf=1024,maxbuf=2048",
            ",nonce=\"def\"",
            ",algorithm=md5-sess",
            ",charset=utf-8",
            ",qop=\"auth\"",
        ] {
            let mut c = DigestMd5Client::new("juliet", "pw", "xmpp", "example.com");
            let e = c.step(format!("{base}{extra}").as_bytes()).unwrap_err();
            assert!(malformed(&e), "{extra}: {e:?}");
        }
        // Unknown directives and a single stale/maxbuf are fine.
        let mut c = DigestMd5Client::new("juliet", "pw", "xmpp", "example.com");
        assert!(
            c.step(format!("{base},stale=true,maxbuf=1024,x-new=\"y\"").as_bytes())
                .is_ok()
        );
    }

    // RFC 2831 §2.1.2 `realm`: required in the response when the challenge offered a realm.
    #[test]
    fn server_requires_the_offered_realm() {
        let mut s = DigestMd5Server::new("xmpp", "example.com", &server_secret());
        let ServerStep::Challenge(ch) = s.step(None).unwrap() else {
            panic!()
        };
        let resp = String::from_utf8(
            DigestMd5Client::new("juliet", "pw", "xmpp", "example.com")
                .step(&ch)
                .unwrap(),
        )
        .unwrap();
        let without = resp.replace(",realm=\"example.com\"", "");
        assert_ne!(without, resp);
        let e = s.step(Some(without.as_bytes())).unwrap_err();
        assert!(malformed(&e), "{e:?}");
    }
}

// Error::WrongState: a call in the wrong state leaves a finished exchange finished.
#[test]
fn wrong_call_after_success_keeps_the_outcome() {
    use xmpp_sasl::plain::PlainClient;
    let mut c = PlainClient::new("juliet", "pw").unwrap();
    c.initial_response().unwrap();
    c.success(None).unwrap();
    assert!(matches!(c.step(b""), Err(Error::WrongState { .. })));
    match c.success(None) {
        Err(Error::WrongState { state, .. }) => assert_eq!(state, "done"),
        other => panic!("{other:?}"),
    }
}

// RFC 3920 §6.1: an authorization identity is sent only when it differs from the one the
// authentication identity implies (the bare address username@host).
#[test]
fn implied_authzid_is_not_sent() {
    use xmpp_sasl::negotiate::{ClientCredentials, client};
    let offered = ["SCRAM-SHA-1", "PLAIN", "DIGEST-MD5"];
    for (authzid, sent) in [
        ("juliet@example.com", false),
        ("juliet@EXAMPLE.com", false),
        ("romeo@example.com", true),
        ("juliet@example.net", true),
        ("example.com", true),
    ] {
        let creds = ClientCredentials {
            username: "juliet".into(),
            password: "r0m30".into(),
            authzid: Some(authzid.into()),
            service: "xmpp".into(),
            host: "example.com".into(),
            ..ClientCredentials::default()
        };
        let first = client(Mechanism::ScramSha1, &creds, &offered)
            .unwrap()
            .initial_response()
            .unwrap()
            .unwrap();
        assert_eq!(!first.starts_with(b"n,,"), sent, "SCRAM {authzid}");
        let plain = client(Mechanism::Plain, &creds, &offered)
            .unwrap()
            .initial_response()
            .unwrap()
            .unwrap();
        assert_eq!(plain.first() != Some(&0), sent, "PLAIN {authzid}");
    }
}

// RFC 5802 §7: cbind-data = 1*OCTET, so empty binding data cannot be bound to.
#[test]
fn empty_channel_binding_data_is_no_binding() {
    let empty = ChannelBinding::new(ChannelBindingType::TlsExporter, Vec::new());
    let mut c = ScramClient::new(ScramHash::Sha256, "user", "pencil")
        .unwrap()
        .with_channel_binding(ClientChannelBinding::Use(empty.clone()));
    assert!(matches!(
        c.initial_response(),
        Err(Error::ChannelBindingUnsupported { .. })
    ));
    let mut s =
        ScramServer::new(ScramHash::Sha256, true, &server_secret()).with_channel_binding(empty);
    assert!(matches!(
        s.step(Some(b"p=tls-exporter,,n=user,r=abc")),
        Err(Error::ChannelBindingUnsupported { .. })
    ));
}
