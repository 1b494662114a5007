//! Morphological segmentation with lindera ko-dic, MeCab-style: separators stay out of the lattice.
//!
//! lindera puts every space into the Viterbi lattice as a SPACE node, which drops the connection
//! cost between the words on either side; only 40% of the seed sentences then segment as MeCab-ko
//! does (97.6% with spaces out of the lattice, `../shared/ko-dic/README.md`). So the compact text
//! (no separators) is segmented, and a token that would straddle a removed separator — something
//! MeCab-ko can never produce — makes us re-segment the two sides separately.

use std::borrow::Cow;

use lindera::segmenter::Segmenter;
use serde::Serialize;

use super::normalize::Compact;

/// Longest run of compact text given to the lattice in one call. Lattice work grows with the
/// length; sentences are cut at line breaks and sentence ends first, and only run-on text
/// without either (tables, dumps) is cut here, at the last separator before the limit.
pub const MAX_CHUNK_BYTES: usize = 2048;

/// The dictionaries the segmenter reads: lindera's (system + user) and the user nouns, which
/// noun decomposition may use as parts (`수소충전소` → 수소 + 충전소).
pub struct Lexicon {
    pub segmenter: Segmenter,
    pub user_nouns: std::collections::HashSet<String>,
}

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

/// Segments a compact text into morphemes.
pub fn segment(lex: &Lexicon, compact: &Compact) -> Vec<Morpheme> {
    let mut out = Vec::new();
    for (start, end) in chunks(compact) {
        segment_span(lex, compact, start, end, &mut out, 0);
    }
    out
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

/// Paths of a window's lattice examined for the one MeCab-ko would choose. With windows of
/// [`WINDOW_WORDS`] words on each side, 256 brings the seed sentences to the agreement with
/// MeCab-ko that `tests/analysis.rs` checks.
const NBEST_CANDIDATES: usize = 256;
/// Paths costing more than the window's best path plus this are not generated: a larger gap
/// than one particle's left-space penalty (6000) almost never pays off, and generating the
/// n-best paths is the analyzer's most expensive step.
const NBEST_SLACK: i64 = 6000;
/// Longest window searched with n-best paths (bytes of compact text; about 80 Hangul).
const WINDOW_MAX_BYTES: usize = 240;
/// Words (space-separated runs) on each side of a problem spot that are re-analysed together.
const WINDOW_WORDS: usize = 2;

/// Depth bound for cutting at spaces; each level cuts at one or more spaces, so this is never
/// reached in practice, but it bounds the work on adversarial input.
const MAX_RESEGMENT_DEPTH: usize = 16;

/// Segments the compact span `[start, end)` and appends its morphemes to `out`.
///
/// The 1-best path of the whole span is taken where it agrees with MeCab-ko's rules for
/// spaces. Where it puts a word across a removed space (MeCab-ko never does) or starts a
/// particle/ending right after one (MeCab-ko adds `left-space-penalty-factor`), a small window
/// of words around that spot is re-analysed: its n-best paths are walked in cost order and the
/// cheapest one under MeCab-ko's rules replaces the 1-best there.
fn segment_span(
    lex: &Lexicon,
    compact: &Compact,
    start: usize,
    end: usize,
    out: &mut Vec<Morpheme>,
    depth: usize,
) {
    let text = &compact.text[start..end];
    let Ok(mut tokens) = lex.segmenter.segment(Cow::Borrowed(text)) else {
        return;
    };
    let inner = compact.boundaries_inside(start, end);
    if inner.is_empty() || depth >= MAX_RESEGMENT_DEPTH {
        push_tokens(lex, tokens, start, out);
        return;
    }
    // Problem spots: spaces crossed by a word, or followed by a penalised word.
    let mut problems: Vec<usize> = Vec::new();
    let mut edges: Vec<usize> = Vec::with_capacity(tokens.len() + 1);
    for t in tokens.iter_mut() {
        let (ts, te) = (start + t.byte_start, start + t.byte_end);
        edges.push(ts);
        let a = inner.partition_point(|&b| b <= ts);
        if a < inner.len() && inner[a] < te {
            problems.push(a);
        }
        if let Ok(i) = inner.binary_search(&ts) {
            if left_space_penalty(&t.details()) > 0 {
                problems.push(i);
            }
        }
    }
    edges.push(end);
    if problems.is_empty() {
        push_tokens(lex, tokens, start, out);
        return;
    }
    problems.sort_unstable();
    problems.dedup();
    // Windows of a few words around each spot, widened until both ends fall between two
    // words of the 1-best path, then merged.
    let is_edge = |x: usize| edges.binary_search(&x).is_ok();
    let mut windows: Vec<(usize, usize)> = Vec::new();
    for &p in &problems {
        let mut a = p
            .checked_sub(WINDOW_WORDS)
            .map(|i| inner[i])
            .unwrap_or(start);
        let mut ai = p.saturating_sub(WINDOW_WORDS);
        while a != start && !is_edge(a) {
            if ai == 0 {
                a = start;
            } else {
                ai -= 1;
                a = inner[ai];
            }
        }
        let mut bi = p + WINDOW_WORDS;
        let mut b = inner.get(bi).copied().unwrap_or(end);
        while b != end && !is_edge(b) {
            bi += 1;
            b = inner.get(bi).copied().unwrap_or(end);
        }
        match windows.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => windows.push((a, b)),
        }
    }
    let mut cursor = start;
    let mut pending: Vec<lindera::token::Token> = Vec::new();
    let mut rest = tokens.into_iter().peekable();
    for (a, b) in windows {
        // 1-best words before the window.
        while let Some(t) = rest.next_if(|t| start + t.byte_start < a) {
            pending.push(t);
        }
        push_tokens(lex, std::mem::take(&mut pending), start, out);
        while rest.next_if(|t| start + t.byte_start < b).is_some() {}
        resolve_window(lex, compact, a, b, out, depth);
        cursor = b;
    }
    let tail: Vec<_> = rest.collect();
    debug_assert!(tail.iter().all(|t| start + t.byte_start >= cursor));
    push_tokens(lex, tail, start, out);
}

/// Re-analyses the window `[a, b)` under MeCab-ko's rules for spaces.
fn resolve_window(
    lex: &Lexicon,
    compact: &Compact,
    a: usize,
    b: usize,
    out: &mut Vec<Morpheme>,
    depth: usize,
) {
    let text = &compact.text[a..b];
    let inner = compact.boundaries_inside(a, b);
    let crosses = |p: &[lindera::token::Token]| {
        p.iter().any(|t| {
            let (ts, te) = (a + t.byte_start, a + t.byte_end);
            let i = inner.partition_point(|&x| x <= ts);
            i < inner.len() && inner[i] < te
        })
    };
    let mut best: Option<(i64, Vec<lindera::token::Token>)> = None;
    // Text where nearly every word is a problem spot (`가 가 가 …`) merges into one long
    // window; its n-best search would cost seconds, so such windows are only cut at spaces.
    let paths = if text.len() > WINDOW_MAX_BYTES {
        Ok(Vec::new())
    } else {
        lex.segmenter.segment_nbest(
            Cow::Borrowed(text),
            NBEST_CANDIDATES,
            false,
            Some(NBEST_SLACK),
        )
    };
    if let Ok(paths) = paths {
        for (mut p, cost) in paths {
            // Penalties are never negative: no later (costlier) path can beat `best`.
            if best.as_ref().is_some_and(|(x, _)| cost >= *x) {
                break;
            }
            if crosses(&p) {
                continue;
            }
            let penalty: i64 = p
                .iter_mut()
                .filter(|t| inner.binary_search(&(a + t.byte_start)).is_ok())
                .map(|t| left_space_penalty(&t.details()))
                .sum();
            if best.as_ref().is_none_or(|(x, _)| cost + penalty < *x) {
                best = Some((cost + penalty, p));
            }
        }
    }
    match best {
        Some((_, p)) => push_tokens(lex, p, a, out),
        None => {
            // No path without a word across a space among the candidates: cut at the spaces.
            let mut s = a;
            for &c in inner.iter().chain(std::iter::once(&b)) {
                if c > s {
                    segment_span(lex, compact, s, c, out, depth + 1);
                }
                s = c;
            }
        }
    }
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
        let surface = t.surface.to_string();
        let (ts, te) = (base + t.byte_start, base + t.byte_end);
        let details = t.details();
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

/// Entries kept per thread by [`decompound_cached`] before the cache starts over.
const DECOMPOUND_CACHE_ENTRIES: usize = 50_000;

thread_local! {
    /// Long nouns repeat across articles (기반산업, 지역특화산업 …); splitting one costs a
    /// dictionary prefix search per character plus a details lookup per candidate.
    static DECOMPOUND_CACHE: std::cell::RefCell<std::collections::HashMap<(usize, String), Vec<(String, String)>>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
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
    if tag.starts_with('J') {
        6000
    } else if tag.starts_with('E') || matches!(tag, "VCP" | "XSA" | "XSN" | "XSV") {
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
