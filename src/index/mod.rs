//! The on-disk index: schema, opening/creating with a version check, documents, and stats.
//!
//! The index is the single source of truth: which files it holds, with which content hash, is
//! read back from its own fast fields, so an interrupted run can never leave a side file out of
//! step with it. Every commit is atomic (tantivy), carries a payload with the kpolicy index
//! format and data fingerprint, and replaces a changed file's documents in the same commit that
//! deletes the old ones.

pub mod doc;
pub mod update;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tantivy::collector::Count;
use tantivy::query::AllQuery;
use tantivy::schema::{
    Facet, FacetOptions, Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST,
    INDEXED, STORED, STRING,
};
use tantivy::tokenizer::{PreTokenizedString, TextAnalyzer, Token};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyError};

use crate::analysis::{Analyzer, KoreanTokenizer, TOKENIZER_NAME};
use crate::error::{Error, Result};
use crate::ingest::Article;
pub use doc::KDoc;

/// Version of the schema *and* the analysis that produced the terms. Bump it whenever either
/// changes: an index made with another value must be rebuilt.
pub const INDEX_FORMAT: &str = "kpolicy-index-7";

/// Writer memory budget (bytes) unless `--writer-memory` says otherwise. tantivy splits it
/// across its indexing threads; 256 MB keeps a 100k-article run well under 1 GiB RSS.
pub const DEFAULT_WRITER_MEMORY: usize = 256 * 1024 * 1024;

/// Facet value for a missing year or region.
pub const UNKNOWN: &str = "unknown";

/// Separator between a root and a relative id inside `key` / `file_key`.
pub const KEY_SEP: char = '\u{1f}';

/// The schema's fields.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub key: Field,
    pub file_key: Field,
    pub id: Field,
    pub path: Field,
    pub title: Field,
    pub body: Field,
    pub body_text: Field,
    pub date: Field,
    pub year: Field,
    pub year_facet: Field,
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
}

/// Builds the schema.
pub fn schema() -> (Schema, Fields) {
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
        date: b.add_text_field("date", STRING | STORED),
        year: b.add_i64_field("year", INDEXED | STORED | FAST),
        year_facet: b.add_facet_field("year_facet", FacetOptions::default()),
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
    };
    (b.build(), fields)
}

/// What every commit records.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CommitInfo {
    pub format: String,
    /// Fingerprint of the data files used for extraction.
    pub data: String,
    /// Seconds since the epoch.
    pub updated: u64,
}

/// An open index.
pub struct KIndex {
    pub index: Index,
    pub fields: Fields,
    pub path: PathBuf,
    reader: std::sync::OnceLock<IndexReader>,
    /// `meta.json` as it was when `reader` last loaded it.
    reader_meta: std::sync::Mutex<Option<Vec<u8>>>,
}

impl KIndex {
    /// Opens an existing index, checking its format, with `analyzer` for the text it is
    /// given to index or search.
    pub fn open(path: &Path, analyzer: &Analyzer) -> Result<KIndex> {
        let kindex = KIndex::open_unanalysed(path)?;
        kindex.register(analyzer);
        Ok(kindex)
    }

    /// Opens an existing index, checking its format, without loading the Korean analyzer:
    /// for reading what is stored and counted (`kpolicy stats`), not for indexing or text
    /// queries.
    pub fn open_unanalysed(path: &Path) -> Result<KIndex> {
        if !path.join("meta.json").exists() {
            return Err(Error::NoIndex(path.to_path_buf()));
        }
        let index = Index::open_in_dir(path).map_err(|e| open_error(path, e))?;
        let kindex = KIndex::wrap(index, path)?;
        if let Some(info) = kindex.commit_info()? {
            if info.format != INDEX_FORMAT {
                return Err(Error::Incompatible {
                    path: path.to_path_buf(),
                    found: info.format,
                    expected: INDEX_FORMAT.to_string(),
                });
            }
        }
        Ok(kindex)
    }

    /// Opens the index at `path`, creating it when there is none. `rebuild` wipes it first.
    pub fn open_or_create(path: &Path, analyzer: &Analyzer, rebuild: bool) -> Result<KIndex> {
        if rebuild && path.join("meta.json").exists() {
            remove_index_files(path)?;
        }
        if path.join("meta.json").exists() {
            return KIndex::open(path, analyzer);
        }
        if path.exists() && !path.is_dir() {
            return Err(Error::Usage(format!(
                "{}: not a folder; --index needs a folder for the index",
                path.display()
            )));
        }
        std::fs::create_dir_all(path).map_err(|e| Error::File {
            path: path.to_path_buf(),
            source: e,
        })?;
        let (schema, _) = schema();
        let index = Index::create_in_dir(path, schema).map_err(|e| open_error(path, e))?;
        let kindex = KIndex::wrap(index, path)?;
        kindex.register(analyzer);
        Ok(kindex)
    }

    /// Makes `analyzer` the one tantivy uses for the analysed fields.
    fn register(&self, analyzer: &Analyzer) {
        self.index.tokenizers().register(
            TOKENIZER_NAME,
            TextAnalyzer::from(KoreanTokenizer::new(analyzer.clone())),
        );
    }

    fn wrap(index: Index, path: &Path) -> Result<KIndex> {
        let (expected, fields) = schema();
        if index.schema() != expected {
            return Err(Error::Incompatible {
                path: path.to_path_buf(),
                found: "another schema".into(),
                expected: INDEX_FORMAT.into(),
            });
        }
        Ok(KIndex {
            index,
            fields,
            path: path.to_path_buf(),
            reader: std::sync::OnceLock::new(),
            reader_meta: std::sync::Mutex::new(None),
        })
    }

    /// The payload of the last commit.
    pub fn commit_info(&self) -> Result<Option<CommitInfo>> {
        let metas = self.index.load_metas()?;
        Ok(metas
            .payload
            .as_deref()
            .and_then(|p| serde_json::from_str(p).ok()))
    }

    /// A reader that sees the last commit. Opened once per process; each call reads
    /// `meta.json` and reloads the reader only when it changed since the last load (a commit),
    /// so a long-lived engine sees what writers committed. A reload opens every segment again
    /// (about 70 µs at 20k documents) and starts with empty caches, which is why it is not
    /// done when nothing changed.
    pub fn reader(&self) -> Result<IndexReader> {
        use tantivy::directory::Directory as _;
        let meta = self
            .index
            .directory()
            .atomic_read(Path::new("meta.json"))
            .ok();
        if let Some(r) = self.reader.get() {
            let mut seen = self.reader_meta.lock().unwrap_or_else(|e| e.into_inner());
            if meta.is_none() || *seen != meta {
                r.reload()?;
                *seen = meta;
            }
            return Ok(r.clone());
        }
        // `meta` was read before the reader opens: a commit in between makes the next call
        // reload.
        let r: IndexReader = self
            .index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let r = self.reader.get_or_init(|| r).clone();
        *self.reader_meta.lock().unwrap_or_else(|e| e.into_inner()) = meta;
        Ok(r)
    }

    /// A writer; a second writer gets [`Error::Locked`].
    ///
    /// One tantivy indexing thread: the documents arrive pre-tokenized, so writing them is
    /// cheap, and the cores are better spent on Korean analysis (see `index/update.rs`).
    pub fn writer(&self, memory: usize) -> Result<IndexWriter<KDoc>> {
        let threads = 1;
        let memory = memory.max(16 * 1024 * 1024);
        self.index
            .writer_with_num_threads(threads, memory)
            .map_err(|e| match e {
                TantivyError::LockFailure(..) => Error::Locked(self.path.clone()),
                other => Error::Index(other),
            })
    }

    /// The tantivy document for an article.
    pub fn document(&self, a: &Article, mtime: u64, size: u64) -> KDoc {
        let f = &self.fields;
        let mut doc = KDoc::default();
        doc.add_text(f.key, &a.key);
        doc.add_text(f.file_key, &a.file_key);
        doc.add_text(f.id, &a.id);
        doc.add_text(f.path, &a.path);
        doc.add_text(f.title, &a.meta.title);
        let tokens: Vec<Token> = a
            .terms
            .iter()
            .map(|t| Token {
                offset_from: t.start,
                offset_to: t.end,
                position: t.position,
                text: t.text.clone(),
                position_length: 1,
            })
            .collect();
        doc.add_pre_tokenized_text(
            f.body,
            PreTokenizedString {
                text: String::new(),
                tokens,
            },
        );
        doc.add_text(f.body_text, &a.body);
        if let Some(d) = &a.meta.date {
            doc.add_text(f.date, d);
        }
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
        doc.add_u64(f.size, size);
        doc.add_bool(f.title_derived, a.meta.title_derived);
        if !a.extra.is_empty() {
            if let Ok(json) = serde_json::to_string(&a.extra) {
                doc.add_text(f.extra, json);
            }
        }
        doc
    }

    /// What the index holds per file: `file_key` → (hash, mtime, size, number of documents).
    ///
    /// Read from the fast fields. Each column's dictionary is streamed once in order (a
    /// per-document `ord_to_str` would decompress a dictionary block for every document).
    pub fn file_state(&self) -> Result<HashMap<String, FileState>> {
        let reader = self.reader()?;
        let searcher = reader.searcher();
        let mut state: HashMap<String, FileState> = HashMap::new();
        for seg in searcher.segment_readers() {
            let ff = seg.fast_fields();
            let (Some(keys), Some(hashes)) = (ff.str("file_key")?, ff.str("hash")?) else {
                continue;
            };
            let key_terms = column_terms(&keys)?;
            let hash_terms = column_terms(&hashes)?;
            let mtimes = ff.u64("mtime")?;
            let sizes = ff.u64("size")?;
            let alive = seg.alive_bitset();
            for doc in 0..seg.max_doc() {
                if alive.is_some_and(|a| !a.is_alive(doc)) {
                    continue;
                }
                let Some(key) = keys
                    .term_ords(doc)
                    .next()
                    .and_then(|o| key_terms.get(o as usize))
                else {
                    continue;
                };
                let hash = hashes
                    .term_ords(doc)
                    .next()
                    .and_then(|o| hash_terms.get(o as usize))
                    .cloned()
                    .unwrap_or_default();
                let entry = state.entry(key.clone()).or_insert_with(|| FileState {
                    hash,
                    mtime: mtimes.first(doc).unwrap_or(0),
                    size: sizes.first(doc).unwrap_or(0),
                    docs: 0,
                });
                entry.docs += 1;
            }
        }
        Ok(state)
    }

    /// Document count, size on disk and last update (facet counts are the search side's job:
    /// `search::all_facets`).
    pub fn stats(&self) -> Result<Stats> {
        let documents = self.reader()?.searcher().search(&AllQuery, &Count)?;
        let info = self.commit_info()?;
        Ok(Stats {
            index: self.path.display().to_string(),
            documents: documents as u64,
            size_bytes: dir_size(&self.path),
            updated: info.as_ref().map(|i| i.updated),
            format: info.map(|i| i.format),
        })
    }
}

/// All terms of a string fast-field column, indexed by term ordinal.
fn column_terms(column: &tantivy::columnar::StrColumn) -> Result<Vec<String>> {
    let mut terms = Vec::with_capacity(column.num_terms());
    let mut stream = column.dictionary().stream()?;
    while stream.advance() {
        terms.push(String::from_utf8_lossy(stream.key()).into_owned());
    }
    Ok(terms)
}

/// What the index holds for one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileState {
    pub hash: String,
    pub mtime: u64,
    pub size: u64,
    pub docs: usize,
}

/// `kpolicy stats` output.
#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    pub index: String,
    pub documents: u64,
    pub size_bytes: u64,
    /// Seconds since the epoch of the last commit.
    pub updated: Option<u64>,
    pub format: Option<String>,
}

fn open_error(path: &Path, e: TantivyError) -> Error {
    match e {
        TantivyError::LockFailure(..) => Error::Locked(path.to_path_buf()),
        TantivyError::SchemaError(msg) => Error::Incompatible {
            path: path.to_path_buf(),
            found: msg,
            expected: INDEX_FORMAT.into(),
        },
        other => Error::Index(other),
    }
}

/// Removes the files of an index (not the folder itself, not unrelated files).
fn remove_index_files(path: &Path) -> Result<()> {
    let entries = std::fs::read_dir(path).map_err(|e| Error::File {
        path: path.to_path_buf(),
        source: e,
    })?;
    for entry in entries.flatten() {
        let p = entry.path();
        let name = entry.file_name().to_string_lossy().to_string();
        let ours = name == "meta.json"
            || name == ".managed.json"
            || name.starts_with(".tantivy")
            || p.extension().is_some_and(|e| {
                matches!(
                    e.to_str(),
                    Some("idx" | "pos" | "term" | "store" | "fast" | "fieldnorm" | "del")
                )
            });
        if ours && p.is_file() {
            if name == ".tantivy-writer.lock" {
                continue;
            }
            std::fs::remove_file(&p).map_err(|e| Error::File { path: p, source: e })?;
        }
    }
    Ok(())
}

/// Total size of the files in a folder (not recursive).
pub fn dir_size(path: &Path) -> u64 {
    std::fs::read_dir(path)
        .map(|rd| {
            rd.flatten()
                .filter_map(|e| e.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

/// Seconds since the epoch.
pub fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reader_reloads_only_after_a_commit() {
        let tmp = tempfile::tempdir().unwrap();
        let analyzer = Analyzer::new(&[]).unwrap();
        let kindex = KIndex::open_or_create(tmp.path(), &analyzer, false).unwrap();
        let generation = |k: &KIndex| {
            let s = k.reader().unwrap().searcher();
            (s.num_docs(), s.generation().generation_id())
        };
        let (docs, first) = generation(&kindex);
        assert_eq!(docs, 0);
        assert_eq!(generation(&kindex), (0, first), "no commit, same searcher");
        // Another KIndex on the same folder, as another process would write it.
        let other = KIndex::open(tmp.path(), &analyzer).unwrap();
        let mut w = other.writer(16 * 1024 * 1024).unwrap();
        let mut doc = KDoc::default();
        doc.add_text(other.fields.key, "a");
        w.add_document(doc).unwrap();
        w.commit().unwrap();
        let (docs, second) = generation(&kindex);
        assert_eq!(docs, 1, "a commit is seen by the next call");
        assert_ne!(second, first);
        assert_eq!(generation(&kindex), (1, second));
    }
}
