//! `xmpp cpim`: the RFC 3922 mapping between XMPP stanzas and Message/CPIM objects.
//!
//! Output contract (scripts depend on it):
//! - `xmpp cpim encode` reads one `<message/>` or `<presence/>` on standard input, as a
//!   server routes it (an XML declaration may precede it; with no namespace declared it
//!   is in `jabber:client`), and writes the Message/CPIM object on standard output,
//!   exactly its octets (CRLF line ends, nothing added after the content). The
//!   `DateTime` header and the PIDF `<timestamp>` are `--now` or the system clock.
//! - `xmpp cpim decode` reads one Message/CPIM object on standard input (CRLF or LF line
//!   ends) and writes each XMPP stanza it maps to on its own line (a PIDF document with
//!   several tuples gives several presence stanzas; a line break inside a stanza is
//!   written as a character reference, `&#10;`).
//!
//! Exit status 0 on success. On bad input nothing but one line `error: detail` is written
//! to standard output and the status is 1; 2 when standard input or output fails.

use std::io::{self, Read, Write};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use xmpp_cpim::{CpimMessage, DateTime, DecodeOptions, EncodeOptions, Stanza, decode, encode};
use xmpp_im::message::MessageType;
use xmpp_jid::ResourcePart;
use xmpp_xml::{Event, Parser};

/// Largest input read, in bytes.
const MAX_INPUT: u64 = 1 << 20;

/// Arguments of `xmpp cpim`.
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Direction,
}

#[derive(clap::Subcommand)]
enum Direction {
    /// One XMPP stanza on standard input to its Message/CPIM object (RFC 3922 §4.1, §5.1).
    Encode(EncodeArgs),
    /// One Message/CPIM object on standard input to its XMPP stanzas (RFC 3922 §4.2, §5.2).
    Decode(DecodeArgs),
}

#[derive(clap::Args)]
struct EncodeArgs {
    /// The gateway's time (RFC 3339), for the DateTime header and the PIDF timestamp;
    /// the system clock by default.
    #[arg(long, value_name = "RFC3339-TIME")]
    now: Option<String>,
    /// Stanza ids are globally unique: write the id as the Content-ID (RFC 3922 §4.1.3).
    #[arg(long)]
    unique_ids: bool,
    /// The sender's formal name.
    #[arg(long)]
    sender_name: Option<String>,
    /// The recipient's formal name.
    #[arg(long)]
    recipient_name: Option<String>,
}

#[derive(clap::Args)]
struct DecodeArgs {
    /// The recipient's resource, if known (RFC 3922 §4.2.2, §5.2.2).
    #[arg(long)]
    resource: Option<String>,
    /// The message type to give (RFC 3922 §4.2.10): normal, chat, groupchat, headline.
    #[arg(long, default_value = "normal")]
    r#type: String,
    /// Do not use the Content-ID as the stanza id (RFC 3922 §4.2.8).
    #[arg(long)]
    no_content_id: bool,
    /// Attach the whole PIDF document to each presence (RFC 3922 §5.2.15).
    #[arg(long)]
    attach_pidf: bool,
}

/// Runs `xmpp cpim`.
pub fn run(args: &Args) -> ExitCode {
    let mut input = Vec::new();
    if io::stdin()
        .take(MAX_INPUT + 1)
        .read_to_end(&mut input)
        .is_err()
    {
        return ExitCode::from(2);
    }
    let result = if input.len() as u64 > MAX_INPUT {
        Err(format!("input larger than {MAX_INPUT} bytes"))
    } else {
        match &args.command {
            Direction::Encode(a) => run_encode(a, &input),
            Direction::Decode(a) => run_decode(a, &input),
        }
    };
    let mut out = io::stdout().lock();
    let (bytes, code) = match result {
        Ok(bytes) => (bytes, ExitCode::SUCCESS),
        Err(detail) => (
            format!("error: {}\n", one_line(&detail)).into_bytes(),
            ExitCode::from(1),
        ),
    };
    if out.write_all(&bytes).and_then(|()| out.flush()).is_err() {
        return ExitCode::from(2);
    }
    code
}

/// The detail with its control characters (a line break from a percent-decoded URI or
/// a PIDF value) written as escapes, so that the error is one line.
fn one_line(detail: &str) -> String {
    detail
        .chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// The input without a byte order mark and XML declaration.
fn strip_declaration(input: &[u8]) -> Result<&[u8], String> {
    let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    let trimmed = input.trim_ascii_start();
    if trimmed.starts_with(b"<?xml") {
        let end = trimmed
            .windows(2)
            .position(|w| w == b"?>")
            .ok_or("unterminated XML declaration")?;
        return Ok(trimmed.get(end + 2..).unwrap_or_default());
    }
    Ok(input)
}

/// Reads the one stanza of the input, in `jabber:client` unless it declares otherwise.
fn read_stanza(input: &[u8]) -> Result<Stanza, String> {
    let body = strip_declaration(input)?;
    let mut parser = Parser::new();
    parser.feed(WRAPPER);
    parser.feed(body);
    parser.feed(b"</stream:stream>");
    let mut stanza = None;
    loop {
        match parser.next_event() {
            Ok(Some(Event::Stanza(s))) => {
                if stanza.is_some() {
                    return Err("more than one stanza on standard input".into());
                }
                let e = s.to_element().map_err(|e| e.to_string())?;
                stanza = Some(Stanza::from_element(e.as_ref()).map_err(|e| e.to_string())?);
            }
            Ok(Some(Event::StreamClose)) | Ok(None) => break,
            Ok(Some(_)) => {}
            Err(e) => {
                return Err(format!(
                    "XML at byte {} of the stanza: {e}",
                    stanza_offset(e.offset())
                ));
            }
        }
    }
    // The end tag fed after the input is still held when the input closed the stream
    // itself: what followed would be dropped unread.
    if parser.buffered() != 0 {
        return Err("content after a stream end tag on standard input".into());
    }
    stanza.ok_or_else(|| "no stanza on standard input".into())
}

/// The stream header the stanza is read in.
const WRAPPER: &[u8] =
    b"<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";

/// An offset in the wrapped stream as an offset in the stanza.
fn stanza_offset(offset: u64) -> u64 {
    offset.saturating_sub(WRAPPER.len() as u64)
}

fn run_encode(args: &EncodeArgs, input: &[u8]) -> Result<Vec<u8>, String> {
    let now = match &args.now {
        Some(t) => DateTime::parse(t).map_err(|e| format!("--now: {e}"))?,
        None => {
            let secs = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            DateTime::from_unix(secs)
        }
    };
    let stanza = read_stanza(input)?;
    let options = EncodeOptions {
        now: Some(now),
        ids_are_unique: args.unique_ids,
        sender_name: args.sender_name.clone(),
        recipient_name: args.recipient_name.clone(),
    };
    Ok(encode(&stanza, &options)
        .map_err(|e| e.to_string())?
        .to_bytes())
}

fn run_decode(args: &DecodeArgs, input: &[u8]) -> Result<Vec<u8>, String> {
    let message_type = match MessageType::from_name(&args.r#type) {
        Some(MessageType::Error) | None => {
            return Err(format!(
                "--type: '{}' is not a message type to give",
                args.r#type
            ));
        }
        Some(t) => t,
    };
    let recipient_resource = match &args.resource {
        Some(r) => Some(ResourcePart::new(r).map_err(|e| format!("--resource: {e}"))?),
        None => None,
    };
    let options = DecodeOptions {
        recipient_resource,
        message_type,
        content_id_as_id: !args.no_content_id,
        attach_pidf: args.attach_pidf,
        ..DecodeOptions::default()
    };
    let object =
        CpimMessage::parse(input, &options.limits).map_err(|e| format!("Message/CPIM: {e}"))?;
    let stanzas = decode(&object, &options).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for s in stanzas {
        let mut xml = Vec::new();
        s.to_element()
            .write_to(&mut xml)
            .map_err(|e| format!("cannot write the stanza: {e}"))?;
        // One stanza per line: a line break in text is written as a character reference.
        for b in xml {
            match b {
                b'\n' => out.extend_from_slice(b"&#10;"),
                b'\r' => out.extend_from_slice(b"&#13;"),
                b => out.push(b),
            }
        }
        out.push(b'\n');
    }
    Ok(out)
}
