//! The element tree, built on demand from validated bytes, and the writer.

use std::borrow::Cow;
use std::fmt;

use crate::chars::{is_char, is_language_tag, is_ncname};
use crate::error::WriteError;
use crate::escape::{needs_unescape, unescape_str};
use crate::parser::{CLIENT_NS, DIALBACK_NS, SERVER_NS, STREAMS_NS, XML_NS, XMLNS_NS};
use crate::record::{NO_NS, RecNode, Recorded, STREAM_LEVEL, TEXT_CDATA};
use crate::stanza::NsContext;
use crate::{
    chars::is_ws,
    error::{Error, ErrorKind},
    parser::Limits,
};

/// An XML element with its whole subtree, namespaces resolved. Namespace declarations are
/// not attributes: the writer emits them where needed.
///
/// The tree is stored flat: every element and text of the subtree in one vector in
/// document order, every attribute in another, so a tree costs two allocations however
/// many elements it has (plus the rare strings that needed expanding), and cloning,
/// comparing and dropping never recurse. Built from a stanza ([`crate::Stanza::to_element`]),
/// the strings borrow the stanza's bytes wherever no reference had to be expanded;
/// [`Element::into_owned`] detaches the tree from the parser.
///
/// Read it through the accessors ([`Element::name`], [`Element::attr`],
/// [`Element::children`], [`Element::child`], [`Element::text`], ...), which child
/// elements offer as well ([`ElementRef`]); build one with [`Element::new`] and the
/// `with_*` / `push_*` methods.
///
/// ```
/// use xmpp_xml::{Element, Node};
///
/// let msg = Element::new("jabber:client", "message")
///     .with_attr("to", "juliet@example.com")
///     .with_child(Element::new("jabber:client", "body").with_text("Wherefore?"));
/// assert_eq!(msg.attr("to"), Some("juliet@example.com"));
/// let body = msg.child("jabber:client", "body").expect("body");
/// assert_eq!(body.text(), "Wherefore?");
/// assert!(matches!(msg.children().next(), Some(Node::Element(e)) if e.name() == "body"));
/// assert_eq!(
///     msg.to_xml()?,
///     "<message xmlns='jabber:client' to='juliet@example.com'><body>Wherefore?</body></message>"
/// );
/// # Ok::<(), xmpp_xml::WriteError>(())
/// ```
#[derive(Clone)]
pub struct Element<'a> {
    /// The root at index 0, then its subtree in document order.
    nodes: Vec<Slot<'a>>,
    /// The attributes of every element, each element's in one run.
    attrs: Vec<Attribute<'a>>,
}

/// One element or text of a flat tree.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Slot<'a> {
    Element {
        namespace: Cow<'a, str>,
        name: Cow<'a, str>,
        /// First attribute in the tree's attribute vector, and how many.
        attrs: u32,
        attr_len: u32,
        /// Index just past the element's subtree.
        end: u32,
    },
    Text(Cow<'a, str>),
}

/// One attribute.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Attribute<'a> {
    /// The namespace name; `""` for none (the usual case: `to`, `type`).
    pub namespace: Cow<'a, str>,
    /// The local name.
    pub name: Cow<'a, str>,
    /// The value, references expanded.
    pub value: Cow<'a, str>,
}

impl Attribute<'_> {
    /// The same attribute owning its strings.
    pub fn into_owned(self) -> Attribute<'static> {
        Attribute {
            namespace: Cow::Owned(self.namespace.into_owned()),
            name: Cow::Owned(self.name.into_owned()),
            value: Cow::Owned(self.value.into_owned()),
        }
    }
}

/// A child of an element, borrowed from its tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Node<'t> {
    /// A child element.
    Element(ElementRef<'t>),
    /// Character data (CDATA sections included), references expanded.
    Text(&'t str),
}

/// An element inside a tree (the root or any descendant): the same accessors as
/// [`Element`], borrowed. Cheap to copy.
#[derive(Clone, Copy)]
pub struct ElementRef<'t> {
    nodes: &'t [Slot<'t>],
    attrs: &'t [Attribute<'t>],
    at: usize,
}

/// The children of an element, in document order.
#[derive(Debug, Clone)]
pub struct Children<'t> {
    nodes: &'t [Slot<'t>],
    attrs: &'t [Attribute<'t>],
    next: usize,
    end: usize,
}

impl<'t> Iterator for Children<'t> {
    type Item = Node<'t>;

    fn next(&mut self) -> Option<Node<'t>> {
        if self.next >= self.end {
            return None;
        }
        let at = self.next;
        match self.nodes.get(at)? {
            Slot::Text(t) => {
                self.next = at + 1;
                Some(Node::Text(t))
            }
            Slot::Element { end, .. } => {
                self.next = (*end as usize).max(at + 1);
                Some(Node::Element(ElementRef {
                    nodes: self.nodes,
                    attrs: self.attrs,
                    at,
                }))
            }
        }
    }
}

impl<'t> ElementRef<'t> {
    fn parts(&self) -> (&'t str, &'t str, &'t [Attribute<'t>], usize) {
        match self.nodes.get(self.at) {
            Some(Slot::Element {
                namespace,
                name,
                attrs,
                attr_len,
                end,
            }) => {
                let a = *attrs as usize;
                let list = invariant!(self.attrs.get(a..a + *attr_len as usize), &[]);
                (namespace, name, list, *end as usize)
            }
            // An `ElementRef` is only made for an element slot.
            _ => {
                debug_assert!(false, "broken invariant: ElementRef to a text slot");
                ("", "", &[], self.at + 1)
            }
        }
    }

    /// The namespace name; `""` for none.
    pub fn namespace(&self) -> &'t str {
        self.parts().0
    }

    /// The local name.
    pub fn name(&self) -> &'t str {
        self.parts().1
    }

    /// The attributes in document order.
    pub fn attributes(&self) -> &'t [Attribute<'t>] {
        self.parts().2
    }

    /// The value of the attribute without namespace with this local name.
    pub fn attr(&self, name: &str) -> Option<&'t str> {
        self.attr_ns("", name)
    }

    /// The value of the attribute with this namespace and local name, such as
    /// ([`crate::XML_NS`], `"lang"`).
    pub fn attr_ns(&self, namespace: &str, name: &str) -> Option<&'t str> {
        self.attributes()
            .iter()
            .find(|a| a.namespace == namespace && a.name == name)
            .map(|a| a.value.as_ref())
    }

    /// Whether the element has this namespace and local name.
    pub fn is(&self, namespace: &str, name: &str) -> bool {
        let (ns, n, _, _) = self.parts();
        ns == namespace && n == name
    }

    /// The child elements and texts.
    pub fn children(&self) -> Children<'t> {
        Children {
            nodes: self.nodes,
            attrs: self.attrs,
            next: self.at + 1,
            end: self.parts().3,
        }
    }

    /// The child elements.
    pub fn elements(&self) -> impl Iterator<Item = ElementRef<'t>> + use<'t> {
        self.children().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// The first child element with this namespace and local name.
    pub fn child(&self, namespace: &str, name: &str) -> Option<ElementRef<'t>> {
        self.elements().find(|e| e.is(namespace, name))
    }

    /// The direct text children, concatenated (borrowed when there is at most one).
    pub fn text(&self) -> Cow<'t, str> {
        let mut texts = self.children().filter_map(|n| match n {
            Node::Text(t) => Some(t),
            Node::Element(_) => None,
        });
        let Some(first) = texts.next() else {
            return Cow::Borrowed("");
        };
        match texts.next() {
            None => Cow::Borrowed(first),
            Some(second) => {
                let mut s = String::from(first);
                s.push_str(second);
                texts.for_each(|t| s.push_str(t));
                Cow::Owned(s)
            }
        }
    }

    /// The subtree as a tree of its own, owning its strings.
    pub fn to_owned_element(&self) -> Element<'static> {
        let end = self.parts().3;
        let slots = self.nodes.get(self.at..end).unwrap_or(&[]);
        let shift = self.at as u32;
        let mut el = Element {
            nodes: Vec::with_capacity(slots.len()),
            attrs: Vec::new(),
        };
        for s in slots {
            el.nodes.push(match s {
                Slot::Text(t) => Slot::Text(Cow::Owned(t.to_string())),
                Slot::Element {
                    namespace,
                    name,
                    attrs,
                    attr_len,
                    end,
                } => {
                    let a = *attrs as usize;
                    let first = el.attrs.len() as u32;
                    for at in self.attrs.get(a..a + *attr_len as usize).unwrap_or(&[]) {
                        el.attrs.push(at.clone().into_owned());
                    }
                    Slot::Element {
                        namespace: Cow::Owned(namespace.to_string()),
                        name: Cow::Owned(name.to_string()),
                        attrs: first,
                        attr_len: *attr_len,
                        end: end - shift,
                    }
                }
            });
        }
        el
    }

    /// Serializes the element as a standalone fragment; see [`Element::write_to`].
    pub fn write_to(&self, out: &mut Vec<u8>) -> Result<(), WriteError> {
        self.write_in(out, "")
    }

    /// Serializes the element for a context whose default namespace is `default_ns`; see
    /// [`Element::write_in`].
    pub fn write_in(&self, out: &mut Vec<u8>, default_ns: &str) -> Result<(), WriteError> {
        let start = out.len();
        let r = write_tree(*self, out, default_ns);
        if r.is_err() {
            out.truncate(start);
        }
        r
    }
}

/// Equal when the namespaces, names, attributes (in order) and children are.
/// Iterative, whatever the depth.
impl PartialEq<ElementRef<'_>> for ElementRef<'_> {
    fn eq(&self, other: &ElementRef<'_>) -> bool {
        let a = self.nodes.get(self.at..self.parts().3).unwrap_or(&[]);
        let b = other.nodes.get(other.at..other.parts().3).unwrap_or(&[]);
        if a.len() != b.len() {
            return false;
        }
        a.iter()
            .enumerate()
            .zip(b.iter().enumerate())
            .all(|((i, x), (j, y))| match (x, y) {
                (Slot::Text(s), Slot::Text(t)) => s == t,
                (
                    Slot::Element {
                        namespace: n1,
                        name: m1,
                        end: e1,
                        ..
                    },
                    Slot::Element {
                        namespace: n2,
                        name: m2,
                        end: e2,
                        ..
                    },
                ) => {
                    let ea = ElementRef {
                        nodes: self.nodes,
                        attrs: self.attrs,
                        at: self.at + i,
                    };
                    let eb = ElementRef {
                        nodes: other.nodes,
                        attrs: other.attrs,
                        at: other.at + j,
                    };
                    n1 == n2
                        && m1 == m2
                        && (*e1 as usize).wrapping_sub(self.at + i)
                            == (*e2 as usize).wrapping_sub(other.at + j)
                        && ea.attributes() == eb.attributes()
                }
                _ => false,
            })
    }
}

impl Eq for ElementRef<'_> {}

impl PartialEq<Element<'_>> for Element<'_> {
    fn eq(&self, other: &Element<'_>) -> bool {
        self.as_ref() == other.as_ref()
    }
}

impl Eq for Element<'_> {}

/// Shows the element as the XML it stands for (references not re-escaped), one line.
/// Iterative, whatever the depth.
impl fmt::Debug for ElementRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let end = self.parts().3;
        let mut open: Vec<(usize, &str)> = Vec::new();
        f.write_str("Element(")?;
        for i in self.at..end {
            while let Some(&(e, name)) = open.last() {
                if e > i {
                    break;
                }
                write!(f, "</{name}>")?;
                open.pop();
            }
            let el = ElementRef { at: i, ..*self };
            match self.nodes.get(i) {
                Some(Slot::Text(t)) => write!(f, "{t:?}")?,
                Some(Slot::Element { end, .. }) => {
                    write!(f, "<{{{}}}{}", el.namespace(), el.name())?;
                    for a in el.attributes() {
                        write!(f, " {{{}}}{}={:?}", a.namespace, a.name, a.value)?;
                    }
                    if *end as usize > i + 1 {
                        f.write_str(">")?;
                        open.push((*end as usize, el.name()));
                    } else {
                        f.write_str("/>")?;
                    }
                }
                None => {}
            }
        }
        while let Some((_, name)) = open.pop() {
            write!(f, "</{name}>")?;
        }
        f.write_str(")")
    }
}

impl fmt::Debug for Element<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.as_ref(), f)
    }
}

impl Default for Element<'_> {
    /// An element without namespace, name, attributes or children.
    fn default() -> Self {
        Element::new("", "")
    }
}

impl<'a> Element<'a> {
    /// An element without attributes or children.
    pub fn new(namespace: impl Into<Cow<'a, str>>, name: impl Into<Cow<'a, str>>) -> Self {
        Element {
            nodes: vec![Slot::Element {
                namespace: namespace.into(),
                name: name.into(),
                attrs: 0,
                attr_len: 0,
                end: 1,
            }],
            attrs: Vec::new(),
        }
    }

    /// The root as a borrowed view (what child elements are as well).
    pub fn as_ref(&self) -> ElementRef<'_> {
        ElementRef {
            nodes: &self.nodes,
            attrs: &self.attrs,
            at: 0,
        }
    }

    /// The namespace name; `""` for none.
    pub fn namespace(&self) -> &str {
        self.as_ref().namespace()
    }

    /// The local name.
    pub fn name(&self) -> &str {
        self.as_ref().name()
    }

    /// The attributes in document order.
    pub fn attributes(&self) -> &[Attribute<'_>] {
        self.as_ref().attributes()
    }

    /// The value of the attribute without namespace with this local name.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.as_ref().attr(name)
    }

    /// The value of the attribute with this namespace and local name.
    pub fn attr_ns(&self, namespace: &str, name: &str) -> Option<&str> {
        self.as_ref().attr_ns(namespace, name)
    }

    /// Whether the element has this namespace and local name.
    pub fn is(&self, namespace: &str, name: &str) -> bool {
        self.as_ref().is(namespace, name)
    }

    /// The child elements and texts.
    pub fn children(&self) -> Children<'_> {
        self.as_ref().children()
    }

    /// The child elements.
    pub fn elements(&self) -> impl Iterator<Item = ElementRef<'_>> {
        self.as_ref().elements()
    }

    /// The first child element with this namespace and local name.
    pub fn child(&self, namespace: &str, name: &str) -> Option<ElementRef<'_>> {
        self.as_ref().child(namespace, name)
    }

    /// The direct text children, concatenated (borrowed when there is at most one).
    pub fn text(&self) -> Cow<'_, str> {
        self.as_ref().text()
    }

    /// Adds an attribute without namespace (builder style).
    pub fn with_attr(
        mut self,
        name: impl Into<Cow<'a, str>>,
        value: impl Into<Cow<'a, str>>,
    ) -> Self {
        self.push_attr(Attribute {
            namespace: Cow::Borrowed(""),
            name: name.into(),
            value: value.into(),
        });
        self
    }

    /// Gives the root element another namespace and local name.
    pub fn set_name(&mut self, namespace: impl Into<Cow<'a, str>>, name: impl Into<Cow<'a, str>>) {
        if let Some(Slot::Element {
            namespace: ns,
            name: n,
            ..
        }) = self.nodes.first_mut()
        {
            *ns = namespace.into();
            *n = name.into();
        }
    }

    /// Sets the root's attribute `name` (without namespace) to `value`: replaces the value
    /// of an attribute of that name, or adds one after the others.
    pub fn set_attr(&mut self, name: &str, value: impl Into<Cow<'a, str>>) {
        let value = value.into();
        if let Some(Slot::Element {
            attrs, attr_len, ..
        }) = self.nodes.first()
        {
            let range = *attrs as usize..(*attrs + *attr_len) as usize;
            if let Some(a) = self.attrs.get_mut(range).and_then(|own| {
                own.iter_mut()
                    .find(|a| a.namespace.is_empty() && a.name == name)
            }) {
                a.value = value;
                return;
            }
        }
        self.push_attr(Attribute {
            namespace: Cow::Borrowed(""),
            name: Cow::Owned(name.to_owned()),
            value,
        });
    }

    /// Removes the root's attribute `name` (without namespace), if it has one; returns
    /// whether it had.
    pub fn remove_attr(&mut self, name: &str) -> bool {
        let Some(Slot::Element {
            attrs, attr_len, ..
        }) = self.nodes.first_mut()
        else {
            return false;
        };
        let start = *attrs as usize;
        let Some(offset) = self
            .attrs
            .get(start..start + *attr_len as usize)
            .and_then(|own| {
                own.iter()
                    .position(|a| a.namespace.is_empty() && a.name == name)
            })
        else {
            return false;
        };
        *attr_len -= 1;
        self.attrs.remove(start + offset);
        // The attributes of the descendants come after the root's.
        for s in self.nodes.iter_mut().skip(1) {
            if let Slot::Element { attrs, .. } = s {
                *attrs -= 1;
            }
        }
        true
    }

    /// Moves every element of the tree in namespace `from` into namespace `to` (the
    /// children of a stanza follow it from `jabber:client` into `jabber:server`).
    pub fn rename_namespace(&mut self, from: &str, to: &'a str) {
        for slot in &mut self.nodes {
            if let Slot::Element { namespace, .. } = slot
                && namespace == from
            {
                *namespace = Cow::Borrowed(to);
            }
        }
    }

    /// Adds an attribute to the root element, after its others.
    pub fn push_attr(&mut self, attr: Attribute<'a>) {
        if let Some(Slot::Element {
            attrs, attr_len, ..
        }) = self.nodes.first_mut()
        {
            let at = (*attrs + *attr_len) as usize;
            *attr_len += 1;
            self.attrs.insert(at.min(self.attrs.len()), attr);
            // The attributes of the descendants come after the root's.
            for s in self.nodes.iter_mut().skip(1) {
                if let Slot::Element { attrs, .. } = s {
                    *attrs += 1;
                }
            }
        }
    }

    /// Adds a child element (builder style).
    pub fn with_child(mut self, child: Element<'a>) -> Self {
        self.push_child(child);
        self
    }

    /// Appends a child element to the root.
    pub fn push_child(&mut self, child: Element<'a>) {
        let shift = self.nodes.len() as u32;
        let attr_shift = self.attrs.len() as u32;
        self.nodes.reserve(child.nodes.len());
        for s in child.nodes {
            self.nodes.push(match s {
                Slot::Element {
                    namespace,
                    name,
                    attrs,
                    attr_len,
                    end,
                } => Slot::Element {
                    namespace,
                    name,
                    attrs: attrs + attr_shift,
                    attr_len,
                    end: end + shift,
                },
                t => t,
            });
        }
        self.attrs.extend(child.attrs);
        self.close_root();
    }

    /// Adds text (builder style); text right after text joins it, and empty text is
    /// left out, as in a parsed tree.
    pub fn with_text(mut self, text: impl Into<Cow<'a, str>>) -> Self {
        self.push_text(text);
        self
    }

    /// Appends text to the root; see [`Element::with_text`].
    pub fn push_text(&mut self, text: impl Into<Cow<'a, str>>) {
        let text = text.into();
        if text.is_empty() {
            return;
        }
        let last_child = matches!(self.as_ref().children().last(), Some(Node::Text(_)));
        if last_child && let Some(Slot::Text(t)) = self.nodes.last_mut() {
            t.to_mut().push_str(&text);
            return;
        }
        self.nodes.push(Slot::Text(text));
        self.close_root();
    }

    fn close_root(&mut self) {
        let n = self.nodes.len() as u32;
        if let Some(Slot::Element { end, .. }) = self.nodes.first_mut() {
            *end = n;
        }
    }

    /// The same tree owning all its strings, detached from the parser's buffer.
    pub fn into_owned(self) -> Element<'static> {
        let own = |c: Cow<'_, str>| -> Cow<'static, str> { Cow::Owned(c.into_owned()) };
        Element {
            nodes: self
                .nodes
                .into_iter()
                .map(|s| match s {
                    Slot::Text(t) => Slot::Text(own(t)),
                    Slot::Element {
                        namespace,
                        name,
                        attrs,
                        attr_len,
                        end,
                    } => Slot::Element {
                        namespace: own(namespace),
                        name: own(name),
                        attrs,
                        attr_len,
                        end,
                    },
                })
                .collect(),
            attrs: self.attrs.into_iter().map(Attribute::into_owned).collect(),
        }
    }

    /// Serializes the element as a standalone fragment (a default namespace declaration is
    /// written on it unless its namespace is empty). On error nothing is appended.
    ///
    /// Elements of the streams and dialback namespaces are always written prefixed,
    /// `stream:` and `db:` (RFC 3920 §11.2.1, §11.2.3), the prefix declared on the outermost
    /// one; every other namespace becomes a default namespace declaration. An `xml:lang`
    /// value that is not an RFC 3066 language tag is refused (RFC 3920 §9.1.5), and so is
    /// an attribute named `xmlns` or `xmlns:*` in no namespace
    /// ([`WriteError::NamespaceDeclaration`]): declarations are the writer's, written from
    /// the namespaces of the tree, so the output reads back as the same tree.
    pub fn write_to(&self, out: &mut Vec<u8>) -> Result<(), WriteError> {
        self.as_ref().write_to(out)
    }

    /// Serializes the element for a context whose default namespace is `default_ns`, such
    /// as `jabber:client` inside a client stream: no redundant declaration is written.
    /// With `jabber:client` or `jabber:server` the `stream` prefix counts as bound by the
    /// stream header ([`write_stream_open`] binds it). On error nothing is appended.
    pub fn write_in(&self, out: &mut Vec<u8>, default_ns: &str) -> Result<(), WriteError> {
        self.as_ref().write_in(out, default_ns)
    }

    /// The serialization as a string.
    pub fn to_xml(&self) -> Result<String, WriteError> {
        let mut v = Vec::new();
        self.write_to(&mut v)?;
        // Everything written comes from `&str` pieces and ASCII markup.
        Ok(invariant!(String::from_utf8(v).ok(), String::new()))
    }
}

/// Deepest tree the writer accepts.
const MAX_WRITE_DEPTH: usize = 4096;

/// The prefix written for a namespace whose elements must always be prefixed: the streams
/// namespace (RFC 3920 §11.2.1, `stream`) and the dialback namespace (§11.2.3, `db`).
fn required_prefix(ns: &str) -> Option<(&'static str, u8)> {
    match ns {
        STREAMS_NS => Some(("stream", 1)),
        DIALBACK_NS => Some(("db", 2)),
        _ => None,
    }
}

/// What is in scope for the children of an open element.
#[derive(Clone, Copy)]
struct Scope<'e> {
    /// The default namespace.
    default_ns: &'e str,
    /// Which required prefixes are bound (bit 1: `stream`, bit 2: `db`).
    bound: u8,
    /// Length of the attribute-namespace list before the element.
    declared: usize,
}

fn write_tree(root: ElementRef<'_>, out: &mut Vec<u8>, default_ns: &str) -> Result<(), WriteError> {
    // Namespaces of prefixed attributes declared by the open elements: prefix `n<i>` is
    // bound to `declared[i]`, so each is declared once per subtree.
    let mut declared: Vec<&str> = Vec::new();
    // Inside a client or server stream the header has bound `stream` (write_stream_open).
    let stream_ctx = default_ns == CLIENT_NS || default_ns == SERVER_NS;
    let mut scope = Scope {
        default_ns,
        bound: u8::from(stream_ctx),
        declared: 0,
    };
    // Open elements: where their subtree ends, the element, and the scope around it.
    let mut stack: Vec<(usize, ElementRef<'_>, Scope<'_>)> = Vec::new();
    let end = root.parts().3;
    for i in root.at..end {
        while let Some(&(e, el, outer)) = stack.last() {
            if e > i {
                break;
            }
            close_tag(el, out);
            declared.truncate(scope.declared);
            scope = outer;
            stack.pop();
        }
        match root.nodes.get(i) {
            Some(Slot::Text(t)) => escape(t, false, out)?,
            Some(Slot::Element { end: e, .. }) => {
                let el = ElementRef { at: i, ..root };
                let inner = open_tag(el, out, scope, &mut declared)?;
                if *e as usize > i + 1 {
                    out.push(b'>');
                    if stack.len() >= MAX_WRITE_DEPTH {
                        return Err(WriteError::TooDeep);
                    }
                    stack.push((*e as usize, el, scope));
                    scope = inner;
                } else {
                    out.extend_from_slice(b"/>");
                    declared.truncate(inner.declared);
                }
            }
            None => {}
        }
    }
    while let Some((_, el, _)) = stack.pop() {
        close_tag(el, out);
    }
    Ok(())
}

fn close_tag(el: ElementRef<'_>, out: &mut Vec<u8>) {
    out.extend_from_slice(b"</");
    if let Some((p, _)) = required_prefix(el.namespace()) {
        out.extend_from_slice(p.as_bytes());
        out.push(b':');
    }
    out.extend_from_slice(el.name().as_bytes());
    out.push(b'>');
}

/// Writes `<name` and the attributes of `el` (without the closing `>` or `/>`) in the
/// scope of its parent; returns the scope of its children.
fn open_tag<'e>(
    el: ElementRef<'e>,
    out: &mut Vec<u8>,
    parent: Scope<'e>,
    declared: &mut Vec<&'e str>,
) -> Result<Scope<'e>, WriteError> {
    let (namespace, name, attributes, _) = el.parts();
    if !is_ncname(name) {
        return Err(WriteError::InvalidName(name.to_string()));
    }
    if namespace == XML_NS || namespace == XMLNS_NS {
        return Err(WriteError::InvalidNamespace(namespace.to_string()));
    }
    let mut scope = Scope {
        declared: declared.len(),
        ..parent
    };
    out.push(b'<');
    match required_prefix(namespace) {
        Some((p, bit)) => {
            out.extend_from_slice(p.as_bytes());
            out.push(b':');
            out.extend_from_slice(name.as_bytes());
            if parent.bound & bit == 0 {
                out.extend_from_slice(b" xmlns:");
                out.extend_from_slice(p.as_bytes());
                out.extend_from_slice(b"='");
                out.extend_from_slice(namespace.as_bytes());
                out.push(b'\'');
                scope.bound |= bit;
            }
        }
        None => {
            out.extend_from_slice(name.as_bytes());
            if namespace != parent.default_ns {
                out.extend_from_slice(b" xmlns='");
                escape(namespace, true, out)?;
                out.push(b'\'');
            }
            scope.default_ns = namespace;
        }
    }
    for (k, a) in attributes.iter().enumerate() {
        // Namespaces in XML §3: in no namespace these names declare a namespace; written,
        // they would rebind the element or repeat its declaration.
        if a.namespace.is_empty() && is_declaration(&a.name) {
            return Err(WriteError::NamespaceDeclaration(a.name.to_string()));
        }
        if !is_ncname(&a.name) {
            return Err(WriteError::InvalidName(a.name.to_string()));
        }
        if attributes[..k]
            .iter()
            .any(|o| o.name == a.name && o.namespace == a.namespace)
        {
            return Err(WriteError::DuplicateAttribute(a.name.to_string()));
        }
        out.push(b' ');
        match a.namespace.as_ref() {
            "" => {}
            XML_NS => {
                // RFC 3920 §4.4, §9.1.5.
                if a.name == "lang" && !is_language_tag(a.value.as_bytes()) {
                    return Err(WriteError::InvalidLanguageTag(a.value.to_string()));
                }
                out.extend_from_slice(b"xml:");
            }
            XMLNS_NS => return Err(WriteError::InvalidNamespace(a.namespace.to_string())),
            ns => {
                let idx = match declared.iter().position(|p| *p == ns) {
                    Some(i) => i,
                    None => {
                        declared.push(ns);
                        let i = declared.len() - 1;
                        out.extend_from_slice(format!("xmlns:n{i}='").as_bytes());
                        escape(ns, true, out)?;
                        out.extend_from_slice(b"' ");
                        i
                    }
                };
                out.extend_from_slice(format!("n{idx}:").as_bytes());
            }
        }
        out.extend_from_slice(a.name.as_bytes());
        out.extend_from_slice(b"='");
        escape(&a.value, true, out)?;
        out.push(b'\'');
    }
    Ok(scope)
}

/// Escapes text (`attr == false`) or an attribute value, refusing
/// characters outside the Char production.
fn escape(s: &str, attr: bool, out: &mut Vec<u8>) -> Result<(), WriteError> {
    let bytes = s.as_bytes();
    let mut last = 0;
    for (i, c) in s.char_indices() {
        let rep: &[u8] = match c {
            '&' => b"&amp;",
            '<' => b"&lt;",
            '>' => b"&gt;",
            '\r' => b"&#xD;",
            // RFC 3920 §11.1: every character that has a predefined entity is escaped, in
            // character data as well as in attribute values.
            '\'' => b"&apos;",
            '"' => b"&quot;",
            '\n' if attr => b"&#xA;",
            '\t' if attr => b"&#x9;",
            _ => {
                if !is_char(c as u32) {
                    return Err(WriteError::InvalidChar(c as u32));
                }
                continue;
            }
        };
        out.extend_from_slice(&bytes[last..i]);
        out.extend_from_slice(rep);
        last = i + c.len_utf8();
    }
    out.extend_from_slice(&bytes[last..]);
    Ok(())
}

/// Writes a stream header `<stream:stream xmlns='…' xmlns:stream='…' …>` (RFC 3920 §4.4)
/// with the given attributes (names such as `to`, `version`, `xml:lang`). On error nothing
/// is appended.
///
/// What the parser of a receiving entity would refuse is refused here: a default namespace
/// other than `jabber:client` and `jabber:server` ([`WriteError::InvalidNamespace`],
/// RFC 3920 §11.2.2); a `version` that is not `major.minor` or has leading zeros
/// ([`WriteError::InvalidVersion`], §4.4.1); an `xml:lang` that is not a language tag;
/// names other than NCNames and `xml:` NCNames; and namespace declarations
/// ([`WriteError::NamespaceDeclaration`]) except `xmlns:db` bound to
/// `jabber:server:dialback`, which a server announcing dialback puts there (§8).
pub fn write_stream_open(
    out: &mut Vec<u8>,
    default_ns: &str,
    attributes: &[(&str, &str)],
) -> Result<(), WriteError> {
    let start = out.len();
    let r = (|| {
        if default_ns != CLIENT_NS && default_ns != SERVER_NS {
            return Err(WriteError::InvalidNamespace(default_ns.to_owned()));
        }
        out.extend_from_slice(b"<stream:stream xmlns='");
        out.extend_from_slice(default_ns.as_bytes());
        out.extend_from_slice(b"' xmlns:stream='");
        out.extend_from_slice(STREAMS_NS.as_bytes());
        out.push(b'\'');
        for (k, &(name, value)) in attributes.iter().enumerate() {
            if is_declaration(name) {
                if name != "xmlns:db" || value != DIALBACK_NS {
                    return Err(WriteError::NamespaceDeclaration(name.to_owned()));
                }
            } else if !is_ncname(name.strip_prefix("xml:").unwrap_or(name)) {
                return Err(WriteError::InvalidName(name.to_owned()));
            }
            if name == "xml:lang" && !is_language_tag(value.as_bytes()) {
                return Err(WriteError::InvalidLanguageTag(value.to_owned()));
            }
            if name == "version" && !is_version_to_send(value) {
                return Err(WriteError::InvalidVersion(value.to_owned()));
            }
            if attributes[..k].iter().any(|&(n, _)| n == name) {
                return Err(WriteError::DuplicateAttribute(name.to_owned()));
            }
            out.push(b' ');
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(b"='");
            escape(value, true, out)?;
            out.push(b'\'');
        }
        out.push(b'>');
        Ok(())
    })();
    if r.is_err() {
        out.truncate(start);
    }
    r
}

/// Whether a name as written is a namespace declaration, `xmlns` or `xmlns:*`
/// (Namespaces in XML §3).
fn is_declaration(name: &str) -> bool {
    name == "xmlns" || name.starts_with("xmlns:")
}

/// RFC 3920 §4.4.1: `major.minor`, each a non-negative decimal integer (one the parser
/// reads, so at most `u32::MAX`) without leading zeros, which MUST NOT be generated.
fn is_version_to_send(v: &str) -> bool {
    let number = |s: &str| {
        s.bytes().all(|c| c.is_ascii_digit())
            && !s.is_empty()
            && (s == "0" || !s.starts_with('0'))
            && s.parse::<u32>().is_ok()
    };
    v.split_once('.')
        .is_some_and(|(major, minor)| number(major) && number(minor))
}

/// Writes the XML declaration `<?xml version='1.0'?>` that should precede a stream header
/// (RFC 3920 §11.4).
pub fn write_xml_declaration(out: &mut Vec<u8>) {
    out.extend_from_slice(b"<?xml version='1.0'?>");
}

/// Writes `</stream:stream>`.
pub fn write_stream_close(out: &mut Vec<u8>) {
    out.extend_from_slice(b"</stream:stream>");
}

fn broken(offset: u64, i: usize) -> Error {
    Error::new(ErrorKind::UnexpectedEof, offset + i as u64)
}

/// Bytes that end an element name (bit 1: white space, `/`, `>`) or an attribute name
/// (bit 2: white space, `=`).
static DELIM: [u8; 256] = {
    let mut t = [0u8; 256];
    t[b' ' as usize] = 3;
    t[b'\t' as usize] = 3;
    t[b'\n' as usize] = 3;
    t[b'\r' as usize] = 3;
    t[b'/' as usize] = 1;
    t[b'>' as usize] = 1;
    t[b'=' as usize] = 2;
    t
};

/// Bytes that end an attribute value (bit 1: `"`, bit 2: `'`) or make it need expanding
/// (bit 4: a reference, or white space other than the space, XML 1.0 §3.3.3).
static VALUE: [u8; 256] = {
    let mut t = [0u8; 256];
    t[b'"' as usize] = 1;
    t[b'\'' as usize] = 2;
    t[b'&' as usize] = 4;
    t[b'\t' as usize] = 4;
    t[b'\n' as usize] = 4;
    t[b'\r' as usize] = 4;
    t
};

/// (prefix, local part) of a validated QName; the prefix is empty when there is none.
#[inline]
fn split_qname(q: &str) -> (&str, &str) {
    match q.as_bytes().iter().position(|&c| c == b':') {
        Some(k) => (&q[..k], &q[k + 1..]),
        None => ("", q),
    }
}

/// Appends CDATA content with line ends normalized (XML 1.0 §2.11).
fn push_cdata(t: &mut String, raw: &str) {
    let mut rest = raw;
    while let Some(k) = rest.find('\r') {
        t.push_str(&rest[..k]);
        t.push('\n');
        rest = &rest[k + 1..];
        if let Some(r) = rest.strip_prefix('\n') {
            rest = r;
        }
    }
    t.push_str(rest);
}

/// Namespace declarations made inside the stanza, innermost last: on the stack for the
/// usual counts. The URI is owned only when a reference had to be expanded.
struct Decls<'a> {
    small: [(&'a str, Cow<'a, str>); 4],
    len: usize,
    big: Vec<(&'a str, Cow<'a, str>)>,
}

impl<'a> Decls<'a> {
    fn new() -> Self {
        Decls {
            small: Default::default(),
            len: 0,
            big: Vec::new(),
        }
    }

    fn as_slice(&self) -> &[(&'a str, Cow<'a, str>)] {
        if self.big.is_empty() {
            self.small.get(..self.len).unwrap_or(&[])
        } else {
            &self.big
        }
    }

    fn push(&mut self, d: (&'a str, Cow<'a, str>)) {
        if self.big.is_empty() && self.len < self.small.len() {
            self.small[self.len] = d;
        } else {
            if self.big.is_empty() {
                self.big.extend(self.small.iter().take(self.len).cloned());
            }
            self.big.push(d);
        }
        self.len += 1;
    }

    fn truncate(&mut self, n: usize) {
        if n < self.len {
            self.len = n;
            if !self.big.is_empty() {
                self.big.truncate(n);
                if n <= self.small.len() {
                    // Back on the stack: the first `n` are still there.
                    self.big.clear();
                }
            }
        }
    }

    /// The namespace bound to `prefix`: declarations in the stanza first, then the
    /// stream's (whose default namespace, the common case, is looked up once per tree).
    fn lookup(&self, ctx: NsContext<'a>, ctx_default: &'a str, prefix: &str) -> Cow<'a, str> {
        match self.as_slice().iter().rev().find(|(p, _)| *p == prefix) {
            Some((_, u)) => u.clone(),
            None if prefix.is_empty() => Cow::Borrowed(ctx_default),
            None => Cow::Borrowed(ctx.lookup(prefix).unwrap_or("")),
        }
    }
}

/// Builds the tree of one element by reading again the bytes the parser validated, in one
/// pass, into the flat vectors of an [`Element`] (sized from the bytes, so that they
/// rarely grow). Iterative: the depth of the input never reaches the call stack. It
/// serves parsers that record nothing ([`crate::Parser::record_trees`]), and the fuzz
/// targets compare its trees with those of [`build_recorded`].
pub(crate) fn build_element<'a>(
    b: &'a [u8],
    offset: u64,
    ctx: NsContext<'a>,
    limits: Limits,
    (elements, attributes, expand): (u32, u32, bool),
) -> Result<Element<'a>, Error> {
    let s = std::str::from_utf8(b)
        .map_err(|e| Error::new(ErrorKind::InvalidUtf8, offset + e.valid_up_to() as u64))?;
    let mut ns = Decls::new();
    let ctx_default = ctx.lookup("").unwrap_or("");
    // The parser counted the elements and attributes; texts are rarely more numerous
    // than elements.
    let mut nodes: Vec<Slot<'a>> = Vec::with_capacity(2 * elements as usize + 1);
    let mut attrs: Vec<Attribute<'a>> = Vec::with_capacity(attributes as usize);
    // Open elements: their index in `nodes` and the declaration count before them; on
    // the stack for the usual depths.
    let mut open_small = [(0u32, 0u32); 8];
    let mut open_big: Vec<(u32, u32)> = Vec::new();
    let mut depth = 0usize;
    // Index of the text node that the next text would continue (CDATA next to text).
    let mut last_text = usize::MAX;
    // The attributes of one start tag: on the stack unless there are many.
    let mut raw_small: [(&'a str, &'a str, bool); 8] = [("", "", true); 8];
    let mut raw_big: Vec<(&'a str, &'a str, bool)> = Vec::new();
    let skip_ws = |mut k: usize| {
        while b.get(k).is_some_and(|&c| is_ws(c)) {
            k += 1;
        }
        k
    };
    let find = |from: usize, pat: &[u8]| -> Option<usize> {
        b.get(from..)?
            .windows(pat.len())
            .position(|w| w == pat)
            .map(|p| from + p)
    };
    let mut i = 0;
    loop {
        let Some(&c) = b.get(i) else {
            return Err(broken(offset, i));
        };
        let cdata = c == b'<' && b.get(i + 1) == Some(&b'!');
        let mut text_plain = false;
        if c != b'<' || cdata {
            let (raw, next) = if cdata {
                let start = i + 9;
                let end = find(start, b"]]>").ok_or_else(|| broken(offset, i))?;
                (s.get(start..end).unwrap_or(""), end + 3)
            } else {
                // Most text needs no expanding: one search finds its end and tells.
                let found = if expand {
                    memchr::memchr3(b'<', b'&', b'\r', &b[i..])
                } else {
                    memchr::memchr(b'<', &b[i..])
                };
                let (j, plain) = match found {
                    Some(p) if b.get(i + p) == Some(&b'<') => (i + p, true),
                    Some(p) => (
                        memchr::memchr(b'<', &b[i + p..]).map_or(b.len(), |q| i + p + q),
                        false,
                    ),
                    None => (b.len(), true),
                };
                text_plain = plain;
                (s.get(i..j).unwrap_or(""), j)
            };
            i = next;
            if depth == 0 || raw.is_empty() {
                continue;
            }
            if last_text.wrapping_add(1) == nodes.len()
                && let Some(Slot::Text(t)) = nodes.last_mut()
            {
                let t = t.to_mut();
                if cdata {
                    push_cdata(t, raw);
                } else {
                    unescape_str(raw, false, t);
                }
                continue;
            }
            let text = if cdata {
                if raw.contains('\r') {
                    let mut t = String::with_capacity(raw.len());
                    push_cdata(&mut t, raw);
                    Cow::Owned(t)
                } else {
                    Cow::Borrowed(raw)
                }
            } else if text_plain {
                Cow::Borrowed(raw)
            } else {
                cow_unescaped(raw, false)
            };
            last_text = nodes.len();
            nodes.push(Slot::Text(text));
            continue;
        }
        if b.get(i + 1) == Some(&b'/') {
            let gt = memchr::memchr(b'>', &b[i..])
                .map(|p| i + p)
                .ok_or_else(|| broken(offset, i))?;
            i = gt + 1;
            let (at, nsl) = if depth > open_small.len() {
                open_big.pop()
            } else {
                depth
                    .checked_sub(1)
                    .and_then(|d| open_small.get(d).copied())
            }
            .ok_or_else(|| broken(offset, i))?;
            depth -= 1;
            ns.truncate(nsl as usize);
            let n = nodes.len() as u32;
            if let Some(Slot::Element { end, .. }) = nodes.get_mut(at as usize) {
                *end = n;
            }
            last_text = usize::MAX;
            if depth == 0 {
                return Ok(Element { nodes, attrs });
            }
            continue;
        }
        // A start tag.
        let j = i + 1;
        let name_end = b[j..]
            .iter()
            .position(|&c| DELIM[usize::from(c)] & 1 != 0)
            .map(|p| j + p)
            .ok_or_else(|| broken(offset, i))?;
        let qname = s.get(j..name_end).ok_or_else(|| broken(offset, i))?;
        let mut raw_len = 0usize;
        raw_big.clear();
        let mut k = name_end;
        let mut decls = false;
        let empty = loop {
            k = skip_ws(k);
            match b.get(k) {
                Some(b'>') => {
                    k += 1;
                    break false;
                }
                Some(b'/') => {
                    k += 2;
                    break true;
                }
                Some(_) => {}
                None => return Err(broken(offset, k)),
            }
            let an_end = b[k..]
                .iter()
                .position(|&c| DELIM[usize::from(c)] & 2 != 0)
                .map(|p| k + p)
                .ok_or_else(|| broken(offset, k))?;
            let aname = s.get(k..an_end).ok_or_else(|| broken(offset, k))?;
            decls |= is_decl(aname);
            k = skip_ws(an_end) + 1;
            k = skip_ws(k);
            let q = *b.get(k).ok_or_else(|| broken(offset, k))?;
            k += 1;
            // One pass finds the closing quote and whether the value needs expanding.
            let stop = if q == b'"' { 1 } else { 2 } | 4;
            let mut vend = k;
            let mut plain = true;
            if !expand {
                vend = memchr::memchr(q, b.get(k..).unwrap_or(&[]))
                    .map(|p| k + p)
                    .ok_or_else(|| broken(offset, k))?;
            } else {
                loop {
                    let p = b
                        .get(vend..)
                        .and_then(|r| r.iter().position(|&c| VALUE[usize::from(c)] & stop != 0))
                        .ok_or_else(|| broken(offset, k))?;
                    vend += p;
                    if b.get(vend) == Some(&q) {
                        break;
                    }
                    plain = false;
                    vend += 1;
                }
            }
            let pair = (aname, s.get(k..vend).unwrap_or(""), plain);
            if raw_len < raw_small.len() {
                raw_small[raw_len] = pair;
                raw_len += 1;
            } else {
                if raw_big.is_empty() {
                    raw_big.extend_from_slice(&raw_small);
                }
                raw_big.push(pair);
            }
            k = vend + 1;
        };
        i = k;
        let raw_attrs: &[(&str, &str, bool)] = if raw_big.is_empty() {
            &raw_small[..raw_len]
        } else {
            &raw_big
        };
        let nsl = ns.len;
        if decls {
            for &(n, v, _) in raw_attrs {
                let prefix = if n == "xmlns" {
                    ""
                } else if let Some(p) = n.strip_prefix("xmlns:") {
                    p
                } else {
                    continue;
                };
                ns.push((prefix, cow_unescaped(v, true)));
            }
        }
        let (prefix, local) = split_qname(qname);
        let namespace = ns.lookup(ctx, ctx_default, prefix);
        let first_attr = attrs.len();
        for &(n, v, plain) in raw_attrs {
            if decls && is_decl(n) {
                continue;
            }
            let (p, name) = split_qname(n);
            let namespace = if p.is_empty() {
                Cow::Borrowed("")
            } else {
                ns.lookup(ctx, ctx_default, p)
            };
            let value = if plain {
                Cow::Borrowed(v)
            } else {
                cow_unescaped(v, true)
            };
            attrs.push(Attribute {
                namespace,
                name: Cow::Borrowed(name),
                value,
            });
        }
        let at = nodes.len();
        nodes.push(Slot::Element {
            namespace,
            name: Cow::Borrowed(local),
            attrs: first_attr as u32,
            attr_len: (attrs.len() - first_attr) as u32,
            end: at as u32 + 1,
        });
        last_text = usize::MAX;
        if empty {
            ns.truncate(nsl);
            if depth == 0 {
                return Ok(Element { nodes, attrs });
            }
        } else {
            if depth >= limits.max_depth {
                return Err(Error::new(ErrorKind::TooDeep, offset + i as u64));
            }
            let frame = (at as u32, nsl as u32);
            if depth < open_small.len() {
                open_small[depth] = frame;
            } else {
                open_big.push(frame);
            }
            depth += 1;
        }
    }
}

/// Whether an attribute name is a namespace declaration (`xmlns` or `xmlns:p`).
#[inline]
fn is_decl(n: &str) -> bool {
    n.starts_with("xmlns") && matches!(n.as_bytes().get(5), None | Some(b':'))
}

/// Builds the tree of one element from the scanner's record of it: one loop over the
/// recorded nodes, the vectors allocated at their final size, no byte read twice (but
/// the one UTF-8 view of the whole element, and the values that need expanding).
pub(crate) fn build_recorded<'a>(
    bytes: &'a [u8],
    rec: &Recorded,
    ctx: NsContext<'a>,
) -> Element<'a> {
    // The scanner validated the element as UTF-8; names and values end on boundaries.
    let s = invariant!(std::str::from_utf8(bytes).ok(), "");
    let piece = |at: u32, len: u32| -> &'a str {
        let at = at as usize;
        invariant!(s.get(at..at + len as usize), "")
    };
    let mut ns = Namespaces {
        ctx,
        rec,
        text: s,
        stream_last: (NO_NS, ""),
        decl_last: (NO_NS, Cow::Borrowed("")),
    };
    let mut nodes: Vec<Slot<'a>> = Vec::with_capacity(rec.nodes.len());
    let mut attrs: Vec<Attribute<'a>> = Vec::with_capacity(rec.attrs.len());
    for n in &rec.nodes {
        match *n {
            RecNode::Element {
                name,
                name_len,
                ns: ns_ref,
                attrs: first,
                attr_len,
                end,
            } => {
                let namespace_of_element = ns.get(ns_ref);
                let from = attrs.len() as u32;
                let f = first as usize;
                for a in invariant!(rec.attrs.get(f..f + attr_len as usize), &[]) {
                    let raw = piece(a.value, a.value_len);
                    attrs.push(Attribute {
                        namespace: ns.get(a.ns),
                        name: Cow::Borrowed(piece(a.name, a.name_len)),
                        value: if a.plain {
                            Cow::Borrowed(raw)
                        } else {
                            cow_unescaped(raw, true)
                        },
                    });
                }
                nodes.push(Slot::Element {
                    namespace: namespace_of_element,
                    name: Cow::Borrowed(piece(name, name_len)),
                    attrs: from,
                    attr_len,
                    end,
                });
            }
            RecNode::Text { start, len, kind } => {
                let raw = piece(start, len);
                nodes.push(Slot::Text(if kind == 0 {
                    Cow::Borrowed(raw)
                } else if kind & TEXT_CDATA == 0 {
                    cow_unescaped(raw, false)
                } else {
                    Cow::Owned(text_with_cdata(raw))
                }));
            }
        }
    }
    Element { nodes, attrs }
}

/// The namespaces of a record, as the tree's strings. The last stream-level namespace and
/// the last declared one are kept: consecutive elements mostly share them.
struct Namespaces<'a, 'r> {
    ctx: NsContext<'a>,
    rec: &'r Recorded,
    /// The element's bytes as text.
    text: &'a str,
    stream_last: (u32, &'a str),
    decl_last: (u32, Cow<'a, str>),
}

impl<'a> Namespaces<'a, '_> {
    #[inline(always)]
    fn get(&mut self, r: u32) -> Cow<'a, str> {
        if r == NO_NS {
            return Cow::Borrowed("");
        }
        if r & STREAM_LEVEL != 0 {
            if r != self.stream_last.0 {
                let uri = self.ctx.binding_uri((r & !STREAM_LEVEL) as usize);
                self.stream_last = (r, uri);
            }
            return Cow::Borrowed(self.stream_last.1);
        }
        if r != self.decl_last.0 {
            self.decl_last = (r, self.declared(r));
        }
        self.decl_last.1.clone()
    }

    fn declared(&self, r: u32) -> Cow<'a, str> {
        let Some(d) = self.rec.decls.get(r as usize) else {
            return invariant!(None, Cow::Borrowed(""));
        };
        let at = d.value as usize;
        let raw = invariant!(self.text.get(at..at + d.len as usize), "");
        if d.plain {
            Cow::Borrowed(raw)
        } else {
            cow_unescaped(raw, true)
        }
    }
}

/// Character data holding CDATA sections: the text between them expanded, their content
/// taken as it is, line ends normalized in both (XML 1.0 §2.7, §2.11).
fn text_with_cdata(raw: &str) -> String {
    const OPEN: &str = "<![CDATA[";
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(k) = rest.find(OPEN) {
        unescape_str(&rest[..k], false, &mut out);
        let inner = &rest[k + OPEN.len()..];
        let close = inner.find("]]>").unwrap_or(inner.len());
        push_cdata(&mut out, &inner[..close]);
        rest = inner.get(close + 3..).unwrap_or("");
    }
    unescape_str(rest, false, &mut out);
    out
}

/// A text or attribute value with references expanded, borrowed when there are none.
#[inline]
fn cow_unescaped(v: &str, attr: bool) -> Cow<'_, str> {
    if needs_unescape(v.as_bytes(), attr) {
        let mut u = String::with_capacity(v.len());
        unescape_str(v, attr, &mut u);
        Cow::Owned(u)
    } else {
        Cow::Borrowed(v)
    }
}

#[cfg(test)]
mod escape_tests {
    use super::Element;

    /// RFC 3920 §11.1: the five characters with predefined entities are escaped in character
    /// data and in attribute values.
    #[test]
    fn predefined_entity_characters_escaped_everywhere() {
        let el = Element::new("jabber:client", "body")
            .with_attr("a", "<>&'\"")
            .with_text("<>&'\"");
        let mut out = Vec::new();
        el.write_in(&mut out, "jabber:client").unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "<body a='&lt;&gt;&amp;&apos;&quot;'>&lt;&gt;&amp;&apos;&quot;</body>"
        );
    }
}

#[cfg(test)]
mod attribute_edit_tests {
    use super::Element;

    /// Setting replaces a root attribute in place or adds it; removing leaves the
    /// descendants' attributes where they were.
    #[test]
    fn set_and_remove_root_attributes() {
        let mut el = Element::new("jabber:client", "presence")
            .with_attr("to", "a@b")
            .with_attr("from", "c@d/e")
            .with_child(Element::new("jabber:client", "status").with_attr("x", "1"));
        el.set_attr("from", "c@d");
        el.set_attr("id", "7");
        assert_eq!(el.attr("from"), Some("c@d"));
        assert!(el.remove_attr("to"));
        assert!(!el.remove_attr("to"));
        assert_eq!(el.attr("to"), None);
        assert_eq!(
            el.to_xml().unwrap(),
            "<presence xmlns='jabber:client' from='c@d' id='7'><status x='1'/></presence>"
        );
    }
}
