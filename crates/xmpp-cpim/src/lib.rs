//! The mapping between XMPP and CPIM of RFC 3922, sans-io: `im:` and `pres:` addresses
//! ([`address`], §3), instant messages as Message/CPIM objects ([`message`], §4, RFC
//! 3862), presence as PIDF documents inside Message/CPIM objects ([`presence`], §5, RFC
//! 3863), and presence subscriptions as CPP operations ([`cpp`], §6).
//!
//! Underneath: a Message/CPIM reader and writer ([`cpim`], [`header`], [`mime`]) and a
//! PIDF reader and writer on `xmpp-xml` ([`pidf`]). Readers return typed errors with a
//! position, never panic and use memory bounded by their limits.
//!
//! ```
//! use xmpp_cpim::{CpimMessage, DecodeOptions, EncodeOptions, Limits, Stanza, decode, encode};
//!
//! let xml = "<presence xmlns='jabber:client' from='juliet@example.com/balcony' \
//!            to='romeo@example.net'><show>away</show><priority>13</priority></presence>";
//! let mut parser = xmpp_xml::Parser::document(xmpp_xml::Limits::default());
//! parser.feed(xml.as_bytes());
//! let Ok(Some(xmpp_xml::Event::Stanza(s))) = parser.next_event() else { panic!() };
//! let stanza = Stanza::from_element(s.to_element()?.as_ref())?;
//!
//! // XMPP to CPIM (RFC 3922 §5.1): the gateway gives its time, the crate reads no clock.
//! let options = EncodeOptions { now: Some("2004-08-01T12:00:00Z".parse()?), ..Default::default() };
//! let object = encode(&stanza, &options)?;
//! let bytes = object.to_bytes();
//! let text = String::from_utf8_lossy(&bytes);
//! assert!(text.starts_with("Content-type: Message/CPIM\r\n\r\nFrom: <im:juliet@example.com>\r\n"));
//! assert!(text.contains("<tuple id='balcony'>"));
//! assert!(text.contains("<contact priority='0.102'>im:juliet@example.com</contact>"));
//!
//! // And back (RFC 3922 §5.2).
//! let object = CpimMessage::parse(&bytes, &Limits::default())?;
//! let stanzas = decode(&object, &DecodeOptions::default())?;
//! let Stanza::Presence(p) = &stanzas[0] else { panic!() };
//! assert_eq!(p.envelope.from.as_ref().map(|j| j.as_str()), Some("juliet@example.com/balcony"));
//! assert_eq!(p.priority, Some(13));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Where the RFCs needed a reading
//!
//! The rules of each section win over its examples; where an example disagrees, the
//! tests say so (`tests/rfc_examples.rs`). What each direction cannot carry is listed in
//! [`message`] and [`presence`]. Other choices:
//!
//! - A resource that an `xs:ID` cannot hold still gives a valid tuple id, with a way back
//!   ([`tuple_id`]); every PIDF document written is valid against RFC 3863's schema.
//! - Priorities map as [`priority`] says: the RFC's own figures, exactly inverse.
//! - Message/CPIM input may end lines with bare LF; output always uses CRLF (RFC 3862
//!   §2.2). Message headers do not fold (§2.2: one line each); MIME headers do.
//! - A JID without a node has no `im:` or `pres:` URI (RFC 3860 §3: a URI names
//!   `local@domain`), so stanzas from or to a bare domain are not mapped.
//!
//! The cargo feature `fuzzing` adds the module `fuzzing`, the entry points of the fuzz
//! targets `cpim_parse` and `pidf_parse` (not part of the stable API).
#![forbid(unsafe_code)]

pub mod address;
mod content;
pub mod cpim;
pub mod cpp;
pub mod datetime;
pub mod error;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
mod gateway;
pub mod header;
pub mod message;
pub mod mime;
pub mod options;
pub mod pidf;
pub mod presence;
pub mod priority;
pub mod tuple_id;

pub use content::E2E_NS;
pub use cpim::{CpimMessage, Limits, MimeEntity};
pub use datetime::DateTime;
pub use error::{AddressError, MapError, ParseError, ParseErrorKind, PidfError};
pub use gateway::{Stanza, decode, encode};
pub use options::{DecodeOptions, EncodeOptions};
