//! Behaviour at the edges: large writes through TLS, calls on a closing connection,
//! one-way server-to-server streams, TLS requirements on s2s, stanzas that depend on the
//! stream header, configuration values at their limits.

mod common;

use std::time::{Duration, Instant};

use common::*;
use xmpp_core::random::SeededRandom;
use xmpp_core::{CloseReason, Connection, Event, S2sConfig, StreamErrorCondition, TlsPolicy};

fn drain(c: &mut Connection) -> (String, Vec<Event>) {
    let mut out = Vec::new();
    while let Some(b) = c.poll_transmit() {
        out.extend_from_slice(&b);
    }
    (
        String::from_utf8_lossy(&out).into_owned(),
        std::iter::from_fn(|| c.poll_event()).collect(),
    )
}

#[test]
fn a_stanza_larger_than_tls_buffers_arrives_whole() {
    let (st, ct) = tls_pair();
    let mut sc = server_config(Some(st));
    sc.limits.xml = sc.limits.xml.max_stanza_bytes(1 << 20);
    let mut pair = Pair::new(
        client_config("juliet@example.com/balcony", "pencil", Some(ct)),
        sc,
    );
    pair.run();
    let body = "x".repeat(100_000);
    pair.client
        .send(&message("romeo@example.net", &body))
        .unwrap();
    pair.client
        .send(&message("romeo@example.net", "after"))
        .unwrap();
    pair.run();
    let stanzas: Vec<_> = pair
        .server_events
        .iter()
        .filter_map(|e| match e {
            Event::Stanza(s) => Some(s.bytes().len()),
            _ => None,
        })
        .collect();
    assert_eq!(stanzas.len(), 2, "{:?}", pair.server_closed());
    assert!(stanzas[0] > 100_000);
}

fn s2s_config(domain: &str, tls: TlsPolicy) -> S2sConfig {
    let mut c = S2sConfig::new(domain, b"secret".to_vec());
    c.tls = tls;
    c.random = Box::new(SeededRandom::new(1));
    c
}

const IN_HEADER: &[u8] =
    b"<stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams' \
    xmlns:db='jabber:server:dialback' from='a.example' to='b.example' version='1.0'>";

#[test]
fn required_tls_is_not_given_up_for_a_versionless_peer() {
    let now = Instant::now();
    let mut c = Connection::s2s_outgoing(
        s2s_config("a.example", TlsPolicy::Required),
        "b.example",
        now,
    );
    drain(&mut c);
    c.handle_input(
        b"<stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams' \
          xmlns:db='jabber:server:dialback' from='b.example' id='s1'>",
        now,
    );
    let (out, _) = drain(&mut c);
    assert!(
        !out.contains("db:result") && !out.contains("result"),
        "the key went out in plaintext: {out}"
    );
}

#[test]
fn incoming_stream_requiring_tls_refuses_dialback_before_it() {
    let (identity, _) = tls_pair();
    let mut config = s2s_config("b.example", TlsPolicy::Required);
    config.tls_identity = Some(identity);
    let now = Instant::now();
    let mut b = Connection::s2s_incoming(config, now);
    b.handle_input(IN_HEADER, now);
    b.handle_input(
        b"<db:result from='a.example' to='b.example'>k</db:result>",
        now,
    );
    b.handle_eof();
    let (out, events) = drain(&mut b);
    assert!(out.contains("<required/>"), "{out}");
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::DialbackRequest { .. }))
    );
    assert!(events.iter().any(|e| matches!(e, Event::Closed(CloseReason::LocalError(e)) if e.condition == StreamErrorCondition::PolicyViolation)));
}

#[test]
fn incoming_stream_never_writes_stanza_errors_and_refuses_unsolicited_answers() {
    let now = Instant::now();
    let mut b = Connection::s2s_incoming(s2s_config("b.example", TlsPolicy::Disabled), now);
    assert!(!b.is_established());
    b.handle_input(IN_HEADER, now);
    b.handle_input(
        b"<db:result from='a.example' to='b.example'>k</db:result>",
        now,
    );
    b.dialback_result("a.example", "b.example", true).unwrap();
    assert!(!b.is_established(), "an incoming stream sends nothing");
    b.handle_input(
        b"<iq type='get' from='juliet@a.example' to='romeo@b.example'><q xmlns='urn:x'/></iq>",
        now,
    );
    b.handle_eof();
    let (out, events) = drain(&mut b);
    assert!(!out.contains("type='error'>"), "{out}");
    assert!(events.iter().any(|e| matches!(e, Event::Closed(CloseReason::LocalError(e)) if e.condition == StreamErrorCondition::InvalidXml)));

    let mut b = Connection::s2s_incoming(s2s_config("b.example", TlsPolicy::Disabled), now);
    b.handle_input(IN_HEADER, now);
    b.handle_input(
        b"<db:result from='a.example' to='b.example' type='valid'/>",
        now,
    );
    b.handle_eof();
    let (_, events) = drain(&mut b);
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::DialbackRequest { .. }))
    );
}

#[test]
fn answers_on_a_closing_connection_are_refused_and_write_nothing() {
    let now = Instant::now();
    let mut b = Connection::s2s_incoming(s2s_config("b.example", TlsPolicy::Disabled), now);
    b.handle_input(IN_HEADER, now);
    b.handle_input(
        b"<db:result from='a.example' to='b.example'>k</db:result>",
        now,
    );
    drain(&mut b);
    b.close();
    assert_eq!(
        b.dialback_result("a.example", "b.example", true),
        Err(xmpp_core::Error::Closed)
    );
    let (out, _) = drain(&mut b);
    assert_eq!(out, "</stream:stream>");

    let mut server = Connection::server(server_config(None), now);
    server.close();
    assert_eq!(server.accept_bind(None), Err(xmpp_core::Error::Closed));
    assert_eq!(
        server.answer_sasl(xmpp_core::Answer::PasswordValid(true)),
        Err(xmpp_core::Error::Closed)
    );
}

#[test]
fn stanzas_using_header_prefixes_are_made_standalone() {
    let mut c = server_config(None);
    c.tls = TlsPolicy::Disabled;
    c.sasl.allow_plain_without_tls = true;
    let now = Instant::now();
    let mut server = Connection::server(c, now);
    let mut app = App::default();
    let header = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' \
                  xmlns:x='urn:example:x' to='example.com' version='1.0'>";
    for piece in [
        header,
        "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGp1bGlldABwZW5jaWw=</auth>",
        header,
        "<iq type='set' id='b'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>",
        "<message to='romeo@example.net' id='a&gt;b'><x:extra/><body>hi</body></message>",
    ] {
        server.handle_input(piece.as_bytes(), now);
        while let Some(e) = server.poll_event() {
            app.answer(&mut server, &e);
            if let Event::Stanza(s) = &e {
                let tree = s.element().unwrap();
                assert!(tree.child("urn:example:x", "extra").is_some());
                assert!(tree.child(xmpp_core::ns::CLIENT_NS, "body").is_some());
                // The bytes parse on their own.
                let text = String::from_utf8_lossy(s.bytes()).into_owned();
                assert!(text.contains("urn:example:x"), "{text}");
                return;
            }
        }
    }
    panic!("no stanza");
}

#[test]
fn element_reads_tags_with_tricky_attribute_values() {
    let mut c = server_config(None);
    c.tls = TlsPolicy::Disabled;
    c.sasl.allow_plain_without_tls = true;
    let now = Instant::now();
    let mut server = Connection::server(c, now);
    let mut app = App::default();
    let header = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>";
    let mut trees = Vec::new();
    for piece in [
        header,
        "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGp1bGlldABwZW5jaWw=</auth>",
        header,
        "<iq type='set' id='b'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>",
        "<message to='a@b' id='a>b' xmlns='jabber:client'><body>1</body></message>",
        "<message to='a@b' id='xmlns='><body>2</body></message>",
        "<message to='a@b' xmlns\t='jabber:client'><body>3</body></message>",
    ] {
        server.handle_input(piece.as_bytes(), now);
        while let Some(e) = server.poll_event() {
            app.answer(&mut server, &e);
            if let Event::Stanza(s) = &e {
                trees.push(
                    s.element()
                        .unwrap()
                        .child(xmpp_core::ns::CLIENT_NS, "body")
                        .unwrap()
                        .text()
                        .into_owned(),
                );
            }
        }
    }
    assert_eq!(trees, ["1", "2", "3"]);
}

#[test]
fn client_refuses_a_bind_result_for_another_domain() {
    let now = Instant::now();
    let mut config = xmpp_core::ClientConfig::new(xmpp_jid::Jid::parse("example.com").unwrap(), "");
    config.tls = TlsPolicy::Disabled;
    config.mechanisms = Some(vec![xmpp_core::Mechanism::Anonymous]);
    config.random = Box::new(SeededRandom::new(1));
    let mut c = Connection::client(config, now);
    drain(&mut c);
    let header = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' from='example.com' id='s' version='1.0'>";
    c.handle_input(format!("{header}<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>ANONYMOUS</mechanism></mechanisms></stream:features>").as_bytes(), now);
    drain(&mut c);
    c.handle_input(b"<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>", now);
    drain(&mut c);
    c.handle_input(format!("{header}<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>").as_bytes(), now);
    let (out, _) = drain(&mut c);
    let id = out
        .split("id='")
        .nth(1)
        .and_then(|r| r.split('\'').next())
        .unwrap()
        .to_owned();
    c.handle_input(
        format!("<iq type='result' id='{id}'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>mallory@evil.example/x</jid></bind></iq>").as_bytes(),
        now,
    );
    c.handle_eof();
    let (_, events) = drain(&mut c);
    assert!(
        !events.iter().any(|e| matches!(e, Event::Bound(_))),
        "{events:?}"
    );
    assert!(!events.iter().any(|e| matches!(e, Event::Online)));
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::Closed(CloseReason::LocalError(_)))),
        "{events:?}"
    );
}

#[test]
fn bad_configuration_values_do_not_panic() {
    let now = Instant::now();
    let mut config = client_config("juliet@example.com", "pencil", None);
    config.lang = Some("not a tag".into());
    config.limits.negotiation_timeout = Duration::MAX;
    config.limits.close_timeout = Duration::MAX;
    let mut c = Connection::client(config, now);
    let (out, _) = drain(&mut c);
    assert!(
        out.contains("<stream:stream") && !out.contains("not a tag"),
        "{out}"
    );
    assert_eq!(c.poll_timeout(), None);
    c.close();
    assert!(!c.is_closed());
}

#[test]
fn stanzas_received_before_the_end_or_a_close_are_delivered() {
    let mut c = server_config(None);
    c.tls = TlsPolicy::Disabled;
    c.sasl.allow_plain_without_tls = true;
    let script = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>\
        <auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGp1bGlldABwZW5jaWw=</auth>";
    let restart = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>\
        <iq type='set' id='b'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>";
    let three = "<message to='a@b'><body>1</body></message><message to='a@b'><body>2</body></message><message to='a@b'><body>3</body></message>";
    for end in ["eof", "close"] {
        let now = Instant::now();
        let mut server = Connection::server(server_config_plain(), now);
        let mut app = App::default();
        for piece in [script, restart] {
            server.handle_input(piece.as_bytes(), now);
            while let Some(e) = server.poll_event() {
                app.answer(&mut server, &e);
            }
        }
        assert!(server.is_established());
        // Three stanzas in one read, then the end before any is taken.
        server.handle_input(three.as_bytes(), now);
        if end == "eof" {
            server.handle_eof();
        } else {
            server.close();
        }
        let got = std::iter::from_fn(|| server.poll_event())
            .filter(|e| matches!(e, Event::Stanza(_)))
            .count();
        assert_eq!(got, 3, "{end}");
    }
}

fn server_config_plain() -> xmpp_core::ServerConfig {
    let mut c = server_config(None);
    c.tls = TlsPolicy::Disabled;
    c.sasl.allow_plain_without_tls = true;
    c
}
