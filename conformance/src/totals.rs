//! Counts of results: overall, per RFC, per level group, sentences apart from added rules,
//! and per distinct check.
//!
//! Serialised as the `totals` object of the JSON report (see the crate README).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::level::LevelGroup;
use crate::runner::{Run, Status};
use crate::table::Origin;

/// How many rows ended in each status. `rows` is the sum of the six others.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Rows counted.
    pub rows: usize,
    /// Rows whose check passed.
    pub pass: usize,
    /// MAY/OPTIONAL rows whose check found the option the project implements.
    pub option: usize,
    /// Rows where the project follows a later RFC, and the check found that behaviour.
    pub deviation: usize,
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
        *self.get_mut(status) += 1;
    }

    /// The count of one status.
    pub fn get(&self, status: Status) -> usize {
        match status {
            Status::Pass => self.pass,
            Status::Option => self.option,
            Status::Deviation => self.deviation,
            Status::Fail => self.fail,
            Status::NotCovered => self.not_covered,
            Status::OutOfScope => self.out_of_scope,
        }
    }

    fn get_mut(&mut self, status: Status) -> &mut usize {
        match status {
            Status::Pass => &mut self.pass,
            Status::Option => &mut self.option,
            Status::Deviation => &mut self.deviation,
            Status::Fail => &mut self.fail,
            Status::NotCovered => &mut self.not_covered,
            Status::OutOfScope => &mut self.out_of_scope,
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

/// Counts of the RFCs' own sentences and of the rules the table adds, kept apart.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ByOrigin {
    /// Rows that are normative sentences of the RFC (or letter-suffixed parts of one).
    pub sentence: Counts,
    /// Rows the table adds (`-xN` ids): keyword-less rules and rules of other RFCs.
    pub added: Counts,
}

/// Distinct checks, each counted once however many rows name it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CheckCounts {
    /// Distinct checks run.
    pub checks: usize,
    /// Checks that passed.
    pub pass: usize,
    /// Checks that failed, panicked or are not registered.
    pub fail: usize,
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
    /// The RFCs' sentences apart from the rows the table adds.
    pub by_origin: ByOrigin,
    /// Per distinct check.
    pub checks: CheckCounts,
}

impl Totals {
    /// Adds up the results of a run.
    pub fn of(run: &Run<'_>) -> Totals {
        let mut totals = Totals::default();
        for result in &run.rows {
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
            match result.row.origin() {
                Origin::Sentence => totals.by_origin.sentence.add(result.status),
                Origin::Added => totals.by_origin.added.add(result.status),
            }
        }
        for check in &run.checks {
            totals.checks.checks += 1;
            if check.outcome.is_ok() {
                totals.checks.pass += 1;
            } else {
                totals.checks.fail += 1;
            }
        }
        totals
    }
}
