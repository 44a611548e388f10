//! Explicit points in time.
//!
//! The core never reads a clock: every question that depends on "now" takes a [`Timestamp`]
//! from the caller. Certificates carry dates from 1950 to 9999, so the type is a signed count of
//! seconds, not [`std::time::SystemTime`].

use std::fmt;

/// A point in time: seconds since 1970-01-01T00:00:00Z (negative before) and a fraction of a second.
///
/// Go compares validity at nanosecond precision, so a time 5 ms after a certificate's `notAfter`
/// is already past it; the fraction is kept for that reason.
///
/// ```
/// use okd_trust::Timestamp;
/// let t = Timestamp::parse_rfc3339("2024-04-18T09:30:00Z").unwrap();
/// assert_eq!(t.unix_seconds(), 1_713_432_600);
/// assert_eq!(t.to_string(), "2024-04-18T09:30:00Z");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    seconds: i64,
    /// Always below 1_000_000_000.
    nanos: u32,
}

/// A time string that is not RFC 3339 (`YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an RFC 3339 time (expected e.g. 2024-04-18T09:30:00Z): {input:?}")]
#[non_exhaustive]
pub struct TimestampError {
    /// The text that was given.
    pub input: String,
}

impl Timestamp {
    /// The Unix epoch.
    pub const EPOCH: Timestamp = Timestamp { seconds: 0, nanos: 0 };

    /// Wraps a count of whole seconds since the Unix epoch.
    pub const fn from_unix_seconds(seconds: i64) -> Self {
        Timestamp { seconds, nanos: 0 }
    }

    /// Seconds since the Unix epoch plus nanoseconds (values of a second or more carry over).
    pub const fn from_unix_nanos(seconds: i64, nanos: u32) -> Self {
        Timestamp { seconds: seconds.saturating_add((nanos / 1_000_000_000) as i64), nanos: nanos % 1_000_000_000 }
    }

    /// Whole seconds since the Unix epoch (negative before 1970), rounded down.
    pub const fn unix_seconds(self) -> i64 {
        self.seconds
    }

    /// The fraction of the second, in nanoseconds.
    pub const fn subsec_nanos(self) -> u32 {
        self.nanos
    }

    /// Builds a timestamp from a UTC calendar date and time; `None` when a field is out of range.
    ///
    /// ```
    /// use okd_trust::Timestamp;
    /// let t = Timestamp::from_utc(2019, 6, 1, 0, 0, 0).unwrap();
    /// assert_eq!(t.to_string(), "2019-06-01T00:00:00Z");
    /// assert!(Timestamp::from_utc(2019, 2, 30, 0, 0, 0).is_none());
    /// ```
    pub fn from_utc(year: i64, month: u32, day: u32, hour: u32, minute: u32, second: u32) -> Option<Self> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        if hour > 23 || minute > 59 || second > 60 {
            return None;
        }
        // Checked: `year` may be anything an i64 holds, and the seconds must fit one too.
        let days = days_from_civil(year, month, day)?;
        let seconds = days.checked_mul(86_400)?.checked_add(i64::from(hour * 3_600 + minute * 60 + second))?;
        Some(Timestamp::from_unix_seconds(seconds))
    }

    /// Parses an RFC 3339 date-time such as `2024-04-18T09:30:00Z` or `2024-04-18 11:30:00.5+02:00`,
    /// keeping fractions of a second to the nanosecond.
    pub fn parse_rfc3339(input: &str) -> Result<Self, TimestampError> {
        parse_rfc3339(input.trim()).ok_or_else(|| TimestampError { input: input.to_owned() })
    }

    /// The UTC calendar fields `(year, month, day, hour, minute, second)`.
    pub fn to_utc(self) -> (i64, u32, u32, u32, u32, u32) {
        let days = self.seconds.div_euclid(86_400);
        let secs = self.seconds.rem_euclid(86_400) as u32;
        let (y, m, d) = civil_from_days(days);
        (y, m, d, secs / 3_600, secs / 60 % 60, secs % 60)
    }

    /// Adds (or, negative, subtracts) seconds, saturating at the ends of the range.
    pub const fn saturating_add_seconds(self, seconds: i64) -> Self {
        Timestamp { seconds: self.seconds.saturating_add(seconds), nanos: self.nanos }
    }

    /// Whole days from `self` until `later` (negative when `later` is earlier), rounded toward zero.
    pub const fn days_until(self, later: Timestamp) -> i64 {
        // The difference of two i64s needs 65 bits; divided by a day it fits an i64 again.
        ((later.seconds as i128 - self.seconds as i128) / 86_400) as i64
    }

    /// Seconds from `self` until `later` (negative when `later` is earlier), saturating at the
    /// ends of the i64 range rather than overflowing.
    ///
    /// ```
    /// use okd_trust::Timestamp;
    /// let (first, last) = (Timestamp::from_unix_seconds(i64::MIN), Timestamp::from_unix_seconds(i64::MAX));
    /// assert_eq!(first.seconds_until(last), i64::MAX);
    /// assert_eq!(Timestamp::from_unix_seconds(10).seconds_until(Timestamp::from_unix_seconds(4)), -6);
    /// ```
    pub const fn seconds_until(self, later: Timestamp) -> i64 {
        later.seconds.saturating_sub(self.seconds)
    }
}

impl From<std::time::SystemTime> for Timestamp {
    /// A time the caller read from a clock (the core never reads one itself), to the nanosecond,
    /// before 1970 included; beyond the `i64` range of seconds it saturates.
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use okd_trust::Timestamp;
    /// let before = UNIX_EPOCH - Duration::from_millis(1500);
    /// assert_eq!(Timestamp::from(before), Timestamp::parse_rfc3339("1969-12-31T23:59:58.5Z")?);
    /// # Ok::<(), okd_trust::TimestampError>(())
    /// ```
    fn from(time: std::time::SystemTime) -> Self {
        let seconds = |d: std::time::Duration| i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
        match time.duration_since(std::time::UNIX_EPOCH) {
            Ok(since) => Timestamp::from_unix_nanos(seconds(since), since.subsec_nanos()),
            Err(before) => {
                let before = before.duration();
                match before.subsec_nanos() {
                    0 => Timestamp::from_unix_nanos(-seconds(before), 0),
                    nanos => Timestamp::from_unix_nanos((-seconds(before)).saturating_sub(1), 1_000_000_000 - nanos),
                }
            }
        }
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, mo, d, h, mi, s) = self.to_utc();
        write!(f, "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}")?;
        if self.nanos != 0 {
            let fraction = format!("{:09}", self.nanos);
            write!(f, ".{}", fraction.trim_end_matches('0'))?;
        }
        f.write_str("Z")
    }
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`), or
/// `None` when they do not fit an i64 (computed in i128, so every i64 year is safe).
fn days_from_civil(year: i64, month: u32, day: u32) -> Option<i64> {
    let year = i128::from(year);
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i128::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i128::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    i64::try_from(era * 146_097 + doe - 719_468).ok()
}

fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn parse_rfc3339(s: &str) -> Option<Timestamp> {
    let b = s.as_bytes();
    let num = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = b.get(range)?;
        if part.iter().all(u8::is_ascii_digit) { std::str::from_utf8(part).ok()?.parse().ok() } else { None }
    };
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    if !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let year = i64::from(num(0..4)?);
    let (month, day) = (num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let mut rest = &s[19..];
    let mut nanos = 0u32;
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        // Nanosecond precision; further digits cannot change a comparison with certificate times.
        nanos = frac[..digits]
            .bytes()
            .take(9)
            .chain(std::iter::repeat(b'0'))
            .take(9)
            .fold(0, |n, d| n * 10 + u32::from(d - b'0'));
        rest = &frac[digits..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ => {
            let ob = rest.as_bytes();
            if ob.len() != 6 || ob[3] != b':' {
                return None;
            }
            let sign = match ob[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let oh: i64 = rest.get(1..3)?.parse().ok()?;
            let om: i64 = rest.get(4..6)?.parse().ok()?;
            if oh > 23 || om > 59 {
                return None;
            }
            sign * (oh * 3_600 + om * 60)
        }
    };
    let local = Timestamp::from_utc(year, month, day, hour, minute, second)?;
    Some(Timestamp { seconds: local.seconds.checked_sub(offset)?, nanos })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_calendar_dates_across_eras() {
        for secs in [-62_135_596_800_i64, -1, 0, 1, 951_782_400, 1_713_432_600, 253_402_300_799] {
            let t = Timestamp::from_unix_seconds(secs);
            assert_eq!(Timestamp::parse_rfc3339(&t.to_string()), Ok(t), "{t}");
        }
    }

    #[test]
    fn applies_offsets_and_keeps_fractions() {
        let a = Timestamp::parse_rfc3339("2024-04-18T11:30:00.005+02:00").unwrap();
        assert_eq!(a.to_string(), "2024-04-18T09:30:00.005Z");
        assert_eq!(a.subsec_nanos(), 5_000_000);
        assert!(a > Timestamp::parse_rfc3339("2024-04-18T09:30:00Z").unwrap(), "5 ms later is later");
    }

    #[test]
    fn rejects_malformed_times() {
        for bad in [
            "",
            "2024-04-18",
            "2024-13-01T00:00:00Z",
            "2024-02-30T00:00:00Z",
            "2024-04-18T09:30:00",
            "2024-04-18T09:30:00+2:00",
            "2024-04-18T09:30:00.Z",
            "２024-04-18T09:30:00Z",
        ] {
            assert!(Timestamp::parse_rfc3339(bad).is_err(), "{bad}");
        }
    }
}
