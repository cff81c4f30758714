//! Instant messaging and presence for XMPP (RFC 3921), sans-io, on top of the stream
//! engine of `xmpp-core`.
//!
//! What is here:
//!
//! - [`subscription`]: the presence subscription states of RFC 3921 §9 and what the
//!   user's server does with each subscription stanza, as one pure function over the
//!   tables of §9.2 and §9.3.
//! - [`roster`]: the `jabber:iq:roster` payload (RFC 3921 §7), typed items and queries.
//! - [`presence`] and [`message`]: typed presence and message stanzas (RFC 3921 §2.1,
//!   §2.2) with their texts per `xml:lang`; [`envelope`] holds what both share.
//!
//! The payload readers keep what they do not know (attributes and child elements) and
//! write it back; what they refuse is a [`PayloadError`] that maps to the stanza error to
//! answer with ([`PayloadError::condition`]).
//!
//! What is not here yet: the server component that applies these rules to sessions
//! (RFC 3921 §5 to §11: presence broadcast and probes, roster storage and pushes,
//! offline delivery, the stanza rules of §11), privacy lists (§10) and a client roster
//! model.
//!
//! # Where the RFC needed a reading
//!
//! RFC 3921 is followed; RFC 6121 only where RFC 3921 is silent, unsafe or
//! contradictory, and each such place says so:
//!
//! - §9.2 gives no table for outbound `subscribe` and `unsubscribe`, only that they are
//!   routed without exception; their state changes come from the flows of §8, and the
//!   withdrawal of a pending request by `unsubscribe` (which §8 does not describe)
//!   follows RFC 6121 Appendix A.2.2;
//! - the roster push is no column of the §9 tables; it happens when the roster item's
//!   `subscription` or `ask` changes (see [`subscription`]).
#![forbid(unsafe_code)]

pub mod envelope;
pub mod error;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
pub mod message;
pub mod presence;
pub mod roster;
pub mod subscription;
mod xml;

pub use error::PayloadError;
