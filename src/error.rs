//! The library's one error type. Messages are written for the person at the terminal: they say
//! what failed, on which file or index, and what to do about it.

use std::path::PathBuf;

/// Everything that can go wrong in kpolicy.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{path}: {source}")]
    File {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the Korean analyzer: {0}")]
    Analyzer(String),
    #[error("data file {path}: {reason}")]
    Data { path: String, reason: String },
    #[error("no index at {0}: create one with `kpolicy index DIR --index {0}`")]
    NoIndex(PathBuf),
    #[error(
        "the index at {0} is being updated by another kpolicy process; try again when it finishes"
    )]
    Locked(PathBuf),
    #[error("the index at {path} was made by an incompatible kpolicy ({found}; this is {expected}): run `kpolicy index --rebuild`")]
    Incompatible {
        path: PathBuf,
        found: String,
        expected: String,
    },
    #[error("{0}")]
    Usage(String),
    #[error("{path}: writing the index failed: {reason}; the last committed index is unchanged")]
    IndexWrite { path: PathBuf, reason: String },
    #[error("index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("{0}")]
    Json(#[from] serde_json::Error),
}

/// Result alias used across the library.
pub type Result<T> = std::result::Result<T, Error>;
