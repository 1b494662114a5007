//! Snippets: the best passage of a hit with the matched words highlighted in the original text.
//!
//! Nothing here runs the analyzer: analysing the article (or even the chosen window) of every
//! hit would cost more than the rest of the search (docs/performance.md). The query's terms
//! (from `plan`) are looked for literally instead: the sentence with the most distinct terms
//! is the passage, grown to `SNIPPET_CHARS`, and the literal occurrences in it are the
//! highlights. Highlights are ranges of the original surface: `바이오·백신` is one span even
//! though it is two terms, and a range never splits a character. `hit` calls [`snippet`] for
//! each hit of a page.

use std::collections::HashSet;

use crate::analysis::normalize::is_separator;

/// Target snippet length in characters.
pub(crate) const SNIPPET_CHARS: usize = 160;

/// A snippet and its highlights as character ranges into `text`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Snippet {
    pub text: String,
    /// `[start, end)` in characters (Unicode scalar values) of `text`.
    pub highlights: Vec<[usize; 2]>,
}

/// Builds the snippet of `body` for the query `terms` (normalised term texts).
///
/// Highlights are the literal occurrences of the terms in the chosen window (ASCII
/// case-insensitive, Latin terms only as whole words), joined across separators. Terms that
/// never occur literally — verb stems such as 밝히 for 밝혔다 — are not highlighted.
pub fn snippet(body: &str, terms: &HashSet<String>) -> Snippet {
    if body.is_empty() {
        return Snippet::default();
    }
    let (start, end) = best_window(body, terms);
    let window = &body[start..end];
    let mut spans = literal_spans(window, terms);
    spans.sort_unstable();
    let merged = merge_spans(window, spans);
    let prefix = if body[..start].trim().is_empty() {
        ""
    } else {
        "…"
    };
    let suffix = if body[end..].trim().is_empty() {
        ""
    } else {
        "…"
    };
    let mut text = String::with_capacity(window.len() + 8);
    text.push_str(prefix);
    let base_chars = prefix.chars().count();
    let mut highlights = Vec::new();
    for (a, b) in merged {
        let ca = base_chars + window[..a].chars().count();
        let cb = ca + window[a..b].chars().count();
        highlights.push([ca, cb]);
    }
    // Newlines inside a snippet become spaces (one line per hit).
    text.extend(
        window
            .chars()
            .map(|c| if c == '\n' || c == '\r' { ' ' } else { c }),
    );
    text.push_str(suffix);
    Snippet { text, highlights }
}

/// Highlights of the terms' literal occurrences in the whole of `text` (an article shown in
/// full), as `[start, end)` character ranges, by the same rules as [`snippet`]'s.
pub fn highlight_all(text: &str, terms: &HashSet<String>) -> Vec<[usize; 2]> {
    let mut spans = literal_spans(text, terms);
    spans.sort_unstable();
    let mut out = Vec::new();
    let (mut byte, mut chars) = (0, 0);
    for (a, b) in merge_spans(text, spans) {
        chars += text[byte..a].chars().count();
        let len = text[a..b].chars().count();
        out.push([chars, chars + len]);
        chars += len;
        byte = b;
    }
    out
}

/// Byte spans of the terms' literal occurrences in `text`. One-syllable Hangul terms (parts of
/// decomposed compounds such as 식 in 출범식) would light up everywhere and are skipped when
/// longer terms occur.
fn literal_spans(text: &str, terms: &HashSet<String>) -> Vec<(usize, usize)> {
    let mut long = Vec::new();
    let mut short = Vec::new();
    for t in terms {
        let spans = term_spans(text, t);
        if is_single_syllable(t) {
            short.extend(spans);
        } else {
            long.extend(spans);
        }
    }
    if long.is_empty() {
        short
    } else {
        long
    }
}

/// Joins spans that touch or are separated only by separators (`바이오·백신` → one span).
fn merge_spans(text: &str, spans: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (a, b) in spans {
        if let Some(last) = out.last_mut() {
            if a <= last.1 {
                last.1 = last.1.max(b);
                continue;
            }
            let gap = &text[last.1..a];
            if gap.chars().count() <= 2 && gap.chars().all(is_separator) {
                last.1 = b;
                continue;
            }
        }
        out.push((a, b));
    }
    out
}

/// Byte range of the best window: the sentence with the most distinct query terms (literal
/// match), grown with neighbouring text up to [`SNIPPET_CHARS`].
fn best_window(body: &str, terms: &HashSet<String>) -> (usize, usize) {
    // Where each term occurs, found once over the whole body (one pass per term).
    let mut hits: Vec<(usize, usize)> = Vec::new(); // (byte offset, term index)
    let spans_by_term: Vec<Vec<(usize, usize)>> =
        terms.iter().map(|t| term_spans(body, t)).collect();
    let has_long = terms
        .iter()
        .zip(&spans_by_term)
        .any(|(t, s)| !s.is_empty() && !is_single_syllable(t));
    for (i, (t, spans)) in terms.iter().zip(&spans_by_term).enumerate() {
        if has_long && is_single_syllable(t) {
            continue;
        }
        hits.extend(spans.iter().map(|&(a, _)| (a, i)));
    }
    if hits.is_empty() {
        // No literal occurrence (a stem or a synonym): start of the article.
        let end = char_boundary_after(body, SNIPPET_CHARS);
        return (0, end);
    }
    hits.sort_unstable();
    // The sentence with the most distinct terms (earliest on ties).
    let mut best: Option<(usize, usize, usize)> = None;
    let mut k = 0;
    let mut seen: Vec<usize> = Vec::new();
    for (a, b) in sentence_spans(body) {
        while k < hits.len() && hits[k].0 < a {
            k += 1;
        }
        seen.clear();
        let mut j = k;
        while j < hits.len() && hits[j].0 < b {
            if !seen.contains(&hits[j].1) {
                seen.push(hits[j].1);
            }
            j += 1;
        }
        let score = seen.len();
        if score > 0 && best.is_none_or(|x| score > x.0) {
            best = Some((score, a, b));
        }
    }
    match best {
        Some((_, a, b)) => fit(body, a, b),
        None => (0, char_boundary_after(body, SNIPPET_CHARS)),
    }
}

fn is_single_syllable(t: &str) -> bool {
    !t.chars().all(|c| c.is_ascii_alphanumeric()) && t.chars().count() == 1
}

/// Literal occurrences of one normalised term in `text`: ASCII case-insensitive, Latin and
/// number terms only as whole words.
fn term_spans(text: &str, term: &str) -> Vec<(usize, usize)> {
    if term.is_empty() {
        return Vec::new();
    }
    let ascii_word = term.chars().all(|c| c.is_ascii_alphanumeric());
    let folded;
    let hay: &str = if term.bytes().any(|b| b.is_ascii_lowercase()) {
        folded = text.to_ascii_lowercase();
        &folded
    } else {
        text
    };
    hay.match_indices(term)
        .map(|(i, _)| (i, i + term.len()))
        .filter(|&(i, j)| {
            !ascii_word
                || !(hay[..i]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_ascii_alphanumeric())
                    || hay[j..]
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_alphanumeric()))
        })
        .collect()
}

/// Grows or trims `[a, b)` to about [`SNIPPET_CHARS`].
fn fit(body: &str, a: usize, b: usize) -> (usize, usize) {
    let len = body[a..b].chars().count();
    if len >= SNIPPET_CHARS {
        return (a, char_boundary_after_from(body, a, SNIPPET_CHARS));
    }
    let extra = SNIPPET_CHARS - len;
    // Extend forward first (the sentence after gives context), then back.
    let end = char_boundary_after_from(body, b, extra);
    let used = body[b..end].chars().count();
    let back = extra - used;
    let start = char_boundary_before(body, a, back);
    (start, end)
}

fn char_boundary_after(s: &str, chars: usize) -> usize {
    char_boundary_after_from(s, 0, chars)
}

fn char_boundary_after_from(s: &str, from: usize, chars: usize) -> usize {
    s[from..]
        .char_indices()
        .nth(chars)
        .map(|(i, _)| from + i)
        .unwrap_or(s.len())
}

fn char_boundary_before(s: &str, at: usize, chars: usize) -> usize {
    if chars == 0 {
        return at;
    }
    s[..at]
        .char_indices()
        .rev()
        .nth(chars - 1)
        .map(|(i, _)| i)
        .unwrap_or(0)
}

/// Sentence byte spans: split after `.`/`!`/`?` followed by whitespace, and at line breaks.
fn sentence_spans(body: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = 0;
    let bytes = body.as_bytes();
    for (i, c) in body.char_indices() {
        let end_here = match c {
            '\n' => true,
            '.' | '!' | '?' => bytes.get(i + 1).is_none_or(|b| b.is_ascii_whitespace()),
            _ => false,
        };
        if end_here {
            let e = i + c.len_utf8();
            if !body[start..e].trim().is_empty() {
                spans.push((start, e));
            }
            start = e;
        }
    }
    if start < body.len() && !body[start..].trim().is_empty() {
        spans.push((start, body.len()));
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_highlights() {
        let terms: HashSet<String> = ["바이오", "백신", "ai", "식"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let text = "AI융합 바이오·백신 daily 출범식";
        let spans = merge_spans(text, {
            let mut s = literal_spans(text, &terms);
            s.sort_unstable();
            s
        });
        let words: Vec<&str> = spans.iter().map(|&(a, b)| &text[a..b]).collect();
        assert_eq!(words, vec!["AI", "바이오·백신"]);
    }

    #[test]
    fn merge_across_middle_dot() {
        let t = "바이오·백신산업";
        let spans = vec![(0, "바이오".len()), ("바이오·".len(), "바이오·백신".len())];
        assert_eq!(merge_spans(t, spans), vec![(0, "바이오·백신".len())]);
    }

    #[test]
    fn window_prefers_sentence_with_more_terms() {
        let body = "첫 문장은 관계없다. 바이오 산업을 키운다. 바이오·백신 분야를 키운다.";
        let terms: HashSet<String> = ["바이오", "백신"].iter().map(|s| s.to_string()).collect();
        let (a, _) = best_window(body, &terms);
        assert!(body[a..].starts_with("첫") || body[a..].contains("바이오·백신"));
    }

    #[test]
    fn boundaries_never_split_chars() {
        let body = "가".repeat(500);
        let (a, b) = fit(&body, 30, 60);
        assert!(body.is_char_boundary(a) && body.is_char_boundary(b));
    }
}
