//! Heap allocations of the IM server component routing a message between two bound
//! sessions in the steady state: none. The stanza received is the stanza delivered (its
//! envelope is all the §11 rules need), so no tree, copy or key is made per message.
//!
//! The counters are global, so this binary has no test harness: `main` runs on its only
//! thread, and every allocation counted in the window is one the component made.
#![allow(missing_docs)]

use xmpp_benches::alloc_count::CountingAlloc;
use xmpp_benches::im::{World, chat_message};

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc::new();

fn main() {
    let mut world = World::with_subscribers(10);
    // Warm: the queues reach their working size.
    for _ in 0..10 {
        assert_eq!(world.route(chat_message()), 1);
    }
    let messages: Vec<_> = (0..200).map(|_| chat_message()).collect();
    ALLOC.start();
    let before = ALLOC.snapshot();
    let mut delivered = 0;
    for m in messages {
        delivered += world.route(m);
    }
    let after = ALLOC.snapshot();
    ALLOC.stop();
    assert_eq!(delivered, 200);
    let events = after.events_since(&before);
    assert_eq!(
        events,
        0,
        "routing 200 messages allocated {events} times ({} bytes)",
        after.bytes_since(&before)
    );
    println!("im_allocs: routing a message allocates nothing: ok");
}
