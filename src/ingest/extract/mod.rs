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

/// Extracts metadata from the raw text (for date/source lines that cleaning removes), the
/// cleaned text, its morphemes and terms (offsets into the cleaned text) and the file path.
pub(crate) fn extract(
    raw: &str,
    cleaned: &str,
    morphemes: &[Morpheme],
    terms: &[Term],
    path: &str,
    res: &Resources,
    keywords: &Keywords,
) -> Metadata {
    let mut md = Metadata::default();
    let (title, derived, body_start) = title::title_of(cleaned);
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
    md.region = issuing.map(|r| r.path());
    md.mentioned_regions = mentioned.iter().map(Region::path).collect();
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
