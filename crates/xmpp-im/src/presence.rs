//! Typed presence stanzas (RFC 3921 §2.2), read from and written to [`Element`]s.
//!
//! Reading keeps what it does not know: attributes other than the defined ones and child
//! elements other than `<show/>`, `<status/>`, `<priority/>` and (in an error) `<error/>`
//! stay in `extra_attrs` and `extensions` and are written back after the known children.
//! The known children hold character data only: an attribute other than `xml:lang` (none
//! at all on `<show/>` and `<priority/>`) or a child element in one of them is refused.

use xmpp_core::StanzaError;
use xmpp_xml::{Element, ElementRef};

use crate::envelope::{Envelope, Texts, add_text, character_data, write_texts};
use crate::error::{PayloadError, clip};
use crate::subscription::Kind;

/// The `type` of a presence stanza (RFC 3921 §2.2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum PresenceType {
    /// No `type`: the sender is available (the default).
    #[default]
    Available,
    /// `unavailable`.
    Unavailable,
    /// `subscribe`.
    Subscribe,
    /// `subscribed`.
    Subscribed,
    /// `unsubscribe`.
    Unsubscribe,
    /// `unsubscribed`.
    Unsubscribed,
    /// `probe`: a server asks for an entity's current presence.
    Probe,
    /// `error`.
    Error,
}

impl PresenceType {
    /// The eight types.
    pub const ALL: [PresenceType; 8] = [
        PresenceType::Available,
        PresenceType::Unavailable,
        PresenceType::Subscribe,
        PresenceType::Subscribed,
        PresenceType::Unsubscribe,
        PresenceType::Unsubscribed,
        PresenceType::Probe,
        PresenceType::Error,
    ];

    /// The `type` attribute value; `None` for [`PresenceType::Available`].
    pub fn as_str(self) -> Option<&'static str> {
        Some(match self {
            PresenceType::Available => return None,
            PresenceType::Unavailable => "unavailable",
            PresenceType::Subscribe => "subscribe",
            PresenceType::Subscribed => "subscribed",
            PresenceType::Unsubscribe => "unsubscribe",
            PresenceType::Unsubscribed => "unsubscribed",
            PresenceType::Probe => "probe",
            PresenceType::Error => "error",
        })
    }

    /// The type for a `type` attribute value (`None` for an unknown one).
    pub fn from_name(name: &str) -> Option<Self> {
        PresenceType::ALL
            .into_iter()
            .find(|t| t.as_str() == Some(name))
    }

    /// The subscription kind of the four subscription types (RFC 3921 §9).
    pub fn subscription(self) -> Option<Kind> {
        Some(match self {
            PresenceType::Subscribe => Kind::Subscribe,
            PresenceType::Subscribed => Kind::Subscribed,
            PresenceType::Unsubscribe => Kind::Unsubscribe,
            PresenceType::Unsubscribed => Kind::Unsubscribed,
            _ => return None,
        })
    }
}

impl From<Kind> for PresenceType {
    fn from(k: Kind) -> Self {
        match k {
            Kind::Subscribe => PresenceType::Subscribe,
            Kind::Subscribed => PresenceType::Subscribed,
            Kind::Unsubscribe => PresenceType::Unsubscribe,
            Kind::Unsubscribed => PresenceType::Unsubscribed,
        }
    }
}

/// The `<show/>` of an available presence (RFC 3921 §2.2.2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Show {
    /// `away`.
    Away,
    /// `chat`: free to chat.
    Chat,
    /// `dnd`: do not disturb.
    Dnd,
    /// `xa`: extended away.
    Xa,
}

impl Show {
    /// The element's text.
    pub fn as_str(self) -> &'static str {
        match self {
            Show::Away => "away",
            Show::Chat => "chat",
            Show::Dnd => "dnd",
            Show::Xa => "xa",
        }
    }

    /// The value for an element's text, if it is one of the four.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "away" => Show::Away,
            "chat" => Show::Chat,
            "dnd" => Show::Dnd,
            "xa" => Show::Xa,
            _ => return None,
        })
    }
}

/// A presence stanza (RFC 3921 §2.2).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Presence {
    /// Namespace, addresses, `id`, `xml:lang`, unknown attributes.
    pub envelope: Envelope,
    /// The type.
    pub kind: PresenceType,
    /// The availability sub-state.
    pub show: Option<Show>,
    /// The `<status/>` texts per `xml:lang` (RFC 3921 §2.2.2.2).
    pub status: Texts,
    /// The priority, -128 to 127 (RFC 3921 §2.2.2.3).
    pub priority: Option<i8>,
    /// The error of a presence of type `error` (RFC 3920 §9.3), read through
    /// [`StanzaError::from_element`] (so of several application conditions only the
    /// first is kept).
    pub error: Option<StanzaError>,
    /// Child elements other than the ones above, in order.
    pub extensions: Vec<Element<'static>>,
}

const EXPECTED: &str = "{jabber:client or jabber:server}presence";

impl Presence {
    /// An available presence without content.
    pub fn new() -> Self {
        Presence::default()
    }

    /// Reads a `<presence/>` of the client or server namespace.
    ///
    /// Errors (all `bad-request` but the JIDs, `jid-malformed`): an unknown `type`; a
    /// `to` or `from` that is not a JID; a `<show/>` other than the four values, or two;
    /// a `<priority/>` that is not an integer from -128 to 127, or two; two `<status/>`
    /// with the same `xml:lang`; an attribute on `<show/>` or `<priority/>`, or one other
    /// than `xml:lang` on `<status/>` (§2.2.2.1 to §2.2.2.3); an element inside one of
    /// the three (RFC 3921 is silent on mixed content here; RFC 6121 §4.7.2 forbids it);
    /// a type `error` without a valid `<error/>`. A caller
    /// answering one of these must not answer a presence of type `error`
    /// (RFC 3920 §9.3.1).
    pub fn from_element(e: ElementRef<'_>) -> Result<Self, PayloadError> {
        let (envelope, kind) = Envelope::read(e, "presence", EXPECTED)?;
        let kind = match kind {
            None => PresenceType::Available,
            Some(v) => PresenceType::from_name(v).ok_or_else(|| PayloadError::InvalidValue {
                element: "presence",
                field: "type",
                value: clip(v),
            })?,
        };
        let ns = e.namespace();
        let mut p = Presence {
            envelope,
            kind,
            ..Presence::default()
        };
        for c in e.elements() {
            if c.namespace() != ns {
                p.extensions.push(c.to_owned_element());
                continue;
            }
            match c.name() {
                "show" => {
                    if p.show.is_some() {
                        return Err(dup("show"));
                    }
                    let t = character_data(c, "presence", "show", false)?;
                    p.show =
                        Some(
                            Show::from_name(&t).ok_or_else(|| PayloadError::InvalidValue {
                                element: "presence",
                                field: "show",
                                value: clip(&t),
                            })?,
                        );
                }
                "status" => add_text(&mut p.status, c, "presence", "status")?,
                "priority" => {
                    if p.priority.is_some() {
                        return Err(dup("priority"));
                    }
                    p.priority = Some(parse_priority(&character_data(
                        c, "presence", "priority", false,
                    )?)?);
                }
                "error" if kind == PresenceType::Error && p.error.is_none() => {
                    p.error = Some(
                        StanzaError::from_element(c)
                            .map_err(|e| PayloadError::InvalidError(Some(e)))?,
                    );
                }
                _ => p.extensions.push(c.to_owned_element()),
            }
        }
        if kind == PresenceType::Error && p.error.is_none() {
            return Err(PayloadError::InvalidError(None));
        }
        Ok(p)
    }

    /// Writes the presence: the envelope, `<show/>`, the `<status/>`es, `<priority/>`,
    /// `<error/>`, the extensions.
    pub fn to_element(&self) -> Element<'static> {
        let mut e = self.envelope.write("presence", self.kind.as_str());
        let ns = self.envelope.namespace.clone();
        if let Some(s) = self.show {
            e.push_child(Element::new(ns.clone(), "show").with_text(s.as_str()));
        }
        write_texts(&mut e, "status", &self.status);
        if let Some(p) = self.priority {
            e.push_child(Element::new(ns.clone(), "priority").with_text(p.to_string()));
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

fn dup(child: &'static str) -> PayloadError {
    PayloadError::Duplicate {
        element: "presence",
        child,
    }
}

/// An integer from -128 to 127 (RFC 3921 §2.2.2.3), surrounding XML white space allowed.
fn parse_priority(text: &str) -> Result<i8, PayloadError> {
    let t = text.trim_matches([' ', '\t', '\n', '\r']);
    // `i8::from_str` takes a leading '+', as the XML Schema `byte` type does.
    t.parse::<i8>().map_err(|_| PayloadError::InvalidValue {
        element: "presence",
        field: "priority",
        value: clip(text),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use xmpp_core::StanzaErrorCondition;

    fn parse(xml: &str) -> Element<'static> {
        crate::xml::parse_element(xml.as_bytes()).expect("well-formed test input")
    }

    fn read(xml: &str) -> Result<Presence, PayloadError> {
        Presence::from_element(parse(xml).as_ref())
    }

    /// RFC 3921 §2.2: the example of an available presence with show, status, priority.
    #[test]
    fn reads_an_available_presence() {
        let xml = "<presence xmlns='jabber:client' from='juliet@example.com/balcony' \
                   xml:lang='en'><show>away</show><status>be right back</status>\
                   <status xml:lang='cz'>Ja dvah.</status><priority>0</priority></presence>";
        let p = read(xml).expect("valid");
        assert_eq!(p.kind, PresenceType::Available);
        assert_eq!(p.show, Some(Show::Away));
        assert_eq!(p.status[""], "be right back");
        assert_eq!(p.status["cz"], "Ja dvah.");
        assert_eq!(p.priority, Some(0));
        assert_eq!(p.envelope.lang.as_deref(), Some("en"));
        assert_eq!(p.to_element(), parse(xml));
    }

    /// RFC 3921 §2.2.2.2: two statuses in one language are refused, whatever the case of
    /// their tags (language tags ignore case, RFC 3066 §2.1).
    #[test]
    fn one_status_per_language_whatever_the_case() {
        let e = read(
            "<presence xmlns='jabber:client'><status xml:lang='en'>a</status>\
             <status xml:lang='EN'>b</status></presence>",
        );
        assert!(matches!(e, Err(PayloadError::Duplicate { .. })), "{e:?}");
        let ok = read(
            "<presence xmlns='jabber:client'><status xml:lang='en'>a</status>\
             <status xml:lang='en-GB'>b</status></presence>",
        )
        .expect("two languages");
        assert_eq!(ok.status.len(), 2);
    }

    /// RFC 3921 §2.2.1: each type by its value; no type is available.
    #[test]
    fn every_type_reads_back() {
        for t in PresenceType::ALL {
            let mut p = Presence {
                kind: t,
                ..Presence::new()
            };
            if t == PresenceType::Error {
                p.error = Some(StanzaError::new(StanzaErrorCondition::ItemNotFound));
            }
            assert_eq!(Presence::from_element(p.to_element().as_ref()), Ok(p));
        }
        assert_eq!(
            read("<presence xmlns='jabber:server' type='subscribe'/>")
                .map(|p| p.kind.subscription()),
            Ok(Some(Kind::Subscribe))
        );
    }

    /// RFC 3921 §2.2.2.3: the priority is an integer from -128 to +127; 200 and non-numbers
    /// are bad requests.
    #[test]
    fn priority_range() {
        for (text, want) in [("-128", -128), ("127", 127), (" 5\n", 5), ("+1", 1)] {
            let p = read(&format!(
                "<presence xmlns='jabber:client'><priority>{text}</priority></presence>"
            ));
            assert_eq!(p.map(|p| p.priority), Ok(Some(want)), "{text:?}");
        }
        for text in ["200", "128", "-129", "high", "", "1.5", "0x1"] {
            let err = read(&format!(
                "<presence xmlns='jabber:client'><priority>{text}</priority></presence>"
            ))
            .unwrap_err();
            assert!(
                matches!(
                    err,
                    PayloadError::InvalidValue {
                        field: "priority",
                        ..
                    }
                ),
                "{text:?}"
            );
            assert_eq!(err.condition(), StanzaErrorCondition::BadRequest);
        }
    }

    /// RFC 3921 §2.2.2.1: show is one of four values, at most once.
    #[test]
    fn show_values() {
        let err = read("<presence xmlns='jabber:client'><show>busy</show></presence>").unwrap_err();
        assert_eq!(err.condition(), StanzaErrorCondition::BadRequest);
        let err =
            read("<presence xmlns='jabber:client'><show>dnd</show><show>xa</show></presence>")
                .unwrap_err();
        assert_eq!(err, dup("show"));
    }

    /// RFC 3921 §2.2.2.2: several statuses only with distinct languages.
    #[test]
    fn status_languages_are_distinct() {
        let err = read(
            "<presence xmlns='jabber:client'><status xml:lang='en'>a</status>\
             <status xml:lang='en'>b</status></presence>",
        )
        .unwrap_err();
        assert_eq!(err, dup("status"));
        assert_eq!(err.condition(), StanzaErrorCondition::BadRequest);
    }

    /// RFC 3921 §2.2.2.1 to §2.2.2.3: `<show/>` and `<priority/>` carry no attribute,
    /// `<status/>` only `xml:lang`; none of them holds an element (RFC 6121 §4.7.2).
    #[test]
    fn known_children_hold_character_data_only() {
        for (xml, child, attribute) in [
            ("<show id='1'>away</show>", "show", Some("id")),
            ("<priority n='1'>1</priority>", "priority", Some("n")),
            ("<status type='x'>a</status>", "status", Some("type")),
            ("<show>a<b/>way</show>", "show", None),
            ("<priority>1<b/></priority>", "priority", None),
            ("<status>a<b/></status>", "status", None),
        ] {
            let err =
                read(&format!("<presence xmlns='jabber:client'>{xml}</presence>")).unwrap_err();
            let want = match attribute {
                Some(a) => PayloadError::ForbiddenAttribute {
                    element: "presence",
                    child,
                    attribute: a.into(),
                },
                None => PayloadError::MixedContent {
                    element: "presence",
                    child,
                },
            };
            assert_eq!(err, want, "{xml}");
            assert_eq!(err.condition(), StanzaErrorCondition::BadRequest);
        }
        let p = read("<presence xmlns='jabber:client'><status xml:lang='en'>a</status></presence>")
            .expect("xml:lang is allowed");
        assert_eq!(p.status["en"], "a");
    }

    #[test]
    fn bad_type_bad_jid_and_missing_error() {
        let err = read("<presence xmlns='jabber:client' type='invisible'/>").unwrap_err();
        assert_eq!(err.condition(), StanzaErrorCondition::BadRequest);
        let err = read("<presence xmlns='jabber:client' to='a@b@c'/>").unwrap_err();
        assert_eq!(err.condition(), StanzaErrorCondition::JidMalformed);
        let err = read("<presence xmlns='jabber:client' type='error'/>").unwrap_err();
        assert_eq!(err, PayloadError::InvalidError(None));
        assert!(read("<presence xmlns='urn:other'/>").is_err());
        assert!(read("<message xmlns='jabber:client'/>").is_err());
    }

    /// Unknown attributes and children, and an `<error/>` outside an error presence, are
    /// kept.
    #[test]
    fn unknown_content_is_kept() {
        let xml = "<presence xmlns='jabber:client' foo='1'><priority>1</priority>\
                   <c xmlns='http://jabber.org/protocol/caps' node='n' ver='v'/>\
                   <nick xmlns='urn:nick'>R</nick></presence>";
        let p = read(xml).expect("valid");
        assert_eq!(p.extensions.len(), 2);
        assert_eq!(p.envelope.extra_attrs.len(), 1);
        assert_eq!(p.to_element(), parse(xml));
    }
}

#[cfg(test)]
mod props {
    use proptest::prelude::*;

    use super::*;
    use crate::xml::test_support::{
        any_envelope, any_error, any_extensions, any_texts, round_trip,
    };

    fn any_presence() -> impl Strategy<Value = Presence> {
        (
            any_envelope(),
            prop::sample::select(PresenceType::ALL.to_vec()),
            prop::option::of(prop::sample::select(vec![
                Show::Away,
                Show::Chat,
                Show::Dnd,
                Show::Xa,
            ])),
            any_texts(),
            prop::option::of(any::<i8>()),
            any_error(),
            any_extensions("urn:caps", "c"),
            any_extensions(xmpp_xml::CLIENT_NS, "show"),
        )
            .prop_map(
                |(envelope, kind, show, status, priority, error, mut ext, same_ns)| {
                    // Children in the stanza's own namespace with other names are
                    // extensions too.
                    if envelope.namespace == xmpp_xml::CLIENT_NS {
                        ext.extend(same_ns);
                    }
                    Presence {
                        envelope,
                        kind,
                        show,
                        status,
                        priority,
                        error: (kind == PresenceType::Error).then_some(error),
                        extensions: ext,
                    }
                },
            )
    }

    proptest! {
        /// Reading what was written gives the presence back, also through the bytes.
        #[test]
        fn presence_round_trips(p in any_presence()) {
            let e = p.to_element();
            prop_assert_eq!(&Presence::from_element(e.as_ref()).expect("readable"), &p);
            let back = round_trip(&e);
            prop_assert_eq!(Presence::from_element(back.as_ref()).expect("readable"), p);
        }

        /// Every priority in range reads back; every integer outside it is refused.
        #[test]
        fn priority_text(n in -1000i32..1000) {
            let e = Element::new(xmpp_xml::CLIENT_NS, "presence")
                .with_child(Element::new(xmpp_xml::CLIENT_NS, "priority").with_text(n.to_string()));
            let got = Presence::from_element(e.as_ref()).map(|p| p.priority);
            match i8::try_from(n) {
                Ok(v) => prop_assert_eq!(got, Ok(Some(v))),
                Err(_) => prop_assert!(got.is_err()),
            }
        }
    }
}
