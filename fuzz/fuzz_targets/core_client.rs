//! Fuzz target `core_client`: see `xmpp_core::fuzzing::client_connection`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    xmpp_core::fuzzing::client_connection(data);
});
