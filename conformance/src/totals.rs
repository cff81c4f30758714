//! Counts of results: overall, per RFC and per level group.
//!
//! Serialised as the `totals` object of the JSON report:
//!
//! ```json
//! {
//!   "overall":  {"rows": 417, "pass": 12, "fail": 0, "not-covered": 300, "out-of-scope": 105},
//!   "by_rfc":   {"3920": {"rows": 417, "pass": 12, "...": 0}},
//!   "by_level": {"MUST": {"...": 0}, "SHOULD": {"...": 0}, "MAY": {"...": 0}}
//! }
//! ```

use std::collections::BTreeMap;

use serde::Serialize;

use crate::level::LevelGroup;
use crate::runner::{RowResult, Status};

/// How many rows ended in each status. `rows` is the sum of the four others.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Rows counted.
    pub rows: usize,
    /// Rows whose check passed.
    pub pass: usize,
    /// Rows whose check failed, panicked or is not registered.
    pub fail: usize,
    /// Rows with no check.
    #[serde(rename = "not-covered")]
    pub not_covered: usize,
    /// Rows outside this library's duties.
    #[serde(rename = "out-of-scope")]
    pub out_of_scope: usize,
}

impl Counts {
    /// Counts one more row with this status.
    pub fn add(&mut self, status: Status) {
        self.rows += 1;
        match status {
            Status::Pass => self.pass += 1,
            Status::Fail => self.fail += 1,
            Status::NotCovered => self.not_covered += 1,
            Status::OutOfScope => self.out_of_scope += 1,
        }
    }

    /// The count of one status.
    pub fn get(&self, status: Status) -> usize {
        match status {
            Status::Pass => self.pass,
            Status::Fail => self.fail,
            Status::NotCovered => self.not_covered,
            Status::OutOfScope => self.out_of_scope,
        }
    }
}

/// Counts per level group; every group is present, possibly with zero rows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ByLevel {
    /// MUST, MUST NOT, REQUIRED, SHALL, SHALL NOT.
    #[serde(rename = "MUST")]
    pub must: Counts,
    /// SHOULD, SHOULD NOT, RECOMMENDED, NOT RECOMMENDED.
    #[serde(rename = "SHOULD")]
    pub should: Counts,
    /// MAY, OPTIONAL.
    #[serde(rename = "MAY")]
    pub may: Counts,
}

impl ByLevel {
    /// The counts of one group.
    pub fn get(&self, group: LevelGroup) -> &Counts {
        match group {
            LevelGroup::Must => &self.must,
            LevelGroup::Should => &self.should,
            LevelGroup::May => &self.may,
        }
    }

    fn get_mut(&mut self, group: LevelGroup) -> &mut Counts {
        match group {
            LevelGroup::Must => &mut self.must,
            LevelGroup::Should => &mut self.should,
            LevelGroup::May => &mut self.may,
        }
    }
}

/// All totals of one run.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Every row of the run.
    pub overall: Counts,
    /// Per RFC number (`"3920"`), in ascending order.
    pub by_rfc: BTreeMap<String, Counts>,
    /// Per level group.
    pub by_level: ByLevel,
}

impl Totals {
    /// Adds up the results of a run.
    pub fn of(results: &[RowResult<'_>]) -> Totals {
        let mut totals = Totals::default();
        for result in results {
            totals.overall.add(result.status);
            totals
                .by_rfc
                .entry(result.row.rfc.clone())
                .or_default()
                .add(result.status);
            totals
                .by_level
                .get_mut(result.row.level.group())
                .add(result.status);
        }
        totals
    }
}
