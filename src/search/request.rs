//! What a caller asks of the engine and what it gets back: [`Request`] in, [`Response`] (with
//! its [`Hit`]s and [`Facets`]) out of [`Engine::search`](super::Engine::search).
//!
//! These types are the library's search API, used alike by the CLI, the tests and any server.
//! `Response` serialises as the `--json` schema of `kpolicy search` (README, "JSON output"):
//! fields may be added, never renamed or removed. Requests arrive resolved: region and
//! industry names have been checked by [`resolve_filters`](super::resolve_filters).

use std::collections::BTreeMap;

use serde::Serialize;

use super::Day;

/// Hits shown unless `--limit` says otherwise.
pub const DEFAULT_LIMIT: usize = 10;

/// A search request, resolved (region and industry names already checked).
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub query: String,
    /// Region facet paths; a document matches any of them.
    pub regions: Vec<String>,
    /// Filter `regions` on mentioned regions instead of the issuing region.
    pub mentioned: bool,
    /// Industry names; a document matches any of them.
    pub industries: Vec<String>,
    /// Exact years; `None` in the list means `unknown`.
    pub years: Vec<Option<i32>>,
    pub since: Option<i32>,
    pub until: Option<i32>,
    /// Only articles dated on or after this day (`--from`); articles without a full date are
    /// left out by any date range.
    pub from: Option<Day>,
    /// Only articles dated on or before this day (`--to`).
    pub to: Option<Day>,
    pub limit: usize,
    pub offset: usize,
    /// Any word may match instead of all words.
    pub any: bool,
    /// Ids and scores only: no snippets, no facet counts (evaluation, benchmarks of ranking).
    pub lean: bool,
    /// No facet counts (`facets` stays empty): a feed, which shows none, does not pay for
    /// counting every match.
    pub no_facets: bool,
    /// Order of the hits.
    pub sort: Sort,
    /// Every matching article is a hit of its own: copies of one story are not folded into
    /// its best-ranked copy (`--no-collapse`, `collapse=0`).
    pub no_collapse: bool,
    /// Explain each hit of the page (`hits[].explain`).
    pub explain: bool,
}

/// Order of the hits of a search.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    /// Best match first (BM25 and the re-rank).
    #[default]
    Relevance,
    /// Latest publication date first; undated articles last, by relevance. Articles with all
    /// the words still come before those with only some of them.
    Newest,
}

impl std::str::FromStr for Sort {
    type Err = crate::error::Error;

    fn from_str(s: &str) -> crate::error::Result<Sort> {
        match s {
            "relevance" => Ok(Sort::Relevance),
            "newest" => Ok(Sort::Newest),
            other => Err(crate::error::Error::Usage(format!(
                "unknown sort `{other}`: use relevance or newest"
            ))),
        }
    }
}

/// What the index keeps of an article for showing it: the metadata of a hit, of the
/// server's article view and of an export row.
#[derive(Debug, Clone, Serialize)]
pub struct StoredArticle {
    pub id: String,
    pub path: String,
    pub title: String,
    pub title_derived: bool,
    pub date: Option<String>,
    pub year: Option<i64>,
    pub region: Option<String>,
    pub mentioned_regions: Vec<String>,
    pub industry: Vec<String>,
    pub source: Option<String>,
    pub url: Option<String>,
    /// When this version of the article was written to the index (unix seconds; `null` for
    /// an index made before kpolicy recorded it).
    pub indexed_at: Option<u64>,
}

/// One hit as users see it (and as `--json` prints it: the article's fields inline).
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub rank: usize,
    #[serde(flatten)]
    pub article: StoredArticle,
    pub score: f32,
    pub snippet: String,
    pub highlights: Vec<[usize; 2]>,
    /// Why the hit ranks where it does (only with `--explain` / `explain=1`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explain: Option<super::Explanation>,
    /// The group of copies of one story the article is in, named by the id of its
    /// representative (the member published first); `None` when it has no copy in the index.
    pub group: Option<String>,
    /// The other copies of the story, folded into this hit (first published first; the first
    /// 10 of them); empty when the article has none or when the search does not fold copies.
    pub duplicates: Vec<Duplicate>,
    /// How many other copies of the story the index holds (`duplicates` lists the first 10).
    pub copies: usize,
}

/// A copy of a hit's story, folded into the hit.
#[derive(Debug, Clone, Serialize)]
pub struct Duplicate {
    pub id: String,
    pub title: String,
    pub source: Option<String>,
    pub date: Option<String>,
    pub path: String,
    pub url: Option<String>,
    /// Estimated share of the text the two bodies have in common, 0–1: of the longer body's
    /// three-word sequences, the share the other body has too.
    pub similarity: f32,
}

/// Facet counts over all matching documents.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Facets {
    /// Issuing region: `/경상북도` (시·도) and `/경상북도/안동시` (시·군·구) counts.
    pub region: BTreeMap<String, u64>,
    /// Mentioned regions, same shape.
    pub mentioned: BTreeMap<String, u64>,
    pub year: BTreeMap<String, u64>,
    pub industry: BTreeMap<String, u64>,
    /// Counts per publication month (`2026-11`) of the articles with a full date.
    pub month: BTreeMap<String, u64>,
}

/// A search result.
#[derive(Debug, Clone, Serialize)]
pub struct Response {
    pub query: String,
    /// Matching articles (every copy counts).
    pub total: usize,
    /// Distinct stories among them: copies of one story count once.
    pub stories: usize,
    /// Whether copies of one story are folded into one hit (pages are pages of stories).
    pub collapsed: bool,
    /// What the facet counts count: `articles` (every copy counts).
    pub facet_counts: &'static str,
    pub offset: usize,
    pub hits: Vec<Hit>,
    pub facets: Facets,
    /// Set when the query had to be read differently than typed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
    /// With a date range (`from`/`to`): how many articles the query and the other filters
    /// match that have no full date, and which the range therefore leaves out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub undated_excluded: Option<usize>,
}

impl Request {
    /// Whether a date range (`from`, `to`) is set.
    pub fn has_date_range(&self) -> bool {
        self.from.is_some() || self.to.is_some()
    }
}
