//! Securing stanzas and opening them (RFC 3923 §3, §4, §6-§9).
//!
//! Sending ([`secure`]): the stanza's content becomes a Message/CPIM or PIDF object
//! ([`crate::payload`]), which is signed, then encrypted (§6.5), and the result replaces
//! the secured children as the CDATA content of `<e2e xmlns='urn:ietf:params:xml:ns:xmpp-e2e'/>`.
//!
//! Receiving ([`open`]): the reverse order, then the checks, in the order of §7's cases
//! (decryption, Case #5; signature, Case #4; timestamp, Case #3):
//!
//! 1. the S/MIME layers open: decryption with the recipient's key, every signature
//!    verified and its signer chained to the application's anchors at the receiver's time;
//! 2. the signer's certificate names the stanza's `from` (bare JIDs compared, §6.3);
//! 3. the CPIM `From`/`To` (PIDF `entity`) are the stanza's `from`/`to` (bare JIDs): a
//!    secured object lifted into another stanza does not pass;
//! 4. the timestamp is within five minutes of the receiver's time (§6.9).
//!
//! Each failure is an [`E2eError`] whose [`condition`](E2eError::condition) is the §7
//! case and whose [`stanza_error`](E2eError::stanza_error) is the error to return. The
//! §6.9 rule that timestamps increase (a SHOULD) is [`ReplayGuard`], kept by the
//! application across stanzas.

use std::collections::HashMap;

use xmpp_xml::{Element, ElementRef, Node};

use crate::algorithms::{ContentCipher, DigestAlgorithm};
use crate::cert::{Certificate, Identity, TrustAnchors};
use crate::error::{E2E_NS, E2eError, TimestampProblem};
use crate::payload::{self, PayloadKind};
use crate::random::Random;
use crate::smime::{self, OpenOptions};
use crate::time::Timestamp;

/// The largest distance between a timestamp and the receiver's time (§6.9), in seconds.
pub const TIMESTAMP_WINDOW_SECS: i64 = 5 * 60;

/// How a signature is attached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SignatureForm {
    /// `multipart/signed` with a detached `application/pkcs7-signature` (RFC 3923 §3.2).
    #[default]
    Detached,
    /// `application/pkcs7-mime; smime-type=signed-data`.
    Opaque,
}

/// The sender's choices.
#[derive(Debug, Clone, Copy, Default)]
pub struct SendConfig {
    /// The digest of signatures.
    pub digest: DigestAlgorithm,
    /// The content-encryption algorithm.
    pub cipher: ContentCipher,
    /// Detached or opaque signatures.
    pub signature_form: SignatureForm,
    /// Leave the signer's certificate out of the signature (RFC 3923 §6.6: within an
    /// active session, not more than once every five minutes; [`CertificateSchedule`]
    /// decides). The receiver then needs it among its known certificates.
    pub omit_certificate: bool,
}

/// What to secure a stanza with.
#[derive(Debug, Clone, Copy)]
pub struct Protection<'a> {
    /// Sign with this identity (RFC 3923 §6.7: senders should sign).
    pub signer: Option<&'a Identity>,
    /// Encrypt for these certificates (none: sign only).
    pub recipients: &'a [Certificate],
    /// Algorithms and forms.
    pub config: SendConfig,
    /// The sender's time, written as the CPIM `DateTime` or PIDF `<timestamp>`. RFC 3923
    /// §6.9 asks that timestamps increase; the application passes increasing times.
    pub now: Timestamp,
}

fn bare(jid: &str) -> Result<String, E2eError> {
    xmpp_jid::Jid::parse(jid)
        .map(|j| j.to_bare().as_str().to_owned())
        .map_err(|e| E2eError::Stanza(format!("'{jid}' is not a JID: {e}")))
}

/// Secures `stanza` (a `<message/>` or a directed `<presence/>`): its content as a CPIM
/// or PIDF object, signed and/or encrypted, in an `<e2e/>` child. The stanza's other
/// attributes are kept; the children the object carries are removed.
///
/// The CPIM `From` is the stanza's `from`, or when it has none (a client's stanza, which
/// its server stamps) the first XMPP address of the signer's certificate.
pub fn secure(
    stanza: ElementRef<'_>,
    protection: &Protection<'_>,
    random: &mut dyn Random,
) -> Result<Element<'static>, E2eError> {
    if protection.signer.is_none() && protection.recipients.is_empty() {
        return Err(E2eError::Stanza(
            "neither a signer nor a recipient: nothing to secure".into(),
        ));
    }
    if stanza.child(E2E_NS, "e2e").is_some() {
        return Err(E2eError::Stanza("the stanza is already secured".into()));
    }
    let from = match (stanza.attr("from"), protection.signer) {
        (Some(f), Some(signer)) => {
            let jid = xmpp_jid::Jid::parse(f)
                .map_err(|e| E2eError::Stanza(format!("from '{f}': {e}")))?;
            if !signer.certificate.names_jid(&jid) {
                return Err(E2eError::SignerMismatch {
                    from: f.to_owned(),
                    names: signer
                        .certificate
                        .xmpp_addresses()
                        .iter()
                        .map(|j| j.as_str().to_owned())
                        .collect(),
                });
            }
            jid.to_bare().as_str().to_owned()
        }
        (Some(f), None) => bare(f)?,
        (None, Some(signer)) => signer
            .certificate
            .xmpp_addresses()
            .first()
            .map(|j| j.to_bare().as_str().to_owned())
            .ok_or_else(|| {
                E2eError::Stanza(
                    "no 'from' and the signer's certificate names no XMPP address".into(),
                )
            })?,
        (None, None) => {
            return Err(E2eError::Stanza(
                "no 'from' to write as the sender of the secured object".into(),
            ));
        }
    };
    let (object, keep): (Vec<u8>, fn(&str) -> bool) = match stanza.name() {
        "message" => {
            let to = stanza.attr("to").ok_or_else(|| {
                E2eError::Stanza("a secured message needs a 'to' (the CPIM To)".into())
            })?;
            (
                payload::message_object(stanza, &from, &bare(to)?, protection.now)?,
                |_| false,
            )
        }
        "presence" => {
            // RFC 3923 §4.1: directed presence only.
            if stanza.attr("to").is_none() {
                return Err(E2eError::Stanza(
                    "secured presence must be directed: it needs a 'to' (RFC 3923 §4.1)".into(),
                ));
            }
            (
                payload::presence_object(stanza, &from, protection.now)?,
                |n| !payload::presence_children_secured(n),
            )
        }
        other => {
            return Err(E2eError::Stanza(format!(
                "<{other}/> is not secured here: RFC 3923 §3 and §4 secure messages and presence"
            )));
        }
    };
    let cfg = &protection.config;
    let mut object = match protection.signer {
        Some(signer) => match cfg.signature_form {
            SignatureForm::Detached => smime::sign_detached(
                &object,
                signer,
                cfg.digest,
                protection.now,
                !cfg.omit_certificate,
                random,
            )?,
            SignatureForm::Opaque => smime::sign_opaque(
                &object,
                signer,
                cfg.digest,
                protection.now,
                !cfg.omit_certificate,
                random,
            )?,
        },
        None => object,
    };
    if !protection.recipients.is_empty() {
        object = smime::encrypt(&object, protection.recipients, cfg.cipher, random)?;
    }
    // Inside XML, line ends are LF whatever is written (XML 1.0 §2.11).
    let text = String::from_utf8(object)
        .map_err(|_| E2eError::Payload("the secured object is not UTF-8 text".into()))?
        .replace("\r\n", "\n");
    let mut out = shell(stanza);
    for node in stanza.children() {
        if let Node::Element(e) = node {
            if keep(e.name()) {
                out.push_child(e.to_owned_element());
            }
        }
    }
    out.push_child(Element::new(E2E_NS, "e2e").with_text(text));
    Ok(out)
}

// The stanza's element with its attributes and no children.
fn shell(stanza: ElementRef<'_>) -> Element<'static> {
    let mut out = Element::new(stanza.namespace().to_owned(), stanza.name().to_owned());
    for a in stanza.attributes() {
        out.push_attr(a.clone().into_owned());
    }
    out
}

/// What a receiver brings to [`open`].
#[derive(Debug, Clone, Copy)]
pub struct Reception<'a> {
    /// The recipient's certificate and key, to decrypt.
    pub recipient: Option<&'a Identity>,
    /// The anchors signers must chain to; needed when the content is signed.
    pub anchors: Option<&'a TrustAnchors>,
    /// Correspondents' certificates kept by the application (RFC 3923 §6.2).
    pub known: &'a [Certificate],
    /// The receiver's time: certificate validity and the §6.9 window.
    pub now: Timestamp,
    /// Refuse content that is not signed ([`E2eError::NotSigned`]).
    pub require_signature: bool,
}

/// A stanza opened and checked.
#[derive(Debug, Clone)]
pub struct Opened {
    /// The stanza with its secured content restored in place of `<e2e/>`. Children sent
    /// beside `<e2e/>` in the clear are left out, except the presence children that
    /// [`secure`] leaves in the clear (all but `<show/>` and `<status/>`).
    pub stanza: Element<'static>,
    /// The signer's certificate, when the content was signed.
    pub signer: Option<Certificate>,
    /// Whether the content was encrypted.
    pub encrypted: bool,
    /// The sender's timestamp (CPIM `DateTime` or PIDF `<timestamp>`).
    pub timestamp: Timestamp,
    /// The sender, as the secured object names it (bare JID).
    pub sender: String,
}

/// Opens a stanza secured by RFC 3923 and makes the checks of §6-§9 (see the module
/// documentation). Nothing passes unchecked: unsigned content passes only when
/// `require_signature` is off, and then the addresses and timestamp are still checked.
pub fn open(stanza: ElementRef<'_>, reception: &Reception<'_>) -> Result<Opened, E2eError> {
    let e2e = stanza
        .elements()
        .find(|e| e.is(E2E_NS, "e2e"))
        .ok_or_else(|| {
            E2eError::Stanza("no <e2e xmlns='urn:ietf:params:xml:ns:xmpp-e2e'/> child".into())
        })?;
    let text = e2e.text();
    let opened = smime::open(
        text.as_bytes(),
        &OpenOptions {
            recipient: reception.recipient,
            anchors: reception.anchors,
            known: reception.known,
            now: reception.now,
        },
    )?;
    if opened.signers.is_empty() && reception.require_signature {
        return Err(E2eError::NotSigned);
    }
    let from = stanza.attr("from").ok_or_else(|| {
        E2eError::Stanza("the stanza has no 'from' to check the sender against".into())
    })?;
    let from_jid =
        xmpp_jid::Jid::parse(from).map_err(|e| E2eError::Stanza(format!("from '{from}': {e}")))?;
    // §6.3: every signer names the sender.
    for s in &opened.signers {
        if !s.certificate.names_jid(&from_jid) {
            return Err(E2eError::SignerMismatch {
                from: from.to_owned(),
                names: s
                    .certificate
                    .xmpp_addresses()
                    .iter()
                    .map(|j| j.as_str().to_owned())
                    .collect(),
            });
        }
    }
    let p = payload::read(&opened.content)?;
    let from_bare = from_jid.to_bare().as_str().to_owned();
    let secured_from = p.from.clone().unwrap_or_default();
    if bare(&secured_from).ok().as_deref() != Some(from_bare.as_str()) {
        return Err(E2eError::AddressMismatch {
            header: if p.kind == PayloadKind::Cpim {
                "From"
            } else {
                "entity"
            },
            secured: secured_from,
            stanza: from.to_owned(),
        });
    }
    match (p.kind, stanza.name()) {
        (PayloadKind::Cpim, "message") => {
            let to = stanza.attr("to").ok_or_else(|| {
                E2eError::Stanza("the message has no 'to' to check the CPIM To against".into())
            })?;
            let secured_to = p.to.clone().unwrap_or_default();
            if bare(&secured_to).ok() != Some(bare(to)?) {
                return Err(E2eError::AddressMismatch {
                    header: "To",
                    secured: secured_to,
                    stanza: to.to_owned(),
                });
            }
        }
        (PayloadKind::Pidf, "presence") => {}
        (kind, name) => {
            return Err(E2eError::Payload(format!(
                "a {kind:?} object inside a <{name}/> stanza"
            )));
        }
    }
    let raw = p
        .timestamp
        .clone()
        .ok_or(E2eError::Timestamp(TimestampProblem::Missing))?;
    let sent = Timestamp::parse_rfc3339(&raw)
        .map_err(|_| E2eError::Timestamp(TimestampProblem::Malformed(raw.clone())))?;
    check_window(sent, reception.now)?;
    let mut out = shell(stanza);
    let ns = stanza.namespace().to_owned();
    // Only what `secure` leaves in the clear is kept beside the restored content: nothing
    // of a message (its whole content is the secured object, RFC 3923 §3.1), the children
    // of a presence other than `<show/>` and `<status/>` (§4.1). A `<body/>` or XHTML-IM
    // child added beside `<e2e/>` was never signed and must not pass as secured content.
    let kept = |e: &ElementRef<'_>| {
        !e.is(E2E_NS, "e2e")
            && stanza.name() == "presence"
            && !payload::presence_children_secured(e.name())
    };
    for node in stanza.children() {
        if let Node::Element(e) = node {
            if kept(&e) {
                out.push_child(e.to_owned_element());
            }
        }
    }
    for child in p.children {
        out.push_child(restamp(child, &ns));
    }
    Ok(Opened {
        stanza: out,
        signer: opened.signers.into_iter().next().map(|s| s.certificate),
        encrypted: opened.encrypted,
        timestamp: sent,
        sender: from_bare,
    })
}

// Restored children in `jabber:client` take the stanza's namespace.
fn restamp(child: Element<'static>, ns: &str) -> Element<'static> {
    if child.namespace() != payload::JABBER_CLIENT || ns == payload::JABBER_CLIENT {
        return child;
    }
    let mut out = Element::new(ns.to_owned(), child.name().to_owned());
    for a in child.attributes() {
        out.push_attr(a.clone().into_owned());
    }
    for node in child.children() {
        match node {
            Node::Element(e) => out.push_child(restamp(e.to_owned_element(), ns)),
            Node::Text(t) => out.push_text(t.to_owned()),
        }
    }
    out
}

/// Reads one stanza (an XML document whose root is `<message/>`, `<presence/>` or
/// `<iq/>`, with or without `xmlns`). Malformed XML is [`E2eError::Stanza`].
pub fn parse_stanza(xml: &[u8]) -> Result<Element<'static>, E2eError> {
    payload::parse_xml(xml).map_err(|e| match e {
        E2eError::Payload(m) => E2eError::Stanza(m),
        other => other,
    })
}

/// RFC 3923 §6.9: the timestamp is within five minutes of the receiver's time.
/// Compared at full precision: a difference in milliseconds would round a timestamp
/// just over five minutes away down to exactly five minutes and let it pass.
pub fn check_window(sent: Timestamp, now: Timestamp) -> Result<(), E2eError> {
    if now > sent.plus_seconds(TIMESTAMP_WINDOW_SECS) {
        return Err(E2eError::Timestamp(TimestampProblem::Old { sent, now }));
    }
    if sent > now.plus_seconds(TIMESTAMP_WINDOW_SECS) {
        return Err(E2eError::Timestamp(TimestampProblem::Future { sent, now }));
    }
    Ok(())
}

/// The §6.9 check that a timestamp is greater than any accepted from the same sender in
/// the last ten minutes ("decreasing timestamp"). The application keeps one guard and
/// passes every [`Opened`] through it; memory is bounded by pruning entries older than
/// ten minutes.
#[derive(Debug, Clone, Default)]
pub struct ReplayGuard {
    last: HashMap<String, (Timestamp, Timestamp)>,
}

impl ReplayGuard {
    /// An empty guard.
    pub fn new() -> Self {
        ReplayGuard::default()
    }

    /// Accepts `opened` if its timestamp is later than the last one accepted from the
    /// same sender within ten minutes of `now`, and remembers it.
    pub fn check(&mut self, opened: &Opened, now: Timestamp) -> Result<(), E2eError> {
        self.last
            .retain(|_, (_, seen)| now.millis_since(*seen) <= 10 * 60 * 1000);
        if let Some((last, _)) = self.last.get(&opened.sender) {
            if opened.timestamp <= *last {
                return Err(E2eError::Timestamp(TimestampProblem::Decreasing {
                    sent: opened.timestamp,
                    last: *last,
                }));
            }
        }
        self.last
            .insert(opened.sender.clone(), (opened.timestamp, now));
        Ok(())
    }
}

/// When to send the signer's certificate along (RFC 3923 §6.6): with the first secured
/// stanza to a correspondent, and again once five minutes have passed since it was last
/// sent, never more often. Outside an active session (nothing sent for five minutes)
/// every stanza carries it; within one, one stanza in every five minutes does.
#[derive(Debug, Clone, Default)]
pub struct CertificateSchedule {
    last: HashMap<String, Timestamp>,
}

impl CertificateSchedule {
    /// An empty schedule: the next stanza to anyone carries the certificate.
    pub fn new() -> Self {
        CertificateSchedule::default()
    }

    /// Whether the stanza about to be sent to `peer` (a bare JID) at `now` carries the
    /// certificate; remembers the answer. Use it as `omit_certificate = !include(..)`.
    pub fn include(&mut self, peer: &str, now: Timestamp) -> bool {
        self.last
            .retain(|_, sent| now.millis_since(*sent) < TIMESTAMP_WINDOW_SECS * 1000);
        if self.last.contains_key(peer) {
            return false;
        }
        self.last.insert(peer.to_owned(), now);
        true
    }
}

/// Timestamps that increase (RFC 3923 §6.9): the clock's reading, or one millisecond
/// after the last stamp when the clock repeats or goes back.
#[derive(Debug, Clone, Copy, Default)]
pub struct MonotonicStamps {
    last: Option<Timestamp>,
}

impl MonotonicStamps {
    /// A source that has stamped nothing yet.
    pub fn new() -> Self {
        MonotonicStamps::default()
    }

    /// The stamp for a stanza sent when the clock reads `clock`.
    pub fn stamp(&mut self, clock: Timestamp) -> Timestamp {
        let t = match self.last {
            Some(last) if clock.millis_since(last) < 1 => {
                let nanos = u64::from(last.subsec_nanos() / 1_000_000 * 1_000_000) + 1_000_000;
                Timestamp::from_unix_nanos(
                    last.unix_seconds(),
                    u32::try_from(nanos).unwrap_or(u32::MAX),
                )
            }
            _ => clock,
        };
        self.last = Some(t);
        t
    }
}

/// Writes a stanza with the content of its `<e2e/>` child as a CDATA section, as RFC 3923
/// §3.1 step 3 and §9 describe (a `]]>` in the content is split over two sections).
/// Other text is escaped as usual. `default_ns` is the namespace the stanza may leave
/// undeclared (`jabber:client` on a client stream; `""` to declare it).
pub fn to_xml_with_cdata(stanza: &Element<'_>, default_ns: &str) -> Result<String, E2eError> {
    let Some(e2e) = stanza.child(E2E_NS, "e2e") else {
        let mut out = Vec::new();
        stanza
            .write_in(&mut out, default_ns)
            .map_err(|e| E2eError::Stanza(e.to_string()))?;
        return String::from_utf8(out).map_err(|e| E2eError::Stanza(e.to_string()));
    };
    let content = e2e.text().into_owned();
    // Write with a marker in place of the content, then put the CDATA section there. The
    // marker holds a digest of the stanza as written, which the stanza cannot hold but by
    // chance; a marker that only counted up could be found in the sender's text once per
    // attempt, and each attempt writes the whole stanza again.
    use sha2::Digest as _;
    let mut whole = Vec::new();
    stanza
        .write_in(&mut whole, default_ns)
        .map_err(|e| E2eError::Stanza(e.to_string()))?;
    let seed: String = sha2::Sha256::digest(&whole)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let mut n = 0u32;
    let written = loop {
        let token = format!("e2e-cdata-{seed}-{n}");
        let mut copy = shell(stanza.as_ref());
        // Only the first <e2e/> (the one whose content is written as CDATA) takes the
        // marker: with every one marked, two of them never made the marker unique.
        let mut marked = false;
        for node in stanza.children() {
            match node {
                Node::Element(e) if !marked && e.is(E2E_NS, "e2e") => {
                    marked = true;
                    copy.push_child(Element::new(E2E_NS, "e2e").with_text(token.clone()));
                }
                Node::Element(e) => copy.push_child(e.to_owned_element()),
                Node::Text(t) => copy.push_text(t.to_owned()),
            }
        }
        let mut out = Vec::new();
        copy.write_in(&mut out, default_ns)
            .map_err(|e| E2eError::Stanza(e.to_string()))?;
        let s = String::from_utf8(out).map_err(|e| E2eError::Stanza(e.to_string()))?;
        if s.matches(&token).count() == 1 {
            break (s, token);
        }
        n += 1;
    };
    let (written, token) = written;
    // A line end opens the section, as in RFC 3923 Example 3, unless the content already
    // starts with one (so that writing what was read changes nothing, §8).
    let lead = if content.starts_with('\n') { "" } else { "\n" };
    let cdata = format!(
        "<![CDATA[{lead}{}]]>",
        content.replace("]]>", "]]]]><![CDATA[>")
    );
    Ok(written.replacen(&token, &cdata, 1))
}
