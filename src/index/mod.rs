//! Storage: the tantivy index kpolicy keeps on disk ([`schema`], [`store`], [`doc`]).
//!
//! The index is the single source of truth: which inputs it holds, with which content hash, is
//! read back from its own fast fields, so an interrupted run can never leave a side file out of
//! step with it. Every commit is atomic (tantivy) and carries a payload with the kpolicy index
//! format and the data fingerprint. This module knows nothing about articles or files: the
//! indexer (`crate::indexer`) turns articles into [`KDoc`]s and decides what to write and when;
//! search reads through [`KIndex::reader`].

pub mod doc;
pub mod schema;
pub mod store;

pub use doc::KDoc;
pub use schema::{parse_year, schema, Fields, INDEX_FORMAT, KEY_SEP, UNKNOWN};
pub use store::{CommitInfo, FileState, KIndex, Stats, DEFAULT_WRITER_MEMORY, MIN_WRITER_MEMORY};
