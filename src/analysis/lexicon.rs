//! The dictionaries the segmenter reads: the embedded mecab-ko-dic (lindera ko-dic) and a user
//! dictionary built from the region gazetteer and `data/domain_nouns.txt`, so that `안동시`,
//! `세종시`, `이차전지` stay whole; the user nouns also serve as parts when a long noun is split
//! (`수소충전소` → 수소 + 충전소, see `segment.rs`).

use std::collections::HashSet;
use std::io::Write;

use lindera::dictionary::{load_dictionary, load_user_dictionary_from_csv};
use lindera::mode::Mode;
use lindera::segmenter::Segmenter;

use super::costs::{Penalties, USER_NNG, USER_NNP, USER_WORD_COST};
use super::normalize;
use crate::error::{Error, Result};

/// The dictionaries the segmenter reads: lindera's (system + user) and the user nouns, which
/// noun decomposition may use as parts (`수소충전소` → 수소 + 충전소).
pub struct Lexicon {
    pub segmenter: Segmenter,
    pub user_nouns: HashSet<String>,
    /// Left-space penalty per word, computed once per word (`viterbi.rs`).
    pub(super) penalties: Penalties,
}

/// A word for the user dictionary: surface and POS (`NNG` or `NNP`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserWord {
    pub surface: String,
    pub pos: String,
}

impl Lexicon {
    /// Loads the embedded ko-dic and compiles `user_words` into a user dictionary.
    ///
    /// Loading the embedded dictionary maps it in place (about 1 ms warm); the user dictionary
    /// of a few hundred words is compiled in a few ms.
    pub fn new(user_words: &[UserWord]) -> Result<Lexicon> {
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
        Ok(Lexicon {
            penalties: Penalties::new(&segmenter),
            segmenter,
            user_nouns,
        })
    }
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
