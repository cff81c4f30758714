//! Parses the generated benchmark stream once with one parser, for instruction counting.
//!
//! `cargo run --release -p xmpp-benches --example xml_once -- <parser> [bytes] [input]`
//!
//! `<parser>` is one of the names printed by `--list`; `bytes` is the stream size
//! (default 2 MiB); `input` is `corpus` (default) or a worst-case shape of
//! `xmpp_benches::worst` (`deep-ns`, `many-attrs`). `xml_once --dump FILE [bytes]` writes the stream to FILE instead (for
//! parsers outside Rust, such as `benches/scripts/expat_once.c`). Only `parse_once` does the parsing, so
//! `valgrind --tool=callgrind --toggle-collect='*parse_once*'` counts exactly the parser's
//! instructions (see `benches/scripts/callgrind.sh`).
#![allow(missing_docs)]

use std::process::ExitCode;

use xmpp_benches::corpus::generate;
use xmpp_benches::worst::{self, Worst};
use xmpp_benches::xml_drivers::{SEED, XmlParser};

#[inline(never)]
fn parse_once(parser: XmlParser, doc: &[u8]) -> Result<usize, String> {
    parser.run(std::hint::black_box(doc))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(name) = args.first() else {
        eprintln!("usage: xml_once <parser>|--list [bytes] | xml_once --dump FILE [bytes]");
        return ExitCode::from(2);
    };
    if name == "--list" {
        for p in XmlParser::ALL {
            println!("{}", p.name());
        }
        return ExitCode::SUCCESS;
    }
    if name == "--dump" {
        let (Some(path), size) = (args.get(1), args.get(2)) else {
            eprintln!("usage: xml_once --dump FILE [bytes]");
            return ExitCode::from(2);
        };
        let bytes = match size.map(|s| s.parse::<usize>()) {
            None => 2 * 1024 * 1024,
            Some(Ok(n)) => n,
            Some(Err(e)) => {
                eprintln!("bad size: {e}");
                return ExitCode::from(2);
            }
        };
        let corpus = generate(bytes, SEED, true);
        return match std::fs::write(path, &corpus.bytes) {
            Ok(()) => {
                println!("wrote {} bytes to {path}", corpus.bytes.len());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("{path}: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let Some(parser) = XmlParser::from_name(name) else {
        eprintln!("unknown parser {name:?}; try --list");
        return ExitCode::from(2);
    };
    let bytes = match args.get(1).map(|s| s.parse::<usize>()) {
        None => 2 * 1024 * 1024,
        Some(Ok(n)) => n,
        Some(Err(e)) => {
            eprintln!("bad size: {e}");
            return ExitCode::from(2);
        }
    };
    // The corpus, or one of the worst-case inputs.
    let (doc, stanzas) = match args.get(2).map(String::as_str) {
        None | Some("corpus") => {
            let corpus = generate(bytes, SEED, true);
            let n = corpus.stats.stanzas();
            (corpus.bytes, n)
        }
        Some(w) => match Worst::from_name(w) {
            Some(kind) => {
                let doc = worst::stream(kind, bytes);
                let n = (doc.len() / worst::STANZA_BYTES).max(1);
                (doc, n)
            }
            None => {
                eprintln!("unknown input {w:?}: corpus, deep-ns or many-attrs");
                return ExitCode::from(2);
            }
        },
    };
    match parse_once(parser, &doc) {
        Ok(n) => {
            println!(
                "parser={} bytes={} stanzas={stanzas} count={n}",
                parser.name(),
                doc.len(),
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}: {e}", parser.name());
            ExitCode::FAILURE
        }
    }
}
