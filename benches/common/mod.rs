//! Real Korean text for the benchmarks: the judged corpora of `../shared/eval`, JSON lines with
//! `id`, `title` and `text`. Each bench file that needs them declares `mod common;`.

use std::io::BufRead;

/// `../shared/eval/<name>/corpus.jsonl`, beside the repository (`petitions`, `laws` …).
pub fn eval_corpus(name: &str) -> String {
    format!(
        "{}/../shared/eval/{name}/corpus.jsonl",
        env!("CARGO_MANIFEST_DIR")
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
