//! `xmpp-conformance`: runs the conformance table and prints the report.
//!
//! Exit status: 0 when no MUST-group row fails, 1 when one does (with `--strict`, also when
//! one is not covered), 2 when the table cannot be read, the filters select no row, or an
//! argument is wrong.
#![forbid(unsafe_code)]

use std::panic;
use std::process::ExitCode;

use clap::Parser;

use xmpp_conformance::checks;
use xmpp_conformance::filter::Filter;
use xmpp_conformance::level::LevelGroup;
use xmpp_conformance::render::{self, Format, Settings};
use xmpp_conformance::role::Role;
use xmpp_conformance::runner::{self, Status};
use xmpp_conformance::table;
use xmpp_conformance::totals::Totals;

/// Runs every row of the RFC 3920-3923 conformance table through its check and reports
/// pass, option, deviation, fail, not-covered or out-of-scope per row, with totals.
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
    /// Only rows of this level group: MUST, SHOULD or MAY.
    #[arg(long, value_parser = parse_level)]
    level: Option<LevelGroup>,
    /// Only rows whose duty falls on this role: client, server, any, gateway, deployment.
    #[arg(long, value_parser = parse_role)]
    role: Option<Role>,
    /// Only rows that ended in this status: pass, option, deviation, fail, not-covered,
    /// out-of-scope.
    #[arg(long, value_parser = parse_status)]
    status: Option<Status>,
    /// Count MUST-group rows that no check covers as failures (exit status 1).
    #[arg(long)]
    strict: bool,
}

fn parse_format(name: &str) -> Result<Format, String> {
    Format::parse(name).ok_or_else(|| format!("unknown format `{name}` (text, markdown, json)"))
}

fn parse_level(name: &str) -> Result<LevelGroup, String> {
    LevelGroup::parse(name).ok_or_else(|| format!("unknown level `{name}` (MUST, SHOULD, MAY)"))
}

fn parse_role(name: &str) -> Result<Role, String> {
    Role::parse(name)
        .ok_or_else(|| format!("unknown role `{name}` (client, server, any, gateway, deployment)"))
}

fn parse_status(name: &str) -> Result<Status, String> {
    Status::parse(name).ok_or_else(|| {
        format!(
            "unknown status `{name}` (pass, option, deviation, fail, not-covered, out-of-scope)"
        )
    })
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
        level: args.level,
        role: args.role,
    };
    let rows = filter.apply(&rows);

    // A panicking check is reported as a failure with its message; keep the default hook
    // from also printing it in the middle of the report.
    let default_hook = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let mut run = runner::run(&rows, |name| checks::find(name).copied());
    panic::set_hook(default_hook);
    if let Some(status) = args.status {
        run.keep_status(status);
    }
    if run.rows.is_empty() {
        eprintln!("error: no row matches the filters");
        return ExitCode::from(2);
    }

    let totals = Totals::of(&run);
    let settings = Settings {
        strict: args.strict,
    };
    print!("{}", render::render(&run, &totals, args.format, settings));
    if runner::must_failed(&run.rows, args.strict) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
