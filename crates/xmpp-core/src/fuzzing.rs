//! Entry points shared by the fuzz targets and the tests that replay their corpora (cargo
//! feature `fuzzing`; not part of the stable API).
//!
//! Each target plays one side against a scripted valid prefix chosen by the first input
//! byte (so the fuzzer reaches the late states: authenticated, bound, established), then
//! feeds the rest in chunks whose size the second byte sets. Any panic is a finding; the
//! checked properties are that a closed connection stays closed and silent, that events
//! stop after `Closed`, and that output stays proportional to input.

use std::time::{Duration, Instant};

use crate::random::SeededRandom;
use crate::{Answer, ClientConfig, Connection, Event, Request, ServerConfig, TlsPolicy};

const SERVER_PREFIX: [&str; 5] = [
    "",
    "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>",
    "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGp1bGlldABwZW5jaWw=</auth>",
    "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>",
    "<iq type='set' id='b'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>r</resource></bind></iq>",
];

const CLIENT_PREFIX: [&str; 6] = [
    "",
    "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' from='example.com' id='s1' version='1.0'><stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>ANONYMOUS</mechanism></mechanisms></stream:features>",
    "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>",
    "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' from='example.com' id='s2' version='1.0'><stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>",
    // The client's bind id comes from its seeded generator.
    "",
    "",
];

const S2S_PREFIX: [&str; 3] = [
    "",
    "<stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams' xmlns:db='jabber:server:dialback' from='a.example' to='b.example' version='1.0'>",
    "<db:result from='a.example' to='b.example'>0123456789abcdef</db:result>",
];

fn s2s() -> Connection {
    let mut config = crate::S2sConfig::new("b.example", b"fuzzing dialback secret".to_vec());
    config.tls = TlsPolicy::Disabled;
    config.random = Box::new(SeededRandom::new(11));
    Connection::s2s_incoming(config, Instant::now())
}

fn server() -> Connection {
    let secret = match xmpp_sasl::ServerSecret::new(*b"fuzzing secret, 32 bytes long..!") {
        Ok(s) => s,
        Err(_) => {
            return Connection::server(
                ServerConfig::new("example.com", None, fallback()),
                Instant::now(),
            );
        }
    };
    let mut config = ServerConfig::new("example.com", None, secret);
    config.tls = TlsPolicy::Disabled;
    config.sasl.allow_plain_without_tls = true;
    config.sasl.anonymous = true;
    config.random = Box::new(SeededRandom::new(7));
    Connection::server(config, Instant::now())
}

fn fallback() -> xmpp_sasl::ServerSecret {
    match xmpp_sasl::ServerSecret::new(vec![7u8; 32]) {
        Ok(s) => s,
        Err(_) => unreachable!("32 bytes is long enough"),
    }
}

fn client() -> Connection {
    let jid = match xmpp_jid::Jid::parse("example.com") {
        Ok(j) => j,
        Err(_) => unreachable!("a valid domain"),
    };
    let mut config = ClientConfig::new(jid, "");
    config.tls = TlsPolicy::Disabled;
    config.mechanisms = Some(vec![crate::Mechanism::Anonymous]);
    config.random = Box::new(SeededRandom::new(9));
    Connection::client(config, Instant::now())
}

/// Answers what the server asks: one account, every bind accepted.
fn answer(conn: &mut Connection, event: &Event) {
    match event {
        Event::SaslRequest { request, .. } => {
            let answer = match request {
                Request::VerifyPassword {
                    authcid, password, ..
                } => Answer::PasswordValid(authcid == "juliet" && password.matches("pencil")),
                Request::ScramCredentials { .. } => Answer::ScramCredentials(None),
                Request::DigestMd5Secret { .. } => Answer::DigestMd5Secret(None),
            };
            let _ = conn.answer_sasl(answer);
        }
        Event::BindRequest { .. } => {
            let _ = conn.accept_bind(None);
        }
        Event::DialbackRequest {
            originating,
            receiving,
            ..
        } => {
            let (o, r) = (originating.clone(), receiving.clone());
            let _ = conn.dialback_result(&o, &r, true);
        }
        _ => {}
    }
}

/// Feeds `data` after the chosen prefix and checks the invariants.
fn drive(mut conn: Connection, prefix: &[&str], data: &[u8], answers: bool) {
    let (stage, chunk, rest) = match data {
        [a, b, rest @ ..] => (usize::from(*a) % prefix.len(), usize::from(*b).max(1), rest),
        _ => (0, 1, data),
    };
    let now = Instant::now();
    let mut input = 0usize;
    let mut output = 0usize;
    let mut closed = false;
    let mut step = |conn: &mut Connection, bytes: &[u8], input: &mut usize| {
        conn.handle_input(bytes, now);
        *input += bytes.len();
        while let Some(e) = conn.poll_event() {
            assert!(!closed, "an event after Closed: {e:?}");
            if matches!(e, Event::Closed(_)) {
                closed = true;
            }
            if answers {
                answer(conn, &e);
            }
        }
        while let Some(b) = conn.poll_transmit() {
            output += b.len();
        }
        if closed {
            assert!(conn.is_closed() || conn.poll_timeout().is_some());
        }
    };
    for p in &prefix[..=stage] {
        step(&mut conn, p.as_bytes(), &mut input);
    }
    for piece in rest.chunks(chunk) {
        step(&mut conn, piece, &mut input);
    }
    // Time passes: the close and negotiation timers fire.
    conn.handle_timeout(now + Duration::from_secs(3600));
    while conn.poll_event().is_some() {}
    while let Some(b) = conn.poll_transmit() {
        output += b.len();
    }
    // Replies are bounded by what came in (error replies echo the stanza), plus headers,
    // features and errors of a few streams.
    assert!(
        output <= 4 * input + 16 * 1024,
        "output {output} for input {input}"
    );
    conn.handle_eof();
    assert!(conn.is_closed());
    conn.handle_input(b"<message/>", now);
    assert!(conn.poll_transmit().is_none(), "a closed connection wrote");
}

/// The server side of a client-to-server stream, without TLS (PLAIN and ANONYMOUS allowed).
pub fn server_connection(data: &[u8]) {
    drive(server(), &SERVER_PREFIX, data, true);
}

/// The client side, without TLS (ANONYMOUS).
pub fn client_connection(data: &[u8]) {
    drive(client(), &CLIENT_PREFIX[..4], data, false);
}

/// The receiving side of a server-to-server stream, without TLS; dialback requests are
/// accepted, so later input reaches the stanza path of a verified stream.
pub fn s2s_connection(data: &[u8]) {
    drive(s2s(), &S2S_PREFIX, data, true);
}
