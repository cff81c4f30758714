//! Presence subscription states and the server's handling of subscription stanzas
//! (RFC 3921 §9), as one pure function over eight tables.
//!
//! The states are seen from the user's side (§9.1). [`handle`] answers, for a stanza of
//! type `subscribe`, `subscribed`, `unsubscribe` or `unsubscribed` that the user's server
//! handles, what the server does: the new state (or "no state change"), whether the
//! stanza goes on (routed to the contact when outbound, delivered to the user when
//! inbound), whether the user's interested resources get a roster push, and whether the
//! server answers the contact on the user's behalf.
//!
//! Where the tables come from:
//!
//! - outbound `subscribed` and `unsubscribed`: §9.2 Tables 1 and 2;
//! - outbound `subscribe` and `unsubscribe`: §9.2 has no table, only the rule that the
//!   server routes them "without exception". The new states follow the flows of §8.2
//!   (`subscribe` sets the pending-out sub-state, shown as `ask='subscribe'`), §8.3 (from
//!   "From"), §8.4 (`unsubscribe` leaves "To" for "None" and "Both" for "From"). §8 does
//!   not describe an `unsubscribe` that withdraws a request still pending; for those rows
//!   ("None + Pending Out", "None + Pending Out/In", "From + Pending Out") the pending-out
//!   sub-state is cleared, as RFC 6121 Appendix A.2.2 states;
//! - inbound: §9.3 Tables 3 to 6, with their auto-replies: `subscribed` to a `subscribe`
//!   when the contact already has access (Table 3, "*"), `unsubscribed` to an
//!   `unsubscribe` that changes the state (Table 4, "*").
//!
//! The roster push is not a column of the §9 tables. It is derived: a push happens when
//! the state change is visible in the roster item, i.e. when its `subscription` or `ask`
//! value changes (§8 sends a push at each such step; §9.1 says a server SHOULD NOT push
//! an item that is only "None + Pending In", and a pending-in sub-state has no roster
//! representation, so changes of it alone push nothing).
//!
//! RFC 6121 pre-approval (an outbound `subscribed` in "None", "None + Pending Out" or
//! "To") is not modelled: RFC 3921 Table 1 says no state change and no routing there.

/// A subscription state, from the user's side (RFC 3921 §9.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    /// Neither is subscribed to the other; no request pending.
    None,
    /// No subscription; the user has asked the contact and waits for the answer.
    NonePendingOut,
    /// No subscription; the contact has asked the user, who has not answered.
    NonePendingIn,
    /// No subscription; requests pending both ways.
    NonePendingOutIn,
    /// The user is subscribed to the contact.
    To,
    /// The user is subscribed to the contact; the contact has asked the user.
    ToPendingIn,
    /// The contact is subscribed to the user.
    From,
    /// The contact is subscribed to the user; the user has asked the contact.
    FromPendingOut,
    /// Both are subscribed to each other.
    Both,
}

impl State {
    /// The nine states in the order of the RFC's tables.
    pub const ALL: [State; 9] = [
        State::None,
        State::NonePendingOut,
        State::NonePendingIn,
        State::NonePendingOutIn,
        State::To,
        State::ToPendingIn,
        State::From,
        State::FromPendingOut,
        State::Both,
    ];

    fn index(self) -> usize {
        match self {
            State::None => 0,
            State::NonePendingOut => 1,
            State::NonePendingIn => 2,
            State::NonePendingOutIn => 3,
            State::To => 4,
            State::ToPendingIn => 5,
            State::From => 6,
            State::FromPendingOut => 7,
            State::Both => 8,
        }
    }

    /// The name the RFC gives the state, such as `None + Pending Out/In`.
    pub fn rfc_name(self) -> &'static str {
        match self {
            State::None => "None",
            State::NonePendingOut => "None + Pending Out",
            State::NonePendingIn => "None + Pending In",
            State::NonePendingOutIn => "None + Pending Out/In",
            State::To => "To",
            State::ToPendingIn => "To + Pending In",
            State::From => "From",
            State::FromPendingOut => "From + Pending Out",
            State::Both => "Both",
        }
    }

    /// Whether the user receives the contact's presence ("To" or "Both").
    pub fn user_subscribed_to_contact(self) -> bool {
        matches!(self, State::To | State::ToPendingIn | State::Both)
    }

    /// Whether the contact receives the user's presence ("From" or "Both").
    pub fn contact_subscribed_to_user(self) -> bool {
        matches!(self, State::From | State::FromPendingOut | State::Both)
    }

    /// Whether the user's request to the contact is pending (`ask='subscribe'`).
    pub fn pending_out(self) -> bool {
        matches!(
            self,
            State::NonePendingOut | State::NonePendingOutIn | State::FromPendingOut
        )
    }

    /// Whether the contact's request to the user is pending.
    pub fn pending_in(self) -> bool {
        matches!(
            self,
            State::NonePendingIn | State::NonePendingOutIn | State::ToPendingIn
        )
    }

    /// The state made of these four facts, if §9.1 defines one (a pending request in a
    /// direction that is already subscribed is not a state).
    pub fn from_parts(to: bool, from: bool, pending_out: bool, pending_in: bool) -> Option<Self> {
        State::ALL.into_iter().find(|s| {
            s.user_subscribed_to_contact() == to
                && s.contact_subscribed_to_user() == from
                && s.pending_out() == pending_out
                && s.pending_in() == pending_in
        })
    }
}

/// The four presence types that manage subscriptions (RFC 3921 §2.2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// `subscribe`: a request for the recipient's presence.
    Subscribe,
    /// `subscribed`: the sender grants its presence.
    Subscribed,
    /// `unsubscribe`: the sender no longer wants the recipient's presence.
    Unsubscribe,
    /// `unsubscribed`: the sender refuses or revokes its presence.
    Unsubscribed,
}

impl Kind {
    /// The four kinds.
    pub const ALL: [Kind; 4] = [
        Kind::Subscribe,
        Kind::Subscribed,
        Kind::Unsubscribe,
        Kind::Unsubscribed,
    ];

    /// The value of the `type` attribute.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Subscribe => "subscribe",
            Kind::Subscribed => "subscribed",
            Kind::Unsubscribe => "unsubscribe",
            Kind::Unsubscribed => "unsubscribed",
        }
    }

    fn index(self) -> usize {
        match self {
            Kind::Subscribe => 0,
            Kind::Subscribed => 1,
            Kind::Unsubscribe => 2,
            Kind::Unsubscribed => 3,
        }
    }
}

/// Which way the stanza travels, seen from the user's server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Sent by the user, to the contact (RFC 3921 §9.2).
    Outbound,
    /// Sent by the contact, for the user (RFC 3921 §9.3).
    Inbound,
}

/// What the user's server does with one subscription stanza.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// The new state; `None` where the RFC says "no state change".
    pub new_state: Option<State>,
    /// Whether the stanza goes on: routed to the contact (outbound) or delivered to the
    /// user (inbound).
    pub forward: bool,
    /// Whether the user's resources that requested the roster get a roster push.
    pub roster_push: bool,
    /// The stanza the server sends the contact on the user's behalf, if any.
    pub auto_reply: Option<Kind>,
}

impl Outcome {
    /// The state after the stanza, given the state before it.
    pub fn state_after(&self, before: State) -> State {
        self.new_state.unwrap_or(before)
    }
}

/// One row: forward?, new state, auto-reply.
type Row = (bool, Option<State>, Option<Kind>);

use Kind::{Subscribed as ReplySubscribed, Unsubscribed as ReplyUnsubscribed};
use State::*;

const NO: Option<State> = Option::None;
const fn to(s: State) -> Option<State> {
    Some(s)
}

/// `[direction][kind][state]`, states in [`State::ALL`] order.
const TABLES: [[[Row; 9]; 4]; 2] = [
    // Outbound (RFC 3921 §9.2).
    [
        // subscribe: always routed (§9.2); states from §8.2, §8.3.
        [
            (true, to(NonePendingOut), Option::None),
            (true, NO, Option::None),
            (true, to(NonePendingOutIn), Option::None),
            (true, NO, Option::None),
            (true, NO, Option::None),
            (true, NO, Option::None),
            (true, to(FromPendingOut), Option::None),
            (true, NO, Option::None),
            (true, NO, Option::None),
        ],
        // subscribed: Table 1.
        [
            (false, NO, Option::None),
            (false, NO, Option::None),
            (true, to(From), Option::None),
            (true, to(FromPendingOut), Option::None),
            (false, NO, Option::None),
            (true, to(Both), Option::None),
            (false, NO, Option::None),
            (false, NO, Option::None),
            (false, NO, Option::None),
        ],
        // unsubscribe: always routed (§9.2); states from §8.4 (and RFC 6121 A.2.2 for
        // withdrawn pending requests).
        [
            (true, NO, Option::None),
            (true, to(None), Option::None),
            (true, NO, Option::None),
            (true, to(NonePendingIn), Option::None),
            (true, to(None), Option::None),
            (true, to(NonePendingIn), Option::None),
            (true, NO, Option::None),
            (true, to(From), Option::None),
            (true, to(From), Option::None),
        ],
        // unsubscribed: Table 2.
        [
            (false, NO, Option::None),
            (false, NO, Option::None),
            (true, to(None), Option::None),
            (true, to(NonePendingOut), Option::None),
            (false, NO, Option::None),
            (true, to(To), Option::None),
            (true, to(None), Option::None),
            (true, to(NonePendingOut), Option::None),
            (true, to(To), Option::None),
        ],
    ],
    // Inbound (RFC 3921 §9.3).
    [
        // subscribe: Table 3; "*" rows auto-reply "subscribed".
        [
            (true, to(NonePendingIn), Option::None),
            (true, to(NonePendingOutIn), Option::None),
            (false, NO, Option::None),
            (false, NO, Option::None),
            (true, to(ToPendingIn), Option::None),
            (false, NO, Option::None),
            (false, NO, Some(ReplySubscribed)),
            (false, NO, Some(ReplySubscribed)),
            (false, NO, Some(ReplySubscribed)),
        ],
        // subscribed: Table 5.
        [
            (false, NO, Option::None),
            (true, to(To), Option::None),
            (false, NO, Option::None),
            (true, to(ToPendingIn), Option::None),
            (false, NO, Option::None),
            (false, NO, Option::None),
            (false, NO, Option::None),
            (true, to(Both), Option::None),
            (false, NO, Option::None),
        ],
        // unsubscribe: Table 4; "*" rows auto-reply "unsubscribed".
        [
            (false, NO, Option::None),
            (false, NO, Option::None),
            (true, to(None), Some(ReplyUnsubscribed)),
            (true, to(NonePendingOut), Some(ReplyUnsubscribed)),
            (false, NO, Option::None),
            (true, to(To), Some(ReplyUnsubscribed)),
            (true, to(None), Some(ReplyUnsubscribed)),
            (true, to(NonePendingOut), Some(ReplyUnsubscribed)),
            (true, to(To), Some(ReplyUnsubscribed)),
        ],
        // unsubscribed: Table 6.
        [
            (false, NO, Option::None),
            (true, to(None), Option::None),
            (false, NO, Option::None),
            (true, to(NonePendingIn), Option::None),
            (true, to(None), Option::None),
            (true, to(NonePendingIn), Option::None),
            (false, NO, Option::None),
            (true, to(From), Option::None),
            (true, to(From), Option::None),
        ],
    ],
];

/// What the user's server does with a subscription stanza of `kind` travelling in
/// `direction` while the user's subscription with the contact is `state`
/// (RFC 3921 §9.2, §9.3; see the module documentation for the rows that the RFC's
/// tables do not give).
///
/// ```
/// use xmpp_im::subscription::{handle, Direction, Kind, State};
///
/// // RFC 3921 §9.3 Table 3: a contact that already has access asks again.
/// let o = handle(Direction::Inbound, State::Both, Kind::Subscribe);
/// assert_eq!(o.new_state, None);
/// assert!(!o.forward);
/// assert_eq!(o.auto_reply, Some(Kind::Subscribed));
/// ```
pub fn handle(direction: Direction, state: State, kind: Kind) -> Outcome {
    let d = match direction {
        Direction::Outbound => 0,
        Direction::Inbound => 1,
    };
    let (forward, new_state, auto_reply) = TABLES[d][kind.index()][state.index()];
    let after = new_state.unwrap_or(state);
    // A push when the roster item's `subscription` or `ask` changes (module docs).
    let visible = |s: State| {
        (
            s.user_subscribed_to_contact(),
            s.contact_subscribed_to_user(),
            s.pending_out(),
        )
    };
    Outcome {
        new_state,
        forward,
        roster_push: visible(after) != visible(state),
        auto_reply,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One row: direction, kind, existing state => forward, new state (`NO` for "no
    /// state change"), roster push, auto-reply.
    macro_rules! row {
        ($(#[$doc:meta])* $name:ident: $dir:ident $kind:ident $state:ident =>
            forward $fwd:literal, $new:expr, push $push:literal, reply $reply:expr) => {
            $(#[$doc])*
            #[test]
            fn $name() {
                let o = handle(Direction::$dir, State::$state, Kind::$kind);
                assert_eq!(
                    o,
                    Outcome {
                        new_state: $new,
                        forward: $fwd,
                        roster_push: $push,
                        auto_reply: $reply,
                    }
                );
            }
        };
    }

    const NONE: Option<Kind> = Option::None;

    // RFC 3921 §9.2: outbound "subscribe" is routed without exception; the states follow
    // §8.2 step 4 (None -> None + Pending Out, the push with ask='subscribe'), §8.3
    // (From -> From + Pending Out); already pending or subscribed: no state change.
    row!(out_subscribe_none: Outbound Subscribe None => forward true, to(NonePendingOut), push true, reply NONE);
    row!(out_subscribe_none_pending_out: Outbound Subscribe NonePendingOut => forward true, NO, push false, reply NONE);
    row!(out_subscribe_none_pending_in: Outbound Subscribe NonePendingIn => forward true, to(NonePendingOutIn), push true, reply NONE);
    row!(out_subscribe_none_pending_out_in: Outbound Subscribe NonePendingOutIn => forward true, NO, push false, reply NONE);
    row!(out_subscribe_to: Outbound Subscribe To => forward true, NO, push false, reply NONE);
    row!(out_subscribe_to_pending_in: Outbound Subscribe ToPendingIn => forward true, NO, push false, reply NONE);
    row!(out_subscribe_from: Outbound Subscribe From => forward true, to(FromPendingOut), push true, reply NONE);
    row!(out_subscribe_from_pending_out: Outbound Subscribe FromPendingOut => forward true, NO, push false, reply NONE);
    row!(out_subscribe_both: Outbound Subscribe Both => forward true, NO, push false, reply NONE);

    // RFC 3921 §9.2 Table 1: outbound "subscribed".
    row!(out_subscribed_none: Outbound Subscribed None => forward false, NO, push false, reply NONE);
    row!(out_subscribed_none_pending_out: Outbound Subscribed NonePendingOut => forward false, NO, push false, reply NONE);
    row!(out_subscribed_none_pending_in: Outbound Subscribed NonePendingIn => forward true, to(From), push true, reply NONE);
    row!(out_subscribed_none_pending_out_in: Outbound Subscribed NonePendingOutIn => forward true, to(FromPendingOut), push true, reply NONE);
    row!(out_subscribed_to: Outbound Subscribed To => forward false, NO, push false, reply NONE);
    row!(out_subscribed_to_pending_in: Outbound Subscribed ToPendingIn => forward true, to(Both), push true, reply NONE);
    row!(out_subscribed_from: Outbound Subscribed From => forward false, NO, push false, reply NONE);
    row!(out_subscribed_from_pending_out: Outbound Subscribed FromPendingOut => forward false, NO, push false, reply NONE);
    row!(out_subscribed_both: Outbound Subscribed Both => forward false, NO, push false, reply NONE);

    // RFC 3921 §9.2: outbound "unsubscribe" is routed without exception; §8.4.1 (To ->
    // None), §8.4.2 (Both -> From); withdrawing a pending request clears pending-out
    // (not described by RFC 3921 §8; RFC 6121 Appendix A.2.2).
    row!(out_unsubscribe_none: Outbound Unsubscribe None => forward true, NO, push false, reply NONE);
    row!(out_unsubscribe_none_pending_out: Outbound Unsubscribe NonePendingOut => forward true, to(None), push true, reply NONE);
    row!(out_unsubscribe_none_pending_in: Outbound Unsubscribe NonePendingIn => forward true, NO, push false, reply NONE);
    row!(out_unsubscribe_none_pending_out_in: Outbound Unsubscribe NonePendingOutIn => forward true, to(NonePendingIn), push true, reply NONE);
    row!(out_unsubscribe_to: Outbound Unsubscribe To => forward true, to(None), push true, reply NONE);
    row!(out_unsubscribe_to_pending_in: Outbound Unsubscribe ToPendingIn => forward true, to(NonePendingIn), push true, reply NONE);
    row!(out_unsubscribe_from: Outbound Unsubscribe From => forward true, NO, push false, reply NONE);
    row!(out_unsubscribe_from_pending_out: Outbound Unsubscribe FromPendingOut => forward true, to(From), push true, reply NONE);
    row!(out_unsubscribe_both: Outbound Unsubscribe Both => forward true, to(From), push true, reply NONE);

    // RFC 3921 §9.2 Table 2: outbound "unsubscribed". Refusing a pending inbound request
    // changes no `subscription`/`ask` value, so no push (§9.1 note on "None + Pending In").
    row!(out_unsubscribed_none: Outbound Unsubscribed None => forward false, NO, push false, reply NONE);
    row!(out_unsubscribed_none_pending_out: Outbound Unsubscribed NonePendingOut => forward false, NO, push false, reply NONE);
    row!(out_unsubscribed_none_pending_in: Outbound Unsubscribed NonePendingIn => forward true, to(None), push false, reply NONE);
    row!(out_unsubscribed_none_pending_out_in: Outbound Unsubscribed NonePendingOutIn => forward true, to(NonePendingOut), push false, reply NONE);
    row!(out_unsubscribed_to: Outbound Unsubscribed To => forward false, NO, push false, reply NONE);
    row!(out_unsubscribed_to_pending_in: Outbound Unsubscribed ToPendingIn => forward true, to(To), push false, reply NONE);
    row!(out_unsubscribed_from: Outbound Unsubscribed From => forward true, to(None), push true, reply NONE);
    row!(out_unsubscribed_from_pending_out: Outbound Unsubscribed FromPendingOut => forward true, to(NonePendingOut), push true, reply NONE);
    row!(out_unsubscribed_both: Outbound Unsubscribed Both => forward true, to(To), push true, reply NONE);

    // RFC 3921 §9.3 Table 3: inbound "subscribe"; "*" rows: SHOULD auto-reply
    // "subscribed" and not deliver.
    row!(in_subscribe_none: Inbound Subscribe None => forward true, to(NonePendingIn), push false, reply NONE);
    row!(in_subscribe_none_pending_out: Inbound Subscribe NonePendingOut => forward true, to(NonePendingOutIn), push false, reply NONE);
    row!(in_subscribe_none_pending_in: Inbound Subscribe NonePendingIn => forward false, NO, push false, reply NONE);
    row!(in_subscribe_none_pending_out_in: Inbound Subscribe NonePendingOutIn => forward false, NO, push false, reply NONE);
    row!(in_subscribe_to: Inbound Subscribe To => forward true, to(ToPendingIn), push false, reply NONE);
    row!(in_subscribe_to_pending_in: Inbound Subscribe ToPendingIn => forward false, NO, push false, reply NONE);
    row!(in_subscribe_from: Inbound Subscribe From => forward false, NO, push false, reply Some(Kind::Subscribed));
    row!(in_subscribe_from_pending_out: Inbound Subscribe FromPendingOut => forward false, NO, push false, reply Some(Kind::Subscribed));
    row!(in_subscribe_both: Inbound Subscribe Both => forward false, NO, push false, reply Some(Kind::Subscribed));

    // RFC 3921 §9.3 Table 4: inbound "unsubscribe"; "*" rows (every state change):
    // SHOULD auto-reply "unsubscribed", MUST deliver.
    row!(in_unsubscribe_none: Inbound Unsubscribe None => forward false, NO, push false, reply NONE);
    row!(in_unsubscribe_none_pending_out: Inbound Unsubscribe NonePendingOut => forward false, NO, push false, reply NONE);
    row!(in_unsubscribe_none_pending_in: Inbound Unsubscribe NonePendingIn => forward true, to(None), push false, reply Some(Kind::Unsubscribed));
    row!(in_unsubscribe_none_pending_out_in: Inbound Unsubscribe NonePendingOutIn => forward true, to(NonePendingOut), push false, reply Some(Kind::Unsubscribed));
    row!(in_unsubscribe_to: Inbound Unsubscribe To => forward false, NO, push false, reply NONE);
    row!(in_unsubscribe_to_pending_in: Inbound Unsubscribe ToPendingIn => forward true, to(To), push false, reply Some(Kind::Unsubscribed));
    row!(in_unsubscribe_from: Inbound Unsubscribe From => forward true, to(None), push true, reply Some(Kind::Unsubscribed));
    row!(in_unsubscribe_from_pending_out: Inbound Unsubscribe FromPendingOut => forward true, to(NonePendingOut), push true, reply Some(Kind::Unsubscribed));
    row!(in_unsubscribe_both: Inbound Unsubscribe Both => forward true, to(To), push true, reply Some(Kind::Unsubscribed));

    // RFC 3921 §9.3 Table 5: inbound "subscribed"; delivered only where a pending
    // outbound request is answered.
    row!(in_subscribed_none: Inbound Subscribed None => forward false, NO, push false, reply NONE);
    row!(in_subscribed_none_pending_out: Inbound Subscribed NonePendingOut => forward true, to(To), push true, reply NONE);
    row!(in_subscribed_none_pending_in: Inbound Subscribed NonePendingIn => forward false, NO, push false, reply NONE);
    row!(in_subscribed_none_pending_out_in: Inbound Subscribed NonePendingOutIn => forward true, to(ToPendingIn), push true, reply NONE);
    row!(in_subscribed_to: Inbound Subscribed To => forward false, NO, push false, reply NONE);
    row!(in_subscribed_to_pending_in: Inbound Subscribed ToPendingIn => forward false, NO, push false, reply NONE);
    row!(in_subscribed_from: Inbound Subscribed From => forward false, NO, push false, reply NONE);
    row!(in_subscribed_from_pending_out: Inbound Subscribed FromPendingOut => forward true, to(Both), push true, reply NONE);
    row!(in_subscribed_both: Inbound Subscribed Both => forward false, NO, push false, reply NONE);

    // RFC 3921 §9.3 Table 6: inbound "unsubscribed"; delivered where a pending outbound
    // request or the user's subscription to the contact ends.
    row!(in_unsubscribed_none: Inbound Unsubscribed None => forward false, NO, push false, reply NONE);
    row!(in_unsubscribed_none_pending_out: Inbound Unsubscribed NonePendingOut => forward true, to(None), push true, reply NONE);
    row!(in_unsubscribed_none_pending_in: Inbound Unsubscribed NonePendingIn => forward false, NO, push false, reply NONE);
    row!(in_unsubscribed_none_pending_out_in: Inbound Unsubscribed NonePendingOutIn => forward true, to(NonePendingIn), push true, reply NONE);
    row!(in_unsubscribed_to: Inbound Unsubscribed To => forward true, to(None), push true, reply NONE);
    row!(in_unsubscribed_to_pending_in: Inbound Unsubscribed ToPendingIn => forward true, to(NonePendingIn), push true, reply NONE);
    row!(in_unsubscribed_from: Inbound Unsubscribed From => forward false, NO, push false, reply NONE);
    row!(in_unsubscribed_from_pending_out: Inbound Unsubscribed FromPendingOut => forward true, to(From), push true, reply NONE);
    row!(in_unsubscribed_both: Inbound Unsubscribed Both => forward true, to(From), push true, reply NONE);

    /// RFC 3921 §9.2, §9.3: the text's rules hold on every row: outbound "subscribe" and
    /// "unsubscribe" always go on; every other stanza goes on exactly when the state
    /// changes; a stated new state is never the old one; a push needs a state change.
    #[test]
    fn the_rules_of_the_text_hold_on_every_row() {
        for dir in [Direction::Outbound, Direction::Inbound] {
            for kind in Kind::ALL {
                for s in State::ALL {
                    let o = handle(dir, s, kind);
                    assert_ne!(o.new_state, Some(s), "{dir:?} {kind:?} {s:?}");
                    let always = dir == Direction::Outbound
                        && matches!(kind, Kind::Subscribe | Kind::Unsubscribe);
                    if always {
                        assert!(o.forward);
                    } else {
                        assert_eq!(o.forward, o.new_state.is_some(), "{dir:?} {kind:?} {s:?}");
                    }
                    if o.roster_push {
                        assert!(o.new_state.is_some());
                    }
                }
            }
        }
    }

    /// RFC 3921 §9.1: the nine states are the consistent combinations of the four facts.
    #[test]
    fn states_from_parts() {
        for s in State::ALL {
            assert_eq!(
                State::from_parts(
                    s.user_subscribed_to_contact(),
                    s.contact_subscribed_to_user(),
                    s.pending_out(),
                    s.pending_in()
                ),
                Some(s)
            );
        }
        assert_eq!(State::from_parts(true, false, true, false), Option::None);
        assert_eq!(State::from_parts(false, true, false, true), Option::None);
        let names: std::collections::HashSet<_> = State::ALL.iter().map(|s| s.rfc_name()).collect();
        assert_eq!(names.len(), 9);
    }
}
