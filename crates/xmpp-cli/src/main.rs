//! The `xmpp` command.
#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod connect;
mod cpim;
mod demo;
mod e2e;
mod jid;
mod lint;

/// Command-line tools built on the xmpp crates.
#[derive(Parser)]
#[command(name = "xmpp", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Prepare JIDs (RFC 3920 §3) and print their canonical form.
    Jid(jid::Args),
    /// Check one direction of a raw XMPP stream as a receiving server would.
    Lint(lint::Args),
    /// Log in to a server: print the roster, send and receive messages.
    Connect(connect::Args),
    /// Run a client and a server engine in memory and print their exchange.
    Demo(demo::Args),
    /// Map one stanza to a Message/CPIM object or back (RFC 3922).
    Cpim(cpim::Args),
    /// Sign, encrypt, verify or decrypt one stanza (RFC 3923), stdin to stdout.
    E2e(e2e::Args),
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Jid(args) => jid::run(&args),
        Command::Lint(args) => lint::run(&args),
        Command::Connect(args) => connect::run(&args),
        Command::Demo(args) => demo::run(&args),
        Command::Cpim(args) => cpim::run(&args),
        Command::E2e(args) => e2e::run(&args),
    }
}
