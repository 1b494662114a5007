//! File formats: which files are articles, and how one file's bytes become raw articles.
//! Text and JSON take two steps: [`Format::text`] decodes the character set and
//! [`Format::articles`] splits the text into articles (front matter, JSON records). A document
//! (HTML, HWP, HWPX, PDF) is read by its reader in [`formats`] into one article whose
//! stated title, date and source go where front matter goes, with their evidence.

use std::path::Path;

pub mod decode;
pub mod formats;
pub mod input;

use super::{Problem, ProblemKind};
use decode::DecodeError;
use input::{RawArticle, Supplied};

/// Extensions read as plain text or Markdown (with optional front matter).
pub const TEXT_EXTENSIONS: &[&str] = &["txt", "md", "markdown", "text"];
/// Extensions read as JSON (one object or an array) or JSON lines: one list with the id rule.
pub use crate::article::JSON_EXTENSIONS;

/// How a file holds its articles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text or Markdown, optionally with YAML front matter: one article.
    Text,
    /// One JSON object or an array of them.
    Json,
    /// One JSON object per line.
    JsonLines,
    /// A document with its own reader: one article.
    Document(formats::Kind),
}

impl Format {
    /// The format of a file by its extension; `None` for files that are not articles.
    pub fn of(path: &Path) -> Option<Format> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        match ext.as_str() {
            "json" => Some(Format::Json),
            e if JSON_EXTENSIONS.contains(&e) => Some(Format::JsonLines),
            e if TEXT_EXTENSIONS.contains(&e) => Some(Format::Text),
            e => formats::Kind::ALL
                .into_iter()
                .find(|f| f.has_reader() && f.extensions().contains(&e))
                .map(Format::Document),
        }
    }

    /// The format of a file's bytes: a document this build reads when its content (or, where
    /// the content is not decisive, its extension) says so, else by extension, else text. A
    /// file named `.pdf` that holds text is read as text; a PDF named `.txt` as a PDF.
    pub fn detect(bytes: &[u8], path: &Path) -> Format {
        if let Some(doc) = formats::detect(bytes, path).filter(|f| f.has_reader()) {
            return Format::Document(doc);
        }
        match Format::of(path) {
            Some(Format::Document(_)) | None => Format::Text,
            Some(f) => f,
        }
    }

    /// Why a file of another type is skipped.
    pub fn unsupported() -> String {
        format!(
            "not an article file (reads .{}, .{} and .{})",
            TEXT_EXTENSIONS.join(", ."),
            JSON_EXTENSIONS.join(", ."),
            formats::extensions().join(", .")
        )
    }

    /// The articles of a file's bytes, and the parts that could not be read as warnings. `Err`
    /// is a file that holds no readable article; `display` names the file in problems.
    pub fn read(
        self,
        bytes: &[u8],
        path: &Path,
        display: &str,
    ) -> Result<(Vec<RawArticle>, Vec<Problem>), Problem> {
        if let Format::Document(_) = self {
            let doc = formats::read(bytes, path).map_err(|e| Problem {
                path: display.to_string(),
                reason: e.to_string(),
                kind: document_problem_kind(&e),
            })?;
            let warnings = doc
                .warnings
                .iter()
                .map(|w| Problem {
                    path: display.to_string(),
                    reason: w.clone(),
                    kind: ProblemKind::Warning,
                })
                .collect();
            return Ok((vec![raw_from_document(doc)], warnings));
        }
        let text = self.text(bytes).map_err(|e| Problem {
            path: display.to_string(),
            reason: e.to_string(),
            kind: ProblemKind::Skipped,
        })?;
        self.articles(&text, display)
    }

    /// The content of a text or JSON file as text.
    fn text(self, bytes: &[u8]) -> Result<String, DecodeError> {
        decode::decode(bytes).map(|d| d.text)
    }

    /// The articles in a text or JSON file's text, and the parts that could not be read as
    /// warnings. `Err` is a file that holds no readable article.
    fn articles(
        self,
        text: &str,
        display: &str,
    ) -> Result<(Vec<RawArticle>, Vec<Problem>), Problem> {
        let warning = |path: String, reason: String| Problem {
            path,
            reason,
            kind: ProblemKind::Warning,
        };
        match self {
            Format::JsonLines => {
                let (articles, errors) = input::parse_jsonl(text);
                let problems = errors
                    .into_iter()
                    .map(|(line, reason)| warning(format!("{display}:{line}"), reason))
                    .collect();
                Ok((articles, problems))
            }
            Format::Json => match input::parse_json(text) {
                Ok((articles, errors)) => {
                    let problems = errors
                        .into_iter()
                        .map(|(_, reason)| warning(display.to_string(), reason))
                        .collect();
                    Ok((articles, problems))
                }
                Err(reason) => Err(Problem {
                    path: display.to_string(),
                    reason,
                    kind: ProblemKind::Failed,
                }),
            },
            Format::Text | Format::Document(_) => {
                let (supplied, body, front_matter_warning) = input::split_front_matter(text);
                let article = RawArticle {
                    text: body.to_string(),
                    supplied,
                    line: None,
                };
                let problems = front_matter_warning
                    .map(|w| warning(display.to_string(), w))
                    .into_iter()
                    .collect();
                Ok((vec![article], problems))
            }
        }
    }
}

/// A reader's error is a failure when the file is broken (or broke the reader), a skip when
/// it is a kind of document that has no text to give (encrypted, scanned, over a limit).
fn document_problem_kind(e: &formats::FormatError) -> ProblemKind {
    use formats::FormatError as E;
    match e {
        E::Corrupt(_) | E::Panicked(_) => ProblemKind::Failed,
        E::Encrypted(_) | E::NoText(_) | E::TooLarge(_) | E::Unsupported(_) => ProblemKind::Skipped,
    }
}

/// A document's text and stated metadata as a raw article. Stated values go where front
/// matter goes, with their evidence, so that extraction and indexing are the same as for text.
fn raw_from_document(doc: formats::Extracted) -> RawArticle {
    let mut s = Supplied {
        format: Some(doc.format),
        ..Supplied::default()
    };
    let h = doc.hints;
    let mut take = |field: &str, hint: Option<formats::Hint>| {
        hint.map(|h| {
            s.evidence
                .insert(field.to_string(), format!("{}: {}", doc.format, h.evidence));
            h.value
        })
    };
    let title = take("title", h.title);
    let date = take("date", h.date);
    let source = take("source", h.source.or(h.publisher));
    let url = take("url", h.url);
    let author = take("author", h.author);
    s.title = title;
    s.date = date;
    s.source = source;
    s.url = url;
    if let Some(a) = author {
        s.extra.insert("author".into(), a);
    }
    s.removed = doc
        .removed
        .iter()
        .map(|r| {
            if r.chars > 0 {
                format!("{} ×{} ({} characters)", r.what, r.count, r.chars)
            } else {
                format!("{} ×{}", r.what, r.count)
            }
        })
        .collect();
    RawArticle {
        text: doc.text,
        supplied: s,
        line: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The extensions of the id rule's record files are the ones read as JSON, in any case.
    #[test]
    fn json_extensions_read_as_json() {
        for ext in JSON_EXTENSIONS {
            for e in [ext.to_string(), ext.to_uppercase()] {
                let f = Format::of(Path::new(&format!("a.{e}")));
                assert!(matches!(f, Some(Format::Json | Format::JsonLines)), "{e}");
            }
        }
        assert_eq!(Format::of(Path::new("a.json")), Some(Format::Json));
        assert_eq!(Format::of(Path::new("a.txt")), Some(Format::Text));
    }
}
