//! The IM server component of `xmpp-im` (RFC 3921): per-stanza cost of
//!
//! - `im-server/route-message`: a 200-byte chat message from one bound, available session
//!   to another user's bare JID (privacy check, §11 priority choice, delivery): the
//!   envelope suffices, no element tree is built;
//! - `im-server/broadcast-100`: one presence update of a user with 100 subscribers on
//!   another server (the presence is read once for its priority; one copy per subscriber,
//!   each with its own `to`).
//!
//! Before the timing runs, the binary prints the heap allocations of each, counted by the
//! counting allocator.
#![allow(missing_docs)]

use criterion::{BatchSize, Criterion, Throughput};
use xmpp_benches::alloc_count::CountingAlloc;
use xmpp_benches::im::{SUBSCRIBERS, World, chat_message, presence_update};

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc::new();

fn allocations() {
    let mut world = World::with_subscribers(SUBSCRIBERS);
    let messages: Vec<_> = (0..1000).map(|_| chat_message()).collect();
    world.route(chat_message());
    ALLOC.start();
    let before = ALLOC.snapshot();
    let mut delivered = 0;
    for m in messages {
        delivered += world.route(m);
    }
    let after = ALLOC.snapshot();
    ALLOC.stop();
    assert_eq!(delivered, 1000);
    println!(
        "im-server/route-message: {:.2} allocations per routed message",
        after.events_since(&before) as f64 / 1000.0
    );
    let updates: Vec<_> = (0..100).map(|_| presence_update()).collect();
    world.broadcast(presence_update());
    ALLOC.start();
    let before = ALLOC.snapshot();
    let mut delivered = 0;
    for p in updates {
        delivered += world.broadcast(p);
    }
    let after = ALLOC.snapshot();
    ALLOC.stop();
    assert_eq!(delivered, 100 * SUBSCRIBERS);
    println!(
        "im-server/broadcast-100: {:.1} allocations per broadcast ({:.2} per recipient), {} bytes per broadcast",
        after.events_since(&before) as f64 / 100.0,
        after.events_since(&before) as f64 / (100 * SUBSCRIBERS) as f64,
        after.bytes_since(&before) / 100
    );
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("im-server");
    group.throughput(Throughput::Elements(1));
    let mut world = World::with_subscribers(SUBSCRIBERS);
    group.bench_function("route-message", |b| {
        b.iter_batched(
            chat_message,
            |m| assert_eq!(world.route(m), 1),
            BatchSize::SmallInput,
        )
    });
    group.bench_function("broadcast-100", |b| {
        b.iter_batched(
            presence_update,
            |p| assert_eq!(world.broadcast(p), SUBSCRIBERS),
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

fn main() {
    allocations();
    let mut c = Criterion::default().configure_from_args();
    bench(&mut c);
    c.final_summary();
}
