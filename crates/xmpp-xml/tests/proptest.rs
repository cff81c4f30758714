//! Properties: the outcome does not depend on how the input is split; the writer's output
//! parses back to the same element; no input makes the parser panic.

use proptest::prelude::*;
use xmpp_xml::fuzzing::{Seen, check_written, observe, parse_document};
use xmpp_xml::{Attribute, Element, WriteError, XML_NS};

const HEADER: &str = "<stream:stream xmlns='jabber:client' \
    xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>";

fn xml_char(c: char) -> char {
    match c as u32 {
        0x9 | 0xa | 0xd | 0x20..=0xd7ff | 0xe000..=0xfffd | 0x10000..=0x10ffff => c,
        _ => 'x',
    }
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::collection::vec(any::<char>(), 1..10)
            .prop_map(|v| v.into_iter().map(xml_char).collect::<String>()),
        "[a-z &<>'\"\\]\r\n\t]{1,10}",
    ]
}

/// Mostly NCNames; sometimes a name the writer must refuse or must not confuse with
/// what it writes itself: declarations (`xmlns`, `xmlns:p`), prefixed names (`xml:*`,
/// the `stream:` and `db:` prefixes it writes, its own `n0` attribute prefixes).
fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        12 => "[a-zA-Z_\u{e9}\u{4e2d}][a-zA-Z0-9._\u{b7}-]{0,6}",
        1 => prop::sample::select(vec![
            "xmlns", "xmlns:p", "xmlns:xml", "xmlns:n0", "xml:lang", "xml:x", "xml",
            "xmlfoo", "stream:x", "db:x", "n0", "n0:a", "p:q", "stream", "db",
        ])
        .prop_map(str::to_owned),
    ]
}

/// Whether a name in the tree cannot be written: a local name that is not an NCName
/// (it has a prefix), or an attribute in no namespace that would be a declaration.
fn unwritable(el: &Element<'_>) -> bool {
    let bad_name = |n: &str| n.is_empty() || n.contains(':');
    let mut stack = vec![el.as_ref()];
    while let Some(e) = stack.pop() {
        if bad_name(e.name()) {
            return true;
        }
        for a in e.attributes() {
            let decl = a.name == "xmlns" || a.name.starts_with("xmlns:");
            if bad_name(&a.name) || (a.namespace.is_empty() && decl) {
                return true;
            }
        }
        stack.extend(e.elements());
    }
    false
}

/// The writer's answer for a generated tree: written (and then read back equal), or
/// refused for a name, with nothing written.
fn check_write(el: &Element<'_>, out: &mut Vec<u8>, r: Result<(), WriteError>) -> bool {
    match r {
        Ok(()) => {
            assert!(!unwritable(el), "written: {}", String::from_utf8_lossy(out));
            true
        }
        Err(e) => {
            assert!(out.is_empty(), "refused ({e}) but wrote {:?}", out);
            assert!(
                matches!(
                    e,
                    WriteError::InvalidName(_) | WriteError::NamespaceDeclaration(_)
                ) && unwritable(el),
                "refused {el:?}: {e:?}"
            );
            false
        }
    }
}

fn namespace() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("jabber:client".to_owned()),
        "urn:[a-z&<'\"]{1,5}",
    ]
}

fn attribute() -> impl Strategy<Value = Attribute<'static>> {
    (
        prop_oneof![
            4 => Just(String::new()),
            1 => Just(XML_NS.to_owned()),
            1 => "urn:[a-c]{1,2}",
        ],
        name(),
        prop_oneof![Just(String::new()), text()],
    )
        .prop_map(|(namespace, name, value)| Attribute {
            namespace: namespace.into(),
            name: name.into(),
            value: value.into(),
        })
}

fn leaf() -> impl Strategy<Value = Element<'static>> {
    (
        namespace(),
        name(),
        prop::collection::vec(attribute(), 0..4),
    )
        .prop_map(|(namespace, name, attrs)| {
            let mut el = Element::new(namespace, name);
            for a in attrs {
                if el.attr_ns(&a.namespace, &a.name).is_none() {
                    el.push_attr(a);
                }
            }
            el
        })
}

#[derive(Debug, Clone)]
enum Child {
    Element(Element<'static>),
    Text(String),
}

/// Elements as the parser produces them: no empty text, no two adjacent text nodes.
fn element() -> impl Strategy<Value = Element<'static>> {
    leaf().prop_recursive(5, 48, 5, |inner| {
        (
            leaf(),
            prop::collection::vec(
                prop_oneof![inner.prop_map(Child::Element), text().prop_map(Child::Text)],
                0..5,
            ),
        )
            .prop_map(|(mut el, children)| {
                for c in children {
                    match c {
                        Child::Element(e) => el.push_child(e),
                        Child::Text(t) => el.push_text(t),
                    }
                }
                el
            })
    })
}

/// A stream made of pieces, some of them broken.
fn stream() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just("<message to='a@b/c' type='chat'><body>hi &amp; bye</body></message>".to_owned()),
        Just(
            "<presence><show>away</show><status>\u{e9}t\u{e9} \u{1f600}</status></presence>"
                .to_owned()
        ),
        Just("<iq type='get' id='1'><query xmlns='jabber:iq:roster'/></iq>".to_owned()),
        Just("<message><x xmlns:p='u' p:a='1'><![CDATA[<&>]]></x></message>".to_owned()),
        Just(" \n".to_owned()),
        Just("</stream:stream>".to_owned()),
        Just("<message><!-- no --></message>".to_owned()),
        Just("<message a='1' a='2'/>".to_owned()),
        element().prop_map(|e| {
            let mut v = Vec::new();
            let _ = e.write_to(&mut v);
            String::from_utf8(v).unwrap_or_default()
        }),
    ];
    (
        prop::collection::vec(piece, 0..8),
        any::<Option<(usize, u8)>>(),
    )
        .prop_map(|(pieces, flip)| {
            let mut v = HEADER.as_bytes().to_vec();
            for p in pieces {
                v.extend_from_slice(p.as_bytes());
            }
            if let Some((at, byte)) = flip {
                let n = v.len();
                v[at % n] = byte;
            }
            v
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    // The same bytes give the same events and errors however they are split.
    #[test]
    fn chunk_split_invariance(
        input in stream(),
        chunks in prop::collection::vec(1usize..40, 1..6),
        document in any::<bool>(),
    ) {
        let whole = observe(&input, &[], document);
        prop_assert_eq!(&whole, &observe(&input, &chunks, document));
        prop_assert_eq!(&whole, &observe(&input, &[1], document));
    }

    // parse(write(element)) == element.
    #[test]
    fn write_then_parse(el in element()) {
        let mut out = Vec::new();
        let r = el.write_to(&mut out);
        if !check_write(&el, &mut out, r) {
            return Ok(());
        }
        let back = parse_document(&out);
        prop_assert_eq!(Some(&el), back.as_ref(), "{}", String::from_utf8_lossy(&out));
        check_written(&el);
    }

    // Written inside a stream, a stanza parses back equal too.
    #[test]
    fn write_in_stream(el in element()) {
        let mut el = el;
        el.set_name("jabber:client", "message");
        let mut out = Vec::new();
        let r = el.write_in(&mut out, "jabber:client");
        if !check_write(&el, &mut out, r) {
            return Ok(());
        }
        let mut input = HEADER.as_bytes().to_vec();
        input.extend_from_slice(&out);
        let seen = observe(&input, &[], false);
        prop_assert!(matches!(seen.get(1), Some(Seen::Stanza(..))), "{:?}", seen);
    }

    // Arbitrary bytes never panic, alone or after a valid header.
    #[test]
    fn arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        observe(&bytes, &[], false);
        observe(&bytes, &[], true);
        let mut v = HEADER.as_bytes().to_vec();
        v.extend_from_slice(&bytes);
        observe(&v, &[3], false);
    }

    // A header the writer writes is read back with its attributes; one it refuses leaves
    // nothing behind.
    #[test]
    fn stream_header_written_or_refused(
        default_ns in prop::sample::select(vec!["jabber:client", "jabber:server", "urn:x", ""]),
        attrs in prop::collection::vec(
            (
                prop_oneof![
                    3 => prop::sample::select(vec!["to", "from", "id", "version", "xml:lang"]),
                    1 => prop::sample::select(vec![
                        "xmlns", "xmlns:db", "xmlns:stream", "xmlns:p", "xml:x", "stream:x",
                        "db:x", "p:q", "xml",
                    ]),
                ],
                prop_oneof![
                    Just("1.0"), Just("01.0"), Just("1.01"), Just("2"), Just("en"),
                    Just("en_US"), Just(xmpp_xml::DIALBACK_NS), Just("urn:x"), Just("a<'&"),
                ],
            ),
            0..4,
        ),
    ) {
        let mut out = Vec::new();
        match xmpp_xml::write_stream_open(&mut out, default_ns, &attrs) {
            Ok(()) => {
                let mut p = xmpp_xml::Parser::new();
                p.feed(&out);
                let text = String::from_utf8_lossy(&out).into_owned();
                let Ok(Some(xmpp_xml::Event::StreamOpen(h))) = p.next_event() else {
                    panic!("written header refused: {text}");
                };
                prop_assert_eq!(h.default_namespace(), default_ns);
                for (n, v) in &attrs {
                    if !n.starts_with("xmlns") {
                        prop_assert_eq!(h.attr_qualified(n), Some(*v), "{}", text);
                    }
                }
            }
            Err(_) => prop_assert!(out.is_empty()),
        }
    }

    // The writer refuses characters outside the Char production and leaves no output.
    #[test]
    fn writer_refuses_bad_chars(prefix in "[a-z]{0,4}", bad in 0u32..0x20) {
        prop_assume!(!matches!(bad, 0x9 | 0xa | 0xd));
        let c = char::from_u32(bad).unwrap_or('\0');
        let el = Element::new("", "a").with_text(format!("{prefix}{c}"));
        let mut out = b"keep".to_vec();
        prop_assert!(el.write_to(&mut out).is_err());
        prop_assert_eq!(&out, b"keep");
        let el = Element::new("", "a").with_attr("v", format!("{prefix}{c}"));
        prop_assert!(el.write_to(&mut out).is_err());
        prop_assert_eq!(&out, b"keep");
    }
}

#[test]
fn writer_refuses_bad_names_and_namespaces() {
    let mut out = Vec::new();
    assert!(Element::new("", "1a").write_to(&mut out).is_err());
    assert!(Element::new("", "a:b").write_to(&mut out).is_err());
    assert!(Element::new("", "").write_to(&mut out).is_err());
    assert!(Element::new(XML_NS, "a").write_to(&mut out).is_err());
    assert!(
        Element::new("", "a")
            .with_attr("x", "1")
            .with_attr("x", "2")
            .write_to(&mut out)
            .is_err()
    );
    assert!(out.is_empty());
    let el = Element::new("urn:a", "a")
        .with_attr("q", "'\"<&>\t\n\r")
        .with_child(Element::new("urn:a", "b").with_text("x<&>\r]]>"))
        .with_child(Element::new("", "c"));
    el.write_to(&mut out).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "<a xmlns='urn:a' q='&apos;&quot;&lt;&amp;&gt;&#x9;&#xA;&#xD;'><b>x&lt;&amp;&gt;&#xD;]]&gt;</b><c xmlns=''/></a>"
    );
}

#[test]
fn stream_header_writer() {
    let mut out = Vec::new();
    xmpp_xml::write_stream_open(
        &mut out,
        "jabber:client",
        &[
            ("to", "example.com"),
            ("version", "1.0"),
            ("xml:lang", "en"),
        ],
    )
    .unwrap();
    let mut p = xmpp_xml::Parser::new();
    p.feed(&out);
    let Ok(Some(xmpp_xml::Event::StreamOpen(h))) = p.next_event() else {
        panic!("header not accepted: {}", String::from_utf8_lossy(&out))
    };
    assert_eq!(h.attr_ns(XML_NS, "lang"), Some("en"));
    assert!(xmpp_xml::write_stream_open(&mut out, "jabber:client", &[("a b", "x")]).is_err());
    xmpp_xml::write_stream_close(&mut out);
    assert!(out.ends_with(b"</stream:stream>"));
}

#[test]
fn attribute_namespace_declared_once_per_subtree() {
    let attr = |v: &str| Attribute {
        namespace: "urn:x".into(),
        name: "a".into(),
        value: v.to_owned().into(),
    };
    let mut inner = Element::new("urn:e", "b");
    inner.push_attr(attr("2"));
    let mut outer = Element::new("urn:e", "a").with_child(inner);
    outer.push_attr(attr("1"));
    let mut out = Vec::new();
    outer.write_to(&mut out).unwrap();
    assert_eq!(
        String::from_utf8(out.clone()).unwrap(),
        "<a xmlns='urn:e' xmlns:n0='urn:x' n0:a='1'><b n0:a='2'/></a>"
    );
    assert_eq!(parse_document(&out), Some(outer));
}
