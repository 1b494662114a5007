//! The article as kpolicy stores and shows it: its identity, the metadata found for it (with the
//! evidence) and the cleaned, analysed body. [`crate::ingest`] produces articles, the index stores
//! them, `inspect` prints them.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::analysis::Term;

/// An article ready for the index.
#[derive(Debug, Clone, Serialize)]
pub struct Article {
    /// Stable id: path relative to the corpus root, or the `id` of a JSON record.
    pub id: String,
    /// Unique key in the index: `<root>\u{1f}<id>` for files, `jsonl\u{1f}<id>` for streams.
    #[serde(skip)]
    pub key: String,
    /// Key of the input the article came from (`<root>\u{1f}<rel>`): a file holding several
    /// JSON records is replaced or removed as a whole.
    #[serde(skip)]
    pub file_key: String,
    pub path: String,
    /// Title, date, regions, industries, source and the evidence for each: extracted, or
    /// supplied by the file where it gives them.
    #[serde(flatten)]
    pub meta: Metadata,
    pub url: Option<String>,
    /// The cleaned text that is indexed and snippeted.
    #[serde(skip)]
    pub body: String,
    /// Body terms (analysed once, handed to the index pre-tokenized).
    #[serde(skip)]
    pub terms: Vec<Term>,
    /// Words of title and body that a search could not find through their terms
    /// (`Analyzer::fallback_words`), indexed as written.
    #[serde(skip)]
    pub fallback_words: Vec<String>,
    /// Content hash of the raw input (file bytes or JSON line).
    #[serde(skip)]
    pub hash: String,
    pub extra: BTreeMap<String, String>,
    /// Input format: `text`, `json`, `html`, `hwp`, `hwpx`, `pdf`.
    pub format: &'static str,
    /// What was dropped before indexing: the format reader's page chrome, learned boilerplate
    /// and the lines cleaning removed (menus, bylines, copyright lines).
    pub removed: Vec<String>,
}

/// Extensions of JSON files (one object or an array: `json`; JSON lines: the others). Their
/// articles are records, each named `rel#id`, even when the file holds just one.
pub const JSON_EXTENSIONS: &[&str] = &["json", "jsonl", "ndjson"];

/// The one rule for the id of an article read from the file at `rel` (its path relative to the
/// folder searched, or as given to `inspect`), one of `count` in that file: a file that holds one
/// article is named by `rel`; each record of a JSON file, or each of several articles of one
/// file, by `rel#id` — the record's own `id`, else `number`, its 1-based place in the file (line
/// of a JSON-lines file, item of a JSON array), which does not change when another record fails.
pub fn file_article_id(rel: &str, supplied: Option<&str>, number: usize, count: usize) -> String {
    let records = count > 1
        || std::path::Path::new(rel)
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| JSON_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()));
    if !records {
        return rel.to_string();
    }
    match supplied {
        Some(id) => format!("{rel}#{id}"),
        None => format!("{rel}#{number}"),
    }
}

/// Whether `id` is the id [`file_article_id`] gives the `number`-th of `count` articles of a
/// file, `supplied` being the article's own id: the file's path is all of `id` or the part
/// before one of its `#`. The server finds an article's record in its file with it.
pub(crate) fn names_article(id: &str, supplied: Option<&str>, number: usize, count: usize) -> bool {
    std::iter::once(id)
        .chain(id.match_indices('#').map(|(i, _)| &id[..i]))
        .any(|rel| file_article_id(rel, supplied, number, count) == id)
}

/// Identity of an article: how it is shown, keyed and hashed.
#[derive(Debug, Clone, Default)]
pub struct ArticleIds {
    pub id: String,
    pub key: String,
    pub file_key: String,
    pub path: String,
    pub hash: String,
}

/// Title, date, regions, industries and source of an article, with the evidence for each.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Metadata {
    pub title: String,
    pub title_derived: bool,
    pub date: Option<String>,
    pub year: Option<i32>,
    pub region: Option<String>,
    pub mentioned_regions: Vec<String>,
    pub industry: Vec<String>,
    pub source: Option<String>,
    pub evidence: BTreeMap<String, String>,
    /// Byte offset in the cleaned text where the body starts (after a headline; 0 when the
    /// title was derived from the lead, which stays part of the body).
    #[serde(skip)]
    pub body_start: usize,
}

#[cfg(test)]
mod tests {
    use super::{file_article_id, names_article, JSON_EXTENSIONS};
    use proptest::prelude::*;

    #[test]
    fn one_id_rule_for_files_and_records() {
        assert_eq!(file_article_id("a/b.txt", None, 1, 1), "a/b.txt");
        // A text file's front matter `id` does not rename the file's one article.
        assert_eq!(file_article_id("a/b.md", Some("x"), 1, 1), "a/b.md");
        assert_eq!(file_article_id("r.json", Some("x"), 1, 1), "r.json#x");
        assert_eq!(file_article_id("r.JSON", None, 1, 1), "r.JSON#1");
        assert_eq!(file_article_id("r.json", None, 3, 3), "r.json#3");
        assert_eq!(file_article_id("r.jsonl", Some("7"), 7, 9), "r.jsonl#7");
    }

    proptest! {
        /// The id of any article of any file names that article and no other place in it.
        #[test]
        fn an_id_names_its_article(
            rel in "[a-z#/]{1,8}\\.(txt|md|json|jsonl|ndjson|JSON|html)",
            supplied in proptest::option::of("[a-z0-9#]{1,4}"),
            number in 1usize..40,
            count in 1usize..4,
        ) {
            let id = file_article_id(&rel, supplied.as_deref(), number, count);
            prop_assert!(names_article(&id, supplied.as_deref(), number, count));
            if supplied.is_none() && count > 1 {
                prop_assert!(!names_article(&id, None, number + 1, count));
            }
        }

        /// Records are named `rel#id` exactly in the files with a JSON extension (any case),
        /// or in a file of several articles.
        #[test]
        fn json_files_hold_records(ext in "[a-zA-Z]{1,6}", count in 1usize..3) {
            let rel = format!("f.{ext}");
            let records = count > 1 || JSON_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str());
            prop_assert_eq!(file_article_id(&rel, Some("x"), 1, count) != rel, records);
        }
    }
}
