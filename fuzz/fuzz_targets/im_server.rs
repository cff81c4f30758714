//! Fuzz target `im_server`: the IM server component of `xmpp-im` driven by an arbitrary
//! script of sessions and stanzas (`xmpp_im::fuzzing::server`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    xmpp_im::fuzzing::server(data);
});
