//! Where the time of `kpolicy index --jsonl` goes, one stage at a time on one thread (issue 16).
//!
//! Text: the input of `../shared/bench/side_by_side.sh` (petitions, then statutes up to 28 MB,
//! cut into 3,000-character pieces titled with their document's title), of which every n-th
//! piece is kept, n chosen so the subset holds about `KPOLICY_BENCH_STAGES_KB` KB (default
//! 512): the same mix of petitions and statutes as the side-by-side run, small enough for
//! criterion. The pieces are JSON lines as the script writes them. Every bench counts the same
//! bytes (title + piece, UTF-8, as the script's MB/s does), so the stages' times add up and
//! their MB/s compare with the side-by-side figure. The corpora are read from the eval folder
//! (`KPOLICY_EVAL_DIR`, else `../shared/eval`).
//!
//! The stages, in the order `kpolicy index` runs them for one article (`indexer/sources.rs`
//! `Records`, `ingest::Pipeline::prepare`, `indexer/commit.rs`):
//! - `read`: the JSON lines parsed into `RawArticle`s (`input::parse_jsonl`) and each given
//!   its ids and line hash (`indexer::record_ids`, the change check of a re-run);
//! - `clean`: `Pipeline::clean` (furniture lines, bylines, e-mail addresses; learned
//!   boilerplate, of which a stream has none);
//! - `analyze`: `Analyzer::analyze` of the cleaned text;
//! - `extract`: `Pipeline::extract` (title, date, regions, industries, source, national body)
//!   given that analysis;
//! - `fallback_words`: `Pipeline::fallback_words`, the words the terms do not find, for the
//!   title (analysed again, as `prepare` does) and the body;
//! - `prepare`: the whole `Pipeline::prepare`, which the stages from `clean` on should roughly
//!   add up to;
//! - `tantivy_add`: `Indexer::add_prepared`: prepared articles to tantivy documents and into
//!   the writer of a fresh index in a temporary folder, no commit. tantivy's own indexing
//!   thread works on them meanwhile, so this is the calling thread's share only;
//! - `tantivy_add_commit`: the same plus `Indexer::commit`, which waits for tantivy to index
//!   and write the segment (to disk: the temporary folder is not in RAM);
//! - `update_one_worker`: the whole `Indexer::update` of the lines on a fresh index with one
//!   analysis worker: all of the above with the real hand-over between threads.
//!
//! The analyzer keeps per-thread caches: the morpheme of each dictionary word, decompounded
//! nouns, and the query terms of each word `fallback_words` has looked at. `analyze`,
//! `fallback_words` and `prepare` are therefore measured twice. `_warm`: on the bench thread,
//! whose caches already hold every word of the sample from earlier iterations — the steady
//! state a long run approaches but never reaches (new words keep coming). `_cold`: each pass
//! over the sample on a new thread (negligible next to a pass), so the caches start empty and
//! only words repeated within the sample hit them — the first articles of a run. A real run
//! lies between the two. `update_one_worker` starts a new worker thread per update, so it
//! is cold. Opening the index (setup) is not timed.
//!
//! Run: `cargo bench --bench stages` (a few minutes). On a shared machine the figures are
//! noise; say so.

mod common;

use std::io::Cursor;
use std::time::Duration;

use criterion::{black_box, criterion_group, criterion_main, BatchSize, Criterion, Throughput};

use kpolicy::analysis::{Analysis, Analyzer};
use kpolicy::data::Resources;
use kpolicy::indexer::{record_ids, Indexer, JsonLines, Options, Source};
use kpolicy::ingest::{read::input, Article, ArticleIds, Pipeline};

/// The allocator the `kpolicy` binary uses (src/main.rs), so the figures compare with
/// `kpolicy index` on equal terms.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Characters per piece, and bytes of pieces taken from each corpus: side_by_side.sh's values
/// (a corpus stops after the document that passes its cap).
const PIECE_CHARS: usize = 3000;
const CORPORA: [(&str, usize); 2] = [("petitions", 1_000_000_000), ("laws", 28_000_000)];

/// One piece of the side-by-side input.
struct Piece {
    id: String,
    title: String,
    text: String,
}

/// The side-by-side input, piece by piece.
fn side_by_side_pieces() -> Vec<Piece> {
    let mut pieces = Vec::new();
    for (name, cap) in CORPORA {
        let path = common::eval_corpus(name);
        let values =
            common::jsonl_values(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
        let mut size = 0;
        for v in values {
            let field = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or_default();
            let (id, title, text) = (field("id"), field("title"), field("text"));
            let starts: Vec<usize> = text
                .char_indices()
                .map(|(i, _)| i)
                .step_by(PIECE_CHARS)
                .collect();
            for (n, &start) in starts.iter().enumerate() {
                let end = starts.get(n + 1).copied().unwrap_or(text.len());
                size += end - start;
                pieces.push(Piece {
                    id: format!("{id}-{n}"),
                    title: title.to_string(),
                    text: text[start..end].to_string(),
                });
            }
            if size > cap {
                break;
            }
        }
    }
    pieces
}

/// Every n-th piece, n chosen so that about `kb` KB remain.
fn subset(pieces: Vec<Piece>, kb: usize) -> Vec<Piece> {
    let total: usize = pieces.iter().map(|p| p.title.len() + p.text.len()).sum();
    let step = total.div_ceil(kb * 1024).max(1);
    pieces.into_iter().step_by(step).collect()
}

fn bench(c: &mut Criterion) {
    let kb: usize = std::env::var("KPOLICY_BENCH_STAGES_KB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(512);
    let pieces = subset(side_by_side_pieces(), kb);
    let bytes: usize = pieces.iter().map(|p| p.title.len() + p.text.len()).sum();
    let jsonl: String = pieces
        .iter()
        .map(|p| {
            serde_json::json!({"id": p.id, "title": p.title, "text": p.text}).to_string() + "\n"
        })
        .collect();
    eprintln!(
        "stages bench: {} pieces, {:.1} KB of text",
        pieces.len(),
        bytes as f64 / 1024.0
    );

    let res = Resources::embedded().expect("embedded data");
    let analyzer = Analyzer::new(&res.user_words()).expect("analyzer");
    let pipe = Pipeline::new(&analyzer, &res);

    // Each stage's input, made by the stages before it.
    let (raws, bad) = input::parse_jsonl(&jsonl);
    assert!(bad.is_empty(), "unreadable lines: {bad:?}");
    let ids: Vec<ArticleIds> = raws
        .iter()
        .zip(jsonl.lines())
        .map(|(raw, line)| record_ids(raw, line, "corpus.jsonl"))
        .collect();
    let cleaned: Vec<String> = raws.iter().map(|r| pipe.clean(r).0).collect();
    let analyses: Vec<Analysis> = cleaned.iter().map(|t| analyzer.analyze(t)).collect();
    let articles: Vec<Article> = raws
        .iter()
        .zip(&ids)
        .map(|(r, ids)| pipe.prepare(r, ids.clone()))
        .collect();

    let mut g = c.benchmark_group("stages");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(8));
    g.warm_up_time(Duration::from_secs(1));
    g.bench_function("read", |b| {
        b.iter(|| {
            let (raws, _) = input::parse_jsonl(&jsonl);
            let ids: Vec<ArticleIds> = raws
                .iter()
                .zip(jsonl.lines())
                .map(|(raw, line)| record_ids(raw, line, "corpus.jsonl"))
                .collect();
            black_box((raws, ids))
        })
    });
    g.bench_function("clean", |b| {
        b.iter(|| raws.iter().map(|r| pipe.clean(r)).collect::<Vec<_>>())
    });
    let analyze = || -> Vec<Analysis> { cleaned.iter().map(|t| analyzer.analyze(t)).collect() };
    g.bench_function("analyze_cold", |b| b.iter(|| on_new_thread(analyze)));
    g.bench_function("analyze_warm", |b| b.iter(analyze));
    g.bench_function("extract", |b| {
        b.iter(|| {
            raws.iter()
                .zip(&cleaned)
                .zip(&analyses)
                .zip(&ids)
                .map(|(((r, t), a), ids)| pipe.extract(r, t, a, &ids.path))
                .collect::<Vec<_>>()
        })
    });
    let fallback = || -> Vec<Vec<String>> {
        articles
            .iter()
            .map(|a| pipe.fallback_words(&a.meta.title, &a.body, &a.terms))
            .collect()
    };
    g.bench_function("fallback_words_cold", |b| {
        b.iter(|| on_new_thread(fallback))
    });
    g.bench_function("fallback_words_warm", |b| b.iter(fallback));
    let prepare = || -> Vec<Article> {
        raws.iter()
            .zip(&ids)
            .map(|(r, ids)| pipe.prepare(r, ids.clone()))
            .collect()
    };
    g.bench_function("prepare_cold", |b| b.iter(|| on_new_thread(prepare)));
    g.bench_function("prepare_warm", |b| b.iter(prepare));
    let fresh = || {
        let dir = tempfile::tempdir().expect("temporary folder");
        let indexer =
            Indexer::open(dir.path(), &analyzer, &res, &Options::default()).expect("new index");
        (indexer, dir)
    };
    g.bench_function("tantivy_add", |b| {
        b.iter_batched(
            fresh,
            |(mut indexer, dir)| {
                indexer.add_prepared(&articles).expect("add");
                (indexer, dir)
            },
            BatchSize::PerIteration,
        )
    });
    g.bench_function("tantivy_add_commit", |b| {
        b.iter_batched(
            fresh,
            |(mut indexer, dir)| {
                indexer.add_prepared(&articles).expect("add");
                indexer.commit().expect("commit");
                (indexer, dir)
            },
            BatchSize::PerIteration,
        )
    });
    let one_worker = Options {
        threads: 1,
        ..Options::default()
    };
    g.bench_function("update_one_worker", |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().expect("temporary folder");
                let indexer =
                    Indexer::open(dir.path(), &analyzer, &res, &one_worker).expect("new index");
                let lines = JsonLines::from_reader(
                    Box::new(Cursor::new(jsonl.clone().into_bytes())),
                    "corpus.jsonl",
                );
                (indexer, dir, lines)
            },
            |(mut indexer, dir, lines)| {
                let summary = indexer
                    .update(Source::JsonLines(lines), &mut |_| {})
                    .expect("update");
                assert_eq!(summary.added, pieces.len());
                (indexer, dir)
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

/// `f`'s result, computed on a new thread: the analyzer's per-thread caches start empty.
fn on_new_thread<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| s.spawn(f).join().expect("bench thread"))
}

criterion_group!(benches, bench);
criterion_main!(benches);
