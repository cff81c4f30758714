//! JID parse + prepare: `xmpp-jid` against the `jid` crate (xmpp-rs), per input class.
//!
//! One iteration parses every JID of a class; divide the time by the class size for the
//! cost of one JID (the sizes are printed before the runs). The unit measured is "parse a
//! `&str` into a JID with full validation, then drop it", for both libraries; the
//! iteration, `black_box` and counting around it cost under 1 ns per JID (measured with an
//! empty body), so they do not blur the comparison.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};

/// Already canonical: ASCII, lower-case node and domain.
const CANONICAL_ASCII: &[&str] = &[
    "juliet@example.com/balcony",
    "romeo@example.net",
    "example.org",
    "conference.example.org/bot",
    "room@conference.example.org/nick",
    "user123@chat.shakespeare.lit/laptop-4f2a",
    "pubsub.shakespeare.lit",
    "benvolio@montague.example/phone",
];

/// ASCII that preparation changes: upper case in node and domain.
const MIXED_CASE_ASCII: &[&str] = &[
    "Juliet@Example.COM/Balcony",
    "ROMEO@EXAMPLE.NET",
    "Example.Org",
    "Conference.Example.org/Bot",
    "Room@Conference.Example.ORG/Nick",
    "User123@Chat.Shakespeare.LIT/Laptop-4F2A",
    "PubSub.Shakespeare.lit",
    "Benvolio@Montague.Example/Phone",
];

/// Non-ASCII: case folding, NFKC, IDN labels and separators, right-to-left text.
const UNICODE: &[&str] = &[
    "räksmörgås@josefsson.org/Ⅸ",
    "MASSE\u{DF}@Stra\u{DF}e.example/Büro",
    "ユーザー@例え.テスト/ノートパソコン",
    "пользователь@пример.рф/телефон",
    "\u{5D0}\u{5D1}\u{5D2}@example.com/\u{627}\u{644}\u{628}",
    "ｆｕｌｌｗｉｄｔｈ@ｅｘａｍｐｌｅ．ｃｏｍ/ｒｅｓ",
    "cafe\u{301}@bücher.example/x",
    "ŽluťoučkýKůň@příklad.cz/ÚŘAD",
];

/// Invalid: each fails a different rule.
const INVALID: &[&str] = &[
    "@example.com",
    "juliet@example.com/",
    "ju:liet@example.com",
    "juliet@exa..mple.com",
    "a b@example.com",
    "\u{5D0}a@example.com",
    "juliet@[::g]/r",
    "user@\u{E000}.example",
];

fn ours(inputs: &[&str]) -> usize {
    inputs
        .iter()
        .filter(|s| xmpp_jid::Jid::parse(black_box(s)).is_ok())
        .count()
}

fn theirs(inputs: &[&str]) -> usize {
    inputs
        .iter()
        .filter(|s| jid::Jid::new(black_box(s)).is_ok())
        .count()
}

fn jid_classes(c: &mut Criterion) {
    let classes: [(&str, &[&str]); 4] = [
        ("canonical_ascii", CANONICAL_ASCII),
        ("mixed_case_ascii", MIXED_CASE_ASCII),
        ("unicode", UNICODE),
        ("invalid", INVALID),
    ];
    for (name, inputs) in classes {
        // Both libraries must judge the class the same way for the comparison to mean
        // something: all valid, or (for `invalid`) none.
        let (a, b) = (ours(inputs), theirs(inputs));
        assert_eq!(a, b, "jid/{name}: the libraries disagree on validity");
        eprintln!("jid/{name}: {} inputs, {a} valid", inputs.len());
        let mut group = c.benchmark_group(format!("jid/{name}"));
        group.bench_function("xmpp-jid", |bench| bench.iter(|| ours(inputs)));
        group.bench_function("jid-0.12", |bench| bench.iter(|| theirs(inputs)));
        group.finish();
    }
}

criterion_group!(benches, jid_classes);
criterion_main!(benches);
