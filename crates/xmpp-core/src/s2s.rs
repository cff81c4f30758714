//! Server-to-server streams with server dialback (RFC 3920 §8, keys by XEP-0185): the
//! originating side of an outgoing stream (and the receiving server's verification stream
//! to an authoritative server), and the receiving side of an incoming stream, which also
//! answers verification requests as the authoritative server.
//!
//! Dialback roles, for a stanza from `a.example` to `b.example`:
//! - `a.example` opens an outgoing stream ([`Connection::s2s_outgoing`]) and sends
//!   `<db:result/>` with a key derived from its secret and the stream id;
//! - `b.example` (the incoming stream, [`Connection::s2s_incoming`]) reports
//!   [`Event::DialbackRequest`]; the application opens a verification stream to
//!   `a.example`'s authoritative server ([`Connection::s2s_verify`]), which reports
//!   [`Event::DialbackVerified`], and answers with [`Connection::dialback_result`];
//! - the authoritative server answers `<db:verify/>` on its incoming stream by itself, from
//!   the shared secret.

use std::fmt;
use std::sync::Arc;
use std::time::Instant;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use xmpp_jid::DomainPart;
use xmpp_xml::{DIALBACK_NS, Element, SERVER_NS, StreamErrorCondition};

use crate::config::{EngineLimits, ServerTls, TlsPolicy};
use crate::connection::{Connection, Incoming, Stage, State};
use crate::event::{CloseReason, Error, Event, StreamInfo};
use crate::features::Features;
use crate::ns::TLS_NS;
use crate::random::{OsRandom, Random};
use crate::stanza::{AddressField, EnvelopeError, Stanza};
use crate::stream_error::StreamError;
use crate::tls::Transport;

/// The dialback key of XEP-0185 §3: `HEX(HMAC-SHA256(HEX(SHA256(secret)), "receiving
/// originating stream-id"))`.
pub fn dialback_key(secret: &[u8], receiving: &str, originating: &str, stream_id: &str) -> String {
    let hashed = hex(&Sha256::digest(secret));
    let mut mac = match Hmac::<Sha256>::new_from_slice(hashed.as_bytes()) {
        Ok(m) => m,
        // HMAC takes keys of any length.
        Err(_) => return String::new(),
    };
    mac.update(receiving.as_bytes());
    mac.update(b" ");
    mac.update(originating.as_bytes());
    mac.update(b" ");
    mac.update(stream_id.as_bytes());
    hex(&mac.finalize().into_bytes())
}

fn hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    bytes
        .iter()
        .flat_map(|b| [HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]])
        .map(char::from)
        .collect()
}

/// Constant-time comparison of two keys.
fn same_key(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Dialback requests that may wait for the application at once on one stream.
const MAX_PENDING_DIALBACK: usize = 16;

/// What a server needs for its server-to-server streams.
pub struct S2sConfig {
    /// The domain this server speaks for.
    pub domain: String,
    /// The dialback secret (XEP-0185 §3): keys are derived from it; keep it stable while
    /// streams are being verified.
    pub dialback_secret: Vec<u8>,
    /// STARTTLS policy (incoming: offer; outgoing: use when offered).
    pub tls: TlsPolicy,
    /// Certificate and key for incoming streams.
    pub tls_identity: Option<ServerTls>,
    /// Verification of the peer's certificate on outgoing streams. Dialback authenticates
    /// the peer's domain through DNS, so deployments often accept any certificate here
    /// ([`crate::tls_config::insecure_client_config`]); `None` uses the webpki roots.
    pub tls_client_config: Option<Arc<rustls::ClientConfig>>,
    /// Outgoing: authenticate with SASL EXTERNAL when the peer offers it after TLS (the
    /// client configuration must then present a certificate naming `domain`, see
    /// [`crate::tls_config::client_config_with_certificate`]); dialback otherwise.
    pub sasl_external: bool,
    /// Limits.
    pub limits: EngineLimits,
    /// Randomness for stream ids.
    pub random: Box<dyn Random>,
}

impl S2sConfig {
    /// Streams for `domain` with `dialback_secret`; TLS optional, off without an identity.
    pub fn new(domain: impl Into<String>, dialback_secret: Vec<u8>) -> Self {
        S2sConfig {
            domain: domain.into(),
            dialback_secret,
            tls: TlsPolicy::Optional,
            tls_identity: None,
            tls_client_config: None,
            sasl_external: false,
            limits: EngineLimits::default(),
            random: Box::new(OsRandom),
        }
    }
}

impl fmt::Debug for S2sConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S2sConfig")
            .field("domain", &self.domain)
            .field("dialback_secret", &"<redacted>")
            .field("tls", &self.tls)
            .finish_non_exhaustive()
    }
}

/// A verification request sent on a verification stream (XEP-0220 §2.3).
#[derive(Debug, Clone, PartialEq, Eq)]
struct VerifyRequest {
    originating: String,
    stream_id: String,
    key: String,
}

/// Where an outgoing stream is.
pub(crate) enum S2sOutState {
    AwaitHeader(Stage),
    AwaitFeatures(Stage),
    AwaitProceed,
    TlsHandshake,
    /// `<db:result/>` sent; its answer is awaited.
    AwaitResult,
    /// `<db:verify/>` sent on a verification stream; its answer is awaited.
    AwaitVerify,
    /// `<auth mechanism='EXTERNAL'/>` sent (RFC 3920 §6.1, XEP-0178).
    AwaitSasl,
    /// Stanzas may be sent.
    Established,
}

/// Where an incoming stream is.
pub(crate) enum S2sInState {
    AwaitHeader(Stage),
    /// Header and features sent: STARTTLS, dialback requests and, from verified domains,
    /// stanzas.
    Open(Stage),
    TlsHandshake,
}

impl S2sOutState {
    pub(crate) fn is_established(&self) -> bool {
        matches!(self, Self::Established)
    }
}

impl fmt::Debug for S2sOutState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::AwaitHeader(s) => write!(f, "AwaitHeader({s:?})"),
            Self::AwaitFeatures(s) => write!(f, "AwaitFeatures({s:?})"),
            Self::AwaitProceed => f.write_str("AwaitProceed"),
            Self::TlsHandshake => f.write_str("TlsHandshake"),
            Self::AwaitResult => f.write_str("AwaitResult"),
            Self::AwaitVerify => f.write_str("AwaitVerify"),
            Self::AwaitSasl => f.write_str("AwaitSasl"),
            Self::Established => f.write_str("Established"),
        }
    }
}

impl fmt::Debug for S2sInState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::AwaitHeader(s) => write!(f, "AwaitHeader({s:?})"),
            Self::Open(s) => write!(f, "Open({s:?})"),
            Self::TlsHandshake => f.write_str("TlsHandshake"),
        }
    }
}

/// The s2s part of a connection: who we are, who the peer is, what is verified.
pub(crate) struct S2sSide {
    config: Box<S2sConfig>,
    /// Outgoing: the receiving server's domain.
    remote: String,
    /// Outgoing verification streams: the request to send.
    verify: Option<VerifyRequest>,
    /// The id of the current stream (ours on incoming streams, the peer's on outgoing).
    stream_id: String,
    /// Incoming: the domains whose dialback succeeded, as (originating, receiving).
    verified: Vec<(String, String)>,
    /// Incoming: dialback requests the application has not answered yet.
    pending: Vec<(String, String)>,
    /// Incoming: the `from` of the peer's header, when it gave one.
    peer: Option<String>,
}

impl S2sSide {
    pub(crate) fn domain(&self) -> &str {
        &self.config.domain
    }
}

impl Connection {
    fn s2s_new(
        config: S2sConfig,
        remote: String,
        verify: Option<VerifyRequest>,
        state: State,
        now: Instant,
    ) -> Connection {
        let mut config = Box::new(config);
        let random = std::mem::replace(&mut config.random, Box::new(OsRandom));
        let mut conn = Connection::new(state, config.limits.clone(), random, now);
        conn.default_ns = SERVER_NS;
        conn.s2s = Some(Box::new(S2sSide {
            config,
            remote,
            verify,
            stream_id: String::new(),
            verified: Vec::new(),
            pending: Vec::new(),
            peer: None,
        }));
        conn
    }

    /// An outgoing server-to-server stream to `remote` (RFC 3920 §8: the originating
    /// server). Once dialback succeeds ([`Event::Online`]) stanzas from `config.domain` to
    /// `remote` may be sent; they must be in the `jabber:server` namespace with `to` and
    /// `from`.
    pub fn s2s_outgoing(config: S2sConfig, remote: &str, now: Instant) -> Connection {
        let mut conn = Connection::s2s_new(
            config,
            remote.to_owned(),
            None,
            State::S2sOut(S2sOutState::AwaitHeader(Stage::Initial)),
            now,
        );
        conn.send_s2s_header();
        conn
    }

    /// A verification stream from this (receiving) server to the authoritative server of
    /// `originating` (RFC 3920 §8.3 step 5): it sends `<db:verify/>` for the key the
    /// originating server presented on the stream with `stream_id`, reports
    /// [`Event::DialbackVerified`] and closes.
    pub fn s2s_verify(
        config: S2sConfig,
        originating: &str,
        stream_id: &str,
        key: &str,
        now: Instant,
    ) -> Connection {
        let request = VerifyRequest {
            originating: originating.to_owned(),
            stream_id: stream_id.to_owned(),
            key: key.to_owned(),
        };
        let mut conn = Connection::s2s_new(
            config,
            originating.to_owned(),
            Some(request),
            State::S2sOut(S2sOutState::AwaitHeader(Stage::Initial)),
            now,
        );
        conn.send_s2s_header();
        conn
    }

    /// An incoming server-to-server stream (the receiving server, and the authoritative
    /// server for verification requests). It waits for the peer's header.
    pub fn s2s_incoming(config: S2sConfig, now: Instant) -> Connection {
        Connection::s2s_new(
            config,
            String::new(),
            None,
            State::S2sIn(S2sInState::AwaitHeader(Stage::Initial)),
            now,
        )
    }

    /// Answers an [`Event::DialbackRequest`] after verifying the key with the authoritative
    /// server: `<db:result type='valid'/>` lets the originating domain send stanzas on this
    /// stream; `invalid` refuses it (XEP-0220 §2.4).
    pub fn dialback_result(
        &mut self,
        originating: &str,
        receiving: &str,
        valid: bool,
    ) -> Result<(), Error> {
        if let Some(e) = self.ended() {
            return Err(e);
        }
        let Some(side) = self.s2s.as_mut() else {
            return Err(Error::NotAsked);
        };
        let Some(at) = side
            .pending
            .iter()
            .position(|(o, r)| o == originating && r == receiving)
        else {
            return Err(Error::NotAsked);
        };
        side.pending.remove(at);
        if valid {
            side.verified
                .push((originating.to_owned(), receiving.to_owned()));
        }
        let answer = Element::new(DIALBACK_NS, "result")
            .with_attr("from", receiving.to_owned())
            .with_attr("to", originating.to_owned())
            .with_attr("type", if valid { "valid" } else { "invalid" });
        self.write_element(&answer);
        if !valid {
            // RFC 3920 §8.3 step 10: an invalid key ends the stream.
            self.stream_error(
                StreamError::new(StreamErrorCondition::NotAuthorized)
                    .with_text("dialback key not verified"),
            );
        }
        Ok(())
    }

    fn send_s2s_header(&mut self) {
        let Some(side) = self.s2s.as_deref() else {
            return;
        };
        let (from, to) = (side.config.domain.clone(), side.remote.clone());
        self.write_header(&[
            ("xmlns:db", DIALBACK_NS),
            ("from", &from),
            ("to", &to),
            ("version", "1.0"),
        ]);
    }

    fn set_out(&mut self, s: S2sOutState) {
        self.state = State::S2sOut(s);
    }

    fn set_in(&mut self, s: S2sInState) {
        self.state = State::S2sIn(s);
    }

    pub(crate) fn s2s_out_tls_ready(&mut self) {
        self.set_out(S2sOutState::AwaitHeader(Stage::AfterTls));
        self.send_s2s_header();
    }

    pub(crate) fn s2s_in_tls_ready(&mut self) {
        self.set_in(S2sInState::AwaitHeader(Stage::AfterTls));
    }

    /// Sends `<db:result/>` (or `<db:verify/>` on a verification stream) once the stream
    /// is ready for it.
    fn s2s_start_dialback(&mut self) {
        let Some(side) = self.s2s.as_deref() else {
            return;
        };
        let (domain, remote, id) = (
            side.config.domain.clone(),
            side.remote.clone(),
            side.stream_id.clone(),
        );
        if let Some(v) = side.verify.clone() {
            let verify = Element::new(DIALBACK_NS, "verify")
                .with_attr("from", domain)
                .with_attr("to", v.originating)
                .with_attr("id", v.stream_id)
                .with_text(v.key);
            self.set_out(S2sOutState::AwaitVerify);
            self.write_element(&verify);
        } else {
            let key = dialback_key(&side.config.dialback_secret, &remote, &domain, &id);
            let result = Element::new(DIALBACK_NS, "result")
                .with_attr("from", domain)
                .with_attr("to", remote)
                .with_text(key);
            self.set_out(S2sOutState::AwaitResult);
            self.write_element(&result);
        }
    }

    pub(crate) fn s2s_out_input(&mut self, incoming: Incoming) {
        let State::S2sOut(state) = std::mem::replace(&mut self.state, State::Closed) else {
            return;
        };
        match (state, incoming) {
            (S2sOutState::AwaitHeader(stage), Incoming::Header(info, ns, _)) => {
                self.emit(Event::StreamOpened(info.clone()));
                if ns.is_empty() {
                    self.set_out(S2sOutState::AwaitHeader(stage));
                    return self
                        .stream_error(StreamError::new(StreamErrorCondition::InvalidNamespace));
                }
                if let Some(side) = self.s2s.as_mut() {
                    side.stream_id = info.id.clone().unwrap_or_default();
                }
                if info.version.is_none_or(|(major, _)| major < 1) {
                    // A dialback-only peer (RFC 3920 §8 predates features): dialback at once,
                    // unless TLS is required, which such a peer cannot offer.
                    let required = self
                        .s2s
                        .as_deref()
                        .is_some_and(|s| s.config.tls == TlsPolicy::Required);
                    if required && !self.transport.is_tls() {
                        self.set_out(S2sOutState::AwaitHeader(stage));
                        return self.begin_close(CloseReason::Unsupported(
                            "the peer speaks no XMPP 1.0 and cannot offer the required TLS".into(),
                        ));
                    }
                    self.s2s_start_dialback();
                } else {
                    self.set_out(S2sOutState::AwaitFeatures(stage));
                }
            }
            (S2sOutState::AwaitFeatures(stage), Incoming::Element(e))
                if e.is(xmpp_xml::STREAMS_NS, "features") =>
            {
                let features = Features::from_element(e.as_ref());
                self.emit(Event::Features(features.clone()));
                let policy = self
                    .s2s
                    .as_deref()
                    .map_or(TlsPolicy::Disabled, |s| s.config.tls);
                let tls = self.transport.is_tls();
                match (stage, features.starttls, policy) {
                    (Stage::Initial, Some(_), TlsPolicy::Optional | TlsPolicy::Required)
                        if !tls =>
                    {
                        self.set_out(S2sOutState::AwaitProceed);
                        self.write_element(&Element::new(TLS_NS, "starttls"));
                    }
                    (Stage::Initial, None, TlsPolicy::Required) if !tls => {
                        self.set_out(S2sOutState::AwaitFeatures(stage));
                        self.begin_close(CloseReason::Unsupported(
                            "the peer does not offer STARTTLS".into(),
                        ));
                    }
                    (Stage::AfterSasl, _, _) => {
                        // SASL EXTERNAL authenticated us: no dialback (RFC 3920 §8.1).
                        self.set_out(S2sOutState::Established);
                        self.established();
                    }
                    _ if self
                        .s2s
                        .as_deref()
                        .is_some_and(|s| s.config.sasl_external && s.verify.is_none())
                        && features.mechanisms.iter().any(|m| m == "EXTERNAL") =>
                    {
                        let domain = self
                            .s2s
                            .as_deref()
                            .map(|s| s.config.domain.clone())
                            .unwrap_or_default();
                        let auth = Element::new(crate::ns::SASL_NS, "auth")
                            .with_attr("mechanism", "EXTERNAL")
                            .with_text(xmpp_sasl::encode_payload(domain.as_bytes()));
                        self.set_out(S2sOutState::AwaitSasl);
                        self.write_element(&auth);
                    }
                    _ => self.s2s_start_dialback(),
                }
            }
            (S2sOutState::AwaitSasl, Incoming::Element(e))
                if e.is(crate::ns::SASL_NS, "success") =>
            {
                // RFC 3920 §6.2 step 7: a new stream after success.
                self.restart_stream();
                self.set_out(S2sOutState::AwaitHeader(Stage::AfterSasl));
                self.send_s2s_header();
            }
            (S2sOutState::AwaitSasl, Incoming::Element(e))
                if e.is(crate::ns::SASL_NS, "failure") =>
            {
                // The certificate was not accepted: fall back to dialback.
                self.s2s_start_dialback();
            }
            (S2sOutState::AwaitProceed, Incoming::Element(e)) if e.is(TLS_NS, "proceed") => {
                let (name, config) = match self.s2s.as_deref() {
                    Some(s) => (
                        s.remote.clone(),
                        s.config
                            .tls_client_config
                            .clone()
                            .unwrap_or_else(crate::tls_config::webpki_client_config),
                    ),
                    None => return,
                };
                self.set_out(S2sOutState::TlsHandshake);
                let transport = rustls::pki_types::ServerName::try_from(name)
                    .map_err(|e| rustls::Error::General(format!("invalid server name: {e}")))
                    .and_then(|name| Transport::client(config, name));
                self.start_tls(transport);
            }
            (S2sOutState::AwaitProceed, Incoming::Element(e)) if e.is(TLS_NS, "failure") => {
                self.set_out(S2sOutState::AwaitProceed);
                self.begin_close(CloseReason::TlsRefused);
            }
            (S2sOutState::AwaitResult, Incoming::Element(e)) if e.is(DIALBACK_NS, "result") => {
                let (domain, remote) = match self.s2s.as_deref() {
                    Some(s) => (s.config.domain.clone(), s.remote.clone()),
                    None => return,
                };
                // XEP-0220 §2.4: the answer must match the request sent on this stream.
                if e.attr("from") != Some(remote.as_str()) || e.attr("to") != Some(domain.as_str())
                {
                    self.set_out(S2sOutState::AwaitResult);
                    return self.stream_error(
                        StreamError::new(StreamErrorCondition::InvalidFrom)
                            .with_text("dialback answer for another pair of domains"),
                    );
                }
                match e.attr("type") {
                    Some("valid") => {
                        self.set_out(S2sOutState::Established);
                        self.established();
                    }
                    other => {
                        let text = format!("dialback refused ({})", other.unwrap_or("no type"));
                        self.set_out(S2sOutState::AwaitResult);
                        self.begin_close(CloseReason::Dialback(text));
                    }
                }
            }
            (S2sOutState::AwaitVerify, Incoming::Element(e)) if e.is(DIALBACK_NS, "verify") => {
                let Some(v) = self.s2s.as_deref().and_then(|s| s.verify.clone()) else {
                    return;
                };
                let domain = self
                    .s2s
                    .as_deref()
                    .map(|s| s.config.domain.clone())
                    .unwrap_or_default();
                self.set_out(S2sOutState::AwaitVerify);
                // RFC 3920 §8.3 step 8: the answer names the originating domain, us and the
                // stream id asked about; anything else is a stream error.
                let mismatch = if e.attr("to").is_none_or(|to| !same_domain(to, &domain)) {
                    Some(StreamErrorCondition::HostUnknown)
                } else if e
                    .attr("from")
                    .is_none_or(|f| !same_domain(f, &v.originating))
                {
                    Some(StreamErrorCondition::InvalidFrom)
                } else if e.attr("id") != Some(v.stream_id.as_str()) {
                    Some(StreamErrorCondition::InvalidId)
                } else {
                    None
                };
                if let Some(condition) = mismatch {
                    return self.stream_error(
                        StreamError::new(condition)
                            .with_text("db:verify answer does not match the request"),
                    );
                }
                self.emit(Event::DialbackVerified {
                    originating: v.originating,
                    receiving: domain,
                    stream_id: v.stream_id,
                    valid: e.attr("type") == Some("valid"),
                });
                self.begin_close(CloseReason::Normal);
            }
            (S2sOutState::Established, Incoming::Stanza(stanza)) => {
                // Stanzas on our outgoing stream: the peer must not send any (RFC 3920 §8
                // uses one stream per direction); refuse them.
                let _ = stanza;
                self.set_out(S2sOutState::Established);
                self.stream_error(
                    StreamError::new(StreamErrorCondition::UnsupportedStanzaType)
                        .with_text("stanzas travel on the stream the peer opens"),
                );
            }
            (state, incoming) => {
                let text = format!("unexpected {} while {state:?}", incoming.describe());
                self.set_out(state);
                self.stream_error(
                    StreamError::new(StreamErrorCondition::UnsupportedStanzaType).with_text(text),
                );
            }
        }
    }

    pub(crate) fn s2s_in_input(&mut self, incoming: Incoming) {
        let State::S2sIn(state) = std::mem::replace(&mut self.state, State::Closed) else {
            return;
        };
        match (state, incoming) {
            (S2sInState::AwaitHeader(stage), Incoming::Header(info, ns, reply)) => {
                self.set_in(S2sInState::AwaitHeader(stage));
                self.emit(Event::StreamOpened(info.clone()));
                self.s2s_in_header(stage, &info, ns, reply);
            }
            (S2sInState::Open(Stage::Initial), Incoming::Element(e))
                if e.is(TLS_NS, "starttls") =>
            {
                let identity = self
                    .s2s
                    .as_deref()
                    .filter(|s| s.config.tls != TlsPolicy::Disabled)
                    .and_then(|s| s.config.tls_identity.clone());
                self.answer_starttls(
                    identity,
                    State::S2sIn(S2sInState::TlsHandshake),
                    State::S2sIn(S2sInState::Open(Stage::Initial)),
                );
            }
            (S2sInState::Open(Stage::AfterTls), Incoming::Element(e))
                if e.is(crate::ns::SASL_NS, "auth") =>
            {
                self.set_in(S2sInState::Open(Stage::AfterTls));
                self.s2s_in_external(&e);
            }
            (S2sInState::Open(stage), incoming)
                if self.s2s_tls_missing()
                    && !matches!(&incoming, Incoming::Element(e) if e.is(TLS_NS, "starttls")) =>
            {
                // XEP-0220 §2.1.1: with TLS required, nothing but STARTTLS before it.
                self.set_in(S2sInState::Open(stage));
                self.stream_error(
                    StreamError::new(StreamErrorCondition::PolicyViolation)
                        .with_text(format!("TLS is required before {}", incoming.describe())),
                );
            }
            (S2sInState::Open(stage), Incoming::Element(e))
                if (e.is(DIALBACK_NS, "result") || e.is(DIALBACK_NS, "verify"))
                    && e.attr("type").is_some() =>
            {
                // An answer where no request was made (XEP-0220 §6: unsolicited answers).
                self.set_in(S2sInState::Open(stage));
                self.stream_error(
                    StreamError::new(StreamErrorCondition::UnsupportedStanzaType)
                        .with_text("a dialback answer on a stream that asked nothing"),
                );
            }
            (S2sInState::Open(stage), Incoming::Element(e)) if e.is(DIALBACK_NS, "result") => {
                self.set_in(S2sInState::Open(stage));
                self.s2s_in_result(&e);
            }
            (S2sInState::Open(stage), Incoming::Element(e)) if e.is(DIALBACK_NS, "verify") => {
                self.set_in(S2sInState::Open(stage));
                self.s2s_in_verify(&e);
            }
            (S2sInState::Open(stage), Incoming::Stanza(stanza)) => {
                self.set_in(S2sInState::Open(stage));
                self.s2s_in_stanza(stanza);
            }
            (S2sInState::Open(stage), Incoming::BadStanza(tree, error)) => {
                self.set_in(S2sInState::Open(stage));
                let condition = match error {
                    EnvelopeError::Address {
                        field: AddressField::From,
                        ..
                    } => StreamErrorCondition::InvalidFrom,
                    EnvelopeError::Address {
                        field: AddressField::To,
                        ..
                    } => StreamErrorCondition::ImproperAddressing,
                    // A stanza error cannot go back on this one-way stream (RFC 3920 §8);
                    // a request that breaks §9.2.3 is a stream error.
                    _ => StreamErrorCondition::InvalidXml,
                };
                let _ = tree;
                self.stream_error(StreamError::new(condition).with_text(error.to_string()));
            }
            (state, incoming) => {
                let text = format!("unexpected {} while {state:?}", incoming.describe());
                self.set_in(state);
                self.stream_error(
                    StreamError::new(StreamErrorCondition::UnsupportedStanzaType).with_text(text),
                );
            }
        }
    }

    fn s2s_in_header(
        &mut self,
        stage: Stage,
        info: &StreamInfo,
        ns: &str,
        reply: Option<(u32, u32)>,
    ) {
        let Some(side) = self.s2s.as_deref() else {
            return;
        };
        let domain = side.config.domain.clone();
        let offer_tls = stage == Stage::Initial
            && side.config.tls != TlsPolicy::Disabled
            && side.config.tls_identity.is_some();
        let tls_required = side.config.tls == TlsPolicy::Required;
        let id = crate::random::hex_token(self.random.as_mut(), 16);
        if let Some(side) = self.s2s.as_mut() {
            side.stream_id = id.clone();
            side.peer = info.from.clone();
        }
        let version = reply.map(|(major, minor)| format!("{major}.{minor}"));
        let mut attrs: Vec<(&str, &str)> =
            vec![("xmlns:db", DIALBACK_NS), ("from", &domain), ("id", &id)];
        if let Some(to) = &info.from {
            attrs.push(("to", to));
        }
        if let Some(v) = &version {
            attrs.push(("version", v));
        }
        self.write_header(&attrs);
        if ns.is_empty() {
            return self.stream_error(StreamError::new(StreamErrorCondition::InvalidNamespace));
        }
        if let Some(to) = &info.to {
            if !same_domain(to, &domain) {
                return self.stream_error(
                    StreamError::new(StreamErrorCondition::HostUnknown)
                        .with_text(format!("this server does not serve '{to}'")),
                );
            }
        }
        if version.is_some() {
            let mut f = Features::default();
            if offer_tls && !self.transport.is_tls() {
                f.starttls = Some(tls_required);
            }
            // RFC 3920 §6.2: EXTERNAL when the peer presented a certificate during TLS.
            if stage == Stage::AfterTls && self.transport.peer_certificates().is_some() {
                f.mechanisms = vec!["EXTERNAL".into()];
            }
            f.dialback = true;
            self.write_element(&f.to_element());
        }
        self.set_in(S2sInState::Open(stage));
    }

    /// SASL EXTERNAL between servers (RFC 3920 §6.1, XEP-0178): the authorization identity
    /// (or, when empty, the header's `from`) must be a domain the peer's certificate names.
    fn s2s_in_external(&mut self, e: &Element<'_>) {
        let failure = |condition: xmpp_sasl::Condition| {
            Element::new(crate::ns::SASL_NS, "failure")
                .with_child(Element::new(crate::ns::SASL_NS, condition.element_name()))
        };
        if e.attr("mechanism") != Some("EXTERNAL") {
            return self.write_element(&failure(xmpp_sasl::Condition::InvalidMechanism));
        }
        let authzid = match xmpp_sasl::decode_payload(e.text().trim()) {
            Ok(data) => String::from_utf8(data.unwrap_or_default()).ok(),
            Err(_) => return self.write_element(&failure(xmpp_sasl::Condition::IncorrectEncoding)),
        };
        let peer = self.s2s.as_deref().and_then(|s| s.peer.clone());
        let Some(claimed) = authzid.filter(|a| !a.is_empty()).or(peer) else {
            return self.write_element(&failure(xmpp_sasl::Condition::InvalidAuthzid));
        };
        let named = self
            .transport
            .peer_certificates()
            .and_then(|chain| chain.into_iter().next())
            .is_some_and(|cert| crate::tls_config::certificate_names(&cert, &claimed));
        if !named || DomainPart::new(&claimed).is_err() {
            return self.write_element(&failure(xmpp_sasl::Condition::NotAuthorized));
        }
        let Some(side) = self.s2s.as_mut() else {
            return;
        };
        let ours = side.config.domain.clone();
        side.verified.push((claimed.clone(), ours));
        self.write_element(&Element::new(crate::ns::SASL_NS, "success"));
        if let Ok(jid) = xmpp_jid::BareJid::parse(&claimed) {
            self.emit(Event::Authenticated {
                mechanism: xmpp_sasl::Mechanism::External,
                jid,
                anonymous: false,
            });
        }
        self.restart_stream();
        self.set_in(S2sInState::AwaitHeader(Stage::AfterSasl));
    }

    /// Whether this incoming stream requires TLS and does not have it yet.
    fn s2s_tls_missing(&self) -> bool {
        self.s2s
            .as_deref()
            .is_some_and(|s| s.config.tls == TlsPolicy::Required)
            && !self.transport.is_tls()
    }

    fn s2s_in_result(&mut self, e: &Element<'_>) {
        let (Some(from), Some(to)) = (e.attr("from"), e.attr("to")) else {
            return self.stream_error(
                StreamError::new(StreamErrorCondition::ImproperAddressing)
                    .with_text("db:result needs from and to"),
            );
        };
        let Some(side) = self.s2s.as_mut() else {
            return;
        };
        if !same_domain(to, &side.config.domain) {
            // XEP-0220 §2.1.1: a request for a domain not served here.
            let answer = Element::new(DIALBACK_NS, "result")
                .with_attr("from", to.to_owned())
                .with_attr("to", from.to_owned())
                .with_attr("type", "error")
                .with_child(
                    Element::new(SERVER_NS, "error")
                        .with_attr("type", "cancel")
                        .with_child(Element::new(crate::ns::STANZA_ERRORS_NS, "item-not-found")),
                );
            return self.write_element(&answer);
        }
        if DomainPart::new(from).is_err() {
            return self.stream_error(
                StreamError::new(StreamErrorCondition::InvalidFrom)
                    .with_text("db:result from a malformed domain"),
            );
        }
        let request = (from.to_owned(), to.to_owned());
        if side.pending.contains(&request) {
            // Already asked: the answer will come once.
            return;
        }
        {
            // Each request costs the application a verification stream: a bounded number
            // may wait at once.
            if side.pending.len() >= MAX_PENDING_DIALBACK {
                return self.stream_error(
                    StreamError::new(StreamErrorCondition::PolicyViolation)
                        .with_text("too many dialback requests waiting"),
                );
            }
            side.pending.push(request);
        }
        let event = Event::DialbackRequest {
            originating: from.to_owned(),
            receiving: to.to_owned(),
            key: e.text().trim().to_owned(),
            stream_id: side.stream_id.clone(),
        };
        self.emit(event);
    }

    fn s2s_in_verify(&mut self, e: &Element<'_>) {
        let (Some(from), Some(to), Some(id)) = (e.attr("from"), e.attr("to"), e.attr("id")) else {
            return self.stream_error(
                StreamError::new(StreamErrorCondition::ImproperAddressing)
                    .with_text("db:verify needs from, to and id"),
            );
        };
        let Some(side) = self.s2s.as_deref() else {
            return;
        };
        // We are the authoritative server of `to` (RFC 3920 §8.3 step 6).
        if !same_domain(to, &side.config.domain) {
            return self.stream_error(
                StreamError::new(StreamErrorCondition::HostUnknown)
                    .with_text(format!("'{to}' is not served here")),
            );
        }
        if side
            .peer
            .as_deref()
            .is_some_and(|peer| !same_domain(peer, from))
        {
            return self.stream_error(
                StreamError::new(StreamErrorCondition::InvalidFrom)
                    .with_text("db:verify from another domain than the stream's"),
            );
        }
        let expected = dialback_key(&side.config.dialback_secret, from, to, id);
        let valid = same_key(&expected, e.text().trim());
        let answer = Element::new(DIALBACK_NS, "verify")
            .with_attr("from", to.to_owned())
            .with_attr("to", from.to_owned())
            .with_attr("id", id.to_owned())
            .with_attr("type", if valid { "valid" } else { "invalid" });
        self.write_element(&answer);
    }

    fn s2s_in_stanza(&mut self, stanza: Stanza) {
        // RFC 3920 §9.1.2: the from domain must be one verified on this stream, and the
        // to domain the one it was verified for.
        let Some(side) = self.s2s.as_deref() else {
            return;
        };
        let (Some(from), Some(to)) = (stanza.from(), stanza.to()) else {
            return self.stream_error(StreamError::new(StreamErrorCondition::ImproperAddressing));
        };
        let ok = side
            .verified
            .iter()
            .any(|(o, r)| same_domain(from.domain(), o) && same_domain(to.domain(), r));
        if !ok {
            return self.stream_error(
                StreamError::new(StreamErrorCondition::InvalidFrom).with_text(format!(
                    "'{}' is not verified for this stream",
                    from.domain()
                )),
            );
        }
        self.emit(Event::Stanza(stanza));
    }

    /// Whether this incoming stream carries stanzas from `originating` to `receiving`.
    pub fn s2s_is_verified(&self, originating: &str, receiving: &str) -> bool {
        self.s2s.as_deref().is_some_and(|s| {
            s.verified
                .iter()
                .any(|(o, r)| same_domain(o, originating) && same_domain(r, receiving))
        })
    }
}

/// Whether two domain names are one domain once prepared (RFC 3920 §3.2).
pub(crate) fn same_domain(a: &str, b: &str) -> bool {
    match (DomainPart::new(a), DomainPart::new(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xep_0185_example_key() {
        // XEP-0185 §4 example.
        assert_eq!(
            dialback_key(
                b"s3cr3tf0rd14lb4ck",
                "xmpp.example.com",
                "example.org",
                "D60000229F"
            ),
            "37c69b1cf07a3f67c04a5ef5902fa5114f2c76fe4a2686482ba5b89323075643"
        );
    }

    #[test]
    fn keys_compare_in_full() {
        assert!(same_key("abc", "abc"));
        assert!(!same_key("abc", "abd"));
        assert!(!same_key("abc", "ab"));
    }
}
