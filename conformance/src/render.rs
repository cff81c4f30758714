//! The three report formats: aligned text, Markdown and JSON.

use std::fmt::Write as _;

use serde::Serialize;

use crate::level::LevelGroup;
use crate::runner::{ALL_STATUSES, RowResult};
use crate::totals::{Counts, Totals};

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

/// Renders a run in the chosen format; the result ends with a newline.
pub fn render(results: &[RowResult<'_>], totals: &Totals, format: Format) -> String {
    match format {
        Format::Text => text(results, totals),
        Format::Markdown => markdown(results, totals),
        Format::Json => json(results, totals),
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
    status: &'a str,
    detail: &'a str,
}

/// The whole JSON report.
#[derive(Serialize)]
struct JsonReport<'a> {
    rows: Vec<JsonRow<'a>>,
    totals: &'a Totals,
}

fn json(results: &[RowResult<'_>], totals: &Totals) -> String {
    let report = JsonReport {
        rows: results
            .iter()
            .map(|result| JsonRow {
                id: &result.row.id,
                rfc: &result.row.rfc,
                section: &result.row.section,
                level: result.row.level.as_str(),
                role: result.row.role.as_str(),
                status: result.status.as_str(),
                detail: &result.detail,
            })
            .collect(),
        totals,
    };
    // Serialising plain strings and integers into a String cannot fail.
    let mut out = serde_json::to_string_pretty(&report).unwrap_or_default();
    out.push('\n');
    out
}

/// The labelled lines of the totals: overall, each RFC, each level group.
fn totals_lines(totals: &Totals) -> Vec<(String, Counts)> {
    let mut lines = vec![("all".to_owned(), totals.overall)];
    for (rfc, counts) in &totals.by_rfc {
        lines.push((format!("RFC {rfc}"), *counts));
    }
    for group in [LevelGroup::Must, LevelGroup::Should, LevelGroup::May] {
        lines.push((group.as_str().to_owned(), *totals.by_level.get(group)));
    }
    lines
}

fn text(results: &[RowResult<'_>], totals: &Totals) -> String {
    let id_width = results
        .iter()
        .map(|result| result.row.id.len())
        .chain([2])
        .max()
        .unwrap_or(2);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:id_width$}  {:15}  {:12}  detail",
        "id", "level", "result"
    );
    for result in results {
        let line = format!(
            "{:id_width$}  {:15}  {:12}  {}",
            result.row.id,
            result.row.level.as_str(),
            result.status.as_str(),
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
    out
}

fn markdown(results: &[RowResult<'_>], totals: &Totals) -> String {
    let mut out = String::from("| id | level | result | detail |\n|---|---|---|---|\n");
    for result in results {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            cell(&result.row.id),
            result.row.level.as_str(),
            result.status.as_str(),
            cell(&result.detail),
        );
    }
    out.push_str("\n| totals | rows |");
    for status in ALL_STATUSES {
        let _ = write!(out, " {} |", status.as_str());
    }
    out.push_str("\n|---|---:|---:|---:|---:|---:|\n");
    for (label, counts) in totals_lines(totals) {
        let _ = write!(out, "| {label} | {} |", counts.rows);
        for status in ALL_STATUSES {
            let _ = write!(out, " {} |", counts.get(status));
        }
        out.push('\n');
    }
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
