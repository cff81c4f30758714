//! EXTERNAL (RFC 4422 Appendix A): the identity comes from outside SASL (typically the TLS
//! client certificate, RFC 3920 §6.2); the client only sends the authzid it wants, if any.

use crate::Error;
use crate::common::{
    Answer, Authenticated, ClientMechanism, MAX_MESSAGE, ServerMechanism, ServerStep,
};

const NAME: &str = "EXTERNAL";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Start,
    Sent,
    Done,
    Failed,
}

fn state_label(state: State) -> &'static str {
    match state {
        State::Start => "start",
        State::Sent => "sent",
        State::Done => "done",
        State::Failed => "failed",
    }
}

/// The client side of EXTERNAL.
#[derive(Debug)]
pub struct ExternalClient {
    authzid: Option<String>,
    state: State,
}

impl ExternalClient {
    /// A client that asks for the identity established outside SASL, or for `authzid`.
    pub fn new(authzid: Option<&str>) -> Self {
        ExternalClient {
            authzid: authzid.map(str::to_owned),
            state: State::Start,
        }
    }

    fn message(&mut self) -> Vec<u8> {
        self.state = State::Sent;
        self.authzid.clone().unwrap_or_default().into_bytes()
    }

    fn wrong(&mut self, call: &'static str) -> Error {
        let e = Error::WrongState {
            mechanism: NAME,
            call,
            state: state_label(self.state),
        };
        if self.state != State::Done {
            self.state = State::Failed;
        }
        e
    }
}

impl ClientMechanism for ExternalClient {
    fn name(&self) -> &'static str {
        NAME
    }

    fn initial_response(&mut self) -> Result<Option<Vec<u8>>, Error> {
        match self.state {
            State::Start => Ok(Some(self.message())),
            _ => Err(self.wrong("initial_response")),
        }
    }

    fn step(&mut self, challenge: &[u8]) -> Result<Vec<u8>, Error> {
        match self.state {
            State::Start if challenge.is_empty() => Ok(self.message()),
            _ => Err(self.wrong("step")),
        }
    }

    fn success(&mut self, _additional_data: Option<&[u8]>) -> Result<(), Error> {
        match self.state {
            State::Sent => {
                self.state = State::Done;
                Ok(())
            }
            _ => Err(self.wrong("success")),
        }
    }

    fn abort(&mut self) {
        self.state = State::Failed;
    }
}

/// The server side of EXTERNAL.
#[derive(Debug)]
pub struct ExternalServer {
    identity: Option<String>,
    state: State,
}

impl ExternalServer {
    /// A server that knows the client as `identity` from outside SASL (for example the
    /// identity of a verified TLS client certificate); `None` fails every attempt.
    pub fn new(identity: Option<&str>) -> Self {
        ExternalServer {
            identity: identity.map(str::to_owned),
            state: State::Start,
        }
    }

    fn wrong(&mut self, call: &'static str) -> Error {
        let e = Error::WrongState {
            mechanism: NAME,
            call,
            state: state_label(self.state),
        };
        if self.state != State::Done {
            self.state = State::Failed;
        }
        e
    }
}

impl ServerMechanism for ExternalServer {
    fn name(&self) -> &'static str {
        NAME
    }

    fn step(&mut self, response: Option<&[u8]>) -> Result<ServerStep, Error> {
        match (self.state, response) {
            (State::Start, None) => {
                self.state = State::Sent;
                Ok(ServerStep::Challenge(Vec::new()))
            }
            // After the empty challenge, a response without data is the empty response (only
            // the initial response distinguishes "absent" from "empty", RFC 4422 §4).
            (State::Sent, None) => self.step(Some(&[])),
            (State::Start | State::Sent, Some(message)) => {
                self.state = State::Failed;
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
                self.state = State::Done;
                Ok(ServerStep::Success {
                    additional_data: None,
                    identity: Authenticated {
                        authcid,
                        authzid: (!authzid.is_empty()).then(|| authzid.to_owned()),
                    },
                })
            }
            _ => Err(self.wrong("step")),
        }
    }

    fn answer(&mut self, _answer: Answer) -> Result<ServerStep, Error> {
        Err(self.wrong("answer"))
    }

    fn abort(&mut self) {
        self.state = State::Failed;
    }
}
