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
//! - [`privacy`]: privacy lists, `jabber:iq:privacy` (RFC 3921 §10): the payload, the
//!   evaluation of a list against a stanza, and the handling of privacy IQs.
//! - [`server`]: the IM half of a server, sans-io: sessions, presence broadcast and
//!   probes, directed presence, subscriptions and roster pushes, privacy lists and the
//!   delivery rules of §11, with storage asked through its outputs (RFC 3921 §5 to §11).
//! - [`client`]: the client side: a roster model kept by roster results and pushes
//!   (§7), a view of contacts' presence, and the stanzas a client sends for both.
//!
//! The payload readers keep what they do not know (attributes and child elements) and
//! write it back; what they refuse is a [`PayloadError`] that maps to the stanza error to
//! answer with ([`PayloadError::condition`]).
//!
//! # A client: login, roster, subscription request
//!
//! A client engine logs in, reads its roster ([`client::Roster`], RFC 3921 §7.3),
//! sends initial presence, and approves a contact's subscription request (§8.2). The
//! server here is an in-memory engine whose answers are scripted (hidden in this
//! example); against a real server the two `server` calls are a socket's write and read.
//!
//! ```
//! use std::time::Instant;
//! use xmpp_core::{ClientConfig, Connection, Event, TlsPolicy};
//! use xmpp_im::client::{Client, Incoming, requests};
//! use xmpp_im::subscription::Kind;
//! use xmpp_xml::{CLIENT_NS, Element};
//! # use xmpp_core::{Answer, Request, ServerConfig};
//! # use xmpp_sasl::scram::{ScramHash, StoredCredentials};
//! # type Failure = Box<dyn std::error::Error>;
//! # /// The user's server: answers SASL and binding, the roster get, then asks on
//! # /// Romeo's behalf for Juliet's presence once she is available.
//! # struct Server { conn: Connection, subscribed: bool }
//! # impl Server {
//! #     fn new() -> Result<Server, Failure> {
//! #         let secret = xmpp_sasl::ServerSecret::new(*b"a secret of 32 bytes, not random")?;
//! #         let config = ServerConfig::new("example.com", None, secret);
//! #         Ok(Server { conn: Connection::server(config, Instant::now()), subscribed: false })
//! #     }
//! #     fn write(&mut self, bytes: &[u8]) -> Result<(), Failure> {
//! #         self.conn.handle_input(bytes, Instant::now());
//! #         while let Some(event) = self.conn.poll_event() {
//! #             match event {
//! #                 Event::SaslRequest { mechanism, request: Request::ScramCredentials { .. } } => {
//! #                     let hash = match mechanism.scram() {
//! #                         Some((ScramHash::Sha1, _)) => ScramHash::Sha1,
//! #                         _ => ScramHash::Sha256,
//! #                     };
//! #                     let keys = StoredCredentials::derive(hash, "pencil", b"salt", 4096)?;
//! #                     self.conn.answer_sasl(Answer::ScramCredentials(Some(keys)))?;
//! #                 }
//! #                 Event::BindRequest { .. } => self.conn.accept_bind(None)?,
//! #                 Event::Stanza(s) => self.stanza(&s.element()?)?,
//! #                 _ => {}
//! #             }
//! #         }
//! #         Ok(())
//! #     }
//! #     fn stanza(&mut self, s: &Element<'_>) -> Result<(), Failure> {
//! #         let juliet = "juliet@example.com/balcony";
//! #         match (s.name(), s.attr("type")) {
//! #             ("iq", Some("get")) => {
//! #                 let item = Element::new("jabber:iq:roster", "item")
//! #                     .with_attr("jid", "nurse@example.com")
//! #                     .with_attr("subscription", "both");
//! #                 let result = Element::new(CLIENT_NS, "iq")
//! #                     .with_attr("to", juliet)
//! #                     .with_attr("type", "result")
//! #                     .with_attr("id", s.attr("id").unwrap_or_default().to_owned())
//! #                     .with_child(Element::new("jabber:iq:roster", "query").with_child(item));
//! #                 self.conn.send(&result)?;
//! #             }
//! #             ("presence", None) => {
//! #                 let subscribe = Element::new(CLIENT_NS, "presence")
//! #                     .with_attr("from", "romeo@example.net")
//! #                     .with_attr("to", "juliet@example.com")
//! #                     .with_attr("type", "subscribe");
//! #                 self.conn.send(&subscribe)?;
//! #             }
//! #             ("presence", Some("subscribed")) => {
//! #                 self.subscribed = s.attr("to") == Some("romeo@example.net");
//! #             }
//! #             _ => {}
//! #         }
//! #         Ok(())
//! #     }
//! #     fn read(&mut self) -> Vec<Vec<u8>> {
//! #         std::iter::from_fn(|| self.conn.poll_transmit()).collect()
//! #     }
//! # }
//! # let mut server = Server::new()?;
//!
//! let jid = xmpp_jid::Jid::parse("juliet@example.com/balcony")?;
//! let mut config = ClientConfig::new(jid, "pencil");
//! config.tls = TlsPolicy::Disabled; // the in-memory server has no certificate
//! let mut conn = Connection::client(config, Instant::now());
//! let mut im: Option<Client> = None; // the roster and presence, once bound
//! let mut answered = false;
//! # let mut turns = 0;
//! while !answered {
//! #   turns += 1;
//! #   assert!(turns < 100, "the exchange stalled");
//!     while let Some(bytes) = conn.poll_transmit() {
//!         server.write(&bytes)?;
//!     }
//!     for bytes in server.read() {
//!         conn.handle_input(&bytes, Instant::now());
//!     }
//!     while let Some(event) = conn.poll_event() {
//!         match event {
//!             Event::Bound(jid) => im = Some(Client::new(jid.to_bare())),
//!             Event::Online => {
//!                 // RFC 3921 §7.3: the roster before initial presence.
//!                 if let Some(im) = im.as_mut() {
//!                     conn.send(&im.roster_mut().request("roster_1"))?;
//!                 }
//!             }
//!             Event::Stanza(stanza) => {
//!                 let Some(im) = im.as_mut() else { continue };
//!                 let incoming = im.handle_stanza(&stanza)?;
//!                 if let Some(reply) = incoming.reply() {
//!                     conn.send(reply)?; // acknowledges a roster push
//!                 }
//!                 match incoming {
//!                     Incoming::RosterLoaded(n) => {
//!                         println!("{n} contacts");
//!                         conn.send(&Element::new(CLIENT_NS, "presence"))?;
//!                     }
//!                     Incoming::Subscription { from, kind: Kind::Subscribe, .. } => {
//!                         conn.send(&requests::subscription(Kind::Subscribed, &from))?;
//!                         answered = true;
//!                     }
//!                     _ => {}
//!                 }
//!             }
//!             Event::Closed(reason) => return Err(reason.to_string().into()),
//!             _ => {}
//!         }
//!     }
//! }
//! while let Some(bytes) = conn.poll_transmit() {
//!     server.write(&bytes)?;
//! }
//! # assert!(server.subscribed, "the server got no 'subscribed'");
//! let im = im.ok_or("never bound")?;
//! let nurse = xmpp_jid::Jid::parse("nurse@example.com")?;
//! assert_eq!(im.roster().subscription(&nurse), xmpp_im::roster::Subscription::Both);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
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

pub mod client;
pub mod envelope;
pub mod error;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
pub mod message;
pub mod presence;
pub mod privacy;
pub mod roster;
pub mod server;
pub mod subscription;
mod xml;

pub use error::PayloadError;
