//! Heap allocations of the engine's receive path in the steady state, counted by the
//! counting allocator: what the server does per received stanza must not depend on how the
//! input was split or on whether it stamps a `from` (RFC 3920 §9.1.2).
//!
//! The counters are global, so this binary has no test harness (`harness = false`): `main`
//! runs the checks one after the other on its only thread, and every allocation counted in
//! a window is one the engine made.
#![allow(missing_docs)]

use xmpp_benches::alloc_count::CountingAlloc;
use xmpp_benches::engine::{
    CHUNK, Identity, MESSAGE_BYTES, PlainReplay, idle_server_bytes, server_receive,
    server_receive_in,
};

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc::new();

const MESSAGES: usize = 200;

/// Allocation events per stanza while `replay`'s server receives its bytes (or `bytes`)
/// in `chunk`-byte pieces, after one untimed pass.
fn allocs_per_stanza(replay: &mut PlainReplay, bytes: &[u8], chunk: usize) -> f64 {
    let now = replay.now;
    assert_eq!(
        server_receive_in(&mut replay.server, bytes, chunk, now),
        MESSAGES
    );
    ALLOC.start();
    let before = ALLOC.snapshot();
    let n = server_receive_in(&mut replay.server, bytes, chunk, now);
    let after = ALLOC.snapshot();
    ALLOC.stop();
    assert_eq!(n, MESSAGES);
    after.events_since(&before) as f64 / n as f64
}

fn stamping_from_allocates_nothing() {
    let mut replay = PlainReplay::new(MESSAGES);
    let text = String::from_utf8(replay.bytes.clone()).unwrap();
    // The same messages carrying the session's own full JID (nothing to stamp), and, of the
    // same length, an attribute of no meaning instead.
    let own = text.replace("<message ", "<message from='juliet@example.com/balcony' ");
    let pad = format!("x='{}' ", "p".repeat(29));
    let unstamped = text.replace("<message ", &format!("<message {pad}"));
    assert_eq!(own.len(), unstamped.len());
    let unstamped = unstamped.into_bytes();
    // One message per read (recycled buffers cycle), and 4 KiB reads (more stanzas per
    // read than the pool of recycled buffers holds: fresh buffers too).
    for chunk in [MESSAGE_BYTES, CHUNK] {
        let stamped_allocs = allocs_per_stanza(&mut replay, &unstamped, chunk);
        let own_allocs = allocs_per_stanza(&mut replay, own.as_bytes(), chunk);
        assert!(
            stamped_allocs <= own_allocs,
            "{chunk}-byte reads: stamping `from` costs {stamped_allocs} allocations per \
             stanza, a stanza carrying its own `from` {own_allocs}"
        );
    }
}

fn recycled_buffers_survive_partial_input() {
    let mut replay = PlainReplay::new(MESSAGES);
    let bytes = replay.bytes.clone();
    // One message per read, against reads that end in the middle of every message.
    let whole = allocs_per_stanza(&mut replay, &bytes, MESSAGE_BYTES);
    let halves = allocs_per_stanza(&mut replay, &bytes, MESSAGE_BYTES / 2);
    assert!(
        halves <= whole,
        "split input costs {halves} allocations per stanza, whole messages {whole}"
    );
}

fn idle_after_traffic_shrinks_back() {
    let identity = Identity::new();
    let (online, mut pair) = idle_server_bytes(&ALLOC, Some(&identity));
    let mut wire = Vec::new();
    pair.client_sends(0, 1000, &mut wire);
    ALLOC.start();
    assert_eq!(server_receive(&mut pair.server, &wire, pair.now), 1000);
    let grown = ALLOC.snapshot().live;
    pair.server.shrink_buffers();
    let kept = ALLOC.snapshot().live;
    ALLOC.stop();
    assert!(
        grown > 8 * 1024,
        "traffic grew the buffers by {grown} B only"
    );
    // What TLS keeps (rustls's own buffers) may stay; the engine's buffers go.
    assert!(
        kept <= 6 * 1024,
        "idle after traffic: {} B, online {online} B",
        online + kept
    );
}

fn main() {
    stamping_from_allocates_nothing();
    println!("test stamping_from_allocates_nothing ... ok");
    recycled_buffers_survive_partial_input();
    println!("test recycled_buffers_survive_partial_input ... ok");
    idle_after_traffic_shrinks_back();
    println!("test idle_after_traffic_shrinks_back ... ok");
}
