//! File formats: which files are articles, and how one file's bytes become raw articles in two
//! steps per format. [`Format::text`] turns bytes into text (decoding the character set; a
//! format such as HTML, HWP or PDF plugs in its own text extraction here), and
//! [`Format::articles`] splits that text into articles (front matter, JSON records).

use std::path::Path;

use super::decode::{self, DecodeError};
use super::input::{self, RawArticle};
use super::{Problem, ProblemKind};

/// Extensions read as plain text or Markdown (with optional front matter).
pub const TEXT_EXTENSIONS: &[&str] = &["txt", "md", "markdown", "text"];
/// Extensions read as JSON (one object or an array) or JSON lines.
pub const JSON_EXTENSIONS: &[&str] = &["json", "jsonl", "ndjson"];

/// How a file holds its articles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text or Markdown, optionally with YAML front matter: one article.
    Text,
    /// One JSON object or an array of them.
    Json,
    /// One JSON object per line.
    JsonLines,
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
            "jsonl" | "ndjson" => Some(Format::JsonLines),
            e if TEXT_EXTENSIONS.contains(&e) => Some(Format::Text),
            _ => None,
        }
    }

    /// Why a file of another type is skipped.
    pub fn unsupported() -> String {
        format!(
            "not an article file (reads .{} and .{})",
            TEXT_EXTENSIONS.join(", ."),
            JSON_EXTENSIONS.join(", .")
        )
    }

    /// The file's content as text.
    pub fn text(self, bytes: &[u8]) -> Result<String, DecodeError> {
        match self {
            Format::Text | Format::Json | Format::JsonLines => {
                decode::decode(bytes).map(|d| d.text)
            }
        }
    }

    /// The articles in a file's text, and the parts that could not be read as warnings.
    /// `Err` is a file that holds no readable article. `display` names the file in problems.
    pub fn articles(
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
            Format::Text => {
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
