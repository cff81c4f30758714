//! The client models (`xmpp_im::client`) against the server component of this crate, both
//! behind `xmpp-core` stream engines in memory: the subscription scenario of the Prosody
//! interop test (RFC 3921 §7, §8.2, §8.3, §8.6), with each client following it in its own
//! roster model and presence view.

use std::time::Instant;

use xmpp_core::{Answer, ClientConfig, Connection, Event, Request, ServerConfig, TlsPolicy};
use xmpp_im::client::{Client, Incoming, RosterChange, requests};
use xmpp_im::roster::{Ask, Item, Subscription};
use xmpp_im::server::{MemoryStore, Route, Server, SessionId};
use xmpp_im::subscription::Kind;
use xmpp_jid::{BareJid, Jid};
use xmpp_sasl::ServerSecret;
use xmpp_sasl::scram::{ScramHash, StoredCredentials};
use xmpp_xml::{CLIENT_NS, Element};

const PASSWORD: &str = "o Romeo";

/// One account: its client engine, the server engine of its stream, its client state and
/// everything the client state reported.
struct Link {
    client: Connection,
    server: Connection,
    started: bool,
    state: Option<Client>,
    log: Vec<Incoming>,
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
            let jid: Jid = u.parse().expect("valid JID");
            store.add_user(&jid.to_bare());
            let mut cc = ClientConfig::new(jid, PASSWORD);
            cc.tls = TlsPolicy::Disabled;
            let secret = ServerSecret::generate().expect("random secret");
            let sc = ServerConfig::new("example.com", None, secret);
            links.push(Link {
                client: Connection::client(cc, now),
                server: Connection::server(sc, now),
                started: false,
                state: None,
                log: Vec::new(),
            });
        }
        Hub {
            links,
            im: Server::new(["example.com"]),
            store,
            now,
        }
    }

    /// Moves bytes, events and deliveries until nothing moves; each client state handles
    /// what its client receives and its replies are sent.
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
                            let keys = StoredCredentials::derive(hash, PASSWORD, b"salt", 4096)
                                .expect("keys");
                            link.server
                                .answer_sasl(Answer::ScramCredentials(Some(keys)))
                                .expect("asked");
                        }
                        Event::BindRequest { .. } => link.server.accept_bind(None).expect("asked"),
                        Event::Online if !link.started => {
                            link.started = true;
                            let jid = link.server.bound_jid().expect("bound").clone();
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
                    Route::Session(SessionId(i)) => self.links[i as usize]
                        .server
                        .send_stanza(&stanza)
                        .expect("session open"),
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
                        Event::Bound(jid) => link.state = Some(Client::new(jid.to_bare())),
                        Event::Stanza(s) => {
                            let state = link.state.as_mut().expect("bound before stanzas");
                            let incoming = state.handle_stanza(&s).expect("a tree");
                            if let Some(reply) = incoming.reply() {
                                link.client.send(reply).expect("online");
                            }
                            link.log.push(incoming);
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

    fn send(&mut self, who: usize, xml: &Element<'_>) {
        self.links[who].client.send(xml).expect("online");
        self.pump();
    }

    fn state(&self, who: usize) -> &Client {
        self.links[who].state.as_ref().expect("bound")
    }

    fn state_mut(&mut self, who: usize) -> &mut Client {
        self.links[who].state.as_mut().expect("bound")
    }

    fn saw(&self, who: usize, pred: impl Fn(&Incoming) -> bool) -> bool {
        self.links[who].log.iter().any(pred)
    }
}

fn bare(s: &str) -> BareJid {
    BareJid::parse(s).expect("valid JID")
}

fn subscription_from(kind: Kind, from: &BareJid) -> impl Fn(&Incoming) -> bool + '_ {
    move |i| matches!(i, Incoming::Subscription { kind: k, from: f, .. } if *k == kind && f == from)
}

#[test]
fn subscription_lifecycle_through_the_component() {
    const JULIET: usize = 0;
    const ROMEO: usize = 1;
    let mut hub = Hub::new(&["juliet@example.com/balcony", "romeo@example.com/orchard"]);
    hub.pump();
    let juliet = bare("juliet@example.com");
    let romeo = bare("romeo@example.com");
    let (juliet_item, romeo_item) = (Jid::from(juliet.clone()), Jid::from(romeo.clone()));

    // RFC 3921 §7.3: the roster, then initial presence.
    for who in [JULIET, ROMEO] {
        let get = hub.state_mut(who).roster_mut().request("roster_1");
        hub.send(who, &get);
        assert!(hub.state(who).roster().is_loaded());
        assert!(hub.state(who).roster().is_empty());
        hub.send(who, &Element::new(CLIENT_NS, "presence"));
    }

    // §8.2: Juliet adds Romeo, then asks for his presence.
    let item = Item {
        name: Some("Romeo".into()),
        groups: vec!["Friends".into()],
        ..Item::new(romeo_item.clone())
    };
    hub.send(JULIET, &requests::roster_set("add1", &item));
    assert!(hub.saw(JULIET, |i| matches!(i,
        Incoming::RosterPush(p) if p.change == RosterChange::Added(romeo_item.clone()))));
    hub.send(JULIET, &requests::subscription(Kind::Subscribe, &romeo));
    let got = hub.state(JULIET).roster().get(&romeo_item).expect("item");
    assert_eq!(
        (got.subscription, got.ask),
        (Some(Subscription::None), Some(Ask::Subscribe))
    );
    assert_eq!(got.groups, ["Friends"]);

    // Romeo approves ('from'), Juliet is subscribed ('to') and sees him; §8.3: he asks
    // back, she approves, both are at 'both' and see each other.
    assert!(hub.saw(ROMEO, subscription_from(Kind::Subscribe, &juliet)));
    hub.send(ROMEO, &requests::subscription(Kind::Subscribed, &juliet));
    assert_eq!(
        hub.state(ROMEO).roster().subscription(&juliet_item),
        Subscription::From
    );
    assert_eq!(
        hub.state(JULIET).roster().subscription(&romeo_item),
        Subscription::To
    );
    assert!(hub.state(JULIET).presence().is_available(&romeo));
    hub.send(ROMEO, &requests::subscription(Kind::Subscribe, &juliet));
    assert!(hub.saw(JULIET, subscription_from(Kind::Subscribe, &romeo)));
    hub.send(JULIET, &requests::subscription(Kind::Subscribed, &romeo));
    assert_eq!(
        hub.state(JULIET).roster().subscription(&romeo_item),
        Subscription::Both
    );
    assert_eq!(
        hub.state(ROMEO).roster().subscription(&juliet_item),
        Subscription::Both
    );
    assert!(hub.state(ROMEO).presence().is_available(&juliet));
    assert_eq!(
        hub.state(JULIET).presence().best(&romeo).map(|(r, _)| r),
        Some(Some("orchard"))
    );

    // §8.6: Juliet removes Romeo; she loses the item and his presence, he ends at
    // 'none' with Juliet unavailable.
    hub.send(JULIET, &requests::roster_remove("rm1", &romeo_item));
    assert_eq!(hub.state(JULIET).roster().get(&romeo_item), None);
    assert!(!hub.state(JULIET).presence().is_available(&romeo));
    assert_eq!(
        hub.state(ROMEO).roster().subscription(&juliet_item),
        Subscription::None
    );
    assert!(!hub.state(ROMEO).presence().is_available(&juliet));
    assert!(hub.saw(ROMEO, subscription_from(Kind::Unsubscribe, &juliet)));

    // Nothing the component sent was refused by the client models.
    for link in &hub.links {
        assert!(
            !link.log.iter().any(|i| matches!(
                i,
                Incoming::RosterPushRefused(_)
                    | Incoming::RosterFailed(_)
                    | Incoming::Invalid { .. }
            )),
            "{:#?}",
            link.log
        );
    }
}
