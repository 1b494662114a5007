//! Korean text → index terms. The one analyzer used at index time and at query time.
//!
//! Pipeline (each step in its own file):
//! 1. [`normalize`]: NFKC, Latin lower-case, separators (whitespace, every middle-dot variant)
//!    taken out of the text with an offset map back to the original;
//! 2. [`segment`]: lindera ko-dic (mecab-ko-dic) with a user dictionary built from the region
//!    gazetteer and `data/domain_nouns.txt`, separators kept out of the lattice as MeCab-ko does;
//! 3. [`pos`]: particles, endings, symbols and other grammar dropped by part of speech;
//! 4. compounds indexed whole *and* as parts (like Nori's `mixed` mode), inflected forms
//!    indexed by their stems.
//!
//! This module depends on nothing in `index` or `search`; [`KoreanTokenizer`] is the adapter
//! that tantivy calls.

pub mod normalize;
pub mod pos;
pub mod segment;
mod viterbi;

use std::io::Write;
use std::sync::Arc;

use lindera::dictionary::{load_dictionary, load_user_dictionary_from_csv};
use lindera::mode::Mode;
use lindera::segmenter::Segmenter;
use serde::Serialize;

use crate::error::{Error, Result};
pub use segment::{MorphKind, Morpheme};

/// Name under which the analyzer is registered with tantivy.
pub const TOKENIZER_NAME: &str = "kpolicy_ko";

/// mecab-ko-dic context ids and cost given to user-dictionary nouns. They are those of ordinary
/// dictionary entries of the same class (read from the mecab-ko-dic 2.1.1 lexicon:
/// `tests/fixtures/mecab_seed_reference.md`), so a user word connects to its neighbours exactly
/// like a dictionary noun would; only the cost is lowered so the whole word beats its pieces.
/// The right id depends on the final consonant: (left, right without, right with).
const USER_NNG: (u16, u16, u16) = (1780, 3533, 3534);
const USER_NNP: (u16, u16, u16) = (1789, 3552, 3553);
/// Word cost for user words: low enough to beat any split into known pieces.
const USER_WORD_COST: i32 = 2500;

/// Result of [`Analyzer::analyze`].
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    pub morphemes: Vec<Morpheme>,
    pub terms: Vec<Term>,
}

/// An index term: normalised text, original byte range, token position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Term {
    pub text: String,
    /// Byte range in the original text (for highlighting).
    pub start: usize,
    pub end: usize,
    pub position: usize,
    /// The POS tag that made this a term (`NNG`, `NNP`, `VV`, …).
    pub pos: String,
}

/// The Korean analyzer. Cheap to clone: the dictionary is shared.
#[derive(Clone)]
pub struct Analyzer {
    lexicon: Arc<segment::Lexicon>,
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analyzer").finish_non_exhaustive()
    }
}

/// A word for the user dictionary: surface and POS (`NNG` or `NNP`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserWord {
    pub surface: String,
    pub pos: String,
}

impl Analyzer {
    /// Builds the analyzer over the embedded ko-dic plus `user_words`.
    ///
    /// Loading the embedded dictionary maps it in place (about 1 ms warm); the user dictionary
    /// of a few hundred words is compiled in a few ms.
    pub fn new(user_words: &[UserWord]) -> Result<Analyzer> {
        let dictionary = load_dictionary("embedded://ko-dic")
            .map_err(|e| Error::Analyzer(format!("cannot load the ko-dic dictionary: {e}")))?;
        let user = if user_words.is_empty() {
            None
        } else {
            Some(build_user_dictionary(
                &dictionary.metadata,
                &user_dictionary_csv(user_words),
            )?)
        };
        let segmenter = Segmenter::new(Mode::Normal, dictionary, user);
        let user_nouns = user_words
            .iter()
            .map(|w| normalize::normalize_label(&w.surface).replace(' ', ""))
            .filter(|w| w.chars().count() >= 2)
            .collect();
        Ok(Analyzer {
            lexicon: Arc::new(segment::Lexicon {
                segmenter,
                user_nouns,
            }),
        })
    }

    /// Analyses `text` once: morphemes and index terms, both with original byte offsets.
    pub fn analyze(&self, text: &str) -> Analysis {
        let compact = normalize::compact(text);
        let mut morphemes = segment::segment(&self.lexicon, &compact);
        let mut terms = Vec::with_capacity(morphemes.len() / 2);
        let mut position = 0usize;
        for m in &mut morphemes {
            let (start, end) = compact.original_range(m.start, m.end);
            m.start = start;
            m.end = end;
        }
        let mut bigrams_added = false;
        let mut i = 0;
        while i < morphemes.len() {
            // A word: morphemes that touch, without punctuation between them.
            let mut j = i + 1;
            while j < morphemes.len()
                && morphemes[j - 1].end == morphemes[j].start
                && !is_punctuation(&morphemes[j - 1])
                && !is_punctuation(&morphemes[j])
            {
                j += 1;
            }
            let before = terms.len();
            let first_position = position;
            for m in &morphemes[i..j] {
                emit_terms(m, &mut position, &mut terms);
            }
            let had_terms = terms.len() > before;
            let word_position = if had_terms {
                Some(first_position)
            } else {
                None
            };
            bigrams_added |=
                unknown_word_bigrams(&morphemes[i..j], word_position, &mut position, &mut terms);
            i = j;
        }
        if bigrams_added {
            terms.sort_by_key(|t| t.position);
        }
        Analysis { morphemes, terms }
    }

    /// Morphemes of `text` with original byte offsets (what `kpolicy analyze` shows).
    pub fn morphemes(&self, text: &str) -> Vec<Morpheme> {
        self.analyze(text).morphemes
    }

    /// Morphemes from the segmentation model alone: whitespace out of the lattice, but no
    /// NFKC, case folding or middle-dot separators — the input MeCab-ko itself would see.
    pub fn morphemes_raw(&self, text: &str) -> Vec<Morpheme> {
        let compact = normalize::compact_whitespace_only(text);
        let mut morphemes = segment::segment(&self.lexicon, &compact);
        for m in &mut morphemes {
            let (start, end) = compact.original_range(m.start, m.end);
            m.start = start;
            m.end = end;
        }
        morphemes
    }

    /// Index terms of `text`.
    pub fn terms(&self, text: &str) -> Vec<Term> {
        self.analyze(text).terms
    }

    /// Normalised term texts only (for queries and keyword matching).
    pub fn term_texts(&self, text: &str) -> Vec<String> {
        self.terms(text).into_iter().map(|t| t.text).collect()
    }
}

/// Turns one morpheme into zero or more terms, advancing `position`.
fn emit_terms(m: &Morpheme, position: &mut usize, out: &mut Vec<Term>) {
    let head = pos::head_tag(&m.pos);
    // Every term of a morpheme spans the whole morpheme in the original text.
    let mut push = |text: &str, pos: &str, at: usize| {
        out.push(Term {
            text: text.to_string(),
            start: m.start,
            end: m.end,
            position: at,
            pos: pos.to_string(),
        })
    };
    let content_parts: Vec<&(String, String)> =
        m.parts.iter().filter(|(_, t)| pos::is_content(t)).collect();
    match m.kind {
        MorphKind::Compound if pos::is_content(head) => {
            push(&m.surface, head, *position);
            if content_parts.len() > 1 {
                for (i, (s, t)) in content_parts.iter().enumerate() {
                    push(s, t, *position + i);
                }
                *position += content_parts.len();
            } else {
                *position += 1;
            }
        }
        MorphKind::Inflect | MorphKind::Preanalysis if !m.parts.is_empty() => {
            for (s, t) in content_parts {
                push(s, t, *position);
                *position += 1;
            }
        }
        _ => {
            if pos::is_content(head) {
                push(&m.surface, head, *position);
                *position += 1;
            }
        }
    }
}

/// POS given to the character bigrams of a word the dictionary could not read.
pub const BIGRAM_POS: &str = "BIGRAM";

fn is_punctuation(m: &Morpheme) -> bool {
    let head = pos::head_tag(&m.pos);
    head.starts_with('S') && !matches!(head, "SL" | "SN" | "SH")
}

/// Words the dictionary does not know often come out as junk: `헴프` → 헴/IC 프/VX, or 헴/NNP
/// 프/VX next to other words, which leaves nothing (or only a one-syllable noun) to search for.
/// For a word whose stem contains an interjection, an unknown piece or a one-syllable noun,
/// its character bigrams are indexed as well (`헴프` → 헴프; `웅부관` → 웅부, 부관), so the
/// same word finds itself wherever it stands. Particles and endings at the end of the word
/// are not part of the stem. Returns whether bigrams were added.
fn unknown_word_bigrams(
    word: &[Morpheme],
    word_position: Option<usize>,
    position: &mut usize,
    out: &mut Vec<Term>,
) -> bool {
    let mut end = word.len();
    while end > 0 {
        let head = pos::head_tag(&word[end - 1].pos);
        let grammar = head.starts_with('J')
            || head.starts_with('E')
            || matches!(head, "XSA" | "XSN" | "XSV" | "VCP");
        if !grammar {
            break;
        }
        end -= 1;
    }
    let stem = &word[..end];
    let doubtful = stem.iter().any(|m| {
        let head = pos::head_tag(&m.pos);
        head == "IC"
            || (m.unknown && !matches!(head, "SL" | "SN" | "SH"))
            || (matches!(head, "NNG" | "NNP") && m.surface.chars().count() == 1)
    });
    if !doubtful {
        return false;
    }
    let chars: Vec<char> = stem
        .iter()
        .flat_map(|m| m.surface.chars())
        .filter(|c| c.is_alphanumeric())
        .collect();
    if chars.len() < 2 {
        return false;
    }
    let (start, end_byte) = (stem[0].start, stem[stem.len() - 1].end);
    let mut seen = std::collections::HashSet::new();
    for pair in chars.windows(2) {
        let text: String = pair.iter().collect();
        if !seen.insert(text.clone()) {
            continue;
        }
        let p = match word_position {
            Some(p) => p,
            None => {
                *position += 1;
                *position - 1
            }
        };
        out.push(Term {
            text,
            start,
            end: end_byte,
            position: p,
            pos: BIGRAM_POS.to_string(),
        });
    }
    true
}

/// Compiles the user dictionary from its CSV rows. lindera reads user dictionaries only from a
/// file path, so the rows go through a pipe (`/dev/fd/N`, no file written; a thread feeds it,
/// since the rows may not fit the pipe's buffer) and, where that is not available, through a
/// temporary file. A missing or read-only temporary folder (a stale `TMPDIR`) therefore does not
/// stop every command that analyses text.
fn build_user_dictionary(
    metadata: &lindera_dictionary::dictionary::metadata::Metadata,
    csv: &str,
) -> Result<lindera::dictionary::UserDictionary> {
    let failed = |e: &dyn std::fmt::Display| {
        Error::Analyzer(format!("cannot build the user dictionary: {e}"))
    };
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        if let Ok((reader, mut writer)) = std::io::pipe() {
            let path = std::path::PathBuf::from(format!("/dev/fd/{}", reader.as_raw_fd()));
            if path.exists() {
                let built = std::thread::scope(|s| {
                    let feeder = s.spawn(move || writer.write_all(csv.as_bytes()));
                    let built = load_user_dictionary_from_csv(metadata, &path);
                    // If lindera stopped reading early, a feeder blocked on the full pipe
                    // gets a broken pipe once the last read end is closed.
                    drop(reader);
                    let _ = feeder.join();
                    built
                });
                return built.map_err(|e| failed(&e));
            }
        }
    }
    let mut file = tempfile::NamedTempFile::new().map_err(|e| {
        failed(&format!(
            "no pipe, and no temporary file in {} ({e})",
            std::env::temp_dir().display()
        ))
    })?;
    file.write_all(csv.as_bytes())?;
    file.flush()?;
    load_user_dictionary_from_csv(metadata, file.path()).map_err(|e| failed(&e))
}

/// The user dictionary in lindera's full ko-dic CSV form (12 columns) so that every word gets
/// the context ids of its class instead of the BOS/EOS ids of the 3-column simple form.
fn user_dictionary_csv(words: &[UserWord]) -> String {
    let mut csv = String::new();
    let mut seen = std::collections::HashSet::new();
    for w in words {
        let surface = normalize::normalize_label(&w.surface).replace(' ', "");
        if surface.is_empty() || surface.contains(',') || surface.contains('"') {
            continue;
        }
        if !seen.insert(surface.clone()) {
            continue;
        }
        let (left, right_open, right_closed) = if w.pos == "NNP" { USER_NNP } else { USER_NNG };
        let tag = if w.pos == "NNP" { "NNP" } else { "NNG" };
        let (jong, right) = if has_final_consonant(&surface) {
            ("T", right_closed)
        } else {
            ("F", right_open)
        };
        csv.push_str(&format!(
            "{surface},{left},{right},{USER_WORD_COST},{tag},*,{jong},{surface},*,*,*,*\n"
        ));
    }
    csv
}

/// Whether the last syllable has a final consonant (ko-dic's 종성 column).
fn has_final_consonant(s: &str) -> bool {
    match s.chars().last() {
        Some(c @ '\u{AC00}'..='\u{D7A3}') => !(c as u32 - 0xAC00).is_multiple_of(28),
        _ => false,
    }
}

/// tantivy adapter: analyses a field value into a token stream.
#[derive(Clone)]
pub struct KoreanTokenizer {
    analyzer: Analyzer,
    tokens: Vec<tantivy::tokenizer::Token>,
}

impl KoreanTokenizer {
    pub fn new(analyzer: Analyzer) -> Self {
        KoreanTokenizer {
            analyzer,
            tokens: Vec::new(),
        }
    }
}

/// Token stream over the terms computed up front.
pub struct KoreanTokenStream<'a> {
    tokens: &'a mut Vec<tantivy::tokenizer::Token>,
    index: usize,
}

impl tantivy::tokenizer::Tokenizer for KoreanTokenizer {
    type TokenStream<'a> = KoreanTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        self.tokens.clear();
        for t in self.analyzer.terms(text) {
            self.tokens.push(tantivy::tokenizer::Token {
                offset_from: t.start,
                offset_to: t.end,
                position: t.position,
                text: t.text,
                position_length: 1,
            });
        }
        KoreanTokenStream {
            tokens: &mut self.tokens,
            index: 0,
        }
    }
}

impl tantivy::tokenizer::TokenStream for KoreanTokenStream<'_> {
    fn advance(&mut self) -> bool {
        if self.index < self.tokens.len() {
            self.index += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &tantivy::tokenizer::Token {
        &self.tokens[self.index - 1]
    }

    fn token_mut(&mut self) -> &mut tantivy::tokenizer::Token {
        &mut self.tokens[self.index - 1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn final_consonant() {
        assert!(has_final_consonant("안동"));
        assert!(!has_final_consonant("바이오"));
        assert!(!has_final_consonant("AI"));
    }

    #[test]
    fn user_dictionary_rows() {
        let csv = user_dictionary_csv(&[
            UserWord {
                surface: "안동시".into(),
                pos: "NNP".into(),
            },
            UserWord {
                surface: "안동시".into(),
                pos: "NNP".into(),
            },
            UserWord {
                surface: "이차전지".into(),
                pos: "NNG".into(),
            },
        ]);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(lines[0].starts_with("안동시,1789,3552,"));
        assert_eq!(lines[0].split(',').count(), 12);
    }

    /// More rows than a pipe buffers (64 KB) still build; a bad row is an error, not a hang
    /// (the thread feeding the pipe must not wait forever for a reader that gave up).
    #[test]
    fn user_dictionary_larger_than_a_pipe_and_bad_rows() {
        let dictionary = load_dictionary("embedded://ko-dic").unwrap();
        let words: Vec<UserWord> = (0..5000)
            .map(|i| UserWord {
                surface: format!("가나다라{i}마바"),
                pos: "NNG".into(),
            })
            .collect();
        let csv = user_dictionary_csv(&words);
        assert!(csv.len() > 200_000);
        let built = build_user_dictionary(&dictionary.metadata, &csv).unwrap();
        assert!(!built.word_details(0).is_empty());
        let bad = format!("가나,1,2\n{csv}");
        assert!(build_user_dictionary(&dictionary.metadata, &bad).is_err());
    }
}
