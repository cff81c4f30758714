//! The MIME subset S/MIME needs (RFC 2045, RFC 2046 §5.1, RFC 1847 §2.1): header fields
//! with folding, `Content-Type` with parameters, multipart bodies, and base64 or binary
//! transfer encodings. Line ends may be CRLF or bare LF (OpenSSL writes LF headers; an
//! XML parser turns CRLF into LF inside `<e2e/>`).

use base64::Engine as _;

/// At most this many header fields are read in one entity.
pub const MAX_HEADERS: usize = 64;

/// A MIME entity: its header fields and its body, borrowed from the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity<'a> {
    /// Header fields in order, names as written, values unfolded and trimmed.
    pub headers: Vec<(String, String)>,
    /// The body: everything after the empty line that ends the header.
    pub body: &'a [u8],
}

/// A parsed `Content-Type` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentType {
    /// `type/subtype`, lower-cased.
    pub mime: String,
    /// Parameters, names lower-cased, values unquoted.
    pub params: Vec<(String, String)>,
}

impl ContentType {
    /// Reads a `Content-Type` field value (RFC 2045 §5.1), quoted values included.
    pub fn parse(value: &str) -> ContentType {
        let mut parts = split_params(value).into_iter();
        let mime = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let params = parts
            .filter_map(|p| {
                let (n, v) = p.split_once('=')?;
                let v = v.trim();
                let v = v
                    .strip_prefix('"')
                    .and_then(|v| v.strip_suffix('"'))
                    .map(|v| v.replace("\\\"", "\"").replace("\\\\", "\\"))
                    .unwrap_or_else(|| v.to_owned());
                Some((n.trim().to_ascii_lowercase(), v))
            })
            .collect();
        ContentType { mime, params }
    }

    /// The value of parameter `name` (case-insensitive).
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

// Splits on ';' outside quoted strings.
fn split_params(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut escaped = false;
    for c in value.chars() {
        if escaped {
            cur.push(c);
            escaped = false;
            continue;
        }
        match c {
            '\\' if quoted => {
                cur.push(c);
                escaped = true;
            }
            '"' => {
                quoted = !quoted;
                cur.push(c);
            }
            ';' if !quoted => out.push(core::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}

/// What is wrong with a MIME entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MimeError {
    /// A header line is not `name: value`.
    BadHeader {
        /// Byte offset of the line.
        offset: usize,
    },
    /// More than [`MAX_HEADERS`] header fields.
    TooManyHeaders,
    /// The header is not UTF-8.
    NotUtf8,
    /// A multipart body lacks its boundary parameter, a delimiter or the close delimiter.
    Multipart(&'static str),
    /// The transfer encoding is not one this crate decodes.
    UnsupportedEncoding(String),
    /// A base64 body does not decode.
    Base64(String),
}

impl core::fmt::Display for MimeError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            MimeError::BadHeader { offset } => {
                write!(f, "header line at byte {offset} is not 'name: value'")
            }
            MimeError::TooManyHeaders => write!(f, "more than {MAX_HEADERS} header fields"),
            MimeError::NotUtf8 => f.write_str("header is not UTF-8"),
            MimeError::Multipart(m) => write!(f, "multipart body: {m}"),
            MimeError::UnsupportedEncoding(e) => write!(f, "unsupported transfer encoding '{e}'"),
            MimeError::Base64(e) => write!(f, "base64 body: {e}"),
        }
    }
}

impl std::error::Error for MimeError {}

/// The next line of `data` from `at`: (line without its line end, offset after it).
fn line_at(data: &[u8], at: usize) -> (&[u8], usize) {
    let rest = data.get(at..).unwrap_or_default();
    match rest.iter().position(|&b| b == b'\n') {
        Some(n) => {
            let line = &rest[..n];
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            (line, at + n + 1)
        }
        None => (rest, data.len()),
    }
}

impl<'a> Entity<'a> {
    /// Reads an entity: header fields up to the first empty line, then the body. Input
    /// without an empty line is all header and has an empty body.
    pub fn parse(data: &'a [u8]) -> Result<Entity<'a>, MimeError> {
        let mut headers: Vec<(String, String)> = Vec::new();
        let mut at = 0;
        while at < data.len() {
            let start = at;
            let (line, next) = line_at(data, at);
            at = next;
            if line.is_empty() {
                return Ok(Entity {
                    headers,
                    body: data.get(at..).unwrap_or_default(),
                });
            }
            let line = core::str::from_utf8(line).map_err(|_| MimeError::NotUtf8)?;
            if line.starts_with([' ', '\t']) {
                let last = headers
                    .last_mut()
                    .ok_or(MimeError::BadHeader { offset: start })?;
                last.1.push(' ');
                last.1.push_str(line.trim());
                continue;
            }
            let (name, value) = line
                .split_once(':')
                .ok_or(MimeError::BadHeader { offset: start })?;
            if name.is_empty() || !name.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(MimeError::BadHeader { offset: start });
            }
            if headers.len() == MAX_HEADERS {
                return Err(MimeError::TooManyHeaders);
            }
            headers.push((name.to_owned(), value.trim().to_owned()));
        }
        Ok(Entity { headers, body: &[] })
    }

    /// The value of the first header field `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The parsed `Content-Type`; `text/plain` when absent (RFC 2045 §5.2).
    pub fn content_type(&self) -> ContentType {
        ContentType::parse(self.header("Content-Type").unwrap_or("text/plain"))
    }

    /// The body with its transfer encoding removed: base64 (line ends and white space
    /// ignored), or `binary`, `8bit`, `7bit` and none as they are.
    pub fn decoded_body(&self) -> Result<Vec<u8>, MimeError> {
        let cte = self
            .header("Content-Transfer-Encoding")
            .unwrap_or("binary")
            .trim()
            .to_ascii_lowercase();
        match cte.as_str() {
            "base64" => decode_base64(self.body),
            "binary" | "8bit" | "7bit" => Ok(self.body.to_vec()),
            other => Err(MimeError::UnsupportedEncoding(
                other.chars().take(40).collect(),
            )),
        }
    }
}

/// Decodes base64 text, ignoring white space and line ends.
pub fn decode_base64(text: &[u8]) -> Result<Vec<u8>, MimeError> {
    let clean: Vec<u8> = text
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(clean)
        .map_err(|e| MimeError::Base64(e.to_string()))
}

/// Encodes base64 in lines of 64 characters, each ended by CRLF (RFC 2045 §6.8 allows up
/// to 76; OpenSSL writes 64).
pub fn encode_base64_lines(data: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(data);
    let mut out = String::with_capacity(b64.len() + b64.len() / 32 + 2);
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(core::str::from_utf8(chunk).unwrap_or_default());
        out.push_str("\r\n");
    }
    out
}

/// Splits a multipart body (RFC 2046 §5.1.1) into its parts. A part is the bytes between
/// the line end of a delimiter line and the line end that precedes the next delimiter
/// (that line end belongs to the delimiter). The preamble and epilogue are dropped.
pub fn split_multipart<'a>(body: &'a [u8], boundary: &str) -> Result<Vec<&'a [u8]>, MimeError> {
    if boundary.is_empty() || boundary.len() > 70 {
        return Err(MimeError::Multipart(
            "boundary is empty or longer than 70 characters",
        ));
    }
    let delim = format!("--{boundary}");
    let delim = delim.as_bytes();
    let mut parts = Vec::new();
    let mut part_start: Option<usize> = None;
    let mut at = 0;
    while at < body.len() {
        let line_start = at;
        let (line, next) = line_at(body, at);
        at = next;
        let Some(rest) = line.strip_prefix(delim) else {
            continue;
        };
        let close = rest.starts_with(b"--");
        let tail = if close { &rest[2..] } else { rest };
        if !tail.iter().all(|b| *b == b' ' || *b == b'\t') {
            continue;
        }
        if let Some(s) = part_start {
            // The line end before the delimiter belongs to it.
            let mut end = line_start;
            if end > s && body.get(end - 1) == Some(&b'\n') {
                end -= 1;
                if end > s && body.get(end - 1) == Some(&b'\r') {
                    end -= 1;
                }
            }
            parts.push(body.get(s..end).unwrap_or_default());
        }
        if close {
            return Ok(parts);
        }
        part_start = Some(next);
    }
    Err(MimeError::Multipart("no close delimiter"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openssl_style_multipart() {
        let body = b"This is an S/MIME signed message\n\n------B\nContent-type: text/plain\r\n\r\nhi\r\n\n------B\nContent-Type: application/pkcs7-signature\n\nAAAA\n\n------B--\n\n";
        let parts = split_multipart(body, "----B").unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0], b"Content-type: text/plain\r\n\r\nhi\r\n");
        let sig = Entity::parse(parts[1]).unwrap();
        assert_eq!(sig.content_type().mime, "application/pkcs7-signature");
    }

    #[test]
    fn folded_content_type_with_quotes() {
        // RFC 3923 §3.2 Example 2 folds the Content-Type over three lines.
        let e = Entity::parse(b"Content-Type: multipart/signed; boundary=next;\n              micalg=sha1;\n              protocol=application/pkcs7-signature\n\n--next\n").unwrap();
        let ct = e.content_type();
        assert_eq!(ct.mime, "multipart/signed");
        assert_eq!(ct.param("boundary"), Some("next"));
        assert_eq!(ct.param("micalg"), Some("sha1"));
        let q = ContentType::parse(
            "multipart/signed; boundary=\"a;b\"; protocol=\"application/pkcs7-signature\"",
        );
        assert_eq!(q.param("boundary"), Some("a;b"));
    }

    #[test]
    fn bad_header_and_missing_close() {
        assert_eq!(
            Entity::parse(b"no colon here\n\n"),
            Err(MimeError::BadHeader { offset: 0 })
        );
        assert!(split_multipart(b"--x\nabc\n", "x").is_err());
    }
}
