//! The client side of RFC 3921: a roster model, a view of contacts' presence, and the
//! stanzas a client sends for both.
//!
//! - [`Roster`]: the roster as the user's server describes it, filled by the result of a
//!   roster get (§7.3) and kept current by roster pushes (§7.4 to §7.6), which only the
//!   user's server may send ([`Roster::apply_push`]).
//! - [`PresenceView`]: who is available, with which resources, `<show/>`, `<status/>` and
//!   priority, and the resource to prefer.
//! - [`requests`]: roster get, set and remove, the four subscription presences, the IQ
//!   result that acknowledges a push.
//! - [`Client`]: both models behind one entry point, [`Client::handle`], which reads a
//!   received stanza, applies it, and says what it was and what to answer.
//!
//! Everything here is sans-io: stanzas come in as element trees (from
//! [`xmpp_core::Event::Stanza`] through [`xmpp_core::Stanza::element`]) and go out as
//! elements for [`xmpp_core::Connection::send`].

mod presence;
pub mod requests;
mod roster;

pub use presence::{PresenceUpdate, PresenceView, ResourcePresence};
pub use roster::{AcceptedPush, RefusedPush, Roster, RosterChange, RosterError};

use xmpp_jid::BareJid;
use xmpp_xml::{Element, ElementRef};

use crate::error::PayloadError;
use crate::presence::Presence;
use crate::roster::NS;
use crate::subscription::Kind;

/// What a received stanza was, once [`Client::handle`] applied it.
#[derive(Debug, Clone, PartialEq)]
pub enum Incoming {
    /// The result of the roster get: the roster now has this many items.
    RosterLoaded(usize),
    /// The roster get was answered with an error, or its result could not be applied.
    RosterFailed(RosterError),
    /// A roster push was applied; send [`AcceptedPush::reply`].
    RosterPush(AcceptedPush),
    /// A roster push was refused; send [`RefusedPush::reply`] if there is one.
    RosterPushRefused(RefusedPush),
    /// A presence changed the presence view.
    Presence(PresenceUpdate),
    /// A subscription presence from a contact (RFC 3921 §8): `subscribe` asks for the
    /// user's presence (answer with [`requests::subscription`] and [`Kind::Subscribed`] or
    /// [`Kind::Unsubscribed`]); the others report the contact's decision, which the
    /// server also shows by a roster push. An `unsubscribed` has made the contact
    /// unavailable in the presence view.
    Subscription {
        /// The contact's bare JID.
        from: BareJid,
        /// Which of the four.
        kind: Kind,
        /// The whole stanza (status texts, extensions).
        presence: Box<Presence>,
    },
    /// A presence or roster stanza that does not read; `reply` is the error to answer
    /// with, when one may be sent (never to a stanza of type `error`).
    Invalid {
        /// What was wrong.
        error: PayloadError,
        /// The error reply.
        reply: Option<Element<'static>>,
    },
    /// Anything else (messages, other IQs): for the application.
    Other,
}

impl Incoming {
    /// The stanza to send back, if any: the acknowledgement of a push, the error answering
    /// a refused push or an invalid stanza.
    pub fn reply(&self) -> Option<&Element<'static>> {
        match self {
            Incoming::RosterPush(p) => Some(&p.reply),
            Incoming::RosterPushRefused(r) => r.reply.as_ref(),
            Incoming::Invalid { reply, .. } => reply.as_ref(),
            _ => None,
        }
    }
}

/// A client's roster and presence view, fed with every received stanza.
#[derive(Debug, Clone)]
pub struct Client {
    roster: Roster,
    presence: PresenceView,
}

impl Client {
    /// An empty client state for the account `user`.
    pub fn new(user: BareJid) -> Self {
        Client {
            roster: Roster::new(user),
            presence: PresenceView::new(),
        }
    }

    /// The roster.
    pub fn roster(&self) -> &Roster {
        &self.roster
    }

    /// The roster, to make requests ([`Roster::request`]).
    pub fn roster_mut(&mut self) -> &mut Roster {
        &mut self.roster
    }

    /// The presence view.
    pub fn presence(&self) -> &PresenceView {
        &self.presence
    }

    /// Reads and applies a received stanza: roster results and pushes go to the
    /// [`Roster`], presence to the [`PresenceView`]; see [`Incoming`] for the answers. A
    /// push that removes an item also forgets the contact's presence, since the removal
    /// cancels the subscriptions both ways (RFC 3921 §8.6).
    pub fn handle(&mut self, stanza: ElementRef<'_>) -> Incoming {
        match stanza.name() {
            "presence" => self.handle_presence(stanza),
            "iq" => self.handle_iq(stanza),
            _ => Incoming::Other,
        }
    }

    /// [`Client::handle`] for a stanza of the engine, whose tree is built first; `Err`
    /// when the tree cannot be built.
    pub fn handle_stanza(
        &mut self,
        stanza: &xmpp_core::Stanza,
    ) -> Result<Incoming, xmpp_core::stanza::TreeError> {
        Ok(self.handle(stanza.element()?.as_ref()))
    }

    fn handle_presence(&mut self, stanza: ElementRef<'_>) -> Incoming {
        let presence = match Presence::from_element(stanza) {
            Ok(p) => p,
            Err(error) => {
                let reply = error.to_stanza_error().reply_to(stanza);
                return Incoming::Invalid { error, reply };
            }
        };
        let update = self.presence.apply(&presence);
        match (presence.kind.subscription(), &presence.envelope.from) {
            (Some(kind), Some(from)) => Incoming::Subscription {
                from: from.to_bare(),
                kind,
                presence: Box::new(presence),
            },
            _ => Incoming::Presence(update),
        }
    }

    fn handle_iq(&mut self, stanza: ElementRef<'_>) -> Incoming {
        match stanza.attr("type") {
            Some("set") if stanza.child(NS, "query").is_some() => {
                match self.roster.apply_push(stanza) {
                    Ok(accepted) => {
                        if let RosterChange::Removed(jid) = &accepted.change {
                            // The removal cancelled the subscriptions both ways (RFC 3921
                            // §8.6): the contact's presence no longer comes.
                            self.presence.forget(&jid.to_bare());
                        }
                        Incoming::RosterPush(accepted)
                    }
                    Err(refused) => Incoming::RosterPushRefused(refused),
                }
            }
            Some("result" | "error")
                if stanza
                    .attr("id")
                    .is_some_and(|id| self.roster.is_pending(id)) =>
            {
                match self.roster.apply_result(stanza) {
                    Ok(n) => Incoming::RosterLoaded(n),
                    Err(e) => Incoming::RosterFailed(e),
                }
            }
            _ => Incoming::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use xmpp_jid::Jid;

    fn parse(xml: &str) -> Element<'static> {
        crate::xml::parse_element(xml.as_bytes()).expect("well-formed test input")
    }

    fn handle(c: &mut Client, xml: &str) -> Incoming {
        c.handle(parse(xml).as_ref())
    }

    // RFC 3921 §7.3, §7.4, §8.2: the stanzas of a session, each sent to its model.
    #[test]
    fn dispatches_each_stanza() {
        let mut c = Client::new(BareJid::parse("juliet@example.com").expect("valid"));
        c.roster_mut().request("r1");
        assert_eq!(
            handle(
                &mut c,
                "<iq xmlns='jabber:client' type='result' id='r1'><query xmlns='jabber:iq:roster'>\
                 <item jid='romeo@example.net' subscription='both'/></query></iq>"
            ),
            Incoming::RosterLoaded(1)
        );
        // A result for another request is not the roster's.
        assert_eq!(
            handle(
                &mut c,
                "<iq xmlns='jabber:client' type='result' id='other'/>"
            ),
            Incoming::Other
        );
        let push = handle(
            &mut c,
            "<iq xmlns='jabber:client' type='set' id='push1'><query xmlns='jabber:iq:roster'>\
             <item jid='nurse@example.com' subscription='none'/></query></iq>",
        );
        assert_eq!(
            push.reply(),
            Some(&parse(
                "<iq xmlns='jabber:client' type='result' id='push1'/>"
            ))
        );
        assert_eq!(c.roster().len(), 2);
        let refused = handle(
            &mut c,
            "<iq xmlns='jabber:client' from='iago@example.org/x' type='set' id='p2'>\
             <query xmlns='jabber:iq:roster'><item jid='iago@example.org'/></query></iq>",
        );
        assert!(matches!(refused, Incoming::RosterPushRefused(_)));
        assert_eq!(
            refused.reply().and_then(|r| r.attr("to")),
            Some("iago@example.org/x")
        );
        assert_eq!(c.roster().len(), 2);

        match handle(
            &mut c,
            "<presence xmlns='jabber:client' from='romeo@example.net/orchard' type='subscribe'/>",
        ) {
            Incoming::Subscription { from, kind, .. } => {
                assert_eq!(from.as_str(), "romeo@example.net");
                assert_eq!(kind, Kind::Subscribe);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            handle(
                &mut c,
                "<presence xmlns='jabber:client' from='romeo@example.net/orchard'/>"
            ),
            Incoming::Presence(PresenceUpdate::Available { .. })
        ));
        let romeo = BareJid::parse("romeo@example.net").expect("valid");
        assert!(c.presence().is_available(&romeo));
        assert!(matches!(
            handle(
                &mut c,
                "<presence xmlns='jabber:client' from='romeo@example.net' type='unsubscribed'/>"
            ),
            Incoming::Subscription {
                kind: Kind::Unsubscribed,
                ..
            }
        ));
        assert!(!c.presence().is_available(&romeo));

        let bad = handle(
            &mut c,
            "<presence xmlns='jabber:client' from='romeo@example.net/x' id='b'>\
             <priority>999</priority></presence>",
        );
        assert!(matches!(bad, Incoming::Invalid { .. }));
        assert_eq!(bad.reply().and_then(|r| r.attr("type")), Some("error"));
        assert_eq!(
            handle(
                &mut c,
                "<message xmlns='jabber:client' from='romeo@example.net/x'><body>hi</body></message>"
            ),
            Incoming::Other
        );
        assert!(
            c.roster()
                .get(&Jid::parse("nurse@example.com").expect("valid"))
                .is_some()
        );
    }
}
