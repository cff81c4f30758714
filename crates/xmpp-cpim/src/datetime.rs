//! RFC 3339 timestamps: the CPIM `DateTime` header (RFC 3862 §4.4) and the PIDF
//! `<timestamp>` (RFC 3863 §4.1.7). Nothing here reads a clock: the gateway's time is
//! given by the caller.

use std::fmt;
use std::str::FromStr;

/// A valid RFC 3339 `date-time`, kept as written but with `T` and `Z` in upper case
/// (RFC 3863 §4.1.7 requires the capital forms; RFC 3339 §5.6 allows either).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DateTime {
    text: String,
    leap_second: bool,
    xsd: bool,
}

/// A text that is not an RFC 3339 `date-time`; `offset` is the byte where it fails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateTimeError {
    /// Byte offset of the first character that does not fit.
    pub offset: usize,
}

impl fmt::Display for DateTimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "not an RFC 3339 date-time (YYYY-MM-DDThh:mm:ss[.frac](Z|+hh:mm)) at byte {}",
            self.offset
        )
    }
}

impl std::error::Error for DateTimeError {}

fn digits(b: &[u8], at: usize, n: usize) -> Result<u32, DateTimeError> {
    let mut v = 0u32;
    for i in at..at + n {
        match b.get(i) {
            Some(d @ b'0'..=b'9') => v = v * 10 + u32::from(d - b'0'),
            _ => return Err(DateTimeError { offset: i }),
        }
    }
    Ok(v)
}

fn byte(b: &[u8], at: usize, want: &[u8]) -> Result<(), DateTimeError> {
    match b.get(at) {
        Some(c) if want.contains(c) => Ok(()),
        _ => Err(DateTimeError { offset: at }),
    }
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// 9999-12-31T23:59:59Z in seconds after 1970-01-01T00:00:00Z.
const LAST_FOUR_DIGIT_SECOND: u64 = 253_402_300_799;

impl DateTime {
    /// Parses an RFC 3339 §5.6 `date-time`.
    ///
    /// ```
    /// let t: xmpp_cpim::DateTime = "2001-02-01t12:16:49-05:00".parse()?;
    /// assert_eq!(t.as_str(), "2001-02-01T12:16:49-05:00");
    /// # Ok::<(), xmpp_cpim::datetime::DateTimeError>(())
    /// ```
    pub fn parse(text: &str) -> Result<Self, DateTimeError> {
        let b = text.as_bytes();
        let year = digits(b, 0, 4)?;
        byte(b, 4, b"-")?;
        let month = digits(b, 5, 2)?;
        if !(1..=12).contains(&month) {
            return Err(DateTimeError { offset: 5 });
        }
        byte(b, 7, b"-")?;
        let day = digits(b, 8, 2)?;
        if day == 0 || day > days_in_month(year, month) {
            return Err(DateTimeError { offset: 8 });
        }
        byte(b, 10, b"Tt")?;
        let hour = digits(b, 11, 2)?;
        byte(b, 13, b":")?;
        let minute = digits(b, 14, 2)?;
        byte(b, 16, b":")?;
        let second = digits(b, 17, 2)?;
        if hour > 23 {
            return Err(DateTimeError { offset: 11 });
        }
        if minute > 59 {
            return Err(DateTimeError { offset: 14 });
        }
        if second > 60 {
            return Err(DateTimeError { offset: 17 });
        }
        let mut i = 19;
        if b.get(i) == Some(&b'.') {
            i += 1;
            let start = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == start {
                return Err(DateTimeError { offset: i });
            }
        }
        let mut offset_ok = true;
        match b.get(i) {
            Some(b'Z' | b'z') => i += 1,
            Some(b'+' | b'-') => {
                let oh = digits(b, i + 1, 2)?;
                byte(b, i + 3, b":")?;
                let om = digits(b, i + 4, 2)?;
                if oh > 23 {
                    return Err(DateTimeError { offset: i + 1 });
                }
                if om > 59 {
                    return Err(DateTimeError { offset: i + 4 });
                }
                offset_ok = oh < 14 || (oh == 14 && om == 0);
                i += 6;
            }
            _ => return Err(DateTimeError { offset: i }),
        }
        if i != b.len() {
            return Err(DateTimeError { offset: i });
        }
        Ok(DateTime {
            text: text.to_ascii_uppercase(),
            leap_second: second == 60,
            xsd: second != 60 && year != 0 && offset_ok,
        })
    }

    /// The time as text, `T` and `Z` in upper case.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether the seconds are 60. XML Schema's `xs:dateTime`, the type of the PIDF
    /// `<timestamp>`, has no leap second, so such a time is not written there.
    pub fn is_leap_second(&self) -> bool {
        self.leap_second
    }

    /// Whether XML Schema's `xs:dateTime` (the type of the PIDF `<timestamp>`) can hold
    /// this time: no leap second, a year other than 0000, an offset of at most 14 hours.
    pub fn fits_xml_schema(&self) -> bool {
        self.xsd
    }

    /// The UTC time `secs` seconds after 1970-01-01T00:00:00Z, as `YYYY-MM-DDThh:mm:ssZ`
    /// (for callers that read a clock; this crate never does).
    ///
    /// RFC 3339 §5.6 writes four-digit years: a time after 9999-12-31T23:59:59Z is given
    /// as that time.
    pub fn from_unix(secs: u64) -> Self {
        let secs = secs.min(LAST_FOUR_DIGIT_SECOND);
        let days = secs / 86_400;
        let rem = secs % 86_400;
        // Civil date from a day count (the proleptic Gregorian calendar).
        let z = days + 719_468;
        let era = z / 146_097;
        let doe = z % 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + u64::from(month <= 2);
        DateTime {
            text: format!(
                "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
                rem / 3600,
                rem / 60 % 60,
                rem % 60
            ),
            leap_second: false,
            xsd: true,
        }
    }
}

impl FromStr for DateTime {
    type Err = DateTimeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DateTime::parse(s)
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_forms() {
        // RFC 3862 §4.4 and §5.1, RFC 3863 §4.3.1.
        for ok in [
            "2001-02-01T12:16:49-05:00",
            "2000-12-13T13:40:00-08:00",
            "2001-10-27T16:49:29Z",
            "1990-12-31T23:59:60Z",
            "1996-12-19T16:39:57.123456-08:00",
            "2000-02-29T00:00:00+00:00",
        ] {
            assert_eq!(
                DateTime::parse(ok).map(|t| t.to_string()),
                Ok(ok.to_owned())
            );
        }
        assert!(
            DateTime::parse("1990-12-31T23:59:60Z")
                .expect("valid")
                .is_leap_second()
        );
        assert!(
            !DateTime::parse("1990-12-31T23:59:60Z")
                .expect("valid")
                .fits_xml_schema()
        );
        assert!(
            !DateTime::parse("0000-01-01T00:00:00Z")
                .expect("valid")
                .fits_xml_schema()
        );
        assert!(
            !DateTime::parse("2000-01-01T00:00:00+14:01")
                .expect("valid")
                .fits_xml_schema()
        );
        assert!(
            DateTime::parse("2000-01-01T00:00:00-14:00")
                .expect("valid")
                .fits_xml_schema()
        );
        for (bad, at) in [
            ("2001-02-29T00:00:00Z", 8),
            ("2001-13-01T00:00:00Z", 5),
            ("2001-01-01 00:00:00Z", 10),
            ("2001-01-01T24:00:00Z", 11),
            ("2001-01-01T00:00:00", 19),
            ("2001-01-01T00:00:00.Z", 20),
            ("2001-01-01T00:00:00+0500", 22),
            ("2001-01-01T00:00:00Zx", 20),
        ] {
            assert_eq!(
                DateTime::parse(bad),
                Err(DateTimeError { offset: at }),
                "{bad}"
            );
        }
    }

    #[test]
    fn from_unix() {
        assert_eq!(DateTime::from_unix(0).as_str(), "1970-01-01T00:00:00Z");
        assert_eq!(
            DateTime::from_unix(951_782_400).as_str(),
            "2000-02-29T00:00:00Z"
        );
        assert_eq!(
            DateTime::from_unix(1_796_169_599).as_str(),
            "2026-12-01T23:59:59Z"
        );
    }

    // RFC 3339 §5.6: `date-fullyear` is four digits, so a `DateTime` past year 9999
    // cannot be written; a clock that far ahead gives the last time there is.
    #[test]
    fn from_unix_stays_within_four_digit_years() {
        for secs in [253_402_300_799, 253_402_300_800, u64::MAX] {
            let t = DateTime::from_unix(secs);
            assert_eq!(DateTime::parse(t.as_str()), Ok(t.clone()), "{secs}");
        }
        assert_eq!(
            DateTime::from_unix(u64::MAX).as_str(),
            "9999-12-31T23:59:59Z"
        );
    }
}
