//! Mechanism names, the client's choice among the server's offer, the server's offer, and
//! constructors of any mechanism's state machines by name.
//!
//! ```
//! use xmpp_sasl::negotiate::{
//!     ClientCredentials, ClientPolicy, Mechanism, ServerSettings, client, offer,
//!     select, server,
//! };
//! use xmpp_sasl::ServerSecret;
//!
//! // The server advertises what fits the connection: TLS up, no channel binding data.
//! let mut settings = ServerSettings::new(ServerSecret::generate()?, "xmpp", "example.com");
//! settings.tls = true;
//! let offered: Vec<&str> = offer(&settings).into_iter().map(Mechanism::name).collect();
//! assert!(offered.contains(&"SCRAM-SHA-256") && !offered.contains(&"SCRAM-SHA-256-PLUS"));
//!
//! // The client picks the strongest mechanism it may use and builds its state machine.
//! let chosen = select(&offered, &ClientPolicy::password(true, false))?;
//! assert_eq!(chosen, Mechanism::ScramSha256);
//! let credentials = ClientCredentials {
//!     username: "juliet".into(),
//!     password: "r0m30".into(),
//!     ..ClientCredentials::default()
//! };
//! let mut client_side = client(chosen, &credentials, &offered)?;
//! // The server builds the one named in <auth mechanism='...'/>.
//! let server_side = server(chosen.name(), &settings)?;
//! assert_eq!(client_side.name(), server_side.name());
//! assert!(client_side.initial_response()?.is_some_and(|m| m.starts_with(b"n,,n=juliet,r=")));
//! # Ok::<(), xmpp_sasl::Error>(())
//! ```

use crate::Error;
use crate::anonymous::{AnonymousClient, AnonymousServer};
use crate::common::{ClientMechanism, ServerMechanism};
use crate::external::{ExternalClient, ExternalServer};
use crate::plain::{PlainClient, PlainServer};
use crate::scram::{
    ChannelBinding, ClientChannelBinding, ScramClient, ScramHash, ScramServer, StandIn,
};
use crate::{SecretString, ServerSecret};

/// A mechanism this crate implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mechanism {
    /// EXTERNAL (RFC 4422 Appendix A).
    External,
    /// SCRAM-SHA-256-PLUS (RFC 7677).
    ScramSha256Plus,
    /// SCRAM-SHA-1-PLUS (RFC 5802).
    ScramSha1Plus,
    /// SCRAM-SHA-256 (RFC 7677).
    ScramSha256,
    /// SCRAM-SHA-1 (RFC 5802).
    ScramSha1,
    /// DIGEST-MD5 (RFC 2831).
    DigestMd5,
    /// PLAIN (RFC 4616).
    Plain,
    /// ANONYMOUS (RFC 4505).
    Anonymous,
}

impl Mechanism {
    /// Every mechanism, strongest first: the order [`select`] prefers.
    pub const BY_STRENGTH: [Mechanism; 8] = [
        Mechanism::External,
        Mechanism::ScramSha256Plus,
        Mechanism::ScramSha1Plus,
        Mechanism::ScramSha256,
        Mechanism::ScramSha1,
        Mechanism::DigestMd5,
        Mechanism::Plain,
        Mechanism::Anonymous,
    ];

    /// The registered name.
    pub fn name(self) -> &'static str {
        match self {
            Mechanism::External => "EXTERNAL",
            Mechanism::ScramSha256Plus => "SCRAM-SHA-256-PLUS",
            Mechanism::ScramSha1Plus => "SCRAM-SHA-1-PLUS",
            Mechanism::ScramSha256 => "SCRAM-SHA-256",
            Mechanism::ScramSha1 => "SCRAM-SHA-1",
            Mechanism::DigestMd5 => "DIGEST-MD5",
            Mechanism::Plain => "PLAIN",
            Mechanism::Anonymous => "ANONYMOUS",
        }
    }

    /// The mechanism with this name; unknown names give [`Error::InvalidMechanism`].
    pub fn from_name(name: &str) -> Result<Mechanism, Error> {
        Mechanism::BY_STRENGTH
            .into_iter()
            .find(|m| m.name() == name)
            .ok_or_else(|| Error::InvalidMechanism {
                name: name.chars().take(64).collect(),
            })
    }

    /// The SCRAM hash and `-PLUS` flag, for SCRAM mechanisms.
    pub fn scram(self) -> Option<(ScramHash, bool)> {
        match self {
            Mechanism::ScramSha256Plus => Some((ScramHash::Sha256, true)),
            Mechanism::ScramSha1Plus => Some((ScramHash::Sha1, true)),
            Mechanism::ScramSha256 => Some((ScramHash::Sha256, false)),
            Mechanism::ScramSha1 => Some((ScramHash::Sha1, false)),
            _ => None,
        }
    }

    /// Whether the mechanism needs channel binding data (`-PLUS`).
    pub fn needs_channel_binding(self) -> bool {
        matches!(self, Mechanism::ScramSha256Plus | Mechanism::ScramSha1Plus)
    }

    /// Whether the mechanism exposes the password to eavesdroppers without TLS.
    pub fn needs_tls(self) -> bool {
        matches!(self, Mechanism::Plain)
    }
}

/// What the client is willing to use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientPolicy {
    /// The mechanisms the client is configured for (credentials available); EXTERNAL and
    /// ANONYMOUS are chosen only when listed here.
    pub mechanisms: Vec<Mechanism>,
    /// Whether TLS is established.
    pub tls: bool,
    /// Whether channel binding data is available (needed for `-PLUS`).
    pub channel_binding: bool,
    /// Allows PLAIN without TLS (off by default: RFC 3920 §6.2, RFC 4616 §6).
    pub allow_plain_without_tls: bool,
}

impl ClientPolicy {
    /// A client with a user name and password: SCRAM (with `-PLUS` when `channel_binding`),
    /// DIGEST-MD5 and PLAIN (PLAIN only under TLS).
    pub fn password(tls: bool, channel_binding: bool) -> Self {
        ClientPolicy {
            mechanisms: vec![
                Mechanism::ScramSha256Plus,
                Mechanism::ScramSha1Plus,
                Mechanism::ScramSha256,
                Mechanism::ScramSha1,
                Mechanism::DigestMd5,
                Mechanism::Plain,
            ],
            tls,
            channel_binding,
            allow_plain_without_tls: false,
        }
    }

    /// Whether the policy permits `m` in the current situation.
    pub fn allows(&self, m: Mechanism) -> bool {
        self.mechanisms.contains(&m)
            && (!m.needs_channel_binding() || self.channel_binding)
            && (!m.needs_tls() || self.tls || self.allow_plain_without_tls)
    }
}

/// Picks the strongest mechanism that the server offers and the policy allows
/// ([`Mechanism::BY_STRENGTH`] order). Unknown offered names are skipped.
pub fn select<S: AsRef<str>>(offered: &[S], policy: &ClientPolicy) -> Result<Mechanism, Error> {
    Mechanism::BY_STRENGTH
        .into_iter()
        .filter(|m| policy.allows(*m))
        .find(|m| offered.iter().any(|o| o.as_ref() == m.name()))
        .ok_or(Error::InvalidMechanism {
            name: String::new(),
        })
}

/// The channel binding setting for a SCRAM client running `chosen` (RFC 5802 §6): bind with
/// `-PLUS`; otherwise `y` when the client has binding data but the server did not advertise
/// the `-PLUS` name of the chosen mechanism, else `n`. A binding without data
/// ([`ChannelBinding::is_usable`]) is no binding: flag `n`.
pub fn client_channel_binding<S: AsRef<str>>(
    offered: &[S],
    chosen: Mechanism,
    binding: Option<ChannelBinding>,
) -> ClientChannelBinding {
    match binding.filter(ChannelBinding::is_usable) {
        Some(b) if chosen.needs_channel_binding() => ClientChannelBinding::Use(b),
        Some(_) => {
            // RFC 5802 §6: "the client did not see the -PLUS name advertised by the server".
            let server_plus = chosen.scram().is_some_and(|(hash, _)| {
                let plus_name = hash.mechanism_name(true);
                offered.iter().any(|o| o.as_ref() == plus_name)
            });
            if server_plus {
                // The server binds but we chose not to: claim no support rather than a
                // downgrade the server would reject.
                ClientChannelBinding::Unsupported
            } else {
                ClientChannelBinding::NotOffered
            }
        }
        None => ClientChannelBinding::Unsupported,
    }
}

/// What a client needs to run any of the mechanisms ([`client`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ClientCredentials {
    /// The user name (SCRAM, DIGEST-MD5, PLAIN).
    pub username: String,
    /// The password (SCRAM, DIGEST-MD5, PLAIN).
    pub password: SecretString,
    /// The authorization identity to ask for. RFC 3920 §6.1 sends one only when it differs
    /// from the identity the user name implies: SCRAM, DIGEST-MD5 and PLAIN leave out an
    /// authzid equal to `username@host`. EXTERNAL sends it as given.
    pub authzid: Option<String>,
    /// The service name of the DIGEST-MD5 `digest-uri` (`xmpp`).
    pub service: String,
    /// The server host name (DIGEST-MD5 `digest-uri`).
    pub host: String,
    /// Channel binding data of the TLS connection, if any.
    pub channel_binding: Option<ChannelBinding>,
    /// The ANONYMOUS trace information.
    pub trace: String,
}

/// The authzid a password mechanism sends: RFC 3920 §6.1 sends none when it is the identity
/// the user name already implies, `username@host` (the domain compared without ASCII case).
fn requested_authzid(c: &ClientCredentials) -> Option<&str> {
    let a = c.authzid.as_deref()?;
    let implied = a.rsplit_once('@').is_some_and(|(node, domain)| {
        !c.username.is_empty() && node == c.username && domain.eq_ignore_ascii_case(&c.host)
    });
    (!implied).then_some(a)
}

/// A client state machine for `mechanism`, configured from `credentials`; `offered` is the
/// server's list (it decides the SCRAM `y`/`n` flag, RFC 5802 §6).
pub fn client<S: AsRef<str>>(
    mechanism: Mechanism,
    credentials: &ClientCredentials,
    offered: &[S],
) -> Result<Box<dyn ClientMechanism + Send>, Error> {
    let c = credentials;
    Ok(match mechanism {
        Mechanism::ScramSha256Plus
        | Mechanism::ScramSha1Plus
        | Mechanism::ScramSha256
        | Mechanism::ScramSha1 => {
            let (hash, plus) = mechanism.scram().unwrap_or((ScramHash::Sha256, false));
            if plus
                && !c
                    .channel_binding
                    .as_ref()
                    .is_some_and(ChannelBinding::is_usable)
            {
                return Err(Error::ChannelBindingRequired);
            }
            let binding = client_channel_binding(offered, mechanism, c.channel_binding.clone());
            let mut m = ScramClient::new(hash, &c.username, c.password.expose())?
                .with_channel_binding(binding);
            if let Some(a) = requested_authzid(c) {
                m = m.with_authzid(a);
            }
            Box::new(m)
        }
        #[cfg(feature = "digest-md5")]
        Mechanism::DigestMd5 => {
            let mut m = crate::digest_md5::DigestMd5Client::new(
                &c.username,
                c.password.expose(),
                &c.service,
                &c.host,
            );
            if let Some(a) = requested_authzid(c) {
                m = m.with_authzid(a);
            }
            Box::new(m)
        }
        #[cfg(not(feature = "digest-md5"))]
        Mechanism::DigestMd5 => {
            return Err(Error::InvalidMechanism {
                name: mechanism.name().to_owned(),
            });
        }
        Mechanism::Plain => {
            let mut m = PlainClient::new(&c.username, c.password.expose())?;
            if let Some(a) = requested_authzid(c) {
                m = m.with_authzid(a)?;
            }
            Box::new(m)
        }
        Mechanism::External => Box::new(ExternalClient::new(c.authzid.as_deref())),
        Mechanism::Anonymous => Box::new(AnonymousClient::new(&c.trace)?),
    })
}

/// What a server needs to decide its offer and run any of the mechanisms ([`offer`],
/// [`server`]), for one connection.
///
/// There is no default: the secret from which unknown users' stand-in credentials are derived
/// must be the deployment's own ([`ServerSecret`]), or anyone could tell unknown users apart.
///
/// Channel binding has one source of truth, [`ServerSettings::supports_channel_binding`]: it
/// decides both whether `-PLUS` is offered and whether a client's `y` flag is a downgrade
/// (RFC 5802 §6). Bindings with empty data count for neither ([`ChannelBinding::is_usable`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerSettings {
    /// The secret stand-in credentials for unknown users are derived from.
    secret: ServerSecret,
    /// The service name expected in the DIGEST-MD5 `digest-uri` (`xmpp`).
    pub service: String,
    /// The server host name (DIGEST-MD5 `digest-uri` and realm).
    pub host: String,
    /// Whether TLS is established (offers PLAIN, RFC 3920 §6.2).
    pub tls: bool,
    /// Offers PLAIN before TLS (off by default: RFC 3920 §6.2, RFC 4616 §6).
    pub allow_plain_without_tls: bool,
    /// Offers DIGEST-MD5 (RFC 3920 §6.1 mandatory to implement; on by default with the
    /// `digest-md5` feature).
    pub digest_md5: bool,
    /// Offers ANONYMOUS (off by default).
    pub anonymous: bool,
    /// Channel binding data of the TLS connection; any usable one offers `-PLUS`.
    pub channel_bindings: Vec<ChannelBinding>,
    /// The identity established outside SASL (EXTERNAL), such as a verified certificate's;
    /// offers EXTERNAL when present (RFC 3920 §6.2).
    pub external_identity: Option<String>,
    /// The iteration count and salt length shown to unknown SCRAM users: make them what the
    /// user database stores for real accounts (RFC 5802 §5.1 `s=`, `i=`).
    pub stand_in: StandIn,
}

impl ServerSettings {
    /// Settings with `secret` for `service` (`xmpp`) on `host`, before TLS: no channel
    /// binding, no EXTERNAL identity, no ANONYMOUS, DIGEST-MD5 when the feature is on,
    /// [`StandIn::default`].
    pub fn new(secret: ServerSecret, service: impl Into<String>, host: impl Into<String>) -> Self {
        ServerSettings {
            secret,
            service: service.into(),
            host: host.into(),
            tls: false,
            allow_plain_without_tls: false,
            digest_md5: cfg!(feature = "digest-md5"),
            anonymous: false,
            channel_bindings: Vec::new(),
            external_identity: None,
            stand_in: StandIn::default(),
        }
    }

    /// The channel bindings with data ([`ChannelBinding::is_usable`]).
    pub fn usable_channel_bindings(&self) -> impl Iterator<Item = &ChannelBinding> {
        self.channel_bindings.iter().filter(|b| b.is_usable())
    }

    /// Whether the server binds: some channel binding has data. Then `-PLUS` is offered and a
    /// client's `y` flag is a downgrade (RFC 5802 §6).
    pub fn supports_channel_binding(&self) -> bool {
        self.usable_channel_bindings().next().is_some()
    }

    /// Whether `m` is offered on this connection. PLAIN only under TLS unless allowed
    /// (RFC 3920 §6.2), `-PLUS` only with usable channel binding, EXTERNAL only with an
    /// identity established outside SASL, DIGEST-MD5 and ANONYMOUS only when enabled.
    pub fn offers(&self, m: Mechanism) -> bool {
        match m {
            Mechanism::External => self.external_identity.is_some(),
            Mechanism::ScramSha256Plus | Mechanism::ScramSha1Plus => {
                self.supports_channel_binding()
            }
            Mechanism::ScramSha256 | Mechanism::ScramSha1 => true,
            Mechanism::DigestMd5 => self.digest_md5 && cfg!(feature = "digest-md5"),
            Mechanism::Plain => self.tls || self.allow_plain_without_tls,
            Mechanism::Anonymous => self.anonymous,
        }
    }
}

/// The mechanisms to advertise in `<mechanisms/>`, strongest first: those
/// [`ServerSettings::offers`].
pub fn offer(settings: &ServerSettings) -> Vec<Mechanism> {
    Mechanism::BY_STRENGTH
        .into_iter()
        .filter(|m| settings.offers(*m))
        .collect()
}

/// A server state machine for the mechanism the client asked for in `<auth/>`; an unknown
/// name, or one the settings do not offer ([`ServerSettings::offers`]), gives
/// [`Error::InvalidMechanism`] (RFC 3920 §6.4 `<invalid-mechanism/>`).
pub fn server(
    name: &str,
    settings: &ServerSettings,
) -> Result<Box<dyn ServerMechanism + Send>, Error> {
    let mechanism = Mechanism::from_name(name)?;
    if !settings.offers(mechanism) {
        return Err(Error::InvalidMechanism {
            name: mechanism.name().to_owned(),
        });
    }
    Ok(match mechanism {
        Mechanism::ScramSha256Plus
        | Mechanism::ScramSha1Plus
        | Mechanism::ScramSha256
        | Mechanism::ScramSha1 => {
            let (hash, plus) = mechanism.scram().unwrap_or((ScramHash::Sha256, false));
            let mut m =
                ScramServer::new(hash, plus, &settings.secret).with_stand_in(settings.stand_in);
            for b in settings.usable_channel_bindings() {
                m = m.with_channel_binding(b.clone());
            }
            Box::new(m)
        }
        #[cfg(feature = "digest-md5")]
        Mechanism::DigestMd5 => Box::new(crate::digest_md5::DigestMd5Server::new(
            &settings.service,
            &settings.host,
            &settings.secret,
        )),
        #[cfg(not(feature = "digest-md5"))]
        Mechanism::DigestMd5 => {
            return Err(Error::InvalidMechanism {
                name: name.to_owned(),
            });
        }
        Mechanism::Plain => Box::new(PlainServer::new()),
        Mechanism::External => Box::new(ExternalServer::new(settings.external_identity.as_deref())),
        Mechanism::Anonymous => Box::new(AnonymousServer::new()),
    })
}
