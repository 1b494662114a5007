//! Ranking quality does not regress: the real binary's `kpolicy eval --json` on the dev queries
//! of `../shared/eval` (KorQuAD 1.0 retrieval re-cut, AutoRAG), against floors a little below
//! the values measured in `docs/relevance.md`. Not timed: the floors are on quality only.
//! When the data folder is not beside the checkout the test says so and passes.

use std::path::{Path, PathBuf};

use crate::util::kpolicy;
use serde_json::Value;

fn eval_dir(set: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/eval")
        .join(set);
    if dir.join("corpus.jsonl").exists() && dir.join("queries_dev.jsonl").exists() {
        Some(dir)
    } else {
        crate::util::skipped(format_args!(
            "relevance floors on {} (not found)",
            dir.display()
        ));
        None
    }
}

fn eval(dir: &Path) -> Value {
    let out = kpolicy()
        .arg("eval")
        .arg("--corpus")
        .arg(dir.join("corpus.jsonl"))
        .arg("--queries")
        .arg(dir.join("queries_dev.jsonl"))
        .arg("--json")
        .output()
        .expect("run kpolicy eval");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("eval --json output")
}

fn check(v: &Value, name: &str, mrr_floor: f64, recall_floor: f64) {
    let mrr = v["mrr_at_k"].as_f64().expect("mrr_at_k");
    let recall = v["recall_at_k"].as_f64().expect("recall_at_k");
    assert_eq!(v["k"], 10);
    assert!(
        mrr >= mrr_floor,
        "{name}: MRR@10 {mrr:.3} fell below {mrr_floor}"
    );
    assert!(
        recall >= recall_floor,
        "{name}: Recall@10 {recall:.3} fell below {recall_floor}"
    );
}

#[test]
fn autorag_dev_ranking_holds() {
    // Measured: R@1 0.965, R@10 1.000, MRR@10 0.982 (57 queries: one query moves MRR ~0.01).
    if let Some(dir) = eval_dir("autorag") {
        check(&eval(&dir), "AutoRAG", 0.96, 0.98);
    }
}

#[test]
fn korquad_dev_ranking_holds() {
    // Measured: R@1 0.944, R@10 0.997, MRR@10 0.966 (2,819 queries, ~3 s in release).
    if let Some(dir) = eval_dir("korquad") {
        check(&eval(&dir), "KorQuAD", 0.962, 0.995);
    }
}
