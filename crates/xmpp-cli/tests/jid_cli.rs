//! The `xmpp jid` output contract, checked on the built binary.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn xmpp(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_xmpp"));
    cmd.args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn xmpp");
    if let Some(data) = stdin {
        let mut pipe = child.stdin.take().expect("stdin pipe");
        pipe.write_all(data).expect("write stdin");
    }
    child.wait_with_output().expect("wait for xmpp")
}

fn lines(out: &Output) -> Vec<String> {
    String::from_utf8(out.stdout.clone())
        .expect("UTF-8 output")
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn all_valid_arguments_exit_zero() {
    let out = xmpp(&["jid", "Juliet@Example.COM/Balcony", "example.com"], None);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(lines(&out), ["juliet@example.com/Balcony", "example.com"]);
}

#[test]
fn one_line_per_input_and_exit_one_on_any_error() {
    let out = xmpp(
        &[
            "jid",
            "a@b",
            "@example.com",
            "x:y@example.com",
            "b\u{FC}cher\u{3002}example",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        lines(&out),
        [
            "a@b",
            "error: node is empty",
            "error: node contains prohibited character U+003A",
            "b\u{FC}cher.example",
        ]
    );
}

#[test]
fn stdin_one_jid_per_line() {
    let input = "Romeo@Example.net/Orchard\r\nuser@[::1]\n\nexample.com/\n\u{5D0}a@x\n";
    let out = xmpp(&["jid", "--stdin"], Some(input.as_bytes()));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        lines(&out),
        [
            "romeo@example.net/Orchard",
            "user@[::1]",
            "error: domain is empty",
            "error: resource is empty",
            "error: node mixes right-to-left and left-to-right characters",
        ]
    );
}

#[test]
fn stdin_all_valid_exits_zero_and_non_utf8_is_an_error_line() {
    let out = xmpp(&["jid", "--stdin"], Some(b"a@b\nc@d/e"));
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(lines(&out), ["a@b", "c@d/e"]);
    let out = xmpp(&["jid", "--stdin"], Some(b"a@b\n\xff\xfe\n"));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(lines(&out), ["a@b", "error: input line is not UTF-8"]);
}

#[test]
fn a_line_break_in_a_domain_cannot_break_the_contract() {
    let out = xmpp(&["jid", "exa\nmple.com"], None);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(lines(&out).len(), 1);
    assert!(lines(&out)[0].starts_with("error: "));
}
