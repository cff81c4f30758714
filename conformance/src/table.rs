//! The conformance table: `requirements.tsv`, one row per normative statement.
//!
//! The file is tab separated with the header
//! `id  rfc  section  level  role  source  summary  check  deviation  option`. Blank lines
//! and lines starting with `#` (notes) are skipped. The table is compiled into the binary, so the report runs
//! from any checkout.

use std::collections::HashSet;
use std::fmt;

use crate::level::{Level, LevelGroup};
use crate::role::Role;

/// The table as shipped with this crate.
pub const TABLE: &str = include_str!("../requirements.tsv");

/// The column names, in order.
pub const COLUMNS: [&str; 10] = [
    "id",
    "rfc",
    "section",
    "level",
    "role",
    "source",
    "summary",
    "check",
    "deviation",
    "option",
];

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

/// Where a row comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Origin {
    /// A normative sentence of the RFC, with the sentence's id (or a letter-suffixed part of
    /// it).
    Sentence,
    /// A rule the table adds (an `-xN` id): a rule of the RFC without a keyword sentence,
    /// or one taken from another RFC, named in the row's `source`.
    Added,
}

impl Origin {
    /// `sentence` or `added`, as reports spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Sentence => "sentence",
            Origin::Added => "added",
        }
    }
}

/// Where the project follows a later RFC instead of the literal text of the row's RFC.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deviation {
    /// The later RFC followed, such as `6120`.
    pub rfc: String,
    /// Its section, such as `4.9.3.18`.
    pub section: String,
    /// What the project does and why.
    pub reason: String,
}

impl fmt::Display for Deviation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RFC {} §{}: {}", self.rfc, self.section, self.reason)
    }
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
    /// For a row the table adds (`-xN`), the document and section the rule comes from,
    /// such as `RFC 3920 §A.5` or `RFC 7622 §3.1`; `None` for a sentence of the RFC itself.
    pub source: Option<String>,
    /// A one-line summary of what the RFC says, in the project's own words.
    pub summary: String,
    /// How the row is proven.
    pub check: CheckCell,
    /// Set when the project follows a later RFC here; the check proves that behaviour.
    pub deviation: Option<Deviation>,
    /// For a MAY or OPTIONAL row: which of the permitted choices the project makes; the
    /// check proves that choice.
    pub option: Option<String>,
}

impl Row {
    /// Whether the row is a sentence of the RFC or a rule the table adds.
    pub fn origin(&self) -> Origin {
        if self
            .id
            .rsplit('-')
            .next()
            .is_some_and(|tail| tail.starts_with('x'))
        {
            Origin::Added
        } else {
            Origin::Sentence
        }
    }

    /// The document and section the row's rule comes from: `source` for an added rule,
    /// otherwise the row's own RFC and section.
    pub fn source_text(&self) -> String {
        match &self.source {
            Some(source) => source.clone(),
            None => format!("RFC {} §{}", self.rfc, self.section),
        }
    }
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
    /// The line does not have exactly ten tab-separated columns.
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
    /// An added rule (`-xN`) without a source, or a sentence row with one.
    BadSource(String),
    /// The deviation cell is not `RFC <n> §<section>: <reason>`, or the row names no check.
    BadDeviation(String),
    /// An option on a row that is not MAY or OPTIONAL, or a checked MAY or OPTIONAL row
    /// that says neither which option it implements nor a deviation.
    BadOption(String),
}

impl fmt::Display for TableError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "requirements.tsv line {}: ", self.line)?;
        match &self.problem {
            TableProblem::BadHeader => write!(f, "expected the header `{}`", COLUMNS.join("\\t")),
            TableProblem::ColumnCount { found } => {
                write!(f, "{found} columns instead of {}", COLUMNS.len())
            }
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
            TableProblem::BadSource(source) => write!(
                f,
                "source `{source}`: an -xN row names `RFC <n> §<section>`, a sentence row none"
            ),
            TableProblem::BadDeviation(cell) => write!(
                f,
                "deviation `{cell}`: want `RFC <n> §<section>: <reason>` on a row with a check"
            ),
            TableProblem::BadOption(cell) => write!(
                f,
                "option `{cell}`: only MAY/OPTIONAL rows have one, and every checked one needs it"
            ),
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
    let [
        id,
        rfc,
        section,
        level,
        role,
        source,
        summary,
        check,
        deviation,
        option,
    ] = cells[..]
    else {
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
    let check = parse_check(check)?;
    let deviation = match deviation {
        "" => None,
        cell => match parse_reference(cell) {
            Some((rfc, section, reason))
                if !reason.is_empty() && matches!(check, CheckCell::Named(_)) =>
            {
                Some(Deviation {
                    rfc: rfc.to_owned(),
                    section: section.to_owned(),
                    reason: reason.to_owned(),
                })
            }
            _ => return Err(TableProblem::BadDeviation(cell.to_owned())),
        },
    };
    let may = level.group() == LevelGroup::May;
    let option = match option.trim() {
        "" if may && matches!(check, CheckCell::Named(_)) && deviation.is_none() => {
            return Err(TableProblem::BadOption(String::new()));
        }
        "" => None,
        _ if !may || !matches!(check, CheckCell::Named(_)) => {
            return Err(TableProblem::BadOption(option.to_owned()));
        }
        text => Some(text.to_owned()),
    };
    let row = Row {
        id: id.to_owned(),
        rfc: rfc.to_owned(),
        section: section.to_owned(),
        level,
        role,
        source: (!source.is_empty()).then(|| source.to_owned()),
        summary: summary.to_owned(),
        check,
        deviation,
        option,
    };
    let source_ok = match (&row.source, row.origin()) {
        (None, Origin::Sentence) => true,
        (Some(source), Origin::Added) => {
            parse_reference(&format!("{source}: -")).is_some_and(|(_, _, rest)| rest == "-")
        }
        _ => false,
    };
    if !source_ok {
        return Err(TableProblem::BadSource(source.to_owned()));
    }
    Ok(row)
}

/// Reads `RFC <digits> §<section>: <rest>`, giving the number, the section and the rest.
fn parse_reference(cell: &str) -> Option<(&str, &str, &str)> {
    let rest = cell.strip_prefix("RFC ")?;
    let (rfc, rest) = rest.split_once(' ')?;
    let rest = rest.strip_prefix('§')?;
    let (section, reason) = rest.split_once(": ")?;
    let number_ok = !rfc.is_empty() && rfc.bytes().all(|b| b.is_ascii_digit());
    let section_ok = !section.is_empty() && !section.contains(char::is_whitespace);
    (number_ok && section_ok).then_some((rfc, section, reason.trim()))
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

    const HEADER: &str =
        "id\trfc\tsection\tlevel\trole\tsource\tsummary\tcheck\tdeviation\toption\n";

    /// A line from its ten cells.
    fn line(cells: [&str; 10]) -> String {
        cells.join("\t")
    }

    #[test]
    fn reads_all_three_kinds_of_check_cell() {
        let text = format!(
            "{HEADER}{}\n{}\n{}\n",
            line([
                "3920-3.1-1",
                "3920",
                "3.1",
                "MUST",
                "any",
                "",
                "parts are short",
                "jid.part_length",
                "",
                ""
            ]),
            line([
                "3920-2.3-2",
                "3920",
                "2.3",
                "RECOMMENDED",
                "deployment",
                "",
                "port",
                "out-of-scope: ports",
                "",
                ""
            ]),
            line([
                "3920-A.5-x1",
                "3920",
                "A.5",
                "MUST NOT",
                "any",
                "RFC 3920 §A.5",
                "no check yet",
                "",
                "",
                ""
            ]),
        );
        let rows = parse(&text).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].check, CheckCell::Named("jid.part_length".into()));
        assert_eq!(rows[0].origin(), Origin::Sentence);
        assert_eq!(rows[0].source_text(), "RFC 3920 §3.1");
        assert_eq!(rows[1].check, CheckCell::OutOfScope("ports".into()));
        assert_eq!(rows[2].check, CheckCell::None);
        assert_eq!(rows[2].level, Level::MustNot);
        assert_eq!(rows[2].origin(), Origin::Added);
        assert_eq!(rows[2].source.as_deref(), Some("RFC 3920 §A.5"));
    }

    #[test]
    fn reads_deviations_and_options() {
        let text = format!(
            "{HEADER}{}\n{}\n",
            line([
                "3920-11.1-3",
                "3920",
                "11.1",
                "MUST",
                "any",
                "",
                "ignore it",
                "xml.restricted",
                "RFC 6120 §11.1: the stream is closed",
                ""
            ]),
            line([
                "3920-3.2-2a",
                "3920",
                "3.2",
                "MAY",
                "any",
                "",
                "IP literals",
                "jid.ip",
                "",
                "IPv4 and bracketed IPv6"
            ]),
        );
        let rows = parse(&text).unwrap();
        assert_eq!(
            rows[0].deviation,
            Some(Deviation {
                rfc: "6120".into(),
                section: "11.1".into(),
                reason: "the stream is closed".into()
            })
        );
        assert_eq!(rows[1].option.as_deref(), Some("IPv4 and bracketed IPv6"));
    }

    #[test]
    fn rejects_malformed_rows_with_their_line() {
        let base = [
            "3920-3.1-1",
            "3920",
            "3.1",
            "MUST",
            "any",
            "",
            "s",
            "",
            "",
            "",
        ];
        let with = |index: usize, value: &'static str| {
            let mut cells = base;
            cells[index] = value;
            line(cells)
        };
        let cases = [
            (
                "3920-3.1-1\t3920\t3.1\tMUST\tany\tsummary".to_owned(),
                TableProblem::ColumnCount { found: 6 },
            ),
            (with(2, "3.2"), TableProblem::BadId("3920-3.1-1".into())),
            (
                with(3, "MUSTN'T"),
                TableProblem::UnknownLevel("MUSTN'T".into()),
            ),
            (with(4, "peer"), TableProblem::UnknownRole("peer".into())),
            (with(6, " "), TableProblem::EmptySummary),
            (
                with(7, "out-of-scope:"),
                TableProblem::BadCheck("out-of-scope:".into()),
            ),
            (
                with(7, "Not A Name"),
                TableProblem::BadCheck("Not A Name".into()),
            ),
            (
                with(5, "RFC 7622 §3.1"),
                TableProblem::BadSource("RFC 7622 §3.1".into()),
            ),
            (
                with(8, "RFC 6120 §11.1: no check"),
                TableProblem::BadDeviation("RFC 6120 §11.1: no check".into()),
            ),
            (
                with(9, "an option on a MUST"),
                TableProblem::BadOption("an option on a MUST".into()),
            ),
        ];
        for (text, problem) in cases {
            let error = parse(&format!("{HEADER}{text}\n")).unwrap_err();
            assert_eq!(error, TableError { line: 2, problem });
        }
        let added = line([
            "3920-3.1-x1",
            "3920",
            "3.1",
            "MUST",
            "any",
            "",
            "s",
            "",
            "",
            "",
        ]);
        assert_eq!(
            parse(&format!("{HEADER}{added}\n")).unwrap_err().problem,
            TableProblem::BadSource(String::new())
        );
        let may = line([
            "3920-3.1-2",
            "3920",
            "3.1",
            "MAY",
            "any",
            "",
            "s",
            "jid.x",
            "",
            "",
        ]);
        assert_eq!(
            parse(&format!("{HEADER}{may}\n")).unwrap_err().problem,
            TableProblem::BadOption(String::new())
        );
        let deviation = with(8, "RFC 6120 11.1: no section sign");
        assert!(matches!(
            parse(&format!("{HEADER}{deviation}\n"))
                .unwrap_err()
                .problem,
            TableProblem::BadDeviation(_)
        ));
    }

    #[test]
    fn rejects_duplicates_and_a_missing_header() {
        let row = "3920-3.1-1\t3920\t3.1\tMUST\tany\t\ts\t\t\t\n";
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
