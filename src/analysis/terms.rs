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

/// The index terms of `morphemes` (offsets already in the original text); `query`: the terms a
/// query searches (see [`prefixed`]).
pub fn terms_of(morphemes: &[Morpheme], query: bool) -> Vec<Term> {
    let mut terms = Vec::with_capacity(morphemes.len() / 2);
    let mut position = 0usize;
    let mut bigrams_added = false;
    let mut i = 0;
    while i < morphemes.len() {
        let j = word_end(morphemes, i);
        let before = terms.len();
        let first_position = position;
        let word = &morphemes[i..j];
        let mut k = 0;
        while k < word.len() {
            if let Some(joined) = prefixed(word, k, position) {
                terms.push(joined);
                k += 1;
                if query {
                    // The noun is searched with its prefix only; it still takes the positions
                    // it takes in the index (a compound's parts), so the words after it stand
                    // where they stand there.
                    emit_terms(&word[k], &mut position, &mut Vec::new());
                    k += 1;
                    continue;
                }
            }
            emit_terms(&word[k], &mut position, &mut terms);
            k += 1;
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

/// A prefix and the noun after it in one word, as one term at the noun's position
/// (`대기록` = 대/XPN + 기록, `신기술`, `저금리`): the term filter drops prefixes (as Nori's
/// does), so the noun alone would stand for the word, and `신기술` would find every article
/// about any 기술. The index holds the joined term beside the noun (`기술` still finds the
/// article); a query searches the joined term alone, so a word typed is found as that word.
/// `None` unless `word[k]` is a prefix followed in the word by a noun.
fn prefixed(word: &[Morpheme], k: usize, position: usize) -> Option<Term> {
    let (prefix, noun) = (word.get(k)?, word.get(k + 1)?);
    let head = tags::head_tag(&noun.pos);
    if tags::head_tag(&prefix.pos) != "XPN" || !matches!(head, "NNG" | "NNP") {
        return None;
    }
    Some(Term {
        text: format!("{}{}", prefix.surface, noun.surface),
        start: prefix.start,
        end: noun.end,
        position,
        pos: head.to_string(),
    })
}

/// The end of the word that starts at morpheme `i`: a word is morphemes that touch, without
/// punctuation between them.
fn word_end(morphemes: &[Morpheme], i: usize) -> usize {
    let mut j = i + 1;
    while j < morphemes.len()
        && morphemes[j - 1].end == morphemes[j].start
        && !is_punctuation(&morphemes[j - 1])
        && !is_punctuation(&morphemes[j])
    {
        j += 1;
    }
    j
}

/// The words of `morphemes` the dictionary could not read, each as the characters its
/// bigrams are made of (letters and digits of its stem, normalised as the analysis sees them:
/// `헴프`, `k팝스타`, `제1항`): the bigrams [`terms_of`] indexes for it are this string's
/// distinct character pairs. In text order, a word as often as it occurs. The export to
/// OpenSearch carries these words so that the cluster makes the same bigrams (issue 26).
pub fn unknown_words(morphemes: &[Morpheme]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < morphemes.len() {
        let j = word_end(morphemes, i);
        if let Some(chars) = doubtful_stem(&morphemes[i..j]) {
            out.push(chars.into_iter().collect());
        }
        i = j;
    }
    out
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

/// The end of `word`'s stem: particles and endings at the end of the word are not part of it.
fn stem_end(word: &[Morpheme]) -> usize {
    let mut end = word.len();
    while end > 0 && tags::is_attached_grammar(tags::head_tag(&word[end - 1].pos)) {
        end -= 1;
    }
    end
}

/// The letters and digits of `word`'s stem when the word is one the dictionary could not
/// read (its stem holds an interjection, an unknown piece or a one-syllable noun) and they
/// make at least one bigram; `None` otherwise.
fn doubtful_stem(word: &[Morpheme]) -> Option<Vec<char>> {
    let stem = &word[..stem_end(word)];
    let doubtful = stem.iter().any(|m| {
        let head = tags::head_tag(&m.pos);
        head == "IC"
            || (m.unknown && !tags::is_symbol_word(head))
            || (matches!(head, "NNG" | "NNP") && m.surface.chars().count() == 1)
    });
    if !doubtful {
        return None;
    }
    let chars: Vec<char> = stem
        .iter()
        .flat_map(|m| m.surface.chars())
        .filter(|c| c.is_alphanumeric())
        .collect();
    (chars.len() >= 2).then_some(chars)
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
    let Some(chars) = doubtful_stem(word) else {
        return false;
    };
    let stem = &word[..stem_end(word)];
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

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use crate::analysis::{Analyzer, BIGRAM_POS};
    use crate::data::Resources;

    /// A prefix and its noun are one more term at the noun's position in the index, and the
    /// only term of the word in a query: `신기술` typed is not searched as any 기술.
    #[test]
    fn a_prefix_and_its_noun_are_one_term() {
        let res = Resources::embedded().unwrap();
        let analyzer = Analyzer::new(&res.user_words()).unwrap();
        let at = |terms: &[super::Term]| -> Vec<(String, usize)> {
            terms.iter().map(|t| (t.text.clone(), t.position)).collect()
        };
        let index = analyzer.analyze("신기술 개발");
        assert!(
            index.morphemes.iter().any(|m| m.pos.starts_with("XPN")),
            "{index:?}"
        );
        assert_eq!(
            at(&index.terms),
            [("신기술".into(), 0), ("기술".into(), 0), ("개발".into(), 1)]
        );
        let query = analyzer.analyze_query("신기술 개발");
        assert_eq!(at(&query.terms), [("신기술".into(), 0), ("개발".into(), 1)]);
        // The joined term spans both, for highlighting.
        assert_eq!(
            (index.terms[0].start, index.terms[0].end),
            (0, "신기술".len())
        );
    }

    /// The bigrams of [`super::unknown_words`] (each word's distinct character pairs) are
    /// exactly the bigram terms the analysis indexes: what the export's bigram fields rebuild.
    #[test]
    fn unknown_words_spell_the_bigram_terms() {
        let res = Resources::embedded().unwrap();
        let analyzer = Analyzer::new(&res.user_words()).unwrap();
        let text = "헴프를 K팝스타의 제1항 웅부관 ＡＢＣ대학교에서 2조원, 제2조 제2항에 따라 하하하하 청년 일자리";
        let words = analyzer.unknown_words(text);
        assert!(words.contains(&"헴프".to_string()), "{words:?}");
        assert!(words.contains(&"k팝스타".to_string()), "{words:?}");
        assert!(words.contains(&"제1항".to_string()), "{words:?}");
        assert!(!words.iter().any(|w| w.contains("청년")), "{words:?}");
        let mut from_words: Vec<String> = Vec::new();
        for w in &words {
            let chars: Vec<char> = w.chars().collect();
            let mut seen = HashSet::new();
            for pair in chars.windows(2) {
                let b: String = pair.iter().collect();
                if seen.insert(b.clone()) {
                    from_words.push(b);
                }
            }
        }
        let mut indexed: Vec<String> = analyzer
            .terms(text)
            .into_iter()
            .filter(|t| t.pos == BIGRAM_POS)
            .map(|t| t.text)
            .collect();
        from_words.sort();
        indexed.sort();
        assert!(!indexed.is_empty());
        assert_eq!(from_words, indexed);
    }
}
