//! Files → articles with metadata.
//!
//! [`walk`] finds candidate files under a corpus root, [`read_file`] turns one file into raw
//! articles (decoding, front matter, JSON), and [`Pipeline::prepare`] cleans and analyses an article once,
//! producing both the index terms and the extracted metadata. Nothing here touches the index.

pub mod clean;
pub mod decode;
pub mod extract;
pub mod formats;
pub mod input;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::analysis::{Analyzer, Term};
use crate::data::Resources;
pub use input::{RawArticle, Supplied};

/// Default largest file read (bytes). Larger files are skipped with a reason; `--max-size`
/// changes it. Big dumps are usually logs or exports, not articles, and a single 100 MB text
/// would hold the writer's memory for nothing.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 20 * MB;

/// A megabyte as kpolicy counts it in flags and messages (decimal, like `ls -h --si`).
pub const MB: u64 = 1_000_000;

/// Extensions read as articles.
pub const TEXT_EXTENSIONS: &[&str] = &["txt", "md", "markdown", "text"];
pub const JSON_EXTENSIONS: &[&str] = &["json", "jsonl", "ndjson"];

/// An article ready for the index.
#[derive(Debug, Clone, Serialize)]
pub struct Article {
    /// Stable id: path relative to the corpus root, or the `id` of a JSON record.
    pub id: String,
    /// Unique key in the index: `<root>\u{1f}<id>` for files, `jsonl\u{1f}<id>` for streams.
    #[serde(skip)]
    pub key: String,
    /// Key of the input the article came from (`<root>\u{1f}<rel>`): a file holding several
    /// JSON records is replaced or removed as a whole.
    #[serde(skip)]
    pub file_key: String,
    pub path: String,
    /// Title, date, regions, industries, source and the evidence for each: extracted, or
    /// supplied by the file where it gives them.
    #[serde(flatten)]
    pub meta: extract::Metadata,
    pub url: Option<String>,
    /// The cleaned text that is indexed and snippeted.
    #[serde(skip)]
    pub body: String,
    /// Body terms (analysed once, handed to the index pre-tokenized).
    #[serde(skip)]
    pub terms: Vec<Term>,
    /// Content hash of the raw input (file bytes or JSON line).
    #[serde(skip)]
    pub hash: String,
    pub extra: BTreeMap<String, String>,
}

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
pub struct FoundFile {
    pub path: PathBuf,
    /// Path relative to the root with `/` separators: the article id.
    pub rel: String,
    pub size: u64,
    pub mtime: u64,
}

/// Walks `root` for article files. Returns the files and the problems met on the way (unreadable
/// entries, symlink loops, non-UTF-8 names, unsupported types).
pub fn walk(root: &Path) -> (Vec<FoundFile>, Vec<Problem>) {
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
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        if !TEXT_EXTENSIONS.contains(&ext.as_str())
            && !JSON_EXTENSIONS.contains(&ext.as_str())
            && !formats::is_document(&path)
        {
            problems.push(Problem {
                path: path.display().to_string(),
                reason: format!(
                    "not an article file (reads .{}, .{} and .{})",
                    TEXT_EXTENSIONS.join(", ."),
                    JSON_EXTENSIONS.join(", ."),
                    formats::extensions().join(", .")
                ),
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
pub fn mtime_of(m: &std::fs::Metadata) -> u64 {
    m.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0)
}

/// Reads one file into raw articles. `Err` is a reason the whole file was skipped; the
/// problems list holds partial failures (bad JSON lines, broken front matter).
pub fn read_file(
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
    // Hook for documents (HWP, HWPX, PDF …); the formats-html branch owns the full version.
    if formats::detect(&bytes, path).is_some() {
        let doc = formats::read(&bytes, path).map_err(|e| Problem {
            path: display.clone(),
            reason: e.to_string(),
            kind: match e {
                formats::FormatError::Corrupt(_) | formats::FormatError::Panicked(_) => {
                    ProblemKind::Failed
                }
                _ => ProblemKind::Skipped,
            },
        })?;
        let h = doc.hints;
        let supplied = Supplied {
            title: h.title.map(|h| h.value),
            date: h.date.map(|h| h.value),
            source: h.source.or(h.publisher).map(|h| h.value),
            ..Supplied::default()
        };
        let raw = RawArticle {
            text: doc.text,
            supplied,
            line: None,
        };
        return Ok((vec![raw], Vec::new(), hash));
    }
    let decoded = decode::decode(&bytes).map_err(|e| skip(e.to_string()))?;
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let mut problems = Vec::new();
    let articles = match ext.as_str() {
        "jsonl" | "ndjson" => {
            let (arts, errs) = input::parse_jsonl(&decoded.text);
            for (line, reason) in errs {
                problems.push(Problem {
                    path: format!("{display}:{line}"),
                    reason,
                    kind: ProblemKind::Warning,
                });
            }
            arts
        }
        "json" => match input::parse_json(&decoded.text) {
            Ok((arts, errs)) => {
                for (_, reason) in errs {
                    problems.push(Problem {
                        path: display.clone(),
                        reason,
                        kind: ProblemKind::Warning,
                    });
                }
                arts
            }
            Err(reason) => {
                return Err(Problem {
                    path: display,
                    reason,
                    kind: ProblemKind::Failed,
                })
            }
        },
        _ => {
            let (supplied, body, warning) = input::split_front_matter(&decoded.text);
            if let Some(w) = warning {
                problems.push(Problem {
                    path: display.clone(),
                    reason: w,
                    kind: ProblemKind::Warning,
                });
            }
            vec![RawArticle {
                text: body.to_string(),
                supplied,
                line: None,
            }]
        }
    };
    Ok((articles, problems, hash))
}

/// Identity of an article: how it is shown, keyed and hashed.
#[derive(Debug, Clone, Default)]
pub struct ArticleIds {
    pub id: String,
    pub key: String,
    pub file_key: String,
    pub path: String,
    pub hash: String,
}

/// Everything needed to turn raw articles into index-ready ones, prepared once: the analyzer,
/// the data files and the analysed industry keywords. Shared by all indexing threads.
pub struct Pipeline<'a> {
    pub analyzer: &'a Analyzer,
    pub res: &'a Resources,
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
    let cleaned = clean::clean(&raw.text);
    let analysis = analyzer.analyze(&cleaned.text);
    let mut md = extract::extract(
        &raw.text,
        &cleaned.text,
        &analysis.morphemes,
        &analysis.terms,
        &path,
        res,
        &pipe.keywords,
    );
    let s = &raw.supplied;
    if let Some(t) = &s.title {
        md.title = t.clone();
        md.title_derived = false;
        md.evidence.insert("title".into(), "supplied".into());
    }
    if let Some(d) = &s.date {
        match parse_supplied_date(d) {
            Some((date, year)) => {
                md.date = date;
                md.year = Some(year);
                md.evidence.insert("date".into(), format!("supplied: {d}"));
            }
            None => {
                md.evidence.insert(
                    "date".into(),
                    format!("supplied date `{d}` not understood; extracted value kept"),
                );
            }
        }
    }
    if let Some(r) = &s.region {
        let found = res.gazetteer.resolve(r);
        if let Some(region) = found.first() {
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
        md.evidence.insert("source".into(), "supplied".into());
    }
    // The headline is indexed in `title`; the body is what follows it, so a headline word
    // is not counted twice and snippets show article text.
    let mut body_start = md.body_start.min(cleaned.text.len());
    body_start += cleaned.text[body_start..].len() - cleaned.text[body_start..].trim_start().len();
    let body_text = cleaned.text[body_start..].to_string();
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
    Article {
        id,
        key,
        file_key,
        path,
        meta: md,
        url: s.url.clone(),
        body: body_text,
        terms: body_terms,
        hash,
        extra: s.extra.clone(),
    }
}

/// `2021-05-03`, `2021.5.3`, `2021년 5월 3일` → full date; `2021` → year only.
fn parse_supplied_date(s: &str) -> Option<(Option<String>, i32)> {
    let digits: Vec<&str> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .collect();
    let year: i32 = digits.first()?.parse().ok()?;
    if !(1900..=2100).contains(&year) {
        return None;
    }
    match digits.as_slice() {
        [_] => Some((None, year)),
        [_, m, d, ..] => {
            let (m, d): (u32, u32) = (m.parse().ok()?, d.parse().ok()?);
            if (1..=12).contains(&m) && (1..=31).contains(&d) {
                Some((Some(format!("{year:04}-{m:02}-{d:02}")), year))
            } else {
                None
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn supplied_dates() {
        assert_eq!(
            parse_supplied_date("2021-05-03"),
            Some((Some("2021-05-03".into()), 2021))
        );
        assert_eq!(
            parse_supplied_date("2021년 5월 3일"),
            Some((Some("2021-05-03".into()), 2021))
        );
        assert_eq!(parse_supplied_date("2021"), Some((None, 2021)));
        assert_eq!(parse_supplied_date("어제"), None);
    }
}
