//! End-to-end signing and encryption of XMPP stanzas (RFC 3923): S/MIME over CPIM, on
//! pure-Rust cryptography (RustCrypto `cms`, `x509-cert`, `rsa`, `aes`, `cbc`, `sha1`,
//! `sha2`; no OpenSSL linked), sans-io: no clock is read, time is passed in.
//!
//! ```
//! use xmpp_e2e::random::OsRandom;
//! use xmpp_e2e::{Condition, Identity, Protection, Reception, SendConfig, Timestamp, TrustAnchors};
//!
//! let juliet = Identity::from_pem(
//!     include_bytes!("../tests/vectors/juliet.crt"),
//!     include_bytes!("../tests/vectors/juliet.key"),
//! )?;
//! let romeo = Identity::from_pem(
//!     include_bytes!("../tests/vectors/romeo.crt"),
//!     include_bytes!("../tests/vectors/romeo.key"),
//! )?;
//! let anchors = TrustAnchors::from_pem(include_bytes!("../tests/vectors/ca.crt"))?;
//! let now = Timestamp::parse_rfc3339("2030-01-01T12:00:00Z")?;
//!
//! // Juliet signs, then encrypts for Romeo (RFC 3923 §3, §6.5).
//! let stanza = xmpp_e2e::parse_stanza(
//!     b"<message xmlns='jabber:client' from='juliet@example.com/balcony' \
//!       to='romeo@example.net/orchard'><body>Wherefore art thou, Romeo?</body></message>",
//! )?;
//! let protection = Protection {
//!     signer: Some(&juliet),
//!     recipients: std::slice::from_ref(&romeo.certificate),
//!     config: SendConfig::default(), // SHA-256, AES-128-CBC, multipart/signed
//!     now,
//! };
//! let secured = xmpp_e2e::secure(stanza.as_ref(), &protection, &mut OsRandom)?;
//! let wire = xmpp_e2e::to_xml_with_cdata(&secured, "")?; // <e2e xmlns=...><![CDATA[...
//!
//! // Romeo decrypts, verifies and checks sender, addresses and timestamp (§6-§9).
//! let received = xmpp_e2e::parse_stanza(wire.as_bytes())?;
//! let reception = Reception {
//!     recipient: Some(&romeo),
//!     anchors: Some(&anchors),
//!     known: &[],
//!     now: now.plus_seconds(2),
//!     require_signature: true,
//! };
//! let opened = xmpp_e2e::open(received.as_ref(), &reception)?;
//! let body = opened.stanza.child("jabber:client", "body").map(|b| b.text().into_owned());
//! assert_eq!(body.as_deref(), Some("Wherefore art thou, Romeo?"));
//!
//! // Ten minutes later the same stanza is a replay: RFC 3923 §7 Case #3.
//! let late = Reception { now: now.plus_seconds(600), ..reception };
//! let err = xmpp_e2e::open(received.as_ref(), &late).unwrap_err();
//! assert_eq!(err.condition(), Condition::BadTimestamp);
//! let reply = err.stanza_error().reply_to(received.as_ref()); // <not-acceptable/> + <bad-timestamp/>
//! assert!(reply.is_some());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Layers
//!
//! - [`signed`] and [`enveloped`]: CMS SignedData and EnvelopedData (RFC 5652) with the
//!   algorithms of RFC 3923 §6.10 (SHA-1, RSA PKCS #1 v1.5 signatures and key transport,
//!   AES-128-CBC) and SHA-256 and AES-256-CBC, chosen by [`SendConfig`].
//! - [`mime`] and [`smime`]: S/MIME objects as OpenSSL writes and reads them
//!   (`multipart/signed`, `application/pkcs7-mime`, base64, LF or CRLF line ends).
//! - [`cert`]: certificates, keys, trust anchors; chain, validity and XMPP address checks.
//! - [`payload`]: the Message/CPIM and PIDF objects of RFC 3922 (by `xmpp-cpim`) made
//!   from stanzas and read back, and `application/xmpp+xml` for what they cannot carry.
//! - [`stanza`]: [`secure`] and [`open`], the `<e2e/>` element, the §6-§9 checks and
//!   [`ReplayGuard`].
//!
//! Every receive failure is an [`E2eError`] whose [`Condition`] is the case of RFC 3923
//! §7 and whose [`E2eError::stanza_error`] is the error to return.
//!
//! # Where the RFC needed a reading
//!
//! - §6.4 asks for the "binary" transfer encoding. The signed CPIM part travels as it is,
//!   but the CMS parts are base64: raw DER cannot be XML character data, and the RFC's
//!   own examples are base64.
//! - §7's examples write the application conditions in `urn:ietf:params:xml:xmpp-e2e`;
//!   the registered namespace (§12.1) is `urn:ietf:params:xml:ns:xmpp-e2e`, which is
//!   written; both are read.
//! - A signed object that no trust anchor vouches for does not pass, and neither does an
//!   object that is neither signed nor encrypted.
//! - A PIDF object names no recipient, so for presence only the sender is matched.
//!
//! The cargo feature `fuzzing` adds the module `fuzzing`, the entry point of the fuzz
//! target `e2e_open` (not part of the stable API).
#![forbid(unsafe_code)]

pub mod algorithms;
pub mod cert;
pub mod enveloped;
pub mod error;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
pub mod gateway;
pub mod mime;
pub mod oid;
pub mod payload;
pub mod random;
pub mod signed;
pub mod smime;
pub mod stanza;
pub mod time;

pub use algorithms::{ContentCipher, DigestAlgorithm};
pub use cert::{CertError, Certificate, Identity, PrivateKey, TrustAnchors};
pub use error::{Condition, DecryptError, E2E_NS, E2eError, SignatureError, TimestampProblem};
pub use stanza::{
    CertificateSchedule, MonotonicStamps, Opened, Protection, Reception, ReplayGuard, SendConfig,
    SignatureForm, open, parse_stanza, secure, to_xml_with_cdata,
};
pub use time::Timestamp;
