//! The conformance table of RFC 3920-3923 and the checks that prove each row.
#![forbid(unsafe_code)]

pub mod checks;
