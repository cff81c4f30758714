//! Checks, grouped by the crate whose behaviour they prove.
//!
//! A row of `requirements.tsv` names its check in the `check` column; the runner looks the
//! name up here. A check exercises the crates through their public API only and returns
//! `Err(detail)` when the behaviour the row requires is not there.

pub mod core;
pub mod cpim;
pub mod e2e;
pub mod im;
pub mod im_client;
pub mod im_privacy;
pub mod im_server;
pub mod im_stanzas;
pub mod jid;
pub mod sasl;
pub mod xml;

/// What one check found: `Ok(())`, or what went wrong.
pub type Outcome = Result<(), String>;

/// A named check.
#[derive(Clone, Copy)]
pub struct Check {
    /// The name the `check` column of the table uses, such as `jid.node_prohibited`.
    pub name: &'static str,
    /// Runs the check.
    pub run: fn() -> Outcome,
}

/// Every registered check.
pub fn all() -> impl Iterator<Item = &'static Check> {
    jid::CHECKS
        .iter()
        .chain(xml::CHECKS)
        .chain(sasl::CHECKS)
        .chain(core::CHECKS)
        .chain(im::CHECKS)
        .chain(im_client::CHECKS)
        .chain(im_privacy::CHECKS)
        .chain(im_server::CHECKS)
        .chain(im_stanzas::CHECKS)
        .chain(cpim::CHECKS)
        .chain(e2e::CHECKS)
}

/// The check with this name, if there is one.
pub fn find(name: &str) -> Option<&'static Check> {
    all().find(|check| check.name == name)
}
