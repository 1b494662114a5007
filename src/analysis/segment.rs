//! Morphological segmentation with lindera ko-dic, MeCab-style: separators stay out of the lattice.
//!
//! lindera puts every space into the Viterbi lattice as a SPACE node, which drops the connection
//! cost between the words on either side; only 40% of the seed sentences then segment as MeCab-ko
//! does (97.6% with spaces out of the lattice, `../shared/ko-dic/README.md`). So the compact text
//! (no separators) is segmented with MeCab-ko's own lattice model (`viterbi.rs`): no word
//! spans a removed separator, and a word right after one pays mecab-ko-dic's
//! `left-space-penalty-factor` ([`left_space_penalty`]).

use std::borrow::Cow;

use serde::Serialize;

use super::lexicon::Lexicon;
use super::normalize::Compact;
use super::tags;
use super::viterbi::Lex;

/// Longest run of compact text given to the lattice in one call. Lattice work grows with the
/// length; sentences are cut at line breaks and sentence ends first, and only run-on text
/// without either (tables, dumps) is cut here, at the last separator before the limit.
pub const MAX_CHUNK_BYTES: usize = 2048;

/// One morpheme as the dictionary analysed it, with offsets into the compact text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Morpheme {
    /// Surface as segmented (normalised form).
    pub surface: String,
    /// Compact-text byte range.
    pub start: usize,
    pub end: usize,
    /// ko-dic feature fields: POS, meaning, final consonant, reading, type, first POS, last POS,
    /// expression. Unknown words carry only what unk.def gives.
    pub pos: String,
    pub kind: MorphKind,
    /// `expression` of compounds/inflections: `바이오/NNG/*+헬스/NNG/*` → [("바이오","NNG"), …].
    pub parts: Vec<(String, String)>,
    pub unknown: bool,
}

/// The ko-dic `type` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MorphKind {
    Simple,
    Compound,
    Inflect,
    Preanalysis,
}

/// How the analysed text ends: a document's text ends a sentence; a query's words go on in
/// the article they were copied from, so their end must not pull the last word towards a
/// sentence-final reading (`정부의` alone would read 정부/NNG 의/NNG, in an article it is
/// 정부/NNG 의/JKG).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    Sentence,
    Open,
}

/// Segments a compact text into morphemes.
pub fn segment(lex: &Lexicon, compact: &Compact, end_kind: End) -> Vec<Morpheme> {
    let mut out = Vec::new();
    for (start, end) in chunks(compact) {
        let open_end = end_kind == End::Open && end == compact.text.len();
        let inner: Vec<usize> = compact
            .boundaries_inside(start, end)
            .iter()
            .map(|&b| b - start)
            .collect();
        match super::viterbi::best_path(lex, &compact.text[start..end], &inner, open_end) {
            Some(words) => {
                for w in words {
                    let (ts, te) = (start + w.start, start + w.end);
                    let surface = &compact.text[ts..te];
                    if w.lex == Lex::Unknown {
                        let details = super::viterbi::details(lex, w.lex, w.id);
                        push_morpheme(lex, surface, ts, te, &details, true, &mut out);
                    } else {
                        push_known(lex, w.lex, w.id, surface, ts, te, &mut out);
                    }
                }
            }
            // Unknown words chain from the start to the end, so the end is always reached;
            // lindera's own path is only a safety net.
            None => {
                if let Ok(tokens) = lex
                    .segmenter
                    .segment(Cow::Borrowed(&compact.text[start..end]))
                {
                    push_tokens(lex, tokens, start, &mut out);
                }
            }
        }
    }
    out
}

/// `compact` read as the one noun the system dictionary has for the whole of it (see
/// [`super::viterbi::noun_entry`]), offsets in the compact text; `None` when it has none.
pub fn as_noun(lex: &Lexicon, compact: &Compact) -> Option<Vec<Morpheme>> {
    let id = super::viterbi::noun_entry(lex, &compact.text)?;
    let mut out = Vec::new();
    let len = compact.text.len();
    push_known(lex, Lex::System, id, &compact.text, 0, len, &mut out);
    Some(out)
}

/// Splits the compact text at line breaks, sentence ends and the chunk-size limit.
fn chunks(compact: &Compact) -> Vec<(usize, usize)> {
    let text = &compact.text;
    let bytes = text.as_bytes();
    let mut cuts: Vec<usize> = compact.breaks.clone();
    for &b in &compact.boundaries {
        if b > 0 && matches!(bytes[b - 1], b'.' | b'!' | b'?') {
            cuts.push(b);
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    let mut spans = Vec::new();
    let mut start = 0;
    for cut in cuts.into_iter().chain(std::iter::once(text.len())) {
        if cut <= start {
            continue;
        }
        // Long run-on spans: cut at the last separator boundary before the limit, else at a
        // char boundary.
        while cut - start > MAX_CHUNK_BYTES {
            let limit = start + MAX_CHUNK_BYTES;
            let at = compact
                .boundaries
                .iter()
                .rev()
                .find(|&&b| b > start && b <= limit)
                .copied()
                .unwrap_or_else(|| floor_char_boundary(text, limit));
            let at = if at <= start {
                ceil_char_boundary(text, start + 1)
            } else {
                at
            };
            spans.push((start, at));
            start = at;
        }
        if cut > start {
            spans.push((start, cut));
        }
        start = cut;
    }
    spans
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_char_boundary(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Converts lindera tokens (offsets relative to `base` in the compact text) into morphemes.
fn push_tokens(
    lex: &Lexicon,
    tokens: Vec<lindera::token::Token>,
    base: usize,
    out: &mut Vec<Morpheme>,
) {
    for mut t in tokens {
        let unknown = t.word_id.is_unknown();
        let (ts, te) = (base + t.byte_start, base + t.byte_end);
        let surface = t.surface.to_string();
        push_morpheme(lex, &surface, ts, te, &t.details(), unknown, out);
    }
}

/// Dictionary words kept per thread by [`push_known`] before the cache starts over.
const KNOWN_CACHE_ENTRIES: usize = 200_000;

thread_local! {
    /// The morpheme each dictionary word makes (offsets aside), for the lexicon (address)
    /// that holds it: reading a word's details and parsing its expression costs more than
    /// copying the result, and a few thousand words make most of any text.
    static KNOWN: std::cell::RefCell<(usize, KnownWords)> =
        std::cell::RefCell::new((0, KnownWords::default()));
}

/// A dictionary word's morpheme by lexicon and word id.
type KnownWords = rustc_hash::FxHashMap<(Lex, u32), Morpheme>;

/// Appends the morpheme of a system or user dictionary word. Such a word's surface is its
/// dictionary entry's, so the morpheme depends on the word id alone.
fn push_known(
    lex: &Lexicon,
    kind: Lex,
    id: u32,
    surface: &str,
    ts: usize,
    te: usize,
    out: &mut Vec<Morpheme>,
) {
    let owner = lex as *const Lexicon as usize;
    KNOWN.with(|cache| {
        let mut cache = cache.borrow_mut();
        let (cached_owner, words) = &mut *cache;
        if *cached_owner != owner || words.len() >= KNOWN_CACHE_ENTRIES {
            *cached_owner = owner;
            words.clear();
        }
        if let Some(m) = words.get(&(kind, id)) {
            if m.surface == surface {
                let mut m = m.clone();
                m.start = ts;
                m.end = te;
                out.push(m);
                return;
            }
        }
        let details = super::viterbi::details(lex, kind, id);
        push_morpheme(lex, surface, ts, te, &details, false, out);
        if let Some(m) = out.last() {
            words.insert((kind, id), m.clone());
        }
    })
}

/// Appends one morpheme given its dictionary details.
fn push_morpheme(
    lex: &Lexicon,
    surface: &str,
    ts: usize,
    te: usize,
    details: &[&str],
    unknown: bool,
    out: &mut Vec<Morpheme>,
) {
    {
        let surface = surface.to_string();
        let pos = details.first().copied().unwrap_or("UNKNOWN").to_string();
        let kind = match details.get(4).copied() {
            Some("Compound") => MorphKind::Compound,
            Some("Inflect") => MorphKind::Inflect,
            Some("Preanalysis") => MorphKind::Preanalysis,
            _ => MorphKind::Simple,
        };
        let mut parts = match (kind, details.get(7)) {
            (MorphKind::Simple, _) | (_, None) => Vec::new(),
            (_, Some(expr)) => parse_expression(expr),
        };
        let mut kind = kind;
        if kind == MorphKind::Simple
            && (pos.starts_with("NN") || unknown)
            && surface.chars().count() >= MIN_DECOMPOUND_CHARS
        {
            parts = decompound_cached(lex, &surface);
            if !parts.is_empty() {
                kind = MorphKind::Compound;
            }
        }
        out.push(Morpheme {
            surface,
            start: ts,
            end: te,
            pos,
            kind,
            parts,
            unknown,
        });
    }
}

/// Nouns at least this long (in characters) that the dictionary does not mark as compounds are
/// split into dictionary nouns when they can be covered completely (`바이오백신` →
/// 바이오+백신, `바이오헬스` → 바이오+헬스), so that a search for a part finds the whole.
pub const MIN_DECOMPOUND_CHARS: usize = 4;

/// A noun's parts: (surface, POS) each.
type Parts = Vec<(String, String)>;

/// Entries kept per thread by [`decompound_cached`] before the cache starts over.
const DECOMPOUND_CACHE_ENTRIES: usize = 50_000;

thread_local! {
    /// Long nouns repeat across articles (기반산업, 지역특화산업 …); splitting one costs a
    /// dictionary prefix search per character plus a details lookup per candidate.
    static DECOMPOUND_CACHE: std::cell::RefCell<rustc_hash::FxHashMap<(usize, String), Parts>> =
        std::cell::RefCell::new(rustc_hash::FxHashMap::default());
}

/// [`decompound`] with a per-thread cache.
fn decompound_cached(lex: &Lexicon, surface: &str) -> Vec<(String, String)> {
    // Keyed by lexicon too: tests run analyzers with different user dictionaries side by side.
    let key = (lex as *const Lexicon as usize, surface.to_string());
    if let Some(hit) = DECOMPOUND_CACHE.with(|c| c.borrow().get(&key).cloned()) {
        return hit;
    }
    let parts = decompound(&lex.segmenter.dictionary, &lex.user_nouns, surface);
    DECOMPOUND_CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= DECOMPOUND_CACHE_ENTRIES {
            c.clear();
        }
        c.insert(key, parts.clone());
    });
    parts
}

/// Splits `surface` into the fewest dictionary nouns of two or more characters that cover it
/// exactly; empty when there is no such split or it would be the word itself.
pub fn decompound(
    dictionary: &lindera::dictionary::Dictionary,
    user_nouns: &std::collections::HashSet<String>,
    surface: &str,
) -> Vec<(String, String)> {
    let bounds: Vec<usize> = surface
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(surface.len()))
        .collect();
    let n = bounds.len() - 1;
    // best[i]: (parts, previous boundary, POS) of the best cover of surface[..bounds[i]].
    let mut best: Vec<Option<(usize, usize, String)>> = vec![None; n + 1];
    best[0] = Some((0, 0, String::new()));
    for i in 0..n {
        let Some((count, _, _)) = best[i].clone() else {
            continue;
        };
        let from = bounds[i];
        let mut candidates: Vec<(usize, String)> = Vec::new();
        for (end_byte, entry) in dictionary.prefix_dictionary.prefix(&surface[from..]) {
            let details = dictionary.word_details(entry.word_id().id() as usize);
            if let Some(tag) = details.first() {
                if tag.starts_with("NN") && !tag.starts_with("NNB") {
                    candidates.push((from + end_byte, tag.to_string()));
                }
            }
        }
        // User nouns (domain words) can be parts too.
        for j in i + 2..=n {
            if user_nouns.contains(&surface[from..bounds[j]]) {
                candidates.push((bounds[j], "NNG".to_string()));
            }
        }
        for (end, tag) in candidates {
            let j = bounds.partition_point(|&b| b < end);
            if j - i < 2 || (i == 0 && j == n) {
                continue;
            }
            let better = best[j].as_ref().is_none_or(|(c, _, _)| count + 1 < *c);
            if better {
                best[j] = Some((count + 1, i, tag));
            }
        }
    }
    let mut parts = Vec::new();
    let mut j = n;
    while j > 0 {
        let Some((_, i, tag)) = best[j].clone() else {
            return Vec::new();
        };
        parts.push((surface[bounds[i]..bounds[j]].to_string(), tag));
        j = i;
    }
    parts.reverse();
    if parts.len() < 2 {
        return Vec::new();
    }
    parts
}

/// mecab-ko-dic's `left-space-penalty-factor` (dicrc): extra cost of a word that follows a
/// space, by the pos-id classes of `pos-id.def` — endings 3000, particles 6000, copula and
/// suffixes 3000; compounds and pre-analysed words none.
pub fn left_space_penalty(details: &[&str]) -> i64 {
    let kind = details.get(4).copied().unwrap_or("*");
    let tag = match kind {
        "Compound" | "Preanalysis" => return 0,
        "Inflect" => details.get(5).copied().unwrap_or("*"),
        _ => details.first().copied().unwrap_or("*"),
    };
    if tags::is_particle(tag) {
        6000
    } else if tags::is_ending_or_suffix(tag) {
        3000
    } else {
        0
    }
}

/// Parses a ko-dic expression `하/VV/*+아서/EC/*` into (surface, POS) pairs.
pub fn parse_expression(expr: &str) -> Vec<(String, String)> {
    if expr == "*" || expr.is_empty() {
        return Vec::new();
    }
    expr.split('+')
        .filter_map(|p| {
            let mut it = p.split('/');
            let s = it.next()?;
            let pos = it.next()?;
            if s.is_empty() {
                None
            } else {
                Some((s.to_string(), pos.to_string()))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expression_parsing() {
        assert_eq!(
            parse_expression("바이오/NNG/*+헬스/NNG/*"),
            vec![
                ("바이오".to_string(), "NNG".to_string()),
                ("헬스".to_string(), "NNG".to_string())
            ]
        );
        assert!(parse_expression("*").is_empty());
    }

    #[test]
    fn chunks_cut_at_sentence_ends_and_breaks() {
        let c = super::super::normalize::compact("가나다. 라마\n바사");
        let spans = chunks(&c);
        let texts: Vec<&str> = spans.iter().map(|&(a, b)| &c.text[a..b]).collect();
        assert_eq!(texts, vec!["가나다.", "라마", "바사"]);
    }

    #[test]
    fn long_runs_are_cut() {
        let s = "가".repeat(3000);
        let c = super::super::normalize::compact(&s);
        let spans = chunks(&c);
        assert!(spans.iter().all(|&(a, b)| b - a <= MAX_CHUNK_BYTES));
        assert_eq!(spans.last().unwrap().1, c.text.len());
    }
}
