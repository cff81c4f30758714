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

// Read literally, a domain may hold ASCII controls (RFC 3490 §2: UseSTD3ASCIIRules unset);
// those that a line-oriented reader takes as a line break cannot be written on the one
// output line.
#[test]
fn characters_some_readers_split_lines_on_are_refused() {
    for c in ['\u{B}', '\u{C}', '\u{1C}', '\u{1D}', '\u{1E}', '\r'] {
        let input = format!("a@exa{c}mple.com");
        let out = xmpp(&["jid", "--rfc3920-literal", &input], None);
        assert_eq!(out.status.code(), Some(1), "{c:?}");
        let text = String::from_utf8(out.stdout.clone()).expect("UTF-8 output");
        assert_eq!(
            text,
            format!(
                "error: canonical JID contains U+{:04X}, a line break this output cannot carry\n",
                u32::from(c)
            )
        );
    }
    // A tab does not end a line: the JID is printed as prepared.
    let out = xmpp(&["jid", "--rfc3920-literal", "a@exa\tmple.com"], None);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(out.stdout, b"a@exa\tmple.com\n");
}

// By default the STD3 host-name rules apply (RFC 3490 §4.1 step 3, RFC 6122 §2.2): controls,
// space, ':' and '*' are refused, a final dot is removed, and an ACE label is shown in its
// Unicode form; `--rfc3920-literal` reads RFC 3920 literally.
#[test]
fn default_rules_and_the_literal_switch() {
    let inputs = [
        "a@exa\tmple.com",
        "example.com:5222",
        "*.example.com",
        "Example.COM.",
        "juliet@xn--bcher-kva.example",
    ];
    let mut args = vec!["jid"];
    args.extend(inputs);
    let out = xmpp(&args, None);
    assert_eq!(out.status.code(), Some(1));
    let got = lines(&out);
    assert_eq!(got.len(), 5);
    assert!(
        got[0].starts_with("error: domain label 0 contains U+0009"),
        "{got:?}"
    );
    assert_eq!(got[1], "error: domain is a malformed IPv6 literal");
    assert!(
        got[2].starts_with("error: domain label 0 contains U+002A"),
        "{got:?}"
    );
    assert_eq!(got[3], "example.com");
    assert_eq!(got[4], "juliet@b\u{FC}cher.example");
    let mut args = vec!["jid", "--rfc3920-literal"];
    args.extend(inputs);
    let out = xmpp(&args, None);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        lines(&out),
        [
            "a@exa\tmple.com",
            "example.com:5222",
            "*.example.com",
            "example.com.",
            "juliet@b\u{FC}cher.example"
        ]
    );
    // The switch applies to standard input too.
    let out = xmpp(
        &["jid", "--rfc3920-literal", "--stdin"],
        Some(b"a b.example\n"),
    );
    assert_eq!(lines(&out), ["a b.example"]);
    let out = xmpp(&["jid", "--stdin"], Some(b"a b.example\n"));
    assert_eq!(out.status.code(), Some(1));
}

#[cfg(unix)]
#[test]
fn a_non_utf8_argument_is_an_error_line() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let out = Command::new(env!("CARGO_BIN_EXE_xmpp"))
        .arg("jid")
        .arg("a@b")
        .arg(OsStr::from_bytes(b"\xffx@y"))
        .arg("c@d")
        .output()
        .expect("run xmpp");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(lines(&out), ["a@b", "error: argument is not UTF-8", "c@d"]);
}

#[test]
fn no_input_is_a_usage_error() {
    let out = xmpp(&["jid"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}

// Every line gets exactly one output line: CRLF and LF endings, empty lines (an empty
// domain), a last line without a line ending, a lone CR inside a line.
#[test]
fn stdin_line_endings() {
    let out = xmpp(
        &["jid", "--stdin"],
        Some(b"a@b\r\n\r\n\nc@d/E\r\nx@y\rz\nlast@line"),
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        lines(&out),
        [
            "a@b",
            "error: domain is empty",
            "error: domain is empty",
            "c@d/E",
            "error: domain label 0 contains U+000D, which no host name has (STD3 rules)",
            "last@line",
        ]
    );
    // Arguments come first, then the lines.
    let out = xmpp(&["jid", "--stdin", "first@a"], Some(b"second@b\n"));
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(lines(&out), ["first@a", "second@b"]);
}

// Read literally, a domain may start with '-' (RFC 3490 §2, UseSTD3ASCIIRules unset): after
// `--` it is a JID, not an option.
#[test]
fn a_jid_starting_with_a_hyphen_after_double_dash() {
    let out = xmpp(
        &["jid", "--rfc3920-literal", "--", "-x-.example", "--stdin"],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(lines(&out), ["-x-.example", "--stdin"]);
}
