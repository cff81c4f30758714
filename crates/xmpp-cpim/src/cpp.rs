//! The XMPP-CPIM gateway as a presence service (RFC 3922 §6): presence subscription
//! stanzas as CPP subscribe operations (RFC 3859), and the stanzas the gateway returns.
//!
//! [`Subscribe::from_presence`] maps `subscribe` (§6.1), `unsubscribe` (§6.4) and
//! `unsubscribed` (§6.5): the `from` (user@host) is the watcher and the `to` the target,
//! both with `pres:`; the duration is none for `subscribe` (XMPP subscriptions last until
//! cancelled) and zero for the other two; the `id` is the TransID. §6.5 names the XMPP
//! sender of `unsubscribed` the "watcher" too, though it is the presentity whose watcher
//! loses its subscription; the fields are filled as the text says.
//!
//! [`Subscribe::to_presence`] maps a CPP subscribe from a non-XMPP watcher to an XMPP
//! entity (§6.2): watcher to `from`, target to `to` (`pres:` removed), TransID to `id`;
//! a zero duration, which ends a subscription, is `unsubscribe`.
//!
//! [`answer`] builds what the gateway returns to the XMPP subscriber for the CPP outcome
//! (§6.1, §6.4): `subscribed`, `unsubscribed`, or a stanza error (`item-not-found`,
//! `forbidden`, `conflict`). Keeping subscriptions, notifying each change and honouring
//! durations is the gateway's state, which this crate does not hold.

use xmpp_core::{StanzaError, StanzaErrorCondition};
use xmpp_im::presence::{Presence, PresenceType};
use xmpp_jid::Jid;

use crate::address::{Scheme, Uri};
use crate::error::MapError;

/// A CPP subscribe operation (RFC 3859 §4.1, as RFC 3922 §6 uses it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscribe {
    /// The watcher (`pres:` URI).
    pub watcher: Uri,
    /// The target presentity (`pres:` URI).
    pub target: Uri,
    /// The duration in seconds; `None` for no limit, `Some(0)` to end a subscription.
    pub duration: Option<u64>,
    /// The transaction id.
    pub trans_id: Option<String>,
}

impl Subscribe {
    /// The operation for a `subscribe`, `unsubscribe` or `unsubscribed` presence
    /// (RFC 3922 §6.1, §6.4, §6.5).
    pub fn from_presence(p: &Presence) -> Result<Self, MapError> {
        let duration = match p.kind {
            PresenceType::Subscribe => None,
            PresenceType::Unsubscribe | PresenceType::Unsubscribed => Some(0),
            other => {
                return Err(MapError::NotMappable(format!(
                    "presence of type '{}' is no CPP subscribe operation",
                    other.as_str().unwrap_or("available")
                )));
            }
        };
        let uri = |jid: Option<&Jid>, field: &'static str| {
            let jid = jid.ok_or(MapError::Missing(field))?;
            Uri::from_jid(jid, Scheme::Pres).map_err(|error| MapError::Address { field, error })
        };
        Ok(Subscribe {
            watcher: uri(p.envelope.from.as_ref(), "from")?,
            target: uri(p.envelope.to.as_ref(), "to")?,
            duration,
            trans_id: p.envelope.id.clone(),
        })
    }

    /// The presence for a subscribe operation from a non-XMPP watcher (RFC 3922 §6.2).
    pub fn to_presence(&self) -> Result<Presence, MapError> {
        let jid = |u: &Uri, field: &'static str| {
            if u.scheme() != Scheme::Pres {
                return Err(MapError::Address {
                    field,
                    error: crate::error::AddressError::WrongScheme {
                        expected: Scheme::Pres,
                        found: u.scheme().as_str().to_owned(),
                    },
                });
            }
            u.to_jid()
                .map(Jid::from)
                .map_err(|error| MapError::Address { field, error })
        };
        let mut p = Presence::new();
        p.kind = if self.duration == Some(0) {
            PresenceType::Unsubscribe
        } else {
            PresenceType::Subscribe
        };
        p.envelope.from = Some(jid(&self.watcher, "watcher")?);
        p.envelope.to = Some(jid(&self.target, "target")?);
        p.envelope.id = self.trans_id.clone();
        Ok(p)
    }
}

/// The outcome of a subscribe operation on the non-XMPP side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The target approved (§6.1: `subscribed`).
    Approved,
    /// The target refused (§6.1: `unsubscribed`).
    Denied,
    /// The target is no presentity (§6.1, §6.4: `item-not-found`).
    UnknownTarget,
    /// Access rules refuse it (§6.1: `forbidden`).
    Forbidden,
    /// A subscription exists or is in progress (§6.1: `conflict`).
    Conflict,
}

/// The presence the gateway returns to the sender of `request` for `outcome` (RFC 3922
/// §6.1, §6.4): from the target, to the requester, with the request's `id`. After an
/// approval the gateway also sends the target's current presence ([`crate::presence`]).
pub fn answer(request: &Presence, outcome: Outcome) -> Presence {
    let mut p = Presence::new();
    p.envelope.namespace = request.envelope.namespace.clone();
    p.envelope.from = request.envelope.to.clone();
    p.envelope.to = request.envelope.from.clone();
    p.envelope.id = request.envelope.id.clone();
    let condition = match outcome {
        Outcome::Approved => {
            p.kind = PresenceType::Subscribed;
            return p;
        }
        Outcome::Denied => {
            p.kind = PresenceType::Unsubscribed;
            return p;
        }
        Outcome::UnknownTarget => StanzaErrorCondition::ItemNotFound,
        Outcome::Forbidden => StanzaErrorCondition::Forbidden,
        Outcome::Conflict => StanzaErrorCondition::Conflict,
    };
    p.kind = PresenceType::Error;
    p.error = Some(StanzaError::new(condition));
    p
}
