//! Real servers for interop tests (Prosody, ejabberd from Debian), started on loopback in a
//! temporary directory, and a small blocking client on the engine for the second account.
//! A missing server fails the test with the command that installs it, unless
//! `XMPP_SKIP_PEERS=1` asks to skip (and the skip is printed).
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use xmpp_core::{ClientConfig, Connection, Event};

pub const INSTALL: &str =
    "bash scripts/peers.sh (as root: apt-get install prosody lua-unbound ejabberd)";

/// `true` when the peer is there; `false` (printed) when skipping is asked for; a panic
/// with the install command otherwise.
pub fn peer_available(program: &str) -> bool {
    let found = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).any(|d| d.join(program).is_file()))
        .unwrap_or(false)
        || Path::new("/usr/sbin").join(program).is_file();
    if found {
        return true;
    }
    if std::env::var("XMPP_SKIP_PEERS").as_deref() == Ok("1") {
        eprintln!("SKIPPED: {program} is not installed (XMPP_SKIP_PEERS=1)");
        return false;
    }
    panic!("{program} is not installed; install it with: {INSTALL}");
}

/// A fresh directory under the system temporary directory, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let p = std::env::temp_dir().join(format!("xmpp-{tag}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Writes a self-signed RSA certificate for `localhost` as `localhost.crt` / `localhost.key`
/// (made with the OpenSSL command line, as the servers' own documentation does).
pub fn write_cert(dir: &Path) -> PathBuf {
    run(Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30",
        ])
        .args([
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost,DNS:other.localhost",
            "-addext",
            "basicConstraints=critical,CA:FALSE",
            "-addext",
            "keyUsage=critical,digitalSignature,keyEncipherment",
            "-keyout",
        ])
        .arg(dir.join("localhost.key"))
        .arg("-out")
        .arg(dir.join("localhost.crt")));
    dir.join("localhost.crt")
}

pub fn wait_for_port(port: u16, within: Duration) -> bool {
    let end = Instant::now() + within;
    while Instant::now() < end {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A running server; killed on drop.
pub struct Server {
    pub port: u16,
    pub cert: PathBuf,
    child: Child,
    stop: Option<Command>,
    epmd: bool,
    pub dir: TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut stop) = self.stop.take() {
            let _ = stop.stdout(Stdio::null()).stderr(Stdio::null()).status();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        if self.epmd {
            // ejabberd's port mapper outlives the node.
            let _ = Command::new("epmd")
                .arg("-kill")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
    }
}

/// Prosody with users juliet/secret1 and romeo/secret2 on `localhost`, c2s on `port`.
pub fn prosody(port: u16) -> Option<Server> {
    if !peer_available("prosody") {
        return None;
    }
    let dir = TempDir::new("prosody");
    let d = dir.0.display().to_string();
    let cert = write_cert(&dir.0);
    std::fs::create_dir_all(dir.0.join("data")).unwrap();
    let config = format!(
        r#"run_as_root = true
pidfile = "{d}/prosody.pid"
data_path = "{d}/data"
certificates = "{d}"
interfaces = {{ "127.0.0.1" }}; local_interfaces = {{ "127.0.0.1" }}
c2s_ports = {{ {port} }}; s2s_ports = {{ {s2s} }}
c2s_direct_tls_ports = {{ }}; s2s_direct_tls_ports = {{ }}; http_ports = {{ }}; https_ports = {{ }}
modules_enabled = {{ "roster"; "saslauth"; "tls"; "disco"; "ping"; "dialback" }}
authentication = "internal_hashed"
c2s_require_encryption = true
allow_unencrypted_plain_auth = false
s2s_secure_auth = false
log = {{ {{ levels = {{ min = "info" }}, to = "console" }} }}
ssl = {{ key = "{d}/localhost.key"; certificate = "{d}/localhost.crt" }}
VirtualHost "localhost"
"#,
        s2s = port + 47
    );
    let cfg = dir.0.join("prosody.cfg.lua");
    std::fs::write(&cfg, config).unwrap();
    for (user, pw) in [("juliet", "secret1"), ("romeo", "secret2")] {
        run(Command::new("prosodyctl").arg("--config").arg(&cfg).args([
            "register",
            user,
            "localhost",
            pw,
        ]));
    }
    let log = std::fs::File::create(dir.0.join("log")).unwrap();
    let child = Command::new("prosody")
        .arg("--config")
        .arg(&cfg)
        .arg("-F")
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .unwrap();
    assert!(
        wait_for_port(port, Duration::from_secs(15)),
        "prosody did not start: {}",
        std::fs::read_to_string(dir.0.join("log")).unwrap_or_default()
    );
    Some(Server {
        port,
        cert,
        child,
        stop: None,
        epmd: false,
        dir,
    })
}

/// ejabberd with users juliet/secret1 and romeo/secret2 on `localhost`, c2s on `port`.
pub fn ejabberd(port: u16) -> Option<Server> {
    if !peer_available("ejabberdctl") {
        return None;
    }
    let dir = TempDir::new("ejabberd");
    let e = dir.0.display().to_string();
    let cert = write_cert(&dir.0);
    std::fs::create_dir_all(dir.0.join("db")).unwrap();
    std::fs::create_dir_all(dir.0.join("log")).unwrap();
    let pem = format!(
        "{}{}",
        std::fs::read_to_string(dir.0.join("localhost.key")).unwrap(),
        std::fs::read_to_string(dir.0.join("localhost.crt")).unwrap()
    );
    std::fs::write(dir.0.join("localhost.pem"), pem).unwrap();
    let _ = std::fs::copy("/etc/ejabberd/inetrc", dir.0.join("inetrc"));
    std::fs::write(
        dir.0.join("ejabberdctl.cfg"),
        format!("ERLANG_NODE=ejabberd@localhost\nERL_EPMD_ADDRESS=127.0.0.1\nINET_DIST_INTERFACE=127.0.0.1\nEJABBERD_PID_PATH={e}/ejabberd.pid\n"),
    )
    .unwrap();
    std::fs::write(
        dir.0.join("ejabberd.yml"),
        format!(
            "hosts: [localhost]\nloglevel: info\ncertfiles: [{e}/localhost.pem]\nauth_method: internal\nauth_password_format: scram\n\
             listen:\n  - {{port: {port}, ip: \"127.0.0.1\", module: ejabberd_c2s, starttls_required: true, access: c2s}}\n\
             acl: {{local: {{user_regexp: \"\"}}}}\naccess_rules: {{c2s: {{allow: all}}, local: {{allow: local}}}}\n\
             modules: {{mod_roster: {{}}, mod_disco: {{}}, mod_ping: {{}}, mod_offline: {{}}}}\n"
        ),
    )
    .unwrap();
    let _ = Command::new("chown")
        .arg("-R")
        .arg("ejabberd:")
        .arg(&dir.0)
        .status();
    let ej = |args: &[&str]| {
        let mut c = Command::new("ejabberdctl");
        c.arg("--config-dir")
            .arg(&dir.0)
            .arg("--config")
            .arg(dir.0.join("ejabberd.yml"));
        c.arg("--spool")
            .arg(dir.0.join("db"))
            .arg("--logs")
            .arg(dir.0.join("log"));
        c.args(args);
        c
    };
    let log = std::fs::File::create(dir.0.join("fg.log")).unwrap();
    let child = ej(&["foreground"])
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .unwrap();
    assert!(
        wait_for_port(port, Duration::from_secs(60)),
        "ejabberd did not start: {}",
        std::fs::read_to_string(dir.0.join("fg.log")).unwrap_or_default()
    );
    for (user, pw) in [("juliet", "secret1"), ("romeo", "secret2")] {
        // The node may need a moment after the port opens.
        let mut ok = false;
        for _ in 0..50 {
            if ej(&["register", user, "localhost", pw])
                .output()
                .is_ok_and(|o| o.status.success())
            {
                ok = true;
                break;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        assert!(ok, "ejabberdctl register {user} failed");
    }
    let mut stop = ej(&["stop"]);
    stop.stdout(Stdio::null());
    Some(Server {
        port,
        cert,
        child,
        stop: Some(stop),
        epmd: true,
        dir,
    })
}

/// Runs `xmpp connect` with `args`; returns (exit success, stdout, stderr).
pub fn xmpp_connect(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_xmpp"))
        .arg("connect")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A blocking client session on the engine.
pub struct Session {
    pub conn: Connection,
    sock: TcpStream,
    pub events: Vec<Event>,
}

impl Session {
    pub fn login(port: u16, jid: &str, password: &str) -> Session {
        Session::login_at(("127.0.0.1", port), jid, password)
    }

    pub fn login_at(addr: (&str, u16), jid: &str, password: &str) -> Session {
        let mut config = ClientConfig::new(xmpp_jid::Jid::parse(jid).unwrap(), password);
        config.tls_config = Some(xmpp_core::tls_config::insecure_client_config());
        let conn = Connection::client(config, Instant::now());
        let sock = TcpStream::connect(addr).unwrap();
        let mut s = Session {
            conn,
            sock,
            events: Vec::new(),
        };
        assert!(
            s.wait(Duration::from_secs(20), |e| matches!(e, Event::Online))
                .is_some(),
            "{jid} not online: {:?}",
            s.events
        );
        s
    }

    pub fn send(&mut self, e: &xmpp_xml::Element<'_>) {
        self.conn.send(e).unwrap();
        self.flush();
    }

    fn flush(&mut self) {
        while let Some(b) = self.conn.poll_transmit() {
            self.sock.write_all(&b).unwrap();
        }
    }

    /// Runs until an event matches (returned) or the time is up.
    pub fn wait(&mut self, within: Duration, mut f: impl FnMut(&Event) -> bool) -> Option<usize> {
        let end = Instant::now() + within;
        let mut buf = vec![0u8; 32 * 1024];
        let start = self.events.len();
        loop {
            self.flush();
            while let Some(e) = self.conn.poll_event() {
                self.events.push(e);
            }
            if let Some(i) = self.events[start..].iter().position(&mut f) {
                return Some(start + i);
            }
            let now = Instant::now();
            if now >= end || self.conn.is_closed() {
                return None;
            }
            self.sock
                .set_read_timeout(Some((end - now).min(Duration::from_millis(200))))
                .unwrap();
            match self.sock.read(&mut buf) {
                Ok(0) => self.conn.handle_eof(),
                Ok(n) => self.conn.handle_input(&buf[..n], Instant::now()),
                Err(_) => self.conn.handle_timeout(Instant::now()),
            }
        }
    }

    pub fn close(mut self) {
        self.conn.close();
        let _ = self.wait(Duration::from_secs(5), |e| matches!(e, Event::Closed(_)));
    }
}

pub fn element(xml: &str) -> xmpp_xml::Element<'static> {
    let mut p = xmpp_xml::Parser::document(Default::default());
    p.feed(xml.as_bytes());
    match p.next_event().unwrap() {
        Some(xmpp_xml::Event::Stanza(s)) => s.to_element().unwrap().into_owned(),
        other => panic!("{other:?}"),
    }
}
