//! The re-rank of the best hits by the closeness of the query's terms in their body.
//!
//! BM25 does not look at where the terms are. The first [`RERANK_DEPTH`] hits of a pass
//! (`collect::run`) gain two proximity features read from the positions in the index, for
//! these few documents only (as query clauses, proximity would cost every matching document a
//! position scan): the window feature (distinct query terms within [`WINDOW_WIDTH`]
//! positions) and the pair feature (adjacent query terms at their distance in the query). The
//! engine asks [`Reranker::page`] for each page it shows.

use tantivy::postings::Postings;
use tantivy::query::Bm25StatisticsProvider;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, DocSet, Searcher, Term};

use super::bm25::Bm25Stats;
use super::weights::{PAIR_K1, PAIR_SLOP, PAIR_WEIGHT, RERANK_DEPTH, WINDOW_WEIGHT, WINDOW_WIDTH};
use crate::error::Result;
use crate::index::Fields;

/// The proximity features of one query.
pub(crate) struct Reranker {
    /// The distinct window terms in the body field, with their BM25 idf.
    window: Vec<(Term, f32)>,
    /// Adjacent query terms: (index into `window`, index of the next one, gap in positions).
    pairs: Vec<(usize, usize, u32)>,
    title: Field,
    body: Field,
}

impl Reranker {
    /// The features of a query's window `words` and adjacent-word `pairs` (word, next word,
    /// gap), as the query builder found them. Words no document has are left out.
    pub(crate) fn new(
        stats: &Bm25Stats,
        fields: &Fields,
        words: &[String],
        pairs: &[(String, String, u32)],
    ) -> Result<Reranker> {
        let n = stats.num_docs() as f64;
        let mut window: Vec<(Term, f32)> = Vec::new();
        for w in words {
            let term = Term::from_field_text(fields.body, w);
            if window.iter().any(|(t, _)| t == &term) {
                continue;
            }
            let df = stats.doc_freq(&term)? as f64;
            if df == 0.0 {
                continue;
            }
            window.push((term, Bm25Stats::idf(n, df)));
        }
        let index_of = |w: &str| {
            window
                .iter()
                .position(|(t, _)| t.value().as_str() == Some(w))
        };
        let pairs = pairs
            .iter()
            .filter_map(|(a, b, gap)| Some((index_of(a)?, index_of(b)?, *gap)))
            .filter(|(a, b, _)| a != b)
            .collect();
        Ok(Reranker {
            window,
            pairs,
            title: fields.title,
            body: fields.body,
        })
    }

    /// How many of the best hits a page of `limit` from `offset` needs: always the first
    /// [`RERANK_DEPTH`] when there is something to re-rank, so that every page is cut from
    /// the same re-ranked order.
    pub(crate) fn depth(&self, offset: usize, limit: usize) -> usize {
        let depth = if self.window.len() >= 2 {
            (offset + limit).max(RERANK_DEPTH)
        } else {
            offset + limit
        };
        depth.max(1)
    }

    /// The page of `limit` hits from `offset` of `top` (best first, at least
    /// [`Reranker::depth`] of them when there are that many), re-ranked.
    pub(crate) fn page(
        &self,
        searcher: &Searcher,
        mut top: Vec<(f32, DocAddress)>,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<(f32, DocAddress)>> {
        top.truncate(self.depth(offset, limit));
        let top = self.rerank(searcher, top)?;
        Ok(top.into_iter().skip(offset).take(limit).collect())
    }

    /// Re-ranks the first [`RERANK_DEPTH`] hits: each gains [`WINDOW_WEIGHT`] × the largest
    /// idf sum of distinct query terms found together within [`WINDOW_WIDTH`] positions of its
    /// body, and [`PAIR_WEIGHT`] × the [`pair_score`] of adjacent query terms, neither
    /// counting terms that are also in the hit's title.
    fn rerank(
        &self,
        searcher: &Searcher,
        mut top: Vec<(f32, DocAddress)>,
    ) -> Result<Vec<(f32, DocAddress)>> {
        let window = &self.window;
        let n = top.len().min(RERANK_DEPTH);
        if window.len() < 2 || n < 2 {
            return Ok(top);
        }
        // Postings are read in document order, segment by segment.
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by_key(|&k| (top[k].1.segment_ord, top[k].1.doc_id));
        let mut events: Vec<Vec<(u32, usize)>> = vec![Vec::new(); n];
        // in_title[k][t]: term t is in the title of hit k.
        let mut in_title: Vec<Vec<bool>> = vec![vec![false; window.len()]; n];
        let mut positions: Vec<u32> = Vec::new();
        let mut i = 0;
        while i < order.len() {
            let seg = top[order[i]].1.segment_ord;
            let j = order[i..]
                .iter()
                .position(|&k| top[k].1.segment_ord != seg)
                .map_or(order.len(), |p| i + p);
            let segment = searcher.segment_reader(seg);
            let inverted = segment.inverted_index(self.body)?;
            let titles = segment.inverted_index(self.title)?;
            for (ti, (term, _)) in window.iter().enumerate() {
                let title_term = term
                    .value()
                    .as_str()
                    .map(|t| Term::from_field_text(self.title, t));
                if let Some(title_term) = title_term {
                    if let Some(mut postings) =
                        titles.read_postings(&title_term, IndexRecordOption::Basic)?
                    {
                        for &k in &order[i..j] {
                            let doc = top[k].1.doc_id;
                            if postings.doc() < doc {
                                postings.seek(doc);
                            }
                            in_title[k][ti] = postings.doc() == doc;
                        }
                    }
                }
                let Some(mut postings) =
                    inverted.read_postings(term, IndexRecordOption::WithFreqsAndPositions)?
                else {
                    continue;
                };
                for &k in &order[i..j] {
                    let doc = top[k].1.doc_id;
                    if postings.doc() < doc {
                        postings.seek(doc);
                    }
                    if postings.doc() == doc {
                        postings.positions(&mut positions);
                        events[k].extend(positions.iter().map(|&p| (p, ti)));
                    }
                }
            }
            i = j;
        }
        for (k, ev) in events.iter_mut().enumerate() {
            // Terms of the hit's own title (its subject, repeated all over the article) do not
            // tell its paragraphs apart: only the other terms count in the window.
            let idf: Vec<f32> = window
                .iter()
                .zip(&in_title[k])
                .map(|(w, &titled)| if titled { 0.0 } else { w.1 })
                .collect();
            top[k].0 += WINDOW_WEIGHT * best_window(ev, &idf, WINDOW_WIDTH);
            top[k].0 += PAIR_WEIGHT * pair_score(ev, &idf, &self.pairs, PAIR_SLOP);
        }
        top[..n].sort_by(|a, b| b.0.total_cmp(&a.0));
        Ok(top)
    }
}

/// The largest sum of `idf[term]` over the distinct terms of `events` (position, term index)
/// that lie within `width` positions of each other.
fn best_window(events: &mut [(u32, usize)], idf: &[f32], width: u32) -> f32 {
    events.sort_unstable();
    let mut counts = vec![0u32; idf.len()];
    let (mut start, mut sum, mut best) = (0, 0.0f32, 0.0f32);
    for e in 0..events.len() {
        let (p, t) = events[e];
        counts[t] += 1;
        if counts[t] == 1 {
            sum += idf[t];
        }
        while events[start].0 + width < p {
            let t0 = events[start].1;
            counts[t0] -= 1;
            if counts[t0] == 0 {
                sum -= idf[t0];
            }
            start += 1;
        }
        best = best.max(sum);
    }
    best
}

/// Pair feature: for each adjacent pair (a, b, gap) of query terms (indexes into `idf`), the
/// places of a with b at a's position + `gap` ± `slop`, saturated like BM25's term frequency
/// ([`PAIR_K1`]), times the sum of the two idfs.
fn pair_score(
    events: &[(u32, usize)],
    idf: &[f32],
    pairs: &[(usize, usize, u32)],
    slop: u32,
) -> f32 {
    let mut total = 0.0;
    for &(a, b, gap) in pairs {
        let pa: Vec<u32> = events.iter().filter(|e| e.1 == a).map(|e| e.0).collect();
        let pb: Vec<u32> = events.iter().filter(|e| e.1 == b).map(|e| e.0).collect();
        let mut n = 0u32;
        for &x in &pa {
            let lo = (x + gap).saturating_sub(slop);
            let hi = x + gap + slop;
            if pb.iter().any(|&y| y >= lo && y <= hi && y != x) {
                n += 1;
            }
        }
        if n > 0 {
            let tf = n as f32;
            total += (idf[a] + idf[b]) * tf * (PAIR_K1 + 1.0) / (tf + PAIR_K1);
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn best_window_sums_distinct_terms_close_together() {
        let idf = [1.0, 2.0, 4.0];
        // Terms 0 and 1 far apart; 1 and 2 within 3 positions; term 1 twice counts once.
        let mut ev = vec![(0, 0), (50, 1), (52, 1), (53, 2)];
        assert_eq!(best_window(&mut ev, &idf, 3), 6.0);
        assert_eq!(best_window(&mut ev, &idf, 100), 7.0);
        assert_eq!(best_window(&mut ev, &idf, 0), 4.0);
        assert_eq!(best_window(&mut [], &idf, 10), 0.0);
    }

    #[test]
    fn pair_score_counts_pairs_in_order_near_their_query_distance() {
        let idf = [1.0, 2.0];
        // `a b` asked (gap 1): b right after a at 10, three after a at 20 (slop 2), three
        // before a at 30 (wrong order), far away at 40/50.
        let ev = [
            (10, 0),
            (11, 1),
            (20, 0),
            (23, 1),
            (27, 1),
            (30, 0),
            (40, 0),
            (50, 1),
        ];
        // BM25 saturation with k1 = 1.2: n found → n·2.2/(n + 1.2).
        let one = 3.0 * 2.2 / (1.0 + 1.2);
        let two = 3.0 * 2.0 * 2.2 / (2.0 + 1.2);
        assert!((pair_score(&ev, &idf, &[(0, 1, 1)], 2) - two).abs() < 1e-5);
        assert!((pair_score(&ev, &idf, &[(0, 1, 1)], 0) - one).abs() < 1e-5);
        assert_eq!(pair_score(&ev, &[0.0, 0.0], &[(0, 1, 1)], 2), 0.0);
    }
}
