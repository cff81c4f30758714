//! In-memory pairs of `xmpp-core` engines for the engine bench (`benches/engine.rs`), its
//! callgrind example (`examples/engine_once.rs`) and its allocation and memory reports.
//!
//! A [`Pair`] is a client and a server [`Connection`] that talk through memory, with or
//! without STARTTLS (a self-signed certificate made with rcgen), negotiated up to
//! [`Event::Online`] on both sides: SCRAM, resource binding and session. The traffic is
//! [`message`]: chat messages of exactly [`MESSAGE_BYTES`] bytes as the client serialises
//! them.
//!
//! [`Meter`] lets a caller count only what the server side does while the pair negotiates
//! (the client runs in the same thread): [`idle_server_bytes`] uses it to measure the heap a
//! server connection holds once it is online and idle.

use std::sync::{Arc, OnceLock};
use std::time::Instant;

use xmpp_core::random::SeededRandom;
use xmpp_core::{
    Answer, ClientConfig, Connection, Event, Request, ServerConfig, ServerTls, TlsPolicy,
};
use xmpp_sasl::scram::{ScramHash, StoredCredentials};

use crate::alloc_count::CountingAlloc;

/// The server's domain.
pub const DOMAIN: &str = "example.com";
/// The client's account and resource.
pub const CLIENT_JID: &str = "juliet@example.com/balcony";
/// The client's password.
pub const PASSWORD: &str = "pencil";
/// Size of one chat message as the client sends it (plaintext, no namespace declaration).
pub const MESSAGE_BYTES: usize = 200;
/// Plaintext fed to the receiving server per `handle_input` call in the replays, as a
/// socket read of this size would.
pub const CHUNK: usize = 4096;

/// The TLS identity of the server and the client configuration that trusts it.
pub struct Identity {
    /// Certificate and key of `example.com`.
    pub server: ServerTls,
    /// A client configuration whose only root is that certificate.
    pub client: Arc<rustls::ClientConfig>,
}

impl Identity {
    /// A fresh self-signed certificate for [`DOMAIN`].
    pub fn new() -> Identity {
        let key = rcgen::KeyPair::generate().expect("key generation");
        let cert = rcgen::CertificateParams::new(vec![DOMAIN.into()])
            .expect("certificate parameters")
            .self_signed(&key)
            .expect("self-signed certificate");
        let server = xmpp_core::tls_config::server_tls(
            cert.pem().as_bytes(),
            key.serialize_pem().as_bytes(),
        )
        .expect("server TLS configuration");
        let client = xmpp_core::tls_config::client_config_with_ca(cert.pem().as_bytes())
            .expect("client TLS configuration");
        Identity { server, client }
    }
}

impl Default for Identity {
    fn default() -> Self {
        Self::new()
    }
}

/// The client's configuration: TLS required with `tls`, disabled without.
pub fn client_config(tls: Option<Arc<rustls::ClientConfig>>) -> ClientConfig {
    let jid = xmpp_jid::Jid::parse(CLIENT_JID).expect("client JID");
    let mut c = ClientConfig::new(jid, PASSWORD);
    c.random = Box::new(SeededRandom::new(1));
    match tls {
        Some(t) => c.tls_config = Some(t),
        None => c.tls = TlsPolicy::Disabled,
    }
    c
}

/// The server's configuration: TLS required with `tls`, disabled without.
pub fn server_config(tls: Option<ServerTls>) -> ServerConfig {
    let secret = xmpp_sasl::ServerSecret::new(*b"0123456789abcdef0123456789abcdef")
        .expect("a 32-byte secret");
    let mut s = ServerConfig::new(DOMAIN, tls, secret);
    s.random = Box::new(SeededRandom::new(2));
    s
}

/// What the server application answers: the one account's SCRAM keys, any resource.
pub fn answer(server: &mut Connection, event: &Event) {
    match event {
        Event::SaslRequest { mechanism, request } => {
            let answer = match request {
                Request::ScramCredentials { username, .. } => {
                    let hash = match mechanism.scram() {
                        Some((ScramHash::Sha1, _)) => ScramHash::Sha1,
                        _ => ScramHash::Sha256,
                    };
                    Answer::ScramCredentials((username == "juliet").then(|| {
                        StoredCredentials::derive(hash, PASSWORD, b"salt of the user", 4096)
                            .expect("stored credentials")
                    }))
                }
                Request::VerifyPassword {
                    authcid, password, ..
                } => Answer::PasswordValid(authcid == "juliet" && password.matches(PASSWORD)),
                Request::DigestMd5Secret {
                    username, realm, ..
                } => Answer::DigestMd5Secret(
                    (username == "juliet")
                        .then(|| xmpp_sasl::digest_md5::secret(username, realm, PASSWORD)),
                ),
            };
            server.answer_sasl(answer).expect("SASL answer");
        }
        Event::BindRequest { .. } => server.accept_bind(None).expect("bind"),
        _ => {}
    }
}

/// Brackets the server side's work while a pair negotiates.
pub trait Meter {
    /// The server side starts working.
    fn enter(&self);
    /// The server side stops working.
    fn leave(&self);
}

/// Measures nothing.
pub struct NoMeter;

impl Meter for NoMeter {
    fn enter(&self) {}
    fn leave(&self) {}
}

/// Counts the allocations made and freed while the server side works.
pub struct ServerAllocs<'a>(pub &'a CountingAlloc);

impl Meter for ServerAllocs<'_> {
    fn enter(&self) {
        self.0.resume();
    }
    fn leave(&self) {
        self.0.stop();
    }
}

/// A client and a server engine connected through memory.
pub struct Pair {
    /// The client.
    pub client: Connection,
    /// The server.
    pub server: Connection,
    /// The time both are told.
    pub now: Instant,
    /// Whether STARTTLS was negotiated.
    pub tls: bool,
    client_online: bool,
    server_online: bool,
}

impl Pair {
    /// A pair negotiated up to [`Event::Online`] on both sides, with TLS when `identity` is
    /// given.
    pub fn online(identity: Option<&Identity>) -> Pair {
        Self::online_metered(identity, &NoMeter)
    }

    /// [`Pair::online`], with `meter` entered around everything the server side does: the
    /// construction of its configuration and connection, each call into it, and the
    /// dropping of what it handed out (bytes to send, events).
    pub fn online_metered(identity: Option<&Identity>, meter: &dyn Meter) -> Pair {
        let now = Instant::now();
        let client =
            Connection::client(client_config(identity.map(|i| Arc::clone(&i.client))), now);
        let server_tls = identity.map(|i| i.server.clone());
        meter.enter();
        let server = Connection::server(server_config(server_tls), now);
        meter.leave();
        let mut pair = Pair {
            client,
            server,
            now,
            tls: identity.is_some(),
            client_online: false,
            server_online: false,
        };
        pair.settle(meter);
        assert!(
            pair.client_online && pair.server_online,
            "the pair did not come online"
        );
        assert_eq!(pair.server.is_encrypted(), pair.tls);
        pair
    }

    /// Moves bytes and answers the server's questions until nothing moves.
    pub fn settle(&mut self, meter: &dyn Meter) {
        for _ in 0..1000 {
            let mut moved = false;
            while let Some(bytes) = self.client.poll_transmit() {
                meter.enter();
                self.server.handle_input(&bytes, self.now);
                meter.leave();
                moved = true;
            }
            loop {
                meter.enter();
                let event = self.server.poll_event();
                if let Some(e) = &event {
                    answer(&mut self.server, e);
                    self.server_online |= matches!(e, Event::Online);
                    if let Event::Closed(reason) = e {
                        panic!("server closed: {reason}");
                    }
                }
                let more = event.is_some();
                drop(event);
                meter.leave();
                if !more {
                    break;
                }
                moved = true;
            }
            loop {
                meter.enter();
                let bytes = self.server.poll_transmit();
                meter.leave();
                let Some(bytes) = bytes else { break };
                self.client.handle_input(&bytes, self.now);
                meter.enter();
                drop(bytes);
                meter.leave();
                moved = true;
            }
            while let Some(e) = self.client.poll_event() {
                self.client_online |= matches!(e, Event::Online);
                if let Event::Closed(reason) = e {
                    panic!("client closed: {reason}");
                }
                moved = true;
            }
            if !moved {
                return;
            }
        }
        panic!("the pair did not settle");
    }

    /// The client sends `n` messages (numbered from `first`); returns the bytes it put on
    /// the wire (TLS records with TLS), without delivering them.
    pub fn client_sends(&mut self, first: usize, n: usize, wire: &mut Vec<u8>) {
        for i in first..first + n {
            self.client.send(&message(i)).expect("client send");
        }
        while let Some(bytes) = self.client.poll_transmit() {
            wire.extend_from_slice(&bytes);
        }
    }
}

/// Chat message number `i`, [`MESSAGE_BYTES`] bytes once serialised by the client.
pub fn message(i: usize) -> xmpp_xml::Element<'static> {
    // `<message to='romeo@example.net' id='m0000000' type='chat'><body>` and the closing
    // tags take 81 bytes; the body fills the rest.
    const ENVELOPE: usize = 81;
    static BODY: OnceLock<String> = OnceLock::new();
    let body: &'static str = BODY.get_or_init(|| {
        "Wherefore art thou Romeo? "
            .chars()
            .cycle()
            .take(MESSAGE_BYTES - ENVELOPE)
            .collect()
    });
    xmpp_xml::Element::new(xmpp_core::ns::CLIENT_NS, "message")
        .with_attr("to", "romeo@example.net")
        .with_attr("id", format!("m{:07}", i % 10_000_000))
        .with_attr("type", "chat")
        .with_child(xmpp_xml::Element::new(xmpp_core::ns::CLIENT_NS, "body").with_text(body))
}

/// Feeds `bytes` to an established server in [`CHUNK`]-byte pieces and takes every event:
/// each must be a stanza, which is recycled. Returns the number of stanzas.
pub fn server_receive(server: &mut Connection, bytes: &[u8], now: Instant) -> usize {
    server_receive_in(server, bytes, CHUNK, now)
}

/// [`server_receive`] with `chunk`-byte pieces.
pub fn server_receive_in(
    server: &mut Connection,
    bytes: &[u8],
    chunk: usize,
    now: Instant,
) -> usize {
    let mut stanzas = 0;
    for piece in bytes.chunks(chunk.max(1)) {
        server.handle_input(piece, now);
        while let Some(event) = server.poll_event() {
            match event {
                Event::Stanza(s) => {
                    stanzas += 1;
                    server.recycle(s);
                }
                other => panic!("unexpected server event {other:?}"),
            }
        }
    }
    stanzas
}

/// An established plaintext server and the recorded bytes of `n` client messages, which
/// it can receive any number of times (the messages carry no sequence state).
pub struct PlainReplay {
    /// The server, online.
    pub server: Connection,
    /// The messages as the client sent them.
    pub bytes: Vec<u8>,
    /// How many messages.
    pub messages: usize,
    /// The time the server is told.
    pub now: Instant,
}

impl PlainReplay {
    /// A plaintext pair brought online, then `n` messages recorded from its client.
    pub fn new(n: usize) -> PlainReplay {
        let mut pair = Pair::online(None);
        let mut bytes = Vec::with_capacity(n * MESSAGE_BYTES);
        pair.client_sends(0, n, &mut bytes);
        assert_eq!(bytes.len(), n * MESSAGE_BYTES, "message size");
        PlainReplay {
            server: pair.server,
            bytes,
            messages: n,
            now: pair.now,
        }
    }

    /// The server receives the recorded messages once.
    pub fn receive(&mut self) -> usize {
        let n = server_receive(&mut self.server, &self.bytes, self.now);
        assert_eq!(n, self.messages, "stanzas received");
        n
    }
}

/// An `xmpp_xml::Parser` in the state of the engine's parser on an established stream
/// (a `jabber:client` stream header read), for framing the same bytes.
pub struct Framing {
    parser: xmpp_xml::Parser,
}

impl Framing {
    /// A stream parser with the engine's limits, past the client's stream header; with
    /// `record_trees` as given (the engine leaves it on, the default).
    pub fn new(record_trees: bool) -> Framing {
        let mut parser = xmpp_xml::Parser::stream(xmpp_core::EngineLimits::default().xml);
        parser.record_trees(record_trees);
        parser.feed(
            b"<?xml version='1.0'?><stream:stream xmlns='jabber:client' \
              xmlns:stream='http://etherx.jabber.org/streams' to='example.com' \
              version='1.0' xml:lang='en'>",
        );
        match parser.next_event() {
            Ok(Some(xmpp_xml::Event::StreamOpen(_))) => {}
            other => panic!("stream header: {other:?}"),
        }
        Framing { parser }
    }

    /// Frames `bytes` ([`CHUNK`]-byte feeds, `next_event` until none); returns the number
    /// of stanzas.
    pub fn run(&mut self, bytes: &[u8]) -> usize {
        let mut stanzas = 0;
        for piece in bytes.chunks(CHUNK) {
            self.parser.feed(piece);
            loop {
                match self.parser.next_event() {
                    Ok(Some(xmpp_xml::Event::Stanza(s))) => {
                        std::hint::black_box(s.bytes().len());
                        stanzas += 1;
                    }
                    Ok(Some(other)) => panic!("unexpected event {other:?}"),
                    Ok(None) => break,
                    Err(e) => panic!("framing: {e}"),
                }
            }
        }
        stanzas
    }
}

/// A TLS pair ready to replay: the client encrypts `n` messages ahead (not measured), the
/// server decrypts and receives them ([`TlsReplay::receive`]). Each recording is received
/// once, in order (TLS records carry sequence numbers).
pub struct TlsReplay {
    /// The pair, online over TLS.
    pub pair: Pair,
    /// How many messages per recording.
    pub messages: usize,
    sent: usize,
}

impl TlsReplay {
    /// A TLS pair brought online.
    pub fn new(identity: &Identity, n: usize) -> TlsReplay {
        TlsReplay {
            pair: Pair::online(Some(identity)),
            messages: n,
            sent: 0,
        }
    }

    /// The TLS records of the next `n` messages.
    pub fn record(&mut self) -> Vec<u8> {
        let mut wire = Vec::with_capacity(self.messages * (MESSAGE_BYTES + 64));
        self.pair.client_sends(self.sent, self.messages, &mut wire);
        self.sent += self.messages;
        wire
    }

    /// The server receives one recording.
    pub fn receive(&mut self, records: &[u8]) -> usize {
        let n = server_receive(&mut self.pair.server, records, self.pair.now);
        assert_eq!(n, self.messages, "stanzas received");
        n
    }
}

/// Client to server through the engines: the client sends `n` messages, the bytes move,
/// the server takes and recycles each stanza. Returns the number of stanzas received.
pub fn round_trip(pair: &mut Pair, n: usize, wire: &mut Vec<u8>) -> usize {
    wire.clear();
    for i in 0..n {
        pair.client.send(&message(i)).expect("client send");
    }
    while let Some(bytes) = pair.client.poll_transmit() {
        wire.extend_from_slice(&bytes);
    }
    server_receive(&mut pair.server, wire, pair.now)
}

/// Heap bytes a server connection holds once online and idle: counted from before its
/// configuration and connection are made to after the pair settled (bytes it sent all
/// taken), its side only. TLS configurations (`Arc`s shared by every connection) are made
/// before and not counted. Returns the pair too, for further inspection.
pub fn idle_server_bytes(alloc: &CountingAlloc, identity: Option<&Identity>) -> (i64, Pair) {
    alloc.start();
    alloc.stop();
    let pair = Pair::online_metered(identity, &ServerAllocs(alloc));
    let live = alloc.snapshot().live;
    (live, pair)
}
