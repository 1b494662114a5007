//! Industry: taxonomy keywords counted over the analysed terms, title hits weighted. An industry
//! is assigned only at [`MIN_INDUSTRY_EVIDENCE`], so a passing mention does not tag.

use rustc_hash::FxHashMap;

use crate::analysis::normalize::normalize_label;
use crate::analysis::{Analyzer, Term};
use crate::data::Resources;

/// Evidence an industry needs: body keyword hits + [`TITLE_WEIGHT`] × title hits.
const MIN_INDUSTRY_EVIDENCE: usize = 3;
/// Weight of a keyword hit in the title.
const TITLE_WEIGHT: usize = 3;

/// An industry's evidence: its name, `keyword×count` notes and the byte spans hit.
type IndustryHits = (String, Vec<String>, Vec<(usize, usize)>);

/// Industry keywords analysed once into term sequences (`농식품` → [농, 식품]), so that they
/// match the article's terms exactly as search would.
#[derive(Debug, Clone, Default)]
pub(crate) struct Keywords {
    /// (industry name, keyword as written, its terms).
    entries: Vec<(String, String, Vec<String>)>,
    /// Entries by their first term, in entry order.
    by_first: FxHashMap<String, Vec<usize>>,
}

impl Keywords {
    pub fn new(analyzer: &Analyzer, res: &Resources) -> Keywords {
        let mut entries: Vec<(String, String, Vec<String>)> = Vec::new();
        for ind in &res.taxonomy.industries {
            for kw in &ind.keywords {
                // A compound analyses to itself plus its parts at the same positions; the
                // sequence to look for is one term per position.
                let mut seq: Vec<(usize, String)> = Vec::new();
                for t in analyzer.terms(kw) {
                    if t.pos == crate::analysis::BIGRAM_POS
                        || seq.last().is_some_and(|(p, _)| *p == t.position)
                    {
                        continue;
                    }
                    seq.push((t.position, t.text));
                }
                // A keyword that analyses to one shorter word has lost a prefix or suffix
                // (신소재 → 소재, 신/XPN dropped) and would match far more than it means.
                let compact_kw = normalize_label(kw).replace(' ', "");
                let lost_part = seq.len() == 1 && seq[0].1.len() < compact_kw.len();
                if !seq.is_empty() && !lost_part {
                    entries.push((
                        ind.name.clone(),
                        kw.clone(),
                        seq.into_iter().map(|(_, t)| t).collect(),
                    ));
                }
            }
        }
        let mut by_first: FxHashMap<String, Vec<usize>> = FxHashMap::default();
        for (i, (_, _, seq)) in entries.iter().enumerate() {
            by_first.entry(seq[0].clone()).or_default().push(i);
        }
        Keywords { entries, by_first }
    }

    /// Industries with enough keyword evidence in `terms` (hits before `title_end` weigh more).
    ///
    /// Evidence is counted per place in the text, not per keyword: `관광도시` matches the
    /// keywords 관광도시 and 관광 (a compound is indexed whole and as parts) and `유교문화
    /// 관광도시` also 문화관광 across the two words, but it is one passing mention. Overlapping
    /// hits of one industry count once.
    pub fn industries_of(&self, terms: &[Term], title_end: usize) -> (Vec<String>, String) {
        // Terms come in position order (a compound shares its position with its first part):
        // `at[p]..at[p + 1]` are the terms at position `p`.
        let positions = terms.iter().map(|t| t.position + 1).max().unwrap_or(0);
        let mut at = vec![0; positions + 2];
        for t in terms {
            at[t.position + 1] += 1;
        }
        for p in 1..at.len() {
            at[p] += at[p - 1];
        }
        // The analyzer gives terms in position order; anything else is searched the slow way.
        let sorted = terms.windows(2).all(|w| w[0].position <= w[1].position);
        let at_position = |p: usize, w: &str| -> Option<&Term> {
            if sorted {
                let (a, b) = (*at.get(p)?, *at.get(p + 1)?);
                terms[a..b].iter().find(|x| x.text == w)
            } else {
                terms.iter().find(|x| x.position == p && x.text == w)
            }
        };
        // (entry, byte span) of every keyword hit, in text order; one pass over the terms,
        // looking up the keywords that start with each.
        let mut hits: Vec<(usize, (usize, usize))> = Vec::new();
        for t in terms {
            let Some(entries) = self.by_first.get(t.text.as_str()) else {
                continue;
            };
            for &e in entries {
                let seq = &self.entries[e].2;
                let mut end = t.end;
                let whole = seq.iter().enumerate().skip(1).all(|(i, w)| {
                    match at_position(t.position + i, w) {
                        Some(x) => {
                            end = end.max(x.end);
                            true
                        }
                        None => false,
                    }
                });
                if whole {
                    hits.push((e, (t.start, end)));
                }
            }
        }
        // Per industry, in keyword order: keyword hit counts (for the evidence) and the byte
        // spans hit.
        hits.sort_by_key(|&(e, _)| e);
        let mut found_by: Vec<IndustryHits> = Vec::new();
        for group in hits.chunk_by(|a, b| a.0 == b.0) {
            let (name, kw, _) = &self.entries[group[0].0];
            let spans = group.iter().map(|&(_, span)| span);
            let hit = format!("{kw}×{}", group.len());
            match found_by.iter_mut().find(|(n, _, _)| n == name) {
                Some(entry) => {
                    entry.1.push(hit);
                    entry.2.extend(spans);
                }
                None => found_by.push((name.clone(), vec![hit], spans.collect())),
            }
        }
        let mut found = Vec::new();
        let mut why = Vec::new();
        for (name, hits, mut spans) in found_by {
            spans.sort_unstable();
            let mut places: Vec<(usize, usize)> = Vec::new();
            for (s, e) in spans {
                match places.last_mut() {
                    Some(last) if s < last.1 => last.1 = last.1.max(e),
                    _ => places.push((s, e)),
                }
            }
            let score: usize = places
                .iter()
                .map(|&(s, _)| if s < title_end { TITLE_WEIGHT } else { 1 })
                .sum();
            if score >= MIN_INDUSTRY_EVIDENCE {
                why.push(format!(
                    "{name}: {} ({} places, score {score})",
                    hits.join(", "),
                    places.len()
                ));
                found.push(name);
            }
        }
        let why = if why.is_empty() {
            format!("no industry reached a score of {MIN_INDUSTRY_EVIDENCE}")
        } else {
            why.join("; ")
        };
        (found, why)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn industry_keywords_across_words_and_in_any_term_order() {
        let res = Resources::embedded().unwrap();
        let analyzer = Analyzer::new(&res.user_words()).unwrap();
        let keywords = Keywords::new(&analyzer, &res);
        let text = "안동시는 바이오 백신 산업과 백신 공장, 바이오산업 클러스터를 키운다. \
                    백신 연구소와 바이오 의약품 기업도 유치한다.";
        let terms = analyzer.analyze(text).terms;
        let (found, why) = keywords.industries_of(&terms, 0);
        assert_eq!(found, vec!["바이오·백신".to_string()], "{why}");
        assert!(why.contains("백신×"), "{why}");
        // Terms out of position order (not what the analyzer gives) find the same.
        let mut shuffled = terms.clone();
        shuffled.reverse();
        let (again, _) = keywords.industries_of(&shuffled, 0);
        assert_eq!(again, found);
        assert_eq!(keywords.industries_of(&[], 0).0, Vec::<String>::new());
    }
}
