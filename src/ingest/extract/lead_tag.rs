//! The tag that opens an article's lead, in one place: a bracket tag (`[프라임경제]`,
//! `[뉴스토마토 정등용 기자]`, `【서울=뉴시스】`) or a dateline in parentheses (`(안동=뉴스1)`,
//! `（광주=연합뉴스）`). The title skips it, the source reads the publisher from it, region
//! extraction does not count the place it files from, and the national rule looks past it for
//! the lead's subject — all with this one rule and its one limit.

/// Longest text inside a tag's brackets (characters); a longer bracket is text.
pub(crate) const MAX_TAG_CHARS: usize = 40;

/// A tag at the start of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LeadTag<'a> {
    /// What the brackets hold, trimmed.
    pub inner: &'a str,
    /// Byte offset just after the closing bracket.
    pub end: usize,
    /// In parentheses (a dateline) rather than square brackets.
    pub paren: bool,
    /// `place=agency` of a dateline (`광주=뉴시스 이지훈 기자` → `광주`, `뉴시스 이지훈 기자`).
    pub dateline: Option<(&'a str, &'a str)>,
}

/// The tag that opens `text` (after leading whitespace): `[…]` or `【…】`, or a dateline in
/// `(…)` or `（…）` — parentheses are a tag only around `place=agency` (`(사진)` is text) —
/// holding 1 to [`MAX_TAG_CHARS`] characters and no line break. Either closing bracket of a
/// kind closes it (text read from PDFs mixes them: `[ 해외 사례 】`); a square tag may hold
/// parentheses (`[사례(정보교과)]`), a dateline no bracket.
pub(crate) fn lead_tag(text: &str) -> Option<LeadTag<'_>> {
    let start = text.len() - text.trim_start().len();
    let t = &text[start..];
    let open = t.chars().next()?;
    let (closers, paren): (&[char], bool) = match open {
        '[' | '【' => (&[']', '】'], false),
        '(' | '（' => (&[')', '）'], true),
        _ => return None,
    };
    let body = &t[open.len_utf8()..];
    for (n, (i, c)) in body.char_indices().enumerate() {
        if closers.contains(&c) {
            let inner = body[..i].trim();
            let dateline = inner
                .split_once('=')
                .map(|(place, agency)| (place.trim(), agency.trim()))
                .filter(|(place, agency)| !place.is_empty() && !agency.is_empty());
            if inner.is_empty() || (paren && dateline.is_none()) {
                return None;
            }
            return Some(LeadTag {
                inner,
                end: start + open.len_utf8() + i + c.len_utf8(),
                paren,
                dateline,
            });
        }
        if n == MAX_TAG_CHARS || c == '\n' || (paren && "()（）".contains(c)) {
            return None;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn tags() {
        let t = lead_tag("[뉴스토마토 정등용 기자] 인천시는").unwrap();
        assert_eq!(
            (t.inner, t.paren, t.dateline),
            ("뉴스토마토 정등용 기자", false, None)
        );
        assert_eq!(&"[뉴스토마토 정등용 기자] 인천시는"[t.end..], " 인천시는");
        let t = lead_tag("  (안동=뉴스1) 홍길동 기자 =").unwrap();
        assert_eq!(t.dateline, Some(("안동", "뉴스1")));
        assert!(t.paren);
        assert_eq!(
            lead_tag("【서울=뉴시스】").unwrap().dateline,
            Some(("서울", "뉴시스"))
        );
        assert!(lead_tag("(사진) 본문").is_none());
        assert_eq!(lead_tag("[ 해외 사례 】 본문").unwrap().inner, "해외 사례");
        assert_eq!(
            lead_tag("[사례(정보교과)] 본문").unwrap().inner,
            "사례(정보교과)"
        );
        assert!(lead_tag("(광주=(연합)뉴스) 본문").is_none());
        assert!(lead_tag("[] 본문").is_none());
        assert!(lead_tag("[닫히지 않은 괄호").is_none());
        assert!(lead_tag("본문 [태그]").is_none());
        assert!(lead_tag(&format!("[{}]", "가".repeat(MAX_TAG_CHARS + 1))).is_none());
    }

    proptest! {
        /// A bracket holding up to the limit of plain characters is a tag ending right after
        /// its closing bracket; one more character and it is text.
        #[test]
        fn the_limit_holds(inner in "[가-힣a-z0-9 =]{1,45}", rest in "[가-힣 ]{0,10}") {
            let text = format!("[{inner}]{rest}");
            let fits = inner.chars().count() <= MAX_TAG_CHARS && !inner.trim().is_empty();
            match lead_tag(&text) {
                Some(tag) => {
                    prop_assert!(fits);
                    prop_assert_eq!(tag.inner, inner.trim());
                    prop_assert_eq!(&text[tag.end..], rest.as_str());
                }
                None => prop_assert!(!fits),
            }
        }

        /// Parentheses are a tag exactly when they hold `place=agency`.
        #[test]
        fn parentheses_only_as_datelines(place in "[가-힣]{0,5}", agency in "[가-힣0-9]{0,5}", eq in any::<bool>()) {
            let inner = if eq { format!("{place}={agency}") } else { format!("{place}{agency}") };
            let text = format!("({inner}) 본문");
            let tag = lead_tag(&text);
            let dateline = eq && !place.is_empty() && !agency.is_empty();
            prop_assert_eq!(tag.is_some(), dateline);
            if let Some(tag) = tag {
                prop_assert_eq!(tag.dateline, Some((place.as_str(), agency.as_str())));
            }
        }

        /// Any text: no panic, and a tag ends on a character boundary inside the text.
        #[test]
        fn any_text(text in any::<String>()) {
            if let Some(tag) = lead_tag(&text) {
                prop_assert!(tag.end <= text.len() && text.is_char_boundary(tag.end));
                prop_assert!(tag.inner.chars().count() <= MAX_TAG_CHARS);
            }
        }
    }
}
