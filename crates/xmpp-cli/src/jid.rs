//! `xmpp jid`: prepare JIDs.
//!
//! Output contract (scripts depend on it): exactly one line on standard output per input,
//! either the canonical JID or `error: ` followed by the reason; nothing else on standard
//! output. Exit status 0 when every input was valid, 1 otherwise (2 when standard input
//! or output fails).

use std::io::{self, BufRead, Write};
use std::process::ExitCode;

use xmpp_jid::Jid;

/// Arguments of `xmpp jid`.
#[derive(clap::Args)]
pub struct Args {
    /// JIDs to prepare.
    pub jids: Vec<String>,
    /// Read one JID per line from standard input.
    #[arg(long)]
    pub stdin: bool,
}

/// Writes the output line for one input; returns whether it was valid.
fn emit(input: Result<&str, ()>, out: &mut impl Write) -> io::Result<bool> {
    let Ok(input) = input else {
        writeln!(out, "error: input line is not UTF-8")?;
        return Ok(false);
    };
    match Jid::parse(input) {
        // A domain may hold ASCII control characters (RFC 3490 leaves them to
        // UseSTD3ASCIIRules, which RFC 3920 does not set); a line break in the output
        // would break the one-line-per-input contract.
        Ok(jid) if jid.as_str().contains(['\n', '\r']) => {
            writeln!(
                out,
                "error: canonical JID contains a line break, which this output cannot carry"
            )?;
            Ok(false)
        }
        Ok(jid) => {
            writeln!(out, "{jid}")?;
            Ok(true)
        }
        Err(err) => {
            writeln!(out, "error: {err}")?;
            Ok(false)
        }
    }
}

fn process(args: &Args, out: &mut impl Write) -> io::Result<bool> {
    let mut all_valid = true;
    for jid in &args.jids {
        all_valid &= emit(Ok(jid), out)?;
    }
    if args.stdin {
        let mut reader = io::stdin().lock();
        let mut buf = Vec::new();
        loop {
            buf.clear();
            if reader.read_until(b'\n', &mut buf)? == 0 {
                break;
            }
            let mut line: &[u8] = &buf;
            line = line.strip_suffix(b"\n").unwrap_or(line);
            line = line.strip_suffix(b"\r").unwrap_or(line);
            all_valid &= emit(std::str::from_utf8(line).map_err(|_| ()), out)?;
        }
    }
    out.flush()?;
    Ok(all_valid)
}

/// Runs `xmpp jid`.
pub fn run(args: &Args) -> ExitCode {
    let mut out = io::BufWriter::new(io::stdout().lock());
    match process(args, &mut out) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(err) => {
            eprintln!("xmpp jid: {err}");
            ExitCode::from(2)
        }
    }
}
