//! The HWP 5 record stream of a body section (`BodyText/SectionN`) → text.
//!
//! A section is a flat sequence of records (`tag`, `level`, `size`, payload). Paragraphs are
//! `PARA_HEADER` records followed by their `PARA_TEXT`; the contents of a control (a table, a
//! text box, a footnote) follow the paragraph that anchors it, one level deeper. So a walk in
//! record order yields the text in reading order, and a control's extent is "until the level
//! drops back to the control's own level". Tables are gathered cell by cell and written one row
//! per line, cells separated by a tab; page headers, footers and hidden comments are skipped
//! (they repeat on every page or are not part of the document's text).

use crate::ingest::read::formats::layout::Layout;

/// Record tags (HWP 5.0 specification, "본문" records: `HWPTAG_BEGIN` + n, `HWPTAG_BEGIN` = 16).
const TAG_PARA_HEADER: u16 = 66;
const TAG_PARA_TEXT: u16 = 67;
const TAG_CTRL_HEADER: u16 = 71;
const TAG_LIST_HEADER: u16 = 72;

/// Size field value that means "the real size follows in the next four bytes".
const EXTENDED_SIZE: u32 = 0xFFF;

/// Control ids (four ASCII bytes, stored little-endian, so `tbl ` reads as ` lbt`).
const CTRL_TABLE: u32 = u32::from_be_bytes(*b"tbl ");
const CTRL_HEADER: u32 = u32::from_be_bytes(*b"head");
const CTRL_FOOTER: u32 = u32::from_be_bytes(*b"foot");
const CTRL_HIDDEN_COMMENT: u32 = u32::from_be_bytes(*b"tcmt");

/// One record of a section stream.
#[derive(Debug, Clone, Copy)]
pub struct Record<'a> {
    pub tag: u16,
    pub level: u16,
    pub data: &'a [u8],
}

/// Iterates over the records of a decompressed stream. A truncated record ends the walk: what
/// came before it is kept, which is what a reader wants from a damaged file.
pub struct Records<'a> {
    bytes: &'a [u8],
    pos: usize,
    /// Set when the stream ended inside a record.
    pub truncated: bool,
}

impl<'a> Records<'a> {
    pub fn new(bytes: &'a [u8]) -> Records<'a> {
        Records {
            bytes,
            pos: 0,
            truncated: false,
        }
    }
}

impl<'a> Iterator for Records<'a> {
    type Item = Record<'a>;

    fn next(&mut self) -> Option<Record<'a>> {
        let rest = self.bytes.get(self.pos..)?;
        if rest.is_empty() {
            return None;
        }
        let Some(head) = read_u32(rest, 0) else {
            self.truncated = true;
            return None;
        };
        let tag = (head & 0x3FF) as u16;
        let level = ((head >> 10) & 0x3FF) as u16;
        let mut size = head >> 20;
        let mut start: usize = 4;
        if size == EXTENDED_SIZE {
            let Some(s) = read_u32(rest, 4) else {
                self.truncated = true;
                return None;
            };
            size = s;
            start = 8;
        }
        let end = start.checked_add(size as usize)?;
        let Some(data) = rest.get(start..end) else {
            self.truncated = true;
            return None;
        };
        self.pos += end;
        Some(Record { tag, level, data })
    }
}

fn read_u32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

fn read_u16(b: &[u8], at: usize) -> Option<u16> {
    let s = b.get(at..at.checked_add(2)?)?;
    Some(u16::from_le_bytes([s[0], s[1]]))
}

/// Decodes a `PARA_TEXT` payload (UTF-16LE with inline controls) to text.
///
/// Codes below 32 are controls. Some are one code unit (line break, paragraph end, special
/// spaces); the others occupy eight code units (the code, six units of parameters, the code
/// again), and those parameters — control ids like `secd`, `cold`, `tbl ` — decode to
/// CJK-looking garbage (`捤獥`) if read as characters. So they are skipped by their code.
pub fn para_text(data: &[u8]) -> String {
    let units: Vec<u16> = data
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    let mut out = Vec::with_capacity(units.len());
    let mut i = 0;
    while i < units.len() {
        let u = units[i];
        match u {
            // Line break inside a paragraph.
            10 => out.push(u16::from(b'\n')),
            // Paragraph end: the paragraph boundary is written by the caller.
            13 => {}
            // Hyphen; bound space and fixed-width space.
            24 => out.push(u16::from(b'-')),
            30 | 31 => out.push(u16::from(b' ')),
            // Other one-unit controls: unusable / reserved.
            0 | 25..=29 => {}
            // Tab: an inline control whose parameters hold its width.
            9 => {
                out.push(u16::from(b'\t'));
                i += 7;
            }
            // Inline and extended controls: eight units in all.
            1..=8 | 11 | 12 | 14..=23 => i += 7,
            _ => out.push(u),
        }
        i += 1;
    }
    String::from_utf16_lossy(&out)
}

/// Assembles the text of the sections of a document.
#[derive(Default)]
pub struct TextBuilder {
    layout: Layout,
    /// Level of the header record of each open table or skipped control: it ends at the next
    /// record at that level or above.
    levels: Vec<u16>,
}

impl TextBuilder {
    /// Feeds the records of one section.
    pub fn section(&mut self, records: &mut Records<'_>) {
        for r in records {
            self.record(r);
        }
        self.close_to(0);
    }

    /// The text and what was skipped: see [`Layout::finish`].
    pub fn finish(self) -> (String, (usize, usize)) {
        self.layout.finish()
    }

    fn record(&mut self, r: Record<'_>) {
        self.close_to(r.level);
        match r.tag {
            TAG_PARA_HEADER => self.layout.paragraph(),
            TAG_PARA_TEXT => self.layout.text(&para_text(r.data)),
            TAG_CTRL_HEADER => {
                match read_u32(r.data, 0) {
                    Some(CTRL_TABLE) => self.layout.begin_table(),
                    Some(CTRL_HEADER | CTRL_FOOTER | CTRL_HIDDEN_COMMENT) => {
                        self.layout.begin_skip()
                    }
                    _ => return,
                }
                self.levels.push(r.level);
            }
            // A table cell: paragraph count and flags (4 + 4 bytes), column, row.
            TAG_LIST_HEADER
                if self.layout.in_table()
                    && self.levels.last() == Some(&(r.level.wrapping_sub(1))) =>
            {
                if let (Some(col), Some(row)) = (read_u16(r.data, 8), read_u16(r.data, 10)) {
                    self.layout.cell(u32::from(row), u32::from(col));
                }
            }
            _ => {}
        }
    }

    /// Ends the controls that a record at `level` is outside of.
    fn close_to(&mut self, level: u16) {
        while self.levels.last().is_some_and(|&l| l >= level) {
            self.levels.pop();
            self.layout.end();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units(s: &str) -> Vec<u16> {
        s.encode_utf16().collect()
    }

    fn bytes(units: &[u16]) -> Vec<u8> {
        units.iter().flat_map(|u| u.to_le_bytes()).collect()
    }

    /// An eight-unit control with the given code and a four-byte control id as parameter.
    fn control(code: u16, id: &[u8; 4]) -> Vec<u16> {
        let mut v = vec![code];
        v.push(u16::from_le_bytes([id[3], id[2]]));
        v.push(u16::from_le_bytes([id[1], id[0]]));
        v.extend([0; 4]);
        v.push(code);
        v
    }

    #[test]
    fn controls_are_skipped_by_code_not_by_character() {
        let mut u = control(2, b"secd");
        u.extend(control(2, b"cold"));
        u.extend(units("보도자료"));
        u.push(9);
        u.extend([0; 6]);
        u.push(9);
        u.extend(units("과학기술정보통신부"));
        u.extend(control(11, b"tbl "));
        u.push(13);
        assert_eq!(para_text(&bytes(&u)), "보도자료\t과학기술정보통신부");
    }

    fn record(tag: u16, level: u16, data: &[u8]) -> Vec<u8> {
        let size = data.len() as u32;
        let mut out = Vec::new();
        if size >= EXTENDED_SIZE {
            let head = u32::from(tag) | (u32::from(level) << 10) | (EXTENDED_SIZE << 20);
            out.extend(head.to_le_bytes());
            out.extend(size.to_le_bytes());
        } else {
            let head = u32::from(tag) | (u32::from(level) << 10) | (size << 20);
            out.extend(head.to_le_bytes());
        }
        out.extend(data);
        out
    }

    fn text_record(level: u16, s: &str) -> Vec<u8> {
        let mut u = units(s);
        u.push(13);
        record(TAG_PARA_TEXT, level, &bytes(&u))
    }

    fn cell(level: u16, col: u16, row: u16) -> Vec<u8> {
        let mut d = vec![1, 0, 0, 0, 0, 0, 0, 0];
        d.extend(col.to_le_bytes());
        d.extend(row.to_le_bytes());
        d.extend([0; 22]);
        record(TAG_LIST_HEADER, level, &d)
    }

    #[test]
    fn tables_are_written_row_by_row() {
        let mut s = Vec::new();
        s.extend(record(TAG_PARA_HEADER, 0, &[0; 22]));
        s.extend(text_record(1, "머리"));
        s.extend(record(TAG_CTRL_HEADER, 1, b" lbt"));
        for (col, row, t) in [
            (0, 0, "보도일시"),
            (1, 0, "2018. 9. 4."),
            (0, 1, "담당부서"),
            (1, 1, "우주기술과"),
        ] {
            s.extend(cell(2, col, row));
            s.extend(record(TAG_PARA_HEADER, 2, &[0; 22]));
            s.extend(text_record(3, t));
        }
        s.extend(record(TAG_PARA_HEADER, 0, &[0; 22]));
        s.extend(text_record(1, "본문"));
        // A page footer: skipped.
        s.extend(record(TAG_CTRL_HEADER, 1, b"toof"));
        s.extend(record(TAG_LIST_HEADER, 2, &[0; 8]));
        s.extend(record(TAG_PARA_HEADER, 2, &[0; 22]));
        s.extend(text_record(3, "- 1 -"));
        s.extend(record(TAG_PARA_HEADER, 0, &[0; 22]));
        s.extend(text_record(1, &"끝".repeat(3000)));
        let mut b = TextBuilder::default();
        b.section(&mut Records::new(&s));
        let (text, skipped) = b.finish();
        assert_eq!(
            text,
            format!(
                "머리\n\n보도일시\t2018. 9. 4.\n담당부서\t우주기술과\n\n본문\n\n{}",
                "끝".repeat(3000)
            )
        );
        assert_eq!(skipped, (5, 1));
    }

    #[test]
    fn truncated_record_keeps_what_came_before() {
        let mut s = text_record(0, "앞");
        s.extend(&record(TAG_PARA_TEXT, 0, &[0; 40])[..10]);
        let mut r = Records::new(&s);
        assert_eq!(r.by_ref().count(), 1);
        assert!(r.truncated);
    }

    proptest::proptest! {
        /// Any bytes as a section stream: text or nothing, never a panic.
        #[test]
        fn any_record_stream(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..2048)) {
            let mut b = TextBuilder::default();
            b.section(&mut Records::new(&bytes));
            let _ = b.finish();
            let _ = para_text(&bytes);
        }
    }
}
