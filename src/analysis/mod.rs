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
pub(crate) mod pattern;
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

/// The ways a word's query terms stand ([`pattern::variants`], as term texts at their
/// distances).
pub type WordVariants = Vec<Vec<(usize, String)>>;

/// The ways `terms` stand together ([`pattern::variants`]), as texts at their offsets.
pub fn variant_texts(terms: &[Term]) -> WordVariants {
    pattern::variants(terms)
        .into_iter()
        .map(|v| {
            v.into_iter()
                .map(|(o, i)| (o, terms[i].text.clone()))
                .collect()
        })
        .collect()
}

thread_local! {
    /// Query term variants per word, for the analyzer (lexicon address) that computed them.
    static ALONE: RefCell<(usize, FxHashMap<String, WordVariants>)> =
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
        let mut morphemes = self.segment(&normalize::compact(text), end);
        if end == segment::End::Open {
            morphemes = self.whole_nouns(text, morphemes);
        }
        let terms = terms::terms_of(&morphemes, end == segment::End::Open);
        Analysis { morphemes, terms }
    }

    /// A word typed that is one noun of the dictionary is read as that noun: with an open end
    /// the lattice may prefer a noun plus grammar (`세계인` → 세계 + 이/VCP + ㄴ/ETM, `손님` →
    /// 손 + 님/XSN) or an inflected verb (`맞춤` → 맞추/VV + ㅁ/ETN), which would search the
    /// first noun alone and find every article about the 세계 or the 손, or miss the noun.
    /// When the word (text between spaces, two characters or more) is a noun entry of the
    /// dictionary, that noun replaces the open reading.
    fn whole_nouns(&self, text: &str, morphemes: Vec<Morpheme>) -> Vec<Morpheme> {
        let mut out: Vec<Morpheme> = Vec::with_capacity(morphemes.len());
        let mut rest = morphemes.into_iter().peekable();
        let mut start = None;
        for (i, c) in text
            .char_indices()
            .chain(std::iter::once((text.len(), ' ')))
        {
            if !c.is_whitespace() {
                start.get_or_insert(i);
                continue;
            }
            let Some(a) = start.take() else {
                continue;
            };
            let mut word: Vec<Morpheme> = Vec::new();
            while let Some(m) = rest.next_if(|m| m.start < i) {
                word.push(m);
            }
            // Only a reading that ends in something else than a noun: `저금리` read 저/XPN +
            // 금리 already searches its noun, and articles read it the same way.
            let ends_in_noun = word
                .last()
                .is_some_and(|m| matches!(tags::head_tag(&m.pos), "NNG" | "NNP"));
            // ... and only a reading with a noun or a verb in it, or a number and its counter
            // (`구조대` at the end of a query read 구조/NR "nine trillion" + 대/NNBC, which
            // searches nothing): an adverb or a bound noun with its particle (`매우`,
            // `때문에`) stays what it is (their noun entries are rare words), and stays out of
            // the search as before.
            let has_stem = word.iter().any(|m| {
                matches!(
                    tags::head_tag(&m.pos),
                    "NNG" | "NNP" | "VV" | "VA" | "NR" | "NNBC"
                )
            });
            // ... or an adverb of three characters or more that is also a noun entry
            // (`지그재그` typed alone reads 지그재그/MAG, in a sentence a noun): two-character
            // adverbs such as `매우` stay adverbs.
            let chars = text[a..i].chars().count();
            let long_adverb =
                chars >= 3 && matches!(word.as_slice(), [m] if tags::head_tag(&m.pos) == "MAG");
            if (has_stem || long_adverb) && !ends_in_noun && chars >= 2 {
                let compact = normalize::compact(&text[a..i]);
                if let Some(mut noun) = segment::as_noun(&self.lexicon, &compact) {
                    for m in &mut noun {
                        let (s, e) = compact.original_range(m.start, m.end);
                        m.start = a + s;
                        m.end = a + e;
                    }
                    word = noun;
                }
            }
            out.extend(word);
        }
        out.extend(rest);
        out
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

    /// The words of `text` the dictionary cannot read, as the strings whose character
    /// bigrams the index holds for them ([`terms::unknown_words`]; the export to OpenSearch
    /// carries them).
    pub fn unknown_words(&self, text: &str) -> Vec<String> {
        // The morphemes of `analyze` without its terms, which this does not need.
        let morphemes = self.segment(&normalize::compact(text), segment::End::Sentence);
        terms::unknown_words(&morphemes)
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
    /// [`Analyzer::query_terms`] of it standing together ([`pattern::variants`]: its compounds
    /// by their adjacent parts or whole), and when the article's terms do not hold one of
    /// those variants at its distances (or the word has no terms: `매우`, `때문에`), the word
    /// goes into the index as written. Every surface word of an article is therefore found by
    /// one route or the other (issue 15), by the same rule the query uses (issue 22), while
    /// the words the analysis already finds (most of them) cost no index space. Each word once.
    pub fn fallback_words(&self, text: &str, terms: &[Term]) -> Vec<String> {
        let positions = pattern::Positions::new(terms);
        let words = surface::surface_words(text);
        let mut seen: FxHashSet<&str> =
            FxHashSet::with_capacity_and_hasher(words.len(), Default::default());
        let mut out = Vec::new();
        for w in &words {
            if seen.insert(&w.text) && !self.found_alone(&w.text, &positions) {
                out.push(w.text.clone());
            }
        }
        out
    }

    /// Whether `word` searched alone finds a text whose term positions are `positions`.
    fn found_alone(&self, word: &str, positions: &pattern::Positions) -> bool {
        let lexicon = Arc::as_ptr(&self.lexicon) as usize;
        ALONE.with(|cache| {
            let mut cache = cache.borrow_mut();
            let (owner, words) = &mut *cache;
            // Tests run analyzers with different user dictionaries side by side.
            if *owner != lexicon || words.len() >= ALONE_CACHE_ENTRIES {
                *owner = lexicon;
                words.clear();
            }
            let found = |alone: &WordVariants| alone.iter().any(|v| pattern::occurs(v, positions));
            if let Some(alone) = words.get(word) {
                return found(alone);
            }
            let alone = self.word_variants(word);
            let result = found(&alone);
            words.insert(word.to_string(), alone);
            result
        })
    }

    /// The ways the query terms of `word` stand in an article that it finds by them
    /// ([`pattern::variants`] of [`Analyzer::query_terms`], as texts).
    pub fn word_variants(&self, word: &str) -> WordVariants {
        variant_texts(&self.query_terms(word))
    }

    /// Normalised term texts only (for queries and keyword matching).
    pub fn term_texts(&self, text: &str) -> Vec<String> {
        self.terms(text).into_iter().map(|t| t.text).collect()
    }
}
