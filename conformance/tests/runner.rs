//! The runner reports what each check found: a failing or panicking check fails, a row
//! without a check is not covered, an unknown name fails, and only MUST failures are fatal.

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

const REGISTRY: &[Check] = &[
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

/// A small table in the shipped format, so the parser is part of what is tested.
fn rows(text_rows: &str) -> Vec<Row> {
    let text = format!("id\trfc\tsection\tlevel\trole\tsummary\tcheck\n{text_rows}");
    table::parse(&text).unwrap_or_else(|error| panic!("{error}"))
}

fn statuses(rows: &[Row]) -> Vec<(String, Status, String)> {
    run(rows, lookup)
        .into_iter()
        .map(|result| (result.row.id.clone(), result.status, result.detail))
        .collect()
}

#[test]
fn each_kind_of_row_gets_its_status() {
    let rows = rows(
        "3920-3.1-1\t3920\t3.1\tMUST\tany\tpasses\ttest.passes\n\
         3920-3.1-2\t3920\t3.1\tMUST NOT\tany\tfails\ttest.fails\n\
         3920-3.1-3\t3920\t3.1\tSHOULD\tany\tpanics\ttest.panics\n\
         3920-3.1-4\t3920\t3.1\tMAY\tany\tno check\t\n\
         3920-3.1-5\t3920\t3.1\tMUST\tdeployment\tnot ours\tout-of-scope: operators decide\n\
         3921-2-1\t3921\t2\tREQUIRED\tserver\tunknown\ttest.missing\n",
    );
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
}

#[test]
fn a_failing_must_is_fatal_and_a_failing_should_is_not() {
    let must = rows("3920-3.1-2\t3920\t3.1\tMUST NOT\tany\tfails\ttest.fails\n");
    assert!(must_failed(&run(&must, lookup)));
    let required = rows("3920-9.2.3-1\t3920\t9.2.3\tREQUIRED\tany\tfails\ttest.fails\n");
    assert!(must_failed(&run(&required, lookup)));
    let should = rows(
        "3920-3.1-2\t3920\t3.1\tSHOULD\tany\tfails\ttest.fails\n\
         3920-3.1-3\t3920\t3.1\tMAY\tany\tpanics\ttest.panics\n\
         3920-3.1-4\t3920\t3.1\tMUST\tany\tno check\t\n",
    );
    assert!(!must_failed(&run(&should, lookup)));
}

#[test]
fn not_covered_is_never_counted_as_passed() {
    let rows = rows(
        "3920-3.1-1\t3920\t3.1\tMUST\tany\tpasses\ttest.passes\n\
         3920-3.1-2\t3920\t3.1\tMUST\tany\tno check\t\n\
         3921-2-1\t3921\t2\tSHOULD NOT\tclient\tfails\ttest.fails\n\
         3921-2-2\t3921\t2\tOPTIONAL\tclient\tnot ours\tout-of-scope: user interface\n",
    );
    let results = run(&rows, lookup);
    let totals = Totals::of(&results);
    assert_eq!(totals.overall.rows, 4);
    assert_eq!(
        (
            totals.overall.pass,
            totals.overall.fail,
            totals.overall.not_covered,
            totals.overall.out_of_scope
        ),
        (1, 1, 1, 1)
    );
    assert_eq!(totals.by_rfc["3920"].pass, 1);
    assert_eq!(totals.by_rfc["3920"].not_covered, 1);
    assert_eq!(totals.by_rfc["3921"].fail, 1);
    assert_eq!(totals.by_level.get(LevelGroup::Must).rows, 2);
    assert_eq!(totals.by_level.get(LevelGroup::Should).fail, 1);
    assert_eq!(totals.by_level.get(LevelGroup::May).out_of_scope, 1);
}
