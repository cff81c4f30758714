//! Types shared by every mechanism: the step traits, server requests and answers, the nonce
//! source, SASLprep and the XMPP base64 payload encoding.

use std::borrow::Cow;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::Error;
use crate::scram::StoredCredentials;
use crate::secret::{DigestSecret, SecretString};

/// Who authenticated, as reported by a server state machine on success.
///
/// An anonymous login is its own variant, so that no trace text a client chooses can be
/// taken for a user name: only [`Identity::Authenticated`] carries an authentication identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identity {
    /// The client proved an identity: the user name (SCRAM, PLAIN, DIGEST-MD5) or the
    /// identity established outside SASL (EXTERNAL).
    Authenticated {
        /// The authentication identity.
        authcid: String,
        /// The authorization identity the client asked to act as, if it sent one. Deciding
        /// whether `authcid` may act as `authzid` is the caller's policy; refuse with
        /// [`Condition::InvalidAuthzid`](crate::Condition::InvalidAuthzid).
        authzid: Option<String>,
    },
    /// ANONYMOUS (RFC 4505): no identity was proved.
    Anonymous {
        /// The trace information the client sent (RFC 4505 §2), `None` when it sent none.
        /// It is only for logging: it names no account (RFC 4505 §3).
        trace: Option<String>,
    },
}

impl Identity {
    /// The authentication identity; `None` for an anonymous login.
    pub fn authcid(&self) -> Option<&str> {
        match self {
            Identity::Authenticated { authcid, .. } => Some(authcid),
            Identity::Anonymous { .. } => None,
        }
    }

    /// The authorization identity requested; `None` when none was sent and for an anonymous
    /// login.
    pub fn authzid(&self) -> Option<&str> {
        match self {
            Identity::Authenticated { authzid, .. } => authzid.as_deref(),
            Identity::Anonymous { .. } => None,
        }
    }

    /// Whether the login was anonymous (RFC 4505).
    pub fn is_anonymous(&self) -> bool {
        matches!(self, Identity::Anonymous { .. })
    }
}

/// A question a server state machine asks its caller (sans-io: the caller looks the answer up
/// and passes it to [`ServerMechanism::answer`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// SCRAM: the stored credentials of `username` (after SASLprep); answer with
    /// [`Answer::ScramCredentials`], `None` for an unknown user.
    ScramCredentials {
        /// The user name, SASLprepped.
        username: String,
        /// The authorization identity requested, if any.
        authzid: Option<String>,
    },
    /// PLAIN: is `password` the password of `authcid`? Answer with [`Answer::PasswordValid`].
    VerifyPassword {
        /// The authentication identity, SASLprepped.
        authcid: String,
        /// The authorization identity requested, if any.
        authzid: Option<String>,
        /// The password, SASLprepped; compare it with [`SecretString::matches`] or
        /// [`StoredCredentials::matches_password`](crate::scram::StoredCredentials::matches_password).
        password: SecretString,
    },
    /// DIGEST-MD5: the secret `H({username}:{realm}:{password})` of the user, as
    /// [`crate::digest_md5::secret`] computes it; answer with [`Answer::DigestMd5Secret`].
    DigestMd5Secret {
        /// The user name as sent.
        username: String,
        /// The realm as sent (empty when absent).
        realm: String,
        /// The authorization identity requested, if any.
        authzid: Option<String>,
    },
}

/// The caller's answer to a [`Request`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Answers [`Request::ScramCredentials`]; `None`: no such user.
    ScramCredentials(Option<StoredCredentials>),
    /// Answers [`Request::VerifyPassword`]; `false` for a wrong password or an unknown user.
    PasswordValid(bool),
    /// Answers [`Request::DigestMd5Secret`]; `None`: no such user.
    DigestMd5Secret(Option<DigestSecret>),
}

/// What a server state machine wants next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerStep {
    /// Send this challenge (RFC 3920 §6.2 `<challenge/>`) and feed the response to `step`.
    Challenge(Vec<u8>),
    /// Answer this request through [`ServerMechanism::answer`].
    Request(Request),
    /// Authentication succeeded: send `<success/>` with `additional_data` if present.
    Success {
        /// Additional data with success (SCRAM's server-final-message, DIGEST-MD5's rspauth).
        additional_data: Option<Vec<u8>>,
        /// Who authenticated.
        identity: Identity,
    },
}

/// The client side of one mechanism (sans-io).
///
/// Call [`initial_response`](Self::initial_response) once, then [`step`](Self::step) for each
/// challenge, then [`success`](Self::success) when the server reports success.
pub trait ClientMechanism: core::fmt::Debug {
    /// The mechanism name as advertised, such as `SCRAM-SHA-1-PLUS`.
    fn name(&self) -> &'static str;
    /// The initial response to send in `<auth/>`, `None` when the mechanism starts with a
    /// server challenge.
    fn initial_response(&mut self) -> Result<Option<Vec<u8>>, Error>;
    /// Computes the response to a server challenge.
    fn step(&mut self, challenge: &[u8]) -> Result<Vec<u8>, Error>;
    /// The server reported success, with optional additional data; errors when the server has
    /// not proved itself where the mechanism requires it (SCRAM, DIGEST-MD5).
    fn success(&mut self, additional_data: Option<&[u8]>) -> Result<(), Error>;
    /// Abandons the exchange; every later call fails.
    fn abort(&mut self);
}

/// The server side of one mechanism (sans-io).
///
/// Feed each client message (the initial response first, `None` if `<auth/>` had none) to
/// [`step`](Self::step); answer [`ServerStep::Request`] with [`answer`](Self::answer).
pub trait ServerMechanism: core::fmt::Debug {
    /// The mechanism name, such as `SCRAM-SHA-256`.
    fn name(&self) -> &'static str;
    /// Processes a client message.
    fn step(&mut self, response: Option<&[u8]>) -> Result<ServerStep, Error>;
    /// Answers the pending request.
    fn answer(&mut self, answer: Answer) -> Result<ServerStep, Error>;
    /// The client aborted (RFC 3920 §6.2 `<abort/>`); every later call fails.
    fn abort(&mut self);
}

/// A source of nonces: printable ASCII without `,` (RFC 5802 §7 `printable`), also valid in
/// a DIGEST-MD5 quoted string.
pub trait NonceSource {
    /// A fresh nonce.
    fn nonce(&mut self) -> Result<String, Error>;
}

/// Nonces from the operating system's generator (`getrandom`): 18 random bytes, base64.
#[derive(Debug, Clone, Copy, Default)]
pub struct OsNonce;

impl NonceSource for OsNonce {
    fn nonce(&mut self) -> Result<String, Error> {
        let mut bytes = [0u8; 18];
        getrandom::fill(&mut bytes).map_err(|_| Error::Randomness)?;
        Ok(STANDARD.encode(bytes))
    }
}

/// The same nonce every time: for tests and test vectors only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixedNonce(pub String);

impl NonceSource for FixedNonce {
    fn nonce(&mut self) -> Result<String, Error> {
        Ok(self.0.clone())
    }
}

/// Random bytes from the operating system, for salts.
pub fn random_salt() -> Result<[u8; 16], Error> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|_| Error::Randomness)?;
    Ok(salt)
}

/// SASLprep (RFC 4013) of a user name or password, as a stored string (unassigned code points
/// are rejected, RFC 4013 §2.5 via RFC 3454 §7). Use it for what is stored: a password before
/// `Hi()` (RFC 5802 §2.2 `Normalize`), a password or name kept in a user database.
pub fn saslprep<'a>(input: &'a str, field: &'static str) -> Result<Cow<'a, str>, Error> {
    stringprep::saslprep(input).map_err(|_| Error::Saslprep { field })
}

/// SASLprep (RFC 4013) as a query (RFC 3454 §7): the same mapping, normalization,
/// prohibited-output and bidi rules as [`saslprep`], but unassigned code points are allowed.
/// RFC 5802 §5.1 prepares the SCRAM user name this way on both sides; RFC 4616 §2 prepares
/// the presented PLAIN strings this way.
pub fn saslprep_query<'a>(input: &'a str, field: &'static str) -> Result<Cow<'a, str>, Error> {
    use stringprep::tables;
    use unicode_normalization::UnicodeNormalization as _;
    if input.bytes().all(|b| b.is_ascii() && !b.is_ascii_control()) {
        return Ok(Cow::Borrowed(input));
    }
    // RFC 4013 §2.1: non-ASCII spaces map to SPACE, "commonly mapped to nothing" to nothing.
    let mapped = input
        .chars()
        .filter(|&c| !tables::commonly_mapped_to_nothing(c))
        .map(|c| {
            if tables::non_ascii_space_character(c) {
                ' '
            } else {
                c
            }
        });
    // RFC 4013 §2.2: NFKC.
    let normalized: String = mapped.nfkc().collect();
    // RFC 4013 §2.3: prohibited output.
    let prohibited = normalized.chars().any(|c| {
        tables::non_ascii_space_character(c)
            || tables::ascii_control_character(c)
            || tables::non_ascii_control_character(c)
            || tables::private_use(c)
            || tables::non_character_code_point(c)
            || tables::surrogate_code(c)
            || tables::inappropriate_for_plain_text(c)
            || tables::inappropriate_for_canonical_representation(c)
            || tables::change_display_properties_or_deprecated(c)
            || tables::tagging_character(c)
    });
    // RFC 4013 §2.4 / RFC 3454 §6: a string with RandALCat characters has no LCat character
    // and starts and ends with a RandALCat character.
    let bidi_violation = normalized.contains(tables::bidi_r_or_al)
        && (normalized.contains(tables::bidi_l)
            || !normalized.starts_with(tables::bidi_r_or_al)
            || !normalized.ends_with(tables::bidi_r_or_al));
    if prohibited || bidi_violation {
        return Err(Error::Saslprep { field });
    }
    Ok(Cow::Owned(normalized))
}

/// Encodes a SASL payload as the character data of an XMPP SASL element (RFC 3920 §6.2):
/// base64 (RFC 4648 §4, with padding), and a single `=` for an empty payload. The `=` form is
/// what an empty *initial response* in `<auth/>` must use (RFC 3920 §6.2); a `<challenge/>`,
/// `<response/>` or `<success/>` without data may instead be sent as an empty element, which
/// [`decode_payload`] reads as "no payload" and the state machines treat as empty after the
/// first message.
pub fn encode_payload(data: &[u8]) -> String {
    if data.is_empty() {
        "=".to_owned()
    } else {
        STANDARD.encode(data)
    }
}

/// Decodes the character data of an XMPP SASL element (RFC 3920 §6.2, §14.9): a single `=` is
/// an empty payload; anything outside the base64 alphabet, a misplaced pad or a
/// non-canonical encoding is rejected, never ignored. The empty string (no character data)
/// means "no payload" and decodes to `None`.
pub fn decode_payload(text: &str) -> Result<Option<Vec<u8>>, Error> {
    match text {
        "" => Ok(None),
        "=" => Ok(Some(Vec::new())),
        _ => STANDARD
            .decode(text)
            .map(Some)
            .map_err(|_| Error::InvalidBase64 { field: "payload" }),
    }
}

/// Decodes base64 inside a mechanism message (strict RFC 4648 §4).
pub(crate) fn b64_decode(text: &str, field: &'static str) -> Result<Vec<u8>, Error> {
    STANDARD
        .decode(text)
        .map_err(|_| Error::InvalidBase64 { field })
}

/// Encodes base64 with padding (RFC 4648 §4).
pub(crate) fn b64_encode(data: &[u8]) -> String {
    STANDARD.encode(data)
}

/// Whether every byte is RFC 5802 `printable`: %x21-2B / %x2D-7E.
pub(crate) fn is_printable_nonce(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| (0x21..=0x7e).contains(&b) && b != b',')
}

/// The longest message or field a state machine accepts from a peer.
pub(crate) const MAX_MESSAGE: usize = 8 * 1024;

/// The state of either side of a mechanism whose client sends one message and waits for
/// success (PLAIN's client, EXTERNAL, ANONYMOUS). The mechanisms hold it and delegate their
/// order checks to it; they keep only their message format and checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OneMessage {
    /// Nothing sent or received yet.
    Start,
    /// Client: the message was sent. Server: the empty challenge was sent.
    Sent,
    /// Succeeded.
    Done,
    /// Failed or aborted.
    Failed,
}

impl OneMessage {
    /// The error for `call` made in this state; the exchange fails unless it already
    /// succeeded, and a finished exchange stays finished.
    pub(crate) fn wrong(&mut self, mechanism: &'static str, call: &'static str) -> Error {
        let state = match self {
            OneMessage::Start => "start",
            OneMessage::Sent => "sent",
            OneMessage::Done => "done",
            OneMessage::Failed => "failed",
        };
        if *self != OneMessage::Done {
            *self = OneMessage::Failed;
        }
        Error::WrongState {
            mechanism,
            call,
            state,
        }
    }

    /// Client: sends `message` as the initial response.
    pub(crate) fn initial_response(
        &mut self,
        mechanism: &'static str,
        message: &[u8],
    ) -> Result<Option<Vec<u8>>, Error> {
        match self {
            OneMessage::Start => {
                *self = OneMessage::Sent;
                Ok(Some(message.to_vec()))
            }
            _ => Err(self.wrong(mechanism, "initial_response")),
        }
    }

    /// Client: sends `message` in answer to the server's empty challenge (RFC 4422 §5: a
    /// server may ask for the initial response that way).
    pub(crate) fn step(
        &mut self,
        mechanism: &'static str,
        challenge: &[u8],
        message: &[u8],
    ) -> Result<Vec<u8>, Error> {
        match self {
            OneMessage::Start if challenge.is_empty() => {
                *self = OneMessage::Sent;
                Ok(message.to_vec())
            }
            _ => Err(self.wrong(mechanism, "step")),
        }
    }

    /// Client: the server reported success after the message.
    pub(crate) fn success(&mut self, mechanism: &'static str) -> Result<(), Error> {
        match self {
            OneMessage::Sent => {
                *self = OneMessage::Done;
                Ok(())
            }
            _ => Err(self.wrong(mechanism, "success")),
        }
    }

    /// Server: without an initial response, sends the empty challenge; then `check`s the
    /// client's message and succeeds with the identity it returns. After the empty
    /// challenge, a response without data is the empty response (only the initial response
    /// distinguishes "absent" from "empty", RFC 4422 §4).
    pub(crate) fn server_step(
        &mut self,
        mechanism: &'static str,
        response: Option<&[u8]>,
        check: impl FnOnce(&[u8]) -> Result<Identity, Error>,
    ) -> Result<ServerStep, Error> {
        match (*self, response) {
            (OneMessage::Start, None) => {
                *self = OneMessage::Sent;
                Ok(ServerStep::Challenge(Vec::new()))
            }
            (OneMessage::Start | OneMessage::Sent, message) => {
                *self = OneMessage::Failed;
                let identity = check(message.unwrap_or_default())?;
                *self = OneMessage::Done;
                Ok(ServerStep::Success {
                    additional_data: None,
                    identity,
                })
            }
            _ => Err(self.wrong(mechanism, "step")),
        }
    }
}
