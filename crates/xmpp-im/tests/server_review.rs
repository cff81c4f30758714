//! Edge cases of the server component's own bookkeeping: sessions whose user is still
//! being loaded, and what a user's loading leaves behind (RFC 3921 §5.1.5, §11).

use xmpp_core::Stanza;
use xmpp_core::ns::CLIENT_NS;
use xmpp_im::server::{MemoryStore, Output, Route, Server, SessionId, Storage};
use xmpp_jid::BareJid;
use xmpp_xml::Element;

fn bare(s: &str) -> BareJid {
    s.parse().unwrap()
}

fn store() -> MemoryStore {
    let mut store = MemoryStore::new();
    store.add_user(&bare("juliet@example.com"));
    store.add_user(&bare("romeo@example.com"));
    store
}

/// The loads asked for so far (other outputs are kept aside).
fn loads(im: &mut Server, kept: &mut Vec<Output>) -> Vec<BareJid> {
    let mut loads = Vec::new();
    while let Some(o) = im.poll_output() {
        match o {
            Output::Load(u) => loads.push(u),
            other => kept.push(other),
        }
    }
    loads
}

fn message(from: &str, to: &str) -> Stanza {
    let e = Element::new(CLIENT_NS, "message")
        .with_attr("from", from.to_owned())
        .with_attr("to", to.to_owned())
        .with_child(Element::new(CLIENT_NS, "body").with_text("hi"));
    Stanza::from_element(&e, CLIENT_NS).unwrap()
}

// RFC 3921 §5.1.5, §11.1 rule 3.1: a resource that ends its session while its account is
// still loading, and binds again at once, is a live session like any other.
#[test]
fn rebinding_while_loading_is_a_new_session() {
    let mut store = store();
    let mut im = Server::new(["example.com"]);
    let mut kept = Vec::new();
    im.session_started(SessionId(1), "juliet@example.com/balcony".parse().unwrap());
    let pending = loads(&mut im, &mut kept);
    assert_eq!(pending, vec![bare("juliet@example.com")]);
    im.session_ended(SessionId(1));
    im.session_started(SessionId(2), "juliet@example.com/balcony".parse().unwrap());
    let data = store.load(&bare("juliet@example.com"));
    im.provide_user(&bare("juliet@example.com"), data);
    while im.poll_delivery(&mut store).is_some() {}
    assert_eq!(
        im.session_of(&"juliet@example.com/balcony".parse().unwrap()),
        Some(SessionId(2)),
        "the new session holds the resource"
    );
    // A message to the full JID reaches the new session.
    im.session_started(SessionId(3), "romeo@example.com/orchard".parse().unwrap());
    im.handle_stanza(
        SessionId(3),
        message("romeo@example.com/orchard", "juliet@example.com/balcony"),
    );
    let mut got = Vec::new();
    while let Some(d) = im.poll_delivery(&mut store) {
        got.push(d);
    }
    assert!(
        got.iter().any(|(r, _)| *r == Route::Session(SessionId(2))),
        "delivered to the new session: {got:?}"
    );
}

// An answer nobody asked for (a late or repeated one) installs nothing: the user is loaded
// afresh when work for it comes, and no user without sessions stays in memory.
#[test]
fn unasked_answer_is_ignored() {
    let mut im = Server::new(["example.com"]);
    let mut kept = Vec::new();
    im.provide_user(&bare("juliet@example.com"), Some(Default::default()));
    im.session_started(SessionId(1), "juliet@example.com/balcony".parse().unwrap());
    assert_eq!(
        loads(&mut im, &mut kept),
        vec![bare("juliet@example.com")],
        "the user is loaded from storage"
    );
}
