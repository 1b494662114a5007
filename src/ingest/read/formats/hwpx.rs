//! HWPX documents (Hancom Office, OWPML / KS X 6101): a zip of XML parts. The text is in
//! `Contents/section*.xml` in the order the package manifest (`Contents/content.hpf`) lists
//! them; the manifest also carries the title and dates the word processor recorded.
//!
//! Paragraphs are `<hp:p>`, their text `<hp:t>` (with `<hp:tab/>`, `<hp:lineBreak/>` inside),
//! tables `<hp:tbl>` → `<hp:tr>` → `<hp:tc>`; page headers, footers and hidden comments are
//! left out like in HWP (`layout.rs`). Only the members needed are inflated, each within
//! the document's decompression budget, so a zip bomb or a huge member is refused early.

use std::collections::HashMap;
use std::io::{Cursor, Read, Seek};
use std::path::Path;

use quick_xml::events::Event;
use quick_xml::Reader;

use super::guard::{quietly, Budget};
use super::layout::Layout;
use super::{press, Extracted, FormatError, Removed};

/// Most zip members looked at. A document has a few dozen; a million empty members is an
/// attack on the central-directory reader, not a document.
const MAX_MEMBERS: usize = 10_000;
/// Most sections read.
const MAX_SECTIONS: usize = 1000;
/// The manifest.
const MANIFEST: &str = "Contents/content.hpf";

/// Reads an HWPX document: text, the press-release header if any, and the manifest's title
/// and last-modified date.
pub fn read(bytes: &[u8], _path: &Path) -> Result<Extracted, FormatError> {
    let doc = quietly(|| extract(bytes))?;
    let mut out = Extracted {
        text: doc.text,
        removed: doc.removed,
        ..Extracted::default()
    };
    press::apply(&mut out);
    // Last modified, not created: documents are made from older templates (see hwp.rs).
    super::hwp::fill_missing_hints(
        &mut out,
        [
            (doc.title, "content.hpf title"),
            (doc.modified, "content.hpf ModifiedDate"),
            (doc.creator, "content.hpf creator"),
        ],
    );
    Ok(out)
}

/// Text and manifest metadata of an HWPX document.
#[derive(Debug, Clone, Default)]
pub struct HwpxDoc {
    pub text: String,
    pub title: Option<String>,
    pub creator: Option<String>,
    /// `YYYY-MM-DD` as written in the manifest.
    pub modified: Option<String>,
    pub removed: Vec<Removed>,
}

/// Reads the text and manifest metadata of an HWPX document.
pub fn extract(bytes: &[u8]) -> Result<HwpxDoc, FormatError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| FormatError::Corrupt(format!("not an HWPX document (bad zip: {e})")))?;
    if zip.len() > MAX_MEMBERS {
        return Err(FormatError::TooLarge(format!(
            "{} zip members (a document has a few dozen)",
            zip.len()
        )));
    }
    let names: Vec<String> = zip
        .file_names()
        .filter_map(Result::ok)
        .map(Into::into)
        .collect();
    let mut budget = Budget::default();
    let mut doc = HwpxDoc::default();

    let manifest = if names.iter().any(|n| n == MANIFEST) {
        let xml = member(&mut zip, MANIFEST, &mut budget)?;
        Some(parse_manifest(&String::from_utf8_lossy(&xml)))
    } else {
        None
    };
    let mut sections: Vec<String> = manifest
        .as_ref()
        .map(|m| {
            m.spine
                .iter()
                .filter_map(|id| m.items.get(id))
                .map(|href| {
                    if href.starts_with("Contents/") {
                        href.clone()
                    } else {
                        format!("Contents/{href}")
                    }
                })
                .filter(|p| is_section(p) && names.contains(p))
                .collect()
        })
        .unwrap_or_default();
    if sections.is_empty() {
        let mut found: Vec<(u32, String)> = names
            .iter()
            .filter(|n| is_section(n))
            .filter_map(|n| {
                let num = n
                    .strip_prefix("Contents/section")?
                    .strip_suffix(".xml")?
                    .parse()
                    .ok()?;
                Some((num, n.clone()))
            })
            .collect();
        found.sort();
        sections = found.into_iter().map(|(_, n)| n).collect();
    }
    if sections.is_empty() {
        return Err(FormatError::Corrupt(
            "not an HWPX document (no Contents/section*.xml)".into(),
        ));
    }
    sections.truncate(MAX_SECTIONS);

    let mut layout = Layout::default();
    for name in &sections {
        let xml = member(&mut zip, name, &mut budget)?;
        section_text(&String::from_utf8_lossy(&xml), &mut layout)
            .map_err(|e| FormatError::Corrupt(format!("{name}: {e}")))?;
    }
    let (text, skipped) = layout.finish();
    doc.text = text;
    doc.removed.extend(super::layout::skipped_parts(skipped));
    if let Some(m) = manifest {
        doc.title = m.title;
        doc.creator = m.creator;
        doc.modified = m.modified;
    }
    Ok(doc)
}

fn is_section(name: &str) -> bool {
    name.starts_with("Contents/section") && name.ends_with(".xml")
}

/// Inflates one member within the budget. An encrypted member is a password-protected document.
fn member<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    name: &str,
    budget: &mut Budget,
) -> Result<Vec<u8>, FormatError> {
    let file = zip.by_name(name).map_err(|e| match e {
        zip::result::ZipError::UnsupportedArchive(m)
            if m == zip::result::ZipError::PASSWORD_REQUIRED =>
        {
            FormatError::Encrypted("password-protected HWPX document".into())
        }
        e => FormatError::Corrupt(format!("{name}: {e}")),
    })?;
    if file.encrypted() {
        return Err(FormatError::Encrypted(
            "password-protected HWPX document".into(),
        ));
    }
    budget.read(file, name)
}

/// What the package manifest says: section order and metadata.
#[derive(Debug, Default)]
struct Manifest {
    /// `id` → `href` of the manifest items.
    items: HashMap<String, String>,
    /// Item ids in reading order.
    spine: Vec<String>,
    title: Option<String>,
    creator: Option<String>,
    modified: Option<String>,
}

fn parse_manifest(xml: &str) -> Manifest {
    let mut m = Manifest::default();
    let mut reader = Reader::from_str(xml);
    // The element whose text is being read: `title`, or a `meta` by its `name`.
    let mut field: Option<String> = None;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => manifest_element(&e, true, &mut m, &mut field),
            // An empty element has no text: it must not leave `field` set for the next one's.
            Ok(Event::Empty(e)) => manifest_element(&e, false, &mut m, &mut field),
            Ok(Event::Text(t)) => {
                let t = t.xml10_content();
                let t = t.trim();
                if t.is_empty() {
                    continue;
                }
                match field.as_deref() {
                    Some("title") => m.title = Some(t.to_string()),
                    Some("creator") => m.creator = Some(t.to_string()),
                    Some("ModifiedDate") => m.modified = iso_date(t),
                    _ => {}
                }
            }
            Ok(Event::End(_)) => field = None,
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    m
}

fn manifest_element(
    e: &quick_xml::events::BytesStart<'_>,
    is_start: bool,
    m: &mut Manifest,
    field: &mut Option<String>,
) {
    let attr = |key: &str| {
        e.attributes()
            .filter_map(Result::ok)
            .find(|a| a.key.local_name().as_ref() == key)
            .map(|a| a.value.trim().to_string())
    };
    match e.local_name().as_ref() {
        "item" => {
            if let (Some(id), Some(href)) = (attr("id"), attr("href")) {
                m.items.insert(id, href);
            }
        }
        "itemref" => m.spine.extend(attr("idref")),
        "title" if is_start => *field = Some("title".into()),
        "meta" if is_start => *field = attr("name"),
        _ => {}
    }
}

/// `2018-09-02T10:11:12Z` → `2018-09-02`.
fn iso_date(v: &str) -> Option<String> {
    let d = v.get(..10)?;
    let b = d.as_bytes();
    (b[4] == b'-' && b[7] == b'-' && d.replace('-', "").bytes().all(|c| c.is_ascii_digit()))
        .then(|| d.to_string())
}

/// Feeds the text of one section's XML to `layout`.
fn section_text(xml: &str, layout: &mut Layout) -> Result<(), String> {
    let mut reader = Reader::from_str(xml);
    // Elements open inside `<hp:t>` (text runs) and what each open table/skip element is.
    let mut in_text = 0usize;
    let mut open: Vec<Open> = Vec::new();
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("XML error at byte {}: {e}", reader.buffer_position()))?;
        match event {
            Event::Start(e) => {
                let kind = start(e.local_name().as_ref(), layout, &mut in_text);
                open.push(kind);
            }
            Event::Empty(e) => {
                let name = e.local_name();
                match name.as_ref() {
                    "tab" if in_text > 0 => layout.text("\t"),
                    "lineBreak" if in_text > 0 => layout.text("\n"),
                    "nbSpace" | "fwSpace" if in_text > 0 => layout.text(" "),
                    "hyphen" if in_text > 0 => layout.text("-"),
                    "p" => layout.paragraph(),
                    _ => {}
                }
            }
            Event::End(_) => match open.pop() {
                Some(Open::Text) => in_text = in_text.saturating_sub(1),
                Some(Open::Part) => layout.end(),
                Some(Open::Row) | Some(Open::Cell) | Some(Open::Other) | None => {}
            },
            Event::Text(t) if in_text > 0 => layout.text(&t.xml10_content()),
            Event::CData(t) if in_text > 0 => layout.text(&t.into_inner()),
            Event::GeneralRef(r) if in_text > 0 => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    layout.text(c.encode_utf8(&mut [0; 4]));
                } else if let Some(s) =
                    quick_xml::escape::resolve_predefined_entity(&r.xml10_content())
                {
                    layout.text(s);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(())
}

/// What an open element means for the text.
enum Open {
    /// `<hp:t>`: its character data is text.
    Text,
    /// A table or a skipped part: ends with [`Layout::end`].
    Part,
    Row,
    Cell,
    Other,
}

fn start(name: &str, layout: &mut Layout, in_text: &mut usize) -> Open {
    match name {
        "t" => {
            *in_text += 1;
            Open::Text
        }
        "p" => {
            layout.paragraph();
            Open::Other
        }
        "tbl" => {
            layout.begin_table();
            Open::Part
        }
        "header" | "footer" | "hiddenComment" => {
            layout.begin_skip();
            Open::Part
        }
        "tr" => {
            layout.next_row();
            Open::Row
        }
        "tc" => {
            layout.next_cell();
            Open::Cell
        }
        _ => Open::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn section_paragraphs_tables_and_skipped_parts() {
        let xml = r#"<hs:sec xmlns:hp="p"><hp:p><hp:run><hp:t>보도&amp;자료<hp:tab/>끝</hp:t></hp:run></hp:p>
<hp:p><hp:run><hp:ctrl><hp:header><hp:subList><hp:p><hp:run><hp:t>머리말</hp:t></hp:run></hp:p></hp:subList></hp:header></hp:ctrl>
<hp:tbl><hp:tr><hp:tc><hp:subList><hp:p><hp:run><hp:t>보도일시</hp:t></hp:run></hp:p></hp:subList><hp:cellAddr colAddr="0" rowAddr="0"/></hp:tc>
<hp:tc><hp:subList><hp:p><hp:run><hp:t>2024. 1. 2.</hp:t></hp:run></hp:p></hp:subList></hp:tc></hp:tr></hp:tbl></hp:run></hp:p>
<hp:p><hp:run><hp:equation><hp:script>x over y</hp:script></hp:equation><hp:t>본문&#44608;</hp:t></hp:run></hp:p></hs:sec>"#;
        let mut l = Layout::default();
        section_text(xml, &mut l).unwrap();
        assert_eq!(
            l.finish(),
            (
                "보도&자료\t끝\n\n보도일시\t2024. 1. 2.\n\n본문김".to_string(),
                (3, 1)
            )
        );
    }

    #[test]
    fn manifest_order_and_metadata() {
        let m = parse_manifest(
            r#"<opf:package><opf:metadata><opf:title/><opf:language>ko</opf:language><opf:meta name="ModifiedDate" content="text">2023-12-31T09:01:37Z</opf:meta></opf:metadata><opf:manifest><opf:item id="s1" href="Contents/section1.xml"/><opf:item id="s0" href="Contents/section0.xml"/></opf:manifest><opf:spine><opf:itemref idref="s0"/><opf:itemref idref="s1"/></opf:spine></opf:package>"#,
        );
        assert_eq!(m.title, None);
        assert_eq!(m.modified.as_deref(), Some("2023-12-31"));
        assert_eq!(m.spine, vec!["s0", "s1"]);
        assert_eq!(m.items["s1"], "Contents/section1.xml");
    }

    proptest::proptest! {
        #[test]
        fn any_section_xml(xml in "(<hp:(p|t|tbl|tr|tc|tab/|header)>|</hp:(p|t|tbl|tr|tc|header)>|[가-힣a &;#0-9<>/])*") {
            let mut l = Layout::default();
            let _ = section_text(&xml, &mut l);
            let _ = l.finish();
            let _ = parse_manifest(&xml);
            let _ = iso_date(&xml);
        }
    }
}
