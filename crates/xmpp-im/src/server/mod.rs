//! The instant-messaging half of a server (RFC 3921 §5 to §11), sans-io.
//!
//! [`Server`] is fed what happens on the server's streams — a session bound, a stanza from
//! a session, a stanza from another server, a session gone — and answers from storage. It
//! produces [`Output`]s: stanzas to deliver to a session or to route to a remote domain,
//! users to load from storage, and writes to make there. It owns no socket, clock or
//! thread, and never waits: a stanza for a user whose data is not loaded yet is parked
//! until [`Server::provide_user`] answers the [`Output::Load`] (a bounded number of them:
//! past that, stanzas for the user are answered with `resource-constraint`).
//!
//! What it does:
//!
//! - §5 presence: initial presence (probes to the contacts the user is subscribed to,
//!   broadcast to those subscribed to the user and to the user's other resources), updates,
//!   directed presence and its tracking, unavailable presence when a session ends however
//!   it ends, answers to probes by the subscription state.
//! - §6 to §9 subscriptions: every subscription stanza through [`crate::subscription::handle`]
//!   (the §9 tables), bare-JID stamping, roster pushes to the resources that requested the
//!   roster, automatic replies, the current presence sent on approval and unavailable
//!   presence on revocation, and the notices of §9.4 kept until the user acknowledges them.
//! - §7 and §8.6 the roster: get, set (add and update), remove with its `unsubscribe` and
//!   `unsubscribed` to the contact.
//! - §11 delivery: full and bare JIDs, priorities (negative ones get no messages), no such
//!   user, no such resource, IQs to a bare JID answered by the server.
//!
//! Stanzas are routed as they were received (their bytes, without building a tree) where
//! the RFC asks for nothing else; presence broadcast makes one copy per recipient with its
//! own `to`.
//!
//! # Example
//!
//! A driver feeds the component what its stream engines report and sends what comes out;
//! here a store in memory answers at once ([`Server::poll_delivery`]):
//!
//! ```
//! use xmpp_core::{Stanza, ns::CLIENT_NS};
//! use xmpp_im::server::{MemoryStore, Route, Server, SessionId};
//! use xmpp_xml::Element;
//!
//! let mut store = MemoryStore::new();
//! store.add_user(&"juliet@example.com".parse()?);
//! store.add_user(&"romeo@example.com".parse()?);
//! let mut im = Server::new(["example.com"]);
//!
//! // Two sessions bound (xmpp_core::Event::Online on the server's connections).
//! let (juliet, romeo) = (SessionId(1), SessionId(2));
//! im.session_started(juliet, "juliet@example.com/balcony".parse()?);
//! im.session_started(romeo, "romeo@example.com/orchard".parse()?);
//!
//! // Juliet's initial presence (xmpp_core::Event::Stanza, `from` stamped by the engine).
//! let presence = Element::new(CLIENT_NS, "presence")
//!     .with_attr("from", "juliet@example.com/balcony");
//! im.handle_stanza(juliet, Stanza::from_element(&presence, CLIENT_NS)?);
//! while im.poll_delivery(&mut store).is_some() {}
//!
//! // Romeo writes to her bare JID: it reaches her available resource.
//! let message = Element::new(CLIENT_NS, "message")
//!     .with_attr("from", "romeo@example.com/orchard")
//!     .with_attr("to", "juliet@example.com")
//!     .with_child(Element::new(CLIENT_NS, "body").with_text("Good night, good night!"));
//! im.handle_stanza(romeo, Stanza::from_element(&message, CLIENT_NS)?);
//! let (route, stanza) = im.poll_delivery(&mut store).expect("one delivery");
//! assert_eq!(route, Route::Session(juliet));
//! // The driver hands it to that session's connection: `connection.send_stanza(&stanza)`.
//! assert_eq!(stanza.from().map(|j| j.as_str()), Some("romeo@example.com/orchard"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Readings
//!
//! - Roster pushes go to every session that requested the roster, whether or not it has
//!   sent presence yet (RFC 6121 §2.1.6 "interested resource"); subscription requests go
//!   only to those that are also available (RFC 3921 §5.1.6, §8.1).
//! - A message to a user with no available resource of non-negative priority is not
//!   stored: it is answered with `service-unavailable` (RFC 3921 §11.1 allows either). A
//!   message of type `error` is never answered. One that an available resource would
//!   take but its privacy list keeps out is blocked, not undeliverable: dropped without
//!   an error (§10.14).
//! - A probe from an entity without a subscription gets a presence error (`forbidden`, or
//!   `not-authorized` while its request is pending), as RFC 3921 §5.1.3 says; RFC 6121
//!   answers `unsubscribed` instead.
//! - Available presence addressed to the user is delivered to all available resources
//!   whatever the sender's subscription (§11.1): a server cannot tell a broadcast from a
//!   directed presence.
//! - A roster remove sends both `unsubscribe` and `unsubscribed` to the contact (§9.4).
//! - The automatic `unsubscribed` that answers an `unsubscribe` (§8.4, §9.3 Table 4) reaches
//!   a user already in "None" or "From", where Table 4 neither delivers nor applies an
//!   inbound `unsubscribed`; the text of §8.4 asks for its delivery. The table is followed:
//!   the user gets the contact's unavailable presence, not the `unsubscribed` (RFC 6121
//!   §3.3.3 no longer sends that reply at all).
//! - An inbound subscription stanza is delivered before the roster push it causes (the order
//!   of RFC 6121 §3.3.3; RFC 3921 gives none).
//! - IQs to the server itself that are not roster queries get `service-unavailable`: a
//!   server that answers others (disco, ping, version) takes them before this component.

mod inbound;
mod outbound;
mod presence;
mod privacy_rules;
mod roster_iq;
mod store;
mod subscriptions;

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use xmpp_core::ns::{CLIENT_NS, SERVER_NS};
use xmpp_core::{Stanza, StanzaError, StanzaErrorCondition};
use xmpp_jid::{BareJid, FullJid, Jid};
use xmpp_xml::Element;

pub use store::{Contact, MemoryStore, Notice, Storage, StoreWrite, UserData};

/// How many remote domains are kept to share their names between routes: past this, a
/// route names its domain in a string of its own.
const MAX_REMOTE_DOMAINS: usize = 1024;

/// How many entities one session's directed presence is tracked for (RFC 3921 §5.1.4):
/// directed available presence to one more is refused with `resource-constraint`.
const MAX_DIRECTED: usize = 1024;

/// How many stanzas wait for one user's load: past this, a stanza for that user is
/// answered with `resource-constraint` (RFC 3920 §9.3.3) until storage answers.
const MAX_PARKED: usize = 256;
/// Requests from entities outside a user's roster kept at once (§9.4): each is a tracking
/// item and a notice. Past it, a request from another stranger is refused with
/// `resource-constraint`, so that no sender can grow a user's data without bound.
const MAX_STRANGER_REQUESTS: usize = 1000;

/// A session of the server, named by the driver (any number unique among live sessions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SessionId(pub u64);

/// Where a stanza goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// To a local session (the stanza is in `jabber:client`).
    Session(SessionId),
    /// To another server, by its domain (the stanza is in `jabber:server`).
    Remote(Arc<str>),
}

/// What the component asks of its driver.
#[derive(Debug)]
pub enum Output {
    /// Send `stanza` on the stream `route` names.
    Deliver {
        /// Where.
        route: Route,
        /// What, in the namespace of that stream.
        stanza: Stanza,
    },
    /// Load this user from storage and give the answer to [`Server::provide_user`].
    Load(BareJid),
    /// Make this change in storage.
    Store(StoreWrite),
}

/// One live session.
#[derive(Debug)]
struct Session {
    jid: Jid,
    user: Arc<str>,
    /// Requested the roster (RFC 3921 §7.3): gets pushes and subscription requests.
    interested: bool,
    /// Sent available presence without `to` and no unavailable since (§5.1.1).
    available: bool,
    priority: i8,
    /// The last broadcast available presence, as sent (no `to`).
    presence: Option<Stanza>,
    /// Entities sent directed available presence and owed an unavailable (§5.1.4).
    directed: Vec<Jid>,
    /// Whether the unacknowledged notices went to this session since it became available.
    notices_sent: bool,
    /// The privacy list the session made active (§10.4).
    active_list: Option<String>,
}

/// A loaded user.
#[derive(Debug)]
struct User {
    jid: BareJid,
    /// Whether the account exists (a user that does not is loaded only to answer for it).
    exists: bool,
    roster: std::collections::BTreeMap<String, Contact>,
    notices: Vec<Notice>,
    privacy: crate::privacy::Lists,
    sessions: Vec<SessionId>,
    /// The last unavailable presence of the user's last available resource (§5.1.3).
    last_unavailable: Option<Stanza>,
    /// Contacts whose servers answered presence with an error (§5.1.1): skipped by
    /// broadcasts until they send presence again.
    errored: Vec<String>,
}

impl User {
    fn new(jid: BareJid, data: Option<UserData>) -> Self {
        let exists = data.is_some();
        let data = data.unwrap_or_default();
        User {
            jid,
            exists,
            roster: data
                .roster
                .into_iter()
                .map(|c| (c.key().to_owned(), c))
                .collect(),
            notices: data.notices,
            privacy: data.privacy,
            sessions: Vec::new(),
            last_unavailable: None,
            errored: Vec::new(),
        }
    }

    fn state_of(&self, contact: &str) -> crate::subscription::State {
        self.roster
            .get(contact)
            .map_or(crate::subscription::State::None, |c| c.state)
    }
}

enum Slot {
    Loading(VecDeque<Work>),
    Ready(Box<User>),
}

/// A unit of work for one user.
enum Work {
    Started(SessionId),
    Ended(SessionId),
    FromSession(SessionId, Stanza),
    /// A stanza addressed to a local user (or to the server itself).
    Inbound(Stanza),
}

/// The IM component of a server: see the [module docs](self).
pub struct Server {
    domains: Vec<String>,
    sessions: HashMap<SessionId, Session>,
    by_jid: HashMap<String, SessionId>,
    users: HashMap<Arc<str>, Slot>,
    work: VecDeque<(Arc<str>, Work)>,
    out: VecDeque<Output>,
    next_id: u64,
    /// The remote domains routed to so far, shared by the routes that name them.
    remote_domains: std::collections::HashSet<Arc<str>>,
}

impl Server {
    /// A component serving the domains `domains` (the server's hostnames).
    pub fn new<D: Into<String>>(domains: impl IntoIterator<Item = D>) -> Self {
        Server {
            domains: domains.into_iter().map(Into::into).collect(),
            sessions: HashMap::new(),
            by_jid: HashMap::new(),
            users: HashMap::new(),
            work: VecDeque::new(),
            out: VecDeque::new(),
            next_id: 0,
            remote_domains: std::collections::HashSet::new(),
        }
    }

    /// A session bound `jid` (and, for an RFC 3921 client, established the session).
    /// An `id` already in use is ignored.
    pub fn session_started(&mut self, id: SessionId, jid: FullJid) {
        if self.sessions.contains_key(&id) || self.by_jid.contains_key(jid.as_str()) {
            return;
        }
        let jid: Jid = jid.into();
        let user: Arc<str> = match self.users.get_key_value(bare_str(&jid)) {
            Some((key, _)) => key.clone(),
            None => bare_str(&jid).into(),
        };
        self.by_jid.insert(jid.as_str().to_owned(), id);
        self.sessions.insert(
            id,
            Session {
                jid,
                user: user.clone(),
                interested: false,
                available: false,
                priority: 0,
                presence: None,
                directed: Vec::new(),
                notices_sent: false,
                active_list: None,
            },
        );
        self.work.push_back((user, Work::Started(id)));
        self.run();
    }

    /// The session ended, cleanly or not: its presence ends as RFC 3921 §5.1.5 says.
    pub fn session_ended(&mut self, id: SessionId) {
        if let Some(s) = self.sessions.get(&id) {
            let user = s.user.clone();
            // The resource is free at once, even if the user is still loading and the end
            // is parked: the same full JID may bind again before the load is answered.
            if self.by_jid.get(s.jid.as_str()) == Some(&id) {
                self.by_jid.remove(s.jid.as_str());
            }
            self.work.push_back((user, Work::Ended(id)));
            self.run();
        }
    }

    /// A stanza the session `id` sent (with the `from` the stream engine stamped).
    /// Stanzas of unknown sessions are dropped.
    pub fn handle_stanza(&mut self, id: SessionId, stanza: Stanza) {
        if let Some(s) = self.sessions.get(&id) {
            let user = s.user.clone();
            self.work.push_back((user, Work::FromSession(id, stanza)));
            self.run();
        }
    }

    /// A stanza another server sent, addressed to one of this server's domains (the
    /// driver has checked that its `from` belongs to the sending server).
    pub fn handle_remote(&mut self, stanza: Stanza) {
        self.route(stanza);
        self.run();
    }

    /// The answer to [`Output::Load`]: the user's data, or `None` when there is no such
    /// account. Parked stanzas for the user are processed now. An answer for a user not
    /// being loaded is ignored.
    pub fn provide_user(&mut self, user: &BareJid, data: Option<UserData>) {
        let key: Arc<str> = match self.users.get_key_value(user.as_str()) {
            Some((key, _)) => key.clone(),
            None => user.as_str().into(),
        };
        let parked = match self.users.remove(&key) {
            Some(Slot::Loading(parked)) => parked,
            Some(ready @ Slot::Ready(_)) => {
                self.users.insert(key, ready);
                return;
            }
            // Not asked for (late or repeated): it would stay in memory, and be taken for
            // the user's data when work for the user comes later.
            None => return,
        };
        self.users.insert(
            key.clone(),
            Slot::Ready(Box::new(User::new(user.clone(), data))),
        );
        for w in parked.into_iter().rev() {
            self.work.push_front((key.clone(), w));
        }
        self.run();
    }

    /// The next output, if any.
    pub fn poll_output(&mut self) -> Option<Output> {
        self.out.pop_front()
    }

    /// The next stanza to deliver, answering loads and writes from `storage` on the way:
    /// the whole driver loop when storage answers at once.
    pub fn poll_delivery(&mut self, storage: &mut impl Storage) -> Option<(Route, Stanza)> {
        loop {
            match self.out.pop_front()? {
                Output::Deliver { route, stanza } => return Some((route, stanza)),
                Output::Load(user) => {
                    let data = storage.load(&user);
                    self.provide_user(&user, data);
                }
                Output::Store(write) => storage.apply(write),
            }
        }
    }

    /// The session bound to `jid`, if any.
    pub fn session_of(&self, jid: &Jid) -> Option<SessionId> {
        self.by_jid.get(jid.as_str()).copied()
    }

    /// Whether `domain` is one of this server's.
    pub fn is_local(&self, domain: &str) -> bool {
        self.domains.iter().any(|d| d == domain)
    }

    /// Runs the queued work until none is left or all of it waits for storage.
    fn run(&mut self) {
        while let Some((key, work)) = self.work.pop_front() {
            match self.users.remove(&key) {
                Some(Slot::Ready(mut user)) => {
                    self.process(&mut user, work);
                    // A user without sessions is not kept: storage has all of it.
                    if !user.sessions.is_empty() {
                        self.users.insert(key, Slot::Ready(user));
                    }
                }
                Some(Slot::Loading(mut parked)) => {
                    match work {
                        Work::Inbound(stanza) if parked.len() >= MAX_PARKED => {
                            self.reply_error(&stanza, StanzaErrorCondition::ResourceConstraint);
                        }
                        // The sender is the loading user: the error goes straight back.
                        Work::FromSession(id, stanza) if parked.len() >= MAX_PARKED => {
                            if let Some(reply) =
                                error_reply(&stanza, StanzaErrorCondition::ResourceConstraint)
                            {
                                self.deliver(id, reply);
                            }
                        }
                        // Starts and ends are bounded by the sessions, and always kept.
                        work => parked.push_back(work),
                    }
                    self.users.insert(key, Slot::Loading(parked));
                }
                None => {
                    let Ok(jid) = BareJid::parse(&key) else {
                        continue;
                    };
                    self.out.push_back(Output::Load(jid));
                    self.users
                        .insert(key, Slot::Loading(VecDeque::from([work])));
                }
            }
        }
    }

    fn process(&mut self, user: &mut User, work: Work) {
        match work {
            Work::Started(id) => {
                if self.sessions.contains_key(&id) && !user.sessions.contains(&id) {
                    user.sessions.push(id);
                }
            }
            Work::Ended(id) => self.end_session(user, id),
            Work::FromSession(id, stanza) => {
                if self.sessions.contains_key(&id) {
                    self.outbound(user, id, stanza);
                }
            }
            Work::Inbound(stanza) => self.inbound(user, stanza),
        }
    }

    fn end_session(&mut self, user: &mut User, id: SessionId) {
        let available = self.sessions.get(&id).is_some_and(|s| s.available);
        let owed = self
            .sessions
            .get(&id)
            .is_some_and(|s| !s.directed.is_empty());
        if available || owed {
            self.go_unavailable(user, id, None);
        }
        if let Some(s) = self.sessions.remove(&id)
            && self.by_jid.get(s.jid.as_str()) == Some(&id)
        {
            self.by_jid.remove(s.jid.as_str());
        }
        user.sessions.retain(|s| *s != id);
    }

    /// Sends `stanza` towards its `to`: into the work of a local user, or out to the
    /// remote domain. Stanzas without `to` are dropped.
    fn route(&mut self, stanza: Stanza) {
        let Some(to) = stanza.to() else {
            return;
        };
        if self.is_local(to.domain()) {
            let key: Arc<str> = match self.users.get_key_value(bare_str(to)) {
                Some((key, _)) => key.clone(),
                None => bare_str(to).into(),
            };
            self.work.push_back((key, Work::Inbound(stanza)));
        } else {
            let domain = match self.remote_domains.get(to.domain()) {
                Some(d) => d.clone(),
                None => {
                    let d: Arc<str> = to.domain().into();
                    if self.remote_domains.len() < MAX_REMOTE_DOMAINS {
                        self.remote_domains.insert(d.clone());
                    }
                    d
                }
            };
            if let Ok(stanza) = stanza.into_namespace(SERVER_NS) {
                self.out.push_back(Output::Deliver {
                    route: Route::Remote(domain),
                    stanza,
                });
            }
        }
    }

    /// Hands `stanza` to the local session `id`.
    fn deliver(&mut self, id: SessionId, stanza: Stanza) {
        if let Ok(stanza) = stanza.into_namespace(CLIENT_NS) {
            self.out.push_back(Output::Deliver {
                route: Route::Session(id),
                stanza,
            });
        }
    }

    /// Answers `original` with the stanza error `condition` (RFC 3920 §9.3), unless it is
    /// itself an error or an IQ result.
    fn reply_error(&mut self, original: &Stanza, condition: StanzaErrorCondition) {
        if let Some(reply) = error_reply(original, condition) {
            self.route(reply);
        }
    }

    /// A stanza the server makes, in `jabber:client`.
    fn make(&self, element: &Element<'_>) -> Option<Stanza> {
        Stanza::from_element(element, CLIENT_NS).ok()
    }

    fn store(&mut self, write: StoreWrite) {
        self.out.push_back(Output::Store(write));
    }

    fn fresh_id(&mut self, prefix: &str) -> String {
        self.next_id += 1;
        format!("{prefix}{}", self.next_id)
    }

    /// The sessions of `user` that sent available presence.
    fn available_sessions(&self, user: &User) -> Vec<SessionId> {
        user.sessions
            .iter()
            .copied()
            .filter(|id| self.sessions.get(id).is_some_and(|s| s.available))
            .collect()
    }
}

/// The stanza error `condition` answering `original`, unless it is itself an error or an
/// IQ result.
fn error_reply(original: &Stanza, condition: StanzaErrorCondition) -> Option<Stanza> {
    let tree = original.element().ok()?;
    let reply = StanzaError::new(condition).reply_to(tree.as_ref())?;
    Stanza::from_element(&reply, original.stream_namespace()).ok()
}

/// The bare part of a JID's text: no allocation.
fn bare_str(jid: &Jid) -> &str {
    let s = jid.as_str();
    match jid.resource() {
        Some(r) => s.get(..s.len() - r.len() - 1).unwrap_or(s),
        None => s,
    }
}

/// A JID's bare form.
fn bare_of(jid: &Jid) -> Option<BareJid> {
    BareJid::parse(bare_str(jid)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    // The remote domains kept for sharing are bounded: a session writing to ever new
    // domains does not grow the server for its whole life.
    #[test]
    fn remote_domains_kept_are_bounded() {
        let mut im = Server::new(["example.com"]);
        im.session_started(SessionId(1), "juliet@example.com/balcony".parse().unwrap());
        let juliet: BareJid = "juliet@example.com".parse().unwrap();
        im.provide_user(&juliet, Some(UserData::default()));
        for i in 0..(MAX_REMOTE_DOMAINS + 100) {
            let e = Element::new(CLIENT_NS, "message")
                .with_attr("from", "juliet@example.com/balcony")
                .with_attr("to", format!("someone@d{i}.example.net"));
            im.handle_stanza(SessionId(1), Stanza::from_element(&e, CLIENT_NS).unwrap());
            while im.poll_output().is_some() {}
        }
        assert!(im.remote_domains.len() <= MAX_REMOTE_DOMAINS);
    }

    // RFC 3921 §5.1.4: each entity sent directed presence is remembered until the session
    // goes unavailable; a session cannot make that list grow without bound.
    #[test]
    fn directed_presence_list_is_bounded() {
        let mut im = Server::new(["example.com"]);
        im.session_started(SessionId(1), "juliet@example.com/balcony".parse().unwrap());
        let juliet: BareJid = "juliet@example.com".parse().unwrap();
        im.provide_user(&juliet, Some(UserData::default()));
        let mut refused = 0;
        for i in 0..(MAX_DIRECTED + 10) {
            let e = Element::new(CLIENT_NS, "presence")
                .with_attr("from", "juliet@example.com/balcony")
                .with_attr("to", format!("e{i}@remote.example.net"));
            im.handle_stanza(SessionId(1), Stanza::from_element(&e, CLIENT_NS).unwrap());
            while let Some(o) = im.poll_output() {
                if let Output::Deliver { route, stanza } = o
                    && route == Route::Session(SessionId(1))
                    && stanza.stanza_type() == Some("error")
                {
                    refused += 1;
                }
            }
        }
        let kept = im
            .sessions
            .get(&SessionId(1))
            .map_or(0, |s| s.directed.len());
        assert!(kept <= MAX_DIRECTED, "{kept} kept");
        assert_eq!(refused, 10, "the presence past the bound is refused");
    }

    // Stanzas for a user whose load storage does not answer wait in a bounded queue; the
    // ones past the bound are answered with an error, in the sender's own stream.
    #[test]
    fn parked_work_is_bounded() {
        let mut im = Server::new(["example.com"]);
        im.session_started(SessionId(1), "juliet@example.com/balcony".parse().unwrap());
        let juliet: BareJid = "juliet@example.com".parse().unwrap();
        im.provide_user(&juliet, Some(UserData::default()));
        // Romeo's own session, whose load is never answered either.
        im.session_started(SessionId(2), "romeo@example.com/orchard".parse().unwrap());
        let mut refused = (0, 0);
        for i in 0..(MAX_PARKED + 10) {
            let e = Element::new(CLIENT_NS, "message")
                .with_attr("from", "juliet@example.com/balcony")
                .with_attr("to", "romeo@example.com")
                .with_attr("id", format!("m{i}"));
            im.handle_stanza(SessionId(1), Stanza::from_element(&e, CLIENT_NS).unwrap());
            let e = Element::new(CLIENT_NS, "message")
                .with_attr("from", "romeo@example.com/orchard")
                .with_attr("to", "juliet@example.com/balcony")
                .with_attr("id", format!("r{i}"));
            im.handle_stanza(SessionId(2), Stanza::from_element(&e, CLIENT_NS).unwrap());
            while let Some(o) = im.poll_output() {
                if let Output::Deliver { route, stanza } = o
                    && stanza.stanza_type() == Some("error")
                {
                    match route {
                        Route::Session(SessionId(1)) => refused.0 += 1,
                        Route::Session(SessionId(2)) => refused.1 += 1,
                        _ => {}
                    }
                }
            }
        }
        let parked = match im.users.get("romeo@example.com") {
            Some(Slot::Loading(q)) => q.len(),
            _ => 0,
        };
        assert!(parked <= MAX_PARKED, "{parked} parked");
        assert!(refused.0 > 0 && refused.1 > 0, "{refused:?}");
        // Romeo's start is parked too, and nothing is lost unanswered.
        assert_eq!(refused.0 + refused.1 + parked - 1, 2 * (MAX_PARKED + 10));
    }
}

#[cfg(test)]
mod tracking_tests {
    use super::*;

    fn send(im: &mut Server, id: SessionId, e: Element<'_>, remote: bool) {
        if remote {
            im.handle_remote(Stanza::from_element(&e, SERVER_NS).unwrap());
        } else {
            im.handle_stanza(id, Stanza::from_element(&e, CLIENT_NS).unwrap());
        }
        while im.poll_output().is_some() {}
    }

    // §5.1.2 with §8.2.1: an item kept only to track a request goes away when the request
    // is declined, and so does the presence error its sender's server sent; requests from
    // ever new entities leave nothing behind.
    #[test]
    fn declined_requests_leave_no_errored_contacts() {
        let mut im = Server::new(["example.com"]);
        im.session_started(SessionId(1), "juliet@example.com/balcony".parse().unwrap());
        let juliet: BareJid = "juliet@example.com".parse().unwrap();
        im.provide_user(&juliet, Some(UserData::default()));
        for i in 0..20 {
            let from = format!("e{i}@remote.example.net");
            for kind in ["subscribe", "error"] {
                let e = Element::new(SERVER_NS, "presence")
                    .with_attr("from", from.clone())
                    .with_attr("to", "juliet@example.com")
                    .with_attr("type", kind);
                send(&mut im, SessionId(1), e, true);
            }
            let e = Element::new(CLIENT_NS, "presence")
                .with_attr("from", "juliet@example.com/balcony")
                .with_attr("to", from)
                .with_attr("type", "unsubscribed");
            send(&mut im, SessionId(1), e, false);
        }
        let Some(Slot::Ready(user)) = im.users.get("juliet@example.com") else {
            panic!("juliet is loaded");
        };
        assert!(user.roster.is_empty());
        assert!(user.errored.is_empty(), "{:?}", user.errored);
    }
}
