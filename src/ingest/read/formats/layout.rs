//! Document structure → text, shared by the HWP and HWPX readers: paragraphs in reading order,
//! tables one row per line with cells separated by tabs, and parts that are not the document's
//! text (page headers and footers, hidden comments) left out and counted.
//!
//! Readers call [`Layout::paragraph`] / [`Layout::text`] as they meet paragraphs, and open a
//! table, a cell or a skipped part with the `begin_*` calls and close it with [`Layout::end`].

use std::collections::BTreeMap;

enum Frame {
    Table(Table),
    Skip,
}

/// A table being read: its cells by (row, column), each a list of paragraphs.
#[derive(Default)]
struct Table {
    cells: BTreeMap<(u32, u32), Vec<String>>,
    current: (u32, u32),
    /// For readers that give rows and cells in order ([`Layout::next_row`]): the row being
    /// read, and the column its next cell gets.
    row: Option<u32>,
    next_col: u32,
}

impl Table {
    /// The table as paragraphs: one paragraph with a line per row, cells separated by tabs. A
    /// one-column table (a boxed paragraph, a common press-release layout) keeps its
    /// paragraphs.
    fn into_paragraphs(self) -> Vec<String> {
        let one_column = self.cells.keys().all(|&(_, c)| c == 0);
        if one_column {
            return self.cells.into_values().flatten().collect();
        }
        let mut rows: BTreeMap<u32, Vec<String>> = BTreeMap::new();
        for ((row, _), paras) in self.cells {
            let text = paras
                .iter()
                .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            if !text.is_empty() {
                rows.entry(row).or_default().push(text);
            }
        }
        let lines: Vec<String> = rows.into_values().map(|cells| cells.join("\t")).collect();
        vec![lines.join("\n")]
    }
}

/// Text being assembled.
#[derive(Default)]
pub struct Layout {
    /// Paragraphs of the body, in order.
    paragraphs: Vec<String>,
    stack: Vec<Frame>,
    /// Left out: characters and parts.
    skipped: (usize, usize),
}

impl Layout {
    /// Starts a paragraph where text goes now.
    pub fn paragraph(&mut self) {
        if let Some(paras) = self.target() {
            paras.push(String::new());
        }
    }

    /// Appends to the current paragraph.
    pub fn text(&mut self, s: &str) {
        match self.target() {
            Some(paras) => match paras.last_mut() {
                Some(last) => last.push_str(s),
                None => paras.push(s.to_string()),
            },
            None => self.skipped.0 += s.trim().chars().count(),
        }
    }

    pub fn begin_table(&mut self) {
        self.stack.push(Frame::Table(Table::default()));
    }

    /// Moves to cell (`row`, `col`) of the innermost table; ignored outside a table.
    pub fn cell(&mut self, row: u32, col: u32) {
        if let Some(Frame::Table(t)) = self.stack.last_mut() {
            t.current = (row, col);
            t.cells.entry((row, col)).or_default();
        }
    }

    /// Starts the next row of the innermost table (for readers without cell addresses).
    pub fn next_row(&mut self) {
        if let Some(Frame::Table(t)) = self.stack.last_mut() {
            t.row = Some(t.row.map_or(0, |r| r.saturating_add(1)));
            t.next_col = 0;
        }
    }

    /// Moves to the next cell of the current row.
    pub fn next_cell(&mut self) {
        if let Some(Frame::Table(t)) = self.stack.last_mut() {
            let pos = (t.row.unwrap_or(0), t.next_col);
            t.next_col = t.next_col.saturating_add(1);
            t.current = pos;
            t.cells.entry(pos).or_default();
        }
    }

    /// True when the innermost open part is a table.
    pub fn in_table(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Table(_)))
    }

    /// Starts a part whose text is left out (page header, footer, hidden comment).
    pub fn begin_skip(&mut self) {
        self.skipped.1 += 1;
        self.stack.push(Frame::Skip);
    }

    /// Ends the innermost table or skipped part; a table is written into what contains it.
    pub fn end(&mut self) {
        if let Some(Frame::Table(t)) = self.stack.pop() {
            let table = t.into_paragraphs();
            if let Some(paras) = self.target() {
                paras.extend(table);
                // Text of the anchoring paragraph after the table starts a new paragraph.
                paras.push(String::new());
            }
        }
    }

    /// The text (paragraphs separated by blank lines, empty ones left out) and what was
    /// skipped: (characters, parts).
    pub fn finish(mut self) -> (String, (usize, usize)) {
        while !self.stack.is_empty() {
            self.end();
        }
        let paras: Vec<&str> = self
            .paragraphs
            .iter()
            .map(|p| p.trim())
            .filter(|p| !p.is_empty())
            .collect();
        (paras.join("\n\n"), self.skipped)
    }

    /// Where paragraphs go now: the body, the current cell of the innermost table, or nowhere.
    fn target(&mut self) -> Option<&mut Vec<String>> {
        match self.stack.last_mut() {
            None => Some(&mut self.paragraphs),
            Some(Frame::Table(t)) => Some(t.cells.entry(t.current).or_default()),
            Some(Frame::Skip) => None,
        }
    }
}

/// How a reader reports what [`Layout::finish`] says it skipped: `None` when nothing was.
pub fn skipped_parts((chars, count): (usize, usize)) -> Option<super::Removed> {
    (count > 0).then(|| super::Removed {
        what: "page headers, footers and hidden comments".into(),
        chars,
        count,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_rows_and_boxes() {
        let mut l = Layout::default();
        l.paragraph();
        l.text("머리");
        l.begin_table();
        for (r, c, t) in [
            (1, 0, "담당부서"),
            (0, 1, "2018. 9. 4."),
            (0, 0, "보도일시"),
            (1, 1, "우주기술과"),
        ] {
            l.cell(r, c);
            l.paragraph();
            l.text(t);
        }
        // A nested one-column table (a box) inside the last cell.
        l.begin_table();
        l.cell(0, 0);
        l.paragraph();
        l.text("상자");
        l.end();
        l.end();
        l.begin_skip();
        l.paragraph();
        l.text("- 1 -");
        l.end();
        l.paragraph();
        l.text("본문");
        assert_eq!(
            l.finish(),
            (
                "머리\n\n보도일시\t2018. 9. 4.\n담당부서\t우주기술과 상자\n\n본문".to_string(),
                (5, 1)
            )
        );
    }
}
