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
//! `KPOLICY_BENCH_CLASS=word` keeps only the queries of one class (for profiling one kind);
//! `KPOLICY_BENCH_NO_COLLAPSE=1` runs every query with copies of one story not folded
//! (`--no-collapse`), to see what folding costs.
//!
//! Beside wall-clock latency the loop prints the CPU time of each query (the process's, both
//! threads of a search): on a machine other work keeps busy, wall-clock figures measure the
//! scheduler as much as the search, CPU time much less so.
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
        no_collapse: std::env::var_os("KPOLICY_BENCH_NO_COLLAPSE").is_some_and(|v| v != "0"),
        ..Request::default()
    }
}

/// CPU time this process has used so far (every thread).
fn cpu_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; the clock id is a constant the C library knows.
    let ok = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) } == 0;
    if !ok {
        return Duration::ZERO;
    }
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
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

    // Sanity: print hit counts once so a query set that matches nothing is noticed. This is
    // each query's first run in the process, timed apart: cold caches (the stored blocks,
    // the listed copies of a story), as in a one-off `kpolicy search`.
    let mut first = Vec::new();
    let mut first_cpu = Vec::new();
    for (q, (_, req)) in queries.iter().zip(&requests) {
        let (t, cpu) = (Instant::now(), cpu_time());
        let r = engine.search(req).expect("search");
        first.push(t.elapsed());
        first_cpu.push(cpu_time().saturating_sub(cpu));
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
    let mut all_cpu = Vec::new();
    // (class, full runs, lean runs, CPU of full runs): lean is the same query without snippets
    // and facets, so the difference is what snippets, stored fields and facet counting cost.
    type Runs = Vec<Duration>;
    let mut by_class: Vec<(String, Runs, Runs, Runs)> = Vec::new();
    for _ in 0..rounds {
        for (class, req) in &requests {
            let (t, cpu) = (Instant::now(), cpu_time());
            let r = engine.search(req).expect("search");
            let (d, dc) = (t.elapsed(), cpu_time().saturating_sub(cpu));
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
            all_cpu.push(dc);
            match by_class.iter_mut().find(|(c, _, _, _)| c == class) {
                Some((_, v, l, u)) => {
                    v.push(d);
                    l.push(dl);
                    u.push(dc);
                }
                None => by_class.push((class.clone(), vec![d], vec![dl], vec![dc])),
            }
        }
    }
    first.sort_unstable();
    first_cpu.sort_unstable();
    println!(
        "\nfirst run of each query (cold caches), {} queries: p50 {:.3} ms, max {:.3} ms; cpu p50 {:.3} ms, max {:.3} ms",
        first.len(),
        ms(percentile(&first, 0.5)),
        ms(*first.last().unwrap_or(&Duration::ZERO)),
        ms(percentile(&first_cpu, 0.5)),
        ms(*first_cpu.last().unwrap_or(&Duration::ZERO)),
    );
    let folded = if requests.iter().any(|(_, r)| r.no_collapse) {
        "copies not folded"
    } else {
        "copies folded"
    };
    println!(
        "\nquery latency, in process, {docs} docs, top-10 with snippets and facets ({folded}), {rounds} rounds:"
    );
    println!(
        "{:<10} {:>6} {:>9} {:>9} {:>9} {:>9} {:>10} {:>10} {:>9} {:>9}",
        "class",
        "runs",
        "p50 ms",
        "p99 ms",
        "max ms",
        "mean ms",
        "lean p50",
        "lean p99",
        "cpu p50",
        "cpu p99"
    );
    by_class.push(("ALL".to_string(), all, all_lean, all_cpu));
    for (class, mut v, mut l, mut u) in by_class {
        v.sort_unstable();
        l.sort_unstable();
        u.sort_unstable();
        let mean = v.iter().sum::<Duration>() / v.len().max(1) as u32;
        println!(
            "{:<10} {:>6} {:>9.3} {:>9.3} {:>9.3} {:>9.3} {:>10.3} {:>10.3} {:>9.3} {:>9.3}",
            class,
            v.len(),
            ms(percentile(&v, 0.50)),
            ms(percentile(&v, 0.99)),
            ms(*v.last().unwrap_or(&Duration::ZERO)),
            ms(mean),
            ms(percentile(&l, 0.50)),
            ms(percentile(&l, 0.99)),
            ms(percentile(&u, 0.50)),
            ms(percentile(&u, 0.99))
        );
    }
}
