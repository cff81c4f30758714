//! Errors of the parser and the writer.

use std::fmt;

/// The stream error conditions of RFC 3920 §4.7.3.
///
/// `Display` gives the element name used on the wire, such as `restricted-xml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StreamErrorCondition {
    /// `bad-format`: XML that cannot be processed.
    BadFormat,
    /// `bad-namespace-prefix`: an unsupported or missing namespace prefix (§11.2).
    BadNamespacePrefix,
    /// `conflict`.
    Conflict,
    /// `connection-timeout`.
    ConnectionTimeout,
    /// `host-gone`.
    HostGone,
    /// `host-unknown`.
    HostUnknown,
    /// `improper-addressing`: a stanza between servers without `to` or `from` (§11.2.2).
    ImproperAddressing,
    /// `internal-server-error`.
    InternalServerError,
    /// `invalid-from`.
    InvalidFrom,
    /// `invalid-id`.
    InvalidId,
    /// `invalid-namespace`: wrong streams namespace or unsupported content namespace (§11.2).
    InvalidNamespace,
    /// `invalid-xml`.
    InvalidXml,
    /// `not-authorized`.
    NotAuthorized,
    /// `policy-violation`: a local limit was exceeded.
    PolicyViolation,
    /// `remote-connection-failed`.
    RemoteConnectionFailed,
    /// `resource-constraint`.
    ResourceConstraint,
    /// `restricted-xml`: comments, processing instructions, DTDs or entity references (§11.1).
    RestrictedXml,
    /// `see-other-host`.
    SeeOtherHost,
    /// `system-shutdown`.
    SystemShutdown,
    /// `undefined-condition`.
    UndefinedCondition,
    /// `unsupported-encoding`: anything but UTF-8 (§11.5).
    UnsupportedEncoding,
    /// `unsupported-stanza-type`: a first-level child the receiver does not support.
    UnsupportedStanzaType,
    /// `unsupported-version`: a `version` attribute that is not `major.minor`.
    UnsupportedVersion,
    /// `xml-not-well-formed`: XML 1.0 or Namespaces in XML well-formedness violated.
    XmlNotWellFormed,
}

impl StreamErrorCondition {
    /// Every condition of RFC 3920 §4.7.3, in the RFC's order.
    pub const ALL: [StreamErrorCondition; 24] = {
        use StreamErrorCondition::*;
        [
            BadFormat,
            BadNamespacePrefix,
            Conflict,
            ConnectionTimeout,
            HostGone,
            HostUnknown,
            ImproperAddressing,
            InternalServerError,
            InvalidFrom,
            InvalidId,
            InvalidNamespace,
            InvalidXml,
            NotAuthorized,
            PolicyViolation,
            RemoteConnectionFailed,
            ResourceConstraint,
            RestrictedXml,
            SeeOtherHost,
            SystemShutdown,
            UndefinedCondition,
            UnsupportedEncoding,
            UnsupportedStanzaType,
            UnsupportedVersion,
            XmlNotWellFormed,
        ]
    };

    /// The condition with this element name (RFC 3920 §4.7.3).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == name)
    }

    /// The element name of the condition, as sent in `<stream:error/>`.
    pub fn as_str(self) -> &'static str {
        use StreamErrorCondition::*;
        match self {
            BadFormat => "bad-format",
            BadNamespacePrefix => "bad-namespace-prefix",
            Conflict => "conflict",
            ConnectionTimeout => "connection-timeout",
            HostGone => "host-gone",
            HostUnknown => "host-unknown",
            ImproperAddressing => "improper-addressing",
            InternalServerError => "internal-server-error",
            InvalidFrom => "invalid-from",
            InvalidId => "invalid-id",
            InvalidNamespace => "invalid-namespace",
            InvalidXml => "invalid-xml",
            NotAuthorized => "not-authorized",
            PolicyViolation => "policy-violation",
            RemoteConnectionFailed => "remote-connection-failed",
            ResourceConstraint => "resource-constraint",
            RestrictedXml => "restricted-xml",
            SeeOtherHost => "see-other-host",
            SystemShutdown => "system-shutdown",
            UndefinedCondition => "undefined-condition",
            UnsupportedEncoding => "unsupported-encoding",
            UnsupportedStanzaType => "unsupported-stanza-type",
            UnsupportedVersion => "unsupported-version",
            XmlNotWellFormed => "xml-not-well-formed",
        }
    }
}

impl fmt::Display for StreamErrorCondition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What exactly was wrong with the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Bytes that are not UTF-8 (a broken UTF-8 byte-order mark included).
    InvalidUtf8,
    /// A character outside the XML Char production (the scalar value).
    InvalidChar(u32),
    /// A byte that cannot appear here; the text says what was expected.
    Unexpected {
        /// The offending byte.
        found: u8,
        /// What the grammar allows at this point.
        expected: &'static str,
    },
    /// A name that is not an XML Name or not a namespace-valid QName.
    InvalidName,
    /// An end tag whose name differs from the open element's (or, at the first level,
    /// from the stream header's).
    MismatchedEndTag,
    /// Two attributes with the same qualified name.
    DuplicateAttribute,
    /// Two attributes with the same namespace and local name (Namespaces in XML §6.3).
    DuplicateExpandedAttribute,
    /// A prefix without a namespace declaration in scope.
    UnboundPrefix,
    /// A reserved prefix or namespace misused: `xmlns` as an element prefix or declared, the
    /// `xml` prefix bound to another namespace or its namespace to another prefix, the
    /// `xmlns` namespace declared, or a prefix declared empty (`xmlns:p=''`, which
    /// Namespaces in XML 1.0 does not allow).
    ReservedNamespace,
    /// `]]>` in character data.
    CdataEndInText,
    /// `<` inside an attribute value.
    LtInAttributeValue,
    /// A malformed entity or character reference.
    InvalidReference,
    /// An entity reference other than the five predefined ones (RFC 3920 §11.1).
    EntityReference,
    /// A comment (RFC 3920 §11.1).
    Comment,
    /// A processing instruction (RFC 3920 §11.1).
    ProcessingInstruction,
    /// A document type declaration (RFC 3920 §11.1).
    Doctype,
    /// A malformed XML declaration, one longer than 1024 bytes, or one that is not at the
    /// start of the stream (or of a new stream after a restart).
    XmlDeclaration,
    /// An encoding other than UTF-8 (RFC 3920 §11.5): declared in the XML declaration, or
    /// shown by a UTF-16 or UTF-32 byte-order mark or a NUL byte before the first element.
    Encoding,
    /// Character data other than white space, or a CDATA section, between first-level
    /// elements (RFC 3920 §4: the stream's children are elements).
    TextAtTopLevel,
    /// Anything but white space after the end of the stream or document, even markup cut
    /// short by the end of input ([`crate::Parser::finish`]).
    ContentAfterEnd,
    /// The first element's local name is not `stream` (RFC 3920 §4.4, §11.2.1).
    NotStreamElement,
    /// The streams namespace is not `http://etherx.jabber.org/streams` (RFC 3920 §11.2.1).
    StreamNamespace,
    /// The stream element, or a first-level element in the streams namespace, is not
    /// prefixed (RFC 3920 §11.2.1).
    StreamPrefix,
    /// A `db` prefix declared on the stream header for something other than
    /// `jabber:server:dialback` (RFC 3920 §8, §11.2.3).
    DialbackNamespace,
    /// A first-level element in the dialback namespace without a prefix (RFC 3920 §11.2.3).
    DialbackPrefix,
    /// No default namespace, or not `jabber:client` / `jabber:server` (RFC 3920 §11.2.2).
    DefaultNamespace,
    /// A `version` attribute that is not `major.minor` with decimal numbers (RFC 3920 §4.4.1).
    Version,
    /// An `xml:lang` value that is not an RFC 3066 language tag (RFC 3920 §4.4, §9.1.5).
    InvalidLanguageTag,
    /// A first-level child that no XMPP stream carries: in `jabber:client` or
    /// `jabber:server` other than `message`, `presence` and `iq`; in the streams namespace
    /// other than `features` and `error`; in the dialback namespace other than `result` and
    /// `verify` (RFC 3920 §4.7.3 `unsupported-stanza-type`).
    UnsupportedTopLevel,
    /// A first-level element in no namespace (`xmlns=''`), RFC 3920 §4.7.3.
    UnqualifiedTopLevel,
    /// A first-level element in `jabber:client` within a `jabber:server` stream or the
    /// reverse: the default namespace defines the first-level children (RFC 3920 §11.2.2).
    ForeignContentNamespace,
    /// An element of `jabber:client` or `jabber:server` written with a prefix
    /// (RFC 3920 §11.2.2: an implementation MUST NOT generate one).
    PrefixedContentNamespace,
    /// A stanza within `jabber:server` without a non-empty `to` or `from`
    /// (RFC 3920 §4.7.3, §11.2.2: both are REQUIRED there).
    MissingAddress,
    /// A first-level element, the stream header or the stream's end tag longer than
    /// [`crate::Limits::max_stanza_bytes`].
    StanzaTooLarge,
    /// Deeper nesting than [`crate::Limits::max_depth`].
    TooDeep,
    /// More attributes than [`crate::Limits::max_attributes`].
    TooManyAttributes,
    /// A longer name than [`crate::Limits::max_name_bytes`].
    NameTooLong,
    /// More namespace declarations on one element than
    /// [`crate::Limits::max_declarations`] (`policy-violation`, as every limit).
    TooManyDeclarations,
    /// More namespace declarations in scope at once than
    /// [`crate::Limits::max_namespaces_in_scope`] (`policy-violation`, as every limit).
    TooManyNamespaces,
    /// An entity or character reference longer than 64 bytes, `&` and `;` included.
    ReferenceTooLong,
    /// Document mode: the input ended inside the document element or inside markup
    /// ([`crate::Parser::finish`]).
    UnexpectedEof,
    /// Document mode: the input ended before any document element
    /// ([`crate::Parser::finish`]).
    NoRootElement,
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ErrorKind::*;
        match self {
            InvalidUtf8 => f.write_str("invalid UTF-8"),
            InvalidChar(c) => write!(f, "character U+{c:04X} is not allowed in XML"),
            Unexpected { found, expected } => {
                if found.is_ascii_graphic() {
                    write!(f, "unexpected '{}', expected {expected}", *found as char)
                } else {
                    write!(f, "unexpected byte 0x{found:02x}, expected {expected}")
                }
            }
            InvalidName => f.write_str("invalid name"),
            MismatchedEndTag => f.write_str("end tag does not match the open element"),
            DuplicateAttribute => f.write_str("duplicate attribute"),
            DuplicateExpandedAttribute => {
                f.write_str("duplicate attribute after namespace expansion")
            }
            UnboundPrefix => f.write_str("namespace prefix not declared"),
            ReservedNamespace => f.write_str("reserved namespace prefix or name misused"),
            CdataEndInText => f.write_str("']]>' in character data"),
            LtInAttributeValue => f.write_str("'<' in attribute value"),
            InvalidReference => f.write_str("malformed entity or character reference"),
            EntityReference => f.write_str("entity reference other than the predefined five"),
            Comment => f.write_str("comment"),
            ProcessingInstruction => f.write_str("processing instruction"),
            Doctype => f.write_str("document type declaration"),
            XmlDeclaration => f.write_str("malformed or misplaced XML declaration"),
            Encoding => f.write_str("encoding other than UTF-8"),
            TextAtTopLevel => f.write_str("character data between top-level elements"),
            ContentAfterEnd => f.write_str("content after the end of the stream"),
            NotStreamElement => f.write_str("the stream element must be <stream:stream>"),
            StreamNamespace => {
                f.write_str("streams namespace is not http://etherx.jabber.org/streams")
            }
            StreamPrefix => f.write_str("the stream element must be prefixed"),
            DialbackNamespace => {
                f.write_str("the db prefix must be bound to jabber:server:dialback")
            }
            DialbackPrefix => f.write_str("dialback elements must be prefixed"),
            DefaultNamespace => {
                f.write_str("default namespace must be jabber:client or jabber:server")
            }
            Version => f.write_str("stream version is not major.minor"),
            InvalidLanguageTag => f.write_str("xml:lang value is not an RFC 3066 language tag"),
            UnsupportedTopLevel => f.write_str("unsupported first-level element"),
            UnqualifiedTopLevel => f.write_str("first-level element in no namespace"),
            ForeignContentNamespace => f.write_str(
                "first-level element in a content namespace other than the stream's default",
            ),
            PrefixedContentNamespace => {
                f.write_str("jabber:client and jabber:server elements must not be prefixed")
            }
            MissingAddress => {
                f.write_str("stanza between servers without a non-empty 'to' and 'from'")
            }
            StanzaTooLarge => f.write_str("stanza exceeds the size limit"),
            TooDeep => f.write_str("elements nested deeper than the limit"),
            TooManyAttributes => f.write_str("more attributes than the limit"),
            NameTooLong => f.write_str("name longer than the limit"),
            TooManyDeclarations => {
                f.write_str("more namespace declarations on an element than the limit")
            }
            TooManyNamespaces => f.write_str("more namespace declarations in scope than the limit"),
            ReferenceTooLong => f.write_str("entity or character reference too long"),
            UnexpectedEof => f.write_str("input ended inside the document"),
            NoRootElement => f.write_str("no document element"),
        }
    }
}

impl ErrorKind {
    /// The RFC 3920 stream error condition this violation calls for.
    pub fn condition(self) -> StreamErrorCondition {
        use ErrorKind::*;
        use StreamErrorCondition as C;
        match self {
            EntityReference | Comment | ProcessingInstruction | Doctype => C::RestrictedXml,
            Encoding => C::UnsupportedEncoding,
            NotStreamElement | TextAtTopLevel => C::BadFormat,
            StreamNamespace | DefaultNamespace | DialbackNamespace => C::InvalidNamespace,
            StreamPrefix | UnboundPrefix | DialbackPrefix | PrefixedContentNamespace => {
                C::BadNamespacePrefix
            }
            Version => C::UnsupportedVersion,
            UnsupportedTopLevel | UnqualifiedTopLevel | ForeignContentNamespace => {
                C::UnsupportedStanzaType
            }
            MissingAddress => C::ImproperAddressing,
            // Well-formed, but invalid against the protocol's definition of the attribute.
            InvalidLanguageTag => C::InvalidXml,
            // A limit of the receiver's, not a fault of the XML: RFC 3920 §4.7.3
            // `policy-violation` ("violated some local service policy").
            StanzaTooLarge | TooDeep | TooManyAttributes | NameTooLong | ReferenceTooLong
            | TooManyDeclarations | TooManyNamespaces => C::PolicyViolation,
            _ => C::XmlNotWellFormed,
        }
    }
}

/// A parse error: the stream error condition, where it happened and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    offset: u64,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, offset: u64) -> Self {
        Error { kind, offset }
    }

    /// The RFC 3920 §4.7.3 condition to send in `<stream:error/>`.
    pub fn condition(&self) -> StreamErrorCondition {
        self.kind.condition()
    }

    /// Byte offset of the offending input, counted from the first byte fed to the parser.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// What exactly was wrong.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at byte {}: {}",
            self.condition(),
            self.offset,
            self.kind
        )
    }
}

impl std::error::Error for Error {}

/// Why the writer refused to serialize something. Nothing is written then.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WriteError {
    /// An element or attribute local name that is not an NCName (a prefix included), or a
    /// stream header attribute name that is neither an NCName nor `xml:` and an NCName.
    InvalidName(String),
    /// A character outside the XML Char production in text, an attribute value or a
    /// namespace name.
    InvalidChar(u32),
    /// A namespace that cannot be written: an element in the `xml` or `xmlns` namespace, an
    /// attribute in the `xmlns` namespace, or a stream header default namespace other
    /// than `jabber:client` and `jabber:server` (RFC 3920 §11.2.2).
    InvalidNamespace(String),
    /// An attribute named `xmlns` or `xmlns:*` in no namespace: that is a namespace
    /// declaration, which the writer writes itself from the namespaces of the tree
    /// (Namespaces in XML §3). The stream header takes one declaration, `xmlns:db` bound
    /// to `jabber:server:dialback` (RFC 3920 §8, §11.2.3).
    NamespaceDeclaration(String),
    /// The same attribute twice on one element.
    DuplicateAttribute(String),
    /// A stream header `version` that is not `major.minor` with decimal numbers without
    /// leading zeros (RFC 3920 §4.4.1: leading zeros MUST NOT be generated).
    InvalidVersion(String),
    /// An `xml:lang` value that is not an RFC 3066 language tag (RFC 3920 §4.4, §9.1.5).
    InvalidLanguageTag(String),
    /// Nesting deeper than the writer accepts.
    TooDeep,
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::InvalidName(n) => write!(f, "invalid XML name {n:?}"),
            WriteError::InvalidChar(c) => write!(f, "character U+{c:04X} cannot be written"),
            WriteError::InvalidNamespace(n) => write!(f, "namespace {n:?} cannot be written"),
            WriteError::NamespaceDeclaration(n) => {
                write!(f, "attribute {n:?} would be a namespace declaration")
            }
            WriteError::DuplicateAttribute(n) => write!(f, "duplicate attribute {n:?}"),
            WriteError::InvalidVersion(v) => {
                write!(
                    f,
                    "stream version {v:?} is not major.minor without leading zeros"
                )
            }
            WriteError::InvalidLanguageTag(v) => {
                write!(f, "xml:lang value {v:?} is not a language tag")
            }
            WriteError::TooDeep => f.write_str("element nesting too deep"),
        }
    }
}

impl std::error::Error for WriteError {}
