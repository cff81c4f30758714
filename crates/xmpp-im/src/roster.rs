//! The roster payload, `<query xmlns='jabber:iq:roster'/>` (RFC 3921 §7), read from and
//! written to [`Element`]s.
//!
//! Reading keeps what it does not know: attributes other than the defined ones and child
//! elements of other namespaces or names stay in `extra_attrs` and `extensions` and are
//! written back (after the known content). Text directly inside `<query/>` or `<item/>`
//! (whitespace between children) is not kept.

use xmpp_jid::Jid;
use xmpp_xml::{Attribute, Element, ElementRef};

use crate::error::{PayloadError, clip};
use crate::subscription::State;

/// The roster namespace (RFC 3921 §7).
pub const NS: &str = "jabber:iq:roster";

/// The `subscription` attribute of a roster item (RFC 3921 §7.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Subscription {
    /// `none`: neither has the other's presence.
    None,
    /// `to`: the user has the contact's presence.
    To,
    /// `from`: the contact has the user's presence.
    From,
    /// `both`: each has the other's presence.
    Both,
    /// `remove`: in a roster set, removes the item (RFC 3921 §7.3, §8.6).
    Remove,
}

impl Subscription {
    /// The attribute value.
    pub fn as_str(self) -> &'static str {
        match self {
            Subscription::None => "none",
            Subscription::To => "to",
            Subscription::From => "from",
            Subscription::Both => "both",
            Subscription::Remove => "remove",
        }
    }

    /// The value for an attribute value, if it is one of the five.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "none" => Subscription::None,
            "to" => Subscription::To,
            "from" => Subscription::From,
            "both" => Subscription::Both,
            "remove" => Subscription::Remove,
            _ => return None,
        })
    }

    /// The `subscription` a roster item shows for a state (RFC 3921 §9.1); the pending
    /// sub-states show as [`Ask`] (outbound) or not at all (inbound).
    pub fn of_state(state: State) -> Self {
        match (
            state.user_subscribed_to_contact(),
            state.contact_subscribed_to_user(),
        ) {
            (false, false) => Subscription::None,
            (true, false) => Subscription::To,
            (false, true) => Subscription::From,
            (true, true) => Subscription::Both,
        }
    }
}

/// The `ask` attribute of a roster item (RFC 3921 §7.1, schema of Appendix A.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ask {
    /// `subscribe`: the user's subscription request is pending (RFC 3921 §8.2).
    Subscribe,
}

impl Ask {
    /// The attribute value.
    pub fn as_str(self) -> &'static str {
        "subscribe"
    }

    /// The `ask` a roster item shows for a state: `subscribe` while the user's request is
    /// pending (RFC 3921 §8.2 step 4).
    pub fn of_state(state: State) -> Option<Self> {
        state.pending_out().then_some(Ask::Subscribe)
    }
}

/// One `<item/>` of a roster (RFC 3921 §7.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The contact's JID (required).
    pub jid: Jid,
    /// The user's name for the contact.
    pub name: Option<String>,
    /// The subscription; absent in a roster set that adds or updates an item (§7.4).
    pub subscription: Option<Subscription>,
    /// A pending request of the user's.
    pub ask: Option<Ask>,
    /// The `<group/>` names, in order.
    pub groups: Vec<String>,
    /// Attributes other than `jid`, `name`, `subscription` and `ask`, in order.
    pub extra_attrs: Vec<Attribute<'static>>,
    /// Child elements other than the roster namespace's `<group/>`, in order.
    pub extensions: Vec<Element<'static>>,
}

impl Item {
    /// An item with only a JID.
    pub fn new(jid: Jid) -> Self {
        Item {
            jid,
            name: None,
            subscription: None,
            ask: None,
            groups: Vec::new(),
            extra_attrs: Vec::new(),
            extensions: Vec::new(),
        }
    }

    /// Reads an `<item xmlns='jabber:iq:roster'/>`.
    ///
    /// Errors: not a roster item; no `jid` (`bad-request`); a `jid` that is not a JID
    /// (`jid-malformed`); a `subscription` or `ask` outside the defined values
    /// (`bad-request`). See [`PayloadError::condition`].
    pub fn from_element(e: ElementRef<'_>) -> Result<Self, PayloadError> {
        if !e.is(NS, "item") {
            return Err(PayloadError::UnexpectedElement {
                expected: "{jabber:iq:roster}item",
            });
        }
        let mut jid = None;
        let mut name = None;
        let mut subscription = None;
        let mut ask = None;
        let mut extra_attrs = Vec::new();
        for a in e.attributes() {
            if !a.namespace.is_empty() {
                extra_attrs.push(a.clone().into_owned());
                continue;
            }
            let v = &*a.value;
            match &*a.name {
                "jid" => {
                    jid = Some(Jid::parse(v).map_err(|_| PayloadError::InvalidJid {
                        element: "item",
                        attribute: "jid",
                        value: clip(v),
                    })?)
                }
                "name" => name = Some(v.to_owned()),
                "subscription" => {
                    subscription = Some(Subscription::from_name(v).ok_or_else(|| {
                        PayloadError::InvalidValue {
                            element: "item",
                            field: "subscription",
                            value: clip(v),
                        }
                    })?)
                }
                "ask" => {
                    if v != "subscribe" {
                        return Err(PayloadError::InvalidValue {
                            element: "item",
                            field: "ask",
                            value: clip(v),
                        });
                    }
                    ask = Some(Ask::Subscribe)
                }
                _ => extra_attrs.push(a.clone().into_owned()),
            }
        }
        let mut item = Item {
            name,
            subscription,
            ask,
            extra_attrs,
            ..Item::new(jid.ok_or_else(missing_jid)?)
        };
        for c in e.elements() {
            if c.is(NS, "group") {
                item.groups.push(c.text().into_owned());
            } else {
                item.extensions.push(c.to_owned_element());
            }
        }
        Ok(item)
    }

    /// Writes the item: the defined attributes, the extra ones, the groups, the
    /// extensions.
    pub fn to_element(&self) -> Element<'static> {
        let mut e = Element::new(NS, "item").with_attr("jid", self.jid.as_str().to_owned());
        if let Some(n) = &self.name {
            e = e.with_attr("name", n.clone());
        }
        if let Some(s) = self.subscription {
            e = e.with_attr("subscription", s.as_str());
        }
        if let Some(a) = self.ask {
            e = e.with_attr("ask", a.as_str());
        }
        for a in &self.extra_attrs {
            e.push_attr(a.clone());
        }
        for g in &self.groups {
            e.push_child(Element::new(NS, "group").with_text(g.clone()));
        }
        for x in &self.extensions {
            e.push_child(x.clone());
        }
        e
    }
}

fn missing_jid() -> PayloadError {
    PayloadError::MissingAttribute {
        element: "item",
        attribute: "jid",
    }
}

/// A `<query xmlns='jabber:iq:roster'/>`: a roster get (no items), a roster result or
/// push, or a roster set (RFC 3921 §7).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Query {
    /// The items, in order.
    pub items: Vec<Item>,
    /// Attributes of `<query/>` (none is defined by RFC 3921), in order.
    pub extra_attrs: Vec<Attribute<'static>>,
    /// Child elements other than roster `<item/>`s, in order.
    pub extensions: Vec<Element<'static>>,
}

impl Query {
    /// Reads a `<query xmlns='jabber:iq:roster'/>`; the first item that does not read is
    /// the error ([`Item::from_element`]).
    pub fn from_element(e: ElementRef<'_>) -> Result<Self, PayloadError> {
        if !e.is(NS, "query") {
            return Err(PayloadError::UnexpectedElement {
                expected: "{jabber:iq:roster}query",
            });
        }
        let mut q = Query {
            extra_attrs: e
                .attributes()
                .iter()
                .map(|a| a.clone().into_owned())
                .collect(),
            ..Query::default()
        };
        for c in e.elements() {
            if c.is(NS, "item") {
                q.items.push(Item::from_element(c)?);
            } else {
                q.extensions.push(c.to_owned_element());
            }
        }
        Ok(q)
    }

    /// Writes the query: its attributes, the items, the extensions.
    pub fn to_element(&self) -> Element<'static> {
        let mut e = Element::new(NS, "query");
        for a in &self.extra_attrs {
            e.push_attr(a.clone());
        }
        for i in &self.items {
            e.push_child(i.to_element());
        }
        for x in &self.extensions {
            e.push_child(x.clone());
        }
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use xmpp_core::StanzaErrorCondition;

    fn parse(xml: &str) -> Element<'static> {
        crate::xml::parse_element(xml.as_bytes()).expect("well-formed test input")
    }

    /// RFC 3921 §7.1: an item with every defined attribute and groups.
    #[test]
    fn reads_the_rfc_example_item() {
        let e = parse(
            "<query xmlns='jabber:iq:roster'><item jid='romeo@example.net' name='Romeo' \
             subscription='both'><group>Friends</group></item>\
             <item jid='mercutio@example.org' name='Mercutio' subscription='from' ask='subscribe'>\
             <group>Friends</group><group>Verona</group></item></query>",
        );
        let q = Query::from_element(e.as_ref()).expect("valid");
        assert_eq!(q.items.len(), 2);
        assert_eq!(q.items[0].jid.as_str(), "romeo@example.net");
        assert_eq!(q.items[0].name.as_deref(), Some("Romeo"));
        assert_eq!(q.items[0].subscription, Some(Subscription::Both));
        assert_eq!(q.items[0].ask, None);
        assert_eq!(q.items[1].ask, Some(Ask::Subscribe));
        assert_eq!(q.items[1].groups, ["Friends", "Verona"]);
        assert_eq!(q.to_element(), e);
    }

    /// RFC 3921 Appendix A.4: `jid` is required; an item without one is a bad request.
    #[test]
    fn item_without_jid_is_bad_request() {
        let e = parse("<item xmlns='jabber:iq:roster' name='x'/>");
        let err = Item::from_element(e.as_ref()).unwrap_err();
        assert_eq!(
            err,
            PayloadError::MissingAttribute {
                element: "item",
                attribute: "jid"
            }
        );
        assert_eq!(err.condition(), StanzaErrorCondition::BadRequest);
    }

    /// RFC 3921 Appendix A.4: `subscription` is one of five values.
    #[test]
    fn unknown_subscription_is_bad_request() {
        let e =
            parse("<query xmlns='jabber:iq:roster'><item jid='a@b' subscription='all'/></query>");
        let err = Query::from_element(e.as_ref()).unwrap_err();
        assert!(
            matches!(err, PayloadError::InvalidValue { field: "subscription", ref value, .. } if value == "all")
        );
        assert_eq!(err.condition(), StanzaErrorCondition::BadRequest);
    }

    /// RFC 3921 Appendix A.4: `ask` is only `subscribe`.
    #[test]
    fn unknown_ask_is_bad_request() {
        let e = parse("<item xmlns='jabber:iq:roster' jid='a@b' ask='unsubscribe'/>");
        let err = Item::from_element(e.as_ref()).unwrap_err();
        assert_eq!(err.condition(), StanzaErrorCondition::BadRequest);
    }

    /// RFC 3920 §3: a `jid` that is not a JID is `jid-malformed`.
    #[test]
    fn malformed_jid_is_jid_malformed() {
        let e = parse("<item xmlns='jabber:iq:roster' jid='a@b@c'/>");
        let err = Item::from_element(e.as_ref()).unwrap_err();
        assert_eq!(err.condition(), StanzaErrorCondition::JidMalformed);
        assert_eq!(
            err.to_stanza_error().condition,
            StanzaErrorCondition::JidMalformed
        );
    }

    #[test]
    fn wrong_element_is_refused() {
        let e = parse("<query xmlns='jabber:iq:private'/>");
        assert!(Query::from_element(e.as_ref()).is_err());
        assert!(Item::from_element(e.as_ref()).is_err());
    }

    /// Unknown attributes and children survive a read and a write.
    #[test]
    fn unknown_content_is_kept() {
        let e = parse(
            "<query xmlns='jabber:iq:roster' ver='v1'><item jid='a@b' x='1' \
             xmlns:p='urn:p' p:y='2'><group>G</group><note xmlns='urn:n'>hi</note></item>\
             <extra xmlns='urn:e'/></query>",
        );
        let q = Query::from_element(e.as_ref()).expect("valid");
        assert_eq!(q.extra_attrs.len(), 1);
        assert_eq!(q.items[0].extra_attrs.len(), 2);
        assert_eq!(q.items[0].extensions.len(), 1);
        assert_eq!(q.extensions.len(), 1);
        assert_eq!(q.to_element(), e);
    }

    /// RFC 3921 §9.1, §8.2: the roster values of each state.
    #[test]
    fn roster_values_of_states() {
        assert_eq!(
            Subscription::of_state(State::NonePendingIn),
            Subscription::None
        );
        assert_eq!(Ask::of_state(State::NonePendingIn), None);
        assert_eq!(
            Subscription::of_state(State::FromPendingOut),
            Subscription::From
        );
        assert_eq!(Ask::of_state(State::FromPendingOut), Some(Ask::Subscribe));
        assert_eq!(Subscription::of_state(State::ToPendingIn), Subscription::To);
        assert_eq!(Subscription::of_state(State::Both), Subscription::Both);
    }
}

#[cfg(test)]
mod props {
    use proptest::prelude::*;

    use super::*;
    use crate::xml::test_support::{any_attrs, any_extensions, round_trip, text};

    fn any_item() -> impl Strategy<Value = Item> {
        (
            prop::sample::select(vec!["romeo@example.net", "example.org", "a@b/c", "j@x.y"]),
            prop::option::of(text()),
            prop::option::of(prop::sample::select(vec![
                Subscription::None,
                Subscription::To,
                Subscription::From,
                Subscription::Both,
                Subscription::Remove,
            ])),
            any::<bool>(),
            prop::collection::vec(text(), 0..4),
            any_attrs(&["jid", "name", "subscription", "ask"]),
            any_extensions(NS, "group"),
        )
            .prop_map(
                |(jid, name, subscription, ask, groups, extra_attrs, extensions)| Item {
                    jid: Jid::parse(jid).expect("valid JID"),
                    name,
                    subscription,
                    ask: ask.then_some(Ask::Subscribe),
                    groups,
                    extra_attrs,
                    extensions,
                },
            )
    }

    proptest! {
        /// Reading what was written gives the item back, unknown content included, also
        /// through the serialized bytes.
        #[test]
        fn item_round_trips(item in any_item()) {
            let e = item.to_element();
            prop_assert_eq!(&Item::from_element(e.as_ref()).expect("readable"), &item);
            let back = round_trip(&e);
            prop_assert_eq!(Item::from_element(back.as_ref()).expect("readable"), item);
        }

        /// The same for a whole query.
        #[test]
        fn query_round_trips(
            items in prop::collection::vec(any_item(), 0..4),
            extra_attrs in any_attrs(&[]),
            extensions in any_extensions(NS, "item"),
        ) {
            let q = Query { items, extra_attrs, extensions };
            let back = round_trip(&q.to_element());
            prop_assert_eq!(Query::from_element(back.as_ref()).expect("readable"), q);
        }

        /// Reading then writing an element keeps it (the known content written first, as
        /// here).
        #[test]
        fn element_survives_read_and_write(item in any_item()) {
            let e = item.to_element();
            let again = Item::from_element(e.as_ref()).expect("readable").to_element();
            prop_assert_eq!(again, e);
        }
    }
}
