//! Fuzz target `pidf_parse`: the PIDF reader of `xmpp-cpim`; what it accepts must write
//! and read back unchanged (`xmpp_cpim::fuzzing::pidf`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    xmpp_cpim::fuzzing::pidf(data);
});
