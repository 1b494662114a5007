//! Surface words: the words of a text as written, for the fallback field that finds any word a
//! user copies out of an article, particles and all, whatever the morphological analysis made
//! of it (issue 15).
//!
//! A surface word is a maximal run of letters and digits after normalisation (NFKC, Latin
//! lower-cased): whitespace, middle dots and punctuation end it. `‘정부’는` holds the surface
//! words 정부 and 는, `바이오·백신` holds 바이오 and 백신, `5G` is 5g. A word typed into the
//! search box is cut the same way, so `정부의` matches an article's `정부의` and `‘정부’` its
//! `정부`, on both sides by construction.

use super::normalize::{self, Compact};

/// One surface word: normalised text and its byte range in the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurfaceWord {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// The surface words of `text`.
pub fn surface_words(text: &str) -> Vec<SurfaceWord> {
    words_of(&normalize::compact(text))
}

/// The surface words of an already normalised text.
pub fn words_of(compact: &Compact) -> Vec<SurfaceWord> {
    let mut out = Vec::new();
    let mut boundaries = compact.boundaries.iter().peekable();
    // Current run: compact byte range.
    let mut run: Option<(usize, usize)> = None;
    let mut flush = |run: &mut Option<(usize, usize)>| {
        if let Some((a, b)) = run.take() {
            let (start, end) = compact.original_range(a, b);
            out.push(SurfaceWord {
                text: compact.text[a..b].to_string(),
                start,
                end,
            });
        }
    };
    for (at, c) in compact.text.char_indices() {
        // Boundaries are sorted char starts: each is met at its char.
        if boundaries.next_if_eq(&&at).is_some() {
            flush(&mut run);
        }
        if is_word_char(c) {
            let end = at + c.len_utf8();
            run = Some(run.map_or((at, end), |(a, _)| (a, end)));
        } else {
            flush(&mut run);
        }
    }
    flush(&mut run);
    out
}

/// `char::is_alphanumeric`, answered without the Unicode table look-up for ASCII and the
/// Hangul syllables (all alphabetic), which make almost all of the text.
#[inline]
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else if ('\u{AC00}'..='\u{D7A3}').contains(&c) {
        true
    } else {
        c.is_alphanumeric()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        surface_words(s).into_iter().map(|w| w.text).collect()
    }

    #[test]
    fn words_are_runs_of_letters_and_digits() {
        assert_eq!(
            texts("‘정부’는 정부의 AI·5G"),
            ["정부", "는", "정부의", "ai", "5g"]
        );
        assert_eq!(texts("바이오·백신"), texts("바이오 백신"));
        assert_eq!(texts("1기,2기 (헴프)"), ["1기", "2기", "헴프"]);
        assert!(texts(" … ").is_empty());
    }

    #[test]
    fn word_chars_are_the_alphanumerics() {
        let samples = ('\0'..='\u{2FFF}').chain('\u{AB00}'..='\u{D7FF}');
        for c in samples.chain(['\u{FF21}', '\u{1F600}', '\u{20000}']) {
            assert_eq!(is_word_char(c), c.is_alphanumeric(), "{c:?}");
        }
    }

    #[test]
    fn offsets_point_at_the_original() {
        let s = "“ＡＩ” 정부의";
        let w = surface_words(s);
        assert_eq!(&s[w[0].start..w[0].end], "ＡＩ");
        assert_eq!(w[0].text, "ai");
        assert_eq!(&s[w[1].start..w[1].end], "정부의");
    }
}
