//! `bulk.ndjson`: the articles in the `_bulk` format of OpenSearch and Elasticsearch: an action
//! line and, for an `index` action, the article's source line. `_id` is kpolicy's article id;
//! the index is named in the request's URL (`POST /kpolicy/_bulk`), not in the lines.
//!
//! The source is what kpolicy stored: the cleaned text (headline in `title`, the rest in
//! `body`, as kpolicy indexes them) and the extracted metadata; facet paths as kpolicy writes
//! them (`/경상북도/안동시`).

use std::collections::{BTreeSet, HashMap};
use std::io::Write;

use rayon::prelude::*;
use serde::Serialize;
use tantivy::collector::DocSetCollector;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};

use crate::analysis::Analyzer;
use crate::error::{Error, Result};
use crate::index::{Fields, KIndex};
use crate::search::{stored_article, stored_text, Day};

/// One article as the cluster indexes it (fields of `index.json`'s mappings).
#[derive(Debug, Serialize)]
pub struct Source {
    pub title: String,
    pub body: String,
    /// The words of the title the dictionary cannot read, as kpolicy reads them (letters and
    /// digits of the stem, normalised: `헴프`, `k팝스타`, `제1항`); the cluster's
    /// `kpolicy_bigrams` analyzer makes of them the bigrams kpolicy indexes. Left out when none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub title_unknown: Vec<String>,
    /// The same for the body.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub body_unknown: Vec<String>,
    /// `YYYY-MM-DD`; left out when the article has no full date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year: Option<i64>,
    /// Issuing region as a facet path; left out when unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    pub mentioned: Vec<String>,
    pub industry: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub path: String,
    pub title_derived: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub indexed_at: Option<u64>,
}

/// What a bulk file holds.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// `index` actions (articles).
    pub index: u64,
    /// `delete` actions (articles gone since the generation asked for).
    pub delete: u64,
}

/// The article stored in `doc`, with its id; its unknown words by `analyzer`.
fn source_of(doc: &TantivyDocument, f: &Fields, analyzer: &Analyzer) -> (String, Source) {
    let a = stored_article(doc, f);
    let body = stored_text(doc, f.body_text).unwrap_or_default();
    let source = Source {
        title_unknown: analyzer.unknown_words(&a.title),
        body_unknown: analyzer.unknown_words(&body),
        title: a.title,
        body,
        date: a.date.filter(|d| Day::of_stored(d).is_some()),
        year: a.year,
        region: a.region,
        mentioned: a.mentioned_regions,
        industry: a.industry,
        source: a.source,
        url: a.url,
        path: a.path,
        title_derived: a.title_derived,
        indexed_at: a.indexed_at,
    };
    (a.id, source)
}

fn write_index(out: &mut dyn Write, id: &str, source: &Source) -> Result<()> {
    serde_json::to_writer(&mut *out, &serde_json::json!({"index": {"_id": id}}))?;
    out.write_all(b"\n")?;
    serde_json::to_writer(&mut *out, source)?;
    out.write_all(b"\n")?;
    Ok(())
}

fn write_delete(out: &mut dyn Write, id: &str) -> Result<()> {
    serde_json::to_writer(&mut *out, &serde_json::json!({"delete": {"_id": id}}))?;
    out.write_all(b"\n")?;
    Ok(())
}

/// Articles read and analysed together (in parallel) before they are written in order.
const CHUNK: usize = 512;

/// Every article of the index, in index order. Two articles with one id (the same relative
/// path in two folders of one index) are an error: the cluster would keep only one of them.
/// The analysis for the unknown words runs on every core, a chunk of articles at a time.
pub fn write_all(
    out: &mut dyn Write,
    kindex: &KIndex,
    searcher: &Searcher,
    analyzer: &Analyzer,
) -> Result<Counts> {
    let f = &kindex.fields;
    let mut seen: HashMap<String, String> = HashMap::new();
    let mut counts = Counts::default();
    let mut addresses = Vec::with_capacity(CHUNK);
    let mut flush = |addresses: &mut Vec<DocAddress>| -> Result<()> {
        let sources: Vec<(String, Source)> = addresses
            .par_iter()
            .map(|addr| {
                let stored: TantivyDocument = searcher.doc(*addr)?;
                Ok(source_of(&stored, f, analyzer))
            })
            .collect::<Result<_>>()?;
        addresses.clear();
        for (id, source) in sources {
            if let Some(other) = seen.insert(id.clone(), source.path.clone()) {
                return Err(Error::Usage(format!(
                    "two articles have the id `{id}` ({other} and {}): a cluster keeps one \
                     document per _id; index those folders into separate kpolicy indexes",
                    source.path
                )));
            }
            write_index(out, &id, &source)?;
            counts.index += 1;
        }
        Ok(())
    };
    for (ord, seg) in searcher.segment_readers().iter().enumerate() {
        let alive = seg.alive_bitset();
        for doc in 0..seg.max_doc() {
            if alive.is_some_and(|a| !a.is_alive(doc)) {
                continue;
            }
            addresses.push(DocAddress::new(ord as u32, doc));
            if addresses.len() == CHUNK {
                flush(&mut addresses)?;
            }
        }
    }
    flush(&mut addresses)?;
    Ok(counts)
}

/// The actions for `ids` (what changed since a generation): an `index` action for each id the
/// index holds, a `delete` for each it no longer holds. In id order.
pub fn write_changed(
    out: &mut dyn Write,
    kindex: &KIndex,
    searcher: &Searcher,
    ids: &BTreeSet<String>,
    analyzer: &Analyzer,
) -> Result<Counts> {
    let f = &kindex.fields;
    let mut counts = Counts::default();
    for id in ids {
        let query = TermQuery::new(Term::from_field_text(f.id, id), IndexRecordOption::Basic);
        let mut found: Vec<DocAddress> = searcher
            .search(&query, &DocSetCollector)?
            .into_iter()
            .collect();
        found.sort();
        match found.as_slice() {
            [] => {
                write_delete(out, id)?;
                counts.delete += 1;
            }
            [addr] => {
                let stored: TantivyDocument = searcher.doc(*addr)?;
                let (_, source) = source_of(&stored, f, analyzer);
                write_index(out, id, &source)?;
                counts.index += 1;
            }
            [first, second, ..] => {
                let path = |a: &DocAddress| -> Result<String> {
                    let d: TantivyDocument = searcher.doc(*a)?;
                    Ok(stored_article(&d, f).path)
                };
                return Err(Error::Usage(format!(
                    "two articles have the id `{id}` ({} and {}): a cluster keeps one document \
                     per _id; index those folders into separate kpolicy indexes",
                    path(first)?,
                    path(second)?
                )));
            }
        }
    }
    Ok(counts)
}
