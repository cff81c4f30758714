//! Errors, and the RFC 3923 §7 condition and stanza error each one travels in.

use core::fmt;

use xmpp_core::{StanzaError, StanzaErrorCondition};
use xmpp_xml::Element;

use crate::cert::CertError;
use crate::time::Timestamp;

/// The namespace of `<e2e/>` and of the application conditions (RFC 3923 §12.1). RFC 3923
/// §7's examples write the conditions in `urn:ietf:params:xml:xmpp-e2e`, which is not the
/// registered name; that spelling is accepted on input ([`E2E_NS_EXAMPLES`]) and the
/// registered one written.
pub const E2E_NS: &str = "urn:ietf:params:xml:ns:xmpp-e2e";

/// The namespace spelling of RFC 3923 §7's examples, accepted when reading errors.
pub const E2E_NS_EXAMPLES: &str = "urn:ietf:params:xml:xmpp-e2e";

/// The outcome of a failed receive, as RFC 3923 §7 names the cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Condition {
    /// Case #4: the signature does not verify, or the signer is not who the stanza says
    /// (`<not-acceptable/>` + `<unverified-signature/>`).
    UnverifiedSignature,
    /// Case #3: the timestamp fails the checks of §6.9 (`<not-acceptable/>` +
    /// `<bad-timestamp/>`).
    BadTimestamp,
    /// Case #5: the payload cannot be decrypted (`<bad-request/>` +
    /// `<decryption-failed/>`).
    DecryptionFailed,
    /// The stanza or its `<e2e/>` content is not what RFC 3923 defines (no `<e2e/>`, no
    /// S/MIME object, a missing address): `<bad-request/>` without application condition.
    BadRequest,
}

impl Condition {
    /// The name of the condition: the application condition element of §7, or
    /// `bad-request`.
    pub fn as_str(self) -> &'static str {
        match self {
            Condition::UnverifiedSignature => "unverified-signature",
            Condition::BadTimestamp => "bad-timestamp",
            Condition::DecryptionFailed => "decryption-failed",
            Condition::BadRequest => "bad-request",
        }
    }

    /// The stanza error RFC 3923 §7 returns for this case, with its application-specific
    /// condition element.
    pub fn stanza_error(self) -> StanzaError {
        let (cond, app) = match self {
            Condition::UnverifiedSignature => (StanzaErrorCondition::NotAcceptable, true),
            Condition::BadTimestamp => (StanzaErrorCondition::NotAcceptable, true),
            Condition::DecryptionFailed => (StanzaErrorCondition::BadRequest, true),
            Condition::BadRequest => (StanzaErrorCondition::BadRequest, false),
        };
        let mut e = StanzaError::new(cond);
        // RFC 3923 §7 Examples 16-18 all use type='modify'.
        e.kind = xmpp_core::ErrorType::Modify;
        if app {
            e.application = Some(Element::new(E2E_NS, self.as_str()));
        }
        e
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A CMS SignedData that could not be made or does not verify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureError {
    /// The DER structure is not a SignedData this crate reads.
    Malformed(String),
    /// A digest or signature algorithm other than those of RFC 3923 §6.10 and SHA-256.
    UnsupportedAlgorithm(String),
    /// Neither the SignedData nor the application holds the signer's certificate.
    NoSignerCertificate,
    /// The signature or the message digest does not match the content.
    Invalid,
    /// The signer's certificate cannot be used.
    Certificate(CertError),
    /// The signing operation failed.
    Crypto(String),
}

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignatureError::Malformed(m) => write!(f, "malformed SignedData: {m}"),
            SignatureError::UnsupportedAlgorithm(a) => write!(f, "unsupported algorithm {a}"),
            SignatureError::NoSignerCertificate => {
                f.write_str("the signer's certificate is not available")
            }
            SignatureError::Invalid => f.write_str("the signature does not match the content"),
            SignatureError::Certificate(e) => e.fmt(f),
            SignatureError::Crypto(m) => write!(f, "signing failed: {m}"),
        }
    }
}

impl std::error::Error for SignatureError {}

/// A CMS EnvelopedData that could not be made or opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecryptError {
    /// The DER structure is not an EnvelopedData this crate reads.
    Malformed(String),
    /// A key transport or content-encryption algorithm this crate does not implement.
    UnsupportedAlgorithm(String),
    /// No recipient info for the given certificate (or no usable recipient when
    /// encrypting).
    NoRecipient(String),
    /// Key transport or content decryption failed (one error for all, see
    /// [`crate::enveloped`]).
    Failed,
}

impl fmt::Display for DecryptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecryptError::Malformed(m) => write!(f, "malformed EnvelopedData: {m}"),
            DecryptError::UnsupportedAlgorithm(a) => write!(f, "unsupported algorithm {a}"),
            DecryptError::NoRecipient(m) => f.write_str(m),
            DecryptError::Failed => f.write_str("the content could not be decrypted with this key"),
        }
    }
}

impl std::error::Error for DecryptError {}

/// Why a timestamp fails RFC 3923 §6.9.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimestampProblem {
    /// The secured object has no DateTime (CPIM) or timestamp (PIDF).
    Missing,
    /// The DateTime is not an RFC 3339 date-time in UTC.
    Malformed(String),
    /// More than five minutes before the receiver's time ("old timestamp").
    Old {
        /// The timestamp received.
        sent: Timestamp,
        /// The receiver's time.
        now: Timestamp,
    },
    /// More than five minutes after the receiver's time ("future timestamp").
    Future {
        /// The timestamp received.
        sent: Timestamp,
        /// The receiver's time.
        now: Timestamp,
    },
    /// Not later than a timestamp accepted before ("decreasing timestamp").
    Decreasing {
        /// The timestamp received.
        sent: Timestamp,
        /// The latest timestamp accepted before.
        last: Timestamp,
    },
}

impl fmt::Display for TimestampProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimestampProblem::Missing => f.write_str("the secured object carries no timestamp"),
            TimestampProblem::Malformed(t) => {
                write!(f, "timestamp '{t}' is not an RFC 3339 UTC date-time")
            }
            TimestampProblem::Old { sent, now } => {
                write!(
                    f,
                    "old timestamp: {sent} is more than five minutes before {now}"
                )
            }
            TimestampProblem::Future { sent, now } => {
                write!(
                    f,
                    "future timestamp: {sent} is more than five minutes after {now}"
                )
            }
            TimestampProblem::Decreasing { sent, last } => {
                write!(f, "decreasing timestamp: {sent} is not after {last}")
            }
        }
    }
}

/// Everything that can go wrong securing or opening a stanza.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum E2eError {
    /// The S/MIME object or its MIME structure is malformed.
    Mime(String),
    /// A signature does not verify or cannot be made.
    Signature(SignatureError),
    /// The signer's certificate is not trusted at the time given.
    Certificate(CertError),
    /// The signer's certificate does not name the stanza's sender (RFC 3923 §6.3).
    SignerMismatch {
        /// The stanza's `from`.
        from: String,
        /// The addresses the certificate names.
        names: Vec<String>,
    },
    /// A CPIM or PIDF address does not match the stanza's (RFC 3923 §3.1, §4.1: the
    /// secured object describes this stanza).
    AddressMismatch {
        /// Which header: `From`, `To` or `entity`.
        header: &'static str,
        /// The value in the secured object.
        secured: String,
        /// The value in the stanza.
        stanza: String,
    },
    /// Verification was asked for but the content is not signed.
    NotSigned,
    /// The timestamp fails RFC 3923 §6.9.
    Timestamp(TimestampProblem),
    /// The content could not be decrypted.
    Decrypt(DecryptError),
    /// Decryption was needed but no key was given.
    NoKey,
    /// The content is signed but no trust anchors were given to check the signer.
    NoTrustAnchors,
    /// The stanza is not one RFC 3923 secures (no `<e2e/>`, no `to` on presence, ...).
    Stanza(String),
    /// The secured object (CPIM or PIDF) is malformed.
    Payload(String),
}

impl E2eError {
    /// The RFC 3923 §7 case this error is.
    pub fn condition(&self) -> Condition {
        match self {
            E2eError::Signature(_)
            | E2eError::Certificate(_)
            | E2eError::SignerMismatch { .. }
            | E2eError::AddressMismatch { .. }
            | E2eError::NotSigned
            | E2eError::NoTrustAnchors => Condition::UnverifiedSignature,
            E2eError::Timestamp(_) => Condition::BadTimestamp,
            E2eError::Decrypt(_) | E2eError::NoKey => Condition::DecryptionFailed,
            E2eError::Mime(_) | E2eError::Stanza(_) | E2eError::Payload(_) => Condition::BadRequest,
        }
    }

    /// The stanza error to return to the sender (RFC 3923 §7), with this error's text.
    /// The error travels through the servers in the clear, and the secured object may
    /// have been encrypted (§6.5): errors found inside it (its addresses, timestamp, CPIM
    /// or PIDF content) get a text that quotes nothing of it.
    pub fn stanza_error(&self) -> StanzaError {
        let text = match self {
            E2eError::AddressMismatch { header, .. } => {
                format!("the secured {header} does not match the stanza")
            }
            // RFC 3923 §6.9 flags, without the times the object carried.
            E2eError::Timestamp(TimestampProblem::Old { .. }) => "old timestamp".to_owned(),
            E2eError::Timestamp(TimestampProblem::Future { .. }) => "future timestamp".to_owned(),
            E2eError::Timestamp(TimestampProblem::Decreasing { .. }) => {
                "decreasing timestamp".to_owned()
            }
            E2eError::Timestamp(TimestampProblem::Malformed(_)) => {
                "the timestamp of the secured object is not an RFC 3339 UTC date-time".to_owned()
            }
            E2eError::Payload(_) => {
                "the secured object is not a Message/CPIM or PIDF object for this stanza".to_owned()
            }
            other => other.to_string(),
        };
        self.condition().stanza_error().with_text(text)
    }
}

impl fmt::Display for E2eError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            E2eError::Mime(m) => write!(f, "malformed S/MIME object: {m}"),
            E2eError::Signature(e) => e.fmt(f),
            E2eError::Certificate(e) => e.fmt(f),
            E2eError::SignerMismatch { from, names } => write!(
                f,
                "the signer's certificate names [{}], not the sender {from}",
                names.join(", ")
            ),
            E2eError::AddressMismatch {
                header,
                secured,
                stanza,
            } => write!(
                f,
                "secured {header} '{secured}' does not match the stanza's '{stanza}'"
            ),
            E2eError::NotSigned => f.write_str("the content is not signed"),
            E2eError::Timestamp(t) => t.fmt(f),
            E2eError::Decrypt(e) => e.fmt(f),
            E2eError::NoKey => f.write_str("the content is encrypted and no key was given"),
            E2eError::NoTrustAnchors => f.write_str(
                "the content is signed and no trust anchors were given to check the signer",
            ),
            E2eError::Stanza(m) => write!(f, "stanza: {m}"),
            E2eError::Payload(m) => write!(f, "secured object: {m}"),
        }
    }
}

impl std::error::Error for E2eError {}

impl From<SignatureError> for E2eError {
    fn from(e: SignatureError) -> Self {
        E2eError::Signature(e)
    }
}

impl From<DecryptError> for E2eError {
    fn from(e: DecryptError) -> Self {
        E2eError::Decrypt(e)
    }
}

impl From<CertError> for E2eError {
    fn from(e: CertError) -> Self {
        E2eError::Certificate(e)
    }
}
