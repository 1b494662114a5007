//! Document formats that are not plain text: saved web pages (HTML), Hancom Office (HWP 5.x,
//! HWPX) and PDF.
//!
//! Each format is one file here exposing
//! `pub fn read(bytes: &[u8], path: &Path) -> Result<Extracted, FormatError>`: the article's
//! text (paragraphs separated by blank lines), what the document itself states about title,
//! date, source and publisher ([`Hints`], each with its evidence), and what was dropped on the
//! way ([`Removed`]). [`read`] picks the reader by content (magic bytes) and extension, and runs
//! it behind `catch_unwind` and the size limits below, so that a hostile or broken file is one
//! [`FormatError`] for that file and never takes the run down. `ingest::read_file` turns an
//! [`Extracted`] into a raw article; cleaning, extraction and indexing are the same as for text.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

mod guard;
mod html;
pub mod hwp;
pub mod hwpx;
mod layout;
mod pdf;
mod press;

/// Largest input a reader is handed (bytes). `--max-size` (20 MB by default) normally stops big
/// files earlier; this bound holds for callers that pass bytes directly (tests, fuzzing).
pub const MAX_INPUT_BYTES: usize = 64 * 1024 * 1024;

/// Most bytes a reader may produce by decompressing (HWP body streams, HWPX zip members, PDF
/// streams) for one file, summed over all parts. A zip bomb or a deflate bomb stops here with
/// [`FormatError::TooLarge`] instead of filling memory.
pub const MAX_EXPANDED_BYTES: u64 = 256 * 1024 * 1024;

/// Most characters of text kept from one document. A press release is a few thousand; a
/// megabyte of text is a report or a dump, and the rest would only slow analysis.
pub const MAX_TEXT_CHARS: usize = 2_000_000;

/// The kinds of document kpolicy reads besides text and JSON: the document arm of
/// [`super::Format`], the one format enum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Html,
    Hwp,
    Hwpx,
    Pdf,
}

impl Kind {
    /// The name shown in `inspect` (`format` field) and in messages.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Html => "html",
            Kind::Hwp => "hwp",
            Kind::Hwpx => "hwpx",
            Kind::Pdf => "pdf",
        }
    }

    /// File extensions (lower case, no dot) that name this format.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            Kind::Html => &["html", "htm", "xhtml", "shtml"],
            Kind::Hwp => &["hwp"],
            Kind::Hwpx => &["hwpx"],
            Kind::Pdf => &["pdf"],
        }
    }

    /// The reader for this format, or `None` when this build has none.
    fn reader(self) -> Option<Reader> {
        match self {
            Kind::Html => Some(html::read),
            Kind::Hwp => Some(hwp::read),
            Kind::Hwpx => Some(hwpx::read),
            Kind::Pdf => Some(pdf::read),
        }
    }

    /// True when this build can read the format.
    pub fn has_reader(self) -> bool {
        self.reader().is_some()
    }

    pub const ALL: [Kind; 4] = [Kind::Html, Kind::Hwp, Kind::Hwpx, Kind::Pdf];
}

type Reader = fn(&[u8], &Path) -> Result<Extracted, FormatError>;

/// What a reader got out of one document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extracted {
    /// The article text: paragraphs separated by a blank line (`\n\n`), lines of one paragraph
    /// (table rows, verse) by `\n`. A headline the document states goes first, as its own
    /// paragraph, so extraction sees the same shape as a text file.
    pub text: String,
    /// [`Kind::name`] of the reader that produced this.
    pub format: &'static str,
    /// What the document states about itself.
    pub hints: Hints,
    /// What was dropped: menus, scripts, share bars, page headers … one entry per kind.
    pub removed: Vec<Removed>,
    /// What the reader had to work around and the run should report as a warning (a page whose
    /// main block was nearly empty and was replaced by another extractor's text).
    pub warnings: Vec<String>,
}

/// Metadata the document states, each with where it was found. Extraction uses a hint the
/// way it uses front matter, except that a hint is evidence, not a user's override: `inspect`
/// shows it as `html: og:title`, `hwp: 보도일시 line` and so on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hints {
    pub title: Option<Hint>,
    /// As stated (`2018-09-04T10:00:00+09:00`, `2018. 9. 4.(화) 11:00`); the caller parses it.
    pub date: Option<Hint>,
    /// The issuing body or department (`과학기술정보통신부`, `거대공공연구정책과`).
    pub source: Option<Hint>,
    /// The outlet that published the page (`연합뉴스`, `og:site_name`).
    pub publisher: Option<Hint>,
    /// Canonical address of the page (`<link rel=canonical>`, `og:url`).
    pub url: Option<Hint>,
    /// Author or contact person (`byline`, `담당자`).
    pub author: Option<Hint>,
}

/// One stated value and its evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint {
    pub value: String,
    /// Where it was found, short: `JSON-LD NewsArticle.headline`, `<meta property=og:title>`.
    pub evidence: String,
}

impl Hint {
    pub fn new(value: impl Into<String>, evidence: impl Into<String>) -> Hint {
        Hint {
            value: value.into(),
            evidence: evidence.into(),
        }
    }
}

/// One kind of content a reader dropped, with how much.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removed {
    /// What it was, for people: `script`, `navigation`, `share buttons`, `related articles`,
    /// `comments`, `footer`, `repeated line (learned boilerplate)`, `page header`.
    pub what: String,
    /// Characters of text dropped (0 where the part had no text, e.g. a script's source).
    pub chars: usize,
    /// Number of elements/lines/blocks of this kind.
    pub count: usize,
}

/// Why a document could not be read. The `Display` text is the reason shown after the file
/// name: one line, for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormatError {
    /// Password-protected or DRM/distribution document.
    Encrypted(String),
    /// Read fine, but has no text (a scanned PDF without a text layer, an empty page).
    NoText(String),
    /// Over a size or decompression limit.
    TooLarge(String),
    /// Not a valid document of its format (truncated, corrupt, wrong content for the extension).
    Corrupt(String),
    /// A valid document of a kind kpolicy does not read (HWP 3, a format with no reader).
    Unsupported(String),
    /// The reader panicked; the message is the panic's.
    Panicked(String),
}

impl std::fmt::Display for FormatError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FormatError::Encrypted(s) => write!(f, "encrypted: {s}"),
            FormatError::NoText(s) => write!(f, "no text: {s}"),
            FormatError::TooLarge(s) => write!(f, "too large: {s}"),
            FormatError::Corrupt(s) => write!(f, "unreadable: {s}"),
            FormatError::Unsupported(s) => write!(f, "not supported: {s}"),
            FormatError::Panicked(s) => write!(f, "reader crashed on this file ({s})"),
        }
    }
}

impl std::error::Error for FormatError {}

/// The format of a file, from its content where that is decisive and else its extension.
/// `None`: not one of these formats (text, JSON, or something kpolicy does not read).
pub fn detect(bytes: &[u8], path: &Path) -> Option<Kind> {
    let ext = extension(path);
    let by_ext = Kind::ALL
        .into_iter()
        .find(|f| f.extensions().contains(&ext.as_str()));
    if bytes.starts_with(b"%PDF-") {
        return Some(Kind::Pdf);
    }
    // OLE compound file: HWP 5 (also .doc/.xls, which only count when named .hwp).
    if bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        return (by_ext == Some(Kind::Hwp)).then_some(Kind::Hwp);
    }
    // Zip: an HWPX names its type in the first member (`mimetype`: application/hwp+zip);
    // HWPX files are often saved with a `.hwp` name.
    if bytes.starts_with(b"PK\x03\x04") {
        let head = &bytes[..bytes.len().min(128)];
        let is_hwpx = head.windows(8).any(|w| w == b"hwp+zip");
        return (is_hwpx || by_ext == Some(Kind::Hwpx) || by_ext == Some(Kind::Hwp))
            .then_some(Kind::Hwpx);
    }
    by_ext
}

/// Extensions for which this build has a reader (for discovering files).
pub fn extensions() -> Vec<&'static str> {
    Kind::ALL
        .into_iter()
        .filter(|f| f.reader().is_some())
        .flat_map(|f| f.extensions().iter().copied())
        .collect()
}

/// Reads one document: detects its format, runs the reader behind `catch_unwind` and the input
/// limit, and caps the text at [`MAX_TEXT_CHARS`]. Never panics.
pub fn read(bytes: &[u8], path: &Path) -> Result<Extracted, FormatError> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(FormatError::TooLarge(format!(
            "{} bytes is over the {} MB a document may have",
            bytes.len(),
            MAX_INPUT_BYTES / (1024 * 1024)
        )));
    }
    let Some(format) = detect(bytes, path) else {
        return Err(FormatError::Unsupported(
            "not an HTML, HWP, HWPX or PDF document".into(),
        ));
    };
    let Some(reader) = format.reader() else {
        return Err(FormatError::Unsupported(format!(
            "this build of kpolicy has no {} reader",
            format.name()
        )));
    };
    let mut out = guarded(|| reader(bytes, path))?;
    out.format = format.name();
    if let Some((cut, _)) = out.text.char_indices().nth(MAX_TEXT_CHARS) {
        let dropped = out.text[cut..].chars().count();
        out.text.truncate(cut);
        out.removed.push(Removed {
            what: format!("text past {MAX_TEXT_CHARS} characters"),
            chars: dropped,
            count: 1,
        });
    }
    if out.text.trim().is_empty() {
        return Err(FormatError::NoText(format!(
            "the {} document has no text",
            format.name()
        )));
    }
    Ok(out)
}

/// Runs `f`, turning a panic into [`FormatError::Panicked`]. Readers use third-party parsers;
/// one that panics on a malformed file must cost that file only.
pub fn guarded<T>(f: impl FnOnce() -> Result<T, FormatError>) -> Result<T, FormatError> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => {
            let msg = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panic".into());
            Err(FormatError::Panicked(
                msg.lines().next().unwrap_or("panic").to_string(),
            ))
        }
    }
}

/// Reads at most `limit` bytes from `r` into a vector; more is [`FormatError::TooLarge`].
/// For decompressors: `read_capped(flate2::read::DeflateDecoder::new(data), left, "BodyText")`.
pub fn read_capped(r: impl std::io::Read, limit: u64, what: &str) -> Result<Vec<u8>, FormatError> {
    use std::io::Read;
    let mut out = Vec::new();
    r.take(limit.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|e| FormatError::Corrupt(format!("{what}: {e}")))?;
    if out.len() as u64 > limit {
        return Err(FormatError::TooLarge(format!(
            "{what} expands past the {} MB limit on decompressed data",
            MAX_EXPANDED_BYTES / (1024 * 1024)
        )));
    }
    Ok(out)
}

fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_by_magic_then_extension() {
        let p = Path::new;
        assert_eq!(detect(b"%PDF-1.7\n", p("a.html")), Some(Kind::Pdf));
        assert_eq!(
            detect(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest", p("a.hwp")),
            Some(Kind::Hwp)
        );
        assert_eq!(
            detect(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest", p("a.doc")),
            None
        );
        assert_eq!(
            detect(b"PK\x03\x04....mimetypeapplication/hwp+zip", p("a.hwp")),
            Some(Kind::Hwpx)
        );
        assert_eq!(detect(b"PK\x03\x04....", p("a.zip")), None);
        assert_eq!(detect(b"<html>", p("a.HTM")), Some(Kind::Html));
        assert_eq!(detect(b"plain", p("a.txt")), None);
    }

    #[test]
    fn a_panicking_reader_is_an_error() {
        let r: Result<(), FormatError> = guarded(|| panic!("boom"));
        assert_eq!(r, Err(FormatError::Panicked("boom".into())));
    }

    #[test]
    fn capped_reads_stop_at_the_limit() {
        assert_eq!(read_capped(&b"abc"[..], 3, "x").unwrap(), b"abc");
        assert!(matches!(
            read_capped(&b"abcd"[..], 3, "x"),
            Err(FormatError::TooLarge(_))
        ));
    }
}
