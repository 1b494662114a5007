//! Metadata from raw article text: title, publication date/year, issuing and mentioned regions,
//! industries and source — each with the evidence that produced it.
//!
//! One submodule per field, each with its rules and why:
//! - [`title`]: the headline line, or the lead sentence shortened;
//! - [`date`]: publication date from date lines, bylines and file names only;
//! - [`region`]: gazetteer names among the morphemes, resolved, and the issuing one;
//! - [`industry`]: taxonomy keywords counted over the analysed terms;
//! - [`source`]: the publisher from a lead tag or the copyright line.
//!
//! Extraction reads the raw text where cleaning removes what it needs (date lines, copyright
//! lines) and the cleaned text with its morphemes and terms elsewhere.

mod date;
mod industry;
mod lead_tag;
pub(super) mod national;
mod region;
mod source;
mod title;

pub(crate) use date::{parse_supplied_date, YEARS};
pub(crate) use industry::Keywords;

use crate::analysis::{Morpheme, Term};
use crate::article::Metadata;
use crate::data::{Region, Resources};
use crate::ingest::RawArticle;

/// How far into the body the lead reaches (characters): where the issuing region and a
/// national issuer are looked for.
const LEAD_CHARS: usize = 300;

/// Byte offset of the `n`th character of `s` (its length when `s` is shorter).
fn char_offset(s: &str, n: usize) -> usize {
    s.char_indices().nth(n).map_or(s.len(), |(i, _)| i)
}

/// 시·도 renamed while keeping their territory: (current name, former name, the day the new
/// name took effect). An article from before the change is filed and shown under the current
/// name — one facet value per place across the years, so a filter or a map over 2020–2024
/// finds all of 강원's articles in one place — and the former name works as a filter alias
/// (`--region 강원도`, `data/regions.tsv`). The evidence says so when the article predates it.
const RENAMED_PROVINCES: &[(&str, &str, &str)] = &[
    ("강원특별자치도", "강원도", "2023-06-11"),
    ("전북특별자치도", "전라북도", "2024-01-18"),
];

/// The evidence note for an article filed under a 시·도's current name although it was dated
/// before the rename (`date` is YYYY-MM-DD, or YYYY when only the year is known).
fn renamed_note(region: Option<&str>, date: Option<&str>) -> Option<String> {
    let region = region?;
    let date = date?;
    RENAMED_PROVINCES.iter().find_map(|&(now, before, since)| {
        let earlier = date < since.get(..date.len()).unwrap_or(since);
        (region.trim_start_matches('/').split('/').next() == Some(now) && earlier)
            .then(|| format!("filed under the current name {now} (called {before} until {since})"))
    })
}

/// Extracts metadata from the raw article (its text, for date/source lines that cleaning
/// removes; the title it states, which heads the text), the cleaned text, its morphemes and
/// terms (offsets into the cleaned text) and the file path.
pub(crate) fn extract(
    raw: &RawArticle,
    cleaned: &str,
    morphemes: &[Morpheme],
    terms: &[Term],
    path: &str,
    res: &Resources,
    keywords: &Keywords,
) -> Metadata {
    let mut md = Metadata::default();
    let (title, derived, body_start) = title::title_of(cleaned, raw.supplied.title.as_deref());
    let raw = raw.text.as_str();
    md.evidence.insert(
        "title".into(),
        if derived {
            "no headline line; shortened lead sentence".into()
        } else {
            "first line reads as a headline".into()
        },
    );
    md.title = title;
    md.title_derived = derived;
    md.body_start = body_start;

    if let Some((date, why)) = date::date_of(raw, path, res) {
        md.year = date.get(..4).and_then(|y| y.parse().ok());
        md.evidence.insert("date".into(), why);
        // A year folder gives the year only.
        md.date = (date.len() == "YYYY-MM-DD".len()).then_some(date);
    } else {
        md.evidence.insert(
            "date".into(),
            "no date line, byline date or dated file name".into(),
        );
    }

    let (issuing, mentioned, why) =
        region::regions_of(cleaned, morphemes, body_start, derived, res);
    md.region = match issuing {
        region::Issuer::Region(r) => Some(r.path()),
        region::Issuer::Nationwide => Some(crate::index::NATIONWIDE_PATH.to_string()),
        region::Issuer::Unknown => None,
    };
    md.mentioned_regions = mentioned.iter().map(Region::path).collect();
    let dated = md.date.clone().or(md.year.map(|y| y.to_string()));
    let why = match renamed_note(md.region.as_deref(), dated.as_deref()) {
        Some(note) => format!("{why}; {note}"),
        None => why,
    };
    md.evidence.insert("region".into(), why);

    let title_end = if derived { 0 } else { body_start };
    let (industry, why) = keywords.industries_of(terms, title_end);
    md.industry = industry;
    md.evidence.insert("industry".into(), why);

    if let Some((source, why)) = source::source_of(raw, res) {
        md.source = Some(source);
        md.evidence.insert("source".into(), why);
    }
    md
}

#[cfg(test)]
mod tests {
    use super::renamed_note;

    #[test]
    fn renamed_provinces_keep_the_current_name_and_say_so() {
        let note = renamed_note(Some("/강원특별자치도/원주시"), Some("2021-03-15")).unwrap();
        assert!(note.contains("강원도 until 2023-06-11"), "{note}");
        assert!(renamed_note(Some("/강원특별자치도"), Some("2023-06-11")).is_none());
        assert!(renamed_note(Some("/전북특별자치도"), Some("2023-12-31")).is_some());
        assert!(renamed_note(Some("/전라남도"), Some("2020-01-01")).is_none());
        assert!(renamed_note(Some("/전북특별자치도"), None).is_none());
        // A year alone: before the year of the change only.
        assert!(renamed_note(Some("/강원특별자치도"), Some("2022")).is_some());
        assert!(renamed_note(Some("/강원특별자치도"), Some("2023")).is_none());
    }
}
