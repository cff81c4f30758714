//! Measures framing and tree-building throughput over a stream file, fed in 4 KiB chunks.
//!
//! `cargo run --release -p xmpp-xml --example throughput -- FILE [ROUNDS [framing|tree]]`
#![allow(missing_docs)]

use std::time::Instant;

use xmpp_xml::{Event, Parser};

fn run(data: &[u8], tree: bool) -> (u64, u64) {
    let mut p = Parser::new();
    let (mut n, mut attrs) = (0u64, 0u64);
    for chunk in data.chunks(4096) {
        p.feed(chunk);
        while let Some(ev) = p.next_event().expect("valid corpus") {
            if let Event::Stanza(s) = ev {
                n += 1;
                if s.attr("to").is_some() {
                    attrs += 1;
                }
                if tree {
                    let el = s.to_element().expect("tree");
                    attrs += el.children().count() as u64;
                }
            }
        }
    }
    (n, attrs)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = args.get(1).expect("usage: throughput FILE [ROUNDS]");
    let rounds: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(10);
    let only = args.get(3).map(String::as_str);
    let data = std::fs::read(path).expect("read");
    for (label, tree) in [("framing", false), ("tree", true)] {
        if only.is_some_and(|o| o != label) {
            continue;
        }
        let mut best = f64::MAX;
        let mut n = 0;
        for _ in 0..rounds {
            let t = Instant::now();
            n = run(&data, tree).0;
            best = best.min(t.elapsed().as_secs_f64());
        }
        println!(
            "{label}: {n} stanzas, {:.1} MB/s (best of {rounds})",
            data.len() as f64 / best / 1e6
        );
    }
}
