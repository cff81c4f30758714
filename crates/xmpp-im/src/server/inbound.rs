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

    /// §11.1 rule 1: the privacy list first (the session's list for a stanza to a full
    /// JID, each receiving session's for one to the bare JID, the default list for what
    /// the account handles), then the delivery rules.
    fn inbound_message(&mut self, user: &mut User, stanza: Stanza) {
        // §11.1 rule 3.1: the resource named, if it is there.
        if let Some(to) = stanza.to()
            && to.resource().is_some()
            && let Some(id) = self.session_of(to)
        {
            let verdict = self.inbound_verdict(user, Some(id), &stanza);
            if verdict.is_allowed() {
                self.deliver(id, stanza);
            } else {
                self.refuse(verdict, &stanza);
            }
            return;
        }
        // Rule 3.2 for a resource that is not there, and rule 4.1: the available
        // resources of the highest non-negative priority (all of them when they tie)
        // whose lists let the message in.
        let best = user
            .sessions
            .iter()
            .filter(|id| self.takes_message(user, id, &stanza, None))
            .filter_map(|id| self.sessions.get(id).map(|s| s.priority))
            .max();
        let Some(best) = best else {
            // A resource that would take the message but whose list keeps it out: the
            // message is blocked (§10.14: dropped without an error), not undeliverable.
            let refused = user.sessions.iter().find_map(|id| {
                let takes = self
                    .sessions
                    .get(id)
                    .is_some_and(|s| s.available && s.priority >= 0);
                let verdict = self.inbound_verdict(user, Some(*id), &stanza);
                (takes && !verdict.is_allowed()).then_some(verdict)
            });
            let verdict = refused.unwrap_or_else(|| self.inbound_verdict(user, None, &stanza));
            if !verdict.is_allowed() {
                self.refuse(verdict, &stanza);
            } else if is_answerable(&stanza) {
                // Rule 4.3: no storage here, so the sender learns the message did not go.
                self.reply_error(&stanza, StanzaErrorCondition::ServiceUnavailable);
            }
            return;
        };
        let mut left = user
            .sessions
            .iter()
            .filter(|id| self.takes_message(user, id, &stanza, Some(best)))
            .count();
        let mut slot = Some(stanza);
        for id in &user.sessions {
            let Some(current) = slot.as_ref() else {
                break;
            };
            if !self.takes_message(user, id, current, Some(best)) {
                continue;
            }
            left -= 1;
            let copy = if left == 0 { slot.take() } else { slot.clone() };
            if let Some(copy) = copy {
                self.deliver(*id, copy);
            }
        }
    }

    /// Whether the session `id` takes a message to the bare JID: available, with a
    /// non-negative priority (`priority` when given), and its list lets the message in.
    fn takes_message(
        &self,
        user: &User,
        id: &SessionId,
        stanza: &Stanza,
        priority: Option<i8>,
    ) -> bool {
        self.sessions.get(id).is_some_and(|s| {
            s.available && s.priority >= 0 && priority.is_none_or(|p| p == s.priority)
        }) && self.inbound_verdict(user, Some(*id), stanza).is_allowed()
    }

    fn inbound_iq(&mut self, user: &mut User, stanza: Stanza) {
        if let Some(to) = stanza.to()
            && to.resource().is_some()
        {
            // §11.1 rule 3: the resource, or an error for a request.
            match self.session_of(to) {
                Some(id) => {
                    let verdict = self.inbound_verdict(user, Some(id), &stanza);
                    if verdict.is_allowed() {
                        self.deliver(id, stanza);
                    } else {
                        self.refuse(verdict, &stanza);
                    }
                }
                None if is_request(&stanza) => {
                    self.reply_error(&stanza, StanzaErrorCondition::ServiceUnavailable)
                }
                None => {}
            }
            return;
        }
        let verdict = self.inbound_verdict(user, None, &stanza);
        if !verdict.is_allowed() {
            self.refuse(verdict, &stanza);
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
        if kind.subscription().is_some() || kind == PresenceType::Probe {
            // Handled for the account: the default list.
            let verdict = self.inbound_verdict(user, None, &stanza);
            if !verdict.is_allowed() {
                self.refuse(verdict, &stanza);
                return;
            }
        }
        if let Some(sub) = kind.subscription() {
            self.inbound_subscription(user, sub, stanza);
            return;
        }
        if kind == PresenceType::Probe {
            self.answer_probe(user, stanza);
            return;
        }
        let Some(from) = stanza.from() else {
            return;
        };
        let contact = bare_str(from).to_owned();
        if kind == PresenceType::Error {
            // §5.1.1: no more presence to a contact whose server answered with an error,
            // until it sends presence again.
            if user.roster.contains_key(&contact) && !user.errored.contains(&contact) {
                user.errored.push(contact);
            }
        } else {
            user.errored.retain(|c| *c != contact);
        }
        match stanza.to().filter(|to| to.resource().is_some()) {
            // §11.1 rule 3: to the resource, or nowhere.
            Some(to) => {
                if let Some(id) = self.session_of(to)
                    && self.inbound_verdict(user, Some(id), &stanza).is_allowed()
                {
                    self.deliver(id, stanza);
                }
            }
            // Rule 4.2: to every available resource whose list lets it in.
            None => {
                for id in self.available_sessions(user) {
                    if self.inbound_verdict(user, Some(id), &stanza).is_allowed() {
                        self.deliver(id, stanza.clone());
                    }
                }
            }
        }
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
