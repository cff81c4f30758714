//! Our server engine behind a small loopback server, and slixmpp (PyPI) as the client: it
//! logs in with SCRAM-SHA-1 over STARTTLS, binds, establishes a session, sends a message and
//! gets it echoed back.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use xmpp_core::ns::CLIENT_NS;
use xmpp_core::{Answer, Connection, Event, Request, ServerConfig, StanzaKind};
use xmpp_sasl::scram::{ScramHash, StoredCredentials};
use xmpp_xml::Element;

fn peers_dir() -> PathBuf {
    match std::env::var_os("XMPP_PEERS_DIR") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.peers"),
    }
}

/// Serves one client connection until it closes: accounts juliet/secret1, every message
/// echoed back to its sender.
fn serve(mut sock: TcpStream, config: ServerConfig) -> Vec<String> {
    let mut conn = Connection::server(config, Instant::now());
    let mut log = Vec::new();
    let mut buf = vec![0u8; 32 * 1024];
    sock.set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let end = Instant::now() + Duration::from_secs(60);
    while Instant::now() < end {
        while let Some(e) = conn.poll_event() {
            match e {
                Event::SaslRequest { mechanism, request } => {
                    log.push(format!("sasl {}", mechanism.name()));
                    let answer = match request {
                        Request::ScramCredentials { username, .. } => {
                            let hash = match mechanism.scram() {
                                Some((ScramHash::Sha1, _)) => ScramHash::Sha1,
                                _ => ScramHash::Sha256,
                            };
                            Answer::ScramCredentials((username == "juliet").then(|| {
                                StoredCredentials::derive(
                                    hash,
                                    "secret1",
                                    b"juliet salt 1234",
                                    4096,
                                )
                                .unwrap()
                            }))
                        }
                        Request::VerifyPassword {
                            authcid, password, ..
                        } => Answer::PasswordValid(
                            authcid == "juliet" && password.matches("secret1"),
                        ),
                        Request::DigestMd5Secret { .. } => Answer::DigestMd5Secret(None),
                    };
                    conn.answer_sasl(answer).unwrap();
                }
                Event::TlsEstablished => log.push("tls".into()),
                Event::BindRequest { .. } => conn.accept_bind(None).unwrap(),
                Event::Bound(jid) => log.push(format!("bound {jid}")),
                Event::Stanza(s) => {
                    log.push(format!("stanza {}", s.kind().as_str()));
                    let tree = s.element().unwrap();
                    match s.kind() {
                        StanzaKind::Message => {
                            let mut echo = Element::new(CLIENT_NS, "message")
                                .with_attr("to", s.from().unwrap().as_str().to_owned())
                                .with_attr("type", s.stanza_type().unwrap_or("normal").to_owned());
                            if let Some(to) = s.to() {
                                echo = echo.with_attr("from", to.as_str().to_owned());
                            }
                            if let Some(body) = tree.child(CLIENT_NS, "body") {
                                echo = echo.with_child(body.to_owned_element());
                            }
                            conn.send(&echo).unwrap();
                        }
                        StanzaKind::Iq if matches!(s.stanza_type(), Some("get" | "set")) => {
                            let error = xmpp_core::StanzaError::new(
                                xmpp_core::StanzaErrorCondition::ServiceUnavailable,
                            );
                            if let Some(reply) = error.reply_to(tree.as_ref()) {
                                conn.send(&reply).unwrap();
                            }
                        }
                        _ => {}
                    }
                }
                Event::Closed(reason) => {
                    log.push(format!("closed {reason}"));
                    while let Some(b) = conn.poll_transmit() {
                        let _ = sock.write_all(&b);
                    }
                    return log;
                }
                _ => {}
            }
        }
        while let Some(b) = conn.poll_transmit() {
            if sock.write_all(&b).is_err() {
                conn.handle_eof();
            }
        }
        match sock.read(&mut buf) {
            Ok(0) => conn.handle_eof(),
            Ok(n) => conn.handle_input(&buf[..n], Instant::now()),
            Err(_) => conn.handle_timeout(Instant::now()),
        }
    }
    log.push("gave up".into());
    log
}

const CLIENT: &str = r#"
import asyncio, ssl, sys, slixmpp
port = int(sys.argv[1])
class Echo(slixmpp.ClientXMPP):
    def __init__(self):
        super().__init__("juliet@localhost/slix", "secret1", sasl_mech="SCRAM-SHA-1")
        self.enable_direct_tls = False
        self.enable_starttls = True
        self.enable_plaintext = False
        self.ssl_context.check_hostname = False
        self.ssl_context.verify_mode = ssl.CERT_NONE
        self.result = None
        self.add_event_handler("session_start", self.start)
        self.add_event_handler("message", self.got)
        self.add_event_handler("failed_auth", lambda e: self.finish("auth failed"))
    async def start(self, event):
        self.send_message(mto="echo@localhost", mbody="ping from slixmpp", mtype="chat")
    def got(self, msg):
        self.finish("echo: %s from %s" % (msg["body"], msg["from"]))
    def finish(self, result):
        self.result = result
        self.disconnect()
c = Echo()
c.connect("127.0.0.1", port)
loop = asyncio.get_event_loop()
loop.run_until_complete(asyncio.wait_for(c.disconnected, 30))
print(c.result)
sys.exit(0 if c.result and c.result.startswith("echo:") else 1)
"#;

#[test]
fn slixmpp_logs_in_with_scram_sha1_over_starttls_and_gets_its_echo() {
    let python = peers_dir().join("venv/bin/python");
    let has_slixmpp = Command::new(&python)
        .args(["-c", "import slixmpp"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_slixmpp {
        if std::env::var("XMPP_SKIP_PEERS").as_deref() == Ok("1") {
            eprintln!("SKIPPED: slixmpp is not installed (XMPP_SKIP_PEERS=1)");
            return;
        }
        panic!(
            "slixmpp is not installed in {}; install it with: bash scripts/peers.sh",
            python.display()
        );
    }
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec!["localhost".into()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    let identity =
        xmpp_core::tls_config::server_tls(cert.pem().as_bytes(), key.serialize_pem().as_bytes())
            .unwrap();
    let config = ServerConfig::new(
        "localhost",
        Some(identity),
        xmpp_sasl::ServerSecret::generate().unwrap(),
    );
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (sock, _) = listener.accept().unwrap();
        serve(sock, config)
    });
    let out = Command::new(&python)
        .args(["-c", CLIENT, &port.to_string()])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let log = server.join().unwrap();
    assert!(
        out.status.success(),
        "slixmpp: {stdout}{}\nserver: {log:?}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("echo: ping from slixmpp from echo@localhost"),
        "{stdout}"
    );
    assert!(log.iter().any(|l| l == "tls"), "{log:?}");
    assert!(log.iter().any(|l| l == "sasl SCRAM-SHA-1"), "{log:?}");
    assert!(
        log.iter().any(|l| l == "bound juliet@localhost/slix"),
        "{log:?}"
    );
}
