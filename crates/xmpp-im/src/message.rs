//! Typed message stanzas (RFC 3921 §2.1), read from and written to [`Element`]s.
//!
//! Reading keeps what it does not know: attributes other than the defined ones and child
//! elements other than `<subject/>`, `<body/>`, `<thread/>` and (in an error) `<error/>`
//! stay in `extra_attrs` and `extensions` and are written back after the known children.
//! The known children hold character data only: an attribute other than `xml:lang` (none
//! at all on `<thread/>`) or a child element in one of them is refused.

use xmpp_core::StanzaError;
use xmpp_xml::{Attribute, Element, ElementRef};

use crate::envelope::{Envelope, Texts, add_text, character_data, write_texts};
use crate::error::PayloadError;

/// The `type` of a message stanza (RFC 3921 §2.1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum MessageType {
    /// `normal`, also a message without `type` or with one not understood (the default).
    #[default]
    Normal,
    /// `chat`: one-to-one conversation.
    Chat,
    /// `groupchat`: multi-user chat.
    Groupchat,
    /// `headline`: no reply expected.
    Headline,
    /// `error`.
    Error,
}

impl MessageType {
    /// The five types.
    pub const ALL: [MessageType; 5] = [
        MessageType::Normal,
        MessageType::Chat,
        MessageType::Groupchat,
        MessageType::Headline,
        MessageType::Error,
    ];

    /// The `type` attribute value.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageType::Normal => "normal",
            MessageType::Chat => "chat",
            MessageType::Groupchat => "groupchat",
            MessageType::Headline => "headline",
            MessageType::Error => "error",
        }
    }

    /// The type for a `type` attribute value (`None` for an unknown one).
    pub fn from_name(name: &str) -> Option<Self> {
        MessageType::ALL.into_iter().find(|t| t.as_str() == name)
    }
}

/// A message stanza (RFC 3921 §2.1).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Message {
    /// Namespace, addresses, `id`, `xml:lang`, unknown attributes.
    pub envelope: Envelope,
    /// The type. [`MessageType::Normal`] is written as no `type` attribute.
    pub kind: MessageType,
    /// The `<subject/>` texts per `xml:lang` (RFC 3921 §2.1.2.1).
    pub subject: Texts,
    /// The `<body/>` texts per `xml:lang` (RFC 3921 §2.1.2.2).
    pub body: Texts,
    /// The `<thread/>` identifier (RFC 3921 §2.1.2.3).
    pub thread: Option<String>,
    /// The error of a message of type `error` (RFC 3920 §9.3), read through
    /// [`StanzaError::from_element`] (so of several application conditions only the
    /// first is kept).
    pub error: Option<StanzaError>,
    /// Child elements other than the ones above, in order.
    pub extensions: Vec<Element<'static>>,
}

const EXPECTED: &str = "{jabber:client or jabber:server}message";

impl Message {
    /// A normal message without content.
    pub fn new() -> Self {
        Message::default()
    }

    /// Reads a `<message/>` of the client or server namespace.
    ///
    /// A `type` not understood makes the message `normal` (RFC 3921 §2.1.1); the
    /// attribute is then kept in the envelope's `extra_attrs`, so it is written back.
    ///
    /// Errors (all `bad-request` but the JIDs, `jid-malformed`): a `to` or `from` that is
    /// not a JID; two `<subject/>` or two `<body/>` with the same `xml:lang`
    /// (§2.1.2.1, §2.1.2.2); two `<thread/>` (§2.1.2.3); a `<subject/>` or `<body/>`
    /// with an attribute other than `xml:lang`, a `<thread/>` with any attribute (RFC
    /// 6121's `parent` included), or one of the three holding an element (§2.1.2.1 to
    /// §2.1.2.3); a type `error` without a valid
    /// `<error/>`. A caller answering one of these must not answer a message of type
    /// `error` (RFC 3920 §9.3.1).
    pub fn from_element(e: ElementRef<'_>) -> Result<Self, PayloadError> {
        let (mut envelope, kind) = Envelope::read(e, "message", EXPECTED)?;
        let kind = match kind {
            None => MessageType::Normal,
            Some(v) => match MessageType::from_name(v) {
                Some(k) => k,
                None => {
                    envelope.extra_attrs.push(Attribute {
                        namespace: "".into(),
                        name: "type".into(),
                        value: v.to_owned().into(),
                    });
                    MessageType::Normal
                }
            },
        };
        let ns = e.namespace();
        let mut m = Message {
            envelope,
            kind,
            ..Message::default()
        };
        for c in e.elements() {
            if c.namespace() != ns {
                m.extensions.push(c.to_owned_element());
                continue;
            }
            match c.name() {
                "subject" => add_text(&mut m.subject, c, "message", "subject")?,
                "body" => add_text(&mut m.body, c, "message", "body")?,
                "thread" => {
                    if m.thread.is_some() {
                        return Err(PayloadError::Duplicate {
                            element: "message",
                            child: "thread",
                        });
                    }
                    m.thread = Some(character_data(c, "message", "thread", false)?.into_owned());
                }
                "error" if kind == MessageType::Error && m.error.is_none() => {
                    m.error = Some(
                        StanzaError::from_element(c)
                            .map_err(|e| PayloadError::InvalidError(Some(e)))?,
                    );
                }
                _ => m.extensions.push(c.to_owned_element()),
            }
        }
        if kind == MessageType::Error && m.error.is_none() {
            return Err(PayloadError::InvalidError(None));
        }
        Ok(m)
    }

    /// Writes the message: the envelope, the `<subject/>`s, the `<body/>`s, `<thread/>`,
    /// `<error/>`, the extensions.
    pub fn to_element(&self) -> Element<'static> {
        let kind = (self.kind != MessageType::Normal).then(|| self.kind.as_str());
        let mut e = self.envelope.write("message", kind);
        let ns = self.envelope.namespace.clone();
        write_texts(&mut e, "subject", &self.subject);
        write_texts(&mut e, "body", &self.body);
        if let Some(t) = &self.thread {
            e.push_child(Element::new(ns.clone(), "thread").with_text(t.clone()));
        }
        if let Some(err) = &self.error {
            e.push_child(err.to_element(&ns));
        }
        for x in &self.extensions {
            e.push_child(x.clone());
        }
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use xmpp_core::StanzaErrorCondition;

    fn parse(xml: &str) -> Element<'static> {
        crate::xml::parse_element(xml.as_bytes()).expect("well-formed test input")
    }

    fn read(xml: &str) -> Result<Message, PayloadError> {
        Message::from_element(parse(xml).as_ref())
    }

    /// RFC 3921 §2.1.2: the example with subjects and bodies in two languages and a
    /// thread.
    #[test]
    fn reads_the_rfc_example() {
        let xml = "<message xmlns='jabber:client' to='romeo@example.net' \
                   from='juliet@example.com/balcony' type='chat' xml:lang='en'>\
                   <subject>I implore you!</subject>\
                   <subject xml:lang='cz'>\u{da}p\u{11b}nliv\u{11b} pros\u{ed}m!</subject>\
                   <body>Wherefore art thou, Romeo?</body>\
                   <body xml:lang='cz'>Pro\u{10d} se jmenuje\u{161} Romeo?</body>\
                   <thread>e0ffe42b28561960c6b12b944a092794b9683a38</thread></message>";
        let m = read(xml).expect("valid");
        assert_eq!(m.kind, MessageType::Chat);
        assert_eq!(m.body[""], "Wherefore art thou, Romeo?");
        assert_eq!(m.subject.len(), 2);
        assert_eq!(
            m.thread.as_deref(),
            Some("e0ffe42b28561960c6b12b944a092794b9683a38")
        );
        assert_eq!(m.to_element(), parse(xml));
    }

    /// RFC 3921 §2.1.1: no type and an unknown type are `normal`; the unknown value is
    /// kept.
    #[test]
    fn unknown_type_is_normal_and_kept() {
        assert_eq!(
            read("<message xmlns='jabber:client'/>").map(|m| m.kind),
            Ok(MessageType::Normal)
        );
        let xml = "<message xmlns='jabber:client' type='shout'><body>hi</body></message>";
        let m = read(xml).expect("valid");
        assert_eq!(m.kind, MessageType::Normal);
        assert_eq!(m.to_element(), parse(xml));
        assert_eq!(Message::from_element(m.to_element().as_ref()), Ok(m));
    }

    /// RFC 3921 §2.1.2.1-3: one subject and body per language, one thread.
    #[test]
    fn duplicates_are_bad_requests() {
        for xml in [
            "<message xmlns='jabber:client'><body>a</body><body>b</body></message>",
            "<message xmlns='jabber:client'><subject xml:lang='de'>a</subject>\
             <subject xml:lang='de'>b</subject></message>",
            "<message xmlns='jabber:client'><thread>a</thread><thread>b</thread></message>",
        ] {
            let err = read(xml).unwrap_err();
            assert!(matches!(err, PayloadError::Duplicate { .. }), "{xml}");
            assert_eq!(err.condition(), StanzaErrorCondition::BadRequest);
        }
    }

    /// RFC 3921 §2.1.2.1 to §2.1.2.3: `<subject/>` and `<body/>` carry no attribute but
    /// `xml:lang`, `<thread/>` none at all, and none of them holds an element.
    #[test]
    fn known_children_hold_character_data_only() {
        for (xml, want) in [
            (
                "<message xmlns='jabber:client'><subject type='x'>a</subject></message>",
                PayloadError::ForbiddenAttribute {
                    element: "message",
                    child: "subject",
                    attribute: "type".into(),
                },
            ),
            (
                "<message xmlns='jabber:client' xmlns:p='urn:p'><body p:a='1'>a</body></message>",
                PayloadError::ForbiddenAttribute {
                    element: "message",
                    child: "body",
                    attribute: "{urn:p}a".into(),
                },
            ),
            (
                "<message xmlns='jabber:client'><thread xml:lang='en'>t</thread></message>",
                PayloadError::ForbiddenAttribute {
                    element: "message",
                    child: "thread",
                    attribute: "{http://www.w3.org/XML/1998/namespace}lang".into(),
                },
            ),
            (
                "<message xmlns='jabber:client'><thread parent='p'>t</thread></message>",
                PayloadError::ForbiddenAttribute {
                    element: "message",
                    child: "thread",
                    attribute: "parent".into(),
                },
            ),
            (
                "<message xmlns='jabber:client'><subject>a<b/></subject></message>",
                PayloadError::MixedContent {
                    element: "message",
                    child: "subject",
                },
            ),
            (
                "<message xmlns='jabber:client'><body>a<em xmlns='urn:x'>b</em></body></message>",
                PayloadError::MixedContent {
                    element: "message",
                    child: "body",
                },
            ),
            (
                "<message xmlns='jabber:client'><thread><t/></thread></message>",
                PayloadError::MixedContent {
                    element: "message",
                    child: "thread",
                },
            ),
        ] {
            let err = read(xml).unwrap_err();
            assert_eq!(err, want, "{xml}");
            assert_eq!(err.condition(), StanzaErrorCondition::BadRequest);
            assert!(!err.to_string().is_empty());
        }
        let m = read(
            "<message xmlns='jabber:client'><body xml:lang='de'>a</body>\
             <subject xml:lang='de'>s</subject></message>",
        )
        .expect("xml:lang is allowed");
        assert_eq!(m.body["de"], "a");
    }

    /// RFC 3920 §9.3: an error message carries its error.
    #[test]
    fn error_message() {
        let xml = "<message xmlns='jabber:server' to='a@b' type='error'><body>x</body>\
                   <error type='cancel'><item-not-found \
                   xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>";
        let m = read(xml).expect("valid");
        assert_eq!(
            m.error.as_ref().map(|e| &e.condition),
            Some(&StanzaErrorCondition::ItemNotFound)
        );
        assert_eq!(m.to_element(), parse(xml));
        let err = read("<message xmlns='jabber:client' type='error'><error/></message>");
        assert!(matches!(err, Err(PayloadError::InvalidError(Some(_)))));
        assert_eq!(
            read("<message xmlns='jabber:client' from='@x'/>").map_err(|e| e.condition()),
            Err(StanzaErrorCondition::JidMalformed)
        );
    }

    #[test]
    fn unknown_content_is_kept() {
        let xml = "<message xmlns='jabber:client' id='m1' xmlns:p='urn:p' p:a='1'>\
                   <body>b</body><html xmlns='http://jabber.org/protocol/xhtml-im'>\
                   <body xmlns='http://www.w3.org/1999/xhtml'><p>b</p></body></html>\
                   <x xmlns='jabber:client'/></message>";
        let m = read(xml).expect("valid");
        assert_eq!(m.extensions.len(), 2);
        assert_eq!(m.to_element(), parse(xml));
    }
}

#[cfg(test)]
mod props {
    use proptest::prelude::*;

    use super::*;
    use crate::xml::test_support::{
        any_envelope, any_error, any_extensions, any_texts, round_trip, text,
    };

    fn any_message() -> impl Strategy<Value = Message> {
        (
            any_envelope(),
            prop::sample::select(MessageType::ALL.to_vec()),
            any_texts(),
            any_texts(),
            prop::option::of(text()),
            any_error(),
            any_extensions("http://jabber.org/protocol/chatstates", "x"),
            any_extensions(xmpp_xml::CLIENT_NS, "body"),
        )
            .prop_map(
                |(envelope, kind, subject, body, thread, error, mut ext, same_ns)| {
                    if envelope.namespace == xmpp_xml::CLIENT_NS {
                        ext.extend(
                            same_ns
                                .into_iter()
                                .filter(|e| !matches!(e.name(), "subject" | "thread" | "error")),
                        );
                    }
                    Message {
                        envelope,
                        kind,
                        subject,
                        body,
                        thread,
                        error: (kind == MessageType::Error).then_some(error),
                        extensions: ext,
                    }
                },
            )
    }

    proptest! {
        /// Reading what was written gives the message back, also through the bytes.
        #[test]
        fn message_round_trips(m in any_message()) {
            let e = m.to_element();
            prop_assert_eq!(&Message::from_element(e.as_ref()).expect("readable"), &m);
            let back = round_trip(&e);
            prop_assert_eq!(Message::from_element(back.as_ref()).expect("readable"), m);
        }
    }
}
