//! Stream errors (RFC 3920 §4.7): the `<stream:error/>` element, sent and received.

use std::borrow::Cow;
use std::fmt;

pub use xmpp_xml::StreamErrorCondition;
use xmpp_xml::{Attribute, Element, ElementRef, STREAMS_NS};

use crate::ns::{STREAM_ERRORS_NS, XML_NS};

/// A stream error: its condition (RFC 3920 §4.7.3), an optional descriptive text
/// (§4.7.2; for people, never for the program's logic) and an optional
/// application-specific condition (§4.7.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamError {
    /// The defined condition.
    pub condition: StreamErrorCondition,
    /// The `<text/>` content, if any.
    pub text: Option<String>,
    /// The `xml:lang` of the text, if given.
    pub lang: Option<String>,
    /// An application-specific condition element in its own namespace (§4.7.4).
    pub application: Option<Element<'static>>,
}

impl StreamError {
    /// An error with a condition only.
    pub fn new(condition: StreamErrorCondition) -> Self {
        StreamError {
            condition,
            text: None,
            lang: None,
            application: None,
        }
    }

    /// Adds a descriptive text (builder style), in English (`xml:lang='en'`) unless
    /// [`lang`](Self::lang) says otherwise (RFC 3920 §4.7.2: the text should state its
    /// language).
    pub fn with_text(mut self, text: impl Into<String>) -> Self {
        self.text = Some(text.into());
        self.lang.get_or_insert_with(|| "en".into());
        self
    }

    /// Adds an application-specific condition (builder style). Its namespace must not be the
    /// streams or stream-errors namespace (§4.7.4).
    pub fn with_application(mut self, element: Element<'static>) -> Self {
        self.application = Some(element);
        self
    }

    /// The `<stream:error/>` element.
    pub fn to_element(&self) -> Element<'static> {
        let mut e = Element::new(STREAMS_NS, "error")
            .with_child(Element::new(STREAM_ERRORS_NS, self.condition.as_str()));
        if let Some(text) = &self.text {
            e.push_child(text_element(STREAM_ERRORS_NS, text, self.lang.as_deref()));
        }
        if let Some(app) = &self.application {
            e.push_child(app.clone());
        }
        e
    }

    /// Reads a received `<stream:error/>` element. The condition is the first child in the
    /// stream-errors namespace other than `<text/>`; a missing or unknown one reads as
    /// `undefined-condition`. The RFC 6120 names of renamed conditions are understood
    /// (`not-well-formed` for `xml-not-well-formed`).
    pub fn from_element(e: ElementRef<'_>) -> Self {
        let mut error = StreamError::new(StreamErrorCondition::UndefinedCondition);
        let mut condition_seen = false;
        for child in e.elements() {
            if child.namespace() == STREAM_ERRORS_NS {
                if child.name() == "text" {
                    error.text = Some(child.text().into_owned());
                    error.lang = child.attr_ns(XML_NS, "lang").map(str::to_owned);
                } else if !condition_seen {
                    condition_seen = true;
                    error.condition = condition_from_name(child.name())
                        .unwrap_or(StreamErrorCondition::UndefinedCondition);
                }
            } else if error.application.is_none() {
                error.application = Some(child.to_owned_element());
            }
        }
        error
    }
}

impl fmt::Display for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.condition.as_str())?;
        if let Some(text) = &self.text {
            write!(f, ": {text}")?;
        }
        Ok(())
    }
}

impl std::error::Error for StreamError {}

/// The condition named `name` in the stream-errors namespace: every RFC 3920 §4.7.3 name,
/// and the RFC 6120 §4.9.3 name `not-well-formed` for `xml-not-well-formed`.
pub fn condition_from_name(name: &str) -> Option<StreamErrorCondition> {
    if name == "not-well-formed" {
        return Some(StreamErrorCondition::XmlNotWellFormed);
    }
    StreamErrorCondition::from_name(name)
}

/// A `<text/>` element of an error, in `ns`, with its `xml:lang` when known (RFC 3920
/// §4.7.2 and §9.3.2 share the shape).
pub(crate) fn text_element(ns: &'static str, text: &str, lang: Option<&str>) -> Element<'static> {
    let mut t = Element::new(ns, "text").with_text(text.to_owned());
    if let Some(lang) = lang {
        t.push_attr(Attribute {
            namespace: Cow::Borrowed(XML_NS),
            name: Cow::Borrowed("lang"),
            value: Cow::Owned(lang.to_owned()),
        });
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reparse(e: &Element<'_>) -> StreamError {
        let mut out = Vec::new();
        // Written inside a stream so the `stream:` prefix is declared.
        out.extend_from_slice(
            b"<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>",
        );
        e.write_in(&mut out, "jabber:client").unwrap();
        let mut p = xmpp_xml::Parser::new();
        p.feed(&out);
        let _ = p.next_event().unwrap();
        match p.next_event().unwrap() {
            Some(xmpp_xml::Event::Stanza(s)) => {
                let tree = s.to_element().unwrap();
                StreamError::from_element(tree.as_ref())
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn every_condition_round_trips() {
        for c in StreamErrorCondition::ALL {
            assert_eq!(condition_from_name(c.as_str()), Some(c));
            let e = StreamError::new(c).with_text("why");
            assert_eq!(reparse(&e.to_element()), e);
        }
    }

    #[test]
    fn rfc6120_name_is_understood() {
        // RFC 6120 §4.9.3.13 renamed xml-not-well-formed.
        assert_eq!(
            condition_from_name("not-well-formed"),
            Some(StreamErrorCondition::XmlNotWellFormed)
        );
    }

    #[test]
    fn application_condition_and_language_survive() {
        // RFC 3920 §4.7.5 example shape.
        let mut e = StreamError::new(StreamErrorCondition::Conflict).with_text("Replaced");
        e.lang = Some("en".into());
        e = e.with_application(Element::new("urn:example:app", "escape-your-data"));
        assert_eq!(reparse(&e.to_element()), e);
    }
}
