//! The conformance table is sound: well formed, consistent with the check registry and, where
//! `../shared/requirements/` is present, complete for every RFC it has rows of.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fs;
use std::path::PathBuf;

use xmpp_conformance::checks;
use xmpp_conformance::table::{self, COLUMNS, CheckCell, Row, base_id};

fn rows() -> Vec<Row> {
    table::load().unwrap_or_else(|error| panic!("{error}"))
}

#[test]
fn every_line_has_seven_columns_and_ids_are_unique() {
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
        assert_eq!(cells.len(), 7, "line {}: {line:?}", index + 2);
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

/// One normative sentence of `../shared/requirements/rfcNNNN.tsv`.
struct Sentence {
    section: String,
    level: String,
    statement: String,
}

/// Consecutive words shared with the RFC sentence from which a summary counts as a quotation.
const QUOTE_WORDS: usize = 12;

fn shared_requirements() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/requirements");
    dir.is_dir().then_some(dir)
}

/// Sentences by RFC number, then by id.
fn shared_sentences(dir: &PathBuf) -> BTreeMap<String, BTreeMap<String, Sentence>> {
    let mut by_rfc: BTreeMap<String, BTreeMap<String, Sentence>> = BTreeMap::new();
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
            let rfc = id.split('-').next().unwrap_or_default().to_owned();
            by_rfc.entry(rfc).or_default().insert(
                id.to_owned(),
                Sentence {
                    section: section.to_owned(),
                    level: level.to_owned(),
                    statement: statement.to_owned(),
                },
            );
        }
    }
    by_rfc
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

/// The longest run of consecutive words of `summary` that also occurs in `statement`.
fn longest_shared_run(summary: &str, statement: &str) -> usize {
    let summary = words(summary);
    let statement = words(statement);
    let mut best = 0;
    for start in 0..summary.len() {
        for other in 0..statement.len() {
            let run = summary[start..]
                .iter()
                .zip(&statement[other..])
                .take_while(|(a, b)| a == b)
                .count();
            best = best.max(run);
        }
    }
    best
}

/// Every sentence of an RFC that has rows appears in the table, with the same section, its
/// keyword among the levels of its rows, and a summary that is not the RFC's wording.
#[test]
fn rows_cover_the_shared_requirements() {
    let Some(dir) = shared_requirements() else {
        println!(
            "note: ../shared/requirements absent; cross-check against the RFC sentences skipped"
        );
        return;
    };
    let sentences = shared_sentences(&dir);
    let rows = rows();
    let rfcs_with_rows: BTreeSet<&str> = rows.iter().map(|row| row.rfc.as_str()).collect();
    let mut problems = Vec::new();
    for (rfc, by_id) in &sentences {
        if !rfcs_with_rows.contains(rfc.as_str()) {
            println!("note: RFC {rfc} has no rows yet; its coverage is not checked");
            continue;
        }
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
                    let run = longest_shared_run(&row.summary, &sentence.statement);
                    if run >= QUOTE_WORDS || run == words(&sentence.statement).len() {
                        problems.push(format!(
                            "{}: summary repeats {run} consecutive words of the RFC",
                            row.id
                        ));
                    }
                }
                // Rules with no keyword sentence have ids of their own, such as 3920-A.5-x1.
                None if row
                    .id
                    .rsplit('-')
                    .next()
                    .is_some_and(|tail| tail.starts_with('x')) => {}
                None => problems.push(format!("{}: no such sentence in ../shared", row.id)),
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
