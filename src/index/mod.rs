//! Storage: the tantivy index kpolicy keeps on disk: its schema (`schema.rs`), the open index
//! with its reader, writer lock and commit payload (`store.rs`), and the document type handed
//! to tantivy (`doc.rs`).
//!
//! The index is the single source of truth: which inputs it holds, with which content hash, is
//! read back from its own fast fields, so an interrupted run can never leave a side file out of
//! step with it. Every commit is atomic (tantivy) and carries a payload with the kpolicy index
//! format and the data fingerprint. This module knows nothing about articles or files: the
//! indexer ([`crate::indexer`]) turns articles into documents and decides what to write and when;
//! search reads through [`KIndex::reader`].

pub mod changes;
mod doc;
mod schema;
mod store;

pub(crate) use changes::ChangeLog;
pub(crate) use doc::{KDoc, StoredHead};
pub(crate) use schema::{parse_year, Fields, KEY_SEP, NATIONWIDE, NATIONWIDE_PATH, UNKNOWN};
pub(crate) use store::{now_secs, FileState, DEFAULT_WRITER_MEMORY};
pub use store::{KIndex, Stats};
