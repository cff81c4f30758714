//! Error kinds the parser reports for markup out of place, where two kinds map to the same
//! stream error condition and only the kind tells them apart.

use xmpp_xml::{ErrorKind, Parser};

const HEADER: &str = "<stream:stream xmlns='jabber:client' \
    xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>";

/// The error the parser reports for `input`, fed whole.
fn error_of(input: &str) -> Option<ErrorKind> {
    let mut p = Parser::new();
    p.feed(input.as_bytes());
    loop {
        match p.next_event() {
            Ok(Some(_)) => {}
            Ok(None) => return None,
            Err(e) => return Some(e.kind()),
        }
    }
}

/// XML 1.0 §2.1 [1], [27]: after the root element only comments, processing instructions
/// and white space may follow; a CDATA section there is content after the end.
#[test]
fn cdata_after_the_stream_end_is_content_after_end() {
    assert_eq!(
        error_of(&format!("{HEADER}<message/></stream:stream><![CDATA[x]]>")),
        Some(ErrorKind::ContentAfterEnd)
    );
}

/// XML 1.0 §2.7: a CDATA section between stanzas is text at the top level of the stream.
#[test]
fn cdata_between_stanzas_is_text_at_top_level() {
    assert_eq!(
        error_of(&format!("{HEADER}<![CDATA[x]]>")),
        Some(ErrorKind::TextAtTopLevel)
    );
}
