//! Fuzz target `im_payloads`: the presence, message, roster and privacy readers of
//! `xmpp-im` on arbitrary XML; what they accept must write and read back unchanged, and
//! privacy queries are handled as requests (`xmpp_im::fuzzing::payloads`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    xmpp_im::fuzzing::payloads(data);
});
