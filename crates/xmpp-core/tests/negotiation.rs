//! Client engine against server engine in memory: every negotiation path, through TLS and
//! without, and the failures of each step (RFC 3920 §4-§7, RFC 3921 §3).

mod common;

use common::*;
use xmpp_core::{CloseReason, Event, Mechanism, StreamErrorCondition, TlsPolicy};
use xmpp_sasl::Condition;

fn online_pair(mechanisms: Option<Vec<Mechanism>>) -> Pair {
    let (server_tls, client_tls) = tls_pair();
    let mut client = client_config("juliet@example.com/balcony", "pencil", Some(client_tls));
    client.mechanisms = mechanisms;
    let mut pair = Pair::new(client, server_config(Some(server_tls)));
    pair.run();
    pair
}

#[test]
fn tls_scram_plus_bind_session_and_messages_both_ways() {
    let mut pair = online_pair(None);
    assert!(pair.client_online(), "{:?}", pair.client_events);
    assert!(pair.server_online());
    assert!(pair.client.is_encrypted() && pair.server.is_encrypted());
    // RFC 9266: TLS 1.3 gives tls-exporter, so the -PLUS variant is chosen.
    assert_eq!(pair.authenticated_with(), Some(Mechanism::ScramSha256Plus));
    let bound: Vec<_> = pair
        .client_events
        .iter()
        .filter_map(|e| match e {
            Event::Bound(j) => Some(j.to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(bound, ["juliet@example.com/balcony"]);
    assert_eq!(
        pair.server.bound_jid().unwrap().as_str(),
        "juliet@example.com/balcony"
    );

    pair.client
        .send(&message("romeo@example.net", "hi"))
        .unwrap();
    pair.run();
    let got = pair
        .server_events
        .iter()
        .find_map(|e| match e {
            Event::Stanza(s) => Some(s.clone()),
            _ => None,
        })
        .unwrap();
    // RFC 3920 §9.1.2: the server stamps the sender's full JID.
    assert_eq!(got.from().unwrap().as_str(), "juliet@example.com/balcony");
    assert_eq!(got.to().unwrap().as_str(), "romeo@example.net");
    let tree = got.element().unwrap();
    assert_eq!(
        tree.child(xmpp_core::ns::CLIENT_NS, "body").unwrap().text(),
        "hi"
    );

    let reply =
        message("juliet@example.com/balcony", "hello").with_attr("from", "romeo@example.net");
    pair.server.send(&reply).unwrap();
    pair.run();
    let got = pair
        .client_events
        .iter()
        .find_map(|e| match e {
            Event::Stanza(s) => Some(s.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(got.from().unwrap().as_str(), "romeo@example.net");

    // RFC 3920 §4.6: the closing handshake.
    pair.client.close();
    pair.run();
    assert_eq!(pair.client_closed(), Some(&CloseReason::Normal));
    assert_eq!(pair.server_closed(), Some(&CloseReason::Normal));
    assert!(pair.client.is_closed() && pair.server.is_closed());
    assert_eq!(
        pair.client.send(&message("a@b", "x")),
        Err(xmpp_core::Error::Closed)
    );
}

#[test]
fn every_password_mechanism_logs_in_over_tls() {
    for m in [
        Mechanism::ScramSha256Plus,
        Mechanism::ScramSha1Plus,
        Mechanism::ScramSha256,
        Mechanism::ScramSha1,
        Mechanism::DigestMd5,
        Mechanism::Plain,
    ] {
        let pair = online_pair(Some(vec![m]));
        assert!(pair.client_online(), "{m:?}: {:?}", pair.client_events);
        assert_eq!(pair.authenticated_with(), Some(m));
    }
}

#[test]
fn without_tls_plain_is_neither_offered_nor_used() {
    let mut server = server_config(None);
    server.tls = TlsPolicy::Disabled;
    let mut pair = Pair::new(client_config("juliet@example.com", "pencil", None), server);
    pair.run();
    assert!(pair.client_online());
    assert_eq!(pair.authenticated_with(), Some(Mechanism::ScramSha256));
    assert!(
        !pair.server_text().contains(">PLAIN<"),
        "{}",
        pair.server_text()
    );
    assert!(!pair.server_text().contains("-PLUS"));
    // A server-generated resource (RFC 3920 §7) when the client asks for none.
    let jid = pair.server.bound_jid().unwrap();
    assert_eq!(jid.resource().len(), 16);
}

#[test]
fn wrong_password_fails_with_not_authorized() {
    let (server_tls, client_tls) = tls_pair();
    let mut pair = Pair::new(
        client_config("juliet@example.com", "wrong", Some(client_tls)),
        server_config(Some(server_tls)),
    );
    pair.run();
    match pair.client_closed() {
        Some(CloseReason::Authentication { condition, .. }) => {
            assert_eq!(*condition, Condition::NotAuthorized)
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(pair.client_closed().unwrap().condition(), "not-authorized");
    assert!(!pair.client_online());
}

#[test]
fn unknown_user_fails_like_a_wrong_password() {
    let (server_tls, client_tls) = tls_pair();
    let mut pair = Pair::new(
        client_config("nobody@example.com", "pencil", Some(client_tls)),
        server_config(Some(server_tls)),
    );
    pair.run();
    assert_eq!(pair.client_closed().unwrap().condition(), "not-authorized");
}

#[test]
fn client_requiring_tls_refuses_a_server_without_it() {
    let (_, client_tls) = tls_pair();
    let mut server = server_config(None);
    server.tls = TlsPolicy::Disabled;
    let mut pair = Pair::new(
        client_config("juliet@example.com", "pencil", Some(client_tls)),
        server,
    );
    pair.run();
    assert!(matches!(
        pair.client_closed(),
        Some(CloseReason::Unsupported(_))
    ));
    // Nothing secret left the client: no <auth/> was sent.
    assert!(!pair.client_text().contains("<auth"));
}

#[test]
fn server_requiring_tls_does_not_offer_sasl_before_it() {
    let (server_tls, _) = tls_pair();
    let mut pair = Pair::new(
        client_config("juliet@example.com", "pencil", None),
        server_config(Some(server_tls)),
    );
    pair.run();
    let text = pair.server_text();
    assert!(text.contains("<required/>"), "{text}");
    assert!(!text.contains("<mechanisms"), "{text}");
    assert!(matches!(
        pair.client_closed(),
        Some(CloseReason::Unsupported(_))
    ));
}

#[test]
fn certificate_for_another_name_fails_the_tls_handshake() {
    let (server_tls, _) = tls_pair();
    let (_, other_ca) = tls_pair();
    let mut pair = Pair::new(
        client_config("juliet@example.com", "pencil", Some(other_ca)),
        server_config(Some(server_tls)),
    );
    pair.run();
    assert!(
        matches!(pair.client_closed(), Some(CloseReason::Tls(_))),
        "{:?}",
        pair.client_closed()
    );
    assert!(!pair.client_online());
}

#[test]
fn bind_conflict_is_reported_to_the_client() {
    let mut pair = online_pair(None);
    assert!(pair.client_online());
    let (server_tls, client_tls) = tls_pair();
    let mut second = Pair::new(
        client_config("juliet@example.com/balcony", "pencil", Some(client_tls)),
        server_config(Some(server_tls)),
    );
    second.app.bound = std::mem::take(&mut pair.app.bound);
    second.run();
    match second.client_closed() {
        Some(CloseReason::BindRefused(e)) => {
            assert_eq!(e.condition, xmpp_core::StanzaErrorCondition::Conflict)
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn negotiation_timeout_ends_with_connection_timeout() {
    let (server_tls, client_tls) = tls_pair();
    let mut client = client_config("juliet@example.com", "pencil", Some(client_tls));
    client.limits.negotiation_timeout = std::time::Duration::from_secs(600);
    let mut pair = Pair::new(client, server_config(Some(server_tls)));
    pair.app.auto = false;
    pair.run();
    assert!(pair.server.poll_timeout().is_some());
    pair.advance(std::time::Duration::from_secs(61));
    match pair.server_closed() {
        Some(CloseReason::LocalError(e)) => {
            assert_eq!(e.condition, StreamErrorCondition::ConnectionTimeout)
        }
        other => panic!("{other:?}"),
    }
    match pair.client_closed() {
        Some(CloseReason::PeerError(e)) => {
            assert_eq!(e.condition, StreamErrorCondition::ConnectionTimeout)
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn split_at_every_byte_gives_the_same_outcome() {
    for chunk in [1, 2, 3, 7, 100] {
        let (server_tls, client_tls) = tls_pair();
        let mut pair = Pair::new(
            client_config("juliet@example.com/balcony", "pencil", Some(client_tls)),
            server_config(Some(server_tls)),
        );
        pair.chunk = chunk;
        pair.run();
        assert!(
            pair.client_online(),
            "chunk {chunk}: {:?}",
            pair.client_events
        );
        pair.client
            .send(&message("romeo@example.net", "split"))
            .unwrap();
        pair.run();
        assert!(
            pair.server_events
                .iter()
                .any(|e| matches!(e, Event::Stanza(_)))
        );
    }
}

#[test]
fn keepalives_are_single_spaces_when_due() {
    let (server_tls, client_tls) = tls_pair();
    let mut client = client_config("juliet@example.com", "pencil", Some(client_tls));
    client.keepalive = Some(std::time::Duration::from_secs(30));
    let mut pair = Pair::new(client, server_config(Some(server_tls)));
    pair.run();
    assert!(pair.client_online());
    let due = pair.client.poll_timeout().unwrap();
    assert_eq!(due, pair.now + std::time::Duration::from_secs(30));
    pair.now = due;
    pair.client.handle_timeout(due);
    assert!(pair.client.poll_transmit().is_some());
    assert!(!pair.client.is_closed());
}
