//! RFC 5802 §5.1: unknown optional extension attributes are ignored, each may appear once,
//! and attribute names are case-sensitive, so `x`, `D`, `B` and `C` are four different
//! extensions.

use xmpp_sasl::scram::{ScramClient, ScramHash};
use xmpp_sasl::{ClientMechanism, FixedNonce};

/// Our client's answer to a server-first-message ending in `extensions`.
fn client_final_after(extensions: &str) -> Result<Vec<u8>, xmpp_sasl::Error> {
    let mut client = ScramClient::new(ScramHash::Sha256, "user", "pencil")
        .expect("a valid user and password")
        .with_nonce_source(Box::new(FixedNonce("clinonce".into())));
    client.initial_response().expect("client-first-message");
    let server_first = format!("r=clinonceSRV,s=c2FsdA==,i=4096,{extensions}");
    client.step(server_first.as_bytes())
}

#[test]
fn distinct_extensions_upper_and_lower_case_are_accepted() {
    for extensions in ["x=1,D=2", "B=1,C=2", "a0=1", "Z=1,b=2", "A=1,b=2"] {
        let outcome = client_final_after(extensions);
        // `a0=1` is the attribute `a` (reserved for the authzid) out of place.
        if extensions == "a0=1" {
            assert!(outcome.is_err(), "{extensions}");
        } else {
            assert!(outcome.is_ok(), "{extensions}: {outcome:?}");
        }
    }
}

#[test]
fn a_repeated_extension_is_refused() {
    for extensions in ["x=1,x=2", "D=1,D=2"] {
        assert!(client_final_after(extensions).is_err(), "{extensions}");
    }
}
