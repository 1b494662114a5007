//! A list of words or phrases, one per line: the format of the word-list data files.

/// A list of words or phrases, one per line (`#` comments, surrounding spaces ignored).
#[derive(Debug, Clone, Default)]
pub(crate) struct WordList {
    words: Vec<String>,
    /// The same words for [`WordList::contains`]: the page-control check asks for every word of
    /// every short line, and for each piece of glued words.
    set: std::collections::HashSet<String>,
    max_bytes: usize,
}

impl WordList {
    pub(super) fn parse(text: &str) -> WordList {
        let words: Vec<String> = text
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| l.trim().to_string())
            .filter(|w| !w.is_empty())
            .collect();
        let max_bytes = words.iter().map(String::len).max().unwrap_or(0);
        let set = words.iter().cloned().collect();
        WordList {
            words,
            set,
            max_bytes,
        }
    }

    /// The entries, in the order of the file.
    pub(crate) fn words(&self) -> &[String] {
        &self.words
    }

    /// Whether `word` is in the list (exactly).
    pub(crate) fn contains(&self, word: &str) -> bool {
        word.len() <= self.max_bytes && self.set.contains(word)
    }

    /// Length of the longest entry in bytes: a longer text is in no list.
    pub(crate) fn max_bytes(&self) -> usize {
        self.max_bytes
    }
}
