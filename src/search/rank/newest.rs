//! "Newest first" ([`Sort::Newest`](crate::search::Sort::Newest)): a query's matches ordered by publication date.
//!
//! The publication day (`day`, `20261101`) and the year are fast fields, so every match is
//! ordered by one column read or two, without loading any stored document: the feed of a broad
//! search (`GET /feed`, the 20 newest of tens of thousands of matches) costs about what a page does.

use std::cmp::Reverse;

use tantivy::{DocAddress, Searcher};

use crate::error::Result;

/// The first `need` of `top` (score, address), newest first. An article with only a year sorts after the full dates of
/// that year; undated articles come last. Ties: higher score first, then index order, so pages
/// are stable.
pub(crate) fn order(
    searcher: &Searcher,
    top: Vec<(f32, DocAddress)>,
    need: usize,
) -> Result<Vec<(f32, DocAddress)>> {
    let mut columns = Vec::new();
    for seg in searcher.segment_readers() {
        let ff = seg.fast_fields();
        columns.push((ff.i64("day").ok(), ff.i64("year").ok()));
    }
    // `20261101` for a full date, `20260000` for a year alone, `None` for neither.
    let when = |a: DocAddress| -> Option<i64> {
        let (day, year) = columns.get(a.segment_ord as usize)?;
        match day.as_ref().and_then(|c| c.first(a.doc_id)) {
            Some(d) if d > 0 => Some(d),
            _ => year
                .as_ref()
                .and_then(|c| c.first(a.doc_id))
                .map(|y| y * 10_000),
        }
    };
    let mut rows: Vec<(Option<i64>, f32, DocAddress)> =
        top.into_iter().map(|(s, a)| (when(a), s, a)).collect();
    // `None` sorts last under `Reverse`.
    let newest_first = |x: &(Option<i64>, f32, DocAddress), y: &(Option<i64>, f32, DocAddress)| {
        Reverse(x.0)
            .cmp(&Reverse(y.0))
            .then(y.1.total_cmp(&x.1))
            .then((x.2.segment_ord, x.2.doc_id).cmp(&(y.2.segment_ord, y.2.doc_id)))
    };
    // Only the first `need` are shown: select them, then sort just those.
    if need < rows.len() {
        rows.select_nth_unstable_by(need, newest_first);
        rows.truncate(need);
    }
    rows.sort_by(newest_first);
    Ok(rows.into_iter().map(|(_, s, a)| (s, a)).collect())
}
