//! An index folder: opening and creating it with a format check, one reader per process that
//! follows commits, the writer lock, the commit payload, what the index holds per input, and
//! its statistics.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tantivy::collector::Count;
use tantivy::query::AllQuery;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyError};

use super::schema::{schema, Fields, INDEX_FORMAT};
use super::KDoc;
use crate::analysis::{Analyzer, KoreanTokenizer, TOKENIZER_NAME};
use crate::error::{Error, Result};

/// Writer memory budget in bytes (256 MB) unless `--writer-memory` says otherwise. tantivy
/// splits it across its indexing threads; 256 MB keeps a 100k-article run well under 1 GiB RSS.
pub(crate) const DEFAULT_WRITER_MEMORY: usize = 256_000_000;

/// The smallest writer memory budget in bytes (16 MB): tantivy refuses less than 15 MB per
/// indexing thread.
pub(crate) const MIN_WRITER_MEMORY: usize = 16_000_000;

/// What every commit records.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct CommitInfo {
    pub format: String,
    /// Fingerprint of the data files used for extraction.
    pub data: String,
    /// Seconds since the epoch.
    pub updated: u64,
}

/// An open index.
pub struct KIndex {
    pub(crate) index: Index,
    pub(crate) fields: Fields,
    pub(crate) path: PathBuf,
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
    pub(crate) fn open_unanalysed(path: &Path) -> Result<KIndex> {
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
    pub(crate) fn open_or_create(
        path: &Path,
        analyzer: &Analyzer,
        rebuild: bool,
    ) -> Result<KIndex> {
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
    pub(crate) fn commit_info(&self) -> Result<Option<CommitInfo>> {
        let metas = self.index.load_metas()?;
        Ok(metas
            .payload
            .as_deref()
            .and_then(|p| serde_json::from_str(p).ok()))
    }

    /// The generation of the last commit: its opstamp, as `/api/stats` reports it.
    pub fn generation(&self) -> Result<u64> {
        Ok(self.index.load_metas()?.opstamp)
    }

    /// When the last commit was made (unix seconds), from its payload.
    pub fn updated(&self) -> Result<Option<u64>> {
        Ok(self.commit_info()?.map(|i| i.updated))
    }

    /// A reader that sees the last commit. Opened once per process; each call reads
    /// `meta.json` and reloads the reader only when it changed since the last load (a commit),
    /// so a long-lived engine sees what writers committed. A reload opens every segment again
    /// and starts with empty caches, which is why it is not done when nothing changed.
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
    /// cheap, and the cores are better spent on Korean analysis (see `indexer/workers.rs`).
    pub(crate) fn writer(&self, memory: usize) -> Result<IndexWriter<KDoc>> {
        let threads = 1;
        let memory = memory.max(MIN_WRITER_MEMORY);
        self.index
            .writer_with_num_threads(threads, memory)
            .map_err(|e| match e {
                TantivyError::LockFailure(..) => Error::Locked(self.path.clone()),
                other => Error::Index(other),
            })
    }

    /// Commits what `writer` holds, with the kpolicy payload: the index format and `data`, the
    /// fingerprint of the data files the articles were extracted with. `before` is called with
    /// the generation (opstamp) the commit will have, before it is made (the change log).
    pub(crate) fn commit(
        writer: &mut IndexWriter<KDoc>,
        data: &str,
        before: impl FnOnce(u64) -> Result<()>,
    ) -> Result<()> {
        let info = CommitInfo {
            format: INDEX_FORMAT.to_string(),
            data: data.to_string(),
            updated: now_secs(),
        };
        let payload = serde_json::to_string(&info)?;
        let mut prepared = writer.prepare_commit()?;
        before(prepared.opstamp())?;
        prepared.set_payload(&payload);
        prepared.commit()?;
        Ok(())
    }

    /// What the index holds per file: `file_key` → (hash, mtime, size).
    ///
    /// Read from the fast fields. Each column's dictionary is streamed once in order (a
    /// per-document `ord_to_str` would decompress a dictionary block for every document).
    pub(crate) fn file_state(&self) -> Result<HashMap<String, FileState>> {
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
                state.entry(key.clone()).or_insert_with(|| FileState {
                    hash,
                    mtime: mtimes.first(doc).unwrap_or(0),
                    size: sizes.first(doc).unwrap_or(0),
                });
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
pub(crate) struct FileState {
    pub hash: String,
    pub mtime: u64,
    pub size: u64,
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
            || name == "dup-groups.json"
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
fn dir_size(path: &Path) -> u64 {
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
pub(crate) fn now_secs() -> u64 {
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
