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

/// Every state of the scanner is bounded: whatever arrives, and however long it runs
/// (here 10 MB in 4 KiB chunks), the bytes held stay below one stanza limit plus one chunk.
/// Each case is a prefix that puts the scanner in one state, then endless filler for it.
#[test]
fn buffer_bounded_in_every_state() {
    const HEAD: &str = "<stream:stream xmlns='jabber:client' \
        xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>";
    let limits = xmpp_xml::Limits::default().max_stanza_bytes(16 * 1024);
    let chunk = 4096;
    let total = 10 << 20;
    let cases: &[(&str, &str, bool, u8)] = &[
        // (name, prefix, document mode, filler byte)
        ("prolog white space", "", false, b' '),
        ("after a byte-order mark", "\u{feff}", false, b'\n'),
        (
            "inside the XML declaration",
            "<?xml version='1.0'",
            false,
            b' ',
        ),
        (
            "after the XML declaration",
            "<?xml version='1.0'?>",
            false,
            b' ',
        ),
        ("header name", "<stream:", false, b's'),
        ("inside the header", "<stream:stream", false, b' '),
        ("header attribute name", "<stream:stream v", false, b'v'),
        ("header before '='", "<stream:stream v ", false, b' '),
        ("header before the quote", "<stream:stream v=", false, b' '),
        ("header attribute value", "<stream:stream v='", false, b'a'),
        ("header '/'", "<stream:stream/", false, b' '),
        ("between stanzas", HEAD, false, b' '),
        ("stanza name", &format!("{HEAD}<m"), false, b'm'),
        (
            "inside a start tag",
            &format!("{HEAD}<message"),
            false,
            b' ',
        ),
        (
            "stanza attribute value",
            &format!("{HEAD}<message to='"),
            false,
            b'a',
        ),
        (
            "attribute value with references",
            &format!("{HEAD}<message to='"),
            false,
            b'\t',
        ),
        ("text", &format!("{HEAD}<message><body>"), false, b'x'),
        (
            "text, newlines",
            &format!("{HEAD}<message><body>"),
            false,
            b'\n',
        ),
        ("CDATA", &format!("{HEAD}<message><![CDATA["), false, b'y'),
        (
            "inner end tag",
            &format!("{HEAD}<message><body></body"),
            false,
            b' ',
        ),
        (
            "stanza end tag",
            &format!("{HEAD}<message></message"),
            false,
            b' ',
        ),
        (
            "stream end tag name",
            &format!("{HEAD}</stream:"),
            false,
            b's',
        ),
        (
            "stream end tag",
            &format!("{HEAD}</stream:stream"),
            false,
            b' ',
        ),
        (
            "stream end tag, tabs",
            &format!("{HEAD}</stream:stream"),
            false,
            b'\t',
        ),
        (
            "after the stream",
            &format!("{HEAD}</stream:stream>"),
            false,
            b' ',
        ),
        ("once failed", &format!("{HEAD}<message><!--"), false, b'-'),
        ("document prolog", "", true, b' '),
        ("document element", "<a", true, b' '),
        ("document end tag", "<a></a", true, b' '),
        ("document epilog", "<a/>", true, b'\r'),
    ];
    let mut unbounded = Vec::new();
    for &(name, prefix, document, byte) in cases {
        let mut p = if document {
            Parser::document(limits)
        } else {
            Parser::stream(limits)
        };
        p.feed(prefix.as_bytes());
        let mut most = 0;
        let mut fed = 0;
        let fill = vec![byte; chunk];
        while fed < total {
            p.feed(&fill);
            fed += fill.len();
            most = most.max(p.buffered());
            while let Ok(Some(_)) = p.next_event() {}
            most = most.max(p.buffered());
        }
        // White space is consumed where it may stand; everywhere else the filler ends
        // in an error (a limit, or the bytes themselves), never in waiting for more.
        let open = matches!(p.next_event(), Ok(None));
        let may_stay_open = name.contains("white space")
            || name.starts_with("after")
            || name.starts_with("between")
            || name == "document prolog"
            || name == "document epilog";
        if open != may_stay_open {
            unbounded.push(format!("{name}: still open: {open}"));
        }
        if most > 16 * 1024 + chunk + prefix.len() {
            unbounded.push(format!("{name}: held {most} bytes"));
        }
    }
    assert!(unbounded.is_empty(), "{unbounded:#?}");
}
