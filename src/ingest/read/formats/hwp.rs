//! HWP 5.x documents (Hancom Office `.hwp`): an OLE compound file whose `BodyText/SectionN`
//! streams hold the text as records, raw-deflate compressed when the header says so.
//!
//! Written against the published format (한글문서파일형식 5.0, Hancom) with the `cfb` crate
//! for the container and `flate2` for decompression, not the `hwp` crate (hwp-rs): that one
//! decompresses every stream, images included, without a size limit and asserts on unexpected
//! records, so one odd file could exhaust memory — text needs only the records walked here
//! (`records`). Distribution (배포용), password and DRM documents keep their text
//! encrypted; they are refused with that reason.

mod records;
mod summary;

use std::io::Cursor;
use std::path::Path;

use flate2::read::DeflateDecoder;

use super::guard::{quietly, Budget};
use super::{press, Extracted, FormatError, Hint, Removed};
pub use summary::Summary;

/// The `FileHeader` stream's signature.
const SIGNATURE: &[u8] = b"HWP Document File";
/// HWP 3.x (Hangul 97 and older) files start with this; they are not compound files.
const SIGNATURE_V3: &[u8] = b"HWP Document File V3";

/// `FileHeader` property bits (offset 36).
const FLAG_COMPRESSED: u32 = 1 << 0;
const FLAG_PASSWORD: u32 = 1 << 1;
const FLAG_DISTRIBUTION: u32 = 1 << 2;
const FLAG_DRM: u32 = 1 << 4;
const FLAG_CERT_ENCRYPTED: u32 = 1 << 8;
const FLAG_CERT_DRM: u32 = 1 << 10;

/// Most sections read; real documents have a handful.
const MAX_SECTIONS: usize = 1000;

/// Reads an HWP 5 document: its text, the press-release header if it has one, and the title
/// and creation date of its summary information.
pub fn read(bytes: &[u8], _path: &Path) -> Result<Extracted, FormatError> {
    let doc = quietly(|| extract(bytes))?;
    let mut out = Extracted {
        text: doc.text,
        ..Extracted::default()
    };
    out.removed = doc.removed;
    let summary = doc.summary;
    // Summary titles are often a template's leftover (`2` in a ministry's press release):
    // only one with words counts.
    press::apply(&mut out);
    // The last-saved date, not the creation date: documents are made from templates years
    // older than them (the 2018 press release `noori.hwp` was created in 2014).
    fill_missing_hints(
        &mut out,
        [
            (summary.title, "summary information title"),
            (summary.saved, "summary information, date last saved"),
            (summary.author, "summary information author"),
        ],
    );
    Ok(out)
}

/// Title, date and author a Hancom document states in its own metadata, each `(value,
/// evidence)`, used where the text (a press-release header) gave none; a title only when it
/// reads as one ([`title_like`]).
pub(crate) fn fill_missing_hints(out: &mut Extracted, stated: [(Option<String>, &str); 3]) {
    let [(title, title_ev), (date, date_ev), (author, author_ev)] = stated;
    let h = &mut out.hints;
    if h.title.is_none() {
        h.title = title
            .filter(|t| title_like(t))
            .map(|t| Hint::new(t, title_ev));
    }
    if h.date.is_none() {
        h.date = date.map(|d| Hint::new(d, date_ev));
    }
    if h.author.is_none() {
        h.author = author.map(|a| Hint::new(a, author_ev));
    }
}

/// Whether a title stored in a document's properties can be a title: word processors fill
/// the field with a digit (`2`, a template's leftover) or the save time (`2023년 2월 20일
/// 월요일 오후 3:55:04`).
fn title_like(t: &str) -> bool {
    let letters = t.chars().filter(|c| c.is_alphabetic()).count();
    let save_time =
        (t.contains("오전") || t.contains("오후")) && t.contains('년') && t.contains(':');
    letters >= 2 && !save_time
}

/// Text, summary and what was left out of an HWP document.
#[derive(Debug, Clone, Default)]
pub struct HwpDoc {
    pub text: String,
    pub summary: Summary,
    pub removed: Vec<Removed>,
}

/// Reads the text and summary of an HWP 5 document.
pub fn extract(bytes: &[u8]) -> Result<HwpDoc, FormatError> {
    if bytes.starts_with(SIGNATURE_V3) {
        return Err(FormatError::Unsupported(
            "HWP 3 (Hangul 97) document; save it as HWP 5 or HWPX in Hancom Office".into(),
        ));
    }
    let mut cfb = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(|e| {
        FormatError::Corrupt(format!(
            "not an HWP 5 document (not an OLE compound file: {e})"
        ))
    })?;
    let mut budget = Budget::default();

    let header = read_stream(&mut cfb, "/FileHeader", false, &mut budget)
        .map_err(|_| FormatError::Corrupt("not an HWP 5 document (no FileHeader stream)".into()))?;
    if !header.starts_with(SIGNATURE) {
        return Err(FormatError::Corrupt(
            "not an HWP 5 document (FileHeader has no HWP signature)".into(),
        ));
    }
    let flags = header
        .get(36..40)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .ok_or_else(|| FormatError::Corrupt("HWP FileHeader is too short".into()))?;
    if flags & FLAG_DISTRIBUTION != 0 {
        return Err(FormatError::Encrypted(
            "distribution document (배포용 문서): its text is encrypted for viewing only".into(),
        ));
    }
    if flags & FLAG_PASSWORD != 0 {
        return Err(FormatError::Encrypted(
            "password-protected HWP document".into(),
        ));
    }
    if flags & (FLAG_DRM | FLAG_CERT_ENCRYPTED | FLAG_CERT_DRM) != 0 {
        return Err(FormatError::Encrypted("DRM-protected HWP document".into()));
    }
    let compressed = flags & FLAG_COMPRESSED != 0;

    let mut sections: Vec<(u32, String)> = match cfb.read_storage("/BodyText") {
        Ok(entries) => entries
            .filter(|e| e.is_stream())
            .filter_map(|e| {
                let n = e.name().strip_prefix("Section")?.parse().ok()?;
                Some((n, e.path().to_string_lossy().into_owned()))
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    if sections.is_empty() {
        return Err(FormatError::Corrupt(
            "HWP document without BodyText sections".into(),
        ));
    }
    sections.sort();
    sections.truncate(MAX_SECTIONS);

    let mut doc = HwpDoc::default();
    let mut builder = records::TextBuilder::default();
    let mut damaged = Vec::new();
    for (n, path) in &sections {
        match read_stream(&mut cfb, path, compressed, &mut budget) {
            Ok(data) => {
                let mut recs = records::Records::new(&data);
                builder.section(&mut recs);
                if recs.truncated {
                    damaged.push(format!("section {n} (cut short)"));
                }
            }
            Err(e @ FormatError::TooLarge(_)) => return Err(e),
            Err(_) => damaged.push(format!("section {n} (unreadable)")),
        }
    }
    let (text, skipped) = builder.finish();
    doc.text = text;
    doc.removed.extend(super::layout::skipped_parts(skipped));
    if !damaged.is_empty() {
        doc.removed.push(Removed {
            what: format!("damaged parts: {}", damaged.join(", ")),
            chars: 0,
            count: damaged.len(),
        });
    }
    if let Ok(s) = read_stream(&mut cfb, "/\u{5}HwpSummaryInformation", false, &mut budget) {
        doc.summary = summary::parse(&s);
    }
    Ok(doc)
}

/// Reads one stream, inflating it (raw deflate) when the document is compressed.
fn read_stream(
    cfb: &mut cfb::CompoundFile<Cursor<&[u8]>>,
    path: &str,
    compressed: bool,
    budget: &mut Budget,
) -> Result<Vec<u8>, FormatError> {
    let stream = cfb
        .open_stream(path)
        .map_err(|e| FormatError::Corrupt(format!("{path}: {e}")))?;
    if compressed {
        budget.read(DeflateDecoder::new(stream), path)
    } else {
        budget.read(stream, path)
    }
}
