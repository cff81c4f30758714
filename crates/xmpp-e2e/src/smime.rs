//! S/MIME objects (RFC 5751 §3.4) around CMS: what a sender produces from a MIME entity,
//! and the reverse path a receiver takes through any nesting of signing and encryption.
//!
//! Produced forms, as OpenSSL writes them (CRLF line ends, base64 for the CMS parts,
//! `MIME-Version: 1.0` on the outer object):
//!
//! - [`sign_detached`]: `multipart/signed` with an `application/pkcs7-signature` part
//!   (RFC 5751 §3.4.3), the form of RFC 3923 §3.2. The signed entity is put in canonical
//!   form (CRLF line ends, RFC 5751 §3.1.1) first, so that the signature survives the XML
//!   parser's line-end normalisation in `<e2e/>`.
//! - [`sign_opaque`]: `application/pkcs7-mime; smime-type=signed-data` (§3.4.2).
//! - [`encrypt`]: `application/pkcs7-mime; smime-type=enveloped-data` (§3.3).
//!
//! [`open`] reads those, the `application/x-pkcs7-*` spellings, bare base64 of a CMS
//! ContentInfo (RFC 3923 §3.3 Example 5 carries one without MIME headers), and a
//! decrypted content that is a DER ContentInfo itself (what `openssl cms -encrypt` of a
//! DER signed-data gives). RFC 3923 §6.4 asks for the "binary" transfer encoding; the
//! CMS parts are base64 all the same, because raw DER cannot be carried in XML character
//! data (RFC 3923's own examples are base64).

use crate::algorithms::{ContentCipher, DigestAlgorithm};
use crate::cert::{Certificate, Identity, TrustAnchors};
use crate::error::E2eError;
use crate::mime::{Entity, MimeError, decode_base64, encode_base64_lines, split_multipart};
use crate::random::Random;
use crate::time::Timestamp;
use crate::{enveloped, oid, signed};

/// How deep signed and enveloped layers may nest in one object.
pub const MAX_LAYERS: usize = 4;

fn mime_err(e: MimeError) -> E2eError {
    E2eError::Mime(e.to_string())
}

/// Signs `entity` (a MIME entity: header fields, empty line, body) into a
/// `multipart/signed` object; `include_certificates` as in [`signed::sign`].
pub fn sign_detached(
    entity: &[u8],
    signer: &Identity,
    digest: DigestAlgorithm,
    time: Timestamp,
    include_certificates: bool,
    random: &mut dyn Random,
) -> Result<Vec<u8>, E2eError> {
    let canonical = signed::canonical_crlf(entity);
    let der = signed::sign(
        &canonical,
        signer,
        digest,
        time,
        true,
        include_certificates,
        random,
    )?;
    let mut b = [0u8; 16];
    random.fill(&mut b);
    let boundary: String = b.iter().map(|x| format!("{x:02X}")).collect();
    let boundary = format!("----{boundary}");
    let mut out = Vec::with_capacity(canonical.len() + der.len() * 4 / 3 + 512);
    out.extend_from_slice(
        format!(
            "MIME-Version: 1.0\r\nContent-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=\"{}\"; boundary=\"{boundary}\"\r\n\r\nThis is an S/MIME signed message\r\n\r\n--{boundary}\r\n",
            digest.micalg()
        )
        .as_bytes(),
    );
    out.extend_from_slice(&canonical);
    out.extend_from_slice(
        format!(
            "\r\n--{boundary}\r\nContent-Type: application/pkcs7-signature; name=\"smime.p7s\"\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; handling=required; filename=\"smime.p7s\"\r\n\r\n"
        )
        .as_bytes(),
    );
    out.extend_from_slice(encode_base64_lines(&der).as_bytes());
    out.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Ok(out)
}

fn pkcs7_mime(der: &[u8], smime_type: &str) -> Vec<u8> {
    let mut out = format!(
        "MIME-Version: 1.0\r\nContent-Disposition: attachment; filename=\"smime.p7m\"\r\nContent-Type: application/pkcs7-mime; smime-type={smime_type}; name=\"smime.p7m\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    )
    .into_bytes();
    out.extend_from_slice(encode_base64_lines(der).as_bytes());
    out
}

/// Signs `entity` into an opaque `application/pkcs7-mime; smime-type=signed-data` object.
pub fn sign_opaque(
    entity: &[u8],
    signer: &Identity,
    digest: DigestAlgorithm,
    time: Timestamp,
    include_certificates: bool,
    random: &mut dyn Random,
) -> Result<Vec<u8>, E2eError> {
    let der = signed::sign(
        entity,
        signer,
        digest,
        time,
        false,
        include_certificates,
        random,
    )?;
    Ok(pkcs7_mime(&der, "signed-data"))
}

/// Encrypts `entity` for `recipients` into `application/pkcs7-mime;
/// smime-type=enveloped-data`.
pub fn encrypt(
    entity: &[u8],
    recipients: &[Certificate],
    cipher: ContentCipher,
    random: &mut dyn Random,
) -> Result<Vec<u8>, E2eError> {
    let der = enveloped::encrypt(entity, recipients, cipher, random)?;
    Ok(pkcs7_mime(&der, "enveloped-data"))
}

/// What a receiver brings to [`open`].
#[derive(Debug, Clone, Copy)]
pub struct OpenOptions<'a> {
    /// The recipient's certificate and key, to decrypt.
    pub recipient: Option<&'a Identity>,
    /// The anchors signers must chain to.
    pub anchors: Option<&'a TrustAnchors>,
    /// Certificates of correspondents kept by the application (RFC 3923 §6.2), for
    /// signers that did not send theirs.
    pub known: &'a [Certificate],
    /// The receiver's time, for certificate validity.
    pub now: Timestamp,
}

/// The signer of an opened object, already checked against the trust anchors.
#[derive(Debug, Clone)]
pub struct Signer {
    /// The signer's certificate.
    pub certificate: Certificate,
    /// The digest algorithm used.
    pub digest: DigestAlgorithm,
    /// The signing-time attribute, when present.
    pub signing_time: Option<Timestamp>,
}

/// The result of [`open`].
#[derive(Debug, Clone)]
pub struct Opened {
    /// The innermost content: normally a MIME entity (`Content-Type: Message/CPIM` ...).
    pub content: Vec<u8>,
    /// Whether a layer was encrypted.
    pub encrypted: bool,
    /// The signers of the signed layers, outermost first.
    pub signers: Vec<Signer>,
}

enum Layer {
    Cms(Vec<u8>),
    Detached {
        content: Vec<u8>,
        signature: Vec<u8>,
    },
    Plain,
}

fn classify(data: &[u8]) -> Result<Layer, E2eError> {
    let trimmed = trim_start(data);
    if trimmed.first() == Some(&0x30) && signed::content_type(trimmed).is_some() {
        return Ok(Layer::Cms(trimmed.to_vec()));
    }
    if let Ok(entity) = Entity::parse(trimmed) {
        if entity.header("Content-Type").is_some() {
            let ct = entity.content_type();
            match ct.mime.as_str() {
                "multipart/signed" => {
                    let boundary = ct
                        .param("boundary")
                        .ok_or(E2eError::Mime("multipart/signed without boundary".into()))?;
                    let parts = split_multipart(entity.body, boundary).map_err(mime_err)?;
                    let [content, sig] = parts.as_slice() else {
                        return Err(E2eError::Mime(format!(
                            "multipart/signed with {} parts instead of 2",
                            parts.len()
                        )));
                    };
                    let sig = Entity::parse(sig).map_err(mime_err)?;
                    let st = sig.content_type().mime;
                    if st != "application/pkcs7-signature" && st != "application/x-pkcs7-signature"
                    {
                        return Err(E2eError::Mime(format!("signature part of type {st}")));
                    }
                    return Ok(Layer::Detached {
                        content: content.to_vec(),
                        signature: sig.decoded_body().map_err(mime_err)?,
                    });
                }
                "application/pkcs7-mime" | "application/x-pkcs7-mime" => {
                    return Ok(Layer::Cms(entity.decoded_body().map_err(mime_err)?));
                }
                _ => return Ok(Layer::Plain),
            }
        }
    }
    if let Ok(der) = decode_base64(trimmed) {
        if signed::content_type(&der).is_some() {
            return Ok(Layer::Cms(der));
        }
    }
    Ok(Layer::Plain)
}

fn trim_start(data: &[u8]) -> &[u8] {
    let n = data.iter().take_while(|b| b.is_ascii_whitespace()).count();
    data.get(n..).unwrap_or_default()
}

/// Opens an S/MIME object: decrypts and verifies every layer, outermost first, and checks
/// each signer's certificate against the anchors at `now`. An object that is neither
/// signed nor encrypted is an error, and so is a signed layer without anchors to check it
/// or an encrypted one without a key: nothing passes unchecked.
pub fn open(object: &[u8], opts: &OpenOptions<'_>) -> Result<Opened, E2eError> {
    let mut data = object.to_vec();
    let mut encrypted = false;
    let mut signers = Vec::new();
    for depth in 0..=MAX_LAYERS {
        let layer = classify(&data)?;
        if depth == MAX_LAYERS && !matches!(layer, Layer::Plain) {
            return Err(E2eError::Mime(format!(
                "more than {MAX_LAYERS} nested S/MIME layers"
            )));
        }
        let verified = match layer {
            Layer::Plain if depth == 0 => {
                return Err(E2eError::Mime(
                    "not an S/MIME object (no signed or enveloped data)".into(),
                ));
            }
            Layer::Plain => {
                return Ok(Opened {
                    content: data,
                    encrypted,
                    signers,
                });
            }
            Layer::Detached { content, signature } => {
                Some(signed::verify(&signature, Some(&content), opts.known)?)
            }
            Layer::Cms(der) => match signed::content_type(&der) {
                Some(t) if t == oid::SIGNED_DATA => Some(signed::verify(&der, None, opts.known)?),
                Some(t) if t == oid::ENVELOPED_DATA => {
                    let id = opts.recipient.ok_or(E2eError::NoKey)?;
                    data = enveloped::decrypt(&der, id)?;
                    encrypted = true;
                    None
                }
                other => {
                    return Err(E2eError::Mime(format!(
                        "CMS content type {} is neither signed-data nor enveloped-data",
                        other.map(|o| o.to_string()).unwrap_or_default()
                    )));
                }
            },
        };
        if let Some(v) = verified {
            let anchors = opts.anchors.ok_or(E2eError::NoTrustAnchors)?;
            let mut pool = v.certificates.clone();
            pool.extend_from_slice(opts.known);
            anchors.verify(&v.signer, &pool, opts.now)?;
            signers.push(Signer {
                certificate: v.signer,
                digest: v.digest,
                signing_time: v.signing_time,
            });
            // Every signer of the layer, not only the first, chains to an anchor.
            for (certificate, digest) in v.co_signers {
                anchors.verify(&certificate, &pool, opts.now)?;
                signers.push(Signer {
                    certificate,
                    digest,
                    signing_time: None,
                });
            }
            data = v.content;
        }
    }
    Err(E2eError::Mime(format!(
        "more than {MAX_LAYERS} nested S/MIME layers"
    )))
}
