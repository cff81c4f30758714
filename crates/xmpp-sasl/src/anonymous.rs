//! ANONYMOUS (RFC 4505): no credentials; the client may send trace information (an email
//! address or an opaque token of at most 255 characters), which the server may log.

use crate::Error;
use crate::common::{Answer, Authenticated, ClientMechanism, ServerMechanism, ServerStep};

const NAME: &str = "ANONYMOUS";
/// The longest trace information, in characters (RFC 4505 §3).
pub const MAX_TRACE_CHARS: usize = 255;

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

/// Checks trace information against RFC 4505: at most 255 characters (§2 `token`), prepared
/// with the `trace` stringprep profile (§3: no mapping or normalization; the characters of
/// RFC 3454 tables C.2.1, C.2.2, C.3, C.4, C.5, C.6, C.8 and C.9 are prohibited; the bidi rules
/// of RFC 3454 §6 apply; unassigned code points are allowed).
fn check_trace(trace: &str) -> Result<(), Error> {
    use stringprep::tables;
    if trace.chars().count() > MAX_TRACE_CHARS {
        return Err(Error::TooLong {
            field: "trace",
            max: MAX_TRACE_CHARS,
        });
    }
    let prohibited = trace.chars().any(|c| {
        tables::ascii_control_character(c)
            || tables::non_ascii_control_character(c)
            || tables::private_use(c)
            || tables::non_character_code_point(c)
            || tables::surrogate_code(c)
            || tables::inappropriate_for_plain_text(c)
            || tables::change_display_properties_or_deprecated(c)
            || tables::tagging_character(c)
    });
    if prohibited {
        return Err(Error::Malformed {
            mechanism: NAME,
            detail: "character prohibited in trace (RFC 4505 §3)",
        });
    }
    let bidi_violation = trace.contains(tables::bidi_r_or_al)
        && (trace.contains(tables::bidi_l)
            || !trace.starts_with(tables::bidi_r_or_al)
            || !trace.ends_with(tables::bidi_r_or_al));
    if bidi_violation {
        return Err(Error::Malformed {
            mechanism: NAME,
            detail: "trace breaks the bidi rules (RFC 3454 §6)",
        });
    }
    Ok(())
}

/// The client side of ANONYMOUS.
#[derive(Debug)]
pub struct AnonymousClient {
    trace: String,
    state: State,
}

impl AnonymousClient {
    /// A client sending `trace` (may be empty; at most 255 characters, none of the characters
    /// the RFC 4505 §3 `trace` profile prohibits).
    pub fn new(trace: &str) -> Result<Self, Error> {
        check_trace(trace)?;
        Ok(AnonymousClient {
            trace: trace.to_owned(),
            state: State::Start,
        })
    }

    fn message(&mut self) -> Vec<u8> {
        self.state = State::Sent;
        self.trace.clone().into_bytes()
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

impl ClientMechanism for AnonymousClient {
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

/// The server side of ANONYMOUS: succeeds for any well-formed trace, reported as the
/// `authcid` of [`Authenticated`] (possibly empty).
#[derive(Debug)]
pub struct AnonymousServer {
    state: State,
}

impl Default for AnonymousServer {
    fn default() -> Self {
        Self::new()
    }
}

impl AnonymousServer {
    /// A fresh exchange.
    pub fn new() -> Self {
        AnonymousServer {
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

impl ServerMechanism for AnonymousServer {
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
                // 255 characters take at most 4 * 255 bytes of UTF-8.
                if message.len() > 4 * MAX_TRACE_CHARS {
                    return Err(Error::TooLong {
                        field: "trace",
                        max: 4 * MAX_TRACE_CHARS,
                    });
                }
                let trace = core::str::from_utf8(message)
                    .map_err(|_| Error::InvalidUtf8 { field: "trace" })?;
                check_trace(trace)?;
                self.state = State::Done;
                Ok(ServerStep::Success {
                    additional_data: None,
                    identity: Authenticated {
                        authcid: trace.to_owned(),
                        authzid: None,
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
