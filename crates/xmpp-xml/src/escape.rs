//! Reference expansion and value normalization over bytes the parser has validated.

/// Expands the references in validated character data (`attr == false`) or an attribute
/// value (`attr == true`) and applies XML 1.0 §2.11 line-end and, for attribute values,
/// §3.3.3 white-space normalization, appending the result to `out`.
///
/// The input has passed the parser, so every `&` starts a well-formed predefined entity or
/// character reference; anything else is copied through unchanged rather than panicking.
pub(crate) fn unescape_into(raw: &[u8], attr: bool, out: &mut Vec<u8>) {
    let mut i = 0;
    while i < raw.len() {
        let stop = if attr {
            raw[i..].iter().position(|&c| ATTR_STOP[usize::from(c)])
        } else {
            memchr::memchr2(b'&', b'\r', &raw[i..])
        };
        let Some(k) = stop else {
            out.extend_from_slice(&raw[i..]);
            break;
        };
        out.extend_from_slice(&raw[i..i + k]);
        i += k;
        match raw[i] {
            b'\r' => {
                out.push(if attr { b' ' } else { b'\n' });
                i += 1;
                if raw.get(i) == Some(&b'\n') {
                    i += 1;
                }
            }
            b'&' => {
                let semi = raw[i..].iter().position(|&b| b == b';').map(|p| i + p);
                let Some(semi) = semi else {
                    out.extend_from_slice(&raw[i..]);
                    break;
                };
                let name = &raw[i + 1..semi];
                let ch = match name {
                    b"lt" => Some('<'),
                    b"gt" => Some('>'),
                    b"amp" => Some('&'),
                    b"apos" => Some('\''),
                    b"quot" => Some('"'),
                    [b'#', b'x', hex @ ..] => char_ref(hex, 16),
                    [b'#', dec @ ..] => char_ref(dec, 10),
                    _ => None,
                };
                match ch {
                    Some(c) => {
                        let mut tmp = [0u8; 4];
                        out.extend_from_slice(c.encode_utf8(&mut tmp).as_bytes());
                    }
                    None => out.extend_from_slice(&raw[i..=semi]),
                }
                i = semi + 1;
            }
            _ => {
                // Tab or line feed in an attribute value.
                out.push(b' ');
                i += 1;
            }
        }
    }
}

/// Bytes that end a plain run in an attribute value.
static ATTR_STOP: [bool; 256] = {
    let mut t = [false; 256];
    t[b'&' as usize] = true;
    t[b'\r' as usize] = true;
    t[b'\n' as usize] = true;
    t[b'\t' as usize] = true;
    t
};

/// [`unescape_into`] for text already known to be UTF-8: appends to a `String` without
/// validating the output again.
pub(crate) fn unescape_str(raw: &str, attr: bool, out: &mut String) {
    let b = raw.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let stop = if attr {
            b[i..].iter().position(|&c| ATTR_STOP[usize::from(c)])
        } else {
            memchr::memchr2(b'&', b'\r', &b[i..])
        };
        let Some(k) = stop else {
            out.push_str(&raw[i..]);
            break;
        };
        // The stop bytes are ASCII, so these are character boundaries.
        out.push_str(&raw[i..i + k]);
        i += k;
        match b[i] {
            b'\r' => {
                out.push(if attr { ' ' } else { '\n' });
                i += 1;
                if b.get(i) == Some(&b'\n') {
                    i += 1;
                }
            }
            b'&' => {
                let Some(semi) = b[i..].iter().position(|&c| c == b';').map(|p| i + p) else {
                    out.push_str(&raw[i..]);
                    break;
                };
                let name = &b[i + 1..semi];
                let ch = match name {
                    b"lt" => Some('<'),
                    b"gt" => Some('>'),
                    b"amp" => Some('&'),
                    b"apos" => Some('\''),
                    b"quot" => Some('"'),
                    [b'#', b'x', hex @ ..] => char_ref(hex, 16),
                    [b'#', dec @ ..] => char_ref(dec, 10),
                    _ => None,
                };
                match ch {
                    Some(c) => out.push(c),
                    None => out.push_str(&raw[i..=semi]),
                }
                i = semi + 1;
            }
            _ => {
                out.push(' ');
                i += 1;
            }
        }
    }
}

/// Decodes the digits of a character reference.
pub(crate) fn char_ref(digits: &[u8], radix: u32) -> Option<char> {
    if digits.is_empty() {
        return None;
    }
    let mut v: u32 = 0;
    for &d in digits {
        let x = (d as char).to_digit(radix)?;
        v = v.checked_mul(radix)?.checked_add(x)?;
        if v > 0x10ffff {
            return None;
        }
    }
    char::from_u32(v)
}

/// Whether escaping or normalization would change the raw value.
pub(crate) fn needs_unescape(raw: &[u8], attr: bool) -> bool {
    if attr {
        raw.iter().any(|&c| ATTR_STOP[usize::from(c)])
    } else {
        memchr::memchr2(b'&', b'\r', raw).is_some()
    }
}

/// The value as a string: borrowed when nothing needs expanding.
pub(crate) fn cow_value(raw: &[u8], attr: bool) -> std::borrow::Cow<'_, str> {
    use std::borrow::Cow;
    if !needs_unescape(raw, attr) {
        // The scanner validated the value as UTF-8.
        return Cow::Borrowed(invariant!(std::str::from_utf8(raw).ok(), ""));
    }
    let mut v = Vec::with_capacity(raw.len());
    unescape_into(raw, attr, &mut v);
    // Validated UTF-8 with references replaced by whole characters.
    Cow::Owned(invariant!(String::from_utf8(v).ok(), String::new()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn un(s: &str, attr: bool) -> String {
        cow_value(s.as_bytes(), attr).into_owned()
    }

    #[test]
    fn predefined_and_char_refs() {
        assert_eq!(un("a&lt;b&gt;&amp;&apos;&quot;", false), "a<b>&'\"");
        assert_eq!(un("&#65;&#x42;&#x1F600;", false), "AB\u{1F600}");
    }

    #[test]
    fn line_ends_and_attribute_white_space() {
        // XML 1.0 §2.11 and §3.3.3
        assert_eq!(un("a\r\nb\rc", false), "a\nb\nc");
        assert_eq!(un("a\r\nb\tc\nd", true), "a b c d");
        assert_eq!(un("a&#xD;&#xA;&#x9;", true), "a\r\n\t");
    }
}
