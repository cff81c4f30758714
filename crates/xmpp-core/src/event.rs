//! What a connection reports to its application.

use std::fmt;

use xmpp_jid::{BareJid, FullJid};
use xmpp_sasl::{Condition, Mechanism, Request};

use crate::features::Features;
use crate::stanza::Stanza;
use crate::stanza_error::StanzaError;
use crate::stream_error::StreamError;

/// The peer's stream header (RFC 3920 §4.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamInfo {
    /// `to`.
    pub to: Option<String>,
    /// `from`.
    pub from: Option<String>,
    /// `id`: the stream id the receiving entity chose.
    pub id: Option<String>,
    /// `version` as sent; `None` for a peer older than XMPP 1.0 (§4.4.1).
    pub version: Option<(u32, u32)>,
    /// `xml:lang`.
    pub lang: Option<String>,
}

/// An event of a connection, taken with [`crate::Connection::poll_event`].
#[derive(Debug)]
pub enum Event {
    /// The peer opened a stream (each restart opens a new one).
    StreamOpened(StreamInfo),
    /// Client: the features the server offered on the current stream.
    Features(Features),
    /// The TLS handshake completed (RFC 3920 §5).
    TlsEstablished,
    /// Server: the SASL mechanism needs the application; answer with
    /// [`crate::Connection::answer_sasl`]. Input is held until then.
    SaslRequest {
        /// The mechanism asking (SCRAM keys differ per hash function).
        mechanism: Mechanism,
        /// The question.
        request: Request,
    },
    /// SASL succeeded (RFC 3920 §6): the account that authenticated.
    Authenticated {
        /// The mechanism used.
        mechanism: Mechanism,
        /// The authenticated account; for ANONYMOUS a node the server made up.
        jid: BareJid,
        /// Whether ANONYMOUS was used.
        anonymous: bool,
    },
    /// Server: the client asks to bind a resource (RFC 3920 §7); decide with
    /// [`crate::Connection::accept_bind`] or [`crate::Connection::refuse_bind`]. Input is
    /// held until then.
    BindRequest {
        /// The resource the client asked for, already prepared with resourceprep; `None`
        /// when the client leaves it to the server.
        requested: Option<String>,
    },
    /// Server role, with [`crate::ServerConfig::session_decision`]: the client asks for a
    /// session (RFC 3921 §3); answer with [`crate::Connection::accept_session`] or
    /// [`crate::Connection::refuse_session`]. Input is held until then.
    SessionRequest,
    /// The resource is bound: the full JID of the session (RFC 3920 §7).
    Bound(FullJid),
    /// Negotiation is over: stanzas may flow (after binding, and the session when one was
    /// established, RFC 3921 §3).
    Online,
    /// A stanza arrived.
    Stanza(Stanza),
    /// Incoming server-to-server stream: the originating server presented a dialback key
    /// (RFC 3920 §8.3 step 4). Verify it with the authoritative server of `originating`
    /// ([`crate::Connection::s2s_verify`]) and answer with
    /// [`crate::Connection::dialback_result`].
    DialbackRequest {
        /// The domain asking to send stanzas.
        originating: String,
        /// The domain of ours they are for.
        receiving: String,
        /// The key presented.
        key: String,
        /// The id of this stream, which the key is bound to.
        stream_id: String,
    },
    /// Verification stream: the authoritative server's answer (RFC 3920 §8.3 step 8).
    DialbackVerified {
        /// The domain whose key was checked.
        originating: String,
        /// Our domain, which asked.
        receiving: String,
        /// The stream the key was presented on.
        stream_id: String,
        /// Whether the authoritative server confirmed the key.
        valid: bool,
    },
    /// The connection ended; nothing else will be reported.
    Closed(CloseReason),
}

/// Why a connection ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CloseReason {
    /// Both sides closed the stream (RFC 3920 §4.6).
    Normal,
    /// The peer sent this stream error (RFC 3920 §4.7).
    PeerError(StreamError),
    /// This side sent this stream error.
    LocalError(StreamError),
    /// SASL failed (RFC 3920 §6.4): the server's condition (client), or the last failure
    /// once the retries were used up (server).
    Authentication {
        /// The condition.
        condition: Condition,
        /// The server's `<text/>`, or what this side found wrong.
        text: Option<String>,
    },
    /// The server answered `<starttls/>` with `<failure/>` (RFC 3920 §5.2 step 5).
    TlsRefused,
    /// The TLS layer failed (handshake, certificate, record).
    Tls(String),
    /// Client: the server did not offer what the configuration requires.
    Unsupported(String),
    /// Client: binding or session establishment was refused.
    BindRefused(StanzaError),
    /// Server dialback failed: the receiving server did not accept our key.
    Dialback(String),
    /// The transport ended before the closing handshake.
    TransportClosed,
}

impl CloseReason {
    /// The condition by its RFC name (`not-authorized`, `host-unknown`...) or, for failures
    /// outside the XMPP layer, a short name (`tls`, `connection-closed`).
    pub fn condition(&self) -> &str {
        match self {
            CloseReason::Normal => "closed",
            CloseReason::PeerError(e) | CloseReason::LocalError(e) => e.condition.as_str(),
            CloseReason::Authentication { condition, .. } => condition.element_name(),
            CloseReason::TlsRefused => "tls-refused",
            CloseReason::Tls(_) => "tls",
            CloseReason::Unsupported(_) => "unsupported-feature",
            CloseReason::BindRefused(e) => e.condition.as_str(),
            CloseReason::Dialback(_) => "dialback-failed",
            CloseReason::TransportClosed => "connection-closed",
        }
    }

    /// Whether the stream ended without any error.
    pub fn is_normal(&self) -> bool {
        matches!(self, CloseReason::Normal)
    }
}

impl CloseReason {
    /// What happened, for people.
    pub fn detail(&self) -> String {
        let with = |head: &str, text: &Option<String>| match text {
            Some(t) => format!("{head}: {t}"),
            None => head.to_owned(),
        };
        match self {
            CloseReason::Normal => "the stream was closed".to_owned(),
            CloseReason::PeerError(e) => with("stream error from the peer", &e.text),
            CloseReason::LocalError(e) => with("stream error sent", &e.text),
            CloseReason::Authentication { text, .. } => with("authentication failed", text),
            CloseReason::TlsRefused => "the server refused STARTTLS".to_owned(),
            CloseReason::Tls(e) | CloseReason::Unsupported(e) | CloseReason::Dialback(e) => {
                e.clone()
            }
            CloseReason::BindRefused(e) => format!("resource binding refused ({e})"),
            CloseReason::TransportClosed => {
                "the connection ended without closing the stream".to_owned()
            }
        }
    }
}

impl fmt::Display for CloseReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.condition(), self.detail())
    }
}

/// A call the connection cannot take in its current state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The connection is closed (or closing): nothing can be sent.
    Closed,
    /// Stanzas can be sent only once the stream is established ([`Event::Online`]).
    NotEstablished,
    /// No question of this kind is waiting for an answer.
    NotAsked,
    /// The element cannot be written as well-formed XML.
    Write(xmpp_xml::WriteError),
    /// The resource the application chose is not a valid resource (RFC 3920 §3.4).
    InvalidResource(xmpp_jid::Error),
    /// A received stanza's namespace is not this connection's (`jabber:client` against
    /// `jabber:server`): it must be rebuilt, with the addressing the other stream needs.
    WrongNamespace,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Closed => f.write_str("the connection is closed"),
            Error::NotEstablished => f.write_str("the stream is not established yet"),
            Error::NotAsked => f.write_str("no such question is pending"),
            Error::Write(e) => write!(f, "cannot write the element: {e}"),
            Error::InvalidResource(e) => write!(f, "invalid resource: {e}"),
            Error::WrongNamespace => {
                f.write_str("the stanza belongs to a stream of another namespace")
            }
        }
    }
}

impl std::error::Error for Error {}
