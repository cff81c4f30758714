//! The privacy payload, `<query xmlns='jabber:iq:privacy'/>` (RFC 3921 §10.1, schema of
//! Appendix B.4), read from and written to [`Element`]s.
//!
//! Reading keeps what it does not know: attributes other than the defined ones and child
//! elements of other namespaces or names stay in `extra_attrs` and `extensions` and are
//! written back (after the known content). Text directly inside the elements (whitespace
//! between children), and attributes or content of the empty stanza-kind children
//! (`<message/>`, `<iq/>`, `<presence-in/>`, `<presence-out/>`), are not kept.

use xmpp_jid::Jid;
use xmpp_xml::{Attribute, Element, ElementRef};

use crate::error::{PayloadError, clip};
use crate::roster::Subscription;

/// The privacy namespace (RFC 3921 §10).
pub const NS: &str = "jabber:iq:privacy";

/// The `action` of a privacy item (RFC 3921 §10.1): required, `allow` or `deny`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// `allow`: the matching stanza is processed as usual.
    Allow,
    /// `deny`: the matching stanza is blocked.
    Deny,
}

impl Action {
    /// The attribute value.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Allow => "allow",
            Action::Deny => "deny",
        }
    }

    /// The action for an attribute value, if it is `allow` or `deny`.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "allow" => Some(Action::Allow),
            "deny" => Some(Action::Deny),
            _ => None,
        }
    }
}

/// The `type` of a privacy item with its `value` (RFC 3921 §10.1): whom the item matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemType {
    /// `type='jid'`: the value is a JID, matched as full JID, bare JID, domain/resource or
    /// domain (with its subdomains) by its form ([`jid_matches`](super::jid_matches)).
    Jid(Jid),
    /// `type='group'`: the value names a group of the user's roster.
    Group(String),
    /// `type='subscription'`: the value is `none`, `to`, `from` or `both`; `none` also
    /// covers entities that are not in the roster. [`Subscription::Remove`] is never read
    /// and matches no one.
    Subscription(Subscription),
}

impl ItemType {
    /// The `type` attribute value.
    pub fn type_name(&self) -> &'static str {
        match self {
            ItemType::Jid(_) => "jid",
            ItemType::Group(_) => "group",
            ItemType::Subscription(_) => "subscription",
        }
    }

    /// The `value` attribute value.
    pub fn value(&self) -> &str {
        match self {
            ItemType::Jid(j) => j.as_str(),
            ItemType::Group(g) => g,
            ItemType::Subscription(s) => s.as_str(),
        }
    }

    /// Reads a `type` and its `value`. Errors: an unknown type or a subscription value
    /// other than the four (`bad-request`), a `jid` value that is not a JID
    /// (`jid-malformed`).
    pub fn from_attrs(kind: &str, value: &str) -> Result<Self, PayloadError> {
        match kind {
            "jid" => Jid::parse(value)
                .map(ItemType::Jid)
                .map_err(|_| PayloadError::InvalidJid {
                    element: "item",
                    attribute: "value",
                    value: clip(value),
                }),
            "group" => Ok(ItemType::Group(value.to_owned())),
            "subscription" => match Subscription::from_name(value) {
                Some(Subscription::Remove) | None => Err(PayloadError::InvalidValue {
                    element: "item",
                    field: "value",
                    value: clip(value),
                }),
                Some(s) => Ok(ItemType::Subscription(s)),
            },
            _ => Err(PayloadError::InvalidValue {
                element: "item",
                field: "type",
                value: clip(kind),
            }),
        }
    }
}

/// The stanza kinds an item names by its empty children (RFC 3921 §10.1). When none is
/// set the item applies to every stanza, in both directions (RFC 3921 §10.13).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Kinds {
    /// `<message/>`: incoming messages.
    pub message: bool,
    /// `<iq/>`: incoming IQ stanzas.
    pub iq: bool,
    /// `<presence-in/>`: incoming presence notifications.
    pub presence_in: bool,
    /// `<presence-out/>`: outgoing presence notifications.
    pub presence_out: bool,
}

impl Kinds {
    /// No child: the item applies to every stanza.
    pub const ALL: Kinds = Kinds {
        message: false,
        iq: false,
        presence_in: false,
        presence_out: false,
    };

    /// Whether no kind is named, so the item applies to every stanza.
    pub fn is_all(self) -> bool {
        self == Kinds::ALL
    }

    /// The child names and their flags, in the order they are written.
    fn names(self) -> [(&'static str, bool); 4] {
        [
            ("message", self.message),
            ("iq", self.iq),
            ("presence-in", self.presence_in),
            ("presence-out", self.presence_out),
        ]
    }

    /// The flag of the child `name`, if it is one of the four.
    fn flag(&mut self, name: &str) -> Option<(&'static str, &mut bool)> {
        Some(match name {
            "message" => ("message", &mut self.message),
            "iq" => ("iq", &mut self.iq),
            "presence-in" => ("presence-in", &mut self.presence_in),
            "presence-out" => ("presence-out", &mut self.presence_out),
            _ => return None,
        })
    }
}

/// One `<item/>` of a privacy list (RFC 3921 §10.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The `type` and `value`; `None` is the fall-through item, which matches everyone.
    pub target: Option<ItemType>,
    /// The `action` (required).
    pub action: Action,
    /// The `order` (required): unique within the list, smallest first.
    pub order: u32,
    /// The stanza kinds named by the children.
    pub kinds: Kinds,
    /// Attributes other than `type`, `value`, `action` and `order`, in order (a `value`
    /// without `type` is kept here: it has no meaning on a fall-through item).
    pub extra_attrs: Vec<Attribute<'static>>,
    /// Child elements other than the four stanza kinds of the privacy namespace, in order.
    pub extensions: Vec<Element<'static>>,
}

impl Item {
    /// An item for every stanza, without unknown content.
    pub fn new(target: Option<ItemType>, action: Action, order: u32) -> Self {
        Item {
            target,
            action,
            order,
            kinds: Kinds::ALL,
            extra_attrs: Vec::new(),
            extensions: Vec::new(),
        }
    }

    /// This item for the stanza kinds `kinds` only (builder style).
    pub fn with_kinds(mut self, kinds: Kinds) -> Self {
        self.kinds = kinds;
        self
    }

    /// Reads an `<item xmlns='jabber:iq:privacy'/>`.
    ///
    /// Errors (all `bad-request` but the JID, see [`PayloadError::condition`]): not a
    /// privacy item; no `action` or `order`; an `action` other than `allow` or `deny`; an
    /// `order` that is not a non-negative integer of at most 32 bits (the schema's
    /// `unsignedInt`); a `type` without `value`; an unknown `type`; a subscription value
    /// other than `none`, `to`, `from`, `both`; a `jid` value that is not a JID
    /// (`jid-malformed`); a stanza-kind child given twice.
    pub fn from_element(e: ElementRef<'_>) -> Result<Self, PayloadError> {
        if !e.is(NS, "item") {
            return Err(PayloadError::UnexpectedElement {
                expected: "{jabber:iq:privacy}item",
            });
        }
        let (mut kind, mut value, mut value_at) = (None, None, None);
        let (mut action, mut order) = (None, None);
        let mut extra_attrs = Vec::new();
        for a in e.attributes() {
            if !a.namespace.is_empty() {
                extra_attrs.push(a.clone().into_owned());
                continue;
            }
            let v = &*a.value;
            match &*a.name {
                "type" => kind = Some(v),
                "value" => {
                    // Kept among the others until it is known whether a `type` uses it.
                    value = Some(v);
                    value_at = Some(extra_attrs.len());
                    extra_attrs.push(a.clone().into_owned());
                }
                "action" => {
                    action =
                        Some(
                            Action::from_name(v).ok_or_else(|| PayloadError::InvalidValue {
                                element: "item",
                                field: "action",
                                value: clip(v),
                            })?,
                        )
                }
                "order" => order = Some(parse_order(v)?),
                _ => extra_attrs.push(a.clone().into_owned()),
            }
        }
        let target = match (kind, value) {
            (Some(k), Some(v)) => Some(ItemType::from_attrs(k, v)?),
            (Some(_), None) => return Err(missing("item", "value")),
            // A value on a fall-through item stays an extra attribute.
            (None, _) => None,
        };
        if let (Some(_), Some(at)) = (&target, value_at) {
            if at < extra_attrs.len() {
                extra_attrs.remove(at);
            }
        }
        let mut item = Item {
            extra_attrs,
            ..Item::new(
                target,
                action.ok_or_else(|| missing("item", "action"))?,
                order.ok_or_else(|| missing("item", "order"))?,
            )
        };
        for c in e.elements() {
            let flag = if c.namespace() == NS {
                item.kinds.flag(c.name())
            } else {
                None
            };
            match flag {
                Some((child, set)) if *set => {
                    return Err(PayloadError::Duplicate {
                        element: "item",
                        child,
                    });
                }
                Some((_, set)) => *set = true,
                None => item.extensions.push(c.to_owned_element()),
            }
        }
        Ok(item)
    }

    /// Writes the item: the defined attributes, the extra ones, the stanza kinds, the
    /// extensions.
    pub fn to_element(&self) -> Element<'static> {
        let mut e = Element::new(NS, "item");
        if let Some(t) = &self.target {
            e = e
                .with_attr("type", t.type_name())
                .with_attr("value", t.value().to_owned());
        }
        e = e
            .with_attr("action", self.action.as_str())
            .with_attr("order", self.order.to_string());
        for a in &self.extra_attrs {
            e.push_attr(a.clone());
        }
        for (name, set) in self.kinds.names() {
            if set {
                e.push_child(Element::new(NS, name));
            }
        }
        for x in &self.extensions {
            e.push_child(x.clone());
        }
        e
    }
}

/// An `order` value: ASCII digits only, at most `u32::MAX` (`xs:unsignedInt`).
fn parse_order(v: &str) -> Result<u32, PayloadError> {
    let bad = || PayloadError::InvalidValue {
        element: "item",
        field: "order",
        value: clip(v),
    };
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    v.parse().map_err(|_| bad())
}

fn missing(element: &'static str, attribute: &'static str) -> PayloadError {
    PayloadError::MissingAttribute { element, attribute }
}

/// A `<list/>`: a named privacy list with its items (RFC 3921 §10.1), or, without
/// items, a list named in a names result, a get, a removal or a push (§10.3, §10.6,
/// §10.8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct List {
    /// The `name` (required).
    pub name: String,
    /// The items, in document order (evaluation goes by their `order`).
    pub items: Vec<Item>,
    /// Attributes other than `name`, in order.
    pub extra_attrs: Vec<Attribute<'static>>,
    /// Child elements other than privacy `<item/>`s, in order.
    pub extensions: Vec<Element<'static>>,
}

impl List {
    /// A list with these items and no unknown content.
    pub fn new(name: impl Into<String>, items: Vec<Item>) -> Self {
        List {
            name: name.into(),
            items,
            extra_attrs: Vec::new(),
            extensions: Vec::new(),
        }
    }

    /// Reads a `<list xmlns='jabber:iq:privacy'/>`. Errors: no `name`; an item that does
    /// not read ([`Item::from_element`]); two items with the same `order` (RFC 3921
    /// §10.1: `bad-request`).
    pub fn from_element(e: ElementRef<'_>) -> Result<Self, PayloadError> {
        if !e.is(NS, "list") {
            return Err(PayloadError::UnexpectedElement {
                expected: "{jabber:iq:privacy}list",
            });
        }
        let mut name = None;
        let mut extra_attrs = Vec::new();
        for a in e.attributes() {
            if a.namespace.is_empty() && a.name == "name" {
                name = Some(a.value.clone().into_owned());
            } else {
                extra_attrs.push(a.clone().into_owned());
            }
        }
        let mut list = List {
            extra_attrs,
            ..List::new(name.ok_or_else(|| missing("list", "name"))?, Vec::new())
        };
        for c in e.elements() {
            if c.is(NS, "item") {
                list.items.push(Item::from_element(c)?);
            } else {
                list.extensions.push(c.to_owned_element());
            }
        }
        if let Some(order) = list.repeated_order() {
            return Err(PayloadError::DuplicateValue {
                element: "item",
                attribute: "order",
                value: order.to_string(),
            });
        }
        Ok(list)
    }

    /// An `order` value that two items share, if any (RFC 3921 §10.1 wants them unique).
    pub fn repeated_order(&self) -> Option<u32> {
        let mut orders: Vec<u32> = self.items.iter().map(|i| i.order).collect();
        orders.sort_unstable();
        orders.windows(2).find(|w| w[0] == w[1]).map(|w| w[0])
    }

    /// Writes the list: its attributes, the items, the extensions.
    pub fn to_element(&self) -> Element<'static> {
        let mut e = Element::new(NS, "list").with_attr("name", self.name.clone());
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

/// An `<active/>` or `<default/>`: selects a list by `name`, or declines any list when
/// the name is absent (RFC 3921 §10.4, §10.5).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Selection {
    /// The list name; `None` declines the use of any list.
    pub name: Option<String>,
    /// Attributes other than `name`, in order.
    pub extra_attrs: Vec<Attribute<'static>>,
    /// Child elements (none is defined), in order.
    pub extensions: Vec<Element<'static>>,
}

impl Selection {
    /// A selection of the list `name`, or a decline for `None`.
    pub fn new(name: Option<String>) -> Self {
        Selection {
            name,
            ..Selection::default()
        }
    }

    fn read(e: ElementRef<'_>) -> Self {
        let mut s = Selection::default();
        for a in e.attributes() {
            if a.namespace.is_empty() && a.name == "name" {
                s.name = Some(a.value.clone().into_owned());
            } else {
                s.extra_attrs.push(a.clone().into_owned());
            }
        }
        s.extensions = e.elements().map(|c| c.to_owned_element()).collect();
        s
    }

    fn write(&self, element: &'static str) -> Element<'static> {
        let mut e = Element::new(NS, element);
        if let Some(n) = &self.name {
            e = e.with_attr("name", n.clone());
        }
        for a in &self.extra_attrs {
            e.push_attr(a.clone());
        }
        for x in &self.extensions {
            e.push_child(x.clone());
        }
        e
    }
}

/// A `<query xmlns='jabber:iq:privacy'/>` (RFC 3921 §10): a request (get of the names or
/// of one list; set of the active list, the default list, or one list), a result, or a
/// privacy list push.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Query {
    /// The `<active/>` child.
    pub active: Option<Selection>,
    /// The `<default/>` child.
    pub default: Option<Selection>,
    /// The `<list/>` children, in order.
    pub lists: Vec<List>,
    /// Attributes of `<query/>` (none is defined), in order.
    pub extra_attrs: Vec<Attribute<'static>>,
    /// Child elements other than the privacy `<active/>`, `<default/>` and `<list/>`, in
    /// order.
    pub extensions: Vec<Element<'static>>,
}

impl Query {
    /// The privacy list push for the list `name` (RFC 3921 §10.2 rule 10, §10.6): a query
    /// with only that list's name, sent in an IQ set to every connected resource.
    pub fn push(name: impl Into<String>) -> Self {
        Query {
            lists: vec![List::new(name, Vec::new())],
            ..Query::default()
        }
    }

    /// The number of child elements, unknown ones included (RFC 3921 §10.1: a set holds
    /// exactly one).
    pub fn child_count(&self) -> usize {
        usize::from(self.active.is_some())
            + usize::from(self.default.is_some())
            + self.lists.len()
            + self.extensions.len()
    }

    /// Reads a `<query xmlns='jabber:iq:privacy'/>`. Errors: a second `<active/>` or
    /// `<default/>` (the schema allows one of each), and the first list that does not
    /// read ([`List::from_element`]).
    pub fn from_element(e: ElementRef<'_>) -> Result<Self, PayloadError> {
        if !e.is(NS, "query") {
            return Err(PayloadError::UnexpectedElement {
                expected: "{jabber:iq:privacy}query",
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
            if c.namespace() != NS {
                q.extensions.push(c.to_owned_element());
                continue;
            }
            match c.name() {
                "active" => set_once(&mut q.active, c, "active")?,
                "default" => set_once(&mut q.default, c, "default")?,
                "list" => q.lists.push(List::from_element(c)?),
                _ => q.extensions.push(c.to_owned_element()),
            }
        }
        Ok(q)
    }

    /// Writes the query: its attributes, `<active/>`, `<default/>`, the lists (the order
    /// of the schema and of RFC 3921 §10.3), the extensions.
    pub fn to_element(&self) -> Element<'static> {
        let mut e = Element::new(NS, "query");
        for a in &self.extra_attrs {
            e.push_attr(a.clone());
        }
        if let Some(s) = &self.active {
            e.push_child(s.write("active"));
        }
        if let Some(s) = &self.default {
            e.push_child(s.write("default"));
        }
        for l in &self.lists {
            e.push_child(l.to_element());
        }
        for x in &self.extensions {
            e.push_child(x.clone());
        }
        e
    }
}

fn set_once(
    slot: &mut Option<Selection>,
    c: ElementRef<'_>,
    child: &'static str,
) -> Result<(), PayloadError> {
    if slot.is_some() {
        return Err(PayloadError::Duplicate {
            element: "query",
            child,
        });
    }
    *slot = Some(Selection::read(c));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use xmpp_core::StanzaErrorCondition;

    fn parse(xml: &str) -> Element<'static> {
        crate::xml::parse_element(xml.as_bytes()).expect("well-formed test input")
    }

    fn item_err(attrs: &str) -> PayloadError {
        let e = parse(&format!("<item xmlns='jabber:iq:privacy' {attrs}/>"));
        Item::from_element(e.as_ref()).expect_err("refused")
    }

    /// RFC 3921 §10.3: the names result, active and default first.
    #[test]
    fn reads_the_names_result() {
        let e = parse(
            "<query xmlns='jabber:iq:privacy'><active name='private'/>\
             <default name='public'/><list name='public'/><list name='private'/>\
             <list name='special'/></query>",
        );
        let q = Query::from_element(e.as_ref()).expect("valid");
        assert_eq!(q.active, Some(Selection::new(Some("private".into()))));
        assert_eq!(q.default, Some(Selection::new(Some("public".into()))));
        let names: Vec<_> = q.lists.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["public", "private", "special"]);
        assert!(q.lists.iter().all(|l| l.items.is_empty()));
        assert_eq!(q.to_element(), e);
    }

    /// RFC 3921 §10.3: the list 'special' with jid items and a fall-through item.
    #[test]
    fn reads_the_special_list() {
        let e = parse(
            "<query xmlns='jabber:iq:privacy'><list name='special'>\
             <item type='jid' value='juliet@example.com' action='allow' order='6'/>\
             <item type='jid' value='benvolio@example.org' action='allow' order='7'/>\
             <item type='jid' value='mercutio@example.org' action='allow' order='42'/>\
             <item action='deny' order='666'/></list></query>",
        );
        let q = Query::from_element(e.as_ref()).expect("valid");
        let l = &q.lists[0];
        assert_eq!(l.name, "special");
        assert_eq!(l.items.len(), 4);
        assert_eq!(
            l.items[0].target,
            Some(ItemType::Jid(
                Jid::parse("juliet@example.com").expect("jid")
            ))
        );
        assert_eq!(l.items[2].order, 42);
        assert_eq!(l.items[3].target, None);
        assert_eq!(l.items[3].action, Action::Deny);
        assert!(l.items.iter().all(|i| i.kinds.is_all()));
        assert_eq!(q.to_element(), e);
    }

    /// RFC 3921 §10.1: the four stanza-kind children, written back in a fixed order.
    #[test]
    fn reads_stanza_kind_children() {
        let e = parse(
            "<item xmlns='jabber:iq:privacy' type='group' value='Enemies' action='deny' \
             order='4'><presence-out/><message/></item>",
        );
        let i = Item::from_element(e.as_ref()).expect("valid");
        assert_eq!(i.target, Some(ItemType::Group("Enemies".into())));
        assert_eq!(
            i.kinds,
            Kinds {
                message: true,
                presence_out: true,
                ..Kinds::ALL
            }
        );
        assert!(!i.kinds.is_all());
        let again = Item::from_element(i.to_element().as_ref()).expect("valid");
        assert_eq!(again, i);
    }

    /// RFC 3921 §10.1: `action` and `order` are required.
    #[test]
    fn action_and_order_are_required() {
        for (attrs, missing) in [("order='1'", "action"), ("action='deny'", "order")] {
            let err = item_err(attrs);
            assert_eq!(
                err,
                PayloadError::MissingAttribute {
                    element: "item",
                    attribute: missing
                }
            );
            assert_eq!(err.condition(), StanzaErrorCondition::BadRequest);
        }
    }

    /// RFC 3921 §10.1: `action` is `allow` or `deny`.
    #[test]
    fn unknown_action_is_bad_request() {
        let err = item_err("action='block' order='1'");
        assert!(
            matches!(err, PayloadError::InvalidValue { field: "action", ref value, .. } if value == "block")
        );
        assert_eq!(err.condition(), StanzaErrorCondition::BadRequest);
    }

    /// RFC 3921 §10.1 and Appendix B.4: `order` is a non-negative `unsignedInt`.
    #[test]
    fn bad_orders_are_bad_request() {
        for order in ["-1", "", "1.5", " 1", "+1", "4294967296", "x"] {
            let err = item_err(&format!("action='deny' order='{order}'"));
            assert!(
                matches!(err, PayloadError::InvalidValue { field: "order", .. }),
                "{order}: {err:?}"
            );
            assert_eq!(err.condition(), StanzaErrorCondition::BadRequest);
        }
        let e = parse("<item xmlns='jabber:iq:privacy' action='deny' order='4294967295'/>");
        assert_eq!(
            Item::from_element(e.as_ref()).expect("valid").order,
            u32::MAX
        );
        let e = parse("<item xmlns='jabber:iq:privacy' action='deny' order='007'/>");
        assert_eq!(Item::from_element(e.as_ref()).expect("valid").order, 7);
    }

    /// RFC 3921 §10.1: the type is `jid`, `group` or `subscription`.
    #[test]
    fn unknown_type_is_bad_request() {
        let err = item_err("type='domain' value='x' action='deny' order='1'");
        assert!(matches!(
            err,
            PayloadError::InvalidValue { field: "type", .. }
        ));
        assert_eq!(err.condition(), StanzaErrorCondition::BadRequest);
    }

    /// RFC 3921 §10.1: a typed item needs the value it applies to.
    #[test]
    fn type_without_value_is_bad_request() {
        for t in ["jid", "group", "subscription"] {
            let err = item_err(&format!("type='{t}' action='deny' order='1'"));
            assert_eq!(
                err,
                PayloadError::MissingAttribute {
                    element: "item",
                    attribute: "value"
                }
            );
        }
    }

    /// RFC 3921 §10.1: a subscription value is `both`, `to`, `from` or `none`.
    #[test]
    fn subscription_values() {
        for v in ["none", "to", "from", "both"] {
            let e = parse(&format!(
                "<item xmlns='jabber:iq:privacy' type='subscription' value='{v}' \
                 action='deny' order='1'/>"
            ));
            let i = Item::from_element(e.as_ref()).expect("valid");
            assert_eq!(i.target.as_ref().map(ItemType::value), Some(v));
        }
        for v in ["remove", "Both", "", "pending"] {
            let err = item_err(&format!(
                "type='subscription' value='{v}' action='deny' order='1'"
            ));
            assert!(matches!(
                err,
                PayloadError::InvalidValue { field: "value", .. }
            ));
            assert_eq!(err.condition(), StanzaErrorCondition::BadRequest);
        }
    }

    /// RFC 3921 §10.1: a `jid` value MUST be a valid JID.
    #[test]
    fn jid_value_must_be_a_jid() {
        let err = item_err("type='jid' value='a@b@c' action='deny' order='1'");
        assert_eq!(err.condition(), StanzaErrorCondition::JidMalformed);
        // The value is kept in its prepared form.
        let e = parse(
            "<item xmlns='jabber:iq:privacy' type='jid' value='Tybalt@Example.COM' \
             action='deny' order='1'/>",
        );
        let i = Item::from_element(e.as_ref()).expect("valid");
        assert_eq!(
            i.target.as_ref().map(ItemType::value),
            Some("tybalt@example.com")
        );
    }

    /// RFC 3921 §10.1: `order` values are unique within a list; the server answers
    /// `bad-request`.
    #[test]
    fn duplicate_order_is_bad_request() {
        let e = parse(
            "<list xmlns='jabber:iq:privacy' name='l'><item action='deny' order='3'/>\
             <item type='group' value='g' action='allow' order='5'/>\
             <item action='allow' order='3'/></list>",
        );
        let err = List::from_element(e.as_ref()).expect_err("refused");
        assert_eq!(
            err,
            PayloadError::DuplicateValue {
                element: "item",
                attribute: "order",
                value: "3".into()
            }
        );
        assert_eq!(err.condition(), StanzaErrorCondition::BadRequest);
        assert!(err.to_string().contains("order '3'"));
    }

    /// Appendix B.4: a list has a name; a stanza kind and `<active/>`/`<default/>` appear
    /// at most once.
    #[test]
    fn structural_errors() {
        let e = parse("<list xmlns='jabber:iq:privacy'/>");
        assert_eq!(
            List::from_element(e.as_ref()),
            Err(PayloadError::MissingAttribute {
                element: "list",
                attribute: "name"
            })
        );
        let e = parse(
            "<item xmlns='jabber:iq:privacy' action='deny' order='1'><message/><message/></item>",
        );
        let err = Item::from_element(e.as_ref()).expect_err("refused");
        assert_eq!(
            err,
            PayloadError::Duplicate {
                element: "item",
                child: "message"
            }
        );
        for c in ["active", "default"] {
            let e = parse(&format!(
                "<query xmlns='jabber:iq:privacy'><{c} name='a'/><{c}/></query>"
            ));
            assert_eq!(
                Query::from_element(e.as_ref()),
                Err(PayloadError::Duplicate {
                    element: "query",
                    child: c
                })
            );
        }
        let e = parse("<query xmlns='jabber:iq:roster'/>");
        assert!(Query::from_element(e.as_ref()).is_err());
        assert!(List::from_element(e.as_ref()).is_err());
        assert!(Item::from_element(e.as_ref()).is_err());
    }

    /// RFC 3921 §10.4, §10.5: `<active/>` and `<default/>` without name decline.
    #[test]
    fn declines_read_without_name() {
        let e = parse("<query xmlns='jabber:iq:privacy'><default/></query>");
        let q = Query::from_element(e.as_ref()).expect("valid");
        assert_eq!(q.default, Some(Selection::new(None)));
        assert_eq!(q.active, None);
        assert_eq!(q.child_count(), 1);
        assert_eq!(q.to_element(), e);
    }

    /// RFC 3921 §10.6: the push names only the list.
    #[test]
    fn push_payload() {
        let e = parse("<query xmlns='jabber:iq:privacy'><list name='public'/></query>");
        assert_eq!(Query::push("public").to_element(), e);
    }

    /// Unknown attributes and children survive a read and a write; a value on a
    /// fall-through item is kept as an unknown attribute.
    #[test]
    fn unknown_content_is_kept() {
        let e = parse(
            "<query xmlns='jabber:iq:privacy' x='1'><active name='a' y='2'>\
             <z xmlns='urn:z'/></active><list name='a' xmlns:p='urn:p' p:q='3'>\
             <item action='allow' value='stray' order='1' k='v'><iq/>\
             <note xmlns='urn:n'>hi</note><other/></item><ext xmlns='urn:e'/></list>\
             <more xmlns='urn:m'/></query>",
        );
        let q = Query::from_element(e.as_ref()).expect("valid");
        assert_eq!(q.extra_attrs.len(), 1);
        let active = q.active.as_ref().expect("active");
        assert_eq!(active.extra_attrs.len(), 1);
        assert_eq!(active.extensions.len(), 1);
        let l = &q.lists[0];
        assert_eq!(l.extra_attrs.len(), 1);
        assert_eq!(l.extensions.len(), 1);
        let i = &l.items[0];
        assert_eq!(i.target, None);
        let names: Vec<_> = i.extra_attrs.iter().map(|a| &*a.name).collect();
        assert_eq!(names, ["value", "k"]);
        assert_eq!(i.extensions.len(), 2);
        assert!(i.kinds.iq);
        assert_eq!(q.extensions.len(), 1);
        assert_eq!(q.child_count(), 3);
        let again = Query::from_element(q.to_element().as_ref()).expect("valid");
        assert_eq!(again, q);
    }
}

#[cfg(test)]
mod props {
    use proptest::prelude::*;

    use super::*;
    use crate::xml::test_support::{any_attrs, any_extensions, round_trip, text};

    fn any_type() -> impl Strategy<Value = Option<ItemType>> {
        prop_oneof![
            Just(None),
            prop::sample::select(vec![
                "tybalt@example.com",
                "example.com",
                "example.com/res",
                "a@b/c d"
            ])
            .prop_map(|j| Some(ItemType::Jid(Jid::parse(j).expect("valid JID")))),
            text().prop_map(|g| Some(ItemType::Group(g))),
            prop::sample::select(vec![
                Subscription::None,
                Subscription::To,
                Subscription::From,
                Subscription::Both
            ])
            .prop_map(|s| Some(ItemType::Subscription(s))),
        ]
    }

    fn any_item(order: u32) -> impl Strategy<Value = Item> {
        (
            any_type(),
            any::<bool>(),
            any::<[bool; 4]>(),
            any_attrs(&["type", "value", "action", "order"]),
            // Unknown children: none named like a stanza kind of the privacy namespace.
            any_extensions(NS, "message"),
        )
            .prop_map(move |(target, allow, k, extra_attrs, extensions)| Item {
                target,
                action: if allow { Action::Allow } else { Action::Deny },
                order,
                kinds: Kinds {
                    message: k[0],
                    iq: k[1],
                    presence_in: k[2],
                    presence_out: k[3],
                },
                extra_attrs,
                extensions,
            })
    }

    fn any_list() -> impl Strategy<Value = List> {
        (
            text(),
            prop::collection::btree_set(any::<u32>(), 0..4),
            any_attrs(&["name"]),
            any_extensions(NS, "item"),
        )
            .prop_flat_map(|(name, orders, extra_attrs, extensions)| {
                let items: Vec<_> = orders.into_iter().map(any_item).collect();
                (items, Just(name), Just(extra_attrs), Just(extensions)).prop_map(
                    |(items, name, extra_attrs, extensions)| List {
                        name,
                        items,
                        extra_attrs,
                        extensions,
                    },
                )
            })
    }

    fn any_selection() -> impl Strategy<Value = Option<Selection>> {
        prop::option::of(
            (
                prop::option::of(text()),
                any_attrs(&["name"]),
                any_extensions("urn:x", "x"),
            )
                .prop_map(|(name, extra_attrs, extensions)| Selection {
                    name,
                    extra_attrs,
                    extensions,
                }),
        )
    }

    proptest! {
        /// Reading what was written gives the list back, unknown content included, also
        /// through the serialized bytes.
        #[test]
        fn list_round_trips(list in any_list()) {
            let e = list.to_element();
            prop_assert_eq!(&List::from_element(e.as_ref()).expect("readable"), &list);
            let back = round_trip(&e);
            prop_assert_eq!(List::from_element(back.as_ref()).expect("readable"), list);
        }

        /// The same for a whole query.
        #[test]
        fn query_round_trips(
            active in any_selection(),
            default in any_selection(),
            lists in prop::collection::vec(any_list(), 0..3),
            extra_attrs in any_attrs(&[]),
            extensions in any_extensions("urn:x", "x"),
        ) {
            let q = Query { active, default, lists, extra_attrs, extensions };
            let back = round_trip(&q.to_element());
            prop_assert_eq!(Query::from_element(back.as_ref()).expect("readable"), q);
        }

        /// Reading then writing an item keeps the element (the known content first).
        #[test]
        fn item_element_survives_read_and_write(item in any_item(9)) {
            let e = item.to_element();
            let again = Item::from_element(e.as_ref()).expect("readable").to_element();
            prop_assert_eq!(again, e);
        }
    }
}
