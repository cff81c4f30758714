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
//! contradictory, and each such place says so. The §9 tables agree with the text around
//! them on every row; what needed a judgement:
//!
//! - §9.2 gives no table for outbound `subscribe` and `unsubscribe`, only that they are
//!   routed without exception. Their state changes come from the flows of §8: `subscribe`
//!   adds the pending-out sub-state where there is none and the user is not yet
//!   subscribed (§8.2 step 4, §8.3); `unsubscribe` ends the user's subscription ("To" to
//!   "None", "Both" to "From", §8.4). §8 does not describe an `unsubscribe` that
//!   withdraws a request still pending; there the pending-out sub-state is cleared, as in
//!   RFC 6121 Appendix A.2.2 (the only reading under which a pending request can be
//!   withdrawn at all).
//! - The roster push is no column of the §9 tables. It happens exactly when the item's
//!   `subscription` or `ask` changes: that is when the §8 flows push, and §9.1 says an
//!   item that is only "None + Pending In" SHOULD NOT be pushed.
//! - The auto-replies are the "*" notes of §9.3 Tables 3 and 4: `subscribed` to a
//!   `subscribe` from a contact that already has access (not delivered), `unsubscribed`
//!   to an `unsubscribe` that changes the state (delivered).
//! - RFC 6121's subscription pre-approval (an outbound `subscribed` in "None", "None +
//!   Pending Out" or "To") is not taken over: RFC 3921 Table 1 says no routing and no
//!   state change there, which is safe.
//! - Table 4's row "From + Pending Out" lacks its closing quote; it reads as
//!   "None + Pending Out".
//!
//! In the payloads: a message `type` that is not understood makes the message `normal`
//! (RFC 3921 §2.1.1) and the value is kept; an unknown presence `type`, `<show/>` value
//! or `ask` value, a `<priority/>` outside -128..127, repeated children that the RFC
//! allows once (per `xml:lang` for `<subject/>`, `<body/>`, `<status/>`), attributes the
//! RFC forbids on those children (all but `xml:lang`; all on `<thread/>`, `<show/>`,
//! `<priority/>`) and elements inside them (mixed content) are `bad-request`. RFC 3921
//! §2.1.2.3 allows no attribute on `<thread/>`, so RFC 6121's `parent` is refused too;
//! RFC 3921 is silent on mixed content in `<show/>`, `<status/>` and `<priority/>`,
//! where RFC 6121 §4.7.2 forbids it, as it is refused here.
//!
//! The cargo feature `fuzzing` adds the module `fuzzing`, the entry point of the fuzz
//! target `im_payloads` (not part of the stable API).
#![forbid(unsafe_code)]

pub mod envelope;
pub mod error;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
pub mod message;
pub mod presence;
pub mod roster;
pub mod server;
pub mod subscription;
mod xml;

pub use error::PayloadError;
