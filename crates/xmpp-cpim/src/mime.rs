//! The MIME parts of a Message/CPIM object (RFC 3862 §2.1, §2.4): header fields as RFC
//! 2045 and RFC 2822 write them (names without regard to case, folded lines), and the
//! `Content-Type` value.

use crate::error::ParseErrorKind;

/// One MIME header field; the value is unfolded (line breaks of folding removed) and
/// trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MimeHeader {
    name: String,
    value: String,
}

/// RFC 2822 §2.2 field name characters: printable US-ASCII except `:`.
fn is_field_name_char(b: u8) -> bool {
    (33..=126).contains(&b) && b != b':'
}

impl MimeHeader {
    /// A header field; the name must be printable US-ASCII without `:`, the value one
    /// line of text without control characters other than tab.
    pub fn new(name: &str, value: &str) -> Result<Self, ParseErrorKind> {
        if name.is_empty() || !name.bytes().all(is_field_name_char) {
            return Err(ParseErrorKind::BadMimeHeader);
        }
        if value.chars().any(|c| c != '\t' && crate::header::is_ctl(c)) {
            return Err(ParseErrorKind::ControlCharacter);
        }
        Ok(MimeHeader {
            name: name.to_owned(),
            value: value.trim_matches([' ', '\t']).to_owned(),
        })
    }

    /// A header from constant, valid text.
    pub(crate) fn trusted(name: &str, value: &str) -> Self {
        MimeHeader {
            name: name.to_owned(),
            value: value.to_owned(),
        }
    }

    /// The field name as written.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The value, unfolded and trimmed.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// Whether the name is `name`, without regard to case (RFC 2045 §5.1).
    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }

    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(self.value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
}

/// The first header named `name` (without regard to case).
pub fn find<'h>(headers: &'h [MimeHeader], name: &str) -> Option<&'h MimeHeader> {
    headers.iter().find(|h| h.is(name))
}

/// A `Content-Type` value (RFC 2045 §5.1): type and subtype in lower case, parameters
/// with lower-case names and their values unquoted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentType {
    /// `type/subtype`, lower case.
    pub mime_type: String,
    /// The parameters, names in lower case.
    pub params: Vec<(String, String)>,
}

/// RFC 2045 `token` characters.
fn is_mime_token(c: char) -> bool {
    c.is_ascii_graphic() && !"()<>@,;:\\\"/[]?=".contains(c)
}

impl ContentType {
    /// Parses a `Content-Type` value. Comments (RFC 822 parentheses) are not read.
    pub fn parse(value: &str) -> Option<Self> {
        let mut parts = split_params(value)?.into_iter();
        let main = parts.next()?;
        let (t, s) = main.split_once('/')?;
        let (t, s) = (t.trim(), s.trim());
        if t.is_empty() || s.is_empty() || !t.chars().chain(s.chars()).all(is_mime_token) {
            return None;
        }
        let mut params = Vec::new();
        for p in parts {
            let (n, v) = p.split_once('=')?;
            let (n, v) = (n.trim(), v.trim());
            if n.is_empty() || !n.chars().all(is_mime_token) {
                return None;
            }
            let v = if let Some(inner) = v.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
                let mut out = String::new();
                let mut chars = inner.chars();
                while let Some(c) = chars.next() {
                    out.push(if c == '\\' { chars.next()? } else { c });
                }
                out
            } else if !v.is_empty() && v.chars().all(is_mime_token) {
                v.to_owned()
            } else {
                return None;
            };
            params.push((n.to_ascii_lowercase(), v));
        }
        Some(ContentType {
            mime_type: format!("{}/{}", t.to_ascii_lowercase(), s.to_ascii_lowercase()),
            params,
        })
    }

    /// The value of parameter `name` (lower case).
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Splits at `;` outside quoted strings.
fn split_params(value: &str) -> Option<Vec<&str>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    let mut escaped = false;
    for (i, c) in value.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            '(' if !quoted => return None,
            ';' if !quoted => {
                out.push(value.get(start..i)?);
                start = i + 1;
            }
            _ => {}
        }
    }
    if quoted {
        return None;
    }
    let last = value.get(start..)?;
    if !last.trim().is_empty() || out.is_empty() {
        out.push(last);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types() {
        let c = ContentType::parse("Text/Plain; Charset=\"UTF-8\"").expect("valid");
        assert_eq!(c.mime_type, "text/plain");
        assert_eq!(c.param("charset"), Some("UTF-8"));
        let c = ContentType::parse("Message/CPIM").expect("valid");
        assert_eq!((c.mime_type.as_str(), c.params.len()), ("message/cpim", 0));
        let c = ContentType::parse("application/pidf+xml;charset=utf-8;").expect("valid");
        assert_eq!(c.param("charset"), Some("utf-8"));
        for bad in [
            "text",
            "text/",
            "/plain",
            "text/plain; x",
            "text/plain (c)",
            "a/b; c=\"x",
        ] {
            assert_eq!(ContentType::parse(bad), None, "{bad}");
        }
    }
}
