//! A compound typed, by its parts next to each other, without reading positions where the
//! compound stands whole (issue 22's cost).
//!
//! The indexer writes a compound whole *and* its parts at consecutive positions
//! ([`crate::analysis::terms`]): `일자리` → `일자리`@p, `일`@p, `자리`@p+1. So every article
//! that holds the whole holds its parts together, once for each time the whole stands there,
//! and the phrase of the parts ([`tantivy::query::PhraseQuery`]) spends most of its time
//! reading the positions of those articles only to find what the whole's frequency already
//! says. [`PartsQuery`] matches the same articles as that phrase and scores them the same way
//! (BM25 of the phrase's count, the phrase's idf): where the whole stands, the count is the
//! whole's frequency, read without positions; elsewhere (the parts written apart, `일 자리`,
//! or read apart by the analysis) the phrase is checked on positions as before. The one
//! difference: an article holding the whole *and* the parts apart somewhere else counts only
//! the whole's occurrences.

use std::fmt;

use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{Bm25Weight, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::{IndexRecordOption, Term};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED};

use tantivy::fieldnorm::FieldNormReader;

/// The parts of a compound at their offsets, and the compound whole, in one field.
#[derive(Clone)]
pub(crate) struct PartsQuery {
    parts: Vec<(usize, Term)>,
    whole: Term,
}

impl fmt::Debug for PartsQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PartsQuery")
            .field("parts", &self.parts)
            .field("whole", &self.whole)
            .finish()
    }
}

impl PartsQuery {
    /// The phrase of `parts` (at their offsets; two at least, all in the field of `whole`),
    /// which every document holding `whole` holds.
    pub(crate) fn new(parts: Vec<(usize, Term)>, whole: Term) -> PartsQuery {
        PartsQuery { parts, whole }
    }
}

impl Query for PartsQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let terms: Vec<Term> = self.parts.iter().map(|(_, t)| t.clone()).collect();
        let bm25 = match scoring {
            EnableScoring::Enabled {
                statistics_provider,
                ..
            } => Some(Bm25Weight::for_terms(statistics_provider, &terms)?),
            EnableScoring::Disabled { .. } => None,
        };
        Ok(Box::new(PartsWeight {
            parts: self.parts.clone(),
            whole: self.whole.clone(),
            bm25,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for (_, term) in &self.parts {
            visitor(term, true);
        }
    }
}

struct PartsWeight {
    parts: Vec<(usize, Term)>,
    whole: Term,
    bm25: Option<Bm25Weight>,
}

impl PartsWeight {
    fn parts_scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<PartsScorer> {
        let field = self.whole.field();
        let inverted = reader.inverted_index(field)?;
        let bm25 = self.bm25.as_ref().map(|w| w.boost_by(boost));
        let fieldnorms = match (&bm25, reader.fieldnorms_readers().get_field(field)?) {
            (Some(_), Some(reader)) => reader,
            _ => FieldNormReader::constant(reader.max_doc(), 1),
        };
        // The whole is read twice (its frequency, and the documents the phrase skips): its
        // term is looked up once.
        let whole_info = inverted.get_term_info(&self.whole)?;
        let read_whole = |option| {
            whole_info
                .as_ref()
                .map(|info| inverted.read_postings_from_terminfo(info, option))
                .transpose()
        };
        let whole = read_whole(IndexRecordOption::WithFreqs)?;
        let mut parts = Vec::with_capacity(self.parts.len());
        for (offset, term) in &self.parts {
            let Some(postings) =
                inverted.read_postings(term, IndexRecordOption::WithFreqsAndPositions)?
            else {
                // A part in no document: nothing holds the parts, so nothing holds the whole.
                return Ok(PartsScorer::empty());
            };
            parts.push((*offset, postings));
        }
        // The documents holding the whole are skipped by the phrase: there the parts are
        // known to stand together, and their positions are never read.
        let except = read_whole(IndexRecordOption::Basic)?;
        Ok(PartsScorer::new(
            whole,
            Apart::new(parts, except),
            bm25,
            fieldnorms,
        ))
    }
}

impl Weight for PartsWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(self.parts_scorer(reader, boost)?))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.parts_scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "Document #({doc}) does not match"
            )));
        }
        let mut e = Explanation::new("Phrase of a compound's parts", scorer.score());
        if let Some(w) = &self.bm25 {
            e.add_detail(w.explain(scorer.fieldnorm_id(), scorer.phrase_count()));
        }
        Ok(e)
    }
}

/// The documents where the parts stand together at their offsets, apart from the whole, and
/// how many times: a phrase query without slop that skips the documents of `except`.
struct Apart {
    /// Each part's postings, with its offset subtracted from the largest: a phrase starting
    /// at `s` has every part's position plus this at `s + largest offset`. Rarest first: it
    /// leads the walk over the documents holding every part.
    parts: Vec<(u32, SegmentPostings)>,
    except: Option<SegmentPostings>,
    doc: DocId,
    count: u32,
    positions: Vec<u32>,
    next: Vec<u32>,
}

impl Apart {
    fn new(parts: Vec<(usize, SegmentPostings)>, except: Option<SegmentPostings>) -> Apart {
        let last = parts.iter().map(|p| p.0).max().unwrap_or(0);
        let mut parts: Vec<(u32, SegmentPostings)> = parts
            .into_iter()
            .map(|(o, p)| ((last - o) as u32, p))
            .collect();
        parts.sort_by_key(|(_, p)| p.doc_freq());
        let mut a = Apart {
            parts,
            except,
            doc: 0,
            count: 0,
            positions: Vec::new(),
            next: Vec::new(),
        };
        a.doc = a.settle(0);
        a
    }

    /// The first document from `target` on where every part stands together and the whole
    /// does not.
    fn settle(&mut self, mut target: DocId) -> DocId {
        let Some(((lead_shift, lead), others)) = self.parts.split_first_mut() else {
            return TERMINATED;
        };
        'next: loop {
            // The rarest part leads; where the whole stands the document is skipped before
            // any other part is moved to it (in most articles holding the parts, the whole
            // is what put them there).
            let at = if lead.doc() < target {
                lead.seek(target)
            } else {
                lead.doc()
            };
            if at == TERMINATED {
                return TERMINATED;
            }
            let whole_here = self.except.as_mut().is_some_and(|e| {
                let d = if e.doc() < at { e.seek(at) } else { e.doc() };
                d == at
            });
            if whole_here {
                target = at + 1;
                continue;
            }
            for (_, p) in others.iter_mut() {
                let d = if p.doc() < at { p.seek(at) } else { p.doc() };
                if d == TERMINATED {
                    return TERMINATED;
                }
                if d != at {
                    target = d;
                    continue 'next;
                }
            }
            self.count = together(
                (*lead_shift, lead),
                others,
                &mut self.positions,
                &mut self.next,
            );
            if self.count > 0 {
                return at;
            }
            target = at + 1;
        }
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn advance(&mut self) -> DocId {
        if self.doc != TERMINATED {
            self.doc = self.settle(self.doc + 1);
        }
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc != TERMINATED && self.doc < target {
            self.doc = self.settle(target);
        }
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.parts
            .iter()
            .map(|(_, p)| p.size_hint())
            .min()
            .unwrap_or(0)
    }
}

/// How many times the parts stand together in the current document (every part is on it):
/// the lead's positions kept where each other part stands too.
fn together(
    (lead_shift, lead): (u32, &mut SegmentPostings),
    others: &mut [(u32, SegmentPostings)],
    positions: &mut Vec<u32>,
    next: &mut Vec<u32>,
) -> u32 {
    positions.clear();
    lead.append_positions_with_offset(lead_shift, positions);
    for (shift, p) in others.iter_mut() {
        next.clear();
        p.append_positions_with_offset(*shift, next);
        let mut j = 0;
        positions.retain(|x| {
            while j < next.len() && next[j] < *x {
                j += 1;
            }
            j < next.len() && next[j] == *x
        });
        if positions.is_empty() {
            break;
        }
    }
    positions.len() as u32
}

/// The documents that hold the whole (count: its frequency) merged with those where the parts
/// stand together apart from it (count: the phrase's).
struct PartsScorer {
    whole: Option<SegmentPostings>,
    apart: Option<Apart>,
    bm25: Option<Bm25Weight>,
    fieldnorms: Option<FieldNormReader>,
    doc: DocId,
}

impl PartsScorer {
    fn empty() -> PartsScorer {
        PartsScorer {
            whole: None,
            apart: None,
            bm25: None,
            fieldnorms: None,
            doc: TERMINATED,
        }
    }

    fn new(
        whole: Option<SegmentPostings>,
        apart: Apart,
        bm25: Option<Bm25Weight>,
        fieldnorms: FieldNormReader,
    ) -> PartsScorer {
        let mut s = PartsScorer {
            whole,
            apart: Some(apart),
            bm25,
            fieldnorms: Some(fieldnorms),
            doc: TERMINATED,
        };
        s.doc = s.least();
        s
    }

    fn whole_doc(&self) -> DocId {
        self.whole.as_ref().map_or(TERMINATED, DocSet::doc)
    }

    fn apart_doc(&self) -> DocId {
        self.apart.as_ref().map_or(TERMINATED, Apart::doc)
    }

    /// The current document of whichever side is behind.
    fn least(&self) -> DocId {
        self.whole_doc().min(self.apart_doc())
    }

    /// The phrase count at the current document.
    fn phrase_count(&self) -> u32 {
        if self.doc == TERMINATED {
            return 0;
        }
        match &self.whole {
            Some(w) if w.doc() == self.doc => w.term_freq(),
            _ => self
                .apart
                .as_ref()
                .filter(|a| a.doc() == self.doc)
                .map_or(0, |a| a.count),
        }
    }

    fn fieldnorm_id(&self) -> u8 {
        self.fieldnorms
            .as_ref()
            .map_or(0, |f| f.fieldnorm_id(self.doc))
    }
}

impl DocSet for PartsScorer {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        let doc = self.doc;
        if let Some(w) = self.whole.as_mut().filter(|w| w.doc() == doc) {
            w.advance();
        }
        if let Some(a) = self.apart.as_mut().filter(|a| a.doc() == doc) {
            a.advance();
        }
        self.doc = self.least();
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        if let Some(w) = self.whole.as_mut().filter(|w| w.doc() < target) {
            w.seek(target);
        }
        if let Some(a) = self.apart.as_mut().filter(|a| a.doc() < target) {
            a.seek(target);
        }
        self.doc = self.least();
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        let whole = self.whole.as_ref().map_or(0, DocSet::size_hint);
        let apart = self.apart.as_ref().map_or(0, Apart::size_hint);
        whole.saturating_add(apart)
    }
}

impl Scorer for PartsScorer {
    fn score(&mut self) -> Score {
        match &self.bm25 {
            Some(w) => w.score(self.fieldnorm_id(), self.phrase_count()),
            None => 1.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::TopDocs;
    use tantivy::query::PhraseQuery;
    use tantivy::schema::{Schema, TextFieldIndexing, TextOptions};
    use tantivy::tokenizer::{PreTokenizedString, Token};
    use tantivy::{doc, Index};

    use super::*;

    /// Documents as token lists (text, position), indexed as the analyzer writes them.
    fn index(docs: &[&[(&str, usize)]]) -> (Index, tantivy::schema::Field) {
        let mut b = Schema::builder();
        let body = b.add_text_field(
            "body",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            ),
        );
        let index = Index::create_in_ram(b.build());
        let mut w = index.writer(15_000_000).expect("writer");
        for d in docs {
            let tokens = d
                .iter()
                .map(|&(t, p)| Token {
                    text: t.to_string(),
                    position: p,
                    ..Token::default()
                })
                .collect();
            let text = PreTokenizedString {
                text: String::new(),
                tokens,
            };
            w.add_document(doc!(body => text)).expect("add");
        }
        w.commit().expect("commit");
        (index, body)
    }

    /// The same documents and scores as the phrase of the parts, in every case but the one
    /// the module names (the whole and the parts apart in one document).
    #[test]
    fn matches_and_scores_as_the_phrase_of_the_parts() {
        let docs: Vec<&[(&str, usize)]> = vec![
            // the whole twice, with its parts
            &[
                ("일자리", 0),
                ("일", 0),
                ("자리", 1),
                ("청년", 2),
                ("일자리", 3),
                ("일", 3),
                ("자리", 4),
            ],
            // written apart: 일 자리
            &[("청년", 0), ("일", 1), ("자리", 2)],
            // both parts, not together
            &[("일", 0), ("빈", 1), ("자리", 2)],
            // nothing
            &[("관광", 0)],
            // the whole once
            &[("좋은", 0), ("일자리", 1), ("일", 1), ("자리", 2)],
        ];
        let (index, body) = index(&docs);
        let searcher = index.reader().expect("reader").searcher();
        let t = |s: &str| Term::from_field_text(body, s);
        let parts = vec![(0, t("일")), (1, t("자리"))];
        let ours = PartsQuery::new(parts.clone(), t("일자리"));
        let phrase = PhraseQuery::new_with_offset(parts);
        let top = |q: &dyn Query| {
            let mut v: Vec<(u32, f32)> = searcher
                .search(q, &TopDocs::with_limit(10).order_by_score())
                .expect("search")
                .into_iter()
                .map(|(s, a)| (a.doc_id, s))
                .collect();
            v.sort_by_key(|x| x.0);
            v
        };
        let (a, b) = (top(&ours), top(&phrase));
        assert_eq!(
            a.iter().map(|x| x.0).collect::<Vec<_>>(),
            vec![0, 1, 4],
            "{a:?}"
        );
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x.0, y.0);
            assert!((x.1 - y.1).abs() < 1e-5, "{a:?} vs {b:?}");
        }
        // explain agrees with the score
        let weight = ours
            .weight(EnableScoring::enabled_from_searcher(&searcher))
            .expect("weight");
        let seg = searcher.segment_reader(0);
        let e = weight.explain(seg, 0).expect("doc 0 matches");
        assert!((e.value() - a[0].1).abs() < 1e-5);
        assert!(weight.explain(seg, 2).is_err(), "parts apart do not match");
    }
}
