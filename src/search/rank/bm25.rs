//! The BM25 statistics one search scores with.
//!
//! tantivy computes BM25 itself and fixes k1 = 1.2 and b = 0.75; the average field length is
//! the one knob it leaves, and [`Bm25Stats`] turns it ([`BODY_LENGTH_SCALE`]). The same
//! statistics serve the query builder (which words are common), the pass over the matches
//! (`collect::run` scores with them) and the re-rank (idf of the window terms).

use std::cell::RefCell;
use std::collections::HashMap;

use tantivy::query::Bm25StatisticsProvider;
use tantivy::schema::Field;
use tantivy::{Searcher, Term};

use super::weights::BODY_LENGTH_SCALE;

/// BM25 statistics of one searcher, with the average body length scaled by
/// [`BODY_LENGTH_SCALE`].
///
/// One `Bm25Stats` serves one search, and remembers what it looked up: the strict and the
/// relaxed query share most of their terms, the common-word check and the re-rank's idf ask
/// for them again, and each lookup of a document frequency walks every segment's term
/// dictionary. It lives on the searching thread only (the memo is a `RefCell`).
pub(crate) struct Bm25Stats<'s> {
    searcher: &'s Searcher,
    body: Field,
    doc_freqs: RefCell<HashMap<Term, u64>>,
    tokens: RefCell<HashMap<Field, u64>>,
}

impl<'s> Bm25Stats<'s> {
    pub(crate) fn new(searcher: &'s Searcher, body: Field) -> Bm25Stats<'s> {
        Bm25Stats {
            searcher,
            body,
            doc_freqs: RefCell::default(),
            tokens: RefCell::default(),
        }
    }

    /// Live documents of the searcher.
    pub(crate) fn num_docs(&self) -> u64 {
        self.searcher.num_docs()
    }

    /// BM25's idf of a term found in `df` of `n` documents, as tantivy computes it.
    pub(crate) fn idf(n: f64, df: f64) -> f32 {
        (1.0 + (n - df + 0.5) / (df + 0.5)).ln() as f32
    }
}

impl Bm25StatisticsProvider for Bm25Stats<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        if let Some(&n) = self.tokens.borrow().get(&field) {
            return Ok(n);
        }
        let n = Bm25StatisticsProvider::total_num_tokens(self.searcher, field)?;
        let n = if field == self.body {
            (n as f64 * BODY_LENGTH_SCALE).round() as u64
        } else {
            n
        };
        self.tokens.borrow_mut().insert(field, n);
        Ok(n)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        Bm25StatisticsProvider::total_num_docs(self.searcher)
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        if let Some(&n) = self.doc_freqs.borrow().get(term) {
            return Ok(n);
        }
        let n = self.searcher.doc_freq(term)?;
        self.doc_freqs.borrow_mut().insert(term.clone(), n);
        Ok(n)
    }
}
