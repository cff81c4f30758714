//! Checks proven through the client side of `xmpp-im` (`xmpp_im::client`): the roster
//! push rules of RFC 3921 §7.2, §7.4 and §8.1, and the roster requests of §7.4 and §7.6.

use super::{Check, Outcome, ensure};
use xmpp_im::client::{Roster, RosterError, requests};
use xmpp_im::roster::{Item, Subscription};
use xmpp_jid::{BareJid, Jid};
use xmpp_xml::{CLIENT_NS, Element};

const USER: &str = "juliet@example.com";

fn roster() -> Result<Roster, String> {
    BareJid::parse(USER)
        .map(Roster::new)
        .map_err(|e| e.to_string())
}

fn jid(s: &str) -> Result<Jid, String> {
    Jid::parse(s).map_err(|e| format!("{s}: {e}"))
}

/// A roster push of one item for `contact`, with `from` when given.
fn push(from: Option<&str>, id: &str, contact: &str) -> Element<'static> {
    let mut iq = Element::new(CLIENT_NS, "iq")
        .with_attr("type", "set")
        .with_attr("id", id.to_owned());
    if let Some(f) = from {
        iq = iq.with_attr("from", f.to_owned());
    }
    iq.with_child(
        Element::new("jabber:iq:roster", "query").with_child(
            Element::new("jabber:iq:roster", "item")
                .with_attr("jid", contact.to_owned())
                .with_attr("subscription", "both"),
        ),
    )
}

/// 3921-7.2-2a, 3921-7.2-2c: a push from another entity than the user's server is checked
/// and not applied.
fn untrusted_push_not_applied() -> Outcome {
    let mut r = roster()?;
    for from in ["iago@example.org", "iago@example.org/x", "example.org"] {
        if r.apply_push(push(Some(from), "p", "iago@example.org").as_ref())
            .is_ok()
        {
            return Err(format!("a push from {from} was applied"));
        }
    }
    if !r.is_empty() {
        return Err(format!(
            "refused pushes changed the roster: {} items",
            r.len()
        ));
    }
    Ok(())
}

/// 3921-7.2-2b: a push without `from` or from the user's bare JID is trusted; any other
/// `from`, the user's full JID included (RFC 6121 §2.1.6), is not.
fn push_origin_rule() -> Outcome {
    for (from, trusted) in [
        (None, true),
        (Some(USER), true),
        (Some("juliet@example.com/balcony"), false),
        (Some("example.com"), false),
        (Some("romeo@example.net"), false),
    ] {
        let mut r = roster()?;
        let got = r.apply_push(push(from, "p", "nurse@example.com").as_ref());
        match (&got, trusted) {
            (Ok(_), true) => {}
            (Err(refused), false)
                if matches!(refused.error, RosterError::UntrustedSender { .. }) => {}
            _ => return Err(format!("push from {from:?}: {got:?}")),
        }
    }
    Ok(())
}

/// 3921-7.4-3: every push is answered: a result when applied, an error when refused.
fn push_answered() -> Outcome {
    let mut r = roster()?;
    let accepted = r
        .apply_push(push(None, "a1", "nurse@example.com").as_ref())
        .map_err(|e| format!("trusted push refused: {}", e.error))?;
    if accepted.reply.attr("type") != Some("result") || accepted.reply.attr("id") != Some("a1") {
        return Err(format!("applied push answered with {:?}", accepted.reply));
    }
    for bad in [
        push(Some("romeo@example.net"), "a2", "nurse@example.com"),
        push(None, "a3", "a@b@c"),
    ] {
        match r.apply_push(bad.as_ref()) {
            Ok(_) => return Err("a bad push was applied".into()),
            Err(refused) => {
                let reply = refused.reply.ok_or("a refused push got no answer")?;
                if reply.attr("type") != Some("error") || reply.attr("id") != bad.attr("id") {
                    return Err(format!("refused push answered with {reply:?}"));
                }
            }
        }
    }
    Ok(())
}

/// 3921-8.1-4: an applied push is acknowledged with an IQ result carrying its `id`.
fn push_acknowledged() -> Outcome {
    let mut r = roster()?;
    let accepted = r
        .apply_push(push(Some(USER), "ack-me", "nurse@example.com").as_ref())
        .map_err(|e| format!("trusted push refused: {}", e.error))?;
    let want = Element::new(CLIENT_NS, "iq")
        .with_attr("to", USER)
        .with_attr("type", "result")
        .with_attr("id", "ack-me");
    if accepted.reply != want {
        return Err(format!("acknowledgement {:?}", accepted.reply));
    }
    Ok(())
}

/// 3921-7.4-1: the client can add an item at any time: a roster set with the item,
/// without subscription state.
fn roster_add_request() -> Outcome {
    let item = Item {
        name: Some("Nurse".into()),
        groups: vec!["Servants".into()],
        ..Item::new(jid("nurse@example.com")?)
    };
    let iq = requests::roster_set("r2", &item);
    let sent = iq
        .child("jabber:iq:roster", "query")
        .and_then(|q| q.child("jabber:iq:roster", "item"))
        .ok_or("no roster item in the set")?;
    if iq.attr("type") != Some("set")
        || sent.attr("jid") != Some("nurse@example.com")
        || sent.attr("name") != Some("Nurse")
        || sent.attr("subscription").is_some()
    {
        return Err(format!("roster set {iq:?}"));
    }
    Ok(())
}

/// 3921-7.6-1a: the client can delete an item: a roster set with subscription='remove'.
fn roster_remove_request() -> Outcome {
    let iq = requests::roster_remove("r4", &jid("nurse@example.com")?);
    let sent = iq
        .child("jabber:iq:roster", "query")
        .and_then(|q| q.child("jabber:iq:roster", "item"))
        .ok_or("no roster item in the set")?;
    if iq.attr("type") != Some("set")
        || sent.attr("subscription") != Some(Subscription::Remove.as_str())
    {
        return Err(format!("roster remove {iq:?}"));
    }
    Ok(())
}

/// 3921-5.1.1-2, 3921-5.1.2-1: the presence a client broadcasts is written with neither
/// `to` nor `type`.
fn initial_presence_shape() -> Outcome {
    let e = xmpp_im::presence::Presence::new().to_element();
    ensure(
        e.name() == "presence" && e.attr("to").is_none() && e.attr("type").is_none(),
        || format!("initial presence written as {e:?}"),
    )
}

/// 3921-5-1, 3921-5.1.4-1: directed presence carries the `to` the client gives it.
fn directed_presence_written() -> Outcome {
    let mut p = xmpp_im::presence::Presence::new();
    p.envelope.to = Some(jid("romeo@example.net/orchard")?);
    let e = p.to_element();
    ensure(e.attr("to") == Some("romeo@example.net/orchard"), || {
        format!("{e:?}")
    })
}

/// 3921-5.2-1, 3921-5.3-1, 3921-5.4-1, 3921-5.1.5-1b: show, status (per language, also in
/// unavailable presence) and priority are written and read back.
fn presence_children_written() -> Outcome {
    use xmpp_im::presence::{Presence, PresenceType, Show};
    let mut p = Presence::new();
    p.show = Some(Show::Dnd);
    p.status.insert(String::new(), "busy".into());
    p.status.insert("fr".into(), "occupée".into());
    p.priority = Some(-1);
    let back = Presence::from_element(p.to_element().as_ref()).map_err(|e| e.to_string())?;
    ensure(back == p, || format!("read back as {back:?}"))?;
    let mut gone = Presence::new();
    gone.kind = PresenceType::Unavailable;
    gone.status.insert(String::new(), "gone to Mantua".into());
    let e = gone.to_element();
    ensure(
        e.attr("type") == Some("unavailable")
            && e.child(CLIENT_NS, "status")
                .is_some_and(|s| s.text() == "gone to Mantua"),
        || format!("unavailable with status written as {e:?}"),
    )
}

/// 3921-5.1.6-1, 3921-6.2-1, 3921-8.2-4, 3921-8.2-14b, 3921-8.2.1-1, 3921-8.3-1a,
/// 3921-8.3-6, 3921-8.3.1-1, 3921-8.4.1-1, 3921-8.4.2-1, 3921-8.5.1-1, 3921-8.5.2-1,
/// 3921-8.4-1, 3921-8.5-1: each subscription action is the presence type the RFC names,
/// addressed to the contact's bare JID, with no `from` (the server stamps it).
fn subscription_requests() -> Outcome {
    use xmpp_im::subscription::Kind;
    let contact = BareJid::parse("romeo@example.net").map_err(|e| e.to_string())?;
    for kind in Kind::ALL {
        let e = requests::subscription(kind, &contact);
        ensure(
            e.name() == "presence"
                && e.attr("type") == Some(kind.as_str())
                && e.attr("to") == Some("romeo@example.net")
                && e.attr("from").is_none(),
            || format!("{kind:?} written as {e:?}"),
        )?;
    }
    Ok(())
}

/// 3921-8.2-2a, 3921-8.2-2b, 3921-8.2-2c: a roster set carries the item's `jid`, `name` and
/// groups, and no `subscription` or `ask`, whatever the item holds.
fn roster_set_shape() -> Outcome {
    let mut item = Item::new(jid("nurse@example.com")?);
    item.name = Some("Nurse".into());
    item.groups = vec!["Servants".into()];
    item.subscription = Some(Subscription::Both);
    item.ask = Some(xmpp_im::roster::Ask::Subscribe);
    let e = requests::roster_set("s1", &item);
    let written = e
        .child("jabber:iq:roster", "query")
        .and_then(|q| q.elements().next())
        .ok_or("no item written")?;
    ensure(
        written.attr("jid") == Some("nurse@example.com")
            && written.attr("name") == Some("Nurse")
            && written.attr("subscription").is_none()
            && written.attr("ask").is_none()
            && written
                .elements()
                .any(|g| g.name() == "group" && g.text() == "Servants"),
        || format!("roster set written as {e:?}"),
    )
}

/// 3921-7.1-1, 3921-7.1-2, 3921-7.1-4, 3921-7.1-5: a roster query holds any number of
/// items; an item without `jid` is refused; `name` and groups are read.
fn roster_items_read() -> Outcome {
    use xmpp_im::roster::Query;
    let read = |xml: &str| -> Result<Result<Query, String>, String> {
        let mut p = xmpp_xml::Parser::document(xmpp_xml::Limits::default());
        p.feed(xml.as_bytes());
        match p.next_event() {
            Ok(Some(xmpp_xml::Event::Stanza(s))) => {
                let e = s.to_element().map_err(|e| e.to_string())?;
                Ok(Query::from_element(e.as_ref()).map_err(|e| e.to_string()))
            }
            other => Err(format!("{other:?}")),
        }
    };
    let empty = read("<query xmlns='jabber:iq:roster'/>")??;
    ensure(empty.items.is_empty(), || {
        "an empty roster did not read".into()
    })?;
    let two = read(
        "<query xmlns='jabber:iq:roster'><item jid='a@example.com' name='A'><group>G1</group><group>G2</group></item><item jid='b@example.com'/></query>",
    )??;
    ensure(
        two.items.len() == 2
            && two.items[0].name.as_deref() == Some("A")
            && two.items[0].groups == ["G1", "G2"],
        || format!("read as {two:?}"),
    )?;
    ensure(
        read("<query xmlns='jabber:iq:roster'><item name='no jid'/></query>")?.is_err(),
        || "an item without jid was accepted".into(),
    )
}
/// 3921-12.2-2a, 3921-12.2-2b: an `im:` URI is read and resolved to the JID it names
/// (RFC 3922 §3.3: percent-encoding undone, and `'` written `#27;` as a JID node needs).
fn im_uri_resolved() -> Outcome {
    use xmpp_cpim::address::{Scheme, Uri};
    let uri = Uri::parse("im:d%27artagnan@example.com", Scheme::Im).map_err(|e| e.to_string())?;
    let jid = uri.to_jid().map_err(|e| e.to_string())?;
    ensure(jid.as_str() == "d#27;artagnan@example.com", || {
        format!("resolved to {jid}")
    })?;
    let plain = Uri::parse("im:Juliet@Example.com", Scheme::Im)
        .and_then(|u| u.to_jid())
        .map_err(|e| e.to_string())?;
    ensure(plain.as_str() == "juliet@example.com", || {
        format!("resolved to {plain}")
    })?;
    ensure(
        Uri::parse("xmpp:juliet@example.com", Scheme::Im).is_err(),
        || "another scheme was taken for im:".into(),
    )
}

/// The checks of this module.
pub static CHECKS: &[Check] = &[
    Check {
        name: "im_client.im_uri_resolved",
        run: im_uri_resolved,
    },
    Check {
        name: "im_client.initial_presence_shape",
        run: initial_presence_shape,
    },
    Check {
        name: "im_client.directed_presence_written",
        run: directed_presence_written,
    },
    Check {
        name: "im_client.presence_children_written",
        run: presence_children_written,
    },
    Check {
        name: "im_client.subscription_requests",
        run: subscription_requests,
    },
    Check {
        name: "im_client.roster_set_shape",
        run: roster_set_shape,
    },
    Check {
        name: "im_client.roster_items_read",
        run: roster_items_read,
    },
    Check {
        name: "im_client.untrusted_push_not_applied",
        run: untrusted_push_not_applied,
    },
    Check {
        name: "im_client.push_origin_rule",
        run: push_origin_rule,
    },
    Check {
        name: "im_client.push_answered",
        run: push_answered,
    },
    Check {
        name: "im_client.push_acknowledged",
        run: push_acknowledged,
    },
    Check {
        name: "im_client.roster_add_request",
        run: roster_add_request,
    },
    Check {
        name: "im_client.roster_remove_request",
        run: roster_remove_request,
    },
];
