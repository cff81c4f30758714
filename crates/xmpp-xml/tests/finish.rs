//! `Parser::finish` never discards what was fed: events not yet taken stay readable, and
//! it says so until they are taken.

use xmpp_xml::{Ending, Event, Limits, Parser};

const HEADER: &str = "<stream:stream xmlns='jabber:client' \
    xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>";

fn drain(p: &mut Parser) -> Vec<String> {
    let mut seen = Vec::new();
    while let Some(ev) = p.next_event().expect("valid") {
        seen.push(match ev {
            Event::StreamOpen(h) => format!("open {}", h.qname()),
            Event::Stanza(s) => {
                let el = s.to_element().expect("tree");
                format!("{} {}", el.name(), el.attr("id").unwrap_or(""))
            }
            Event::StreamClose => "close".to_owned(),
        });
    }
    seen
}

#[test]
fn finish_keeps_unread_events() {
    let stream = format!(
        "{HEADER}<message id='1'/><presence id='2'><show>away</show></presence>\
         <iq id='3' type='get'/></stream:stream>"
    );
    let expected = [
        "open stream:stream",
        "message 1",
        "presence 2",
        "iq 3",
        "close",
    ];
    // However many times it is called first, and whatever is fed in between.
    for calls in 1..4 {
        let mut p = Parser::new();
        p.feed(stream.as_bytes());
        for _ in 0..calls {
            assert_eq!(p.finish(), Ok(Ending::Unread));
        }
        assert_eq!(drain(&mut p), expected, "after {calls} calls");
        assert_eq!(p.finish(), Ok(Ending::Closed));
        assert_eq!(p.finish(), Ok(Ending::Closed));
    }
    // Partly read, then fed more while an event is held for the caller.
    let mut p = Parser::new();
    p.feed(stream.as_bytes());
    assert_eq!(drain(&mut p).len(), 5);
    let mut p = Parser::new();
    let (a, b) = stream.split_at(HEADER.len() + 30);
    p.feed(a.as_bytes());
    assert_eq!(p.finish(), Ok(Ending::Unread));
    p.feed(b.as_bytes());
    assert_eq!(drain(&mut p), expected);
    assert_eq!(p.finish(), Ok(Ending::Closed));
}

#[test]
fn finish_in_document_mode_keeps_the_document() {
    let mut p = Parser::document(Limits::default());
    p.feed(b"<a id='1'><b/></a>");
    assert_eq!(p.finish(), Ok(Ending::Unread));
    assert_eq!(p.finish(), Ok(Ending::Unread));
    assert_eq!(drain(&mut p), ["a 1"]);
    assert_eq!(p.finish(), Ok(Ending::Closed));
}

#[test]
fn restart_after_an_unread_event_applies_after_it() {
    let mut p = Parser::new();
    p.feed(
        format!("{HEADER}<success id='s' xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>").as_bytes(),
    );
    assert!(matches!(p.next_event(), Ok(Some(Event::StreamOpen(_)))));
    assert_eq!(p.finish(), Ok(Ending::Unread));
    p.expect_new_stream();
    p.feed(format!("{HEADER}<message id='m'/>").as_bytes());
    assert_eq!(
        drain(&mut p),
        ["success s", "open stream:stream", "message m"]
    );
}
