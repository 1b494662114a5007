//! Why a hit ranks where it does (`kpolicy search --explain`, `explain=1` in the API): which
//! word typed matched where and how (its terms alone, a compound by its parts together or
//! whole, a synonym, the word as written), what each contributed to the BM25 score, and what
//! the re-rank added (proximity, words together).
//!
//! The query builder (`plan::build`) records one [`Leaf`] per way a word typed can match, per
//! field: the same clause, with the same weight, that it puts into the query. Each leaf is
//! scored on its own for the hit with the engine's BM25 statistics, so the figures are those
//! of the ranking itself; the total BM25 is the whole query's score for the hit.

use serde::Serialize;
use tantivy::postings::Postings;
use tantivy::query::{Bm25StatisticsProvider, EnableScoring, Query};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, DocSet, Searcher, Term};

use super::rank::rerank::{Proximity, Together};
use crate::error::Result;

/// How a word typed matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum How {
    /// Its one term.
    Term,
    /// Its terms together, compounds by their parts (`일자리` → 일 + 자리 next to each other).
    Parts,
    /// Its compounds whole (an article whose analysis kept `일자리` as one word).
    Whole,
    /// A synonym in the place of one of its terms (`data/synonyms.tsv`).
    Synonym,
    /// As written, among the article's words its terms would not find (the fallback).
    Surface,
    /// A quoted phrase, its words in order.
    Phrase,
}

/// One way a word typed can match, in one field: a clause of the query.
pub(crate) struct Leaf {
    /// The word as typed (a quoted phrase: the phrase).
    pub(crate) word: String,
    pub(crate) how: How,
    /// The terms at their distances (the surface fallback: the word as written).
    pub(crate) terms: Vec<(usize, String)>,
    pub(crate) field: Field,
    pub(crate) field_name: &'static str,
    /// The clause alone, with its weight and the field's boost.
    pub(crate) query: Box<dyn Query>,
}

/// The explanation of one hit.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    /// The hit's score: `bm25` plus what the re-rank added.
    pub score: f32,
    /// The score of the query (BM25 over title, body and the fallback words).
    pub bm25: f32,
    /// The hit has every word typed (`false`: it fills the page with some of them).
    pub all_words: bool,
    /// What the re-rank added; `null` when the hit was not re-ranked (below the re-rank depth,
    /// or the hits are sorted by date).
    pub proximity: Option<Proximity>,
    /// Where the words typed stand together first: `title` or `body`, and the position.
    pub together_at: Option<(String, u32)>,
    /// Each word typed, in query order.
    pub words: Vec<WordMatch>,
    /// The same, in a few lines for people (what `--explain` prints under a hit).
    pub text: Vec<String>,
}

/// How one word typed matched a hit.
#[derive(Debug, Clone, Serialize)]
pub struct WordMatch {
    pub word: String,
    /// The word matched the hit (a hit that fills the page may lack some words).
    pub matched: bool,
    /// Every way it matched, best first.
    pub matches: Vec<Match>,
}

/// One way a word typed matched, in one field.
#[derive(Debug, Clone, Serialize)]
pub struct Match {
    pub how: How,
    /// The terms that matched (the surface fallback: the word as written).
    pub terms: Vec<String>,
    /// `title`, `body` or `words` (the fallback words).
    pub field: &'static str,
    /// Where they stand (positions of the first term, the first few); empty for `words`.
    pub positions: Vec<u32>,
    /// What this clause contributed to the BM25 score (0 for clauses that only let the
    /// article match, such as a compound whole beside its parts).
    pub score: f32,
}

/// Positions listed per match at most.
const MAX_POSITIONS: usize = 5;

/// Explains the hit `doc` of a query whose `leaves` the builder recorded: `query` is the
/// query that found it (strict or relaxed), `score` its final score, `proximity` what the
/// re-rank added (when it re-ranked the hit).
pub(crate) fn explain(
    searcher: &Searcher,
    stats: &dyn Bm25StatisticsProvider,
    leaves: &[Leaf],
    query: &dyn Query,
    doc: DocAddress,
    score: f32,
    all_words: bool,
    proximity: Option<Proximity>,
) -> Result<Explanation> {
    let scoring = EnableScoring::enabled_from_statistics_provider(stats, searcher);
    let segment = searcher.segment_reader(doc.segment_ord);
    let score_of = |q: &dyn Query| -> Result<Option<f32>> {
        let weight = q.weight(scoring)?;
        Ok(weight.explain(segment, doc.doc_id).ok().map(|e| e.value()))
    };
    let bm25 = score_of(query)?.unwrap_or(0.0);
    let mut words: Vec<WordMatch> = Vec::new();
    for leaf in leaves {
        if words.last().is_none_or(|w| w.word != leaf.word) {
            words.push(WordMatch {
                word: leaf.word.clone(),
                matched: false,
                matches: Vec::new(),
            });
        }
        let Some(value) = score_of(leaf.query.as_ref())? else {
            continue;
        };
        let positions = if leaf.how == How::Surface {
            Vec::new()
        } else {
            positions_of(searcher, doc, leaf.field, &leaf.terms)?
        };
        if let Some(w) = words.last_mut() {
            w.matched = true;
            w.matches.push(Match {
                how: leaf.how,
                terms: leaf.terms.iter().map(|(_, t)| t.clone()).collect(),
                field: leaf.field_name,
                positions,
                score: value,
            });
        }
    }
    for w in &mut words {
        w.matches.sort_by(|a, b| b.score.total_cmp(&a.score));
    }
    let mut e = Explanation {
        score,
        bm25,
        all_words,
        together_at: proximity.and_then(|p| p.at.map(|(f, at)| (f.to_string(), at))),
        proximity,
        words,
        text: Vec::new(),
    };
    e.text = lines(&e);
    Ok(e)
}

/// The explanation for people: the score's parts, then one line per word typed.
pub(crate) fn lines(e: &Explanation) -> Vec<String> {
    let mut head = format!("score {:.2} = BM25 {:.2}", e.score, e.bm25);
    match &e.proximity {
        Some(p) => {
            head.push_str(&format!(
                " + proximity {:.2} (window {:.2}, pairs {:.2})",
                p.window + p.pair,
                p.window,
                p.pair
            ));
            match (p.together, &e.together_at) {
                (Together::Lead, Some((f, at))) if f == "title" => head.push_str(&format!(
                    "; words together in the headline (position {at}): ranked first"
                )),
                (Together::Lead, Some((_, at))) => head.push_str(&format!(
                    "; words together in the lead (position {at}): ranked first"
                )),
                (Together::Body, Some((_, at))) => head.push_str(&format!(
                    "; words together in the body (position {at}): ranked after those together in the headline or lead"
                )),
                (Together::No, _) if e.words.len() > 1 => {
                    head.push_str("; words not together: ranked after those together")
                }
                _ => {}
            }
        }
        None => head.push_str(" (not re-ranked)"),
    }
    if !e.all_words {
        head.push_str("; has only some of the words");
    }
    let mut out = vec![head];
    for w in &e.words {
        if !w.matched {
            out.push(format!("{}: not in this article", w.word));
            continue;
        }
        // A compound whole beside its parts in the same field only repeats them (and adds 0).
        let shown = |m: &&Match| {
            m.how != How::Whole
                || !w
                    .matches
                    .iter()
                    .any(|o| o.how == How::Parts && o.field == m.field)
        };
        let ways: Vec<String> = w
            .matches
            .iter()
            .filter(shown)
            .map(|m| {
                let what = match m.how {
                    How::Term => m.terms.join("+"),
                    How::Parts => format!("parts {} together", m.terms.join("+")),
                    How::Whole => format!("whole {}", m.terms.join("")),
                    How::Synonym => format!("synonym {}", m.terms.join(" ")),
                    How::Surface => format!("as written ({})", m.terms.join(" ")),
                    How::Phrase => format!("phrase {}", m.terms.join(" ")),
                };
                let at = if m.positions.is_empty() {
                    String::new()
                } else {
                    let p: Vec<String> = m.positions.iter().map(|p| p.to_string()).collect();
                    format!(" at {}", p.join(", "))
                };
                format!("{what} in {}{at}: {:.2}", m.field, m.score)
            })
            .collect();
        out.push(format!("{}: {}", w.word, ways.join("; ")));
    }
    out
}

/// The first positions in `field` of `doc` where `terms` stand at their distances.
fn positions_of(
    searcher: &Searcher,
    doc: DocAddress,
    field: Field,
    terms: &[(usize, String)],
) -> Result<Vec<u32>> {
    let inverted = searcher
        .segment_reader(doc.segment_ord)
        .inverted_index(field)?;
    let mut lists: Vec<(usize, Vec<u32>)> = Vec::new();
    for (offset, text) in terms {
        let term = Term::from_field_text(field, text);
        let mut positions = Vec::new();
        if let Some(mut postings) =
            inverted.read_postings(&term, IndexRecordOption::WithFreqsAndPositions)?
        {
            if postings.seek(doc.doc_id) == doc.doc_id {
                postings.positions(&mut positions);
            }
        }
        lists.push((*offset, positions));
    }
    let Some((first_offset, first)) = lists.first() else {
        return Ok(Vec::new());
    };
    Ok(first
        .iter()
        .filter_map(|&p| (p as usize).checked_sub(*first_offset))
        .filter(|&at| {
            lists[1..]
                .iter()
                .all(|(o, list)| list.binary_search(&((at + o) as u32)).is_ok())
        })
        .map(|at| at as u32)
        .take(MAX_POSITIONS)
        .collect())
}
