//! What the parser hands out: the stream header, stanzas as validated bytes, stream end.

use std::borrow::Cow;

use crate::element::{Element, build_element, build_recorded};
use crate::error::Error;
use crate::escape::cow_value;
use crate::ns::Binding;
use crate::parser::{AttrSpan, Limits};
use crate::record::Recorded;

/// One event of the stream.
#[derive(Debug)]
pub enum Event<'a> {
    /// The stream header `<stream:stream ...>` was read and checked (RFC 3920 §4.4).
    StreamOpen(&'a StreamHeader),
    /// A complete, validated first-level element (stanza or nonza), or the document element
    /// in document mode.
    Stanza(Stanza<'a>),
    /// `</stream:stream>` was read.
    StreamClose,
}

/// The checked stream header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamHeader {
    qname: String,
    colon: usize,
    pub(crate) default_namespace: String,
    pub(crate) namespaces: Vec<(String, String)>,
    pub(crate) attributes: Vec<(String, String)>,
    pub(crate) version: Option<(u32, u32)>,
}

impl StreamHeader {
    pub(crate) fn empty() -> Self {
        StreamHeader {
            qname: String::new(),
            colon: 0,
            default_namespace: String::new(),
            namespaces: Vec::new(),
            attributes: Vec::new(),
            version: None,
        }
    }

    pub(crate) fn set_qname(&mut self, q: &[u8], colon: usize) {
        self.qname = String::from_utf8_lossy(q).into_owned();
        self.colon = colon;
    }

    /// The qualified name as written, normally `stream:stream`.
    pub fn qname(&self) -> &str {
        &self.qname
    }

    /// The local name, `stream`.
    pub fn name(&self) -> &str {
        invariant!(self.qname.get(self.colon + 1..), "")
    }

    /// The prefix bound to the streams namespace, normally `stream`.
    pub fn prefix(&self) -> &str {
        invariant!(self.qname.get(..self.colon), "")
    }

    /// The streams namespace, `http://etherx.jabber.org/streams`.
    pub fn namespace(&self) -> &str {
        crate::parser::STREAMS_NS
    }

    /// The default namespace: `jabber:client` or `jabber:server` (RFC 3920 §11.2.2).
    pub fn default_namespace(&self) -> &str {
        &self.default_namespace
    }

    /// The namespace declarations as (prefix, namespace); the default one has prefix `""`.
    pub fn namespaces(&self) -> &[(String, String)] {
        &self.namespaces
    }

    /// The attributes other than namespace declarations, as (qualified name as written,
    /// value), values unescaped.
    pub fn attributes(&self) -> &[(String, String)] {
        &self.attributes
    }

    /// The value of the attribute with this local name in no namespace (unprefixed), such
    /// as `to`, `from`, `id` or `version`.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attr_ns("", name)
    }

    /// The value of the attribute with this namespace and local name, such as
    /// ([`crate::XML_NS`], `"lang"`); an empty namespace is no namespace.
    pub fn attr_ns(&self, namespace: &str, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(q, _)| {
                let (prefix, local) = q.split_once(':').unwrap_or(("", q));
                local == name
                    && match prefix {
                        "" => namespace.is_empty(),
                        "xml" => namespace == crate::parser::XML_NS,
                        p => self
                            .namespaces
                            .iter()
                            .any(|(dp, uri)| dp == p && uri == namespace),
                    }
            })
            .map(|(_, v)| v.as_str())
    }

    /// The value of the attribute by qualified name as written, such as `xml:lang`
    /// (namespace declarations are not attributes).
    pub fn attr_qualified(&self, qname: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(n, _)| n == qname)
            .map(|(_, v)| v.as_str())
    }

    /// The `version` attribute as (major, minor); `None` when absent (RFC 3920 §4.4.1).
    pub fn version(&self) -> Option<(u32, u32)> {
        self.version
    }

    /// The version the peer speaks: the `version` attribute, or 0.0 when it is absent
    /// (RFC 3920 §4.4.1). Numbers compare as integers: `(1, 10) > (1, 9)`.
    pub fn effective_version(&self) -> (u32, u32) {
        self.version.unwrap_or((0, 0))
    }

    /// The `version` to put on the response stream header for a receiver that supports
    /// versions up to `supported` (RFC 3920 §4.4.1): the lower of the two, compared as
    /// integers, or `None` when the peer's header had no `version`, since the reply then
    /// carries none either.
    ///
    /// ```
    /// # use xmpp_xml::{Event, Parser};
    /// let mut p = Parser::new();
    /// p.feed(b"<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='2.3'>");
    /// let Some(Event::StreamOpen(header)) = p.next_event()? else { unreachable!() };
    /// assert_eq!(header.response_version((1, 0)), Some((1, 0)));
    /// assert_eq!(header.response_version((2, 10)), Some((2, 3)));
    /// # Ok::<(), xmpp_xml::Error>(())
    /// ```
    pub fn response_version(&self, supported: (u32, u32)) -> Option<(u32, u32)> {
        self.version.map(|peer| peer.min(supported))
    }
}

/// Whether a name as written is a namespace declaration (Namespaces in XML §3).
fn is_declaration(name: &[u8]) -> bool {
    name == b"xmlns" || name.starts_with(b"xmlns:")
}

/// The namespace bindings in scope at the stream level (`xml`, and the header's).
#[derive(Debug, Clone, Copy)]
pub(crate) struct NsContext<'a> {
    pub(crate) bindings: &'a [Binding],
    pub(crate) arena: &'a [u8],
}

impl<'a> NsContext<'a> {
    pub(crate) fn get(&self, span: (u32, u32)) -> &'a [u8] {
        let s = span.0 as usize;
        invariant!(self.arena.get(s..s + span.1 as usize), &[])
    }

    /// The namespace of the stream-level binding at `index`.
    pub(crate) fn binding_uri(&self, index: usize) -> &'a str {
        let uri = invariant!(self.bindings.get(index), return "").uri;
        // Unescaped from validated UTF-8.
        invariant!(std::str::from_utf8(self.get(uri)).ok(), "")
    }

    /// The namespace bound to `prefix` at the stream level.
    pub(crate) fn lookup(&self, prefix: &str) -> Option<&'a str> {
        let b = self
            .bindings
            .iter()
            .rev()
            .find(|b| self.get(b.prefix) == prefix.as_bytes())?;
        std::str::from_utf8(self.get(b.uri)).ok()
    }
}

/// A validated first-level element: its bytes, name, namespace and top-level attributes.
/// Borrowed from the parser until the next call on it.
#[derive(Debug, Clone, Copy)]
pub struct Stanza<'a> {
    bytes: &'a [u8],
    offset: u64,
    name_len: usize,
    colon: usize,
    ns: &'a str,
    attrs: &'a [AttrSpan],
    ctx: NsContext<'a>,
    /// For the builder that reads the bytes again: the depth limit, the elements and
    /// attributes in the stanza (declarations included), and whether anything in it
    /// needs expanding.
    limits: Limits,
    sizes: (u32, u32, bool),
    /// What the scanner recorded of the stanza's tree, unless recording was off.
    rec: Option<&'a Recorded>,
}

impl<'a> Stanza<'a> {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        bytes: &'a [u8],
        offset: u64,
        name_len: usize,
        colon: usize,
        ns: &'a str,
        attrs: &'a [AttrSpan],
        ctx: NsContext<'a>,
        limits: Limits,
        sizes: (u32, u32, bool),
        rec: Option<&'a Recorded>,
    ) -> Self {
        Stanza {
            bytes,
            offset,
            name_len,
            colon,
            ns,
            attrs,
            ctx,
            limits,
            sizes,
            rec,
        }
    }

    /// The element's bytes exactly as received, from `<` to the final `>`.
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// Transport offset of the first byte.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    fn slice(&self, start: usize, len: usize) -> &'a str {
        // Names are validated UTF-8 and end on character boundaries.
        invariant!(
            self.bytes
                .get(start..start + len)
                .and_then(|s| std::str::from_utf8(s).ok()),
            ""
        )
    }

    /// The qualified name as written.
    pub fn qname(&self) -> &'a str {
        self.slice(1, self.name_len)
    }

    /// The local name, such as `message`.
    pub fn name(&self) -> &'a str {
        let q = self.qname();
        match self.colon {
            0 => q,
            c => invariant!(q.get(c + 1..), ""),
        }
    }

    /// The prefix, `""` when unprefixed.
    pub fn prefix(&self) -> &'a str {
        invariant!(self.qname().get(..self.colon), "")
    }

    /// The namespace name, such as `jabber:client`; `""` for no namespace.
    pub fn namespace(&self) -> &'a str {
        self.ns
    }

    fn raw_value(&self, a: &AttrSpan) -> &'a [u8] {
        let s = a.value as usize;
        invariant!(self.bytes.get(s..s + a.value_len as usize), &[])
    }

    fn raw_name(&self, a: &AttrSpan) -> &'a [u8] {
        let s = a.name as usize;
        invariant!(self.bytes.get(s..s + a.name_len as usize), &[])
    }

    /// The attributes that are not namespace declarations.
    fn plain_attrs(&self) -> impl Iterator<Item = &'a AttrSpan> + use<'a> {
        let bytes = self.bytes;
        self.attrs.iter().filter(move |a| {
            let s = a.name as usize;
            !is_declaration(invariant!(bytes.get(s..s + a.name_len as usize), &[]))
        })
    }

    /// The value of the attribute with this local name in no namespace (unprefixed), such
    /// as `to`, `from`, `type` or `id`: references expanded and white space normalized,
    /// borrowed when nothing changed.
    pub fn attr(&self, name: &str) -> Option<Cow<'a, str>> {
        if name == "xmlns" {
            return None;
        }
        let a = self
            .attrs
            .iter()
            .find(|a| a.colon == 0 && self.raw_name(a) == name.as_bytes())?;
        Some(self.value_of(a))
    }

    /// An attribute's value read: borrowed when the scanner saw nothing to change.
    #[inline]
    fn value_of(&self, a: &AttrSpan) -> Cow<'a, str> {
        let raw = self.raw_value(a);
        if a.plain {
            // Validated UTF-8.
            Cow::Borrowed(invariant!(std::str::from_utf8(raw).ok(), ""))
        } else {
            cow_value(raw, true)
        }
    }

    /// The value of the attribute with this namespace and local name, such as
    /// ([`crate::XML_NS`], `"lang"`); an empty namespace is no namespace.
    pub fn attr_ns(&self, namespace: &str, name: &str) -> Option<Cow<'a, str>> {
        if namespace.is_empty() {
            return self.attr(name);
        }
        let a = self.plain_attrs().find(|a| {
            let q = self.raw_name(a);
            let c = a.colon as usize;
            c != 0
                && q.get(c + 1..) == Some(name.as_bytes())
                && q.get(..c)
                    .and_then(|p| self.prefix_namespace(p))
                    .is_some_and(|ns| ns == namespace)
        })?;
        Some(cow_value(self.raw_value(a), true))
    }

    /// The value of the attribute by qualified name as written, such as `xml:lang`
    /// (namespace declarations are not attributes).
    pub fn attr_qualified(&self, qname: &str) -> Option<Cow<'a, str>> {
        let a = self
            .plain_attrs()
            .find(|a| self.raw_name(a) == qname.as_bytes())?;
        Some(cow_value(self.raw_value(a), true))
    }

    /// The namespace bound to a prefix on the element: its own declarations, then the
    /// stream's.
    fn prefix_namespace(&self, prefix: &[u8]) -> Option<Cow<'a, str>> {
        let own = self.attrs.iter().find(|a| {
            let q = self.raw_name(a);
            a.colon == 5 && q.starts_with(b"xmlns:") && q.get(6..) == Some(prefix)
        });
        match own {
            Some(a) => Some(cow_value(self.raw_value(a), true)),
            None => std::str::from_utf8(prefix)
                .ok()
                .and_then(|p| self.ctx.lookup(p))
                .map(Cow::Borrowed),
        }
    }

    /// The attributes other than namespace declarations, as (qualified name as written,
    /// value), values expanded.
    pub fn attributes(&self) -> impl Iterator<Item = (&'a str, Cow<'a, str>)> + '_ {
        self.plain_attrs().map(|a| {
            (
                self.slice(a.name as usize, a.name_len as usize),
                cow_value(self.raw_value(a), true),
            )
        })
    }

    /// The namespace declarations on the element, as (prefix, namespace); the default
    /// namespace has prefix `""`.
    pub fn namespaces(&self) -> impl Iterator<Item = (&'a str, Cow<'a, str>)> + '_ {
        self.attrs
            .iter()
            .filter(|a| is_declaration(self.raw_name(a)))
            .map(|a| {
                let q = self.slice(a.name as usize, a.name_len as usize);
                let prefix = q.strip_prefix("xmlns").unwrap_or("");
                let prefix = prefix.strip_prefix(':').unwrap_or(prefix);
                (prefix, cow_value(self.raw_value(a), true))
            })
    }

    /// Builds the full element tree. From what the parser recorded while it validated the
    /// stanza, nothing is read twice; a parser that records nothing
    /// ([`crate::Parser::record_trees`]) reads the stanza's bytes again. The strings borrow
    /// those bytes where nothing needed expanding; [`Element::into_owned`] detaches the
    /// tree.
    pub fn to_element(&self) -> Result<Element<'a>, Error> {
        match self.rec {
            Some(rec) => Ok(build_recorded(self.bytes, rec, self.ctx)),
            None => build_element(self.bytes, self.offset, self.ctx, self.limits, self.sizes),
        }
    }

    /// The tree built by reading the bytes again, as if something in the stanza needed
    /// expanding (the general path of that builder), for the fuzz targets to compare with
    /// [`Stanza::to_element`].
    #[cfg(feature = "fuzzing")]
    pub(crate) fn general_element(&self) -> Result<Element<'a>, Error> {
        let (e, a, _) = self.sizes;
        build_element(self.bytes, self.offset, self.ctx, self.limits, (e, a, true))
    }

    /// The tree built by reading the bytes again (that builder's fast path when nothing
    /// needs expanding).
    #[cfg(feature = "fuzzing")]
    pub(crate) fn rescanned_element(&self) -> Result<Element<'a>, Error> {
        build_element(self.bytes, self.offset, self.ctx, self.limits, self.sizes)
    }
}
