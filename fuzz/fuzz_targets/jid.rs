//! Fuzz target `jid`: parse arbitrary bytes as a JID; a parsed JID must read back as
//! itself and preparation must be idempotent (`xmpp_jid::fuzz::check`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    xmpp_jid::fuzz::check(data);
});
