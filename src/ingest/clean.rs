//! Strips page furniture copied from news sites: share/print menus, vote widgets, `더보기`,
//! copyright and redistribution lines, reporter bylines, e-mail addresses, date lines and photo
//! captions. What remains is what gets indexed, shown as title and snippeted. The original file
//! is never modified.

use std::sync::LazyLock;

use regex::Regex;

/// Whole lines that are site navigation or widgets.
const MENU_WORDS: &[&str] = &[
    "프린트",
    "인쇄",
    "메일",
    "스크랩",
    "글자크기",
    "크게",
    "작게",
    "공유",
    "공유하기",
    "더보기",
    "맨 위로",
    "맨위로",
    "찬성",
    "반대",
    "찬성 반대",
    "목록",
    "이전글",
    "다음글",
    "url복사",
    "카카오톡",
    "페이스북",
    "트위터",
    "네이버밴드",
    "좋아요",
    "댓글",
    "기사공유",
    "이 기사를 공유해보세요",
    "해외 벤치마킹",
    "추천",
    "구독",
];

/// The longest menu word, in bytes.
const MENU_WORD_MAX_BYTES: usize = {
    let mut max = 0;
    let mut i = 0;
    while i < MENU_WORDS.len() {
        if MENU_WORDS[i].len() > max {
            max = MENU_WORDS[i].len();
        }
        i += 1;
    }
    max
};
static RE_COPYRIGHT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(무단\s*전재|재배포\s*금지|무단\s*복제|저작권자\s*[ⓒ©]|Copyright|All rights reserved)",
    )
    .expect("static regex")
});
static RE_EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9._%+\-∙·]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}").expect("static regex")
});
static RE_VOTE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(총\s*)?\d+\s*명(\s*참여)?$|^\d+%$").expect("static regex"));
static RE_DATE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(기사\s*)?(입력|등록|수정|승인|발행|게재|송고|최종수정)\s*:?\s*\d{4}[-./년]")
        .expect("static regex")
});
/// A byline: `정등용 기자`, `김성태・강경식 기자 | …`, `(안동=뉴스1) 홍길동 기자`.
static RE_BYLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[\(\[]?[^\s]{0,20}[\)\]]?\s*([가-힣]{2,4}[\s·・∙,]*){1,3}\s*(기자|특파원|통신원|객원기자|선임기자)\b.{0,80}$")
        .expect("static regex")
});
/// Photo captions: `사진/인천시`, `(사진=광주시 제공)`, lines ending with `ⓒ 광주광역시`.
static RE_CAPTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(^\s*[\(\[]?사진\s*[/=:]|[\(\[]사진\s*[=/:][^\)\]]*[\)\]]\s*$|사진\s*/\s*[가-힣A-Za-z]+\s*$|[ⓒ©]\s*[가-힣A-Za-z]+\s*$)")
        .expect("static regex")
});

/// The cleaned text plus what was removed (for `inspect`).
#[derive(Debug, Clone, Default)]
pub struct Cleaned {
    pub text: String,
    pub removed: Vec<String>,
}

/// Cleans a raw article.
pub fn clean(raw: &str) -> Cleaned {
    let mut out = Cleaned::default();
    let mut kept: Vec<String> = Vec::new();
    for line in raw.lines() {
        let t = line.trim_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}');
        if t.is_empty() {
            // Keep one blank line as a paragraph break.
            if kept.last().is_some_and(|l| !l.is_empty()) {
                kept.push(String::new());
            }
            continue;
        }
        if is_furniture(t) {
            out.removed.push(t.to_string());
            continue;
        }
        let stripped = RE_EMAIL.replace_all(t, "");
        let stripped = stripped.trim();
        if stripped.is_empty() {
            out.removed.push(t.to_string());
            continue;
        }
        kept.push(stripped.to_string());
    }
    while kept.last().is_some_and(|l| l.is_empty()) {
        kept.pop();
    }
    out.text = kept.join("\n");
    out
}

/// True for a line that is page furniture rather than article text.
pub fn is_furniture(line: &str) -> bool {
    if super::boilerplate::is_menu_line(line) {
        return true;
    }
    let t = line
        .trim_start_matches(['•', '·', '-', '*', '▶', '■', '|'])
        .trim();
    if t.is_empty() {
        return true;
    }
    // Menu words are short: a longer line is not lowercased to be compared with them (a
    // lowercase copy of every line was ~1% of indexing time). Lowercasing changes a line's
    // length by at most a factor of three.
    if t.len() <= 3 * MENU_WORD_MAX_BYTES {
        let lower = t.to_lowercase();
        if MENU_WORDS.iter().any(|w| lower == *w) {
            return true;
        }
    }
    if RE_VOTE.is_match(t) || t == "%" {
        return true;
    }
    // Length first: a paragraph of body text is not scanned by the unanchored patterns.
    let n = t.chars().count();
    if n < 160 && RE_COPYRIGHT.is_match(t) {
        return true;
    }
    if n < 80 && RE_DATE_LINE.is_match(t) {
        return true;
    }
    if !t.ends_with('다') && !t.ends_with("다.") && RE_BYLINE.is_match(t) {
        return true;
    }
    if n < 120 && !t.ends_with("다.") && RE_CAPTION.is_match(t) {
        return true;
    }
    // A line that is only a byline's e-mail and date (`kst@… | 2020.06.29 17:40:29`).
    if n < 100 && !t.contains("다.") && RE_EMAIL.is_match(t) {
        return true;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn menus_votes_and_copyright_go() {
        let raw = "• 프린트\n  • 메일\n  • 스크랩\n제목입니다\n본문 첫 줄이다.\n찬성 반대\n찬성\n0명\n0%\n총 0명 참여\n더보기\nⓒ 프라임경제(http://www.newsprime.co.kr) 무단전재 및 재배포금지";
        let c = clean(raw);
        assert_eq!(c.text, "제목입니다\n본문 첫 줄이다.");
    }

    #[test]
    fn bylines_dates_and_emails_go() {
        let raw = "인천시, 미래 일자리\n입력 : 2019-07-30 오후 3:40:18\n본문이다.\n정등용 기자 dyzpower@etomato.com\nⓒ 맛있는 뉴스토마토, 무단 전재 - 재배포 금지\n정등용 기자";
        let c = clean(raw);
        assert_eq!(c.text, "인천시, 미래 일자리\n본문이다.");
        let raw = "김성태・강경식 기자 | kst∙kks@newsprime.co.kr | 2020.06.29 17:40:29\n본문이다.";
        assert_eq!(clean(raw).text, "본문이다.");
    }

    #[test]
    fn captions_go_but_sentences_stay() {
        let raw = "이용섭 광주광역시장의 임기 2년 핵심성과. ⓒ 광주광역시\n30일 시청에서 브리핑을 하고 있다. 사진/인천시\n시는 계획을 밝혔다.";
        assert_eq!(clean(raw).text, "시는 계획을 밝혔다.");
    }
}
