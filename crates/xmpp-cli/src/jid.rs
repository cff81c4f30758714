//! `xmpp jid`: prepare JIDs.
//!
//! Output contract (scripts depend on it): exactly one line on standard output per input,
//! either the canonical JID or `error: ` followed by the reason; nothing else on standard
//! output. Exit status 0 when every input was valid, 1 otherwise (2 when standard input
//! or output fails, or when no input is given).
//!
//! An input that is not UTF-8 (an argument or a line) gets an error line. A line ends at
//! `\n`, and a `\r` before it is dropped. A canonical JID holding a character that some
//! readers take as a line break cannot be written on one line: it gets an error line.

use std::ffi::OsString;
use std::io::{self, BufRead, Write};
use std::process::ExitCode;

use xmpp_jid::{Jid, Rules};

/// Arguments of `xmpp jid`.
#[derive(clap::Args)]
pub struct Args {
    /// JIDs to prepare (after `--` if one starts with `-`, as a domain may).
    #[arg(required_unless_present = "stdin")]
    pub jids: Vec<OsString>,
    /// Read one JID per line from standard input.
    #[arg(long)]
    pub stdin: bool,
    /// Read domains as RFC 3920 literally allows: no STD3 host-name rules (space,
    /// punctuation and controls accepted) and a final dot kept. The default applies the
    /// STD3 rules and removes the final dot (RFC 6122 §2.2).
    #[arg(long)]
    pub rfc3920_literal: bool,
}

impl Args {
    fn rules(&self) -> Rules {
        if self.rfc3920_literal {
            Rules::Rfc3920Literal
        } else {
            Rules::Rfc6122
        }
    }
}

/// Characters that a line-oriented reader may take as the end of a line: line feed and
/// carriage return, and also vertical tab, form feed and the information separators
/// U+001C to U+001E (Python's `str.splitlines`, for one). A domain read with
/// `--rfc3920-literal` may hold them: RFC 3490 leaves ASCII controls to UseSTD3ASCIIRules,
/// which RFC 3920 does not set (the default rules refuse them). Node and
/// resource cannot (RFC 3920 A.5 and B.5 prohibit ASCII controls), and the non-ASCII line
/// separators (U+0085, U+2028, U+2029) are prohibited in every part (RFC 3454 C.2.2).
fn breaks_line(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{B}' | '\u{C}' | '\u{1C}'..='\u{1E}')
}

/// Writes the output line for one input; returns whether it was valid.
fn emit(input: Result<&str, &str>, rules: Rules, out: &mut impl Write) -> io::Result<bool> {
    let input = match input {
        Ok(input) => input,
        Err(reason) => {
            writeln!(out, "error: {reason}")?;
            return Ok(false);
        }
    };
    match Jid::parse_with(input, rules) {
        Ok(jid) if jid.as_str().contains(breaks_line) => {
            let c = jid
                .as_str()
                .chars()
                .find(|&c| breaks_line(c))
                .unwrap_or('\n');
            writeln!(
                out,
                "error: canonical JID contains U+{:04X}, a line break this output cannot carry",
                u32::from(c)
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
        all_valid &= emit(
            jid.to_str().ok_or("argument is not UTF-8"),
            args.rules(),
            out,
        )?;
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
            all_valid &= emit(
                std::str::from_utf8(line).map_err(|_| "input line is not UTF-8"),
                args.rules(),
                out,
            )?;
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
