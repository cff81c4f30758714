//! Entry points shared by the fuzz targets and the tests that replay their corpora (cargo
//! feature `fuzzing`; not part of the stable API).
//!
//! Each function panics when it finds a property violated, which is what the fuzzer
//! reports; on any input it must otherwise return normally.

use std::fmt::Debug;

use xmpp_xml::{Element, ElementRef};

use crate::error::PayloadError;
use crate::message::Message;
use crate::presence::Presence;
use crate::privacy;
use crate::roster::{Item, Query};
use crate::subscription::{Direction, Kind, State, handle};

/// Deepest level of the tree whose elements are offered to the readers.
const MAX_LEVEL: usize = 3;

/// Fuzz target `im_payloads`: parses the bytes as one XML document and offers its root
/// and the elements below it (three levels) to every payload reader. A reader must either
/// refuse with an error that maps to a stanza error, or accept; what it accepts must be
/// written and read back as the same value, also through the serialized bytes. A privacy
/// query that reads is also handled as a get and a set over lists of its own
/// ([`privacy_requests`]). The first byte also drives the subscription tables, whose new
/// state must be consistent.
pub fn payloads(data: &[u8]) {
    if let Some(&b) = data.first() {
        subscription_step(b);
    }
    let Some(root) = crate::xml::parse_element(data) else {
        return;
    };
    let mut stack = vec![(root.as_ref(), 0usize)];
    while let Some((e, level)) = stack.pop() {
        check(e, Presence::from_element, Presence::to_element);
        check(e, Message::from_element, Message::to_element);
        check(e, Query::from_element, Query::to_element);
        check(e, Item::from_element, Item::to_element);
        check(e, privacy::Item::from_element, privacy::Item::to_element);
        check(e, privacy::List::from_element, privacy::List::to_element);
        check(e, privacy::Query::from_element, privacy::Query::to_element);
        if let Ok(q) = privacy::Query::from_element(e) {
            privacy_requests(&q);
        }
        if level < MAX_LEVEL {
            stack.extend(e.elements().map(|c| (c, level + 1)));
        }
    }
}

fn check<T: PartialEq + Debug>(
    e: ElementRef<'_>,
    read: fn(ElementRef<'_>) -> Result<T, PayloadError>,
    write: fn(&T) -> Element<'static>,
) {
    let value = match read(e) {
        Ok(v) => v,
        Err(err) => {
            // Every refusal names a stanza error and a text.
            let _ = err.to_stanza_error();
            assert!(!err.to_string().is_empty());
            return;
        }
    };
    let written = write(&value);
    let again = read(written.as_ref());
    assert_eq!(
        again.as_ref(),
        Ok(&value),
        "the written value reads differently"
    );
    let mut out = Vec::new();
    if written.write_to(&mut out).is_err() {
        // The writer refuses what it cannot serialize (an `xml:lang` that is no language
        // tag, say); the tree itself was checked above.
        return;
    }
    let Some(back) = crate::xml::parse_element(&out) else {
        panic!(
            "written payload does not parse: {}",
            String::from_utf8_lossy(&out)
        );
    };
    assert_eq!(
        read(back.as_ref()).as_ref(),
        Ok(&value),
        "the bytes read differently"
    );
}

/// One step of the subscription tables chosen by `b`: a new state differs from the old
/// one, and the roster push follows from it.
fn subscription_step(b: u8) {
    let state = State::ALL[usize::from(b) % 9];
    let kind = Kind::ALL[usize::from(b / 9) % 4];
    let dir = if b & 0x80 == 0 {
        Direction::Outbound
    } else {
        Direction::Inbound
    };
    let o = handle(dir, state, kind);
    assert_ne!(o.new_state, Some(state));
    assert!(!o.roster_push || o.new_state.is_some());
}

/// Handles a privacy query as a get and as a set, by a session with and without other
/// sessions, over the lists the query itself carries. A refusal leaves the lists as they
/// were; a success stores and pushes only what the rules allow; every list then decides
/// every stanza kind for an unknown contact without panicking.
fn privacy_requests(q: &privacy::Query) {
    use privacy::{ActiveChange, Contact, Context, Direction, Lists, Request, StanzaKind, Verdict};
    let mut lists = Lists::default();
    for l in &q.lists {
        if !l.items.is_empty() && lists.get(&l.name).is_none() {
            lists.lists.push(l.clone());
        }
    }
    lists.default = lists.lists.first().map(|l| l.name.clone());
    let first = lists.lists.first().map(|l| l.name.as_str());
    let others_sets: [&[Option<&str>]; 3] = [&[], &[None], &[first]];
    for others in others_sets {
        for active in [None, first] {
            let ctx = Context {
                active,
                others,
                roster_group: None,
            };
            for request in [Request::Get(q), Request::Set(q)] {
                let mut after = lists.clone();
                match after.handle(request, &ctx) {
                    Err(e) => {
                        assert_eq!(after, lists, "a refused request changed the lists");
                        assert!(!e.to_string().is_empty());
                        let _ = e.to_stanza_error();
                    }
                    Ok(o) => {
                        if !o.stored {
                            assert_eq!(after, lists, "a change without `stored`");
                        }
                        if matches!(request, Request::Get(_)) {
                            assert!(o.result.is_some() && !o.stored && o.push.is_none());
                            assert_eq!(o.active, ActiveChange::Unchanged);
                        } else {
                            assert!(o.result.is_none());
                        }
                        if o.push.is_some() {
                            assert!(o.stored);
                        }
                    }
                }
            }
        }
    }
    let Ok(jid) = xmpp_jid::Jid::parse("tybalt@example.com/pda") else {
        return;
    };
    let contact = Contact::unknown(&jid);
    for l in &lists.lists {
        for dir in [Direction::Inbound, Direction::Outbound] {
            for kind in StanzaKind::ALL {
                let v = privacy::decide(l, dir, kind, &contact);
                let m = l.first_match(dir, kind, &contact);
                match m {
                    Some(i) if i.action == privacy::Action::Deny => {
                        assert_eq!(v, Verdict::blocked(dir, kind))
                    }
                    _ => assert_eq!(v, Verdict::Allow),
                }
            }
        }
    }
}

/// Fuzz target `im_client`: the bytes, split at NUL bytes, are stanzas received by one
/// [`crate::client::Client`] of `juliet@example.com` that has asked for its roster (id
/// `r1`). Each that parses is handled; afterwards the roster holds no `remove` item and
/// every item has a subscription, a refused push left the roster as it was, and every
/// reply is an `<iq/>` or `<presence/>` of type `result` or `error`.
pub fn client(data: &[u8]) {
    use crate::client::{Client, Incoming};

    let Ok(user) = xmpp_jid::BareJid::parse("juliet@example.com") else {
        return;
    };
    let mut c = Client::new(user);
    c.roster_mut().request("r1");
    for piece in data.split(|&b| b == 0) {
        let Some(stanza) = crate::xml::parse_element(piece) else {
            continue;
        };
        let before: Vec<_> = c.roster().items().cloned().collect();
        let incoming = c.handle(stanza.as_ref());
        if let Incoming::RosterPushRefused(_) = incoming {
            assert!(
                c.roster().items().eq(before.iter()),
                "refused push changed the roster"
            );
        }
        if let Some(reply) = incoming.reply() {
            assert!(matches!(reply.name(), "iq" | "presence"), "{reply:?}");
            assert!(
                matches!(reply.attr("type"), Some("result" | "error")),
                "{reply:?}"
            );
        }
        for item in c.roster().items() {
            assert!(
                matches!(item.subscription, Some(s) if s != crate::roster::Subscription::Remove),
                "{item:?}"
            );
        }
    }
}

/// Fuzz target `im_server`: the bytes, split at NUL bytes, are a script for one
/// [`crate::server::Server`] of `example.com` with an in-memory store holding juliet,
/// romeo and nurse. The first byte of each piece picks the step: a session starts
/// (four fixed full JIDs), a session ends, a session sends the rest of the piece as a
/// stanza (its `from` set as the stream engine stamps it), or another server sends it.
/// After each step every delivery goes to a live session in `jabber:client` or to a
/// foreign domain in `jabber:server`, and a step delivers a bounded number of stanzas
/// (no routing loop).
pub fn server(data: &[u8]) {
    use crate::server::{MemoryStore, Route, Server, SessionId};
    use xmpp_core::Stanza;
    use xmpp_core::ns::{CLIENT_NS, SERVER_NS};

    const JIDS: [&str; 4] = [
        "juliet@example.com/balcony",
        "juliet@example.com/chamber",
        "romeo@example.com/orchard",
        "nurse@example.com/kitchen",
    ];
    let mut store = MemoryStore::new();
    for user in [
        "juliet@example.com",
        "romeo@example.com",
        "nurse@example.com",
    ] {
        if let Ok(u) = user.parse() {
            store.add_user(&u);
        }
    }
    let mut im = Server::new(["example.com"]);
    let mut live = [false; 4];
    for piece in data.split(|&b| b == 0) {
        let Some((&op, rest)) = piece.split_first() else {
            continue;
        };
        let slot = usize::from(op >> 2) % JIDS.len();
        let id = SessionId(slot as u64);
        match op & 3 {
            0 => {
                if let Ok(jid) = JIDS[slot].parse() {
                    im.session_started(id, jid);
                    live[slot] = true;
                }
            }
            1 => {
                im.session_ended(id);
                live[slot] = false;
            }
            2 | 3 => {
                let Some(mut tree) = crate::xml::parse_element(rest) else {
                    continue;
                };
                let ns = if op & 3 == 2 { CLIENT_NS } else { SERVER_NS };
                if tree.namespace().is_empty() {
                    tree.rename_namespace("", ns);
                }
                if op & 3 == 2 {
                    tree.set_attr("from", JIDS[slot]);
                }
                let Ok(stanza) = Stanza::from_element(&tree, ns) else {
                    continue;
                };
                if op & 3 == 2 {
                    im.handle_stanza(id, stanza);
                } else {
                    im.handle_remote(stanza);
                }
            }
            _ => {}
        }
        let mut delivered = 0;
        while let Some((route, stanza)) = im.poll_delivery(&mut store) {
            delivered += 1;
            assert!(delivered < 10_000, "a step delivered without end");
            match route {
                Route::Session(SessionId(s)) => {
                    let s = usize::try_from(s).unwrap_or(usize::MAX);
                    assert!(
                        live.get(s).copied().unwrap_or(false),
                        "delivery to a dead session"
                    );
                    assert_eq!(stanza.stream_namespace(), CLIENT_NS);
                }
                Route::Remote(domain) => {
                    assert!(!im.is_local(&domain), "local domain routed out: {domain}");
                    assert_eq!(stanza.stream_namespace(), SERVER_NS);
                }
            }
        }
    }
}
