//! Entry points shared by the fuzz targets and the tests that replay their corpora
//! (cargo feature `fuzzing`; not part of the stable API).
//!
//! Each function panics when it finds a property violated, which is what the fuzzer
//! reports; on any input it must otherwise return normally.

use crate::element::{Attribute, Element};
use crate::parser::{Limits, Parser};
use crate::stanza::Event;

/// What the parser reported for an input, in a comparable form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    /// A stream header with its qualified name and attributes.
    Open(String, Vec<(String, String)>),
    /// A stanza: offset and bytes.
    Stanza(u64, Vec<u8>),
    /// The stream end.
    Close,
    /// An error: condition name and offset.
    Error(String, u64),
    /// The end of input: whether the stream (or document) was complete.
    End(bool),
}

/// Feeds `data` cut at the given chunk sizes (cycled; whole input when empty) and records
/// everything the parser reports. Every stanza's tree must build, and the tree must
/// survive the writer and a second parse unchanged.
pub fn observe(data: &[u8], chunks: &[usize], document: bool) -> Vec<Seen> {
    let limits = Limits::default()
        .max_stanza_bytes(1 << 16)
        .max_depth(64)
        .max_attributes(32)
        .max_name_bytes(256);
    let mut p = if document {
        Parser::document(limits)
    } else {
        Parser::stream(limits)
    };
    let mut seen = Vec::new();
    let mut at = 0;
    let mut k = 0;
    loop {
        let n = if chunks.is_empty() {
            data.len() - at
        } else {
            let c = chunks[k % chunks.len()].max(1);
            k += 1;
            c.min(data.len() - at)
        };
        p.feed(&data[at..at + n]);
        at += n;
        loop {
            match p.next_event() {
                Ok(Some(Event::StreamOpen(h))) => {
                    seen.push(Seen::Open(h.qname().to_owned(), h.attributes().to_vec()))
                }
                Ok(Some(Event::Stanza(s))) => {
                    let el = match s.to_element() {
                        Ok(el) => el,
                        Err(e) => panic!("validated stanza does not build: {e}"),
                    };
                    // The tree built from the scanner's record is the tree built by
                    // reading the bytes again, on that builder's fast path (nothing to
                    // expand, as the scanner saw it) and on its general path.
                    for (what, again) in [
                        ("rescanned", s.rescanned_element()),
                        ("general", s.general_element()),
                    ] {
                        match again {
                            Ok(t) => assert_eq!(el, t, "recorded and {what} trees differ"),
                            Err(e) => panic!("validated stanza does not build {what}: {e}"),
                        }
                    }
                    check_written(&el);
                    seen.push(Seen::Stanza(s.offset(), s.bytes().to_vec()));
                }
                Ok(Some(Event::StreamClose)) => seen.push(Seen::Close),
                Ok(None) => break,
                Err(e) => {
                    seen.push(Seen::Error(e.condition().to_string(), e.offset()));
                    return seen;
                }
            }
        }
        if at >= data.len() {
            break;
        }
    }
    match p.finish() {
        Ok(end) => seen.push(Seen::End(end == crate::parser::Ending::Closed)),
        Err(e) => seen.push(Seen::Error(e.condition().to_string(), e.offset())),
    }
    seen
}

/// Writes an element and parses it back as a document: it must come back equal.
pub fn check_written(el: &Element<'_>) {
    let mut out = Vec::new();
    if el.write_to(&mut out).is_err() {
        return;
    }
    let back = parse_document(&out);
    match back {
        Some(b) if b == *el => {}
        other => panic!(
            "written element did not parse back: {}\n{el:?}\n{other:?}",
            String::from_utf8_lossy(&out)
        ),
    }
}

/// Parses one document with generous limits; `None` if it is rejected.
pub fn parse_document(bytes: &[u8]) -> Option<Element<'static>> {
    let limits = Limits::default()
        .max_stanza_bytes(usize::MAX)
        .max_depth(1024)
        .max_attributes(4096)
        .max_name_bytes(4096);
    let mut p = Parser::document(limits);
    p.feed(bytes);
    let mut el = None;
    while let Ok(Some(ev)) = p.next_event() {
        if let Event::Stanza(s) = ev {
            el = s.to_element().ok().map(Element::into_owned);
        }
    }
    p.finish().ok()?;
    el
}

/// Fuzz target `xml_parse`: raw bytes as a stream and as a document.
pub fn parse_bytes(data: &[u8]) {
    observe(data, &[], false);
    observe(data, &[], true);
}

/// Fuzz target `xml_split`: the first bytes choose chunk sizes; the rest is fed whole and
/// split, and both must give the same events and errors.
pub fn split_invariance(data: &[u8]) {
    let (head, body) = data.split_at(data.len().min(4));
    let chunks: Vec<usize> = head.iter().map(|&b| usize::from(b % 17) + 1).collect();
    for document in [false, true] {
        let whole = observe(body, &[], document);
        let split = observe(body, &chunks, document);
        assert_eq!(whole, split, "chunks {chunks:?} change the outcome");
        let bytewise = observe(body, &[1], document);
        assert_eq!(whole, bytewise, "byte-wise feeding changes the outcome");
    }
}

/// Fuzz target `xml_roundtrip`: builds an element from the bytes (names, namespaces, text
/// and attribute values drawn from them), writes it and parses it back.
pub fn roundtrip(data: &[u8]) {
    let el = element_from_bytes(data);
    let mut out = Vec::new();
    match el.write_to(&mut out) {
        Ok(()) => check_written(&el),
        Err(_) => assert!(out.is_empty(), "a refused element left output behind"),
    }
}

/// Names for elements and attributes; the last ones the writer must refuse (a
/// declaration, prefixed names) or must not confuse with the prefixes it writes.
const NAMES: &[&str] = &[
    "a", "body", "x-y", "q.1", "\u{e9}l", "_n", "message", "iq", "n0", "xmlns", "xmlns:p", "xml:x",
    "stream:a",
];
const NAMESPACES: &[&str] = &[
    "",
    "jabber:client",
    "urn:a",
    "urn:b&c",
    "http://x/'\"",
    crate::parser::STREAMS_NS,
    crate::parser::DIALBACK_NS,
];

/// A deterministic element built from bytes; depth is bounded by the input length.
pub fn element_from_bytes(data: &[u8]) -> Element<'static> {
    let mut it = data.iter().copied();
    let mut next = move || it.next();
    let mut stack: Vec<Element<'static>> = vec![Element::new("", "root")];
    while let Some(op) = next() {
        let arg = next().unwrap_or(0);
        match op % 6 {
            0 => {
                let el = Element::new(
                    NAMESPACES[usize::from(arg) % NAMESPACES.len()],
                    NAMES[usize::from(arg >> 3) % NAMES.len()],
                );
                if stack.len() < 32 {
                    stack.push(el);
                }
            }
            1 if stack.len() > 1 => {
                if let Some(done) = stack.pop()
                    && let Some(top) = stack.last_mut()
                {
                    top.push_child(done);
                }
            }
            2 | 3 => {
                let len = usize::from(arg % 8);
                let mut s = String::new();
                for _ in 0..len {
                    let c = next().unwrap_or(b'x');
                    s.push(match c % 8 {
                        0 => '&',
                        1 => '<',
                        2 => '\r',
                        3 => ']',
                        4 => '>',
                        5 => '\u{1f600}',
                        6 => char::from(c & 0x3f),
                        _ => char::from(b'a' + c % 26),
                    });
                }
                let Some(top) = stack.last_mut() else {
                    continue;
                };
                if op % 6 == 2 {
                    if s.is_empty() {
                        continue;
                    }
                    top.push_text(s);
                } else {
                    let name = NAMES[usize::from(arg >> 3) % NAMES.len()];
                    let ns = NAMESPACES[usize::from(arg >> 1) % NAMESPACES.len()];
                    let ns = if arg & 1 == 0 { "" } else { ns };
                    if top.attr_ns(ns, name).is_none() {
                        top.push_attr(Attribute {
                            namespace: ns.into(),
                            name: name.into(),
                            value: s.into(),
                        });
                    }
                }
            }
            4 => {
                if let Some(top) = stack.last_mut()
                    && top.attr_ns(crate::parser::XML_NS, "lang").is_none()
                {
                    top.push_attr(Attribute {
                        namespace: crate::parser::XML_NS.into(),
                        name: "lang".into(),
                        value: String::from(char::from(b'a' + arg % 26)).into(),
                    });
                }
            }
            _ => {}
        }
    }
    while stack.len() > 1 {
        if let Some(done) = stack.pop() {
            if let Some(top) = stack.last_mut() {
                top.push_child(done);
            }
        }
    }
    stack.pop().unwrap_or_default()
}
