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
//! details). A JID is a stored string in the sense of RFC 3454 §7, so code points
//! unassigned in Unicode 3.2 are refused. The domain is an internationalized domain name
//! as RFC 3490 §2 defines it: every label must pass ToASCII with UseSTD3ASCIIRules unset
//! (so ASCII punctuation other than the JID separators `@` and `/` is allowed), the label
//! separators U+3002, U+FF0E and U+FF61 become `.`, and a non-ASCII label must fit in 63
//! octets once Punycode-encoded. A domain may also be an IPv4 dotted quad or an IPv6
//! literal (bracketed, or bare as in RFC 3920 §3.1; it is written bracketed).
//! A single-label domain such as `localhost` is accepted: RFC 3920 §3.2 makes a fully
//! qualified name a recommendation for deployments.
//!
//! # Cost
//!
//! Input that is already canonical ASCII is validated in one pass and costs exactly one
//! allocation, the `String` the JID owns.
#![forbid(unsafe_code)]

use std::borrow::Cow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

mod domain;
mod error;
mod prep;
pub mod punycode;
mod tables;

pub use error::{BidiRule, Error, IpVersion, LabelError, Part};

use prep::Profile;

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

/// The three parts of a parsed JID: canonical string and separator positions.
struct Parsed {
    s: String,
    at: Option<usize>,
    slash: Option<usize>,
}

/// Splits per RFC 3920 §3.1 and prepares each part.
fn parse(input: &str) -> Result<Parsed, Error> {
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
        String::from(input)
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
        s
    };
    let at = node_len;
    let slash = resource
        .as_ref()
        .map(|_| node_len.map_or(0, |n| n + 1) + domain.len());
    Ok(Parsed { s, at, slash })
}

fn build(node: Option<&NodePart>, domain: &DomainPart, resource: Option<&ResourcePart>) -> Parsed {
    let mut s = String::with_capacity(
        node.map_or(0, |n| n.0.len() + 1) + domain.0.len() + resource.map_or(0, |r| r.0.len() + 1),
    );
    let mut at = None;
    if let Some(n) = node {
        s.push_str(&n.0);
        at = Some(s.len());
        s.push('@');
    }
    s.push_str(&domain.0);
    let mut slash = None;
    if let Some(r) = resource {
        slash = Some(s.len());
        s.push('/');
        s.push_str(&r.0);
    }
    Parsed { s, at, slash }
}

fn slice(s: &str, from: usize, to: usize) -> &str {
    s.get(from..to).unwrap_or_default()
}

macro_rules! common_impls {
    ($name:ident) => {
        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.inner == other.inner
            }
        }
        impl Eq for $name {}
        impl Hash for $name {
            fn hash<H: Hasher>(&self, state: &mut H) {
                self.inner.hash(state);
            }
        }
        impl PartialOrd for $name {
            fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }
        impl Ord for $name {
            fn cmp(&self, other: &Self) -> std::cmp::Ordering {
                self.inner.cmp(&other.inner)
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.inner)
            }
        }
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.inner)
            }
        }
        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.inner
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
        impl $name {
            /// The canonical form, as [`Display`](fmt::Display) writes it.
            pub fn as_str(&self) -> &str {
                &self.inner
            }

            /// The node identifier, if there is one.
            pub fn node(&self) -> Option<&str> {
                self.at.map(|at| slice(&self.inner, 0, at))
            }

            /// The node as a typed part.
            pub fn node_part(&self) -> Option<NodePart> {
                self.node().map(|n| NodePart(n.to_owned()))
            }

            /// The domain identifier.
            pub fn domain(&self) -> &str {
                let start = self.at.map_or(0, |at| at + 1);
                let end = self.slash_pos().unwrap_or(self.inner.len());
                slice(&self.inner, start, end)
            }

            /// The domain as a typed part.
            pub fn domain_part(&self) -> DomainPart {
                DomainPart(self.domain().to_owned())
            }

            /// The bare JID (`node@domain` or `domain`), copied.
            pub fn to_bare(&self) -> BareJid {
                let end = self.slash_pos().unwrap_or(self.inner.len());
                BareJid {
                    inner: slice(&self.inner, 0, end).to_owned(),
                    at: self.at,
                }
            }

            /// The bare JID (`node@domain` or `domain`), reusing this JID's string.
            pub fn into_bare(self) -> BareJid {
                let end = self.slash_pos().unwrap_or(self.inner.len());
                let mut inner = self.inner;
                inner.truncate(end);
                BareJid { inner, at: self.at }
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
    inner: String,
    at: Option<usize>,
    slash: Option<usize>,
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
    inner: String,
    at: Option<usize>,
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
    inner: String,
    at: Option<usize>,
    slash: usize,
}

common_impls!(Jid);
common_impls!(BareJid);
common_impls!(FullJid);

impl Jid {
    /// Parses and prepares a JID.
    pub fn parse(input: &str) -> Result<Self, Error> {
        let Parsed { s, at, slash } = parse(input)?;
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
        self.slash
    }

    /// The resource identifier, if there is one.
    pub fn resource(&self) -> Option<&str> {
        self.slash
            .map(|slash| slice(&self.inner, slash + 1, self.inner.len()))
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
        let mut inner = String::with_capacity(self.inner.len() + 1 + resource.0.len());
        inner.push_str(&self.inner);
        let slash = inner.len();
        inner.push('/');
        inner.push_str(&resource.0);
        FullJid {
            inner,
            at: self.at,
            slash,
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
            slash: slash.unwrap_or_default(),
        }
    }

    fn slash_pos(&self) -> Option<usize> {
        Some(self.slash)
    }

    /// The resource identifier.
    pub fn resource(&self) -> &str {
        slice(&self.inner, self.slash + 1, self.inner.len())
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
        self.inner == other
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
