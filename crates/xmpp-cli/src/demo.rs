//! `xmpp demo`: a client and a server engine in one process, joined by memory: STARTTLS
//! with a certificate made on the spot, SCRAM, resource binding, a message each way and the
//! closing handshake, printed as an annotated exchange (`C:` what the client sent, `S:` what
//! the server sent, both as plaintext below TLS; `==` what the engines reported).

use std::collections::VecDeque;
use std::process::ExitCode;
use std::time::Instant;

use xmpp_core::ns::CLIENT_NS;
use xmpp_core::{Answer, ClientConfig, Connection, Event, Request, ServerConfig, Traced};
use xmpp_jid::Jid;
use xmpp_sasl::scram::{ScramHash, StoredCredentials};
use xmpp_xml::Element;

/// Arguments of `xmpp demo`.
#[derive(clap::Args)]
pub struct Args {}

const DOMAIN: &str = "example.com";

/// Runs the demo.
pub fn run(_args: &Args) -> ExitCode {
    match demo() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            println!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn message(from: Option<&str>, to: &str, body: &str) -> Element<'static> {
    let mut m = Element::new(CLIENT_NS, "message");
    if let Some(from) = from {
        m = m.with_attr("from", from.to_owned());
    }
    m.with_attr("to", to.to_owned())
        .with_attr("type", "chat")
        .with_child(Element::new(CLIENT_NS, "body").with_text(body.to_owned()))
}

fn demo() -> Result<(), String> {
    let key = rcgen::KeyPair::generate().map_err(|e| e.to_string())?;
    let cert = rcgen::CertificateParams::new(vec![DOMAIN.into()])
        .and_then(|p| p.self_signed(&key))
        .map_err(|e| e.to_string())?;
    let identity =
        xmpp_core::tls_config::server_tls(cert.pem().as_bytes(), key.serialize_pem().as_bytes())
            .map_err(|e| e.to_string())?;
    let trust = xmpp_core::tls_config::client_config_with_ca(cert.pem().as_bytes())
        .map_err(|e| e.to_string())?;

    let jid = Jid::parse("juliet@example.com/balcony").map_err(|e| e.to_string())?;
    let mut client_config = ClientConfig::new(jid, "pencil");
    client_config.tls_config = Some(trust);
    let secret = xmpp_sasl::ServerSecret::generate().map_err(|e| e.to_string())?;
    let server_config = ServerConfig::new(DOMAIN, Some(identity), secret);
    // The server's account store: only keys derived from the password are kept.
    let stored = |hash| StoredCredentials::derive(hash, "pencil", b"juliet's salt", 4096);

    let now = Instant::now();
    let mut client = Connection::client(client_config, now);
    let mut server = Connection::server(server_config, now);
    println!("== a client engine and a server engine for {DOMAIN}, joined by memory");
    // The client's first header is queued at creation; show it, then trace the rest.
    if let Some(first) = client.poll_transmit() {
        println!("C: {}", String::from_utf8_lossy(&first));
        server.handle_input(&first, now);
    }
    client.enable_trace();

    let mut said_hello = false;
    let mut answered = false;
    let mut client_done = false;
    let mut server_done = false;
    let mut steps = 0;
    while !(client_done && server_done) {
        steps += 1;
        if steps > 1000 {
            return Err("the exchange did not finish".into());
        }
        let mut moved = false;
        while let Some(bytes) = client.poll_transmit() {
            server.handle_input(&bytes, now);
            moved = true;
        }
        print_trace(&mut client);
        let mut server_events: VecDeque<Event> = VecDeque::new();
        while let Some(e) = server.poll_event() {
            server_events.push_back(e);
        }
        for e in server_events {
            moved = true;
            match e {
                Event::SaslRequest {
                    mechanism,
                    request: Request::ScramCredentials { username, .. },
                } => {
                    let hash = match mechanism.scram() {
                        Some((ScramHash::Sha1, _)) => ScramHash::Sha1,
                        _ => ScramHash::Sha256,
                    };
                    println!(
                        "== server: {} asks for the stored keys of '{username}'",
                        mechanism.name()
                    );
                    let keys = (username == "juliet")
                        .then(|| stored(hash))
                        .transpose()
                        .map_err(|e| e.to_string())?;
                    server
                        .answer_sasl(Answer::ScramCredentials(keys))
                        .map_err(|e| e.to_string())?;
                }
                Event::SaslRequest { .. } => {
                    server
                        .answer_sasl(Answer::PasswordValid(false))
                        .map_err(|e| e.to_string())?;
                }
                Event::BindRequest { requested } => {
                    println!("== server: the client asks for resource {requested:?}; accepted");
                    server.accept_bind(None).map_err(|e| e.to_string())?;
                }
                Event::Stanza(s) => {
                    println!(
                        "== server: a <{}/> from {} (stamped by the server) to {}",
                        s.kind().as_str(),
                        s.from().map(|j| j.as_str()).unwrap_or("?"),
                        s.to().map(|j| j.as_str()).unwrap_or("the server")
                    );
                    if !answered {
                        answered = true;
                        let reply = message(
                            Some("romeo@example.net/orchard"),
                            "juliet@example.com/balcony",
                            "Shall I hear more?",
                        );
                        server.send(&reply).map_err(|e| e.to_string())?;
                    }
                }
                Event::Closed(reason) => {
                    println!("== server: closed ({reason})");
                    server_done = true;
                }
                other => println!("== server: {}", describe(&other)),
            }
        }
        while let Some(bytes) = server.poll_transmit() {
            client.handle_input(&bytes, now);
            moved = true;
        }
        print_trace(&mut client);
        while let Some(e) = client.poll_event() {
            moved = true;
            match e {
                Event::Online if !said_hello => {
                    said_hello = true;
                    println!("== client: online; sending a message");
                    let m = message(None, "romeo@example.net", "Wherefore art thou, Romeo?");
                    client.send(&m).map_err(|e| e.to_string())?;
                }
                Event::Stanza(s) => {
                    println!(
                        "== client: a <{}/> from {}; closing the stream",
                        s.kind().as_str(),
                        s.from().map(|j| j.as_str()).unwrap_or("the server")
                    );
                    client.close();
                }
                Event::Closed(reason) => {
                    println!("== client: closed ({reason})");
                    client_done = true;
                    if !reason.is_normal() {
                        return Err(reason.to_string());
                    }
                }
                other => println!("== client: {}", describe(&other)),
            }
        }
        if !(moved || client_done && server_done) {
            return Err("the exchange stalled".into());
        }
    }
    Ok(())
}

fn describe(e: &Event) -> String {
    match e {
        Event::StreamOpened(info) => format!(
            "stream opened (id {:?}, version {:?})",
            info.id.as_deref().unwrap_or("-"),
            info.version
        ),
        Event::Features(f) => format!("features: {f:?}"),
        Event::TlsEstablished => "TLS established".into(),
        Event::Authenticated { mechanism, jid, .. } => {
            format!("authenticated {jid} with {}", mechanism.name())
        }
        Event::Bound(jid) => format!("bound {jid}"),
        Event::Online => "online".into(),
        other => format!("{other:?}"),
    }
}

fn print_trace(conn: &mut Connection) {
    while let Some(t) = conn.poll_trace() {
        match t {
            Traced::Sent(b) => println!("C: {}", String::from_utf8_lossy(&b)),
            Traced::Received(b) => println!("S: {}", String::from_utf8_lossy(&b)),
        }
    }
}
