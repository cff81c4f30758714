//! The error types: one per job (addresses, the Message/CPIM format, PIDF, dates, the
//! mapping), each saying what went wrong and where.

use std::fmt;

use crate::address::Scheme;

/// At most this many characters of input are quoted in an error.
const CLIP: usize = 64;

/// `s`, cut to a length fit for an error message.
pub(crate) fn clip(s: &str) -> String {
    match s.char_indices().nth(CLIP) {
        Some((i, _)) => format!("{}...", s.get(..i).unwrap_or_default()),
        None => s.to_owned(),
    }
}

/// An address that cannot be mapped (RFC 3922 §3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddressError {
    /// The JID or URI has no node / local part: an `im:` or `pres:` URI names a mailbox,
    /// `local@domain` (RFC 3860 §3).
    NoNode,
    /// The URI has no `scheme:`.
    NoScheme,
    /// The URI's scheme is not the one the place needs.
    WrongScheme {
        /// The scheme wanted.
        expected: Scheme,
        /// The scheme found.
        found: String,
    },
    /// The URI has no `@`.
    NoAt,
    /// The URI has nothing after the `@`.
    NoDomain,
    /// The URI has header fields (`?name=value`), which a JID cannot carry.
    UriHeaders,
    /// A character a URI cannot hold, at this byte offset of the URI.
    InvalidCharacter {
        /// Byte offset in the URI.
        offset: usize,
    },
    /// A `%` not followed by two hex digits, at this byte offset of the part.
    BadPercentEscape {
        /// Byte offset in the local part or domain.
        offset: usize,
    },
    /// The percent-decoded octets are not UTF-8 (RFC 3922 §3.3 step 4).
    NotUtf8 {
        /// Offset of the first bad octet in the decoded part.
        offset: usize,
    },
    /// The result is not a valid JID.
    InvalidJid {
        /// The text that failed.
        jid: String,
        /// Why (from `xmpp-jid`).
        reason: String,
    },
}

impl fmt::Display for AddressError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AddressError::NoNode => f.write_str("address has no local part (node)"),
            AddressError::NoScheme => f.write_str("URI has no scheme"),
            AddressError::WrongScheme { expected, found } => {
                write!(
                    f,
                    "URI scheme is '{found}', expected '{}'",
                    expected.as_str()
                )
            }
            AddressError::NoAt => f.write_str("URI has no '@'"),
            AddressError::NoDomain => f.write_str("URI has no domain after '@'"),
            AddressError::UriHeaders => f.write_str("URI has header fields ('?')"),
            AddressError::InvalidCharacter { offset } => {
                write!(
                    f,
                    "URI has a character not allowed in a URI at byte {offset}"
                )
            }
            AddressError::BadPercentEscape { offset } => {
                write!(f, "URI has a bad percent escape at byte {offset}")
            }
            AddressError::NotUtf8 { offset } => {
                write!(
                    f,
                    "URI local part is not UTF-8 once decoded (octet {offset})"
                )
            }
            AddressError::InvalidJid { jid, reason } => {
                write!(f, "'{jid}' is not a valid JID: {reason}")
            }
        }
    }
}

impl std::error::Error for AddressError {}

/// What is wrong with a Message/CPIM object (RFC 3862).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseErrorKind {
    /// The object is larger than the limit.
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// A header section has more headers than the limit.
    TooManyHeaders {
        /// The limit.
        limit: usize,
    },
    /// The input is not UTF-8 where RFC 3862 §2.2 requires it.
    NotUtf8,
    /// The input ends inside this section (no blank line closes it).
    Truncated(&'static str),
    /// A carriage return not followed by a line feed.
    BareCr,
    /// A MIME header line without a name and colon.
    BadMimeHeader,
    /// A MIME header section begins with a continuation line.
    FoldedFirstLine,
    /// The outer MIME headers have no `Content-Type`.
    NoContentType,
    /// The outer `Content-Type` is not `Message/CPIM` (RFC 3862 §2.1).
    NotCpim(String),
    /// A message header line begins with white space: RFC 3862 §2.2 forbids white space
    /// at the start of a line and folding.
    LeadingWhitespace,
    /// A control character in a message header (RFC 3862 §2.2).
    ControlCharacter,
    /// A message header name is empty or has a character outside NAMECHAR (§3.6).
    BadHeaderName,
    /// A header parameter does not match `Param-name "=" Param-value` (§3.6).
    BadParameter,
    /// No single space after the header name, colon and parameters (§3.6).
    NoSpaceAfterColon,
    /// A value does not match its header's syntax (§4).
    BadValue(&'static str),
    /// A namespace prefix used before an `NS` header declared it (§3.4).
    UndeclaredPrefix(String),
    /// The encapsulated MIME object has no `Content-Type` (RFC 3862 §2.4).
    NoContentHeaders,
}

/// A Message/CPIM parse error: what, and where (byte offset and 1-based line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// What is wrong.
    pub kind: ParseErrorKind,
    /// Byte offset in the input.
    pub offset: usize,
    /// Line number (1-based).
    pub line: usize,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match &self.kind {
            ParseErrorKind::TooLarge { limit } => format!("object larger than {limit} bytes"),
            ParseErrorKind::TooManyHeaders { limit } => format!("more than {limit} headers"),
            ParseErrorKind::NotUtf8 => "header is not UTF-8".to_owned(),
            ParseErrorKind::Truncated(section) => format!("input ends inside the {section}"),
            ParseErrorKind::BareCr => "carriage return without line feed".to_owned(),
            ParseErrorKind::BadMimeHeader => "MIME header line without 'Name:'".to_owned(),
            ParseErrorKind::FoldedFirstLine => {
                "header section starts with a continuation line".to_owned()
            }
            ParseErrorKind::NoContentType => "no Content-Type MIME header".to_owned(),
            ParseErrorKind::NotCpim(t) => format!("Content-Type is '{t}', not Message/CPIM"),
            ParseErrorKind::LeadingWhitespace => {
                "message header line starts with white space (no folding in Message/CPIM)"
                    .to_owned()
            }
            ParseErrorKind::ControlCharacter => "control character in a header".to_owned(),
            ParseErrorKind::BadHeaderName => "bad header name".to_owned(),
            ParseErrorKind::BadParameter => "bad header parameter".to_owned(),
            ParseErrorKind::NoSpaceAfterColon => {
                "no single space after the header name and colon".to_owned()
            }
            ParseErrorKind::BadValue(h) => format!("bad {h} header value"),
            ParseErrorKind::UndeclaredPrefix(p) => {
                format!("header prefix '{p}' used before an NS header declares it")
            }
            ParseErrorKind::NoContentHeaders => {
                "encapsulated MIME object has no Content-Type".to_owned()
            }
        };
        write!(f, "{what} (line {}, byte {})", self.line, self.offset)
    }
}

impl std::error::Error for ParseError {}

/// What is wrong with a PIDF document (RFC 3863).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PidfError {
    /// The bytes are not one well-formed XML document within the limits (the message of
    /// `xmpp-xml`, with its byte offset).
    Xml {
        /// Byte offset of the error.
        offset: u64,
        /// What `xmpp-xml` found.
        detail: String,
    },
    /// The document does not begin with an XML declaration (RFC 3863 §4.1: MUST).
    NoXmlDeclaration,
    /// The root is not `{urn:ietf:params:xml:ns:pidf}presence`.
    NotPidf,
    /// A required attribute is missing.
    MissingAttribute {
        /// The element.
        element: &'static str,
        /// The attribute.
        attribute: &'static str,
    },
    /// An element is where the schema does not allow it (RFC 3863 §4.4).
    Unexpected {
        /// The parent element.
        parent: &'static str,
        /// The local name of the child found.
        child: String,
    },
    /// A `<tuple>` without `<status>`, or a `<status>` without any child (§4.1.3).
    EmptyStatus,
    /// A value outside its type.
    BadValue {
        /// The element or attribute.
        field: &'static str,
        /// The value.
        value: String,
    },
    /// Two tuples with the same `id` (§4.1.2).
    DuplicateId(String),
}

impl fmt::Display for PidfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PidfError::Xml { offset, detail } => write!(f, "PIDF XML at byte {offset}: {detail}"),
            PidfError::NoXmlDeclaration => f.write_str("PIDF document has no XML declaration"),
            PidfError::NotPidf => f.write_str("root is not {urn:ietf:params:xml:ns:pidf}presence"),
            PidfError::MissingAttribute { element, attribute } => {
                write!(f, "PIDF <{element}> has no '{attribute}'")
            }
            PidfError::Unexpected { parent, child } => {
                write!(
                    f,
                    "PIDF <{parent}> has <{child}> where the schema allows none"
                )
            }
            PidfError::EmptyStatus => f.write_str("PIDF tuple without a status value"),
            PidfError::BadValue { field, value } => write!(f, "PIDF {field} '{value}' is invalid"),
            PidfError::DuplicateId(id) => write!(f, "PIDF tuple id '{id}' is used twice"),
        }
    }
}

impl std::error::Error for PidfError {}

/// Why a stanza or object could not be mapped (RFC 3922 §4, §5, §6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MapError {
    /// An address could not be mapped.
    Address {
        /// Which address (`from`, `to`, `From`, `To`, `entity`...).
        field: &'static str,
        /// Why.
        error: AddressError,
    },
    /// A required address is missing.
    Missing(&'static str),
    /// A header that may appear once appears several times.
    Repeated(&'static str),
    /// The Message/CPIM object itself is malformed.
    Cpim(ParseError),
    /// The encapsulated PIDF document is malformed.
    Pidf(PidfError),
    /// A stanza type that has no Message/CPIM mapping: presence subscriptions map to CPP
    /// operations (RFC 3922 §6, [`crate::cpp`]); probes and errors have none.
    NotMappable(String),
    /// An `urn:ietf:params:xml:ns:xmpp-e2e` payload: RFC 3922 §4.1.8 and §5.1.8 leave it
    /// to RFC 3923.
    EndToEnd,
    /// The encapsulated content type cannot be mapped here (RFC 3922 §4.2.9, §5.2).
    ContentType(String),
    /// A charset other than US-ASCII or UTF-8 (RFC 3922 §4.2.9: SHOULD NOT map).
    Charset(String),
    /// A `Content-Transfer-Encoding` this gateway does not undo.
    TransferEncoding(String),
    /// The content is not valid in its charset, or its transfer encoding is broken.
    BadContent(String),
    /// Text with a character XML cannot carry (U+0000 to U+001F except tab, line feed and
    /// carriage return; U+FFFE, U+FFFF).
    NotXmlText(&'static str),
    /// The message has `Require` headers: RFC 3922 §4.2.7 says to answer the sender
    /// with an error.
    Require(Vec<String>),
    /// The PIDF `entity` names another presentity than the CPIM `From`.
    EntityMismatch {
        /// The bare JID of `From`.
        from: String,
        /// The bare JID of the `entity`.
        entity: String,
    },
    /// A PIDF document with no tuple but with notes (RFC 3922 §5.2.11: MUST NOT map).
    NotesWithoutTuple,
    /// A PIDF document whose tuples carry no `<basic>` status.
    NoBasicStatus,
    /// A language tag that is not an RFC 3066 tag.
    BadLanguage(String),
    /// The PIDF document could not be written.
    Write(String),
}

impl fmt::Display for MapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MapError::Address { field, error } => write!(f, "{field} address: {error}"),
            MapError::Missing(what) => write!(f, "no {what}"),
            MapError::Repeated(what) => write!(f, "more than one {what}"),
            MapError::Cpim(e) => write!(f, "Message/CPIM: {e}"),
            MapError::Pidf(e) => write!(f, "{e}"),
            MapError::NotMappable(what) => write!(f, "{what}"),
            MapError::EndToEnd => f.write_str(
                "end-to-end (urn:ietf:params:xml:ns:xmpp-e2e) payloads are mapped by RFC 3923",
            ),
            MapError::ContentType(t) => write!(f, "content type '{t}' cannot be mapped"),
            MapError::Charset(c) => write!(f, "charset '{c}' is not US-ASCII or UTF-8"),
            MapError::TransferEncoding(t) => write!(f, "transfer encoding '{t}' not supported"),
            MapError::BadContent(why) => write!(f, "content: {why}"),
            MapError::NotXmlText(what) => {
                write!(f, "{what} holds a character XML cannot carry")
            }
            MapError::Require(names) => {
                write!(f, "Require header names features: {}", names.join(", "))
            }
            MapError::EntityMismatch { from, entity } => {
                write!(f, "PIDF entity {entity} is not the sender {from}")
            }
            MapError::NotesWithoutTuple => {
                f.write_str("PIDF document with notes and no tuple (RFC 3922 §5.2.11)")
            }
            MapError::NoBasicStatus => f.write_str("no PIDF tuple has a basic status"),
            MapError::BadLanguage(l) => write!(f, "'{l}' is not a language tag"),
            MapError::Write(why) => write!(f, "cannot write: {why}"),
        }
    }
}

impl std::error::Error for MapError {}

impl From<ParseError> for MapError {
    fn from(e: ParseError) -> Self {
        MapError::Cpim(e)
    }
}

impl From<PidfError> for MapError {
    fn from(e: PidfError) -> Self {
        MapError::Pidf(e)
    }
}
