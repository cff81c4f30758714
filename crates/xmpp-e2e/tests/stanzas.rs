//! Securing and opening stanzas (RFC 3923 §3, §4), and every receive-side failure of
//! §6-§9 with the condition and stanza error §7 gives it.

mod common;

use common::pki;
use xmpp_e2e::random::SeededRandom;
use xmpp_e2e::{
    CertError, Condition, ContentCipher, DigestAlgorithm, E2E_NS, E2eError, Identity, Protection,
    Reception, ReplayGuard, SendConfig, SignatureForm, Timestamp, TimestampProblem, open,
    parse_stanza, secure, to_xml_with_cdata,
};
use xmpp_xml::Element;

const MESSAGE: &str = "<message xmlns='jabber:client' from='juliet@example.com/balcony' to='romeo@example.net/orchard' type='chat'><subject>Imploring</subject><body>Wherefore art thou, Romeo?</body></message>";

struct Keys {
    juliet: Identity,
    romeo: Identity,
}

fn keys() -> Keys {
    let p = pki();
    Keys {
        juliet: p.identity("juliet"),
        romeo: p.identity("romeo"),
    }
}

fn send(
    xml: &str,
    signer: Option<&Identity>,
    recipients: &[xmpp_e2e::Certificate],
    config: SendConfig,
    now: Timestamp,
) -> Element<'static> {
    let stanza = parse_stanza(xml.as_bytes()).unwrap();
    let secured = secure(
        stanza.as_ref(),
        &Protection {
            signer,
            recipients,
            config,
            now,
        },
        &mut SeededRandom::new(7),
    )
    .unwrap();
    // Through the wire form: CDATA, LF line ends, parsed again.
    let wire = to_xml_with_cdata(&secured, "").unwrap();
    assert!(wire.contains("<![CDATA["), "{wire}");
    parse_stanza(wire.as_bytes()).unwrap()
}

fn receive(
    stanza: &Element<'_>,
    recipient: Option<&Identity>,
    now: Timestamp,
) -> Result<xmpp_e2e::Opened, E2eError> {
    let anchors = pki().anchors();
    open(
        stanza.as_ref(),
        &Reception {
            recipient,
            anchors: Some(&anchors),
            known: &[],
            now,
            require_signature: true,
        },
    )
}

fn body(e: &Element<'_>) -> String {
    e.child("jabber:client", "body")
        .map(|b| b.text().into_owned())
        .unwrap_or_default()
}

#[test]
fn message_every_algorithm_and_form_round_trips() {
    let k = keys();
    let now = pki().now();
    let romeo_cert = [k.romeo.certificate.clone()];
    for digest in DigestAlgorithm::ALL {
        for cipher in ContentCipher::ALL {
            for form in [SignatureForm::Detached, SignatureForm::Opaque] {
                let config = SendConfig {
                    digest,
                    cipher,
                    signature_form: form,
                    ..SendConfig::default()
                };
                for recipients in [&[][..], &romeo_cert[..]] {
                    let wire = send(MESSAGE, Some(&k.juliet), recipients, config, now);
                    assert!(
                        wire.child("jabber:client", "body").is_none(),
                        "the body travels secured"
                    );
                    let opened = receive(&wire, Some(&k.romeo), now.plus_seconds(30)).unwrap();
                    assert_eq!(body(&opened.stanza), "Wherefore art thou, Romeo?");
                    assert_eq!(
                        opened
                            .stanza
                            .child("jabber:client", "subject")
                            .unwrap()
                            .text(),
                        "Imploring"
                    );
                    assert!(opened.stanza.child(E2E_NS, "e2e").is_none());
                    assert_eq!(opened.encrypted, !recipients.is_empty());
                    assert!(opened.signer.is_some());
                }
            }
        }
    }
}

#[test]
fn extended_message_travels_as_xmpp_xml() {
    // RFC 3923 §5, Example 13: arbitrary children are secured whole.
    let k = keys();
    let now = pki().now();
    let xml = "<message xmlns='jabber:client' from='juliet@example.com/pda' to='romeo@example.net'><body xml:lang='en'>I told him</body><thread>t1</thread><evil xmlns='http://jabber.org/protocol/evil'/></message>";
    let wire = send(
        xml,
        Some(&k.juliet),
        std::slice::from_ref(&k.romeo.certificate),
        SendConfig::default(),
        now,
    );
    let opened = receive(&wire, Some(&k.romeo), now).unwrap();
    assert_eq!(body(&opened.stanza), "I told him");
    assert!(opened.stanza.child("jabber:client", "thread").is_some());
    assert!(
        opened
            .stanza
            .child("http://jabber.org/protocol/evil", "evil")
            .is_some()
    );
}

#[test]
fn directed_presence_round_trips_and_undirected_is_refused() {
    let k = keys();
    let now = pki().now();
    let xml = "<presence xmlns='jabber:client' from='juliet@example.com/balcony' to='romeo@example.net'><show>dnd</show><status>retired to the chamber</status><priority>5</priority></presence>";
    let wire = send(
        xml,
        Some(&k.juliet),
        std::slice::from_ref(&k.romeo.certificate),
        SendConfig::default(),
        now,
    );
    assert!(wire.child("jabber:client", "status").is_none());
    let opened = receive(&wire, Some(&k.romeo), now).unwrap();
    assert_eq!(
        opened.stanza.child("jabber:client", "show").unwrap().text(),
        "dnd"
    );
    assert_eq!(
        opened
            .stanza
            .child("jabber:client", "status")
            .unwrap()
            .text(),
        "retired to the chamber"
    );
    assert_eq!(
        opened
            .stanza
            .child("jabber:client", "priority")
            .unwrap()
            .text(),
        "5"
    );

    // RFC 3923 §4.1: the presence must have a 'to'.
    let undirected =
        parse_stanza(b"<presence xmlns='jabber:client'><status>x</status></presence>").unwrap();
    let err = secure(
        undirected.as_ref(),
        &Protection {
            signer: Some(&k.juliet),
            recipients: &[],
            config: SendConfig::default(),
            now,
        },
        &mut SeededRandom::new(1),
    )
    .unwrap_err();
    assert!(matches!(err, E2eError::Stanza(_)), "{err}");
}

fn tamper_text(stanza: &Element<'_>, from: &str, to: &str) -> Element<'static> {
    let xml = to_xml_with_cdata(stanza, "").unwrap();
    parse_stanza(xml.replace(from, to).as_bytes()).unwrap()
}

#[test]
fn changed_body_is_unverified_signature() {
    let k = keys();
    let now = pki().now();
    let wire = send(MESSAGE, Some(&k.juliet), &[], SendConfig::default(), now);
    let bad = tamper_text(&wire, "Wherefore art thou", "Wherefore art thee");
    let err = receive(&bad, None, now).unwrap_err();
    assert!(
        matches!(err, E2eError::Signature(xmpp_e2e::SignatureError::Invalid)),
        "{err}"
    );
    assert_eq!(err.condition(), Condition::UnverifiedSignature);
}

#[test]
fn changed_from_is_unverified_signature() {
    let k = keys();
    let now = pki().now();
    let wire = send(
        MESSAGE,
        Some(&k.juliet),
        std::slice::from_ref(&k.romeo.certificate),
        SendConfig::default(),
        now,
    );
    // The stanza claims another sender than the certificate names (§6.3).
    let bad = tamper_text(
        &wire,
        "from='juliet@example.com/balcony'",
        "from='nurse@example.com/balcony'",
    );
    let err = receive(&bad, Some(&k.romeo), now).unwrap_err();
    assert!(matches!(err, E2eError::SignerMismatch { .. }), "{err}");
    assert_eq!(err.condition(), Condition::UnverifiedSignature);
    // Another resource of the same account is the same sender (§6.3).
    let other_resource = tamper_text(
        &wire,
        "juliet@example.com/balcony",
        "juliet@example.com/garden",
    );
    receive(&other_resource, Some(&k.romeo), now).unwrap();
}

#[test]
fn lifted_into_another_stanza_is_unverified_signature() {
    let k = keys();
    let now = pki().now();
    let wire = send(MESSAGE, Some(&k.juliet), &[], SendConfig::default(), now);
    let bad = tamper_text(
        &wire,
        "to='romeo@example.net/orchard'",
        "to='mercutio@example.net'",
    );
    let err = receive(&bad, None, now).unwrap_err();
    assert!(
        matches!(err, E2eError::AddressMismatch { header: "To", .. }),
        "{err}"
    );
    assert_eq!(err.condition(), Condition::UnverifiedSignature);
}

#[test]
fn old_and_future_timestamps_are_bad_timestamp() {
    let k = keys();
    let now = pki().now();
    let wire = send(
        MESSAGE,
        Some(&k.juliet),
        std::slice::from_ref(&k.romeo.certificate),
        SendConfig::default(),
        now,
    );
    // Five minutes either way pass; a second more does not (§6.9).
    receive(&wire, Some(&k.romeo), now.plus_seconds(300)).unwrap();
    receive(&wire, Some(&k.romeo), now.plus_seconds(-300)).unwrap();
    let err = receive(&wire, Some(&k.romeo), now.plus_seconds(301)).unwrap_err();
    assert!(
        matches!(err, E2eError::Timestamp(TimestampProblem::Old { .. })),
        "{err}"
    );
    assert_eq!(err.condition(), Condition::BadTimestamp);
    let err = receive(&wire, Some(&k.romeo), now.plus_seconds(-301)).unwrap_err();
    assert!(
        matches!(err, E2eError::Timestamp(TimestampProblem::Future { .. })),
        "{err}"
    );
    let el = err.stanza_error().to_element("jabber:client");
    assert!(
        el.child("urn:ietf:params:xml:ns:xmpp-stanzas", "not-acceptable")
            .is_some()
    );
    assert!(el.child(E2E_NS, "bad-timestamp").is_some());
}

#[test]
fn decreasing_timestamp_is_caught_by_the_guard() {
    let k = keys();
    let now = pki().now();
    let first = send(MESSAGE, Some(&k.juliet), &[], SendConfig::default(), now);
    let second = send(
        MESSAGE,
        Some(&k.juliet),
        &[],
        SendConfig::default(),
        now.plus_seconds(1),
    );
    let mut guard = ReplayGuard::new();
    guard
        .check(&receive(&second, None, now).unwrap(), now)
        .unwrap();
    let err = guard
        .check(&receive(&first, None, now).unwrap(), now)
        .unwrap_err();
    assert!(
        matches!(
            err,
            E2eError::Timestamp(TimestampProblem::Decreasing { .. })
        ),
        "{err}"
    );
    // A replay of the same stanza is not later either.
    let err = guard
        .check(&receive(&second, None, now).unwrap(), now)
        .unwrap_err();
    assert_eq!(err.condition(), Condition::BadTimestamp);
}

#[test]
fn wrong_signer_untrusted_ca_and_expired_certificate() {
    let k = keys();
    let p = pki();
    let now = p.now();
    // Signed by romeo's certificate while the stanza is from juliet: the sender refuses...
    let stanza = parse_stanza(MESSAGE.as_bytes()).unwrap();
    let err = secure(
        stanza.as_ref(),
        &Protection {
            signer: Some(&k.romeo),
            recipients: &[],
            config: SendConfig::default(),
            now,
        },
        &mut SeededRandom::new(3),
    )
    .unwrap_err();
    assert!(matches!(err, E2eError::SignerMismatch { .. }), "{err}");
    // ... and so does the receiver of such a stanza.
    let from_romeo = MESSAGE
        .replace("juliet@example.com/balcony", "romeo@example.net/x")
        .replace("to='romeo@example.net/orchard'", "to='juliet@example.com'");
    let wire = send(&from_romeo, Some(&k.romeo), &[], SendConfig::default(), now);
    let bad = tamper_text(
        &wire,
        "from='romeo@example.net/x'",
        "from='juliet@example.com/balcony'",
    );
    let err = receive(&bad, None, now).unwrap_err();
    assert!(matches!(err, E2eError::SignerMismatch { .. }), "{err}");

    // A certificate of a CA the receiver does not trust, naming the right JID.
    let evil = p.identity("evil");
    let wire = send(MESSAGE, Some(&evil), &[], SendConfig::default(), now);
    let err = receive(&wire, None, now).unwrap_err();
    assert!(
        matches!(err, E2eError::Certificate(CertError::Untrusted { .. })),
        "{err}"
    );
    assert_eq!(err.condition(), Condition::UnverifiedSignature);

    // Expired at the receiver's time (sent then too, so the timestamp is fine).
    let later = k.juliet.certificate.not_after().plus_seconds(60);
    let wire = send(MESSAGE, Some(&k.juliet), &[], SendConfig::default(), later);
    let err = receive(&wire, None, later).unwrap_err();
    assert!(
        matches!(err, E2eError::Certificate(CertError::Expired { .. })),
        "{err}"
    );
}

#[test]
fn wrong_recipient_key_and_unsigned_content() {
    let k = keys();
    let now = pki().now();
    let wire = send(
        MESSAGE,
        Some(&k.juliet),
        std::slice::from_ref(&k.romeo.certificate),
        SendConfig::default(),
        now,
    );
    let err = receive(&wire, Some(&k.juliet), now).unwrap_err();
    assert_eq!(err.condition(), Condition::DecryptionFailed, "{err}");
    let el = err.stanza_error().to_element("jabber:client");
    assert!(
        el.child("urn:ietf:params:xml:ns:xmpp-stanzas", "bad-request")
            .is_some()
    );
    assert!(el.child(E2E_NS, "decryption-failed").is_some());
    let err = receive(&wire, None, now).unwrap_err();
    assert!(matches!(err, E2eError::NoKey), "{err}");

    // Encrypted only: refused where a signature is required, accepted otherwise.
    let wire = send(
        MESSAGE,
        None,
        std::slice::from_ref(&k.romeo.certificate),
        SendConfig::default(),
        now,
    );
    let err = receive(&wire, Some(&k.romeo), now).unwrap_err();
    assert!(matches!(err, E2eError::NotSigned), "{err}");
    let opened = open(
        wire.as_ref(),
        &Reception {
            recipient: Some(&k.romeo),
            anchors: None,
            known: &[],
            now,
            require_signature: false,
        },
    )
    .unwrap();
    assert_eq!(body(&opened.stanza), "Wherefore art thou, Romeo?");
    assert!(opened.signer.is_none());
}

#[test]
fn rfc3923_example_layout() {
    // RFC 3923 §3.2 Example 3: the multipart/signed object sits in a CDATA section of
    // <e2e xmlns='urn:ietf:params:xml:ns:xmpp-e2e'/>, the CPIM object in its first part.
    let k = keys();
    let now = Timestamp::parse_rfc3339("2026-12-09T23:45:36.66Z")
        .unwrap()
        .max(pki().now());
    let stanza = parse_stanza(MESSAGE.as_bytes()).unwrap();
    let secured = secure(
        stanza.as_ref(),
        &Protection {
            signer: Some(&k.juliet),
            recipients: &[],
            config: SendConfig {
                digest: DigestAlgorithm::Sha1,
                ..SendConfig::default()
            },
            now,
        },
        &mut SeededRandom::new(9),
    )
    .unwrap();
    let xml = to_xml_with_cdata(&secured, "jabber:client").unwrap();
    assert!(xml.starts_with("<message "), "{xml}");
    assert!(xml.contains("<e2e xmlns='urn:ietf:params:xml:ns:xmpp-e2e'><![CDATA[\nMIME-Version: 1.0\nContent-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=\"sha-1\""), "{xml}");
    assert!(xml.contains("Content-type: Message/CPIM\n\nFrom: <im:juliet@example.com>\nTo: <im:romeo@example.net>\nDateTime: "), "{xml}");
    assert!(xml.contains("Subject: Imploring\n\nContent-type: text/plain; charset=utf-8\n\nWherefore art thou, Romeo?\n--"), "{xml}");
}

#[test]
fn certificate_schedule_and_known_certificates() {
    // RFC 3923 §6.6: the certificate goes with the first stanza and then once every five
    // minutes; a signature without it verifies against the receiver's known certificates.
    let k = keys();
    let now = pki().now();
    let mut schedule = xmpp_e2e::CertificateSchedule::new();
    assert!(schedule.include("romeo@example.net", now));
    assert!(!schedule.include("romeo@example.net", now.plus_seconds(60)));
    assert!(schedule.include("mercutio@example.net", now.plus_seconds(60)));
    assert!(!schedule.include("romeo@example.net", now.plus_seconds(299)));
    assert!(schedule.include("romeo@example.net", now.plus_seconds(300)));

    let config = SendConfig {
        omit_certificate: true,
        ..SendConfig::default()
    };
    let wire = send(MESSAGE, Some(&k.juliet), &[], config, now);
    let err = receive(&wire, None, now).unwrap_err();
    assert!(
        matches!(
            err,
            E2eError::Signature(xmpp_e2e::SignatureError::NoSignerCertificate)
        ),
        "{err}"
    );
    let anchors = pki().anchors();
    let opened = open(
        wire.as_ref(),
        &Reception {
            recipient: None,
            anchors: Some(&anchors),
            known: std::slice::from_ref(&k.juliet.certificate),
            now,
            require_signature: true,
        },
    )
    .unwrap();
    assert_eq!(body(&opened.stanza), "Wherefore art thou, Romeo?");
}

#[test]
fn stamps_increase_when_the_clock_does_not() {
    // RFC 3923 §6.9: the fraction is bumped when the clock repeats a value.
    let mut stamps = xmpp_e2e::MonotonicStamps::new();
    let t = Timestamp::parse_rfc3339("2030-01-01T00:00:00.500Z").unwrap();
    let a = stamps.stamp(t);
    let b = stamps.stamp(t);
    let c = stamps.stamp(t.plus_seconds(-10));
    assert_eq!(a, t);
    assert!(b > a && c > b, "{a} {b} {c}");
    assert_eq!(b.to_rfc3339(), "2030-01-01T00:00:00.501Z");
    assert_eq!(stamps.stamp(t.plus_seconds(1)), t.plus_seconds(1));
}

#[test]
fn gateway_unwraps_and_wraps_without_change() {
    // RFC 3923 §8: the object leaves and enters XMPP unchanged, and still opens.
    let k = keys();
    let now = pki().now();
    let wire = send(
        MESSAGE,
        Some(&k.juliet),
        std::slice::from_ref(&k.romeo.certificate),
        SendConfig::default(),
        now,
    );
    let object = xmpp_e2e::gateway::unwrap(wire.as_ref()).unwrap();
    assert!(object.contains("application/pkcs7-mime"));
    let again = xmpp_e2e::gateway::wrap(
        "message",
        "jabber:client",
        "juliet@example.com/gw",
        "romeo@example.net",
        &object,
    )
    .unwrap();
    let reparsed = parse_stanza(to_xml_with_cdata(&again, "").unwrap().as_bytes()).unwrap();
    assert_eq!(
        xmpp_e2e::gateway::unwrap(reparsed.as_ref()).unwrap(),
        object
    );
    let opened = receive(&reparsed, Some(&k.romeo), now).unwrap();
    assert_eq!(body(&opened.stanza), "Wherefore art thou, Romeo?");
}

#[test]
fn clear_children_beside_e2e_are_not_reported_as_secured() {
    // RFC 3923 §3.1: the secured object carries the message's content; a `<body/>` (or
    // any other child) added in the clear beside `<e2e/>` was not signed and must not
    // come out of `open` as if it had been.
    let k = keys();
    let now = pki().now();
    let wire = send(MESSAGE, Some(&k.juliet), &[], SendConfig::default(), now);
    let xml = to_xml_with_cdata(&wire, "").unwrap();
    let forged = xml.replacen(
        "<e2e",
        "<body>Meet me at the tomb</body><html xmlns='http://jabber.org/protocol/xhtml-im'><body xmlns='http://www.w3.org/1999/xhtml'>Meet me at the tomb</body></html><e2e",
        1,
    );
    let bad = parse_stanza(forged.as_bytes()).unwrap();
    let opened = receive(&bad, None, now).unwrap();
    let text = opened.stanza.to_xml().unwrap();
    assert!(!text.contains("tomb"), "{text}");
    assert_eq!(body(&opened.stanza), "Wherefore art thou, Romeo?");
}

#[test]
fn window_is_exact_below_the_millisecond() {
    // RFC 3923 §6.9: within five minutes. Exactly five minutes passes; a nanosecond more
    // in either direction does not.
    let sent = Timestamp::from_unix(1_000_000);
    xmpp_e2e::stanza::check_window(sent, sent.plus_seconds(300)).unwrap();
    xmpp_e2e::stanza::check_window(sent.plus_seconds(300), sent).unwrap();
    let late = Timestamp::from_unix_nanos(1_000_300, 999_999);
    let err = xmpp_e2e::stanza::check_window(sent, late).unwrap_err();
    assert!(
        matches!(err, E2eError::Timestamp(TimestampProblem::Old { .. })),
        "{err}"
    );
    let ahead = Timestamp::from_unix_nanos(1_000_000, 999_999);
    let err = xmpp_e2e::stanza::check_window(ahead, sent.plus_seconds(-300)).unwrap_err();
    assert!(
        matches!(err, E2eError::Timestamp(TimestampProblem::Future { .. })),
        "{err}"
    );
}

#[test]
fn signer_certificate_for_another_purpose_is_refused() {
    // RFC 5750 §4.4.4: when extendedKeyUsage is present, a receiving agent checks that it
    // holds emailProtection or anyExtendedKeyUsage. A TLS server certificate from the
    // same CA, naming the same XMPP address, does not sign stanzas (RFC 3923 §6.2).
    let p = pki();
    let dir = p.scratch("eku-server");
    common::openssl_ok(
        &[
            "req",
            "-new",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=juliet@example.com",
            "-keyout",
            "s.key",
            "-out",
            "s.csr",
        ],
        &dir,
    );
    std::fs::write(
        dir.join("s.ext"),
        "[ext]\nbasicConstraints = critical, CA:FALSE\nkeyUsage = critical, digitalSignature, keyEncipherment\nextendedKeyUsage = serverAuth\nsubjectAltName = otherName:1.3.6.1.5.5.7.8.5;UTF8:juliet@example.com\n",
    )
    .unwrap();
    common::openssl_ok(
        &[
            "x509",
            "-req",
            "-in",
            "s.csr",
            "-CA",
            &p.path("ca.crt"),
            "-CAkey",
            &p.path("ca.key"),
            "-set_serial",
            "4242",
            "-days",
            "365",
            "-sha256",
            "-extfile",
            "s.ext",
            "-extensions",
            "ext",
            "-out",
            "s.crt",
        ],
        &dir,
    );
    let server = Identity::from_pem(
        &std::fs::read(dir.join("s.crt")).unwrap(),
        &std::fs::read(dir.join("s.key")).unwrap(),
    )
    .unwrap();
    let now = p.now();
    let wire = send(MESSAGE, Some(&server), &[], SendConfig::default(), now);
    let err = receive(&wire, None, now).unwrap_err();
    assert!(
        matches!(
            err,
            E2eError::Signature(xmpp_e2e::SignatureError::Certificate(
                CertError::KeyUsage { .. }
            ))
        ),
        "{err}"
    );
    assert_eq!(err.condition(), Condition::UnverifiedSignature);
}

#[test]
fn path_length_constraint_of_an_anchor_is_kept() {
    // RFC 5280 §4.2.1.9, §6.1.4 (l)-(m): a CA with pathLenConstraint 0 issues end
    // entities only; a CA it certified does not lead to it.
    let p = pki();
    let dir = p.scratch("pathlen");
    let ok = |args: &[&str]| common::openssl_ok(args, &dir);
    ok(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "3650",
        "-sha256",
        "-subj",
        "/CN=root0",
        "-addext",
        "basicConstraints=critical,CA:TRUE,pathlen:0",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
        "-keyout",
        "root.key",
        "-out",
        "root.crt",
    ]);
    std::fs::write(
        dir.join("ext"),
        "[sub]\nbasicConstraints = critical, CA:TRUE\nkeyUsage = critical, keyCertSign, cRLSign\n[leaf]\nbasicConstraints = critical, CA:FALSE\nkeyUsage = critical, digitalSignature, keyEncipherment\nsubjectAltName = otherName:1.3.6.1.5.5.7.8.5;UTF8:juliet@example.com\n",
    )
    .unwrap();
    for (name, ca, ext, serial) in [("sub", "root", "sub", "11"), ("leaf", "sub", "leaf", "12")] {
        ok(&[
            "req",
            "-new",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            &format!("/CN={name}"),
            "-keyout",
            &format!("{name}.key"),
            "-out",
            &format!("{name}.csr"),
        ]);
        ok(&[
            "x509",
            "-req",
            "-in",
            &format!("{name}.csr"),
            "-CA",
            &format!("{ca}.crt"),
            "-CAkey",
            &format!("{ca}.key"),
            "-set_serial",
            serial,
            "-days",
            "365",
            "-sha256",
            "-extfile",
            "ext",
            "-extensions",
            ext,
            "-out",
            &format!("{name}.crt"),
        ]);
    }
    let read = |n: &str| std::fs::read(dir.join(n)).unwrap();
    let mut chain = read("leaf.crt");
    chain.extend_from_slice(&read("sub.crt"));
    let signer = Identity::from_pem(&chain, &read("leaf.key")).unwrap();
    let anchors = xmpp_e2e::TrustAnchors::from_pem(&read("root.crt")).unwrap();
    let now = p.now();
    let wire = send(MESSAGE, Some(&signer), &[], SendConfig::default(), now);
    let err = open(
        wire.as_ref(),
        &Reception {
            recipient: None,
            anchors: Some(&anchors),
            known: &[],
            now,
            require_signature: true,
        },
    )
    .unwrap_err();
    assert!(
        matches!(err, E2eError::Certificate(_)) && err.to_string().contains("path length"),
        "{err}"
    );
    assert_eq!(err.condition(), Condition::UnverifiedSignature);
}

#[test]
fn writing_a_stanza_full_of_marker_lookalikes_keeps_them() {
    // A stanza received with `<e2e/>` (RFC 3923 §9) carries other children chosen by its
    // sender; writing it again keeps their marker-like text as it is and puts only the
    // object in CDATA (the writer makes one pass, whatever that text holds).
    let mut lookalikes = String::from("e2e-cdata-");
    for n in 0..20_000u32 {
        lookalikes.push_str(&n.to_string());
    }
    let xml = format!(
        "<message xmlns='jabber:client' from='juliet@example.com' to='romeo@example.net'><thread>{lookalikes}</thread><e2e xmlns='{E2E_NS}'>object</e2e></message>"
    );
    let stanza = parse_stanza(xml.as_bytes()).unwrap();
    let out = to_xml_with_cdata(&stanza, "jabber:client").unwrap();
    assert!(out.contains("<![CDATA[\nobject]]>"), "{out}");
    assert!(out.contains(&lookalikes));
    assert_eq!(out.matches("<![CDATA[").count(), 1);
}

#[test]
fn writing_a_stanza_with_two_e2e_children_ends() {
    // RFC 3923 §9 gives a stanza one <e2e/>; a stanza received with two is still
    // written, the first one as CDATA, and the writer must not loop forever.
    let xml = format!(
        "<message xmlns='jabber:client' from='juliet@example.com' to='romeo@example.net'><e2e xmlns='{E2E_NS}'>one</e2e><e2e xmlns='{E2E_NS}'>two</e2e></message>"
    );
    let stanza = parse_stanza(xml.as_bytes()).unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(to_xml_with_cdata(&stanza, "jabber:client"));
    });
    let out = rx
        .recv_timeout(std::time::Duration::from_secs(10))
        .expect("to_xml_with_cdata did not end")
        .unwrap();
    assert!(out.contains("<![CDATA[\none]]>"), "{out}");
    assert!(out.contains(">two</e2e>"), "{out}");
}

#[test]
fn stanza_error_quotes_nothing_of_an_encrypted_object() {
    // The error of RFC 3923 §7 goes back through the servers in the clear; what was
    // inside the encrypted object (§6.5), here the CPIM To of a message lifted into a
    // stanza to another recipient, must not travel in its text.
    let k = keys();
    let now = pki().now();
    let to_nurse = MESSAGE.replace("romeo@example.net/orchard", "nurse@example.com");
    let wire = send(
        &to_nurse,
        Some(&k.juliet),
        std::slice::from_ref(&k.romeo.certificate),
        SendConfig::default(),
        now,
    );
    let lifted = tamper_text(&wire, "to='nurse@example.com'", "to='romeo@example.net'");
    let err = receive(&lifted, Some(&k.romeo), now).unwrap_err();
    assert!(
        matches!(err, E2eError::AddressMismatch { header: "To", .. }),
        "{err}"
    );
    let text = err.stanza_error().text.unwrap_or_default();
    assert!(!text.contains("nurse"), "{text}");
    // §6.9: the flag is kept, the time the object carried is not.
    let future = E2eError::Timestamp(TimestampProblem::Future {
        sent: now.plus_seconds(600),
        now,
    });
    let text = future.stanza_error().text.unwrap_or_default();
    assert_eq!(text, "future timestamp");
}

#[test]
fn critical_extension_not_processed_refuses_the_chain() {
    // RFC 5280 §4.2: a certificate-using system MUST reject a certificate with a critical
    // extension it does not process. Name constraints are such an extension here: a CA
    // constrained to example.org must not vouch for juliet@example.com.
    let p = pki();
    let dir = p.scratch("critical");
    let ok = |args: &[&str]| common::openssl_ok(args, &dir);
    std::fs::write(
        dir.join("ext"),
        "[sub]\nbasicConstraints = critical, CA:TRUE\nkeyUsage = critical, keyCertSign, cRLSign\nnameConstraints = critical, permitted;email:.example.org\n[leaf]\nbasicConstraints = critical, CA:FALSE\nkeyUsage = critical, digitalSignature, keyEncipherment\nsubjectAltName = otherName:1.3.6.1.5.5.7.8.5;UTF8:juliet@example.com\n",
    )
    .unwrap();
    let ca = p.path("ca");
    for (name, issuer, ext, serial) in [
        ("sub", ca.as_str(), "sub", "21"),
        ("leaf", "sub", "leaf", "22"),
    ] {
        ok(&[
            "req",
            "-new",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            &format!("/CN=critical-{name}"),
            "-keyout",
            &format!("{name}.key"),
            "-out",
            &format!("{name}.csr"),
        ]);
        ok(&[
            "x509",
            "-req",
            "-in",
            &format!("{name}.csr"),
            "-CA",
            &format!("{issuer}.crt"),
            "-CAkey",
            &format!("{issuer}.key"),
            "-set_serial",
            serial,
            "-days",
            "365",
            "-sha256",
            "-extfile",
            "ext",
            "-extensions",
            ext,
            "-out",
            &format!("{name}.crt"),
        ]);
    }
    let read = |n: &str| std::fs::read(dir.join(n)).unwrap();
    let mut chain = read("leaf.crt");
    chain.extend_from_slice(&read("sub.crt"));
    let signer = Identity::from_pem(&chain, &read("leaf.key")).unwrap();
    let now = p.now();
    let wire = send(MESSAGE, Some(&signer), &[], SendConfig::default(), now);
    let err = receive(&wire, None, now).unwrap_err();
    assert!(
        matches!(err, E2eError::Certificate(_)) && err.to_string().contains("critical"),
        "{err}"
    );
    assert_eq!(err.condition(), Condition::UnverifiedSignature);
}

#[test]
fn undecodable_key_usage_is_not_read_as_absent() {
    // RFC 5280 §4.2: an extension that cannot be processed is not one that is absent. A
    // keyUsage whose value is not a BIT STRING restricts the key in a way not understood;
    // the certificate is refused rather than taken as unrestricted.
    let p = pki();
    let dir = p.scratch("bad-ku");
    common::openssl_ok(
        &[
            "req",
            "-new",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=bad-ku",
            "-keyout",
            "s.key",
            "-out",
            "s.csr",
        ],
        &dir,
    );
    std::fs::write(
        dir.join("s.ext"),
        "[ext]\nbasicConstraints = critical, CA:FALSE\n2.5.29.15 = critical, DER:05:00\nsubjectAltName = otherName:1.3.6.1.5.5.7.8.5;UTF8:juliet@example.com\n",
    )
    .unwrap();
    common::openssl_ok(
        &[
            "x509",
            "-req",
            "-in",
            "s.csr",
            "-CA",
            &p.path("ca.crt"),
            "-CAkey",
            &p.path("ca.key"),
            "-set_serial",
            "4343",
            "-days",
            "365",
            "-sha256",
            "-extfile",
            "s.ext",
            "-extensions",
            "ext",
            "-out",
            "s.crt",
        ],
        &dir,
    );
    let id = Identity::from_pem(
        &std::fs::read(dir.join("s.crt")).unwrap(),
        &std::fs::read(dir.join("s.key")).unwrap(),
    )
    .unwrap();
    let now = p.now();
    let wire = send(MESSAGE, Some(&id), &[], SendConfig::default(), now);
    let err = receive(&wire, None, now).unwrap_err();
    assert!(
        matches!(err, E2eError::Certificate(CertError::Malformed(_))),
        "{err}"
    );
    assert_eq!(err.condition(), Condition::UnverifiedSignature);
}
