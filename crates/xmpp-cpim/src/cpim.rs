//! The Message/CPIM object (RFC 3862 §2): MIME headers, message headers, encapsulated
//! MIME object; its reader and writer.
//!
//! The writer ends every line with CRLF (§2.2). The reader also takes bare LF line ends
//! (a text file or a terminal gives them), in the header sections only; the content
//! after the last blank line is kept byte for byte. MIME header sections (§2.1, §2.4)
//! follow RFC 2822: names without regard to case, folded lines unfolded. Message headers
//! (§2.2) do not fold: a line starting with white space there is an error, as are
//! control characters and text that is not UTF-8. The core headers whose syntax §4
//! defines (`From`, `To`, `cc`, `DateTime`, `NS`, `Require`) are checked, and a
//! namespace prefix must be declared by an `NS` header before it is used (§3.4).
//! Trailing white space on a header line, which §2.2 forbids, is accepted: the grammar
//! of §3.6 needs it for an empty value.

use crate::datetime::DateTime;
use crate::error::{ParseError, ParseErrorKind};
use crate::header::{CPIM_HEADERS_NS, Header, parse_ns, parse_require};
use crate::mime::{ContentType, MimeHeader, find};

/// Bounds on what [`CpimMessage::parse`] accepts; memory use is linear in the input,
/// which these bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest object, in bytes (default 1 MiB).
    pub max_bytes: usize,
    /// Most header lines in each of the three header sections (default 256).
    pub max_headers: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 1 << 20,
            max_headers: 256,
        }
    }
}

/// The encapsulated MIME object (RFC 3862 §2.4): its headers and content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MimeEntity {
    /// The content headers; `Content-Type` is required.
    pub headers: Vec<MimeHeader>,
    /// The content, as written.
    pub body: Vec<u8>,
}

impl MimeEntity {
    /// The parsed `Content-Type`, if there is a readable one.
    pub fn content_type(&self) -> Option<ContentType> {
        find(&self.headers, "Content-Type").and_then(|h| ContentType::parse(h.value()))
    }

    /// The value of the first header named `name`, without regard to case.
    pub fn header(&self, name: &str) -> Option<&str> {
        find(&self.headers, name).map(MimeHeader::value)
    }
}

/// A Message/CPIM object (RFC 3862 §2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CpimMessage {
    /// The MIME headers of the object (§2.1); `Content-Type: Message/CPIM` is required.
    pub mime_headers: Vec<MimeHeader>,
    /// The message headers, in order (§2.2).
    pub headers: Vec<Header>,
    /// The encapsulated MIME object (§2.4).
    pub content: MimeEntity,
}

/// One line of the input: its text (without line end) and byte offset.
struct Line<'a> {
    text: &'a [u8],
    offset: usize,
}

/// Splits off the next line; `None` at the end of input.
fn next_line(data: &[u8], pos: usize) -> Option<(Line<'_>, usize)> {
    let rest = data.get(pos..)?;
    if rest.is_empty() {
        return None;
    }
    match rest.iter().position(|&b| b == b'\n') {
        Some(i) => {
            let mut text = rest.get(..i)?;
            if let Some(t) = text.strip_suffix(b"\r") {
                text = t;
            }
            Some((Line { text, offset: pos }, pos + i + 1))
        }
        None => Some((
            Line {
                text: rest,
                offset: pos,
            },
            data.len(),
        )),
    }
}

fn err(data: &[u8], offset: usize, kind: ParseErrorKind) -> ParseError {
    let line = 1 + data
        .get(..offset.min(data.len()))
        .map_or(0, |d| d.iter().filter(|&&b| b == b'\n').count());
    ParseError { kind, offset, line }
}

impl CpimMessage {
    /// An object with `Content-type: Message/CPIM` as its only MIME header.
    pub fn new(headers: Vec<Header>, content: MimeEntity) -> Self {
        CpimMessage {
            mime_headers: vec![MimeHeader::trusted("Content-type", "Message/CPIM")],
            headers,
            content,
        }
    }

    /// Reads a Message/CPIM object.
    pub fn parse(data: &[u8], limits: &Limits) -> Result<Self, ParseError> {
        if data.len() > limits.max_bytes {
            return Err(err(
                data,
                limits.max_bytes,
                ParseErrorKind::TooLarge {
                    limit: limits.max_bytes,
                },
            ));
        }
        let (mime_headers, pos) = mime_section(data, 0, limits, "MIME headers")?;
        let ct = find(&mime_headers, "Content-Type")
            .ok_or_else(|| err(data, 0, ParseErrorKind::NoContentType))?;
        if ContentType::parse(ct.value())
            .map(|c| c.mime_type)
            .as_deref()
            != Some("message/cpim")
        {
            return Err(err(
                data,
                0,
                ParseErrorKind::NotCpim(crate::error::clip(ct.value())),
            ));
        }
        let (headers, pos) = message_section(data, pos, limits)?;
        let content_start = pos;
        let (content_headers, pos) = mime_section(data, pos, limits, "encapsulated MIME headers")?;
        if find(&content_headers, "Content-Type").is_none() {
            return Err(err(data, content_start, ParseErrorKind::NoContentHeaders));
        }
        Ok(CpimMessage {
            mime_headers,
            headers,
            content: MimeEntity {
                headers: content_headers,
                body: data.get(pos..).unwrap_or_default().to_vec(),
            },
        })
    }

    /// Writes the object, every header line ended by CRLF.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(256 + self.content.body.len());
        for h in &self.mime_headers {
            h.write(&mut out);
        }
        out.extend_from_slice(b"\r\n");
        for h in &self.headers {
            h.write(&mut out);
        }
        out.extend_from_slice(b"\r\n");
        for h in &self.content.headers {
            h.write(&mut out);
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(&self.content.body);
        out
    }

    /// The headers with their namespace URI (§3.4): the default namespace is
    /// `urn:ietf:params:cpim-headers:` until an `NS` header without prefix changes it.
    /// A prefix that no `NS` header declared gets `None`.
    pub fn resolved(&self) -> Vec<(Option<String>, &Header)> {
        let mut default = CPIM_HEADERS_NS.to_owned();
        let mut prefixes: Vec<(String, String)> = Vec::new();
        let mut out = Vec::with_capacity(self.headers.len());
        for h in &self.headers {
            let ns = match h.prefix() {
                None => Some(default.clone()),
                Some(p) => prefixes
                    .iter()
                    .rev()
                    .find(|(q, _)| q == p)
                    .map(|(_, u)| u.clone()),
            };
            if ns.as_deref() == Some(CPIM_HEADERS_NS) && h.local_name() == "NS" {
                if let Some((p, u)) = parse_ns(h.raw_value()) {
                    if p.is_empty() {
                        default = u.to_owned();
                    } else {
                        prefixes.push((p.to_owned(), u.to_owned()));
                    }
                }
            }
            out.push((ns, h));
        }
        out
    }

    /// The core headers (namespace `urn:ietf:params:cpim-headers:`) named `name`.
    pub fn core(&self, name: &str) -> Vec<&Header> {
        self.resolved()
            .into_iter()
            .filter(|(ns, h)| ns.as_deref() == Some(CPIM_HEADERS_NS) && h.local_name() == name)
            .map(|(_, h)| h)
            .collect()
    }
}

/// A line's text as UTF-8, with its bare CR refused.
fn line_str<'a>(data: &[u8], line: &Line<'a>) -> Result<&'a str, ParseError> {
    if let Some(i) = line.text.iter().position(|&b| b == b'\r') {
        return Err(err(data, line.offset + i, ParseErrorKind::BareCr));
    }
    std::str::from_utf8(line.text)
        .map_err(|e| err(data, line.offset + e.valid_up_to(), ParseErrorKind::NotUtf8))
}

/// A MIME header section up to and including its blank line.
fn mime_section(
    data: &[u8],
    mut pos: usize,
    limits: &Limits,
    what: &'static str,
) -> Result<(Vec<MimeHeader>, usize), ParseError> {
    let mut headers: Vec<(String, String, usize)> = Vec::new();
    loop {
        let Some((line, next)) = next_line(data, pos) else {
            return Err(err(data, data.len(), ParseErrorKind::Truncated(what)));
        };
        pos = next;
        if line.text.is_empty() {
            break;
        }
        let text = line_str(data, &line)?;
        if text.starts_with([' ', '\t']) {
            let Some(last) = headers.last_mut() else {
                return Err(err(data, line.offset, ParseErrorKind::FoldedFirstLine));
            };
            last.1.push_str(text);
            continue;
        }
        if headers.len() == limits.max_headers {
            return Err(err(
                data,
                line.offset,
                ParseErrorKind::TooManyHeaders {
                    limit: limits.max_headers,
                },
            ));
        }
        let Some((name, value)) = text.split_once(':') else {
            return Err(err(data, line.offset, ParseErrorKind::BadMimeHeader));
        };
        headers.push((name.to_owned(), value.to_owned(), line.offset));
    }
    let mut out = Vec::with_capacity(headers.len());
    for (name, value, offset) in headers {
        out.push(MimeHeader::new(&name, &value).map_err(|k| err(data, offset, k))?);
    }
    Ok((out, pos))
}

/// The message header section up to and including its blank line (§2.2, §3.6).
fn message_section(
    data: &[u8],
    mut pos: usize,
    limits: &Limits,
) -> Result<(Vec<Header>, usize), ParseError> {
    let mut headers = Vec::new();
    // Each declared prefix and whether it names the core namespace.
    let mut prefixes: Vec<(String, bool)> = Vec::new();
    let mut default_is_core = true;
    loop {
        let Some((line, next)) = next_line(data, pos) else {
            return Err(err(
                data,
                data.len(),
                ParseErrorKind::Truncated("message headers"),
            ));
        };
        pos = next;
        if line.text.is_empty() {
            break;
        }
        if headers.len() == limits.max_headers {
            return Err(err(
                data,
                line.offset,
                ParseErrorKind::TooManyHeaders {
                    limit: limits.max_headers,
                },
            ));
        }
        let text = line_str(data, &line)?;
        let h = Header::parse_line(text).map_err(|(at, k)| err(data, line.offset + at, k))?;
        let core = match h.prefix() {
            // The latest declaration of the prefix counts, as in `resolved`.
            Some(p) => match prefixes.iter().rev().find(|(q, _)| q == p) {
                Some((_, is_core)) => *is_core,
                None => {
                    return Err(err(
                        data,
                        line.offset,
                        ParseErrorKind::UndeclaredPrefix(p.to_owned()),
                    ));
                }
            },
            None => default_is_core,
        };
        if core {
            check_core_value(&h).map_err(|k| err(data, line.offset, k))?;
            if h.local_name() == "NS" {
                if let Some((p, uri)) = parse_ns(h.raw_value()) {
                    if p.is_empty() {
                        default_is_core = uri == CPIM_HEADERS_NS;
                    } else {
                        prefixes.push((p.to_owned(), uri == CPIM_HEADERS_NS));
                    }
                }
            }
        }
        headers.push(h);
    }
    Ok((headers, pos))
}

/// The syntax of the core headers' values (§4.1 to §4.7).
fn check_core_value(h: &Header) -> Result<(), ParseErrorKind> {
    let v = h.raw_value();
    let ok = match h.local_name() {
        "From" | "To" | "cc" => h.address_value().is_ok(),
        "DateTime" => DateTime::parse(v).is_ok(),
        "NS" => parse_ns(v).is_some(),
        "Require" => parse_require(v).is_some(),
        _ => true,
    };
    if ok {
        Ok(())
    } else {
        Err(ParseErrorKind::BadValue(match h.local_name() {
            "From" => "From",
            "To" => "To",
            "cc" => "cc",
            "DateTime" => "DateTime",
            "NS" => "NS",
            _ => "Require",
        }))
    }
}

/// The names a `Require` header lists.
pub(crate) fn required_names(h: &Header) -> Vec<String> {
    parse_require(h.raw_value())
        .unwrap_or_default()
        .into_iter()
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<CpimMessage, ParseError> {
        CpimMessage::parse(s.as_bytes(), &Limits::default())
    }

    /// RFC 3862 §5.1, with the tags removed and CRLF line ends.
    const RFC3862_5_1: &str = "Content-type: Message/CPIM\r\n\r\n\
From: MR SANDERS <im:piglet@100akerwood.com>\r\n\
To: Depressed Donkey <im:eeyore@100akerwood.com>\r\n\
DateTime: 2000-12-13T13:40:00-08:00\r\n\
Subject: the weather will be fine today\r\n\
Subject:;lang=fr beau temps prevu pour aujourd'hui\r\n\
NS: MyFeatures <mid:MessageFeatures@id.foo.com>\r\n\
Require: MyFeatures.VitalMessageOption\r\n\
MyFeatures.VitalMessageOption: Confirmation-requested\r\n\
MyFeatures.WackyMessageOption: Use-silly-font\r\n\
\r\n\
Content-type: text/xml; charset=utf-8\r\n\
Content-ID: <1234567890@foo.com>\r\n\
\r\n\
<body>\r\n\
Here is the text of my message.\r\n\
</body>\r\n";

    #[test]
    fn rfc3862_5_1_example() {
        let m = parse(RFC3862_5_1).expect("the §5.1 example parses");
        assert_eq!(m.headers.len(), 9);
        assert_eq!(m.core("Subject").len(), 2);
        assert_eq!(m.core("Subject")[1].lang().as_deref(), Some("fr"));
        let resolved = m.resolved();
        assert_eq!(
            resolved[7].0.as_deref(),
            Some("mid:MessageFeatures@id.foo.com")
        );
        assert_eq!(
            required_names(m.core("Require")[0]),
            ["MyFeatures.VitalMessageOption"]
        );
        assert_eq!(
            m.content.content_type().map(|c| c.mime_type).as_deref(),
            Some("text/xml")
        );
        assert_eq!(m.content.header("content-id"), Some("<1234567890@foo.com>"));
        assert_eq!(
            m.content.body,
            b"<body>\r\nHere is the text of my message.\r\n</body>\r\n"
        );
        // Written again, the object is the same octets.
        assert_eq!(m.to_bytes(), RFC3862_5_1.as_bytes());
    }

    #[test]
    fn bare_lf_and_folded_mime_headers() {
        let lf = RFC3862_5_1.replace("\r\n", "\n");
        let m = parse(&lf).expect("bare LF accepted");
        assert_eq!(m.headers.len(), 9);
        let folded = "Content-type:\r\n Message/CPIM\r\n\r\nFrom: <im:a@b>\r\n\r\nContent-Type: text/plain;\r\n\tcharset=utf-8\r\n\r\nx";
        let m = parse(folded).expect("folded MIME headers accepted");
        assert_eq!(
            m.content.header("Content-Type"),
            Some("text/plain;\tcharset=utf-8")
        );
        assert_eq!(
            m.content
                .content_type()
                .and_then(|c| c.param("charset").map(str::to_owned))
                .as_deref(),
            Some("utf-8")
        );
    }

    #[test]
    fn errors_with_positions() {
        let cases: [(&str, ParseErrorKind, usize, usize); 9] = [
            ("", ParseErrorKind::Truncated("MIME headers"), 0, 1),
            (
                "Content-type: text/plain\r\n\r\n\r\nContent-Type: text/plain\r\n\r\n",
                ParseErrorKind::NotCpim("text/plain".into()),
                0,
                1,
            ),
            (
                "X: y\n\n\nContent-Type: a/b\n\n",
                ParseErrorKind::NoContentType,
                0,
                1,
            ),
            (
                "Content-type: Message/CPIM\n\nFrom: <im:a@b>\n folded\n\n",
                ParseErrorKind::LeadingWhitespace,
                43,
                4,
            ),
            (
                "Content-type: Message/CPIM\n\nFrom: im:a@b\n\n",
                ParseErrorKind::BadValue("From"),
                28,
                3,
            ),
            (
                "Content-type: Message/CPIM\n\nDateTime: yesterday\n\n",
                ParseErrorKind::BadValue("DateTime"),
                28,
                3,
            ),
            (
                "Content-type: Message/CPIM\n\nX.y: z\n\n",
                ParseErrorKind::UndeclaredPrefix("X".into()),
                28,
                3,
            ),
            (
                "Content-type: Message/CPIM\n\nA: b\r\rc\n\n",
                ParseErrorKind::BareCr,
                32,
                3,
            ),
            (
                "Content-type: Message/CPIM\n\n\nX-Other: 1\n\nbody",
                ParseErrorKind::NoContentHeaders,
                29,
                4,
            ),
        ];
        for (input, kind, offset, line) in cases {
            assert_eq!(
                parse(input),
                Err(ParseError { kind, offset, line }),
                "{input:?}"
            );
        }
        let not_utf8 = b"Content-type: Message/CPIM\n\nSubject: \xff\n\n";
        assert_eq!(
            CpimMessage::parse(not_utf8, &Limits::default()).map_err(|e| e.kind),
            Err(ParseErrorKind::NotUtf8)
        );
    }

    #[test]
    fn limits() {
        let small = Limits {
            max_bytes: 10,
            max_headers: 256,
        };
        assert_eq!(
            CpimMessage::parse(RFC3862_5_1.as_bytes(), &small).map_err(|e| e.kind),
            Err(ParseErrorKind::TooLarge { limit: 10 })
        );
        let few = Limits {
            max_bytes: 1 << 20,
            max_headers: 3,
        };
        assert_eq!(
            CpimMessage::parse(RFC3862_5_1.as_bytes(), &few).map_err(|e| e.kind),
            Err(ParseErrorKind::TooManyHeaders { limit: 3 })
        );
    }

    #[test]
    fn default_namespace_redeclared() {
        // RFC 3862 §3.4: after `NS: <uri>`, unprefixed names are in that namespace, so
        // a later `From` is not the core header (and its value is not checked).
        let m = parse("Content-type: Message/CPIM\n\nNS: <http://id.acme.widgets/wily-headers/>\nFrom: anything\nrunner-trap: set\n\nContent-Type: text/plain\n\n")
            .expect("parses");
        assert!(m.core("From").is_empty());
        assert_eq!(
            m.resolved()[2].0.as_deref(),
            Some("http://id.acme.widgets/wily-headers/")
        );
    }

    // RFC 3862 §3.4: a prefix may name the core namespace; `X.DateTime` is then the core
    // `DateTime` header (as `resolved` and `core` read it), and its value is checked the
    // same (§4.4); an `X.NS` header declares prefixes as `NS` does (§4.6).
    #[test]
    fn core_headers_under_a_prefix_are_checked() {
        let bad = "Content-type: Message/CPIM\n\nNS: X <urn:ietf:params:cpim-headers:>\nX.DateTime: yesterday\n\nContent-Type: text/plain\n\n";
        assert_eq!(
            parse(bad).map_err(|e| (e.kind, e.line)),
            Err((ParseErrorKind::BadValue("DateTime"), 4))
        );
        let ns = "Content-type: Message/CPIM\n\nNS: X <urn:ietf:params:cpim-headers:>\nX.NS: Y <urn:y>\nY.a: b\n\nContent-Type: text/plain\n\n";
        let m = parse(ns).expect("Y declared by X.NS");
        assert_eq!(m.resolved()[2].0.as_deref(), Some("urn:y"));
    }
}
