//! Checks proven through `xmpp-jid`.

use super::Check;

/// The checks of this group.
pub const CHECKS: &[Check] = &[];
