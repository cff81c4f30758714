//! The resource of a JID as the `id` of a PIDF `<tuple>` and back (RFC 3922 §5.1.1,
//! §5.2.1).
//!
//! The `id` is an `xs:ID` (RFC 3863 §4.4), an XML NCName; a resource is any
//! Resourceprep string (digits first, spaces, `@`, `/`, any script). So a resource that is
//! an ASCII NCName (`[A-Za-z_][A-Za-z0-9._-]*`) and does not begin with `_xmpp.` is the
//! id as it is (`balcony`, as in the RFC's examples); any other resource becomes `_xmpp.`
//! followed by the resource with each octet other than ASCII letters, digits and `-`
//! written `_HH` (upper-case hex of the UTF-8 octet). A JID without resource, which a
//! document still needs a tuple for (RFC 3922 §6.3.2), is `_xmpp.` alone. Reading an id
//! undoes this; an id of the `_xmpp.` form that does not decode, or that the encoder
//! would not write for the resource it decodes to (a foreign one), is taken as it is.

/// The prefix of encoded ids.
pub const PREFIX: &str = "_xmpp.";

/// Whether `s` is an ASCII NCName.
pub fn is_ascii_ncname(s: &str) -> bool {
    let mut b = s.bytes();
    matches!(b.next(), Some(c) if c.is_ascii_alphabetic() || c == b'_')
        && b.all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-'))
}

/// The tuple id for `resource` (`None`: the JID has no resource).
///
/// ```
/// use xmpp_cpim::tuple_id::{from_resource, to_resource};
/// assert_eq!(from_resource(Some("balcony")), "balcony");
/// assert_eq!(from_resource(Some("2nd phone")), "_xmpp.2nd_20phone");
/// assert_eq!(to_resource("_xmpp.2nd_20phone").as_deref(), Some("2nd phone"));
/// assert_eq!(from_resource(None), "_xmpp.");
/// assert_eq!(to_resource("_xmpp."), None);
/// ```
pub fn from_resource(resource: Option<&str>) -> String {
    let Some(r) = resource else {
        return PREFIX.to_owned();
    };
    if is_ascii_ncname(r) && !r.starts_with(PREFIX) {
        return r.to_owned();
    }
    let mut id = String::with_capacity(PREFIX.len() + r.len() * 2);
    id.push_str(PREFIX);
    for &b in r.as_bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' {
            id.push(char::from(b));
        } else {
            id.push_str(&format!("_{b:02X}"));
        }
    }
    id
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// The resource a tuple id stands for; `None` for the id of a JID without resource.
pub fn to_resource(id: &str) -> Option<String> {
    let Some(encoded) = id.strip_prefix(PREFIX) else {
        return Some(id.to_owned());
    };
    if encoded.is_empty() {
        return None;
    }
    let decoded = (|| {
        let b = encoded.as_bytes();
        let mut out = Vec::with_capacity(b.len());
        let mut i = 0;
        while let Some(&c) = b.get(i) {
            if c == b'_' {
                let hi = hex(*b.get(i + 1)?)?;
                let lo = hex(*b.get(i + 2)?)?;
                let v = hi << 4 | lo;
                if v.is_ascii_alphanumeric() || v == b'-' {
                    return None; // not how the encoder writes it
                }
                out.push(v);
                i += 3;
            } else if c.is_ascii_alphanumeric() || c == b'-' {
                out.push(c);
                i += 1;
            } else {
                return None;
            }
        }
        String::from_utf8(out).ok()
    })()
    // Only the id the encoder writes for that resource stands for it.
    .filter(|r| from_resource(Some(r)) == id);
    Some(decoded.unwrap_or_else(|| id.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn examples() {
        assert_eq!(from_resource(Some("orchard")), "orchard");
        assert_eq!(from_resource(Some("a.b_c-d")), "a.b_c-d");
        assert_eq!(from_resource(Some("_xmpp.x")), "_xmpp._5Fxmpp_2Ex");
        assert_eq!(from_resource(Some("b\u{e9}")), "_xmpp.b_C3_A9");
        assert_eq!(from_resource(Some("a/b@c")), "_xmpp.a_2Fb_40c");
        // A foreign id of the encoded form that does not decode stays as it is.
        assert_eq!(to_resource("_xmpp.x_zz").as_deref(), Some("_xmpp.x_zz"));
        assert_eq!(to_resource("_xmpp._41").as_deref(), Some("_xmpp._41"));
        assert_eq!(to_resource("_xmpp._FF").as_deref(), Some("_xmpp._FF"));
        // An id the encoder would not write for the resource it decodes to: `a` is
        // written `a`, so `_xmpp.a` is foreign (else two tuples, `a` and `_xmpp.a`,
        // would name one resource).
        assert_eq!(to_resource("_xmpp.a").as_deref(), Some("_xmpp.a"));
        assert_eq!(to_resource("_xmpp.a_2Eb").as_deref(), Some("_xmpp.a_2Eb"));
    }

    proptest! {
        /// Every resource gives an ASCII NCName that reads back as the resource.
        #[test]
        fn round_trip(r in "\\PC{0,12}") {
            let id = from_resource(Some(&r));
            prop_assert!(is_ascii_ncname(&id), "{}", id);
            let back = to_resource(&id);
            if r.is_empty() {
                prop_assert_eq!(back, None);
            } else {
                prop_assert_eq!(back, Some(r));
            }
        }
    }
}
