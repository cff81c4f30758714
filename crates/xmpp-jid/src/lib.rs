//! XMPP addresses (JIDs), RFC 3920 §3.
#![forbid(unsafe_code)]
