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

/// `Ok(())` when `ok`, else the detail `what` gives.
pub fn ensure(ok: bool, what: impl FnOnce() -> String) -> Outcome {
    if ok { Ok(()) } else { Err(what()) }
}

/// One element read from its XML text (a document of one element).
pub fn tree(xml: &str) -> Result<xmpp_xml::Element<'static>, String> {
    let mut p = xmpp_xml::Parser::document(xmpp_xml::Limits::default());
    p.feed(xml.as_bytes());
    match p.next_event() {
        Ok(Some(xmpp_xml::Event::Stanza(s))) => s
            .to_element()
            .map(xmpp_xml::Element::into_owned)
            .map_err(|e| e.to_string()),
        other => Err(format!("not an element: {other:?}")),
    }
}

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
