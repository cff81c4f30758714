//! EXTERNAL (RFC 4422 Appendix A): the identity comes from outside SASL (typically the TLS
//! client certificate, RFC 3920 §6.2); the client only sends the authzid it wants, if any.

use crate::Error;
use crate::common::{
    Answer, ClientMechanism, Identity, MAX_MESSAGE, OneMessage, ServerMechanism, ServerStep,
};

const NAME: &str = "EXTERNAL";

/// The client side of EXTERNAL.
#[derive(Debug)]
pub struct ExternalClient {
    authzid: Option<String>,
    state: OneMessage,
}

impl ExternalClient {
    /// A client that asks for the identity established outside SASL, or for `authzid`.
    pub fn new(authzid: Option<&str>) -> Self {
        ExternalClient {
            authzid: authzid.map(str::to_owned),
            state: OneMessage::Start,
        }
    }
}

impl ClientMechanism for ExternalClient {
    fn name(&self) -> &'static str {
        NAME
    }

    fn initial_response(&mut self) -> Result<Option<Vec<u8>>, Error> {
        self.state
            .initial_response(NAME, self.authzid.as_deref().unwrap_or_default().as_bytes())
    }

    fn step(&mut self, challenge: &[u8]) -> Result<Vec<u8>, Error> {
        self.state.step(
            NAME,
            challenge,
            self.authzid.as_deref().unwrap_or_default().as_bytes(),
        )
    }

    fn success(&mut self, _additional_data: Option<&[u8]>) -> Result<(), Error> {
        self.state.success(NAME)
    }

    fn abort(&mut self) {
        self.state = OneMessage::Failed;
    }
}

/// The server side of EXTERNAL.
#[derive(Debug)]
pub struct ExternalServer {
    identity: Option<String>,
    state: OneMessage,
}

impl ExternalServer {
    /// A server that knows the client as `identity` from outside SASL (for example the
    /// identity of a verified TLS client certificate); `None` fails every attempt.
    pub fn new(identity: Option<&str>) -> Self {
        ExternalServer {
            identity: identity.map(str::to_owned),
            state: OneMessage::Start,
        }
    }
}

impl ServerMechanism for ExternalServer {
    fn name(&self) -> &'static str {
        NAME
    }

    fn step(&mut self, response: Option<&[u8]>) -> Result<ServerStep, Error> {
        self.state.server_step(NAME, response, |message| {
            if message.len() > MAX_MESSAGE {
                return Err(Error::TooLong {
                    field: "authzid",
                    max: MAX_MESSAGE,
                });
            }
            let authzid = core::str::from_utf8(message).map_err(|_| Error::InvalidAuthzid {
                detail: "not UTF-8",
            })?;
            if authzid.contains('\0') {
                return Err(Error::InvalidAuthzid {
                    detail: "contains NUL",
                });
            }
            let Some(authcid) = self.identity.clone() else {
                return Err(Error::AuthenticationFailed { mechanism: NAME });
            };
            Ok(Identity::Authenticated {
                authcid,
                authzid: (!authzid.is_empty()).then(|| authzid.to_owned()),
            })
        })
    }

    fn answer(&mut self, _answer: Answer) -> Result<ServerStep, Error> {
        Err(self.state.wrong(NAME, "answer"))
    }

    fn abort(&mut self) {
        self.state = OneMessage::Failed;
    }
}
