//! Writing: an input's documents are replaced in the same commit that deletes its old ones, and
//! commits come every [`COMMIT_EVERY_DOCS`] documents or [`COMMIT_EVERY`], so a killed run keeps
//! what it committed and loses at most that much work. Each commit's touched article ids go to
//! the change log first ([`crate::index::changes`]).

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use tantivy::collector::DocSetCollector;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{IndexWriter, TantivyDocument, Term};

use super::document::document;
use crate::error::{Error, Result};
use crate::index::{now_secs, ChangeLog, KDoc, KIndex};
use crate::ingest::Article;

/// Documents between two commits: a kill loses at most this much work.
pub const COMMIT_EVERY_DOCS: usize = 5000;
/// Time between two commits during a long run.
const COMMIT_EVERY: Duration = Duration::from_secs(20);

/// The writer of one update run, with its commit schedule.
pub(super) struct Committer<'w> {
    kindex: &'w KIndex,
    writer: &'w mut IndexWriter<KDoc>,
    /// Fingerprint of the data files, recorded with every commit.
    data: &'w str,
    log: &'w ChangeLog,
    /// Article ids added, replaced or removed since the last commit.
    touched: BTreeSet<String>,
    every: usize,
    pending: usize,
    last: Instant,
}

impl<'w> Committer<'w> {
    pub fn new(
        kindex: &'w KIndex,
        writer: &'w mut IndexWriter<KDoc>,
        data: &'w str,
        log: &'w ChangeLog,
        every: usize,
    ) -> Self {
        Committer {
            kindex,
            writer,
            data,
            log,
            touched: BTreeSet::new(),
            every: every.max(1),
            pending: 0,
            last: Instant::now(),
        }
    }

    /// Replaces every document of the input `file_key` with `articles`; `existed`: the index
    /// holds documents of it (whose ids the change log needs).
    pub fn replace_input(
        &mut self,
        file_key: &str,
        existed: bool,
        articles: &[Article],
        mtime: u64,
        size: u64,
    ) -> Result<()> {
        if existed {
            self.touch_input(file_key)?;
        }
        self.touched.extend(articles.iter().map(|a| a.id.clone()));
        let fields = &self.kindex.fields;
        self.writer
            .delete_term(Term::from_field_text(fields.file_key, file_key));
        let now = now_secs();
        for a in articles {
            self.add(document(fields, a, mtime, size, now))?;
        }
        self.maybe_commit()
    }

    /// Replaces the one article with `article.key` (a JSON-lines record).
    pub fn replace_article(&mut self, article: &Article) -> Result<()> {
        self.touched.insert(article.id.clone());
        let fields = &self.kindex.fields;
        self.writer
            .delete_term(Term::from_field_text(fields.key, &article.key));
        self.add(document(fields, article, 0, 0, now_secs()))?;
        self.maybe_commit()
    }

    /// Removes every document of the input `file_key`.
    pub fn remove_input(&mut self, file_key: &str) -> Result<()> {
        self.touch_input(file_key)?;
        self.writer
            .delete_term(Term::from_field_text(self.kindex.fields.file_key, file_key));
        self.pending += 1;
        Ok(())
    }

    /// Notes the ids of the articles the index holds for the input `file_key` as touched.
    fn touch_input(&mut self, file_key: &str) -> Result<()> {
        let fields = &self.kindex.fields;
        let searcher = self.kindex.reader()?.searcher();
        let query = TermQuery::new(
            Term::from_field_text(fields.file_key, file_key),
            IndexRecordOption::Basic,
        );
        for addr in searcher.search(&query, &DocSetCollector)? {
            let doc: TantivyDocument = searcher.doc(addr)?;
            if let Some(id) = crate::search::stored_text(&doc, fields.id) {
                self.touched.insert(id);
            }
        }
        Ok(())
    }

    fn add(&mut self, doc: KDoc) -> Result<()> {
        self.writer
            .add_document(doc)
            .map_err(|e| self.write_error(e.into()))?;
        self.pending += 1;
        Ok(())
    }

    fn maybe_commit(&mut self) -> Result<()> {
        if self.pending >= self.every || self.last.elapsed() >= COMMIT_EVERY {
            self.commit()?;
        }
        Ok(())
    }

    /// Commits what was written, with the kpolicy payload.
    pub fn commit(&mut self) -> Result<()> {
        let (log, touched) = (self.log, &self.touched);
        KIndex::commit(self.writer, self.data, |generation| {
            log.record(generation, touched)
        })
        .map_err(|e| self.write_error(e))?;
        self.touched.clear();
        self.pending = 0;
        self.last = Instant::now();
        Ok(())
    }

    /// An error from the writer, said with the index path and the likely cause.
    fn write_error(&self, e: Error) -> Error {
        let path = self.kindex.path.clone();
        match e {
            Error::Index(t) => {
                let mut reason = t.to_string();
                if reason.contains("killed") {
                    // tantivy only says that a worker thread stopped; the cause is a failed write.
                    reason = "an indexing thread could not write (disk full or read-only folder?)"
                        .to_string();
                }
                Error::IndexWrite { path, reason }
            }
            Error::Io(io) => Error::IndexWrite {
                path,
                reason: io.to_string(),
            },
            other => other,
        }
    }
}
