//! The objects RFC 3923 signs and encrypts: a Message/CPIM object for a message (§3.1,
//! RFC 3862) and an `application/pidf+xml` object for presence (§4.1, RFC 3863), each
//! with the MIME header that names its type (RFC 3923 Examples 1 and 7).
//!
//! What of a stanza goes into the object:
//!
//! - A message whose children are one `<body/>` and at most one `<subject/>` (no
//!   `xml:lang`, a subject on one line) becomes the Message/CPIM object of RFC 3922 §4.1,
//!   written by `xmpp-cpim` (headers `From`, `To`, `DateTime`, `Subject`, a
//!   `text/plain; charset=utf-8` body), as in RFC 3923 §3.2, and is read back by
//!   `xmpp-cpim` (RFC 3922 §4.2). Any other message, and one `xmpp-cpim` cannot map, is
//!   carried whole as `application/xmpp+xml` inside the CPIM object (§5, §10: one
//!   `<message/>` inside `<xmpp xmlns='jabber:client'/>`), so that every child is
//!   secured and restored.
//! - A presence becomes the PIDF document of RFC 3922 §5.1, written by `xmpp-cpim`
//!   (`entity='pres:FROM'`, one tuple: `<basic>` `open` or `closed` for
//!   `type='unavailable'`, `<im:im>` from `<show/>`, `<note>`s from `<status/>`es, the
//!   priority as a contact priority, a `<timestamp>`), sent as `application/pidf+xml`
//!   (RFC 3923 §4.1: the document itself, not wrapped in Message/CPIM). On receipt it is
//!   mapped back by RFC 3922 §5.2 (`busy` is `dnd`), and `<show/>` and `<status/>` are
//!   restored; other presence children, the priority among them, stay outside the
//!   secured object, in the clear.
//!
//! Addresses are written as bare JIDs (`im:juliet@example.com`), as in RFC 3923 §3.2,
//! where the stanza goes to `romeo@example.net/orchard` and the CPIM `To` names
//! `im:romeo@example.net`.

use xmpp_xml::{Element, ElementRef, Limits, Node, Parser};

use crate::error::E2eError;
use crate::mime::Entity;
use crate::time::Timestamp;

/// `jabber:client`, the namespace of stanzas inside `application/xmpp+xml`.
pub const JABBER_CLIENT: &str = "jabber:client";

/// The largest secured object read (bytes); larger ones are refused.
pub const MAX_OBJECT: usize = 1 << 20;

/// A secured object read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payload {
    /// `Message/CPIM` or `application/pidf+xml`.
    pub kind: PayloadKind,
    /// The sender (CPIM `From`, PIDF `entity`), without URI scheme.
    pub from: Option<String>,
    /// The recipient (CPIM `To`); PIDF carries none.
    pub to: Option<String>,
    /// The CPIM `DateTime` or PIDF `<timestamp>`, as written.
    pub timestamp: Option<String>,
    /// The stanza children to restore.
    pub children: Vec<Element<'static>>,
}

/// The type of a secured object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayloadKind {
    /// `Message/CPIM` (RFC 3862).
    Cpim,
    /// `application/pidf+xml` (RFC 3863).
    Pidf,
}

fn stanza_err(m: impl Into<String>) -> E2eError {
    E2eError::Payload(m.into())
}

fn is_simple_message(stanza: ElementRef<'_>) -> bool {
    let mut bodies = 0;
    let mut subjects = 0;
    for node in stanza.children() {
        match node {
            Node::Element(e) => {
                if !e.attributes().is_empty() || e.elements().next().is_some() {
                    return false;
                }
                match e.name() {
                    "body" => bodies += 1,
                    "subject" if !e.text().contains(['\r', '\n']) => subjects += 1,
                    _ => return false,
                }
            }
            Node::Text(t) if t.trim().is_empty() => {}
            Node::Text(_) => return false,
        }
    }
    bodies == 1 && subjects <= 1
}

/// The Message/CPIM object (a MIME entity) for a message stanza.
pub fn message_object(
    stanza: ElementRef<'_>,
    from: &str,
    to: &str,
    now: Timestamp,
) -> Result<Vec<u8>, E2eError> {
    if is_simple_message(stanza) {
        if let Some(bytes) = cpim_text_object(stanza, from, to, now) {
            return Ok(bytes);
        }
    }
    xmpp_xml_object(stanza, from, to, now)
}

/// The RFC 3922 §4.1 object of a plain message, by `xmpp-cpim`; `None` when it cannot map
/// the message (then it travels as `application/xmpp+xml`).
fn cpim_text_object(
    stanza: ElementRef<'_>,
    from: &str,
    to: &str,
    now: Timestamp,
) -> Option<Vec<u8>> {
    let owned;
    let stanza = if stanza.namespace() == JABBER_CLIENT {
        stanza
    } else {
        owned = renamespace(stanza, stanza.namespace(), JABBER_CLIENT);
        owned.as_ref()
    };
    let mut m = xmpp_im::message::Message::from_element(stanza).ok()?;
    m.envelope.from = Some(xmpp_jid::Jid::parse(from).ok()?);
    m.envelope.to = Some(xmpp_jid::Jid::parse(to).ok()?);
    let options = xmpp_cpim::EncodeOptions {
        now: Some(xmpp_cpim::DateTime::parse(&now.to_rfc3339()).ok()?),
        ..Default::default()
    };
    xmpp_cpim::message::to_cpim(&m, &options)
        .ok()
        .map(|o| o.to_bytes())
}

fn xmpp_xml_object(
    stanza: ElementRef<'_>,
    from: &str,
    to: &str,
    now: Timestamp,
) -> Result<Vec<u8>, E2eError> {
    let mut out = format!(
        "Content-type: Message/CPIM\r\n\r\nFrom: <im:{from}>\r\nTo: <im:{to}>\r\nDateTime: {}\r\n",
        now.to_rfc3339()
    );
    let mut inner = Element::new(JABBER_CLIENT, "message");
    for a in stanza.attributes() {
        inner.push_attr(a.clone().into_owned());
    }
    for node in stanza.children() {
        match node {
            Node::Element(e) => inner.push_child(with_ns(e, stanza.namespace())),
            Node::Text(t) => inner.push_text(t.to_owned()),
        }
    }
    let xmpp = Element::new(JABBER_CLIENT, "xmpp").with_child(inner);
    let xml = xmpp.to_xml().map_err(|e| stanza_err(e.to_string()))?;
    out.push_str("\r\nContent-type: application/xmpp+xml; charset=utf-8\r\n\r\n");
    out.push_str("<?xml version='1.0' encoding='UTF-8'?>\r\n");
    out.push_str(&xml);
    Ok(out.into_bytes())
}

// A child of a stanza in no namespace (a stanza read without `xmlns`) moves to
// `jabber:client`; other namespaces are kept.
fn with_ns(e: ElementRef<'_>, stanza_ns: &str) -> Element<'static> {
    let mut owned = e.to_owned_element();
    if e.namespace() == stanza_ns && stanza_ns != JABBER_CLIENT {
        owned = renamespace(e, stanza_ns, JABBER_CLIENT);
    }
    owned
}

fn renamespace(e: ElementRef<'_>, from: &str, to: &str) -> Element<'static> {
    let ns = if e.namespace() == from {
        to.to_owned()
    } else {
        e.namespace().to_owned()
    };
    let mut out = Element::new(ns, e.name().to_owned());
    for a in e.attributes() {
        out.push_attr(a.clone().into_owned());
    }
    for node in e.children() {
        match node {
            Node::Element(c) => out.push_child(renamespace(c, from, to)),
            Node::Text(t) => out.push_text(t.to_owned()),
        }
    }
    out
}

/// The `application/pidf+xml` object (a MIME entity) for a presence stanza: the PIDF
/// document of RFC 3922 §5.1, written by `xmpp-cpim`.
pub fn presence_object(
    stanza: ElementRef<'_>,
    from: &str,
    now: Timestamp,
) -> Result<Vec<u8>, E2eError> {
    let owned;
    let stanza = if stanza.namespace() == JABBER_CLIENT {
        stanza
    } else {
        owned = renamespace(stanza, stanza.namespace(), JABBER_CLIENT);
        owned.as_ref()
    };
    let mut p = xmpp_im::presence::Presence::from_element(stanza)
        .map_err(|e| E2eError::Stanza(format!("presence: {e}")))?;
    p.envelope.from = Some(
        xmpp_jid::Jid::parse(from).map_err(|e| E2eError::Stanza(format!("from '{from}': {e}")))?,
    );
    let options = xmpp_cpim::EncodeOptions {
        now: Some(
            xmpp_cpim::DateTime::parse(&now.to_rfc3339())
                .map_err(|e| E2eError::Stanza(e.to_string()))?,
        ),
        ..Default::default()
    };
    let pidf = xmpp_cpim::presence::to_pidf(&p, &options)
        .map_err(|e| E2eError::Stanza(format!("presence to PIDF: {e}")))?;
    let doc = pidf
        .to_bytes()
        .map_err(|e| E2eError::Stanza(format!("PIDF: {e}")))?;
    let mut out = b"Content-type: application/pidf+xml\r\n\r\n".to_vec();
    out.extend_from_slice(&doc);
    Ok(out)
}

/// The stanza children a presence object stands for.
pub fn presence_children_secured(name: &str) -> bool {
    matches!(name, "show" | "status")
}

pub(crate) fn parse_xml(bytes: &[u8]) -> Result<Element<'static>, E2eError> {
    let limits = Limits::default().max_stanza_bytes(MAX_OBJECT);
    let mut p = Parser::document(limits);
    p.feed(bytes);
    let mut el = None;
    loop {
        match p.next_event() {
            Ok(Some(xmpp_xml::Event::Stanza(s))) => {
                el = Some(
                    s.to_element()
                        .map_err(|e| stanza_err(e.to_string()))?
                        .into_owned(),
                );
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) => return Err(stanza_err(format!("XML: {e}"))),
        }
    }
    p.finish().map_err(|e| stanza_err(format!("XML: {e}")))?;
    el.ok_or_else(|| stanza_err("XML document without a root element"))
}

/// The address inside `Name <im:jid>` or `<pres:jid>` (RFC 3862 §3.3.1, §3.3.2).
fn uri_address(value: &str) -> Option<String> {
    let inner = match (value.rfind('<'), value.rfind('>')) {
        (Some(a), Some(b)) if a < b => &value[a + 1..b],
        _ => value.trim(),
    };
    let addr = inner
        .strip_prefix("im:")
        .or_else(|| inner.strip_prefix("pres:"))
        .or_else(|| inner.strip_prefix("xmpp:"))?;
    Some(addr.to_owned())
}

/// Reads a secured object back (the innermost content of the S/MIME layers).
pub fn read(object: &[u8]) -> Result<Payload, E2eError> {
    if object.len() > MAX_OBJECT {
        return Err(stanza_err(format!("object larger than {MAX_OBJECT} bytes")));
    }
    let outer = Entity::parse(object).map_err(|e| stanza_err(e.to_string()))?;
    let ct = outer.content_type();
    match ct.mime.as_str() {
        "message/cpim" => read_cpim(object),
        "application/pidf+xml" => read_pidf(outer.body),
        other => Err(stanza_err(format!(
            "secured content of type '{other}' is neither Message/CPIM nor application/pidf+xml"
        ))),
    }
}

fn read_cpim(object: &[u8]) -> Result<Payload, E2eError> {
    let obj = xmpp_cpim::CpimMessage::parse(object, &xmpp_cpim::Limits::default())
        .map_err(|e| stanza_err(format!("Message/CPIM: {e}")))?;
    let one = |name: &'static str| -> Result<Option<String>, E2eError> {
        match obj.core(name).as_slice() {
            [] => Ok(None),
            [h] => Ok(Some(h.text_value())),
            // Several To headers are allowed (RFC 3862 §5.2); one stanza has one
            // recipient, so a second one is refused.
            _ => Err(stanza_err(format!("CPIM header {name} more than once"))),
        }
    };
    let address = |name: &'static str| -> Result<Option<String>, E2eError> {
        one(name)?
            .map(|v| {
                uri_address(&v)
                    .ok_or_else(|| stanza_err(format!("CPIM {name} '{v}' is not an im: URI")))
            })
            .transpose()
    };
    let mut p = Payload {
        kind: PayloadKind::Cpim,
        from: address("From")?,
        to: address("To")?,
        timestamp: one("DateTime")?,
        children: Vec::new(),
    };
    let ct = obj
        .content
        .content_type()
        .map(|c| c.mime_type)
        .unwrap_or_default();
    match ct.as_str() {
        "text/plain" => {
            let m = xmpp_cpim::message::from_cpim(&obj, &xmpp_cpim::DecodeOptions::default())
                .map_err(|e| stanza_err(format!("Message/CPIM: {e}")))?;
            let el = m.to_element();
            p.children.extend(
                el.elements()
                    .filter(|e| matches!(e.name(), "subject" | "body"))
                    .map(|e| e.to_owned_element()),
            );
        }
        "application/xmpp+xml" => p.children = xmpp_xml_children(&obj.content.body)?,
        other => return Err(stanza_err(format!("CPIM content of type '{other}'"))),
    }
    Ok(p)
}

fn xmpp_xml_children(body: &[u8]) -> Result<Vec<Element<'static>>, E2eError> {
    let root = parse_xml(body)?;
    // RFC 3923 §10: the root is <xmpp/> with one and only one stanza child.
    if !root.is(JABBER_CLIENT, "xmpp") {
        return Err(stanza_err(
            "application/xmpp+xml root is not <xmpp xmlns='jabber:client'/>",
        ));
    }
    let mut stanzas = root.elements();
    let (Some(stanza), None) = (stanzas.next(), stanzas.next()) else {
        return Err(stanza_err(
            "<xmpp/> must hold exactly one stanza (RFC 3923 §10)",
        ));
    };
    Ok(stanza.elements().map(|e| e.to_owned_element()).collect())
}

fn read_pidf(body: &[u8]) -> Result<Payload, E2eError> {
    let pidf = xmpp_cpim::pidf::Pidf::parse(body, MAX_OBJECT)
        .map_err(|e| stanza_err(format!("PIDF: {e}")))?;
    let from = uri_address(&pidf.entity)
        .ok_or_else(|| stanza_err(format!("PIDF entity '{}' is not a pres: URI", pidf.entity)))?;
    let [tuple] = pidf.tuples.as_slice() else {
        return Err(stanza_err(
            "PIDF document must hold one tuple for one presence stanza",
        ));
    };
    let timestamp = tuple.timestamp.as_ref().map(|t| t.as_str().to_owned());
    // The document back to a presence by RFC 3922 §5.2, through xmpp-cpim: wrapped in
    // the Message/CPIM object that mapping reads, From naming the entity.
    let im = format!("im:{from}");
    let header = |name: &str| {
        xmpp_cpim::header::Header::address(name, None, &im)
            .map_err(|e| stanza_err(format!("PIDF entity: {e:?}")))
    };
    let content = xmpp_cpim::MimeEntity {
        headers: vec![
            xmpp_cpim::mime::MimeHeader::new("Content-Type", "application/pidf+xml; charset=utf-8")
                .map_err(|e| stanza_err(format!("{e:?}")))?,
        ],
        body: body.to_vec(),
    };
    let obj = xmpp_cpim::CpimMessage::new(vec![header("From")?, header("To")?], content);
    let presences = xmpp_cpim::presence::from_cpim(&obj, &xmpp_cpim::DecodeOptions::default())
        .map_err(|e| stanza_err(format!("PIDF: {e}")))?;
    let [presence] = presences.as_slice() else {
        return Err(stanza_err("PIDF document must give one presence"));
    };
    let el = presence.to_element();
    let children = el
        .elements()
        .filter(|e| presence_children_secured(e.name()))
        .map(|e| e.to_owned_element())
        .collect();
    Ok(Payload {
        kind: PayloadKind::Pidf,
        from: Some(from),
        to: None,
        timestamp,
        children,
    })
}
