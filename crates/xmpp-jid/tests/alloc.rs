//! Already-canonical ASCII input costs exactly one allocation: the string the JID owns.

use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use std::alloc::System;
use xmpp_jid::{BareJid, FullJid, Jid};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

// The only test of this binary, so no other test thread allocates meanwhile.
#[test]
fn canonical_ascii_allocates_only_the_owned_string() {
    let inputs = [
        "juliet@example.com/balcony",
        "example.com",
        "room@conference.example.org",
        "service.example/a resource, with spaces & Caps",
        "user@192.0.2.1/r",
        "n@[::1]/r",
    ];
    for input in inputs {
        let region = Region::new(GLOBAL);
        let jid = Jid::parse(input);
        let stats = region.change();
        assert!(jid.is_ok(), "{input}");
        assert_eq!(
            (stats.allocations, stats.reallocations),
            (1, 0),
            "{input}: {stats:?}"
        );
        assert_eq!(stats.bytes_allocated, input.len(), "{input}");
        drop(jid);
    }
    let region = Region::new(GLOBAL);
    let full = FullJid::parse("juliet@example.com/balcony");
    let bare = BareJid::parse("juliet@example.com");
    let stats = region.change();
    assert!(full.is_ok() && bare.is_ok());
    assert_eq!(
        (stats.allocations, stats.reallocations),
        (2, 0),
        "{stats:?}"
    );

    // Mixed case costs the lower-cased copy and the result.
    let region = Region::new(GLOBAL);
    let jid = Jid::parse("Juliet@example.com/balcony");
    let stats = region.change();
    assert_eq!(
        jid.map(|j| j.to_string()).as_deref(),
        Ok("juliet@example.com/balcony")
    );
    assert!(stats.allocations <= 2, "{stats:?}");
}
