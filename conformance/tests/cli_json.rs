//! The binary's JSON report follows the documented contract and agrees with the table.

use std::collections::BTreeMap;
use std::process::Command;

use serde_json::Value;
use xmpp_conformance::level::LevelGroup;
use xmpp_conformance::table;

const STATUSES: [&str; 6] = [
    "pass",
    "option",
    "deviation",
    "fail",
    "not-covered",
    "out-of-scope",
];

fn run_binary(args: &[&str]) -> (Option<i32>, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_xmpp-conformance"))
        .args(args)
        .output()
        .expect("start xmpp-conformance");
    (
        output.status.code(),
        String::from_utf8(output.stdout).expect("UTF-8 report"),
        String::from_utf8(output.stderr).expect("UTF-8 errors"),
    )
}

fn counts(value: &Value) -> BTreeMap<String, u64> {
    let object = value.as_object().expect("counts are an object");
    let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "deviation",
            "fail",
            "not-covered",
            "option",
            "out-of-scope",
            "pass",
            "rows"
        ]
    );
    object
        .iter()
        .map(|(key, count)| (key.clone(), count.as_u64().expect("a count")))
        .collect()
}

#[test]
fn json_report_matches_the_contract() {
    let (code, stdout, stderr) = run_binary(&["--format", "json"]);
    let report: Value = serde_json::from_str(&stdout).expect("the report is JSON");
    let table = table::load().expect("the table parses");

    let mut top: Vec<&str> = report
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    top.sort_unstable();
    assert_eq!(
        top,
        [
            "checks",
            "rows",
            "schema_version",
            "strict",
            "tool",
            "totals"
        ]
    );
    assert_eq!(report["schema_version"], 2);
    assert_eq!(report["tool"]["name"], "xmpp-conformance");
    assert_eq!(report["tool"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(report["strict"], false);

    let rows = report["rows"].as_array().expect("rows is an array");
    assert_eq!(rows.len(), table.len());
    let mut tally: BTreeMap<String, u64> = BTreeMap::new();
    let mut origin_rows: BTreeMap<String, u64> = BTreeMap::new();
    let mut must_failed = false;
    for (row, expected) in rows.iter().zip(&table) {
        let object = row.as_object().expect("a row is an object");
        let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "check",
                "detail",
                "deviation",
                "id",
                "level",
                "option",
                "origin",
                "rfc",
                "role",
                "section",
                "source",
                "status"
            ]
        );
        assert_eq!(row["id"], expected.id.as_str());
        assert_eq!(row["rfc"], expected.rfc.as_str(), "rfc is a string");
        assert_eq!(row["section"], expected.section.as_str());
        assert_eq!(row["level"], expected.level.as_str());
        assert_eq!(row["role"], expected.role.as_str());
        assert_eq!(row["origin"], expected.origin().as_str());
        assert_eq!(row["source"], expected.source_text().as_str());
        assert!(row["detail"].is_string());
        let status = row["status"].as_str().expect("status is a string");
        assert!(STATUSES.contains(&status), "unknown status {status}");
        match &expected.check {
            table::CheckCell::None => {
                assert_eq!(status, "not-covered", "{}", expected.id);
                assert!(row["check"].is_null());
            }
            table::CheckCell::OutOfScope(_) => {
                assert_eq!(status, "out-of-scope", "{}", expected.id);
                assert!(row["check"].is_null());
            }
            table::CheckCell::Named(name) => assert_eq!(row["check"], name.as_str()),
        }
        match &expected.deviation {
            None => assert!(row["deviation"].is_null()),
            Some(deviation) => {
                assert_eq!(row["deviation"]["rfc"], deviation.rfc.as_str());
                assert_eq!(row["deviation"]["section"], deviation.section.as_str());
                assert_eq!(row["deviation"]["reason"], deviation.reason.as_str());
                assert!(
                    matches!(status, "deviation" | "fail"),
                    "{}: {status}",
                    expected.id
                );
            }
        }
        match &expected.option {
            None => assert!(row["option"].is_null()),
            Some(option) => assert_eq!(row["option"], option.as_str()),
        }
        if status == "option" {
            assert!(
                matches!(expected.level.as_str(), "MAY" | "OPTIONAL"),
                "{}",
                expected.id
            );
        }
        *tally.entry(status.to_owned()).or_default() += 1;
        *origin_rows
            .entry(expected.origin().as_str().to_owned())
            .or_default() += 1;
        must_failed |= status == "fail"
            && matches!(
                row["level"].as_str(),
                Some("MUST" | "MUST NOT" | "REQUIRED" | "SHALL" | "SHALL NOT")
            );
    }

    let overall = counts(&report["totals"]["overall"]);
    assert_eq!(overall["rows"], rows.len() as u64);
    for status in STATUSES {
        assert_eq!(
            overall[status],
            tally.get(status).copied().unwrap_or(0),
            "{status}"
        );
    }
    let by_rfc = report["totals"]["by_rfc"]
        .as_object()
        .expect("by_rfc is an object");
    let rfc_rows: u64 = by_rfc.values().map(|value| counts(value)["rows"]).sum();
    assert_eq!(rfc_rows, rows.len() as u64);
    assert!(by_rfc.contains_key("3920"));
    let by_level = report["totals"]["by_level"]
        .as_object()
        .expect("by_level is an object");
    let mut groups: Vec<&str> = by_level.keys().map(String::as_str).collect();
    groups.sort_unstable();
    assert_eq!(groups, ["MAY", "MUST", "SHOULD"]);
    let level_rows: u64 = by_level.values().map(|value| counts(value)["rows"]).sum();
    assert_eq!(level_rows, rows.len() as u64);
    for origin in ["sentence", "added"] {
        let counted = counts(&report["totals"]["by_origin"][origin]);
        assert_eq!(counted["rows"], origin_rows[origin], "{origin}");
    }

    // One entry per distinct check, listing its rows; the per-check total counts each once.
    let checks = report["checks"].as_array().expect("checks is an array");
    let named: std::collections::BTreeSet<&str> = rows
        .iter()
        .filter_map(|row| row["check"].as_str())
        .collect();
    assert_eq!(checks.len(), named.len());
    let listed_rows: usize = checks
        .iter()
        .map(|check| check["rows"].as_array().expect("rows").len())
        .sum();
    assert_eq!(
        listed_rows,
        rows.iter().filter(|row| row["check"].is_string()).count()
    );
    let check_totals = &report["totals"]["checks"];
    assert_eq!(check_totals["checks"], checks.len() as u64);
    let passing = checks
        .iter()
        .filter(|check| check["status"] == "pass")
        .count();
    assert_eq!(check_totals["pass"], passing as u64);
    assert_eq!(check_totals["fail"], (checks.len() - passing) as u64);

    assert_eq!(
        code,
        Some(if must_failed { 1 } else { 0 }),
        "stderr: {stderr}"
    );
}

#[test]
fn strict_counts_uncovered_must_rows_as_failures() {
    let table = table::load().expect("the table parses");
    let uncovered_must = table
        .iter()
        .any(|row| row.check == table::CheckCell::None && row.level.group() == LevelGroup::Must);
    let (code, stdout, _) = run_binary(&["--strict", "--format", "json"]);
    let report: Value = serde_json::from_str(&stdout).expect("the report is JSON");
    assert_eq!(report["strict"], true);
    if uncovered_must {
        assert_eq!(code, Some(1));
    }
    // A selection without uncovered MUST rows passes under --strict too.
    let (code, _, stderr) = run_binary(&["--strict", "--level", "must", "--status", "pass"]);
    assert_eq!(code, Some(0), "{stderr}");
    let (code, text, _) = run_binary(&["--strict", "--level", "MUST", "--status", "not-covered"]);
    assert_eq!(code, Some(1));
    assert!(text.contains("strict: "), "{text}");
}

#[test]
fn level_role_and_status_filters_select_rows() {
    for (args, field, allowed) in [
        (["--level", "MAY"], "level", &["MAY", "OPTIONAL"][..]),
        (["--role", "client"], "role", &["client"][..]),
        (["--status", "deviation"], "status", &["deviation"][..]),
        (["--status", "option"], "status", &["option"][..]),
    ] {
        let mut all = vec!["--format", "json"];
        all.extend(args);
        let (_, stdout, stderr) = run_binary(&all);
        let report: Value =
            serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
        let rows = report["rows"].as_array().expect("rows");
        assert!(!rows.is_empty(), "{args:?}");
        for row in rows {
            let value = row[field].as_str().expect("a string");
            assert!(allowed.contains(&value), "{args:?}: {row}");
        }
        assert_eq!(report["totals"]["overall"]["rows"], rows.len() as u64);
    }
    for (flag, value) in [
        ("--level", "SHALL"),
        ("--role", "peer"),
        ("--status", "passed"),
    ] {
        let (code, _, stderr) = run_binary(&[flag, value]);
        assert_eq!(code, Some(2), "{flag} {value}");
        assert!(stderr.contains("unknown"), "{stderr}");
    }
}

#[test]
fn text_report_names_each_row_check() {
    let table = table::load().expect("the table parses");
    let (_, text, _) = run_binary(&[]);
    for row in &table {
        if let table::CheckCell::Named(name) = &row.check {
            assert!(
                text.lines()
                    .any(|line| line.starts_with(&format!("{} ", row.id))
                        && line.contains(name.as_str())),
                "{}",
                row.id
            );
        }
    }
    assert!(text.contains("checks: "), "per-check total missing");
}

#[test]
fn filters_select_rows_and_an_empty_selection_is_an_error() {
    let (_, stdout, _) = run_binary(&["--format", "json", "--rfc", "3920", "--id", "3920-3."]);
    let report: Value = serde_json::from_str(&stdout).expect("the report is JSON");
    let rows = report["rows"].as_array().expect("rows is an array");
    assert!(!rows.is_empty());
    for row in rows {
        assert!(
            row["id"]
                .as_str()
                .is_some_and(|id| id.starts_with("3920-3.")),
            "{row}"
        );
    }

    let (code, stdout, stderr) = run_binary(&["--id", "no-such-row"]);
    assert_eq!(code, Some(2));
    assert!(stdout.is_empty());
    assert!(stderr.contains("no row matches"), "{stderr}");

    let (code, _, stderr) = run_binary(&["--format", "yaml"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("unknown format"), "{stderr}");
}

#[test]
fn text_and_markdown_reports_carry_every_row_and_the_totals() {
    let rows = table::load().expect("the table parses");
    let (_, text, _) = run_binary(&[]);
    let (_, markdown, _) = run_binary(&["--format", "markdown"]);
    for row in &rows {
        assert!(
            text.lines()
                .any(|line| line.starts_with(&format!("{} ", row.id))),
            "{}",
            row.id
        );
        assert!(markdown.contains(&format!("| {} |", row.id)), "{}", row.id);
    }
    for label in [
        "all",
        "RFC 3920",
        "MUST",
        "SHOULD",
        "MAY",
        "sentences",
        "added",
    ] {
        assert!(
            text.lines().any(|line| line.starts_with(label)),
            "text lacks {label}"
        );
        assert!(
            markdown.contains(&format!("| {label} |")),
            "markdown lacks {label}"
        );
    }
}
