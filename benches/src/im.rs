//! The IM server component of `xmpp-im` set up for measurement: two bound, available
//! sessions of one domain, and a user with 100 subscribers on another server.

use xmpp_core::Stanza;
use xmpp_core::ns::CLIENT_NS;
use xmpp_im::server::{Contact, MemoryStore, Output, Server, SessionId, Storage, StoreWrite};
use xmpp_im::subscription::State;
use xmpp_jid::{BareJid, FullJid};
use xmpp_xml::{Event, Limits, Parser};

/// Juliet's session.
pub const JULIET: SessionId = SessionId(1);
/// Romeo's session.
pub const ROMEO: SessionId = SessionId(2);
/// Subscribers of Juliet's presence in [`World::with_subscribers`].
pub const SUBSCRIBERS: usize = 100;

/// A stanza of `jabber:client` from its XML text.
pub fn stanza(xml: &str) -> Stanza {
    let mut p = Parser::document(Limits::default());
    p.feed(xml.as_bytes());
    let tree = match p.next_event() {
        Ok(Some(Event::Stanza(s))) => s.to_element().expect("a tree").into_owned(),
        other => panic!("not a stanza: {other:?}"),
    };
    Stanza::from_element(&tree, CLIENT_NS).expect("a stanza")
}

/// The 200-byte chat message Romeo sends Juliet's bare JID.
pub fn chat_message() -> Stanza {
    stanza(
        "<message xmlns='jabber:client' from='romeo@example.com/orchard' \
         to='juliet@example.com' type='chat' id='m1'><body>But soft, what light through \
         yonder window breaks? It is the east, and Juliet is the sun. Arise.</body></message>",
    )
}

/// A presence update of Juliet's (no `to`: broadcast).
pub fn presence_update() -> Stanza {
    stanza(
        "<presence xmlns='jabber:client' from='juliet@example.com/balcony'>\
         <show>away</show><status>On the balcony</status></presence>",
    )
}

/// The component, its store, and everything it delivered so far counted.
pub struct World {
    /// The component.
    pub server: Server,
    /// Its storage.
    pub store: MemoryStore,
}

impl World {
    /// Juliet and Romeo online (roster requested, available), Juliet with `subscribers`
    /// contacts on `example.org` subscribed to her presence.
    pub fn with_subscribers(subscribers: usize) -> World {
        let mut store = MemoryStore::new();
        let juliet: BareJid = "juliet@example.com".parse().expect("a JID");
        store.add_user(&juliet);
        store.add_user(&"romeo@example.com".parse().expect("a JID"));
        for i in 0..subscribers {
            let jid: BareJid = format!("fan{i}@example.org").parse().expect("a JID");
            let mut contact = Contact::new(jid);
            contact.state = State::Both;
            contact.in_roster = true;
            store.apply(StoreWrite::Contact {
                user: juliet.clone(),
                contact,
            });
        }
        let mut world = World {
            server: Server::new(["example.com"]),
            store,
        };
        for (id, jid) in [
            (JULIET, "juliet@example.com/balcony"),
            (ROMEO, "romeo@example.com/orchard"),
        ] {
            world
                .server
                .session_started(id, jid.parse::<FullJid>().expect("a JID"));
            world.settle();
            world.server.handle_stanza(
                id,
                stanza(&format!("<presence xmlns='jabber:client' from='{jid}'/>")),
            );
            world.settle();
        }
        world
    }

    /// Answers loads and writes, and counts (then drops) the deliveries.
    pub fn settle(&mut self) -> usize {
        let mut delivered = 0;
        while self.server.poll_delivery(&mut self.store).is_some() {
            delivered += 1;
        }
        delivered
    }

    /// Routes one message from Romeo to Juliet's bare JID; returns the deliveries.
    pub fn route(&mut self, message: Stanza) -> usize {
        self.server.handle_stanza(ROMEO, message);
        let mut delivered = 0;
        while let Some(out) = self.server.poll_output() {
            if let Output::Deliver { stanza, .. } = out {
                delivered += 1;
                drop(stanza);
            }
        }
        delivered
    }

    /// Broadcasts one presence update of Juliet's; returns the deliveries.
    pub fn broadcast(&mut self, presence: Stanza) -> usize {
        self.server.handle_stanza(JULIET, presence);
        self.settle()
    }
}
