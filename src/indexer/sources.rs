//! Where articles come from, and the rules that name them.
//!
//! Two sources feed the indexer: folders of article files ([`Source::Folders`]) and a JSON-lines
//! stream ([`Source::JsonLines`], a file or standard input). Each article gets an id (shown to
//! users), a key (unique in the index) and the key of its input (replaced and removed as a
//! whole); those rules live here, next to [`inspect`], which shows an article as the indexer
//! would store it.

use std::collections::HashMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};

use crate::article::file_article_id;
use crate::error::{Error, Result};
use crate::index::{FileState, KEY_SEP};
use crate::ingest::clean::boilerplate::{self, Learned};
use crate::ingest::{self, Article, ArticleIds, Pipeline, Problem, ProblemKind, RawArticle};

use super::plan::Job;

/// What an update reads.
pub enum Source<'s> {
    /// Folders of article files: new and changed files are analysed, deleted ones leave the
    /// index (unless `keep_deleted`). Several folders can feed one index.
    Folders(&'s [PathBuf]),
    /// One article per line; a line whose `id` is already indexed replaces that article.
    JsonLines(JsonLines),
}

/// An open JSON-lines input.
pub struct JsonLines {
    input: Box<dyn BufRead + Send>,
    name: String,
}

impl JsonLines {
    /// Opens `path`, or standard input for `-`. Open it before the index: a wrong path must not
    /// create an index.
    pub fn open(path: &Path) -> Result<JsonLines> {
        if path == Path::new("-") {
            return Ok(JsonLines::from_reader(
                Box::new(std::io::BufReader::new(std::io::stdin())),
                "stdin",
            ));
        }
        let file = std::fs::File::open(path).map_err(|e| Error::File {
            path: path.to_path_buf(),
            source: e,
        })?;
        Ok(JsonLines::from_reader(
            Box::new(std::io::BufReader::new(file)),
            &path.display().to_string(),
        ))
    }

    /// A stream read from `input`, named `name` in ids and messages (`name:line`).
    pub fn from_reader(input: Box<dyn BufRead + Send>, name: &str) -> JsonLines {
        JsonLines {
            input,
            name: name.to_string(),
        }
    }
}

/// Ids of the `n`-th (0-based) of `count` articles of a file found under a folder (the id rule
/// is [`file_article_id`]); its key is the same id under the folder's key.
fn file_article_ids(job: &Job, raw: &RawArticle, n: usize, count: usize, hash: &str) -> ArticleIds {
    let supplied = raw.supplied.id.as_deref();
    let id = file_article_id(&job.file.rel, supplied, raw.line.unwrap_or(n + 1), count);
    let key = format!("{}{}", job.file_key, &id[job.file.rel.len()..]);
    ArticleIds {
        id,
        key,
        file_key: job.file_key.clone(),
        path: job.file.path.display().to_string(),
        hash: hash.to_string(),
    }
}

/// Ids of a JSON-lines record read from `line` of the stream `name`: its `id`, keyed
/// `jsonl\u{1f}<id>` across all streams, shown as `name:line`, and the hash of the line (a
/// re-run skips a record whose key and hash are indexed already).
pub fn record_ids(raw: &RawArticle, line: &str, name: &str) -> ArticleIds {
    let id = raw.supplied.id.clone().unwrap_or_default();
    let key = format!("jsonl{KEY_SEP}{id}");
    ArticleIds {
        id,
        file_key: key.clone(),
        key,
        path: format!("{name}:{}", raw.line.unwrap_or(0)),
        hash: blake3::hash(line.as_bytes()).to_hex()[..32].to_string(),
    }
}

/// What a worker made of one file.
pub(super) struct FileDone {
    pub file_key: String,
    pub existed: bool,
    /// The articles (none when the content hash is unchanged) and partial problems, or the
    /// reason the whole file was skipped.
    pub outcome: std::result::Result<(Vec<Article>, Vec<Problem>), Problem>,
    pub mtime: u64,
    pub size: u64,
}

/// Reads, hashes and analyses one file, dropping the lines `learned` holds as boilerplate of
/// its folder.
pub(super) fn read_file(
    job: Job,
    state: &HashMap<String, FileState>,
    data_changed: bool,
    pipe: &Pipeline,
    max_file_bytes: u64,
    learned: &Learned,
) -> FileDone {
    let outcome = match ingest::read_file(&job.file.path, max_file_bytes) {
        Err(p) => Err(p),
        Ok((mut raws, problems, hash)) => {
            let group = boilerplate::group_of(&job.file_key);
            for raw in &mut raws {
                raw.supplied.drop_lines = learned.lines_to_drop(group, &raw.text);
            }
            if !job.force
                && !data_changed
                && state.get(&job.file_key).is_some_and(|s| s.hash == hash)
            {
                // Touched but identical: nothing to analyse.
                Ok((Vec::new(), problems))
            } else {
                let count = raws.len();
                let articles = raws
                    .iter()
                    .enumerate()
                    .map(|(n, raw)| pipe.prepare(raw, file_article_ids(&job, raw, n, count, &hash)))
                    .collect();
                Ok((articles, problems))
            }
        }
    };
    FileDone {
        existed: job.existed,
        mtime: job.file.mtime,
        size: job.file.size,
        file_key: job.file_key,
        outcome,
    }
}

/// A JSON-lines record waiting for analysis: sequence number, article, key, hash.
pub(super) type Record = (usize, RawArticle, ArticleIds);

/// The records of a JSON-lines stream that need analysis, read a line at a time. Lines the
/// index holds with the same content are counted, not returned; bad lines become warnings; a
/// read error ends the stream and is kept in `error`.
pub(super) struct Records<'a> {
    stream: &'a mut JsonLines,
    state: &'a HashMap<String, FileState>,
    data_changed: bool,
    buf: String,
    line_no: usize,
    pub unchanged: usize,
    pub problems: Vec<Problem>,
    pub error: Option<Error>,
}

impl<'a> Records<'a> {
    pub fn new(
        stream: &'a mut JsonLines,
        state: &'a HashMap<String, FileState>,
        data_changed: bool,
    ) -> Self {
        Records {
            stream,
            state,
            data_changed,
            buf: String::new(),
            line_no: 0,
            unchanged: 0,
            problems: Vec::new(),
            error: None,
        }
    }
}

impl Iterator for Records<'_> {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        while self.error.is_none() {
            self.buf.clear();
            match self.stream.input.read_line(&mut self.buf) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(e) => {
                    self.error = Some(Error::File {
                        path: PathBuf::from(&self.stream.name),
                        source: e,
                    });
                    return None;
                }
            }
            self.line_no += 1;
            let line = self.buf.trim_end_matches(['\n', '\r']);
            if line.trim().is_empty() {
                continue;
            }
            match parse_line(line, self.line_no) {
                Ok(raw) => {
                    let ids = record_ids(&raw, line, &self.stream.name);
                    if !self.data_changed
                        && self.state.get(&ids.key).is_some_and(|o| o.hash == ids.hash)
                    {
                        self.unchanged += 1;
                        continue;
                    }
                    return Some((self.line_no, raw, ids));
                }
                Err(reason) => self.problems.push(Problem {
                    path: format!("{}:{}", self.stream.name, self.line_no),
                    reason,
                    kind: ProblemKind::Warning,
                }),
            }
        }
        None
    }
}

/// Turns a record into an article (on a worker).
pub(super) fn prepare_record(pipe: &Pipeline, record: Record) -> (usize, Article) {
    let (seq, raw, ids) = record;
    (seq, pipe.prepare(&raw, ids))
}

fn parse_line(line: &str, line_no: usize) -> std::result::Result<RawArticle, String> {
    let raw = ingest::read::input::parse_jsonl_line(line, line_no)?;
    if raw.supplied.id.is_none() {
        return Err("no `id` field (needed to replace the article later)".into());
    }
    Ok(raw)
}

/// The articles of one file as `kpolicy inspect` shows them: what the indexer would extract,
/// named by the path as given, by the same rule as the indexer ([`file_article_id`]), with the
/// lines `learned` holds as boilerplate of the file's folder dropped (see
/// [`learn_beside`]). `Err` is the reason the whole file could not be read; the problems are
/// partial failures.
pub fn inspect(
    path: &Path,
    pipe: &Pipeline,
    learned: &Learned,
) -> std::result::Result<(Vec<Article>, Vec<Problem>), Problem> {
    let (mut raws, problems, hash) = ingest::read_file(path, ingest::DEFAULT_MAX_FILE_BYTES)?;
    let key = boilerplate::folder_key(path);
    for raw in &mut raws {
        raw.supplied.drop_lines = learned.lines_to_drop(boilerplate::group_of(&key), &raw.text);
    }
    let rel = path.display().to_string();
    let articles = raws
        .iter()
        .enumerate()
        .map(|(n, raw)| {
            let ids = ArticleIds {
                id: file_article_id(
                    &rel,
                    raw.supplied.id.as_deref(),
                    raw.line.unwrap_or(n + 1),
                    raws.len(),
                ),
                key: String::new(),
                file_key: String::new(),
                path: rel.clone(),
                hash: hash.clone(),
            };
            pipe.prepare(raw, ids)
        })
        .collect();
    Ok((articles, problems))
}

/// What `kpolicy index` would learn as boilerplate in the folders of `files`, learned from the
/// article files beside them, for [`inspect`] when there is no index to ask.
pub fn learn_beside(files: &[PathBuf]) -> Learned {
    let files: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    boilerplate::learn_folders(&files, ingest::DEFAULT_MAX_FILE_BYTES)
}
