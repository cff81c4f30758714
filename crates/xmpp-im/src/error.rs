//! The error of the payload readers, and the stanza error it maps to.

use std::fmt;

use xmpp_core::{StanzaError, StanzaErrorCondition, stanza_error::StanzaErrorParseError};

/// Longest offending value kept in an error, in bytes (cut at a character boundary).
const MAX_VALUE: usize = 64;

/// Why an element could not be read as a typed payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PayloadError {
    /// The element has another namespace or name than the reader expects.
    UnexpectedElement {
        /// The qualified name expected, `{namespace}name`.
        expected: &'static str,
    },
    /// A required attribute is absent.
    MissingAttribute {
        /// The element.
        element: &'static str,
        /// The attribute.
        attribute: &'static str,
    },
    /// An attribute or child has a value outside its defined set or range.
    InvalidValue {
        /// The element.
        element: &'static str,
        /// The attribute or child element holding the value.
        field: &'static str,
        /// The value (at most 64 bytes of it).
        value: String,
    },
    /// An attribute that must be a JID is not one (RFC 3920 §3).
    InvalidJid {
        /// The element.
        element: &'static str,
        /// The attribute.
        attribute: &'static str,
        /// The value (at most 64 bytes of it).
        value: String,
    },
    /// A child that may appear once (or once per `xml:lang`) appears again.
    Duplicate {
        /// The element.
        element: &'static str,
        /// The repeated child.
        child: &'static str,
    },
    /// Two sibling elements carry the same value in an attribute whose values must be
    /// unique among them (RFC 3921 §10.1: the `order` of the items of a privacy list).
    DuplicateValue {
        /// The repeated element.
        element: &'static str,
        /// The attribute.
        attribute: &'static str,
        /// The value (at most 64 bytes of it).
        value: String,
    },
    /// The `<error/>` child of a stanza of type `error` is missing or malformed.
    InvalidError(Option<StanzaErrorParseError>),
    /// A child holding character data carries an attribute it may not have (RFC 3921
    /// §2.1.2.1 to §2.2.2.3: `xml:lang` only, or none at all).
    ForbiddenAttribute {
        /// The element.
        element: &'static str,
        /// The child carrying the attribute.
        child: &'static str,
        /// The attribute, `{namespace}name` when it has a namespace (at most 64 bytes).
        attribute: String,
    },
    /// A child holding character data also holds an element (mixed content, RFC 3921
    /// §2.1.2.1 to §2.1.2.3).
    MixedContent {
        /// The element.
        element: &'static str,
        /// The child holding an element.
        child: &'static str,
    },
}

/// A value cut to [`MAX_VALUE`] bytes.
pub(crate) fn clip(value: &str) -> String {
    let mut end = value.len().min(MAX_VALUE);
    while !value.is_char_boundary(end) {
        end -= 1;
    }
    value[..end].to_owned()
}

impl PayloadError {
    /// The stanza error condition to answer with (RFC 3920 §9.3.3): `jid-malformed` for
    /// a JID that does not parse, `bad-request` for everything else.
    pub fn condition(&self) -> StanzaErrorCondition {
        match self {
            PayloadError::InvalidJid { .. } => StanzaErrorCondition::JidMalformed,
            _ => StanzaErrorCondition::BadRequest,
        }
    }

    /// The stanza error to answer with: [`PayloadError::condition`] with its usual type
    /// and this error as text.
    pub fn to_stanza_error(&self) -> StanzaError {
        StanzaError::new(self.condition()).with_text(self.to_string())
    }
}

impl fmt::Display for PayloadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PayloadError::UnexpectedElement { expected } => write!(f, "expected {expected}"),
            PayloadError::MissingAttribute { element, attribute } => {
                write!(f, "<{element}/> without the required '{attribute}'")
            }
            PayloadError::InvalidValue {
                element,
                field,
                value,
            } => write!(f, "<{element}/>: '{value}' is not a valid {field}"),
            PayloadError::InvalidJid {
                element,
                attribute,
                value,
            } => write!(f, "<{element}/>: {attribute} '{value}' is not a JID"),
            PayloadError::Duplicate { element, child } => {
                write!(f, "<{element}/> with more than one <{child}/>")
            }
            PayloadError::DuplicateValue {
                element,
                attribute,
                value,
            } => write!(f, "more than one <{element}/> with {attribute} '{value}'"),
            PayloadError::InvalidError(Some(e)) => write!(f, "malformed error: {e}"),
            PayloadError::InvalidError(None) => f.write_str("type 'error' without <error/>"),
            PayloadError::ForbiddenAttribute {
                element,
                child,
                attribute,
            } => write!(
                f,
                "<{element}/>: <{child}/> may not carry the attribute '{attribute}'"
            ),
            PayloadError::MixedContent { element, child } => {
                write!(
                    f,
                    "<{element}/>: <{child}/> holds an element, not only text"
                )
            }
        }
    }
}

impl std::error::Error for PayloadError {}
