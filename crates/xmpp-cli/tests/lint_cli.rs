//! `xmpp lint` as scripts use it: the last line and the exit status.

use std::io::Write;
use std::process::{Command, Output, Stdio};

const HEADER: &str = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' \
    xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>";

fn lint_stdin(input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_xmpp"))
        .args(["lint", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("xmpp runs");
    let mut stdin = child.stdin.take().expect("stdin");
    let data = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&data);
    });
    let out = child.wait_with_output().expect("xmpp finishes");
    writer.join().expect("writer");
    out
}

fn last_line(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()
        .unwrap_or("")
        .to_owned()
}

#[test]
fn valid_closed_stream() {
    let input =
        format!("{HEADER}<message to='a@b'><body>hi</body></message><presence/></stream:stream>");
    let out = lint_stdin(input.as_bytes());
    assert_eq!(last_line(&out), "ok: 2 top-level elements");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn unclosed_stream_is_reported_before_ok() {
    let input = format!("{HEADER}<message><body>hi</body></message>");
    let out = lint_stdin(input.as_bytes());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("not closed"), "{text}");
    assert_eq!(last_line(&out), "ok: 1 top-level elements");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn restricted_xml() {
    let input = format!("{HEADER}<message><!-- hidden --></message>");
    let out = lint_stdin(input.as_bytes());
    let off = HEADER.len() + 9;
    assert_eq!(
        last_line(&out),
        format!("error: restricted-xml at byte {off}: comment")
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn not_well_formed() {
    let input = format!("{HEADER}<message><body>x</message>");
    let out = lint_stdin(input.as_bytes());
    let line = last_line(&out);
    let off = HEADER.len() + 16;
    assert!(
        line.starts_with(&format!("error: xml-not-well-formed at byte {off}: ")),
        "{line}"
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn conditions_from_rfc3920() {
    let cases: &[(&[u8], &str)] = &[
        (b"<?xml version='1.0' encoding='ISO-8859-1'?>", "unsupported-encoding"),
        (
            b"<stream:stream xmlns='jabber:client' xmlns:stream='urn:wrong'>",
            "invalid-namespace",
        ),
        (
            b"<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'><foo/>",
            "unsupported-stanza-type",
        ),
        (
            b"<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='2'>",
            "unsupported-version",
        ),
        (
            b"<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'><message>&foo;</message>",
            "restricted-xml",
        ),
        (
            b"<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'><p:message/>",
            "bad-namespace-prefix",
        ),
    ];
    for (input, condition) in cases {
        let out = lint_stdin(input);
        let line = last_line(&out);
        assert!(
            line.starts_with(&format!("error: {condition} at byte ")),
            "{line}"
        );
        assert_eq!(out.status.code(), Some(1));
    }
}

#[test]
fn sasl_restart_in_one_direction() {
    let input = format!(
        "{HEADER}<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGp1bGlldABy</auth>\
         <success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>{HEADER}<iq type='set' id='b'/></stream:stream>"
    );
    let out = lint_stdin(input.as_bytes());
    assert_eq!(last_line(&out), "ok: 3 top-level elements");
}

// RFC 3920 §6.5 steps 1, 4, 6, 8 and 10: the client's direction restarts after its last
// SASL element, the server's <success/> being in the other direction.
#[test]
fn client_direction_restart_after_sasl() {
    let input = format!(
        "{HEADER}<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='DIGEST-MD5'/>\
         <response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>dXNlcm5hbWU9</response>\
         <response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>\n{HEADER}<iq type='set' id='bind_1'/>"
    );
    let out = lint_stdin(input.as_bytes());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("stream 2:"), "{text}");
    assert_eq!(last_line(&out), "ok: 4 top-level elements");
    // Without a SASL exchange before it, a second header is not a stanza.
    let bare = HEADER.trim_start_matches("<?xml version='1.0'?>");
    let out = lint_stdin(format!("{HEADER}<message/>{bare}").as_bytes());
    assert!(last_line(&out).starts_with("error: unsupported-stanza-type at byte "));
}

#[test]
fn file_argument_and_large_input() {
    let dir = std::env::temp_dir().join(format!("xmpp-lint-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("stream.xml");
    let mut data = HEADER.as_bytes().to_vec();
    let stanza =
        b"<message to='romeo@example.net' type='chat'><body>Wherefore art thou?</body></message>\n";
    for _ in 0..50_000 {
        data.extend_from_slice(stanza);
    }
    data.extend_from_slice(b"</stream:stream>");
    std::fs::write(&path, &data).expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_xmpp"))
        .arg("lint")
        .arg(&path)
        .output()
        .expect("xmpp runs");
    assert_eq!(last_line(&out), "ok: 50000 top-level elements");
    assert_eq!(out.status.code(), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn oversized_stanza_is_a_policy_violation() {
    let mut data = HEADER.as_bytes().to_vec();
    data.extend_from_slice(b"<message><body>");
    data.extend(std::iter::repeat_n(b'x', 2 << 20));
    let out = lint_stdin(&data);
    let line = last_line(&out);
    assert!(
        line.starts_with("error: policy-violation at byte "),
        "{line}"
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn garbage_never_crashes() {
    for input in [
        &b""[..],
        b"\xff\xfe\x00",
        b"<",
        b"<<<<>>>>",
        b"\x00\x00\x00\x00",
    ] {
        let out = lint_stdin(input);
        let line = last_line(&out);
        assert!(
            line.starts_with("ok: ") || line.starts_with("error: "),
            "{line}"
        );
        assert!(matches!(out.status.code(), Some(0 | 1)));
    }
}

#[test]
fn missing_file() {
    let out = Command::new(env!("CARGO_BIN_EXE_xmpp"))
        .args(["lint", "/nonexistent/stream.xml"])
        .output()
        .expect("xmpp runs");
    assert_eq!(out.status.code(), Some(2));
}

// RFC 3920 §4.4, §9.1.5: xml:lang must be an RFC 3066 language tag.
#[test]
fn bad_language_tag_is_invalid_xml() {
    let stanza = "<message xml:lang='en_US'><body>hi</body></message>";
    let out = lint_stdin(format!("{HEADER}{stanza}").as_bytes());
    let off = HEADER.len() + stanza.find("en_US").unwrap_or(0);
    assert_eq!(
        last_line(&out),
        format!("error: invalid-xml at byte {off}: xml:lang value is not an RFC 3066 language tag")
    );
    assert_eq!(out.status.code(), Some(1));
    let ok = lint_stdin(
        format!("{HEADER}<message xml:lang='en-US'><body>hi</body></message></stream:stream>")
            .as_bytes(),
    );
    assert_eq!(last_line(&ok), "ok: 1 top-level elements");
    assert_eq!(ok.status.code(), Some(0));
}

const SERVER_HEADER: &str = "<stream:stream xmlns='jabber:server' \
    xmlns:stream='http://etherx.jabber.org/streams' xmlns:db='jabber:server:dialback' \
    to='example.com' from='example.net' version='1.0'>";

fn assert_error(header: &str, stanzas: &str, at: usize, tail: &str) {
    let out = lint_stdin(format!("{header}{stanzas}").as_bytes());
    let off = header.len() + at;
    assert_eq!(
        last_line(&out),
        format!("error: {tail}").replace("OFF", &off.to_string())
    );
    assert_eq!(out.status.code(), Some(1));
}

fn assert_ok(header: &str, stanzas: &str, n: usize) {
    let out = lint_stdin(format!("{header}{stanzas}</stream:stream>").as_bytes());
    assert_eq!(last_line(&out), format!("ok: {n} top-level elements"));
    assert_eq!(out.status.code(), Some(0));
}

// RFC 3920 §4.7.3: a first-level element in no namespace is unsupported; extension
// namespaces are supported at the first level.
#[test]
fn first_level_element_in_no_namespace() {
    assert_error(
        HEADER,
        "<message/><message xmlns=''><body>hi</body></message>",
        10,
        "unsupported-stanza-type at byte OFF: first-level element in no namespace",
    );
    assert_error(
        HEADER,
        "<message xmlns='jabber:server' to='a' from='b'/>",
        0,
        "unsupported-stanza-type at byte OFF: first-level element in a content namespace other than the stream's default",
    );
    assert_ok(
        HEADER,
        "<enable xmlns='urn:xmpp:sm:3'/><r xmlns='urn:xmpp:sm:3'/><message/>",
        3,
    );
}

// RFC 3920 §11.2.2, §4.7.3: jabber:client and jabber:server elements carry no prefix.
#[test]
fn prefixed_content_namespace() {
    assert_error(
        HEADER,
        "<c:message xmlns:c='jabber:client'/>",
        0,
        "bad-namespace-prefix at byte OFF: jabber:client and jabber:server elements must not be prefixed",
    );
    assert_error(
        HEADER,
        "<message><c:body xmlns:c='jabber:client'>hi</c:body></message>",
        9,
        "bad-namespace-prefix at byte OFF: jabber:client and jabber:server elements must not be prefixed",
    );
    assert_ok(HEADER, "<message><x:y xmlns:x='urn:example'/></message>", 1);
}

// RFC 3920 §4.7.3, §11.2.2: 'to' and 'from' are required on stanzas between servers,
// optional from clients.
#[test]
fn improper_addressing_between_servers() {
    assert_ok(
        SERVER_HEADER,
        "<db:result to='example.com' from='example.net'>key</db:result>\
         <message to='juliet@example.com' from='romeo@example.net'><body>hi</body></message>",
        2,
    );
    assert_error(
        SERVER_HEADER,
        "<message to='juliet@example.com'><body>hi</body></message>",
        0,
        "improper-addressing at byte OFF: stanza between servers without a non-empty 'to' and 'from'",
    );
    assert_error(
        SERVER_HEADER,
        "<iq to='example.com' from='' type='get' id='1'/>",
        0,
        "improper-addressing at byte OFF: stanza between servers without a non-empty 'to' and 'from'",
    );
    assert_ok(HEADER, "<message><body>hi</body></message><presence/>", 2);
}
