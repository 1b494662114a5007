//! Exports: what leaves kpolicy for other tools.
//!
//! - [`results`]: the full result list of a search as CSV or JSON (`kpolicy search --format
//!   csv`, the server's `/api/export`), for spreadsheets and scripts.
//! - [`opensearch`]: the whole index (or what changed since a generation) for an OpenSearch or
//!   Elasticsearch cluster (`kpolicy export opensearch OUT/`): the index settings with kpolicy's
//!   Korean analysis carried over to Nori, the articles as a bulk file, and the query shape as a
//!   search template. kpolicy stays the front end that reads, cleans and extracts.

pub(crate) mod opensearch;
mod results;

pub use results::{all_matches, write_csv, JsonExport};
