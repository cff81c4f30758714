//! Scenarios of RFC 3921 §5, §7, §8, §9.4 and §11 on the server component alone, with
//! the in-memory store. Each test names the rule it proves.

use xmpp_core::Stanza;
use xmpp_core::ns::{CLIENT_NS, SERVER_NS};
use xmpp_im::server::{MemoryStore, Route, Server, SessionId};
use xmpp_im::subscription::State;
use xmpp_jid::{BareJid, FullJid, Jid};
use xmpp_xml::{Element, Event, Limits, Parser};

const JULIET: SessionId = SessionId(1);
const BALCONY2: SessionId = SessionId(2);
const ROMEO: SessionId = SessionId(3);

fn element(xml: &str) -> Element<'static> {
    let mut p = Parser::document(Limits::default());
    p.feed(xml.as_bytes());
    match p.next_event() {
        Ok(Some(Event::Stanza(s))) => s.to_element().expect("tree").into_owned(),
        other => panic!("not an element: {other:?}"),
    }
}

fn stanza(xml: &str) -> Stanza {
    let mut e = element(xml);
    if e.namespace().is_empty() {
        e.rename_namespace("", CLIENT_NS);
    }
    Stanza::from_element(&e, CLIENT_NS).expect("a stanza")
}

fn remote_stanza(xml: &str) -> Stanza {
    let e = element(xml);
    Stanza::from_element(&e, SERVER_NS).expect("a stanza")
}

fn bare(s: &str) -> BareJid {
    s.parse().unwrap()
}

/// One delivery, read back as a tree.
#[derive(Debug)]
struct Got {
    route: Route,
    tree: Element<'static>,
}

impl Got {
    fn attr(&self, name: &str) -> Option<&str> {
        self.tree.attr(name)
    }
    fn name(&self) -> &str {
        self.tree.name()
    }
    fn error_condition(&self) -> Option<String> {
        let e = self.tree.elements().find(|c| c.name() == "error")?;
        e.elements().next().map(|c| c.name().to_owned())
    }
}

struct World {
    server: Server,
    store: MemoryStore,
}

impl World {
    fn new() -> Self {
        let mut store = MemoryStore::new();
        for u in [
            "juliet@example.com",
            "romeo@example.com",
            "nurse@example.com",
        ] {
            store.add_user(&bare(u));
        }
        World {
            server: Server::new(["example.com"]),
            store,
        }
    }

    fn drain(&mut self) -> Vec<Got> {
        let mut got = Vec::new();
        while let Some((route, stanza)) = self.server.poll_delivery(&mut self.store) {
            let expected = match route {
                Route::Session(_) => CLIENT_NS,
                Route::Remote(_) => SERVER_NS,
            };
            assert_eq!(stanza.stream_namespace(), expected);
            let tree = stanza.element().expect("delivered stanzas read back");
            got.push(Got { route, tree });
        }
        got
    }

    fn start(&mut self, id: SessionId, jid: &str) -> Vec<Got> {
        self.server
            .session_started(id, jid.parse::<FullJid>().unwrap());
        self.drain()
    }

    fn send(&mut self, id: SessionId, xml: &str) -> Vec<Got> {
        self.server.handle_stanza(id, stanza(xml));
        self.drain()
    }

    fn remote(&mut self, xml: &str) -> Vec<Got> {
        self.server.handle_remote(remote_stanza(xml));
        self.drain()
    }

    fn state(&self, user: &str, contact: &str) -> Option<(State, bool)> {
        self.store
            .user(&bare(user))?
            .roster
            .iter()
            .find(|c| c.key() == contact)
            .map(|c| (c.state, c.in_roster))
    }

    /// Juliet online at `balcony`, roster requested, available.
    fn juliet_online(&mut self) -> Vec<Got> {
        self.start(JULIET, "juliet@example.com/balcony");
        self.send(JULIET, "<iq from='juliet@example.com/balcony' type='get' id='r1'><query xmlns='jabber:iq:roster'/></iq>");
        self.send(JULIET, "<presence from='juliet@example.com/balcony'/>")
    }

    fn romeo_online(&mut self) -> Vec<Got> {
        self.start(ROMEO, "romeo@example.com/orchard");
        self.send(ROMEO, "<iq from='romeo@example.com/orchard' type='get' id='r1'><query xmlns='jabber:iq:roster'/></iq>");
        self.send(ROMEO, "<presence from='romeo@example.com/orchard'/>")
    }

    /// Juliet and Romeo subscribed both ways, through the §8.2 and §8.3 flows.
    fn mutual(&mut self) {
        self.send(
            JULIET,
            "<presence from='juliet@example.com/balcony' to='romeo@example.com' type='subscribe'/>",
        );
        self.send(ROMEO, "<presence from='romeo@example.com/orchard' to='juliet@example.com' type='subscribed'/>");
        self.send(
            ROMEO,
            "<presence from='romeo@example.com/orchard' to='juliet@example.com' type='subscribe'/>",
        );
        self.send(JULIET, "<presence from='juliet@example.com/balcony' to='romeo@example.com' type='subscribed'/>");
        assert_eq!(
            self.state("juliet@example.com", "romeo@example.com"),
            Some((State::Both, true))
        );
        assert_eq!(
            self.state("romeo@example.com", "juliet@example.com"),
            Some((State::Both, true))
        );
    }
}

fn to_session(got: &[Got], id: SessionId) -> Vec<&Got> {
    got.iter()
        .filter(|g| g.route == Route::Session(id))
        .collect()
}

fn pushes(got: &[Got], id: SessionId) -> Vec<(String, Option<String>, Option<String>)> {
    to_session(got, id)
        .into_iter()
        .filter(|g| g.name() == "iq" && g.attr("type") == Some("set"))
        .filter_map(|g| {
            let q = g.tree.child("jabber:iq:roster", "query")?;
            let item = q.elements().next()?;
            Some((
                item.attr("jid")?.to_owned(),
                item.attr("subscription").map(str::to_owned),
                item.attr("ask").map(str::to_owned),
            ))
        })
        .collect()
}

// ---- §11 delivery ----

/// RFC 3921 §11.1 rule 4.1: a message to the bare JID goes to the highest priority.
#[test]
fn bare_jid_message_goes_to_highest_priority() {
    let mut w = World::new();
    w.juliet_online();
    w.start(BALCONY2, "juliet@example.com/chamber");
    w.send(
        BALCONY2,
        "<presence from='juliet@example.com/chamber'><priority>5</priority></presence>",
    );
    w.romeo_online();
    let got = w.send(ROMEO, "<message from='romeo@example.com/orchard' to='juliet@example.com' type='chat'><body>hi</body></message>");
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].route, Route::Session(BALCONY2));
    // §11.1: the bare JID stays the `to`.
    assert_eq!(got[0].attr("to"), Some("juliet@example.com"));
}

/// §11.1 rule 4.1, MAY: resources tied at the top priority all get the message.
#[test]
fn tied_priorities_all_get_the_message() {
    let mut w = World::new();
    w.juliet_online();
    w.start(BALCONY2, "juliet@example.com/chamber");
    w.send(BALCONY2, "<presence from='juliet@example.com/chamber'/>");
    w.romeo_online();
    let got = w.send(ROMEO, "<message from='romeo@example.com/orchard' to='juliet@example.com'><body>hi</body></message>");
    assert_eq!(got.len(), 2, "{got:?}");
}

/// §11.1: no message to a negative priority; with only those, as if no resource were
/// available (service-unavailable, no storage).
#[test]
fn negative_priority_gets_no_message() {
    let mut w = World::new();
    w.start(JULIET, "juliet@example.com/balcony");
    w.send(
        JULIET,
        "<presence from='juliet@example.com/balcony'><priority>-1</priority></presence>",
    );
    w.romeo_online();
    let got = w.send(ROMEO, "<message from='romeo@example.com/orchard' to='juliet@example.com' id='m1'><body>hi</body></message>");
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].route, Route::Session(ROMEO));
    assert_eq!(got[0].attr("type"), Some("error"));
    assert_eq!(
        got[0].error_condition().as_deref(),
        Some("service-unavailable")
    );
    // But to the full JID it is delivered (§11.1 rule 3.1).
    let got = w.send(ROMEO, "<message from='romeo@example.com/orchard' to='juliet@example.com/balcony'><body>hi</body></message>");
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].route, Route::Session(JULIET));
}

/// §11.1 rule 2: no such user: message and IQ get service-unavailable, presence nothing.
#[test]
fn no_such_user() {
    let mut w = World::new();
    w.romeo_online();
    let got = w.send(ROMEO, "<message from='romeo@example.com/orchard' to='nobody@example.com' id='m'><body>x</body></message>");
    assert_eq!(got.len(), 1);
    assert_eq!(
        got[0].error_condition().as_deref(),
        Some("service-unavailable")
    );
    let got = w.send(ROMEO, "<iq from='romeo@example.com/orchard' to='nobody@example.com/x' type='get' id='q'><query xmlns='jabber:iq:version'/></iq>");
    assert_eq!(
        got[0].error_condition().as_deref(),
        Some("service-unavailable")
    );
    let got = w.send(
        ROMEO,
        "<presence from='romeo@example.com/orchard' to='nobody@example.com'/>",
    );
    assert!(got.is_empty(), "{got:?}");
    // An error message is never answered.
    let got = w.send(ROMEO, "<message from='romeo@example.com/orchard' to='nobody@example.com' type='error'><error type='cancel'><gone xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>");
    assert!(got.is_empty(), "{got:?}");
}

/// §11.1 rule 3.2: no such resource: presence dropped, IQ service-unavailable, message
/// as to the bare JID.
#[test]
fn no_such_resource() {
    let mut w = World::new();
    w.juliet_online();
    w.romeo_online();
    let got = w.send(
        ROMEO,
        "<presence from='romeo@example.com/orchard' to='juliet@example.com/gone'/>",
    );
    assert!(to_session(&got, JULIET).is_empty(), "{got:?}");
    let got = w.send(ROMEO, "<iq from='romeo@example.com/orchard' to='juliet@example.com/gone' type='get' id='v'><query xmlns='jabber:iq:version'/></iq>");
    assert_eq!(got[0].route, Route::Session(ROMEO));
    assert_eq!(
        got[0].error_condition().as_deref(),
        Some("service-unavailable")
    );
    let got = w.send(ROMEO, "<message from='romeo@example.com/orchard' to='juliet@example.com/gone'><body>x</body></message>");
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].route, Route::Session(JULIET));
}

/// §11.1 rule 4.4: an IQ to a bare JID is the server's: never passed to a resource.
#[test]
fn iq_to_bare_jid_is_answered_by_the_server() {
    let mut w = World::new();
    w.juliet_online();
    w.romeo_online();
    let got = w.send(ROMEO, "<iq from='romeo@example.com/orchard' to='juliet@example.com' type='get' id='v'><query xmlns='jabber:iq:version'/></iq>");
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].route, Route::Session(ROMEO));
    assert_eq!(
        got[0].error_condition().as_deref(),
        Some("service-unavailable")
    );
    // An IQ to a full JID goes to that resource (§11.1 rule 3.1).
    let got = w.send(ROMEO, "<iq from='romeo@example.com/orchard' to='juliet@example.com/balcony' type='get' id='v2'><query xmlns='jabber:iq:version'/></iq>");
    assert_eq!(got[0].route, Route::Session(JULIET));
}

/// §11.2: a stanza for another domain goes out to it, in `jabber:server`.
#[test]
fn foreign_domain_is_routed_out() {
    let mut w = World::new();
    w.romeo_online();
    let got = w.send(ROMEO, "<message from='romeo@example.com/orchard' to='mercutio@example.org'><body>x</body></message>");
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].route, Route::Remote("example.org".into()));
    assert_eq!(got[0].tree.namespace(), SERVER_NS);
}

// ---- §7 roster ----

/// §7.3, §7.4, §7.6: get, add (pushed to the interested resources, result to the
/// requester), remove.
#[test]
fn roster_get_set_remove() {
    let mut w = World::new();
    w.start(JULIET, "juliet@example.com/balcony");
    w.start(BALCONY2, "juliet@example.com/chamber");
    let got = w.send(JULIET, "<iq from='juliet@example.com/balcony' type='get' id='r1'><query xmlns='jabber:iq:roster'/></iq>");
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].attr("type"), Some("result"));
    assert_eq!(got[0].attr("id"), Some("r1"));
    let got = w.send(JULIET, "<iq from='juliet@example.com/balcony' type='set' id='r2'><query xmlns='jabber:iq:roster'><item jid='nurse@example.com' name='Nurse' subscription='both'><group>Servants</group></item></query></iq>");
    // §7.3: the chamber resource never asked for the roster: no push there.
    assert!(to_session(&got, BALCONY2).is_empty(), "{got:?}");
    assert_eq!(
        pushes(&got, JULIET),
        vec![("nurse@example.com".into(), Some("none".into()), None)],
        "§7.6: the client's subscription='both' is disregarded"
    );
    assert!(
        got.iter()
            .any(|g| g.attr("type") == Some("result") && g.attr("id") == Some("r2"))
    );
    assert_eq!(
        w.state("juliet@example.com", "nurse@example.com"),
        Some((State::None, true))
    );
    let got = w.send(JULIET, "<iq from='juliet@example.com/balcony' type='get' id='r3'><query xmlns='jabber:iq:roster'/></iq>");
    let q = got[0].tree.child("jabber:iq:roster", "query").unwrap();
    let item = q.elements().next().unwrap();
    assert_eq!(item.attr("name"), Some("Nurse"));
    assert_eq!(item.elements().next().unwrap().text(), "Servants");
    let got = w.send(JULIET, "<iq from='juliet@example.com/balcony' type='set' id='r4'><query xmlns='jabber:iq:roster'><item jid='nurse@example.com' subscription='remove'/></query></iq>");
    assert_eq!(
        pushes(&got, JULIET),
        vec![("nurse@example.com".into(), Some("remove".into()), None)]
    );
    assert!(
        got.iter()
            .any(|g| g.attr("type") == Some("result") && g.attr("id") == Some("r4"))
    );
    assert_eq!(w.state("juliet@example.com", "nurse@example.com"), None);
}

/// Roster sets the RFC refuses: an item without `jid` (bad-request), two items, and a
/// remove of an item that is not there (item-not-found, RFC 6121 §2.5.3).
#[test]
fn roster_set_errors() {
    let mut w = World::new();
    w.juliet_online();
    let got = w.send(JULIET, "<iq from='juliet@example.com/balcony' type='set' id='e1'><query xmlns='jabber:iq:roster'><item name='x'/></query></iq>");
    assert_eq!(got[0].error_condition().as_deref(), Some("bad-request"));
    let got = w.send(JULIET, "<iq from='juliet@example.com/balcony' type='set' id='e2'><query xmlns='jabber:iq:roster'><item jid='a@example.com'/><item jid='b@example.com'/></query></iq>");
    assert_eq!(got[0].error_condition().as_deref(), Some("bad-request"));
    let got = w.send(JULIET, "<iq from='juliet@example.com/balcony' type='set' id='e3'><query xmlns='jabber:iq:roster'><item jid='a@example.com' subscription='remove'/></query></iq>");
    assert_eq!(got[0].error_condition().as_deref(), Some("item-not-found"));
    // §2.4: a namespace the server does not know.
    let got = w.send(JULIET, "<iq from='juliet@example.com/balcony' type='get' id='e4'><query xmlns='urn:example:unknown'/></iq>");
    assert_eq!(
        got[0].error_condition().as_deref(),
        Some("service-unavailable")
    );
}

// ---- §8 subscriptions, end to end between two local users ----

/// §8.2 and §8.3: Juliet subscribes to Romeo, Romeo approves and subscribes back, Juliet
/// approves: pushes, deliveries, bare-JID stamps and presence at each step.
#[test]
fn subscription_flow_both_ways() {
    let mut w = World::new();
    w.juliet_online();
    w.romeo_online();
    let got = w.send(
        JULIET,
        "<presence from='juliet@example.com/balcony' to='romeo@example.com' type='subscribe'/>",
    );
    // §8.2 rules 5 and 6: the item is made and pushed with ask='subscribe'.
    assert_eq!(
        pushes(&got, JULIET),
        vec![(
            "romeo@example.com".into(),
            Some("none".into()),
            Some("subscribe".into())
        )]
    );
    // Rule 7: Romeo's resource gets it from Juliet's bare JID.
    let req: Vec<_> = to_session(&got, ROMEO);
    assert_eq!(req.len(), 1, "{got:?}");
    assert_eq!(req[0].attr("from"), Some("juliet@example.com"));
    assert_eq!(req[0].attr("type"), Some("subscribe"));
    // §9.1: Romeo's item, only "None + Pending In", is not pushed.
    assert!(pushes(&got, ROMEO).is_empty());
    assert_eq!(
        w.state("romeo@example.com", "juliet@example.com"),
        Some((State::NonePendingIn, false))
    );

    let got = w.send(
        ROMEO,
        "<presence from='romeo@example.com/orchard' to='juliet@example.com' type='subscribed'/>",
    );
    // Rule 15: pushed as `from` even without a roster set.
    assert_eq!(
        pushes(&got, ROMEO),
        vec![("juliet@example.com".into(), Some("from".into()), None)]
    );
    // Rules 21, 22: Juliet gets `subscribed` and a push as `to`.
    assert_eq!(
        pushes(&got, JULIET),
        vec![("romeo@example.com".into(), Some("to".into()), None)]
    );
    let to_juliet = to_session(&got, JULIET);
    assert!(to_juliet.iter().any(
        |g| g.attr("type") == Some("subscribed") && g.attr("from") == Some("romeo@example.com")
    ));
    // Rule 17: and Romeo's current presence.
    assert!(
        to_juliet.iter().any(|g| g.name() == "presence"
            && g.attr("type").is_none()
            && g.attr("from") == Some("romeo@example.com/orchard")),
        "{got:?}"
    );

    let got = w.send(
        ROMEO,
        "<presence from='romeo@example.com/orchard' to='juliet@example.com' type='subscribe'/>",
    );
    // §8.3 rule 2: pushed as from + ask.
    assert_eq!(
        pushes(&got, ROMEO),
        vec![(
            "juliet@example.com".into(),
            Some("from".into()),
            Some("subscribe".into())
        )]
    );
    let got = w.send(
        JULIET,
        "<presence from='juliet@example.com/balcony' to='romeo@example.com' type='subscribed'/>",
    );
    assert_eq!(
        pushes(&got, JULIET),
        vec![("romeo@example.com".into(), Some("both".into()), None)]
    );
    assert_eq!(
        pushes(&got, ROMEO),
        vec![("juliet@example.com".into(), Some("both".into()), None)]
    );
    assert_eq!(
        w.state("juliet@example.com", "romeo@example.com"),
        Some((State::Both, true))
    );
}

/// §8.2.1: declining removes the item made only to track the request; the requester sees
/// its item back at `none` without `ask`.
#[test]
fn declined_request() {
    let mut w = World::new();
    w.juliet_online();
    w.romeo_online();
    w.send(
        JULIET,
        "<presence from='juliet@example.com/balcony' to='romeo@example.com' type='subscribe'/>",
    );
    let got = w.send(
        ROMEO,
        "<presence from='romeo@example.com/orchard' to='juliet@example.com' type='unsubscribed'/>",
    );
    assert_eq!(w.state("romeo@example.com", "juliet@example.com"), None);
    assert_eq!(
        pushes(&got, JULIET),
        vec![("romeo@example.com".into(), Some("none".into()), None)]
    );
    assert!(
        to_session(&got, JULIET)
            .iter()
            .any(|g| g.attr("type") == Some("unsubscribed"))
    );
}

/// §8.4 and §8.5: unsubscribing and revoking, with the unavailable presence that follows.
#[test]
fn unsubscribe_and_revoke() {
    let mut w = World::new();
    w.juliet_online();
    w.romeo_online();
    w.mutual();
    // §8.4.2: Juliet unsubscribes from Romeo: Both -> From for her, To for him.
    let got = w.send(
        JULIET,
        "<presence from='juliet@example.com/balcony' to='romeo@example.com' type='unsubscribe'/>",
    );
    assert_eq!(
        w.state("juliet@example.com", "romeo@example.com"),
        Some((State::From, true))
    );
    assert_eq!(
        w.state("romeo@example.com", "juliet@example.com"),
        Some((State::To, true))
    );
    // Romeo's server answers `unsubscribed` and unavailable presence from his resource.
    // The `unsubscribed` finds Juliet already in "From", where §9.3 Table 4 neither
    // delivers nor applies it; the unavailable presence reaches her.
    let to_juliet = to_session(&got, JULIET);
    assert!(
        !to_juliet
            .iter()
            .any(|g| g.attr("type") == Some("unsubscribed")),
        "{got:?}"
    );
    assert!(
        to_juliet
            .iter()
            .any(|g| g.attr("type") == Some("unavailable")
                && g.attr("from") == Some("romeo@example.com/orchard")),
        "{got:?}"
    );
    // §8.5.1: Juliet revokes Romeo's subscription: From -> None, To -> None.
    let got = w.send(
        JULIET,
        "<presence from='juliet@example.com/balcony' to='romeo@example.com' type='unsubscribed'/>",
    );
    assert_eq!(
        w.state("juliet@example.com", "romeo@example.com"),
        Some((State::None, true))
    );
    assert_eq!(
        w.state("romeo@example.com", "juliet@example.com"),
        Some((State::None, true))
    );
    let to_romeo = to_session(&got, ROMEO);
    assert!(
        to_romeo
            .iter()
            .any(|g| g.attr("type") == Some("unavailable")
                && g.attr("from") == Some("juliet@example.com/balcony")),
        "{got:?}"
    );
}

/// §8.6: removing a contact with a mutual subscription ends both directions on both
/// sides; the contact gets unavailable presence and pushes.
#[test]
fn roster_remove_cancels_subscriptions() {
    let mut w = World::new();
    w.juliet_online();
    w.romeo_online();
    w.mutual();
    let got = w.send(JULIET, "<iq from='juliet@example.com/balcony' type='set' id='rm'><query xmlns='jabber:iq:roster'><item jid='romeo@example.com' subscription='remove'/></query></iq>");
    assert_eq!(w.state("juliet@example.com", "romeo@example.com"), None);
    assert_eq!(
        w.state("romeo@example.com", "juliet@example.com"),
        Some((State::None, true))
    );
    assert_eq!(
        pushes(&got, JULIET),
        vec![("romeo@example.com".into(), Some("remove".into()), None)]
    );
    let to_romeo = to_session(&got, ROMEO);
    assert!(
        to_romeo
            .iter()
            .any(|g| g.attr("type") == Some("unsubscribe"))
    );
    assert!(
        to_romeo
            .iter()
            .any(|g| g.attr("type") == Some("unsubscribed"))
    );
    assert!(
        to_romeo
            .iter()
            .any(|g| g.attr("type") == Some("unavailable"))
    );
    assert!(
        got.iter()
            .any(|g| g.attr("id") == Some("rm") && g.attr("type") == Some("result"))
    );
}

/// §9.4 and §5.1.6: a request for an offline user is kept and delivered at each login
/// until acknowledged; a resource that did not request the roster does not get it.
#[test]
fn notices_wait_for_acknowledgement() {
    let mut w = World::new();
    w.juliet_online();
    let got = w.send(
        JULIET,
        "<presence from='juliet@example.com/balcony' to='romeo@example.com' type='subscribe'/>",
    );
    assert!(
        got.iter().all(|g| g.route == Route::Session(JULIET)),
        "nobody to deliver to yet"
    );
    // A session that does not ask for the roster gets nothing.
    w.start(ROMEO, "romeo@example.com/orchard");
    let got = w.send(ROMEO, "<presence from='romeo@example.com/orchard'/>");
    assert!(
        !to_session(&got, ROMEO)
            .iter()
            .any(|g| g.attr("type") == Some("subscribe"))
    );
    w.server.session_ended(ROMEO);
    w.drain();
    // Login with the roster: delivered.
    let got = w.romeo_online();
    assert!(
        to_session(&got, ROMEO)
            .iter()
            .any(|g| g.attr("type") == Some("subscribe")),
        "{got:?}"
    );
    w.server.session_ended(ROMEO);
    w.drain();
    // Still unanswered: delivered again.
    let got = w.romeo_online();
    assert!(
        to_session(&got, ROMEO)
            .iter()
            .any(|g| g.attr("type") == Some("subscribe"))
    );
    w.send(
        ROMEO,
        "<presence from='romeo@example.com/orchard' to='juliet@example.com' type='subscribed'/>",
    );
    w.server.session_ended(ROMEO);
    w.drain();
    let got = w.romeo_online();
    assert!(
        !to_session(&got, ROMEO)
            .iter()
            .any(|g| g.attr("type") == Some("subscribe")),
        "acknowledged: {got:?}"
    );
}

// ---- §5 presence ----

/// §5.1.1: initial presence probes the contacts the user is subscribed to, goes to the
/// subscribers and the user's other resources; §5.1.5: it ends with the session.
#[test]
fn initial_presence_and_session_end() {
    let mut w = World::new();
    w.juliet_online();
    w.romeo_online();
    w.mutual();
    w.server.session_ended(ROMEO);
    w.drain();
    w.start(ROMEO, "romeo@example.com/orchard");
    w.send(ROMEO, "<iq from='romeo@example.com/orchard' type='get' id='r'><query xmlns='jabber:iq:roster'/></iq>");
    let got = w.send(
        ROMEO,
        "<presence from='romeo@example.com/orchard'><show>chat</show></presence>",
    );
    // Juliet gets the broadcast; Romeo gets Juliet's presence in answer to his probe.
    assert!(
        to_session(&got, JULIET).iter().any(|g| g.attr("from")
            == Some("romeo@example.com/orchard")
            && g.attr("type").is_none())
    );
    assert!(
        to_session(&got, ROMEO)
            .iter()
            .any(|g| g.attr("from") == Some("juliet@example.com/balcony")
                && g.attr("type").is_none()),
        "{got:?}"
    );
    // A second resource of Juliet's learns of the first and the first of it.
    w.start(BALCONY2, "juliet@example.com/chamber");
    let got = w.send(BALCONY2, "<presence from='juliet@example.com/chamber'/>");
    assert!(
        to_session(&got, JULIET)
            .iter()
            .any(|g| g.attr("from") == Some("juliet@example.com/chamber"))
    );
    assert!(
        to_session(&got, BALCONY2)
            .iter()
            .any(|g| g.attr("from") == Some("juliet@example.com/balcony"))
    );
    // The session ends without unavailable presence: the server sends it (§5.1.5).
    w.server.session_ended(ROMEO);
    let got = w.drain();
    assert_eq!(
        to_session(&got, JULIET)
            .iter()
            .filter(|g| g.attr("type") == Some("unavailable")
                && g.attr("from") == Some("romeo@example.com/orchard"))
            .count(),
        1,
        "{got:?}"
    );
}

/// §5.1.4: directed presence to a non-subscriber is remembered and undone with
/// unavailable presence when the resource goes; it does not join later broadcasts.
#[test]
fn directed_presence_is_tracked() {
    let mut w = World::new();
    w.juliet_online();
    w.romeo_online();
    let got = w.send(
        JULIET,
        "<presence from='juliet@example.com/balcony' to='romeo@example.com/orchard'/>",
    );
    assert_eq!(to_session(&got, ROMEO).len(), 1);
    let got = w.send(
        JULIET,
        "<presence from='juliet@example.com/balcony'><show>away</show></presence>",
    );
    assert!(
        to_session(&got, ROMEO).is_empty(),
        "not a subscriber: {got:?}"
    );
    let got = w.send(
        JULIET,
        "<presence from='juliet@example.com/balcony' to='mercutio@example.org'/>",
    );
    assert_eq!(got[0].route, Route::Remote("example.org".into()));
    w.server.session_ended(JULIET);
    let got = w.drain();
    assert!(
        to_session(&got, ROMEO)
            .iter()
            .any(|g| g.attr("type") == Some("unavailable"))
    );
    assert!(
        got.iter()
            .any(|g| g.route == Route::Remote("example.org".into())
                && g.attr("type") == Some("unavailable")
                && g.attr("to") == Some("mercutio@example.org"))
    );
}

/// §5.1.3: a probe from someone without a subscription gets an error, never presence.
#[test]
fn probe_rules() {
    let mut w = World::new();
    w.juliet_online();
    let got = w.remote("<presence xmlns='jabber:server' from='benvolio@example.org/x' to='juliet@example.com' type='probe'/>");
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].route, Route::Remote("example.org".into()));
    assert_eq!(got[0].error_condition().as_deref(), Some("forbidden"));
    // A pending request: not-authorized.
    w.remote("<presence xmlns='jabber:server' from='benvolio@example.org' to='juliet@example.com' type='subscribe'/>");
    let got = w.remote("<presence xmlns='jabber:server' from='benvolio@example.org/x' to='juliet@example.com' type='probe'/>");
    assert_eq!(got[0].error_condition().as_deref(), Some("not-authorized"));
    // Approved: the probe gets the current presence of each resource.
    w.send(
        JULIET,
        "<presence from='juliet@example.com/balcony' to='benvolio@example.org' type='subscribed'/>",
    );
    let got = w.remote("<presence xmlns='jabber:server' from='benvolio@example.org/x' to='juliet@example.com' type='probe'/>");
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].attr("from"), Some("juliet@example.com/balcony"));
    assert_eq!(got[0].attr("to"), Some("benvolio@example.org/x"));
    assert_eq!(got[0].attr("type"), None);
}

/// §8.2 rule 7 towards another server: a subscribe leaves with the bare JID.
#[test]
fn remote_subscription_leaves_with_bare_jid() {
    let mut w = World::new();
    w.juliet_online();
    let got = w.send(JULIET, "<presence from='juliet@example.com/balcony' to='benvolio@example.org/x' type='subscribe'/>");
    let out: Vec<_> = got
        .iter()
        .filter(|g| matches!(g.route, Route::Remote(_)))
        .collect();
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].attr("from"), Some("juliet@example.com"));
    assert_eq!(out[0].attr("to"), Some("benvolio@example.org"));
    // An inbound `subscribed` with no request pending is dropped (§9.3).
    let got = w.remote("<presence xmlns='jabber:server' from='tybalt@example.org' to='juliet@example.com' type='subscribed'/>");
    assert!(got.is_empty(), "{got:?}");
    assert_eq!(w.state("juliet@example.com", "tybalt@example.org"), None);
    // With the request pending it is delivered and applied.
    let got = w.remote("<presence xmlns='jabber:server' from='benvolio@example.org' to='juliet@example.com' type='subscribed'/>");
    assert!(
        to_session(&got, JULIET)
            .iter()
            .any(|g| g.attr("type") == Some("subscribed"))
    );
    assert_eq!(
        w.state("juliet@example.com", "benvolio@example.org"),
        Some((State::To, true))
    );
    let _ = Jid::parse("x@y").unwrap();
}

/// §5.1.3 with §10.11: a probe from a contact the default list blocks outbound presence
/// to gets nothing, not even the last unavailable presence of a user gone offline.
#[test]
fn probe_answer_respects_presence_out_block() {
    use xmpp_im::server::{Contact, Storage, StoreWrite};
    let mut w = World::new();
    for contact in ["romeo@example.org", "benvolio@example.org"] {
        let mut c = Contact::new(bare(contact));
        c.state = State::Both;
        c.in_roster = true;
        w.store.apply(StoreWrite::Contact {
            user: bare("juliet@example.com"),
            contact: c,
        });
    }
    w.juliet_online();
    for set in [
        "<list name='p'><item type='jid' value='romeo@example.org' action='deny' order='1'>\
         <presence-out/></item></list>",
        "<default name='p'/>",
    ] {
        let got = w.send(
            JULIET,
            &format!(
                "<iq from='juliet@example.com/balcony' type='set' id='s'>\
                 <query xmlns='jabber:iq:privacy'>{set}</query></iq>"
            ),
        );
        assert!(
            to_session(&got, JULIET)
                .iter()
                .any(|g| g.attr("id") == Some("s") && g.attr("type") == Some("result")),
            "{got:?}"
        );
    }
    let probe = |who: &str| {
        format!(
            "<presence xmlns='jabber:server' from='{who}@example.org/x' \
             to='juliet@example.com' type='probe'/>"
        )
    };
    assert!(w.remote(&probe("romeo")).is_empty());
    // Offline, with another connected resource keeping the account loaded.
    w.start(BALCONY2, "juliet@example.com/chamber");
    w.server.session_ended(JULIET);
    w.drain();
    let got = w.remote(&probe("benvolio"));
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].attr("type"), Some("unavailable"));
    let got = w.remote(&probe("romeo"));
    assert!(got.is_empty(), "the blocked contact got {got:?}");
}

/// §10.14 with §11.1: a message to the bare JID that the active list of the only
/// available resource blocks is dropped without an error, as one to the full JID is; it
/// is not "undeliverable" (no service-unavailable to the blocked sender).
#[test]
fn bare_jid_message_blocked_by_active_list_is_silent() {
    let mut w = World::new();
    w.juliet_online();
    for set in [
        "<list name='b'><item type='jid' value='romeo@example.org' action='deny' order='1'/></list>",
        "<active name='b'/>",
    ] {
        let got = w.send(
            JULIET,
            &format!(
                "<iq from='juliet@example.com/balcony' type='set' id='s'>\
                 <query xmlns='jabber:iq:privacy'>{set}</query></iq>"
            ),
        );
        assert!(
            to_session(&got, JULIET)
                .iter()
                .any(|g| g.attr("id") == Some("s") && g.attr("type") == Some("result")),
            "{got:?}"
        );
    }
    for to in ["juliet@example.com/balcony", "juliet@example.com"] {
        let got = w.remote(&format!(
            "<message xmlns='jabber:server' from='romeo@example.org/orchard' to='{to}'>\
             <body>hi</body></message>"
        ));
        assert!(got.is_empty(), "to {to}: {got:?}");
    }
    // Another sender still gets the delivery rules' answer when nobody takes it.
    w.server.session_ended(JULIET);
    w.drain();
    let got = w.remote(
        "<message xmlns='jabber:server' from='romeo@example.org/orchard' \
         to='juliet@example.com'><body>hi</body></message>",
    );
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(
        got[0].error_condition().as_deref(),
        Some("service-unavailable")
    );
}

/// §10.11 with §5.1.4 and §5.1.5: directed presence the list keeps from a contact is not
/// tracked, so the unavailable presence of the session's end does not reach it either.
#[test]
fn blocked_directed_presence_leaves_no_unavailable() {
    let mut w = World::new();
    w.juliet_online();
    for set in [
        "<list name='o'><item type='jid' value='romeo@example.org' action='deny' order='1'>\
         <presence-out/></item></list>",
        "<active name='o'/>",
    ] {
        let got = w.send(
            JULIET,
            &format!(
                "<iq from='juliet@example.com/balcony' type='set' id='s'>\
                 <query xmlns='jabber:iq:privacy'>{set}</query></iq>"
            ),
        );
        assert!(
            to_session(&got, JULIET)
                .iter()
                .any(|g| g.attr("id") == Some("s") && g.attr("type") == Some("result")),
            "{got:?}"
        );
    }
    for to in ["romeo@example.org", "benvolio@example.org"] {
        let got = w.send(
            JULIET,
            &format!("<presence from='juliet@example.com/balcony' to='{to}'/>"),
        );
        let routed = got.iter().any(|g| g.attr("to") == Some(to));
        assert_eq!(routed, to.starts_with("benvolio"), "{to}: {got:?}");
    }
    w.server.session_ended(JULIET);
    let got = w.drain();
    let to: Vec<_> = got.iter().filter_map(|g| g.attr("to")).collect();
    assert_eq!(to, ["benvolio@example.org"], "{got:?}");
}

/// §5.1.4 rule 3 with §10 (`presence-out`): the unavailable presence owed to an entity
/// that got directed presence is a presence notification like any other, so a list that
/// blocks outbound presence to it keeps it from being sent.
#[test]
fn directed_unavailable_respects_presence_out_block() {
    let mut w = World::new();
    w.juliet_online();
    let got = w.send(
        JULIET,
        "<presence from='juliet@example.com/balcony' to='mercutio@example.org/x'/>",
    );
    assert_eq!(got.len(), 1, "{got:?}");
    for set in [
        "<list name='p'><item type='jid' value='mercutio@example.org' action='deny' order='1'>\
         <presence-out/></item></list>",
        "<default name='p'/>",
    ] {
        let got = w.send(
            JULIET,
            &format!(
                "<iq from='juliet@example.com/balcony' type='set' id='s'>\
                 <query xmlns='jabber:iq:privacy'>{set}</query></iq>"
            ),
        );
        assert!(
            to_session(&got, JULIET)
                .iter()
                .any(|g| g.attr("id") == Some("s") && g.attr("type") == Some("result")),
            "{got:?}"
        );
    }
    let got = w.send(
        JULIET,
        "<presence from='juliet@example.com/balcony' type='unavailable'/>",
    );
    assert!(
        !got.iter()
            .any(|g| g.attr("to").is_some_and(|t| t.starts_with("mercutio@"))),
        "the blocked entity got {got:?}"
    );
}

/// §11.1 rule 1: an IQ from one of the user's resources to another one (a full JID of the
/// same account) is for that resource, not for the server to answer.
#[test]
fn iq_between_own_resources_is_delivered() {
    let mut w = World::new();
    w.juliet_online();
    w.start(BALCONY2, "juliet@example.com/chamber");
    let got = w.send(
        JULIET,
        "<iq from='juliet@example.com/balcony' to='juliet@example.com/chamber' type='get' \
         id='d1'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>",
    );
    let to_chamber = to_session(&got, BALCONY2);
    assert_eq!(to_chamber.len(), 1, "{got:?}");
    assert_eq!(to_chamber[0].attr("id"), Some("d1"));
    assert!(to_session(&got, JULIET).is_empty(), "{got:?}");
}

/// §5.1.2 with §8.6: a contact skipped by broadcasts because its server answered presence
/// with an error is forgotten with its roster item; once subscribed anew it gets the
/// user's presence updates again.
#[test]
fn removed_contact_is_not_left_errored() {
    use xmpp_im::server::{Contact, Storage, StoreWrite};
    let mut w = World::new();
    let mut c = Contact::new(bare("mercutio@example.org"));
    c.state = State::Both;
    c.in_roster = true;
    w.store.apply(StoreWrite::Contact {
        user: bare("juliet@example.com"),
        contact: c,
    });
    w.juliet_online();
    w.remote(
        "<presence xmlns='jabber:server' from='mercutio@example.org' \
         to='juliet@example.com/balcony' type='error'/>",
    );
    w.send(
        JULIET,
        "<iq from='juliet@example.com/balcony' type='set' id='rm'><query xmlns='jabber:iq:roster'>\
         <item jid='mercutio@example.org' subscription='remove'/></query></iq>",
    );
    w.remote(
        "<presence xmlns='jabber:server' from='mercutio@example.org/x' \
         to='juliet@example.com' type='subscribe'/>",
    );
    w.send(
        JULIET,
        "<presence from='juliet@example.com/balcony' to='mercutio@example.org' type='subscribed'/>",
    );
    assert_eq!(
        w.state("juliet@example.com", "mercutio@example.org")
            .map(|s| s.0),
        Some(State::From)
    );
    let got = w.send(
        JULIET,
        "<presence from='juliet@example.com/balcony'><show>away</show></presence>",
    );
    assert!(
        got.iter()
            .any(|g| g.attr("to") == Some("mercutio@example.org")),
        "the new subscriber got no update: {got:?}"
    );
}

/// §9.4 keeps a stranger's request until the user answers it; a server keeps a bounded
/// number of them: past the limit, a new stranger's request is refused with
/// `resource-constraint` and leaves no trace, while contacts already in the roster are
/// still served.
#[test]
fn requests_from_strangers_are_bounded() {
    let mut w = World::new();
    w.juliet_online();
    let mut refused = 0;
    for i in 0..1005 {
        let got = w.remote(&format!(
            "<presence xmlns='jabber:server' from='fan{i}@example.org' to='juliet@example.com' type='subscribe'/>"
        ));
        if got
            .iter()
            .any(|g| g.error_condition().as_deref() == Some("resource-constraint"))
        {
            refused += 1;
            assert_eq!(
                w.state("juliet@example.com", &format!("fan{i}@example.org")),
                None
            );
        }
    }
    assert_eq!(refused, 5);
    let juliet: BareJid = "juliet@example.com".parse().unwrap();
    assert_eq!(w.store.user(&juliet).unwrap().notices.len(), 1000);
    // A contact in the roster is no stranger: its request still goes through.
    w.send(JULIET, "<iq from='juliet@example.com/balcony' type='set' id='n'><query xmlns='jabber:iq:roster'><item jid='known@example.org'/></query></iq>");
    let got = w.remote("<presence xmlns='jabber:server' from='known@example.org' to='juliet@example.com' type='subscribe'/>");
    assert!(
        to_session(&got, JULIET)
            .iter()
            .any(|g| g.attr("type") == Some("subscribe")),
        "{got:?}"
    );
}
