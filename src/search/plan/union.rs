//! Any of a few queries, summed: the union the plan builds for every word (its fields, its
//! whole or parts, its written form or its terms), without the cost of tantivy's own.
//!
//! A `BooleanQuery` of `Should` clauses is scored by tantivy's `BufferedUnionScorer`, which
//! keeps a window of 4,096 documents: building one allocates and fills a score for each of
//! them, and a seek past the window clears them all. A search builds one for every word in
//! every field group of every segment, and inside an intersection (every word of the query
//! required) each is sought far ahead at almost every step. Profiled on the 100k bench index,
//! building, seeking and refilling those windows was about a quarter of a feed's time.
//!
//! [`AnyOf`] matches the same documents with the same score (the sum of the scores of the
//! queries that match, as `BooleanQuery` sums them) by keeping each query's scorer on its own
//! next document and taking the least: for the two to six queries of a word that is a few
//! comparisons a step, and a seek moves only the scorers behind the target. The plan keeps
//! `BooleanQuery` where it needs more (required clauses, a minimum of matching ones).

use std::fmt;

use tantivy::query::{EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::Term;
use tantivy::{DocId, DocSet, Score, SegmentReader, TantivyError, TERMINATED};

/// A document matches when any of the queries does; its score is the sum of theirs.
pub(crate) struct AnyOf {
    queries: Vec<Box<dyn Query>>,
}

impl AnyOf {
    pub(crate) fn new(queries: Vec<Box<dyn Query>>) -> AnyOf {
        AnyOf { queries }
    }
}

impl Clone for AnyOf {
    fn clone(&self) -> AnyOf {
        AnyOf {
            queries: self.queries.iter().map(|q| q.box_clone()).collect(),
        }
    }
}

impl fmt::Debug for AnyOf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(&self.queries).finish()
    }
}

impl Query for AnyOf {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let weights = self
            .queries
            .iter()
            .map(|q| q.weight(scoring))
            .collect::<tantivy::Result<_>>()?;
        Ok(Box::new(AnyOfWeight { weights }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for q in &self.queries {
            q.query_terms(visitor);
        }
    }
}

struct AnyOfWeight {
    weights: Vec<Box<dyn Weight>>,
}

impl Weight for AnyOfWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut scorers = Vec::with_capacity(self.weights.len());
        for w in &self.weights {
            let s = w.scorer(reader, boost)?;
            if s.doc() != TERMINATED {
                scorers.push(s);
            }
        }
        Ok(match scorers.len() {
            0 => Box::new(EmptyScorer),
            1 => scorers.remove(0),
            _ => Box::new(AnyOfScorer::new(scorers)),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!(
                "document #({doc}) does not match"
            )));
        }
        let mut e = Explanation::new("any of: sum of", scorer.score());
        for w in &self.weights {
            if let Ok(detail) = w.explain(reader, doc) {
                e.add_detail(detail);
            }
        }
        Ok(e)
    }
}

/// The union of two or more scorers that have not ended: `docs[i]` is where `scorers[i]`
/// stands, at or after `doc`; those at `doc` are the ones that match it.
struct AnyOfScorer {
    scorers: Vec<Box<dyn Scorer>>,
    docs: Vec<DocId>,
    doc: DocId,
}

impl AnyOfScorer {
    fn new(scorers: Vec<Box<dyn Scorer>>) -> AnyOfScorer {
        let docs: Vec<DocId> = scorers.iter().map(|s| s.doc()).collect();
        let doc = docs.iter().copied().min().unwrap_or(TERMINATED);
        AnyOfScorer { scorers, docs, doc }
    }
}

impl DocSet for AnyOfScorer {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        let mut next = TERMINATED;
        for (s, d) in self.scorers.iter_mut().zip(self.docs.iter_mut()) {
            if *d == self.doc {
                *d = s.advance();
            }
            next = next.min(*d);
        }
        self.doc = next;
        next
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        let mut next = TERMINATED;
        for (s, d) in self.scorers.iter_mut().zip(self.docs.iter_mut()) {
            if *d < target {
                *d = s.seek(target);
            }
            next = next.min(*d);
        }
        self.doc = next;
        next
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.scorers
            .iter()
            .map(|s| s.size_hint())
            .fold(0u32, u32::saturating_add)
    }

    fn cost(&self) -> u64 {
        self.scorers.iter().map(|s| s.cost()).sum()
    }
}

impl Scorer for AnyOfScorer {
    fn score(&mut self) -> Score {
        let doc = self.doc;
        let mut sum = 0.0;
        for (s, &d) in self.scorers.iter_mut().zip(&self.docs) {
            if d == doc {
                sum += s.score();
            }
        }
        sum
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::{BooleanQuery, Occur, TermQuery};
    use tantivy::schema::{IndexRecordOption, Schema, TEXT};
    use tantivy::{doc, Index};

    /// The same documents with the same scores as tantivy's `BooleanQuery` of `Should`
    /// clauses, alone and required inside an intersection (where it is sought), over several
    /// segments.
    #[test]
    fn any_of_matches_and_scores_as_a_boolean_union() {
        let mut schema = Schema::builder();
        let text = schema.add_text_field("text", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer(15_000_000).expect("writer");
        let words = ["a", "b", "c", "d", "e"];
        for seg in 0..3 {
            for i in 0..600u32 {
                // A deterministic mix: each word in some documents, some documents in none.
                let body: Vec<&str> = words
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| {
                        (i * 7 + seg * 3 + *k as u32 * 11).is_multiple_of((k + 2) as u32)
                    })
                    .map(|(_, w)| *w)
                    .collect();
                writer
                    .add_document(doc!(text => body.join(" ")))
                    .expect("add");
            }
            writer.commit().expect("commit");
        }
        let searcher = index.reader().expect("reader").searcher();
        let term = |w: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(text, w),
                IndexRecordOption::WithFreqs,
            ))
        };
        let top = |q: &dyn Query| -> Vec<(u32, u32, u32)> {
            let mut hits: Vec<(u32, u32, u32)> = searcher
                .search(q, &TopDocs::with_limit(2000).order_by_score())
                .expect("search")
                .into_iter()
                .map(|(s, a)| ((s * 1000.0).round() as u32, a.segment_ord, a.doc_id))
                .collect();
            hits.sort_unstable();
            hits
        };
        for pick in [&["a", "b"][..], &["b", "c", "e"], &["a", "d", "e", "c"]] {
            let ours = AnyOf::new(pick.iter().map(|w| term(w)).collect());
            let theirs = BooleanQuery::new(pick.iter().map(|w| (Occur::Should, term(w))).collect());
            assert_eq!(top(&ours), top(&theirs), "{pick:?} alone");
            assert_eq!(
                searcher.search(&ours, &Count).expect("count"),
                searcher.search(&theirs, &Count).expect("count")
            );
            // Required beside a rarer word: the union is sought, not walked.
            let with = |u: Box<dyn Query>| {
                BooleanQuery::new(vec![(Occur::Must, term("e")), (Occur::Must, u)])
            };
            assert_eq!(
                top(&with(Box::new(ours.clone()))),
                top(&with(Box::new(theirs))),
                "{pick:?} required"
            );
        }
        assert!(top(&AnyOf::new(vec![term("zz"), term("yy")])).is_empty());
    }
}
