//! Request → the queries to run: what the engine hands to the pass over the matches.
//!
//! [`parse`] reads the query language without ever failing, `build` analyses the words and
//! makes the strict and the relaxed tantivy queries, `filters` adds the region, industry,
//! year and date-range filters to both. The resulting `Plan` also carries what ranking and snippets need
//! to know about the query: the terms to highlight and the words of the proximity re-rank.

mod build;
mod clauses;
mod filters;
pub mod parse;
mod parts;
mod union;

use std::collections::HashSet;

use tantivy::query::{AllQuery, Bm25StatisticsProvider, BooleanQuery, EmptyQuery, Occur, Query};

pub(crate) use build::QueryBuilder;
pub use filters::resolve_filters;
pub(crate) use filters::undated_term;

use crate::search::rank::bm25::Bm25Stats;
use crate::search::rank::weights::LONG_QUERY_TERMS;
use crate::search::Request;

/// The queries of one request, filters included.
pub(crate) struct Plan {
    /// Every plain word required (all documents when the query has no text).
    pub(crate) strict: Box<dyn Query>,
    /// At least a share of the words (`build`); none when the query cannot be relaxed.
    pub(crate) relaxed: Option<Box<dyn Query>>,
    /// The query is a question ([`LONG_QUERY_TERMS`] words or more): partial matches fill
    /// the page even when some articles have all the words.
    pub(crate) question: bool,
    /// Terms to highlight in snippets.
    pub(crate) highlight: HashSet<String>,
    /// Words and adjacent-word pairs of the proximity re-rank (`rank::rerank`).
    pub(crate) window: Vec<(String, usize)>,
    pub(crate) pairs: Vec<(String, String, u32)>,
    /// The words typed, in order, that the re-rank wants together first: those of a query of
    /// two words or more that is not a question, else none.
    pub(crate) together: Vec<(String, u32)>,
    /// Every way each word typed can match (`--explain`).
    pub(crate) leaves: Vec<crate::search::explain::Leaf>,
    /// Set when the user typed text of which nothing is searchable.
    pub(crate) notice: Option<String>,
    /// With a date range, on an index that has articles without a full date: the queries the
    /// pass runs instead of `strict` and `relaxed`, which match those articles too, so that
    /// the pass counts them apart (none: no article lacks a date, none is left out).
    pub(crate) undated: Option<Undated>,
}

/// `strict` and `relaxed` over the articles in the date range *or* without a full date.
pub(crate) struct Undated {
    pub(crate) strict: Box<dyn Query>,
    pub(crate) relaxed: Option<Box<dyn Query>>,
}

/// Plans `req`: its text query in both forms, each with the request's filters.
pub(crate) fn plan(builder: &QueryBuilder, stats: &Bm25Stats, req: &Request) -> Plan {
    let tq = builder.text_query(stats, &req.query, req.any, req.explain);
    let filters = filters::clauses(req, &builder.fields);
    let with = |text: Option<&dyn Query>, filters: &[Box<dyn Query>]| -> Box<dyn Query> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        match text {
            Some(q) => clauses.push((Occur::Must, q.box_clone())),
            // Text that analyses to nothing matches nothing; no text at all matches all.
            None if tq.has_text => clauses.push((Occur::Must, Box::new(EmptyQuery))),
            None => clauses.push((Occur::Must, Box::new(AllQuery))),
        }
        for filter in filters {
            clauses.push((Occur::Must, filter.box_clone()));
        }
        Box::new(BooleanQuery::new(clauses))
    };
    // A document frequency counts deleted documents too: 0 means that no article lacks a date.
    let any_undated = || {
        stats
            .doc_freq(&undated_term(&builder.fields))
            .map_or(true, |n| n > 0)
    };
    let undated = (req.has_date_range() && any_undated()).then(|| {
        let wide = filters::range_or_undated_clauses(req, &builder.fields);
        Undated {
            strict: with(tq.strict.as_deref(), &wide),
            relaxed: tq.relaxed.as_deref().map(|r| with(Some(r), &wide)),
        }
    });
    let notice = (tq.strict.is_none() && tq.has_text).then(|| {
        "the query has no searchable words (only particles, endings or punctuation)".to_string()
    });
    let question = tq.words >= LONG_QUERY_TERMS;
    Plan {
        question,
        together: if !question && tq.typed_words >= 2 {
            tq.chain
        } else {
            Vec::new()
        },
        strict: with(tq.strict.as_deref(), &filters),
        relaxed: tq.relaxed.as_deref().map(|r| with(Some(r), &filters)),
        highlight: tq.highlight,
        window: tq.window,
        pairs: tq.pairs,
        leaves: tq.leaves,
        notice,
        undated,
    }
}
