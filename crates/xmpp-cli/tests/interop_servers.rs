//! `xmpp connect` (and the engine under it) against real servers: Prosody and ejabberd from
//! Debian, started on loopback by the test. What each server offered and which mechanism
//! was used is printed (run with `--nocapture` to see it).

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use xmpp_core::Event;

/// The mechanisms offered after TLS and the one our client chose by default, from a trace.
fn offered_and_used(port: u16) -> (Vec<String>, String) {
    let port = port.to_string();
    let (ok, out, trace) = xmpp_connect(&[
        "--jid",
        "juliet@localhost/probe",
        "--password",
        "secret1",
        "--host",
        "127.0.0.1",
        "--port",
        &port,
        "--insecure",
        "--trace",
        "--timeout",
        "20",
    ]);
    assert!(ok, "default login failed: {out}\n{trace}");
    let mut offered = Vec::new();
    for piece in trace.split("<mechanism>").skip(1) {
        if let Some(name) = piece.split("</mechanism>").next() {
            if !offered.iter().any(|o| o == name) {
                offered.push(name.to_owned());
            }
        }
    }
    let used = trace
        .split("mechanism='")
        .nth(1)
        .and_then(|s| s.split('\'').next())
        .unwrap_or_default()
        .to_owned();
    (offered, used)
}

fn scenario(server: &Server, name: &str) {
    let port = server.port.to_string();
    let base = [
        "--host",
        "127.0.0.1",
        "--port",
        port.as_str(),
        "--timeout",
        "20",
    ];

    // What the server offers, and our default choice (which must log in).
    let (offered, used) = offered_and_used(server.port);
    eprintln!("{name} offered after STARTTLS: {offered:?}; the client's default choice: {used}");
    assert!(offered.iter().any(|m| m == "SCRAM-SHA-1"), "{offered:?}");
    assert!(!used.is_empty());

    // Every mechanism both sides implement without channel binding, one login each.
    for m in ["SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN", "DIGEST-MD5"] {
        if !offered.iter().any(|o| o == m) {
            eprintln!("{name} does not offer {m}");
            continue;
        }
        let mut args = vec![
            "--jid",
            "juliet@localhost/m",
            "--password",
            "secret1",
            "--insecure",
            "--mechanism",
            m,
        ];
        args.extend(base);
        let (ok, out, err) = xmpp_connect(&args);
        assert!(ok, "{name} {m}: {out}{err}");
        eprintln!("{name}: logged in with {m}");
    }

    // The server's certificate verified against the CA file (here: the self-signed cert).
    let ca = server.cert.display().to_string();
    let mut args = vec![
        "--jid",
        "juliet@localhost/ca",
        "--password",
        "secret1",
        "--ca",
        ca.as_str(),
    ];
    args.extend(base);
    let (ok, out, err) = xmpp_connect(&args);
    assert!(ok, "{name} --ca: {out}{err}");

    // A wrong password: exit 1, last line `error: not-authorized: ...`.
    let mut args = vec![
        "--jid",
        "juliet@localhost",
        "--password",
        "wrong",
        "--insecure",
    ];
    args.extend(base);
    let (ok, out, _) = xmpp_connect(&args);
    assert!(!ok);
    let last = out.lines().last().unwrap_or_default();
    assert!(last.starts_with("error: not-authorized: "), "{name}: {out}");

    // Roster: an item set through the engine is printed by `--roster`.
    let mut juliet = Session::login(server.port, "juliet@localhost/setup", "secret1");
    juliet.send(&element(
        "<iq xmlns='jabber:client' type='set' id='add1'><query xmlns='jabber:iq:roster'>\
         <item jid='romeo@localhost' name='Romeo'><group>Friends</group></item></query></iq>",
    ));
    assert!(
        juliet
            .wait(
                Duration::from_secs(10),
                |e| matches!(e, Event::Stanza(s) if s.id() == Some("add1"))
            )
            .is_some(),
        "{name}: roster set not answered"
    );
    juliet.close();
    let mut args = vec![
        "--jid",
        "juliet@localhost/r",
        "--password",
        "secret1",
        "--insecure",
        "--roster",
    ];
    args.extend(base);
    let (ok, out, err) = xmpp_connect(&args);
    assert!(ok, "{name} --roster: {out}{err}");
    assert!(
        out.lines()
            .any(|l| l == "romeo@localhost\tnone\tRomeo\tFriends"),
        "{name}: {out}"
    );

    // A message from the CLI that a second account receives.
    let mut romeo = Session::login(server.port, "romeo@localhost/lib", "secret2");
    romeo.send(&element("<presence xmlns='jabber:client'/>"));
    let mut args = vec![
        "--jid",
        "juliet@localhost/cli",
        "--password",
        "secret1",
        "--insecure",
        "--send",
        "romeo@localhost/lib",
        "hello from the cli",
    ];
    args.extend(base);
    let (ok, out, err) = xmpp_connect(&args);
    assert!(ok, "{name} --send: {out}{err}");
    let got = romeo.wait(Duration::from_secs(10), |e| {
        matches!(e, Event::Stanza(s) if s.kind() == xmpp_core::StanzaKind::Message
            && s.from().is_some_and(|f| f.as_str().starts_with("juliet@localhost/cli")))
    });
    let got = got.unwrap_or_else(|| panic!("{name}: romeo got nothing: {:?}", romeo.events));
    let Event::Stanza(s) = &romeo.events[got] else {
        unreachable!()
    };
    assert!(String::from_utf8_lossy(s.bytes()).contains("hello from the cli"));

    // A message the second account sends to the CLI, printed as `FROM BODY`.
    let mut child = Command::new(env!("CARGO_BIN_EXE_xmpp"))
        .args([
            "connect",
            "--jid",
            "juliet@localhost/cli2",
            "--password",
            "secret1",
            "--insecure",
            "--receive",
            "1",
        ])
        .args(base)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let end = Instant::now() + Duration::from_secs(20);
    let msg = element(
        "<message xmlns='jabber:client' to='juliet@localhost/cli2' type='chat'><body>hello from romeo</body></message>",
    );
    while child.try_wait().unwrap().is_none() && Instant::now() < end {
        romeo.send(&msg);
        let _ = romeo.wait(Duration::from_millis(300), |_| false);
    }
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{name} --receive: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        stdout.lines().next(),
        Some("romeo@localhost/lib hello from romeo"),
        "{name}"
    );
    romeo.close();
}

#[test]
fn prosody() {
    let Some(server) = common::prosody(15222) else {
        return;
    };
    scenario(&server, "Prosody");
}

#[test]
fn ejabberd() {
    let Some(server) = common::ejabberd(15223) else {
        return;
    };
    scenario(&server, "ejabberd");
}
