//! Sans-io SASL mechanisms, client and server.
#![forbid(unsafe_code)]
