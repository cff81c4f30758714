//! The framing path allocates nothing per stanza once its buffers have grown.
//!
//! The counting allocator of `stats_alloc` is global: it counts every thread's allocations.
//! Under the libtest harness the main thread allocates while it starts waiting for the test
//! thread (seen as 4 stray allocations in some runs on a loaded machine), so this binary has
//! no harness (`harness = false` in Cargo.toml): `main` is its only thread and every
//! allocation counted in the window is one the parser made.

use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use std::alloc::System;

use xmpp_xml::{Event, Parser};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

fn stanzas(n: usize) -> Vec<u8> {
    let mut v = Vec::new();
    for i in 0..n {
        let s = match i % 4 {
            0 => format!(
                "<message to='romeo@example.net/orchard' from='juliet@example.com/balcony' type='chat' id='m{i}' xml:lang='en'><body>Wherefore art thou &amp; why? \u{e9}\u{1f600}</body><active xmlns='http://jabber.org/protocol/chatstates'/></message>"
            ),
            1 => format!(
                "<presence from='juliet@example.com/balcony' id='p{i}'><show>away</show><status>gone</status><c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='http://x' ver='abc='/></presence>"
            ),
            2 => format!(
                "<iq type='result' id='r{i}' to='juliet@example.com/balcony'><query xmlns='jabber:iq:roster'><item jid='romeo@example.net' name='Romeo' subscription='both'><group>Friends</group></item></query></iq>"
            ),
            _ => "\n".to_owned(),
        };
        v.extend_from_slice(s.as_bytes());
    }
    v
}

fn main() {
    counter_sees_an_allocation();
    no_allocation_per_stanza_in_steady_state();
    println!("test no_allocation_per_stanza_in_steady_state ... ok");
    a_tree_is_two_allocations();
    println!("test a_tree_is_two_allocations ... ok");
}

/// A tree is its two vectors, allocated at their final size, whatever the shape of the
/// stanza (many attributes, declarations, depth) when nothing needs expanding: the tree
/// is built from what the scanner recorded, with no working storage of its own.
fn a_tree_is_two_allocations() {
    let header = b"<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>";
    let attrs: String = (0..20).map(|i| format!(" a{i}='v'")).collect();
    let decls: String = (0..8).map(|i| format!(" xmlns:p{i}='urn:{i}'")).collect();
    let mut stanza = format!("<message{decls}{attrs} p3:z='1'>");
    for i in 0..12 {
        stanza.push_str(&format!("<e{i} xmlns='urn:e{i}' p{}:k='{i}'>text", i % 8));
    }
    for i in (0..12).rev() {
        stanza.push_str(&format!("</e{i}>"));
    }
    stanza.push_str("</message>");
    let mut p = Parser::new();
    p.feed(header);
    p.feed(stanza.as_bytes());
    assert!(matches!(p.next_event(), Ok(Some(Event::StreamOpen(_)))));
    let Ok(Some(Event::Stanza(s))) = p.next_event() else {
        panic!("no stanza");
    };
    let region = Region::new(GLOBAL);
    let el = s.to_element().expect("tree");
    let stats = region.change();
    assert_eq!(el.attributes().len(), 21);
    assert_eq!(
        (stats.allocations, stats.reallocations),
        (2, 0),
        "allocations building one tree"
    );
}

/// The counting allocator is installed: a zero below cannot be vacuous.
fn counter_sees_an_allocation() {
    let region = Region::new(GLOBAL);
    let v = std::hint::black_box(vec![1u8; 16]);
    let stats = region.change();
    drop(v);
    assert_eq!(stats.allocations, 1, "the counting allocator is not in use");
}

fn no_allocation_per_stanza_in_steady_state() {
    for record in [true, false] {
        steady_state(record);
    }
}

fn steady_state(record: bool) {
    let header = b"<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>";
    let warm = stanzas(400);
    let steady = stanzas(4000);
    let mut p = Parser::new();
    p.record_trees(record);
    let mut count = 0usize;
    let mut run = |p: &mut Parser, data: &[u8]| {
        for chunk in data.chunks(4096) {
            p.feed(chunk);
            while let Some(ev) = p.next_event().expect("valid") {
                if let Event::Stanza(s) = ev {
                    count += usize::from(s.attr("to").is_some() || s.attr("from").is_some());
                    count += usize::from(!s.namespace().is_empty());
                }
            }
        }
    };
    run(&mut p, header);
    run(&mut p, &warm);
    // No other thread exists in this process (no harness), so the region sees only ours.
    let region = Region::new(GLOBAL);
    run(&mut p, &steady);
    let stats = region.change();
    assert!(count > 3000);
    assert_eq!(
        (stats.allocations, stats.reallocations),
        (0, 0),
        "allocations while framing 3000 stanzas (trees recorded: {record})"
    );
}
