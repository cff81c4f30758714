//! The stanza envelope (RFC 3920 §9): what routing needs — kind, `to`, `from`, `id`, `type`,
//! `xml:lang` — read from the top-level attributes, over the stanza's bytes as received. The
//! element tree is built only when asked ([`Stanza::element`]).

use std::fmt;

use xmpp_jid::Jid;
use xmpp_xml::Element;

/// Bytes reserved after a received stanza's bytes for a stamped ` from='…'`: enough for
/// JIDs up to 55 bytes; longer ones grow the buffer.
const STAMP_ROOM: usize = 64;

/// The three kinds of stanza (RFC 3920 §9.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StanzaKind {
    /// `<message/>`: push, no reply expected.
    Message,
    /// `<presence/>`: broadcast or directed availability.
    Presence,
    /// `<iq/>`: request and response.
    Iq,
}

impl StanzaKind {
    /// The element name.
    pub fn as_str(self) -> &'static str {
        match self {
            StanzaKind::Message => "message",
            StanzaKind::Presence => "presence",
            StanzaKind::Iq => "iq",
        }
    }

    /// The kind named `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "message" => Some(StanzaKind::Message),
            "presence" => Some(StanzaKind::Presence),
            "iq" => Some(StanzaKind::Iq),
            _ => None,
        }
    }
}

/// Which addressing attribute was wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressField {
    /// The `to` attribute.
    To,
    /// The `from` attribute.
    From,
}

/// An envelope that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvelopeError {
    /// `to` or `from` is not a valid JID (RFC 3920 §3).
    Address {
        /// The attribute.
        field: AddressField,
        /// Why the JID was refused.
        error: xmpp_jid::Error,
    },
    /// An `<iq/>` without `id` (RFC 3920 §9.2.3).
    IqWithoutId,
    /// An `<iq/>` whose `type` is not `get`, `set`, `result` or `error` (RFC 3920 §9.2.3).
    IqType(Option<String>),
}

impl fmt::Display for EnvelopeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Address { field, error } => write!(f, "invalid '{field:?}' address: {error}"),
            Self::IqWithoutId => f.write_str("iq without 'id' (RFC 3920 §9.2.3)"),
            Self::IqType(t) => write!(f, "iq type {t:?} is not get, set, result or error"),
        }
    }
}

impl std::error::Error for EnvelopeError {}

/// A received stanza: its envelope and its bytes exactly as the peer sent them (plus a `from`
/// the server stamped, RFC 3920 §9.1.2). The bytes are in the stream's default namespace
/// and can be written unchanged into another stream with the same default namespace.
#[derive(Clone, PartialEq, Eq)]
pub struct Stanza {
    kind: StanzaKind,
    to: Option<Jid>,
    from: Option<Jid>,
    id: Option<Text>,
    type_: Option<Text>,
    lang: Option<Text>,
    /// Length of `<` + qualified name, where a stamped `from` goes.
    name_end: usize,
    /// Whether the element declares its default namespace itself.
    own_default: bool,
    default_ns: &'static str,
    bytes: Vec<u8>,
}

impl fmt::Debug for Stanza {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Stanza")
            .field("kind", &self.kind)
            .field("to", &self.to.as_ref().map(Jid::as_str))
            .field("from", &self.from.as_ref().map(Jid::as_str))
            .field("id", &self.id())
            .field("type", &self.stanza_type())
            .field("bytes", &String::from_utf8_lossy(&self.bytes))
            .finish()
    }
}

impl Stanza {
    /// Reads the envelope of a first-level element that is a stanza of `default_ns`
    /// (`jabber:client` or `jabber:server`), copying its bytes into `buffer` (reused:
    /// see [`Stanza::into_buffer`]). `None` when the element is not a stanza.
    pub(crate) fn read(
        s: &xmpp_xml::Stanza<'_>,
        default_ns: &'static str,
        mut buffer: Vec<u8>,
    ) -> Option<Result<Stanza, EnvelopeError>> {
        if s.namespace() != default_ns {
            return None;
        }
        let kind = StanzaKind::from_name(s.name())?;
        Some((|| {
            let jid = |field, v: Option<std::borrow::Cow<'_, str>>| {
                v.map(|v| Jid::parse(&v).map_err(|error| EnvelopeError::Address { field, error }))
                    .transpose()
            };
            let to = jid(AddressField::To, s.attr("to"))?;
            let from = jid(AddressField::From, s.attr("from"))?;
            let base = s.bytes();
            let id = s.attr("id").map(|v| Text::of(v, base));
            let type_ = s.attr("type").map(|v| Text::of(v, base));
            if kind == StanzaKind::Iq {
                if id.is_none() {
                    return Err(EnvelopeError::IqWithoutId);
                }
                let t = type_.as_ref().map(|t| t.get(base));
                if !matches!(t, Some("get" | "set" | "result" | "error")) {
                    return Err(EnvelopeError::IqType(t.map(str::to_owned)));
                }
            }
            buffer.clear();
            // Room for the `from` a server stamps (RFC 3920 §9.1.2), so that a fresh buffer
            // is not reallocated for it.
            buffer.reserve(s.bytes().len() + STAMP_ROOM);
            buffer.extend_from_slice(s.bytes());
            Ok(Stanza {
                kind,
                to,
                from,
                id,
                type_,
                lang: s
                    .attr_ns(crate::ns::XML_NS, "lang")
                    .map(|v| Text::of(v, base)),
                name_end: 1 + s.qname().len(),
                own_default: s.namespaces().any(|(prefix, _)| prefix.is_empty()),
                default_ns,
                bytes: buffer,
            })
        })())
    }

    /// The kind.
    pub fn kind(&self) -> StanzaKind {
        self.kind
    }

    /// The `to` address; `None` when absent (RFC 3920 §9.1.1: for the sender's own account
    /// or server).
    pub fn to(&self) -> Option<&Jid> {
        self.to.as_ref()
    }

    /// The `from` address; `None` when absent (RFC 3920 §9.1.2: from the server itself, as
    /// seen by a client).
    pub fn from(&self) -> Option<&Jid> {
        self.from.as_ref()
    }

    /// The `id` attribute.
    pub fn id(&self) -> Option<&str> {
        self.id.as_ref().map(|t| t.get(&self.bytes))
    }

    /// The `type` attribute.
    pub fn stanza_type(&self) -> Option<&str> {
        self.type_.as_ref().map(|t| t.get(&self.bytes))
    }

    /// The `xml:lang` attribute of the stanza itself (the stream's default applies when
    /// absent, RFC 3920 §9.1.5).
    pub fn lang(&self) -> Option<&str> {
        self.lang.as_ref().map(|t| t.get(&self.bytes))
    }

    /// The stanza's bytes, from `<` to the final `>`.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Gives the byte buffer back for reuse ([`crate::Connection::recycle`]).
    pub fn into_buffer(self) -> Vec<u8> {
        self.bytes
    }

    /// Replaces the bytes by `tree` written in the stream's default namespace, so that they
    /// stand alone: used when the stream header declared prefixes the stanza may use.
    pub(crate) fn make_standalone(
        &mut self,
        tree: &Element<'_>,
    ) -> Result<(), xmpp_xml::WriteError> {
        let mut bytes = Vec::with_capacity(self.bytes.len());
        tree.write_in(&mut bytes, self.default_ns)?;
        // The spans into the old bytes become owned text first.
        for t in [&mut self.id, &mut self.type_, &mut self.lang]
            .into_iter()
            .flatten()
        {
            t.detach(&self.bytes);
        }
        self.name_end = 1 + tree.name().len();
        self.own_default = false;
        self.bytes = bytes;
        Ok(())
    }

    /// The namespace of the streams the stanza came on (`jabber:client` or `jabber:server`).
    pub fn stream_namespace(&self) -> &'static str {
        self.default_ns
    }

    /// Adds `attribute` (` from='…'`, made once per session by [`from_attribute`]) when
    /// the stanza has no `from`: the server's stamp, RFC 3920 §9.1.2.
    pub(crate) fn stamp_with(&mut self, attribute: &[u8], jid: &Jid) {
        if self.from.is_some() {
            return;
        }
        // The attribute is written at the end of the buffer, then rotated into place after
        // the name: no buffer of its own, and a recycled buffer usually has the room.
        let at = self.name_end.min(self.bytes.len());
        self.bytes.extend_from_slice(attribute);
        if let Some(tail) = self.bytes.get_mut(at..) {
            tail.rotate_right(attribute.len());
        }
        // Every attribute value comes after the name: their spans move by what was added.
        for t in [&mut self.id, &mut self.type_, &mut self.lang]
            .into_iter()
            .flatten()
        {
            t.shift(attribute.len());
        }
        self.from = Some(jid.clone());
    }

    /// A stanza made from an element tree, for the stream namespace `stream_ns`
    /// (`jabber:client` or `jabber:server`): what a server sends that it did not receive
    /// (errors, roster pushes, presence it generates). The element must be a `message`,
    /// `presence` or `iq` of that namespace with a valid envelope.
    pub fn from_element(
        element: &Element<'_>,
        stream_ns: &'static str,
    ) -> Result<Stanza, BuildError> {
        if element.namespace() != stream_ns || StanzaKind::from_name(element.name()).is_none() {
            return Err(BuildError::NotAStanza);
        }
        let mut doc = Vec::with_capacity(128);
        element.write_to(&mut doc).map_err(BuildError::Write)?;
        let mut p = xmpp_xml::Parser::document(xmpp_xml::Limits::default());
        p.feed(&doc);
        let mut stanza = match p.next_event().map_err(BuildError::Xml)? {
            Some(xmpp_xml::Event::Stanza(s)) => match Stanza::read(&s, stream_ns, Vec::new()) {
                Some(read) => read.map_err(BuildError::Envelope)?,
                None => return Err(BuildError::NotAStanza),
            },
            _ => return Err(BuildError::NotAStanza),
        };
        // Written again without the namespace declaration, like a received stanza.
        stanza.make_standalone(element).map_err(BuildError::Write)?;
        Ok(stanza)
    }

    /// The same stanza for a stream of namespace `stream_ns` (what a server does routing
    /// between `jabber:client` and `jabber:server` streams, RFC 3920 §11.2.2). Free when the
    /// stanza does not declare its namespace itself: the bytes stay as they are.
    pub fn into_namespace(mut self, stream_ns: &'static str) -> Result<Stanza, BuildError> {
        if self.default_ns == stream_ns {
            return Ok(self);
        }
        if !self.own_default {
            self.default_ns = stream_ns;
            return Ok(self);
        }
        let mut tree = self.element().map_err(BuildError::Tree)?;
        tree.set_name(stream_ns.to_owned(), self.kind.as_str());
        tree.rename_namespace(self.default_ns, stream_ns);
        Stanza::from_element(&tree, stream_ns)
    }

    /// A copy addressed to `to` (a server's broadcast: one copy per recipient). When the
    /// stanza has no `to`, the attribute is inserted into a copy of the bytes; otherwise the
    /// copy is rebuilt from the tree with its `to` replaced.
    pub fn addressed_to(&self, to: &Jid) -> Result<Stanza, BuildError> {
        if self.to.is_none() {
            // One buffer: the name, the new attribute, the rest.
            let at = self.name_end.min(self.bytes.len());
            let (head, tail) = self.bytes.split_at(at);
            let mut bytes = Vec::with_capacity(self.bytes.len() + to.as_str().len() + 8);
            bytes.extend_from_slice(head);
            bytes.extend_from_slice(b" to='");
            push_escaped(&mut bytes, to.as_str());
            bytes.push(b'\'');
            let added = bytes.len() - head.len();
            bytes.extend_from_slice(tail);
            let shifted = |t: &Option<Text>| {
                t.clone().map(|mut t| {
                    t.shift(added);
                    t
                })
            };
            return Ok(Stanza {
                kind: self.kind,
                to: Some(to.clone()),
                from: self.from.clone(),
                id: shifted(&self.id),
                type_: shifted(&self.type_),
                lang: shifted(&self.lang),
                name_end: self.name_end,
                own_default: self.own_default,
                default_ns: self.default_ns,
                bytes,
            });
        }
        self.readdressed(Some(to), self.from.as_ref())
    }

    /// A copy with `to` and `from` replaced (`None` removes the attribute), rebuilt from the
    /// tree: a server stamping a user's bare JID on a subscription request (RFC 3921 §8.2).
    pub fn readdressed(&self, to: Option<&Jid>, from: Option<&Jid>) -> Result<Stanza, BuildError> {
        let mut tree = self.element().map_err(BuildError::Tree)?;
        for (name, value) in [("to", to), ("from", from)] {
            match value {
                Some(jid) => tree.set_attr(name, jid.as_str().to_owned()),
                None => {
                    tree.remove_attr(name);
                }
            }
        }
        Stanza::from_element(&tree, self.default_ns)
    }

    /// The element tree of the stanza, built on request (routing does not need it). The
    /// stream's default namespace is declared on the copy that is parsed.
    pub fn element(&self) -> Result<Element<'static>, TreeError> {
        let mut doc = Vec::with_capacity(self.bytes.len() + 40);
        let at = self.name_end.min(self.bytes.len());
        doc.extend_from_slice(&self.bytes[..at]);
        let head = &self.bytes[at..];
        if !self.own_default {
            doc.extend_from_slice(b" xmlns='");
            doc.extend_from_slice(self.default_ns.as_bytes());
            doc.push(b'\'');
        }
        doc.extend_from_slice(head);
        let mut p = xmpp_xml::Parser::document(xmpp_xml::Limits::default());
        p.feed(&doc);
        match p.next_event().map_err(TreeError::Xml)? {
            Some(xmpp_xml::Event::Stanza(s)) => {
                Ok(s.to_element().map_err(TreeError::Xml)?.into_owned())
            }
            _ => Err(TreeError::OutOfContext),
        }
    }
}

/// An attribute value of the envelope: where it is in the stanza's bytes when it needed no
/// unescaping (the usual case, no allocation), else its own text.
#[derive(Clone, PartialEq, Eq)]
enum Text {
    Span(usize, usize),
    Owned(Box<str>),
}

impl Text {
    /// `value`, borrowed from `base` or built from it.
    fn of(value: std::borrow::Cow<'_, str>, base: &[u8]) -> Text {
        if let std::borrow::Cow::Borrowed(v) = &value {
            // The value's place in the bytes, when it lies inside them.
            let start = (v.as_ptr() as usize).wrapping_sub(base.as_ptr() as usize);
            if start
                .checked_add(v.len())
                .is_some_and(|end| end <= base.len())
            {
                return Text::Span(start, v.len());
            }
        }
        Text::Owned(value.into_owned().into_boxed_str())
    }

    fn get<'b>(&'b self, bytes: &'b [u8]) -> &'b str {
        match self {
            Text::Span(start, len) => bytes
                .get(*start..start + len)
                .and_then(|b| std::str::from_utf8(b).ok())
                .unwrap_or_default(),
            Text::Owned(s) => s,
        }
    }

    fn shift(&mut self, by: usize) {
        if let Text::Span(start, _) = self {
            *start += by;
        }
    }

    fn detach(&mut self, bytes: &[u8]) {
        if let Text::Span(..) = self {
            *self = Text::Owned(self.get(bytes).into());
        }
    }
}

/// Why [`Stanza::element`] could not build the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TreeError {
    /// The bytes, taken out of their stream, are not a document: they use a prefix the
    /// stream header declared.
    OutOfContext,
    /// The parser refused the bytes outside their stream.
    Xml(xmpp_xml::Error),
}

impl fmt::Display for TreeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::OutOfContext => f.write_str("the stanza depends on its stream's declarations"),
            Self::Xml(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for TreeError {}

/// Why a stanza could not be built ([`Stanza::from_element`], [`Stanza::readdressed`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuildError {
    /// The element is not a `message`, `presence` or `iq` of the stream's namespace.
    NotAStanza,
    /// The envelope is not valid (an address that is no JID, an iq without `id`...).
    Envelope(EnvelopeError),
    /// The element cannot be written as XML.
    Write(xmpp_xml::WriteError),
    /// The written element did not read back.
    Xml(xmpp_xml::Error),
    /// The stanza's tree could not be built.
    Tree(TreeError),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotAStanza => {
                f.write_str("not a message, presence or iq of the stream namespace")
            }
            Self::Envelope(e) => write!(f, "invalid envelope: {e}"),
            Self::Write(e) => write!(f, "cannot be written: {e}"),
            Self::Xml(e) => write!(f, "does not read back: {e}"),
            Self::Tree(e) => write!(f, "no element tree: {e}"),
        }
    }
}

impl std::error::Error for BuildError {}

/// The ` from='…'` attribute a server stamps for `jid`, escaped.
pub(crate) fn from_attribute(jid: &Jid) -> Vec<u8> {
    let mut attr = Vec::with_capacity(jid.as_str().len() + 8);
    attr.extend_from_slice(b" from='");
    push_escaped(&mut attr, jid.as_str());
    attr.push(b'\'');
    attr
}

/// Escapes an attribute value written between single quotes.
pub(crate) fn push_escaped(out: &mut Vec<u8>, s: &str) {
    for b in s.bytes() {
        match b {
            b'&' => out.extend_from_slice(b"&amp;"),
            b'<' => out.extend_from_slice(b"&lt;"),
            b'\'' => out.extend_from_slice(b"&apos;"),
            b'"' => out.extend_from_slice(b"&quot;"),
            _ => out.push(b),
        }
    }
}
