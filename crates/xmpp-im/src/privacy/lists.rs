//! A user's privacy lists and their management by privacy IQs (RFC 3921 §10.2 to §10.8),
//! as a pure function over the stored lists and the sessions' active lists: the caller
//! loads and stores, and sends the results, errors and pushes.

use std::fmt;

use xmpp_core::{StanzaError, StanzaErrorCondition};

use super::decide::{Contact, Direction, StanzaKind, Verdict, decide};
use super::payload::{ItemType, List, Query, Selection};
use crate::error::clip;

/// The privacy lists of one user, kept by the user's server (RFC 3921 §10.1), and the
/// name of the default list (§10.5). Which list is active is a property of each session,
/// held by the caller.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Lists {
    /// The lists, in the order they were created; names are unique.
    pub lists: Vec<List>,
    /// The name of the default list, if there is one.
    pub default: Option<String>,
}

/// A privacy IQ received from one of the user's sessions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Request<'a> {
    /// An IQ `get` with this query: the names of the lists, or one list (§10.3).
    Get(&'a Query),
    /// An IQ `set` with this query: the active list (§10.4), the default list (§10.5), or
    /// one list to create, replace or remove (§10.6 to §10.8).
    Set(&'a Query),
}

/// What the server knows beyond the stored lists when it handles a request.
#[derive(Clone, Copy, Default)]
pub struct Context<'a> {
    /// The active list of the session that sent the request.
    pub active: Option<&'a str>,
    /// The active list of each other connected session of the user, one entry per
    /// session (`None`: that session has no active list, so the default list applies to
    /// it, RFC 3921 §10.2 rule 2).
    pub others: &'a [Option<&'a str>],
    /// Whether a group name is a group of the user's roster, to refuse list items naming
    /// another (RFC 3921 §10.1, a SHOULD); `None` skips that check.
    pub roster_group: Option<&'a dyn Fn(&str) -> bool>,
}

impl fmt::Debug for Context<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("active", &self.active)
            .field("others", &self.others)
            .field(
                "roster_group",
                &self.roster_group.map(|_| "Fn(&str) -> bool"),
            )
            .finish()
    }
}

/// How the sending session's active list changes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ActiveChange {
    /// It stays as it was.
    #[default]
    Unchanged,
    /// It becomes this list.
    Set(String),
    /// The session has no active list any more (declined, or the list was removed).
    Cleared,
}

/// The outcome of a request that succeeded. The server applies `active` to the sending
/// session and stores the lists when `stored` is set, before it sends the IQ result
/// (RFC 3921 §10.4: the new active list applies before the result is sent), then sends
/// the push, if any.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Outcome {
    /// The payload of the IQ result: the names or the list asked for; `None` for an empty
    /// result (every set).
    pub result: Option<Query>,
    /// The change of the sending session's active list.
    pub active: ActiveChange,
    /// Whether the lists or the default changed (store them).
    pub stored: bool,
    /// The list whose definition changed (created, replaced or removed): send
    /// [`Query::push`] of it in an IQ set to every connected resource of the user, the
    /// sender included (RFC 3921 §10.2 rule 10, §10.6, §10.7).
    pub push: Option<String>,
}

/// Why a privacy request is refused; nothing changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditError {
    /// A get or set names more than one list (RFC 3921 §10.3, §10.8): `bad-request`.
    SeveralLists,
    /// A set holds no child or more than one (RFC 3921 §10.1): `bad-request`.
    NotOneChild {
        /// How many child elements it holds.
        found: usize,
    },
    /// A get holds an `<active/>` or `<default/>`, which only a set may carry:
    /// `bad-request`.
    SelectionInGet,
    /// The list named does not exist (RFC 3921 §10.3, §10.4, §10.5, §10.8):
    /// `item-not-found`.
    NoSuchList(String),
    /// A list item names a group that is not in the user's roster (RFC 3921 §10.1):
    /// `item-not-found`.
    UnknownGroup(String),
    /// Two items of the list share an `order` (RFC 3921 §10.1): `bad-request`.
    DuplicateOrder(u32),
    /// The change would alter the list that applies to another connected resource:
    /// removing a list active there, or changing or declining the default while a
    /// session without active list relies on it (RFC 3921 §10.2 rule 11, §10.5, §10.8):
    /// `conflict`.
    InUse(String),
}

impl EditError {
    /// The stanza error condition the RFC names.
    pub fn condition(&self) -> StanzaErrorCondition {
        match self {
            EditError::SeveralLists
            | EditError::NotOneChild { .. }
            | EditError::SelectionInGet
            | EditError::DuplicateOrder(_) => StanzaErrorCondition::BadRequest,
            EditError::NoSuchList(_) | EditError::UnknownGroup(_) => {
                StanzaErrorCondition::ItemNotFound
            }
            EditError::InUse(_) => StanzaErrorCondition::Conflict,
        }
    }

    /// The stanza error to answer with: [`EditError::condition`] with its usual type and
    /// this error as text.
    pub fn to_stanza_error(&self) -> StanzaError {
        StanzaError::new(self.condition()).with_text(self.to_string())
    }
}

impl fmt::Display for EditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EditError::SeveralLists => f.write_str("more than one privacy list in one request"),
            EditError::NotOneChild { found } => {
                write!(f, "a privacy set holds one child, not {found}")
            }
            EditError::SelectionInGet => {
                f.write_str("<active/> and <default/> are set, not retrieved, one by one")
            }
            EditError::NoSuchList(n) => write!(f, "no privacy list '{}'", clip(n)),
            EditError::UnknownGroup(g) => write!(f, "no roster group '{}'", clip(g)),
            EditError::DuplicateOrder(o) => write!(f, "more than one item with order {o}"),
            EditError::InUse(n) => {
                write!(f, "privacy list '{}' applies to another resource", clip(n))
            }
        }
    }
}

impl std::error::Error for EditError {}

impl Lists {
    /// The list called `name`.
    pub fn get(&self, name: &str) -> Option<&List> {
        self.lists.iter().find(|l| l.name == name)
    }

    /// The list in force for a session whose active list is `active` (`None` also for a
    /// user without sessions): the active list only, otherwise the default list, otherwise
    /// none (RFC 3921 §10.2 rules 1 to 3). An active name without list counts as none.
    pub fn applicable(&self, active: Option<&str>) -> Option<&List> {
        active
            .and_then(|a| self.get(a))
            .or_else(|| self.default.as_deref().and_then(|d| self.get(d)))
    }

    /// Applies the list in force ([`Lists::applicable`]) to a stanza; without one the
    /// stanza is allowed (RFC 3921 §10.2 rule 3).
    pub fn decide(
        &self,
        active: Option<&str>,
        direction: Direction,
        kind: StanzaKind,
        contact: &Contact<'_>,
    ) -> Verdict {
        self.applicable(active)
            .map_or(Verdict::Allow, |l| decide(l, direction, kind, contact))
    }

    /// Whether the list `name` applies to a connected resource other than the sender: it
    /// is active there, or it is the default and some other session has no active list.
    fn in_use_elsewhere(&self, name: &str, ctx: &Context<'_>) -> bool {
        ctx.others.iter().any(|a| match a {
            Some(a) => *a == name,
            None => self.default.as_deref() == Some(name),
        })
    }

    /// Handles one privacy IQ from one of the user's sessions (RFC 3921 §10.3 to §10.8).
    /// On success the lists are updated and the outcome says what to send and store; on
    /// error nothing changed (§10.2 rule 11: "MUST NOT make the requested change").
    ///
    /// - get, empty query: the names, preceded by the sender's active list and the
    ///   default list when there are any (§10.3);
    /// - get, one `<list/>`: that list, or `item-not-found`; several: `bad-request`;
    /// - set, `<active name/>`: that list becomes the sender's active list, or
    ///   `item-not-found`; `<active/>`: the sender declines any active list (§10.4);
    /// - set, `<default name/>` or `<default/>`: the default changes or is declined;
    ///   `item-not-found` for an unknown list, `conflict` when the current default applies
    ///   to another session (§10.5);
    /// - set, `<list/>` with items: the list is created or replaced, and pushed (§10.6,
    ///   §10.7); with an unknown roster group, `item-not-found` (§10.1);
    /// - set, `<list/>` without items: the list is removed, and pushed; `item-not-found`
    ///   for an unknown list, `conflict` when it applies to another session; when it is
    ///   the sender's active list or the default, that is cleared too (§10.8);
    /// - a set with no child or several: `bad-request` (§10.1).
    pub fn handle(
        &mut self,
        request: Request<'_>,
        ctx: &Context<'_>,
    ) -> Result<Outcome, EditError> {
        match request {
            Request::Get(q) => self.get_request(q, ctx),
            Request::Set(q) => self.set_request(q, ctx),
        }
    }

    fn get_request(&self, q: &Query, ctx: &Context<'_>) -> Result<Outcome, EditError> {
        if q.active.is_some() || q.default.is_some() {
            return Err(EditError::SelectionInGet);
        }
        let result = match q.lists.as_slice() {
            [] => Query {
                active: ctx.active.map(|a| Selection::new(Some(a.to_owned()))),
                default: self.default.clone().map(|d| Selection::new(Some(d))),
                lists: self
                    .lists
                    .iter()
                    .map(|l| List::new(l.name.clone(), Vec::new()))
                    .collect(),
                ..Query::default()
            },
            [one] => Query {
                lists: vec![
                    self.get(&one.name)
                        .ok_or_else(|| EditError::NoSuchList(one.name.clone()))?
                        .clone(),
                ],
                ..Query::default()
            },
            _ => return Err(EditError::SeveralLists),
        };
        Ok(Outcome {
            result: Some(result),
            ..Outcome::default()
        })
    }

    fn set_request(&mut self, q: &Query, ctx: &Context<'_>) -> Result<Outcome, EditError> {
        if q.lists.len() > 1 {
            return Err(EditError::SeveralLists);
        }
        let found = q.child_count();
        if found != 1 {
            return Err(EditError::NotOneChild { found });
        }
        if let Some(sel) = &q.active {
            return self.set_active(sel.name.as_deref());
        }
        if let Some(sel) = &q.default {
            return self.set_default(sel.name.as_deref(), ctx);
        }
        match q.lists.first() {
            Some(l) if l.items.is_empty() => self.remove(&l.name, ctx),
            Some(l) => self.store(l, ctx),
            // The one child is an unknown element.
            None => Err(EditError::NotOneChild { found: 0 }),
        }
    }

    fn set_active(&self, name: Option<&str>) -> Result<Outcome, EditError> {
        let active = match name {
            Some(n) if self.get(n).is_none() => return Err(EditError::NoSuchList(n.to_owned())),
            Some(n) => ActiveChange::Set(n.to_owned()),
            None => ActiveChange::Cleared,
        };
        Ok(Outcome {
            active,
            ..Outcome::default()
        })
    }

    fn set_default(&mut self, name: Option<&str>, ctx: &Context<'_>) -> Result<Outcome, EditError> {
        if let Some(n) = name {
            if self.get(n).is_none() {
                return Err(EditError::NoSuchList(n.to_owned()));
            }
        }
        if self.default.as_deref() == name {
            return Ok(Outcome::default());
        }
        if let Some(current) = &self.default {
            if self.in_use_elsewhere(current, ctx) {
                return Err(EditError::InUse(current.clone()));
            }
        }
        self.default = name.map(str::to_owned);
        Ok(Outcome {
            stored: true,
            ..Outcome::default()
        })
    }

    fn remove(&mut self, name: &str, ctx: &Context<'_>) -> Result<Outcome, EditError> {
        let Some(at) = self.lists.iter().position(|l| l.name == name) else {
            return Err(EditError::NoSuchList(name.to_owned()));
        };
        if self.in_use_elsewhere(name, ctx) {
            return Err(EditError::InUse(name.to_owned()));
        }
        self.lists.remove(at);
        if self.default.as_deref() == Some(name) {
            self.default = None;
        }
        let active = if ctx.active == Some(name) {
            ActiveChange::Cleared
        } else {
            ActiveChange::Unchanged
        };
        Ok(Outcome {
            active,
            stored: true,
            push: Some(name.to_owned()),
            result: None,
        })
    }

    fn store(&mut self, list: &List, ctx: &Context<'_>) -> Result<Outcome, EditError> {
        if let Some(o) = list.repeated_order() {
            return Err(EditError::DuplicateOrder(o));
        }
        if let Some(known) = ctx.roster_group {
            for item in &list.items {
                if let Some(ItemType::Group(g)) = &item.target {
                    if !known(g) {
                        return Err(EditError::UnknownGroup(g.clone()));
                    }
                }
            }
        }
        match self.lists.iter_mut().find(|l| l.name == list.name) {
            Some(old) => *old = list.clone(),
            None => self.lists.push(list.clone()),
        }
        Ok(Outcome {
            stored: true,
            push: Some(list.name.clone()),
            ..Outcome::default()
        })
    }
}
