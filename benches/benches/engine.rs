//! The `xmpp-core` stream engine: a client and a server `Connection` in memory, online
//! (SCRAM, resource bound, session), exchanging 200-byte chat messages, with and without
//! TLS; and the server's receive path alone against `xmpp_xml::Parser` framing the same
//! bytes.
//!
//! - `engine-round-trip/{plain,tls}`: the client `send`s 100 messages, its bytes move to the
//!   server, the server takes every `Event::Stanza` and `recycle`s it. Criterion's `elem/s`
//!   is stanzas per second through both engines.
//! - `engine-receive/*`: 1000 recorded messages (200 000 bytes) fed in 4 KiB pieces:
//!   `xml-framing` is the parser configured as the engine configures it (structure recorded,
//!   the default), `xml-framing-lean` without the structure record (the XML bench's
//!   `xmpp-xml-framing`), `engine-plain` an established plaintext server connection taking
//!   and recycling every stanza, `engine-tls` the same over TLS (the client's records of the
//!   next 1000 messages are made in criterion's untimed set-up).
//!
//! Before the timing runs, the binary prints the heap allocations per received stanza in
//! the steady state, and the heap a server connection holds once online and idle.
#![allow(missing_docs)]

use std::cell::RefCell;
use std::hint::black_box;

use criterion::{BatchSize, Criterion, Throughput};
use xmpp_benches::alloc_count::CountingAlloc;
use xmpp_benches::engine::{
    Framing, Identity, Pair, PlainReplay, TlsReplay, idle_server_bytes, round_trip, server_receive,
};

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc::new();

/// Messages per round-trip iteration.
const BATCH: usize = 100;
/// Messages per receive iteration.
const RECORDING: usize = 1000;

fn round_trips(c: &mut Criterion, identity: &Identity) {
    let mut group = c.benchmark_group("engine-round-trip");
    group.throughput(Throughput::Elements(BATCH as u64));
    for (name, id) in [("plain", None), ("tls", Some(identity))] {
        let mut pair = Pair::online(id);
        let mut wire = Vec::new();
        group.bench_function(name, |b| {
            b.iter(|| {
                let n = round_trip(&mut pair, BATCH, &mut wire);
                assert_eq!(n, BATCH);
                n
            })
        });
    }
    group.finish();
}

fn receive(c: &mut Criterion, identity: &Identity) {
    let mut group = c.benchmark_group("engine-receive");
    group.throughput(Throughput::Elements(RECORDING as u64));
    let mut replay = PlainReplay::new(RECORDING);
    for (name, trees) in [("xml-framing", true), ("xml-framing-lean", false)] {
        let mut framing = Framing::new(trees);
        let bytes = replay.bytes.clone();
        group.bench_function(name, |b| {
            b.iter(|| {
                let n = framing.run(black_box(&bytes));
                assert_eq!(n, RECORDING);
                n
            })
        });
    }
    group.bench_function("engine-plain", |b| b.iter(|| replay.receive()));
    let tls = RefCell::new(TlsReplay::new(identity, RECORDING));
    group.bench_function("engine-tls", |b| {
        b.iter_batched(
            || tls.borrow_mut().record(),
            |records| tls.borrow_mut().receive(black_box(&records)),
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

/// Allocation events (alloc + realloc) and bytes per stanza while the server receives
/// `rounds` recordings, after one recording that lets its buffers grow.
struct Steady {
    stanzas: usize,
    events: u64,
    bytes: u64,
    frees: u64,
}

impl Steady {
    fn print(&self, what: &str) {
        println!(
            "{what:<40} {:>8} stanzas {:>8.3} allocs/stanza {:>8.1} B/stanza {:>8.3} frees/stanza",
            self.stanzas,
            self.events as f64 / self.stanzas as f64,
            self.bytes as f64 / self.stanzas as f64,
            self.frees as f64 / self.stanzas as f64,
        );
    }
}

fn count<F: FnMut() -> usize>(mut body: F) -> Steady {
    ALLOC.start();
    let before = ALLOC.snapshot();
    let stanzas = body();
    let after = ALLOC.snapshot();
    ALLOC.stop();
    Steady {
        stanzas,
        events: after.events_since(&before),
        bytes: after.bytes_since(&before),
        frees: after.frees - before.frees,
    }
}

fn alloc_report(identity: &Identity, rounds: usize) {
    println!(
        "engine receive path, steady state ({RECORDING} messages of 200 B per recording, 4 KiB reads, every stanza recycled):"
    );
    let mut plain = PlainReplay::new(RECORDING);
    plain.receive();
    count(|| (0..rounds).map(|_| plain.receive()).sum()).print("server receive, plaintext");

    let mut tls = TlsReplay::new(identity, RECORDING);
    let warm = tls.record();
    tls.receive(&warm);
    let recordings: Vec<Vec<u8>> = (0..rounds).map(|_| tls.record()).collect();
    count(|| recordings.iter().map(|r| tls.receive(r)).sum()).print("server receive, TLS");

    let mut framing = Framing::new(true);
    framing.run(&plain.bytes);
    count(|| (0..rounds).map(|_| framing.run(&plain.bytes)).sum())
        .print("xmpp-xml framing, same bytes");

    for (name, id) in [("plaintext", None), ("TLS", Some(identity))] {
        let mut pair = Pair::online(id);
        let mut wire = Vec::new();
        round_trip(&mut pair, BATCH, &mut wire);
        count(|| {
            (0..rounds)
                .map(|_| round_trip(&mut pair, BATCH, &mut wire))
                .sum()
        })
        .print(&format!("client send + server receive, {name}"));
    }
}

fn idle_report(identity: &Identity) {
    println!(
        "idle server connection (heap held once online, bytes sent taken; Connection itself: {} B inline):",
        std::mem::size_of::<xmpp_core::Connection>()
    );
    for (name, id) in [("plaintext", None), ("TLS", Some(identity))] {
        let (live, mut pair) = idle_server_bytes(&ALLOC, id);
        // Then traffic: what the server keeps once the messages are received and recycled.
        let mut wire = Vec::new();
        pair.client_sends(0, RECORDING, &mut wire);
        ALLOC.start();
        server_receive(&mut pair.server, &wire, pair.now);
        let kept = ALLOC.snapshot().live;
        pair.server.shrink_buffers();
        let shrunk = ALLOC.snapshot().live;
        ALLOC.stop();
        println!(
            "  {name:<10} {live:>7} B online and idle; {:>7} B idle after receiving {RECORDING} \
             messages in 4 KiB reads (+{kept} B); {:>7} B after shrink_buffers",
            live + kept,
            live + shrunk
        );
        drop(pair);
    }
    // The parser alone, past a header and one stanza.
    let one = PlainReplay::new(1);
    ALLOC.start();
    let mut framing = Framing::new(true);
    framing.run(&one.bytes);
    let parser = ALLOC.snapshot().live;
    ALLOC.stop();
    drop(framing);
    println!("  of which the XML parser alone (header and one stanza read): about {parser} B");
}

/// The allocator counts only inside a window.
fn check_counting_window() {
    let before = ALLOC.snapshot();
    black_box(vec![0u8; 4096]);
    assert_eq!(
        ALLOC.snapshot(),
        before,
        "allocations counted outside a window"
    );
}

fn main() {
    check_counting_window();
    let args: Vec<String> = std::env::args().collect();
    let listing = args.iter().any(|a| a == "--list");
    // Without `--bench` (cargo test), criterion runs each routine once: the reports then
    // use one recording.
    let benching = args.iter().any(|a| a == "--bench");
    let identity = Identity::new();
    if !listing {
        alloc_report(&identity, if benching { 10 } else { 1 });
        idle_report(&identity);
    }
    let mut c = Criterion::default().configure_from_args();
    round_trips(&mut c, &identity);
    receive(&mut c, &identity);
    c.final_summary();
}
