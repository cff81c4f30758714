//! Stanzas addressed to a local user or to the server itself (RFC 3921 §11.1).

use xmpp_core::{Stanza, StanzaErrorCondition, StanzaKind};

use super::{Server, SessionId, User, bare_str};
use crate::presence::PresenceType;

impl Server {
    pub(super) fn inbound(&mut self, user: &mut User, stanza: Stanza) {
        let Some(to) = stanza.to() else {
            return;
        };
        // The server's own address (`to='example.com'`): nothing here answers for it.
        if to.node().is_none() {
            if stanza.kind() == StanzaKind::Iq && is_request(&stanza) {
                self.reply_error(&stanza, StanzaErrorCondition::ServiceUnavailable);
            }
            return;
        }
        if !user.exists {
            // §11.1 rule 2: no such user.
            if stanza.kind() != StanzaKind::Presence && is_answerable(&stanza) {
                self.reply_error(&stanza, StanzaErrorCondition::ServiceUnavailable);
            }
            return;
        }
        match stanza.kind() {
            StanzaKind::Message => self.inbound_message(user, stanza),
            StanzaKind::Iq => self.inbound_iq(user, stanza),
            StanzaKind::Presence => self.inbound_presence(user, stanza),
        }
    }

    fn inbound_message(&mut self, user: &mut User, stanza: Stanza) {
        if self.blocked_in(user, None, &stanza) {
            // §10: a blocked message gets an error back.
            if is_answerable(&stanza) {
                self.reply_error(&stanza, StanzaErrorCondition::ServiceUnavailable);
            }
            return;
        }
        // §11.1 rule 3.1: the resource named, if it is there.
        if let Some(to) = stanza.to()
            && to.resource().is_some()
            && let Some(id) = self.session_of(to)
        {
            self.deliver(id, stanza);
            return;
        }
        // Rule 3.2 for a resource that is not there, and rule 4.1: the available
        // resources of the highest non-negative priority (all of them when they tie).
        let best = user
            .sessions
            .iter()
            .filter_map(|id| self.sessions.get(id))
            .filter(|s| s.available && s.priority >= 0)
            .map(|s| s.priority)
            .max();
        let Some(best) = best else {
            // Rule 4.3: no storage here, so the sender learns the message did not go.
            if is_answerable(&stanza) {
                self.reply_error(&stanza, StanzaErrorCondition::ServiceUnavailable);
            }
            return;
        };
        let is_target = |server: &Server, id: &SessionId| {
            server
                .sessions
                .get(id)
                .is_some_and(|s| s.available && s.priority == best)
        };
        let mut left = user
            .sessions
            .iter()
            .filter(|id| is_target(self, id))
            .count();
        let mut stanza = Some(stanza);
        for id in &user.sessions {
            if !is_target(self, id) {
                continue;
            }
            left -= 1;
            let copy = if left == 0 {
                stanza.take()
            } else {
                stanza.clone()
            };
            if let Some(copy) = copy {
                self.deliver(*id, copy);
            }
        }
    }

    fn inbound_iq(&mut self, user: &mut User, stanza: Stanza) {
        if self.blocked_in(user, None, &stanza) {
            if is_request(&stanza) {
                self.reply_error(&stanza, StanzaErrorCondition::ServiceUnavailable);
            }
            return;
        }
        if let Some(to) = stanza.to()
            && to.resource().is_some()
        {
            // §11.1 rule 3: the resource, or an error for a request.
            match self.session_of(to) {
                Some(id) => self.deliver(id, stanza),
                None if is_request(&stanza) => {
                    self.reply_error(&stanza, StanzaErrorCondition::ServiceUnavailable)
                }
                None => {}
            }
            return;
        }
        // Rule 4.4: an IQ to the bare JID is the server's to answer, on the user's behalf;
        // none of the namespaces this component knows is answered for someone else.
        if is_request(&stanza) {
            self.reply_error(&stanza, StanzaErrorCondition::ServiceUnavailable);
        }
    }

    fn inbound_presence(&mut self, user: &mut User, stanza: Stanza) {
        let Some(kind) = stanza
            .stanza_type()
            .map_or(Some(PresenceType::Available), PresenceType::from_name)
        else {
            return;
        };
        if let Some(sub) = kind.subscription() {
            self.inbound_subscription(user, sub, stanza);
            return;
        }
        if kind == PresenceType::Probe {
            self.answer_probe(user, stanza);
            return;
        }
        let Some(from) = stanza.from().cloned() else {
            return;
        };
        let contact = bare_str(&from).to_owned();
        if kind == PresenceType::Error {
            // §5.1.1: no more presence to a contact whose server answered with an error,
            // until it sends presence again.
            if user.roster.contains_key(&contact) && !user.errored.contains(&contact) {
                user.errored.push(contact);
            }
        } else {
            user.errored.retain(|c| *c != contact);
        }
        if self.blocked_in(user, None, &stanza) {
            return;
        }
        match stanza.to().filter(|to| to.resource().is_some()) {
            // §11.1 rule 3: to the resource, or nowhere.
            Some(to) => {
                if let Some(id) = self.session_of(to) {
                    self.deliver(id, stanza);
                }
            }
            // Rule 4.2: to every available resource.
            None => {
                let targets = self.available_sessions(user);
                for id in targets {
                    self.deliver(id, stanza.clone());
                }
            }
        }
    }

    /// Whether the user's privacy rules keep `stanza` out (§10).
    pub(super) fn blocked_in(
        &self,
        user: &User,
        id: Option<super::SessionId>,
        stanza: &Stanza,
    ) -> bool {
        let _ = (user, id, stanza);
        false
    }
}

/// An IQ get or set: the kind of stanza that must be answered.
fn is_request(stanza: &Stanza) -> bool {
    matches!(stanza.stanza_type(), Some("get" | "set"))
}

/// A stanza an error may answer: not an error, not an IQ result.
fn is_answerable(stanza: &Stanza) -> bool {
    match stanza.stanza_type() {
        Some("error") => false,
        Some("result") => stanza.kind() != StanzaKind::Iq,
        _ => true,
    }
}
