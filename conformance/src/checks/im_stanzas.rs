//! Checks of RFC 3921 §2 to §4 proven through `xmpp-im` and `xmpp-core`: the typed message
//! and presence payloads read from and written to the wire, the IM server component routing
//! stanzas between sessions, and the stream engines establishing and replacing sessions.

use std::fmt::Debug;
use std::time::Instant;

use super::{Check, Outcome, ensure};
use xmpp_core::ns::{CLIENT_NS, SERVER_NS};
use xmpp_core::random::SeededRandom;
use xmpp_core::{
    Answer, ClientConfig, Connection, Event, Request, ServerConfig, Stanza, StanzaError,
    StanzaErrorCondition, StreamError, StreamErrorCondition, TlsPolicy,
};
use xmpp_im::PayloadError;
use xmpp_im::client::{Client, Incoming};
use xmpp_im::message::{Message, MessageType};
use xmpp_im::presence::{Presence, PresenceType, Show};
use xmpp_im::server::{MemoryStore, Route, Server, SessionId};
use xmpp_jid::{BareJid, FullJid, Jid};
use xmpp_sasl::scram::{ScramHash, StoredCredentials};
use xmpp_xml::{Element, ElementRef};

type Reader<T> = fn(ElementRef<'_>) -> Result<T, PayloadError>;

/// The texts of one kind of child (subject, body, status), as (`xml:lang`, text) pairs.
type TextsOf = fn(&Message, &Presence) -> Vec<(String, String)>;

const STANZAS_NS: &str = "urn:ietf:params:xml:ns:xmpp-stanzas";

/// One element from its XML text.
fn parse(xml: &str) -> Result<Element<'static>, String> {
    let mut p = xmpp_xml::Parser::document(xmpp_xml::Limits::default());
    p.feed(xml.as_bytes());
    match p.next_event().map_err(|e| e.to_string())? {
        Some(xmpp_xml::Event::Stanza(s)) => {
            Ok(s.to_element().map_err(|e| e.to_string())?.into_owned())
        }
        other => Err(format!("not one element: {other:?}")),
    }
}

/// The value `read` makes of `xml`, or why it refused.
fn accepted<T>(xml: &str, read: Reader<T>) -> Result<T, String> {
    let e = parse(xml)?;
    read(e.as_ref()).map_err(|err| format!("{xml} refused: {err}"))
}

/// The error `read` refuses `xml` with; it must map to `bad-request` (RFC 3920 §9.3.3).
fn refused<T: Debug>(xml: &str, read: Reader<T>) -> Result<PayloadError, String> {
    let e = parse(xml)?;
    match read(e.as_ref()) {
        Ok(v) => Err(format!("{xml} accepted as {v:?}")),
        Err(err) if err.condition() == StanzaErrorCondition::BadRequest => Ok(err),
        Err(err) => Err(format!("{xml} refused with {:?}", err.condition())),
    }
}

fn message(xml: &str) -> Result<Message, String> {
    accepted(xml, Message::from_element)
}

fn presence(xml: &str) -> Result<Presence, String> {
    accepted(xml, Presence::from_element)
}

/// The serialized form of an element.
fn wire(e: &Element<'_>) -> Result<String, String> {
    e.to_xml().map_err(|err| err.to_string())
}

/// Reading `xml` and writing it back gives the same element.
fn round_trip<T>(xml: &str, read: Reader<T>, write: fn(&T) -> Element<'static>) -> Outcome {
    let value = accepted(xml, read)?;
    let back = write(&value);
    ensure(back == parse(xml)?, || {
        format!("{xml} written back as {:?}", wire(&back))
    })
}

// ---------------------------------------------------------------------------------------
// The children that hold character data (§2.1.2.1 to §2.2.2.3).

/// `<child/>` of `<stanza/>` with `content` is read; with an attribute other than
/// `xml:lang` it is refused, and with `xml:lang` it is read when `lang` allows it and
/// refused otherwise.
fn attributes_rule<T: Debug>(
    stanza: &str,
    child: &str,
    content: &str,
    lang: bool,
    read: Reader<T>,
) -> Outcome {
    let doc = |attrs: &str| {
        format!(
            "<{stanza} xmlns='jabber:client' xmlns:p='urn:example:p'>\
             <{child}{attrs}>{content}</{child}></{stanza}>"
        )
    };
    accepted(&doc(""), read)?;
    for attrs in [" type='x'", " id='c1'", " p:a='1'"] {
        refused(&doc(attrs), read)?;
    }
    let with_lang = doc(" xml:lang='de'");
    if lang {
        accepted(&with_lang, read).map(|_| ())
    } else {
        refused(&with_lang, read).map(|_| ())
    }
}

/// `<child/>` of `<stanza/>` holding an element besides its text is refused, whatever
/// the element's namespace.
fn mixed_content_rule<T: Debug>(
    stanza: &str,
    child: &str,
    content: &str,
    read: Reader<T>,
) -> Outcome {
    for inner in ["<b/>", "<em xmlns='urn:example:x'>t</em>"] {
        let xml = format!(
            "<{stanza} xmlns='jabber:client'><{child}>{content}{inner}</{child}></{stanza}>"
        );
        refused(&xml, read)?;
    }
    Ok(())
}

/// Two `<child/>` elements with the same language are refused; with distinct ones, each
/// text is kept under its language and written back.
fn languages_rule(stanza: &str, child: &str, texts: TextsOf) -> Outcome {
    let two = |a: &str, b: &str| {
        format!(
            "<{stanza} xmlns='jabber:client' xml:lang='en'>\
             <{child}{a}>one</{child}><{child}{b}>two</{child}></{stanza}>"
        )
    };
    let distinct = two("", " xml:lang='cz'");
    let got = if stanza == "message" {
        let m = message(&distinct)?;
        round_trip(&distinct, Message::from_element, Message::to_element)?;
        texts(&m, &Presence::new())
    } else {
        let p = presence(&distinct)?;
        round_trip(&distinct, Presence::from_element, Presence::to_element)?;
        texts(&Message::new(), &p)
    };
    let want = vec![
        (String::new(), "one".to_owned()),
        ("cz".to_owned(), "two".to_owned()),
    ];
    ensure(got == want, || format!("{distinct}: texts {got:?}"))?;
    for (a, b) in [("", ""), (" xml:lang='cz'", " xml:lang='cz'")] {
        let xml = two(a, b);
        if stanza == "message" {
            refused(&xml, Message::from_element)?;
        } else {
            refused(&xml, Presence::from_element)?;
        }
    }
    Ok(())
}

fn pairs(t: &xmpp_im::envelope::Texts) -> Vec<(String, String)> {
    t.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

// ---------------------------------------------------------------------------------------
// The IM server component, with the in-memory store.

const JULIET: SessionId = SessionId(1);
const GARDEN: SessionId = SessionId(2);
const ROMEO: SessionId = SessionId(3);

/// A delivery, read back as a tree.
struct Got {
    route: Route,
    tree: Element<'static>,
}

impl Got {
    fn condition(&self) -> Option<String> {
        let e = self.tree.child(CLIENT_NS, "error")?;
        e.elements()
            .find(|c| c.namespace() == STANZAS_NS)
            .map(|c| c.name().to_owned())
    }
}

struct World {
    server: Server,
    store: MemoryStore,
}

fn stanza(xml: &str) -> Result<Stanza, String> {
    let e = parse(xml)?;
    let ns = if e.namespace() == SERVER_NS {
        SERVER_NS
    } else {
        CLIENT_NS
    };
    Stanza::from_element(&e, ns).map_err(|err| format!("{xml}: {err}"))
}

impl World {
    fn new() -> Result<Self, String> {
        let mut store = MemoryStore::new();
        for u in ["juliet@example.com", "romeo@example.com"] {
            store.add_user(&u.parse::<BareJid>().map_err(|e| e.to_string())?);
        }
        Ok(World {
            server: Server::new(["example.com"]),
            store,
        })
    }

    fn drain(&mut self) -> Result<Vec<Got>, String> {
        let mut got = Vec::new();
        while let Some((route, stanza)) = self.server.poll_delivery(&mut self.store) {
            let tree = stanza.element().map_err(|e| e.to_string())?;
            got.push(Got { route, tree });
        }
        Ok(got)
    }

    fn start(&mut self, id: SessionId, jid: &str) -> Result<Vec<Got>, String> {
        let jid = jid.parse::<FullJid>().map_err(|e| e.to_string())?;
        self.server.session_started(id, jid);
        self.drain()
    }

    fn send(&mut self, id: SessionId, xml: &str) -> Result<Vec<Got>, String> {
        self.server.handle_stanza(id, stanza(xml)?);
        self.drain()
    }

    fn remote(&mut self, xml: &str) -> Result<Vec<Got>, String> {
        self.server.handle_remote(stanza(xml)?);
        self.drain()
    }

    /// Juliet available at balcony and Romeo at orchard, both with their rosters.
    fn two_online() -> Result<Self, String> {
        let mut w = World::new()?;
        for (id, jid) in [
            (JULIET, "juliet@example.com/balcony"),
            (ROMEO, "romeo@example.com/orchard"),
        ] {
            w.start(id, jid)?;
            w.send(
                id,
                &format!(
                    "<iq xmlns='jabber:client' from='{jid}' type='get' id='r1'>\
                     <query xmlns='jabber:iq:roster'/></iq>"
                ),
            )?;
            w.send(
                id,
                &format!("<presence xmlns='jabber:client' from='{jid}'/>"),
            )?;
        }
        Ok(w)
    }
}

/// The deliveries of kind `name` to `route`.
fn to<'g>(got: &'g [Got], route: &Route, name: &str) -> Vec<&'g Got> {
    got.iter()
        .filter(|g| g.route == *route && g.tree.name() == name)
        .collect()
}

// ---------------------------------------------------------------------------------------
// §2.1.1: message types.

/// 3921-2.1.1-1, 3921-4.2-1: a message states its conversational context in `type`:
/// chat, groupchat, headline and error are written as the attribute and read back;
/// normal, the context a message without `type` has (§2.1.1), is written without one.
fn message_type_context() -> Outcome {
    for kind in MessageType::ALL {
        let mut m = Message::new();
        m.kind = kind;
        if kind == MessageType::Error {
            m.error = Some(StanzaError::new(StanzaErrorCondition::ItemNotFound));
        }
        let e = m.to_element();
        let want = (kind != MessageType::Normal).then(|| kind.as_str());
        ensure(e.attr("type") == want, || {
            format!("{kind:?} written with type {:?}", e.attr("type"))
        })?;
        let back = Message::from_element(e.as_ref()).map_err(|err| err.to_string())?;
        ensure(back.kind == kind, || {
            format!("{kind:?} read back as {:?}", back.kind)
        })?;
    }
    let xml = "<message xmlns='jabber:client' to='romeo@example.net' \
               from='juliet@example.com/balcony' type='chat' xml:lang='en'>\
               <body>Wherefore art thou, Romeo?</body></message>";
    ensure(message(xml)?.kind == MessageType::Chat, || xml.into())?;
    round_trip(xml, Message::from_element, Message::to_element)
}

/// 3921-2.1.1-2: the typed message has exactly the five defined types; any other value
/// is not one of them.
fn message_type_values() -> Outcome {
    let names: Vec<&str> = MessageType::ALL.iter().map(|t| t.as_str()).collect();
    ensure(
        names == ["normal", "chat", "groupchat", "headline", "error"],
        || format!("{names:?}"),
    )?;
    for kind in MessageType::ALL {
        ensure(MessageType::from_name(kind.as_str()) == Some(kind), || {
            format!("{kind:?}")
        })?;
    }
    for other in ["Chat", "shout", "", "chat "] {
        ensure(MessageType::from_name(other).is_none(), || {
            format!("{other:?} taken as a message type")
        })?;
    }
    Ok(())
}

/// 3921-2.1.1-8a: each of the five types is read from the wire and written back.
fn message_types_all_handled() -> Outcome {
    for kind in MessageType::ALL {
        let xml = if kind == MessageType::Error {
            format!(
                "<message xmlns='jabber:client' type='error' id='e1'><body>x</body>\
                 <error type='cancel'><item-not-found xmlns='{STANZAS_NS}'/></error></message>"
            )
        } else {
            format!(
                "<message xmlns='jabber:client' type='{}'><body>x</body></message>",
                kind.as_str()
            )
        };
        let m = message(&xml)?;
        ensure(m.kind == kind, || format!("{xml} read as {:?}", m.kind))?;
        let back = Message::from_element(m.to_element().as_ref()).map_err(|e| e.to_string())?;
        ensure(back == m, || format!("{xml}: {back:?}"))?;
    }
    Ok(())
}

/// 3921-2.1.1-8b: a message without `type`, or with one not understood, is normal.
fn message_type_default_normal() -> Outcome {
    for xml in [
        "<message xmlns='jabber:client'><body>x</body></message>",
        "<message xmlns='jabber:client' type='shout'><body>x</body></message>",
        "<message xmlns='jabber:client' type='CHAT'><body>x</body></message>",
        "<message xmlns='jabber:server' type=''><body>x</body></message>",
    ] {
        let m = message(xml)?;
        ensure(m.kind == MessageType::Normal, || {
            format!("{xml} read as {:?}", m.kind)
        })?;
    }
    Ok(())
}

/// 3921-2.1.1-9: errors answer a received message only: the server answers an
/// undeliverable message with an error to its sender (same id), never a message of type
/// error; an error reply to an error is not even made.
fn message_error_only_in_reply() -> Outcome {
    let mut w = World::two_online()?;
    let got = w.send(
        ROMEO,
        "<message xmlns='jabber:client' from='romeo@example.com/orchard' \
         to='nobody@example.com' id='m1' type='chat'><body>hi</body></message>",
    )?;
    let errors = to(&got, &Route::Session(ROMEO), "message");
    ensure(
        errors.len() == 1
            && errors[0].tree.attr("type") == Some("error")
            && errors[0].tree.attr("id") == Some("m1")
            && errors[0].condition().as_deref() == Some("service-unavailable"),
        || format!("answer to an undeliverable message: {:?}", trees(&got)),
    )?;
    let error = "<message xmlns='jabber:client' from='romeo@example.com/orchard' \
                 to='nobody@example.com' id='m2' type='error'>\
                 <error type='cancel'><item-not-found \
                 xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>";
    let got = w.send(ROMEO, error)?;
    ensure(got.is_empty(), || {
        format!("an error message was answered: {:?}", trees(&got))
    })?;
    let reply = StanzaError::new(StanzaErrorCondition::BadRequest).reply_to(parse(error)?.as_ref());
    ensure(reply.is_none(), || format!("error answered with {reply:?}"))?;
    let original = parse(
        "<message xmlns='jabber:client' from='romeo@example.com/orchard' id='m3'><body>x</body></message>",
    )?;
    let reply = StanzaError::new(StanzaErrorCondition::BadRequest)
        .reply_to(original.as_ref())
        .ok_or("no error reply to a normal message")?;
    ensure(
        reply.attr("type") == Some("error")
            && reply.attr("id") == Some("m3")
            && reply.attr("to") == Some("romeo@example.com/orchard"),
        || format!("{:?}", wire(&reply)),
    )
}

fn trees(got: &[Got]) -> Vec<String> {
    got.iter()
        .map(|g| format!("{:?}: {}", g.route, wire(&g.tree).unwrap_or_default()))
        .collect()
}

/// 3921-2.1.1-10a: a message without `type` is read (as normal) and written without
/// one; a reply made with the received type carries it.
fn message_type_optional_mirrored() -> Outcome {
    round_trip(
        "<message xmlns='jabber:client' to='romeo@example.net'><body>x</body></message>",
        Message::from_element,
        Message::to_element,
    )?;
    let received = message(
        "<message xmlns='jabber:client' from='romeo@example.net/orchard' type='headline'>\
         <body>news</body></message>",
    )?;
    let mut reply = Message::new();
    reply.kind = received.kind;
    reply.envelope.to = received.envelope.from.clone();
    let e = reply.to_element();
    ensure(e.attr("type") == Some("headline"), || {
        format!("{:?}", wire(&e))
    })
}

// ---------------------------------------------------------------------------------------
// §2.1.2: message children.

/// 3921-2.1.2-1: children in other namespaces are kept, in order, and written back.
fn message_extensions() -> Outcome {
    let xml = "<message xmlns='jabber:client' to='romeo@example.net'><body>b</body>\
               <html xmlns='http://jabber.org/protocol/xhtml-im'>\
               <body xmlns='http://www.w3.org/1999/xhtml'><p>b</p></body></html>\
               <x xmlns='jabber:x:oob'><url>http://example.org/</url></x>\
               <active xmlns='http://jabber.org/protocol/chatstates'/></message>";
    let m = message(xml)?;
    let names: Vec<&str> = m.extensions.iter().map(|e| e.name()).collect();
    ensure(names == ["html", "x", "active"], || format!("{names:?}"))?;
    round_trip(xml, Message::from_element, Message::to_element)
}

/// 3921-2.1.2-2: a message of type error without `<error/>` (or with one that is not a
/// stanza error) is refused; with one, the error is read.
fn message_error_child() -> Outcome {
    for xml in [
        "<message xmlns='jabber:client' type='error'><body>x</body></message>",
        "<message xmlns='jabber:client' type='error'><error/></message>",
    ] {
        refused(xml, Message::from_element)?;
    }
    let m = message(&format!(
        "<message xmlns='jabber:client' type='error'>\
         <error type='cancel'><service-unavailable xmlns='{STANZAS_NS}'/></error></message>"
    ))?;
    ensure(
        m.error.map(|e| e.condition) == Some(StanzaErrorCondition::ServiceUnavailable),
        || "the error condition is lost".into(),
    )
}

/// 3921-2.1.2-3, 3921-4.3-1, 3921-4.4-1, 3921-4.5-1: subjects, bodies and a thread, in
/// both stanza namespaces: the examples of RFC 3921 §4.3 to §4.5 read and written back.
fn message_children() -> Outcome {
    let body = "<message xmlns='jabber:client' to='romeo@example.net' \
                from='juliet@example.com/balcony' type='chat' xml:lang='en'>\
                <body>Wherefore art thou, Romeo?</body>\
                <body xml:lang='cz'>Pro\u{10d}e\u{17d} jsi ty, Romeo?</body></message>";
    let m = message(body)?;
    ensure(
        m.body.get("").map(String::as_str) == Some("Wherefore art thou, Romeo?")
            && m.body.len() == 2,
        || format!("{:?}", m.body),
    )?;
    round_trip(body, Message::from_element, Message::to_element)?;
    let subject = "<message xmlns='jabber:server' to='romeo@example.net' \
                   from='juliet@example.com/balcony' type='chat' xml:lang='en'>\
                   <subject>I implore you!</subject>\
                   <subject xml:lang='cz'>\u{da}p\u{11b}nliv\u{11b} prosim!</subject>\
                   <body>Wherefore art thou, Romeo?</body></message>";
    let m = message(subject)?;
    ensure(
        m.subject.get("").map(String::as_str) == Some("I implore you!") && m.subject.len() == 2,
        || format!("{:?}", m.subject),
    )?;
    round_trip(subject, Message::from_element, Message::to_element)?;
    let thread = "<message xmlns='jabber:client' to='romeo@example.net/orchard' \
                  from='juliet@example.com/balcony' type='chat' xml:lang='en'>\
                  <body>Art thou not Romeo, and a Montague?</body>\
                  <thread>e0ffe42b28561960c6b12b944a092794b9683a38</thread></message>";
    let m = message(thread)?;
    ensure(
        m.thread.as_deref() == Some("e0ffe42b28561960c6b12b944a092794b9683a38"),
        || format!("{:?}", m.thread),
    )?;
    round_trip(thread, Message::from_element, Message::to_element)
}

/// 3921-2.1.2.1-1: `<subject/>` carries no attribute but `xml:lang`.
fn subject_attributes() -> Outcome {
    attributes_rule("message", "subject", "s", true, Message::from_element)
}

/// 3921-2.1.2.1-2: subjects in several languages, one per `xml:lang`.
fn subject_languages() -> Outcome {
    languages_rule("message", "subject", |m, _| pairs(&m.subject))
}

/// 3921-2.1.2.1-3: `<subject/>` holds character data only.
fn subject_mixed_content() -> Outcome {
    mixed_content_rule("message", "subject", "s", Message::from_element)
}

/// 3921-2.1.2.2-1: a message without `<body/>` is read and written back.
fn body_optional() -> Outcome {
    let xml = "<message xmlns='jabber:client' to='romeo@example.net'>\
               <thread>t1</thread></message>";
    let m = message(xml)?;
    ensure(m.body.is_empty(), || format!("{:?}", m.body))?;
    round_trip(xml, Message::from_element, Message::to_element)
}

/// 3921-2.1.2.2-2: `<body/>` carries no attribute but `xml:lang`.
fn body_attributes() -> Outcome {
    attributes_rule("message", "body", "b", true, Message::from_element)
}

/// 3921-2.1.2.2-3: several bodies, one per `xml:lang`.
fn body_languages() -> Outcome {
    languages_rule("message", "body", |m, _| pairs(&m.body))
}

/// 3921-2.1.2.2-4: `<body/>` holds character data only.
fn body_mixed_content() -> Outcome {
    mixed_content_rule("message", "body", "b", Message::from_element)
}

// ---------------------------------------------------------------------------------------
// §2.1.2.3: thread.

/// 3921-2.1.2.3-1: the thread of a received message is available as it came, and a reply
/// given it writes it unchanged.
fn thread_copied_in_reply() -> Outcome {
    let received = message(
        "<message xmlns='jabber:client' from='romeo@example.net/orchard' type='chat'>\
         <body>Neither, fair saint</body><thread> e0ffe42b-28 </thread></message>",
    )?;
    let mut reply = Message::new();
    reply.kind = MessageType::Chat;
    reply.thread = received.thread.clone();
    let e = reply.to_element();
    let written = e
        .child(CLIENT_NS, "thread")
        .map(|t| t.text().into_owned())
        .ok_or("no thread written")?;
    ensure(written == " e0ffe42b-28 ", || format!("{written:?}"))
}

/// 3921-2.1.2.3-3: messages with and without a thread are read and written back.
fn thread_optional() -> Outcome {
    for xml in [
        "<message xmlns='jabber:client'><body>x</body></message>",
        "<message xmlns='jabber:client'><body>x</body><thread>t</thread></message>",
    ] {
        round_trip(xml, Message::from_element, Message::to_element)?;
    }
    Ok(())
}

/// 3921-2.1.2.3-4: a second `<thread/>` is refused, even with the same value.
fn thread_once() -> Outcome {
    for xml in [
        "<message xmlns='jabber:client'><thread>a</thread><thread>b</thread></message>",
        "<message xmlns='jabber:client'><thread>a</thread><body>x</body><thread>a</thread></message>",
    ] {
        refused(xml, Message::from_element)?;
    }
    Ok(())
}

/// 3921-2.1.2.3-5: `<thread/>` carries no attribute, not even `xml:lang`.
fn thread_attributes() -> Outcome {
    attributes_rule("message", "thread", "t", false, Message::from_element)
}

/// 3921-2.1.2.3-6: the thread is kept exactly as sent (case, white space, any
/// characters), so only exact comparison is possible.
fn thread_opaque() -> Outcome {
    for value in [" A1 ", "a1", "A1", "1.2.3/\u{e9}&lt;x", "00"] {
        let xml = format!("<message xmlns='jabber:client'><thread>{value}</thread></message>");
        let m = message(&xml)?;
        let want = value.replace("&lt;", "<");
        ensure(m.thread.as_deref() == Some(want.as_str()), || {
            format!("{value:?} read as {:?}", m.thread)
        })?;
    }
    let a = message("<message xmlns='jabber:client'><thread>A1</thread></message>")?;
    let b = message("<message xmlns='jabber:client'><thread>a1</thread></message>")?;
    ensure(a.thread != b.thread, || "threads compared loosely".into())
}

/// 3921-2.1.2.3-7: `<thread/>` holds character data only.
fn thread_mixed_content() -> Outcome {
    mixed_content_rule("message", "thread", "t", Message::from_element)
}

// ---------------------------------------------------------------------------------------
// §2.2: presence.

/// 3921-2.2.1-1: presence without `type` is available, and is written without one.
fn presence_type_optional() -> Outcome {
    let xml = "<presence xmlns='jabber:client'/>";
    let p = presence(xml)?;
    ensure(p.kind == PresenceType::Available, || {
        format!("{:?}", p.kind)
    })?;
    round_trip(xml, Presence::from_element, Presence::to_element)
}

/// 3921-2.2.1-2: the seven type values are read; any other value is refused.
fn presence_type_values() -> Outcome {
    for (value, kind) in [
        ("unavailable", PresenceType::Unavailable),
        ("subscribe", PresenceType::Subscribe),
        ("subscribed", PresenceType::Subscribed),
        ("unsubscribe", PresenceType::Unsubscribe),
        ("unsubscribed", PresenceType::Unsubscribed),
        ("probe", PresenceType::Probe),
    ] {
        let xml = format!("<presence xmlns='jabber:client' type='{value}'/>");
        let p = presence(&xml)?;
        ensure(p.kind == kind, || format!("{xml} read as {:?}", p.kind))?;
        round_trip(&xml, Presence::from_element, Presence::to_element)?;
    }
    let error = format!(
        "<presence xmlns='jabber:client' type='error'>\
         <error type='cancel'><remote-server-not-found xmlns='{STANZAS_NS}'/></error></presence>"
    );
    ensure(presence(&error)?.kind == PresenceType::Error, || {
        error.clone()
    })?;
    for value in ["available", "invisible", "Probe", ""] {
        refused(
            &format!("<presence xmlns='jabber:client' type='{value}'/>"),
            Presence::from_element,
        )?;
    }
    Ok(())
}

/// 3921-2.2.1-3: the server probes on the user's behalf: when a resource sends initial
/// presence, the contact the user is subscribed to is probed from the resource's JID.
fn probe_from_server() -> Outcome {
    let mut w = World::new()?;
    w.start(JULIET, "juliet@example.com/balcony")?;
    let got = w.send(
        JULIET,
        "<presence xmlns='jabber:client' from='juliet@example.com/balcony' \
         to='romeo@example.net' type='subscribe'/>",
    )?;
    ensure(
        !to(&got, &Route::Remote("example.net".into()), "presence").is_empty(),
        || format!("subscribe not routed: {:?}", trees(&got)),
    )?;
    w.remote(
        "<presence xmlns='jabber:server' from='romeo@example.net' \
         to='juliet@example.com' type='subscribed'/>",
    )?;
    let got = w.send(
        JULIET,
        "<presence xmlns='jabber:client' from='juliet@example.com/balcony'/>",
    )?;
    let probes: Vec<&Got> = to(&got, &Route::Remote("example.net".into()), "presence")
        .into_iter()
        .filter(|g| g.tree.attr("type") == Some("probe"))
        .collect();
    ensure(
        probes.len() == 1
            && probes[0].tree.attr("from") == Some("juliet@example.com/balcony")
            && probes[0].tree.attr("to") == Some("romeo@example.net"),
        || format!("no probe on the user's behalf: {:?}", trees(&got)),
    )
}

/// 3921-2.2.2-1: presence children in other namespaces are kept, in order, and written
/// back.
fn presence_extensions() -> Outcome {
    let xml = "<presence xmlns='jabber:client'><show>away</show>\
               <c xmlns='http://jabber.org/protocol/caps' node='n' ver='v' hash='sha-1'/>\
               <x xmlns='vcard-temp:x:update'><photo/></x></presence>";
    let p = presence(xml)?;
    let names: Vec<&str> = p.extensions.iter().map(|e| e.name()).collect();
    ensure(names == ["c", "x"], || format!("{names:?}"))?;
    round_trip(xml, Presence::from_element, Presence::to_element)
}

/// 3921-2.2.2-2: a presence of type error without a valid `<error/>` is refused.
fn presence_error_child() -> Outcome {
    for xml in [
        "<presence xmlns='jabber:client' type='error'/>",
        "<presence xmlns='jabber:client' type='error'><error type='cancel'/></presence>",
    ] {
        refused(xml, Presence::from_element)?;
    }
    let p = presence(&format!(
        "<presence xmlns='jabber:client' type='error'>\
         <error type='cancel'><item-not-found xmlns='{STANZAS_NS}'/></error></presence>"
    ))?;
    ensure(p.error.is_some(), || "error lost".into())
}

/// 3921-2.2.2-3: an available presence with show, status and priority (the RFC's example).
fn presence_availability_children() -> Outcome {
    let xml = "<presence xmlns='jabber:client' from='juliet@example.com/balcony' \
               xml:lang='en'><show>dnd</show><status>Wooing Romeo</status>\
               <priority>1</priority></presence>";
    let p = presence(xml)?;
    ensure(
        p.show == Some(Show::Dnd)
            && p.status.get("").map(String::as_str) == Some("Wooing Romeo")
            && p.priority == Some(1),
        || format!("{p:?}"),
    )?;
    round_trip(xml, Presence::from_element, Presence::to_element)
}

/// 3921-2.2.2-4: `<status/>` is read in unavailable and in subscribe presence.
fn presence_status_other_types() -> Outcome {
    for kind in ["unavailable", "subscribe"] {
        let xml = format!(
            "<presence xmlns='jabber:client' type='{kind}'><status>gone fishing</status></presence>"
        );
        let p = presence(&xml)?;
        ensure(
            p.status.get("").map(String::as_str) == Some("gone fishing"),
            || format!("{xml}: {:?}", p.status),
        )?;
        round_trip(&xml, Presence::from_element, Presence::to_element)?;
    }
    Ok(())
}

/// 3921-2.2.2.1-1: presence without `<show/>` is available with no sub-state.
fn show_optional() -> Outcome {
    let p = presence("<presence xmlns='jabber:client'><status>here</status></presence>")?;
    ensure(
        p.show.is_none() && p.kind == PresenceType::Available,
        || format!("{p:?}"),
    )
}

/// 3921-2.2.2.1-2: a second `<show/>` is refused.
fn show_once() -> Outcome {
    for xml in [
        "<presence xmlns='jabber:client'><show>dnd</show><show>xa</show></presence>",
        "<presence xmlns='jabber:client'><show>away</show><status>x</status><show>away</show></presence>",
    ] {
        refused(xml, Presence::from_element)?;
    }
    Ok(())
}

/// 3921-2.2.2.1-3: `<show/>` carries no attribute.
fn show_attributes() -> Outcome {
    attributes_rule("presence", "show", "away", false, Presence::from_element)
}

/// 3921-2.2.2.1-4: `<show/>` is away, chat, dnd or xa; anything else is refused.
fn show_values() -> Outcome {
    for (value, show) in [
        ("away", Show::Away),
        ("chat", Show::Chat),
        ("dnd", Show::Dnd),
        ("xa", Show::Xa),
    ] {
        let xml = format!("<presence xmlns='jabber:client'><show>{value}</show></presence>");
        ensure(presence(&xml)?.show == Some(show), || xml.clone())?;
    }
    for value in ["online", "busy", "Away", "", "available"] {
        refused(
            &format!("<presence xmlns='jabber:client'><show>{value}</show></presence>"),
            Presence::from_element,
        )?;
    }
    Ok(())
}

/// 3921-2.2.2.2-1: presence without `<status/>` is read and written back.
fn status_optional() -> Outcome {
    let xml = "<presence xmlns='jabber:client'><show>xa</show></presence>";
    let p = presence(xml)?;
    ensure(p.status.is_empty(), || format!("{:?}", p.status))?;
    round_trip(xml, Presence::from_element, Presence::to_element)
}

/// 3921-2.2.2.2-2: `<status/>` carries no attribute but `xml:lang`.
fn status_attributes() -> Outcome {
    attributes_rule("presence", "status", "here", true, Presence::from_element)
}

/// 3921-2.2.2.2-3: several statuses, one per `xml:lang`.
fn status_languages() -> Outcome {
    languages_rule("presence", "status", |_, p| pairs(&p.status))
}

/// 3921-2.2.2.3-1: presence without `<priority/>` is read and written back without one.
fn priority_optional() -> Outcome {
    let xml = "<presence xmlns='jabber:client'><show>chat</show></presence>";
    let p = presence(xml)?;
    ensure(p.priority.is_none(), || format!("{:?}", p.priority))?;
    round_trip(xml, Presence::from_element, Presence::to_element)
}

/// 3921-2.2.2.3-2: the priority is an integer from -128 to 127; other values are refused.
fn priority_range() -> Outcome {
    let doc =
        |v: &str| format!("<presence xmlns='jabber:client'><priority>{v}</priority></presence>");
    for (value, want) in [("-128", -128), ("127", 127), ("0", 0), ("+5", 5)] {
        let p = presence(&doc(value))?;
        ensure(p.priority == Some(want), || {
            format!("{value} read as {:?}", p.priority)
        })?;
    }
    for value in ["128", "-129", "1000", "1.0", "one", ""] {
        refused(&doc(value), Presence::from_element)?;
    }
    for n in [i8::MIN, -1, 0, 1, i8::MAX] {
        let mut p = Presence::new();
        p.priority = Some(n);
        let back = Presence::from_element(p.to_element().as_ref()).map_err(|e| e.to_string())?;
        ensure(back.priority == Some(n), || format!("{n}"))?;
    }
    Ok(())
}

/// 3921-2.2.2.3-3: a second `<priority/>` is refused.
fn priority_once() -> Outcome {
    refused(
        "<presence xmlns='jabber:client'><priority>1</priority><priority>1</priority></presence>",
        Presence::from_element,
    )
    .map(|_| ())
}

/// 3921-2.2.2.3-4: `<priority/>` carries no attribute.
fn priority_attributes() -> Outcome {
    attributes_rule("presence", "priority", "1", false, Presence::from_element)
}

/// 3921-2.2.2.3-5: a resource that gave no priority counts as priority 0 for delivery: a
/// message to the bare JID goes to both it and a resource of priority 0 (a tie), and only
/// to a resource of priority 1 when there is one.
fn priority_default_zero() -> Outcome {
    let message = "<message xmlns='jabber:client' from='romeo@example.com/orchard' \
                   to='juliet@example.com' type='chat'><body>hi</body></message>";
    for (garden, both) in [(0, true), (1, false)] {
        let mut w = World::two_online()?;
        w.start(GARDEN, "juliet@example.com/garden")?;
        w.send(
            GARDEN,
            &format!(
                "<presence xmlns='jabber:client' from='juliet@example.com/garden'>\
                 <priority>{garden}</priority></presence>"
            ),
        )?;
        let got = w.send(ROMEO, message)?;
        let balcony = to(&got, &Route::Session(JULIET), "message").len();
        let garden_got = to(&got, &Route::Session(GARDEN), "message").len();
        ensure(balcony == usize::from(both) && garden_got == 1, || {
            format!(
                "garden at priority {garden}: balcony (no priority) got {balcony}, garden got \
                 {garden_got}"
            )
        })?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// §2.3, §2.4: IQ and extended namespaces.

/// 3921-2.3-1: an IQ without `id` is not a stanza the engine takes; with one it is.
fn iq_id_required() -> Outcome {
    for ns in [CLIENT_NS, SERVER_NS] {
        let without = Element::new(ns, "iq")
            .with_attr("type", "get")
            .with_child(Element::new("jabber:iq:roster", "query"));
        match Stanza::from_element(&without, ns) {
            Err(xmpp_core::BuildError::Envelope(xmpp_core::stanza::EnvelopeError::IqWithoutId)) => {
            }
            other => return Err(format!("iq without id in {ns}: {other:?}")),
        }
        let with = without.clone().with_attr("id", "r1");
        Stanza::from_element(&with, ns).map_err(|e| format!("iq with id in {ns}: {e}"))?;
    }
    Ok(())
}

/// 3921-2.3-2: an IQ with a payload of any namespace goes from one user's resource to
/// another's, payload unchanged.
fn iq_any_namespace() -> Outcome {
    let mut w = World::two_online()?;
    let iq = "<iq xmlns='jabber:client' from='romeo@example.com/orchard' \
              to='juliet@example.com/balcony' type='get' id='v1'>\
              <query xmlns='urn:example:custom' depth='2'><item>x</item></query></iq>";
    let got = w.send(ROMEO, iq)?;
    let delivered = to(&got, &Route::Session(JULIET), "iq");
    let payload = parse(iq)?;
    let want = payload.elements().next().map(|e| e.to_owned_element());
    ensure(
        delivered.len() == 1
            && delivered[0]
                .tree
                .elements()
                .next()
                .map(|e| e.to_owned_element())
                == want,
        || format!("{:?}", trees(&got)),
    )
}

/// 3921-2.4-1: message and presence keep several extension children.
fn extension_counts() -> Outcome {
    let m = message(
        "<message xmlns='jabber:client'><a xmlns='urn:a'/><b xmlns='urn:b'/>\
         <a xmlns='urn:a'/><body>x</body><c xmlns='urn:c'/></message>",
    )?;
    ensure(m.extensions.len() == 4, || format!("{:?}", m.extensions))?;
    let p = presence(
        "<presence xmlns='jabber:client'><a xmlns='urn:a'/><b xmlns='urn:b'/>\
         <c xmlns='urn:c'/></presence>",
    )?;
    ensure(p.extensions.len() == 3, || format!("{:?}", p.extensions))
}

/// 3921-2.4-2a: extension children of any name are kept.
fn extension_any_name() -> Outcome {
    for name in ["body", "subject", "thread", "show", "x", "a-b.c_d"] {
        let xml = format!(
            "<message xmlns='jabber:client'><{name} xmlns='urn:example:e'>t</{name}></message>"
        );
        let m = message(&xml)?;
        ensure(
            m.extensions.len() == 1
                && m.body.is_empty()
                && m.subject.is_empty()
                && m.thread.is_none(),
            || format!("{xml}: {m:?}"),
        )?;
        round_trip(&xml, Message::from_element, Message::to_element)?;
    }
    Ok(())
}

/// 3921-2.4-2b: an extension child is written with a declaration of its own namespace.
fn extension_own_namespace() -> Outcome {
    let mut m = Message::new();
    m.extensions.push(Element::new(
        "http://jabber.org/protocol/chatstates",
        "active",
    ));
    let mut p = Presence::new();
    p.extensions.push(
        Element::new("vcard-temp:x:update", "x")
            .with_child(Element::new("vcard-temp:x:update", "photo")),
    );
    for (e, want) in [
        (
            m.to_element(),
            "<active xmlns='http://jabber.org/protocol/chatstates'/>",
        ),
        (
            p.to_element(),
            "<x xmlns='vcard-temp:x:update'><photo/></x>",
        ),
    ] {
        let xml = wire(&e)?;
        ensure(xml.contains(want), || format!("{want} not in {xml}"))?;
    }
    Ok(())
}

/// 3921-2.4-3: extension namespaces other than RFC 3921's are not needed to read a
/// stanza: the readers carry them without interpreting them.
fn extension_support_optional() -> Outcome {
    let xml = "<presence xmlns='jabber:client'><priority>3</priority>\
               <unknown xmlns='urn:example:never-defined' a='1'><deep><er/></deep></unknown>\
               </presence>";
    let p = presence(xml)?;
    ensure(p.priority == Some(3) && p.extensions.len() == 1, || {
        format!("{p:?}")
    })?;
    round_trip(xml, Presence::from_element, Presence::to_element)
}

/// 3921-2.4-4: what is not understood is not taken for what is: an XHTML `<body/>` is
/// no message body, a `<show/>` of another namespace no availability, an `<error/>` of
/// another namespace no stanza error.
fn unknown_children_skipped() -> Outcome {
    let m = message(
        "<message xmlns='jabber:client'><html xmlns='http://jabber.org/protocol/xhtml-im'>\
         <body xmlns='http://www.w3.org/1999/xhtml'>rich</body></html>\
         <body xmlns='urn:example:other'>not this</body><subject xmlns='urn:x'>no</subject>\
         <thread xmlns='urn:x'>no</thread></message>",
    )?;
    ensure(
        m.body.is_empty() && m.subject.is_empty() && m.thread.is_none(),
        || format!("{m:?}"),
    )?;
    let p = presence(
        "<presence xmlns='jabber:client'><show xmlns='urn:example:other'>busy</show>\
         <priority xmlns='urn:x'>999</priority></presence>",
    )?;
    ensure(p.show.is_none() && p.priority.is_none(), || {
        format!("{p:?}")
    })?;
    refused(
        "<message xmlns='jabber:client' type='error'><error xmlns='urn:x'/></message>",
        Message::from_element,
    )
    .map(|_| ())
}

/// 3921-2.4-5: the known parts of a message or presence with unknown parts are read, and
/// the server handles such a presence as any other (its priority counts).
fn unknown_parts_ignored() -> Outcome {
    let m = message(
        "<message xmlns='jabber:client' type='chat'><x xmlns='urn:unknown'><body>no</body></x>\
         <body>yes</body><thread>t</thread></message>",
    )?;
    ensure(
        m.kind == MessageType::Chat
            && m.body.get("").map(String::as_str) == Some("yes")
            && m.thread.as_deref() == Some("t"),
        || format!("{m:?}"),
    )?;
    let mut w = World::two_online()?;
    w.start(GARDEN, "juliet@example.com/garden")?;
    w.send(
        GARDEN,
        "<presence xmlns='jabber:client' from='juliet@example.com/garden'>\
         <x xmlns='urn:unknown'><priority>-5</priority></x><priority>5</priority></presence>",
    )?;
    let got = w.send(
        ROMEO,
        "<message xmlns='jabber:client' from='romeo@example.com/orchard' \
         to='juliet@example.com'><body>hi</body></message>",
    )?;
    ensure(
        to(&got, &Route::Session(GARDEN), "message").len() == 1
            && to(&got, &Route::Session(JULIET), "message").is_empty(),
        || format!("priority 5 not applied: {:?}", trees(&got)),
    )
}

/// 3921-2.4-6: a message whose only child is not understood is dropped whole by the
/// server it is addressed to (no delivery, no error); the reader shows it has no content
/// of its own.
fn sole_unknown_child_dropped() -> Outcome {
    let xml = "<message xmlns='jabber:client' from='romeo@example.com/orchard' \
               to='example.com' id='u1'><x xmlns='urn:example:unknown'>t</x></message>";
    let m = message(xml)?;
    ensure(
        m.body.is_empty() && m.subject.is_empty() && m.thread.is_none() && m.extensions.len() == 1,
        || format!("{m:?}"),
    )?;
    let mut w = World::two_online()?;
    let got = w.send(ROMEO, xml)?;
    ensure(got.is_empty(), || format!("{:?}", trees(&got)))
}

/// 3921-2.4-7: an IQ get or set with a payload the server does not know, to the server or
/// to a user's bare JID, is answered with service-unavailable.
fn unknown_iq_service_unavailable() -> Outcome {
    let mut w = World::two_online()?;
    for (to_attr, kind) in [("example.com", "get"), ("juliet@example.com", "set")] {
        let xml = format!(
            "<iq xmlns='jabber:client' from='romeo@example.com/orchard' to='{to_attr}' \
             type='{kind}' id='q-{kind}'><q xmlns='urn:example:unknown'/></iq>"
        );
        let got = w.send(ROMEO, &xml)?;
        let answers = to(&got, &Route::Session(ROMEO), "iq");
        ensure(
            answers.len() == 1
                && answers[0].tree.attr("type") == Some("error")
                && answers[0].tree.attr("id") == Some(&format!("q-{kind}"))
                && answers[0].condition().as_deref() == Some("service-unavailable"),
            || format!("{xml}: {:?}", trees(&got)),
        )?;
    }
    Ok(())
}

/// 3921-2.4-8: the server passes children it does not understand on untouched, to a local
/// session and to another server.
fn router_forwards_unknown() -> Outcome {
    let ext = "<x xmlns='urn:example:unknown' a='1'><y b='2'>t<z/></y></x>";
    let mut w = World::two_online()?;
    for (dest, route) in [
        ("juliet@example.com/balcony", Route::Session(JULIET)),
        ("benvolio@example.net", Route::Remote("example.net".into())),
    ] {
        let xml = format!(
            "<message xmlns='jabber:client' from='romeo@example.com/orchard' to='{dest}'>\
             <body>b</body>{ext}</message>"
        );
        let got = w.send(ROMEO, &xml)?;
        let delivered = to(&got, &route, "message");
        let want = parse(ext)?;
        ensure(
            delivered.len() == 1
                && delivered[0]
                    .tree
                    .child("urn:example:unknown", "x")
                    .map(|e| e.to_owned_element())
                    == Some(want),
            || format!("to {dest}: {:?}", trees(&got)),
        )?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// §3: sessions, on the stream engines.

const HEADER: &str = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' \
    xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>";
/// PLAIN for juliet / pencil.
const AUTH: &str =
    "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGp1bGlldABwZW5jaWw=</auth>";
const RESTART: &str = "<stream:stream xmlns='jabber:client' \
    xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>";
const BIND: &str = "<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>\
    <resource>balcony</resource></bind></iq>";
const SESSION: &str = "<iq to='example.com' type='set' id='sess_1'>\
    <session xmlns='urn:ietf:params:xml:ns:xmpp-session'/></iq>";

fn secret() -> xmpp_sasl::ServerSecret {
    xmpp_sasl::ServerSecret::new(*b"conformance secret for the engine").expect("long enough")
}

fn server_config() -> ServerConfig {
    let mut c = ServerConfig::new("example.com", None, secret());
    c.tls = TlsPolicy::Disabled;
    c.sasl.allow_plain_without_tls = true;
    c.random = Box::new(SeededRandom::new(11));
    c
}

/// The account juliet / pencil, for PLAIN and SCRAM.
fn answer_sasl(conn: &mut Connection, event: &Event) {
    if let Event::SaslRequest { mechanism, request } = event {
        let a = match request {
            Request::VerifyPassword {
                authcid, password, ..
            } => Answer::PasswordValid(authcid == "juliet" && password.matches("pencil")),
            Request::ScramCredentials { username, .. } => {
                let hash = match mechanism.scram() {
                    Some((ScramHash::Sha1, _)) => ScramHash::Sha1,
                    _ => ScramHash::Sha256,
                };
                Answer::ScramCredentials(
                    (username == "juliet")
                        .then(|| {
                            StoredCredentials::derive(hash, "pencil", b"salt of juliet!!", 4096)
                                .ok()
                        })
                        .flatten(),
                )
            }
            Request::DigestMd5Secret { .. } => Answer::DigestMd5Secret(None),
        };
        let _ = conn.answer_sasl(a);
    }
}

/// A server stream fed scripted client bytes: what it wrote and reported.
struct Scripted {
    conn: Connection,
    out: String,
    events: Vec<Event>,
}

impl Scripted {
    fn new() -> Self {
        Scripted {
            conn: Connection::server(server_config(), Instant::now()),
            out: String::new(),
            events: Vec::new(),
        }
    }

    /// Feeds `bytes`; SASL is answered, bind requests are left to the caller.
    fn feed(&mut self, bytes: &str) {
        self.conn.handle_input(bytes.as_bytes(), Instant::now());
        self.pump();
    }

    fn pump(&mut self) {
        loop {
            let mut moved = false;
            while let Some(e) = self.conn.poll_event() {
                answer_sasl(&mut self.conn, &e);
                self.events.push(e);
                moved = true;
            }
            while let Some(b) = self.conn.poll_transmit() {
                self.out.push_str(&String::from_utf8_lossy(&b));
                moved = true;
            }
            if !moved {
                return;
            }
        }
    }

    fn bind_requested(&self) -> Option<Option<String>> {
        self.events.iter().rev().find_map(|e| match e {
            Event::BindRequest { requested } => Some(requested.clone()),
            _ => None,
        })
    }
}

/// 3921-3-9, 3921-3-10: a resource already in use can be taken over: the application
/// ends the active stream with a conflict stream error and accepts the new binding, whose
/// session request then gets a result.
fn session_replaces_old_resource() -> Outcome {
    let mut old = Scripted::new();
    for piece in [HEADER, AUTH, RESTART, BIND] {
        old.feed(piece);
    }
    old.conn.accept_bind(None).map_err(|e| e.to_string())?;
    old.pump();
    old.feed(SESSION);
    ensure(old.conn.is_established(), || {
        format!("first stream: {}", old.out)
    })?;

    let mut new = Scripted::new();
    for piece in [HEADER, AUTH, RESTART, BIND] {
        new.feed(piece);
    }
    let requested = new.bind_requested().flatten();
    ensure(requested.as_deref() == Some("balcony"), || {
        format!("bind request: {requested:?}")
    })?;
    // The resource is in use on `old`: case #1 of RFC 3921 §3.
    old.conn
        .close_with_error(StreamError::new(StreamErrorCondition::Conflict));
    old.pump();
    new.conn.accept_bind(None).map_err(|e| e.to_string())?;
    new.pump();
    new.feed(SESSION);
    let conflict = "<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>";
    ensure(old.out.contains(conflict), || {
        format!("old stream: {}", old.out)
    })?;
    ensure(old.out.ends_with("</stream:stream>"), || {
        format!("old stream not closed: {}", old.out)
    })?;
    old.conn.handle_eof();
    old.pump();
    ensure(old.conn.is_closed(), || "old connection still open".into())?;
    ensure(
        new.out.contains("<jid>juliet@example.com/balcony</jid>"),
        || format!("new stream: {}", new.out),
    )?;
    ensure(new.out.contains("<iq type='result' id='sess_1'/>"), || {
        format!("no session result: {}", new.out)
    })?;
    ensure(!new.conn.is_closed(), || "new stream closed".into())
}

/// 3921-3-12: once online, a client sends initial presence and the roster get of its
/// client model; the IM server answers, the model loads the roster, and the server takes
/// the resource as available.
fn initial_presence_and_roster() -> Outcome {
    let jid = Jid::parse("juliet@example.com/balcony").map_err(|e| e.to_string())?;
    let mut cc = ClientConfig::new(jid, "pencil");
    cc.tls = TlsPolicy::Disabled;
    cc.random = Box::new(SeededRandom::new(12));
    let now = Instant::now();
    let mut client = Connection::client(cc, now);
    let mut server = Connection::server(server_config(), now);
    let mut im = World::new()?;
    im.start(ROMEO, "romeo@example.com/orchard")?;
    let mut client_events = Vec::new();
    let mut bound: Option<FullJid> = None;

    let pump = |client: &mut Connection,
                server: &mut Connection,
                im: &mut World,
                client_events: &mut Vec<Event>,
                bound: &mut Option<FullJid>|
     -> Result<(), String> {
        for _ in 0..1000 {
            let mut moved = false;
            while let Some(b) = client.poll_transmit() {
                server.handle_input(&b, now);
                moved = true;
            }
            while let Some(e) = server.poll_event() {
                answer_sasl(server, &e);
                match e {
                    Event::BindRequest { .. } => {
                        server.accept_bind(None).map_err(|e| e.to_string())?;
                    }
                    Event::Bound(j) => {
                        im.server.session_started(JULIET, j.clone());
                        *bound = Some(j);
                    }
                    Event::Stanza(s) => im.server.handle_stanza(JULIET, s),
                    _ => {}
                }
                moved = true;
            }
            for g in im.drain()? {
                if g.route == Route::Session(JULIET) {
                    server.send(&g.tree).map_err(|e| e.to_string())?;
                    moved = true;
                }
            }
            while let Some(b) = server.poll_transmit() {
                client.handle_input(&b, now);
                moved = true;
            }
            while let Some(e) = client.poll_event() {
                client_events.push(e);
                moved = true;
            }
            if !moved {
                return Ok(());
            }
        }
        Err("the engines did not settle".into())
    };

    pump(
        &mut client,
        &mut server,
        &mut im,
        &mut client_events,
        &mut bound,
    )?;
    ensure(
        client_events.iter().any(|e| matches!(e, Event::Online)) && bound.is_some(),
        || format!("not online: {client_events:?}"),
    )?;
    let mut model = Client::new(BareJid::parse("juliet@example.com").map_err(|e| e.to_string())?);
    let roster_get = model.roster_mut().request("roster_1");
    client
        .send(&Presence::new().to_element())
        .map_err(|e| e.to_string())?;
    client.send(&roster_get).map_err(|e| e.to_string())?;
    pump(
        &mut client,
        &mut server,
        &mut im,
        &mut client_events,
        &mut bound,
    )?;
    let answer = client_events
        .iter()
        .find_map(|e| match e {
            Event::Stanza(s) if s.id() == Some("roster_1") => Some(s),
            _ => None,
        })
        .ok_or_else(|| format!("no roster answer: {client_events:?}"))?;
    let applied = model.handle_stanza(answer).map_err(|e| e.to_string())?;
    ensure(
        applied == Incoming::RosterLoaded(0) && model.roster().is_loaded(),
        || format!("roster answer: {applied:?}"),
    )?;
    // Available: a message to the bare JID reaches the resource.
    let got = im.send(
        ROMEO,
        "<message xmlns='jabber:client' from='romeo@example.com/orchard' \
         to='juliet@example.com'><body>hi</body></message>",
    )?;
    ensure(
        to(&got, &Route::Session(JULIET), "message").len() == 1,
        || format!("initial presence not taken: {:?}", trees(&got)),
    )
}

// ---------------------------------------------------------------------------------------
// §4: exchanging messages.

/// 3921-4.1-1: the recipient named in `to` is written on the message, and the server
/// delivers to it, full or bare JID.
fn message_addressed() -> Outcome {
    let mut m = Message::new();
    m.kind = MessageType::Chat;
    m.envelope.to = Some(Jid::parse("juliet@example.com/balcony").map_err(|e| e.to_string())?);
    m.envelope.from = Some(Jid::parse("romeo@example.com/orchard").map_err(|e| e.to_string())?);
    m.body.insert(String::new(), "hi".into());
    let e = m.to_element();
    ensure(e.attr("to") == Some("juliet@example.com/balcony"), || {
        format!("{:?}", wire(&e))
    })?;
    let mut w = World::two_online()?;
    for dest in ["juliet@example.com/balcony", "juliet@example.com"] {
        let mut m = m.clone();
        m.envelope.to = Some(Jid::parse(dest).map_err(|e| e.to_string())?);
        let xml = wire(&m.to_element())?;
        let got = w.send(ROMEO, &xml)?;
        ensure(
            to(&got, &Route::Session(JULIET), "message").len() == 1,
            || format!("to {dest}: {:?}", trees(&got)),
        )?;
    }
    Ok(())
}

/// Every check of this module.
pub static CHECKS: &[Check] = &[
    Check {
        name: "im_stanzas.message_type_context",
        run: message_type_context,
    },
    Check {
        name: "im_stanzas.message_type_values",
        run: message_type_values,
    },
    Check {
        name: "im_stanzas.message_types_all_handled",
        run: message_types_all_handled,
    },
    Check {
        name: "im_stanzas.message_type_default_normal",
        run: message_type_default_normal,
    },
    Check {
        name: "im_stanzas.message_error_only_in_reply",
        run: message_error_only_in_reply,
    },
    Check {
        name: "im_stanzas.message_type_optional_mirrored",
        run: message_type_optional_mirrored,
    },
    Check {
        name: "im_stanzas.message_extensions",
        run: message_extensions,
    },
    Check {
        name: "im_stanzas.message_error_child",
        run: message_error_child,
    },
    Check {
        name: "im_stanzas.message_children",
        run: message_children,
    },
    Check {
        name: "im_stanzas.subject_attributes",
        run: subject_attributes,
    },
    Check {
        name: "im_stanzas.subject_languages",
        run: subject_languages,
    },
    Check {
        name: "im_stanzas.subject_mixed_content",
        run: subject_mixed_content,
    },
    Check {
        name: "im_stanzas.body_optional",
        run: body_optional,
    },
    Check {
        name: "im_stanzas.body_attributes",
        run: body_attributes,
    },
    Check {
        name: "im_stanzas.body_languages",
        run: body_languages,
    },
    Check {
        name: "im_stanzas.body_mixed_content",
        run: body_mixed_content,
    },
    Check {
        name: "im_stanzas.thread_copied_in_reply",
        run: thread_copied_in_reply,
    },
    Check {
        name: "im_stanzas.thread_optional",
        run: thread_optional,
    },
    Check {
        name: "im_stanzas.thread_once",
        run: thread_once,
    },
    Check {
        name: "im_stanzas.thread_attributes",
        run: thread_attributes,
    },
    Check {
        name: "im_stanzas.thread_opaque",
        run: thread_opaque,
    },
    Check {
        name: "im_stanzas.thread_mixed_content",
        run: thread_mixed_content,
    },
    Check {
        name: "im_stanzas.presence_type_optional",
        run: presence_type_optional,
    },
    Check {
        name: "im_stanzas.presence_type_values",
        run: presence_type_values,
    },
    Check {
        name: "im_stanzas.probe_from_server",
        run: probe_from_server,
    },
    Check {
        name: "im_stanzas.presence_extensions",
        run: presence_extensions,
    },
    Check {
        name: "im_stanzas.presence_error_child",
        run: presence_error_child,
    },
    Check {
        name: "im_stanzas.presence_availability_children",
        run: presence_availability_children,
    },
    Check {
        name: "im_stanzas.presence_status_other_types",
        run: presence_status_other_types,
    },
    Check {
        name: "im_stanzas.show_optional",
        run: show_optional,
    },
    Check {
        name: "im_stanzas.show_once",
        run: show_once,
    },
    Check {
        name: "im_stanzas.show_attributes",
        run: show_attributes,
    },
    Check {
        name: "im_stanzas.show_values",
        run: show_values,
    },
    Check {
        name: "im_stanzas.status_optional",
        run: status_optional,
    },
    Check {
        name: "im_stanzas.status_attributes",
        run: status_attributes,
    },
    Check {
        name: "im_stanzas.status_languages",
        run: status_languages,
    },
    Check {
        name: "im_stanzas.priority_optional",
        run: priority_optional,
    },
    Check {
        name: "im_stanzas.priority_range",
        run: priority_range,
    },
    Check {
        name: "im_stanzas.priority_once",
        run: priority_once,
    },
    Check {
        name: "im_stanzas.priority_attributes",
        run: priority_attributes,
    },
    Check {
        name: "im_stanzas.priority_default_zero",
        run: priority_default_zero,
    },
    Check {
        name: "im_stanzas.iq_id_required",
        run: iq_id_required,
    },
    Check {
        name: "im_stanzas.iq_any_namespace",
        run: iq_any_namespace,
    },
    Check {
        name: "im_stanzas.extension_counts",
        run: extension_counts,
    },
    Check {
        name: "im_stanzas.extension_any_name",
        run: extension_any_name,
    },
    Check {
        name: "im_stanzas.extension_own_namespace",
        run: extension_own_namespace,
    },
    Check {
        name: "im_stanzas.extension_support_optional",
        run: extension_support_optional,
    },
    Check {
        name: "im_stanzas.unknown_children_skipped",
        run: unknown_children_skipped,
    },
    Check {
        name: "im_stanzas.unknown_parts_ignored",
        run: unknown_parts_ignored,
    },
    Check {
        name: "im_stanzas.sole_unknown_child_dropped",
        run: sole_unknown_child_dropped,
    },
    Check {
        name: "im_stanzas.unknown_iq_service_unavailable",
        run: unknown_iq_service_unavailable,
    },
    Check {
        name: "im_stanzas.router_forwards_unknown",
        run: router_forwards_unknown,
    },
    Check {
        name: "im_stanzas.session_replaces_old_resource",
        run: session_replaces_old_resource,
    },
    Check {
        name: "im_stanzas.initial_presence_and_roster",
        run: initial_presence_and_roster,
    },
    Check {
        name: "im_stanzas.message_addressed",
        run: message_addressed,
    },
];
