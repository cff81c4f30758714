//! Runs the check of every row and records what it found.

use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};

use serde::Serialize;

use crate::checks::{Check, Outcome};
use crate::level::LevelGroup;
use crate::table::{CheckCell, Row};

/// The result of one row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// The row's check ran and found the required behaviour.
    Pass,
    /// A MAY or OPTIONAL row: the check found the choice the project makes (the row's
    /// `option`). Another choice would be as compliant, so this is not counted as a pass.
    Option,
    /// The project follows a later RFC here instead of the row's literal text (the row's
    /// `deviation`), and the check found that behaviour.
    Deviation,
    /// The row's check found the behaviour missing, panicked, or is not registered.
    Fail,
    /// No check proves this row yet. Never counted as passed.
    NotCovered,
    /// The row is not a duty of an implementation of this library.
    OutOfScope,
}

/// Every status, in report order.
pub const ALL_STATUSES: [Status; 6] = [
    Status::Pass,
    Status::Option,
    Status::Deviation,
    Status::Fail,
    Status::NotCovered,
    Status::OutOfScope,
];

impl Status {
    /// The status as reports spell it: `pass`, `option`, `deviation`, `fail`, `not-covered`,
    /// `out-of-scope`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Option => "option",
            Status::Deviation => "deviation",
            Status::Fail => "fail",
            Status::NotCovered => "not-covered",
            Status::OutOfScope => "out-of-scope",
        }
    }

    /// Reads a status as reports spell it.
    pub fn parse(text: &str) -> Option<Status> {
        ALL_STATUSES
            .into_iter()
            .find(|status| status.as_str() == text)
    }
}

/// What the runner found for one row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowResult<'t> {
    /// The row of the table.
    pub row: &'t Row,
    /// The outcome.
    pub status: Status,
    /// Why: the failure reported by the check, the deviation or the option, the out-of-scope
    /// reason, `no check yet`, or empty on a pass.
    pub detail: String,
}

impl RowResult<'_> {
    /// The name of the row's check, if it names one.
    pub fn check(&self) -> Option<&str> {
        match &self.row.check {
            CheckCell::Named(name) => Some(name),
            _ => None,
        }
    }
}

/// What one check found, however many rows name it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckResult {
    /// The check's name.
    pub name: String,
    /// `Ok`, or the failure (an unknown name and a panic are failures too).
    pub outcome: Outcome,
    /// The ids of the rows that name it, in table order.
    pub rows: Vec<String>,
}

/// A whole run: one result per row, and one per distinct check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run<'t> {
    /// One result per row, in table order.
    pub rows: Vec<RowResult<'t>>,
    /// One result per distinct check name, in name order; each check ran once.
    pub checks: Vec<CheckResult>,
}

impl Run<'_> {
    /// Keeps only the rows that ended in `status`, and the checks those rows name (with
    /// only those rows listed).
    pub fn keep_status(&mut self, status: Status) {
        self.rows.retain(|result| result.status == status);
        let kept: std::collections::HashSet<&str> = self
            .rows
            .iter()
            .map(|result| result.row.id.as_str())
            .collect();
        for check in &mut self.checks {
            check.rows.retain(|id| kept.contains(id.as_str()));
        }
        self.checks.retain(|check| !check.rows.is_empty());
    }
}

/// Runs every row, looking each check name up with `lookup`; a check named by several rows
/// runs once.
///
/// The shipped binary passes [`crate::checks::find`]; tests pass their own registry. A row
/// without a check is [`Status::NotCovered`]; a name `lookup` does not know is a
/// [`Status::Fail`] ("unknown check"), as is a check that panics. A passing check makes its
/// row [`Status::Deviation`] when the row records a deviation, [`Status::Option`] when it
/// records an option, and [`Status::Pass`] otherwise.
pub fn run<'t, F>(rows: &'t [Row], lookup: F) -> Run<'t>
where
    F: Fn(&str) -> Option<Check>,
{
    let mut checks: BTreeMap<&str, CheckResult> = BTreeMap::new();
    for row in rows {
        if let CheckCell::Named(name) = &row.check {
            checks
                .entry(name)
                .or_insert_with(|| CheckResult {
                    name: name.clone(),
                    outcome: match lookup(name) {
                        None => Err(format!("unknown check `{name}`")),
                        Some(check) => run_check(check),
                    },
                    rows: Vec::new(),
                })
                .rows
                .push(row.id.clone());
        }
    }
    let results = rows
        .iter()
        .map(|row| {
            let (status, detail) = match &row.check {
                CheckCell::None => (Status::NotCovered, "no check yet".to_owned()),
                CheckCell::OutOfScope(reason) => (Status::OutOfScope, reason.clone()),
                CheckCell::Named(name) => match &checks[name.as_str()].outcome {
                    Err(detail) if detail.starts_with("unknown check") => {
                        (Status::Fail, detail.clone())
                    }
                    Err(detail) => (Status::Fail, format!("{name}: {detail}")),
                    Ok(()) => match (&row.deviation, &row.option) {
                        (Some(deviation), _) => (Status::Deviation, deviation.to_string()),
                        (None, Some(option)) => (Status::Option, option.clone()),
                        (None, None) => (Status::Pass, String::new()),
                    },
                },
            };
            RowResult {
                row,
                status,
                detail,
            }
        })
        .collect();
    Run {
        rows: results,
        checks: checks.into_values().collect(),
    }
}

/// Runs one check, turning a panic into an `Err` that carries the panic message.
pub fn run_check(check: Check) -> Outcome {
    match panic::catch_unwind(AssertUnwindSafe(check.run)) {
        Ok(outcome) => outcome,
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|text| (*text).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "non-text panic payload".to_owned());
            Err(format!("check panicked: {message}"))
        }
    }
}

/// Whether a row makes the run fail: a failing row of the MUST group, and under `strict`
/// also a MUST-group row that no check covers.
pub fn is_fatal(result: &RowResult<'_>, strict: bool) -> bool {
    result.row.level.group() == LevelGroup::Must
        && (result.status == Status::Fail || (strict && result.status == Status::NotCovered))
}

/// Whether any row of the MUST group failed (or, under `strict`, is not covered): the
/// runner then exits non-zero.
pub fn must_failed(results: &[RowResult<'_>], strict: bool) -> bool {
    results.iter().any(|result| is_fatal(result, strict))
}
