//! Ranking quality on corpora with relevance judgments (`../shared/eval`): Recall@1,
//! Recall@k, MRR@k and nDCG@k, with the queries that missed.

use std::collections::HashSet;
use std::io::BufRead;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::search::{Engine, Request};

/// One judged query.
#[derive(Debug, Clone, Deserialize)]
pub struct JudgedQuery {
    pub qid: String,
    pub query: String,
    pub relevant: Vec<String>,
}

/// Reads a queries file (JSON lines). Bad lines are an error naming the line.
pub fn read_queries(path: &Path) -> Result<Vec<JudgedQuery>> {
    let file = std::fs::File::open(path).map_err(|e| Error::File {
        path: path.to_path_buf(),
        source: e,
    })?;
    let mut out = Vec::new();
    for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let mut v: serde_json::Value = serde_json::from_str(&line).map_err(|e| {
            Error::Usage(format!("{}:{}: invalid JSON: {e}", path.display(), n + 1))
        })?;
        // qids may be numbers.
        if let Some(q) = v.get_mut("qid") {
            if !q.is_string() {
                *q = serde_json::Value::String(q.to_string());
            }
        }
        if let Some(serde_json::Value::Array(rel)) = v.get_mut("relevant") {
            for r in rel.iter_mut() {
                if !r.is_string() {
                    *r = serde_json::Value::String(r.to_string());
                }
            }
        }
        let q: JudgedQuery = serde_json::from_value(v)
            .map_err(|e| Error::Usage(format!("{}:{}: {e}", path.display(), n + 1)))?;
        out.push(q);
    }
    Ok(out)
}

/// Scores of one evaluation run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Scores {
    pub queries: usize,
    pub k: usize,
    pub recall_at_1: f64,
    pub recall_at_k: f64,
    pub mrr_at_k: f64,
    pub ndcg_at_k: f64,
    /// Queries whose first relevant document is not at rank 1: (qid, query, rank or None).
    pub misses: Vec<Miss>,
    pub seconds: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Miss {
    pub qid: String,
    pub query: String,
    pub rank: Option<usize>,
    pub top: Vec<String>,
}

/// Runs every query with `limit = k` and scores the rankings.
pub fn evaluate(engine: &Engine, queries: &[JudgedQuery], k: usize) -> Result<Scores> {
    let started = std::time::Instant::now();
    let mut s = Scores {
        queries: queries.len(),
        k,
        ..Scores::default()
    };
    for q in queries {
        let req = Request {
            query: q.query.clone(),
            limit: k,
            lean: true,
            // The judgments are per document: a relevant copy folded under another copy of
            // its story must still count where it ranks.
            no_collapse: true,
            ..Request::default()
        };
        let resp = engine.search(&req)?;
        let ranked: Vec<String> = resp.hits.iter().map(|h| h.article.id.clone()).collect();
        let relevant: HashSet<&str> = q.relevant.iter().map(String::as_str).collect();
        let first = ranked.iter().position(|id| relevant.contains(id.as_str()));
        if first == Some(0) {
            s.recall_at_1 += 1.0;
        }
        if let Some(r) = first {
            s.recall_at_k += 1.0;
            s.mrr_at_k += 1.0 / (r as f64 + 1.0);
        }
        let dcg: f64 = ranked
            .iter()
            .enumerate()
            .filter(|(_, id)| relevant.contains(id.as_str()))
            .map(|(i, _)| 1.0 / ((i as f64) + 2.0).log2())
            .sum();
        let ideal: f64 = (0..relevant.len().min(k))
            .map(|i| 1.0 / ((i as f64) + 2.0).log2())
            .sum();
        if ideal > 0.0 {
            s.ndcg_at_k += dcg / ideal;
        }
        if first != Some(0) {
            s.misses.push(Miss {
                qid: q.qid.clone(),
                query: q.query.clone(),
                rank: first.map(|r| r + 1),
                top: ranked.into_iter().take(3).collect(),
            });
        }
    }
    let n = queries.len().max(1) as f64;
    s.recall_at_1 /= n;
    s.recall_at_k /= n;
    s.mrr_at_k /= n;
    s.ndcg_at_k /= n;
    s.seconds = started.elapsed().as_secs_f64();
    Ok(s)
}
