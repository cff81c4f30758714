//! Receives one recording of chat messages once, for instruction counting with callgrind.
//!
//! `cargo run --profile bench -p xmpp-benches --example engine_once -- <mode> [messages]`
//!
//! Modes (`--list`):
//!
//! - `engine-plain`: an established plaintext server connection receives the recorded bytes
//!   of `messages` client messages (200 bytes each), fed 4 KiB at a time, taking and
//!   recycling every stanza (`xmpp_benches::engine::PlainReplay`);
//! - `engine-tls`: the same over TLS: the client's records of the messages are made first,
//!   then the server decrypts and receives them (`xmpp_benches::engine::TlsReplay`);
//! - `framing`: `xmpp_xml::Parser` alone framing the same plaintext bytes (feed and
//!   `next_event`), configured as the engine's parser (structure of each stanza recorded,
//!   the default);
//! - `framing-lean`: the same with `record_trees(false)` (the `xmpp-xml-framing` driver of
//!   the XML bench).
//!
//! Each mode receives one recording first (not counted: buffers grow to their steady size),
//! then the measured one. Only `receive_once` does the measured work, so
//! `valgrind --tool=callgrind --toggle-collect='*receive_once*'` counts exactly the
//! instructions of the receive path (see `benches/scripts/engine_callgrind.sh`).
#![allow(missing_docs)]

use std::process::ExitCode;

use xmpp_benches::engine::{Framing, Identity, PlainReplay, TlsReplay};

const MODES: [&str; 4] = ["framing", "framing-lean", "engine-plain", "engine-tls"];

enum Setup {
    Plain(Box<PlainReplay>),
    Tls(Box<TlsReplay>, Vec<u8>),
    Framing(Box<Framing>, Vec<u8>),
}

#[inline(never)]
fn receive_once(setup: &mut Setup) -> usize {
    match setup {
        Setup::Plain(r) => r.receive(),
        Setup::Tls(r, records) => r.receive(std::hint::black_box(records)),
        Setup::Framing(f, bytes) => f.run(std::hint::black_box(bytes)),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(mode) = args.first() else {
        eprintln!("usage: engine_once <mode>|--list [messages]");
        return ExitCode::from(2);
    };
    if mode == "--list" {
        for m in MODES {
            println!("{m}");
        }
        return ExitCode::SUCCESS;
    }
    let messages = match args.get(1).map(|s| s.parse::<usize>()) {
        None => 10_000,
        Some(Ok(n)) if n > 0 => n,
        _ => {
            eprintln!("messages: a positive number");
            return ExitCode::from(2);
        }
    };
    let plain = || PlainReplay::new(messages);
    let mut setup = match mode.as_str() {
        "engine-plain" => {
            let mut r = plain();
            r.receive();
            Setup::Plain(Box::new(r))
        }
        "engine-tls" => {
            let identity = Identity::new();
            let mut r = TlsReplay::new(&identity, messages);
            let warm = r.record();
            r.receive(&warm);
            let records = r.record();
            Setup::Tls(Box::new(r), records)
        }
        "framing" | "framing-lean" => {
            let bytes = plain().bytes;
            let mut f = Framing::new(mode == "framing");
            f.run(&bytes);
            Setup::Framing(Box::new(f), bytes)
        }
        _ => {
            eprintln!("unknown mode {mode:?}; try --list");
            return ExitCode::from(2);
        }
    };
    let bytes = match &setup {
        Setup::Plain(r) => r.bytes.len(),
        Setup::Tls(_, records) => records.len(),
        Setup::Framing(_, bytes) => bytes.len(),
    };
    let stanzas = receive_once(&mut setup);
    println!("mode={mode} bytes={bytes} stanzas={stanzas}");
    ExitCode::SUCCESS
}
