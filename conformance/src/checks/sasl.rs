//! Checks proven through `xmpp-sasl`.

use super::Check;

/// The checks of this group.
pub const CHECKS: &[Check] = &[];
