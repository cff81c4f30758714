//! One rule for attribute lookup on the stream header, a stanza and an element:
//! `attr(name)` is the attribute with that local name in no namespace; `attr_ns` takes a
//! namespace and a local name; `attr_qualified` takes the name as written. Namespace
//! declarations are never attributes.

use xmpp_xml::{Event, Limits, Parser, XML_NS};

const STANZA: &str = "<message xmlns:p='urn:p' to='a@b' xml:lang='en' p:to='x' \
    p:lang='y'><body>hi</body></message>";

#[test]
fn attr_means_the_same_everywhere() {
    let mut p = Parser::new();
    p.feed(
        b"<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' \
          xmlns:q='urn:q' to='example.com' xml:lang='en' q:to='other'>",
    );
    p.feed(STANZA.as_bytes());
    let Ok(Some(Event::StreamOpen(h))) = p.next_event() else {
        panic!("no header");
    };
    assert_eq!(h.attr("to"), Some("example.com"));
    assert_eq!(h.attr("xml:lang"), None);
    assert_eq!(h.attr("lang"), None);
    assert_eq!(h.attr("xmlns"), None);
    assert_eq!(h.attr("stream"), None);
    assert_eq!(h.attr_ns(XML_NS, "lang"), Some("en"));
    assert_eq!(h.attr_ns("urn:q", "to"), Some("other"));
    assert_eq!(h.attr_ns("", "to"), Some("example.com"));
    assert_eq!(h.attr_qualified("xml:lang"), Some("en"));
    assert_eq!(h.attr_qualified("q:to"), Some("other"));
    assert_eq!(h.attr_qualified("xmlns:q"), None);

    let Ok(Some(Event::Stanza(s))) = p.next_event() else {
        panic!("no stanza");
    };
    assert_eq!(s.attr("to").as_deref(), Some("a@b"));
    assert_eq!(s.attr("xml:lang"), None);
    assert_eq!(s.attr("lang"), None);
    assert_eq!(s.attr("xmlns:p"), None);
    assert_eq!(s.attr("p"), None);
    assert_eq!(s.attr_ns(XML_NS, "lang").as_deref(), Some("en"));
    assert_eq!(s.attr_ns("urn:p", "to").as_deref(), Some("x"));
    assert_eq!(s.attr_ns("urn:p", "lang").as_deref(), Some("y"));
    assert_eq!(s.attr_ns("", "to").as_deref(), Some("a@b"));
    assert_eq!(s.attr_ns("urn:q", "to"), None);
    assert_eq!(s.attr_qualified("p:to").as_deref(), Some("x"));
    assert_eq!(s.attr_qualified("xmlns:p"), None);
    // Declarations are listed apart from the attributes.
    let names: Vec<_> = s.attributes().map(|(n, _)| n).collect();
    assert_eq!(names, ["to", "xml:lang", "p:to", "p:lang"]);
    let decls: Vec<_> = s.namespaces().collect();
    assert_eq!(decls, [("p", std::borrow::Cow::Borrowed("urn:p"))]);

    let el = s.to_element().expect("tree");
    assert_eq!(el.attr("to"), Some("a@b"));
    assert_eq!(el.attr("xml:lang"), None);
    assert_eq!(el.attr("lang"), None);
    assert_eq!(el.attr_ns(XML_NS, "lang"), Some("en"));
    assert_eq!(el.attr_ns("urn:p", "to"), Some("x"));
}

/// A declaration of the stream's own default namespace on a stanza is no attribute either.
#[test]
fn declarations_are_not_attributes() {
    let mut p = Parser::new();
    p.feed(
        b"<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>\
          <message xmlns='jabber:client' to='a'/>",
    );
    assert!(matches!(p.next_event(), Ok(Some(Event::StreamOpen(_)))));
    let Ok(Some(Event::Stanza(s))) = p.next_event() else {
        panic!("no stanza");
    };
    assert_eq!(s.attr("xmlns"), None);
    assert_eq!(s.attr_qualified("xmlns"), None);
    assert_eq!(s.attributes().count(), 1);
    assert_eq!(s.namespaces().count(), 1);
}

/// Limits are built from the defaults, so that new ones can be added.
#[test]
fn limits_builder() {
    let l = Limits::default()
        .max_stanza_bytes(1000)
        .max_depth(5)
        .max_attributes(7)
        .max_name_bytes(20);
    assert_eq!(
        (
            l.max_stanza_bytes,
            l.max_depth,
            l.max_attributes,
            l.max_name_bytes
        ),
        (1000, 5, 7, 20)
    );
    let p = Parser::stream(l);
    assert_eq!(p.limits(), l);
    let d = Parser::document(l);
    assert_eq!(d.limits(), l);
    assert_eq!(Parser::new().limits(), Limits::default());
}
