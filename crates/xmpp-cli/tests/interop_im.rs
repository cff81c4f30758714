//! The client side of RFC 3921 (`xmpp_im::client`) against Prosody: two accounts build a
//! mutual subscription and end it with a roster removal, each following the exchange in
//! its own roster model and presence view (RFC 3921 §7, §8.2, §8.3, §8.6).
//!
//! Prosody runs on its own ports (c2s 15232), so this test and the others of the crate
//! can run at once.

mod common;

use std::time::{Duration, Instant};

use common::*;
use xmpp_core::Event;
use xmpp_im::client::{Client, Incoming, RosterChange, requests};
use xmpp_im::roster::{Ask, Item, Subscription};
use xmpp_im::subscription::Kind;
use xmpp_jid::{BareJid, Jid};

const PORT: u16 = 15232;

/// One account: an engine session, its client state, and what it has seen.
struct Peer {
    name: &'static str,
    session: Session,
    client: Client,
    seen: usize,
    log: Vec<Incoming>,
}

impl Peer {
    fn login(jid: &str, password: &str, name: &'static str) -> Peer {
        let session = Session::login(PORT, jid, password);
        let user = Jid::parse(jid).expect("valid JID").to_bare();
        Peer {
            name,
            seen: session.events.len(),
            session,
            client: Client::new(user),
            log: Vec::new(),
        }
    }

    fn send(&mut self, e: &xmpp_xml::Element<'_>) {
        self.session.send(e);
    }

    /// Feeds every received stanza to the client state (sending the replies it asks
    /// for) until `done` holds for the state and the last stanza; fails after 15 s.
    fn until(&mut self, what: &str, mut done: impl FnMut(&Client, &Incoming) -> bool) {
        let end = Instant::now() + Duration::from_secs(15);
        loop {
            while self.seen < self.session.events.len() {
                let stanza = match &self.session.events[self.seen] {
                    Event::Stanza(s) => s.clone(),
                    _ => {
                        self.seen += 1;
                        continue;
                    }
                };
                self.seen += 1;
                let incoming = self
                    .client
                    .handle_stanza(&stanza)
                    .unwrap_or_else(|e| panic!("{}: unreadable stanza {stanza:?}: {e}", self.name));
                eprintln!("{}: {:?}", self.name, incoming);
                if let Some(reply) = incoming.reply().cloned() {
                    self.session.send(&reply);
                }
                let hit = done(&self.client, &incoming);
                self.log.push(incoming);
                if hit {
                    return;
                }
            }
            assert!(
                Instant::now() < end && !self.session.conn.is_closed(),
                "{}: {what} did not happen; seen: {:#?}",
                self.name,
                self.log
            );
            let _ = self.session.wait(Duration::from_millis(300), |e| {
                matches!(e, Event::Stanza(_))
            });
        }
    }

    fn saw_subscription(&self, kind: Kind, from: &BareJid) -> bool {
        self.log.iter().any(|i| {
            matches!(i, Incoming::Subscription { kind: k, from: f, .. } if *k == kind && f == from)
        })
    }
}

fn bare(s: &str) -> BareJid {
    BareJid::parse(s).expect("valid JID")
}

#[test]
fn subscription_lifecycle_with_prosody() {
    let Some(_server) = prosody(PORT) else {
        return;
    };
    let juliet_jid = bare("juliet@localhost");
    let romeo_jid = bare("romeo@localhost");
    let romeo_item = Jid::from(romeo_jid.clone());
    let juliet_item = Jid::from(juliet_jid.clone());

    // RFC 3921 §7.3: each reads its (empty) roster before sending initial presence.
    let mut juliet = Peer::login("juliet@localhost/balcony", "secret1", "juliet");
    let get = juliet.client.roster_mut().request("roster_1");
    juliet.send(&get);
    juliet.until("the roster result", |_, i| {
        matches!(i, Incoming::RosterLoaded(_))
    });
    assert!(juliet.client.roster().is_loaded());
    assert!(juliet.client.roster().is_empty());
    juliet.send(&xmpp_xml::Element::new(xmpp_xml::CLIENT_NS, "presence"));

    let mut romeo = Peer::login("romeo@localhost/orchard", "secret2", "romeo");
    let get = romeo.client.roster_mut().request("roster_1");
    romeo.send(&get);
    romeo.until("the roster result", |_, i| {
        matches!(i, Incoming::RosterLoaded(0))
    });
    romeo.send(&xmpp_xml::Element::new(xmpp_xml::CLIENT_NS, "presence"));

    // RFC 3921 §8.2: Juliet adds Romeo (a push with subscription 'none'), then asks for
    // his presence (a push with ask='subscribe').
    let item = Item {
        name: Some("Romeo".into()),
        groups: vec!["Friends".into()],
        ..Item::new(romeo_item.clone())
    };
    juliet.send(&requests::roster_set("add1", &item));
    juliet.until("the push of the new item", |_, i| {
        matches!(i, Incoming::RosterPush(p) if p.change == RosterChange::Added(romeo_item.clone()))
    });
    let got = juliet
        .client
        .roster()
        .get(&romeo_item)
        .expect("romeo in the roster");
    assert_eq!(got.name.as_deref(), Some("Romeo"));
    assert_eq!(got.groups, ["Friends"]);
    assert_eq!(got.subscription, Some(Subscription::None));
    juliet.send(&requests::subscription(Kind::Subscribe, &romeo_jid));
    juliet.until("the push with ask='subscribe'", |c, _| {
        c.roster()
            .get(&romeo_item)
            .is_some_and(|i| i.ask == Some(Ask::Subscribe))
    });

    // Romeo receives the request and approves it (a push with 'from'), then asks back
    // (RFC 3921 §8.3).
    romeo.until("juliet's subscribe", |_, i| {
        matches!(i, Incoming::Subscription { kind: Kind::Subscribe, from, .. } if *from == juliet_jid)
    });
    romeo.send(&requests::subscription(Kind::Subscribed, &juliet_jid));
    romeo.until("the push with 'from'", |c, _| {
        c.roster().subscription(&juliet_item) == Subscription::From
    });
    romeo.send(&requests::subscription(Kind::Subscribe, &juliet_jid));

    // Juliet learns she is subscribed ('to'), receives Romeo's request, approves it.
    juliet.until("romeo's subscribe", |_, i| {
        matches!(i, Incoming::Subscription { kind: Kind::Subscribe, from, .. } if *from == romeo_jid)
    });
    assert!(juliet.saw_subscription(Kind::Subscribed, &romeo_jid));
    assert_eq!(
        juliet.client.roster().subscription(&romeo_item),
        Subscription::To
    );
    juliet.send(&requests::subscription(Kind::Subscribed, &romeo_jid));

    // Both end with 'both', and each sees the other available.
    juliet.until("'both' and romeo's presence", |c, _| {
        c.roster().subscription(&romeo_item) == Subscription::Both
            && c.presence().is_available(&romeo_jid)
    });
    romeo.until("'both' and juliet's presence", |c, _| {
        c.roster().subscription(&juliet_item) == Subscription::Both
            && c.presence().is_available(&juliet_jid)
    });
    assert_eq!(
        juliet.client.roster().get(&romeo_item).and_then(|i| i.ask),
        None
    );
    assert_eq!(
        juliet
            .client
            .presence()
            .best(&romeo_jid)
            .map(|(r, _)| r.map(str::to_owned)),
        Some(Some("orchard".to_owned()))
    );
    let juliet_resources: Vec<_> = romeo
        .client
        .presence()
        .resources(&juliet_jid)
        .map(|(r, _)| r.map(str::to_owned))
        .collect();
    assert_eq!(juliet_resources, [Some("balcony".to_owned())]);

    // RFC 3921 §8.6: Juliet removes Romeo. Her roster loses the item and his presence;
    // Romeo is told (unsubscribe, unsubscribed), his item for Juliet ends as 'none', and
    // Juliet is unavailable to him.
    juliet.send(&requests::roster_remove("rm1", &romeo_item));
    juliet.until("the removal push", |_, i| {
        matches!(i, Incoming::RosterPush(p) if p.change == RosterChange::Removed(romeo_item.clone()))
    });
    assert_eq!(juliet.client.roster().get(&romeo_item), None);
    assert!(!juliet.client.presence().is_available(&romeo_jid));
    romeo.until("'none' and juliet unavailable", |c, _| {
        c.roster().subscription(&juliet_item) == Subscription::None
            && !c.presence().is_available(&juliet_jid)
    });
    assert!(romeo.saw_subscription(Kind::Unsubscribed, &juliet_jid));
    assert!(romeo.saw_subscription(Kind::Unsubscribe, &juliet_jid));
    let pushes = romeo
        .log
        .iter()
        .filter(|i| matches!(i, Incoming::RosterPush(_)))
        .count();
    assert!(pushes >= 4, "romeo saw {pushes} pushes");
    assert!(
        !romeo
            .log
            .iter()
            .chain(&juliet.log)
            .any(|i| matches!(i, Incoming::RosterPushRefused(_) | Incoming::Invalid { .. })),
        "a stanza from Prosody was refused"
    );
    juliet.session.close();
    romeo.session.close();
}
