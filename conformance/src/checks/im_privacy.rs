//! Checks of privacy lists (RFC 3921 §10, and where §5.1, §11.1 and §14 name them): the
//! payload readers and writers of `xmpp_im::privacy`, and the server component of
//! `xmpp-im` serving `example.com` with an in-memory store, driven with real
//! `jabber:iq:privacy` IQs from its sessions and real stanzas from a remote server
//! (`example.org`), what it delivers read back.

use super::{Check, Outcome, ensure, tree};
use xmpp_core::ns::{CLIENT_NS, SERVER_NS};
use xmpp_core::{Stanza, StanzaErrorCondition};
use xmpp_im::PayloadError;
use xmpp_im::client::requests::iq_result;
use xmpp_im::privacy::{Action, Item, ItemType, List, Query, Selection};
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
/// Romeo of the remote domain, the blocked entity of most checks.
const RR: &str = "romeo@example.org/orchard";
/// A list that denies everything to and from romeo@example.org (RFC 3921 §10.13).
const BLOCK: &str = "<list name='block'>\
    <item type='jid' value='romeo@example.org' action='deny' order='1'/></list>";
/// A list that denies only tybalt@example.org.
const OPEN: &str = "<list name='open'>\
    <item type='jid' value='tybalt@example.org' action='deny' order='1'/></list>";

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
    fn named(&self, name: &str) -> bool {
        self.tree.name() == name
    }
    fn condition(&self) -> Option<String> {
        let e = self.tree.elements().find(|c| c.name() == "error")?;
        e.elements().next().map(|c| c.name().to_owned())
    }
    /// The name of the list a privacy list push names, when this is one with exactly one
    /// `<list/>` child and no items (RFC 3921 §10.2 rule 10).
    fn pushed_list(&self) -> Option<String> {
        if !self.named("iq") || self.attr("type") != Some("set") {
            return None;
        }
        let q = self.tree.child("jabber:iq:privacy", "query")?;
        let mut children = q.elements();
        let list = children.next()?;
        if children.next().is_some() || list.name() != "list" || list.elements().next().is_some() {
            return None;
        }
        list.attr("name").map(str::to_owned)
    }
}

fn any(got: &[Got], pred: impl Fn(&Got) -> bool) -> bool {
    got.iter().any(pred)
}

fn describe(got: &[Got]) -> String {
    got.iter()
        .map(|g| format!("{:?}: {:?}", g.route, g.tree))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Whether a stanza named `name` reached the session `id`.
fn reached(got: &[Got], id: SessionId, name: &str) -> bool {
    any(got, |g| g.to_session(id) && g.named(name))
}

/// Whether an error of any kind went back to the remote domain.
fn error_out(got: &[Got]) -> bool {
    any(got, |g| g.remote() && g.attr("type") == Some("error"))
}

/// The names result of a privacy get: the active list, the default list, every list.
type Names = (Option<String>, Option<String>, Vec<String>);

struct World {
    server: Server,
    store: MemoryStore,
    next_id: u32,
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
            next_id: 0,
        }
    }

    /// Puts `jid` in Juliet's roster in `state`, in `groups`.
    fn contact(&mut self, jid: &str, state: State, groups: &[&str]) -> Result<(), String> {
        let juliet: BareJid = "juliet@example.com".parse().map_err(|e| format!("{e}"))?;
        let mut c = Contact::new(jid.parse().map_err(|e| format!("{e}"))?);
        c.state = state;
        c.in_roster = true;
        c.item.groups = groups.iter().map(|g| (*g).to_owned()).collect();
        self.store.apply(StoreWrite::Contact {
            user: juliet,
            contact: c,
        });
        Ok(())
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

    /// A stanza of a session, handled but not drained.
    fn feed(&mut self, id: SessionId, e: &Element<'_>) -> Result<(), String> {
        let s = Stanza::from_element(e, CLIENT_NS).map_err(|e| e.to_string())?;
        self.server.handle_stanza(id, s);
        Ok(())
    }

    fn send(&mut self, id: SessionId, xml: &str) -> Result<Vec<Got>, String> {
        let mut e = tree(xml)?;
        e.rename_namespace("", CLIENT_NS);
        self.feed(id, &e)?;
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

    /// A session that sent initial presence.
    fn available(&mut self, id: SessionId, jid: &str) -> Result<Vec<Got>, String> {
        let mut got = self.start(id, jid)?;
        got.extend(self.send(id, &format!("<presence from='{jid}'/>"))?);
        Ok(got)
    }

    fn fresh(&mut self) -> String {
        self.next_id += 1;
        format!("p{}", self.next_id)
    }

    /// A privacy IQ of `kind` (`get` or `set`) from the session `id`: its id, and what came
    /// out.
    fn privacy(
        &mut self,
        id: SessionId,
        jid: &str,
        kind: &str,
        inner: &str,
    ) -> Result<(String, Vec<Got>), String> {
        let iq_id = self.fresh();
        let got = self.send(
            id,
            &format!(
                "<iq from='{jid}' type='{kind}' id='{iq_id}'>\
                 <query xmlns='jabber:iq:privacy'>{inner}</query></iq>"
            ),
        )?;
        Ok((iq_id, got))
    }

    /// A privacy IQ that must get a result: what came out.
    fn ok(
        &mut self,
        id: SessionId,
        jid: &str,
        kind: &str,
        inner: &str,
    ) -> Result<Vec<Got>, String> {
        let (iq_id, got) = self.privacy(id, jid, kind, inner)?;
        match reply(&got, id, &iq_id) {
            Some(r) if r.attr("type") == Some("result") => Ok(got),
            _ => Err(format!("{kind} {inner}: no result: {}", describe(&got))),
        }
    }

    /// A privacy IQ that must get the error `condition`, and nothing else but that error.
    fn refused(
        &mut self,
        id: SessionId,
        jid: &str,
        kind: &str,
        inner: &str,
        condition: &str,
    ) -> Outcome {
        let (iq_id, got) = self.privacy(id, jid, kind, inner)?;
        let error = reply(&got, id, &iq_id)
            .filter(|r| r.attr("type") == Some("error"))
            .and_then(Got::condition);
        ensure(error.as_deref() == Some(condition), || {
            format!("{kind} {inner}: {condition} expected: {}", describe(&got))
        })?;
        ensure(got.len() == 1, || {
            format!(
                "{kind} {inner}: only the error expected: {}",
                describe(&got)
            )
        })
    }

    /// The names result: (active, default, list names).
    fn names(&mut self, id: SessionId, jid: &str) -> Result<Names, String> {
        let (iq_id, got) = self.privacy(id, jid, "get", "")?;
        let r = reply(&got, id, &iq_id).ok_or_else(|| format!("no names: {}", describe(&got)))?;
        let q = r
            .tree
            .child("jabber:iq:privacy", "query")
            .ok_or_else(|| format!("no query in {:?}", r.tree))?;
        let q = Query::from_element(q).map_err(|e| e.to_string())?;
        Ok((
            q.active.and_then(|s| s.name),
            q.default.and_then(|s| s.name),
            q.lists.into_iter().map(|l| l.name).collect(),
        ))
    }

    /// The items of the list `name` as the server returns them, or `None` for an error.
    fn list(&mut self, id: SessionId, jid: &str, name: &str) -> Result<Option<List>, String> {
        let (iq_id, got) = self.privacy(id, jid, "get", &format!("<list name='{name}'/>"))?;
        let r = reply(&got, id, &iq_id).ok_or_else(|| format!("no answer: {}", describe(&got)))?;
        if r.attr("type") != Some("result") {
            return Ok(None);
        }
        let q = r
            .tree
            .child("jabber:iq:privacy", "query")
            .ok_or_else(|| format!("no query in {:?}", r.tree))?;
        let q = Query::from_element(q).map_err(|e| e.to_string())?;
        Ok(q.lists.into_iter().next())
    }

    /// Juliet online at the balcony (available) with `lists` stored and `default` made the
    /// default list.
    fn juliet_with(lists: &[&str], default: Option<&str>) -> Result<World, String> {
        let mut w = World::new();
        w.available(JULIET, J)?;
        for l in lists {
            w.ok(JULIET, J, "set", l)?;
        }
        if let Some(d) = default {
            w.ok(JULIET, J, "set", &format!("<default name='{d}'/>"))?;
        }
        Ok(w)
    }

    /// A chat message from `from` (remote) to `to`.
    fn message_from(&mut self, from: &str, to: &str) -> Result<Vec<Got>, String> {
        let id = self.fresh();
        self.remote(&format!(
            "<message from='{from}' to='{to}' type='chat' id='{id}'><body>hi</body></message>"
        ))
    }
}

/// The answer to the IQ `iq_id` delivered to the session `id`.
fn reply<'g>(got: &'g [Got], id: SessionId, iq_id: &str) -> Option<&'g Got> {
    got.iter().find(|g| {
        g.to_session(id)
            && g.named("iq")
            && g.attr("id") == Some(iq_id)
            && matches!(g.attr("type"), Some("result" | "error"))
    })
}

fn element(xml: &str) -> Result<Element<'static>, String> {
    tree(xml)
}

fn item(attrs: &str) -> Result<Result<Item, PayloadError>, String> {
    let e = element(&format!("<item xmlns='jabber:iq:privacy' {attrs}/>"))?;
    Ok(Item::from_element(e.as_ref()))
}

// ---- §10.1 the payload ----

/// 3921-10.1-1 (option): lists a user creates are kept by the server and served back to
/// any resource.
fn lists_kept() -> Outcome {
    let mut w = World::juliet_with(&[BLOCK, OPEN], None)?;
    w.start(CHAMBER, J2)?;
    let (_, _, names) = w.names(CHAMBER, J2)?;
    ensure(names == ["block", "open"], || {
        format!("lists block and open expected, got {names:?}")
    })?;
    let juliet: BareJid = "juliet@example.com".parse().map_err(|e| format!("{e}"))?;
    let stored = w
        .store
        .user(&juliet)
        .map(|u| u.privacy.lists.len())
        .unwrap_or(0);
    ensure(stored == 2, || {
        format!("two lists in the store expected, {stored}")
    })?;
    let block = w
        .list(CHAMBER, J2, "block")?
        .ok_or("list block not served")?;
    ensure(
        block.items.len() == 1
            && block.items[0].action == Action::Deny
            && block.items[0].target.as_ref().map(ItemType::value) == Some("romeo@example.org"),
        || format!("list block served back changed: {block:?}"),
    )
}

/// 3921-10.1-2: a jid item's value is a JID; one that is not is refused
/// (`jid-malformed`), by the reader and by the server.
fn jid_value_valid() -> Outcome {
    for bad in ["@example.org", "romeo@", "romeo@example.org/", "a@b@c"] {
        match ItemType::from_attrs("jid", bad) {
            Err(e @ PayloadError::InvalidJid { .. }) => {
                ensure(e.condition() == StanzaErrorCondition::JidMalformed, || {
                    format!("{bad}: jid-malformed expected, {:?}", e.condition())
                })?
            }
            other => return Err(format!("jid value {bad:?} read as {other:?}")),
        }
    }
    match item("type='jid' value='romeo@example.org/orchard' action='deny' order='1'")? {
        Ok(i) if matches!(i.target, Some(ItemType::Jid(_))) => {}
        other => return Err(format!("a valid jid item refused: {other:?}")),
    }
    let mut w = World::juliet_with(&[], None)?;
    w.refused(
        JULIET,
        J,
        "set",
        "<list name='bad'><item type='jid' value='@example.org' action='deny' order='1'/></list>",
        "jid-malformed",
    )?;
    ensure(w.list(JULIET, J, "bad")?.is_none(), || {
        "a list with a malformed jid was stored".into()
    })
}

/// 3921-10.1-3: the four forms of a jid value, through the server: a full JID covers only
/// itself, a bare JID any of its resources, `domain/resource` only that address (not a
/// user's resource of the same name), a domain itself, its users and its subdomains.
fn jid_match_forms() -> Outcome {
    let cases: &[(&str, &str, bool)] = &[
        (
            "romeo@example.org/orchard",
            "romeo@example.org/orchard",
            true,
        ),
        (
            "romeo@example.org/orchard",
            "romeo@example.org/garden",
            false,
        ),
        ("romeo@example.org", "romeo@example.org/garden", true),
        ("romeo@example.org", "mercutio@example.org/orchard", false),
        ("example.org/orchard", "example.org/orchard", true),
        ("example.org/orchard", "example.org/garden", false),
        ("example.org/orchard", "mercutio@example.org/orchard", false),
        ("example.org", "mercutio@example.org/garden", true),
        ("example.org", "example.org", true),
        ("example.org", "nurse@chat.example.org/x", true),
        ("example.org", "nurse@example.net/x", false),
        ("example.org", "nurse@badexample.org/x", false),
    ];
    for (value, from, blocked) in cases {
        let list = format!(
            "<list name='l'><item type='jid' value='{value}' action='deny' order='1'/></list>"
        );
        let mut w = World::juliet_with(&[&list], Some("l"))?;
        let got = w.message_from(from, J)?;
        ensure(reached(&got, JULIET, "message") != *blocked, || {
            format!(
                "value {value}, from {from}: blocked={blocked} expected: {}",
                describe(&got)
            )
        })?;
    }
    Ok(())
}

/// 3921-10.1-5: a list naming a group absent from the roster is refused with
/// item-not-found; a group of the roster is accepted.
fn unknown_group_refused() -> Outcome {
    let mut w = World::new();
    w.contact("romeo@example.org", State::Both, &["Friends"])?;
    w.available(JULIET, J)?;
    w.refused(
        JULIET,
        J,
        "set",
        "<list name='g'><item type='group' value='Enemies' action='deny' order='1'/></list>",
        "item-not-found",
    )?;
    ensure(w.list(JULIET, J, "g")?.is_none(), || {
        "the refused list was stored".into()
    })?;
    w.ok(
        JULIET,
        J,
        "set",
        "<list name='g'><item type='group' value='Friends' action='deny' order='1'/></list>",
    )?;
    Ok(())
}

/// 3921-10.1-6: a subscription value is both, to, from or none, and none covers
/// entities not in the roster.
fn subscription_values() -> Outcome {
    for good in ["both", "to", "from", "none"] {
        match ItemType::from_attrs("subscription", good) {
            Ok(t) if t.value() == good => {}
            other => return Err(format!("subscription {good} read as {other:?}")),
        }
    }
    for bad in ["remove", "pending", "Both", ""] {
        match ItemType::from_attrs("subscription", bad) {
            Err(e) if e.condition() == StanzaErrorCondition::BadRequest => {}
            other => return Err(format!("subscription {bad:?} read as {other:?}")),
        }
    }
    let mut w = World::new();
    w.contact("romeo@example.org", State::Both, &[])?;
    w.contact("benvolio@example.org", State::None, &[])?;
    w.available(JULIET, J)?;
    w.ok(
        JULIET,
        J,
        "set",
        "<list name='s'><item type='subscription' value='none' action='deny' order='1'>\
         <message/></item></list>",
    )?;
    w.ok(JULIET, J, "set", "<active name='s'/>")?;
    for (from, blocked) in [
        ("stranger@example.org/x", true),
        ("benvolio@example.org/x", true),
        ("romeo@example.org/x", false),
    ] {
        let got = w.message_from(from, J)?;
        ensure(reached(&got, JULIET, "message") != blocked, || {
            format!("subscription none, from {from}: blocked={blocked} expected")
        })?;
    }
    Ok(())
}

/// 3921-10.1-7: an item has an action, allow or deny.
fn action_required() -> Outcome {
    for (attrs, what) in [
        ("order='1'", "no action"),
        ("action='block' order='1'", "action block"),
        ("action='' order='1'", "empty action"),
        ("action='Deny' order='1'", "action Deny"),
    ] {
        match item(attrs)? {
            Err(e) if e.condition() == StanzaErrorCondition::BadRequest => {}
            other => return Err(format!("{what} read as {other:?}")),
        }
    }
    for (attrs, action) in [
        ("action='allow' order='1'", Action::Allow),
        ("action='deny' order='1'", Action::Deny),
    ] {
        match item(attrs)? {
            Ok(i) if i.action == action => {}
            other => return Err(format!("{attrs} read as {other:?}")),
        }
    }
    Ok(())
}

/// 3921-10.1-8: an item has an order, a non-negative integer, unique in its list.
fn order_attribute() -> Outcome {
    for (attrs, what) in [
        ("action='deny'", "no order"),
        ("action='deny' order='-1'", "order -1"),
        ("action='deny' order='one'", "order one"),
        ("action='deny' order=''", "empty order"),
        ("action='deny' order='1.5'", "order 1.5"),
        ("action='deny' order='4294967296'", "order beyond 32 bits"),
    ] {
        match item(attrs)? {
            Err(e) if e.condition() == StanzaErrorCondition::BadRequest => {}
            other => return Err(format!("{what} read as {other:?}")),
        }
    }
    for (attrs, order) in [
        ("action='deny' order='0'", 0),
        ("action='deny' order='4294967295'", u32::MAX),
    ] {
        match item(attrs)? {
            Ok(i) if i.order == order => {}
            other => return Err(format!("{attrs} read as {other:?}")),
        }
    }
    let e = element(
        "<list xmlns='jabber:iq:privacy' name='l'><item action='deny' order='3'/>\
         <item action='allow' order='3'/></list>",
    )?;
    match List::from_element(e.as_ref()) {
        Err(err) if err.condition() == StanzaErrorCondition::BadRequest => Ok(()),
        other => Err(format!("a list with order 3 twice read as {other:?}")),
    }
}

/// 3921-10.1-9: duplicate order values: bad-request, and nothing stored.
fn duplicate_order_refused() -> Outcome {
    let mut w = World::juliet_with(&[], None)?;
    w.refused(
        JULIET,
        J,
        "set",
        "<list name='dup'><item type='jid' value='romeo@example.org' action='deny' order='1'/>\
         <item action='allow' order='1'/></list>",
        "bad-request",
    )?;
    ensure(w.list(JULIET, J, "dup")?.is_none(), || {
        "the list with duplicate orders was stored".into()
    })
}

/// 3921-10.1-10 (option): items that name stanza kinds block only those kinds.
fn stanza_kinds() -> Outcome {
    let mut w = World::new();
    w.contact("romeo@example.org", State::Both, &[])?;
    w.available(JULIET, J)?;
    w.ok(
        JULIET,
        J,
        "set",
        "<list name='m'><item type='jid' value='romeo@example.org' action='deny' order='1'>\
         <message/></item></list>",
    )?;
    w.ok(
        JULIET,
        J,
        "set",
        "<list name='p'><item type='jid' value='romeo@example.org' action='deny' order='1'>\
         <presence-in/><iq/></item></list>",
    )?;
    w.ok(JULIET, J, "set", "<active name='m'/>")?;
    let got = w.message_from(RR, J)?;
    ensure(!reached(&got, JULIET, "message"), || {
        format!("<message/> item let the message in: {}", describe(&got))
    })?;
    let got = w.remote(&format!("<presence from='{RR}' to='{J}'/>"))?;
    ensure(reached(&got, JULIET, "presence"), || {
        format!("<message/> item kept presence out: {}", describe(&got))
    })?;
    w.ok(JULIET, J, "set", "<active name='p'/>")?;
    let got = w.message_from(RR, J)?;
    ensure(reached(&got, JULIET, "message"), || {
        format!(
            "<presence-in/><iq/> item kept a message out: {}",
            describe(&got)
        )
    })?;
    let got = w.remote(&format!("<presence from='{RR}' to='{J}'/>"))?;
    ensure(!reached(&got, JULIET, "presence"), || {
        format!("<presence-in/> item let presence in: {}", describe(&got))
    })?;
    let got = w.remote(&format!(
        "<iq from='{RR}' to='{J}' type='get' id='v'><query xmlns='jabber:iq:version'/></iq>"
    ))?;
    ensure(
        !reached(&got, JULIET, "iq") && any(&got, |g| g.remote() && g.condition().is_some()),
        || format!("<iq/> item let an IQ get in: {}", describe(&got)),
    )?;
    // presence-out: the broadcast of a new presence skips Romeo.
    w.ok(
        JULIET,
        J,
        "set",
        "<list name='o'><item type='jid' value='romeo@example.org' action='deny' order='1'>\
         <presence-out/></item></list>",
    )?;
    w.ok(JULIET, J, "set", "<active name='o'/>")?;
    let got = w.send(
        JULIET,
        &format!("<presence from='{J}'><show>away</show></presence>"),
    )?;
    ensure(!any(&got, |g| g.remote() && g.named("presence")), || {
        format!(
            "<presence-out/> item let the broadcast out: {}",
            describe(&got)
        )
    })?;
    let got = w.message_from(RR, J)?;
    ensure(reached(&got, JULIET, "message"), || {
        format!(
            "<presence-out/> item kept a message out: {}",
            describe(&got)
        )
    })?;
    // Directed presence to Romeo outside the roster too, and the unavailable presence
    // when the session ends.
    let mut w = World::juliet_with(
        &[
            "<list name='o'><item type='jid' value='romeo@example.org' action='deny' order='1'>\
           <presence-out/></item></list>",
        ],
        None,
    )?;
    w.ok(JULIET, J, "set", "<active name='o'/>")?;
    let got = w.send(JULIET, &format!("<presence from='{J}' to='{RR}'/>"))?;
    ensure(!any(&got, |g| g.remote()), || {
        format!(
            "<presence-out/> item let directed presence out: {}",
            describe(&got)
        )
    })?;
    let got = w.end(JULIET)?;
    ensure(!any(&got, |g| g.remote()), || {
        format!(
            "<presence-out/> item let unavailable presence out: {}",
            describe(&got)
        )
    })
}

/// 3921-10.1-11a: each request form the payload writer makes holds one child; a query
/// holding more says so before it is sent.
fn client_query_one_child() -> Outcome {
    let forms = [
        Query {
            active: Some(Selection::new(Some("l".into()))),
            ..Query::default()
        },
        Query {
            default: Some(Selection::new(None)),
            ..Query::default()
        },
        Query {
            lists: vec![List::new("l", vec![Item::new(None, Action::Deny, 1)])],
            ..Query::default()
        },
        Query::push("l"),
    ];
    for q in &forms {
        let n = q.to_element().elements().count();
        ensure(n == 1 && q.child_count() == 1, || {
            format!("{q:?} written with {n} children")
        })?;
    }
    let two = Query {
        active: Some(Selection::new(Some("l".into()))),
        default: Some(Selection::new(Some("l".into()))),
        ..Query::default()
    };
    ensure(two.child_count() == 2, || {
        format!(
            "a query with active and default counted {}",
            two.child_count()
        )
    })
}

/// 3921-10.1-11b: a set with more than one child: bad-request, and no change.
fn set_one_child() -> Outcome {
    let mut w = World::juliet_with(&[BLOCK, OPEN], None)?;
    w.refused(
        JULIET,
        J,
        "set",
        "<active name='block'/><default name='block'/>",
        "bad-request",
    )?;
    w.refused(
        JULIET,
        J,
        "set",
        "<default name='open'/><list name='block'/>",
        "bad-request",
    )?;
    let (active, default, names) = w.names(JULIET, J)?;
    ensure(
        active.is_none() && default.is_none() && names.len() == 2,
        || format!("a refused set changed something: {active:?} {default:?} {names:?}"),
    )?;
    let got = w.message_from(RR, J)?;
    ensure(reached(&got, JULIET, "message"), || {
        "a refused set made a list active".into()
    })
}

/// 3921-10.1-12b, 3921-10.8-1: a removal is written as one list element without items,
/// and the server removes the list it names.
fn client_removal_without_items() -> Outcome {
    let removal = Query {
        lists: vec![List::new("block", Vec::new())],
        ..Query::default()
    }
    .to_element();
    let children: Vec<_> = removal.elements().collect();
    ensure(
        children.len() == 1
            && children[0].name() == "list"
            && children[0].attr("name") == Some("block")
            && children[0].elements().next().is_none(),
        || format!("the removal written as {removal:?}"),
    )?;
    let mut w = World::juliet_with(&[BLOCK, OPEN], None)?;
    let iq = Element::new(CLIENT_NS, "iq")
        .with_attr("from", J)
        .with_attr("type", "set")
        .with_attr("id", "rm")
        .with_child(removal);
    w.feed(JULIET, &iq)?;
    let got = w.drain()?;
    ensure(
        reply(&got, JULIET, "rm").is_some_and(|r| r.attr("type") == Some("result")),
        || format!("the removal was not accepted: {}", describe(&got)),
    )?;
    let (_, _, names) = w.names(JULIET, J)?;
    ensure(names == ["open"], || {
        format!("after the removal: {names:?}")
    })
}

/// A selection query (`<active/>` or `<default/>`) written by the payload writer and
/// sent as a set: the element it wrote, and what came out.
fn send_selection(
    w: &mut World,
    which: &str,
    name: Option<&str>,
) -> Result<(Element<'static>, Vec<Got>), String> {
    let sel = Some(Selection::new(name.map(str::to_owned)));
    let q = if which == "active" {
        Query {
            active: sel,
            ..Query::default()
        }
    } else {
        Query {
            default: sel,
            ..Query::default()
        }
    }
    .to_element();
    let id = w.fresh();
    let iq = Element::new(CLIENT_NS, "iq")
        .with_attr("from", J)
        .with_attr("type", "set")
        .with_attr("id", id.clone())
        .with_child(q.clone());
    w.feed(JULIET, &iq)?;
    let got = w.drain()?;
    ensure(
        reply(&got, JULIET, &id).is_some_and(|r| r.attr("type") == Some("result")),
        || format!("{which} {name:?} not accepted: {}", describe(&got)),
    )?;
    Ok((q, got))
}

/// The one child of a written query, checked to be an empty `which` with `name`.
fn written_selection(q: &Element<'_>, which: &str, name: Option<&str>) -> Outcome {
    let children: Vec<_> = q.elements().collect();
    ensure(
        children.len() == 1
            && children[0].name() == which
            && children[0].attr("name") == name
            && children[0].attributes().len() == usize::from(name.is_some())
            && children[0].elements().next().is_none()
            && children[0].text().is_empty(),
        || format!("{which} {name:?} written as {q:?}"),
    )
}

/// 3921-10.4-1: the active list is selected with an empty `<active name='…'/>`.
fn client_active_written() -> Outcome {
    let mut w = World::juliet_with(&[BLOCK], None)?;
    let (q, _) = send_selection(&mut w, "active", Some("block"))?;
    written_selection(&q, "active", Some("block"))?;
    let got = w.message_from(RR, J)?;
    ensure(!reached(&got, JULIET, "message"), || {
        "the written <active/> did not make the list active".into()
    })
}

/// 3921-10.4-4: the active list is declined with an empty `<active/>` without a name.
fn client_active_cleared() -> Outcome {
    let mut w = World::juliet_with(&[BLOCK], None)?;
    w.ok(JULIET, J, "set", "<active name='block'/>")?;
    let (q, _) = send_selection(&mut w, "active", None)?;
    written_selection(&q, "active", None)?;
    let got = w.message_from(RR, J)?;
    ensure(reached(&got, JULIET, "message"), || {
        "the written <active/> did not decline the active list".into()
    })
}

/// 3921-10.5-1: the default list is selected with an empty `<default name='…'/>`.
fn client_default_written() -> Outcome {
    let mut w = World::juliet_with(&[BLOCK], None)?;
    let (q, _) = send_selection(&mut w, "default", Some("block"))?;
    written_selection(&q, "default", Some("block"))?;
    let (_, default, _) = w.names(JULIET, J)?;
    ensure(default.as_deref() == Some("block"), || {
        format!("default after the written <default/>: {default:?}")
    })
}

/// 3921-10.5-4: the default list is declined with an empty `<default/>` without a name.
fn client_default_cleared() -> Outcome {
    let mut w = World::juliet_with(&[BLOCK], Some("block"))?;
    let (q, _) = send_selection(&mut w, "default", None)?;
    written_selection(&q, "default", None)?;
    let (_, default, _) = w.names(JULIET, J)?;
    ensure(default.is_none(), || {
        format!("default after the written <default/>: {default:?}")
    })?;
    let got = w.message_from(RR, J)?;
    ensure(reached(&got, JULIET, "message"), || {
        "the declined default still applies".into()
    })
}

/// 3921-10.6-1: an edit is one list element naming the list, with its items.
fn client_edit_written() -> Outcome {
    let items = vec![
        Item::new(
            Some(ItemType::from_attrs("jid", "romeo@example.org").map_err(|e| e.to_string())?),
            Action::Deny,
            1,
        ),
        Item::new(None, Action::Allow, 2),
    ];
    let q = Query {
        lists: vec![List::new("open", items)],
        ..Query::default()
    }
    .to_element();
    let children: Vec<_> = q.elements().collect();
    ensure(
        children.len() == 1
            && children[0].name() == "list"
            && children[0].attr("name") == Some("open")
            && children[0].elements().count() == 2,
        || format!("the edit written as {q:?}"),
    )?;
    let mut w = World::juliet_with(&[OPEN], Some("open"))?;
    let iq = Element::new(CLIENT_NS, "iq")
        .with_attr("from", J)
        .with_attr("type", "set")
        .with_attr("id", "edit")
        .with_child(q);
    w.feed(JULIET, &iq)?;
    let got = w.drain()?;
    ensure(
        reply(&got, JULIET, "edit").is_some_and(|r| r.attr("type") == Some("result")),
        || format!("the edit was not accepted: {}", describe(&got)),
    )?;
    let got = w.message_from(RR, J)?;
    ensure(!reached(&got, JULIET, "message"), || {
        "the written edit does not apply".into()
    })
}

/// 3921-10.6-5: a privacy list push is answered with the IQ result the client module
/// builds, which the server takes without an answer.
fn client_push_answered() -> Outcome {
    let mut w = World::juliet_with(&[], None)?;
    let got = w.ok(JULIET, J, "set", BLOCK)?;
    let push = got
        .iter()
        .find(|g| g.to_session(JULIET) && g.pushed_list().is_some())
        .ok_or_else(|| format!("no push: {}", describe(&got)))?;
    let result = iq_result(push.tree.as_ref()).ok_or("no result built for the push")?;
    ensure(
        result.attr("type") == Some("result")
            && result.attr("id").is_some()
            && result.attr("id") == push.attr("id")
            && result.elements().next().is_none(),
        || format!("the answer to {:?} is {result:?}", push.tree),
    )?;
    let result = result.with_attr("from", J);
    w.feed(JULIET, &result)?;
    let got = w.drain()?;
    ensure(got.is_empty(), || {
        format!("the push result was answered: {}", describe(&got))
    })
}

// ---- §10.2 the rules ----

/// 3921-10.2-1: an active list is used alone; the default list is not layered on it.
fn active_replaces_default() -> Outcome {
    let mut w = World::juliet_with(&[BLOCK, OPEN], Some("block"))?;
    w.available(CHAMBER, J2)?;
    w.ok(JULIET, J, "set", "<active name='open'/>")?;
    let got = w.message_from(RR, J)?;
    ensure(reached(&got, JULIET, "message"), || {
        format!(
            "the default list was applied with the active one: {}",
            describe(&got)
        )
    })?;
    let got = w.message_from("tybalt@example.org/x", J)?;
    ensure(!reached(&got, JULIET, "message"), || {
        "the active list was not applied".into()
    })?;
    let got = w.message_from(RR, J2)?;
    ensure(!reached(&got, CHAMBER, "message"), || {
        "the default list did not apply to the session without an active list".into()
    })
}

/// 3921-10.2-2: no active and no default list: the ordinary delivery rules.
fn no_list_ordinary() -> Outcome {
    let mut w = World::new();
    w.available(JULIET, J)?;
    w.ok(JULIET, J, "set", BLOCK)?;
    for to in [J, "juliet@example.com"] {
        let got = w.message_from(RR, to)?;
        ensure(reached(&got, JULIET, "message") && !error_out(&got), || {
            format!("message to {to} not delivered: {}", describe(&got))
        })?;
    }
    let got = w.remote(&format!("<presence from='{RR}' to='juliet@example.com'/>"))?;
    ensure(reached(&got, JULIET, "presence"), || {
        format!("presence not delivered: {}", describe(&got))
    })?;
    let got = w.remote(&format!(
        "<iq from='{RR}' to='{J}' type='get' id='v'><query xmlns='jabber:iq:version'/></iq>"
    ))?;
    ensure(reached(&got, JULIET, "iq"), || {
        format!("IQ not delivered: {}", describe(&got))
    })
}

/// 3921-10.2-3: the list comes before routing, delivery and subscription handling.
fn before_routing() -> Outcome {
    let mut w = World::juliet_with(&[BLOCK], Some("block"))?;
    let got =
        w.remote("<presence from='romeo@example.org' to='juliet@example.com' type='subscribe'/>")?;
    ensure(got.is_empty(), || {
        format!("a blocked subscribe was handled: {}", describe(&got))
    })?;
    let juliet: BareJid = "juliet@example.com".parse().map_err(|e| format!("{e}"))?;
    let known = w
        .store
        .user(&juliet)
        .is_some_and(|u| u.roster.iter().any(|c| c.key() == "romeo@example.org"));
    ensure(!known, || "a blocked subscribe changed the roster".into())?;
    let got = w.send(
        JULIET,
        &format!("<message from='{J}' to='romeo@example.org' type='chat'><body>x</body></message>"),
    )?;
    ensure(!any(&got, |g| g.remote() && g.named("message")), || {
        format!(
            "a message to a blocked contact was routed: {}",
            describe(&got)
        )
    })?;
    let got = w.send(
        JULIET,
        &format!("<presence from='{J}' to='romeo@example.org' type='subscribe'/>"),
    )?;
    ensure(!any(&got, |g| g.remote()), || {
        format!(
            "a subscribe to a blocked contact was routed: {}",
            describe(&got)
        )
    })
}

fn blocked(w: &mut World, from: &str) -> Result<bool, String> {
    let got = w.message_from(from, J)?;
    Ok(!reached(&got, JULIET, "message"))
}

/// 3921-10.2-4: items are evaluated by increasing order, whatever their place in the
/// list.
fn ascending_order() -> Outcome {
    for (list, deny) in [
        (
            "<list name='l'><item type='jid' value='romeo@example.org' action='allow' order='20'/>\
             <item type='jid' value='romeo@example.org' action='deny' order='10'/></list>",
            true,
        ),
        (
            "<list name='l'><item type='jid' value='romeo@example.org' action='deny' order='20'/>\
             <item type='jid' value='romeo@example.org' action='allow' order='10'/></list>",
            false,
        ),
    ] {
        let mut w = World::juliet_with(&[list], Some("l"))?;
        ensure(blocked(&mut w, RR)? == deny, || {
            format!("{list}: blocked={deny} expected")
        })?;
    }
    Ok(())
}

/// 3921-10.2-5: the first matching item decides.
fn first_match() -> Outcome {
    let list = "<list name='l'>\
        <item type='jid' value='romeo@example.org' action='allow' order='1'/>\
        <item type='jid' value='example.org' action='deny' order='2'/>\
        <item action='allow' order='3'/></list>";
    let mut w = World::juliet_with(&[list], Some("l"))?;
    ensure(!blocked(&mut w, RR)?, || {
        "a later deny overrode the first matching allow".into()
    })?;
    ensure(blocked(&mut w, "mercutio@example.org/x")?, || {
        "the deny matching first was not applied".into()
    })?;
    ensure(!blocked(&mut w, "nurse@example.net/x")?, || {
        "the fall-through allow was not applied".into()
    })
}

/// 3921-10.2-6: a redefined active list governs the next stanza.
fn redefined_active() -> Outcome {
    let mut w = World::juliet_with(&[BLOCK], None)?;
    w.ok(JULIET, J, "set", "<active name='block'/>")?;
    ensure(blocked(&mut w, RR)?, || {
        "the active list did not apply".into()
    })?;
    w.ok(
        JULIET,
        J,
        "set",
        "<list name='block'><item type='jid' value='tybalt@example.org' action='deny' order='1'/></list>",
    )?;
    ensure(!blocked(&mut w, RR)?, || {
        "the old definition of the active list still applies".into()
    })?;
    ensure(blocked(&mut w, "tybalt@example.org/x")?, || {
        "the new definition of the active list does not apply".into()
    })
}

/// 3921-10.2-7: a roster change counts at once in the matching of group items.
fn roster_changes_apply() -> Outcome {
    let mut w = World::new();
    w.contact("romeo@example.org", State::Both, &[])?;
    w.contact("tybalt@example.org", State::Both, &["Enemies"])?;
    w.available(JULIET, J)?;
    w.ok(
        JULIET,
        J,
        "set",
        "<list name='g'><item type='group' value='Enemies' action='deny' order='1'/></list>",
    )?;
    w.ok(JULIET, J, "set", "<active name='g'/>")?;
    ensure(!blocked(&mut w, RR)?, || {
        "Romeo blocked before the change".into()
    })?;
    let got = w.send(
        JULIET,
        &format!(
            "<iq from='{J}' type='set' id='r'><query xmlns='jabber:iq:roster'>\
             <item jid='romeo@example.org'><group>Enemies</group></item></query></iq>"
        ),
    )?;
    ensure(
        reply(&got, JULIET, "r").is_some_and(|r| r.attr("type") == Some("result")),
        || format!("roster set refused: {}", describe(&got)),
    )?;
    ensure(blocked(&mut w, RR)?, || {
        "Romeo put in the group Enemies is not blocked".into()
    })
}

/// The sessions that got a push naming `name`.
fn pushed(got: &[Got], name: &str) -> Vec<SessionId> {
    got.iter()
        .filter(|g| g.pushed_list().as_deref() == Some(name))
        .filter_map(|g| match g.route {
            Route::Session(id) => Some(id),
            _ => None,
        })
        .collect()
}

/// 3921-10.2-8, 3921-10.6-4: an edit is pushed, by its name only, to every connected
/// resource (one that has not sent presence too), and nothing else is pushed.
fn push_on_edit() -> Outcome {
    let mut w = World::juliet_with(&[BLOCK, OPEN], None)?;
    w.start(CHAMBER, J2)?;
    let got = w.ok(
        JULIET,
        J,
        "set",
        "<list name='block'><item type='jid' value='romeo@example.org' action='deny' order='1'/>\
         <item type='jid' value='tybalt@example.org' action='deny' order='2'/></list>",
    )?;
    let mut to = pushed(&got, "block");
    to.sort_by_key(|s| s.0);
    ensure(to == [JULIET, CHAMBER], || {
        format!(
            "push of block to both resources expected: {}",
            describe(&got)
        )
    })?;
    let others = got
        .iter()
        .filter(|g| g.named("iq") && g.attr("type") == Some("set"))
        .count();
    ensure(others == 2, || {
        format!("only the two pushes of block expected: {}", describe(&got))
    })
}

/// 3921-10.7-1: a new list is pushed to every connected resource.
fn push_new_list() -> Outcome {
    let mut w = World::juliet_with(&[], None)?;
    w.start(CHAMBER, J2)?;
    let got = w.ok(JULIET, J, "set", BLOCK)?;
    let mut to = pushed(&got, "block");
    to.sort_by_key(|s| s.0);
    ensure(to == [JULIET, CHAMBER], || {
        format!(
            "push of the new list to both resources expected: {}",
            describe(&got)
        )
    })
}

/// 3921-10.2-10, 3921-10.8-2a: removing a list another resource uses: conflict, and the
/// list stays.
fn remove_in_use_conflict() -> Outcome {
    let mut w = World::juliet_with(&[BLOCK, OPEN], Some("open"))?;
    w.start(CHAMBER, J2)?;
    w.ok(CHAMBER, J2, "set", "<active name='block'/>")?;
    w.refused(JULIET, J, "set", "<list name='block'/>", "conflict")?;
    ensure(w.list(JULIET, J, "block")?.is_some(), || {
        "the list was removed despite the conflict".into()
    })?;
    // The default, which CHAMBER does not use (its active list overrides it), goes.
    w.ok(JULIET, J, "set", "<list name='open'/>")?;
    let got = w.message_from(RR, J2)?;
    ensure(!reached(&got, CHAMBER, "message"), || {
        "the other resource's active list stopped applying".into()
    })
}

/// 3921-10.5-2: changing the default while another resource relies on it: conflict.
fn default_change_conflict() -> Outcome {
    let mut w = World::juliet_with(&[BLOCK, OPEN], Some("block"))?;
    w.start(CHAMBER, J2)?;
    w.refused(JULIET, J, "set", "<default name='open'/>", "conflict")?;
    let (_, default, _) = w.names(JULIET, J)?;
    ensure(default.as_deref() == Some("block"), || {
        format!("the default changed despite the conflict: {default:?}")
    })?;
    // Once the other resource has an active list of its own, the change goes through.
    w.ok(CHAMBER, J2, "set", "<active name='open'/>")?;
    w.ok(JULIET, J, "set", "<default name='open'/>")?;
    Ok(())
}

/// 3921-10.5-5: declining the default while another resource relies on it: conflict.
fn default_clear_conflict() -> Outcome {
    let mut w = World::juliet_with(&[BLOCK], Some("block"))?;
    w.available(CHAMBER, J2)?;
    w.refused(JULIET, J, "set", "<default/>", "conflict")?;
    let got = w.message_from(RR, J2)?;
    ensure(!reached(&got, CHAMBER, "message"), || {
        "the default stopped applying despite the conflict".into()
    })?;
    w.end(CHAMBER)?;
    w.ok(JULIET, J, "set", "<default/>")?;
    Ok(())
}

// ---- §10.3 to §10.8 the requests ----

/// 3921-10.3-1: a get of a list that does not exist: item-not-found.
fn get_unknown_list() -> Outcome {
    let mut w = World::juliet_with(&[BLOCK], None)?;
    w.refused(JULIET, J, "get", "<list name='nowhere'/>", "item-not-found")?;
    ensure(w.list(JULIET, J, "block")?.is_some(), || {
        "an existing list is not served".into()
    })
}

/// 3921-10.3-2: a get of several lists: bad-request.
fn get_several_lists() -> Outcome {
    let mut w = World::juliet_with(&[BLOCK, OPEN], None)?;
    w.refused(
        JULIET,
        J,
        "get",
        "<list name='block'/><list name='open'/>",
        "bad-request",
    )
}

/// 3921-10.4-2: the active list is in force before the result goes out: a stanza handled
/// after the request, before its result was taken from the component, is already under
/// the list (the component handles each stanza whole, so nothing can come in between the
/// change and the result).
fn active_before_result() -> Outcome {
    let mut w = World::juliet_with(&[BLOCK], None)?;
    let iq = element(&format!(
        "<iq xmlns='jabber:client' from='{J}' type='set' id='act'>\
         <query xmlns='jabber:iq:privacy'><active name='block'/></query></iq>"
    ))?;
    w.feed(JULIET, &iq)?;
    let got = w.message_from(RR, J)?;
    ensure(
        reply(&got, JULIET, "act").is_some_and(|r| r.attr("type") == Some("result")),
        || format!("no result for the activation: {}", describe(&got)),
    )?;
    ensure(!reached(&got, JULIET, "message"), || {
        format!(
            "a message got through before the result: {}",
            describe(&got)
        )
    })
}

/// 3921-10.4-3: activating a list that does not exist: item-not-found.
fn activate_unknown() -> Outcome {
    let mut w = World::juliet_with(&[BLOCK], None)?;
    w.refused(
        JULIET,
        J,
        "set",
        "<active name='nowhere'/>",
        "item-not-found",
    )?;
    ensure(!blocked(&mut w, RR)?, || "some list became active".into())
}

/// 3921-10.5-3: a default list that does not exist: item-not-found.
fn default_unknown() -> Outcome {
    let mut w = World::juliet_with(&[BLOCK], Some("block"))?;
    w.refused(
        JULIET,
        J,
        "set",
        "<default name='nowhere'/>",
        "item-not-found",
    )?;
    let (_, default, _) = w.names(JULIET, J)?;
    ensure(default.as_deref() == Some("block"), || {
        format!("the default changed: {default:?}")
    })
}

/// 3921-10.8-3: removing a list that does not exist: item-not-found.
fn remove_unknown() -> Outcome {
    let mut w = World::juliet_with(&[BLOCK], None)?;
    w.refused(JULIET, J, "set", "<list name='nowhere'/>", "item-not-found")
}

/// 3921-10.8-4: removing several lists at once: bad-request, nothing removed.
fn remove_several() -> Outcome {
    let mut w = World::juliet_with(&[BLOCK, OPEN], None)?;
    w.refused(
        JULIET,
        J,
        "set",
        "<list name='block'/><list name='open'/>",
        "bad-request",
    )?;
    let (_, _, names) = w.names(JULIET, J)?;
    ensure(names.len() == 2, || format!("lists left: {names:?}"))
}

// ---- §10.14 blocked communication ----

/// Message and presence from blocked Romeo, to the full and the bare JID, with Juliet
/// online and offline under a default list, and online under an active list: everything
/// that came out.
fn blocked_message_and_presence() -> Result<Vec<Got>, String> {
    let mut w = World::juliet_with(&[BLOCK], Some("block"))?;
    let mut got = Vec::new();
    for to in [J, "juliet@example.com", "juliet@example.com/nowhere"] {
        got.extend(w.message_from(RR, to)?);
        got.extend(w.remote(&format!("<presence from='{RR}' to='{to}'/>"))?);
    }
    w.end(JULIET)?;
    got.extend(w.message_from(RR, "juliet@example.com")?);
    got.extend(w.remote(&format!(
        "<presence from='{RR}' to='juliet@example.com' type='probe'/>"
    ))?);
    got.extend(w.remote(&format!(
        "<presence from='{RR}' to='juliet@example.com' type='subscribe'/>"
    ))?);
    // The same under an active list alone, no default list.
    let mut w = World::juliet_with(&[BLOCK], None)?;
    w.ok(JULIET, J, "set", "<active name='block'/>")?;
    for to in [J, "juliet@example.com"] {
        got.extend(w.message_from(RR, to)?);
        got.extend(w.remote(&format!("<presence from='{RR}' to='{to}'/>"))?);
    }
    Ok(got)
}

/// 3921-10.14-1a: message and presence from a blocked entity are dropped.
fn blocked_dropped() -> Outcome {
    let got = blocked_message_and_presence()?;
    ensure(!any(&got, |g| matches!(g.route, Route::Session(_))), || {
        format!("something reached Juliet: {}", describe(&got))
    })
}

/// 3921-10.14-1b: no error goes back to the blocked sender of message or presence.
fn blocked_no_error() -> Outcome {
    let got = blocked_message_and_presence()?;
    ensure(!any(&got, Got::remote), || {
        format!("something went back to Romeo: {}", describe(&got))
    })
}

/// 3921-10.14-2: an IQ get or set from a blocked entity: service-unavailable.
fn blocked_iq_request() -> Outcome {
    let mut w = World::juliet_with(&[BLOCK], Some("block"))?;
    for (kind, to) in [("get", J), ("set", J), ("get", "juliet@example.com")] {
        let got = w.remote(&format!(
            "<iq from='{RR}' to='{to}' type='{kind}' id='q'><query xmlns='jabber:iq:version'/></iq>"
        ))?;
        ensure(!reached(&got, JULIET, "iq"), || {
            format!("the {kind} to {to} reached Juliet: {}", describe(&got))
        })?;
        ensure(
            any(&got, |g| {
                g.remote()
                    && g.attr("type") == Some("error")
                    && g.attr("id") == Some("q")
                    && g.attr("to") == Some(RR)
                    && g.condition().as_deref() == Some("service-unavailable")
            }),
            || {
                format!(
                    "no service-unavailable for the {kind} to {to}: {}",
                    describe(&got)
                )
            },
        )?;
    }
    Ok(())
}

/// 3921-10.14-3: IQ results and errors from a blocked entity are dropped silently.
fn blocked_iq_response() -> Outcome {
    let mut w = World::juliet_with(&[BLOCK], Some("block"))?;
    for xml in [
        format!("<iq from='{RR}' to='{J}' type='result' id='q'/>"),
        format!(
            "<iq from='{RR}' to='{J}' type='error' id='q'><error type='cancel'>\
             <item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"
        ),
    ] {
        let got = w.remote(&xml)?;
        ensure(got.is_empty(), || {
            format!("{xml} was not dropped silently: {}", describe(&got))
        })?;
    }
    // Not blocked, the same result reaches Juliet.
    let got = w.remote(&format!(
        "<iq from='mercutio@example.org/x' to='{J}' type='result' id='q'/>"
    ))?;
    ensure(reached(&got, JULIET, "iq"), || {
        format!(
            "an IQ result of another sender was lost: {}",
            describe(&got)
        )
    })
}

// ---- §5.1 presence, §11.1 and §14 delivery ----

/// Juliet with Romeo and Benvolio of example.org in state Both, a default list denying
/// presence of `kind` (`presence-in` or `presence-out`) with Romeo, and what her initial
/// presence sent.
fn presence_blocked(kind: &str) -> Result<(World, Vec<Got>), String> {
    let mut w = World::new();
    w.contact("romeo@example.org", State::Both, &[])?;
    w.contact("benvolio@example.org", State::Both, &[])?;
    w.start(JULIET, J)?;
    w.ok(
        JULIET,
        J,
        "set",
        &format!(
            "<list name='p'><item type='jid' value='romeo@example.org' action='deny' order='1'>\
             <{kind}/></item></list>"
        ),
    )?;
    w.ok(JULIET, J, "set", "<default name='p'/>")?;
    let got = w.send(JULIET, &format!("<presence from='{J}'/>"))?;
    Ok((w, got))
}

fn presence_to(got: &[Got], kind: Option<&str>, to: &str) -> bool {
    any(got, |g| {
        g.remote()
            && g.named("presence")
            && g.attr("type") == kind
            && g.attr("to").is_some_and(|t| t.starts_with(to))
    })
}

/// 3921-5.1.1-4: no probe to a contact whose inbound presence the list blocks.
fn no_probe_when_blocked_in() -> Outcome {
    let (_, got) = presence_blocked("presence-in")?;
    ensure(
        presence_to(&got, Some("probe"), "benvolio@example.org"),
        || format!("no probe to Benvolio: {}", describe(&got)),
    )?;
    ensure(
        !presence_to(&got, Some("probe"), "romeo@example.org"),
        || format!("a probe went to blocked Romeo: {}", describe(&got)),
    )
}

/// 3921-5.1.1-5: initial presence is not broadcast to a contact the list blocks outbound
/// presence to.
fn initial_presence_withheld() -> Outcome {
    let (_, got) = presence_blocked("presence-out")?;
    ensure(presence_to(&got, None, "benvolio@example.org"), || {
        format!("no presence to Benvolio: {}", describe(&got))
    })?;
    ensure(!presence_to(&got, None, "romeo@example.org"), || {
        format!("presence went to blocked Romeo: {}", describe(&got))
    })
}

/// 3921-5.1.3-5: no answer to a probe from a contact the list blocks outbound presence
/// to, whether the user is online or not.
fn no_probe_answer_when_blocked_out() -> Outcome {
    let (mut w, _) = presence_blocked("presence-out")?;
    let probe = |who: &str| {
        format!("<presence from='{who}@example.org/x' to='juliet@example.com' type='probe'/>")
    };
    let got = w.remote(&probe("benvolio"))?;
    ensure(presence_to(&got, None, "benvolio@example.org"), || {
        format!("Benvolio's probe was not answered: {}", describe(&got))
    })?;
    let got = w.remote(&probe("romeo"))?;
    ensure(got.is_empty(), || {
        format!("Romeo's probe was answered: {}", describe(&got))
    })?;
    // Offline, with a connected resource that keeps the account loaded: the last
    // unavailable presence answers probes.
    w.start(CHAMBER, J2)?;
    w.end(JULIET)?;
    let got = w.remote(&probe("benvolio"))?;
    ensure(
        presence_to(&got, Some("unavailable"), "benvolio@example.org"),
        || {
            format!(
                "Benvolio's probe was not answered offline: {}",
                describe(&got)
            )
        },
    )?;
    let got = w.remote(&probe("romeo"))?;
    ensure(got.is_empty(), || {
        format!("Romeo's probe was answered offline: {}", describe(&got))
    })
}

/// 3921-11.1-1: for a stanza to a local user the list comes first: a blocked message to
/// a resource that is not there, or to an offline user, gets none of the errors of the
/// delivery rules.
fn local_user_lists_first() -> Outcome {
    for with_list in [false, true] {
        let mut w = World::new();
        w.available(ROMEO, R)?;
        w.available(JULIET, J)?;
        w.ok(
            JULIET,
            J,
            "set",
            "<list name='l'><item type='jid' value='romeo@example.com' action='deny' order='1'>\
             <message/></item></list>",
        )?;
        if with_list {
            w.ok(JULIET, J, "set", "<default name='l'/>")?;
        }
        let msg = |to: &str| {
            format!("<message from='{R}' to='{to}' type='chat'><body>x</body></message>")
        };
        let mut got = w.send(ROMEO, &msg("juliet@example.com/nowhere"))?;
        w.end(JULIET)?;
        got.extend(w.send(ROMEO, &msg("juliet@example.com"))?);
        let errors = got
            .iter()
            .filter(|g| g.to_session(ROMEO) && g.attr("type") == Some("error"))
            .count();
        let delivered = reached(&got, JULIET, "message");
        if with_list {
            ensure(errors == 0 && !delivered, || {
                format!(
                    "the delivery rules came before the list: {}",
                    describe(&got)
                )
            })?;
        } else {
            ensure(errors == 1 && delivered, || {
                format!("the delivery rules without a list: {}", describe(&got))
            })?;
        }
    }
    Ok(())
}

/// 3921-14-1: every kind of stanza to a local user, from a local or a remote sender,
/// passes the list.
fn every_stanza_through_lists() -> Outcome {
    let list = "<list name='l'>\
        <item type='jid' value='romeo@example.com' action='deny' order='1'/>\
        <item type='jid' value='romeo@example.org' action='deny' order='2'/></list>";
    let mut w = World::new();
    w.available(ROMEO, R)?;
    w.available(JULIET, J)?;
    w.ok(JULIET, J, "set", list)?;
    w.ok(JULIET, J, "set", "<default name='l'/>")?;
    let stanzas = |from: &str| {
        vec![
            format!("<message from='{from}' to='{J}' type='chat'><body>x</body></message>"),
            format!("<message from='{from}' to='juliet@example.com'><body>x</body></message>"),
            format!("<presence from='{from}' to='{J}'/>"),
            format!("<presence from='{from}' to='juliet@example.com' type='subscribe'/>"),
            format!("<presence from='{from}' to='juliet@example.com' type='unsubscribed'/>"),
            format!(
                "<iq from='{from}' to='{J}' type='get' id='g'><query xmlns='jabber:iq:version'/></iq>"
            ),
            format!("<iq from='{from}' to='{J}' type='result' id='r'/>"),
        ]
    };
    for s in stanzas(R) {
        let got = w.send(ROMEO, &s)?;
        ensure(!any(&got, |g| g.to_session(JULIET)), || {
            format!(
                "{s} from a local sender passed the list: {}",
                describe(&got)
            )
        })?;
    }
    for s in stanzas(RR) {
        let got = w.remote(&s)?;
        ensure(!any(&got, |g| g.to_session(JULIET)), || {
            format!(
                "{s} from a remote sender passed the list: {}",
                describe(&got)
            )
        })?;
    }
    // Another sender is not held back.
    let got = w.message_from("mercutio@example.org/x", J)?;
    ensure(reached(&got, JULIET, "message"), || {
        "a message of an unlisted sender was held back".into()
    })
}

/// Every check of this module.
pub static CHECKS: &[Check] = &[
    Check {
        name: "im_privacy.lists_kept",
        run: lists_kept,
    },
    Check {
        name: "im_privacy.jid_value_valid",
        run: jid_value_valid,
    },
    Check {
        name: "im_privacy.jid_match_forms",
        run: jid_match_forms,
    },
    Check {
        name: "im_privacy.unknown_group_refused",
        run: unknown_group_refused,
    },
    Check {
        name: "im_privacy.subscription_values",
        run: subscription_values,
    },
    Check {
        name: "im_privacy.action_required",
        run: action_required,
    },
    Check {
        name: "im_privacy.order_attribute",
        run: order_attribute,
    },
    Check {
        name: "im_privacy.duplicate_order_refused",
        run: duplicate_order_refused,
    },
    Check {
        name: "im_privacy.stanza_kinds",
        run: stanza_kinds,
    },
    Check {
        name: "im_privacy.client_query_one_child",
        run: client_query_one_child,
    },
    Check {
        name: "im_privacy.set_one_child",
        run: set_one_child,
    },
    Check {
        name: "im_privacy.client_removal_without_items",
        run: client_removal_without_items,
    },
    Check {
        name: "im_privacy.client_active_written",
        run: client_active_written,
    },
    Check {
        name: "im_privacy.client_active_cleared",
        run: client_active_cleared,
    },
    Check {
        name: "im_privacy.client_default_written",
        run: client_default_written,
    },
    Check {
        name: "im_privacy.client_default_cleared",
        run: client_default_cleared,
    },
    Check {
        name: "im_privacy.client_edit_written",
        run: client_edit_written,
    },
    Check {
        name: "im_privacy.client_push_answered",
        run: client_push_answered,
    },
    Check {
        name: "im_privacy.active_replaces_default",
        run: active_replaces_default,
    },
    Check {
        name: "im_privacy.no_list_ordinary",
        run: no_list_ordinary,
    },
    Check {
        name: "im_privacy.before_routing",
        run: before_routing,
    },
    Check {
        name: "im_privacy.ascending_order",
        run: ascending_order,
    },
    Check {
        name: "im_privacy.first_match",
        run: first_match,
    },
    Check {
        name: "im_privacy.redefined_active",
        run: redefined_active,
    },
    Check {
        name: "im_privacy.roster_changes_apply",
        run: roster_changes_apply,
    },
    Check {
        name: "im_privacy.push_on_edit",
        run: push_on_edit,
    },
    Check {
        name: "im_privacy.push_new_list",
        run: push_new_list,
    },
    Check {
        name: "im_privacy.remove_in_use_conflict",
        run: remove_in_use_conflict,
    },
    Check {
        name: "im_privacy.default_change_conflict",
        run: default_change_conflict,
    },
    Check {
        name: "im_privacy.default_clear_conflict",
        run: default_clear_conflict,
    },
    Check {
        name: "im_privacy.get_unknown_list",
        run: get_unknown_list,
    },
    Check {
        name: "im_privacy.get_several_lists",
        run: get_several_lists,
    },
    Check {
        name: "im_privacy.active_before_result",
        run: active_before_result,
    },
    Check {
        name: "im_privacy.activate_unknown",
        run: activate_unknown,
    },
    Check {
        name: "im_privacy.default_unknown",
        run: default_unknown,
    },
    Check {
        name: "im_privacy.remove_unknown",
        run: remove_unknown,
    },
    Check {
        name: "im_privacy.remove_several",
        run: remove_several,
    },
    Check {
        name: "im_privacy.blocked_dropped",
        run: blocked_dropped,
    },
    Check {
        name: "im_privacy.blocked_no_error",
        run: blocked_no_error,
    },
    Check {
        name: "im_privacy.blocked_iq_request",
        run: blocked_iq_request,
    },
    Check {
        name: "im_privacy.blocked_iq_response",
        run: blocked_iq_response,
    },
    Check {
        name: "im_privacy.no_probe_when_blocked_in",
        run: no_probe_when_blocked_in,
    },
    Check {
        name: "im_privacy.initial_presence_withheld",
        run: initial_presence_withheld,
    },
    Check {
        name: "im_privacy.no_probe_answer_when_blocked_out",
        run: no_probe_answer_when_blocked_out,
    },
    Check {
        name: "im_privacy.local_user_lists_first",
        run: local_user_lists_first,
    },
    Check {
        name: "im_privacy.every_stanza_through_lists",
        run: every_stanza_through_lists,
    },
];
