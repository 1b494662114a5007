//! kpolicy: search Korean regional-policy articles.
//!
//! The crate is a library with a thin binary (`src/main.rs`). Modules, by responsibility:
//! - [`analysis`]: Korean text → index terms (NFKC, lindera ko-dic segmentation with spaces kept
//!   out of the lattice, POS filtering, compounds). Depends on nothing else here.
//! - [`article`]: the article with its metadata and evidence, as ingest produces it.
//! - [`data`]: the editable data files (region gazetteer, industry taxonomy, domain nouns,
//!   synonyms).
//! - [`dedup`]: near-copies of one story: the fingerprint each article is indexed with and
//!   the groups search folds into one hit.
//! - [`ingest`]: files → articles: decoding, front matter and JSON input, cleaning, metadata
//!   extraction (title, date/year, regions, industries, source).
//! - [`index`]: storage: the tantivy schema, opening with a version check, the reader and the
//!   writer lock, what the index holds per input. Knows nothing of articles or files.
//! - [`indexer`]: sources (folders, JSON lines) → articles (through [`ingest`]) → the index,
//!   incrementally, on all cores; watching folders; building an index on first use.
//! - [`search`]: query parsing, filters, BM25 ranking, snippets, facet counts.
//! - [`stats`]: what an index holds (documents, size, facet counts).
//! - [`eval`]: ranking quality on judged corpora.
//! - [`export`]: the full result list of a search as CSV or JSON.
//! - [`feed`]: a search as an Atom feed of its newest matches.
//! - [`serve`]: `kpolicy serve`, the search page and the HTTP API over the same [`search`].
//! - [`cli`]: argument parsing and resolution, the commands, one printer.

pub mod analysis;
pub(crate) mod article;
mod calendar;
pub mod cli;
pub mod data;
pub mod dedup;
pub(crate) mod error;
pub(crate) mod eval;
pub(crate) mod export;
pub(crate) mod feed;
pub mod index;
pub mod indexer;
pub mod ingest;
pub mod search;
pub(crate) mod serve;
pub(crate) mod stats;

pub use error::{Error, Result};
