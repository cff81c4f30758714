//! Fuzzes `xmpp_sasl::fuzzing::payload`: arbitrary bytes must never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some((_, again)) = xmpp_sasl::fuzzing::payload(data) {
        // RFC 3920 §14.9: only canonical base64 (or "=") is accepted.
        assert!(again.as_bytes() == data, "payload re-encodes differently");
    }
});
