//! Fuzzes `xmpp_sasl::fuzzing::anonymous_server`: arbitrary bytes must never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = xmpp_sasl::fuzzing::anonymous_server(data);
});
