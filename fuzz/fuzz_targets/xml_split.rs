//! Fuzz target `xml_split`: see `xmpp_xml::fuzzing::split_invariance`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    xmpp_xml::fuzzing::split_invariance(data);
});
