//! ANONYMOUS (RFC 4505): no credentials; the client may send trace information (an email
//! address or an opaque token of at most 255 characters), which the server may log.

use crate::Error;
use crate::common::{Answer, ClientMechanism, Identity, OneMessage, ServerMechanism, ServerStep};

const NAME: &str = "ANONYMOUS";
/// The longest trace information, in characters (RFC 4505 §3).
pub const MAX_TRACE_CHARS: usize = 255;

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
    state: OneMessage,
}

impl AnonymousClient {
    /// A client sending `trace` (may be empty; at most 255 characters, none of the characters
    /// the RFC 4505 §3 `trace` profile prohibits).
    pub fn new(trace: &str) -> Result<Self, Error> {
        check_trace(trace)?;
        Ok(AnonymousClient {
            trace: trace.to_owned(),
            state: OneMessage::Start,
        })
    }
}

impl ClientMechanism for AnonymousClient {
    fn name(&self) -> &'static str {
        NAME
    }

    fn initial_response(&mut self) -> Result<Option<Vec<u8>>, Error> {
        self.state.initial_response(NAME, self.trace.as_bytes())
    }

    fn step(&mut self, challenge: &[u8]) -> Result<Vec<u8>, Error> {
        self.state.step(NAME, challenge, self.trace.as_bytes())
    }

    fn success(&mut self, _additional_data: Option<&[u8]>) -> Result<(), Error> {
        self.state.success(NAME)
    }

    fn abort(&mut self) {
        self.state = OneMessage::Failed;
    }
}

/// The server side of ANONYMOUS: succeeds for any well-formed trace, reported as
/// [`Identity::Anonymous`] (never as an authentication identity: the trace is whatever the
/// client chose to send, RFC 4505 §3).
#[derive(Debug)]
pub struct AnonymousServer {
    state: OneMessage,
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
            state: OneMessage::Start,
        }
    }
}

impl ServerMechanism for AnonymousServer {
    fn name(&self) -> &'static str {
        NAME
    }

    fn step(&mut self, response: Option<&[u8]>) -> Result<ServerStep, Error> {
        self.state.server_step(NAME, response, |message| {
            // 255 characters take at most 4 * 255 bytes of UTF-8.
            if message.len() > 4 * MAX_TRACE_CHARS {
                return Err(Error::TooLong {
                    field: "trace",
                    max: 4 * MAX_TRACE_CHARS,
                });
            }
            let trace =
                core::str::from_utf8(message).map_err(|_| Error::InvalidUtf8 { field: "trace" })?;
            check_trace(trace)?;
            Ok(Identity::Anonymous {
                trace: (!trace.is_empty()).then(|| trace.to_owned()),
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
