//! Data files users may edit: the region gazetteer, the industry taxonomy, domain nouns for the
//! user dictionary, query synonyms and the word lists cleaning and extraction use. They live in
//! `data/` of the repository (described in `data/README.md`); the binary embeds that folder's
//! files at build time (edit, then `cargo run` rebuilds) and `--data DIR` reads another copy at
//! run time. The index records a fingerprint of the files, so `kpolicy index` re-extracts every
//! article after an edit.

use std::collections::{HashMap, HashSet};
use std::path::Path;

mod furniture;
mod national;

pub(crate) use furniture::Furniture;
pub(crate) use national::NationalBodies;

use crate::analysis::normalize::normalize_label;
use crate::analysis::UserWord;
use crate::error::{Error, Result};

/// File names inside a data folder.
const REGIONS_FILE: &str = "regions.tsv";
const INDUSTRIES_FILE: &str = "industries.tsv";
const DOMAIN_NOUNS_FILE: &str = "domain_nouns.txt";
const SYNONYMS_FILE: &str = "synonyms.tsv";
const MENU_WORDS_FILE: &str = "menu_words.txt";
const NOT_SOURCES_FILE: &str = "not_sources.txt";
const INSTITUTION_WORDS_FILE: &str = "institution_words.txt";
const PLACE_WORDS_FILE: &str = "place_words.txt";
const NATIONAL_BODIES_FILE: &str = "national_bodies.txt";
const DATE_MARKERS_FILE: &str = "date_markers.txt";
const BYLINE_TITLES_FILE: &str = "byline_titles.txt";
const OFFICE_SUFFIXES_FILE: &str = "office_suffixes.txt";
const PLACE_SUFFIXES_FILE: &str = "place_suffixes.txt";

/// Every data file with the copy embedded at build time, in fingerprint order.
const FILES: [(&str, &str); 13] = [
    (REGIONS_FILE, include_str!("../../data/regions.tsv")),
    (INDUSTRIES_FILE, include_str!("../../data/industries.tsv")),
    (
        DOMAIN_NOUNS_FILE,
        include_str!("../../data/domain_nouns.txt"),
    ),
    (SYNONYMS_FILE, include_str!("../../data/synonyms.tsv")),
    (MENU_WORDS_FILE, include_str!("../../data/menu_words.txt")),
    (NOT_SOURCES_FILE, include_str!("../../data/not_sources.txt")),
    (
        INSTITUTION_WORDS_FILE,
        include_str!("../../data/institution_words.txt"),
    ),
    (PLACE_WORDS_FILE, include_str!("../../data/place_words.txt")),
    (
        NATIONAL_BODIES_FILE,
        include_str!("../../data/national_bodies.txt"),
    ),
    (
        DATE_MARKERS_FILE,
        include_str!("../../data/date_markers.txt"),
    ),
    (
        BYLINE_TITLES_FILE,
        include_str!("../../data/byline_titles.txt"),
    ),
    (
        OFFICE_SUFFIXES_FILE,
        include_str!("../../data/office_suffixes.txt"),
    ),
    (
        PLACE_SUFFIXES_FILE,
        include_str!("../../data/place_suffixes.txt"),
    ),
];

/// Endings of an organisation's name (`org_suffixes.txt`). The document readers, which run
/// without [`Resources`], read this embedded copy: `--data` does not replace it.
pub(crate) static ORG_SUFFIXES: std::sync::LazyLock<WordList> =
    std::sync::LazyLock::new(|| WordList::parse(include_str!("../../data/org_suffixes.txt")));

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
    fn parse(text: &str, source: &str) -> Result<Gazetteer> {
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
    fn names(&self) -> impl Iterator<Item = (&str, &[(usize, NameKind)])> {
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

/// One industry of the taxonomy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Industry {
    pub name: String,
    pub keywords: Vec<String>,
}

/// The industry taxonomy (`industries.tsv`: `name<TAB>kw1,kw2,…`).
#[derive(Debug, Clone, Default)]
pub(crate) struct Taxonomy {
    pub industries: Vec<Industry>,
}

impl Taxonomy {
    fn parse(text: &str, source: &str) -> Result<Taxonomy> {
        let mut industries = Vec::new();
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((name, kws)) = line.split_once('\t') else {
                return Err(Error::Data {
                    path: source.to_string(),
                    reason: format!("line {}: expected `name<TAB>keywords`", n + 1),
                });
            };
            let keywords: Vec<String> = kws
                .split(',')
                .map(|k| k.trim().to_string())
                .filter(|k| !k.is_empty())
                .collect();
            industries.push(Industry {
                name: name.trim().to_string(),
                keywords,
            });
        }
        Ok(Taxonomy { industries })
    }

    /// Finds an industry by what a user typed (`바이오·백신`, `바이오・백신`, `바이오 백신`).
    pub fn resolve(&self, input: &str) -> Option<&Industry> {
        let key = normalize_label(input).replace(' ', "");
        self.industries
            .iter()
            .find(|i| normalize_label(&i.name).replace(' ', "") == key)
    }
}

/// Query-time synonym groups.
#[derive(Debug, Clone, Default)]
pub struct Synonyms {
    pub groups: Vec<Vec<String>>,
}

impl Synonyms {
    fn parse(text: &str) -> Synonyms {
        let groups = text
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .map(|l| {
                l.split(',')
                    .map(|w| w.trim().to_string())
                    .filter(|w| !w.is_empty())
                    .collect::<Vec<_>>()
            })
            .filter(|g| g.len() > 1)
            .collect();
        Synonyms { groups }
    }
}

/// A list of words or phrases, one per line (`#` comments, surrounding spaces ignored).
#[derive(Debug, Clone, Default)]
pub(crate) struct WordList {
    words: Vec<String>,
    max_bytes: usize,
}

impl WordList {
    fn parse(text: &str) -> WordList {
        let words: Vec<String> = text
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| l.trim().to_string())
            .filter(|w| !w.is_empty())
            .collect();
        let max_bytes = words.iter().map(String::len).max().unwrap_or(0);
        WordList { words, max_bytes }
    }

    /// The entries, in the order of the file.
    pub(crate) fn words(&self) -> &[String] {
        &self.words
    }

    /// Whether `word` is in the list (exactly).
    pub(crate) fn contains(&self, word: &str) -> bool {
        self.words.iter().any(|w| w == word)
    }

    /// Length of the longest entry in bytes: a longer text is in no list.
    pub(crate) fn max_bytes(&self) -> usize {
        self.max_bytes
    }
}

/// All data files, parsed.
#[derive(Debug, Clone)]
pub struct Resources {
    pub(crate) gazetteer: Gazetteer,
    pub(crate) taxonomy: Taxonomy,
    pub(crate) domain_nouns: Vec<UserWord>,
    pub synonyms: Synonyms,
    /// Whole lines that are site navigation or widgets, in lower case (`menu_words.txt`).
    pub(crate) menu_words: WordList,
    /// Words in a lead's brackets that are not publishers (`not_sources.txt`).
    pub(crate) not_sources: WordList,
    /// Words after a short place name that make it an institution (`institution_words.txt`).
    pub(crate) institution_words: WordList,
    /// Words after a short place name that show it is the place (`place_words.txt`).
    pub(crate) place_words: WordList,
    /// Ministries, 국회, national agencies: their articles are issued nationwide (`/전국`).
    pub(crate) national: NationalBodies,
    /// Date-line and byline patterns (`date_markers.txt`, `byline_titles.txt`).
    pub(crate) furniture: Furniture,
    /// Office and title suffixes after a region name, in the order tried (`office_suffixes.txt`).
    pub(crate) office_suffixes: WordList,
    /// Suffixes that make a short form that is an ordinary word the place (`place_suffixes.txt`).
    pub(crate) place_suffixes: WordList,
    /// Hash of the files' contents; stored in the index to notice edits.
    pub(crate) fingerprint: String,
}

impl Resources {
    /// The files embedded in the binary (the repository's `data/` at build time).
    pub fn embedded() -> Result<Resources> {
        Resources::from_texts(FILES.map(|(_, text)| text.to_string()), "embedded data/")
    }

    /// Reads the files from `dir`; a file missing there falls back to the embedded copy.
    pub fn from_dir(dir: &Path) -> Result<Resources> {
        if !dir.is_dir() {
            return Err(Error::Data {
                path: dir.display().to_string(),
                reason: format!(
                    "not a folder (--data needs a folder with the data files: {})",
                    FILES.map(|(name, _)| name).join(", ")
                ),
            });
        }
        let mut texts = FILES.map(|(_, text)| text.to_string());
        for ((name, _), text) in FILES.iter().zip(texts.iter_mut()) {
            let path = dir.join(name);
            match std::fs::read_to_string(&path) {
                Ok(s) => *text = s,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::File { path, source: e }),
            }
        }
        Resources::from_texts(texts, &dir.display().to_string())
    }

    /// Parses the files' texts, given in the order of [`FILES`].
    fn from_texts(texts: [String; 13], origin: &str) -> Result<Resources> {
        let [regions, industries, nouns, synonyms, menu_words, not_sources, institution_words, place_words, national, date_markers, byline_titles, office_suffixes, place_suffixes] =
            &texts;
        let date_markers = WordList::parse(date_markers);
        let byline_titles = WordList::parse(byline_titles);
        for (list, file) in [
            (&date_markers, DATE_MARKERS_FILE),
            (&byline_titles, BYLINE_TITLES_FILE),
        ] {
            if list.words().is_empty() {
                return Err(Error::Data {
                    path: format!("{origin}/{file}"),
                    reason: "holds no word; at least one is needed".into(),
                });
            }
        }
        let furniture = Furniture::new(&date_markers, &byline_titles);
        let gazetteer = Gazetteer::parse(regions, &format!("{origin}/{REGIONS_FILE}"))?;
        let taxonomy = Taxonomy::parse(industries, &format!("{origin}/{INDUSTRIES_FILE}"))?;
        let domain_nouns = nouns
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .map(|l| {
                let mut cols = l.split('\t');
                let surface = cols.next().unwrap_or("").trim().to_string();
                let pos = cols.next().unwrap_or("NNG").trim().to_string();
                UserWord { surface, pos }
            })
            .filter(|w| !w.surface.is_empty())
            .collect();
        let mut hasher = blake3::Hasher::new();
        for t in &texts {
            hasher.update(t.as_bytes());
            hasher.update(&[0]);
        }
        Ok(Resources {
            gazetteer,
            taxonomy,
            domain_nouns,
            synonyms: Synonyms::parse(synonyms),
            // Lines are compared in lower case.
            menu_words: WordList::parse(&menu_words.to_lowercase()),
            not_sources: WordList::parse(not_sources),
            institution_words: WordList::parse(institution_words),
            place_words: WordList::parse(place_words),
            national: NationalBodies::parse(national),
            furniture,
            office_suffixes: WordList::parse(office_suffixes),
            place_suffixes: WordList::parse(place_suffixes),
            fingerprint: hasher.finalize().to_hex()[..16].to_string(),
        })
    }

    /// Words for the analyzer's user dictionary: domain nouns, official region names and the
    /// short forms that carry a suffix (`대구시`, `경북도`).
    ///
    /// Bare short forms (`예산`, `고령`, `부여`, `경기`) are *not* added: many are ordinary
    /// words too (budget, old age, to grant, the economy), and the base dictionary already
    /// tags the place readings (`경북`, `포항`) as NNP.
    pub fn user_words(&self) -> Vec<UserWord> {
        let mut words = self.domain_nouns.clone();
        for (name, entries) in self.gazetteer.names() {
            let official = entries.iter().any(|&(_, k)| k == NameKind::Official);
            if official || has_region_suffix(name) {
                words.push(UserWord {
                    surface: name.to_string(),
                    pos: "NNP".to_string(),
                });
            }
        }
        words.sort_by(|a, b| a.surface.cmp(&b.surface));
        words.dedup_by(|a, b| a.surface == b.surface);
        words
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gaz() -> Gazetteer {
        Resources::embedded().unwrap().gazetteer
    }

    #[test]
    fn seventeen_provinces() {
        assert_eq!(gaz().provinces().count(), 17);
    }

    #[test]
    fn resolve_short_forms() {
        let g = gaz();
        assert_eq!(g.resolve("경북")[0].path(), "/경상북도");
        assert_eq!(g.resolve("대구시")[0].path(), "/대구광역시");
        assert_eq!(g.resolve("안동시")[0].path(), "/경상북도/안동시");
        assert_eq!(g.resolve("/경상북도/안동시")[0].path(), "/경상북도/안동시");
        assert_eq!(g.resolve("경북 안동시")[0].path(), "/경상북도/안동시");
        // 광주 as a --region value means the metropolitan city.
        assert_eq!(g.resolve("광주")[0].path(), "/광주광역시");
        assert_eq!(g.resolve("경기 광주시")[0].path(), "/경기도/광주시");
        // 중구 is shared by several cities.
        assert!(g.resolve("중구").len() >= 5);
    }

    #[test]
    fn common_word_aliases_come_from_the_note() {
        let g = gaz();
        for w in ["예산", "경기", "구미", "고성", "달성"] {
            assert!(g.is_common_word(w), "{w}");
        }
        for w in ["포항", "경북", "대전", "안동", "광주"] {
            assert!(!g.is_common_word(w), "{w}");
        }
    }

    #[test]
    fn taxonomy_resolves_spellings() {
        let r = Resources::embedded().unwrap();
        for s in ["바이오·백신", "바이오・백신", "바이오 백신", "바이오백신"]
        {
            assert_eq!(r.taxonomy.resolve(s).unwrap().name, "바이오·백신", "{s}");
        }
    }

    #[test]
    fn word_lists_from_a_folder_fall_back_to_the_built_in_ones() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(PLACE_WORDS_FILE), "# comment\n 동네 \n\n").unwrap();
        std::fs::write(dir.path().join(MENU_WORDS_FILE), "URL복사\n").unwrap();
        let r = Resources::from_dir(dir.path()).unwrap();
        assert!(r.place_words.contains("동네"));
        assert!(!r.place_words.contains("지역"));
        assert!(!r.place_words.contains("# comment"));
        // Menu words are compared in lower case.
        assert!(r.menu_words.contains("url복사"));
        assert!(r.institution_words.contains("대학교"));
        assert!(r.not_sources.contains("사진"));
        assert_ne!(r.fingerprint, Resources::embedded().unwrap().fingerprint);
    }

    #[test]
    fn user_words_skip_ambiguous_short_forms() {
        let r = Resources::embedded().unwrap();
        let words: Vec<String> = r.user_words().into_iter().map(|w| w.surface).collect();
        assert!(words.contains(&"안동시".to_string()));
        assert!(words.contains(&"대구시".to_string()));
        assert!(!words.contains(&"예산".to_string()));
        assert!(!words.contains(&"경기".to_string()));
    }
}
