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
    /// A search filter value (`--region`, `--industry`) that names nothing in the data files;
    /// `known` lists what may be given instead.
    #[error("unknown {kind} `{value}`: {}", .kind.hint(.known))]
    UnknownFilter {
        kind: FilterKind,
        value: String,
        known: Vec<String>,
    },
    #[error("{path}: writing the index failed: {reason}; the last committed index is unchanged")]
    IndexWrite { path: PathBuf, reason: String },
    #[error("index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("{0}")]
    Json(#[from] serde_json::Error),
}

/// Which filter an [`Error::UnknownFilter`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterKind {
    Region,
    Industry,
}

impl FilterKind {
    /// What to give instead, from the `known` values.
    fn hint(self, known: &[String]) -> String {
        match self {
            FilterKind::Region => format!(
                "use a 시·도 ({}), a 시·군·구 such as 안동시, or a path such as /경상북도/안동시",
                known.join(", ")
            ),
            FilterKind::Industry => format!("known industries are {}", known.join(", ")),
        }
    }
}

impl std::fmt::Display for FilterKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            FilterKind::Region => "region",
            FilterKind::Industry => "industry",
        })
    }
}

/// Result alias used across the library.
pub type Result<T> = std::result::Result<T, Error>;
