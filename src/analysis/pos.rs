//! Which parts of speech become index terms.
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
}
