//! The stringprep algorithm of RFC 3454 §3-§7 with the three profiles a JID uses:
//! Nodeprep (RFC 3920 Appendix A), Resourceprep (RFC 3920 Appendix B) and Nameprep
//! (RFC 3491).
//!
//! The steps run in the order RFC 3454 §3 gives: map (Tables B.1 and, except for
//! Resourceprep, B.2), normalize with NFKC, reject prohibited output, check bidirectional
//! text. A JID is a stored string (RFC 3454 §7), so code points unassigned in Unicode 3.2
//! (Table A.1) are rejected; they are looked for in the input, which is equivalent to
//! looking for them in the output because mapping and Unicode 3.2 normalization neither
//! produce nor consume unassigned code points.
//!
//! # Unicode 3.2
//!
//! Normalization uses the `unicode-normalization` crate, which follows the current
//! Unicode version. For strings of code points assigned in Unicode 3.2 the only difference
//! from Unicode 3.2 NFKC is the set of five CJK compatibility ideographs whose
//! decompositions Normalization Corrigendum #4 changed in Unicode 4.0 (U+2F868, U+2F874,
//! U+2F91F, U+2F95F, U+2F9BF): they are mapped to their Unicode 3.2 decompositions before
//! normalizing (table `NFKC_3_2`, derived by `tools/gen_tables.py`). U+F951, also often
//! listed, was corrected by Corrigendum #3 in Unicode 3.2.0 itself, so its Unicode 3.2
//! decomposition (U+964B) is the current one. Canonical combining classes and composition
//! exclusions of Unicode 3.2 characters did not change after 3.2 (stability policy; the
//! generator asserts the combining classes).

use std::borrow::Cow;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

use crate::error::{BidiRule, Error, Part};
use crate::tables;

/// A stringprep profile used by JIDs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Profile {
    /// RFC 3491, for one domain label.
    Nameprep,
    /// RFC 3920 Appendix A.
    Nodeprep,
    /// RFC 3920 Appendix B.
    Resourceprep,
}

/// Class of an ASCII byte under a profile.
const OK: u8 = 0;
const UPPER: u8 = 1;
const PROHIBITED: u8 = 2;

const fn ascii_classes(profile: Profile) -> [u8; 128] {
    let mut t = [OK; 128];
    let mut b = 0;
    while b < 128 {
        let upper = b >= b'A' as usize && b <= b'Z' as usize;
        // Table C.2.1 (controls) and C.1.1 (space).
        let control = b < 0x20 || b == 0x7F;
        t[b] = match profile {
            // RFC 3491 §5 prohibits neither C.1.1 nor C.2.1.
            Profile::Nameprep => {
                if upper {
                    UPPER
                } else {
                    OK
                }
            }
            // RFC 3920 A.5: C.1.1, C.2.1 and the eight listed characters.
            Profile::Nodeprep => {
                if control
                    || b == 0x20
                    || b == 0x22
                    || b == 0x26
                    || b == 0x27
                    || b == 0x2F
                    || b == 0x3A
                    || b == 0x3C
                    || b == 0x3E
                    || b == 0x40
                {
                    PROHIBITED
                } else if upper {
                    UPPER
                } else {
                    OK
                }
            }
            // RFC 3920 B.5: C.2.1; no case mapping (B.3 maps with B.1 only).
            Profile::Resourceprep => {
                if control {
                    PROHIBITED
                } else {
                    OK
                }
            }
        };
        b += 1;
    }
    t
}

static NAMEPREP_ASCII: [u8; 128] = ascii_classes(Profile::Nameprep);
static NODEPREP_ASCII: [u8; 128] = ascii_classes(Profile::Nodeprep);
static RESOURCEPREP_ASCII: [u8; 128] = ascii_classes(Profile::Resourceprep);

fn ascii_table(profile: Profile) -> &'static [u8; 128] {
    match profile {
        Profile::Nameprep => &NAMEPREP_ASCII,
        Profile::Nodeprep => &NODEPREP_ASCII,
        Profile::Resourceprep => &RESOURCEPREP_ASCII,
    }
}

fn class(table: &[u8; 128], b: u8) -> u8 {
    table.get(usize::from(b)).copied().unwrap_or(PROHIBITED)
}

/// Properties of the Basic Multilingual Plane code points, one byte each, so that the
/// common case needs one lookup instead of a binary search per table: which stringprep
/// table (RFC 3454) holds the code point. Built at compile time from the same tables the
/// binary searches use (and checked against them by a test); code points above U+FFFF
/// use the binary searches.
const IN_A1: u8 = 1;
const IN_B1: u8 = 2;
const IN_B2: u8 = 4;
const IN_NFKC_3_2: u8 = 8;
const IN_C: u8 = 16;
const IN_D1: u8 = 32;
const IN_D2: u8 = 64;

const BMP: usize = 0x1_0000;

const fn mark_ranges(t: &mut [u8; BMP], ranges: &[(u32, u32)], flag: u8) {
    let mut i = 0;
    while i < ranges.len() {
        let (lo, hi) = ranges[i];
        let mut cp = lo as usize;
        while cp <= hi as usize && cp < BMP {
            t[cp] |= flag;
            cp += 1;
        }
        i += 1;
    }
}

const fn mark_keys(t: &mut [u8; BMP], map: &[(u32, &str)], flag: u8) {
    let mut i = 0;
    while i < map.len() {
        let cp = map[i].0 as usize;
        if cp < BMP {
            t[cp] |= flag;
        }
        i += 1;
    }
}

const fn bmp_properties() -> [u8; BMP] {
    let mut t = [0u8; BMP];
    mark_ranges(&mut t, tables::A1_UNASSIGNED, IN_A1);
    mark_ranges(&mut t, tables::B1_NOTHING, IN_B1);
    mark_keys(&mut t, tables::B2_CASEFOLD, IN_B2);
    mark_keys(&mut t, tables::NFKC_3_2, IN_NFKC_3_2);
    mark_ranges(&mut t, tables::C_COMMON, IN_C);
    mark_ranges(&mut t, tables::D1_RANDAL, IN_D1);
    mark_ranges(&mut t, tables::D2_L, IN_D2);
    t
}

static BMP_PROPERTIES: [u8; BMP] = bmp_properties();

/// Whether `cp` is in the table `ranges`, whose BMP part is marked `flag`.
#[inline]
fn in_table(ranges: &[(u32, u32)], flag: u8, cp: u32) -> bool {
    match BMP_PROPERTIES.get(cp as usize) {
        Some(&props) => props & flag != 0,
        None => in_ranges(ranges, cp),
    }
}

/// The mapping of `cp` in `table`, whose BMP keys are marked `flag`.
#[inline]
fn table_map(table: &'static [(u32, &'static str)], flag: u8, cp: u32) -> Option<&'static str> {
    match BMP_PROPERTIES.get(cp as usize) {
        Some(&props) if props & flag == 0 => None,
        _ => lookup_map(table, cp),
    }
}

pub(crate) fn in_ranges(ranges: &[(u32, u32)], cp: u32) -> bool {
    ranges
        .binary_search_by(|&(lo, hi)| {
            if hi < cp {
                std::cmp::Ordering::Less
            } else if lo > cp {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

fn lookup_map(table: &'static [(u32, &'static str)], cp: u32) -> Option<&'static str> {
    table
        .binary_search_by_key(&cp, |&(k, _)| k)
        .ok()
        .and_then(|i| table.get(i))
        .map(|&(_, v)| v)
}

/// Prepares `input` with `profile`; errors are reported for `part`.
///
/// Returns the input itself when it is already prepared, so already-canonical input
/// costs no allocation.
pub(crate) fn prepare(input: &str, profile: Profile, part: Part) -> Result<Cow<'_, str>, Error> {
    let table = ascii_table(profile);
    if input.is_ascii() {
        // ASCII fast path: B.1 maps no ASCII character, B.2 maps only A-Z, NFKC leaves
        // ASCII alone, no ASCII character is in D.1, so the bidi rules always hold.
        let mut upper = false;
        for &b in input.as_bytes() {
            match class(table, b) {
                OK => {}
                UPPER => upper = true,
                _ => {
                    return Err(Error::Prohibited {
                        part,
                        ch: char::from(b),
                    });
                }
            }
        }
        return Ok(if upper {
            Cow::Owned(input.to_ascii_lowercase())
        } else {
            Cow::Borrowed(input)
        });
    }
    prepare_unicode(input, profile, part, table)
}

fn prepare_unicode<'a>(
    input: &'a str,
    profile: Profile,
    part: Part,
    table: &[u8; 128],
) -> Result<Cow<'a, str>, Error> {
    // Step 1: mapping (RFC 3454 §3), and the Unicode 3.2 repertoire check (§7).
    let casefold = profile != Profile::Resourceprep;
    let mut mapped = String::with_capacity(input.len());
    let mut changed = false;
    for ch in input.chars() {
        let cp = u32::from(ch);
        if ch.is_ascii() {
            if casefold && ch.is_ascii_uppercase() {
                mapped.push(ch.to_ascii_lowercase());
                changed = true;
            } else {
                mapped.push(ch);
            }
            continue;
        }
        if in_table(tables::A1_UNASSIGNED, IN_A1, cp) {
            return Err(Error::Unassigned { part, ch });
        }
        if in_table(tables::B1_NOTHING, IN_B1, cp) {
            changed = true;
            continue;
        }
        if casefold {
            if let Some(to) = table_map(tables::B2_CASEFOLD, IN_B2, cp) {
                mapped.push_str(to);
                changed = true;
                continue;
            }
        }
        if let Some(to) = table_map(tables::NFKC_3_2, IN_NFKC_3_2, cp) {
            mapped.push_str(to);
            changed = true;
            continue;
        }
        mapped.push(ch);
    }

    // Step 2: normalization, Unicode normalization form KC.
    let normalized = if is_nfkc_quick(mapped.chars()) == IsNormalized::Yes {
        mapped
    } else {
        changed = true;
        mapped.nfkc().collect::<String>()
    };

    // Step 3: prohibited output.
    let mut has_randal = false;
    let mut has_l = false;
    for ch in normalized.chars() {
        let cp = u32::from(ch);
        if ch.is_ascii() {
            // The ASCII letters are in D.2.
            if ch.is_ascii_alphabetic() {
                has_l = true;
            }
            if let Ok(b) = u8::try_from(cp) {
                if class(table, b) == PROHIBITED {
                    return Err(Error::Prohibited { part, ch });
                }
            }
            continue;
        }
        if in_table(tables::C_COMMON, IN_C, cp) {
            return Err(Error::Prohibited { part, ch });
        }
        if in_table(tables::D1_RANDAL, IN_D1, cp) {
            has_randal = true;
        } else if in_table(tables::D2_L, IN_D2, cp) {
            has_l = true;
        }
    }

    // Step 4: bidirectional characters (RFC 3454 §6).
    if has_randal {
        if has_l {
            return Err(Error::Bidi {
                part,
                rule: BidiRule::Mixed,
            });
        }
        let is_randal =
            |c: Option<char>| c.is_some_and(|c| in_table(tables::D1_RANDAL, IN_D1, u32::from(c)));
        if !is_randal(normalized.chars().next()) || !is_randal(normalized.chars().next_back()) {
            return Err(Error::Bidi {
                part,
                rule: BidiRule::NotEnclosed,
            });
        }
    }

    Ok(if changed {
        Cow::Owned(normalized)
    } else {
        Cow::Borrowed(input)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_classes_agree_with_the_rfc_tables() {
        for b in 0u8..128 {
            let cp = u32::from(b);
            let c11 = in_ranges(tables::C11_ASCII_SPACE, cp);
            let c21 = in_ranges(tables::C21_ASCII_CONTROL, cp);
            assert!(!in_ranges(tables::C_COMMON, cp));
            assert!(!in_ranges(tables::B1_NOTHING, cp));
            assert!(!in_ranges(tables::D1_RANDAL, cp));
            let folded = lookup_map(tables::B2_CASEFOLD, cp);
            assert_eq!(folded.is_some(), b.is_ascii_uppercase(), "{b:#x}");
            // RFC 3920 A.5
            let node_extra = b"\"&'/:<>@".contains(&b);
            assert_eq!(
                class(&NODEPREP_ASCII, b) == PROHIBITED,
                c11 || c21 || node_extra,
                "nodeprep {b:#x}"
            );
            // RFC 3920 B.5
            assert_eq!(
                class(&RESOURCEPREP_ASCII, b) == PROHIBITED,
                c21,
                "resourceprep {b:#x}"
            );
            // RFC 3491 §5
            assert_ne!(class(&NAMEPREP_ASCII, b), PROHIBITED, "nameprep {b:#x}");
            assert_eq!(in_ranges(tables::D2_L, cp), b.is_ascii_alphabetic());
        }
    }

    // The BMP property bytes say exactly what the binary searches over the RFC 3454
    // tables say.
    #[test]
    fn bmp_properties_agree_with_the_tables() {
        for cp in 0..BMP as u32 {
            let props = BMP_PROPERTIES[cp as usize];
            for (ranges, flag) in [
                (tables::A1_UNASSIGNED, IN_A1),
                (tables::B1_NOTHING, IN_B1),
                (tables::C_COMMON, IN_C),
                (tables::D1_RANDAL, IN_D1),
                (tables::D2_L, IN_D2),
            ] {
                assert_eq!(props & flag != 0, in_ranges(ranges, cp), "{cp:#x} {flag}");
                assert_eq!(in_table(ranges, flag, cp), in_ranges(ranges, cp));
            }
            for (map, flag) in [
                (tables::B2_CASEFOLD, IN_B2),
                (tables::NFKC_3_2, IN_NFKC_3_2),
            ] {
                assert_eq!(props & flag != 0, lookup_map(map, cp).is_some(), "{cp:#x}");
                assert_eq!(table_map(map, flag, cp), lookup_map(map, cp));
            }
        }
        // Above the BMP the binary searches answer.
        assert!(in_table(tables::A1_UNASSIGNED, IN_A1, 0xE0000));
        assert!(in_table(tables::C_COMMON, IN_C, 0xE0001));
        assert!(in_table(tables::D2_L, IN_D2, 0x10400));
        assert_eq!(
            table_map(tables::B2_CASEFOLD, IN_B2, 0x10400),
            lookup_map(tables::B2_CASEFOLD, 0x10400)
        );
    }

    #[test]
    fn tables_are_sorted() {
        for t in [
            tables::A1_UNASSIGNED,
            tables::B1_NOTHING,
            tables::C_COMMON,
            tables::D1_RANDAL,
            tables::D2_L,
        ] {
            for w in t.windows(2) {
                assert!(w[0].1 < w[1].0);
            }
        }
        for w in tables::B2_CASEFOLD.windows(2) {
            assert!(w[0].0 < w[1].0);
        }
    }
}
