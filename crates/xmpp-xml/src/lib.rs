//! Incremental restricted-XML parser and writer for XMPP streams (RFC 3920 §4, §11).
//!
//! Every byte an XMPP entity receives passes through [`Parser`]. It is push-style and
//! sans-io: [`Parser::feed`] takes byte chunks split anywhere (inside a name, a reference,
//! a UTF-8 sequence) and [`Parser::next_event`] yields the stream header, each complete
//! first-level element and the stream end. The events and errors are the same however the
//! input is split.
//!
//! ```
//! use xmpp_xml::{Event, Parser};
//!
//! let mut p = Parser::new();
//! p.feed(b"<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>");
//! p.feed(b"<message to='juliet@example.com'><body>Wherefore?</body></message></stream:stream>");
//! let mut names = Vec::new();
//! while let Some(ev) = p.next_event()? {
//!     match ev {
//!         Event::StreamOpen(h) => assert_eq!(h.default_namespace(), "jabber:client"),
//!         Event::Stanza(s) => {
//!             assert_eq!(s.attr("to").as_deref(), Some("juliet@example.com"));
//!             let el = s.to_element()?;
//!             names.push(el.child("jabber:client", "body").map(|b| b.text().into_owned()));
//!         }
//!         Event::StreamClose => {}
//!     }
//! }
//! assert_eq!(names, [Some("Wherefore?".to_owned())]);
//! # Ok::<(), xmpp_xml::Error>(())
//! ```
//!
//! # What is checked
//!
//! Everything XML 1.0 and Namespaces in XML 1.0 require of a well-formed stream: UTF-8
//! only, the Char production, names, attribute uniqueness (also after namespace
//! expansion), entity and character references, `]]>` in character data, matching end
//! tags, namespace declarations and bindings. RFC 3920 §11.1 restrictions: comments,
//! processing instructions, document type declarations and entity references other than
//! the five predefined ones are refused with `restricted-xml`. The stream header is checked
//! (RFC 3920 §4.4, §11.2): `stream` in `http://etherx.jabber.org/streams` with a prefix, a
//! default namespace of `jabber:client` or `jabber:server`, a `version` of the form
//! `major.minor` (a higher version than 1.0 is not an error: the receiver answers with the
//! lower one, [`StreamHeader::response_version`], RFC 3920 §4.4.1).
//! First-level elements and namespaces (RFC 3920 §4.7.3, §11.2), for a receiving server
//! and a client alike:
//!
//! - a first-level element in no namespace (`<message xmlns=''/>`), or in `jabber:client`
//!   within a `jabber:server` stream or the reverse (the default namespace defines the
//!   first-level children, §11.2.2), or a `jabber:client` / `jabber:server` element other
//!   than `message`, `presence` and `iq`, is `unsupported-stanza-type` (§4.7.3); elements
//!   of other namespaces are accepted at the first level, since servers support extensions
//!   (stream management, compression) that define their own;
//! - an element of `jabber:client` or `jabber:server` written with a prefix, at any depth
//!   (`<c:message xmlns:c='jabber:client'/>`; §11.2.2: an implementation MUST NOT generate
//!   one), is `bad-namespace-prefix` (§4.7.3); so is a first-level streams or dialback
//!   element without its prefix (§11.2.1, §11.2.3); deeper, such elements are payload;
//! - a first-level `streams` element other than `features` and `error`, or dialback
//!   element other than `result` and `verify`, is `unsupported-stanza-type`;
//! - character data other than white space between first-level elements is `bad-format`
//!   (the stream's children are elements, §4); after `</stream:stream>` only white space
//!   may follow, and [`Parser::finish`] refuses even markup cut short there (`<`);
//! - within a `jabber:server` stream, a `message`, `presence` or `iq` without a non-empty
//!   `to` and `from` is `improper-addressing` (§4.7.3; both REQUIRED there, §11.2.2); within
//!   `jabber:client` both are optional.
//!
//! These are rules of the stream, not of one side's role, so they are always on: the only
//! receiver of a `jabber:server` stream is a server. Each violation is an [`Error`]
//! carrying the RFC 3920 §4.7.3 condition
//! ([`Error::condition`]) and the byte offset in the transport ([`Error::offset`]).
//! [`Limits`] bound stanza size, depth, attributes, name length and namespace
//! declarations (per element and in scope); they are enforced while scanning, before
//! memory grows, each as `policy-violation`, and nothing recurses on the input's depth.
//! Finding the namespace of a prefix does not get dearer with the number of bindings in
//! scope (one stack per prefix), so no input costs much more per byte than ordinary
//! traffic (`benches/`, the `xml-worst-*` groups).
//!
//! `tests/expat_diff.rs` checks all of this against expat (Python's standard library,
//! namespace-aware) on seeded mutations of XMPP stanzas, as streams and as documents:
//! every expat refusal is ours too, and each of our refusals of what expat accepts is
//! explained by one of the rules above, by §11.1, or by expat's own leniency (an XML
//! declaration version that is not `1.` digits) or strictness (XML 1.0 4th-edition name
//! characters).
//!
//! # Why a hand-written scanner
//!
//! Most stanzas are routed, not inspected. The parser therefore validates each stanza in a
//! single pass and keeps its bytes; the top-level attributes are located on the way and the
//! full [`Element`] tree is built only on demand ([`Stanza::to_element`]). General-purpose
//! pull parsers (quick-xml, xmlparser) produce an event per token and leave most of the
//! well-formedness checks (Char production, namespace bindings, expanded-name uniqueness,
//! references) to the caller, which costs a second pass and allocations; rxml checks
//! everything but is several times slower. A byte-class table, `memchr`-style skipping
//! of text runs, and a small explicit state machine that resumes at any split give full
//! validation at the speed of framing, with the buffers reused so that the steady state
//! allocates nothing per stanza.
//!
//! While it validates a stanza the scanner records its structure in reusable buffers:
//! every element (local name, resolved namespace, where its subtree ends), attribute
//! (local name, value, namespace, whether the value reads as written) and run of text, as
//! offsets into the stanza's bytes. [`Stanza::to_element`] builds the tree from that
//! record in one loop, without reading the bytes a second time. A tree is stored flat
//! ([`Element`]: one vector of nodes in document order, one of attributes, both allocated
//! at their final size) and its strings borrow the stanza's bytes (`Cow` strings), so a
//! tree is two allocations plus the rare expanded strings. A parser that only routes can
//! turn the record off ([`Parser::record_trees`]); a tree then costs a second reading.
//!
//! The benchmark decided: on the generated client-to-server corpus (`benches/`), counted
//! with callgrind (`benches/scripts/callgrind.sh`), validated framing takes 24
//! instructions per byte, against 62 for quick-xml's `NsReader` reading every event with
//! namespaces and unescaping, 42 for xmlparser's tokenizer (no checks beyond syntax), 79
//! for expat and 149 for rxml; the full tree of every stanza takes 34 (1.8 times fewer
//! than quick-xml's events). Inputs built to be expensive at the default limits (every
//! namespace binding the limits allow in scope, 64 attributes on every element) cost 3 to
//! 4 times the corpus per byte, less than quick-xml on the same bytes.
#![forbid(unsafe_code)]

/// The value of an internal invariant (an `Option` that the parser's own checks make
/// `Some`): asserted in debug builds and tests; a release build takes the fallback rather
/// than panic on a broken invariant.
macro_rules! invariant {
    ($opt:expr, $fallback:expr) => {
        match $opt {
            Some(v) => v,
            None => {
                debug_assert!(false, concat!("broken invariant: ", stringify!($opt)));
                $fallback
            }
        }
    };
}

mod chars;
mod element;
mod error;
mod escape;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
mod hash;
mod ns;
mod parser;
mod record;
mod stanza;

pub use element::{
    Attribute, Children, Element, ElementRef, Node, write_stream_close, write_stream_open,
    write_xml_declaration,
};
pub use error::{Error, ErrorKind, StreamErrorCondition, WriteError};
pub use parser::{
    CLIENT_NS, DIALBACK_NS, Ending, Limits, Parser, SERVER_NS, STREAMS_NS, XML_NS, XMLNS_NS,
};
pub use stanza::{Event, Stanza, StreamHeader};
