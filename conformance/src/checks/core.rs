//! Checks proven through the stream engine, `xmpp-core`: a server engine fed scripted
//! client bytes, and client and server engines joined in memory (through TLS where the
//! row is about TLS).

use std::sync::Arc;
use std::time::Instant;

use super::{Check, Outcome, ensure};
use xmpp_core::random::SeededRandom;
use xmpp_core::{
    Answer, ClientConfig, CloseReason, Connection, ErrorType, Event, Request, ServerConfig,
    ServerTls, StanzaError, StanzaErrorCondition, StreamErrorCondition, TlsPolicy, Traced,
};
use xmpp_sasl::scram::{ScramHash, StoredCredentials};

const HEADER: &str = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' \
    xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>";
/// PLAIN for juliet / pencil.
const AUTH: &str =
    "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGp1bGlldABwZW5jaWw=</auth>";
const AUTH_BAD: &str =
    "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGp1bGlldAB3cm9uZw==</auth>";
const RESTART: &str = "<stream:stream xmlns='jabber:client' \
    xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>";
const BIND: &str = "<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>balcony</resource></bind></iq>";
const LOGIN: [&str; 4] = [HEADER, AUTH, RESTART, BIND];

fn secret() -> xmpp_sasl::ServerSecret {
    xmpp_sasl::ServerSecret::new(*b"conformance secret for the engine").expect("long enough")
}

fn plain_server() -> Connection {
    let mut c = ServerConfig::new("example.com", None, secret());
    c.tls = TlsPolicy::Disabled;
    c.sasl.allow_plain_without_tls = true;
    c.random = Box::new(SeededRandom::new(3));
    Connection::server(c, Instant::now())
}

/// Answers the server's questions: juliet / pencil; binds accepted unless `refuse` names
/// the resource to refuse.
fn answer(conn: &mut Connection, event: &Event, refuse: Option<&str>) {
    match event {
        Event::SaslRequest { mechanism, request } => {
            let a = match request {
                Request::VerifyPassword {
                    authcid, password, ..
                } => Answer::PasswordValid(authcid == "juliet" && password.matches("pencil")),
                Request::ScramCredentials { username, .. } => {
                    let hash = match mechanism.scram() {
                        Some((ScramHash::Sha1, _)) => ScramHash::Sha1,
                        _ => ScramHash::Sha256,
                    };
                    Answer::ScramCredentials(
                        (username == "juliet")
                            .then(|| {
                                StoredCredentials::derive(hash, "pencil", b"salt of juliet!!", 4096)
                                    .ok()
                            })
                            .flatten(),
                    )
                }
                Request::DigestMd5Secret { .. } => Answer::DigestMd5Secret(None),
            };
            let _ = conn.answer_sasl(a);
        }
        Event::BindRequest { requested } => {
            if refuse.is_some() && requested.as_deref() == refuse {
                let _ = conn.refuse_bind(StanzaErrorCondition::Conflict);
            } else {
                let _ = conn.accept_bind(None);
            }
        }
        _ => {}
    }
}

/// What a server engine wrote and reported for scripted client input.
struct Served {
    out: String,
    events: Vec<Event>,
    conn: Connection,
}

impl Served {
    fn closed(&self) -> Option<&CloseReason> {
        self.events.iter().find_map(|e| match e {
            Event::Closed(r) => Some(r),
            _ => None,
        })
    }

    fn sent_error(&self) -> Option<StreamErrorCondition> {
        match self.closed() {
            Some(CloseReason::LocalError(e)) => Some(e.condition),
            _ => None,
        }
    }

    /// The first stanza the server reported.
    fn first_stanza(&self) -> Result<&xmpp_core::Stanza, String> {
        self.events
            .iter()
            .find_map(|e| match e {
                Event::Stanza(st) => Some(st),
                _ => None,
            })
            .ok_or_else(|| "no stanza".to_owned())
    }

    fn stanzas(&self) -> usize {
        self.events
            .iter()
            .filter(|e| matches!(e, Event::Stanza(_)))
            .count()
    }
}

fn feed(
    conn: &mut Connection,
    bytes: &[u8],
    refuse: Option<&str>,
    out: &mut Vec<u8>,
    events: &mut Vec<Event>,
) {
    conn.handle_input(bytes, Instant::now());
    loop {
        let mut moved = false;
        while let Some(e) = conn.poll_event() {
            answer(conn, &e, refuse);
            events.push(e);
            moved = true;
        }
        while let Some(b) = conn.poll_transmit() {
            out.extend_from_slice(&b);
            moved = true;
        }
        if !moved {
            break;
        }
    }
}

/// Feeds `script` to `conn`, then hangs up so the close reason is reported.
fn serve_on(mut conn: Connection, script: &[&str], refuse: Option<&str>, hang_up: bool) -> Served {
    let (mut out, mut events) = (Vec::new(), Vec::new());
    for piece in script {
        feed(&mut conn, piece.as_bytes(), refuse, &mut out, &mut events);
    }
    if hang_up {
        conn.handle_eof();
        while let Some(e) = conn.poll_event() {
            events.push(e);
        }
    }
    Served {
        out: String::from_utf8_lossy(&out).into_owned(),
        events,
        conn,
    }
}

fn serve(script: &[&str]) -> Served {
    serve_on(plain_server(), script, None, true)
}

fn has(out: &str, what: &str) -> Outcome {
    if out.contains(what) {
        Ok(())
    } else {
        Err(format!("expected {what:?} in {out:?}"))
    }
}

fn lacks(out: &str, what: &str) -> Outcome {
    if out.contains(what) {
        Err(format!("unexpected {what:?} in {out:?}"))
    } else {
        Ok(())
    }
}

/// The server's first header (up to and including its `>`).
fn first_header(out: &str) -> &str {
    let start = out.find("<stream:stream").unwrap_or(0);
    let end = out[start..].find('>').map_or(out.len(), |e| start + e + 1);
    &out[start..end]
}

// ---------------------------------------------------------------------------------------
// Client and server engines joined in memory.

struct Pair {
    client: Connection,
    server: Connection,
    client_events: Vec<Event>,
    server_events: Vec<Event>,
    /// Plaintext the client sent and received, below TLS.
    client_sent: String,
    client_got: String,
    refuse: Option<&'static str>,
}

fn tls_identity() -> Result<(ServerTls, Arc<rustls::ClientConfig>), String> {
    let key = rcgen::KeyPair::generate().map_err(|e| e.to_string())?;
    let cert = rcgen::CertificateParams::new(vec!["example.com".into()])
        .and_then(|p| p.self_signed(&key))
        .map_err(|e| e.to_string())?;
    let server =
        xmpp_core::tls_config::server_tls(cert.pem().as_bytes(), key.serialize_pem().as_bytes())
            .map_err(|e| e.to_string())?;
    let client = xmpp_core::tls_config::client_config_with_ca(cert.pem().as_bytes())
        .map_err(|e| e.to_string())?;
    Ok((server, client))
}

fn pair_with(
    tls: bool,
    jid: &str,
    password: &str,
    tweak: impl FnOnce(&mut ClientConfig, &mut ServerConfig),
) -> Result<Pair, String> {
    let jid = xmpp_jid::Jid::parse(jid).map_err(|e| e.to_string())?;
    let mut client = ClientConfig::new(jid, password);
    client.random = Box::new(SeededRandom::new(5));
    let mut server = if tls {
        let (identity, trust) = tls_identity()?;
        client.tls_config = Some(trust);
        ServerConfig::new("example.com", Some(identity), secret())
    } else {
        client.tls = TlsPolicy::Disabled;
        let mut s = ServerConfig::new("example.com", None, secret());
        s.tls = TlsPolicy::Disabled;
        s
    };
    server.random = Box::new(SeededRandom::new(6));
    tweak(&mut client, &mut server);
    let now = Instant::now();
    let mut client = Connection::client(client, now);
    let first = client.poll_transmit().unwrap_or_default();
    client.enable_trace();
    let mut p = Pair {
        client,
        server: Connection::server(server, now),
        client_events: Vec::new(),
        server_events: Vec::new(),
        client_sent: String::from_utf8_lossy(&first).into_owned(),
        client_got: String::new(),
        refuse: None,
    };
    p.server.handle_input(&first, now);
    p.run();
    Ok(p)
}

fn pair(tls: bool) -> Result<Pair, String> {
    pair_with(tls, "juliet@example.com/balcony", "pencil", |_, _| {})
}

impl Pair {
    fn run(&mut self) {
        let now = Instant::now();
        for _ in 0..1000 {
            let mut moved = false;
            while let Some(b) = self.client.poll_transmit() {
                self.server.handle_input(&b, now);
                moved = true;
            }
            while let Some(e) = self.server.poll_event() {
                answer(&mut self.server, &e, self.refuse);
                self.server_events.push(e);
                moved = true;
            }
            while let Some(b) = self.server.poll_transmit() {
                self.client.handle_input(&b, now);
                moved = true;
            }
            while let Some(e) = self.client.poll_event() {
                self.client_events.push(e);
                moved = true;
            }
            while let Some(t) = self.client.poll_trace() {
                match t {
                    Traced::Sent(b) => self.client_sent.push_str(&String::from_utf8_lossy(&b)),
                    Traced::Received(b) => self.client_got.push_str(&String::from_utf8_lossy(&b)),
                }
            }
            if !moved {
                return;
            }
        }
    }

    fn client_online(&self) -> bool {
        self.client_events
            .iter()
            .any(|e| matches!(e, Event::Online))
    }

    fn client_closed(&self) -> Option<&CloseReason> {
        self.client_events.iter().find_map(|e| match e {
            Event::Closed(r) => Some(r),
            _ => None,
        })
    }
}

fn online(tls: bool) -> Result<Pair, String> {
    let p = pair(tls)?;
    ensure(p.client_online(), || {
        format!("not online: {:?}", p.client_events)
    })?;
    Ok(p)
}

fn message(to: &str, body: &str) -> xmpp_xml::Element<'static> {
    xmpp_xml::Element::new(xmpp_core::ns::CLIENT_NS, "message")
        .with_attr("to", to.to_owned())
        .with_child(
            xmpp_xml::Element::new(xmpp_core::ns::CLIENT_NS, "body").with_text(body.to_owned()),
        )
}

// ---------------------------------------------------------------------------------------
// RFC 3920 §4: streams.

/// §4.1, §4.2: the receiving entity answers with a stream of its own and stanzas then flow
/// both ways over the one connection.
fn response_stream_both_ways() -> Outcome {
    let mut p = online(false)?;
    has(&p.client_got, "<stream:stream")?;
    p.client
        .send(&message("romeo@example.net", "to the server"))
        .map_err(|e| e.to_string())?;
    let mut back = message("juliet@example.com/balcony", "to the client");
    back = back.with_attr("from", "romeo@example.net");
    p.server.send(&back).map_err(|e| e.to_string())?;
    p.run();
    ensure(
        p.server_events
            .iter()
            .any(|e| matches!(e, Event::Stanza(_))),
        || "server got no stanza".into(),
    )?;
    ensure(
        p.client_events
            .iter()
            .any(|e| matches!(e, Event::Stanza(_))),
        || "client got no stanza".into(),
    )
}

/// §4.1, §4.4, §4.4.1: the client opens with a header (after an XML declaration) that
/// carries `to` and version 1.0 and no `from` or `id`.
fn client_initial_header() -> Outcome {
    let p = pair(false)?;
    let h = first_header(&p.client_sent).to_owned();
    ensure(
        p.client_sent
            .starts_with("<?xml version='1.0'?><stream:stream"),
        || p.client_sent.clone(),
    )?;
    has(&h, "to='example.com'")?;
    has(&h, "version='1.0'")?;
    lacks(&h, " from=")?;
    lacks(&h, " id=")
}

/// §4.4: the client states its default language on the initial header.
fn client_states_language() -> Outcome {
    let p = pair(false)?;
    has(first_header(&p.client_sent), "xml:lang='en'")
}

/// §4.4: the response header has `from` (the served host), an `id`, and no `to`.
fn response_header_attributes() -> Outcome {
    let s = serve(&[HEADER]);
    let h = first_header(&s.out);
    has(h, "from='example.com'")?;
    has(h, " id='")?;
    lacks(h, " to=")
}

/// §4.4: `from` and `id` on the initial header are disregarded.
fn initial_from_and_id_disregarded() -> Outcome {
    let h = RESTART.replace(
        "version='1.0'",
        "version='1.0' from='evil.example' id='chosen-by-client'",
    );
    let s = serve(&[&h, AUTH]);
    lacks(first_header(&s.out), "chosen-by-client")?;
    has(&s.out, "<success")
}

/// §4.4: the client disregards a `to` on the response header.
fn response_to_disregarded() -> Outcome {
    let mut client = Connection::client(
        {
            let mut c = ClientConfig::new(
                xmpp_jid::Jid::parse("example.com").map_err(|e| e.to_string())?,
                "",
            );
            c.tls = TlsPolicy::Disabled;
            c.mechanisms = Some(vec![xmpp_sasl::Mechanism::Anonymous]);
            c
        },
        Instant::now(),
    );
    client.handle_input(
        b"<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' \
          from='example.com' to='someone.else' id='x' version='1.0'><stream:features>\
          <mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>ANONYMOUS</mechanism></mechanisms>\
          </stream:features>",
        Instant::now(),
    );
    let mut out = Vec::new();
    while let Some(b) = client.poll_transmit() {
        out.extend_from_slice(&b);
    }
    has(&String::from_utf8_lossy(&out), "mechanism='ANONYMOUS'")
}

/// §4.4: the `to` of the initial header must be a host the server serves: otherwise
/// host-unknown, after a header naming the server (§4.7.1).
fn host_unknown() -> Outcome {
    let s = serve(&[&HEADER.replace("example.com", "example.org")]);
    ensure(
        s.sent_error() == Some(StreamErrorCondition::HostUnknown),
        || format!("{:?}", s.closed()),
    )?;
    let header_at = s.out.find("<stream:stream").ok_or("no header")?;
    let error_at = s.out.find("<stream:error>").ok_or("no error")?;
    ensure(header_at < error_at, || s.out.clone())?;
    has(first_header(&s.out), "from='example.com'")?;
    ensure(s.out.ends_with("</stream:stream>"), || s.out.clone())
}

/// §4.4: stream ids differ between streams and are 128 random bits (the OS generator).
fn stream_ids_unpredictable() -> Outcome {
    let mut ids = std::collections::HashSet::new();
    for _ in 0..32 {
        let mut c = ServerConfig::new("example.com", None, secret());
        c.tls = TlsPolicy::Disabled;
        let s = serve_on(Connection::server(c, Instant::now()), &[HEADER], None, true);
        let h = first_header(&s.out);
        let id = h
            .split(" id='")
            .nth(1)
            .and_then(|r| r.split('\'').next())
            .ok_or("no id")?;
        ensure(
            id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()),
            || id.to_owned(),
        )?;
        ensure(ids.insert(id.to_owned()), || format!("id {id} repeated"))?;
    }
    // Server-to-server streams draw their ids the same way (§8.1: dialback keys depend on
    // them).
    for _ in 0..32 {
        let config = xmpp_core::S2sConfig::new("b.example", b"k".to_vec());
        let conn = Connection::s2s_incoming(config, Instant::now());
        let header = "<stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams'                       xmlns:db='jabber:server:dialback' from='a.example' to='b.example' version='1.0'>";
        let s = serve_on(conn, &[header], None, true);
        let h = first_header(&s.out);
        let id = h
            .split(" id='")
            .nth(1)
            .and_then(|r| r.split('\'').next())
            .ok_or("no id")?;
        ensure(id.len() == 32 && ids.insert(id.to_owned()), || {
            id.to_owned()
        })?;
    }
    Ok(())
}

/// §4.4: the client's xml:lang becomes the streams' default; without one, the configured
/// default is announced.
fn stream_language() -> Outcome {
    let s = serve(&[&RESTART.replace("version='1.0'", "version='1.0' xml:lang='fr'")]);
    has(first_header(&s.out), "xml:lang='fr'")?;
    let mut c = ServerConfig::new("example.com", None, secret());
    c.tls = TlsPolicy::Disabled;
    c.default_lang = "de".into();
    let s = serve_on(Connection::server(c, Instant::now()), &[HEADER], None, true);
    has(first_header(&s.out), "xml:lang='de'")
}

/// §4.4: the server neither alters nor removes a stanza's xml:lang.
fn stanza_language_kept() -> Outcome {
    let m = "<message to='romeo@example.net' xml:lang='fr'><body>salut</body></message>";
    let s = serve_on(
        plain_server(),
        &[HEADER, AUTH, RESTART, BIND, m],
        None,
        false,
    );
    let stanza = s.first_stanza()?;
    ensure(stanza.lang() == Some("fr"), || {
        format!("{:?}", stanza.lang())
    })?;
    has(&String::from_utf8_lossy(stanza.bytes()), "xml:lang='fr'")
}

/// §4.4.1: the reply carries the lower version, compared as numbers; a higher minor version
/// is disregarded; versions never have leading zeros.
fn version_negotiation() -> Outcome {
    for (sent, want) in [
        ("1.0", "1.0"),
        ("1.5", "1.0"),
        ("1.10", "1.0"),
        ("2.0", "1.0"),
        ("0.9", "0.9"),
    ] {
        let s = serve(&[&RESTART.replace("version='1.0'", &format!("version='{sent}'"))]);
        has(first_header(&s.out), &format!("version='{want}'"))?;
    }
    let s = serve(&[HEADER]);
    lacks(&s.out, "version='01")
}

/// §4.4.1: no version means 0.0; the reply omits its version too.
fn versionless_peer() -> Outcome {
    let s = serve(&[&RESTART.replace(" version='1.0'", "")]);
    lacks(first_header(&s.out), "version=")?;
    ensure(
        s.sent_error() == Some(StreamErrorCondition::UnsupportedVersion),
        || format!("{:?}", s.closed()),
    )
}

/// §4.6, §5.1, §6.1, §7: features follow each header: STARTTLS (with required) before TLS,
/// mechanisms, and binding only after SASL.
fn features_per_stage() -> Outcome {
    let (identity, _) = tls_identity()?;
    let c = ServerConfig::new("example.com", Some(identity), secret());
    let s = serve_on(Connection::server(c, Instant::now()), &[HEADER], None, true);
    has(
        &s.out,
        "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls>",
    )?;
    lacks(&s.out, "xmpp-bind")?;
    let s = serve(&[HEADER]);
    has(
        &s.out,
        "<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>",
    )?;
    lacks(&s.out, "xmpp-bind")?;
    let s = serve(&[HEADER, AUTH, RESTART]);
    let after = s.out.rsplit("<stream:stream").next().unwrap_or_default();
    has(after, "<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>")?;
    lacks(after, "xmpp-sasl")?;
    lacks(after, "xmpp-tls")
}

/// §4.6: unknown features are passed over.
fn unknown_features_ignored() -> Outcome {
    let mut c = ClientConfig::new(
        xmpp_jid::Jid::parse("example.com").map_err(|e| e.to_string())?,
        "",
    );
    c.tls = TlsPolicy::Disabled;
    c.mechanisms = Some(vec![xmpp_sasl::Mechanism::Anonymous]);
    let mut client = Connection::client(c, Instant::now());
    client.handle_input(
        b"<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' \
          from='example.com' id='x' version='1.0'><stream:features><shiny xmlns='urn:example:new'/>\
          <mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>ANONYMOUS</mechanism></mechanisms>\
          </stream:features>",
        Instant::now(),
    );
    let mut out = Vec::new();
    while let Some(b) = client.poll_transmit() {
        out.extend_from_slice(&b);
    }
    has(&String::from_utf8_lossy(&out), "<auth ")
}

/// §4.3, §9.1.2: a stanza before authentication is refused with not-authorized and not
/// processed; the stream ends.
fn stanza_before_auth_refused() -> Outcome {
    let s = serve(&[
        HEADER,
        "<message to='romeo@example.net'><body>x</body></message>",
    ]);
    ensure(
        s.sent_error() == Some(StreamErrorCondition::NotAuthorized),
        || format!("{:?}", s.closed()),
    )?;
    ensure(s.stanzas() == 0, || "the stanza was processed".into())?;
    ensure(s.conn.is_closed(), || "still open".into())
}

/// §4.7: a detected error is sent as a stream error with its condition in the streams
/// error namespace, then the closing tag; the connection ends.
fn stream_error_sent_and_closed() -> Outcome {
    let s = serve(&[HEADER, "<message><body></message>"]);
    has(
        &s.out,
        "<stream:error><xml-not-well-formed xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>",
    )?;
    ensure(s.out.ends_with("</stream:error></stream:stream>"), || {
        s.out.clone()
    })?;
    ensure(s.conn.is_closed(), || "still open".into())
}

/// §4.7.1: an error found before any header still goes after a header.
fn error_during_setup_after_header() -> Outcome {
    let s = serve(&["<html>"]);
    let h = s.out.find("<stream:stream").ok_or("no header")?;
    let e = s.out.find("<stream:error>").ok_or("no error")?;
    ensure(h < e, || s.out.clone())?;
    ensure(s.out.ends_with("</stream:stream>"), || s.out.clone())
}

/// §4.7.2: the text is in the streams error namespace and says its language.
fn stream_error_text() -> Outcome {
    let s = serve(&[&HEADER.replace("example.com", "example.org")]);
    has(
        &s.out,
        "<text xmlns='urn:ietf:params:xml:ns:xmpp-streams' xml:lang='en'>",
    )
}

/// §4.7.2, §4.7.4: an application condition travels in its own namespace beside the defined
/// condition, and is read back.
fn stream_error_application_condition() -> Outcome {
    let mut p = online(false)?;
    let app = xmpp_xml::Element::new("urn:example:app", "too-many-sessions");
    p.server.close_with_error(
        xmpp_core::StreamError::new(StreamErrorCondition::PolicyViolation).with_application(app),
    );
    p.run();
    match p.client_closed() {
        Some(CloseReason::PeerError(e)) => {
            ensure(e.condition == StreamErrorCondition::PolicyViolation, || {
                format!("{e:?}")
            })?;
            ensure(
                e.application
                    .as_ref()
                    .is_some_and(|a| a.is("urn:example:app", "too-many-sessions")),
                || format!("{e:?}"),
            )
        }
        other => Err(format!("{other:?}")),
    }
}

/// §4.6 (closing): after a closing tag both sides close; the connection is then dropped.
fn closing_handshake() -> Outcome {
    let mut p = online(true)?;
    p.client.close();
    p.run();
    ensure(p.client.is_closed() && p.server.is_closed(), || {
        "not both closed".into()
    })?;
    ensure(p.client_closed() == Some(&CloseReason::Normal), || {
        format!("{:?}", p.client_closed())
    })
}

// ---------------------------------------------------------------------------------------
// RFC 3920 §5: STARTTLS.

/// §5: a client that uses TLS finishes it before SASL, then restarts the stream; the new
/// features offer no STARTTLS; both sides forget the first stream.
fn tls_then_sasl_then_restart() -> Outcome {
    let p = online(true)?;
    let tls_at = p
        .client_events
        .iter()
        .position(|e| matches!(e, Event::TlsEstablished))
        .ok_or("no TLS")?;
    let auth_at = p
        .client_events
        .iter()
        .position(|e| matches!(e, Event::Authenticated { .. }))
        .ok_or("no SASL")?;
    ensure(tls_at < auth_at, || "SASL before TLS".into())?;
    let features: Vec<_> = p
        .client_events
        .iter()
        .filter_map(|e| match e {
            Event::Features(f) => Some(f),
            _ => None,
        })
        .collect();
    ensure(features.len() == 3, || format!("{features:?}"))?;
    ensure(features[0].starttls == Some(true), || {
        "no starttls first".into()
    })?;
    ensure(
        features[1].starttls.is_none() && !features[1].mechanisms.is_empty(),
        || format!("{:?}", features[1]),
    )?;
    ensure(
        features[2].starttls.is_none() && features[2].mechanisms.is_empty(),
        || format!("{:?}", features[2]),
    )?;
    let headers = p.client_sent.matches("<stream:stream").count();
    ensure(headers == 3, || format!("{headers} headers sent"))
}

/// §5.2: proceed, then TLS right after its `>`: bytes after starttls in plaintext are
/// refused, not read as if protected.
fn tls_starts_after_proceed() -> Outcome {
    let (identity, _) = tls_identity()?;
    let c = ServerConfig::new("example.com", Some(identity), secret());
    let s = serve_on(
        Connection::server(c, Instant::now()),
        &[
            HEADER,
            "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/><message/>",
        ],
        None,
        true,
    );
    lacks(&s.out, "<proceed")?;
    ensure(
        s.sent_error() == Some(StreamErrorCondition::PolicyViolation),
        || format!("{:?}", s.closed()),
    )?;
    let (identity, _) = tls_identity()?;
    let c = ServerConfig::new("example.com", Some(identity), secret());
    let s = serve_on(
        Connection::server(c, Instant::now()),
        &[
            HEADER,
            "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>",
        ],
        None,
        false,
    );
    ensure(
        s.out
            .ends_with("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"),
        || s.out.clone(),
    )
}

/// §5.2: without TLS to offer, starttls gets failure and the stream ends.
fn tls_failure_closes() -> Outcome {
    let s = serve(&[
        HEADER,
        "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>",
    ]);
    has(
        &s.out,
        "<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:stream>",
    )?;
    ensure(s.conn.is_closed(), || "still open".into())
}

/// §5.1, §14.2: the client verifies the certificate against the name it was given.
fn certificate_verified() -> Outcome {
    let (identity, _) = tls_identity()?;
    let (_, other_trust) = tls_identity()?;
    let jid = xmpp_jid::Jid::parse("juliet@example.com").map_err(|e| e.to_string())?;
    let mut client = ClientConfig::new(jid, "pencil");
    client.tls_config = Some(other_trust);
    let now = Instant::now();
    let mut p = Pair {
        client: Connection::client(client, now),
        server: Connection::server(
            ServerConfig::new("example.com", Some(identity), secret()),
            now,
        ),
        client_events: Vec::new(),
        server_events: Vec::new(),
        client_sent: String::new(),
        client_got: String::new(),
        refuse: None,
    };
    p.run();
    ensure(
        matches!(p.client_closed(), Some(CloseReason::Tls(_))),
        || format!("{:?}", p.client_closed()),
    )?;
    ensure(!p.client_online(), || {
        "online with an untrusted certificate".into()
    })
}

/// §5.1 rule 3/§4.3: a client requiring TLS does not go on without it.
fn client_requires_tls() -> Outcome {
    let jid = xmpp_jid::Jid::parse("juliet@example.com").map_err(|e| e.to_string())?;
    let now = Instant::now();
    let mut s = ServerConfig::new("example.com", None, secret());
    s.tls = TlsPolicy::Disabled;
    let mut p = Pair {
        client: Connection::client(ClientConfig::new(jid, "pencil"), now),
        server: Connection::server(s, now),
        client_events: Vec::new(),
        server_events: Vec::new(),
        client_sent: String::new(),
        client_got: String::new(),
        refuse: None,
    };
    p.run();
    ensure(
        matches!(p.client_closed(), Some(CloseReason::Unsupported(_))),
        || format!("{:?}", p.client_closed()),
    )
}

// ---------------------------------------------------------------------------------------
// RFC 3920 §6: SASL.

/// §6.2: after a failure (or an abort) at least two more attempts are allowed; then the
/// stream and the connection end.
fn sasl_retries() -> Outcome {
    let s = serve_on(
        plain_server(),
        &[HEADER, AUTH_BAD, AUTH_BAD, AUTH],
        None,
        false,
    );
    has(&s.out, "<success")?;
    let s = serve(&[HEADER, AUTH_BAD, AUTH_BAD, AUTH_BAD]);
    ensure(s.out.matches("<not-authorized/>").count() == 3, || {
        s.out.clone()
    })?;
    ensure(
        s.out.ends_with("</stream:stream>") && s.conn.is_closed(),
        || s.out.clone(),
    )?;
    let abort = "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='DIGEST-MD5'/><abort xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>";
    let s = serve_on(plain_server(), &[HEADER, abort, abort, AUTH], None, false);
    ensure(s.out.matches("<aborted/>").count() == 2, || s.out.clone())?;
    has(&s.out, "<success")?;
    let s = serve(&[HEADER, abort, abort, abort]);
    ensure(s.conn.is_closed(), || s.out.clone())
}

/// §6.2: after success the client opens a new stream without closing the old one; the
/// server answers with a new header and features without STARTTLS or SASL.
fn sasl_restart() -> Outcome {
    let p = online(false)?;
    lacks(&p.client_sent, "</stream:stream>")?;
    let after_success = p.client_sent.split("<stream:stream").count() - 1;
    ensure(after_success == 2, || p.client_sent.clone())?;
    let s = serve(&[HEADER, AUTH, RESTART]);
    let after = s.out.rsplit("<stream:stream").next().unwrap_or_default();
    lacks(after, "xmpp-sasl")?;
    lacks(after, "xmpp-tls")?;
    has(after, "<stream:features>")
}

/// §6.1: a client authenticates with its account name (the node) as the user name.
fn sasl_username_is_node() -> Outcome {
    let p = pair(false)?;
    let auth = p.client_sent.split("<auth").nth(1).ok_or("no auth")?;
    let payload = auth
        .split('>')
        .nth(1)
        .and_then(|r| r.split('<').next())
        .unwrap_or_default();
    let decoded = xmpp_sasl::decode_payload(payload)
        .map_err(|e| e.to_string())?
        .unwrap_or_default();
    has(&String::from_utf8_lossy(&decoded), "n=juliet,")
}

// ---------------------------------------------------------------------------------------
// RFC 3920 §7 and RFC 3921 §3: binding and session.

/// §7: binding is offered after SASL, the client binds with an iq set, the server
/// answers with a result holding the full JID.
fn bind_flow() -> Outcome {
    let p = online(false)?;
    has(&p.client_sent, "<iq type='set' id='")?;
    has(
        &p.client_sent,
        "<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>balcony</resource></bind>",
    )?;
    has(&p.client_got, "<jid>juliet@example.com/balcony</jid>")?;
    ensure(
        p.client_events
            .iter()
            .any(|e| matches!(e, Event::Bound(j) if j.as_str() == "juliet@example.com/balcony")),
        || format!("{:?}", p.client_events),
    )
}

/// §7: a server generates a resource when the client asks for none; generated resources
/// differ.
fn bind_generated_resource() -> Outcome {
    let bind = "<iq type='set' id='g'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>";
    let mut seen = std::collections::HashSet::new();
    for seed in 0..8 {
        let mut c = ServerConfig::new("example.com", None, secret());
        c.tls = TlsPolicy::Disabled;
        c.sasl.allow_plain_without_tls = true;
        c.random = Box::new(SeededRandom::new(100 + seed));
        let s = serve_on(
            Connection::server(c, Instant::now()),
            &[HEADER, AUTH, RESTART, bind],
            None,
            false,
        );
        let jid = s
            .out
            .split("<jid>")
            .nth(1)
            .and_then(|r| r.split("</jid>").next())
            .ok_or("no jid")?;
        let resource = jid
            .strip_prefix("juliet@example.com/")
            .ok_or_else(|| jid.to_owned())?;
        ensure(
            !resource.is_empty() && seen.insert(resource.to_owned()),
            || jid.to_owned(),
        )?;
    }
    Ok(())
}

/// §7: the server takes the resource the client asked for.
fn bind_takes_requested() -> Outcome {
    let s = serve_on(plain_server(), &LOGIN, None, false);
    has(&s.out, "<jid>juliet@example.com/balcony</jid>")
}

/// §7: before binding, stanzas other than the bind request are not processed and get a
/// not-authorized stanza error.
fn stanza_before_bind() -> Outcome {
    let m = "<message id='m1' to='romeo@example.net'><body>x</body></message>";
    let s = serve_on(
        plain_server(),
        &[HEADER, AUTH, RESTART, m, BIND],
        None,
        false,
    );
    has(&s.out, "id='m1' type='error'")?;
    has(
        &s.out,
        "<not-authorized xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>",
    )?;
    ensure(s.stanzas() == 0, || "processed".into())?;
    has(&s.out, "<jid>juliet@example.com/balcony</jid>")
}

/// §7 and RFC 3921 §3: a resource in use is refused with a conflict stanza error and the
/// stream stays open for another attempt.
fn bind_conflict_refused_stream_open() -> Outcome {
    let other = BIND.replace("balcony", "garden").replace("b1", "b2");
    let s = serve_on(
        plain_server(),
        &[HEADER, AUTH, RESTART, BIND, &other],
        Some("balcony"),
        false,
    );
    has(&s.out, "<iq id='b1' type='error'>")?;
    has(
        &s.out,
        "<conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>",
    )?;
    has(&s.out, "<jid>juliet@example.com/garden</jid>")?;
    ensure(!s.conn.is_closed(), || "closed".into())
}

/// 3921-3-6, 3921-3-7: a server that cannot make a session, or may not give one to this
/// user or resource, answers the session request with the error (the application decides
/// through `Event::SessionRequest`); the stream stays open, and an accepted request gets
/// its result.
fn session_refused() -> Outcome {
    const SESSION: &str =
        "<iq type='set' id='s1'><session xmlns='urn:ietf:params:xml:ns:xmpp-session'/></iq>";
    for refusal in [
        Some(StanzaErrorCondition::InternalServerError),
        Some(StanzaErrorCondition::Forbidden),
        None,
    ] {
        let mut c = ServerConfig::new("example.com", None, secret());
        c.tls = TlsPolicy::Disabled;
        c.sasl.allow_plain_without_tls = true;
        c.session_decision = true;
        c.random = Box::new(SeededRandom::new(5));
        let mut s = serve_on(Connection::server(c, Instant::now()), &LOGIN, None, false);
        let (mut out, mut events) = (Vec::new(), Vec::new());
        feed(&mut s.conn, SESSION.as_bytes(), None, &mut out, &mut events);
        ensure(
            events.iter().any(|e| matches!(e, Event::SessionRequest)),
            || format!("no session request reported: {events:?}"),
        )?;
        ensure(out.is_empty(), || {
            "answered before the application decided".into()
        })?;
        match &refusal {
            Some(cond) => s.conn.refuse_session(cond.clone()),
            None => s.conn.accept_session(),
        }
        .map_err(|e| e.to_string())?;
        while let Some(b) = s.conn.poll_transmit() {
            out.extend_from_slice(&b);
        }
        let text = String::from_utf8_lossy(&out).into_owned();
        match &refusal {
            Some(cond) => {
                has(&text, "type='error'")?;
                has(&text, "id='s1'")?;
                has(&text, &format!("<{}", cond.as_str()))?;
            }
            None => has(&text, "<iq type='result' id='s1'/>")?,
        }
        ensure(!s.conn.is_closed(), || "the stream closed".into())?;
    }
    Ok(())
}

/// RFC 3921 §3: the session feature after SASL, the client's session request, the result.
fn session_established() -> Outcome {
    let p = online(false)?;
    has(
        &p.client_got,
        "<session xmlns='urn:ietf:params:xml:ns:xmpp-session'/>",
    )?;
    has(
        &p.client_sent,
        "<session xmlns='urn:ietf:params:xml:ns:xmpp-session'/></iq>",
    )?;
    let bound = p
        .client_events
        .iter()
        .position(|e| matches!(e, Event::Bound(_)))
        .ok_or("not bound")?;
    let auth = p
        .client_events
        .iter()
        .position(|e| matches!(e, Event::Authenticated { .. }))
        .ok_or("no auth")?;
    let online_at = p
        .client_events
        .iter()
        .position(|e| matches!(e, Event::Online))
        .ok_or("no online")?;
    ensure(auth < bound && bound < online_at, || {
        format!("{:?}", p.client_events)
    })
}

// ---------------------------------------------------------------------------------------
// RFC 3920 §9: stanzas.

/// §9.1.2: the server stamps the full JID on a stanza without `from`; a `from` of another
/// entity ends the stream with invalid-from.
fn from_stamped_or_refused() -> Outcome {
    let m = "<message to='romeo@example.net'><body>x</body></message>";
    let s = serve_on(
        plain_server(),
        &[HEADER, AUTH, RESTART, BIND, m],
        None,
        false,
    );
    let st = s.first_stanza()?;
    ensure(
        st.from().map(|f| f.as_str()) == Some("juliet@example.com/balcony"),
        || format!("{st:?}"),
    )?;
    let spoof = "<message from='romeo@example.net/x' to='a@b'/>";
    let s = serve(&[HEADER, AUTH, RESTART, BIND, spoof]);
    ensure(
        s.sent_error() == Some(StreamErrorCondition::InvalidFrom),
        || format!("{:?}", s.closed()),
    )?;
    ensure(s.conn.is_closed(), || "still open".into())
}

/// §9.1.2: a stanza without `from` reaches the client as from its server.
fn client_absent_from_is_server() -> Outcome {
    let mut p = online(false)?;
    p.server
        .send(&message("juliet@example.com/balcony", "from the server"))
        .map_err(|e| e.to_string())?;
    p.run();
    let st = p
        .client_events
        .iter()
        .find_map(|e| match e {
            Event::Stanza(s) => Some(s),
            _ => None,
        })
        .ok_or("nothing received")?;
    ensure(st.from().is_none(), || format!("{st:?}"))
}

/// §9.1.1: an invalid `to` gets an error from the server with `from` set to that address.
fn invalid_to_answered() -> Outcome {
    let s = serve_on(
        plain_server(),
        &[HEADER, AUTH, RESTART, BIND, "<message id='x' to='@@'/>"],
        None,
        false,
    );
    has(&s.out, "<message id='x' type='error'>")?;
    has(
        &s.out,
        "<jid-malformed xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>",
    )
}

/// §9.2.3: an iq without id cannot be answered (every iq, answers included, has an id) and
/// ends the stream; an unknown type gets bad-request; a get/set the server handles
/// (session) is answered with the same id.
fn iq_rules() -> Outcome {
    let s = serve(&[
        HEADER,
        AUTH,
        RESTART,
        BIND,
        "<iq type='get'><q xmlns='urn:x'/></iq>",
    ]);
    ensure(
        s.sent_error() == Some(StreamErrorCondition::InvalidXml),
        || format!("{:?}", s.closed()),
    )?;
    lacks(&s.out, "type='error'>")?;
    let s = serve_on(
        plain_server(),
        &[
            HEADER,
            AUTH,
            RESTART,
            BIND,
            "<iq id='t' type='fetch'><q xmlns='urn:x'/></iq>",
        ],
        None,
        false,
    );
    has(&s.out, "<iq id='t' type='error'>")?;
    has(
        &s.out,
        "<bad-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>",
    )?;
    let session =
        "<iq type='set' id='sess-7'><session xmlns='urn:ietf:params:xml:ns:xmpp-session'/></iq>";
    let s = serve_on(
        plain_server(),
        &[HEADER, AUTH, RESTART, BIND, session],
        None,
        false,
    );
    has(&s.out, "<iq type='result' id='sess-7'/>")
}

fn parse(xml: &str) -> Result<xmpp_xml::Element<'static>, String> {
    let mut p = xmpp_xml::Parser::document(xmpp_xml::Limits::default());
    p.feed(xml.as_bytes());
    match p.next_event().map_err(|e| e.to_string())? {
        Some(xmpp_xml::Event::Stanza(s)) => {
            Ok(s.to_element().map_err(|e| e.to_string())?.into_owned())
        }
        other => Err(format!("{other:?}")),
    }
}

/// §9.3.1, §9.3.2: the error reply is the same kind with type error, the same id, the
/// original payload, an error element with a defined condition in the stanzas namespace
/// and a text that says its language; an error is never answered with an error.
fn stanza_error_reply() -> Outcome {
    let iq = parse(
        "<iq xmlns='jabber:client' from='a@b/c' to='d@e' id='q1' type='get'><query xmlns='urn:x'/></iq>",
    )?;
    let reply = StanzaError::new(StanzaErrorCondition::ServiceUnavailable)
        .with_text("nobody here")
        .reply_to(iq.as_ref())
        .ok_or("no reply")?;
    let mut out = Vec::new();
    reply.write_to(&mut out).map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&out).into_owned();
    has(
        &text,
        "<iq xmlns='jabber:client' to='a@b/c' from='d@e' id='q1' type='error'><query xmlns='urn:x'/>",
    )?;
    has(
        &text,
        "<error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>",
    )?;
    has(
        &text,
        "<text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas' xml:lang='en'>nobody here</text>",
    )?;
    let err = parse(&text)?;
    ensure(
        StanzaError::new(StanzaErrorCondition::BadRequest)
            .reply_to(err.as_ref())
            .is_none(),
        || "error answered".into(),
    )
}

/// §9.3.2: the five types, the defined conditions, an application condition in its own
/// namespace: written and read back; an error element without a type or condition is
/// refused.
fn stanza_error_syntax() -> Outcome {
    for c in StanzaErrorCondition::all() {
        for t in ErrorType::ALL {
            let mut e = StanzaError::new(c.clone());
            e.kind = t;
            e.application = Some(xmpp_xml::Element::new("urn:example:app", "detail"));
            let mut out = Vec::new();
            e.to_element("jabber:client")
                .write_to(&mut out)
                .map_err(|e| e.to_string())?;
            let back = parse(&String::from_utf8_lossy(&out))?;
            let read = StanzaError::from_element(back.as_ref()).map_err(|e| e.to_string())?;
            ensure(read == e, || format!("{read:?} != {e:?}"))?;
        }
    }
    let bad = parse(
        "<error xmlns='jabber:client'><bad-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>",
    )?;
    ensure(StanzaError::from_element(bad.as_ref()).is_err(), || {
        "typeless error accepted".into()
    })
}

/// §9.3.3: each condition travels with the type the RFC names for it.
fn stanza_error_default_types() -> Outcome {
    use ErrorType::*;
    use StanzaErrorCondition::*;
    let table = [
        (BadRequest, Modify),
        (Conflict, Cancel),
        (FeatureNotImplemented, Cancel),
        (Forbidden, Auth),
        (Gone(None), Modify),
        (InternalServerError, Wait),
        (ItemNotFound, Cancel),
        (JidMalformed, Modify),
        (NotAcceptable, Modify),
        (NotAllowed, Cancel),
        (NotAuthorized, Auth),
        (PaymentRequired, Auth),
        (RecipientUnavailable, Wait),
        (Redirect(None), Modify),
        (RegistrationRequired, Auth),
        (RemoteServerNotFound, Cancel),
        (RemoteServerTimeout, Wait),
        (ResourceConstraint, Wait),
        (ServiceUnavailable, Cancel),
        (SubscriptionRequired, Auth),
        (UnexpectedRequest, Wait),
    ];
    for (c, t) in table {
        ensure(StanzaError::new(c.clone()).kind == t, || {
            format!("{c} is not {t:?}")
        })?;
    }
    Ok(())
}

/// §9.3.3: gone and redirect carry the new address as character data.
fn stanza_error_addresses() -> Outcome {
    let e = StanzaError::new(StanzaErrorCondition::Redirect(Some(
        "xmpp:romeo@example.net".into(),
    )));
    let mut out = Vec::new();
    e.to_element("jabber:client")
        .write_to(&mut out)
        .map_err(|e| e.to_string())?;
    has(
        &String::from_utf8_lossy(&out),
        ">xmpp:romeo@example.net</redirect>",
    )
}

// ---------------------------------------------------------------------------------------
// RFC 3920 §8: server dialback.

fn s2s_config(domain: &str, secret: &[u8], seed: u64) -> xmpp_core::S2sConfig {
    let mut c = xmpp_core::S2sConfig::new(domain, secret.to_vec());
    c.tls = TlsPolicy::Disabled;
    c.random = Box::new(SeededRandom::new(seed));
    c
}

fn s2s_pump(a: &mut Connection, b: &mut Connection) -> (Vec<Event>, Vec<Event>) {
    let (mut ea, mut eb) = (Vec::new(), Vec::new());
    let now = Instant::now();
    for _ in 0..1000 {
        let mut moved = false;
        while let Some(x) = a.poll_transmit() {
            b.handle_input(&x, now);
            moved = true;
        }
        while let Some(x) = b.poll_transmit() {
            a.handle_input(&x, now);
            moved = true;
        }
        while let Some(e) = a.poll_event() {
            ea.push(e);
            moved = true;
        }
        while let Some(e) = b.poll_event() {
            eb.push(e);
            moved = true;
        }
        if !moved {
            break;
        }
    }
    (ea, eb)
}

/// What an incoming s2s stream writes and reports for scripted input.
fn s2s_serve(script: &[&str]) -> Served {
    let conn = Connection::s2s_incoming(s2s_config("b.example", b"secret of b", 9), Instant::now());
    serve_on(conn, script, None, true)
}

const S2S_HEADER: &str = "<stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams' \
    xmlns:db='jabber:server:dialback' from='a.example' to='b.example' version='1.0'>";

/// a.example dials b.example; b.example checks the key with an authority holding
/// `authority_secret`. Returns (originating events, receiving stream after the answer).
fn dialback_run(authority_secret: &[u8]) -> (Vec<Event>, Connection, Vec<Event>) {
    let now = Instant::now();
    let mut out =
        Connection::s2s_outgoing(s2s_config("a.example", b"secret of a", 1), "b.example", now);
    let mut inc = Connection::s2s_incoming(s2s_config("b.example", b"secret of b", 2), now);
    let (mut ea, mut eb) = s2s_pump(&mut out, &mut inc);
    let request = eb.iter().find_map(|e| match e {
        Event::DialbackRequest {
            originating,
            receiving,
            key,
            stream_id,
        } => Some((
            originating.clone(),
            receiving.clone(),
            key.clone(),
            stream_id.clone(),
        )),
        _ => None,
    });
    if let Some((o, r, key, id)) = request {
        let mut verify = Connection::s2s_verify(
            s2s_config("b.example", b"secret of b", 3),
            &o,
            &id,
            &key,
            now,
        );
        let mut authority =
            Connection::s2s_incoming(s2s_config("a.example", authority_secret, 4), now);
        let (ev, _) = s2s_pump(&mut verify, &mut authority);
        let valid = ev
            .iter()
            .any(|e| matches!(e, Event::DialbackVerified { valid: true, .. }));
        let _ = inc.dialback_result(&o, &r, valid);
        let (a2, b2) = s2s_pump(&mut out, &mut inc);
        ea.extend(a2);
        eb.extend(b2);
    }
    (ea, inc, eb)
}

/// §8.1, §8.3: keys depend on both host names, the receiver's stream id and a secret
/// (XEP-0185's recipe and example vector).
fn dialback_key_inputs() -> Outcome {
    let k = xmpp_core::dialback_key(
        b"s3cr3tf0rd14lb4ck",
        "xmpp.example.com",
        "example.org",
        "D60000229F",
    );
    ensure(
        k == "37c69b1cf07a3f67c04a5ef5902fa5114f2c76fe4a2686482ba5b89323075643",
        || k.clone(),
    )?;
    for other in [
        xmpp_core::dialback_key(
            b"s3cr3tf0rd14lb4ck",
            "xmpp.example.com",
            "example.org",
            "D60000229G",
        ),
        xmpp_core::dialback_key(
            b"s3cr3tf0rd14lb4cK",
            "xmpp.example.com",
            "example.org",
            "D60000229F",
        ),
        xmpp_core::dialback_key(
            b"s3cr3tf0rd14lb4ck",
            "xmpp.example.net",
            "example.org",
            "D60000229F",
        ),
        xmpp_core::dialback_key(
            b"s3cr3tf0rd14lb4ck",
            "xmpp.example.com",
            "example.net",
            "D60000229F",
        ),
    ] {
        ensure(other != k, || "a key input had no effect".into())?;
    }
    Ok(())
}

/// §8.3: the receiving server answers with a header carrying a fresh id; the originating
/// server's key is bound to that id; a valid key lets stanzas through.
fn dialback_valid() -> Outcome {
    let (ea, mut inc, _) = dialback_run(b"secret of a");
    ensure(ea.iter().any(|e| matches!(e, Event::Online)), || {
        format!("{ea:?}")
    })?;
    ensure(inc.s2s_is_verified("a.example", "b.example"), || {
        "not verified".into()
    })?;
    // One direction per stream: the incoming stream sends nothing back.
    ensure(
        inc.send(&xmpp_xml::Element::new(xmpp_xml::SERVER_NS, "message"))
            .is_err(),
        || "sent on an incoming stream".into(),
    )
}

/// §8.3: an invalid key ends the stream.
fn dialback_invalid_closes() -> Outcome {
    let (ea, inc, _) = dialback_run(b"some other secret");
    ensure(!ea.iter().any(|e| matches!(e, Event::Online)), || {
        "online with a bad key".into()
    })?;
    ensure(
        inc.is_closed() || !inc.s2s_is_verified("a.example", "b.example"),
        || "verified".into(),
    )?;
    ensure(ea.iter().any(|e| matches!(e, Event::Closed(_))), || {
        format!("{ea:?}")
    })
}

/// §8.3: a header for a host not served gets host-unknown; the reply header has an id.
fn dialback_host_unknown() -> Outcome {
    let s = s2s_serve(&[&S2S_HEADER.replace("to='b.example'", "to='c.example'")]);
    ensure(
        s.sent_error() == Some(StreamErrorCondition::HostUnknown),
        || format!("{:?}", s.closed()),
    )?;
    let s = s2s_serve(&[S2S_HEADER]);
    has(first_header(&s.out), " id='")
}

/// §8.3: a wrong streams namespace or default namespace is refused with invalid-namespace.
fn dialback_invalid_namespace() -> Outcome {
    let s = s2s_serve(&[&S2S_HEADER.replace("xmlns='jabber:server'", "xmlns='jabber:client'")]);
    ensure(
        matches!(
            s.sent_error(),
            Some(StreamErrorCondition::InvalidNamespace | StreamErrorCondition::BadNamespacePrefix)
        ),
        || format!("{:?}", s.closed()),
    )
}

/// §8.3: the authoritative server answers db:verify: valid for its own key, invalid
/// otherwise; host-unknown for a domain it does not serve; invalid-from when the verify
/// names another domain than the stream's.
fn dialback_authoritative() -> Outcome {
    let key = xmpp_core::dialback_key(b"secret of b", "a.example", "b.example", "s-1");
    let verify = |id: &str, to: &str, from: &str| {
        format!("<db:verify from='{from}' to='{to}' id='{id}'>{key}</db:verify>")
    };
    let s = s2s_serve(&[S2S_HEADER, &verify("s-1", "b.example", "a.example")]);
    has(
        &s.out,
        "from='b.example' to='a.example' id='s-1' type='valid'/>",
    )?;
    let s = s2s_serve(&[S2S_HEADER, &verify("s-2", "b.example", "a.example")]);
    has(&s.out, "id='s-2' type='invalid'/>")?;
    let s = s2s_serve(&[S2S_HEADER, &verify("s-1", "c.example", "a.example")]);
    ensure(
        s.sent_error() == Some(StreamErrorCondition::HostUnknown),
        || format!("{:?}", s.closed()),
    )?;
    let s = s2s_serve(&[S2S_HEADER, &verify("s-1", "b.example", "x.example")]);
    ensure(
        s.sent_error() == Some(StreamErrorCondition::InvalidFrom),
        || format!("{:?}", s.closed()),
    )
}

/// §8.3, §9.1.2: stanzas between servers need both addresses (improper-addressing) and a
/// from domain validated on the stream (invalid-from); both end the stream.
fn dialback_stanza_addressing() -> Outcome {
    let s = s2s_serve(&[
        S2S_HEADER,
        "<message from='juliet@a.example' to='romeo@b.example'/>",
    ]);
    ensure(
        s.sent_error() == Some(StreamErrorCondition::InvalidFrom),
        || format!("{:?}", s.closed()),
    )?;
    let s = s2s_serve(&[S2S_HEADER, "<message from='juliet@a.example'/>"]);
    ensure(
        s.sent_error() == Some(StreamErrorCondition::ImproperAddressing),
        || format!("{:?}", s.closed()),
    )?;
    ensure(s.conn.is_closed(), || "still open".into())
}

/// §8.3: after one domain is validated, further db:result requests on the same stream are
/// accepted.
fn dialback_more_domains() -> Outcome {
    let s = s2s_serve(&[
        S2S_HEADER,
        "<db:result from='a.example' to='b.example'>k1</db:result>",
        "<db:result from='conference.a.example' to='b.example'>k2</db:result>",
    ]);
    let asked = s
        .events
        .iter()
        .filter(|e| matches!(e, Event::DialbackRequest { .. }))
        .count();
    ensure(asked == 2, || format!("{:?}", s.events))
}

/// §8.3: on a verification stream, an answer naming another host, another originating
/// domain or another stream id is a stream error (host-unknown, invalid-from, invalid-id).
fn dialback_verify_answer_checked() -> Outcome {
    let cases = [
        (
            "<db:verify from='a.example' to='c.example' id='s-1' type='valid'/>",
            StreamErrorCondition::HostUnknown,
        ),
        (
            "<db:verify from='x.example' to='b.example' id='s-1' type='valid'/>",
            StreamErrorCondition::InvalidFrom,
        ),
        (
            "<db:verify from='a.example' to='b.example' id='s-2' type='valid'/>",
            StreamErrorCondition::InvalidId,
        ),
    ];
    for (answer, want) in cases {
        let conn = Connection::s2s_verify(
            s2s_config("b.example", b"secret of b", 5),
            "a.example",
            "s-1",
            "abc",
            Instant::now(),
        );
        let header = "<stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams' \
                      xmlns:db='jabber:server:dialback' from='a.example' id='v1' version='1.0'>\
                      <stream:features><dialback xmlns='urn:xmpp:features:dialback'/></stream:features>";
        let s = serve_on(conn, &[header, answer], None, true);
        ensure(s.sent_error() == Some(want), || {
            format!("{answer}: {:?}", s.closed())
        })?;
        ensure(
            !s.events
                .iter()
                .any(|e| matches!(e, Event::DialbackVerified { .. })),
            || "reported".into(),
        )?;
    }
    Ok(())
}

/// §8.3: the originating side refuses a reply stream in the wrong namespace.
fn dialback_outgoing_namespace() -> Outcome {
    let conn = Connection::s2s_outgoing(
        s2s_config("a.example", b"secret of a", 6),
        "b.example",
        Instant::now(),
    );
    let header = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' \
                  xmlns:db='jabber:server:dialback' from='b.example' id='v1' version='1.0'>";
    let s = serve_on(conn, &[header], None, true);
    ensure(
        matches!(
            s.sent_error(),
            Some(StreamErrorCondition::InvalidNamespace | StreamErrorCondition::BadNamespacePrefix)
        ),
        || format!("{:?}", s.closed()),
    )?;
    lacks(&s.out, "db:result")
}

/// §5.1, §5.2: the client takes TLS as started right after `<proceed/>`: plaintext after
/// it is refused, not read.
fn client_tls_after_proceed() -> Outcome {
    let (_, trust) = tls_identity()?;
    let jid = xmpp_jid::Jid::parse("juliet@example.com").map_err(|e| e.to_string())?;
    let mut config = ClientConfig::new(jid, "pencil");
    config.tls_config = Some(trust);
    let conn = Connection::client(config, Instant::now());
    let header = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' \
                  from='example.com' id='c1' version='1.0'><stream:features>\
                  <starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls></stream:features>";
    let s = serve_on(
        conn,
        &[
            header,
            "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/><success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>",
        ],
        None,
        true,
    );
    ensure(
        s.sent_error() == Some(StreamErrorCondition::PolicyViolation),
        || format!("{:?}", s.closed()),
    )?;
    ensure(
        !s.events
            .iter()
            .any(|e| matches!(e, Event::Authenticated { .. })),
        || "plaintext read as protected".into(),
    )
}

/// §5.2: a failed TLS handshake ends the connection.
fn tls_handshake_failure() -> Outcome {
    let (identity, _) = tls_identity()?;
    let c = ServerConfig::new("example.com", Some(identity), secret());
    let mut s = serve_on(
        Connection::server(c, Instant::now()),
        &[
            HEADER,
            "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>",
        ],
        None,
        false,
    );
    s.conn.handle_input(
        b"\x16\x03\x01\x00\x05not a client hello at all",
        Instant::now(),
    );
    let events: Vec<Event> = std::iter::from_fn(|| s.conn.poll_event()).collect();
    ensure(s.conn.is_closed(), || "still open".into())?;
    ensure(
        events
            .iter()
            .any(|e| matches!(e, Event::Closed(CloseReason::Tls(_)))),
        || format!("{events:?}"),
    )
}

/// §5.1, §6.1: no white space between elements while TLS and SASL are negotiated, on
/// either side.
fn no_whitespace_during_negotiation() -> Outcome {
    let p = online(false)?;
    for (side, text) in [("client", &p.client_sent), ("server", &p.client_got)] {
        ensure(
            !text.contains("> <") && !text.contains(">\n<") && !text.contains(">\t<"),
            || format!("{side}: {text}"),
        )?;
    }
    Ok(())
}

/// Every check of this module.
pub static CHECKS: &[Check] = &[
    Check {
        name: "core.dialback_verify_answer_checked",
        run: dialback_verify_answer_checked,
    },
    Check {
        name: "core.dialback_outgoing_namespace",
        run: dialback_outgoing_namespace,
    },
    Check {
        name: "core.client_tls_after_proceed",
        run: client_tls_after_proceed,
    },
    Check {
        name: "core.tls_handshake_failure",
        run: tls_handshake_failure,
    },
    Check {
        name: "core.no_whitespace_during_negotiation",
        run: no_whitespace_during_negotiation,
    },
    Check {
        name: "core.dialback_key_inputs",
        run: dialback_key_inputs,
    },
    Check {
        name: "core.dialback_valid",
        run: dialback_valid,
    },
    Check {
        name: "core.dialback_invalid_closes",
        run: dialback_invalid_closes,
    },
    Check {
        name: "core.dialback_host_unknown",
        run: dialback_host_unknown,
    },
    Check {
        name: "core.dialback_invalid_namespace",
        run: dialback_invalid_namespace,
    },
    Check {
        name: "core.dialback_authoritative",
        run: dialback_authoritative,
    },
    Check {
        name: "core.dialback_stanza_addressing",
        run: dialback_stanza_addressing,
    },
    Check {
        name: "core.dialback_more_domains",
        run: dialback_more_domains,
    },
    Check {
        name: "core.response_stream_both_ways",
        run: response_stream_both_ways,
    },
    Check {
        name: "core.client_initial_header",
        run: client_initial_header,
    },
    Check {
        name: "core.client_states_language",
        run: client_states_language,
    },
    Check {
        name: "core.response_header_attributes",
        run: response_header_attributes,
    },
    Check {
        name: "core.initial_from_and_id_disregarded",
        run: initial_from_and_id_disregarded,
    },
    Check {
        name: "core.response_to_disregarded",
        run: response_to_disregarded,
    },
    Check {
        name: "core.host_unknown",
        run: host_unknown,
    },
    Check {
        name: "core.stream_ids_unpredictable",
        run: stream_ids_unpredictable,
    },
    Check {
        name: "core.stream_language",
        run: stream_language,
    },
    Check {
        name: "core.stanza_language_kept",
        run: stanza_language_kept,
    },
    Check {
        name: "core.version_negotiation",
        run: version_negotiation,
    },
    Check {
        name: "core.versionless_peer",
        run: versionless_peer,
    },
    Check {
        name: "core.features_per_stage",
        run: features_per_stage,
    },
    Check {
        name: "core.unknown_features_ignored",
        run: unknown_features_ignored,
    },
    Check {
        name: "core.stanza_before_auth_refused",
        run: stanza_before_auth_refused,
    },
    Check {
        name: "core.stream_error_sent_and_closed",
        run: stream_error_sent_and_closed,
    },
    Check {
        name: "core.error_during_setup_after_header",
        run: error_during_setup_after_header,
    },
    Check {
        name: "core.stream_error_text",
        run: stream_error_text,
    },
    Check {
        name: "core.stream_error_application_condition",
        run: stream_error_application_condition,
    },
    Check {
        name: "core.closing_handshake",
        run: closing_handshake,
    },
    Check {
        name: "core.tls_then_sasl_then_restart",
        run: tls_then_sasl_then_restart,
    },
    Check {
        name: "core.tls_starts_after_proceed",
        run: tls_starts_after_proceed,
    },
    Check {
        name: "core.tls_failure_closes",
        run: tls_failure_closes,
    },
    Check {
        name: "core.certificate_verified",
        run: certificate_verified,
    },
    Check {
        name: "core.client_requires_tls",
        run: client_requires_tls,
    },
    Check {
        name: "core.sasl_retries",
        run: sasl_retries,
    },
    Check {
        name: "core.sasl_restart",
        run: sasl_restart,
    },
    Check {
        name: "core.sasl_username_is_node",
        run: sasl_username_is_node,
    },
    Check {
        name: "core.bind_flow",
        run: bind_flow,
    },
    Check {
        name: "core.bind_generated_resource",
        run: bind_generated_resource,
    },
    Check {
        name: "core.bind_takes_requested",
        run: bind_takes_requested,
    },
    Check {
        name: "core.stanza_before_bind",
        run: stanza_before_bind,
    },
    Check {
        name: "core.bind_conflict_refused_stream_open",
        run: bind_conflict_refused_stream_open,
    },
    Check {
        name: "core.session_refused",
        run: session_refused,
    },
    Check {
        name: "core.session_established",
        run: session_established,
    },
    Check {
        name: "core.from_stamped_or_refused",
        run: from_stamped_or_refused,
    },
    Check {
        name: "core.client_absent_from_is_server",
        run: client_absent_from_is_server,
    },
    Check {
        name: "core.invalid_to_answered",
        run: invalid_to_answered,
    },
    Check {
        name: "core.iq_rules",
        run: iq_rules,
    },
    Check {
        name: "core.stanza_error_reply",
        run: stanza_error_reply,
    },
    Check {
        name: "core.stanza_error_syntax",
        run: stanza_error_syntax,
    },
    Check {
        name: "core.stanza_error_default_types",
        run: stanza_error_default_types,
    },
    Check {
        name: "core.stanza_error_addresses",
        run: stanza_error_addresses,
    },
];
