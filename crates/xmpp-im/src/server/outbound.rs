//! Stanzas a local session sends (RFC 3921 §11.2: what is for a local domain is delivered
//! by the inbound rules, the rest routed to its domain).

use xmpp_core::{Stanza, StanzaErrorCondition, StanzaKind};
use xmpp_jid::Jid;

use super::{Server, SessionId, User, bare_str};
use crate::presence::PresenceType;

impl Server {
    pub(super) fn outbound(&mut self, user: &mut User, id: SessionId, stanza: Stanza) {
        // §10: the sender's list may keep a stanza from leaving (presence notifications
        // are checked where they are sent, each copy to its recipient).
        let notification = stanza.kind() == StanzaKind::Presence
            && matches!(stanza.stanza_type(), None | Some("unavailable"));
        if !notification {
            let verdict = self.outbound_verdict(user, id, &stanza);
            if !verdict.is_allowed() {
                self.refuse(verdict, &stanza);
                return;
            }
        }
        match stanza.kind() {
            StanzaKind::Message => {
                // A message without `to` is for the sender's own account (RFC 6120
                // §10.3.1 spells out what RFC 3920 §9.1.1 leaves to the server).
                if stanza.to().is_none() {
                    let own: Jid = user.jid.clone().into();
                    let from = stanza.from().cloned();
                    if let Ok(s) = stanza.readdressed(Some(&own), from.as_ref()) {
                        self.route(s);
                    }
                } else {
                    self.route(stanza);
                }
            }
            StanzaKind::Iq => {
                let for_server = match stanza.to() {
                    None => true,
                    // A full JID, even one of the user's own, names a resource (§11.1).
                    Some(to) => {
                        (to.resource().is_none() && bare_str(to) == user.jid.as_str())
                            || (to.node().is_none()
                                && to.resource().is_none()
                                && self.is_local(to.domain()))
                    }
                };
                // RFC 3921 §7.2: a roster query is about the sender's own roster,
                // whatever its `to` says.
                if for_server || is_roster_request(&stanza) {
                    self.own_iq(user, id, stanza);
                } else {
                    self.route(stanza);
                }
            }
            StanzaKind::Presence => self.outbound_presence(user, id, stanza),
        }
    }

    fn outbound_presence(&mut self, user: &mut User, id: SessionId, stanza: Stanza) {
        let Some(kind) = stanza
            .stanza_type()
            .map_or(Some(PresenceType::Available), PresenceType::from_name)
        else {
            self.reply_error(&stanza, StanzaErrorCondition::BadRequest);
            return;
        };
        if let Some(sub) = kind.subscription() {
            if stanza.to().is_some() {
                self.outbound_subscription(user, sub, stanza);
            }
            return;
        }
        match (kind, stanza.to().cloned()) {
            (PresenceType::Available, None) => self.go_available(user, id, stanza),
            (PresenceType::Unavailable, None) => self.go_unavailable(user, id, Some(stanza)),
            (PresenceType::Available | PresenceType::Unavailable, Some(to)) => {
                self.directed_presence(user, id, kind, to, stanza)
            }
            (PresenceType::Error | PresenceType::Probe, Some(_)) => self.route(stanza),
            _ => {}
        }
    }

    /// Directed presence (RFC 3921 §5.1.4): routed as it is; an entity that gets available
    /// presence outside the broadcast is remembered, to be sent unavailable presence when
    /// the resource goes (§5.1.4 rule 3).
    fn directed_presence(
        &mut self,
        user: &mut User,
        id: SessionId,
        kind: PresenceType,
        to: Jid,
        stanza: Stanza,
    ) {
        let subscriber = user
            .roster
            .get(bare_str(&to))
            .is_some_and(|c| c.state.contact_subscribed_to_user());
        // §10.11: presence the list keeps from `to` is neither sent nor remembered.
        let blocked = self.blocked_out(user, Some(id), Some(&to));
        let Some(session) = self.sessions.get_mut(&id) else {
            return;
        };
        if kind == PresenceType::Available {
            let in_broadcast = session.available && subscriber;
            if !blocked && !in_broadcast && !session.directed.contains(&to) {
                // One more entity than can be tracked would be owed an unavailable
                // presence that never comes: the presence is refused instead.
                if session.directed.len() >= super::MAX_DIRECTED {
                    self.reply_error(&stanza, StanzaErrorCondition::ResourceConstraint);
                    return;
                }
                session.directed.push(to);
            }
        } else {
            session.directed.retain(|j| *j != to);
        }
        if !blocked {
            self.route(stanza);
        }
    }
}

/// Whether `stanza` is an IQ get or set whose payload is a roster query: looked for in
/// the bytes first, so that other IQs build no tree.
fn is_roster_request(stanza: &Stanza) -> bool {
    const NS: &[u8] = crate::roster::NS.as_bytes();
    matches!(stanza.stanza_type(), Some("get" | "set"))
        && stanza.bytes().windows(NS.len()).any(|w| w == NS)
        && stanza.element().is_ok_and(|tree| {
            tree.elements()
                .next()
                .is_some_and(|p| p.is(crate::roster::NS, "query"))
        })
}
