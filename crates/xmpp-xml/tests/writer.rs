//! The writer writes exactly the tree it is given, or refuses with a typed error and
//! writes nothing: no attribute becomes a namespace declaration, no header is written that
//! a receiver must refuse.

use xmpp_xml::{
    Attribute, DIALBACK_NS, Element, Event, Parser, STREAMS_NS, WriteError, XML_NS,
    write_stream_open,
};

fn written(el: &Element<'_>) -> Result<String, WriteError> {
    let mut out = b"keep".to_vec();
    match el.write_to(&mut out) {
        Ok(()) => Ok(String::from_utf8(out[4..].to_vec()).expect("UTF-8")),
        Err(e) => {
            assert_eq!(out, b"keep", "a refused element left output behind");
            Err(e)
        }
    }
}

/// Namespaces in XML §3: `xmlns` and `xmlns:*` are declarations, never attributes; the
/// writer declares what the tree's namespaces need, so an attribute with such a name would
/// rebind the element (or repeat its declaration).
#[test]
fn xmlns_attributes_are_refused() {
    let decl = |name: &str| WriteError::NamespaceDeclaration(name.to_owned());
    // Would repeat the element's own declaration: `<x xmlns='urn:a' xmlns='urn:b'/>`.
    let el = Element::new("urn:a", "x").with_attr("xmlns", "urn:b");
    assert_eq!(written(&el), Err(decl("xmlns")));
    // Would move an element in no namespace into `urn:b`.
    let el = Element::new("", "x").with_attr("xmlns", "urn:b");
    assert_eq!(written(&el), Err(decl("xmlns")));
    let el = Element::new("", "x").with_attr("xmlns:p", "urn:b");
    assert_eq!(written(&el), Err(decl("xmlns:p")));
    // Deeper in the tree as well.
    let el = Element::new("urn:a", "x")
        .with_child(Element::new("urn:a", "y").with_attr("xmlns", "urn:a"));
    assert_eq!(written(&el), Err(decl("xmlns")));
    // A local name `xmlns` in a namespace is an ordinary attribute.
    let mut el = Element::new("urn:a", "x");
    el.push_attr(Attribute {
        namespace: "urn:n".into(),
        name: "xmlns".into(),
        value: "v".into(),
    });
    let text = written(&el).expect("writable");
    assert_eq!(
        xmpp_xml::fuzzing::parse_document(text.as_bytes()),
        Some(el.into_owned())
    );
}

/// Attribute names with a prefix cannot be written: the prefix is the writer's to choose.
#[test]
fn prefixed_attribute_names_are_refused() {
    for name in ["xml:lang", "stream:x", "p:q"] {
        let el = Element::new("urn:a", "x").with_attr(name, "v");
        assert_eq!(
            written(&el),
            Err(WriteError::InvalidName(name.to_owned())),
            "{name}"
        );
    }
}

fn header(default_ns: &str, attrs: &[(&str, &str)]) -> Result<String, WriteError> {
    let mut out = b"keep".to_vec();
    match write_stream_open(&mut out, default_ns, attrs) {
        Ok(()) => Ok(String::from_utf8(out[4..].to_vec()).expect("UTF-8")),
        Err(e) => {
            assert_eq!(out, b"keep", "a refused header left output behind");
            Err(e)
        }
    }
}

/// What the header writer accepts, the parser reads back; what the parser would refuse,
/// the writer refuses.
#[test]
fn stream_header_declarations() {
    let decl = |name: &str| Err(WriteError::NamespaceDeclaration(name.to_owned()));
    assert_eq!(
        header("jabber:client", &[("xmlns", "jabber:server")]),
        decl("xmlns")
    );
    assert_eq!(
        header("jabber:client", &[("xmlns:stream", STREAMS_NS)]),
        decl("xmlns:stream")
    );
    assert_eq!(
        header("jabber:client", &[("xmlns:x", "urn:x")]),
        decl("xmlns:x")
    );
    assert_eq!(
        header("jabber:server", &[("xmlns:db", "urn:not-dialback")]),
        decl("xmlns:db")
    );
    // RFC 3920 §11.2.2: the parser requires one of the two content namespaces.
    for ns in ["", "urn:x", "jabber:server:dialback"] {
        assert_eq!(
            header(ns, &[]),
            Err(WriteError::InvalidNamespace(ns.to_owned()))
        );
    }
    // The dialback declaration a server puts on its header (RFC 3920 §8, §11.2.3).
    let text = header(
        "jabber:server",
        &[("xmlns:db", DIALBACK_NS), ("to", "example.net")],
    )
    .expect("writable");
    let mut p = Parser::new();
    p.feed(text.as_bytes());
    let Ok(Some(Event::StreamOpen(h))) = p.next_event() else {
        panic!("{text} not read back");
    };
    assert!(
        h.namespaces()
            .iter()
            .any(|(p, n)| p == "db" && n == DIALBACK_NS)
    );
}

/// RFC 3920 §4.4.1: `major.minor`, decimal integers, leading zeros MUST NOT be sent.
#[test]
fn stream_header_version() {
    for good in ["1.0", "0.9", "10.20", "1.10"] {
        let text = header("jabber:client", &[("version", good)]).expect(good);
        let mut p = Parser::new();
        p.feed(text.as_bytes());
        assert!(
            matches!(p.next_event(), Ok(Some(Event::StreamOpen(_)))),
            "{good}"
        );
    }
    for bad in [
        "01.00",
        "1.00",
        "01.0",
        "1",
        "1.",
        ".0",
        "1.0.0",
        "",
        "a.b",
        "+1.0",
        "1.-0",
        " 1.0",
        "4294967296.0",
        "\u{661}.0",
    ] {
        assert_eq!(
            header("jabber:client", &[("version", bad)]),
            Err(WriteError::InvalidVersion(bad.to_owned())),
            "{bad:?}"
        );
    }
}

/// The other header attributes: names as written (`xml:` is the one prefix allowed).
#[test]
fn stream_header_attribute_names() {
    for bad in ["stream:x", "a b", "", "xml:", ":x"] {
        assert_eq!(
            header("jabber:client", &[(bad, "v")]),
            Err(WriteError::InvalidName(bad.to_owned())),
            "{bad:?}"
        );
    }
    assert_eq!(
        header("jabber:client", &[("to", "a"), ("to", "b")]),
        Err(WriteError::DuplicateAttribute("to".to_owned()))
    );
    assert!(header("jabber:client", &[("xml:lang", "en"), ("id", "x")]).is_ok());
    let _ = XML_NS;
}
