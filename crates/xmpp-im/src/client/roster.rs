//! The client's copy of its roster (RFC 3921 §7): filled from the result of a roster get
//! (§7.3), kept in step by roster pushes (§7.4 to §7.6, §8).
//!
//! Only the user's own server may change the roster. RFC 3921 §7.2 accepts a push without
//! `from` or with a `from` equal to the user's bare or full JID; RFC 6121 §2.1.6 narrows
//! this to no `from` or the bare JID, because a full JID can be another session's, and
//! that correction is followed here. A push with any other `from` is not applied; it is
//! answered with `service-unavailable`, the answer RFC 6121 §2.1.6 allows (a client may
//! also stay silent). RFC 6121 §2.1.6 also makes explicit that a push carries exactly one
//! item; a push with none or several is a `bad-request`.

use std::collections::BTreeMap;
use std::fmt;

use xmpp_core::{StanzaError, StanzaErrorCondition};
use xmpp_jid::{BareJid, Jid};
use xmpp_xml::{Element, ElementRef};

use crate::error::{PayloadError, clip};
use crate::roster::{Item, NS, Query, Subscription};

/// What a roster push changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RosterChange {
    /// A new item (RFC 3921 §7.4).
    Added(Jid),
    /// An item already in the roster was replaced (RFC 3921 §7.5, §8).
    Updated(Jid),
    /// `subscription='remove'`: the item is gone, if it was there (RFC 3921 §7.6, §8.6).
    Removed(Jid),
}

impl RosterChange {
    /// The JID of the item concerned.
    pub fn jid(&self) -> &Jid {
        match self {
            RosterChange::Added(j) | RosterChange::Updated(j) | RosterChange::Removed(j) => j,
        }
    }
}

/// Why a roster stanza was not applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RosterError {
    /// The stanza is not the kind expected: not an `<iq/>`, or of another `type`
    /// (`expected` names the types accepted), or not carrying a roster `<query/>`.
    NotRoster {
        /// What was expected, e.g. `an iq of type set with a jabber:iq:roster query`.
        expected: &'static str,
    },
    /// A push or result from someone other than the user's server (RFC 3921 §7.2,
    /// RFC 6121 §2.1.6).
    UntrustedSender {
        /// The `from` of the stanza (at most 64 bytes of it).
        from: String,
    },
    /// A push with no item or with more than one (RFC 6121 §2.1.6 rule 1).
    ItemCount(usize),
    /// The roster payload does not read.
    Payload(PayloadError),
    /// A result whose `id` is not the one of the pending roster get.
    UnexpectedResult {
        /// The `id` of the result, if any (at most 64 bytes of it).
        id: Option<String>,
    },
    /// The server answered the roster get with an error.
    Refused(StanzaError),
}

impl RosterError {
    /// The stanza error to answer a push with: `service-unavailable` for an untrusted
    /// sender (RFC 6121 §2.1.6), the payload's condition for a payload that does not read,
    /// `bad-request` otherwise.
    pub fn to_stanza_error(&self) -> StanzaError {
        match self {
            RosterError::UntrustedSender { .. } => {
                StanzaError::new(StanzaErrorCondition::ServiceUnavailable)
            }
            RosterError::Payload(p) => p.to_stanza_error(),
            other => {
                StanzaError::new(StanzaErrorCondition::BadRequest).with_text(other.to_string())
            }
        }
    }
}

impl fmt::Display for RosterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RosterError::NotRoster { expected } => write!(f, "expected {expected}"),
            RosterError::UntrustedSender { from } => {
                write!(f, "roster stanza from '{from}', not from the user's server")
            }
            RosterError::ItemCount(n) => {
                write!(f, "a roster push carries exactly one item, not {n}")
            }
            RosterError::Payload(p) => write!(f, "roster payload: {p}"),
            RosterError::UnexpectedResult { id } => {
                write!(
                    f,
                    "roster result with id {id:?} answers no pending roster get"
                )
            }
            RosterError::Refused(e) => write!(f, "the roster get was refused: {e}"),
        }
    }
}

impl std::error::Error for RosterError {}

/// A push that was not applied, with the stanza to answer it (none when the push cannot
/// be answered, e.g. it has no `id`).
#[derive(Debug, Clone, PartialEq)]
pub struct RefusedPush {
    /// What was wrong.
    pub error: RosterError,
    /// The `<iq type='error'/>` to send back.
    pub reply: Option<Element<'static>>,
}

/// An applied push, with the IQ result that acknowledges it (RFC 3921 §7.4: each resource
/// that receives a push MUST answer it).
#[derive(Debug, Clone, PartialEq)]
pub struct AcceptedPush {
    /// What changed.
    pub change: RosterChange,
    /// The `<iq type='result'/>` to send back.
    pub reply: Element<'static>,
}

/// The client's roster: items by JID, as the user's server last described them.
#[derive(Debug, Clone)]
pub struct Roster {
    user: BareJid,
    items: BTreeMap<Jid, Item>,
    pending_get: Option<String>,
    loaded: bool,
}

const PUSH: &str = "an iq of type set with a jabber:iq:roster query";
const RESULT: &str = "an iq of type result or error";

impl Roster {
    /// An empty roster for the account `user` (the bare JID of the session, from
    /// [`xmpp_core::Event::Bound`]).
    pub fn new(user: BareJid) -> Self {
        Roster {
            user,
            items: BTreeMap::new(),
            pending_get: None,
            loaded: false,
        }
    }

    /// The account the roster belongs to.
    pub fn user(&self) -> &BareJid {
        &self.user
    }

    /// The roster get to send (RFC 3921 §7.3); its result is expected with this `id`.
    pub fn request(&mut self, id: &str) -> Element<'static> {
        self.pending_get = Some(id.to_owned());
        super::requests::roster_get(id)
    }

    /// Whether a roster get is waiting for its result.
    pub fn is_pending(&self, id: &str) -> bool {
        self.pending_get.as_deref() == Some(id)
    }

    /// Whether a roster result has been applied.
    pub fn is_loaded(&self) -> bool {
        self.loaded
    }

    /// The item of `jid`.
    pub fn get(&self, jid: &Jid) -> Option<&Item> {
        self.items.get(jid)
    }

    /// The items, ordered by JID.
    pub fn items(&self) -> impl Iterator<Item = &Item> {
        self.items.values()
    }

    /// The number of items.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the roster has no item.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The subscription of `jid`: [`Subscription::None`] for a JID not in the roster.
    pub fn subscription(&self, jid: &Jid) -> Subscription {
        self.items
            .get(jid)
            .and_then(|i| i.subscription)
            .unwrap_or(Subscription::None)
    }

    /// Whether a stanza with this `from` comes from the user's server: no `from`, or the
    /// user's bare JID (RFC 6121 §2.1.6, correcting RFC 3921 §7.2).
    pub fn trusts(&self, from: Option<&str>) -> bool {
        match from {
            None => true,
            Some(f) => Jid::parse(f).is_ok_and(|j| j.is_bare() && j.as_str() == self.user.as_str()),
        }
    }

    /// Applies the answer to the pending roster get (RFC 3921 §7.3): a result replaces
    /// every item (an item with `subscription='remove'` in it is skipped); an error is
    /// [`RosterError::Refused`]. The roster is unchanged on any error. Returns the number
    /// of items.
    pub fn apply_result(&mut self, iq: ElementRef<'_>) -> Result<usize, RosterError> {
        if iq.name() != "iq" {
            return Err(RosterError::NotRoster { expected: RESULT });
        }
        let id = iq.attr("id");
        if id.is_none() || id != self.pending_get.as_deref() {
            return Err(RosterError::UnexpectedResult { id: id.map(clip) });
        }
        if !self.trusts(iq.attr("from")) {
            return Err(untrusted(iq));
        }
        match iq.attr("type") {
            Some("result") => {}
            Some("error") => {
                self.pending_get = None;
                let error = iq
                    .child(iq.namespace(), "error")
                    .and_then(|e| StanzaError::from_element(e).ok())
                    .unwrap_or_else(|| StanzaError::new(StanzaErrorCondition::UndefinedCondition));
                return Err(RosterError::Refused(error));
            }
            _ => return Err(RosterError::NotRoster { expected: RESULT }),
        }
        let query = iq
            .child(NS, "query")
            .ok_or(RosterError::NotRoster { expected: RESULT })?;
        let query = Query::from_element(query).map_err(RosterError::Payload)?;
        self.items = query
            .items
            .into_iter()
            .filter(|i| i.subscription != Some(Subscription::Remove))
            .map(|i| (i.jid.clone(), normalized(i)))
            .collect();
        self.pending_get = None;
        self.loaded = true;
        Ok(self.items.len())
    }

    /// Applies a roster push (RFC 3921 §7.4 to §7.6, §8): an `<iq type='set'/>` with one
    /// roster item, from the user's server. The item replaces the one with its JID, or is
    /// removed when its `subscription` is `remove`; an item without `subscription` is
    /// kept as `none`.
    ///
    /// Refused, without change to the roster: a push from anyone else than the user's
    /// server ([`RosterError::UntrustedSender`]), without exactly one item
    /// ([`RosterError::ItemCount`]), with an item that does not read
    /// ([`RosterError::Payload`]), or not a roster set at all
    /// ([`RosterError::NotRoster`]).
    pub fn apply_push(&mut self, iq: ElementRef<'_>) -> Result<AcceptedPush, RefusedPush> {
        let refuse = |error: RosterError| RefusedPush {
            reply: error.to_stanza_error().reply_to(iq),
            error,
        };
        let query = match iq.child(NS, "query") {
            Some(q) if iq.name() == "iq" && iq.attr("type") == Some("set") => q,
            _ => return Err(refuse(RosterError::NotRoster { expected: PUSH })),
        };
        if !self.trusts(iq.attr("from")) {
            return Err(refuse(untrusted(iq)));
        }
        let query = Query::from_element(query).map_err(|e| refuse(RosterError::Payload(e)))?;
        let reply = match super::requests::iq_result(iq) {
            Some(r) => r,
            None => return Err(refuse(RosterError::NotRoster { expected: PUSH })),
        };
        let mut items = query.items;
        if items.len() != 1 {
            return Err(refuse(RosterError::ItemCount(items.len())));
        }
        let Some(item) = items.pop() else {
            return Err(refuse(RosterError::ItemCount(0)));
        };
        let jid = item.jid.clone();
        let change = if item.subscription == Some(Subscription::Remove) {
            self.items.remove(&jid);
            RosterChange::Removed(jid)
        } else if self.items.insert(jid.clone(), normalized(item)).is_some() {
            RosterChange::Updated(jid)
        } else {
            RosterChange::Added(jid)
        };
        Ok(AcceptedPush { change, reply })
    }
}

/// The item as kept: `subscription` absent reads as `none` (RFC 3921 §7.1).
fn normalized(mut item: Item) -> Item {
    item.subscription.get_or_insert(Subscription::None);
    item
}

fn untrusted(iq: ElementRef<'_>) -> RosterError {
    RosterError::UntrustedSender {
        from: clip(iq.attr("from").unwrap_or_default()),
    }
}
