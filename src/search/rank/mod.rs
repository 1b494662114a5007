//! Ranking: the BM25 statistics the matches are scored with, the proximity re-rank of the
//! best hits, and the weights both use.
//!
//! tantivy scores the matches of the query that `plan` built, with [`bm25::Bm25Stats`], in the
//! pass of `collect`; [`rerank::Reranker`] then reorders the top of that pass before a page is
//! cut from it; with `--sort newest`, [`newest::order`] orders the matches by date instead.
//! Every ranking constant is in [`weights`].

pub(crate) mod bm25;
pub(crate) mod newest;
pub(crate) mod rerank;
pub(crate) mod weights;
