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
use super::weights::{
    LEAD_POSITIONS, PAIR_K1, PAIR_SLOP, PAIR_WEIGHT, RERANK_DEPTH, TOGETHER_DEPTH, TOGETHER_SLOP,
    WINDOW_WEIGHT, WINDOW_WIDTH,
};
use crate::error::Result;
use crate::index::Fields;

/// The proximity features of one query.
pub(crate) struct Reranker {
    /// The distinct window terms in the body field, with their BM25 idf.
    window: Vec<(Term, f32)>,
    /// The word typed of each window term: a compound's parts are one word, which counts
    /// once in a window.
    word_of: Vec<usize>,
    /// Adjacent query terms: (index into `window`, index of the next one, gap in positions).
    pairs: Vec<(usize, usize, u32)>,
    /// The words typed in order, as window terms with the gap from the one before: when it
    /// holds two words typed or more, hits with all of them together come first.
    chain: Vec<(usize, u32)>,
    title: Field,
    body: Field,
}

/// Where the words typed stand together in a hit, best first: the order of the tiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Together {
    /// Not together anywhere (or the query has a single word).
    No,
    /// Together in the body, past its lead.
    Body,
    /// Together in the headline or in the first [`LEAD_POSITIONS`] terms of the body.
    Lead,
}

/// What the re-rank added to one hit, and why.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Proximity {
    /// [`WINDOW_WEIGHT`] × the idf sum of the query terms in the best window.
    pub window: f32,
    /// [`PAIR_WEIGHT`] × the pair feature.
    pub pair: f32,
    /// The tier of the words typed standing together.
    pub together: Together,
    /// Where they first stand together: (`title`/`body`, position of the first word).
    #[serde(skip)]
    pub at: Option<(&'static str, u32)>,
}

impl Proximity {
    const NONE: Proximity = Proximity {
        window: 0.0,
        pair: 0.0,
        together: Together::No,
        at: None,
    };
}

impl Reranker {
    /// The features of a query's window `words` (term, word typed it belongs to), adjacent-word
    /// `pairs` (term, next term, gap) and `chain` of the words typed (term, gap from the one
    /// before), as the query builder found them. Terms no document has are left out.
    pub(crate) fn new(
        stats: &Bm25Stats,
        fields: &Fields,
        words: &[(String, usize)],
        pairs: &[(String, String, u32)],
        chain: &[(String, u32)],
    ) -> Result<Reranker> {
        let n = stats.num_docs() as f64;
        let mut window: Vec<(Term, f32)> = Vec::new();
        let mut word_of: Vec<usize> = Vec::new();
        // The chain's terms are window terms: the builder makes both of the same units.
        for (w, word) in words {
            let term = Term::from_field_text(fields.body, w);
            if window.iter().any(|(t, _)| t == &term) {
                continue;
            }
            let df = stats.doc_freq(&term)? as f64;
            if df == 0.0 {
                continue;
            }
            window.push((term, Bm25Stats::idf(n, df)));
            word_of.push(*word);
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
        // A word no article has (or none of the window's): no hit can hold them all together.
        let chain: Vec<(usize, u32)> = chain
            .iter()
            .map(|(w, gap)| index_of(w).map(|i| (i, *gap)))
            .collect::<Option<_>>()
            .filter(|c: &Vec<(usize, u32)>| c.len() >= 2)
            .unwrap_or_default();
        Ok(Reranker {
            window,
            word_of,
            pairs,
            chain,
            title: fields.title,
            body: fields.body,
        })
    }

    /// How many of the best hits are re-ranked: [`TOGETHER_DEPTH`] when the words typed are
    /// looked for together, [`RERANK_DEPTH`] when there is a window, else none.
    pub(crate) fn reranked(&self) -> usize {
        if !self.chain.is_empty() {
            TOGETHER_DEPTH
        } else if self.window.len() >= 2 {
            RERANK_DEPTH
        } else {
            0
        }
    }

    /// How many of the best hits a page of `limit` from `offset` needs: always the first
    /// [`Reranker::reranked`] when there is something to re-rank, so that every page is cut
    /// from the same re-ranked order.
    pub(crate) fn depth(&self, offset: usize, limit: usize) -> usize {
        (offset + limit).max(self.reranked()).max(1)
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

    /// Re-ranks the first [`Reranker::reranked`] hits: each gains [`WINDOW_WEIGHT`] × the
    /// largest idf sum of distinct query terms found together within [`WINDOW_WIDTH`]
    /// positions of its body, and [`PAIR_WEIGHT`] × the [`pair_score`] of adjacent query
    /// terms, neither counting terms that are also in the hit's title; then, when the query
    /// has several words typed, hits holding them together (headline or lead first, then
    /// body) come before the others, each tier by score.
    fn rerank(
        &self,
        searcher: &Searcher,
        mut top: Vec<(f32, DocAddress)>,
    ) -> Result<Vec<(f32, DocAddress)>> {
        let n = top.len().min(self.reranked());
        if n < 2 {
            return Ok(top);
        }
        let docs: Vec<DocAddress> = top[..n].iter().map(|t| t.1).collect();
        let features = self.features(searcher, &docs)?;
        let mut ranked: Vec<(Together, f32, DocAddress)> = top[..n]
            .iter()
            .zip(&features)
            .map(|(&(score, doc), f)| (f.together, score + f.window + f.pair, doc))
            .collect();
        ranked.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.total_cmp(&a.1)));
        for (slot, (_, score, doc)) in top[..n].iter_mut().zip(ranked) {
            *slot = (score, doc);
        }
        Ok(top)
    }

    /// The proximity features of `docs` (what [`Reranker::rerank`] adds to each; also what
    /// `--explain` shows of a hit).
    pub(crate) fn features(
        &self,
        searcher: &Searcher,
        docs: &[DocAddress],
    ) -> Result<Vec<Proximity>> {
        let window = &self.window;
        let n = docs.len();
        if window.len() < 2 && self.chain.is_empty() {
            return Ok(vec![Proximity::NONE; n]);
        }
        // Postings are read in document order, segment by segment.
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by_key(|&k| (docs[k].segment_ord, docs[k].doc_id));
        let mut events: Vec<Vec<(u32, usize)>> = vec![Vec::new(); n];
        let mut title_events: Vec<Vec<(u32, usize)>> = vec![Vec::new(); n];
        let mut positions: Vec<u32> = Vec::new();
        let mut i = 0;
        while i < order.len() {
            let seg = docs[order[i]].segment_ord;
            let j = order[i..]
                .iter()
                .position(|&k| docs[k].segment_ord != seg)
                .map_or(order.len(), |p| i + p);
            let segment = searcher.segment_reader(seg);
            let inverted = segment.inverted_index(self.body)?;
            let titles = segment.inverted_index(self.title)?;
            for (ti, (term, _)) in window.iter().enumerate() {
                let title_term = term
                    .value()
                    .as_str()
                    .map(|t| Term::from_field_text(self.title, t));
                let title_postings = match &title_term {
                    Some(t) => titles.read_postings(t, IndexRecordOption::WithFreqsAndPositions)?,
                    None => None,
                };
                let body_postings =
                    inverted.read_postings(term, IndexRecordOption::WithFreqsAndPositions)?;
                for (postings, out) in [
                    (title_postings, &mut title_events),
                    (body_postings, &mut events),
                ] {
                    let Some(mut postings) = postings else {
                        continue;
                    };
                    for &k in &order[i..j] {
                        let doc = docs[k].doc_id;
                        if postings.doc() < doc {
                            postings.seek(doc);
                        }
                        if postings.doc() == doc {
                            postings.positions(&mut positions);
                            out[k].extend(positions.iter().map(|&p| (p, ti)));
                        }
                    }
                }
            }
            i = j;
        }
        let mut out = Vec::with_capacity(n);
        for k in 0..n {
            let ev = &mut events[k];
            ev.sort_unstable();
            title_events[k].sort_unstable();
            // Terms of the hit's own title (its subject, repeated all over the article) do not
            // tell its paragraphs apart: only the other terms count in the window.
            let idf: Vec<f32> = window
                .iter()
                .enumerate()
                .map(|(t, w)| {
                    if title_events[k].iter().any(|e| e.1 == t) {
                        0.0
                    } else {
                        w.1
                    }
                })
                .collect();
            let mut p = Proximity::NONE;
            if window.len() >= 2 {
                p.window = WINDOW_WEIGHT * best_window(ev, &idf, &self.word_of, WINDOW_WIDTH);
                p.pair = PAIR_WEIGHT * pair_score(ev, &idf, &self.pairs, PAIR_SLOP);
            }
            if !self.chain.is_empty() {
                let in_title = together_at(&title_events[k], &self.chain, TOGETHER_SLOP);
                let in_body = together_at(ev, &self.chain, TOGETHER_SLOP);
                (p.together, p.at) = match (in_title, in_body) {
                    (Some(t), _) => (Together::Lead, Some(("title", t))),
                    (None, Some(b)) if b < LEAD_POSITIONS => (Together::Lead, Some(("body", b))),
                    (None, Some(b)) => (Together::Body, Some(("body", b))),
                    (None, None) => (Together::No, None),
                };
            }
            out.push(p);
        }
        Ok(out)
    }
}

/// The first position at which the terms of `chain` (term index, gap from the one before)
/// stand in order, each at its gap after the one before give or take `slop` positions, in
/// the sorted `events` (position, term index); `None` when they never do.
fn together_at(events: &[(u32, usize)], chain: &[(usize, u32)], slop: u32) -> Option<u32> {
    let of = |t: usize| events.iter().filter(move |e| e.1 == t).map(|e| e.0);
    // (position of the latest word, position of the first) for every partial chain.
    let mut reach: Vec<(u32, u32)> = of(chain.first()?.0).map(|p| (p, p)).collect();
    for &(t, gap) in &chain[1..] {
        let mut next: Vec<(u32, u32)> = Vec::new();
        for y in of(t) {
            let start = reach
                .iter()
                .filter(|&&(x, _)| y > x && y + slop >= x + gap && y <= x + gap + slop)
                .map(|&(_, s)| s)
                .min();
            if let Some(s) = start {
                next.push((y, s));
            }
        }
        if next.is_empty() {
            return None;
        }
        reach = next;
    }
    reach.iter().map(|&(_, s)| s).min()
}

/// The largest sum over the words typed (`word_of[term]`) found together within `width`
/// positions in the sorted `events` (position, term index): each word counts once, at the
/// largest `idf[term]` of its terms in the window. A compound typed is one word, as rare as its
/// rarest part: its parts standing together are not two words close to each other.
fn best_window(events: &mut [(u32, usize)], idf: &[f32], word_of: &[usize], width: u32) -> f32 {
    events.sort_unstable();
    let words = word_of.iter().max().map_or(0, |m| m + 1);
    let mut counts = vec![0u32; idf.len()];
    // The idf each word adds to the window now (0: none of its terms is in it).
    let mut adds = vec![0.0f32; words];
    let (mut start, mut sum, mut best) = (0, 0.0f32, 0.0f32);
    let settle = |w: usize, counts: &[u32], adds: &mut [f32], sum: &mut f32| {
        let now = (0..idf.len())
            .filter(|&t| word_of[t] == w && counts[t] > 0)
            .map(|t| idf[t])
            .fold(0.0f32, f32::max);
        *sum += now - adds[w];
        adds[w] = now;
    };
    for e in 0..events.len() {
        let (p, t) = events[e];
        counts[t] += 1;
        if counts[t] == 1 {
            settle(word_of[t], &counts, &mut adds, &mut sum);
        }
        while events[start].0 + width < p {
            let t0 = events[start].1;
            counts[t0] -= 1;
            if counts[t0] == 0 {
                settle(word_of[t0], &counts, &mut adds, &mut sum);
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
        let words = [0, 1, 2];
        // Terms 0 and 1 far apart; 1 and 2 within 3 positions; term 1 twice counts once.
        let mut ev = vec![(0, 0), (50, 1), (52, 1), (53, 2)];
        assert_eq!(best_window(&mut ev, &idf, &words, 3), 6.0);
        assert_eq!(best_window(&mut ev, &idf, &words, 100), 7.0);
        assert_eq!(best_window(&mut ev, &idf, &words, 0), 4.0);
        assert_eq!(best_window(&mut [], &idf, &words, 10), 0.0);
    }

    #[test]
    fn best_window_counts_a_compound_once_at_its_rarest_part() {
        // Terms 1 and 2 are the parts of one word typed (대 + 학교 of 대학교), term 0 another.
        let idf = [1.0, 4.0, 2.0];
        let words = [0, 1, 1];
        let mut ev = vec![(10, 0), (11, 1), (12, 2)];
        assert_eq!(best_window(&mut ev, &idf, &words, 5), 5.0);
        // When the rarer part leaves the window, the word counts at the other part's idf.
        let mut ev = vec![(0, 1), (3, 2), (7, 0)];
        assert_eq!(best_window(&mut ev, &idf, &words, 5), 4.0);
        assert_eq!(best_window(&mut ev, &idf, &words, 100), 5.0);
        let mut ev = vec![(0, 1), (3, 2), (7, 0)];
        let words_apart = [0, 1, 2];
        assert_eq!(best_window(&mut ev, &idf, &words_apart, 5), 6.0);
    }

    #[test]
    fn together_at_finds_the_words_typed_in_order_near_each_other() {
        // 청년(0) 일(1) 자리(2): chain gaps 1, 1. Scattered at 0/10/30, together at 40–42,
        // and again at 50–53 with one word between 청년 and 일 (slop 2 allows it).
        let ev = [
            (0, 0),
            (10, 1),
            (30, 2),
            (40, 0),
            (41, 1),
            (42, 2),
            (50, 0),
            (52, 1),
            (53, 2),
        ];
        let chain = [(0, 1), (1, 1), (2, 1)];
        assert_eq!(together_at(&ev, &chain, 2), Some(40));
        assert_eq!(together_at(&ev[..3], &chain, 2), None);
        assert_eq!(together_at(&ev[6..], &chain, 0), None);
        assert_eq!(together_at(&ev[6..], &chain, 1), Some(50));
        // Out of order does not count.
        assert_eq!(together_at(&[(5, 1), (6, 0)], &[(0, 1), (1, 1)], 2), None);
        assert_eq!(together_at(&[], &chain, 2), None);
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
