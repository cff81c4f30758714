//! Fuzz target `core_s2s`: see `xmpp_core::fuzzing::s2s_connection`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    xmpp_core::fuzzing::s2s_connection(data);
});
