//! What a saved web page states about its article, read before the main text is cut out: the
//! title, date, publisher, author and address from JSON-LD, `og:`/`article:` meta tags,
//! `<time>`, a bulletin board's view table and `<title>`, each with its evidence.

use dom_query::Document;
use serde_json::Value;

use super::super::{Hint, Hints};
use crate::calendar;

/// `@type`s of JSON-LD objects that describe the article itself.
const ARTICLE_TYPES: &[&str] = &[
    "NewsArticle",
    "Article",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "BlogPosting",
    "Report",
];

/// Separators between a headline and the site name in `<title>`/`og:title`
/// (`기사 제목 - 연합뉴스`, `기사 제목 | 한겨레`, `기사 제목 < 지역 < 기사본문 - 뉴스`).
const TITLE_SEPARATORS: &[&str] = &[" | ", " - ", " – ", " — ", " :: ", " < ", " : "];

/// Title, date, publisher, author and address as the page states them.
pub(super) fn stated_metadata(doc: &Document) -> Hints {
    let mut h = Hints::default();
    let ld = json_ld_article(doc);
    let meta = |attr: &str, name: &str| -> Option<String> {
        let s = doc.select(&format!("meta[{attr}=\"{name}\"]")).first();
        s.attr("content")
            .map(|c| clean_value(&c))
            .filter(|c| !c.is_empty())
    };
    let board = board_fields(doc);
    let site = meta("property", "og:site_name")
        .map(|v| Hint::new(v, "<meta property=og:site_name>"))
        .or_else(|| {
            ld.as_ref()
                .and_then(|o| name_of(o.get("publisher")?))
                .map(|v| Hint::new(v, "JSON-LD publisher.name"))
        });

    // Title.
    let title = ld
        .as_ref()
        .and_then(|o| str_of(o.get("headline")?))
        .map(|v| Hint::new(v, "JSON-LD headline"))
        .or_else(|| meta("property", "og:title").map(|v| Hint::new(v, "<meta property=og:title>")))
        .or_else(|| meta("name", "title").map(|v| Hint::new(v, "<meta name=title>")))
        .or_else(|| board.title.clone())
        .or_else(|| {
            let t = clean_value(&doc.select("h1").first().text());
            headline_like(&t).then(|| Hint::new(t, "<h1>"))
        })
        .or_else(|| {
            let t = clean_value(&doc.select("title").first().text());
            let t = strip_site_name(&t, site.as_ref());
            headline_like(&t).then(|| Hint::new(t, "<title>"))
        });
    h.title = title
        .map(|t| Hint::new(strip_site_name(&t.value, site.as_ref()), t.evidence))
        .filter(|t| !t.value.is_empty() && site.as_ref().is_none_or(|s| s.value != t.value));

    // Date.
    h.date = ld
        .as_ref()
        .and_then(|o| str_of(o.get("datePublished")?))
        .map(|v| Hint::new(v, "JSON-LD datePublished"))
        .or_else(|| {
            meta("property", "article:published_time")
                .or_else(|| meta("name", "article:published_time"))
                .map(|v| Hint::new(v, "<meta property=article:published_time>"))
        })
        .or_else(|| {
            [
                "date",
                "pubdate",
                "publishdate",
                "dc.date",
                "dcterms.created",
            ]
            .iter()
            .find_map(|n| meta("name", n).map(|v| Hint::new(v, format!("<meta name={n}>"))))
        })
        .or_else(|| {
            meta("itemprop", "datePublished").map(|v| Hint::new(v, "<meta itemprop=datePublished>"))
        })
        .or_else(|| board.date.clone())
        .or_else(|| {
            let t = doc.select("[data-date-time]").first();
            t.attr("data-date-time")
                .map(|d| clean_value(&d))
                .filter(|d| !d.is_empty())
                .map(|d| Hint::new(d, "data-date-time attribute"))
        })
        .or_else(|| {
            let t = doc.select("time[datetime]").first();
            t.attr("datetime")
                .map(|d| clean_value(&d))
                .filter(|d| !d.is_empty())
                .map(|d| Hint::new(d, "<time datetime>"))
        });

    h.date = h.date.map(in_korean_time);
    h.publisher = site;
    h.author = ld
        .as_ref()
        .and_then(|o| name_of(o.get("author")?))
        .map(|v| Hint::new(v, "JSON-LD author.name"))
        .or_else(|| meta("name", "author").map(|v| Hint::new(v, "<meta name=author>")));
    h.url = doc
        .select("link[rel=canonical]")
        .first()
        .attr("href")
        .map(|u| clean_value(&u))
        .filter(|u| u.starts_with("http"))
        .map(|u| Hint::new(u, "<link rel=canonical>"))
        .or_else(|| meta("property", "og:url").map(|v| Hint::new(v, "<meta property=og:url>")));
    h
}

/// `2021-05-02T23:30:00Z` is 3 May in Korea: a timestamp with another UTC offset becomes the
/// Korean (UTC+9) calendar date, so the date matches what the page shows its readers.
pub(super) fn in_korean_time(h: Hint) -> Hint {
    static RE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})$",
        )
        .expect("static regex")
    });
    let Some(c) = RE.captures(h.value.trim()) else {
        return h;
    };
    let n = |i: usize| c[i].parse::<i64>().unwrap_or(0);
    let (y, m, d, hour, min) = (n(1), n(2) as u32, n(3) as u32, n(4), n(5));
    let off = &c[6];
    let offset = if off == "Z" {
        0
    } else {
        let digits: String = off[1..].chars().filter(char::is_ascii_digit).collect();
        let v =
            digits[..2].parse::<i64>().unwrap_or(0) * 60 + digits[2..].parse::<i64>().unwrap_or(0);
        if off.starts_with('-') {
            -v
        } else {
            v
        }
    };
    if offset == 9 * 60 || !calendar::is_date(y, m, d) {
        return h;
    }
    let shift = (hour * 60 + min - offset + 9 * 60).div_euclid(24 * 60);
    let (y, m, d) = calendar::civil_from_days(calendar::days_from_civil(y, m, d) + shift);
    Hint::new(
        format!("{y:04}-{m:02}-{d:02}"),
        format!("{} ({} in Korean time)", h.evidence, h.value.trim()),
    )
}

/// A heading that can be a headline: two words or more, not a menu (`보도자료`, `안동시청`
/// and `보도자료 > 안동소식` are page names, not headlines).
fn headline_like(t: &str) -> bool {
    t.split_whitespace().count() >= 2 && !crate::ingest::clean::boilerplate::is_menu_line(t)
}

/// Title and date from a bulletin-board view table, as public bodies' sites show press
/// releases: `<tr><th>제목</th><td>…</td></tr>`, `<th>등록일</th><td>2020-11-02</td>`.
#[derive(Default)]
struct Board {
    title: Option<Hint>,
    date: Option<Hint>,
}

fn board_fields(doc: &Document) -> Board {
    let mut b = Board::default();
    for row in doc.select("tr").iter() {
        let cells: Vec<_> = row.select("th, td").iter().collect();
        for pair in cells.windows(2) {
            if !pair[0].is("th") || !pair[1].is("td") {
                continue;
            }
            let label = clean_value(&pair[0].text()).replace(' ', "");
            let value = clean_value(&pair[1].text());
            if value.is_empty() {
                continue;
            }
            match label.as_str() {
                "제목" if b.title.is_none() => {
                    b.title = Some(Hint::new(value, "board table row 제목"));
                }
                "등록일" | "작성일" | "게시일" | "등록일자" | "작성일자" | "보도일"
                | "보도일시"
                    if b.date.is_none() =>
                {
                    b.date = Some(Hint::new(value, format!("board table row {label}")));
                }
                _ => {}
            }
        }
    }
    b
}

/// The first JSON-LD object on the page that describes an article (looking into arrays and
/// `@graph`). Unparsable blocks are skipped: a broken `<script>` must not cost the page.
fn json_ld_article(doc: &Document) -> Option<serde_json::Map<String, Value>> {
    for s in doc.select("script[type=\"application/ld+json\"]").iter() {
        let text = s.text();
        let Ok(v) = serde_json::from_str::<Value>(text.trim()) else {
            continue;
        };
        if let Some(o) = find_article(&v, 0) {
            return Some(o.clone());
        }
    }
    None
}

fn find_article(v: &Value, depth: usize) -> Option<&serde_json::Map<String, Value>> {
    if depth > 4 {
        return None;
    }
    match v {
        Value::Array(items) => items.iter().find_map(|i| find_article(i, depth + 1)),
        Value::Object(o) => {
            let is_article = match o.get("@type") {
                Some(Value::String(t)) => ARTICLE_TYPES.contains(&t.as_str()),
                Some(Value::Array(ts)) => ts
                    .iter()
                    .any(|t| t.as_str().is_some_and(|t| ARTICLE_TYPES.contains(&t))),
                _ => false,
            };
            if is_article {
                return Some(o);
            }
            o.get("@graph").and_then(|g| find_article(g, depth + 1))
        }
        _ => None,
    }
}

fn str_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(clean_value(s)).filter(|s| !s.is_empty()),
        Value::Array(items) => items.iter().find_map(str_of),
        _ => None,
    }
}

/// `"name"`, `{"name": …}` or a list of either (authors, publishers).
fn name_of(v: &Value) -> Option<String> {
    match v {
        Value::Object(o) => o.get("name").and_then(str_of),
        Value::Array(items) => items.iter().find_map(name_of),
        other => str_of(other),
    }
}

/// Decodes leftover entities (`&amp;` inside attributes double-escaped by some CMSs) and
/// collapses whitespace.
fn clean_value(s: &str) -> String {
    let s = s
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">");
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `헤드라인 - 연합뉴스` → `헤드라인` when the tail is the site's name (or a short tail after
/// the last separator that is not part of the headline).
pub(super) fn strip_site_name(title: &str, site: Option<&Hint>) -> String {
    let mut t = title.trim().to_string();
    // A tail that only looks like a site name is cut once; the site's own name wherever it is.
    let mut guessed = false;
    for _ in 0..3 {
        let Some((head, tail)) = TITLE_SEPARATORS
            .iter()
            .filter_map(|sep| t.rfind(sep).map(|i| (i, sep.len())))
            .max_by_key(|&(i, _)| i)
            .map(|(i, n)| (t[..i].trim().to_string(), t[i + n..].trim().to_string()))
        else {
            break;
        };
        let is_site = site.is_some_and(|s| {
            tail == s.value || tail.contains(&s.value) || s.value.contains(tail.as_str())
        });
        let looks_like_site =
            tail.chars().count() <= 12 && !tail.contains(' ') && head.chars().count() >= 8;
        if !tail.is_empty() && (is_site || (looks_like_site && !guessed)) && !head.is_empty() {
            guessed |= !is_site;
            t = head;
        } else {
            break;
        }
    }
    t
}
