//! Behaviour of JID parsing and preparation, by RFC section.

use xmpp_jid::{
    BareJid, BidiRule, DomainPart, Error, FullJid, IpVersion, Jid, LabelError, NodePart, Part,
    ResourcePart, Rules, nameprep, nodeprep, resourceprep,
};

fn jid(s: &str) -> Jid {
    Jid::parse(s).unwrap_or_else(|e| panic!("{s:?}: {e}"))
}

/// A JID read with the literal RFC 3920 rules.
fn literal(s: &str) -> Jid {
    Jid::parse_with(s, Rules::Rfc3920Literal).unwrap_or_else(|e| panic!("{s:?}: {e}"))
}

// RFC 3920 §3.1: the forms the overview names.
#[test]
fn rfc3920_3_1_examples() {
    for (input, node, domain, resource) in [
        ("user@host/resource", Some("user"), "host", Some("resource")),
        ("room@service", Some("room"), "service", None),
        ("room@service/nick", Some("room"), "service", Some("nick")),
        ("domain/resource", None, "domain", Some("resource")),
        ("node@domain/home", Some("node"), "domain", Some("home")),
        ("node@domain/work", Some("node"), "domain", Some("work")),
        ("example.com", None, "example.com", None),
        (
            "juliet@example.com/balcony",
            Some("juliet"),
            "example.com",
            Some("balcony"),
        ),
    ] {
        let j = jid(input);
        assert_eq!(
            (j.node(), j.domain(), j.resource()),
            (node, domain, resource),
            "{input}"
        );
        assert_eq!(j.to_string(), input);
    }
}

// RFC 3920 §3.1: the resource is everything after the first '/', the node is before the
// first '@' that precedes it.
#[test]
fn rfc3920_3_1_splitting() {
    let j = jid("a@b/c@d/e");
    assert_eq!(j.node(), Some("a"));
    assert_eq!(j.domain(), "b");
    assert_eq!(j.resource(), Some("c@d/e"));
    let j = jid("b/c@d");
    assert_eq!(j.node(), None);
    assert_eq!(j.domain(), "b");
    assert_eq!(j.resource(), Some("c@d"));
    // A second '@' before the '/' lands in the domain, where it is refused.
    assert_eq!(
        Jid::parse("a@b@c"),
        Err(Error::Prohibited {
            part: Part::Domain,
            ch: '@'
        })
    );
}

#[test]
fn empty_parts() {
    assert_eq!(Jid::parse(""), Err(Error::Empty(Part::Domain)));
    assert_eq!(Jid::parse("@example.com"), Err(Error::Empty(Part::Node)));
    assert_eq!(Jid::parse("a@"), Err(Error::Empty(Part::Domain)));
    assert_eq!(Jid::parse("a@/r"), Err(Error::Empty(Part::Domain)));
    assert_eq!(
        Jid::parse("example.com/"),
        Err(Error::Empty(Part::Resource))
    );
    // A part that maps to nothing (RFC 3454 Table B.1) is empty after preparation.
    assert_eq!(
        Jid::parse("\u{AD}@example.com"),
        Err(Error::Empty(Part::Node))
    );
    assert_eq!(
        Jid::parse("example.com/\u{200B}"),
        Err(Error::Empty(Part::Resource))
    );
}

// RFC 3920 §3.1: at most 1023 bytes per part, counted after preparation.
#[test]
fn rfc3920_3_1_length_limit() {
    let max = "a".repeat(1023);
    assert!(NodePart::new(&max).is_ok());
    assert!(ResourcePart::new(&max).is_ok());
    let long = "a".repeat(1024);
    assert_eq!(
        NodePart::new(&long),
        Err(Error::TooLong {
            part: Part::Node,
            len: 1024
        })
    );
    assert_eq!(
        ResourcePart::new(&long),
        Err(Error::TooLong {
            part: Part::Resource,
            len: 1024
        })
    );
    // Domain: 16 labels of 63 octets and separators, then one more byte.
    let label = "a".repeat(63);
    let domain = vec![label.as_str(); 16].join(".");
    assert_eq!(domain.len(), 1023);
    assert!(DomainPart::new(&domain).is_ok());
    assert_eq!(
        DomainPart::new(&format!("{domain}a")),
        Err(Error::BadLabel {
            index: 15,
            reason: LabelError::TooLong { len: 64 }
        })
    );
    assert_eq!(
        DomainPart::new(&format!("{domain}.a")),
        Err(Error::TooLong {
            part: Part::Domain,
            len: 1025
        })
    );
    // After preparation: 1023 soft hyphens (mapped to nothing) and one letter is fine,
    assert_eq!(
        NodePart::new(&format!("{}x", "\u{AD}".repeat(1023))).map(|n| n.to_string()),
        Ok("x".to_owned())
    );
    // and 512 U+00DF (2 bytes each, "ss" after case folding) is 1024 bytes after it.
    let sharp = "\u{DF}".repeat(512);
    assert_eq!(
        NodePart::new(&sharp),
        Err(Error::TooLong {
            part: Part::Node,
            len: 1024
        })
    );
    // 3071 bytes in all.
    let full = format!("{max}@{domain}/{max}");
    assert_eq!(full.len(), 3071);
    assert_eq!(jid(&full).as_str(), full);
}

// RFC 3920 §3.2: the domain is the only required part.
#[test]
fn rfc3920_3_2_domain_only() {
    let j = jid("example.com");
    assert!(j.is_bare());
    assert_eq!(j.node(), None);
}

// RFC 3920 §3.2 and RFC 3490: labels prepared with Nameprep, label separators, ToASCII.
#[test]
fn rfc3920_3_2_domain_preparation() {
    assert_eq!(jid("EXAMPLE.Com").domain(), "example.com");
    for sep in ['\u{3002}', '\u{FF0E}', '\u{FF61}'] {
        let d = DomainPart::new(&format!("b\u{FC}cher{sep}example")).unwrap();
        assert_eq!(d.as_str(), "b\u{FC}cher.example");
        assert_eq!(d.to_ascii(), "xn--bcher-kva.example");
    }
    assert_eq!(jid("B\u{DC}CHER.example").domain(), "b\u{FC}cher.example");
    // Fullwidth letters normalize to ASCII.
    assert_eq!(jid("\u{FF45}xample.com").domain(), "example.com");
    assert_eq!(
        DomainPart::new("a..b"),
        Err(Error::BadLabel {
            index: 1,
            reason: LabelError::Empty
        })
    );
    assert_eq!(
        DomainPart::new("example.com.."),
        Err(Error::BadLabel {
            index: 2,
            reason: LabelError::Empty
        })
    );
    assert_eq!(
        DomainPart::new(&"a".repeat(64)),
        Err(Error::BadLabel {
            index: 0,
            reason: LabelError::TooLong { len: 64 }
        })
    );
    // A non-ASCII label whose ACE form passes 63 octets.
    assert!(matches!(
        DomainPart::new(&"\u{E9}".repeat(60)),
        Err(Error::BadLabel {
            index: 0,
            reason: LabelError::TooLong { .. }
        })
    ));
    assert_eq!(
        DomainPart::new("xn--\u{E9}.example"),
        Err(Error::BadLabel {
            index: 0,
            reason: LabelError::AcePrefix
        })
    );
    // ASCII labels are not checked for the ACE prefix (ToASCII step 3 skips to step 8).
    assert!(DomainPart::new("xn--bcher-kva.example").is_ok());
    // Fullwidth '@' and '/' become separators after NFKC: refused in a domain.
    assert_eq!(
        DomainPart::new("a\u{FF20}b"),
        Err(Error::Prohibited {
            part: Part::Domain,
            ch: '@'
        })
    );
    assert_eq!(
        DomainPart::new("a\u{FF0F}b"),
        Err(Error::Prohibited {
            part: Part::Domain,
            ch: '/'
        })
    );
    // Nameprep prohibitions apply (RFC 3491 §5).
    assert_eq!(
        DomainPart::parse_with("a\u{3000}b", Rules::Rfc3920Literal),
        Ok(DomainPart::parse_with("a b", Rules::Rfc3920Literal).unwrap())
    );
    assert_eq!(
        DomainPart::new("a\u{E000}b"),
        Err(Error::Prohibited {
            part: Part::Domain,
            ch: '\u{E000}'
        })
    );
    // Bidi is checked per label: an Arabic label next to a Latin one is fine.
    assert!(DomainPart::new("\u{627}\u{628}.example").is_ok());
    assert_eq!(
        DomainPart::new("\u{627}a\u{628}.example"),
        Err(Error::Bidi {
            part: Part::Domain,
            rule: BidiRule::Mixed
        })
    );
    // A single-label domain is accepted (RFC 3920 §3.2 makes FQDNs a SHOULD).
    assert!(DomainPart::new("localhost").is_ok());
}

#[test]
fn ip_literals() {
    assert_eq!(jid("user@192.0.2.1/r").domain(), "192.0.2.1");
    assert_eq!(jid("[2001:DB8::1]").domain(), "[2001:db8::1]");
    assert_eq!(jid("n@[0:0::1]/r").as_str(), "n@[::1]/r");
    assert_eq!(jid("::1").as_str(), "[::1]");
    assert_eq!(jid("n@[::ffff:192.0.2.1]").domain(), "[::ffff:192.0.2.1]");
    for bad in ["[::1", "[example.com]", "[1:2:3:4:5:6:7:8:9]", "[]"] {
        assert_eq!(
            DomainPart::new(bad),
            Err(Error::BadIpLiteral(IpVersion::V6)),
            "{bad}"
        );
    }
    for bad in ["256.1.1.1", "1.2.3.999", "01.2.3.4"] {
        assert_eq!(
            DomainPart::new(bad),
            Err(Error::BadIpLiteral(IpVersion::V4)),
            "{bad}"
        );
    }
    // Not of the dotted-quad shape: names.
    assert!(DomainPart::new("1.2.3").is_ok());
    assert!(DomainPart::new("1234.1.1.1").is_ok());
    // Fullwidth digits and separators normalize to an address.
    assert_eq!(
        DomainPart::new("\u{FF11}\u{FF12}\u{FF17}\u{3002}0.0.1")
            .unwrap()
            .as_str(),
        "127.0.0.1"
    );
}

// RFC 3920 §3.3 and Appendix A.
#[test]
fn rfc3920_3_3_node() {
    assert_eq!(jid("JULIET@example.com").node(), Some("juliet"));
    for (c, ch) in [
        ("a\"b", '"'),
        ("a&b", '&'),
        ("a'b", '\''),
        ("a:b", ':'),
        ("a<b", '<'),
        ("a>b", '>'),
        ("a b", ' '),
        ("a\u{7F}b", '\u{7F}'),
    ] {
        assert_eq!(
            Jid::parse(&format!("{c}@example.com")),
            Err(Error::Prohibited {
                part: Part::Node,
                ch
            }),
            "{c:?}"
        );
    }
    // '/' and '@' cannot reach the node through parsing but are prohibited by Nodeprep.
    assert!(nodeprep("a/b").is_err());
    assert!(nodeprep("a@b").is_err());
    // After normalization: fullwidth '@' is '@', no-break space is a space.
    assert_eq!(
        nodeprep("a\u{FF20}b"),
        Err(Error::Prohibited {
            part: Part::Node,
            ch: '@'
        })
    );
    assert_eq!(
        nodeprep("a\u{A0}b"),
        Err(Error::Prohibited {
            part: Part::Node,
            ch: ' '
        })
    );
    assert_eq!(nodeprep("Ma\u{DF}e").unwrap(), "masse");
}

// RFC 3920 §3.4 and Appendix B: no case folding; spaces, '@' and '/' allowed.
#[test]
fn rfc3920_3_4_resource() {
    let j = jid("a@b/Home Office @ Work/2");
    assert_eq!(j.resource(), Some("Home Office @ Work/2"));
    assert_eq!(resourceprep("\u{2168}").unwrap(), "IX");
    assert_eq!(
        resourceprep("a\tb"),
        Err(Error::Prohibited {
            part: Part::Resource,
            ch: '\t'
        })
    );
    assert_eq!(
        resourceprep("a\u{2028}b"),
        Err(Error::Prohibited {
            part: Part::Resource,
            ch: '\u{2028}'
        })
    );
    assert_eq!(
        resourceprep("\u{5D0}1"),
        Err(Error::Bidi {
            part: Part::Resource,
            rule: BidiRule::NotEnclosed
        })
    );
    assert!(resourceprep("\u{5D0}1\u{5D1}").is_ok());
}

// RFC 3454 §7: JIDs are stored strings; code points unassigned in Unicode 3.2 are refused.
#[test]
fn unassigned_code_points() {
    for (s, ch) in [
        ("a\u{221}", '\u{221}'),
        ("\u{1D2C}", '\u{1D2C}'),
        ("\u{2C7C}x", '\u{2C7C}'),
    ] {
        for r in [nodeprep(s), resourceprep(s), nameprep(s)] {
            assert!(
                matches!(r, Err(Error::Unassigned { ch: c, .. }) if c == ch),
                "{s:?}: {r:?}"
            );
        }
    }
    assert_eq!(
        Jid::parse("a@b/\u{E0002}"),
        Err(Error::Unassigned {
            part: Part::Resource,
            ch: '\u{E0002}'
        })
    );
}

// NFKC as of Unicode 3.2 (RFC 3454 §4): the decompositions Normalization Corrigendum #4
// changed in Unicode 4.0 keep their Unicode 3.2 value; U+F951 was fixed in 3.2.0 itself
// (Corrigendum #3).
#[test]
fn unicode_3_2_normalization() {
    for (input, v32) in [
        ('\u{F951}', '\u{964B}'),
        ('\u{2F868}', '\u{2136A}'),
        ('\u{2F874}', '\u{5F33}'),
        ('\u{2F91F}', '\u{43AB}'),
        ('\u{2F95F}', '\u{7AAE}'),
        ('\u{2F9BF}', '\u{4D57}'),
    ] {
        let s = input.to_string();
        let want = v32.to_string();
        assert_eq!(nodeprep(&s).unwrap(), want, "U+{:X}", u32::from(input));
        assert_eq!(resourceprep(&s).unwrap(), want);
        assert_eq!(nameprep(&s).unwrap(), want);
        // Idempotent: the 3.2 form is a unified ideograph that stays as it is.
        assert_eq!(nodeprep(&want).unwrap(), want);
    }
}

// Where the `stringprep` crate (0.1.5) differs from Unicode 3.2 stringprep.
#[test]
fn stringprep_crate_differences() {
    // 1. It normalizes with current Unicode data: the Corrigendum #4 ideographs get their
    //    corrected decompositions.
    assert_eq!(stringprep::nodeprep("\u{2F868}").unwrap(), "\u{36FC}");
    assert_eq!(nodeprep("\u{2F868}").unwrap(), "\u{2136A}");
    // 2. It checks for unassigned code points after normalizing with current data, so a
    //    code point unassigned in Unicode 3.2 that now decomposes passes, and the output
    //    can even hold an upper-case letter that Nodeprep should have folded.
    assert_eq!(stringprep::nodeprep("\u{1D2C}").unwrap(), "A");
    assert!(matches!(
        nodeprep("\u{1D2C}"),
        Err(Error::Unassigned { .. })
    ));
    assert_eq!(stringprep::nameprep("\u{2C7C}").unwrap(), "j");
    assert!(matches!(
        nameprep("\u{2C7C}"),
        Err(Error::Unassigned { .. })
    ));
}

// Conversions cannot make an invalid JID.
#[test]
fn conversions() {
    let full = FullJid::parse("Juliet@Example.com/Balcony").unwrap();
    assert_eq!(full.resource(), "Balcony");
    let bare = full.to_bare();
    assert_eq!(bare.as_str(), "juliet@example.com");
    assert_eq!(full.clone().into_bare(), bare);
    let other = bare.with_resource(&ResourcePart::new("Garden").unwrap());
    assert_eq!(other.as_str(), "juliet@example.com/Garden");
    let j: Jid = other.clone().into();
    assert_eq!(j.resource(), Some("Garden"));
    assert_eq!(FullJid::try_from(j.clone()), Ok(other));
    assert_eq!(BareJid::try_from(j.clone()), Err(Error::UnexpectedResource));
    assert_eq!(BareJid::try_from(Jid::from(bare.clone())), Ok(bare.clone()));
    assert_eq!(
        FullJid::try_from(Jid::from(bare.clone())),
        Err(Error::Empty(Part::Resource))
    );
    assert_eq!(
        j.clone().try_into_full().map(|f| f.to_string()),
        Ok(j.to_string())
    );
    assert_eq!(BareJid::parse("a@b/c"), Err(Error::UnexpectedResource));
    assert_eq!(FullJid::parse("a@b"), Err(Error::Empty(Part::Resource)));

    let node = NodePart::new("Romeo").unwrap();
    let domain = DomainPart::new("Example.NET").unwrap();
    let resource = ResourcePart::new("orchard").unwrap();
    let f = FullJid::from_parts(Some(&node), &domain, &resource);
    assert_eq!(f, FullJid::parse("romeo@example.net/orchard").unwrap());
    assert_eq!(f.node_part(), Some(node.clone()));
    assert_eq!(f.domain_part(), domain);
    assert_eq!(f.resource_part(), resource);
    assert_eq!(BareJid::from_parts(None, &domain).as_str(), "example.net");
    assert_eq!(
        Jid::from_parts(None, &domain, Some(&resource)).as_str(),
        "example.net/orchard"
    );
    assert_eq!(
        j.with_resource(&resource).as_str(),
        "juliet@example.com/orchard"
    );
}

// Equality, hashing and ordering are those of the prepared form (RFC 3920 §3.2-§3.4).
#[test]
fn comparison_on_canonical_form() {
    use std::collections::HashSet;
    let a = jid("JULIET@EXAMPLE.COM/balcony");
    let b = jid("juliet@example.com/balcony");
    let c = jid("juliet@example.com/Balcony");
    assert_eq!(a, b);
    assert_ne!(b, c);
    let set: HashSet<Jid> = [a, b, c.clone()].into_iter().collect();
    assert_eq!(set.len(), 2);
    let mut v = [jid("b.example"), jid("a@b.example"), c];
    v.sort();
    assert_eq!(v[0].as_str(), "a@b.example");
}

#[test]
fn error_messages_name_the_part() {
    let cases = [
        ("@x", "node is empty"),
        ("a\u{E000}@x", "node contains prohibited character U+E000"),
        (
            "x/\u{5D0}a",
            "resource mixes right-to-left and left-to-right characters",
        ),
        (
            "a\u{221}@x",
            "node contains U+0221, unassigned in Unicode 3.2",
        ),
        ("a..b", "domain label 1 is empty"),
        ("[::g]", "domain is a malformed IPv6 literal"),
    ];
    for (input, msg) in cases {
        let err = Jid::parse(input).unwrap_err();
        assert_eq!(err.to_string(), msg, "{input:?}");
    }
    assert_eq!(Jid::parse("@x").unwrap_err().part(), Part::Node);
    assert_eq!(Jid::parse("a..b").unwrap_err().part(), Part::Domain);
}

// RFC 3490 §2: the explicit root label of "example.com." is not a label, so the domain is
// an internationalized domain name; RFC 3920 has no rule removing the dot, so it stays in
// the canonical form and the JID differs from the one without it.
#[test]
fn rfc6122_2_2_trailing_dot_is_removed() {
    // RFC 6122 §2.2: a final dot is removed, so both spellings are one JID.
    let j = jid("juliet@Example.COM./balcony");
    assert_eq!(j.as_str(), "juliet@example.com/balcony");
    assert_eq!(j.domain(), "example.com");
    assert_eq!(j, jid("juliet@example.com/balcony"));
    assert_eq!(jid("example.com."), jid("example.com"));
    assert_eq!(
        jid("b\u{FC}cher.example\u{3002}").domain(),
        "b\u{FC}cher.example"
    );
    assert_eq!(
        DomainPart::new("b\u{FC}cher.example.").map(|d| d.to_ascii()),
        Ok("xn--bcher-kva.example".to_owned())
    );
    assert_eq!(
        DomainPart::new("Example.com."),
        DomainPart::new("example.com")
    );
    assert_eq!(
        BareJid::parse("a@example.com."),
        BareJid::parse("a@example.com")
    );
    assert_eq!(
        FullJid::parse("a@example.com./r"),
        FullJid::parse("a@example.com/r")
    );
    assert_eq!(Jid::parse("."), Err(Error::Empty(Part::Domain)));
    assert_eq!(Jid::parse("a@\u{3002}/r"), Err(Error::Empty(Part::Domain)));
    assert_eq!(
        Jid::parse("a@b.."),
        Err(Error::BadLabel {
            index: 1,
            reason: LabelError::Empty
        })
    );
    assert_eq!(
        Jid::parse("256.1.1.1."),
        Err(Error::BadIpLiteral(IpVersion::V4))
    );
    assert_eq!(jid("192.0.2.1.").domain(), "192.0.2.1");
}

// RFC 3490 §2 (the literal reading): the root label is not a label, and RFC 3920 has no rule
// removing it.
#[test]
fn rfc3490_2_trailing_dot_is_kept_by_the_literal_rules() {
    let j = literal("juliet@Example.COM./balcony");
    assert_eq!(j.as_str(), "juliet@example.com./balcony");
    assert_eq!(j.domain(), "example.com.");
    assert_ne!(j.to_bare(), literal("juliet@example.com").to_bare());
    // The ideographic full stop is a label separator, so it ends the domain the same way.
    assert_eq!(
        literal("b\u{FC}cher.example\u{3002}").domain(),
        "b\u{FC}cher.example."
    );
    assert_eq!(
        DomainPart::parse_with("b\u{FC}cher.example.", Rules::Rfc3920Literal).map(|d| d.to_ascii()),
        Ok("xn--bcher-kva.example.".to_owned())
    );
    // A root label alone leaves no label at all.
    assert_eq!(
        Jid::parse_with(".", Rules::Rfc3920Literal),
        Err(Error::Empty(Part::Domain))
    );
    assert_eq!(
        Jid::parse_with("a@\u{3002}/r", Rules::Rfc3920Literal),
        Err(Error::Empty(Part::Domain))
    );
    // Only one final dot is the root label.
    assert_eq!(
        Jid::parse_with("a@b..", Rules::Rfc3920Literal),
        Err(Error::BadLabel {
            index: 1,
            reason: LabelError::Empty
        })
    );
    assert_eq!(
        Jid::parse_with(".example.com", Rules::Rfc3920Literal),
        Err(Error::BadLabel {
            index: 0,
            reason: LabelError::Empty
        })
    );
    // The dotted-quad rule looks at the labels, not the root label.
    assert_eq!(
        Jid::parse_with("256.1.1.1.", Rules::Rfc3920Literal),
        Err(Error::BadIpLiteral(IpVersion::V4))
    );
    assert_eq!(literal("192.0.2.1.").domain(), "192.0.2.1.");
}

// RFC 3490 §2 (internationalized label: ToASCII with UseSTD3ASCIIRules unset) and
// RFC 3491 §5 (Nameprep prohibits neither Table C.1.1 nor C.2.1): ASCII space,
// punctuation and controls are valid in a domain; only the JID separators are not.
#[test]
fn rfc3490_2_domain_without_std3_rules() {
    for domain in [
        "a b.example",
        "-x-.example",
        "host:5222",
        "tab\there.example",
        "nul\u{0}.example",
        "del\u{7F}.example",
        "under_score.example",
        "bang!.example",
    ] {
        assert_eq!(literal(domain).domain(), domain, "{domain:?}");
        assert_eq!(
            literal(&format!("n@{domain}/r")).domain(),
            domain,
            "{domain:?}"
        );
    }
    // Upper case still folds; the non-ASCII space U+00A0 becomes U+0020 under NFKC
    // (RFC 3454 §5: the prohibited tables apply to the output).
    assert_eq!(literal("A B.Example").domain(), "a b.example");
    assert_eq!(literal("n@\u{A0}.example").domain(), " .example");
    // The node refuses what the domain takes (RFC 3920 A.5).
    assert_eq!(
        Jid::parse_with("a b@example", Rules::Rfc3920Literal),
        Err(Error::Prohibited {
            part: Part::Node,
            ch: ' '
        })
    );
}

// RFC 3490 §4.1 step 3 (the STD3 ASCII rules), applied by default as deployed servers do
// and RFC 6122 §2.2 requires: a domain label holds ASCII letters, digits and hyphens only,
// with no hyphen first or last; each such domain is refused by default, accepted by the
// literal rules.
#[test]
fn rfc6122_std3_rules_by_default() {
    let not_host = |index, ch| Error::BadLabel {
        index,
        reason: LabelError::NotHostChar { ch },
    };
    for (domain, err) in [
        ("a b.example", not_host(0, ' ')),
        ("nul\u{0}.example", not_host(0, '\u{0}')),
        ("tab\there.example", not_host(0, '\t')),
        ("bell\u{7}.example", not_host(0, '\u{7}')),
        ("del\u{7F}.example", not_host(0, '\u{7F}')),
        ("under_score.example", not_host(0, '_')),
        ("bang!.example", not_host(0, '!')),
        ("<x>", not_host(0, '<')),
        ("*.example.com", not_host(0, '*')),
        ("example.*", not_host(1, '*')),
        ("a.b%c.example", not_host(1, '%')),
        ("b\u{FC}cher_.example", not_host(0, '_')),
        (
            "-x.example",
            Error::BadLabel {
                index: 0,
                reason: LabelError::Hyphen,
            },
        ),
        (
            "example.x-",
            Error::BadLabel {
                index: 1,
                reason: LabelError::Hyphen,
            },
        ),
        (
            "-b\u{FC}cher.example",
            Error::BadLabel {
                index: 0,
                reason: LabelError::Hyphen,
            },
        ),
        // Text with ':' is an IPv6 literal or nothing.
        ("example.com:5222", Error::BadIpLiteral(IpVersion::V6)),
        ("1::2::3", Error::BadIpLiteral(IpVersion::V6)),
        ("::1:", Error::BadIpLiteral(IpVersion::V6)),
        ("host:", Error::BadIpLiteral(IpVersion::V6)),
    ] {
        for input in [domain.to_owned(), format!("n@{domain}/r")] {
            assert_eq!(Jid::parse(&input), Err(err.clone()), "{input:?}");
            assert_eq!(BareJid::parse(&input.replace("/r", "")), Err(err.clone()));
            assert!(FullJid::parse(&input).is_err(), "{input:?}");
            assert!(
                Jid::parse_with(&input, Rules::Rfc3920Literal).is_ok(),
                "{input:?} under the literal rules"
            );
        }
        assert_eq!(DomainPart::new(domain), Err(err.clone()), "{domain:?}");
        assert!(DomainPart::parse_with(domain, Rules::Rfc3920Literal).is_ok());
    }
    // Nameprep runs first: what it maps away or folds is judged afterwards.
    assert_eq!(jid("n@Ex\u{AD}ample.COM").domain(), "example.com");
    assert_eq!(Jid::parse("n@\u{A0}.example"), Err(not_host(0, ' ')));
    // Hyphens inside a label, digits, single labels and IP literals stay valid.
    for ok in [
        "a-b.example",
        "x--y.example",
        "1.example",
        "localhost",
        "192.0.2.1",
        "[::1]",
        "::1",
    ] {
        assert!(Jid::parse(ok).is_ok(), "{ok}");
    }
    assert_eq!(jid("1::2").domain(), "[1::2]");
    // The separators still come first: '@' and '/' are reported as prohibited.
    assert_eq!(
        DomainPart::new("a@b"),
        Err(Error::Prohibited {
            part: Part::Domain,
            ch: '@'
        })
    );
    assert_eq!(Rules::default(), Rules::Rfc6122);
}

// RFC 3491 §1: Nameprep processes each label, so the bidirectional rule of RFC 3454 §6
// holds within a label, not across the domain.
#[test]
fn rfc3491_1_bidi_rule_per_label() {
    assert_eq!(
        jid("user@\u{5D0}\u{5D1}.example").domain(),
        "\u{5D0}\u{5D1}.example"
    );
    assert_eq!(
        Jid::parse("user@\u{5D0}1.example"),
        Err(Error::Bidi {
            part: Part::Domain,
            rule: BidiRule::NotEnclosed
        })
    );
    // Node and resource are checked as whole strings (RFC 3920 A.6, B.6).
    assert_eq!(
        Jid::parse("\u{5D0}.a@example"),
        Err(Error::Bidi {
            part: Part::Node,
            rule: BidiRule::Mixed
        })
    );
    assert_eq!(
        Jid::parse("user@example/\u{627}1"),
        Err(Error::Bidi {
            part: Part::Resource,
            rule: BidiRule::NotEnclosed
        })
    );
    assert_eq!(
        jid("user@example/\u{627}1\u{628}").resource(),
        Some("\u{627}1\u{628}")
    );
}

// RFC 3490 §4.1: the separator check sits on the Nameprep output, before ToASCII
// measures the label (step 8), for ASCII and non-ASCII labels alike. A label longer than
// 63 octets that holds an '@' is reported for the '@' either way (found by
// tests/oracle_diff.rs: the ASCII path used to report the length first).
#[test]
fn rfc3490_4_1_separator_before_label_length() {
    let long = format!("{}@x", "r".repeat(70));
    for domain in [long.clone(), format!("\u{E9}{long}")] {
        assert_eq!(
            DomainPart::new(&domain),
            Err(Error::Prohibited {
                part: Part::Domain,
                ch: '@'
            }),
            "{domain}"
        );
        assert_eq!(
            Jid::parse(&format!("n@{domain}")),
            Err(Error::Prohibited {
                part: Part::Domain,
                ch: '@'
            }),
            "{domain}"
        );
    }
}

// RFC 3490 §3.1: the ASCII (ACE) and Unicode spellings of a domain name the same host, so
// they are one JID: compared, hashed and ordered alike, shown in the Unicode form.
#[test]
fn rfc3490_3_1_ace_and_unicode_spellings_are_one_jid() {
    use std::collections::HashSet;
    let unicode = jid("juliet@b\u{FC}cher.example/balcony");
    for spelling in [
        "juliet@xn--bcher-kva.example/balcony",
        "juliet@XN--BCHER-KVA.Example/balcony",
        "Juliet@Xn--Bcher-Kva.example/balcony",
        "juliet@\u{FF58}\u{FF4E}--bcher-kva.example/balcony",
        "juliet@xn--bcher-kva\u{3002}example/balcony",
        "juliet@xn--bcher-kva.example./balcony",
    ] {
        let ace = jid(spelling);
        assert_eq!(ace, unicode, "{spelling}");
        assert_eq!(ace.as_str(), "juliet@b\u{FC}cher.example/balcony");
        assert_eq!(ace.cmp(&unicode), std::cmp::Ordering::Equal);
        let set: HashSet<Jid> = [ace.clone(), unicode.clone()].into_iter().collect();
        assert_eq!(set.len(), 1, "{spelling}");
        assert_eq!(ace.domain_part().to_ascii(), "xn--bcher-kva.example");
    }
    assert_eq!(
        BareJid::parse("a@xn--bcher-kva.example"),
        BareJid::parse("a@b\u{FC}cher.example")
    );
    assert_eq!(
        FullJid::parse("xn--bcher-kva.example/r"),
        FullJid::parse("b\u{FC}cher.example/r")
    );
    assert_eq!(
        DomainPart::new("xn--bcher-kva.example"),
        DomainPart::new("B\u{DC}cher.example")
    );
    // Both readings of the rules decode.
    assert_eq!(
        Jid::parse_with("xn--bcher-kva.example.", Rules::Rfc3920Literal).map(String::from),
        Ok("b\u{FC}cher.example.".to_owned())
    );
    // Several labels, and a label whose Unicode form is longer than its ASCII one.
    assert_eq!(
        jid("xn--r8jz45g.xn--zckzah").domain(),
        "\u{4F8B}\u{3048}.\u{30C6}\u{30B9}\u{30C8}"
    );
    // An ACE label that is not the ASCII form of a valid label is refused, typed.
    for (input, index) in [
        ("a.xn--abc", 1),              // decodes to ASCII only: ToASCII gives "abc"
        ("xn--bcher-kva9.example", 0), // a trailing digit that is no code point
        ("xn--zca.example", 0),        // U+00DF, which Nameprep maps to "ss"
        ("xn--a-vbb.example", 0),      // "a\u{300}", not NFKC: ToASCII gives "xn--0ca"
        ("xn--ls8h.example", 0),       // U+1F4A9, unassigned in Unicode 3.2
        ("xn--kba.example", 0),        // U+00AD, which Nameprep maps to nothing
        ("xn--oug.example", 0),        // U+2000, NFKC gives a space: STD3 refuses it
    ] {
        let err = Error::BadLabel {
            index,
            reason: LabelError::BadAce,
        };
        assert_eq!(Jid::parse(input).err(), Some(err.clone()), "{input}");
        assert_eq!(DomainPart::new(input).err(), Some(err), "{input}");
    }
}

// The STD3 rules judge an ACE label's ASCII form first (RFC 3490 §4.1 step 3 before ToUnicode
// matters): a final hyphen is refused as such by default, as an undecodable label otherwise.
#[test]
fn ace_labels_ending_in_a_hyphen() {
    for (input, index) in [("xn--", 0), ("a.xn--zz-", 1), ("xn--bcher-.example", 0)] {
        assert_eq!(
            Jid::parse(input).err(),
            Some(Error::BadLabel {
                index,
                reason: LabelError::Hyphen
            }),
            "{input}"
        );
        assert_eq!(
            Jid::parse_with(input, Rules::Rfc3920Literal).err(),
            Some(Error::BadLabel {
                index,
                reason: LabelError::BadAce
            }),
            "{input}"
        );
    }
}

// Comparison with text compares prepared forms: the text equals a JID when it parses to it.
#[test]
fn comparison_with_text_prepares_the_text() {
    let j = jid("juliet@example.com/balcony");
    assert!(j == *"Juliet@Example.COM/balcony");
    assert!(j == "Juliet@Example.COM/balcony");
    assert!("juliet@EXAMPLE.com/balcony" == j);
    assert!(j != "juliet@example.com/Balcony");
    assert!(j != "not a jid@");
    let b = BareJid::parse("juliet@b\u{FC}cher.example").unwrap();
    assert!(b == "Juliet@xn--bcher-kva.example");
    assert!(b == "juliet@b\u{FC}cher.example.");
    assert!(b != "juliet@b\u{FC}cher.example/r");
    let f = FullJid::parse("example.com/r").unwrap();
    assert!(f == "EXAMPLE.com/r");
    assert!(f != "example.com");
    // A JID read with the literal rules equals its own text, under either reading.
    let lit = literal("a b.example");
    assert!(lit == "A B.Example");
    let rooted = literal("example.com.");
    assert!(rooted == "Example.COM.");
}
