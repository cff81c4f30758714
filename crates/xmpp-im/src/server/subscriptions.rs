//! Subscription stanzas in both directions (RFC 3921 §6, §8, §9) and the notices of §9.4.

use xmpp_core::Stanza;
use xmpp_jid::{BareJid, Jid};
use xmpp_xml::Element;

use super::{Contact, Notice, Server, SessionId, StoreWrite, User, bare_of};
use crate::subscription::{Direction, Kind, State, handle};

impl Server {
    /// A subscription stanza a resource of the user sent (§9.2).
    pub(super) fn outbound_subscription(&mut self, user: &mut User, kind: Kind, stanza: Stanza) {
        let Some(contact) = stanza.to().and_then(bare_of) else {
            return;
        };
        if contact.as_str() == user.jid.as_str() {
            return;
        }
        self.acknowledge(user, &contact, kind);
        let before = user.state_of(contact.as_str());
        let outcome = handle(Direction::Outbound, before, kind);
        let after = outcome.state_after(before);
        let mut changed = false;
        if after != before
            || (kind == Kind::Subscribe && !user.roster.contains_key(contact.as_str()))
        {
            changed = true;
        }
        // §8.2.1: an item made only to track the request being declined goes away.
        let drop_tracking = kind == Kind::Unsubscribed
            && after == State::None
            && user
                .roster
                .get(contact.as_str())
                .is_some_and(|c| !c.in_roster);
        if drop_tracking {
            user.roster.remove(contact.as_str());
            user.errored.retain(|c| c != contact.as_str());
            self.store(StoreWrite::RemoveContact {
                user: user.jid.clone(),
                jid: contact.clone(),
            });
        } else if changed {
            let entry = user
                .roster
                .entry(contact.as_str().to_owned())
                .or_insert_with(|| Contact::new(contact.clone()));
            entry.state = after;
            // Sending a request or an approval puts the contact in the roster (§8.2
            // rules 6 and 15).
            let appears = matches!(kind, Kind::Subscribe | Kind::Subscribed) && !entry.in_roster;
            if appears {
                entry.in_roster = true;
            }
            let entry = entry.clone();
            self.store(StoreWrite::Contact {
                user: user.jid.clone(),
                contact: entry.clone(),
            });
            if entry.in_roster && (outcome.roster_push || appears) {
                self.push_item(user, &entry);
            }
        }
        if outcome.forward {
            let from: Jid = user.jid.clone().into();
            let to: Jid = contact.clone().into();
            if let Ok(s) = stanza.readdressed(Some(&to), Some(&from)) {
                self.route(s);
            }
            match kind {
                // §8.2 rule 17: the new subscriber gets the user's current presence.
                Kind::Subscribed => self.presence_of_resources(user, &to, false),
                // §8.5: the former subscriber learns the user is gone.
                Kind::Unsubscribed if before.contact_subscribed_to_user() => {
                    self.presence_of_resources(user, &to, true)
                }
                _ => {}
            }
        }
    }

    /// A subscription stanza a contact sent the user (§9.3).
    pub(super) fn inbound_subscription(&mut self, user: &mut User, kind: Kind, stanza: Stanza) {
        let Some(contact) = stanza.from().and_then(bare_of) else {
            return;
        };
        let before = user.state_of(contact.as_str());
        let outcome = handle(Direction::Inbound, before, kind);
        let after = outcome.state_after(before);
        if !user.roster.contains_key(contact.as_str())
            && after != before
            && user.roster.values().filter(|c| !c.in_roster).count() >= super::MAX_STRANGER_REQUESTS
        {
            self.reply_error(&stanza, xmpp_core::StanzaErrorCondition::ResourceConstraint);
            return;
        }
        if outcome.forward {
            // The stanza reaches the user with the contact's bare JID and the user's bare
            // JID (§8.2 rule 7), before the roster push that follows from it (the order
            // RFC 6121 §3.3.3 gives, so that clients see the cause first).
            let from: Jid = contact.clone().into();
            let to: Jid = user.jid.clone().into();
            if let Ok(stanza) = stanza.readdressed(Some(&to), Some(&from)) {
                user.notices.retain(|n| n.from != contact);
                user.notices.push(Notice {
                    from: contact.clone(),
                    kind,
                    stanza: stanza.clone(),
                });
                self.store(StoreWrite::Notices {
                    user: user.jid.clone(),
                    notices: user.notices.clone(),
                });
                for id in self.notice_sessions(user) {
                    self.deliver(id, stanza.clone());
                }
            }
        }
        if after != before {
            let entry = user
                .roster
                .entry(contact.as_str().to_owned())
                .or_insert_with(|| Contact::new(contact.clone()));
            entry.state = after;
            let entry = entry.clone();
            self.store(StoreWrite::Contact {
                user: user.jid.clone(),
                contact: entry.clone(),
            });
            // §9.1: an item only "None + Pending In" is not pushed.
            if outcome.roster_push && entry.in_roster {
                self.push_item(user, &entry);
            }
        }
        if let Some(reply) = outcome.auto_reply {
            let e = Element::new(xmpp_core::ns::CLIENT_NS, "presence")
                .with_attr("type", reply.as_str())
                .with_attr("from", user.jid.as_str().to_owned())
                .with_attr("to", contact.as_str().to_owned());
            if let Some(s) = self.make(&e) {
                self.route(s);
            }
            // §8.4.1: with the subscription gone, the contact learns the user is gone too.
            if reply == Kind::Unsubscribed && after != before {
                let to: Jid = contact.into();
                self.presence_of_resources(user, &to, true);
            }
        }
    }

    /// The sessions that get subscription stanzas: available and interested (§8.1).
    fn notice_sessions(&self, user: &User) -> Vec<SessionId> {
        user.sessions
            .iter()
            .copied()
            .filter(|id| {
                self.sessions
                    .get(id)
                    .is_some_and(|s| s.available && s.interested)
            })
            .collect()
    }

    /// The unacknowledged notices to a session once it is both available and interested
    /// (§9.4: at each login).
    pub(super) fn send_notices(&mut self, user: &User, id: SessionId) {
        let Some(s) = self.sessions.get_mut(&id) else {
            return;
        };
        if !(s.available && s.interested) || s.notices_sent {
            return;
        }
        s.notices_sent = true;
        for n in user.notices.clone() {
            self.deliver(id, n.stanza);
        }
    }

    /// The user affirmed or denied what `contact` sent (§9.4): that notice is done.
    fn acknowledge(&mut self, user: &mut User, contact: &BareJid, reply: Kind) {
        let before = user.notices.len();
        user.notices
            .retain(|n| !(n.from == *contact && n.acknowledged_by(reply)));
        if user.notices.len() != before {
            self.store(StoreWrite::Notices {
                user: user.jid.clone(),
                notices: user.notices.clone(),
            });
        }
    }

    /// Forgets the notices of `contact` (its item was removed: §9.4).
    pub(super) fn forget_notices(&mut self, user: &mut User, contact: &str) {
        let before = user.notices.len();
        user.notices.retain(|n| n.from.as_str() != contact);
        if user.notices.len() != before {
            self.store(StoreWrite::Notices {
                user: user.jid.clone(),
                notices: user.notices.clone(),
            });
        }
    }

    /// A roster push of `contact` to each session that requested the roster (§7.2, §8.1).
    pub(super) fn push_item(&mut self, user: &User, contact: &Contact) {
        let item = contact.visible_item();
        self.push(user, item);
    }

    /// A roster push of `item` as it is.
    pub(super) fn push(&mut self, user: &User, item: crate::roster::Item) {
        let query = crate::roster::Query {
            items: vec![item],
            ..Default::default()
        }
        .to_element();
        let targets: Vec<(SessionId, String)> = user
            .sessions
            .iter()
            .filter_map(|id| {
                self.sessions
                    .get(id)
                    .filter(|s| s.interested)
                    .map(|s| (*id, s.jid.as_str().to_owned()))
            })
            .collect();
        for (id, jid) in targets {
            let push_id = self.fresh_id("push");
            let e = Element::new(xmpp_core::ns::CLIENT_NS, "iq")
                .with_attr("type", "set")
                .with_attr("id", push_id)
                .with_attr("to", jid)
                .with_child(query.clone());
            if let Some(s) = self.make(&e) {
                self.deliver(id, s);
            }
        }
    }
}
