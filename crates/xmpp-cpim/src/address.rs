//! Address mapping between JIDs and `im:` / `pres:` URIs (RFC 3922 §3, RFC 3860 §3 for
//! `im:`, RFC 3859 for `pres:`).
//!
//! XMPP to URI (§3.2): the resource is discarded; in the node the escapes `#26;`, `#27;`
//! and `#2f;` become `&`, `'` and `/`; every octet of the node outside
//! `A-Z a-z 0-9 ! $ * . ? _ ~ + =` is percent-encoded (upper-case hex); the domain is
//! written in its ASCII form (RFC 3490 ToASCII, the form a URI host can hold); the scheme
//! is `im:` for messages and `pres:` for presence. Step 2 (nodeprep) is optional in the
//! RFC and needless here: a [`Jid`] is already prepared.
//!
//! URI to XMPP (§3.3): the scheme is removed, the rest split at the first `@`, the local
//! part percent-decoded and read as UTF-8, `&`, `'` and `/` turned into `#26;`, `#27;`
//! and `#2f;`, and the result prepared as a JID (step 6, nodeprep, is applied: a JID can
//! only be built prepared). The domain is percent-decoded too and prepared, so an `xn--`
//! label comes back in its Unicode form.
//!
//! The mapping is exact in both directions for every node (nodeprep folds case, so a
//! prepared node holds the escapes only as §3.2 writes them, in lower case). What cannot
//! be carried: a JID without a node (an `im:` or `pres:` URI names a mailbox,
//! `local@domain`, RFC 3860 §3), and URI header fields (`?...`), which a JID cannot hold.

use std::fmt;

use xmpp_jid::{BareJid, Jid};

use crate::error::AddressError;

/// The two URI schemes of RFC 3922 §3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// `im:` (RFC 3860): instant inboxes, used for messages and CPIM `From`/`To`.
    Im,
    /// `pres:` (RFC 3859): presentities, used for the PIDF `entity` and CPP operations.
    Pres,
}

impl Scheme {
    /// The scheme name without the colon.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Im => "im",
            Scheme::Pres => "pres",
        }
    }
}

/// An `im:` or `pres:` URI naming `local@domain`, as text (RFC 3922 §3).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Uri {
    scheme: Scheme,
    text: String,
}

impl Uri {
    /// The URI of `jid` under `scheme` (RFC 3922 §3.2); the resource is discarded.
    ///
    /// ```
    /// use xmpp_cpim::address::{Scheme, Uri};
    /// let jid = xmpp_jid::Jid::parse("d#27;artagnan@example.com/home")?;
    /// assert_eq!(Uri::from_jid(&jid, Scheme::Im)?.as_str(), "im:d%27artagnan@example.com");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_jid(jid: &Jid, scheme: Scheme) -> Result<Self, AddressError> {
        let node = jid.node().ok_or(AddressError::NoNode)?;
        let mut text = String::with_capacity(node.len() + jid.domain().len() + 8);
        text.push_str(scheme.as_str());
        text.push(':');
        encode_local(&unescape_node(node), &mut text);
        text.push('@');
        let ascii = jid.domain_part().to_ascii();
        encode_domain(&ascii, &mut text);
        Ok(Uri { scheme, text })
    }

    /// Reads `text` as a URI of `scheme` (the scheme name is matched without regard to
    /// case, RFC 3986 §3.1) with a local part, an `@` and a domain.
    pub fn parse(text: &str, scheme: Scheme) -> Result<Self, AddressError> {
        let (name, rest) = text.split_once(':').ok_or(AddressError::NoScheme)?;
        if !name.eq_ignore_ascii_case(scheme.as_str()) {
            return Err(AddressError::WrongScheme {
                expected: scheme,
                found: crate::error::clip(name),
            });
        }
        let (local, domain) = rest.split_once('@').ok_or(AddressError::NoAt)?;
        if local.is_empty() {
            return Err(AddressError::NoNode);
        }
        if domain.contains('?') {
            return Err(AddressError::UriHeaders);
        }
        if domain.is_empty() {
            return Err(AddressError::NoDomain);
        }
        for (i, b) in rest.bytes().enumerate() {
            if !(b.is_ascii_graphic()) || b == b'<' || b == b'>' || b == b'"' {
                return Err(AddressError::InvalidCharacter {
                    offset: name.len() + 1 + i,
                });
            }
        }
        Ok(Uri {
            scheme,
            text: format!("{}:{rest}", scheme.as_str()),
        })
    }

    /// The scheme.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The URI text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The bare JID this URI maps to (RFC 3922 §3.3).
    pub fn to_jid(&self) -> Result<BareJid, AddressError> {
        let rest = self
            .text
            .get(self.scheme.as_str().len() + 1..)
            .unwrap_or_default();
        let (local, domain) = rest.split_once('@').ok_or(AddressError::NoAt)?;
        let local = percent_decode(local)?;
        let domain = percent_decode(domain)?;
        let mut node = String::with_capacity(local.len());
        for c in local.chars() {
            match c {
                '&' => node.push_str("#26;"),
                '\'' => node.push_str("#27;"),
                '/' => node.push_str("#2f;"),
                c => node.push(c),
            }
        }
        let jid = format!("{node}@{domain}");
        BareJid::parse(&jid).map_err(|e| AddressError::InvalidJid {
            jid: crate::error::clip(&jid),
            reason: e.to_string(),
        })
    }
}

impl fmt::Display for Uri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Step 3 of §3.2: `#26;`, `#27;`, `#2f;` to `&`, `'`, `/`.
fn unescape_node(node: &str) -> String {
    node.replace("#26;", "&")
        .replace("#27;", "'")
        .replace("#2f;", "/")
}

/// The octets §3.2 step 4 leaves as they are.
fn is_unreserved_local(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!$*.?_~+=".contains(&b)
}

fn push_pct(b: u8, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.push('%');
    out.push(char::from(HEX[usize::from(b >> 4)]));
    out.push(char::from(HEX[usize::from(b & 15)]));
}

/// Step 4 of §3.2.
fn encode_local(local: &str, out: &mut String) {
    for &b in local.as_bytes() {
        if is_unreserved_local(b) {
            out.push(char::from(b));
        } else {
            push_pct(b, out);
        }
    }
}

/// The domain: its ASCII form is written as it is, except octets the opaque part of an
/// RFC 2396 URI cannot hold, which are percent-encoded: the brackets of an IP literal
/// (`[::1]` is `%5B::1%5D`; RFC 2396 §2.4.3 excludes them, and XML Schema's `xs:anyURI`
/// as xmllint checks it refuses them) and what a domain read under RFC 3920's literal
/// rules may hold.
fn encode_domain(domain: &str, out: &mut String) {
    for &b in domain.as_bytes() {
        if b.is_ascii_alphanumeric() || b"-.:_".contains(&b) {
            out.push(char::from(b));
        } else {
            push_pct(b, out);
        }
    }
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Steps 3 and 4 of §3.3: `%hh` to octets, read as UTF-8.
fn percent_decode(s: &str) -> Result<String, AddressError> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hi = bytes.get(i + 1).copied().and_then(hex);
            let lo = bytes.get(i + 2).copied().and_then(hex);
            match (hi, lo) {
                (Some(hi), Some(lo)) => out.push(hi << 4 | lo),
                _ => return Err(AddressError::BadPercentEscape { offset: i }),
            }
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|e| AddressError::NotUtf8 {
        offset: e.utf8_error().valid_up_to(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn im(jid: &str) -> String {
        Uri::from_jid(&Jid::parse(jid).expect("valid JID"), Scheme::Im)
            .expect("maps")
            .to_string()
    }

    fn back(uri: &str, scheme: Scheme) -> String {
        Uri::parse(uri, scheme)
            .expect("URI")
            .to_jid()
            .expect("JID")
            .to_string()
    }

    // RFC 3922 §3.2 steps 1, 3, 4, 5, 6.
    #[test]
    fn xmpp_to_uri_rules() {
        assert_eq!(im("juliet@example.com/balcony"), "im:juliet@example.com");
        assert_eq!(
            im("a#26;b#27;c#2f;d@example.com"),
            "im:a%26b%27c%2Fd@example.com"
        );
        assert_eq!(im("x-y%z@example.com"), "im:x%2Dy%25z@example.com");
        assert_eq!(im("r\u{e9}mi@example.com"), "im:r%C3%A9mi@example.com");
        assert_eq!(im("!$*.?_~+=@example.com"), "im:!$*.?_~+=@example.com");
        assert_eq!(im("a@[::1]"), "im:a@%5B::1%5D");
        // Nodeprep folds case, so "#2F;" in a JID is the escape "#2f;".
        assert_eq!(im("a#2F;@example.com"), "im:a%2F@example.com");
        assert_eq!(im("a#2g;@example.com"), "im:a%232g%3B@example.com");
        assert_eq!(
            im("b\u{fc}cher@b\u{fc}cher.example"),
            "im:b%C3%BCcher@xn--bcher-kva.example"
        );
        let pres = Uri::from_jid(
            &Jid::parse("juliet@example.com").expect("JID"),
            Scheme::Pres,
        )
        .expect("maps");
        assert_eq!(pres.as_str(), "pres:juliet@example.com");
    }

    // RFC 3922 §3.3 steps 1 to 7.
    #[test]
    fn uri_to_xmpp_rules() {
        assert_eq!(
            back("im:romeo@example.net", Scheme::Im),
            "romeo@example.net"
        );
        assert_eq!(
            back("IM:Romeo@Example.NET", Scheme::Im),
            "romeo@example.net"
        );
        assert_eq!(
            back("im:a&b'c/d@example.com", Scheme::Im),
            "a#26;b#27;c#2f;d@example.com"
        );
        assert_eq!(
            back("pres:a%26b@example.com", Scheme::Pres),
            "a#26;b@example.com"
        );
        assert_eq!(
            back("im:r%c3%a9mi@xn--bcher-kva.example", Scheme::Im),
            "r\u{e9}mi@b\u{fc}cher.example"
        );
        // Split at the first '@': the rest is the host, which then fails as a domain.
        assert!(
            Uri::parse("im:a@b@c", Scheme::Im)
                .expect("URI")
                .to_jid()
                .is_err()
        );
    }

    #[test]
    fn refusals() {
        assert_eq!(
            Uri::parse("im:example.com", Scheme::Im),
            Err(AddressError::NoAt)
        );
        assert_eq!(
            Uri::parse("example.com", Scheme::Im),
            Err(AddressError::NoScheme)
        );
        assert!(matches!(
            Uri::parse("pres:a@b", Scheme::Im),
            Err(AddressError::WrongScheme { .. })
        ));
        assert_eq!(
            Uri::parse("im:a@b?subject=x", Scheme::Im),
            Err(AddressError::UriHeaders)
        );
        assert_eq!(
            Uri::parse("im:a b@c", Scheme::Im),
            Err(AddressError::InvalidCharacter { offset: 4 })
        );
        let u = Uri::parse("im:a%zz@b", Scheme::Im).expect("URI");
        assert_eq!(
            u.to_jid(),
            Err(AddressError::BadPercentEscape { offset: 1 })
        );
        let u = Uri::parse("im:%ff@b", Scheme::Im).expect("URI");
        assert!(matches!(u.to_jid(), Err(AddressError::NotUtf8 { .. })));
        let u = Uri::parse("im:a%20b@c", Scheme::Im).expect("URI");
        assert!(matches!(u.to_jid(), Err(AddressError::InvalidJid { .. })));
        let domain_only = Jid::parse("example.com").expect("JID");
        assert_eq!(
            Uri::from_jid(&domain_only, Scheme::Im),
            Err(AddressError::NoNode)
        );
    }

    mod round_trip {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            /// Every node maps to a URI and back to itself (RFC 3922 §3.2, §3.3).
            #[test]
            fn node_round_trips(node in "[a-z0-9#;%!$*.?_~+=\\-\u{e9}\u{4e2d}]{1,12}") {
                let Ok(jid) = Jid::parse(&format!("{node}@example.com/r")) else {
                    return Ok(());
                };
                let uri = Uri::from_jid(&jid, Scheme::Im).expect("maps");
                let reparsed = Uri::parse(uri.as_str(), Scheme::Im).expect("URI");
                prop_assert_eq!(reparsed.to_jid().expect("JID"), jid.to_bare());
            }
        }
    }
}
