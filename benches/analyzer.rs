//! Analyzer throughput, one thread, on real Korean text (issue 5).
//!
//! Text: the first `KPOLICY_BENCH_ANALYZER_KB` KB (default 512) of petition texts from
//! `../shared/eval/petitions/corpus.jsonl` (override the file with `KPOLICY_BENCH_TEXT`), one
//! call per petition, so every variant sees exactly the same documents. Throughput is reported
//! in bytes of UTF-8 input per second.
//!
//! - `lindera_segment`: raw lindera ko-dic `Segmenter::segment` (embedded dictionary, no user
//!   dictionary), the floor the analyzer is built on;
//! - `analyzer_plain`: `Analyzer::analyze` without a user dictionary;
//! - `analyzer`: `Analyzer::analyze` as kpolicy runs it (user dictionary from `data/`);
//! - `prepare`: `Pipeline::prepare` (cleaning + analysis + metadata extraction), the per-article
//!   cost paid by `kpolicy index` before tantivy.
//!
//! Run: `cargo bench --bench analyzer` (about a minute).

use std::borrow::Cow;
use std::time::Duration;

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use lindera::dictionary::load_dictionary;
use lindera::mode::Mode;
use lindera::segmenter::Segmenter;

use kpolicy::analysis::Analyzer;
use kpolicy::data::Resources;
use kpolicy::ingest::{input::RawArticle, ArticleIds, Pipeline};

/// The allocator the `kpolicy` binary uses (src/main.rs), so the analyzer figures compare with
/// `kpolicy index` on equal terms.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn petition_texts() -> Vec<String> {
    let path = std::env::var("KPOLICY_BENCH_TEXT").unwrap_or_else(|_| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/eval/petitions/corpus.jsonl"
        )
        .to_string()
    });
    let kb: usize = std::env::var("KPOLICY_BENCH_ANALYZER_KB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(512);
    let content = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {path}: {e} (set KPOLICY_BENCH_TEXT)"));
    let mut out = Vec::new();
    let mut total = 0;
    for line in content.lines() {
        let v: serde_json::Value = match serde_json::from_str(line) {
            Ok(v) => v,
            Err(_) => continue,
        };
        if let Some(t) = v.get("text").and_then(|t| t.as_str()) {
            total += t.len();
            out.push(t.to_string());
        }
        if total >= kb * 1024 {
            break;
        }
    }
    assert!(!out.is_empty(), "no texts in {path}");
    out
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
    g.bench_function("analyzer_plain", |b| {
        b.iter(|| {
            let mut n = 0;
            for t in &texts {
                n += plain.analyze(t).terms.len();
            }
            black_box(n)
        })
    });
    g.bench_function("analyzer", |b| {
        b.iter(|| {
            let mut n = 0;
            for t in &texts {
                n += full.analyze(t).terms.len();
            }
            black_box(n)
        })
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
