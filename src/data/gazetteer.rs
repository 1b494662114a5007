//! `regions.tsv`: the gazetteer of the 17 시·도 and their 시·군·구, official names and short
//! forms, and how a name refers to a region.

use std::collections::{HashMap, HashSet};

use crate::error::{Error, Result};

/// A region: a 시·도, or a 시·군·구 inside one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Region {
    pub sido: String,
    pub sigungu: Option<String>,
}

impl Region {
    /// Facet path: `/경상북도/안동시` or `/경상북도`.
    pub fn path(&self) -> String {
        match &self.sigungu {
            Some(s) => format!("/{}/{}", self.sido, s),
            None => format!("/{}", self.sido),
        }
    }
}

/// Whether a name ends in an administrative suffix (시/군/구/도) after at least two characters
/// (`안동시`, `대구시`, `경북도`, not `중구`): such a short form is a place, never an ordinary
/// word, and it may carry an office or title suffix (`안동시청`, `안동시장`).
pub(crate) fn has_region_suffix(name: &str) -> bool {
    name.chars().count() >= 3 && name.ends_with(['시', '군', '구', '도'])
}

/// How a name refers to a region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NameKind {
    /// The official name (`안동시`, `경상북도`).
    Official,
    /// A short form (`안동`, `경북`, `대구시`).
    Alias,
}

/// The region gazetteer: official names and aliases of the 17 시·도 and their 시·군·구.
#[derive(Debug, Clone, Default)]
pub(crate) struct Gazetteer {
    regions: Vec<Region>,
    names: HashMap<String, Vec<(usize, NameKind)>>,
    /// Short forms that are also ordinary words (`예산` budget, `경기` economy, `구미`): the
    /// `note` column of their row says `ordinary word` or `common noun` and names them.
    common_words: HashSet<String>,
}

impl Gazetteer {
    /// Parses `regions.tsv` (`sido<TAB>sigungu<TAB>aliases<TAB>note`, `#` comments).
    pub(super) fn parse(text: &str, source: &str) -> Result<Gazetteer> {
        let mut g = Gazetteer::default();
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            let sido = cols[0].trim();
            if sido.is_empty() {
                return Err(Error::Data {
                    path: source.to_string(),
                    reason: format!("line {}: empty 시·도 column", n + 1),
                });
            }
            let sigungu = cols.get(1).map(|s| s.trim()).filter(|s| !s.is_empty());
            let region = Region {
                sido: sido.to_string(),
                sigungu: sigungu.map(str::to_string),
            };
            let id = match g.regions.iter().position(|r| *r == region) {
                Some(id) => id,
                None => {
                    g.regions.push(region);
                    g.regions.len() - 1
                }
            };
            g.add_name(sigungu.unwrap_or(sido), id, NameKind::Official);
            let note = cols.get(3).copied().unwrap_or("");
            let ordinary = note.contains("ordinary word") || note.contains("common noun");
            for alias in cols.get(2).copied().unwrap_or("").split(',') {
                let alias = alias.trim();
                if !alias.is_empty() {
                    g.add_name(alias, id, NameKind::Alias);
                    if ordinary && mentions_word(note, alias) {
                        g.common_words.insert(alias.to_string());
                    }
                }
            }
        }
        if g.regions.iter().filter(|r| r.sigungu.is_none()).count() == 0 {
            return Err(Error::Data {
                path: source.to_string(),
                reason: "no 시·도 rows".into(),
            });
        }
        Ok(g)
    }

    fn add_name(&mut self, name: &str, id: usize, kind: NameKind) {
        let entry = self.names.entry(name.to_string()).or_default();
        if !entry.iter().any(|&(i, _)| i == id) {
            entry.push((id, kind));
        }
    }

    /// Whether a short form is also an ordinary word (marked so in the `note` column).
    pub(crate) fn is_common_word(&self, name: &str) -> bool {
        self.common_words.contains(name)
    }

    /// Regions a name may refer to.
    pub(crate) fn lookup(&self, name: &str) -> Vec<(&Region, NameKind)> {
        self.names
            .get(name)
            .map(|v| v.iter().map(|&(i, k)| (&self.regions[i], k)).collect())
            .unwrap_or_default()
    }

    /// All 시·도.
    pub fn provinces(&self) -> impl Iterator<Item = &Region> {
        self.regions.iter().filter(|r| r.sigungu.is_none())
    }

    /// Every name with its kind (for the user dictionary and matching).
    pub(super) fn names(&self) -> impl Iterator<Item = (&str, &[(usize, NameKind)])> {
        self.names.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }

    /// Resolves what a user typed for `--region`: a facet path, an official name, an alias, or
    /// `시·도 시·군·구` (`경북 안동시`). Ambiguous names resolve to all candidates.
    pub fn resolve(&self, input: &str) -> Vec<Region> {
        let input = input.trim();
        let parts: Vec<&str> = input
            .trim_start_matches('/')
            .split(|c: char| c == '/' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .collect();
        match parts.as_slice() {
            [one] => {
                let mut found: Vec<Region> = self
                    .lookup(one)
                    .into_iter()
                    .map(|(r, _)| r.clone())
                    .collect();
                // A province name wins over a district alias of the same spelling (광주).
                if found.iter().any(|r| r.sigungu.is_none()) {
                    found.retain(|r| r.sigungu.is_none());
                }
                found.sort();
                found.dedup();
                found
            }
            [p, s] => {
                let provinces: Vec<String> = self
                    .lookup(p)
                    .into_iter()
                    .filter(|(r, _)| r.sigungu.is_none())
                    .map(|(r, _)| r.sido.clone())
                    .collect();
                let mut found: Vec<Region> = self
                    .lookup(s)
                    .into_iter()
                    .filter(|(r, _)| r.sigungu.is_some() && provinces.contains(&r.sido))
                    .map(|(r, _)| r.clone())
                    .collect();
                found.sort();
                found.dedup();
                found
            }
            _ => Vec::new(),
        }
    }

    /// A region's province by 시·도 name.
    pub(crate) fn province_named(&self, sido: &str) -> Option<&Region> {
        self.provinces().find(|r| r.sido == sido)
    }
}

/// Whether `note` names `word` as a word of its own (`alias 고성 is …`, not inside `고성군`).
fn mentions_word(note: &str, word: &str) -> bool {
    note.match_indices(word).any(|(i, _)| {
        let before = note[..i].chars().next_back();
        let after = note[i + word.len()..].chars().next();
        let hangul = |c: Option<char>| c.is_some_and(|c| ('가'..='힣').contains(&c));
        !hangul(before) && !hangul(after)
    })
}
