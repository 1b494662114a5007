//! Phase 2: a bare short form the dictionary reads as a common noun (`구미`, `경산`, `대전`)
//! counts only in a place context: listed with other places (`포항, 구미`), alone in
//! parentheses (`(구미)`), followed by 권/지역/일대, right before a 시·군·구 of its 시·도
//! (`경기 광주시`), or — unless it is also an ordinary word — when its 시·도 is named elsewhere.
//! An accepted name can make its neighbours' list context, so the rules run until nothing
//! changes.

use std::collections::HashMap;

use super::mentions::Mention;
use super::{is_list_gap, is_space_gap, Text};
use crate::data::{Gazetteer, Resources, WordList};

/// What the rules look at for one article.
struct Context<'a> {
    text: &'a Text<'a>,
    mentions: &'a [Mention],
    gazetteer: &'a Gazetteer,
    /// Words that make a short form before them a place (`구미권`, `구미 지역`).
    place_words: &'a WordList,
    /// Suffixes that make a short form that is an ordinary word the place (`고령권`).
    place_suffixes: &'a WordList,
    /// How often each 시·도 is named by a certain mention that names only one.
    certain_sidos: HashMap<String, usize>,
}

/// The certain mentions and the candidates accepted by their context, in text order, each with
/// the context that accepted it (`None` for a certain one).
pub(super) fn accept(
    text: &Text,
    mentions: Vec<Mention>,
    res: &Resources,
) -> Vec<(Mention, Option<&'static str>)> {
    let mut certain_sidos: HashMap<String, usize> = HashMap::new();
    for m in mentions.iter().filter(|m| m.certain) {
        let s = m.sidos();
        if s.len() == 1 {
            *certain_sidos.entry(s[0].clone()).or_default() += 1;
        }
    }
    let cx = Context {
        text,
        mentions: &mentions,
        gazetteer: &res.gazetteer,
        place_words: &res.place_words,
        place_suffixes: &res.place_suffixes,
        certain_sidos,
    };
    let mut accepted: Vec<bool> = mentions.iter().map(|m| m.certain).collect();
    let mut why_weak: Vec<Option<&'static str>> = vec![None; mentions.len()];
    loop {
        let mut changed = false;
        for k in 0..mentions.len() {
            if accepted[k] {
                continue;
            }
            if let Some(reason) = cx.place_context(k, &accepted) {
                accepted[k] = true;
                why_weak[k] = Some(reason);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    mentions
        .into_iter()
        .zip(why_weak)
        .zip(accepted)
        .filter(|(_, accepted)| *accepted)
        .map(|(mention_and_why, _)| mention_and_why)
        .collect()
}

impl Context<'_> {
    /// Why mention `k` reads as a place here, given the mentions accepted so far.
    fn place_context(&self, k: usize, accepted: &[bool]) -> Option<&'static str> {
        let cleaned = self.text.cleaned;
        let m = &self.mentions[k];
        // Glued to what precedes it (`초고령`, `재경기`) it is part of another word.
        if cleaned[..m.start]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric())
        {
            return None;
        }
        let common = self.gazetteer.is_common_word(&m.name);
        if self.listed(k, accepted) {
            Some("listed with other places")
        } else if cleaned[..m.start].ends_with('(') && cleaned[m.end..].starts_with(')') {
            Some("in parentheses")
        } else if self.place_word_follows(m, common) {
            Some("followed by 권/지역/일대")
        } else if self.before_own_sigungu(k) {
            Some("right before one of its 시·군·구")
        } else if !common
            && m.sidos()
                .iter()
                .any(|s| self.certain_sidos.get(s).copied().unwrap_or(0) > 0)
        {
            Some("its 시·도 is named in the article")
        } else {
            None
        }
    }

    /// Listed with an accepted neighbour (`포항, 구미`, `경주·영천`).
    fn listed(&self, k: usize, accepted: &[bool]) -> bool {
        let (mentions, text) = (self.mentions, self.text);
        let m = &mentions[k];
        (k > 0 && accepted[k - 1] && is_list_gap(text.gap(mentions[k - 1].end, m.start)))
            || (k + 1 < mentions.len()
                && accepted[k + 1]
                && is_list_gap(text.gap(m.end, mentions[k + 1].start)))
    }

    /// `구미권`; `경산 지역` (not `고령 지역`, old-age area: an ordinary word needs a place
    /// suffix written right after it, `고령권`). At most
    /// one space may separate the two.
    fn place_word_follows(&self, m: &Mention, common: bool) -> bool {
        self.text.morphemes.get(m.next).is_some_and(|n| {
            n.start.saturating_sub(m.end) <= 1
                && if common {
                    n.start == m.end && self.place_suffixes.contains(&n.surface)
                } else {
                    self.place_words.contains(&n.surface)
                }
        })
    }

    /// A 시·도 reading of mention `k` right before a 시·군·구 of that 시·도 (`경기 광주시`).
    fn before_own_sigungu(&self, k: usize) -> bool {
        let m = &self.mentions[k];
        self.mentions.get(k + 1).is_some_and(|n| {
            is_space_gap(self.text.gap(m.end, n.start))
                && n.candidates.iter().any(|r| {
                    r.sigungu.is_some()
                        && m.candidates
                            .iter()
                            .any(|p| p.sigungu.is_none() && p.sido == r.sido)
                })
        })
    }
}
