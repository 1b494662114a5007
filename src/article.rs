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
    /// Content hash of the raw input (file bytes or JSON line).
    #[serde(skip)]
    pub hash: String,
    pub extra: BTreeMap<String, String>,
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
