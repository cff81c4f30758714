//! Sans-io SASL mechanisms, client and server.
#![forbid(unsafe_code)]

mod common;
mod error;
pub mod scram;

pub use common::{
    Answer, Authenticated, ClientMechanism, FixedNonce, NonceSource, OsNonce, Request,
    ServerMechanism, ServerStep, decode_payload, encode_payload, random_salt, saslprep,
};
pub use error::{Condition, Error};
