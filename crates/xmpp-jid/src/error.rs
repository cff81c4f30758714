//! The one error type of the crate.

use std::fmt;

/// The part of a JID an error is about (RFC 3920 §3.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Part {
    /// The node identifier, before the `@` (RFC 3920 §3.3).
    Node,
    /// The domain identifier (RFC 3920 §3.2).
    Domain,
    /// The resource identifier, after the first `/` (RFC 3920 §3.4).
    Resource,
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Part::Node => "node",
            Part::Domain => "domain",
            Part::Resource => "resource",
        })
    }
}

/// Which rule of the bidirectional check failed (RFC 3454 §6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BidiRule {
    /// The string holds both right-to-left (Table D.1) and left-to-right (Table D.2)
    /// characters (RFC 3454 §6, rule 2).
    Mixed,
    /// The string holds right-to-left characters but does not both start and end with
    /// one (RFC 3454 §6, rule 3).
    NotEnclosed,
}

/// Why a domain label fails the IDNA ToASCII operation (RFC 3490 §4.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LabelError {
    /// The label is empty, e.g. in `a..b` or `.a` (ToASCII step 8). A single final dot
    /// is not an empty label but the explicit root label (RFC 3490 §2).
    Empty,
    /// The label, in its ASCII (ACE) form, is longer than 63 octets (ToASCII step 8).
    TooLong {
        /// Length of the ASCII form in octets.
        len: usize,
    },
    /// A non-ASCII label already starts with the ACE prefix `xn--` (ToASCII step 5).
    AcePrefix,
    /// The label cannot be encoded with Punycode (its code points overflow the encoder).
    Punycode,
    /// Under the STD3 ASCII rules ([`Rules::Rfc6122`](crate::Rules::Rfc6122), RFC 3490
    /// §4.1 step 3): the label holds an ASCII character other than a letter, a digit or
    /// `-` (a space, a control, `:`, `*`, `_`...).
    NotHostChar {
        /// The first such character.
        ch: char,
    },
    /// Under the STD3 ASCII rules: the label starts or ends with `-` (RFC 3490 §4.1
    /// step 3).
    Hyphen,
    /// The label starts with the ACE prefix `xn--` but is not the ASCII form of an
    /// internationalized label: its Punycode does not decode, or ToASCII of the decoded
    /// label does not give it back (RFC 3490 §4.2 steps 3-7).
    BadAce,
}

/// Which kind of IP literal was malformed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IpVersion {
    /// A dotted quad whose numbers are out of range or have leading zeros.
    V4,
    /// A bracketed literal that is not an IPv6 address.
    V6,
}

/// What is wrong with a JID or one of its parts.
///
/// Every variant names the part it is about ([`Error::part`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Error {
    /// The part is empty or missing, or prepares to the empty string.
    Empty(Part),
    /// The prepared part is longer than 1023 bytes (RFC 3920 §3.1).
    TooLong {
        /// The part.
        part: Part,
        /// Its prepared length in bytes.
        len: usize,
    },
    /// The prepared part holds a character its profile prohibits (RFC 3920 A.5, B.5;
    /// RFC 3491 §5), or a separator that would make the JID ambiguous.
    Prohibited {
        /// The part.
        part: Part,
        /// The prohibited character, as found after mapping and normalization.
        ch: char,
    },
    /// The prepared part fails the bidirectional rules of RFC 3454 §6.
    Bidi {
        /// The part.
        part: Part,
        /// The rule that failed.
        rule: BidiRule,
    },
    /// The part holds a code point unassigned in Unicode 3.2 (RFC 3454 Table A.1); a
    /// JID is a stored string (RFC 3454 §7).
    Unassigned {
        /// The part.
        part: Part,
        /// The unassigned code point.
        ch: char,
    },
    /// A label of the domain is not an internationalized label (RFC 3490 §2, §4.1).
    BadLabel {
        /// Index of the label in the domain, from 0.
        index: usize,
        /// What is wrong with it.
        reason: LabelError,
    },
    /// The domain looks like an IP literal but is not a valid one.
    BadIpLiteral(IpVersion),
    /// A bare JID was expected but the input has a resource.
    UnexpectedResource,
}

impl Error {
    /// The part of the JID the error is about.
    pub fn part(&self) -> Part {
        match *self {
            Error::Empty(part)
            | Error::TooLong { part, .. }
            | Error::Prohibited { part, .. }
            | Error::Bidi { part, .. }
            | Error::Unassigned { part, .. } => part,
            Error::BadLabel { .. } | Error::BadIpLiteral(_) => Part::Domain,
            Error::UnexpectedResource => Part::Resource,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Empty(part) => write!(f, "{part} is empty"),
            Error::TooLong { part, len } => {
                write!(
                    f,
                    "{part} is {len} bytes long after preparation (limit 1023)"
                )
            }
            Error::Prohibited { part, ch } => {
                write!(
                    f,
                    "{part} contains prohibited character U+{:04X}",
                    u32::from(*ch)
                )
            }
            Error::Bidi { part, rule } => match rule {
                BidiRule::Mixed => {
                    write!(f, "{part} mixes right-to-left and left-to-right characters")
                }
                BidiRule::NotEnclosed => write!(
                    f,
                    "{part} has right-to-left characters but does not start and end with one"
                ),
            },
            Error::Unassigned { part, ch } => write!(
                f,
                "{part} contains U+{:04X}, unassigned in Unicode 3.2",
                u32::from(*ch)
            ),
            Error::BadLabel { index, reason } => match reason {
                LabelError::Empty => write!(f, "domain label {index} is empty"),
                LabelError::TooLong { len } => {
                    write!(
                        f,
                        "domain label {index} is {len} octets in ASCII form (limit 63)"
                    )
                }
                LabelError::AcePrefix => {
                    write!(
                        f,
                        "domain label {index} is non-ASCII but starts with \"xn--\""
                    )
                }
                LabelError::Punycode => {
                    write!(f, "domain label {index} cannot be encoded with Punycode")
                }
                LabelError::NotHostChar { ch } => write!(
                    f,
                    "domain label {index} contains U+{:04X}, which no host name has (STD3 rules)",
                    u32::from(*ch)
                ),
                LabelError::Hyphen => write!(
                    f,
                    "domain label {index} starts or ends with a hyphen (STD3 rules)"
                ),
                LabelError::BadAce => write!(
                    f,
                    "domain label {index} starts with \"xn--\" but is not a valid ACE label"
                ),
            },
            Error::BadIpLiteral(IpVersion::V4) => f.write_str("domain is a malformed IPv4 literal"),
            Error::BadIpLiteral(IpVersion::V6) => f.write_str("domain is a malformed IPv6 literal"),
            Error::UnexpectedResource => f.write_str("a bare JID cannot have a resource"),
        }
    }
}

impl std::error::Error for Error {}
