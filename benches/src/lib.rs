//! Shared helpers of the benchmarks: a deterministic XMPP stream generator ([`corpus`]), a
//! counting global allocator ([`alloc_count`]) and the drivers of the XML parsers compared
//! in `benches/xml.rs` ([`xml_drivers`]), the worst-case inputs of the same bench
//! ([`worst`]), in-memory pairs of `xmpp-core` engines ([`engine`]), and the IM server component of
//! `xmpp-im` set up for measurement ([`im`]).
//!
//! Unsafe code is denied for the whole package (see `[lints]` in its Cargo.toml); the one
//! exception is the `GlobalAlloc` impl in [`alloc_count`].
#![deny(unsafe_code)]

pub mod alloc_count;
pub mod corpus;
pub mod engine;
pub mod im;
pub mod worst;
pub mod xml_drivers;
