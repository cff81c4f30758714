//! The three report formats: aligned text, Markdown and JSON.

use std::fmt::Write as _;

use serde::Serialize;

use crate::level::LevelGroup;
use crate::runner::{ALL_STATUSES, RowResult, Run};
use crate::table::Deviation;
use crate::totals::{Counts, Totals};

/// The version of the JSON report's layout; it changes whenever a field is added, renamed or
/// given another meaning.
pub const SCHEMA_VERSION: u32 = 2;

/// A report format, chosen with `--format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Aligned columns for a terminal (the default).
    Text,
    /// A GitHub-flavoured Markdown table.
    Markdown,
    /// The JSON contract described in the crate README.
    Json,
}

impl Format {
    /// Reads `text`, `markdown` or `json`.
    pub fn parse(name: &str) -> Option<Format> {
        match name {
            "text" => Some(Format::Text),
            "markdown" => Some(Format::Markdown),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
}

/// How the run was made, for the report's header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Settings {
    /// Whether not-covered MUST rows count as failures.
    pub strict: bool,
}

/// Renders a run in the chosen format; the result ends with a newline.
pub fn render(run: &Run<'_>, totals: &Totals, format: Format, settings: Settings) -> String {
    match format {
        Format::Text => text(run, totals, settings),
        Format::Markdown => markdown(run, totals),
        Format::Json => json(run, totals, settings),
    }
}

/// One row of the JSON report.
#[derive(Serialize)]
struct JsonRow<'a> {
    id: &'a str,
    rfc: &'a str,
    section: &'a str,
    level: &'a str,
    role: &'a str,
    origin: &'a str,
    source: String,
    check: Option<&'a str>,
    status: &'a str,
    deviation: Option<JsonDeviation<'a>>,
    option: Option<&'a str>,
    detail: &'a str,
}

/// The later RFC a deviating row follows.
#[derive(Serialize)]
struct JsonDeviation<'a> {
    rfc: &'a str,
    section: &'a str,
    reason: &'a str,
}

impl<'a> From<&'a Deviation> for JsonDeviation<'a> {
    fn from(deviation: &'a Deviation) -> Self {
        JsonDeviation {
            rfc: &deviation.rfc,
            section: &deviation.section,
            reason: &deviation.reason,
        }
    }
}

/// One distinct check of the JSON report.
#[derive(Serialize)]
struct JsonCheck<'a> {
    name: &'a str,
    status: &'a str,
    detail: &'a str,
    rows: &'a [String],
}

/// The tool that made the report.
#[derive(Serialize)]
struct JsonTool {
    name: &'static str,
    version: &'static str,
}

/// The whole JSON report.
#[derive(Serialize)]
struct JsonReport<'a> {
    schema_version: u32,
    tool: JsonTool,
    strict: bool,
    rows: Vec<JsonRow<'a>>,
    checks: Vec<JsonCheck<'a>>,
    totals: &'a Totals,
}

fn json(run: &Run<'_>, totals: &Totals, settings: Settings) -> String {
    let report = JsonReport {
        schema_version: SCHEMA_VERSION,
        tool: JsonTool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        },
        strict: settings.strict,
        rows: run
            .rows
            .iter()
            .map(|result| JsonRow {
                id: &result.row.id,
                rfc: &result.row.rfc,
                section: &result.row.section,
                level: result.row.level.as_str(),
                role: result.row.role.as_str(),
                origin: result.row.origin().as_str(),
                source: result.row.source_text(),
                check: result.check(),
                status: result.status.as_str(),
                deviation: result.row.deviation.as_ref().map(JsonDeviation::from),
                option: result.row.option.as_deref(),
                detail: &result.detail,
            })
            .collect(),
        checks: run
            .checks
            .iter()
            .map(|check| JsonCheck {
                name: &check.name,
                status: if check.outcome.is_ok() {
                    "pass"
                } else {
                    "fail"
                },
                detail: check.outcome.as_ref().err().map_or("", String::as_str),
                rows: &check.rows,
            })
            .collect(),
        totals,
    };
    // Serialising plain strings and integers into a String cannot fail.
    let mut out = serde_json::to_string_pretty(&report).unwrap_or_default();
    out.push('\n');
    out
}

/// The labelled lines of the totals: overall, each RFC, each level group, the sentences and
/// the added rules.
fn totals_lines(totals: &Totals) -> Vec<(String, Counts)> {
    let mut lines = vec![("all".to_owned(), totals.overall)];
    for (rfc, counts) in &totals.by_rfc {
        lines.push((format!("RFC {rfc}"), *counts));
    }
    for group in [LevelGroup::Must, LevelGroup::Should, LevelGroup::May] {
        lines.push((group.as_str().to_owned(), *totals.by_level.get(group)));
    }
    lines.push(("sentences".to_owned(), totals.by_origin.sentence));
    lines.push(("added".to_owned(), totals.by_origin.added));
    lines
}

/// The line counting distinct checks.
fn checks_line(totals: &Totals) -> String {
    format!(
        "checks: {} distinct, {} pass, {} fail (a check named by several rows counts once)",
        totals.checks.checks, totals.checks.pass, totals.checks.fail
    )
}

fn text(run: &Run<'_>, totals: &Totals, settings: Settings) -> String {
    let width = |f: &dyn Fn(&RowResult<'_>) -> usize, min: usize| {
        run.rows.iter().map(f).chain([min]).max().unwrap_or(min)
    };
    let id_width = width(&|result| result.row.id.len(), 2);
    let check_width = width(&|result| result.check().map_or(1, str::len), 5);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:id_width$}  {:15}  {:12}  {:check_width$}  detail",
        "id", "level", "result", "check"
    );
    for result in &run.rows {
        let line = format!(
            "{:id_width$}  {:15}  {:12}  {:check_width$}  {}",
            result.row.id,
            result.row.level.as_str(),
            result.status.as_str(),
            result.check().unwrap_or("-"),
            one_line(&result.detail),
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.push('\n');
    let _ = write!(out, "{:10}  {:>6}", "totals", "rows");
    for status in ALL_STATUSES {
        let _ = write!(out, "  {:>12}", status.as_str());
    }
    out.push('\n');
    for (label, counts) in totals_lines(totals) {
        let _ = write!(out, "{label:10}  {:>6}", counts.rows);
        for status in ALL_STATUSES {
            let _ = write!(out, "  {:>12}", counts.get(status));
        }
        out.push('\n');
    }
    out.push_str(&checks_line(totals));
    out.push('\n');
    if settings.strict {
        let uncovered = totals.by_level.must.not_covered;
        let _ = writeln!(
            out,
            "strict: {uncovered} MUST rows not covered count as failures"
        );
    }
    out
}

fn markdown(run: &Run<'_>, totals: &Totals) -> String {
    let mut out = String::from("| id | level | result | check | detail |\n|---|---|---|---|---|\n");
    for result in &run.rows {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            cell(&result.row.id),
            result.row.level.as_str(),
            result.status.as_str(),
            result.check().map_or_else(|| "-".to_owned(), cell),
            cell(&result.detail),
        );
    }
    out.push_str("\n| totals | rows |");
    for status in ALL_STATUSES {
        let _ = write!(out, " {} |", status.as_str());
    }
    out.push_str("\n|---|---:|");
    for _ in ALL_STATUSES {
        out.push_str("---:|");
    }
    out.push('\n');
    for (label, counts) in totals_lines(totals) {
        let _ = write!(out, "| {label} | {} |", counts.rows);
        for status in ALL_STATUSES {
            let _ = write!(out, " {} |", counts.get(status));
        }
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&checks_line(totals));
    out.push('\n');
    out
}

/// Folds line breaks so a detail stays on its row.
fn one_line(text: &str) -> String {
    text.split(['\n', '\r'])
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" / ")
}

/// A Markdown table cell: one line, pipes escaped.
fn cell(text: &str) -> String {
    one_line(text).replace('|', "\\|")
}
