//! Selecting the rows a run covers (`--rfc`, `--id`, `--level`, `--role`).
//!
//! `--status` selects among results, after the checks ran: see
//! [`crate::runner::Run::keep_status`].

use crate::level::LevelGroup;
use crate::role::Role;
use crate::table::Row;

/// Which rows to run. An empty filter keeps every row.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// Keep only rows of this RFC, such as `3920`.
    pub rfc: Option<String>,
    /// Keep only rows whose id starts with this text, such as `3920-3.` or `3920-4.7`.
    pub id_prefix: Option<String>,
    /// Keep only rows of this level group (`MUST`, `SHOULD` or `MAY`).
    pub level: Option<LevelGroup>,
    /// Keep only rows whose duty falls on this role.
    pub role: Option<Role>,
}

impl Filter {
    /// Whether `row` is selected.
    pub fn matches(&self, row: &Row) -> bool {
        self.rfc.as_deref().is_none_or(|rfc| row.rfc == rfc)
            && self
                .id_prefix
                .as_deref()
                .is_none_or(|prefix| row.id.starts_with(prefix))
            && self.level.is_none_or(|group| row.level.group() == group)
            && self.role.is_none_or(|role| row.role == role)
    }

    /// The selected rows, in table order.
    pub fn apply(&self, rows: &[Row]) -> Vec<Row> {
        rows.iter()
            .filter(|row| self.matches(row))
            .cloned()
            .collect()
    }
}
