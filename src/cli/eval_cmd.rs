//! `kpolicy eval`: index a judged corpus with the real analyzer and score the rankings.

use std::io::Write;

use super::args::EvalArgs;
use super::Outcome;
use crate::analysis::Analyzer;
use crate::data::Resources;
use crate::error::{Error, Result};
use crate::eval;
use crate::index::update;
use crate::index::KIndex;
use crate::ingest::Pipeline;
use crate::search::Engine;

pub fn run(res: &Resources, analyzer: &Analyzer, a: EvalArgs) -> Result<Outcome> {
    let queries = eval::read_queries(&a.queries)?;
    let tmp;
    let index_path = match &a.index {
        Some(p) => p.clone(),
        None => {
            tmp = tempfile::tempdir().map_err(|e| {
                Error::Usage(format!(
                    "cannot make a temporary index in {} ({e}): give one with --index DIR",
                    std::env::temp_dir().display()
                ))
            })?;
            tmp.path().to_path_buf()
        }
    };
    let kindex = KIndex::open_or_create(&index_path, analyzer, false)?;
    {
        let mut writer = kindex.writer(crate::index::DEFAULT_WRITER_MEMORY)?;
        let file = std::fs::File::open(&a.corpus).map_err(|e| Error::File {
            path: a.corpus.clone(),
            source: e,
        })?;
        let mut reader = std::io::BufReader::new(file);
        let summary = update::update_jsonl(
            &kindex,
            &mut writer,
            &mut reader,
            &a.corpus.display().to_string(),
            &Pipeline::new(analyzer, res),
            update::COMMIT_EVERY_DOCS,
            &mut |_| {},
        )?;
        writer.wait_merging_threads()?;
        eprintln!(
            "indexed {} documents ({} new, {} unchanged) in {:.1}s",
            summary.documents, summary.added, summary.unchanged, summary.seconds
        );
    }
    let engine = Engine::new(kindex, analyzer, res);
    let scores = eval::evaluate(&engine, &queries, a.k)?;
    let mut out = std::io::stdout().lock();
    if a.json {
        serde_json::to_writer_pretty(&mut out, &scores)?;
        writeln!(out)?;
    } else {
        writeln!(
            out,
            "{} queries, k={}: Recall@1 {:.3}  Recall@{} {:.3}  MRR@{} {:.3}  nDCG@{} {:.3}  ({:.2}s, {:.2} ms/query)",
            scores.queries,
            scores.k,
            scores.recall_at_1,
            scores.k,
            scores.recall_at_k,
            scores.k,
            scores.mrr_at_k,
            scores.k,
            scores.ndcg_at_k,
            scores.seconds,
            scores.seconds * 1e3 / scores.queries.max(1) as f64
        )?;
        if a.verbose {
            for m in &scores.misses {
                writeln!(
                    out,
                    "  {} rank {:>4}  {}  top: {}",
                    m.qid,
                    m.rank.map(|r| r.to_string()).unwrap_or_else(|| "-".into()),
                    m.query,
                    m.top.join(", ")
                )?;
            }
        }
    }
    Ok(Outcome::Ok)
}
