//! Inputs built to be expensive for a namespace-aware parser, at the limits
//! `xmpp_xml::Limits::default()` allows: streams of 255 KiB stanzas that keep the most
//! namespace bindings in scope, or the most attributes on every element.

use crate::corpus::{STREAM_FOOTER, STREAM_HEADER};

/// The expensive shapes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Worst {
    /// Each stanza opens nested elements declaring 254 prefixes (the header's two make the
    /// 256 bindings in scope the default limit allows, 32 per element), then holds small
    /// elements whose names and attributes use those prefixes, the default namespace and
    /// `xml:`.
    DeepNamespaces,
    /// Each stanza declares 32 prefixes, then holds elements of 64 attributes each (the
    /// default limit): 32 unprefixed and 32 in those namespaces, all with the same local
    /// name, so that both uniqueness checks (qualified names, expanded names) have the most
    /// to compare.
    ManyAttributes,
}

impl Worst {
    /// Both shapes.
    pub const ALL: [Worst; 2] = [Worst::DeepNamespaces, Worst::ManyAttributes];

    /// The name used by the bench and `xml_once`.
    pub fn name(self) -> &'static str {
        match self {
            Worst::DeepNamespaces => "deep-ns",
            Worst::ManyAttributes => "many-attrs",
        }
    }

    /// The shape called `name`.
    pub fn from_name(name: &str) -> Option<Worst> {
        Worst::ALL.into_iter().find(|w| w.name() == name)
    }
}

/// Bytes of one stanza: under the default 256 KiB limit.
pub const STANZA_BYTES: usize = 255 * 1024;

fn decls(from: usize, n: usize, out: &mut String) {
    for i in from..from + n {
        out.push_str(&format!(" xmlns:p{i}='urn:x:{i}'"));
    }
}

/// One stanza of the shape, `STANZA_BYTES` long at most.
pub fn stanza(kind: Worst) -> String {
    let mut s = String::from("<message to='a@b'");
    let mut close = Vec::new();
    let small = match kind {
        Worst::DeepNamespaces => {
            // 30 + 7 x 32 = 254 declarations, on 8 nested elements.
            decls(0, 30, &mut s);
            s.push('>');
            let mut next = 30;
            for d in 0..7 {
                s.push_str(&format!("<e{d}"));
                decls(next, 32, &mut s);
                s.push('>');
                close.push(format!("</e{d}>"));
                next += 32;
            }
            "<p3:a xml:lang='en' p200:b='1'/><c p1:k='v'/>".to_owned()
        }
        Worst::ManyAttributes => {
            decls(0, 32, &mut s);
            s.push('>');
            let mut e = String::from("<e");
            for i in 0..32 {
                e.push_str(&format!(" a{i}='1'"));
            }
            for i in 0..32 {
                e.push_str(&format!(" p{i}:a='1'"));
            }
            e.push_str("/>");
            e
        }
    };
    let tail: usize = close.iter().map(String::len).sum::<usize>() + "</message>".len();
    while s.len() + small.len() + tail <= STANZA_BYTES {
        s.push_str(&small);
    }
    for c in close.iter().rev() {
        s.push_str(c);
    }
    s.push_str("</message>");
    s
}

/// A closed client stream of about `bytes` bytes made of stanzas of the shape.
pub fn stream(kind: Worst, bytes: usize) -> Vec<u8> {
    let one = stanza(kind);
    let mut v = STREAM_HEADER.as_bytes().to_vec();
    while v.len() + one.len() + STREAM_FOOTER.len() <= bytes.max(one.len() + v.len()) {
        v.extend_from_slice(one.as_bytes());
    }
    v.extend_from_slice(STREAM_FOOTER.as_bytes());
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every shape is a valid stream under the default limits, its stanzas close to the
    /// size limit.
    #[test]
    fn shapes_parse_under_default_limits() {
        for kind in Worst::ALL {
            let one = stanza(kind);
            assert!(one.len() > STANZA_BYTES - 1024 && one.len() <= STANZA_BYTES);
            let doc = stream(kind, 1 << 20);
            let n = crate::xml_drivers::xmpp_xml_stream(&doc, 4096, true);
            assert_eq!(n, Ok(4), "{}", kind.name());
        }
    }
}
