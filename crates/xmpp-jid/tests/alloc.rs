//! Already-canonical ASCII input is validated without any allocation beyond the storage
//! the JID owns: none at all up to 54 bytes (kept inline), one exact-size buffer beyond.

use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use std::alloc::System;
use xmpp_jid::{BareJid, FullJid, Jid};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

// The only test of this binary, so no other test thread allocates meanwhile.
#[test]
fn canonical_ascii_allocates_only_the_owned_storage() {
    let long_resource = format!("juliet@example.com/{}", "r".repeat(100));
    let long_domain = format!("{}.example", "d".repeat(60));
    let inputs = [
        "juliet@example.com/balcony",
        "example.com",
        "room@conference.example.org",
        "service.example/a resource, with spaces & Caps",
        "user@192.0.2.1/r",
        "n@[::1]/r",
        long_resource.as_str(),
        long_domain.as_str(),
    ];
    for input in inputs {
        let region = Region::new(GLOBAL);
        let jid = Jid::parse(input);
        let stats = region.change();
        assert!(jid.is_ok(), "{input}");
        let (allocs, bytes) = if input.len() <= 54 {
            (0, 0)
        } else {
            (1, input.len())
        };
        assert_eq!(
            (
                stats.allocations,
                stats.reallocations,
                stats.bytes_allocated
            ),
            (allocs, 0, bytes),
            "{input}: {stats:?}"
        );
        drop(jid);
    }
    let region = Region::new(GLOBAL);
    let full = FullJid::parse("juliet@example.com/balcony");
    let bare = BareJid::parse("juliet@example.com");
    let parts = full.as_ref().map(|f| (f.node(), f.domain(), f.resource()));
    let stats = region.change();
    assert!(full.is_ok() && bare.is_ok());
    assert_eq!(parts, Ok((Some("juliet"), "example.com", "balcony")));
    assert_eq!(
        (stats.allocations, stats.reallocations),
        (0, 0),
        "{stats:?}"
    );

    // Mixed case costs the lower-cased copy, and nothing is kept on the heap.
    let region = Region::new(GLOBAL);
    let jid = Jid::parse("Juliet@example.com/balcony");
    let stats = region.change();
    assert_eq!(
        jid.map(|j| j.to_string()).as_deref(),
        Ok("juliet@example.com/balcony")
    );
    assert!(stats.allocations <= 2, "{stats:?}");
}
