//! The page's hits as users see them: each document's stored fields and its snippet.
//!
//! The engine hands over the page (score and address of each hit, best first) once ranking
//! is done; this module loads the stored documents, turns facet values back into paths and
//! asks [`super::snippet`] for the passage to show.

use std::collections::HashSet;

use tantivy::schema::{Field, Value};
use tantivy::{DocAddress, Searcher, TantivyDocument};

use super::collect::{both, large};
use super::request::{Hit, StoredArticle};
use super::snippet::{snippet, Snippet};
use crate::error::Result;
use crate::index::{Fields, UNKNOWN};

/// The hits of `page`, ranked from `offset + 1`. `terms` are highlighted in the snippets;
/// `lean` leaves the snippets out.
pub(crate) fn load_page(
    searcher: &Searcher,
    fields: &Fields,
    page: &[(f32, DocAddress)],
    offset: usize,
    terms: &HashSet<String>,
    lean: bool,
) -> Result<Vec<Hit>> {
    let build = |part: &[(f32, DocAddress)], first: usize| -> Result<Vec<Hit>> {
        part.iter()
            .enumerate()
            .map(|(i, &(score, addr))| {
                let rank = offset + first + i + 1;
                load(searcher, fields, addr, score, rank, terms, lean)
            })
            .collect()
    };
    // Documents are loaded and snippeted on two threads when the index is large enough for
    // the pass over the matches to use two.
    let parallel = !lean && page.len() >= 4 && large(searcher);
    if !parallel {
        return build(page, 0);
    }
    let mid = page.len() / 2;
    let (a, b) = page.split_at(mid);
    let (first, rest) = both(|| build(a, 0), || build(b, mid));
    let mut hits = first?;
    hits.extend(rest?);
    Ok(hits)
}

/// One hit: the stored fields of the document at `addr`, and its snippet unless `lean`.
fn load(
    searcher: &Searcher,
    f: &Fields,
    addr: DocAddress,
    score: f32,
    rank: usize,
    terms: &HashSet<String>,
    lean: bool,
) -> Result<Hit> {
    let doc: TantivyDocument = searcher.doc(addr)?;
    let snip = if lean {
        Snippet::default()
    } else {
        let body = stored_text(&doc, f.body_text).unwrap_or_default();
        snippet(&body, terms)
    };
    Ok(Hit {
        rank,
        article: stored_article(&doc, f),
        score,
        snippet: snip.text,
        highlights: snip.highlights,
        group: None,
        duplicates: Vec::new(),
        copies: 0,
        explain: None,
    })
}

/// The text stored in `field` of `doc`.
pub(crate) fn stored_text(doc: &TantivyDocument, field: Field) -> Option<String> {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .map(str::to_string)
}

/// The article's metadata as stored in `doc`; facet values as paths, the unknown region as
/// `None`.
pub(crate) fn stored_article(doc: &TantivyDocument, f: &Fields) -> StoredArticle {
    let text = |field: Field| stored_text(doc, field);
    let facets = |field: Field| -> Vec<String> {
        doc.get_all(field)
            .filter_map(|v| v.as_facet().map(facet_path))
            .collect()
    };
    StoredArticle {
        id: text(f.id).unwrap_or_default(),
        path: text(f.path).unwrap_or_default(),
        title: text(f.title).unwrap_or_default(),
        title_derived: doc
            .get_first(f.title_derived)
            .and_then(|v| v.as_bool())
            .unwrap_or(false),
        date: text(f.date),
        year: doc.get_first(f.year).and_then(|v| v.as_i64()),
        region: facets(f.region)
            .into_iter()
            .next()
            .filter(|r| r != &format!("/{UNKNOWN}")),
        mentioned_regions: facets(f.mentioned),
        industry: facets(f.industry)
            .into_iter()
            .map(|p| p.trim_start_matches('/').to_string())
            .collect(),
        source: text(f.source),
        url: text(f.url),
        indexed_at: doc.get_first(f.indexed_at).and_then(|v| v.as_u64()),
    }
}

/// Path form (`/경상북도/안동시`) of a stored facet value (tantivy's encoded form separates
/// segments with NUL).
fn facet_path(encoded: &str) -> String {
    format!("/{}", encoded.replace('\0', "/"))
}
