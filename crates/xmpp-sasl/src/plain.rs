//! PLAIN (RFC 4616): `[authzid] NUL authcid NUL passwd`, sent as the initial response.
//!
//! PLAIN sends the password in the clear; offer and use it only over TLS (RFC 3920 §6.2,
//! [`crate::negotiate`]).
//!
//! ```
//! use xmpp_sasl::plain::{PlainClient, PlainServer};
//! use xmpp_sasl::scram::{ScramHash, StoredCredentials};
//! use xmpp_sasl::{Answer, ClientMechanism, Request, ServerMechanism, ServerStep, random_salt};
//!
//! // The user database keeps SCRAM credentials, never the password.
//! let juliet = StoredCredentials::derive(ScramHash::Sha256, "r0m30", &random_salt()?, 4096)?;
//! let lookup = |name: &str| (name == "juliet").then_some(&juliet);
//!
//! let mut client = PlainClient::new("juliet", "r0m30")?.with_authzid("romeo@example.net")?;
//! let mut server = PlainServer::new();
//!
//! // The message travels as the initial response of <auth/>.
//! let message = client.initial_response()?;
//! let ServerStep::Request(Request::VerifyPassword { authcid, password, .. }) =
//!     server.step(message.as_deref())?
//! else {
//!     unreachable!("PLAIN asks the caller to check the password")
//! };
//! // The caller checks the password against what it stores, in constant time; an unknown
//! // user is simply not valid.
//! let valid = lookup(&authcid).is_some_and(|c| c.matches_password(password.expose()));
//! match server.answer(Answer::PasswordValid(valid))? {
//!     ServerStep::Success { identity, .. } => {
//!         client.success(None)?;
//!         assert_eq!(identity.authcid(), Some("juliet"));
//!         assert_eq!(identity.authzid(), Some("romeo@example.net"));
//!     }
//!     other => unreachable!("{other:?}"),
//! }
//! # Ok::<(), xmpp_sasl::Error>(())
//! ```

use zeroize::Zeroizing;

use crate::Error;
use crate::common::{
    Answer, ClientMechanism, Identity, OneMessage, Request, ServerMechanism, ServerStep,
    saslprep_query,
};
use crate::secret::SecretString;

const NAME: &str = "PLAIN";
/// The longest authzid, authcid or password accepted, in bytes (RFC 4616 §2 requires at
/// least 255).
pub const MAX_FIELD: usize = 1024;

fn malformed(detail: &'static str) -> Error {
    Error::Malformed {
        mechanism: NAME,
        detail,
    }
}

/// The client side of PLAIN.
pub struct PlainClient {
    authzid: Option<String>,
    authcid: String,
    password: SecretString,
    state: OneMessage,
}

impl core::fmt::Debug for PlainClient {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PlainClient")
            .field("authcid", &self.authcid)
            .field("authzid", &self.authzid)
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

impl PlainClient {
    /// A client for `authcid` with `password`. Neither may be empty or contain NUL
    /// (RFC 4616 §2).
    pub fn new(authcid: &str, password: &str) -> Result<Self, Error> {
        for (value, field) in [(authcid, "authcid"), (password, "password")] {
            if value.is_empty() || value.contains('\0') {
                return Err(malformed(field));
            }
            if value.len() > MAX_FIELD {
                return Err(Error::TooLong {
                    field,
                    max: MAX_FIELD,
                });
            }
        }
        Ok(PlainClient {
            authzid: None,
            authcid: authcid.to_owned(),
            password: SecretString::from(password),
            state: OneMessage::Start,
        })
    }

    /// Asks to act as `authzid`; must not contain NUL.
    pub fn with_authzid(mut self, authzid: &str) -> Result<Self, Error> {
        if authzid.contains('\0') || authzid.len() > MAX_FIELD {
            return Err(Error::InvalidAuthzid {
                detail: "NUL or too long",
            });
        }
        self.authzid = Some(authzid.to_owned());
        Ok(self)
    }

    fn message(&self) -> Zeroizing<Vec<u8>> {
        let password = self.password.expose();
        let mut out = Vec::with_capacity(self.authcid.len() + password.len() + 40);
        if let Some(a) = &self.authzid {
            out.extend_from_slice(a.as_bytes());
        }
        out.push(0);
        out.extend_from_slice(self.authcid.as_bytes());
        out.push(0);
        out.extend_from_slice(password.as_bytes());
        Zeroizing::new(out)
    }
}

impl ClientMechanism for PlainClient {
    fn name(&self) -> &'static str {
        NAME
    }

    fn initial_response(&mut self) -> Result<Option<Vec<u8>>, Error> {
        // A repeated initial response leaves PLAIN's exchange as it was.
        let state = self.state;
        self.state
            .initial_response(NAME, &self.message())
            .inspect_err(|_| self.state = state)
    }

    fn step(&mut self, challenge: &[u8]) -> Result<Vec<u8>, Error> {
        self.state.step(NAME, challenge, &self.message())
    }

    fn success(&mut self, _additional_data: Option<&[u8]>) -> Result<(), Error> {
        // An early success leaves PLAIN's exchange as it was.
        let state = self.state;
        self.state.success(NAME).inspect_err(|_| self.state = state)
    }

    fn abort(&mut self) {
        self.state = OneMessage::Failed;
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum ServerState {
    Start,
    Challenged,
    WaitVerdict(Identity),
    Done,
    Failed,
}

/// The server side of PLAIN: asks the caller to check the password
/// ([`Request::VerifyPassword`]).
#[derive(Debug)]
pub struct PlainServer {
    state: ServerState,
}

impl Default for PlainServer {
    fn default() -> Self {
        Self::new()
    }
}

fn text<'a>(bytes: &'a [u8], field: &'static str) -> Result<&'a str, Error> {
    core::str::from_utf8(bytes).map_err(|_| Error::InvalidUtf8 { field })
}

/// Parses a PLAIN message into (authzid, authcid, password), SASLprepping authcid and
/// password as query strings (RFC 4616 §2, §4). The authzid is returned as sent (`None` when
/// empty).
pub fn parse_message(message: &[u8]) -> Result<(Option<String>, String, SecretString), Error> {
    if message.len() > 3 * MAX_FIELD + 2 {
        return Err(Error::TooLong {
            field: "PLAIN message",
            max: 3 * MAX_FIELD + 2,
        });
    }
    let mut fields = message.split(|&b| b == 0);
    let (Some(authzid), Some(authcid), Some(password), None) =
        (fields.next(), fields.next(), fields.next(), fields.next())
    else {
        return Err(malformed("expected exactly two NUL separators"));
    };
    for (value, field) in [
        (authzid, "authzid"),
        (authcid, "authcid"),
        (password, "password"),
    ] {
        if value.len() > MAX_FIELD {
            return Err(Error::TooLong {
                field,
                max: MAX_FIELD,
            });
        }
    }
    let authzid = text(authzid, "authzid").map_err(|_| Error::InvalidAuthzid {
        detail: "not UTF-8",
    })?;
    // RFC 4616 §2: the presented strings are prepared as query strings (unassigned code
    // points allowed); preparation failing or giving an empty string fails verification.
    let authcid = saslprep_query(text(authcid, "authcid")?, "authcid")?;
    let password = saslprep_query(text(password, "password")?, "password")?;
    if authcid.is_empty() {
        return Err(malformed("empty authcid"));
    }
    if password.is_empty() {
        return Err(malformed("empty password"));
    }
    let authzid = (!authzid.is_empty()).then(|| authzid.to_owned());
    Ok((
        authzid,
        authcid.into_owned(),
        SecretString::from(password.into_owned()),
    ))
}

impl PlainServer {
    /// A fresh exchange.
    pub fn new() -> Self {
        PlainServer {
            state: ServerState::Start,
        }
    }

    fn wrong(&mut self, call: &'static str) -> Error {
        let state = match self.state {
            ServerState::Start => "start",
            ServerState::Challenged => "challenged",
            ServerState::WaitVerdict(_) => "waiting for the password check",
            ServerState::Done => "done",
            ServerState::Failed => "failed",
        };
        if self.state != ServerState::Done {
            self.state = ServerState::Failed;
        }
        Error::WrongState {
            mechanism: NAME,
            call,
            state,
        }
    }
}

impl ServerMechanism for PlainServer {
    fn name(&self) -> &'static str {
        NAME
    }

    fn step(&mut self, response: Option<&[u8]>) -> Result<ServerStep, Error> {
        match (&self.state, response) {
            (ServerState::Start, None) => {
                self.state = ServerState::Challenged;
                Ok(ServerStep::Challenge(Vec::new()))
            }
            // After the empty challenge, a response without data is the empty response (only
            // the initial response distinguishes "absent" from "empty", RFC 4422 §4).
            (ServerState::Challenged, None) => self.step(Some(&[])),
            (ServerState::Start | ServerState::Challenged, Some(message)) => {
                self.state = ServerState::Failed;
                let (authzid, authcid, password) = parse_message(message)?;
                self.state = ServerState::WaitVerdict(Identity::Authenticated {
                    authcid: authcid.clone(),
                    authzid: authzid.clone(),
                });
                Ok(ServerStep::Request(Request::VerifyPassword {
                    authcid,
                    authzid,
                    password,
                }))
            }
            _ => Err(self.wrong("step")),
        }
    }

    fn answer(&mut self, answer: Answer) -> Result<ServerStep, Error> {
        match (
            core::mem::replace(&mut self.state, ServerState::Failed),
            answer,
        ) {
            (ServerState::WaitVerdict(identity), Answer::PasswordValid(valid)) => {
                if valid {
                    self.state = ServerState::Done;
                    Ok(ServerStep::Success {
                        additional_data: None,
                        identity,
                    })
                } else {
                    Err(Error::AuthenticationFailed { mechanism: NAME })
                }
            }
            (state, _) => {
                self.state = state;
                Err(self.wrong("answer"))
            }
        }
    }

    fn abort(&mut self) {
        self.state = ServerState::Failed;
    }
}
