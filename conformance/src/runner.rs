//! Runs the check of every row and records what it found.

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
    /// The row's check found the behaviour missing, panicked, or is not registered.
    Fail,
    /// No check proves this row yet. Never counted as passed.
    NotCovered,
    /// The row is not a duty of an implementation of this library.
    OutOfScope,
}

/// Every status, in report order.
pub const ALL_STATUSES: [Status; 4] = [
    Status::Pass,
    Status::Fail,
    Status::NotCovered,
    Status::OutOfScope,
];

impl Status {
    /// The status as reports spell it: `pass`, `fail`, `not-covered`, `out-of-scope`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::NotCovered => "not-covered",
            Status::OutOfScope => "out-of-scope",
        }
    }
}

/// What the runner found for one row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowResult<'t> {
    /// The row of the table.
    pub row: &'t Row,
    /// The outcome.
    pub status: Status,
    /// Why: the failure reported by the check, the out-of-scope reason, or empty on a pass.
    pub detail: String,
}

/// Runs every row, looking each check name up with `lookup`.
///
/// The shipped binary passes [`crate::checks::find`]; tests pass their own registry. A row
/// without a check is [`Status::NotCovered`]; a name `lookup` does not know is a
/// [`Status::Fail`] ("unknown check"), as is a check that panics.
pub fn run<'t, F>(rows: &'t [Row], lookup: F) -> Vec<RowResult<'t>>
where
    F: Fn(&str) -> Option<Check>,
{
    rows.iter()
        .map(|row| {
            let (status, detail) = match &row.check {
                CheckCell::None => (Status::NotCovered, "no check yet".to_owned()),
                CheckCell::OutOfScope(reason) => (Status::OutOfScope, reason.clone()),
                CheckCell::Named(name) => match lookup(name) {
                    None => (Status::Fail, format!("unknown check `{name}`")),
                    Some(check) => match run_check(check) {
                        Ok(()) => (Status::Pass, String::new()),
                        Err(detail) => (Status::Fail, format!("{name}: {detail}")),
                    },
                },
            };
            RowResult {
                row,
                status,
                detail,
            }
        })
        .collect()
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

/// Whether any row of the MUST group failed: the runner then exits non-zero.
pub fn must_failed(results: &[RowResult<'_>]) -> bool {
    results
        .iter()
        .any(|result| result.status == Status::Fail && result.row.level.group() == LevelGroup::Must)
}
