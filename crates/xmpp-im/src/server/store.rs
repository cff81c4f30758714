//! What the server component keeps about a user between sessions (RFC 3921 §7, §9.4), the
//! writes it asks for, and the [`Storage`] a driver answers them from.

use std::collections::HashMap;

use xmpp_core::Stanza;
use xmpp_jid::BareJid;

use crate::roster::{Ask, Item, Subscription};
use crate::subscription::{Kind, State};

/// One contact of a user: the roster item as the user wrote it and the subscription state
/// the server keeps for it (RFC 3921 §9.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    /// The item: `jid`, `name`, groups and whatever else the user stored; its
    /// `subscription` and `ask` are not read (the state below decides them).
    pub item: Item,
    /// The subscription state, from the user's side.
    pub state: State,
    /// Whether the item is in the user's roster. An item the server made only to track a
    /// contact's pending request ("None + Pending In") is not shown, nor pushed (§9.1), and
    /// goes away when the request is declined (§8.2.1).
    pub in_roster: bool,
}

impl Contact {
    /// A contact of `jid` in state "None", not in the roster yet.
    pub fn new(jid: BareJid) -> Self {
        Contact {
            item: Item::new(jid.into()),
            state: State::None,
            in_roster: false,
        }
    }

    /// The contact's bare JID as text: the key of the roster.
    pub fn key(&self) -> &str {
        self.item.jid.as_str()
    }

    /// The item as the user sees it: `subscription` and `ask` from the state (§9.1).
    pub fn visible_item(&self) -> Item {
        let mut item = self.item.clone();
        item.subscription = Some(Subscription::of_state(self.state));
        item.ask = Ask::of_state(self.state);
        item
    }
}

/// A subscription stanza from a contact that the user has not yet acknowledged (RFC 3921
/// §9.4): delivered at once to the user's available resources, and again at each login
/// until the user affirms or denies it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The contact who sent it.
    pub from: BareJid,
    /// What it was.
    pub kind: Kind,
    /// The stanza as received (its status text and extensions go with it).
    pub stanza: Stanza,
}

impl Notice {
    /// Whether the user sending `reply` to the contact affirms or denies this notice
    /// (RFC 3921 §9.4: a `subscribe` is answered by `subscribed` or `unsubscribed`, a
    /// `subscribed` by `subscribe` or `unsubscribe`, and so on).
    pub fn acknowledged_by(&self, reply: Kind) -> bool {
        match self.kind {
            Kind::Subscribe | Kind::Unsubscribe => {
                matches!(reply, Kind::Subscribed | Kind::Unsubscribed)
            }
            Kind::Subscribed | Kind::Unsubscribed => {
                matches!(reply, Kind::Subscribe | Kind::Unsubscribe)
            }
        }
    }
}

/// What storage holds for one account.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserData {
    /// The contacts, in any order.
    pub roster: Vec<Contact>,
    /// Subscription stanzas not yet acknowledged (§9.4).
    pub notices: Vec<Notice>,
    /// The privacy lists and the default list (§10).
    pub privacy: crate::privacy::Lists,
}

/// A change the component asks storage to make: the component applies it to its own copy
/// at once, so storage only has to keep up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreWrite {
    /// Adds or replaces the contact of `user` with the same JID.
    Contact {
        /// The account.
        user: BareJid,
        /// The contact as it is now.
        contact: Contact,
    },
    /// Removes the contact `jid` of `user`.
    RemoveContact {
        /// The account.
        user: BareJid,
        /// The contact's bare JID.
        jid: BareJid,
    },
    /// Replaces the privacy lists of `user`.
    Privacy {
        /// The account.
        user: BareJid,
        /// All of them, with the default, as they are now.
        lists: crate::privacy::Lists,
    },
    /// Replaces the unacknowledged notices of `user`.
    Notices {
        /// The account.
        user: BareJid,
        /// All of them, as they are now.
        notices: Vec<Notice>,
    },
}

/// Storage the component's questions can be answered from at once (an in-memory map, an
/// embedded database): see [`super::Server::poll_delivery`].
pub trait Storage {
    /// The data of `user`, or `None` when there is no such account.
    fn load(&mut self, user: &BareJid) -> Option<UserData>;
    /// Makes a change.
    fn apply(&mut self, write: StoreWrite);
}

/// [`Storage`] in memory, for tests and examples.
#[derive(Debug, Default, Clone)]
pub struct MemoryStore {
    users: HashMap<String, UserData>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Creates the account `user`, with no contacts, if it does not exist.
    pub fn add_user(&mut self, user: &BareJid) {
        self.users.entry(user.as_str().to_owned()).or_default();
    }

    /// The data of `user`, if the account exists.
    pub fn user(&self, user: &BareJid) -> Option<&UserData> {
        self.users.get(user.as_str())
    }
}

impl Storage for MemoryStore {
    fn load(&mut self, user: &BareJid) -> Option<UserData> {
        self.users.get(user.as_str()).cloned()
    }

    fn apply(&mut self, write: StoreWrite) {
        match write {
            StoreWrite::Contact { user, contact } => {
                if let Some(data) = self.users.get_mut(user.as_str()) {
                    match data.roster.iter_mut().find(|c| c.key() == contact.key()) {
                        Some(c) => *c = contact,
                        None => data.roster.push(contact),
                    }
                }
            }
            StoreWrite::RemoveContact { user, jid } => {
                if let Some(data) = self.users.get_mut(user.as_str()) {
                    data.roster.retain(|c| c.key() != jid.as_str());
                }
            }
            StoreWrite::Privacy { user, lists } => {
                if let Some(data) = self.users.get_mut(user.as_str()) {
                    data.privacy = lists;
                }
            }
            StoreWrite::Notices { user, notices } => {
                if let Some(data) = self.users.get_mut(user.as_str()) {
                    data.notices = notices;
                }
            }
        }
    }
}
