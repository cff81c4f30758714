//! `xmpp-conformance`: runs the conformance table and prints the report.
//!
//! Exit status: 0 when no MUST-group row fails, 1 when one does, 2 when the table cannot be
//! read or the filters select no row.
#![forbid(unsafe_code)]

use std::panic;
use std::process::ExitCode;

use clap::Parser;

use xmpp_conformance::checks;
use xmpp_conformance::filter::Filter;
use xmpp_conformance::render::{self, Format};
use xmpp_conformance::runner;
use xmpp_conformance::table;
use xmpp_conformance::totals::Totals;

/// Runs every row of the RFC 3920-3923 conformance table through its check and reports
/// pass, fail, not-covered or out-of-scope per row, with totals per RFC and level.
#[derive(Parser)]
#[command(name = "xmpp-conformance", version)]
struct Args {
    /// Report format: text, markdown or json.
    #[arg(long, default_value = "text", value_parser = parse_format)]
    format: Format,
    /// Only rows of this RFC, such as 3920.
    #[arg(long)]
    rfc: Option<String>,
    /// Only rows whose id starts with this prefix, such as 3920-3.
    #[arg(long = "id", value_name = "PREFIX")]
    id_prefix: Option<String>,
}

fn parse_format(name: &str) -> Result<Format, String> {
    Format::parse(name).ok_or_else(|| format!("unknown format `{name}` (text, markdown, json)"))
}

fn main() -> ExitCode {
    let args = Args::parse();
    let rows = match table::load() {
        Ok(rows) => rows,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    let filter = Filter {
        rfc: args.rfc,
        id_prefix: args.id_prefix,
    };
    let rows = filter.apply(&rows);
    if rows.is_empty() {
        eprintln!("error: no row matches the filters");
        return ExitCode::from(2);
    }

    // A panicking check is reported as a failure with its message; keep the default hook
    // from also printing it in the middle of the report.
    let default_hook = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let results = runner::run(&rows, |name| checks::find(name).copied());
    panic::set_hook(default_hook);

    let totals = Totals::of(&results);
    print!("{}", render::render(&results, &totals, args.format));
    if runner::must_failed(&results) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
