//! Checks proven through `xmpp-xml`.

use super::{Check, Outcome};
use xmpp_xml::{Element, Event, Parser, StreamErrorCondition as C};

const STREAMS: &str = "http://etherx.jabber.org/streams";
const HEADER: &str = "<stream:stream xmlns='jabber:client' \
    xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>";

/// Feeds a whole stream; returns the first-level elements read, or the error.
fn parse(input: &[u8]) -> Result<Vec<Element<'static>>, xmpp_xml::Error> {
    let mut p = Parser::new();
    p.feed(input);
    let mut out = Vec::new();
    while let Some(ev) = p.next_event()? {
        if let Event::Stanza(s) = ev {
            out.push(s.to_element()?.into_owned());
        }
    }
    Ok(out)
}

/// The input must be refused with `want`.
fn refused(input: &str, want: C) -> Outcome {
    match parse(input.as_bytes()) {
        Ok(_) => Err(format!("accepted {input:?}; expected {want}")),
        Err(e) if e.condition() == want => Ok(()),
        Err(e) => Err(format!("{input:?}: got {e}, expected {want}")),
    }
}

/// The input must be accepted.
fn accepted(input: &str) -> Outcome {
    parse(input.as_bytes())
        .map(|_| ())
        .map_err(|e| format!("{input:?} refused: {e}"))
}

/// Writes an element, checks the bytes and parses them back within a stream.
fn written(el: &Element<'_>, check: impl Fn(&str) -> Outcome) -> Outcome {
    let mut out = Vec::new();
    el.write_in(&mut out, "jabber:client")
        .map_err(|e| format!("writer refused: {e}"))?;
    let text = String::from_utf8(out).map_err(|_| "writer produced non-UTF-8".to_owned())?;
    check(&text)?;
    let back = parse(format!("{HEADER}{text}").as_bytes())
        .map_err(|e| format!("written {text:?} does not parse: {e}"))?;
    if back.first() != Some(el) {
        return Err(format!("written {text:?} parses back differently"));
    }
    Ok(())
}

fn message_with_text(text: &str) -> Element<'_> {
    Element::new("jabber:client", "message")
        .with_attr("id", text)
        .with_child(Element::new("jabber:client", "body").with_text(text))
}

fn writer_no_comments() -> Outcome {
    written(&message_with_text("<!-- not a comment -->"), |t| {
        if t.contains("<!--") {
            Err(format!("comment in {t:?}"))
        } else {
            Ok(())
        }
    })
}

fn writer_no_pis() -> Outcome {
    written(&message_with_text("<?pi x?>"), |t| {
        if t.contains("<?") {
            Err(format!("processing instruction in {t:?}"))
        } else {
            Ok(())
        }
    })
}

fn writer_no_dtd() -> Outcome {
    written(&message_with_text("<!DOCTYPE x [<!ENTITY e 'y'>]>"), |t| {
        if t.contains("<!") {
            Err(format!("markup declaration in {t:?}"))
        } else {
            Ok(())
        }
    })
}

fn writer_no_entity_refs() -> Outcome {
    written(&message_with_text("&nbsp; &e; &#x41;"), |t| {
        let bad = t.match_indices('&').any(|(i, _)| {
            let rest = &t[i..];
            !["&amp;", "&lt;", "&gt;", "&apos;", "&quot;", "&#x"]
                .iter()
                .any(|p| rest.starts_with(p))
        });
        if bad {
            Err(format!("entity reference in {t:?}"))
        } else {
            Ok(())
        }
    })
}

/// RFC 3920 §11.1: each of the five characters with a predefined entity is escaped, in
/// character data and in attribute values alike.
fn writer_escapes() -> Outcome {
    let escaped = "a&lt;b&gt;c&amp;d&apos;e&quot;f";
    written(&message_with_text("a<b>c&d'e\"f"), |t| {
        if !t.contains(&format!("<body>{escaped}</body>")) {
            return Err(format!(
                "character data a<b>c&d'e\"f written as {t:?}, want {escaped:?}"
            ));
        }
        if !t.contains(&format!("id='{escaped}'")) {
            return Err(format!(
                "attribute value a<b>c&d'e\"f written as {t:?}, want {escaped:?}"
            ));
        }
        Ok(())
    })
}

fn restricted_received() -> Outcome {
    for (doc, what) in [
        ("<message><!-- c --></message>", "comment"),
        ("<message><?pi?></message>", "processing instruction"),
        ("<message>&ent;</message>", "entity reference"),
    ] {
        refused(&format!("{HEADER}{doc}"), C::RestrictedXml).map_err(|e| format!("{what}: {e}"))?;
    }
    for (doc, what) in [
        ("<!DOCTYPE stream:stream>", "document type declaration"),
        (
            "<!DOCTYPE stream:stream SYSTEM 'http://example.com/x.dtd'>",
            "external DTD",
        ),
        (
            "<!DOCTYPE stream:stream [<!ENTITY e 'x'>]>",
            "internal DTD subset",
        ),
        ("<?pi x?>", "processing instruction before the header"),
        ("<!-- c -->", "comment before the header"),
    ] {
        refused(&format!("{doc}{HEADER}"), C::RestrictedXml).map_err(|e| format!("{what}: {e}"))?;
    }
    for (doc, what) in [
        ("<!-- c --><message/>", "comment between stanzas"),
        ("<?pi?><message/>", "processing instruction between stanzas"),
        (
            "<message id='&ent;'/>",
            "entity reference in an attribute value",
        ),
        ("<message>&nbsp;</message>", "HTML entity reference"),
    ] {
        refused(&format!("{HEADER}{doc}"), C::RestrictedXml).map_err(|e| format!("{what}: {e}"))?;
    }
    // The five predefined entities and character references are ordinary XML.
    accepted(&format!(
        "{HEADER}<message id='&lt;&amp;&#65;'>&gt;&apos;&quot;&#x42;</message>"
    ))
}

/// RFC 3920 §11.2.1: every header declares the streams namespace: a received one without
/// it is refused.
fn header_requires_streams_ns() -> Outcome {
    refused(
        "<stream:stream xmlns='jabber:client'>",
        C::BadNamespacePrefix,
    )?;
    refused("<stream xmlns='jabber:client'>", C::InvalidNamespace)?;
    accepted(HEADER)
}

/// RFC 3920 §11.2.1: the streams namespace is exactly http://etherx.jabber.org/streams.
fn streams_namespace_name() -> Outcome {
    for near in [
        "http://etherx.jabber.org/stream",
        "http://etherx.jabber.org/streams/",
        "https://etherx.jabber.org/streams",
        "http://etherx.jabber.org/Streams",
    ] {
        refused(
            &format!("<stream:stream xmlns='jabber:client' xmlns:stream='{near}'>"),
            C::InvalidNamespace,
        )
        .map_err(|e| format!("streams namespace {near:?}: {e}"))?;
    }
    accepted(HEADER)
}

fn stream_elements_prefixed() -> Outcome {
    refused(
        "<stream xmlns='http://etherx.jabber.org/streams' xmlns:c='jabber:client'>",
        C::BadNamespacePrefix,
    )?;
    refused(
        &format!("{HEADER}<features xmlns='{STREAMS}'/>"),
        C::BadNamespacePrefix,
    )?;
    refused(
        &format!("{HEADER}<error xmlns='{STREAMS}'/>"),
        C::BadNamespacePrefix,
    )?;
    accepted(&format!("{HEADER}<stream:features/><stream:error/>"))?;
    // What this side writes carries the prefix too.
    for name in ["features", "error"] {
        let el = Element::new(STREAMS, name);
        let mut out = Vec::new();
        el.write_in(&mut out, "jabber:client")
            .map_err(|e| format!("writing {name}: {e}"))?;
        let text = String::from_utf8_lossy(&out).into_owned();
        if !text.starts_with(&format!("<stream:{name}")) {
            return Err(format!("streams-namespace {name} written as {text:?}"));
        }
    }
    Ok(())
}

/// RFC 3920 §11.2.2: a header without a default namespace declaration is refused.
fn header_requires_default_ns() -> Outcome {
    refused(
        "<stream:stream xmlns:stream='http://etherx.jabber.org/streams'>",
        C::InvalidNamespace,
    )?;
    refused(
        "<stream:stream xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>\
         <message xmlns='jabber:client'/>",
        C::InvalidNamespace,
    )?;
    accepted(HEADER)
}

fn default_namespaces_both() -> Outcome {
    for ns in ["jabber:client", "jabber:server"] {
        let input = format!(
            "<stream:stream xmlns='{ns}' xmlns:stream='{STREAMS}'><message to='a@b' from='c@d'/>"
        );
        let els = parse(input.as_bytes()).map_err(|e| format!("{ns}: {e}"))?;
        if els.first().map(|e| e.namespace()) != Some(ns) {
            return Err(format!("{ns}: stanza namespace not resolved"));
        }
    }
    refused(
        &format!("<stream:stream xmlns='jabber:other' xmlns:stream='{STREAMS}'>"),
        C::InvalidNamespace,
    )
}

/// RFC 3920 §11.2.2: jabber:client and jabber:server elements are never prefixed. The
/// writer generates none, and a receiver refuses them with bad-namespace-prefix (§4.7.3),
/// on a stanza and below it.
fn content_ns_unprefixed() -> Outcome {
    written(&message_with_text("x"), |t| {
        if t.starts_with("<message id='x'><body>") {
            Ok(())
        } else {
            Err(format!("prefix or declaration in {t:?}"))
        }
    })?;
    refused(
        &format!("{HEADER}<c:message xmlns:c='jabber:client'/>"),
        C::BadNamespacePrefix,
    )?;
    refused(
        &format!("{HEADER}<message><s:body xmlns:s='jabber:server'>x</s:body></message>"),
        C::BadNamespacePrefix,
    )?;
    accepted(&format!(
        "{HEADER}<message><x:y xmlns:x='urn:example'/></message>"
    ))
}

/// RFC 3920 §11.2.2: within jabber:client a stanza may omit 'to' and 'from'.
fn client_addresses_optional() -> Outcome {
    accepted(&format!(
        "{HEADER}<message><body>x</body></message><presence/><iq type='get' id='1'/>\
         <message to='juliet@example.com'/><presence from='romeo@example.net/orchard'/>"
    ))
}

/// RFC 3920 §11.2.2, §8.3, §4.7.3: within jabber:server a stanza has a non-empty 'to' and
/// 'from'; one missing either is an improper-addressing stream error.
fn server_addresses_required() -> Outcome {
    accepted(&format!(
        "{S2S}<message to='juliet@example.com' from='romeo@example.net'/>\
         <presence to='example.com' from='example.net'/>\
         <iq to='example.com' from='example.net' type='get' id='1'/>"
    ))?;
    for stanza in [
        "<message to='juliet@example.com'/>",
        "<presence from='romeo@example.net'/>",
        "<iq type='get' id='1'/>",
        "<message to='' from='romeo@example.net'/>",
    ] {
        refused(&format!("{S2S}{stanza}"), C::ImproperAddressing)?;
    }
    Ok(())
}

/// A server-to-server stanza lacking `attr` (absent or empty) is refused with
/// improper-addressing, and the stream stays failed: nothing after it is read.
fn server_stanza_lacking(attr: &str, other: &str) -> Outcome {
    for stanza in [
        format!("<message {other}='example.net'><body>x</body></message>"),
        format!("<iq {attr}='' {other}='example.net' type='get' id='1'/>"),
    ] {
        let mut p = Parser::new();
        p.feed(format!("{S2S}{stanza}<presence to='a' from='b'/>").as_bytes());
        let mut first = None;
        for _ in 0..4 {
            match p.next_event() {
                Ok(Some(Event::Stanza(s))) => {
                    return Err(format!("{stanza:?}: read {:?}", s.name()));
                }
                Ok(Some(_)) => {}
                Ok(None) => return Err(format!("{stanza:?} accepted")),
                Err(e) if e.condition() != C::ImproperAddressing => {
                    return Err(format!("{stanza:?}: got {e}, expected improper-addressing"));
                }
                Err(e) => {
                    if first.is_some_and(|f| f != e) {
                        return Err(format!("{stanza:?}: the error changed to {e}"));
                    }
                    first = Some(e);
                }
            }
        }
    }
    Ok(())
}

/// RFC 3920 §9.1.2: a server-to-server stanza without 'from' is improper-addressing.
fn server_missing_from() -> Outcome {
    server_stanza_lacking("from", "to")
}

fn writer_unprefixed_content() -> Outcome {
    let el = Element::new("jabber:client", "iq")
        .with_attr("type", "get")
        .with_child(Element::new("jabber:iq:roster", "query"));
    written(&el, |t| {
        if t.contains("<query xmlns='jabber:iq:roster'/>") {
            Ok(())
        } else {
            Err(format!("content namespace prefixed in {t:?}"))
        }
    })
}

const S2S: &str = "<stream:stream xmlns:stream='http://etherx.jabber.org/streams' \
    xmlns='jabber:server' xmlns:db='jabber:server:dialback'>";

fn dialback_namespace() -> Outcome {
    let els = parse(format!("{S2S}<db:result to='a' from='b'>key</db:result>").as_bytes())
        .map_err(|e| format!("db:result on a server stream refused: {e}"))?;
    match els.first() {
        Some(e) if e.is("jabber:server:dialback", "result") => Ok(()),
        other => Err(format!("dialback element read as {other:?}")),
    }
}

/// RFC 3920 §11.2.3: the dialback namespace is exactly jabber:server:dialback: `db` bound
/// to any other name is refused, and elements read under it carry exactly that name.
fn dialback_namespace_name() -> Outcome {
    for other in [
        "jabber:server:dialbackx",
        "jabber:server:Dialback",
        "jabber:dialback",
    ] {
        refused(
            &format!(
                "<stream:stream xmlns:stream='{STREAMS}' xmlns='jabber:server' xmlns:db='{other}'>"
            ),
            C::InvalidNamespace,
        )
        .map_err(|e| format!("db bound to {other}: {e}"))?;
    }
    let els = parse(format!("{S2S}<db:verify to='a' from='b' id='1'>k</db:verify>").as_bytes())
        .map_err(|e| format!("db:verify on a server stream refused: {e}"))?;
    match els.first() {
        Some(e) if e.namespace() == "jabber:server:dialback" => Ok(()),
        other => Err(format!("db:verify read as {other:?}")),
    }
}

/// RFC 3920 §11.2.3: dialback elements are always prefixed: an unprefixed one (on the first
/// level or below a stanza) is refused, and the writer never produces one.
fn dialback_prefixed() -> Outcome {
    refused(
        &format!("{S2S}<result xmlns='jabber:server:dialback'/>"),
        C::BadNamespacePrefix,
    )?;
    for name in ["result", "verify"] {
        let el = Element::new("jabber:server:dialback", name).with_attr("to", "a");
        for ctx in ["jabber:server", "jabber:server:dialback"] {
            let mut out = Vec::new();
            el.write_in(&mut out, ctx)
                .map_err(|e| format!("writing db:{name}: {e}"))?;
            let text = String::from_utf8_lossy(&out).into_owned();
            if !text.starts_with(&format!("<db:{name} ")) {
                return Err(format!("dialback {name} in {ctx} written as {text:?}"));
            }
        }
    }
    Ok(())
}

fn not_well_formed_refused() -> Outcome {
    for doc in [
        "<message><body>x</message>",
        "<message a='1' a='2'/>",
        "<message>]]></message>",
        "<message><p:x/></message>",
        "<message>\u{1}</message>",
        "<message xmlns:p='u' xmlns:q='u' p:a='1' q:a='2'/>",
        "<message id='a<b'/>",
        "<message id='1/><body a='x'/>",
        "<message id=1/>",
        "<message>a & b</message>",
        "<message>&#0;</message>",
        "<message>&#xD800;</message>",
        "<1message/>",
        "<message></Message>",
        "</message>",
    ] {
        match parse(format!("{HEADER}{doc}").as_bytes()) {
            Ok(_) => return Err(format!("accepted {doc:?}")),
            Err(e) if matches!(e.condition(), C::XmlNotWellFormed | C::BadNamespacePrefix) => {}
            Err(e) => return Err(format!("{doc:?}: unexpected {e}")),
        }
    }
    match parse(format!("{HEADER}<message/></stream:streamx>").as_bytes()) {
        Err(e) if e.condition() == C::XmlNotWellFormed => {}
        other => return Err(format!("mismatched closing stream tag gave {other:?}")),
    }
    accepted(&format!(
        "{HEADER}<message id='1'><body>a &amp; b</body></message>"
    ))
}

fn xml_declaration_rules() -> Outcome {
    accepted(&format!("<?xml version='1.0' encoding='UTF-8'?>{HEADER}"))?;
    refused(
        &format!(" <?xml version='1.0'?>{HEADER}"),
        C::XmlNotWellFormed,
    )?;
    refused(
        &format!("<?xml encoding='UTF-8'?>{HEADER}"),
        C::XmlNotWellFormed,
    )?;
    refused(
        &format!("{HEADER}<?xml version='1.0'?>"),
        C::XmlNotWellFormed,
    )
}

fn utf8_supported() -> Outcome {
    let els = parse(
        format!("{HEADER}<message><body>\u{e9}\u{4e2d}\u{1f600}</body></message>").as_bytes(),
    )
    .map_err(|e| format!("UTF-8 body text refused: {e}"))?;
    let text = els
        .first()
        .and_then(|m| m.elements().next())
        .map(|b| b.text());
    if text.as_deref() != Some("\u{e9}\u{4e2d}\u{1f600}") {
        return Err(format!("UTF-8 text read as {text:?}"));
    }
    let mut bad = format!("{HEADER}<message><body>").into_bytes();
    bad.extend_from_slice(b"\xe9</body></message>");
    match parse(&bad) {
        Err(e) if e.condition() == C::XmlNotWellFormed => Ok(()),
        other => Err(format!("invalid UTF-8 gave {other:?}")),
    }
}

fn other_encodings_refused() -> Outcome {
    refused(
        &format!("<?xml version='1.0' encoding='ISO-8859-1'?>{HEADER}"),
        C::UnsupportedEncoding,
    )?;
    refused(
        &format!("<?xml version='1.0' encoding='UTF-16'?>{HEADER}"),
        C::UnsupportedEncoding,
    )?;
    for (bytes, what) in [
        (&b"\xff\xfe<\x00s\x00"[..], "UTF-16LE"),
        (&b"\xfe\xff\x00<\x00s"[..], "UTF-16BE"),
        (&b"\x00\x00\xfe\xff\x00\x00\x00<"[..], "UTF-32BE"),
    ] {
        match parse(bytes) {
            Err(e) if e.condition() == C::UnsupportedEncoding => {}
            other => return Err(format!("{what} byte order mark gave {other:?}")),
        }
    }
    // What this side writes is UTF-8.
    let el = message_with_text("\u{e9}\u{4e2d}\u{1f600}")
        .to_xml()
        .map_err(|e| format!("writing a message with non-ASCII text: {e}"))?;
    if !el.contains("\u{e9}\u{4e2d}\u{1f600}") {
        return Err(format!("non-ASCII text not sent as UTF-8: {el:?}"));
    }
    Ok(())
}

fn version_integers() -> Outcome {
    for (v, want) in [
        ("1.0", (1, 0)),
        ("1.10", (1, 10)),
        ("01.002", (1, 2)),
        ("1.999", (1, 999)),
    ] {
        let input =
            format!("<stream:stream xmlns='jabber:client' xmlns:stream='{STREAMS}' version='{v}'>");
        let mut p = Parser::new();
        p.feed(input.as_bytes());
        match p.next_event() {
            Ok(Some(Event::StreamOpen(h))) if h.version() == Some(want) => {}
            other => return Err(format!("version {v}: {other:?}")),
        }
    }
    refused(
        &format!("<stream:stream xmlns='jabber:client' xmlns:stream='{STREAMS}' version='1.0.0'>"),
        C::UnsupportedVersion,
    )
}

fn header_namespaces() -> Outcome {
    let mut p = Parser::new();
    p.feed(HEADER.as_bytes());
    match p.next_event() {
        Ok(Some(Event::StreamOpen(h)))
            if h.namespace() == STREAMS && h.default_namespace() == "jabber:client" => {}
        other => return Err(format!("header {HEADER:?} read as {other:?}")),
    }
    header_requires_default_ns()?;
    header_requires_streams_ns()
}

fn stream_error_element() -> Outcome {
    let els = parse(
        format!(
            "{HEADER}<stream:error><xml-not-well-formed xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error></stream:stream>"
        )
        .as_bytes(),
    )
    .map_err(|e| format!("stream:error with a condition refused: {e}"))?;
    match els.first() {
        Some(e) if e.is(STREAMS, "error") => Ok(()),
        other => Err(format!("stream:error read as {other:?}")),
    }
}

fn specific_conditions() -> Outcome {
    refused(
        &format!("{HEADER}<message><!--c--></message>"),
        C::RestrictedXml,
    )?;
    refused(&format!("{HEADER}<message></body>"), C::XmlNotWellFormed)?;
    refused(&format!("{HEADER}<p:message/>"), C::BadNamespacePrefix)?;
    refused(
        &format!("<?xml version='1.0' encoding='latin1'?>{HEADER}"),
        C::UnsupportedEncoding,
    )
}

/// RFC 3920 §4.4, §9.1.5: xml:lang values must be NMTOKENs; one that is not (empty, or with
/// white space or other non-name characters) is refused as invalid XML wherever it appears.
fn lang_nmtoken() -> Outcome {
    for bad in ["", "en US", "en@x", "a,b"] {
        refused(
            &format!("{HEADER}<message xml:lang='{bad}'/>"),
            C::InvalidXml,
        )?;
        refused(
            &format!("{HEADER}<message><body xml:lang='{bad}'>x</body></message>"),
            C::InvalidXml,
        )?;
    }
    accepted(&format!("{HEADER}<message xml:lang='en'/>"))
}

/// RFC 3920 §4.4 (header) and §9.1.5 (stanzas): xml:lang follows RFC 3066 §2.1; tags that
/// are NMTOKENs but not language tags are refused too, and the writer will not send one.
fn lang_rfc3066() -> Outcome {
    let lang_header =
        |v: &str| HEADER.replace("version='1.0'", &format!("version='1.0' xml:lang='{v}'"));
    for good in ["en", "en-US", "i-klingon", "zh-Hant-TW", "x-a1"] {
        accepted(&format!(
            "{}<message xml:lang='{good}'/>",
            lang_header(good)
        ))?;
    }
    for bad in [
        "en_US",
        "-en",
        "en-",
        "en--US",
        "1en",
        "toolongtag",
        "en-123456789",
    ] {
        refused(&lang_header(bad), C::InvalidXml).map_err(|e| format!("header: {e}"))?;
        refused(
            &format!("{HEADER}<presence xml:lang='{bad}'/>"),
            C::InvalidXml,
        )?;
    }
    let mut el = Element::new("jabber:client", "message");
    el.push_attr(xmpp_xml::Attribute {
        namespace: xmpp_xml::XML_NS.into(),
        name: "lang".into(),
        value: "en_US".into(),
    });
    if el.to_xml().is_ok() {
        return Err("the writer sent xml:lang='en_US'".to_owned());
    }
    Ok(())
}

/// RFC 3920 §11.2.3: the writer generates the `db` prefix for dialback elements.
fn writer_dialback_prefix() -> Outcome {
    let el = Element::new("jabber:server:dialback", "result")
        .with_attr("to", "b.example")
        .with_attr("from", "a.example")
        .with_text("key");
    let mut out = Vec::new();
    el.write_in(&mut out, "jabber:server")
        .map_err(|e| format!("writing db:result: {e}"))?;
    let text = String::from_utf8_lossy(&out).into_owned();
    if !text.starts_with("<db:result xmlns:db='jabber:server:dialback'")
        || !text.ends_with("</db:result>")
    {
        return Err(format!("dialback element written as {text:?}"));
    }
    let els = parse(format!("{S2S}{text}").as_bytes())
        .map_err(|e| format!("written {text:?} refused: {e}"))?;
    if els.first() != Some(&el) {
        return Err(format!("{text:?} reads back as {els:?}"));
    }
    Ok(())
}

/// RFC 3920 §4.1: a stanza may carry whatever children its payload needs: nested elements
/// in any namespace, with attributes and text, read and written back unchanged.
fn stanza_any_children() -> Outcome {
    let payload = "<message to='juliet@example.com' type='chat'>\
        <body xml:lang='en'>hi</body>\
        <x xmlns='urn:example:a' k='v'><y><z>deep</z></y>text</x>\
        <p:e xmlns:p='urn:example:b' p:k='w'/>\
        <html xmlns='http://jabber.org/protocol/xhtml-im'>\
        <body xmlns='http://www.w3.org/1999/xhtml'><p>hi</p></body></html></message>";
    let els = parse(format!("{HEADER}{payload}").as_bytes())
        .map_err(|e| format!("{payload:?} refused: {e}"))?;
    let Some(msg) = els.first() else {
        return Err(format!("{payload:?} read as nothing"));
    };
    let kids: Vec<(String, String)> = msg
        .elements()
        .map(|e| (e.namespace().to_owned(), e.name().to_owned()))
        .collect();
    let want = [
        ("jabber:client", "body"),
        ("urn:example:a", "x"),
        ("urn:example:b", "e"),
        ("http://jabber.org/protocol/xhtml-im", "html"),
    ];
    if kids.len() != want.len()
        || kids
            .iter()
            .zip(want)
            .any(|((ns, n), (wns, wn))| ns != wns || n != wn)
    {
        return Err(format!("children of {payload:?} read as {kids:?}"));
    }
    let deep = msg
        .child("urn:example:a", "x")
        .and_then(|x| x.child("urn:example:a", "y"))
        .and_then(|y| y.child("urn:example:a", "z"))
        .map(|z| z.text().into_owned());
    if deep.as_deref() != Some("deep") {
        return Err(format!("nested x/y/z read as {deep:?}"));
    }
    written(msg, |_| Ok(()))
}

/// RFC 3920 §11.2.2: an implementation may support only jabber:client and jabber:server as
/// default namespaces; this one refuses any other with invalid-namespace.
fn only_client_server_default_ns() -> Outcome {
    for ns in [
        "jabber:component:accept",
        "jabber:clients",
        "urn:example",
        "",
    ] {
        refused(
            &format!("<stream:stream xmlns='{ns}' xmlns:stream='{STREAMS}'>"),
            C::InvalidNamespace,
        )
        .map_err(|e| format!("default namespace {ns:?}: {e}"))?;
    }
    for ns in ["jabber:client", "jabber:server"] {
        accepted(&format!(
            "<stream:stream xmlns='{ns}' xmlns:stream='{STREAMS}'>"
        ))?;
    }
    Ok(())
}

/// The checks of this group.
pub const CHECKS: &[Check] = &[
    Check {
        name: "xml.writer_no_comments",
        run: writer_no_comments,
    },
    Check {
        name: "xml.writer_no_pis",
        run: writer_no_pis,
    },
    Check {
        name: "xml.writer_no_dtd",
        run: writer_no_dtd,
    },
    Check {
        name: "xml.writer_no_entity_refs",
        run: writer_no_entity_refs,
    },
    Check {
        name: "xml.writer_escapes",
        run: writer_escapes,
    },
    Check {
        name: "xml.restricted_received",
        run: restricted_received,
    },
    Check {
        name: "xml.header_requires_streams_ns",
        run: header_requires_streams_ns,
    },
    Check {
        name: "xml.streams_namespace_name",
        run: streams_namespace_name,
    },
    Check {
        name: "xml.stream_elements_prefixed",
        run: stream_elements_prefixed,
    },
    Check {
        name: "xml.header_requires_default_ns",
        run: header_requires_default_ns,
    },
    Check {
        name: "xml.default_namespaces_both",
        run: default_namespaces_both,
    },
    Check {
        name: "xml.content_ns_unprefixed",
        run: content_ns_unprefixed,
    },
    Check {
        name: "xml.client_addresses_optional",
        run: client_addresses_optional,
    },
    Check {
        name: "xml.server_addresses_required",
        run: server_addresses_required,
    },
    Check {
        name: "xml.server_missing_from",
        run: server_missing_from,
    },
    Check {
        name: "xml.writer_unprefixed_content",
        run: writer_unprefixed_content,
    },
    Check {
        name: "xml.dialback_namespace",
        run: dialback_namespace,
    },
    Check {
        name: "xml.dialback_namespace_name",
        run: dialback_namespace_name,
    },
    Check {
        name: "xml.dialback_prefixed",
        run: dialback_prefixed,
    },
    Check {
        name: "xml.not_well_formed_refused",
        run: not_well_formed_refused,
    },
    Check {
        name: "xml.xml_declaration_rules",
        run: xml_declaration_rules,
    },
    Check {
        name: "xml.utf8_supported",
        run: utf8_supported,
    },
    Check {
        name: "xml.other_encodings_refused",
        run: other_encodings_refused,
    },
    Check {
        name: "xml.version_integers",
        run: version_integers,
    },
    Check {
        name: "xml.header_namespaces",
        run: header_namespaces,
    },
    Check {
        name: "xml.stream_error_element",
        run: stream_error_element,
    },
    Check {
        name: "xml.specific_conditions",
        run: specific_conditions,
    },
    Check {
        name: "xml.lang_nmtoken",
        run: lang_nmtoken,
    },
    Check {
        name: "xml.lang_rfc3066",
        run: lang_rfc3066,
    },
    Check {
        name: "xml.writer_dialback_prefix",
        run: writer_dialback_prefix,
    },
    Check {
        name: "xml.stanza_any_children",
        run: stanza_any_children,
    },
    Check {
        name: "xml.only_client_server_default_ns",
        run: only_client_server_default_ns,
    },
];

#[cfg(test)]
mod tests {
    #[test]
    fn every_check_passes() {
        for c in super::CHECKS {
            assert_eq!((c.run)(), Ok(()), "{}", c.name);
        }
    }
}
