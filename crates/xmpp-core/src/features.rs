//! Stream features (RFC 3920 §4.6 and §5-§7, RFC 3921 §3): what a receiving entity offers
//! after each stream header.

use xmpp_xml::{Element, ElementRef, STREAMS_NS};

use crate::ns::{BIND_NS, SASL_NS, SESSION_NS, TLS_NS};

/// The namespace of the dialback stream feature (XEP-0220 §2.1.1).
pub const DIALBACK_FEATURE_NS: &str = "urn:xmpp:features:dialback";

/// The namespace of the list of channel-binding types a server supports (XEP-0440 §2).
pub const CHANNEL_BINDING_NS: &str = "urn:xmpp:sasl-cb:0";

/// The features of one `<stream:features/>` element.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Features {
    /// STARTTLS is offered; `Some(true)` when the receiving entity requires it (§5.1 rule 4).
    pub starttls: Option<bool>,
    /// SASL mechanisms offered, in the server's order (§6.1 rule 4).
    pub mechanisms: Vec<String>,
    /// The channel-binding types the server supports for `-PLUS` mechanisms (XEP-0440),
    /// `None` when it does not say. A client binds only to a type listed here: without the
    /// list it cannot know which type the server computes (RFC 5802 §6 leaves it open).
    pub channel_binding_types: Option<Vec<String>>,
    /// Resource binding is offered (§7).
    pub bind: bool,
    /// Session establishment is offered (RFC 3921 §3).
    pub session: bool,
    /// Server dialback is offered (XEP-0220 §2.1.1).
    pub dialback: bool,
    /// Features the engine does not know, kept for the application.
    pub other: Vec<Element<'static>>,
}

impl Features {
    /// Reads a `<stream:features/>` element.
    pub fn from_element(e: ElementRef<'_>) -> Self {
        let mut f = Features::default();
        for child in e.elements() {
            match (child.namespace(), child.name()) {
                (TLS_NS, "starttls") => {
                    f.starttls = Some(child.child(TLS_NS, "required").is_some());
                }
                (SASL_NS, "mechanisms") => {
                    f.mechanisms = child
                        .elements()
                        .filter(|m| m.is(SASL_NS, "mechanism"))
                        .map(|m| m.text().trim().to_owned())
                        .filter(|m| !m.is_empty())
                        .collect();
                }
                (CHANNEL_BINDING_NS, "sasl-channel-binding") => {
                    f.channel_binding_types = Some(
                        child
                            .elements()
                            .filter(|c| c.is(CHANNEL_BINDING_NS, "channel-binding"))
                            .filter_map(|c| c.attr("type").map(str::to_owned))
                            .collect(),
                    );
                }
                (BIND_NS, "bind") => f.bind = true,
                (SESSION_NS, "session") => f.session = true,
                (DIALBACK_FEATURE_NS, "dialback") => f.dialback = true,
                _ => f.other.push(child.to_owned_element()),
            }
        }
        f
    }

    /// The `<stream:features/>` element.
    pub fn to_element(&self) -> Element<'static> {
        let mut e = Element::new(STREAMS_NS, "features");
        if let Some(required) = self.starttls {
            let mut tls = Element::new(TLS_NS, "starttls");
            if required {
                tls.push_child(Element::new(TLS_NS, "required"));
            }
            e.push_child(tls);
        }
        if !self.mechanisms.is_empty() {
            let mut m = Element::new(SASL_NS, "mechanisms");
            for name in &self.mechanisms {
                m.push_child(Element::new(SASL_NS, "mechanism").with_text(name.clone()));
            }
            e.push_child(m);
        }
        if let Some(types) = &self.channel_binding_types {
            let mut list = Element::new(CHANNEL_BINDING_NS, "sasl-channel-binding");
            for t in types {
                list.push_child(
                    Element::new(CHANNEL_BINDING_NS, "channel-binding")
                        .with_attr("type", t.clone()),
                );
            }
            e.push_child(list);
        }
        if self.bind {
            e.push_child(Element::new(BIND_NS, "bind"));
        }
        if self.session {
            e.push_child(Element::new(SESSION_NS, "session"));
        }
        if self.dialback {
            e.push_child(Element::new(DIALBACK_FEATURE_NS, "dialback"));
        }
        for other in &self.other {
            e.push_child(other.clone());
        }
        e
    }
}
