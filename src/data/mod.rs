//! Data files users may edit: the region gazetteer, the industry taxonomy, domain nouns for the
//! user dictionary, query synonyms and the word lists cleaning and extraction use. They live in
//! `data/` of the repository (described in `data/README.md`); the binary embeds that folder's
//! files at build time (edit, then `cargo run` rebuilds) and `--data DIR` reads another copy at
//! run time. The index records a fingerprint of the files, so `kpolicy index` re-extracts every
//! article after an edit.

use std::path::Path;

mod furniture;
mod gazetteer;
mod national;
mod synonyms;
mod taxonomy;
mod word_list;

pub(crate) use furniture::Furniture;
pub(crate) use gazetteer::{has_region_suffix, Gazetteer, NameKind, Region};
pub(crate) use national::NationalBodies;
pub use synonyms::Synonyms;
pub(crate) use taxonomy::Taxonomy;
pub(crate) use word_list::WordList;

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
const PAGE_CONTROLS_FILE: &str = "page_controls.txt";

/// Every data file with the copy embedded at build time, in fingerprint order.
const FILES: [(&str, &str); 14] = [
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
    (
        PAGE_CONTROLS_FILE,
        include_str!("../../data/page_controls.txt"),
    ),
];

/// Endings of an organisation's name (`org_suffixes.txt`). The document readers, which run
/// without [`Resources`], read this embedded copy: `--data` does not replace it.
pub(crate) static ORG_SUFFIXES: std::sync::LazyLock<WordList> =
    std::sync::LazyLock::new(|| WordList::parse(include_str!("../../data/org_suffixes.txt")));

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
    /// Words of page controls (font size, print, share, comments …), in lower case: a short
    /// line made only of them is a control line (`page_controls.txt`).
    pub(crate) page_controls: WordList,
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
    fn from_texts(texts: [String; 14], origin: &str) -> Result<Resources> {
        let [regions, industries, nouns, synonyms, menu_words, not_sources, institution_words, place_words, national, date_markers, byline_titles, office_suffixes, place_suffixes, page_controls] =
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
            page_controls: WordList::parse(&page_controls.to_lowercase()),
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
