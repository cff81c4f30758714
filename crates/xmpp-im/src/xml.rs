//! Small helpers shared by the payload readers.

#[cfg(any(test, feature = "fuzzing"))]
use xmpp_xml::{Element, Event, Limits, Parser};

/// Parses one standalone element under the parser's default limits; `None` if the bytes
/// are not one complete, well-formed document.
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) fn parse_element(bytes: &[u8]) -> Option<Element<'static>> {
    let mut p = Parser::document(Limits::default());
    p.feed(bytes);
    let mut el = None;
    loop {
        match p.next_event() {
            Ok(Some(Event::Stanza(s))) => el = s.to_element().ok().map(Element::into_owned),
            Ok(Some(_)) => {}
            Ok(None) | Err(_) => break,
        }
    }
    p.finish().ok()?;
    el
}

/// Strategies and checks shared by the property tests.
#[cfg(test)]
pub(crate) mod test_support {
    use std::collections::BTreeMap;

    use proptest::prelude::*;
    use xmpp_xml::{Attribute, Element};

    /// Text that survives XML (no carriage returns, no characters XML forbids), markup
    /// characters included.
    pub(crate) fn text() -> impl Strategy<Value = String> {
        "[a-zA-Z0-9 &<>'\"\u{e9}\u{4e2d}]{0,8}"
    }

    /// Distinct attributes, some in a namespace, none named as one of `known`.
    pub(crate) fn any_attrs(
        known: &'static [&'static str],
    ) -> impl Strategy<Value = Vec<Attribute<'static>>> {
        prop::collection::btree_map(
            (
                prop::sample::select(vec!["", "urn:p", "urn:q"]),
                prop::sample::select(vec!["x", "ver", "data-1", "jid", "type", "id"]),
            ),
            "[a-z0-9 &<>']{0,6}",
            0..4,
        )
        .prop_map(move |m: BTreeMap<(&str, &str), String>| {
            m.into_iter()
                .filter(|((ns, name), _)| !(ns.is_empty() && known.contains(name)))
                .map(|((ns, name), value)| Attribute {
                    namespace: ns.into(),
                    name: name.into(),
                    value: value.into(),
                })
                .collect()
        })
    }

    /// Unknown child elements: other namespaces, or the payload's namespace with a name
    /// other than `known_name`; some with text and a nested child.
    pub(crate) fn any_extensions(
        ns: &'static str,
        known_name: &'static str,
    ) -> impl Strategy<Value = Vec<Element<'static>>> {
        prop::collection::vec(
            (
                prop::sample::select(vec!["urn:x", "urn:y", ns]),
                prop::sample::select(vec!["x", "delay", "note", known_name]),
                text(),
                any::<bool>(),
            )
                .prop_filter_map("a known child", move |(n, name, t, nested)| {
                    if n == ns && name == known_name {
                        return None;
                    }
                    let mut e = Element::new(n, name).with_text(t);
                    if nested {
                        e.push_child(Element::new("urn:z", "inner").with_attr("a", "1"));
                    }
                    Some(e)
                }),
            0..3,
        )
    }

    /// Envelopes of either stanza namespace; `known` are the attribute names the stanza
    /// reads itself.
    pub(crate) fn any_envelope() -> impl Strategy<Value = crate::envelope::Envelope> {
        let jid = || {
            prop::option::of(
                prop::sample::select(vec!["romeo@example.net", "example.org", "a@b/c d"])
                    .prop_map(|j| xmpp_jid::Jid::parse(j).expect("valid JID")),
            )
        };
        (
            prop::sample::select(vec![xmpp_xml::CLIENT_NS, xmpp_xml::SERVER_NS]),
            jid(),
            jid(),
            prop::option::of(text()),
            prop::option::of(prop::sample::select(vec!["en", "cz", "de-AT"])),
            any_attrs(&["to", "from", "id", "type"]),
        )
            .prop_map(
                |(ns, to, from, id, lang, extra_attrs)| crate::envelope::Envelope {
                    namespace: ns.to_owned(),
                    to,
                    from,
                    id,
                    lang: lang.map(str::to_owned),
                    extra_attrs,
                },
            )
    }

    /// Texts in up to three languages, one of them the stanza's own (`""`).
    pub(crate) fn any_texts() -> impl Strategy<Value = crate::envelope::Texts> {
        prop::collection::btree_map(
            prop::sample::select(vec!["", "en", "cz", "i-klingon"]).prop_map(str::to_owned),
            text(),
            0..3,
        )
    }

    /// A stanza error with a few conditions, with or without text.
    pub(crate) fn any_error() -> impl Strategy<Value = xmpp_core::StanzaError> {
        use xmpp_core::{StanzaError, StanzaErrorCondition as C};
        (
            prop::sample::select(vec![C::ItemNotFound, C::BadRequest, C::ServiceUnavailable]),
            prop::option::of(text()),
        )
            .prop_map(|(c, t)| match t {
                Some(t) => StanzaError::new(c).with_text(t),
                None => StanzaError::new(c),
            })
    }

    /// Writes an element and parses it back.
    pub(crate) fn round_trip(e: &Element<'_>) -> Element<'static> {
        let mut out = Vec::new();
        e.write_to(&mut out).expect("writable");
        super::parse_element(&out).expect("parses back")
    }
}
