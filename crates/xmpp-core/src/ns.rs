//! The namespaces of RFC 3920 and RFC 3921 §3 that the engine speaks.

pub use xmpp_xml::{CLIENT_NS, DIALBACK_NS, SERVER_NS, STREAMS_NS};

/// STARTTLS negotiation (RFC 3920 §5).
pub const TLS_NS: &str = "urn:ietf:params:xml:ns:xmpp-tls";
/// SASL negotiation (RFC 3920 §6).
pub const SASL_NS: &str = "urn:ietf:params:xml:ns:xmpp-sasl";
/// Resource binding (RFC 3920 §7).
pub const BIND_NS: &str = "urn:ietf:params:xml:ns:xmpp-bind";
/// Session establishment (RFC 3921 §3).
pub const SESSION_NS: &str = "urn:ietf:params:xml:ns:xmpp-session";
/// Stream error conditions (RFC 3920 §4.7.2).
pub const STREAM_ERRORS_NS: &str = "urn:ietf:params:xml:ns:xmpp-streams";
/// Stanza error conditions (RFC 3920 §9.3.2).
pub const STANZA_ERRORS_NS: &str = "urn:ietf:params:xml:ns:xmpp-stanzas";
/// The `xml:` prefix's namespace (for `xml:lang`).
pub const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";
