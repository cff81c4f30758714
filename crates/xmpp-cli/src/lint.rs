//! `xmpp lint`: check one direction of a raw XMPP stream as a receiving server would.
//!
//! Output contract: the last line is `ok: N top-level elements` (exit 0) or
//! `error: CONDITION at byte OFFSET: detail` (exit 1), CONDITION being an RFC 3920 §4.7.3
//! stream error condition. Lines before it describe the stream (header, restarts, an
//! unclosed end). The input is read in chunks; memory stays bounded by the parser limits.
//!
//! Every check is the parser's (`xmpp_xml::Parser`), which any receiver uses, client or
//! server: well-formedness, restricted XML, the stream header, first-level elements
//! (`unsupported-stanza-type` for elements in no namespace), unprefixed `jabber:client` /
//! `jabber:server` elements (`bad-namespace-prefix`), and `to` and `from` on stanzas
//! within `jabber:server` (`improper-addressing`), RFC 3920 §4.7.3, §11.

use std::fs::File;
use std::io::{self, Read, Write};
use std::process::ExitCode;

use xmpp_xml::{Ending, Event, Parser};

/// Arguments of `xmpp lint`.
#[derive(clap::Args)]
pub struct Args {
    /// The file to read, or `-` (the default) for standard input.
    #[arg(default_value = "-")]
    pub file: String,
}

/// Size of the chunks read from the input.
const CHUNK: usize = 64 * 1024;

/// What reading the stream found.
enum Outcome {
    Ok(u64),
    Invalid(xmpp_xml::Error),
}

/// Feeds `input` through a parser, printing notes to `out`.
fn lint(input: &mut dyn Read, out: &mut dyn Write) -> io::Result<Outcome> {
    let mut parser = Parser::new();
    let mut chunk = vec![0u8; CHUNK];
    let mut count: u64 = 0;
    let mut streams: u64 = 0;
    let mut arm = false;
    loop {
        let n = match input.read(&mut chunk) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if n > 0 {
            parser.feed(&chunk[..n]);
        }
        loop {
            let restart = match parser.next_event() {
                Ok(Some(Event::StreamOpen(h))) => {
                    streams += 1;
                    let version = h
                        .version()
                        .map_or_else(|| "none".to_owned(), |(a, b)| format!("{a}.{b}"));
                    writeln!(
                        out,
                        "stream {streams}: <{}> default namespace {}, version {version}",
                        h.qname(),
                        h.default_namespace()
                    )?;
                    false
                }
                Ok(Some(Event::Stanza(s))) => {
                    count += 1;
                    // RFC 3920 §5.3, §6.2: after TLS or SASL success both sides restart the
                    // stream on the same transport. Seen from the receiving side, the
                    // restart follows <proceed/> or <success/>; seen from the initiating
                    // side, it may follow its last SASL element (the answer is in the other
                    // direction).
                    let sasl = s.namespace() == "urn:ietf:params:xml:ns:xmpp-sasl";
                    if sasl && matches!(s.name(), "auth" | "response") {
                        arm = true;
                    }
                    sasl && s.name() == "success"
                        || s.namespace() == "urn:ietf:params:xml:ns:xmpp-tls"
                            && s.name() == "proceed"
                }
                Ok(Some(Event::StreamClose)) => {
                    writeln!(out, "stream {streams} closed")?;
                    false
                }
                Ok(None) => break,
                Err(e) => return Ok(Outcome::Invalid(e)),
            };
            if restart {
                writeln!(out, "stream restart expected after element {count}")?;
                parser.expect_new_stream();
            } else if arm {
                parser.permit_new_stream();
            }
            arm = false;
        }
        if n == 0 {
            break;
        }
    }
    match parser.finish() {
        Ok(Ending::Closed) => {}
        // Every event was taken above, until the parser wanted more input.
        Ok(Ending::Unread) => writeln!(out, "note: events left unread")?,
        Ok(Ending::Open {
            header_seen,
            pending_bytes,
        }) => {
            if !header_seen {
                writeln!(out, "note: no stream header")?;
            }
            if pending_bytes > 0 {
                writeln!(
                    out,
                    "note: input ended inside markup ({pending_bytes} bytes left unparsed)"
                )?;
            }
            writeln!(out, "note: stream not closed (no </stream:stream>)")?;
        }
        Err(e) => return Ok(Outcome::Invalid(e)),
    }
    Ok(Outcome::Ok(count))
}

/// Runs `xmpp lint`.
pub fn run(args: &Args) -> ExitCode {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let result = if args.file == "-" {
        lint(&mut io::stdin().lock(), &mut out)
    } else {
        match File::open(&args.file) {
            Ok(mut f) => lint(&mut f, &mut out),
            Err(e) => Err(e),
        }
    };
    match result {
        Ok(Outcome::Ok(n)) => {
            let _ = writeln!(out, "ok: {n} top-level elements");
            ExitCode::SUCCESS
        }
        Ok(Outcome::Invalid(e)) => {
            let _ = writeln!(
                out,
                "error: {} at byte {}: {}",
                e.condition(),
                e.offset(),
                e.kind()
            );
            ExitCode::from(1)
        }
        Err(e) => {
            let _ = out.flush();
            eprintln!("xmpp lint: cannot read {}: {e}", args.file);
            ExitCode::from(2)
        }
    }
}
