//! `xmpp jid`: prepare JIDs.

use std::process::ExitCode;

/// Arguments of `xmpp jid`.
#[derive(clap::Args)]
pub struct Args {
    /// JIDs to prepare.
    pub jids: Vec<String>,
    /// Read one JID per line from standard input.
    #[arg(long)]
    pub stdin: bool,
}

/// Runs `xmpp jid`.
pub fn run(_args: &Args) -> ExitCode {
    eprintln!("error: not built yet");
    ExitCode::from(2)
}
