//! Page controls copied with an article: `글자크기 크게 작게`, `• 프린트 • 메일 • 스크랩`,
//! `ㆍ공유하기 ㆍ댓글 0`, `페이스북(으)로 기사보내기`, `가 가`, `좋아요 0 슬퍼요 0`. A line is a
//! control when every word of it is a control word (`data/page_controls.txt`) or a count, in
//! any spacing and bullet style. This needs no repetition across a folder (learned boilerplate
//! does), so a control line in a single pasted file is removed too and never becomes its
//! headline. One other word keeps the line: `공유 오피스 80석`, `구독 경제 확산` are text.

use crate::data::WordList;

/// Longest line (characters) that can be a control line: control strips are short; a longer
/// line is a paragraph that happens to start with `공유`.
const MAX_CONTROL_LINE_CHARS: usize = 100;

/// Most words in a control line (a full share bar with counts has about a dozen).
const MAX_CONTROL_WORDS: usize = 16;

/// What separates the words of a control strip besides spaces: bullets of every style, bars,
/// arrows, slashes and brackets.
const SEPARATORS: &[char] = &[
    '•', '∙', '·', 'ㆍ', '・', '‧', '◦', '▪', '▫', '●', '○', '|', '｜', '/', '▶', '▷', '›', '»',
    '>', '<', '[', ']', '(', ')', '{', '}', '「', '」', '【', '】', ':', ',', ';', '-', '*', '+',
    '#', '▲', '▼', '△', '▽', '◀', '◁', '◆', '◇', '■', '□', '☆', '★',
];

/// True when `line` is a page control line (see the module docs).
pub(crate) fn is_control_line(line: &str, controls: &WordList) -> bool {
    let t = line.trim();
    if t.is_empty() || t.chars().count() > MAX_CONTROL_LINE_CHARS {
        return false;
    }
    // A numbered item (`1. 회원가입`, `2) 로그인`) is a document's heading, not a control.
    let digits = t.trim_start_matches(|c: char| c.is_ascii_digit());
    if digits.len() < t.len() && digits.starts_with(['.', ')']) {
        return false;
    }
    let mut words = 0;
    let mut controls_seen = 0;
    let mut size_buttons = 0;
    let mut counts = 0;
    for word in t.split(|c: char| c.is_whitespace() || SEPARATORS.contains(&c)) {
        let word = word.trim_matches(|c: char| matches!(c, '.' | '!' | '?' | '\'' | '"'));
        // `페이스북(으)로 기사보내기`: the particle written for either ending, split off by the
        // brackets.
        if word.is_empty() || word == "으" && words > 0 || word == "로" && words > 0 {
            continue;
        }
        // Lower case only for the letters of `URL`, `SNS`, `A+` (no copy for Hangul words).
        let lower;
        let word = if word.bytes().any(|b| b.is_ascii_uppercase()) {
            lower = word.to_ascii_lowercase();
            lower.as_str()
        } else {
            word
        };
        words += 1;
        if words > MAX_CONTROL_WORDS {
            return false;
        }
        if is_count(word) {
            counts += 1;
            continue;
        }
        // Font-size buttons: `가 가`, `가가`, `A+ A-`; one `가` alone is not enough.
        if word.chars().all(|c| c == '가') || word == "a" {
            size_buttons += word.chars().count();
            continue;
        }
        // A count glued to its control: `댓글0`, `좋아요12`; buttons copied without spaces:
        // `공유카카오톡페이스북링크복사프린트글씨크기`.
        let bare = word.trim_end_matches(|c: char| c.is_ascii_digit());
        if is_control_word(bare, controls) {
            controls_seen += 1;
            continue;
        }
        return false;
    }
    // Size buttons alone (`가 가`, `A+ A-`) carry no numbers: `A- A 126 124` is a table row.
    controls_seen > 0 || size_buttons >= 2 && counts == 0
}

/// A control word, several glued together, or one with the particle `(으)로` / `에서`
/// (`음성으로 듣기`, `카카오톡으로 공유`).
fn is_control_word(word: &str, controls: &WordList) -> bool {
    if controls.contains(word) || glued_controls(word, controls) {
        return true;
    }
    ["으로", "로", "에서"].iter().any(|p| {
        word.strip_suffix(p)
            .is_some_and(|stem| !stem.is_empty() && controls.contains(stem))
    })
}

/// Longest word (characters) split into glued control words; a longer one is text.
const MAX_GLUED_CHARS: usize = 40;

/// True when `word` is two or more control words written together (a word break over the
/// list: `공유카카오톡페이스북` = 공유 + 카카오톡 + 페이스북).
fn glued_controls(word: &str, controls: &WordList) -> bool {
    let chars: Vec<(usize, char)> = word.char_indices().collect();
    let n = chars.len();
    if !(2..=MAX_GLUED_CHARS).contains(&n) {
        return false;
    }
    let at = |i: usize| chars.get(i).map_or(word.len(), |&(b, _)| b);
    // ends[i]: the first i characters split into control words.
    let mut ends = vec![false; n + 1];
    ends[0] = true;
    for i in 0..n {
        if !ends[i] {
            continue;
        }
        for j in i + 1..=n {
            if controls.contains(&word[at(i)..at(j)]) {
                ends[j] = true;
            }
        }
    }
    ends[n]
}

/// A number, time or date, or a count with its unit (`0`, `12개`, `3명`, `2024.01.05`, `0:00`,
/// `2020년`, `29일`), or the half of the day of a time stamp (`오전 9:41`).
fn is_count(word: &str) -> bool {
    if matches!(word, "오전" | "오후" | "am" | "pm") {
        return true;
    }
    let digits =
        word.trim_end_matches(['개', '명', '건', '회', '년', '월', '일', '시', '분', '초']);
    !digits.is_empty()
        && digits.starts_with(|c: char| c.is_ascii_digit())
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | ':' | '-' | '/' | ','))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Resources;

    fn controls() -> WordList {
        Resources::embedded().expect("embedded data").page_controls
    }

    #[test]
    fn control_strips_in_any_style() {
        let c = controls();
        for line in [
            "글자크기 크게 작게",
            "• 프린트 • 메일 • 스크랩",
            "ㆍ프린트 ㆍ메일 ㆍ스크랩",
            "프린트ㆍ메일ㆍ스크랩",
            "글자크기 설정",
            "가 가",
            "가가",
            "A+ A-",
            "공유하기 확대하기 축소하기",
            "댓글 0",
            "댓글0",
            "좋아요 0 슬퍼요 0 화나요 0",
            "구독하기",
            "[ 글자크기 ]",
            "페이스북(으)로 기사보내기",
            "URL복사(으)로 기사보내기",
            "다른 공유 찾기",
            "본문 글씨 키우기",
            "SNS 공유",
            "▶ 공유하기 ▶ 인쇄",
            "기사입력 2021.03.15 10:22 | 수정 2021.03.15 11:00",
            "입력 2024.01.05. 10:00 업데이트 2024.01.05. 11:20",
            "프린트 / 스크랩 / 공유",
            "송고시간 2020년 6월 29일 11:07",
            "입력 2023. 5. 3. 오전 9:41",
            "공유카카오톡페이스북링크복사프린트글씨크기",
            "로그인 구독",
            "기사 듣기",
            "음성으로 듣기",
            "▲ 글자크기 ▼",
        ] {
            assert!(is_control_line(line, &c), "{line}");
        }
    }

    #[test]
    fn headlines_and_text_are_not_controls() {
        let c = controls();
        for line in [
            "부산시, 청년 창업 허브 연다",
            "공유 오피스 80석",
            "구독 경제 확산에 지역 상권 변화",
            "댓글 조작 의혹 수사 착수",
            "2024.01.05",
            "2020년 6월 29일 오전",
            "가",
            "다음 달 착공",
            "인쇄 산업 육성",
            "",
            "네이버·카카오 지역 데이터센터 유치전",
            "A- A 126 124 121",
            "1. 회원가입",
            "기본",
            "공유경제",
            "인쇄소",
        ] {
            assert!(!is_control_line(line, &c), "{line}");
        }
        let long = "공유 ".repeat(40);
        assert!(!is_control_line(&long, &c));
    }
}
