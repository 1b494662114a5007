//! Phase 1: every morpheme that is a gazetteer name, outside leading datelines.

use super::super::lead_tag::lead_tag;
use super::Text;
use crate::data::{has_region_suffix, NameKind, Region, Resources};

/// One place a gazetteer name occurs.
#[derive(Debug, Clone)]
pub(super) struct Mention {
    pub start: usize,
    pub end: usize,
    pub name: String,
    pub candidates: Vec<Region>,
    /// Index of the next morpheme (to look at particles).
    pub next: usize,
    /// Certainly a place: an official name, a suffixed short form or a proper noun.
    pub certain: bool,
}

impl Mention {
    /// The 시·도 of the candidates, sorted, each once.
    pub fn sidos(&self) -> Vec<String> {
        let mut s: Vec<String> = self.candidates.iter().map(|r| r.sido.clone()).collect();
        s.sort_unstable();
        s.dedup();
        s
    }
}

/// The gazetteer name a morpheme stands for: the surface itself, or the surface without an
/// office/title suffix (`북구청`, `북구청장`, `안동시장`).
pub(in crate::ingest::extract) fn gazetteer_name<'a>(
    surface: &'a str,
    res: &Resources,
) -> Option<&'a str> {
    let g = &res.gazetteer;
    if !g.lookup(surface).is_empty() {
        return Some(surface);
    }
    for suffix in res.office_suffixes.words() {
        let Some(base) = surface.strip_suffix(suffix) else {
            continue;
        };
        // Only suffixed names take a title (`안동시장` mayor, not `안동장` market day).
        if has_region_suffix(base) && !g.lookup(base).is_empty() {
            return Some(base);
        }
    }
    None
}

/// Byte spans of the datelines that open a line of `cleaned` (`[광주=뉴시스]`,
/// `(광주=연합뉴스)`): they name where the reporter files from, not the region the article is
/// about.
fn datelines(cleaned: &str) -> Vec<(usize, usize)> {
    cleaned
        .lines()
        .scan(0usize, |at, line| {
            let start = *at;
            *at += line.len() + 1;
            Some((start, line))
        })
        .filter_map(|(start, line)| {
            let lead = line.trim_start();
            let off = start + (line.len() - lead.len());
            lead_tag(lead)
                .filter(|tag| tag.dateline.is_some())
                .map(|tag| (off, off + tag.end))
        })
        .collect()
}

/// A 시·도-level office glued to a name shared by a 시·도 and a 시·군·구 (`광주시교육청`); the
/// offices of a 시·군·구 are named differently (`광주하남교육지원청`).
const PROVINCE_OFFICE: &str = "교육청";

/// Particles that may follow an institution's name in the same word (`부산저축은행과`).
const PARTICLES: &[&str] = &[
    "은", "는", "이", "가", "을", "를", "의", "과", "와", "에", "에서", "도", "로", "으로", "에게",
];

/// Words after a short form that is also a sea's name (`동해` East Sea, `남해` South Sea) that
/// make it the sea: `강원 동해 북부 해안`, `남해 먼바다` are weather and coast, not 동해시/남해군.
const SEA_WORDS: &[&str] = &[
    "북부",
    "남부",
    "중부",
    "연안",
    "해안",
    "앞바다",
    "먼바다",
    "바다",
    "해상",
    "상",
];

/// The rest of the word after byte `end`: the letters glued to a name (`저축은행과`).
fn glued_after(cleaned: &str, end: usize) -> &str {
    let rest = cleaned.get(end..).unwrap_or("");
    let len = rest
        .find(|c: char| !c.is_alphanumeric())
        .unwrap_or(rest.len());
    &rest[..len]
}

/// Whether `glued` is an institution word, alone or with a particle (`저축은행`, `은행은`).
fn is_institution(glued: &str, res: &Resources) -> bool {
    !glued.is_empty()
        && res.institution_words.words().iter().any(|w| {
            glued
                .strip_prefix(w.as_str())
                .is_some_and(|rest| rest.is_empty() || PARTICLES.contains(&rest))
        })
}

/// Every morpheme that is a gazetteer name, in text order. Institutions named after a place
/// (`경북대`) and bare short forms that are not nouns here are left out.
pub(super) fn find(text: &Text, res: &Resources) -> Vec<Mention> {
    let g = &res.gazetteer;
    let datelines = datelines(text.cleaned);
    let in_dateline = |at: usize| datelines.iter().any(|&(s, e)| at >= s && at < e);
    let morphemes = text.morphemes;
    let mut mentions: Vec<Mention> = Vec::new();
    for (i, m) in morphemes.iter().enumerate() {
        let Some(name) = gazetteer_name(&m.surface, res) else {
            continue;
        };
        if in_dateline(m.start) {
            continue;
        }
        let found = g.lookup(name);
        let official = found.iter().any(|&(_, k)| k == NameKind::Official);
        let suffixed = has_region_suffix(name);
        let next = morphemes.get(i + 1);
        if !official && !suffixed {
            // `전남대학교`, `경북대`, `부산저축은행`: an institution, often in another region.
            if next.is_some_and(|n| n.start == m.end && res.institution_words.contains(&n.surface))
                || is_institution(glued_after(text.cleaned, m.end), res)
            {
                continue;
            }
            if !m.pos.starts_with("NN") {
                continue;
            }
            // `동해 북부 해안`: the sea named like the city (an ordinary word in the gazetteer).
            if g.is_common_word(name)
                && next.is_some_and(|n| {
                    SEA_WORDS.contains(&n.surface.as_str())
                        && text.gap(m.end, n.start).chars().all(char::is_whitespace)
                        && n.start - m.end <= 1
                })
            {
                continue;
            }
        }
        let proper = m.pos.starts_with("NNP");
        let mut candidates: Vec<Region> = found.into_iter().map(|(r, _)| r.clone()).collect();
        // `광주시교육청`: a 시·도's office of education, so the 시·도 (광주광역시, not 경기 광주시).
        if glued_after(text.cleaned, m.end).starts_with(PROVINCE_OFFICE)
            && candidates.iter().any(|r| r.sigungu.is_none())
        {
            candidates.retain(|r| r.sigungu.is_none());
        }
        mentions.push(Mention {
            start: m.start,
            end: m.end,
            name: name.to_string(),
            candidates,
            next: i + 1,
            certain: official || suffixed || proper,
        });
    }
    mentions
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn institutions_glued_to_a_place_name() {
        let res = Resources::embedded().expect("embedded data");
        assert_eq!(
            glued_after("부산저축은행과 대전", "부산".len()),
            "저축은행과"
        );
        for w in ["저축은행", "저축은행과", "은행은", "대학교", "지법"] {
            assert!(is_institution(w, &res), "{w}");
        }
        for w in ["여상", "고등학교는", "초등학교"] {
            assert!(is_institution(w, &res), "{w}");
        }
        for w in ["", "에서", "대표", "은행나무", "시민"] {
            assert!(!is_institution(w, &res), "{w}");
        }
    }
}
