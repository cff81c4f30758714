//! Server-to-server interop: our s2s engine as `c.test` on 127.0.0.4:5269 and Prosody as
//! `a.test` on 127.0.0.2:5269 authenticate each other with server dialback and exchange a
//! message in each direction. Prosody resolves `c.test` through a hosts file (lua-unbound).

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::*;
use xmpp_core::{Connection, Event, S2sConfig, TlsPolicy};

const SECRET: &[u8] = b"dialback secret of c.test";

fn our_config() -> S2sConfig {
    let mut c = S2sConfig::new("c.test", SECRET.to_vec());
    c.tls = TlsPolicy::Disabled;
    c.tls_client_config = Some(xmpp_core::tls_config::insecure_client_config());
    c
}

/// Drives `conn` over `sock` until `done` says so, the connection closes or time is up.
fn drive(
    conn: &mut Connection,
    sock: &mut TcpStream,
    within: Duration,
    mut on_event: impl FnMut(&mut Connection, Event) -> bool,
) -> bool {
    let end = Instant::now() + within;
    let mut buf = vec![0u8; 32 * 1024];
    sock.set_read_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    loop {
        while let Some(b) = conn.poll_transmit() {
            if sock.write_all(&b).is_err() {
                conn.handle_eof();
            }
        }
        while let Some(e) = conn.poll_event() {
            if on_event(conn, e) {
                while let Some(b) = conn.poll_transmit() {
                    let _ = sock.write_all(&b);
                }
                return true;
            }
        }
        if conn.is_closed() || Instant::now() > end {
            return false;
        }
        match sock.read(&mut buf) {
            Ok(0) => conn.handle_eof(),
            Ok(n) => conn.handle_input(&buf[..n], Instant::now()),
            Err(_) => conn.handle_timeout(Instant::now()),
        }
    }
}

/// Asks a.test's authoritative server (Prosody) whether `key` is valid.
fn verify(originating: &str, stream_id: &str, key: &str) -> bool {
    let Ok(mut sock) = TcpStream::connect(("127.0.0.2", 5269)) else {
        return false;
    };
    let mut conn =
        Connection::s2s_verify(our_config(), originating, stream_id, key, Instant::now());
    let mut valid = false;
    drive(
        &mut conn,
        &mut sock,
        Duration::from_secs(15),
        |_, e| match e {
            Event::DialbackVerified { valid: v, .. } => {
                valid = v;
                true
            }
            _ => false,
        },
    );
    valid
}

/// Our incoming s2s listener: answers dialback (verifying with Prosody) and
/// verification requests, and reports stanzas.
fn listen(stanzas: mpsc::Sender<String>) -> std::io::Result<()> {
    let listener = TcpListener::bind(("127.0.0.4", 5269))?;
    std::thread::spawn(move || {
        for sock in listener.incoming() {
            let Ok(mut sock) = sock else { continue };
            let stanzas = stanzas.clone();
            std::thread::spawn(move || {
                let mut conn = Connection::s2s_incoming(our_config(), Instant::now());
                drive(&mut conn, &mut sock, Duration::from_secs(60), |conn, e| {
                    match e {
                        Event::DialbackRequest {
                            originating,
                            receiving,
                            key,
                            stream_id,
                        } => {
                            let valid = verify(&originating, &stream_id, &key);
                            let _ = conn.dialback_result(&originating, &receiving, valid);
                        }
                        Event::Stanza(s) => {
                            let _ = stanzas.send(String::from_utf8_lossy(s.bytes()).into_owned());
                        }
                        _ => {}
                    }
                    false
                });
            });
        }
    });
    Ok(())
}

fn start_prosody() -> Option<(std::process::Child, TempDir)> {
    if !peer_available("prosody") {
        return None;
    }
    let dir = TempDir::new("prosody-s2s");
    let d = dir.0.display().to_string();
    write_cert(&dir.0);
    std::fs::create_dir_all(dir.0.join("data")).unwrap();
    std::fs::write(dir.0.join("hosts"), "127.0.0.2 a.test\n127.0.0.4 c.test\n").unwrap();
    let config = format!(
        r#"run_as_root = true
pidfile = "{d}/prosody.pid"
data_path = "{d}/data"
certificates = "{d}"
interfaces = {{ "127.0.0.2" }}; local_interfaces = {{ "127.0.0.2" }}
c2s_ports = {{ 15224 }}; s2s_ports = {{ 5269 }}
c2s_direct_tls_ports = {{ }}; s2s_direct_tls_ports = {{ }}; http_ports = {{ }}; https_ports = {{ }}
modules_enabled = {{ "roster"; "saslauth"; "tls"; "disco"; "ping"; "dialback" }}
authentication = "internal_hashed"
c2s_require_encryption = true
s2s_require_encryption = false
s2s_secure_auth = false
unbound = {{ resolvconf = false; hoststxt = "{d}/hosts"; options = {{ ["local-zone"] = "test. static" }} }}
log = {{ {{ levels = {{ min = "debug" }}, to = "console" }} }}
ssl = {{ key = "{d}/localhost.key"; certificate = "{d}/localhost.crt" }}
VirtualHost "a.test"
"#
    );
    let cfg = dir.0.join("prosody.cfg.lua");
    std::fs::write(&cfg, config).unwrap();
    let reg = Command::new("prosodyctl")
        .arg("--config")
        .arg(&cfg)
        .args(["register", "juliet", "a.test", "secret1"])
        .output()
        .unwrap();
    assert!(
        reg.status.success(),
        "{}",
        String::from_utf8_lossy(&reg.stderr)
    );
    let log = std::fs::File::create(dir.0.join("log")).unwrap();
    let child = Command::new("prosody")
        .arg("--config")
        .arg(&cfg)
        .arg("-F")
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .stdin(Stdio::null())
        .spawn()
        .unwrap();
    let end = Instant::now() + Duration::from_secs(15);
    while TcpStream::connect(("127.0.0.2", 15224)).is_err() {
        assert!(Instant::now() < end, "prosody did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    Some((child, dir))
}

#[test]
fn dialback_both_ways_with_prosody() {
    let Some((mut prosody, dir)) = start_prosody() else {
        return;
    };
    let log = || std::fs::read_to_string(dir.0.join("log")).unwrap_or_default();
    let (tx, rx) = mpsc::channel();
    listen(tx).expect("bind 127.0.0.4:5269");

    // Prosody -> us: juliet@a.test writes to romeo@c.test.
    let mut juliet = Session::login_at(("127.0.0.2", 15224), "juliet@a.test/probe", "secret1");
    juliet.send(&element("<presence xmlns='jabber:client'/>"));
    juliet.send(&element(
        "<message xmlns='jabber:client' to='romeo@c.test' type='chat'><body>from prosody to us</body></message>",
    ));
    let got = rx.recv_timeout(Duration::from_secs(30));
    let got = got.unwrap_or_else(|_| {
        let _ = prosody.kill();
        panic!("no stanza reached c.test; prosody log:\n{}", log())
    });
    assert!(
        got.contains("from prosody to us") && got.contains("from='juliet@a.test/probe'"),
        "{got}"
    );

    // Us -> Prosody: an outgoing stream from c.test, verified by Prosody calling back.
    let mut sock = TcpStream::connect(("127.0.0.2", 5269)).unwrap();
    let mut out = Connection::s2s_outgoing(our_config(), "a.test", Instant::now());
    let online = drive(&mut out, &mut sock, Duration::from_secs(30), |_, e| {
        matches!(e, Event::Online)
    });
    if !online {
        let _ = prosody.kill();
        panic!(
            "dialback to a.test did not succeed; prosody log:\n{}",
            log()
        );
    }
    let m = xmpp_xml::Element::new(xmpp_xml::SERVER_NS, "message")
        .with_attr("from", "romeo@c.test/orchard")
        .with_attr("to", "juliet@a.test/probe")
        .with_attr("type", "chat")
        .with_child(
            xmpp_xml::Element::new(xmpp_xml::SERVER_NS, "body").with_text("from us to prosody"),
        );
    out.send(&m).unwrap();
    while let Some(b) = out.poll_transmit() {
        sock.write_all(&b).unwrap();
    }
    let received = juliet.wait(Duration::from_secs(20), |e| {
        matches!(e, Event::Stanza(s) if String::from_utf8_lossy(s.bytes()).contains("from us to prosody"))
    });
    let _ = prosody.kill();
    let _ = prosody.wait();
    assert!(
        received.is_some(),
        "juliet got nothing: {:?}\nprosody log:\n{}",
        juliet.events,
        log()
    );
}
