//! Source: the publisher from a lead tag (`[뉴스토마토 정등용 기자]`, `(안동=뉴스1)`), else from
//! the copyright line. Places, offices and section words are never publishers.

use std::sync::LazyLock;

use regex::Regex;

use super::lead_tag::lead_tag;
use super::region::gazetteer_name;
use crate::data::Resources;
use crate::ingest::clean::furniture::RE_COPYRIGHT_STATEMENT;

/// Shortest publisher name (characters): one syllable is a section mark or a stray word.
const MIN_PUBLISHER_CHARS: usize = 2;
/// Lines read from the top for a lead tag or dateline: they open the article, after the menus
/// and the headline block of a copied page.
const LEAD_SOURCE_LINES: usize = 60;

/// The copyright mark and what follows it: `ⓒ 프라임경제(…)`, `저작권자 © 한국Q뉴스`,
/// `<저작권자(c) 연합뉴스, …>`, `ⓒ매일신문 - www.imaeil.com`.
static RE_COPYRIGHT_MARK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:[ⓒ©]|\(c\)|copyright\s*(?:[ⓒ©]|\(c\))?)\s*(?:\d{4}\s*)?(?:\(주\)|㈜)?\s*(.*)$",
    )
    .expect("static regex")
});

/// Publisher from a lead tag (`[뉴스토마토 정등용 기자]`, `[피디언]`, `[광주=뉴시스]`,
/// `(안동=뉴스1)`), else from a copyright line (`ⓒ 프라임경제(…) 무단전재`, `저작권자 © 한국Q뉴스`,
/// `<저작권자ⓒ 공감언론 뉴시스통신사 …>`). The lead tag wins: it credits the outlet that wrote
/// the article, the copyright line the site it was copied from (seed 002 has `[피디언]` and
/// `저작권자 © 한국Q뉴스`; the evidence names both). Photo credits (`ⓒ 광주광역시`) are not
/// publishers.
pub(super) fn source_of(raw: &str, res: &Resources) -> Option<(String, String)> {
    let lead = lead_source(raw, res);
    let copyright = copyright_source(raw, res);
    match (lead, copyright) {
        (Some((name, why)), Some((other, cwhy))) if other != name => Some((
            name,
            format!("{why} (the copyright line names {other}: {cwhy})"),
        )),
        (Some(found), _) | (None, Some(found)) => Some(found),
        (None, None) => None,
    }
}

/// Whether a name read from a tag or a copyright line can be a publisher: not a place or an
/// office (`ⓒ 광주광역시`, `사진=안동시청`), not a section word (`[사진]`, `[속보]`).
fn publisher_like(name: &str, res: &Resources) -> bool {
    name.chars().count() >= MIN_PUBLISHER_CHARS
        && !res.not_sources.contains(name)
        && res.gazetteer.lookup(name).is_empty()
        && gazetteer_name(name, res).is_none()
        && !name.ends_with("제공")
        && name.chars().any(|c| c.is_alphabetic())
}

/// The publisher a lead tag names: `[프라임경제]`, `[광주=뉴시스 이지훈 기자]` (after the `=`),
/// `(안동=뉴스1)`, `(광주=연합뉴스) 최은영 기자 =` (the agency of a dateline).
fn lead_source(raw: &str, res: &Resources) -> Option<(String, String)> {
    for line in raw.lines().take(LEAD_SOURCE_LINES) {
        let Some(tag) = lead_tag(line) else {
            continue;
        };
        let named = tag.dateline.map_or(tag.inner, |(_, agency)| agency);
        let name = named.split_whitespace().next().unwrap_or("");
        if publisher_like(name, res) {
            let what = if tag.paren { "dateline" } else { "lead tag" };
            return Some((
                name.to_string(),
                format!("{what}: {}", line[..tag.end].trim()),
            ));
        }
    }
    None
}

fn copyright_source(raw: &str, res: &Resources) -> Option<(String, String)> {
    for line in raw.lines().rev() {
        let t = line
            .trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .trim();
        let Some(c) = RE_COPYRIGHT_MARK.captures(t) else {
            continue;
        };
        // A copyright statement, not a photo credit at the end of a caption sentence.
        let mark_at = c.get(0).map_or(0, |m| m.start());
        let statement = RE_COPYRIGHT_STATEMENT.is_match(t) || t[..mark_at].trim().is_empty();
        if !statement {
            continue;
        }
        let rest = &c[1];
        let end = rest
            .find(['(', ',', '|', '&', '<', '>', '/'])
            .into_iter()
            .chain(
                ["무단", " - ", "-", ". ", "All ", "all ", "www", "http"]
                    .iter()
                    .filter_map(|w| rest.find(w)),
            )
            .min()
            .unwrap_or(rest.len());
        let name = rest[..end].trim().trim_end_matches('.');
        let name = name.split_whitespace().last().unwrap_or("");
        let name = name
            .strip_suffix("통신사")
            .filter(|n| n.chars().count() >= MIN_PUBLISHER_CHARS)
            .unwrap_or(name);
        if publisher_like(name, res) {
            return Some((name.to_string(), format!("copyright line: {t}")));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources() {
        let res = Resources::embedded().unwrap();
        let src = |raw: &str| source_of(raw, &res).map(|s| s.0);
        for (raw, publisher) in [
            ("[뉴스토마토 정등용 기자] 인천시가", "뉴스토마토"),
            ("[피디언] 디지털 변혁", "피디언"),
            (
                "본문\nⓒ 프라임경제(http://www.newsprime.co.kr) 무단전재 및 재배포금지",
                "프라임경제",
            ),
            (
                "본문\n저작권자 © 한국Q뉴스 무단전재 및 재배포 금지",
                "한국Q뉴스",
            ),
            (
                "본문\nⓒ 맛있는 뉴스토마토, 무단 전재 - 재배포 금지",
                "뉴스토마토",
            ),
            ("(안동=뉴스1) 홍길동 기자 = 본문", "뉴스1"),
            // The dateline place is not the publisher.
            ("[광주=뉴시스] 이지훈 기자 = 경기 광주시는", "뉴시스"),
            (
                "본문\n<저작권자ⓒ 공감언론 뉴시스통신사. 무단전재-재배포 금지.>",
                "뉴시스",
            ),
            (
                "본문\n<저작권자(c) 연합뉴스, 무단 전재-재배포 금지>",
                "연합뉴스",
            ),
            ("본문\nⓒ매일신문 - www.imaeil.com", "매일신문"),
            (
                "본문\nⓒ 경향신문 & 경향닷컴(www.khan.co.kr), 무단전재 및 재배포 금지",
                "경향신문",
            ),
        ] {
            assert_eq!(src(raw).as_deref(), Some(publisher), "{raw}");
        }
        // Photo credits and section tags are not publishers.
        assert!(src("[사진] 본문").is_none());
        assert!(src("시장이 말하고 있다. ⓒ 광주광역시\n본문").is_none());
        assert!(src("본문\nⓒ 광주광역시").is_none());
        // Lead tag first; the copyright line is kept as evidence.
        let (name, why) = source_of(
            "[피디언] 본문\n저작권자 © 한국Q뉴스 무단전재 및 재배포 금지",
            &res,
        )
        .unwrap();
        assert_eq!(name, "피디언");
        assert!(why.contains("한국Q뉴스"), "{why}");
    }
}
