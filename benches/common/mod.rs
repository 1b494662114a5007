//! Real Korean text for the benchmarks: the judged corpora of the eval folder (JSON lines with
//! `id`, `title` and `text`), and the generated benchmark corpus. Paths come from the
//! environment; a bench stops with one line naming the variable when a file it needs is
//! missing. Each bench file that needs them declares `mod common;`.
#![allow(dead_code)]

use std::io::BufRead;
use std::path::PathBuf;

/// The folder of the eval corpora: `KPOLICY_EVAL_DIR`, else `../shared/eval` beside the
/// repository (where the project's machines keep it).
pub fn eval_dir() -> PathBuf {
    match std::env::var_os("KPOLICY_EVAL_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/eval"),
    }
}

/// `<eval dir>/<name>/corpus.jsonl` (`petitions`, `laws` …). Stops the bench with one line
/// when the file is not there.
pub fn eval_corpus(name: &str) -> String {
    let path = eval_dir().join(name).join("corpus.jsonl");
    if !path.is_file() {
        eprintln!(
            "bench: {} not found: set KPOLICY_EVAL_DIR to the folder holding {name}/corpus.jsonl",
            path.display()
        );
        std::process::exit(2);
    }
    path.to_string_lossy().into_owned()
}

/// The generated benchmark corpus (`scripts/gen_bench_corpus.py`): `KPOLICY_BENCH_CORPUS`,
/// else `corpus.jsonl` in `BENCH_DATA` (the folder `scripts/bench.sh` uses); `None` when
/// neither is set.
pub fn bench_corpus() -> Option<String> {
    if let Ok(path) = std::env::var("KPOLICY_BENCH_CORPUS") {
        return Some(path);
    }
    let data = std::env::var_os("BENCH_DATA")?;
    Some(
        PathBuf::from(data)
            .join("corpus.jsonl")
            .to_string_lossy()
            .into_owned(),
    )
}

/// The JSON values of a JSON-lines file, read a line at a time; lines that are not JSON are
/// skipped, a read error ends the lines.
pub fn jsonl_values(path: &str) -> std::io::Result<impl Iterator<Item = serde_json::Value>> {
    let file = std::io::BufReader::new(std::fs::File::open(path)?);
    Ok(file
        .lines()
        .map_while(Result::ok)
        .filter_map(|line| serde_json::from_str(&line).ok()))
}
