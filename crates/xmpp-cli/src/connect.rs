//! `xmpp connect`: log in to a real server and do what is asked — print the roster, send
//! messages, wait for messages — over a blocking `std::net` socket driving the sans-io
//! engine (`xmpp_core::Connection`).
//!
//! Output contract: `--roster` prints one line per item, `JID<TAB>SUBSCRIPTION<TAB>NAME<TAB>GROUPS`
//! (groups comma-separated, empty fields kept); `--receive N` prints each of the N messages as
//! `FROM BODY` (the sender's full JID, one space, the body with `\` and line breaks escaped as
//! `\\`, `\n`, `\r`). Exit 0 when everything asked succeeded; otherwise exit 1 with a last line
//! `error: CONDITION: detail`, CONDITION being the SASL failure or stream error condition by
//! its RFC name (`not-authorized`, `host-unknown`...), the stanza error condition of a
//! refused request, or one of `tls` (handshake or certificate), `tls-refused` (STARTTLS
//! answered with failure), `network`, `timeout`, `unsupported-feature` (the server lacks
//! what the run needs), `connection-closed` (the server hung up), `closed` (the server
//! closed the stream before the run was done), `jid-malformed` (a bad `--jid` or `--send`
//! address), `invalid-mechanism`, `usage` (a bad argument value). `--trace` shows the
//! plaintext XML with SASL payloads (which carry the password for PLAIN) replaced by
//! `[redacted]`.

use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use xmpp_core::ns::CLIENT_NS;
use xmpp_core::{
    ClientConfig, Connection, Event, Mechanism, Stanza, StanzaKind, TlsPolicy, Traced,
};
use xmpp_jid::Jid;
use xmpp_xml::Element;

const ROSTER_NS: &str = "jabber:iq:roster";

/// Arguments of `xmpp connect`.
#[derive(clap::Args)]
pub struct Args {
    /// The account, `user@domain` or `user@domain/resource`.
    #[arg(long)]
    pub jid: String,
    /// The password.
    #[arg(long)]
    pub password: String,
    /// The host to connect to (default: the JID's domain).
    #[arg(long)]
    pub host: Option<String>,
    /// The port (default: 5222).
    #[arg(long, default_value_t = 5222)]
    pub port: u16,
    /// Trust only the CA certificates in this PEM file.
    #[arg(long, conflicts_with = "insecure")]
    pub ca: Option<String>,
    /// Accept any server certificate (tests only).
    #[arg(long)]
    pub insecure: bool,
    /// Use only this SASL mechanism (SCRAM-SHA-1, SCRAM-SHA-256, their -PLUS, DIGEST-MD5, PLAIN).
    #[arg(long)]
    pub mechanism: Option<String>,
    /// Print the roster.
    #[arg(long)]
    pub roster: bool,
    /// Send a chat message (repeatable): `--send JID TEXT`.
    #[arg(long, num_args = 2, value_names = ["JID", "TEXT"], action = clap::ArgAction::Append)]
    pub send: Vec<String>,
    /// Wait for this many messages and print them.
    #[arg(long, default_value_t = 0)]
    pub receive: usize,
    /// Bound on the whole run, in seconds.
    #[arg(long, default_value_t = 30.0)]
    pub timeout: f64,
    /// Print every piece of XML sent and received to standard error.
    #[arg(long)]
    pub trace: bool,
}

/// Why the run failed: the condition and a detail.
struct Failure(String, String);

impl Failure {
    fn new(condition: &str, detail: impl Into<String>) -> Self {
        Failure(condition.to_owned(), detail.into())
    }
}

/// Runs `xmpp connect`.
pub fn run(args: &Args) -> ExitCode {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    match connect(args, &mut out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(condition, detail)) => {
            let _ = out.flush();
            println!("error: {condition}: {detail}");
            ExitCode::FAILURE
        }
    }
}

fn config(args: &Args) -> Result<ClientConfig, Failure> {
    let jid = Jid::parse(&args.jid)
        .map_err(|e| Failure::new("jid-malformed", format!("{}: {e}", args.jid)))?;
    let mut config = ClientConfig::new(jid, args.password.clone());
    config.tls = TlsPolicy::Required;
    if args.insecure {
        config.tls_config = Some(xmpp_core::tls_config::insecure_client_config());
    } else if let Some(ca) = &args.ca {
        let pem = std::fs::read(ca).map_err(|e| Failure::new("tls", format!("{ca}: {e}")))?;
        let c = xmpp_core::tls_config::client_config_with_ca(&pem)
            .map_err(|e| Failure::new("tls", format!("{ca}: {e}")))?;
        config.tls_config = Some(c);
    }
    if let Some(name) = &args.mechanism {
        let m = Mechanism::from_name(name)
            .map_err(|_| Failure::new("invalid-mechanism", format!("unknown mechanism {name}")))?;
        config.mechanisms = Some(vec![m]);
    }
    Ok(config)
}

/// What the run still waits for.
struct Goals {
    roster_id: Option<String>,
    received: usize,
    wanted: usize,
    sends: Vec<(String, String)>,
}

impl Goals {
    fn done(&self) -> bool {
        self.roster_id.is_none() && self.received >= self.wanted && self.sends.is_empty()
    }
}

fn connect(args: &Args, out: &mut dyn Write) -> Result<(), Failure> {
    // At most a day: a bound, not a way to run forever (and no Instant overflow).
    let seconds = args.timeout;
    if !seconds.is_finite() || seconds < 0.0 {
        return Err(Failure::new(
            "usage",
            format!("--timeout {seconds}: not a number of seconds"),
        ));
    }
    let deadline = Instant::now() + Duration::from_secs_f64(seconds.min(86_400.0));
    let config = config(args)?;
    let host = args
        .host
        .clone()
        .unwrap_or_else(|| config.jid.domain().to_owned());
    let mut conn = Connection::client(config, Instant::now());
    if args.trace {
        // The first header is queued at creation, before tracing starts.
        eprintln!("C: {}", String::from_utf8_lossy(conn.pending_transmit()));
        conn.enable_trace();
    }
    let addr = (host.as_str(), args.port)
        .to_socket_addrs()
        .map_err(|e| Failure::new("network", format!("{host}: {e}")))?
        .next()
        .ok_or_else(|| Failure::new("network", format!("{host}: no address")))?;
    let remaining = deadline
        .saturating_duration_since(Instant::now())
        .max(Duration::from_millis(1));
    let mut socket = TcpStream::connect_timeout(&addr, remaining)
        .map_err(|e| Failure::new("network", format!("{addr}: {e}")))?;
    let mut goals = Goals {
        roster_id: None,
        received: 0,
        wanted: args.receive,
        sends: args
            .send
            .chunks(2)
            .map(|p| (p[0].clone(), p.get(1).cloned().unwrap_or_default()))
            .collect(),
    };
    let mut closing = false;
    let mut buf = vec![0u8; 32 * 1024];
    loop {
        flush(&mut conn, &mut socket, args.trace)?;
        while let Some(event) = conn.poll_event() {
            match event {
                Event::Online => {
                    if args.roster {
                        let id = "roster-1".to_owned();
                        let iq = Element::new(CLIENT_NS, "iq")
                            .with_attr("type", "get")
                            .with_attr("id", id.clone())
                            .with_child(Element::new(ROSTER_NS, "query"));
                        send(&mut conn, &iq)?;
                        goals.roster_id = Some(id);
                    }
                    if goals.wanted > 0 {
                        // RFC 3921 §5.1.1: messages to the bare JID reach available resources.
                        send(&mut conn, &Element::new(CLIENT_NS, "presence"))?;
                    }
                    for (to, text) in std::mem::take(&mut goals.sends) {
                        Jid::parse(&to)
                            .map_err(|e| Failure::new("jid-malformed", format!("{to}: {e}")))?;
                        let message = Element::new(CLIENT_NS, "message")
                            .with_attr("to", to)
                            .with_attr("type", "chat")
                            .with_child(Element::new(CLIENT_NS, "body").with_text(text));
                        send(&mut conn, &message)?;
                    }
                }
                Event::Stanza(stanza) => {
                    handle_stanza(&stanza, &mut goals, out)?;
                    conn.recycle(stanza);
                }
                Event::Closed(reason) => {
                    flush(&mut conn, &mut socket, args.trace)?;
                    if closing && reason.is_normal() {
                        return Ok(());
                    }
                    if closing && goals.done() {
                        // Everything asked was done; the server ended less politely.
                        return Ok(());
                    }
                    return Err(Failure::new(reason.condition(), reason.detail()));
                }
                _ => {}
            }
        }
        if conn.is_established() && goals.done() && !closing {
            closing = true;
            conn.close();
            continue;
        }
        flush(&mut conn, &mut socket, args.trace)?;
        let now = Instant::now();
        if now >= deadline {
            return Err(Failure::new(
                "timeout",
                format!("no completion within {} s", args.timeout),
            ));
        }
        let mut wait = deadline - now;
        if let Some(t) = conn.poll_timeout() {
            wait = wait.min(t.saturating_duration_since(now));
        }
        socket
            .set_read_timeout(Some(wait.max(Duration::from_millis(1))))
            .map_err(|e| Failure::new("network", e.to_string()))?;
        match socket.read(&mut buf) {
            Ok(0) => conn.handle_eof(),
            Ok(n) => conn.handle_input(&buf[..n], Instant::now()),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                conn.handle_timeout(Instant::now());
            }
            Err(e) => return Err(Failure::new("network", e.to_string())),
        }
    }
}

fn send(conn: &mut Connection, element: &Element<'_>) -> Result<(), Failure> {
    conn.send(element)
        .map_err(|e| Failure::new("undefined-condition", e.to_string()))
}

fn flush(conn: &mut Connection, socket: &mut TcpStream, trace: bool) -> Result<(), Failure> {
    if trace {
        while let Some(t) = conn.poll_trace() {
            let (arrow, bytes) = match &t {
                Traced::Sent(b) => ("C:", b),
                Traced::Received(b) => ("S:", b),
            };
            eprintln!("{arrow} {}", redact_sasl(&String::from_utf8_lossy(bytes)));
        }
    }
    while let Some(bytes) = conn.poll_transmit() {
        socket
            .write_all(&bytes)
            .map_err(|e| Failure::new("network", e.to_string()))?;
    }
    Ok(())
}

fn handle_stanza(stanza: &Stanza, goals: &mut Goals, out: &mut dyn Write) -> Result<(), Failure> {
    match stanza.kind() {
        StanzaKind::Iq if stanza.id().is_some() && stanza.id() == goals.roster_id.as_deref() => {
            goals.roster_id = None;
            let tree = stanza
                .element()
                .map_err(|e| Failure::new("bad-format", e.to_string()))?;
            if stanza.stanza_type() == Some("error") {
                return Err(stanza_failure(&tree, "the roster request was refused"));
            }
            if let Some(query) = tree.child(ROSTER_NS, "query") {
                for item in query.elements().filter(|i| i.is(ROSTER_NS, "item")) {
                    let groups: Vec<String> = item
                        .elements()
                        .filter(|g| g.is(ROSTER_NS, "group"))
                        .map(|g| g.text().into_owned())
                        .collect();
                    let _ = writeln!(
                        out,
                        "{}\t{}\t{}\t{}",
                        item.attr("jid").unwrap_or_default(),
                        item.attr("subscription").unwrap_or("none"),
                        item.attr("name").unwrap_or_default(),
                        groups.join(",")
                    );
                }
            }
        }
        StanzaKind::Message if goals.received < goals.wanted => {
            let tree = stanza
                .element()
                .map_err(|e| Failure::new("bad-format", e.to_string()))?;
            if stanza.stanza_type() == Some("error") {
                return Err(stanza_failure(&tree, "a message bounced"));
            }
            if let Some(body) = tree.child(CLIENT_NS, "body") {
                goals.received += 1;
                let from = stanza
                    .from()
                    .map(|j| j.as_str().to_owned())
                    .unwrap_or_default();
                let _ = writeln!(out, "{from} {}", escape_line(&body.text()));
            }
        }
        StanzaKind::Message if stanza.stanza_type() == Some("error") => {
            let tree = stanza
                .element()
                .map_err(|e| Failure::new("bad-format", e.to_string()))?;
            return Err(stanza_failure(&tree, "a message bounced"));
        }
        _ => {}
    }
    Ok(())
}

fn stanza_failure(tree: &Element<'_>, what: &str) -> Failure {
    match tree
        .child(CLIENT_NS, "error")
        .and_then(|e| xmpp_core::StanzaError::from_element(e).ok())
    {
        Some(e) => Failure::new(e.condition.as_str(), format!("{what} ({e})")),
        None => Failure::new("undefined-condition", what),
    }
}

/// The text with the content of SASL `<auth/>`, `<response/>`, `<challenge/>` and
/// `<success/>` elements replaced by `[redacted]`: PLAIN carries the password there.
fn redact_sasl(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('<') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let name_end = rest[1..]
            .find([' ', '>', '/'])
            .map_or(rest.len(), |n| n + 1);
        let name = &rest[1..name_end];
        let Some(tag_end) = rest.find('>') else {
            out.push_str(rest);
            return out;
        };
        let tag = &rest[..=tag_end];
        out.push_str(tag);
        rest = &rest[tag_end + 1..];
        let secret =
            matches!(name, "auth" | "response" | "challenge" | "success") && !tag.ends_with("/>");
        if secret {
            let close = format!("</{name}>");
            if let Some(end) = rest.find(&close) {
                if end > 0 {
                    out.push_str("[redacted]");
                }
                rest = &rest[end..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn escape_line(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => s.push_str("\\\\"),
            '\n' => s.push_str("\\n"),
            '\r' => s.push_str("\\r"),
            c => s.push(c),
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::redact_sasl;

    #[test]
    fn sasl_payloads_are_redacted_in_traces() {
        let t = "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGp1bGlldABwZW5jaWw=</auth><message to='a@b'><body>hi</body></message>";
        let r = redact_sasl(t);
        assert!(!r.contains("AGp1bGlldABwZW5jaWw="), "{r}");
        assert!(r.contains("mechanism='PLAIN'>[redacted]</auth>"), "{r}");
        assert!(r.contains("<body>hi</body>"), "{r}");
        assert_eq!(redact_sasl("<success xmlns='x'/>"), "<success xmlns='x'/>");
    }
}
