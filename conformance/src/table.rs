//! The conformance table: `requirements.tsv`, one row per normative statement.
//!
//! The file is tab separated with the header
//! `id  rfc  section  level  role  summary  check`. Blank lines and lines starting with `#`
//! (source notes) are skipped. The table is compiled into the binary, so the report runs
//! from any checkout.

use std::collections::HashSet;
use std::fmt;

use crate::level::Level;
use crate::role::Role;

/// The table as shipped with this crate.
pub const TABLE: &str = include_str!("../requirements.tsv");

/// The column names, in order.
pub const COLUMNS: [&str; 7] = ["id", "rfc", "section", "level", "role", "summary", "check"];

/// The prefix of a `check` cell that marks a row as outside this library's duties.
pub const OUT_OF_SCOPE_PREFIX: &str = "out-of-scope:";

/// What the `check` cell of a row says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CheckCell {
    /// Empty: nothing proves this row yet.
    None,
    /// `out-of-scope: <reason>`: not a duty of an implementation of this library.
    OutOfScope(String),
    /// The name of a registered check, such as `jid.node_prohibited_chars`.
    Named(String),
}

/// One row of the table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// Stable id, `<rfc>-<section>-<n>` with an optional letter suffix, such as `3920-3.2-4a`.
    pub id: String,
    /// The RFC number, such as `3920`.
    pub rfc: String,
    /// The section of that RFC, such as `3.2` or `A.5`.
    pub section: String,
    /// The RFC 2119 keyword of the requirement.
    pub level: Level,
    /// The side the duty falls on.
    pub role: Role,
    /// A one-line summary in the project's own words.
    pub summary: String,
    /// How the row is proven.
    pub check: CheckCell,
}

/// A line of the table that could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableError {
    /// The 1-based line number in the file.
    pub line: usize,
    /// What is wrong with it.
    pub problem: TableProblem,
}

/// What is wrong with a line of the table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TableProblem {
    /// The file is empty or its first line is not the expected header.
    BadHeader,
    /// The line does not have exactly seven tab-separated columns.
    ColumnCount {
        /// How many columns the line has.
        found: usize,
    },
    /// The `rfc` cell is not a decimal number.
    BadRfc(String),
    /// The section cell is empty or holds whitespace.
    BadSection(String),
    /// The id is not `<rfc>-<section>-<tail>` with an alphanumeric tail.
    BadId(String),
    /// The level is not a known RFC 2119 keyword.
    UnknownLevel(String),
    /// The role is not one of `client`, `server`, `any`, `gateway`, `deployment`.
    UnknownRole(String),
    /// The summary cell is empty.
    EmptySummary,
    /// The check cell is neither empty, `out-of-scope: <reason>`, nor a check name.
    BadCheck(String),
    /// The id was already used by an earlier row.
    DuplicateId(String),
}

impl fmt::Display for TableError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "requirements.tsv line {}: ", self.line)?;
        match &self.problem {
            TableProblem::BadHeader => write!(f, "expected the header `{}`", COLUMNS.join("\\t")),
            TableProblem::ColumnCount { found } => write!(f, "{found} columns instead of 7"),
            TableProblem::BadRfc(rfc) => write!(f, "rfc `{rfc}` is not a number"),
            TableProblem::BadSection(section) => write!(f, "bad section `{section}`"),
            TableProblem::BadId(id) => {
                write!(f, "id `{id}` is not `<rfc>-<section>-<n>` for this row")
            }
            TableProblem::UnknownLevel(level) => write!(f, "unknown level `{level}`"),
            TableProblem::UnknownRole(role) => write!(f, "unknown role `{role}`"),
            TableProblem::EmptySummary => f.write_str("empty summary"),
            TableProblem::BadCheck(check) => write!(f, "bad check cell `{check}`"),
            TableProblem::DuplicateId(id) => write!(f, "id `{id}` appears twice"),
        }
    }
}

impl std::error::Error for TableError {}

/// Reads the shipped table.
pub fn load() -> Result<Vec<Row>, TableError> {
    parse(TABLE)
}

/// Reads a table in the `requirements.tsv` format.
pub fn parse(text: &str) -> Result<Vec<Row>, TableError> {
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(index, line)| (index + 1, line));
    match lines.next() {
        Some((_, header)) if header.trim_end_matches('\r').split('\t').eq(COLUMNS) => {}
        _ => {
            return Err(TableError {
                line: 1,
                problem: TableProblem::BadHeader,
            });
        }
    }
    let mut rows = Vec::new();
    let mut seen = HashSet::new();
    for (line, raw) in lines {
        let raw = raw.trim_end_matches('\r');
        if raw.trim().is_empty() || raw.starts_with('#') {
            continue;
        }
        let row = parse_row(raw).map_err(|problem| TableError { line, problem })?;
        if !seen.insert(row.id.clone()) {
            return Err(TableError {
                line,
                problem: TableProblem::DuplicateId(row.id),
            });
        }
        rows.push(row);
    }
    Ok(rows)
}

fn parse_row(raw: &str) -> Result<Row, TableProblem> {
    let cells: Vec<&str> = raw.split('\t').collect();
    let [id, rfc, section, level, role, summary, check] = cells[..] else {
        return Err(TableProblem::ColumnCount { found: cells.len() });
    };
    if rfc.is_empty() || !rfc.bytes().all(|b| b.is_ascii_digit()) {
        return Err(TableProblem::BadRfc(rfc.to_owned()));
    }
    if section.is_empty() || section.contains(char::is_whitespace) {
        return Err(TableProblem::BadSection(section.to_owned()));
    }
    let tail = id
        .strip_prefix(rfc)
        .and_then(|rest| rest.strip_prefix('-'))
        .and_then(|rest| rest.strip_prefix(section))
        .and_then(|rest| rest.strip_prefix('-'));
    match tail {
        Some(tail) if !tail.is_empty() && tail.bytes().all(|b| b.is_ascii_alphanumeric()) => {}
        _ => return Err(TableProblem::BadId(id.to_owned())),
    }
    let level = Level::parse(level).ok_or_else(|| TableProblem::UnknownLevel(level.to_owned()))?;
    let role = Role::parse(role).ok_or_else(|| TableProblem::UnknownRole(role.to_owned()))?;
    if summary.trim().is_empty() {
        return Err(TableProblem::EmptySummary);
    }
    Ok(Row {
        id: id.to_owned(),
        rfc: rfc.to_owned(),
        section: section.to_owned(),
        level,
        role,
        summary: summary.to_owned(),
        check: parse_check(check)?,
    })
}

fn parse_check(cell: &str) -> Result<CheckCell, TableProblem> {
    if cell.is_empty() {
        return Ok(CheckCell::None);
    }
    if let Some(reason) = cell.strip_prefix(OUT_OF_SCOPE_PREFIX) {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(TableProblem::BadCheck(cell.to_owned()));
        }
        return Ok(CheckCell::OutOfScope(reason.to_owned()));
    }
    let name_ok = cell
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'.')
        && cell.contains('.')
        && !cell.starts_with('.')
        && !cell.ends_with('.');
    if name_ok {
        Ok(CheckCell::Named(cell.to_owned()))
    } else {
        Err(TableProblem::BadCheck(cell.to_owned()))
    }
}

/// The id without its letter suffix: `3920-3.2-4a` gives `3920-3.2-4`.
///
/// This is the id of the normative sentence the row was split from.
pub fn base_id(id: &str) -> &str {
    match id.as_bytes().last() {
        Some(last) if last.is_ascii_lowercase() => {
            let stem = &id[..id.len() - 1];
            if stem.as_bytes().last().is_some_and(u8::is_ascii_digit) {
                stem
            } else {
                id
            }
        }
        _ => id,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "id\trfc\tsection\tlevel\trole\tsummary\tcheck\n";

    #[test]
    fn reads_all_three_kinds_of_check_cell() {
        let text = format!(
            "{HEADER}3920-3.1-1\t3920\t3.1\tMUST\tany\tparts are short\tjid.part_length\n\
             3920-2.3-2\t3920\t2.3\tRECOMMENDED\tdeployment\tport\tout-of-scope: ports\n\
             3920-A.5-x1\t3920\tA.5\tMUST NOT\tany\tno check yet\t\n"
        );
        let rows = parse(&text).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].check, CheckCell::Named("jid.part_length".into()));
        assert_eq!(rows[1].check, CheckCell::OutOfScope("ports".into()));
        assert_eq!(rows[2].check, CheckCell::None);
        assert_eq!(rows[2].level, Level::MustNot);
    }

    #[test]
    fn rejects_malformed_rows_with_their_line() {
        let cases = [
            (
                "3920-3.1-1\t3920\t3.1\tMUST\tany\tsummary",
                TableProblem::ColumnCount { found: 6 },
            ),
            (
                "3920-3.1-1\t3920\t3.2\tMUST\tany\ts\t",
                TableProblem::BadId("3920-3.1-1".into()),
            ),
            (
                "3920-3.1-1\t3920\t3.1\tMUSTN'T\tany\ts\t",
                TableProblem::UnknownLevel("MUSTN'T".into()),
            ),
            (
                "3920-3.1-1\t3920\t3.1\tMUST\tpeer\ts\t",
                TableProblem::UnknownRole("peer".into()),
            ),
            (
                "3920-3.1-1\t3920\t3.1\tMUST\tany\t \t",
                TableProblem::EmptySummary,
            ),
            (
                "3920-3.1-1\t3920\t3.1\tMUST\tany\ts\tout-of-scope:",
                TableProblem::BadCheck("out-of-scope:".into()),
            ),
            (
                "3920-3.1-1\t3920\t3.1\tMUST\tany\ts\tNot A Name",
                TableProblem::BadCheck("Not A Name".into()),
            ),
        ];
        for (line, problem) in cases {
            let error = parse(&format!("{HEADER}{line}\n")).unwrap_err();
            assert_eq!(error, TableError { line: 2, problem });
        }
    }

    #[test]
    fn rejects_duplicates_and_a_missing_header() {
        let row = "3920-3.1-1\t3920\t3.1\tMUST\tany\ts\t\n";
        let error = parse(&format!("{HEADER}{row}{row}")).unwrap_err();
        assert_eq!(error.line, 3);
        assert_eq!(
            error.problem,
            TableProblem::DuplicateId("3920-3.1-1".into())
        );
        assert_eq!(parse(row).unwrap_err().problem, TableProblem::BadHeader);
        assert_eq!(parse("").unwrap_err().problem, TableProblem::BadHeader);
    }

    #[test]
    fn base_id_drops_only_a_letter_suffix() {
        assert_eq!(base_id("3920-3.2-4a"), "3920-3.2-4");
        assert_eq!(base_id("3920-3.2-4"), "3920-3.2-4");
        assert_eq!(base_id("3920-A.5-x1"), "3920-A.5-x1");
        assert_eq!(base_id("3920-A.5-x"), "3920-A.5-x");
    }
}
