//! The filters of a request: region, industry, year and date range.
//!
//! [`resolve_filters`] turns the names a user typed into the facet values the index holds (or
//! an [`Error::UnknownFilter`] listing the known ones), before a [`Request`] is made;
//! [`clauses`] turns a request's resolved filters into score-free query clauses, which the
//! plan adds to both forms of the text query.

use tantivy::query::{ConstScoreQuery, Query, RangeQuery, TermQuery};
use tantivy::schema::{Facet, Field, IndexRecordOption};
use tantivy::Term;

use crate::data::Resources;
use crate::error::{Error, FilterKind, Result};
use crate::index::{Fields, NATIONWIDE, NATIONWIDE_PATH, UNKNOWN};
use crate::search::Request;

/// Resolves region and industry names as typed (`경북`, `안동시`, `/경상북도/안동시`,
/// `바이오 백신`) to region facet paths and industry names, for a [`Request`]. A name that
/// resolves to nothing is an [`Error::UnknownFilter`].
pub fn resolve_filters(
    res: &Resources,
    regions: &[String],
    industries: &[String],
) -> Result<(Vec<String>, Vec<String>)> {
    let mut region_paths = Vec::new();
    for r in regions {
        if r == UNKNOWN {
            region_paths.push(format!("/{UNKNOWN}"));
            continue;
        }
        if r.trim_start_matches('/') == NATIONWIDE {
            region_paths.push(NATIONWIDE_PATH.to_string());
            continue;
        }
        let found = res.gazetteer.resolve(r);
        if found.is_empty() {
            return Err(Error::UnknownFilter {
                kind: FilterKind::Region,
                value: r.clone(),
                known: res.gazetteer.provinces().map(|p| p.sido.clone()).collect(),
            });
        }
        region_paths.extend(found.into_iter().map(|r| r.path()));
    }
    let mut names = Vec::new();
    for i in industries {
        match res.taxonomy.resolve(i) {
            Some(ind) => names.push(ind.name.clone()),
            None => {
                return Err(Error::UnknownFilter {
                    kind: FilterKind::Industry,
                    value: i.clone(),
                    known: res
                        .taxonomy
                        .industries
                        .iter()
                        .map(|x| x.name.clone())
                        .collect(),
                })
            }
        }
    }
    Ok((region_paths, names))
}

/// One clause per kind of filter the request sets; a document must match each of them.
pub(crate) fn clauses(req: &Request, f: &Fields) -> Vec<Box<dyn Query>> {
    let mut out: Vec<Box<dyn Query>> = Vec::new();
    if !req.regions.is_empty() {
        let field = if req.mentioned { f.mentioned } else { f.region };
        out.push(facet_any(
            field,
            req.regions
                .iter()
                .map(|r| Facet::from(r.as_str()))
                .collect(),
        ));
    }
    if !req.industries.is_empty() {
        out.push(facet_any(
            f.industry,
            req.industries
                .iter()
                .map(|i| Facet::from_path([i.as_str()]))
                .collect(),
        ));
    }
    if !req.years.is_empty() {
        out.push(facet_any(
            f.year_facet,
            req.years
                .iter()
                .map(|y| match y {
                    Some(y) => Facet::from_path([y.to_string()]),
                    None => Facet::from_path([UNKNOWN]),
                })
                .collect(),
        ));
    }
    if req.since.is_some() || req.until.is_some() {
        let lo = req.since.unwrap_or(0) as i64;
        let hi = req.until.unwrap_or(9999) as i64;
        let range = RangeQuery::new(
            std::ops::Bound::Included(Term::from_field_i64(f.year, lo)),
            std::ops::Bound::Included(Term::from_field_i64(f.year, hi)),
        );
        out.push(Box::new(ConstScoreQuery::new(Box::new(range), 0.0)));
    }
    out.extend(date_range(req, f));
    out
}

/// The request's date range (`from`/`to`) as a query on `day`: undated articles have `day` 0,
/// below every day a range can name.
fn date_range(req: &Request, f: &Fields) -> Option<Box<dyn Query>> {
    if !req.has_date_range() {
        return None;
    }
    let lo = req.from.map_or(1, |d| d.key());
    let hi = req.to.map_or(i64::MAX, |d| d.key());
    let range = RangeQuery::new(
        std::ops::Bound::Included(Term::from_field_i64(f.day, lo)),
        std::ops::Bound::Included(Term::from_field_i64(f.day, hi)),
    );
    Some(Box::new(ConstScoreQuery::new(Box::new(range), 0.0)))
}

/// The clauses of `req` with its date range widened to the articles without a full date
/// (`day` 0, the term [`undated_term`]): the pass tells those apart by their `day` and counts
/// them as what the range leaves out, in the same walk over the matches.
pub(crate) fn range_or_undated_clauses(req: &Request, f: &Fields) -> Vec<Box<dyn Query>> {
    let without_range = Request {
        from: None,
        to: None,
        ..req.clone()
    };
    let mut out = clauses(&without_range, f);
    let undated: Box<dyn Query> = Box::new(ConstScoreQuery::new(
        Box::new(TermQuery::new(undated_term(f), IndexRecordOption::Basic)),
        0.0,
    ));
    let either = match date_range(req, f) {
        Some(range) => vec![range, undated],
        None => vec![undated],
    };
    out.push(super::clauses::any_of(either));
    out
}

/// The `day` of the articles without a full date.
pub(crate) fn undated_term(f: &Fields) -> Term {
    Term::from_field_i64(f.day, 0)
}

/// Documents with any of `values` in the facet `field`, adding nothing to the score.
fn facet_any(field: Field, values: Vec<Facet>) -> Box<dyn Query> {
    let any = values
        .into_iter()
        .map(|v| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_facet(field, &v),
                IndexRecordOption::Basic,
            ))
        })
        .collect();
    Box::new(ConstScoreQuery::new(super::clauses::any_of(any), 0.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_names_are_typed_errors_with_the_known_values() {
        let res = Resources::embedded().expect("embedded data files");
        let err = resolve_filters(&res, &["아틀란티스".to_string()], &[]).unwrap_err();
        let Error::UnknownFilter { kind, value, known } = &err else {
            panic!("expected UnknownFilter, got {err:?}");
        };
        assert_eq!((*kind, value.as_str()), (FilterKind::Region, "아틀란티스"));
        assert!(known.iter().any(|k| k == "경상북도"), "{known:?}");
        let text = err.to_string();
        assert!(
            text.starts_with("unknown region `아틀란티스`: use a 시·도 ("),
            "{text}"
        );
        assert!(text.contains("경상북도"), "{text}");

        let err = resolve_filters(&res, &[], &["우주항공청소".to_string()]).unwrap_err();
        assert!(matches!(
            &err,
            Error::UnknownFilter {
                kind: FilterKind::Industry,
                ..
            }
        ));
        assert!(err
            .to_string()
            .starts_with("unknown industry `우주항공청소`: known industries are "));

        let (regions, industries) =
            resolve_filters(&res, &["경북".to_string()], &["바이오 백신".to_string()])
                .expect("known names");
        assert_eq!(regions, vec!["/경상북도".to_string()]);
        assert_eq!(industries, vec!["바이오·백신".to_string()]);
    }
}
