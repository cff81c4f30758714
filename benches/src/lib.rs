//! Shared helpers of the benchmarks: a deterministic XMPP stream generator ([`corpus`]), a
//! counting global allocator ([`alloc_count`]) and the drivers of the XML parsers compared
//! in `benches/xml.rs` ([`xml_drivers`]), and the worst-case inputs of the same bench
//! ([`worst`]).
//!
//! Unsafe code is denied for the whole package (see `[lints]` in its Cargo.toml); the one
//! exception is the `GlobalAlloc` impl in [`alloc_count`].
#![deny(unsafe_code)]

pub mod alloc_count;
pub mod corpus;
pub mod worst;
pub mod xml_drivers;
