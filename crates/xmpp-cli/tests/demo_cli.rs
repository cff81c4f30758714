//! `xmpp demo` runs a whole exchange in memory and exits 0.

use std::process::Command;

#[test]
fn demo_runs_tls_scram_bind_and_a_message_each_way() {
    let out = Command::new(env!("CARGO_BIN_EXE_xmpp"))
        .arg("demo")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{text}");
    assert!(text.starts_with("== "), "{text}");
    assert!(
        text.contains("C: <?xml version='1.0'?><stream:stream"),
        "{text}"
    );
    assert!(text.contains("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"));
    assert!(text.contains("authenticated juliet@example.com with SCRAM-SHA-256-PLUS"));
    assert!(text.contains("bound juliet@example.com/balcony"));
    assert!(text.contains("<body>Wherefore art thou, Romeo?</body>"));
    assert!(text.contains("<body>Shall I hear more?</body>"));
    assert!(
        text.trim_end()
            .ends_with("== client: closed (closed: the stream was closed)"),
        "{text}"
    );
}
