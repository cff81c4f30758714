//! Presence a user's resources broadcast, and probes (RFC 3921 §5.1).

use xmpp_core::ns::CLIENT_NS;
use xmpp_core::{Stanza, StanzaErrorCondition};
use xmpp_jid::Jid;
use xmpp_xml::Element;

use super::{Server, SessionId, User, bare_str};
use crate::presence::Presence;

impl Server {
    /// Available presence without `to` (§5.1.1 initial presence, §5.1.2 updates).
    pub(super) fn go_available(&mut self, user: &mut User, id: SessionId, stanza: Stanza) {
        let priority = match stanza.element().map(|e| Presence::from_element(e.as_ref())) {
            Ok(Ok(p)) => p.priority.unwrap_or(0),
            Ok(Err(e)) => {
                self.reply_error(&stanza, e.condition());
                return;
            }
            Err(_) => {
                self.reply_error(&stanza, StanzaErrorCondition::BadRequest);
                return;
            }
        };
        let Some(session) = self.sessions.get_mut(&id) else {
            return;
        };
        let first = !session.available;
        session.available = true;
        session.priority = priority;
        session.presence = Some(stanza.clone());
        let full = session.jid.clone();
        user.last_unavailable = None;

        if first {
            // §5.1.1: probe the contacts the user is subscribed to, from the resource's
            // full JID, so that the answers reach this resource.
            let probes: Vec<Jid> = user
                .roster
                .values()
                .filter(|c| c.state.user_subscribed_to_contact())
                .map(|c| c.item.jid.clone())
                .collect();
            for contact in probes {
                if self.blocked_in_presence(user, Some(id), &contact) {
                    continue;
                }
                let probe = Element::new(CLIENT_NS, "presence")
                    .with_attr("type", "probe")
                    .with_attr("from", full.as_str().to_owned())
                    .with_attr("to", contact.as_str().to_owned());
                if let Some(p) = self.make(&probe) {
                    self.route(p);
                }
            }
        }
        self.broadcast(user, id, &stanza);
        // The user's other available resources see this one (§5.1.1), and a new resource
        // sees them.
        for other in self.available_sessions(user) {
            if other == id {
                continue;
            }
            let Some(o) = self.sessions.get(&other) else {
                continue;
            };
            let (other_jid, other_presence) = (o.jid.clone(), o.presence.clone());
            if let Ok(copy) = stanza.addressed_to(&other_jid) {
                self.deliver(other, copy);
            }
            if first && let Some(Ok(copy)) = other_presence.map(|p| p.addressed_to(&full)) {
                self.deliver(id, copy);
            }
        }
        if first {
            self.send_notices(user, id);
        }
    }

    /// Unavailable presence, sent by the resource (`stanza`) or on its behalf when the
    /// session ends (§5.1.5): to the subscribers if the resource was available, to the
    /// user's other resources, and to everyone it sent directed presence to.
    pub(super) fn go_unavailable(
        &mut self,
        user: &mut User,
        id: SessionId,
        stanza: Option<Stanza>,
    ) {
        let Some(session) = self.sessions.get_mut(&id) else {
            return;
        };
        let was_available = session.available;
        session.available = false;
        session.presence = None;
        session.notices_sent = false;
        let directed = std::mem::take(&mut session.directed);
        let full = session.jid.clone();
        let stanza = match stanza {
            Some(s) => s,
            None => {
                let e = Element::new(CLIENT_NS, "presence")
                    .with_attr("type", "unavailable")
                    .with_attr("from", full.as_str().to_owned());
                match self.make(&e) {
                    Some(s) => s,
                    None => return,
                }
            }
        };
        if was_available {
            self.broadcast(user, id, &stanza);
            for other in self.available_sessions(user) {
                if let Some(o) = self.sessions.get(&other)
                    && let Ok(copy) = stanza.addressed_to(&o.jid.clone())
                {
                    self.deliver(other, copy);
                }
            }
        }
        for to in directed {
            // A subscriber had its copy from the broadcast.
            let broadcast = was_available
                && user
                    .roster
                    .get(bare_str(&to))
                    .is_some_and(|c| to.is_bare() && Self::in_broadcast(user, c));
            // §10: the list in force may block presence to it now (as for the broadcast).
            if broadcast || self.blocked_out(user, Some(id), Some(&to)) {
                continue;
            }
            if let Ok(copy) = stanza.addressed_to(&to) {
                self.route(copy);
            }
        }
        if self.available_sessions(user).is_empty() {
            user.last_unavailable = Some(stanza);
        }
    }

    /// Sends `stanza` to each contact subscribed to the user's presence that the user's
    /// privacy rules allow and whose server has not answered with an error (§5.1.2).
    fn broadcast(&mut self, user: &User, id: SessionId, stanza: &Stanza) {
        for c in user.roster.values() {
            if !Self::in_broadcast(user, c) || self.blocked_out(user, Some(id), Some(&c.item.jid)) {
                continue;
            }
            if let Ok(copy) = stanza.addressed_to(&c.item.jid) {
                self.route(copy);
            }
        }
    }

    /// Whether `contact` gets the user's broadcast presence.
    fn in_broadcast(user: &User, contact: &super::Contact) -> bool {
        contact.state.contact_subscribed_to_user()
            && !user.errored.iter().any(|e| e == contact.key())
    }

    /// A probe for the user (§5.1.3): the current presence of each available resource to
    /// a contact subscribed to it (or the last unavailable presence, or nothing); an error
    /// to anyone else.
    pub(super) fn answer_probe(&mut self, user: &User, probe: Stanza) {
        let Some(prober) = probe.from().cloned() else {
            return;
        };
        let own = bare_str(&prober) == user.jid.as_str();
        let state = user.state_of(bare_str(&prober));
        if !own && !state.contact_subscribed_to_user() {
            let condition = if state.pending_in() {
                StanzaErrorCondition::NotAuthorized
            } else {
                StanzaErrorCondition::Forbidden
            };
            self.reply_error(&probe, condition);
            return;
        }
        let available = self.available_sessions(user);
        if available.is_empty() {
            // No resource is available: the default list decides (§10.11, §5.1.3).
            if self.blocked_out(user, None, Some(&prober)) {
                return;
            }
            if let Some(Ok(copy)) = user
                .last_unavailable
                .as_ref()
                .map(|p| p.addressed_to(&prober))
            {
                self.route(copy);
            }
            return;
        }
        for id in available {
            if self.blocked_out(user, Some(id), Some(&prober)) {
                continue;
            }
            let copy = self
                .sessions
                .get(&id)
                .and_then(|s| s.presence.as_ref())
                .map(|p| p.addressed_to(&prober));
            if let Some(Ok(copy)) = copy {
                self.route(copy);
            }
        }
    }

    /// The current presence of each of the user's available resources to `to` (§8.2: sent
    /// to a new subscriber), or unavailable presence from each (`unavailable`: §8.5, §8.6).
    pub(super) fn presence_of_resources(&mut self, user: &User, to: &Jid, unavailable: bool) {
        for id in self.available_sessions(user) {
            let Some(s) = self.sessions.get(&id) else {
                continue;
            };
            let stanza = if unavailable {
                let e = Element::new(CLIENT_NS, "presence")
                    .with_attr("type", "unavailable")
                    .with_attr("from", s.jid.as_str().to_owned())
                    .with_attr("to", to.as_str().to_owned());
                self.make(&e)
            } else {
                s.presence.as_ref().and_then(|p| p.addressed_to(to).ok())
            };
            if let Some(stanza) = stanza
                && !self.blocked_out(user, Some(id), Some(to))
            {
                self.route(stanza);
            }
        }
    }
}
