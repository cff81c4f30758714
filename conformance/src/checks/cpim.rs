//! Checks proven through `xmpp-cpim`: the RFC 3922 mapping between XMPP and CPIM, each
//! driving the crate's public API with the stanzas and objects of the RFC's sections.

use super::{Check, Outcome, ensure};
use xmpp_core::StanzaErrorCondition;
use xmpp_cpim::address::{Scheme, Uri};
use xmpp_cpim::cpim::{CpimMessage, Limits};
use xmpp_cpim::cpp::{Outcome as CppOutcome, Subscribe, answer, outcome_of};
use xmpp_cpim::pidf::{Basic, PIDF_IM_NS, PIDF_NS, Pidf};
use xmpp_cpim::service::{Resources, Subscriptions};
use xmpp_cpim::{DateTime, DecodeOptions, EncodeOptions, MapError, message, presence};
use xmpp_im::message::{Message, MessageType};
use xmpp_im::presence::{Presence, PresenceType, Show};
use xmpp_jid::{Jid, ResourcePart};
use xmpp_xml::{Event, Parser};

fn element(xml: &str) -> Result<xmpp_xml::Element<'static>, String> {
    let mut p = Parser::document(xmpp_xml::Limits::default());
    p.feed(xml.as_bytes());
    loop {
        match p.next_event() {
            Ok(Some(Event::Stanza(s))) => {
                return s
                    .to_element()
                    .map(xmpp_xml::Element::into_owned)
                    .map_err(|e| e.to_string());
            }
            Ok(Some(_)) => {}
            Ok(None) => return Err(format!("no element in {xml}")),
            Err(e) => return Err(e.to_string()),
        }
    }
}

fn msg(attrs: &str, children: &str) -> Result<Message, String> {
    let xml = format!("<message xmlns='jabber:client' {attrs}>{children}</message>");
    Message::from_element(element(&xml)?.as_ref()).map_err(|e| e.to_string())
}

fn pres(attrs: &str, children: &str) -> Result<Presence, String> {
    let xml = format!("<presence xmlns='jabber:client' {attrs}>{children}</presence>");
    Presence::from_element(element(&xml)?.as_ref()).map_err(|e| e.to_string())
}

const JULIET: &str = "from='juliet@example.com/balcony' to='romeo@example.net/orchard'";

fn cpim_text(obj: &CpimMessage) -> String {
    String::from_utf8_lossy(&obj.to_bytes()).into_owned()
}

fn encode_msg(m: &Message, o: &EncodeOptions) -> Result<String, String> {
    message::to_cpim(m, o)
        .map(|c| cpim_text(&c))
        .map_err(|e| e.to_string())
}

fn encode_pres(p: &Presence, o: &EncodeOptions) -> Result<(String, Pidf), String> {
    let obj = presence::to_cpim(p, o).map_err(|e| e.to_string())?;
    let doc = Pidf::parse(&obj.content.body, 1 << 20).map_err(|e| e.to_string())?;
    Ok((cpim_text(&obj), doc))
}

fn has(text: &str, needle: &str) -> Outcome {
    ensure(text.contains(needle), || {
        format!("{needle:?} not in {text:?}")
    })
}

fn lacks(text: &str, needle: &str) -> Outcome {
    ensure(!text.contains(needle), || format!("{needle:?} in {text:?}"))
}

fn object(text: &str) -> Result<CpimMessage, String> {
    CpimMessage::parse(text.as_bytes(), &Limits::default()).map_err(|e| e.to_string())
}

/// A text message from Romeo to Juliet with extra message headers and content headers.
fn text_object(headers: &str, content_headers: &str, body: &str) -> Result<CpimMessage, String> {
    object(&format!(
        "Content-type: Message/CPIM\r\n\r\nFrom: Romeo Montague <im:romeo@example.net>\r\nTo: Juliet Capulet <im:juliet@example.com>\r\n{headers}\r\n\
         Content-type: text/plain; charset=utf-8\r\n{content_headers}\r\n{body}"
    ))
}

fn decode_msg(obj: &CpimMessage, o: &DecodeOptions) -> Result<Message, String> {
    message::from_cpim(obj, o).map_err(|e| e.to_string())
}

const TUPLE: &str = "<tuple id='orchard'><status><basic>open</basic></status></tuple>";

/// A presence object from Romeo (PIDF entity of Romeo) with extra headers.
fn pidf_object(
    headers: &str,
    content_headers: &str,
    pidf_body: &str,
) -> Result<CpimMessage, String> {
    object(&format!(
        "Content-type: Message/CPIM\r\n\r\nFrom: Romeo Montague <im:romeo@example.net>\r\nTo: Juliet Capulet <im:juliet@example.com>\r\n{headers}\r\n\
         Content-type: application/pidf+xml; charset=utf-8\r\n{content_headers}\r\n\
         <?xml version='1.0' encoding='UTF-8'?><presence xmlns='urn:ietf:params:xml:ns:pidf' xmlns:im='urn:ietf:params:xml:ns:pidf:im' entity='pres:romeo@example.net'>{pidf_body}</presence>"
    ))
}

fn decode_pres(obj: &CpimMessage, o: &DecodeOptions) -> Result<Vec<Presence>, String> {
    presence::from_cpim(obj, o).map_err(|e| e.to_string())
}

fn one(v: Vec<Presence>) -> Result<Presence, String> {
    let n = v.len();
    v.into_iter()
        .next()
        .filter(|_| n == 1)
        .ok_or_else(|| format!("{n} presence stanzas, one expected"))
}

fn jid(s: &str) -> Result<Jid, String> {
    Jid::parse(s).map_err(|e| e.to_string())
}

fn uri(j: &str, scheme: Scheme) -> Result<String, String> {
    Uri::from_jid(&jid(j)?, scheme)
        .map(|u| u.to_string())
        .map_err(|e| e.to_string())
}

fn back(u: &str, scheme: Scheme) -> Result<String, String> {
    Uri::parse(u, scheme)
        .and_then(|u| u.to_jid())
        .map(|j| j.to_string())
        .map_err(|e| e.to_string())
}

fn eq<T: PartialEq + std::fmt::Debug>(got: T, want: T) -> Outcome {
    ensure(got == want, || format!("got {got:?}, expected {want:?}"))
}

fn now() -> Result<EncodeOptions, String> {
    Ok(EncodeOptions {
        now: Some(DateTime::parse("2004-08-01T12:00:00Z").map_err(|e| e.to_string())?),
        ..EncodeOptions::default()
    })
}

fn named() -> EncodeOptions {
    EncodeOptions {
        sender_name: Some("Juliet Capulet".into()),
        recipient_name: Some("Romeo Montague".into()),
        ..EncodeOptions::default()
    }
}

fn unique() -> EncodeOptions {
    EncodeOptions {
        ids_are_unique: true,
        ..EncodeOptions::default()
    }
}

// ------------------------------------------------------------------ §3 addresses

/// 3922-3.2-1: a JID is prepared, so its node is nodeprep's canonical form.
fn address_nodeprep() -> Outcome {
    eq(
        uri("Juliet@Example.COM", Scheme::Im)?,
        "im:juliet@example.com".into(),
    )
}

/// 3922-3.2-x1: the resource is discarded.
fn address_resource_discarded() -> Outcome {
    eq(
        uri("juliet@example.com/balcony", Scheme::Im)?,
        "im:juliet@example.com".into(),
    )
}

/// 3922-3.2-x2: #26; #27; #2f; become & ' / (then percent-encoded by step 4).
fn address_escapes_to_uri() -> Outcome {
    eq(
        uri("a#26;b#27;c#2f;d@example.com", Scheme::Im)?,
        "im:a%26b%27c%2Fd@example.com".into(),
    )
}

/// 3922-3.2-x3: octets outside A-Za-z0-9!$*.?_~+= are percent-encoded.
fn address_percent_encode() -> Outcome {
    eq(
        uri("r\u{e9}mi-x!$*.?_~+=@example.com", Scheme::Im)?,
        "im:r%C3%A9mi%2Dx!$*.?_~+=@example.com".into(),
    )
}

/// 3922-3.2-x4: local@domain.
fn address_local_at_domain() -> Outcome {
    eq(
        uri("romeo@example.net", Scheme::Pres)?,
        "pres:romeo@example.net".into(),
    )
}

/// 3922-3.2-x5: im: for messages, pres: for presence (the PIDF entity).
fn address_scheme_per_stanza() -> Outcome {
    let (t, doc) = encode_pres(&pres(JULIET, "")?, &EncodeOptions::default())?;
    eq(doc.entity.as_str(), "pres:juliet@example.com")?;
    has(&t, "From: <im:juliet@example.com>")?;
    has(
        &encode_msg(&msg(JULIET, "")?, &EncodeOptions::default())?,
        "From: <im:juliet@example.com>",
    )
}

/// 3922-3.3-1: the result is prepared with nodeprep.
fn uri_nodeprep() -> Outcome {
    eq(
        back("im:Romeo@Example.NET", Scheme::Im)?,
        "romeo@example.net".into(),
    )
}

/// 3922-3.3-x1: the scheme is removed (any case).
fn uri_scheme_removed() -> Outcome {
    eq(
        back("IM:romeo@example.net", Scheme::Im)?,
        "romeo@example.net".into(),
    )?;
    ensure(back("sip:romeo@example.net", Scheme::Im).is_err(), || {
        "another scheme accepted".into()
    })
}

/// 3922-3.3-x2: split at the first @ (a second @ is then part of the host, refused).
fn uri_split_first_at() -> Outcome {
    eq(back("im:a@b.example", Scheme::Im)?, "a@b.example".into())?;
    ensure(back("im:a@b@c", Scheme::Im).is_err(), || {
        "a@b@c accepted".into()
    })
}

/// 3922-3.3-x3: %hh decoded, read as UTF-8.
fn uri_percent_decode_utf8() -> Outcome {
    eq(
        back("im:r%C3%A9mi@example.com", Scheme::Im)?,
        "r\u{e9}mi@example.com".into(),
    )?;
    ensure(back("im:%FF@example.com", Scheme::Im).is_err(), || {
        "non-UTF-8 accepted".into()
    })
}

/// 3922-3.3-x4: & ' / become #26; #27; #2f;.
fn uri_escapes_to_jid() -> Outcome {
    eq(
        back("im:a&b'c/d@example.com", Scheme::Im)?,
        "a#26;b#27;c#2f;d@example.com".into(),
    )?;
    eq(
        back("im:a%26b@example.com", Scheme::Im)?,
        "a#26;b@example.com".into(),
    )
}

/// 3922-3.3-x5: local@domain.
fn uri_local_at_domain() -> Outcome {
    eq(
        back("pres:juliet@example.com", Scheme::Pres)?,
        "juliet@example.com".into(),
    )
}

// ------------------------------------------------------------------ §4.1 messages out

/// 3922-4-1: a message becomes a Message/CPIM object with text content.
fn message_as_cpim() -> Outcome {
    let t = encode_msg(&msg(JULIET, "<body>hi</body>")?, &EncodeOptions::default())?;
    ensure(
        t.starts_with("Content-type: Message/CPIM\r\n\r\n") && t.ends_with("\r\n\r\nhi"),
        || t.clone(),
    )
}

/// 3922-4.1-1, 4.1-2: Content-type text/plain; charset=utf-8, stated.
fn message_content_type() -> Outcome {
    has(
        &encode_msg(&msg(JULIET, "<body>hi</body>")?, &EncodeOptions::default())?,
        "\r\nContent-type: text/plain; charset=utf-8\r\n",
    )
}

/// 3922-4.1.1-1a: From is the 'from' without resource, with im:.
fn message_from() -> Outcome {
    has(
        &encode_msg(&msg(JULIET, "")?, &EncodeOptions::default())?,
        "\r\nFrom: <im:juliet@example.com>\r\n",
    )
}

/// 3922-4.1.1-1b: the sender's formal name when known.
fn message_from_formal_name() -> Outcome {
    has(
        &encode_msg(&msg(JULIET, "")?, &named())?,
        "\r\nFrom: Juliet Capulet <im:juliet@example.com>\r\n",
    )
}

/// 3922-4.1.2-2a: To is the 'to' without resource, with im:; no 'to', no mapping.
fn message_to() -> Outcome {
    has(
        &encode_msg(&msg(JULIET, "")?, &EncodeOptions::default())?,
        "\r\nTo: <im:romeo@example.net>\r\n",
    )?;
    let no_to = message::to_cpim(
        &msg("from='juliet@example.com/balcony'", "")?,
        &EncodeOptions::default(),
    );
    ensure(matches!(no_to, Err(MapError::Missing(_))), || {
        format!("{no_to:?}")
    })
}

/// 3922-4.1.2-2b: the recipient's formal name when known.
fn message_to_formal_name() -> Outcome {
    has(
        &encode_msg(&msg(JULIET, "")?, &named())?,
        "\r\nTo: Romeo Montague <im:romeo@example.net>\r\n",
    )
}

/// 3922-4.1.3-2a: by default the id is no Content-ID.
fn message_id_not_content_id() -> Outcome {
    lacks(
        &encode_msg(
            &msg(&format!("{JULIET} id='a1@example.com'"), "")?,
            &EncodeOptions::default(),
        )?,
        "Content-ID",
    )
}

/// 3922-4.1.3-2b: an id known to be unique is the Content-ID.
fn message_unique_id_content_id() -> Outcome {
    has(
        &encode_msg(
            &msg(&format!("{JULIET} id='a1@example.com'"), "")?,
            &unique(),
        )?,
        "\r\nContent-ID: <a1@example.com>\r\n",
    )
}

/// 3922-4.1.4-2: the type is dropped.
fn message_type_dropped() -> Outcome {
    let chat = encode_msg(
        &msg(&format!("{JULIET} type='chat'"), "<body>x</body>")?,
        &EncodeOptions::default(),
    )?;
    eq(
        chat,
        encode_msg(&msg(JULIET, "<body>x</body>")?, &EncodeOptions::default())?,
    )
}

/// 3922-4.1.5-2: the thread is dropped.
fn message_thread_dropped() -> Outcome {
    let t = encode_msg(
        &msg(JULIET, "<body>x</body><thread>th1</thread>")?,
        &EncodeOptions::default(),
    )?;
    lacks(&t, "th1")
}

/// 3922-4.1.6-2: the subject text is the Subject header.
fn message_subject() -> Outcome {
    has(
        &encode_msg(
            &msg(JULIET, "<subject>Hi!</subject>")?,
            &EncodeOptions::default(),
        )?,
        "\r\nSubject: Hi!\r\n",
    )
}

/// 3922-4.1.6-4: xml:lang becomes ;lang= after the colon.
fn message_subject_lang() -> Outcome {
    has(
        &encode_msg(
            &msg(JULIET, "<subject xml:lang='cz'>Ahoj!</subject>")?,
            &EncodeOptions::default(),
        )?,
        "\r\nSubject:;lang=cz Ahoj!\r\n",
    )
}

/// 3922-4.1.7-x1: the body is the text content.
fn message_body() -> Outcome {
    let t = encode_msg(
        &msg(JULIET, "<body>Wherefore art thou, Romeo?</body>")?,
        &EncodeOptions::default(),
    )?;
    ensure(
        t.ends_with("charset=utf-8\r\n\r\nWherefore art thou, Romeo?"),
        || t.clone(),
    )
}

/// 3922-4.1.8-1: extension content is not carried; an xmpp-e2e payload is left to RFC 3923.
fn message_extensions_dropped() -> Outcome {
    lacks(
        &encode_msg(
            &msg(JULIET, "<body>x</body><x xmlns='urn:example'>secret</x>")?,
            &EncodeOptions::default(),
        )?,
        "secret",
    )?;
    let e2e = message::to_cpim(
        &msg(JULIET, "<e2e xmlns='urn:ietf:params:xml:ns:xmpp-e2e'/>")?,
        &EncodeOptions::default(),
    );
    ensure(e2e == Err(MapError::EndToEnd), || format!("{e2e:?}"))
}

/// 3922-4.1.9-1: the gateway adds a DateTime header from its own time.
fn message_datetime() -> Outcome {
    has(
        &encode_msg(&msg(JULIET, "")?, &now()?)?,
        "\r\nDateTime: 2004-08-01T12:00:00Z\r\n",
    )
}

// ------------------------------------------------------------------ §4.2 messages in

/// 3922-4.2.1-1: 'from' is From without im: and formal name.
fn decode_from() -> Outcome {
    let m = decode_msg(&text_object("", "", "x")?, &DecodeOptions::default())?;
    eq(
        m.envelope.from.map(|j| j.to_string()),
        Some("romeo@example.net".into()),
    )
}

/// 3922-4.2.2-1: 'to' is To without im: and formal name.
fn decode_to() -> Outcome {
    let m = decode_msg(&text_object("", "", "x")?, &DecodeOptions::default())?;
    eq(
        m.envelope.to.map(|j| j.to_string()),
        Some("juliet@example.com".into()),
    )
}

fn balcony() -> Result<DecodeOptions, String> {
    Ok(DecodeOptions {
        recipient_resource: Some(ResourcePart::new("balcony").map_err(|e| e.to_string())?),
        ..DecodeOptions::default()
    })
}

/// 3922-4.2.2-2: a known resource is added to 'to'.
fn decode_to_resource() -> Outcome {
    let m = decode_msg(&text_object("", "", "x")?, &balcony()?)?;
    eq(
        m.envelope.to.map(|j| j.to_string()),
        Some("juliet@example.com/balcony".into()),
    )
}

fn plain_message() -> Result<Message, String> {
    decode_msg(&text_object("", "", "x")?, &DecodeOptions::default())
}

/// 3922-4.2.3-1: cc is not passed on.
fn decode_cc_dropped() -> Outcome {
    eq(
        decode_msg(
            &text_object("cc: <im:nurse@example.com>\r\n", "", "x")?,
            &DecodeOptions::default(),
        )?,
        plain_message()?,
    )
}

/// 3922-4.2.4-1: DateTime is not passed on.
fn decode_datetime_dropped() -> Outcome {
    eq(
        decode_msg(
            &text_object("DateTime: 2000-12-13T13:40:00-08:00\r\n", "", "x")?,
            &DecodeOptions::default(),
        )?,
        plain_message()?,
    )
}

/// 3922-4.2.5-1: Subject becomes <subject/>.
fn decode_subject() -> Outcome {
    let m = decode_msg(
        &text_object("Subject: Hi!\r\n", "", "x")?,
        &DecodeOptions::default(),
    )?;
    eq(m.subject.get(""), Some(&"Hi!".to_owned()))
}

/// 3922-4.2.5-3: ;lang= becomes xml:lang.
fn decode_subject_lang() -> Outcome {
    let m = decode_msg(
        &text_object("Subject:;lang=cz Ahoj!\r\n", "", "x")?,
        &DecodeOptions::default(),
    )?;
    eq(m.subject.get("cz"), Some(&"Ahoj!".to_owned()))
}

/// 3922-4.2.6-2: NS headers (and the headers of their namespace) are not passed on.
fn decode_ns_dropped() -> Outcome {
    let m = decode_msg(
        &text_object(
            "NS: MyFeatures <mid:MessageFeatures@id.foo.com>\r\nMyFeatures.WackyMessageOption: Use-silly-font\r\n",
            "",
            "x",
        )?,
        &DecodeOptions::default(),
    )?;
    eq(m, plain_message()?)
}

/// 3922-4.2.7-2: a Require header gives an error for the sender.
fn decode_require_error() -> Outcome {
    let r = message::from_cpim(
        &text_object("Require: Locale.MustRenderKanji\r\n", "", "x")?,
        &DecodeOptions::default(),
    );
    eq(
        r,
        Err(MapError::Require(vec!["Locale.MustRenderKanji".into()])),
    )
}

/// 3922-4.2.8-1: the Content-ID is the message id.
fn decode_content_id() -> Outcome {
    let m = decode_msg(
        &text_object("", "Content-ID: <123456789@example.net>\r\n", "x")?,
        &DecodeOptions::default(),
    )?;
    eq(m.envelope.id.as_deref(), Some("123456789@example.net"))
}

/// 3922-4.2.9-1a, 4.2.9-1b: other content is refused, never the body.
fn decode_non_text_refused() -> Outcome {
    let obj = object(
        "Content-type: Message/CPIM\r\n\r\nFrom: <im:romeo@example.net>\r\nTo: <im:juliet@example.com>\r\n\r\nContent-type: text/html\r\n\r\n<b>x</b>",
    )?;
    let r = message::from_cpim(&obj, &DecodeOptions::default());
    eq(r, Err(MapError::ContentType("text/html".into())))
}

/// 3922-4.2.9-2a: US-ASCII (also by default) and UTF-8 are mapped.
fn decode_charsets() -> Outcome {
    for ct in [
        "text/plain",
        "text/plain; charset=US-ASCII",
        "text/plain; charset=\"utf-8\"",
    ] {
        let obj = object(&format!(
            "Content-type: Message/CPIM\r\n\r\nFrom: <im:romeo@example.net>\r\nTo: <im:juliet@example.com>\r\n\r\nContent-type: {ct}\r\n\r\nhi"
        ))?;
        let m = decode_msg(&obj, &DecodeOptions::default())?;
        eq(m.body.get(""), Some(&"hi".to_owned()))?;
    }
    Ok(())
}

/// 3922-4.2.9-2b: other charsets are not mapped.
fn decode_other_charset_refused() -> Outcome {
    let obj = object(
        "Content-type: Message/CPIM\r\n\r\nFrom: <im:romeo@example.net>\r\nTo: <im:juliet@example.com>\r\n\r\nContent-type: text/plain; charset=ISO-8859-1\r\n\r\nhi",
    )?;
    let r = message::from_cpim(&obj, &DecodeOptions::default());
    eq(r, Err(MapError::Charset("iso-8859-1".into())))
}

/// 3922-4.2.10-1: the type is the gateway's choice.
fn decode_message_type() -> Outcome {
    let o = DecodeOptions {
        message_type: MessageType::Chat,
        ..DecodeOptions::default()
    };
    eq(
        decode_msg(&text_object("", "", "x")?, &o)?.kind,
        MessageType::Chat,
    )?;
    eq(plain_message()?.kind, MessageType::Normal)
}

// ------------------------------------------------------------------ §5.1 presence out

/// 3922-5-1: presence becomes a Message/CPIM object with a PIDF document.
fn presence_as_pidf() -> Outcome {
    let (t, doc) = encode_pres(&pres(JULIET, "")?, &EncodeOptions::default())?;
    ensure(t.starts_with("Content-type: Message/CPIM\r\n\r\n"), || {
        t.clone()
    })?;
    eq(doc.tuples.len(), 1)
}

/// 3922-5.1-1, 5.1-2: Content-type application/pidf+xml; charset=utf-8.
fn presence_content_type() -> Outcome {
    has(
        &encode_pres(&pres(JULIET, "")?, &EncodeOptions::default())?.0,
        "\r\nContent-type: application/pidf+xml; charset=utf-8\r\n",
    )
}

/// 3922-5.1.1-1a: From without resource, with im:.
fn presence_from() -> Outcome {
    has(
        &encode_pres(&pres(JULIET, "")?, &EncodeOptions::default())?.0,
        "\r\nFrom: <im:juliet@example.com>\r\n",
    )
}

/// 3922-5.1.1-1b: the sender's formal name when known.
fn presence_from_formal_name() -> Outcome {
    has(
        &encode_pres(&pres(JULIET, "")?, &named())?.0,
        "\r\nFrom: Juliet Capulet <im:juliet@example.com>\r\n",
    )
}

/// 3922-5.1.1-2: entity is the bare JID with pres:.
fn presence_entity() -> Outcome {
    eq(
        encode_pres(&pres(JULIET, "")?, &EncodeOptions::default())?
            .1
            .entity,
        "pres:juliet@example.com".into(),
    )
}

/// 3922-5.1.1-3: the resource is the tuple id (and one an xs:ID cannot hold still has an id).
fn presence_tuple_id() -> Outcome {
    eq(
        encode_pres(&pres(JULIET, "")?, &EncodeOptions::default())?
            .1
            .tuples[0]
            .id
            .as_str(),
        "balcony",
    )?;
    let odd = pres(
        "from='juliet@example.com/2nd phone' to='romeo@example.net'",
        "",
    )?;
    eq(
        encode_pres(&odd, &EncodeOptions::default())?.1.tuples[0]
            .id
            .as_str(),
        "_xmpp.2nd_20phone",
    )
}

/// 3922-5.1.2-2, 5.1.2-3a: To without resource, with im:.
fn presence_to() -> Outcome {
    has(
        &encode_pres(&pres(JULIET, "")?, &EncodeOptions::default())?.0,
        "\r\nTo: <im:romeo@example.net>\r\n",
    )
}

/// 3922-5.1.2-3b: the recipient's formal name when known.
fn presence_to_formal_name() -> Outcome {
    has(
        &encode_pres(&pres(JULIET, "")?, &named())?.0,
        "\r\nTo: Romeo Montague <im:romeo@example.net>\r\n",
    )
}

/// 3922-5.1.3-2a: by default the id is no Content-ID.
fn presence_id_not_content_id() -> Outcome {
    lacks(
        &encode_pres(
            &pres(&format!("{JULIET} id='p1@example.com'"), "")?,
            &EncodeOptions::default(),
        )?
        .0,
        "Content-ID",
    )
}

/// 3922-5.1.3-2b: a unique id is the Content-ID.
fn presence_unique_id_content_id() -> Outcome {
    has(
        &encode_pres(
            &pres(&format!("{JULIET} id='p1@example.com'"), "")?,
            &unique(),
        )?
        .0,
        "\r\nContent-ID: <p1@example.com>\r\n",
    )
}

/// 3922-5.1.4-x1: no type is open.
fn presence_open() -> Outcome {
    eq(
        encode_pres(&pres(JULIET, "")?, &EncodeOptions::default())?
            .1
            .tuples[0]
            .status
            .basic,
        Some(Basic::Open),
    )
}

/// 3922-5.1.4-x2: unavailable is closed.
fn presence_closed() -> Outcome {
    eq(
        encode_pres(
            &pres(&format!("{JULIET} type='unavailable'"), "")?,
            &EncodeOptions::default(),
        )?
        .1
        .tuples[0]
            .status
            .basic,
        Some(Basic::Closed),
    )
}

/// 3922-5.1.5-x1: show is <im:im> in the pidf:im namespace.
fn presence_show() -> Outcome {
    let doc = encode_pres(
        &pres(JULIET, "<show>away</show>")?,
        &EncodeOptions::default(),
    )?
    .1;
    let im = doc.tuples[0]
        .status
        .extensions
        .iter()
        .find(|e| e.is(PIDF_IM_NS, "im"));
    eq(im.map(|e| e.text().into_owned()), Some("away".into()))
}

/// 3922-5.1.6-x1: status is the tuple's note.
fn presence_status_note() -> Outcome {
    let doc = encode_pres(
        &pres(
            JULIET,
            "<status>retired to the chamber</status><status xml:lang='fr'>au lit</status>",
        )?,
        &EncodeOptions::default(),
    )?
    .1;
    let notes: Vec<(Option<&str>, &str)> = doc.tuples[0]
        .notes
        .iter()
        .map(|n| (n.lang.as_deref(), n.text.as_str()))
        .collect();
    eq(
        notes,
        vec![(None, "retired to the chamber"), (Some("fr"), "au lit")],
    )
}

fn contact_priority(p: &str) -> Result<Option<String>, String> {
    let doc = encode_pres(
        &pres(JULIET, &format!("<priority>{p}</priority>"))?,
        &EncodeOptions::default(),
    )?
    .1;
    Ok(doc.tuples[0]
        .contact
        .as_ref()
        .and_then(|c| c.priority)
        .map(|q| q.to_string()))
}

/// 3922-5.1.7-2: the priority is the contact's priority.
fn presence_priority() -> Outcome {
    eq(contact_priority("13")?, Some("0.102".into()))
}

/// 3922-5.1.7-3: a negative priority is not mapped.
fn presence_negative_priority() -> Outcome {
    eq(contact_priority("-1")?, None)?;
    eq(contact_priority("-128")?, None)
}

/// 3922-5.1.7-4: 0 to 0, 127 to 1, distinct values between.
fn presence_priority_scale() -> Outcome {
    eq(contact_priority("0")?, Some("0".into()))?;
    eq(contact_priority("127")?, Some("1".into()))?;
    let mut seen = std::collections::BTreeSet::new();
    for p in 0..=127i8 {
        seen.insert(xmpp_cpim::priority::to_pidf(p));
    }
    eq(seen.len(), 128)
}

/// 3922-5.1.8-1: extension content is not carried; xmpp-e2e is left to RFC 3923.
fn presence_extensions_dropped() -> Outcome {
    lacks(
        &encode_pres(
            &pres(JULIET, "<x xmlns='urn:example'>secret</x>")?,
            &EncodeOptions::default(),
        )?
        .0,
        "secret",
    )?;
    let e2e = presence::to_cpim(
        &pres(JULIET, "<e2e xmlns='urn:ietf:params:xml:ns:xmpp-e2e'/>")?,
        &EncodeOptions::default(),
    );
    ensure(e2e == Err(MapError::EndToEnd), || format!("{e2e:?}"))
}

/// 3922-5.1.9.1-1: the gateway adds DateTime from its own time.
fn presence_datetime() -> Outcome {
    has(
        &encode_pres(&pres(JULIET, "")?, &now()?)?.0,
        "\r\nDateTime: 2004-08-01T12:00:00Z\r\n",
    )
}

/// 3922-5.1.9.2-1a, 5.1.9.2-1b: a contact holding the sender's im: user@host.
fn presence_contact() -> Outcome {
    let doc = encode_pres(
        &pres(JULIET, "<priority>1</priority>")?,
        &EncodeOptions::default(),
    )?
    .1;
    eq(
        doc.tuples[0].contact.as_ref().map(|c| c.uri.as_str()),
        Some("im:juliet@example.com"),
    )
}

/// 3922-5.1.9.2-2: a timestamp from the gateway's time.
fn presence_timestamp() -> Outcome {
    let doc = encode_pres(&pres(JULIET, "")?, &now()?)?.1;
    eq(
        doc.tuples[0].timestamp.as_ref().map(|t| t.as_str()),
        Some("2004-08-01T12:00:00Z"),
    )
}

// ------------------------------------------------------------------ §5.2 presence in

/// 3922-5.2-1: only application/pidf+xml content becomes presence.
fn decode_presence_pidf_only() -> Outcome {
    let r = presence::from_cpim(&text_object("", "", "x")?, &DecodeOptions::default());
    eq(r, Err(MapError::ContentType("text/plain".into())))
}

/// 3922-5.2.1-1: 'from' is From plus '/' and the tuple id.
fn decode_presence_from() -> Outcome {
    let p = one(decode_pres(
        &pidf_object("", "", TUPLE)?,
        &DecodeOptions::default(),
    )?)?;
    eq(
        p.envelope.from.map(|j| j.to_string()),
        Some("romeo@example.net/orchard".into()),
    )
}

/// 3922-5.2.2-1: 'to' is To without im: and formal name.
fn decode_presence_to() -> Outcome {
    let p = one(decode_pres(
        &pidf_object("", "", TUPLE)?,
        &DecodeOptions::default(),
    )?)?;
    eq(
        p.envelope.to.map(|j| j.to_string()),
        Some("juliet@example.com".into()),
    )
}

/// 3922-5.2.2-2: a known resource is added to 'to'.
fn decode_presence_to_resource() -> Outcome {
    let p = one(decode_pres(&pidf_object("", "", TUPLE)?, &balcony()?)?)?;
    eq(
        p.envelope.to.map(|j| j.to_string()),
        Some("juliet@example.com/balcony".into()),
    )
}

/// 3922-5.2.3-1 to 5.2.7-2: cc, DateTime, Subject, NS and Require are not passed on.
fn decode_presence_headers_dropped() -> Outcome {
    let plain = decode_pres(&pidf_object("", "", TUPLE)?, &DecodeOptions::default())?;
    let headers = "cc: <im:nurse@example.com>\r\nDateTime: 2000-12-13T13:40:00-08:00\r\nSubject: s\r\nNS: F <mid:f@example.com>\r\nF.X: y\r\nRequire: F.X\r\n";
    eq(
        decode_pres(&pidf_object(headers, "", TUPLE)?, &DecodeOptions::default())?,
        plain,
    )
}

/// 3922-5.2.8-1: the Content-ID is the presence id.
fn decode_presence_content_id() -> Outcome {
    let p = one(decode_pres(
        &pidf_object("", "Content-ID: <123456789@example.net>\r\n", TUPLE)?,
        &DecodeOptions::default(),
    )?)?;
    eq(p.envelope.id.as_deref(), Some("123456789@example.net"))
}

/// 3922-5.2.9-x1: open is no type.
fn decode_open() -> Outcome {
    eq(
        one(decode_pres(
            &pidf_object("", "", TUPLE)?,
            &DecodeOptions::default(),
        )?)?
        .kind,
        PresenceType::Available,
    )
}

/// 3922-5.2.9-x2: closed is unavailable.
fn decode_closed() -> Outcome {
    let t = TUPLE.replace("open", "closed");
    eq(
        one(decode_pres(
            &pidf_object("", "", &t)?,
            &DecodeOptions::default(),
        )?)?
        .kind,
        PresenceType::Unavailable,
    )
}

/// 3922-5.2.11-x1: the tuple's note is the status.
fn decode_note_status() -> Outcome {
    let t = "<tuple id='orchard'><status><basic>open</basic><im:im>away</im:im></status><note>Wooing Juliet</note><note xml:lang='fr'>Courtise</note></tuple>";
    let p = one(decode_pres(
        &pidf_object("", "", t)?,
        &DecodeOptions::default(),
    )?)?;
    eq(p.status.get(""), Some(&"Wooing Juliet".to_owned()))?;
    eq(p.status.get("fr"), Some(&"Courtise".to_owned()))?;
    eq(p.show, Some(Show::Away))
}

/// 3922-5.2.11-2b: no tuple but notes: not mapped.
fn decode_notes_without_tuple() -> Outcome {
    let r = presence::from_cpim(
        &pidf_object("", "", "<note>away</note>")?,
        &DecodeOptions::default(),
    );
    eq(r, Err(MapError::NotesWithoutTuple))
}

/// 3922-5.2.12-1: the contact text is not passed on.
fn decode_contact_dropped() -> Outcome {
    let t = "<tuple id='orchard'><status><basic>open</basic></status><contact>im:romeo@elsewhere.example</contact></tuple>";
    let p = one(decode_pres(
        &pidf_object("", "", t)?,
        &DecodeOptions::default(),
    )?)?;
    let mut xml = Vec::new();
    p.to_element()
        .write_to(&mut xml)
        .map_err(|e| e.to_string())?;
    lacks(&String::from_utf8_lossy(&xml), "elsewhere")
}

fn pidf_priority(q: &str) -> Result<Option<i8>, String> {
    let t = format!(
        "<tuple id='orchard'><status><basic>open</basic></status><contact priority='{q}'>im:romeo@example.net</contact></tuple>"
    );
    Ok(one(decode_pres(
        &pidf_object("", "", &t)?,
        &DecodeOptions::default(),
    )?)?
    .priority)
}

/// 3922-5.2.13-2: the contact priority is the XMPP priority.
fn decode_priority() -> Outcome {
    eq(pidf_priority("0.102")?, Some(13))
}

/// 3922-5.2.13-3: never negative.
fn decode_priority_not_negative() -> Outcome {
    for t in 0..=1000u16 {
        let q = xmpp_cpim::priority::Qvalue::from_thousandths(t).ok_or("qvalue")?;
        let p = xmpp_cpim::priority::to_xmpp(q);
        ensure(p >= 0, || format!("{q} gave {p}"))?;
    }
    eq(pidf_priority("0")?, Some(0))
}

/// 3922-5.2.13-4: 0 to 0, 1 to 127, the RFC's ranges between.
fn decode_priority_scale() -> Outcome {
    eq(pidf_priority("1")?, Some(127))?;
    eq(pidf_priority("0.001")?, Some(1))?;
    eq(pidf_priority("0.007")?, Some(1))?;
    eq(pidf_priority("0.008")?, Some(2))?;
    eq(pidf_priority("0.015")?, Some(2))?;
    eq(pidf_priority("0.992")?, Some(126))?;
    eq(pidf_priority("0.999")?, Some(126))
}

/// 3922-5.2.14-1: the timestamp is not passed on.
fn decode_timestamp_dropped() -> Outcome {
    let t = "<tuple id='orchard'><status><basic>open</basic></status><timestamp>2001-10-27T16:49:29Z</timestamp></tuple>";
    eq(
        decode_pres(&pidf_object("", "", t)?, &DecodeOptions::default())?,
        decode_pres(&pidf_object("", "", TUPLE)?, &DecodeOptions::default())?,
    )
}

/// 3922-5.2.15-1: the whole PIDF document attached as an extension.
fn decode_attach_pidf() -> Outcome {
    let o = DecodeOptions {
        attach_pidf: true,
        ..DecodeOptions::default()
    };
    let p = one(decode_pres(&pidf_object("", "", TUPLE)?, &o)?)?;
    ensure(
        p.extensions.iter().any(|e| e.is(PIDF_NS, "presence")),
        || format!("{:?}", p.extensions),
    )
}

// ------------------------------------------------------------------ §6 presence service

/// 3922-6-1: the gateway's presence-service mapping exists (subscribe operations).
fn cpp_service() -> Outcome {
    Subscribe::from_presence(&pres(
        "from='juliet@example.com/balcony' to='romeo@example.net' type='subscribe' id='s1'",
        "",
    )?)
    .map(|_| ())
    .map_err(|e| e.to_string())
}

fn op(kind: &str) -> Result<Subscribe, String> {
    Subscribe::from_presence(&pres(
        &format!("from='juliet@example.com/balcony' to='romeo@example.net' type='{kind}' id='s1'"),
        "",
    )?)
    .map_err(|e| e.to_string())
}

fn watcher_target(kind: &str) -> Outcome {
    let s = op(kind)?;
    eq(
        (s.watcher.as_str(), s.target.as_str()),
        ("pres:juliet@example.com", "pres:romeo@example.net"),
    )
}

/// 3922-6.1-2 to 6.1-5: 'from' is the watcher, 'to' the target, both pres: user@host.
fn cpp_subscribe_watcher_target() -> Outcome {
    watcher_target("subscribe")?;
    eq(op("subscribe")?.duration, None)
}

/// 3922-6.1-6, 6.4-7, 6.5-6: the id is the TransID.
fn cpp_trans_id() -> Outcome {
    for kind in ["subscribe", "unsubscribe", "unsubscribed"] {
        eq(op(kind)?.trans_id.as_deref(), Some("s1"))?;
    }
    Ok(())
}

fn requester() -> Result<Presence, String> {
    pres(
        "from='juliet@example.com/balcony' to='romeo@example.net' type='subscribe' id='s1'",
        "",
    )
}

/// 3922-6.1-9a: a refusal is unsubscribed to the requester.
fn cpp_denied() -> Outcome {
    let a = answer(&requester()?, CppOutcome::Denied);
    eq(a.kind, PresenceType::Unsubscribed)?;
    eq(
        a.envelope.to.map(|j| j.to_string()),
        Some("juliet@example.com/balcony".into()),
    )
}

fn error_of(outcome: CppOutcome) -> Option<StanzaErrorCondition> {
    let r = requester().ok()?;
    answer(&r, outcome).error.map(|e| e.condition)
}

/// 3922-6.1-10, 6.4-8: an unknown target is item-not-found.
fn cpp_unknown_target() -> Outcome {
    eq(
        error_of(CppOutcome::UnknownTarget),
        Some(StanzaErrorCondition::ItemNotFound),
    )
}

/// 3922-6.1-11: access refused is forbidden.
fn cpp_forbidden() -> Outcome {
    eq(
        error_of(CppOutcome::Forbidden),
        Some(StanzaErrorCondition::Forbidden),
    )
}

/// 3922-6.1-12: a clash is conflict.
fn cpp_conflict() -> Outcome {
    eq(
        error_of(CppOutcome::Conflict),
        Some(StanzaErrorCondition::Conflict),
    )
}

fn incoming() -> Result<Presence, String> {
    let s = Subscribe {
        watcher: Uri::parse("pres:romeo@example.net", Scheme::Pres).map_err(|e| e.to_string())?,
        target: Uri::parse("pres:juliet@example.com", Scheme::Pres).map_err(|e| e.to_string())?,
        duration: Some(3600),
        trans_id: Some("t42".into()),
    };
    s.to_presence().map_err(|e| e.to_string())
}

/// 3922-6.2-1b: a subscribe presence from the watcher to the XMPP entity.
fn cpp_incoming_subscribe() -> Outcome {
    eq(incoming()?.kind, PresenceType::Subscribe)
}

/// 3922-6.2-2 to 6.2-5: watcher is 'from', target 'to', pres: removed.
fn cpp_incoming_addresses() -> Outcome {
    let p = incoming()?;
    eq(
        (
            p.envelope.from.map(|j| j.to_string()),
            p.envelope.to.map(|j| j.to_string()),
        ),
        (
            Some("romeo@example.net".into()),
            Some("juliet@example.com".into()),
        ),
    )
}

/// 3922-6.2-6: TransID is the id.
fn cpp_incoming_trans_id() -> Outcome {
    eq(incoming()?.envelope.id.as_deref(), Some("t42"))
}

/// 3922-6.2-13: the XMPP entity's failure replies become the outcome reported to the
/// non-XMPP watcher.
fn cpp_failure_reported() -> Outcome {
    let reply = |cond: &str| {
        pres(
            "from='juliet@example.com' to='romeo@example.net' type='error'",
            &format!(
                "<error type='cancel'><{cond} xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>"
            ),
        )
    };
    eq(
        outcome_of(&reply("item-not-found")?),
        Some(CppOutcome::UnknownTarget),
    )?;
    eq(
        outcome_of(&reply("forbidden")?),
        Some(CppOutcome::Forbidden),
    )?;
    eq(outcome_of(&reply("conflict")?), Some(CppOutcome::Conflict))?;
    eq(
        outcome_of(&reply("internal-server-error")?),
        Some(CppOutcome::Failed),
    )?;
    eq(
        outcome_of(&pres(
            "from='juliet@example.com' to='romeo@example.net' type='subscribed'",
            "",
        )?),
        Some(CppOutcome::Approved),
    )
}

/// 3922-6.3.1-2a: several tuples, one presence each.
fn decode_tuples_split() -> Outcome {
    let t = format!("{TUPLE}<tuple id='home'><status><basic>closed</basic></status></tuple>");
    let v = decode_pres(&pidf_object("", "", &t)?, &DecodeOptions::default())?;
    let froms: Vec<String> = v
        .iter()
        .filter_map(|p| p.envelope.from.as_ref().map(|j| j.to_string()))
        .collect();
    eq(
        froms,
        vec![
            "romeo@example.net/orchard".into(),
            "romeo@example.net/home".into(),
        ],
    )
}

/// 3922-6.3.1-2b: several resources of one user in one document, a tuple each.
fn presence_resources_one_document() -> Outcome {
    let a = pres(
        "from='juliet@example.com/balcony' to='romeo@example.net'",
        "",
    )?;
    let b = pres(
        "from='juliet@example.com/chamber' to='romeo@example.net' type='unavailable'",
        "",
    )?;
    let doc =
        presence::to_pidf_all(&[a, b], &EncodeOptions::default()).map_err(|e| e.to_string())?;
    let ids: Vec<&str> = doc.tuples.iter().map(|t| t.id.as_str()).collect();
    eq(ids, vec!["balcony", "chamber"])?;
    eq(doc.entity.as_str(), "pres:juliet@example.com")
}

/// 3922-6.3.2-1: no tuple: a presence from the bare address.
fn decode_zero_tuples() -> Outcome {
    let p = one(decode_pres(
        &pidf_object("", "", "")?,
        &DecodeOptions::default(),
    )?)?;
    eq(
        p.envelope.from.map(|j| j.to_string()),
        Some("romeo@example.net".into()),
    )
}

/// 3922-6.3.2-2: every document written has a tuple, also for a bare sender.
fn presence_never_zero_tuples() -> Outcome {
    for from in ["juliet@example.com/balcony", "juliet@example.com"] {
        let doc = encode_pres(
            &pres(&format!("from='{from}' to='romeo@example.net'"), "")?,
            &EncodeOptions::default(),
        )?
        .1;
        eq(doc.tuples.len(), 1)?;
    }
    Ok(())
}

/// 3922-6.4-2 to 6.4-6: unsubscribe: watcher and target with pres:, duration zero.
fn cpp_unsubscribe() -> Outcome {
    watcher_target("unsubscribe")?;
    eq(op("unsubscribe")?.duration, Some(0))
}

/// 3922-6.5-2 to 6.5-5b: unsubscribed: watcher and target with pres:, duration zero.
fn cpp_unsubscribed() -> Outcome {
    watcher_target("unsubscribed")?;
    eq(op("unsubscribed")?.duration, Some(0))
}

// ------------------------------------------------------------------ §6 service state

fn bare(s: &str) -> Result<xmpp_jid::BareJid, String> {
    xmpp_jid::BareJid::parse(s).map_err(|e| e.to_string())
}

fn romeo_update(kind: &str) -> Result<Presence, String> {
    pres(
        &format!("from='romeo@example.net/orchard' to='gateway.example.com' {kind}"),
        "",
    )
}

fn notified(s: &Subscriptions, kind: &str) -> Result<Vec<String>, String> {
    Ok(s.notifications(&romeo_update(kind)?)
        .iter()
        .filter_map(|p| p.envelope.to.as_ref().map(|j| j.to_string()))
        .collect())
}

/// 3922-6.1-7, 6.2-8: on approval, subscribed to the requester and the target's current
/// presence to the watcher.
fn service_approved_notifies() -> Outcome {
    let (w, t) = (bare("juliet@example.com")?, bare("romeo@example.net")?);
    let mut s = Subscriptions::new();
    s.request(&w, &t).map_err(|o| format!("{o:?}"))?;
    ensure(s.answer(&w, &t, true), || {
        "not active after approval".into()
    })?;
    eq(
        answer(&requester()?, CppOutcome::Approved).kind,
        PresenceType::Subscribed,
    )?;
    eq(notified(&s, "")?, vec!["juliet@example.com".into()])
}

/// 3922-6.1-8, 6.2-9, 6.4-9, 6.5-7: every change is notified until the subscription
/// ends, none after.
fn service_notifies_until_cancelled() -> Outcome {
    let (w, t) = (bare("juliet@example.com")?, bare("romeo@example.net")?);
    let mut s = Subscriptions::new();
    s.request(&w, &t).map_err(|o| format!("{o:?}"))?;
    s.answer(&w, &t, true);
    eq(notified(&s, "")?.len(), 1)?;
    eq(notified(&s, "type='unavailable'")?.len(), 1)?;
    ensure(s.cancel(&w, &t), || "nothing to cancel".into())?;
    eq(notified(&s, "")?.len(), 0)
}

/// 3922-6.1-9b, 6.2-11: after a refusal, no notification.
fn service_refused_no_notify() -> Outcome {
    let (w, t) = (bare("juliet@example.com")?, bare("romeo@example.net")?);
    let mut s = Subscriptions::new();
    s.request(&w, &t).map_err(|o| format!("{o:?}"))?;
    eq(notified(&s, "")?.len(), 0)?;
    ensure(!s.answer(&w, &t, false), || "active after refusal".into())?;
    eq(notified(&s, "")?.len(), 0)
}

/// 3922-6.3.1-3: a presence is emitted only when a tuple's availability changes.
fn service_only_changes() -> Outcome {
    let mut r = Resources::new();
    let open = romeo_update("")?;
    ensure(r.update(&open), || "first presence not a change".into())?;
    ensure(!r.update(&open), || {
        "same availability taken as a change".into()
    })?;
    ensure(r.update(&romeo_update("type='unavailable'")?), || {
        "closed not a change".into()
    })
}

/// 3922-6.3.1-4: the document sent covers every resource, also when one changed.
fn service_document_all_resources() -> Outcome {
    let mut r = Resources::new();
    r.update(&pres("from='juliet@example.com/balcony'", "")?);
    r.update(&pres("from='juliet@example.com/chamber'", "")?);
    r.update(&pres(
        "from='juliet@example.com/balcony' type='unavailable'",
        "",
    )?);
    let doc = r
        .document(&bare("juliet@example.com")?, &EncodeOptions::default())
        .map_err(|e| e.to_string())?;
    let tuples: Vec<(&str, Option<Basic>)> = doc
        .tuples
        .iter()
        .map(|t| (t.id.as_str(), t.status.basic))
        .collect();
    eq(
        tuples,
        vec![
            ("balcony", Some(Basic::Closed)),
            ("chamber", Some(Basic::Open)),
        ],
    )
}

macro_rules! checks {
    ($($name:literal => $f:ident),* $(,)?) => {
        /// The checks of this module.
        pub const CHECKS: &[Check] = &[$(Check { name: $name, run: $f }),*];
    };
}

checks! {
    "cpim.address_nodeprep" => address_nodeprep,
    "cpim.address_resource_discarded" => address_resource_discarded,
    "cpim.address_escapes_to_uri" => address_escapes_to_uri,
    "cpim.address_percent_encode" => address_percent_encode,
    "cpim.address_local_at_domain" => address_local_at_domain,
    "cpim.address_scheme_per_stanza" => address_scheme_per_stanza,
    "cpim.uri_nodeprep" => uri_nodeprep,
    "cpim.uri_scheme_removed" => uri_scheme_removed,
    "cpim.uri_split_first_at" => uri_split_first_at,
    "cpim.uri_percent_decode_utf8" => uri_percent_decode_utf8,
    "cpim.uri_escapes_to_jid" => uri_escapes_to_jid,
    "cpim.uri_local_at_domain" => uri_local_at_domain,
    "cpim.message_as_cpim" => message_as_cpim,
    "cpim.message_content_type" => message_content_type,
    "cpim.message_from" => message_from,
    "cpim.message_from_formal_name" => message_from_formal_name,
    "cpim.message_to" => message_to,
    "cpim.message_to_formal_name" => message_to_formal_name,
    "cpim.message_id_not_content_id" => message_id_not_content_id,
    "cpim.message_unique_id_content_id" => message_unique_id_content_id,
    "cpim.message_type_dropped" => message_type_dropped,
    "cpim.message_thread_dropped" => message_thread_dropped,
    "cpim.message_subject" => message_subject,
    "cpim.message_subject_lang" => message_subject_lang,
    "cpim.message_body" => message_body,
    "cpim.message_extensions_dropped" => message_extensions_dropped,
    "cpim.message_datetime" => message_datetime,
    "cpim.decode_from" => decode_from,
    "cpim.decode_to" => decode_to,
    "cpim.decode_to_resource" => decode_to_resource,
    "cpim.decode_cc_dropped" => decode_cc_dropped,
    "cpim.decode_datetime_dropped" => decode_datetime_dropped,
    "cpim.decode_subject" => decode_subject,
    "cpim.decode_subject_lang" => decode_subject_lang,
    "cpim.decode_ns_dropped" => decode_ns_dropped,
    "cpim.decode_require_error" => decode_require_error,
    "cpim.decode_content_id" => decode_content_id,
    "cpim.decode_non_text_refused" => decode_non_text_refused,
    "cpim.decode_charsets" => decode_charsets,
    "cpim.decode_other_charset_refused" => decode_other_charset_refused,
    "cpim.decode_message_type" => decode_message_type,
    "cpim.presence_as_pidf" => presence_as_pidf,
    "cpim.presence_content_type" => presence_content_type,
    "cpim.presence_from" => presence_from,
    "cpim.presence_from_formal_name" => presence_from_formal_name,
    "cpim.presence_entity" => presence_entity,
    "cpim.presence_tuple_id" => presence_tuple_id,
    "cpim.presence_to" => presence_to,
    "cpim.presence_to_formal_name" => presence_to_formal_name,
    "cpim.presence_id_not_content_id" => presence_id_not_content_id,
    "cpim.presence_unique_id_content_id" => presence_unique_id_content_id,
    "cpim.presence_open" => presence_open,
    "cpim.presence_closed" => presence_closed,
    "cpim.presence_show" => presence_show,
    "cpim.presence_status_note" => presence_status_note,
    "cpim.presence_priority" => presence_priority,
    "cpim.presence_negative_priority" => presence_negative_priority,
    "cpim.presence_priority_scale" => presence_priority_scale,
    "cpim.presence_extensions_dropped" => presence_extensions_dropped,
    "cpim.presence_datetime" => presence_datetime,
    "cpim.presence_contact" => presence_contact,
    "cpim.presence_timestamp" => presence_timestamp,
    "cpim.decode_presence_pidf_only" => decode_presence_pidf_only,
    "cpim.decode_presence_from" => decode_presence_from,
    "cpim.decode_presence_to" => decode_presence_to,
    "cpim.decode_presence_to_resource" => decode_presence_to_resource,
    "cpim.decode_presence_headers_dropped" => decode_presence_headers_dropped,
    "cpim.decode_presence_content_id" => decode_presence_content_id,
    "cpim.decode_open" => decode_open,
    "cpim.decode_closed" => decode_closed,
    "cpim.decode_note_status" => decode_note_status,
    "cpim.decode_notes_without_tuple" => decode_notes_without_tuple,
    "cpim.decode_contact_dropped" => decode_contact_dropped,
    "cpim.decode_priority" => decode_priority,
    "cpim.decode_priority_not_negative" => decode_priority_not_negative,
    "cpim.decode_priority_scale" => decode_priority_scale,
    "cpim.decode_timestamp_dropped" => decode_timestamp_dropped,
    "cpim.decode_attach_pidf" => decode_attach_pidf,
    "cpim.cpp_service" => cpp_service,
    "cpim.cpp_subscribe_watcher_target" => cpp_subscribe_watcher_target,
    "cpim.cpp_trans_id" => cpp_trans_id,
    "cpim.cpp_denied" => cpp_denied,
    "cpim.cpp_unknown_target" => cpp_unknown_target,
    "cpim.cpp_forbidden" => cpp_forbidden,
    "cpim.cpp_conflict" => cpp_conflict,
    "cpim.cpp_incoming_subscribe" => cpp_incoming_subscribe,
    "cpim.cpp_incoming_addresses" => cpp_incoming_addresses,
    "cpim.cpp_incoming_trans_id" => cpp_incoming_trans_id,
    "cpim.cpp_failure_reported" => cpp_failure_reported,
    "cpim.decode_tuples_split" => decode_tuples_split,
    "cpim.decode_zero_tuples" => decode_zero_tuples,
    "cpim.presence_resources_one_document" => presence_resources_one_document,
    "cpim.presence_never_zero_tuples" => presence_never_zero_tuples,
    "cpim.cpp_unsubscribe" => cpp_unsubscribe,
    "cpim.cpp_unsubscribed" => cpp_unsubscribed,
    "cpim.service_approved_notifies" => service_approved_notifies,
    "cpim.service_notifies_until_cancelled" => service_notifies_until_cancelled,
    "cpim.service_refused_no_notify" => service_refused_no_notify,
    "cpim.service_only_changes" => service_only_changes,
    "cpim.service_document_all_resources" => service_document_all_resources,
}

#[cfg(test)]
mod tests {
    use super::CHECKS;

    #[test]
    fn every_cpim_check_passes() {
        for c in CHECKS {
            assert_eq!((c.run)(), Ok(()), "{}", c.name);
        }
    }
}
