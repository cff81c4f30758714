//! XMPP addresses (JIDs) as RFC 3920 §3 defines them, with the string preparation of
//! its Appendix A (Nodeprep) and Appendix B (Resourceprep), and Nameprep (RFC 3491) with
//! the IDNA label rules (RFC 3490) for the domain.
//!
//! A JID is `[node "@"] domain ["/" resource]`. Parsing splits it as RFC 3920 §3.1 says
//! (the resource is everything after the first `/`; the node is what precedes the first
//! `@` before that), prepares every part, and keeps the canonical (prepared) form in one
//! `String`. Equality, hashing and ordering are those of the canonical form, so two JIDs
//! that RFC 3920 says to compare equal are equal.
//!
//! ```
//! use xmpp_jid::{BareJid, Error, FullJid, Jid, Part, ResourcePart};
//!
//! // Parse and prepare: case folding in node and domain, NFKC everywhere.
//! let jid: Jid = "Juliet@Example.COM/Balcony".parse()?;
//! assert_eq!(jid.to_string(), "juliet@example.com/Balcony");
//! assert_eq!(jid.node(), Some("juliet"));
//! assert_eq!(jid.domain(), "example.com");
//! assert_eq!(jid.resource(), Some("Balcony"));
//!
//! // Comparison is on the prepared form.
//! assert_eq!(jid, "juliet@EXAMPLE.com/Balcony".parse::<Jid>()?);
//!
//! // Conversions keep the JID valid.
//! let full = FullJid::try_from(jid)?;
//! let bare: BareJid = full.to_bare();
//! assert_eq!(bare.as_str(), "juliet@example.com");
//! let other = bare.with_resource(&ResourcePart::new("garden")?);
//! assert_eq!(other.as_str(), "juliet@example.com/garden");
//!
//! // Errors say which part is wrong and why.
//! let err = "ju:liet@example.com".parse::<Jid>().unwrap_err();
//! assert_eq!(err, Error::Prohibited { part: Part::Node, ch: ':' });
//! assert_eq!(err.to_string(), "node contains prohibited character U+003A");
//! # Ok::<(), Error>(())
//! ```
//!
//! # Exactness
//!
//! The stringprep tables are generated from RFC 3454 by `tools/gen_tables.py`
//! (Unicode 3.2); normalization is NFKC as of Unicode 3.2 (see [`nodeprep`] for the
//! details). The steps run in the order RFC 3454 §3 gives: map, normalize, prohibit,
//! check bidirectional text (§6: no mix of RandALCat and LCat; a string holding RandALCat
//! starts and ends with one), for all three profiles. A JID is a stored string in the
//! sense of RFC 3454 §7, so code points unassigned in Unicode 3.2 (Table A.1) are
//! refused. The 1023-byte limit applies to each part after preparation (RFC 3920 §3.1).
//!
//! # Deliberate RFC-literal choices for the domain
//!
//! RFC 3920 §3.2 asks only that the domain be an internationalized domain name (RFC 3490
//! §2) to whose labels Nameprep applies. This crate follows that text literally, where
//! several popular implementations apply later or stricter rules:
//!
//! - **ASCII space, punctuation and control characters are accepted in a domain.** An
//!   internationalized label is one that ToASCII accepts *with UseSTD3ASCIIRules unset*
//!   (RFC 3490 §2), and Nameprep prohibits neither ASCII space (Table C.1.1) nor ASCII
//!   controls (Table C.2.1) (RFC 3491 §5). So `a b.example`, `-x-.example` and
//!   `host:5222` are valid domains; only `@` and `/`, which would make the JID ambiguous,
//!   are refused. Implementations that check host names with the STD3 (letter, digit,
//!   hyphen) rules or with UTS #46 refuse them: the `jid` crate 0.12 (xmpp-rs) does, as do
//!   the IDNA2008-based rules of RFC 7622, which replaced RFC 3920's addressing.
//!   `xmpp jid` refuses to print a canonical JID holding a character that line-oriented
//!   readers take as a line break.
//! - **A final dot is kept.** `example.com.` ends with the explicit root label, which is
//!   not a label (RFC 3490 §2), so it is an internationalized domain name; RFC 3920 has no
//!   rule removing the dot, so it stays in the canonical form and `example.com.` is not
//!   equal to `example.com`. (RFC 7622 §3.2 later requires removing it; the `jid` crate
//!   0.12 does.) A domain made of the root label alone, `.`, is empty.
//! - **Nameprep and its bidirectional rule apply per label** (RFC 3491 §1: Nameprep
//!   processes labels, not whole names), so `\u{5D0}.example` is valid. Implementations
//!   that run Nameprep over the whole domain (the `jid` crate 0.12) refuse it.
//! - **ToASCII's own checks apply**: each label, once Nameprep has been applied, is 1 to
//!   63 octets in its ASCII form; a non-ASCII label must not start with `xn--`. ASCII
//!   labels are not decoded (ToASCII skips to step 8 for them).
//! - **Label separators**: U+3002, U+FF0E and U+FF61 separate labels like `.` (RFC 3490
//!   §3.1) and are written `.`.
//! - **A single label** such as `localhost` is accepted: RFC 3920 §3.2 makes a fully
//!   qualified name a recommendation (SHOULD).
//! - **IP literals**: a domain of four all-digit labels has the shape of the IPv4address
//!   rule of RFC 3920 §3.1 and must then be an address (each number at most 255, no
//!   leading zero, which some resolvers read as octal); `256.1.1.1` is refused where the
//!   `jid` crate 0.12 takes it as a name. An IPv6 address may be bare, as the IPv6address
//!   rule of RFC 3920 §3.1 writes it, or bracketed; it is written bracketed, in its
//!   standard text form, so that it cannot be read as host:port.
//!
//! # Cost
//!
//! Input that is already canonical plain ASCII is recognized in one pass (one table
//! lookup per byte, stopping only at separators) and copied once. ASCII input that only
//! needs lower-casing in its node and domain is folded into a stack buffer and takes the
//! same pass. A JID of up to 54 bytes is stored inline, so parsing such input allocates
//! nothing; a longer one costs one exact-size allocation. Anything else goes through the
//! profiles part by part.
#![forbid(unsafe_code)]

use std::borrow::Cow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::num::NonZeroU16;
use std::str::FromStr;

mod domain;
mod error;
mod prep;
pub mod punycode;
mod repr;
mod tables;

pub use error::{BidiRule, Error, IpVersion, LabelError, Part};

use prep::Profile;
use repr::{Pos, Repr, idx, pos};

/// Longest prepared part in bytes (RFC 3920 §3.1).
pub const MAX_PART_LEN: usize = 1023;

fn check_len(part: Part, prepared: Cow<'_, str>) -> Result<Cow<'_, str>, Error> {
    if prepared.is_empty() {
        return Err(Error::Empty(part));
    }
    if prepared.len() > MAX_PART_LEN {
        return Err(Error::TooLong {
            part,
            len: prepared.len(),
        });
    }
    Ok(prepared)
}

/// Applies the Nodeprep profile (RFC 3920 Appendix A) to `input`.
///
/// Returns the input unchanged (borrowed) when it is already prepared. This is the
/// profile alone: it does not check the 1023-byte limit nor emptiness, which
/// [`NodePart::new`] does.
///
/// Normalization is NFKC as of Unicode 3.2: the five CJK compatibility ideographs whose
/// decomposition Normalization Corrigendum #4 changed in Unicode 4.0 (U+2F868, U+2F874,
/// U+2F91F, U+2F95F, U+2F9BF) keep their Unicode 3.2 decomposition; U+F951 maps to
/// U+964B, as Corrigendum #3 made it in Unicode 3.2.0.
///
/// ```
/// assert_eq!(xmpp_jid::nodeprep("Räksmörgås").unwrap(), "räksmörgås");
/// assert!(xmpp_jid::nodeprep("a@b").is_err());
/// ```
pub fn nodeprep(input: &str) -> Result<Cow<'_, str>, Error> {
    prep::prepare(input, Profile::Nodeprep, Part::Node)
}

/// Applies the Resourceprep profile (RFC 3920 Appendix B) to `input`.
///
/// No case folding; spaces, `@` and `/` are allowed.
///
/// ```
/// assert_eq!(xmpp_jid::resourceprep("Home Office/1").unwrap(), "Home Office/1");
/// assert_eq!(xmpp_jid::resourceprep("\u{FB01}le").unwrap(), "file");
/// ```
pub fn resourceprep(input: &str) -> Result<Cow<'_, str>, Error> {
    prep::prepare(input, Profile::Resourceprep, Part::Resource)
}

/// Applies the Nameprep profile (RFC 3491) to one string, as for one domain label.
///
/// Use [`DomainPart::new`] for a whole domain: it also splits labels and applies the
/// IDNA label rules.
///
/// ```
/// assert_eq!(xmpp_jid::nameprep("CAFÉ").unwrap(), "café");
/// assert_eq!(xmpp_jid::nameprep("\u{00DF}").unwrap(), "ss");
/// ```
pub fn nameprep(input: &str) -> Result<Cow<'_, str>, Error> {
    prep::prepare(input, Profile::Nameprep, Part::Domain)
}

macro_rules! part_type {
    ($(#[$doc:meta])* $name:ident, $prepare:expr, $part:expr) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// Prepares `input` and returns the part in canonical form.
            pub fn new(input: &str) -> Result<Self, Error> {
                let prepared = $prepare(input)?;
                Ok(Self(check_len($part, prepared)?.into_owned()))
            }

            /// The canonical form.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl FromStr for $name {
            type Err = Error;
            fn from_str(s: &str) -> Result<Self, Error> {
                Self::new(s)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

part_type!(
    /// A prepared node identifier (RFC 3920 §3.3, Nodeprep).
    ///
    /// ```
    /// let node = xmpp_jid::NodePart::new("Juliet")?;
    /// assert_eq!(node.as_str(), "juliet");
    /// # Ok::<(), xmpp_jid::Error>(())
    /// ```
    NodePart,
    nodeprep,
    Part::Node
);
part_type!(
    /// A prepared domain identifier (RFC 3920 §3.2): Nameprep applied to each label,
    /// IDNA label rules, or an IP literal.
    ///
    /// ```
    /// let domain = xmpp_jid::DomainPart::new("Bücher。Example")?;
    /// assert_eq!(domain.as_str(), "bücher.example");
    /// assert_eq!(domain.to_ascii(), "xn--bcher-kva.example");
    /// # Ok::<(), xmpp_jid::Error>(())
    /// ```
    DomainPart,
    domain::prepare_domain,
    Part::Domain
);
part_type!(
    /// A prepared resource identifier (RFC 3920 §3.4, Resourceprep).
    ///
    /// ```
    /// let resource = xmpp_jid::ResourcePart::new("Balcony")?;
    /// assert_eq!(resource.as_str(), "Balcony");
    /// # Ok::<(), xmpp_jid::Error>(())
    /// ```
    ResourcePart,
    resourceprep,
    Part::Resource
);

impl DomainPart {
    /// The ASCII form of the domain (RFC 3490 ToASCII of each label), for DNS.
    pub fn to_ascii(&self) -> String {
        domain::to_ascii(&self.0)
    }
}

/// A parsed JID: canonical text and separator positions.
struct Parsed {
    s: Repr,
    at: Pos,
    slash: Pos,
}

/// Byte classes of the canonical fast path ([`parse_fast`]). `ORDINARY` bytes are
/// canonical in a node, a domain and a resource: printable ASCII other than upper case,
/// the characters Nodeprep prohibits (RFC 3920 A.5: `"` `&` `'` `/` `:` `<` `>` `@`) and
/// `[` (which starts an IPv6 literal). `.`, `@` and `/` are the separators the pass acts
/// on. Every other byte (`OTHER`: upper case, controls, space, non-ASCII...) needs
/// preparation or an error message, so the general path takes the input.
const ORDINARY: u8 = 0;
const DOT: u8 = 1;
const AT: u8 = 2;
const SLASH: u8 = 3;
const OTHER: u8 = 4;

const fn fast_classes() -> [u8; 256] {
    let mut t = [OTHER; 256];
    let mut b = 0x21u8;
    while b < 0x7F {
        t[b as usize] = match b {
            b'.' => DOT,
            b'@' => AT,
            b'/' => SLASH,
            b'A'..=b'Z' | b'"' | b'&' | b'\'' | b':' | b'<' | b'>' | b'[' => OTHER,
            _ => ORDINARY,
        };
        b += 1;
    }
    t
}

static FAST: [u8; 256] = fast_classes();

/// Recognizes input that is already canonical plain ASCII and returns its separator
/// positions; anything else (`Err`, `true` when the first byte refused was an upper-case
/// letter before the first `/`) goes through [`parse_fast_folded`] or [`parse_general`],
/// which give the same result for every input this accepts (property-tested below, and
/// checked by the fuzz target). The fast path may refuse more than it must (a node holding
/// `..`, say): it only has to be exact on what it accepts.
///
/// One pass over the bytes before the first `/`: a table lookup and a branch per byte
/// skips ordinary bytes; the separators found on the way split the JID (RFC 3920 §3.1),
/// and each `.` closes a label that must be 1 to 63 octets long (RFC 3490 §4.1 step 8;
/// ToASCII leaves an ASCII label unchanged, as UseSTD3ASCIIRules is off, RFC 3490 §2).
/// Dots before the `@` are checked the same way, which only sends odd nodes to the
/// general path. The resource after the `/` must be printable ASCII (Resourceprep
/// prohibits only the controls among ASCII and maps none, RFC 3920 B.5): one branch-free
/// fold.
#[inline(always)]
fn parse_fast(input: &str) -> Result<(Pos, Pos), bool> {
    let bytes = input.as_bytes();
    let mut rest = bytes;
    // Position of the '@' (0: none yet; a node is never empty, so 0 is never an '@'
    // that the fast path accepts).
    let mut at = 0usize;
    let mut label_start = 0usize;
    let head_end = loop {
        // Skip ordinary bytes. Indexing a 256-entry table with a byte cannot go out of
        // bounds.
        while let [b, tail @ ..] = rest {
            if FAST[usize::from(*b)] != ORDINARY {
                break;
            }
            rest = tail;
        }
        let i = bytes.len() - rest.len();
        let Some((&b, tail)) = rest.split_first() else {
            break i;
        };
        match FAST[usize::from(b)] {
            DOT => {
                // 1 ..= 63 octets; an empty label wraps around to a huge length.
                if (i - label_start).wrapping_sub(1) >= 63 {
                    return Err(false);
                }
                label_start = i + 1;
            }
            // The first '@' after a non-empty node; a second '@' is prohibited in the
            // domain, which the general path reports.
            AT if at == 0 && i != 0 => {
                at = i;
                label_start = i + 1;
            }
            SLASH => break i,
            // Upper case before the first '/' may need nothing but folding.
            _ => return Err(b.is_ascii_uppercase()),
        }
        rest = tail;
    };
    // The last domain label, and the part lengths (RFC 3920 §3.1).
    let domain_start = if at == 0 { 0 } else { at + 1 };
    if (head_end - label_start).wrapping_sub(1) >= 63
        || at > MAX_PART_LEN
        || head_end - domain_start > MAX_PART_LEN
    {
        return Err(false);
    }
    // A domain of digits and dots may be an IPv4 literal: left to the general path. A
    // domain name's last label seldom ends in a digit, so this scan seldom runs.
    let domain = bytes.get(domain_start..head_end).ok_or(false)?;
    if domain.last().is_some_and(u8::is_ascii_digit)
        && domain.iter().all(|&b| b.is_ascii_digit() || b == b'.')
    {
        return Err(false);
    }
    let slash = if head_end < bytes.len() {
        let resource = bytes.get(head_end + 1..).ok_or(false)?;
        // Printable ASCII: 0x20 ..= 0x7E.
        let bad = resource
            .iter()
            .fold(0u8, |bad, &b| bad | u8::from(b.wrapping_sub(0x20) >= 0x5F));
        if resource.is_empty() || resource.len() > MAX_PART_LEN || bad != 0 {
            return Err(false);
        }
        pos(head_end)
    } else {
        None
    };
    Ok((pos(at), slash))
}

/// Short ASCII input that is canonical once its node and domain are lower-cased: for
/// ASCII, Nodeprep and Nameprep are lower-casing (Table B.2 maps only A-Z among ASCII;
/// NFKC leaves ASCII alone) and every check they make ignores case, while Resourceprep
/// changes nothing (RFC 3920 B.3 maps with Table B.1 only). So the bytes before the first
/// `/` are lower-cased into a buffer, which then takes the canonical fast path.
#[inline]
fn parse_fast_folded(input: &str) -> Option<Parsed> {
    let bytes = input.as_bytes();
    let mut buf = [0u8; repr::INLINE];
    let folded = buf.get_mut(..bytes.len())?;
    let mut head = true;
    for (dst, &b) in folded.iter_mut().zip(bytes) {
        head &= b != b'/';
        *dst = if head { b.to_ascii_lowercase() } else { b };
    }
    // Lower-casing ASCII bytes keeps UTF-8 valid; the fast path refuses non-ASCII anyway.
    let folded = std::str::from_utf8(folded).ok()?;
    let (at, slash) = parse_fast(folded).ok()?;
    Some(Parsed {
        s: Repr::new(folded),
        at,
        slash,
    })
}

/// Splits per RFC 3920 §3.1 and prepares each part.
fn parse(input: &str) -> Result<Parsed, Error> {
    match parse_fast(input) {
        Ok((at, slash)) => Ok(Parsed {
            s: Repr::new(input),
            at,
            slash,
        }),
        Err(upper) => parse_slow(input, upper),
    }
}

/// Input that is not canonical: case folding alone, or the general path. Kept out of
/// line so that the canonical fast path stays small.
#[inline(never)]
fn parse_slow(input: &str, upper: bool) -> Result<Parsed, Error> {
    if let Some(parsed) = upper.then(|| parse_fast_folded(input)).flatten() {
        return Ok(parsed);
    }
    parse_general(input)
}

/// The general path: every part through its profile.
fn parse_general(input: &str) -> Result<Parsed, Error> {
    let (head, resource) = match input.split_once('/') {
        Some((head, resource)) => (head, Some(resource)),
        None => (input, None),
    };
    let (node, domain) = match head.split_once('@') {
        Some((node, domain)) => (Some(node), domain),
        None => (None, head),
    };
    let node = match node {
        Some(n) => Some(check_len(Part::Node, nodeprep(n)?)?),
        None => None,
    };
    let domain = domain::prepare_domain(domain)?;
    let resource = match resource {
        Some(r) => Some(check_len(Part::Resource, resourceprep(r)?)?),
        None => None,
    };
    let borrowed = |c: &Option<Cow<'_, str>>| !matches!(c, Some(Cow::Owned(_)));
    let node_len = node.as_ref().map(|n| n.len());
    let s = if borrowed(&node) && matches!(domain, Cow::Borrowed(_)) && borrowed(&resource) {
        // Every part is a slice of the input, unchanged: the input is canonical.
        Repr::new(input)
    } else {
        let mut s = String::with_capacity(
            node_len.map_or(0, |n| n + 1)
                + domain.len()
                + resource.as_ref().map_or(0, |r| r.len() + 1),
        );
        if let Some(n) = &node {
            s.push_str(n);
            s.push('@');
        }
        s.push_str(&domain);
        if let Some(r) = &resource {
            s.push('/');
            s.push_str(r);
        }
        Repr::from_string(s)
    };
    let at = node_len.and_then(pos);
    let slash = resource
        .as_ref()
        .and_then(|_| pos(node_len.map_or(0, |n| n + 1) + domain.len()));
    Ok(Parsed { s, at, slash })
}

fn build(node: Option<&NodePart>, domain: &DomainPart, resource: Option<&ResourcePart>) -> Parsed {
    let mut s = String::with_capacity(
        node.map_or(0, |n| n.0.len() + 1) + domain.0.len() + resource.map_or(0, |r| r.0.len() + 1),
    );
    let mut at = None;
    if let Some(n) = node {
        s.push_str(&n.0);
        at = pos(s.len());
        s.push('@');
    }
    s.push_str(&domain.0);
    let mut slash = None;
    if let Some(r) = resource {
        slash = pos(s.len());
        s.push('/');
        s.push_str(&r.0);
    }
    Parsed {
        s: Repr::from_string(s),
        at,
        slash,
    }
}

fn slice(s: &str, from: usize, to: usize) -> &str {
    s.get(from..to).unwrap_or_default()
}

macro_rules! common_impls {
    ($name:ident) => {
        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.as_str() == other.as_str()
            }
        }
        impl Eq for $name {}
        impl Hash for $name {
            fn hash<H: Hasher>(&self, state: &mut H) {
                self.as_str().hash(state);
            }
        }
        impl PartialOrd for $name {
            fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }
        impl Ord for $name {
            fn cmp(&self, other: &Self) -> std::cmp::Ordering {
                self.as_str().cmp(other.as_str())
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.as_str())
            }
        }
        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }
        impl FromStr for $name {
            type Err = Error;
            fn from_str(s: &str) -> Result<Self, Error> {
                Self::parse(s)
            }
        }
        impl TryFrom<&str> for $name {
            type Error = Error;
            fn try_from(s: &str) -> Result<Self, Error> {
                Self::parse(s)
            }
        }
        impl From<$name> for String {
            fn from(j: $name) -> String {
                j.as_str().to_owned()
            }
        }
        impl $name {
            /// The canonical form, as [`Display`](fmt::Display) writes it.
            pub fn as_str(&self) -> &str {
                self.inner.as_str()
            }

            /// The node identifier, if there is one.
            pub fn node(&self) -> Option<&str> {
                self.at.map(|at| slice(self.as_str(), 0, idx(at)))
            }

            /// The node as a typed part.
            pub fn node_part(&self) -> Option<NodePart> {
                self.node().map(|n| NodePart(n.to_owned()))
            }

            /// The domain identifier.
            pub fn domain(&self) -> &str {
                let s = self.as_str();
                let start = self.at.map_or(0, |at| idx(at) + 1);
                let end = self.slash_pos().unwrap_or(s.len());
                slice(s, start, end)
            }

            /// The domain as a typed part.
            pub fn domain_part(&self) -> DomainPart {
                DomainPart(self.domain().to_owned())
            }

            /// The bare JID (`node@domain` or `domain`).
            pub fn to_bare(&self) -> BareJid {
                let s = self.as_str();
                let end = self.slash_pos().unwrap_or(s.len());
                BareJid {
                    inner: Repr::new(slice(s, 0, end)),
                    at: self.at,
                }
            }

            /// The bare JID (`node@domain` or `domain`), consuming this one.
            pub fn into_bare(self) -> BareJid {
                self.to_bare()
            }
        }
    };
}

/// Any JID: `[node@]domain[/resource]` (RFC 3920 §3.1).
///
/// ```
/// let jid: xmpp_jid::Jid = "room@Conference.example.org/Nick".parse()?;
/// assert_eq!(jid.as_str(), "room@conference.example.org/Nick");
/// assert!(!jid.is_bare());
/// # Ok::<(), xmpp_jid::Error>(())
/// ```
#[derive(Clone)]
pub struct Jid {
    inner: Repr,
    at: Pos,
    slash: Pos,
}

/// A JID without resource: `node@domain` or `domain` (RFC 3920 §3.3).
///
/// ```
/// let bare: xmpp_jid::BareJid = "Juliet@Example.com".parse()?;
/// assert_eq!(bare.as_str(), "juliet@example.com");
/// assert!("juliet@example.com/balcony".parse::<xmpp_jid::BareJid>().is_err());
/// # Ok::<(), xmpp_jid::Error>(())
/// ```
#[derive(Clone)]
pub struct BareJid {
    inner: Repr,
    at: Pos,
}

/// A JID with a resource: `[node@]domain/resource` (RFC 3920 §3.4).
///
/// ```
/// let full: xmpp_jid::FullJid = "juliet@example.com/balcony".parse()?;
/// assert_eq!(full.resource(), "balcony");
/// assert!("juliet@example.com".parse::<xmpp_jid::FullJid>().is_err());
/// # Ok::<(), xmpp_jid::Error>(())
/// ```
#[derive(Clone)]
pub struct FullJid {
    inner: Repr,
    at: Pos,
    slash: NonZeroU16,
}

common_impls!(Jid);
common_impls!(BareJid);
common_impls!(FullJid);

impl Jid {
    /// Parses and prepares a JID.
    pub fn parse(input: &str) -> Result<Self, Error> {
        // The canonical fast path builds the JID in place (see [`parse_fast`]).
        let upper = match parse_fast(input) {
            Ok((at, slash)) => {
                return Ok(Jid {
                    inner: Repr::new(input),
                    at,
                    slash,
                });
            }
            Err(upper) => upper,
        };
        let Parsed { s, at, slash } = parse_slow(input, upper)?;
        Ok(Jid {
            inner: s,
            at,
            slash,
        })
    }

    /// Builds a JID from prepared parts; it cannot fail.
    pub fn from_parts(
        node: Option<&NodePart>,
        domain: &DomainPart,
        resource: Option<&ResourcePart>,
    ) -> Self {
        let Parsed { s, at, slash } = build(node, domain, resource);
        Jid {
            inner: s,
            at,
            slash,
        }
    }

    fn slash_pos(&self) -> Option<usize> {
        self.slash.map(idx)
    }

    /// The resource identifier, if there is one.
    pub fn resource(&self) -> Option<&str> {
        let s = self.as_str();
        self.slash.map(|slash| slice(s, idx(slash) + 1, s.len()))
    }

    /// Whether the JID has no resource.
    pub fn is_bare(&self) -> bool {
        self.slash.is_none()
    }

    /// The full JID, or the bare JID if there is no resource.
    pub fn try_into_full(self) -> Result<FullJid, BareJid> {
        match self.slash {
            Some(slash) => Ok(FullJid {
                inner: self.inner,
                at: self.at,
                slash,
            }),
            None => Err(BareJid {
                inner: self.inner,
                at: self.at,
            }),
        }
    }

    /// This JID with its resource replaced by `resource`.
    pub fn with_resource(&self, resource: &ResourcePart) -> FullJid {
        self.to_bare().with_resource(resource)
    }
}

impl BareJid {
    /// Parses and prepares a bare JID; a resource is an error.
    pub fn parse(input: &str) -> Result<Self, Error> {
        let Parsed { s, at, slash } = parse(input)?;
        if slash.is_some() {
            return Err(Error::UnexpectedResource);
        }
        Ok(BareJid { inner: s, at })
    }

    /// Builds a bare JID from prepared parts; it cannot fail.
    pub fn from_parts(node: Option<&NodePart>, domain: &DomainPart) -> Self {
        let Parsed { s, at, .. } = build(node, domain, None);
        BareJid { inner: s, at }
    }

    fn slash_pos(&self) -> Option<usize> {
        None
    }

    /// The full JID made of this bare JID and `resource`.
    pub fn with_resource(&self, resource: &ResourcePart) -> FullJid {
        let mut s = String::with_capacity(self.as_str().len() + 1 + resource.0.len());
        s.push_str(self.as_str());
        let slash = pos(s.len());
        s.push('/');
        s.push_str(&resource.0);
        FullJid {
            inner: Repr::from_string(s),
            at: self.at,
            // The domain is never empty, so the position is never 0.
            slash: slash.unwrap_or(NonZeroU16::MIN),
        }
    }
}

impl FullJid {
    /// Parses and prepares a full JID; a missing resource is [`Error::Empty`] of
    /// [`Part::Resource`].
    pub fn parse(input: &str) -> Result<Self, Error> {
        let Parsed { s, at, slash } = parse(input)?;
        let slash = slash.ok_or(Error::Empty(Part::Resource))?;
        Ok(FullJid {
            inner: s,
            at,
            slash,
        })
    }

    /// Builds a full JID from prepared parts; it cannot fail.
    pub fn from_parts(
        node: Option<&NodePart>,
        domain: &DomainPart,
        resource: &ResourcePart,
    ) -> Self {
        let Parsed { s, at, slash } = build(node, domain, Some(resource));
        FullJid {
            inner: s,
            at,
            slash: slash.unwrap_or(NonZeroU16::MIN),
        }
    }

    fn slash_pos(&self) -> Option<usize> {
        Some(idx(self.slash))
    }

    /// The resource identifier.
    pub fn resource(&self) -> &str {
        let s = self.as_str();
        slice(s, idx(self.slash) + 1, s.len())
    }

    /// The resource as a typed part.
    pub fn resource_part(&self) -> ResourcePart {
        ResourcePart(self.resource().to_owned())
    }
}

impl From<BareJid> for Jid {
    fn from(j: BareJid) -> Self {
        Jid {
            inner: j.inner,
            at: j.at,
            slash: None,
        }
    }
}

impl From<FullJid> for Jid {
    fn from(j: FullJid) -> Self {
        Jid {
            inner: j.inner,
            at: j.at,
            slash: Some(j.slash),
        }
    }
}

impl TryFrom<Jid> for FullJid {
    type Error = Error;
    /// Fails with [`Error::Empty`] of [`Part::Resource`] when the JID is bare.
    fn try_from(j: Jid) -> Result<Self, Error> {
        j.try_into_full().map_err(|_| Error::Empty(Part::Resource))
    }
}

impl TryFrom<Jid> for BareJid {
    type Error = Error;
    /// Fails with [`Error::UnexpectedResource`] when the JID has a resource.
    fn try_from(j: Jid) -> Result<Self, Error> {
        match j.slash {
            Some(_) => Err(Error::UnexpectedResource),
            None => Ok(BareJid {
                inner: j.inner,
                at: j.at,
            }),
        }
    }
}

impl PartialEq<str> for Jid {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

/// The property the `jid` fuzz target checks, shared with the test that replays its seed
/// corpus: parsing never panics, and a parsed JID reads back as itself.
#[doc(hidden)]
pub mod fuzz {
    use super::{BareJid, FullJid, Jid, nameprep, nodeprep, resourceprep};

    /// Parses `data` (when it is UTF-8) and checks the round trip and idempotence.
    pub fn check(data: &[u8]) {
        let Ok(s) = std::str::from_utf8(data) else {
            return;
        };
        // The fast path accepts only what the general path leaves unchanged.
        if let Ok((at, slash)) = super::parse_fast(s) {
            let general = super::parse_general(s);
            assert!(
                general
                    .as_ref()
                    .is_ok_and(|g| g.s.as_str() == s && g.at == at && g.slash == slash),
                "fast path disagrees on {s:?}"
            );
        }
        // The case-folding fast path gives what the general path gives.
        if let Some(folded) = super::parse_fast_folded(s) {
            let general = super::parse_general(s);
            assert!(
                general
                    .as_ref()
                    .is_ok_and(|g| g.s.as_str() == folded.s.as_str()
                        && g.at == folded.at
                        && g.slash == folded.slash),
                "folding fast path disagrees on {s:?}"
            );
        }
        if let Ok(jid) = Jid::parse(s) {
            let again = Jid::parse(jid.as_str());
            assert_eq!(again.as_ref(), Ok(&jid), "round trip of {s:?}");
            assert_eq!(BareJid::parse(jid.to_bare().as_str()), Ok(jid.to_bare()));
            if let Ok(full) = jid.clone().try_into_full() {
                assert_eq!(FullJid::parse(full.as_str()).as_ref(), Ok(&full));
            }
        }
        for prep in [nodeprep, resourceprep, nameprep] {
            if let Ok(prepared) = prep(s) {
                let again = prep(&prepared);
                assert_eq!(again.as_deref(), Ok(&*prepared), "idempotence on {s:?}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check_fast_agrees(s: &str) -> Result<(), TestCaseError> {
        if let Ok((at, slash)) = parse_fast(s) {
            let general = parse_general(s);
            prop_assert!(
                general.is_ok(),
                "fast path accepted {:?}: {:?}",
                s,
                general.err()
            );
            if let Ok(g) = general {
                prop_assert_eq!(g.s.as_str(), s);
                prop_assert_eq!((g.at, g.slash), (at, slash));
            }
        }
        if let Some(folded) = parse_fast_folded(s) {
            let general = parse_general(s);
            prop_assert!(general.is_ok(), "folding path accepted {:?}", s);
            if let Ok(g) = general {
                prop_assert_eq!(g.s.as_str(), folded.s.as_str());
                prop_assert_eq!((g.at, g.slash), (folded.at, folded.slash));
            }
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(5000))]

        // The fast path accepts only what the general path leaves unchanged.
        #[test]
        fn fast_path_agrees_with_general_path(s in "[a-zA-Z0-9@/.:\\[\\] \\-_\"&'<>%#;=~\u{0}\t\u{7f}\u{e9}]{0,40}") {
            check_fast_agrees(&s)?;
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(5000))]

        // The same on JID-shaped input, where the fast path is taken often.
        #[test]
        fn fast_path_agrees_on_jid_shapes(
            s in "([a-z0-9.%_]{0,4}@)?[a-z0-9.\\-]{0,70}(/[a-zA-Z0-9 ./@\u{7f}]{0,4})?"
        ) {
            check_fast_agrees(&s)?;
        }
    }

    #[test]
    fn fast_path_cases() {
        for s in [
            "a@b",
            "a@b/c",
            "b/c",
            "b",
            "1.2.3.4",
            "256.1.1.1",
            "a@b..c",
            "a@.b",
            "a@b.",
            "A@b",
            "a@B",
            "a@b/C",
            "[::1]",
            "a@b:c",
            "a b@c",
            "a@b c",
            "@b",
            "a@",
            "a@b/",
            "a@b@c",
            "a..b@c",
            ".a@b",
            "a@b.c.",
            "a@.",
            "1.2.3.4/r",
            "a@1.2.3.4",
            "x.1.2.3",
            "a%b@c/d",
            "a@b/c\u{7f}",
            "a@b/c\td",
            "a\u{0}@b",
            "A@B/C",
            "A@B..C",
            "A@256.1.1.1",
            "AB@C:D",
            "A\u{E9}@B",
        ] {
            assert!(check_fast_agrees(s).is_ok(), "{s}");
        }
        assert!(parse_fast("juliet@example.com/balcony").is_ok());
        assert!(parse_fast("1.2.3.4").is_err());
        assert!(parse_fast(&format!("a@{}", "b".repeat(64))).is_err());
        assert!(parse_fast(&format!("a@{}", "b".repeat(63))).is_ok());
        assert!(parse_fast(&format!("a@{}.c", "b".repeat(64))).is_err());
        assert!(parse_fast(&format!("{}.c/r", "b".repeat(63))).is_ok());
        assert!(parse_fast("a@b.c/r").is_ok());
        for (input, folded) in [
            ("Juliet@Example.COM/Balcony", "juliet@example.com/Balcony"),
            ("EXAMPLE.ORG", "example.org"),
            ("Host/A/B@C", "host/A/B@C"),
        ] {
            assert_eq!(
                parse_fast_folded(input).map(|p| p.s.as_str().to_owned()),
                Some(folded.to_owned())
            );
        }
        // Already canonical, too long to fold inline, or not only a matter of case.
        assert!(
            parse_fast_folded("juliet@example.com/r")
                .is_some_and(|p| p.s.as_str() == "juliet@example.com/r")
        );
        assert!(parse_fast_folded(&format!("A@{}", "b".repeat(60))).is_none());
        assert!(parse_fast_folded("A B@example.com").is_none());
        assert!(parse_fast_folded("A@[::1]").is_none());
    }
}
