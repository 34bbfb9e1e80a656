//! Instants on the UTC time line, and the half-open intervals that control states hold over.
//!
//! An [`Instant`] is a count of milliseconds since the Unix epoch. Data sets mostly give whole days
//! (`2017-06-02`, midnight UTC); RFC 3339 with offsets and fractional seconds is accepted too and
//! normalised to UTC.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What `at`, `from`, `to` and the data set's time columns accept; quoted in every parse error.
pub const INSTANT_FORMS: &str =
    "YYYY-MM-DD (midnight UTC) or an RFC 3339 date-time such as 2017-06-02T12:00:00Z";

const MS_PER_DAY: i64 = 86_400_000;

/// A point on the UTC time line, in milliseconds since 1970-01-01T00:00:00Z.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant(pub i64);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{input}' is not a valid instant: expected {INSTANT_FORMS}")]
pub struct ParseInstantError {
    pub input: String,
}

impl Instant {
    /// Midnight UTC of a calendar day. Panics on an impossible date: for literals in code and tests.
    #[must_use]
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Self {
        let date = NaiveDate::from_ymd_opt(year, month, day).expect("a real calendar date");
        Self::from_date(date)
    }

    fn from_date(date: NaiveDate) -> Self {
        Self(
            date.and_hms_opt(0, 0, 0)
                .expect("midnight exists")
                .and_utc()
                .timestamp_millis(),
        )
    }

    #[must_use]
    pub fn millis(self) -> i64 {
        self.0
    }

    /// The instant as a UTC date-time, as APIs publish it: `2017-06-02T00:00:00Z`
    /// (milliseconds shown only when there are some).
    #[must_use]
    pub fn to_rfc3339(self) -> String {
        let dt = self.to_datetime();
        let format = if self.0.rem_euclid(1000) == 0 {
            SecondsFormat::Secs
        } else {
            SecondsFormat::Millis
        };
        dt.to_rfc3339_opts(format, true)
    }

    /// The calendar day (UTC) this instant falls on, `YYYY-MM-DD`.
    #[must_use]
    pub fn date_string(self) -> String {
        self.to_datetime().format("%Y-%m-%d").to_string()
    }

    /// "3 June 2017", or "3 June 2017, 12:30 UTC" for an instant that is not midnight.
    #[must_use]
    pub fn long_date(self) -> String {
        let dt = self.to_datetime();
        if self.is_midnight() {
            dt.format("%-d %B %Y").to_string()
        } else {
            dt.format("%-d %B %Y, %H:%M UTC").to_string()
        }
    }

    #[must_use]
    pub fn is_midnight(self) -> bool {
        self.0.rem_euclid(MS_PER_DAY) == 0
    }

    fn to_datetime(self) -> DateTime<Utc> {
        DateTime::from_timestamp_millis(self.0).unwrap_or(DateTime::<Utc>::MAX_UTC)
    }
}

impl FromStr for Instant {
    type Err = ParseInstantError;

    /// Accepts `YYYY-MM-DD` and RFC 3339 (`T` or space separator, `Z` or an offset, optional
    /// fraction). Sub-millisecond digits are truncated.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || ParseInstantError {
            input: s.to_owned(),
        };
        let trimmed = s.trim();
        if trimmed.len() == 10 {
            return NaiveDate::parse_from_str(trimmed, "%Y-%m-%d")
                .map(Self::from_date)
                .map_err(|_| err());
        }
        DateTime::parse_from_rfc3339(trimmed)
            .map(|dt| Self(dt.timestamp_millis()))
            .map_err(|_| err())
    }
}

/// The canonical text form used in data set files: `YYYY-MM-DD` at midnight UTC, else RFC 3339 UTC.
impl fmt::Display for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_midnight() {
            f.write_str(&self.date_string())
        } else {
            f.write_str(&self.to_rfc3339())
        }
    }
}

impl Serialize for Instant {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_rfc3339())
    }
}

impl<'de> Deserialize<'de> for Instant {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A half-open validity interval `[from, to)`; `to == None` means "still holds".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval {
    pub from: Instant,
    pub to: Option<Instant>,
}

impl Interval {
    #[must_use]
    pub fn contains(&self, t: Instant) -> bool {
        self.from <= t && self.to.is_none_or(|to| t < to)
    }

    /// Whether two half-open intervals share at least one instant.
    #[must_use]
    pub fn overlaps(&self, other: &Interval) -> bool {
        let ends_after = |i: &Interval, t: Instant| i.to.is_none_or(|to| to > t);
        ends_after(self, other.from) && ends_after(other, self.from)
    }
}

/// What `datetime` accepts, quoted in every parse error.
pub const PERIOD_FORMS: &str = "an instant (2017-06-03 or 2017-06-03T12:00:00Z, offsets and fractions \
     allowed), or an interval start/end where either end may be open ('..' or empty): \
     2017-01-01/2017-06-30, 2017-06-01/.., ../2017-06-01";

/// A closed query period `[start, end]` as OGC API `datetime` gives it; `None` ends are open.
/// A feature valid over a half-open [`Interval`] matches when the two share an instant, so an
/// instant query at a hand-over matches the newer state only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub start: Option<Instant>,
    pub end: Option<Instant>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{input}' is not a valid datetime: {reason}; expected {PERIOD_FORMS}")]
pub struct ParsePeriodError {
    pub input: String,
    pub reason: &'static str,
}

impl Period {
    #[must_use]
    pub fn instant(t: Instant) -> Self {
        Self {
            start: Some(t),
            end: Some(t),
        }
    }

    /// Whether a feature valid over `interval` is valid at some instant of this period.
    #[must_use]
    pub fn meets(&self, interval: &Interval) -> bool {
        self.end.is_none_or(|end| interval.from <= end)
            && self
                .start
                .is_none_or(|start| interval.to.is_none_or(|to| to > start))
    }
}

impl FromStr for Period {
    type Err = ParsePeriodError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |reason| ParsePeriodError {
            input: s.to_owned(),
            reason,
        };
        let instant = |text: &str| {
            // A '+' offset sent unencoded in a query string arrives as a space.
            let mut text = text.to_owned();
            // GDAL's OAPIF driver sends a date compared in a filter as `2017-06-03T`.
            if text.len() == 11 && text.ends_with('T') {
                text.pop();
            }
            if text.len() > 16 && text.as_bytes()[text.len() - 6] == b' ' {
                text.replace_range(text.len() - 6..text.len() - 5, "+");
            }
            text.parse::<Instant>()
                .map_err(|_| err("an end is not a date or an RFC 3339 date-time"))
        };
        let Some((a, b)) = s.split_once('/') else {
            return Ok(Self::instant(instant(s)?));
        };
        let open = |text: &str| text.is_empty() || text == "..";
        if open(a) && open(b) {
            return Err(err("at least one end of an interval must be given"));
        }
        let start = if open(a) { None } else { Some(instant(a)?) };
        let end = if open(b) { None } else { Some(instant(b)?) };
        if let (Some(a), Some(b)) = (start, end)
            && a > b
        {
            return Err(err("the start is after the end"));
        }
        Ok(Self { start, end })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_date_is_midnight_utc() {
        let t: Instant = "2017-06-02".parse().unwrap();
        assert_eq!(t, Instant::from_ymd(2017, 6, 2));
        assert_eq!(t.to_string(), "2017-06-02");
        assert_eq!(t.to_rfc3339(), "2017-06-02T00:00:00Z");
    }

    #[test]
    fn rfc3339_offsets_and_fractions_are_normalised_to_utc() {
        let t: Instant = "2017-06-02T03:00:00.250+03:00".parse().unwrap();
        assert_eq!(t.millis(), Instant::from_ymd(2017, 6, 2).millis() + 250);
        assert_eq!(t.to_string(), "2017-06-02T00:00:00.250Z");
    }

    #[test]
    fn malformed_instants_say_what_is_valid() {
        for bad in [
            "2017-13-01",
            "yesterday",
            "2017-06-02T25:00:00Z",
            "",
            "2017/06/02",
        ] {
            let err = bad.parse::<Instant>().unwrap_err();
            assert!(err.to_string().contains("YYYY-MM-DD"), "{err}");
        }
    }

    #[test]
    fn intervals_are_half_open() {
        let i = Interval {
            from: Instant::from_ymd(2017, 1, 1),
            to: Some(Instant::from_ymd(2017, 1, 2)),
        };
        assert!(i.contains(Instant::from_ymd(2017, 1, 1)));
        assert!(!i.contains(Instant::from_ymd(2017, 1, 2)));
        let next = Interval {
            from: Instant::from_ymd(2017, 1, 2),
            to: None,
        };
        assert!(!i.overlaps(&next));
        assert!(next.contains(Instant::from_ymd(2030, 1, 1)));
        let straddling = Interval {
            from: Instant(i.from.0 + 1),
            to: None,
        };
        assert!(i.overlaps(&straddling));
    }

    #[test]
    fn periods_follow_the_ogc_datetime_grammar() {
        let day = |d| Some(Instant::from_ymd(2017, 6, d));
        let cases = [
            ("2017-06-03", day(3), day(3)),
            ("2017-06-01/2017-06-03", day(1), day(3)),
            ("2017-06-01/..", day(1), None),
            ("2017-06-01/", day(1), None),
            ("../2017-06-03", None, day(3)),
            ("/2017-06-03", None, day(3)),
            ("2017-06-03T03:00:00 03:00", day(3), day(3)),
            ("2017-06-01T/2017-06-03T", day(1), day(3)),
        ];
        for (text, start, end) in cases {
            assert_eq!(
                text.parse::<Period>().unwrap(),
                Period { start, end },
                "{text}"
            );
        }
        for bad in [
            "../..",
            "/",
            "2017-06-03/2017-06-01",
            "june",
            "2017-06-01/x",
            "a/b/c",
        ] {
            let err = bad.parse::<Period>().unwrap_err().to_string();
            assert!(err.contains("expected an instant"), "{bad}: {err}");
        }
    }

    #[test]
    fn an_instant_at_a_hand_over_meets_only_the_newer_interval() {
        let t = Instant::from_ymd(2017, 1, 2);
        let older = Interval {
            from: Instant::from_ymd(2017, 1, 1),
            to: Some(t),
        };
        let newer = Interval { from: t, to: None };
        assert!(!Period::instant(t).meets(&older));
        assert!(Period::instant(t).meets(&newer));
        // A closed interval ending at the hand-over meets both.
        let p: Period = "2016-12-01/2017-01-02".parse().unwrap();
        assert!(p.meets(&older) && p.meets(&newer));
    }
}
