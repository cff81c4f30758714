//! The `xmpp cpim` output contract, checked on the built binary.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn xmpp(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_xmpp"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn xmpp");
    let mut pipe = child.stdin.take().expect("stdin pipe");
    pipe.write_all(stdin).expect("write stdin");
    drop(pipe);
    child.wait_with_output().expect("wait for xmpp")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("UTF-8 output")
}

const NOW: &str = "2004-08-01T12:00:00Z";

/// RFC 3922 §4.1: the whole object, octet for octet.
#[test]
fn encode_message() {
    let out = xmpp(
        &["cpim", "encode", "--now", NOW],
        b"<message from='juliet@example.com/balcony' to='romeo@example.net/orchard' type='chat' id='x1'>\
          <subject>Hi!</subject><subject xml:lang='cz'>Ahoj!</subject>\
          <body>Wherefore art thou, Romeo?\nDeny thy father</body><thread>t1</thread></message>",
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(
        stdout(&out),
        "Content-type: Message/CPIM\r\n\r\n\
         From: <im:juliet@example.com>\r\n\
         To: <im:romeo@example.net>\r\n\
         DateTime: 2004-08-01T12:00:00Z\r\n\
         Subject: Hi!\r\n\
         Subject:;lang=cz Ahoj!\r\n\r\n\
         Content-type: text/plain; charset=utf-8\r\n\r\n\
         Wherefore art thou, Romeo?\r\nDeny thy father"
    );
}

/// RFC 3922 §5.1: an XML declaration may come first; the namespace is jabber:client.
#[test]
fn encode_presence_and_decode_it_back() {
    let out = xmpp(
        &["cpim", "encode", "--now", NOW, "--unique-ids", "--sender-name", "Juliet Capulet"],
        b"<?xml version='1.0'?>\n<presence from='juliet@example.com/balcony' to='romeo@example.net' id='p1@example.com'>\
          <show>away</show><status>retired to the chamber</status><priority>127</priority></presence>\n",
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let object = stdout(&out);
    assert!(object.starts_with(
        "Content-type: Message/CPIM\r\n\r\nFrom: Juliet Capulet <im:juliet@example.com>\r\nTo: <im:romeo@example.net>\r\nDateTime: 2004-08-01T12:00:00Z\r\n\r\n\
         Content-type: application/pidf+xml; charset=utf-8\r\nContent-ID: <p1@example.com>\r\n\r\n<?xml version='1.0' encoding='UTF-8'?>"
    ), "{object}");
    assert!(object.contains("<contact priority='1'>im:juliet@example.com</contact><note>retired to the chamber</note><timestamp>2004-08-01T12:00:00Z</timestamp>"), "{object}");
    let back = xmpp(&["cpim", "decode"], object.as_bytes());
    assert_eq!(back.status.code(), Some(0), "{}", stdout(&back));
    assert_eq!(
        stdout(&back),
        "<presence xmlns='jabber:client' to='romeo@example.net' from='juliet@example.com/balcony' id='p1@example.com'>\
         <show>away</show><status>retired to the chamber</status><priority>127</priority></presence>\n"
    );
}

/// RFC 3922 §4.2, from an object with bare LF line ends; one stanza per line.
#[test]
fn decode_message() {
    let out = xmpp(
        &["cpim", "decode", "--resource", "balcony", "--type", "chat"],
        b"Content-type: Message/CPIM\n\nFrom: Romeo Montague <im:romeo@example.net>\nTo: Juliet Capulet <im:juliet@example.com>\n\
          DateTime: 2000-12-13T13:40:00-08:00\ncc: <im:nurse@example.com>\nSubject:;lang=cz Ahoj!\n\n\
          Content-type: text/plain; charset=utf-8\nContent-ID: <123456789@example.net>\n\nline one\r\nline <two>",
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(
        stdout(&out),
        "<message xmlns='jabber:client' to='juliet@example.com/balcony' from='romeo@example.net' \
         id='123456789@example.net' type='chat'><subject xml:lang='cz'>Ahoj!</subject>\
         <body>line one&#10;line &lt;two&gt;</body></message>\n"
    );
}

/// RFC 3922 §6.3.1: several tuples, several lines.
#[test]
fn decode_tuples_one_line_each() {
    let out = xmpp(
        &["cpim", "decode"],
        b"Content-type: Message/CPIM\n\nFrom: <im:romeo@example.net>\nTo: <im:juliet@example.com>\n\n\
          Content-type: application/pidf+xml\n\n<?xml version='1.0'?>\
          <presence xmlns='urn:ietf:params:xml:ns:pidf' entity='pres:romeo@example.net'>\
          <tuple id='orchard'><status><basic>open</basic></status></tuple>\
          <tuple id='home'><status><basic>closed</basic></status></tuple></presence>",
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        [
            "<presence xmlns='jabber:client' to='juliet@example.com' from='romeo@example.net/orchard'/>",
            "<presence xmlns='jabber:client' to='juliet@example.com' from='romeo@example.net/home' type='unavailable'/>",
        ]
    );
}

/// Bad input: exit 1, one line `error: ...` and nothing else.
#[test]
fn errors_exit_one_with_an_error_line() {
    let cases: [(&[&str], &[u8], &str); 8] = [
        (&["cpim", "encode", "--now", NOW], b"<presence type='subscribe' from='a@b' to='c@d'/>", "CPP subscribe operation"),
        (&["cpim", "encode", "--now", NOW], b"<message to='c@d'><body>x</body></message>", "no 'from' address"),
        (&["cpim", "encode", "--now", NOW], b"<message from='a@b' to='c@d'>", "XML"),
        (&["cpim", "encode", "--now", NOW], b"<iq from='a@b' to='c@d' type='get' id='1'/>", "neither a message nor a presence"),
        (&["cpim", "encode", "--now", "yesterday"], b"<message from='a@b' to='c@d'/>", "--now"),
        (&["cpim", "decode"], b"From: <im:a@b>\n\n", "Content-Type"),
        (&["cpim", "decode"], b"Content-type: Message/CPIM\n\nFrom: <im:a@b>\nTo: <im:c@d>\nRequire: X\n\nContent-Type: text/plain\n\nx", "Require"),
        (&["cpim", "decode"], b"Content-type: Message/CPIM\n\nFrom: <im:a@b>\nTo: <im:c@d>\n\nContent-Type: text/plain; charset=iso-8859-1\n\nx", "charset"),
    ];
    for (args, input, needle) in cases {
        let out = xmpp(args, input);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stdout(&out));
        let text = stdout(&out);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 1, "{text}");
        assert!(
            lines[0].starts_with("error: ") && lines[0].contains(needle),
            "{needle}: {text}"
        );
    }
}

/// A line break or other control character that the input puts into the detail (a
/// percent-decoded URI, a PIDF value) is written escaped: the error stays one line.
#[test]
fn error_detail_from_the_input_stays_one_line() {
    let cases: [&[u8]; 2] = [
        b"Content-type: Message/CPIM\n\nFrom: <im:a%0Ab@example.com>\nTo: <im:c@d>\n\nContent-Type: text/plain\n\nx",
        b"Content-type: Message/CPIM\n\nFrom: <im:a@b>\nTo: <im:c@d>\n\nContent-Type: application/pidf+xml\n\n\
          <?xml version='1.0'?><presence xmlns='urn:ietf:params:xml:ns:pidf' entity='pres:a@b'>\
          <tuple id='t'><status><basic>\nopen\t</basic></status></tuple></presence>",
    ];
    for input in cases {
        let out = xmpp(&["cpim", "decode"], input);
        assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
        let text = stdout(&out);
        assert_eq!(text.lines().count(), 1, "{text:?}");
        assert!(
            text.starts_with("error: ") && text.ends_with('\n'),
            "{text:?}"
        );
        assert!(
            !text
                .trim_end_matches('\n')
                .contains(|c: char| c.is_control()),
            "{text:?}"
        );
    }
}

/// Only one stanza is read: a stream end tag in the input does not hide what follows it.
#[test]
fn input_after_a_stream_end_tag_is_refused() {
    let out = xmpp(
        &["cpim", "encode", "--now", NOW],
        b"<message from='a@b' to='c@d'><body>x</body></message></stream:stream><message from='e@f' to='g@h'/>",
    );
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.starts_with("error: "), "{text}");
}

/// Without `--now` the system clock gives the DateTime.
#[test]
fn encode_without_now_uses_the_clock() {
    let out = xmpp(&["cpim", "encode"], b"<message from='a@b' to='c@d'/>");
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    let line = text
        .lines()
        .find(|l| l.starts_with("DateTime: "))
        .expect("DateTime header");
    assert!(
        line.trim_end().len() == "DateTime: 2004-08-01T12:00:00Z".len()
            && line.trim_end().ends_with('Z'),
        "{line}"
    );
}
