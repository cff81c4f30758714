//! The flat element tree: building, reading, sub-trees, comparison, and the parsed tree of
//! a stanza.

use xmpp_xml::{Attribute, Element, Event, Node, Parser, XML_NS};

fn parsed(stanza: &str) -> Element<'static> {
    let mut p = Parser::new();
    p.feed(
        b"<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>",
    );
    p.feed(stanza.as_bytes());
    loop {
        match p.next_event() {
            Ok(Some(Event::Stanza(s))) => return s.to_element().expect("tree").into_owned(),
            Ok(Some(_)) => {}
            other => panic!("no stanza: {other:?}"),
        }
    }
}

#[test]
fn reading_a_parsed_tree() {
    let el = parsed(
        "<message to='a@b' xml:lang='en'><body>x &amp; y</body><![CDATA[<z>]]>tail\
         <x xmlns='urn:x' k='v'><y/>in</x></message>",
    );
    assert!(el.is("jabber:client", "message"));
    assert_eq!(el.attr("to"), Some("a@b"));
    assert_eq!(el.attr("lang"), None);
    assert_eq!(el.attr_ns(XML_NS, "lang"), Some("en"));
    let kids: Vec<String> = el
        .children()
        .map(|n| match n {
            Node::Element(e) => format!("<{}>", e.name()),
            Node::Text(t) => t.to_owned(),
        })
        .collect();
    // CDATA and the text after it are one text node.
    assert_eq!(kids, ["<body>", "<z>tail", "<x>"]);
    assert_eq!(el.text(), "<z>tail");
    let body = el.child("jabber:client", "body").expect("body");
    assert_eq!(body.text(), "x & y");
    let x = el.child("urn:x", "x").expect("x");
    assert_eq!((x.attr("k"), x.text().as_ref()), (Some("v"), "in"));
    assert_eq!(
        x.elements().map(|e| e.namespace()).collect::<Vec<_>>(),
        ["urn:x"]
    );
    // A sub-tree detached from its tree.
    let own = x.to_owned_element();
    assert_eq!(own.as_ref(), x);
    assert_eq!(
        own.to_xml().expect("writable"),
        "<x xmlns='urn:x' k='v'><y/>in</x>"
    );
}

#[test]
fn building_matches_parsing() {
    let mut built = Element::new("jabber:client", "message")
        .with_child(
            Element::new("jabber:client", "body")
                .with_text("x ")
                .with_text("& y"),
        )
        .with_text("")
        .with_child(Element::new("urn:x", "x").with_attr("k", "v"));
    // Attributes added to the root after its children keep every element's own.
    built.push_attr(Attribute {
        namespace: XML_NS.into(),
        name: "lang".into(),
        value: "en".into(),
    });
    built.push_attr(Attribute {
        namespace: "".into(),
        name: "to".into(),
        value: "a@b".into(),
    });
    let read = parsed(
        "<message xml:lang='en' to='a@b'><body>x &amp; y</body><x xmlns='urn:x' k='v'/></message>",
    );
    assert_eq!(built, read);
    assert_eq!(
        built.child("urn:x", "x").and_then(|x| x.attr("k")),
        Some("v")
    );
    let mut other = built.clone();
    other.set_name("jabber:client", "presence");
    assert_ne!(other, built);
    assert_eq!(
        format!("{:?}", Element::new("u", "a").with_text("t")),
        "Element(<{u}a>\"t\"</a>)"
    );
}

/// Many attributes, many declarations and deep nesting in one stanza: the builder's
/// small on-stack buffers overflow into vectors and give the same tree.
#[test]
fn large_tags_and_deep_nesting() {
    let attrs: String = (0..20).map(|i| format!(" a{i}='v{i}'")).collect();
    let decls: String = (0..10).map(|i| format!(" xmlns:p{i}='urn:{i}'")).collect();
    let mut stanza = format!("<message{decls}{attrs} p9:z='9'>");
    for i in 0..12 {
        stanza.push_str(&format!("<p{}:e{i} xmlns:q='urn:q{i}' q:k='{i}'>", i % 10));
    }
    stanza.push_str("deep");
    for i in (0..12).rev() {
        stanza.push_str(&format!("</p{}:e{i}>", i % 10));
    }
    stanza.push_str("</message>");
    let el = parsed(&stanza);
    assert_eq!(el.attributes().len(), 21);
    assert_eq!(el.attr("a19"), Some("v19"));
    assert_eq!(el.attr_ns("urn:9", "z"), Some("9"));
    let mut e = el.as_ref();
    for i in 0..12 {
        e = e.elements().next().expect("child");
        assert_eq!(e.namespace(), format!("urn:{}", i % 10));
        assert_eq!(
            e.attr_ns(&format!("urn:q{i}"), "k"),
            Some(i.to_string().as_str())
        );
    }
    assert_eq!(e.text(), "deep");
    let written = el.to_xml().expect("writable");
    assert_eq!(
        xmpp_xml::fuzzing::parse_document(written.as_bytes()),
        Some(el)
    );
}

/// Each thing that changes when read, alone in a stanza, is still expanded: the scanner
/// tells the builder when a stanza has none of them (XML 1.0 §2.11, §3.3.3, §4.6).
#[test]
fn lone_expansions() {
    let el = parsed("<message id='a&amp;b'><body>x</body></message>");
    assert_eq!(el.attr("id"), Some("a&b"));
    let el = parsed("<message id='a\tb\nc'><body>x</body></message>");
    assert_eq!(el.attr("id"), Some("a b c"));
    let el = parsed("<message><body>a\r\nb\rc</body></message>");
    assert_eq!(
        el.child("jabber:client", "body")
            .map(|b| b.text())
            .as_deref(),
        Some("a\nb\nc")
    );
    let el = parsed("<message><body>&#x41;&lt;</body></message>");
    assert_eq!(
        el.child("jabber:client", "body")
            .map(|b| b.text())
            .as_deref(),
        Some("A<")
    );
    let el = parsed("<message><body><![CDATA[a\r\nb&amp;]]></body></message>");
    assert_eq!(
        el.child("jabber:client", "body")
            .map(|b| b.text())
            .as_deref(),
        Some("a\nb&amp;")
    );
    let el = parsed("<message id='plain'><body>a\tb\nc</body></message>");
    assert_eq!(
        el.child("jabber:client", "body")
            .map(|b| b.text())
            .as_deref(),
        Some("a\tb\nc")
    );
}

/// A parser that records nothing builds the same trees, by reading the bytes again.
#[test]
fn trees_without_records() {
    let stream = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>\
        <message to='a@b' xml:lang='en' xmlns:p='urn:p' p:x='1&amp;2'><body>a\r\nb &lt; <![CDATA[<c>]]>d</body>\
        <x xmlns='urn:x'><y p:z=' t\tu '/>tail</x></message>\
        <presence><![CDATA[]]></presence><iq type='get' id='1'><q xmlns='urn:&#x71;'/></iq>";
    let trees = |record: bool| {
        let mut p = Parser::new();
        p.record_trees(record);
        p.feed(stream.as_bytes());
        let mut out = Vec::new();
        while let Some(ev) = p.next_event().expect("valid") {
            if let Event::Stanza(s) = ev {
                out.push(s.to_element().expect("tree").into_owned());
            }
        }
        out
    };
    let recorded = trees(true);
    assert_eq!(recorded.len(), 3);
    assert_eq!(recorded, trees(false));
    let body = recorded[0].child("jabber:client", "body").expect("body");
    assert_eq!(body.text(), "a\nb < <c>d");
    assert_eq!(recorded[0].attr_ns("urn:p", "x"), Some("1&2"));
    assert_eq!(recorded[1].children().count(), 0);
    assert_eq!(
        recorded[2]
            .elements()
            .next()
            .map(|q| q.namespace().to_owned()),
        Some("urn:q".to_owned())
    );
}
