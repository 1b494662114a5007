//! Snippets: the best passage of a hit with the matched words highlighted in the original text.
//!
//! Analysing a whole article per hit would cost milliseconds, so candidate sentences are found
//! by a cheap literal scan for the query terms, and only the chosen window is analysed to get
//! exact highlight offsets. Highlights are ranges of the original surface: `바이오·백신` is one
//! span even though it is two terms, and a range never splits a character.

use std::collections::HashSet;

use crate::analysis::normalize::{compact, is_separator};
use crate::analysis::Analyzer;

/// Target snippet length in characters.
pub const SNIPPET_CHARS: usize = 160;
/// How much of an article is scanned when no term occurs literally (characters).
const FALLBACK_SCAN_CHARS: usize = 3000;

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
/// never occur literally — verb stems such as 밝히 for 밝혔다 — are not highlighted; running the
/// analyzer over the window to find them cost 90% of a query's time
/// (`docs/performance.md`).
pub fn snippet(body: &str, terms: &HashSet<String>, _analyzer: &Analyzer) -> Snippet {
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

/// Byte spans of the terms' literal occurrences in `text`. One-syllable Hangul terms (parts of
/// decomposed compounds such as 식 in 출범식) would light up everywhere and are skipped when
/// longer terms occur.
fn literal_spans(text: &str, terms: &HashSet<String>) -> Vec<(usize, usize)> {
    let folded = text.to_ascii_lowercase();
    let mut long = Vec::new();
    let mut short = Vec::new();
    for t in terms {
        if t.is_empty() {
            continue;
        }
        let ascii_word = t.chars().all(|c| c.is_ascii_alphanumeric());
        let single = !ascii_word && t.chars().count() == 1;
        for (i, _) in folded.match_indices(t.as_str()) {
            let j = i + t.len();
            if ascii_word {
                let before = folded[..i].chars().next_back();
                let after = folded[j..].chars().next();
                if before.is_some_and(|c| c.is_ascii_alphanumeric())
                    || after.is_some_and(|c| c.is_ascii_alphanumeric())
                {
                    continue;
                }
            }
            if single {
                short.push((i, j));
            } else {
                long.push((i, j));
            }
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
    let lower_needed = terms
        .iter()
        .any(|t| t.chars().any(|c| c.is_ascii_lowercase()));
    let sentences = sentence_spans(body);
    let mut best: Option<(usize, usize, usize)> = None;
    for &(a, b) in &sentences {
        let s = &body[a..b];
        let folded;
        let hay: &str = if lower_needed {
            folded = s.to_lowercase();
            &folded
        } else {
            s
        };
        // Separators are invisible to terms (`바이오·백신` holds 백신 after 바이오).
        let compacted;
        let hay = if hay.contains(is_separator_like) {
            compacted = compact(hay).text;
            compacted.as_str()
        } else {
            hay
        };
        let score = terms.iter().filter(|t| hay.contains(t.as_str())).count();
        if score > 0 && best.is_none_or(|x| score > x.0) {
            best = Some((score, a, b));
        }
    }
    let (a, b) = match best {
        Some((_, a, b)) => (a, b),
        None => {
            // No literal occurrence (a stem or a synonym): start of the article.
            let end = char_boundary_after(body, FALLBACK_SCAN_CHARS.min(SNIPPET_CHARS));
            return (0, end);
        }
    };
    fit(body, a, b)
}

fn is_separator_like(c: char) -> bool {
    c != ' ' && c != '\n' && is_separator(c)
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
