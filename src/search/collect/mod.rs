//! Collecting the matches of a plan's queries: the page, the total and the facet counts, in
//! one pass.
//!
//! [`pass`] runs the strict and the relaxed query side by side over every segment, keeping
//! the best hits of each for the re-rank (`rank`) and counting facets through [`facets`],
//! whose per-segment tables live in a [`FacetCache`] as long as the engine does. [`pool`] is
//! the one helper thread that takes half of the work on a large index (here, and when `hit`
//! loads the page).

mod facets;
mod pass;
mod pool;

pub(crate) use facets::{FacetCache, FacetSpec};
pub(crate) use pass::{facets_of, run, Pass, Queries, EVERY, RELAXED, STRICT};
pub(crate) use pool::{both, large};
