//! One good and one bad case per rule the parser enforces (XML 1.0, Namespaces in XML,
//! RFC 3920 §4 and §11), with the stream error condition and the byte offset.

use xmpp_xml::{Ending, Event, Limits, Parser, StreamErrorCondition as C};

const HEADER: &str = "<stream:stream xmlns='jabber:client' \
    xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>";

/// Parses a complete stream; returns the stanza bytes or (condition, offset).
fn run(input: &[u8]) -> Result<Vec<Vec<u8>>, (C, u64)> {
    run_with(Parser::new(), input)
}

fn run_with(mut p: Parser, input: &[u8]) -> Result<Vec<Vec<u8>>, (C, u64)> {
    p.feed(input);
    let mut out = Vec::new();
    loop {
        match p.next_event() {
            Ok(Some(Event::Stanza(s))) => out.push(s.bytes().to_vec()),
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) => return Err((e.condition(), e.offset())),
        }
    }
    match p.finish() {
        Ok(_) => Ok(out),
        Err(e) => Err((e.condition(), e.offset())),
    }
}

/// A stanza body inside a client stream.
fn body(stanza: &str) -> Result<Vec<Vec<u8>>, (C, u64)> {
    run(format!("{HEADER}{stanza}").as_bytes())
}

/// The condition and the offset relative to the stanza start.
fn bad(stanza: &str) -> (C, u64) {
    let (c, off) = body(stanza).expect_err(stanza);
    (c, off - HEADER.len() as u64)
}

fn good(stanza: &str) {
    let r = body(stanza);
    assert!(r.is_ok(), "{stanza}: {r:?}");
}

// XML 1.0 §2.2 and RFC 3920 §11.5: UTF-8, the Char production.
#[test]
fn utf8() {
    good("<message><body>caf\u{e9} \u{1f600} \u{4e2d}</body></message>");
    let mut stray = format!("{HEADER}<message><body>a").into_bytes();
    stray.extend_from_slice(b"\xff</body></message>");
    assert_eq!(
        run(&stray),
        Err((C::XmlNotWellFormed, HEADER.len() as u64 + 16))
    );
    let mut bad_seq = format!("{HEADER}<message><body>").into_bytes();
    bad_seq.extend_from_slice(b"\xc0\xafx</body></message>");
    assert_eq!(
        run(&bad_seq),
        Err((C::XmlNotWellFormed, HEADER.len() as u64 + 15))
    );
    let mut surrogate = format!("{HEADER}<message a='").into_bytes();
    surrogate.extend_from_slice(b"\xed\xa0\x80'/>");
    assert_eq!(run(&surrogate).unwrap_err().0, C::XmlNotWellFormed);
}

#[test]
fn char_production() {
    good("<message><body>tab\tnl\ncr\r</body></message>");
    assert_eq!(
        bad("<message><body>\u{1}</body></message>"),
        (C::XmlNotWellFormed, 15)
    );
    assert_eq!(bad("<message a='\u{0}'/>"), (C::XmlNotWellFormed, 12));
    assert_eq!(bad("<message>\u{fffe}</message>"), (C::XmlNotWellFormed, 9));
    good("<message>&#x1F600;&#65;&#x9;</message>");
    assert_eq!(bad("<message>&#0;</message>"), (C::XmlNotWellFormed, 9));
    assert_eq!(bad("<message>&#x1;</message>"), (C::XmlNotWellFormed, 9));
    assert_eq!(bad("<message>&#xD800;</message>"), (C::XmlNotWellFormed, 9));
    assert_eq!(
        bad("<message>&#x110000;</message>"),
        (C::XmlNotWellFormed, 9)
    );
}

// XML 1.0 §2.3: names.
#[test]
fn names() {
    good("<message><x-y.z_1 xmlns='u'/><\u{e9}l\u{e8}ve xmlns='u'/></message>");
    assert_eq!(bad("<message><1a/></message>"), (C::XmlNotWellFormed, 10));
    assert_eq!(bad("<message><-a/></message>"), (C::XmlNotWellFormed, 10));
    assert_eq!(bad("<message>< a/></message>"), (C::XmlNotWellFormed, 10));
    assert_eq!(bad("<message 1a='x'/>").0, C::XmlNotWellFormed);
}

// Namespaces in XML §4: QNames.
#[test]
fn qualified_names() {
    good("<message xmlns:p='u'><p:a p:b='1'/></message>");
    assert_eq!(
        bad("<message xmlns:p='u'><p:a:b/></message>").0,
        C::XmlNotWellFormed
    );
    assert_eq!(bad("<message><:a/></message>").0, C::XmlNotWellFormed);
    assert_eq!(
        bad("<message xmlns:p='u'><p:/></message>").0,
        C::XmlNotWellFormed
    );
    assert_eq!(
        bad("<message xmlns:p='u'><p:1/></message>").0,
        C::XmlNotWellFormed
    );
}

// XML 1.0 §3.1: Unique Att Spec; Namespaces in XML §6.3.
#[test]
fn attribute_uniqueness() {
    good("<message to='a' from='b' xmlns:p='u' p:to='c'/>");
    assert_eq!(bad("<message to='a' to='b'/>"), (C::XmlNotWellFormed, 16));
    assert_eq!(
        bad("<message xmlns:p='u' xmlns:q='u' p:x='1' q:x='2'/>"),
        (C::XmlNotWellFormed, 41)
    );
    good("<message xmlns:p='u' xmlns:q='v' p:x='1' q:x='2'/>");
}

// XML 1.0 §3.1: attribute syntax.
#[test]
fn attribute_syntax() {
    good("<message to = 'a'\tfrom=\"b\"\n/>");
    assert_eq!(bad("<message to='a'from='b'/>"), (C::XmlNotWellFormed, 15));
    assert_eq!(bad("<message to=a/>"), (C::XmlNotWellFormed, 12));
    assert_eq!(bad("<message to/>"), (C::XmlNotWellFormed, 11));
    assert_eq!(bad("<message to='<'/>"), (C::XmlNotWellFormed, 13));
    good("<message to='>\"'/>");
}

// XML 1.0 §4.1, §4.6 and RFC 3920 §11.1: references.
#[test]
fn references() {
    good("<message a='&lt;&gt;&amp;&apos;&quot;'>&lt;&gt;&amp;&apos;&quot;</message>");
    assert_eq!(bad("<message>&nbsp;</message>"), (C::RestrictedXml, 9));
    assert_eq!(bad("<message a='&ent;'/>"), (C::RestrictedXml, 12));
    assert_eq!(bad("<message>& x</message>"), (C::XmlNotWellFormed, 9));
    assert_eq!(bad("<message>&amp</message>"), (C::XmlNotWellFormed, 9));
    assert_eq!(bad("<message>&#x;</message>"), (C::XmlNotWellFormed, 9));
    assert_eq!(bad("<message>&#12a;</message>"), (C::XmlNotWellFormed, 9));
}

// XML 1.0 §2.4: `]]>` in character data.
#[test]
fn cdata_end_in_text() {
    good("<message>]] ]> ]]]</message>");
    assert_eq!(bad("<message>a]]>b</message>"), (C::XmlNotWellFormed, 10));
    assert_eq!(bad("<message>]]]></message>"), (C::XmlNotWellFormed, 10));
}

// XML 1.0 §2.7: CDATA sections.
#[test]
fn cdata_sections() {
    good("<message><body><![CDATA[<a> & ]] ]>]]></body></message>");
    assert_eq!(
        bad("<message><![CDATA[x\u{1}]]></message>"),
        (C::XmlNotWellFormed, 19)
    );
    assert_eq!(
        bad("<message><![CDAT[x]]></message>").0,
        C::XmlNotWellFormed
    );
    // Character data between stanzas is not a stanza.
    assert_eq!(bad("<![CDATA[x]]>"), (C::BadFormat, 0));
}

// XML 1.0 §3 (element type match).
#[test]
fn end_tags() {
    good("<message><body></body ></message>");
    assert_eq!(
        bad("<message><body></bodx></message>"),
        (C::XmlNotWellFormed, 15)
    );
    assert_eq!(bad("<message></message x>"), (C::XmlNotWellFormed, 19));
    assert_eq!(
        bad("<message xmlns:p='jabber:client'></p:message>"),
        (C::XmlNotWellFormed, 33)
    );
}

// Namespaces in XML §3, §5: declarations and bindings.
#[test]
fn namespace_bindings() {
    good("<message xml:lang='en'><x xmlns='urn:a'><y xmlns=''/></x></message>");
    assert_eq!(bad("<message><p:x/></message>"), (C::BadNamespacePrefix, 9));
    assert_eq!(bad("<message p:x='1'/>"), (C::BadNamespacePrefix, 9));
    assert_eq!(bad("<message xmlns:p=''/>"), (C::XmlNotWellFormed, 9));
    assert_eq!(
        bad("<message xmlns:xml='urn:x'/>"),
        (C::XmlNotWellFormed, 9)
    );
    good("<message xmlns:xml='http://www.w3.org/XML/1998/namespace'/>");
    assert_eq!(
        bad("<message xmlns:x='http://www.w3.org/XML/1998/namespace'/>").0,
        C::XmlNotWellFormed
    );
    assert_eq!(
        bad("<message xmlns:xmlns='urn:x'/>"),
        (C::XmlNotWellFormed, 9)
    );
    assert_eq!(
        bad("<message xmlns:x='http://www.w3.org/2000/xmlns/'/>").0,
        C::XmlNotWellFormed
    );
    assert_eq!(bad("<message><xmlns:a/></message>").0, C::XmlNotWellFormed);
    // A binding ends with its element.
    assert_eq!(
        bad("<message><a xmlns:p='u'/><p:b/></message>"),
        (C::BadNamespacePrefix, 25)
    );
}

// RFC 3920 §11.1: restricted XML.
#[test]
fn restricted_xml() {
    assert_eq!(bad("<message><!-- hi --></message>"), (C::RestrictedXml, 9));
    assert_eq!(bad("<!-- hi -->"), (C::RestrictedXml, 0));
    assert_eq!(bad("<message><?pi x?></message>"), (C::RestrictedXml, 9));
    assert_eq!(bad("<?pi?>"), (C::RestrictedXml, 0));
    assert_eq!(
        run(b"<!DOCTYPE stream><stream:stream/>"),
        Err((C::RestrictedXml, 0))
    );
    assert_eq!(
        run(format!("<!-- c -->{HEADER}").as_bytes()),
        Err((C::RestrictedXml, 0))
    );
}

// XML 1.0 §2.8, RFC 3920 §11.4, §11.5: the XML declaration.
#[test]
fn xml_declaration() {
    assert!(run(format!("<?xml version='1.0'?>{HEADER}").as_bytes()).is_ok());
    assert!(
        run(
            format!("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone='yes' ?>{HEADER}")
                .as_bytes()
        )
        .is_ok()
    );
    assert!(
        run(format!("\u{feff}<?xml version='1.0' encoding='utf-8'?>{HEADER}").as_bytes()).is_ok()
    );
    assert_eq!(
        run(format!("<?xml version='1.0' encoding='ISO-8859-1'?>{HEADER}").as_bytes()),
        Err((C::UnsupportedEncoding, 0))
    );
    assert_eq!(run(b"\xfe\xff\x00<"), Err((C::UnsupportedEncoding, 0)));
    assert_eq!(run(b"\xff\xfe<\x00"), Err((C::UnsupportedEncoding, 0)));
    assert_eq!(run(b"<\x00?\x00"), Err((C::UnsupportedEncoding, 0)));
    assert_eq!(
        run(format!(" <?xml version='1.0'?>{HEADER}").as_bytes()),
        Err((C::XmlNotWellFormed, 1))
    );
    assert_eq!(
        run(format!("<?xml version='2.0'?>{HEADER}").as_bytes()),
        Err((C::XmlNotWellFormed, 0))
    );
    assert_eq!(
        run(format!("<?xml encoding='UTF-8'?>{HEADER}").as_bytes()),
        Err((C::XmlNotWellFormed, 0))
    );
    assert_eq!(bad("<?xml version='1.0'?>"), (C::XmlNotWellFormed, 0));
}

// RFC 3920 §4.4, §11.2.1, §11.2.2: the stream header.
#[test]
fn stream_header() {
    let h = |s: &str| run(s.as_bytes()).map(|_| ());
    assert_eq!(h(HEADER), Ok(()));
    assert_eq!(
        h("<s:stream xmlns='jabber:server' xmlns:s='http://etherx.jabber.org/streams'>"),
        Ok(())
    );
    assert_eq!(
        h("<stream:stream xmlns='jabber:client' xmlns:stream='http://wrong'>"),
        Err((C::InvalidNamespace, 0))
    );
    assert_eq!(
        h("<stream xmlns='http://etherx.jabber.org/streams'>"),
        Err((C::BadNamespacePrefix, 0))
    );
    assert_eq!(
        h("<stream:stream xmlns='jabber:foo' xmlns:stream='http://etherx.jabber.org/streams'>"),
        Err((C::InvalidNamespace, 0))
    );
    assert_eq!(
        h("<stream:stream xmlns:stream='http://etherx.jabber.org/streams'>"),
        Err((C::InvalidNamespace, 0))
    );
    assert_eq!(
        h(
            "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='2.0'>"
        ),
        Ok(()) // RFC 3920 §4.4.1: answered with the lower version, not refused
    );
    assert_eq!(
        h(
            "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='2'>"
        ),
        Err((C::UnsupportedVersion, 85))
    );
    assert_eq!(
        h(
            "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.7'>"
        ),
        Ok(())
    );
    assert_eq!(
        h(
            "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='x'>"
        ),
        Err((C::UnsupportedVersion, 85))
    );
    assert_eq!(
        h("<stream:foo xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"),
        Err((C::BadFormat, 0))
    );
    assert_eq!(
        h("<stream:stream xmlns='jabber:client'>"),
        Err((C::BadNamespacePrefix, 0))
    );
    assert_eq!(
        h("<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'/>")
            .unwrap_err()
            .0,
        C::XmlNotWellFormed
    );
}

#[test]
fn stream_header_accessors() {
    let mut p = Parser::new();
    p.feed(b"<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='example.com' xml:lang='en' version='1.0' id='a&amp;b'>");
    let Ok(Some(Event::StreamOpen(h))) = p.next_event() else {
        panic!("no header");
    };
    assert_eq!(h.name(), "stream");
    assert_eq!(h.prefix(), "stream");
    assert_eq!(h.namespace(), "http://etherx.jabber.org/streams");
    assert_eq!(h.default_namespace(), "jabber:client");
    assert_eq!(h.attr("to"), Some("example.com"));
    assert_eq!(h.attr("xml:lang"), None);
    assert_eq!(h.attr_ns(xmpp_xml::XML_NS, "lang"), Some("en"));
    assert_eq!(h.attr("id"), Some("a&b"));
    assert_eq!(h.version(), Some((1, 0)));
    assert_eq!(h.namespaces().len(), 2);
}

// RFC 3920 §8.3, §11.2.3: dialback namespace.
#[test]
fn dialback() {
    let hdr = "<stream:stream xmlns:stream='http://etherx.jabber.org/streams' xmlns='jabber:server' xmlns:db='jabber:server:dialback'>";
    assert!(run(format!("{hdr}<db:result to='a' from='b'>key</db:result>").as_bytes()).is_ok());
    assert_eq!(
        run(b"<stream:stream xmlns:stream='http://etherx.jabber.org/streams' xmlns='jabber:server' xmlns:db='jabber:dialback'>"),
        Err((C::InvalidNamespace, 85))
    );
    assert_eq!(
        run(format!("{hdr}<result xmlns='jabber:server:dialback'/>").as_bytes()),
        Err((C::BadNamespacePrefix, hdr.len() as u64))
    );
}

// RFC 3920 §4.7.3: first-level children.
#[test]
fn top_level_elements() {
    good(
        "<message/><presence/><iq type='get' id='1'/><stream:features/><auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>",
    );
    good(" \n\t<message/>\r\n ");
    assert_eq!(bad("<foo/>"), (C::UnsupportedStanzaType, 0));
    assert_eq!(bad("<stream:bar/>"), (C::UnsupportedStanzaType, 0));
    // RFC 3920 §11.2.1: features and error carry the streams prefix.
    assert_eq!(
        bad("<features xmlns='http://etherx.jabber.org/streams'/>"),
        (C::BadNamespacePrefix, 0)
    );
    assert_eq!(bad("hello"), (C::BadFormat, 0));
    assert_eq!(bad("<message/>x"), (C::BadFormat, 10));
}

// RFC 3920 §4.7.3 (unsupported-stanza-type), §11.2.2: a first-level element in no
// namespace, or in the content namespace of the other kind of stream, is not one the
// receiver supports; extension namespaces stay allowed at the first level.
#[test]
fn top_level_namespaces() {
    good(
        "<enable xmlns='urn:xmpp:sm:3'/><r xmlns='urn:xmpp:sm:3'/><message xmlns='jabber:client'/>",
    );
    assert_eq!(bad("<message xmlns=''/>"), (C::UnsupportedStanzaType, 0));
    assert_eq!(
        bad("<message/><foo xmlns=''>x</foo>"),
        (C::UnsupportedStanzaType, 10)
    );
    assert_eq!(
        bad("<message xmlns='jabber:server'/>"),
        (C::UnsupportedStanzaType, 0)
    );
    // No namespace below the first level is the sender's business.
    good("<message><x xmlns=''/></message>");
    let server =
        "<stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams'>";
    assert_eq!(
        run(format!("{server}<message xmlns='jabber:client' to='a' from='b'/>").as_bytes()),
        Err((C::UnsupportedStanzaType, server.len() as u64))
    );
}

// RFC 3920 §11.2.2: no prefix on elements of jabber:client or jabber:server, at any depth
// (§4.7.3 bad-namespace-prefix). Other content namespaces may be prefixed (a SHOULD NOT).
#[test]
fn content_namespace_prefix() {
    assert_eq!(
        bad("<c:message xmlns:c='jabber:client'/>"),
        (C::BadNamespacePrefix, 0)
    );
    assert_eq!(
        bad("<message><c:body xmlns:c='jabber:client'>x</c:body></message>"),
        (C::BadNamespacePrefix, 9)
    );
    assert_eq!(
        bad("<message xmlns:s='jabber:server'><x xmlns='urn:a'><s:y/></x></message>"),
        (C::BadNamespacePrefix, 50)
    );
    assert_eq!(
        bad("<s:message xmlns:s='jabber:server' to='a' from='b'/>"),
        (C::BadNamespacePrefix, 0)
    );
    good("<message><x:y xmlns:x='urn:example'/></message>");
    // A prefix bound to jabber:client on an attribute only is no prefixed element.
    good("<message xmlns:c='jabber:client' c:hint='1'><body>x</body></message>");
    let server =
        "<stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams'>";
    assert_eq!(
        run(format!(
            "{server}<message to='a' from='b'><j:body xmlns:j='jabber:server'/></message>"
        )
        .as_bytes()),
        Err((C::BadNamespacePrefix, server.len() as u64 + 25))
    );
}

// RFC 3920 §4.7.3 (improper-addressing), §11.2.2: within jabber:server every stanza has a
// non-empty 'to' and 'from'; within jabber:client both are optional.
#[test]
fn server_stanza_addresses() {
    let server = "<stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams' xmlns:db='jabber:server:dialback'>";
    let s2s = |stanzas: &str| run(format!("{server}{stanzas}").as_bytes());
    let at = |off: usize| Err((C::ImproperAddressing, (server.len() + off) as u64));
    assert!(
        s2s("<message to='a@b' from='c@d'><body>x</body></message><presence from='c@d' to='b'/><iq to='b' type='get' id='1' from='d'/>")
            .is_ok()
    );
    // Dialback elements are no stanzas.
    assert!(s2s("<db:result to='b' from='d'>key</db:result><db:verify id='1'/>").is_ok());
    assert_eq!(s2s("<message to='a@b'/>"), at(0));
    assert_eq!(s2s("<message from='a@b'><body/></message>"), at(0));
    assert_eq!(s2s("<presence/>"), at(0));
    assert_eq!(s2s("<iq type='get' id='1' to='b' from=''/>"), at(0));
    assert_eq!(s2s("<message to='' from='a'/>"), at(0));
    // Prefixed 'to'/'from' are other attributes.
    assert_eq!(s2s("<message xmlns:x='urn:x' x:to='a' x:from='b'/>"), at(0));
    assert_eq!(s2s("<message to='a' from='b'/> <iq/>"), at(27));
    // Client streams: both optional.
    good("<message/><presence/><iq type='get' id='1'/>");
}

// XML 1.0 §2.1: after the stream's end only white space may follow.
#[test]
fn stream_close() {
    assert!(body("<message/></stream:stream>\n").is_ok());
    assert_eq!(bad("</stream:streamx>"), (C::XmlNotWellFormed, 0));
    assert_eq!(bad("</stream:stream><message/>"), (C::XmlNotWellFormed, 16));
    assert_eq!(bad("</stream:stream>x"), (C::XmlNotWellFormed, 16));
}

#[test]
fn limits() {
    let small = Limits::default()
        .max_stanza_bytes(128)
        .max_depth(3)
        .max_attributes(4)
        .max_name_bytes(16);
    let mk = |s: &str| run_with(Parser::stream(small), format!("{HEADER}{s}").as_bytes());
    assert_eq!(
        mk("<message><a xmlns='u'><b/></a></message>").map(|_| ()),
        Ok(())
    );
    let long = format!("<message><body>{}</body></message>", "x".repeat(200));
    assert_eq!(
        mk(&long),
        Err((C::PolicyViolation, HEADER.len() as u64 + 128))
    );
    assert_eq!(
        mk("<message><a><b><c/></b></a></message>").unwrap_err().0,
        C::PolicyViolation
    );
    assert_eq!(
        mk("<message a='1' b='2' c='3' d='4' e='5'/>")
            .unwrap_err()
            .0,
        C::PolicyViolation
    );
    assert_eq!(
        mk("<message><abcdefghijklmnopq/></message>").unwrap_err().0,
        C::PolicyViolation
    );
    // The limit is enforced while the stanza arrives, not when it is complete.
    let mut p = Parser::stream(small);
    p.feed(HEADER.as_bytes());
    assert!(matches!(p.next_event(), Ok(Some(Event::StreamOpen(_)))));
    p.feed(b"<message><body>");
    assert!(matches!(p.next_event(), Ok(None)));
    p.feed(&[b'x'; 200]);
    assert_eq!(p.next_event().unwrap_err().condition(), C::PolicyViolation);
    // The stream's own end tag is under the same limit, counted from its `<`.
    let tail = format!("</stream:stream{}>", " ".repeat(200));
    assert_eq!(
        mk(&tail),
        Err((C::PolicyViolation, HEADER.len() as u64 + 128))
    );
    assert_eq!(mk("</stream:stream   >").map(|v| v.len()), Ok(0));
}

#[test]
fn stanza_accessors() {
    let mut p = Parser::new();
    let st = "<message to='romeo@example.net' type=\"chat\" id='a&amp;b' xml:lang='en'><body>hi</body></message>";
    p.feed(format!("{HEADER}  {st}").as_bytes());
    assert!(matches!(p.next_event(), Ok(Some(Event::StreamOpen(_)))));
    let Ok(Some(Event::Stanza(s))) = p.next_event() else {
        panic!("no stanza")
    };
    assert_eq!(s.bytes(), st.as_bytes());
    assert_eq!(s.offset(), HEADER.len() as u64 + 2);
    assert_eq!(s.name(), "message");
    assert_eq!(s.namespace(), "jabber:client");
    assert_eq!(s.prefix(), "");
    assert_eq!(s.attr("to").as_deref(), Some("romeo@example.net"));
    assert!(matches!(s.attr("to"), Some(std::borrow::Cow::Borrowed(_))));
    assert_eq!(s.attr("type").as_deref(), Some("chat"));
    assert_eq!(s.attr("id").as_deref(), Some("a&b"));
    assert_eq!(s.attr_ns(xmpp_xml::XML_NS, "lang").as_deref(), Some("en"));
    assert_eq!(s.attr("from"), None);
    assert_eq!(s.attributes().count(), 4);
    let el = s.to_element().unwrap();
    assert_eq!(el.namespace(), "jabber:client");
    assert_eq!(el.attributes()[3].namespace, xmpp_xml::XML_NS);
    assert_eq!(el.child("jabber:client", "body").unwrap().text(), "hi");
}

#[test]
fn tree_of_stream_level_prefix() {
    let hdr = "<stream:stream xmlns:stream='http://etherx.jabber.org/streams' xmlns='jabber:server' xmlns:db='jabber:server:dialback'>";
    let mut p = Parser::new();
    p.feed(format!("{hdr}<db:verify id='1'>k&#x41;<![CDATA[<>]]>\r\n</db:verify>").as_bytes());
    assert!(matches!(p.next_event(), Ok(Some(Event::StreamOpen(_)))));
    let Ok(Some(Event::Stanza(s))) = p.next_event() else {
        panic!("no stanza")
    };
    assert_eq!(
        (s.prefix(), s.name(), s.namespace()),
        ("db", "verify", "jabber:server:dialback")
    );
    let el = s.to_element().unwrap();
    assert_eq!(el.namespace(), "jabber:server:dialback");
    assert_eq!(el.text(), "kA<>\n");
}

// RFC 3920 §5.3 step 7, §6.2: a restart on the same transport; offsets keep counting.
#[test]
fn restart() {
    let mut p = Parser::new();
    let first = format!("{HEADER}<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
    p.feed(format!("{first}<?xml version='1.0'?>{HEADER}<message/>").as_bytes());
    assert!(matches!(p.next_event(), Ok(Some(Event::StreamOpen(_)))));
    assert!(matches!(p.next_event(), Ok(Some(Event::Stanza(s))) if s.name() == "success"));
    p.expect_new_stream();
    assert!(matches!(p.next_event(), Ok(Some(Event::StreamOpen(_)))));
    let Ok(Some(Event::Stanza(s))) = p.next_event() else {
        panic!("no stanza")
    };
    assert_eq!(s.offset(), (first.len() + 21 + HEADER.len()) as u64);
    assert!(matches!(p.next_event(), Ok(None)));
    assert_eq!(
        p.finish(),
        Ok(Ending::Open {
            header_seen: true,
            pending_bytes: 0
        })
    );
}

#[test]
fn errors_are_sticky() {
    let mut p = Parser::new();
    p.feed(format!("{HEADER}<message><!--x--></message>").as_bytes());
    assert!(p.next_event().is_ok());
    let e = p.next_event().unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("restricted-xml at byte {}: comment", HEADER.len() + 9)
    );
    p.feed(b"<message/>");
    assert_eq!(p.next_event().unwrap_err(), e);
}

#[test]
fn document_mode() {
    let doc = |s: &[u8]| {
        let mut p = Parser::document(Limits::default());
        p.feed(s);
        let mut n = 0;
        loop {
            match p.next_event() {
                Ok(Some(_)) => n += 1,
                Ok(None) => break,
                Err(e) => return Err(e.condition()),
            }
        }
        p.finish().map(|_| n).map_err(|e| e.condition())
    };
    assert_eq!(
        doc(b"<?xml version='1.0'?>\n<doc a='1'><x/>text</doc>\n"),
        Ok(1)
    );
    assert_eq!(doc(b"<doc/><doc/>"), Err(C::XmlNotWellFormed));
    assert_eq!(doc(b"<doc>"), Err(C::XmlNotWellFormed));
    assert_eq!(doc(b""), Err(C::XmlNotWellFormed));
    assert_eq!(doc(b"<doc/><!--c-->"), Err(C::RestrictedXml));
    assert_eq!(doc(b"<doc/>x"), Err(C::XmlNotWellFormed));
}

// RFC 3920 §6.2: an observer of the initiating direction lets a new stream begin after the
// last SASL element; split anywhere, the result is the same.
#[test]
fn allowed_restart() {
    let auth = "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGEAYg==</auth>";
    let input = format!(
        "{HEADER}{auth}<?xml version='1.0'?>{HEADER}<iq type='set' id='b'/>{auth}{HEADER}<message/>"
    );
    for chunk in [1, 3, input.len()] {
        let mut p = Parser::new();
        let mut seen = Vec::new();
        for piece in input.as_bytes().chunks(chunk) {
            p.feed(piece);
            loop {
                match p.next_event() {
                    Ok(Some(Event::StreamOpen(_))) => seen.push("open".to_owned()),
                    Ok(Some(Event::Stanza(s))) => {
                        let name = s.name().to_owned();
                        if name == "auth" {
                            p.permit_new_stream();
                        }
                        seen.push(name);
                    }
                    Ok(Some(Event::StreamClose)) => seen.push("close".to_owned()),
                    Ok(None) => break,
                    Err(e) => {
                        seen.push(e.condition().to_string());
                        break;
                    }
                }
            }
        }
        assert_eq!(
            seen,
            ["open", "auth", "open", "iq", "auth", "open", "message"],
            "chunk {chunk}"
        );
    }
    // Once another element came, a header is no longer a restart.
    let mut p = Parser::new();
    p.feed(format!("{HEADER}{auth}").as_bytes());
    while let Ok(Some(_)) = p.next_event() {}
    p.permit_new_stream();
    p.feed(format!("<message/>{HEADER}").as_bytes());
    assert!(matches!(p.next_event(), Ok(Some(Event::Stanza(_)))));
    assert_eq!(
        p.next_event().unwrap_err().condition(),
        C::UnsupportedStanzaType
    );
}

// RFC 3920 §4.4, §9.1.5: an xml:lang value is an NMTOKEN with the RFC 3066 §2.1 syntax,
// on the stream header, on stanzas and on their children; a violation is invalid XML
// against the protocol (RFC 3920 §4.7.3 invalid-xml).
#[test]
fn xml_lang_is_a_language_tag() {
    good("<message xml:lang='en'/>");
    good("<message xml:lang='en-US'><body xml:lang='i-klingon'>x</body></message>");
    good("<message xml:lang='&#x65;n'/>");
    assert_eq!(bad("<message xml:lang='en_US'/>"), (C::InvalidXml, 19));
    assert_eq!(bad("<message xml:lang=''/>"), (C::InvalidXml, 19));
    assert_eq!(bad("<message xml:lang='toolongtag'/>"), (C::InvalidXml, 19));
    assert_eq!(
        bad("<message><body xml:lang='en US'>x</body></message>"),
        (C::InvalidXml, 25)
    );
    // Another prefix bound to the XML namespace is the same attribute.
    assert_eq!(
        bad("<message xmlns:xml='http://www.w3.org/XML/1998/namespace' xml:lang='-'/>"),
        (C::InvalidXml, 68)
    );
    let header = HEADER.replace("version='1.0'", "version='1.0' xml:lang='en-GB'");
    assert!(run(format!("{header}</stream:stream>").as_bytes()).is_ok());
    let header = HEADER.replace("version='1.0'", "version='1.0' xml:lang='en@GB'");
    let at = header.find("en@").unwrap_or(0) as u64;
    assert_eq!(run(header.as_bytes()), Err((C::InvalidXml, at)));
}

// RFC 3920 §11.2.1, §11.2.3: the writer prefixes streams and dialback elements.
#[test]
fn writer_prefixes_stream_and_dialback_elements() {
    use xmpp_xml::{DIALBACK_NS, Element, STREAMS_NS, WriteError};
    let features = Element::new(STREAMS_NS, "features")
        .with_child(Element::new("urn:ietf:params:xml:ns:xmpp-tls", "starttls"));
    let mut out = Vec::new();
    features.write_in(&mut out, "jabber:client").unwrap();
    assert_eq!(
        out,
        b"<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:features>"
    );
    let standalone = features.to_xml().unwrap();
    assert!(
        standalone.starts_with(
            "<stream:features xmlns:stream='http://etherx.jabber.org/streams'><starttls"
        )
    );
    let result = Element::new(DIALBACK_NS, "result")
        .with_attr("to", "a.example")
        .with_text("key");
    let mut out = Vec::new();
    result.write_in(&mut out, "jabber:server").unwrap();
    assert_eq!(
        out,
        b"<db:result xmlns:db='jabber:server:dialback' to='a.example'>key</db:result>"
    );
    // What the writer produced reads back inside a server stream.
    let stream = format!(
        "<stream:stream xmlns='jabber:server' xmlns:stream='{STREAMS_NS}'>{}",
        String::from_utf8(out).unwrap()
    );
    assert_eq!(run(stream.as_bytes()).map(|v| v.len()), Ok(1));
    let bad_lang = Element::new("jabber:client", "message").with_attr("to", "x");
    let mut bad_lang = bad_lang;
    bad_lang.push_attr(xmpp_xml::Attribute {
        namespace: xmpp_xml::XML_NS.into(),
        name: "lang".into(),
        value: "en_US".into(),
    });
    assert_eq!(
        bad_lang.to_xml(),
        Err(WriteError::InvalidLanguageTag("en_US".to_owned()))
    );
    let mut out = Vec::new();
    assert!(xmpp_xml::write_stream_open(&mut out, "jabber:client", &[("xml:lang", "")]).is_err());
    assert!(out.is_empty());
}

// RFC 3920 §4.4, §11.2.1: a first element that is no stream is reported as such, empty or
// not; a stream header closed at once is refused because the stream stays open.
#[test]
fn first_element_must_be_a_stream() {
    for doc in [
        "<message xmlns='jabber:client'/>",
        "<message xmlns='jabber:client'>",
    ] {
        assert_eq!(run(doc.as_bytes()), Err((C::BadFormat, 0)), "{doc}");
    }
    let empty = HEADER.replace("'1.0'>", "'1.0'/>");
    assert_eq!(
        run(empty.as_bytes()),
        Err((C::XmlNotWellFormed, empty.len() as u64 - 2))
    );
}
