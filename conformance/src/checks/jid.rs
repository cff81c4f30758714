//! Checks proven through `xmpp-jid` (RFC 3920 §3 and Appendix A/B, RFC 3491, RFC 3490).

use super::{Check, Outcome};
use xmpp_jid::{
    BidiRule, DomainPart, Error, IpVersion, Jid, LabelError, Part, Rules, nodeprep, resourceprep,
};

fn parse(s: &str) -> Result<Jid, String> {
    Jid::parse(s).map_err(|e| format!("{s:?} refused: {e}"))
}

/// `input` must parse to exactly `canonical`.
fn canonical(input: &str, want: &str) -> Outcome {
    let j = parse(input)?;
    if j.as_str() == want {
        Ok(())
    } else {
        Err(format!(
            "{input:?} prepared to {:?}, want {want:?}",
            j.as_str()
        ))
    }
}

/// `input` must be refused with an error that satisfies `ok`.
fn refused(input: &str, what: &str, ok: impl Fn(&Error) -> bool) -> Outcome {
    match Jid::parse(input) {
        Ok(j) => Err(format!("{input:?} accepted as {:?}; {what}", j.as_str())),
        Err(e) if ok(&e) => Ok(()),
        Err(e) => Err(format!(
            "{input:?} refused for the wrong reason ({e}); {what}"
        )),
    }
}

fn same(a: &str, b: &str) -> Outcome {
    let (ja, jb) = (parse(a)?, parse(b)?);
    if ja == jb {
        Ok(())
    } else {
        Err(format!("{a:?} and {b:?} compare different ({ja} vs {jb})"))
    }
}

fn different(a: &str, b: &str) -> Outcome {
    let (ja, jb) = (parse(a)?, parse(b)?);
    if ja != jb {
        Ok(())
    } else {
        Err(format!("{a:?} and {b:?} compare equal"))
    }
}

fn prohibited(part: Part, ch: char) -> impl Fn(&Error) -> bool {
    move |e| *e == Error::Prohibited { part, ch }
}

/// RFC 3920 §3.1: each part at most 1023 bytes; a whole JID at most 3071.
fn part_length_limit() -> Outcome {
    let max = "a".repeat(1023);
    let label = "d".repeat(63);
    let domain = vec![label.as_str(); 16].join(".");
    canonical(
        &format!("{max}@{domain}/{max}"),
        &format!("{max}@{domain}/{max}"),
    )?;
    let long = "a".repeat(1024);
    refused(
        &format!("{long}@example.com"),
        "node over 1023 bytes",
        |e| {
            matches!(
                e,
                Error::TooLong {
                    part: Part::Node,
                    len: 1024
                }
            )
        },
    )?;
    refused(
        &format!("example.com/{long}"),
        "resource over 1023 bytes",
        |e| {
            matches!(
                e,
                Error::TooLong {
                    part: Part::Resource,
                    len: 1024
                }
            )
        },
    )?;
    // 15 labels of 63, one of 62 and one of 1 with 16 dots: exactly 1024 bytes.
    let over = format!(
        "{}.{}.a",
        vec![label.as_str(); 15].join("."),
        "d".repeat(62)
    );
    if over.len() != 1024 {
        return Err(format!("test domain is {} bytes, want 1024", over.len()));
    }
    refused(&over, "domain of 1024 bytes", |e| {
        matches!(
            e,
            Error::TooLong {
                part: Part::Domain,
                len: 1024
            }
        )
    })?;
    // The bound is in bytes, not characters: 512 two-byte characters are 1024 bytes.
    refused(
        &format!("example.com/{}", "\u{E9}".repeat(512)),
        "resource of 512 characters but 1024 bytes",
        |e| {
            matches!(
                e,
                Error::TooLong {
                    part: Part::Resource,
                    len: 1024
                }
            )
        },
    )?;
    canonical(
        &format!("example.com/{}x", "\u{E9}".repeat(511)),
        &format!("example.com/{}x", "\u{E9}".repeat(511)),
    )
}

/// RFC 3920 §3.1: the limit applies to the prepared parts.
fn length_after_preparation() -> Outcome {
    // 1023 soft hyphens map to nothing (Table B.1): one byte remains.
    canonical(
        &format!("{}x@example.com", "\u{AD}".repeat(1023)),
        "x@example.com",
    )?;
    // 512 x U+00DF is 1024 bytes in input and 1024 after case folding to "ss".
    refused(
        &format!("{}@example.com", "\u{DF}".repeat(512)),
        "1024 bytes once prepared",
        |e| {
            matches!(
                e,
                Error::TooLong {
                    part: Part::Node,
                    len: 1024
                }
            )
        },
    )?;
    // 342 x U+2474 (3 bytes each, 1026 in input) prepare to "(1)" (3 bytes each) in the
    // resource; 341 of them fit.
    canonical(
        &format!("example.com/{}", "\u{2474}".repeat(341)),
        &format!("example.com/{}", "(1)".repeat(341)),
    )
}

/// RFC 3920 §3.1: resource after the first '/', node before the first '@' ahead of it.
fn split_rules() -> Outcome {
    let j = parse("a@b/c@d/e")?;
    if (j.node(), j.domain(), j.resource()) != (Some("a"), "b", Some("c@d/e")) {
        return Err(format!(
            "a@b/c@d/e split as {:?}",
            (j.node(), j.domain(), j.resource())
        ));
    }
    let j = parse("b/c@d")?;
    if (j.node(), j.domain(), j.resource()) != (None, "b", Some("c@d")) {
        return Err(format!(
            "b/c@d split as {:?}",
            (j.node(), j.domain(), j.resource())
        ));
    }
    refused("@b", "an '@' opens a node, which cannot be empty", |e| {
        *e == Error::Empty(Part::Node)
    })?;
    refused("b/", "a '/' opens a resource, which cannot be empty", |e| {
        *e == Error::Empty(Part::Resource)
    })
}

/// RFC 3920 §3.2: a domain alone is a complete JID; there is no JID without one.
fn domain_only_is_valid() -> Outcome {
    let j = parse("example.com")?;
    if j.node().is_some() || j.resource().is_some() || j.domain() != "example.com" {
        return Err(format!("example.com read as {j:?}"));
    }
    refused("", "the domain is required", |e| {
        *e == Error::Empty(Part::Domain)
    })?;
    refused("user@/r", "the domain is required", |e| {
        *e == Error::Empty(Part::Domain)
    })
}

/// RFC 3920 §3.1, §3.2: IPv4 and IPv6 address literals as domains.
fn domain_ip_literals() -> Outcome {
    canonical("user@192.0.2.1/r", "user@192.0.2.1/r")?;
    canonical("user@[2001:DB8::1]/r", "user@[2001:db8::1]/r")?;
    canonical("[::1]", "[::1]")?;
    // The bare form of RFC 3920 §3.1 is read too, and written bracketed (RFC 6122 §2.2).
    canonical("user@2001:DB8::1/r", "user@[2001:db8::1]/r")?;
    refused("user@[::g]", "malformed IPv6 literal", |e| {
        *e == Error::BadIpLiteral(IpVersion::V6)
    })?;
    canonical("255.255.255.255", "255.255.255.255")?;
    refused("user@192.0.2.256", "malformed IPv4 literal", |e| {
        *e == Error::BadIpLiteral(IpVersion::V4)
    })
}

/// RFC 3920 §3.2, RFC 3491: the domain must survive Nameprep; RFC 3490: every label must
/// pass ToASCII.
fn domain_idn_nameprep() -> Outcome {
    canonical("user@B\u{DC}CHER.example", "user@b\u{FC}cher.example")?;
    refused(
        "user@a\u{E000}b.example",
        "private use is prohibited (C.3)",
        |e| {
            matches!(
                e,
                Error::Prohibited {
                    part: Part::Domain,
                    ch: '\u{E000}'
                }
            )
        },
    )?;
    refused(
        "user@\u{5D0}a\u{5D1}.example",
        "mixed-direction label (RFC 3454 §6)",
        |e| {
            matches!(
                e,
                Error::Bidi {
                    part: Part::Domain,
                    rule: BidiRule::Mixed
                }
            )
        },
    )?;
    refused("user@a..example", "empty label", |e| {
        matches!(
            e,
            Error::BadLabel {
                reason: LabelError::Empty,
                ..
            }
        )
    })?;
    refused(
        &format!("user@{}.example", "a".repeat(64)),
        "64-octet label",
        |e| {
            matches!(
                e,
                Error::BadLabel {
                    reason: LabelError::TooLong { .. },
                    ..
                }
            )
        },
    )?;
    // RFC 3490 §4.1 step 8 on the ACE form of a non-ASCII label.
    refused(
        &format!("user@{}.example", "\u{E9}".repeat(60)),
        "ACE form over 63",
        |e| {
            matches!(
                e,
                Error::BadLabel {
                    reason: LabelError::TooLong { .. },
                    ..
                }
            )
        },
    )?;
    refused(
        "user@xn--\u{E9}.example",
        "non-ASCII label with ACE prefix",
        |e| {
            matches!(
                e,
                Error::BadLabel {
                    reason: LabelError::AcePrefix,
                    ..
                }
            )
        },
    )
}

/// RFC 3490 §3.1 (through RFC 3920 §3.2): U+3002, U+FF0E and U+FF61 separate labels.
fn domain_label_separators() -> Outcome {
    for sep in ['\u{3002}', '\u{FF0E}', '\u{FF61}'] {
        canonical(
            &format!("user@b\u{FC}cher{sep}example"),
            "user@b\u{FC}cher.example",
        )?;
    }
    let d = DomainPart::new("b\u{FC}cher\u{3002}example")
        .map_err(|e| format!("DomainPart b\u{FC}cher\u{3002}example refused: {e}"))?;
    if d.to_ascii() != "xn--bcher-kva.example" {
        return Err(format!(
            "ToASCII of b\u{FC}cher\u{3002}example gave {:?}, want xn--bcher-kva.example",
            d.to_ascii()
        ));
    }
    Ok(())
}

/// RFC 3920 §3.2: domains compare after Nameprep of each label.
fn domain_compare_after_nameprep() -> Outcome {
    same("user@EXAMPLE.com", "user@example.COM")?;
    same(
        "user@B\u{DC}CHER.example",
        "user@b\u{FC}cher\u{FF0E}example",
    )?;
    same("user@stra\u{DF}e.example", "user@strasse.example")?;
    different("user@example.com", "user@example.net")
}

/// RFC 3920 §3.3: the node must survive Nodeprep.
fn node_nodeprep_required() -> Outcome {
    canonical("J\u{DC}LIET@example.com", "j\u{FC}liet@example.com")?;
    refused(
        "a\u{E000}@example.com",
        "private use is prohibited in a node",
        |e| {
            matches!(
                e,
                Error::Prohibited {
                    part: Part::Node,
                    ..
                }
            )
        },
    )?;
    refused(
        "a b@example.com",
        "space is prohibited in a node",
        prohibited(Part::Node, ' '),
    )
}

/// RFC 3920 §3.3: nodes compare after Nodeprep.
fn node_compare_after_nodeprep() -> Outcome {
    same("JULIET@example.com", "juliet@example.com")?;
    same("Ma\u{DF}e@example.com", "MASSE@example.com")?;
    same("\u{FB01}le@example.com", "file@example.com")?;
    different("juliet@example.com", "romeo@example.com")
}

/// RFC 3920 §3.4: the resource must survive Resourceprep.
fn resource_resourceprep_required() -> Outcome {
    canonical("example.com/Home Office", "example.com/Home Office")?;
    refused(
        "example.com/a\tb",
        "ASCII controls are prohibited (C.2.1)",
        |e| {
            matches!(
                e,
                Error::Prohibited {
                    part: Part::Resource,
                    ch: '\t'
                }
            )
        },
    )?;
    refused("example.com/a\u{E000}", "private use is prohibited", |e| {
        matches!(
            e,
            Error::Prohibited {
                part: Part::Resource,
                ..
            }
        )
    })
}

/// RFC 3920 §3.4: resources compare after Resourceprep (no case folding).
fn resource_compare_after_resourceprep() -> Outcome {
    same("example.com/\u{2168}", "example.com/IX")?;
    same("example.com/a\u{AD}b", "example.com/ab")?;
    different("example.com/Balcony", "example.com/balcony")
}

/// RFC 3920 A.2, B.2; RFC 3454 §7: code points unassigned in Unicode 3.2 (Table A.1)
/// are refused in every part (a JID is a stored string).
fn unassigned_refused() -> Outcome {
    for (input, part, ch) in [
        ("a\u{221}@example.com", Part::Node, '\u{221}'),
        ("example.com/\u{1D2C}", Part::Resource, '\u{1D2C}'),
        ("user@\u{2C7C}.example", Part::Domain, '\u{2C7C}'),
        ("example.com/\u{E0002}", Part::Resource, '\u{E0002}'),
    ] {
        refused(input, "unassigned in Unicode 3.2", |e| {
            *e == Error::Unassigned { part, ch }
        })?;
    }
    Ok(())
}

/// RFC 3920 A.3: Nodeprep maps with Table B.1 (to nothing) and B.2 (case folding).
fn nodeprep_mapping() -> Outcome {
    for (input, want) in [
        ("a\u{AD}\u{200B}\u{FEFF}b", "ab"),
        ("CAFE", "cafe"),
        ("\u{DF}", "ss"),
        ("\u{130}", "i\u{307}"),
        ("\u{2121}\u{33C6}", "telc\u{2215}kg"),
    ] {
        let got = nodeprep(input).map_err(|e| format!("{input:?}: {e}"))?;
        if got != want {
            return Err(format!("nodeprep({input:?}) = {got:?}, want {want:?}"));
        }
    }
    Ok(())
}

/// RFC 3920 B.3: Resourceprep maps with Table B.1 only: no case folding.
fn resourceprep_mapping() -> Outcome {
    for (input, want) in [
        ("a\u{AD}\u{200B}b", "ab"),
        ("CAFE", "CAFE"),
        ("\u{DF}", "\u{DF}"),
    ] {
        let got = resourceprep(input).map_err(|e| format!("{input:?}: {e}"))?;
        if got != want {
            return Err(format!("resourceprep({input:?}) = {got:?}, want {want:?}"));
        }
    }
    Ok(())
}

/// RFC 3920 A.4, B.4: NFKC, as of Unicode 3.2 (RFC 3454 §4), including the five
/// decompositions Normalization Corrigendum #4 changed after 3.2.
fn nfkc_unicode_3_2() -> Outcome {
    for (input, want) in [
        ("\u{FB01}", "fi"),
        ("\u{2168}", "ix"),
        ("j\u{30C}\u{A0}\u{AA}", "\u{1F0} a"),
        ("\u{F951}", "\u{964B}"),
        ("\u{2F868}", "\u{2136A}"),
        ("\u{2F874}", "\u{5F33}"),
        ("\u{2F91F}", "\u{43AB}"),
        ("\u{2F95F}", "\u{7AAE}"),
        ("\u{2F9BF}", "\u{4D57}"),
    ] {
        // The space of the third case is fine in a resource, not in a node.
        let got = resourceprep(input).map_err(|e| format!("{input:?}: {e}"))?;
        let want_resource = if input == "\u{2168}" { "IX" } else { want };
        if got != want_resource {
            return Err(format!(
                "resourceprep({input:?}) = {got:?}, want {want_resource:?}"
            ));
        }
        if !want.contains(' ') {
            let got = nodeprep(input).map_err(|e| format!("{input:?}: {e}"))?;
            if got != want {
                return Err(format!("nodeprep({input:?}) = {got:?}, want {want:?}"));
            }
        }
    }
    Ok(())
}

/// One code point of each prohibition table of RFC 3454 that a Rust string can hold (Table
/// C.5, surrogates, cannot occur in one), with the table's name; none of them is changed by
/// the mapping or normalization steps, so the error must name that very character.
const PROHIBITED_SAMPLES: &[(&str, char)] = &[
    ("C.1.2", '\u{1680}'),
    ("C.1.2", '\u{2028}'),
    ("C.2.1", '\u{1}'),
    ("C.2.1", '\u{7F}'),
    ("C.2.2", '\u{85}'),
    ("C.2.2", '\u{6DD}'),
    ("C.2.2", '\u{1D173}'),
    ("C.3", '\u{E000}'),
    ("C.3", '\u{F0000}'),
    ("C.4", '\u{FDD0}'),
    ("C.4", '\u{FFFF}'),
    ("C.4", '\u{10FFFE}'),
    ("C.6", '\u{FFF9}'),
    ("C.6", '\u{FFFD}'),
    ("C.7", '\u{2FF0}'),
    ("C.7", '\u{2FFB}'),
    ("C.8", '\u{200E}'),
    ("C.8", '\u{202A}'),
    ("C.8", '\u{206F}'),
    ("C.9", '\u{E0001}'),
    ("C.9", '\u{E007F}'),
];

/// `prep("a" + ch + "b")` must fail with `Prohibited { part, ch }`.
fn prohibited_in(
    prep: fn(&str) -> Result<std::borrow::Cow<'_, str>, Error>,
    what: &str,
    part: Part,
    table: &str,
    ch: char,
) -> Outcome {
    let input = format!("a{ch}b");
    match prep(&input) {
        Err(Error::Prohibited { part: p, ch: c }) if p == part && c == ch => Ok(()),
        other => Err(format!(
            "{what}({input:?}) with U+{:04X} (Table {table}) gave {other:?}, want Prohibited",
            u32::from(ch)
        )),
    }
}

/// RFC 3920 A.5: Nodeprep prohibits Tables C.1.1 to C.9.
fn nodeprep_prohibited_tables() -> Outcome {
    prohibited_in(nodeprep, "nodeprep", Part::Node, "C.1.1", ' ')?;
    for &(table, ch) in PROHIBITED_SAMPLES {
        prohibited_in(nodeprep, "nodeprep", Part::Node, table, ch)?;
    }
    // U+00A0 (C.1.2) becomes U+0020 under NFKC, which C.1.1 prohibits.
    match nodeprep("a\u{A0}b") {
        Err(Error::Prohibited {
            part: Part::Node, ..
        }) => Ok(()),
        other => Err(format!("nodeprep(\"a\\u{{A0}}b\") gave {other:?}")),
    }
}

/// RFC 3920 A.5: Nodeprep also prohibits " & ' / : < > @.
fn nodeprep_prohibited_ascii() -> Outcome {
    for ch in ['"', '&', '\'', '/', ':', '<', '>', '@'] {
        let input = format!("a{ch}b");
        if nodeprep(&input)
            != Err(Error::Prohibited {
                part: Part::Node,
                ch,
            })
        {
            return Err(format!(
                "nodeprep({input:?}) gave {:?}, want Prohibited {ch:?}",
                nodeprep(&input)
            ));
        }
    }
    // Also when normalization produces them (fullwidth forms).
    for (wide, ch) in [
        ('\u{FF20}', '@'),
        ('\u{FF0F}', '/'),
        ('\u{FF1A}', ':'),
        ('\u{FF06}', '&'),
    ] {
        let input = format!("a{wide}b");
        match nodeprep(&input) {
            Err(Error::Prohibited {
                part: Part::Node,
                ch: c,
            }) if c == ch => {}
            other => {
                return Err(format!(
                    "nodeprep({input:?}) gave {other:?}; NFKC makes it {ch:?}, which is prohibited"
                ));
            }
        }
    }
    Ok(())
}

/// RFC 3920 B.5: Resourceprep prohibits C.1.2 to C.9, but not the ASCII space (C.1.1).
fn resourceprep_prohibited() -> Outcome {
    for &(table, ch) in PROHIBITED_SAMPLES {
        prohibited_in(resourceprep, "resourceprep", Part::Resource, table, ch)?;
    }
    for (ok, want) in [
        ("a b", "a b"),
        ("a@b", "a@b"),
        ("a/b", "a/b"),
        ("\"&'<>:", "\"&'<>:"),
        // U+00A0 is C.1.2 but NFKC turns it into the allowed ASCII space first.
        ("a\u{A0}b", "a b"),
    ] {
        match resourceprep(ok) {
            Ok(got) if got == want => {}
            other => {
                return Err(format!(
                    "resourceprep({ok:?}) gave {other:?}, want {want:?}"
                ));
            }
        }
    }
    Ok(())
}

fn bidi_cases(prep: fn(&str) -> Result<std::borrow::Cow<'_, str>, Error>) -> Outcome {
    for ok in ["\u{627}1\u{628}", "\u{5D0}\u{5D1}", "abc"] {
        prep(ok).map_err(|e| format!("{ok:?} refused: {e}"))?;
    }
    for (bad, rule) in [
        ("\u{627}1", BidiRule::NotEnclosed),
        ("1\u{627}", BidiRule::NotEnclosed),
        ("\u{627}a\u{628}", BidiRule::Mixed),
        ("a\u{5BE}b", BidiRule::Mixed),
    ] {
        match prep(bad) {
            Err(Error::Bidi { rule: r, .. }) if r == rule => {}
            other => return Err(format!("{bad:?}: {other:?}, want the {rule:?} bidi error")),
        }
    }
    Ok(())
}

/// RFC 3920 A.6; RFC 3454 §6: bidi rules in Nodeprep.
fn bidi_node() -> Outcome {
    bidi_cases(nodeprep)
}

/// RFC 3920 B.6; RFC 3454 §6: bidi rules in Resourceprep.
fn bidi_resource() -> Outcome {
    bidi_cases(resourceprep)
}

/// `input` read under `rules` must give exactly `want`.
fn canonical_with(input: &str, rules: Rules, want: &str) -> Outcome {
    match Jid::parse_with(input, rules) {
        Ok(j) if j.as_str() == want => Ok(()),
        Ok(j) => Err(format!(
            "{input:?} under {rules:?} prepared to {:?}, want {want:?}",
            j.as_str()
        )),
        Err(e) => Err(format!("{input:?} under {rules:?} refused: {e}")),
    }
}

/// RFC 6122 §2.2, followed by default where RFC 3920 §3.2 says only "an internationalized
/// domain name": ToASCII runs with UseSTD3ASCIIRules set, so a label's ASCII characters are
/// letters, digits and `-`, never first or last. Nameprep still applies (the checks of
/// RFC 3920 §3.2 run too), and the literal reading stays available as a choice.
fn domain_std3_rules() -> Outcome {
    for (input, ch) in [
        ("user@a b.example", ' '),
        ("user@a_b.example", '_'),
        ("user@*.example.com", '*'),
        ("user@a\u{7F}b.example", '\u{7F}'),
    ] {
        refused(input, "a character the STD3 rules refuse", |e| {
            matches!(
                e,
                Error::BadLabel {
                    reason: LabelError::NotHostChar { ch: c },
                    ..
                } if *c == ch
            )
        })?;
    }
    for input in ["user@-x.example", "user@x-.example"] {
        refused(input, "a label starting or ending with '-'", |e| {
            matches!(
                e,
                Error::BadLabel {
                    reason: LabelError::Hyphen,
                    ..
                }
            )
        })?;
    }
    refused("user@host:5222", "a ':' outside an IPv6 literal", |e| {
        matches!(e, Error::BadIpLiteral(IpVersion::V6))
    })?;
    canonical("user@a-b.Example", "user@a-b.example")?;
    canonical_with(
        "user@a_b.example",
        Rules::Rfc3920Literal,
        "user@a_b.example",
    )?;
    domain_idn_nameprep()
}

/// RFC 6122 §2.2, followed by default where RFC 3920 §3.2 has no such rule: a final dot is
/// removed before the domain is compared, so `example.com.` and `example.com` are one JID;
/// read literally, they differ.
fn domain_final_dot_removed() -> Outcome {
    canonical("user@Example.COM./r", "user@example.com/r")?;
    same("user@example.com.", "user@example.com")?;
    same("b\u{FC}cher.example\u{3002}", "B\u{DC}CHER.example")?;
    same("user@xn--bcher-kva.example.", "user@b\u{FC}cher.example")?;
    refused(".", "the root label alone is an empty domain", |e| {
        *e == Error::Empty(Part::Domain)
    })?;
    canonical_with("example.com.", Rules::Rfc3920Literal, "example.com.")?;
    domain_compare_after_nameprep()
}

/// RFC 6122 §2.2: an ACE label is converted with ToUnicode, so the ASCII and Unicode
/// spellings of a label are one JID with the Unicode form as canonical, and an `xn--` label
/// that is not the ACE form of any label is refused; RFC 3920 read literally (RFC 3490 §4.1
/// passes ASCII labels through unchanged) keeps the two spellings apart and any `xn--` label.
fn domain_ace_label_canonical() -> Outcome {
    canonical("user@xn--bcher-kva.example", "user@b\u{FC}cher.example")?;
    canonical("user@XN--BCHER-KVA.example", "user@b\u{FC}cher.example")?;
    same("user@xn--bcher-kva.example", "user@b\u{FC}cher.example")?;
    for bad in [
        "user@xn--a.example",
        "user@xn--99999999.example",
        "user@xn--bcher-kvb.example",
    ] {
        refused(bad, "an xn-- label that is no ACE form", |e| {
            matches!(
                e,
                Error::BadLabel {
                    reason: LabelError::BadAce,
                    ..
                }
            )
        })?;
    }
    // Under either reading: `xn--abc-` decodes to the ASCII label `abc`, which has no ACE
    // form, so it is no second spelling of anything.
    match Jid::parse_with("user@xn--abc-.example", Rules::Rfc3920Literal) {
        Err(Error::BadLabel {
            reason: LabelError::BadAce,
            ..
        }) => {}
        other => {
            return Err(format!(
                "xn--abc- read literally gave {other:?}, want BadAce"
            ));
        }
    }
    let d = DomainPart::new("xn--bcher-kva.example")
        .map_err(|e| format!("DomainPart xn--bcher-kva.example refused: {e}"))?;
    if d.as_str() != "b\u{FC}cher.example" || d.to_ascii() != "xn--bcher-kva.example" {
        return Err(format!(
            "xn--bcher-kva.example read as {:?} / {:?}",
            d.as_str(),
            d.to_ascii()
        ));
    }
    domain_idn_nameprep()
}

/// The checks of this group.
pub const CHECKS: &[Check] = &[
    Check {
        name: "jid.part_length_limit",
        run: part_length_limit,
    },
    Check {
        name: "jid.length_after_preparation",
        run: length_after_preparation,
    },
    Check {
        name: "jid.split_rules",
        run: split_rules,
    },
    Check {
        name: "jid.domain_only_is_valid",
        run: domain_only_is_valid,
    },
    Check {
        name: "jid.domain_ip_literals",
        run: domain_ip_literals,
    },
    Check {
        name: "jid.domain_std3_rules",
        run: domain_std3_rules,
    },
    Check {
        name: "jid.domain_final_dot_removed",
        run: domain_final_dot_removed,
    },
    Check {
        name: "jid.domain_ace_label_canonical",
        run: domain_ace_label_canonical,
    },
    Check {
        name: "jid.domain_label_separators",
        run: domain_label_separators,
    },
    Check {
        name: "jid.node_nodeprep_required",
        run: node_nodeprep_required,
    },
    Check {
        name: "jid.node_compare_after_nodeprep",
        run: node_compare_after_nodeprep,
    },
    Check {
        name: "jid.resource_resourceprep_required",
        run: resource_resourceprep_required,
    },
    Check {
        name: "jid.resource_compare_after_resourceprep",
        run: resource_compare_after_resourceprep,
    },
    Check {
        name: "jid.unassigned_refused",
        run: unassigned_refused,
    },
    Check {
        name: "jid.nodeprep_mapping",
        run: nodeprep_mapping,
    },
    Check {
        name: "jid.resourceprep_mapping",
        run: resourceprep_mapping,
    },
    Check {
        name: "jid.nfkc_unicode_3_2",
        run: nfkc_unicode_3_2,
    },
    Check {
        name: "jid.nodeprep_prohibited_tables",
        run: nodeprep_prohibited_tables,
    },
    Check {
        name: "jid.nodeprep_prohibited_ascii",
        run: nodeprep_prohibited_ascii,
    },
    Check {
        name: "jid.resourceprep_prohibited",
        run: resourceprep_prohibited,
    },
    Check {
        name: "jid.bidi_node",
        run: bidi_node,
    },
    Check {
        name: "jid.bidi_resource",
        run: bidi_resource,
    },
];

#[cfg(test)]
mod tests {
    use super::CHECKS;

    #[test]
    fn every_jid_check_passes() {
        for check in CHECKS {
            assert_eq!((check.run)(), Ok(()), "{}", check.name);
        }
    }
}
