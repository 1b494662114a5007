//! Queries → ranked hits with snippets and facet counts.
//!
//! One API serves the CLI, the tests and any server alike: build an [`Engine`] over an
//! index once, then call [`Engine::search`] with a [`Request`] to get a [`Response`], from
//! as many threads as needed. The work is split by concept:
//!
//! - `request`: the request and response types (the `--json` schema);
//! - `engine`: the [`Engine`], which runs the steps below for each search;
//! - [`plan`]: the query language ([`plan::parse`]), the strict and relaxed tantivy queries
//!   built from the analysed words, and the region/industry/year filters;
//! - `collect`: one pass over the matches for the page, the total and the facet counts over
//!   all matching documents, on two threads for large indexes;
//! - `rank`: the BM25 statistics, the proximity re-rank of the top hits, and every ranking
//!   weight with its reason (`rank/weights.rs`);
//! - `hit` and [`snippet`]: the page's documents and the passage shown for each;
//! - `explain`: why a hit ranks where it does (`--explain`).
//! - `day`: the calendar [`Day`] of date ranges (`--from`/`--to`).

mod collapse;
mod collect;
mod day;
mod engine;
mod explain;
mod hit;
pub(crate) use hit::{stored_article, stored_text};
pub mod plan;
mod rank;
mod request;
pub mod snippet;

pub(crate) use collapse::save as save_groups;
pub use collapse::StoryCopies;
pub use day::{date_range, rfc3339, Day, End};
pub use engine::{all_facets, group_counts, story_copies, Engine};
pub use explain::{Explanation, How, Match, WordMatch};
pub use plan::resolve_filters;
pub use rank::rerank::{Proximity, Together};
/// The ranking weights, which `export::opensearch` carries into its search template.
pub(crate) use rank::weights;
pub use request::{Duplicate, Facets, Hit, Request, Response, Sort, StoredArticle, DEFAULT_LIMIT};
