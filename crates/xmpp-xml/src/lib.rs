//! Incremental restricted-XML parser and writer for XMPP streams, RFC 3920 §11.
#![forbid(unsafe_code)]
