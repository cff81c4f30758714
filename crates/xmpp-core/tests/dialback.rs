//! Server dialback in memory (RFC 3920 §8, XEP-0185 keys): originating, receiving and
//! authoritative sides, valid and invalid keys, and stanzas from unverified domains.

use std::time::Instant;

use xmpp_core::random::SeededRandom;
use xmpp_core::{CloseReason, Connection, Event, S2sConfig, StreamErrorCondition, TlsPolicy};

fn config(domain: &str, secret: &[u8], seed: u64) -> S2sConfig {
    let mut c = S2sConfig::new(domain, secret.to_vec());
    c.tls = TlsPolicy::Disabled;
    c.random = Box::new(SeededRandom::new(seed));
    c
}

/// Moves bytes between two connections until nothing moves; returns their events.
fn pump(
    a: &mut Connection,
    b: &mut Connection,
    a_events: &mut Vec<Event>,
    b_events: &mut Vec<Event>,
) {
    let now = Instant::now();
    loop {
        let mut moved = false;
        while let Some(x) = a.poll_transmit() {
            b.handle_input(&x, now);
            moved = true;
        }
        while let Some(x) = b.poll_transmit() {
            a.handle_input(&x, now);
            moved = true;
        }
        while let Some(e) = a.poll_event() {
            a_events.push(e);
            moved = true;
        }
        while let Some(e) = b.poll_event() {
            b_events.push(e);
            moved = true;
        }
        if !moved {
            return;
        }
    }
}

struct World {
    a_out: Connection,
    b_in: Connection,
    a_events: Vec<Event>,
    b_events: Vec<Event>,
    verify_events: Vec<Event>,
}

/// a.example sends to b.example; b.example verifies with a.example's authoritative server,
/// whose secret is `authoritative_secret`.
fn dialback(authoritative_secret: &[u8]) -> World {
    let now = Instant::now();
    let mut w = World {
        a_out: Connection::s2s_outgoing(config("a.example", b"secret of a", 1), "b.example", now),
        b_in: Connection::s2s_incoming(config("b.example", b"secret of b", 2), now),
        a_events: Vec::new(),
        b_events: Vec::new(),
        verify_events: Vec::new(),
    };
    for _ in 0..10 {
        pump(&mut w.a_out, &mut w.b_in, &mut w.a_events, &mut w.b_events);
        let requests: Vec<_> = w
            .b_events
            .iter()
            .filter_map(|e| match e {
                Event::DialbackRequest {
                    originating,
                    receiving,
                    key,
                    stream_id,
                } => Some((
                    originating.clone(),
                    receiving.clone(),
                    key.clone(),
                    stream_id.clone(),
                )),
                _ => None,
            })
            .collect();
        w.b_events
            .retain(|e| !matches!(e, Event::DialbackRequest { .. }));
        if requests.is_empty() {
            break;
        }
        for (originating, receiving, key, id) in requests {
            // b.example asks a.example's authoritative server.
            let mut verify = Connection::s2s_verify(
                config("b.example", b"secret of b", 3),
                &originating,
                &id,
                &key,
                now,
            );
            let mut authority =
                Connection::s2s_incoming(config("a.example", authoritative_secret, 4), now);
            let mut authority_events = Vec::new();
            pump(
                &mut verify,
                &mut authority,
                &mut w.verify_events,
                &mut authority_events,
            );
            let valid = w
                .verify_events
                .iter()
                .any(|e| matches!(e, Event::DialbackVerified { valid: true, .. }));
            w.b_in
                .dialback_result(&originating, &receiving, valid)
                .unwrap();
        }
    }
    w
}

fn message(from: &str, to: &str) -> xmpp_xml::Element<'static> {
    xmpp_xml::Element::new(xmpp_xml::SERVER_NS, "message")
        .with_attr("from", from.to_owned())
        .with_attr("to", to.to_owned())
        .with_child(xmpp_xml::Element::new(xmpp_xml::SERVER_NS, "body").with_text("over s2s"))
}

#[test]
fn valid_key_lets_stanzas_through() {
    let mut w = dialback(b"secret of a");
    assert!(
        w.a_events.iter().any(|e| matches!(e, Event::Online)),
        "{:?}",
        w.a_events
    );
    assert!(
        w.verify_events
            .iter()
            .any(|e| matches!(e, Event::DialbackVerified { valid: true, .. }))
    );
    assert!(w.b_in.s2s_is_verified("a.example", "b.example"));
    w.a_out
        .send(&message("juliet@a.example/x", "romeo@b.example"))
        .unwrap();
    pump(&mut w.a_out, &mut w.b_in, &mut w.a_events, &mut w.b_events);
    let got = w.b_events.iter().find_map(|e| match e {
        Event::Stanza(s) => Some(s),
        _ => None,
    });
    assert_eq!(got.unwrap().from().unwrap().as_str(), "juliet@a.example/x");
    // The incoming stream carries nothing the other way.
    assert!(
        w.b_in
            .send(&message("romeo@b.example", "juliet@a.example"))
            .is_err()
    );
}

#[test]
fn wrong_key_is_refused_and_the_stream_ends() {
    let w = dialback(b"another secret");
    assert!(
        w.verify_events
            .iter()
            .any(|e| matches!(e, Event::DialbackVerified { valid: false, .. }))
    );
    assert!(
        matches!(
            w.a_events.iter().find_map(|e| match e {
                Event::Closed(r) => Some(r),
                _ => None,
            }),
            Some(CloseReason::Dialback(_)) | Some(CloseReason::PeerError(_))
        ),
        "{:?}",
        w.a_events
    );
    assert!(!w.a_events.iter().any(|e| matches!(e, Event::Online)));
}

#[test]
fn stanza_from_an_unverified_domain_is_invalid_from() {
    let mut w = dialback(b"secret of a");
    w.a_out
        .send(&message("mallory@c.example", "romeo@b.example"))
        .unwrap();
    pump(&mut w.a_out, &mut w.b_in, &mut w.a_events, &mut w.b_events);
    w.b_in.handle_eof();
    let closed = std::iter::from_fn(|| w.b_in.poll_event())
        .chain(w.b_events.drain(..))
        .find_map(|e| match e {
            Event::Closed(CloseReason::LocalError(e)) => Some(e.condition),
            _ => None,
        });
    assert_eq!(closed, Some(StreamErrorCondition::InvalidFrom));
}

#[test]
fn request_for_a_domain_not_served_gets_an_error_result() {
    let now = Instant::now();
    let mut b = Connection::s2s_incoming(config("b.example", b"k", 1), now);
    b.handle_input(
        b"<stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams' \
          xmlns:db='jabber:server:dialback' from='a.example' to='b.example' version='1.0'>\
          <db:result from='a.example' to='elsewhere.example'>abc</db:result>",
        now,
    );
    let out = String::from_utf8(b.poll_transmit().unwrap()).unwrap();
    assert!(
        out.contains("from='elsewhere.example' to='a.example' type='error'>"),
        "{out}"
    );
    assert!(out.contains("<item-not-found"), "{out}");
    assert!(
        out.contains("<dialback xmlns='urn:xmpp:features:dialback'/>"),
        "{out}"
    );
}

#[test]
fn authoritative_server_answers_verify_by_itself() {
    let now = Instant::now();
    let key = xmpp_core::dialback_key(b"secret of a", "b.example", "a.example", "s-1");
    let mut a = Connection::s2s_incoming(config("a.example", b"secret of a", 1), now);
    let open = "<stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams' \
                xmlns:db='jabber:server:dialback' from='b.example' to='a.example' version='1.0'>";
    a.handle_input(
        format!("{open}<db:verify from='b.example' to='a.example' id='s-1'>{key}</db:verify>")
            .as_bytes(),
        now,
    );
    let out = String::from_utf8(a.poll_transmit().unwrap()).unwrap();
    assert!(
        out.contains("from='a.example' to='b.example' id='s-1' type='valid'/>"),
        "{out}"
    );
    let mut a = Connection::s2s_incoming(config("a.example", b"secret of a", 1), now);
    a.handle_input(
        format!("{open}<db:verify from='b.example' to='a.example' id='s-2'>{key}</db:verify>")
            .as_bytes(),
        now,
    );
    let out = String::from_utf8(a.poll_transmit().unwrap()).unwrap();
    assert!(out.contains("type='invalid'"), "{out}");
}

mod sasl_external {
    use super::*;

    struct Pki {
        ca_pem: String,
        ca: rcgen::Issuer<'static, rcgen::KeyPair>,
    }

    impl Pki {
        fn new() -> Pki {
            let key = rcgen::KeyPair::generate().unwrap();
            let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
            params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
            params
                .distinguished_name
                .push(rcgen::DnType::CommonName, "Test s2s CA");
            let cert = params.self_signed(&key).unwrap();
            Pki {
                ca_pem: cert.pem(),
                ca: rcgen::Issuer::new(params, key),
            }
        }

        /// (cert PEM, key PEM) for `names`.
        fn leaf(&self, names: &[&str]) -> (String, String) {
            let key = rcgen::KeyPair::generate().unwrap();
            let params = rcgen::CertificateParams::new(
                names.iter().map(|n| n.to_string()).collect::<Vec<_>>(),
            )
            .unwrap();
            let cert = params.signed_by(&key, &self.ca).unwrap();
            (cert.pem(), key.serialize_pem())
        }
    }

    /// a.example presents a certificate for `a_names`; b.example verifies client
    /// certificates against the CA.
    fn run(a_names: &[&str]) -> (Vec<Event>, Connection, Vec<Event>) {
        let pki = Pki::new();
        let now = Instant::now();
        let (a_cert, a_key) = pki.leaf(a_names);
        let (b_cert, b_key) = pki.leaf(&["b.example"]);
        let mut a = config("a.example", b"secret of a", 1);
        a.tls = TlsPolicy::Optional;
        a.sasl_external = true;
        a.tls_client_config = Some(
            xmpp_core::tls_config::client_config_with_certificate(
                a_cert.as_bytes(),
                a_key.as_bytes(),
                Some(pki.ca_pem.as_bytes()),
            )
            .unwrap(),
        );
        let mut b = config("b.example", b"secret of b", 2);
        b.tls = TlsPolicy::Optional;
        b.tls_identity = Some(
            xmpp_core::tls_config::server_tls_with_client_auth(
                b_cert.as_bytes(),
                b_key.as_bytes(),
                pki.ca_pem.as_bytes(),
            )
            .unwrap(),
        );
        let mut out = Connection::s2s_outgoing(a, "b.example", now);
        let mut inc = Connection::s2s_incoming(b, now);
        let (mut ea, mut eb) = (Vec::new(), Vec::new());
        pump(&mut out, &mut inc, &mut ea, &mut eb);
        (ea, inc, eb)
    }

    #[test]
    fn certificate_naming_the_domain_authenticates_without_dialback() {
        let (ea, inc, eb) = run(&["a.example"]);
        assert!(ea.iter().any(|e| matches!(e, Event::Online)), "{ea:?}");
        assert!(ea.iter().any(|e| matches!(e, Event::TlsEstablished)));
        assert!(
            !eb.iter()
                .any(|e| matches!(e, Event::DialbackRequest { .. })),
            "{eb:?}"
        );
        assert!(eb.iter().any(|e| matches!(
            e,
            Event::Authenticated {
                mechanism: xmpp_core::Mechanism::External,
                ..
            }
        )));
        assert!(inc.s2s_is_verified("a.example", "b.example"));
    }

    #[test]
    fn certificate_for_another_domain_falls_back_to_dialback() {
        let (ea, inc, eb) = run(&["other.example"]);
        assert!(!inc.s2s_is_verified("a.example", "b.example"));
        assert!(
            eb.iter()
                .any(|e| matches!(e, Event::DialbackRequest { .. })),
            "{eb:?}"
        );
        assert!(!ea.iter().any(|e| matches!(e, Event::Online)));
    }
}

#[test]
fn unanswered_dialback_requests_are_bounded() {
    let now = Instant::now();
    let mut b = Connection::s2s_incoming(config("b.example", b"k", 1), now);
    b.handle_input(
        b"<stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams' \
          xmlns:db='jabber:server:dialback' from='a.example' to='b.example' version='1.0'>",
        now,
    );
    for i in 0..40 {
        b.handle_input(
            format!("<db:result from='d{i}.example' to='b.example'>k</db:result>").as_bytes(),
            now,
        );
    }
    b.handle_eof();
    let events: Vec<_> = std::iter::from_fn(|| b.poll_event()).collect();
    let asked = events
        .iter()
        .filter(|e| matches!(e, Event::DialbackRequest { .. }))
        .count();
    assert_eq!(asked, 16);
    assert!(events.iter().any(|e| matches!(e, Event::Closed(CloseReason::LocalError(e)) if e.condition == StreamErrorCondition::PolicyViolation)));
}
