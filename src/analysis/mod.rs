//! Korean text → index terms. The one analyzer used at index time and at query time.
//!
//! Pipeline (each step in its own file):
//! 1. [`normalize`]: NFKC, Latin lower-case, separators (whitespace, every middle-dot variant)
//!    taken out of the text with an offset map back to the original;
//! 2. [`segment`]: MeCab-ko's lattice (`viterbi.rs`) over the dictionaries of [`lexicon`]
//!    (lindera ko-dic = mecab-ko-dic, plus a user dictionary built from the region gazetteer
//!    and `data/domain_nouns.txt`), separators kept out of the lattice as MeCab-ko does;
//! 3. [`terms`]: particles, endings, symbols and other grammar dropped by part of speech (the
//!    tag lists are in [`tags`]), compounds indexed whole *and* as parts (like Nori's `mixed`
//!    mode), inflected forms indexed by their stems.
//!
//! This module depends on nothing in `index` or `search`; [`tantivy`] holds the adapter that
//! tantivy calls.

mod costs;
pub(crate) mod lexicon;
pub(crate) mod normalize;
pub(crate) mod segment;
pub mod surface;
pub(crate) mod tags;
pub(crate) mod tantivy;
pub(crate) mod terms;
mod viterbi;

use std::cell::RefCell;
use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::error::Result;
pub use lexicon::UserWord;
pub use segment::{MorphKind, Morpheme};
pub use tantivy::{KoreanTokenizer, TOKENIZER_NAME};
pub use terms::{Term, BIGRAM_POS};

/// Query terms of single words kept per thread by [`Analyzer::fallback_words`] before the
/// cache starts over: words repeat across articles, and analysing one costs a lattice.
/// Sized for the distinct words of a few hundred thousand articles (some 100 bytes each).
const ALONE_CACHE_ENTRIES: usize = 400_000;

thread_local! {
    /// Query term texts per word, for the analyzer (lexicon address) that computed them.
    static ALONE: RefCell<(usize, FxHashMap<String, Vec<String>>)> =
        RefCell::new((0, FxHashMap::default()));
}

/// Result of [`Analyzer::analyze`].
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    pub morphemes: Vec<Morpheme>,
    pub terms: Vec<Term>,
}

/// The Korean analyzer. Cheap to clone: the dictionary is shared.
#[derive(Clone)]
pub struct Analyzer {
    lexicon: Arc<lexicon::Lexicon>,
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analyzer").finish_non_exhaustive()
    }
}

impl Analyzer {
    /// Builds the analyzer over the embedded ko-dic plus `user_words`.
    pub fn new(user_words: &[UserWord]) -> Result<Analyzer> {
        Ok(Analyzer {
            lexicon: Arc::new(lexicon::Lexicon::new(user_words)?),
        })
    }

    /// Analyses `text` once: morphemes and index terms, both with original byte offsets.
    pub fn analyze(&self, text: &str) -> Analysis {
        self.analyze_as(text, segment::End::Sentence)
    }

    /// Analyses query words: like [`Analyzer::analyze`], but the end of the text is not the
    /// end of a sentence, so a word segments alone as it does inside the article it was
    /// copied from.
    pub fn analyze_query(&self, text: &str) -> Analysis {
        self.analyze_as(text, segment::End::Open)
    }

    fn analyze_as(&self, text: &str, end: segment::End) -> Analysis {
        let morphemes = self.segment(&normalize::compact(text), end);
        let terms = terms::terms_of(&morphemes);
        Analysis { morphemes, terms }
    }

    /// Morphemes from the segmentation model alone: whitespace out of the lattice, but no
    /// NFKC, case folding or middle-dot separators — the input MeCab-ko itself would see.
    pub fn morphemes_raw(&self, text: &str) -> Vec<Morpheme> {
        self.segment(
            &normalize::compact_whitespace_only(text),
            segment::End::Sentence,
        )
    }

    /// Segments a compact text; the morphemes' offsets are mapped back to the original text.
    fn segment(&self, compact: &normalize::Compact, end: segment::End) -> Vec<Morpheme> {
        let mut morphemes = segment::segment(&self.lexicon, compact, end);
        for m in &mut morphemes {
            let (start, end) = compact.original_range(m.start, m.end);
            m.start = start;
            m.end = end;
        }
        morphemes
    }

    /// Index terms of `text`.
    pub fn terms(&self, text: &str) -> Vec<Term> {
        self.analyze(text).terms
    }

    /// What query words search for: their terms analysed as a query (see
    /// [`Analyzer::analyze_query`]). The character bigrams of an unreadable word stand in for
    /// it only when the text has nothing else: `헴프` searches 헴프, but `웅부관 소통실`
    /// searches its morphemes.
    pub fn query_terms(&self, text: &str) -> Vec<Term> {
        let terms = self.analyze_query(text).terms;
        if terms.iter().any(|t| t.pos != BIGRAM_POS) {
            terms.into_iter().filter(|t| t.pos != BIGRAM_POS).collect()
        } else {
            terms
        }
    }

    /// The surface words of `text` (an article's body with its `terms`) that would not find
    /// the article through its terms: a surface word searched alone searches
    /// [`Analyzer::query_terms`] of it, and when the article's terms lack one of them (or it
    /// has none: `매우`, `때문에`), the word goes into the index as written. Every surface word
    /// of an article is therefore found by one route or the other (issue 15), while the words
    /// the analysis already finds (most of them) cost no index space. Each word once.
    pub fn fallback_words(&self, text: &str, terms: &[Term]) -> Vec<String> {
        let have: FxHashSet<&str> = terms.iter().map(|t| t.text.as_str()).collect();
        let words = surface::surface_words(text);
        let mut seen: FxHashSet<&str> =
            FxHashSet::with_capacity_and_hasher(words.len(), Default::default());
        let mut out = Vec::new();
        for w in &words {
            if seen.insert(&w.text) && !self.found_alone(&w.text, &have) {
                out.push(w.text.clone());
            }
        }
        out
    }

    /// Whether `word` searched alone finds an article whose terms are `have`.
    fn found_alone(&self, word: &str, have: &FxHashSet<&str>) -> bool {
        let lexicon = Arc::as_ptr(&self.lexicon) as usize;
        ALONE.with(|cache| {
            let mut cache = cache.borrow_mut();
            let (owner, words) = &mut *cache;
            // Tests run analyzers with different user dictionaries side by side.
            if *owner != lexicon || words.len() >= ALONE_CACHE_ENTRIES {
                *owner = lexicon;
                words.clear();
            }
            let found = |alone: &[String]| {
                !alone.is_empty() && alone.iter().all(|t| have.contains(t.as_str()))
            };
            if let Some(alone) = words.get(word) {
                return found(alone);
            }
            let alone: Vec<String> = self.query_terms(word).into_iter().map(|t| t.text).collect();
            let result = found(&alone);
            words.insert(word.to_string(), alone);
            result
        })
    }

    /// Normalised term texts only (for queries and keyword matching).
    pub fn term_texts(&self, text: &str) -> Vec<String> {
        self.terms(text).into_iter().map(|t| t.text).collect()
    }
}
