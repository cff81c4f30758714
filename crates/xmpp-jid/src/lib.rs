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
//! # The domain
//!
//! RFC 3920 §3.2 asks only that the domain be an internationalized domain name (RFC 3490
//! §2) to whose labels Nameprep applies. Read literally, that admits names no host can
//! have; this crate applies by default what deployed servers do and RFC 6122 §2.2 later
//! required ([`Rules::Rfc6122`]), and keeps the literal reading as an explicit choice
//! ([`Rules::Rfc3920Literal`], through [`Jid::parse_with`], [`BareJid::parse_with`],
//! [`FullJid::parse_with`], [`DomainPart::parse_with`]; `xmpp jid --rfc3920-literal`).
//!
//! - **The STD3 ASCII rules apply** (by default). ToASCII runs with UseSTD3ASCIIRules set
//!   (RFC 3490 §4.1 step 3): after Nameprep, a label's ASCII characters are letters,
//!   digits and `-`, and it neither starts nor ends with `-`
//!   ([`LabelError::NotHostChar`], [`LabelError::Hyphen`]). So `a b.example`,
//!   `-x-.example`, `*.example.com`, `<x>` and names holding controls or DEL are refused.
//!   Text holding `:` is an IPv6 address or a [`Error::BadIpLiteral`] (`host:5222`,
//!   `1::2::3`, `::1:`). Read literally (UseSTD3ASCIIRules unset, RFC 3490 §2, and
//!   Nameprep prohibits neither ASCII space, C.1.1, nor ASCII controls, C.2.1), all of
//!   these are valid domains and only `@` and `/`, which would make the JID ambiguous,
//!   are refused; `xmpp jid` then refuses to print a canonical JID holding a character
//!   that line-oriented readers take as a line break.
//! - **A final dot is removed** (by default). `example.com.` ends with the explicit root
//!   label, which is not a label (RFC 3490 §2); RFC 6122 §2.2 removes it, so
//!   `example.com.` and `example.com` are one JID. RFC 3920 has no such rule: read
//!   literally, the dot stays in the canonical form and the two differ. A domain made of
//!   the root label alone, `.`, is empty.
//! - **One label, two spellings.** The ASCII (ACE, `xn--`) and Unicode spellings of a
//!   label name the same host (RFC 3490 §3.1), so they are one JID under both readings:
//!   an ACE label is decoded with ToUnicode (RFC 3490 §4.2), ToASCII of the result must
//!   give the label back (ignoring ASCII case), and the canonical form, which
//!   [`Jid::as_str`] and [`DomainPart::as_str`] show, holds the Unicode form;
//!   [`DomainPart::to_ascii`] gives the ASCII form. An ACE label that does not decode, or
//!   does not come back the same, is refused ([`LabelError::BadAce`]) rather than kept
//!   as a second spelling of some other name.
//! - **Nameprep and its bidirectional rule apply per label** (RFC 3491 §1: Nameprep
//!   processes labels, not whole names), so `\u{5D0}.example` is valid. Implementations
//!   that run Nameprep over the whole domain (the `jid` crate 0.12) refuse it.
//! - **ToASCII's own checks apply**: each label, once Nameprep has been applied, is 1 to
//!   63 octets in its ASCII form; a non-ASCII label must not start with `xn--`.
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
//! Comparing a JID with text (`jid == "Juliet@Example.com"`) prepares the text first: it
//! is equal when it parses, under either reading, to the same JID.
//!
//! # Cost
//!
//! Input that is already canonical plain ASCII is recognized in one pass (one table
//! lookup per byte, stopping only at separators and at bytes the STD3 rules refuse in a
//! domain; each label end also checks for `-` at either end and for the `xn--` prefix,
//! which sends the input to the general path to be decoded) and copied once. ASCII input that only
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

/// Which reading of the domain rules to apply (see the crate docs, "The domain").
///
/// ```
/// use xmpp_jid::{Jid, Rules};
///
/// assert!(Jid::parse("example.com:5222").is_err());
/// assert!(Jid::parse_with("example.com:5222", Rules::Rfc3920Literal).is_ok());
/// assert_eq!(Jid::parse("Example.COM.")?.as_str(), "example.com");
/// assert_eq!(Jid::parse_with("example.com.", Rules::Rfc3920Literal)?.as_str(), "example.com.");
/// # Ok::<(), xmpp_jid::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Rules {
    /// The default: what deployed servers do and RFC 6122 §2.2 later required. The STD3
    /// ASCII rules apply to every domain label (RFC 3490 §4.1 step 3: ASCII letters, digits
    /// and `-`, no `-` first or last), text holding `:` must be an IPv6 address, and a
    /// final dot (the root label) is removed.
    #[default]
    Rfc6122,
    /// RFC 3920 read literally: UseSTD3ASCIIRules unset, so ASCII space, punctuation and
    /// controls are valid in a label (only `@` and `/` are refused), and a final dot stays
    /// in the canonical form.
    Rfc3920Literal,
}

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
    |input| domain::prepare_domain(input, Rules::Rfc6122),
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
    /// Prepares `input` as a domain under `rules` ([`DomainPart::new`] uses
    /// [`Rules::Rfc6122`]).
    pub fn parse_with(input: &str, rules: Rules) -> Result<Self, Error> {
        let prepared = domain::prepare_domain(input, rules)?;
        Ok(Self(check_len(Part::Domain, prepared)?.into_owned()))
    }

    /// The ASCII form of the domain (RFC 3490 ToASCII of each label: Punycode with the
    /// `xn--` prefix for each non-ASCII label), for DNS. [`DomainPart::as_str`] and the
    /// JIDs show the Unicode form; both spellings of a domain give the same `DomainPart`.
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
/// canonical in a node, a domain and a resource: lower-case letters and digits. `HYPHEN`
/// is canonical too, but where it starts or ends a label, or makes the `xn--` prefix, the
/// label needs the general path.
/// `NON_HOST` bytes are the rest of printable ASCII that is canonical in a node and a
/// resource, and in a domain only under [`Rules::Rfc3920Literal`] (the STD3 rules refuse
/// them): everything but upper case, the characters Nodeprep prohibits (RFC 3920 A.5: `"`
/// `&` `'` `/` `:` `<` `>` `@`) and `[` (which starts an IPv6 literal). `.`, `@` and `/`
/// are the separators the pass acts on. Every other byte (`OTHER`: upper case, controls,
/// space, non-ASCII...) needs preparation or an error message, so the general path takes
/// the input.
const ORDINARY: u8 = 0;
const DOT: u8 = 1;
const AT: u8 = 2;
const SLASH: u8 = 3;
const OTHER: u8 = 4;
const NON_HOST: u8 = 5;
const HYPHEN: u8 = 6;

const fn fast_classes() -> [u8; 256] {
    let mut t = [OTHER; 256];
    let mut b = 0x21u8;
    while b < 0x7F {
        t[b as usize] = match b {
            b'.' => DOT,
            b'@' => AT,
            b'/' => SLASH,
            b'A'..=b'Z' | b'"' | b'&' | b'\'' | b':' | b'<' | b'>' | b'[' => OTHER,
            b'a'..=b'z' | b'0'..=b'9' => ORDINARY,
            b'-' => HYPHEN,
            _ => NON_HOST,
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
/// ToASCII leaves an ASCII label unchanged, RFC 3490 §2). A `-` that makes the ACE prefix
/// `xn--` (the label is decoded, RFC 3490 §3.1) or, under the STD3 rules, starts or ends a
/// label, and under the STD3 rules a `NON_HOST` byte in the domain, send the input to the
/// general path. Dots before the `@` are checked
/// the same way, which only sends odd nodes to the general path. The resource after the
/// `/` must be printable ASCII (Resourceprep prohibits only the controls among ASCII and
/// maps none, RFC 3920 B.5): one branch-free fold.
#[inline(always)]
fn parse_fast(input: &str, rules: Rules) -> Result<(Pos, Pos), bool> {
    let std3 = rules == Rules::Rfc6122;
    let bytes = input.as_bytes();
    let mut rest = bytes;
    // Position of the '@' (0: none yet; a node is never empty, so 0 is never an '@'
    // that the fast path accepts).
    let mut at = 0usize;
    let mut label_start = 0usize;
    // One past the last NON_HOST byte (0: none).
    let mut non_host_end = 0usize;
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
        // The separators first, in the order they are most often met; the classes that
        // only the STD3 and ACE rules look at after them.
        let class = FAST[usize::from(b)];
        if class == DOT {
            // 1 ..= 63 octets; an empty label wraps around to a huge length.
            if (i - label_start).wrapping_sub(1) >= 63 {
                return Err(false);
            }
            label_start = i + 1;
        } else if class == AT && at == 0 && i != 0 {
            // The first '@' after a non-empty node; a second '@' is prohibited in the
            // domain, which the general path reports.
            at = i;
            label_start = i + 1;
        } else if class == SLASH {
            break i;
        } else if class == HYPHEN {
            let next = tail.first().copied();
            let edge = i == label_start || matches!(next, None | Some(b'.' | b'@' | b'/'));
            let ace = i == label_start + 2
                && next == Some(b'-')
                && bytes.get(label_start..i) == Some(b"xn");
            if (std3 && edge) || ace {
                return Err(false);
            }
        } else if class == NON_HOST {
            non_host_end = i + 1;
        } else {
            // Upper case before the first '/' may need nothing but folding.
            return Err(b.is_ascii_uppercase());
        }
        rest = tail;
    };
    // The last domain label, and the part lengths (RFC 3920 §3.1).
    let domain_start = if at == 0 { 0 } else { at + 1 };
    if (head_end - label_start).wrapping_sub(1) >= 63
        || (std3 && non_host_end > domain_start)
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
#[inline(always)]
fn parse_fast_folded(input: &str, rules: Rules) -> Option<Parsed> {
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
    let (at, slash) = parse_fast(folded, rules).ok()?;
    Some(Parsed {
        s: Repr::new(folded),
        at,
        slash,
    })
}

/// Splits per RFC 3920 §3.1 and prepares each part.
fn parse(input: &str, rules: Rules) -> Result<Parsed, Error> {
    match parse_fast(input, rules) {
        Ok((at, slash)) => Ok(Parsed {
            s: Repr::new(input),
            at,
            slash,
        }),
        Err(upper) => parse_slow(input, upper, rules),
    }
}

/// Input that is not canonical: case folding alone, or the general path. Kept out of
/// line so that the canonical fast path stays small.
#[inline(never)]
fn parse_slow(input: &str, upper: bool, rules: Rules) -> Result<Parsed, Error> {
    // One copy of the folding pass per reading of the rules, each with its checks fixed.
    let folded = match (upper, rules) {
        (false, _) => None,
        (true, Rules::Rfc6122) => parse_fast_folded(input, Rules::Rfc6122),
        (true, Rules::Rfc3920Literal) => parse_fast_folded(input, Rules::Rfc3920Literal),
    };
    match folded {
        Some(parsed) => Ok(parsed),
        None => parse_general(input, rules),
    }
}

/// The general path: every part through its profile.
fn parse_general(input: &str, rules: Rules) -> Result<Parsed, Error> {
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
    let domain = domain::prepare_domain(domain, rules)?;
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
    /// Parses and prepares a JID under the default [`Rules::Rfc6122`].
    pub fn parse(input: &str) -> Result<Self, Error> {
        Self::parse_inline(input, Rules::Rfc6122)
    }

    /// Parses and prepares a JID under `rules`.
    pub fn parse_with(input: &str, rules: Rules) -> Result<Self, Error> {
        Self::parse_inline(input, rules)
    }

    /// The body of [`Jid::parse`] and [`Jid::parse_with`], inlined into each so that the
    /// fast path is specialised for the default rules.
    #[inline(always)]
    fn parse_inline(input: &str, rules: Rules) -> Result<Self, Error> {
        // The canonical fast path builds the JID in place (see [`parse_fast`]).
        let upper = match parse_fast(input, rules) {
            Ok((at, slash)) => {
                return Ok(Jid {
                    inner: Repr::new(input),
                    at,
                    slash,
                });
            }
            Err(upper) => upper,
        };
        let Parsed { s, at, slash } = parse_slow(input, upper, rules)?;
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
    /// Parses and prepares a bare JID under the default [`Rules::Rfc6122`]; a resource is
    /// an error.
    pub fn parse(input: &str) -> Result<Self, Error> {
        Self::parse_with(input, Rules::Rfc6122)
    }

    /// Parses and prepares a bare JID under `rules`; a resource is an error.
    pub fn parse_with(input: &str, rules: Rules) -> Result<Self, Error> {
        let Parsed { s, at, slash } = parse(input, rules)?;
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
    /// Parses and prepares a full JID under the default [`Rules::Rfc6122`]; a missing
    /// resource is [`Error::Empty`] of [`Part::Resource`].
    pub fn parse(input: &str) -> Result<Self, Error> {
        Self::parse_with(input, Rules::Rfc6122)
    }

    /// Parses and prepares a full JID under `rules`; a missing resource is
    /// [`Error::Empty`] of [`Part::Resource`].
    pub fn parse_with(input: &str, rules: Rules) -> Result<Self, Error> {
        let Parsed { s, at, slash } = parse(input, rules)?;
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

macro_rules! str_eq_impls {
    ($name:ident) => {
        /// `jid == "text"` compares prepared forms: true when the text parses, under either
        /// [`Rules`], to this JID (`"Juliet@Example.com"` equals the JID parsed from it).
        /// Text that is not a valid JID equals no JID.
        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
                    || [Rules::Rfc6122, Rules::Rfc3920Literal]
                        .into_iter()
                        .any(|rules| $name::parse_with(other, rules).is_ok_and(|o| o == *self))
            }
        }
        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                *self == **other
            }
        }
        impl PartialEq<$name> for str {
            fn eq(&self, other: &$name) -> bool {
                *other == *self
            }
        }
        impl PartialEq<$name> for &str {
            fn eq(&self, other: &$name) -> bool {
                *other == **self
            }
        }
    };
}

str_eq_impls!(Jid);
str_eq_impls!(BareJid);
str_eq_impls!(FullJid);

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
        for rules in [super::Rules::Rfc6122, super::Rules::Rfc3920Literal] {
            check_rules(s, rules);
        }
        for prep in [nodeprep, resourceprep, nameprep] {
            if let Ok(prepared) = prep(s) {
                let again = prep(&prepared);
                assert_eq!(again.as_deref(), Ok(&*prepared), "idempotence on {s:?}");
            }
        }
    }

    fn check_rules(s: &str, rules: super::Rules) {
        if let Ok((at, slash)) = super::parse_fast(s, rules) {
            let general = super::parse_general(s, rules);
            assert!(
                general
                    .as_ref()
                    .is_ok_and(|g| g.s.as_str() == s && g.at == at && g.slash == slash),
                "fast path disagrees on {s:?}"
            );
        }
        // The case-folding fast path gives what the general path gives.
        if let Some(folded) = super::parse_fast_folded(s, rules) {
            let general = super::parse_general(s, rules);
            assert!(
                general
                    .as_ref()
                    .is_ok_and(|g| g.s.as_str() == folded.s.as_str()
                        && g.at == folded.at
                        && g.slash == folded.slash),
                "folding fast path disagrees on {s:?}"
            );
        }
        if let Ok(jid) = Jid::parse_with(s, rules) {
            let again = Jid::parse_with(jid.as_str(), rules);
            assert_eq!(again.as_ref(), Ok(&jid), "round trip of {s:?}");
            assert!(jid == *s, "{s:?} equals the JID parsed from it");
            assert_eq!(
                BareJid::parse_with(jid.to_bare().as_str(), rules),
                Ok(jid.to_bare())
            );
            if let Ok(full) = jid.clone().try_into_full() {
                assert_eq!(
                    FullJid::parse_with(full.as_str(), rules).as_ref(),
                    Ok(&full)
                );
            }
            // The ASCII spelling of the domain names the same JID.
            let ascii = jid.domain_part().to_ascii();
            let respelled = match (jid.node(), jid.resource()) {
                (Some(n), Some(r)) => format!("{n}@{ascii}/{r}"),
                (Some(n), None) => format!("{n}@{ascii}"),
                (None, Some(r)) => format!("{ascii}/{r}"),
                (None, None) => ascii,
            };
            assert_eq!(
                Jid::parse_with(&respelled, rules).as_ref(),
                Ok(&jid),
                "ASCII spelling of {s:?}"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check_fast_agrees(s: &str) -> Result<(), TestCaseError> {
        for rules in [Rules::Rfc6122, Rules::Rfc3920Literal] {
            check_fast_agrees_under(s, rules)?;
        }
        Ok(())
    }

    fn check_fast_agrees_under(s: &str, rules: Rules) -> Result<(), TestCaseError> {
        if let Ok((at, slash)) = parse_fast(s, rules) {
            let general = parse_general(s, rules);
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
        if let Some(folded) = parse_fast_folded(s, rules) {
            let general = parse_general(s, rules);
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

    fn parse_fast_d(s: &str) -> Result<(Pos, Pos), bool> {
        parse_fast(s, Rules::Rfc6122)
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
            "a@xn--bcher-kva.example",
            "a@XN--bcher-kva.example",
            "xn--bcher-kva",
            "xn--a@b",
            "a@-b.c",
            "a@b-.c",
            "a@b.c-",
            "a@b_c.d",
            "a_b@c.d/e_f",
            "a@b*c/d",
            "*.example.com",
            "b%c",
            "a@b.c./r",
            "A@B.C.",
        ] {
            assert!(check_fast_agrees(s).is_ok(), "{s}");
        }
        // Canonical ASCII JIDs take the fast path.
        for s in [
            "juliet@example.com/balcony",
            "romeo@example.net",
            "example.org",
            "conference.example.org/bot",
            "room@conference.example.org/nick",
            "user123@chat.shakespeare.lit/laptop-4f2a",
            "pubsub.shakespeare.lit",
            "benvolio@montague.example/phone",
            "a_b%c@x-y.example/r!*",
        ] {
            assert!(parse_fast_d(s).is_ok(), "{s}");
        }
        assert!(parse_fast_d("1.2.3.4").is_err());
        assert!(parse_fast_d(&format!("a@{}", "b".repeat(64))).is_err());
        assert!(parse_fast_d(&format!("a@{}", "b".repeat(63))).is_ok());
        assert!(parse_fast_d(&format!("a@{}.c", "b".repeat(64))).is_err());
        assert!(parse_fast_d(&format!("{}.c/r", "b".repeat(63))).is_ok());
        assert!(parse_fast_d("a@b.c/r").is_ok());
        for (input, folded) in [
            ("Juliet@Example.COM/Balcony", "juliet@example.com/Balcony"),
            ("EXAMPLE.ORG", "example.org"),
            ("Host/A/B@C", "host/A/B@C"),
        ] {
            assert_eq!(
                parse_fast_folded(input, Rules::Rfc6122).map(|p| p.s.as_str().to_owned()),
                Some(folded.to_owned())
            );
        }
        // Already canonical, too long to fold inline, or not only a matter of case.
        assert!(
            parse_fast_folded("juliet@example.com/r", Rules::Rfc6122)
                .is_some_and(|p| p.s.as_str() == "juliet@example.com/r")
        );
        assert!(parse_fast_folded(&format!("A@{}", "b".repeat(60)), Rules::Rfc6122).is_none());
        assert!(parse_fast_folded("A B@example.com", Rules::Rfc6122).is_none());
        assert!(parse_fast_folded("A@[::1]", Rules::Rfc6122).is_none());
    }
}
