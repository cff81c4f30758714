//! Fuzz target `im_client`: the client roster model and presence view of `xmpp-im` fed
//! arbitrary stanzas (`xmpp_im::fuzzing::client`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    xmpp_im::fuzzing::client(data);
});
