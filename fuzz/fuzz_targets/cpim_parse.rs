//! Fuzz target `cpim_parse`: the Message/CPIM reader of `xmpp-cpim` and the mapping of
//! what it accepts to XMPP and back (`xmpp_cpim::fuzzing::cpim`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    xmpp_cpim::fuzzing::cpim(data);
});
