//! One pass over a query's matches that gives the page, the total and the facet counts
//! together; for a question, over the strict and the relaxed query side by side.
//!
//! The scorers of both queries advance together over each segment: a document the strict
//! query matches goes to the strict page with its strict score, one only the relaxed query
//! matches goes to the rest of the page with its relaxed score, and the facet counter counts
//! it under each query that matched it: one pass, where separate searches for the page, the
//! total, the rest of the page and the facets would each visit the matches again. The pages
//! are kept with tantivy's own `TopDocs` segment collectors, so scores, order and ties are
//! exactly those of `Searcher::search`.

use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector, TopDocs};
use tantivy::query::{Bm25StatisticsProvider, EnableScoring, Query, Weight};
use tantivy::{DocAddress, DocId, Score, Searcher, TERMINATED};

use super::facets::{
    harvest, Batch, Counters, Counts, FacetCache, FacetSpec, SegmentFacets, SLOTS,
};
use super::pool::{both, large};
use crate::error::Result;
use crate::search::collapse::Groups;
use crate::search::Facets;

/// Slot of the strict query's matches in the facet counts.
pub(crate) const STRICT: usize = 0;
/// Slot of the relaxed query's matches.
pub(crate) const RELAXED: usize = 1;

/// What one pass found.
pub(crate) struct Pass {
    /// The best `depth` strict matches, best first.
    pub strict_top: Vec<(Score, DocAddress)>,
    /// Live documents the strict query matches.
    pub strict_total: usize,
    /// The best `depth` documents only the relaxed query matches (which of them the page
    /// needs is known only once the strict total is).
    pub rest_top: Vec<(Score, DocAddress)>,
    pub rest_total: usize,
    /// The group of copies (`collapse::Groups`) of each strict match that is in one, and of
    /// each relaxed-only match: what the count of distinct stories needs.
    pub strict_groups: Vec<u32>,
    pub rest_groups: Vec<u32>,
    /// Matches without a full date, counted apart and left out of everything else (with
    /// [`Queries::undated_apart`]): strict ones, and relaxed-only ones.
    pub strict_undated: usize,
    pub rest_undated: usize,
    /// Facet counts of the strict matches ([`STRICT`]) and of the relaxed ones
    /// ([`RELAXED`]), and the counters they count; [`Pass::facets`] names one slot's.
    facets: Option<(Counts, Arc<Counters>)>,
}

impl Pass {
    /// The facet counts of one slot (empty when the pass counted none).
    pub(crate) fn facets(&self, slot: usize) -> Facets {
        match &self.facets {
            Some((counts, counters)) => harvest(counts, counters, slot),
            None => Facets::default(),
        }
    }
}

/// What one thread collects from its segments (`F`: a segment's page).
struct Part<F> {
    strict_fruits: Vec<F>,
    rest_fruits: Vec<F>,
    /// With [`EVERY`]: every match, in index order.
    strict_every: Vec<(Score, DocAddress)>,
    rest_every: Vec<(Score, DocAddress)>,
    strict_total: usize,
    rest_total: usize,
    strict_groups: Vec<u32>,
    rest_groups: Vec<u32>,
    strict_undated: usize,
    rest_undated: usize,
    facets: Option<Counts>,
}

impl<F> Part<F> {
    fn new(counters: Option<usize>) -> Part<F> {
        Part {
            strict_fruits: Vec::new(),
            rest_fruits: Vec::new(),
            strict_every: Vec::new(),
            rest_every: Vec::new(),
            strict_total: 0,
            rest_total: 0,
            strict_groups: Vec::new(),
            rest_groups: Vec::new(),
            strict_undated: 0,
            rest_undated: 0,
            facets: counters.map(Counts::new),
        }
    }
}

/// The `depth` that keeps every match, unordered (each half of the segments in index order)
/// rather than best first: what ordering by date needs, `rank::newest` orders them itself. A top-`depth` collector as deep as the
/// index would reserve room for every document of it on each segment, on every search.
pub(crate) const EVERY: usize = usize::MAX;

/// The queries one pass runs.
#[derive(Clone, Copy)]
pub(crate) struct Queries<'q> {
    pub strict: &'q dyn Query,
    /// Run side by side with `strict`, when given.
    pub relaxed: Option<&'q dyn Query>,
    /// The queries match articles without a full date (`day` 0) besides those of a date
    /// range: the pass counts those apart and leaves them out of the pages, the totals, the
    /// groups and the facets. One walk over the matches instead of a second query to count
    /// what the range leaves out.
    pub undated_apart: bool,
}

/// Runs `strict` (and `relaxed`, when given) over every segment once, keeping the best
/// `depth` hits of each (every hit with [`EVERY`]) (the same hits, in the same order, as `TopDocs::with_limit(depth)`
/// over `strict`, and over `relaxed AND NOT strict`), scored with `stats`. Facets are counted
/// when `facets` is given, the groups of copies the matches are in when `groups` is.
pub(crate) fn run(
    searcher: &Searcher,
    stats: &dyn Bm25StatisticsProvider,
    queries: Queries<'_>,
    depth: usize,
    facets: Option<(&FacetSpec, &FacetCache)>,
    groups: Option<&Groups>,
) -> Result<Pass> {
    // Every segment's facet tables are looked up (or built) before counting starts, so the
    // counters both threads count into are all known.
    let segments = searcher.segment_readers();
    let (seg_facets, counters) = prepare(searcher, facets)?;
    let scoring = EnableScoring::enabled_from_statistics_provider(stats, searcher);
    let strict_weight = queries.strict.weight(scoring)?;
    let relaxed_weight = queries.relaxed.map(|q| q.weight(scoring)).transpose()?;
    let every = depth == EVERY;
    let limit = if every { 1 } else { depth.max(1) };
    let strict_page = TopDocs::with_limit(limit).order_by_score();
    let rest_page = TopDocs::with_limit(limit).order_by_score();
    let mut pass = Pass {
        strict_top: Vec::new(),
        strict_total: 0,
        rest_top: Vec::new(),
        rest_total: 0,
        strict_groups: Vec::new(),
        rest_groups: Vec::new(),
        strict_undated: 0,
        rest_undated: 0,
        facets: None,
    };
    // Segments are shared out between two threads when the index is large enough for it to
    // pay (`pool::both`: the other half goes to a long-lived helper thread): each half is
    // collected on its own and the halves are merged, which gives the same page, totals and
    // counts.
    let mut halves: [Vec<usize>; 2] = [Vec::new(), Vec::new()];
    let mut load = [0u64; 2];
    let mut order: Vec<usize> = (0..segments.len()).collect();
    order.sort_by_key(|&o| std::cmp::Reverse(segments[o].max_doc()));
    for o in order {
        let h = usize::from(load[1] < load[0]);
        load[h] += u64::from(segments[o].max_doc());
        halves[h].push(o);
    }
    let one = |ords: &[usize]| -> Result<Part<_>> {
        let mut part = Part::new(counters.as_ref().map(|c| c.len()));
        for &ord in ords {
            let seg = &segments[ord];
            let mut strict_collector = strict_page.for_segment(ord as u32, seg)?;
            let mut rest_collector = rest_page.for_segment(ord as u32, seg)?;
            let seg_facets = seg_facets.as_ref().map(|all| &all[ord]);
            let alive = seg.alive_bitset();
            // `day` of each match, when undated ones are told apart (no column: none has one).
            let day = queries
                .undated_apart
                .then(|| seg.fast_fields().i64("day").ok());
            let undated = |doc: DocId| {
                day.as_ref()
                    .is_some_and(|c| c.as_ref().and_then(|c| c.first(doc)).unwrap_or(0) == 0)
            };
            let mut batch = Batch::new();
            let mut s = strict_weight.scorer(seg, 1.0)?;
            let mut r = match &relaxed_weight {
                Some(w) => Some(w.scorer(seg, 1.0)?),
                None => None,
            };
            let mut s_doc = s.doc();
            let mut r_doc = r.as_ref().map_or(TERMINATED, |r| r.doc());
            loop {
                let doc: DocId = s_doc.min(r_doc);
                if doc == TERMINATED {
                    break;
                }
                let in_strict = s_doc == doc;
                let in_relaxed = r_doc == doc;
                let live = alive.is_none_or(|a| a.is_alive(doc));
                if live && undated(doc) {
                    if in_strict {
                        part.strict_undated += 1;
                    } else {
                        part.rest_undated += 1;
                    }
                } else if live {
                    let group = groups.and_then(|g| g.group(ord, doc));
                    if in_strict {
                        if every {
                            let addr = DocAddress::new(ord as u32, doc);
                            part.strict_every.push((s.score(), addr));
                        } else {
                            strict_collector.collect(doc, s.score());
                        }
                        part.strict_total += 1;
                        part.strict_groups.extend(group);
                    } else if let Some(r) = r.as_mut() {
                        if every {
                            let addr = DocAddress::new(ord as u32, doc);
                            part.rest_every.push((r.score(), addr));
                        } else {
                            rest_collector.collect(doc, r.score());
                        }
                        part.rest_total += 1;
                        part.rest_groups.extend(group);
                    }
                    if let (Some(f), Some(counts)) = (seg_facets, part.facets.as_mut()) {
                        let mut slots = [false; SLOTS];
                        slots[STRICT] = in_strict;
                        slots[RELAXED] = in_relaxed;
                        batch.push(doc, slots, f, counts);
                    }
                }
                if in_strict {
                    s_doc = s.advance();
                }
                if in_relaxed {
                    if let Some(r) = r.as_mut() {
                        r_doc = r.advance();
                    }
                }
            }
            if let (Some(f), Some(counts)) = (seg_facets, part.facets.as_mut()) {
                batch.flush(f, counts);
            }
            part.strict_fruits.push(strict_collector.harvest());
            part.rest_fruits.push(rest_collector.harvest());
        }
        Ok(part)
    };
    let parts: Vec<Part<_>> = if !halves[1].is_empty() && large(searcher) {
        let (mine, other) = both(|| one(&halves[0]), || one(&halves[1]));
        vec![mine?, other?]
    } else {
        vec![one(&(0..segments.len()).collect::<Vec<_>>())?]
    };
    let mut strict_fruits = Vec::new();
    let mut rest_fruits = Vec::new();
    let mut counts: Option<Counts> = None;
    for mut part in parts {
        pass.strict_top.append(&mut part.strict_every);
        pass.rest_top.append(&mut part.rest_every);
        pass.strict_total += part.strict_total;
        pass.rest_total += part.rest_total;
        pass.strict_undated += part.strict_undated;
        pass.rest_undated += part.rest_undated;
        pass.strict_groups.extend(part.strict_groups);
        pass.rest_groups.extend(part.rest_groups);
        strict_fruits.extend(part.strict_fruits);
        rest_fruits.extend(part.rest_fruits);
        match (counts.as_mut(), part.facets) {
            (Some(all), Some(more)) => all.merge(&more),
            (None, more) => counts = more,
            (Some(_), None) => {}
        }
    }
    pass.facets = counts.zip(counters);
    if !every {
        pass.strict_top = strict_page.merge_fruits(strict_fruits)?;
        pass.rest_top = rest_page.merge_fruits(rest_fruits)?;
    }
    Ok(pass)
}

/// The facet tables of every segment of `searcher` (looked up, or built on first use) and the
/// counters they count into; nothing when no facets are asked for.
#[allow(clippy::type_complexity)]
fn prepare(
    searcher: &Searcher,
    facets: Option<(&FacetSpec, &FacetCache)>,
) -> Result<(Option<Vec<SegmentFacets>>, Option<Arc<Counters>>)> {
    let Some((spec, cache)) = facets else {
        return Ok((None, None));
    };
    cache.sync(searcher);
    let tables = searcher
        .segment_readers()
        .iter()
        .map(|seg| SegmentFacets::new(spec, cache, seg))
        .collect::<Result<Vec<_>>>()?;
    Ok((Some(tables), Some(cache.counters())))
}

/// Facet counts of the documents `query` matches (no scores, no page).
pub(crate) fn facets_of(
    searcher: &Searcher,
    query: &dyn Query,
    spec: &FacetSpec,
    cache: &FacetCache,
) -> Result<Facets> {
    let (Some(tables), Some(counters)) = prepare(searcher, Some((spec, cache)))? else {
        return Ok(Facets::default());
    };
    let weight: Box<dyn Weight> = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
    let mut counts = Counts::new(counters.len());
    let mut slots = [false; SLOTS];
    slots[STRICT] = true;
    for (seg, f) in searcher.segment_readers().iter().zip(&tables) {
        let alive = seg.alive_bitset();
        let mut batch = Batch::new();
        weight.for_each_no_score(seg, &mut |docs| {
            for &doc in docs {
                if alive.is_none_or(|a| a.is_alive(doc)) {
                    batch.push(doc, slots, f, &mut counts);
                }
            }
        })?;
        batch.flush(f, &mut counts);
    }
    Ok(harvest(&counts, &counters, STRICT))
}
