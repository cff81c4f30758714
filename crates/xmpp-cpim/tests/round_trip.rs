//! Property tests: XMPP to CPIM to XMPP keeps what the mapping says it keeps (RFC 3922
//! §4, §5), the Message/CPIM writer and reader are inverse, and every PIDF document the
//! presence mapping writes is valid against RFC 3863's schema (checked with xmllint, all
//! documents of a run in one call).

mod common;

use std::cell::RefCell;
use std::collections::BTreeMap;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use xmpp_cpim::cpim::{CpimMessage, Limits, MimeEntity};
use xmpp_cpim::header::{Header, Param};
use xmpp_cpim::mime::MimeHeader;
use xmpp_cpim::{DateTime, DecodeOptions, EncodeOptions};
use xmpp_im::message::{Message, MessageType};
use xmpp_im::presence::{Presence, PresenceType, Show};
use xmpp_jid::Jid;
use xmpp_xml::CLIENT_NS;

/// JIDs with a node, some with resources that an `xs:ID` cannot hold.
fn jid() -> impl Strategy<Value = Jid> {
    (
        prop::sample::select(vec![
            "juliet",
            "r\u{e9}mi",
            "d#27;art",
            "a.b-c",
            "x%y",
            "o#26;k",
        ]),
        prop::sample::select(vec!["example.com", "b\u{fc}cher.example", "[::1]"]),
        prop::option::of(prop::sample::select(vec![
            "balcony",
            "2nd phone",
            "_xmpp.x",
            "a/b@c",
            "\u{4e2d}",
            "Home",
        ])),
    )
        .prop_map(|(n, d, r)| {
            let s = match r {
                Some(r) => format!("{n}@{d}/{r}"),
                None => format!("{n}@{d}"),
            };
            Jid::parse(&s).expect("valid JID")
        })
}

/// Text XML can carry, without carriage returns (a line end is written as CRLF and read
/// back as LF), markup and escape characters included.
fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 &<>'\"\\\\\t\n\u{7f}\u{e9}\u{4e2d}\u{1F600}]{0,12}"
}

fn texts() -> impl Strategy<Value = BTreeMap<String, String>> {
    prop::collection::btree_map(
        prop::sample::select(vec!["", "en", "cz", "i-klingon", "de-AT"]).prop_map(str::to_owned),
        text(),
        0..3,
    )
}

fn id() -> impl Strategy<Value = Option<String>> {
    prop::option::of(prop::sample::select(vec![
        "123456789@example.net".to_owned(),
        "plain".to_owned(),
        "a b@c".to_owned(),
    ]))
}

fn lang() -> impl Strategy<Value = Option<String>> {
    prop::option::of(prop::sample::select(vec![
        "en".to_owned(),
        "fr-CA".to_owned(),
    ]))
}

fn any_message() -> impl Strategy<Value = Message> {
    (
        jid(),
        jid(),
        id(),
        lang(),
        prop::sample::select(MessageType::ALL[..4].to_vec()),
        texts(),
        texts(),
        prop::option::of("[a-z]{1,5}"),
    )
        .prop_map(|(from, to, id, lang, kind, subject, body, thread)| {
            let mut m = Message::new();
            m.envelope.from = Some(from);
            m.envelope.to = Some(to);
            m.envelope.id = id;
            m.envelope.lang = lang;
            m.kind = kind;
            m.subject = subject;
            m.body = body;
            m.thread = thread;
            m
        })
}

fn any_presence() -> impl Strategy<Value = Presence> {
    (
        jid(),
        jid(),
        id(),
        lang(),
        prop::bool::ANY,
        prop::option::of(prop::sample::select(vec![
            Show::Away,
            Show::Chat,
            Show::Dnd,
            Show::Xa,
        ])),
        texts(),
        prop::option::of(any::<i8>()),
    )
        .prop_map(|(from, to, id, lang, available, show, status, priority)| {
            let mut p = Presence::new();
            p.envelope.from = Some(from);
            p.envelope.to = Some(to);
            p.envelope.id = id;
            p.envelope.lang = lang;
            p.kind = if available {
                PresenceType::Available
            } else {
                PresenceType::Unavailable
            };
            p.show = show;
            p.status = status;
            p.priority = priority;
            p
        })
}

fn options() -> EncodeOptions {
    EncodeOptions {
        now: Some(DateTime::parse("2004-08-01T12:00:00.5+02:00").expect("time")),
        ids_are_unique: true,
        ..EncodeOptions::default()
    }
}

/// What the message mapping keeps (RFC 3922 §4): bare addresses, a unique id that can be
/// a Content-ID, the non-empty subjects without their final spaces, one body (without
/// `xml:lang`: else in the stanza's language: else the first) with its language as the
/// stanza's; no type, thread or other bodies.
fn kept_message(m: &Message) -> Message {
    let mut k = Message::new();
    k.envelope.namespace = CLIENT_NS.to_owned();
    k.envelope.from = m.envelope.from.as_ref().map(|j| Jid::from(j.to_bare()));
    k.envelope.to = m.envelope.to.as_ref().map(|j| Jid::from(j.to_bare()));
    k.envelope.id = m
        .envelope
        .id
        .clone()
        .filter(|i| i.contains('@') && !i.contains(' '));
    for (l, t) in &m.subject {
        let t = t.trim_end_matches(' ');
        if !t.is_empty() {
            k.subject.insert(l.clone(), t.to_owned());
        }
    }
    let chosen = m
        .body
        .get_key_value("")
        .or_else(|| {
            m.envelope
                .lang
                .as_ref()
                .and_then(|l| m.body.get_key_value(l))
        })
        .or_else(|| m.body.iter().next());
    k.envelope.lang = match chosen {
        Some((key, _)) if !key.is_empty() => Some(key.clone()),
        _ => m.envelope.lang.clone(),
    };
    if let Some((_, t)) = chosen.filter(|(_, t)| !t.is_empty()) {
        k.body.insert(String::new(), t.clone());
    }
    k
}

/// What the presence mapping keeps (RFC 3922 §5): the full `from`, the bare `to`, a
/// unique id, the language, type, show, statuses, a priority of 0 or more.
fn kept_presence(p: &Presence) -> Presence {
    let mut k = p.clone();
    k.envelope.namespace = CLIENT_NS.to_owned();
    k.envelope.to = p.envelope.to.as_ref().map(|j| Jid::from(j.to_bare()));
    k.envelope.id = p
        .envelope
        .id
        .clone()
        .filter(|i| i.contains('@') && !i.contains(' '));
    k.priority = p.priority.filter(|&v| v >= 0);
    k
}

fn through_bytes(obj: &CpimMessage) -> CpimMessage {
    CpimMessage::parse(&obj.to_bytes(), &Limits::default()).expect("written object reads back")
}

proptest! {
    /// RFC 3922 §4.1 then §4.2.
    #[test]
    fn message_round_trip(m in any_message()) {
        let obj = xmpp_cpim::message::to_cpim(&m, &options()).expect("maps");
        let back = xmpp_cpim::message::from_cpim(&through_bytes(&obj), &DecodeOptions::default())
            .expect("maps back");
        prop_assert_eq!(back, kept_message(&m));
    }
}

/// RFC 3922 §5.1 then §5.2, and every document written valid for xmllint.
#[test]
fn presence_round_trip_and_schema() {
    let docs = RefCell::new(Vec::new());
    let mut runner = TestRunner::new(Config::with_cases(300));
    runner
        .run(&any_presence(), |p| {
            let obj = xmpp_cpim::presence::to_cpim(&p, &options()).expect("maps");
            docs.borrow_mut().push(obj.content.body.clone());
            let back =
                xmpp_cpim::presence::from_cpim(&through_bytes(&obj), &DecodeOptions::default())
                    .expect("maps back");
            prop_assert_eq!(back, vec![kept_presence(&p)]);
            Ok(())
        })
        .expect("round trips");
    common::assert_valid(&docs.into_inner());
}

fn header_value() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 <>@:;\"'\\\\\t\n\r\u{1}\u{7f}\u{e9}]{0,10}"
}

fn any_object() -> impl Strategy<Value = CpimMessage> {
    let header = (
        prop::sample::select(vec!["Subject", "X-Note", "cc2", "Key!"]),
        header_value(),
        prop::option::of(prop::sample::select(vec!["en", "a b", "x\"y"])),
    )
        .prop_map(|(name, value, param)| {
            let h = Header::text(name, &value).expect("header");
            match param {
                Some(p) => Header::new(
                    name,
                    vec![Param::new("p", p).expect("param")],
                    h.raw_value(),
                )
                .expect("header"),
                None => h,
            }
        });
    (
        prop::collection::vec(header, 0..5),
        prop::option::of("[a-z ]{0,6}"),
        prop::collection::vec(any::<u8>(), 0..40),
    )
        .prop_map(|(mut headers, formal, body)| {
            headers.insert(
                0,
                Header::address("From", formal.as_deref(), "im:a@example.com").expect("header"),
            );
            CpimMessage::new(
                headers,
                MimeEntity {
                    headers: vec![MimeHeader::new("Content-Type", "text/plain").expect("header")],
                    body,
                },
            )
        })
}

proptest! {
    /// RFC 3862: what is written reads back as the same object, also with bare LF line
    /// ends in the header sections; escaped header text reads back as the text.
    #[test]
    fn cpim_writer_reader_inverse(obj in any_object()) {
        let bytes = obj.to_bytes();
        prop_assert_eq!(&CpimMessage::parse(&bytes, &Limits::default()).expect("reads"), &obj);
        let head_len = bytes.len() - obj.content.body.len();
        let mut lf = String::from_utf8(bytes[..head_len].to_vec()).expect("UTF-8").replace("\r\n", "\n").into_bytes();
        lf.extend_from_slice(&obj.content.body);
        prop_assert_eq!(&CpimMessage::parse(&lf, &Limits::default()).expect("reads"), &obj);
    }

    #[test]
    fn header_text_escapes_round_trip(value in header_value()) {
        let h = Header::text("Subject", &value).expect("header");
        prop_assert_eq!(h.text_value(), value);
    }
}
