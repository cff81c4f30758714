//! Fuzz target `e2e_open`: the receive path of RFC 3923 on arbitrary `<e2e/>` content
//! (S/MIME, MIME, CMS, CPIM and PIDF readers, the §6-§9 checks); every refusal must map
//! to a §7 condition (`xmpp_e2e::fuzzing::open_e2e`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    xmpp_e2e::fuzzing::open_e2e(data);
});
