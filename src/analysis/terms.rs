//! Morphemes → index terms: the POS filter ([`super::tags`]), compounds indexed whole and as
//! parts at the same positions (like Nori's `mixed` mode), inflected words by their stems, and
//! the character bigrams of words the dictionary could not read.

use serde::Serialize;

use super::segment::{MorphKind, Morpheme};
use super::tags;

/// An index term: normalised text, original byte range, token position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Term {
    pub text: String,
    /// Byte range in the original text (for highlighting).
    pub start: usize,
    pub end: usize,
    pub position: usize,
    /// The POS tag that made this a term (`NNG`, `NNP`, `VV`, …).
    pub pos: String,
}

/// POS given to the character bigrams of a word the dictionary could not read.
pub const BIGRAM_POS: &str = "BIGRAM";

/// The index terms of `morphemes` (offsets already in the original text).
pub fn terms_of(morphemes: &[Morpheme]) -> Vec<Term> {
    let mut terms = Vec::with_capacity(morphemes.len() / 2);
    let mut position = 0usize;
    let mut bigrams_added = false;
    let mut i = 0;
    while i < morphemes.len() {
        // A word: morphemes that touch, without punctuation between them.
        let mut j = i + 1;
        while j < morphemes.len()
            && morphemes[j - 1].end == morphemes[j].start
            && !is_punctuation(&morphemes[j - 1])
            && !is_punctuation(&morphemes[j])
        {
            j += 1;
        }
        let before = terms.len();
        let first_position = position;
        for m in &morphemes[i..j] {
            emit_terms(m, &mut position, &mut terms);
        }
        let had_terms = terms.len() > before;
        let word_position = if had_terms {
            Some(first_position)
        } else {
            None
        };
        bigrams_added |=
            unknown_word_bigrams(&morphemes[i..j], word_position, &mut position, &mut terms);
        i = j;
    }
    if bigrams_added {
        terms.sort_by_key(|t| t.position);
    }
    terms
}

fn is_punctuation(m: &Morpheme) -> bool {
    tags::is_punctuation(tags::head_tag(&m.pos))
}

/// Turns one morpheme into zero or more terms, advancing `position`.
fn emit_terms(m: &Morpheme, position: &mut usize, out: &mut Vec<Term>) {
    let head = tags::head_tag(&m.pos);
    // Every term of a morpheme spans the whole morpheme in the original text.
    let mut push = |text: &str, pos: &str, at: usize| {
        out.push(Term {
            text: text.to_string(),
            start: m.start,
            end: m.end,
            position: at,
            pos: pos.to_string(),
        })
    };
    let content_parts: Vec<&(String, String)> = m
        .parts
        .iter()
        .filter(|(_, t)| tags::is_content(t))
        .collect();
    match m.kind {
        MorphKind::Compound if tags::is_content(head) => {
            push(&m.surface, head, *position);
            if content_parts.len() > 1 {
                for (i, (s, t)) in content_parts.iter().enumerate() {
                    push(s, t, *position + i);
                }
                *position += content_parts.len();
            } else {
                *position += 1;
            }
        }
        MorphKind::Inflect | MorphKind::Preanalysis if !m.parts.is_empty() => {
            for (s, t) in content_parts {
                push(s, t, *position);
                *position += 1;
            }
        }
        _ => {
            if tags::is_content(head) {
                push(&m.surface, head, *position);
                *position += 1;
            }
        }
    }
}

/// Words the dictionary does not know often come out as junk: `헴프` → 헴/IC 프/VX, or 헴/NNP
/// 프/VX next to other words, which leaves nothing (or only a one-syllable noun) to search for.
/// For a word whose stem contains an interjection, an unknown piece or a one-syllable noun,
/// its character bigrams are indexed as well (`헴프` → 헴프; `웅부관` → 웅부, 부관), so the
/// same word finds itself wherever it stands. Particles and endings at the end of the word
/// are not part of the stem. Returns whether bigrams were added.
fn unknown_word_bigrams(
    word: &[Morpheme],
    word_position: Option<usize>,
    position: &mut usize,
    out: &mut Vec<Term>,
) -> bool {
    let mut end = word.len();
    while end > 0 {
        if !tags::is_attached_grammar(tags::head_tag(&word[end - 1].pos)) {
            break;
        }
        end -= 1;
    }
    let stem = &word[..end];
    let doubtful = stem.iter().any(|m| {
        let head = tags::head_tag(&m.pos);
        head == "IC"
            || (m.unknown && !tags::is_symbol_word(head))
            || (matches!(head, "NNG" | "NNP") && m.surface.chars().count() == 1)
    });
    if !doubtful {
        return false;
    }
    let chars: Vec<char> = stem
        .iter()
        .flat_map(|m| m.surface.chars())
        .filter(|c| c.is_alphanumeric())
        .collect();
    if chars.len() < 2 {
        return false;
    }
    let (start, end_byte) = (stem[0].start, stem[stem.len() - 1].end);
    let mut seen = std::collections::HashSet::new();
    for pair in chars.windows(2) {
        let text: String = pair.iter().collect();
        if !seen.insert(text.clone()) {
            continue;
        }
        let p = match word_position {
            Some(p) => p,
            None => {
                *position += 1;
                *position - 1
            }
        };
        out.push(Term {
            text,
            start,
            end: end_byte,
            position: p,
            pos: BIGRAM_POS.to_string(),
        });
    }
    true
}
