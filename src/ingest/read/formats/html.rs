//! Saved web pages → the article's main text and what the page states about it.
//!
//! 1. **Charset**: a byte-order mark, else UTF-8 when the bytes are valid UTF-8 with non-ASCII
//!    text (a page saved as UTF-8 that still declares `euc-kr`), else the `<meta charset>` /
//!    `http-equiv` declaration in the first [`PRESCAN_BYTES`] (as browsers do), else a guess
//!    (chardetng, Korean hint: CP949/EUC-KR pages often declare nothing).
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

use super::{Extracted, FormatError, Removed};
use crate::analysis::surface::surface_words;

mod stated;

use stated::stated_metadata;

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

/// A widget recognised by a whole word of its `class` or `id`: what it is, the words, and the
/// most text (non-space characters) it holds.
struct Widget {
    what: &'static str,
    words: &'static [&'static str],
    longest: usize,
}

impl Widget {
    /// A widget of any length.
    const fn any(what: &'static str, words: &'static [&'static str]) -> Widget {
        Widget {
            what,
            words,
            longest: usize::MAX,
        }
    }

    /// A widget of at most `longest` characters: longer, the element is a section of the text.
    const fn short(what: &'static str, words: &'static [&'static str], longest: usize) -> Widget {
        Widget {
            what,
            words,
            longest,
        }
    }
}

/// Widgets recognised by a whole word of their `class` or `id` (`comment_area`, `sns-share`,
/// `bottom_relation`, `prev_next`). Readability-style extractors rely on the same signal;
/// words, not site names, so it holds across sites.
const WIDGETS: &[Widget] = &[
    Widget::any(
        "comments",
        &["comment", "comments", "cmt", "reply", "replies"],
    ),
    // Button labels and counts; a long "sharing" element is a section of the text
    // (`<div id="sharing-history">` in a manual).
    Widget::short("share buttons", &["share", "sns", "social", "sharing"], 300),
    Widget::any(
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
    Widget::any(
        "previous/next links",
        &["prev", "next", "prevnext", "pagination", "paging"],
    ),
    Widget::short("copyright notices", &["copyright", "copy"], 500),
    Widget::any(
        "ads and banners",
        &["ad", "ads", "advert", "banner", "sponsor"],
    ),
    // An affiliate disclosure (`Purchases made through our links may earn us a commission`),
    // a medical or legal disclaimer: the site's notice, not the article.
    Widget::any(
        "disclaimers and disclosures",
        &["disclaimer", "disclaimers", "disclosure", "disclosures"],
    ),
    Widget::any(
        "menus and breadcrumbs",
        &["gnb", "lnb", "snb", "menu", "breadcrumb", "location"],
    ),
    Widget::any(
        "surveys and subscriptions",
        &["satisfaction", "survey", "subscribe", "newsletter"],
    ),
];

/// A widget holding more than this share of the page's text is not removed: it is a wrapper
/// of the article (`<div class="comment-enabled article">`), not a widget.
const MAX_WIDGET_SHARE: f64 = 0.4;

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
    // Before the chrome goes: an article inside an `<aside>` or a `<form>` (some sites wrap
    // the whole page in one) is still the page's largest text block.
    let largest = largest_block(&doc);
    for (sel, what) in CHROME {
        drop_chrome(&doc, sel, what, total_chars, &mut removed);
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
    let (mut body, mut how) = match main {
        Some(t) => (t, "main content (Readability)"),
        None => (fallback, "whole page text (no main block found)"),
    };
    let mut warnings = Vec::new();
    // When the block Readability kept is not the article, what replaces it: the text, what
    // `removed` says of the block, and how the body was found.
    let kept = count_chars(&body);
    let replaced: Option<(String, String, &str)> = if let Some(block) = largest
        .clone()
        .filter(|b| is_tiny(&body, b, hints.title.as_ref()))
    {
        // Never silently empty: the block Readability kept is a sliver of the page's text (a
        // site name, a byline). Another extractor first, then the largest text block.
        let block_chars = count_chars(&block);
        let (text, by) = replacement(trafilatura_text(&html), block);
        let preview: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
        let preview: String = preview.chars().take(PREVIEW_CHARS).collect();
        let why = format!(
            "the main block Readability found holds {kept} characters (`{preview}`) of a page \
             whose largest text block holds {block_chars}: used {by} instead"
        );
        warnings.push(format!("almost no article text in the main block; {why}"));
        Some((
            text,
            format!("main block too small, replaced: {why}"),
            "main content (fallback: the main block was too small)",
        ))
    } else if let Some(block) = largest.filter(|b| is_wrong_block(&body, b)) {
        // Readability kept a side block (`Recent posts`, an advertiser disclosure) beside a
        // far larger text block: the article is elsewhere. trafilatura's text is used when it
        // finds much more; the largest block alone is no proof (it may be a comment thread).
        trafilatura_text(&html)
            .filter(|t| count_chars(t) >= kept * 2)
            .map(|t| {
                let what = format!(
                    "main block replaced: Readability kept {kept} characters of a page whose \
                     largest text block holds {}; used the {} characters trafilatura extracts",
                    count_chars(&block),
                    count_chars(&t)
                );
                (
                    t,
                    what,
                    "main content (trafilatura: Readability's block was a side block)",
                )
            })
    } else if kept * PART_SHARE < total_chars {
        // Readability kept under a quarter of the page's text: on a page whose article is
        // cut into sections (`<section>`s of a guide, the items of a list article) it often
        // keeps one section. trafilatura's text is used when it is the same article, longer:
        // it holds Readability's words, at least twice as much text, in paragraphs.
        trafilatura_text(&html)
            .filter(|t| extends(t, &body))
            .map(|t| {
                let what = format!(
                    "main block extended: Readability kept {kept} characters, a part of the \
                     article; used the {} characters trafilatura extracts, which hold them",
                    count_chars(&t)
                );
                (
                    t,
                    what,
                    "main content (trafilatura: Readability kept a part of the article)",
                )
            })
    } else {
        None
    };
    if let Some((text, what, by)) = replaced {
        removed.push(Removed {
            what,
            chars: kept,
            count: 1,
        });
        body = text;
        how = by;
    }
    let kept_chars = count_chars(&body);
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
        warnings,
    })
}

/// Decodes page bytes to text; returns the text and the encoding used.
pub fn decode(bytes: &[u8]) -> (String, &'static str) {
    if let Some((enc, bom)) = Encoding::for_bom(bytes) {
        let (t, _) = enc.decode_without_bom_handling(&bytes[bom..]);
        return (t.into_owned(), enc.name());
    }
    // Valid UTF-8 with non-ASCII text is UTF-8 whatever the page declares: a page saved or
    // crawled as UTF-8 often keeps its original `charset=euc-kr` (or gb2312) declaration, and
    // legacy Korean or Chinese text almost never forms valid UTF-8 by chance.
    if let Ok(s) = std::str::from_utf8(bytes) {
        if !s.is_ascii() {
            return (s.to_string(), "UTF-8");
        }
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

/// Removes the elements matching `sel` (outermost first) except one holding more than
/// [`MAX_WIDGET_SHARE`] of the page's text: a `<form>` or `<aside>` that wraps the article.
fn drop_chrome(
    doc: &Document,
    sel: &str,
    what: &str,
    total_chars: usize,
    removed: &mut Vec<Removed>,
) {
    let (mut count, mut chars) = (0, 0);
    for el in doc.select(sel).iter() {
        let n = count_chars(&el.text());
        if n as f64 > MAX_WIDGET_SHARE * total_chars as f64 {
            continue;
        }
        el.remove();
        count += 1;
        chars += n;
    }
    if count > 0 {
        removed.push(Removed {
            what: what.to_string(),
            chars,
            count,
        });
    }
}

/// Removes elements whose class or id names a widget ([`WIDGETS`]), outermost first.
fn drop_widgets(doc: &Document, total_chars: usize, removed: &mut Vec<Removed>) {
    let mut found: Vec<(usize, usize, usize)> = vec![(0, 0, 0); WIDGETS.len()];
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
        let Some(kind) = WIDGETS
            .iter()
            .position(|widget| words.iter().any(|w| widget.words.contains(w)))
        else {
            continue;
        };
        // `body`/`html` never; nor an element that holds the article.
        if el.is("body, html, article, main") {
            continue;
        }
        let chars = count_chars(&el.text());
        if chars as f64 > MAX_WIDGET_SHARE * total_chars as f64 || chars > WIDGETS[kind].longest {
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
                what: WIDGETS[kind].what.to_string(),
                chars,
                count,
            });
        }
    }
}

/// A main block is too small when it holds less than this share of the largest text block
/// (non-space characters): the Readability port kept a site name or a byline
/// (`| News | Al Jazeera`) and lost the article.
const MIN_MAIN_SHARE: usize = 5;
/// A largest text block shorter than this (non-space characters) is no evidence of a lost
/// article: a short notice's page has nothing longer.
const MIN_BLOCK_CHARS: usize = 300;
/// A main block with at least this many non-space characters is an article, however large
/// another block is (a long comment thread under a real story is no reason to replace it).
const MAX_TINY_CHARS: usize = 200;
/// A main block under 1/[`WRONG_BLOCK_SHARE`] of a largest text block of at least
/// [`MIN_WRONG_BLOCK_CHARS`] is probably a side block, not the article.
const WRONG_BLOCK_SHARE: usize = 4;
const MIN_WRONG_BLOCK_CHARS: usize = 1000;

/// Readability's block under 1/[`PART_SHARE`] of the page's visible text may be a part of the
/// article; [`extends`] decides from trafilatura's text.
const PART_SHARE: usize = 4;
/// Share of Readability's words that trafilatura's text must hold to be the same article.
const SAME_ARTICLE_WORDS: f64 = 0.95;
/// Fewer paragraphs than this in trafilatura's text: a whole container's text run together
/// (its last-resort output), not an article.
const MIN_PARAGRAPHS: usize = 3;

/// Whether `longer` (trafilatura's text) is the article of which `part` (Readability's) is a
/// part: at least twice the text, at least [`MIN_PARAGRAPHS`] lines, and holding at least
/// [`SAME_ARTICLE_WORDS`] of `part`'s words (surface words as the index reads them, counted
/// with repeats).
fn extends(longer: &str, part: &str) -> bool {
    if count_chars(longer) < count_chars(part) * 2
        || longer.lines().filter(|l| !l.trim().is_empty()).count() < MIN_PARAGRAPHS
    {
        return false;
    }
    let words = |s: &str| {
        let mut m: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        for w in surface_words(s) {
            *m.entry(w.text).or_insert(0) += 1;
        }
        m
    };
    let (have, want) = (words(longer), words(part));
    let total: usize = want.values().sum();
    let held: usize = want
        .iter()
        .map(|(w, n)| (*n).min(have.get(w).copied().unwrap_or(0)))
        .sum();
    total > 0 && held as f64 >= SAME_ARTICLE_WORDS * total as f64
}

/// What replaces a sliver: trafilatura's text `traf`, unless it is a sliver or a side block
/// (a "Recent posts" list) beside the largest text block `block` too; then the block.
fn replacement(traf: Option<String>, block: String) -> (String, &'static str) {
    match traf.filter(|t| !is_tiny(t, &block, None) && !is_wrong_block(t, &block)) {
        Some(t) => (t, "the text trafilatura extracts"),
        None => (block, "the largest text block"),
    }
}

/// Whether `body` looks like a side block beside the page's far larger text block `block`.
fn is_wrong_block(body: &str, block: &str) -> bool {
    let block_chars = count_chars(block);
    block_chars >= MIN_WRONG_BLOCK_CHARS && count_chars(body) * WRONG_BLOCK_SHARE < block_chars
}

/// Characters of the replaced block quoted in `inspect` and in the warning.
const PREVIEW_CHARS: usize = 60;

/// Whether `body` is a sliver of the page beside its largest text block `block`: shorter than
/// [`MAX_TINY_CHARS`] and under 1/[`MIN_MAIN_SHARE`] of the block (the page's headline not
/// counted).
fn is_tiny(body: &str, block: &str, title: Option<&super::Hint>) -> bool {
    let block_chars = count_chars(block);
    if block_chars < MIN_BLOCK_CHARS {
        return false;
    }
    let mut kept = count_chars(body);
    if let Some(t) = title {
        kept = kept.saturating_sub(count_chars(&t.value));
    }
    kept < MAX_TINY_CHARS && kept * MIN_MAIN_SHARE < block_chars
}

/// The text of the element with the most paragraph text directly inside it (`<p>` children
/// and text between `<br>`s), as trafilatura and Readability score blocks; `None` when the page
/// has no paragraph.
fn largest_block(doc: &Document) -> Option<String> {
    // One pass over the paragraphs, their text summed per parent (a map keyed by node id),
    // rather than every `div` asking its children: this runs on every page.
    let mut per_parent: std::collections::HashMap<dom_query::NodeId, (usize, dom_query::NodeRef)> =
        std::collections::HashMap::new();
    for p in doc.select("body p, body blockquote, body pre").nodes() {
        let Some(parent) = p.parent() else {
            continue;
        };
        let n = count_chars(&p.text());
        per_parent.entry(parent.id).or_insert((0, parent)).0 += n;
    }
    let (_, block) = per_parent
        .into_values()
        .filter(|(n, _)| *n > 0)
        .max_by_key(|(n, node)| (*n, std::cmp::Reverse(node.id)))?;
    Some(tidy(&block.formatted_text()))
}

/// The main text as rs-trafilatura (a port of trafilatura) extracts it, `None` when it finds
/// none.
fn trafilatura_text(html: &str) -> Option<String> {
    let found = rs_trafilatura::extract(html).ok()?;
    let t = tidy(&found.content_text);
    (!t.is_empty()).then_some(t)
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

#[cfg(test)]
mod tests {
    use super::stated::{in_korean_time, strip_site_name};
    use super::*;
    use crate::ingest::read::formats::Hint;

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
        // Saved as UTF-8 but still declaring EUC-KR: the bytes win.
        let (text, enc) = decode(page.as_bytes());
        assert_eq!(enc, "UTF-8");
        assert!(text.contains("안동시는 바이오"));
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
    fn a_side_block_beside_a_far_larger_block_is_wrong() {
        let block = "가".repeat(4000);
        assert!(is_wrong_block(&"나".repeat(800), &block));
        assert!(!is_wrong_block(&"나".repeat(1200), &block));
        // A short page: no evidence.
        assert!(!is_wrong_block("짧은 글", &"가".repeat(900)));
    }

    #[test]
    fn a_section_of_a_sectioned_article_is_extended() {
        // A guide cut into sections nested in grid rows, the first one longer, beside a long
        // topic list: Readability keeps the first section only.
        let paras = [
            "Meditation has a long history, and many of its techniques began in Eastern traditions. The term refers to practices that focus on the mind and the body.",
            "Some kinds of meditation keep the attention on one thing, such as the breath, a sound or a word repeated. Others keep it on the present moment.",
            "Studies have asked whether meditation helps with anxiety, stress, pain or sleep. Most of them were small, and their results are not yet certain.",
            "Meditation is generally safe for healthy people. A few people report feeling worse, and anyone with a health condition should talk with a doctor.",
            "Researchers are now testing whether short daily practice changes blood pressure, and whether its effects last for months after a course ends.",
            "Those who want to start can find classes in many places, and should ask about the teacher's training and experience before they sign up.",
        ];
        let heads = [
            "What is it?",
            "Kinds",
            "Studies",
            "Is it safe?",
            "Research",
            "Getting started",
        ];
        let mut sections = String::new();
        for (i, h) in heads.iter().enumerate() {
            let n = if i == 0 { 4 } else { 1 };
            let ps: String = (0..n)
                .map(|j| format!("<p>{} {}</p>", paras[(i + j) % 6], paras[(i + j + 1) % 6]))
                .collect();
            sections.push_str(&format!(
                "<div class=row><div class=col><div><div class=row><div class=col><h2>{h}</h2>\
                 </div></div><div class=row><div class=col>{ps}</div></div></div></div></div>"
            ));
        }
        let links: String = (0..80)
            .map(|i| {
                format!("<li><a href=/t{i}>Health topic {i} with a long descriptive title</a></li>")
            })
            .collect();
        let e = read_str(&format!(
            "<html><head><title>Meditation</title></head><body><div class=topics><ul>{links}</ul>\
             </div><div class=page><h1>Meditation</h1>{sections}</div></body></html>"
        ));
        assert!(e.text.contains("Getting started"), "{}", e.text);
        assert!(e.text.contains("Researchers are now testing"), "{}", e.text);
        assert!(!e.text.contains("Health topic 7"), "{}", e.text);
        assert!(e
            .removed
            .iter()
            .any(|r| r.what.starts_with("main block extended")));
    }

    #[test]
    fn a_longer_text_extends_a_part_only_when_it_holds_it() {
        let part = "Phases tell which changesets are public.\n\nDrafts can still change.";
        let whole = format!(
            "Intro to phases.\n\n{part}\n\n{}",
            "Secret changesets stay local. ".repeat(5)
        );
        assert!(extends(&whole, part));
        // Another article, however long.
        assert!(!extends(
            &"Other words entirely, many of them.\n\n".repeat(10),
            part
        ));
        // Not twice as long.
        assert!(!extends(&format!("{part}\n\nMore."), part));
        // One run-together line: a container's whole text, not paragraphs.
        assert!(!extends(
            &format!("{} {}", part.replace("\n\n", " "), "x y z ".repeat(40)),
            part
        ));
    }

    #[test]
    fn a_sliver_is_replaced_by_trafilatura_unless_it_is_a_side_block_too() {
        let block = "가".repeat(4000);
        let (t, _) = replacement(Some("나".repeat(1500)), block.clone());
        assert_eq!(t, "나".repeat(1500));
        // trafilatura kept a "Recent posts" list of 800 characters beside a 4,000-character
        // article: the article.
        let (t, by) = replacement(Some("나".repeat(800)), block.clone());
        assert_eq!((t.as_str(), by), (block.as_str(), "the largest text block"));
        let (t, _) = replacement(None, block.clone());
        assert_eq!(t, block);
    }

    #[test]
    fn a_sliver_beside_a_large_block_is_tiny() {
        let block = "가".repeat(400);
        assert!(is_tiny("| 뉴스 | 동해일보", &block, None));
        assert!(!is_tiny(&"나".repeat(100), &block, None));
        // A real story under a long comment thread stays.
        assert!(!is_tiny(&"나".repeat(300), &"가".repeat(5000), None));
        // Only the headline is as good as nothing.
        let title = Hint::new("포항시, 이차전지 기업 유치", "t");
        assert!(is_tiny(
            "포항시, 이차전지 기업 유치\n\n기자",
            &block,
            Some(&title)
        ));
        // A short notice's page has no large block: its short text is not a loss.
        assert!(!is_tiny("짧은 공지", "짧은 공지 본문", None));
    }

    #[test]
    fn the_largest_block_is_the_one_with_most_paragraph_text() {
        let doc = Document::from(
            "<body><div id=a><p>짧다</p></div><div id=b><p>첫 문단은 길게 이어진다.</p>\
             <p>둘째 문단도 길게 이어진다.</p></div></body>",
        );
        let t = largest_block(&doc).unwrap();
        assert!(
            t.contains("첫 문단") && t.contains("둘째 문단") && !t.contains("짧다"),
            "{t}"
        );
        assert!(largest_block(&Document::from("<body>글만</body>")).is_none());
    }

    #[test]
    fn an_aside_that_wraps_the_page_is_kept() {
        let e = read_str(&format!(
            "<html><body><aside><p>{}</p></aside><nav>메뉴</nav></body></html>",
            "경북 포항시는 이차전지 소재 기업을 유치했다. ".repeat(20)
        ));
        assert!(e.text.contains("이차전지 소재 기업"), "{}", e.text);
        assert!(!e.text.contains("메뉴"));
    }

    #[test]
    fn a_disclosure_is_not_the_article() {
        let e = read_str(&format!(
            "<html><body><div class=\"feature\"><p class=\"disclaimer\">Products are chosen \
             independently by our editors. Purchases made through our links may earn us a \
             commission.</p><p>{}</p></div><div id=affiliate-disclosure>이 기사의 링크로 구매하면 \
             수수료를 받을 수 있습니다.</div></body></html>",
            "포항시는 이차전지 소재 기업을 유치해 일자리를 늘린다고 밝혔다. ".repeat(20)
        ));
        assert!(e.text.contains("이차전지 소재 기업"), "{}", e.text);
        assert!(!e.text.contains("Purchases made"), "{}", e.text);
        assert!(!e.text.contains("수수료"), "{}", e.text);
        assert!(e
            .removed
            .iter()
            .any(|r| r.what == "disclaimers and disclosures" && r.count == 2));
    }

    #[test]
    fn a_long_sharing_section_is_text() {
        let section = "Sharing changes between repositories keeps history intact. ".repeat(12);
        let e = read_str(&format!(
            "<html><body><div id=sharing-history><p>{section}</p></div>\
             <div class=share>Facebook Twitter</div><p>{}</p></body></html>",
            "Phases tell which changesets are public. ".repeat(30)
        ));
        assert!(e.text.contains("Sharing changes between"), "{}", e.text);
        assert!(!e.text.contains("Facebook Twitter"));
    }

    #[test]
    fn text_without_markup_is_refused() {
        assert!(matches!(
            read(b"just words, no tags", Path::new("a.html")),
            Err(FormatError::Corrupt(_))
        ));
    }
}
