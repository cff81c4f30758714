//! Stanza errors (RFC 3920 §9.3): the `<error/>` child of a stanza of type `error`, and the
//! reply that carries one back to the sender.

use std::fmt;

use xmpp_xml::{Element, ElementRef};

use crate::ns::{STANZA_ERRORS_NS, XML_NS};

/// The `type` of an `<error/>` element (RFC 3920 §9.3.2): what the sender may do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorType {
    /// `cancel`: do not retry.
    Cancel,
    /// `continue`: proceed; the condition was a warning.
    Continue,
    /// `modify`: retry after changing the data sent.
    Modify,
    /// `auth`: retry after providing credentials.
    Auth,
    /// `wait`: retry later; the error is temporary.
    Wait,
}

impl ErrorType {
    /// Every type, in the RFC's order.
    pub const ALL: [ErrorType; 5] = [
        ErrorType::Cancel,
        ErrorType::Continue,
        ErrorType::Modify,
        ErrorType::Auth,
        ErrorType::Wait,
    ];

    /// The attribute value.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorType::Cancel => "cancel",
            ErrorType::Continue => "continue",
            ErrorType::Modify => "modify",
            ErrorType::Auth => "auth",
            ErrorType::Wait => "wait",
        }
    }

    /// The type with this attribute value.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == name)
    }
}

/// The defined conditions of RFC 3920 §9.3.3.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum StanzaErrorCondition {
    /// `bad-request`: malformed or unprocessable XML.
    BadRequest,
    /// `conflict`: a resource or session with the same name exists.
    Conflict,
    /// `feature-not-implemented`.
    FeatureNotImplemented,
    /// `forbidden`: the sender lacks the permissions.
    Forbidden,
    /// `gone`: the recipient moved; the new address, if known.
    Gone(Option<String>),
    /// `internal-server-error`.
    InternalServerError,
    /// `item-not-found`.
    ItemNotFound,
    /// `jid-malformed`: a JID that does not follow RFC 3920 §3.
    JidMalformed,
    /// `not-acceptable`: the request does not meet the recipient's criteria.
    NotAcceptable,
    /// `not-allowed`: nobody may perform the action.
    NotAllowed,
    /// `not-authorized`: credentials are needed first.
    NotAuthorized,
    /// `payment-required`.
    PaymentRequired,
    /// `recipient-unavailable`: temporarily unavailable.
    RecipientUnavailable,
    /// `redirect`: the recipient redirects; the new address, if given.
    Redirect(Option<String>),
    /// `registration-required`.
    RegistrationRequired,
    /// `remote-server-not-found`.
    RemoteServerNotFound,
    /// `remote-server-timeout`.
    RemoteServerTimeout,
    /// `resource-constraint`: the server lacks the resources to serve the request.
    ResourceConstraint,
    /// `service-unavailable`.
    ServiceUnavailable,
    /// `subscription-required`.
    SubscriptionRequired,
    /// `undefined-condition`.
    UndefinedCondition,
    /// `unexpected-request`: the request was out of order.
    UnexpectedRequest,
}

impl StanzaErrorCondition {
    /// Every condition (with empty addresses for `gone` and `redirect`), in the RFC's order.
    pub fn all() -> [StanzaErrorCondition; 22] {
        use StanzaErrorCondition::*;
        [
            BadRequest,
            Conflict,
            FeatureNotImplemented,
            Forbidden,
            Gone(None),
            InternalServerError,
            ItemNotFound,
            JidMalformed,
            NotAcceptable,
            NotAllowed,
            NotAuthorized,
            PaymentRequired,
            RecipientUnavailable,
            Redirect(None),
            RegistrationRequired,
            RemoteServerNotFound,
            RemoteServerTimeout,
            ResourceConstraint,
            ServiceUnavailable,
            SubscriptionRequired,
            UndefinedCondition,
            UnexpectedRequest,
        ]
    }

    /// The element name.
    pub fn as_str(&self) -> &'static str {
        use StanzaErrorCondition::*;
        match self {
            BadRequest => "bad-request",
            Conflict => "conflict",
            FeatureNotImplemented => "feature-not-implemented",
            Forbidden => "forbidden",
            Gone(_) => "gone",
            InternalServerError => "internal-server-error",
            ItemNotFound => "item-not-found",
            JidMalformed => "jid-malformed",
            NotAcceptable => "not-acceptable",
            NotAllowed => "not-allowed",
            NotAuthorized => "not-authorized",
            PaymentRequired => "payment-required",
            RecipientUnavailable => "recipient-unavailable",
            Redirect(_) => "redirect",
            RegistrationRequired => "registration-required",
            RemoteServerNotFound => "remote-server-not-found",
            RemoteServerTimeout => "remote-server-timeout",
            ResourceConstraint => "resource-constraint",
            ServiceUnavailable => "service-unavailable",
            SubscriptionRequired => "subscription-required",
            UndefinedCondition => "undefined-condition",
            UnexpectedRequest => "unexpected-request",
        }
    }

    /// The condition with this element name; `text` is the element's character data (the
    /// address of `gone` and `redirect`).
    pub fn from_name(name: &str, text: &str) -> Option<Self> {
        let address = (!text.trim().is_empty()).then(|| text.trim().to_owned());
        let mut found = Self::all().into_iter().find(|c| c.as_str() == name)?;
        match &mut found {
            StanzaErrorCondition::Gone(a) | StanzaErrorCondition::Redirect(a) => *a = address,
            _ => {}
        }
        Some(found)
    }

    /// The error type RFC 3920 §9.3.3 says the condition SHOULD travel with.
    pub fn default_type(&self) -> ErrorType {
        use StanzaErrorCondition::*;
        match self {
            BadRequest | Gone(_) | JidMalformed | NotAcceptable | Redirect(_) => ErrorType::Modify,
            Conflict
            | FeatureNotImplemented
            | ItemNotFound
            | NotAllowed
            | RemoteServerNotFound
            | ServiceUnavailable
            | UndefinedCondition => ErrorType::Cancel,
            Forbidden | NotAuthorized | PaymentRequired | RegistrationRequired
            | SubscriptionRequired => ErrorType::Auth,
            InternalServerError | RecipientUnavailable | RemoteServerTimeout
            | ResourceConstraint | UnexpectedRequest => ErrorType::Wait,
        }
    }
}

impl fmt::Display for StanzaErrorCondition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stanza error: type, defined condition, optional text and application condition
/// (RFC 3920 §9.3.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StanzaError {
    /// The error type.
    pub kind: ErrorType,
    /// The defined condition.
    pub condition: StanzaErrorCondition,
    /// Descriptive text for people.
    pub text: Option<String>,
    /// The `xml:lang` of the text.
    pub lang: Option<String>,
    /// An application-specific condition element.
    pub application: Option<Element<'static>>,
}

/// What was wrong with a received `<error/>` element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StanzaErrorParseError {
    /// The `type` attribute is missing or not one of the five of §9.3.2.
    BadType(Option<String>),
    /// No child in the stanza-errors namespace names a defined condition.
    NoCondition,
}

impl fmt::Display for StanzaErrorParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadType(Some(t)) => write!(f, "error type '{t}' is not one of RFC 3920 §9.3.2"),
            Self::BadType(None) => f.write_str("error element without a type"),
            Self::NoCondition => f.write_str("error element without a defined condition"),
        }
    }
}

impl std::error::Error for StanzaErrorParseError {}

impl StanzaError {
    /// An error with the condition's usual type (§9.3.3).
    pub fn new(condition: StanzaErrorCondition) -> Self {
        StanzaError {
            kind: condition.default_type(),
            condition,
            text: None,
            lang: None,
            application: None,
        }
    }

    /// Adds descriptive text (builder style), in English (`xml:lang='en'`) unless
    /// [`lang`](Self::lang) says otherwise (RFC 3920 §9.3.2: the text should state its
    /// language).
    pub fn with_text(mut self, text: impl Into<String>) -> Self {
        self.text = Some(text.into());
        self.lang.get_or_insert_with(|| "en".into());
        self
    }

    /// The `<error/>` element, in the namespace of the stanza that carries it.
    pub fn to_element(&self, stanza_ns: &str) -> Element<'static> {
        let mut cond = Element::new(STANZA_ERRORS_NS, self.condition.as_str());
        if let StanzaErrorCondition::Gone(Some(a)) | StanzaErrorCondition::Redirect(Some(a)) =
            &self.condition
        {
            cond = cond.with_text(a.clone());
        }
        let mut e = Element::new(stanza_ns.to_owned(), "error")
            .with_attr("type", self.kind.as_str())
            .with_child(cond);
        if let Some(text) = &self.text {
            e.push_child(crate::stream_error::text_element(
                STANZA_ERRORS_NS,
                text,
                self.lang.as_deref(),
            ));
        }
        if let Some(app) = &self.application {
            e.push_child(app.clone());
        }
        e
    }

    /// Reads an `<error/>` element.
    pub fn from_element(e: ElementRef<'_>) -> Result<Self, StanzaErrorParseError> {
        let kind = match e.attr("type") {
            Some(t) => ErrorType::from_name(t)
                .ok_or_else(|| StanzaErrorParseError::BadType(Some(t.to_owned())))?,
            None => return Err(StanzaErrorParseError::BadType(None)),
        };
        let mut condition = None;
        let (mut text, mut lang, mut application) = (None, None, None);
        for child in e.elements() {
            if child.namespace() == STANZA_ERRORS_NS {
                if child.name() == "text" {
                    text = Some(child.text().into_owned());
                    lang = child.attr_ns(XML_NS, "lang").map(str::to_owned);
                } else if condition.is_none() {
                    condition = StanzaErrorCondition::from_name(child.name(), &child.text());
                }
            } else if application.is_none() {
                application = Some(child.to_owned_element());
            }
        }
        Ok(StanzaError {
            kind,
            condition: condition.ok_or(StanzaErrorParseError::NoCondition)?,
            text,
            lang,
            application,
        })
    }

    /// The error reply to `original` (RFC 3920 §9.3.1): the same element name, `id` and
    /// namespace, `type='error'`, `to` and `from` swapped, the original children kept (the
    /// RFC recommends including them) and this error appended. `None` when `original` is
    /// itself an error (an entity must not answer an error with an error), an iq result
    /// (§9.2.3 rule 5), or an iq without `id` (an iq answer needs the request's id, §9.2.3
    /// rule 1; such a request is a stream-level fault).
    pub fn reply_to(&self, original: ElementRef<'_>) -> Option<Element<'static>> {
        let kind = original.attr("type");
        if kind == Some("error") {
            return None;
        }
        if original.name() == "iq" && (kind == Some("result") || original.attr("id").is_none()) {
            return None;
        }
        let ns = original.namespace().to_owned();
        let mut reply = Element::new(ns.clone(), original.name().to_owned());
        if let Some(from) = original.attr("from") {
            reply = reply.with_attr("to", from.to_owned());
        }
        if let Some(to) = original.attr("to") {
            reply = reply.with_attr("from", to.to_owned());
        }
        if let Some(id) = original.attr("id") {
            reply = reply.with_attr("id", id.to_owned());
        }
        reply = reply.with_attr("type", "error");
        for child in original.elements() {
            // An IQ result carries at most one child (§9.2.3); the request's payload and the
            // error make two, which §9.3.1's recommendation to include the original allows.
            reply.push_child(child.to_owned_element());
        }
        reply.push_child(self.to_element(&ns));
        Some(reply)
    }
}

impl fmt::Display for StanzaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.condition, self.kind.as_str())?;
        if let Some(t) = &self.text {
            write!(f, ": {t}")?;
        }
        Ok(())
    }
}

impl std::error::Error for StanzaError {}

#[cfg(test)]
mod tests {
    use super::*;
    use xmpp_xml::CLIENT_NS;

    fn parse(xml: &str) -> Element<'static> {
        let mut p = xmpp_xml::Parser::document(Default::default());
        p.feed(xml.as_bytes());
        match p.next_event().unwrap() {
            Some(xmpp_xml::Event::Stanza(s)) => s.to_element().unwrap().into_owned(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn every_condition_and_type_round_trips() {
        for c in StanzaErrorCondition::all() {
            for t in ErrorType::ALL {
                let mut e = StanzaError::new(c.clone()).with_text("details");
                e.kind = t;
                let mut out = Vec::new();
                e.to_element(CLIENT_NS).write_to(&mut out).unwrap();
                let back = parse(std::str::from_utf8(&out).unwrap());
                assert_eq!(StanzaError::from_element(back.as_ref()).unwrap(), e);
            }
        }
    }

    #[test]
    fn gone_and_redirect_carry_the_new_address() {
        let e = StanzaError::new(StanzaErrorCondition::Redirect(Some("xmpp:a@b".into())));
        let mut out = Vec::new();
        e.to_element(CLIENT_NS).write_to(&mut out).unwrap();
        let back = parse(std::str::from_utf8(&out).unwrap());
        assert_eq!(StanzaError::from_element(back.as_ref()).unwrap(), e);
    }

    #[test]
    fn reply_swaps_addresses_and_keeps_the_payload() {
        // RFC 3920 §9.3.1
        let iq = parse(
            "<iq xmlns='jabber:client' from='a@b/c' to='d@e' id='1' type='get'>\
             <query xmlns='urn:x'/></iq>",
        );
        let reply = StanzaError::new(StanzaErrorCondition::ServiceUnavailable)
            .reply_to(iq.as_ref())
            .unwrap();
        assert_eq!(reply.attr("to"), Some("a@b/c"));
        assert_eq!(reply.attr("from"), Some("d@e"));
        assert_eq!(reply.attr("id"), Some("1"));
        assert_eq!(reply.attr("type"), Some("error"));
        assert!(reply.child("urn:x", "query").is_some());
        let err = reply.child(CLIENT_NS, "error").unwrap();
        assert_eq!(err.attr("type"), Some("cancel"));
        assert!(err.child(STANZA_ERRORS_NS, "service-unavailable").is_some());
    }

    #[test]
    fn no_error_in_reply_to_an_error() {
        let e = parse("<message xmlns='jabber:client' type='error'/>");
        assert!(
            StanzaError::new(StanzaErrorCondition::BadRequest)
                .reply_to(e.as_ref())
                .is_none()
        );
    }

    #[test]
    fn malformed_errors_are_refused() {
        let no_type = parse(
            "<error xmlns='jabber:client'><bad-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>",
        );
        assert_eq!(
            StanzaError::from_element(no_type.as_ref()),
            Err(StanzaErrorParseError::BadType(None))
        );
        let no_cond =
            parse("<error xmlns='jabber:client' type='cancel'><x xmlns='urn:y'/></error>");
        assert_eq!(
            StanzaError::from_element(no_cond.as_ref()),
            Err(StanzaErrorParseError::NoCondition)
        );
    }
}
