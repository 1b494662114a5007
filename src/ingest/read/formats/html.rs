//! Saved web pages → the article's main text and what the page states about it.
//!
//! 1. **Charset**: a byte-order mark, else the `<meta charset>` / `http-equiv` declaration in
//!    the first [`PRESCAN_BYTES`] (as browsers do), else UTF-8 when the bytes are valid UTF-8,
//!    else a guess (chardetng, Korean hint: CP949/EUC-KR pages often declare nothing).
//! 2. **Parse** with html5ever (through `dom_query`), as a browser would.
//! 3. **Metadata** the page states, in order of trust: JSON-LD `NewsArticle`, OpenGraph and
//!    `article:` meta tags, `<time datetime>`, `<link rel=canonical>`, `<h1>`, `<title>`.
//! 4. **Page chrome out**: scripts, styles, forms, navigation, footers and asides are dropped;
//!    then `dom_smoothie` (a port of Mozilla's Readability) picks the main content block and
//!    cleans link-dense lists (related articles, "많이 본 뉴스") out of it. A page Readability
//!    cannot score (a short press notice) falls back to the text of `<article>`/`<main>`/`<body>`.
//!
//! The stated headline goes first as its own paragraph, so the extractor downstream sees the
//! same shape as a text file: headline line, then the body.

use std::path::Path;

use dom_query::Document;
use dom_smoothie::{Config, Readability, TextMode};
use encoding_rs::Encoding;
use serde_json::Value;

use super::{Extracted, FormatError, Hint, Hints, Removed};
use crate::calendar;

/// Bytes scanned for a charset declaration (the HTML standard's prescan reads 1024; saved pages
/// often carry a long comment or `<script>` before the `<meta>`, so a little more).
const PRESCAN_BYTES: usize = 4096;

/// Elements whose text is never article text.
const NON_TEXT: &str = "script, style, noscript, template, svg, canvas, iframe, object, embed";

/// Photo captions: text about a picture, not the article.
const CAPTIONS: &str = "figcaption, [class~=caption], [class~=photo_caption], [class~=img_caption]";

/// Page structure that holds navigation and widgets, not the article. Removed before
/// Readability so that a long menu or footer can never win as "main content".
const CHROME: &[(&str, &str)] = &[
    (
        "nav, [role=navigation], [role=menubar], [role=menu]",
        "navigation",
    ),
    ("footer, [role=contentinfo]", "footer"),
    ("aside, [role=complementary]", "sidebar"),
    (
        "form, button, select, input, textarea, [role=search]",
        "forms and buttons",
    ),
];

/// Widgets recognised by a whole word of their `class` or `id` (`comment_area`, `sns-share`,
/// `bottom_relation`, `prev_next`): what they are, and the words. Readability-style extractors
/// rely on the same signal; words, not site names, so it holds across sites.
const WIDGET_WORDS: &[(&str, &[&str])] = &[
    (
        "comments",
        &["comment", "comments", "cmt", "reply", "replies"],
    ),
    ("share buttons", &["share", "sns", "social", "sharing"]),
    (
        "related and most-read lists",
        &[
            "related",
            "relation",
            "ranking",
            "popular",
            "most",
            "recommend",
            "rank",
        ],
    ),
    (
        "previous/next links",
        &["prev", "next", "prevnext", "pagination", "paging"],
    ),
    ("copyright notices", &["copyright", "copy"]),
    (
        "ads and banners",
        &["ad", "ads", "advert", "banner", "sponsor"],
    ),
    (
        "menus and breadcrumbs",
        &["gnb", "lnb", "snb", "menu", "breadcrumb", "location"],
    ),
    (
        "surveys and subscriptions",
        &["satisfaction", "survey", "subscribe", "newsletter"],
    ),
];

/// A widget holding more than this share of the page's text is not removed: it is a wrapper
/// of the article (`<div class="comment-enabled article">`), not a widget.
const MAX_WIDGET_SHARE: f64 = 0.4;

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

/// Reads a saved web page.
pub fn read(bytes: &[u8], _path: &Path) -> Result<Extracted, FormatError> {
    let (html, _) = decode(bytes);
    if !looks_like_html(&html) {
        return Err(FormatError::Corrupt(
            "no HTML markup found (is this a web page?)".into(),
        ));
    }
    let doc = Document::from(html.as_str());
    let mut removed = Vec::new();
    let hints = stated_metadata(&doc);

    let total_chars = visible_chars(&doc);
    drop_elements(&doc, NON_TEXT, "scripts and styles", &mut removed);
    for (sel, what) in CHROME {
        drop_elements(&doc, sel, what, &mut removed);
    }
    drop_elements(&doc, CAPTIONS, "photo captions", &mut removed);
    drop_widgets(&doc, total_chars, &mut removed);
    let fallback = fallback_text(&doc);
    let cfg = Config {
        text_mode: TextMode::Formatted,
        // Korean press notices are short; Readability's default 500 would reject them.
        char_threshold: 200,
        ..Config::default()
    };
    let main = Readability::with_document(doc, None, Some(cfg))
        .ok()
        .and_then(|mut r| r.parse().ok())
        .map(|a| tidy(&a.text_content))
        .filter(|t| t.chars().count() * 3 >= fallback.chars().count().min(600));
    let (body, how) = match main {
        Some(t) => (t, "main content (Readability)"),
        None => (fallback, "whole page text (no main block found)"),
    };
    let kept_chars = body.chars().filter(|c| !c.is_whitespace()).count();
    let other = total_chars
        .saturating_sub(kept_chars)
        .saturating_sub(removed.iter().map(|r: &Removed| r.chars).sum());
    if other > 0 {
        removed.push(Removed {
            what: format!("other page text outside the {how}: menus, lists, links"),
            chars: other,
            count: 1,
        });
    }

    let mut text = body;
    if let Some(t) = &hints.title {
        let first = text.lines().next().unwrap_or("").trim();
        if first != t.value {
            // The page's headline usually sits outside the content block; put it first.
            text = if text.starts_with(t.value.as_str()) {
                format!("{}\n\n{}", t.value, text[t.value.len()..].trim_start())
            } else {
                format!("{}\n\n{}", t.value, text)
            };
        }
    }
    Ok(Extracted {
        text,
        format: "html",
        hints,
        removed,
    })
}

/// Decodes page bytes to text; returns the text and the encoding used.
pub fn decode(bytes: &[u8]) -> (String, &'static str) {
    if let Some((enc, bom)) = Encoding::for_bom(bytes) {
        let (t, _) = enc.decode_without_bom_handling(&bytes[bom..]);
        return (t.into_owned(), enc.name());
    }
    if let Some(enc) = declared_charset(&bytes[..bytes.len().min(PRESCAN_BYTES)]) {
        let (t, _) = enc.decode_without_bom_handling(bytes);
        return (t.into_owned(), enc.name());
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return (s.to_string(), "UTF-8");
    }
    let mut det = chardetng::EncodingDetector::new();
    det.feed(bytes, true);
    let enc = det.guess(Some(b"kr"), true);
    let (t, _) = enc.decode_without_bom_handling(bytes);
    (t.into_owned(), enc.name())
}

/// The charset a page declares in `<meta charset=…>` or `<meta http-equiv content="…;
/// charset=…">`. UTF-16 labels mean UTF-8 here, as in browsers: a page that reached this
/// point without a UTF-16 BOM is not UTF-16.
fn declared_charset(head: &[u8]) -> Option<&'static Encoding> {
    let lower: Vec<u8> = head.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = find(&lower[from..], b"<meta") {
        let start = from + i;
        let end = find(&lower[start..], b">").map_or(lower.len(), |e| start + e);
        let tag = &lower[start..end];
        if let Some(c) = find(tag, b"charset") {
            let rest = &tag[c + 7..];
            let rest = rest
                .iter()
                .position(|&b| b != b' ' && b != b'=' && b != b'"' && b != b'\'')
                .map_or(&rest[rest.len()..], |p| &rest[p..]);
            let label_end = rest
                .iter()
                .position(|&b| matches!(b, b'"' | b'\'' | b';' | b' ' | b'/' | b'>'))
                .unwrap_or(rest.len());
            if let Some(enc) = Encoding::for_label(&rest[..label_end]) {
                return Some(
                    if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
                        encoding_rs::UTF_8
                    } else {
                        enc
                    },
                );
            }
        }
        from = end.max(start + 1);
    }
    None
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn looks_like_html(text: &str) -> bool {
    let head: String = text
        .chars()
        .take(PRESCAN_BYTES)
        .collect::<String>()
        .to_lowercase();
    [
        "<html",
        "<!doctype html",
        "<head",
        "<body",
        "<meta",
        "<div",
        "<p>",
        "<p ",
        "<title",
    ]
    .iter()
    .any(|t| head.contains(t))
}

/// Characters of visible text on the page (non-whitespace), before anything is removed.
fn visible_chars(doc: &Document) -> usize {
    let body = doc.select("body");
    let all: usize = count_chars(&body.text());
    let hidden: usize = body
        .select(NON_TEXT)
        .iter()
        .map(|s| count_chars(&s.text()))
        .sum();
    all.saturating_sub(hidden)
}

fn count_chars(s: &str) -> usize {
    s.chars().filter(|c| !c.is_whitespace()).count()
}

/// Removes every element matching `sel` (outermost first) and records it.
fn drop_elements(doc: &Document, sel: &str, what: &str, removed: &mut Vec<Removed>) {
    let found = doc.select(sel);
    if !found.exists() {
        return;
    }
    let count = found.length();
    // Text inside a script is code, not page text: counted as 0 visible characters.
    let chars = if what == "scripts and styles" {
        0
    } else {
        found.iter().map(|s| count_chars(&s.text())).sum()
    };
    found.remove();
    removed.push(Removed {
        what: what.to_string(),
        chars,
        count,
    });
}

/// Removes elements whose class or id names a widget ([`WIDGET_WORDS`]), outermost first.
fn drop_widgets(doc: &Document, total_chars: usize, removed: &mut Vec<Removed>) {
    let mut found: Vec<(usize, usize, usize)> = vec![(0, 0, 0); WIDGET_WORDS.len()];
    for el in doc.select("body [class], body [id]").iter() {
        let names = format!(
            "{} {}",
            el.attr("class").unwrap_or_default(),
            el.attr("id").unwrap_or_default()
        )
        .to_ascii_lowercase();
        let words: Vec<&str> = names
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        let Some(kind) = WIDGET_WORDS
            .iter()
            .position(|(_, ws)| words.iter().any(|w| ws.contains(w)))
        else {
            continue;
        };
        // `body`/`html` never; nor an element that holds the article.
        if el.is("body, html, article, main") {
            continue;
        }
        let chars = count_chars(&el.text());
        if chars as f64 > MAX_WIDGET_SHARE * total_chars as f64 {
            continue;
        }
        el.remove();
        found[kind].0 += 1;
        found[kind].1 += chars;
        found[kind].2 = kind;
    }
    for (count, chars, kind) in found {
        if count > 0 {
            removed.push(Removed {
                what: WIDGET_WORDS[kind].0.to_string(),
                chars,
                count,
            });
        }
    }
}

/// The text of the most specific content container, block by block.
fn fallback_text(doc: &Document) -> String {
    for sel in [
        "article",
        "[itemprop=articleBody]",
        "main",
        "[role=main]",
        "body",
    ] {
        let s = doc.select(sel).first();
        if s.exists() {
            let t = tidy(&s.formatted_text());
            if !t.is_empty() {
                return t;
            }
        }
    }
    tidy(&doc.select("html").formatted_text())
}

/// Trims lines, drops empty ones beyond one blank line between paragraphs, and folds
/// non-breaking and other odd spaces to plain spaces.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = false;
    for line in text.lines() {
        let line: String = line
            .chars()
            .map(|c| match c {
                '\u{a0}' | '\u{2002}'..='\u{200a}' | '\u{3000}' => ' ',
                c => c,
            })
            .filter(|&c| c != '\u{200b}' && c != '\u{feff}')
            .collect();
        let t = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if t.is_empty() {
            blank = !out.is_empty();
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank { "\n\n" } else { "\n" });
        }
        blank = false;
        out.push_str(&t);
    }
    out
}

/// Title, date, publisher, author and address as the page states them.
fn stated_metadata(doc: &Document) -> Hints {
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
fn in_korean_time(h: Hint) -> Hint {
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
fn strip_site_name(title: &str, site: Option<&Hint>) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn read_str(html: &str) -> Extracted {
        read(html.as_bytes(), Path::new("t.html")).expect("readable page")
    }

    #[test]
    fn declared_and_undeclared_korean_charsets() {
        let page = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=euc-kr\"></head><body><p>경북 안동시는 바이오 산업을 키운다.</p></body></html>";
        let (bytes, _, _) = encoding_rs::EUC_KR.encode(page);
        let (text, enc) = decode(&bytes);
        assert_eq!(enc, "EUC-KR");
        assert!(text.contains("안동시는"));
        let undeclared = page.replace("; charset=euc-kr", "");
        let (bytes, _, _) = encoding_rs::EUC_KR.encode(&undeclared);
        let (text, _) = decode(&bytes);
        assert!(text.contains("안동시는 바이오"));
        let (_, enc) = decode("<meta charset=\"utf-16\"><p>가</p>".as_bytes());
        assert_eq!(enc, "UTF-8");
    }

    #[test]
    fn json_ld_wins_and_site_names_are_cut() {
        let e = read_str(
            r#"<html><head><title>안동시, 바이오 특구 지정 - 경북일보</title>
            <meta property="og:site_name" content="경북일보">
            <meta property="og:title" content="안동시, 바이오 특구 지정 | 경북일보">
            <script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebPage"},{"@type":"NewsArticle","headline":"안동시, 바이오 특구 지정","datePublished":"2021-05-03T09:00:00+09:00","author":[{"@type":"Person","name":"홍길동"}]}]}</script>
            </head><body><p>경북 안동시는 3일 바이오 특구로 지정됐다고 밝혔다.</p></body></html>"#,
        );
        let h = &e.hints;
        assert_eq!(h.title.as_ref().unwrap().value, "안동시, 바이오 특구 지정");
        assert_eq!(h.title.as_ref().unwrap().evidence, "JSON-LD headline");
        assert_eq!(h.date.as_ref().unwrap().value, "2021-05-03T09:00:00+09:00");
        assert_eq!(h.author.as_ref().unwrap().value, "홍길동");
        assert_eq!(h.publisher.as_ref().unwrap().value, "경북일보");
        assert!(e
            .text
            .starts_with("안동시, 바이오 특구 지정\n\n경북 안동시는"));
        let t = strip_site_name("<기획> 청년 일자리 - 지역 - 전북일보", None);
        assert_eq!(t, "<기획> 청년 일자리 - 지역");
    }

    #[test]
    fn timestamps_are_dated_in_korean_time() {
        let d = |v: &str| in_korean_time(Hint::new(v, "x")).value;
        assert_eq!(d("2021-05-02T23:30:00Z"), "2021-05-03");
        assert_eq!(d("2021-12-31T16:00:00+00:00"), "2022-01-01");
        assert_eq!(d("2021-03-01T01:00:00+09:00"), "2021-03-01T01:00:00+09:00");
        assert_eq!(d("2024-03-01T05:00:00+1000"), "2024-03-01");
        assert_eq!(d("2024-03-01T01:00:00+14:00"), "2024-02-29");
        assert_eq!(d("2021-05-03"), "2021-05-03");
    }

    #[test]
    fn scripts_and_menus_are_not_text() {
        let e = read_str(
            "<html><body><nav><a>정치</a><a>경제</a></nav><script>var x='본문 아님';</script>\
             <article><p>광주시는 인공지능 집적단지를 조성한다.</p></article>\
             <footer>저작권자 © 광주일보</footer></body></html>",
        );
        assert!(e.text.contains("인공지능 집적단지"));
        for gone in ["정치", "본문 아님", "광주일보"] {
            assert!(!e.text.contains(gone), "{gone} leaked into {:?}", e.text);
        }
        assert!(e
            .removed
            .iter()
            .any(|r| r.what == "navigation" && r.count == 1));
        assert!(e.removed.iter().any(|r| r.what == "scripts and styles"));
    }

    #[test]
    fn text_without_markup_is_refused() {
        assert!(matches!(
            read(b"just words, no tags", Path::new("a.html")),
            Err(FormatError::Corrupt(_))
        ));
    }
}
