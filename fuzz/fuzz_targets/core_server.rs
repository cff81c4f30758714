//! Fuzz target `core_server`: see `xmpp_core::fuzzing::server_connection`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    xmpp_core::fuzzing::server_connection(data);
});
