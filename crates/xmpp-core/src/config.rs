//! Configuration of a connection, one struct per role.

use std::sync::Arc;
use std::time::Duration;

use xmpp_jid::Jid;
use xmpp_sasl::negotiate::ServerSettings;
use xmpp_sasl::{Mechanism, SecretString, ServerSecret};

use crate::random::{OsRandom, Random};

/// Whether TLS is used (RFC 3920 §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TlsPolicy {
    /// Never negotiate TLS.
    Disabled,
    /// Client: use STARTTLS when offered. Server: offer it.
    Optional,
    /// Client: refuse to go on without it. Server: offer it as `<required/>` and refuse
    /// anything else first.
    #[default]
    Required,
}

/// Limits on what a peer may make the engine hold or wait for.
#[derive(Debug, Clone)]
pub struct EngineLimits {
    /// The XML parser's limits (stanza size, depth, attributes...).
    pub xml: xmpp_xml::Limits,
    /// Time allowed from the start to an established stream (features negotiated, resource
    /// bound); past it the stream ends with `connection-timeout`.
    pub negotiation_timeout: Duration,
    /// Time to wait for the peer's `</stream:stream>` after ours (RFC 3920 §4.6).
    pub close_timeout: Duration,
    /// Input held while the application has not answered a question (SASL credentials, a
    /// bind decision); more ends the stream with `policy-violation`.
    pub max_unanswered_input: usize,
}

impl Default for EngineLimits {
    fn default() -> Self {
        EngineLimits {
            xml: xmpp_xml::Limits::default(),
            negotiation_timeout: Duration::from_secs(60),
            close_timeout: Duration::from_secs(10),
            max_unanswered_input: 64 * 1024,
        }
    }
}

/// What a client connection needs.
pub struct ClientConfig {
    /// The account (a bare JID), or a full JID whose resource is asked for when binding.
    pub jid: Jid,
    /// The password (zeroized on drop, redacted in `Debug`).
    pub password: SecretString,
    /// STARTTLS policy.
    pub tls: TlsPolicy,
    /// The rustls configuration (certificate verification); see [`crate::tls_config`].
    pub tls_config: Option<Arc<rustls::ClientConfig>>,
    /// The name the server certificate must carry; the JID's domain by default.
    pub tls_server_name: Option<String>,
    /// Restricts SASL to these mechanisms (in order of preference as given by strength);
    /// `None`: SCRAM (`-PLUS` when bound to TLS), DIGEST-MD5 and PLAIN (over TLS only).
    pub mechanisms: Option<Vec<Mechanism>>,
    /// Establishes a session after binding when the server offers it (RFC 3921 §3).
    pub session: bool,
    /// The default language of the stream (`xml:lang` on the header, RFC 3920 §4.4: the
    /// initiating entity should state it); `en` by default.
    pub lang: Option<String>,
    /// Interval of white-space keepalives while established; `None` for none.
    pub keepalive: Option<Duration>,
    /// Limits.
    pub limits: EngineLimits,
    /// Randomness for ids.
    pub random: Box<dyn Random>,
}

impl ClientConfig {
    /// A client for `jid` with `password`: TLS required, verified against the webpki roots.
    pub fn new(jid: Jid, password: impl Into<SecretString>) -> Self {
        ClientConfig {
            jid,
            password: password.into(),
            tls: TlsPolicy::Required,
            tls_config: None,
            tls_server_name: None,
            mechanisms: None,
            session: true,
            lang: Some("en".into()),
            keepalive: None,
            limits: EngineLimits::default(),
            random: Box::new(OsRandom),
        }
    }
}

impl std::fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientConfig")
            .field("jid", &self.jid.as_str())
            .field("password", &"<redacted>")
            .field("tls", &self.tls)
            .field("mechanisms", &self.mechanisms)
            .finish_non_exhaustive()
    }
}

/// The server's TLS identity.
#[derive(Clone)]
pub struct ServerTls {
    /// The rustls configuration (certificate chain and key).
    pub config: Arc<rustls::ServerConfig>,
    /// The end-entity certificate (DER), for the `tls-server-end-point` channel binding.
    pub certificate: Option<Vec<u8>>,
}

/// What a server connection (the receiving entity of a client-to-server stream) needs.
pub struct ServerConfig {
    /// The domain the server serves (RFC 3920 §4.4: `from` of its stream header).
    pub domain: String,
    /// STARTTLS policy.
    pub tls: TlsPolicy,
    /// Certificate and key; needed unless `tls` is [`TlsPolicy::Disabled`].
    pub tls_identity: Option<ServerTls>,
    /// The SASL offer and its secret (stand-in credentials of unknown users): which
    /// mechanisms, PLAIN before TLS (off: RFC 3920 §6.2), ANONYMOUS. The engine fills in the
    /// TLS state and channel bindings of each connection.
    pub sasl: ServerSettings,
    /// SASL failures allowed before the stream is closed (RFC 3920 §6.2: at least 2).
    pub sasl_retries: u32,
    /// Offers session establishment (RFC 3921 §3).
    pub session: bool,
    /// Asks the application about each session request ([`crate::Event::SessionRequest`],
    /// answered by [`crate::Connection::accept_session`] or
    /// [`crate::Connection::refuse_session`]) instead of accepting every one (the default).
    pub session_decision: bool,
    /// The language announced when the client's header names none (RFC 3920 §4.4: a
    /// configurable default); `en` by default.
    pub default_lang: String,
    /// Limits.
    pub limits: EngineLimits,
    /// Randomness for stream ids and generated resources.
    pub random: Box<dyn Random>,
}

impl ServerConfig {
    /// A server for `domain` with its TLS identity: TLS required, SCRAM, DIGEST-MD5 and
    /// PLAIN after TLS, two SASL retries.
    pub fn new(
        domain: impl Into<String>,
        tls_identity: Option<ServerTls>,
        sasl_secret: ServerSecret,
    ) -> Self {
        let domain = domain.into();
        ServerConfig {
            sasl: ServerSettings::new(sasl_secret, "xmpp", domain.clone()),
            domain,
            tls: if tls_identity.is_some() {
                TlsPolicy::Required
            } else {
                TlsPolicy::Disabled
            },
            tls_identity,
            sasl_retries: 2,
            session: true,
            session_decision: false,
            default_lang: "en".into(),
            limits: EngineLimits::default(),
            random: Box::new(OsRandom),
        }
    }
}

impl std::fmt::Debug for ServerConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerConfig")
            .field("domain", &self.domain)
            .field("tls", &self.tls)
            .field("sasl", &self.sasl)
            .field("sasl_retries", &self.sasl_retries)
            .finish_non_exhaustive()
    }
}
