//! The full result list of a search as CSV or JSON, for `kpolicy search --format csv` and the
//! server's export: every match, not one page, with the metadata of each article (no snippets:
//! those are made per page, and the export is for spreadsheets and other tools).

use std::io::Write;

use serde::Serialize;

use crate::error::Result;
use crate::search::{Engine, Hit, Request, Response};

/// CSV columns, in order. Lists (mentioned regions, industries) are joined with `; `.
pub const CSV_COLUMNS: [&str; 13] = [
    "rank",
    "id",
    "title",
    "date",
    "year",
    "region",
    "mentioned_regions",
    "industry",
    "source",
    "url",
    "path",
    "score",
    "group",
];

/// Runs `req` for every match (its paging is ignored) without snippets or facet counts: one
/// hit per article, copies of one story included, each with its `group`.
pub fn all_matches(engine: &Engine, req: &Request) -> Result<Response> {
    let all = Request {
        offset: 0,
        limit: usize::MAX,
        lean: true,
        no_collapse: true,
        ..req.clone()
    };
    engine.search(&all)
}

/// The JSON export: the query, the total and every hit (the `--json` hit schema with an
/// empty `snippet` and `highlights`, one hit per article with its `group`).
#[derive(Serialize)]
pub struct JsonExport<'a> {
    pub query: &'a str,
    pub total: usize,
    /// Distinct stories among the matches (copies of one story count once).
    pub stories: usize,
    pub hits: &'a [Hit],
}

/// Writes the hits as CSV (RFC 4180: a header line, fields quoted when they hold a comma,
/// quote or line break, CRLF line ends).
pub fn write_csv(out: &mut dyn Write, hits: &[Hit]) -> std::io::Result<()> {
    write_row(out, CSV_COLUMNS.iter().map(|c| c.to_string()))?;
    for h in hits {
        let row = [
            h.rank.to_string(),
            h.article.id.clone(),
            h.article.title.clone(),
            h.article.date.clone().unwrap_or_default(),
            h.article.year.map(|y| y.to_string()).unwrap_or_default(),
            h.article.region.clone().unwrap_or_default(),
            h.article.mentioned_regions.join("; "),
            h.article.industry.join("; "),
            h.article.source.clone().unwrap_or_default(),
            h.article.url.clone().unwrap_or_default(),
            h.article.path.clone(),
            format!("{:.4}", h.score),
            h.group.clone().unwrap_or_default(),
        ];
        write_row(out, row.into_iter())?;
    }
    Ok(())
}

fn write_row(out: &mut dyn Write, fields: impl Iterator<Item = String>) -> std::io::Result<()> {
    let mut first = true;
    for f in fields {
        if !first {
            out.write_all(b",")?;
        }
        first = false;
        out.write_all(csv_field(&f).as_bytes())?;
    }
    out.write_all(b"\r\n")
}

/// One CSV field. Article text is data: a title starting with `=`, `+`, `-` or `@` gets a
/// leading `'` so that a spreadsheet does not run it as a formula (OWASP "CSV injection").
fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn fields_are_quoted_and_formulas_defused() {
        assert_eq!(csv_field("안동시"), "안동시");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("line\nbreak"), "\"line\nbreak\"");
        assert_eq!(csv_field("=cmd()"), "'=cmd()");
        assert_eq!(csv_field("-1,2"), "\"'-1,2\"");
    }
}
