//! The element tree, built on demand from validated bytes, and the writer.

use std::borrow::Cow;

use crate::chars::{is_char, is_language_tag, is_ncname, is_ws};
use crate::error::{Error, ErrorKind, WriteError};
use crate::escape::{needs_unescape, unescape_str};
use crate::parser::{CLIENT_NS, DIALBACK_NS, Limits, SERVER_NS, STREAMS_NS, XML_NS, XMLNS_NS};
use crate::stanza::NsContext;

/// An XML element with its namespace resolved. Namespace declarations are not attributes:
/// the writer emits them where needed.
///
/// Built from a stanza, the strings borrow the stanza's bytes wherever no reference had to
/// be expanded, so building a tree costs little more than its vectors;
/// [`Element::into_owned`] detaches it from the parser.
#[derive(Debug, Default)]
pub struct Element<'a> {
    /// The namespace name; `""` for none.
    pub namespace: Cow<'a, str>,
    /// The local name.
    pub name: Cow<'a, str>,
    /// Attributes in document order.
    pub attributes: Vec<Attribute<'a>>,
    /// Child elements and text, in document order.
    pub children: Vec<Node<'a>>,
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

/// A child of an element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node<'a> {
    /// A child element.
    Element(Element<'a>),
    /// Character data (CDATA sections included), references expanded.
    Text(Cow<'a, str>),
}

impl<'a> Element<'a> {
    fn shallow_clone(&self) -> Element<'a> {
        Element {
            namespace: self.namespace.clone(),
            name: self.name.clone(),
            attributes: self.attributes.clone(),
            children: Vec::with_capacity(self.children.len()),
        }
    }

    fn shallow_eq(&self, other: &Element<'_>) -> bool {
        self.namespace == other.namespace
            && self.name == other.name
            && self.attributes == other.attributes
            && self.children.len() == other.children.len()
    }
}

/// Cloning is iterative, like dropping.
impl Clone for Element<'_> {
    fn clone(&self) -> Self {
        let mut stack = vec![(self.shallow_clone(), self.children.iter())];
        loop {
            let Some(top) = stack.last_mut() else {
                return Element::default();
            };
            match top.1.next() {
                Some(Node::Text(t)) => top.0.children.push(Node::Text(t.clone())),
                Some(Node::Element(e)) => stack.push((e.shallow_clone(), e.children.iter())),
                None => {
                    let Some((done, _)) = stack.pop() else {
                        return Element::default();
                    };
                    match stack.last_mut() {
                        Some(parent) => parent.0.children.push(Node::Element(done)),
                        None => return done,
                    }
                }
            }
        }
    }
}

/// Comparison is iterative, like dropping.
impl PartialEq<Element<'_>> for Element<'_> {
    fn eq(&self, other: &Element<'_>) -> bool {
        if !self.shallow_eq(other) {
            return false;
        }
        let mut stack = vec![(self.children.iter(), other.children.iter())];
        while let Some((a, b)) = stack.last_mut() {
            match (a.next(), b.next()) {
                (None, None) => {
                    stack.pop();
                }
                (Some(Node::Text(x)), Some(Node::Text(y))) => {
                    if x != y {
                        return false;
                    }
                }
                (Some(Node::Element(x)), Some(Node::Element(y))) => {
                    if !x.shallow_eq(y) {
                        return false;
                    }
                    stack.push((x.children.iter(), y.children.iter()));
                }
                _ => return false,
            }
        }
        true
    }
}

impl Eq for Element<'_> {}

thread_local! {
    /// How many element drops are in progress on this thread's stack.
    static DROP_DEPTH: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Nesting the drop glue may reach before dropping turns iterative.
const RECURSIVE_DROP_DEPTH: u32 = 64;

/// Dropping a tree cannot exhaust the call stack: shallow trees (every stanza in practice)
/// are dropped by the ordinary drop glue, and below a fixed nesting the rest is torn down
/// iteratively.
impl Drop for Element<'_> {
    fn drop(&mut self) {
        if self.children.is_empty() {
            return;
        }
        let depth = DROP_DEPTH.with(std::cell::Cell::get);
        if depth < RECURSIVE_DROP_DEPTH {
            DROP_DEPTH.with(|d| d.set(depth + 1));
            drop(std::mem::take(&mut self.children));
            DROP_DEPTH.with(|d| d.set(depth));
            return;
        }
        let mut stack: Vec<Element<'_>> = Vec::new();
        for n in self.children.drain(..) {
            if let Node::Element(e) = n {
                stack.push(e);
            }
        }
        while let Some(mut e) = stack.pop() {
            for n in e.children.drain(..) {
                if let Node::Element(c) = n {
                    stack.push(c);
                }
            }
        }
    }
}

impl<'a> Element<'a> {
    /// An element without attributes or children.
    pub fn new(namespace: impl Into<Cow<'a, str>>, name: impl Into<Cow<'a, str>>) -> Self {
        Element {
            namespace: namespace.into(),
            name: name.into(),
            attributes: Vec::new(),
            children: Vec::new(),
        }
    }

    /// Adds an attribute without namespace (builder style).
    pub fn with_attr(
        mut self,
        name: impl Into<Cow<'a, str>>,
        value: impl Into<Cow<'a, str>>,
    ) -> Self {
        self.attributes.push(Attribute {
            namespace: Cow::Borrowed(""),
            name: name.into(),
            value: value.into(),
        });
        self
    }

    /// Adds a child element (builder style).
    pub fn with_child(mut self, child: Element<'a>) -> Self {
        self.children.push(Node::Element(child));
        self
    }

    /// Adds text (builder style).
    pub fn with_text(mut self, text: impl Into<Cow<'a, str>>) -> Self {
        self.children.push(Node::Text(text.into()));
        self
    }

    /// The value of the attribute without namespace with this local name.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|a| a.namespace.is_empty() && a.name == name)
            .map(|a| a.value.as_ref())
    }

    /// Whether the element has this namespace and local name.
    pub fn is(&self, namespace: &str, name: &str) -> bool {
        self.namespace == namespace && self.name == name
    }

    /// The child elements.
    pub fn elements(&self) -> impl Iterator<Item = &Element<'a>> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// The first child element with this namespace and local name.
    pub fn child(&self, namespace: &str, name: &str) -> Option<&Element<'a>> {
        self.elements().find(|e| e.is(namespace, name))
    }

    /// The direct text children, concatenated (borrowed when there is at most one).
    pub fn text(&self) -> Cow<'_, str> {
        let mut texts = self.children.iter().filter_map(|n| match n {
            Node::Text(t) => Some(t.as_ref()),
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

    /// The same tree owning all its strings, detached from the parser's buffer.
    /// Iterative: the depth of the tree never reaches the call stack.
    pub fn into_owned(mut self) -> Element<'static> {
        let mut stack = vec![self.take_shallow()];
        loop {
            let Some(top) = stack.last_mut() else {
                return Element::default();
            };
            match top.1.next() {
                Some(Node::Text(t)) => top.0.children.push(Node::Text(Cow::Owned(t.into_owned()))),
                Some(Node::Element(mut e)) => {
                    let frame = e.take_shallow();
                    stack.push(frame);
                }
                None => {
                    let Some((done, _)) = stack.pop() else {
                        return Element::default();
                    };
                    match stack.last_mut() {
                        Some(parent) => parent.0.children.push(Node::Element(done)),
                        None => return done,
                    }
                }
            }
        }
    }

    /// Moves out everything but the children, owned, and the children still to convert.
    fn take_shallow(&mut self) -> (Element<'static>, std::vec::IntoIter<Node<'a>>) {
        let children = std::mem::take(&mut self.children);
        let owned = Element {
            namespace: Cow::Owned(std::mem::take(&mut self.namespace).into_owned()),
            name: Cow::Owned(std::mem::take(&mut self.name).into_owned()),
            attributes: std::mem::take(&mut self.attributes)
                .into_iter()
                .map(Attribute::into_owned)
                .collect(),
            children: Vec::with_capacity(children.len()),
        };
        (owned, children.into_iter())
    }

    /// Serializes the element as a standalone fragment (a default namespace declaration is
    /// written on it unless its namespace is empty). On error nothing is appended.
    ///
    /// Elements of the streams and dialback namespaces are always written prefixed,
    /// `stream:` and `db:` (RFC 3920 §11.2.1, §11.2.3), the prefix declared on the outermost
    /// one; every other namespace becomes a default namespace declaration. An `xml:lang`
    /// value that is not an RFC 3066 language tag is refused (RFC 3920 §9.1.5).
    pub fn write_to(&self, out: &mut Vec<u8>) -> Result<(), WriteError> {
        self.write_in(out, "")
    }

    /// Serializes the element for a context whose default namespace is `default_ns`, such
    /// as `jabber:client` inside a client stream: no redundant declaration is written.
    /// With `jabber:client` or `jabber:server` the `stream` prefix counts as bound by the
    /// stream header ([`write_stream_open`] binds it). On error nothing is appended.
    pub fn write_in(&self, out: &mut Vec<u8>, default_ns: &str) -> Result<(), WriteError> {
        let start = out.len();
        let r = write_tree(self, out, default_ns);
        if r.is_err() {
            out.truncate(start);
        }
        r
    }

    /// The serialization as a string.
    pub fn to_xml(&self) -> Result<String, WriteError> {
        let mut v = Vec::new();
        self.write_to(&mut v)?;
        String::from_utf8(v).map_err(|_| WriteError::InvalidChar(0xfffd))
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

fn write_tree(root: &Element<'_>, out: &mut Vec<u8>, default_ns: &str) -> Result<(), WriteError> {
    // Namespaces of prefixed attributes declared by the open elements: prefix `n<i>` is
    // bound to `declared[i]`, so each is declared once per subtree.
    let mut declared: Vec<&str> = Vec::new();
    // Inside a client or server stream the header has bound `stream` (write_stream_open).
    let stream_ctx = default_ns == CLIENT_NS || default_ns == SERVER_NS;
    let outer = Scope {
        default_ns,
        bound: u8::from(stream_ctx),
        declared: 0,
    };
    let scope = open_tag(root, out, outer, &mut declared)?;
    if root.children.is_empty() {
        out.extend_from_slice(b"/>");
        return Ok(());
    }
    out.push(b'>');
    let mut stack: Vec<(&Element<'_>, usize, Scope<'_>)> = vec![(root, 0, scope)];
    while let Some(&(el, idx, scope)) = stack.last() {
        if let Some(child) = el.children.get(idx) {
            if let Some(top) = stack.last_mut() {
                top.1 += 1;
            }
            match child {
                Node::Text(t) => escape(t, false, out)?,
                Node::Element(c) => {
                    let inner = open_tag(c, out, scope, &mut declared)?;
                    if c.children.is_empty() {
                        out.extend_from_slice(b"/>");
                        declared.truncate(inner.declared);
                    } else {
                        out.push(b'>');
                        if stack.len() >= MAX_WRITE_DEPTH {
                            return Err(WriteError::TooDeep);
                        }
                        stack.push((c, 0, inner));
                    }
                }
            }
        } else {
            out.extend_from_slice(b"</");
            if let Some((p, _)) = required_prefix(&el.namespace) {
                out.extend_from_slice(p.as_bytes());
                out.push(b':');
            }
            out.extend_from_slice(el.name.as_bytes());
            out.push(b'>');
            if stack.pop().is_some() {
                declared.truncate(scope.declared);
            }
        }
    }
    Ok(())
}

/// Writes `<name` and the attributes of `el` (without the closing `>` or `/>`) in the
/// scope of its parent; returns the scope of its children.
fn open_tag<'e>(
    el: &'e Element<'_>,
    out: &mut Vec<u8>,
    parent: Scope<'e>,
    declared: &mut Vec<&'e str>,
) -> Result<Scope<'e>, WriteError> {
    if !is_ncname(&el.name) {
        return Err(WriteError::InvalidName(el.name.to_string()));
    }
    if el.namespace == XML_NS || el.namespace == XMLNS_NS {
        return Err(WriteError::InvalidNamespace(el.namespace.to_string()));
    }
    let mut scope = Scope {
        declared: declared.len(),
        ..parent
    };
    out.push(b'<');
    match required_prefix(&el.namespace) {
        Some((p, bit)) => {
            out.extend_from_slice(p.as_bytes());
            out.push(b':');
            out.extend_from_slice(el.name.as_bytes());
            if parent.bound & bit == 0 {
                out.extend_from_slice(b" xmlns:");
                out.extend_from_slice(p.as_bytes());
                out.extend_from_slice(b"='");
                out.extend_from_slice(el.namespace.as_bytes());
                out.push(b'\'');
                scope.bound |= bit;
            }
        }
        None => {
            out.extend_from_slice(el.name.as_bytes());
            if *el.namespace != *parent.default_ns {
                out.extend_from_slice(b" xmlns='");
                escape(&el.namespace, true, out)?;
                out.push(b'\'');
            }
            scope.default_ns = &el.namespace;
        }
    }
    for (k, a) in el.attributes.iter().enumerate() {
        if !is_ncname(&a.name) {
            return Err(WriteError::InvalidName(a.name.to_string()));
        }
        if el.attributes[..k]
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

/// Escapes text (`attr == false`) or an attribute value for single quotes, refusing
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
            '\'' if attr => b"&apos;",
            '"' if attr => b"&quot;",
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
/// with the given attributes (names such as `to`, `version`, `xml:lang`).
pub fn write_stream_open(
    out: &mut Vec<u8>,
    default_ns: &str,
    attributes: &[(&str, &str)],
) -> Result<(), WriteError> {
    let start = out.len();
    let r = (|| {
        out.extend_from_slice(b"<stream:stream xmlns='");
        escape(default_ns, true, out)?;
        out.extend_from_slice(b"' xmlns:stream='");
        out.extend_from_slice(STREAMS_NS.as_bytes());
        out.push(b'\'');
        for (k, (name, value)) in attributes.iter().enumerate() {
            let local = name.strip_prefix("xml:").unwrap_or(name);
            if !is_ncname(local) {
                return Err(WriteError::InvalidName((*name).to_owned()));
            }
            if *name == "xml:lang" && !is_language_tag(value.as_bytes()) {
                return Err(WriteError::InvalidLanguageTag((*value).to_owned()));
            }
            if attributes[..k].iter().any(|(n, _)| n == name) {
                return Err(WriteError::DuplicateAttribute((*name).to_owned()));
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

/// The tree under construction: every node in document order, open elements included
/// (their children follow them until their end tag), and where the open ones are.
struct Builder<'a> {
    /// Nodes not yet moved into their parent's vector.
    nodes: Vec<Node<'a>>,
    /// Index in `nodes` of each open element and the declaration count before it; kept on
    /// the stack for the usual depths.
    open_small: [(usize, usize); 16],
    open_len: usize,
    open_big: Vec<(usize, usize)>,
}

impl<'a> Builder<'a> {
    fn top(&self) -> Option<(usize, usize)> {
        match self.open_len {
            0 => None,
            n if n <= self.open_small.len() => self.open_small.get(n - 1).copied(),
            _ => self.open_big.last().copied(),
        }
    }

    fn push_open(&mut self, el: Element<'a>, nsl: usize) {
        let frame = (self.nodes.len(), nsl);
        self.nodes.push(Node::Element(el));
        if self.open_len < self.open_small.len() {
            self.open_small[self.open_len] = frame;
        } else {
            self.open_big.push(frame);
        }
        self.open_len += 1;
    }

    /// Closes the innermost open element: its children move into a vector of exactly
    /// their number. Returns the declaration count to go back to, and the element when it
    /// was the root.
    fn close(&mut self) -> Option<(usize, Option<Element<'a>>)> {
        let (at, nsl) = self.top()?;
        if self.open_len > self.open_small.len() {
            self.open_big.pop();
        }
        self.open_len -= 1;
        let children: Vec<Node<'a>> = self.nodes.drain(at + 1..).collect();
        if let Some(Node::Element(el)) = self.nodes.get_mut(at) {
            el.children = children;
        }
        if self.open_len == 0 {
            return match self.nodes.pop() {
                Some(Node::Element(el)) => Some((nsl, Some(el))),
                _ => None,
            };
        }
        Some((nsl, None))
    }

    /// Adds a finished element (an empty-element tag) as a child of the innermost open one;
    /// gives it back when there is none.
    fn push_leaf(&mut self, el: Element<'a>) -> Option<Element<'a>> {
        if self.open_len == 0 {
            return Some(el);
        }
        self.nodes.push(Node::Element(el));
        None
    }

    fn push_text(&mut self, raw: &'a str, cdata: bool) {
        let Some((at, _)) = self.top() else {
            return;
        };
        if raw.is_empty() {
            return;
        }
        if self.nodes.len() > at + 1
            && let Some(Node::Text(t)) = self.nodes.last_mut()
        {
            let t = t.to_mut();
            if cdata {
                push_cdata(t, raw);
            } else {
                unescape_str(raw, false, t);
            }
            return;
        }
        let plain = if cdata {
            !raw.contains('\r')
        } else {
            !needs_unescape(raw.as_bytes(), false)
        };
        if plain {
            self.nodes.push(Node::Text(Cow::Borrowed(raw)));
            return;
        }
        let mut t = String::with_capacity(raw.len());
        if cdata {
            push_cdata(&mut t, raw);
        } else {
            unescape_str(raw, false, &mut t);
        }
        self.nodes.push(Node::Text(Cow::Owned(t)));
    }
}

/// Namespace declarations made inside the stanza, innermost last: on the stack for the
/// usual counts. The URI is owned only when a reference had to be expanded.
struct Decls<'a> {
    small: [(&'a str, Cow<'a, str>); 8],
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

/// Builds the tree of one element from bytes the parser validated, in one pass. Every
/// child vector is allocated once with its exact length (the children wait in one shared
/// vector until their parent's end tag). Iterative: the depth of the input never reaches
/// the call stack.
pub(crate) fn build_element<'a>(
    b: &'a [u8],
    offset: u64,
    ctx: NsContext<'a>,
    limits: Limits,
) -> Result<Element<'a>, Error> {
    let s = std::str::from_utf8(b)
        .map_err(|e| Error::new(ErrorKind::InvalidUtf8, offset + e.valid_up_to() as u64))?;
    let mut ns = Decls::new();
    let ctx_default = ctx.lookup("").unwrap_or("");
    let mut tree = Builder {
        nodes: Vec::new(),
        open_small: [(0, 0); 16],
        open_len: 0,
        open_big: Vec::new(),
    };
    // The attributes of one start tag: on the stack unless there are many.
    let mut raw_small: [(&'a str, &'a str); 16] = [("", ""); 16];
    let mut raw_big: Vec<(&'a str, &'a str)> = Vec::new();
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
        if c != b'<' {
            let j = memchr::memchr(b'<', &b[i..]).map_or(b.len(), |p| i + p);
            tree.push_text(s.get(i..j).unwrap_or(""), false);
            i = j;
            continue;
        }
        match b.get(i + 1) {
            Some(b'/') => {
                let gt = memchr::memchr(b'>', &b[i..])
                    .map(|p| i + p)
                    .ok_or_else(|| broken(offset, i))?;
                let (nsl, root) = tree.close().ok_or_else(|| broken(offset, i))?;
                ns.truncate(nsl);
                i = gt + 1;
                if let Some(el) = root {
                    return Ok(el);
                }
            }
            Some(b'!') => {
                let start = i + 9;
                let end = find(start, b"]]>").ok_or_else(|| broken(offset, i))?;
                tree.push_text(s.get(start..end).unwrap_or(""), true);
                i = end + 3;
            }
            _ => {
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
                let mut plain_attrs = 0usize;
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
                    if is_decl(aname) {
                        decls = true;
                    } else {
                        plain_attrs += 1;
                    }
                    k = skip_ws(an_end) + 1;
                    k = skip_ws(k);
                    let q = *b.get(k).ok_or_else(|| broken(offset, k))?;
                    k += 1;
                    let vend = memchr::memchr(q, &b[k.min(b.len())..])
                        .map(|p| k + p)
                        .ok_or_else(|| broken(offset, k))?;
                    let pair = (aname, s.get(k..vend).unwrap_or(""));
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
                let raw_attrs: &[(&str, &str)] = if raw_big.is_empty() {
                    &raw_small[..raw_len]
                } else {
                    &raw_big
                };
                let nsl = ns.len;
                if decls {
                    for &(n, v) in raw_attrs {
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
                let mut el = Element::new(namespace, local);
                if plain_attrs > 0 {
                    el.attributes.reserve_exact(plain_attrs);
                    for &(n, v) in raw_attrs {
                        if is_decl(n) {
                            continue;
                        }
                        let (p, name) = split_qname(n);
                        let namespace = if p.is_empty() {
                            Cow::Borrowed("")
                        } else {
                            ns.lookup(ctx, ctx_default, p)
                        };
                        el.attributes.push(Attribute {
                            namespace,
                            name: Cow::Borrowed(name),
                            value: cow_unescaped(v, true),
                        });
                    }
                }
                i = k;
                if empty {
                    ns.truncate(nsl);
                    if let Some(root) = tree.push_leaf(el) {
                        return Ok(root);
                    }
                } else {
                    if tree.open_len >= limits.max_depth {
                        return Err(Error::new(ErrorKind::TooDeep, offset + i as u64));
                    }
                    if tree.nodes.capacity() == 0 {
                        // One allocation for the nodes of most stanzas.
                        tree.nodes.reserve(b.len() / 48 + 4);
                    }
                    tree.push_open(el, nsl);
                }
            }
        }
    }
}

/// Whether an attribute name is a namespace declaration (`xmlns` or `xmlns:p`).
#[inline]
fn is_decl(n: &str) -> bool {
    n.starts_with("xmlns") && matches!(n.as_bytes().get(5), None | Some(b':'))
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
