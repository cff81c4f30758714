//! Namespace declarations are bounded (per element and in scope), and a stanza with as
//! many bindings in scope as the limits allow still parses (its cost is measured by the
//! `deep-ns` input of the XML benchmark).

use xmpp_xml::{Event, Limits, Parser, StreamErrorCondition as C};

const HEADER: &str = "<stream:stream xmlns='jabber:client' \
    xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>";

fn run(limits: Limits, stanza: &str) -> Result<usize, (C, u64)> {
    run_tree(limits, stanza, true)
}

fn run_tree(limits: Limits, stanza: &str, tree: bool) -> Result<usize, (C, u64)> {
    let mut p = Parser::stream(limits);
    p.feed(HEADER.as_bytes());
    p.feed(stanza.as_bytes());
    let mut n = 0;
    loop {
        match p.next_event() {
            Ok(Some(Event::Stanza(s))) => {
                if tree {
                    s.to_element().map_err(|e| (e.condition(), e.offset()))?;
                }
                n += 1;
            }
            Ok(Some(_)) => {}
            Ok(None) => return Ok(n),
            Err(e) => return Err((e.condition(), e.offset() - HEADER.len() as u64)),
        }
    }
}

fn decls(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!(" xmlns:p{i}='urn:{i}'"))
        .collect()
}

#[test]
fn declarations_per_element() {
    let limits = Limits::default().max_declarations(3);
    let ok = format!("<message{}/>", decls(0, 3));
    assert_eq!(run(limits, &ok), Ok(1));
    // The default declaration counts as well; the fourth is refused where it stands.
    let bad = format!("<message xmlns='jabber:client'{}/>", decls(0, 3));
    let at = bad.find(" xmlns:p2").map(|k| k as u64 + 1);
    assert_eq!(
        run(limits, &bad),
        Err((C::PolicyViolation, at.unwrap_or(0)))
    );
    // The stream header is an element too.
    let mut p = Parser::stream(limits);
    p.feed(
        HEADER
            .replace(" to=", &format!("{} to=", decls(0, 2)))
            .as_bytes(),
    );
    assert_eq!(p.next_event().unwrap_err().condition(), C::PolicyViolation);
    assert_eq!(Limits::default().max_declarations, 32);
}

#[test]
fn declarations_in_scope() {
    let limits = Limits::default().max_namespaces_in_scope(10);
    // The header's two declarations count: eight more fit.
    let ok = format!(
        "<message{}><a{}/><b{}/></message>",
        decls(0, 4),
        decls(4, 4),
        decls(8, 4)
    );
    assert_eq!(run(limits, &ok), Ok(1));
    let bad = format!(
        "<message{}><a{}><b{}/></a></message>",
        decls(0, 4),
        decls(4, 4),
        decls(8, 1)
    );
    let at = bad.find(" xmlns:p8").map(|k| k as u64 + 1);
    assert_eq!(
        run(limits, &bad),
        Err((C::PolicyViolation, at.unwrap_or(0)))
    );
    // Bindings that went out of scope no longer count.
    let many: String = (0..100)
        .map(|i| format!("<x{}/>", decls(i * 8, 8)))
        .collect();
    assert_eq!(run(limits, &format!("<message>{many}</message>")), Ok(1));
    assert_eq!(Limits::default().max_namespaces_in_scope, 256);
}

/// One stanza as large as the limit allows: `depth` nested elements each declaring
/// `per` prefixes, then small elements that look up the default namespace and `xml`.
fn deep_declarations(depth: usize, per: usize, size: usize) -> String {
    let mut s = String::from("<message>");
    for d in 0..depth {
        s.push_str(&format!("<e{d}{}>", decls(d * per, per)));
    }
    let close: String = (0..depth).map(|d| format!("</e{d}>")).collect();
    while s.len() + close.len() + 40 < size {
        s.push_str("<a xml:lang='en'/>");
    }
    for d in (0..depth).rev() {
        s.push_str(&format!("</e{d}>"));
    }
    s.push_str("</message>");
    s
}

/// The same size in small elements and no declarations.
fn plain(size: usize) -> String {
    let mut s = String::from("<message>");
    while s.len() + 40 < size {
        s.push_str("<a xml:lang='en'/>");
    }
    s.push_str("</message>");
    s
}

/// With nearly every binding the other limits allow in scope (126 elements of 64
/// declarations), the stanza parses, with and without its tree, like a stanza of the same
/// size without declarations. What it costs is measured by the `worst-case` group of the
/// XML benchmark (benches/benches/xml.rs), not here.
#[test]
fn bindings_in_scope_up_to_the_limits_parse() {
    let size = 255 * 1024;
    let limits = Limits::default()
        .max_stanza_bytes(size + 1024)
        .max_declarations(64)
        .max_namespaces_in_scope(usize::MAX);
    let worst = deep_declarations(126, 64, size);
    let base = plain(worst.len());
    for tree in [false, true] {
        assert_eq!(run_tree(limits, &worst, tree), Ok(1));
        assert_eq!(run_tree(limits, &base, tree), Ok(1));
    }
}
