//! The conformance table is sound: well formed, consistent with the check registry, and
//! complete for every RFC it has rows of, against `sentences.tsv` (the fingerprints of every
//! normative sentence of RFC 3920-3923, shipped beside the table).

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fs;
use std::path::PathBuf;

use xmpp_conformance::checks;
use xmpp_conformance::table::{self, COLUMNS, CheckCell, Row, base_id};

fn rows() -> Vec<Row> {
    table::load().unwrap_or_else(|error| panic!("{error}"))
}

#[test]
fn every_line_has_every_column_and_ids_are_unique() {
    let mut lines = table::TABLE.lines();
    assert_eq!(
        lines.next().map(|h| h.split('\t').collect::<Vec<_>>()),
        Some(COLUMNS.to_vec())
    );
    let mut ids = HashSet::new();
    for (index, line) in lines.enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cells: Vec<&str> = line.split('\t').collect();
        assert_eq!(cells.len(), COLUMNS.len(), "line {}: {line:?}", index + 2);
        assert!(
            ids.insert(cells[0]),
            "line {}: id {} repeated",
            index + 2,
            cells[0]
        );
    }
    assert!(!ids.is_empty());
}

#[test]
fn the_table_parses_with_known_levels_roles_and_check_cells() {
    // `table::load` rejects unknown levels, roles and malformed check cells with a line number.
    let rows = rows();
    assert!(rows.iter().any(|row| row.rfc == "3920"));
}

#[test]
fn every_named_check_is_registered() {
    for row in rows() {
        if let CheckCell::Named(name) = &row.check {
            assert!(
                checks::find(name).is_some(),
                "{}: check `{name}` is not registered",
                row.id
            );
        }
    }
}

#[test]
fn every_registered_check_is_named_by_a_row() {
    let used: HashSet<String> = rows()
        .into_iter()
        .filter_map(|row| match row.check {
            CheckCell::Named(name) => Some(name),
            _ => None,
        })
        .collect();
    let mut names = HashSet::new();
    for check in checks::all() {
        assert!(
            names.insert(check.name),
            "check `{}` registered twice",
            check.name
        );
        assert!(
            used.contains(check.name),
            "check `{}` is named by no row",
            check.name
        );
    }
}

/// The fingerprints of the RFC sentences, kept beside the table (see the crate README).
const SENTENCES: &str = include_str!("../sentences.tsv");

/// The header of `sentences.tsv`.
const SENTENCES_HEADER: &str = "id\tsection\tlevel\twords\twindows";

/// Consecutive words shared with the RFC sentence from which a summary counts as a quotation.
const QUOTE_WORDS: usize = 12;

/// One normative sentence of an RFC: where it is, its keyword, and enough about its wording
/// to tell whether a summary quotes it, without holding the wording itself.
#[derive(Debug, PartialEq, Eq)]
struct Sentence {
    section: String,
    level: String,
    /// How many words the sentence has.
    words: usize,
    /// The hash of every run of `min(words, QUOTE_WORDS)` consecutive words.
    windows: BTreeSet<u32>,
}

/// Whitespace-separated words, lower-cased, without surrounding punctuation; a namespace
/// name or an OID stays one word, since repeating such a fact is not quoting.
fn words(text: &str) -> Vec<String> {
    text.split_whitespace()
        .map(|word| word.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// FNV-1a (32 bits) of the words joined by single spaces.
fn window_hash(words: &[String]) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for (index, word) in words.iter().enumerate() {
        let space = if index == 0 { &b""[..] } else { &b" "[..] };
        for &byte in space.iter().chain(word.as_bytes()) {
            hash ^= u32::from(byte);
            hash = hash.wrapping_mul(0x0100_0193);
        }
    }
    hash
}

/// The window hashes of a text, for windows of `width` words.
fn windows(words: &[String], width: usize) -> BTreeSet<u32> {
    if width == 0 || words.len() < width {
        return BTreeSet::new();
    }
    words.windows(width).map(window_hash).collect()
}

fn fingerprint(section: &str, level: &str, statement: &str) -> Sentence {
    let words = words(statement);
    Sentence {
        section: section.to_owned(),
        level: level.to_owned(),
        words: words.len(),
        windows: windows(&words, words.len().min(QUOTE_WORDS)),
    }
}

/// Whether `summary` repeats a run of twelve words of the sentence, or the whole sentence
/// when it is shorter.
fn quotes(summary: &str, sentence: &Sentence) -> bool {
    let width = sentence.words.min(QUOTE_WORDS);
    !windows(&words(summary), width).is_disjoint(&sentence.windows)
}

/// Sentences by RFC number, then by id, in the `sentences.tsv` format.
type Sentences = BTreeMap<String, BTreeMap<String, Sentence>>;

fn rfc_of(id: &str) -> String {
    id.split('-').next().unwrap_or_default().to_owned()
}

/// Reads `sentences.tsv`.
fn vendored_sentences() -> Sentences {
    let mut lines = SENTENCES.lines();
    assert_eq!(lines.next(), Some(SENTENCES_HEADER), "sentences.tsv header");
    let mut by_rfc = Sentences::new();
    for line in lines {
        let cells: Vec<&str> = line.split('\t').collect();
        let [id, section, level, words, packed] = cells[..] else {
            panic!("sentences.tsv: malformed line {line:?}");
        };
        let words: usize = words.parse().expect("a word count");
        let windows = packed
            .split(' ')
            .filter(|hex| !hex.is_empty())
            .map(|hex| u32::from_str_radix(hex, 16).expect("a hex window hash"))
            .collect();
        by_rfc.entry(rfc_of(id)).or_default().insert(
            id.to_owned(),
            Sentence {
                section: section.to_owned(),
                level: level.to_owned(),
                words,
                windows,
            },
        );
    }
    by_rfc
}

/// `sentences.tsv` as it would be written from the sentences in `by_rfc`.
fn render_sentences(by_rfc: &Sentences) -> String {
    let mut out = format!("{SENTENCES_HEADER}\n");
    for (id, sentence) in by_rfc.values().flatten() {
        let packed: Vec<String> = sentence
            .windows
            .iter()
            .map(|hash| format!("{hash:08x}"))
            .collect();
        out.push_str(&format!(
            "{id}\t{}\t{}\t{}\t{}\n",
            sentence.section,
            sentence.level,
            sentence.words,
            packed.join(" ")
        ));
    }
    out
}

/// The source the fingerprints are made from: the extracted RFC sentences, where the
/// checkout has them beside it.
fn shared_requirements() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/requirements");
    dir.is_dir().then_some(dir)
}

/// Reads `rfcNNNN.tsv` files (`id section level statement`) into fingerprints.
fn shared_sentences(dir: &PathBuf) -> Sentences {
    let mut by_rfc = Sentences::new();
    let entries = fs::read_dir(dir).expect("read ../shared/requirements");
    for entry in entries {
        let path = entry.expect("directory entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("tsv") {
            continue;
        }
        let text = fs::read_to_string(&path).expect("read a requirements file");
        for line in text.lines().skip(1).filter(|line| !line.trim().is_empty()) {
            let cells: Vec<&str> = line.splitn(4, '\t').collect();
            let [id, section, level, statement] = cells[..] else {
                panic!("{}: malformed line {line:?}", path.display());
            };
            by_rfc
                .entry(rfc_of(id))
                .or_default()
                .insert(id.to_owned(), fingerprint(section, level, statement));
        }
    }
    by_rfc
}

/// `sentences.tsv` is what the extracted sentences give. Where they are not beside the
/// checkout (CI clones this repository alone) there is nothing to compare with, and the
/// test says so; `XMPP_WRITE_SENTENCES=1` rewrites the file from them.
#[test]
fn vendored_sentences_match_their_source() {
    let Some(dir) = shared_requirements() else {
        eprintln!(
            "note: ../shared/requirements absent; sentences.tsv is used as shipped, \
             not compared with its source"
        );
        return;
    };
    let rendered = render_sentences(&shared_sentences(&dir));
    if std::env::var_os("XMPP_WRITE_SENTENCES").is_some_and(|v| v == "1") {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sentences.tsv");
        fs::write(&path, &rendered).expect("write sentences.tsv");
        return;
    }
    assert!(
        rendered == SENTENCES,
        "sentences.tsv is stale: run XMPP_WRITE_SENTENCES=1 cargo test -p xmpp-conformance \
         --test table_sound"
    );
}

#[test]
fn the_quotation_test_finds_quotes() {
    let sentence = fingerprint(
        "1",
        "MUST",
        "The quick brown fox jumps over the lazy dog while the cat sleeps on the mat.",
    );
    assert!(quotes(
        "Note: the QUICK brown fox jumps over the lazy dog, while the cat sleeps today.",
        &sentence
    ));
    assert!(!quotes(
        "The quick brown fox jumps over the lazy dog; a cat sleeps.",
        &sentence
    ));
    let short = fingerprint("1", "MAY", "Servers MAY ignore it.");
    assert!(quotes("servers may ignore it", &short));
    assert!(!quotes("servers may drop it", &short));
}

/// Every sentence of RFC 3920-3923 appears in the table, with the same section, its keyword
/// among the levels of its rows, and a summary that is not the RFC's wording.
#[test]
fn rows_cover_the_rfc_sentences() {
    let sentences = vendored_sentences();
    let rows = rows();
    let rfcs_with_rows: BTreeSet<&str> = rows.iter().map(|row| row.rfc.as_str()).collect();
    let rfcs: BTreeSet<&str> = sentences.keys().map(String::as_str).collect();
    assert_eq!(rfcs, BTreeSet::from(["3920", "3921", "3922", "3923"]));
    assert_eq!(rfcs_with_rows, rfcs, "RFCs with rows");
    let mut problems = Vec::new();
    for (rfc, by_id) in &sentences {
        let mut levels: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for row in rows.iter().filter(|row| &row.rfc == rfc) {
            let base = base_id(&row.id);
            match by_id.get(base) {
                Some(sentence) => {
                    levels.entry(base).or_default().push(row.level.as_str());
                    if sentence.section != row.section {
                        problems.push(format!(
                            "{}: section {} but the sentence is in {}",
                            row.id, row.section, sentence.section
                        ));
                    }
                    // A run of twelve words, or the whole sentence, is a quotation; shorter
                    // runs are names of states, elements and namespaces.
                    if quotes(&row.summary, sentence) {
                        problems.push(format!(
                            "{}: summary repeats {} consecutive words of the RFC",
                            row.id,
                            sentence.words.min(QUOTE_WORDS)
                        ));
                    }
                }
                // Rules with no keyword sentence have ids of their own, such as 3920-A.5-x1.
                None if row
                    .id
                    .rsplit('-')
                    .next()
                    .is_some_and(|tail| tail.starts_with('x')) => {}
                None => problems.push(format!("{}: no such sentence in sentences.tsv", row.id)),
            }
        }
        for (id, sentence) in by_id {
            match levels.get(id.as_str()) {
                None => problems.push(format!("{id}: sentence has no row")),
                Some(found) if !found.contains(&sentence.level.as_str()) => problems.push(format!(
                    "{id}: rows have levels {found:?}, none is the sentence's {}",
                    sentence.level
                )),
                Some(_) => {}
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Rows about what a side sends or answers (the stream header, the response version, the
/// text declaration) are proven through the stream engine, never through the writer and
/// header helpers of `xmpp-xml` alone.
#[test]
fn rows_about_what_an_entity_sends_are_driven_through_the_engine() {
    let rows = rows();
    for id in [
        "3920-4.1-3",
        "3920-4.4.1-5",
        "3920-4.4.1-6",
        "3920-4.4.1-8a",
        "3920-11.2.1-4a",
        "3920-11.4-1",
    ] {
        let row = rows
            .iter()
            .find(|row| row.id == id)
            .expect("the row exists");
        match &row.check {
            CheckCell::Named(name) => assert!(name.starts_with("core."), "{id}: {name}"),
            other => assert_eq!(*other, CheckCell::None, "{id}"),
        }
    }
}

/// An added rule names where it comes from; a rule of another RFC says which.
#[test]
fn added_rows_name_their_source() {
    for row in rows() {
        match row.origin() {
            table::Origin::Added => assert!(row.source.is_some(), "{}", row.id),
            table::Origin::Sentence => assert!(row.source.is_none(), "{}", row.id),
        }
    }
    let rows = rows();
    let source = |id: &str| {
        rows.iter()
            .find(|row| row.id == id)
            .and_then(|row| row.source.clone())
    };
    assert_eq!(source("3920-3.1-x1").as_deref(), Some("RFC 7622 §3.2"));
    assert_eq!(source("3920-3.1-x2").as_deref(), Some("RFC 7622 §3.3"));
}

/// A deviation names a later RFC, never the row's own.
#[test]
fn deviations_cite_a_later_rfc() {
    let rows = rows();
    let deviations: Vec<&Row> = rows.iter().filter(|row| row.deviation.is_some()).collect();
    for id in [
        "3920-11.1-3",
        "3920-3.2-2a",
        "3920-3.2-3",
        "3920-3.2-4a",
        "3920-3.2-4b",
        "3920-3.2-x2",
    ] {
        assert!(deviations.iter().any(|row| row.id == id), "{id}");
    }
    for row in deviations {
        let deviation = row.deviation.as_ref().expect("filtered");
        let later: u32 = deviation.rfc.parse().expect("an RFC number");
        let own: u32 = row.rfc.parse().expect("an RFC number");
        assert!(later > own, "{}: deviation cites RFC {later}", row.id);
    }
}
