//! Analyzer throughput, one thread, on real Korean text (issue 5).
//!
//! Text: the first `KPOLICY_BENCH_ANALYZER_KB` KB (default 512) of petition texts from
//! `petitions/corpus.jsonl` of the eval folder (`KPOLICY_EVAL_DIR`, else `../shared/eval`;
//! override the file with `KPOLICY_BENCH_TEXT`), one
//! call per petition, so every variant sees exactly the same documents. Throughput is reported
//! in bytes of UTF-8 input per second.
//!
//! - `lindera_segment`: raw lindera ko-dic `Segmenter::segment` (embedded dictionary, no user
//!   dictionary), the floor the analyzer is built on;
//! - `analyzer_plain`: `Analyzer::analyze` without a user dictionary;
//! - `analyzer`: `Analyzer::analyze` as kpolicy runs it (user dictionary from `data/`);
//! - `prepare`: `Pipeline::prepare` (cleaning + analysis + metadata extraction), the per-article
//!   cost paid by `kpolicy index` before tantivy;
//! - `analyzer_two_threads`: `Analyzer::analyze` on two threads at once, each over all the
//!   texts (throughput counts both): what "analyzer × 2 cores" really gives on this machine,
//!   the ceiling of an indexer whose only work is analysis;
//! - `analyzer_bench_corpus`: `Analyzer::analyze`, one thread, on the first 512 KB of article
//!   texts of the generated benchmark corpus (`KPOLICY_BENCH_CORPUS`, made by
//!   `scripts/gen_bench_corpus.py`; skipped when the file is missing): the text `kpolicy index`
//!   is timed on in `scripts/bench.sh`.
//!
//! Run: `cargo bench --bench analyzer` (about a minute).

mod common;

use std::borrow::Cow;
use std::time::Duration;

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use lindera::dictionary::load_dictionary;
use lindera::mode::Mode;
use lindera::segmenter::Segmenter;

use kpolicy::analysis::Analyzer;
use kpolicy::data::Resources;
use kpolicy::ingest::{ArticleIds, Pipeline, RawArticle};

/// The allocator the `kpolicy` binary uses (src/main.rs), so the analyzer figures compare with
/// `kpolicy index` on equal terms.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn petition_texts() -> Vec<String> {
    let path =
        std::env::var("KPOLICY_BENCH_TEXT").unwrap_or_else(|_| common::eval_corpus("petitions"));
    texts_of(&path).unwrap_or_else(|e| {
        eprintln!("analyzer bench: cannot read {path}: {e} (set KPOLICY_BENCH_TEXT=FILE)");
        std::process::exit(2);
    })
}

/// The `text` fields of a JSON-lines file, up to `KPOLICY_BENCH_ANALYZER_KB` KB (512).
fn texts_of(path: &str) -> std::io::Result<Vec<String>> {
    let kb: usize = std::env::var("KPOLICY_BENCH_ANALYZER_KB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(512);
    let mut out = Vec::new();
    let mut total = 0;
    for v in common::jsonl_values(path)? {
        if let Some(t) = v.get("text").and_then(|t| t.as_str()) {
            total += t.len();
            out.push(t.to_string());
        }
        if total >= kb * 1024 {
            break;
        }
    }
    assert!(!out.is_empty(), "no texts in {path}");
    Ok(out)
}

fn bench(c: &mut Criterion) {
    let texts = petition_texts();
    let bytes: u64 = texts.iter().map(|t| t.len() as u64).sum();
    eprintln!(
        "analyzer bench: {} petitions, {:.1} KB",
        texts.len(),
        bytes as f64 / 1024.0
    );

    let dictionary = load_dictionary("embedded://ko-dic").expect("embedded ko-dic");
    let raw = Segmenter::new(Mode::Normal, dictionary, None);
    let res = Resources::embedded().expect("embedded data");
    let plain = Analyzer::new(&[]).expect("analyzer");
    let full = Analyzer::new(&res.user_words()).expect("analyzer");
    let pipe = Pipeline::new(&full, &res);
    let raws: Vec<RawArticle> = texts
        .iter()
        .map(|t| RawArticle {
            text: t.clone(),
            supplied: Default::default(),
            line: None,
        })
        .collect();

    let mut g = c.benchmark_group("analysis");
    g.throughput(Throughput::Bytes(bytes));
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(8));
    g.warm_up_time(Duration::from_secs(1));
    g.bench_function("lindera_segment", |b| {
        b.iter(|| {
            let mut n = 0;
            for t in &texts {
                n += raw
                    .segment(Cow::Borrowed(t.as_str()))
                    .map(|v| v.len())
                    .unwrap_or(0);
            }
            black_box(n)
        })
    });
    // Terms of all `texts` through `analyzer` (the work every analyzer variant measures).
    let analyse_all = |analyzer: &Analyzer, texts: &[String]| -> usize {
        texts.iter().map(|t| analyzer.analyze(t).terms.len()).sum()
    };
    g.bench_function("analyzer_plain", |b| {
        b.iter(|| black_box(analyse_all(&plain, &texts)))
    });
    g.bench_function("analyzer", |b| {
        b.iter(|| black_box(analyse_all(&full, &texts)))
    });
    g.bench_function("prepare", |b| {
        b.iter(|| {
            let mut n = 0;
            for r in &raws {
                n += pipe.prepare(r, ArticleIds::default()).terms.len();
            }
            black_box(n)
        })
    });
    g.throughput(Throughput::Bytes(2 * bytes));
    g.bench_function("analyzer_two_threads", |b| {
        let run = || analyse_all(&full, &texts);
        b.iter(|| {
            std::thread::scope(|s| {
                let other = s.spawn(run);
                let mine = run();
                black_box(mine + other.join().unwrap_or(0))
            })
        })
    });
    match common::bench_corpus().map(|c| (texts_of(&c), c)) {
        None => eprintln!(
            "analyzer bench: analyzer_bench_corpus skipped (set KPOLICY_BENCH_CORPUS=FILE, made by scripts/gen_bench_corpus.py)"
        ),
        Some((texts, corpus)) => match texts {
        Ok(articles) => {
            let n: u64 = articles.iter().map(|t| t.len() as u64).sum();
            g.throughput(Throughput::Bytes(n));
            g.bench_function("analyzer_bench_corpus", |b| {
                b.iter(|| black_box(analyse_all(&full, &articles)))
            });
        }
        Err(e) => eprintln!("analyzer bench: {corpus}: {e}; analyzer_bench_corpus skipped"),
        },
    }
    g.finish();

    // Start-up pieces that every CLI command pays.
    let mut s = c.benchmark_group("startup");
    s.sample_size(20);
    s.bench_function("load_embedded_ko_dic", |b| {
        b.iter(|| black_box(load_dictionary("embedded://ko-dic").is_ok()))
    });
    s.bench_function("resources_embedded", |b| {
        b.iter(|| black_box(Resources::embedded().is_ok()))
    });
    s.bench_function("analyzer_new_with_user_dict", |b| {
        b.iter(|| black_box(Analyzer::new(&res.user_words()).is_ok()))
    });
    s.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
