//! `xmpp lint`: check a raw stream.

use std::process::ExitCode;

/// Arguments of `xmpp lint`.
#[derive(clap::Args)]
pub struct Args {
    /// The file to read, or `-` (the default) for standard input.
    #[arg(default_value = "-")]
    pub file: String,
}

/// Runs `xmpp lint`.
pub fn run(_args: &Args) -> ExitCode {
    eprintln!("error: not built yet");
    ExitCode::from(2)
}
