//! How the terms of one word typed stand in an article: together, at the distances the
//! analysis gave them (issue 22).
//!
//! A word typed is found *as that word*: its terms at consecutive positions, never scattered
//! over the article. A compound is indexed whole and as its parts at the same positions
//! ([`super::terms`]), so a word such as `일자리` (일자리 = 일 + 자리) has two ways to stand
//! in an article: its parts next to each other (every article whose analysis split it, and
//! `일 자리` written apart), or the compound whole (an article whose analysis kept it as one
//! word). [`variants`] gives both; the query builder makes a phrase of each, and the
//! findability fallback ([`super::Analyzer::fallback_words`]) checks the same variants at
//! indexing time with [`occurs`], so the two sides agree by construction.

use rustc_hash::FxHashMap;

use super::terms::{Term, BIGRAM_POS};

/// One way a word's terms stand: (distance in positions from the word's first term, index of
/// the term in the slice given to [`variants`]), by distance.
pub type Variant = Vec<(usize, usize)>;

/// The ways the terms of one word (`terms`: the word's query terms, by position) stand in an
/// article: first its compounds by their parts, then, when it has a compound, every compound
/// whole (the positions after a compound close up, as in an article that kept it whole).
/// Empty when `terms` is.
pub fn variants(terms: &[Term]) -> Vec<Variant> {
    let Some(first) = terms.first() else {
        return Vec::new();
    };
    let base = first.position;
    // A compound's whole comes first at its position, its first part next, with the same span.
    let whole: Vec<bool> = (0..terms.len())
        .map(|i| {
            terms.get(i + 1).is_some_and(|n| {
                n.position == terms[i].position
                    && (n.start, n.end) == (terms[i].start, terms[i].end)
                    && terms[i].pos != BIGRAM_POS
            })
        })
        .collect();
    let parts: Variant = (0..terms.len())
        .filter(|&i| !whole[i])
        .map(|i| (terms[i].position - base, i))
        .collect();
    if !whole.contains(&true) {
        return vec![parts];
    }
    let mut wholes: Variant = Vec::new();
    let mut shift = 0;
    let mut i = 0;
    while i < terms.len() {
        let t = &terms[i];
        wholes.push((t.position - base - shift, i));
        if whole[i] {
            // Skip its parts; the positions they took after the first close up.
            let mut j = i + 1;
            let mut last = t.position;
            while j < terms.len() && (terms[j].start, terms[j].end) == (t.start, t.end) {
                last = last.max(terms[j].position);
                j += 1;
            }
            shift += last - t.position;
            i = j;
        } else {
            i += 1;
        }
    }
    vec![parts, wholes]
}

/// The positions of each term of a text, ascending: what [`occurs`] looks variants up in.
#[derive(Debug, Default)]
pub struct Positions<'a> {
    of: FxHashMap<&'a str, Vec<u32>>,
}

impl<'a> Positions<'a> {
    /// The positions of `terms` (as [`super::terms::terms_of`] gives them, by position).
    pub fn new(terms: &'a [Term]) -> Positions<'a> {
        let mut of: FxHashMap<&'a str, Vec<u32>> =
            FxHashMap::with_capacity_and_hasher(terms.len(), Default::default());
        for t in terms {
            let list = of.entry(t.text.as_str()).or_default();
            let p = t.position as u32;
            if list.last() != Some(&p) {
                list.push(p);
            }
        }
        for list in of.values_mut() {
            list.sort_unstable();
            list.dedup();
        }
        Positions { of }
    }

    /// Whether the text has `term` at all.
    pub fn contains(&self, term: &str) -> bool {
        self.of.contains_key(term)
    }

    fn of(&self, term: &str) -> &[u32] {
        self.of.get(term).map_or(&[], Vec::as_slice)
    }
}

/// Whether the terms `texts[i]` of `variant` stand in a text with `positions` at their
/// distances (a phrase, as tantivy's `PhraseQuery` with offsets matches it).
pub fn occurs<S: AsRef<str>>(variant: &[(usize, S)], positions: &Positions) -> bool {
    let Some((o0, t0)) = variant.first() else {
        return false;
    };
    let starts = positions.of(t0.as_ref());
    starts.iter().any(|&p| {
        let Some(at) = (p as usize).checked_sub(*o0) else {
            return false;
        };
        variant[1..].iter().all(|(o, t)| {
            positions
                .of(t.as_ref())
                .binary_search(&((at + o) as u32))
                .is_ok()
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(text: &str, position: usize, span: (usize, usize), pos: &str) -> Term {
        Term {
            text: text.to_string(),
            start: span.0,
            end: span.1,
            position,
            pos: pos.to_string(),
        }
    }

    fn texts<'a>(terms: &'a [Term], v: &Variant) -> Vec<(usize, &'a str)> {
        v.iter()
            .map(|&(o, i)| (o, terms[i].text.as_str()))
            .collect()
    }

    #[test]
    fn a_compound_stands_by_its_parts_or_whole() {
        // 청년일자리: 청년, then 일자리 = 일 + 자리.
        let t = vec![
            term("청년", 0, (0, 6), "NNG"),
            term("일자리", 1, (6, 15), "NNG"),
            term("일", 1, (6, 15), "NNG"),
            term("자리", 2, (6, 15), "NNG"),
        ];
        let v = variants(&t);
        assert_eq!(v.len(), 2);
        assert_eq!(texts(&t, &v[0]), vec![(0, "청년"), (1, "일"), (2, "자리")]);
        assert_eq!(texts(&t, &v[1]), vec![(0, "청년"), (1, "일자리")]);
    }

    #[test]
    fn words_after_a_compound_close_up_in_the_whole_variant() {
        // 보험금 청구: 보험금 = 보험 + 금 at 0–1, 청구 at 2 → whole variant 보험금 0, 청구 1.
        let t = vec![
            term("보험금", 0, (0, 9), "NNG"),
            term("보험", 0, (0, 9), "NNG"),
            term("금", 1, (0, 9), "NNG"),
            term("청구", 2, (10, 16), "NNG"),
        ];
        let v = variants(&t);
        assert_eq!(texts(&t, &v[1]), vec![(0, "보험금"), (1, "청구")]);
    }

    #[test]
    fn bigrams_at_one_position_are_not_compounds() {
        let t = vec![
            term("웅부", 3, (0, 9), BIGRAM_POS),
            term("부관", 3, (0, 9), BIGRAM_POS),
        ];
        let v = variants(&t);
        assert_eq!(v.len(), 1);
        assert_eq!(texts(&t, &v[0]), vec![(0, "웅부"), (0, "부관")]);
        assert!(variants(&[]).is_empty());
    }

    #[test]
    fn occurs_needs_the_terms_at_their_distances() {
        // 힘든 일(0) … 빈 자리(5): scattered; 청년(7) 일자리/일(8) 자리(9): together.
        let doc = vec![
            term("일", 0, (0, 1), "NNG"),
            term("자리", 5, (0, 1), "NNG"),
            term("청년", 7, (0, 1), "NNG"),
            term("일자리", 8, (0, 1), "NNG"),
            term("일", 8, (0, 1), "NNG"),
            term("자리", 9, (0, 1), "NNG"),
        ];
        let p = Positions::new(&doc);
        assert!(occurs(&[(0, "일"), (1, "자리")], &p));
        assert!(occurs(&[(0, "청년"), (1, "일"), (2, "자리")], &p));
        assert!(occurs(&[(0, "일자리"), (0, "일")], &p));
        assert!(!occurs(&[(0, "자리"), (1, "일")], &p));
        assert!(!occurs(&[(0, "청년"), (1, "자리")], &p));
        assert!(!occurs::<&str>(&[], &p));
        let scattered = Positions::new(&doc[..2]);
        assert!(!occurs(&[(0, "일"), (1, "자리")], &scattered));
    }
}
