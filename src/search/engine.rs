//! The engine: one index, ready to answer [`Request`]s from any number of threads.
//!
//! [`Engine::search`] runs the steps the neighbouring modules own: `plan` builds the queries,
//! `collect` passes over the matches once for page, total and facet counts, `rank` re-ranks
//! the top, `hit` loads the page. What lives as long as the engine is made once in
//! [`Engine::new`] (analysed synonyms, the facet spec) or kept while the index's segments
//! live (the facet tables of `collect`); everything else belongs to one search.

use std::sync::Arc;

use tantivy::query::AllQuery;

use super::collect::{self, FacetCache, FacetSpec, RELAXED, STRICT};
use super::plan::{self, QueryBuilder};
use super::rank::bm25::Bm25Stats;
use super::rank::rerank::Reranker;
use super::request::{Facets, Request, Response};
use crate::analysis::Analyzer;
use crate::data::Resources;
use crate::error::Result;
use crate::index::KIndex;

/// Runs searches against one index.
///
/// An engine owns what it needs (`Send + Sync + 'static`), so one engine can serve many
/// threads for the life of a server; each search reads the index's last commit.
pub struct Engine {
    kindex: Arc<KIndex>,
    builder: QueryBuilder,
    facet_spec: FacetSpec,
    facet_cache: FacetCache,
}

impl Engine {
    /// An engine over `kindex` (a `KIndex`, or an `Arc` of one to share it), with the
    /// analyzer the index was made with and the data files' synonyms and regions.
    pub fn new(kindex: impl Into<Arc<KIndex>>, analyzer: &Analyzer, res: &Resources) -> Engine {
        let kindex = kindex.into();
        Engine {
            builder: QueryBuilder::new(analyzer, res, kindex.fields),
            facet_spec: FacetSpec::new(&kindex.fields, res),
            facet_cache: FacetCache::default(),
            kindex,
        }
    }

    /// Runs a request.
    ///
    /// Plain words are matched "all words if possible, else best partial": the strict query
    /// (every word required) is run first; when fewer articles than the requested page holds
    /// have all the words, the page goes on with the articles that have only some of them,
    /// ranked by BM25 over all the words, below every article that has them all. Phrases,
    /// `title:`/`body:` words and exclusions stay hard constraints; `--any` ranks all
    /// documents with any word together.
    pub fn search(&self, req: &Request) -> Result<Response> {
        let reader = self.kindex.reader()?;
        let searcher = reader.searcher();
        let fields = &self.kindex.fields;
        // One memo of document frequencies for the whole search: the query's common-word
        // check, the re-rank's idf and BM25 all look up the same terms.
        let stats = Bm25Stats::new(&searcher, fields.body);
        let plan = plan::plan(&self.builder, &stats, req);
        let mut notice = plan.notice;
        // Paging values beyond the index size are clamped: a huge --limit must not allocate
        // for hits that cannot exist.
        let docs = searcher.num_docs() as usize;
        let offset = req.offset.min(docs);
        let limit = req.limit.clamp(1, docs.max(1));
        let reranker = Reranker::new(&stats, fields, &plan.window, &plan.pairs)?;
        let depth = reranker.depth(offset, limit);
        let facet_spec = (!req.lean).then_some((&self.facet_spec, &self.facet_cache));
        // Short keyword queries keep "all words" whenever some article has them all, so that
        // totals and facets describe exactly those articles; questions fill the page with
        // partial matches too, which is what ranks the right paragraph of a question into the
        // top 10 (docs/relevance.md). A question runs both queries in one pass from the
        // start; a short query runs the relaxed one only when no article has all the words.
        let question = plan.question;
        let strict = plan.strict.as_ref();
        let relaxed = plan.relaxed.as_deref();
        let mut pass = collect::run(
            &searcher,
            &stats,
            strict,
            relaxed.filter(|_| question),
            depth,
            facet_spec,
        )?;
        if pass.strict_total == 0 && !question {
            if let Some(relaxed) = relaxed {
                pass = collect::run(&searcher, &stats, strict, Some(relaxed), depth, facet_spec)?;
            }
        }
        let mut top = reranker.page(
            &searcher,
            std::mem::take(&mut pass.strict_top),
            offset,
            limit,
        )?;
        let mut total = pass.strict_total;
        let mut facet_slot = STRICT;
        let fill = total == 0 || question;
        if relaxed.is_some() && fill && total < offset + limit {
            // Not enough articles with all the words: the rest of the page, and of the
            // total, are the articles with only some of them.
            let more_total = pass.rest_total;
            if more_total > 0 {
                notice = Some(if total == 0 {
                    "no article has all the words: showing those with the most of them".to_string()
                } else {
                    format!(
                        "{total} {} all the words; the others below match some of them",
                        if total == 1 {
                            "article has"
                        } else {
                            "articles have"
                        }
                    )
                });
            }
            // `rest_top` holds the best `depth` of them, at least as many as this page needs.
            let rest_offset = offset.saturating_sub(total);
            let wanted = limit - top.len();
            top.extend(reranker.page(
                &searcher,
                std::mem::take(&mut pass.rest_top),
                rest_offset,
                wanted,
            )?);
            total += more_total;
            facet_slot = RELAXED;
        }
        let facets = pass.facets(facet_slot);
        let hits =
            super::hit::load_page(&searcher, fields, &top, offset, &plan.highlight, req.lean)?;
        Ok(Response {
            query: req.query.clone(),
            total,
            offset,
            hits,
            facets,
            notice,
        })
    }
}

/// Facet counts over the whole index (`kpolicy stats`): region and mentioned region at both
/// levels (시·도, and 시·군·구 of every 시·도 of the gazetteer), year and industry. Needs no
/// analyzer and no [`Engine`].
pub fn all_facets(kindex: &KIndex, res: &Resources) -> Result<Facets> {
    let reader = kindex.reader()?;
    let spec = FacetSpec::new(&kindex.fields, res);
    collect::facets_of(&reader.searcher(), &AllQuery, &spec, &FacetCache::default())
}
