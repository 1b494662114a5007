//! Publication date: only from places where one is written — date lines (`입력 :`, `등록`,
//! `기사입력` …), bylines, short standalone date lines — or the file name/path. Years in running
//! text (`2030년까지`, `2019년 12월17일 정부가`) are plans or events, never the publication date:
//! a wrong year is worse than none.

use std::sync::LazyLock;

use regex::Regex;

use crate::data::Resources;

/// Lines read from the top of an article looking for a date line; bounds the work on a huge
/// file (an article's date line is near its top or at the end of a short text).
const DATE_SCAN_LINES: usize = 400;
/// Longest line read as a date line or byline (characters); a longer line is running text,
/// whose dates are events.
const MAX_DATE_LINE_CHARS: usize = 160;
/// A line is a standalone date line when it holds at most this many characters besides the
/// date (`2020년 6월 29일 (월) 오후 3:40`).
const STANDALONE_EXTRA_CHARS: usize = 16;

static RE_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^\d])((?:19|20)\d{2})\s*(?:[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2})|년\s*(\d{1,2})\s*월\s*(\d{1,2})\s*일)")
        .expect("static regex")
});
static RE_PATH_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^\d])((?:19|20)\d{2})[-_.]?(\d{2})[-_.]?(\d{2})(?:[^\d]|$)")
        .expect("static regex")
});
static RE_PATH_YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|/)((?:19|20)\d{2})(?:/|$)").expect("static regex"));

/// Publication date (`YYYY-MM-DD`, or just `YYYY` from a year folder) and the evidence.
pub(super) fn date_of(raw: &str, path: &str, res: &Resources) -> Option<(String, String)> {
    for line in raw.lines().take(DATE_SCAN_LINES) {
        let t = line.trim();
        if t.is_empty() || t.chars().count() > MAX_DATE_LINE_CHARS {
            continue;
        }
        let marked = res.furniture.date_marker.is_match(t);
        let byline = t.contains("기자") || t.contains('@') || t.contains('|');
        let Some(caps) = RE_DATE.captures(t) else {
            continue;
        };
        let whole = caps.get(0).map(|m| m.as_str()).unwrap_or("");
        // A standalone date line: the date is most of the line.
        let standalone = t.chars().count() <= whole.chars().count() + STANDALONE_EXTRA_CHARS
            && !t.ends_with("다.")
            && !t.contains("까지");
        if !(marked || byline || standalone) {
            continue;
        }
        let y: i32 = caps[1].parse().ok()?;
        let (m, d) = match (caps.get(2), caps.get(3), caps.get(4), caps.get(5)) {
            (Some(m), Some(d), _, _) | (_, _, Some(m), Some(d)) => {
                (m.as_str().parse().ok()?, d.as_str().parse().ok()?)
            }
            _ => continue,
        };
        if let Some(date) = valid_date(y, m, d) {
            return Some((date, format!("date line: {t}")));
        }
    }
    let file_name = path.rsplit('/').next().unwrap_or(path);
    if let Some(c) = RE_PATH_DATE.captures(file_name) {
        if let (Ok(y), Ok(m), Ok(d)) = (c[1].parse(), c[2].parse(), c[3].parse()) {
            if let Some(date) = valid_date(y, m, d) {
                return Some((date, format!("file name: {file_name}")));
            }
        }
    }
    if let Some(c) = RE_PATH_YEAR.captures(path) {
        if c[1].parse().is_ok_and(valid_year) {
            return Some((c[1].to_string(), format!("year folder in path: {path}")));
        }
    }
    None
}

/// Publication years kpolicy accepts, from text, file names or supplied fields. Earlier dates
/// predate Korean online news and the restored local autonomy (1991) these articles are about:
/// such a date is a historical event or a mistyped field, not a publication date.
pub(crate) const YEARS: std::ops::RangeInclusive<i32> = 1990..=2100;

/// Whether `y` can be a publication year.
fn valid_year(y: i32) -> bool {
    YEARS.contains(&y)
}

/// `YYYY-MM-DD` when `y`, `m`, `d` make a real calendar date (month lengths and leap years
/// checked) in a publication year.
fn valid_date(y: i32, m: u32, d: u32) -> Option<String> {
    (valid_year(y) && crate::calendar::is_date(i64::from(y), m, d))
        .then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// A date supplied by front matter or a JSON field: `2021-05-03`, `2021.5.3`, `2021년 5월 3일`
/// → full date; `2021` → year only. The same rule as for extracted dates.
pub(crate) fn parse_supplied_date(s: &str) -> Option<(Option<String>, i32)> {
    let digits: Vec<&str> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .collect();
    let year: i32 = digits.first()?.parse().ok()?;
    match digits.as_slice() {
        [_] => valid_year(year).then_some((None, year)),
        [_, m, d, ..] => {
            let date = valid_date(year, m.parse().ok()?, d.parse().ok()?)?;
            Some((Some(date), year))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static RES: LazyLock<Resources> = LazyLock::new(|| Resources::embedded().unwrap());

    #[test]
    fn dates_from_date_lines_only() {
        let raw = "제목\n입력 : 2019-07-30 오후 3:40:18\n2030년까지 완성한다.";
        assert_eq!(date_of(raw, "a.txt", &RES).unwrap().0, "2019-07-30");
        let raw = "김성태・강경식 기자 | kst@x.kr | 2020.06.29 17:40:29\n본문";
        assert_eq!(date_of(raw, "a.txt", &RES).unwrap().0, "2020-06-29");
        let raw = "정부가 2019년 12월17일 인공지능 국가전략을 발표하였으며 광주는 2025년까지 투자한다고 밝혔다.";
        assert!(date_of(raw, "a.txt", &RES).is_none());
        assert_eq!(
            date_of("본문", "news/2020-06-29_gwangju.txt", &RES)
                .unwrap()
                .0,
            "2020-06-29"
        );
        assert_eq!(date_of("본문", "2021/gwangju.txt", &RES).unwrap().0, "2021");
        assert_eq!(
            date_of("2020년 6월 29일\n본문", "a.txt", &RES).unwrap().0,
            "2020-06-29"
        );
        assert!(date_of("기사입력 2018/13/45", "a.txt", &RES).is_none());
        assert!(date_of("기사입력 2021.02.29", "a.txt", &RES).is_none());
        assert_eq!(
            date_of("기사입력 2020.02.29", "a.txt", &RES).unwrap().0,
            "2020-02-29"
        );
        // A historical date on a line of its own is not a publication date.
        assert!(date_of("1987년 6월 10일\n본문", "a.txt", &RES).is_none());
        assert!(date_of("본문", "1987/a.txt", &RES).is_none());
    }

    #[test]
    fn supplied_dates() {
        assert_eq!(
            parse_supplied_date("2021-05-03"),
            Some((Some("2021-05-03".into()), 2021))
        );
        assert_eq!(
            parse_supplied_date("2021년 5월 3일"),
            Some((Some("2021-05-03".into()), 2021))
        );
        assert_eq!(parse_supplied_date("2021"), Some((None, 2021)));
        assert_eq!(parse_supplied_date("어제"), None);
        // One rule with extracted dates: calendar dates in publication years only.
        assert_eq!(parse_supplied_date("2021-02-30"), None);
        assert_eq!(parse_supplied_date("2021-04-31"), None);
        assert_eq!(
            parse_supplied_date("2020-02-29"),
            Some((Some("2020-02-29".into()), 2020))
        );
        assert_eq!(parse_supplied_date("1985-05-03"), None);
        assert_eq!(parse_supplied_date("1985"), None);
    }
}
