//! Regions: gazetteer names found among the morphemes, each resolved to one region, and the
//! issuing region among them. Four phases, one file each:
//!
//! 1. [`mentions`]: every morpheme that is a gazetteer name. Official names and suffixed short
//!    forms (`안동시`, `대구시`) are certain; a bare short form (`포항`, `고성`) is certain where
//!    the dictionary tags it as a proper noun, else only a candidate.
//! 2. [`context`]: a candidate counts only in a place context (listed with other places,
//!    followed by 권/지역, its 시·도 named elsewhere …).
//! 3. [`resolve`]: names shared by several regions (`중구`, `고성군`, `광주`) are decided by a
//!    시·도 right before them, else by the 시·도 the rest of the article talks about.
//! 4. [`issuing`]: the subject of the headline or lead (`경북 안동시는 …`); all others are
//!    mentions.

mod context;
mod issuing;
mod mentions;
mod resolve;

pub(super) use issuing::Issuer;
pub(super) use mentions::gazetteer_name;

use crate::analysis::Morpheme;
use crate::data::{Region, Resources};
use mentions::Mention;

/// Longest gap between two names of one enumeration (`포항, 구미`, `구미와 울산`), in characters.
const MAX_LIST_GAP_CHARS: usize = 4;
/// Longest all-space gap that joins a 시·도 to the name after it (`경북 안동시`), in characters.
const MAX_SPACE_GAP_CHARS: usize = 2;

/// The article as region finding reads it.
struct Text<'a> {
    /// The cleaned text; morpheme offsets point into it.
    cleaned: &'a str,
    morphemes: &'a [Morpheme],
    /// Where the body starts (after the headline).
    body_start: usize,
    /// Whether the title was derived from the lead (there is no headline line).
    derived: bool,
}

impl Text<'_> {
    /// The text between two byte offsets (empty when they overlap).
    fn gap(&self, from: usize, to: usize) -> &str {
        if from < to {
            self.cleaned.get(from..to).unwrap_or("x")
        } else {
            ""
        }
    }
}

/// Longest unit after a count in a list of places with numbers (`389명`, `12곳`, `3.5%`).
const MAX_COUNT_UNIT_CHARS: usize = 2;

/// A gap that makes two names parts of one enumeration (`포항, 구미`, `경주·영천`, `구미와 울산`),
/// also with a count after the first (`서울 412명, 경기 389명`: statistics by region).
fn is_list_gap(g: &str) -> bool {
    let counted = g.trim_start();
    let rest = counted.trim_start_matches(|c: char| c.is_ascii_digit() || c == ',' || c == '.');
    if rest.len() < counted.len() && counted.starts_with(|c: char| c.is_ascii_digit()) {
        let unit_end = rest
            .char_indices()
            .take_while(|&(_, c)| c == '%' || ('가'..='힣').contains(&c))
            .map(|(i, c)| i + c.len_utf8())
            .last()
            .unwrap_or(0);
        if rest[..unit_end].chars().count() <= MAX_COUNT_UNIT_CHARS
            && is_plain_list_gap(&rest[unit_end..])
        {
            return true;
        }
    }
    is_plain_list_gap(g)
}

fn is_plain_list_gap(g: &str) -> bool {
    if g.is_empty() || g.chars().count() > MAX_LIST_GAP_CHARS {
        return false;
    }
    let core: String = g
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, ',' | '·' | '、' | '/' | '‧' | 'ㆍ'))
        .collect();
    matches!(core.as_str(), "" | "와" | "과" | "및")
}

/// Whether the text between a name and the next is only spacing (`경북 안동시`).
fn is_space_gap(g: &str) -> bool {
    g.chars().count() <= MAX_SPACE_GAP_CHARS && g.chars().all(char::is_whitespace)
}

/// The issuing region, the regions mentioned (in text order) and the evidence.
pub(super) fn regions_of(
    cleaned: &str,
    morphemes: &[Morpheme],
    body_start: usize,
    derived: bool,
    res: &Resources,
) -> (Issuer, Vec<Region>, String) {
    let text = Text {
        cleaned,
        morphemes,
        body_start,
        derived,
    };
    let found = mentions::find(&text, res);
    let (mentions, why_weak): (Vec<Mention>, Vec<Option<&'static str>>) =
        context::accept(&text, found, res).into_iter().unzip();
    let (resolved, province_votes) = resolve::resolve(&text, &mentions, &res.gazetteer);
    let mut mentioned: Vec<Region> = Vec::new();
    for (_, r) in &resolved {
        if !mentioned.contains(r) {
            mentioned.push(r.clone());
        }
    }
    let note = weak_note(&mentions, &why_weak);
    let (issuing, why) = issuing::issuing(
        &text,
        &mentions,
        &resolved,
        &province_votes,
        &res.gazetteer,
        mentioned.len(),
        &note,
    );
    if mentions.is_empty() && issuing == Issuer::Unknown {
        // A story with no place at all may still be nationwide (`전국이 대체로 맑겠으나`).
        return (Issuer::Unknown, Vec::new(), "no region name found".into());
    }
    (issuing, mentioned, why)
}

/// The evidence for short forms accepted by their context (empty when there are none).
fn weak_note(mentions: &[Mention], why_weak: &[Option<&'static str>]) -> String {
    let mut weak: Vec<String> = mentions
        .iter()
        .zip(why_weak)
        .filter_map(|(m, w)| w.map(|w| format!("{} ({w})", m.name)))
        .collect();
    if weak.is_empty() {
        String::new()
    } else {
        weak.dedup();
        format!("; short forms read as places: {}", weak.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::is_list_gap;

    #[test]
    fn lists_of_places_with_counts() {
        for g in [", ", "·", " 및 ", "와 ", " 412명, ", " 3.5%, ", " 1,234명·"] {
            assert!(is_list_gap(g), "{g:?}");
        }
        for g in [" 412명이 나왔고 ", "에서 ", " 1천234명, ", ""] {
            assert!(!is_list_gap(g), "{g:?}");
        }
    }
}
