//! Presence (RFC 3922 §5): an XMPP `<presence/>` to a Message/CPIM object with an
//! encapsulated `application/pidf+xml` document, and back.
//!
//! XMPP to CPIM (§5.1): `From` and `To` as for messages (`im:`, no resource); the PIDF
//! `entity` is the sender's bare JID with `pres:` (§5.1.1); one tuple, whose `id` is the
//! sender's resource ([`crate::tuple_id`]: an id valid for the schema whatever the
//! resource, and `_xmpp.` for a sender without resource, since a document the gateway
//! sends has a tuple, §6.3.2); no `type` is `<basic>open</basic>` and `unavailable` is
//! `closed` (§5.1.4); `<show/>` is `<im:im>` in `urn:ietf:params:xml:ns:pidf:im`
//! (§5.1.5); each `<status/>` is a `<note>` with its `xml:lang` (§5.1.6); a priority of 0
//! or more is the `priority` of a `<contact>` holding the sender's `im:` URI
//! ([`crate::priority`], §5.1.7, §5.1.9.2); the gateway's time is the `DateTime` header
//! and the `<timestamp>` (§5.1.9); the stanza's `xml:lang` is the `Content-Language`.
//!
//! What this direction cannot carry: the recipient's resource, a negative priority
//! (§5.1.7: MUST NOT), a non-unique id (§5.1.3), extension elements (§5.1.8; an
//! `xmpp-e2e` payload is refused). The other presence types are no notification:
//! `subscribe`, `unsubscribe` and `unsubscribed` are CPP operations ([`crate::cpp`],
//! §6); `subscribed` answers one; `probe` and `error` have no mapping. All are refused
//! here with [`MapError::NotMappable`].
//!
//! CPIM to XMPP (§5.2): only `application/pidf+xml` content is read (§5.2: MUST NOT map
//! another); `from` is `From` plus `/` and the tuple id (§5.2.1), `to` is `To` (plus the
//! known resource, §5.2.2); each tuple with a `<basic>` gives one presence (§6.3.1):
//! `open` none, `closed` `unavailable` (§5.2.9); `<im:im>` values `away`, `chat`, `dnd`,
//! `xa` become `<show/>` (§5.2.10 defines no mapping; these are the values the other
//! direction writes, and `busy` is `dnd` as the §5.2.10 example has it); notes become
//! `<status/>`es (first per language kept, §5.2.11); the contact `priority` becomes
//! `<priority/>`, never negative (§5.2.13). A document without tuples is one
//! `unavailable` presence from the bare address (§6.3.2; the RFC gives no type, and a
//! document without tuples says nothing is available), unless it has notes (§5.2.11:
//! MUST NOT map). The PIDF `entity` must name the `From` presentity.
//!
//! What this direction cannot carry: `cc`, `DateTime`, `Subject`, `NS` and `Require`
//! headers (§5.2.3 to §5.2.7: not passed), the contact URI and the timestamp (§5.2.12,
//! §5.2.14), other status extensions, tuples without `<basic>` (skipped); the whole
//! document can be attached as an extension ([`DecodeOptions::attach_pidf`], §5.2.15).

use xmpp_im::presence::{Presence, PresenceType, Show};
use xmpp_jid::{Jid, ResourcePart};
use xmpp_xml::Element;

use crate::address::{Scheme, Uri};
use crate::content::{
    address_headers, content_bytes, content_headers, content_type, decode_addresses, decode_id,
    decode_lang, refuse_e2e,
};
use crate::cpim::{CpimMessage, MimeEntity};
use crate::error::{MapError, clip};
use crate::options::{DecodeOptions, EncodeOptions};
use crate::pidf::{Basic, Contact, Note, PIDF_IM_NS, Pidf, Tuple};
use crate::{priority, tuple_id};

/// The PIDF document for `presence` (RFC 3922 §5.1), which must be available or
/// unavailable and have a `from`.
pub fn to_pidf(presence: &Presence, options: &EncodeOptions) -> Result<Pidf, MapError> {
    let basic = match presence.kind {
        PresenceType::Available => Basic::Open,
        PresenceType::Unavailable => Basic::Closed,
        other => {
            let name = other.as_str().unwrap_or_default();
            let how = match other {
                PresenceType::Subscribe
                | PresenceType::Unsubscribe
                | PresenceType::Unsubscribed => {
                    "maps to a CPP subscribe operation (RFC 3922 §6), not to a PIDF notification"
                }
                PresenceType::Subscribed => {
                    "answers a CPP subscribe operation (RFC 3922 §6.2), it is no PIDF notification"
                }
                _ => "has no CPIM mapping (RFC 3922 §5.1.4)",
            };
            return Err(MapError::NotMappable(format!(
                "presence of type '{name}' {how}"
            )));
        }
    };
    refuse_e2e(&presence.extensions)?;
    let from = presence
        .envelope
        .from
        .as_ref()
        .ok_or(MapError::Missing("'from' address"))?;
    let address = |error| MapError::Address {
        field: "from",
        error,
    };
    let entity = Uri::from_jid(from, Scheme::Pres).map_err(address)?;
    let mut tuple = Tuple::new(tuple_id::from_resource(from.resource()), basic);
    if let Some(show) = presence.show {
        tuple
            .status
            .extensions
            .push(Element::new(PIDF_IM_NS, "im").with_text(show.as_str()));
    }
    if let Some(q) = presence.priority.and_then(priority::to_pidf) {
        let im = Uri::from_jid(from, Scheme::Im).map_err(address)?;
        tuple.contact = Some(Contact {
            uri: im.to_string(),
            priority: Some(q),
        });
    }
    for (lang, text) in &presence.status {
        tuple.notes.push(Note {
            lang: (!lang.is_empty()).then(|| lang.clone()),
            text: text.clone(),
        });
    }
    tuple.timestamp = options.now.clone().filter(|t| t.fits_xml_schema());
    Ok(Pidf::new(entity.to_string(), vec![tuple]))
}

/// The Message/CPIM object for `presence` (RFC 3922 §5.1).
pub fn to_cpim(presence: &Presence, options: &EncodeOptions) -> Result<CpimMessage, MapError> {
    let doc = to_pidf(presence, options)?;
    let env = &presence.envelope;
    let headers = address_headers(env.from.as_ref(), env.to.as_ref(), options)?;
    let body = doc.to_bytes()?;
    let content = MimeEntity {
        headers: content_headers(
            "application/pidf+xml",
            env.id.as_deref(),
            env.lang.as_deref(),
            options,
        ),
        body,
    };
    Ok(CpimMessage::new(headers, content))
}

/// One PIDF document for several resources of one user (RFC 3922 §6.3.1: one document
/// with a tuple per connected resource rather than one document each): the tuples of
/// each presence's document, in order. The presences must come from one bare JID, each
/// resource once.
pub fn to_pidf_all(presences: &[Presence], options: &EncodeOptions) -> Result<Pidf, MapError> {
    let mut doc: Option<Pidf> = None;
    for p in presences {
        let one = to_pidf(p, options)?;
        match &mut doc {
            None => doc = Some(one),
            Some(d) if d.entity != one.entity => {
                return Err(MapError::EntityMismatch {
                    from: d.entity.clone(),
                    entity: one.entity,
                });
            }
            Some(d) => {
                for t in one.tuples {
                    if d.tuples.iter().any(|u| u.id == t.id) {
                        return Err(MapError::Repeated("resource"));
                    }
                    d.tuples.push(t);
                }
            }
        }
    }
    doc.ok_or(MapError::Missing("presence"))
}

/// The `<show/>` for an `<im:im>` value.
fn show_for(value: &str) -> Option<Show> {
    match value.trim() {
        "busy" => Some(Show::Dnd),
        v => Show::from_name(v),
    }
}

/// The XMPP presence stanzas for a Message/CPIM object with a PIDF document (RFC 3922
/// §5.2, §6.3): one per tuple with a basic status, in document order.
pub fn from_cpim(obj: &CpimMessage, options: &DecodeOptions) -> Result<Vec<Presence>, MapError> {
    let (mime_type, charset) = content_type(obj)?;
    if mime_type != "application/pidf+xml" {
        return Err(MapError::ContentType(mime_type));
    }
    if let Some(c) = charset.filter(|c| c != "utf-8") {
        return Err(MapError::Charset(clip(&c)));
    }
    let (from, to) = decode_addresses(obj, options)?;
    let bytes = content_bytes(obj)?;
    let doc = Pidf::parse(&bytes, options.limits.max_bytes)?;
    let entity = Uri::parse(&doc.entity, Scheme::Pres)
        .and_then(|u| u.to_jid())
        .map_err(|error| MapError::Address {
            field: "entity",
            error,
        })?;
    if entity != from {
        return Err(MapError::EntityMismatch {
            from: from.to_string(),
            entity: entity.to_string(),
        });
    }
    let base = |kind: PresenceType, from: Jid| {
        let mut p = Presence::new();
        p.kind = kind;
        p.envelope.namespace = options.namespace.clone();
        p.envelope.from = Some(from);
        p.envelope.to = Some(to.clone());
        p.envelope.id = decode_id(obj, options);
        p.envelope.lang = decode_lang(obj);
        p
    };
    if doc.tuples.is_empty() {
        if !doc.notes.is_empty() {
            return Err(MapError::NotesWithoutTuple);
        }
        return Ok(vec![base(PresenceType::Unavailable, Jid::from(from))]);
    }
    let attached = if options.attach_pidf {
        Some(doc.to_element()?)
    } else {
        None
    };
    let mut out = Vec::with_capacity(doc.tuples.len());
    for t in &doc.tuples {
        let kind = match t.status.basic {
            Some(Basic::Open) => PresenceType::Available,
            Some(Basic::Closed) => PresenceType::Unavailable,
            None => continue,
        };
        let full = match tuple_id::to_resource(&t.id) {
            None => Jid::from(from.clone()),
            Some(r) => {
                let r = ResourcePart::new(&r).map_err(|e| MapError::Address {
                    field: "tuple id",
                    error: crate::error::AddressError::InvalidJid {
                        jid: clip(&r),
                        reason: e.to_string(),
                    },
                })?;
                Jid::from(from.with_resource(&r))
            }
        };
        let mut p = base(kind, full);
        p.show = t
            .status
            .extensions
            .iter()
            .find(|x| x.is(PIDF_IM_NS, "im"))
            .and_then(|x| show_for(&x.text()));
        for n in &t.notes {
            p.status
                .entry(n.lang.clone().unwrap_or_default())
                .or_insert_with(|| n.text.clone());
        }
        p.priority = t
            .contact
            .as_ref()
            .and_then(|c| c.priority)
            .map(priority::to_xmpp);
        if let Some(e) = &attached {
            p.extensions.push(e.clone());
        }
        out.push(p);
    }
    if out.is_empty() {
        return Err(MapError::NoBasicStatus);
    }
    Ok(out)
}
