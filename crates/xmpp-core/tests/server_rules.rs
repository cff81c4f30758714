//! The server engine against scripted client bytes (no TLS, PLAIN allowed so the exchange is
//! readable): each RFC 3920 rule on the receiving entity, and the script split at every byte.

mod common;

use std::time::Instant;

use common::*;
use xmpp_core::{CloseReason, Connection, Event, StreamErrorCondition, TlsPolicy};

const HEADER: &str = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' \
    xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>";
/// PLAIN for juliet / pencil.
const AUTH: &str =
    "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGp1bGlldABwZW5jaWw=</auth>";
const AUTH_BAD: &str =
    "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGp1bGlldAB3cm9uZw==</auth>";
const RESTART: &str = "<stream:stream xmlns='jabber:client' \
    xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>";
const BIND: &str = "<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>balcony</resource></bind></iq>";
const SESSION: &str =
    "<iq type='set' id='s1'><session xmlns='urn:ietf:params:xml:ns:xmpp-session'/></iq>";

fn plain_server() -> Connection {
    let mut c = server_config(None);
    c.tls = TlsPolicy::Disabled;
    c.sasl.allow_plain_without_tls = true;
    Connection::server(c, Instant::now())
}

/// Feeds `script` (in pieces split at the given positions), answering the engine's
/// questions; returns what the server wrote and its events.
fn run(server: &mut Connection, script: &[&[u8]]) -> (String, Vec<Event>) {
    let mut app = App::default();
    let (mut out, mut events) = (Vec::new(), Vec::new());
    for piece in script {
        server.handle_input(piece, Instant::now());
        loop {
            let mut moved = false;
            while let Some(e) = server.poll_event() {
                app.answer(server, &e);
                events.push(e);
                moved = true;
            }
            while let Some(b) = server.poll_transmit() {
                out.extend_from_slice(&b);
                moved = true;
            }
            if !moved {
                break;
            }
        }
    }
    (String::from_utf8(out).unwrap(), events)
}

/// [`run`], then the client hangs up: the close reason of a stream the server ended
/// while waiting for the peer's `</stream:stream>` is reported.
fn run_to_end(server: &mut Connection, script: &[&[u8]]) -> (String, Vec<Event>) {
    let (out, mut events) = run(server, script);
    server.handle_eof();
    while let Some(e) = server.poll_event() {
        events.push(e);
    }
    (out, events)
}

fn script(parts: &[&str]) -> String {
    parts.concat()
}

fn closed(events: &[Event]) -> Option<&CloseReason> {
    events.iter().find_map(|e| match e {
        Event::Closed(r) => Some(r),
        _ => None,
    })
}

fn local_error(events: &[Event]) -> Option<StreamErrorCondition> {
    match closed(events) {
        Some(CloseReason::LocalError(e)) => Some(e.condition),
        _ => None,
    }
}

#[test]
fn full_login_then_from_is_stamped() {
    let s = script(&[
        HEADER,
        AUTH,
        RESTART,
        BIND,
        SESSION,
        "<message to='romeo@example.net'><body>hi</body></message>",
    ]);
    let (out, events) = run(&mut plain_server(), &[s.as_bytes()]);
    // RFC 3920 §4.4: the reply header has from, id and version.
    assert!(
        out.contains("from='example.com'")
            && out.contains("version='1.0'")
            && out.contains(" id='")
    );
    assert!(
        out.contains("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'"),
        "{out}"
    );
    // RFC 3920 §7: the bind result carries the full JID.
    assert!(
        out.contains("<jid>juliet@example.com/balcony</jid>"),
        "{out}"
    );
    // RFC 3921 §3: the session result.
    assert!(out.contains("<iq type='result' id='s1'/>"), "{out}");
    let stanza = events
        .iter()
        .find_map(|e| match e {
            Event::Stanza(s) => Some(s),
            _ => None,
        })
        .unwrap();
    assert_eq!(
        stanza.from().unwrap().as_str(),
        "juliet@example.com/balcony"
    );
    assert!(
        String::from_utf8_lossy(stanza.bytes())
            .starts_with("<message from='juliet@example.com/balcony'")
    );
}

#[test]
fn envelope_reads_id_type_and_language() {
    let s = script(&[
        HEADER,
        AUTH,
        RESTART,
        BIND,
        "<message id='m9' type='chat' xml:lang='fr' to='romeo@example.net'/>",
    ]);
    let (_, events) = run(&mut plain_server(), &[s.as_bytes()]);
    let stanza = events
        .iter()
        .find_map(|e| match e {
            Event::Stanza(s) => Some(s),
            _ => None,
        })
        .unwrap();
    assert_eq!(stanza.id(), Some("m9"));
    assert_eq!(stanza.stanza_type(), Some("chat"));
    assert_eq!(stanza.lang(), Some("fr"));
    assert_eq!(stanza.kind(), xmpp_core::StanzaKind::Message);
}

#[test]
fn every_two_way_split_gives_the_same_result() {
    let s = script(&[
        HEADER,
        AUTH,
        RESTART,
        BIND,
        SESSION,
        "<message to='romeo@example.net'><body>hi</body></message>",
    ]);
    let (reference, _) = run(&mut plain_server(), &[s.as_bytes()]);
    // Stream ids come from a seeded generator: same bytes whatever the split.
    for at in 1..s.len() {
        let (out, events) = run(
            &mut plain_server(),
            &[&s.as_bytes()[..at], &s.as_bytes()[at..]],
        );
        assert_eq!(out, reference, "split at {at}");
        assert!(
            events.iter().any(|e| matches!(e, Event::Stanza(_))),
            "split at {at}"
        );
    }
}

#[test]
fn features_after_sasl_offer_bind_and_session_but_not_tls_or_sasl() {
    let s = script(&[HEADER, AUTH, RESTART]);
    let (out, _) = run(&mut plain_server(), &[s.as_bytes()]);
    let after = out.rsplit("<stream:stream").next().unwrap();
    assert!(after.contains("urn:ietf:params:xml:ns:xmpp-bind"));
    assert!(after.contains("urn:ietf:params:xml:ns:xmpp-session"));
    assert!(!after.contains("xmpp-sasl") && !after.contains("xmpp-tls"));
}

#[test]
fn two_retries_then_the_stream_ends() {
    // RFC 3920 §6.2: at least two retries, then the connection is closed.
    let s = script(&[HEADER, AUTH_BAD, AUTH_BAD]);
    let mut server = plain_server();
    let (out, events) = run(&mut server, &[s.as_bytes()]);
    assert_eq!(out.matches("<not-authorized/>").count(), 2);
    assert!(closed(&events).is_none());
    // The third attempt still may succeed...
    let (out, events) = run(&mut server, &[AUTH.as_bytes()]);
    assert!(out.contains("<success"), "{out}");
    assert!(closed(&events).is_none());

    // ...but a third failure ends the stream.
    let s = script(&[HEADER, AUTH_BAD, AUTH_BAD, AUTH_BAD]);
    let (out, events) = run(&mut plain_server(), &[s.as_bytes()]);
    assert_eq!(out.matches("<not-authorized/>").count(), 3);
    assert!(out.ends_with("</stream:stream>"));
    assert!(matches!(
        closed(&events),
        Some(CloseReason::Authentication { .. }) | None
    ));
}

#[test]
fn abort_is_answered_with_aborted() {
    let s = script(&[
        HEADER,
        "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='SCRAM-SHA-1'>biwsbj1qdWxpZXQscj1meXprbytkMmxiYkZnT05Sdjl0a3hkZzZzVmUx</auth>",
        "<abort xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>",
    ]);
    let (out, _) = run(&mut plain_server(), &[s.as_bytes()]);
    assert!(out.contains("<challenge"), "{out}");
    assert!(out.contains("<aborted/>"), "{out}");
}

#[test]
fn unknown_mechanism_and_bad_base64_get_their_conditions() {
    let s = script(&[
        HEADER,
        "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='X-UNKNOWN'/>",
    ]);
    let (out, _) = run(&mut plain_server(), &[s.as_bytes()]);
    assert!(out.contains("<invalid-mechanism/>"), "{out}");
    let s = script(&[
        HEADER,
        "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>*not base64*</auth>",
    ]);
    let (out, _) = run(&mut plain_server(), &[s.as_bytes()]);
    assert!(out.contains("<incorrect-encoding/>"), "{out}");
}

#[test]
fn header_without_version_is_answered_without_version_then_refused() {
    // RFC 3920 §4.4.1: no version means "0.0"; the reply carries none.
    let s = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='example.com'>";
    let (out, events) = run_to_end(&mut plain_server(), &[s.as_bytes()]);
    let header = out.split('>').nth(1).unwrap();
    assert!(!header.contains("version="), "{out}");
    assert!(out.contains("<unsupported-version"), "{out}");
    assert_eq!(
        local_error(&events),
        Some(StreamErrorCondition::UnsupportedVersion)
    );
}

#[test]
fn higher_version_is_answered_with_ours() {
    let s = HEADER.replace("version='1.0'", "version='1.5'");
    let (out, events) = run(&mut plain_server(), &[s.as_bytes()]);
    assert!(out.contains("version='1.0'"));
    assert!(closed(&events).is_none());
}

#[test]
fn unknown_host_gets_host_unknown_after_a_header() {
    let s = HEADER.replace("to='example.com'", "to='example.org'");
    let (out, events) = run_to_end(&mut plain_server(), &[s.as_bytes()]);
    // RFC 3920 §4.7.1: the header is sent before the error.
    assert!(out.find("<stream:stream").unwrap() < out.find("<stream:error>").unwrap());
    assert!(
        out.contains("<host-unknown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"),
        "{out}"
    );
    assert!(out.ends_with("</stream:stream>"));
    assert_eq!(
        local_error(&events),
        Some(StreamErrorCondition::HostUnknown)
    );
}

#[test]
fn stanza_before_authentication_is_a_not_authorized_stream_error() {
    // RFC 3920 §9.1.2.
    let s = script(&[
        HEADER,
        "<message to='romeo@example.net'><body>x</body></message>",
    ]);
    let (out, events) = run_to_end(&mut plain_server(), &[s.as_bytes()]);
    assert!(
        out.contains("<not-authorized xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"),
        "{out}"
    );
    assert_eq!(
        local_error(&events),
        Some(StreamErrorCondition::NotAuthorized)
    );
}

#[test]
fn stanza_before_binding_gets_a_not_authorized_stanza_error() {
    // RFC 3920 §7, last paragraph.
    let s = script(&[
        HEADER,
        AUTH,
        RESTART,
        "<message id='m1' to='romeo@example.net'><body>x</body></message>",
        BIND,
    ]);
    let (out, events) = run(&mut plain_server(), &[s.as_bytes()]);
    assert!(
        out.contains("<message from='romeo@example.net' id='m1' type='error'"),
        "{out}"
    );
    assert!(out.contains("<not-authorized xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"));
    assert!(!events.iter().any(|e| matches!(e, Event::Stanza(_))));
    assert!(out.contains("<jid>juliet@example.com/balcony</jid>"));
}

#[test]
fn spoofed_from_is_an_invalid_from_stream_error() {
    let s = script(&[
        HEADER,
        AUTH,
        RESTART,
        BIND,
        "<message from='romeo@example.net/x' to='a@b'/>",
    ]);
    let (out, events) = run_to_end(&mut plain_server(), &[s.as_bytes()]);
    assert!(out.contains("<invalid-from"), "{out}");
    assert_eq!(
        local_error(&events),
        Some(StreamErrorCondition::InvalidFrom)
    );
}

#[test]
fn own_bare_or_full_from_is_accepted() {
    for from in [
        "juliet@example.com",
        "juliet@example.com/balcony",
        "JULIET@example.com/balcony",
    ] {
        let m = format!("<message from='{from}' to='a@b'/>");
        let s = script(&[HEADER, AUTH, RESTART, BIND, &m]);
        let (_, events) = run(&mut plain_server(), &[s.as_bytes()]);
        assert!(
            events.iter().any(|e| matches!(e, Event::Stanza(_))),
            "{from}"
        );
        assert!(closed(&events).is_none(), "{from}");
    }
}

#[test]
fn malformed_to_gets_jid_malformed_and_a_bad_iq_type_bad_request() {
    let s = script(&[
        HEADER,
        AUTH,
        RESTART,
        BIND,
        "<message id='m2' to='@@'/>",
        "<iq id='i1' type='fetch'><query xmlns='urn:x'/></iq>",
    ]);
    let (out, events) = run(&mut plain_server(), &[s.as_bytes()]);
    // The reply cannot name the malformed address as its sender: it has no `from`.
    assert!(out.contains("<message id='m2' type='error'>"), "{out}");
    assert!(
        out.contains("<jid-malformed xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"),
        "{out}"
    );
    assert!(out.contains("<iq id='i1' type='error'>"), "{out}");
    assert!(
        out.contains("<bad-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"),
        "{out}"
    );
    assert!(closed(&events).is_none());
}

#[test]
fn iq_without_id_cannot_be_answered_and_ends_the_stream() {
    // RFC 3920 §9.2.3: every iq has an id, the answer included; none can be made.
    let s = script(&[
        HEADER,
        AUTH,
        RESTART,
        BIND,
        "<iq type='get'><query xmlns='urn:x'/></iq>",
    ]);
    let (out, events) = run_to_end(&mut plain_server(), &[s.as_bytes()]);
    assert!(!out.contains("type='error'>"), "{out}");
    assert_eq!(local_error(&events), Some(StreamErrorCondition::InvalidXml));
}

#[test]
fn results_and_errors_are_never_answered_with_errors() {
    // RFC 3920 §9.2.3 rule 5 and §9.3.1: before binding, a result or an error is not
    // answered (other stanzas get not-authorized).
    let s = script(&[
        HEADER,
        AUTH,
        RESTART,
        "<iq type='result' id='r1'/>",
        "<message type='error' id='e1'/>",
    ]);
    let (out, _) = run(&mut plain_server(), &[s.as_bytes()]);
    assert!(
        !out.contains("id='r1' type='error'") && !out.contains("id='e1' type='error'"),
        "{out}"
    );
}

#[test]
fn invalid_resource_is_a_bad_request() {
    let bad = "<iq type='set' id='b2'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>a\u{7}b</resource></bind></iq>";
    let bad = bad.replace('\u{7}', "\u{202E}");
    let s = script(&[HEADER, AUTH, RESTART, &bad]);
    let (out, _) = run(&mut plain_server(), &[s.as_bytes()]);
    assert!(out.contains("id='b2' type='error'"), "{out}");
    assert!(out.contains("<bad-request"), "{out}");
}

#[test]
fn second_bind_is_not_allowed() {
    let s = script(&[HEADER, AUTH, RESTART, BIND, &BIND.replace("b1", "b3")]);
    let (out, _) = run(&mut plain_server(), &[s.as_bytes()]);
    assert!(
        out.contains("id='b3' type='error'") && out.contains("<not-allowed"),
        "{out}"
    );
}

#[test]
fn not_well_formed_and_restricted_xml_get_their_conditions() {
    for (input, condition) in [
        (
            "<message><body></message>",
            StreamErrorCondition::XmlNotWellFormed,
        ),
        ("<!-- a comment -->", StreamErrorCondition::RestrictedXml),
        (
            "<foo xmlns='urn:unknown'/>",
            StreamErrorCondition::UnsupportedStanzaType,
        ),
    ] {
        let s = script(&[HEADER, input]);
        let (out, events) = run_to_end(&mut plain_server(), &[s.as_bytes()]);
        assert_eq!(local_error(&events), Some(condition), "{input}: {out}");
        assert!(out.contains(&format!(
            "<{} xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>",
            condition.as_str()
        )));
        assert!(out.ends_with("</stream:stream>"));
    }
}

#[test]
fn bad_first_bytes_still_get_a_header_then_the_error() {
    let (out, events) = run_to_end(&mut plain_server(), &[b"<html>"]);
    assert!(
        out.starts_with("<?xml version='1.0'?><stream:stream"),
        "{out}"
    );
    assert!(out.contains("<stream:error>"));
    assert!(local_error(&events).is_some());
}

#[test]
fn data_after_starttls_before_the_handshake_is_refused() {
    let (server_tls, _) = tls_pair();
    let mut server = Connection::server(server_config(Some(server_tls)), Instant::now());
    let s = script(&[
        HEADER,
        "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>",
        "<message/>",
    ]);
    let (out, events) = run_to_end(&mut server, &[s.as_bytes()]);
    assert!(!out.contains("<proceed"), "{out}");
    assert_eq!(
        local_error(&events),
        Some(StreamErrorCondition::PolicyViolation)
    );
}

#[test]
fn peer_stream_error_closes_with_its_condition() {
    // RFC 6120 name of a renamed condition on input.
    let s = script(&[
        HEADER,
        "<stream:error><not-well-formed xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error></stream:stream>",
    ]);
    let (out, events) = run_to_end(&mut plain_server(), &[s.as_bytes()]);
    match closed(&events) {
        Some(CloseReason::PeerError(e)) => {
            assert_eq!(e.condition, StreamErrorCondition::XmlNotWellFormed)
        }
        other => panic!("{other:?}"),
    }
    assert!(out.ends_with("</stream:stream>"));
}

#[test]
fn unanswered_question_holds_input_only_up_to_the_limit() {
    let mut server = plain_server();
    let s = script(&[HEADER, AUTH]);
    server.handle_input(s.as_bytes(), Instant::now());
    let mut asked = false;
    while let Some(e) = server.poll_event() {
        asked |= matches!(e, Event::SaslRequest { .. });
    }
    assert!(asked);
    // The application does not answer; the client keeps sending.
    let junk = " ".repeat(8 * 1024);
    for _ in 0..16 {
        server.handle_input(junk.as_bytes(), Instant::now());
    }
    server.handle_eof();
    let mut events = Vec::new();
    while let Some(e) = server.poll_event() {
        events.push(e);
    }
    assert_eq!(
        local_error(&events),
        Some(StreamErrorCondition::PolicyViolation)
    );
}

#[test]
fn answer_without_question_is_refused() {
    let mut server = plain_server();
    assert_eq!(
        server.answer_sasl(xmpp_core::Answer::PasswordValid(true)),
        Err(xmpp_core::Error::NotAsked)
    );
    assert_eq!(server.accept_bind(None), Err(xmpp_core::Error::NotAsked));
    assert!(server.send(&message("a@b", "x")).is_err());
}

#[test]
fn closed_connection_ignores_input() {
    let mut server = plain_server();
    let (_, events) = run_to_end(&mut server, &[b"<html>"]);
    assert!(local_error(&events).is_some());
    server.handle_eof();
    assert!(server.is_closed());
    server.handle_input(HEADER.as_bytes(), Instant::now());
    assert!(server.poll_transmit().is_none());
    assert!(server.poll_event().is_none() || server.is_closed());
}

/// RFC 3921 §3: with `session_decision`, the session request waits for the application,
/// which may refuse it (`forbidden` here); input behind it is held until the answer, the
/// stream stays open, and a second request can be accepted.
#[test]
fn session_request_refused_then_accepted() {
    let mut c = server_config(None);
    c.tls = TlsPolicy::Disabled;
    c.sasl.allow_plain_without_tls = true;
    c.session_decision = true;
    let mut server = Connection::server(c, Instant::now());
    let message = "<message to='romeo@example.net'><body>x</body></message>";
    let (out, events) = run(
        &mut server,
        &[
            HEADER.as_bytes(),
            AUTH.as_bytes(),
            RESTART.as_bytes(),
            BIND.as_bytes(),
            format!("{SESSION}{message}").as_bytes(),
        ],
    );
    assert!(events.iter().any(|e| matches!(e, Event::SessionRequest)));
    assert!(
        !out.contains("id='s1'"),
        "answered without the application: {out}"
    );
    assert!(
        !events.iter().any(|e| matches!(e, Event::Stanza(_))),
        "input behind the request was not held"
    );
    server
        .refuse_session(xmpp_core::StanzaErrorCondition::Forbidden)
        .unwrap();
    let mut wrote = Vec::new();
    while let Some(b) = server.poll_transmit() {
        wrote.extend_from_slice(&b);
    }
    let wrote = String::from_utf8(wrote).unwrap();
    assert!(
        wrote.contains("type='error'") && wrote.contains("id='s1'") && wrote.contains("<forbidden"),
        "{wrote}"
    );
    // The held message comes through now.
    let mut stanzas = 0;
    while let Some(e) = server.poll_event() {
        stanzas += usize::from(matches!(e, Event::Stanza(_)));
    }
    assert_eq!(stanzas, 1);
    assert!(!server.is_closed());
    assert_eq!(server.accept_session(), Err(xmpp_core::Error::NotAsked));
    let (out, _) = run(&mut server, &[SESSION.as_bytes()]);
    assert!(
        !out.contains("<iq type='result' id='s1'/>"),
        "accepted without the application"
    );
    server.accept_session().unwrap();
    let mut wrote = Vec::new();
    while let Some(b) = server.poll_transmit() {
        wrote.extend_from_slice(&b);
    }
    assert!(
        String::from_utf8(wrote)
            .unwrap()
            .contains("<iq type='result' id='s1'/>")
    );
}
