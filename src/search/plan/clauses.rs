//! The pieces the query builder (`build`) puts together: the words typed of a query text,
//! the query positions (units) of the re-rank's features, and the clauses — a term or a phrase
//! of terms at their distances over the fields, synonyms in place, weights as boosts.

use tantivy::query::{BooleanQuery, BoostQuery, EmptyQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::Term;

use crate::analysis::normalize::is_separator;
use crate::analysis::surface::surface_words;

/// One query position: a term (the first part of a compound at that position), for the
/// re-rank's window and pair features.
pub(super) struct Unit {
    pub(super) position: usize,
    pub(super) word: String,
    /// The word typed it belongs to ([`word_at`]): a compound's parts are one word.
    pub(super) typed: usize,
}

/// The index of the word typed (text between separators) in which byte `offset` of `text`
/// falls: the number of words that end before it.
pub(super) fn word_at(text: &str, offset: usize) -> usize {
    let mut words = 0;
    let mut inside = false;
    for (i, c) in text.char_indices() {
        if i >= offset {
            break;
        }
        let separator = is_separator(c);
        if separator && inside {
            words += 1;
        }
        inside = !separator;
    }
    words
}

/// One word as typed (text between separators: spaces, middle dots, bullets, as the analyzer
/// reads them) with its surface words. A word typed is found as that word: its terms together
/// ([`pattern::variants`]) — `일자리` and `바이오백신` are one word each; `청년 일자리` and
/// `바이오·백신` two (the middle dot lists words in Korean), found anywhere, together first.
pub(super) struct Eojeol {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) surface: Vec<String>,
}

/// The words of a query text as typed, each with its surface words (none: punctuation only).
pub(super) fn eojeols(text: &str) -> Vec<Eojeol> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        if is_separator(c) {
            if let Some(a) = start.take() {
                out.push(Eojeol {
                    start: a,
                    end: i,
                    surface: surface_words(&text[a..i])
                        .into_iter()
                        .map(|w| w.text)
                        .collect(),
                });
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    out
}
/// One term over the fields, any of them matching.
pub(super) fn term_over_fields(word: &str, fields: &[(Field, f32)], weight: f32) -> Box<dyn Query> {
    let clauses: Vec<(Occur, Box<dyn Query>)> = fields
        .iter()
        .map(|&(field, boost)| {
            let tq = TermQuery::new(
                Term::from_field_text(field, word),
                IndexRecordOption::WithFreqs,
            );
            (Occur::Should, boosted(Box::new(tq), boost * weight))
        })
        .collect();
    any_of(clauses.into_iter().map(|c| c.1).collect())
}

/// Adjacent units of two words typed as (term, next term, gap in positions, at least 1). The
/// parts of one compound standing together are that word, which it matches by: not two words
/// found near each other.
pub(super) fn unit_pairs(units: &[Unit]) -> Vec<(String, String, u32)> {
    units
        .windows(2)
        .filter(|p| p[0].typed != p[1].typed)
        .map(|p| {
            let gap = p[1].position.saturating_sub(p[0].position).max(1) as u32;
            (p[0].word.clone(), p[1].word.clone(), gap)
        })
        .collect()
}

/// The units with their gap in positions from the one before (the first: 1).
pub(super) fn unit_chain(units: &[Unit]) -> Vec<(String, u32)> {
    let mut before = None;
    units
        .iter()
        .map(|u| {
            let gap = before.map_or(1, |b: usize| u.position.saturating_sub(b).max(1) as u32);
            before = Some(u.position);
            (u.word.clone(), gap)
        })
        .collect()
}

pub(super) fn join(mut queries: Vec<Box<dyn Query>>, occur: Occur) -> Box<dyn Query> {
    if occur == Occur::Should {
        return any_of(queries);
    }
    if queries.len() == 1 {
        return queries.remove(0);
    }
    Box::new(BooleanQuery::new(
        queries.into_iter().map(|q| (occur, q)).collect(),
    ))
}

/// Any of `queries`, their scores summed ([`super::union::AnyOf`]).
pub(super) fn any_of(mut queries: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    match queries.len() {
        0 => Box::new(EmptyQuery),
        1 => queries.remove(0),
        _ => Box::new(super::union::AnyOf::new(queries)),
    }
}

pub(super) fn boosted(q: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    if (boost - 1.0).abs() < f32::EPSILON {
        q
    } else {
        Box::new(BoostQuery::new(q, boost))
    }
}

/// The same query in each of `fields`, boosted by the field's boost times `weight`: any of them.
fn in_each_field(
    fields: &[(Field, f32)],
    weight: f32,
    query: impl Fn(Field) -> Box<dyn Query>,
) -> Box<dyn Query> {
    any_of(
        fields
            .iter()
            .map(|&(field, boost)| boosted(query(field), boost * weight))
            .collect(),
    )
}

/// Terms at their distances as one query over the fields: a phrase (with those offsets) in
/// any of them, or the term itself when there is one.
pub(super) fn sequence_over_fields(
    seq: &[(usize, String)],
    fields: &[(Field, f32)],
    weight: f32,
) -> Box<dyn Query> {
    if let [(_, word)] = seq {
        return term_over_fields(word, fields, weight);
    }
    in_each_field(fields, weight, |field| {
        Box::new(PhraseQuery::new_with_offset(
            seq.iter()
                .map(|(o, t)| (*o, Term::from_field_text(field, t)))
                .collect(),
        ))
    })
}

/// The whole of a word typed that is one compound: its variants ([`pattern::variants`]) are
/// its parts, then the whole alone. `None` for any other word.
///
/// [`pattern::variants`]: crate::analysis::pattern::variants
pub(super) fn one_compound<T>(variants: &[Vec<T>]) -> Option<&T> {
    match variants {
        [parts, whole] if parts.len() > 1 && whole.len() == 1 => whole.first(),
        _ => None,
    }
}

/// A compound's parts at their offsets (`seq`, two at least) as one query over the fields:
/// the phrase of the parts, which every document holding the compound `whole` holds
/// ([`super::parts::PartsQuery`]: where the whole stands, no positions are read).
pub(super) fn parts_over_fields(
    seq: &[(usize, String)],
    whole: &str,
    fields: &[(Field, f32)],
    weight: f32,
) -> Box<dyn Query> {
    in_each_field(fields, weight, |field| {
        let parts = seq
            .iter()
            .map(|(o, t)| (*o, Term::from_field_text(field, t)))
            .collect();
        Box::new(super::parts::PartsQuery::new(
            parts,
            Term::from_field_text(field, whole),
        ))
    })
}

/// `seq` with its `j`th term replaced by the (space-separated) terms of `synonym`; the terms
/// after it move by the synonym's extra terms.
pub(super) fn substitute(seq: &[(usize, String)], j: usize, synonym: &str) -> Vec<(usize, String)> {
    let parts: Vec<&str> = synonym.split(' ').collect();
    let at = seq[j].0;
    let extra = parts.len().saturating_sub(1);
    let mut out: Vec<(usize, String)> = seq[..j].to_vec();
    out.extend(
        parts
            .iter()
            .enumerate()
            .map(|(k, p)| (at + k, p.to_string())),
    );
    out.extend(seq[j + 1..].iter().map(|(o, t)| (o + extra, t.clone())));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_at_numbers_the_words_typed() {
        let text = "서울시장에 당선된·년도는?";
        let at = |s: &str| word_at(text, text.find(s).unwrap());
        assert_eq!(at("서울"), 0);
        assert_eq!(at("시장"), 0);
        assert_eq!(at("당선"), 1);
        assert_eq!(at("년도"), 2);
        assert_eq!(word_at("  앞 공백", "  앞 공백".find('공').unwrap()), 1);
    }

    #[test]
    fn pairs_join_words_typed_not_the_parts_of_one() {
        let unit = |position: usize, word: &str, typed: usize| Unit {
            position,
            word: word.to_string(),
            typed,
        };
        // `서울시장에 당선된`: 서울 + 시장 are one word typed.
        let units = [unit(0, "서울", 0), unit(1, "시장", 0), unit(2, "당선", 1)];
        assert_eq!(
            unit_pairs(&units),
            vec![("시장".to_string(), "당선".to_string(), 1)]
        );
    }
}
