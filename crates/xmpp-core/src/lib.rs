//! A sans-io XMPP stream engine (RFC 3920, with RFC 3921 §3 sessions): the stream header
//! exchange, STARTTLS through rustls in memory, SASL through `xmpp-sasl`, resource binding,
//! stanza envelopes and errors, for the client and the server of a client-to-server stream.
//!
//! A [`Connection`] never touches a socket or a clock: the application feeds it bytes
//! ([`Connection::handle_input`]), takes [`Event`]s ([`Connection::poll_event`]) and bytes
//! to send ([`Connection::poll_transmit`]), and tells it the time
//! ([`Connection::handle_timeout`] when [`Connection::poll_timeout`] is due). Questions only
//! the application can answer — a user's SCRAM keys, a password check, whether a resource
//! may be bound — arrive as events and are answered by a method; input is held meanwhile.
//!
//! The whole client, driven by a blocking socket:
//!
//! ```no_run
//! use std::io::{Read, Write};
//! use std::net::TcpStream;
//! use std::time::Instant;
//! use xmpp_core::{ClientConfig, Connection, Event};
//!
//! let jid = xmpp_jid::Jid::parse("juliet@example.com/balcony")?;
//! let mut conn = Connection::client(ClientConfig::new(jid, "secret"), Instant::now());
//! let mut socket = TcpStream::connect(("example.com", 5222))?;
//! let mut buf = [0u8; 16 * 1024];
//! loop {
//!     while let Some(bytes) = conn.poll_transmit() {
//!         socket.write_all(&bytes)?;
//!     }
//!     while let Some(event) = conn.poll_event() {
//!         match event {
//!             Event::Online => {
//!                 let hello = xmpp_xml::Element::new(xmpp_core::ns::CLIENT_NS, "message")
//!                     .with_attr("to", "romeo@example.net")
//!                     .with_attr("type", "chat")
//!                     .with_child(
//!                         xmpp_xml::Element::new(xmpp_core::ns::CLIENT_NS, "body")
//!                             .with_text("Wherefore art thou?"),
//!                     );
//!                 conn.send(&hello)?;
//!                 conn.close();
//!             }
//!             Event::Stanza(stanza) => println!("{stanza:?}"),
//!             Event::Closed(reason) => {
//!                 println!("{reason}");
//!                 return Ok(());
//!             }
//!             _ => {}
//!         }
//!     }
//!     while let Some(bytes) = conn.poll_transmit() {
//!         socket.write_all(&bytes)?;
//!     }
//!     match socket.read(&mut buf)? {
//!         0 => conn.handle_eof(),
//!         n => conn.handle_input(&buf[..n], Instant::now()),
//!     }
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! What the engine leaves to its driver: output, events and the plaintext trace queue up
//! until taken, so a driver polls [`Connection::poll_event`] until it returns `None` and
//! then [`Connection::poll_transmit`], after every input (and stops reading from a peer
//! whose output it cannot write). Received stanzas are read one at a time as
//! `poll_event` asks for them, so that each stanza's buffer can be recycled before the next
//! is read: what follows a stanza in the same input (another stanza, the peer's
//! `</stream:stream>`, a violation and the stream error it earns) is handled, and its
//! output produced, while `poll_event` runs — hence `poll_transmit` after the events. Held input while a question is open is bounded
//! ([`EngineLimits::max_unanswered_input`]); so are stanzas (the parser's limits) and dialback
//! requests per stream. Not done by the engine: stamping the stream's default `xml:lang`
//! on stanzas that carry none (RFC 3920 §4.4, a SHOULD), refusing a session request (RFC
//! 3921 §3: sessions are always accepted), resolving DNS or choosing which stream a stanza
//! takes between servers.
//!
//! Modules: [`stanza`] (the envelope), [`stanza_error`] (RFC 3920 §9.3), [`stream_error`]
//! (§4.7), [`features`], [`tls_config`] (ready-made rustls configurations), [`random`]
//! (injectable randomness), [`ns`] (namespaces).
#![forbid(unsafe_code)]

mod client;
mod config;
mod connection;
mod event;
pub mod features;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
pub mod ns;
pub mod random;
mod s2s;
mod server;
pub mod stanza;
pub mod stanza_error;
pub mod stream_error;
mod tls;
pub mod tls_config;

pub use config::{ClientConfig, EngineLimits, ServerConfig, ServerTls, TlsPolicy};
pub use connection::{Connection, Traced};
pub use event::{CloseReason, Error, Event, StreamInfo};
pub use features::Features;
pub use s2s::{S2sConfig, dialback_key};
pub use stanza::{BuildError, Stanza, StanzaKind};
pub use stanza_error::{ErrorType, StanzaError, StanzaErrorCondition};
pub use stream_error::{StreamError, StreamErrorCondition};
pub use tls::server_end_point;
pub use xmpp_sasl::{Answer, Mechanism, Request};
