//! Holders of secret material: passwords ([`SecretString`]), DIGEST-MD5 secrets
//! ([`DigestSecret`]) and the server's own secret ([`ServerSecret`]).
//!
//! Each one overwrites its bytes with zeros when dropped (the `zeroize` crate, which the
//! compiler cannot optimise away) and prints as `<redacted>` with `{:?}`, so a secret never
//! reaches a log through a `Debug` of a request, an answer or a settings value. Comparisons
//! take time independent of the contents (they may reveal the lengths).

use core::fmt;

use subtle::ConstantTimeEq;
use zeroize::Zeroize;

use crate::Error;

/// A password or other secret text: zeroized on drop, redacted in `Debug`, compared in
/// constant time.
#[derive(Clone, Default)]
pub struct SecretString(String);

impl SecretString {
    /// Wraps `secret`.
    pub fn new(secret: impl Into<String>) -> Self {
        SecretString(secret.into())
    }

    /// The secret text, for the one place that needs it (a hash, a message being built).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the secret equals `other`, in time that depends only on the lengths.
    pub fn matches(&self, other: &str) -> bool {
        bool::from(self.0.as_bytes().ct_eq(other.as_bytes()))
    }

    /// Whether the secret is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Drop for SecretString {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretString(<redacted>)")
    }
}

impl PartialEq for SecretString {
    fn eq(&self, other: &Self) -> bool {
        self.matches(&other.0)
    }
}

impl Eq for SecretString {}

impl From<&str> for SecretString {
    fn from(s: &str) -> Self {
        SecretString(s.to_owned())
    }
}

impl From<String> for SecretString {
    fn from(s: String) -> Self {
        SecretString(s)
    }
}

/// The DIGEST-MD5 secret of one user, `H({username}:{realm}:{password})` (RFC 2831
/// §2.1.2.1): as good as the password for logging in, so kept like one.
#[derive(Clone)]
pub struct DigestSecret([u8; 16]);

impl DigestSecret {
    /// Wraps the 16 bytes of the MD5 digest.
    pub fn new(bytes: [u8; 16]) -> Self {
        DigestSecret(bytes)
    }

    /// The 16 bytes.
    pub fn expose(&self) -> &[u8; 16] {
        &self.0
    }
}

impl Drop for DigestSecret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for DigestSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DigestSecret(<redacted>)")
    }
}

impl PartialEq for DigestSecret {
    fn eq(&self, other: &Self) -> bool {
        bool::from(self.0.ct_eq(&other.0))
    }
}

impl Eq for DigestSecret {}

impl AsRef<[u8]> for DigestSecret {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl From<[u8; 16]> for DigestSecret {
    fn from(bytes: [u8; 16]) -> Self {
        DigestSecret(bytes)
    }
}

/// The server's secret, from which the stand-in credentials of unknown users are derived
/// (SCRAM salts and keys, DIGEST-MD5 secrets). Whoever knows it can tell unknown users from
/// known ones, so it is at least [`ServerSecret::MIN_LEN`] bytes, kept stable across restarts
/// (so an unknown user always sees the same salt) and never shown.
#[derive(Clone)]
pub struct ServerSecret(Vec<u8>);

impl ServerSecret {
    /// The fewest bytes accepted: 128 bits.
    pub const MIN_LEN: usize = 16;

    /// Wraps `bytes`; fewer than [`ServerSecret::MIN_LEN`] is [`Error::SecretTooShort`].
    pub fn new(bytes: impl Into<Vec<u8>>) -> Result<Self, Error> {
        let mut bytes = bytes.into();
        if bytes.len() < Self::MIN_LEN {
            bytes.zeroize();
            return Err(Error::SecretTooShort);
        }
        Ok(ServerSecret(bytes))
    }

    /// 32 bytes from the operating system's generator (`getrandom`). A generated secret lasts
    /// as long as the process: store one and load it with [`ServerSecret::new`] to keep the
    /// stand-in salts of unknown users stable across restarts.
    pub fn generate() -> Result<Self, Error> {
        let mut bytes = vec![0u8; 32];
        getrandom::fill(&mut bytes).map_err(|_| Error::Randomness)?;
        Ok(ServerSecret(bytes))
    }

    /// The secret bytes.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl Drop for ServerSecret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for ServerSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ServerSecret(<redacted>)")
    }
}

impl PartialEq for ServerSecret {
    fn eq(&self, other: &Self) -> bool {
        bool::from(self.0.ct_eq(&other.0))
    }
}

impl Eq for ServerSecret {}
