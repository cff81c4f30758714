//! `xmpp connect` failure paths and their last line `error: CONDITION: detail`, against
//! loopback endpoints this test controls (no external server needed).

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::Command;
use std::time::Instant;

fn connect(args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_xmpp"))
        .arg("connect")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn last_line(s: &str) -> &str {
    s.lines().last().unwrap_or_default()
}

#[test]
fn refused_connection_is_a_network_error() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let p = port.to_string();
    let (ok, out) = connect(&[
        "--jid",
        "juliet@localhost",
        "--password",
        "x",
        "--host",
        "127.0.0.1",
        "--port",
        &p,
        "--timeout",
        "5",
    ]);
    assert!(!ok);
    assert!(last_line(&out).starts_with("error: network: "), "{out}");
}

#[test]
fn silent_server_is_a_timeout() {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let p = l.local_addr().unwrap().port().to_string();
    let hold = std::thread::spawn(move || {
        let (mut s, _) = l.accept().unwrap();
        let mut buf = [0u8; 1024];
        let _ = s.read(&mut buf);
        std::thread::sleep(std::time::Duration::from_secs(3));
    });
    let start = Instant::now();
    let (ok, out) = connect(&[
        "--jid",
        "juliet@localhost",
        "--password",
        "x",
        "--host",
        "127.0.0.1",
        "--port",
        &p,
        "--timeout",
        "1",
    ]);
    assert!(!ok);
    assert!(last_line(&out).starts_with("error: timeout: "), "{out}");
    assert!(start.elapsed().as_secs_f64() < 2.9);
    hold.join().unwrap();
}

#[test]
fn untrusted_certificate_is_a_tls_error_and_stream_errors_keep_their_name() {
    // A server engine with a self-signed certificate the client does not trust.
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec!["localhost".into()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    let identity =
        xmpp_core::tls_config::server_tls(cert.pem().as_bytes(), key.serialize_pem().as_bytes())
            .unwrap();
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let p = l.local_addr().unwrap().port().to_string();
    let server = std::thread::spawn(move || {
        for round in 0..2 {
            let (mut s, _) = l.accept().unwrap();
            let config = xmpp_core::ServerConfig::new(
                if round == 0 { "localhost" } else { "elsewhere" },
                Some(identity.clone()),
                xmpp_sasl::ServerSecret::generate().unwrap(),
            );
            let mut conn = xmpp_core::Connection::server(config, Instant::now());
            let mut buf = vec![0u8; 16 * 1024];
            s.set_read_timeout(Some(std::time::Duration::from_secs(5)))
                .unwrap();
            while !conn.is_closed() {
                while let Some(b) = conn.poll_transmit() {
                    let _ = s.write_all(&b);
                }
                match s.read(&mut buf) {
                    Ok(0) | Err(_) => conn.handle_eof(),
                    Ok(n) => conn.handle_input(&buf[..n], Instant::now()),
                }
                while conn.poll_event().is_some() {}
            }
            while let Some(b) = conn.poll_transmit() {
                let _ = s.write_all(&b);
            }
        }
    });
    let (ok, out) = connect(&[
        "--jid",
        "juliet@localhost",
        "--password",
        "x",
        "--host",
        "127.0.0.1",
        "--port",
        &p,
        "--timeout",
        "10",
    ]);
    assert!(!ok);
    assert!(last_line(&out).starts_with("error: tls: "), "{out}");
    // Second round: the server serves another domain and answers host-unknown.
    let (ok, out) = connect(&[
        "--jid",
        "juliet@localhost",
        "--password",
        "x",
        "--host",
        "127.0.0.1",
        "--port",
        &p,
        "--insecure",
        "--timeout",
        "10",
    ]);
    assert!(!ok);
    assert!(
        last_line(&out).starts_with("error: host-unknown: "),
        "{out}"
    );
    server.join().unwrap();
}

#[test]
fn malformed_jid_is_reported() {
    let (ok, out) = connect(&["--jid", "@@", "--password", "x"]);
    assert!(!ok);
    assert!(
        last_line(&out).starts_with("error: jid-malformed: "),
        "{out}"
    );
}

#[test]
fn unusable_timeouts_are_usage_errors() {
    for t in ["inf", "NaN", "-1"] {
        let arg = format!("--timeout={t}");
        let (ok, out) = connect(&["--jid", "juliet@localhost", "--password", "x", &arg]);
        assert!(!ok);
        assert!(last_line(&out).starts_with("error: usage: "), "{t}: {out}");
    }
}
