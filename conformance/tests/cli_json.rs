//! The binary's JSON report follows the documented contract and agrees with the table.

use std::collections::BTreeMap;
use std::process::Command;

use serde_json::Value;
use xmpp_conformance::table;

const STATUSES: [&str; 4] = ["pass", "fail", "not-covered", "out-of-scope"];

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
        ["fail", "not-covered", "out-of-scope", "pass", "rows"]
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

    let rows = report["rows"].as_array().expect("rows is an array");
    assert_eq!(rows.len(), table.len());
    let mut tally: BTreeMap<String, u64> = BTreeMap::new();
    let mut must_failed = false;
    for (row, expected) in rows.iter().zip(&table) {
        let object = row.as_object().expect("a row is an object");
        let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            ["detail", "id", "level", "rfc", "role", "section", "status"]
        );
        assert_eq!(row["id"], expected.id.as_str());
        assert_eq!(row["rfc"], expected.rfc.as_str(), "rfc is a string");
        assert_eq!(row["section"], expected.section.as_str());
        assert_eq!(row["level"], expected.level.as_str());
        assert_eq!(row["role"], expected.role.as_str());
        assert!(row["detail"].is_string());
        let status = row["status"].as_str().expect("status is a string");
        assert!(STATUSES.contains(&status), "unknown status {status}");
        if expected.check == table::CheckCell::None {
            assert_eq!(status, "not-covered", "{}", expected.id);
        }
        *tally.entry(status.to_owned()).or_default() += 1;
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

    assert_eq!(
        code,
        Some(if must_failed { 1 } else { 0 }),
        "stderr: {stderr}"
    );
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
    for label in ["all", "RFC 3920", "MUST", "SHOULD", "MAY"] {
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
