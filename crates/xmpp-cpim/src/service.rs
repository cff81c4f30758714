//! The state a gateway acting as presence service keeps (RFC 3922 §6), as plain values
//! the caller owns and drives: subscriptions between watchers and targets, and the last
//! presence of each resource.
//!
//! [`Subscriptions`] holds each subscription from request to cancellation: a second
//! request while one is pending or active is a conflict (§6.1); an approval makes it
//! active, a refusal forgets it (§6.1, §6.2); `unsubscribe`, `unsubscribed` or a zero
//! duration end it (§6.4, §6.5). [`Subscriptions::notifications`] gives the notify
//! operation's stanzas: one per active watcher, none for a refused or ended subscription.
//!
//! [`Resources`] keeps the last presence of each resource: [`Resources::update`] says
//! whether a presence changes the resource's availability (§6.3.1: a gateway SHOULD
//! emit a presence only then), and [`Resources::document`] is the one PIDF document for
//! all of a user's resources (§6.3.1), to send after any change.

use std::collections::BTreeMap;

use xmpp_im::presence::{Presence, PresenceType};
use xmpp_jid::{BareJid, Jid};

use crate::cpp::Outcome;
use crate::error::MapError;
use crate::options::EncodeOptions;
use crate::pidf::Pidf;

/// Where a subscription stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Requested, not yet answered.
    Pending,
    /// Approved: the watcher is notified of every change.
    Active,
}

/// Subscriptions through the gateway, keyed by watcher and target (bare JIDs).
#[derive(Debug, Clone, Default)]
pub struct Subscriptions {
    map: BTreeMap<(String, String), State>,
}

fn key(watcher: &BareJid, target: &BareJid) -> (String, String) {
    (watcher.as_str().to_owned(), target.as_str().to_owned())
}

impl Subscriptions {
    /// No subscriptions.
    pub fn new() -> Self {
        Subscriptions::default()
    }

    /// A subscribe request (§6.1, §6.2): pending now, or [`Outcome::Conflict`] when a
    /// subscription exists or is in progress.
    pub fn request(&mut self, watcher: &BareJid, target: &BareJid) -> Result<(), Outcome> {
        let k = key(watcher, target);
        if self.map.contains_key(&k) {
            return Err(Outcome::Conflict);
        }
        self.map.insert(k, State::Pending);
        Ok(())
    }

    /// The target's answer to a pending request: approved, the subscription is active;
    /// refused, it is forgotten. Returns whether it is active.
    pub fn answer(&mut self, watcher: &BareJid, target: &BareJid, approved: bool) -> bool {
        let k = key(watcher, target);
        match self.map.get_mut(&k) {
            Some(s) if approved => {
                *s = State::Active;
                true
            }
            Some(_) => {
                self.map.remove(&k);
                false
            }
            None => false,
        }
    }

    /// Ends a subscription (§6.4, §6.5); returns whether there was one.
    pub fn cancel(&mut self, watcher: &BareJid, target: &BareJid) -> bool {
        self.map.remove(&key(watcher, target)).is_some()
    }

    /// Where the subscription of `watcher` to `target` stands.
    pub fn state(&self, watcher: &BareJid, target: &BareJid) -> Option<State> {
        self.map.get(&key(watcher, target)).copied()
    }

    /// The notify operation for a presence of `presence`'s sender: a copy addressed to
    /// each active watcher, in watcher order.
    pub fn notifications(&self, presence: &Presence) -> Vec<Presence> {
        let Some(from) = &presence.envelope.from else {
            return Vec::new();
        };
        let target = from.to_bare();
        self.map
            .iter()
            .filter(|((_, t), s)| t == target.as_str() && **s == State::Active)
            .filter_map(|((w, _), _)| Jid::parse(w).ok())
            .map(|w| {
                let mut p = presence.clone();
                p.envelope.to = Some(w);
                p
            })
            .collect()
    }
}

/// The last presence of each resource the gateway has seen.
#[derive(Debug, Clone, Default)]
pub struct Resources {
    map: BTreeMap<String, Presence>,
}

impl Resources {
    /// No resources.
    pub fn new() -> Self {
        Resources::default()
    }

    /// Records an available or unavailable presence; returns whether it changes the
    /// availability of its resource (the first presence of a resource does). Other
    /// types and presences without `from` are not recorded.
    pub fn update(&mut self, presence: &Presence) -> bool {
        let Some(from) = &presence.envelope.from else {
            return false;
        };
        if !matches!(
            presence.kind,
            PresenceType::Available | PresenceType::Unavailable
        ) {
            return false;
        }
        let previous = self.map.insert(from.as_str().to_owned(), presence.clone());
        previous.is_none_or(|p| p.kind != presence.kind)
    }

    /// One document with a tuple for each resource of `user` seen (§6.3.1).
    pub fn document(&self, user: &BareJid, options: &EncodeOptions) -> Result<Pidf, MapError> {
        let mine: Vec<Presence> = self
            .map
            .values()
            .filter(|p| {
                p.envelope
                    .from
                    .as_ref()
                    .is_some_and(|f| f.to_bare() == *user)
            })
            .cloned()
            .collect();
        crate::presence::to_pidf_all(&mine, options)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bare(s: &str) -> BareJid {
        BareJid::parse(s).expect("JID")
    }

    fn presence(from: &str, kind: PresenceType) -> Presence {
        let mut p = Presence::new();
        p.envelope.from = Some(Jid::parse(from).expect("JID"));
        p.kind = kind;
        p
    }

    #[test]
    fn subscription_lifecycle() {
        let (w, t) = (bare("juliet@example.com"), bare("romeo@example.net"));
        let mut s = Subscriptions::new();
        assert_eq!(s.request(&w, &t), Ok(()));
        assert_eq!(s.request(&w, &t), Err(Outcome::Conflict));
        let update = presence("romeo@example.net/orchard", PresenceType::Available);
        assert!(
            s.notifications(&update).is_empty(),
            "pending: no notification"
        );
        assert!(s.answer(&w, &t, true));
        let n = s.notifications(&update);
        assert_eq!(n.len(), 1);
        assert_eq!(
            n[0].envelope.to.as_ref().map(|j| j.as_str()),
            Some("juliet@example.com")
        );
        assert!(s.cancel(&w, &t));
        assert!(
            s.notifications(&update).is_empty(),
            "ended: no notification"
        );
        assert_eq!(s.request(&w, &t), Ok(()));
        assert!(!s.answer(&w, &t, false));
        assert_eq!(s.state(&w, &t), None);
        assert!(
            s.notifications(&update).is_empty(),
            "refused: no notification"
        );
    }

    #[test]
    fn resources_changes_and_document() {
        let mut r = Resources::new();
        assert!(r.update(&presence(
            "juliet@example.com/balcony",
            PresenceType::Available
        )));
        assert!(!r.update(&presence(
            "juliet@example.com/balcony",
            PresenceType::Available
        )));
        assert!(r.update(&presence(
            "juliet@example.com/chamber",
            PresenceType::Available
        )));
        assert!(r.update(&presence(
            "juliet@example.com/balcony",
            PresenceType::Unavailable
        )));
        assert!(!r.update(&presence("juliet@example.com/x", PresenceType::Probe)));
        r.update(&presence(
            "romeo@example.net/orchard",
            PresenceType::Available,
        ));
        let doc = r
            .document(&bare("juliet@example.com"), &EncodeOptions::default())
            .expect("document");
        let ids: Vec<&str> = doc.tuples.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["balcony", "chamber"]);
    }
}
