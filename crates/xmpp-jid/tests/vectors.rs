//! Published test vectors, read from the data files in `tests/vectors/` (each cites its
//! source).

use xmpp_jid::{DomainPart, Error, LabelError, nameprep, nodeprep, punycode, resourceprep};

fn code_points(field: &str) -> String {
    let field = field.trim();
    if field == "-" {
        return String::new();
    }
    field
        .split_whitespace()
        .map(|cp| {
            let v = u32::from_str_radix(cp, 16).unwrap_or_else(|_| panic!("bad hex {cp}"));
            char::from_u32(v).unwrap_or_else(|| panic!("not a scalar value {cp}"))
        })
        .collect()
}

fn records(text: &str) -> impl Iterator<Item = Vec<&str>> {
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| l.splitn(4, " ; ").collect::<Vec<_>>())
}

fn kind(err: &Error) -> &'static str {
    match err {
        Error::Prohibited { .. } => "prohibited",
        Error::Bidi { .. } => "bidi",
        Error::Unassigned { .. } => "unassigned",
        _ => "other",
    }
}

// RFC 3491 / RFC 3920 Appendix A and B: the stringprep vectors.
#[test]
fn stringprep_vectors() {
    let text = include_str!("vectors/stringprep.txt");
    let mut count = 0;
    for rec in records(text) {
        let [profile, input, expected, comment] = rec[..] else {
            panic!("malformed record {rec:?}");
        };
        let input = code_points(input);
        let got = match profile {
            "nameprep" => nameprep(&input),
            "nodeprep" => nodeprep(&input),
            "resourceprep" => resourceprep(&input),
            other => panic!("unknown profile {other}"),
        };
        match expected.strip_prefix("error:") {
            Some(want) => {
                let err = got.expect_err(comment);
                assert_eq!(kind(&err), want, "{comment}: {err}");
            }
            None => assert_eq!(
                got.unwrap_or_else(|e| panic!("{comment}: {e}")),
                code_points(expected),
                "{comment}"
            ),
        }
        count += 1;
    }
    assert!(count >= 50, "only {count} vectors");
}

// RFC 3492 §7.1.
#[test]
fn punycode_samples() {
    let text = include_str!("vectors/punycode.txt");
    let mut count = 0;
    for rec in records(text) {
        let [input, encoded, name] = rec[..] else {
            panic!("malformed record {rec:?}");
        };
        let input = code_points(input);
        assert_eq!(punycode::encode(&input).as_deref(), Some(encoded), "{name}");
        assert_eq!(
            punycode::decode(encoded).as_deref(),
            Some(&*input),
            "{name}"
        );
        count += 1;
    }
    assert_eq!(count, 19);
}

// RFC 3490 §4.1 ToASCII on one label, through DomainPart.
#[test]
fn idna_to_ascii_vectors() {
    let text = include_str!("vectors/idna.txt");
    let mut count = 0;
    for rec in records(text) {
        let [input, expected, name] = rec[..] else {
            panic!("malformed record {rec:?}");
        };
        let input = code_points(input);
        let got = DomainPart::new(&input);
        match expected {
            "error:label-too-long" => assert!(
                matches!(
                    got,
                    Err(Error::BadLabel {
                        index: 0,
                        reason: LabelError::TooLong { .. }
                    })
                ),
                "{name}: {got:?}"
            ),
            "error:ace-prefix" => assert_eq!(
                got,
                Err(Error::BadLabel {
                    index: 0,
                    reason: LabelError::AcePrefix
                }),
                "{name}"
            ),
            ace => {
                let domain = got.unwrap_or_else(|e| panic!("{name}: {e}"));
                assert!(
                    domain.to_ascii().eq_ignore_ascii_case(ace),
                    "{name}: {} != {ace}",
                    domain.to_ascii()
                );
            }
        }
        count += 1;
    }
    assert_eq!(count, 21);
}
