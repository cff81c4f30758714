//! Checks proven through `xmpp-xml`.

use super::Check;

/// The checks of this group.
pub const CHECKS: &[Check] = &[];
