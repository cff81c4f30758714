//! Attribute uniqueness (XML 1.0 §3.1, Namespaces in XML §6.3) on elements with many
//! attributes: the same errors at the same offsets as pair by pair, at a cost that grows
//! as n log n.

use std::time::{Duration, Instant};

use xmpp_xml::{ErrorKind, Event, Limits, Parser};

const HEADER: &str = "<stream:stream xmlns='jabber:client' \
    xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>";

fn first_error(limits: Limits, stanza: &str) -> Option<(ErrorKind, u64)> {
    let mut p = Parser::stream(limits);
    p.feed(HEADER.as_bytes());
    p.feed(stanza.as_bytes());
    loop {
        match p.next_event() {
            Ok(Some(Event::Stanza(s))) => {
                s.to_element().expect("tree");
            }
            Ok(Some(_)) => {}
            Ok(None) => return None,
            Err(e) => return Some((e.kind(), e.offset() - HEADER.len() as u64)),
        }
    }
}

/// The attribute that repeats an earlier one first, in document order, is the one
/// reported, however many attributes there are.
#[test]
fn first_repeated_attribute_is_reported() {
    let limits = Limits::default().max_attributes(200);
    for n in [3usize, 8, 9, 20, 150] {
        // Names repeat: the last attribute repeats the first, and one in the middle
        // repeats its predecessor; the middle one comes first.
        let mut names: Vec<String> = (0..n).map(|i| format!("a{i}")).collect();
        let mid = n / 2;
        names[mid] = names[mid - 1].clone();
        names[n - 1] = names[0].clone();
        let mut stanza = String::from("<message");
        let mut offsets = Vec::new();
        for name in &names {
            offsets.push(stanza.len() as u64 + 1);
            stanza.push_str(&format!(" {name}='v'"));
        }
        stanza.push_str("/>");
        assert_eq!(
            first_error(limits, &stanza),
            Some((ErrorKind::DuplicateAttribute, offsets[mid])),
            "{n} attributes"
        );
        // The same through namespaces: two prefixes bound to one namespace. Qualified
        // names are checked first (XML 1.0), then expanded names (Namespaces in XML);
        // the reference is the pair-by-pair search.
        let mut stanza = String::from("<message xmlns:p='urn:x' xmlns:q='urn:x'");
        let mut offsets = Vec::new();
        let mut qnames = Vec::new();
        for (i, name) in names.iter().enumerate() {
            offsets.push(stanza.len() as u64 + 1);
            let prefix = if i % 2 == 0 { "p" } else { "q" };
            qnames.push(format!("{prefix}:{name}"));
            stanza.push_str(&format!(" {prefix}:{name}='v'"));
        }
        stanza.push_str("/>");
        let first =
            |same: &dyn Fn(usize, usize) -> bool| (1..n).find(|&k| (0..k).any(|j| same(j, k)));
        let expected = match first(&|j, k| qnames[j] == qnames[k]) {
            Some(k) => (ErrorKind::DuplicateAttribute, offsets[k]),
            None => {
                let k = first(&|j, k| names[j] == names[k]).expect("a repeat");
                (ErrorKind::DuplicateExpandedAttribute, offsets[k])
            }
        };
        assert_eq!(first_error(limits, &stanza), Some(expected), "{n} prefixed");
    }
    // An unbound prefix after a repeat: the repeat comes first.
    let mut stanza = String::from("<message xmlns:p='urn:x' xmlns:q='urn:x'");
    for i in 0..12 {
        stanza.push_str(&format!(" p:a{i}='v'"));
    }
    let repeat = stanza.len() as u64 + 1;
    stanza.push_str(" q:a3='v' z:b='v'/>");
    assert_eq!(
        first_error(limits, &stanza),
        Some((ErrorKind::DuplicateExpandedAttribute, repeat))
    );
    let unbound = stanza.find(" q:a3").map_or(0, |k| k as u64 + 1);
    let stanza = stanza.replace(" q:a3='v' z:b='v'", " z:b='v' q:a3='v'");
    assert_eq!(
        first_error(limits, &stanza),
        Some((ErrorKind::UnboundPrefix, unbound))
    );
}

fn best_of(n: usize, limits: Limits, stanza: &str) -> Duration {
    (0..n)
        .map(|_| {
            let t = Instant::now();
            assert_eq!(first_error(limits, stanza), None);
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

/// Elements of 1500 attributes (unprefixed, and in a namespace) cost a small factor of
/// the same bytes in elements of a few attributes (pair by pair it was over fifty).
#[test]
fn many_attributes_cost_n_log_n() {
    let limits = Limits::default()
        .max_attributes(2000)
        .max_stanza_bytes(1 << 20);
    let mut wide = String::from("<message xmlns:p='urn:p'>");
    for _ in 0..6 {
        wide.push_str("<e");
        for i in 0..750 {
            wide.push_str(&format!(" a{i}='1' p:a{i}='1'"));
        }
        wide.push_str("/>");
    }
    wide.push_str("</message>");
    let mut narrow = String::from("<message xmlns:p='urn:p'>");
    let mut i = 0;
    while narrow.len() < wide.len() {
        narrow.push_str(&format!("<e a{i}='1' p:a{i}='1' b='2'/>"));
        i += 1;
    }
    narrow.push_str("</message>");
    let (w, b) = (best_of(5, limits, &wide), best_of(5, limits, &narrow));
    let ratio = w.as_secs_f64() / b.as_secs_f64().max(1e-9);
    assert!(ratio < 8.0, "{ratio:.1}x slower ({w:?} against {b:?})");
}
