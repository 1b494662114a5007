//! A calendar day, as `--from`/`--to` and the API's `from`/`to` take it and as the index keeps
//! an article's date for range filters: the number `20261101` in the `day` field (0 for an
//! article without a full date, which no range includes).
//!
//! Users may give a whole month or year: `--from 2026-11` starts on 2026-11-01 and `--to 2026-11`
//! ends on 2026-11-30, as a reader of "November 2026" means.

use std::fmt;

/// Years a date range may name (the index's `day` numbers need four digits).
const YEARS: std::ops::RangeInclusive<i32> = 1000..=9999;

/// A calendar day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

/// Which end of a range a partial date (`2026-11`, `2026`) stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// Its first day (`from`).
    Start,
    /// Its last day (`to`).
    Last,
}

impl Day {
    /// `YYYY-MM-DD`, or `YYYY-MM` / `YYYY` for the first or last day of that month or year
    /// (`end`). The error says why in words, for a message that names the flag and value.
    pub fn parse(text: &str, end: End) -> Result<Day, String> {
        const EXPECTED: &str = "expected a date such as 2026-11-01 (or 2026-11, or 2026)";
        let parts: Vec<&str> = text.trim().split('-').collect();
        let number = |s: &str, digits: usize| -> Result<u32, String> {
            if s.len() != digits || !s.bytes().all(|b| b.is_ascii_digit()) {
                return Err(EXPECTED.to_string());
            }
            s.parse().map_err(|_| EXPECTED.to_string())
        };
        let year = number(parts[0], 4)? as i32;
        if !YEARS.contains(&year) {
            return Err(format!(
                "the year must be {}–{}",
                YEARS.start(),
                YEARS.end()
            ));
        }
        let month = match parts.get(1) {
            Some(m) => number(m, 2)?,
            None if end == End::Start => 1,
            None => 12,
        };
        if !(1..=12).contains(&month) {
            return Err(format!("there is no month {month}; {EXPECTED}"));
        }
        let last = days_in_month(year, month);
        let day = match parts.get(2) {
            Some(d) => number(d, 2)?,
            None if end == End::Start => 1,
            None => last,
        };
        if parts.len() > 3 {
            return Err(EXPECTED.to_string());
        }
        if day == 0 || day > last {
            return Err(format!(
                "{year:04}-{month:02} has no day {day} (it has {last} days)"
            ));
        }
        Ok(Day { year, month, day })
    }

    /// The number the index keeps: `20261101`.
    pub fn key(self) -> i64 {
        i64::from(self.year) * 10_000 + i64::from(self.month) * 100 + i64::from(self.day)
    }

    /// The day of a stored `YYYY-MM-DD` date; `None` for anything else.
    pub fn of_stored(date: &str) -> Option<Day> {
        (date.len() == "YYYY-MM-DD".len())
            .then(|| Day::parse(date, End::Start).ok())
            .flatten()
    }

    /// The month facet value of this day: `2026-11`.
    pub fn month_name(self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }

    /// Days since 1970-01-01.
    pub fn days_since_epoch(self) -> i64 {
        crate::calendar::days_from_civil(i64::from(self.year), self.month, self.day)
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// The days of `--from`/`--to` (or the API's `from`/`to`), checked: each a calendar date, and
/// `from` not after `to`. `name(which, value)` names a value in the message (`--from 2026-13`).
pub fn date_range(
    from: Option<&str>,
    to: Option<&str>,
    name: impl Fn(&str, &str) -> String,
) -> std::result::Result<(Option<Day>, Option<Day>), String> {
    let parse = |which: &str, value: Option<&str>, end: End| {
        value
            .map(|v| Day::parse(v, end).map_err(|why| format!("{}: {why}", name(which, v))))
            .transpose()
    };
    let from_day = parse("from", from, End::Start)?;
    let to_day = parse("to", to, End::Last)?;
    if let (Some(f), Some(t)) = (from_day, to_day) {
        if f > t {
            return Err(format!(
                "{} is after {}: the range holds no day",
                name("from", from.unwrap_or_default()),
                name("to", to.unwrap_or_default())
            ));
        }
    }
    Ok((from_day, to_day))
}

/// Days in `month` of `year` (the month is checked before: 1–12).
fn days_in_month(year: i32, month: u32) -> u32 {
    crate::calendar::days_in_month(i64::from(year), month).unwrap_or(31)
}

/// `YYYY-MM-DDTHH:MM:SSZ` of unix seconds (RFC 3339, as Atom wants it).
pub fn rfc3339(secs: u64) -> String {
    let (y, m, d, h, mi, se) = crate::calendar::date_time(secs);
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{se:02}Z")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_dates_months_and_years() {
        let d = |s, e| Day::parse(s, e).map(|d| d.to_string());
        assert_eq!(d("2026-11-01", End::Start).as_deref(), Ok("2026-11-01"));
        assert_eq!(d("2026-11", End::Start).as_deref(), Ok("2026-11-01"));
        assert_eq!(d("2026-11", End::Last).as_deref(), Ok("2026-11-30"));
        assert_eq!(d("2024-02", End::Last).as_deref(), Ok("2024-02-29"));
        assert_eq!(d("2100-02", End::Last).as_deref(), Ok("2100-02-28"));
        assert_eq!(d("2026", End::Start).as_deref(), Ok("2026-01-01"));
        assert_eq!(d("2026", End::Last).as_deref(), Ok("2026-12-31"));
        assert_eq!(
            Day::parse("2026-11-01", End::Start).map(Day::key),
            Ok(20261101)
        );
    }

    #[test]
    fn mistakes_say_why() {
        for (text, says) in [
            ("2026-13-01", "no month 13"),
            ("2026-02-30", "has no day 30 (it has 28 days)"),
            ("2026-11-00", "has no day 0"),
            ("26-11-01", "expected a date such as 2026-11-01"),
            ("2026/11/01", "expected a date"),
            ("2026-1-1", "expected a date"),
            ("yesterday", "expected a date"),
            ("", "expected a date"),
            ("2026-11-01-02", "expected a date"),
            ("0999-01-01", "the year must be 1000–9999"),
            ("+202-11-01", "expected a date"),
        ] {
            let e = Day::parse(text, End::Start).expect_err(text);
            assert!(e.contains(says), "{text}: {e}");
        }
    }

    #[test]
    fn stored_dates_and_clock() {
        assert_eq!(Day::of_stored("2020-06-29").map(Day::key), Some(20200629));
        assert_eq!(Day::of_stored("2020"), None);
        assert_eq!(
            Day::of_stored("1970-01-02").map(Day::days_since_epoch),
            Some(1)
        );
        assert_eq!(
            Day::of_stored("2026-11-22").map(Day::days_since_epoch),
            Some(1_795_311_851 / 86_400)
        );
        assert_eq!(rfc3339(1_795_311_851), "2026-11-22T01:44:11Z"); // `date -u -d @1795311851`
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
    }
}
