//! Memory does not grow with the length of the stream: what the parser holds stays below
//! one stanza plus one chunk.

use xmpp_xml::{Event, Parser};

#[test]
fn buffer_bounded_by_stanza_and_chunk() {
    let header = b"<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>";
    let stanza = b"<message to='romeo@example.net' type='chat' id='x1'><body>Wherefore art thou, Romeo?</body></message>\n";
    let body: Vec<u8> = stanza
        .iter()
        .copied()
        .cycle()
        .take(stanza.len() * 5000)
        .collect();
    let mut p = Parser::new();
    p.feed(header);
    while let Ok(Some(_)) = p.next_event() {}
    let (mut most, mut count) = (0, 0);
    for _ in 0..5 {
        for chunk in body.chunks(4096) {
            p.feed(chunk);
            most = most.max(p.buffered());
            while let Some(ev) = p.next_event().expect("valid") {
                count += usize::from(matches!(ev, Event::Stanza(_)));
            }
            most = most.max(p.buffered());
        }
    }
    assert_eq!(count, 25_000);
    assert!(most <= 4096 + stanza.len(), "held {most} bytes");
}
