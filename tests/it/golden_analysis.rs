//! Golden snapshots of the analyzer (lindera's `tests/golden_tokenization.rs` style): morphemes
//! (surface/POS, original byte offsets, kind) and index terms (text, position, offsets, POS) of
//! real Korean sentences from `tests/fixtures/golden_sentences.txt`, and for the words users
//! type, what they search for (query terms, surface words). Any change to
//! segmentation, the POS filter or the term rules shows as a readable diff of
//! `tests/snapshots/*.snap` to review.
//!
//! Plain `cargo test` fails on a difference and writes nothing under `CI=true`; to accept a
//! reviewed change run `INSTA_UPDATE=always cargo test --release --test it golden_analysis::` (or
//! `cargo insta review` where cargo-insta is installed).

use std::fmt::Write;
use std::sync::LazyLock;

use kpolicy::analysis::surface::surface_words;
use kpolicy::analysis::{Analyzer, MorphKind};
use kpolicy::data::Resources;

static ANALYZER: LazyLock<Analyzer> = LazyLock::new(|| {
    let res = Resources::embedded().expect("data files");
    Analyzer::new(&res.user_words()).expect("analyzer")
});

/// The fixture's sections: `[name]` followed by lines; `#` lines are comments.
fn sections() -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for line in include_str!("../fixtures/golden_sentences.txt").lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            out.push((name.to_string(), Vec::new()));
        } else {
            out.last_mut()
                .expect("a [section] first")
                .1
                .push(line.to_string());
        }
    }
    out
}

/// One sentence as the snapshot shows it.
fn render(text: &str, out: &mut String) {
    let a = ANALYZER.analyze(text);
    writeln!(out, "> {text}").unwrap();
    for m in &a.morphemes {
        let kind = match m.kind {
            MorphKind::Simple => String::new(),
            kind => {
                let parts: Vec<String> = m.parts.iter().map(|(s, p)| format!("{s}/{p}")).collect();
                format!(" {kind:?} {}", parts.join("+")).to_lowercase()
            }
        };
        let unknown = if m.unknown { " unknown" } else { "" };
        writeln!(
            out,
            "  {}/{} [{}..{}]{kind}{unknown}",
            m.surface, m.pos, m.start, m.end
        )
        .unwrap();
    }
    let terms: Vec<String> = a
        .terms
        .iter()
        .map(|t| {
            format!(
                "{}@{}[{}..{}]/{}",
                t.text, t.position, t.start, t.end, t.pos
            )
        })
        .collect();
    writeln!(out, "  terms: {}", terms.join(" ")).unwrap();
}

/// What a word searches for: its terms analysed as a query (the end of the query is not a
/// sentence end) and its surface words.
fn render_query(text: &str, out: &mut String) {
    let terms: Vec<String> = ANALYZER
        .query_terms(text)
        .iter()
        .map(|t| format!("{}@{}/{}", t.text, t.position, t.pos))
        .collect();
    writeln!(out, "  as a query: {}", terms.join(" ")).unwrap();
    let surface: Vec<String> = surface_words(text).into_iter().map(|w| w.text).collect();
    writeln!(out, "  surface words: {}", surface.join(" ")).unwrap();
}

#[test]
fn analysis_of_real_sentences_is_pinned() {
    let sections = sections();
    assert!(sections.len() >= 4, "fixture sections: {}", sections.len());
    for (name, lines) in sections {
        assert!(!lines.is_empty(), "[{name}] has no lines");
        let mut out = String::new();
        for l in &lines {
            render(l, &mut out);
            if name == "words" {
                render_query(l, &mut out);
            }
        }
        insta::assert_snapshot!(name, out);
    }
}
