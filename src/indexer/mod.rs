//! Indexing: articles from [`Source`]s into the index, incrementally, idempotently and
//! crash-safely.
//!
//! An [`Indexer`] holds the index's one writer. Each [`Indexer::update`] compares a source
//! with what the index holds (`file_key` → content hash, with mtime + size as a fast pre-check:
//! `plan.rs`), analyses only new or changed inputs on all cores (`workers.rs`), replaces a
//! changed input's documents in the commit that deletes the old ones and removes inputs that
//! are gone (`commit.rs`). A killed run keeps what it committed and the next run converges:
//! every input has exactly its own documents, none duplicated, none lost.
//!
//! The CLI (`index`, `watch`, `eval`, and `search` through [`open_or_build`]), the tests and
//! the benchmarks all index through this module; [`watch()`] keeps an index current while
//! files change.
//!
//! ```no_run
//! use kpolicy::indexer::{Indexer, Options, Source};
//! # fn main() -> kpolicy::Result<()> {
//! let res = kpolicy::data::Resources::embedded()?;
//! let analyzer = kpolicy::analysis::Analyzer::new(&res.user_words())?;
//! let mut indexer = Indexer::open("index".as_ref(), &analyzer, &res, &Options::default())?;
//! let summary = indexer.update(Source::Folders(&["documents".into()]), &mut |_| {})?;
//! println!("{} documents", summary.documents);
//! indexer.finish()?;
//! # Ok(())
//! # }
//! ```

mod commit;
mod document;
mod learn;
mod plan;
mod sources;
mod watch;
mod workers;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;
use tantivy::IndexWriter;

use crate::analysis::Analyzer;
use crate::data::Resources;
use crate::error::{Error, Result};
use crate::index::{ChangeLog, FileState, KDoc, KIndex, DEFAULT_WRITER_MEMORY};
use crate::ingest::clean::boilerplate::{self, Learned};
use crate::ingest::{self, Article, Pipeline, Problem, ProblemKind};
pub use commit::COMMIT_EVERY_DOCS;
pub use sources::{inspect, learn_beside, record_ids, JsonLines, Source};
pub use watch::{watch, WatchEvent};

/// How an [`Indexer`] writes.
#[derive(Debug, Clone)]
pub struct Options {
    /// Start from an empty index.
    pub rebuild: bool,
    /// Keep the documents of files deleted from a folder.
    pub keep_deleted: bool,
    /// Larger files are skipped with a reason.
    pub max_file_bytes: u64,
    /// Analysis threads (0 = one per core).
    pub threads: usize,
    /// Documents between two commits.
    pub commit_every: usize,
    /// Memory budget of the index writer, in bytes.
    pub writer_memory: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            rebuild: false,
            keep_deleted: false,
            max_file_bytes: ingest::DEFAULT_MAX_FILE_BYTES,
            threads: 0,
            commit_every: COMMIT_EVERY_DOCS,
            writer_memory: DEFAULT_WRITER_MEMORY,
        }
    }
}

/// What an update did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub added: usize,
    pub updated: usize,
    pub removed: usize,
    pub unchanged: usize,
    pub skipped: usize,
    pub failed: usize,
    pub warnings: usize,
    /// Documents in the index after the run.
    pub documents: u64,
    /// Bytes of input read and analysed.
    pub bytes: u64,
    pub seconds: f64,
    pub problems: Vec<Problem>,
}

impl Summary {
    fn problem(&mut self, p: Problem) {
        match p.kind {
            ProblemKind::Skipped => self.skipped += 1,
            ProblemKind::Failed => self.failed += 1,
            ProblemKind::Warning => self.warnings += 1,
        }
        self.problems.push(p);
    }

    /// Some input was skipped, failed or only partly read.
    pub fn has_problems(&self) -> bool {
        self.failed + self.skipped + self.warnings > 0
    }
}

/// Progress events for a progress bar.
#[derive(Debug, Clone, Copy)]
pub enum Progress {
    /// Inputs that need analysis (0 for a stream, whose length is not known).
    Start(u64),
    /// One more input done.
    Advance,
}

/// The writer of one index, with what it needs to turn inputs into documents.
pub struct Indexer<'a> {
    kindex: KIndex,
    writer: IndexWriter<KDoc>,
    /// Which article ids each commit touches (`kpolicy export opensearch --since`).
    log: ChangeLog,
    pipe: Pipeline<'a>,
    opts: Options,
}

impl<'a> Indexer<'a> {
    /// Opens the index at `path` for writing, creating it when there is none (wiping it first
    /// with `opts.rebuild`). A second writer gets [`Error::Locked`].
    pub fn open(
        path: &Path,
        analyzer: &'a Analyzer,
        res: &'a Resources,
        opts: &Options,
    ) -> Result<Indexer<'a>> {
        let kindex = KIndex::open_or_create(path, analyzer, opts.rebuild)?;
        let writer = kindex.writer(opts.writer_memory)?;
        let log = ChangeLog::open(&kindex.path, kindex.generation()?, opts.rebuild)?;
        Ok(Indexer {
            kindex,
            writer,
            log,
            pipe: Pipeline::new(analyzer, res),
            opts: opts.clone(),
        })
    }

    /// The index being written (its reader sees every commit).
    pub fn index(&self) -> &KIndex {
        &self.kindex
    }

    /// Brings the index up to date with `source` and commits.
    pub fn update(
        &mut self,
        source: Source,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<Summary> {
        let started = Instant::now();
        let mut summary = match source {
            Source::Folders(roots) => self.update_folders(roots, progress)?,
            Source::JsonLines(mut stream) => self.update_stream(&mut stream, progress)?,
        };
        summary.documents = self.kindex.reader()?.searcher().num_docs();
        summary.seconds = started.elapsed().as_secs_f64();
        Ok(summary)
    }

    /// Writes articles already made by [`Pipeline::prepare`], each replacing the document with
    /// its key as a JSON-lines record does in [`Indexer::update`]; committed by the schedule of
    /// an update or by [`Indexer::commit`]. The writing half of an update on its own, public for
    /// the per-stage benchmark (`benches/stages.rs`), which times tantivy apart from analysis.
    pub fn add_prepared(&mut self, articles: &[Article]) -> Result<()> {
        let mut committer = commit::Committer::new(
            &self.kindex,
            &mut self.writer,
            &self.pipe.res.fingerprint,
            &self.log,
            self.opts.commit_every,
        );
        articles
            .iter()
            .try_for_each(|a| committer.replace_article(a))
    }

    /// Commits what [`Indexer::add_prepared`] wrote.
    pub fn commit(&mut self) -> Result<()> {
        commit::Committer::new(
            &self.kindex,
            &mut self.writer,
            &self.pipe.res.fingerprint,
            &self.log,
            self.opts.commit_every,
        )
        .commit()
    }

    /// Waits for the writer's merges and hands the index back for reading.
    pub fn finish(self) -> Result<KIndex> {
        self.writer.wait_merging_threads()?;
        // The groups of copies of one story, saved for the searches to come.
        crate::search::save_groups(&self.kindex)?;
        Ok(self.kindex)
    }

    /// What the index holds per input, and whether the data files (gazetteer, taxonomy …)
    /// changed since the last commit, in which case every article is extracted again.
    fn indexed_state(&self) -> Result<(HashMap<String, FileState>, bool)> {
        let state = self.kindex.file_state()?;
        let data_changed = self
            .kindex
            .commit_info()?
            .is_some_and(|i| i.data != self.pipe.res.fingerprint);
        Ok((state, data_changed))
    }

    fn update_folders(
        &mut self,
        roots: &[PathBuf],
        progress: &mut dyn FnMut(Progress),
    ) -> Result<Summary> {
        let mut summary = Summary::default();
        let (state, data_changed) = self.indexed_state()?;
        let mut plan = plan::plan(roots, &state, data_changed, self.opts.keep_deleted)?;
        for p in std::mem::take(&mut plan.problems) {
            summary.problem(p);
        }
        let threads = workers::thread_count(self.opts.threads);
        // Learned boilerplate: only when something changed (a run with nothing to do reads
        // nothing). A new index starts from an empty table.
        let learned = if plan.jobs.is_empty() && plan.gone.is_empty() {
            None
        } else {
            let mut learned = if state.is_empty() {
                Learned::default()
            } else {
                Learned::load(&self.kindex.path)
            };
            let forced = learn::learn_boilerplate(
                &mut learned,
                &plan.jobs,
                &mut plan.unchanged,
                &plan.gone,
                threads,
                self.opts.max_file_bytes,
            )?;
            plan.jobs.extend(forced);
            Some(learned)
        };
        summary.unchanged += plan.unchanged.len();
        let no_table = Learned::default();
        let table = learned.as_ref().unwrap_or(&no_table);

        progress(Progress::Start(plan.jobs.len() as u64));
        let (pipe, opts) = (&self.pipe, &self.opts);
        let mut committer = commit::Committer::new(
            &self.kindex,
            &mut self.writer,
            &pipe.res.fingerprint,
            &self.log,
            opts.commit_every,
        );
        workers::run(
            threads,
            &mut plan.jobs.into_iter(),
            |job| sources::read_file(job, &state, data_changed, pipe, opts.max_file_bytes, table),
            |done| {
                progress(Progress::Advance);
                match done.outcome {
                    // The old documents (if any) stay: nothing already indexed is lost.
                    Err(p) => summary.problem(p),
                    Ok((articles, problems)) => {
                        for p in problems {
                            summary.problem(p);
                        }
                        if articles.is_empty() {
                            if done.existed {
                                summary.unchanged += 1;
                            }
                            return Ok(());
                        }
                        summary.bytes += articles.iter().map(|a| a.body.len() as u64).sum::<u64>();
                        committer.replace_input(
                            &done.file_key,
                            done.existed,
                            &articles,
                            done.mtime,
                            done.size,
                        )?;
                        if done.existed {
                            summary.updated += 1;
                        } else {
                            summary.added += 1;
                        }
                    }
                }
                Ok(())
            },
        )?;
        for key in &plan.gone {
            committer.remove_input(key)?;
            summary.removed += 1;
        }
        committer.commit()?;
        if let Some(learned) = &learned {
            // After the commit: a kill in between leaves a table that is learned again from the
            // files that change next; the index itself is complete.
            if let Err(e) = learned.save(&self.kindex.path) {
                summary.problem(Problem {
                    path: self
                        .kindex
                        .path
                        .join(boilerplate::FILE_NAME)
                        .display()
                        .to_string(),
                    reason: format!("learned boilerplate not saved: {e}"),
                    kind: ProblemKind::Warning,
                });
            }
        }
        Ok(summary)
    }

    /// A line whose `id` is already indexed replaces it; identical lines are skipped; within
    /// one stream the later line with an id wins.
    fn update_stream(
        &mut self,
        stream: &mut JsonLines,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<Summary> {
        let mut summary = Summary::default();
        let (state, data_changed) = self.indexed_state()?;
        progress(Progress::Start(0));
        let (pipe, opts) = (&self.pipe, &self.opts);
        let mut committer = commit::Committer::new(
            &self.kindex,
            &mut self.writer,
            &pipe.res.fingerprint,
            &self.log,
            opts.commit_every,
        );
        let mut records = sources::Records::new(stream, &state, data_changed);
        // Results arrive in any order: a line is written only if no later line with the same
        // id was written before it.
        let mut written: HashMap<String, usize> = HashMap::new();
        workers::run(
            workers::thread_count(opts.threads),
            &mut records,
            |record| sources::prepare_record(pipe, record),
            |(seq, article)| {
                progress(Progress::Advance);
                if written.get(&article.key).is_some_and(|&w| w > seq) {
                    return Ok(());
                }
                let existed =
                    state.contains_key(&article.key) || written.contains_key(&article.key);
                written.insert(article.key.clone(), seq);
                summary.bytes += article.body.len() as u64;
                let result = committer.replace_article(&article);
                if existed {
                    summary.updated += 1;
                } else {
                    summary.added += 1;
                }
                result
            },
        )?;
        if let Some(e) = records.error.take() {
            return Err(e);
        }
        summary.unchanged += records.unchanged;
        for p in std::mem::take(&mut records.problems) {
            summary.problem(p);
        }
        committer.commit()?;
        Ok(summary)
    }
}

/// Why [`open_or_build`] builds the index before opening it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuildReason {
    /// There is no index yet.
    Missing,
    /// The index was made by an incompatible kpolicy (`found` is its format); it is rebuilt.
    Incompatible { found: String },
}

/// What [`open_or_build`] does when the index is missing or incompatible.
#[derive(Debug, Clone, Copy)]
pub enum OnMissing<'p> {
    /// Return the error ([`Error::NoIndex`], [`Error::Incompatible`]).
    Fail,
    /// Build it from this folder of articles first, so that searching works from a fresh
    /// checkout and after an upgrade.
    Build { documents: &'p Path },
}

/// Opens the index at `path` for searching, building it first as `on_missing` says. `before`
/// hears why a build starts (it can take a while); the build's summary is returned with the
/// index.
pub fn open_or_build(
    path: &Path,
    on_missing: OnMissing,
    analyzer: &Analyzer,
    res: &Resources,
    before: &mut dyn FnMut(&BuildReason),
) -> Result<(KIndex, Option<Summary>)> {
    let (documents, reason) = match (KIndex::open(path, analyzer), on_missing) {
        (Err(Error::NoIndex(_)), OnMissing::Build { documents }) => {
            (documents, BuildReason::Missing)
        }
        (Err(Error::Incompatible { found, .. }), OnMissing::Build { documents }) => {
            (documents, BuildReason::Incompatible { found })
        }
        (other, _) => return other.map(|k| (k, None)),
    };
    before(&reason);
    let opts = Options {
        rebuild: matches!(reason, BuildReason::Incompatible { .. }),
        ..Options::default()
    };
    let mut indexer = Indexer::open(path, analyzer, res, &opts)?;
    let summary = indexer.update(Source::Folders(&[documents.to_path_buf()]), &mut |_| {})?;
    Ok((indexer.finish()?, Some(summary)))
}
