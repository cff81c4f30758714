//! The client's view of its contacts' presence (RFC 3921 §2.2, §5): which contacts are
//! available, with which resources, each resource's `<show/>`, `<status/>` and
//! `<priority/>`, and the resource to prefer.
//!
//! Received presence is applied as it comes: an available presence sets its resource's
//! state; `unavailable` removes the resource (from a bare JID: every resource of the
//! contact); a presence of type `error` (RFC 3921 §2.2.1: an error on a previously sent
//! presence) and `unsubscribed` (the contact refused or revoked the subscription, §8.2.1,
//! §8.5) make the whole contact unavailable. Other subscription types and `probe` are no
//! availability and change nothing.
//!
//! Any entity may send directed presence, so what is held is bounded: at most
//! [`PresenceView::MAX_CONTACTS`] contacts and [`PresenceView::MAX_RESOURCES`] resources
//! per contact are tracked; presence beyond that is dropped
//! ([`PresenceUpdate::Dropped`]).

use std::cmp::Ordering;
use std::collections::BTreeMap;

use xmpp_jid::BareJid;

use crate::envelope::Texts;
use crate::presence::{Presence, PresenceType, Show};

/// What an available resource announced (RFC 3921 §2.2.2).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ResourcePresence {
    /// The availability sub-state; `None` is plain available.
    pub show: Option<Show>,
    /// The `<status/>` texts per `xml:lang`.
    pub status: Texts,
    /// The priority; 0 when the presence had none (RFC 3921 §2.2.2.3).
    pub priority: i8,
}

/// What applying a presence changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PresenceUpdate {
    /// The resource (`None`: the bare JID itself) is available, with a new state.
    Available {
        /// The contact.
        contact: BareJid,
        /// The resource.
        resource: Option<String>,
    },
    /// The resource is gone; `resource: None` means every resource of the contact (an
    /// unavailable presence from the bare JID, an error, `unsubscribed`).
    Unavailable {
        /// The contact.
        contact: BareJid,
        /// The resource, or `None` for all.
        resource: Option<String>,
    },
    /// The presence says nothing about availability (subscription requests, `probe`, or
    /// no `from`).
    Ignored,
    /// An available presence not tracked because the limits were reached.
    Dropped,
}

/// One available resource: its sequence number (the order in which presence arrived) and
/// its state.
#[derive(Debug, Clone)]
struct Entry {
    seq: u64,
    presence: ResourcePresence,
}

/// The contacts' presence, by bare JID and resource.
#[derive(Debug, Clone, Default)]
pub struct PresenceView {
    contacts: BTreeMap<BareJid, BTreeMap<String, Entry>>,
    seq: u64,
}

/// How much an availability sub-state offers (chat first, dnd last), for choosing between
/// resources of equal priority.
fn show_rank(show: Option<Show>) -> u8 {
    match show {
        Some(Show::Chat) => 4,
        None => 3,
        Some(Show::Away) => 2,
        Some(Show::Xa) => 1,
        Some(Show::Dnd) => 0,
    }
}

fn resource_of(key: &str) -> Option<&str> {
    (!key.is_empty()).then_some(key)
}

impl PresenceView {
    /// The most contacts tracked at once.
    pub const MAX_CONTACTS: usize = 10_000;
    /// The most resources tracked per contact.
    pub const MAX_RESOURCES: usize = 64;

    /// An empty view: nobody is available.
    pub fn new() -> Self {
        PresenceView::default()
    }

    /// Applies a received presence stanza (see the module documentation).
    pub fn apply(&mut self, presence: &Presence) -> PresenceUpdate {
        let Some(from) = &presence.envelope.from else {
            return PresenceUpdate::Ignored;
        };
        let contact = from.to_bare();
        // The resource key: "" for the bare JID (a resource is never empty, RFC 3920 §3.4).
        let key = from.resource().unwrap_or("").to_owned();
        match presence.kind {
            PresenceType::Available => {
                let full = self.contacts.len() >= Self::MAX_CONTACTS
                    && !self.contacts.contains_key(&contact);
                if full {
                    return PresenceUpdate::Dropped;
                }
                let resources = self.contacts.entry(contact.clone()).or_default();
                if resources.len() >= Self::MAX_RESOURCES && !resources.contains_key(&key) {
                    return PresenceUpdate::Dropped;
                }
                self.seq += 1;
                resources.insert(
                    key.clone(),
                    Entry {
                        seq: self.seq,
                        presence: ResourcePresence {
                            show: presence.show,
                            status: presence.status.clone(),
                            priority: presence.priority.unwrap_or(0),
                        },
                    },
                );
                PresenceUpdate::Available {
                    contact,
                    resource: resource_of(&key).map(str::to_owned),
                }
            }
            PresenceType::Unavailable if !key.is_empty() => {
                if let Some(resources) = self.contacts.get_mut(&contact) {
                    resources.remove(&key);
                    if resources.is_empty() {
                        self.contacts.remove(&contact);
                    }
                }
                PresenceUpdate::Unavailable {
                    contact,
                    resource: Some(key),
                }
            }
            PresenceType::Unavailable | PresenceType::Error | PresenceType::Unsubscribed => {
                self.contacts.remove(&contact);
                PresenceUpdate::Unavailable {
                    contact,
                    resource: None,
                }
            }
            PresenceType::Subscribe
            | PresenceType::Subscribed
            | PresenceType::Unsubscribe
            | PresenceType::Probe => PresenceUpdate::Ignored,
        }
    }

    /// Forgets every resource of `contact` (e.g. when its roster item is removed).
    pub fn forget(&mut self, contact: &BareJid) {
        self.contacts.remove(contact);
    }

    /// Whether `contact` has at least one available resource.
    pub fn is_available(&self, contact: &BareJid) -> bool {
        self.contacts.contains_key(contact)
    }

    /// The contacts with at least one available resource, ordered by JID.
    pub fn available(&self) -> impl Iterator<Item = &BareJid> {
        self.contacts.keys()
    }

    /// The available resources of `contact`, ordered by name (`None` first: the bare JID
    /// itself sent available presence).
    pub fn resources<'a>(
        &'a self,
        contact: &BareJid,
    ) -> impl Iterator<Item = (Option<&'a str>, &'a ResourcePresence)> + 'a {
        self.contacts
            .get(contact)
            .into_iter()
            .flatten()
            .map(|(k, e)| (resource_of(k), &e.presence))
    }

    /// The state of one resource of `contact` (`None` for the bare JID itself).
    pub fn resource(&self, contact: &BareJid, resource: Option<&str>) -> Option<&ResourcePresence> {
        self.contacts
            .get(contact)?
            .get(resource.unwrap_or(""))
            .map(|e| &e.presence)
    }

    /// The resource to prefer for `contact`: the highest priority; among equal priorities
    /// the most available `<show/>` (chat, plain available, away, xa, dnd); then the one
    /// heard from last. Resources of negative priority are included: RFC 3921 §11.1 keeps
    /// them from receiving messages sent to the bare JID, which is the server's rule, not
    /// a reason to hide them.
    pub fn best(&self, contact: &BareJid) -> Option<(Option<&str>, &ResourcePresence)> {
        self.contacts
            .get(contact)?
            .iter()
            .max_by(|(_, a), (_, b)| compare(a, b))
            .map(|(k, e)| (resource_of(k), &e.presence))
    }
}

fn compare(a: &Entry, b: &Entry) -> Ordering {
    a.presence
        .priority
        .cmp(&b.presence.priority)
        .then(show_rank(a.presence.show).cmp(&show_rank(b.presence.show)))
        .then(a.seq.cmp(&b.seq))
}
