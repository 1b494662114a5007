//! An article as a tantivy document: the body goes in pre-tokenized (its terms come from the one
//! analysis pass in ingest), the fallback words as they are, the metadata as stored fields and
//! facets.

use tantivy::schema::Facet;
use tantivy::tokenizer::{PreTokenizedString, Token};

use crate::dedup::Fingerprint;
use crate::index::{Fields, KDoc, UNKNOWN};
use crate::ingest::Article;
use crate::search::Day;

/// The document for `a`; `mtime` and `size` are the input file's (0 for streams), `indexed_at`
/// the time it is written (unix seconds).
pub(super) fn document(f: &Fields, a: &Article, mtime: u64, size: u64, indexed_at: u64) -> KDoc {
    let mut doc = KDoc::default();
    doc.add_text(f.key, &a.key);
    doc.add_text(f.file_key, &a.file_key);
    doc.add_text(f.id, &a.id);
    doc.add_text(f.path, &a.path);
    doc.add_text(f.title, &a.meta.title);
    let tokens: Vec<Token> = a.terms.iter().map(Token::from).collect();
    doc.add_pre_tokenized_text(
        f.body,
        PreTokenizedString {
            text: String::new(),
            tokens,
        },
    );
    doc.add_pre_tokenized_text(
        f.words,
        PreTokenizedString {
            text: String::new(),
            tokens: a
                .fallback_words
                .iter()
                .enumerate()
                .map(|(position, w)| Token {
                    position,
                    text: w.clone(),
                    ..Token::default()
                })
                .collect(),
        },
    );
    if let Some(d) = &a.meta.date {
        doc.add_text(f.date, d);
    }
    match a.meta.date.as_deref().and_then(Day::of_stored) {
        Some(day) => {
            doc.add_i64(f.day, day.key());
            doc.add_facet(f.month, Facet::from_path([day.month_name()]));
        }
        None => doc.add_i64(f.day, 0),
    }
    doc.add_u64(f.indexed_at, indexed_at);
    match a.meta.year {
        Some(y) => {
            doc.add_i64(f.year, y as i64);
            doc.add_facet(f.year_facet, Facet::from_path([y.to_string()]));
        }
        None => doc.add_facet(f.year_facet, Facet::from_path([UNKNOWN])),
    }
    match &a.meta.region {
        Some(r) => doc.add_facet(f.region, Facet::from(r.as_str())),
        None => doc.add_facet(f.region, Facet::from_path([UNKNOWN])),
    }
    for r in &a.meta.mentioned_regions {
        doc.add_facet(f.mentioned, Facet::from(r.as_str()));
    }
    for i in &a.meta.industry {
        doc.add_facet(f.industry, Facet::from_path([i.as_str()]));
    }
    if let Some(s) = &a.meta.source {
        doc.add_text(f.source, s);
    }
    if let Some(u) = &a.url {
        doc.add_text(f.url, u);
    }
    doc.add_text(f.hash, &a.hash);
    doc.add_u64(f.mtime, mtime);
    // `size` ends the stored metadata, and the body is stored last: a listed copy of a story
    // reads the stored values up to `size` and never decodes its body (`index::StoredHead`).
    doc.add_u64(f.size, size);
    doc.add_bool(f.title_derived, a.meta.title_derived);
    if let Some(print) = Fingerprint::of(a.terms.iter().map(|t| t.text.as_str()), &a.body) {
        doc.add_bytes(f.dup, print.encode());
    }
    if !a.extra.is_empty() {
        if let Ok(json) = serde_json::to_string(&a.extra) {
            doc.add_text(f.extra, json);
        }
    }
    doc.add_text(f.body_text, &a.body);
    doc
}
