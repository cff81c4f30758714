//! Interop with `scramp` (PyPI), an independent SCRAM implementation, driven through
//! `tests/scramp_helper.py` over stdin/stdout: our client against its server and its client
//! against our server, SCRAM-SHA-1 and SCRAM-SHA-256, with and without channel binding
//! (`tls-server-end-point`, `tls-unique`, `tls-exporter`), a wrong password each way, binding
//! data that differs, nonces altered in transit each way, an unknown user and the `y`
//! downgrade flag. scramp 1.4 refuses any authzid, so authzid is covered by our own pairs.
//!
//! The peer is the venv that `scripts/peers.sh` installs in `$XMPP_PEERS_DIR` (default
//! `.peers/` at the workspace root). Without it the tests fail with the command that installs it;
//! `XMPP_SKIP_PEERS=1` makes them skip instead, saying so on standard error.
//! scramp 1.4 knows the channel binding types `tls-unique` and `tls-server-end-point`; the
//! helper registers the name `tls-exporter` (RFC 9266) with it, since scramp's binding
//! computation does not depend on the type, so all three are exercised.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use xmpp_sasl::scram::{
    ChannelBinding, ChannelBindingType, ClientChannelBinding, ScramClient, ScramHash, ScramServer,
    StoredCredentials,
};
use xmpp_sasl::{
    Answer, ClientMechanism, Error, Request, ServerMechanism, ServerStep, decode_payload,
    encode_payload,
};

/// The server secret stand-in credentials are derived from.
fn server_secret() -> xmpp_sasl::ServerSecret {
    xmpp_sasl::ServerSecret::new(b"interop server secret").expect("at least 16 bytes")
}

struct Scramp {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Drop for Scramp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Where `scripts/peers.sh` puts the peers: `$XMPP_PEERS_DIR`, by default `.peers/` at the
/// workspace root.
fn peers_dir() -> PathBuf {
    match std::env::var_os("XMPP_PEERS_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.peers"),
    }
}

/// Starts the helper. A missing peer fails the test with the command that installs it;
/// `XMPP_SKIP_PEERS=1` turns that into a skip, printed on standard error.
fn scramp() -> Option<Scramp> {
    let python = peers_dir().join("venv/bin/python");
    let usable = python.exists()
        && Command::new(&python)
            .args(["-c", "import scramp"])
            .status()
            .is_ok_and(|s| s.success());
    if !usable {
        let what = format!("the scramp peer ({})", python.display());
        if std::env::var_os("XMPP_SKIP_PEERS").is_some_and(|v| v == "1") {
            eprintln!(
                "SKIPPED (XMPP_SKIP_PEERS=1): {what} is missing; `bash scripts/peers.sh` installs it"
            );
            return None;
        }
        panic!(
            "{what} is missing: run `bash scripts/peers.sh` (or set XMPP_SKIP_PEERS=1 to skip this test)"
        );
    }
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/scramp_helper.py");
    let mut child = Command::new(python)
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the scramp helper");
    let stdin = child.stdin.take().unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    Some(Scramp {
        child,
        stdin,
        stdout,
    })
}

fn b64(data: &[u8]) -> String {
    encode_payload(data)
}

fn unb64(text: &str) -> Vec<u8> {
    decode_payload(text).unwrap().unwrap_or_default()
}

impl Scramp {
    /// Sends a command; returns the words of the answer (first word: `ok`, `fail` or `err`).
    fn call(&mut self, line: &str) -> Vec<String> {
        writeln!(self.stdin, "{line}").unwrap();
        self.stdin.flush().unwrap();
        let mut answer = String::new();
        self.stdout.read_line(&mut answer).unwrap();
        answer.split_whitespace().map(str::to_owned).collect()
    }

    fn ok(&mut self, line: &str) -> Vec<String> {
        let words = self.call(line);
        assert_eq!(
            words.first().map(String::as_str),
            Some("ok"),
            "{line} -> {words:?}"
        );
        words
    }
}

const USER: &str = "juliet";
const PASSWORD: &str = "r0m30 & \u{00e9}t\u{00e9}";
const SALT: &[u8] = b"interop salt 0123";
const ITERATIONS: u32 = 4096;

fn mechanism(hash: ScramHash, plus: bool) -> &'static str {
    hash.mechanism_name(plus)
}

fn cb_args(cb: Option<&ChannelBinding>) -> String {
    match cb {
        Some(cb) => format!("{} {}", cb.kind.name(), b64(&cb.data)),
        None => "- -".to_owned(),
    }
}

fn bindings() -> Vec<Option<ChannelBinding>> {
    vec![
        None,
        Some(ChannelBinding::new(
            ChannelBindingType::TlsServerEndPoint,
            b"\x8a\x1e hash of the server certificate \x00\xff".to_vec(),
        )),
        Some(ChannelBinding::new(
            ChannelBindingType::TlsUnique,
            b"\x01\x02 first finished message".to_vec(),
        )),
        Some(ChannelBinding::new(
            ChannelBindingType::TlsExporter,
            (0u8..32).map(|i| i.wrapping_mul(37)).collect::<Vec<u8>>(),
        )),
    ]
}

/// Our client against the scramp server. Returns our client's outcome and scramp's verdict.
fn our_client_vs_scramp(
    peer: &mut Scramp,
    hash: ScramHash,
    cb: Option<&ChannelBinding>,
    password: &str,
) -> (Result<(), Error>, String) {
    let plus = cb.is_some();
    peer.ok(&format!(
        "server {} {} {} {} {ITERATIONS} {}",
        mechanism(hash, plus),
        b64(USER.as_bytes()),
        b64(PASSWORD.as_bytes()),
        b64(SALT),
        cb_args(cb)
    ));
    let mut client = ScramClient::new(hash, USER, password).unwrap();
    if let Some(cb) = cb {
        client = client.with_channel_binding(ClientChannelBinding::Use(cb.clone()));
    }
    assert_eq!(client.name(), mechanism(hash, plus));
    let first = client.initial_response().unwrap().unwrap();
    let server_first = unb64(&peer.ok(&format!("server_first {}", b64(&first)))[1]);
    let fin = client.step(&server_first).unwrap();
    let words = peer.call(&format!("server_final {}", b64(&fin)));
    let verdict = words[0].clone();
    let server_final = unb64(&words[1]);
    (client.success(Some(&server_final)), verdict)
}

/// The scramp client against our server. Returns our server's outcome and scramp's check of
/// our server-final-message (`None` when our server failed before sending one).
fn scramp_client_vs_ours(
    peer: &mut Scramp,
    hash: ScramHash,
    cb: Option<&ChannelBinding>,
    password: &str,
) -> (Result<String, Error>, Option<Vec<String>>) {
    let plus = cb.is_some();
    let stored = StoredCredentials::derive(hash, PASSWORD, SALT, ITERATIONS).unwrap();
    let mut server = ScramServer::new(hash, plus, &server_secret());
    if let Some(cb) = cb {
        server = server.with_channel_binding(cb.clone());
    }
    let first = unb64(
        &peer.ok(&format!(
            "client {} {} {} {}",
            mechanism(hash, plus),
            b64(USER.as_bytes()),
            b64(password.as_bytes()),
            cb_args(cb)
        ))[1],
    );
    let mut step = server.step(Some(&first));
    loop {
        step = match step {
            Ok(ServerStep::Request(Request::ScramCredentials { username, .. })) => server.answer(
                Answer::ScramCredentials((username == USER).then(|| stored.clone())),
            ),
            Ok(ServerStep::Challenge(server_first)) => {
                let fin = unb64(&peer.ok(&format!("client_final {}", b64(&server_first)))[1]);
                server.step(Some(&fin))
            }
            Ok(ServerStep::Success {
                additional_data,
                identity,
            }) => {
                let data = additional_data.expect("server-final-message");
                let check = peer.call(&format!("client_verify {}", b64(&data)));
                return (
                    Ok(identity.authcid().unwrap_or_default().to_owned()),
                    Some(check),
                );
            }
            Ok(other) => panic!("unexpected {other:?}"),
            Err(e) => return (Err(e), None),
        };
    }
}

#[test]
fn stored_keys_agree_with_scramp() {
    let Some(mut peer) = scramp() else { return };
    for hash in [ScramHash::Sha1, ScramHash::Sha256] {
        let ours = StoredCredentials::derive(hash, PASSWORD, SALT, ITERATIONS).unwrap();
        let words = peer.ok(&format!(
            "auth_info {} {} {} {ITERATIONS}",
            mechanism(hash, false),
            b64(PASSWORD.as_bytes()),
            b64(SALT)
        ));
        assert_eq!(unb64(&words[1]), ours.stored_key, "{hash:?} StoredKey");
        assert_eq!(unb64(&words[2]), ours.server_key, "{hash:?} ServerKey");
    }
}

#[test]
fn our_client_against_scramp_server() {
    let Some(mut peer) = scramp() else { return };
    for hash in [ScramHash::Sha1, ScramHash::Sha256] {
        for cb in bindings() {
            let (ours, verdict) = our_client_vs_scramp(&mut peer, hash, cb.as_ref(), PASSWORD);
            assert_eq!(verdict, "ok", "{hash:?} {cb:?}: scramp refused our proof");
            assert_eq!(
                ours,
                Ok(()),
                "{hash:?} {cb:?}: we refused scramp's signature"
            );
        }
    }
}

#[test]
fn scramp_client_against_our_server() {
    let Some(mut peer) = scramp() else { return };
    for hash in [ScramHash::Sha1, ScramHash::Sha256] {
        for cb in bindings() {
            let (ours, check) = scramp_client_vs_ours(&mut peer, hash, cb.as_ref(), PASSWORD);
            assert_eq!(ours, Ok(USER.to_owned()), "{hash:?} {cb:?}");
            assert_eq!(check, Some(vec!["ok".to_owned()]), "{hash:?} {cb:?}");
        }
    }
}

#[test]
fn wrong_password_our_client() {
    let Some(mut peer) = scramp() else { return };
    for hash in [ScramHash::Sha1, ScramHash::Sha256] {
        for cb in bindings() {
            let (ours, verdict) = our_client_vs_scramp(&mut peer, hash, cb.as_ref(), "wrong");
            assert_eq!(verdict, "fail", "{hash:?} {cb:?}");
            assert_eq!(
                ours,
                Err(Error::ServerError {
                    value: "invalid-proof".into()
                }),
                "{hash:?} {cb:?}"
            );
        }
    }
}

#[test]
fn wrong_password_scramp_client() {
    let Some(mut peer) = scramp() else { return };
    for hash in [ScramHash::Sha1, ScramHash::Sha256] {
        for cb in bindings() {
            let (ours, check) = scramp_client_vs_ours(&mut peer, hash, cb.as_ref(), "wrong");
            assert_eq!(
                ours,
                Err(Error::AuthenticationFailed {
                    mechanism: mechanism(hash, cb.is_some())
                }),
                "{hash:?} {cb:?}"
            );
            assert_eq!(check, None);
        }
    }
}

// Different binding bytes on the two sides must fail, both ways.
#[test]
fn channel_binding_data_mismatch_with_scramp() {
    let Some(mut peer) = scramp() else { return };
    let theirs = ChannelBinding::new(ChannelBindingType::TlsServerEndPoint, b"theirs".to_vec());
    let ours_cb = ChannelBinding::new(ChannelBindingType::TlsServerEndPoint, b"ours".to_vec());
    // Our client binds to other data than the scramp server.
    peer.ok(&format!(
        "server SCRAM-SHA-256-PLUS {} {} {} {ITERATIONS} {}",
        b64(USER.as_bytes()),
        b64(PASSWORD.as_bytes()),
        b64(SALT),
        cb_args(Some(&theirs))
    ));
    let mut client = ScramClient::new(ScramHash::Sha256, USER, PASSWORD)
        .unwrap()
        .with_channel_binding(ClientChannelBinding::Use(ours_cb.clone()));
    let first = client.initial_response().unwrap().unwrap();
    let server_first = unb64(&peer.ok(&format!("server_first {}", b64(&first)))[1]);
    let fin = client.step(&server_first).unwrap();
    let words = peer.call(&format!("server_final {}", b64(&fin)));
    assert_eq!(words[0], "fail");
    assert!(client.success(Some(&unb64(&words[1]))).is_err());

    // The scramp client binds to other data than our server.
    let mut server =
        ScramServer::new(ScramHash::Sha256, true, &server_secret()).with_channel_binding(ours_cb);
    let first = unb64(
        &peer.ok(&format!(
            "client SCRAM-SHA-256-PLUS {} {} {}",
            b64(USER.as_bytes()),
            b64(PASSWORD.as_bytes()),
            cb_args(Some(&theirs))
        ))[1],
    );
    let ServerStep::Request(_) = server.step(Some(&first)).unwrap() else {
        panic!("expected a credentials request")
    };
    let stored = StoredCredentials::derive(ScramHash::Sha256, PASSWORD, SALT, ITERATIONS).unwrap();
    let ServerStep::Challenge(server_first) = server
        .answer(Answer::ScramCredentials(Some(stored)))
        .unwrap()
    else {
        panic!("expected server-first-message")
    };
    let fin = unb64(&peer.ok(&format!("client_final {}", b64(&server_first)))[1]);
    assert_eq!(
        server.step(Some(&fin)).unwrap_err(),
        Error::ChannelBindingMismatch
    );
}

/// Replaces the nonce attribute `r=` of a SCRAM message by `nonce`.
fn with_nonce(message: &[u8], nonce: impl Fn(&str) -> String) -> Vec<u8> {
    let text = String::from_utf8(message.to_vec()).unwrap();
    text.split(',')
        .map(|part| match part.strip_prefix("r=") {
            Some(r) => format!("r={}", nonce(r)),
            None => part.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(",")
        .into_bytes()
}

/// `nonce` with its first character replaced by another one (a random nonce may start with
/// any printable character, so the replacement depends on it).
fn changed_first_char(nonce: &str) -> String {
    let other = if nonce.starts_with('X') { 'Y' } else { 'X' };
    format!("{other}{}", nonce.get(1..).unwrap_or_default())
}

// RFC 5802 §5.1: each side checks the nonce; a man in the middle altering it is caught by
// both implementations, both ways.
#[test]
fn nonce_tampering_between_us_and_scramp() {
    let Some(mut peer) = scramp() else { return };
    for hash in [ScramHash::Sha1, ScramHash::Sha256] {
        let server_cmd = format!(
            "server {} {} {} {} {ITERATIONS} - -",
            mechanism(hash, false),
            b64(USER.as_bytes()),
            b64(PASSWORD.as_bytes()),
            b64(SALT)
        );
        // scramp's server-first with the client part of the nonce changed: our client refuses.
        peer.ok(&server_cmd);
        let mut client = ScramClient::new(hash, USER, PASSWORD).unwrap();
        let first = client.initial_response().unwrap().unwrap();
        let server_first = unb64(&peer.ok(&format!("server_first {}", b64(&first)))[1]);
        let forged = with_nonce(&server_first, changed_first_char);
        assert_eq!(client.step(&forged).unwrap_err(), Error::NonceMismatch);
        // scramp's server-first that only echoes our nonce (no server part).
        let mut client = ScramClient::new(hash, USER, PASSWORD).unwrap();
        let first = String::from_utf8(client.initial_response().unwrap().unwrap()).unwrap();
        let ours = first.rsplit_once("r=").unwrap().1.to_owned();
        peer.ok(&server_cmd);
        let server_first = unb64(&peer.ok(&format!("server_first {}", b64(first.as_bytes())))[1]);
        let echo = with_nonce(&server_first, |_| ours.clone());
        assert_eq!(client.step(&echo).unwrap_err(), Error::NonceMismatch);

        // Our client-final with the server part of the nonce changed: scramp refuses.
        peer.ok(&server_cmd);
        let mut client = ScramClient::new(hash, USER, PASSWORD).unwrap();
        let first = client.initial_response().unwrap().unwrap();
        let server_first = unb64(&peer.ok(&format!("server_first {}", b64(&first)))[1]);
        let fin = client.step(&server_first).unwrap();
        let forged = with_nonce(&fin, |r| format!("{r}X"));
        let words = peer.call(&format!("server_final {}", b64(&forged)));
        assert_eq!(
            words[0], "fail",
            "{hash:?}: scramp accepted a changed nonce"
        );

        // Our server-first with the client part changed: the scramp client refuses.
        let mut server = ScramServer::new(hash, false, &server_secret());
        let first = unb64(
            &peer.ok(&format!(
                "client {} {} {} - -",
                mechanism(hash, false),
                b64(USER.as_bytes()),
                b64(PASSWORD.as_bytes()),
            ))[1],
        );
        assert!(matches!(
            server.step(Some(&first)),
            Ok(ServerStep::Request(_))
        ));
        let stored = StoredCredentials::derive(hash, PASSWORD, SALT, ITERATIONS).unwrap();
        let ServerStep::Challenge(server_first) = server
            .answer(Answer::ScramCredentials(Some(stored.clone())))
            .unwrap()
        else {
            panic!("expected server-first-message")
        };
        let forged = with_nonce(&server_first, changed_first_char);
        let words = peer.call(&format!("client_final {}", b64(&forged)));
        assert_eq!(
            words[0], "err",
            "{hash:?}: scramp client accepted {words:?}"
        );

        // The scramp client-final with the nonce changed: our server refuses.
        let mut server = ScramServer::new(hash, false, &server_secret());
        let first = unb64(
            &peer.ok(&format!(
                "client {} {} {} - -",
                mechanism(hash, false),
                b64(USER.as_bytes()),
                b64(PASSWORD.as_bytes()),
            ))[1],
        );
        server.step(Some(&first)).unwrap();
        let ServerStep::Challenge(server_first) = server
            .answer(Answer::ScramCredentials(Some(stored)))
            .unwrap()
        else {
            panic!("expected server-first-message")
        };
        let fin = unb64(&peer.ok(&format!("client_final {}", b64(&server_first)))[1]);
        let forged = with_nonce(&fin, |r| format!("{r}X"));
        assert_eq!(
            server.step(Some(&forged)).unwrap_err(),
            Error::NonceMismatch
        );
    }
}

// An unknown user fails at our server exactly like a wrong password (RFC 5802 §9 hides
// whether the user exists): same error, and scramp sees an ordinary server-first.
#[test]
fn unknown_user_scramp_client() {
    let Some(mut peer) = scramp() else { return };
    for hash in [ScramHash::Sha1, ScramHash::Sha256] {
        let mut server = ScramServer::new(hash, false, &server_secret());
        let first = unb64(
            &peer.ok(&format!(
                "client {} {} {} - -",
                mechanism(hash, false),
                b64("nobody".as_bytes()),
                b64(PASSWORD.as_bytes()),
            ))[1],
        );
        server.step(Some(&first)).unwrap();
        let ServerStep::Challenge(server_first) =
            server.answer(Answer::ScramCredentials(None)).unwrap()
        else {
            panic!("expected server-first-message")
        };
        // scramp accepts the stand-in salt and iteration count and answers with a proof.
        let fin = unb64(&peer.ok(&format!("client_final {}", b64(&server_first)))[1]);
        assert_eq!(
            server.step(Some(&fin)).unwrap_err(),
            Error::AuthenticationFailed {
                mechanism: mechanism(hash, false)
            }
        );
    }
}

// RFC 5802 §6: a server that supports channel binding refuses the `y` flag. Our client
// sending `y` (it has binding data but believes the server offered no -PLUS) is refused by a
// scramp server holding binding data, and by our -PLUS server alike.
#[test]
fn downgrade_flag_with_scramp() {
    let Some(mut peer) = scramp() else { return };
    let cb = ChannelBinding::new(ChannelBindingType::TlsServerEndPoint, b"cert hash".to_vec());
    for hash in [ScramHash::Sha1, ScramHash::Sha256] {
        peer.ok(&format!(
            "server {} {} {} {} {ITERATIONS} {}",
            mechanism(hash, false),
            b64(USER.as_bytes()),
            b64(PASSWORD.as_bytes()),
            b64(SALT),
            cb_args(Some(&cb))
        ));
        let mut client = ScramClient::new(hash, USER, PASSWORD)
            .unwrap()
            .with_channel_binding(ClientChannelBinding::NotOffered);
        let first = client.initial_response().unwrap().unwrap();
        assert!(first.starts_with(b"y,,"));
        let words = peer.call(&format!("server_first {}", b64(&first)));
        assert_eq!(
            words[0], "err",
            "{hash:?}: scramp accepted the y flag: {words:?}"
        );
        // Our -PLUS server agrees.
        let mut server =
            ScramServer::new(hash, true, &server_secret()).with_channel_binding(cb.clone());
        assert_eq!(server.step(Some(&first)).unwrap_err(), Error::Downgrade);
    }
}
