//! Incremental, idempotent, crash-safe index updates.
//!
//! A run compares what is on disk with what the index holds (`file_key` → content hash, with
//! mtime + size as a fast pre-check), analyses only new or changed inputs on all cores, deletes
//! and re-adds a changed input's documents in one commit, and removes documents of inputs that
//! are gone. It commits every [`COMMIT_EVERY_DOCS`] documents or [`COMMIT_EVERY`], so a killed
//! run keeps what it committed and the next run converges: every input has exactly its own
//! documents, none duplicated, none lost.

use std::collections::{HashMap, HashSet};
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::Serialize;
use tantivy::{IndexWriter, Term};

use super::{now_secs, CommitInfo, FileState, KDoc, KIndex, INDEX_FORMAT, KEY_SEP};
use crate::data::Resources;
use crate::error::{Error, Result};
use crate::ingest::boilerplate::{self, Learned};
use crate::ingest::Pipeline;
use crate::ingest::{self, Article, ArticleIds, FoundFile, Problem, ProblemKind, RawArticle};

/// Documents between two commits: a kill loses at most this much work.
pub const COMMIT_EVERY_DOCS: usize = 5000;
/// Time between two commits during a long run.
pub const COMMIT_EVERY: Duration = Duration::from_secs(20);
/// Analysed articles waiting for the writer; bounds memory when analysis outruns indexing.
const QUEUE_DEPTH: usize = 256;

/// Options of an update run.
#[derive(Debug, Clone)]
pub struct UpdateOptions {
    pub keep_deleted: bool,
    pub max_file_bytes: u64,
    /// Analysis threads (0 = one per core).
    pub threads: usize,
    /// Documents between two commits.
    pub commit_every: usize,
}

impl Default for UpdateOptions {
    fn default() -> Self {
        UpdateOptions {
            keep_deleted: false,
            max_file_bytes: ingest::DEFAULT_MAX_FILE_BYTES,
            threads: 0,
            commit_every: COMMIT_EVERY_DOCS,
        }
    }
}

/// What a run did.
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
}

/// Progress events for a progress bar.
#[derive(Debug, Clone, Copy)]
pub enum Progress {
    /// Inputs that need analysis.
    Start(u64),
    /// One more input done.
    Advance,
}

/// One unit of work: an input to (re)analyse.
struct Job {
    file: FoundFile,
    file_key: String,
    existed: bool,
    /// Re-extract even if the content is unchanged: the folder's learned boilerplate changed.
    force: bool,
}

/// Result of a job.
struct Done {
    file_key: String,
    existed: bool,
    outcome: std::result::Result<(Vec<Article>, Vec<Problem>), Problem>,
    mtime: u64,
    size: u64,
}

/// What the index holds per file, and whether the data files (gazetteer, taxonomy …) changed
/// since the last commit, in which case every article is extracted again.
fn indexed_state(kindex: &KIndex, pipe: &Pipeline) -> Result<(HashMap<String, FileState>, bool)> {
    let state = kindex.file_state()?;
    let data_changed = kindex
        .commit_info()?
        .is_some_and(|i| i.data != pipe.res.fingerprint);
    Ok((state, data_changed))
}

/// Updates the index from corpus folders. `writer` is held by the caller (watch mode keeps one).
pub fn update_dirs(
    kindex: &KIndex,
    writer: &mut IndexWriter<KDoc>,
    roots: &[PathBuf],
    pipe: &Pipeline,
    opts: &UpdateOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<Summary> {
    let started = Instant::now();
    let mut summary = Summary::default();
    let (state, data_changed) = indexed_state(kindex, pipe)?;

    let mut jobs = Vec::new();
    let mut unchanged: HashMap<String, FoundFile> = HashMap::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut root_prefixes = Vec::new();
    let mut unreadable: Vec<String> = Vec::new();
    for root in roots {
        let canon = root.canonicalize().map_err(|e| Error::File {
            path: root.clone(),
            source: e,
        })?;
        if !canon.is_dir() {
            return Err(Error::Usage(format!(
                "{} is not a folder; pass a folder of articles, or --jsonl FILE",
                root.display()
            )));
        }
        let prefix = format!("{}{KEY_SEP}", canon.display());
        root_prefixes.push(prefix.clone());
        let (files, problems) = ingest::walk(root);
        for p in problems {
            // Whatever lies under a path the walk could not read is kept in the index: a
            // folder that is unreadable today is not a folder whose articles were deleted.
            if let Ok(rel) = Path::new(&p.path).strip_prefix(root) {
                if let Some(rel) = rel.to_str() {
                    unreadable.push(format!("{prefix}{}", rel.replace('\\', "/")));
                }
            }
            summary.problem(p);
        }
        for file in files {
            let file_key = format!("{prefix}{}", file.rel);
            seen.insert(file_key.clone());
            let old = state.get(&file_key);
            if let Some(old) = old {
                if !data_changed && old.mtime == file.mtime && old.size == file.size {
                    summary.unchanged += 1;
                    unchanged.insert(file_key, file);
                    continue;
                }
            }
            jobs.push(Job {
                existed: old.is_some(),
                file,
                file_key,
                force: false,
            });
        }
    }

    let shielded = |key: &str| {
        unreadable
            .iter()
            .any(|u| key == u || key.starts_with(&format!("{u}/")))
    };
    let gone: Vec<String> = if opts.keep_deleted {
        Vec::new()
    } else {
        state
            .keys()
            .filter(|k| root_prefixes.iter().any(|p| k.starts_with(p.as_str())))
            .filter(|k| !seen.contains(*k) && !shielded(k))
            .cloned()
            .collect()
    };
    let learned = if jobs.is_empty() && gone.is_empty() {
        None
    } else {
        let mut learned = if state.is_empty() {
            Learned::default()
        } else {
            Learned::load(&kindex.path)
        };
        let forced = learn_boilerplate(&mut learned, &jobs, &mut unchanged, &gone, opts);
        summary.unchanged -= forced.len();
        jobs.extend(forced);
        Some(learned)
    };
    let no_table = Learned::default();

    progress(Progress::Start(jobs.len() as u64));
    let mut committer = Committer::new(pipe.res, opts.commit_every);
    let table = learned.as_ref().unwrap_or(&no_table);
    run_jobs(jobs, &state, data_changed, pipe, opts, table, |done| {
        progress(Progress::Advance);
        apply(kindex, writer, done, &mut summary, &mut committer)
            .map_err(|e| write_error(kindex, e))
    })?;

    for key in &gone {
        writer.delete_term(Term::from_field_text(kindex.fields.file_key, key));
        summary.removed += 1;
        committer.pending += 1;
    }
    committer
        .commit(writer)
        .map_err(|e| write_error(kindex, e))?;
    if let Some(learned) = &learned {
        // After the commit: a kill in between leaves a table that is learned again from the
        // files that change next; the index itself is complete.
        if let Err(e) = learned.save(&kindex.path) {
            summary.problem(Problem {
                path: kindex
                    .path
                    .join(boilerplate::FILE_NAME)
                    .display()
                    .to_string(),
                reason: format!("learned boilerplate not saved: {e}"),
                kind: ProblemKind::Warning,
            });
        }
    }
    finish(kindex, &mut summary, started)?;
    Ok(summary)
}

/// Updates the learned-boilerplate table with the files this run reads and the files that are
/// gone, and returns jobs for unchanged files that must be extracted again because a line
/// they hold became boilerplate (or stopped being it) in their folder. Unchanged files the
/// table does not know yet (an index from before the table) are read and learned too.
fn learn_boilerplate(
    learned: &mut Learned,
    jobs: &[Job],
    unchanged: &mut HashMap<String, FoundFile>,
    gone: &[String],
    opts: &UpdateOptions,
) -> Vec<Job> {
    use rayon::prelude::*;
    let mut to_read: Vec<(&str, &Path)> = jobs
        .iter()
        .map(|j| (j.file_key.as_str(), j.file.path.as_path()))
        .collect();
    to_read.extend(
        unchanged
            .iter()
            .filter(|(k, _)| !learned.knows(k))
            .map(|(k, f)| (k.as_str(), f.path.as_path())),
    );
    let gone: HashSet<&str> = gone.iter().map(String::as_str).collect();
    let stale: Vec<String> = learned
        .docs()
        .filter(|d| gone.contains(d))
        .map(str::to_string)
        .collect();
    let groups: HashSet<String> = to_read
        .iter()
        .map(|(k, _)| boilerplate::group_of(k).to_string())
        .chain(stale.iter().map(|k| boilerplate::group_of(k).to_string()))
        .collect();
    let before: HashMap<&str, HashSet<u64>> = groups
        .iter()
        .map(|g| (g.as_str(), learned.boilerplate(g)))
        .collect();
    let read: Vec<(String, Vec<u64>)> = to_read
        .par_iter()
        .map(|&(key, path)| {
            let keys = match ingest::read_file(path, opts.max_file_bytes) {
                Ok((raws, _, _)) => {
                    let mut all: Vec<u64> = raws
                        .iter()
                        .flat_map(|r| boilerplate::candidates(&r.text))
                        .collect();
                    all.sort_unstable();
                    all.dedup();
                    all
                }
                Err(_) => Vec::new(),
            };
            (key.to_string(), keys)
        })
        .collect();
    for k in &stale {
        learned.remove(k);
    }
    for (key, keys) in read {
        learned.set(&key, keys);
    }
    let mut forced = Vec::new();
    for g in &groups {
        let after = learned.boilerplate(g);
        let changed: HashSet<u64> = after
            .symmetric_difference(&before[g.as_str()])
            .copied()
            .collect();
        if changed.is_empty() {
            continue;
        }
        for doc in learned.docs_with(g, &changed) {
            if let Some(file) = unchanged.remove(&doc) {
                forced.push(Job {
                    file,
                    file_key: doc,
                    existed: true,
                    force: true,
                });
            }
        }
    }
    forced
}

/// An error from the writer, said with the index path and the likely cause.
fn write_error(kindex: &KIndex, e: Error) -> Error {
    match e {
        Error::Index(t) => {
            let mut reason = t.to_string();
            if reason.contains("killed") {
                // tantivy only says that a worker thread stopped; the cause is a failed write.
                reason = "an indexing thread could not write (disk full or read-only folder?)"
                    .to_string();
            }
            Error::IndexWrite {
                path: kindex.path.clone(),
                reason,
            }
        }
        Error::Io(io) => Error::IndexWrite {
            path: kindex.path.clone(),
            reason: io.to_string(),
        },
        other => other,
    }
}

/// Ingests a JSON-lines stream (`-` = stdin). A line whose `id` is already indexed replaces it;
/// identical lines are skipped; within one stream the later line with an id wins.
///
/// Three stages run at once: this thread's helper reads and parses lines, one worker per core
/// analyses them, and this thread writes the documents, so no core waits for a batch.
pub fn update_jsonl(
    kindex: &KIndex,
    writer: &mut IndexWriter<KDoc>,
    input: &mut (dyn BufRead + Send),
    name: &str,
    pipe: &Pipeline,
    commit_every: usize,
    progress: &mut dyn FnMut(Progress),
) -> Result<Summary> {
    let started = Instant::now();
    let mut summary = Summary::default();
    let (state, data_changed) = indexed_state(kindex, pipe)?;
    let mut committer = Committer::new(pipe.res, commit_every);
    let threads = thread_count(0);
    progress(Progress::Start(0));

    /// A parsed line waiting for analysis: sequence number, article, key, hash.
    type Work = (usize, RawArticle, String, String);
    let (work_tx, work_rx) = mpsc::sync_channel::<Work>(QUEUE_DEPTH);
    let work_rx = Mutex::new(work_rx);
    let (done_tx, done_rx) = mpsc::sync_channel::<(usize, Article)>(QUEUE_DEPTH);
    let state = &state;

    let result: Result<(usize, Vec<Problem>)> = std::thread::scope(|s| {
        // Reader: parse lines, skip what the index already holds.
        let reader = s.spawn(move || -> Result<(usize, Vec<Problem>)> {
            let mut unchanged = 0;
            let mut problems = Vec::new();
            let mut buf = String::new();
            let mut line_no = 0usize;
            loop {
                buf.clear();
                let n = input.read_line(&mut buf).map_err(|e| Error::File {
                    path: PathBuf::from(name),
                    source: e,
                })?;
                if n == 0 {
                    break;
                }
                line_no += 1;
                let line = buf.trim_end_matches(['\n', '\r']);
                if line.trim().is_empty() {
                    continue;
                }
                match parse_line(line, line_no) {
                    Ok(raw) => {
                        let id = raw.supplied.id.clone().unwrap_or_default();
                        let key = format!("jsonl{KEY_SEP}{id}");
                        let hash = blake3::hash(line.as_bytes()).to_hex()[..32].to_string();
                        if !data_changed && state.get(&key).is_some_and(|old| old.hash == hash) {
                            unchanged += 1;
                            continue;
                        }
                        if work_tx.send((line_no, raw, key, hash)).is_err() {
                            break;
                        }
                    }
                    Err(reason) => problems.push(Problem {
                        path: format!("{name}:{line_no}"),
                        reason,
                        kind: ProblemKind::Warning,
                    }),
                }
            }
            Ok((unchanged, problems))
        });
        // Analysers.
        for _ in 0..threads {
            let work_rx = &work_rx;
            let done_tx = done_tx.clone();
            s.spawn(move || loop {
                let next = match work_rx.lock() {
                    Ok(rx) => rx.recv(),
                    Err(_) => break,
                };
                let Ok((seq, raw, key, hash)) = next else {
                    break;
                };
                let ids = ArticleIds {
                    id: raw.supplied.id.clone().unwrap_or_default(),
                    key: key.clone(),
                    file_key: key,
                    path: format!("{name}:{}", raw.line.unwrap_or(0)),
                    hash,
                };
                if done_tx.send((seq, pipe.prepare(&raw, ids))).is_err() {
                    break;
                }
            });
        }
        drop(done_tx);
        // Writer (this thread). Results arrive in any order: a line is written only if no
        // later line with the same id was written before it.
        let mut written: HashMap<String, usize> = HashMap::new();
        let mut outcome = Ok(());
        for (seq, article) in done_rx {
            if outcome.is_err() {
                continue;
            }
            progress(Progress::Advance);
            if written.get(&article.key).is_some_and(|&w| w > seq) {
                continue;
            }
            let existed = state.contains_key(&article.key) || written.contains_key(&article.key);
            written.insert(article.key.clone(), seq);
            summary.bytes += article.body.len() as u64;
            writer.delete_term(Term::from_field_text(kindex.fields.key, &article.key));
            outcome = writer
                .add_document(kindex.document(&article, 0, 0))
                .map(|_| ())
                .map_err(|e| write_error(kindex, e.into()))
                .and_then(|_| {
                    committer.pending += 1;
                    committer
                        .maybe_commit(writer)
                        .map_err(|e| write_error(kindex, e))
                });
            if existed {
                summary.updated += 1;
            } else {
                summary.added += 1;
            }
        }
        outcome?;
        reader
            .join()
            .unwrap_or_else(|_| Err(Error::Usage("the JSON-lines reader stopped".into())))
    });
    let (unchanged, problems) = result?;
    summary.unchanged += unchanged;
    for p in problems {
        summary.problem(p);
    }
    committer
        .commit(writer)
        .map_err(|e| write_error(kindex, e))?;
    finish(kindex, &mut summary, started)?;
    Ok(summary)
}

fn parse_line(line: &str, line_no: usize) -> std::result::Result<RawArticle, String> {
    let value: serde_json::Value =
        serde_json::from_str(line).map_err(|e| format!("invalid JSON: {e}"))?;
    let raw = ingest::input::article_from_json(&value, Some(line_no))?;
    if raw.supplied.id.is_none() {
        return Err("no `id` field (needed to replace the article later)".into());
    }
    Ok(raw)
}

fn thread_count(requested: usize) -> usize {
    if requested > 0 {
        return requested;
    }
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}

/// Runs jobs on worker threads and hands results to `apply` on this thread, in any order.
fn run_jobs(
    jobs: Vec<Job>,
    state: &HashMap<String, FileState>,
    data_changed: bool,
    pipe: &Pipeline,
    opts: &UpdateOptions,
    learned: &Learned,
    mut apply: impl FnMut(Done) -> Result<()>,
) -> Result<()> {
    if jobs.is_empty() {
        return Ok(());
    }
    let threads = thread_count(opts.threads).min(jobs.len());
    let queue = Mutex::new(jobs.into_iter());
    let (tx, rx) = mpsc::sync_channel::<Done>(QUEUE_DEPTH);
    std::thread::scope(|s| {
        for _ in 0..threads {
            let tx = tx.clone();
            let queue = &queue;
            s.spawn(move || loop {
                let job = match queue.lock() {
                    Ok(mut q) => q.next(),
                    Err(_) => None,
                };
                let Some(job) = job else { break };
                let done = process(job, state, data_changed, pipe, opts, learned);
                if tx.send(done).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        let mut result = Ok(());
        for done in rx {
            if result.is_ok() {
                result = apply(done);
            }
            // After an error keep draining so workers can finish.
        }
        result
    })
}

/// Reads, hashes and analyses one input file.
fn process(
    job: Job,
    state: &HashMap<String, FileState>,
    data_changed: bool,
    pipe: &Pipeline,
    opts: &UpdateOptions,
    learned: &Learned,
) -> Done {
    let Job {
        file,
        file_key,
        existed,
        force,
    } = job;
    let outcome = match ingest::read_file(&file.path, opts.max_file_bytes) {
        Err(p) => Err(p),
        Ok((mut raws, problems, hash)) => {
            let group = boilerplate::group_of(&file_key);
            for raw in &mut raws {
                raw.supplied.drop_lines = learned.lines_to_drop(group, &raw.text);
            }
            if !force && !data_changed && state.get(&file_key).is_some_and(|s| s.hash == hash) {
                // Touched but identical: nothing to analyse.
                Ok((Vec::new(), problems))
            } else {
                let many = raws.len() > 1
                    || file
                        .path
                        .extension()
                        .is_some_and(|e| e == "json" || e == "jsonl" || e == "ndjson");
                let articles = raws
                    .iter()
                    .enumerate()
                    .map(|(n, raw)| {
                        let (id, key) = if many {
                            let rid = raw
                                .supplied
                                .id
                                .clone()
                                .unwrap_or_else(|| (n + 1).to_string());
                            (format!("{}#{rid}", file.rel), format!("{file_key}#{rid}"))
                        } else {
                            (file.rel.clone(), file_key.clone())
                        };
                        let ids = ArticleIds {
                            id,
                            key,
                            file_key: file_key.clone(),
                            path: file.path.display().to_string(),
                            hash: hash.clone(),
                        };
                        pipe.prepare(raw, ids)
                    })
                    .collect();
                Ok((articles, problems))
            }
        }
    };
    Done {
        file_key,
        existed,
        outcome,
        mtime: file.mtime,
        size: file.size,
    }
}

/// Applies one result to the writer.
fn apply(
    kindex: &KIndex,
    writer: &mut IndexWriter<KDoc>,
    done: Done,
    summary: &mut Summary,
    committer: &mut Committer,
) -> Result<()> {
    match done.outcome {
        Err(p) => {
            // The old documents (if any) stay: nothing already indexed is lost.
            summary.problem(p);
        }
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
            writer.delete_term(Term::from_field_text(
                kindex.fields.file_key,
                &done.file_key,
            ));
            for a in &articles {
                summary.bytes += a.body.len() as u64;
                writer.add_document(kindex.document(a, done.mtime, done.size))?;
                committer.pending += 1;
            }
            if done.existed {
                summary.updated += 1;
            } else {
                summary.added += 1;
            }
            committer.maybe_commit(writer)?;
        }
    }
    Ok(())
}

/// Commits with the kpolicy payload, periodically.
struct Committer {
    data: String,
    every: usize,
    pending: usize,
    last: Instant,
}

impl Committer {
    fn new(res: &Resources, every: usize) -> Self {
        Committer {
            data: res.fingerprint.clone(),
            every: every.max(1),
            pending: 0,
            last: Instant::now(),
        }
    }

    fn maybe_commit(&mut self, writer: &mut IndexWriter<KDoc>) -> Result<()> {
        if self.pending >= self.every || self.last.elapsed() >= COMMIT_EVERY {
            self.commit(writer)?;
        }
        Ok(())
    }

    fn commit(&mut self, writer: &mut IndexWriter<KDoc>) -> Result<()> {
        let info = CommitInfo {
            format: INDEX_FORMAT.to_string(),
            data: self.data.clone(),
            updated: now_secs(),
        };
        let payload = serde_json::to_string(&info)?;
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(&payload);
        prepared.commit()?;
        self.pending = 0;
        self.last = Instant::now();
        Ok(())
    }
}

fn finish(kindex: &KIndex, summary: &mut Summary, started: Instant) -> Result<()> {
    let reader = kindex.reader()?;
    summary.documents = reader.searcher().num_docs();
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(())
}

/// Convenience: opens (or creates) the index at `index_path` and updates it from `roots`.
pub fn index_folders(
    index_path: &Path,
    roots: &[PathBuf],
    pipe: &Pipeline,
    opts: &UpdateOptions,
    rebuild: bool,
    writer_memory: usize,
    progress: &mut dyn FnMut(Progress),
) -> Result<Summary> {
    let kindex = KIndex::open_or_create(index_path, pipe.analyzer, rebuild)?;
    let mut writer = kindex.writer(writer_memory)?;
    let summary = update_dirs(&kindex, &mut writer, roots, pipe, opts, progress)?;
    writer.wait_merging_threads()?;
    Ok(summary)
}
