//! National vs regional: an article issued by a national body (a ministry, the National
//! Assembly, a national agency) has no issuing region. Its issuing region becomes the facet
//! value [`NATIONWIDE_PATH`] (`/전국`), which `--region 전국` filters on; the regions it
//! mentions stay listed.
//!
//! The issuer is the subject of the lead: `과학기술정보통신부는 4일 …`, `국회는 …`,
//! `[세종=뉴시스] 행정안전부가 …`. A national body that is only mentioned (`경북도는 행정안전부의
//! 공모에 …`) does not make the article national: the first subject wins. The names are in
//! `data/national_bodies.txt`.

use super::{char_offset, LEAD_CHARS};
use crate::article::Metadata;
use crate::data::{NationalBodies, Resources};
use crate::index::{NATIONWIDE, NATIONWIDE_PATH};

/// Sentences of the lead read for the issuer.
const LEAD_SENTENCES: usize = 2;

/// Particles that make the word before them the subject or topic of a sentence. Not `에서`:
/// `국회에서 열린 토론회에서 경북도는 …` names a place, and its subject is regional.
const SUBJECT_PARTICLES: &[&str] = &["은", "는", "이", "가"];

/// The national body that `word` names, when `word` is one followed by a subject particle
/// (`국토교통부는` → `국토교통부`).
fn subject<'a>(bodies: &'a NationalBodies, word: &str) -> Option<&'a str> {
    bodies.names().find(|n| {
        word.strip_prefix(n)
            .is_some_and(|rest| SUBJECT_PARTICLES.contains(&rest))
    })
}

/// The issuing national body of an article, with the evidence, or `None` when the lead's first
/// subject is not one. `is_region_subject(word)` says whether a word (`경북도는`) is a region
/// as a subject; such a word before any national body means a regional article.
pub fn issuer(
    title: &str,
    body: &str,
    bodies: &NationalBodies,
    is_region_subject: impl Fn(&str) -> bool,
) -> Option<(String, String)> {
    // A headline names its subject before a comma: `국회, 지방분권법 통과`.
    if let Some((head, _)) = title.split_once(',') {
        if bodies.contains(head) {
            return Some((
                head.trim().to_string(),
                format!(
                    "`{}` is the subject of the headline: a national body",
                    head.trim()
                ),
            ));
        }
    }
    for (part, what) in [(lead(body), "lead"), (title, "headline")] {
        // `곡성군(군수 조상래)은`: the particle after a parenthetical belongs to the name.
        let part = without_parentheticals(part);
        let mut words = part
            .split(|c: char| c.is_whitespace() || "'\"‘’“”·,()[]".contains(c))
            .filter(|w| !w.is_empty())
            .peekable();
        while let Some(word) = words.next() {
            // `중앙방역대책본부에 따르면 …`: the lead reports a national body's figures.
            if let Some(name) = word
                .strip_suffix('에')
                .filter(|n| bodies.contains(n))
                .filter(|_| words.peek().is_some_and(|w| w.starts_with("따르면")))
            {
                return Some((
                    name.to_string(),
                    format!("the {what} reports `{name}`'s figures (`{word} 따르면`)"),
                ));
            }
            if let Some(name) = subject(bodies, word) {
                return Some((
                    name.to_string(),
                    format!("`{word}` is the subject of the {what}: a national body"),
                ));
            }
            if is_region_subject(word) {
                return None;
            }
        }
    }
    None
}

/// Makes the article national when a national body issued it: the body the document states as
/// its issuer (`stated_source`, e.g. a press release's header), or the subject of the lead.
/// The mentioned regions are kept.
pub fn apply(md: &mut Metadata, cleaned: &str, stated_source: Option<&str>, res: &Resources) {
    let found = match stated_source.filter(|s| res.national.contains(s)) {
        Some(s) => Some((
            s.to_string(),
            "the document names it as its issuer".to_string(),
        )),
        None => {
            let start = if md.title_derived {
                0
            } else {
                md.body_start.min(cleaned.len())
            };
            let body = cleaned.get(start..).unwrap_or("");
            let title = if md.title_derived {
                ""
            } else {
                md.title.as_str()
            };
            issuer(title, body, &res.national, |w| is_region_subject(w, res))
        }
    };
    if let Some((name, why)) = found {
        md.region = Some(NATIONWIDE_PATH.to_string());
        md.evidence.insert(
            "region".into(),
            format!(
                "{NATIONWIDE}: issued by {name} ({why}); {} region(s) mentioned",
                md.mentioned_regions.len()
            ),
        );
    }
}

/// `경북도는`, `안동시가`: a gazetteer name followed by a subject particle.
/// Longest parenthetical dropped by [`without_parentheticals`], in bytes.
const MAX_PARENTHETICAL_BYTES: usize = 90;

/// The text without short parentheticals on one line (`곡성군(군수 조상래)은` → `곡성군은`).
fn without_parentheticals(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('(') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find(')') {
            Some(close)
                if close <= MAX_PARENTHETICAL_BYTES && !after[..close].contains(['(', '\n']) =>
            {
                rest = &after[close + 1..];
            }
            _ => {
                out.push('(');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn is_region_subject(word: &str, res: &Resources) -> bool {
    SUBJECT_PARTICLES.iter().any(|p| {
        word.strip_suffix(p)
            .is_some_and(|name| !name.is_empty() && !res.gazetteer.lookup(name).is_empty())
    })
}

/// The first sentence of the body, without a leading `[매체]`, `(세종=뉴스1)` or byline tag.
fn lead(body: &str) -> &str {
    let mut t = body.trim_start();
    for _ in 0..2 {
        match super::lead_tag::lead_tag(t) {
            Some(tag) => t = t[tag.end..].trim_start(),
            None => break,
        }
    }
    let t = &t[..char_offset(t, LEAD_CHARS)];
    // Two sentences: a lead that opens with what happened (`굴산사지 당간지주 등 3건이 보물로
    // 지정된다.`) names its issuer in the next (`문화재청은 … 밝혔다.`). A region as the subject
    // of the first still wins: the words are read in order.
    let mut cut = t.len();
    let mut from = 0;
    for _ in 0..LEAD_SENTENCES {
        match t[from..].find("다.") {
            Some(i) => {
                from += i + "다.".len();
                cut = from;
            }
            None => {
                cut = t.len();
                break;
            }
        }
    }
    &t[..cut]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bodies() -> NationalBodies {
        NationalBodies::parse(
            "# comment\n국토교통부\n국토부\n국회\n과학기술정보통신부\t과기정통부의 정식 이름\n",
        )
    }

    fn region(word: &str) -> bool {
        ["경북도는", "안동시는", "광주시가"].contains(&word)
    }

    #[test]
    fn parentheticals_are_dropped_before_reading_particles() {
        assert_eq!(
            without_parentheticals("전남 곡성군(군수 조상래)은 지난"),
            "전남 곡성군은 지난"
        );
        assert_eq!(without_parentheticals("(a)(b) c"), " c");
        assert_eq!(without_parentheticals("열린 괄호( 끝"), "열린 괄호( 끝");
        let b = bodies();
        // The county is the subject: a ministry named later in the lead does not make it national.
        assert!(issuer(
            "곡성군, 우수사례 대상",
            "전남 곡성군(군수 조상래)은 지난 3일 행정안전부가 실시한 경진대회에서 대상을 받았다.",
            &b,
            |w| w == "곡성군은",
        )
        .is_none());
    }

    #[test]
    fn a_ministry_as_subject_is_national() {
        let b = bodies();
        let (name, why) = issuer(
            "누리호 발사 준비",
            "[세종=뉴시스] 과학기술정보통신부는 4일 전남 고흥 나로우주센터에서 …했다.",
            &b,
            region,
        )
        .unwrap();
        assert_eq!(name, "과학기술정보통신부");
        assert!(why.contains("lead"));
        assert!(issuer("", "국회가 지방분권법을 통과시켰다.", &b, region).is_some());
        assert!(issuer("국회, 지방분권법 통과", "4일 본회의에서 …", &b, region).is_some());
        let (name, _) =
            issuer("확진자 최저", "9일 국토교통부에 따르면 이날 …", &b, region).unwrap();
        assert_eq!(name, "국토교통부");
        assert!(issuer("", "안동시는 국토교통부에 따르면 …", &b, region).is_none());
    }

    #[test]
    fn a_region_as_first_subject_stays_regional() {
        let b = bodies();
        assert!(issuer(
            "",
            "경북도는 국토교통부가 공모한 사업에 선정됐다.",
            &b,
            region
        )
        .is_none());
        assert!(issuer("", "국토교통부 공모에 안동시는 …", &b, region).is_none());
        // `국토부장관` is not the ministry as a subject.
        assert!(issuer("", "국토부장관은 …", &b, region).is_none());
        // The region is the first sentence's subject; the ministry comes second.
        assert!(issuer(
            "",
            "경북도는 공모에 선정됐다. 국토교통부는 …했다.",
            &b,
            region
        )
        .is_none());
    }

    #[test]
    fn the_issuer_may_come_in_the_second_sentence() {
        let b = bodies();
        let lead = "굴산사지 당간지주 등 3건이 보물로 지정된다. 국토교통부는 12일 …했다. 국회는 …";
        let (name, _) = issuer("", lead, &b, region).unwrap();
        assert_eq!(name, "국토교통부");
        // Not the third.
        assert!(issuer("", "가가 된다. 나나 했다. 국회는 …했다.", &b, region).is_none());
    }
}
