//! Calendar arithmetic, in one place: leap years and month lengths (is `2021-02-29` a date?),
//! and days since 1970-01-01 to and from a civil date, proleptic Gregorian (Howard Hinnant's
//! algorithms, <https://howardhinnant.github.io/date_algorithms.html>). Used for dates read
//! from articles, document properties and timestamps, and for the time `kpolicy stats` prints.

/// Whether `y` is a leap year.
pub(crate) fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// Days in month `m` (1–12) of year `y`; `None` for a month that does not exist.
pub(crate) fn days_in_month(y: i64, m: u32) -> Option<u32> {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => Some(31),
        4 | 6 | 9 | 11 => Some(30),
        2 if is_leap(y) => Some(29),
        2 => Some(28),
        _ => None,
    }
}

/// Whether `y`, `m`, `d` name a day of the calendar (month lengths and leap years checked).
pub(crate) fn is_date(y: i64, m: u32, d: u32) -> bool {
    days_in_month(y, m).is_some_and(|n| (1..=n).contains(&d))
}

/// Days since 1970-01-01 → (year, month, day).
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Unix seconds → (year, month, day, hour, minute, second), UTC: what the CLI's `last update`
/// and the feed's RFC 3339 times print.
pub(crate) fn date_time(secs: u64) -> (i64, u32, u32, u64, u64, u64) {
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    let rem = secs % 86_400;
    (y, m, d, rem / 3600, rem % 3600 / 60, rem % 60)
}

/// (year, month, day) → days since 1970-01-01; the inverse of [`civil_from_days`] for a real
/// date ([`is_date`]).
pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(17_778), (2018, 9, 4));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(days_from_civil(2026, 11, 22), 20_779);
        assert!(is_date(2024, 2, 29) && !is_date(2023, 2, 29) && !is_date(1900, 2, 29));
        assert!(is_date(2000, 2, 29) && !is_date(2021, 4, 31) && !is_date(2021, 13, 1));
        assert!(!is_date(2021, 1, 0));
    }

    proptest! {
        /// Every day number is one real date, and the date maps back to it.
        #[test]
        fn days_and_dates_round_trip(days in -1_000_000i64..1_000_000) {
            let (y, m, d) = civil_from_days(days);
            prop_assert!(is_date(y, m, d), "{days} → {y}-{m}-{d}");
            prop_assert_eq!(days_from_civil(y, m, d), days);
        }

        /// The day after a date is the next day of its month, or the first of the next month
        /// when it was the month's last day (month lengths and leap years).
        #[test]
        fn the_next_day_follows_the_month_lengths(days in -1_000_000i64..1_000_000) {
            let (y, m, d) = civil_from_days(days);
            let next = civil_from_days(days + 1);
            let last = days_in_month(y, m).unwrap();
            let expected = match (d == last, m == 12) {
                (false, _) => (y, m, d + 1),
                (true, false) => (y, m + 1, 1),
                (true, true) => (y + 1, 1, 1),
            };
            prop_assert_eq!(next, expected);
        }

        /// A year has 366 days when it is a leap year, else 365.
        #[test]
        fn year_lengths(y in -5_000i64..5_000) {
            let len = days_from_civil(y + 1, 1, 1) - days_from_civil(y, 1, 1);
            prop_assert_eq!(len, if is_leap(y) { 366 } else { 365 });
        }
    }
}
