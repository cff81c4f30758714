//! Malformed streams checked against the productions of XML 1.0 (5th ed.) and Namespaces in
//! XML 1.0 (3rd ed.) and against RFC 3920 §4 and §11, each with the stream error condition
//! it gets; and well-formed neighbours of each that must pass.

use xmpp_xml::{Event, Parser, StreamErrorCondition as C};

const HEADER: &str = "<stream:stream xmlns='jabber:client' \
    xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>";

/// The whole input through a parser: `Ok(stanzas)` or the condition of the first error.
fn run(input: &[u8]) -> Result<usize, C> {
    let mut p = Parser::new();
    p.feed(input);
    let mut n = 0;
    loop {
        match p.next_event() {
            Ok(Some(Event::Stanza(s))) => {
                s.to_element().map_err(|e| e.condition())?;
                n += 1;
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) => return Err(e.condition()),
        }
    }
    p.finish().map(|_| n).map_err(|e| e.condition())
}

fn in_stream(body: &str) -> Result<usize, C> {
    run(format!("{HEADER}{body}").as_bytes())
}

// XML 1.0 §2.3 [4], [4a]: NameStartChar and NameChar beyond ASCII.
#[test]
fn non_ascii_names() {
    for ok in [
        "<message><\u{e9}l\u{e8}ve xmlns='x'/></message>",
        "<message><a\u{b7}\u{300}\u{203f}\u{2040} xmlns='x'/></message>",
        "<message><\u{10000} xmlns='x'/></message>",
        "<message><\u{effff} xmlns='x'/></message>",
    ] {
        assert_eq!(in_stream(ok), Ok(1), "{ok}");
    }
    for bad in [
        "<message><\u{b7}a xmlns='x'/></message>",
        "<message><\u{300}a xmlns='x'/></message>",
        "<message><\u{203f}a xmlns='x'/></message>",
        "<message><a\u{37e} xmlns='x'/></message>",
        "<message><a\u{d7} xmlns='x'/></message>",
        "<message><a\u{f7} xmlns='x'/></message>",
        "<message><a\u{fffe} xmlns='x'/></message>",
        "<message><\u{f0000} xmlns='x'/></message>",
        "<message\u{a0}to='a'/>",
    ] {
        assert_eq!(in_stream(bad), Err(C::XmlNotWellFormed), "{bad}");
    }
}

// XML 1.0 §3.1 [10] AttValue excludes `<`; §4.1 [66] character references must match Char
// (WFC: Legal Character) and have digits.
#[test]
fn attribute_values_and_references() {
    assert_eq!(in_stream("<message to='a>b' id='&lt;&#60;'/>"), Ok(1));
    for bad in [
        "<message to='a<b'/>",
        "<message to='<![CDATA[x]]>'/>",
        "<message>&#0;</message>",
        "<message>&#xD800;</message>",
        "<message>&#x110000;</message>",
        "<message>&#x;</message>",
        "<message>&#;</message>",
        "<message>&#X41;</message>",
        "<message>a & b</message>",
        "<message to='a&b'/>",
    ] {
        assert_eq!(in_stream(bad), Err(C::XmlNotWellFormed), "{bad}");
    }
}

// XML 1.0 §3.1 [40]-[44]: where white space may and may not appear in tags.
#[test]
fn white_space_in_tags() {
    assert_eq!(
        in_stream("<message to = 'a' ></message ><presence\n/>"),
        Ok(2)
    );
    for bad in [
        "< message/>",
        "<message></ message>",
        "<message / >",
        "<message to='a'from='b'/>",
    ] {
        assert_eq!(in_stream(bad), Err(C::XmlNotWellFormed), "{bad}");
    }
}

// Namespaces in XML 1.0 §3 (reserved prefixes and names, no empty prefixed declaration).
#[test]
fn reserved_prefixes() {
    assert_eq!(
        in_stream(
            "<message xmlns:xml='http://www.w3.org/XML/1998/namespace' xml:lang='en'>\
             <x xmlns=''/></message>"
        ),
        Ok(1)
    );
    for bad in [
        "<message xmlns:p=''/>",
        "<message xmlns:xml='urn:x'/>",
        "<message xmlns:xmlns='urn:x'/>",
        "<message xmlns:p='http://www.w3.org/2000/xmlns/'/>",
        "<message xmlns:p='http://www.w3.org/XML/1998/namespace'/>",
        "<message xmlns:p='&#x68;ttp://www.w3.org/XML/1998/namespace'/>",
        "<message><x xmlns='http://www.w3.org/XML/1998/namespace'/></message>",
        "<message><xmlns:x/></message>",
    ] {
        assert_eq!(in_stream(bad), Err(C::XmlNotWellFormed), "{bad}");
    }
}

// XML 1.0 §2.8 [23], §4.3.3, RFC 3920 §11.5: the byte-order mark, the XML declaration
// and the encoding, at the start of the transport.
#[test]
fn prolog() {
    let close = "</stream:stream>";
    for ok in [
        format!("\u{feff}{HEADER}{close}"),
        format!("\u{feff}<?xml version='1.0'?>{HEADER}{close}"),
        format!("<?xml version = \"1.0\" encoding = 'UTF-8' standalone='no' ?>{HEADER}{close}"),
        format!(" \n{HEADER}{close}"),
    ] {
        assert_eq!(run(ok.as_bytes()), Ok(0), "{ok}");
    }
    for (bad, want) in [
        (format!("\u{feff}\u{feff}{HEADER}"), C::XmlNotWellFormed),
        (
            format!(" <?xml version='1.0'?>{HEADER}"),
            C::XmlNotWellFormed,
        ),
        (
            format!("<?xml encoding='UTF-8' version='1.0'?>{HEADER}"),
            C::XmlNotWellFormed,
        ),
        (
            format!("<?xml version='1.0' standalone='maybe'?>{HEADER}"),
            C::XmlNotWellFormed,
        ),
        (
            format!("<?xml version='2.0'?>{HEADER}"),
            C::XmlNotWellFormed,
        ),
        (
            format!("<?xml version='1.0' encoding='ISO-8859-1'?>{HEADER}"),
            C::UnsupportedEncoding,
        ),
        (
            format!("{HEADER}<?xml version='1.0'?>"),
            C::XmlNotWellFormed,
        ),
        (format!("hello{HEADER}"), C::XmlNotWellFormed),
    ] {
        assert_eq!(run(bad.as_bytes()), Err(want), "{bad}");
    }
    for utf16 in [
        &b"\xff\xfe<\x00s\x00"[..],
        b"\xfe\xff\x00<\x00s",
        b"<\x00s\x00",
    ] {
        assert_eq!(run(utf16), Err(C::UnsupportedEncoding));
    }
}

// RFC 3920 §4.4, §11.2.1: one stream per document, closed by its own end tag, nothing after.
#[test]
fn stream_structure() {
    let alt = "<s:stream xmlns='jabber:client' xmlns:s='http://etherx.jabber.org/streams'>";
    assert_eq!(
        run(format!("{alt}<s:features/></s:stream>\n").as_bytes()),
        Ok(1)
    );
    assert_eq!(
        run(format!("{alt}</stream:stream>").as_bytes()),
        Err(C::XmlNotWellFormed)
    );
    assert_eq!(in_stream("</foo:stream>"), Err(C::XmlNotWellFormed));
    // A second header inside the stream, without a restart, is no stanza.
    assert_eq!(in_stream(HEADER), Err(C::UnsupportedStanzaType));
    assert_eq!(
        in_stream("</stream:stream><message/>"),
        Err(C::XmlNotWellFormed)
    );
    assert_eq!(in_stream("</stream:stream>junk"), Err(C::XmlNotWellFormed));
    // XML 1.0 §2.1 [1], [27]: after the root only white space, comments and PIs. Markup
    // cut short after the end (a lone `<`, `<!-`, `<?`) is no exception: the input ends
    // with an unclosed token, which expat reports too, so `finish` refuses it.
    for tail in ["<", "<!", "<!-", "<?", " \n<"] {
        let input = format!("{HEADER}</stream:stream>{tail}");
        let mut p = Parser::new();
        p.feed(input.as_bytes());
        while let Ok(Some(_)) = p.next_event() {}
        let e = p.finish().expect_err(tail);
        assert_eq!(e.condition(), C::XmlNotWellFormed, "{tail:?}");
        assert_eq!(
            e.offset() as usize,
            input.rfind('<').unwrap_or(0),
            "{tail:?}"
        );
    }
    assert_eq!(in_stream("</stream:stream> \r\n\t"), Ok(0));
    assert_eq!(in_stream("hello"), Err(C::BadFormat));
    assert_eq!(in_stream("<![CDATA[x]]>"), Err(C::BadFormat));
    // RFC 3920 §11.1 restricts comments, PIs, DTDs and entities, not CDATA sections.
    assert_eq!(
        in_stream("<message><body><![CDATA[<&>]]></body></message>"),
        Ok(1)
    );
}
