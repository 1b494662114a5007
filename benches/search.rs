//! In-process query latency with top-10 snippets and facet counts (issue 5).
//!
//! The index:
//! - `KPOLICY_BENCH_INDEX=DIR` with an existing kpolicy index: used as is (e.g. the 100k index
//!   `scripts/bench.sh` builds);
//! - otherwise the first `KPOLICY_BENCH_DOCS` (default 10,000) articles of
//!   `KPOLICY_BENCH_CORPUS` (else `$BENCH_DATA/corpus.jsonl`; made by
//!   `scripts/gen_bench_corpus.py`) are indexed once into a temporary folder. Say which in any
//!   figure you report: 10k is not 100k.
//!
//! Queries: `scripts/bench_queries.tsv` (single words, two-word AND, phrases, facet filters,
//! long natural-language questions), each run through `Engine::search` with `lean: false`
//! (10 hits with snippets, facet counts for region/mentioned/year/industry).
//!
//! Besides criterion's per-class means, a plain loop runs every query `KPOLICY_BENCH_ROUNDS`
//! times (default 30) and prints p50 / p99 / max per class and over all queries, and next to
//! them the p50 / p99 of the same queries with `lean: true` (no snippets, no facets): the gap
//! is what fetching the hits, snippets and facet counting cost. Criterion's filter skips its
//! part and keeps the loop: `cargo bench --bench search -- skip`.
//!
//! `KPOLICY_BENCH_CLASS=word` keeps only the queries of one class (for profiling one kind).
//!
//! Run: `KPOLICY_BENCH_INDEX=DIR cargo bench --bench search` (or `KPOLICY_BENCH_CORPUS=FILE`);
//! with neither the bench stops with one line saying so.

mod common;

use std::io::BufRead;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{black_box, Criterion};

use kpolicy::analysis::Analyzer;
use kpolicy::data::Resources;
use kpolicy::index::KIndex;
use kpolicy::indexer::{Indexer, JsonLines, Options, Source};
use kpolicy::search::{resolve_filters, Engine, Request};

/// The allocator the `kpolicy` binary uses (src/main.rs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

struct Query {
    class: String,
    text: String,
    region: Option<String>,
}

fn queries() -> Vec<Query> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/bench_queries.tsv");
    let content = std::fs::read_to_string(path).expect("scripts/bench_queries.tsv");
    let class = std::env::var("KPOLICY_BENCH_CLASS").ok();
    content
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter(|l| {
            class
                .as_ref()
                .is_none_or(|c| l.split('\t').next() == Some(c.as_str()))
        })
        .map(|l| {
            let mut cols = l.split('\t');
            Query {
                class: cols.next().unwrap_or("").to_string(),
                text: cols.next().unwrap_or("").to_string(),
                region: cols.next().map(str::to_string).filter(|s| !s.is_empty()),
            }
        })
        .collect()
}

/// The index to search, and a temporary folder to keep alive when we built it.
fn index_dir(analyzer: &Analyzer, res: &Resources) -> (PathBuf, Option<tempfile::TempDir>) {
    if let Ok(dir) = std::env::var("KPOLICY_BENCH_INDEX") {
        let dir = PathBuf::from(dir);
        if dir.join("meta.json").exists() {
            eprintln!("search bench: using the index at {}", dir.display());
            return (dir, None);
        }
        eprintln!(
            "search bench: KPOLICY_BENCH_INDEX={} has no index; building a small one",
            dir.display()
        );
    }
    let Some(corpus) = common::bench_corpus() else {
        eprintln!(
            "search bench: no index and no corpus: set KPOLICY_BENCH_INDEX=DIR (an index) or KPOLICY_BENCH_CORPUS=FILE (JSON lines, made by scripts/gen_bench_corpus.py)"
        );
        std::process::exit(2);
    };
    let docs: usize = std::env::var("KPOLICY_BENCH_DOCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let file = std::fs::File::open(&corpus).unwrap_or_else(|e| {
        eprintln!("search bench: {corpus}: {e}; run scripts/gen_bench_corpus.py or set KPOLICY_BENCH_CORPUS");
        std::process::exit(2);
    });
    let lines: Vec<String> = std::io::BufReader::new(file)
        .lines()
        .take(docs)
        .map(|l| l.expect("corpus line"))
        .collect();
    let text = lines.join("\n");
    let tmp = tempfile::tempdir().expect("temp dir");
    let started = Instant::now();
    let opts = Options {
        rebuild: true,
        ..Options::default()
    };
    let mut indexer = Indexer::open(tmp.path(), analyzer, res, &opts).expect("index");
    let stream = JsonLines::from_reader(Box::new(std::io::Cursor::new(text.into_bytes())), &corpus);
    let summary = indexer
        .update(Source::JsonLines(stream), &mut |_| {})
        .expect("indexing");
    indexer.finish().expect("merge");
    eprintln!(
        "search bench: indexed {} articles of {corpus} in {:.1} s (set KPOLICY_BENCH_INDEX to reuse a 100k index)",
        summary.documents,
        started.elapsed().as_secs_f64()
    );
    (tmp.path().to_path_buf(), Some(tmp))
}

fn request(res: &Resources, q: &Query) -> Request {
    let regions: Vec<String> = q.region.iter().cloned().collect();
    let (regions, industries) = resolve_filters(res, &regions, &[]).expect("known region");
    Request {
        query: q.text.clone(),
        regions,
        industries,
        limit: 10,
        lean: false,
        ..Request::default()
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    let res = Resources::embedded().expect("embedded data");
    let analyzer = Analyzer::new(&res.user_words()).expect("analyzer");
    let (dir, _keep) = index_dir(&analyzer, &res);
    let kindex = Arc::new(KIndex::open(&dir, &analyzer).expect("open index"));
    let engine = Engine::new(Arc::clone(&kindex), &analyzer, &res);
    let queries = queries();
    let requests: Vec<(String, Request)> = queries
        .iter()
        .map(|q| (q.class.clone(), request(&res, q)))
        .collect();
    let docs = kindex.reader().expect("reader").searcher().num_docs();
    eprintln!("search bench: {docs} documents, {} queries", requests.len());

    // Sanity: print hit counts once so a query set that matches nothing is noticed.
    for (q, (_, req)) in queries.iter().zip(&requests) {
        let r = engine.search(req).expect("search");
        eprintln!(
            "  {:<8} {:>6} hits  {}{}",
            q.class,
            r.total,
            q.text,
            q.region
                .as_ref()
                .map(|r| format!("  [--region {r}]"))
                .unwrap_or_default()
        );
    }

    let mut c = Criterion::default()
        .configure_from_args()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    {
        let mut g = c.benchmark_group("search");
        let mut classes: Vec<&str> = requests.iter().map(|(c, _)| c.as_str()).collect();
        classes.dedup();
        for class in classes {
            let reqs: Vec<&Request> = requests
                .iter()
                .filter(|(c, _)| c == class)
                .map(|(_, r)| r)
                .collect();
            // One iteration = one query, cycling through the class.
            g.bench_function(class, |b| {
                let mut i = 0;
                b.iter(|| {
                    let r = engine.search(reqs[i % reqs.len()]).expect("search");
                    i += 1;
                    black_box(r.total)
                })
            });
        }
        // Pieces of a search, to see where time goes.
        g.bench_function("open_reader", |b| {
            b.iter(|| black_box(kindex.reader().expect("reader").searcher().num_docs()))
        });
        let lean: Vec<Request> = requests
            .iter()
            .map(|(_, r)| Request {
                lean: true,
                ..r.clone()
            })
            .collect();
        g.bench_function("all_lean_no_snippets_no_facets", |b| {
            let mut i = 0;
            b.iter(|| {
                let r = engine.search(&lean[i % lean.len()]).expect("search");
                i += 1;
                black_box(r.total)
            })
        });
        // Facet counting alone, over every document, as `kpolicy stats` does it (a fresh
        // cache each time: the columns are read, no combined table).
        g.bench_function("facets_all_documents", |b| {
            b.iter(|| {
                black_box(
                    kpolicy::search::all_facets(&kindex, &res)
                        .expect("facets")
                        .year
                        .len(),
                )
            })
        });
        g.finish();
    }
    {
        let mut s = c.benchmark_group("search_startup");
        s.sample_size(10);
        s.bench_function("open_index", |b| {
            b.iter(|| black_box(KIndex::open(&dir, &analyzer).is_ok()))
        });
        s.bench_function("engine_new", |b| {
            b.iter(|| black_box(Engine::new(Arc::clone(&kindex), &analyzer, &res)))
        });
        s.finish();
    }
    c.final_summary();

    // p50 / p99 over many runs of every query (not sampled by criterion).
    let rounds: usize = std::env::var("KPOLICY_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30);
    let mut all = Vec::new();
    let mut all_lean = Vec::new();
    // (class, full runs, lean runs): lean is the same query without snippets and facets, so
    // the difference is what snippets, stored fields and facet counting cost.
    let mut by_class: Vec<(String, Vec<Duration>, Vec<Duration>)> = Vec::new();
    for _ in 0..rounds {
        for (class, req) in &requests {
            let t = Instant::now();
            let r = engine.search(req).expect("search");
            let d = t.elapsed();
            black_box(r);
            let lean_req = Request {
                lean: true,
                ..req.clone()
            };
            let t = Instant::now();
            let r = engine.search(&lean_req).expect("search");
            let dl = t.elapsed();
            black_box(r);
            all.push(d);
            all_lean.push(dl);
            match by_class.iter_mut().find(|(c, _, _)| c == class) {
                Some((_, v, l)) => {
                    v.push(d);
                    l.push(dl);
                }
                None => by_class.push((class.clone(), vec![d], vec![dl])),
            }
        }
    }
    println!(
        "\nquery latency, in process, {docs} docs, top-10 with snippets and facets, {rounds} rounds:"
    );
    println!(
        "{:<10} {:>6} {:>9} {:>9} {:>9} {:>9} {:>10} {:>10}",
        "class", "runs", "p50 ms", "p99 ms", "max ms", "mean ms", "lean p50", "lean p99"
    );
    by_class.push(("ALL".to_string(), all, all_lean));
    for (class, mut v, mut l) in by_class {
        v.sort_unstable();
        l.sort_unstable();
        let mean = v.iter().sum::<Duration>() / v.len().max(1) as u32;
        println!(
            "{:<10} {:>6} {:>9.3} {:>9.3} {:>9.3} {:>9.3} {:>10.3} {:>10.3}",
            class,
            v.len(),
            ms(percentile(&v, 0.50)),
            ms(percentile(&v, 0.99)),
            ms(*v.last().unwrap_or(&Duration::ZERO)),
            ms(mean),
            ms(percentile(&l, 0.50)),
            ms(percentile(&l, 0.99))
        );
    }
}
