//! A search as an Atom feed (RFC 4287), for `kpolicy search --format atom` and the server's
//! `GET /feed`: the newest matching articles, each with its title, a link to the article view
//! of `kpolicy serve`, its publication date, the snippet, the issuing region and industries
//! as categories and the publisher as author.
//!
//! The feed says nothing that changes when the index does not: its `updated` times are the
//! times the articles were indexed (or the last commit's, for an empty feed), so the same
//! search over the same index gives the same bytes, and the server's `ETag` (a hash of them)
//! tells a polling feed reader that nothing changed.

use std::fmt::Write as _;

use crate::search::{rfc3339, Request, Response, Sort};

/// Where `kpolicy serve` answers by default: the links of `kpolicy search --format atom`
/// point there unless `--base-url` says otherwise.
pub const DEFAULT_BASE_URL: &str = "http://127.0.0.1:7700";

/// Entries in a feed unless `limit` says otherwise: as many as a Google Alerts feed holds; a
/// reader that polls every hour or so misses nothing, and each entry's snippet is work on
/// every poll (50 entries made the feed twice as costly as a page under load).
pub const DEFAULT_ENTRIES: usize = 20;

/// Every Korean article is dated in Korean time: a day `2026-11-01` starts at 00:00 KST.
const KOREAN_TIME: &str = "+09:00";

/// The feed's request: the newest matches first, from the first, without facet counts (a
/// feed shows none, and counting them visits every match on every poll).
pub fn request(mut req: Request, limit: Option<usize>) -> Request {
    req.sort = Sort::Newest;
    req.no_facets = true;
    req.offset = 0;
    req.limit = limit.unwrap_or(DEFAULT_ENTRIES);
    req
}

/// The search parameters of `req` as a query string (`q=…&region=…`), in the API's names:
/// the feed's own address and the page's, never with anything that is not a search
/// parameter (a token in the address a reader polled stays out of the feed).
pub fn search_query(req: &Request) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    if !req.query.is_empty() {
        s.append_pair("q", &req.query);
    }
    for r in &req.regions {
        s.append_pair("region", r);
    }
    for i in &req.industries {
        s.append_pair("industry", i);
    }
    for y in &req.years {
        match y {
            Some(y) => s.append_pair("year", &y.to_string()),
            None => s.append_pair("year", crate::index::UNKNOWN),
        };
    }
    if let Some(y) = req.since {
        s.append_pair("since", &y.to_string());
    }
    if let Some(y) = req.until {
        s.append_pair("until", &y.to_string());
    }
    if let Some(d) = req.from {
        s.append_pair("from", &d.to_string());
    }
    if let Some(d) = req.to {
        s.append_pair("to", &d.to_string());
    }
    if req.mentioned {
        s.append_pair("mentioned", "1");
    }
    if req.any {
        s.append_pair("any", "1");
    }
    s.finish()
}

/// What a search is about, in a line: `바이오·백신 · 경상북도 · 2026-11-01–2026-11-30`.
pub fn describe(req: &Request) -> String {
    let mut parts: Vec<String> = Vec::new();
    if !req.query.trim().is_empty() {
        parts.push(req.query.trim().to_string());
    }
    let region = |r: &String| r.trim_start_matches('/').replace('/', " ");
    if !req.regions.is_empty() {
        let names: Vec<String> = req.regions.iter().map(region).collect();
        parts.push(format!(
            "{}{}",
            if req.mentioned { "언급: " } else { "" },
            names.join(", ")
        ));
    }
    if !req.industries.is_empty() {
        parts.push(req.industries.join(", "));
    }
    if !req.years.is_empty() {
        let years: Vec<String> = req
            .years
            .iter()
            .map(|y| y.map_or("연도 미상".to_string(), |y| format!("{y}년")))
            .collect();
        parts.push(years.join(", "));
    }
    if req.since.is_some() || req.until.is_some() {
        parts.push(format!(
            "{}–{}",
            req.since.map(|y| format!("{y}년")).unwrap_or_default(),
            req.until.map(|y| format!("{y}년")).unwrap_or_default()
        ));
    }
    if req.has_date_range() {
        parts.push(format!(
            "{}–{}",
            req.from.map(|d| d.to_string()).unwrap_or_default(),
            req.to.map(|d| d.to_string()).unwrap_or_default()
        ));
    }
    if parts.is_empty() {
        "모든 기사".to_string()
    } else {
        parts.join(" · ")
    }
}

/// Where a feed lives and what it falls back on.
pub struct Links<'a> {
    /// The server's address without a trailing `/` (`http://127.0.0.1:7700`).
    pub base: &'a str,
    /// The time of the index's last commit (unix seconds): the `updated` of a feed without
    /// entries.
    pub committed: Option<u64>,
}

/// The Atom document of `resp`, the answer to `req` (made with [`request`]).
pub fn atom(req: &Request, resp: &Response, links: &Links) -> String {
    let base = links.base.trim_end_matches('/');
    let query = search_query(req);
    let with_query = |path: &str| {
        if query.is_empty() {
            format!("{base}{path}")
        } else {
            format!("{base}{path}?{query}")
        }
    };
    let updated = resp
        .hits
        .iter()
        .filter_map(|h| h.article.indexed_at)
        .max()
        .or(links.committed)
        .unwrap_or(0);
    let mut x = String::with_capacity(1024 + resp.hits.len() * 1024);
    x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    x.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    let _ = writeln!(
        x,
        "  <title>{}</title>",
        esc(&format!("kpolicy: {}", describe(req)))
    );
    let _ = writeln!(
        x,
        "  <subtitle>{}</subtitle>",
        esc(&format!("{}건 중 최신 {}건", resp.total, resp.hits.len()))
    );
    let _ = writeln!(x, "  <id>{}</id>", esc(&with_query("/feed")));
    let _ = writeln!(
        x,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        esc(&with_query("/feed"))
    );
    let _ = writeln!(
        x,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        esc(&with_query("/"))
    );
    let _ = writeln!(x, "  <updated>{}</updated>", rfc3339(updated));
    x.push_str("  <author><name>kpolicy</name></author>\n");
    let _ = writeln!(
        x,
        "  <generator version=\"{}\">kpolicy</generator>",
        env!("CARGO_PKG_VERSION")
    );
    for h in &resp.hits {
        let a = &h.article;
        let mut view = form_urlencoded::Serializer::new(String::new());
        if !req.query.is_empty() {
            view.append_pair("q", &req.query);
        }
        view.append_pair("article", &a.id);
        let link = format!("{base}/?{}", view.finish());
        let id: String = form_urlencoded::byte_serialize(a.id.as_bytes()).collect();
        x.push_str("  <entry>\n");
        let _ = writeln!(x, "    <title>{}</title>", esc(&a.title));
        let _ = writeln!(x, "    <id>urn:kpolicy:article:{}</id>", esc(&id));
        let _ = writeln!(
            x,
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
            esc(&link)
        );
        if let Some(url) = a.url.as_deref().filter(|u| is_web_address(u)) {
            let _ = writeln!(x, "    <link rel=\"related\" href=\"{}\"/>", esc(url));
        }
        if let Some(date) = &a.date {
            let _ = writeln!(
                x,
                "    <published>{}T00:00:00{KOREAN_TIME}</published>",
                esc(date)
            );
        }
        let _ = writeln!(
            x,
            "    <updated>{}</updated>",
            rfc3339(a.indexed_at.or(links.committed).unwrap_or(0))
        );
        if let Some(source) = &a.source {
            let _ = writeln!(x, "    <author><name>{}</name></author>", esc(source));
        }
        if let Some(region) = &a.region {
            let _ = writeln!(
                x,
                "    <category scheme=\"urn:kpolicy:region\" term=\"{}\" label=\"{}\"/>",
                esc(region),
                esc(&region.trim_start_matches('/').replace('/', " "))
            );
        }
        for i in &a.industry {
            let _ = writeln!(
                x,
                "    <category scheme=\"urn:kpolicy:industry\" term=\"{}\" label=\"{}\"/>",
                esc(i),
                esc(i)
            );
        }
        if !h.snippet.is_empty() {
            let _ = writeln!(
                x,
                "    <summary type=\"text\">{}</summary>",
                esc(&h.snippet)
            );
        }
        x.push_str("  </entry>\n");
    }
    x.push_str("</feed>\n");
    x
}

fn is_web_address(u: &str) -> bool {
    let lower = u.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// Text for XML character data and attribute values: the five special characters escaped,
/// and the characters XML 1.0 does not allow at all (control characters that saved pages
/// and converted documents carry) left out, or no feed reader would parse the feed.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::{Day, End, Facets, Hit, StoredArticle};

    fn hit(id: &str, title: &str, date: Option<&str>, indexed_at: u64) -> Hit {
        Hit {
            rank: 1,
            article: StoredArticle {
                id: id.into(),
                path: format!("documents/{id}"),
                title: title.into(),
                title_derived: false,
                date: date.map(str::to_string),
                year: None,
                region: Some("/경상북도/안동시".into()),
                mentioned_regions: vec![],
                industry: vec!["바이오·백신".into()],
                source: Some("경북도청".into()),
                url: Some("javascript:alert(1)".into()),
                indexed_at: Some(indexed_at),
            },
            score: 1.0,
            snippet: "백신 <b>& \u{0}\u{b}끝".into(),
            highlights: vec![],
            explain: None,
            group: None,
            duplicates: vec![],
            copies: 0,
        }
    }

    #[test]
    fn entries_escape_text_and_leave_out_what_xml_forbids() {
        let req = Request {
            query: "바이오 & 백신".into(),
            regions: vec!["/경상북도".into()],
            from: Day::parse("2026-11", End::Start).ok(),
            to: Day::parse("2026-11", End::Last).ok(),
            ..Request::default()
        };
        let req = request(req, None);
        let resp = Response {
            query: req.query.clone(),
            total: 2,
            stories: 2,
            collapsed: false,
            facet_counts: "articles",
            offset: 0,
            hits: vec![
                hit(
                    "a \"1\".txt",
                    "<안동> 백신",
                    Some("2026-11-02"),
                    1_795_311_851,
                ),
                hit("b.txt", "b", None, 1_795_000_000),
            ],
            facets: Facets::default(),
            notice: None,
            undated_excluded: None,
        };
        let x = atom(
            &req,
            &resp,
            &Links {
                base: "http://h:1/",
                committed: Some(5),
            },
        );
        assert!(
            x.contains(
                "<title>kpolicy: 바이오 &amp; 백신 · 경상북도 · 2026-11-01–2026-11-30</title>"
            ),
            "{x}"
        );
        assert!(x.contains("<title>&lt;안동&gt; 백신</title>"), "{x}");
        assert!(
            x.contains("<summary type=\"text\">백신 &lt;b&gt;&amp; 끝</summary>"),
            "{x}"
        );
        assert!(
            x.contains("<published>2026-11-02T00:00:00+09:00</published>"),
            "{x}"
        );
        assert_eq!(x.matches("<published>").count(), 1, "undated: no published");
        assert!(
            x.contains("<updated>2026-11-22T01:44:11Z</updated>\n  <author>"),
            "feed updated = newest entry: {x}"
        );
        assert!(x.contains("href=\"http://h:1/feed?q=%EB%B0%94%EC%9D%B4%EC%98%A4+%26+%EB%B0%B1%EC%8B%A0&amp;region=%2F%EA%B2%BD%EC%83%81%EB%B6%81%EB%8F%84&amp;from=2026-11-01&amp;to=2026-11-30\""), "{x}");
        assert!(
            x.contains("<id>urn:kpolicy:article:a+%221%22.txt</id>"),
            "{x}"
        );
        assert!(
            !x.contains("javascript:"),
            "only web addresses are linked: {x}"
        );
        assert!(
            x.contains("term=\"/경상북도/안동시\" label=\"경상북도 안동시\""),
            "{x}"
        );
        assert!(x.contains("<author><name>경북도청</name></author>"), "{x}");
        assert!(!x.contains('\u{0}') && !x.contains('\u{b}'));
        // The same answer gives the same bytes (the server's ETag depends on it).
        let again = atom(
            &req,
            &resp,
            &Links {
                base: "http://h:1",
                committed: Some(5),
            },
        );
        assert_eq!(x, again);
    }

    #[test]
    fn an_empty_feed_is_dated_by_the_last_commit() {
        let req = request(Request::default(), Some(5));
        assert_eq!((req.limit, req.sort), (5, Sort::Newest));
        // A feed shows no facets: the search does not count them.
        assert!(req.no_facets);
        let resp = Response {
            query: String::new(),
            total: 0,
            stories: 0,
            collapsed: false,
            facet_counts: "articles",
            offset: 0,
            hits: vec![],
            facets: Facets::default(),
            notice: None,
            undated_excluded: None,
        };
        let x = atom(
            &req,
            &resp,
            &Links {
                base: "http://h",
                committed: Some(951_782_400),
            },
        );
        assert!(x.contains("<updated>2000-02-29T00:00:00Z</updated>"), "{x}");
        assert!(x.contains("<title>kpolicy: 모든 기사</title>"), "{x}");
        assert!(!x.contains("<entry>"));
    }
}
