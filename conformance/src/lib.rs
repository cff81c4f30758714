//! The conformance table of RFC 3920-3923 and the checks that prove each row.
//!
//! [`table`] reads `requirements.tsv` (compiled in), [`runner::run`] executes the check
//! each row names, [`totals`] adds the results up and [`render`] prints them as text,
//! Markdown or JSON. The `xmpp-conformance` binary wires these together.
#![forbid(unsafe_code)]

pub mod checks;
pub mod filter;
pub mod level;
pub mod render;
pub mod role;
pub mod runner;
pub mod table;
pub mod totals;
