//! Phase 3: each mention resolved to one region. A 시·도 right before a shared name decides it
//! (`부산 중구`, `경기 광주시`, `광주 북구`); otherwise the 시·도 the article talks about, counted
//! over mentions that name only one 시·도, in rounds so that names resolved in one round vote in
//! the next; `광주` with no such evidence is the metropolitan city.

use std::collections::HashMap;

use super::mentions::Mention;
use super::{is_space_gap, Text};
use crate::data::{Gazetteer, Region};

/// The mentions that resolved to one region (mention index, region), and the votes per 시·도
/// over the final candidates.
pub(super) fn resolve(
    text: &Text,
    mentions: &[Mention],
    g: &Gazetteer,
) -> (Vec<(usize, Region)>, HashMap<String, usize>) {
    let mut cands: Vec<Vec<Region>> = mentions.iter().map(|m| m.candidates.clone()).collect();
    narrow_by_prefix(text, mentions, &mut cands, g);
    // Two rounds: names resolved in the first round vote in the second.
    decide_by_votes(&mut cands);
    decide_by_votes(&mut cands);
    for c in cands.iter_mut().filter(|c| c.len() > 1) {
        if let Some(p) = c.iter().find(|r| r.sigungu.is_none()) {
            // `광주` with no 경기도 evidence: the metropolitan city.
            *c = vec![p.clone()];
        }
    }
    // Shared district names left open may follow from the 광주 just decided.
    decide_by_votes(&mut cands);
    let province_votes = votes(&cands);
    let resolved = cands
        .into_iter()
        .enumerate()
        .filter(|(_, c)| c.len() == 1)
        .map(|(i, mut c)| (i, c.remove(0)))
        .collect();
    (resolved, province_votes)
}

/// A shared name right after a 시·도 (`부산 중구`) keeps the readings in that 시·도, and the
/// prefix becomes that 시·도 (`광주 북구`: 광주 is then the metropolitan city).
fn narrow_by_prefix(text: &Text, mentions: &[Mention], cands: &mut [Vec<Region>], g: &Gazetteer) {
    for i in 0..mentions.len() {
        if cands[i].len() <= 1 {
            continue;
        }
        let m = &mentions[i];
        let Some(p) = i
            .checked_sub(1)
            .map(|j| &mentions[j])
            .filter(|p| is_space_gap(text.gap(p.end, m.start)))
        else {
            continue;
        };
        let sidos: Vec<&str> = p
            .candidates
            .iter()
            .filter(|r| r.sigungu.is_none())
            .map(|r| r.sido.as_str())
            .collect();
        let narrowed: Vec<Region> = cands[i]
            .iter()
            .filter(|r| r.sigungu.is_some() && sidos.contains(&r.sido.as_str()))
            .cloned()
            .collect();
        if narrowed.is_empty() {
            continue;
        }
        let sido = narrowed[0].sido.clone();
        if narrowed.iter().all(|r| r.sido == sido) {
            cands[i - 1].retain(|r| r.sigungu.is_none() && r.sido == sido);
            if cands[i - 1].is_empty() {
                cands[i - 1] = g.province_named(&sido).cloned().into_iter().collect();
            }
        }
        cands[i] = narrowed;
    }
}

/// Mentions per 시·도, counting only those whose candidates all lie in one 시·도.
fn votes(cands: &[Vec<Region>]) -> HashMap<String, usize> {
    let mut v: HashMap<String, usize> = HashMap::new();
    for c in cands {
        let mut sidos: Vec<&str> = c.iter().map(|r| r.sido.as_str()).collect();
        sidos.sort_unstable();
        sidos.dedup();
        if sidos.len() == 1 {
            *v.entry(sidos[0].to_string()).or_default() += 1;
        }
    }
    v
}

/// One round: an open mention keeps the readings in the 시·도 with the most votes, when one
/// 시·도 leads.
fn decide_by_votes(cands: &mut [Vec<Region>]) {
    let province_votes = votes(cands);
    for c in cands.iter_mut().filter(|c| c.len() > 1) {
        let top = c
            .iter()
            .map(|r| province_votes.get(&r.sido).copied().unwrap_or(0))
            .max()
            .unwrap_or(0);
        let winners: Vec<Region> = c
            .iter()
            .filter(|r| province_votes.get(&r.sido).copied().unwrap_or(0) == top)
            .cloned()
            .collect();
        let mut sidos: Vec<&str> = winners.iter().map(|r| r.sido.as_str()).collect();
        sidos.sort_unstable();
        sidos.dedup();
        if top > 0 && sidos.len() == 1 {
            *c = winners;
            if c.len() > 1 {
                // Same 시·도 twice (광주 as 시·도 and as 광주시 of 경기 → already split by
                // 시·도; 인천 old/new rows): keep the one 시·군·구 reading if unique.
                let specific: Vec<Region> =
                    c.iter().filter(|r| r.sigungu.is_some()).cloned().collect();
                if specific.len() == 1 {
                    *c = specific;
                }
            }
        }
    }
}
