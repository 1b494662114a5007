//! `index.json`: the settings and mappings of the cluster's index, with kpolicy's Korean analysis
//! carried over to Nori (the Lucene analyzer over the same mecab-ko-dic) as far as Nori allows.
//!
//! | kpolicy (`src/analysis`) | the exported chain |
//! |---|---|
//! | middle dots and bullets are separators (`normalize::SEPARATORS`) | `mapping` char filter: each → a space |
//! | user dictionary: gazetteer names + `data/domain_nouns.txt` | `nori_tokenizer` `user_dictionary_rules`, with the parts kpolicy indexes a compound by |
//! | compounds indexed whole and as parts | `decompound_mode: mixed` at index time |
//! | Latin lower-cased | `lowercase` filter |
//! | POS stop list (`tags::STOP_TAGS`) | `nori_part_of_speech` `stoptags` (each of Nori's endings `EP EF EC ETN ETM` and particles `JK* JX JC` by name) |
//! | query-time synonyms (`data/synonyms.tsv`) | `synonym_graph` in the search analyzer only |
//! | character bigrams of the words the dictionary cannot read (`terms::unknown_words`) | the bulk file carries those words in `title_unknown` / `body_unknown`; their analyzer (`whitespace`, `ngram` 2–2, `unique` per position) makes the same bigrams |
//! | BM25 over the body with its length scale (`rank::weights::BODY_LENGTH_SCALE`) | the body's `similarity`: BM25 k1 0.9, b 2/3 |
//!
//! Queries are analysed with `decompound_mode: discard` (the parts only): a compound typed then
//! matches its parts next to each other, as kpolicy matches it, and the synonym rules can be
//! parsed (a rule word analysed in `mixed` mode yields stacked tokens, which `synonym_graph`
//! rejects). The index holds both the whole and the parts, so both modes find the same text.
//!
//! What Nori cannot do is left out and listed in docs/scale-out.md: NFKC (the bulk file carries
//! kpolicy's cleaned text, but a query is not normalised), the findability fallback field,
//! MeCab-ko's space penalty.

use serde_json::{json, Value};

use crate::analysis::normalize::SEPARATORS;
use crate::analysis::tags::is_content;
use crate::analysis::Analyzer;
use crate::data::Resources;

/// Name of the index analyzer (Nori, compounds whole and as parts).
pub const INDEX_ANALYZER: &str = "kpolicy_index";
/// Name of the search analyzer (Nori, compounds as parts, synonyms).
pub const SEARCH_ANALYZER: &str = "kpolicy_search";
/// Name of the analyzer of `title_unknown` and `body_unknown`: the words kpolicy's dictionary
/// cannot read, as the bulk file carries them (`헴프`, `제1항`), into their distinct character
/// bigrams per word (`제1`, `1항`), the terms kpolicy indexes for them.
pub const BIGRAM_ANALYZER: &str = "kpolicy_bigrams";
/// Name of the analyzer of the `tree` sub-fields (`/경상북도/안동시` → `/경상북도`,
/// `/경상북도/안동시`).
pub const PATH_ANALYZER: &str = "kpolicy_region_path";

/// BM25 of the body as kpolicy scores it: tantivy's k1 = 1.2, b = 0.75 with the average body
/// length scaled by `BODY_LENGTH_SCALE` (1.5) is k1·(1 − b) = 0.3 and k1·b/1.5 = 0.6, i.e.
/// k1 = 0.9, b = 2/3. The title keeps Lucene's default (k1 1.2, b 0.75), as in kpolicy.
const BODY_K1: f64 = 0.9;
const BODY_B: f64 = 0.6667;

/// Every POS tag Nori knows (Lucene's `org.apache.lucene.analysis.ko.POS.Tag`, the
/// mecab-ko-dic tag set): `stoptags` must name these exactly, a prefix such as `E` is refused.
const NORI_TAGS: &[&str] = &[
    "EP", "EF", "EC", "ETN", "ETM", "IC", "JKS", "JKC", "JKG", "JKO", "JKB", "JKV", "JKQ", "JX",
    "JC", "MAG", "MAJ", "MM", "NNG", "NNP", "NNB", "NNBC", "NP", "NR", "SF", "SH", "SL", "SN",
    "SP", "SSC", "SSO", "SC", "SY", "SE", "VA", "VCN", "VCP", "VV", "VX", "XPN", "XR", "XSA",
    "XSN", "XSV", "UNKNOWN", "UNA", "NA", "VSV",
];

/// kpolicy's stop list (`tags::STOP_TAGS`, whose `E*` and `J*` cover every ending and particle)
/// in Nori's tag names, plus `SP` (a space), which kpolicy never makes a token of.
pub fn nori_stop_tags() -> Vec<String> {
    NORI_TAGS
        .iter()
        .filter(|t| **t == "SP" || !is_content(t))
        .map(|t| t.to_string())
        .collect()
}

/// The char filter's rules: every separator kpolicy folds (middle dots, bullets, NBSP, BOM)
/// becomes a space, so `바이오·백신` is `바이오 백신` for Nori too.
pub fn separator_mappings() -> Vec<String> {
    SEPARATORS
        .iter()
        .chain(&['\u{00A0}', '\u{FEFF}'])
        .map(|c| format!("{c} => \\u0020"))
        .collect()
}

/// Nori's user dictionary rules: one word per line, followed by the parts kpolicy indexes it by
/// when it indexes it as a compound (`이차전지 이차 전지`); Nori then emits the whole and the
/// parts in `mixed` mode, at the positions kpolicy gives them.
pub fn user_dictionary_rules(res: &Resources, analyzer: &Analyzer) -> Vec<String> {
    let mut rules: Vec<String> = res
        .user_words()
        .into_iter()
        .filter(|w| !w.surface.is_empty() && !w.surface.contains(char::is_whitespace))
        .map(|w| {
            let parts = compound_parts(analyzer, &w.surface);
            if parts.is_empty() {
                w.surface
            } else {
                format!("{} {}", w.surface, parts.join(" "))
            }
        })
        .collect();
    rules.sort();
    rules.dedup();
    rules
}

/// The parts kpolicy indexes `word` by besides the whole, when they spell it exactly (Nori
/// rejects a segmentation that does not); empty when the word is indexed whole only.
fn compound_parts(analyzer: &Analyzer, word: &str) -> Vec<String> {
    let terms = analyzer.analyze(word).terms;
    let whole = terms.iter().any(|t| t.text == word && t.position == 0);
    let parts: Vec<String> = terms
        .iter()
        .filter(|t| t.text != word)
        .map(|t| t.text.clone())
        .collect();
    if whole && parts.len() > 1 && parts.concat() == word {
        parts
    } else {
        Vec::new()
    }
}

/// The synonym rules (Solr format, one group per line, every word equivalent), Latin
/// lower-cased as the analysis chain does before the filter, each word as [`synonym_word`]
/// writes it.
pub fn synonym_rules(res: &Resources, analyzer: &Analyzer) -> Vec<String> {
    res.synonyms
        .groups
        .iter()
        .map(|g| {
            g.iter()
                .map(|w| synonym_word(analyzer, &w.to_lowercase()))
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect()
}

/// A synonym word as the rule parser can take it. `synonym_graph` parses each word with the
/// chain before it and rejects (with `lenient`, drops) a word whose tokens are not one after
/// the other: a morpheme the POS filter drops *inside* the word leaves a hole (`2차전지` →
/// `2`, hole of `차`/NNBC, `전지`). Such a word is written as the terms kpolicy indexes it by,
/// spaced (`2 전지`); the filter matches a query's tokens across the hole. A word whose dropped
/// morpheme is at its start or end is kept as written: spelling it without (`비메모리` →
/// `메모리`) would change what it means.
fn synonym_word(analyzer: &Analyzer, word: &str) -> String {
    let a = analyzer.analyze_query(word);
    let content: Vec<bool> = a
        .morphemes
        .iter()
        .map(|m| is_content(crate::analysis::tags::head_tag(&m.pos)))
        .collect();
    let first = content.iter().position(|&c| c);
    let last = content.iter().rposition(|&c| c);
    let hole = match (first, last) {
        (Some(f), Some(l)) => content[f..=l].iter().any(|&c| !c),
        _ => false,
    };
    if !hole {
        return word.to_string();
    }
    // The parts, not the wholes: a whole compound shares its range with its parts.
    let terms = &a.terms;
    let parts: Vec<&str> = terms
        .iter()
        .filter(|t| {
            !terms
                .iter()
                .any(|o| o.start == t.start && o.end == t.end && o.text.len() < t.text.len())
        })
        .map(|t| t.text.as_str())
        .collect();
    if parts.is_empty() {
        word.to_string()
    } else {
        parts.join(" ")
    }
}

/// A Nori tokenizer with kpolicy's user dictionary.
fn nori(mode: &str, rules: &[String]) -> Value {
    json!({
        "type": "nori_tokenizer",
        "decompound_mode": mode,
        "discard_punctuation": true,
        "user_dictionary_rules": rules,
    })
}

/// A keyword field with a `tree` sub-field that holds every ancestor of a facet path, for
/// filters (`term` on `/경상북도` finds `/경상북도/안동시`) and counts per level.
fn path_field() -> Value {
    json!({
        "type": "keyword",
        "fields": {
            "tree": {
                "type": "text",
                "analyzer": PATH_ANALYZER,
                "search_analyzer": "keyword",
                "fielddata": true,
            }
        }
    })
}

/// The whole `index.json`: settings (analysis, similarity) and mappings.
pub fn index_json(res: &Resources, analyzer: &Analyzer) -> Value {
    let rules = user_dictionary_rules(res, analyzer);
    let text = |similarity: Option<&str>| {
        let mut f = json!({
            "type": "text",
            "analyzer": INDEX_ANALYZER,
            "search_analyzer": SEARCH_ANALYZER,
        });
        if let Some(s) = similarity {
            f["similarity"] = json!(s);
        }
        f
    };
    // The bigrams of a word stand at the word's one position: positions would serve no
    // phrase across fields, frequencies are what BM25 reads.
    let bigrams = |similarity: Option<&str>| {
        let mut f = json!({
            "type": "text",
            "analyzer": BIGRAM_ANALYZER,
            "index_options": "freqs",
        });
        if let Some(s) = similarity {
            f["similarity"] = json!(s);
        }
        f
    };
    json!({
        "settings": {
            "index": {
                "similarity": {
                    "kpolicy_body": {"type": "BM25", "k1": BODY_K1, "b": BODY_B}
                },
                "analysis": {
                    "char_filter": {
                        "kpolicy_separators": {
                            "type": "mapping",
                            "mappings": separator_mappings(),
                        }
                    },
                    "tokenizer": {
                        "kpolicy_nori_mixed": nori("mixed", &rules),
                        "kpolicy_nori_discard": nori("discard", &rules),
                        "kpolicy_path": {"type": "path_hierarchy", "delimiter": "/"},
                    },
                    "filter": {
                        "kpolicy_pos": {
                            "type": "nori_part_of_speech",
                            "stoptags": nori_stop_tags(),
                        },
                        "kpolicy_synonyms": {
                            "type": "synonym_graph",
                            "lenient": true,
                            "synonyms": synonym_rules(res, analyzer),
                        },
                        "kpolicy_bigram": {"type": "ngram", "min_gram": 2, "max_gram": 2},
                        "kpolicy_bigram_once": {"type": "unique", "only_on_same_position": true},
                    },
                    "analyzer": {
                        INDEX_ANALYZER: {
                            "type": "custom",
                            "char_filter": ["kpolicy_separators"],
                            "tokenizer": "kpolicy_nori_mixed",
                            "filter": ["lowercase", "kpolicy_pos"],
                        },
                        SEARCH_ANALYZER: {
                            "type": "custom",
                            "char_filter": ["kpolicy_separators"],
                            "tokenizer": "kpolicy_nori_discard",
                            "filter": ["lowercase", "kpolicy_pos", "kpolicy_synonyms"],
                        },
                        BIGRAM_ANALYZER: {
                            "type": "custom",
                            "tokenizer": "whitespace",
                            "filter": ["kpolicy_bigram", "kpolicy_bigram_once"],
                        },
                        PATH_ANALYZER: {"type": "custom", "tokenizer": "kpolicy_path"},
                    },
                },
            }
        },
        "mappings": {
            "dynamic": "strict",
            "properties": {
                "title": text(None),
                "body": text(Some("kpolicy_body")),
                "title_unknown": bigrams(None),
                "body_unknown": bigrams(Some("kpolicy_body")),
                "date": {"type": "date", "format": "yyyy-MM-dd"},
                "year": {"type": "short"},
                "region": path_field(),
                "mentioned": path_field(),
                "industry": {"type": "keyword"},
                "source": {"type": "keyword"},
                "url": {"type": "keyword", "index": false, "doc_values": false},
                "path": {"type": "keyword", "index": false, "doc_values": false},
                "title_derived": {"type": "boolean"},
                "indexed_at": {"type": "date", "format": "epoch_second"},
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::normalize::SEPARATORS;
    use crate::analysis::tags::STOP_TAGS;

    #[test]
    fn stop_tags_in_noris_names() {
        let tags = nori_stop_tags();
        for t in ["EC", "ETM", "JKS", "JX", "SP", "NNB", "XSN", "UNA", "NA"] {
            assert!(tags.contains(&t.to_string()), "{t}");
        }
        // Every entry of kpolicy's list has its Nori tags.
        for stop in STOP_TAGS {
            let prefix = stop.trim_end_matches('*');
            assert!(tags.iter().any(|t| t.starts_with(prefix)), "{stop}");
        }
        for content in ["NNG", "NNP", "VV", "VA", "SL", "SN", "SH", "XR"] {
            assert!(!tags.contains(&content.to_string()), "{content}");
        }
    }

    #[test]
    fn every_middle_dot_becomes_a_space() {
        let m = separator_mappings();
        assert!(m.contains(&"· => \\u0020".to_string()));
        assert!(m.contains(&"ㆍ => \\u0020".to_string()));
        assert_eq!(m.len(), SEPARATORS.len() + 2);
    }

    #[test]
    fn user_dictionary_carries_kpolicys_compound_parts() {
        let res = Resources::embedded().unwrap();
        let analyzer = Analyzer::new(&res.user_words()).unwrap();
        let rules = user_dictionary_rules(&res, &analyzer);
        assert!(
            rules.contains(&"안동시".to_string()),
            "a region name stays whole"
        );
        assert!(rules.contains(&"이차전지 이차 전지".to_string()));
        for r in &rules {
            let mut words = r.split(' ');
            let whole = words.next().unwrap();
            let parts: String = words.collect();
            assert!(
                parts.is_empty() || parts == whole,
                "{r}: parts must spell the word"
            );
        }
    }

    #[test]
    fn synonyms_are_lower_cased_groups() {
        let res = Resources::embedded().unwrap();
        let analyzer = Analyzer::new(&res.user_words()).unwrap();
        let rules = synonym_rules(&res, &analyzer);
        assert!(rules.contains(&"ai,인공지능".to_string()), "{rules:?}");
        assert!(rules.iter().all(|r| r.contains(',')));
    }

    #[test]
    fn a_synonym_word_with_a_hole_is_written_by_its_terms() {
        let res = Resources::embedded().unwrap();
        let analyzer = Analyzer::new(&res.user_words()).unwrap();
        assert_eq!(synonym_word(&analyzer, "2차전지"), "2 전지");
        assert_eq!(synonym_word(&analyzer, "배터리"), "배터리");
        assert_eq!(synonym_word(&analyzer, "이차전지"), "이차전지");
        // A prefix dropped at the start stays: 메모리 is not 비메모리.
        assert_eq!(synonym_word(&analyzer, "비메모리"), "비메모리");
    }
}
