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
            // `전남대학교`, `경북대`: an institution, often in another region.
            if next.is_some_and(|n| n.start == m.end && res.institution_words.contains(&n.surface))
            {
                continue;
            }
            if !m.pos.starts_with("NN") {
                continue;
            }
        }
        let proper = m.pos.starts_with("NNP");
        mentions.push(Mention {
            start: m.start,
            end: m.end,
            name: name.to_string(),
            candidates: found.into_iter().map(|(r, _)| r.clone()).collect(),
            next: i + 1,
            certain: official || suffixed || proper,
        });
    }
    mentions
}
