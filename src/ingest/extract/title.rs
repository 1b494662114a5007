//! Title: the first cleaned line when it reads like a headline (short, not a finished sentence);
//! otherwise the lead sentence shortened, marked `title_derived`.

/// Longest line taken as a headline (characters).
const MAX_HEADLINE_CHARS: usize = 90;
/// Length of a title derived from the lead sentence (characters).
const DERIVED_TITLE_CHARS: usize = 40;
/// A first line ending in `.` or opening with a `[tag]` is a lead sentence only when longer than
/// this (characters); shorter ones are headlines written with a full stop or a section tag.
const SENTENCE_MIN_CHARS: usize = 40;

/// Leading one-word lines skipped before the headline: a page copied whole starts with the
/// site's name and its section menu (`연합뉴스`, `정치`, `경제` …), one word a line.
const MAX_LEADING_LABELS: usize = 80;
/// Longest one-word line (characters) taken as such a label.
const MAX_LABEL_CHARS: usize = 10;

/// Title, whether it was derived, and the byte offset where the body starts.
///
/// `stated`: the title the file states (a JSON record's `title`, which the reader puts first,
/// front matter): when the first line is that title, it is the headline, whatever the label
/// rule would make of a one-word title (`정의당해산청원합니다` is not a site's name).
pub(super) fn title_of(cleaned: &str, stated: Option<&str>) -> (String, bool, usize) {
    if let Some(t) = stated.map(str::trim).filter(|t| !t.is_empty()) {
        let first = cleaned.lines().next().unwrap_or("");
        if first.trim() == t {
            let start = cleaned.find('\n').map_or(cleaned.len(), |i| i + 1);
            return (t.to_string(), false, start);
        }
    }
    let from = after_labels(cleaned);
    let (title, derived, start) = title_at(&cleaned[from..]);
    (title, derived, from + start)
}

/// Byte offset of the first line after the leading labels (one short word a line: a site
/// name, section menus) when a longer line follows them; 0 otherwise.
fn after_labels(cleaned: &str) -> usize {
    let mut offset = 0;
    for (n, line) in cleaned.split_inclusive('\n').enumerate() {
        let t = line.trim();
        let label = t.is_empty()
            || !t.contains(char::is_whitespace)
                && t.chars().count() <= MAX_LABEL_CHARS
                && !t.ends_with('.')
                && !t.contains(|c: char| c.is_ascii_digit());
        if !label {
            return if n == 0 { 0 } else { offset };
        }
        if n >= MAX_LEADING_LABELS {
            return 0;
        }
        offset += line.len();
    }
    0
}

fn title_at(cleaned: &str) -> (String, bool, usize) {
    let first = cleaned.lines().next().unwrap_or("").trim();
    // A bulletin board's view copied as text: `제목<TAB>안동시, …` or `제목 : …`.
    let first = ["제목\t", "제목 :", "제목:"]
        .iter()
        .find_map(|label| first.strip_prefix(label))
        .map_or(first, str::trim);
    let chars = first.chars().count();
    let sentence_like = first.ends_with("다.")
        || first.ends_with('.') && chars > SENTENCE_MIN_CHARS
        || first.starts_with('[') && first.contains(']') && chars > SENTENCE_MIN_CHARS;
    if !first.is_empty() && chars <= MAX_HEADLINE_CHARS && !sentence_like {
        let start = cleaned.find('\n').map(|i| i + 1).unwrap_or(cleaned.len());
        return (first.to_string(), false, start);
    }
    // Derived: the lead sentence, without a leading `[매체]` tag, cut at a word boundary.
    let lead = strip_lead_tag(first);
    let sentence = lead
        .split_inclusive(['.', '!', '?'])
        .next()
        .unwrap_or(lead)
        .trim();
    (shorten(sentence, DERIVED_TITLE_CHARS), true, 0)
}

fn strip_lead_tag(s: &str) -> &str {
    match super::lead_tag::lead_tag(s) {
        Some(tag) => s[tag.end..].trim_start(),
        None => s.trim_start(),
    }
}

/// Cuts `s` to about `max` characters at a word boundary, adding `…`.
fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.trim_end_matches('.').to_string();
    }
    let cut: String = s.chars().take(max).collect();
    let at = cut.rfind(char::is_whitespace).filter(|&i| i > max / 2);
    let base = at.map(|i| &cut[..i]).unwrap_or(&cut);
    format!("{}…", base.trim_end_matches([',', ' ', '·']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles() {
        let (t, d, _) = title_of("인천시, 미래 일자리 창출·혁신 성장 본격화\n본문이다.", None);
        assert_eq!(t, "인천시, 미래 일자리 창출·혁신 성장 본격화");
        assert!(!d);
        let (t, d, s) = title_of("경북 안동시는 22일 안동시청 웅부관 소통실에서 ‘4차산업혁명 기반산업 발전위원회 출범식 및 1차 위원회’를 열었다.\n위원회는", None);
        assert!(d);
        assert_eq!(s, 0);
        assert!(t.starts_with("경북 안동시는 22일"));
        assert!(t.ends_with('…'));
        assert!(t.chars().count() <= DERIVED_TITLE_CHARS + 1);
    }

    #[test]
    fn a_stated_one_word_title_heads_the_text() {
        // A petition's title is one word; without it stated, it reads as a site's name and
        // the one line of the body becomes the headline, leaving the body empty.
        let text = "정의당해산청원합니다\n\n갑질정당 정의당해산 청원합니다";
        let (t, d, s) = title_of(text, None);
        assert_eq!((t.as_str(), d), ("갑질정당 정의당해산 청원합니다", false));
        assert_eq!(text[s..].trim(), "");
        let (t, d, s) = title_of(text, Some("정의당해산청원합니다"));
        assert_eq!((t.as_str(), d), ("정의당해산청원합니다", false));
        assert_eq!(text[s..].trim(), "갑질정당 정의당해산 청원합니다");
        // A stated title that is not the first line leaves the rules as they are.
        assert_eq!(title_of(text, Some("다른 제목")), title_of(text, None));
    }

    #[test]
    fn a_page_copied_whole_skips_its_menu() {
        let text = "연합뉴스\n정치\n경제\n전국\n행안부, 지방소멸대응기금 1조원 배분\n본문이다.";
        let (t, d, s) = title_of(text, None);
        assert_eq!(t, "행안부, 지방소멸대응기금 1조원 배분");
        assert!(!d);
        assert_eq!(&text[s..], "본문이다.");
        // Only one-word lines: nothing better follows, the first stays the title.
        assert_eq!(title_of("공지\n안내", None).0, "공지");
        // A one-word tag line before the headline is a label too.
        let (t, _, _) = title_of("속보\n경북도, 이차전지 특구 지정\n본문", None);
        assert_eq!(t, "경북도, 이차전지 특구 지정");
        let (t, _, _) = title_of(
            "보도자료\n제목\t안동시, 바이오산업단지 분양\n작성자\t투자유치과",
            None,
        );
        assert_eq!(t, "안동시, 바이오산업단지 분양");
    }
}
