//! XML stream parsing: our parser against quick-xml, rxml, xmlparser and two scanning
//! baselines, over the same generated 8 MiB client-to-server stream fed in 4 KiB chunks.
//!
//! Before the timing runs, the binary prints the allocation figures of every parser: heap
//! allocations per stanza in the steady state and the peak of live heap bytes, over a 1 MiB
//! stream and over an 8 MiB stream that starts with it (peak memory must not grow with the
//! stream length; RFC 3920 streams are unbounded).
//!
//! The groups `xml-worst-*` run our parser and quick-xml over inputs built to be expensive
//! (`src/worst.rs`): the cost of any input of a given size against the corpus rate.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, SamplingMode, Throughput};
use xmpp_benches::alloc_count::CountingAlloc;
use xmpp_benches::corpus::{Corpus, generate};
use xmpp_benches::worst::{self, Worst};
use xmpp_benches::xml_drivers::{
    AllocRun, CHUNK, CORPUS_BYTES, SEED, SteadyState, XmlParser, measure_allocs, xmpp_xml_repeated,
};

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc::new();

fn throughput(c: &mut Criterion, corpus: &Corpus) {
    let doc = corpus.bytes.as_slice();
    let mut group = c.benchmark_group("xml");
    group.throughput(Throughput::Bytes(doc.len() as u64));
    // One iteration parses 8 MiB (20-200 ms): few, equal samples.
    group.sample_size(10);
    group.sampling_mode(SamplingMode::Flat);
    for parser in XmlParser::ALL {
        group.bench_function(parser.name(), |b| {
            b.iter(|| match parser.run(black_box(doc)) {
                Ok(n) => n,
                Err(e) => panic!("{}: {e}", parser.name()),
            })
        });
    }
    group.finish();
}

/// The worst-case inputs ([`xmpp_benches::worst`]), 8 MiB each: our parser framing and
/// building trees, and quick-xml's `NsReader` on the same bytes.
fn worst_throughput(c: &mut Criterion) {
    for kind in Worst::ALL {
        let doc = worst::stream(kind, CORPUS_BYTES);
        let mut group = c.benchmark_group(format!("xml-worst-{}", kind.name()));
        group.throughput(Throughput::Bytes(doc.len() as u64));
        group.sample_size(10);
        group.sampling_mode(SamplingMode::Flat);
        // quick-xml refuses more than 128 namespace bindings in scope by default, which
        // the deep declarations exceed.
        let peers: &[XmlParser] = match kind {
            Worst::DeepNamespaces => &[],
            Worst::ManyAttributes => &[XmlParser::QuickXmlNs],
        };
        for &parser in [XmlParser::XmppFraming, XmlParser::XmppTree]
            .iter()
            .chain(peers)
        {
            group.bench_function(parser.name(), |b| {
                b.iter(|| match parser.run(black_box(&doc)) {
                    Ok(n) => n,
                    Err(e) => panic!("{}: {e}", parser.name()),
                })
            });
        }
        group.finish();
    }
}

fn alloc_run(parser: XmlParser, corpus: &Corpus) -> AllocRun {
    let doc = corpus.bytes.as_slice();
    match measure_allocs(&ALLOC, doc.len(), corpus.stats.stanzas(), || {
        parser.run(doc)
    }) {
        Ok(run) => run,
        Err(e) => panic!("{}: {e}", parser.name()),
    }
}

/// Allocation events per stanza (steady state: the stanzas of the 8 MiB run beyond the first
/// MiB) and peak live bytes for both stream lengths.
fn alloc_report() {
    let short = generate(1024 * 1024, SEED, true);
    let long = generate(CORPUS_BYTES, SEED, true);
    println!(
        "allocations: 1 MiB stream ({} stanzas, largest {} B) vs 8 MiB stream ({} stanzas, \
         largest {} B), same prefix, {} B chunks",
        short.stats.stanzas(),
        short.stats.largest(),
        long.stats.stanzas(),
        long.stats.largest(),
        CHUNK
    );
    println!(
        "{:<17} {:>13} {:>12} {:>12} {:>12} {:>13} {:>13}",
        "parser",
        "allocs/stanza",
        "bytes/stanza",
        "allocs 1MiB",
        "allocs 8MiB",
        "peak B 1MiB",
        "peak B 8MiB"
    );
    for parser in XmlParser::ALL {
        let s = SteadyState {
            short: alloc_run(parser, &short),
            long: alloc_run(parser, &long),
        };
        println!(
            "{:<17} {:>13.3} {:>12.1} {:>12} {:>12} {:>13} {:>13}",
            parser.name(),
            s.allocs_per_stanza(),
            s.bytes_per_stanza(),
            s.short.allocs,
            s.long.allocs,
            s.short.peak_extra,
            s.long.peak_extra
        );
    }
    // Stream length alone: the same 1 MiB of stanzas once, then 64 times in one stream.
    let body = short.stats.stanzas();
    let mut peaks = Vec::new();
    for repeats in [1usize, 64] {
        let run = measure_allocs(&ALLOC, 0, repeats * body, || {
            xmpp_xml_repeated(&short.bytes, repeats, CHUNK)
        });
        match run {
            Ok(run) => peaks.push((repeats, run)),
            Err(e) => panic!("repeated stream: {e}"),
        }
    }
    for (repeats, run) in peaks {
        println!(
            "xmpp-xml-framing, 1 MiB of stanzas x{repeats:<3} ({:>8} stanzas): {:>8} allocs, \
             peak {:>6} B",
            run.stanzas, run.allocs, run.peak_extra
        );
    }
}

/// The allocator counts only inside `measure_allocs`: outside, the timing runs pay one
/// relaxed load per allocation.
fn check_counting_window() {
    let before = ALLOC.snapshot();
    black_box(vec![0u8; 4096]);
    assert_eq!(
        ALLOC.snapshot(),
        before,
        "allocations counted outside a window"
    );
}

fn main() {
    check_counting_window();
    let listing = std::env::args().any(|a| a == "--list");
    if !listing {
        alloc_report();
    }
    let corpus = generate(CORPUS_BYTES, SEED, true);
    let mut c = Criterion::default().configure_from_args();
    throughput(&mut c, &corpus);
    worst_throughput(&mut c);
    c.final_summary();
}
