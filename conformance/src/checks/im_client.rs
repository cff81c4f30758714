//! Checks proven through the client side of `xmpp-im` (`xmpp_im::client`): the roster
//! push rules of RFC 3921 §7.2, §7.4 and §8.1, and the roster requests of §7.4 and §7.6.

use super::{Check, Outcome};
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

/// The checks of this module.
pub static CHECKS: &[Check] = &[
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
