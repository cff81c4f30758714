//! What an XMPP-CPIM gateway does with secured stanzas (RFC 3923 §8): it takes the
//! S/MIME object out of `<e2e/>` for the non-XMPP side, and wraps an object from that
//! side into a stanza, never changing the object (§8: it is immutable for the gateway).

use xmpp_xml::{Element, ElementRef};

use crate::error::{E2E_NS, E2eError};

/// The S/MIME object of a secured stanza, exactly as carried (the content of `<e2e/>`,
/// the whitespace that opens a CDATA section included), to route to the non-XMPP service.
pub fn unwrap(stanza: ElementRef<'_>) -> Result<String, E2eError> {
    stanza
        .elements()
        .find(|e| e.is(E2E_NS, "e2e"))
        .map(|e| e.text().into_owned())
        .ok_or_else(|| E2eError::Stanza("no <e2e/> child to unwrap".into()))
}

/// A stanza (`message` or `presence`, namespace `ns`) from `from` to `to` carrying
/// `object` unchanged in `<e2e/>`; write it with [`crate::to_xml_with_cdata`].
pub fn wrap(
    name: &str,
    ns: &str,
    from: &str,
    to: &str,
    object: &str,
) -> Result<Element<'static>, E2eError> {
    if name != "message" && name != "presence" {
        return Err(E2eError::Stanza(format!(
            "<{name}/> does not carry secured objects"
        )));
    }
    Ok(Element::new(ns.to_owned(), name.to_owned())
        .with_attr("from", from.to_owned())
        .with_attr("to", to.to_owned())
        .with_child(Element::new(E2E_NS, "e2e").with_text(object.to_owned())))
}
