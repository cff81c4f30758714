//! One entry point for both directions: a stanza to a Message/CPIM object, an object to
//! its stanzas, chosen by stanza kind and by content type.

use xmpp_im::message::Message;
use xmpp_im::presence::Presence;
use xmpp_xml::{Element, ElementRef};

use crate::cpim::CpimMessage;
use crate::error::MapError;
use crate::options::{DecodeOptions, EncodeOptions};

/// A message or presence stanza.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stanza {
    /// A `<message/>`.
    Message(Message),
    /// A `<presence/>`.
    Presence(Presence),
}

impl Stanza {
    /// Reads a `<message/>` or `<presence/>` of `jabber:client` or `jabber:server`.
    pub fn from_element(e: ElementRef<'_>) -> Result<Self, MapError> {
        let bad = |err: xmpp_im::PayloadError| MapError::NotMappable(format!("stanza: {err}"));
        match e.name() {
            "message" => Message::from_element(e).map(Stanza::Message).map_err(bad),
            "presence" => Presence::from_element(e).map(Stanza::Presence).map_err(bad),
            other => Err(MapError::NotMappable(format!(
                "<{}/> is neither a message nor a presence stanza",
                crate::error::clip(other)
            ))),
        }
    }

    /// The stanza element.
    pub fn to_element(&self) -> Element<'static> {
        match self {
            Stanza::Message(m) => m.to_element(),
            Stanza::Presence(p) => p.to_element(),
        }
    }
}

/// The Message/CPIM object for a stanza (RFC 3922 §4.1, §5.1).
pub fn encode(stanza: &Stanza, options: &EncodeOptions) -> Result<CpimMessage, MapError> {
    match stanza {
        Stanza::Message(m) => crate::message::to_cpim(m, options),
        Stanza::Presence(p) => crate::presence::to_cpim(p, options),
    }
}

/// The stanzas for a Message/CPIM object (RFC 3922 §4.2, §5.2): `text/plain` content is
/// a message, `application/pidf+xml` content is one presence per tuple.
pub fn decode(obj: &CpimMessage, options: &DecodeOptions) -> Result<Vec<Stanza>, MapError> {
    let (mime_type, _) = crate::content::content_type(obj)?;
    match mime_type.as_str() {
        "application/pidf+xml" => Ok(crate::presence::from_cpim(obj, options)?
            .into_iter()
            .map(Stanza::Presence)
            .collect()),
        _ => Ok(vec![Stanza::Message(crate::message::from_cpim(
            obj, options,
        )?)]),
    }
}
