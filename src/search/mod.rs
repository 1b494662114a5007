//! Queries → ranked hits with snippets and facet counts.
//!
//! The query text goes through the same Korean analyzer as the articles ([`query`] splits off
//! operators first). Each analysed term becomes a clause over `title` (boosted) and `body`, with
//! its synonyms as alternatives; BM25 ranks. Facet counts are collected over *all* matching
//! documents, not just the page shown.

mod collect;
mod facets;
mod helper;
mod newest;
pub mod query;
pub mod snippet;

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;
use tantivy::postings::Postings;
use tantivy::query::Bm25StatisticsProvider;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, Occur, PhraseQuery, Query,
    RangeQuery, TermQuery,
};
use tantivy::schema::{Facet, Field, IndexRecordOption, Value};
use tantivy::{DocAddress, DocSet, Searcher, TantivyDocument, Term};

use crate::analysis::{Analyzer, BIGRAM_POS};
use crate::data::Resources;
use crate::error::{Error, Result};
use crate::index::{Fields, KIndex, UNKNOWN};
use query::Scope;

/// Title matches count this much more than body matches (measured: 2.0 ranked worse on both
/// benchmarks of `docs/relevance.md`, the title terms are also in the BM25 of their field).
pub const TITLE_BOOST: f32 = 1.0;
/// Re-rank weight of adjacent query terms found at their distance in the query, give or take
/// [`PAIR_SLOP`] positions (`Engine::rerank`).
pub const PAIR_WEIGHT: f32 = 0.4;
pub const PAIR_SLOP: u32 = 2;
/// The average body length BM25 sees is the real one times this, which moves tantivy's fixed
/// k1 = 1.2, b = 0.75 to the equivalent of k1 = 0.9, b = 0.67 (k1·(1−b) stays 0.3).
pub const BODY_LENGTH_SCALE: f64 = 1.5;
/// Below the articles with all the words come those with at least this share of the query's
/// terms (rounded up, at least one): a long question still finds its article when a word or
/// two is missing, and one long compound does not fall apart into matches on single syllables.
pub const RELAXED_MIN_SHARE: f64 = 0.25;
/// In the relaxed form, words in more than this share of the articles only add to the score
/// of articles the other words find (docs/relevance.md row 19, docs/performance.md).
pub const COMMON_SHARE: f64 = 0.3;
/// ... on indexes of at least this many articles.
pub const COMMON_MIN_DOCS: u64 = 1000;
/// Synonym matches count this much (the word the user typed counts 1.0).
pub const SYNONYM_WEIGHT: f32 = 0.8;
/// Queries of at least this many words (that analyse to something) are read as questions: when
/// few articles have every word, the page is filled with the best partial matches.
pub const LONG_QUERY_TERMS: usize = 3;
/// Hits re-ranked by the window feature (`Engine::rerank`).
pub const RERANK_DEPTH: usize = 30;
/// Width (in positions) and weight of the window feature.
pub const WINDOW: u32 = 16;
pub const WINDOW_WEIGHT: f32 = 0.8;
/// Weight of a number (`2006`, `1876`) typed in a query: a number is an exact anchor, and the
/// idf of short digit strings understates it (docs/relevance.md, row 16).
pub const NUMBER_WEIGHT: f32 = 2.0;
/// Hits shown unless `--limit` says otherwise.
pub const DEFAULT_LIMIT: usize = 10;

/// A search request, resolved (region and industry names already checked).
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub query: String,
    /// Region facet paths; a document matches any of them.
    pub regions: Vec<String>,
    /// Filter `regions` on mentioned regions instead of the issuing region.
    pub mentioned: bool,
    /// Industry names; a document matches any of them.
    pub industries: Vec<String>,
    /// Exact years; `None` in the list means `unknown`.
    pub years: Vec<Option<i32>>,
    pub since: Option<i32>,
    pub until: Option<i32>,
    pub limit: usize,
    pub offset: usize,
    /// Any word may match instead of all words.
    pub any: bool,
    /// Ids and scores only: no snippets, no facet counts (evaluation, benchmarks of ranking).
    pub lean: bool,
    /// Order of the hits.
    pub sort: Sort,
}

/// Order of the hits of a search.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    /// Best match first (BM25 and the re-rank).
    #[default]
    Relevance,
    /// Latest publication date first; undated articles last, by relevance. Articles with all
    /// the words still come before those with only some of them.
    Newest,
}

impl std::str::FromStr for Sort {
    type Err = Error;

    fn from_str(s: &str) -> Result<Sort> {
        match s {
            "relevance" => Ok(Sort::Relevance),
            "newest" => Ok(Sort::Newest),
            other => Err(Error::Usage(format!(
                "unknown sort `{other}`: use relevance or newest"
            ))),
        }
    }
}

/// One hit as users see it (and as `--json` prints it).
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub rank: usize,
    pub id: String,
    pub path: String,
    pub title: String,
    pub title_derived: bool,
    pub date: Option<String>,
    pub year: Option<i64>,
    pub region: Option<String>,
    pub mentioned_regions: Vec<String>,
    pub industry: Vec<String>,
    pub source: Option<String>,
    pub url: Option<String>,
    pub score: f32,
    pub snippet: String,
    pub highlights: Vec<[usize; 2]>,
}

/// Facet counts over all matching documents.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Facets {
    /// Issuing region: `/경상북도` (시·도) and `/경상북도/안동시` (시·군·구) counts.
    pub region: BTreeMap<String, u64>,
    /// Mentioned regions, same shape.
    pub mentioned: BTreeMap<String, u64>,
    pub year: BTreeMap<String, u64>,
    pub industry: BTreeMap<String, u64>,
}

/// A search result.
#[derive(Debug, Clone, Serialize)]
pub struct Response {
    pub query: String,
    pub total: usize,
    pub offset: usize,
    pub hits: Vec<Hit>,
    pub facets: Facets,
    /// Set when the query had to be read differently than typed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
}

/// Runs searches against one index.
pub struct Engine<'a> {
    pub kindex: &'a KIndex,
    pub analyzer: &'a Analyzer,
    pub res: &'a Resources,
    synonyms: HashMap<String, Vec<String>>,
    facet_spec: facets::FacetSpec,
    facet_cache: facets::FacetCache,
}

impl<'a> Engine<'a> {
    pub fn new(kindex: &'a KIndex, analyzer: &'a Analyzer, res: &'a Resources) -> Engine<'a> {
        // Synonym groups keyed by the analysed form of each member.
        let mut synonyms: HashMap<String, Vec<String>> = HashMap::new();
        for group in &res.synonyms.groups {
            let forms: Vec<String> = group
                .iter()
                .map(|w| analyzer.term_texts(w).join(" "))
                .filter(|w| !w.is_empty())
                .collect();
            for f in &forms {
                let others: Vec<String> = forms.iter().filter(|o| *o != f).cloned().collect();
                synonyms.entry(f.clone()).or_default().extend(others);
            }
        }
        Engine {
            kindex,
            analyzer,
            res,
            synonyms,
            facet_spec: facets::FacetSpec::new(&kindex.fields, res),
            facet_cache: facets::FacetCache::default(),
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
        let f = &self.kindex.fields;
        // One memo of document frequencies for the whole search: the query's common-word
        // check, the re-rank's idf and BM25 all look up the same terms.
        let stats = Stats::new(&searcher, f.body);
        let tq = self.text_query(&stats, &req.query, req.any);
        let terms = tq.highlight;
        let mut notice = None;
        let filters = self.filters(req, f);
        let with_filters = |text: Option<Box<dyn Query>>| -> Box<dyn Query> {
            let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            match text {
                Some(q) => clauses.push((Occur::Must, q)),
                None if tq.has_text => clauses.push((Occur::Must, Box::new(EmptyQuery))),
                None => clauses.push((Occur::Must, Box::new(AllQuery))),
            }
            for filter in &filters {
                clauses.push((Occur::Must, filter.box_clone()));
            }
            Box::new(BooleanQuery::new(clauses))
        };
        if tq.strict.is_none() && tq.has_text {
            notice = Some(
                "the query has no searchable words (only particles, endings or punctuation)"
                    .to_string(),
            );
        }
        // Paging values beyond the index size are clamped: a huge --limit must not allocate
        // for hits that cannot exist.
        let docs = searcher.num_docs() as usize;
        let offset = req.offset.min(docs);
        let limit = req.limit.clamp(1, docs.max(1));
        let window = self.window_terms(&stats, &tq.window)?;
        let index_of = |w: &str| {
            window
                .iter()
                .position(|(t, _)| t.value().as_str() == Some(w))
        };
        let pairs: Vec<(usize, usize, u32)> = tq
            .pairs
            .iter()
            .filter_map(|(a, b, gap)| Some((index_of(a)?, index_of(b)?, *gap)))
            .filter(|(a, b, _)| a != b)
            .collect();
        // The first RERANK_DEPTH hits are re-ranked by the window feature (always the same
        // ones, so pages stay consistent); hits below keep their BM25 order. `depth` is how
        // many of the best hits a page of `limit` from `offset` needs.
        let newest = req.sort == Sort::Newest;
        let depth = |offset: usize, limit: usize| {
            // Newest first needs every match: the page's dates are anywhere in the ranking.
            if newest {
                return docs.max(1);
            }
            let depth = if window.len() >= 2 {
                (offset + limit).max(RERANK_DEPTH)
            } else {
                offset + limit
            };
            depth.max(1)
        };
        let page = |mut top: Vec<(f32, DocAddress)>, offset: usize, limit: usize| -> Result<_> {
            top.truncate(depth(offset, limit));
            let top = if newest {
                newest::order(&searcher, f, top, offset + limit)?
            } else {
                self.rerank(&searcher, &window, &pairs, top)?
            };
            Ok(top.into_iter().skip(offset).take(limit).collect::<Vec<_>>())
        };
        let facet_spec = (!req.lean).then_some((&self.facet_spec, &self.facet_cache));
        let strict = with_filters(tq.strict);
        let relaxed = tq.relaxed.map(|r| with_filters(Some(r)));
        // Short keyword queries keep "all words" whenever some article has them all, so that
        // totals and facets describe exactly those articles; questions (LONG_QUERY_TERMS terms
        // or more) fill the page with partial matches too, which is what ranks the right
        // paragraph of a question into the top 10 (docs/relevance.md). A question runs both
        // queries in one pass from the start; a short query runs the relaxed one only when
        // no article has all the words.
        let question = tq.words >= LONG_QUERY_TERMS;
        let mut pass = collect::run(
            &searcher,
            &stats,
            strict.as_ref(),
            relaxed.as_deref().filter(|_| question),
            depth(offset, limit),
            facet_spec,
        )?;
        if pass.strict_total == 0 && !question {
            if let Some(relaxed) = relaxed.as_deref() {
                pass = collect::run(
                    &searcher,
                    &stats,
                    strict.as_ref(),
                    Some(relaxed),
                    depth(offset, limit),
                    facet_spec,
                )?;
            }
        }
        let mut top = page(std::mem::take(&mut pass.strict_top), offset, limit)?;
        let mut total = pass.strict_total;
        let mut facet_slot = collect::STRICT;
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
            // `rest_top` holds the best `depth(offset, limit)` of them, at least as many as
            // this page needs.
            let rest_offset = offset.saturating_sub(total);
            let wanted = limit - top.len();
            top.extend(page(
                std::mem::take(&mut pass.rest_top),
                rest_offset,
                wanted,
            )?);
            total += more_total;
            facet_slot = collect::RELAXED;
        }
        let facets = pass.facets(facet_slot);
        // The page's documents are loaded and snippeted on two threads when the index is
        // large enough for the pass above to use two (the helper thread, `helper::both`).
        let build = |part: &[(f32, DocAddress)], first: usize| -> Result<Vec<Hit>> {
            part.iter()
                .enumerate()
                .map(|(i, &(score, addr))| {
                    let rank = offset + first + i + 1;
                    self.hit(&searcher, addr, score, rank, &terms, req.lean)
                })
                .collect()
        };
        let parallel = !req.lean && top.len() >= 4 && collect::large(&searcher);
        let hits = if parallel {
            let mid = top.len() / 2;
            let (a, b) = top.split_at(mid);
            let (first, rest) = helper::both(|| build(a, 0), || build(b, mid));
            let mut hits = first?;
            hits.extend(rest?);
            hits
        } else {
            build(&top, 0)?
        };
        Ok(Response {
            query: req.query.clone(),
            total,
            offset,
            hits,
            facets,
            notice,
        })
    }

    /// The text part of the query: the strict form (every plain word required), the relaxed
    /// form used below it when it finds too few, the set of terms to highlight, and whether
    /// the user typed any text at all.
    ///
    /// The relaxed form pools the terms of all plain words of the query (and, in a question,
    /// the words of its quoted phrases) into one "at least a quarter of them" clause, so a
    /// question such as `김이수를 "함량미달 재판관 후보자"라고 말한 사람은?` is relaxed as a whole
    /// rather than piece by piece around the phrase. `title:`/`body:` words, `OR` groups and
    /// exclusions stay as they are.
    fn text_query(&self, stats: &Stats, q: &str, any: bool) -> TextQuery {
        let items = query::parse(q);
        let mut out = TextQuery {
            strict: None,
            relaxed: None,
            highlight: HashSet::new(),
            has_text: !q.trim().is_empty(),
            words: 0,
            window: Vec::new(),
            pairs: Vec::new(),
        };
        let mut strict: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        // Relaxed form: hard clauses, the pool of units and score-only extras.
        let mut hard: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        // Units with their word (None: an OR group).
        let mut pool: Vec<(Box<dyn Query>, Option<String>)> = Vec::new();
        let mut extras: Vec<Box<dyn Query>> = Vec::new();
        // Phrases join the pool only in questions with other words; collected apart first.
        let mut phrases: Vec<ItemQuery> = Vec::new();
        let mut plain_groups = 0;
        let mut positive = 0;
        for group in query::groups(items) {
            let negate = group.iter().all(|i| i.negate);
            let mut alternatives: Vec<ItemQuery> = Vec::new();
            for item in &group {
                if let Some(q) =
                    self.item_query(item, any && group.len() == 1, &mut out.highlight, negate)
                {
                    alternatives.push(q);
                }
            }
            if alternatives.is_empty() {
                continue;
            }
            if negate {
                let s = any_of(alternatives.into_iter().map(|a| a.strict).collect());
                strict.push((Occur::MustNot, s.box_clone()));
                hard.push((Occur::MustNot, s));
                continue;
            }
            positive += 1;
            out.words += group[0].text.split_whitespace().count();
            let occur = if any { Occur::Should } else { Occur::Must };
            if alternatives.len() > 1 {
                // An OR group: one unit of the pool.
                let s = any_of(alternatives.into_iter().map(|a| a.strict).collect());
                strict.push((occur, s.box_clone()));
                pool.push((s, None));
                continue;
            }
            let a = alternatives.remove(0);
            strict.push((occur, a.strict.box_clone()));
            if !matches!(a.kind, ItemKind::Fixed) {
                out.window.extend(a.words.iter().cloned());
                out.pairs.extend(a.pairs.iter().cloned());
            }
            match a.kind {
                ItemKind::Plain => {
                    plain_groups += 1;
                    pool.extend(a.units.into_iter().zip(a.words.into_iter().map(Some)));
                    extras.extend(a.extras);
                }
                ItemKind::Phrase => phrases.push(a),
                ItemKind::Fixed => hard.push((Occur::Must, a.strict)),
            }
        }
        if strict.is_empty() {
            return out;
        }
        if positive == 0 {
            strict.push((Occur::Must, Box::new(AllQuery)));
        }
        out.strict = Some(Box::new(BooleanQuery::new(strict)));
        let question = out.words >= LONG_QUERY_TERMS && plain_groups > 0;
        for p in phrases {
            if question {
                pool.extend(p.units.into_iter().zip(p.words.into_iter().map(Some)));
                extras.extend(p.extras);
            } else {
                hard.push((Occur::Must, p.strict));
            }
        }
        if any || pool.len() < 2 {
            return out;
        }
        // Words in a large share of the articles (하다, 있다 …) add little to a score and would
        // make the relaxed query visit nearly every article: on a large index they only score
        // the articles the other words find. (All of them count when the query has nothing
        // else; on a small index every word is in a large share and every query is fast.)
        let docs = stats.searcher.num_docs().max(1) as f64;
        let is_common = |word: &Option<String>| {
            docs >= COMMON_MIN_DOCS as f64
                && word.as_ref().is_some_and(|w| {
                    let term = Term::from_field_text(self.kindex.fields.body, w);
                    stats.doc_freq(&term).unwrap_or(0) as f64 / docs > COMMON_SHARE
                })
        };
        let (common, mut rare): (Vec<_>, Vec<_>) =
            pool.into_iter().partition(|(_, w)| is_common(w));
        let mut common: Vec<Box<dyn Query>> = common.into_iter().map(|(q, _)| q).collect();
        if rare.is_empty() {
            rare = common.drain(..).map(|q| (q, None)).collect();
        }
        let n = rare.len();
        let min = ((n as f64 * RELAXED_MIN_SHARE).ceil() as usize).clamp(1, n);
        let core = BooleanQuery::with_minimum_required_clauses(
            rare.into_iter().map(|(q, _)| (Occur::Should, q)).collect(),
            min,
        );
        let mut relaxed: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, Box::new(core))];
        relaxed.extend(common.into_iter().map(|q| (Occur::Should, q)));
        relaxed.extend(hard);
        relaxed.extend(extras.into_iter().map(|q| (Occur::Should, q)));
        out.relaxed = Some(Box::new(BooleanQuery::new(relaxed)));
        out
    }

    /// The query of one item: required terms (or a phrase) over the item's fields, and the
    /// parts the relaxed form of the whole query is built from.
    fn item_query(
        &self,
        item: &query::Item,
        any: bool,
        highlight: &mut HashSet<String>,
        negate: bool,
    ) -> Option<ItemQuery> {
        let terms = self.analyzer.terms(&item.text);
        // Character bigrams of an unreadable word stand in for it only when the query has
        // nothing else: `헴프` searches 헴프, but `웅부관 소통실` searches its morphemes.
        let terms: Vec<crate::analysis::Term> = if terms.iter().any(|t| t.pos != BIGRAM_POS) {
            terms.into_iter().filter(|t| t.pos != BIGRAM_POS).collect()
        } else {
            terms
        };
        if terms.is_empty() {
            return None;
        }
        let fields = self.fields_of(item.scope);
        if !negate {
            for t in &terms {
                highlight.insert(t.text.clone());
            }
        }
        // Terms at one position (a compound and its first part) are alternatives: the parts
        // are enough (they are in every document that has the compound), so the whole is
        // dropped and each position is one unit.
        let mut units: Vec<Unit> = Vec::new();
        for term in &terms {
            match units.last_mut() {
                Some(u) if u.position == term.position => u.word = term.text.clone(),
                _ => units.push(Unit {
                    position: term.position,
                    word: term.text.clone(),
                    pos: term.pos.clone(),
                }),
            }
        }
        if item.phrase && terms.len() > 1 {
            let base = terms[0].position;
            let per_field: Vec<(Occur, Box<dyn Query>)> = fields
                .iter()
                .map(|&(field, boost)| {
                    let pq = PhraseQuery::new_with_offset(
                        terms
                            .iter()
                            .map(|t| (t.position - base, Term::from_field_text(field, &t.text)))
                            .collect(),
                    );
                    (Occur::Should, boosted(Box::new(pq), boost))
                })
                .collect();
            let strict: Box<dyn Query> = Box::new(BooleanQuery::new(per_field));
            // Relaxed (in a question): its words count like plain words, the phrase itself
            // only adds to the score.
            return Some(ItemQuery {
                extras: vec![strict.box_clone()],
                strict,
                units: units
                    .iter()
                    .map(|u| self.term_over_fields(&u.word, &fields, 1.0))
                    .collect(),
                words: units.iter().map(|u| u.word.clone()).collect(),
                pairs: unit_pairs(&units),
                kind: ItemKind::Phrase,
            });
        }
        let mut unit_queries: Vec<Box<dyn Query>> = Vec::new();
        for u in &units {
            let mut alternatives: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            let weight = if u.pos == "SN" { NUMBER_WEIGHT } else { 1.0 };
            alternatives.push((
                Occur::Should,
                self.term_over_fields(&u.word, &fields, weight),
            ));
            for syn in self.synonyms.get(&u.word).into_iter().flatten() {
                if !negate {
                    for part in syn.split(' ') {
                        highlight.insert(part.to_string());
                    }
                }
                alternatives.push((
                    Occur::Should,
                    self.phrase_over_fields(syn, &fields, SYNONYM_WEIGHT),
                ));
            }
            unit_queries.push(if alternatives.len() == 1 {
                alternatives.remove(0).1
            } else {
                Box::new(BooleanQuery::new(alternatives))
            });
        }
        let build = |occur: Occur| -> Box<dyn Query> {
            let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            for q in &unit_queries {
                clauses.push((occur, q.box_clone()));
            }
            if clauses.len() == 1 {
                return clauses.remove(0).1;
            }
            Box::new(BooleanQuery::new(clauses))
        };
        let strict = build(if any { Occur::Should } else { Occur::Must });
        let kind = if item.scope == Scope::All {
            ItemKind::Plain
        } else {
            ItemKind::Fixed
        };
        Some(ItemQuery {
            strict,
            units: unit_queries,
            extras: Vec::new(),
            pairs: unit_pairs(&units),
            words: units.into_iter().map(|u| u.word).collect(),
            kind,
        })
    }

    /// The distinct window terms of a query in the body field with their BM25 idf.
    fn window_terms(&self, stats: &Stats, words: &[String]) -> Result<Vec<(Term, f32)>> {
        let n = stats.searcher.num_docs() as f64;
        let mut out: Vec<(Term, f32)> = Vec::new();
        for w in words {
            let term = Term::from_field_text(self.kindex.fields.body, w);
            if out.iter().any(|(t, _)| t == &term) {
                continue;
            }
            let df = stats.doc_freq(&term)? as f64;
            if df == 0.0 {
                continue;
            }
            let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln() as f32;
            out.push((term, idf));
        }
        Ok(out)
    }

    /// Re-ranks the first [`RERANK_DEPTH`] hits: each gains [`WINDOW_WEIGHT`] × the largest
    /// idf sum of distinct query terms found together within [`WINDOW`] positions of its body
    /// (a question usually paraphrases one sentence of the paragraph that answers it), and
    /// [`PAIR_WEIGHT`] × the [`pair_score`] of adjacent query terms, neither counting terms
    /// that are also in the hit's title. Read from the positions in the index, for these few
    /// documents only (proximity as query clauses cost every matching document a position
    /// scan).
    fn rerank(
        &self,
        searcher: &Searcher,
        window: &[(Term, f32)],
        pairs: &[(usize, usize, u32)],
        mut top: Vec<(f32, DocAddress)>,
    ) -> Result<Vec<(f32, DocAddress)>> {
        let n = top.len().min(RERANK_DEPTH);
        if window.len() < 2 || n < 2 {
            return Ok(top);
        }
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by_key(|&k| (top[k].1.segment_ord, top[k].1.doc_id));
        let mut events: Vec<Vec<(u32, usize)>> = vec![Vec::new(); n];
        // in_title[k][t]: term t is in the title of hit k.
        let mut in_title: Vec<Vec<bool>> = vec![vec![false; window.len()]; n];
        let mut positions: Vec<u32> = Vec::new();
        let mut i = 0;
        while i < order.len() {
            let seg = top[order[i]].1.segment_ord;
            let j = order[i..]
                .iter()
                .position(|&k| top[k].1.segment_ord != seg)
                .map_or(order.len(), |p| i + p);
            let segment = searcher.segment_reader(seg);
            let inverted = segment.inverted_index(self.kindex.fields.body)?;
            let titles = segment.inverted_index(self.kindex.fields.title)?;
            for (ti, (term, _)) in window.iter().enumerate() {
                let title_term = term
                    .value()
                    .as_str()
                    .map(|t| Term::from_field_text(self.kindex.fields.title, t));
                if let Some(title_term) = title_term {
                    if let Some(mut postings) =
                        titles.read_postings(&title_term, IndexRecordOption::Basic)?
                    {
                        for &k in &order[i..j] {
                            let doc = top[k].1.doc_id;
                            if postings.doc() < doc {
                                postings.seek(doc);
                            }
                            in_title[k][ti] = postings.doc() == doc;
                        }
                    }
                }
                let Some(mut postings) =
                    inverted.read_postings(term, IndexRecordOption::WithFreqsAndPositions)?
                else {
                    continue;
                };
                for &k in &order[i..j] {
                    let doc = top[k].1.doc_id;
                    if postings.doc() < doc {
                        postings.seek(doc);
                    }
                    if postings.doc() == doc {
                        postings.positions(&mut positions);
                        events[k].extend(positions.iter().map(|&p| (p, ti)));
                    }
                }
            }
            i = j;
        }
        for (k, ev) in events.iter_mut().enumerate() {
            // Terms of the hit's own title (its subject, repeated all over the article) do not
            // tell its paragraphs apart: only the other terms count in the window.
            let idf: Vec<f32> = window
                .iter()
                .zip(&in_title[k])
                .map(|(w, &titled)| if titled { 0.0 } else { w.1 })
                .collect();
            top[k].0 += WINDOW_WEIGHT * best_window(ev, &idf, WINDOW);
            top[k].0 += PAIR_WEIGHT * pair_score(ev, &idf, pairs, PAIR_SLOP);
        }
        top[..n].sort_by(|a, b| b.0.total_cmp(&a.0));
        Ok(top)
    }

    fn fields_of(&self, scope: Scope) -> Vec<(Field, f32)> {
        let f = &self.kindex.fields;
        match scope {
            Scope::All => vec![(f.title, TITLE_BOOST), (f.body, 1.0)],
            Scope::Title => vec![(f.title, 1.0)],
            Scope::Body => vec![(f.body, 1.0)],
        }
    }

    fn term_over_fields(&self, word: &str, fields: &[(Field, f32)], weight: f32) -> Box<dyn Query> {
        let clauses: Vec<(Occur, Box<dyn Query>)> = fields
            .iter()
            .map(|&(field, boost)| {
                let tq = TermQuery::new(
                    Term::from_field_text(field, word),
                    IndexRecordOption::WithFreqs,
                );
                (Occur::Should, boosted(Box::new(tq), boost * weight))
            })
            .collect();
        if clauses.len() == 1 {
            return clauses
                .into_iter()
                .next()
                .map(|c| c.1)
                .unwrap_or(Box::new(EmptyQuery));
        }
        Box::new(BooleanQuery::new(clauses))
    }

    /// A (possibly multi-word) synonym as a phrase over the fields.
    fn phrase_over_fields(
        &self,
        words: &str,
        fields: &[(Field, f32)],
        weight: f32,
    ) -> Box<dyn Query> {
        let parts: Vec<&str> = words.split(' ').collect();
        if parts.len() == 1 {
            return self.term_over_fields(parts[0], fields, weight);
        }
        let clauses: Vec<(Occur, Box<dyn Query>)> = fields
            .iter()
            .map(|&(field, boost)| {
                let pq = PhraseQuery::new(
                    parts
                        .iter()
                        .map(|p| Term::from_field_text(field, p))
                        .collect(),
                );
                (Occur::Should, boosted(Box::new(pq), boost * weight))
            })
            .collect();
        Box::new(BooleanQuery::new(clauses))
    }

    fn filters(&self, req: &Request, f: &Fields) -> Vec<Box<dyn Query>> {
        let mut out: Vec<Box<dyn Query>> = Vec::new();
        let facet_any = |field: Field, values: Vec<Facet>| -> Box<dyn Query> {
            let clauses: Vec<(Occur, Box<dyn Query>)> = values
                .into_iter()
                .map(|v| {
                    let q: Box<dyn Query> = Box::new(TermQuery::new(
                        Term::from_facet(field, &v),
                        IndexRecordOption::Basic,
                    ));
                    (Occur::Should, q)
                })
                .collect();
            Box::new(ConstScoreQuery::new(
                Box::new(BooleanQuery::new(clauses)),
                0.0,
            ))
        };
        if !req.regions.is_empty() {
            let field = if req.mentioned { f.mentioned } else { f.region };
            out.push(facet_any(
                field,
                req.regions
                    .iter()
                    .map(|r| Facet::from(r.as_str()))
                    .collect(),
            ));
        }
        if !req.industries.is_empty() {
            out.push(facet_any(
                f.industry,
                req.industries
                    .iter()
                    .map(|i| Facet::from_path([i.as_str()]))
                    .collect(),
            ));
        }
        if !req.years.is_empty() {
            out.push(facet_any(
                f.year_facet,
                req.years
                    .iter()
                    .map(|y| match y {
                        Some(y) => Facet::from_path([y.to_string()]),
                        None => Facet::from_path([UNKNOWN]),
                    })
                    .collect(),
            ));
        }
        if req.since.is_some() || req.until.is_some() {
            let lo = req.since.unwrap_or(0) as i64;
            let hi = req.until.unwrap_or(9999) as i64;
            let range = RangeQuery::new(
                std::ops::Bound::Included(Term::from_field_i64(f.year, lo)),
                std::ops::Bound::Included(Term::from_field_i64(f.year, hi)),
            );
            out.push(Box::new(ConstScoreQuery::new(Box::new(range), 0.0)));
        }
        out
    }

    fn hit(
        &self,
        searcher: &Searcher,
        addr: DocAddress,
        score: f32,
        rank: usize,
        terms: &HashSet<String>,
        lean: bool,
    ) -> Result<Hit> {
        let doc: TantivyDocument = searcher.doc(addr)?;
        let f = &self.kindex.fields;
        let text = |field: Field| -> Option<String> {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        let facets = |field: Field| -> Vec<String> {
            doc.get_all(field)
                .filter_map(|v| v.as_facet().map(facet_path))
                .collect()
        };
        let snip = if lean {
            snippet::Snippet::default()
        } else {
            let body = text(f.body_text).unwrap_or_default();
            snippet::snippet(&body, terms, self.analyzer)
        };
        let region = facets(f.region)
            .into_iter()
            .next()
            .filter(|r| r != &format!("/{UNKNOWN}"));
        Ok(Hit {
            rank,
            id: text(f.id).unwrap_or_default(),
            path: text(f.path).unwrap_or_default(),
            title: text(f.title).unwrap_or_default(),
            title_derived: doc
                .get_first(f.title_derived)
                .and_then(|v| v.as_bool())
                .unwrap_or(false),
            date: text(f.date),
            year: doc.get_first(f.year).and_then(|v| v.as_i64()),
            region,
            mentioned_regions: facets(f.mentioned),
            industry: facets(f.industry)
                .into_iter()
                .map(|p| p.trim_start_matches('/').to_string())
                .collect(),
            source: text(f.source),
            url: text(f.url),
            score,
            snippet: snip.text,
            highlights: snip.highlights,
        })
    }
}

/// The text query of a request in its two forms.
struct TextQuery {
    /// Every plain word required.
    strict: Option<Box<dyn Query>>,
    /// Used when `strict` finds nothing: at least one word, ranked by all of them.
    relaxed: Option<Box<dyn Query>>,
    highlight: HashSet<String>,
    has_text: bool,
    /// Words the user typed in the positive, searchable part (a compound is one word).
    words: usize,
    /// Terms whose closeness in the body re-ranks the top hits ([`Engine::rerank`]).
    window: Vec<String>,
    pairs: Vec<(String, String, u32)>,
}

/// The query of one item, and its parts for the relaxed form of the whole query.
struct ItemQuery {
    strict: Box<dyn Query>,
    /// One query per position (with its synonyms), pooled into the relaxed form.
    units: Vec<Box<dyn Query>>,
    /// Score-only clauses (a quoted phrase itself, in the relaxed form of a question).
    extras: Vec<Box<dyn Query>>,
    /// The word of each unit (for the window feature of [`Engine::rerank`]).
    words: Vec<String>,
    /// Adjacent units: (word, next word, position gap) for the pair feature of the re-rank.
    pairs: Vec<(String, String, u32)>,
    kind: ItemKind,
}

/// How an item takes part in the relaxed form of a query.
enum ItemKind {
    /// Plain words: their units join the pool.
    Plain,
    /// A quoted phrase: its words join the pool in a question, else it stays required.
    Phrase,
    /// `title:`/`body:` words: required as typed.
    Fixed,
}

/// One query position: a term (the first part of a compound at that position).
struct Unit {
    position: usize,
    word: String,
    /// The POS tag of the term (`SN` numbers weigh [`NUMBER_WEIGHT`]).
    pos: String,
}

/// BM25 statistics with the average body length scaled by [`BODY_LENGTH_SCALE`]: tantivy
/// fixes k1 = 1.2 and b = 0.75, and the average length is the one knob left on term-frequency
/// saturation and length normalisation.
///
/// One `Stats` serves one search, and remembers what it looked up: the strict and the relaxed
/// query share most of their terms, the common-word check and the re-rank's idf ask for them
/// again, and each lookup of a document frequency walks every segment's term dictionary.
struct Stats<'s> {
    searcher: &'s Searcher,
    body: Field,
    doc_freqs: RefCell<HashMap<Term, u64>>,
    tokens: RefCell<HashMap<Field, u64>>,
}

impl<'s> Stats<'s> {
    fn new(searcher: &'s Searcher, body: Field) -> Stats<'s> {
        Stats {
            searcher,
            body,
            doc_freqs: RefCell::default(),
            tokens: RefCell::default(),
        }
    }
}

impl tantivy::query::Bm25StatisticsProvider for Stats<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        if let Some(&n) = self.tokens.borrow().get(&field) {
            return Ok(n);
        }
        let n = tantivy::query::Bm25StatisticsProvider::total_num_tokens(self.searcher, field)?;
        let n = if field == self.body {
            (n as f64 * BODY_LENGTH_SCALE).round() as u64
        } else {
            n
        };
        self.tokens.borrow_mut().insert(field, n);
        Ok(n)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        tantivy::query::Bm25StatisticsProvider::total_num_docs(self.searcher)
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        if let Some(&n) = self.doc_freqs.borrow().get(term) {
            return Ok(n);
        }
        let n = self.searcher.doc_freq(term)?;
        self.doc_freqs.borrow_mut().insert(term.clone(), n);
        Ok(n)
    }
}

/// The largest sum of `idf[term]` over the distinct terms of `events` (position, term index)
/// that lie within `width` positions of each other.
fn best_window(events: &mut [(u32, usize)], idf: &[f32], width: u32) -> f32 {
    events.sort_unstable();
    let mut counts = vec![0u32; idf.len()];
    let (mut start, mut sum, mut best) = (0, 0.0f32, 0.0f32);
    for e in 0..events.len() {
        let (p, t) = events[e];
        counts[t] += 1;
        if counts[t] == 1 {
            sum += idf[t];
        }
        while events[start].0 + width < p {
            let t0 = events[start].1;
            counts[t0] -= 1;
            if counts[t0] == 0 {
                sum -= idf[t0];
            }
            start += 1;
        }
        best = best.max(sum);
    }
    best
}

fn unit_pairs(units: &[Unit]) -> Vec<(String, String, u32)> {
    units
        .windows(2)
        .map(|p| {
            let gap = p[1].position.saturating_sub(p[0].position).max(1) as u32;
            (p[0].word.clone(), p[1].word.clone(), gap)
        })
        .collect()
}

/// Pair feature: for each adjacent pair (a, b, gap) of query terms (indexes into `idf`), the
/// places of a with b at a's position + `gap` ± `slop`, saturated like BM25's term frequency
/// (k1 = 1.2), times the sum of the two idfs.
fn pair_score(
    events: &[(u32, usize)],
    idf: &[f32],
    pairs: &[(usize, usize, u32)],
    slop: u32,
) -> f32 {
    let mut total = 0.0;
    for &(a, b, gap) in pairs {
        let pa: Vec<u32> = events.iter().filter(|e| e.1 == a).map(|e| e.0).collect();
        let pb: Vec<u32> = events.iter().filter(|e| e.1 == b).map(|e| e.0).collect();
        let mut n = 0u32;
        for &x in &pa {
            let lo = (x + gap).saturating_sub(slop);
            let hi = x + gap + slop;
            if pb.iter().any(|&y| y >= lo && y <= hi && y != x) {
                n += 1;
            }
        }
        if n > 0 {
            let tf = n as f32;
            total += (idf[a] + idf[b]) * tf * 2.2 / (tf + 1.2);
        }
    }
    total
}

fn any_of(mut queries: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    if queries.len() == 1 {
        return queries.remove(0);
    }
    Box::new(BooleanQuery::new(
        queries.into_iter().map(|q| (Occur::Should, q)).collect(),
    ))
}

/// Path form (`/경상북도/안동시`) of a stored facet value (tantivy's encoded form separates
/// segments with NUL).
fn facet_path(encoded: &str) -> String {
    format!("/{}", encoded.replace('\0', "/"))
}

fn boosted(q: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    if (boost - 1.0).abs() < f32::EPSILON {
        q
    } else {
        Box::new(BoostQuery::new(q, boost))
    }
}

/// Facet counts over the whole index (`kpolicy stats`): region and mentioned region at both
/// levels (시·도, and 시·군·구 of every 시·도 of the gazetteer), year and industry. Needs no
/// analyzer and no [`Engine`].
pub fn all_facets(kindex: &KIndex, res: &Resources) -> Result<Facets> {
    let reader = kindex.reader()?;
    let spec = facets::FacetSpec::new(&kindex.fields, res);
    collect::facets_of(
        &reader.searcher(),
        &AllQuery,
        &spec,
        &facets::FacetCache::default(),
    )
}

/// Errors a user can fix in a request: unknown region or industry names.
pub fn resolve_filters(
    res: &Resources,
    regions: &[String],
    industries: &[String],
) -> Result<(Vec<String>, Vec<String>)> {
    let mut region_paths = Vec::new();
    for r in regions {
        if r == UNKNOWN {
            region_paths.push(format!("/{UNKNOWN}"));
            continue;
        }
        let found = res.gazetteer.resolve(r);
        if found.is_empty() {
            let provinces: Vec<String> =
                res.gazetteer.provinces().map(|p| p.sido.clone()).collect();
            return Err(Error::Usage(format!(
                "unknown region `{r}`: use a 시·도 ({}), a 시·군·구 such as 안동시, or a path such as /경상북도/안동시",
                provinces.join(", ")
            )));
        }
        region_paths.extend(found.into_iter().map(|r| r.path()));
    }
    let mut names = Vec::new();
    for i in industries {
        match res.taxonomy.resolve(i) {
            Some(ind) => names.push(ind.name.clone()),
            None => {
                let known: Vec<&str> = res
                    .taxonomy
                    .industries
                    .iter()
                    .map(|x| x.name.as_str())
                    .collect();
                return Err(Error::Usage(format!(
                    "unknown industry `{i}`: known industries are {}",
                    known.join(", ")
                )));
            }
        }
    }
    Ok((region_paths, names))
}

#[cfg(test)]
mod tests {
    use super::best_window;

    #[test]
    fn best_window_sums_distinct_terms_close_together() {
        let idf = [1.0, 2.0, 4.0];
        // Terms 0 and 1 far apart; 1 and 2 within 3 positions; term 1 twice counts once.
        let mut ev = vec![(0, 0), (50, 1), (52, 1), (53, 2)];
        assert_eq!(best_window(&mut ev, &idf, 3), 6.0);
        assert_eq!(best_window(&mut ev, &idf, 100), 7.0);
        assert_eq!(best_window(&mut ev, &idf, 0), 4.0);
        assert_eq!(best_window(&mut [], &idf, 10), 0.0);
    }

    #[test]
    fn pair_score_counts_pairs_in_order_near_their_query_distance() {
        let idf = [1.0, 2.0];
        // `a b` asked (gap 1): b right after a at 10, three after a at 20 (slop 2), three
        // before a at 30 (wrong order), far away at 40/50.
        let ev = [
            (10, 0),
            (11, 1),
            (20, 0),
            (23, 1),
            (27, 1),
            (30, 0),
            (40, 0),
            (50, 1),
        ];
        let one = 3.0 * 2.2 / (1.0 + 1.2);
        let two = 3.0 * 2.0 * 2.2 / (2.0 + 1.2);
        assert!((super::pair_score(&ev, &idf, &[(0, 1, 1)], 2) - two).abs() < 1e-5);
        assert!((super::pair_score(&ev, &idf, &[(0, 1, 1)], 0) - one).abs() < 1e-5);
        assert_eq!(super::pair_score(&ev, &[0.0, 0.0], &[(0, 1, 1)], 2), 0.0);
    }
}
