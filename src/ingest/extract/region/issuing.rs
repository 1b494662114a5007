//! Phase 4: the issuing region is the subject of the headline or lead (`경북 안동시는 …`,
//! `인천시, …`), scored; with none, the 시·도 most of the article's mentions name.

use std::collections::HashMap;

use super::mentions::Mention;
use super::{is_space_gap, Text};
use crate::data::{Gazetteer, Region};

/// How far into the body the lead reaches for the issuing region (characters).
const LEAD_CHARS: usize = 300;
/// Particles that make a name the subject/topic of its sentence.
const SUBJECT_PARTICLES: &[&str] = &["JX", "JKS"];
/// Score of a name that is the subject of its sentence (`안동시는`, `인천시,`).
const SUBJECT_SCORE: i32 = 4;
/// Score of a name in the headline.
const TITLE_SCORE: i32 = 3;
/// Earlier is better: a name loses a point for each resolved name before it, up to this many.
const MAX_ORDER_PENALTY: i32 = 3;
/// With no name scored in the lead, a 시·도 is the issuing region when it has the majority of
/// the mentions and at least this many: one passing name is not enough.
const MIN_DOMINANT_MENTIONS: usize = 2;

/// The issuing region and the evidence, which ends with `weak_note`.
pub(super) fn issuing(
    text: &Text,
    mentions: &[Mention],
    resolved: &[(usize, Region)],
    province_votes: &HashMap<String, usize>,
    g: &Gazetteer,
    mentioned: usize,
    weak_note: &str,
) -> (Option<Region>, String) {
    match subject_of_lead(text, mentions, resolved) {
        Some((score, at, region, name)) if score >= 0 => {
            let why = format!(
                "`{name}` at byte {at} ({}); {mentioned} region(s) mentioned{weak_note}",
                if score >= SUBJECT_SCORE {
                    "subject of the headline/lead"
                } else {
                    "first place named in the headline/lead"
                },
            );
            (Some(region), why)
        }
        _ => {
            // Fallback: the province that dominates the article.
            let total: usize = province_votes.values().sum();
            let top = province_votes
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)));
            match top {
                Some((sido, &v)) if v * 2 > total && v >= MIN_DOMINANT_MENTIONS => (
                    g.province_named(sido).cloned(),
                    format!("{sido} named in {v} of {total} region mentions{weak_note}"),
                ),
                _ => (
                    None,
                    format!("no region is the subject of the lead{weak_note}"),
                ),
            }
        }
    }
}

/// The best-scored resolved name in the headline or lead: (score, byte offset, region, name).
fn subject_of_lead(
    text: &Text,
    mentions: &[Mention],
    resolved: &[(usize, Region)],
) -> Option<(i32, usize, Region, String)> {
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
        morphemes
            .get(m.next)
            .is_some_and(|n| SUBJECT_PARTICLES.contains(&n.pos.as_str()) && n.start == m.end)
            || cleaned[m.end..].starts_with(',')
    };
    let mut best: Option<(i32, usize, Region, String)> = None;
    for (k, (i, r)) in resolved.iter().enumerate() {
        let m = &mentions[*i];
        if m.start >= lead_end {
            break;
        }
        let in_title = !derived && m.start < body_start;
        let mut score = 0;
        if is_subject(m) {
            score += SUBJECT_SCORE;
        }
        if in_title {
            score += TITLE_SCORE;
        }
        score -= (k as i32).min(MAX_ORDER_PENALTY);
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
                if is_subject(nm) {
                    score += SUBJECT_SCORE;
                }
            }
        }
        if best.as_ref().is_none_or(|b| score > b.0) {
            best = Some((score, m.start, region, m.name.clone()));
        }
    }
    best
}

/// Byte offset of the `n`th character (or the end).
fn char_offset(s: &str, n: usize) -> usize {
    s.char_indices().nth(n).map(|(i, _)| i).unwrap_or(s.len())
}
