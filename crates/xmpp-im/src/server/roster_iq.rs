//! The IQs a user sends the server about their own account: the roster (RFC 3921 §7,
//! §8.6).

use xmpp_core::ns::CLIENT_NS;
use xmpp_core::{Stanza, StanzaErrorCondition};
use xmpp_jid::Jid;
use xmpp_xml::Element;

use super::{Contact, Server, SessionId, StoreWrite, User, bare_of};
use crate::roster::{Item, NS as ROSTER_NS, Query, Subscription};

impl Server {
    /// An IQ without `to`, or to the user's bare JID or the server.
    pub(super) fn own_iq(&mut self, user: &mut User, id: SessionId, stanza: Stanza) {
        let request = match stanza.stanza_type() {
            Some("get") => Request::Get,
            Some("set") => Request::Set,
            // Results and errors (answers to roster pushes) end here.
            _ => return,
        };
        let Ok(tree) = stanza.element() else {
            self.reply_error(&stanza, StanzaErrorCondition::BadRequest);
            return;
        };
        let payload = tree.as_ref().elements().next();
        match payload {
            Some(p) if p.is(ROSTER_NS, "query") => match Query::from_element(p) {
                Ok(query) => match request {
                    Request::Get => self.roster_get(user, id, &stanza),
                    Request::Set => self.roster_set(user, &stanza, query),
                },
                Err(e) => self.reply_error(&stanza, e.condition()),
            },
            Some(p) if p.is(crate::privacy::NS, "query") => {
                match crate::privacy::Query::from_element(p) {
                    Ok(query) => {
                        self.privacy_iq(user, id, &stanza, matches!(request, Request::Set), query)
                    }
                    Err(e) => self.reply_error(&stanza, e.condition()),
                }
            }
            // RFC 3921 §2.4: a namespace not understood.
            _ => self.reply_error(&stanza, StanzaErrorCondition::ServiceUnavailable),
        }
    }

    /// §7.3: the roster, and the session becomes interested.
    fn roster_get(&mut self, user: &mut User, id: SessionId, stanza: &Stanza) {
        if let Some(s) = self.sessions.get_mut(&id) {
            s.interested = true;
        }
        let query = Query {
            items: user
                .roster
                .values()
                .filter(|c| c.in_roster)
                .map(Contact::visible_item)
                .collect(),
            ..Default::default()
        };
        self.answer(stanza, Some(query.to_element()));
        self.send_notices(user, id);
    }

    /// §7.4, §7.5 (add, update) and §7.6, §8.6 (remove).
    fn roster_set(&mut self, user: &mut User, stanza: &Stanza, query: Query) {
        // One item per set (the schema of RFC 3921 Appendix A.4 allows more; RFC 6121
        // §2.3.3 made one the rule, which keeps a set all-or-nothing).
        let mut items = query.items.into_iter();
        let (Some(item), None) = (items.next(), items.next()) else {
            self.reply_error(stanza, StanzaErrorCondition::BadRequest);
            return;
        };
        if item.jid.as_str() == user.jid.as_str() {
            self.reply_error(stanza, StanzaErrorCondition::BadRequest);
            return;
        }
        let Some(contact) = bare_of(&item.jid) else {
            self.reply_error(stanza, StanzaErrorCondition::JidMalformed);
            return;
        };
        if item.subscription == Some(Subscription::Remove) {
            self.roster_remove(user, stanza, contact);
            return;
        }
        let entry = user
            .roster
            .entry(contact.as_str().to_owned())
            .or_insert_with(|| Contact::new(contact.clone()));
        // §7.6: a `subscription` other than `remove` (and any `ask`) is not the client's
        // to set.
        let mut stored = item;
        stored.jid = contact.clone().into();
        stored.subscription = None;
        stored.ask = None;
        entry.item = stored;
        entry.in_roster = true;
        let entry = entry.clone();
        self.store(StoreWrite::Contact {
            user: user.jid.clone(),
            contact: entry.clone(),
        });
        self.push_item(user, &entry);
        self.answer(stanza, None);
    }

    /// §8.6: the subscriptions both ways end, the item goes, the resources are told.
    fn roster_remove(&mut self, user: &mut User, stanza: &Stanza, contact: xmpp_jid::BareJid) {
        let Some(entry) = user.roster.remove(contact.as_str()) else {
            // RFC 6121 §2.5.3 names this error; RFC 3921 is silent.
            self.reply_error(stanza, StanzaErrorCondition::ItemNotFound);
            return;
        };
        let own: Jid = user.jid.clone().into();
        let to: Jid = contact.clone().into();
        // §9.4: a remove counts as both `unsubscribe` and `unsubscribed`.
        for kind in ["unsubscribe", "unsubscribed"] {
            let e = Element::new(CLIENT_NS, "presence")
                .with_attr("type", kind)
                .with_attr("from", own.as_str().to_owned())
                .with_attr("to", to.as_str().to_owned());
            if let Some(s) = self.make(&e) {
                self.route(s);
            }
        }
        if entry.state.contact_subscribed_to_user() {
            self.presence_of_resources(user, &to, true);
        }
        self.forget_notices(user, contact.as_str());
        // §5.1.2: the error its server sent was about the subscription now gone.
        user.errored.retain(|c| c != contact.as_str());
        self.store(StoreWrite::RemoveContact {
            user: user.jid.clone(),
            jid: contact.clone(),
        });
        if entry.in_roster {
            let mut removed = Item::new(to);
            removed.subscription = Some(Subscription::Remove);
            self.push(user, removed);
        }
        self.answer(stanza, None);
    }

    /// The IQ result to `request`, with `payload` if any.
    pub(super) fn answer(&mut self, request: &Stanza, payload: Option<Element<'static>>) {
        let mut e = Element::new(CLIENT_NS, "iq").with_attr("type", "result");
        if let Some(id) = request.id() {
            e = e.with_attr("id", id.to_owned());
        }
        if let Some(from) = request.from() {
            e = e.with_attr("to", from.as_str().to_owned());
        }
        if let Some(p) = payload {
            e.push_child(p);
        }
        if let Some(s) = self.make(&e) {
            self.route(s);
        }
    }
}

enum Request {
    Get,
    Set,
}
