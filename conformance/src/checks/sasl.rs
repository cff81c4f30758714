//! Checks proven through `xmpp-sasl`.

use super::{Check, Outcome};
use xmpp_sasl::digest_md5::{DigestMd5Client, DigestMd5Server, secret};
use xmpp_sasl::external::{ExternalClient, ExternalServer};
use xmpp_sasl::negotiate::{Mechanism, ServerSettings, offer};
use xmpp_sasl::plain::{PlainClient, PlainServer};
use xmpp_sasl::scram::{ScramClient, ScramHash, ScramServer, StoredCredentials};
use xmpp_sasl::{
    Answer, ClientMechanism, Condition, Error, FixedNonce, Request, ServerMechanism, ServerStep,
    decode_payload, encode_payload,
};

/// The server secret stand-in credentials are derived from.
fn server_secret() -> xmpp_sasl::ServerSecret {
    xmpp_sasl::ServerSecret::new(b"conformance server secret").expect("at least 16 bytes")
}

/// Text helper: bytes as a string for messages.
fn show(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn expect_eq(what: &str, got: &[u8], want: &[u8]) -> Outcome {
    if got == want {
        Ok(())
    } else {
        Err(format!(
            "{what}: got {:?}, want {:?}",
            show(got),
            show(want)
        ))
    }
}

fn fail(what: &str, e: Error) -> String {
    format!("{what}: {e}")
}

/// Decoding `text` must fail with an incorrect-encoding condition.
fn bad_base64(text: &str, why: &str) -> Outcome {
    let shown: String = text.chars().take(24).collect();
    match decode_payload(text) {
        Err(e) if e.condition() == Condition::IncorrectEncoding => Ok(()),
        Err(e) => Err(format!(
            "{shown:?} ({why}) refused as {e}, want incorrect-encoding"
        )),
        Ok(v) => Err(format!("{shown:?} ({why}) accepted as {v:?}")),
    }
}

/// RFC 3920 §6.1, §14.9.4: SASL payloads are RFC 3548 §3 base64 (RFC 4648 §10 vectors), with
/// the standard alphabet and padding.
fn base64_rfc3548() -> Outcome {
    let vectors: [(&[u8], &str); 6] = [
        (b"f", "Zg=="),
        (b"fo", "Zm8="),
        (b"foo", "Zm9v"),
        (b"foob", "Zm9vYg=="),
        (b"fooba", "Zm9vYmE="),
        (b"foobar", "Zm9vYmFy"),
    ];
    for (raw, text) in vectors {
        if encode_payload(raw) != text {
            return Err(format!(
                "{:?} encodes as {}",
                show(raw),
                encode_payload(raw)
            ));
        }
        match decode_payload(text) {
            Ok(Some(back)) if back == raw => {}
            other => return Err(format!("{text} decodes as {other:?}")),
        }
    }
    // Bytes 0xfb 0xff use the last two alphabet characters: '+' and '/', not '-' and '_'.
    if encode_payload(&[0xfb, 0xff]) != "+/8=" {
        return Err(format!(
            "0xfbff encodes as {}",
            encode_payload(&[0xfb, 0xff])
        ));
    }
    for unpadded in ["Zg", "Zm8"] {
        if decode_payload(unpadded).is_ok() {
            return Err(format!("unpadded {unpadded:?} accepted"));
        }
    }
    Ok(())
}

/// RFC 3920 §14.9: received base64 is verified; invalid data is an incorrect-encoding failure.
fn base64_verified() -> Outcome {
    for bad in ["Zm9v!", "Z", "Zm9vY", "Zh==", "Zm9=", "===="] {
        match decode_payload(bad) {
            Err(e) if e.condition() == Condition::IncorrectEncoding => {}
            other => return Err(format!("{bad:?} gave {other:?}")),
        }
    }
    // Base64 inside a mechanism (the SCRAM salt) is verified too.
    let mut client = ScramClient::new(ScramHash::Sha1, "user", "pencil")
        .map_err(|e| fail("client", e))?
        .with_nonce_source(Box::new(FixedNonce("abc".into())));
    client.initial_response().map_err(|e| fail("client", e))?;
    match client.step(b"r=abcdef,s=QSX*R+Q6,i=4096") {
        Err(Error::InvalidBase64 { .. }) => {}
        other => return Err(format!("bad salt base64 gave {other:?}")),
    }
    // And on the server side: the channel-binding and proof attributes of client-final.
    for bad in [
        SCRAM_CLIENT_FINAL.replace("c=biws", "c=bi*s"),
        SCRAM_CLIENT_FINAL.replace("p=v0X8", "p=v0X*"),
    ] {
        let salt = decode_payload("QSXCR+Q6sek8bf92")
            .map_err(|e| fail("salt", e))?
            .unwrap_or_default();
        let creds = StoredCredentials::derive(ScramHash::Sha1, "pencil", &salt, 4096)
            .map_err(|e| fail("derive", e))?;
        let mut server = ScramServer::new(ScramHash::Sha1, false, &server_secret())
            .with_nonce_source(Box::new(FixedNonce("3rfcNHYJY1ZVvWVs7j".into())));
        server
            .step(Some(SCRAM_CLIENT_FIRST.as_bytes()))
            .map_err(|e| fail("client-first", e))?;
        server
            .answer(Answer::ScramCredentials(Some(creds)))
            .map_err(|e| fail("server-first", e))?;
        match server.step(Some(bad.as_bytes())) {
            Err(e) if e.condition() == Condition::IncorrectEncoding => {}
            other => {
                return Err(format!(
                    "server given {bad:?}: {other:?}, want incorrect-encoding"
                ));
            }
        }
    }
    Ok(())
}

/// RFC 3920 §14.9: characters outside the alphabet are rejected, not skipped.
fn base64_rejects_non_alphabet() -> Outcome {
    for bad in [
        "Zm9v\n",
        " Zm9v",
        "Zm 9v",
        "Zm9v\t",
        "Zm-v",
        "Zm_v",
        "Zm9v\u{e9}",
        "Zm\0v",
    ] {
        bad_base64(bad, "character outside the alphabet")?;
    }
    // The same characters inside an otherwise valid payload are not skipped either: a
    // decoder that dropped them would read "Zm9v" as "foo".
    for (i, c) in ['\n', '\r', ' ', '.', '*', '-', '_']
        .into_iter()
        .enumerate()
    {
        let mut text = "Zm9vYmFy".to_owned();
        text.insert(1 + i % 7, c);
        bad_base64(&text, "one stray character")?;
    }
    Ok(())
}

/// RFC 3920 §14.9: malformed base64 never brings the implementation down.
fn base64_malformed_safe() -> Outcome {
    let inputs = [
        "=".repeat(1000),
        "A".repeat(4097),
        "\u{ffff}\u{10ffff}".to_owned(),
        "====AAAA".to_owned(),
        "A=B=C=D=".to_owned(),
        "\\x00".to_owned(),
    ];
    for input in &inputs {
        let shown: String = input.chars().take(16).collect();
        match std::panic::catch_unwind(|| decode_payload(input)) {
            Err(_) => return Err(format!("decoding {shown:?} panicked")),
            Ok(Err(e)) if e.condition() == Condition::IncorrectEncoding => {}
            Ok(other) => {
                return Err(format!(
                    "{shown:?} gave {other:?}, want an incorrect-encoding error"
                ));
            }
        }
    }
    // Inside mechanisms, malformed base64 is an error of the exchange, not a crash.
    for salt in ["=", "A", "QSX*", "QSXCR+Q6sek8bf9=="] {
        let mut client = ScramClient::new(ScramHash::Sha1, "user", "pencil")
            .map_err(|e| fail("client", e))?
            .with_nonce_source(Box::new(FixedNonce("abc".into())));
        client.initial_response().map_err(|e| fail("client", e))?;
        let msg = format!("r=abcdef,s={salt},i=4096");
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
            client.step(msg.as_bytes()).map(|_| ())
        })) {
            Err(_) => return Err(format!("SCRAM salt {salt:?} panicked")),
            Ok(Err(_)) => {}
            Ok(Ok(())) => return Err(format!("SCRAM salt {salt:?} accepted")),
        }
    }
    Ok(())
}

/// RFC 3920 §14.9: a pad character anywhere but at the end is rejected.
fn base64_rejects_inner_pad() -> Outcome {
    for bad in [
        "=AAA", "BBBB=CCC", "Zg==Zg==", "Z=g=", "Zm=v", "Zm9v=", "Zm9v====", "Zg=", "Zg===",
    ] {
        bad_base64(bad, "pad character not at the end")?;
    }
    // Padding at the end is fine.
    for (text, raw) in [("Zg==", &b"f"[..]), ("Zm8=", &b"fo"[..])] {
        match decode_payload(text) {
            Ok(Some(v)) if v == raw => {}
            other => return Err(format!("{text:?} gave {other:?}")),
        }
    }
    Ok(())
}

/// RFC 3920 §6.2: a zero-length initial response is sent as "=".
fn empty_response_is_equals() -> Outcome {
    if encode_payload(b"") != "=" {
        return Err(format!(
            "empty payload encodes as {:?}",
            encode_payload(b"")
        ));
    }
    if decode_payload("=").map_err(|e| fail("decode", e))? != Some(Vec::new()) {
        return Err("\"=\" does not decode to an empty response".into());
    }
    if decode_payload("").map_err(|e| fail("decode", e))?.is_some() {
        return Err("no character data must mean no initial response".into());
    }
    // EXTERNAL without authzid has a present but empty initial response.
    let mut client = ExternalClient::new(None);
    match client.initial_response() {
        Ok(Some(data)) if encode_payload(&data) == "=" => Ok(()),
        other => Err(format!("EXTERNAL initial response {other:?}")),
    }
}

/// RFC 3920 §6.2: the initial response may travel in <auth/>, and a server also accepts an
/// exchange that starts without one (answering with an empty challenge).
fn initial_response() -> Outcome {
    let mut client = PlainClient::new("juliet", "r0m30").map_err(|e| fail("PLAIN", e))?;
    let first = client.initial_response().map_err(|e| fail("PLAIN", e))?;
    let Some(first) = first else {
        return Err("PLAIN has no initial response".into());
    };
    let mut server = PlainServer::new();
    if !matches!(server.step(Some(&first)), Ok(ServerStep::Request(_))) {
        return Err("server refused the initial response".into());
    }
    let mut server = PlainServer::new();
    match server.step(None) {
        Ok(ServerStep::Challenge(c)) if c.is_empty() => {}
        other => return Err(format!("no initial response gave {other:?}")),
    }
    match server.step(Some(&first)) {
        Ok(ServerStep::Request(_)) => Ok(()),
        other => Err(format!("response after empty challenge gave {other:?}")),
    }
}

/// The RFC 5802 §5 exchange (SCRAM-SHA-1).
const SCRAM_CLIENT_FIRST: &str = "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL";
const SCRAM_SERVER_FIRST: &str =
    "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096";
const SCRAM_CLIENT_FINAL: &str =
    "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=";
const SCRAM_SERVER_FINAL: &str = "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=";

/// The RFC 2831 §4 exchange (DIGEST-MD5).
const DIGEST_CHALLENGE: &str = "realm=\"elwood.innosoft.com\",nonce=\"OA6MG9tEQGm2hh\",\
    qop=\"auth\",algorithm=md5-sess,charset=utf-8";
const DIGEST_RESPONSE: &str = "charset=utf-8,username=\"chris\",realm=\"elwood.innosoft.com\",\
    nonce=\"OA6MG9tEQGm2hh\",nc=00000001,cnonce=\"OA6MHXh6VqTrRk\",\
    digest-uri=\"imap/elwood.innosoft.com\",response=d388dad90d4bbd760a152321f2143af7,qop=auth";
const DIGEST_RSPAUTH: &str = "rspauth=ea40f60335c427b5527b84dbabcdfffd";

fn scram_server_rfc5802() -> Result<Vec<u8>, String> {
    let salt = decode_payload("QSXCR+Q6sek8bf92")
        .map_err(|e| fail("salt", e))?
        .unwrap_or_default();
    let creds = StoredCredentials::derive(ScramHash::Sha1, "pencil", &salt, 4096)
        .map_err(|e| fail("derive", e))?;
    let mut server = ScramServer::new(ScramHash::Sha1, false, &server_secret())
        .with_nonce_source(Box::new(FixedNonce("3rfcNHYJY1ZVvWVs7j".into())));
    server
        .step(Some(SCRAM_CLIENT_FIRST.as_bytes()))
        .map_err(|e| fail("client-first", e))?;
    match server.answer(Answer::ScramCredentials(Some(creds))) {
        Ok(ServerStep::Challenge(c)) => {
            expect_eq("server-first", &c, SCRAM_SERVER_FIRST.as_bytes())?
        }
        other => return Err(format!("server-first: {other:?}")),
    }
    match server.step(Some(SCRAM_CLIENT_FINAL.as_bytes())) {
        Ok(ServerStep::Success {
            additional_data: Some(data),
            ..
        }) => Ok(data),
        other => Err(format!("server-final: {other:?}")),
    }
}

fn digest_server_rfc2831() -> Result<Vec<u8>, String> {
    let mut server = DigestMd5Server::new("imap", "elwood.innosoft.com", &server_secret())
        .with_nonce_source(Box::new(FixedNonce("OA6MG9tEQGm2hh".into())));
    match server.step(None) {
        Ok(ServerStep::Challenge(c)) => expect_eq("challenge", &c, DIGEST_CHALLENGE.as_bytes())?,
        other => return Err(format!("challenge: {other:?}")),
    }
    server
        .step(Some(DIGEST_RESPONSE.as_bytes()))
        .map_err(|e| fail("response", e))?;
    let stored = secret("chris", "elwood.innosoft.com", "secret");
    match server.answer(Answer::DigestMd5Secret(Some(stored))) {
        Ok(ServerStep::Success {
            additional_data: Some(data),
            ..
        }) => Ok(data),
        other => Err(format!("rspauth: {other:?}")),
    }
}

/// RFC 3920 §6.2: challenges are computed as the mechanism defines (RFC 5802 §5 and
/// RFC 2831 §4 server messages, byte for byte).
fn server_vectors() -> Outcome {
    let v = scram_server_rfc5802()?;
    expect_eq("SCRAM server-final", &v, SCRAM_SERVER_FINAL.as_bytes())?;
    let r = digest_server_rfc2831()?;
    expect_eq("DIGEST-MD5 rspauth", &r, DIGEST_RSPAUTH.as_bytes())
}

/// RFC 3920 §6.2: responses are computed as the mechanism defines (RFC 5802 §5 and
/// RFC 2831 §4 client messages, byte for byte).
fn client_vectors() -> Outcome {
    let mut client = ScramClient::new(ScramHash::Sha1, "user", "pencil")
        .map_err(|e| fail("client", e))?
        .with_nonce_source(Box::new(FixedNonce("fyko+d2lbbFgONRv9qkxdawL".into())));
    let first = client
        .initial_response()
        .map_err(|e| fail("client-first", e))?
        .unwrap_or_default();
    expect_eq("client-first", &first, SCRAM_CLIENT_FIRST.as_bytes())?;
    let fin = client
        .step(SCRAM_SERVER_FIRST.as_bytes())
        .map_err(|e| fail("client-final", e))?;
    expect_eq("client-final", &fin, SCRAM_CLIENT_FINAL.as_bytes())?;
    client
        .success(Some(SCRAM_SERVER_FINAL.as_bytes()))
        .map_err(|e| fail("server-final", e))?;

    let mut client = DigestMd5Client::new("chris", "secret", "imap", "elwood.innosoft.com")
        .with_nonce_source(Box::new(FixedNonce("OA6MHXh6VqTrRk".into())));
    let resp = client
        .step(DIGEST_CHALLENGE.as_bytes())
        .map_err(|e| fail("DIGEST-MD5 response", e))?;
    expect_eq("DIGEST-MD5 response", &resp, DIGEST_RESPONSE.as_bytes())?;
    client
        .success(Some(DIGEST_RSPAUTH.as_bytes()))
        .map_err(|e| fail("DIGEST-MD5 rspauth", e))
}

/// RFC 3920 §6.2: <success/> may carry additional data (SCRAM's server-final-message).
fn success_additional_data() -> Outcome {
    let v = scram_server_rfc5802()?;
    expect_eq("success data", &v, SCRAM_SERVER_FINAL.as_bytes())
}

/// RFC 3920 §14.7: DIGEST-MD5 is implemented, both sides (RFC 2831 §4 example).
fn digest_md5_implemented() -> Outcome {
    if Mechanism::from_name("DIGEST-MD5").is_err() {
        return Err("DIGEST-MD5 unknown".into());
    }
    if !offer(&settings(false)).contains(&Mechanism::DigestMd5) {
        return Err("DIGEST-MD5 not offered".into());
    }
    client_vectors()?;
    server_vectors()
}

/// RFC 3920 §6.2: PLAIN (usable only under TLS) is not offered before TLS, whatever else
/// the server is configured to offer.
fn plain_not_offered_before_tls() -> Outcome {
    if !Mechanism::Plain.needs_tls() {
        return Err("PLAIN is not marked as needing TLS".into());
    }
    for bits in 0..8u8 {
        let mut policy = settings(false);
        policy.external_identity = (bits & 1 != 0).then(|| "juliet@example.com".to_owned());
        policy.digest_md5 = bits & 2 != 0;
        policy.anonymous = bits & 4 != 0;
        let offered = offer(&policy);
        if let Some(m) = offered.iter().find(|m| m.needs_tls()) {
            return Err(format!("{} offered before TLS under {policy:?}", m.name()));
        }
    }
    let before = offer(&settings(false));
    if before.is_empty() {
        return Err("nothing offered before TLS".into());
    }
    let after = offer(&settings(true));
    if !after.contains(&Mechanism::Plain) {
        return Err(format!("PLAIN missing after TLS: {after:?}"));
    }
    Ok(())
}

/// The settings of a server before or after TLS, without channel binding.
fn settings(tls: bool) -> ServerSettings {
    let mut s = ServerSettings::new(server_secret(), "xmpp", "example.com");
    s.tls = tls;
    s
}

/// RFC 3920 §6.2: EXTERNAL is offered when the client presented a valid certificate (its
/// identity is known from outside SASL).
fn external_offered_with_certificate() -> Outcome {
    let mut policy = settings(true);
    if offer(&policy).contains(&Mechanism::External) {
        return Err("EXTERNAL offered without a certificate".into());
    }
    policy.external_identity = Some("juliet@example.com".into());
    if !offer(&policy).contains(&Mechanism::External) {
        return Err("EXTERNAL not offered with a client certificate".into());
    }
    let mut server = ExternalServer::new(Some("juliet@example.com"));
    match server.step(Some(b"")) {
        Ok(ServerStep::Success { identity, .. })
            if identity.authcid() == Some("juliet@example.com") =>
        {
            Ok(())
        }
        other => Err(format!("EXTERNAL exchange gave {other:?}")),
    }
}

/// RFC 3920 §6.1: an initiator acting for another entity sends the authorization identity.
fn authzid_sent_when_configured() -> Outcome {
    let authzid = "romeo@example.net";
    let mut scram = ScramClient::new(ScramHash::Sha256, "juliet", "pw")
        .map_err(|e| fail("SCRAM", e))?
        .with_authzid(authzid);
    let first = show(
        &scram
            .initial_response()
            .map_err(|e| fail("SCRAM", e))?
            .unwrap_or_default(),
    );
    if !first.starts_with("n,a=romeo@example.net,") {
        return Err(format!("SCRAM client-first {first:?}"));
    }
    let mut plain = PlainClient::new("juliet", "pw")
        .and_then(|c| c.with_authzid(authzid))
        .map_err(|e| fail("PLAIN", e))?;
    let msg = plain
        .initial_response()
        .map_err(|e| fail("PLAIN", e))?
        .unwrap_or_default();
    if !msg.starts_with(b"romeo@example.net\0") {
        return Err(format!("PLAIN message {:?}", show(&msg)));
    }
    let mut external = ExternalClient::new(Some(authzid));
    let msg = external
        .initial_response()
        .map_err(|e| fail("EXTERNAL", e))?
        .unwrap_or_default();
    expect_eq("EXTERNAL", &msg, authzid.as_bytes())?;
    let mut digest =
        DigestMd5Client::new("juliet", "pw", "xmpp", "example.com").with_authzid(authzid);
    let resp = show(
        &digest
            .step(DIGEST_CHALLENGE.as_bytes())
            .map_err(|e| fail("DIGEST-MD5", e))?,
    );
    if !resp.contains(",authzid=\"romeo@example.net\"") {
        return Err(format!("DIGEST-MD5 response {resp:?}"));
    }
    // And the server reports it.
    let mut server = PlainServer::new();
    match server.step(Some(b"romeo@example.net\0juliet\0pw")) {
        Ok(ServerStep::Request(Request::VerifyPassword {
            authzid: Some(a), ..
        })) if a == authzid => Ok(()),
        other => Err(format!("server saw {other:?}")),
    }
}

/// RFC 3920 §6.1: an initiator acting for itself sends no authorization identity.
fn no_authzid_by_default() -> Outcome {
    let mut scram =
        ScramClient::new(ScramHash::Sha1, "juliet", "pw").map_err(|e| fail("SCRAM", e))?;
    let first = show(
        &scram
            .initial_response()
            .map_err(|e| fail("SCRAM", e))?
            .unwrap_or_default(),
    );
    if !first.starts_with("n,,") {
        return Err(format!("SCRAM client-first {first:?}"));
    }
    let mut plain = PlainClient::new("juliet", "pw").map_err(|e| fail("PLAIN", e))?;
    let msg = plain
        .initial_response()
        .map_err(|e| fail("PLAIN", e))?
        .unwrap_or_default();
    if msg.first() != Some(&0) {
        return Err(format!("PLAIN message {:?}", show(&msg)));
    }
    let mut external = ExternalClient::new(None);
    let msg = external
        .initial_response()
        .map_err(|e| fail("EXTERNAL", e))?
        .unwrap_or_default();
    expect_eq("EXTERNAL", &msg, b"")?;
    let mut digest = DigestMd5Client::new("juliet", "pw", "xmpp", "example.com");
    let resp = show(
        &digest
            .step(DIGEST_CHALLENGE.as_bytes())
            .map_err(|e| fail("DIGEST-MD5", e))?,
    );
    if resp.contains("authzid") {
        return Err(format!("DIGEST-MD5 response {resp:?}"));
    }
    Ok(())
}

/// RFC 3920 §6.2, §6.4: failures name a §6.4 condition fitting the cause.
fn failure_conditions() -> Outcome {
    let names = [
        "aborted",
        "incorrect-encoding",
        "invalid-authzid",
        "invalid-mechanism",
        "mechanism-too-weak",
        "not-authorized",
        "temporary-auth-failure",
    ];
    for name in names {
        if Condition::from_element_name(name).map(Condition::element_name) != Some(name) {
            return Err(format!("no condition for <{name}/>"));
        }
    }
    // Wrong password: not-authorized.
    let mut server = PlainServer::new();
    server
        .step(Some(b"\0juliet\0wrong"))
        .map_err(|e| fail("PLAIN", e))?;
    let wrong = server.answer(Answer::PasswordValid(false));
    let cases: [(&str, Result<ServerStep, Error>, Condition); 4] = [
        ("wrong password", wrong, Condition::NotAuthorized),
        (
            "bad encoding",
            PlainServer::new().step(Some(b"no separators")),
            Condition::IncorrectEncoding,
        ),
        (
            "bad authzid",
            ScramServer::new(ScramHash::Sha1, false, &server_secret())
                .step(Some(b"n,a=bad=escape,n=u,r=abc")),
            Condition::InvalidAuthzid,
        ),
        (
            "unknown mechanism",
            Mechanism::from_name("X-NOPE").map(|_| ServerStep::Challenge(Vec::new())),
            Condition::InvalidMechanism,
        ),
    ];
    for (what, outcome, want) in cases {
        match outcome {
            Err(e) if e.condition() == want => {}
            other => return Err(format!("{what}: {other:?}, expected <{want}/>")),
        }
    }
    // Too few iterations: mechanism-too-weak.
    let mut client = ScramClient::new(ScramHash::Sha1, "user", "pencil")
        .map_err(|e| fail("client", e))?
        .with_nonce_source(Box::new(FixedNonce("abc".into())));
    client.initial_response().map_err(|e| fail("client", e))?;
    match client.step(b"r=abcdef,s=QSXCR+Q6sek8bf92,i=1") {
        Err(e) if e.condition() == Condition::MechanismTooWeak => {}
        other => return Err(format!("weak iteration count: {other:?}")),
    }
    if Error::Aborted.condition() != Condition::Aborted
        || Error::Randomness.condition() != Condition::TemporaryAuthFailure
    {
        return Err("aborted / temporary-auth-failure mapping".into());
    }
    Ok(())
}

/// Runs a SCRAM-SHA-256 exchange of our client and server up to the server's success; returns
/// the client (waiting for success) and the server-final-message.
fn scram_until_success() -> Result<(ScramClient, Vec<u8>), String> {
    let stored = StoredCredentials::derive(ScramHash::Sha256, "pencil", b"mutual salt", 4096)
        .map_err(|e| fail("derive", e))?;
    let mut client =
        ScramClient::new(ScramHash::Sha256, "juliet", "pencil").map_err(|e| fail("client", e))?;
    let mut server = ScramServer::new(ScramHash::Sha256, false, &server_secret());
    let first = client.initial_response().map_err(|e| fail("client", e))?;
    let mut step = server
        .step(first.as_deref())
        .map_err(|e| fail("server", e))?;
    for _ in 0..4 {
        step = match step {
            ServerStep::Request(_) => server
                .answer(Answer::ScramCredentials(Some(stored.clone())))
                .map_err(|e| fail("server", e))?,
            ServerStep::Challenge(c) => {
                let r = client.step(&c).map_err(|e| fail("client", e))?;
                server.step(Some(&r)).map_err(|e| fail("server", e))?
            }
            ServerStep::Success {
                additional_data, ..
            } => return Ok((client, additional_data.unwrap_or_default())),
        };
    }
    Err("SCRAM exchange did not finish".into())
}

/// RFC 3920 §4.3: a mutually authenticating mechanism authenticates both sides in one
/// exchange. The SCRAM and DIGEST-MD5 clients accept success only when the server proved it
/// knows the credentials (RFC 5802 §5 ServerSignature, RFC 2831 §2.1.3 rspauth).
fn mutual_authentication() -> Outcome {
    let (mut client, server_final) = scram_until_success()?;
    client
        .success(Some(&server_final))
        .map_err(|e| fail("SCRAM genuine server-final", e))?;
    let (mut client, _) = scram_until_success()?;
    let forged = b"v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    match client.success(Some(forged)) {
        Err(Error::ServerVerificationFailed { .. }) => {}
        other => return Err(format!("SCRAM forged ServerSignature: {other:?}")),
    }
    let (mut client, _) = scram_until_success()?;
    match client.success(None) {
        Err(Error::MissingServerVerification { .. }) => {}
        other => return Err(format!("SCRAM success without server-final: {other:?}")),
    }
    let start = || {
        let mut server = DigestMd5Server::new("xmpp", "example.com", &server_secret());
        let mut client = DigestMd5Client::new("juliet", "pencil", "xmpp", "example.com");
        let challenge = match server.step(None) {
            Ok(ServerStep::Challenge(c)) => c,
            other => return Err(format!("DIGEST-MD5 challenge: {other:?}")),
        };
        client
            .step(&challenge)
            .map_err(|e| fail("DIGEST-MD5 client", e))?;
        Ok(client)
    };
    match start()?.success(Some(b"rspauth=00000000000000000000000000000000")) {
        Err(Error::ServerVerificationFailed { .. }) => {}
        other => return Err(format!("DIGEST-MD5 forged rspauth: {other:?}")),
    }
    match start()?.success(None) {
        Err(Error::MissingServerVerification { .. }) => Ok(()),
        other => Err(format!("DIGEST-MD5 success without rspauth: {other:?}")),
    }
}

/// RFC 3920 §6.1: an authorization identity is sent only when it differs from the identity
/// the authentication identity implies; the by-name client constructors leave out an authzid
/// equal to `username@host` and send any other.
fn authzid_only_when_different() -> Outcome {
    use xmpp_sasl::negotiate::{ClientCredentials, client};
    let offered = ["SCRAM-SHA-256", "DIGEST-MD5", "PLAIN"];
    for (authzid, expect_sent) in [("juliet@example.com", false), ("romeo@example.net", true)] {
        let creds = ClientCredentials {
            username: "juliet".into(),
            password: "pw".into(),
            authzid: Some(authzid.into()),
            service: "xmpp".into(),
            host: "example.com".into(),
            ..ClientCredentials::default()
        };
        for m in [
            Mechanism::ScramSha256,
            Mechanism::Plain,
            Mechanism::DigestMd5,
        ] {
            let mut c = client(m, &creds, &offered).map_err(|e| fail(m.name(), e))?;
            let msg = match c.initial_response().map_err(|e| fail(m.name(), e))? {
                Some(first) => first,
                None => c
                    .step(DIGEST_CHALLENGE.as_bytes())
                    .map_err(|e| fail(m.name(), e))?,
            };
            let text = show(&msg);
            let sent = match m {
                Mechanism::Plain => msg.first() != Some(&0),
                Mechanism::DigestMd5 => text.contains("authzid="),
                _ => !text.starts_with("n,,"),
            };
            if sent != expect_sent {
                return Err(format!("{}: authzid {authzid:?} gave {text:?}", m.name()));
            }
        }
    }
    Ok(())
}

/// The checks of this group.
pub const CHECKS: &[Check] = &[
    Check {
        name: "sasl.authzid_only_when_different",
        run: authzid_only_when_different,
    },
    Check {
        name: "sasl.mutual_authentication",
        run: mutual_authentication,
    },
    Check {
        name: "sasl.base64_rfc3548",
        run: base64_rfc3548,
    },
    Check {
        name: "sasl.base64_verified",
        run: base64_verified,
    },
    Check {
        name: "sasl.base64_rejects_non_alphabet",
        run: base64_rejects_non_alphabet,
    },
    Check {
        name: "sasl.base64_malformed_safe",
        run: base64_malformed_safe,
    },
    Check {
        name: "sasl.base64_rejects_inner_pad",
        run: base64_rejects_inner_pad,
    },
    Check {
        name: "sasl.empty_response_is_equals",
        run: empty_response_is_equals,
    },
    Check {
        name: "sasl.initial_response",
        run: initial_response,
    },
    Check {
        name: "sasl.server_vectors",
        run: server_vectors,
    },
    Check {
        name: "sasl.client_vectors",
        run: client_vectors,
    },
    Check {
        name: "sasl.success_additional_data",
        run: success_additional_data,
    },
    Check {
        name: "sasl.digest_md5_implemented",
        run: digest_md5_implemented,
    },
    Check {
        name: "sasl.plain_not_offered_before_tls",
        run: plain_not_offered_before_tls,
    },
    Check {
        name: "sasl.external_offered_with_certificate",
        run: external_offered_with_certificate,
    },
    Check {
        name: "sasl.authzid_sent_when_configured",
        run: authzid_sent_when_configured,
    },
    Check {
        name: "sasl.no_authzid_by_default",
        run: no_authzid_by_default,
    },
    Check {
        name: "sasl.failure_conditions",
        run: failure_conditions,
    },
];

#[cfg(test)]
mod tests {
    #[test]
    fn every_sasl_check_passes() {
        for c in super::CHECKS {
            assert_eq!((c.run)(), Ok(()), "{}", c.name);
        }
    }
}
