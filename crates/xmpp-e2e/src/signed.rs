//! CMS SignedData (RFC 5652 §5) with RSA PKCS #1 v1.5 signatures (RFC 3370 §3.2) over
//! SHA-1 or SHA-256, as RFC 3923 §2 (Requirement 3) and §6.10 ask.
//!
//! Signing always adds the signed attributes content-type, signing-time and
//! message-digest (RFC 5652 §5.3, §11; RFC 5751 §2.5 asks S/MIME signers for
//! signing-time), identifies the signer by issuer and serial number, and carries the
//! signer's certificate and chain (RFC 3923 §6.6). Verification accepts what OpenSSL
//! writes: signed attributes or none, issuer-and-serial or subject key identifier,
//! `rsaEncryption` or `shaNWithRSAEncryption` as signature algorithm.

use cms::cert::CertificateChoices;
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use der::asn1::{OctetString, SetOfVec};
use der::{Any, Decode, Encode};
use rsa::Pkcs1v15Sign;
use spki::AlgorithmIdentifierOwned;
use x509_cert::attr::Attribute;

use crate::algorithms::DigestAlgorithm;
use crate::cert::{Certificate, Identity};
use crate::error::SignatureError;
use crate::oid;
use crate::random::{Random, RngAdapter};
use crate::time::Timestamp;

/// What a valid signature says.
#[derive(Debug, Clone)]
pub struct Verified {
    /// The signed content: the encapsulated content, or the detached content given.
    pub content: Vec<u8>,
    /// The signer's certificate.
    pub signer: Certificate,
    /// Every certificate the SignedData carried (the signer's among them), for building
    /// the chain to a trust anchor.
    pub certificates: Vec<Certificate>,
    /// The digest algorithm the signer used.
    pub digest: DigestAlgorithm,
    /// The signing-time attribute, when present.
    pub signing_time: Option<Timestamp>,
    /// The certificates and digests of the further signers (RFC 5652 §5.1 allows several),
    /// whose signatures verified too; their trust is checked like the first one's.
    pub co_signers: Vec<(Certificate, DigestAlgorithm)>,
}

fn der_err(e: der::Error) -> SignatureError {
    SignatureError::Malformed(e.to_string())
}

fn attribute(oid: const_oid::ObjectIdentifier, value: Any) -> Result<Attribute, SignatureError> {
    let mut values = SetOfVec::new();
    values.insert(value).map_err(der_err)?;
    Ok(Attribute { oid, values })
}

/// Signs `content` as a CMS SignedData ContentInfo (DER). With `detached` the content is
/// left out of the structure (for `multipart/signed`, RFC 5751 §3.4.3); otherwise it is
/// encapsulated (`application/pkcs7-mime; smime-type=signed-data`, §3.4.2). With
/// `include_certificates` the signer's certificate and chain travel along (RFC 3923
/// §6.6; see [`crate::stanza::CertificateSchedule`]); without, the receiver must hold
/// them.
pub fn sign(
    content: &[u8],
    signer: &Identity,
    digest: DigestAlgorithm,
    signing_time: Timestamp,
    detached: bool,
    include_certificates: bool,
    random: &mut dyn Random,
) -> Result<Vec<u8>, SignatureError> {
    signer
        .certificate
        .check_signing_usage()
        .map_err(SignatureError::Certificate)?;
    let digest_alg = AlgorithmIdentifierOwned {
        oid: digest.oid(),
        parameters: None,
    };
    let md = digest.digest(content);
    let time = der::DateTime::from_unix_duration(core::time::Duration::from_secs(
        u64::try_from(signing_time.unix_seconds()).unwrap_or(0),
    ))
    .map_err(der_err)?;
    // RFC 5652 §11.3: UTCTime through 2049, GeneralizedTime after.
    let time = match der::asn1::UtcTime::from_date_time(time) {
        Ok(u) => x509_cert::time::Time::UtcTime(u),
        Err(_) => {
            x509_cert::time::Time::GeneralTime(der::asn1::GeneralizedTime::from_date_time(time))
        }
    };
    let mut attrs = SetOfVec::new();
    attrs
        .insert(attribute(
            oid::CONTENT_TYPE,
            Any::encode_from(&oid::DATA).map_err(der_err)?,
        )?)
        .map_err(der_err)?;
    attrs
        .insert(attribute(
            oid::SIGNING_TIME,
            Any::encode_from(&time).map_err(der_err)?,
        )?)
        .map_err(der_err)?;
    attrs
        .insert(attribute(
            oid::MESSAGE_DIGEST,
            Any::encode_from(&OctetString::new(md).map_err(der_err)?).map_err(der_err)?,
        )?)
        .map_err(der_err)?;
    // RFC 5652 §5.4: the signature covers the DER encoding of the SET OF attributes.
    let to_sign = attrs.to_der().map_err(der_err)?;
    let hashed = digest.digest(&to_sign);
    let scheme = match digest {
        DigestAlgorithm::Sha1 => Pkcs1v15Sign::new::<sha1::Sha1>(),
        DigestAlgorithm::Sha256 => Pkcs1v15Sign::new::<sha2::Sha256>(),
    };
    let signature = signer
        .key
        .inner
        .sign_with_rng(&mut RngAdapter(random), scheme, &hashed)
        .map_err(|e| SignatureError::Crypto(e.to_string()))?;
    let info = SignerInfo {
        version: CmsVersion::V1,
        sid: SignerIdentifier::IssuerAndSerialNumber(signer.certificate.issuer_and_serial()),
        digest_alg: digest_alg.clone(),
        signed_attrs: Some(attrs),
        signature_algorithm: AlgorithmIdentifierOwned {
            oid: oid::RSA_ENCRYPTION,
            parameters: Some(Any::null()),
        },
        signature: OctetString::new(signature).map_err(der_err)?,
        unsigned_attrs: None,
    };
    let mut certs = SetOfVec::new();
    let carried = if include_certificates {
        1 + signer.chain.len()
    } else {
        0
    };
    for c in core::iter::once(&signer.certificate)
        .chain(&signer.chain)
        .take(carried)
    {
        certs
            .insert(CertificateChoices::Certificate(c.inner.clone()))
            .map_err(der_err)?;
    }
    let mut digest_algorithms = SetOfVec::new();
    digest_algorithms.insert(digest_alg).map_err(der_err)?;
    let mut infos = SetOfVec::new();
    infos.insert(info).map_err(der_err)?;
    let econtent = if detached {
        None
    } else {
        Some(Any::encode_from(&OctetString::new(content).map_err(der_err)?).map_err(der_err)?)
    };
    let sd = SignedData {
        version: CmsVersion::V1,
        digest_algorithms,
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: oid::DATA,
            econtent,
        },
        certificates: if include_certificates {
            Some(CertificateSet(certs))
        } else {
            None
        },
        crls: None,
        signer_infos: SignerInfos(infos),
    };
    let ci = ContentInfo {
        content_type: oid::SIGNED_DATA,
        content: Any::encode_from(&sd).map_err(der_err)?,
    };
    ci.to_der().map_err(der_err)
}

/// Verifies a CMS SignedData ContentInfo (DER). `detached` is the content of a
/// `multipart/signed` body: its bytes as received, and then its canonical form (CRLF
/// line ends, RFC 5751 §3.1.1) are tried, since an XML parser turns CRLF into LF
/// (XML 1.0 §2.11) on the way. `known` are certificates the application holds for
/// signers that did not send theirs (RFC 3923 §6.6 lets senders leave it out).
///
/// Every signer must verify. Only the signature is checked here; the trust in the
/// signer's certificate is [`crate::cert::TrustAnchors::verify`]'s job.
pub fn verify(
    der: &[u8],
    detached: Option<&[u8]>,
    known: &[Certificate],
) -> Result<Verified, SignatureError> {
    let ci = ContentInfo::from_der(der).map_err(der_err)?;
    if ci.content_type != oid::SIGNED_DATA {
        return Err(SignatureError::Malformed(format!(
            "content type {} is not signed-data",
            ci.content_type
        )));
    }
    let sd: SignedData = ci.content.decode_as().map_err(der_err)?;
    let mut certificates = Vec::new();
    for choice in sd.certificates.iter().flat_map(|c| c.0.iter()) {
        if let CertificateChoices::Certificate(c) = choice {
            certificates
                .push(Certificate::from_x509(c.clone()).map_err(SignatureError::Certificate)?);
        }
    }
    let encapsulated = match &sd.encap_content_info.econtent {
        Some(any) => Some(
            any.decode_as::<OctetString>()
                .map_err(der_err)?
                .as_bytes()
                .to_vec(),
        ),
        None => None,
    };
    let candidates: Vec<Vec<u8>> = match (encapsulated, detached) {
        (Some(c), _) => vec![c],
        (None, Some(d)) => {
            let canon = canonical_crlf(d);
            if canon == d {
                vec![d.to_vec()]
            } else {
                vec![d.to_vec(), canon]
            }
        }
        (None, None) => {
            return Err(SignatureError::Malformed(
                "detached signature without its content".into(),
            ));
        }
    };
    let mut result = None;
    if sd.signer_infos.0.is_empty() {
        return Err(SignatureError::Malformed(
            "SignedData without a signer".into(),
        ));
    }
    for info in sd.signer_infos.0.iter() {
        let signer = find_signer(&info.sid, &certificates, known)?;
        let digest = DigestAlgorithm::from_oid(&info.digest_alg.oid)
            .ok_or_else(|| SignatureError::UnsupportedAlgorithm(info.digest_alg.oid.to_string()))?;
        let (content, time) = candidates
            .iter()
            .find_map(|c| {
                check_info(
                    info,
                    &sd.encap_content_info.econtent_type,
                    c,
                    digest,
                    &signer,
                )
                .ok()
                .map(|t| (c.clone(), t))
            })
            .ok_or(SignatureError::Invalid)?;
        signer
            .check_signing_usage()
            .map_err(SignatureError::Certificate)?;
        signer
            .check_email_protection()
            .map_err(SignatureError::Certificate)?;
        match &mut result {
            None => {
                result = Some(Verified {
                    content,
                    signer,
                    certificates: certificates.clone(),
                    digest,
                    signing_time: time,
                    co_signers: Vec::new(),
                });
            }
            Some(v) => v.co_signers.push((signer, digest)),
        }
    }
    result.ok_or(SignatureError::Invalid)
}

/// Checks one SignerInfo against one candidate content; the signing time on success.
fn check_info(
    info: &SignerInfo,
    econtent_type: &const_oid::ObjectIdentifier,
    content: &[u8],
    digest: DigestAlgorithm,
    signer: &Certificate,
) -> Result<Option<Timestamp>, SignatureError> {
    let md = digest.digest(content);
    let mut time = None;
    let signed = match &info.signed_attrs {
        Some(attrs) => {
            let mut saw_digest = false;
            let mut saw_type = false;
            for a in attrs.iter() {
                let Some(v) = a.values.get(0) else { continue };
                if a.oid == oid::MESSAGE_DIGEST {
                    let got = v.decode_as::<OctetString>().map_err(der_err)?;
                    if got.as_bytes() != md.as_slice() {
                        return Err(SignatureError::Invalid);
                    }
                    saw_digest = true;
                } else if a.oid == oid::CONTENT_TYPE {
                    let got = v
                        .decode_as::<const_oid::ObjectIdentifier>()
                        .map_err(der_err)?;
                    if got != *econtent_type {
                        return Err(SignatureError::Invalid);
                    }
                    saw_type = true;
                } else if a.oid == oid::SIGNING_TIME {
                    let t = v.to_der().and_then(|d| x509_cert::time::Time::from_der(&d));
                    if let Ok(t) = t {
                        time = Some(Timestamp::from_unix(
                            i64::try_from(t.to_unix_duration().as_secs()).unwrap_or(i64::MAX),
                        ));
                    }
                }
            }
            // RFC 5652 §5.3: both attributes are required when signed attributes exist.
            if !saw_digest || !saw_type {
                return Err(SignatureError::Malformed(
                    "signed attributes without message-digest or content-type".into(),
                ));
            }
            digest.digest(&attrs.to_der().map_err(der_err)?)
        }
        None => md,
    };
    let alg = &info.signature_algorithm.oid;
    let scheme_alg = if *alg == oid::RSA_ENCRYPTION {
        match digest {
            DigestAlgorithm::Sha1 => oid::SHA1_WITH_RSA,
            DigestAlgorithm::Sha256 => oid::SHA256_WITH_RSA,
        }
    } else if *alg == oid::SHA1_WITH_RSA && digest == DigestAlgorithm::Sha1
        || *alg == oid::SHA256_WITH_RSA && digest == DigestAlgorithm::Sha256
    {
        *alg
    } else {
        return Err(SignatureError::UnsupportedAlgorithm(alg.to_string()));
    };
    let key = signer.public_key().map_err(SignatureError::Certificate)?;
    let scheme = if scheme_alg == oid::SHA1_WITH_RSA {
        Pkcs1v15Sign::new::<sha1::Sha1>()
    } else {
        Pkcs1v15Sign::new::<sha2::Sha256>()
    };
    key.verify(scheme, &signed, info.signature.as_bytes())
        .map_err(|_| SignatureError::Invalid)?;
    Ok(time)
}

fn find_signer(
    sid: &SignerIdentifier,
    certs: &[Certificate],
    known: &[Certificate],
) -> Result<Certificate, SignatureError> {
    certs
        .iter()
        .chain(known)
        .find(|c| match sid {
            SignerIdentifier::IssuerAndSerialNumber(ias) => c.issuer_and_serial() == *ias,
            SignerIdentifier::SubjectKeyIdentifier(ski) => {
                c.subject_key_id().as_deref() == Some(ski.0.as_bytes())
            }
        })
        .cloned()
        .ok_or(SignatureError::NoSignerCertificate)
}

/// The canonical form of text: every line end CRLF (RFC 5751 §3.1.1).
pub fn canonical_crlf(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + data.len() / 32);
    let mut prev = 0u8;
    for &b in data {
        if b == b'\n' && prev != b'\r' {
            out.push(b'\r');
        }
        out.push(b);
        prev = b;
    }
    out
}

/// Reads the content type of a CMS ContentInfo (DER), if it is one.
pub(crate) fn content_type(der: &[u8]) -> Option<const_oid::ObjectIdentifier> {
    ContentInfo::from_der(der).ok().map(|c| c.content_type)
}
