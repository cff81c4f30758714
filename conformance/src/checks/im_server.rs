//! Checks proven through the server component of `xmpp-im` (RFC 3921 §5, §7, §8, §9.4,
//! §11, §14): a component serving `example.com` with an in-memory store, fed stanzas of
//! local sessions and of a remote server (`example.org`), and what it delivers read back.

use super::{Check, Outcome, ensure, tree};
use xmpp_core::Stanza;
use xmpp_core::ns::{CLIENT_NS, SERVER_NS};
use xmpp_im::server::{Contact, MemoryStore, Route, Server, SessionId, Storage, StoreWrite};
use xmpp_im::subscription::State;
use xmpp_jid::{BareJid, FullJid};
use xmpp_xml::Element;

const JULIET: SessionId = SessionId(1);
const CHAMBER: SessionId = SessionId(2);
const ROMEO: SessionId = SessionId(3);
const J: &str = "juliet@example.com/balcony";
const J2: &str = "juliet@example.com/chamber";
const R: &str = "romeo@example.com/orchard";
const REMOTE: &str = "example.org";

/// One delivery.
#[derive(Debug)]
struct Got {
    route: Route,
    tree: Element<'static>,
}

impl Got {
    fn attr(&self, name: &str) -> Option<&str> {
        self.tree.attr(name)
    }
    fn to_session(&self, id: SessionId) -> bool {
        self.route == Route::Session(id)
    }
    fn remote(&self) -> bool {
        self.route == Route::Remote(REMOTE.into())
    }
    fn is_presence(&self, kind: Option<&str>) -> bool {
        self.tree.name() == "presence" && self.attr("type") == kind
    }
    fn condition(&self) -> Option<String> {
        let e = self.tree.elements().find(|c| c.name() == "error")?;
        e.elements().next().map(|c| c.name().to_owned())
    }
    /// The (jid, subscription, ask) of a roster push.
    fn push(&self) -> Option<(String, String, Option<String>)> {
        if self.tree.name() != "iq" || self.attr("type") != Some("set") {
            return None;
        }
        let item = self
            .tree
            .child("jabber:iq:roster", "query")?
            .elements()
            .next()?;
        Some((
            item.attr("jid")?.to_owned(),
            item.attr("subscription")?.to_owned(),
            item.attr("ask").map(str::to_owned),
        ))
    }
}

fn pushes(got: &[Got], id: SessionId) -> Vec<(String, String, Option<String>)> {
    got.iter()
        .filter(|g| g.to_session(id))
        .filter_map(Got::push)
        .collect()
}

fn any(got: &[Got], pred: impl Fn(&Got) -> bool) -> bool {
    got.iter().any(pred)
}

struct World {
    server: Server,
    store: MemoryStore,
}

impl World {
    fn new() -> World {
        let mut store = MemoryStore::new();
        for u in ["juliet@example.com", "romeo@example.com"] {
            if let Ok(j) = u.parse::<BareJid>() {
                store.add_user(&j);
            }
        }
        World {
            server: Server::new(["example.com"]),
            store,
        }
    }

    /// Juliet with remote contacts in the given states, in her roster.
    fn with_remote(contacts: &[(&str, State)]) -> Result<World, String> {
        let mut w = World::new();
        let juliet: BareJid = "juliet@example.com".parse().map_err(|e| format!("{e}"))?;
        for (jid, state) in contacts {
            let mut c = Contact::new(jid.parse().map_err(|e| format!("{e}"))?);
            c.state = *state;
            c.in_roster = true;
            w.store.apply(StoreWrite::Contact {
                user: juliet.clone(),
                contact: c,
            });
        }
        Ok(w)
    }

    fn drain(&mut self) -> Result<Vec<Got>, String> {
        let mut got = Vec::new();
        while let Some((route, stanza)) = self.server.poll_delivery(&mut self.store) {
            let tree = stanza.element().map_err(|e| e.to_string())?;
            got.push(Got { route, tree });
        }
        Ok(got)
    }

    fn start(&mut self, id: SessionId, jid: &str) -> Result<Vec<Got>, String> {
        let jid: FullJid = jid.parse().map_err(|e| format!("{e}"))?;
        self.server.session_started(id, jid);
        self.drain()
    }

    fn send(&mut self, id: SessionId, xml: &str) -> Result<Vec<Got>, String> {
        let mut e = tree(xml)?;
        e.rename_namespace("", CLIENT_NS);
        let s = Stanza::from_element(&e, CLIENT_NS).map_err(|e| e.to_string())?;
        self.server.handle_stanza(id, s);
        self.drain()
    }

    fn remote(&mut self, xml: &str) -> Result<Vec<Got>, String> {
        let mut e = tree(xml)?;
        e.rename_namespace("", SERVER_NS);
        let s = Stanza::from_element(&e, SERVER_NS).map_err(|e| e.to_string())?;
        self.server.handle_remote(s);
        self.drain()
    }

    fn end(&mut self, id: SessionId) -> Result<Vec<Got>, String> {
        self.server.session_ended(id);
        self.drain()
    }

    fn roster_get(&mut self, id: SessionId, jid: &str) -> Result<Vec<Got>, String> {
        self.send(
            id,
            &format!(
                "<iq from='{jid}' type='get' id='roster'><query xmlns='jabber:iq:roster'/></iq>"
            ),
        )
    }

    /// A session that requested the roster (`interested`) and sent initial presence
    /// (`available`), as asked.
    fn online(
        &mut self,
        id: SessionId,
        jid: &str,
        interested: bool,
        available: bool,
    ) -> Result<Vec<Got>, String> {
        let mut got = self.start(id, jid)?;
        if interested {
            got.extend(self.roster_get(id, jid)?);
        }
        if available {
            got.extend(self.send(id, &format!("<presence from='{jid}'/>"))?);
        }
        Ok(got)
    }

    fn state(&self, user: &str, contact: &str) -> Option<(State, bool)> {
        let user: BareJid = user.parse().ok()?;
        self.store
            .user(&user)?
            .roster
            .iter()
            .find(|c| c.key() == contact)
            .map(|c| (c.state, c.in_roster))
    }

    fn subscribe(
        &mut self,
        from: SessionId,
        from_jid: &str,
        to: &str,
        kind: &str,
    ) -> Result<Vec<Got>, String> {
        self.send(
            from,
            &format!("<presence from='{from_jid}' to='{to}' type='{kind}'/>"),
        )
    }

    /// Juliet and Romeo online, subscribed both ways.
    fn mutual() -> Result<World, String> {
        let mut w = World::new();
        w.online(JULIET, J, true, true)?;
        w.online(ROMEO, R, true, true)?;
        w.subscribe(JULIET, J, "romeo@example.com", "subscribe")?;
        w.subscribe(ROMEO, R, "juliet@example.com", "subscribed")?;
        w.subscribe(ROMEO, R, "juliet@example.com", "subscribe")?;
        w.subscribe(JULIET, J, "romeo@example.com", "subscribed")?;
        ensure(
            w.state("juliet@example.com", "romeo@example.com") == Some((State::Both, true)),
            || "the subscription flows did not end in Both".into(),
        )?;
        Ok(w)
    }
}

fn describe(got: &[Got]) -> String {
    got.iter()
        .map(|g| format!("{:?}: {:?}", g.route, g.tree))
        .collect::<Vec<_>>()
        .join("; ")
}

// ---- §5.1.1 initial presence ----

/// 3921-5.1.1-3: initial presence probes the contacts the user is subscribed to and goes
/// to the contacts subscribed to the user.
fn initial_presence_probes_and_broadcasts() -> Outcome {
    let mut w = World::with_remote(&[
        ("to@example.org", State::To),
        ("from@example.org", State::From),
        ("none@example.org", State::None),
    ])?;
    let got = w.online(JULIET, J, true, true)?;
    let probe = |to: &str| {
        any(&got, |g| {
            g.remote() && g.is_presence(Some("probe")) && g.attr("to") == Some(to)
        })
    };
    let broadcast = |to: &str| {
        any(&got, |g| {
            g.remote() && g.is_presence(None) && g.attr("to") == Some(to)
        })
    };
    ensure(
        probe("to@example.org") && !probe("from@example.org") && !probe("none@example.org"),
        || format!("probes only to the To contact expected: {}", describe(&got)),
    )?;
    ensure(
        broadcast("from@example.org")
            && !broadcast("to@example.org")
            && !broadcast("none@example.org"),
        || {
            format!(
                "presence only to the From contact expected: {}",
                describe(&got)
            )
        },
    )
}

/// 3921-5.1.1-6: the new resource's initial presence goes to the user's other available
/// resources.
fn initial_presence_to_own_resources() -> Outcome {
    let mut w = World::new();
    w.online(JULIET, J, true, true)?;
    w.start(CHAMBER, J2)?;
    let got = w.send(CHAMBER, &format!("<presence from='{J2}'/>"))?;
    ensure(
        any(&got, |g| {
            g.to_session(JULIET) && g.is_presence(None) && g.attr("from") == Some(J2)
        }),
        || {
            format!(
                "the balcony resource did not get the chamber's presence: {}",
                describe(&got)
            )
        },
    )
}

/// 3921-5.1.1-7, 3921-11.1-11a: presence from a contact reaches every available resource of
/// the user (and only available ones).
fn inbound_presence_to_available_resources() -> Outcome {
    let mut w = World::with_remote(&[("romeo@example.org", State::To)])?;
    w.online(JULIET, J, true, true)?;
    w.online(CHAMBER, J2, true, true)?;
    w.start(SessionId(9), "juliet@example.com/hidden")?;
    let got = w.remote("<presence from='romeo@example.org/orchard' to='juliet@example.com'/>")?;
    ensure(
        any(&got, |g| g.to_session(JULIET))
            && any(&got, |g| g.to_session(CHAMBER))
            && !any(&got, |g| g.to_session(SessionId(9))),
        || {
            format!(
                "expected both available resources and not the unavailable one: {}",
                describe(&got)
            )
        },
    )
}

/// 3921-5.1.1-8, 3921-5.1.2-3: after a contact's server answered presence with an error,
/// no more presence goes there until the contact sends presence again.
fn presence_error_stops_updates() -> Outcome {
    let mut w = World::with_remote(&[("fan@example.org", State::Both)])?;
    w.online(JULIET, J, true, true)?;
    w.remote("<presence from='fan@example.org' to='juliet@example.com/balcony' type='error'><error type='cancel'><remote-server-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></presence>")?;
    let got = w.send(
        JULIET,
        &format!("<presence from='{J}'><show>away</show></presence>"),
    )?;
    ensure(!any(&got, |g| g.remote() && g.is_presence(None)), || {
        format!(
            "presence went to a contact that answered with an error: {}",
            describe(&got)
        )
    })?;
    w.remote("<presence from='fan@example.org/x' to='juliet@example.com'/>")?;
    let got = w.send(
        JULIET,
        &format!("<presence from='{J}'><show>chat</show></presence>"),
    )?;
    ensure(any(&got, |g| g.remote() && g.is_presence(None)), || {
        format!(
            "presence did not resume after the contact sent presence: {}",
            describe(&got)
        )
    })
}

/// 3921-5.1.2-3, 3921-14-3: a presence update goes to the From/Both contacts only.
fn presence_update_broadcast() -> Outcome {
    let mut w = World::with_remote(&[
        ("both@example.org", State::Both),
        ("to@example.org", State::To),
        ("pending@example.org", State::NonePendingIn),
    ])?;
    w.online(JULIET, J, true, true)?;
    let got = w.send(
        JULIET,
        &format!("<presence from='{J}'><show>dnd</show></presence>"),
    )?;
    let sent: Vec<_> = got
        .iter()
        .filter(|g| g.remote() && g.is_presence(None))
        .filter_map(|g| g.attr("to"))
        .collect();
    ensure(sent == ["both@example.org"], || {
        format!("update went to {sent:?}")
    })?;
    // Unchanged: the show element travels as the client wrote it.
    ensure(
        got.iter().any(|g| {
            g.tree
                .child(SERVER_NS, "show")
                .is_some_and(|s| s.text() == "dnd")
        }),
        || "the update's content was changed".into(),
    )
}

/// 3921-5.1.2-4, 3921-5.1.5-3b: unavailable presence goes to the subscribers and to
/// entities that got directed presence.
fn unavailable_to_subscribers_and_directed() -> Outcome {
    let mut w = World::with_remote(&[("both@example.org", State::Both)])?;
    w.online(JULIET, J, true, true)?;
    w.send(
        JULIET,
        &format!("<presence from='{J}' to='stranger@example.org/x'/>"),
    )?;
    let got = w.send(
        JULIET,
        &format!("<presence from='{J}' type='unavailable'/>"),
    )?;
    let to: Vec<_> = got
        .iter()
        .filter(|g| g.is_presence(Some("unavailable")))
        .filter_map(|g| g.attr("to"))
        .collect();
    ensure(
        to.contains(&"both@example.org") && to.contains(&"stranger@example.org/x"),
        || format!("unavailable went to {to:?}"),
    )
}

// ---- §5.1.3 probes ----

fn probe(w: &mut World, from: &str) -> Result<Vec<Got>, String> {
    w.remote(&format!(
        "<presence from='{from}' to='juliet@example.com' type='probe'/>"
    ))
}

/// 3921-5.1.3-2a, 3921-5.1.3-3, 3921-14-2: a probe from an entity in None, None + Pending
/// Out or To, or not in the roster, gets `forbidden` and no presence.
fn probe_forbidden() -> Outcome {
    let mut w = World::with_remote(&[
        ("none@example.org", State::None),
        ("out@example.org", State::NonePendingOut),
        ("to@example.org", State::To),
    ])?;
    w.online(JULIET, J, true, true)?;
    for from in [
        "none@example.org/x",
        "out@example.org/x",
        "to@example.org/x",
        "stranger@example.org/x",
    ] {
        let got = probe(&mut w, from)?;
        ensure(
            got.len() == 1
                && got[0].condition().as_deref() == Some("forbidden")
                && got[0].is_presence(Some("error")),
            || format!("probe from {from}: {}", describe(&got)),
        )?;
    }
    Ok(())
}

/// 3921-5.1.3-4: a probe from an entity whose request is pending gets `not-authorized`.
fn probe_not_authorized() -> Outcome {
    let mut w = World::with_remote(&[
        ("in@example.org", State::NonePendingIn),
        ("outin@example.org", State::NonePendingOutIn),
        ("toin@example.org", State::ToPendingIn),
    ])?;
    w.online(JULIET, J, true, true)?;
    for from in [
        "in@example.org/x",
        "outin@example.org/x",
        "toin@example.org/x",
    ] {
        let got = probe(&mut w, from)?;
        ensure(
            got.len() == 1 && got[0].condition().as_deref() == Some("not-authorized"),
            || format!("probe from {from}: {}", describe(&got)),
        )?;
    }
    Ok(())
}

/// 3921-5.1.3-6: with no available resource, a probe gets the last unavailable presence
/// (or nothing).
fn probe_when_offline() -> Outcome {
    let mut w = World::with_remote(&[("fan@example.org", State::From)])?;
    let got = probe(&mut w, "fan@example.org/x")?;
    ensure(got.is_empty(), || {
        format!("nothing known, nothing sent: {}", describe(&got))
    })?;
    w.online(JULIET, J, true, true)?;
    w.online(CHAMBER, J2, true, true)?;
    w.send(
        CHAMBER,
        &format!("<presence from='{J2}' type='unavailable'/>"),
    )?;
    w.send(
        JULIET,
        &format!("<presence from='{J}' type='unavailable'><status>gone</status></presence>"),
    )?;
    let got = probe(&mut w, "fan@example.org/x")?;
    ensure(
        got.len() == 1 && got[0].is_presence(Some("unavailable")) && got[0].attr("from") == Some(J),
        || format!("expected the last unavailable presence: {}", describe(&got)),
    )
}

/// 3921-5.1.3-7, 3921-11.1-11b: a probe from a subscriber gets the latest presence of each
/// available resource.
fn probe_answered_per_resource() -> Outcome {
    let mut w = World::with_remote(&[("fan@example.org", State::Both)])?;
    w.online(JULIET, J, true, true)?;
    w.online(CHAMBER, J2, true, false)?;
    w.send(
        CHAMBER,
        &format!("<presence from='{J2}'><show>xa</show></presence>"),
    )?;
    let got = probe(&mut w, "fan@example.org/x")?;
    let from: Vec<_> = got
        .iter()
        .filter(|g| g.is_presence(None))
        .filter_map(|g| g.attr("from"))
        .collect();
    ensure(
        from.len() == 2 && from.contains(&J) && from.contains(&J2),
        || format!("expected presence of both resources: {}", describe(&got)),
    )?;
    ensure(
        got.iter()
            .all(|g| g.attr("to") == Some("fan@example.org/x")),
        || "answers go to the prober".into(),
    )
}

// ---- §5.1.4 directed presence ----

/// 3921-5.1.4-2a, 3921-5.1.4-2b: directed presence to a subscriber is routed unchanged and
/// the subscriber stays in the broadcast (no extra unavailable).
fn directed_to_subscriber() -> Outcome {
    let mut w = World::with_remote(&[("fan@example.org", State::From)])?;
    w.online(JULIET, J, true, true)?;
    let got = w.send(
        JULIET,
        &format!("<presence from='{J}' to='fan@example.org'><status>hi</status></presence>"),
    )?;
    ensure(
        got.len() == 1 && got[0].remote() && got[0].tree.child(SERVER_NS, "status").is_some(),
        || format!("directed presence not routed unchanged: {}", describe(&got)),
    )?;
    let got = w.end(JULIET)?;
    let n = got
        .iter()
        .filter(|g| g.is_presence(Some("unavailable")) && g.attr("to") == Some("fan@example.org"))
        .count();
    ensure(n == 1, || {
        format!("the subscriber should get one unavailable, got {n}")
    })
}

/// 3921-5.1.4-3a, 3921-5.1.4-3b, 3921-5.1.4-3c: directed presence to a non-subscriber is
/// routed, not added to broadcasts, and undone when the resource goes.
fn directed_to_stranger() -> Outcome {
    let mut w = World::new();
    w.online(JULIET, J, true, true)?;
    let got = w.send(
        JULIET,
        &format!("<presence from='{J}' to='stranger@example.org/x'/>"),
    )?;
    ensure(got.len() == 1 && got[0].remote(), || {
        format!("not routed: {}", describe(&got))
    })?;
    let got = w.send(
        JULIET,
        &format!("<presence from='{J}'><show>away</show></presence>"),
    )?;
    ensure(!any(&got, |g| g.remote()), || {
        format!("the stranger joined the broadcast: {}", describe(&got))
    })?;
    let got = w.end(JULIET)?;
    ensure(
        any(&got, |g| {
            g.remote()
                && g.is_presence(Some("unavailable"))
                && g.attr("to") == Some("stranger@example.org/x")
        }),
        || format!("no unavailable for the stranger: {}", describe(&got)),
    )
}

/// 3921-5.1.4-4: directed presence sent before initial presence is tracked like the
/// stranger's.
fn directed_while_unavailable() -> Outcome {
    let mut w = World::with_remote(&[("fan@example.org", State::From)])?;
    w.online(JULIET, J, true, false)?;
    w.send(
        JULIET,
        &format!("<presence from='{J}' to='fan@example.org'/>"),
    )?;
    let got = w.end(JULIET)?;
    ensure(
        any(&got, |g| {
            g.remote()
                && g.is_presence(Some("unavailable"))
                && g.attr("to") == Some("fan@example.org")
        }),
        || format!("the directed presence was not undone: {}", describe(&got)),
    )
}

// ---- §5.1.5 unavailable ----

/// 3921-5.1.5-2, 3921-5.1.5-3a, 3921-5.1.5-3b: a session that ends without unavailable
/// presence gets one sent on its behalf to the subscribers and the other resources.
fn session_end_sends_unavailable() -> Outcome {
    let mut w = World::with_remote(&[("fan@example.org", State::Both)])?;
    w.online(JULIET, J, true, true)?;
    w.online(CHAMBER, J2, true, true)?;
    let got = w.end(JULIET)?;
    ensure(
        any(&got, |g| {
            g.remote() && g.is_presence(Some("unavailable")) && g.attr("from") == Some(J)
        }) && any(&got, |g| {
            g.to_session(CHAMBER) && g.is_presence(Some("unavailable"))
        }),
        || {
            format!(
                "expected unavailable to the subscriber and the other resource: {}",
                describe(&got)
            )
        },
    )
}

/// 3921-5.1.5-4: available presence after unavailable goes to all subscribers again.
fn available_after_unavailable() -> Outcome {
    let mut w = World::with_remote(&[("fan@example.org", State::Both)])?;
    w.online(JULIET, J, true, true)?;
    w.send(
        JULIET,
        &format!("<presence from='{J}' type='unavailable'/>"),
    )?;
    let got = w.send(JULIET, &format!("<presence from='{J}'/>"))?;
    ensure(
        any(&got, |g| {
            g.remote() && g.is_presence(None) && g.attr("to") == Some("fan@example.org")
        }),
        || format!("not broadcast again: {}", describe(&got)),
    )
}

// ---- §5.1.6 subscription requests ----

/// 3921-5.1.6-2, 3921-5.1.6-3, 3921-5.1.6-5, 3921-8.2-10, 3921-8.2-11: an inbound request
/// is not approved by the server and goes to every available resource that requested the
/// roster.
fn inbound_request_delivered() -> Outcome {
    let mut w = World::new();
    w.online(JULIET, J, true, true)?;
    w.online(CHAMBER, J2, true, true)?;
    let got =
        w.remote("<presence from='romeo@example.org' to='juliet@example.com' type='subscribe'/>")?;
    ensure(
        any(&got, |g| {
            g.to_session(JULIET) && g.is_presence(Some("subscribe"))
        }) && any(&got, |g| {
            g.to_session(CHAMBER) && g.is_presence(Some("subscribe"))
        }),
        || {
            format!(
                "request not delivered to both resources: {}",
                describe(&got)
            )
        },
    )?;
    ensure(!any(&got, |g| g.remote()), || {
        format!("the server answered for the user: {}", describe(&got))
    })?;
    ensure(
        w.state("juliet@example.com", "romeo@example.org") == Some((State::NonePendingIn, false)),
        || "state should be None + Pending In".into(),
    )
}

/// 3921-5.1.6-4, 3921-8.2-11, 3921-8.3-4, 3921-11.1-15, 3921-9.4-1, 3921-9.4-3: with no
/// available resource the request is kept and delivered at the next login, and again
/// until answered.
fn request_kept_until_answered() -> Outcome {
    let mut w = World::new();
    w.remote("<presence from='romeo@example.org' to='juliet@example.com' type='subscribe'/>")?;
    for round in 0..2 {
        let got = w.online(JULIET, J, true, true)?;
        ensure(
            any(&got, |g| {
                g.to_session(JULIET) && g.is_presence(Some("subscribe"))
            }),
            || {
                format!(
                    "login {round}: the kept request was not delivered: {}",
                    describe(&got)
                )
            },
        )?;
        w.end(JULIET)?;
    }
    Ok(())
}

/// 3921-5.1.6-6a, 3921-7.3-2, 3921-8.1-2: a resource that has not sent initial presence,
/// or has not requested the roster, gets no subscription request; one that has not
/// requested the roster gets no push.
fn uninterested_resources_get_nothing() -> Outcome {
    let mut w = World::new();
    w.online(JULIET, J, true, false)?;
    w.online(CHAMBER, J2, false, true)?;
    let got =
        w.remote("<presence from='romeo@example.org' to='juliet@example.com' type='subscribe'/>")?;
    ensure(!any(&got, |g| g.is_presence(Some("subscribe"))), || {
        format!(
            "delivered to a resource that may not get it: {}",
            describe(&got)
        )
    })?;
    let got = w.send(JULIET, &format!("<iq from='{J}' type='set' id='s'><query xmlns='jabber:iq:roster'><item jid='nurse@example.com'/></query></iq>"))?;
    ensure(
        pushes(&got, CHAMBER).is_empty() && !pushes(&got, JULIET).is_empty(),
        || {
            format!(
                "pushes should go only to the resource that requested the roster: {}",
                describe(&got)
            )
        },
    )
}

/// 3921-5.1.6-6b, 3921-9.3-2, 3921-9.3-3: a request from a contact that already has access
/// is answered `subscribed` by the server, not delivered.
fn request_from_subscriber_answered() -> Outcome {
    let mut w = World::with_remote(&[("fan@example.org", State::From)])?;
    w.online(JULIET, J, true, true)?;
    let got =
        w.remote("<presence from='fan@example.org' to='juliet@example.com' type='subscribe'/>")?;
    ensure(
        any(&got, |g| {
            g.remote()
                && g.is_presence(Some("subscribed"))
                && g.attr("from") == Some("juliet@example.com")
        }) && !any(&got, |g| {
            g.to_session(JULIET) && g.is_presence(Some("subscribe"))
        }),
        || format!("expected an automatic subscribed: {}", describe(&got)),
    )
}

// ---- §7 roster management ----

/// 3921-7.2-1: a roster set acts on the sender's roster, whatever its `to`.
fn roster_set_ignores_to() -> Outcome {
    let mut w = World::new();
    w.online(JULIET, J, true, true)?;
    w.online(ROMEO, R, true, true)?;
    let got = w.send(JULIET, &format!("<iq from='{J}' to='romeo@example.com' type='set' id='s'><query xmlns='jabber:iq:roster'><item jid='nurse@example.com'/></query></iq>"))?;
    ensure(
        w.state("juliet@example.com", "nurse@example.com").is_some()
            && w.state("romeo@example.com", "nurse@example.com").is_none(),
        || {
            format!(
                "the set did not apply to the sender's roster: {}",
                describe(&got)
            )
        },
    )
}

/// 3921-7.4-2, 3921-7.5-1, 3921-8.2-3, 3921-8.2-16: an added or updated item is stored,
/// pushed (subscription none) to the interested resources, and the set answered.
fn roster_add_update() -> Outcome {
    let mut w = World::new();
    w.online(JULIET, J, true, true)?;
    w.online(CHAMBER, J2, true, true)?;
    let got = w.send(JULIET, &format!("<iq from='{J}' type='set' id='s1'><query xmlns='jabber:iq:roster'><item jid='nurse@example.com' name='Nurse'/></query></iq>"))?;
    let want = vec![("nurse@example.com".to_owned(), "none".to_owned(), None)];
    ensure(
        pushes(&got, JULIET) == want && pushes(&got, CHAMBER) == want,
        || {
            format!(
                "push to both interested resources expected: {}",
                describe(&got)
            )
        },
    )?;
    ensure(
        any(&got, |g| {
            g.to_session(JULIET) && g.attr("id") == Some("s1") && g.attr("type") == Some("result")
        }),
        || "no result to the requester".into(),
    )?;
    let got = w.send(JULIET, &format!("<iq from='{J}' type='set' id='s2'><query xmlns='jabber:iq:roster'><item jid='nurse@example.com' name='Angelica'><group>House</group></item></query></iq>"))?;
    ensure(pushes(&got, CHAMBER) == want, || {
        format!("update not pushed: {}", describe(&got))
    })?;
    let juliet: BareJid = "juliet@example.com".parse().map_err(|e| format!("{e}"))?;
    let stored = w
        .store
        .user(&juliet)
        .and_then(|u| {
            u.roster
                .iter()
                .find(|c| c.key() == "nurse@example.com")
                .cloned()
        })
        .ok_or("not stored")?;
    ensure(
        stored.item.name.as_deref() == Some("Angelica") && stored.item.groups == ["House"],
        || format!("stored item not updated: {stored:?}"),
    )
}

/// 3921-7.6-1b: a `subscription` other than `remove` in a set is disregarded.
fn roster_set_subscription_disregarded() -> Outcome {
    let mut w = World::new();
    w.online(JULIET, J, true, true)?;
    let got = w.send(JULIET, &format!("<iq from='{J}' type='set' id='s'><query xmlns='jabber:iq:roster'><item jid='nurse@example.com' subscription='both' ask='subscribe'/></query></iq>"))?;
    ensure(
        w.state("juliet@example.com", "nurse@example.com") == Some((State::None, true))
            && pushes(&got, JULIET)
                == vec![("nurse@example.com".to_owned(), "none".to_owned(), None)],
        || format!("the client's subscription was taken: {}", describe(&got)),
    )
}

/// 3921-7.6-2, 3921-8.6-2, 3921-8.6-3a: a removal is stored, pushed as `remove` to the
/// interested resources and answered.
fn roster_remove() -> Outcome {
    let mut w = World::new();
    w.online(JULIET, J, true, true)?;
    w.online(CHAMBER, J2, true, true)?;
    w.send(JULIET, &format!("<iq from='{J}' type='set' id='a'><query xmlns='jabber:iq:roster'><item jid='nurse@example.com'/></query></iq>"))?;
    let got = w.send(JULIET, &format!("<iq from='{J}' type='set' id='rm'><query xmlns='jabber:iq:roster'><item jid='nurse@example.com' subscription='remove'/></query></iq>"))?;
    let want = vec![("nurse@example.com".to_owned(), "remove".to_owned(), None)];
    ensure(
        pushes(&got, JULIET) == want
            && pushes(&got, CHAMBER) == want
            && any(&got, |g| {
                g.attr("id") == Some("rm") && g.attr("type") == Some("result")
            })
            && w.state("juliet@example.com", "nurse@example.com").is_none(),
        || {
            format!(
                "removal not pushed, answered and stored: {}",
                describe(&got)
            )
        },
    )
}

/// 3921-8.1-3a, 3921-8.1-3b: a roster push carries no `from`, and its `to` is the full JID
/// of the receiving session.
fn push_addresses() -> Outcome {
    let mut w = World::new();
    w.online(JULIET, J, true, true)?;
    let got = w.send(JULIET, &format!("<iq from='{J}' type='set' id='s'><query xmlns='jabber:iq:roster'><item jid='nurse@example.com'/></query></iq>"))?;
    let push = got.iter().find(|g| g.push().is_some()).ok_or("no push")?;
    ensure(
        push.attr("from").is_none() && push.attr("to") == Some(J),
        || format!("push addressed as {:?}", push.tree),
    )
}

// ---- §8 subscription flows ----

/// 3921-8.2-5, 3921-8.2-6, 3921-8.2-7a, 3921-8.2-7b, 3921-8.2-8: an outbound subscribe
/// creates and pushes the item with ask='subscribe' and leaves with the bare JID towards
/// the contact's server.
fn outbound_subscribe() -> Outcome {
    let mut w = World::new();
    w.online(JULIET, J, true, true)?;
    let got = w.subscribe(JULIET, J, "benvolio@example.org", "subscribe")?;
    ensure(
        pushes(&got, JULIET)
            == vec![(
                "benvolio@example.org".to_owned(),
                "none".to_owned(),
                Some("subscribe".to_owned()),
            )],
        || format!("push with ask expected: {}", describe(&got)),
    )?;
    let out: Vec<_> = got.iter().filter(|g| g.remote()).collect();
    ensure(
        out.len() == 1
            && out[0].attr("from") == Some("juliet@example.com")
            && out[0].tree.namespace() == SERVER_NS,
        || {
            format!(
                "expected one subscribe from the bare JID: {}",
                describe(&got)
            )
        },
    )?;
    let juliet: BareJid = "juliet@example.com".parse().map_err(|e| format!("{e}"))?;
    let item = w
        .store
        .user(&juliet)
        .and_then(|u| u.roster.first().cloned())
        .ok_or("not stored")?;
    ensure(
        item.item.name.is_none() && item.item.groups.is_empty(),
        || "the new item has a name or groups".into(),
    )
}

/// 3921-8.2-9a, 3921-8.3-3a, 3921-8.2-18a, 3921-8.3-9a: a presence error answering a
/// subscription stanza reaches the user.
fn subscription_error_delivered() -> Outcome {
    let mut w = World::new();
    w.online(JULIET, J, true, true)?;
    w.subscribe(JULIET, J, "benvolio@example.org", "subscribe")?;
    let got = w.remote("<presence from='benvolio@example.org' to='juliet@example.com' type='error'><error type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></presence>")?;
    ensure(
        any(&got, |g| {
            g.to_session(JULIET) && g.is_presence(Some("error"))
        }),
        || format!("the error did not reach the user: {}", describe(&got)),
    )
}

/// 3921-8.2-12, 3921-9.1-1: an item only in "None + Pending In" is not pushed nor listed.
fn pending_in_item_hidden() -> Outcome {
    let mut w = World::new();
    w.online(JULIET, J, true, true)?;
    let got =
        w.remote("<presence from='romeo@example.org' to='juliet@example.com' type='subscribe'/>")?;
    ensure(pushes(&got, JULIET).is_empty(), || {
        format!("pushed: {}", describe(&got))
    })?;
    let got = w.roster_get(JULIET, J)?;
    let items = got
        .iter()
        .find(|g| g.attr("id") == Some("roster"))
        .and_then(|g| g.tree.child("jabber:iq:roster", "query"))
        .map(|q| q.elements().count())
        .ok_or("no roster result")?;
    ensure(items == 0, || format!("{items} items listed"))
}

/// 3921-8.2-15, 3921-8.2-17a, 3921-8.2-17b, 3921-8.2-19, 3921-8.2-21, 3921-8.2-22,
/// 3921-8.2-23: approval pushes `from`, leaves with the bare JID followed by the approver's
/// presence; the requester's server checks, delivers, pushes `to`.
fn approval_flow() -> Outcome {
    let mut w = World::new();
    w.online(JULIET, J, true, true)?;
    w.online(ROMEO, R, true, true)?;
    w.subscribe(JULIET, J, "romeo@example.com", "subscribe")?;
    let got = w.subscribe(ROMEO, R, "juliet@example.com", "subscribed")?;
    ensure(
        pushes(&got, ROMEO) == vec![("juliet@example.com".to_owned(), "from".to_owned(), None)],
        || format!("approver's push: {}", describe(&got)),
    )?;
    ensure(
        pushes(&got, JULIET) == vec![("romeo@example.com".to_owned(), "to".to_owned(), None)],
        || format!("requester's push: {}", describe(&got)),
    )?;
    ensure(
        any(&got, |g| {
            g.to_session(JULIET)
                && g.is_presence(Some("subscribed"))
                && g.attr("from") == Some("romeo@example.com")
        }),
        || {
            format!(
                "subscribed not delivered from the bare JID: {}",
                describe(&got)
            )
        },
    )?;
    ensure(
        any(&got, |g| {
            g.to_session(JULIET) && g.is_presence(None) && g.attr("from") == Some(R)
        }),
        || format!("the approver's presence did not follow: {}", describe(&got)),
    )
}

/// 3921-8.2-20, 3921-8.3-11, 3921-9.3-7: an unrequested `subscribed` is dropped: no delivery,
/// change or push.
fn unrequested_subscribed_dropped() -> Outcome {
    let mut w = World::new();
    w.online(JULIET, J, true, true)?;
    let got = w.remote(
        "<presence from='tybalt@example.org' to='juliet@example.com' type='subscribed'/>",
    )?;
    ensure(
        got.is_empty()
            && w.state("juliet@example.com", "tybalt@example.org")
                .is_none(),
        || format!("not dropped: {}", describe(&got)),
    )
}

/// 3921-8.2.1-2, 3921-8.2.1-3, 3921-8.2.1-4: declining: routed with the bare JID, the
/// tracking item removed, the requester pushed `none` without ask.
fn decline_flow() -> Outcome {
    let mut w = World::new();
    w.online(JULIET, J, true, true)?;
    w.online(ROMEO, R, true, true)?;
    w.subscribe(JULIET, J, "romeo@example.com", "subscribe")?;
    let got = w.subscribe(ROMEO, R, "juliet@example.com", "unsubscribed")?;
    ensure(
        w.state("romeo@example.com", "juliet@example.com").is_none(),
        || "the tracking item stayed".into(),
    )?;
    ensure(
        pushes(&got, JULIET) == vec![("romeo@example.com".to_owned(), "none".to_owned(), None)],
        || format!("requester's push: {}", describe(&got)),
    )?;
    ensure(
        any(&got, |g| {
            g.to_session(JULIET)
                && g.is_presence(Some("unsubscribed"))
                && g.attr("from") == Some("romeo@example.com")
        }),
        || format!("unsubscribed not delivered: {}", describe(&got)),
    )
}

/// 3921-8.3-2, 3921-8.3-7, 3921-8.3-8a, 3921-8.3-8b, 3921-8.3-10, 3921-8.3-12,
/// 3921-8.3-13: the reciprocal request and its approval end in Both on each side.
fn reciprocal_flow() -> Outcome {
    let mut w = World::new();
    w.online(JULIET, J, true, true)?;
    w.online(ROMEO, R, true, true)?;
    w.subscribe(JULIET, J, "romeo@example.com", "subscribe")?;
    w.subscribe(ROMEO, R, "juliet@example.com", "subscribed")?;
    let got = w.subscribe(ROMEO, R, "juliet@example.com", "subscribe")?;
    ensure(
        pushes(&got, ROMEO)
            == vec![(
                "juliet@example.com".to_owned(),
                "from".to_owned(),
                Some("subscribe".to_owned()),
            )]
            && any(&got, |g| {
                g.to_session(JULIET)
                    && g.is_presence(Some("subscribe"))
                    && g.attr("from") == Some("romeo@example.com")
            }),
        || format!("reciprocal request: {}", describe(&got)),
    )?;
    let got = w.subscribe(JULIET, J, "romeo@example.com", "subscribed")?;
    ensure(
        pushes(&got, JULIET) == vec![("romeo@example.com".to_owned(), "both".to_owned(), None)]
            && pushes(&got, ROMEO)
                == vec![("juliet@example.com".to_owned(), "both".to_owned(), None)],
        || format!("both pushes: {}", describe(&got)),
    )?;
    ensure(
        any(&got, |g| {
            g.to_session(ROMEO) && g.is_presence(Some("subscribed"))
        }) && any(&got, |g| {
            g.to_session(ROMEO) && g.is_presence(None) && g.attr("from") == Some(J)
        }),
        || format!("subscribed and presence to the contact: {}", describe(&got)),
    )
}

/// 3921-8.3.1-2, 3921-8.3.1-3: refusing the reciprocal request: the contact keeps From,
/// loses ask.
fn reciprocal_refused() -> Outcome {
    let mut w = World::new();
    w.online(JULIET, J, true, true)?;
    w.online(ROMEO, R, true, true)?;
    w.subscribe(JULIET, J, "romeo@example.com", "subscribe")?;
    w.subscribe(ROMEO, R, "juliet@example.com", "subscribed")?;
    w.subscribe(ROMEO, R, "juliet@example.com", "subscribe")?;
    let got = w.subscribe(JULIET, J, "romeo@example.com", "unsubscribed")?;
    ensure(
        pushes(&got, ROMEO) == vec![("juliet@example.com".to_owned(), "from".to_owned(), None)]
            && any(&got, |g| {
                g.to_session(ROMEO)
                    && g.is_presence(Some("unsubscribed"))
                    && g.attr("from") == Some("juliet@example.com")
            }),
        || format!("refusal: {}", describe(&got)),
    )
}

/// 3921-8.4.1-2, 3921-8.4.1-3, 3921-8.4.1-5a, 3921-8.4.1-6 (a deviation): unsubscribing from
/// To: pushes `none` both sides, the contact's server answers unsubscribed and unavailable.
fn unsubscribe_from_to() -> Outcome {
    let mut w = World::new();
    w.online(JULIET, J, true, true)?;
    w.online(ROMEO, R, true, true)?;
    w.subscribe(JULIET, J, "romeo@example.com", "subscribe")?;
    w.subscribe(ROMEO, R, "juliet@example.com", "subscribed")?;
    let got = w.subscribe(JULIET, J, "romeo@example.com", "unsubscribe")?;
    ensure(
        pushes(&got, JULIET) == vec![("romeo@example.com".to_owned(), "none".to_owned(), None)]
            && pushes(&got, ROMEO)
                == vec![("juliet@example.com".to_owned(), "none".to_owned(), None)],
        || format!("pushes: {}", describe(&got)),
    )?;
    ensure(
        any(&got, |g| {
            g.to_session(ROMEO)
                && g.is_presence(Some("unsubscribe"))
                && g.attr("from") == Some("juliet@example.com")
        }),
        || format!("unsubscribe not delivered: {}", describe(&got)),
    )?;
    ensure(
        any(&got, |g| {
            g.to_session(JULIET) && g.is_presence(Some("unavailable")) && g.attr("from") == Some(R)
        }),
        || {
            format!(
                "no unavailable from the contact's resource: {}",
                describe(&got)
            )
        },
    )?;
    // The contact's automatic `unsubscribed` meets a state where §9.3 Table 4 neither
    // delivers nor applies it.
    ensure(
        !any(&got, |g| {
            g.to_session(JULIET) && g.is_presence(Some("unsubscribed"))
        }),
        || {
            format!(
                "the automatic unsubscribed was delivered: {}",
                describe(&got)
            )
        },
    )
}

/// 3921-8.4.1-5b, towards a remote user: the automatic `unsubscribed` leaves for the
/// contact's server with unavailable presence from each resource.
fn unsubscribe_answered_remote() -> Outcome {
    let mut w = World::with_remote(&[("fan@example.org", State::From)])?;
    w.online(JULIET, J, true, true)?;
    let got =
        w.remote("<presence from='fan@example.org' to='juliet@example.com' type='unsubscribe'/>")?;
    ensure(
        any(&got, |g| {
            g.remote()
                && g.is_presence(Some("unsubscribed"))
                && g.attr("from") == Some("juliet@example.com")
        }) && any(&got, |g| {
            g.remote() && g.is_presence(Some("unavailable")) && g.attr("from") == Some(J)
        }) && any(&got, |g| {
            g.to_session(JULIET) && g.is_presence(Some("unsubscribe"))
        }),
        || {
            format!(
                "expected unsubscribed, unavailable, and the delivery: {}",
                describe(&got)
            )
        },
    )?;
    ensure(
        w.state("juliet@example.com", "fan@example.org") == Some((State::None, true)),
        || "state not None".into(),
    )
}

/// 3921-8.4.2-2, 3921-8.4.2-3, 3921-8.4.2-6a, 3921-8.4.2-6b, 3921-8.4.2-7 (a deviation):
/// unsubscribing from Both: From on
/// the user's side, To on the contact's, unavailable from the contact.
fn unsubscribe_from_both() -> Outcome {
    let mut w = World::mutual()?;
    let got = w.subscribe(JULIET, J, "romeo@example.com", "unsubscribe")?;
    ensure(
        pushes(&got, JULIET) == vec![("romeo@example.com".to_owned(), "from".to_owned(), None)]
            && pushes(&got, ROMEO)
                == vec![("juliet@example.com".to_owned(), "to".to_owned(), None)],
        || format!("pushes: {}", describe(&got)),
    )?;
    ensure(
        any(&got, |g| {
            g.to_session(JULIET) && g.is_presence(Some("unavailable")) && g.attr("from") == Some(R)
        }),
        || {
            format!(
                "no unavailable from the contact's resource: {}",
                describe(&got)
            )
        },
    )?;
    // The contact's automatic `unsubscribed` meets a state where §9.3 Table 4 neither
    // delivers nor applies it.
    ensure(
        !any(&got, |g| {
            g.to_session(JULIET) && g.is_presence(Some("unsubscribed"))
        }),
        || {
            format!(
                "the automatic unsubscribed was delivered: {}",
                describe(&got)
            )
        },
    )
}

/// 3921-8.5.1-2, 3921-8.5.1-3a, 3921-8.5.1-3b, 3921-8.5.1-4, 3921-8.5.1-5: revoking From:
/// none both sides; unsubscribed and unavailable reach the former subscriber.
fn revoke_from() -> Outcome {
    let mut w = World::new();
    w.online(JULIET, J, true, true)?;
    w.online(ROMEO, R, true, true)?;
    w.subscribe(ROMEO, R, "juliet@example.com", "subscribe")?;
    w.subscribe(JULIET, J, "romeo@example.com", "subscribed")?;
    let got = w.subscribe(JULIET, J, "romeo@example.com", "unsubscribed")?;
    ensure(
        pushes(&got, JULIET) == vec![("romeo@example.com".to_owned(), "none".to_owned(), None)]
            && pushes(&got, ROMEO)
                == vec![("juliet@example.com".to_owned(), "none".to_owned(), None)],
        || format!("pushes: {}", describe(&got)),
    )?;
    ensure(
        any(&got, |g| {
            g.to_session(ROMEO)
                && g.is_presence(Some("unsubscribed"))
                && g.attr("from") == Some("juliet@example.com")
        }) && any(&got, |g| {
            g.to_session(ROMEO) && g.is_presence(Some("unavailable")) && g.attr("from") == Some(J)
        }),
        || format!("unsubscribed and unavailable expected: {}", describe(&got)),
    )
}

/// 3921-8.5.2-2, 3921-8.5.2-3a, 3921-8.5.2-3b, 3921-8.5.2-4: revoking from Both: To for the
/// revoker, From for the other.
fn revoke_from_both() -> Outcome {
    let mut w = World::mutual()?;
    let got = w.subscribe(JULIET, J, "romeo@example.com", "unsubscribed")?;
    ensure(
        pushes(&got, JULIET) == vec![("romeo@example.com".to_owned(), "to".to_owned(), None)]
            && pushes(&got, ROMEO)
                == vec![("juliet@example.com".to_owned(), "from".to_owned(), None)]
            && any(&got, |g| {
                g.to_session(ROMEO)
                    && g.is_presence(Some("unavailable"))
                    && g.attr("from") == Some(J)
            }),
        || format!("revocation from Both: {}", describe(&got)),
    )
}

/// 3921-8.6-1, 3921-8.6-3b, 3921-8.6-4, 3921-8.6-5, 3921-8.6-7, 3921-9.4-5a: a roster
/// remove sends unsubscribe and unsubscribed (and unavailable) to the contact, whose
/// server ends both subscriptions.
fn remove_cancels_both() -> Outcome {
    let mut w = World::mutual()?;
    let got = w.send(JULIET, &format!("<iq from='{J}' type='set' id='rm'><query xmlns='jabber:iq:roster'><item jid='romeo@example.com' subscription='remove'/></query></iq>"))?;
    ensure(
        any(&got, |g| {
            g.to_session(ROMEO) && g.is_presence(Some("unsubscribe"))
        }) && any(&got, |g| {
            g.to_session(ROMEO) && g.is_presence(Some("unsubscribed"))
        }) && any(&got, |g| {
            g.to_session(ROMEO) && g.is_presence(Some("unavailable")) && g.attr("from") == Some(J)
        }),
        || format!("the contact's resources: {}", describe(&got)),
    )?;
    ensure(
        w.state("romeo@example.com", "juliet@example.com") == Some((State::None, true)),
        || "the contact's side is not None".into(),
    )?;
    let to_romeo = pushes(&got, ROMEO);
    ensure(
        to_romeo.last() == Some(&("juliet@example.com".to_owned(), "none".to_owned(), None)),
        || format!("contact's pushes {to_romeo:?}"),
    )
}

/// 3921-8.6-6, 3921-8.4.1-3: the contact offline: its item is updated for its next roster
/// request, and the notices wait for its login.
fn remove_while_contact_offline() -> Outcome {
    let mut w = World::mutual()?;
    w.end(ROMEO)?;
    w.send(JULIET, &format!("<iq from='{J}' type='set' id='rm'><query xmlns='jabber:iq:roster'><item jid='romeo@example.com' subscription='remove'/></query></iq>"))?;
    ensure(
        w.state("romeo@example.com", "juliet@example.com") == Some((State::None, true)),
        || "offline contact's item not updated".into(),
    )?;
    let got = w.online(ROMEO, R, true, true)?;
    let item = got
        .iter()
        .find(|g| g.attr("id") == Some("roster"))
        .and_then(|g| g.tree.child("jabber:iq:roster", "query"))
        .and_then(|q| q.elements().next())
        .and_then(|i| i.attr("subscription").map(str::to_owned));
    ensure(item.as_deref() == Some("none"), || {
        format!("roster shows {item:?}")
    })?;
    ensure(
        any(&got, |g| {
            g.to_session(ROMEO) && g.is_presence(Some("unsubscribe"))
        }) || any(&got, |g| {
            g.to_session(ROMEO) && g.is_presence(Some("unsubscribed"))
        }),
        || {
            format!(
                "the notices were not delivered at login: {}",
                describe(&got)
            )
        },
    )
}

/// 3921-9.4-2b, 3921-9.4-4, 3921-9.4-x1, 3921-8.2-24b: a subscribe notice stays until the
/// user answers it with subscribed or unsubscribed, then is not sent again.
fn notice_subscribe_acknowledged() -> Outcome {
    for answer in ["subscribed", "unsubscribed"] {
        let mut w = World::new();
        w.remote("<presence from='romeo@example.org' to='juliet@example.com' type='subscribe'/>")?;
        w.online(JULIET, J, true, true)?;
        w.subscribe(JULIET, J, "romeo@example.org", answer)?;
        w.end(JULIET)?;
        let got = w.online(JULIET, J, true, true)?;
        ensure(
            !any(&got, |g| {
                g.is_presence(Some("subscribe")) && g.to_session(JULIET)
            }),
            || format!("re-sent after {answer}: {}", describe(&got)),
        )?;
    }
    Ok(())
}

/// One notice of `kind` from a remote contact in `state`, acknowledged by `answer`: not
/// re-sent after; an answer that is not an acknowledgement leaves it.
fn notice_case(state: State, kind: &str, answer: &str, other: &str) -> Outcome {
    let mut w = World::with_remote(&[("romeo@example.org", state)])?;
    w.remote(&format!(
        "<presence from='romeo@example.org' to='juliet@example.com' type='{kind}'/>"
    ))?;
    let got = w.online(JULIET, J, true, true)?;
    ensure(
        any(&got, |g| g.to_session(JULIET) && g.is_presence(Some(kind))),
        || {
            format!(
                "the {kind} notice was not delivered at login: {}",
                describe(&got)
            )
        },
    )?;
    // Not an acknowledgement: still there at the next login.
    w.subscribe(JULIET, J, "romeo@example.org", other)?;
    w.end(JULIET)?;
    let got = w.online(JULIET, J, true, true)?;
    ensure(
        any(&got, |g| g.to_session(JULIET) && g.is_presence(Some(kind))),
        || format!("the {kind} notice went after a {other}: {}", describe(&got)),
    )?;
    w.subscribe(JULIET, J, "romeo@example.org", answer)?;
    w.end(JULIET)?;
    let got = w.online(JULIET, J, true, true)?;
    ensure(
        !any(&got, |g| g.to_session(JULIET) && g.is_presence(Some(kind))),
        || {
            format!(
                "the {kind} notice came back after {answer}: {}",
                describe(&got)
            )
        },
    )
}

/// 3921-9.4-x2, 3921-8.2.1-6, 3921-8.3-14b: a subscribed notice is acknowledged by subscribe or unsubscribe.
fn notice_subscribed_acknowledged() -> Outcome {
    notice_case(
        State::NonePendingOut,
        "subscribed",
        "unsubscribe",
        "unsubscribed",
    )
}

/// 3921-9.4-x3, 3921-8.4.1-4b, 3921-8.4.2-5: an unsubscribe notice is acknowledged by unsubscribed or subscribed.
fn notice_unsubscribe_acknowledged() -> Outcome {
    notice_case(State::From, "unsubscribe", "unsubscribed", "unsubscribe")
}

/// 3921-9.4-x4, 3921-8.2.1-6, 3921-8.5.1-7: an unsubscribed notice is acknowledged by unsubscribe or subscribe.
fn notice_unsubscribed_acknowledged() -> Outcome {
    notice_case(State::To, "unsubscribed", "subscribe", "subscribed")
}

/// 3921-9.4-5b: after a roster remove, no notice of that contact is re-sent.
fn remove_acknowledges_notices() -> Outcome {
    let mut w = World::new();
    w.remote("<presence from='romeo@example.org' to='juliet@example.com' type='subscribe'/>")?;
    w.online(JULIET, J, true, true)?;
    w.send(JULIET, &format!("<iq from='{J}' type='set' id='a'><query xmlns='jabber:iq:roster'><item jid='romeo@example.org'/></query></iq>"))?;
    w.send(JULIET, &format!("<iq from='{J}' type='set' id='rm'><query xmlns='jabber:iq:roster'><item jid='romeo@example.org' subscription='remove'/></query></iq>"))?;
    w.end(JULIET)?;
    let got = w.online(JULIET, J, true, true)?;
    ensure(
        !any(&got, |g| {
            g.to_session(JULIET) && g.is_presence(Some("subscribe"))
        }),
        || format!("re-sent after removal: {}", describe(&got)),
    )
}

/// 3921-9.2-1, 3921-9.2-2a, 3921-9.2-2b, 3921-9.2-3: outbound subscribe and unsubscribe are
/// always routed; subscribed/unsubscribed only when they change the state.
fn outbound_routing_rules() -> Outcome {
    let mut w = World::new();
    w.online(JULIET, J, true, true)?;
    for kind in ["subscribe", "subscribe", "unsubscribe", "unsubscribe"] {
        let got = w.subscribe(JULIET, J, "romeo@example.org", kind)?;
        ensure(
            any(&got, |g| g.remote() && g.is_presence(Some(kind))),
            || format!("{kind} not routed"),
        )?;
    }
    let before = w.state("juliet@example.com", "romeo@example.org");
    let got = w.subscribe(JULIET, J, "romeo@example.org", "subscribed")?;
    ensure(
        !any(&got, |g| g.remote()) && w.state("juliet@example.com", "romeo@example.org") == before,
        || {
            format!(
                "a subscribed that changes nothing went out or changed the state: {}",
                describe(&got)
            )
        },
    )?;
    w.remote("<presence from='romeo@example.org' to='juliet@example.com' type='subscribe'/>")?;
    let got = w.subscribe(JULIET, J, "romeo@example.org", "subscribed")?;
    ensure(
        any(&got, |g| g.remote() && g.is_presence(Some("subscribed"))),
        || "approval not routed".into(),
    )
}

/// 3921-9.3-1a, 3921-9.3-1b: an inbound subscribe is delivered when no request is pending,
/// not again while one is.
fn inbound_subscribe_once() -> Outcome {
    let mut w = World::new();
    w.online(JULIET, J, true, true)?;
    let first =
        w.remote("<presence from='romeo@example.org' to='juliet@example.com' type='subscribe'/>")?;
    let second =
        w.remote("<presence from='romeo@example.org' to='juliet@example.com' type='subscribe'/>")?;
    ensure(
        any(&first, |g| g.is_presence(Some("subscribe"))) && second.is_empty(),
        || format!("first {} / second {}", describe(&first), describe(&second)),
    )
}

/// 3921-9.3-4a, 3921-9.3-4b, 3921-9.3-5a, 3921-9.3-5b, 3921-9.3-6: an inbound unsubscribe that
/// changes the state is delivered, applied and answered; one that changes nothing is
/// dropped.
fn inbound_unsubscribe_rules() -> Outcome {
    let mut w = World::with_remote(&[("fan@example.org", State::Both)])?;
    w.online(JULIET, J, true, true)?;
    let got =
        w.remote("<presence from='fan@example.org' to='juliet@example.com' type='unsubscribe'/>")?;
    ensure(
        any(&got, |g| {
            g.to_session(JULIET) && g.is_presence(Some("unsubscribe"))
        }) && any(&got, |g| g.remote() && g.is_presence(Some("unsubscribed")))
            && w.state("juliet@example.com", "fan@example.org") == Some((State::To, true)),
        || format!("state-changing unsubscribe: {}", describe(&got)),
    )?;
    let got =
        w.remote("<presence from='fan@example.org' to='juliet@example.com' type='unsubscribe'/>")?;
    ensure(
        got.is_empty()
            && w.state("juliet@example.com", "fan@example.org") == Some((State::To, true)),
        || format!("unsubscribe that changes nothing: {}", describe(&got)),
    )
}

/// 3921-9.3-8, 3921-9.3-9a, 3921-9.3-9b: an inbound subscribed with the request pending is
/// delivered and applied; when already subscribed, withheld.
fn inbound_subscribed_rules() -> Outcome {
    let mut w = World::with_remote(&[
        ("out@example.org", State::NonePendingOut),
        ("to@example.org", State::To),
    ])?;
    w.online(JULIET, J, true, true)?;
    let got =
        w.remote("<presence from='out@example.org' to='juliet@example.com' type='subscribed'/>")?;
    ensure(
        any(&got, |g| {
            g.to_session(JULIET) && g.is_presence(Some("subscribed"))
        }) && w.state("juliet@example.com", "out@example.org") == Some((State::To, true)),
        || format!("pending request: {}", describe(&got)),
    )?;
    let got =
        w.remote("<presence from='to@example.org' to='juliet@example.com' type='subscribed'/>")?;
    ensure(
        got.is_empty()
            && w.state("juliet@example.com", "to@example.org") == Some((State::To, true)),
        || format!("already subscribed: {}", describe(&got)),
    )
}

/// 3921-9.3-10, 3921-9.3-11a, 3921-9.3-11b: inbound unsubscribed is applied when it ends a
/// subscription or a pending request, dropped otherwise.
fn inbound_unsubscribed_rules() -> Outcome {
    let mut w = World::with_remote(&[
        ("to@example.org", State::To),
        ("from@example.org", State::From),
    ])?;
    w.online(JULIET, J, true, true)?;
    let got =
        w.remote("<presence from='to@example.org' to='juliet@example.com' type='unsubscribed'/>")?;
    ensure(
        any(&got, |g| {
            g.to_session(JULIET) && g.is_presence(Some("unsubscribed"))
        }) && w.state("juliet@example.com", "to@example.org") == Some((State::None, true)),
        || format!("ending To: {}", describe(&got)),
    )?;
    let got = w.remote(
        "<presence from='from@example.org' to='juliet@example.com' type='unsubscribed'/>",
    )?;
    ensure(
        got.is_empty()
            && w.state("juliet@example.com", "from@example.org") == Some((State::From, true)),
        || format!("nothing to end: {}", describe(&got)),
    )
}

// ---- §11 delivery ----

/// 3921-11.1-2: a stanza to the full JID of a session goes to that session.
fn full_jid_delivered() -> Outcome {
    let mut w = World::new();
    w.online(JULIET, J, true, true)?;
    w.online(CHAMBER, J2, true, true)?;
    for xml in [
        format!("<message from='romeo@example.org/x' to='{J2}'><body>x</body></message>"),
        format!(
            "<iq from='romeo@example.org/x' to='{J2}' type='get' id='v'><query xmlns='jabber:iq:version'/></iq>"
        ),
        format!("<presence from='romeo@example.org/x' to='{J2}'/>"),
    ] {
        let got = w.remote(&xml)?;
        ensure(got.len() == 1 && got[0].to_session(CHAMBER), || {
            format!("{xml}: {}", describe(&got))
        })?;
    }
    Ok(())
}

/// 3921-11.1-3a, 3921-11.1-3b, 3921-11.1-3c: no such account.
fn no_such_account() -> Outcome {
    let mut w = World::new();
    let got = w.remote("<presence from='romeo@example.org/x' to='nobody@example.com'/>")?;
    ensure(got.is_empty(), || {
        format!("presence answered: {}", describe(&got))
    })?;
    for xml in [
        "<message from='romeo@example.org/x' to='nobody@example.com' id='m'><body>x</body></message>",
        "<iq from='romeo@example.org/x' to='nobody@example.com' type='get' id='q'><query xmlns='jabber:iq:version'/></iq>",
    ] {
        let got = w.remote(xml)?;
        ensure(
            got.len() == 1 && got[0].condition().as_deref() == Some("service-unavailable"),
            || format!("{xml}: {}", describe(&got)),
        )?;
    }
    Ok(())
}

/// 3921-11.1-4, 3921-11.1-5a, 3921-11.1-5b: a full JID with no such resource.
fn no_such_resource() -> Outcome {
    let mut w = World::new();
    w.online(JULIET, J, true, true)?;
    let got = w.remote("<presence from='romeo@example.org/x' to='juliet@example.com/gone'/>")?;
    ensure(got.is_empty(), || {
        format!("presence delivered: {}", describe(&got))
    })?;
    let got = w.remote("<iq from='romeo@example.org/x' to='juliet@example.com/gone' type='get' id='q'><query xmlns='jabber:iq:version'/></iq>")?;
    ensure(
        got.len() == 1 && got[0].condition().as_deref() == Some("service-unavailable"),
        || format!("iq: {}", describe(&got)),
    )?;
    let got = w.remote(
        "<message from='romeo@example.org/x' to='juliet@example.com/gone'><body>x</body></message>",
    )?;
    ensure(got.len() == 1 && got[0].to_session(JULIET), || {
        format!("message not sent on to the bare JID: {}", describe(&got))
    })
}

/// 3921-11.1-7, 3921-11.1-10: a message to the bare JID goes to the highest priority (a
/// missing priority being 0), keeping the bare JID as `to`.
fn highest_priority() -> Outcome {
    let mut w = World::new();
    w.online(JULIET, J, true, true)?;
    w.online(CHAMBER, J2, true, false)?;
    w.send(
        CHAMBER,
        &format!("<presence from='{J2}'><priority>1</priority></presence>"),
    )?;
    let got = w.remote(
        "<message from='romeo@example.org/x' to='juliet@example.com'><body>x</body></message>",
    )?;
    ensure(
        got.len() == 1
            && got[0].to_session(CHAMBER)
            && got[0].attr("to") == Some("juliet@example.com"),
        || describe(&got),
    )
}

/// 3921-11.1-8: resources tied at the top priority all get the message.
fn tied_priorities() -> Outcome {
    let mut w = World::new();
    w.online(JULIET, J, true, true)?;
    w.online(CHAMBER, J2, true, true)?;
    let got = w.remote(
        "<message from='romeo@example.org/x' to='juliet@example.com'><body>x</body></message>",
    )?;
    ensure(
        any(&got, |g| g.to_session(JULIET)) && any(&got, |g| g.to_session(CHAMBER)),
        || describe(&got),
    )
}

/// 3921-11.1-9a, 3921-11.1-9b, 3921-11.1-18: no message to a negative priority; with only
/// those, service-unavailable (messages are not stored).
fn negative_priority() -> Outcome {
    let mut w = World::new();
    w.online(JULIET, J, true, false)?;
    w.send(
        JULIET,
        &format!("<presence from='{J}'><priority>-5</priority></presence>"),
    )?;
    let got = w.remote("<message from='romeo@example.org/x' to='juliet@example.com' id='m'><body>x</body></message>")?;
    ensure(
        got.len() == 1
            && got[0].remote()
            && got[0].condition().as_deref() == Some("service-unavailable"),
        || describe(&got),
    )
}

/// 3921-11.1-12: presence to a bare JID keeps the bare JID as `to`.
fn presence_keeps_bare_to() -> Outcome {
    let mut w = World::with_remote(&[("romeo@example.org", State::To)])?;
    w.online(JULIET, J, true, true)?;
    let got = w.remote("<presence from='romeo@example.org/x' to='juliet@example.com'/>")?;
    ensure(
        got.len() == 1 && got[0].attr("to") == Some("juliet@example.com"),
        || describe(&got),
    )
}

/// 3921-11.1-13, 3921-11.1-14, 3921-11.1-19, 3921-11.1-20: an IQ to a bare JID is answered
/// by the server (service-unavailable for namespaces it does not answer for the user),
/// online or not, never passed to a resource.
fn iq_to_bare_jid() -> Outcome {
    let mut w = World::new();
    for online in [false, true] {
        if online {
            w.online(JULIET, J, true, true)?;
        }
        let got = w.remote("<iq from='romeo@example.org/x' to='juliet@example.com' type='get' id='q'><query xmlns='jabber:iq:version'/></iq>")?;
        ensure(
            got.len() == 1
                && got[0].remote()
                && got[0].condition().as_deref() == Some("service-unavailable"),
            || format!("online {online}: {}", describe(&got)),
        )?;
    }
    Ok(())
}

/// 3921-11.1-16: with no resource available, other presence is neither stored nor
/// answered.
fn presence_to_offline_user() -> Outcome {
    let mut w = World::with_remote(&[("romeo@example.org", State::To)])?;
    let got = w.remote("<presence from='romeo@example.org/x' to='juliet@example.com'/>")?;
    ensure(got.is_empty(), || describe(&got))?;
    let got = w.online(JULIET, J, true, true)?;
    ensure(
        !any(&got, |g| {
            g.to_session(JULIET) && g.attr("from") == Some("romeo@example.org/x")
        }),
        || format!("stored presence delivered: {}", describe(&got)),
    )
}

/// 3921-11.2-1, 3921-11.2-2: stanzas for a local domain are delivered by the inbound rules;
/// others leave for their domain.
fn outbound_routing() -> Outcome {
    let mut w = World::new();
    w.online(JULIET, J, true, true)?;
    w.online(ROMEO, R, true, true)?;
    let got = w.send(
        ROMEO,
        &format!("<message from='{R}' to='juliet@example.com'><body>x</body></message>"),
    )?;
    ensure(got.len() == 1 && got[0].to_session(JULIET), || {
        describe(&got)
    })?;
    let got = w.send(
        ROMEO,
        &format!("<message from='{R}' to='mercutio@example.net'><body>x</body></message>"),
    )?;
    ensure(
        got.len() == 1
            && got[0].route == Route::Remote("example.net".into())
            && got[0].tree.namespace() == SERVER_NS,
        || describe(&got),
    )
}

/// The checks of this module.
pub static CHECKS: &[Check] = &[
    Check {
        name: "im_server.initial_presence_probes_and_broadcasts",
        run: initial_presence_probes_and_broadcasts,
    },
    Check {
        name: "im_server.initial_presence_to_own_resources",
        run: initial_presence_to_own_resources,
    },
    Check {
        name: "im_server.inbound_presence_to_available_resources",
        run: inbound_presence_to_available_resources,
    },
    Check {
        name: "im_server.presence_error_stops_updates",
        run: presence_error_stops_updates,
    },
    Check {
        name: "im_server.presence_update_broadcast",
        run: presence_update_broadcast,
    },
    Check {
        name: "im_server.unavailable_to_subscribers_and_directed",
        run: unavailable_to_subscribers_and_directed,
    },
    Check {
        name: "im_server.probe_forbidden",
        run: probe_forbidden,
    },
    Check {
        name: "im_server.probe_not_authorized",
        run: probe_not_authorized,
    },
    Check {
        name: "im_server.probe_when_offline",
        run: probe_when_offline,
    },
    Check {
        name: "im_server.probe_answered_per_resource",
        run: probe_answered_per_resource,
    },
    Check {
        name: "im_server.directed_to_subscriber",
        run: directed_to_subscriber,
    },
    Check {
        name: "im_server.directed_to_stranger",
        run: directed_to_stranger,
    },
    Check {
        name: "im_server.directed_while_unavailable",
        run: directed_while_unavailable,
    },
    Check {
        name: "im_server.session_end_sends_unavailable",
        run: session_end_sends_unavailable,
    },
    Check {
        name: "im_server.available_after_unavailable",
        run: available_after_unavailable,
    },
    Check {
        name: "im_server.inbound_request_delivered",
        run: inbound_request_delivered,
    },
    Check {
        name: "im_server.request_kept_until_answered",
        run: request_kept_until_answered,
    },
    Check {
        name: "im_server.uninterested_resources_get_nothing",
        run: uninterested_resources_get_nothing,
    },
    Check {
        name: "im_server.request_from_subscriber_answered",
        run: request_from_subscriber_answered,
    },
    Check {
        name: "im_server.roster_set_ignores_to",
        run: roster_set_ignores_to,
    },
    Check {
        name: "im_server.roster_add_update",
        run: roster_add_update,
    },
    Check {
        name: "im_server.roster_set_subscription_disregarded",
        run: roster_set_subscription_disregarded,
    },
    Check {
        name: "im_server.roster_remove",
        run: roster_remove,
    },
    Check {
        name: "im_server.push_addresses",
        run: push_addresses,
    },
    Check {
        name: "im_server.outbound_subscribe",
        run: outbound_subscribe,
    },
    Check {
        name: "im_server.subscription_error_delivered",
        run: subscription_error_delivered,
    },
    Check {
        name: "im_server.pending_in_item_hidden",
        run: pending_in_item_hidden,
    },
    Check {
        name: "im_server.approval_flow",
        run: approval_flow,
    },
    Check {
        name: "im_server.unrequested_subscribed_dropped",
        run: unrequested_subscribed_dropped,
    },
    Check {
        name: "im_server.decline_flow",
        run: decline_flow,
    },
    Check {
        name: "im_server.reciprocal_flow",
        run: reciprocal_flow,
    },
    Check {
        name: "im_server.reciprocal_refused",
        run: reciprocal_refused,
    },
    Check {
        name: "im_server.unsubscribe_from_to",
        run: unsubscribe_from_to,
    },
    Check {
        name: "im_server.unsubscribe_answered_remote",
        run: unsubscribe_answered_remote,
    },
    Check {
        name: "im_server.unsubscribe_from_both",
        run: unsubscribe_from_both,
    },
    Check {
        name: "im_server.revoke_from",
        run: revoke_from,
    },
    Check {
        name: "im_server.revoke_from_both",
        run: revoke_from_both,
    },
    Check {
        name: "im_server.remove_cancels_both",
        run: remove_cancels_both,
    },
    Check {
        name: "im_server.remove_while_contact_offline",
        run: remove_while_contact_offline,
    },
    Check {
        name: "im_server.notice_subscribe_acknowledged",
        run: notice_subscribe_acknowledged,
    },
    Check {
        name: "im_server.notice_subscribed_acknowledged",
        run: notice_subscribed_acknowledged,
    },
    Check {
        name: "im_server.notice_unsubscribe_acknowledged",
        run: notice_unsubscribe_acknowledged,
    },
    Check {
        name: "im_server.notice_unsubscribed_acknowledged",
        run: notice_unsubscribed_acknowledged,
    },
    Check {
        name: "im_server.remove_acknowledges_notices",
        run: remove_acknowledges_notices,
    },
    Check {
        name: "im_server.outbound_routing_rules",
        run: outbound_routing_rules,
    },
    Check {
        name: "im_server.inbound_subscribe_once",
        run: inbound_subscribe_once,
    },
    Check {
        name: "im_server.inbound_unsubscribe_rules",
        run: inbound_unsubscribe_rules,
    },
    Check {
        name: "im_server.inbound_subscribed_rules",
        run: inbound_subscribed_rules,
    },
    Check {
        name: "im_server.inbound_unsubscribed_rules",
        run: inbound_unsubscribed_rules,
    },
    Check {
        name: "im_server.full_jid_delivered",
        run: full_jid_delivered,
    },
    Check {
        name: "im_server.no_such_account",
        run: no_such_account,
    },
    Check {
        name: "im_server.no_such_resource",
        run: no_such_resource,
    },
    Check {
        name: "im_server.highest_priority",
        run: highest_priority,
    },
    Check {
        name: "im_server.tied_priorities",
        run: tied_priorities,
    },
    Check {
        name: "im_server.negative_priority",
        run: negative_priority,
    },
    Check {
        name: "im_server.presence_keeps_bare_to",
        run: presence_keeps_bare_to,
    },
    Check {
        name: "im_server.iq_to_bare_jid",
        run: iq_to_bare_jid,
    },
    Check {
        name: "im_server.presence_to_offline_user",
        run: presence_to_offline_user,
    },
    Check {
        name: "im_server.outbound_routing",
        run: outbound_routing,
    },
];
