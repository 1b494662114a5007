//! "Newest first" ([`Sort::Newest`](crate::search::Sort::Newest)): a query's matches ordered by publication date.
//!
//! The year is a fast field, so every match is first ordered by year (undated last) at the
//! cost of one column read per document. The day is only stored (`date`, `YYYY-MM-DD`), so
//! dates are loaded just for the matches in the years the requested page reaches into.

use std::cmp::Reverse;

use tantivy::schema::Value;
use tantivy::{DocAddress, Searcher, TantivyDocument};

use crate::error::Result;
use crate::index::Fields;

/// Orders `top` (score, address) newest first, exactly for the first `need` entries (and the
/// rest of the year the last of them falls in); entries below keep year order. Ties: higher
/// score first, then index order, so pages are stable.
pub(crate) fn order(
    searcher: &Searcher,
    f: &Fields,
    top: Vec<(f32, DocAddress)>,
    need: usize,
) -> Result<Vec<(f32, DocAddress)>> {
    let mut columns = Vec::new();
    for seg in searcher.segment_readers() {
        columns.push(seg.fast_fields().i64("year").ok());
    }
    let year_of = |a: DocAddress| -> Option<i64> {
        columns
            .get(a.segment_ord as usize)
            .and_then(|c| c.as_ref())
            .and_then(|c| c.first(a.doc_id))
    };
    // (year, score, address); `None` years sort last under `Reverse`.
    let mut rows: Vec<(Option<i64>, f32, DocAddress)> =
        top.into_iter().map(|(s, a)| (year_of(a), s, a)).collect();
    let by_year_then_score = |x: &(Option<i64>, f32, DocAddress),
                              y: &(Option<i64>, f32, DocAddress)| {
        Reverse(x.0)
            .cmp(&Reverse(y.0))
            .then(y.1.total_cmp(&x.1))
            .then((x.2.segment_ord, x.2.doc_id).cmp(&(y.2.segment_ord, y.2.doc_id)))
    };
    rows.sort_by(by_year_then_score);
    // The dated prefix that holds the page: up to the end of the page's last year.
    let mut end = need.min(rows.len());
    if end > 0 {
        let last = rows[end - 1].0;
        while end < rows.len() && rows[end].0 == last {
            end += 1;
        }
    }
    let dated = rows[..end].iter().take_while(|r| r.0.is_some()).count();
    if dated > 1 {
        let mut keyed = Vec::with_capacity(dated);
        for r in rows.drain(..dated) {
            let doc: TantivyDocument = searcher.doc(r.2)?;
            let date = doc
                .get_first(f.date)
                .and_then(|v| v.as_str())
                .map(str::to_string);
            keyed.push((date, r));
        }
        // Within a year, a full date sorts before a year-only one (`None`).
        keyed.sort_by(|(da, a), (db, b)| {
            Reverse(a.0)
                .cmp(&Reverse(b.0))
                .then_with(|| db.cmp(da))
                .then_with(|| by_year_then_score(a, b))
        });
        rows.splice(0..0, keyed.into_iter().map(|(_, r)| r));
    }
    Ok(rows.into_iter().map(|(_, s, a)| (s, a)).collect())
}
