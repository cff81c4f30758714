//! Fuzz target `xml_roundtrip`: see `xmpp_xml::fuzzing::roundtrip`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    xmpp_xml::fuzzing::roundtrip(data);
});
