//! What `kpolicy stats` reports about an index: document count, size on disk, last update and
//! format (from [`crate::index`]) with the facet counts over every document (from
//! [`crate::search`]). Reading them needs no Korean analyzer, so the dictionary is not loaded.

use std::path::Path;

use serde::Serialize;

use crate::data::Resources;
use crate::error::Result;
use crate::index::{KIndex, Stats};
use crate::search::{self, Facets};

/// Statistics and facet counts of one index.
#[derive(Debug, Clone, Serialize)]
pub struct IndexReport {
    #[serde(flatten)]
    pub stats: Stats,
    /// Distinct stories: copies of one story (the same press release in several outlets)
    /// count once.
    pub stories: u64,
    /// Groups of copies of one story (two articles or more).
    pub groups: u64,
    /// Articles that are in such a group.
    pub grouped_articles: u64,
    pub facets: Facets,
}

/// Reads the report of the index at `path`.
pub fn report(path: &Path, res: &Resources) -> Result<IndexReport> {
    let kindex = KIndex::open_unanalysed(path)?;
    let stats = kindex.stats()?;
    let (groups, grouped) = search::group_counts(&kindex)?;
    Ok(IndexReport {
        stories: stats.documents - grouped as u64 + groups as u64,
        groups: groups as u64,
        grouped_articles: grouped as u64,
        stats,
        facets: search::all_facets(&kindex, res)?,
    })
}
