//! Reading speed of the document readers (issue 13): MB of input per second for HWP, HWPX and
//! PDF, over the fixtures of `tests/fixtures/docs` that have text (each format's files read in
//! turn, `formats::read` only: no cleaning, analysis or indexing).
//!
//! Run: `cargo bench --bench documents`. On a shared machine the figures are noise; say so.

use std::path::{Path, PathBuf};

use criterion::{black_box, Criterion, Throughput};

use kpolicy::ingest::read::formats;

fn files(format: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/docs")
        .join(format);
    let mut out: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&dir)
        .expect("fixture folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == format))
        .filter_map(|p| {
            let bytes = std::fs::read(&p).ok()?;
            formats::read(&bytes, &p).is_ok().then_some((p, bytes))
        })
        .collect();
    out.sort();
    out
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    let mut group = c.benchmark_group("read");
    for format in ["hwp", "hwpx", "pdf"] {
        let docs = files(format);
        let bytes: usize = docs.iter().map(|(_, b)| b.len()).sum();
        group.throughput(Throughput::Bytes(bytes as u64));
        group.bench_function(format, |b| {
            b.iter(|| {
                for (p, d) in &docs {
                    let _ = black_box(formats::read(d, p));
                }
            })
        });
    }
    group.finish();
    c.final_summary();
}
