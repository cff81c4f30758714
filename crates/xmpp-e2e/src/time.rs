//! Points in time as the library takes them: passed in by the application, never read
//! from a clock (RFC 3923 §6.9 compares against "the current time" of the receiver).

use core::fmt;

/// A UTC instant: seconds since 1970-01-01T00:00:00Z and nanoseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    secs: i64,
    nanos: u32,
}

/// Why a text is not an RFC 3339 date-time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimestampError {
    /// The text that was refused.
    pub text: String,
}

impl fmt::Display for TimestampError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "'{}' is not an RFC 3339 date-time", self.text)
    }
}

impl std::error::Error for TimestampError {}

impl Timestamp {
    /// The instant `secs` seconds after the Unix epoch.
    pub fn from_unix(secs: i64) -> Self {
        Timestamp { secs, nanos: 0 }
    }

    /// The instant `secs` seconds and `nanos` nanoseconds (below 10^9) after the epoch.
    pub fn from_unix_nanos(secs: i64, nanos: u32) -> Self {
        Timestamp {
            secs: secs.saturating_add(i64::from(nanos / 1_000_000_000)),
            nanos: nanos % 1_000_000_000,
        }
    }

    /// Seconds since the Unix epoch (rounded down).
    pub fn unix_seconds(self) -> i64 {
        self.secs
    }

    /// The nanoseconds past [`unix_seconds`](Self::unix_seconds).
    pub fn subsec_nanos(self) -> u32 {
        self.nanos
    }

    /// The difference `self - other` in milliseconds (saturating).
    pub fn millis_since(self, other: Timestamp) -> i64 {
        let s = self.secs.saturating_sub(other.secs).saturating_mul(1000);
        let n = (i64::from(self.nanos) - i64::from(other.nanos)) / 1_000_000;
        s.saturating_add(n)
    }

    /// This instant moved by `secs` seconds (saturating).
    pub fn plus_seconds(self, secs: i64) -> Timestamp {
        Timestamp {
            secs: self.secs.saturating_add(secs),
            nanos: self.nanos,
        }
    }

    /// Reads an RFC 3339 `date-time` (`2003-12-09T23:45:36.66Z`, offsets such as
    /// `+01:00` too, `t` and `z` in either case).
    pub fn parse_rfc3339(text: &str) -> Result<Timestamp, TimestampError> {
        parse(text.trim()).ok_or_else(|| TimestampError {
            text: text.chars().take(64).collect(),
        })
    }

    /// The RFC 3339 form in UTC with `Z`, with milliseconds when they are not zero
    /// (RFC 3923 §6.9: "presented as UTC with no offset, including fractions of a second
    /// as appropriate").
    pub fn to_rfc3339(self) -> String {
        let days = self.secs.div_euclid(86_400);
        let rem = self.secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        let (hh, mm, ss) = (rem / 3600, rem % 3600 / 60, rem % 60);
        let ms = self.nanos / 1_000_000;
        if ms == 0 {
            format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}Z")
        } else {
            format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}.{ms:03}Z")
        }
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

fn digits(b: &[u8], at: usize, n: usize) -> Option<i64> {
    let s = b.get(at..at + n)?;
    let mut v = 0i64;
    for &c in s {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + i64::from(c - b'0');
    }
    Some(v)
}

fn parse(t: &str) -> Option<Timestamp> {
    let b = t.as_bytes();
    let (y, mo, d) = (digits(b, 0, 4)?, digits(b, 5, 2)?, digits(b, 8, 2)?);
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') || !matches!(b.get(10), Some(b'T' | b't'))
    {
        return None;
    }
    let (hh, mm, ss) = (digits(b, 11, 2)?, digits(b, 14, 2)?, digits(b, 17, 2)?);
    if b.get(13) != Some(&b':') || b.get(16) != Some(&b':') {
        return None;
    }
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) || hh > 23 || mm > 59 || ss > 60
    {
        return None;
    }
    let mut at = 19;
    let mut nanos = 0u32;
    if b.get(at) == Some(&b'.') {
        at += 1;
        let start = at;
        let mut scale = 100_000_000u32;
        while let Some(c) = b.get(at).filter(|c| c.is_ascii_digit()) {
            nanos += u32::from(c - b'0') * scale;
            scale /= 10;
            at += 1;
        }
        if at == start {
            return None;
        }
    }
    let offset = match b.get(at) {
        Some(b'Z' | b'z') if at + 1 == b.len() => 0,
        Some(sign @ (b'+' | b'-')) if at + 6 == b.len() => {
            let (oh, om) = (digits(b, at + 1, 2)?, digits(b, at + 4, 2)?);
            if b.get(at + 3) != Some(&b':') || oh > 23 || om > 59 {
                return None;
            }
            let o = oh * 3600 + om * 60;
            if *sign == b'+' { o } else { -o }
        }
        _ => return None,
    };
    // A leap second is read as the last second of its minute.
    let ss = ss.min(59);
    let secs = days_from_civil(y, mo, d) * 86_400 + hh * 3600 + mm * 60 + ss - offset;
    Some(Timestamp { secs, nanos })
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3923_example_datetime() {
        // RFC 3923 §3.2 Example 2.
        let t = Timestamp::parse_rfc3339("2003-12-09T23:45:36.66Z").unwrap();
        assert_eq!(t.unix_seconds(), 1_071_013_536);
        assert_eq!(t.subsec_nanos(), 660_000_000);
        assert_eq!(t.to_rfc3339(), "2003-12-09T23:45:36.660Z");
    }

    #[test]
    fn offsets_and_refusals() {
        let a = Timestamp::parse_rfc3339("2026-01-01T01:00:00+01:00").unwrap();
        assert_eq!(a, Timestamp::parse_rfc3339("2026-01-01T00:00:00Z").unwrap());
        for bad in [
            "2026-02-30T00:00:00Z",
            "2026-01-01 00:00:00Z",
            "2026-01-01T00:00:00",
            "x",
        ] {
            assert!(Timestamp::parse_rfc3339(bad).is_err(), "{bad}");
        }
    }

    proptest::proptest! {
        #[test]
        fn format_parse_round_trip(secs in -62_000_000_000i64..250_000_000_000, ms in 0u32..1000) {
            let t = Timestamp::from_unix_nanos(secs, ms * 1_000_000);
            proptest::prop_assert_eq!(Timestamp::parse_rfc3339(&t.to_rfc3339()).unwrap(), t);
        }
    }
}
