//! End-to-end signing and encryption of XMPP stanzas (RFC 3923): S/MIME over CPIM, on
//! pure-Rust cryptography (RustCrypto `cms`, `x509-cert`, `rsa`, `aes`, `sha1`, `sha2`).
#![forbid(unsafe_code)]

pub mod algorithms;
pub mod cert;
pub mod enveloped;
pub mod error;
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
    Opened, Protection, Reception, ReplayGuard, SendConfig, SignatureForm, open, parse_stanza,
    secure, to_xml_with_cdata,
};
pub use time::Timestamp;
