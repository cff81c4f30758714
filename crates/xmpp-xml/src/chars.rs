//! Byte classes, UTF-8 decoding and the XML 1.0 (fifth edition) character and name rules.

/// Ordinary byte: nothing to do.
pub(crate) const PLAIN: u8 = 0;
/// `<`.
pub(crate) const LT: u8 = 1;
/// `&`.
pub(crate) const AMP: u8 = 2;
/// `]` (text) or a quote (attribute values).
pub(crate) const SPECIAL: u8 = 3;
/// First byte of a multi-byte UTF-8 sequence (or a stray continuation byte).
pub(crate) const HIGH: u8 = 4;
/// A control character the Char production excludes.
pub(crate) const BAD: u8 = 5;
/// Tab, line feed or carriage return inside an attribute value (normalized to a space),
/// or a carriage return in character data (a line end to normalize).
pub(crate) const WS: u8 = 6;

const fn class_table(attr: bool) -> [u8; 256] {
    let mut t = [PLAIN; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = if i >= 0x80 {
            HIGH
        } else if i == 0x09 || i == 0x0a || i == 0x0d {
            // In character data only the carriage return changes (XML 1.0 §2.11).
            if attr || i == 0x0d { WS } else { PLAIN }
        } else if i < 0x20 {
            BAD
        } else if i == b'<' as usize {
            LT
        } else if i == b'&' as usize {
            AMP
        } else if (!attr && i == b']' as usize)
            || (attr && (i == b'\'' as usize || i == b'"' as usize))
        {
            SPECIAL
        } else {
            PLAIN
        };
        i += 1;
    }
    t
}

/// Classes of bytes in character data.
pub(crate) static TEXT: [u8; 256] = class_table(false);
/// Classes of bytes in attribute values.
pub(crate) static ATTR: [u8; 256] = class_table(true);

/// Bit set in [`NAME`] for ASCII name-start characters (colon excluded: handled apart).
pub(crate) const N_START: u8 = 1;
/// Bit set in [`NAME`] for ASCII name characters.
pub(crate) const N_CHAR: u8 = 2;

const fn name_table() -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 128 {
        let c = i as u8;
        if c.is_ascii_alphabetic() || c == b'_' {
            t[i] = N_START | N_CHAR;
        } else if c.is_ascii_digit() || c == b'-' || c == b'.' {
            t[i] = N_CHAR;
        }
        i += 1;
    }
    t
}

/// ASCII name classes (`:` is neither: the scanners treat it as the QName separator).
pub(crate) static NAME: [u8; 256] = name_table();

/// XML white space (S production).
#[inline]
pub(crate) fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// Outcome of decoding one UTF-8 sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Utf8 {
    /// A scalar value and the number of bytes it used.
    Char(u32, usize),
    /// The bytes so far are a valid prefix; more are needed.
    Incomplete,
    /// Not UTF-8.
    Invalid,
}

/// Decodes the sequence at the start of `b` (which must not be empty; `b[0] >= 0x80`
/// is the interesting case, ASCII is returned as is).
#[inline]
pub(crate) fn decode(b: &[u8]) -> Utf8 {
    let Some(&b0) = b.first() else {
        return Utf8::Incomplete;
    };
    if b0 < 0x80 {
        return Utf8::Char(u32::from(b0), 1);
    }
    let (len, init, lo, hi) = match b0 {
        0xc2..=0xdf => (2, u32::from(b0 & 0x1f), 0x80, 0xbf),
        0xe0 => (3, u32::from(b0 & 0x0f), 0xa0, 0xbf),
        0xe1..=0xec | 0xee..=0xef => (3, u32::from(b0 & 0x0f), 0x80, 0xbf),
        0xed => (3, u32::from(b0 & 0x0f), 0x80, 0x9f),
        0xf0 => (4, u32::from(b0 & 0x07), 0x90, 0xbf),
        0xf1..=0xf3 => (4, u32::from(b0 & 0x07), 0x80, 0xbf),
        0xf4 => (4, u32::from(b0 & 0x07), 0x80, 0x8f),
        _ => return Utf8::Invalid,
    };
    let mut c = init;
    for k in 1..len {
        let Some(&bk) = b.get(k) else {
            return Utf8::Incomplete;
        };
        let (l, h) = if k == 1 { (lo, hi) } else { (0x80, 0xbf) };
        if bk < l || bk > h {
            return Utf8::Invalid;
        }
        c = (c << 6) | u32::from(bk & 0x3f);
    }
    Utf8::Char(c, len)
}

/// The Char production of XML 1.0 for a decoded scalar value.
#[inline]
pub(crate) fn is_char(c: u32) -> bool {
    matches!(c, 0x9 | 0xa | 0xd | 0x20..=0xd7ff | 0xe000..=0xfffd | 0x10000..=0x10ffff)
}

/// NameStartChar of XML 1.0 fifth edition, without `:`.
#[inline]
pub(crate) fn is_name_start(c: u32) -> bool {
    if c < 0x80 {
        return NAME[c as usize] & N_START != 0;
    }
    matches!(c,
        0xc0..=0xd6
        | 0xd8..=0xf6
        | 0xf8..=0x2ff
        | 0x370..=0x37d
        | 0x37f..=0x1fff
        | 0x200c..=0x200d
        | 0x2070..=0x218f
        | 0x2c00..=0x2fef
        | 0x3001..=0xd7ff
        | 0xf900..=0xfdcf
        | 0xfdf0..=0xfffd
        | 0x10000..=0xeffff)
}

/// NameChar of XML 1.0 fifth edition, without `:`.
#[inline]
pub(crate) fn is_name_char(c: u32) -> bool {
    if c < 0x80 {
        return NAME[c as usize] & N_CHAR != 0;
    }
    is_name_start(c) || c == 0xb7 || (0x300..=0x36f).contains(&c) || (0x203f..=0x2040).contains(&c)
}

/// Whether `s` has the language-tag syntax of RFC 3066 §2.1, which RFC 3920 §4.4 and
/// §9.1.5 require of every `xml:lang` value: a primary subtag of 1 to 8 ASCII letters,
/// then any number of `-` and subtags of 1 to 8 ASCII letters or digits. Such a tag is
/// always an XML NMTOKEN; the empty string is neither.
pub(crate) fn is_language_tag(s: &[u8]) -> bool {
    let mut parts = s.split(|&c| c == b'-');
    let primary_ok = parts
        .next()
        .is_some_and(|p| (1..=8).contains(&p.len()) && p.iter().all(u8::is_ascii_alphabetic));
    primary_ok
        && parts.all(|p| (1..=8).contains(&p.len()) && p.iter().all(u8::is_ascii_alphanumeric))
}

/// Whether `s` is an NCName (a Name without colons).
pub(crate) fn is_ncname(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if is_name_start(c as u32) => chars.all(|c| is_name_char(c as u32)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_rejects_overlong_and_surrogates() {
        assert_eq!(decode(b"\xc0\x80"), Utf8::Invalid);
        assert_eq!(decode(b"\xe0\x80\x80"), Utf8::Invalid);
        assert_eq!(decode(b"\xed\xa0\x80"), Utf8::Invalid);
        assert_eq!(decode(b"\xf4\x90\x80\x80"), Utf8::Invalid);
        assert_eq!(decode(b"\xe2\x82"), Utf8::Incomplete);
        assert_eq!(decode(b"\xe2\x82\xac"), Utf8::Char(0x20ac, 3));
        assert_eq!(decode(b"\xf0\x9f\x98\x80"), Utf8::Char(0x1f600, 4));
    }

    #[test]
    fn decode_agrees_with_std() {
        for c in [
            '\u{80}',
            '\u{7ff}',
            '\u{800}',
            '\u{ffff}',
            '\u{10000}',
            '\u{10ffff}',
        ] {
            let mut buf = [0; 4];
            let s = c.encode_utf8(&mut buf);
            assert_eq!(decode(s.as_bytes()), Utf8::Char(c as u32, s.len()));
        }
    }

    #[test]
    fn char_production() {
        assert!(is_char(0x9) && is_char(0x20) && is_char(0x10ffff));
        assert!(!is_char(0x0) && !is_char(0x1f) && !is_char(0xfffe) && !is_char(0xffff));
    }

    #[test]
    fn names() {
        assert!(is_ncname("message") && is_ncname("a-b.c_1") && is_ncname("é"));
        assert!(!is_ncname("1a") && !is_ncname("a:b") && !is_ncname("") && !is_ncname("-a"));
    }

    /// RFC 3066 §2.1 language-tag syntax.
    #[test]
    fn language_tags() {
        for good in [
            "en",
            "en-US",
            "i-klingon",
            "x-private",
            "zh-Hant-TW",
            "de-1996",
            "abcdefgh-12345678",
        ] {
            assert!(is_language_tag(good.as_bytes()), "{good}");
        }
        for bad in [
            "",
            "-",
            "en-",
            "-en",
            "en--US",
            "en_US",
            "e n",
            "1en",
            "abcdefghi",
            "en-123456789",
            "\u{e9}n",
            "en-US ",
        ] {
            assert!(!is_language_tag(bad.as_bytes()), "{bad}");
        }
    }
}
