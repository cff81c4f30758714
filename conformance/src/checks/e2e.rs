//! Checks proven through `xmpp-e2e`: RFC 3923 end-to-end signing and encryption, driven
//! with the crate's test certificates (`crates/xmpp-e2e/tests/vectors`, made with the
//! OpenSSL command line; valid 2026-2126, used here at 2030-01-01T12:00:00Z).

use std::sync::OnceLock;

use super::{Check, Outcome};
use xmpp_e2e::mime::Entity;
use xmpp_e2e::random::SeededRandom;
use xmpp_e2e::smime::{self, OpenOptions};
use xmpp_e2e::{
    CertificateSchedule, Condition, ContentCipher, DigestAlgorithm, E2E_NS, E2eError, Identity,
    MonotonicStamps, Protection, Reception, ReplayGuard, SendConfig, SignatureError, Timestamp,
    TimestampProblem, TrustAnchors, enveloped, gateway, payload, signed,
};
use xmpp_xml::Element;

macro_rules! vector {
    ($name:literal) => {
        include_bytes!(concat!("../../../crates/xmpp-e2e/tests/vectors/", $name))
    };
}

struct Pki {
    juliet: Identity,
    romeo: Identity,
    nurse: Identity,
    anchors: TrustAnchors,
    now: Timestamp,
}

fn pki() -> Result<&'static Pki, String> {
    static PKI: OnceLock<Result<Pki, String>> = OnceLock::new();
    PKI.get_or_init(|| {
        let id = |c: &[u8], k: &[u8]| Identity::from_pem(c, k).map_err(|e| e.to_string());
        Ok(Pki {
            juliet: id(vector!("juliet.crt"), vector!("juliet.key"))?,
            romeo: id(vector!("romeo.crt"), vector!("romeo.key"))?,
            nurse: id(vector!("nurse.crt"), vector!("nurse.key"))?,
            anchors: TrustAnchors::from_pem(vector!("ca.crt")).map_err(|e| e.to_string())?,
            now: Timestamp::parse_rfc3339("2030-01-01T12:00:00Z").map_err(|e| e.to_string())?,
        })
    })
    .as_ref()
    .map_err(Clone::clone)
}

const MESSAGE: &str = "<message xmlns='jabber:client' from='juliet@example.com/balcony' \
    to='romeo@example.net/orchard' type='chat'><subject>Imploring</subject>\
    <body>Wherefore art thou, Romeo?</body></message>";
const PRESENCE: &str = "<presence xmlns='jabber:client' from='juliet@example.com/balcony' \
    to='romeo@example.net'><show>away</show><status>retired to the chamber</status></presence>";

fn stanza(xml: &str) -> Result<Element<'static>, String> {
    xmpp_e2e::parse_stanza(xml.as_bytes()).map_err(|e| e.to_string())
}

/// Secures `xml` and returns the stanza as a receiver parses it off the wire.
fn send(
    xml: &str,
    signer: Option<&Identity>,
    recipients: &[xmpp_e2e::Certificate],
    config: SendConfig,
) -> Result<Element<'static>, String> {
    let p = pki()?;
    let secured = xmpp_e2e::secure(
        stanza(xml)?.as_ref(),
        &Protection {
            signer,
            recipients,
            config,
            now: p.now,
        },
        &mut SeededRandom::new(11),
    )
    .map_err(|e| format!("secure: {e}"))?;
    let wire = xmpp_e2e::to_xml_with_cdata(&secured, "").map_err(|e| e.to_string())?;
    stanza(&wire)
}

fn receive(
    e: &Element<'_>,
    recipient: Option<&Identity>,
    now: Timestamp,
) -> Result<xmpp_e2e::Opened, E2eError> {
    let p = pki().map_err(E2eError::Stanza)?;
    xmpp_e2e::open(
        e.as_ref(),
        &Reception {
            recipient,
            anchors: Some(&p.anchors),
            known: &[],
            now,
            require_signature: recipient.is_none(),
        },
    )
}

fn object(e: &Element<'_>) -> Result<String, String> {
    gateway::unwrap(e.as_ref()).map_err(|e| e.to_string())
}

fn opened_content(e: &Element<'_>, recipient: Option<&Identity>) -> Result<Vec<u8>, String> {
    let p = pki()?;
    let o = smime::open(
        object(e)?.as_bytes(),
        &OpenOptions {
            recipient,
            anchors: Some(&p.anchors),
            known: &[],
            now: p.now,
        },
    )
    .map_err(|e| e.to_string())?;
    Ok(o.content)
}

fn tamper(e: &Element<'_>, from: &str, to: &str) -> Result<Element<'static>, String> {
    let xml = xmpp_e2e::to_xml_with_cdata(e, "").map_err(|e| e.to_string())?;
    if !xml.contains(from) {
        return Err(format!("'{from}' is not in the secured stanza"));
    }
    stanza(&xml.replacen(from, to, 1))
}

fn expect_err(r: Result<xmpp_e2e::Opened, E2eError>, want: Condition) -> Result<E2eError, String> {
    match r {
        Ok(_) => Err(format!("accepted; want {want}")),
        Err(e) if e.condition() == want => Ok(e),
        Err(e) => Err(format!("{} ({e}); want {want}", e.condition())),
    }
}

/// 3923-2-12, 3.1-1a: a message is turned into a Message/CPIM object before signing.
fn message_as_cpim() -> Outcome {
    let p = pki()?;
    let e = send(MESSAGE, Some(&p.juliet), &[], SendConfig::default())?;
    let content = opened_content(&e, None)?;
    let pl = payload::read(&content).map_err(|e| e.to_string())?;
    if pl.kind != payload::PayloadKind::Cpim
        || pl.from.as_deref() != Some("juliet@example.com")
        || pl.to.as_deref() != Some("romeo@example.net")
    {
        return Err(format!("signed content is not the CPIM object: {pl:?}"));
    }
    Ok(())
}

/// 3923-2-13, 4.1-1a: presence is turned into a PIDF document before signing.
fn presence_as_pidf() -> Outcome {
    let p = pki()?;
    let e = send(PRESENCE, Some(&p.juliet), &[], SendConfig::default())?;
    let content = opened_content(&e, None)?;
    let entity = Entity::parse(&content).map_err(|e| e.to_string())?;
    if entity.content_type().mime != "application/pidf+xml" {
        return Err(format!("content type {}", entity.content_type().mime));
    }
    let pl = payload::read(&content).map_err(|e| e.to_string())?;
    if pl.from.as_deref() != Some("juliet@example.com") || pl.timestamp.is_none() {
        return Err(format!("PIDF entity/timestamp wrong: {pl:?}"));
    }
    Ok(())
}

/// 3923-2-15: signatures are S/MIME with CMS SignedData.
fn signed_data() -> Outcome {
    let p = pki()?;
    let e = send(MESSAGE, Some(&p.juliet), &[], SendConfig::default())?;
    let text = object(&e)?;
    let outer = Entity::parse(text.trim_start().as_bytes()).map_err(|e| e.to_string())?;
    let ct = outer.content_type();
    if ct.mime != "multipart/signed" || ct.param("protocol") != Some("application/pkcs7-signature")
    {
        return Err(format!("not S/MIME multipart/signed: {ct:?}"));
    }
    let boundary = ct.param("boundary").ok_or("no boundary")?;
    let parts = xmpp_e2e::mime::split_multipart(outer.body, boundary).map_err(|e| e.to_string())?;
    let sig = Entity::parse(parts.get(1).ok_or("no signature part")?).map_err(|e| e.to_string())?;
    let der = sig.decoded_body().map_err(|e| e.to_string())?;
    let first = parts.first().ok_or("no content part")?;
    signed::verify(&der, Some(first), &[]).map_err(|e| format!("SignedData: {e}"))?;
    Ok(())
}

/// 3923-2-16: encryption is S/MIME with CMS EnvelopedData.
fn enveloped_data() -> Outcome {
    let p = pki()?;
    let e = send(
        MESSAGE,
        None,
        std::slice::from_ref(&p.romeo.certificate),
        SendConfig::default(),
    )?;
    let text = object(&e)?;
    let outer = Entity::parse(text.trim_start().as_bytes()).map_err(|e| e.to_string())?;
    let ct = outer.content_type();
    if ct.mime != "application/pkcs7-mime" || ct.param("smime-type") != Some("enveloped-data") {
        return Err(format!("not S/MIME enveloped-data: {ct:?}"));
    }
    let der = outer.decoded_body().map_err(|e| e.to_string())?;
    enveloped::decrypt(&der, &p.romeo).map_err(|e| format!("EnvelopedData: {e}"))?;
    Ok(())
}

fn round_trip(digest: DigestAlgorithm, cipher: ContentCipher) -> Outcome {
    let p = pki()?;
    let config = SendConfig {
        digest,
        cipher,
        ..SendConfig::default()
    };
    let e = send(
        MESSAGE,
        Some(&p.juliet),
        std::slice::from_ref(&p.romeo.certificate),
        config,
    )?;
    let o = receive(&e, Some(&p.romeo), p.now).map_err(|e| e.to_string())?;
    if o.signer.is_none() || !o.encrypted {
        return Err("not signed and encrypted".into());
    }
    Ok(())
}

/// 3923-2-17: the §6.10 set, SHA-1 with RSA and AES-128-CBC with RSA key transport.
fn mandatory_algorithms() -> Outcome {
    round_trip(DigestAlgorithm::Sha1, ContentCipher::Aes128Cbc)
}

/// 3923-6.10-1a: SHA-1 message digests in SignedData.
fn sha1_digest() -> Outcome {
    let p = pki()?;
    let content = b"Content-type: text/plain\r\n\r\nx";
    let der = signed::sign(
        content,
        &p.juliet,
        DigestAlgorithm::Sha1,
        p.now,
        false,
        true,
        &mut SeededRandom::new(1),
    )
    .map_err(|e| e.to_string())?;
    let v = signed::verify(&der, None, &[]).map_err(|e| e.to_string())?;
    if v.digest != DigestAlgorithm::Sha1 {
        return Err(format!("digest {:?}", v.digest));
    }
    let e = send(
        MESSAGE,
        Some(&p.juliet),
        &[],
        SendConfig {
            digest: DigestAlgorithm::Sha1,
            ..SendConfig::default()
        },
    )?;
    if !object(&e)?.contains("micalg=\"sha-1\"") {
        return Err("multipart/signed does not announce micalg sha-1".into());
    }
    Ok(())
}

/// 3923-6.10-1b: RSA PKCS #1 v1.5 signatures over SHA-1; a changed signature fails.
fn rsa_sha1_signature() -> Outcome {
    let p = pki()?;
    let content = b"Content-type: text/plain\r\n\r\nx";
    let mut der = signed::sign(
        content,
        &p.juliet,
        DigestAlgorithm::Sha1,
        p.now,
        false,
        true,
        &mut SeededRandom::new(2),
    )
    .map_err(|e| e.to_string())?;
    signed::verify(&der, None, &[]).map_err(|e| e.to_string())?;
    // The signature value is the last 256 bytes of this DER (no unsigned attributes).
    let n = der.len();
    if let Some(b) = der.get_mut(n - 10) {
        *b ^= 1;
    }
    match signed::verify(&der, None, &[]) {
        Err(SignatureError::Invalid) => Ok(()),
        other => Err(format!("a changed signature gave {other:?}")),
    }
}

/// 3923-6.10-1c: RSA PKCS #1 v1.5 key transport; another key does not open it.
fn rsa_key_transport() -> Outcome {
    let p = pki()?;
    let der = enveloped::encrypt(
        b"x",
        std::slice::from_ref(&p.romeo.certificate),
        ContentCipher::Aes128Cbc,
        &mut SeededRandom::new(3),
    )
    .map_err(|e| e.to_string())?;
    if enveloped::decrypt(&der, &p.romeo).map_err(|e| e.to_string())? != b"x" {
        return Err("decrypted content differs".into());
    }
    let mut wrong = p.romeo.clone();
    wrong.key = p.juliet.key.clone();
    if enveloped::decrypt(&der, &wrong).is_ok() {
        return Err("another RSA key opened the envelope".into());
    }
    Ok(())
}

/// 3923-6.10-1d: AES-128-CBC content encryption (id-aes128-CBC in the DER).
fn aes128_cbc() -> Outcome {
    let p = pki()?;
    let der = enveloped::encrypt(
        b"secret",
        std::slice::from_ref(&p.romeo.certificate),
        ContentCipher::Aes128Cbc,
        &mut SeededRandom::new(4),
    )
    .map_err(|e| e.to_string())?;
    let oid = [
        0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x02,
    ];
    if !der.windows(oid.len()).any(|w| w == oid) {
        return Err("id-aes128-CBC not in the EnvelopedData".into());
    }
    round_trip(DigestAlgorithm::Sha256, ContentCipher::Aes128Cbc)
}

/// 3923-6.10-2: SHA-256 and AES-256-CBC besides the mandatory algorithms.
fn other_algorithms() -> Outcome {
    round_trip(DigestAlgorithm::Sha256, ContentCipher::Aes256Cbc)
}

/// 3923-3.1-1b: CPIM headers are inside what is signed and encrypted.
fn cpim_headers_secured() -> Outcome {
    let p = pki()?;
    let e = send(MESSAGE, Some(&p.juliet), &[], SendConfig::default())?;
    let forged = tamper(
        &e,
        "From: <im:juliet@example.com>",
        "From: <im:nurse@example.com>",
    )?;
    expect_err(
        receive(&forged, None, p.now),
        Condition::UnverifiedSignature,
    )?;
    let enc = send(
        MESSAGE,
        None,
        std::slice::from_ref(&p.romeo.certificate),
        SendConfig::default(),
    )?;
    if object(&enc)?.contains("im:juliet") {
        return Err("CPIM header readable in an encrypted stanza".into());
    }
    Ok(())
}

fn cdata_in_e2e(xml: &str, name: &str) -> Outcome {
    let p = pki()?;
    let e = send(xml, Some(&p.juliet), &[], SendConfig::default())?;
    let wire = xmpp_e2e::to_xml_with_cdata(&e, "jabber:client").map_err(|e| e.to_string())?;
    let open = "<e2e xmlns='urn:ietf:params:xml:ns:xmpp-e2e'><![CDATA[";
    if !wire.starts_with(&format!("<{name} "))
        || wire.matches(open).count() != 1
        || wire.matches("<![CDATA[").count() != 1
    {
        return Err(format!(
            "not one CDATA section in <e2e/> of <{name}/>: {wire}"
        ));
    }
    Ok(())
}

/// 3923-3.1-1c, 9-x1: the object travels as one CDATA section of `<e2e/>` in the message.
fn message_e2e_cdata() -> Outcome {
    cdata_in_e2e(MESSAGE, "message")
}

/// 3923-4.1-1c: the same for presence.
fn presence_e2e_cdata() -> Outcome {
    cdata_in_e2e(PRESENCE, "presence")
}

/// 3923-4.1-1b: the PIDF document is signed: a changed note fails.
fn pidf_secured() -> Outcome {
    let p = pki()?;
    let e = send(PRESENCE, Some(&p.juliet), &[], SendConfig::default())?;
    receive(&e, None, p.now).map_err(|e| e.to_string())?;
    let forged = tamper(&e, "retired to the chamber", "gone to Mantua")?;
    expect_err(
        receive(&forged, None, p.now),
        Condition::UnverifiedSignature,
    )
    .map(|_| ())
}

/// 3923-4.1-2: presence without 'to' is not secured.
fn presence_directed() -> Outcome {
    let p = pki()?;
    let undirected = stanza("<presence xmlns='jabber:client'><status>x</status></presence>")?;
    let r = xmpp_e2e::secure(
        undirected.as_ref(),
        &Protection {
            signer: Some(&p.juliet),
            recipients: &[],
            config: SendConfig::default(),
            now: p.now,
        },
        &mut SeededRandom::new(5),
    );
    match r {
        Err(E2eError::Stanza(_)) => Ok(()),
        other => Err(format!("undirected presence gave {other:?}")),
    }
}

/// 3923-6.3-3: the subject DN is ignored: a certificate whose CN is juliet but whose
/// subjectAltName names nurse does not sign for juliet.
fn subject_dn_ignored() -> Outcome {
    let p = pki()?;
    let juliet: xmpp_jid::Jid = "juliet@example.com".parse().map_err(|e| format!("{e}"))?;
    if p.nurse.certificate.names_jid(&juliet) {
        return Err("the subject CN was taken as an address".into());
    }
    let nurse_msg = MESSAGE.replace("juliet@example.com/balcony", "nurse@example.com/hall");
    let e = send(&nurse_msg, Some(&p.nurse), &[], SendConfig::default())?;
    let claimed = tamper(
        &e,
        "from='nurse@example.com/hall'",
        "from='juliet@example.com/balcony'",
    )?;
    expect_err(
        receive(&claimed, None, p.now),
        Condition::UnverifiedSignature,
    )
    .map(|_| ())
}

/// 3923-6.3-4: `im:` and `pres:` URIs of the subjectAltName name the JID.
fn cert_uri_names() -> Outcome {
    let p = pki()?;
    let names: Vec<String> = p
        .nurse
        .certificate
        .xmpp_addresses()
        .iter()
        .map(|j| j.as_str().to_owned())
        .collect();
    if names != ["nurse@example.com", "nurse@example.com"] {
        return Err(format!("URIs read as {names:?}"));
    }
    let nurse_msg = MESSAGE.replace("juliet@example.com/balcony", "nurse@example.com/hall");
    let e = send(&nurse_msg, Some(&p.nurse), &[], SendConfig::default())?;
    receive(&e, None, p.now)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// 3923-6.3-6a: the sender does not sign for a 'from' its certificate does not name.
fn sender_from_matches_cert() -> Outcome {
    let p = pki()?;
    let r = xmpp_e2e::secure(
        stanza(MESSAGE)?.as_ref(),
        &Protection {
            signer: Some(&p.romeo),
            recipients: &[],
            config: SendConfig::default(),
            now: p.now,
        },
        &mut SeededRandom::new(6),
    );
    match r {
        Err(E2eError::SignerMismatch { .. }) => Ok(()),
        other => Err(format!("signing for another 'from' gave {other:?}")),
    }
}

/// 3923-6.3-6b: a 'from' with a resource matches the bare JID of the certificate.
fn from_resource_ignored() -> Outcome {
    let p = pki()?;
    send(MESSAGE, Some(&p.juliet), &[], SendConfig::default()).map(|_| ())
}

/// 3923-6.3-7a, 6.3-8: the receiver refuses a signer that does not name 'from', and
/// reports the certificate's addresses instead of delivering.
fn receiver_checks_signer_jid() -> Outcome {
    let p = pki()?;
    let e = send(MESSAGE, Some(&p.juliet), &[], SendConfig::default())?;
    let other = tamper(
        &e,
        "from='juliet@example.com/balcony'",
        "from='nurse@example.com/balcony'",
    )?;
    match expect_err(receive(&other, None, p.now), Condition::UnverifiedSignature)? {
        E2eError::SignerMismatch { names, .. } if names == ["juliet@example.com"] => Ok(()),
        other => Err(format!("got {other}")),
    }
}

/// 3923-6.3-7b: another resource of the certified JID passes.
fn receiver_ignores_resource() -> Outcome {
    let p = pki()?;
    let e = send(MESSAGE, Some(&p.juliet), &[], SendConfig::default())?;
    let other = tamper(
        &e,
        "juliet@example.com/balcony",
        "juliet@example.com/garden",
    )?;
    receive(&other, None, p.now)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// 3923-6.3-9: id-on-xmppAddr otherName values are read as XMPP addresses.
fn xmpp_addr_read() -> Outcome {
    let p = pki()?;
    let names: Vec<String> = p
        .juliet
        .certificate
        .xmpp_addresses()
        .iter()
        .map(|j| j.as_str().to_owned())
        .collect();
    if names != ["juliet@example.com"] {
        return Err(format!("id-on-xmppAddr read as {names:?}"));
    }
    Ok(())
}

/// 3923-6.4-1: the secured entity is binary: 8-bit text as it is, no transfer encoding.
fn inner_binary() -> Outcome {
    let p = pki()?;
    let msg = MESSAGE.replace("Wherefore art thou, Romeo?", "Où es-tu, Roméo ?");
    let e = send(
        &msg,
        Some(&p.juliet),
        std::slice::from_ref(&p.romeo.certificate),
        SendConfig::default(),
    )?;
    let text = object(&e)?;
    let outer = Entity::parse(text.trim_start().as_bytes()).map_err(|e| e.to_string())?;
    let der = outer.decoded_body().map_err(|e| e.to_string())?;
    let inner = enveloped::decrypt(&der, &p.romeo).map_err(|e| e.to_string())?;
    let signed = Entity::parse(&inner).map_err(|e| e.to_string())?;
    let ct = signed.content_type();
    let parts =
        xmpp_e2e::mime::split_multipart(signed.body, ct.param("boundary").ok_or("no boundary")?)
            .map_err(|e| e.to_string())?;
    let first = parts.first().ok_or("no part")?;
    let part = Entity::parse(first).map_err(|e| e.to_string())?;
    if part.header("Content-Transfer-Encoding").is_some() {
        return Err("the CPIM part has a transfer encoding".into());
    }
    if !first
        .windows("Roméo".len())
        .any(|w| w == "Roméo".as_bytes())
    {
        return Err("the UTF-8 text is not carried as it is".into());
    }
    Ok(())
}

/// 3923-6.5-1, 6.7-1: signed first, then encrypted: the envelope holds the signature.
fn sign_then_encrypt() -> Outcome {
    let p = pki()?;
    let e = send(
        MESSAGE,
        Some(&p.juliet),
        std::slice::from_ref(&p.romeo.certificate),
        SendConfig::default(),
    )?;
    if !matches!(receive(&e, None, p.now), Err(E2eError::NoKey)) {
        return Err("the outer layer is not the envelope".into());
    }
    let inner = {
        let text = object(&e)?;
        let outer = Entity::parse(text.trim_start().as_bytes()).map_err(|e| e.to_string())?;
        let der = outer.decoded_body().map_err(|e| e.to_string())?;
        enveloped::decrypt(&der, &p.romeo).map_err(|e| e.to_string())?
    };
    let ct = Entity::parse(&inner)
        .map_err(|e| e.to_string())?
        .content_type();
    if ct.mime != "multipart/signed" {
        return Err(format!("inside the envelope: {}", ct.mime));
    }
    Ok(())
}

/// 3923-6.6-1, 6.6-2, 6.6-4: the certificate goes with the first stanza and then once in
/// five minutes; a stanza without it verifies against known certificates.
fn certificate_schedule() -> Outcome {
    let p = pki()?;
    let mut s = CertificateSchedule::new();
    let t = p.now;
    let got = [
        s.include("romeo@example.net", t),
        s.include("romeo@example.net", t.plus_seconds(200)),
        s.include("romeo@example.net", t.plus_seconds(301)),
        s.include("romeo@example.net", t.plus_seconds(302)),
    ];
    if got != [true, false, true, false] {
        return Err(format!("schedule {got:?}"));
    }
    let e = send(
        MESSAGE,
        Some(&p.juliet),
        &[],
        SendConfig {
            omit_certificate: true,
            ..SendConfig::default()
        },
    )?;
    expect_err(receive(&e, None, p.now), Condition::UnverifiedSignature)?;
    xmpp_e2e::open(
        e.as_ref(),
        &Reception {
            recipient: None,
            anchors: Some(&p.anchors),
            known: std::slice::from_ref(&p.juliet.certificate),
            now: p.now,
            require_signature: true,
        },
    )
    .map(|_| ())
    .map_err(|e| e.to_string())
}

/// 3923-6.6-3: signed presence carries the certificate (unless the schedule omits it).
fn presence_certificate() -> Outcome {
    let p = pki()?;
    let e = send(
        PRESENCE,
        Some(&p.juliet),
        std::slice::from_ref(&p.romeo.certificate),
        SendConfig::default(),
    )?;
    receive(&e, Some(&p.romeo), p.now)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// 3923-6.7-2: the signature part says how to handle it.
fn content_disposition() -> Outcome {
    let p = pki()?;
    let e = send(MESSAGE, Some(&p.juliet), &[], SendConfig::default())?;
    if !object(&e)?
        .contains("Content-Disposition: attachment; handling=required; filename=\"smime.p7s\"")
    {
        return Err("no Content-Disposition on the signature part".into());
    }
    Ok(())
}

/// 3923-6.7-3a, 6.7-3b: a bad signature is not delivered; the error says why.
fn bad_signature_not_delivered() -> Outcome {
    let p = pki()?;
    let e = send(
        MESSAGE,
        Some(&p.juliet),
        std::slice::from_ref(&p.romeo.certificate),
        SendConfig {
            cipher: ContentCipher::Aes128Cbc,
            ..SendConfig::default()
        },
    )?;
    receive(&e, Some(&p.romeo), p.now).map_err(|e| e.to_string())?;
    let signed_only = send(MESSAGE, Some(&p.juliet), &[], SendConfig::default())?;
    let bad = tamper(&signed_only, "Wherefore art thou", "Wherefore art thee")?;
    match expect_err(receive(&bad, None, p.now), Condition::UnverifiedSignature)? {
        E2eError::Signature(SignatureError::Invalid) => Ok(()),
        other => Err(format!("got {other}")),
    }
}

/// 3923-6.7-3c, 7-4: `<not-acceptable/>` with `<unverified-signature/>`.
fn unverified_signature_error() -> Outcome {
    error_shape(Condition::UnverifiedSignature, "not-acceptable")
}

fn error_shape(c: Condition, defined: &str) -> Outcome {
    let el = c.stanza_error().to_element("jabber:client");
    if el.attr("type") != Some("modify")
        || el
            .child("urn:ietf:params:xml:ns:xmpp-stanzas", defined)
            .is_none()
        || el.child(E2E_NS, c.as_str()).is_none()
    {
        return Err(format!("error element {:?}", el.to_xml()));
    }
    Ok(())
}

/// 3923-6.8-1a, 6.8-1b: an undecryptable stanza is not delivered; the error says why.
fn undecryptable_not_delivered() -> Outcome {
    let p = pki()?;
    let e = send(
        MESSAGE,
        Some(&p.juliet),
        std::slice::from_ref(&p.romeo.certificate),
        SendConfig::default(),
    )?;
    let err = expect_err(
        receive(&e, Some(&p.juliet), p.now),
        Condition::DecryptionFailed,
    )?;
    if !matches!(err, E2eError::Decrypt(_)) {
        return Err(format!("got {err}"));
    }
    Ok(())
}

/// 3923-6.8-1c, 7-5: `<bad-request/>` with `<decryption-failed/>`.
fn decryption_failed_error() -> Outcome {
    error_shape(Condition::DecryptionFailed, "bad-request")
}

/// 3923-6.9-1: the CPIM DateTime is RFC 3339 UTC with `Z`, fraction when there is one.
fn timestamp_format() -> Outcome {
    let p = pki()?;
    let t = Timestamp::from_unix_nanos(p.now.unix_seconds(), 660_000_000);
    let secured = xmpp_e2e::secure(
        stanza(MESSAGE)?.as_ref(),
        &Protection {
            signer: Some(&p.juliet),
            recipients: &[],
            config: SendConfig::default(),
            now: t,
        },
        &mut SeededRandom::new(7),
    )
    .map_err(|e| e.to_string())?;
    let text = secured
        .child(E2E_NS, "e2e")
        .map(|e| e.text().into_owned())
        .unwrap_or_default();
    if !text.contains("DateTime: 2030-01-01T12:00:00.660Z\n") {
        return Err("DateTime not in RFC 3339 UTC form".into());
    }
    Ok(())
}

/// 3923-6.9-2: stamps increase even when the clock repeats.
fn monotonic_timestamps() -> Outcome {
    let p = pki()?;
    let mut s = MonotonicStamps::new();
    let (a, b, c) = (
        s.stamp(p.now),
        s.stamp(p.now),
        s.stamp(p.now.plus_seconds(-1)),
    );
    if !(a < b && b < c) {
        return Err(format!("{a} {b} {c}"));
    }
    Ok(())
}

/// 3923-6.9-3: five minutes either side pass; beyond is bad-timestamp.
fn timestamp_window() -> Outcome {
    let p = pki()?;
    let e = send(MESSAGE, Some(&p.juliet), &[], SendConfig::default())?;
    for d in [-300, 300] {
        receive(&e, None, p.now.plus_seconds(d)).map_err(|e| format!("{d} s: {e}"))?;
    }
    for d in [-301, 301] {
        expect_err(
            receive(&e, None, p.now.plus_seconds(d)),
            Condition::BadTimestamp,
        )?;
    }
    Ok(())
}

/// 3923-6.9-4: a timestamp not later than one accepted before is refused.
fn decreasing_timestamp() -> Outcome {
    let p = pki()?;
    let e = send(MESSAGE, Some(&p.juliet), &[], SendConfig::default())?;
    let o = receive(&e, None, p.now).map_err(|e| e.to_string())?;
    let mut g = ReplayGuard::new();
    g.check(&o, p.now).map_err(|e| e.to_string())?;
    match g.check(&o, p.now.plus_seconds(1)) {
        Err(E2eError::Timestamp(TimestampProblem::Decreasing { .. })) => Ok(()),
        other => Err(format!("a replay gave {other:?}")),
    }
}

/// 3923-6.9-5a: failures are told apart as old, future and decreasing timestamps.
fn timestamp_flagged() -> Outcome {
    let p = pki()?;
    let e = send(MESSAGE, Some(&p.juliet), &[], SendConfig::default())?;
    let old = expect_err(
        receive(&e, None, p.now.plus_seconds(400)),
        Condition::BadTimestamp,
    )?;
    let future = expect_err(
        receive(&e, None, p.now.plus_seconds(-400)),
        Condition::BadTimestamp,
    )?;
    let decreasing = E2eError::Timestamp(TimestampProblem::Decreasing {
        sent: p.now,
        last: p.now,
    });
    for (e, word) in [
        (old, "old timestamp"),
        (future, "future timestamp"),
        (decreasing, "decreasing timestamp"),
    ] {
        if !e.to_string().contains(word) {
            return Err(format!("'{e}' is not marked {word}"));
        }
    }
    Ok(())
}

/// 3923-6.9-5b, 7-3: `<not-acceptable/>` with `<bad-timestamp/>`.
fn bad_timestamp_error() -> Outcome {
    error_shape(Condition::BadTimestamp, "not-acceptable")
}

/// 3923-7-2: a stanza that decrypts and verifies yields no error.
fn success_no_error() -> Outcome {
    let p = pki()?;
    let e = send(
        MESSAGE,
        Some(&p.juliet),
        std::slice::from_ref(&p.romeo.certificate),
        SendConfig::default(),
    )?;
    let o = receive(&e, Some(&p.romeo), p.now).map_err(|e| e.to_string())?;
    if o.stanza.child("jabber:client", "error").is_some() || o.stanza.child(E2E_NS, "e2e").is_some()
    {
        return Err("the opened stanza carries an error or its <e2e/>".into());
    }
    Ok(())
}

/// 3923-8-1: the gateway takes the S/MIME object out of `<e2e/>`.
fn gateway_unwrap() -> Outcome {
    let p = pki()?;
    let e = send(
        MESSAGE,
        Some(&p.juliet),
        std::slice::from_ref(&p.romeo.certificate),
        SendConfig::default(),
    )?;
    let object = gateway::unwrap(e.as_ref()).map_err(|e| e.to_string())?;
    smime::open(
        object.as_bytes(),
        &OpenOptions {
            recipient: Some(&p.romeo),
            anchors: Some(&p.anchors),
            known: &[],
            now: p.now,
        },
    )
    .map(|_| ())
    .map_err(|e| e.to_string())
}

/// 3923-8-2, 8-3: the gateway wraps an object into a stanza that opens, byte for byte.
fn gateway_wrap() -> Outcome {
    let p = pki()?;
    let e = send(
        MESSAGE,
        Some(&p.juliet),
        std::slice::from_ref(&p.romeo.certificate),
        SendConfig::default(),
    )?;
    let object = gateway::unwrap(e.as_ref()).map_err(|e| e.to_string())?;
    let wrapped = gateway::wrap(
        "message",
        "jabber:client",
        "juliet@example.com/gw",
        "romeo@example.net",
        &object,
    )
    .map_err(|e| e.to_string())?;
    let wire = stanza(&xmpp_e2e::to_xml_with_cdata(&wrapped, "").map_err(|e| e.to_string())?)?;
    if gateway::unwrap(wire.as_ref()).map_err(|e| e.to_string())? != object {
        return Err("the object changed through the gateway".into());
    }
    receive(&wire, Some(&p.romeo), p.now)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// 3923-10-1: application/xmpp+xml holds `<xmpp/>` with exactly one stanza.
fn xmpp_xml_one_stanza() -> Outcome {
    let p = pki()?;
    let ext = MESSAGE.replace("</message>", "<thread>t</thread></message>");
    let e = send(&ext, Some(&p.juliet), &[], SendConfig::default())?;
    let content = opened_content(&e, None)?;
    let text = String::from_utf8_lossy(&content).into_owned();
    if !text.contains("application/xmpp+xml") || text.matches("<message").count() != 1 {
        return Err("not one stanza in application/xmpp+xml".into());
    }
    let two = "Content-type: Message/CPIM\r\n\r\nFrom: <im:a@b>\r\nTo: <im:c@d>\r\nDateTime: 2030-01-01T00:00:00Z\r\n\r\nContent-type: application/xmpp+xml\r\n\r\n<xmpp xmlns='jabber:client'><message/><message/></xmpp>";
    if payload::read(two.as_bytes()).is_ok() {
        return Err("two stanzas in <xmpp/> accepted".into());
    }
    Ok(())
}

/// 3923-10-2: application/xmpp+xml is UTF-8; other encodings are refused.
fn xmpp_xml_utf8() -> Outcome {
    let p = pki()?;
    let ext = MESSAGE.replace("</message>", "<thread>t</thread></message>");
    let e = send(&ext, Some(&p.juliet), &[], SendConfig::default())?;
    let content = opened_content(&e, None)?;
    if !String::from_utf8_lossy(&content).contains("application/xmpp+xml; charset=utf-8") {
        return Err("charset not declared utf-8".into());
    }
    let latin1 = b"Content-type: Message/CPIM\r\n\r\nFrom: <im:a@b>\r\nTo: <im:c@d>\r\nDateTime: 2030-01-01T00:00:00Z\r\n\r\nContent-type: application/xmpp+xml\r\n\r\n<xmpp xmlns='jabber:client'><message><body>\xe9</body></message></xmpp>";
    if payload::read(latin1).is_ok() {
        return Err("non-UTF-8 application/xmpp+xml accepted".into());
    }
    Ok(())
}

/// Every check of this module.
pub static CHECKS: &[Check] = &[
    Check {
        name: "e2e.message_as_cpim",
        run: message_as_cpim,
    },
    Check {
        name: "e2e.presence_as_pidf",
        run: presence_as_pidf,
    },
    Check {
        name: "e2e.signed_data",
        run: signed_data,
    },
    Check {
        name: "e2e.enveloped_data",
        run: enveloped_data,
    },
    Check {
        name: "e2e.mandatory_algorithms",
        run: mandatory_algorithms,
    },
    Check {
        name: "e2e.sha1_digest",
        run: sha1_digest,
    },
    Check {
        name: "e2e.rsa_sha1_signature",
        run: rsa_sha1_signature,
    },
    Check {
        name: "e2e.rsa_key_transport",
        run: rsa_key_transport,
    },
    Check {
        name: "e2e.aes128_cbc",
        run: aes128_cbc,
    },
    Check {
        name: "e2e.other_algorithms",
        run: other_algorithms,
    },
    Check {
        name: "e2e.cpim_headers_secured",
        run: cpim_headers_secured,
    },
    Check {
        name: "e2e.message_e2e_cdata",
        run: message_e2e_cdata,
    },
    Check {
        name: "e2e.presence_e2e_cdata",
        run: presence_e2e_cdata,
    },
    Check {
        name: "e2e.pidf_secured",
        run: pidf_secured,
    },
    Check {
        name: "e2e.presence_directed",
        run: presence_directed,
    },
    Check {
        name: "e2e.subject_dn_ignored",
        run: subject_dn_ignored,
    },
    Check {
        name: "e2e.cert_uri_names",
        run: cert_uri_names,
    },
    Check {
        name: "e2e.sender_from_matches_cert",
        run: sender_from_matches_cert,
    },
    Check {
        name: "e2e.from_resource_ignored",
        run: from_resource_ignored,
    },
    Check {
        name: "e2e.receiver_checks_signer_jid",
        run: receiver_checks_signer_jid,
    },
    Check {
        name: "e2e.receiver_ignores_resource",
        run: receiver_ignores_resource,
    },
    Check {
        name: "e2e.xmpp_addr_read",
        run: xmpp_addr_read,
    },
    Check {
        name: "e2e.inner_binary",
        run: inner_binary,
    },
    Check {
        name: "e2e.sign_then_encrypt",
        run: sign_then_encrypt,
    },
    Check {
        name: "e2e.certificate_schedule",
        run: certificate_schedule,
    },
    Check {
        name: "e2e.presence_certificate",
        run: presence_certificate,
    },
    Check {
        name: "e2e.content_disposition",
        run: content_disposition,
    },
    Check {
        name: "e2e.bad_signature_not_delivered",
        run: bad_signature_not_delivered,
    },
    Check {
        name: "e2e.unverified_signature_error",
        run: unverified_signature_error,
    },
    Check {
        name: "e2e.undecryptable_not_delivered",
        run: undecryptable_not_delivered,
    },
    Check {
        name: "e2e.decryption_failed_error",
        run: decryption_failed_error,
    },
    Check {
        name: "e2e.timestamp_format",
        run: timestamp_format,
    },
    Check {
        name: "e2e.monotonic_timestamps",
        run: monotonic_timestamps,
    },
    Check {
        name: "e2e.timestamp_window",
        run: timestamp_window,
    },
    Check {
        name: "e2e.decreasing_timestamp",
        run: decreasing_timestamp,
    },
    Check {
        name: "e2e.timestamp_flagged",
        run: timestamp_flagged,
    },
    Check {
        name: "e2e.bad_timestamp_error",
        run: bad_timestamp_error,
    },
    Check {
        name: "e2e.success_no_error",
        run: success_no_error,
    },
    Check {
        name: "e2e.gateway_unwrap",
        run: gateway_unwrap,
    },
    Check {
        name: "e2e.gateway_wrap",
        run: gateway_wrap,
    },
    Check {
        name: "e2e.xmpp_xml_one_stanza",
        run: xmpp_xml_one_stanza,
    },
    Check {
        name: "e2e.xmpp_xml_utf8",
        run: xmpp_xml_utf8,
    },
];
