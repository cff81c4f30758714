//! The incremental scanner: one pass over the bytes, resumable at any split.

use crate::chars::{
    AMP, ATTR, BAD, HIGH, LT, N_CHAR, N_START, NAME, PLAIN, SPECIAL, TEXT, Utf8, WS, decode,
    is_char, is_language_tag, is_name_char, is_name_start, is_ws,
};
use crate::error::{Error, ErrorKind};
use crate::escape::unescape_into;
use crate::ns::{Binding, Prefixes};
use crate::record::{
    NO_NS, RecAttr, RecDecl, RecNode, Recorded, STREAM_LEVEL, TEXT_CDATA, TEXT_EXPAND,
};
use crate::stanza::{Event, NsContext, Stanza, StreamHeader};

/// The streams namespace, RFC 3920 §11.2.1.
pub const STREAMS_NS: &str = "http://etherx.jabber.org/streams";
/// The client default namespace, RFC 3920 §11.2.2.
pub const CLIENT_NS: &str = "jabber:client";
/// The server default namespace, RFC 3920 §11.2.2.
pub const SERVER_NS: &str = "jabber:server";
/// The dialback namespace, RFC 3920 §8, §11.2.3.
pub const DIALBACK_NS: &str = "jabber:server:dialback";
/// The namespace bound to the `xml` prefix (Namespaces in XML §3).
pub const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";
/// The namespace of namespace declarations (Namespaces in XML §3).
pub const XMLNS_NS: &str = "http://www.w3.org/2000/xmlns/";

/// Longest entity or character reference accepted, `&` and `;` included.
const MAX_REF: usize = 64;
/// Longest XML declaration accepted.
const MAX_DECL: usize = 1024;
/// No text being read.
const NO_TEXT: u32 = u32::MAX;

/// Limits the caller sets; exceeding one is a `policy-violation` before memory grows.
///
/// Start from [`Limits::default`] and change what you need, so that limits added later
/// take their defaults:
///
/// ```
/// let limits = xmpp_xml::Limits::default().max_stanza_bytes(64 * 1024).max_depth(32);
/// let parser = xmpp_xml::Parser::stream(limits);
/// # assert_eq!(parser.limits().max_depth, 32);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Bytes of one top-level element, of the stream header and of the stream's end tag,
    /// from `<` to `>`: no markup the parser holds grows beyond it.
    pub max_stanza_bytes: usize,
    /// Nesting depth of elements inside the stream; a stanza itself has depth 1.
    pub max_depth: usize,
    /// Attributes on one element, namespace declarations included.
    pub max_attributes: usize,
    /// Bytes of one element or attribute name.
    pub max_name_bytes: usize,
    /// Namespace declarations on one element (the stream header included).
    pub max_declarations: usize,
    /// Namespace declarations in scope at once: the stream header's and those of the open
    /// elements of a stanza. It bounds what one prefix lookup has to consider.
    pub max_namespaces_in_scope: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_stanza_bytes: 256 * 1024,
            max_depth: 128,
            max_attributes: 64,
            max_name_bytes: 1024,
            max_declarations: 32,
            max_namespaces_in_scope: 256,
        }
    }
}

impl Limits {
    /// Sets [`Limits::max_stanza_bytes`].
    pub fn max_stanza_bytes(mut self, bytes: usize) -> Self {
        self.max_stanza_bytes = bytes;
        self
    }

    /// Sets [`Limits::max_depth`].
    pub fn max_depth(mut self, depth: usize) -> Self {
        self.max_depth = depth;
        self
    }

    /// Sets [`Limits::max_attributes`].
    pub fn max_attributes(mut self, attributes: usize) -> Self {
        self.max_attributes = attributes;
        self
    }

    /// Sets [`Limits::max_name_bytes`].
    pub fn max_name_bytes(mut self, bytes: usize) -> Self {
        self.max_name_bytes = bytes;
        self
    }

    /// Sets [`Limits::max_declarations`].
    pub fn max_declarations(mut self, declarations: usize) -> Self {
        self.max_declarations = declarations;
        self
    }

    /// Sets [`Limits::max_namespaces_in_scope`].
    pub fn max_namespaces_in_scope(mut self, namespaces: usize) -> Self {
        self.max_namespaces_in_scope = namespaces;
        self
    }
}

/// How the input ended, as [`Parser::finish`] reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// The stream was closed with `</stream:stream>` (or the document element ended).
    Closed,
    /// Events are waiting to be taken with [`Parser::next_event`]; nothing was consumed.
    /// Take them, then call [`Parser::finish`] again.
    Unread,
    /// The input ended before the stream was closed.
    Open {
        /// Whether a stream header was read.
        header_seen: bool,
        /// Bytes of an unfinished element or markup left over at the end.
        pending_bytes: u64,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum St {
    /// Before the stream header or document element.
    Prolog,
    /// Depth 0 inside the stream: white space or `<`.
    Between,
    /// Character data inside an element.
    Content,
    /// After the stream or document ended: white space only.
    Epilog,
    /// After `<`.
    Lt,
    StartName,
    InTag,
    AttrName,
    AttrEq,
    AttrQuote,
    AttrValue,
    SlashGt,
    EndName,
    EndWs,
    CData,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Prolog,
    Body,
    Epilog,
}

/// Where the `<` just seen stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Prolog,
    Top,
    Inside,
    Epilog,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ev {
    Header,
    Stanza,
    Close,
}

/// One attribute of a start tag: offsets relative to the `<` of its tag.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct AttrSpan {
    pub(crate) name: u32,
    pub(crate) name_len: u32,
    /// Offset of the colon inside the name, 0 when unprefixed.
    pub(crate) colon: u32,
    pub(crate) value: u32,
    pub(crate) value_len: u32,
    /// The value reads as written: no reference, no white space to normalize.
    pub(crate) plain: bool,
}

#[derive(Debug, Clone, Copy)]
struct Open {
    /// Name offset relative to the stanza start.
    name: u32,
    name_len: u32,
    bindings: u32,
    arena: u32,
    /// Its node in the record of the first-level element.
    node: u32,
}

enum NameScan {
    Done(usize),
    More(usize),
}

/// The scanner state; the byte buffer lives beside it in [`Parser`].
pub(crate) struct Scanner {
    limits: Limits,
    document: bool,
    /// Transport offset of `buf[0]`.
    base: u64,
    pos: usize,
    st: St,
    phase: Phase,
    /// Only a byte-order mark has been seen since the (re)start: an XML declaration may come.
    at_start: bool,
    /// Nothing at all has been read from the transport yet: a byte-order mark may come.
    at_transport_start: bool,
    /// A top-level element (or the stream header) is being read.
    in_unit: bool,
    tag_start: usize,
    name_end: usize,
    colon: u32,
    aname_start: usize,
    aname_end: usize,
    acolon: u32,
    value_start: usize,
    quote: u8,
    had_ws: bool,
    /// The attribute value being read is plain so far.
    aplain: bool,
    /// The record of the current first-level element, for its tree.
    pub(crate) rec: Recorded,
    /// Whether the current first-level element is recorded.
    pub(crate) record: bool,
    /// Whether the next first-level elements will be ([`Parser::record_trees`]).
    record_next: bool,
    /// Where the text being read started (relative to the element), or [`NO_TEXT`].
    text_from: u32,
    /// Where its current run of character data started (after a CDATA section).
    seg_from: u32,
    /// Where the content of the CDATA section being read starts.
    cdata_from: u32,
    /// [`TEXT_EXPAND`], [`TEXT_CDATA`].
    text_kind: u8,
    /// Whether the text read so far has any character.
    text_has: bool,
    pub(crate) attrs: Vec<AttrSpan>,
    resolved: Vec<(u32, (u32, u32))>,
    /// Working space of the uniqueness checks of many attributes, and their hash seed.
    scratch: Vec<(u64, u32)>,
    seed: u64,
    open: Vec<Open>,
    pub(crate) bindings: Vec<Binding>,
    prefixes: Prefixes,
    pub(crate) arena: Vec<u8>,
    base_bindings: usize,
    base_arena: usize,
    pub(crate) stanza_start: usize,
    pub(crate) stanza_end: usize,
    pub(crate) top_name_len: u32,
    pub(crate) top_colon: u32,
    top_colon_pending: u32,
    pub(crate) top_attrs: Vec<AttrSpan>,
    /// Elements and attributes (declarations included) of the current top-level element,
    /// so that its tree can be allocated at its size.
    pub(crate) unit_elements: u32,
    pub(crate) unit_attrs: u32,
    /// Whether the current top-level element has anything that changes when read: a
    /// reference, a CDATA section, a carriage return, white space in an attribute value.
    pub(crate) unit_expand: bool,
    pub(crate) stanza_ns: String,
    pub(crate) header: Option<StreamHeader>,
    /// The current stream's default namespace is `jabber:server` (else `jabber:client`).
    server_stream: bool,
    restart_armed: bool,
    error: Option<Error>,
}

macro_rules! fail {
    ($self:ident, $kind:expr, $at:expr) => {
        return Err($self.fail($kind, $at))
    };
}

impl Scanner {
    fn new(limits: Limits, document: bool) -> Self {
        let mut arena = Vec::with_capacity(256);
        arena.extend_from_slice(b"xml");
        arena.extend_from_slice(XML_NS.as_bytes());
        let mut bindings = Vec::with_capacity(16);
        let mut prefixes = Prefixes::new();
        prefixes.push(&mut bindings, b"xml", ((0, 3), (3, XML_NS.len() as u32)), 0);
        let base_arena = arena.len();
        Scanner {
            limits,
            document,
            base: 0,
            pos: 0,
            st: St::Prolog,
            phase: Phase::Prolog,
            at_start: true,
            at_transport_start: true,
            in_unit: false,
            tag_start: 0,
            name_end: 0,
            colon: 0,
            aname_start: 0,
            aname_end: 0,
            acolon: 0,
            value_start: 0,
            quote: 0,
            had_ws: false,
            aplain: true,
            rec: Recorded::default(),
            record: true,
            record_next: true,
            text_from: NO_TEXT,
            seg_from: 0,
            cdata_from: 0,
            text_kind: 0,
            text_has: false,
            attrs: Vec::with_capacity(16),
            resolved: Vec::with_capacity(16),
            scratch: Vec::new(),
            seed: crate::hash::random_seed(),
            open: Vec::with_capacity(16),
            bindings,
            prefixes,
            arena,
            base_bindings: 1,
            base_arena,
            stanza_start: 0,
            stanza_end: 0,
            top_name_len: 0,
            top_colon: 0,
            top_colon_pending: 0,
            top_attrs: Vec::with_capacity(16),
            unit_elements: 0,
            unit_attrs: 0,
            unit_expand: false,
            stanza_ns: String::with_capacity(32),
            header: None,
            server_stream: false,
            restart_armed: false,
            error: None,
        }
    }

    fn fail(&mut self, kind: ErrorKind, at: usize) -> Error {
        let e = Error::new(kind, self.base + at as u64);
        self.error = Some(e);
        e
    }

    /// Whether the scanner is inside markup (from its `<`) outside a top-level element:
    /// the stream's end tag, or a `<` at the first level not yet classified.
    fn in_markup(&self) -> bool {
        matches!(
            self.st,
            St::Lt
                | St::StartName
                | St::InTag
                | St::AttrName
                | St::AttrEq
                | St::AttrQuote
                | St::AttrValue
                | St::SlashGt
                | St::EndName
                | St::EndWs
        )
    }

    /// First buffer index still needed.
    fn keep_from(&self) -> usize {
        if self.in_unit {
            self.stanza_start.min(self.pos)
        } else if self.in_markup() {
            self.tag_start.min(self.pos)
        } else {
            self.pos
        }
    }

    fn shift(&mut self, d: usize) {
        self.base += d as u64;
        self.pos = self.pos.saturating_sub(d);
        self.tag_start = self.tag_start.saturating_sub(d);
        self.name_end = self.name_end.saturating_sub(d);
        self.aname_start = self.aname_start.saturating_sub(d);
        self.aname_end = self.aname_end.saturating_sub(d);
        self.value_start = self.value_start.saturating_sub(d);
        self.stanza_start = self.stanza_start.saturating_sub(d);
        self.stanza_end = self.stanza_end.saturating_sub(d);
    }

    fn place(&self) -> Place {
        match self.phase {
            Phase::Prolog => Place::Prolog,
            Phase::Epilog => Place::Epilog,
            Phase::Body if self.open.is_empty() => Place::Top,
            Phase::Body => Place::Inside,
        }
    }

    /// How far the scanner may read: the stanza limit counts from the start of the
    /// top-level element, or of any other markup held (the stream's end tag), so that no
    /// state holds more than that many bytes. Outside markup the scanner holds nothing.
    fn scan_end(&self, len: usize) -> usize {
        let from = if self.in_unit {
            self.stanza_start
        } else if self.in_markup() {
            self.tag_start
        } else {
            return len;
        };
        len.min(from.saturating_add(self.limits.max_stanza_bytes))
    }

    fn need_more(&mut self, i: usize, len: usize, end: usize) -> Result<Option<Ev>, Error> {
        self.pos = i;
        if end < len {
            fail!(self, ErrorKind::StanzaTooLarge, end);
        }
        Ok(None)
    }

    /// [`Scanner::scan_name`] for the usual name: ASCII, unprefixed, whole in the buffer
    /// and within the limit, ended by an ASCII byte other than `:`. Exactly where the full
    /// scan would end such a name; anything else goes to the full scan.
    #[inline(always)]
    fn scan_plain_name(
        &mut self,
        b: &[u8],
        start: usize,
        i: usize,
        end: usize,
        colon: &mut u32,
    ) -> Result<NameScan, Error> {
        if i == start && *colon == 0 {
            let run = b
                .get(i..end)
                .and_then(|r| r.split_first())
                .filter(|(c, _)| NAME[usize::from(**c)] & N_START != 0)
                .map(|(_, rest)| {
                    rest.iter()
                        .take_while(|&&c| NAME[usize::from(c)] & N_CHAR != 0)
                        .count()
                });
            if let Some(n) = run {
                let j = i + 1 + n;
                if j - start <= self.limits.max_name_bytes
                    && b.get(j).is_some_and(|&c| c < 0x80 && c != b':')
                    && j < end
                {
                    return Ok(NameScan::Done(j));
                }
            }
        }
        self.scan_name(b, start, i, end, colon)
    }

    /// Scans a name from `i`; `start` is its first byte. `colon` receives the offset of a
    /// single colon (0 = none). Errors come in scanning order and the length limit is
    /// checked wherever a run of name bytes stops, so the outcome does not depend on where
    /// the input was split.
    #[inline(never)]
    fn scan_name(
        &mut self,
        b: &[u8],
        start: usize,
        mut i: usize,
        end: usize,
        colon: &mut u32,
    ) -> Result<NameScan, Error> {
        let max = self.limits.max_name_bytes;
        if i == start {
            let Some(&c) = b.get(i).filter(|_| i < end) else {
                return Ok(NameScan::More(i));
            };
            if NAME[c as usize] & N_START != 0 {
                i += 1;
            } else if c >= 0x80 {
                match decode(&b[i..end]) {
                    Utf8::Char(ch, n) if is_name_start(ch) => i += n,
                    Utf8::Char(..) => fail!(self, ErrorKind::InvalidName, start),
                    Utf8::Incomplete => return Ok(NameScan::More(i)),
                    Utf8::Invalid => fail!(self, ErrorKind::InvalidUtf8, i),
                }
            } else if c == b':' {
                fail!(self, ErrorKind::InvalidName, start);
            } else {
                fail!(
                    self,
                    ErrorKind::Unexpected {
                        found: c,
                        expected: "a name"
                    },
                    i
                );
            }
        }
        loop {
            i += b[i.min(end)..end]
                .iter()
                .position(|&c| NAME[c as usize] & N_CHAR == 0)
                .unwrap_or(end.saturating_sub(i));
            if i - start > max {
                fail!(self, ErrorKind::NameTooLong, start);
            }
            if i >= end {
                return Ok(NameScan::More(i));
            }
            let c = b[i];
            if c == b':' {
                if *colon != 0 {
                    fail!(self, ErrorKind::InvalidName, start);
                }
                *colon = (i - start) as u32;
                i += 1;
                continue;
            }
            if c >= 0x80 {
                match decode(&b[i..end]) {
                    Utf8::Char(ch, n) if is_name_char(ch) => {
                        i += n;
                        continue;
                    }
                    Utf8::Char(..) => fail!(self, ErrorKind::InvalidName, start),
                    Utf8::Incomplete => return Ok(NameScan::More(i)),
                    Utf8::Invalid => fail!(self, ErrorKind::InvalidUtf8, i),
                }
            }
            // The name ends here; the local part of a QName starts with a NameStartChar
            // (Namespaces in XML §4).
            if *colon != 0 {
                let l = start + *colon as usize + 1;
                let ok = match b.get(l..i) {
                    Some([c, ..]) if *c < 0x80 => NAME[*c as usize] & N_START != 0,
                    Some(rest) if !rest.is_empty() => {
                        matches!(decode(rest), Utf8::Char(ch, _) if is_name_start(ch))
                    }
                    _ => false,
                };
                if !ok {
                    fail!(self, ErrorKind::InvalidName, start);
                }
            }
            return Ok(NameScan::Done(i));
        }
    }

    /// Checks the reference at `b[i] == b'&'`: `Ok(Some(next))`, or `Ok(None)` if more
    /// bytes are needed.
    fn scan_ref(&mut self, b: &[u8], i: usize, end: usize) -> Result<Option<usize>, Error> {
        let lim = end.min(i + MAX_REF);
        let Some(semi) = b[i + 1..lim]
            .iter()
            .position(|&x| x == b';')
            .map(|p| i + 1 + p)
        else {
            // Validate what is there so errors come at the same place however the input
            // is split; a reference may not contain these bytes.
            if let Some(p) = b[i + 1..lim]
                .iter()
                .position(|&x| is_ws(x) || x == b'<' || x == b'&' || x == b'"' || x == b'\'')
            {
                let _ = p;
                fail!(self, ErrorKind::InvalidReference, i);
            }
            if lim == i + MAX_REF {
                fail!(self, ErrorKind::ReferenceTooLong, i);
            }
            return Ok(None);
        };
        let body = &b[i + 1..semi];
        match body {
            b"lt" | b"gt" | b"amp" | b"apos" | b"quot" => Ok(Some(semi + 1)),
            [b'#', b'x', hex @ ..] => self.check_char_ref(hex, 16, i, semi),
            [b'#', dec @ ..] => self.check_char_ref(dec, 10, i, semi),
            _ => {
                // A Name other than the predefined five is restricted (RFC 3920 §11.1);
                // anything else is malformed.
                let s = match std::str::from_utf8(body) {
                    Ok(s) => s,
                    Err(_) => fail!(self, ErrorKind::InvalidReference, i),
                };
                let mut chars = s.chars();
                let ok = match chars.next() {
                    Some(c) if c == ':' || is_name_start(c as u32) => {
                        chars.all(|c| c == ':' || is_name_char(c as u32))
                    }
                    _ => false,
                };
                if ok {
                    fail!(self, ErrorKind::EntityReference, i);
                }
                fail!(self, ErrorKind::InvalidReference, i);
            }
        }
    }

    fn check_char_ref(
        &mut self,
        digits: &[u8],
        radix: u32,
        i: usize,
        semi: usize,
    ) -> Result<Option<usize>, Error> {
        if digits.is_empty() {
            fail!(self, ErrorKind::InvalidReference, i);
        }
        let mut v: u32 = 0;
        for &d in digits {
            let Some(x) = (d as char).to_digit(radix) else {
                fail!(self, ErrorKind::InvalidReference, i);
            };
            v = v.saturating_mul(radix).saturating_add(x).min(0x11_0000);
        }
        if !is_char(v) {
            fail!(self, ErrorKind::InvalidChar(v), i);
        }
        Ok(Some(semi + 1))
    }

    /// Runs until an event, more input needed, or an error.
    pub(crate) fn run(&mut self, b: &[u8]) -> Result<Option<Ev>, Error> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let len = b.len();
        let mut end = self.scan_end(len);
        let mut i = self.pos;
        loop {
            match self.st {
                St::Prolog | St::Between | St::Epilog => {
                    if self.st == St::Prolog && self.at_transport_start {
                        // A UTF-8 byte-order mark may start the transport; UTF-16 and
                        // UTF-32 are refused (RFC 3920 §11.5).
                        let rest = &b[i..end];
                        if rest.is_empty() {
                            return self.need_more(i, len, end);
                        }
                        const BOM: &[u8] = b"\xef\xbb\xbf";
                        if rest[0] == 0xef {
                            let n = rest.len().min(3);
                            if rest[..n] != BOM[..n] {
                                fail!(self, ErrorKind::InvalidUtf8, i);
                            }
                            if n < 3 {
                                return self.need_more(i, len, end);
                            }
                            i += 3;
                        } else if matches!(rest[0], 0x00 | 0xfe | 0xff) {
                            fail!(self, ErrorKind::Encoding, i);
                        }
                        self.at_transport_start = false;
                    }
                    let Some(k) = b[i..end].iter().position(|&c| !is_ws(c)) else {
                        if end > i {
                            self.at_start = false;
                        }
                        return self.need_more(end, len, end);
                    };
                    if k > 0 {
                        self.at_start = false;
                    }
                    i += k;
                    let c = b[i];
                    if c == b'<' {
                        self.tag_start = i;
                        self.st = St::Lt;
                        continue;
                    }
                    let kind = match self.st {
                        St::Between => ErrorKind::TextAtTopLevel,
                        St::Epilog => ErrorKind::ContentAfterEnd,
                        _ if c == 0 => ErrorKind::Encoding,
                        _ => ErrorKind::Unexpected {
                            found: c,
                            expected: "'<'",
                        },
                    };
                    fail!(self, kind, i);
                }
                St::Content => loop {
                    let Some(k) = b[i..end].iter().position(|&c| TEXT[c as usize] != PLAIN) else {
                        return self.need_more(end, len, end);
                    };
                    i += k;
                    let c = b[i];
                    match TEXT[c as usize] {
                        LT => {
                            self.tag_start = i;
                            self.st = St::Lt;
                            break;
                        }
                        AMP => match self.scan_ref(b, i, end)? {
                            Some(n) => {
                                self.unit_expand = true;
                                self.text_kind |= TEXT_EXPAND;
                                i = n;
                            }
                            None => return self.need_more(i, len, end),
                        },
                        WS => {
                            self.unit_expand = true;
                            self.text_kind |= TEXT_EXPAND;
                            i += 1;
                        }
                        SPECIAL => {
                            // `]]>` is not allowed in character data (XML 1.0 §2.4).
                            if i + 2 >= end {
                                if i + 1 < end && b[i + 1] != b']' {
                                    i += 1;
                                    continue;
                                }
                                return self.need_more(i, len, end);
                            }
                            if b[i + 1] == b']' && b[i + 2] == b'>' {
                                fail!(self, ErrorKind::CdataEndInText, i);
                            }
                            i += 1;
                        }
                        HIGH => match decode(&b[i..end]) {
                            Utf8::Char(ch, n) => {
                                if !is_char(ch) {
                                    fail!(self, ErrorKind::InvalidChar(ch), i);
                                }
                                i += n;
                            }
                            Utf8::Incomplete => return self.need_more(i, len, end),
                            Utf8::Invalid => fail!(self, ErrorKind::InvalidUtf8, i),
                        },
                        _ => fail!(self, ErrorKind::InvalidChar(u32::from(c)), i),
                    }
                },
                St::CData => loop {
                    let Some(k) = b[i..end]
                        .iter()
                        .position(|&c| !matches!(TEXT[c as usize], PLAIN | LT | AMP | WS))
                    else {
                        return self.need_more(end, len, end);
                    };
                    i += k;
                    let c = b[i];
                    match TEXT[c as usize] {
                        SPECIAL => {
                            if i + 2 >= end {
                                if i + 1 < end && b[i + 1] != b']' {
                                    i += 1;
                                    continue;
                                }
                                return self.need_more(i, len, end);
                            }
                            if b[i + 1] == b']' && b[i + 2] == b'>' {
                                self.cdata_end(i);
                                i += 3;
                                self.st = St::Content;
                                break;
                            }
                            i += 1;
                        }
                        HIGH => match decode(&b[i..end]) {
                            Utf8::Char(ch, n) => {
                                if !is_char(ch) {
                                    fail!(self, ErrorKind::InvalidChar(ch), i);
                                }
                                i += n;
                            }
                            Utf8::Incomplete => return self.need_more(i, len, end),
                            Utf8::Invalid => fail!(self, ErrorKind::InvalidUtf8, i),
                        },
                        _ => fail!(self, ErrorKind::InvalidChar(u32::from(c)), i),
                    }
                },
                St::Lt => {
                    let t = self.tag_start;
                    if !self.in_unit {
                        // Markup outside a first-level element (the stream's end tag) is
                        // under the limit from its `<`.
                        end = self.scan_end(len);
                    }
                    if t + 1 >= end {
                        return self.need_more(t, len, end);
                    }
                    let place = self.place();
                    if place == Place::Top && self.restart_armed {
                        match self.restart_follows(b, t, end) {
                            Some(true) => {
                                self.restart();
                                i = t;
                                continue;
                            }
                            Some(false) => {}
                            None => return self.need_more(t, len, end),
                        }
                    }
                    match b[t + 1] {
                        b'/' => {
                            self.end_text(t);
                            if !matches!(place, Place::Top | Place::Inside) {
                                let kind = if place == Place::Epilog {
                                    ErrorKind::ContentAfterEnd
                                } else {
                                    ErrorKind::Unexpected {
                                        found: b'/',
                                        expected: "a start tag",
                                    }
                                };
                                fail!(self, kind, t);
                            }
                            self.colon = 0;
                            i = t + 2;
                            self.st = St::EndName;
                        }
                        b'?' => match self.processing_instruction(b, t, end, place)? {
                            Some(n) => {
                                i = n;
                                self.st = St::Prolog;
                            }
                            None => return self.need_more(t, len, end),
                        },
                        b'!' => match self.bang(b, t, end, place)? {
                            Some(n) => {
                                self.cdata_begin(t, n);
                                i = n;
                                self.unit_expand = true;
                                self.st = St::CData;
                            }
                            None => return self.need_more(t, len, end),
                        },
                        c => {
                            match place {
                                Place::Epilog => fail!(self, ErrorKind::ContentAfterEnd, t),
                                Place::Prolog if c == 0 => fail!(self, ErrorKind::Encoding, t),
                                Place::Prolog | Place::Top => {
                                    self.restart_armed = false;
                                    self.in_unit = true;
                                    self.unit_expand = false;
                                    self.stanza_start = t;
                                    self.rec.clear();
                                    self.record = self.record_next;
                                    self.text_from = NO_TEXT;
                                    end = self.scan_end(len);
                                }
                                Place::Inside => self.end_text(t),
                            }
                            self.at_start = false;
                            self.colon = 0;
                            self.attrs.clear();
                            self.had_ws = false;
                            i = t + 1;
                            self.st = St::StartName;
                        }
                    }
                }
                St::StartName => {
                    let mut colon = self.colon;
                    let r = self.scan_plain_name(b, self.tag_start + 1, i, end, &mut colon)?;
                    self.colon = colon;
                    match r {
                        NameScan::Done(e) => {
                            self.name_end = e;
                            i = e;
                            self.st = St::InTag;
                        }
                        NameScan::More(e) => return self.need_more(e, len, end),
                    }
                }
                St::InTag => loop {
                    if i >= end {
                        return self.need_more(i, len, end);
                    }
                    let c = b[i];
                    if is_ws(c) {
                        self.had_ws = true;
                        i += 1;
                        continue;
                    }
                    if c == b'>' {
                        i += 1;
                        let ev = self.finish_start(b, i, false)?;
                        if let Some(ev) = ev {
                            self.pos = i;
                            return Ok(Some(ev));
                        }
                        end = self.scan_end(len);
                        break;
                    }
                    if c == b'/' {
                        i += 1;
                        self.st = St::SlashGt;
                        break;
                    }
                    if !self.had_ws {
                        fail!(
                            self,
                            ErrorKind::Unexpected {
                                found: c,
                                expected: "white space, '>' or '/>'"
                            },
                            i
                        );
                    }
                    self.aname_start = i;
                    self.acolon = 0;
                    self.st = St::AttrName;
                    break;
                },
                St::AttrName => {
                    let mut colon = self.acolon;
                    let r = self.scan_plain_name(b, self.aname_start, i, end, &mut colon)?;
                    self.acolon = colon;
                    match r {
                        NameScan::Done(e) => {
                            self.aname_end = e;
                            i = e;
                            // The usual `name='value'`: straight to the value.
                            match b.get(i..i + 2).filter(|_| i + 2 <= end) {
                                Some([b'=', q @ (b'"' | b'\'')]) => {
                                    self.quote = *q;
                                    self.aplain = true;
                                    i += 2;
                                    self.value_start = i;
                                    self.st = St::AttrValue;
                                }
                                _ => self.st = St::AttrEq,
                            }
                        }
                        NameScan::More(e) => return self.need_more(e, len, end),
                    }
                }
                St::AttrEq | St::AttrQuote => {
                    let Some(k) = b[i..end].iter().position(|&c| !is_ws(c)) else {
                        return self.need_more(end, len, end);
                    };
                    i += k;
                    let c = b[i];
                    if self.st == St::AttrEq {
                        if c != b'=' {
                            fail!(
                                self,
                                ErrorKind::Unexpected {
                                    found: c,
                                    expected: "'='"
                                },
                                i
                            );
                        }
                        self.st = St::AttrQuote;
                    } else {
                        if c != b'"' && c != b'\'' {
                            fail!(
                                self,
                                ErrorKind::Unexpected {
                                    found: c,
                                    expected: "a quote"
                                },
                                i
                            );
                        }
                        self.quote = c;
                        self.aplain = true;
                        self.value_start = i + 1;
                        self.st = St::AttrValue;
                    }
                    i += 1;
                }
                St::AttrValue => loop {
                    let Some(k) = b[i..end].iter().position(|&c| ATTR[c as usize] != PLAIN) else {
                        return self.need_more(end, len, end);
                    };
                    i += k;
                    let c = b[i];
                    match ATTR[c as usize] {
                        SPECIAL => {
                            if c == self.quote {
                                self.push_attr(i)?;
                                i += 1;
                                self.had_ws = false;
                                self.st = St::InTag;
                                break;
                            }
                            i += 1;
                        }
                        WS => {
                            self.unit_expand = true;
                            self.aplain = false;
                            i += 1;
                        }
                        LT => fail!(self, ErrorKind::LtInAttributeValue, i),
                        AMP => match self.scan_ref(b, i, end)? {
                            Some(n) => {
                                self.unit_expand = true;
                                self.aplain = false;
                                i = n;
                            }
                            None => return self.need_more(i, len, end),
                        },
                        HIGH => match decode(&b[i..end]) {
                            Utf8::Char(ch, n) => {
                                if !is_char(ch) {
                                    fail!(self, ErrorKind::InvalidChar(ch), i);
                                }
                                i += n;
                            }
                            Utf8::Incomplete => return self.need_more(i, len, end),
                            Utf8::Invalid => fail!(self, ErrorKind::InvalidUtf8, i),
                        },
                        BAD => fail!(self, ErrorKind::InvalidChar(u32::from(c)), i),
                        _ => i += 1,
                    }
                },
                St::SlashGt => {
                    if i >= end {
                        return self.need_more(i, len, end);
                    }
                    let c = b[i];
                    if c != b'>' {
                        fail!(
                            self,
                            ErrorKind::Unexpected {
                                found: c,
                                expected: "'>'"
                            },
                            i
                        );
                    }
                    i += 1;
                    if let Some(ev) = self.finish_start(b, i, true)? {
                        self.pos = i;
                        return Ok(Some(ev));
                    }
                    end = self.scan_end(len);
                }
                St::EndName => {
                    let mut colon = self.colon;
                    let r = self.scan_plain_name(b, self.tag_start + 2, i, end, &mut colon)?;
                    self.colon = colon;
                    match r {
                        NameScan::Done(e) => {
                            self.name_end = e;
                            i = e;
                            self.st = St::EndWs;
                        }
                        NameScan::More(e) => return self.need_more(e, len, end),
                    }
                }
                St::EndWs => {
                    let Some(k) = b[i..end].iter().position(|&c| !is_ws(c)) else {
                        return self.need_more(end, len, end);
                    };
                    i += k;
                    let c = b[i];
                    if c != b'>' {
                        fail!(
                            self,
                            ErrorKind::Unexpected {
                                found: c,
                                expected: "'>'"
                            },
                            i
                        );
                    }
                    i += 1;
                    if let Some(ev) = self.finish_end(b, i)? {
                        self.pos = i;
                        return Ok(Some(ev));
                    }
                    end = self.scan_end(len);
                }
            }
        }
    }

    #[inline]
    fn push_attr(&mut self, value_end: usize) -> Result<(), Error> {
        if self.attrs.len() >= self.limits.max_attributes {
            fail!(self, ErrorKind::TooManyAttributes, self.aname_start);
        }
        let t = self.tag_start;
        self.attrs.push(AttrSpan {
            name: (self.aname_start - t) as u32,
            name_len: (self.aname_end - self.aname_start) as u32,
            colon: self.acolon,
            value: (self.value_start - t) as u32,
            value_len: (value_end - self.value_start) as u32,
            plain: self.aplain,
        });
        Ok(())
    }

    /// `<?`: the XML declaration at the very start, else a processing instruction
    /// (restricted, RFC 3920 §11.1).
    fn processing_instruction(
        &mut self,
        b: &[u8],
        t: usize,
        end: usize,
        place: Place,
    ) -> Result<Option<usize>, Error> {
        let avail = &b[t..end];
        let n = avail.len().min(6);
        let looks_decl = avail[..n.min(5)] == b"<?xml"[..n.min(5)]
            && (n < 6 || is_ws(avail[5]) || avail[5] == b'?');
        if !looks_decl {
            fail!(self, ErrorKind::ProcessingInstruction, t);
        }
        if n < 6 {
            return Ok(None);
        }
        if !(place == Place::Prolog && self.at_start) {
            fail!(self, ErrorKind::XmlDeclaration, t);
        }
        let lim = end.min(t + MAX_DECL);
        let Some(q) = b[t + 5..lim].windows(2).position(|w| w == b"?>") else {
            if lim == t + MAX_DECL {
                fail!(self, ErrorKind::XmlDeclaration, t);
            }
            return Ok(None);
        };
        let body = &b[t + 5..t + 5 + q];
        if let Err(kind) = check_xml_decl(body) {
            fail!(self, kind, t);
        }
        self.at_start = false;
        Ok(Some(t + 5 + q + 2))
    }

    /// `<!`: a CDATA section inside an element; comments and DTDs are restricted.
    fn bang(
        &mut self,
        b: &[u8],
        t: usize,
        end: usize,
        place: Place,
    ) -> Result<Option<usize>, Error> {
        const CDATA: &[u8] = b"<![CDATA[";
        const COMMENT: &[u8] = b"<!--";
        const DOCTYPE: &[u8] = b"<!DOCTYPE";
        let avail = &b[t..end];
        let state = |pat: &[u8]| -> Option<bool> {
            let n = avail.len().min(pat.len());
            if avail[..n] == pat[..n] {
                Some(n == pat.len())
            } else {
                None
            }
        };
        if state(COMMENT) == Some(true) {
            fail!(self, ErrorKind::Comment, t);
        }
        if state(DOCTYPE) == Some(true) {
            fail!(self, ErrorKind::Doctype, t);
        }
        match state(CDATA) {
            Some(true) => {
                if place != Place::Inside {
                    let kind = match place {
                        Place::Top => ErrorKind::TextAtTopLevel,
                        Place::Epilog => ErrorKind::ContentAfterEnd,
                        _ => ErrorKind::Unexpected {
                            found: b'[',
                            expected: "a start tag",
                        },
                    };
                    fail!(self, kind, t);
                }
                return Ok(Some(t + CDATA.len()));
            }
            Some(false) => return Ok(None),
            None => {}
        }
        if state(COMMENT).is_some() || state(DOCTYPE).is_some() {
            return Ok(None);
        }
        let found = avail.get(2).copied().unwrap_or(b'!');
        fail!(
            self,
            ErrorKind::Unexpected {
                found,
                expected: "'[CDATA['"
            },
            t + 2
        )
    }

    fn arena_str(&self, span: (u32, u32)) -> &[u8] {
        let s = span.0 as usize;
        invariant!(self.arena.get(s..s + span.1 as usize), &[])
    }

    fn lookup(&self, prefix: &[u8]) -> Option<(u32, u32)> {
        self.prefixes
            .lookup(&self.bindings, prefix)
            .map(|(_, bd)| bd.uri)
    }

    /// The namespace bound to `prefix`, and the reference the record keeps of it.
    #[inline(always)]
    fn lookup_ref(&self, prefix: &[u8]) -> Option<((u32, u32), u32)> {
        let (at, bd) = self.prefixes.lookup(&self.bindings, prefix)?;
        let r = if (at as usize) < self.base_bindings {
            at | STREAM_LEVEL
        } else {
            bd.src
        };
        Some((bd.uri, r))
    }

    #[inline]
    fn rel(&self, i: usize) -> u32 {
        (i - self.stanza_start) as u32
    }

    /// Content starts at `gt`, just past a tag.
    #[inline]
    fn begin_text(&mut self, gt: usize) {
        if !self.record {
            return;
        }
        self.text_from = self.rel(gt);
        self.seg_from = self.text_from;
        self.text_kind = 0;
        self.text_has = false;
    }

    /// The text being read ends at the tag at `t`: recorded when it has any character.
    #[inline]
    fn end_text(&mut self, t: usize) {
        if self.text_from == NO_TEXT {
            return;
        }
        let t = self.rel(t);
        if self.text_has || t > self.seg_from {
            self.rec.nodes.push(RecNode::Text {
                start: self.text_from,
                len: t - self.text_from,
                kind: self.text_kind,
            });
        }
        self.text_from = NO_TEXT;
    }

    /// A CDATA section at `t` whose content starts at `content`.
    fn cdata_begin(&mut self, t: usize, content: usize) {
        let t = self.rel(t);
        self.text_has |= t > self.seg_from;
        self.cdata_from = self.rel(content);
        self.text_kind |= TEXT_CDATA;
    }

    /// The CDATA section ends with the `]]>` at `i`.
    fn cdata_end(&mut self, i: usize) {
        let i = self.rel(i);
        self.text_has |= i > self.cdata_from;
        self.seg_from = i + 3;
    }

    fn push_binding(&mut self, prefix: &[u8], value: (&[u8], bool), src: u32) -> (u32, u32) {
        let p0 = self.arena.len();
        self.arena.extend_from_slice(prefix);
        let u0 = self.arena.len();
        match value {
            (raw, true) => self.arena.extend_from_slice(raw),
            (raw, false) => unescape_into(raw, true, &mut self.arena),
        }
        let u1 = self.arena.len();
        let uri = (u0 as u32, (u1 - u0) as u32);
        let spans = ((p0 as u32, (u0 - p0) as u32), uri);
        self.prefixes.push(&mut self.bindings, prefix, spans, src);
        uri
    }

    /// Ends the scope of the bindings beyond the first `n`.
    fn pop_bindings(&mut self, n: usize, arena: usize) {
        self.prefixes.truncate(&mut self.bindings, n);
        self.arena.truncate(arena);
    }

    /// Many prefixed attributes (more than [`SMALL`]): the first one in document order
    /// whose namespace and local name an earlier one has (Namespaces in XML §6.3), among
    /// those resolved so far, is an error.
    fn expanded_repeat(&mut self, b: &[u8], t: usize) -> Result<(), Error> {
        let mut scratch = std::mem::take(&mut self.scratch);
        let (attrs, resolved, arena) = (&self.attrs, &self.resolved, &self.arena);
        let key = |i: usize| {
            let (k, uri) = resolved[i];
            let a = attrs[k as usize];
            let s = t + a.name as usize;
            let local = &b[s + a.colon as usize + 1..s + a.name_len as usize];
            let u = uri.0 as usize;
            (local, invariant!(arena.get(u..u + uri.1 as usize), &[]))
        };
        let repeat = first_repeat(resolved.len(), key, self.seed, &mut scratch);
        self.scratch = scratch;
        if let Some(i) = repeat {
            let at = t + self.attrs[self.resolved[i].0 as usize].name as usize;
            fail!(self, ErrorKind::DuplicateExpandedAttribute, at);
        }
        Ok(())
    }

    /// The `declared`-th declaration of an element, at `at`, is within the limits: on the
    /// element, and in scope (the `xml` binding, which is always there, not counted).
    fn declaration_limits(&mut self, declared: usize, at: usize) -> Result<(), Error> {
        if declared > self.limits.max_declarations {
            fail!(self, ErrorKind::TooManyDeclarations, at);
        }
        if self.bindings.len() > self.limits.max_namespaces_in_scope {
            fail!(self, ErrorKind::TooManyNamespaces, at);
        }
        Ok(())
    }

    /// A start tag ended at `gt` (just past `>`): namespaces, attributes, events.
    fn finish_start(&mut self, b: &[u8], gt: usize, empty: bool) -> Result<Option<Ev>, Error> {
        let t = self.tag_start;
        let qname = &b[t + 1..self.name_end];
        let colon = self.colon as usize;
        let n = self.attrs.len();
        let name_of = |a: &AttrSpan| {
            let s = t + a.name as usize;
            &b[s..s + a.name_len as usize]
        };
        // Unique Att Spec (XML 1.0 §3.1): the usual few pair by pair, inline.
        let repeat = if n <= SMALL {
            (1..n).find(|&k| {
                let nk = name_of(&self.attrs[k]);
                self.attrs[..k].iter().any(|a| name_of(a) == nk)
            })
        } else {
            let mut scratch = std::mem::take(&mut self.scratch);
            let attrs = &self.attrs;
            let r = first_repeat(n, |k| (name_of(&attrs[k]), &[]), self.seed, &mut scratch);
            self.scratch = scratch;
            r
        };
        if let Some(k) = repeat {
            let at = t + self.attrs[k].name as usize;
            fail!(self, ErrorKind::DuplicateAttribute, at);
        }
        let bindings_before = self.bindings.len();
        let arena_before = self.arena.len();
        let mut prefixed = 0usize;
        let mut declared = 0usize;
        // The stream header is no part of any tree; everything else is recorded.
        let record = self.record && (self.phase != Phase::Prolog || self.document);
        let rec_attrs = self.rec.attrs.len();
        // Namespace declarations (Namespaces in XML §3).
        for k in 0..n {
            let a = self.attrs[k];
            let name = name_of(&a);
            let value = &b[t + a.value as usize..t + a.value as usize + a.value_len as usize];
            let at = t + a.name as usize;
            let declaration = name == b"xmlns" || (a.colon == 5 && name.starts_with(b"xmlns:"));
            let src = self.rec.decls.len() as u32;
            if declaration {
                declared += 1;
                self.declaration_limits(declared, at)?;
                if record {
                    self.rec.decls.push(RecDecl {
                        value: self.rel(t + a.value as usize),
                        len: a.value_len,
                        plain: a.plain,
                    });
                }
            } else if record {
                let skip = if a.colon == 0 { 0 } else { a.colon + 1 };
                self.rec.attrs.push(RecAttr {
                    name: self.rel(at) + skip,
                    name_len: a.name_len - skip,
                    value: self.rel(t + a.value as usize),
                    value_len: a.value_len,
                    ns: NO_NS,
                    plain: a.plain,
                });
            }
            if name == b"xmlns" {
                if value == XML_NS.as_bytes() || value == XMLNS_NS.as_bytes() {
                    fail!(self, ErrorKind::ReservedNamespace, at);
                }
                let uri = self.push_binding(b"", (value, a.plain), src);
                let u = self.arena_str(uri);
                if u == XML_NS.as_bytes() || u == XMLNS_NS.as_bytes() {
                    fail!(self, ErrorKind::ReservedNamespace, at);
                }
            } else if a.colon == 5 && name.starts_with(b"xmlns:") {
                let p = &name[6..];
                let uri = self.push_binding(p, (value, a.plain), src);
                let u = self.arena_str(uri);
                let bad = p == b"xmlns"
                    || u.is_empty()
                    || u == XMLNS_NS.as_bytes()
                    || ((p == b"xml") != (u == XML_NS.as_bytes()));
                if bad {
                    fail!(self, ErrorKind::ReservedNamespace, at);
                }
            } else if a.colon != 0 {
                prefixed += 1;
            }
        }
        // Element name (Namespaces in XML §5).
        let (prefix, local) = if colon != 0 {
            (&qname[..colon], &qname[colon + 1..])
        } else {
            (&qname[..0], qname)
        };
        if prefix == b"xmlns" {
            fail!(self, ErrorKind::ReservedNamespace, t + 1);
        }
        let (ns, ns_ref) = match self.lookup_ref(prefix) {
            Some(found) => found,
            None if colon == 0 => ((0, 0), NO_NS),
            None => fail!(self, ErrorKind::UnboundPrefix, t),
        };
        // RFC 3920 §11.2.2: elements of jabber:client and jabber:server are never prefixed,
        // at any depth. Only prefixed names (rare) pay for the comparison.
        if colon != 0 && !self.document {
            let u = self.arena_str(ns);
            if u == CLIENT_NS.as_bytes() || u == SERVER_NS.as_bytes() {
                fail!(self, ErrorKind::PrefixedContentNamespace, t);
            }
        }
        // Prefixed attributes: bound, and unique after expansion (Namespaces in XML §6.3).
        if prefixed > 0 {
            self.resolved.clear();
            // The attribute's place in the record (declarations are not recorded).
            let mut ra = rec_attrs;
            for k in 0..n {
                let a = self.attrs[k];
                let name = name_of(&a);
                let c = a.colon as usize;
                if (c == 5 && name.starts_with(b"xmlns:")) || name == b"xmlns" {
                    continue;
                }
                ra += 1;
                if c == 0 {
                    continue;
                }
                let Some((uri, uri_ref)) = self.lookup_ref(&name[..c]) else {
                    if prefixed > SMALL {
                        self.expanded_repeat(b, t)?;
                    }
                    fail!(self, ErrorKind::UnboundPrefix, t + a.name as usize);
                };
                if record && let Some(r) = self.rec.attrs.get_mut(ra - 1) {
                    r.ns = uri_ref;
                }
                let local = &name[c + 1..];
                // RFC 3920 §4.4, §9.1.5: an xml:lang value is an RFC 3066 language tag,
                // on the stream header, on stanzas and on their children alike.
                if local == b"lang" && self.arena_str(uri) == XML_NS.as_bytes() {
                    let v = t + a.value as usize;
                    let value = invariant!(b.get(v..v + a.value_len as usize), &[]);
                    if !is_language_tag(crate::escape::cow_value(value, true).as_bytes()) {
                        if prefixed > SMALL {
                            self.expanded_repeat(b, t)?;
                        }
                        fail!(self, ErrorKind::InvalidLanguageTag, v);
                    }
                }
                if prefixed > SMALL {
                    // Many: checked together once they are all resolved.
                    self.resolved.push((k as u32, uri));
                    continue;
                }
                let dup = self.resolved.iter().any(|&(j, u)| {
                    let o = self.attrs[j as usize];
                    let oname = name_of(&o);
                    oname.get(o.colon as usize + 1..) == Some(local)
                        && self.arena_str(u) == self.arena_str(uri)
                });
                if dup {
                    fail!(
                        self,
                        ErrorKind::DuplicateExpandedAttribute,
                        t + a.name as usize
                    );
                }
                self.resolved.push((k as u32, uri));
            }
            if prefixed > SMALL {
                self.expanded_repeat(b, t)?;
            }
        }
        match self.place() {
            Place::Prolog if !self.document => {
                // What the element is comes first: `<message/>` is no stream at all.
                self.stream_header(b, t, ns, local, colon)?;
                if empty {
                    fail!(
                        self,
                        ErrorKind::Unexpected {
                            found: b'/',
                            expected: "'>' (the stream element stays open)"
                        },
                        gt - 2
                    );
                }
                self.base_bindings = self.bindings.len();
                self.base_arena = self.arena.len();
                self.phase = Phase::Body;
                self.in_unit = false;
                self.st = St::Between;
                return Ok(Some(Ev::Header));
            }
            Place::Prolog | Place::Top => {
                if !self.document {
                    self.top_colon_pending = colon as u32;
                    self.check_top_level(b, ns, local, t)?;
                }
                self.phase = Phase::Body;
                self.top_name_len = qname.len() as u32;
                self.top_colon = colon as u32;
                self.top_attrs.clear();
                self.top_attrs.extend_from_slice(&self.attrs);
                self.unit_elements = 0;
                self.unit_attrs = 0;
                self.stanza_ns.clear();
                let s0 = ns.0 as usize;
                // The arena holds names and unescaped values of validated UTF-8; the
                // content namespaces, the usual ones, need no second look.
                let nsb = invariant!(self.arena.get(s0..s0 + ns.1 as usize), &[]);
                self.stanza_ns.push_str(match nsb {
                    b"jabber:client" => CLIENT_NS,
                    b"jabber:server" => SERVER_NS,
                    _ => invariant!(std::str::from_utf8(nsb).ok(), ""),
                });
            }
            Place::Inside | Place::Epilog => {}
        }
        self.unit_elements = self.unit_elements.wrapping_add(1);
        self.unit_attrs = self.unit_attrs.wrapping_add(n as u32);
        if self.open.len() >= self.limits.max_depth {
            fail!(self, ErrorKind::TooDeep, t);
        }
        let node = self.rec.nodes.len() as u32;
        if record {
            let skip = if colon == 0 { 0 } else { colon as u32 + 1 };
            self.rec.nodes.push(RecNode::Element {
                name: self.rel(t + 1) + skip,
                name_len: qname.len() as u32 - skip,
                ns: ns_ref,
                attrs: rec_attrs as u32,
                attr_len: (self.rec.attrs.len() - rec_attrs) as u32,
                end: node + 1,
            });
        }
        if empty {
            self.pop_bindings(bindings_before, arena_before);
            if self.open.is_empty() {
                return Ok(Some(self.unit_done(gt)));
            }
            self.begin_text(gt);
            self.st = St::Content;
            return Ok(None);
        }
        self.open.push(Open {
            name: (t + 1 - self.stanza_start) as u32,
            name_len: qname.len() as u32,
            bindings: bindings_before as u32,
            arena: arena_before as u32,
            node,
        });
        self.begin_text(gt);
        self.st = St::Content;
        Ok(None)
    }

    fn unit_done(&mut self, gt: usize) -> Ev {
        self.stanza_end = gt;
        self.in_unit = false;
        self.prefixes.prune(&mut self.bindings, &self.arena);
        if self.document {
            self.phase = Phase::Epilog;
            self.st = St::Epilog;
        } else {
            self.st = St::Between;
        }
        Ev::Stanza
    }

    fn finish_end(&mut self, b: &[u8], gt: usize) -> Result<Option<Ev>, Error> {
        let t = self.tag_start;
        let qname = &b[t + 2..self.name_end];
        let Some(top) = self.open.last().copied() else {
            // The stream's own end tag.
            let same = self
                .header
                .as_ref()
                .is_some_and(|h| h.qname().as_bytes() == qname);
            if !same {
                fail!(self, ErrorKind::MismatchedEndTag, t);
            }
            self.phase = Phase::Epilog;
            self.st = St::Epilog;
            return Ok(Some(Ev::Close));
        };
        let s = self.stanza_start + top.name as usize;
        if b.get(s..s + top.name_len as usize) != Some(qname) {
            fail!(self, ErrorKind::MismatchedEndTag, t);
        }
        self.open.pop();
        self.pop_bindings(top.bindings as usize, top.arena as usize);
        let after = self.rec.nodes.len() as u32;
        if let Some(RecNode::Element { end, .. }) = self.rec.nodes.get_mut(top.node as usize) {
            *end = after;
        }
        if self.open.is_empty() {
            return Ok(Some(self.unit_done(gt)));
        }
        self.begin_text(gt);
        self.st = St::Content;
        Ok(None)
    }

    /// RFC 3920 §11.2: the first-level children an XMPP stream carries (§4.7.3
    /// `unsupported-stanza-type` for the others), and the addresses stanzas between
    /// servers carry (§4.7.3 `improper-addressing`, §11.2.2).
    fn check_top_level(
        &mut self,
        b: &[u8],
        ns: (u32, u32),
        local: &[u8],
        t: usize,
    ) -> Result<(), Error> {
        let nsb = self.arena_str(ns);
        let client = nsb == CLIENT_NS.as_bytes();
        let ok = if client || nsb == SERVER_NS.as_bytes() {
            // §11.2.2: the default namespace defines the allowed first-level children, and
            // it is the same for both directions; the other one is not this stream's.
            if client == self.server_stream {
                fail!(self, ErrorKind::ForeignContentNamespace, t);
            }
            let stanza = matches!(local, b"message" | b"presence" | b"iq");
            if stanza && !client && !self.has_addresses(b, t) {
                fail!(self, ErrorKind::MissingAddress, t);
            }
            stanza
        } else if nsb.is_empty() {
            // In no namespace (`xmlns=''`): nothing any XMPP stream defines or extends.
            fail!(self, ErrorKind::UnqualifiedTopLevel, t);
        } else if nsb == STREAMS_NS.as_bytes() {
            // RFC 3920 §11.2.1: always qualified by the streams prefix.
            if self.top_colon_pending == 0 {
                fail!(self, ErrorKind::StreamPrefix, t);
            }
            matches!(local, b"features" | b"error")
        } else if nsb == DIALBACK_NS.as_bytes() {
            if self.top_colon_pending == 0 {
                fail!(self, ErrorKind::DialbackPrefix, t);
            }
            matches!(local, b"result" | b"verify")
        } else {
            true
        };
        if !ok {
            fail!(self, ErrorKind::UnsupportedTopLevel, t);
        }
        Ok(())
    }

    /// Whether the start tag at `t` has non-empty unprefixed `to` and `from` attributes
    /// (RFC 3920 §9.1.1, §9.1.2, §11.2.2: both REQUIRED on stanzas within jabber:server).
    /// A raw value is empty exactly when its normalized value is.
    fn has_addresses(&self, b: &[u8], t: usize) -> bool {
        let (mut to, mut from) = (false, false);
        for a in &self.attrs {
            if a.colon != 0 || a.value_len == 0 {
                continue;
            }
            let s = t + a.name as usize;
            match b.get(s..s + a.name_len as usize) {
                Some(b"to") => to = true,
                Some(b"from") => from = true,
                _ => {}
            }
        }
        to && from
    }

    /// RFC 3920 §4.4, §11.2.1, §11.2.2: the stream header.
    fn stream_header(
        &mut self,
        b: &[u8],
        t: usize,
        ns: (u32, u32),
        local: &[u8],
        colon: usize,
    ) -> Result<(), Error> {
        if local != b"stream" {
            fail!(self, ErrorKind::NotStreamElement, t);
        }
        if self.arena_str(ns) != STREAMS_NS.as_bytes() {
            fail!(self, ErrorKind::StreamNamespace, t);
        }
        if colon == 0 {
            fail!(self, ErrorKind::StreamPrefix, t);
        }
        let default_ns = self.lookup(b"").map(|u| self.arena_str(u).to_vec());
        let default_ns = match default_ns {
            Some(d) if d == CLIENT_NS.as_bytes() || d == SERVER_NS.as_bytes() => d,
            _ => fail!(self, ErrorKind::DefaultNamespace, t),
        };
        self.server_stream = default_ns == SERVER_NS.as_bytes();
        let mut header = StreamHeader::empty();
        header.set_qname(&b[t + 1..self.name_end], colon);
        header.default_namespace = invariant!(String::from_utf8(default_ns).ok(), String::new());
        for a in &self.attrs {
            let s = t + a.name as usize;
            let name = String::from_utf8_lossy(&b[s..s + a.name_len as usize]).into_owned();
            let v = t + a.value as usize;
            let raw = &b[v..v + a.value_len as usize];
            let value = crate::escape::cow_value(raw, true).into_owned();
            if name == "xmlns" {
                header.namespaces.push((String::new(), value));
            } else if let Some(p) = name.strip_prefix("xmlns:") {
                if p == "db" && value != DIALBACK_NS {
                    fail!(self, ErrorKind::DialbackNamespace, t + a.name as usize);
                }
                header.namespaces.push((p.to_owned(), value));
            } else {
                header.attributes.push((name, value));
            }
        }
        if let Some(v) = header.attr("version") {
            match parse_version(v) {
                // A higher version is no error for the receiver: it answers with the lower
                // of the two and the initiator decides (RFC 3920 §4.4.1 rules 2 and 3).
                Some(version) => header.version = Some(version),
                _ => {
                    let at = self
                        .attrs
                        .iter()
                        .find(|a| {
                            let s = t + a.name as usize;
                            &b[s..s + a.name_len as usize] == b"version"
                        })
                        .map_or(t, |a| t + a.name as usize);
                    fail!(self, ErrorKind::Version, at);
                }
            }
        }
        self.header = Some(header);
        Ok(())
    }

    /// Whether the markup at `t` opens a new stream: an XML declaration or a start tag with
    /// the current stream element's name. `None` while the bytes so far cannot tell.
    fn restart_follows(&self, b: &[u8], t: usize, end: usize) -> Option<bool> {
        let avail = &b[t..end];
        let decl: &[u8] = b"<?xml";
        let qname = self
            .header
            .as_ref()
            .map_or(&b""[..], |h| h.qname().as_bytes());
        let n = avail.len().min(decl.len());
        if avail[..n] == decl[..n] {
            return (n == decl.len()).then_some(true);
        }
        let tag_len = 1 + qname.len();
        let n = avail.len().min(tag_len);
        let prefix_ok = avail.first() == Some(&b'<') && avail[1..n] == qname[..n - 1];
        if !prefix_ok {
            return Some(false);
        }
        avail
            .get(tag_len)
            .map(|&c| is_ws(c) || c == b'>' || c == b'/')
    }

    fn restart(&mut self) {
        self.restart_armed = false;
        self.phase = Phase::Prolog;
        self.st = St::Prolog;
        self.at_start = true;
        self.in_unit = false;
        self.open.clear();
        self.pop_bindings(1, 3 + XML_NS.len());
        self.prefixes.prune(&mut self.bindings, &self.arena);
        self.base_bindings = 1;
        self.base_arena = self.arena.len();
        self.header = None;
    }
}

/// Up to this many attributes, uniqueness is checked pair by pair; beyond, by sorting, so
/// that an element's cost grows with its attributes as n log n, not n².
const SMALL: usize = 8;

/// The first of `n` items (in their order) whose key (a pair of byte strings) an earlier
/// item has. Beyond [`SMALL`] items, by sorting their keyed hashes (`seed`): equal keys
/// have equal hashes, and within a run of equal hashes, in document order, keys are
/// compared pair by pair (runs of more than one key are as rare as the seed is secret).
fn first_repeat<'k>(
    n: usize,
    key: impl Fn(usize) -> (&'k [u8], &'k [u8]),
    seed: u64,
    scratch: &mut Vec<(u64, u32)>,
) -> Option<usize> {
    if n <= SMALL {
        return (1..n).find(|&k| {
            let kk = key(k);
            (0..k).any(|j| key(j) == kk)
        });
    }
    scratch.clear();
    scratch.extend((0..n).map(|i| {
        let (x, y) = key(i);
        (
            crate::hash::hash_bytes(crate::hash::hash_bytes(seed, x), y),
            i as u32,
        )
    }));
    scratch.sort_unstable();
    let mut first: Option<usize> = None;
    let mut run = 0;
    while run < scratch.len() {
        let h = scratch[run].0;
        let len = scratch[run..].iter().take_while(|e| e.0 == h).count();
        let group = &scratch[run..run + len];
        for (k, &(_, ik)) in group.iter().enumerate().skip(1) {
            let kk = key(ik as usize);
            if group[..k].iter().any(|&(_, ij)| key(ij as usize) == kk) {
                let ik = ik as usize;
                first = Some(first.map_or(ik, |f| f.min(ik)));
                break;
            }
        }
        run += len;
    }
    first
}

/// `major.minor`, both non-negative decimal integers (RFC 3920 §4.4.1).
fn parse_version(v: &str) -> Option<(u32, u32)> {
    let (a, b) = v.split_once('.')?;
    let num = |s: &str| -> Option<u32> {
        if s.is_empty() || !s.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        s.parse().ok()
    };
    Some((num(a)?, num(b)?))
}

/// The XML declaration after `<?xml`, before `?>` (XML 1.0 §2.8, §4.3.3).
fn check_xml_decl(body: &[u8]) -> Result<(), ErrorKind> {
    let mut i = 0;
    let mut seen = 0u8; // 1 = version, 2 = encoding, 3 = standalone
    loop {
        let ws = body[i..].iter().take_while(|&&c| is_ws(c)).count();
        i += ws;
        if i == body.len() {
            break;
        }
        if ws == 0 {
            return Err(ErrorKind::XmlDeclaration);
        }
        let name_len = body[i..]
            .iter()
            .take_while(|c| c.is_ascii_alphabetic())
            .count();
        let name = &body[i..i + name_len];
        i += name_len;
        i += body[i..].iter().take_while(|&&c| is_ws(c)).count();
        if body.get(i) != Some(&b'=') {
            return Err(ErrorKind::XmlDeclaration);
        }
        i += 1;
        i += body[i..].iter().take_while(|&&c| is_ws(c)).count();
        let q = match body.get(i) {
            Some(&q @ (b'"' | b'\'')) => q,
            _ => return Err(ErrorKind::XmlDeclaration),
        };
        i += 1;
        let Some(vl) = body[i..].iter().position(|&c| c == q) else {
            return Err(ErrorKind::XmlDeclaration);
        };
        let value = &body[i..i + vl];
        i += vl + 1;
        match name {
            b"version" if seen == 0 => {
                let ok = value.len() > 2
                    && value.starts_with(b"1.")
                    && value[2..].iter().all(u8::is_ascii_digit);
                if !ok {
                    return Err(ErrorKind::XmlDeclaration);
                }
                seen = 1;
            }
            b"encoding" if seen == 1 => {
                let ok = value.first().is_some_and(u8::is_ascii_alphabetic)
                    && value
                        .iter()
                        .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-'));
                if !ok {
                    return Err(ErrorKind::XmlDeclaration);
                }
                if !value.eq_ignore_ascii_case(b"utf-8") && !value.eq_ignore_ascii_case(b"utf8") {
                    return Err(ErrorKind::Encoding);
                }
                seen = 2;
            }
            b"standalone" if seen == 1 || seen == 2 => {
                if value != b"yes" && value != b"no" {
                    return Err(ErrorKind::XmlDeclaration);
                }
                seen = 3;
            }
            _ => return Err(ErrorKind::XmlDeclaration),
        }
    }
    if seen == 0 {
        return Err(ErrorKind::XmlDeclaration);
    }
    Ok(())
}

/// The incremental parser of one direction of an XMPP stream (or of one XML document).
///
/// Feed bytes with [`Parser::feed`], split anywhere; pull [`Event`]s with
/// [`Parser::next_event`] until it returns `Ok(None)`, then feed more.
pub struct Parser {
    buf: Vec<u8>,
    s: Scanner,
    /// An event the scanner reached in [`Parser::finish`], handed out by the next
    /// [`Parser::next_event`]; its bytes stay in `buf` until then.
    unread: Option<Ev>,
    /// [`Parser::restart`] was called while an event was unread: the restart comes after it.
    restart_after_unread: bool,
}

impl Default for Parser {
    fn default() -> Self {
        Parser::new()
    }
}

impl Parser {
    /// A stream parser with the default [`Limits`]; the same as
    /// `Parser::stream(Limits::default())`.
    pub fn new() -> Self {
        Parser::stream(Limits::default())
    }

    /// A parser of an XMPP stream (RFC 3920 §4): a stream header, first-level elements,
    /// the stream's end, with the given limits.
    pub fn stream(limits: Limits) -> Self {
        Parser {
            buf: Vec::with_capacity(8192),
            s: Scanner::new(limits, false),
            unread: None,
            restart_after_unread: false,
        }
    }

    /// A parser of one standalone XML document within the same restrictions: no stream
    /// header is expected, the document element comes as one [`Event::Stanza`], and
    /// [`Parser::finish`] tells whether the document was complete.
    pub fn document(limits: Limits) -> Self {
        Parser {
            buf: Vec::with_capacity(8192),
            s: Scanner::new(limits, true),
            unread: None,
            restart_after_unread: false,
        }
    }

    /// Whether the parser records the structure of each first-level element while it
    /// validates it (on by default), so that [`Stanza::to_element`] builds the tree from
    /// that record without reading the bytes again. A parser that mostly routes stanzas
    /// untouched may turn it off: framing then costs about an eighth less, and a tree,
    /// when one is wanted, costs a second reading of its bytes. It applies from the next
    /// first-level element.
    pub fn record_trees(&mut self, on: bool) {
        self.s.record_next = on;
    }

    /// The limits in force.
    pub fn limits(&self) -> Limits {
        self.s.limits
    }

    /// Appends bytes received from the transport. After an error nothing more is parsed,
    /// so what was held and what arrives are dropped (and counted in [`Parser::offset`]).
    pub fn feed(&mut self, data: &[u8]) {
        if self.s.error.is_some() {
            let held = self.buf.len();
            self.buf.clear();
            self.s.shift(held);
            self.s.base += data.len() as u64;
            return;
        }
        let mut keep = self.s.keep_from();
        if self.unread == Some(Ev::Stanza) {
            keep = keep.min(self.s.stanza_start);
        }
        let keep = keep.min(self.buf.len());
        if keep > 0 {
            self.buf.drain(..keep);
            self.s.shift(keep);
        }
        self.buf.extend_from_slice(data);
    }

    /// Bytes the parser holds: the unfinished element or markup, plus what was fed since
    /// the last call to [`Parser::next_event`] consumed it. Bounded by the stanza limit and
    /// the size of the chunks fed, however long the stream runs and whatever it holds
    /// (white space is consumed as it arrives; after an error nothing is held).
    pub fn buffered(&self) -> usize {
        self.buf.len() - self.s.keep_from().min(self.buf.len())
    }

    /// Transport offset of the next byte to be fed.
    pub fn offset(&self) -> u64 {
        self.s.base + self.buf.len() as u64
    }

    /// The next event; `Ok(None)` when more bytes are needed. After an error every call
    /// returns the same error.
    pub fn next_event(&mut self) -> Result<Option<Event<'_>>, Error> {
        let ev = match self.unread.take() {
            Some(ev) => ev,
            None => {
                self.restart_if_deferred();
                match self.s.run(&self.buf)? {
                    Some(ev) => ev,
                    None => return Ok(None),
                }
            }
        };
        Ok(Some(match ev {
            // The scanner sets the header before it reports it.
            Ev::Header => Event::StreamOpen(invariant!(self.s.header.as_ref(), return Ok(None))),
            Ev::Close => Event::StreamClose,
            Ev::Stanza => {
                let s = &self.s;
                let bytes = invariant!(self.buf.get(s.stanza_start..s.stanza_end), &[]);
                Event::Stanza(Stanza::new(
                    bytes,
                    s.base + s.stanza_start as u64,
                    s.top_name_len as usize,
                    s.top_colon as usize,
                    &s.stanza_ns,
                    &s.top_attrs,
                    NsContext {
                        bindings: &s.bindings[..s.base_bindings.min(s.bindings.len())],
                        arena: &s.arena,
                    },
                    s.limits,
                    (s.unit_elements, s.unit_attrs, s.unit_expand),
                    s.record.then_some(&s.rec),
                ))
            }
        }))
    }

    /// Expects a new stream on the same transport now (RFC 3920 §5.3, §6.2, after TLS or
    /// SASL success): the next bytes must be a fresh stream header, optionally after an
    /// XML declaration. Bytes already fed and not yet parsed are kept; an event still
    /// unread (see [`Parser::finish`]) comes first.
    pub fn expect_new_stream(&mut self) {
        if self.unread.is_some() {
            self.restart_after_unread = true;
        } else {
            self.s.restart();
        }
    }

    fn restart_if_deferred(&mut self) {
        if self.restart_after_unread {
            self.restart_after_unread = false;
            self.s.restart();
        }
    }

    /// Permits the peer to open a new stream at the next first-level position, as after
    /// SASL success (RFC 3920 §6.2) — for an observer of one direction that does not see
    /// the other side's `<success/>`. A first-level element there cancels it. A receiving
    /// entity that knows a new stream must come calls [`Parser::expect_new_stream`].
    pub fn permit_new_stream(&mut self) {
        if self.s.phase == Phase::Body {
            self.s.restart_armed = true;
        }
    }

    /// The header of the current stream, once read.
    pub fn header(&self) -> Option<&StreamHeader> {
        self.s.header.as_ref()
    }

    /// Whether the stream was closed (or the document element ended).
    pub fn is_closed(&self) -> bool {
        self.s.phase == Phase::Epilog
    }

    /// Tells the parser the input has ended. In document mode an unfinished document is an
    /// error; in stream mode the stream may simply stop, which [`Ending::Open`] reports.
    /// While events are waiting it returns [`Ending::Unread`] and discards nothing: take
    /// them with [`Parser::next_event`] and call it again.
    pub fn finish(&mut self) -> Result<Ending, Error> {
        if let Some(e) = self.s.error {
            return Err(e);
        }
        if self.unread.is_some() {
            return Ok(Ending::Unread);
        }
        self.restart_if_deferred();
        if let Some(ev) = self.s.run(&self.buf)? {
            self.unread = Some(ev);
            return Ok(Ending::Unread);
        }
        let keep = self.s.keep_from().min(self.buf.len());
        if self.s.phase == Phase::Epilog {
            // White space after the end is consumed as it arrives; what is left is the
            // start of markup too short to classify (`<`, `<!-`, `<?`). Whatever it would
            // have become, it is not well-formed or restricted (XML 1.0 §2.1 [1], [27]:
            // only comments, PIs and white space follow the root; RFC 3920 §11.1).
            if keep < self.buf.len() {
                let e = Error::new(ErrorKind::ContentAfterEnd, self.s.base + keep as u64);
                self.s.error = Some(e);
                return Err(e);
            }
            return Ok(Ending::Closed);
        }
        let pending = (self.buf.len() - keep) as u64;
        if self.s.document {
            let kind = if self.s.phase == Phase::Prolog && !self.s.in_unit {
                ErrorKind::NoRootElement
            } else {
                ErrorKind::UnexpectedEof
            };
            let e = Error::new(kind, self.s.base + self.buf.len() as u64);
            self.s.error = Some(e);
            return Err(e);
        }
        Ok(Ending::Open {
            header_seen: self.s.header.is_some(),
            pending_bytes: pending,
        })
    }
}
