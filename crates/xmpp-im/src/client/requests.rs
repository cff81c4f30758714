//! The stanzas a client sends for its roster and its subscriptions: roster get, set and
//! remove (RFC 3921 §7.3 to §7.6), the four subscription presences (§8), and the IQ
//! result that acknowledges a roster push (§7.4).

use xmpp_jid::{BareJid, Jid};
use xmpp_xml::{CLIENT_NS, Element, ElementRef};

use crate::envelope::Envelope;
use crate::presence::Presence;
use crate::roster::{Item, NS, Query, Subscription};
use crate::subscription::Kind;

/// An `<iq/>` of `kind` with `id`, in `jabber:client`, without `to` (RFC 3920 §9.1.1:
/// addressed to the user's own account, handled by the server).
fn iq(kind: &'static str, id: &str) -> Element<'static> {
    Element::new(CLIENT_NS, "iq")
        .with_attr("type", kind)
        .with_attr("id", id.to_owned())
}

/// The roster get (RFC 3921 §7.3): `<iq type='get' id='…'><query
/// xmlns='jabber:iq:roster'/></iq>`.
pub fn roster_get(id: &str) -> Element<'static> {
    iq("get", id).with_child(Element::new(NS, "query"))
}

/// The roster set that adds or updates `item` (RFC 3921 §7.4, §7.5): its `jid`, `name`,
/// groups and extensions. The `subscription` and `ask` attributes are left out: the
/// server ignores a `subscription` other than `remove` from a client (§7.6) and owns the
/// subscription state; an item whose `subscription` is
/// [`Subscription::Remove`] keeps it and removes the item ([`roster_remove`]).
pub fn roster_set(id: &str, item: &Item) -> Element<'static> {
    let mut item = item.clone();
    if item.subscription != Some(Subscription::Remove) {
        item.subscription = None;
    }
    item.ask = None;
    let query = Query {
        items: vec![item],
        ..Query::default()
    };
    iq("set", id).with_child(query.to_element())
}

/// The roster set that removes the item of `jid` (RFC 3921 §7.6), which also cancels the
/// subscriptions both ways (§8.6): `<item jid='…' subscription='remove'/>`.
pub fn roster_remove(id: &str, jid: &Jid) -> Element<'static> {
    let item = Item {
        subscription: Some(Subscription::Remove),
        ..Item::new(jid.clone())
    };
    roster_set(id, &item)
}

/// The subscription presence of `kind` to `contact` (RFC 3921 §8): `subscribe` asks for
/// the contact's presence (§8.2), `subscribed` grants the user's (§8.2, §8.3),
/// `unsubscribe` gives up the contact's (§8.4) and `unsubscribed` refuses or revokes the
/// user's (§8.2.1, §8.5). The `from` is left to the server, which stamps it.
pub fn subscription(kind: Kind, contact: &BareJid) -> Element<'static> {
    Presence {
        envelope: Envelope {
            to: Some(Jid::from(contact.clone())),
            ..Envelope::default()
        },
        kind: kind.into(),
        ..Presence::new()
    }
    .to_element()
}

/// The IQ result that acknowledges `request` (RFC 3920 §9.2.3; for a roster push RFC 3921
/// §7.4): same `id`, `to` the request's `from` when it had one. `None` when `request` is
/// not an `<iq/>` of type `get` or `set` with an `id`.
pub fn iq_result(request: ElementRef<'_>) -> Option<Element<'static>> {
    if request.name() != "iq" || !matches!(request.attr("type"), Some("get" | "set")) {
        return None;
    }
    let mut reply = Element::new(request.namespace().to_owned(), "iq");
    if let Some(from) = request.attr("from") {
        reply = reply.with_attr("to", from.to_owned());
    }
    Some(
        reply
            .with_attr("type", "result")
            .with_attr("id", request.attr("id")?.to_owned()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(xml: &str) -> Element<'static> {
        crate::xml::parse_element(xml.as_bytes()).expect("well-formed test input")
    }

    fn jid(s: &str) -> Jid {
        Jid::parse(s).expect("valid JID")
    }

    // RFC 3921 §7.3: the roster get, without the `from` the server stamps.
    #[test]
    fn roster_get_is_the_rfc_request() {
        assert_eq!(
            roster_get("roster_1"),
            parse(
                "<iq xmlns='jabber:client' type='get' id='roster_1'>\
                 <query xmlns='jabber:iq:roster'/></iq>"
            )
        );
    }

    // RFC 3921 §7.4: adding the Nurse in the group Servants.
    #[test]
    fn roster_set_adds_an_item() {
        let item = Item {
            name: Some("Nurse".into()),
            groups: vec!["Servants".into()],
            ..Item::new(jid("nurse@example.com"))
        };
        assert_eq!(
            roster_set("roster_2", &item),
            parse(
                "<iq xmlns='jabber:client' type='set' id='roster_2'>\
                 <query xmlns='jabber:iq:roster'><item jid='nurse@example.com' name='Nurse'>\
                 <group>Servants</group></item></query></iq>"
            )
        );
    }

    // RFC 3921 §7.5: the update adds a group; the `subscription='both'` of the example is
    // ignored by the server (§7.6), so it is not sent, nor is `ask`.
    #[test]
    fn roster_set_updates_without_subscription_state() {
        let item = Item {
            name: Some("Romeo".into()),
            subscription: Some(Subscription::Both),
            ask: Some(crate::roster::Ask::Subscribe),
            groups: vec!["Friends".into(), "Lovers".into()],
            ..Item::new(jid("romeo@example.net"))
        };
        assert_eq!(
            roster_set("roster_3", &item),
            parse(
                "<iq xmlns='jabber:client' type='set' id='roster_3'>\
                 <query xmlns='jabber:iq:roster'><item jid='romeo@example.net' name='Romeo'>\
                 <group>Friends</group><group>Lovers</group></item></query></iq>"
            )
        );
    }

    // RFC 3921 §7.6 and §8.6: removing an item.
    #[test]
    fn roster_remove_sets_subscription_remove() {
        assert_eq!(
            roster_remove("roster_4", &jid("nurse@example.com")),
            parse(
                "<iq xmlns='jabber:client' type='set' id='roster_4'>\
                 <query xmlns='jabber:iq:roster'>\
                 <item jid='nurse@example.com' subscription='remove'/></query></iq>"
            )
        );
    }

    // RFC 3921 §8.2, §8.3, §8.4, §8.5: the four subscription stanzas, addressed to the
    // contact's bare JID.
    #[test]
    fn subscription_stanzas() {
        let romeo = BareJid::parse("romeo@example.net").expect("valid");
        for (kind, name) in [
            (Kind::Subscribe, "subscribe"),
            (Kind::Subscribed, "subscribed"),
            (Kind::Unsubscribe, "unsubscribe"),
            (Kind::Unsubscribed, "unsubscribed"),
        ] {
            assert_eq!(
                subscription(kind, &romeo),
                parse(&format!(
                    "<presence xmlns='jabber:client' to='romeo@example.net' type='{name}'/>"
                ))
            );
        }
    }

    // RFC 3921 §7.4: the resource answers the push `a78b4q6ha463` with a result.
    #[test]
    fn iq_result_answers_a_push() {
        let push = parse(
            "<iq xmlns='jabber:client' to='juliet@example.com/balcony' type='set' \
             id='a78b4q6ha463'><query xmlns='jabber:iq:roster'>\
             <item jid='nurse@example.com' name='Nurse' subscription='none'>\
             <group>Servants</group></item></query></iq>",
        );
        assert_eq!(
            iq_result(push.as_ref()),
            Some(parse(
                "<iq xmlns='jabber:client' type='result' id='a78b4q6ha463'/>"
            ))
        );
        let from = parse("<iq xmlns='jabber:client' from='example.com' type='get' id='p'/>");
        assert_eq!(
            iq_result(from.as_ref()),
            Some(parse(
                "<iq xmlns='jabber:client' to='example.com' type='result' id='p'/>"
            ))
        );
        for no in [
            "<iq xmlns='jabber:client' type='result' id='r'/>",
            "<iq xmlns='jabber:client' type='set'/>",
            "<message xmlns='jabber:client' type='set' id='m'/>",
        ] {
            assert_eq!(iq_result(parse(no).as_ref()), None, "{no}");
        }
    }
}
