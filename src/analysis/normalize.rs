//! Normalisation: original text → compact analysis text with an offset map back to the original.
//!
//! The segmenter never sees separators. Whitespace and every middle-dot/bullet variant are
//! removed from the text that enters the lattice, and their positions are remembered as
//! *boundaries* that no token may cross (see `segment.rs`). This is what MeCab-ko does with
//! spaces (it skips them and connects the neighbouring words directly), and it makes
//! `바이오·백신`, `바이오・백신` and `바이오 백신` one and the same input.
//!
//! Every kept character carries the byte range it came from in the original text, so token
//! offsets can always be mapped back for highlighting, even through NFKC expansions
//! (`㈜` → `(주)`) and Latin lower-casing.

use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::UnicodeNormalization;

/// Characters treated as word separators in addition to Unicode whitespace.
///
/// Korean press and statutes join enumerations with a middle dot. lindera glues U+318D to the
/// next word (`ㆍ백신`), so all variants are separators here: U+00B7 ·, U+318D ㆍ, U+30FB ・,
/// U+FF65 ･, U+2027 ‧, U+2219 ∙, U+22C5 ⋅, U+2022 •, U+2024 ․.
pub const SEPARATORS: &[char] = &[
    '\u{00B7}', '\u{318D}', '\u{30FB}', '\u{FF65}', '\u{2027}', '\u{2219}', '\u{22C5}', '\u{2022}',
    '\u{2024}',
];

/// True for characters that separate words: whitespace, NBSP, middle dots and bullets.
pub fn is_separator(c: char) -> bool {
    c.is_whitespace() || c == '\u{00A0}' || c == '\u{FEFF}' || SEPARATORS.contains(&c)
}

/// The compact form of a text: what the segmenter reads.
#[derive(Debug, Default, Clone)]
pub struct Compact {
    /// Normalised text without separators.
    pub text: String,
    /// Byte offset in `text` of each char (one entry per char, parallel to `src`).
    pub starts: Vec<usize>,
    /// Original byte range each char of `text` came from (parallel to `starts`; NFKC
    /// expansions share their source's range).
    pub src: Vec<(usize, usize)>,
    /// Byte offsets in `text` where one or more separators were removed (sorted, unique).
    pub boundaries: Vec<usize>,
    /// Byte offsets in `text` where a hard break (line end) was removed; segments never span them.
    pub breaks: Vec<usize>,
}

impl Compact {
    /// Separator positions strictly inside the compact byte range `(start, end)`.
    pub fn boundaries_inside(&self, start: usize, end: usize) -> &[usize] {
        let lo = self.boundaries.partition_point(|&b| b <= start);
        let hi = self.boundaries.partition_point(|&b| b < end);
        &self.boundaries[lo..hi.max(lo)]
    }

    /// Original byte range covered by the compact byte range `[start, end)`.
    pub fn original_range(&self, start: usize, end: usize) -> (usize, usize) {
        let first = self.starts.partition_point(|&s| s < start);
        let last = self.starts.partition_point(|&s| s < end);
        if first >= self.src.len() || last == 0 || first >= last {
            let at = self.src.get(first).map(|r| r.0).unwrap_or(0);
            return (at, at);
        }
        (self.src[first].0, self.src[last - 1].1)
    }
}

/// Compact form that only removes whitespace: no NFKC, no case folding, middle dots kept.
/// This is the segmentation model alone, as MeCab-ko sees text (it skips whitespace and
/// nothing else); [`crate::analysis::Analyzer::morphemes_raw`] reads it, for the MeCab-ko
/// agreement test.
pub fn compact_whitespace_only(input: &str) -> Compact {
    let mut out = Compact {
        text: String::with_capacity(input.len()),
        ..Compact::default()
    };
    let mut pending_boundary = false;
    let mut pending_break = false;
    for (start, c) in input.char_indices() {
        if c.is_whitespace() {
            pending_boundary = true;
            pending_break |= c == '\n' || c == '\r';
            continue;
        }
        flush_separator(&mut out, &mut pending_boundary, &mut pending_break);
        push_char(&mut out, c, start, start + c.len_utf8());
    }
    out
}

/// Normalises `input` into its compact form.
///
/// NFKC is applied per grapheme-ish cluster (a starter and the combining marks or conjoining
/// Hangul jamo that follow it), so decomposed Hangul from macOS file names composes correctly and
/// every output char still maps to a definite source range.
pub fn compact(input: &str) -> Compact {
    let mut out = Compact {
        text: String::with_capacity(input.len()),
        starts: Vec::with_capacity(input.len() / 2),
        src: Vec::with_capacity(input.len() / 2),
        ..Compact::default()
    };
    let mut chars = input.char_indices().peekable();
    let mut pending_boundary = false;
    let mut pending_break = false;
    let mut cluster = String::new();
    while let Some((start, c)) = chars.next() {
        if is_separator(c) {
            pending_boundary = true;
            if c == '\n' || c == '\r' {
                pending_break = true;
            }
            continue;
        }
        let mut end = start + c.len_utf8();
        cluster.clear();
        cluster.push(c);
        while let Some(&(next_start, next)) = chars.peek() {
            if canonical_combining_class(next) != 0 || is_conjoining_follower(next) {
                cluster.push(next);
                end = next_start + next.len_utf8();
                chars.next();
            } else {
                break;
            }
        }
        flush_separator(&mut out, &mut pending_boundary, &mut pending_break);
        let single = cluster.len() == c.len_utf8();
        if single && c.is_ascii() {
            push_char(&mut out, c.to_ascii_lowercase(), start, end);
        } else if single && ('\u{AC00}'..='\u{D7A3}').contains(&c) {
            // Precomposed Hangul syllables are NFKC-stable and caseless: the common case.
            push_char(&mut out, c, start, end);
        } else {
            let mut emitted_separator = false;
            for n in cluster.nfkc() {
                if is_separator(n) {
                    // NFKC can produce spaces (e.g. U+3000 ideographic space → ' ').
                    emitted_separator = true;
                    continue;
                }
                if emitted_separator && !out.text.is_empty() {
                    out.boundaries.push(out.text.len());
                    emitted_separator = false;
                }
                for l in n.to_lowercase() {
                    push_char(&mut out, l, start, end);
                }
            }
            if emitted_separator {
                pending_boundary = true;
            }
        }
    }
    out.boundaries.dedup();
    out.breaks.dedup();
    out
}

/// Records the separator run that ended before the next kept char (none at the very start).
fn flush_separator(out: &mut Compact, pending_boundary: &mut bool, pending_break: &mut bool) {
    if *pending_boundary && !out.text.is_empty() {
        out.boundaries.push(out.text.len());
        if *pending_break {
            out.breaks.push(out.text.len());
        }
    }
    *pending_boundary = false;
    *pending_break = false;
}

fn push_char(out: &mut Compact, c: char, start: usize, end: usize) {
    out.starts.push(out.text.len());
    out.src.push((start, end));
    out.text.push(c);
}

/// Medial vowels and final consonants of conjoining Hangul jamo (they follow a leading jamo).
fn is_conjoining_follower(c: char) -> bool {
    matches!(c, '\u{1160}'..='\u{11FF}' | '\u{D7B0}'..='\u{D7FF}')
}

/// NFKC + separator folding for short strings such as facet values and query words:
/// separators become one ASCII space, Latin is lower-cased, surrounding space is trimmed.
pub fn normalize_label(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut space = false;
    for c in input.nfkc() {
        if is_separator(c) {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.extend(c.to_lowercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn middle_dot_variants_are_boundaries() {
        for s in [
            "바이오·백신",
            "바이오・백신",
            "바이오 백신",
            "바이오ㆍ백신",
            "바이오\u{a0}백신",
        ] {
            let c = compact(s);
            assert_eq!(c.text, "바이오백신", "{s}");
            assert_eq!(c.boundaries, vec!["바이오".len()], "{s}");
        }
        let c = compact("바이오백신");
        assert!(c.boundaries.is_empty());
    }

    #[test]
    fn nfkc_and_offsets_map_back() {
        let s = "㈜광주 ①AI";
        let c = compact(s);
        assert_eq!(c.text, "(주)광주1ai");
        // "(주)" all map to the source of ㈜.
        let (a, b) = c.original_range(0, "(주)".len());
        assert_eq!(&s[a..b], "㈜");
        let ai = c.text.find("ai").unwrap();
        let (a, b) = c.original_range(ai, ai + 2);
        assert_eq!(&s[a..b], "AI");
    }

    #[test]
    fn decomposed_hangul_composes() {
        let nfd: String = "안동".nfd().collect();
        let c = compact(&nfd);
        assert_eq!(c.text, "안동");
        let (a, b) = c.original_range(0, c.text.len());
        assert_eq!((a, b), (0, nfd.len()));
    }

    #[test]
    fn line_breaks_are_breaks() {
        let c = compact("안동시\n경북 도청");
        assert_eq!(c.breaks, vec!["안동시".len()]);
        assert_eq!(c.boundaries.len(), 2);
    }

    #[test]
    fn label_normalisation() {
        assert_eq!(normalize_label(" 바이오・백신 "), "바이오 백신");
        assert_eq!(normalize_label("ＡＩ"), "ai");
    }
}
