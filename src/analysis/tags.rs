//! Part-of-speech tags: which become index terms (the POS stop list) and which are grammar.
//!
//! Every decision the analyzer takes on a mecab-ko-dic tag is a predicate here, so the lists
//! are written once: the stop list of the term filter, the grammar that attaches to a word
//! (used by the lattice's space penalty and by the unknown-word rule), the punctuation that
//! ends a word.
//!
//! Korean carries grammar in particles and endings glued to content words (`인공지능을`,
//! `육성한다`). Those carry no meaning for search, so they are dropped by POS, like Lucene Nori's
//! `KoreanPartOfSpeechStopFilter`. Nori's default stop tags are E*, IC, J*, MAG, MAJ, MM, SP, SSC,
//! SSO, SC, SE, XPN, XSA, XSN, XSV, UNA, NA, VSV. We keep the same idea with three differences,
//! each measured on the seeds and eval queries:
//! - bound nouns and counters (NNB `것/수/등`, NNBC `년/명/개`) are dropped: they are the most
//!   frequent nouns in news text and match everything;
//! - pronouns, numerals-as-words, copulas and auxiliary predicates (NP, NR, VCP, VCN, VX) are
//!   dropped for the same reason;
//! - symbols other than foreign words, Hanja and numbers (SL, SH, SN) are dropped; numbers stay
//!   because users search `4차산업혁명`, `5G`, `2차전지`.

/// POS prefixes/tags that are dropped (a tag matches when it equals an entry or starts with an
/// entry that ends in `*`).
pub const STOP_TAGS: &[&str] = &[
    "E*", "J*", "IC", "MAG", "MAJ", "MM", "NNB", "NNBC", "NP", "NR", "VCP", "VCN", "VX", "XPN",
    "XSA", "XSN", "XSV", "SF", "SE", "SSO", "SSC", "SC", "SY", "UNA", "NA", "VSV",
];

/// True when a morpheme with this (single) tag becomes an index term.
pub fn is_content(tag: &str) -> bool {
    !STOP_TAGS.iter().any(|stop| match stop.strip_suffix('*') {
        Some(prefix) => tag.starts_with(prefix),
        None => tag == *stop,
    })
}

/// The first tag of a possibly combined tag such as `VV+EC`.
pub fn head_tag(tag: &str) -> &str {
    tag.split('+').next().unwrap_or(tag)
}

/// Particles (J*: 이/가, 을/를, 의, 에서 …).
pub fn is_particle(tag: &str) -> bool {
    tag.starts_with('J')
}

/// Endings, the copula and suffixes (E*, VCP, XSA, XSN, XSV): grammar that, like a particle,
/// attaches to the word before it and never starts a word.
pub fn is_ending_or_suffix(tag: &str) -> bool {
    tag.starts_with('E') || matches!(tag, "VCP" | "XSA" | "XSN" | "XSV")
}

/// Grammar glued to the end of a word: particles, endings, the copula, suffixes.
pub fn is_attached_grammar(tag: &str) -> bool {
    is_particle(tag) || is_ending_or_suffix(tag)
}

/// Symbols that are words: foreign (Latin) words, numbers, Hanja.
pub fn is_symbol_word(tag: &str) -> bool {
    matches!(tag, "SL" | "SN" | "SH")
}

/// Punctuation and other symbols (S* except [`is_symbol_word`]): they end a word.
pub fn is_punctuation(tag: &str) -> bool {
    tag.starts_with('S') && !is_symbol_word(tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_tags() {
        for t in ["NNG", "NNP", "VV", "VA", "XR", "SL", "SH", "SN", "UNKNOWN"] {
            assert!(is_content(t), "{t}");
        }
        for t in [
            "JKS", "JX", "EC", "EF", "ETM", "XSV", "NNB", "VCP", "SF", "SY",
        ] {
            assert!(!is_content(t), "{t}");
        }
    }

    #[test]
    fn head_of_combined_tag() {
        assert_eq!(head_tag("VV+EC"), "VV");
        assert_eq!(head_tag("NNG"), "NNG");
    }

    #[test]
    fn grammar_and_punctuation_classes() {
        for t in ["JKG", "JX", "EC", "ETM", "VCP", "XSN"] {
            assert!(is_attached_grammar(t), "{t}");
            assert!(!is_content(t), "{t}");
        }
        for t in ["NNG", "VV", "SL", "MAG"] {
            assert!(!is_attached_grammar(t), "{t}");
        }
        for t in ["SF", "SSO", "SC", "SY"] {
            assert!(is_punctuation(t), "{t}");
        }
        for t in ["SL", "SN", "SH", "NNG"] {
            assert!(!is_punctuation(t), "{t}");
        }
    }
}
