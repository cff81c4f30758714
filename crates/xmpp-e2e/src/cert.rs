//! Certificates, private keys and trust anchors, and the checks a receiver makes on a
//! signer's certificate: a chain to an anchor the application trusts, validity at a time
//! the application passes in, and the XMPP address it names (RFC 3923 §6.3).
//!
//! Addresses are read from `subjectAltName` entries of type `otherName` with the type
//! id-on-xmppAddr (RFC 3923 §6.3, RFC 3920 §5.1.1), and from `uniformResourceIdentifier`
//! entries of the form `im:JID` or `pres:JID` (RFC 3923 §6.3 names these URIs). The
//! subject distinguished name is ignored (§6.3: "Information in the subject distinguished
//! name SHOULD be ignored").
//!
//! Revocation (CRLs, OCSP) is not checked: RFC 3923 §6.2 leaves certificate handling to
//! S/MIME, and an application that needs revocation checks them before calling.

use core::fmt;

use der::{Decode, Encode};
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey};
use rsa::{Pkcs1v15Sign, RsaPrivateKey, RsaPublicKey};
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{
    BasicConstraints, ExtendedKeyUsage, KeyUsage, SubjectAltName, SubjectKeyIdentifier,
};

use crate::oid;
use crate::time::Timestamp;

/// The longest chain followed from a signer to an anchor (signer included).
pub const MAX_CHAIN: usize = 8;

/// What is wrong with a certificate, a key or a chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertError {
    /// The PEM or DER text is not a certificate (or not a supported private key).
    Malformed(String),
    /// The key is not an RSA key (the algorithms of RFC 3923 §6.10 are RSA ones).
    UnsupportedKey(String),
    /// The certificate's validity starts after the time of the check.
    NotYetValid {
        /// Subject of the certificate.
        subject: String,
        /// Its `notBefore`.
        not_before: Timestamp,
    },
    /// The certificate's validity ended before the time of the check.
    Expired {
        /// Subject of the certificate.
        subject: String,
        /// Its `notAfter`.
        not_after: Timestamp,
    },
    /// No trust anchor (directly or through certificates carried in the message) issued
    /// this certificate.
    Untrusted {
        /// Subject of the last certificate of the chain that was built.
        subject: String,
    },
    /// A certificate that issues another is not a CA (basicConstraints, keyUsage).
    NotCa {
        /// Subject of that certificate.
        subject: String,
    },
    /// A CA's pathLenConstraint (RFC 5280 §4.2.1.9) allows fewer intermediate CAs below
    /// it than the chain has.
    PathLength {
        /// Subject of that CA certificate.
        subject: String,
        /// Its pathLenConstraint.
        limit: u8,
    },
    /// The certificate has a critical extension this crate does not process (RFC 5280
    /// §4.2: such a certificate MUST be rejected), name constraints among them.
    UnsupportedCriticalExtension {
        /// Subject of the certificate.
        subject: String,
        /// The extension's object identifier.
        oid: String,
    },
    /// The chain is longer than [`MAX_CHAIN`].
    ChainTooLong,
    /// The key usage of the certificate does not allow this use.
    KeyUsage {
        /// Subject of the certificate.
        subject: String,
        /// The use that was refused.
        usage: &'static str,
    },
}

impl fmt::Display for CertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CertError::Malformed(m) => write!(f, "malformed certificate or key: {m}"),
            CertError::UnsupportedKey(m) => write!(f, "unsupported key: {m}"),
            CertError::NotYetValid {
                subject,
                not_before,
            } => write!(
                f,
                "certificate '{subject}' is not valid before {not_before}"
            ),
            CertError::Expired { subject, not_after } => {
                write!(f, "certificate '{subject}' expired at {not_after}")
            }
            CertError::Untrusted { subject } => {
                write!(
                    f,
                    "certificate '{subject}' does not chain to a trust anchor"
                )
            }
            CertError::NotCa { subject } => {
                write!(
                    f,
                    "certificate '{subject}' is not a certification authority"
                )
            }
            CertError::PathLength { subject, limit } => write!(
                f,
                "certificate '{subject}' has a path length constraint of {limit} and has more intermediate CAs below it"
            ),
            CertError::UnsupportedCriticalExtension { subject, oid } => write!(
                f,
                "certificate '{subject}' has critical extension {oid}, which is not processed"
            ),
            CertError::ChainTooLong => write!(f, "chain longer than {MAX_CHAIN} certificates"),
            CertError::KeyUsage { subject, usage } => {
                write!(f, "certificate '{subject}' does not allow {usage}")
            }
        }
    }
}

impl std::error::Error for CertError {}

/// An X.509 certificate (RFC 5280) with its DER encoding.
#[derive(Clone)]
pub struct Certificate {
    pub(crate) inner: x509_cert::Certificate,
    der: Vec<u8>,
}

impl fmt::Debug for Certificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Certificate")
            .field("subject", &self.subject())
            .finish_non_exhaustive()
    }
}

impl PartialEq for Certificate {
    fn eq(&self, other: &Self) -> bool {
        self.der == other.der
    }
}

impl Eq for Certificate {}

impl Certificate {
    /// Reads one DER-encoded certificate.
    pub fn from_der(der: &[u8]) -> Result<Self, CertError> {
        let inner = x509_cert::Certificate::from_der(der)
            .map_err(|e| CertError::Malformed(e.to_string()))?;
        Self::from_x509(inner)
    }

    pub(crate) fn from_x509(inner: x509_cert::Certificate) -> Result<Self, CertError> {
        let der = inner
            .to_der()
            .map_err(|e| CertError::Malformed(e.to_string()))?;
        Ok(Certificate { inner, der })
    }

    /// Reads every certificate of a PEM text (`-----BEGIN CERTIFICATE-----` blocks; other
    /// blocks, such as a private key in the same file, are skipped).
    pub fn all_from_pem(pem: &[u8]) -> Result<Vec<Self>, CertError> {
        let mut out = Vec::new();
        for block in pem_blocks(pem, "CERTIFICATE")? {
            out.push(Self::from_der(&block)?);
        }
        if out.is_empty() {
            return Err(CertError::Malformed(
                "no CERTIFICATE block in the PEM text".into(),
            ));
        }
        Ok(out)
    }

    /// Reads the first certificate of a PEM text.
    pub fn from_pem(pem: &[u8]) -> Result<Self, CertError> {
        let mut all = Self::all_from_pem(pem)?;
        Ok(all.swap_remove(0))
    }

    /// The DER encoding.
    pub fn to_der(&self) -> &[u8] {
        &self.der
    }

    /// The subject distinguished name, for messages (RFC 4514 form).
    pub fn subject(&self) -> String {
        self.inner.tbs_certificate.subject.to_string()
    }

    /// The start of the validity period.
    pub fn not_before(&self) -> Timestamp {
        to_timestamp(&self.inner.tbs_certificate.validity.not_before)
    }

    /// The end of the validity period.
    pub fn not_after(&self) -> Timestamp {
        to_timestamp(&self.inner.tbs_certificate.validity.not_after)
    }

    /// The XMPP addresses the certificate names, in the order of its `subjectAltName`:
    /// id-on-xmppAddr `otherName` values and the JIDs of `im:` and `pres:` URIs
    /// (RFC 3923 §6.3). Entries that are not valid JIDs are left out.
    pub fn xmpp_addresses(&self) -> Vec<xmpp_jid::Jid> {
        let mut out = Vec::new();
        for ext in self.inner.tbs_certificate.extensions.iter().flatten() {
            if ext.extn_id != oid::SUBJECT_ALT_NAME {
                continue;
            }
            let Ok(san) = SubjectAltName::from_der(ext.extn_value.as_bytes()) else {
                continue;
            };
            for name in san.0 {
                let text = match &name {
                    GeneralName::OtherName(o) if o.type_id == oid::XMPP_ADDR => o
                        .value
                        .decode_as::<der::asn1::Utf8StringRef<'_>>()
                        .ok()
                        .map(|s| s.as_str().to_owned()),
                    GeneralName::UniformResourceIdentifier(u) => {
                        let u = u.as_str();
                        u.strip_prefix("im:")
                            .or_else(|| u.strip_prefix("pres:"))
                            .map(str::to_owned)
                    }
                    _ => None,
                };
                if let Some(jid) = text.and_then(|t| xmpp_jid::Jid::parse(&t).ok()) {
                    out.push(jid);
                }
            }
        }
        out
    }

    /// Whether the certificate names `jid`, comparing bare JIDs: the resource of the
    /// stanza's `from` is ignored, as RFC 3923 §6.3 says it should be.
    pub fn names_jid(&self, jid: &xmpp_jid::Jid) -> bool {
        let want = jid.to_bare();
        self.xmpp_addresses()
            .iter()
            .any(|a| a.to_bare().as_str() == want.as_str())
    }

    pub(crate) fn public_key(&self) -> Result<RsaPublicKey, CertError> {
        let spki = &self.inner.tbs_certificate.subject_public_key_info;
        if spki.algorithm.oid != oid::RSA_ENCRYPTION {
            return Err(CertError::UnsupportedKey(format!(
                "public key algorithm {} is not rsaEncryption",
                spki.algorithm.oid
            )));
        }
        let der = spki
            .to_der()
            .map_err(|e| CertError::Malformed(e.to_string()))?;
        RsaPublicKey::from_public_key_der(&der)
            .map_err(|e| CertError::UnsupportedKey(e.to_string()))
    }

    pub(crate) fn subject_key_id(&self) -> Option<Vec<u8>> {
        self.inner
            .tbs_certificate
            .get::<SubjectKeyIdentifier>()
            .ok()
            .flatten()
            .map(|(_, s)| s.0.as_bytes().to_vec())
    }

    pub(crate) fn issuer_and_serial(&self) -> cms::cert::IssuerAndSerialNumber {
        cms::cert::IssuerAndSerialNumber {
            issuer: self.inner.tbs_certificate.issuer.clone(),
            serial_number: self.inner.tbs_certificate.serial_number.clone(),
        }
    }

    fn key_usage(&self) -> Option<KeyUsage> {
        self.inner
            .tbs_certificate
            .get::<KeyUsage>()
            .ok()
            .flatten()
            .map(|(_, k)| k)
    }

    /// Checks that the key usage, when the extension is present, allows signing
    /// (digitalSignature or nonRepudiation; RFC 5751 §4.4.2).
    pub(crate) fn check_signing_usage(&self) -> Result<(), CertError> {
        match self.key_usage() {
            Some(k) if !k.digital_signature() && !k.non_repudiation() => Err(CertError::KeyUsage {
                subject: self.subject(),
                usage: "digital signatures",
            }),
            _ => Ok(()),
        }
    }

    /// Checks that the extended key usage, when the extension is present, holds
    /// emailProtection or anyExtendedKeyUsage (RFC 5750 §4.4.4, a MUST for receiving
    /// agents): a certificate issued for another purpose, such as a TLS server naming the
    /// same XMPP address, does not sign stanzas.
    pub(crate) fn check_email_protection(&self) -> Result<(), CertError> {
        let eku = self
            .inner
            .tbs_certificate
            .get::<ExtendedKeyUsage>()
            .ok()
            .flatten();
        match eku {
            Some((_, e))
                if !e
                    .0
                    .iter()
                    .any(|o| *o == oid::EMAIL_PROTECTION || *o == oid::ANY_EXTENDED_KEY_USAGE) =>
            {
                Err(CertError::KeyUsage {
                    subject: self.subject(),
                    usage: "S/MIME (no emailProtection extended key usage)",
                })
            }
            _ => Ok(()),
        }
    }

    /// Checks that the key usage, when present, allows key transport (keyEncipherment).
    pub(crate) fn check_encipherment_usage(&self) -> Result<(), CertError> {
        match self.key_usage() {
            Some(k) if !k.key_encipherment() => Err(CertError::KeyUsage {
                subject: self.subject(),
                usage: "key encipherment",
            }),
            _ => Ok(()),
        }
    }

    fn check_validity(&self, now: Timestamp) -> Result<(), CertError> {
        if now < self.not_before() {
            return Err(CertError::NotYetValid {
                subject: self.subject(),
                not_before: self.not_before(),
            });
        }
        if now > self.not_after() {
            return Err(CertError::Expired {
                subject: self.subject(),
                not_after: self.not_after(),
            });
        }
        Ok(())
    }

    fn is_ca(&self) -> bool {
        let bc = self
            .inner
            .tbs_certificate
            .get::<BasicConstraints>()
            .ok()
            .flatten()
            .is_some_and(|(_, b)| b.ca);
        let ku = self.key_usage().is_none_or(|k| k.key_cert_sign());
        bc && ku
    }

    /// Checks the pathLenConstraint of a CA that has `below` intermediate CAs (not
    /// self-issued) between it and the end entity (RFC 5280 §6.1.4 (l), (m)).
    fn check_path_len(&self, below: usize) -> Result<(), CertError> {
        let limit = self
            .inner
            .tbs_certificate
            .get::<BasicConstraints>()
            .ok()
            .flatten()
            .and_then(|(_, b)| b.path_len_constraint);
        match limit {
            Some(limit) if below > usize::from(limit) => Err(CertError::PathLength {
                subject: self.subject(),
                limit,
            }),
            _ => Ok(()),
        }
    }

    /// Checks that every critical extension is one the checks of this module process
    /// (RFC 5280 §4.2).
    fn check_critical_extensions(&self) -> Result<(), CertError> {
        for ext in self.inner.tbs_certificate.extensions.iter().flatten() {
            let known = [
                oid::BASIC_CONSTRAINTS,
                oid::KEY_USAGE,
                oid::EXT_KEY_USAGE,
                oid::SUBJECT_ALT_NAME,
                oid::SUBJECT_KEY_ID,
                oid::AUTHORITY_KEY_ID,
            ];
            if ext.critical && !known.contains(&ext.extn_id) {
                return Err(CertError::UnsupportedCriticalExtension {
                    subject: self.subject(),
                    oid: ext.extn_id.to_string(),
                });
            }
        }
        // The usage checks read an extension that does not decode, or that appears twice
        // (RFC 5280 §4.2 forbids it), as absent, that is as unrestricted: refuse it here.
        let tbs = &self.inner.tbs_certificate;
        if tbs.get::<BasicConstraints>().is_err()
            || tbs.get::<KeyUsage>().is_err()
            || tbs.get::<ExtendedKeyUsage>().is_err()
            || tbs.get::<SubjectAltName>().is_err()
        {
            return Err(CertError::Malformed(format!(
                "certificate '{}' has an extension that does not decode or appears twice",
                self.subject()
            )));
        }
        Ok(())
    }

    /// Whether `self` issued `child`: names match and `self`'s key verifies `child`'s
    /// signature.
    fn issued(&self, child: &Certificate) -> bool {
        if self.inner.tbs_certificate.subject != child.inner.tbs_certificate.issuer {
            return false;
        }
        let Ok(key) = self.public_key() else {
            return false;
        };
        let Ok(tbs) = child.inner.tbs_certificate.to_der() else {
            return false;
        };
        let Some(sig) = child.inner.signature.as_bytes() else {
            return false;
        };
        verify_rsa(&key, &child.inner.signature_algorithm.oid, &tbs, sig).is_ok()
    }
}

/// Verifies an RSA PKCS #1 v1.5 signature of `data` under the signature algorithm `alg`
/// (a `*WithRSAEncryption` identifier).
pub(crate) fn verify_rsa(
    key: &RsaPublicKey,
    alg: &const_oid::ObjectIdentifier,
    data: &[u8],
    sig: &[u8],
) -> Result<(), ()> {
    use sha2::Digest as _;
    let (scheme, hashed) = if *alg == oid::SHA1_WITH_RSA {
        (
            Pkcs1v15Sign::new::<sha1::Sha1>(),
            sha1::Sha1::digest(data).to_vec(),
        )
    } else if *alg == oid::SHA256_WITH_RSA {
        (
            Pkcs1v15Sign::new::<sha2::Sha256>(),
            sha2::Sha256::digest(data).to_vec(),
        )
    } else if *alg == oid::SHA384_WITH_RSA {
        (
            Pkcs1v15Sign::new::<sha2::Sha384>(),
            sha2::Sha384::digest(data).to_vec(),
        )
    } else if *alg == oid::SHA512_WITH_RSA {
        (
            Pkcs1v15Sign::new::<sha2::Sha512>(),
            sha2::Sha512::digest(data).to_vec(),
        )
    } else {
        return Err(());
    };
    key.verify(scheme, &hashed, sig).map_err(|_| ())
}

fn to_timestamp(t: &x509_cert::time::Time) -> Timestamp {
    let d = t.to_unix_duration();
    Timestamp::from_unix(i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Decodes the PEM blocks labelled `label` (RFC 7468), in order.
fn pem_blocks(pem: &[u8], label: &str) -> Result<Vec<Vec<u8>>, CertError> {
    use base64::Engine as _;
    let text = core::str::from_utf8(pem)
        .map_err(|_| CertError::Malformed("PEM text is not UTF-8".into()))?;
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(&begin) {
        let after = &rest[start + begin.len()..];
        let stop = after
            .find(&end)
            .ok_or_else(|| CertError::Malformed(format!("{begin} without {end}")))?;
        let b64: String = after[..stop]
            .chars()
            .filter(|c| !c.is_ascii_whitespace())
            .collect();
        let der = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .map_err(|e| CertError::Malformed(format!("PEM base64: {e}")))?;
        out.push(der);
        rest = &after[stop + end.len()..];
    }
    Ok(out)
}

/// An RSA private key.
#[derive(Clone)]
pub struct PrivateKey {
    pub(crate) inner: RsaPrivateKey,
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PrivateKey(..)")
    }
}

impl PrivateKey {
    /// Reads a PEM private key: PKCS #8 (`BEGIN PRIVATE KEY`, what `openssl req -nodes`
    /// writes) or PKCS #1 (`BEGIN RSA PRIVATE KEY`). Encrypted keys are refused.
    pub fn from_pem(pem: &[u8]) -> Result<Self, CertError> {
        if let Some(der) = pem_blocks(pem, "PRIVATE KEY")?.into_iter().next() {
            return Self::from_pkcs8_der(&der);
        }
        if let Some(der) = pem_blocks(pem, "RSA PRIVATE KEY")?.into_iter().next() {
            let inner = RsaPrivateKey::from_pkcs1_der(&der)
                .map_err(|e| CertError::Malformed(format!("PKCS #1 key: {e}")))?;
            return Ok(PrivateKey { inner });
        }
        Err(CertError::Malformed(
            "no PRIVATE KEY or RSA PRIVATE KEY block in the PEM text (encrypted keys are not read)"
                .into(),
        ))
    }

    /// Reads a DER PKCS #8 private key.
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, CertError> {
        let inner = RsaPrivateKey::from_pkcs8_der(der)
            .map_err(|e| CertError::UnsupportedKey(format!("PKCS #8 key: {e}")))?;
        Ok(PrivateKey { inner })
    }

    /// Wraps an RSA key.
    pub fn from_rsa(inner: RsaPrivateKey) -> Self {
        PrivateKey { inner }
    }

    /// Whether this key is the private half of `cert`'s public key.
    pub fn matches(&self, cert: &Certificate) -> bool {
        cert.public_key()
            .is_ok_and(|p| p == RsaPublicKey::from(&self.inner))
    }
}

/// A certificate with its private key and the intermediate certificates to send with it:
/// what a sender signs with and a recipient decrypts with.
#[derive(Debug, Clone)]
pub struct Identity {
    /// The end-entity certificate.
    pub certificate: Certificate,
    /// Its private key.
    pub key: PrivateKey,
    /// Intermediate CA certificates sent along with signatures (may be empty).
    pub chain: Vec<Certificate>,
}

impl Identity {
    /// Pairs a certificate with its key; refuses a key that does not match.
    pub fn new(certificate: Certificate, key: PrivateKey) -> Result<Self, CertError> {
        if !key.matches(&certificate) {
            return Err(CertError::UnsupportedKey(format!(
                "the private key does not belong to certificate '{}'",
                certificate.subject()
            )));
        }
        Ok(Identity {
            certificate,
            key,
            chain: Vec::new(),
        })
    }

    /// Reads a certificate PEM (first block: the end entity; further blocks: its chain)
    /// and a key PEM.
    pub fn from_pem(cert_pem: &[u8], key_pem: &[u8]) -> Result<Self, CertError> {
        let mut certs = Certificate::all_from_pem(cert_pem)?;
        let certificate = certs.remove(0);
        let mut id = Identity::new(certificate, PrivateKey::from_pem(key_pem)?)?;
        id.chain = certs;
        Ok(id)
    }
}

/// The certificates an application trusts as roots of chains.
#[derive(Debug, Clone, Default)]
pub struct TrustAnchors {
    anchors: Vec<Certificate>,
}

impl TrustAnchors {
    /// Anchors from certificates.
    pub fn new(anchors: Vec<Certificate>) -> Self {
        TrustAnchors { anchors }
    }

    /// Anchors from a PEM text of one or more certificates.
    pub fn from_pem(pem: &[u8]) -> Result<Self, CertError> {
        Ok(TrustAnchors::new(Certificate::all_from_pem(pem)?))
    }

    /// The anchors.
    pub fn certificates(&self) -> &[Certificate] {
        &self.anchors
    }

    /// Checks that `leaf` chains to one of the anchors through certificates of
    /// `intermediates` (in any order; those that do not serve are ignored), and that every
    /// certificate of the chain, anchor included, is valid at `now` (RFC 5280 §6.1, in
    /// the subset that S/MIME signers need: names, signatures, validity, CA flag,
    /// keyCertSign usage and path length constraint of issuers; a critical extension
    /// outside those, name constraints among them, refuses the certificate).
    pub fn verify(
        &self,
        leaf: &Certificate,
        intermediates: &[Certificate],
        now: Timestamp,
    ) -> Result<(), CertError> {
        let mut current = leaf.clone();
        // Intermediate CAs (not self-issued) between the next issuer and the leaf.
        let mut below = 0usize;
        for _ in 0..MAX_CHAIN {
            current.check_validity(now)?;
            current.check_critical_extensions()?;
            if self.anchors.contains(&current) {
                return Ok(());
            }
            if let Some(anchor) = self.anchors.iter().find(|a| a.issued(&current)) {
                if !anchor.is_ca() && anchor != &current {
                    return Err(CertError::NotCa {
                        subject: anchor.subject(),
                    });
                }
                anchor.check_path_len(below)?;
                anchor.check_validity(now)?;
                return Ok(());
            }
            let next = intermediates
                .iter()
                .find(|c| *c != &current && c.issued(&current))
                .ok_or_else(|| CertError::Untrusted {
                    subject: current.subject(),
                })?;
            if !next.is_ca() {
                return Err(CertError::NotCa {
                    subject: next.subject(),
                });
            }
            next.check_path_len(below)?;
            if next.inner.tbs_certificate.subject != next.inner.tbs_certificate.issuer {
                below += 1;
            }
            current = next.clone();
        }
        Err(CertError::ChainTooLong)
    }
}
