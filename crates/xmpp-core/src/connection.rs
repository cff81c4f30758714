//! The connection: one XML stream pair over one transport, for either role. This module
//! holds what both roles share — the byte path, the parser, the stream header and closing
//! handshake, stream errors, timers — and the public `handle_*`/`poll_*` surface; the
//! negotiation of each role lives in `client.rs` and `server.rs`.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use xmpp_xml::{Element, Parser, StreamErrorCondition};

use crate::client::ClientState;
use crate::config::{ClientConfig, EngineLimits, ServerConfig};
use crate::event::{CloseReason, Error, Event, StreamInfo};
use crate::ns::CLIENT_NS;
use crate::random::Random;
use crate::s2s::{S2sInState, S2sOutState, S2sSide};
use crate::server::ServerState;
use crate::stanza::Stanza;
use crate::stream_error::StreamError;
use crate::tls::Transport;

/// Which stream of the connection is current: each STARTTLS and SASL success restarts the
/// stream (RFC 3920 §5.2 step 8, §6.2 step 7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    /// The first stream, before TLS.
    Initial,
    /// The stream after TLS, before SASL.
    AfterTls,
    /// The stream after SASL.
    AfterSasl,
}

/// The XMPP version this engine speaks (RFC 3920 §4.4.1).
pub(crate) const SUPPORTED_VERSION: (u32, u32) = (1, 0);

/// Input left unparsed while a received stanza waits to be taken, at most.
const LAZY_INPUT: usize = 64 * 1024;

/// The role-specific negotiation state, or the end.
pub(crate) enum State {
    Client(ClientState),
    Server(ServerState),
    /// An outgoing server-to-server stream (or a dialback verification stream).
    S2sOut(S2sOutState),
    /// An incoming server-to-server stream.
    S2sIn(S2sInState),
    /// This side sent `</stream:stream>` (after an error or [`Connection::close`]) and waits
    /// for the peer's, or for the close timeout.
    Closing {
        reason: CloseReason,
        deadline: Instant,
    },
    /// Nothing more happens.
    Closed,
}

/// The server's stamp for a bound session (RFC 3920 §9.1.2), made once at binding.
pub(crate) struct Stamp {
    /// The session's full JID.
    pub(crate) full: xmpp_jid::Jid,
    /// Its bare form, which a client may also use as `from`.
    pub(crate) bare: String,
    /// ` from='…'`, escaped.
    pub(crate) attribute: Vec<u8>,
}

/// What a parser event becomes once taken out of the parser's buffer.
pub(crate) enum Incoming {
    /// The peer's header, its default namespace when it is the expected one (else `""`),
    /// and the version a receiving entity answers with (RFC 3920 §4.4.1: the lower of the
    /// two; none for a version-less peer).
    Header(StreamInfo, &'static str, Option<(u32, u32)>),
    Stanza(Stanza),
    Element(Element<'static>),
    /// A stanza whose envelope cannot be read, as a tree for the error reply.
    BadStanza(Element<'static>, crate::stanza::EnvelopeError),
    Close,
}

impl Incoming {
    /// What arrived, for the text of an `unsupported-stanza-type` error.
    pub(crate) fn describe(&self) -> String {
        match self {
            Incoming::Element(e) | Incoming::BadStanza(e, _) => {
                format!("<{}/> in {}", e.name(), e.namespace())
            }
            Incoming::Stanza(s) => format!("<{}/>", s.kind().as_str()),
            Incoming::Header(..) => "a stream header".into(),
            Incoming::Close => "the stream end".into(),
        }
    }
}

/// One XMPP connection, sans-io: bytes in ([`handle_input`](Self::handle_input)), events
/// out ([`poll_event`](Self::poll_event)), bytes out ([`poll_transmit`](Self::poll_transmit)),
/// time in ([`handle_timeout`](Self::handle_timeout)).
///
/// Made with [`Connection::client`] for the initiating entity of a client-to-server stream,
/// or [`Connection::server`] for the receiving entity.
pub struct Connection {
    pub(crate) state: State,
    pub(crate) transport: Transport,
    pub(crate) parser: Parser,
    pub(crate) limits: EngineLimits,
    pub(crate) random: Box<dyn Random>,
    pub(crate) client: Option<Box<ClientConfig>>,
    pub(crate) server: Option<Box<ServerConfig>>,
    pub(crate) s2s: Option<Box<S2sSide>>,
    /// The default namespace of the streams (`jabber:client`).
    pub(crate) default_ns: &'static str,
    /// Whether this side's stream header of the current stream is sent.
    pub(crate) header_sent: bool,
    /// Plaintext of the last input.
    plain: Vec<u8>,
    /// Bytes for the network.
    out: Vec<u8>,
    /// Plaintext being serialised before it goes through the transport.
    scratch: Vec<u8>,
    events: VecDeque<Event>,
    /// Stanza buffers given back through [`Connection::recycle`].
    pool: Vec<Vec<u8>>,
    /// End of negotiation (until [`Event::Online`]).
    negotiation_deadline: Option<Instant>,
    /// When the next white-space keepalive is due.
    keepalive_due: Option<Instant>,
    /// Whether the application's answer is awaited; input is held meanwhile.
    pub(crate) paused: bool,
    /// Bytes handed to the parser but held while paused.
    held: usize,
    pub(crate) last_now: Instant,
    /// Whether the peer's current stream header declared prefixes its stanzas may use.
    header_prefixes: bool,
    /// Whether `process` reads past a waiting stanza (closing, end of input).
    eager: bool,
    /// Server: the account SASL authenticated.
    pub(crate) user: Option<xmpp_jid::BareJid>,
    /// Server: SASL failures so far (RFC 3920 §6.2 retries).
    pub(crate) sasl_failures: u32,
    /// Server: the bound session's stamp.
    pub(crate) stamp: Option<Box<Stamp>>,
    /// Plaintext seen in each direction, when tracing.
    trace: Option<VecDeque<Traced>>,
}

/// Plaintext XML of the stream (below TLS), recorded when tracing is on
/// ([`Connection::enable_trace`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Traced {
    /// Bytes received from the peer.
    Received(Vec<u8>),
    /// Bytes sent to the peer.
    Sent(Vec<u8>),
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = match &self.state {
            State::Client(s) => format!("Client({s:?})"),
            State::Server(s) => format!("Server({s:?})"),
            State::S2sOut(s) => format!("S2sOut({s:?})"),
            State::S2sIn(s) => format!("S2sIn({s:?})"),
            State::Closing { reason, .. } => format!("Closing({reason:?})"),
            State::Closed => "Closed".into(),
        };
        f.debug_struct("Connection")
            .field("state", &state)
            .finish_non_exhaustive()
    }
}

impl Connection {
    pub(crate) fn new(
        state: State,
        limits: EngineLimits,
        random: Box<dyn Random>,
        now: Instant,
    ) -> Self {
        Connection {
            state,
            transport: Transport::Plain,
            parser: Parser::stream(limits.xml),
            negotiation_deadline: now.checked_add(limits.negotiation_timeout),
            limits,
            random,
            client: None,
            server: None,
            s2s: None,
            default_ns: CLIENT_NS,
            header_sent: false,
            plain: Vec::new(),
            out: Vec::new(),
            scratch: Vec::new(),
            events: VecDeque::new(),
            pool: Vec::new(),
            keepalive_due: None,
            paused: false,
            held: 0,
            last_now: now,
            header_prefixes: false,
            eager: false,
            user: None,
            sasl_failures: 0,
            stamp: None,
            trace: None,
        }
    }

    /// Takes bytes received from the network (TLS records once TLS is up), split anywhere.
    /// Protocol violations are answered as the RFC says and reported as
    /// [`Event::Closed`]; after that, input is ignored. Once a received stanza waits to be
    /// taken, what follows it is read (and answered) as [`poll_event`](Self::poll_event)
    /// asks for more: poll events, then [`poll_transmit`](Self::poll_transmit).
    pub fn handle_input(&mut self, data: &[u8], now: Instant) {
        self.last_now = now;
        if matches!(self.state, State::Closed) {
            return;
        }
        let mut plain = std::mem::take(&mut self.plain);
        plain.clear();
        let received = self.transport.receive(data, &mut plain);
        self.transport.flush(&mut self.out);
        if let Err(e) = received {
            self.plain = plain;
            self.fail_transport(CloseReason::Tls(e.to_string()));
            return;
        }
        if self.transport.is_tls() && !self.transport.is_handshaking() {
            self.on_tls_ready();
        }
        if !plain.is_empty() && !matches!(self.state, State::Closed) {
            if let Some(trace) = &mut self.trace {
                trace.push_back(Traced::Received(plain.clone()));
            }
            self.parser.feed(&plain);
            if self.paused {
                self.held += plain.len();
            }
        }
        self.plain = plain;
        self.process();
    }

    /// Tells the connection the transport ended (the peer closed TCP). Without a completed
    /// closing handshake this reports [`CloseReason::TransportClosed`].
    pub fn handle_eof(&mut self) {
        // What arrived before the end is read first (stanzas become events).
        self.read_all_input();
        match std::mem::replace(&mut self.state, State::Closed) {
            State::Closed => {}
            State::Closing { reason, .. } => self.events.push_back(Event::Closed(reason)),
            _ => self
                .events
                .push_back(Event::Closed(CloseReason::TransportClosed)),
        }
    }

    /// Records the plaintext XML sent and received (below TLS) for
    /// [`poll_trace`](Self::poll_trace): a debugging aid, off by default.
    pub fn enable_trace(&mut self) {
        self.trace.get_or_insert_with(VecDeque::new);
    }

    /// The next piece of traced plaintext, in the order it was sent or received.
    pub fn poll_trace(&mut self) -> Option<Traced> {
        self.trace.as_mut()?.pop_front()
    }

    /// The next event, if any. Reading the input that follows a taken stanza happens
    /// here, so output may be queued: call [`poll_transmit`](Self::poll_transmit) after
    /// the events.
    pub fn poll_event(&mut self) -> Option<Event> {
        if self.events.is_empty() {
            // Stanzas are read one at a time as they are asked for (see `process`).
            self.process();
        }
        self.events.pop_front()
    }

    /// Bytes to write to the network, if any.
    pub fn poll_transmit(&mut self) -> Option<Vec<u8>> {
        self.transport.flush(&mut self.out);
        if self.out.is_empty() {
            None
        } else {
            Some(std::mem::take(&mut self.out))
        }
    }

    /// The bytes waiting for the network, without taking them; pair with
    /// [`advance_transmit`](Self::advance_transmit) for partial writes.
    pub fn pending_transmit(&mut self) -> &[u8] {
        self.transport.flush(&mut self.out);
        &self.out
    }

    /// Drops the first `n` bytes of [`pending_transmit`](Self::pending_transmit), written.
    pub fn advance_transmit(&mut self, n: usize) {
        self.out.drain(..n.min(self.out.len()));
    }

    /// When [`handle_timeout`](Self::handle_timeout) should be called next.
    pub fn poll_timeout(&self) -> Option<Instant> {
        match &self.state {
            State::Closed => None,
            State::Closing { deadline, .. } => Some(*deadline),
            _ => [self.negotiation_deadline, self.keepalive_due]
                .into_iter()
                .flatten()
                .min(),
        }
    }

    /// Lets time pass: ends a negotiation that took too long (`connection-timeout`), sends
    /// due white-space keepalives, gives up waiting for the peer's `</stream:stream>`.
    pub fn handle_timeout(&mut self, now: Instant) {
        self.last_now = now;
        match &self.state {
            State::Closed => {}
            State::Closing { deadline, .. } => {
                if now >= *deadline {
                    if let State::Closing { reason, .. } =
                        std::mem::replace(&mut self.state, State::Closed)
                    {
                        self.transport.close(&mut self.out);
                        self.events.push_back(Event::Closed(reason));
                    }
                }
            }
            _ => {
                if self.negotiation_deadline.is_some_and(|d| now >= d) {
                    self.negotiation_deadline = None;
                    self.stream_error(
                        StreamError::new(StreamErrorCondition::ConnectionTimeout)
                            .with_text("negotiation took too long"),
                    );
                    return;
                }
                if let Some(due) = self.keepalive_due.filter(|d| now >= *d) {
                    // RFC 3920 §4.6 (white space between stanzas is allowed): one space.
                    self.write_plain(b" ");
                    let interval = self.keepalive_interval().unwrap_or(Duration::from_secs(60));
                    self.keepalive_due = Some(due.max(now) + interval);
                }
            }
        }
    }

    /// Queues a stanza (or any first-level element) for the peer. Only once the stream is
    /// established ([`Event::Online`]).
    pub fn send(&mut self, element: &Element<'_>) -> Result<(), Error> {
        self.check_established()?;
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        let written = element.write_in(&mut scratch, self.default_ns);
        if let Err(e) = written {
            self.scratch = scratch;
            return Err(Error::Write(e));
        }
        self.write_plain(&scratch);
        self.scratch = scratch;
        Ok(())
    }

    /// Queues a received stanza unchanged (routing): its bytes are in the same default
    /// namespace as this connection's streams.
    pub fn send_stanza(&mut self, stanza: &Stanza) -> Result<(), Error> {
        self.check_established()?;
        if stanza.stream_namespace() != self.default_ns {
            return Err(Error::WrongNamespace);
        }
        self.write_plain(stanza.bytes());
        Ok(())
    }

    /// Gives a stanza's buffer back for the next received stanza, so that a steady stream
    /// of stanzas needs no allocation.
    pub fn recycle(&mut self, stanza: Stanza) {
        // Up to eight buffers of usual stanza sizes: enough for the stanzas of one read,
        // at most 32 KiB on an idle connection (`shrink_buffers` gives them back).
        let buffer = stanza.into_buffer();
        if self.pool.len() < 8 && buffer.capacity() <= 4 * 1024 {
            self.pool.push(buffer);
        }
    }

    /// Releases the buffers a burst of traffic grew (the plaintext of the last input, the
    /// serialisation buffer, the event queue, recycled stanza buffers, sent bytes already
    /// taken), for a connection about to sit idle; events not yet taken and bytes not yet
    /// sent are kept. The next traffic grows them again.
    pub fn shrink_buffers(&mut self) {
        self.plain = Vec::new();
        self.scratch = Vec::new();
        self.pool = Vec::new();
        self.out.shrink_to_fit();
        self.events.shrink_to_fit();
    }

    /// Closes the stream (RFC 3920 §4.6): sends `</stream:stream>` and waits for the peer's.
    pub fn close(&mut self) {
        if matches!(self.state, State::Closing { .. } | State::Closed) {
            return;
        }
        // Stanzas already received are delivered, not dropped by the close.
        self.read_all_input();
        if matches!(self.state, State::Closing { .. } | State::Closed) {
            return;
        }
        self.begin_close(CloseReason::Normal);
    }

    /// Ends the stream with a stream error of this side's choosing (RFC 3920 §4.7), such as
    /// `conflict` when a new session replaces this one or `system-shutdown`.
    pub fn close_with_error(&mut self, error: StreamError) {
        if matches!(self.state, State::Closing { .. } | State::Closed) {
            return;
        }
        self.read_all_input();
        if matches!(self.state, State::Closing { .. } | State::Closed) {
            return;
        }
        self.stream_error(error);
    }

    /// Whether the connection has ended.
    pub fn is_closed(&self) -> bool {
        matches!(self.state, State::Closed)
    }

    /// Whether stanzas can be sent (never on an incoming server-to-server stream, which
    /// carries stanzas one way, RFC 3920 §8).
    pub fn is_established(&self) -> bool {
        match &self.state {
            State::Client(s) => s.is_established(),
            State::Server(s) => s.is_established(),
            State::S2sOut(s) => s.is_established(),
            _ => false,
        }
    }

    /// Whether received stanzas are read as stanzas (envelope only) rather than trees.
    fn receives_stanzas(&self) -> bool {
        self.is_established() || matches!(self.state, State::S2sIn(S2sInState::Open(_)))
    }

    /// `Error::Closed` once the stream is closing or closed.
    pub(crate) fn ended(&self) -> Option<Error> {
        matches!(self.state, State::Closing { .. } | State::Closed).then_some(Error::Closed)
    }

    /// Whether TLS protects the connection (handshake completed).
    pub fn is_encrypted(&self) -> bool {
        self.transport.is_tls() && !self.transport.is_handshaking()
    }

    /// The negotiated TLS version, once TLS is up.
    pub fn tls_version(&self) -> Option<rustls::ProtocolVersion> {
        self.transport.protocol_version()
    }

    /// The peer's certificate chain (DER, end-entity first), if it presented one.
    pub fn peer_certificates(&self) -> Option<Vec<Vec<u8>>> {
        self.transport.peer_certificates()
    }

    fn check_established(&self) -> Result<(), Error> {
        match &self.state {
            State::Closing { .. } | State::Closed => Err(Error::Closed),
            // RFC 3920 §8: a server-to-server stream carries stanzas one way; answers go
            // on the stream the other server opens.
            State::S2sIn(_) => Err(Error::NotEstablished),
            _ if self.is_established() => Ok(()),
            _ => Err(Error::NotEstablished),
        }
    }

    fn keepalive_interval(&self) -> Option<Duration> {
        self.client.as_ref().and_then(|c| c.keepalive)
    }

    /// Called when the stream is established: negotiation timer off, keepalives on.
    pub(crate) fn established(&mut self) {
        self.negotiation_deadline = None;
        self.keepalive_due = self.keepalive_interval().map(|d| self.last_now + d);
        self.events.push_back(Event::Online);
    }

    pub(crate) fn emit(&mut self, event: Event) {
        self.events.push_back(event);
    }

    /// Writes plaintext through the transport.
    pub(crate) fn write_plain(&mut self, bytes: &[u8]) {
        if let Some(trace) = &mut self.trace {
            match trace.back_mut() {
                Some(Traced::Sent(last)) => last.extend_from_slice(bytes),
                _ => trace.push_back(Traced::Sent(bytes.to_vec())),
            }
        }
        self.transport.send(bytes, &mut self.out);
    }

    /// Serialises a first-level element of the current stream.
    pub(crate) fn write_element(&mut self, element: &Element<'_>) {
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        // Elements the engine builds are well-formed by construction; a failure here is a
        // bug, and the stream is ended rather than sent half an element.
        match element.write_in(&mut scratch, self.default_ns) {
            Ok(()) => self.write_plain(&scratch),
            Err(e) => {
                debug_assert!(false, "engine element not writable: {e}");
                self.scratch = scratch;
                self.stream_error(StreamError::new(StreamErrorCondition::InternalServerError));
                return;
            }
        }
        self.scratch = scratch;
    }

    /// Writes this side's stream header (RFC 3920 §4.4) with the given attributes.
    pub(crate) fn write_header(&mut self, attributes: &[(&str, &str)]) {
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        if !self.header_sent && !self.transport.is_tls() && self.stage_is_initial() {
            xmpp_xml::write_xml_declaration(&mut scratch);
        }
        let start = scratch.len();
        let mut written = xmpp_xml::write_stream_open(&mut scratch, self.default_ns, attributes);
        if written.is_err() {
            // A configured language that is not a language tag: the header goes without it.
            scratch.truncate(start);
            let without: Vec<(&str, &str)> = attributes
                .iter()
                .copied()
                .filter(|(name, _)| *name != "xml:lang")
                .collect();
            written = xmpp_xml::write_stream_open(&mut scratch, self.default_ns, &without);
        }
        match written {
            Ok(()) => {
                self.write_plain(&scratch);
                self.header_sent = true;
            }
            Err(e) => {
                self.scratch = scratch;
                return self.fail_transport(CloseReason::Unsupported(format!(
                    "the stream header cannot be written: {e}"
                )));
            }
        }
        self.scratch = scratch;
    }

    fn stage_is_initial(&self) -> bool {
        match &self.state {
            State::Client(s) => s.stage() == Some(Stage::Initial),
            State::Server(s) => s.stage() == Some(Stage::Initial),
            State::S2sOut(S2sOutState::AwaitHeader(stage))
            | State::S2sIn(S2sInState::AwaitHeader(stage)) => *stage == Stage::Initial,
            _ => false,
        }
    }

    /// A fresh stream on the same byte path (after SASL success): the parser expects a new
    /// header; bytes already received stay queued.
    pub(crate) fn restart_stream(&mut self) {
        self.parser.expect_new_stream();
        self.header_sent = false;
    }

    /// Switches the byte path to TLS (after `<proceed/>`, RFC 3920 §5.2 step 5). Anything
    /// the peer sent after the STARTTLS exchange in plaintext is refused: it would otherwise
    /// be read as if TLS protected it.
    pub(crate) fn start_tls(&mut self, transport: Result<Transport, rustls::Error>) -> bool {
        if self.parser.buffered() > 0 {
            self.stream_error(
                StreamError::new(StreamErrorCondition::PolicyViolation)
                    .with_text("data after the STARTTLS exchange before the TLS handshake"),
            );
            return false;
        }
        match transport {
            Ok(t) => {
                self.transport = t;
                self.parser = Parser::stream(self.limits.xml);
                self.header_sent = false;
                self.transport.flush(&mut self.out);
                true
            }
            Err(e) => {
                self.fail_transport(CloseReason::Tls(e.to_string()));
                false
            }
        }
    }

    /// The receiving entity's answer to `<starttls/>` (RFC 3920 §5.2): `<proceed/>` and the
    /// switch to TLS in `handshake` state, or `<failure/>` and the end of the stream when
    /// there is no identity. Bytes already received after `<starttls/>` are refused
    /// before `<proceed/>` goes out: the initiator waits for it, and they would otherwise
    /// be read as if TLS protected them. `waiting` is the state to stay in otherwise.
    pub(crate) fn answer_starttls(
        &mut self,
        identity: Option<crate::config::ServerTls>,
        handshake: State,
        waiting: State,
    ) {
        match identity {
            Some(_) if self.parser.buffered() > 0 => {
                self.state = waiting;
                self.stream_error(
                    StreamError::new(StreamErrorCondition::PolicyViolation)
                        .with_text("data after <starttls/> before the TLS handshake"),
                );
            }
            Some(identity) => {
                self.state = handshake;
                self.write_element(&Element::new(crate::ns::TLS_NS, "proceed"));
                self.start_tls(Transport::server(identity.config, identity.certificate));
            }
            None => {
                self.state = waiting;
                self.write_element(&Element::new(crate::ns::TLS_NS, "failure"));
                self.begin_close(CloseReason::TlsRefused);
            }
        }
    }

    /// Ends the connection at once after a transport failure: nothing more can be said on
    /// the stream (TLS alerts rustls queued still go out).
    pub(crate) fn fail_transport(&mut self, reason: CloseReason) {
        self.transport.flush(&mut self.out);
        self.state = State::Closed;
        self.events.push_back(Event::Closed(reason));
    }

    fn on_tls_ready(&mut self) {
        let handshake_done = match &self.state {
            State::Client(s) => s.awaits_tls(),
            State::Server(s) => s.awaits_tls(),
            State::S2sOut(s) => matches!(s, S2sOutState::TlsHandshake),
            State::S2sIn(s) => matches!(s, S2sInState::TlsHandshake),
            _ => false,
        };
        if handshake_done {
            self.emit(Event::TlsEstablished);
            match &self.state {
                State::Client(_) => self.client_tls_ready(),
                State::Server(_) => self.server_tls_ready(),
                State::S2sOut(_) => self.s2s_out_tls_ready(),
                State::S2sIn(_) => self.s2s_in_tls_ready(),
                _ => {}
            }
        }
    }

    /// Sends a stream error and closes (RFC 3920 §4.7.1): a header first if none was sent
    /// on this stream, then the error, then `</stream:stream>`.
    pub(crate) fn stream_error(&mut self, error: StreamError) {
        if matches!(self.state, State::Closing { .. } | State::Closed) {
            return;
        }
        if !self.header_sent {
            self.write_error_header();
        }
        let element = error.to_element();
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        if element.write_in(&mut scratch, self.default_ns).is_ok() {
            self.write_plain(&scratch);
        }
        self.scratch = scratch;
        self.begin_close(CloseReason::LocalError(error));
    }

    fn write_error_header(&mut self) {
        match &self.state {
            State::Server(_) => {
                let domain = self
                    .server
                    .as_ref()
                    .map(|s| s.domain.clone())
                    .unwrap_or_default();
                let id = crate::random::hex_token(self.random.as_mut(), 16);
                self.write_header(&[("from", &domain), ("id", &id), ("version", "1.0")]);
            }
            State::S2sIn(_) | State::S2sOut(_) => {
                let domain = self
                    .s2s
                    .as_ref()
                    .map(|s| s.domain().to_owned())
                    .unwrap_or_default();
                let id = crate::random::hex_token(self.random.as_mut(), 16);
                self.write_header(&[
                    ("xmlns:db", xmpp_xml::DIALBACK_NS),
                    ("from", &domain),
                    ("id", &id),
                    ("version", "1.0"),
                ]);
            }
            _ => {
                let domain = self
                    .client
                    .as_ref()
                    .map(|c| c.jid.domain().to_owned())
                    .unwrap_or_default();
                self.write_header(&[("to", &domain), ("version", "1.0")]);
            }
        }
    }

    /// Sends `</stream:stream>` and waits for the peer's.
    pub(crate) fn begin_close(&mut self, reason: CloseReason) {
        if self.header_sent {
            let mut scratch = std::mem::take(&mut self.scratch);
            scratch.clear();
            xmpp_xml::write_stream_close(&mut scratch);
            self.write_plain(&scratch);
            self.scratch = scratch;
        }
        self.paused = false;
        if self.parser.is_closed() {
            // The peer closed first: the handshake is complete.
            self.finish(reason);
        } else {
            self.state = State::Closing {
                reason,
                deadline: self
                    .last_now
                    .checked_add(self.limits.close_timeout)
                    .unwrap_or(self.last_now),
            };
        }
    }

    /// The stream is over in both directions.
    fn finish(&mut self, reason: CloseReason) {
        self.transport.close(&mut self.out);
        self.state = State::Closed;
        self.events.push_back(Event::Closed(reason));
    }

    /// Takes parser events until the input runs out, the connection closes, or the
    /// application has to answer something.
    pub(crate) fn process(&mut self) {
        loop {
            if self.paused {
                if self.held > self.limits.max_unanswered_input {
                    self.paused = false;
                    self.stream_error(
                        StreamError::new(StreamErrorCondition::PolicyViolation)
                            .with_text("too much input while a request was pending"),
                    );
                }
                return;
            }
            self.held = 0;
            if matches!(self.state, State::Closed) {
                return;
            }
            let incoming = match self.next_incoming() {
                Ok(Some(i)) => i,
                Ok(None) => return,
                Err(error) => {
                    self.stream_error(error);
                    return;
                }
            };
            let stanza = matches!(incoming, Incoming::Stanza(_));
            self.dispatch(incoming);
            // Once a stanza waits to be taken, the next ones stay in the parser until
            // `poll_event` asks (as long as little is buffered): the application recycles
            // each stanza's buffer before the next is read, so a steady flow allocates
            // nothing, whatever the size of the reads.
            if stanza
                && !self.eager
                && matches!(self.events.back(), Some(Event::Stanza(_)))
                && self.parser.buffered() <= LAZY_INPUT
            {
                return;
            }
        }
    }

    fn next_incoming(&mut self) -> Result<Option<Incoming>, StreamError> {
        let established = self.receives_stanzas();
        let default_ns = self.default_ns;
        let event = match self.parser.next_event() {
            Ok(Some(e)) => e,
            Ok(None) => return Ok(None),
            Err(e) => {
                return Err(StreamError::new(e.condition()).with_text(e.to_string()));
            }
        };
        Ok(Some(match event {
            xmpp_xml::Event::StreamOpen(h) => {
                let info = StreamInfo {
                    to: h.attr("to").map(str::to_owned),
                    from: h.attr("from").map(str::to_owned),
                    id: h.attr("id").map(str::to_owned),
                    version: h.version(),
                    lang: h.attr_ns(crate::ns::XML_NS, "lang").map(str::to_owned),
                };
                self.header_prefixes = h
                    .namespaces()
                    .iter()
                    .any(|(prefix, _)| !prefix.is_empty() && prefix != "stream");
                let ns = if h.default_namespace() == default_ns {
                    default_ns
                } else {
                    ""
                };
                Incoming::Header(info, ns, h.response_version(SUPPORTED_VERSION))
            }
            xmpp_xml::Event::StreamClose => Incoming::Close,
            xmpp_xml::Event::Stanza(s) => {
                if established {
                    // A recycled buffer is taken only for a stanza: one taken for an
                    // input that ends mid-stanza would be lost.
                    let buffer = self.pool.pop().unwrap_or_default();
                    match Stanza::read(&s, default_ns, buffer) {
                        Some(Ok(mut stanza)) => {
                            if self.header_prefixes {
                                // The bytes may use the header's prefixes: rewrite them so
                                // they stand alone (and can be routed to another stream).
                                let tree = s.to_element().map_err(|e| {
                                    StreamError::new(e.condition()).with_text(e.to_string())
                                })?;
                                stanza.make_standalone(&tree).map_err(|e| {
                                    StreamError::new(StreamErrorCondition::InvalidXml)
                                        .with_text(e.to_string())
                                })?;
                            }
                            return Ok(Some(Incoming::Stanza(stanza)));
                        }
                        Some(Err(e)) => {
                            // The server answers bad envelopes; rebuild the tree for that.
                            let tree = s
                                .to_element()
                                .map_err(|e| {
                                    StreamError::new(e.condition()).with_text(e.to_string())
                                })?
                                .into_owned();
                            return Ok(Some(Incoming::BadStanza(tree, e)));
                        }
                        None => {}
                    }
                }
                let tree = s
                    .to_element()
                    .map_err(|e| StreamError::new(e.condition()).with_text(e.to_string()))?;
                Incoming::Element(tree.into_owned())
            }
        }))
    }

    fn dispatch(&mut self, incoming: Incoming) {
        // Common to every state: the peer's stream error and the peer's close.
        match &incoming {
            Incoming::Element(e) if e.is(xmpp_xml::STREAMS_NS, "error") => {
                let error = StreamError::from_element(e.as_ref());
                self.begin_close_after_peer(CloseReason::PeerError(error));
                return;
            }
            Incoming::Close => {
                match std::mem::replace(&mut self.state, State::Closed) {
                    State::Closing { reason, .. } => self.finish(reason),
                    other => {
                        self.state = other;
                        // RFC 3920 §4.6: answer the peer's close with ours.
                        self.begin_close(CloseReason::Normal);
                    }
                }
                return;
            }
            _ => {}
        }
        match &self.state {
            State::Client(_) => self.client_input(incoming),
            State::Server(_) => self.server_input(incoming),
            State::S2sOut(_) => self.s2s_out_input(incoming),
            State::S2sIn(_) => self.s2s_in_input(incoming),
            // Closing: the peer's last stanzas are dropped; only its close matters.
            State::Closing { .. } | State::Closed => {}
        }
    }

    /// After the peer's stream error: the peer closes its stream; close ours.
    fn begin_close_after_peer(&mut self, reason: CloseReason) {
        if let State::Closing { .. } = self.state {
            // Both sides erred; keep waiting for the close with the first reason.
            return;
        }
        self.begin_close(reason);
    }

    /// Reads every complete element already received, however many stanzas wait.
    fn read_all_input(&mut self) {
        self.eager = true;
        self.process();
        self.eager = false;
    }

    /// Resumes processing held input after the application answered.
    pub(crate) fn resume(&mut self) {
        self.paused = false;
        self.process();
    }
}
