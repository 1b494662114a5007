//! Files → articles with metadata.
//!
//! `walk` finds candidate files under a corpus root; `read_file` turns one file into raw
//! articles: its [`Format`] reads the bytes as text (`decode`) and splits the text into
//! articles (`input`: front matter, JSON). [`Pipeline::prepare`] then cleans an article
//! (`clean`), analyses it once and extracts its metadata (`extract`), producing both the index
//! terms and the metadata. Nothing here touches the index.

pub mod clean;
mod extract;
pub mod read;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::analysis::{Analysis, Analyzer, Term};
use crate::article::Metadata;
pub use crate::article::{Article, ArticleIds};
use crate::data::Resources;
pub use read::input::{RawArticle, Supplied};
pub use read::Format;

/// Default largest file read (bytes). Larger files are skipped with a reason; `--max-size`
/// changes it. Big dumps are usually logs or exports, not articles, and a single 100 MB text
/// would hold the writer's memory for nothing.
pub(crate) const DEFAULT_MAX_FILE_BYTES: u64 = 20 * MB;

/// A megabyte as kpolicy counts it in flags and messages (decimal, like `ls -h --si`).
pub(crate) const MB: u64 = 1_000_000;

/// One skipped or failed input, with a reason for the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub path: String,
    pub reason: String,
    /// `skipped` (not an article: wrong type, empty, binary, too big) or `failed` (an article
    /// that could not be read) or `warning` (indexed, but part of the input was ignored).
    pub kind: ProblemKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ProblemKind {
    Skipped,
    Failed,
    Warning,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.reason)
    }
}

/// A file found by [`walk`].
#[derive(Debug, Clone)]
pub(crate) struct FoundFile {
    pub(crate) path: PathBuf,
    /// Path relative to the root with `/` separators: the article id.
    pub(crate) rel: String,
    pub(crate) size: u64,
    pub(crate) mtime: u64,
}

/// Walks `root` for article files. Returns the files and the problems met on the way (unreadable
/// entries, symlink loops, non-UTF-8 names, unsupported types).
pub(crate) fn walk(root: &Path) -> (Vec<FoundFile>, Vec<Problem>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let walker = walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e
                    .path()
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|| root.display().to_string());
                let reason = if e.loop_ancestor().is_some() {
                    "symbolic link loop".to_string()
                } else if let Some(io) = e.io_error() {
                    if io.kind() == std::io::ErrorKind::NotFound {
                        "broken symbolic link".to_string()
                    } else {
                        io.to_string()
                    }
                } else {
                    e.to_string()
                };
                problems.push(Problem {
                    path,
                    reason,
                    kind: ProblemKind::Skipped,
                });
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path().to_path_buf();
        let Ok(rel_path) = path.strip_prefix(root) else {
            continue;
        };
        let Some(rel) = rel_path.to_str() else {
            problems.push(Problem {
                path: path.display().to_string(),
                reason: "file name is not valid UTF-8".into(),
                kind: ProblemKind::Skipped,
            });
            continue;
        };
        let rel = rel.replace('\\', "/");
        if Format::of(&path).is_none() {
            problems.push(Problem {
                path: path.display().to_string(),
                reason: Format::unsupported(),
                kind: ProblemKind::Skipped,
            });
            continue;
        }
        let (size, mtime) = match entry.metadata() {
            Ok(m) => (m.len(), mtime_of(&m)),
            Err(e) => {
                problems.push(Problem {
                    path: path.display().to_string(),
                    reason: e.to_string(),
                    kind: ProblemKind::Skipped,
                });
                continue;
            }
        };
        files.push(FoundFile {
            path,
            rel,
            size,
            mtime,
        });
    }
    (files, problems)
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|s| s.starts_with('.'))
}

/// Modification time in nanoseconds since the epoch (0 when unknown).
fn mtime_of(m: &std::fs::Metadata) -> u64 {
    m.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0)
}

/// Reads one file into raw articles and the hash of its bytes. `Err` is a reason the whole file
/// was skipped; the problems list holds partial failures (bad JSON lines, broken front matter).
/// A file of no known format (named on the command line) is read as text.
pub(crate) fn read_file(
    path: &Path,
    max_bytes: u64,
) -> Result<(Vec<RawArticle>, Vec<Problem>, String), Problem> {
    let display = path.display().to_string();
    let skip = |reason: String| Problem {
        path: display.clone(),
        reason,
        kind: ProblemKind::Skipped,
    };
    let meta = std::fs::metadata(path).map_err(|e| skip(e.to_string()))?;
    if meta.len() > max_bytes {
        return Err(skip(format!(
            "{:.1} MB is over the size limit of {:.1} MB (--max-size)",
            meta.len() as f64 / MB as f64,
            max_bytes as f64 / MB as f64
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| Problem {
        path: display.clone(),
        reason: e.to_string(),
        kind: ProblemKind::Failed,
    })?;
    let hash = blake3::hash(&bytes).to_hex()[..32].to_string();
    let format = Format::detect(&bytes, path);
    let (articles, problems) = format.read(&bytes, path, &display)?;
    Ok((articles, problems, hash))
}

/// What cleaning keeps of an article's text (furniture lines, bylines, e-mail addresses gone):
/// the text that is analysed, indexed and snippeted, before learned boilerplate is dropped.
pub fn cleaned_text(text: &str, res: &Resources) -> String {
    clean::clean(text, res).text
}

/// Everything needed to turn raw articles into index-ready ones, prepared once: the analyzer,
/// the data files and the analysed industry keywords. Shared by all indexing threads.
pub struct Pipeline<'a> {
    pub(crate) analyzer: &'a Analyzer,
    pub(crate) res: &'a Resources,
    keywords: extract::Keywords,
}

impl<'a> Pipeline<'a> {
    pub fn new(analyzer: &'a Analyzer, res: &'a Resources) -> Pipeline<'a> {
        Pipeline {
            analyzer,
            res,
            keywords: extract::Keywords::new(analyzer, res),
        }
    }

    /// Cleans, analyses and extracts one article. Supplied metadata overrides extraction.
    pub fn prepare(&self, raw: &RawArticle, ids: ArticleIds) -> Article {
        prepare(raw, ids, self)
    }

    /// The cleaning step of [`Pipeline::prepare`] alone: the text without furniture lines and
    /// the lines learned as the folder's boilerplate, and what was removed (for `inspect`).
    pub fn clean(&self, raw: &RawArticle) -> (String, Vec<String>) {
        let cleaned = clean::clean(&raw.text, self.res);
        let mut removed = raw.supplied.removed.clone();
        removed.extend(cleaned.removed.iter().map(|l| format!("line: {l}")));
        let (cleaned, learned) =
            clean::boilerplate::drop_lines(&cleaned.text, &raw.supplied.drop_lines);
        removed.extend(
            learned
                .into_iter()
                .map(|l| format!("learned boilerplate (repeats across the folder): {l}")),
        );
        (cleaned, removed)
    }

    /// The fallback-word step of [`Pipeline::prepare`] alone: the words of the title and of
    /// the body (with its terms) that the terms would not find
    /// ([`Analyzer::fallback_words`]). The title is analysed here; its field is analysed by
    /// the same analyzer when the document is indexed.
    pub fn fallback_words(&self, title: &str, body: &str, body_terms: &[Term]) -> Vec<String> {
        let analyzer = self.analyzer;
        let mut words = analyzer.fallback_words(title, &analyzer.terms(title));
        words.extend(analyzer.fallback_words(body, body_terms));
        words
    }

    /// The extraction step of [`Pipeline::prepare`] alone: metadata of `raw` from its `cleaned`
    /// text and that text's `analysis`, `path` naming the input (dates can come from file
    /// names), before supplied values override it. Public for the per-stage benchmark
    /// (`benches/stages.rs`).
    pub fn extract(
        &self,
        raw: &RawArticle,
        cleaned: &str,
        analysis: &Analysis,
        path: &str,
    ) -> Metadata {
        let mut md = extract::extract(
            raw,
            cleaned,
            &analysis.morphemes,
            &analysis.terms,
            path,
            self.res,
            &self.keywords,
        );
        let s = &raw.supplied;
        // Only a source the document itself states (a press release's issuer) says who issued
        // it; a user's `source:` is the outlet they took it from.
        let stated_source = if s.evidence.contains_key("source") {
            s.source.as_deref()
        } else {
            None
        };
        extract::national::apply(&mut md, cleaned, stated_source, self.res);
        md
    }
}

fn prepare(raw: &RawArticle, ids: ArticleIds, pipe: &Pipeline) -> Article {
    let (analyzer, res) = (pipe.analyzer, pipe.res);
    let ArticleIds {
        id,
        key,
        file_key,
        path,
        hash,
    } = ids;
    let (cleaned, removed) = pipe.clean(raw);
    let analysis = analyzer.analyze(&cleaned);
    let mut md = pipe.extract(raw, &cleaned, &analysis, &path);
    let s = &raw.supplied;
    if let Some(t) = &s.title {
        md.title = t.clone();
        md.title_derived = false;
        md.evidence
            .insert("title".into(), stated(s, "title", "supplied"));
    }
    if let Some(d) = &s.date {
        match extract::parse_supplied_date(d) {
            Some((date, year)) => {
                md.date = date;
                md.year = Some(year);
                md.evidence
                    .insert("date".into(), stated(s, "date", &format!("supplied: {d}")));
            }
            None => {
                md.evidence.insert(
                    "date".into(),
                    format!(
                        "supplied date `{d}` is not a calendar date in {}–{}; extracted value kept",
                        extract::YEARS.start(),
                        extract::YEARS.end()
                    ),
                );
            }
        }
    }
    if let Some(r) = &s.region {
        let found = res.gazetteer.resolve(r);
        if r.trim_start_matches('/') == crate::index::NATIONWIDE {
            md.region = Some(crate::index::NATIONWIDE_PATH.to_string());
            md.evidence
                .insert("region".into(), format!("supplied: {r}"));
        } else if let Some(region) = found.first() {
            md.region = Some(region.path());
            if !md.mentioned_regions.contains(&region.path()) {
                md.mentioned_regions.insert(0, region.path());
            }
            md.evidence
                .insert("region".into(), format!("supplied: {r}"));
        } else {
            md.evidence.insert(
                "region".into(),
                format!("supplied region `{r}` is not in the gazetteer; extracted value kept"),
            );
        }
    }
    if let Some(list) = &s.industry {
        md.industry = list
            .iter()
            .map(|i| {
                res.taxonomy
                    .resolve(i)
                    .map(|ind| ind.name.clone())
                    .unwrap_or_else(|| i.clone())
            })
            .collect();
        md.evidence
            .insert("industry".into(), format!("supplied: {}", list.join(", ")));
    }
    if let Some(src) = &s.source {
        md.source = Some(src.clone());
        md.evidence
            .insert("source".into(), stated(s, "source", "supplied"));
    }
    // The headline is indexed in `title`; the body is what follows it, so a headline word
    // is not counted twice and snippets show article text.
    let mut body_start = md.body_start.min(cleaned.len());
    body_start += cleaned[body_start..].len() - cleaned[body_start..].trim_start().len();
    let body_text = cleaned[body_start..].to_string();
    let body_terms: Vec<Term> = analysis
        .terms
        .into_iter()
        .filter(|t| t.start >= body_start)
        .map(|mut t| {
            t.start -= body_start;
            t.end -= body_start;
            t
        })
        .collect();
    let fallback_words = pipe.fallback_words(&md.title, &body_text, &body_terms);
    Article {
        id,
        key,
        file_key,
        path,
        fallback_words,
        meta: md,
        url: s.url.clone(),
        body: body_text,
        terms: body_terms,
        hash,
        extra: s.extra.clone(),
        format: s.format.unwrap_or("text"),
        removed,
    }
}

/// Evidence for a supplied field: where the document states it, else `user`.
fn stated(s: &Supplied, field: &str, user: &str) -> String {
    s.evidence
        .get(field)
        .cloned()
        .unwrap_or_else(|| user.to_string())
}
