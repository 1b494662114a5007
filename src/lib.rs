//! kpolicy: search Korean regional-policy articles.
//!
//! The crate is a library with a thin binary (`src/main.rs`). Modules, by responsibility:
//! - [`analysis`]: Korean text → index terms (NFKC, lindera ko-dic segmentation with spaces kept
//!   out of the lattice, POS filtering, compounds). Depends on nothing else here.
//! - [`data`]: the editable data files (region gazetteer, industry taxonomy, domain nouns,
//!   synonyms).
//! - [`ingest`]: files → articles: decoding, front matter and JSON input, cleaning, metadata
//!   extraction (title, date/year, regions, industries, source).
//! - [`index`]: the tantivy schema, opening with a version check, incremental updates.
//! - [`search`]: query parsing, filters, BM25 ranking, snippets, facet counts.
//! - [`eval`]: ranking quality on judged corpora.
//! - [`export`]: the full result list of a search as CSV or JSON.
//! - [`serve`]: `kpolicy serve`, the search page and the HTTP API over the same [`search`].
//! - [`cli`]: clap types, command dispatch and rendering.

pub mod analysis;
pub mod cli;
pub mod data;
pub mod error;
pub mod eval;
pub mod export;
pub mod index;
pub mod ingest;
pub mod search;
pub mod serve;

pub use error::{Error, Result};
