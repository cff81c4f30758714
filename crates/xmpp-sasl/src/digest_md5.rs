//! DIGEST-MD5 (RFC 2831), authentication only (`qop=auth`, no security layer), which RFC 3920
//! §14.7 makes mandatory to implement.
//!
//! The server stores `H({username}:{realm}:{password})` ([`secret`]), not the password.
//!
//! ```
//! use xmpp_sasl::digest_md5::{DigestMd5Client, DigestMd5Server, secret};
//! use xmpp_sasl::{Answer, ClientMechanism, Request, ServerMechanism, ServerSecret, ServerStep};
//!
//! // Stored when the password is set (the realm is the server's host by default).
//! let stored = secret("juliet", "example.com", "r0m30");
//!
//! let mut client = DigestMd5Client::new("juliet", "r0m30", "xmpp", "example.com");
//! let mut server = DigestMd5Server::new("xmpp", "example.com", &ServerSecret::generate()?);
//!
//! // DIGEST-MD5 starts with the server's challenge: no initial response.
//! let mut step = server.step(client.initial_response()?.as_deref())?;
//! loop {
//!     step = match step {
//!         ServerStep::Challenge(challenge) => server.step(Some(&client.step(&challenge)?))?,
//!         ServerStep::Request(Request::DigestMd5Secret { username, .. }) => {
//!             server.answer(Answer::DigestMd5Secret((username == "juliet").then(|| stored.clone())))?
//!         }
//!         ServerStep::Success { additional_data, identity } => {
//!             // additional_data carries rspauth, which the client verifies.
//!             client.success(additional_data.as_deref())?;
//!             assert_eq!(identity.authcid(), Some("juliet"));
//!             break;
//!         }
//!         ServerStep::Request(other) => unreachable!("{other:?}"),
//!     };
//! }
//! # Ok::<(), xmpp_sasl::Error>(())
//! ```

use md5::{Digest, Md5};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::Error;
use crate::common::{
    Answer, ClientMechanism, Identity, NonceSource, OsNonce, Request, ServerMechanism, ServerStep,
};
use crate::secret::{DigestSecret, SecretString, ServerSecret};

const NAME: &str = "DIGEST-MD5";

fn malformed(detail: &'static str) -> Error {
    Error::Malformed {
        mechanism: NAME,
        detail,
    }
}

/// A string as hashed by RFC 2831 §2.1.2.1: ISO 8859-1 when every character fits, UTF-8
/// otherwise.
fn hash_bytes(s: &str) -> Vec<u8> {
    if s.chars().all(|c| (c as u32) < 0x100) {
        s.chars().map(|c| c as u8).collect()
    } else {
        s.as_bytes().to_vec()
    }
}

fn md5(parts: &[&[u8]]) -> [u8; 16] {
    let mut h = Md5::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
    }
    out
}

/// The secret a server stores for DIGEST-MD5: `H({username}:{realm}:{password})`
/// (RFC 2831 §2.1.2.1), with the ISO 8859-1 conversion rule applied to each string.
pub fn secret(username: &str, realm: &str, password: &str) -> DigestSecret {
    let password = Zeroizing::new(hash_bytes(password));
    DigestSecret::new(md5(&[
        &hash_bytes(username),
        b":",
        &hash_bytes(realm),
        b":",
        &password,
    ]))
}

/// The inputs of the `response-value` computation (RFC 2831 §2.1.2.1).
struct Digests<'a> {
    secret: &'a [u8; 16],
    nonce: &'a str,
    cnonce: &'a str,
    authzid: Option<&'a str>,
    digest_uri: &'a str,
}

impl Digests<'_> {
    /// `response-value` with A2 prefixed by `a2_prefix` ("AUTHENTICATE" for the client's
    /// response, empty for the server's `rspauth`).
    fn value(&self, a2_prefix: &str) -> String {
        let mut a1: Vec<&[u8]> = vec![
            self.secret,
            b":",
            self.nonce.as_bytes(),
            b":",
            self.cnonce.as_bytes(),
        ];
        if let Some(a) = self.authzid {
            a1.push(b":");
            a1.push(a.as_bytes());
        }
        let ha1 = Zeroizing::new(hex(&md5(&a1)));
        let ha2 = hex(&md5(&[
            a2_prefix.as_bytes(),
            b":",
            self.digest_uri.as_bytes(),
        ]));
        hex(&md5(&[
            ha1.as_bytes(),
            b":",
            self.nonce.as_bytes(),
            b":00000001:",
            self.cnonce.as_bytes(),
            b":auth:",
            ha2.as_bytes(),
        ]))
    }
}

/// Parses a `digest-challenge` / `digest-response` list (RFC 2831 §7.1 `#rule`):
/// `name=token` or `name="quoted string"`, comma separated, with optional white space and
/// empty elements. Names are returned in lower case.
pub fn parse_directives(text: &str) -> Result<Vec<(String, String)>, Error> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let skip_ws = |i: &mut usize| {
        while *i < bytes.len() && matches!(bytes[*i], b' ' | b'\t' | b'\r' | b'\n') {
            *i += 1;
        }
    };
    let is_token = |b: u8| {
        b.is_ascii_graphic()
            && !matches!(
                b,
                b'(' | b')'
                    | b'<'
                    | b'>'
                    | b'@'
                    | b','
                    | b';'
                    | b':'
                    | b'\\'
                    | b'"'
                    | b'/'
                    | b'['
                    | b']'
                    | b'?'
                    | b'='
                    | b'{'
                    | b'}'
            )
    };
    loop {
        skip_ws(&mut i);
        if i >= bytes.len() {
            break;
        }
        if bytes[i] == b',' {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && is_token(bytes[i]) {
            i += 1;
        }
        if i == start {
            return Err(malformed("directive name"));
        }
        let name = text[start..i].to_ascii_lowercase();
        skip_ws(&mut i);
        if bytes.get(i) != Some(&b'=') {
            return Err(malformed("expected = after directive name"));
        }
        i += 1;
        skip_ws(&mut i);
        let value = if bytes.get(i) == Some(&b'"') {
            i += 1;
            let mut value = Vec::new();
            loop {
                match bytes.get(i) {
                    None => return Err(malformed("unterminated quoted string")),
                    Some(b'"') => {
                        i += 1;
                        break;
                    }
                    Some(b'\\') => {
                        let Some(&c) = bytes.get(i + 1) else {
                            return Err(malformed("unterminated quoted string"));
                        };
                        value.push(c);
                        i += 2;
                    }
                    Some(&c) => {
                        value.push(c);
                        i += 1;
                    }
                }
            }
            String::from_utf8(value).map_err(|_| Error::InvalidUtf8 { field: "directive" })?
        } else {
            let vstart = i;
            while i < bytes.len() && is_token(bytes[i]) {
                i += 1;
            }
            if i == vstart {
                return Err(malformed("empty directive value"));
            }
            text[vstart..i].to_owned()
        };
        out.push((name, value));
        skip_ws(&mut i);
        match bytes.get(i) {
            None => break,
            Some(b',') => i += 1,
            Some(_) => return Err(malformed("expected , between directives")),
        }
        if out.len() > 64 {
            return Err(malformed("too many directives"));
        }
    }
    Ok(out)
}

/// Quotes a value as a `quoted-string`.
fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// The largest digest-challenge, in bytes: it "MUST be less than 2048 bytes" (RFC 2831 §2.1.1).
pub const MAX_CHALLENGE: usize = 2047;
/// The largest digest-response, in bytes: it "MUST be less than 4096 bytes" (RFC 2831 §2.1.2).
pub const MAX_RESPONSE: usize = 4095;

/// Decodes a message without a charset: ISO 8859-1, where every byte is one character.
fn latin1(message: &[u8]) -> String {
    message.iter().map(|&b| char::from(b)).collect()
}

/// Encodes text whose characters are all below U+0100 as ISO 8859-1, `None` otherwise.
fn to_latin1(text: &str) -> Option<Vec<u8>> {
    text.chars()
        .map(|c| u8::try_from(u32::from(c)).ok())
        .collect()
}

/// Parses a challenge or response with its encoding (RFC 2831 §2.1.1, §2.1.2 `charset`):
/// with `charset=utf-8` the whole message must be UTF-8; without it, user name, realm and
/// password are ISO 8859-1, so the message is decoded byte per character (a UTF-8-looking
/// byte sequence is still two ISO 8859-1 characters). Returns the directives and whether
/// `charset=utf-8` was present; any other charset value is an error.
fn parse_message(
    message: &[u8],
    max: usize,
    what: &'static str,
) -> Result<(Vec<(String, String)>, bool), Error> {
    if message.len() > max {
        return Err(Error::TooLong { field: what, max });
    }
    // Directive names, separators and the charset value are ASCII, so reading the bytes as
    // ISO 8859-1 finds the charset whatever the encoding.
    let directives = parse_directives(&latin1(message))?;
    match single(&directives, "charset", "charset repeated")? {
        None => Ok((directives, false)),
        Some(c) if c.eq_ignore_ascii_case("utf-8") => {
            let text =
                core::str::from_utf8(message).map_err(|_| Error::InvalidUtf8 { field: what })?;
            Ok((parse_directives(text)?, true))
        }
        Some(_) => Err(malformed("charset must be utf-8")),
    }
}

/// The authzid is UTF-8 whatever the charset (RFC 2831 §2.1.2 `authzid`): undo the
/// ISO 8859-1 decoding of a message without `charset=utf-8`.
fn authzid_as_utf8(value: &str, utf8_message: bool) -> Result<String, Error> {
    if utf8_message {
        return Ok(value.to_owned());
    }
    let bytes = to_latin1(value).ok_or(Error::InvalidUtf8 { field: "authzid" })?;
    String::from_utf8(bytes).map_err(|_| Error::InvalidAuthzid {
        detail: "not UTF-8",
    })
}

/// Looks up a directive that must appear at most once.
fn single<'a>(
    directives: &'a [(String, String)],
    name: &str,
    detail: &'static str,
) -> Result<Option<&'a str>, Error> {
    let mut found = directives.iter().filter(|(n, _)| n == name);
    let first = found.next();
    if found.next().is_some() {
        return Err(malformed(detail));
    }
    Ok(first.map(|(_, v)| v.as_str()))
}

fn parse_rspauth(message: &[u8]) -> Result<String, Error> {
    if message.len() > MAX_CHALLENGE {
        return Err(Error::TooLong {
            field: "rspauth",
            max: MAX_CHALLENGE,
        });
    }
    let directives = parse_directives(&latin1(message))?;
    single(&directives, "rspauth", "rspauth repeated")?
        .map(str::to_owned)
        .ok_or_else(|| malformed("expected rspauth"))
}

enum ClientState {
    Start,
    WaitRspauth { rspauth: String },
    Verified,
    Done,
    Failed,
}

impl ClientState {
    fn label(&self) -> &'static str {
        match self {
            ClientState::Start => "waiting for the challenge",
            ClientState::WaitRspauth { .. } => "waiting for rspauth",
            ClientState::Verified => "server verified",
            ClientState::Done => "done",
            ClientState::Failed => "failed",
        }
    }
}

/// The client side of DIGEST-MD5.
pub struct DigestMd5Client {
    username: String,
    password: SecretString,
    authzid: Option<String>,
    realm: Option<String>,
    digest_uri: String,
    nonces: Box<dyn NonceSource + Send>,
    state: ClientState,
}

impl core::fmt::Debug for DigestMd5Client {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("DigestMd5Client")
            .field("username", &self.username)
            .field("digest_uri", &self.digest_uri)
            .field("state", &self.state.label())
            .finish_non_exhaustive()
    }
}

impl DigestMd5Client {
    /// A client for `username`/`password` authenticating to `service` (`xmpp` for XMPP) on
    /// `host`: the `digest-uri` is `{service}/{host}`.
    pub fn new(username: &str, password: &str, service: &str, host: &str) -> Self {
        DigestMd5Client {
            username: username.to_owned(),
            password: SecretString::from(password),
            authzid: None,
            realm: None,
            digest_uri: format!("{service}/{host}"),
            nonces: Box::new(OsNonce),
            state: ClientState::Start,
        }
    }

    /// Asks to act as `authzid`.
    pub fn with_authzid(mut self, authzid: &str) -> Self {
        self.authzid = Some(authzid.to_owned());
        self
    }

    /// The realm to use when the server offers several or none.
    pub fn with_realm(mut self, realm: &str) -> Self {
        self.realm = Some(realm.to_owned());
        self
    }

    /// Replaces the source of the client nonce (the default is [`OsNonce`]).
    pub fn with_nonce_source(mut self, source: Box<dyn NonceSource + Send>) -> Self {
        self.nonces = source;
        self
    }

    fn wrong(&mut self, call: &'static str) -> Error {
        let e = Error::WrongState {
            mechanism: NAME,
            call,
            state: self.state.label(),
        };
        if !matches!(self.state, ClientState::Done) {
            self.state = ClientState::Failed;
        }
        e
    }

    fn response(&mut self, challenge: &[u8]) -> Result<(Vec<u8>, String), Error> {
        let (directives, utf8) = parse_message(challenge, MAX_CHALLENGE, "digest-challenge")?;
        let nonce = single(&directives, "nonce", "nonce repeated")?
            .ok_or_else(|| malformed("challenge without nonce"))?;
        match single(&directives, "algorithm", "algorithm repeated")? {
            Some(a) if a.eq_ignore_ascii_case("md5-sess") => {}
            _ => return Err(malformed("algorithm must be md5-sess")),
        }
        // RFC 2831 §2.1.1: stale, maxbuf, charset, algorithm, nonce and qop-options appear at
        // most once; a repeat aborts the exchange.
        single(&directives, "stale", "stale repeated")?;
        single(&directives, "maxbuf", "maxbuf repeated")?;
        let qop = single(&directives, "qop", "qop repeated")?.unwrap_or("auth");
        if !qop.split(',').any(|q| q.trim() == "auth") {
            return Err(Error::MechanismTooWeak {
                detail: "server does not offer qop=auth",
            });
        }
        let offered: Vec<&str> = directives
            .iter()
            .filter(|(n, _)| n == "realm")
            .map(|(_, v)| v.as_str())
            .collect();
        let realm = match &self.realm {
            Some(mine) if offered.is_empty() || offered.contains(&mine.as_str()) => mine.clone(),
            _ => offered.first().map(|r| (*r).to_owned()).unwrap_or_default(),
        };
        let cnonce = self.nonces.nonce()?;
        let secret = secret(&self.username, &realm, self.password.expose());
        let digests = Digests {
            secret: secret.expose(),
            nonce,
            cnonce: &cnonce,
            authzid: self.authzid.as_deref(),
            digest_uri: &self.digest_uri,
        };
        let response = digests.value("AUTHENTICATE");
        let rspauth = digests.value("");
        // RFC 2831 §2.1.2 `charset`: sent only when the server announced UTF-8; without it,
        // user name, realm and password travel (and are hashed) as ISO 8859-1.
        let mut out = if utf8 {
            format!("charset=utf-8,username={}", quote(&self.username))
        } else {
            format!("username={}", quote(&self.username))
        };
        if !realm.is_empty() {
            out.push_str(",realm=");
            out.push_str(&quote(&realm));
        }
        out.push_str(&format!(
            ",nonce={},nc=00000001,cnonce={},digest-uri={},response={response},qop=auth",
            quote(nonce),
            quote(&cnonce),
            quote(&self.digest_uri)
        ));
        let mut bytes = if utf8 {
            out.into_bytes()
        } else {
            if !self.password.expose().chars().all(|c| u32::from(c) < 0x100) {
                return Err(Error::NotLatin1 { field: "password" });
            }
            to_latin1(&out).ok_or(Error::NotLatin1 {
                field: "user name or realm",
            })?
        };
        if let Some(a) = &self.authzid {
            // The authzid is UTF-8 whatever the charset (RFC 2831 §2.1.2).
            bytes.extend_from_slice(b",authzid=");
            bytes.extend_from_slice(quote(a).as_bytes());
        }
        Ok((bytes, rspauth))
    }
}

impl ClientMechanism for DigestMd5Client {
    fn name(&self) -> &'static str {
        NAME
    }

    fn initial_response(&mut self) -> Result<Option<Vec<u8>>, Error> {
        match self.state {
            ClientState::Start => Ok(None),
            _ => Err(self.wrong("initial_response")),
        }
    }

    fn step(&mut self, challenge: &[u8]) -> Result<Vec<u8>, Error> {
        match core::mem::replace(&mut self.state, ClientState::Failed) {
            ClientState::Start => {
                let (out, rspauth) = self.response(challenge)?;
                self.state = ClientState::WaitRspauth { rspauth };
                Ok(out)
            }
            // RFC 2831 §2.1.3 / RFC 3920 §6.5 step 7: rspauth as a challenge, answered with an
            // empty response.
            ClientState::WaitRspauth { rspauth } => {
                let got = parse_rspauth(challenge)?;
                if !bool::from(got.as_bytes().ct_eq(rspauth.as_bytes())) {
                    return Err(Error::ServerVerificationFailed { mechanism: NAME });
                }
                self.state = ClientState::Verified;
                Ok(Vec::new())
            }
            other => {
                self.state = other;
                Err(self.wrong("step"))
            }
        }
    }

    fn success(&mut self, additional_data: Option<&[u8]>) -> Result<(), Error> {
        match core::mem::replace(&mut self.state, ClientState::Failed) {
            ClientState::WaitRspauth { rspauth } => match additional_data {
                Some(data) if !data.is_empty() => {
                    let got = parse_rspauth(data)?;
                    if !bool::from(got.as_bytes().ct_eq(rspauth.as_bytes())) {
                        return Err(Error::ServerVerificationFailed { mechanism: NAME });
                    }
                    self.state = ClientState::Done;
                    Ok(())
                }
                _ => Err(Error::MissingServerVerification { mechanism: NAME }),
            },
            ClientState::Verified => {
                self.state = ClientState::Done;
                Ok(())
            }
            ClientState::Start => Err(Error::MissingServerVerification { mechanism: NAME }),
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

struct Pending {
    username: String,
    realm: String,
    authzid: Option<String>,
    cnonce: String,
    digest_uri: String,
    response: String,
}

enum ServerState {
    Start,
    WaitResponse {
        nonce: String,
    },
    WaitSecret {
        nonce: String,
        pending: Box<Pending>,
    },
    WaitEmptyResponse {
        identity: Identity,
    },
    Done,
    Failed,
}

impl ServerState {
    fn label(&self) -> &'static str {
        match self {
            ServerState::Start => "start",
            ServerState::WaitResponse { .. } => "waiting for the digest-response",
            ServerState::WaitSecret { .. } => "waiting for the secret",
            ServerState::WaitEmptyResponse { .. } => "waiting for the empty response",
            ServerState::Done => "done",
            ServerState::Failed => "failed",
        }
    }
}

/// The server side of DIGEST-MD5.
pub struct DigestMd5Server {
    service: String,
    host: String,
    realm: Option<String>,
    secret: ServerSecret,
    rspauth_as_challenge: bool,
    nonces: Box<dyn NonceSource + Send>,
    state: ServerState,
}

impl core::fmt::Debug for DigestMd5Server {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("DigestMd5Server")
            .field("service", &self.service)
            .field("host", &self.host)
            .field("realm", &self.realm)
            .field("state", &self.state.label())
            .finish_non_exhaustive()
    }
}

impl DigestMd5Server {
    /// A server for `service` (`xmpp`) on `host`, offering `host` as the realm. `secret`
    /// derives stand-in secrets for unknown users (so they fail after the same work as a wrong
    /// password).
    pub fn new(service: &str, host: &str, secret: &ServerSecret) -> Self {
        DigestMd5Server {
            service: service.to_owned(),
            host: host.to_owned(),
            realm: Some(host.to_owned()),
            secret: secret.clone(),
            rspauth_as_challenge: false,
            nonces: Box::new(OsNonce),
            state: ServerState::Start,
        }
    }

    /// The realm offered in the challenge; `None` offers none.
    pub fn with_realm(mut self, realm: Option<&str>) -> Self {
        self.realm = realm.map(str::to_owned);
        self
    }

    /// Sends `rspauth` as a final challenge (answered by an empty response) instead of as
    /// additional data with success, as the RFC 3920 §6.5 example does.
    pub fn with_rspauth_as_challenge(mut self, yes: bool) -> Self {
        self.rspauth_as_challenge = yes;
        self
    }

    /// Replaces the nonce source (the default is [`OsNonce`]).
    pub fn with_nonce_source(mut self, source: Box<dyn NonceSource + Send>) -> Self {
        self.nonces = source;
        self
    }

    fn wrong(&mut self, call: &'static str) -> Error {
        let e = Error::WrongState {
            mechanism: NAME,
            call,
            state: self.state.label(),
        };
        if !matches!(self.state, ServerState::Done) {
            self.state = ServerState::Failed;
        }
        e
    }

    fn challenge(&mut self) -> Result<ServerStep, Error> {
        let nonce = self.nonces.nonce()?;
        if !crate::common::is_printable_nonce(&nonce) || nonce.contains(['"', '\\']) {
            return Err(Error::Randomness);
        }
        let mut out = String::new();
        if let Some(realm) = &self.realm {
            out.push_str("realm=");
            out.push_str(&quote(realm));
            out.push(',');
        }
        out.push_str(&format!(
            "nonce={},qop=\"auth\",algorithm=md5-sess,charset=utf-8",
            quote(&nonce)
        ));
        self.state = ServerState::WaitResponse { nonce };
        Ok(ServerStep::Challenge(out.into_bytes()))
    }

    fn parse_response(&self, nonce: &str, message: &[u8]) -> Result<Pending, Error> {
        let (d, utf8) = parse_message(message, MAX_RESPONSE, "digest-response")?;
        let username = single(&d, "username", "username repeated")?
            .ok_or_else(|| malformed("response without username"))?;
        let realm = single(&d, "realm", "realm repeated")?.unwrap_or("");
        let got_nonce = single(&d, "nonce", "nonce repeated")?
            .ok_or_else(|| malformed("response without nonce"))?;
        let cnonce = single(&d, "cnonce", "cnonce repeated")?
            .ok_or_else(|| malformed("response without cnonce"))?;
        let nc =
            single(&d, "nc", "nc repeated")?.ok_or_else(|| malformed("response without nc"))?;
        let qop = single(&d, "qop", "qop repeated")?.unwrap_or("auth");
        let digest_uri = single(&d, "digest-uri", "digest-uri repeated")?
            .ok_or_else(|| malformed("response without digest-uri"))?;
        let response = single(&d, "response", "response repeated")?
            .ok_or_else(|| malformed("response without response"))?;
        let authzid = single(&d, "authzid", "authzid repeated")?
            .map(|a| authzid_as_utf8(a, utf8))
            .transpose()?;
        // RFC 2831 §2.1.2: maxbuf and cipher appear at most once as well.
        single(&d, "maxbuf", "maxbuf repeated")?;
        single(&d, "cipher", "cipher repeated")?;
        if username.is_empty() || cnonce.is_empty() {
            return Err(malformed("empty username or cnonce"));
        }
        if qop != "auth" {
            return Err(Error::MechanismTooWeak {
                detail: "only qop=auth is provided",
            });
        }
        if response.len() != 32 || !response.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(malformed("response-value must be 32 hex digits"));
        }
        // RFC 2831 §2.1.2: nc-value = 8LHEX; the first response counts 1.
        if nc.len() != 8
            || !nc.bytes().all(|b| b.is_ascii_hexdigit())
            || u32::from_str_radix(nc, 16).ok() != Some(1)
        {
            return Err(malformed("nc must be 00000001"));
        }
        if got_nonce != nonce {
            return Err(Error::NonceMismatch);
        }
        // RFC 2831 §2.1.2 `realm`: required when the challenge offered one, and then one of
        // the offered realms.
        if let Some(ours) = &self.realm {
            if single(&d, "realm", "realm repeated")?.is_none() {
                return Err(malformed(
                    "response without the realm the challenge offered",
                ));
            }
            if realm != ours {
                return Err(Error::AuthenticationFailed { mechanism: NAME });
            }
        }
        // digest-uri = serv-type "/" host [ "/" serv-name ], checked against our service.
        let mut uri = digest_uri.split('/');
        let (serv_type, host) = (uri.next().unwrap_or(""), uri.next().unwrap_or(""));
        if serv_type != self.service || !host.eq_ignore_ascii_case(&self.host) {
            return Err(Error::AuthenticationFailed { mechanism: NAME });
        }
        if authzid.as_deref().is_some_and(str::is_empty) {
            return Err(Error::InvalidAuthzid { detail: "empty" });
        }
        Ok(Pending {
            username: username.to_owned(),
            realm: realm.to_owned(),
            authzid,
            cnonce: cnonce.to_owned(),
            digest_uri: digest_uri.to_owned(),
            response: response.to_ascii_lowercase(),
        })
    }

    fn verify(
        &mut self,
        nonce: &str,
        p: Pending,
        stored: Option<DigestSecret>,
    ) -> Result<ServerStep, Error> {
        // The stand-in is computed for every login so known and unknown users cost the same.
        let dummy_full = Zeroizing::new(crate::scram::ScramHash::Sha256.hmac(
            self.secret.expose(),
            &[
                b"digest-md5\0",
                p.username.as_bytes(),
                b"\0",
                p.realm.as_bytes(),
            ],
        ));
        let mut bytes = Zeroizing::new([0u8; 16]);
        for (d, s) in bytes.iter_mut().zip(dummy_full.iter()) {
            *d = *s;
        }
        let dummy = DigestSecret::new(*bytes);
        let known = stored.is_some();
        let secret = stored.unwrap_or(dummy);
        let digests = Digests {
            secret: secret.expose(),
            nonce,
            cnonce: &p.cnonce,
            authzid: p.authzid.as_deref(),
            digest_uri: &p.digest_uri,
        };
        let expected = digests.value("AUTHENTICATE");
        let rspauth = digests.value("");
        let ok = expected.as_bytes().ct_eq(p.response.as_bytes()) & (known as u8).ct_eq(&1);
        if !bool::from(ok) {
            return Err(Error::AuthenticationFailed { mechanism: NAME });
        }
        let identity = Identity::Authenticated {
            authcid: p.username,
            authzid: p.authzid,
        };
        let data = format!("rspauth={rspauth}").into_bytes();
        if self.rspauth_as_challenge {
            self.state = ServerState::WaitEmptyResponse { identity };
            Ok(ServerStep::Challenge(data))
        } else {
            self.state = ServerState::Done;
            Ok(ServerStep::Success {
                additional_data: Some(data),
                identity,
            })
        }
    }
}

impl ServerMechanism for DigestMd5Server {
    fn name(&self) -> &'static str {
        NAME
    }

    fn step(&mut self, response: Option<&[u8]>) -> Result<ServerStep, Error> {
        match core::mem::replace(&mut self.state, ServerState::Failed) {
            // No initial response in DIGEST-MD5 (RFC 2831 §2.1); an empty one is tolerated.
            ServerState::Start => match response {
                None | Some([]) => self.challenge(),
                Some(_) => Err(malformed("unexpected initial response")),
            },
            ServerState::WaitResponse { nonce } => {
                let pending = self.parse_response(&nonce, response.unwrap_or_default())?;
                let request = Request::DigestMd5Secret {
                    username: pending.username.clone(),
                    realm: pending.realm.clone(),
                    authzid: pending.authzid.clone(),
                };
                self.state = ServerState::WaitSecret {
                    nonce,
                    pending: Box::new(pending),
                };
                Ok(ServerStep::Request(request))
            }
            ServerState::WaitEmptyResponse { identity } => match response {
                None | Some([]) => {
                    self.state = ServerState::Done;
                    Ok(ServerStep::Success {
                        additional_data: None,
                        identity,
                    })
                }
                Some(_) => Err(malformed("expected an empty response after rspauth")),
            },
            other => {
                self.state = other;
                Err(self.wrong("step"))
            }
        }
    }

    fn answer(&mut self, answer: Answer) -> Result<ServerStep, Error> {
        match (
            core::mem::replace(&mut self.state, ServerState::Failed),
            answer,
        ) {
            (ServerState::WaitSecret { nonce, pending }, Answer::DigestMd5Secret(stored)) => {
                self.verify(&nonce, *pending, stored)
            }
            (other, _) => {
                self.state = other;
                Err(self.wrong("answer"))
            }
        }
    }

    fn abort(&mut self) {
        self.state = ServerState::Failed;
    }
}
