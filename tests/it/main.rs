//! The integration tests, one binary (as ripgrep's `tests/tests.rs`): each module tests one
//! area with the real binary or the library on real files; `tests/util` holds what they share
//! (the `kpolicy()` runner, a temporary folder, the `kpolicy serve` helper, the overlap metric).
//!
//! Run one area with `cargo test --release --test it cli::` (a module's tests) or one test by
//! name. Tests that need the eval corpora beside the checkout (`../shared/eval`) say in one
//! line what they skipped when it is missing.

#[path = "../util/mod.rs"]
mod util;

mod analysis;
mod browser;
mod cli;
mod documents;
mod duplicates;
mod export;
mod extract;
mod findability;
mod first_page;
mod golden_analysis;
mod html;
mod incremental;
mod props;
mod relevance;
mod serve;
mod torture;
