//! Phase 4: the issuing region is the subject of the headline or lead (`경북 안동시는 …`,
//! `인천시, …`), scored; with none, the 시·도 most of the article's mentions name.
//!
//! A region that is only *named* in the headline or lead, not its subject, is a weak issuer,
//! and two kinds of story override it (issue 25):
//! - **nationwide**: when no region is named in the headline, national statistics that list
//!   the 시·도 (`서울 412명, 경기 389명, 인천 …`: [`MIN_PROVINCES_NATIONWIDE`] or more 시·도
//!   named, none with most of the mentions) and national bills (`…법 개정안을 대표발의`, with
//!   a district as an example or as the sponsor's constituency) are `/전국`;
//! - **a whole 시·도**: a 시·군·구 named in a story about all of its 시·도 (`도내 18개 시군`,
//!   `강원 전역`) gives way to its 시·도.
//!
//! Names in parentheses are never the subject (`김철수 의원(국민의힘·서울 강남구갑)은`).

use std::collections::HashMap;

use super::super::{char_offset, LEAD_CHARS};
use super::mentions::Mention;
use super::{is_space_gap, Text};
use crate::data::{Gazetteer, Region};

/// Longest parenthetical between an issuer's name and its particle (`곡성군(군수 조상래)은`), in bytes.
const MAX_PARENTHETICAL_BYTES: usize = 90;
/// Particles that make a name the subject/topic of its sentence: the subject case (`JKS`:
/// 이/가) and the topic `은`/`는` (`JX`, not the other auxiliaries `부터`, `도`, `만`, `까지`:
/// `창원부터 문 연다` names where something starts).
const SUBJECT_PARTICLES: &[&str] = &["JKS"];
const TOPIC_PARTICLES: &[&str] = &["은", "는"];
/// Score of a name that is the subject of its sentence (`안동시는`, `인천시,`).
const SUBJECT_SCORE: i32 = 4;
/// Score of a name in the headline.
const TITLE_SCORE: i32 = 3;
/// Earlier is better: a name loses a point for each resolved name before it, up to this many.
const MAX_ORDER_PENALTY: i32 = 3;
/// A story naming this many 시·도 or more, none of them as its subject, is nationwide
/// (national statistics list them: `서울 412명, 경기 389명, 인천 78명, 부산 45명`). Three is
/// too few: regional cooperation stories name three neighbours (`대구·경북·울산`).
const MIN_PROVINCES_NATIONWIDE: usize = 4;
/// Words of the headline or lead that make a story with a weak regional issuer national: the
/// National Assembly and its bills. Not `전국` or `국내` (`전국 첫 청년 카페, 대구 중구에`
/// is regional), not `정부` (foreign governments).
const NATIONWIDE_CUES: &[&str] = &["국회", "법안", "개정안", "발의", "국정감사"];
/// The whole country as the scene of the lead (`전국이 대체로 맑겠으나`, `전국 대부분 지역에
/// 고농도 미세먼지가`): nationwide, again only when no region is the subject or in the headline.
/// Not `전국에`, `전국적으로`, `전국 곳곳` (`전국적으로 인기를 얻었다` in a biography, a
/// petition asking for teams `전국에`).
const NATIONWIDE_SCOPE_CUES: &[&str] = &["전국이", "전국 대부분"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_parentheses_and_lawmakers() {
        let t = "김철수 의원(국민의힘·서울 강남구갑)은 개정안을";
        let at = t.find("서울").unwrap();
        assert!(in_parentheses(t, at));
        assert!(!in_parentheses(t, t.find("개정안").unwrap()));
        assert!(!in_parentheses("(서울) 끝\n서울시는", "(서울) 끝\n".len()));
        assert!(has_cue("국회 본회의에서", "국회"));
        assert!(!has_cue("국회의원 박영숙과 함께", "국회"));
        assert!(has_cue("국회의원 …, 국회는", "국회"));
    }

    #[test]
    fn places_given_as_examples() {
        let t = "내일도 안춥다…수도권·충청·대구 등 미세먼지";
        let (s, e, n) = example_list(t, t.find("대구").unwrap()).unwrap();
        assert_eq!((&t[s..e], n), ("수도권·충청·대구", 3));
        let t = "광주·전남 등 남부 지역의";
        assert_eq!(example_list(t, 0).map(|x| x.2), Some(2));
        assert_eq!(example_list("대구 등지에서", 0), None);
        assert_eq!(example_list("대구·경북 통합", 0), None);
        assert_eq!(example_list("대구 등 3곳", 0), None);
    }

    #[test]
    fn a_parenthetical_between_the_issuer_and_its_particle() {
        assert!(subject_after_parenthetical("(군수 조상래)은 지난 3일"));
        assert!(subject_after_parenthetical("(교육감 이정선)이 10일"));
        assert!(subject_after_parenthetical("(시장 강기정)는"));
        assert!(!subject_after_parenthetical("(군수 조상래)의 공약"));
        assert!(!subject_after_parenthetical("(군수 조상래)이라는"));
        assert!(!subject_after_parenthetical("(국민의힘·서울 강남구갑"));
        assert!(!subject_after_parenthetical("은 지난"));
    }
}
/// Words of the headline or lead that make a story about a whole 시·도 (`도내 18개 시군`,
/// `경남 전역`): a 시·군·구 only named in it gives way to its 시·도.
const WHOLE_PROVINCE_CUES: &[&str] = &["도내", "전역", "시군", "시·군", "시ㆍ군", "시·도", "광역"];
/// With no name scored in the lead, a 시·도 is the issuing region when it has the majority of
/// the mentions and at least this many: one passing name is not enough.
const MIN_DOMINANT_MENTIONS: usize = 2;

/// Who issued the article, as far as its regions tell.
#[derive(Debug, Clone, PartialEq)]
pub(in crate::ingest::extract) enum Issuer {
    Region(Region),
    /// A nationwide story (national statistics, a national bill): `/전국`.
    Nationwide,
    Unknown,
}

/// The issuing region and the evidence, which ends with `weak_note`.
pub(super) fn issuing(
    text: &Text,
    mentions: &[Mention],
    resolved: &[(usize, Region)],
    province_votes: &HashMap<String, usize>,
    g: &Gazetteer,
    mentioned: usize,
    weak_note: &str,
) -> (Issuer, String) {
    let best = subject_of_lead(text, mentions, resolved);
    // A region named in the headline keeps the story regional (`이용섭 광주시장 취임 2주년`
    // names six 시·도 in its body; `대구 군위군 편입 법안 국회 통과` is 대구's).
    let in_headline = |at: usize| !text.derived && at < text.body_start;
    let total: usize = province_votes.values().sum();
    let dominant = province_votes.values().any(|&v| v * 2 > total);
    // `수도권·충청·대구 등 미세먼지`, `광주·전남 등 남부 지역의 가뭄`: places given as examples
    // of a wider area, none the subject: a story across 시·도.
    if let Some(b) = best.as_ref().filter(|b| !b.subject) {
        if let Some(items) = example_list(text.cleaned, b.at) {
            let sidos: std::collections::BTreeSet<&str> = resolved
                .iter()
                .filter(|(i, _)| {
                    let m = &mentions[*i];
                    m.start >= items.0 && m.end <= items.1
                })
                .map(|(_, r)| r.sido.as_str())
                .collect();
            if sidos.len() >= 2 || items.2 > sidos.len() && items.2 >= 2 {
                return (
                    Issuer::Nationwide,
                    format!(
                        "nationwide: `{}` names {} places as examples (`… 등`) and none is the \
                         subject; {mentioned} region(s) mentioned{weak_note}",
                        &text.cleaned[items.0..items.1],
                        items.2
                    ),
                );
            }
        }
    }
    if best
        .as_ref()
        .is_none_or(|b| !b.subject && !in_headline(b.at))
    {
        let lead = lead_text(text);
        let provinces: std::collections::BTreeSet<&str> =
            resolved.iter().map(|(_, r)| r.sido.as_str()).collect();
        if let Some(cue) = NATIONWIDE_CUES
            .iter()
            .chain(NATIONWIDE_SCOPE_CUES)
            .find(|c| has_cue(lead, c))
        {
            return (
                Issuer::Nationwide,
                format!(
                    "nationwide: `{cue}` in the headline/lead and no region is its subject; \
                     {mentioned} region(s) mentioned{weak_note}"
                ),
            );
        }
        if provinces.len() >= MIN_PROVINCES_NATIONWIDE && !dominant {
            return (
                Issuer::Nationwide,
                format!(
                    "nationwide: {} 시·도 named and none is the subject of the headline/lead; \
                     {mentioned} region(s) mentioned{weak_note}",
                    provinces.len()
                ),
            );
        }
    }
    if best.as_ref().is_some_and(|b| !b.subject) {
        let lead = lead_text(text);
        if let Some(Lead {
            at, region, name, ..
        }) = &best
        {
            let cue = WHOLE_PROVINCE_CUES.iter().find(|c| lead.contains(**c));
            if let (Some(cue), Some(_)) = (cue, &region.sigungu) {
                if let Some(sido) = g.province_named(&region.sido) {
                    return (
                        Issuer::Region(sido.clone()),
                        format!(
                            "{}: `{name}` at byte {at} is named, not the subject, in a story \
                             about the whole 시·도 (`{cue}`); {mentioned} region(s) \
                             mentioned{weak_note}",
                            region.sido
                        ),
                    );
                }
            }
        }
    }
    match best {
        Some(Lead {
            score,
            at,
            region,
            name,
            subject,
        }) if score >= 0 => {
            let why = format!(
                "`{name}` at byte {at} ({}); {mentioned} region(s) mentioned{weak_note}",
                if subject {
                    "subject of the headline/lead"
                } else {
                    "first place named in the headline/lead"
                },
            );
            (Issuer::Region(region), why)
        }
        _ => {
            // Fallback: the province that dominates the article.
            let top = province_votes
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)));
            match top {
                Some((sido, &v)) if v * 2 > total && v >= MIN_DOMINANT_MENTIONS => (
                    g.province_named(sido)
                        .cloned()
                        .map_or(Issuer::Unknown, Issuer::Region),
                    format!("{sido} named in {v} of {total} region mentions{weak_note}"),
                ),
                _ => (
                    Issuer::Unknown,
                    format!("no region is the subject of the lead{weak_note}"),
                ),
            }
        }
    }
}

/// The best-scored region of the headline or lead. A region's mentions there count together
/// (`강진군 병영면에서 …` in the headline and `강진군은` in the lead: named in the headline and
/// the subject), and it loses a point for each *other* region named before its first mention.
struct Lead {
    score: i32,
    /// Byte offset and name of its first mention.
    at: usize,
    name: String,
    region: Region,
    /// One of its mentions is the subject of its sentence.
    subject: bool,
}

fn subject_of_lead(
    text: &Text,
    mentions: &[Mention],
    resolved: &[(usize, Region)],
) -> Option<Lead> {
    let Text {
        cleaned,
        morphemes,
        body_start,
        derived,
    } = *text;
    let lead_end = if derived {
        char_offset(cleaned, LEAD_CHARS)
    } else {
        body_start + char_offset(&cleaned[body_start..], LEAD_CHARS)
    };
    let is_subject = |m: &Mention| {
        morphemes.get(m.next).is_some_and(|n| {
            n.start == m.end
                && (SUBJECT_PARTICLES.contains(&n.pos.as_str())
                    || n.pos == "JX" && TOPIC_PARTICLES.contains(&n.surface.as_str()))
        }) || cleaned[m.end..].starts_with(',')
            || subject_after_parenthetical(&cleaned[m.end..])
    };
    // Per region, in order of first mention: (subject, in headline, other regions before it).
    let mut seen: Vec<(Region, usize, String, bool, bool, i32)> = Vec::new();
    for (k, (i, r)) in resolved.iter().enumerate() {
        let m = &mentions[*i];
        if m.start >= lead_end {
            break;
        }
        if in_parentheses(cleaned, m.start) {
            continue;
        }
        let in_title = !derived && m.start < body_start;
        let mut subject = is_subject(m);
        // A 시·군·구 right after its 시·도 (`경북 안동시는`) makes the pair the subject.
        let mut region = r.clone();
        if let Some((j, next)) = resolved.get(k + 1) {
            let nm = &mentions[*j];
            if r.sigungu.is_none()
                && next.sido == r.sido
                && next.sigungu.is_some()
                && is_space_gap(text.gap(m.end, nm.start))
            {
                region = next.clone();
                subject |= is_subject(nm);
            }
        }
        match seen.iter_mut().find(|e| e.0 == region) {
            Some(e) => {
                e.3 |= subject;
                e.4 |= in_title;
            }
            None => {
                let before = (seen.len() as i32).min(MAX_ORDER_PENALTY);
                seen.push((region, m.start, m.name.clone(), subject, in_title, before));
            }
        }
    }
    let mut best: Option<Lead> = None;
    for (region, at, name, subject, in_title, before) in seen {
        let score = if subject { SUBJECT_SCORE } else { 0 }
            + if in_title { TITLE_SCORE } else { 0 }
            - before;
        if best.as_ref().is_none_or(|b| score > b.score) {
            best = Some(Lead {
                score,
                at,
                name,
                region,
                subject,
            });
        }
    }
    best
}

/// The enumeration ending in `등` that the name at byte `at` belongs to (`수도권·충청·대구 등`,
/// `광주·전남 등`): its byte range and the number of its items; `None` when the name is not in
/// one, or stands alone before `등` (`대구 등지`).
fn example_list(cleaned: &str, at: usize) -> Option<(usize, usize, usize)> {
    let is_sep = |c: char| c.is_whitespace() || "…,.\"'‘’“”()[]<>".contains(c);
    let start = cleaned[..at]
        .char_indices()
        .rev()
        .find(|&(_, c)| is_sep(c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let end = cleaned[at..].find(is_sep).map_or(cleaned.len(), |i| at + i);
    let word = &cleaned[start..end];
    let (list, glued) = match word.strip_suffix('등') {
        Some(l) if l.contains('·') => (l, true),
        _ => (word, false),
    };
    let after = cleaned[end..].trim_start_matches(' ');
    let deung = glued
        || after
            .strip_prefix('등')
            .is_some_and(|r| r.chars().next().is_none_or(|c| !('가'..='힣').contains(&c)));
    let items = list.split('·').filter(|x| !x.is_empty()).count();
    (deung && items >= 2).then_some((start, start + list.len(), items))
}

/// Whether the text after a name is a parenthetical and then a subject or topic particle:
/// `곡성군(군수 조상래)은`, `광주시교육청(교육감 이정선)이`, as press releases introduce their
/// issuer.
fn subject_after_parenthetical(rest: &str) -> bool {
    let Some(inner) = rest.strip_prefix('(') else {
        return false;
    };
    let Some(close) = inner.find(')') else {
        return false;
    };
    if close > MAX_PARENTHETICAL_BYTES || inner[..close].contains(['(', '\n']) {
        return false;
    }
    let after = &inner[close + 1..];
    let mut chars = after.chars();
    matches!(chars.next(), Some('은' | '는' | '이' | '가'))
        && chars.next().is_none_or(|c| !('가'..='힣').contains(&c))
}

/// Whether `cue` occurs in `text` other than as the start of `국회의원` (a lawmaker named in a
/// regional story does not make it national; the Assembly and its bills do).
fn has_cue(text: &str, cue: &str) -> bool {
    text.match_indices(cue)
        .any(|(i, _)| !(cue == "국회" && text[i + cue.len()..].starts_with("의원")))
}

/// The headline and the lead (the first [`LEAD_CHARS`] characters of the body).
fn lead_text<'a>(text: &Text<'a>) -> &'a str {
    let start = if text.derived { 0 } else { text.body_start };
    let end = start + char_offset(&text.cleaned[start..], LEAD_CHARS);
    &text.cleaned[..end]
}

/// Whether byte `at` lies inside parentheses opened on its line (`의원(국민의힘·서울 강남구갑)`).
fn in_parentheses(cleaned: &str, at: usize) -> bool {
    let line_start = cleaned[..at].rfind('\n').map_or(0, |i| i + 1);
    let before = &cleaned[line_start..at];
    match before.rfind('(') {
        Some(open) => !before[open..].contains(')'),
        None => false,
    }
}
