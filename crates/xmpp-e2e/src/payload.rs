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
//! - A presence becomes a PIDF document: `entity='pres:FROM'`, one tuple with `<basic>`
//!   `open` (`closed` for `type='unavailable'`), `<im:im>` from `<show/>`, `<note>` from
//!   `<status/>` and a `<timestamp>` (RFC 3922 §5 mapping; `dnd` is `busy`). Other
//!   presence children stay outside the secured object, in the clear.
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
/// The PIDF namespace (RFC 3863).
pub const PIDF_NS: &str = "urn:ietf:params:xml:ns:pidf";
/// The PIDF instant messaging extension namespace (RFC 3863 §4.2.2, RFC 3922 §5).
pub const PIDF_IM_NS: &str = "urn:ietf:params:xml:ns:pidf:im";

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

fn escape_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\r', "&#xD;")
}

/// The `application/pidf+xml` object (a MIME entity) for a presence stanza.
pub fn presence_object(stanza: ElementRef<'_>, from: &str, now: Timestamp) -> Vec<u8> {
    let ns = stanza.namespace();
    let basic = if stanza.attr("type") == Some("unavailable") {
        "closed"
    } else {
        "open"
    };
    let mut status = format!("<basic>{basic}</basic>");
    if let Some(show) = stanza.child(ns, "show") {
        let show = show.text();
        let im = if show == "dnd" { "busy" } else { show.as_ref() };
        status.push_str(&format!("<im:im>{}</im:im>", escape_text(im)));
    }
    let mut note = String::new();
    if let Some(s) = stanza.child(ns, "status") {
        note = format!("<note>{}</note>", escape_text(&s.text()));
    }
    format!(
        "Content-type: application/pidf+xml\r\n\r\n<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<presence xmlns=\"{PIDF_NS}\" xmlns:im=\"{PIDF_IM_NS}\" entity=\"pres:{}\"><tuple id=\"xmpp\"><status>{status}</status>{note}<timestamp>{}</timestamp></tuple></presence>",
        escape_text(from).replace('"', "&quot;"),
        now.to_rfc3339()
    )
    .into_bytes()
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
    let root = parse_xml(body)?;
    if !root.is(PIDF_NS, "presence") {
        return Err(stanza_err(
            "PIDF root is not <presence xmlns='urn:ietf:params:xml:ns:pidf'/>",
        ));
    }
    let entity = root
        .attr("entity")
        .ok_or_else(|| stanza_err("PIDF presence without entity"))?;
    let mut p = Payload {
        kind: PayloadKind::Pidf,
        from: Some(
            uri_address(entity)
                .ok_or_else(|| stanza_err(format!("PIDF entity '{entity}' is not a pres: URI")))?,
        ),
        to: None,
        timestamp: None,
        children: Vec::new(),
    };
    let mut tuples = root.elements().filter(|e| e.is(PIDF_NS, "tuple"));
    let (Some(tuple), None) = (tuples.next(), tuples.next()) else {
        return Err(stanza_err(
            "PIDF document must hold one tuple for one presence stanza",
        ));
    };
    if let Some(status) = tuple.child(PIDF_NS, "status") {
        if let Some(im) = status.child(PIDF_IM_NS, "im") {
            let show = match im.text().as_ref() {
                "busy" => "dnd".to_owned(),
                other => other.to_owned(),
            };
            if matches!(show.as_str(), "away" | "chat" | "dnd" | "xa") {
                p.children
                    .push(Element::new(JABBER_CLIENT, "show").with_text(show));
            }
        }
    }
    if let Some(note) = tuple
        .child(PIDF_NS, "note")
        .or_else(|| root.child(PIDF_NS, "note"))
    {
        p.children
            .push(Element::new(JABBER_CLIENT, "status").with_text(note.text().into_owned()));
    }
    p.timestamp = tuple
        .child(PIDF_NS, "timestamp")
        .map(|t| t.text().trim().to_owned());
    Ok(p)
}
