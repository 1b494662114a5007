//! The engine: one index, ready to answer [`Request`]s from any number of threads.
//!
//! [`Engine::search`] runs the steps the neighbouring modules own: `plan` builds the queries,
//! `collect` passes over the matches once for page, total and facet counts, `rank` re-ranks
//! the top, `hit` loads the page. What lives as long as the engine is made once in
//! [`Engine::new`] (analysed synonyms, the facet spec) or kept while the index's segments
//! live (the facet tables of `collect`); everything else belongs to one search.

use std::sync::Arc;

use tantivy::collector::TopDocs;
use tantivy::query::{AllQuery, EnableScoring, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::Term;

use super::collapse::{self, fold, GroupCache, StoryCopies};
use super::collect::{self, FacetCache, FacetSpec, RELAXED, STRICT};
use super::explain::{Explanation, Ranked};
use super::plan::{self, QueryBuilder};
use super::rank::bm25::Bm25Stats;
use super::rank::newest;
use super::rank::rerank::Reranker;
use super::request::{Facets, Request, Response, Sort};
use crate::analysis::Analyzer;
use crate::data::Resources;
use crate::error::Result;
use crate::index::KIndex;

/// When copies of one story fold, the first pass over the matches keeps this many times the
/// hits a page reaches (`offset + limit`).
const FOLD_DEPTH: usize = 10;

/// Runs searches against one index.
///
/// An engine owns what it needs (`Send + Sync + 'static`), so one engine can serve many
/// threads for the life of a server; each search reads the index's last commit.
pub struct Engine {
    kindex: Arc<KIndex>,
    builder: QueryBuilder,
    facet_spec: FacetSpec,
    facet_cache: FacetCache,
    groups: GroupCache,
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
            groups: GroupCache::default(),
            kindex,
        }
    }

    /// Runs a request.
    ///
    /// Plain words are matched "all words if possible, else best partial": the strict query
    /// (every word required) is run first; when fewer articles than the requested page holds
    /// have all the words, the page goes on with the articles that have only some of them,
    /// ranked by BM25 over all the words, below every article that has them all.
    /// `title:`/`body:` words, exclusions and (except in a question, where their words count
    /// like plain words) phrases stay hard constraints; `--any` ranks all documents with any
    /// word together.
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
        let reranker = Reranker::new(&stats, fields, &plan.window, &plan.pairs, &plan.together)?;
        // Copies of one story: grouped over the whole index (kept until the next commit), and
        // folded into one hit unless the request asks for every article.
        let groups = self.groups.get(&searcher, &self.kindex.path)?;
        let grouped = (groups.count() > 0).then_some(&*groups);
        let collapse = !req.no_collapse && grouped.is_some();
        // Newest first needs every match: the page's dates are anywhere in the ranking.
        let newest = req.sort == Sort::Newest;
        let want = offset + limit;
        // The ranked articles looked at for the page: as many as the page reaches when every
        // article is a hit; when copies fold, more, so that `want` stories are usually found
        // in one pass (it is widened when they are not).
        let mut window = if collapse { want + want.max(10) } else { want };
        let depth_for = |window: usize| {
            if newest {
                collect::EVERY
            } else {
                reranker.depth(0, window)
            }
        };
        let page = |top: Vec<(f32, tantivy::DocAddress)>, limit: usize| {
            if newest {
                let ordered = newest::order(&searcher, top, limit)?;
                Ok::<_, crate::error::Error>(ordered.into_iter().take(limit).collect::<Vec<_>>())
            } else {
                reranker.page(&searcher, top, 0, limit)
            }
        };
        let facet_spec =
            (!req.lean && !req.no_facets).then_some((&self.facet_spec, &self.facet_cache));
        // Short keyword queries keep "all words" whenever some article has them all, so that
        // totals and facets describe exactly those articles; questions fill the page with
        // partial matches too, which is what ranks the right paragraph of a question into the
        // top 10 (docs/relevance.md). A question runs both queries in one pass from the
        // start; a short query runs the relaxed one only when no article has all the words.
        let question = plan.question;
        let strict = plan.strict.as_ref();
        let relaxed = plan.relaxed.as_deref();
        // What the pass runs: with a date range over an index that has undated articles, the
        // queries that match those too, for the pass to count them apart.
        let (pass_strict, pass_relaxed) = match &plan.undated {
            Some(u) => (u.strict.as_ref(), u.relaxed.as_deref()),
            None => (strict, relaxed),
        };
        let queries = |with_relaxed: bool| collect::Queries {
            strict: pass_strict,
            relaxed: pass_relaxed.filter(|_| with_relaxed),
            undated_apart: plan.undated.is_some(),
        };
        // `counts`: facet counts and the groups of the matches too; a pass run again only to
        // reach deeper keeps those of the first.
        let run = |depth: usize, counts: bool| -> Result<collect::Pass> {
            let (facet_spec, grouped) = if counts {
                (facet_spec, grouped)
            } else {
                (None, None)
            };
            let pass = collect::run(
                &searcher,
                &stats,
                queries(question),
                depth,
                facet_spec,
                grouped,
            )?;
            match pass_relaxed {
                Some(_) if pass.strict_total == 0 && !question => {
                    collect::run(&searcher, &stats, queries(true), depth, facet_spec, grouped)
                }
                _ => Ok(pass),
            }
        };
        // Each pass's matches are ranked once, as deep as the pass reached: a window widened
        // for folded copies is a longer prefix of the same order (the re-rank only reorders
        // the first `reranked`), so widening never ranks them again. Newest first selects just
        // the window's dates from every match, each time.
        type Order = Vec<(f32, tantivy::DocAddress)>;
        let ranked_prefix = |top: &mut Order, cache: &mut Option<Order>, n: usize| {
            if newest {
                // A wider window needs them again only when copies fold.
                let top = if collapse {
                    top.clone()
                } else {
                    std::mem::take(top)
                };
                return page(top, n);
            }
            if cache.is_none() {
                let depth = top.len();
                *cache = Some(page(std::mem::take(top), depth)?);
            }
            let all = cache.as_deref().unwrap_or_default();
            Ok(all[..n.min(all.len())].to_vec())
        };
        // When copies fold, the first pass keeps a deeper list than the window (keeping more
        // of the matches it scores anyway costs little), so that a page of stories is rarely
        // short of the window and the pass rarely runs again.
        let mut depth = depth_for(window);
        if collapse && !newest {
            depth = depth.max(want.saturating_mul(FOLD_DEPTH));
        }
        let mut pass = run(depth, true)?;
        let undated = (pass.strict_undated, pass.rest_undated);
        let (mut strict_ranked, mut rest_ranked): (Option<Order>, Option<Order>) = (None, None);
        loop {
            let strict_stories = match grouped {
                Some(g) => g.stories(pass.strict_total, &[&pass.strict_groups]),
                None => pass.strict_total,
            };
            // What the page counts in: stories when copies fold, else articles.
            let strict_units = if collapse {
                strict_stories
            } else {
                pass.strict_total
            };
            let fill = relaxed.is_some() && (pass.strict_total == 0 || question);
            let fill = fill && strict_units < want;
            let mut ranked = ranked_prefix(&mut pass.strict_top, &mut strict_ranked, window)?;
            // Hits with all the words come first; the rest fill the window from the relaxed
            // query.
            let strict_len = ranked.len();
            let mut total = pass.strict_total;
            let mut stories = strict_stories;
            let mut facet_slot = STRICT;
            if fill {
                // Not enough articles with all the words: the rest of the page, and of the
                // total, are the articles with only some of them.
                let more_total = pass.rest_total;
                if more_total > 0 {
                    notice = Some(if total == 0 {
                        "no article has all the words: showing those with the most of them"
                            .to_string()
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
                // `rest_top` holds the best `depth` of them, at least as many as the window
                // needs.
                let wanted = window - ranked.len();
                ranked.extend(ranked_prefix(&mut pass.rest_top, &mut rest_ranked, wanted)?);
                total += more_total;
                stories = match grouped {
                    Some(g) => g.stories(total, &[&pass.strict_groups, &pass.rest_groups]),
                    None => total,
                };
                facet_slot = RELAXED;
            }
            let units = if collapse { stories } else { total };
            let ranked_all = ranked.len();
            // Places in `ranked` of the hits: every one, or each story's best-ranked copy.
            let kept: Vec<usize> = match grouped.filter(|_| collapse) {
                Some(g) => fold(&ranked, g),
                None => (0..ranked.len()).collect(),
            };
            if kept.len() < want.min(units) && ranked_all >= window {
                // Copies took the window's places: look further down the ranking, as far as
                // the stories found so far say the page needs (at least four times as far).
                let found = kept.len().max(1);
                window = window.saturating_mul(want.div_ceil(found).max(2) * 2);
                if depth_for(window) > depth {
                    depth = depth_for(window);
                    let deeper = run(depth, false)?;
                    pass.strict_top = deeper.strict_top;
                    pass.rest_top = deeper.rest_top;
                    (strict_ranked, rest_ranked) = (None, None);
                }
                continue;
            }
            let kept: Vec<usize> = kept.into_iter().skip(offset).take(limit).collect();
            let top: Vec<_> = kept.iter().map(|&i| ranked[i]).collect();
            let facets = pass.facets(facet_slot);
            // What the date range left out for want of a date, counted like the total (by
            // the first pass: a deeper one keeps its counts).
            let undated_excluded = req.has_date_range().then(|| {
                if facet_slot == RELAXED {
                    undated.0 + undated.1
                } else {
                    undated.0
                }
            });
            let mut hits =
                super::hit::load_page(&searcher, fields, &top, offset, &plan.highlight, req.lean)?;
            if let Some(g) = grouped {
                collapse::attach(&searcher, fields, g, &top, &mut hits, collapse)?;
            }
            if req.explain {
                // What the re-rank added to each hit it re-ranked: the first `reranked` of
                // each tier (all words, some words) in relevance order.
                let docs: Vec<tantivy::DocAddress> = top.iter().map(|t| t.1).collect();
                let proximity = reranker.features(&searcher, &docs)?;
                for (j, (hit, &i)) in hits.iter_mut().zip(&kept).enumerate() {
                    let (score, doc) = ranked[i];
                    let all_words = i < strict_len;
                    let in_tier = if all_words { i } else { i - strict_len };
                    let reranked = !newest && in_tier < reranker.reranked();
                    let query = match (all_words, relaxed) {
                        (false, Some(r)) => r,
                        _ => plan.strict.as_ref(),
                    };
                    let ranked = Ranked {
                        doc,
                        score,
                        all_words,
                        proximity: reranked.then(|| proximity[j]),
                    };
                    hit.explain = Some(super::explain::explain(
                        &searcher,
                        &stats,
                        &plan.leaves,
                        query,
                        ranked,
                    )?);
                }
            }
            return Ok(Response {
                query: req.query.clone(),
                total,
                stories,
                collapsed: collapse,
                facet_counts: "articles",
                offset,
                hits,
                facets,
                notice,
                undated_excluded,
            });
        }
    }

    /// The groups of copies of one story among the articles of the index's last commit, and
    /// how many articles they hold: `(groups, articles in a group)`.
    pub fn group_counts(&self) -> Result<(usize, usize)> {
        let reader = self.kindex.reader()?;
        let groups = self.groups.get(&reader.searcher(), &self.kindex.path)?;
        Ok((groups.count(), groups.grouped()))
    }
}

/// The indexed copies of the story of an article whose fingerprint is `print`
/// (`kpolicy inspect`).
pub fn story_copies(
    kindex: &KIndex,
    print: &crate::dedup::Fingerprint,
    path: &std::path::Path,
) -> Result<StoryCopies> {
    let reader = kindex.reader()?;
    collapse::copies_of(&reader.searcher(), kindex, print, path)
}

/// The groups of copies of one story in the index: `(groups, articles in a group)`. Needs no
/// analyzer and no [`Engine`] (`kpolicy stats`).
pub fn group_counts(kindex: &KIndex) -> Result<(usize, usize)> {
    let reader = kindex.reader()?;
    let groups = collapse::groups_of(&reader.searcher(), &kindex.path)?;
    Ok((groups.count(), groups.grouped()))
}

impl Engine {
    /// Why the article `id` matches `req` as it does (the server's article view, "왜?"):
    /// the explanation of [`Request::explain`] for that one article, with what the re-rank
    /// would add to it. `None` when no article has that id or it does not match.
    pub fn explain_article(&self, req: &Request, id: &str) -> Result<Option<Explanation>> {
        let reader = self.kindex.reader()?;
        let searcher = reader.searcher();
        let fields = &self.kindex.fields;
        let stats = Bm25Stats::new(&searcher, fields.body);
        let plan = plan::plan(&self.builder, &stats, req);
        let by_id = TermQuery::new(
            Term::from_field_text(fields.id, id),
            IndexRecordOption::Basic,
        );
        let found = searcher.search(&by_id, &TopDocs::with_limit(1).order_by_score())?;
        let Some(&(_, doc)) = found.first() else {
            return Ok(None);
        };
        let scoring = EnableScoring::enabled_from_statistics_provider(&stats, &searcher);
        let segment = searcher.segment_reader(doc.segment_ord);
        let matches = |q: &dyn tantivy::query::Query| -> Result<bool> {
            Ok(q.weight(scoring)?.explain(segment, doc.doc_id).is_ok())
        };
        let (query, all_words) = if matches(plan.strict.as_ref())? {
            (plan.strict.as_ref(), true)
        } else {
            match plan.relaxed.as_deref() {
                Some(r) if matches(r)? => (r, false),
                _ => return Ok(None),
            }
        };
        let reranker = Reranker::new(&stats, fields, &plan.window, &plan.pairs, &plan.together)?;
        let proximity = reranker.features(&searcher, &[doc])?[0];
        let ranked = Ranked {
            doc,
            score: 0.0,
            all_words,
            proximity: Some(proximity),
        };
        let mut e = super::explain::explain(&searcher, &stats, &plan.leaves, query, ranked)?;
        e.score = e.bm25 + proximity.window + proximity.pair;
        e.text = super::explain::lines(&e);
        Ok(Some(e))
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

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::indexer::{Indexer, Options, Source};

    fn index(folder: &Path, index: &Path, analyzer: &Analyzer, res: &Resources) {
        let opts = Options {
            writer_memory: 16 * 1024 * 1024,
            ..Options::default()
        };
        let mut indexer = Indexer::open(index, analyzer, res, &opts).expect("open the writer");
        indexer
            .update(Source::Folders(&[folder.to_path_buf()]), &mut |_| {})
            .expect("index the test folder");
        indexer.finish().expect("finish the writer");
    }

    fn search(engine: &Engine, query: &str) -> Response {
        let req = Request {
            query: query.to_string(),
            limit: 10,
            ..Request::default()
        };
        engine.search(&req).expect("search")
    }

    /// What a server needs: one engine searched from several threads, and commits made while
    /// it serves (as `kpolicy watch` makes them) seen by the next search, facets included.
    #[test]
    fn one_engine_serves_many_threads_and_sees_new_commits() {
        fn shareable<T: Send + Sync + 'static>() {}
        shareable::<Engine>();

        let tmp = tempfile::tempdir().expect("temporary folder");
        let (docs, idx) = (tmp.path().join("docs"), tmp.path().join("index"));
        std::fs::create_dir_all(&docs).expect("docs folder");
        std::fs::write(
            docs.join("vaccine.txt"),
            "경북 안동시, 바이오·백신 산업 육성\n\n경상북도 안동시는 바이오·백신 클러스터를 조성한다고 밝혔다.",
        )
        .expect("write an article");
        let res = Resources::embedded().expect("data files");
        let analyzer = Analyzer::new(&res.user_words()).expect("analyzer");
        index(&docs, &idx, &analyzer, &res);
        let kindex = KIndex::open(&idx, &analyzer).expect("open the index");
        let engine = Arc::new(Engine::new(kindex, &analyzer, &res));

        let threads: Vec<_> = (0..4)
            .map(|_| {
                let engine = Arc::clone(&engine);
                std::thread::spawn(move || {
                    (0..5)
                        .map(|_| search(&engine, "바이오 백신"))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for t in threads {
            for r in t.join().expect("a search thread panicked") {
                assert_eq!(r.total, 1);
                assert!(
                    r.hits[0].article.path.ends_with("vaccine.txt"),
                    "{:?}",
                    r.hits[0]
                );
                assert!(!r.hits[0].highlights.is_empty());
                assert_eq!(r.facets.year.values().sum::<u64>(), 1);
            }
        }
        assert_eq!(search(&engine, "수소").total, 0);

        std::fs::write(
            docs.join("hydrogen.txt"),
            "울산 남구, 수소 충전소 확충\n\n울산광역시 남구는 수소 충전소를 늘리고 수소 버스 노선을 확대한다.",
        )
        .expect("write an article");
        index(&docs, &idx, &analyzer, &res);
        let r = search(&engine, "수소");
        assert_eq!(r.total, 1, "the engine sees the new commit");
        assert!(
            r.hits[0].article.path.ends_with("hydrogen.txt"),
            "{:?}",
            r.hits[0]
        );
        // The facet tables of the new segment were built: the counts cover the new article.
        assert_eq!(r.facets.year.values().sum::<u64>(), 1);
        let all = search(&engine, "");
        assert_eq!(all.total, 2);
        assert_eq!(all.facets.year.values().sum::<u64>(), 2);
    }

    /// A date range leaves out the matches without a full date and says how many: counted in
    /// the pass over the matches (the queries widened to the undated articles), the same
    /// number as a separate count of them, for all words, some words (no article has them
    /// all) and a question; and an index without undated articles says 0.
    #[test]
    fn a_date_range_counts_the_undated_matches_it_leaves_out() {
        use crate::search::Day;
        use tantivy::collector::Count;
        use tantivy::query::{BooleanQuery, Occur, TermQuery};
        use tantivy::schema::IndexRecordOption;

        let tmp = tempfile::tempdir().expect("temporary folder");
        let (docs, idx) = (tmp.path().join("docs"), tmp.path().join("index"));
        std::fs::create_dir_all(&docs).expect("docs folder");
        let articles = [
            (
                "a.txt",
                Some("2021-05-12"),
                "오송 바이오 산업 육성",
                "충청북도는 바이오 백신 기업을 유치한다.",
            ),
            (
                "b.txt",
                Some("2022-09-01"),
                "송도 바이오 클러스터",
                "인천광역시는 바이오 백신 공장을 짓는다.",
            ),
            (
                "c.txt",
                None,
                "안동 백신 클러스터",
                "경상북도 안동시는 바이오 백신 산업을 키운다.",
            ),
            (
                "d.txt",
                None,
                "포항 수소 산업",
                "포항시는 수소 충전소와 바이오 연료를 늘린다.",
            ),
            (
                "e.txt",
                Some("2023-01-10"),
                "울산 수소 버스",
                "울산광역시는 수소 버스를 늘린다.",
            ),
        ];
        for (name, date, title, body) in articles {
            let dated = date.map_or(String::new(), |d| format!("입력 {d} 오전 10:20\n"));
            std::fs::write(docs.join(name), format!("{title}\n{dated}\n{body}"))
                .expect("write an article");
        }
        let res = Resources::embedded().expect("data files");
        let analyzer = Analyzer::new(&res.user_words()).expect("analyzer");
        index(&docs, &idx, &analyzer, &res);
        let kindex = KIndex::open(&idx, &analyzer).expect("open the index");
        let engine = Engine::new(kindex, &analyzer, &res);
        let searcher = engine.kindex.reader().expect("reader").searcher();
        let from = Day::parse("2021-01-01", crate::search::day::End::Start).ok();
        for query in [
            "바이오 백신",
            "바이오 수소 없는말",
            "",
            "안동시 바이오 백신 산업을 키우는 계획은 무엇인가",
        ] {
            let req = Request {
                query: query.to_string(),
                from,
                limit: 10,
                ..Request::default()
            };
            let r = engine.search(&req).expect("search");
            // The undated articles the same request matches without its range, counted alone.
            let open = Request {
                from: None,
                ..req.clone()
            };
            let stats = Bm25Stats::new(&searcher, engine.kindex.fields.body);
            let p = plan::plan(&engine.builder, &stats, &open);
            let undated_only = |q: &dyn tantivy::query::Query| {
                let q = BooleanQuery::new(vec![
                    (Occur::Must, q.box_clone()),
                    (
                        Occur::Must,
                        Box::new(TermQuery::new(
                            plan::undated_term(&engine.kindex.fields),
                            IndexRecordOption::Basic,
                        )),
                    ),
                ]);
                searcher.search(&q, &Count).expect("count")
            };
            let strict = undated_only(p.strict.as_ref());
            let expected = if r.notice.is_some() || p.question {
                p.relaxed.as_deref().map_or(strict, undated_only)
            } else {
                strict
            };
            assert_eq!(r.undated_excluded, Some(expected), "{query:?}: {r:?}");
            assert!(r.hits.iter().all(|h| h.article.date.is_some()), "{query:?}");
        }
        let in_range = |query: &str| {
            let r = engine
                .search(&Request {
                    query: query.to_string(),
                    from,
                    ..Request::default()
                })
                .expect("search");
            (r.total, r.undated_excluded)
        };
        assert_eq!(in_range("바이오 백신"), (2, Some(1)));
        // Without undated articles nothing is left out.
        std::fs::remove_file(docs.join("c.txt")).expect("remove");
        std::fs::remove_file(docs.join("d.txt")).expect("remove");
        index(&docs, &idx, &analyzer, &res);
        assert_eq!(in_range("바이오"), (2, Some(0)));
    }
}
