//! Evaluation of a privacy list against one stanza (RFC 3921 §10.1, §10.2, §10.14): which
//! item matches first, whether the stanza passes, and what a blocked stanza gets back.

use xmpp_core::{StanzaError, StanzaErrorCondition};
use xmpp_jid::Jid;
use xmpp_xml::{Element, ElementRef};

use super::payload::{Action, Item, ItemType, List};
use crate::roster::{self, Subscription};

/// Whether a stanza comes to the user or goes from the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// From another entity to the user (the other party is the sender).
    Inbound,
    /// From the user to another entity (the other party is the recipient).
    Outbound,
}

/// The kind of a stanza as privacy lists tell them apart (RFC 3921 §10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StanzaKind {
    /// A message of any type.
    Message,
    /// An IQ of type `get` or `set`.
    IqRequest,
    /// An IQ of type `result` or `error`.
    IqResponse,
    /// A presence notification: no `type`, or `unavailable` (RFC 3921 §10, note).
    PresenceNotification,
    /// Any other presence: subscription requests and answers, probes, errors. Only items
    /// without stanza-kind children match them (RFC 3921 §10.13).
    PresenceOther,
}

impl StanzaKind {
    /// The five kinds.
    pub const ALL: [StanzaKind; 5] = [
        StanzaKind::Message,
        StanzaKind::IqRequest,
        StanzaKind::IqResponse,
        StanzaKind::PresenceNotification,
        StanzaKind::PresenceOther,
    ];

    /// The kind of a stanza from its element name and `type` attribute; `None` for an
    /// element that is no stanza, or an IQ whose type is missing or unknown.
    pub fn classify(name: &str, kind: Option<&str>) -> Option<Self> {
        Some(match (name, kind) {
            ("message", _) => StanzaKind::Message,
            ("iq", Some("get" | "set")) => StanzaKind::IqRequest,
            ("iq", Some("result" | "error")) => StanzaKind::IqResponse,
            ("presence", None | Some("unavailable")) => StanzaKind::PresenceNotification,
            ("presence", Some(_)) => StanzaKind::PresenceOther,
            _ => return None,
        })
    }
}

/// What the user's server knows of the other party of a stanza: its address and, when
/// it is in the user's roster, the subscription and groups of its roster item (RFC 3921
/// §10.1). Built anew for each stanza, so changes of the roster count at once (§10.2
/// rule 9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Contact<'a> {
    /// The other party's address, full when it has a resource.
    pub jid: &'a Jid,
    /// The subscription of its roster item; `none` when it is not in the roster.
    pub subscription: Subscription,
    /// The groups of its roster item; empty when it is not in the roster.
    pub groups: &'a [String],
}

impl<'a> Contact<'a> {
    /// An entity that is not in the user's roster (subscription `none`, no group).
    pub fn unknown(jid: &'a Jid) -> Self {
        Contact {
            jid,
            subscription: Subscription::None,
            groups: &[],
        }
    }

    /// An entity with its roster item, if the roster has one; an item without
    /// `subscription` counts as `none`.
    pub fn new(jid: &'a Jid, item: Option<&'a roster::Item>) -> Self {
        match item {
            Some(item) => Contact {
                jid,
                subscription: item.subscription.unwrap_or(Subscription::None),
                groups: &item.groups,
            },
            None => Contact::unknown(jid),
        }
    }
}

/// Whether the item value `value` of type `jid` covers the address `jid` (RFC 3921
/// §10.1). The value's form says what it covers, in the order the RFC lists the forms:
/// `user@domain/resource` only that full JID; `user@domain` that bare JID with any
/// resource; `domain/resource` only that resource of the domain itself; `domain` the
/// domain itself, every address at it, and every address at one of its subdomains.
pub fn jid_matches(value: &Jid, jid: &Jid) -> bool {
    match (value.node(), value.resource()) {
        (Some(_), Some(_)) => value == jid,
        (Some(node), None) => jid.node() == Some(node) && jid.domain() == value.domain(),
        (None, Some(resource)) => {
            jid.node().is_none()
                && jid.domain() == value.domain()
                && jid.resource() == Some(resource)
        }
        (None, None) => {
            let (d, own) = (value.domain(), jid.domain());
            own == d || own.strip_suffix(d).is_some_and(|head| head.ends_with('.'))
        }
    }
}

impl ItemType {
    /// Whether the item's `type` and `value` cover the contact (RFC 3921 §10.1).
    pub fn matches(&self, contact: &Contact<'_>) -> bool {
        match self {
            ItemType::Jid(value) => jid_matches(value, contact.jid),
            ItemType::Group(g) => contact.groups.iter().any(|c| c == g),
            ItemType::Subscription(Subscription::Remove) => false,
            ItemType::Subscription(s) => {
                let own = match contact.subscription {
                    Subscription::Remove => Subscription::None,
                    own => own,
                };
                own == *s
            }
        }
    }
}

impl Item {
    /// Whether the item applies to a stanza of this direction and kind: every stanza when
    /// it names no kind; otherwise `<message/>` incoming messages, `<iq/>` incoming IQs,
    /// `<presence-in/>` incoming and `<presence-out/>` outgoing presence notifications
    /// (RFC 3921 §10.1).
    pub fn applies_to(&self, direction: Direction, kind: StanzaKind) -> bool {
        let k = self.kinds;
        if k.is_all() {
            return true;
        }
        match (direction, kind) {
            (Direction::Inbound, StanzaKind::Message) => k.message,
            (Direction::Inbound, StanzaKind::IqRequest | StanzaKind::IqResponse) => k.iq,
            (Direction::Inbound, StanzaKind::PresenceNotification) => k.presence_in,
            (Direction::Outbound, StanzaKind::PresenceNotification) => k.presence_out,
            _ => false,
        }
    }

    /// Whether the item matches the stanza: it applies to its kind, and its type and
    /// value cover the contact (the fall-through item covers everyone).
    pub fn matches(&self, direction: Direction, kind: StanzaKind, contact: &Contact<'_>) -> bool {
        self.applies_to(direction, kind) && self.target.as_ref().is_none_or(|t| t.matches(contact))
    }
}

impl List {
    /// The item that decides the stanza: of the matching items the one with the smallest
    /// `order` (RFC 3921 §10.2 rules 5 and 6: ascending order, the first match ends the
    /// processing); `None` when no item matches. Among items sharing an `order`, which a
    /// list read by [`List::from_element`] never has, the first in the list wins.
    pub fn first_match(
        &self,
        direction: Direction,
        kind: StanzaKind,
        contact: &Contact<'_>,
    ) -> Option<&Item> {
        let mut best: Option<&Item> = None;
        for item in &self.items {
            if best.is_some_and(|b| b.order <= item.order) {
                continue;
            }
            if item.matches(direction, kind, contact) {
                best = Some(item);
            }
        }
        best
    }
}

/// What the user's server does with a stanza after the privacy list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Process the stanza as usual (routing, delivery, subscription handling).
    Allow,
    /// Blocked: discard it without any answer.
    Drop,
    /// Blocked: discard it and answer its sender with this stanza error
    /// ([`Verdict::reply`]).
    Reject(StanzaErrorCondition),
}

impl Verdict {
    /// What a blocked stanza gets (the verdict of a `deny`):
    ///
    /// - inbound message or presence: dropped silently, no error to the sender (RFC 3921
    ///   §10.14);
    /// - inbound IQ `get` or `set`: `service-unavailable` to the sender; inbound IQ
    ///   `result` or `error`: dropped (RFC 3921 §10.14);
    /// - outbound presence notification: dropped (RFC 3921 §10.11: it is just not sent);
    /// - other outbound stanzas (message, IQ, subscription presence): `not-acceptable` to
    ///   the user. RFC 3921 names no answer for them (§10.13 only says they are not sent);
    ///   this is the condition XEP-0191 §3.5 gives the same case, and the one RFC 3920
    ///   §9.3.3 defines for a stanza the server will not process. An outbound IQ
    ///   `result` or `error` is dropped like an inbound one.
    pub fn blocked(direction: Direction, kind: StanzaKind) -> Self {
        match (direction, kind) {
            (_, StanzaKind::IqResponse)
            | (Direction::Inbound, StanzaKind::Message)
            | (Direction::Inbound, StanzaKind::PresenceNotification | StanzaKind::PresenceOther)
            | (Direction::Outbound, StanzaKind::PresenceNotification) => Verdict::Drop,
            (Direction::Inbound, StanzaKind::IqRequest) => {
                Verdict::Reject(StanzaErrorCondition::ServiceUnavailable)
            }
            (Direction::Outbound, _) => Verdict::Reject(StanzaErrorCondition::NotAcceptable),
        }
    }

    /// Whether the stanza goes on.
    pub fn is_allowed(&self) -> bool {
        *self == Verdict::Allow
    }

    /// The error answer to the blocked stanza `original` for [`Verdict::Reject`]
    /// ([`StanzaError::reply_to`]: addresses swapped, `id` and payload kept); `None` for
    /// the other verdicts, and for a stanza that must not be answered (an error, an IQ
    /// result).
    pub fn reply(&self, original: ElementRef<'_>) -> Option<Element<'static>> {
        match self {
            Verdict::Reject(c) => StanzaError::new(c.clone()).reply_to(original),
            Verdict::Allow | Verdict::Drop => None,
        }
    }
}

/// Applies the privacy list in force to a stanza exchanged with `contact` (RFC 3921
/// §10.2): the first matching item decides; `allow` lets it through, `deny` blocks it
/// ([`Verdict::blocked`]); when no item matches, the stanza is allowed (rule 7: the
/// implicit fall-through is `allow`). Without a list in force, use [`Verdict::Allow`]
/// (rule 3) or [`Lists::decide`](super::Lists::decide).
pub fn decide(
    list: &List,
    direction: Direction,
    kind: StanzaKind,
    contact: &Contact<'_>,
) -> Verdict {
    match list.first_match(direction, kind, contact) {
        Some(item) if item.action == Action::Deny => Verdict::blocked(direction, kind),
        Some(_) | None => Verdict::Allow,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::privacy::payload::Kinds;

    fn jid(s: &str) -> Jid {
        Jid::parse(s).expect("valid JID")
    }

    fn item(target: Option<ItemType>, action: Action, order: u32) -> Item {
        Item::new(target, action, order)
    }

    const IN: Direction = Direction::Inbound;
    const OUT: Direction = Direction::Outbound;

    /// RFC 3921 §10.1: the four JID forms, each covering what the RFC says and no more.
    #[test]
    fn jid_forms() {
        let full = jid("tybalt@example.com/pda");
        let other_res = jid("tybalt@example.com/home");
        let bare = jid("tybalt@example.com");
        let other_user = jid("juliet@example.com/balcony");
        let server_res = jid("example.com/admin");
        let server = jid("example.com");
        let sub = jid("user@chat.example.com/x");
        let sub_domain = jid("chat.example.com");
        let lookalike = jid("badexample.com");
        let lookalike_user = jid("tybalt@badexample.com/pda");
        let all = [
            &full,
            &other_res,
            &bare,
            &other_user,
            &server_res,
            &server,
            &sub,
            &sub_domain,
            &lookalike,
            &lookalike_user,
        ];
        let covered = |value: &str| -> Vec<&str> {
            let v = jid(value);
            all.iter()
                .filter(|j| jid_matches(&v, j))
                .map(|j| j.as_str())
                .collect()
        };
        // 1. user@domain/resource: only that resource.
        assert_eq!(
            covered("tybalt@example.com/pda"),
            ["tybalt@example.com/pda"]
        );
        // 2. user@domain: any resource of it, and the bare JID.
        assert_eq!(
            covered("tybalt@example.com"),
            [
                "tybalt@example.com/pda",
                "tybalt@example.com/home",
                "tybalt@example.com"
            ]
        );
        // 3. domain/resource: only that resource of the domain itself.
        assert_eq!(covered("example.com/admin"), ["example.com/admin"]);
        // 4. domain: the domain, its users and resources, and its subdomains; a name that
        // only ends in the same letters is not a subdomain.
        assert_eq!(
            covered("example.com"),
            [
                "tybalt@example.com/pda",
                "tybalt@example.com/home",
                "tybalt@example.com",
                "juliet@example.com/balcony",
                "example.com/admin",
                "example.com",
                "user@chat.example.com/x",
                "chat.example.com"
            ]
        );
        assert_eq!(
            covered("chat.example.com"),
            ["user@chat.example.com/x", "chat.example.com"]
        );
    }

    /// RFC 3921 §10.1: a group item covers the members of that roster group only.
    #[test]
    fn group_items_cover_members() {
        let j = jid("tybalt@example.com");
        let groups = ["Enemies".to_owned(), "Verona".to_owned()];
        let member = Contact {
            jid: &j,
            subscription: Subscription::Both,
            groups: &groups,
        };
        assert!(ItemType::Group("Enemies".into()).matches(&member));
        assert!(ItemType::Group("Verona".into()).matches(&member));
        assert!(!ItemType::Group("Friends".into()).matches(&member));
        assert!(!ItemType::Group("enemies".into()).matches(&member));
        assert!(!ItemType::Group("Enemies".into()).matches(&Contact::unknown(&j)));
    }

    /// RFC 3921 §10.1: a subscription item covers contacts of that subscription; `none`
    /// also covers entities that are not in the roster.
    #[test]
    fn subscription_items() {
        let j = jid("a@b");
        for own in [
            Subscription::None,
            Subscription::To,
            Subscription::From,
            Subscription::Both,
        ] {
            let c = Contact {
                jid: &j,
                subscription: own,
                groups: &[],
            };
            for value in [
                Subscription::None,
                Subscription::To,
                Subscription::From,
                Subscription::Both,
            ] {
                assert_eq!(ItemType::Subscription(value).matches(&c), own == value);
            }
        }
        let unknown = Contact::unknown(&j);
        assert!(ItemType::Subscription(Subscription::None).matches(&unknown));
        assert!(!ItemType::Subscription(Subscription::Both).matches(&unknown));
        assert!(!ItemType::Subscription(Subscription::Remove).matches(&unknown));
    }

    /// A roster item gives the contact its subscription and groups.
    #[test]
    fn contact_from_roster_item() {
        let j = jid("romeo@example.net");
        let mut ri = roster::Item::new(j.clone());
        ri.subscription = Some(Subscription::To);
        ri.groups = vec!["Friends".into()];
        let c = Contact::new(&j, Some(&ri));
        assert_eq!(c.subscription, Subscription::To);
        assert_eq!(c.groups, ["Friends"]);
        ri.subscription = None;
        assert_eq!(Contact::new(&j, Some(&ri)).subscription, Subscription::None);
        assert_eq!(Contact::new(&j, None), Contact::unknown(&j));
    }

    /// RFC 3921 §10.1: each stanza-kind child limits the item to its kind and direction;
    /// no child means every stanza both ways (§10.13).
    #[test]
    fn stanza_kinds_and_directions() {
        let only = |f: fn(&mut Kinds)| {
            let mut k = Kinds::ALL;
            f(&mut k);
            item(None, Action::Deny, 1).with_kinds(k)
        };
        let message = only(|k| k.message = true);
        let iq = only(|k| k.iq = true);
        let pin = only(|k| k.presence_in = true);
        let pout = only(|k| k.presence_out = true);
        let all = item(None, Action::Deny, 1);
        use StanzaKind as K;
        for dir in [IN, OUT] {
            for kind in StanzaKind::ALL {
                assert!(all.applies_to(dir, kind), "{dir:?} {kind:?}");
                assert_eq!(
                    message.applies_to(dir, kind),
                    dir == IN && kind == K::Message
                );
                assert_eq!(
                    iq.applies_to(dir, kind),
                    dir == IN && matches!(kind, K::IqRequest | K::IqResponse)
                );
                assert_eq!(
                    pin.applies_to(dir, kind),
                    dir == IN && kind == K::PresenceNotification
                );
                assert_eq!(
                    pout.applies_to(dir, kind),
                    dir == OUT && kind == K::PresenceNotification
                );
            }
        }
        let both = only(|k| {
            k.message = true;
            k.presence_out = true;
        });
        assert!(both.applies_to(IN, K::Message));
        assert!(both.applies_to(OUT, K::PresenceNotification));
        assert!(!both.applies_to(IN, K::PresenceNotification));
    }

    /// RFC 3921 §10 note: only presence without type or `unavailable` is a notification.
    #[test]
    fn classify_stanzas() {
        use StanzaKind as K;
        assert_eq!(K::classify("message", Some("chat")), Some(K::Message));
        assert_eq!(K::classify("message", None), Some(K::Message));
        assert_eq!(K::classify("iq", Some("get")), Some(K::IqRequest));
        assert_eq!(K::classify("iq", Some("set")), Some(K::IqRequest));
        assert_eq!(K::classify("iq", Some("result")), Some(K::IqResponse));
        assert_eq!(K::classify("iq", Some("error")), Some(K::IqResponse));
        assert_eq!(K::classify("iq", None), None);
        assert_eq!(K::classify("iq", Some("x")), None);
        assert_eq!(K::classify("presence", None), Some(K::PresenceNotification));
        assert_eq!(
            K::classify("presence", Some("unavailable")),
            Some(K::PresenceNotification)
        );
        for t in [
            "subscribe",
            "subscribed",
            "unsubscribe",
            "unsubscribed",
            "probe",
            "error",
        ] {
            assert_eq!(K::classify("presence", Some(t)), Some(K::PresenceOther));
        }
        assert_eq!(K::classify("query", None), None);
    }

    /// RFC 3921 §10.2 rules 5 and 6: ascending `order` whatever the document order, the
    /// first match decides.
    #[test]
    fn lowest_order_wins_regardless_of_position() {
        let t = jid("tybalt@example.com/pda");
        let c = Contact::unknown(&t);
        let list = List::new(
            "l",
            vec![
                item(None, Action::Deny, 20),
                item(
                    Some(ItemType::Jid(jid("tybalt@example.com"))),
                    Action::Allow,
                    10,
                ),
                item(Some(ItemType::Jid(jid("example.com"))), Action::Deny, 15),
            ],
        );
        assert_eq!(
            list.first_match(IN, StanzaKind::Message, &c)
                .map(|i| i.order),
            Some(10)
        );
        assert_eq!(decide(&list, IN, StanzaKind::Message, &c), Verdict::Allow);
        // Another user of the domain meets the domain item first.
        let j = jid("juliet@example.com");
        let c = Contact::unknown(&j);
        assert_eq!(
            list.first_match(IN, StanzaKind::Message, &c)
                .map(|i| i.order),
            Some(15)
        );
        assert_eq!(decide(&list, IN, StanzaKind::Message, &c), Verdict::Drop);
        // Anyone else falls through to the explicit fall-through item.
        let m = jid("mercutio@example.org");
        let c = Contact::unknown(&m);
        assert_eq!(
            list.first_match(IN, StanzaKind::Message, &c)
                .map(|i| i.order),
            Some(20)
        );
    }

    /// An item that does not apply to the stanza's kind is skipped, and a later one
    /// decides.
    #[test]
    fn kind_mismatch_falls_to_later_items() {
        let t = jid("tybalt@example.com");
        let c = Contact::unknown(&t);
        let list = List::new(
            "l",
            vec![
                item(Some(ItemType::Jid(t.clone())), Action::Allow, 1).with_kinds(Kinds {
                    message: true,
                    ..Kinds::ALL
                }),
                item(None, Action::Deny, 2),
            ],
        );
        assert_eq!(decide(&list, IN, StanzaKind::Message, &c), Verdict::Allow);
        assert_eq!(
            decide(&list, IN, StanzaKind::IqRequest, &c),
            Verdict::Reject(StanzaErrorCondition::ServiceUnavailable)
        );
    }

    /// RFC 3921 §10.2 rule 7: without a matching item the stanza is allowed, both ways
    /// and for every kind; an empty list allows everything.
    #[test]
    fn default_allow() {
        let t = jid("tybalt@example.com");
        let c = Contact::unknown(&t);
        let list = List::new(
            "l",
            vec![item(
                Some(ItemType::Jid(jid("paris@example.org"))),
                Action::Deny,
                1,
            )],
        );
        let empty = List::new("e", Vec::new());
        for dir in [IN, OUT] {
            for kind in StanzaKind::ALL {
                assert_eq!(decide(&list, dir, kind, &c), Verdict::Allow);
                assert_eq!(decide(&empty, dir, kind, &c), Verdict::Allow);
            }
        }
    }

    /// A matching `allow` stops the processing even when a later item would deny.
    #[test]
    fn first_allow_stops_processing() {
        let t = jid("tybalt@example.com");
        let c = Contact {
            jid: &t,
            subscription: Subscription::Both,
            groups: &[],
        };
        let list = List::new(
            "private",
            vec![
                item(
                    Some(ItemType::Subscription(Subscription::Both)),
                    Action::Allow,
                    10,
                ),
                item(None, Action::Deny, 15),
            ],
        );
        for kind in StanzaKind::ALL {
            assert_eq!(decide(&list, IN, kind, &c), Verdict::Allow);
        }
    }

    /// RFC 3921 §10.14, and the outbound answers chosen in [`Verdict::blocked`].
    #[test]
    fn what_blocked_stanzas_get() {
        use StanzaKind as K;
        use Verdict::*;
        let na = || Reject(StanzaErrorCondition::NotAcceptable);
        let cases = [
            (IN, K::Message, Drop),
            (IN, K::PresenceNotification, Drop),
            (IN, K::PresenceOther, Drop),
            (
                IN,
                K::IqRequest,
                Reject(StanzaErrorCondition::ServiceUnavailable),
            ),
            (IN, K::IqResponse, Drop),
            (OUT, K::Message, na()),
            (OUT, K::PresenceNotification, Drop),
            (OUT, K::PresenceOther, na()),
            (OUT, K::IqRequest, na()),
            (OUT, K::IqResponse, Drop),
        ];
        let t = jid("tybalt@example.com/pda");
        let c = Contact::unknown(&t);
        let deny_all = List::new("all", vec![item(None, Action::Deny, 7)]);
        for (dir, kind, want) in cases {
            assert_eq!(
                Verdict::blocked(dir, kind),
                want.clone(),
                "{dir:?} {kind:?}"
            );
            assert_eq!(
                decide(&deny_all, dir, kind, &c),
                want.clone(),
                "{dir:?} {kind:?}"
            );
            assert!(!want.is_allowed());
        }
    }

    /// RFC 3921 §10.14: the example answer to a blocked IQ get.
    #[test]
    fn blocked_iq_get_reply() {
        let original = crate::xml::parse_element(
            b"<iq xmlns='jabber:client' type='get' to='romeo@example.net' \
              from='tybalt@example.com/pda' id='probing1'>\
              <query xmlns='jabber:iq:version'/></iq>",
        )
        .expect("well-formed");
        let v = Verdict::blocked(IN, StanzaKind::IqRequest);
        let reply = v.reply(original.as_ref()).expect("an answer");
        assert_eq!(reply.attr("type"), Some("error"));
        assert_eq!(reply.attr("to"), Some("tybalt@example.com/pda"));
        assert_eq!(reply.attr("from"), Some("romeo@example.net"));
        assert_eq!(reply.attr("id"), Some("probing1"));
        assert!(reply.child("jabber:iq:version", "query").is_some());
        let err = reply.child("jabber:client", "error").expect("error child");
        assert_eq!(err.attr("type"), Some("cancel"));
        assert!(
            err.child("urn:ietf:params:xml:ns:xmpp-stanzas", "service-unavailable")
                .is_some()
        );
        assert_eq!(Verdict::Drop.reply(original.as_ref()), None);
        assert_eq!(Verdict::Allow.reply(original.as_ref()), None);
        // An IQ result is never answered.
        let result = crate::xml::parse_element(
            b"<iq xmlns='jabber:client' type='result' id='r' from='a@b/c'/>",
        )
        .expect("well-formed");
        assert_eq!(
            Verdict::Reject(StanzaErrorCondition::ServiceUnavailable).reply(result.as_ref()),
            None
        );
    }
}

#[cfg(test)]
mod props {
    use proptest::prelude::*;

    use super::*;
    use crate::privacy::payload::Kinds;

    fn any_target() -> impl Strategy<Value = Option<ItemType>> {
        prop_oneof![
            Just(None),
            prop::sample::select(vec![
                "tybalt@example.com/pda",
                "tybalt@example.com",
                "example.com/pda",
                "example.com",
                "chat.example.com",
                "example.org",
            ])
            .prop_map(|j| Some(ItemType::Jid(Jid::parse(j).expect("valid JID")))),
            prop::sample::select(vec!["Enemies", "Friends"])
                .prop_map(|g| Some(ItemType::Group(g.to_owned()))),
            prop::sample::select(vec![
                Subscription::None,
                Subscription::To,
                Subscription::From,
                Subscription::Both,
            ])
            .prop_map(|s| Some(ItemType::Subscription(s))),
        ]
    }

    fn any_item() -> impl Strategy<Value = Item> {
        (any_target(), any::<bool>(), 0u32..20, any::<[bool; 4]>()).prop_map(
            |(target, allow, order, k)| {
                let action = if allow { Action::Allow } else { Action::Deny };
                Item::new(target, action, order).with_kinds(Kinds {
                    message: k[0],
                    iq: k[1],
                    presence_in: k[2],
                    presence_out: k[3],
                })
            },
        )
    }

    proptest! {
        /// The one-pass choice equals sorting the items by `order` (stable, so the first
        /// of equal orders stays first) and taking the first that matches (RFC 3921
        /// §10.2 rules 5 to 7).
        #[test]
        fn decide_is_sorted_first_match(
            items in prop::collection::vec(any_item(), 0..8),
            who in prop::sample::select(vec![
                "tybalt@example.com/pda",
                "tybalt@example.com/home",
                "juliet@example.com",
                "example.com/pda",
                "user@chat.example.com",
                "paris@example.org/x",
            ]),
            sub in prop::sample::select(vec![
                Subscription::None,
                Subscription::To,
                Subscription::From,
                Subscription::Both,
            ]),
            enemy in any::<bool>(),
            inbound in any::<bool>(),
            kind in prop::sample::select(StanzaKind::ALL.to_vec()),
        ) {
            let jid = Jid::parse(who).expect("valid JID");
            let groups = if enemy { vec!["Enemies".to_owned()] } else { Vec::new() };
            let contact = Contact { jid: &jid, subscription: sub, groups: &groups };
            let dir = if inbound { Direction::Inbound } else { Direction::Outbound };
            let list = List::new("l", items);
            let mut sorted: Vec<&Item> = list.items.iter().collect();
            sorted.sort_by_key(|i| i.order);
            let naive = sorted.into_iter().find(|i| i.matches(dir, kind, &contact));
            prop_assert_eq!(list.first_match(dir, kind, &contact), naive);
            let want = match naive {
                Some(i) if i.action == Action::Deny => Verdict::blocked(dir, kind),
                _ => Verdict::Allow,
            };
            prop_assert_eq!(decide(&list, dir, kind, &contact), want);
        }
    }
}
