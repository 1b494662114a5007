//! Human-readable output. Colour only when [`Style::color`] says so; plain `[…]` markers for
//! highlights otherwise, so piped output still shows what matched.

use std::io::{self, Write};
use std::path::Path;

use anstyle::{AnsiColor, Style as Ansi};

use super::printer::Style;
use crate::analysis::Analysis;
use crate::indexer::Summary;
use crate::ingest::Article;
use crate::search::{Facets, Response, StoryCopies};
use crate::stats::IndexReport;

/// Problems listed by default after an index run (all with `--verbose`).
const SHOWN_PROBLEMS: usize = 20;

fn paint(s: &str, style: Ansi, on: bool) -> String {
    if on {
        format!("{}{s}{}", style.render(), style.render_reset())
    } else {
        s.to_string()
    }
}

const BOLD: Ansi = Ansi::new().bold();
const MATCH: Ansi = Ansi::new()
    .bold()
    .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Red)));
const DIM: Ansi = Ansi::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::BrightBlack)));
const META: Ansi = Ansi::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Cyan)));

/// What `kpolicy export opensearch` wrote, and how to load it (stderr, as the index summary).
pub(super) fn export_summary(
    err: &mut dyn Write,
    s: &crate::export::opensearch::Summary,
) -> io::Result<()> {
    let what = match s.since {
        Some(since) => format!(
            "changes after generation {since}: {} to index, {} to delete",
            s.indexed, s.deleted
        ),
        None => format!("{} articles", s.indexed),
    };
    writeln!(
        err,
        "{}: {what}; generation {} (next time: --since {})",
        s.out, s.generation, s.generation
    )?;
    if let (Some(_), Some(at)) = (s.since, s.rebuilt) {
        let (y, m, d, hh, mm, _) = crate::calendar::date_time(at);
        writeln!(
            err,
            "note: the index was rebuilt on {y:04}-{m:02}-{d:02} {hh:02}:{mm:02} UTC and its \
             generations started over; a generation from before then needs a full export \
             (without --since)"
        )?;
    }
    writeln!(
        err,
        "load: PUT /kpolicy < index.json; POST /kpolicy/_bulk < bulk.ndjson; \
         PUT /_scripts/kpolicy-search < search-template.json (docs/scale-out.md)"
    )
}

/// Summary of an index run, for stderr (stdout stays clean for scripts).
pub(super) fn index_summary(
    err: &mut dyn Write,
    s: &Summary,
    index: &Path,
    verbose: bool,
) -> io::Result<()> {
    let shown = if verbose { usize::MAX } else { SHOWN_PROBLEMS };
    for p in s.problems.iter().take(shown) {
        let kind = match p.kind {
            crate::ingest::ProblemKind::Skipped => "skipped",
            crate::ingest::ProblemKind::Failed => "failed",
            crate::ingest::ProblemKind::Warning => "warning",
        };
        writeln!(err, "kpolicy: {kind}: {p}")?;
    }
    if s.problems.len() > shown {
        writeln!(
            err,
            "kpolicy: … and {} more (--verbose lists all)",
            s.problems.len() - shown
        )?;
    }
    let rate = if s.seconds > 0.0 {
        (s.added + s.updated) as f64 / s.seconds
    } else {
        0.0
    };
    writeln!(
        err,
        "{}: {} added, {} updated, {} removed, {} unchanged, {} skipped, {} failed, {} warnings; {} documents; {:.2}s ({:.0} docs/s, {:.2} MB/s)",
        index.display(),
        s.added,
        s.updated,
        s.removed,
        s.unchanged,
        s.skipped,
        s.failed,
        s.warnings,
        s.documents,
        s.seconds,
        rate,
        if s.seconds > 0.0 { s.bytes as f64 / 1e6 / s.seconds } else { 0.0 }
    )
}

/// Search hits and facet counts.
pub(super) fn search(out: &mut dyn Write, r: &Response, style: &Style) -> io::Result<()> {
    let c = style.color;
    if let Some(n) = &r.notice {
        writeln!(out, "{}", paint(&format!("note: {n}"), DIM, c))?;
    }
    let undated = r.undated_excluded.filter(|&n| n > 0).map(|n| {
        format!(
            "note: {n} {} without a date left out by the date range",
            if n == 1 {
                "matching article"
            } else {
                "matching articles"
            }
        )
    });
    if r.total == 0 {
        writeln!(out, "no documents match {:?}", r.query)?;
        if let Some(u) = &undated {
            writeln!(out, "{}", paint(u, DIM, c))?;
        }
        return Ok(());
    }
    for h in &r.hits {
        let title = if h.article.title_derived {
            format!("{} {}", h.article.title, paint("(title from lead)", DIM, c))
        } else {
            h.article.title.clone()
        };
        writeln!(
            out,
            "{}. {}  {}",
            h.rank,
            paint(&title, BOLD, c),
            paint(&format!("score {:.2}", h.score), DIM, c)
        )?;
        let year = h
            .article
            .year
            .map(|y| y.to_string())
            .unwrap_or_else(|| "year unknown".into());
        let date = h.article.date.clone().unwrap_or(year);
        let meta = format!(
            "{} · {} · {}",
            h.article.region.as_deref().unwrap_or("region unknown"),
            date,
            if h.article.industry.is_empty() {
                "no industry".to_string()
            } else {
                h.article.industry.join(", ")
            }
        );
        writeln!(out, "   {}", paint(&meta, META, c))?;
        writeln!(out, "   {}", paint(&h.article.path, DIM, c))?;
        writeln!(out, "   {}", highlight(&h.snippet, &h.highlights, c))?;
        if let Some(e) = &h.explain {
            for (i, line) in e.text.iter().enumerate() {
                let lead = if i == 0 { "why: " } else { "     " };
                writeln!(out, "   {}", paint(&format!("{lead}{line}"), DIM, c))?;
            }
        }
        if !h.duplicates.is_empty() {
            writeln!(
                out,
                "   {}",
                paint(&same_story_line(&h.duplicates, h.copies), META, c)
            )?;
            for d in &h.duplicates {
                let line = format!(
                    "· {} · {} · {}",
                    d.source.as_deref().unwrap_or("source unknown"),
                    d.date.as_deref().unwrap_or("date unknown"),
                    d.path
                );
                writeln!(out, "     {}", paint(&line, DIM, c))?;
            }
        }
    }
    let shown_to = r.offset + r.hits.len();
    writeln!(out)?;
    let folded = r.collapsed && r.stories < r.total;
    writeln!(
        out,
        "{} {}{}; showing {}–{}{}.",
        r.total,
        if r.total == 1 {
            "document matches"
        } else {
            "documents match"
        },
        if folded {
            format!(
                ", {} {}",
                r.stories,
                if r.stories == 1 { "story" } else { "stories" }
            )
        } else {
            String::new()
        },
        if r.hits.is_empty() { 0 } else { r.offset + 1 },
        shown_to,
        if folded {
            " (copies of one story folded; --no-collapse shows every article)"
        } else {
            ""
        }
    )?;
    if folded {
        writeln!(
            out,
            "{}",
            paint("counts below are articles (every copy counts)", DIM, c)
        )?;
    }
    if let Some(u) = &undated {
        writeln!(out, "{}", paint(u, DIM, c))?;
    }
    facets(out, &r.facets, c)
}

/// `같은 기사 2건 (연합뉴스, 뉴시스)`: how many copies are folded into a hit, and their outlets
/// (each named once, in the order of the list; four at most). `count`: all the copies, of which
/// `copies` are listed.
pub(crate) fn same_story_line(copies: &[crate::search::Duplicate], count: usize) -> String {
    let mut sources: Vec<&str> = Vec::new();
    for d in copies {
        let s = d.source.as_deref().unwrap_or("출처 미상");
        if !sources.contains(&s) {
            sources.push(s);
        }
    }
    let more = if sources.len() > 4 || count > copies.len() {
        " …"
    } else {
        ""
    };
    sources.truncate(4);
    format!(
        "같은 기사 {}건 ({}{more})",
        count.max(copies.len()),
        sources.join(", ")
    )
}

/// Marks highlight ranges (character offsets) with colour or `[…]`.
fn highlight(text: &str, ranges: &[[usize; 2]], color: bool) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + ranges.len() * 8);
    let mut at = 0;
    for &[a, b] in ranges {
        let (a, b) = (a.min(chars.len()), b.min(chars.len()));
        if a < at {
            continue;
        }
        out.extend(&chars[at..a]);
        let word: String = chars[a..b].iter().collect();
        if color {
            out.push_str(&paint(&word, MATCH, true));
        } else {
            out.push('[');
            out.push_str(&word);
            out.push(']');
        }
        at = b;
    }
    out.extend(&chars[at.min(chars.len())..]);
    out
}

fn facets(out: &mut dyn Write, f: &Facets, c: bool) -> io::Result<()> {
    // Regions: 시·도 with their 시·군·구 in parentheses.
    let mut tops: Vec<(&String, &u64)> = f
        .region
        .iter()
        .filter(|(k, _)| k.matches('/').count() == 1)
        .collect();
    tops.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let regions: Vec<String> = tops
        .iter()
        .map(|(k, v)| {
            let mut subs: Vec<(&String, &u64)> = f
                .region
                .iter()
                .filter(|(s, _)| s.starts_with(&format!("{k}/")))
                .collect();
            subs.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            let name = k.trim_start_matches('/');
            if subs.is_empty() {
                format!("{name} {v}")
            } else {
                let inner: Vec<String> = subs
                    .iter()
                    .map(|(s, n)| format!("{} {n}", s.rsplit('/').next().unwrap_or(s)))
                    .collect();
                format!("{name} {v} ({})", inner.join(", "))
            }
        })
        .collect();
    writeln!(
        out,
        "{} {}",
        paint("regions: ", BOLD, c),
        regions.join(" · ")
    )?;
    let mut years: Vec<(&String, &u64)> = f.year.iter().collect();
    years.sort_by(|a, b| b.0.cmp(a.0));
    let years: Vec<String> = years.iter().map(|(k, v)| format!("{k} {v}")).collect();
    writeln!(out, "{} {}", paint("years:   ", BOLD, c), years.join(" · "))?;
    let mut inds: Vec<(&String, &u64)> = f.industry.iter().collect();
    inds.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let inds: Vec<String> = inds.iter().map(|(k, v)| format!("{k} {v}")).collect();
    writeln!(
        out,
        "{} {}",
        paint("industry:", BOLD, c),
        if inds.is_empty() {
            "-".to_string()
        } else {
            inds.join(" · ")
        }
    )?;
    Ok(())
}

/// `kpolicy analyze` table.
pub(super) fn analysis(
    out: &mut dyn Write,
    text: &str,
    a: &Analysis,
    style: &Style,
) -> io::Result<()> {
    let c = style.color;
    writeln!(
        out,
        "{}",
        paint("morphemes (surface/POS [start..end] kind):", BOLD, c)
    )?;
    for m in &a.morphemes {
        let kind = match m.kind {
            crate::analysis::MorphKind::Simple => String::new(),
            k => {
                let parts: Vec<String> = m.parts.iter().map(|(s, p)| format!("{s}/{p}")).collect();
                format!(" {} {}", format!("{k:?}").to_lowercase(), parts.join("+"))
            }
        };
        writeln!(
            out,
            "  {}/{} [{}..{}]{}",
            &text[m.start..m.end],
            m.pos,
            m.start,
            m.end,
            paint(&kind, DIM, c)
        )?;
    }
    writeln!(
        out,
        "{}",
        paint("terms (text@position [start..end]):", BOLD, c)
    )?;
    let terms: Vec<String> = a
        .terms
        .iter()
        .map(|t| format!("{}@{} [{}..{}]", t.text, t.position, t.start, t.end))
        .collect();
    writeln!(out, "  {}", terms.join("  "))?;
    Ok(())
}

/// `kpolicy inspect` block for one article.
pub(super) fn inspect(out: &mut dyn Write, a: &Article, style: &Style) -> io::Result<()> {
    let c = style.color;
    writeln!(out, "{}", paint(&a.path, BOLD, c))?;
    let field = |name: &str, value: String| format!("  {:<18} {value}", format!("{name}:"));
    writeln!(
        out,
        "{}",
        field(
            "title",
            format!(
                "{}{}",
                a.meta.title,
                if a.meta.title_derived {
                    " (derived from lead)"
                } else {
                    ""
                }
            )
        )
    )?;
    writeln!(
        out,
        "{}",
        field("date", a.meta.date.clone().unwrap_or_else(|| "-".into()))
    )?;
    writeln!(
        out,
        "{}",
        field(
            "year",
            a.meta
                .year
                .map(|y| y.to_string())
                .unwrap_or_else(|| "unknown".into())
        )
    )?;
    writeln!(
        out,
        "{}",
        field(
            "region",
            a.meta.region.clone().unwrap_or_else(|| "-".into())
        )
    )?;
    writeln!(
        out,
        "{}",
        field("mentioned_regions", a.meta.mentioned_regions.join(", "))
    )?;
    writeln!(out, "{}", field("industry", a.meta.industry.join(", ")))?;
    writeln!(
        out,
        "{}",
        field(
            "source",
            a.meta.source.clone().unwrap_or_else(|| "-".into())
        )
    )?;
    if let Some(u) = &a.url {
        writeln!(out, "{}", field("url", u.clone()))?;
    }
    for (k, v) in &a.extra {
        writeln!(out, "{}", field(k, format!("{v} (supplied, stored)")))?;
    }
    if !matches!(a.format, "text" | "json") {
        writeln!(out, "{}", field("format", a.format.to_string()))?;
    }
    writeln!(out, "  {}", paint("evidence:", DIM, c))?;
    for (k, v) in &a.meta.evidence {
        writeln!(out, "    {}", paint(&format!("{k}: {v}"), DIM, c))?;
    }
    // Text files show what cleaning dropped with `--json`; a page's chrome is shown here too.
    if !matches!(a.format, "text" | "json") && !a.removed.is_empty() {
        writeln!(out, "  {}", paint("removed:", DIM, c))?;
        for r in &a.removed {
            writeln!(out, "    {}", paint(r, DIM, c))?;
        }
    }
    Ok(())
}

/// `kpolicy inspect`: the copies of the article's story in the index at `index` (`None`:
/// the article's body is too short for a fingerprint).
pub(super) fn story_copies(
    out: &mut dyn Write,
    copies: Option<&StoryCopies>,
    index: &Path,
    style: &Style,
) -> io::Result<()> {
    let c = style.color;
    let field = |name: &str, value: String| format!("  {:<18} {value}", format!("{name}:"));
    let line = match copies {
        None => "- (the body is too short to compare)".to_string(),
        Some(s) if s.group.is_none() => {
            format!("- (no other copy of this story in {})", index.display())
        }
        Some(s) => format!(
            "{} ({} {} in {})",
            s.group.as_deref().unwrap_or("-"),
            s.copies.len(),
            if s.copies.len() == 1 {
                "article"
            } else {
                "articles"
            },
            index.display()
        ),
    };
    writeln!(out, "{}", field("group", line))?;
    for d in copies.map(|s| s.copies.as_slice()).unwrap_or_default() {
        let line = format!(
            "{} · {} · {} · {:.0}% same text",
            d.source.as_deref().unwrap_or("source unknown"),
            d.date.as_deref().unwrap_or("date unknown"),
            d.id,
            d.similarity * 100.0
        );
        writeln!(out, "    {}", paint(&line, DIM, c))?;
    }
    Ok(())
}

/// `kpolicy stats`.
pub(super) fn stats(out: &mut dyn Write, r: &IndexReport, style: &Style) -> io::Result<()> {
    let (s, f) = (&r.stats, &r.facets);
    let c = style.color;
    writeln!(out, "{} {}", paint("index:", BOLD, c), s.index)?;
    writeln!(out, "{} {}", paint("documents:", BOLD, c), s.documents)?;
    writeln!(
        out,
        "{} {} ({} {} of copies of one story {} {} articles)",
        paint("stories:", BOLD, c),
        r.stories,
        r.groups,
        if r.groups == 1 { "group" } else { "groups" },
        if r.groups == 1 { "holds" } else { "hold" },
        r.grouped_articles
    )?;
    writeln!(
        out,
        "{} {:.1} MB",
        paint("size on disk:", BOLD, c),
        s.size_bytes as f64 / 1e6
    )?;
    if let Some(u) = s.updated {
        writeln!(out, "{} {}", paint("last update:", BOLD, c), utc(u))?;
    }
    facets(out, f, c)
}

/// `YYYY-MM-DD HH:MM:SS UTC` of unix seconds.
fn utc(secs: u64) -> String {
    let (y, m, d, h, mi, se) = crate::calendar::date_time(secs);
    format!("{y:04}-{m:02}-{d:02} {h:02}:{mi:02}:{se:02} UTC")
}

#[cfg(test)]
mod tests {
    #[test]
    fn utc_dates() {
        assert_eq!(super::utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(super::utc(1_795_311_851), "2026-11-22 01:44:11 UTC"); // `date -u -d @1795311851`
        assert_eq!(super::utc(951_782_400), "2000-02-29 00:00:00 UTC");
    }

    use super::*;

    #[test]
    fn plain_markers_when_not_coloured() {
        assert_eq!(
            highlight("가나 바이오·백신 다", &[[3, 9]], false),
            "가나 [바이오·백신] 다"
        );
    }
}
