//! Property tests: round trip, idempotent preparation, no panics, and agreement with the
//! `stringprep` crate wherever that crate is exact (see `tests/jid.rs` for where it is not).

use proptest::prelude::*;
use xmpp_jid::{DomainPart, Error, Jid, nameprep, nodeprep, resourceprep};

/// Characters that exercise the interesting paths: separators, ASCII, case folding,
/// compatibility forms, right-to-left scripts, combining marks, ideographs, and anything.
fn interesting_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => prop::sample::select(vec!['@', '/', '.', '\u{3002}', '\u{FF0E}', '[', ']', ':', ' ']),
        8 => prop::char::range('!', '~'),
        2 => prop::char::range('\u{80}', '\u{24F}'),
        2 => prop::char::range('\u{300}', '\u{36F}'),
        2 => prop::char::range('\u{370}', '\u{6FF}'),
        1 => prop::char::range('\u{1E00}', '\u{1FFF}'),
        1 => prop::char::range('\u{2000}', '\u{2FFF}'),
        1 => prop::char::range('\u{3000}', '\u{33FF}'),
        1 => prop::char::range('\u{F900}', '\u{FFFF}'),
        1 => prop::sample::select(vec!['\u{AD}', '\u{DF}', '\u{130}', '\u{2F868}', '\u{1D7BB}', '\u{E0001}']),
        1 => any::<char>(),
    ]
}

fn interesting_string(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(interesting_char(), 0..max).prop_map(|v| v.into_iter().collect())
}

fn is_unassigned(r: &Result<std::borrow::Cow<'_, str>, Error>) -> bool {
    matches!(r, Err(Error::Unassigned { .. }))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn never_panics_on_any_string(s in any::<String>()) {
        let _ = Jid::parse(&s);
    }

    #[test]
    fn display_parse_round_trip(s in interesting_string(24)) {
        if let Ok(j) = Jid::parse(&s) {
            let again = Jid::parse(j.as_str());
            prop_assert_eq!(again.as_ref(), Ok(&j), "{:?} -> {:?}", s, j);
            prop_assert_eq!(again.map(|a| a.to_string()), Ok(j.to_string()));
            let bare = j.to_bare();
            prop_assert_eq!(bare.as_str(), j.as_str().split('/').next().unwrap_or(""));
        }
    }

    #[test]
    fn preparation_is_idempotent(s in interesting_string(16)) {
        if let Ok(t) = nodeprep(&s) {
            let again = nodeprep(&t);
            prop_assert_eq!(again.as_deref(), Ok(&*t));
        }
        if let Ok(t) = resourceprep(&s) {
            let again = resourceprep(&t);
            prop_assert_eq!(again.as_deref(), Ok(&*t));
        }
        if let Ok(t) = nameprep(&s) {
            let again = nameprep(&t);
            prop_assert_eq!(again.as_deref(), Ok(&*t));
        }
        if let Ok(d) = DomainPart::new(&s) {
            prop_assert_eq!(DomainPart::new(d.as_str()), Ok(d.clone()));
        }
    }

    // Where all code points are assigned in Unicode 3.2 and none is one of the five
    // Corrigendum #4 ideographs, the `stringprep` crate and this crate agree.
    #[test]
    fn agrees_with_stringprep_crate_on_unicode_3_2_text(s in interesting_string(12)) {
        let corrigendum = ['\u{2F868}', '\u{2F874}', '\u{2F91F}', '\u{2F95F}', '\u{2F9BF}'];
        prop_assume!(!s.contains(&corrigendum[..]));
        let ours = nodeprep(&s);
        if !is_unassigned(&ours) {
            let theirs = stringprep::nodeprep(&s);
            let (a, b) = (ours.as_deref().ok(), theirs.as_deref().ok());
            prop_assert_eq!(a, b, "nodeprep {:?}", s);
        }
        let ours = resourceprep(&s);
        if !is_unassigned(&ours) {
            let theirs = stringprep::resourceprep(&s);
            let (a, b) = (ours.as_deref().ok(), theirs.as_deref().ok());
            prop_assert_eq!(a, b, "resourceprep {:?}", s);
        }
        let ours = nameprep(&s);
        if !is_unassigned(&ours) {
            let theirs = stringprep::nameprep(&s);
            let (a, b) = (ours.as_deref().ok(), theirs.as_deref().ok());
            prop_assert_eq!(a, b, "nameprep {:?}", s);
        }
    }
}
