//! XMPP `<priority/>` and the PIDF contact `priority` (RFC 3922 §5.1.7, §5.2.13).
//!
//! XMPP to PIDF: a negative priority is not mapped (§5.1.7, MUST NOT); 0 to 127 becomes
//! `floor(p * 1000 / 127)` thousandths, which gives the RFC's own figures (1 to 0.007,
//! 2 to 0.015, 13 to 0.102, 126 to 0.992, 127 to 1) and distinct values, since each step
//! is more than one thousandth.
//!
//! PIDF to XMPP: 0 is 0, 1 is 127, and any other value `t` thousandths is
//! `ceil(t * 127 / 1000)`, at most 126: the exact inverse of the other direction, never
//! negative (§5.2.13, MUST NOT), and it gives the RFC's ranges (0.001 to 0.007 to 1,
//! 0.008 to 0.015 to 2, 0.992 to 0.999 to 126).

use std::fmt;

/// A PIDF `qvalue` (RFC 3863 §4.4): a decimal from 0 to 1 with at most three decimals,
/// held in thousandths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Qvalue(u16);

impl Qvalue {
    /// The value of `thousandths` / 1000, if it is at most 1000.
    pub fn from_thousandths(thousandths: u16) -> Option<Self> {
        (thousandths <= 1000).then_some(Qvalue(thousandths))
    }

    /// The value in thousandths.
    pub fn thousandths(self) -> u16 {
        self.0
    }

    /// Reads the schema's lexical forms `0(.[0-9]{0,3})?` and `1(.0{0,3})?`.
    pub fn parse(s: &str) -> Option<Self> {
        let (int, frac) = match s.split_once('.') {
            Some((i, f)) => (i, f),
            None => (s, ""),
        };
        if frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let mut t = 0u16;
        for (i, b) in frac.bytes().enumerate() {
            t += u16::from(b - b'0') * [100, 10, 1].get(i).copied()?;
        }
        match int {
            "0" => Some(Qvalue(t)),
            "1" if t == 0 => Some(Qvalue(1000)),
            _ => None,
        }
    }
}

impl fmt::Display for Qvalue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            0 => f.write_str("0"),
            1000 => f.write_str("1"),
            t => {
                let s = format!("{t:03}");
                write!(f, "0.{}", s.trim_end_matches('0'))
            }
        }
    }
}

/// The PIDF priority for an XMPP priority (§5.1.7); `None` for a negative one.
pub fn to_pidf(priority: i8) -> Option<Qvalue> {
    let p = u32::try_from(priority).ok()?;
    Some(Qvalue(u16::try_from(p * 1000 / 127).unwrap_or(1000)))
}

/// The XMPP priority for a PIDF priority (§5.2.13), from 0 to 127.
pub fn to_xmpp(q: Qvalue) -> i8 {
    let p = match q.0 {
        0 => 0,
        1000 => 127,
        t => (u32::from(t) * 127).div_ceil(1000).min(126),
    };
    i8::try_from(p).unwrap_or(i8::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Qvalue {
        Qvalue::parse(s).expect("qvalue")
    }

    // RFC 3922 §5.1.7: the figures of the text and of the example (13 to '0.102').
    #[test]
    fn xmpp_to_pidf_figures() {
        let cases = [
            (0, "0"),
            (1, "0.007"),
            (2, "0.015"),
            (13, "0.102"),
            (126, "0.992"),
            (127, "1"),
        ];
        for (p, want) in cases {
            assert_eq!(
                to_pidf(p).map(|v| v.to_string()).as_deref(),
                Some(want),
                "{p}"
            );
        }
        assert_eq!(to_pidf(-1), None);
        assert_eq!(to_pidf(-128), None);
        let all: std::collections::BTreeSet<_> = (0..=127).filter_map(to_pidf).collect();
        assert_eq!(all.len(), 128, "distinct values");
    }

    // RFC 3922 §5.2.13: the ranges of the text.
    #[test]
    fn pidf_to_xmpp_ranges() {
        assert_eq!(to_xmpp(q("0")), 0);
        assert_eq!(to_xmpp(q("1")), 127);
        assert_eq!(to_xmpp(q("1.000")), 127);
        for (lo, hi, want) in [
            ("0.001", "0.007", 1),
            ("0.008", "0.015", 2),
            ("0.992", "0.999", 126),
        ] {
            assert_eq!((to_xmpp(q(lo)), to_xmpp(q(hi))), (want, want), "{lo}..{hi}");
        }
        for p in 0..=127i8 {
            assert_eq!(to_pidf(p).map(to_xmpp), Some(p), "round trip of {p}");
        }
    }

    #[test]
    fn lexical_forms() {
        // RFC 3863 §4.1.5: "0, 0.021, 0.5, 1.00".
        assert_eq!(q("0.021").thousandths(), 21);
        assert_eq!(q("0.5").thousandths(), 500);
        assert_eq!(q("1.00").thousandths(), 1000);
        assert_eq!(q("0.").thousandths(), 0);
        for bad in ["", "1.5", "0.1234", "2", "-0", ".5", "0,5", "0.x"] {
            assert_eq!(Qvalue::parse(bad), None, "{bad}");
        }
        assert_eq!(q("0.500").to_string(), "0.5");
    }
}
