//! The runner reports what each check found: a failing or panicking check fails, a row
//! without a check is not covered, an unknown name fails, a passing check of a deviating row
//! is a deviation and of a MAY row an option, each check runs once, and only MUST failures
//! (with `strict`, also uncovered MUST rows) are fatal.

use std::sync::atomic::{AtomicUsize, Ordering};

use xmpp_conformance::checks::{Check, Outcome};
use xmpp_conformance::level::LevelGroup;
use xmpp_conformance::runner::{Status, must_failed, run};
use xmpp_conformance::table::{self, Row};
use xmpp_conformance::totals::Totals;

fn passes() -> Outcome {
    Ok(())
}

fn fails() -> Outcome {
    Err("the prohibited character was accepted".to_owned())
}

fn panics() -> Outcome {
    let parts: Vec<u8> = Vec::new();
    if parts.is_empty() {
        panic!("index out of range in the check");
    }
    Ok(())
}

static COUNTED_RUNS: AtomicUsize = AtomicUsize::new(0);

fn counted() -> Outcome {
    COUNTED_RUNS.fetch_add(1, Ordering::SeqCst);
    Ok(())
}

const REGISTRY: &[Check] = &[
    Check {
        name: "test.counted",
        run: counted,
    },
    Check {
        name: "test.passes",
        run: passes,
    },
    Check {
        name: "test.fails",
        run: fails,
    },
    Check {
        name: "test.panics",
        run: panics,
    },
];

fn lookup(name: &str) -> Option<Check> {
    REGISTRY.iter().find(|check| check.name == name).copied()
}

/// A small table in the shipped format, so the parser is part of what is tested. Each line
/// gives id, level, role, check, deviation and option; the other cells are derived.
fn rows(lines: &[[&str; 6]]) -> Vec<Row> {
    let mut text =
        String::from("id\trfc\tsection\tlevel\trole\tsource\tsummary\tcheck\tdeviation\toption\n");
    for [id, level, role, check, deviation, option] in lines {
        let mut parts = id.splitn(3, '-');
        let (rfc, section) = (parts.next().unwrap(), parts.next().unwrap());
        let source = if id.rsplit('-').next().unwrap().starts_with('x') {
            format!("RFC {rfc} §{section}")
        } else {
            String::new()
        };
        text.push_str(&format!(
            "{id}\t{rfc}\t{section}\t{level}\t{role}\t{source}\tsummary\t{check}\t{deviation}\t{option}\n"
        ));
    }
    table::parse(&text).unwrap_or_else(|error| panic!("{error}"))
}

fn statuses(rows: &[Row]) -> Vec<(String, Status, String)> {
    run(rows, lookup)
        .rows
        .into_iter()
        .map(|result| (result.row.id.clone(), result.status, result.detail))
        .collect()
}

#[test]
fn each_kind_of_row_gets_its_status() {
    let rows = rows(&[
        ["3920-3.1-1", "MUST", "any", "test.passes", "", ""],
        ["3920-3.1-2", "MUST NOT", "any", "test.fails", "", ""],
        ["3920-3.1-3", "SHOULD", "any", "test.panics", "", ""],
        ["3920-3.1-4", "MAY", "any", "", "", ""],
        [
            "3920-3.1-5",
            "MUST",
            "deployment",
            "out-of-scope: operators decide",
            "",
            "",
        ],
        ["3921-2-1", "REQUIRED", "server", "test.missing", "", ""],
        [
            "3920-11.1-3",
            "MUST",
            "any",
            "test.passes",
            "RFC 6120 §11.1: closes the stream",
            "",
        ],
        ["3920-3.2-2", "MAY", "any", "test.passes", "", "IPv4 only"],
        [
            "3920-11.1-4",
            "MUST",
            "any",
            "test.fails",
            "RFC 6120 §11.1: closes the stream",
            "",
        ],
    ]);
    let got = statuses(&rows);
    assert_eq!(got[0], ("3920-3.1-1".into(), Status::Pass, String::new()));
    assert_eq!(got[1].1, Status::Fail);
    assert_eq!(
        got[1].2,
        "test.fails: the prohibited character was accepted"
    );
    assert_eq!(got[2].1, Status::Fail);
    assert!(
        got[2]
            .2
            .contains("check panicked: index out of range in the check"),
        "{}",
        got[2].2
    );
    assert_eq!(got[3].1, Status::NotCovered);
    assert_eq!(
        got[4],
        (
            "3920-3.1-5".into(),
            Status::OutOfScope,
            "operators decide".into()
        )
    );
    assert_eq!(got[5].1, Status::Fail);
    assert_eq!(got[5].2, "unknown check `test.missing`");
    assert_eq!(
        got[6],
        (
            "3920-11.1-3".into(),
            Status::Deviation,
            "RFC 6120 §11.1: closes the stream".into()
        )
    );
    assert_eq!(
        got[7],
        ("3920-3.2-2".into(), Status::Option, "IPv4 only".into())
    );
    // A deviation is only reported when its check finds the behaviour.
    assert_eq!(got[8].1, Status::Fail);
}

#[test]
fn a_check_named_by_several_rows_runs_once() {
    let rows = rows(&[
        ["3920-3.1-1", "MUST", "any", "test.counted", "", ""],
        ["3920-3.1-2", "SHOULD", "any", "test.counted", "", ""],
        ["3920-3.1-3", "MUST", "any", "test.passes", "", ""],
        ["3920-3.1-4", "MUST", "any", "test.fails", "", ""],
    ]);
    let before = COUNTED_RUNS.load(Ordering::SeqCst);
    let run = run(&rows, lookup);
    assert_eq!(COUNTED_RUNS.load(Ordering::SeqCst) - before, 1);
    let counted = run
        .checks
        .iter()
        .find(|check| check.name == "test.counted")
        .expect("listed");
    assert_eq!(counted.rows, ["3920-3.1-1", "3920-3.1-2"]);
    let totals = Totals::of(&run);
    assert_eq!(
        (totals.checks.checks, totals.checks.pass, totals.checks.fail),
        (3, 2, 1)
    );
    assert_eq!(totals.overall.rows, 4);
}

#[test]
fn a_failing_must_is_fatal_and_a_failing_should_is_not() {
    let must = rows(&[["3920-3.1-2", "MUST NOT", "any", "test.fails", "", ""]]);
    assert!(must_failed(&run(&must, lookup).rows, false));
    let required = rows(&[["3920-9.2.3-1", "REQUIRED", "any", "test.fails", "", ""]]);
    assert!(must_failed(&run(&required, lookup).rows, false));
    let should = rows(&[
        ["3920-3.1-2", "SHOULD", "any", "test.fails", "", ""],
        ["3920-3.1-3", "MAY", "any", "test.panics", "", "an option"],
        ["3920-3.1-4", "MUST", "any", "", "", ""],
    ]);
    assert!(!must_failed(&run(&should, lookup).rows, false));
}

#[test]
fn strict_makes_an_uncovered_must_fatal() {
    let uncovered = rows(&[
        ["3920-3.1-1", "MUST", "any", "test.passes", "", ""],
        ["3920-3.1-4", "MUST", "any", "", "", ""],
    ]);
    let results = run(&uncovered, lookup).rows;
    assert!(!must_failed(&results, false));
    assert!(must_failed(&results, true));
    let should = rows(&[
        ["3920-3.1-1", "SHOULD", "any", "", "", ""],
        ["3920-3.1-2", "MAY", "any", "", "", ""],
        [
            "3920-3.1-3",
            "MUST",
            "deployment",
            "out-of-scope: not ours",
            "",
            "",
        ],
    ]);
    assert!(!must_failed(&run(&should, lookup).rows, true));
}

#[test]
fn not_covered_is_never_counted_as_passed() {
    let rows = rows(&[
        ["3920-3.1-1", "MUST", "any", "test.passes", "", ""],
        ["3920-3.1-2", "MUST", "any", "", "", ""],
        ["3921-2-1", "SHOULD NOT", "client", "test.fails", "", ""],
        [
            "3921-2-2",
            "OPTIONAL",
            "client",
            "out-of-scope: user interface",
            "",
            "",
        ],
        ["3921-9.2-x1", "MUST", "server", "test.passes", "", ""],
    ]);
    let run = run(&rows, lookup);
    let totals = Totals::of(&run);
    assert_eq!(totals.overall.rows, 5);
    assert_eq!(
        (
            totals.overall.pass,
            totals.overall.fail,
            totals.overall.not_covered,
            totals.overall.out_of_scope
        ),
        (2, 1, 1, 1)
    );
    assert_eq!(totals.by_rfc["3920"].pass, 1);
    assert_eq!(totals.by_rfc["3920"].not_covered, 1);
    assert_eq!(totals.by_rfc["3921"].fail, 1);
    assert_eq!(totals.by_level.get(LevelGroup::Must).rows, 3);
    assert_eq!(totals.by_level.get(LevelGroup::Should).fail, 1);
    assert_eq!(totals.by_level.get(LevelGroup::May).out_of_scope, 1);
    assert_eq!(totals.by_origin.added.rows, 1);
    assert_eq!(totals.by_origin.added.pass, 1);
    assert_eq!(totals.by_origin.sentence.rows, 4);
    assert_eq!(totals.by_origin.sentence.pass, 1);
}
