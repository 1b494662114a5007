//! Title: the first cleaned line when it reads like a headline (short, not a finished sentence);
//! otherwise the lead sentence shortened, marked `title_derived`.

/// Longest line taken as a headline (characters).
const MAX_HEADLINE_CHARS: usize = 90;
/// Length of a title derived from the lead sentence (characters).
const DERIVED_TITLE_CHARS: usize = 40;
/// A first line ending in `.` or opening with a `[tag]` is a lead sentence only when longer than
/// this (characters); shorter ones are headlines written with a full stop or a section tag.
const SENTENCE_MIN_CHARS: usize = 40;

/// Title, whether it was derived, and the byte offset where the body starts.
pub(super) fn title_of(cleaned: &str) -> (String, bool, usize) {
    let first = cleaned.lines().next().unwrap_or("").trim();
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
        let (t, d, _) = title_of("인천시, 미래 일자리 창출·혁신 성장 본격화\n본문이다.");
        assert_eq!(t, "인천시, 미래 일자리 창출·혁신 성장 본격화");
        assert!(!d);
        let (t, d, s) = title_of("경북 안동시는 22일 안동시청 웅부관 소통실에서 ‘4차산업혁명 기반산업 발전위원회 출범식 및 1차 위원회’를 열었다.\n위원회는");
        assert!(d);
        assert_eq!(s, 0);
        assert!(t.starts_with("경북 안동시는 22일"));
        assert!(t.ends_with('…'));
        assert!(t.chars().count() <= DERIVED_TITLE_CHARS + 1);
    }
}
