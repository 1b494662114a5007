//! Boilerplate that generalises: lines a site repeats on every page (share bars, subscription
//! and copyright lines, "기자의 다른 기사" links) are learned from the corpus instead of listed
//! per site.
//!
//! - [`is_menu_line`]: a short line of menu-like tokens separated by bullets or bars
//!   (`• 프린트 • 메일 • 스크랩`, `홈 > 뉴스 > 지역`) is page furniture, never a headline.
//! - [`Learned`]: per group (the folder a file lies in), which short lines occur in which files.
//!   A line found in [`MIN_DOCS`] or more files of the group is boilerplate and is dropped from
//!   the text that is indexed, titled and snippeted (date and source extraction still see it).
//!   The table is kept with the index ([`Learned::load`], [`Learned::save`]), so when one new
//!   file arrives it is cleaned with what the folder already taught; when a new file makes a
//!   line cross the threshold, the files of that folder that hold the line are re-extracted
//!   (see `index::update`).
//!
//! Long lines and sentences (`…했다.`) are never candidates: article text that two outlets share
//! stays. The first line of a document (its headline) is never dropped.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write;
use std::path::Path;

/// Files of one folder in which a line must occur to count as boilerplate. Two could be one
/// story saved twice; three different articles with the same line are a site's template.
pub const MIN_DOCS: usize = 3;

/// Longest line (characters) that can be learned as boilerplate. Page chrome is short; a long
/// line is text.
pub const MAX_LINE_CHARS: usize = 80;

/// Longest line (characters) that [`is_menu_line`] considers.
const MAX_MENU_LINE_CHARS: usize = 60;

/// Longest token (characters) of a menu line: menu items are one or two words.
const MAX_MENU_TOKEN_CHARS: usize = 10;

/// Separators of menu items and breadcrumbs. Not the middle dot `·` (headlines list with it:
/// `경북·대구 통합`), not `/` (`AI/빅데이터`), not `□ ■ ◆` (press releases open paragraphs and
/// headings with them: `□ 추진 배경`).
const MENU_SEPARATORS: &[char] = &['•', '∙', '|', '｜', '▶', '▷', '›', '»', '>'];

/// Bullets: two items behind bullets are already a menu (`• 프린트 • 메일`); bars and arrows
/// need three (`홈 > 뉴스` could be a heading, `국가별 발표 | 한국` a table row).
const MENU_BULLETS: &[char] = &['•', '∙'];

/// Name of the table's file in the index folder.
pub const FILE_NAME: &str = "boilerplate.tsv";

const HEADER: &str = "kpolicy-boilerplate 1";

/// A line of two or more short menu items separated by bullets, bars or `>`: share bars,
/// breadcrumbs, section menus. Such a line is furniture and never a title.
pub fn is_menu_line(line: &str) -> bool {
    let t = line.trim();
    if t.chars().count() > MAX_MENU_LINE_CHARS || !t.contains(MENU_SEPARATORS) {
        return false;
    }
    // Sentences, `<상방 요인> <하방 요인>` headings and table rows with empty cells are text.
    if t.ends_with("다.") || t.ends_with('다') || t.contains('<') {
        return false;
    }
    let pieces: Vec<&str> = t.split(MENU_SEPARATORS).map(str::trim).collect();
    let inner = &pieces[1..pieces.len().saturating_sub(1).max(1)];
    if inner.iter().any(|p| p.is_empty()) {
        return false;
    }
    let tokens: Vec<&str> = pieces.into_iter().filter(|s| !s.is_empty()).collect();
    let needed = if t.contains(MENU_BULLETS) { 2 } else { 3 };
    if tokens.len() < needed {
        return false;
    }
    // Table rows (`2019 | 2020 | 증감`) and dates carry numbers; menus do not. A menu item is
    // one or two short words.
    tokens.iter().all(|s| {
        !s.contains(|c: char| c.is_ascii_digit())
            && s.chars().count() <= MAX_MENU_TOKEN_CHARS
            && s.split_whitespace().count() <= 2
    })
}

/// The key of a line that can be learned, or `None` for lines that never are (empty, long,
/// sentences). Whitespace is folded so that re-wrapped copies match.
pub fn line_key(line: &str) -> Option<u64> {
    let t = line.trim();
    let n = t.chars().count();
    if !(2..=MAX_LINE_CHARS).contains(&n) || is_sentence(t) {
        return None;
    }
    let folded: String = t.split_whitespace().collect::<Vec<_>>().join(" ");
    let h = blake3::hash(folded.as_bytes());
    let mut b = [0u8; 8];
    b[2..].copy_from_slice(&h.as_bytes()[..6]);
    // 48 bits: collisions are negligible for millions of lines and the file stays small.
    Some(u64::from_be_bytes(b))
}

fn is_sentence(t: &str) -> bool {
    let t = t.trim_end_matches(['"', '\'', '”', '’', ')']);
    t.ends_with("다.") || t.ends_with("요.") || t.ends_with("다") || t.contains("다. ")
}

/// Distinct keys of a document's learnable lines; the first non-empty line (the headline) is
/// left out.
pub fn candidates(text: &str) -> Vec<u64> {
    let mut seen = HashSet::new();
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .skip(1)
        .filter_map(line_key)
        .filter(|k| seen.insert(*k))
        .collect()
}

/// The group of a file: its index key (`<root>\u{1f}<relative path>`) without the file name.
pub fn group_of(file_key: &str) -> &str {
    match file_key.rfind(['/', '\u{1f}']) {
        Some(i) => &file_key[..i],
        None => "",
    }
}

/// Which learnable lines occur in which files, per group.
#[derive(Debug, Default, Clone)]
pub struct Learned {
    groups: BTreeMap<String, Group>,
}

#[derive(Debug, Default, Clone)]
struct Group {
    docs: BTreeMap<String, Vec<u64>>,
    counts: HashMap<u64, u32>,
}

impl Group {
    fn remove(&mut self, doc: &str) {
        if let Some(old) = self.docs.remove(doc) {
            for k in old {
                if let Some(c) = self.counts.get_mut(&k) {
                    *c -= 1;
                    if *c == 0 {
                        self.counts.remove(&k);
                    }
                }
            }
        }
    }

    fn set(&mut self, doc: &str, keys: Vec<u64>) {
        self.remove(doc);
        for &k in &keys {
            *self.counts.entry(k).or_default() += 1;
        }
        self.docs.insert(doc.to_string(), keys);
    }

    fn boilerplate(&self) -> HashSet<u64> {
        self.counts
            .iter()
            .filter(|&(_, &c)| c as usize >= MIN_DOCS)
            .map(|(&k, _)| k)
            .collect()
    }
}

impl Learned {
    /// Records the learnable lines of `doc` (a file key), replacing what it had.
    pub fn set(&mut self, doc: &str, keys: Vec<u64>) {
        self.groups
            .entry(group_of(doc).to_string())
            .or_default()
            .set(doc, keys);
    }

    /// Forgets a file (deleted from its folder).
    pub fn remove(&mut self, doc: &str) {
        if let Some(g) = self.groups.get_mut(group_of(doc)) {
            g.remove(doc);
            if g.docs.is_empty() {
                self.groups.remove(group_of(doc));
            }
        }
    }

    /// True when the table knows `doc`.
    pub fn knows(&self, doc: &str) -> bool {
        self.groups
            .get(group_of(doc))
            .is_some_and(|g| g.docs.contains_key(doc))
    }

    /// The boilerplate line keys of a group.
    pub fn boilerplate(&self, group: &str) -> HashSet<u64> {
        self.groups
            .get(group)
            .map(Group::boilerplate)
            .unwrap_or_default()
    }

    /// Files of `group` holding any of `keys`.
    pub fn docs_with(&self, group: &str, keys: &HashSet<u64>) -> Vec<String> {
        let Some(g) = self.groups.get(group) else {
            return Vec::new();
        };
        g.docs
            .iter()
            .filter(|(_, ks)| ks.iter().any(|k| keys.contains(k)))
            .map(|(d, _)| d.clone())
            .collect()
    }

    /// All files the table knows.
    pub fn docs(&self) -> impl Iterator<Item = &str> {
        self.groups
            .values()
            .flat_map(|g| g.docs.keys().map(String::as_str))
    }

    /// The lines of `text` that are boilerplate in `group` (trimmed, as they appear), the
    /// headline line excepted.
    pub fn lines_to_drop(&self, group: &str, text: &str) -> Vec<String> {
        let bp = self.boilerplate(group);
        if bp.is_empty() {
            return Vec::new();
        }
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .skip(1)
            .filter(|l| line_key(l).is_some_and(|k| bp.contains(&k)))
            .map(|l| l.trim().to_string())
            .collect()
    }

    /// Reads the table kept in an index folder. A missing or unreadable table is empty: it is
    /// learned again from the files that change.
    pub fn load(index_dir: &Path) -> Learned {
        let Ok(text) = std::fs::read_to_string(index_dir.join(FILE_NAME)) else {
            return Learned::default();
        };
        let mut lines = text.lines();
        if lines.next() != Some(HEADER) {
            return Learned::default();
        }
        let mut learned = Learned::default();
        for line in lines {
            let Some((doc, keys)) = line.split_once('\t') else {
                continue;
            };
            let keys: Vec<u64> = keys
                .split(',')
                .filter_map(|k| u64::from_str_radix(k, 16).ok())
                .collect();
            learned.set(doc, keys);
        }
        learned
    }

    /// Writes the table into the index folder (to a temporary file, then renamed, so that a
    /// kill leaves the old table or the new one).
    pub fn save(&self, index_dir: &Path) -> std::io::Result<()> {
        let mut tmp = tempfile::NamedTempFile::new_in(index_dir)?;
        {
            let mut w = std::io::BufWriter::new(tmp.as_file_mut());
            writeln!(w, "{HEADER}")?;
            for g in self.groups.values() {
                for (doc, keys) in &g.docs {
                    if doc.contains(['\t', '\n']) {
                        continue;
                    }
                    write!(w, "{doc}\t")?;
                    for (i, k) in keys.iter().enumerate() {
                        if i > 0 {
                            write!(w, ",")?;
                        }
                        write!(w, "{k:x}")?;
                    }
                    writeln!(w)?;
                }
            }
            w.flush()?;
        }
        tmp.persist(index_dir.join(FILE_NAME))
            .map(|_| ())
            .map_err(|e| e.error)
    }
}

/// Most files of a folder read to learn its boilerplate when there is no index to ask
/// (`kpolicy inspect`): enough to see a site's template, bounded for huge folders.
pub const MAX_FOLDER_FILES: usize = 2000;

/// Learns the boilerplate of the folders holding `files`, from the article files beside them
/// (not in subfolders), as `kpolicy index` would for that folder. Keys are the files' paths.
pub fn learn_folders(files: &[&Path], max_bytes: u64) -> Learned {
    let mut learned = Learned::default();
    let mut done = HashSet::new();
    for f in files {
        let Some(dir) = f.parent() else { continue };
        if !done.insert(dir.to_path_buf()) {
            continue;
        }
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        for e in entries.flatten().take(MAX_FOLDER_FILES) {
            let path = e.path();
            if !path.is_file() {
                continue;
            }
            if let Ok((raws, _, _)) = crate::ingest::read_file(&path, max_bytes) {
                let mut keys: Vec<u64> = raws.iter().flat_map(|r| candidates(&r.text)).collect();
                keys.sort_unstable();
                keys.dedup();
                learned.set(&folder_key(&path), keys);
            }
        }
    }
    learned
}

/// The key [`learn_folders`] gives a file: its canonical path, so that `a.txt` and `./a.txt`
/// are one file and [`group_of`] is its folder.
pub fn folder_key(path: &Path) -> String {
    path.canonicalize()
        .unwrap_or_else(|_| path.to_path_buf())
        .to_string_lossy()
        .into_owned()
}

/// Drops `lines` (trimmed, as returned by [`Learned::lines_to_drop`]) from a cleaned text,
/// keeping its first line. Returns what was dropped.
pub fn drop_lines(text: &str, lines: &[String]) -> (String, Vec<String>) {
    if lines.is_empty() {
        return (text.to_string(), Vec::new());
    }
    let drop: HashSet<&str> = lines.iter().map(String::as_str).collect();
    let mut kept: Vec<&str> = Vec::new();
    let mut dropped = Vec::new();
    let mut first = true;
    for line in text.lines() {
        let t = line.trim();
        if !t.is_empty() && !first && drop.contains(t) {
            dropped.push(t.to_string());
            continue;
        }
        if !t.is_empty() {
            first = false;
        }
        if t.is_empty() && kept.last().is_none_or(|l| l.trim().is_empty()) {
            continue;
        }
        kept.push(line);
    }
    while kept.last().is_some_and(|l| l.trim().is_empty()) {
        kept.pop();
    }
    (kept.join("\n"), dropped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn menu_lines_are_furniture_headlines_are_not() {
        for menu in [
            "• 프린트 • 메일 • 스크랩",
            "프린트 | 메일 | 스크랩 | 글자크기",
            "홈 > 뉴스 > 지역",
            "페이스북 | 트위터 | 카카오톡",
        ] {
            assert!(is_menu_line(menu), "{menu}");
        }
        for title in [
            "AI/빅데이터 산업 육성",
            "경북·대구 행정통합 추진",
            "<기획> 청년 일자리 > 지역 소멸을 막는 열쇠",
            "안동시, 바이오 특구 지정",
            "정부는 | 표시를 쓰지 않았다.",
            "2019 | 2020 | 증감",
            "□ 기타사항",
            "| 목차",
            "<상방 요인> <하방 요인>",
            "국가별 발표 | | 한국",
            "- 생활안전지도 / 지역안전등급 / 시설물안전정보",
        ] {
            assert!(!is_menu_line(title), "{title}");
        }
    }

    #[test]
    fn a_line_in_three_files_is_learned() {
        let mut l = Learned::default();
        let chrome = "기자의 다른 기사 보기";
        for (i, body) in ["가", "나", "다"].iter().enumerate() {
            let text = format!("제목{i}\n{body} 본문이 이어졌다.\n{chrome}");
            l.set(&format!("/r\u{1f}news/{i}.html"), candidates(&text));
        }
        let other = format!("다른 제목\n본문이다.\n{chrome}\n구독하기");
        let drop = l.lines_to_drop("/r\u{1f}news", &other);
        assert_eq!(drop, vec![chrome.to_string()]);
        // Another folder learned nothing.
        assert!(l.lines_to_drop("/r\u{1f}other", &other).is_empty());
        // A file that goes away takes its lines with it.
        l.remove("/r\u{1f}news/0.html");
        assert!(l.lines_to_drop("/r\u{1f}news", &other).is_empty());
    }

    #[test]
    fn sentences_and_headlines_are_never_learned() {
        assert_eq!(line_key("시는 이번 사업에 10억원을 투입한다."), None);
        assert_eq!(line_key(&"가".repeat(MAX_LINE_CHARS + 1)), None);
        assert!(line_key("구독하기").is_some());
        assert!(candidates("같은 제목\n구독").len() == 1);
        let (t, d) = drop_lines(
            "같은 제목\n\n본문\n\n구독\n\n끝",
            &["같은 제목".into(), "구독".into()],
        );
        assert_eq!(t, "같은 제목\n\n본문\n\n끝");
        assert_eq!(d, vec!["구독".to_string()]);
    }

    #[test]
    fn the_table_survives_a_save_and_load() {
        let dir = tempfile::tempdir().unwrap();
        let mut l = Learned::default();
        l.set("/r\u{1f}a.txt", vec![1, 0xabc]);
        l.set("/r\u{1f}b.txt", vec![0xabc]);
        l.save(dir.path()).unwrap();
        let back = Learned::load(dir.path());
        assert!(back.knows("/r\u{1f}a.txt"));
        assert_eq!(back.docs().count(), 2);
        assert_eq!(
            back.docs_with("/r", &[1].into_iter().collect()),
            vec!["/r\u{1f}a.txt"]
        );
    }
}
