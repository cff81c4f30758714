//! Failure conditions and the typed error every state machine returns.

use core::fmt;

/// The SASL failure conditions of RFC 3920 §6.4, one per child element of `<failure/>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Condition {
    /// `<aborted/>`: the initiating entity aborted the exchange (RFC 3920 §6.4).
    Aborted,
    /// `<incorrect-encoding/>`: the data was not encoded as the mechanism requires.
    IncorrectEncoding,
    /// `<invalid-authzid/>`: the authorization identity is malformed or not permitted.
    InvalidAuthzid,
    /// `<invalid-mechanism/>`: the requested mechanism is not supported.
    InvalidMechanism,
    /// `<mechanism-too-weak/>`: the mechanism (or its parameters) is weaker than policy allows.
    MechanismTooWeak,
    /// `<not-authorized/>`: the credentials were not accepted.
    NotAuthorized,
    /// `<temporary-auth-failure/>`: a temporary error on the receiving side.
    TemporaryAuthFailure,
}

impl Condition {
    /// Every condition, in the order RFC 3920 §6.4 lists them.
    pub const ALL: [Condition; 7] = [
        Condition::Aborted,
        Condition::IncorrectEncoding,
        Condition::InvalidAuthzid,
        Condition::InvalidMechanism,
        Condition::MechanismTooWeak,
        Condition::NotAuthorized,
        Condition::TemporaryAuthFailure,
    ];

    /// The local name of the child element of `<failure/>` (RFC 3920 §6.4).
    pub fn element_name(self) -> &'static str {
        match self {
            Condition::Aborted => "aborted",
            Condition::IncorrectEncoding => "incorrect-encoding",
            Condition::InvalidAuthzid => "invalid-authzid",
            Condition::InvalidMechanism => "invalid-mechanism",
            Condition::MechanismTooWeak => "mechanism-too-weak",
            Condition::NotAuthorized => "not-authorized",
            Condition::TemporaryAuthFailure => "temporary-auth-failure",
        }
    }

    /// The condition whose element has this local name.
    pub fn from_element_name(name: &str) -> Option<Condition> {
        Condition::ALL
            .into_iter()
            .find(|c| c.element_name() == name)
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.element_name())
    }
}

/// What went wrong during an exchange, and where.
///
/// Every variant maps to one RFC 3920 §6.4 condition through [`Error::condition`]; SCRAM
/// failures also map to the `e=` value of RFC 5802 §7 through [`Error::scram_error`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// A method was called in a state that does not accept it (the state machine is unchanged
    /// when the state was terminal, and failed otherwise).
    WrongState {
        /// The mechanism, such as `SCRAM-SHA-1`.
        mechanism: &'static str,
        /// The method that was called.
        call: &'static str,
        /// The state it was called in.
        state: &'static str,
    },
    /// The peer's message does not follow the mechanism's syntax.
    Malformed {
        /// The mechanism whose syntax was broken.
        mechanism: &'static str,
        /// Which rule the message broke.
        detail: &'static str,
    },
    /// Base64 data that does not follow RFC 4648 §4 (RFC 3920 §14.9).
    InvalidBase64 {
        /// Where the base64 text was found.
        field: &'static str,
    },
    /// A field that must be UTF-8 is not.
    InvalidUtf8 {
        /// The field.
        field: &'static str,
    },
    /// SASLprep (RFC 4013) rejected a string: a prohibited character or a bidi violation.
    Saslprep {
        /// The field that was being prepared.
        field: &'static str,
    },
    /// A DIGEST-MD5 string must be sent as ISO 8859-1, because the server did not announce
    /// `charset=utf-8` (RFC 2831 §2.1.1), but has characters outside it.
    NotLatin1 {
        /// The field.
        field: &'static str,
    },
    /// A field is longer than this implementation accepts.
    TooLong {
        /// The field.
        field: &'static str,
        /// The largest accepted length in bytes.
        max: usize,
    },
    /// The authorization identity is malformed or not allowed.
    InvalidAuthzid {
        /// Why.
        detail: &'static str,
    },
    /// The peer asked for a SCRAM extension marked mandatory (`m=`), which is not supported.
    UnsupportedExtension,
    /// The credentials were not accepted: wrong password, unknown user or a bad proof. The
    /// three cases are deliberately indistinguishable.
    AuthenticationFailed {
        /// The mechanism.
        mechanism: &'static str,
    },
    /// A nonce does not match: the server nonce does not extend the client nonce, or the nonce
    /// of the client-final-message differs from the combined nonce (RFC 5802 §5.1).
    NonceMismatch,
    /// The channel binding data (or GS2 header) echoed by the client does not match.
    ChannelBindingMismatch,
    /// The client asked for a channel binding type the server has no data for.
    ChannelBindingUnsupported {
        /// The requested `cb-name`.
        name: String,
    },
    /// A `-PLUS` mechanism was run without channel binding, or channel binding was requested
    /// from a mechanism without `-PLUS` (RFC 5802 §6).
    ChannelBindingRequired,
    /// The client sent the `y` flag while the server supports channel binding: a downgrade
    /// (RFC 5802 §6).
    Downgrade,
    /// The SCRAM iteration count is below the configured minimum.
    IterationsTooLow {
        /// The count the server sent.
        count: u32,
        /// The configured minimum.
        min: u32,
    },
    /// The SCRAM iteration count is above the configured maximum.
    IterationsTooHigh {
        /// The count the server sent.
        count: u32,
        /// The configured maximum.
        max: u32,
    },
    /// The server reported an error (`e=` of RFC 5802 §7).
    ServerError {
        /// The `server-error-value`.
        value: String,
    },
    /// The server's signature or `rspauth` did not verify: the server does not know the
    /// credentials, or the exchange was tampered with.
    ServerVerificationFailed {
        /// The mechanism.
        mechanism: &'static str,
    },
    /// Success was reported before the server proved its knowledge of the credentials.
    MissingServerVerification {
        /// The mechanism.
        mechanism: &'static str,
    },
    /// The offered mechanism list has no mechanism the policy allows, or a mechanism name is
    /// unknown.
    InvalidMechanism {
        /// The mechanism name, or the empty string when nothing could be chosen.
        name: String,
    },
    /// A quality of protection or cipher the implementation does not provide was required.
    MechanismTooWeak {
        /// What was required.
        detail: &'static str,
    },
    /// The exchange was aborted by either side.
    Aborted,
    /// The random source failed.
    Randomness,
    /// A server secret shorter than [`ServerSecret::MIN_LEN`](crate::ServerSecret::MIN_LEN)
    /// bytes: stand-in credentials derived from it would not hide unknown users.
    SecretTooShort,
    /// SCRAM credentials asked for with an empty salt (RFC 5802 §5.1: `s=` is `1*value-char`
    /// of base64, so never empty).
    EmptySalt,
}

impl Error {
    /// The RFC 3920 §6.4 condition to report in `<failure/>`.
    pub fn condition(&self) -> Condition {
        match self {
            Error::Malformed { .. }
            | Error::InvalidBase64 { .. }
            | Error::InvalidUtf8 { .. }
            | Error::NotLatin1 { .. }
            | Error::Saslprep { .. }
            | Error::TooLong { .. } => Condition::IncorrectEncoding,
            Error::InvalidAuthzid { .. } => Condition::InvalidAuthzid,
            Error::InvalidMechanism { .. } => Condition::InvalidMechanism,
            Error::IterationsTooLow { .. } | Error::MechanismTooWeak { .. } => {
                Condition::MechanismTooWeak
            }
            Error::Aborted => Condition::Aborted,
            Error::Randomness | Error::SecretTooShort | Error::EmptySalt => {
                Condition::TemporaryAuthFailure
            }
            Error::WrongState { .. }
            | Error::UnsupportedExtension
            | Error::AuthenticationFailed { .. }
            | Error::NonceMismatch
            | Error::ChannelBindingMismatch
            | Error::ChannelBindingUnsupported { .. }
            | Error::ChannelBindingRequired
            | Error::Downgrade
            | Error::IterationsTooHigh { .. }
            | Error::ServerError { .. }
            | Error::ServerVerificationFailed { .. }
            | Error::MissingServerVerification { .. } => Condition::NotAuthorized,
        }
    }

    /// The `server-error-value` of RFC 5802 §7 a SCRAM server may send as `e=` for this error.
    /// Unknown users and wrong passwords both give `invalid-proof`.
    pub fn scram_error(&self) -> &'static str {
        match self {
            Error::Malformed { .. }
            | Error::InvalidBase64 { .. }
            | Error::InvalidUtf8 { .. }
            | Error::TooLong { .. } => "invalid-encoding",
            Error::Saslprep { .. } => "invalid-username-encoding",
            Error::UnsupportedExtension => "extensions-not-supported",
            Error::AuthenticationFailed { .. } => "invalid-proof",
            Error::ChannelBindingMismatch => "channel-bindings-dont-match",
            Error::ChannelBindingUnsupported { .. } => "unsupported-channel-binding-type",
            Error::ChannelBindingRequired => "channel-binding-not-supported",
            Error::Downgrade => "server-does-support-channel-binding",
            Error::Randomness => "no-resources",
            _ => "other-error",
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::WrongState {
                mechanism,
                call,
                state,
            } => write!(f, "{mechanism}: `{call}` called in state {state}"),
            Error::Malformed { mechanism, detail } => {
                write!(f, "{mechanism}: malformed message: {detail}")
            }
            Error::InvalidBase64 { field } => write!(f, "invalid base64 in {field}"),
            Error::InvalidUtf8 { field } => write!(f, "{field} is not UTF-8"),
            Error::Saslprep { field } => write!(f, "SASLprep rejected the {field}"),
            Error::NotLatin1 { field } => write!(
                f,
                "the {field} has characters outside ISO 8859-1 and the server did not offer UTF-8"
            ),
            Error::TooLong { field, max } => write!(f, "{field} longer than {max} bytes"),
            Error::InvalidAuthzid { detail } => {
                write!(f, "invalid authorization identity: {detail}")
            }
            Error::UnsupportedExtension => f.write_str("mandatory SCRAM extension not supported"),
            Error::AuthenticationFailed { mechanism } => {
                write!(f, "{mechanism}: authentication failed")
            }
            Error::NonceMismatch => f.write_str("nonce mismatch"),
            Error::ChannelBindingMismatch => f.write_str("channel binding data does not match"),
            Error::ChannelBindingUnsupported { name } => {
                write!(f, "channel binding type {name:?} not supported")
            }
            Error::ChannelBindingRequired => {
                f.write_str("channel binding used with the wrong mechanism variant")
            }
            Error::Downgrade => f.write_str("client claims the server lacks channel binding"),
            Error::IterationsTooLow { count, min } => {
                write!(f, "iteration count {count} below the minimum {min}")
            }
            Error::IterationsTooHigh { count, max } => {
                write!(f, "iteration count {count} above the maximum {max}")
            }
            Error::ServerError { value } => write!(f, "server error: {value}"),
            Error::ServerVerificationFailed { mechanism } => {
                write!(f, "{mechanism}: the server's proof did not verify")
            }
            Error::MissingServerVerification { mechanism } => {
                write!(f, "{mechanism}: success without the server's proof")
            }
            Error::InvalidMechanism { name } if name.is_empty() => {
                f.write_str("no acceptable mechanism")
            }
            Error::InvalidMechanism { name } => write!(f, "mechanism {name:?} not available"),
            Error::MechanismTooWeak { detail } => write!(f, "mechanism too weak: {detail}"),
            Error::Aborted => f.write_str("exchange aborted"),
            Error::Randomness => f.write_str("random source failed"),
            Error::SecretTooShort => write!(
                f,
                "server secret shorter than {} bytes",
                crate::ServerSecret::MIN_LEN
            ),
            Error::EmptySalt => f.write_str("empty SCRAM salt"),
        }
    }
}

impl std::error::Error for Error {}
