//! Message/CPIM message headers (RFC 3862 §2.2, §3): the line grammar of §3.6 (read with
//! nom), the escape mechanism of §2.3, and the values of the core headers of §4.
//!
//! A [`Header`] keeps its value as written, escapes unresolved, so that a header read and
//! written again has the same octets (§2.2: "Message processors MUST preserve all octets
//! of all headers"); [`Header::text`] resolves the escapes.

use nom::branch::alt;
use nom::bytes::complete::{take_while, take_while1};
use nom::character::complete::{anychar, char};
use nom::combinator::{opt, recognize};
use nom::multi::many0;
use nom::{IResult, Parser};

use crate::error::ParseErrorKind;

/// The namespace of the core headers (RFC 3862 §4), the default one of Message/CPIM.
pub const CPIM_HEADERS_NS: &str = "urn:ietf:params:cpim-headers:";

/// NAMECHAR of §3.6: US-ASCII except `.`, controls and separators.
pub(crate) fn is_namechar(c: char) -> bool {
    matches!(c, '\x21' | '\x23'..='\x27' | '\x2a' | '\x2b' | '\x2d' | '\x5e'..='\x60' | '\x7c' | '\x7e')
        || c.is_ascii_alphanumeric()
}

/// TOKENCHAR of §3.6: NAMECHAR, `.` or any non-ASCII character.
fn is_tokenchar(c: char) -> bool {
    is_namechar(c) || c == '.' || !c.is_ascii()
}

/// Str-char of §3.6.
fn is_strchar(c: char) -> bool {
    matches!(c, '\x20'..='\x21' | '\x23'..='\x5b' | '\x5d'..='\x7e') || !c.is_ascii()
}

/// A control character (CTL of RFC 2234).
pub(crate) fn is_ctl(c: char) -> bool {
    c < '\x20' || c == '\x7f'
}

fn name(i: &str) -> IResult<&str, &str> {
    take_while1(is_namechar).parse(i)
}

/// `Header-name = [ Name-prefix "." ] Name`.
fn header_name(i: &str) -> IResult<&str, &str> {
    recognize((name, opt((char('.'), name)))).parse(i)
}

fn token(i: &str) -> IResult<&str, &str> {
    take_while1(is_tokenchar).parse(i)
}

/// `String = DQUOTE *( Str-char / Escape ) DQUOTE`; an escape is read as `\` and any
/// character (§2.3.1: unknown escapes stand for the character after the backslash).
fn string(i: &str) -> IResult<&str, &str> {
    recognize((
        char('"'),
        many0(alt((
            take_while1(is_strchar),
            recognize((char('\\'), anychar)),
        ))),
        char('"'),
    ))
    .parse(i)
}

/// `Param-value = Token / Number / String` (a Number is a Token).
fn param_value(i: &str) -> IResult<&str, &str> {
    alt((string, token)).parse(i)
}

fn param(i: &str) -> IResult<&str, (&str, &str)> {
    let (i, (n, _, v)) = (name, char('='), param_value).parse(i)?;
    Ok((i, (n, v)))
}

/// A header parameter (`;name=value`, §3.6), the value as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    name: String,
    value: String,
}

impl Param {
    /// A parameter; `value` is written as a Token when it is one, else as a quoted
    /// String with escapes.
    pub fn new(name: &str, value: &str) -> Result<Self, ParseErrorKind> {
        if name.is_empty() || !name.chars().all(is_namechar) {
            return Err(ParseErrorKind::BadParameter);
        }
        let value = if !value.is_empty() && value.chars().all(is_tokenchar) {
            value.to_owned()
        } else {
            let mut q = String::from("\"");
            escape_into(value, true, &mut q);
            q.push('"');
            q
        };
        Ok(Param {
            name: name.to_owned(),
            value,
        })
    }

    /// The parameter name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The value as written (a quoted String keeps its quotes and escapes).
    pub fn raw_value(&self) -> &str {
        &self.value
    }

    /// The value, quotes removed and escapes resolved.
    pub fn value(&self) -> String {
        match self
            .value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
        {
            Some(inner) => unescape(inner),
            None => self.value.clone(),
        }
    }
}

/// One message header (RFC 3862 §3.6): `Header-name ":" *( ";" Parameter ) SP
/// Header-value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    name: String,
    params: Vec<Param>,
    value: String,
}

impl Header {
    /// A header whose value is `raw`, as it is to be written (escapes included); `raw`
    /// must hold no control character (§2.2).
    pub fn new(name: &str, params: Vec<Param>, raw: &str) -> Result<Self, ParseErrorKind> {
        if !matches!(header_name(name), Ok(("", _))) {
            return Err(ParseErrorKind::BadHeaderName);
        }
        if raw.chars().any(is_ctl) {
            return Err(ParseErrorKind::ControlCharacter);
        }
        Ok(Header {
            name: name.to_owned(),
            params,
            value: raw.to_owned(),
        })
    }

    /// A header carrying `text`, escaped as §2.3.1 requires (backslash, backspace, tab,
    /// line feed and carriage return by their special sequences, other controls as
    /// `\uxxxx`).
    pub fn text(name: &str, text: &str) -> Result<Self, ParseErrorKind> {
        let mut raw = String::with_capacity(text.len());
        escape_into(text, false, &mut raw);
        Header::new(name, Vec::new(), &raw)
    }

    /// An address header (`From`, `To`, `cc`, §4.1 to §4.3): `[ Formal-name ] "<" URI
    /// ">"`. A formal name made of tokens is written as tokens, any other as a String.
    pub fn address(
        name: &str,
        formal_name: Option<&str>,
        uri: &str,
    ) -> Result<Self, ParseErrorKind> {
        if uri.is_empty() || !uri.chars().all(is_uri_char) {
            return Err(ParseErrorKind::BadValue("address"));
        }
        let mut raw = String::new();
        if let Some(formal) = formal_name {
            let words: Vec<&str> = formal.split(' ').collect();
            if !formal.is_empty()
                && words
                    .iter()
                    .all(|w| !w.is_empty() && w.chars().all(is_tokenchar))
            {
                for w in words {
                    raw.push_str(w);
                    raw.push(' ');
                }
            } else {
                raw.push('"');
                escape_into(formal, true, &mut raw);
                raw.push_str("\" ");
            }
        }
        raw.push('<');
        raw.push_str(uri);
        raw.push('>');
        Header::new(name, Vec::new(), &raw)
    }

    /// Adds a `;lang=tag` parameter (§3.3).
    pub fn with_lang(mut self, tag: &str) -> Result<Self, ParseErrorKind> {
        self.params.push(Param::new("lang", tag)?);
        Ok(self)
    }

    /// The header name as written, prefix included.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The namespace prefix, if the name has one (§3.4).
    pub fn prefix(&self) -> Option<&str> {
        self.name.split_once('.').map(|(p, _)| p)
    }

    /// The name without its prefix.
    pub fn local_name(&self) -> &str {
        self.name.split_once('.').map_or(&self.name, |(_, n)| n)
    }

    /// The parameters.
    pub fn params(&self) -> &[Param] {
        &self.params
    }

    /// The value of the `lang` parameter (§3.3).
    pub fn lang(&self) -> Option<String> {
        self.params
            .iter()
            .find(|p| p.name == "lang")
            .map(Param::value)
    }

    /// The value as written, escapes unresolved.
    pub fn raw_value(&self) -> &str {
        &self.value
    }

    /// The value with its escapes resolved (§2.3).
    pub fn text_value(&self) -> String {
        unescape(&self.value)
    }

    /// Reads the value as an address (§4.1 to §4.3).
    pub fn address_value(&self) -> Result<AddressValue, ParseErrorKind> {
        parse_address(&self.value).ok_or(ParseErrorKind::BadValue("address"))
    }

    /// Writes the header line, CRLF included.
    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.name.as_bytes());
        out.push(b':');
        for p in &self.params {
            out.push(b';');
            out.extend_from_slice(p.name.as_bytes());
            out.push(b'=');
            out.extend_from_slice(p.value.as_bytes());
        }
        out.push(b' ');
        out.extend_from_slice(self.value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }

    /// Reads one header line (without its line end). On error, the byte offset in the
    /// line and what is wrong.
    pub(crate) fn parse_line(line: &str) -> Result<Header, (usize, ParseErrorKind)> {
        let at = |rest: &str| line.len() - rest.len();
        if line.starts_with([' ', '\t']) {
            return Err((0, ParseErrorKind::LeadingWhitespace));
        }
        if let Some(i) = line.find(is_ctl) {
            return Err((i, ParseErrorKind::ControlCharacter));
        }
        let (rest, hname) = header_name(line).map_err(|_| (0, ParseErrorKind::BadHeaderName))?;
        let Some(mut rest) = rest.strip_prefix(':') else {
            return Err((at(rest), ParseErrorKind::BadHeaderName));
        };
        let mut params = Vec::new();
        while let Some(r) = rest.strip_prefix(';') {
            let (r, (n, v)) = param(r).map_err(|_| (at(r), ParseErrorKind::BadParameter))?;
            params.push(Param {
                name: n.to_owned(),
                value: v.to_owned(),
            });
            rest = r;
        }
        let Some(value) = rest.strip_prefix(' ') else {
            return Err((at(rest), ParseErrorKind::NoSpaceAfterColon));
        };
        Ok(Header {
            name: hname.to_owned(),
            params,
            value: value.to_owned(),
        })
    }
}

/// The value of an address header: an optional formal name and a URI (§4.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressValue {
    /// The `Formal-name`, quotes removed and escapes resolved, without the trailing
    /// space of the token form.
    pub formal_name: Option<String>,
    /// The URI between `<` and `>`.
    pub uri: String,
}

/// Characters a URI between `<` and `>` may hold here: printable US-ASCII other than
/// `<`, `>` and `"` (an absolute-URI of RFC 2396 is a subset).
fn is_uri_char(c: char) -> bool {
    c.is_ascii_graphic() && !matches!(c, '<' | '>' | '"')
}

fn angle_uri(i: &str) -> IResult<&str, &str> {
    let (i, (_, uri, _)) = (char('<'), take_while1(is_uri_char), char('>')).parse(i)?;
    Ok((i, uri))
}

/// `[ Formal-name ] "<" URI ">"`, `Formal-name = 1*( Token SP ) / String`; a space
/// after a String is accepted.
fn parse_address(v: &str) -> Option<AddressValue> {
    let tokens = recognize(many0((token, char(' '))));
    let quoted = (string, opt(char(' ')));
    let r: IResult<&str, (Option<String>, &str)> = alt((
        (quoted, angle_uri).map(|((s, _), u)| (Some(s), u)),
        (tokens, angle_uri).map(|(t, u): (&str, &str)| (Some(t), u)),
    ))
    .map(|(name, uri)| {
        let formal = name.and_then(|n| {
            if n.is_empty() {
                None
            } else if let Some(inner) = n.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
                Some(unescape(inner))
            } else {
                Some(n.trim_end_matches(' ').to_owned())
            }
        });
        (formal, uri)
    })
    .parse(v);
    match r {
        Ok(("", (formal_name, uri))) => Some(AddressValue {
            formal_name,
            uri: uri.to_owned(),
        }),
        _ => None,
    }
}

/// `NS` value (§4.6): `[ Name-prefix ] "<" URI ">"`; the prefix (empty for the
/// default namespace) and the URI.
pub(crate) fn parse_ns(v: &str) -> Option<(&str, &str)> {
    let r: IResult<&str, (&str, &str)> = alt((
        (name, char(' '), angle_uri).map(|(p, _, u)| (p, u)),
        (take_while(|_| false), angle_uri),
    ))
    .parse(v);
    match r {
        Ok(("", pu)) => Some(pu),
        _ => None,
    }
}

/// `Require` value (§4.7): `Header-name *( "," Header-name )`.
pub(crate) fn parse_require(v: &str) -> Option<Vec<&str>> {
    let mut out = Vec::new();
    for part in v.split(',') {
        match header_name(part) {
            Ok(("", n)) => out.push(n),
            _ => return None,
        }
    }
    Some(out)
}

/// Escapes `text` for a header (§2.3.1); `in_string` also escapes `"` (inside a
/// double-quoted String).
fn escape_into(text: &str, in_string: bool, out: &mut String) {
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '"' if in_string => out.push_str("\\\""),
            c if is_ctl(c) => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
}

/// The value of four hex digits at the start of `s`.
fn hex4(s: &str) -> Option<u32> {
    let h = s.get(..4)?;
    if !h.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(h, 16).ok()
}

/// Resolves the escapes of §2.3: the special sequences, `\uxxxx`, an unknown escape as
/// the character after the backslash, a lone final backslash ignored (§2.3.1).
pub fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            None => {}
            Some('b') => out.push('\u{8}'),
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('u') => match hex4(chars.as_str()) {
                // A UTF-16 surrogate pair written as two escapes is one character.
                Some(hi @ 0xD800..=0xDBFF) => {
                    let rest = chars.as_str().get(4..).unwrap_or_default();
                    let lo = rest.strip_prefix("\\u").and_then(hex4);
                    match lo {
                        Some(lo @ 0xDC00..=0xDFFF) => {
                            let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                            out.push(char::from_u32(c).unwrap_or('\u{FFFD}'));
                            chars = rest.get(6..).unwrap_or_default().chars();
                        }
                        _ => out.push('u'),
                    }
                }
                Some(code) => match char::from_u32(code) {
                    Some(ch) => {
                        out.push(ch);
                        chars = chars.as_str().get(4..).unwrap_or_default().chars();
                    }
                    None => out.push('u'),
                },
                None => out.push('u'),
            },
            Some(other) => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3862_section_2_2_examples() {
        let to = Header::parse_line("To: Pooh Bear <im:pooh@100akerwood.com>").expect("header");
        assert_eq!(to.name(), "To");
        assert_eq!(
            to.address_value(),
            Ok(AddressValue {
                formal_name: Some("Pooh Bear".into()),
                uri: "im:pooh@100akerwood.com".into()
            })
        );
        let from = Header::parse_line("From: <im:piglet@100akerwood.com>").expect("header");
        assert_eq!(from.address_value().map(|a| a.formal_name), Ok(None));
        let dt = Header::parse_line("DateTime: 2001-02-02T10:48:54-05:00").expect("header");
        assert_eq!(dt.raw_value(), "2001-02-02T10:48:54-05:00");
    }

    // RFC 3862 §3.3.
    #[test]
    fn language_parameter() {
        let h = Header::parse_line("Subject:;lang=fr Objet de message").expect("header");
        assert_eq!(h.lang().as_deref(), Some("fr"));
        assert_eq!(h.text_value(), "Objet de message");
    }

    // RFC 3862 §3.4.
    #[test]
    fn prefixed_names_and_ns_values() {
        let h =
            Header::parse_line("MyFeatures.WackyMessageOption: Use-silly-font").expect("header");
        assert_eq!(h.prefix(), Some("MyFeatures"));
        assert_eq!(h.local_name(), "WackyMessageOption");
        assert_eq!(
            parse_ns("MyFeatures <mid:MessageFeatures@id.foo.com>"),
            Some(("MyFeatures", "mid:MessageFeatures@id.foo.com"))
        );
        assert_eq!(
            parse_ns("<http://id.acme.widgets/wily-headers/>"),
            Some(("", "http://id.acme.widgets/wily-headers/"))
        );
        assert_eq!(
            parse_require("MyFeatures.VitalMessageOption"),
            Some(vec!["MyFeatures.VitalMessageOption"])
        );
        assert_eq!(parse_require("A,B.c"), Some(vec!["A", "B.c"]));
        assert_eq!(parse_require("A, B"), None);
    }

    // RFC 3862 §2.2 and §3.6: each rule of the line grammar.
    #[test]
    fn line_rules() {
        assert_eq!(
            Header::parse_line(" From: <im:a@b>"),
            Err((0, ParseErrorKind::LeadingWhitespace))
        );
        assert_eq!(
            Header::parse_line("From:<im:a@b>"),
            Err((5, ParseErrorKind::NoSpaceAfterColon))
        );
        assert_eq!(
            Header::parse_line("Fr om: x"),
            Err((2, ParseErrorKind::BadHeaderName))
        );
        assert_eq!(
            Header::parse_line("Subject: a\tb"),
            Err((10, ParseErrorKind::ControlCharacter))
        );
        assert_eq!(
            Header::parse_line("Subject:;lang x"),
            Err((9, ParseErrorKind::BadParameter))
        );
        assert_eq!(
            Header::parse_line(": x"),
            Err((0, ParseErrorKind::BadHeaderName))
        );
        let q = Header::parse_line("X:;p=\"a \\\" b\";n=12 v").expect("header");
        assert_eq!(q.params()[0].value(), "a \" b");
        assert_eq!(q.params()[1].value(), "12");
    }

    // RFC 3862 §2.3 and §2.3.1.
    #[test]
    fn escapes() {
        let h = Header::text("Subject", "a\\b\tc\nd\re\u{8}f\u{1}g\u{7f}\"'").expect("header");
        assert_eq!(h.raw_value(), "a\\\\b\\tc\\nd\\re\\bf\\u0001g\\u007f\"'");
        assert_eq!(h.text_value(), "a\\b\tc\nd\re\u{8}f\u{1}g\u{7f}\"'");
        assert_eq!(unescape("\\u00E9\\q\\"), "\u{e9}q");
        assert_eq!(unescape("\\u12"), "u12");
        assert_eq!(unescape("\\uD83D\\uDE00!"), "\u{1F600}!");
        assert_eq!(unescape("\\uD83Dx"), "uD83Dx");
        assert_eq!(unescape("\\uDE00"), "uDE00");
        assert_eq!(unescape("\\u00e9\u{e9}"), "\u{e9}\u{e9}");
        assert_eq!(unescape("\\'\\\""), "'\"");
        let a = Header::address("From", Some("Dr. \"Who\""), "im:a@b").expect("header");
        assert_eq!(a.raw_value(), "\"Dr. \\\"Who\\\"\" <im:a@b>");
        assert_eq!(
            a.address_value().expect("address").formal_name.as_deref(),
            Some("Dr. \"Who\"")
        );
        let t =
            Header::address("To", Some("Juliet Capulet"), "im:juliet@example.com").expect("header");
        assert_eq!(t.raw_value(), "Juliet Capulet <im:juliet@example.com>");
    }

    #[test]
    fn bad_addresses() {
        for v in [
            "im:a@b",
            "<>",
            "<im:a@b",
            "Name<im:a@b>",
            "<im:a b>",
            "\"x <im:a@b>",
        ] {
            let h = Header::new("From", Vec::new(), v).expect("header");
            assert_eq!(
                h.address_value(),
                Err(ParseErrorKind::BadValue("address")),
                "{v}"
            );
        }
    }
}
