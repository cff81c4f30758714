//! Privacy lists, `jabber:iq:privacy` (RFC 3921 §10): the payload, the evaluation of a
//! list against a stanza, and the management of a user's lists by privacy IQs. Nothing
//! here does I/O: the server holds the lists and each session's active list name, and
//! applies what these functions return. The list in force is applied to a stanza before
//! anything else is done with it: routing, delivery, subscription handling and roster
//! pushes come after (RFC 3921 §10.2 rule 4).
//!
//! - [`payload`]: [`Query`], [`List`], [`Item`] and their parts, read from and written
//!   to elements without losing unknown content.
//! - [`decide`](mod@decide): which item of a list matches a stanza first and what
//!   becomes of the stanza ([`decide()`], [`Verdict`]).
//! - [`lists`]: a user's [`Lists`] and [`Lists::handle`], which applies one privacy IQ
//!   and says what to answer, store and push.
//!
//! ```
//! use xmpp_im::privacy::{
//!     Context, Contact, Direction, Lists, Query, Request, StanzaKind, Verdict,
//! };
//! use xmpp_jid::Jid;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // The user creates a list that denies everything from tybalt@example.com (RFC 3921
//! // §10.13) and makes it the active list of the session that sent it (§10.4).
//! let set = xmpp_xml::Element::new("jabber:iq:privacy", "query").with_child(
//!     xmpp_xml::Element::new("jabber:iq:privacy", "list")
//!         .with_attr("name", "all-jid-example")
//!         .with_child(
//!             xmpp_xml::Element::new("jabber:iq:privacy", "item")
//!                 .with_attr("type", "jid")
//!                 .with_attr("value", "tybalt@example.com")
//!                 .with_attr("action", "deny")
//!                 .with_attr("order", "23"),
//!         ),
//! );
//! let query = Query::from_element(set.as_ref())?;
//! let mut lists = Lists::default();
//! let ctx = Context::default();
//! let outcome = lists.handle(Request::Set(&query), &ctx)?;
//! // Store `lists`, send the empty result, push the list name to every resource.
//! assert!(outcome.stored);
//! assert_eq!(outcome.push.as_deref(), Some("all-jid-example"));
//! let _push_payload = Query::push("all-jid-example").to_element();
//!
//! let activate = Query {
//!     active: Some(xmpp_im::privacy::Selection::new(Some("all-jid-example".into()))),
//!     ..Query::default()
//! };
//! lists.handle(Request::Set(&activate), &ctx)?;
//!
//! // Later, a message from Tybalt arrives for that session: dropped without an answer
//! // (§10.14); an IQ get gets service-unavailable.
//! let tybalt = Jid::parse("tybalt@example.com/pda")?;
//! let contact = Contact::new(&tybalt, None); // not in the roster
//! let active = Some("all-jid-example");
//! assert_eq!(
//!     lists.decide(active, Direction::Inbound, StanzaKind::Message, &contact),
//!     Verdict::Drop
//! );
//! assert!(matches!(
//!     lists.decide(active, Direction::Inbound, StanzaKind::IqRequest, &contact),
//!     Verdict::Reject(_)
//! ));
//! # Ok(())
//! # }
//! ```
//!
//! # Where the RFC needed a reading
//!
//! - Evaluation does not sort: of the matching items, the one with the smallest `order`
//!   decides, which is "ascending order, first match" (§10.2 rules 5, 6) in one pass.
//! - The four JID forms of §10.1 are "matched in the following order"; as items are
//!   processed by `order`, the forms say which addresses one item value covers
//!   ([`jid_matches`]). "An address containing a subdomain" is read as an address whose
//!   domain ends in `.` and the value's domain.
//! - An item with stanza-kind children applies only to those kinds, in their direction;
//!   one without applies to every stanza both ways, subscription presence included
//!   (§10.13). Presence notifications are presence without `type` or `unavailable`
//!   (§10, note).
//! - A blocked inbound message is dropped silently as §10.14 requires (XEP-0016 later
//!   moved to `service-unavailable`; RFC 3921 is followed). RFC 3921 names no answer to
//!   a blocked outbound stanza; it gets `not-acceptable` as in XEP-0191 §3.5, except
//!   presence notifications and IQ responses, which are dropped ([`Verdict::blocked`]).
//! - §10.2 rule 11 and §10.5: a list "applies" to another resource when it is that
//!   session's active list, or when it is the default and that session has no active
//!   list. Changing or declining the default is a conflict then; setting the default
//!   that is already the default is no change and succeeds.
//! - Removing a list (§10.8) is a change of its definition: it is pushed like an edit
//!   (§10.2 rule 10). Removing the sender's own active list or the default (used by no
//!   other session) clears it.
//! - A get may only name lists; `<active/>` or `<default/>` in a get is `bad-request`. A
//!   set counts every child element, unknown ones included, for the one-child rule of
//!   §10.1.
//! - A group not in the roster is refused with `item-not-found` only when
//!   [`Context::roster_group`] is given (§10.1, a SHOULD).

pub mod decide;
pub mod lists;
pub mod payload;

pub use decide::{Contact, Direction, StanzaKind, Verdict, decide, jid_matches};
pub use lists::{ActiveChange, Context, EditError, Lists, Outcome, Request};
pub use payload::{Action, Item, ItemType, Kinds, List, NS, Query, Selection};
