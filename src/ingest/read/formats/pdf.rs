//! PDF documents (the text layer): `pdf-extract` (on `lopdf`) gives the text of each page,
//! including CID fonts with `ToUnicode` maps that Korean PDFs use.
//!
//! Before the crates see a file it is checked here: every Flate stream is inflated and counted
//! (not kept) against the decompression limit, because `lopdf` inflates object streams and page
//! contents without one. Encrypted files that do not open with the empty
//! password are refused; a file with pages but no text is "no text layer" (a scan: kpolicy does
//! no OCR). Lines repeated at the top or bottom of most pages (running headers, footers) and
//! page numbers are dropped; the wrapped lines of a paragraph are joined.

use std::io::Read;
use std::path::Path;
use std::sync::LazyLock;

use flate2::read::ZlibDecoder;
use regex::Regex;

use super::guard::quietly;
use super::{press, Extracted, FormatError, Removed, MAX_EXPANDED_BYTES};

/// How far before `stream` the stream's dictionary is looked for (bytes).
const DICT_WINDOW: usize = 2048;

static RE_PAGE_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[-–—\s]*(?:\d{1,4}|[ivxlc]{1,6})(?:\s*/\s*\d{1,4})?[-–—\s]*$")
        .expect("static regex")
});

/// Reads the text layer of a PDF.
pub fn read(bytes: &[u8], _path: &Path) -> Result<Extracted, FormatError> {
    check_streams(bytes)?;
    let pages = quietly(|| extract_pages(bytes))?;
    let (text, removed) = assemble(&pages);
    if text.trim().is_empty() {
        return Err(FormatError::NoText(format!(
            "{} page(s) without a text layer (a scanned document?); kpolicy does no OCR",
            pages.len()
        )));
    }
    let mut out = Extracted {
        text,
        removed,
        ..Extracted::default()
    };
    press::apply(&mut out);
    Ok(out)
}

fn extract_pages(bytes: &[u8]) -> Result<Vec<String>, FormatError> {
    let mut doc = lopdf::Document::load_mem(bytes)
        .map_err(|e| FormatError::Corrupt(format!("not a readable PDF ({e})")))?;
    if doc.is_encrypted() && doc.decrypt("").is_err() {
        return Err(FormatError::Encrypted("password-protected PDF".into()));
    }
    let n = doc.get_pages().len();
    let mut pages = Vec::with_capacity(n);
    for page in 1..=n as u32 {
        let mut text = String::new();
        let mut output = pdf_extract::PlainTextOutput::new(&mut text);
        // A page the crate cannot read is left out; the others still count.
        if pdf_extract::output_doc_page(&doc, &mut output, page).is_ok() {
            pages.push(text);
        } else {
            pages.push(String::new());
        }
    }
    Ok(pages)
}

/// Inflates every Flate-compressed stream, counting: more than the limit in all is
/// [`FormatError::TooLarge`]. Streams are found by their `stream` … `endstream` keywords, which
/// is enough to bound what the parser could inflate later.
fn check_streams(bytes: &[u8]) -> Result<(), FormatError> {
    let mut left = MAX_EXPANDED_BYTES;
    let mut pos = 0;
    while let Some(at) = find(&bytes[pos..], b"stream") {
        let kw = pos + at;
        pos = kw + 6;
        if kw >= 3 && &bytes[kw - 3..kw] == b"end" {
            continue;
        }
        let data_start = match bytes.get(pos..pos + 2) {
            Some(b"\r\n") => pos + 2,
            Some([b'\n', _]) | Some([b'\r', _]) => pos + 1,
            _ => continue,
        };
        let Some(len) = find(&bytes[data_start..], b"endstream") else {
            break;
        };
        // The stream's own dictionary: from its `obj` keyword on.
        let window = &bytes[kw.saturating_sub(DICT_WINDOW)..kw];
        let dict = rfind(window, b"obj").map_or(window, |i| &window[i..]);
        if find(dict, b"FlateDecode").is_some() || find(dict, b"/Fl ").is_some() {
            let data = &bytes[data_start..data_start + len];
            let n = inflated_size(data, left);
            if n > left {
                return Err(FormatError::TooLarge(format!(
                    "its streams expand past the {} MB limit on decompressed data",
                    MAX_EXPANDED_BYTES / (1024 * 1024)
                )));
            }
            left -= n;
        }
        pos = data_start + len + 9;
    }
    Ok(())
}

/// Bytes a zlib stream inflates to, counted up to `limit + 1` and not kept. A broken stream
/// counts what came out before the break; the parser reports it later if it matters.
fn inflated_size(data: &[u8], limit: u64) -> u64 {
    let mut z = ZlibDecoder::new(data);
    let mut buf = [0u8; 64 * 1024];
    let mut n: u64 = 0;
    while n <= limit {
        match z.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(k) => n += k as u64,
        }
    }
    n
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The pages' text as paragraphs, without running headers, footers and page numbers.
fn assemble(pages: &[String]) -> (String, Vec<Removed>) {
    let page_lines: Vec<Vec<&str>> = pages
        .iter()
        .map(|p| p.lines().map(str::trim).collect())
        .collect();
    // Lines at the top or bottom of a page (first or last two non-empty ones) that repeat on
    // most pages.
    let mut edge_counts: std::collections::HashMap<&str, usize> = Default::default();
    for lines in &page_lines {
        let nonempty: Vec<&str> = lines.iter().copied().filter(|l| !l.is_empty()).collect();
        let mut edges: Vec<&str> = nonempty.iter().take(2).copied().collect();
        edges.extend(nonempty.iter().rev().take(2));
        edges.sort_unstable();
        edges.dedup();
        for l in edges {
            *edge_counts.entry(l).or_default() += 1;
        }
    }
    let repeated_min = (page_lines.len() / 2).max(3);
    let (mut dropped_chars, mut dropped) = (0, 0);
    let mut paras: Vec<String> = Vec::new();
    let mut current = String::new();
    for lines in &page_lines {
        for line in lines {
            let furniture = RE_PAGE_NUMBER.is_match(line) && !line.is_empty()
                || edge_counts.get(line).is_some_and(|&n| n >= repeated_min);
            if furniture {
                dropped += 1;
                dropped_chars += line.chars().count();
                continue;
            }
            if line.is_empty() {
                if !current.is_empty() {
                    paras.push(std::mem::take(&mut current));
                }
                continue;
            }
            if !current.is_empty() {
                current.push('\n');
            }
            // Justified lines come with runs of spaces.
            let mut words = line.split_whitespace();
            if let Some(w) = words.next() {
                current.push_str(w);
            }
            for w in words {
                current.push(' ');
                current.push_str(w);
            }
        }
    }
    if !current.is_empty() {
        paras.push(current);
    }
    let removed = if dropped > 0 {
        vec![Removed {
            what: "page numbers, running headers and footers".into(),
            chars: dropped_chars,
            count: dropped,
        }]
    } else {
        Vec::new()
    };
    (paras.join("\n\n"), removed)
}
