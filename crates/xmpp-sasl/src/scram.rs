//! SCRAM-SHA-1, SCRAM-SHA-256 and their `-PLUS` variants (RFC 5802, RFC 7677), with channel
//! binding (RFC 5929 `tls-server-end-point`, RFC 9266 `tls-exporter`, RFC 5929 `tls-unique`).
//!
//! The server keeps [`StoredCredentials`] (salt, iteration count, StoredKey, ServerKey), never
//! the password, and verifies a login with two HMACs and one hash: PBKDF2 runs only when
//! credentials are derived ([`StoredCredentials::derive`]) and on the client.

use std::sync::atomic::{AtomicU64, Ordering};

use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, Zeroizing};

use crate::Error;
use crate::common::{
    Answer, ClientMechanism, Identity, MAX_MESSAGE, NonceSource, OsNonce, Request, ServerMechanism,
    ServerStep, b64_decode, b64_encode, is_printable_nonce, saslprep, saslprep_query,
};
use crate::secret::{SecretString, ServerSecret};

/// The hash function of a SCRAM mechanism.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScramHash {
    /// SHA-1 (RFC 5802): `SCRAM-SHA-1`, `SCRAM-SHA-1-PLUS`.
    Sha1,
    /// SHA-256 (RFC 7677): `SCRAM-SHA-256`, `SCRAM-SHA-256-PLUS`.
    Sha256,
}

static HI_CALLS: AtomicU64 = AtomicU64::new(0);

/// How many times this process has run `Hi()` (PBKDF2, RFC 5802 §2.2) so far. A server login
/// with stored credentials never increments it.
pub fn hi_invocations() -> u64 {
    HI_CALLS.load(Ordering::Relaxed)
}

impl ScramHash {
    /// Output length of the hash in bytes (20 or 32).
    pub fn output_len(self) -> usize {
        match self {
            ScramHash::Sha1 => 20,
            ScramHash::Sha256 => 32,
        }
    }

    /// The mechanism name, with `-PLUS` when `plus`.
    pub fn mechanism_name(self, plus: bool) -> &'static str {
        match (self, plus) {
            (ScramHash::Sha1, false) => "SCRAM-SHA-1",
            (ScramHash::Sha1, true) => "SCRAM-SHA-1-PLUS",
            (ScramHash::Sha256, false) => "SCRAM-SHA-256",
            (ScramHash::Sha256, true) => "SCRAM-SHA-256-PLUS",
        }
    }

    /// `H(data)`.
    pub fn hash(self, data: &[u8]) -> Vec<u8> {
        match self {
            ScramHash::Sha1 => Sha1::digest(data).to_vec(),
            ScramHash::Sha256 => Sha256::digest(data).to_vec(),
        }
    }

    /// `HMAC(key, part1 || part2 || ...)`.
    pub fn hmac(self, key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
        fn run<M: Mac + hmac::digest::KeyInit>(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
            // HMAC takes keys of any length, so this never takes the `Err` branch; an empty
            // result would make every comparison fail.
            match <M as hmac::digest::KeyInit>::new_from_slice(key) {
                Ok(mut mac) => {
                    for part in parts {
                        mac.update(part);
                    }
                    mac.finalize().into_bytes().to_vec()
                }
                Err(_) => Vec::new(),
            }
        }
        match self {
            ScramHash::Sha1 => run::<Hmac<Sha1>>(key, parts),
            ScramHash::Sha256 => run::<Hmac<Sha256>>(key, parts),
        }
    }

    /// `Hi(password, salt, i)` of RFC 5802 §2.2: PBKDF2 with HMAC of this hash.
    pub fn hi(self, password: &[u8], salt: &[u8], iterations: u32) -> Vec<u8> {
        HI_CALLS.fetch_add(1, Ordering::Relaxed);
        let mut out = vec![0u8; self.output_len()];
        match self {
            ScramHash::Sha1 => pbkdf2::pbkdf2_hmac::<Sha1>(password, salt, iterations, &mut out),
            ScramHash::Sha256 => {
                pbkdf2::pbkdf2_hmac::<Sha256>(password, salt, iterations, &mut out)
            }
        }
        out
    }
}

/// What a SCRAM server stores for a user (RFC 5802 §3): never the password.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredCredentials {
    /// The hash these keys were derived with.
    pub hash: ScramHash,
    /// The salt.
    pub salt: Vec<u8>,
    /// The PBKDF2 iteration count.
    pub iterations: u32,
    /// `StoredKey := H(ClientKey)`.
    pub stored_key: Vec<u8>,
    /// `ServerKey := HMAC(SaltedPassword, "Server Key")`.
    pub server_key: Vec<u8>,
}

impl Drop for StoredCredentials {
    fn drop(&mut self) {
        // Either key lets an attacker who also sees an exchange log in or pose as the server.
        self.stored_key.zeroize();
        self.server_key.zeroize();
    }
}

impl core::fmt::Debug for StoredCredentials {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("StoredCredentials")
            .field("hash", &self.hash)
            .field("salt", &b64_encode(&self.salt))
            .field("iterations", &self.iterations)
            .finish_non_exhaustive()
    }
}

impl StoredCredentials {
    /// Derives the stored keys from a password (SASLprepped first, RFC 5802 §2.2). This runs
    /// PBKDF2 once; do it when the password is set, not per login. Fewer than
    /// [`MIN_ITERATIONS`] iterations is [`Error::IterationsTooLow`] (RFC 7677 §4 for SHA-256;
    /// the same floor for SHA-1), an empty salt [`Error::EmptySalt`]; use
    /// [`random_salt`](crate::random_salt) for a fresh one.
    pub fn derive(
        hash: ScramHash,
        password: &str,
        salt: &[u8],
        iterations: u32,
    ) -> Result<Self, Error> {
        if iterations < MIN_ITERATIONS {
            return Err(Error::IterationsTooLow {
                count: iterations,
                min: MIN_ITERATIONS,
            });
        }
        if salt.is_empty() {
            return Err(Error::EmptySalt);
        }
        let password = Zeroizing::new(saslprep(password, "password")?.into_owned());
        let salted = Zeroizing::new(hash.hi(password.as_bytes(), salt, iterations));
        Ok(Self::from_salted_password(hash, &salted, salt, iterations))
    }

    /// Whether `password` is the password these credentials were derived from, for a server
    /// that keeps only SCRAM credentials and must check a PLAIN password
    /// ([`Request::VerifyPassword`]). Runs PBKDF2 once (the stored iteration count), then
    /// compares both keys in constant time. A password that SASLprep refuses does not match.
    pub fn matches_password(&self, password: &str) -> bool {
        let Ok(prepared) = saslprep(password, "password") else {
            return false;
        };
        let prepared = Zeroizing::new(prepared.into_owned());
        let salted = Zeroizing::new(
            self.hash
                .hi(prepared.as_bytes(), &self.salt, self.iterations),
        );
        let candidate = Self::from_salted_password(self.hash, &salted, &self.salt, self.iterations);
        bool::from(
            candidate.stored_key.ct_eq(&self.stored_key)
                & candidate.server_key.ct_eq(&self.server_key),
        )
    }

    /// Derives the stored keys from `SaltedPassword` (RFC 5802 §3). Unlike
    /// [`StoredCredentials::derive`] this takes the salt and count as given, for credentials
    /// imported from elsewhere.
    pub fn from_salted_password(
        hash: ScramHash,
        salted_password: &[u8],
        salt: &[u8],
        iterations: u32,
    ) -> Self {
        let client_key = Zeroizing::new(hash.hmac(salted_password, &[b"Client Key"]));
        StoredCredentials {
            hash,
            salt: salt.to_vec(),
            iterations,
            stored_key: hash.hash(&client_key),
            server_key: hash.hmac(salted_password, &[b"Server Key"]),
        }
    }

    /// The stand-in credentials for an unknown user: derived from the server secret and the
    /// user name with HMACs only, stable across logins, so an unknown user sees the same salt
    /// each time and the same work and failure as a wrong password. The iteration count and
    /// salt length are those of `stand_in` (bounded as [`StandIn`] describes), which should
    /// be what real accounts have.
    pub fn stand_in(
        hash: ScramHash,
        secret: &ServerSecret,
        username: &str,
        stand_in: &StandIn,
    ) -> Self {
        let (iterations, salt_len) = stand_in.bounded();
        let secret = secret.expose();
        let user = username.as_bytes();
        // As many HMAC blocks as the salt needs, each over a distinct block number.
        let mut salt = Vec::with_capacity(salt_len + hash.output_len());
        let mut block: u8 = 0;
        while salt.len() < salt_len {
            salt.extend_from_slice(&hash.hmac(secret, &[b"scram salt\0", &[block], user]));
            block = block.wrapping_add(1);
        }
        salt.truncate(salt_len);
        let client_key = Zeroizing::new(hash.hmac(secret, &[b"scram client key\0", user]));
        StoredCredentials {
            hash,
            salt,
            iterations,
            stored_key: hash.hash(&client_key),
            server_key: hash.hmac(secret, &[b"scram server key\0", user]),
        }
    }

    fn well_formed(&self, hash: ScramHash) -> bool {
        self.hash == hash
            && self.iterations > 0
            && !self.salt.is_empty()
            && self.stored_key.len() == hash.output_len()
            && self.server_key.len() == hash.output_len()
    }
}

/// What an unknown user is told in the server-first-message (RFC 5802 §5.1 `s=`, `i=`): make
/// it what the deployment stores for real accounts, so that the answer does not tell unknown
/// users apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StandIn {
    /// The iteration count announced (at least 1 is used).
    pub iterations: u32,
    /// The salt length in bytes (1 to [`StandIn::MAX_SALT_LEN`] are used).
    pub salt_len: usize,
}

impl StandIn {
    /// The longest stand-in salt produced, in bytes.
    pub const MAX_SALT_LEN: usize = 256;

    /// The iteration count and salt length actually used.
    fn bounded(&self) -> (u32, usize) {
        (
            self.iterations.max(1),
            self.salt_len.clamp(1, Self::MAX_SALT_LEN),
        )
    }
}

impl Default for StandIn {
    /// 4096 iterations ([`MIN_ITERATIONS`]) and 16-byte salts, what
    /// [`random_salt`](crate::random_salt) and the smallest accepted count give.
    fn default() -> Self {
        StandIn {
            iterations: MIN_ITERATIONS,
            salt_len: 16,
        }
    }
}

/// A channel binding type (RFC 5056 names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChannelBindingType {
    /// `tls-unique` (RFC 5929 §3): the first Finished message of the TLS handshake (TLS 1.2).
    TlsUnique,
    /// `tls-server-end-point` (RFC 5929 §4): a hash of the server certificate.
    TlsServerEndPoint,
    /// `tls-exporter` (RFC 9266): 32 bytes of the TLS exporter with label
    /// `EXPORTER-Channel-Binding` and an empty context (TLS 1.3).
    TlsExporter,
}

impl ChannelBindingType {
    /// The `cb-name` of the type.
    pub fn name(self) -> &'static str {
        match self {
            ChannelBindingType::TlsUnique => "tls-unique",
            ChannelBindingType::TlsServerEndPoint => "tls-server-end-point",
            ChannelBindingType::TlsExporter => "tls-exporter",
        }
    }

    /// The type with this `cb-name`.
    pub fn from_name(name: &str) -> Option<Self> {
        [
            ChannelBindingType::TlsUnique,
            ChannelBindingType::TlsServerEndPoint,
            ChannelBindingType::TlsExporter,
        ]
        .into_iter()
        .find(|t| t.name() == name)
    }
}

/// Channel binding data of the current TLS connection, supplied by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelBinding {
    /// The binding type.
    pub kind: ChannelBindingType,
    /// The binding data.
    pub data: Vec<u8>,
}

impl ChannelBinding {
    /// Binding data of a type.
    pub fn new(kind: ChannelBindingType, data: impl Into<Vec<u8>>) -> Self {
        ChannelBinding {
            kind,
            data: data.into(),
        }
    }

    /// Whether the binding can be used: it has data (RFC 5802 §7 `cbind-data = 1*OCTET`).
    /// A binding without data is no binding, for the offer and for the checks alike.
    pub fn is_usable(&self) -> bool {
        !self.data.is_empty()
    }
}

/// What the client knows about channel binding, which decides its GS2 flag (RFC 5802 §6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientChannelBinding {
    /// The client cannot bind: flag `n`.
    Unsupported,
    /// The client could bind but the server did not offer a `-PLUS` mechanism: flag `y`.
    NotOffered,
    /// Bind to this data with the `-PLUS` mechanism: flag `p=<cb-name>`.
    Use(ChannelBinding),
}

/// Escapes a user name or authzid as a `saslname` (RFC 5802 §5.1): `=` → `=3D`, `,` → `=2C`.
pub fn escape_saslname(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        match c {
            '=' => out.push_str("=3D"),
            ',' => out.push_str("=2C"),
            _ => out.push(c),
        }
    }
    out
}

/// Reverses [`escape_saslname`]; a `=` not followed by `2C` or `3D`, or a raw `,`, is an error.
pub fn unescape_saslname(name: &str) -> Result<String, Error> {
    const BAD: Error = Error::Malformed {
        mechanism: "SCRAM",
        detail: "saslname escape",
    };
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    while let Some(pos) = rest.find(['=', ',']) {
        out.push_str(&rest[..pos]);
        let tail = &rest[pos..];
        if tail.starts_with("=2C") {
            out.push(',');
        } else if tail.starts_with("=3D") {
            out.push('=');
        } else {
            return Err(BAD);
        }
        rest = &tail[3..];
    }
    out.push_str(rest);
    if out.contains('\0') {
        return Err(BAD);
    }
    Ok(out)
}

fn malformed(detail: &'static str) -> Error {
    Error::Malformed {
        mechanism: "SCRAM",
        detail,
    }
}

/// Splits `k=value` into `(k, value)` (RFC 5802 §7 `attr-val`: `ALPHA "=" value`); the value
/// may still be empty here.
fn attr(part: &str) -> Option<(u8, &str)> {
    let bytes = part.as_bytes();
    match bytes {
        [k, b'=', ..] if k.is_ascii_alphabetic() => Some((*k, &part[2..])),
        _ => None,
    }
}

/// The attribute `key` with a non-empty value (RFC 5802 §7: every attribute value is
/// `1*value-char`, and the order of the defined attributes is fixed). A mandatory extension
/// `m=` in its place is [`Error::UnsupportedExtension`] (RFC 5802 §5.1).
fn expect_attr<'a>(part: Option<&'a str>, key: u8, detail: &'static str) -> Result<&'a str, Error> {
    match part.and_then(attr) {
        Some((k, v)) if k == key && !v.is_empty() => Ok(v),
        Some((k, "")) if k == key => Err(malformed("empty attribute value")),
        Some((b'm', _)) => Err(Error::UnsupportedExtension),
        _ => Err(malformed(detail)),
    }
}

fn as_text<'a>(message: &'a [u8], field: &'static str) -> Result<&'a str, Error> {
    if message.len() > MAX_MESSAGE {
        return Err(Error::TooLong {
            field,
            max: MAX_MESSAGE,
        });
    }
    core::str::from_utf8(message).map_err(|_| Error::InvalidUtf8 { field })
}

/// The attribute names RFC 5802 §5.1 defines; an optional extension uses another name.
const DEFINED_ATTRIBUTES: &[u8] = b"acemnprsvi";

/// Checks that the remaining attributes are well-formed optional extensions (RFC 5802 §5.1,
/// §7 `extensions`), which are then ignored: `ALPHA "=" 1*value-char` with a name SCRAM does
/// not define, each at most once. A mandatory extension `m=` anywhere is
/// [`Error::UnsupportedExtension`]; a defined attribute out of its place (a repeated `r=`,
/// a `p=` before the end) is malformed.
fn check_extensions<'a>(parts: impl Iterator<Item = &'a str>) -> Result<(), Error> {
    let mut seen: u64 = 0;
    for part in parts {
        let Some((key, value)) = attr(part) else {
            return Err(malformed("attribute syntax"));
        };
        if key == b'm' {
            return Err(Error::UnsupportedExtension);
        }
        if DEFINED_ATTRIBUTES.contains(&key) {
            return Err(malformed("defined attribute repeated or out of order"));
        }
        if value.is_empty() || value.contains('\0') {
            return Err(malformed("extension value"));
        }
        let bit = if key.is_ascii_lowercase() {
            key - b'a'
        } else {
            26 + (key - b'A')
        };
        if seen & (1 << bit) != 0 {
            return Err(malformed("extension attribute repeated"));
        }
        seen |= 1 << bit;
    }
    Ok(())
}

fn parse_iterations(text: &str) -> Result<u32, Error> {
    if text.is_empty() || text.len() > 10 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(malformed("iteration count"));
    }
    match text.parse::<u32>() {
        Ok(n) if n > 0 && !text.starts_with('0') => Ok(n),
        _ => Err(malformed("iteration count")),
    }
}

fn xor_in_place(a: &mut [u8], b: &[u8]) {
    for (x, y) in a.iter_mut().zip(b) {
        *x ^= y;
    }
}

enum ClientState {
    Start,
    WaitServerFirst {
        gs2_header: String,
        client_first_bare: String,
        nonce: String,
    },
    WaitServerFinal {
        server_signature: Vec<u8>,
    },
    Verified {
        server_signature: Vec<u8>,
    },
    Done,
    Failed,
}

impl ClientState {
    fn label(&self) -> &'static str {
        match self {
            ClientState::Start => "start",
            ClientState::WaitServerFirst { .. } => "waiting for server-first-message",
            ClientState::WaitServerFinal { .. } => "waiting for server-final-message",
            ClientState::Verified { .. } => "server verified, waiting for success",
            ClientState::Done => "done",
            ClientState::Failed => "failed",
        }
    }
}

/// The client side of SCRAM (RFC 5802 §5, RFC 7677).
pub struct ScramClient {
    hash: ScramHash,
    username: String,
    password: SecretString,
    cached: Option<SaltedPassword>,
    authzid: Option<String>,
    binding: ClientChannelBinding,
    nonces: Box<dyn NonceSource + Send>,
    min_iterations: u32,
    max_iterations: u32,
    state: ClientState,
}

impl core::fmt::Debug for ScramClient {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ScramClient")
            .field("mechanism", &self.name())
            .field("username", &self.username)
            .field("state", &self.state.label())
            .finish_non_exhaustive()
    }
}

/// A client's cached `SaltedPassword` with the salt and iteration count it was computed for
/// (RFC 5802 §5.1 lets clients cache it), so a login costs HMACs only.
#[derive(Clone, PartialEq, Eq)]
pub struct SaltedPassword {
    /// `Hi(Normalize(password), salt, i)`.
    pub salted_password: Vec<u8>,
    /// The salt it was computed with.
    pub salt: Vec<u8>,
    /// The iteration count it was computed with.
    pub iterations: u32,
}

impl Drop for SaltedPassword {
    fn drop(&mut self) {
        self.salted_password.zeroize();
    }
}

impl core::fmt::Debug for SaltedPassword {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SaltedPassword")
            .field("salt", &b64_encode(&self.salt))
            .field("iterations", &self.iterations)
            .finish_non_exhaustive()
    }
}

impl SaltedPassword {
    /// Computes `SaltedPassword` (runs PBKDF2 once; the password is SASLprepped first).
    pub fn derive(
        hash: ScramHash,
        password: &str,
        salt: &[u8],
        iterations: u32,
    ) -> Result<Self, Error> {
        let password = Zeroizing::new(saslprep(password, "password")?.into_owned());
        Ok(SaltedPassword {
            salted_password: hash.hi(password.as_bytes(), salt, iterations),
            salt: salt.to_vec(),
            iterations,
        })
    }
}

/// The fewest iterations [`StoredCredentials::derive`] accepts: RFC 7677 §4 asks for at least
/// 4096 with SHA-256; the same floor is kept for SHA-1.
pub const MIN_ITERATIONS: u32 = 4096;
/// Default lowest iteration count a client accepts (RFC 7677 §4 asks for at least 4096).
pub const DEFAULT_MIN_ITERATIONS: u32 = MIN_ITERATIONS;
/// Default highest iteration count a client accepts, bounding the work a server can demand.
pub const DEFAULT_MAX_ITERATIONS: u32 = 1_000_000;

impl ScramClient {
    /// A client for `username` with `password`; both are SASLprepped: the user name as a
    /// query string (RFC 5802 §5.1, unassigned code points allowed), the password as a stored
    /// string (RFC 5802 §2.2 `Normalize`). A name or password SASLprep rejects, or a name that
    /// prepares to nothing, is [`Error::Saslprep`].
    pub fn new(hash: ScramHash, username: &str, password: &str) -> Result<Self, Error> {
        let username = saslprep_query(username, "username")?.into_owned();
        if username.is_empty() {
            return Err(Error::Saslprep { field: "username" });
        }
        let password = SecretString::from(saslprep(password, "password")?.into_owned());
        Ok(ScramClient {
            hash,
            username,
            password,
            cached: None,
            authzid: None,
            binding: ClientChannelBinding::Unsupported,
            nonces: Box::new(OsNonce),
            min_iterations: DEFAULT_MIN_ITERATIONS,
            max_iterations: DEFAULT_MAX_ITERATIONS,
            state: ClientState::Start,
        })
    }

    /// Uses a cached `SaltedPassword` when the server announces the same salt and iteration
    /// count, skipping PBKDF2; otherwise the password is used as usual.
    pub fn with_salted_password(mut self, cached: SaltedPassword) -> Self {
        self.cached = Some(cached);
        self
    }

    /// The `SaltedPassword` of the last exchange, to cache for the next login.
    pub fn salted_password(&self) -> Option<&SaltedPassword> {
        self.cached.as_ref()
    }

    /// Asks to act as `authzid` (sent as `a=`). RFC 3920 §6.1: only when it differs from the
    /// identity derived from the user name.
    pub fn with_authzid(mut self, authzid: &str) -> Self {
        self.authzid = Some(authzid.to_owned());
        self
    }

    /// Sets the channel binding situation; [`ClientChannelBinding::Use`] selects `-PLUS`.
    pub fn with_channel_binding(mut self, binding: ClientChannelBinding) -> Self {
        self.binding = binding;
        self
    }

    /// Replaces the nonce source (the default is [`OsNonce`]).
    pub fn with_nonce_source(mut self, source: Box<dyn NonceSource + Send>) -> Self {
        self.nonces = source;
        self
    }

    /// The iteration counts accepted from the server, inclusive.
    pub fn with_iteration_bounds(mut self, min: u32, max: u32) -> Self {
        self.min_iterations = min;
        self.max_iterations = max;
        self
    }

    fn wrong(&self, call: &'static str) -> Error {
        Error::WrongState {
            mechanism: self.name(),
            call,
            state: self.state.label(),
        }
    }

    fn fail<T>(&mut self, error: Error) -> Result<T, Error> {
        self.state = ClientState::Failed;
        Err(error)
    }

    fn client_first(&mut self) -> Result<Vec<u8>, Error> {
        let nonce = self.nonces.nonce()?;
        if !is_printable_nonce(&nonce) {
            return Err(Error::Randomness);
        }
        let mut gs2_header = match &self.binding {
            ClientChannelBinding::Unsupported => "n,".to_owned(),
            ClientChannelBinding::NotOffered => "y,".to_owned(),
            // RFC 5802 §7: cbind-data = 1*OCTET, present for the flag "p".
            ClientChannelBinding::Use(cb) if cb.data.is_empty() => {
                return Err(Error::ChannelBindingUnsupported {
                    name: cb.kind.name().to_owned(),
                });
            }
            ClientChannelBinding::Use(cb) => format!("p={},", cb.kind.name()),
        };
        if let Some(a) = &self.authzid {
            // RFC 5802 §7: authzid = "a=" saslname, and a saslname is not empty nor has NUL.
            if a.is_empty() {
                return Err(Error::InvalidAuthzid { detail: "empty" });
            }
            if a.contains('\0') {
                return Err(Error::InvalidAuthzid {
                    detail: "contains NUL",
                });
            }
            gs2_header.push_str("a=");
            gs2_header.push_str(&escape_saslname(a));
        }
        gs2_header.push(',');
        let client_first_bare = format!("n={},r={}", escape_saslname(&self.username), nonce);
        let message = format!("{gs2_header}{client_first_bare}");
        self.state = ClientState::WaitServerFirst {
            gs2_header,
            client_first_bare,
            nonce,
        };
        Ok(message.into_bytes())
    }

    fn client_final(
        &mut self,
        server_first: &[u8],
        gs2_header: &str,
        client_first_bare: &str,
        client_nonce: &str,
    ) -> Result<(Vec<u8>, Vec<u8>), Error> {
        let text = as_text(server_first, "server-first-message")?;
        let mut parts = text.split(',');
        let first = parts.next().unwrap_or("");
        if let Some(value) = first.strip_prefix("e=")
            && !value.is_empty()
            && !value.contains('\0')
        {
            return Err(Error::ServerError {
                value: value.to_owned(),
            });
        }
        if first.starts_with("m=") {
            return Err(Error::UnsupportedExtension);
        }
        let nonce = expect_attr(Some(first), b'r', "expected r= in server-first-message")?;
        let salt = expect_attr(parts.next(), b's', "expected s= in server-first-message")?;
        let iterations = expect_attr(parts.next(), b'i', "expected i= in server-first-message")?;
        check_extensions(parts)?;
        if !is_printable_nonce(nonce) {
            return Err(malformed("nonce characters"));
        }
        // RFC 5802 §5.1: the server nonce starts with the client nonce and adds to it.
        if !nonce.starts_with(client_nonce) || nonce.len() == client_nonce.len() {
            return Err(Error::NonceMismatch);
        }
        let salt = b64_decode(salt, "salt")?;
        if salt.is_empty() {
            return Err(malformed("empty salt"));
        }
        let iterations = parse_iterations(iterations)?;
        if iterations < self.min_iterations {
            return Err(Error::IterationsTooLow {
                count: iterations,
                min: self.min_iterations,
            });
        }
        if iterations > self.max_iterations {
            return Err(Error::IterationsTooHigh {
                count: iterations,
                max: self.max_iterations,
            });
        }
        let hash = self.hash;
        let salted = match &self.cached {
            Some(c)
                if c.salt == salt
                    && c.iterations == iterations
                    && c.salted_password.len() == hash.output_len() =>
            {
                Zeroizing::new(c.salted_password.clone())
            }
            _ => {
                let fresh = SaltedPassword {
                    salted_password: hash.hi(self.password.expose().as_bytes(), &salt, iterations),
                    salt,
                    iterations,
                };
                let salted = Zeroizing::new(fresh.salted_password.clone());
                self.cached = Some(fresh);
                salted
            }
        };
        let mut client_key = Zeroizing::new(hash.hmac(&salted, &[b"Client Key"]));
        let stored_key = Zeroizing::new(hash.hash(&client_key));
        let server_key = Zeroizing::new(hash.hmac(&salted, &[b"Server Key"]));
        let mut cbind_input = gs2_header.as_bytes().to_vec();
        if let ClientChannelBinding::Use(cb) = &self.binding {
            cbind_input.extend_from_slice(&cb.data);
        }
        let without_proof = format!("c={},r={}", b64_encode(&cbind_input), nonce);
        let auth_message = [
            client_first_bare.as_bytes(),
            b",",
            text.as_bytes(),
            b",",
            without_proof.as_bytes(),
        ];
        let client_signature = hash.hmac(&stored_key, &auth_message);
        xor_in_place(&mut client_key, &client_signature);
        let server_signature = hash.hmac(&server_key, &auth_message);
        let message = format!("{without_proof},p={}", b64_encode(&client_key));
        Ok((message.into_bytes(), server_signature))
    }

    fn verify_final(&self, server_final: &[u8], expected: &[u8]) -> Result<(), Error> {
        let text = as_text(server_final, "server-final-message")?;
        let mut parts = text.split(',');
        let first = parts.next().unwrap_or("");
        if let Some(value) = first.strip_prefix("e=") {
            // RFC 5802 §7: server-error-value is `1*value-char`.
            if value.is_empty() || value.contains('\0') {
                return Err(malformed("server-error-value"));
            }
            return Err(Error::ServerError {
                value: value.to_owned(),
            });
        }
        let verifier = expect_attr(Some(first), b'v', "expected v= or e=")?;
        check_extensions(parts)?;
        let got = b64_decode(verifier, "verifier")?;
        if bool::from(got.ct_eq(expected)) {
            Ok(())
        } else {
            Err(Error::ServerVerificationFailed {
                mechanism: self.name(),
            })
        }
    }
}

impl ClientMechanism for ScramClient {
    fn name(&self) -> &'static str {
        self.hash
            .mechanism_name(matches!(self.binding, ClientChannelBinding::Use(_)))
    }

    fn initial_response(&mut self) -> Result<Option<Vec<u8>>, Error> {
        match self.state {
            ClientState::Start => match self.client_first() {
                Ok(m) => Ok(Some(m)),
                Err(e) => self.fail(e),
            },
            _ => Err(self.wrong("initial_response")),
        }
    }

    fn step(&mut self, challenge: &[u8]) -> Result<Vec<u8>, Error> {
        match core::mem::replace(&mut self.state, ClientState::Failed) {
            // An empty challenge before anything was sent asks for the client-first-message.
            ClientState::Start if challenge.is_empty() => match self.client_first() {
                Ok(m) => Ok(m),
                Err(e) => self.fail(e),
            },
            ClientState::WaitServerFirst {
                gs2_header,
                client_first_bare,
                nonce,
            } => {
                let (message, server_signature) =
                    self.client_final(challenge, &gs2_header, &client_first_bare, &nonce)?;
                self.state = ClientState::WaitServerFinal { server_signature };
                Ok(message)
            }
            // RFC 3920 §6.2 lets <success/> carry additional data; a server may still send the
            // server-final-message as a challenge, the form RFC 4422 §5 gives for protocols
            // without that field, and the client answers it with an empty response.
            ClientState::WaitServerFinal { server_signature } => {
                self.verify_final(challenge, &server_signature)?;
                self.state = ClientState::Verified { server_signature };
                Ok(Vec::new())
            }
            other => {
                self.state = other;
                let e = self.wrong("step");
                if !matches!(self.state, ClientState::Done) {
                    self.state = ClientState::Failed;
                }
                Err(e)
            }
        }
    }

    fn success(&mut self, additional_data: Option<&[u8]>) -> Result<(), Error> {
        match core::mem::replace(&mut self.state, ClientState::Failed) {
            ClientState::WaitServerFinal { server_signature } => match additional_data {
                Some(data) if !data.is_empty() => {
                    self.verify_final(data, &server_signature)?;
                    self.state = ClientState::Done;
                    Ok(())
                }
                _ => Err(Error::MissingServerVerification {
                    mechanism: self.name(),
                }),
            },
            ClientState::Verified { server_signature } => match additional_data {
                Some(data) if !data.is_empty() => {
                    self.verify_final(data, &server_signature)?;
                    self.state = ClientState::Done;
                    Ok(())
                }
                _ => {
                    self.state = ClientState::Done;
                    Ok(())
                }
            },
            ClientState::Start | ClientState::WaitServerFirst { .. } => {
                Err(Error::MissingServerVerification {
                    mechanism: self.name(),
                })
            }
            other => {
                self.state = other;
                Err(self.wrong("success"))
            }
        }
    }

    fn abort(&mut self) {
        self.state = ClientState::Failed;
    }
}

enum ServerState {
    Start,
    Challenged,
    WaitCredentials(Box<FirstSeen>),
    WaitClientFinal(Box<Exchange>),
    Done,
    Failed,
}

struct FirstSeen {
    /// gs2-header followed by the channel binding data: what `c=` must decode to.
    cbind_input: Vec<u8>,
    client_first_bare: String,
    client_nonce: String,
    username: String,
    authzid: Option<String>,
}

struct Exchange {
    first: FirstSeen,
    nonce: String,
    server_first: String,
    credentials: StoredCredentials,
    known_user: bool,
}

impl ServerState {
    fn label(&self) -> &'static str {
        match self {
            ServerState::Start => "start",
            ServerState::Challenged => "waiting for client-first-message",
            ServerState::WaitCredentials(_) => "waiting for credentials",
            ServerState::WaitClientFinal(_) => "waiting for client-final-message",
            ServerState::Done => "done",
            ServerState::Failed => "failed",
        }
    }
}

/// The server side of SCRAM (RFC 5802 §5, RFC 7677).
pub struct ScramServer {
    hash: ScramHash,
    plus: bool,
    bindings: Vec<ChannelBinding>,
    secret: ServerSecret,
    stand_in: StandIn,
    nonces: Box<dyn NonceSource + Send>,
    state: ServerState,
}

impl core::fmt::Debug for ScramServer {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ScramServer")
            .field("mechanism", &self.name())
            .field("state", &self.state.label())
            .finish_non_exhaustive()
    }
}

impl ScramServer {
    /// A server for the mechanism `hash` (with `-PLUS` when `plus`). `secret` is the server's
    /// secret from which stand-in credentials for unknown users are derived; keep it stable
    /// across restarts so unknown users always see the same salt.
    pub fn new(hash: ScramHash, plus: bool, secret: &ServerSecret) -> Self {
        ScramServer {
            hash,
            plus,
            bindings: Vec::new(),
            secret: secret.clone(),
            stand_in: StandIn::default(),
            nonces: Box::new(OsNonce),
            state: ServerState::Start,
        }
    }

    /// Adds channel binding data of the connection. A server with usable binding data
    /// ([`ChannelBinding::is_usable`]) supports channel binding (and should offer `-PLUS`): a
    /// client flag `y` is then a downgrade. A binding without data is ignored, as the offer
    /// ignores it ([`ServerSettings::supports_channel_binding`](crate::negotiate::ServerSettings::supports_channel_binding)).
    pub fn with_channel_binding(mut self, binding: ChannelBinding) -> Self {
        self.bindings.retain(|b| b.kind != binding.kind);
        if binding.is_usable() {
            self.bindings.push(binding);
        }
        self
    }

    /// Whether this server binds: it runs `-PLUS` or holds usable binding data.
    fn supports_channel_binding(&self) -> bool {
        self.plus || self.bindings.iter().any(ChannelBinding::is_usable)
    }

    /// Replaces the nonce source (the default is [`OsNonce`]).
    pub fn with_nonce_source(mut self, source: Box<dyn NonceSource + Send>) -> Self {
        self.nonces = source;
        self
    }

    /// The iteration count and salt length announced for unknown users; make them what real
    /// users have (the default is [`StandIn::default`]).
    pub fn with_stand_in(mut self, stand_in: StandIn) -> Self {
        self.stand_in = stand_in;
        self
    }

    fn wrong(&self, call: &'static str) -> Error {
        Error::WrongState {
            mechanism: self.name(),
            call,
            state: self.state.label(),
        }
    }

    fn parse_client_first(&self, message: &[u8]) -> Result<FirstSeen, Error> {
        let text = as_text(message, "client-first-message")?;
        // gs2-cbind-flag
        let (flag, rest) = match text.split_once(',') {
            Some(x) => x,
            None => return Err(malformed("GS2 header")),
        };
        let binding: Option<&ChannelBinding> = match flag {
            "n" => {
                if self.plus {
                    return Err(Error::ChannelBindingRequired);
                }
                None
            }
            "y" => {
                // RFC 5802 §6: the client thinks we lack channel binding, but we have it (we
                // run the -PLUS variant, or we hold binding data and so offer -PLUS too).
                if self.supports_channel_binding() {
                    return Err(Error::Downgrade);
                }
                None
            }
            _ => {
                let name = flag
                    .strip_prefix("p=")
                    .ok_or_else(|| malformed("GS2 channel binding flag"))?;
                if name.is_empty()
                    || !name
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
                {
                    return Err(malformed("cb-name"));
                }
                if !self.plus {
                    return Err(Error::ChannelBindingRequired);
                }
                // RFC 5802 §7: cbind-data = 1*OCTET; empty data is no binding of that type.
                let found = ChannelBindingType::from_name(name).and_then(|kind| {
                    self.bindings
                        .iter()
                        .find(|b| b.kind == kind && b.is_usable())
                });
                match found {
                    Some(b) => Some(b),
                    None => {
                        return Err(Error::ChannelBindingUnsupported {
                            name: name.to_owned(),
                        });
                    }
                }
            }
        };
        let (authzid_part, bare) = match rest.split_once(',') {
            Some(x) => x,
            None => return Err(malformed("GS2 header")),
        };
        let authzid = if authzid_part.is_empty() {
            None
        } else {
            let raw = authzid_part
                .strip_prefix("a=")
                .ok_or_else(|| malformed("GS2 authzid"))?;
            let a = unescape_saslname(raw).map_err(|_| Error::InvalidAuthzid {
                detail: "saslname escape",
            })?;
            if a.is_empty() {
                return Err(Error::InvalidAuthzid { detail: "empty" });
            }
            Some(a)
        };
        let gs2_len = text.len() - bare.len();
        let mut parts = bare.split(',');
        let first = parts.next().unwrap_or("");
        if first.starts_with("m=") {
            return Err(Error::UnsupportedExtension);
        }
        let user = expect_attr(Some(first), b'n', "expected n= in client-first-message")?;
        let nonce = expect_attr(parts.next(), b'r', "expected r= in client-first-message")?;
        check_extensions(parts)?;
        let user = unescape_saslname(user)?;
        // RFC 5802 §5.1: the server prepares the user name as a query string.
        let username = saslprep_query(&user, "username")?.into_owned();
        if username.is_empty() {
            return Err(Error::Saslprep { field: "username" });
        }
        if !is_printable_nonce(nonce) {
            return Err(malformed("nonce characters"));
        }
        let mut cbind_input = text.as_bytes()[..gs2_len].to_vec();
        if let Some(b) = binding {
            cbind_input.extend_from_slice(&b.data);
        }
        Ok(FirstSeen {
            cbind_input,
            client_first_bare: bare.to_owned(),
            client_nonce: nonce.to_owned(),
            username,
            authzid,
        })
    }

    fn server_first(
        &mut self,
        first: FirstSeen,
        stored: Option<StoredCredentials>,
    ) -> Result<ServerStep, Error> {
        // The stand-in is computed for every login, so known and unknown users cost the same.
        let dummy =
            StoredCredentials::stand_in(self.hash, &self.secret, &first.username, &self.stand_in);
        let (credentials, known_user) = match stored {
            Some(c) if c.well_formed(self.hash) => (c, true),
            _ => (dummy, false),
        };
        let server_part = self.nonces.nonce()?;
        if !is_printable_nonce(&server_part) {
            return Err(Error::Randomness);
        }
        let nonce = format!("{}{}", first.client_nonce, server_part);
        let server_first = format!(
            "r={},s={},i={}",
            nonce,
            b64_encode(&credentials.salt),
            credentials.iterations
        );
        let challenge = server_first.clone().into_bytes();
        self.state = ServerState::WaitClientFinal(Box::new(Exchange {
            first,
            nonce,
            server_first,
            credentials,
            known_user,
        }));
        Ok(ServerStep::Challenge(challenge))
    }

    fn verify_client_final(&self, ex: Exchange, message: &[u8]) -> Result<ServerStep, Error> {
        let hash = self.hash;
        let text = as_text(message, "client-final-message")?;
        let (without_proof, proof) = match text.rsplit_once(",p=") {
            Some(x) => x,
            None => return Err(malformed("expected p= last in client-final-message")),
        };
        let mut parts = without_proof.split(',');
        let cbind = expect_attr(parts.next(), b'c', "expected c= in client-final-message")?;
        let nonce = expect_attr(parts.next(), b'r', "expected r= in client-final-message")?;
        check_extensions(parts)?;
        if proof.is_empty() {
            return Err(malformed("empty attribute value"));
        }
        let cbind = b64_decode(cbind, "channel-binding")?;
        let proof = b64_decode(proof, "proof")?;
        let auth_message = [
            ex.first.client_first_bare.as_bytes(),
            b",",
            ex.server_first.as_bytes(),
            b",",
            without_proof.as_bytes(),
        ];
        let creds = &ex.credentials;
        // Verification: ClientKey = proof XOR HMAC(StoredKey, AuthMessage); H(ClientKey) must
        // equal StoredKey. Two HMACs and one hash, whatever the outcome.
        let client_signature = hash.hmac(&creds.stored_key, &auth_message);
        // The recovered ClientKey would log in as the user: it does not outlive this call.
        let mut client_key = Zeroizing::new(proof.clone());
        xor_in_place(&mut client_key, &client_signature);
        let proof_ok = proof.len() == hash.output_len()
            && bool::from(
                hash.hash(&client_key).ct_eq(&creds.stored_key) & (ex.known_user as u8).ct_eq(&1),
            );
        let server_signature = hash.hmac(&creds.server_key, &auth_message);
        if !bool::from(cbind.ct_eq(&ex.first.cbind_input)) {
            return Err(Error::ChannelBindingMismatch);
        }
        if !bool::from(nonce.as_bytes().ct_eq(ex.nonce.as_bytes())) {
            return Err(Error::NonceMismatch);
        }
        if !proof_ok {
            return Err(Error::AuthenticationFailed {
                mechanism: self.name(),
            });
        }
        Ok(ServerStep::Success {
            additional_data: Some(format!("v={}", b64_encode(&server_signature)).into_bytes()),
            identity: Identity::Authenticated {
                authcid: ex.first.username,
                authzid: ex.first.authzid,
            },
        })
    }
}

impl ServerMechanism for ScramServer {
    fn name(&self) -> &'static str {
        self.hash.mechanism_name(self.plus)
    }

    fn step(&mut self, response: Option<&[u8]>) -> Result<ServerStep, Error> {
        match core::mem::replace(&mut self.state, ServerState::Failed) {
            ServerState::Start if response.is_none() => {
                self.state = ServerState::Challenged;
                Ok(ServerStep::Challenge(Vec::new()))
            }
            ServerState::Start | ServerState::Challenged => {
                let first = self.parse_client_first(response.unwrap_or_default())?;
                let request = Request::ScramCredentials {
                    username: first.username.clone(),
                    authzid: first.authzid.clone(),
                };
                self.state = ServerState::WaitCredentials(Box::new(first));
                Ok(ServerStep::Request(request))
            }
            ServerState::WaitClientFinal(ex) => {
                let step = self.verify_client_final(*ex, response.unwrap_or_default())?;
                self.state = ServerState::Done;
                Ok(step)
            }
            other => {
                let terminal = matches!(other, ServerState::Done);
                self.state = other;
                let e = self.wrong("step");
                if !terminal {
                    self.state = ServerState::Failed;
                }
                Err(e)
            }
        }
    }

    fn answer(&mut self, answer: Answer) -> Result<ServerStep, Error> {
        match core::mem::replace(&mut self.state, ServerState::Failed) {
            ServerState::WaitCredentials(first) => match answer {
                Answer::ScramCredentials(stored) => self.server_first(*first, stored),
                _ => Err(Error::WrongState {
                    mechanism: self.name(),
                    call: "answer (not ScramCredentials)",
                    state: "waiting for credentials",
                }),
            },
            other => {
                let terminal = matches!(other, ServerState::Done);
                self.state = other;
                let e = self.wrong("answer");
                if !terminal {
                    self.state = ServerState::Failed;
                }
                Err(e)
            }
        }
    }

    fn abort(&mut self) {
        self.state = ServerState::Failed;
    }
}
