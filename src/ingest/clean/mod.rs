//! Strips page furniture copied from news sites: share/print menus, vote widgets, `더보기`,
//! copyright and redistribution lines, reporter bylines, e-mail addresses, date lines and photo
//! captions. What remains is what gets indexed, shown as title and snippeted. The original file
//! is never modified. The menu words, date markers and byline titles are data files
//! (`data/menu_words.txt`, `date_markers.txt`, `byline_titles.txt`); date lines and copyright
//! statements are recognised with extraction's rules (`data::Furniture`, `furniture`).

use std::sync::LazyLock;

use regex::Regex;

pub mod boilerplate;
mod controls;
pub(crate) mod furniture;

use crate::data::Resources;
use furniture::RE_COPYRIGHT_STATEMENT;

/// Lowercasing changes a line's length in bytes by at most this factor: a line longer than the
/// longest menu word times this cannot be one, and is not lowercased to be compared.
const LOWERCASE_GROWTH: usize = 3;
/// Lines at least this long (characters) are not checked for a copyright statement: the
/// unanchored pattern would otherwise scan every body paragraph, and a paragraph that quotes
/// the words is text.
const MAX_COPYRIGHT_LINE_CHARS: usize = 160;
/// Date lines (`입력 : 2019-07-30 오후 3:40:18`) are shorter than this (characters).
const MAX_DATE_LINE_CHARS: usize = 80;
/// Photo captions are shorter than this (characters); a longer line ending in `ⓒ 광주광역시` is
/// a sentence.
const MAX_CAPTION_CHARS: usize = 120;
/// A line with an e-mail address shorter than this (characters) is a byline remnant.
const MAX_EMAIL_LINE_CHARS: usize = 100;

static RE_EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9._%+\-∙·]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}").expect("static regex")
});
static RE_VOTE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(총\s*)?\d+\s*명(\s*참여)?$|^\d+%$").expect("static regex"));
/// Photo captions: `사진/인천시`, `(사진=광주시 제공)`, lines ending with `ⓒ 광주광역시`.
static RE_CAPTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(^\s*[\(\[]?사진\s*[/=:]|[\(\[]사진\s*[=/:][^\)\]]*[\)\]]\s*$|사진\s*/\s*[가-힣A-Za-z]+\s*$|[ⓒ©]\s*[가-힣A-Za-z]+\s*$)")
        .expect("static regex")
});

/// The cleaned text of an article and the lines that were dropped (shown by `inspect`).
#[derive(Debug, Clone, Default)]
pub(crate) struct Cleaned {
    pub text: String,
    pub removed: Vec<String>,
}

/// Cleans a raw article: the furniture lines go, e-mail addresses are cut out of the others,
/// runs of blank lines become one paragraph break.
pub(crate) fn clean(raw: &str, res: &Resources) -> Cleaned {
    let mut kept: Vec<String> = Vec::new();
    let mut removed: Vec<String> = Vec::new();
    for line in raw.lines() {
        let t = line.trim_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}');
        if t.is_empty() {
            // Keep one blank line as a paragraph break.
            if kept.last().is_some_and(|l| !l.is_empty()) {
                kept.push(String::new());
            }
            continue;
        }
        if is_furniture(t, res) {
            removed.push(t.to_string());
            continue;
        }
        let stripped = RE_EMAIL.replace_all(t, "");
        let stripped = stripped.trim();
        if stripped.is_empty() {
            removed.push(t.to_string());
            continue;
        }
        kept.push(stripped.to_string());
    }
    while kept.last().is_some_and(|l| l.is_empty()) {
        kept.pop();
    }
    Cleaned {
        text: kept.join("\n"),
        removed,
    }
}

/// True for a line that is page furniture rather than article text.
fn is_furniture(line: &str, res: &Resources) -> bool {
    let menu_words = &res.menu_words;
    if boilerplate::is_menu_line(line) || controls::is_control_line(line, &res.page_controls) {
        return true;
    }
    let t = line
        .trim_start_matches(['•', '·', '-', '*', '▶', '■', '|'])
        .trim();
    if t.is_empty() {
        return true;
    }
    // Menu words are short: a longer line is not lowercased (a copy per line) to be compared.
    if t.len() <= LOWERCASE_GROWTH * menu_words.max_bytes()
        && menu_words.contains(&t.to_lowercase())
    {
        return true;
    }
    if RE_VOTE.is_match(t) || t == "%" {
        return true;
    }
    // Length first: a paragraph of body text is not scanned by the unanchored patterns.
    let n = t.chars().count();
    if n < MAX_COPYRIGHT_LINE_CHARS && RE_COPYRIGHT_STATEMENT.is_match(t) {
        return true;
    }
    if n < MAX_DATE_LINE_CHARS && res.furniture.date_line.is_match(t) {
        return true;
    }
    if !t.ends_with('다') && !t.ends_with("다.") && res.furniture.byline.is_match(t) {
        return true;
    }
    if n < MAX_CAPTION_CHARS && !t.ends_with("다.") && RE_CAPTION.is_match(t) {
        return true;
    }
    // A line that is only a byline's e-mail and date (`kst@… | 2020.06.29 17:40:29`).
    if n < MAX_EMAIL_LINE_CHARS && !t.contains("다.") && RE_EMAIL.is_match(t) {
        return true;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean(raw: &str) -> String {
        super::clean(raw, &Resources::embedded().expect("embedded data")).text
    }

    #[test]
    fn menus_votes_and_copyright_go() {
        let raw = "• 프린트\n  • 메일\n  • 스크랩\n제목입니다\n본문 첫 줄이다.\n찬성 반대\n찬성\n0명\n0%\n총 0명 참여\n더보기\nⓒ 프라임경제(http://www.newsprime.co.kr) 무단전재 및 재배포금지";
        assert_eq!(clean(raw), "제목입니다\n본문 첫 줄이다.");
    }

    #[test]
    fn bylines_dates_and_emails_go() {
        let raw = "인천시, 미래 일자리\n입력 : 2019-07-30 오후 3:40:18\n본문이다.\n정등용 기자 dyzpower@etomato.com\nⓒ 맛있는 뉴스토마토, 무단 전재 - 재배포 금지\n정등용 기자";
        assert_eq!(clean(raw), "인천시, 미래 일자리\n본문이다.");
        let raw = "김성태・강경식 기자 | kst∙kks@newsprime.co.kr | 2020.06.29 17:40:29\n본문이다.";
        assert_eq!(clean(raw), "본문이다.");
    }

    #[test]
    fn captions_go_but_sentences_stay() {
        let raw = "이용섭 광주광역시장의 임기 2년 핵심성과. ⓒ 광주광역시\n30일 시청에서 브리핑을 하고 있다. 사진/인천시\n시는 계획을 밝혔다.";
        assert_eq!(clean(raw), "시는 계획을 밝혔다.");
    }
}
