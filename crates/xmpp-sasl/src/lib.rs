//! Sans-io SASL mechanisms (RFC 4422), client and server: SCRAM-SHA-1, SCRAM-SHA-256 and their
//! `-PLUS` channel-binding variants (RFC 5802, RFC 7677), PLAIN (RFC 4616), EXTERNAL
//! (RFC 4422 Appendix A), ANONYMOUS (RFC 4505) and DIGEST-MD5 (RFC 2831, feature
//! `digest-md5`, on by default).
//!
//! Each mechanism is a pair of state machines that never do I/O: the client implements
//! [`ClientMechanism`], the server [`ServerMechanism`]. Messages are raw bytes; XMPP carries
//! them base64-encoded ([`encode_payload`], [`decode_payload`], RFC 3920 §6.2 and §14.9).
//! The server asks its caller for what it cannot know ([`ServerStep::Request`]: stored SCRAM
//! keys, a password check, a DIGEST-MD5 secret) and continues when [`ServerMechanism::answer`]
//! is called. Failures are typed ([`Error`]) and map to the RFC 3920 §6.4 conditions
//! ([`Condition`]). Nonces come from an injectable [`NonceSource`]; [`OsNonce`] is the default.
//!
//! Modules: [`scram`], [`plain`], [`external`], [`anonymous`], `digest_md5`, and
//! [`negotiate`] (the client's choice of mechanism, the server's offer, and constructors of
//! any mechanism by name). [`fuzzing`] holds the entry points the fuzz targets run.
//!
//! The message grammars are small (comma-separated `k=value` attributes for SCRAM, a
//! `#rule` list of directives for DIGEST-MD5, NUL-separated fields for PLAIN), so the parsers
//! are hand-written over `&str`, bounded in size and free of panics; they are exercised by
//! property tests and cargo-fuzz targets.
//!
//! User names and presented passwords are prepared with SASLprep as queries
//! ([`saslprep_query`]: unassigned code points allowed, RFC 5802 §5.1, RFC 4616 §2); what is
//! stored or hashed into stored keys is prepared as a stored string ([`saslprep`], RFC 5802
//! §2.2).
//!
//! A SCRAM server keeps [`scram::StoredCredentials`] (salt, iteration count, StoredKey,
//! ServerKey): a login costs two HMACs and a hash, never PBKDF2, and an unknown user fails
//! after the same work as a wrong password.
//!
//! ```
//! use xmpp_sasl::scram::{ScramClient, ScramHash, ScramServer, StoredCredentials};
//! use xmpp_sasl::{Answer, ClientMechanism, Request, ServerMechanism, ServerSecret, ServerStep};
//!
//! // Done once, when the password is set: the server stores only these keys.
//! let stored = StoredCredentials::derive(ScramHash::Sha256, "pencil", b"salt of juliet", 4096)?;
//!
//! let mut client = ScramClient::new(ScramHash::Sha256, "juliet", "pencil")?;
//! let mut server = ScramServer::new(ScramHash::Sha256, false, &ServerSecret::generate()?);
//!
//! let client_first = client.initial_response()?;
//! let mut step = server.step(client_first.as_deref())?;
//! loop {
//!     step = match step {
//!         ServerStep::Request(Request::ScramCredentials { username, .. }) => {
//!             let known = (username == "juliet").then(|| stored.clone());
//!             server.answer(Answer::ScramCredentials(known))?
//!         }
//!         ServerStep::Challenge(challenge) => {
//!             let response = client.step(&challenge)?;
//!             server.step(Some(&response))?
//!         }
//!         ServerStep::Success { additional_data, identity } => {
//!             // The client checks the server's signature before it believes the success.
//!             client.success(additional_data.as_deref())?;
//!             assert_eq!(identity.authcid(), Some("juliet"));
//!             break;
//!         }
//!         ServerStep::Request(other) => unreachable!("SCRAM asks only for keys: {other:?}"),
//!     };
//! }
//! # Ok::<(), xmpp_sasl::Error>(())
//! ```
#![forbid(unsafe_code)]

pub mod anonymous;
mod common;
#[cfg(feature = "digest-md5")]
pub mod digest_md5;
mod error;
pub mod external;
pub mod fuzzing;
pub mod negotiate;
pub mod plain;
pub mod scram;
mod secret;

pub use common::{
    Answer, ClientMechanism, FixedNonce, Identity, NonceSource, OsNonce, Request, ServerMechanism,
    ServerStep, decode_payload, encode_payload, random_salt, saslprep, saslprep_query,
};
pub use error::{Condition, Error};
pub use negotiate::Mechanism;
pub use secret::{DigestSecret, SecretString, ServerSecret};
