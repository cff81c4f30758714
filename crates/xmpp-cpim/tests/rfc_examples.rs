//! Every example of RFC 3922, RFC 3862 and RFC 3863 (texts in shared/rfc/), each checked
//! against its section's rules; where an example disagrees with the rules, the test says
//! so and the rule wins. Every PIDF document here, read or written, is validated with
//! xmllint against RFC 3863's schema.

mod common;

use common::{assert_invalid, assert_valid};
use xmpp_cpim::address::{Scheme, Uri};
use xmpp_cpim::cpim::CpimMessage;
use xmpp_cpim::pidf::{Basic, PIDF_IM_NS, Pidf};
use xmpp_cpim::{
    DateTime, DecodeOptions, EncodeOptions, Limits, MapError, PidfError, Stanza, decode, encode,
};
use xmpp_im::message::Message;
use xmpp_im::presence::{Presence, PresenceType, Show};
use xmpp_jid::ResourcePart;
use xmpp_xml::{Event, Parser};

fn element(xml: &str) -> xmpp_xml::Element<'static> {
    let mut p = Parser::document(xmpp_xml::Limits::default());
    p.feed(xml.as_bytes());
    loop {
        match p.next_event() {
            Ok(Some(Event::Stanza(s))) => return s.to_element().expect("tree").into_owned(),
            Ok(Some(_)) => {}
            other => panic!("no element in {xml}: {other:?}"),
        }
    }
}

fn message(xml: &str) -> Message {
    Message::from_element(element(xml).as_ref()).expect("message")
}

fn presence(xml: &str) -> Presence {
    Presence::from_element(element(xml).as_ref()).expect("presence")
}

fn object(text: &str) -> CpimMessage {
    CpimMessage::parse(text.as_bytes(), &Limits::default()).expect("Message/CPIM")
}

fn text(obj: &CpimMessage) -> String {
    String::from_utf8(obj.to_bytes()).expect("UTF-8")
}

fn now() -> EncodeOptions {
    EncodeOptions {
        now: Some(DateTime::parse("2004-08-01T12:00:00Z").expect("time")),
        ..EncodeOptions::default()
    }
}

/// A Message/CPIM object carrying `body` as `content_type`, from and to these URIs.
fn carrying(from: &str, to: &str, content_type: &str, body: &str) -> CpimMessage {
    let from = if from.contains('<') {
        from.to_owned()
    } else {
        format!("<{from}>")
    };
    object(&format!(
        "Content-type: Message/CPIM\r\n\r\nFrom: {from}\r\nTo: <{to}>\r\n\r\nContent-type: {content_type}\r\n\r\n{body}"
    ))
}

fn pidf_object(from: &str, doc: &str) -> CpimMessage {
    carrying(
        from,
        "im:juliet@example.com",
        "application/pidf+xml; charset=utf-8",
        doc,
    )
}

fn presences(obj: &CpimMessage) -> Vec<Presence> {
    xmpp_cpim::presence::from_cpim(obj, &DecodeOptions::default()).expect("presence")
}

fn pidf_of(p: &Presence) -> (Pidf, Vec<u8>) {
    let doc = xmpp_cpim::presence::to_pidf(p, &EncodeOptions::default()).expect("PIDF");
    let bytes = doc.to_bytes().expect("writes");
    (doc, bytes)
}

fn from_of(p: &Presence) -> String {
    p.envelope.from.as_ref().expect("from").to_string()
}

// ---------------------------------------------------------------- RFC 3922 §4.1

/// RFC 3922 §4.1.1 and §4.1.2: resources removed, `im:`, formal names when known.
#[test]
fn rfc3922_4_1_1_and_4_1_2_addresses() {
    let m = message(
        "<message xmlns='jabber:client' from='juliet@example.com/balcony' to='romeo@example.net/orchard'/>",
    );
    let options = EncodeOptions {
        sender_name: Some("Juliet Capulet".into()),
        recipient_name: Some("Romeo Montague".into()),
        ..EncodeOptions::default()
    };
    let t = text(&xmpp_cpim::message::to_cpim(&m, &options).expect("maps"));
    assert!(
        t.contains("\r\nFrom: Juliet Capulet <im:juliet@example.com>\r\n"),
        "{t}"
    );
    assert!(
        t.contains("\r\nTo: Romeo Montague <im:romeo@example.net>\r\n"),
        "{t}"
    );
}

/// RFC 3922 §4.1.6: each subject a `Subject` header, `xml:lang` as `;lang=`.
#[test]
fn rfc3922_4_1_6_subject() {
    let m = message(
        "<message xmlns='jabber:client' from='juliet@example.com/balcony' to='romeo@example.net'>\
         <subject>Hi!</subject><subject xml:lang='cz'>Ahoj!</subject></message>",
    );
    let t = text(&xmpp_cpim::message::to_cpim(&m, &EncodeOptions::default()).expect("maps"));
    assert!(
        t.contains("\r\nSubject: Hi!\r\nSubject:;lang=cz Ahoj!\r\n"),
        "{t}"
    );
}

/// RFC 3922 §4.1.7: the body is the encapsulated `text/plain; charset=utf-8` content.
/// The example's `Content-ID` comes from no `id` of the stanza shown; §4.1.3 allows one
/// only from an id known to be unique, as here.
#[test]
fn rfc3922_4_1_7_body() {
    let m = message(
        "<message xmlns='jabber:client' from='juliet@example.com/balcony' \
         to='romeo@example.net' id='123456789@example.net'><body>Wherefore art thou, Romeo?</body></message>",
    );
    let plain = text(&xmpp_cpim::message::to_cpim(&m, &EncodeOptions::default()).expect("maps"));
    assert!(
        plain.ends_with(
            "\r\n\r\nContent-type: text/plain; charset=utf-8\r\n\r\nWherefore art thou, Romeo?"
        ),
        "{plain}"
    );
    let unique = EncodeOptions {
        ids_are_unique: true,
        ..EncodeOptions::default()
    };
    let t = text(&xmpp_cpim::message::to_cpim(&m, &unique).expect("maps"));
    assert!(t.ends_with(
        "\r\n\r\nContent-type: text/plain; charset=utf-8\r\nContent-ID: <123456789@example.net>\r\n\r\nWherefore art thou, Romeo?"
    ), "{t}");
}

// ---------------------------------------------------------------- RFC 3922 §4.2

/// RFC 3922 §4.2.1, §4.2.2, §4.2.5, §4.2.8, §4.2.9 together: formal names and `im:`
/// removed, the known resource added to `to`, subjects with their language, the
/// Content-ID as `id`, the text as body.
#[test]
fn rfc3922_4_2_examples() {
    let obj = object(
        "Content-type: Message/CPIM\r\n\r\n\
         From: Romeo Montague <im:romeo@example.net>\r\n\
         To: Juliet Capulet <im:juliet@example.com>\r\n\
         Subject: Hi!\r\nSubject:;lang=cz Ahoj!\r\n\r\n\
         Content-type: text/plain; charset=utf-8\r\nContent-ID: <123456789@example.net>\r\n\r\n\
         Wherefore art thou?",
    );
    let options = DecodeOptions {
        recipient_resource: Some(ResourcePart::new("balcony").expect("resource")),
        ..DecodeOptions::default()
    };
    let m = xmpp_cpim::message::from_cpim(&obj, &options).expect("maps");
    let want = message(
        "<message xmlns='jabber:client' from='romeo@example.net' to='juliet@example.com/balcony' \
         id='123456789@example.net'><subject>Hi!</subject><subject xml:lang='cz'>Ahoj!</subject>\
         <body>Wherefore art thou?</body></message>",
    );
    assert_eq!(m, want);
}

// ---------------------------------------------------------------- RFC 3922 §5.1

/// RFC 3922 §5.1.1: `From` with `im:`, `entity` with `pres:`, the resource as tuple id;
/// §5.1.2: `To` without resource.
#[test]
fn rfc3922_5_1_1_and_5_1_2() {
    let p = presence(
        "<presence xmlns='jabber:client' from='juliet@example.com/balcony' to='romeo@example.net/orchard'/>",
    );
    let options = EncodeOptions {
        sender_name: Some("Juliet Capulet".into()),
        recipient_name: Some("Romeo Montague".into()),
        ..EncodeOptions::default()
    };
    let obj = xmpp_cpim::presence::to_cpim(&p, &options).expect("maps");
    let t = text(&obj);
    assert!(
        t.contains("\r\nFrom: Juliet Capulet <im:juliet@example.com>\r\n"),
        "{t}"
    );
    assert!(
        t.contains("\r\nTo: Romeo Montague <im:romeo@example.net>\r\n"),
        "{t}"
    );
    assert!(
        t.contains("\r\nContent-type: application/pidf+xml; charset=utf-8\r\n"),
        "{t}"
    );
    let doc = Pidf::parse(&obj.content.body, 1 << 20).expect("PIDF");
    assert_eq!(doc.entity, "pres:juliet@example.com");
    assert_eq!(doc.tuples[0].id, "balcony");
    assert_valid(std::slice::from_ref(&obj.content.body));
}

const AVAILABLE_5_1_4: &str = "<?xml version='1.0' encoding='UTF-8'?>
     <presence xmlns='urn:ietf:params:xml:ns:pidf'
               entity='pres:juliet@example.com'>
       <tuple id='balcony'>
         <status>
           <basic>open</basic>
         </status>
       </tuple>
     </presence>";

const UNAVAILABLE_5_1_4: &str = "<?xml version='1.0' encoding='UTF-8'?>
     <presence xmlns='urn:ietf:params:xml:ns:pidf'
               entity='pres:romeo@example.net'>
       <tuple id='balcony'>
         <status>
           <basic>closed</basic>
         </status>
       </tuple>
     </presence>";

/// RFC 3922 §5.1.4: no type is OPEN, `unavailable` is CLOSED.
///
/// The example "Unavailable Presence" is wrong: the stanza is from
/// juliet@example.com/balcony, but its PIDF `entity` is `pres:romeo@example.net`; §5.1.1
/// makes the entity the sender's bare JID. The rule wins: the entity written is
/// `pres:juliet@example.com`, and the example's document, sent with Juliet as `From`, is
/// refused as naming another presentity.
#[test]
fn rfc3922_5_1_4_presence_type() {
    let example = Pidf::parse(AVAILABLE_5_1_4.as_bytes(), 1 << 20).expect("example");
    let (doc, bytes) = pidf_of(&presence(
        "<presence xmlns='jabber:client' from='juliet@example.com/balcony' to='romeo@example.net'/>",
    ));
    assert_eq!(doc, example);

    let wrong = Pidf::parse(UNAVAILABLE_5_1_4.as_bytes(), 1 << 20).expect("example");
    let (doc2, bytes2) = pidf_of(&presence(
        "<presence xmlns='jabber:client' from='juliet@example.com/balcony' type='unavailable' to='romeo@example.net'/>",
    ));
    assert_eq!(doc2.tuples, wrong.tuples);
    assert_eq!(doc2.entity, "pres:juliet@example.com");
    assert_eq!(
        wrong.entity, "pres:romeo@example.net",
        "the example's entity"
    );
    let refused = xmpp_cpim::presence::from_cpim(
        &pidf_object("im:juliet@example.com", UNAVAILABLE_5_1_4),
        &DecodeOptions::default(),
    );
    assert!(
        matches!(refused, Err(MapError::EntityMismatch { .. })),
        "{refused:?}"
    );
    assert_valid(&[
        bytes,
        bytes2,
        AVAILABLE_5_1_4.as_bytes().to_vec(),
        UNAVAILABLE_5_1_4.as_bytes().to_vec(),
    ]);
}

const SHOW_5_1_5: &str = "<?xml version='1.0' encoding='UTF-8'?>
     <presence xmlns='urn:ietf:params:xml:ns:pidf'
               xmlns:im='urn:ietf:params:xml:ns:pidf:im'
               entity='pres:juliet@example.com'>
       <tuple id='balcony'>
         <status>
           <basic>open</basic>
           <im:im>away</im:im>
         </status>
       </tuple>
     </presence>";

const STATUS_5_1_6: &str = "<?xml version='1.0' encoding='UTF-8'?>
     <presence xmlns='urn:ietf:params:xml:ns:pidf'
               xmlns:im='urn:ietf:params:xml:ns:pidf:im'
               entity='pres:juliet@example.com'>
       <tuple id='balcony'>
         <status>
           <basic>open</basic>
           <im:im>away</im:im>
         </status>
         <note>retired to the chamber</note>
       </tuple>
     </presence>";

/// RFC 3922 §5.1.5 (show as `<im:im>`) and §5.1.6 (status as `<note>`): the documents
/// written are the examples'.
#[test]
fn rfc3922_5_1_5_and_5_1_6() {
    let (show, b1) = pidf_of(&presence(
        "<presence xmlns='jabber:client' from='juliet@example.com/balcony'><show>away</show></presence>",
    ));
    assert_eq!(
        show,
        Pidf::parse(SHOW_5_1_5.as_bytes(), 1 << 20).expect("example")
    );
    let (status, b2) = pidf_of(&presence(
        "<presence xmlns='jabber:client' from='juliet@example.com/balcony'><show>away</show>\
         <status>retired to the chamber</status></presence>",
    ));
    assert_eq!(
        status,
        Pidf::parse(STATUS_5_1_6.as_bytes(), 1 << 20).expect("example")
    );
    assert_valid(&[b1, b2, SHOW_5_1_5.into(), STATUS_5_1_6.into()]);
}

/// RFC 3922 §5.1.7: priority 13 is `<contact priority='0.102'>`, the contact holding the
/// sender's `im:` address (§5.1.9.2).
///
/// The example is incomplete and mislabelled: its captions say "XMPP <status/> element"
/// and "PIDF <note/> element" for a priority, and its tuple has `...` where the schema
/// requires `<status>` (RFC 3863 §4.1.2). Taken as written (the `...` removed), xmllint
/// and the reader refuse it; the document written has the status.
#[test]
fn rfc3922_5_1_7_priority() {
    let (doc, bytes) = pidf_of(&presence(
        "<presence xmlns='jabber:client' from='juliet@example.com/balcony'><priority>13</priority></presence>",
    ));
    let contact = doc.tuples[0].contact.as_ref().expect("contact");
    assert_eq!(contact.uri, "im:juliet@example.com");
    assert_eq!(
        contact.priority.map(|q| q.to_string()).as_deref(),
        Some("0.102")
    );
    let as_written = "<?xml version='1.0' encoding='UTF-8'?>
     <presence xmlns='urn:ietf:params:xml:ns:pidf'
               entity='pres:juliet@example.com'>
       <tuple id='balcony'>
         <contact priority='0.102'>im:juliet@example.com</contact>
       </tuple>
     </presence>";
    assert!(matches!(
        Pidf::parse(as_written.as_bytes(), 1 << 20),
        Err(PidfError::Unexpected { .. })
    ));
    assert_invalid(as_written.as_bytes());
    // §5.1.7: a negative priority is not mapped.
    let (neg, b2) = pidf_of(&presence(
        "<presence xmlns='jabber:client' from='juliet@example.com/balcony'><priority>-1</priority></presence>",
    ));
    assert_eq!(neg.tuples[0].contact, None);
    assert_valid(&[bytes, b2]);
}

// ---------------------------------------------------------------- RFC 3922 §5.2

const OPEN_5_2_9: &str = "<?xml version='1.0' encoding='UTF-8'?>
     <presence xmlns='urn:ietf:params:xml:ns:pidf'
               entity='pres:romeo@example.net'>
       <tuple id='orchard'>
         <status>
           <basic>open</basic>
         </status>
       </tuple>
     </presence>";

const CLOSED_5_2_9: &str = "<?xml version='1.0' encoding='UTF-8'?>
     <presence xmlns='urn:ietf:params:xml:ns:pidf'
               entity='pres:romeo@example.net'>
       <tuple id='orchard'>
         <status>
           <basic>closed</basic>
         </status>
       </tuple>
     </presence>";

/// RFC 3922 §5.2.1 and §5.2.9: `from` is `From` plus `/` and the tuple id; OPEN is no
/// type, CLOSED is `unavailable`. The §5.2.1 "From Address Mapping" example shows
/// `from='romeo@example.net'` for the `From` header alone: that is the user@host part;
/// with the tuple the rule adds `/orchard`.
#[test]
fn rfc3922_5_2_1_and_5_2_9() {
    let open = presences(&pidf_object("im:romeo@example.net", OPEN_5_2_9));
    assert_eq!(open.len(), 1);
    assert_eq!(from_of(&open[0]), "romeo@example.net/orchard");
    assert_eq!(open[0].kind, PresenceType::Available);
    let closed = presences(&pidf_object(
        "Romeo Montague <im:romeo@example.net>",
        CLOSED_5_2_9,
    ));
    assert_eq!(from_of(&closed[0]), "romeo@example.net/orchard");
    assert_eq!(closed[0].kind, PresenceType::Unavailable);
    assert_valid(&[OPEN_5_2_9.into(), CLOSED_5_2_9.into()]);
}

/// RFC 3922 §5.2.2 and §5.2.8: `To` without `im:` and formal name, plus the known
/// resource; the Content-ID as `id`.
#[test]
fn rfc3922_5_2_2_and_5_2_8() {
    let obj = object(&format!(
        "Content-type: Message/CPIM\r\n\r\nFrom: <im:romeo@example.net>\r\nTo: Juliet Capulet <im:juliet@example.com>\r\n\r\n\
         Content-type: application/pidf+xml; charset=utf-8\r\nContent-ID: <123456789@example.net>\r\n\r\n{OPEN_5_2_9}"
    ));
    let options = DecodeOptions {
        recipient_resource: Some(ResourcePart::new("balcony").expect("resource")),
        ..DecodeOptions::default()
    };
    let p = xmpp_cpim::presence::from_cpim(&obj, &options).expect("maps");
    assert_eq!(
        p[0].envelope.to.as_ref().map(|j| j.as_str()),
        Some("juliet@example.com/balcony")
    );
    assert_eq!(p[0].envelope.id.as_deref(), Some("123456789@example.net"));
}

const BUSY_5_2_10: &str = "<?xml version='1.0' encoding='UTF-8'?>
     <presence xmlns='urn:ietf:params:xml:ns:pidf'
               xmlns:im='urn:ietf:params:xml:ns:pidf:im'
               entity='pres:romeo@example.net'>
       <tuple id='orchard'>
         <status>
           <basic>open</basic>
           <im:im>busy</im:im>
         </status>
       </tuple>
     </presence>";

const NOTE_5_2_11: &str = "<?xml version='1.0' encoding='UTF-8'?>
     <presence xmlns='urn:ietf:params:xml:ns:pidf'
               xmlns:im='urn:ietf:params:xml:ns:pidf:im'
               entity='pres:romeo@example.net'>
       <tuple id='orchard'>
         <status>
           <basic>open</basic>
           <im:im>busy</im:im>
         </status>
         <note>Wooing Juliet</note>
       </tuple>
     </presence>";

/// RFC 3922 §5.2.10 (provisional: `busy` as `dnd`) and §5.2.11 (note as status).
#[test]
fn rfc3922_5_2_10_and_5_2_11() {
    let busy = presences(&pidf_object("im:romeo@example.net", BUSY_5_2_10));
    assert_eq!(busy[0].show, Some(Show::Dnd));
    let note = presences(&pidf_object("im:romeo@example.net", NOTE_5_2_11));
    let want = presence(
        "<presence xmlns='jabber:client' from='romeo@example.net/orchard' to='juliet@example.com'>\
         <show>dnd</show><status>Wooing Juliet</status></presence>",
    );
    assert_eq!(note, vec![want]);
    assert_valid(&[BUSY_5_2_10.into(), NOTE_5_2_11.into()]);
}

/// RFC 3922 §5.2.11 and §6.3.2: a document with no tuple but notes is not mapped; one
/// with no tuple at all (the §6.3.2 example) is a presence from the bare address.
#[test]
fn rfc3922_5_2_11_and_6_3_2_zero_tuples() {
    let zero = "<?xml version='1.0'?><presence entity='pres:juliet@example.com'
               xmlns='urn:ietf:params:xml:ns:pidf'/>";
    let p = xmpp_cpim::presence::from_cpim(
        &pidf_object("im:juliet@example.com", zero),
        &DecodeOptions::default(),
    )
    .expect("maps");
    assert_eq!(p.len(), 1);
    assert_eq!(from_of(&p[0]), "juliet@example.com");
    let notes = "<?xml version='1.0'?><presence entity='pres:juliet@example.com'
               xmlns='urn:ietf:params:xml:ns:pidf'><note>away</note></presence>";
    assert_eq!(
        xmpp_cpim::presence::from_cpim(
            &pidf_object("im:juliet@example.com", notes),
            &DecodeOptions::default()
        ),
        Err(MapError::NotesWithoutTuple)
    );
    // §6.3.2: the gateway never writes a document without a tuple, even for a sender
    // without resource.
    let (doc, bytes) = pidf_of(&presence(
        "<presence xmlns='jabber:client' from='juliet@example.com'/>",
    ));
    assert_eq!(doc.tuples.len(), 1);
    assert_valid(&[zero.into(), notes.into(), bytes]);
}

/// RFC 3922 §5.2.12 (contact text not passed) and §5.2.13 (contact priority mapped).
/// The example has `...` where the schema requires the status; it is filled in here.
#[test]
fn rfc3922_5_2_12_contact() {
    let doc = "<?xml version='1.0' encoding='UTF-8'?>
     <presence xmlns='urn:ietf:params:xml:ns:pidf'
               entity='pres:romeo@example.net'>
       <tuple id='orchard'>
         <status><basic>open</basic></status>
         <contact>im:romeo@example.net</contact>
       </tuple>
     </presence>";
    let p = presences(&pidf_object("im:romeo@example.net", doc));
    let want = presence(
        "<presence xmlns='jabber:client' from='romeo@example.net/orchard' to='juliet@example.com'/>",
    );
    assert_eq!(p, vec![want]);
    let with_priority = doc.replace("<contact>", "<contact priority='0.008'>");
    assert_eq!(
        presences(&pidf_object("im:romeo@example.net", &with_priority))[0].priority,
        Some(2)
    );
    assert_valid(&[doc.into(), with_priority.into_bytes()]);
}

/// RFC 3922 §6.3.1: several tuples give several presence stanzas.
#[test]
fn rfc3922_6_3_1_tuples_split() {
    let doc = "<?xml version='1.0'?><presence xmlns='urn:ietf:params:xml:ns:pidf' entity='pres:romeo@example.net'>\
        <tuple id='orchard'><status><basic>open</basic></status></tuple>\
        <tuple id='_xmpp.2nd_20phone'><status><basic>closed</basic></status></tuple></presence>";
    let p = presences(&pidf_object("im:romeo@example.net", doc));
    let froms: Vec<String> = p.iter().map(from_of).collect();
    assert_eq!(
        froms,
        ["romeo@example.net/orchard", "romeo@example.net/2nd phone"]
    );
    assert_eq!(p[1].kind, PresenceType::Unavailable);
    assert_valid(&[doc.into()]);
}

// ---------------------------------------------------------------- RFC 3862

const RFC3862_5_1: &str = "Content-type: Message/CPIM

From: MR SANDERS <im:piglet@100akerwood.com>
To: Depressed Donkey <im:eeyore@100akerwood.com>
DateTime: 2000-12-13T13:40:00-08:00
Subject: the weather will be fine today
Subject:;lang=fr beau temps prevu pour aujourd'hui
NS: MyFeatures <mid:MessageFeatures@id.foo.com>
Require: MyFeatures.VitalMessageOption
MyFeatures.VitalMessageOption: Confirmation-requested
MyFeatures.WackyMessageOption: Use-silly-font

Content-type: text/xml; charset=utf-8
Content-ID: <1234567890@foo.com>

<body>
Here is the text of my message.
</body>
";

/// RFC 3862 §5.1 (tags removed, read with the bare LF line ends of this file): every
/// header, its namespace; as a message for XMPP it is refused twice over: a `Require`
/// header (RFC 3922 §4.2.7) and `text/xml` content (§4.2.9).
#[test]
fn rfc3862_5_1_message() {
    let obj = object(RFC3862_5_1);
    assert_eq!(obj.headers.len(), 9);
    assert_eq!(
        obj.core("From")[0]
            .address_value()
            .expect("address")
            .formal_name
            .as_deref(),
        Some("MR SANDERS")
    );
    assert_eq!(
        obj.core("DateTime")[0].raw_value(),
        "2000-12-13T13:40:00-08:00"
    );
    let ns: Vec<Option<String>> = obj.resolved().into_iter().map(|(ns, _)| ns).collect();
    assert_eq!(ns[8].as_deref(), Some("mid:MessageFeatures@id.foo.com"));
    assert_eq!(
        decode(&obj, &DecodeOptions::default()),
        Err(MapError::Require(vec![
            "MyFeatures.VitalMessageOption".into()
        ]))
    );
    // Written again: the same headers with CRLF line ends, the content as it was.
    let (head, content) = RFC3862_5_1.split_at(RFC3862_5_1.find("<body>").expect("content"));
    assert_eq!(text(&obj), head.replace('\n', "\r\n") + content);
}

/// RFC 3862 §5.2: the Message/CPIM object inside a multipart/signed wrapper reads the
/// same way (its `To` formal name is "Dopey Donkey" where §5.1 has "Depressed Donkey").
#[test]
fn rfc3862_5_2_signed_part() {
    let part = RFC3862_5_1
        .replace("Content-type: Message/CPIM", "Content-Type: Message/CPIM")
        .replace("Depressed Donkey", "Dopey Donkey");
    let obj = object(&part);
    assert_eq!(
        obj.core("To")[0]
            .address_value()
            .expect("address")
            .formal_name
            .as_deref(),
        Some("Dopey Donkey")
    );
}

/// RFC 3862 §2.2, §3.3, §4.1 to §4.7: the header examples, each read as a header of a
/// Message/CPIM object.
#[test]
fn rfc3862_header_examples() {
    let lines = [
        "To: Pooh Bear <im:pooh@100akerwood.com>",
        "From: <im:piglet@100akerwood.com>",
        "DateTime: 2001-02-02T10:48:54-05:00",
        "Subject:;lang=fr Objet de message",
        "NS: MyFeatures <mid:MessageFeatures@id.foo.com>",
        "MyFeatures.WackyMessageOption: Use-silly-font",
        "NS: acme <http://id.acme.widgets/wily-headers/>",
        "acme.runner-trap: set",
        "NS: widget <http://id.acme.widgets/wily-headers/>",
        "widget.runner-trap: set",
        "Require: MyFeatures.VitalMessageOption",
        "MyFeatures.VitalMessageOption: Confirmation-requested",
        "Require: Locale.MustRenderKanji",
        "From: Winnie the Pooh <im:pooh@100akerwood.com>",
        "From: <im:tigger@100akerwood.com>",
        "To: Winnie the Pooh <im:pooh@100akerwood.com>",
        "To: <im:tigger@100akerwood.com>",
        "cc: Winnie the Pooh <im:pooh@100akerwood.com>",
        "cc: <im:tigger@100akerwood.com>",
        "DateTime: 2001-02-01T12:16:49-05:00",
        "Subject:;lang=en Eeyore's feeling very depressed today",
        "NS: MyAlias <mid:MessageFeatures@id.foo.com>",
        "MyAlias.MyHeader: private-extension-data",
        "Require: MyAlias.VitalHeader",
        "NS: <http://id.acme.widgets/wily-headers/>",
        "runner-trap: set",
    ];
    let input = format!(
        "Content-type: Message/CPIM\r\n\r\n{}\r\n\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThis is my encapsulated text message content",
        lines.join("\r\n")
    );
    let obj = object(&input);
    assert_eq!(obj.headers.len(), lines.len());
    let resolved = obj.resolved();
    // acme.runner-trap and widget.runner-trap name the same header (§3.4), and so does
    // the unprefixed runner-trap after the default namespace changes.
    let wily = Some("http://id.acme.widgets/wily-headers/".to_owned());
    assert_eq!(resolved[7].0, wily);
    assert_eq!(resolved[9].0, wily);
    assert_eq!(resolved[25].0, wily);
    assert_eq!(obj.core("cc").len(), 2);
    assert_eq!(obj.core("Subject")[1].lang().as_deref(), Some("en"));
    // §2.4: the content example.
    assert_eq!(
        obj.content.body,
        b"This is my encapsulated text message content"
    );
    // §6 writes the default namespace as 'urn:ietf:params-cpim-headers:', a typo: §4 and
    // the registration of §7.2 give 'urn:ietf:params:cpim-headers:'.
    assert_eq!(
        resolved[0].0.as_deref(),
        Some("urn:ietf:params:cpim-headers:")
    );
}

// ---------------------------------------------------------------- RFC 3863

const RFC3863_4_2_2_PREFIXED: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
   <impp:presence xmlns:impp="urn:ietf:params:xml:ns:pidf"
       entity="pres:someone@example.com">
     <impp:tuple id="sg89ae">
       <impp:status>
         <impp:basic>open</impp:basic>
       </impp:status>
       <impp:contact priority="0.8">tel:+09012345678</impp:contact>
     </impp:tuple>
   </impp:presence>"#;

const RFC3863_4_2_2_DEFAULT: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
   <presence xmlns="urn:ietf:params:xml:ns:pidf"
       entity="pres:someone@example.com">
     <tuple id="sg89ae">
       <status>
         <basic>open</basic>
       </status>
       <contact priority="0.8">tel:+09012345678</contact>
     </tuple>
   </presence>"#;

const RFC3863_4_2_4: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
   <presence xmlns="urn:ietf:params:xml:ns:pidf"
       xmlns:local="urn:example-com:pidf-status-type"
       entity="pres:someone@example.com">
     <tuple id="ub93s3">
       <status>
         <basic>open</basic>
         <local:location>home</local:location>
       </status>
       <contact>im:someone@example.com</contact>
     </tuple>
   </presence>"#;

const RFC3863_4_3_1: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
   <presence xmlns="urn:ietf:params:xml:ns:pidf"
        xmlns:im="urn:ietf:params:xml:ns:pidf:im"
        xmlns:myex="http://id.example.com/presence/"
        entity="pres:someone@example.com">
     <tuple id="bs35r9">
       <status>
         <basic>open</basic>
         <im:im>busy</im:im>
         <myex:location>home</myex:location>
       </status>
       <contact priority="0.8">im:someone@mobilecarrier.net</contact>
       <note xml:lang="en">Don't Disturb Please!</note>
       <note xml:lang="fr">Ne derangez pas, s'il vous plait</note>
       <timestamp>2001-10-27T16:49:29Z</timestamp>
     </tuple>
     <tuple id="eg92n8">
       <status>
         <basic>open</basic>
       </status>
       <contact priority="1.0">mailto:someone@example.com</contact>
     </tuple>
     <note>I'll be in Tokyo next week</note>
   </presence>"#;

const RFC3863_4_3_2: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
   <impp:presence xmlns:impp="urn:ietf:params:xml:ns:pidf"
        xmlns:myex="http://id.example.com/presence/"
        entity="pres:someone@example.com">
     <impp:tuple id="ck38g9">
       <impp:status>
         <impp:basic>open</impp:basic>
       </impp:status>
       <myex:mytupletag>Extended value in tuple</myex:mytupletag>
       <impp:contact priority="0.65">tel:+09012345678</impp:contact>
     </impp:tuple>
     <impp:tuple id="md66je">
       <impp:status>
         <impp:basic>open</impp:basic>
       </impp:status>
       <impp:contact priority="1.0">
          im:someone@mobilecarrier.net</impp:contact>
     </impp:tuple>
     <myex:mytag>My extended presentity information</myex:mytag>
   </impp:presence>"#;

const RFC3863_4_3_3: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
   <impp:presence xmlns:impp="urn:ietf:params:xml:ns:pidf"
        xmlns:myex="http://id.mycompany.com/presence/"
        entity="pres:someone@example.com">
     <impp:tuple id="tj25ds">
       <impp:status>
         <impp:basic>open</impp:basic>
       </impp:status>
       <myex:complexExtension>
         <myex:ex1 impp:mustUnderstand="1">val1</myex:ex1>
         <myex:ex2>val2</myex:ex2>
       </myex:complexExtension>
       <impp:contact priority="0.725">tel:+09012345678</impp:contact>
     </impp:tuple>
     <myex:mytag>My extended presentity information</myex:mytag>
   </impp:presence>"#;

/// RFC 3863 §4.2.2, §4.2.4, §4.3.1, §4.3.2, §4.3.3: every example document is valid, is
/// read, and written again gives a valid document that reads as the same.
#[test]
fn rfc3863_examples() {
    let examples = [
        RFC3863_4_2_2_PREFIXED,
        RFC3863_4_2_2_DEFAULT,
        RFC3863_4_2_4,
        RFC3863_4_3_1,
        RFC3863_4_3_2,
        RFC3863_4_3_3,
    ];
    let mut all = Vec::new();
    for ex in examples {
        let doc = Pidf::parse(ex.as_bytes(), 1 << 20).expect("example reads");
        let bytes = doc.to_bytes().expect("writes");
        assert_eq!(Pidf::parse(&bytes, 1 << 20).as_ref(), Ok(&doc));
        all.push(ex.as_bytes().to_vec());
        all.push(bytes);
    }
    assert_valid(&all);
    // §4.2.2: prefixed and default namespace are the same document.
    assert_eq!(
        Pidf::parse(RFC3863_4_2_2_PREFIXED.as_bytes(), 1 << 20),
        Pidf::parse(RFC3863_4_2_2_DEFAULT.as_bytes(), 1 << 20)
    );
    let d = Pidf::parse(RFC3863_4_3_1.as_bytes(), 1 << 20).expect("reads");
    assert_eq!(d.tuples.len(), 2);
    assert_eq!(d.tuples[0].status.basic, Some(Basic::Open));
    assert_eq!(d.tuples[0].notes[1].lang.as_deref(), Some("fr"));
    assert_eq!(
        d.tuples[1]
            .contact
            .as_ref()
            .and_then(|c| c.priority)
            .map(|q| q.thousandths()),
        Some(1000)
    );
    assert!(
        d.tuples[0]
            .status
            .extensions
            .iter()
            .any(|e| e.is(PIDF_IM_NS, "im"))
    );
    // §4.3.2: the contact's white space is collapsed (xs:anyURI).
    let d = Pidf::parse(RFC3863_4_3_2.as_bytes(), 1 << 20).expect("reads");
    assert_eq!(
        d.tuples[1].contact.as_ref().map(|c| c.uri.as_str()),
        Some("im:someone@mobilecarrier.net")
    );
}

/// RFC 3863 §4.3.3 disagrees with §4.2.3, which says the mustUnderstand attribute "MUST
/// be used only within optional elements nested in a <status> element": the example puts
/// it inside `<myex:complexExtension>`, a child of `<tuple>`, not of `<status>`. The
/// schema cannot see this (it is lax there), so the document is schema-valid; this test
/// finds the misplaced attribute.
#[test]
fn rfc3863_4_3_3_must_understand_outside_status() {
    let root = element(RFC3863_4_3_3);
    let tuple = root.elements().next().expect("tuple");
    let misplaced = tuple
        .elements()
        .filter(|e| !e.is(xmpp_cpim::pidf::PIDF_NS, "status"))
        .flat_map(|e| e.elements().collect::<Vec<_>>())
        .any(|e| {
            e.attr_ns(xmpp_cpim::pidf::PIDF_NS, "mustUnderstand")
                .is_some()
        });
    assert!(
        misplaced,
        "the example's mustUnderstand is outside <status>"
    );
    assert_valid(&[RFC3863_4_3_3.into()]);
}

/// RFC 3863 §4.1.1 writes the namespace as 'urn:ietf:params:xml:ns:pidf:' with a final
/// colon; §4.2.2, the schema and the registration of §5.2 have no colon. The schema wins:
/// a document in the colon namespace is no PIDF document.
#[test]
fn rfc3863_4_1_1_namespace_typo() {
    let doc = RFC3863_4_2_2_DEFAULT.replace("pidf\"", "pidf:\"");
    assert_eq!(
        Pidf::parse(doc.as_bytes(), 1 << 20),
        Err(PidfError::NotPidf)
    );
    assert_invalid(doc.as_bytes());
}

/// RFC 3922 §3.2 and §3.3 have no examples; RFC 3860 §3's example address reads back.
#[test]
fn address_examples() {
    let u = Uri::parse("im:fred@example.com", Scheme::Im).expect("URI");
    assert_eq!(u.to_jid().expect("JID").as_str(), "fred@example.com");
}

/// Both directions through the dispatching entry points.
#[test]
fn gateway_dispatch() {
    let s = Stanza::from_element(
        element("<message xmlns='jabber:client' from='a@b/c' to='d@e'><body>x</body></message>")
            .as_ref(),
    )
    .expect("stanza");
    let obj = encode(&s, &now()).expect("maps");
    assert!(text(&obj).contains("DateTime: 2004-08-01T12:00:00Z\r\n"));
    let back = decode(&obj, &DecodeOptions::default()).expect("maps back");
    let Stanza::Message(m) = &back[0] else {
        panic!("a message")
    };
    assert_eq!(m.body.get(""), Some(&"x".to_owned()));
}

/// RFC 3922 §6.3.1: one document for all of a user's resources, valid for the schema.
#[test]
fn rfc3922_6_3_1_one_document_for_resources() {
    let a = presence(
        "<presence xmlns='jabber:client' from='juliet@example.com/balcony'><show>away</show></presence>",
    );
    let b = presence(
        "<presence xmlns='jabber:client' from='juliet@example.com/2nd phone' type='unavailable'/>",
    );
    let doc = xmpp_cpim::presence::to_pidf_all(&[a.clone(), b], &EncodeOptions::default())
        .expect("one document");
    assert_eq!(doc.tuples.len(), 2);
    assert_valid(&[doc.to_bytes().expect("writes")]);
    let other = presence("<presence xmlns='jabber:client' from='romeo@example.net/orchard'/>");
    assert!(matches!(
        xmpp_cpim::presence::to_pidf_all(&[a.clone(), other], &EncodeOptions::default()),
        Err(MapError::EntityMismatch { .. })
    ));
    assert_eq!(
        xmpp_cpim::presence::to_pidf_all(&[a.clone(), a], &EncodeOptions::default()),
        Err(MapError::Repeated("resource"))
    );
}
