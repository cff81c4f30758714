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
