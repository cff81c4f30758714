//! The client's view of its contacts' presence (RFC 3921 §2.2, §5): which contacts are
//! available, with which resources, each resource's `<show/>`, `<status/>` and
//! `<priority/>`, and the resource to prefer.
//!
//! Received presence is applied as it comes: an available presence sets its resource's
//! state; `unavailable` removes the resource (from a bare JID: every resource of the
//! contact); a presence of type `error` (RFC 3921 §2.2.1: an error on a previously sent
//! presence) and `unsubscribed` (the contact refused or revoked the subscription, §8.2.1,
//! §8.5) make the whole contact unavailable. Other subscription types and `probe` are no
//! availability and change nothing. The user's own other resources, whose presence the
//! server also sends (RFC 3921 §5.1.2), are kept like a contact's, under the user's bare
//! JID.
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

#[cfg(test)]
mod tests {
    use super::*;
    use xmpp_xml::Element;

    fn parse(xml: &str) -> Element<'static> {
        crate::xml::parse_element(xml.as_bytes()).expect("well-formed test input")
    }

    fn presence(xml: &str) -> Presence {
        Presence::from_element(parse(xml).as_ref()).expect("valid presence")
    }

    fn bare(s: &str) -> BareJid {
        BareJid::parse(s).expect("valid")
    }

    fn apply(v: &mut PresenceView, xml: &str) -> PresenceUpdate {
        v.apply(&presence(xml))
    }

    // RFC 3921 §5.1.2 and §2.2.2: two resources of Romeo announce themselves with show,
    // status and priority.
    #[test]
    fn resources_with_show_status_priority() {
        let mut v = PresenceView::new();
        let romeo = bare("romeo@example.net");
        assert!(!v.is_available(&romeo));
        assert_eq!(
            apply(
                &mut v,
                "<presence xmlns='jabber:client' from='romeo@example.net/orchard'>\
                 <show>away</show><status>be right back</status><priority>1</priority></presence>"
            ),
            PresenceUpdate::Available {
                contact: romeo.clone(),
                resource: Some("orchard".into())
            }
        );
        apply(
            &mut v,
            "<presence xmlns='jabber:client' from='romeo@example.net/garden'>\
             <priority>5</priority></presence>",
        );
        assert!(v.is_available(&romeo));
        let names: Vec<_> = v.resources(&romeo).map(|(r, _)| r).collect();
        assert_eq!(names, [Some("garden"), Some("orchard")]);
        let orchard = v.resource(&romeo, Some("orchard")).expect("orchard");
        assert_eq!(orchard.show, Some(Show::Away));
        assert_eq!(orchard.status[""], "be right back");
        assert_eq!(orchard.priority, 1);
        assert_eq!(v.best(&romeo).map(|(r, _)| r), Some(Some("garden")));
        assert_eq!(v.available().collect::<Vec<_>>(), [&romeo]);
    }

    // RFC 3921 §2.2.2.3: no priority is 0; the best resource is the highest priority,
    // then the most available show, then the latest.
    #[test]
    fn best_resource() {
        let mut v = PresenceView::new();
        let c = bare("c@example.org");
        apply(
            &mut v,
            "<presence xmlns='jabber:client' from='c@example.org/a'><priority>-1</priority></presence>",
        );
        assert_eq!(
            v.best(&c).map(|(r, p)| (r, p.priority)),
            Some((Some("a"), -1))
        );
        apply(
            &mut v,
            "<presence xmlns='jabber:client' from='c@example.org/b'><show>dnd</show></presence>",
        );
        assert_eq!(
            v.best(&c).map(|(r, p)| (r, p.priority)),
            Some((Some("b"), 0))
        );
        apply(
            &mut v,
            "<presence xmlns='jabber:client' from='c@example.org/c'><show>xa</show></presence>",
        );
        assert_eq!(v.best(&c).map(|(r, _)| r), Some(Some("c")));
        apply(
            &mut v,
            "<presence xmlns='jabber:client' from='c@example.org/d'/>",
        );
        assert_eq!(v.best(&c).map(|(r, _)| r), Some(Some("d")));
        apply(
            &mut v,
            "<presence xmlns='jabber:client' from='c@example.org/e'/>",
        );
        assert_eq!(
            v.best(&c).map(|(r, _)| r),
            Some(Some("e")),
            "latest of equals"
        );
        apply(
            &mut v,
            "<presence xmlns='jabber:client' from='c@example.org/f'><show>chat</show></presence>",
        );
        assert_eq!(v.best(&c).map(|(r, _)| r), Some(Some("f")));
        // An update of `d` to a higher priority makes it the best.
        apply(
            &mut v,
            "<presence xmlns='jabber:client' from='c@example.org/d'><priority>3</priority></presence>",
        );
        assert_eq!(
            v.best(&c).map(|(r, p)| (r, p.priority)),
            Some((Some("d"), 3))
        );
        assert_eq!(v.best(&bare("nobody@example.org")), None);
    }

    // RFC 3921 §5.1.5: unavailable presence removes the resource; the contact is
    // unavailable once it has none.
    #[test]
    fn unavailable_removes_a_resource() {
        let mut v = PresenceView::new();
        let romeo = bare("romeo@example.net");
        apply(
            &mut v,
            "<presence xmlns='jabber:client' from='romeo@example.net/orchard'/>",
        );
        apply(
            &mut v,
            "<presence xmlns='jabber:client' from='romeo@example.net/garden'/>",
        );
        assert_eq!(
            apply(
                &mut v,
                "<presence xmlns='jabber:client' from='romeo@example.net/orchard' type='unavailable'/>"
            ),
            PresenceUpdate::Unavailable {
                contact: romeo.clone(),
                resource: Some("orchard".into())
            }
        );
        assert!(v.is_available(&romeo));
        assert_eq!(v.resource(&romeo, Some("orchard")), None);
        apply(
            &mut v,
            "<presence xmlns='jabber:client' from='romeo@example.net/garden' type='unavailable'/>",
        );
        assert!(!v.is_available(&romeo));
        assert_eq!(v.available().count(), 0);
    }

    // RFC 3921 §8.6: unavailable from the bare JID, §8.2.1 and §8.5: unsubscribed, and
    // §2.2.1: an error presence, each make every resource unavailable.
    #[test]
    fn bare_unavailable_unsubscribed_and_error_clear_the_contact() {
        for end in [
            "<presence xmlns='jabber:client' from='user@example.com' type='unavailable'/>",
            "<presence xmlns='jabber:client' from='user@example.com' type='unsubscribed'/>",
            "<presence xmlns='jabber:client' from='user@example.com/r1' type='unsubscribed'/>",
            "<presence xmlns='jabber:client' from='user@example.com' type='error'>\
             <error type='cancel'><remote-server-not-found \
             xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></presence>",
        ] {
            let mut v = PresenceView::new();
            let user = bare("user@example.com");
            apply(
                &mut v,
                "<presence xmlns='jabber:client' from='user@example.com/r1'/>",
            );
            apply(
                &mut v,
                "<presence xmlns='jabber:client' from='user@example.com/r2'/>",
            );
            assert_eq!(
                apply(&mut v, end),
                PresenceUpdate::Unavailable {
                    contact: user.clone(),
                    resource: None
                },
                "{end}"
            );
            assert!(!v.is_available(&user), "{end}");
        }
    }

    // RFC 3921 §2.2.1: subscription types and probes say nothing about availability; a
    // presence without `from` is the server's own and is not a contact's.
    #[test]
    fn other_types_are_ignored() {
        let mut v = PresenceView::new();
        apply(
            &mut v,
            "<presence xmlns='jabber:client' from='a@example.org/r'/>",
        );
        for t in ["subscribe", "subscribed", "unsubscribe", "probe"] {
            assert_eq!(
                apply(
                    &mut v,
                    &format!("<presence xmlns='jabber:client' from='a@example.org' type='{t}'/>")
                ),
                PresenceUpdate::Ignored
            );
            assert!(v.is_available(&bare("a@example.org")), "{t}");
        }
        assert_eq!(
            apply(&mut v, "<presence xmlns='jabber:client'/>"),
            PresenceUpdate::Ignored
        );
        v.forget(&bare("a@example.org"));
        assert!(!v.is_available(&bare("a@example.org")));
    }

    // A presence from a bare JID (a server or service) is kept under no resource.
    #[test]
    fn bare_available() {
        let mut v = PresenceView::new();
        let s = bare("service.example.org");
        apply(
            &mut v,
            "<presence xmlns='jabber:client' from='service.example.org'/>",
        );
        assert_eq!(v.best(&s).map(|(r, _)| r), Some(None));
        assert!(v.resource(&s, None).is_some());
    }

    #[test]
    fn limits_bound_what_is_held() {
        let mut v = PresenceView::new();
        for i in 0..PresenceView::MAX_RESOURCES + 3 {
            apply(
                &mut v,
                &format!("<presence xmlns='jabber:client' from='a@b/r{i}'/>"),
            );
        }
        assert_eq!(
            v.resources(&bare("a@b")).count(),
            PresenceView::MAX_RESOURCES
        );
        assert_eq!(
            apply(&mut v, "<presence xmlns='jabber:client' from='a@b/new'/>"),
            PresenceUpdate::Dropped
        );
        // A known resource still updates.
        assert!(matches!(
            apply(
                &mut v,
                "<presence xmlns='jabber:client' from='a@b/r0'><show>xa</show></presence>"
            ),
            PresenceUpdate::Available { .. }
        ));
        for i in 0..PresenceView::MAX_CONTACTS {
            apply(
                &mut v,
                &format!("<presence xmlns='jabber:client' from='c{i}@b/r'/>"),
            );
        }
        assert_eq!(v.available().count(), PresenceView::MAX_CONTACTS);
        assert_eq!(
            apply(&mut v, "<presence xmlns='jabber:client' from='late@b/r'/>"),
            PresenceUpdate::Dropped
        );
    }
}

#[cfg(test)]
mod props {
    use std::collections::BTreeMap;

    use proptest::prelude::*;
    use xmpp_jid::Jid;

    use super::*;
    use crate::envelope::Envelope;

    fn any_presence() -> impl Strategy<Value = Presence> {
        (
            prop::sample::select(vec!["a@x", "b@x"]),
            prop::sample::select(vec![None, Some("r1"), Some("r2"), Some("r3")]),
            prop::sample::select(vec![
                PresenceType::Available,
                PresenceType::Available,
                PresenceType::Unavailable,
                PresenceType::Unsubscribed,
                PresenceType::Subscribe,
            ]),
            prop::option::of(any::<i8>()),
        )
            .prop_map(|(node, res, kind, priority)| {
                let from = match res {
                    Some(r) => format!("{node}/{r}"),
                    None => node.to_owned(),
                };
                Presence {
                    envelope: Envelope {
                        from: Some(Jid::parse(&from).expect("valid")),
                        ..Envelope::default()
                    },
                    kind,
                    priority,
                    ..Presence::new()
                }
            })
    }

    proptest! {
        /// After any sequence, the available resources are exactly those whose last
        /// presence was available and not cleared since, and the best one has the
        /// highest priority among them.
        #[test]
        fn view_matches_a_model(steps in prop::collection::vec(any_presence(), 0..20)) {
            let mut v = PresenceView::new();
            let mut model: BTreeMap<(String, String), i8> = BTreeMap::new();
            for p in &steps {
                v.apply(p);
                let from = p.envelope.from.as_ref().expect("from");
                let c = from.to_bare().as_str().to_owned();
                let r = from.resource().unwrap_or("").to_owned();
                match p.kind {
                    PresenceType::Available => {
                        model.insert((c, r), p.priority.unwrap_or(0));
                    }
                    PresenceType::Unavailable if !r.is_empty() => {
                        model.remove(&(c, r));
                    }
                    PresenceType::Unavailable | PresenceType::Unsubscribed => {
                        model.retain(|(mc, _), _| *mc != c);
                    }
                    _ => {}
                }
            }
            for c in ["a@x", "b@x"] {
                let contact = BareJid::parse(c).expect("valid");
                let got: Vec<(String, i8)> = v
                    .resources(&contact)
                    .map(|(r, p)| (r.unwrap_or("").to_owned(), p.priority))
                    .collect();
                let want: Vec<(String, i8)> = model
                    .iter()
                    .filter(|((mc, _), _)| mc == c)
                    .map(|((_, r), p)| (r.clone(), *p))
                    .collect();
                prop_assert_eq!(&got, &want);
                prop_assert_eq!(v.is_available(&contact), !want.is_empty());
                let top = want.iter().map(|(_, p)| *p).max();
                prop_assert_eq!(v.best(&contact).map(|(_, p)| p.priority), top);
            }
        }
    }
}
