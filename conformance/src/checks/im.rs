//! Checks proven through `xmpp-im`: the subscription state tables of RFC 3921 §9, one
//! check per table row. Each expectation is read from the row's summary in
//! `requirements.tsv` (written from the RFC's tables), not from the crate.

use super::{Check, Outcome};
use xmpp_im::subscription::{Direction, Kind, State, handle};

/// The row's expectation against what `handle` decides.
fn row(
    direction: Direction,
    kind: Kind,
    state: State,
    forward: bool,
    new_state: Option<State>,
    auto_reply: Option<Kind>,
) -> Outcome {
    let got = handle(direction, state, kind);
    if got.forward != forward
        || got.new_state.filter(|s| *s != state) != new_state
        || got.auto_reply != auto_reply
    {
        return Err(format!(
            "{direction:?} {kind:?} in {state:?}: got forward {} new state {:?} auto-reply {:?}; \
             the table says forward {forward} new state {new_state:?} auto-reply {auto_reply:?}",
            got.forward, got.new_state, got.auto_reply
        ));
    }
    Ok(())
}

/// 3921-9.2-x1: Outbound subscribed in state None: do not route it; state unchanged.
fn table_3921_9_2_x1() -> Outcome {
    row(
        Direction::Outbound,
        Kind::Subscribed,
        State::None,
        false,
        None,
        None,
    )
}

/// 3921-9.2-x2: Outbound subscribed in state None + Pending Out: do not route it; state unchanged.
fn table_3921_9_2_x2() -> Outcome {
    row(
        Direction::Outbound,
        Kind::Subscribed,
        State::NonePendingOut,
        false,
        None,
        None,
    )
}

/// 3921-9.2-x3: Outbound subscribed in state None + Pending In: route it to the contact; state becomes From.
fn table_3921_9_2_x3() -> Outcome {
    row(
        Direction::Outbound,
        Kind::Subscribed,
        State::NonePendingIn,
        true,
        Some(State::From),
        None,
    )
}

/// 3921-9.2-x4: Outbound subscribed in state None + Pending Out/In: route it to the contact; state becomes From + Pending Out.
fn table_3921_9_2_x4() -> Outcome {
    row(
        Direction::Outbound,
        Kind::Subscribed,
        State::NonePendingOutIn,
        true,
        Some(State::FromPendingOut),
        None,
    )
}

/// 3921-9.2-x5: Outbound subscribed in state To: do not route it; state unchanged.
fn table_3921_9_2_x5() -> Outcome {
    row(
        Direction::Outbound,
        Kind::Subscribed,
        State::To,
        false,
        None,
        None,
    )
}

/// 3921-9.2-x6: Outbound subscribed in state To + Pending In: route it to the contact; state becomes Both.
fn table_3921_9_2_x6() -> Outcome {
    row(
        Direction::Outbound,
        Kind::Subscribed,
        State::ToPendingIn,
        true,
        Some(State::Both),
        None,
    )
}

/// 3921-9.2-x7: Outbound subscribed in state From: do not route it; state unchanged.
fn table_3921_9_2_x7() -> Outcome {
    row(
        Direction::Outbound,
        Kind::Subscribed,
        State::From,
        false,
        None,
        None,
    )
}

/// 3921-9.2-x8: Outbound subscribed in state From + Pending Out: do not route it; state unchanged.
fn table_3921_9_2_x8() -> Outcome {
    row(
        Direction::Outbound,
        Kind::Subscribed,
        State::FromPendingOut,
        false,
        None,
        None,
    )
}

/// 3921-9.2-x9: Outbound subscribed in state Both: do not route it; state unchanged.
fn table_3921_9_2_x9() -> Outcome {
    row(
        Direction::Outbound,
        Kind::Subscribed,
        State::Both,
        false,
        None,
        None,
    )
}

/// 3921-9.2-x10: Outbound unsubscribed in state None: do not route it; state unchanged.
fn table_3921_9_2_x10() -> Outcome {
    row(
        Direction::Outbound,
        Kind::Unsubscribed,
        State::None,
        false,
        None,
        None,
    )
}

/// 3921-9.2-x11: Outbound unsubscribed in state None + Pending Out: do not route it; state unchanged.
fn table_3921_9_2_x11() -> Outcome {
    row(
        Direction::Outbound,
        Kind::Unsubscribed,
        State::NonePendingOut,
        false,
        None,
        None,
    )
}

/// 3921-9.2-x12: Outbound unsubscribed in state None + Pending In: route it to the contact; state becomes None.
fn table_3921_9_2_x12() -> Outcome {
    row(
        Direction::Outbound,
        Kind::Unsubscribed,
        State::NonePendingIn,
        true,
        Some(State::None),
        None,
    )
}

/// 3921-9.2-x13: Outbound unsubscribed in state None + Pending Out/In: route it to the contact; state becomes None + Pending Out.
fn table_3921_9_2_x13() -> Outcome {
    row(
        Direction::Outbound,
        Kind::Unsubscribed,
        State::NonePendingOutIn,
        true,
        Some(State::NonePendingOut),
        None,
    )
}

/// 3921-9.2-x14: Outbound unsubscribed in state To: do not route it; state unchanged.
fn table_3921_9_2_x14() -> Outcome {
    row(
        Direction::Outbound,
        Kind::Unsubscribed,
        State::To,
        false,
        None,
        None,
    )
}

/// 3921-9.2-x15: Outbound unsubscribed in state To + Pending In: route it to the contact; state becomes To.
fn table_3921_9_2_x15() -> Outcome {
    row(
        Direction::Outbound,
        Kind::Unsubscribed,
        State::ToPendingIn,
        true,
        Some(State::To),
        None,
    )
}

/// 3921-9.2-x16: Outbound unsubscribed in state From: route it to the contact; state becomes None.
fn table_3921_9_2_x16() -> Outcome {
    row(
        Direction::Outbound,
        Kind::Unsubscribed,
        State::From,
        true,
        Some(State::None),
        None,
    )
}

/// 3921-9.2-x17: Outbound unsubscribed in state From + Pending Out: route it to the contact; state becomes None + Pending Out.
fn table_3921_9_2_x17() -> Outcome {
    row(
        Direction::Outbound,
        Kind::Unsubscribed,
        State::FromPendingOut,
        true,
        Some(State::NonePendingOut),
        None,
    )
}

/// 3921-9.2-x18: Outbound unsubscribed in state Both: route it to the contact; state becomes To.
fn table_3921_9_2_x18() -> Outcome {
    row(
        Direction::Outbound,
        Kind::Unsubscribed,
        State::Both,
        true,
        Some(State::To),
        None,
    )
}

/// 3921-9.3-x1: Inbound subscribe in state None: deliver to user; state becomes None + Pending In.
fn table_3921_9_3_x1() -> Outcome {
    row(
        Direction::Inbound,
        Kind::Subscribe,
        State::None,
        true,
        Some(State::NonePendingIn),
        None,
    )
}

/// 3921-9.3-x2: Inbound subscribe in state None + Pending Out: deliver to user; state becomes None + Pending Out/In.
fn table_3921_9_3_x2() -> Outcome {
    row(
        Direction::Inbound,
        Kind::Subscribe,
        State::NonePendingOut,
        true,
        Some(State::NonePendingOutIn),
        None,
    )
}

/// 3921-9.3-x3: Inbound subscribe in state None + Pending In: do not deliver; state unchanged.
fn table_3921_9_3_x3() -> Outcome {
    row(
        Direction::Inbound,
        Kind::Subscribe,
        State::NonePendingIn,
        false,
        None,
        None,
    )
}

/// 3921-9.3-x4: Inbound subscribe in state None + Pending Out/In: do not deliver; state unchanged.
fn table_3921_9_3_x4() -> Outcome {
    row(
        Direction::Inbound,
        Kind::Subscribe,
        State::NonePendingOutIn,
        false,
        None,
        None,
    )
}

/// 3921-9.3-x5: Inbound subscribe in state To: deliver to user; state becomes To + Pending In.
fn table_3921_9_3_x5() -> Outcome {
    row(
        Direction::Inbound,
        Kind::Subscribe,
        State::To,
        true,
        Some(State::ToPendingIn),
        None,
    )
}

/// 3921-9.3-x6: Inbound subscribe in state To + Pending In: do not deliver; state unchanged.
fn table_3921_9_3_x6() -> Outcome {
    row(
        Direction::Inbound,
        Kind::Subscribe,
        State::ToPendingIn,
        false,
        None,
        None,
    )
}

/// 3921-9.3-x7: Inbound subscribe in state From: not delivered, state unchanged; auto-answer subscribed.
fn table_3921_9_3_x7() -> Outcome {
    row(
        Direction::Inbound,
        Kind::Subscribe,
        State::From,
        false,
        None,
        Some(Kind::Subscribed),
    )
}

/// 3921-9.3-x8: Inbound subscribe in state From + Pending Out: not delivered, state unchanged; auto-answer subscribed.
fn table_3921_9_3_x8() -> Outcome {
    row(
        Direction::Inbound,
        Kind::Subscribe,
        State::FromPendingOut,
        false,
        None,
        Some(Kind::Subscribed),
    )
}

/// 3921-9.3-x9: Inbound subscribe in state Both: not delivered, state unchanged; auto-answer subscribed.
fn table_3921_9_3_x9() -> Outcome {
    row(
        Direction::Inbound,
        Kind::Subscribe,
        State::Both,
        false,
        None,
        Some(Kind::Subscribed),
    )
}

/// 3921-9.3-x10: Inbound unsubscribe in state None: do not deliver; state unchanged.
fn table_3921_9_3_x10() -> Outcome {
    row(
        Direction::Inbound,
        Kind::Unsubscribe,
        State::None,
        false,
        None,
        None,
    )
}

/// 3921-9.3-x11: Inbound unsubscribe in state None + Pending Out: do not deliver; state unchanged.
fn table_3921_9_3_x11() -> Outcome {
    row(
        Direction::Inbound,
        Kind::Unsubscribe,
        State::NonePendingOut,
        false,
        None,
        None,
    )
}

/// 3921-9.3-x12: Inbound unsubscribe in state None + Pending In: deliver to user, state becomes None; auto-answer unsubscribed.
fn table_3921_9_3_x12() -> Outcome {
    row(
        Direction::Inbound,
        Kind::Unsubscribe,
        State::NonePendingIn,
        true,
        Some(State::None),
        Some(Kind::Unsubscribed),
    )
}

/// 3921-9.3-x13: Inbound unsubscribe in state None + Pending Out/In: deliver to user, state becomes None + Pending Out; auto-answer unsubscribed.
fn table_3921_9_3_x13() -> Outcome {
    row(
        Direction::Inbound,
        Kind::Unsubscribe,
        State::NonePendingOutIn,
        true,
        Some(State::NonePendingOut),
        Some(Kind::Unsubscribed),
    )
}

/// 3921-9.3-x14: Inbound unsubscribe in state To: do not deliver; state unchanged.
fn table_3921_9_3_x14() -> Outcome {
    row(
        Direction::Inbound,
        Kind::Unsubscribe,
        State::To,
        false,
        None,
        None,
    )
}

/// 3921-9.3-x15: Inbound unsubscribe in state To + Pending In: deliver to user, state becomes To; auto-answer unsubscribed.
fn table_3921_9_3_x15() -> Outcome {
    row(
        Direction::Inbound,
        Kind::Unsubscribe,
        State::ToPendingIn,
        true,
        Some(State::To),
        Some(Kind::Unsubscribed),
    )
}

/// 3921-9.3-x16: Inbound unsubscribe in state From: deliver to user, state becomes None; auto-answer unsubscribed.
fn table_3921_9_3_x16() -> Outcome {
    row(
        Direction::Inbound,
        Kind::Unsubscribe,
        State::From,
        true,
        Some(State::None),
        Some(Kind::Unsubscribed),
    )
}

/// 3921-9.3-x17: Inbound unsubscribe in state From + Pending Out: deliver to user, state becomes None + Pending Out; auto-answer unsubscribed.
fn table_3921_9_3_x17() -> Outcome {
    row(
        Direction::Inbound,
        Kind::Unsubscribe,
        State::FromPendingOut,
        true,
        Some(State::NonePendingOut),
        Some(Kind::Unsubscribed),
    )
}

/// 3921-9.3-x18: Inbound unsubscribe in state Both: deliver to user, state becomes To; auto-answer unsubscribed.
fn table_3921_9_3_x18() -> Outcome {
    row(
        Direction::Inbound,
        Kind::Unsubscribe,
        State::Both,
        true,
        Some(State::To),
        Some(Kind::Unsubscribed),
    )
}

/// 3921-9.3-x19: Inbound subscribed in state None: do not deliver; state unchanged.
fn table_3921_9_3_x19() -> Outcome {
    row(
        Direction::Inbound,
        Kind::Subscribed,
        State::None,
        false,
        None,
        None,
    )
}

/// 3921-9.3-x20: Inbound subscribed in state None + Pending Out: deliver to user; state becomes To.
fn table_3921_9_3_x20() -> Outcome {
    row(
        Direction::Inbound,
        Kind::Subscribed,
        State::NonePendingOut,
        true,
        Some(State::To),
        None,
    )
}

/// 3921-9.3-x21: Inbound subscribed in state None + Pending In: do not deliver; state unchanged.
fn table_3921_9_3_x21() -> Outcome {
    row(
        Direction::Inbound,
        Kind::Subscribed,
        State::NonePendingIn,
        false,
        None,
        None,
    )
}

/// 3921-9.3-x22: Inbound subscribed in state None + Pending Out/In: deliver to user; state becomes To + Pending In.
fn table_3921_9_3_x22() -> Outcome {
    row(
        Direction::Inbound,
        Kind::Subscribed,
        State::NonePendingOutIn,
        true,
        Some(State::ToPendingIn),
        None,
    )
}

/// 3921-9.3-x23: Inbound subscribed in state To: do not deliver; state unchanged.
fn table_3921_9_3_x23() -> Outcome {
    row(
        Direction::Inbound,
        Kind::Subscribed,
        State::To,
        false,
        None,
        None,
    )
}

/// 3921-9.3-x24: Inbound subscribed in state To + Pending In: do not deliver; state unchanged.
fn table_3921_9_3_x24() -> Outcome {
    row(
        Direction::Inbound,
        Kind::Subscribed,
        State::ToPendingIn,
        false,
        None,
        None,
    )
}

/// 3921-9.3-x25: Inbound subscribed in state From: do not deliver; state unchanged.
fn table_3921_9_3_x25() -> Outcome {
    row(
        Direction::Inbound,
        Kind::Subscribed,
        State::From,
        false,
        None,
        None,
    )
}

/// 3921-9.3-x26: Inbound subscribed in state From + Pending Out: deliver to user; state becomes Both.
fn table_3921_9_3_x26() -> Outcome {
    row(
        Direction::Inbound,
        Kind::Subscribed,
        State::FromPendingOut,
        true,
        Some(State::Both),
        None,
    )
}

/// 3921-9.3-x27: Inbound subscribed in state Both: do not deliver; state unchanged.
fn table_3921_9_3_x27() -> Outcome {
    row(
        Direction::Inbound,
        Kind::Subscribed,
        State::Both,
        false,
        None,
        None,
    )
}

/// 3921-9.3-x28: Inbound unsubscribed in state None: do not deliver; state unchanged.
fn table_3921_9_3_x28() -> Outcome {
    row(
        Direction::Inbound,
        Kind::Unsubscribed,
        State::None,
        false,
        None,
        None,
    )
}

/// 3921-9.3-x29: Inbound unsubscribed in state None + Pending Out: deliver to user; state becomes None.
fn table_3921_9_3_x29() -> Outcome {
    row(
        Direction::Inbound,
        Kind::Unsubscribed,
        State::NonePendingOut,
        true,
        Some(State::None),
        None,
    )
}

/// 3921-9.3-x30: Inbound unsubscribed in state None + Pending In: do not deliver; state unchanged.
fn table_3921_9_3_x30() -> Outcome {
    row(
        Direction::Inbound,
        Kind::Unsubscribed,
        State::NonePendingIn,
        false,
        None,
        None,
    )
}

/// 3921-9.3-x31: Inbound unsubscribed in state None + Pending Out/In: deliver to user; state becomes None + Pending In.
fn table_3921_9_3_x31() -> Outcome {
    row(
        Direction::Inbound,
        Kind::Unsubscribed,
        State::NonePendingOutIn,
        true,
        Some(State::NonePendingIn),
        None,
    )
}

/// 3921-9.3-x32: Inbound unsubscribed in state To: deliver to user; state becomes None.
fn table_3921_9_3_x32() -> Outcome {
    row(
        Direction::Inbound,
        Kind::Unsubscribed,
        State::To,
        true,
        Some(State::None),
        None,
    )
}

/// 3921-9.3-x33: Inbound unsubscribed in state To + Pending In: deliver to user; state becomes None + Pending In.
fn table_3921_9_3_x33() -> Outcome {
    row(
        Direction::Inbound,
        Kind::Unsubscribed,
        State::ToPendingIn,
        true,
        Some(State::NonePendingIn),
        None,
    )
}

/// 3921-9.3-x34: Inbound unsubscribed in state From: do not deliver; state unchanged.
fn table_3921_9_3_x34() -> Outcome {
    row(
        Direction::Inbound,
        Kind::Unsubscribed,
        State::From,
        false,
        None,
        None,
    )
}

/// 3921-9.3-x35: Inbound unsubscribed in state From + Pending Out: deliver to user; state becomes From.
fn table_3921_9_3_x35() -> Outcome {
    row(
        Direction::Inbound,
        Kind::Unsubscribed,
        State::FromPendingOut,
        true,
        Some(State::From),
        None,
    )
}

/// 3921-9.3-x36: Inbound unsubscribed in state Both: deliver to user; state becomes From.
fn table_3921_9_3_x36() -> Outcome {
    row(
        Direction::Inbound,
        Kind::Unsubscribed,
        State::Both,
        true,
        Some(State::From),
        None,
    )
}

/// Every check of this module.
pub static CHECKS: &[Check] = &[
    Check {
        name: "im.table_3921_9_2_x1",
        run: table_3921_9_2_x1,
    },
    Check {
        name: "im.table_3921_9_2_x2",
        run: table_3921_9_2_x2,
    },
    Check {
        name: "im.table_3921_9_2_x3",
        run: table_3921_9_2_x3,
    },
    Check {
        name: "im.table_3921_9_2_x4",
        run: table_3921_9_2_x4,
    },
    Check {
        name: "im.table_3921_9_2_x5",
        run: table_3921_9_2_x5,
    },
    Check {
        name: "im.table_3921_9_2_x6",
        run: table_3921_9_2_x6,
    },
    Check {
        name: "im.table_3921_9_2_x7",
        run: table_3921_9_2_x7,
    },
    Check {
        name: "im.table_3921_9_2_x8",
        run: table_3921_9_2_x8,
    },
    Check {
        name: "im.table_3921_9_2_x9",
        run: table_3921_9_2_x9,
    },
    Check {
        name: "im.table_3921_9_2_x10",
        run: table_3921_9_2_x10,
    },
    Check {
        name: "im.table_3921_9_2_x11",
        run: table_3921_9_2_x11,
    },
    Check {
        name: "im.table_3921_9_2_x12",
        run: table_3921_9_2_x12,
    },
    Check {
        name: "im.table_3921_9_2_x13",
        run: table_3921_9_2_x13,
    },
    Check {
        name: "im.table_3921_9_2_x14",
        run: table_3921_9_2_x14,
    },
    Check {
        name: "im.table_3921_9_2_x15",
        run: table_3921_9_2_x15,
    },
    Check {
        name: "im.table_3921_9_2_x16",
        run: table_3921_9_2_x16,
    },
    Check {
        name: "im.table_3921_9_2_x17",
        run: table_3921_9_2_x17,
    },
    Check {
        name: "im.table_3921_9_2_x18",
        run: table_3921_9_2_x18,
    },
    Check {
        name: "im.table_3921_9_3_x1",
        run: table_3921_9_3_x1,
    },
    Check {
        name: "im.table_3921_9_3_x2",
        run: table_3921_9_3_x2,
    },
    Check {
        name: "im.table_3921_9_3_x3",
        run: table_3921_9_3_x3,
    },
    Check {
        name: "im.table_3921_9_3_x4",
        run: table_3921_9_3_x4,
    },
    Check {
        name: "im.table_3921_9_3_x5",
        run: table_3921_9_3_x5,
    },
    Check {
        name: "im.table_3921_9_3_x6",
        run: table_3921_9_3_x6,
    },
    Check {
        name: "im.table_3921_9_3_x7",
        run: table_3921_9_3_x7,
    },
    Check {
        name: "im.table_3921_9_3_x8",
        run: table_3921_9_3_x8,
    },
    Check {
        name: "im.table_3921_9_3_x9",
        run: table_3921_9_3_x9,
    },
    Check {
        name: "im.table_3921_9_3_x10",
        run: table_3921_9_3_x10,
    },
    Check {
        name: "im.table_3921_9_3_x11",
        run: table_3921_9_3_x11,
    },
    Check {
        name: "im.table_3921_9_3_x12",
        run: table_3921_9_3_x12,
    },
    Check {
        name: "im.table_3921_9_3_x13",
        run: table_3921_9_3_x13,
    },
    Check {
        name: "im.table_3921_9_3_x14",
        run: table_3921_9_3_x14,
    },
    Check {
        name: "im.table_3921_9_3_x15",
        run: table_3921_9_3_x15,
    },
    Check {
        name: "im.table_3921_9_3_x16",
        run: table_3921_9_3_x16,
    },
    Check {
        name: "im.table_3921_9_3_x17",
        run: table_3921_9_3_x17,
    },
    Check {
        name: "im.table_3921_9_3_x18",
        run: table_3921_9_3_x18,
    },
    Check {
        name: "im.table_3921_9_3_x19",
        run: table_3921_9_3_x19,
    },
    Check {
        name: "im.table_3921_9_3_x20",
        run: table_3921_9_3_x20,
    },
    Check {
        name: "im.table_3921_9_3_x21",
        run: table_3921_9_3_x21,
    },
    Check {
        name: "im.table_3921_9_3_x22",
        run: table_3921_9_3_x22,
    },
    Check {
        name: "im.table_3921_9_3_x23",
        run: table_3921_9_3_x23,
    },
    Check {
        name: "im.table_3921_9_3_x24",
        run: table_3921_9_3_x24,
    },
    Check {
        name: "im.table_3921_9_3_x25",
        run: table_3921_9_3_x25,
    },
    Check {
        name: "im.table_3921_9_3_x26",
        run: table_3921_9_3_x26,
    },
    Check {
        name: "im.table_3921_9_3_x27",
        run: table_3921_9_3_x27,
    },
    Check {
        name: "im.table_3921_9_3_x28",
        run: table_3921_9_3_x28,
    },
    Check {
        name: "im.table_3921_9_3_x29",
        run: table_3921_9_3_x29,
    },
    Check {
        name: "im.table_3921_9_3_x30",
        run: table_3921_9_3_x30,
    },
    Check {
        name: "im.table_3921_9_3_x31",
        run: table_3921_9_3_x31,
    },
    Check {
        name: "im.table_3921_9_3_x32",
        run: table_3921_9_3_x32,
    },
    Check {
        name: "im.table_3921_9_3_x33",
        run: table_3921_9_3_x33,
    },
    Check {
        name: "im.table_3921_9_3_x34",
        run: table_3921_9_3_x34,
    },
    Check {
        name: "im.table_3921_9_3_x35",
        run: table_3921_9_3_x35,
    },
    Check {
        name: "im.table_3921_9_3_x36",
        run: table_3921_9_3_x36,
    },
];
