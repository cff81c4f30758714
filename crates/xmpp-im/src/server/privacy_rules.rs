//! Privacy lists in the component (RFC 3921 §10): the list in force for each stanza
//! between the user and someone else, and the `jabber:iq:privacy` requests.

use xmpp_core::ns::CLIENT_NS;
use xmpp_core::{Stanza, StanzaKind as Kind};
use xmpp_jid::Jid;
use xmpp_xml::Element;

use super::{Server, SessionId, StoreWrite, User, bare_str};
use crate::privacy::{
    ActiveChange, Contact, Context, Direction, Query, Request, StanzaKind, Verdict,
};
use crate::roster::Subscription;

impl Server {
    /// The verdict of the list in force for `session` (its active list, else the default
    /// list; the default alone when no session is concerned) on a stanza of `kind` between
    /// the user and `other` (§10.2). The roster is read at the time (§10.2 rule 9).
    pub(super) fn verdict(
        &self,
        user: &User,
        session: Option<SessionId>,
        direction: Direction,
        kind: StanzaKind,
        other: &Jid,
    ) -> Verdict {
        if user.privacy.lists.is_empty() {
            return Verdict::Allow;
        }
        let active = session
            .and_then(|id| self.sessions.get(&id))
            .and_then(|s| s.active_list.as_deref());
        let contact = match user.roster.get(bare_str(other)) {
            Some(c) if c.in_roster => Contact {
                jid: other,
                subscription: Subscription::of_state(c.state),
                groups: &c.item.groups,
            },
            _ => Contact::unknown(other),
        };
        user.privacy.decide(active, direction, kind, &contact)
    }

    /// The verdict on a received stanza, for `session` (or the account).
    pub(super) fn inbound_verdict(
        &self,
        user: &User,
        session: Option<SessionId>,
        stanza: &Stanza,
    ) -> Verdict {
        match (kind_of(stanza), stanza.from()) {
            (Some(kind), Some(from)) => self.verdict(user, session, Direction::Inbound, kind, from),
            _ => Verdict::Allow,
        }
    }

    /// The verdict on a stanza a session sends.
    pub(super) fn outbound_verdict(
        &self,
        user: &User,
        session: SessionId,
        stanza: &Stanza,
    ) -> Verdict {
        match (kind_of(stanza), stanza.to()) {
            (Some(kind), Some(to)) => {
                self.verdict(user, Some(session), Direction::Outbound, kind, to)
            }
            _ => Verdict::Allow,
        }
    }

    /// Carries out a verdict that blocks `stanza`: nothing, or the error it names.
    pub(super) fn refuse(&mut self, verdict: Verdict, stanza: &Stanza) {
        if let Verdict::Reject(condition) = verdict {
            self.reply_error(stanza, condition);
        }
    }

    /// Whether the list keeps presence to `to` from being sent (§10.11; §5.1.1, §5.1.3).
    pub(super) fn blocked_out(&self, user: &User, id: Option<SessionId>, to: Option<&Jid>) -> bool {
        to.is_some_and(|to| {
            !self
                .verdict(
                    user,
                    id,
                    Direction::Outbound,
                    StanzaKind::PresenceNotification,
                    to,
                )
                .is_allowed()
        })
    }

    /// Whether the list keeps presence from `from` out: no probe is sent there (§5.1.1).
    pub(super) fn blocked_in_presence(
        &self,
        user: &User,
        id: Option<SessionId>,
        from: &Jid,
    ) -> bool {
        !self
            .verdict(
                user,
                id,
                Direction::Inbound,
                StanzaKind::PresenceNotification,
                from,
            )
            .is_allowed()
    }

    /// A `jabber:iq:privacy` request of a session (§10.3 to §10.8).
    pub(super) fn privacy_iq(
        &mut self,
        user: &mut User,
        id: SessionId,
        stanza: &Stanza,
        set: bool,
        query: Query,
    ) {
        let active = self.sessions.get(&id).and_then(|s| s.active_list.clone());
        let others: Vec<Option<String>> = user
            .sessions
            .iter()
            .filter(|s| **s != id)
            .filter_map(|s| self.sessions.get(s))
            .map(|s| s.active_list.clone())
            .collect();
        let others: Vec<Option<&str>> = others.iter().map(Option::as_deref).collect();
        let roster = &user.roster;
        let in_roster = |group: &str| {
            roster
                .values()
                .any(|c| c.item.groups.iter().any(|g| g == group))
        };
        let context = Context {
            active: active.as_deref(),
            others: &others,
            roster_group: Some(&in_roster),
        };
        let request = if set {
            Request::Set(&query)
        } else {
            Request::Get(&query)
        };
        let outcome = match user.privacy.handle(request, &context) {
            Ok(outcome) => outcome,
            Err(e) => {
                self.reply_error(stanza, e.condition());
                return;
            }
        };
        // §10.4: the new active list applies before the result goes out.
        if let Some(s) = self.sessions.get_mut(&id) {
            match outcome.active {
                ActiveChange::Unchanged => {}
                ActiveChange::Set(name) => s.active_list = Some(name),
                ActiveChange::Cleared => s.active_list = None,
            }
        }
        if outcome.stored {
            self.store(StoreWrite::Privacy {
                user: user.jid.clone(),
                lists: user.privacy.clone(),
            });
        }
        self.answer(stanza, outcome.result.map(|q| q.to_element()));
        // §10.6, §10.7: every connected resource learns that the list changed.
        if let Some(name) = outcome.push {
            let payload = Query::push(name).to_element();
            for s in user.sessions.clone() {
                let Some(jid) = self.sessions.get(&s).map(|x| x.jid.as_str().to_owned()) else {
                    continue;
                };
                let push_id = self.fresh_id("privacy");
                let e = Element::new(CLIENT_NS, "iq")
                    .with_attr("type", "set")
                    .with_attr("id", push_id)
                    .with_attr("to", jid)
                    .with_child(payload.clone());
                if let Some(push) = self.make(&e) {
                    self.deliver(s, push);
                }
            }
        }
    }
}

/// The kind of `stanza` as privacy lists tell them apart.
fn kind_of(stanza: &Stanza) -> Option<StanzaKind> {
    let name = match stanza.kind() {
        Kind::Message => "message",
        Kind::Presence => "presence",
        Kind::Iq => "iq",
    };
    StanzaKind::classify(name, stanza.stanza_type())
}
