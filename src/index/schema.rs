//! The tantivy schema: one document per article, with the analysed text fields, the stored
//! metadata, the facet fields search counts, and the fast fields the indexer reads back to know
//! which inputs the index holds.

use tantivy::schema::{
    FacetOptions, Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED,
    STORED, STRING,
};

use crate::analysis::TOKENIZER_NAME;

/// Version of the schema *and* the analysis that produced the terms. Bump it whenever either
/// changes: an index made with another value must be rebuilt.
pub(crate) const INDEX_FORMAT: &str = "kpolicy-index-12";

/// Facet value for a missing year or region.
pub(crate) const UNKNOWN: &str = "unknown";
/// The issuing-region facet value of national articles (issued by a ministry, the National
/// Assembly, a national agency), as typed after `--region`.
pub(crate) const NATIONWIDE: &str = "전국";
/// The same as a facet path.
pub(crate) const NATIONWIDE_PATH: &str = "/전국";

/// Separator between a root and a relative id inside `key` / `file_key`.
pub(crate) const KEY_SEP: char = '\u{1f}';

/// The schema's fields.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    /// Unique per article: replaced when the article changes.
    pub key: Field,
    /// The input (file or JSON-lines stream entry) the article came from: an input's articles are
    /// replaced and removed together.
    pub file_key: Field,
    pub id: Field,
    pub path: Field,
    pub title: Field,
    pub body: Field,
    pub body_text: Field,
    /// Words as written that the analysed terms would not find (`Analyzer::fallback_words`):
    /// with them, any word copied out of an article finds it (issue 15). Pre-tokenized.
    pub words: Field,
    pub date: Field,
    pub year: Field,
    pub year_facet: Field,
    /// The publication day as a number (`20261101`, [`crate::search::Day::key`]) for date
    /// ranges; 0 when the article has no full date, which no range includes.
    pub day: Field,
    /// Publication month (`/2026-11`) for the month chart; absent without a full date.
    pub month: Field,
    /// When this version of the article was written to the index (unix seconds): what is
    /// new since a user last looked, and the `updated` time of its feed entry.
    pub indexed_at: Field,
    pub region: Field,
    pub mentioned: Field,
    pub industry: Field,
    pub source: Field,
    pub url: Field,
    pub hash: Field,
    pub mtime: Field,
    pub size: Field,
    pub title_derived: Field,
    pub extra: Field,
    /// The near-duplicate fingerprint of the body (`dedup::Fingerprint::encode`), absent for a
    /// body too short to have one. A fast field: search reads every article's to form the
    /// groups of copies of one story.
    pub dup: Field,
}

/// Builds the schema.
pub(crate) fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let analyzed = TextFieldIndexing::default()
        .set_tokenizer(TOKENIZER_NAME)
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    let fields = Fields {
        key: b.add_text_field("key", STRING | STORED | FAST),
        file_key: b.add_text_field("file_key", STRING | STORED | FAST),
        id: b.add_text_field("id", STRING | STORED),
        path: b.add_text_field("path", STORED),
        title: b.add_text_field(
            "title",
            TextOptions::default()
                .set_indexing_options(analyzed.clone())
                .set_stored(),
        ),
        // Pre-tokenized and not stored: the terms come from the one analysis pass in ingest,
        // and the text is stored once, in `body_text`, without the token list.
        body: b.add_text_field(
            "body",
            TextOptions::default().set_indexing_options(analyzed),
        ),
        body_text: b.add_text_field("body_text", STORED),
        // Which articles hold a word is all the fallback needs: no frequencies, no positions
        // (they would double its size).
        words: b.add_text_field(
            "words",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default().set_index_option(IndexRecordOption::Basic),
            ),
        ),
        date: b.add_text_field("date", STRING | STORED),
        year: b.add_i64_field("year", INDEXED | STORED | FAST),
        year_facet: b.add_facet_field("year_facet", FacetOptions::default()),
        // Fast too: "newest first" (and so every feed) orders by it without loading documents.
        day: b.add_i64_field("day", INDEXED | FAST),
        month: b.add_facet_field("month", FacetOptions::default()),
        indexed_at: b.add_u64_field("indexed_at", STORED | FAST),
        region: b.add_facet_field("region", FacetOptions::default().set_stored()),
        mentioned: b.add_facet_field("mentioned", FacetOptions::default().set_stored()),
        industry: b.add_facet_field("industry", FacetOptions::default().set_stored()),
        source: b.add_text_field("source", STRING | STORED),
        url: b.add_text_field("url", STORED),
        hash: b.add_text_field("hash", STRING | STORED | FAST),
        mtime: b.add_u64_field("mtime", FAST | STORED),
        size: b.add_u64_field("size", FAST | STORED),
        title_derived: b.add_bool_field("title_derived", STORED),
        extra: b.add_text_field("extra", STORED),
        dup: b.add_bytes_field("dup", FAST),
    };
    (b.build(), fields)
}

/// A year as users name it in a filter: `2020`, or [`UNKNOWN`] (`Some(None)`) for the articles
/// whose year is not known. `None` when the text is neither.
pub(crate) fn parse_year(text: &str) -> Option<Option<i32>> {
    if text == UNKNOWN {
        return Some(None);
    }
    text.parse().ok().map(Some)
}

#[cfg(test)]
mod tests {
    #[test]
    fn years_and_unknown() {
        assert_eq!(super::parse_year("2020"), Some(Some(2020)));
        assert_eq!(super::parse_year("unknown"), Some(None));
        assert_eq!(super::parse_year("twenty"), None);
    }
}
