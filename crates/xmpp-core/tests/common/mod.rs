//! An in-memory client and server pair, with a small server application (accounts, bind
//! policy) answering the engine's questions.
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use xmpp_core::random::SeededRandom;
use xmpp_core::{
    Answer, ClientConfig, Connection, Event, Mechanism, Request, ServerConfig, ServerTls,
    StanzaErrorCondition, TlsPolicy,
};
use xmpp_sasl::scram::{ScramHash, StoredCredentials};

pub const DOMAIN: &str = "example.com";

/// A self-signed certificate for `example.com`: (server identity, client config trusting it).
pub fn tls_pair() -> (ServerTls, Arc<rustls::ClientConfig>) {
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec![DOMAIN.into()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    let server =
        xmpp_core::tls_config::server_tls(cert.pem().as_bytes(), key.serialize_pem().as_bytes())
            .unwrap();
    let client = xmpp_core::tls_config::client_config_with_ca(cert.pem().as_bytes()).unwrap();
    (server, client)
}

pub fn client_config(
    jid: &str,
    password: &str,
    tls: Option<Arc<rustls::ClientConfig>>,
) -> ClientConfig {
    let mut c = ClientConfig::new(xmpp_jid::Jid::parse(jid).unwrap(), password);
    c.random = Box::new(SeededRandom::new(1));
    match tls {
        Some(t) => c.tls_config = Some(t),
        None => c.tls = TlsPolicy::Disabled,
    }
    c
}

pub fn server_config(tls: Option<ServerTls>) -> ServerConfig {
    let mut s = ServerConfig::new(
        DOMAIN,
        tls,
        xmpp_sasl::ServerSecret::new(*b"0123456789abcdef0123456789abcdef").unwrap(),
    );
    s.random = Box::new(SeededRandom::new(2));
    s
}

/// What the server application decides.
pub struct App {
    pub accounts: HashMap<String, String>,
    /// Resources already bound (conflict when asked again).
    pub bound: Vec<String>,
    /// Answer requests automatically.
    pub auto: bool,
}

impl Default for App {
    fn default() -> Self {
        App {
            accounts: [("juliet".to_owned(), "pencil".to_owned())].into(),
            bound: Vec::new(),
            auto: true,
        }
    }
}

impl App {
    pub fn answer(&mut self, server: &mut Connection, event: &Event) {
        if !self.auto {
            return;
        }
        match event {
            Event::SaslRequest { mechanism, request } => {
                let answer = match request {
                    Request::ScramCredentials { username, .. } => {
                        let hash = match mechanism.scram() {
                            Some((ScramHash::Sha1, _)) => ScramHash::Sha1,
                            _ => ScramHash::Sha256,
                        };
                        Answer::ScramCredentials(self.accounts.get(username).map(|p| {
                            StoredCredentials::derive(hash, p, b"salt of the user", 4096).unwrap()
                        }))
                    }
                    Request::VerifyPassword {
                        authcid, password, ..
                    } => Answer::PasswordValid(
                        self.accounts
                            .get(authcid)
                            .is_some_and(|p| password.matches(p)),
                    ),
                    Request::DigestMd5Secret {
                        username, realm, ..
                    } => Answer::DigestMd5Secret(
                        self.accounts
                            .get(username)
                            .map(|p| xmpp_sasl::digest_md5::secret(username, realm, p)),
                    ),
                };
                server.answer_sasl(answer).unwrap();
            }
            Event::BindRequest { requested } => {
                if requested.as_ref().is_some_and(|r| self.bound.contains(r)) {
                    server.refuse_bind(StanzaErrorCondition::Conflict).unwrap();
                } else {
                    if let Some(r) = requested {
                        self.bound.push(r.clone());
                    }
                    server.accept_bind(None).unwrap();
                }
            }
            _ => {}
        }
    }
}

/// Both ends, the events each reported, and the bytes each sent.
pub struct Pair {
    pub client: Connection,
    pub server: Connection,
    pub app: App,
    pub client_events: Vec<Event>,
    pub server_events: Vec<Event>,
    pub to_server: Vec<u8>,
    pub to_client: Vec<u8>,
    pub now: Instant,
    /// Feed each direction in pieces of this many bytes (0: whole).
    pub chunk: usize,
}

impl Pair {
    pub fn new(client: ClientConfig, server: ServerConfig) -> Pair {
        let now = Instant::now();
        Pair {
            client: Connection::client(client, now),
            server: Connection::server(server, now),
            app: App::default(),
            client_events: Vec::new(),
            server_events: Vec::new(),
            to_server: Vec::new(),
            to_client: Vec::new(),
            now,
            chunk: 0,
        }
    }

    /// Moves bytes and answers questions until nothing moves.
    pub fn run(&mut self) {
        for _ in 0..10_000 {
            let mut moved = false;
            while let Some(bytes) = self.client.poll_transmit() {
                self.to_server.extend_from_slice(&bytes);
                feed(&mut self.server, &bytes, self.chunk, self.now);
                moved = true;
            }
            while let Some(e) = self.server.poll_event() {
                self.app.answer(&mut self.server, &e);
                self.server_events.push(e);
                moved = true;
            }
            while let Some(bytes) = self.server.poll_transmit() {
                self.to_client.extend_from_slice(&bytes);
                feed(&mut self.client, &bytes, self.chunk, self.now);
                moved = true;
            }
            while let Some(e) = self.client.poll_event() {
                self.client_events.push(e);
                moved = true;
            }
            if !moved {
                return;
            }
        }
        panic!("the pair did not settle");
    }

    pub fn advance(&mut self, by: Duration) {
        self.now += by;
        self.client.handle_timeout(self.now);
        self.server.handle_timeout(self.now);
        self.run();
    }

    pub fn client_online(&self) -> bool {
        self.client_events
            .iter()
            .any(|e| matches!(e, Event::Online))
    }

    pub fn server_online(&self) -> bool {
        self.server_events
            .iter()
            .any(|e| matches!(e, Event::Online))
    }

    pub fn client_closed(&self) -> Option<&xmpp_core::CloseReason> {
        self.client_events.iter().find_map(|e| match e {
            Event::Closed(r) => Some(r),
            _ => None,
        })
    }

    pub fn server_closed(&self) -> Option<&xmpp_core::CloseReason> {
        self.server_events.iter().find_map(|e| match e {
            Event::Closed(r) => Some(r),
            _ => None,
        })
    }

    pub fn client_text(&self) -> String {
        String::from_utf8_lossy(&self.to_server).into_owned()
    }

    pub fn server_text(&self) -> String {
        String::from_utf8_lossy(&self.to_client).into_owned()
    }

    pub fn authenticated_with(&self) -> Option<Mechanism> {
        self.client_events.iter().find_map(|e| match e {
            Event::Authenticated { mechanism, .. } => Some(*mechanism),
            _ => None,
        })
    }
}

pub fn feed(conn: &mut Connection, bytes: &[u8], chunk: usize, now: Instant) {
    if chunk == 0 {
        conn.handle_input(bytes, now);
    } else {
        for piece in bytes.chunks(chunk) {
            conn.handle_input(piece, now);
        }
    }
}

/// A message element.
pub fn message(to: &str, body: &str) -> xmpp_xml::Element<'static> {
    xmpp_xml::Element::new(xmpp_core::ns::CLIENT_NS, "message")
        .with_attr("to", to.to_owned())
        .with_attr("type", "chat")
        .with_child(
            xmpp_xml::Element::new(xmpp_core::ns::CLIENT_NS, "body").with_text(body.to_owned()),
        )
}
