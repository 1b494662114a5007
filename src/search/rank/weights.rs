//! Every number that shapes the ranking, each with the reason for its value.
//!
//! The query builder (`plan::build`) reads the clause weights and the relaxed-query shares,
//! the BM25 statistics ([`super::bm25`]) the length scale, the re-rank ([`super::rerank`]) the
//! proximity features. The measurements behind the values are in `docs/relevance.md`.

// --- Clauses of the query (plan::build) ---

/// Title matches count this much more than body matches (measured: 2.0 ranked worse on both
/// benchmarks of `docs/relevance.md`, the title terms are also in the BM25 of their field).
pub(crate) const TITLE_BOOST: f32 = 1.0;

/// Synonym matches count this much (the word the user typed counts 1.0).
pub(crate) const SYNONYM_WEIGHT: f32 = 0.8;

/// Weight of a number (`2006`, `1876`) typed in a query: a number is an exact anchor, and the
/// idf of short digit strings understates it (docs/relevance.md, row 16).
pub(crate) const NUMBER_WEIGHT: f32 = 2.0;

/// Weight of a word typed matching an article's word exactly as written (the `words` field,
/// the fallback of issue 15). Between 0.3 and 2.0 neither benchmark of `docs/relevance.md`
/// moves; 1.0 lets an exact match count like a term.
pub(crate) const SURFACE_WEIGHT: f32 = 1.0;

/// Weight of a compound typed matching the whole word rather than its parts. 0: the whole only
/// lets articles that kept the compound as one word match (they score by the fallback field);
/// articles with the parts score exactly as before. 0 to 1.0 leave both benchmarks unchanged.
pub(crate) const WHOLE_COMPOUND_WEIGHT: f32 = 0.0;

// --- Strict and relaxed forms of the query (plan::build, Engine::search) ---

/// Queries of at least this many words (that analyse to something) are read as questions: when
/// few articles have every word, the page is filled with the best partial matches.
pub(crate) const LONG_QUERY_TERMS: usize = 3;

/// Below the articles with all the words come those with at least this share of the query's
/// terms (rounded up, at least one): a long question still finds its article when a word or
/// two is missing, and one long compound does not fall apart into matches on single syllables.
pub(crate) const RELAXED_MIN_SHARE: f64 = 0.25;

/// In the relaxed form, words in more than this share of the articles only add to the score
/// of articles the other words find (docs/relevance.md row 19, docs/performance.md).
pub(crate) const COMMON_SHARE: f64 = 0.3;

/// ... on indexes of at least this many articles (on a small index every word is in a large
/// share of the articles, and every query is fast anyway).
pub(crate) const COMMON_MIN_DOCS: u64 = 1000;

// --- BM25 (bm25) ---

/// The average body length BM25 sees is the real one times this, which moves tantivy's fixed
/// k1 = 1.2, b = 0.75 to the equivalent of k1 = 0.9, b = 0.67 (k1·(1−b) stays 0.3).
pub(crate) const BODY_LENGTH_SCALE: f64 = 1.5;

// --- Re-rank of the top hits by proximity (rerank) ---

/// Hits re-ranked by the proximity features; hits below keep their BM25 order.
pub(crate) const RERANK_DEPTH: usize = 30;

/// Width in positions of the window feature: a question usually paraphrases one sentence of
/// the paragraph that answers it, and a sentence spans about this many terms.
pub(crate) const WINDOW_WIDTH: u32 = 16;

/// Re-rank weight of the window feature (times the idf sum of the terms in the best window).
pub(crate) const WINDOW_WEIGHT: f32 = 0.8;

/// Re-rank weight of adjacent query terms found at their distance in the query, give or take
/// [`PAIR_SLOP`] positions.
pub(crate) const PAIR_WEIGHT: f32 = 0.4;
pub(crate) const PAIR_SLOP: u32 = 2;

/// Saturation of the pair feature's count: BM25's k1 as tantivy fixes it, so that a pair
/// found n times counts n·(k1 + 1)/(n + k1), as a term found n times would.
pub(crate) const PAIR_K1: f32 = 1.2;

// --- Words typed together first (rerank, issue 22) ---

/// A query of two words typed or more (not a question) re-ranks its best this many hits by
/// whether the words stand together: hits with all of them in order, each within
/// [`TOGETHER_SLOP`] positions of its place after the one before, come first (in the headline
/// or lead, then in the body), the others after, each group by score. Deeper than
/// [`RERANK_DEPTH`]: an article with the words together is rarely below the 100th by BM25, and
/// reading the positions of 100 documents costs well under a millisecond.
pub(crate) const TOGETHER_DEPTH: usize = 100;

/// Positions a word typed may stand off its place after the one before and still be
/// "together": `청년 일자리` finds `청년 일자리`, `청년들의 일자리` (particles take no
/// position) and `청년 고용과 일자리` (one word between).
pub(crate) const TOGETHER_SLOP: u32 = 2;

/// The first terms of a body that make its lead (a news lead sentence is 15–40 terms): words
/// together there count as together in the headline.
pub(crate) const LEAD_POSITIONS: u32 = 40;
