//! Nothing recurses on the depth of the input: parsing, building, detaching and dropping a
//! tree 50 000 elements deep (and cloning and comparing it) works on a test thread's
//! small stack.

use xmpp_xml::{Event, Limits, Parser, StreamErrorCondition, WriteError};

#[test]
fn deep_document_on_a_small_stack() {
    let depth = 50_000;
    let mut doc = Vec::new();
    for _ in 0..depth {
        doc.extend_from_slice(b"<a>");
    }
    doc.extend_from_slice(b"x");
    for _ in 0..depth {
        doc.extend_from_slice(b"</a>");
    }
    let limits = Limits::default()
        .max_stanza_bytes(1 << 20)
        .max_depth(depth + 1);
    let mut p = Parser::document(limits);
    p.feed(&doc);
    let Ok(Some(Event::Stanza(s))) = p.next_event() else {
        panic!("document not read")
    };
    let el = s.to_element().expect("tree builds");
    let owned = el.clone().into_owned();
    drop(el);
    let mut out = Vec::new();
    assert_eq!(owned.write_to(&mut out), Err(WriteError::TooDeep));
    assert!(out.is_empty());
    let mut deepest = owned.as_ref();
    let mut n = 1;
    while let Some(c) = deepest.elements().next() {
        deepest = c;
        n += 1;
    }
    assert_eq!((n, deepest.text().as_ref()), (depth, "x"));
    let copy = owned.clone();
    assert!(copy == owned);
    drop(owned);
}

#[test]
fn default_depth_limit() {
    let mut p = Parser::document(Limits::default());
    p.feed(&b"<a>".repeat(200));
    let e = p.next_event().unwrap_err();
    assert_eq!(e.condition(), StreamErrorCondition::PolicyViolation);
    assert_eq!(e.offset(), 3 * 128);
}
