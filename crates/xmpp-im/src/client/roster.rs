//! The client's copy of its roster (RFC 3921 §7): filled from the result of a roster get
//! (§7.3), kept in step by roster pushes (§7.4 to §7.6, §8).
//!
//! Only the user's own server may change the roster. RFC 3921 §7.2 accepts a push without
//! `from` or with a `from` equal to the user's bare or full JID; RFC 6121 §2.1.6 narrows
//! this to no `from` or the bare JID, because a full JID can be another session's, and
//! that correction is followed here. A push with any other `from` is not applied; it is
//! answered with `service-unavailable`, the answer RFC 6121 §2.1.6 allows (a client may
//! also stay silent). RFC 6121 §2.1.6 also makes explicit that a push carries exactly one
//! item; a push with none or several is a `bad-request`. The roster holds at most
//! [`Roster::MAX_ITEMS`] items.

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
    Refused(Box<StanzaError>),
    /// A push would add an item beyond [`Roster::MAX_ITEMS`].
    Full,
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
            RosterError::Full => StanzaError::new(StanzaErrorCondition::ResourceConstraint),
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
            RosterError::Full => write!(f, "the roster holds {} items already", Roster::MAX_ITEMS),
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
    /// The most items the roster holds: a result is cut there, and a push that would add
    /// one more is refused with `resource-constraint` ([`RosterError::Full`]).
    pub const MAX_ITEMS: usize = 50_000;

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
                return Err(RosterError::Refused(Box::new(error)));
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
            .take(Self::MAX_ITEMS)
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
        if self.items.len() >= Self::MAX_ITEMS && !self.items.contains_key(&jid) {
            return Err(refuse(RosterError::Full));
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::Ask;

    fn parse(xml: &str) -> Element<'static> {
        crate::xml::parse_element(xml.as_bytes()).expect("well-formed test input")
    }

    fn jid(s: &str) -> Jid {
        Jid::parse(s).expect("valid JID")
    }

    fn juliet() -> Roster {
        Roster::new(BareJid::parse("juliet@example.com").expect("valid"))
    }

    /// RFC 3921 §7.3: the roster result of the example.
    const ROSTER_1: &str = "<iq xmlns='jabber:client' to='juliet@example.com/balcony' \
        type='result' id='roster_1'><query xmlns='jabber:iq:roster'>\
        <item jid='romeo@example.net' name='Romeo' subscription='both'><group>Friends</group></item>\
        <item jid='mercutio@example.org' name='Mercutio' subscription='from'><group>Friends</group></item>\
        <item jid='benvolio@example.org' name='Benvolio' subscription='both'><group>Friends</group></item>\
        </query></iq>";

    fn loaded() -> Roster {
        let mut r = juliet();
        r.request("roster_1");
        assert_eq!(r.apply_result(parse(ROSTER_1).as_ref()), Ok(3));
        r
    }

    fn push(r: &mut Roster, xml: &str) -> Result<AcceptedPush, RefusedPush> {
        r.apply_push(parse(xml).as_ref())
    }

    // RFC 3921 §7.3: the client requests the roster and receives it.
    #[test]
    fn roster_get_and_result() {
        let mut r = juliet();
        assert!(!r.is_loaded());
        assert_eq!(
            r.request("roster_1"),
            parse(
                "<iq xmlns='jabber:client' type='get' id='roster_1'>\
                 <query xmlns='jabber:iq:roster'/></iq>"
            )
        );
        assert!(r.is_pending("roster_1"));
        assert_eq!(r.apply_result(parse(ROSTER_1).as_ref()), Ok(3));
        assert!(r.is_loaded() && !r.is_pending("roster_1"));
        let romeo = r.get(&jid("romeo@example.net")).expect("romeo");
        assert_eq!(romeo.name.as_deref(), Some("Romeo"));
        assert_eq!(romeo.groups, ["Friends"]);
        assert_eq!(
            r.subscription(&jid("romeo@example.net")),
            Subscription::Both
        );
        assert_eq!(
            r.subscription(&jid("mercutio@example.org")),
            Subscription::From
        );
        assert_eq!(
            r.subscription(&jid("nurse@example.com")),
            Subscription::None
        );
        let order: Vec<_> = r.items().map(|i| i.jid.as_str().to_owned()).collect();
        assert_eq!(
            order,
            [
                "benvolio@example.org",
                "mercutio@example.org",
                "romeo@example.net"
            ]
        );
        // The same result a second time answers nothing pending.
        assert_eq!(
            r.apply_result(parse(ROSTER_1).as_ref()),
            Err(RosterError::UnexpectedResult {
                id: Some("roster_1".into())
            })
        );
    }

    // RFC 3921 §7.3: a result replaces the whole roster; an error leaves it as it was.
    #[test]
    fn result_replaces_and_error_keeps() {
        let mut r = loaded();
        r.request("again");
        let err = r.apply_result(
            parse(
                "<iq xmlns='jabber:client' type='error' id='again'><query xmlns='jabber:iq:roster'/>\
                 <error type='wait'><resource-constraint \
                 xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
            )
            .as_ref(),
        );
        assert_eq!(
            err,
            Err(RosterError::Refused(Box::new(StanzaError::new(
                StanzaErrorCondition::ResourceConstraint
            ))))
        );
        assert_eq!(r.len(), 3);
        r.request("empty");
        let empty = "<iq xmlns='jabber:client' type='result' id='empty'>\
                     <query xmlns='jabber:iq:roster'/></iq>";
        assert_eq!(r.apply_result(parse(empty).as_ref()), Ok(0));
        assert!(r.is_empty());
    }

    // RFC 3921 §7.4: the server pushes the new item to both resources; each answers with
    // a result carrying the push's id.
    #[test]
    fn push_adds_an_item() {
        for (resource, id) in [("balcony", "a78b4q6ha463"), ("chamber", "a78b4q6ha464")] {
            let mut r = loaded();
            let accepted = push(
                &mut r,
                &format!(
                    "<iq xmlns='jabber:client' to='juliet@example.com/{resource}' type='set' \
                     id='{id}'><query xmlns='jabber:iq:roster'>\
                     <item jid='nurse@example.com' name='Nurse' subscription='none'>\
                     <group>Servants</group></item></query></iq>"
                ),
            )
            .expect("trusted push");
            assert_eq!(
                accepted.change,
                RosterChange::Added(jid("nurse@example.com"))
            );
            assert_eq!(
                accepted.reply,
                parse(&format!(
                    "<iq xmlns='jabber:client' type='result' id='{id}'/>"
                ))
            );
            let nurse = r.get(&jid("nurse@example.com")).expect("added");
            assert_eq!(nurse.groups, ["Servants"]);
            assert_eq!(nurse.subscription, Some(Subscription::None));
            assert_eq!(r.len(), 4);
        }
    }

    // RFC 3921 §7.5: the push of the updated item (a group added) replaces the item.
    #[test]
    fn push_updates_an_item() {
        let mut r = loaded();
        let accepted = push(
            &mut r,
            "<iq xmlns='jabber:client' type='set' id='push3'><query xmlns='jabber:iq:roster'>\
             <item jid='romeo@example.net' name='Romeo' subscription='both'>\
             <group>Friends</group><group>Lovers</group></item></query></iq>",
        )
        .expect("trusted push");
        assert_eq!(
            accepted.change,
            RosterChange::Updated(jid("romeo@example.net"))
        );
        assert_eq!(
            r.get(&jid("romeo@example.net")).map(|i| i.groups.clone()),
            Some(vec!["Friends".to_owned(), "Lovers".to_owned()])
        );
        assert_eq!(r.len(), 3);
    }

    // RFC 3921 §7.6: the push with subscription='remove' deletes the item.
    #[test]
    fn push_removes_an_item() {
        let mut r = loaded();
        push(
            &mut r,
            "<iq xmlns='jabber:client' type='set' id='p1'><query xmlns='jabber:iq:roster'>\
             <item jid='nurse@example.com' name='Nurse' subscription='none'/></query></iq>",
        )
        .expect("added");
        let accepted = push(
            &mut r,
            "<iq xmlns='jabber:client' type='set' id='p2'><query xmlns='jabber:iq:roster'>\
             <item jid='nurse@example.com' subscription='remove'/></query></iq>",
        )
        .expect("trusted push");
        assert_eq!(
            accepted.change,
            RosterChange::Removed(jid("nurse@example.com"))
        );
        assert_eq!(r.get(&jid("nurse@example.com")), None);
        assert_eq!(r.len(), 3);
    }

    // RFC 3921 §8.2 and §8.6: the pushes of a subscription and of its end, seen by the
    // contact: `none` with `ask`, `to`, then `none` again.
    #[test]
    fn pushes_follow_the_subscription_flow() {
        let mut r = Roster::new(BareJid::parse("contact@example.org").expect("valid"));
        for (xml, sub, ask) in [
            (
                "<item jid='user@example.com' subscription='none' ask='subscribe'/>",
                Subscription::None,
                Some(Ask::Subscribe),
            ),
            (
                "<item jid='user@example.com' subscription='to' name='SomeUser'>\
                 <group>SomeGroup</group></item>",
                Subscription::To,
                None,
            ),
            (
                "<item jid='user@example.com' subscription='none' name='SomeUser'>\
                 <group>SomeGroup</group></item>",
                Subscription::None,
                None,
            ),
        ] {
            push(
                &mut r,
                &format!(
                    "<iq xmlns='jabber:client' type='set' id='x'>\
                     <query xmlns='jabber:iq:roster'>{xml}</query></iq>"
                ),
            )
            .expect("trusted push");
            let item = r.get(&jid("user@example.com")).expect("present");
            assert_eq!((item.subscription, item.ask), (Some(sub), ask), "{xml}");
        }
    }

    // RFC 3921 §7.2 as corrected by RFC 6121 §2.1.6: a push is applied only without
    // `from` or from the user's bare JID; others are refused with service-unavailable
    // and change nothing.
    #[test]
    fn push_from_anyone_else_is_refused() {
        let set = |from: &str| {
            format!(
                "<iq xmlns='jabber:client' {from} type='set' id='evil'>\
                 <query xmlns='jabber:iq:roster'>\
                 <item jid='iago@example.org' subscription='both'/></query></iq>"
            )
        };
        for ok in ["", "from='juliet@example.com'", "from='Juliet@Example.COM'"] {
            let mut r = loaded();
            assert!(push(&mut r, &set(ok)).is_ok(), "{ok}");
            assert_eq!(r.len(), 4);
        }
        for bad in [
            "from='iago@example.org'",
            "from='juliet@example.com/chamber'",
            "from='example.com'",
            "from='juliet@example.org'",
        ] {
            let mut r = loaded();
            let refused = push(&mut r, &set(bad)).expect_err(bad);
            assert!(
                matches!(refused.error, RosterError::UntrustedSender { .. }),
                "{bad}"
            );
            let reply = refused.reply.expect("an error reply");
            assert_eq!(reply.attr("type"), Some("error"));
            assert_eq!(reply.attr("id"), Some("evil"));
            let error = reply
                .child(xmpp_xml::CLIENT_NS, "error")
                .expect("error child");
            assert_eq!(
                StanzaError::from_element(error).map(|e| e.condition),
                Ok(StanzaErrorCondition::ServiceUnavailable)
            );
            assert_eq!(r.len(), 3, "{bad}");
            assert_eq!(r.get(&jid("iago@example.org")), None);
        }
    }

    // RFC 6121 §2.1.6 rule 1: exactly one item per push.
    #[test]
    fn push_needs_exactly_one_item() {
        let mut r = loaded();
        let none = push(
            &mut r,
            "<iq xmlns='jabber:client' type='set' id='n'><query xmlns='jabber:iq:roster'/></iq>",
        )
        .expect_err("no item");
        assert_eq!(none.error, RosterError::ItemCount(0));
        let two = push(
            &mut r,
            "<iq xmlns='jabber:client' type='set' id='t'><query xmlns='jabber:iq:roster'>\
             <item jid='a@example.org'/><item jid='b@example.org'/></query></iq>",
        )
        .expect_err("two items");
        assert_eq!(two.error, RosterError::ItemCount(2));
        assert_eq!(
            two.error.to_stanza_error().condition,
            StanzaErrorCondition::BadRequest
        );
        assert_eq!(r.len(), 3);
    }

    #[test]
    fn a_full_roster_refuses_new_items() {
        let mut r = juliet();
        for i in 0..Roster::MAX_ITEMS {
            r.items
                .insert(jid(&format!("c{i}@example.org")), Item::new(jid("x@y")));
        }
        let refused = push(
            &mut r,
            "<iq xmlns='jabber:client' type='set' id='f'><query xmlns='jabber:iq:roster'>\
             <item jid='new@example.org'/></query></iq>",
        )
        .expect_err("full");
        assert_eq!(refused.error, RosterError::Full);
        assert_eq!(
            refused.error.to_stanza_error().condition,
            StanzaErrorCondition::ResourceConstraint
        );
        // An item already there still updates, and a removal makes room.
        assert!(
            push(
                &mut r,
                "<iq xmlns='jabber:client' type='set' id='u'><query xmlns='jabber:iq:roster'>\
                 <item jid='c1@example.org' subscription='remove'/></query></iq>",
            )
            .is_ok()
        );
        assert!(
            push(
                &mut r,
                "<iq xmlns='jabber:client' type='set' id='n'><query xmlns='jabber:iq:roster'>\
                 <item jid='new@example.org'/></query></iq>",
            )
            .is_ok()
        );
    }

    #[test]
    fn bad_pushes_are_refused() {
        let mut r = loaded();
        let bad_jid = push(
            &mut r,
            "<iq xmlns='jabber:client' type='set' id='j'><query xmlns='jabber:iq:roster'>\
             <item jid='a@b@c'/></query></iq>",
        )
        .expect_err("bad jid");
        assert_eq!(
            bad_jid.error.to_stanza_error().condition,
            StanzaErrorCondition::JidMalformed
        );
        let not_set = push(
            &mut r,
            "<iq xmlns='jabber:client' type='get' id='g'><query xmlns='jabber:iq:roster'/></iq>",
        )
        .expect_err("a get");
        assert!(matches!(not_set.error, RosterError::NotRoster { .. }));
        let result = push(
            &mut r,
            "<iq xmlns='jabber:client' type='result' id='r'><query xmlns='jabber:iq:roster'>\
             <item jid='a@example.org'/></query></iq>",
        )
        .expect_err("a result");
        assert_eq!(result.reply, None);
        assert_eq!(r.len(), 3);
    }
}

#[cfg(test)]
mod props {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;

    fn any_item() -> impl Strategy<Value = Item> {
        (
            prop::sample::select(vec![
                "a@example.org",
                "b@example.org",
                "example.net",
                "c@d/e",
            ]),
            prop::option::of("[a-z ]{0,6}"),
            prop::sample::select(vec![
                None,
                Some(Subscription::None),
                Some(Subscription::To),
                Some(Subscription::From),
                Some(Subscription::Both),
                Some(Subscription::Remove),
            ]),
            prop::collection::vec("[a-z]{1,4}", 0..3),
        )
            .prop_map(|(j, name, subscription, groups)| Item {
                name,
                subscription,
                groups,
                ..Item::new(Jid::parse(j).expect("valid JID"))
            })
    }

    fn push_of(item: &Item, from: Option<&str>) -> Element<'static> {
        let mut iq = Element::new(xmpp_xml::CLIENT_NS, "iq")
            .with_attr("type", "set")
            .with_attr("id", "p");
        if let Some(f) = from {
            iq = iq.with_attr("from", f.to_owned());
        }
        iq.with_child(
            Query {
                items: vec![item.clone()],
                ..Query::default()
            }
            .to_element(),
        )
    }

    proptest! {
        /// Any sequence of trusted pushes leaves the roster equal to a map where each
        /// item replaces the one of its JID and `remove` deletes it; untrusted pushes in
        /// between change nothing.
        #[test]
        fn pushes_match_a_map(steps in prop::collection::vec((any_item(), any::<bool>()), 0..12)) {
            let mut r = Roster::new(BareJid::parse("u@example.com").expect("valid"));
            let mut model: BTreeMap<Jid, Item> = BTreeMap::new();
            for (item, trusted) in steps {
                let from = if trusted { None } else { Some("x@example.com") };
                let got = r.apply_push(push_of(&item, from).as_ref());
                prop_assert_eq!(got.is_ok(), trusted);
                if trusted {
                    if item.subscription == Some(Subscription::Remove) {
                        model.remove(&item.jid);
                    } else {
                        model.insert(item.jid.clone(), normalized(item));
                    }
                }
                let now: Vec<&Item> = r.items().collect();
                let want: Vec<&Item> = model.values().collect();
                prop_assert_eq!(now, want);
            }
        }
    }
}
