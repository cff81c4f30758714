//! One driver per XML parser under comparison, each consuming a whole stream the way the
//! benchmark table describes it. The criterion bench, the allocation probe and the callgrind
//! example all call these, so every figure of the table measures the same code.

use std::hint::black_box;
use std::io::BufReader;

use crate::alloc_count::{AllocSnapshot, CountingAlloc};

/// Size of the chunks the push parsers are fed with, and of quick-xml's read buffer.
pub const CHUNK: usize = 4096;

/// Seed of the benchmark corpus (the number of the RFC the stream follows).
pub const SEED: u64 = 3920;

/// Size of the benchmark corpus: 8 MiB, as `shared/corpus/c2s-8mb.xml`.
pub const CORPUS_BYTES: usize = 8 * 1024 * 1024;

/// The parsers and baselines of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum XmlParser {
    /// Our `xmpp_xml::Parser` fed 4 KiB chunks: full validation, one `Event::Stanza` per
    /// top-level element, its `to` attribute read; no tree record (`record_trees(false)`).
    XmppFraming,
    /// The same recording each stanza's structure (the default), plus the element tree of
    /// every stanza (`Stanza::to_element`).
    XmppTree,
    /// quick-xml `NsReader` over a 4 KiB `BufReader`: every event, element and attribute
    /// namespaces resolved, attribute values unescaped and normalized, text EOL-normalized, references
    /// resolved.
    QuickXmlNs,
    /// rxml `Parser` fed 4 KiB chunks: every namespace-resolved event.
    Rxml,
    /// xmlparser tokenizing the whole buffer (after `str::from_utf8`, which it needs).
    Xmlparser,
    /// `memchr` counting `<` over 4 KiB chunks (vectorized count, matches not visited).
    MemchrCount,
    /// `memchr` finding every `<` over 4 KiB chunks, one call per match: what a tag scanner
    /// built on `memchr` pays at least.
    MemchrFind,
    /// `std::str::from_utf8` over the whole buffer.
    Utf8,
}

impl XmlParser {
    /// Every entry, in table order.
    pub const ALL: [XmlParser; 8] = [
        XmlParser::XmppFraming,
        XmlParser::XmppTree,
        XmlParser::QuickXmlNs,
        XmlParser::Rxml,
        XmlParser::Xmlparser,
        XmlParser::MemchrCount,
        XmlParser::MemchrFind,
        XmlParser::Utf8,
    ];

    /// Short name, used as criterion id and command-line argument.
    pub fn name(self) -> &'static str {
        match self {
            XmlParser::XmppFraming => "xmpp-xml-framing",
            XmlParser::XmppTree => "xmpp-xml-tree",
            XmlParser::QuickXmlNs => "quick-xml-ns",
            XmlParser::Rxml => "rxml",
            XmlParser::Xmlparser => "xmlparser",
            XmlParser::MemchrCount => "memchr-count",
            XmlParser::MemchrFind => "memchr-find",
            XmlParser::Utf8 => "from_utf8",
        }
    }

    /// The entry called `name`, if any.
    pub fn from_name(name: &str) -> Option<XmlParser> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }

    /// Runs over `doc`; returns a count of what the parser produced (events, tokens, bytes).
    pub fn run(self, doc: &[u8]) -> Result<usize, String> {
        match self {
            XmlParser::XmppFraming => xmpp_xml_stream(doc, CHUNK, false),
            XmlParser::XmppTree => xmpp_xml_stream(doc, CHUNK, true),
            XmlParser::QuickXmlNs => quick_xml_ns(doc, CHUNK),
            XmlParser::Rxml => rxml_push(doc, CHUNK),
            XmlParser::Xmlparser => xmlparser_tokens(doc),
            XmlParser::MemchrCount => Ok(memchr_count(doc, CHUNK)),
            XmlParser::MemchrFind => Ok(memchr_find(doc, CHUNK)),
            XmlParser::Utf8 => std::str::from_utf8(doc)
                .map(|s| s.len())
                .map_err(|e| e.to_string()),
        }
    }
}

/// `xmpp_xml::Parser` fed `chunk` bytes at a time; reads the `to` attribute of every
/// stanza and, when `tree` is set, builds its element tree. Counts stanzas; a stream that
/// does not end with its closing tag is an error.
pub fn xmpp_xml_stream(doc: &[u8], chunk: usize, tree: bool) -> Result<usize, String> {
    use xmpp_xml::Event;
    let mut parser = xmpp_xml::Parser::new();
    // Framing alone records nothing for trees; building them, the parser records each
    // stanza's structure while it validates it (the default).
    parser.record_trees(tree);
    let mut stanzas = 0usize;
    for piece in doc.chunks(chunk) {
        parser.feed(piece);
        while let Some(ev) = parser.next_event().map_err(|e| format!("xmpp-xml: {e}"))? {
            match ev {
                Event::StreamOpen(header) => {
                    black_box(header);
                }
                Event::Stanza(s) => {
                    stanzas += 1;
                    black_box(s.attr("to"));
                    if tree {
                        black_box(s.to_element().map_err(|e| format!("xmpp-xml tree: {e}"))?);
                    }
                }
                Event::StreamClose => {}
            }
        }
    }
    if parser.is_closed() {
        Ok(stanzas)
    } else {
        Err("xmpp-xml: stream not closed".to_owned())
    }
}

/// `xmpp_xml::Parser` framing a stream whose stanzas are the stanzas of `doc` (a closed
/// generated stream) repeated `repeats` times, fed `chunk` bytes at a time without ever
/// holding the whole stream: one header, `repeats` copies of the body, one closing tag.
/// Shows that the parser's memory does not depend on how long the stream runs. Counts
/// stanzas.
pub fn xmpp_xml_repeated(doc: &[u8], repeats: usize, chunk: usize) -> Result<usize, String> {
    use crate::corpus::{STREAM_FOOTER, STREAM_HEADER};
    use xmpp_xml::Event;
    let body = doc
        .get(STREAM_HEADER.len()..doc.len().saturating_sub(STREAM_FOOTER.len()))
        .ok_or("stream shorter than its header and closing tag")?;
    let pieces = std::iter::once(STREAM_HEADER.as_bytes())
        .chain((0..repeats).flat_map(|_| body.chunks(chunk)))
        .chain(std::iter::once(STREAM_FOOTER.as_bytes()));
    let mut parser = xmpp_xml::Parser::new();
    parser.record_trees(false);
    let mut stanzas = 0usize;
    for piece in pieces {
        parser.feed(piece);
        while let Some(ev) = parser.next_event().map_err(|e| format!("xmpp-xml: {e}"))? {
            if let Event::Stanza(s) = ev {
                stanzas += 1;
                black_box(s.attr("to"));
            }
        }
    }
    if parser.is_closed() {
        Ok(stanzas)
    } else {
        Err("xmpp-xml: stream not closed".to_owned())
    }
}

/// quick-xml `NsReader`, reading through a `BufReader` of `chunk` bytes. Counts events.
pub fn quick_xml_ns(doc: &[u8], chunk: usize) -> Result<usize, String> {
    use quick_xml::XmlVersion;
    use quick_xml::events::Event;
    let mut reader = quick_xml::NsReader::from_reader(BufReader::with_capacity(chunk, doc));
    let mut buf = Vec::with_capacity(chunk);
    let mut events = 0usize;
    loop {
        let (ns, ev) = reader
            .read_resolved_event_into(&mut buf)
            .map_err(|e| format!("quick-xml: {e}"))?;
        black_box(ns);
        events += 1;
        match ev {
            Event::Start(e) | Event::Empty(e) => {
                for attr in e.attributes() {
                    let attr = attr.map_err(|e| format!("quick-xml attribute: {e}"))?;
                    black_box(reader.resolver().resolve_attribute(attr.key));
                    black_box(
                        attr.normalized_value(XmlVersion::Explicit1_0)
                            .map_err(|e| format!("quick-xml attribute value: {e}"))?,
                    );
                }
            }
            Event::Text(t) => {
                black_box(t.xml10_content());
            }
            Event::GeneralRef(r) => {
                if r.is_char_ref() {
                    black_box(
                        r.resolve_char_ref()
                            .map_err(|e| format!("quick-xml reference: {e}"))?,
                    );
                } else {
                    let name = r.xml10_content();
                    let resolved = quick_xml::escape::resolve_predefined_entity(&name)
                        .ok_or_else(|| format!("quick-xml: unknown entity {name}"))?;
                    black_box(resolved);
                }
            }
            Event::Eof => break,
            other => {
                black_box(other);
            }
        }
        buf.clear();
    }
    Ok(events)
}

/// rxml `Parser` fed `chunk` bytes at a time (the last chunk with `at_eof`). Counts events.
pub fn rxml_push(doc: &[u8], chunk: usize) -> Result<usize, String> {
    use rxml::Parse;
    use rxml::error::EndOrError;
    let mut parser = rxml::Parser::new();
    let mut events = 0usize;
    let mut chunks = doc.chunks(chunk).peekable();
    while let Some(piece) = chunks.next() {
        let at_eof = chunks.peek().is_none();
        let mut data = piece;
        loop {
            match parser.parse(&mut data, at_eof) {
                Ok(Some(ev)) => {
                    events += 1;
                    black_box(ev);
                }
                Ok(None) => return Ok(events),
                Err(EndOrError::NeedMoreData) if data.is_empty() => break,
                Err(EndOrError::NeedMoreData) => {}
                Err(EndOrError::Error(e)) => return Err(format!("rxml: {e}")),
            }
        }
    }
    Ok(events)
}

/// xmlparser over the whole buffer (validated as UTF-8 first). Counts tokens.
pub fn xmlparser_tokens(doc: &[u8]) -> Result<usize, String> {
    let text = std::str::from_utf8(doc).map_err(|e| format!("xmlparser input: {e}"))?;
    let mut tokens = 0usize;
    for token in xmlparser::Tokenizer::from(text) {
        let token = token.map_err(|e| format!("xmlparser: {e}"))?;
        tokens += 1;
        black_box(token);
    }
    Ok(tokens)
}

/// Number of `<` in `doc`, `chunk` bytes at a time, with `memchr`'s counting iterator.
pub fn memchr_count(doc: &[u8], chunk: usize) -> usize {
    doc.chunks(chunk)
        .map(|c| memchr::memchr_iter(b'<', black_box(c)).count())
        .sum()
}

/// Number of `<` in `doc`, scanning `chunk` bytes at a time with `memchr` and visiting
/// every match (as a tag scanner would), not just counting them.
pub fn memchr_find(doc: &[u8], chunk: usize) -> usize {
    let mut found = 0usize;
    for c in doc.chunks(chunk) {
        let mut at = 0usize;
        while let Some(i) = memchr::memchr(b'<', c.get(at..).unwrap_or_default()) {
            found += 1;
            at += i + 1;
            black_box(at);
        }
    }
    found
}

/// Allocations and memory of one run of a parser over one stream.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AllocRun {
    /// Length of the stream in bytes.
    pub stream_bytes: usize,
    /// Top-level elements in the stream.
    pub stanzas: usize,
    /// Allocation events (alloc + realloc) during the run.
    pub allocs: u64,
    /// Bytes requested during the run.
    pub bytes: u64,
    /// Peak of the bytes allocated and not yet freed during the run.
    pub peak_extra: u64,
}

/// Runs `f` once with `alloc` counting and reports what it allocated.
pub fn measure_allocs<F>(
    alloc: &CountingAlloc,
    stream_bytes: usize,
    stanzas: usize,
    f: F,
) -> Result<AllocRun, String>
where
    F: FnOnce() -> Result<usize, String>,
{
    alloc.start();
    let before: AllocSnapshot = alloc.snapshot();
    let result = f();
    let after = alloc.snapshot();
    alloc.stop();
    black_box(result?);
    Ok(AllocRun {
        stream_bytes,
        stanzas,
        allocs: after.events_since(&before),
        bytes: after.bytes_since(&before),
        peak_extra: u64::try_from(after.peak).unwrap_or(0),
    })
}

/// Steady-state figures from a run over a short stream and one over a long stream that
/// starts with the short one: what the extra stanzas cost.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SteadyState {
    /// The short run.
    pub short: AllocRun,
    /// The long run.
    pub long: AllocRun,
}

impl SteadyState {
    /// Allocation events per stanza over the stanzas the long run has beyond the short one.
    pub fn allocs_per_stanza(&self) -> f64 {
        let extra = self.long.stanzas.saturating_sub(self.short.stanzas);
        if extra == 0 {
            return 0.0;
        }
        self.long.allocs.saturating_sub(self.short.allocs) as f64 / extra as f64
    }

    /// Bytes requested per stanza over the same stanzas.
    pub fn bytes_per_stanza(&self) -> f64 {
        let extra = self.long.stanzas.saturating_sub(self.short.stanzas);
        if extra == 0 {
            return 0.0;
        }
        self.long.bytes.saturating_sub(self.short.bytes) as f64 / extra as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::generate;

    #[test]
    fn every_driver_accepts_the_corpus() {
        let c = generate(128 * 1024, SEED, true);
        for p in XmlParser::ALL {
            let n = p.run(&c.bytes);
            assert!(
                matches!(n, Ok(k) if k >= c.stats.stanzas()),
                "{}: {n:?}",
                p.name()
            );
        }
    }

    #[test]
    fn ours_sees_every_stanza() {
        let c = generate(128 * 1024, SEED, true);
        for tree in [false, true] {
            assert_eq!(
                xmpp_xml_stream(&c.bytes, CHUNK, tree),
                Ok(c.stats.stanzas())
            );
        }
    }

    #[test]
    fn repeated_stream_has_every_copy() {
        let c = generate(32 * 1024, SEED, true);
        assert_eq!(
            xmpp_xml_repeated(&c.bytes, 3, CHUNK),
            Ok(3 * c.stats.stanzas())
        );
    }

    #[test]
    fn drivers_reject_broken_xml() {
        let mut doc = generate(16 * 1024, SEED, true).bytes;
        // Between two stanzas.
        let at = crate::corpus::STREAM_HEADER.len();
        doc.splice(at..at, b"<a></b>".iter().copied());
        assert!(xmpp_xml_stream(&doc, CHUNK, false).is_err());
        assert!(quick_xml_ns(&doc, CHUNK).is_err());
        assert!(rxml_push(&doc, CHUNK).is_err());
        // xmlparser is a tokenizer: it does not match end tags, so it accepts this one; it does reject an unquoted attribute value.
        assert!(xmlparser_tokens(b"<a b=c/>").is_err());
    }

    #[test]
    fn memchr_counts_tags() {
        assert_eq!(memchr_find(b"<a><b/></a>", 2), 3);
        assert_eq!(memchr_count(b"<a><b/></a>", 2), 3);
    }
}
