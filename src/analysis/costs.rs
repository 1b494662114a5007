//! The lattice costs kpolicy adds to lindera's dictionary, in one place: mecab-ko-dic's
//! left-space penalty (what a word pays when it follows a removed separator), computed once per
//! word and kept in [`Penalties`], and the context ids and cost given to user-dictionary words.
//! Depends only on lindera and [`super::tags`]; the lexicon holds the tables, the lattice
//! (`viterbi.rs`) reads them.

use std::sync::atomic::{AtomicI32, Ordering};

use super::tags;

/// Which lexicon an edge's word id refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lex {
    System,
    User,
    Unknown,
}

/// Marks a word whose penalty is not computed yet.
const NOT_YET: i32 = i32::MIN;

/// Left-space penalty of every word, by lexicon and word id, filled in as words are met: a
/// plain array read per lattice edge after a separator, shared by all threads (a word's
/// penalty is the same whoever computes it, so a race only computes it twice).
pub struct Penalties {
    system: Vec<AtomicI32>,
    user: Vec<AtomicI32>,
    unknown: Vec<AtomicI32>,
}

impl Penalties {
    pub(super) fn new(segmenter: &lindera::segmenter::Segmenter) -> Penalties {
        let table = |n: usize| (0..n).map(|_| AtomicI32::new(NOT_YET)).collect();
        let dict = &segmenter.dictionary;
        Penalties {
            system: table(dict.prefix_dictionary.words_idx_data.len() / 4),
            user: table(
                segmenter
                    .user_dictionary
                    .as_ref()
                    .map_or(0, |u| u.dict.words_idx_data.len() / 4),
            ),
            unknown: table(dict.unknown_dictionary.words_idx_data.len()),
        }
    }

    fn table(&self, kind: Lex) -> &[AtomicI32] {
        match kind {
            Lex::System => &self.system,
            Lex::User => &self.user,
            Lex::Unknown => &self.unknown,
        }
    }

    /// The left-space penalty of word `id` of lexicon `kind`; `details` gives the word's ko-dic
    /// feature fields, read only the first time the word is met.
    pub(super) fn get<'a>(
        &self,
        kind: Lex,
        id: u32,
        details: impl FnOnce() -> Vec<&'a str>,
    ) -> i32 {
        let compute = || left_space_penalty(&details()) as i32;
        match self.table(kind).get(id as usize) {
            Some(slot) => match slot.load(Ordering::Relaxed) {
                NOT_YET => {
                    let p = compute();
                    slot.store(p, Ordering::Relaxed);
                    p
                }
                p => p,
            },
            None => compute(),
        }
    }
}

/// mecab-ko-dic's `left-space-penalty-factor` (dicrc): extra cost of a word that follows a
/// space, by the pos-id classes of `pos-id.def` — endings 3000, particles 6000, copula and
/// suffixes 3000; compounds and pre-analysed words none.
pub fn left_space_penalty(details: &[&str]) -> i64 {
    let kind = details.get(4).copied().unwrap_or("*");
    let tag = match kind {
        "Compound" | "Preanalysis" => return 0,
        "Inflect" => details.get(5).copied().unwrap_or("*"),
        _ => details.first().copied().unwrap_or("*"),
    };
    if tags::is_particle(tag) {
        6000
    } else if tags::is_ending_or_suffix(tag) {
        3000
    } else {
        0
    }
}

/// mecab-ko-dic context ids and cost given to user-dictionary nouns. They are those of ordinary
/// dictionary entries of the same class (read from the mecab-ko-dic 2.1.1 lexicon:
/// `tests/fixtures/mecab_seed_reference.md`), so a user word connects to its neighbours exactly
/// like a dictionary noun would; only the cost is lowered so the whole word beats its pieces.
/// The right id depends on the final consonant: (left, right without, right with).
pub(super) const USER_NNG: (u16, u16, u16) = (1780, 3533, 3534);
pub(super) const USER_NNP: (u16, u16, u16) = (1789, 3552, 3553);
/// Word cost for user words: low enough to beat any split into known pieces.
pub(super) const USER_WORD_COST: i32 = 2500;
