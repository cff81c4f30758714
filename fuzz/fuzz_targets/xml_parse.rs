//! Fuzz target `xml_parse`: see `xmpp_xml::fuzzing::parse_bytes`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    xmpp_xml::fuzzing::parse_bytes(data);
});
