//! The server component behind real stream engines: two `xmpp-core` client engines, a
//! server engine for each, and the component routing between them, all in memory. What
//! the clients see is read from their streams (RFC 3921 §5, §7, §8, §11).

use std::time::Instant;

use xmpp_core::ns::CLIENT_NS;
use xmpp_core::{Answer, ClientConfig, Connection, Event, Request, ServerConfig, TlsPolicy};
use xmpp_im::server::{MemoryStore, Route, Server, SessionId};
use xmpp_im::subscription::State;
use xmpp_jid::{BareJid, Jid};
use xmpp_sasl::ServerSecret;
use xmpp_sasl::scram::{ScramHash, StoredCredentials};
use xmpp_xml::Element;

const PASSWORD: &str = "o Romeo";

struct Link {
    client: Connection,
    server: Connection,
    started: bool,
    /// What the client received, as trees.
    inbox: Vec<Element<'static>>,
    online: bool,
}

struct Hub {
    links: Vec<Link>,
    im: Server,
    store: MemoryStore,
    now: Instant,
}

impl Hub {
    fn new(users: &[&str]) -> Self {
        let now = Instant::now();
        let mut store = MemoryStore::new();
        let mut links = Vec::new();
        for u in users {
            let jid: Jid = u.parse().unwrap();
            store.add_user(&jid.to_bare());
            let mut cc = ClientConfig::new(jid, PASSWORD);
            cc.tls = TlsPolicy::Disabled;
            let sc = ServerConfig::new("example.com", None, ServerSecret::generate().unwrap());
            links.push(Link {
                client: Connection::client(cc, now),
                server: Connection::server(sc, now),
                started: false,
                inbox: Vec::new(),
                online: false,
            });
        }
        Hub {
            links,
            im: Server::new(["example.com"]),
            store,
            now,
        }
    }

    /// Moves bytes, events and deliveries until nothing moves.
    fn pump(&mut self) {
        for _ in 0..200 {
            let mut moved = false;
            for (i, link) in self.links.iter_mut().enumerate() {
                let id = SessionId(i as u64);
                while let Some(bytes) = link.client.poll_transmit() {
                    link.server.handle_input(&bytes, self.now);
                    moved = true;
                }
                while let Some(e) = link.server.poll_event() {
                    moved = true;
                    match e {
                        Event::SaslRequest {
                            mechanism,
                            request: Request::ScramCredentials { .. },
                        } => {
                            let hash = match mechanism.scram() {
                                Some((ScramHash::Sha1, _)) => ScramHash::Sha1,
                                _ => ScramHash::Sha256,
                            };
                            let keys = StoredCredentials::derive(
                                hash,
                                PASSWORD,
                                b"salt of the earth",
                                4096,
                            )
                            .unwrap();
                            link.server
                                .answer_sasl(Answer::ScramCredentials(Some(keys)))
                                .unwrap();
                        }
                        Event::SaslRequest { .. } => {
                            link.server
                                .answer_sasl(Answer::PasswordValid(false))
                                .unwrap();
                        }
                        Event::BindRequest { .. } => link.server.accept_bind(None).unwrap(),
                        Event::Online if !link.started => {
                            link.started = true;
                            let jid = link.server.bound_jid().unwrap().clone();
                            self.im.session_started(id, jid);
                        }
                        Event::Stanza(s) => self.im.handle_stanza(id, s),
                        Event::Closed(_) => self.im.session_ended(id),
                        _ => {}
                    }
                }
            }
            while let Some((route, stanza)) = self.im.poll_delivery(&mut self.store) {
                moved = true;
                match route {
                    Route::Session(SessionId(i)) => {
                        self.links[i as usize].server.send_stanza(&stanza).unwrap()
                    }
                    Route::Remote(d) => panic!("nothing is remote here: {d}"),
                }
            }
            for link in &mut self.links {
                while let Some(bytes) = link.server.poll_transmit() {
                    link.client.handle_input(&bytes, self.now);
                    moved = true;
                }
                while let Some(e) = link.client.poll_event() {
                    moved = true;
                    match e {
                        Event::Online => link.online = true,
                        Event::Stanza(s) => {
                            // RFC 3921 §8.1: every roster push is acknowledged.
                            let tree = s.element().unwrap();
                            if tree.name() == "iq" && tree.attr("type") == Some("set") {
                                let ack = Element::new(CLIENT_NS, "iq")
                                    .with_attr("type", "result")
                                    .with_attr("id", tree.attr("id").unwrap().to_owned());
                                link.client.send(&ack).unwrap();
                            }
                            link.inbox.push(tree);
                        }
                        _ => {}
                    }
                }
            }
            if !moved {
                return;
            }
        }
        panic!("the exchange did not settle");
    }

    fn send(&mut self, who: usize, xml: Element<'static>) {
        self.links[who].client.send(&xml).unwrap();
        self.pump();
    }

    fn take_inbox(&mut self, who: usize) -> Vec<Element<'static>> {
        std::mem::take(&mut self.links[who].inbox)
    }
}

fn presence(to: Option<&str>, kind: Option<&str>) -> Element<'static> {
    let mut p = Element::new(CLIENT_NS, "presence");
    if let Some(to) = to {
        p = p.with_attr("to", to.to_owned());
    }
    if let Some(kind) = kind {
        p = p.with_attr("type", kind.to_owned());
    }
    p
}

fn roster_get(id: &str) -> Element<'static> {
    Element::new(CLIENT_NS, "iq")
        .with_attr("type", "get")
        .with_attr("id", id.to_owned())
        .with_child(Element::new("jabber:iq:roster", "query"))
}

fn has(inbox: &[Element<'static>], pred: impl Fn(&Element<'static>) -> bool) -> bool {
    inbox.iter().any(pred)
}

/// Log in, roster, presence, a subscription both ways, a message to the bare JID, and
/// the end of a session, seen by the clients on their streams.
#[test]
fn two_clients_through_the_component() {
    const JULIET: usize = 0;
    const ROMEO: usize = 1;
    let mut hub = Hub::new(&["juliet@example.com/balcony", "romeo@example.com/orchard"]);
    hub.pump();
    assert!(hub.links.iter().all(|l| l.online), "both clients online");
    for who in [JULIET, ROMEO] {
        hub.send(who, roster_get("r1"));
        hub.send(who, presence(None, None));
    }
    let inbox = hub.take_inbox(JULIET);
    assert!(has(&inbox, |e| e.attr("id") == Some("r1")
        && e.attr("type") == Some("result")));

    // §8.2: Juliet asks, Romeo sees the request from her bare JID and approves.
    hub.send(
        JULIET,
        presence(Some("romeo@example.com"), Some("subscribe")),
    );
    let inbox = hub.take_inbox(ROMEO);
    assert!(
        has(&inbox, |e| e.attr("type") == Some("subscribe")
            && e.attr("from") == Some("juliet@example.com")),
        "{inbox:?}"
    );
    hub.send(
        ROMEO,
        presence(Some("juliet@example.com"), Some("subscribed")),
    );
    let inbox = hub.take_inbox(JULIET);
    assert!(has(&inbox, |e| e.attr("type") == Some("subscribed")));
    // §8.2 rule 17: with Romeo's current presence.
    assert!(has(&inbox, |e| e.name() == "presence"
        && e.attr("type").is_none()
        && e.attr("from") == Some("romeo@example.com/orchard")));
    // The pushes were acknowledged by the clients; the store has the states.
    let juliet: BareJid = "juliet@example.com".parse().unwrap();
    let state = hub.store.user(&juliet).unwrap().roster[0].state;
    assert_eq!(state, State::To);

    // §11.1: a message to the bare JID reaches the available resource.
    let m = Element::new(CLIENT_NS, "message")
        .with_attr("to", "juliet@example.com")
        .with_attr("type", "chat")
        .with_child(Element::new(CLIENT_NS, "body").with_text("Arise, fair sun"));
    hub.send(ROMEO, m);
    let inbox = hub.take_inbox(JULIET);
    assert!(has(&inbox, |e| e.name() == "message"
        && e.attr("from") == Some("romeo@example.com/orchard")
        && e.attr("to") == Some("juliet@example.com")));

    // §5.1.5: Romeo's stream closes; Juliet, subscribed to him, sees him go.
    hub.links[ROMEO].client.close();
    hub.pump();
    let inbox = hub.take_inbox(JULIET);
    assert!(
        has(&inbox, |e| e.attr("type") == Some("unavailable")
            && e.attr("from") == Some("romeo@example.com/orchard")),
        "{inbox:?}"
    );
}
