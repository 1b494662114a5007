//! Property tests (issue 6): the analyzer, the query path, snippets, decoding and input parsing
//! never panic on arbitrary input, and every offset they hand out is inside the text and on a
//! character boundary.
//!
//! Default case counts keep the whole file well under a minute in a debug build. For a long,
//! fuzz-style run set `PROPTEST_CASES` (see docs/robustness.md), e.g.
//! `PROPTEST_CASES=200000 timeout 600 cargo test --release --test it props::`.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Arc, LazyLock};

use kpolicy::analysis::Analyzer;
use kpolicy::data::Resources;
use kpolicy::index::KIndex;
use kpolicy::indexer::{Indexer, Options, Source};
use kpolicy::ingest::read::decode::{decode, DecodeError};
use kpolicy::ingest::{read::input, ArticleIds, Pipeline, RawArticle, Supplied};
use kpolicy::search::plan::parse::{groups, parse};
use kpolicy::search::snippet::snippet;
use kpolicy::search::{Engine, Request};
use proptest::prelude::*;
use proptest::test_runner::Config;

/// The analyzer without user words (the bare ko-dic path).
static PLAIN: LazyLock<Analyzer> = LazyLock::new(|| Analyzer::new(&[]).expect("analyzer"));
static RES: LazyLock<Resources> = LazyLock::new(|| Resources::embedded().expect("data files"));
/// The analyzer kpolicy really uses: ko-dic plus the gazetteer and domain nouns.
static FULL: LazyLock<Analyzer> =
    LazyLock::new(|| Analyzer::new(&RES.user_words()).expect("analyzer with user words"));
static PIPE: LazyLock<Pipeline<'static>> =
    LazyLock::new(|| Pipeline::new(LazyLock::force(&FULL), LazyLock::force(&RES)));

/// A small index for the query path, built once per run under cargo's test scratch folder.
static INDEX: LazyLock<Arc<KIndex>> = LazyLock::new(|| {
    let base = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("kpolicy-props-{}", std::process::id()));
    let docs = base.join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    for (i, text) in CORPUS.iter().enumerate() {
        std::fs::write(docs.join(format!("{i}.txt")), text).unwrap();
    }
    let idx = base.join("index");
    let opts = Options {
        rebuild: true,
        writer_memory: 64_000_000,
        ..Options::default()
    };
    let mut indexer = Indexer::open(&idx, &FULL, &RES, &opts).expect("open the props index");
    indexer
        .update(Source::Folders(&[docs]), &mut |_| {})
        .expect("index the props corpus");
    Arc::new(indexer.finish().expect("finish the props index"))
});

const CORPUS: &[&str] = &[
    "경북 안동시, 바이오·백신 산업 육성\n\n경상북도 안동시는 바이오·백신 클러스터를 조성한다고 밝혔다. 2026년까지 청년 일자리 500개가 목표다.",
    "울산 남구, 수소 충전소 확충\n\n울산광역시 남구는 수소 충전소를 늘리고 수소 버스 노선을 확대한다.",
    "㈜광주AI, 인공지능 중심도시 조성\n\n광주광역시는 ㈜광주AI와 함께 AI 데이터센터를 짓는다. 「인공지능 산업융합 사업단」이 맡는다.",
    "전북 전주시 한옥마을 야간 관광\n\n전라북도 전주시는 한옥마을 야간 관광 프로그램을 운영했습니다. 관광객이 늘었다고 했다.",
];

/// Real words of the domain, so that generated text also reaches compounds, inflections,
/// decompounding and region/industry extraction, not only unknown-character runs.
const WORDS: &[&str] = &[
    "경상북도",
    "안동시",
    "바이오",
    "백신",
    "클러스터",
    "조성",
    "청년",
    "일자리",
    "광주광역시",
    "인공지능",
    "중심도시",
    "데이터센터",
    "수소",
    "충전소",
    "한옥마을",
    "관광",
    "스마트팜",
    "반도체",
    "특화단지",
    "이차전지",
    "미래차",
    "모빌리티",
    "해상풍력",
    "탄소중립",
    "산업단지",
    "지원센터",
    "바이오헬스",
    "지역균형발전",
    "도시재생",
    "은",
    "는",
    "이",
    "가",
    "을",
    "를",
    "에서",
    "의",
    "으로",
    "했다",
    "합니다",
    "밝혔다",
    "한다고",
    "2026년",
    "3일",
    "500개",
    "AI",
    "R&D",
    "K-바이오",
    "(주)",
    "㈜",
    "「",
    "」",
    "…",
    "·",
    "ㆍ",
    " ",
    " ",
    " ",
    "\n",
    ". ",
    "\"",
    "-",
    "OR",
    "title:",
];

/// Characters that stress normalisation, segmentation and offsets.
fn nasty_char() -> impl Strategy<Value = char> {
    prop_oneof![
        6 => prop::char::range('가', '힣'),
        1 => prop::char::range('\u{1100}', '\u{11FF}'),
        1 => prop::char::range('\u{3131}', '\u{318E}'),
        1 => prop::char::range('\u{A960}', '\u{A97C}'),
        1 => prop::char::range('\u{D7B0}', '\u{D7FB}'),
        1 => prop::char::range('\u{0300}', '\u{036F}'),
        2 => prop::sample::select(vec![
            '·', 'ㆍ', '・', '･', '‧', '∙', '⋅', '•', '․', ' ', '\u{3000}', '\u{a0}', '\u{feff}',
            '\n', '\r', '\t', '\u{85}', '\u{2028}', '\u{200b}', '\u{200d}', '\u{fe0f}', '.', '!',
            '?', '"', '“', '”', '(', ')', '-', '+', ':', '㈜', '①', '⑳', '㍿', 'ﷺ', 'ﬃ', 'ǅ',
            'İ', 'ß', 'ẞ', 'Ω', 'K', 'ᾈ', '\u{1f1f0}', '\u{1f1f7}', '\u{fffd}', '\u{10ffff}',
        ]),
        1 => prop::char::range('\u{1F300}', '\u{1FAFF}'),
        1 => prop::char::range('\u{0}', '\u{1F}'),
        1 => prop::char::range('\u{7F}', '\u{9F}'),
        1 => prop::char::range('\u{3200}', '\u{33FF}'),
        1 => prop::char::range('\u{2460}', '\u{24FF}'),
        1 => prop::char::range('\u{FF00}', '\u{FFEF}'),
        2 => prop::char::range(' ', '~'),
        1 => any::<char>(),
    ]
}

/// Arbitrary text: a mix of real words and nasty characters.
fn text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            1 => prop::sample::select(WORDS).prop_map(str::to_string),
            1 => nasty_char().prop_map(String::from),
        ],
        0..max,
    )
    .prop_map(|parts| parts.concat())
}

/// Plausible Korean prose from the vocabulary only (what a legacy encoding can hold).
fn korean_prose() -> impl Strategy<Value = String> {
    let korean: Vec<&str> = WORDS
        .iter()
        .copied()
        .filter(|w| !w.contains(['㈜', '「', '」', '…', 'ㆍ', '·']))
        .collect();
    prop::collection::vec(prop::sample::select(korean), 8..60).prop_map(|w| w.concat())
}

/// Case count from `PROPTEST_CASES`, else `default`.
fn config(default: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    Config {
        cases,
        ..Config::default()
    }
}

fn check_range(text: &str, start: usize, end: usize, what: &str) -> Result<(), TestCaseError> {
    prop_assert!(
        start <= end && end <= text.len(),
        "{what}: {start}..{end} outside 0..{}",
        text.len()
    );
    prop_assert!(
        text.is_char_boundary(start) && text.is_char_boundary(end),
        "{what}: {start}..{end} splits a character of {text:?}"
    );
    Ok(())
}

fn check_analysis(analyzer: &Analyzer, s: &str) -> Result<(), TestCaseError> {
    let a = analyzer.analyze(s);
    for m in &a.morphemes {
        check_range(s, m.start, m.end, &format!("morpheme {:?}", m.surface))?;
    }
    let mut last = 0;
    for t in &a.terms {
        check_range(s, t.start, t.end, &format!("term {:?}", t.text))?;
        prop_assert!(
            t.position >= last,
            "positions go back at {:?}: {} < {last}",
            t.text,
            t.position
        );
        last = t.position;
        prop_assert!(!t.text.is_empty(), "empty term in {s:?}");
    }
    Ok(())
}

/// Snippet invariants: highlights are char ranges inside the snippet, sorted, disjoint.
fn check_snippet(body: &str, terms: &HashSet<String>) -> Result<(), TestCaseError> {
    let snip = snippet(body, terms);
    let n = snip.text.chars().count();
    let mut prev_end = 0;
    for &[a, b] in &snip.highlights {
        prop_assert!(a < b && b <= n, "highlight {a}..{b} of {n} chars: {snip:?}");
        prop_assert!(a >= prev_end, "highlights overlap at {a}: {snip:?}");
        prev_end = b;
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn analyzer_offsets_are_char_boundaries_inside_the_text(s in text(80)) {
        check_analysis(&PLAIN, &s)?;
        check_analysis(&FULL, &s)?;
    }

    #[test]
    fn query_parsing_never_fails(q in text(60)) {
        let items = parse(&q);
        let n = items.len();
        let grouped = groups(items);
        prop_assert!(grouped.iter().map(Vec::len).sum::<usize>() <= n);
        prop_assert!(grouped.iter().all(|g| !g.is_empty()));
    }

    #[test]
    fn decode_never_panics_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        if let Ok(d) = decode(&bytes) {
            prop_assert!(!d.text.is_empty());
        }
    }

    #[test]
    fn decode_never_panics_on_text_like_bytes(s in text(80), cut in any::<prop::sample::Index>()) {
        // Valid UTF-8 cut at an arbitrary byte (a truncated download), with and without BOM.
        let bytes = s.as_bytes();
        let cut = if bytes.is_empty() { 0 } else { cut.index(bytes.len() + 1) };
        let _ = decode(&bytes[..cut]);
        let _ = decode(&[b"\xEF\xBB\xBF", &bytes[..cut]].concat());
        let _ = decode(&[b"\xFF\xFE", &bytes[..cut]].concat());
    }

    #[test]
    fn bom_marked_text_round_trips(s in text(60)) {
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for u in s.encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
            be.extend_from_slice(&u.to_be_bytes());
        }
        let u8bom = [b"\xEF\xBB\xBF", s.as_bytes()].concat();
        for bytes in [le, be, u8bom] {
            let got = decode(&bytes);
            if s.trim().is_empty() {
                prop_assert_eq!(got, Err(DecodeError::Empty));
            } else {
                prop_assert_eq!(got.map(|d| d.text), Ok(s.clone()));
            }
        }
    }

    #[test]
    fn korean_prose_decodes_the_same_in_utf8_and_cp949(s in korean_prose()) {
        let utf8 = decode(s.as_bytes()).map(|d| d.text);
        prop_assert_eq!(utf8, Ok(s.clone()));
        let (bytes, _, unmappable) = encoding_rs::EUC_KR.encode(&s);
        prop_assert!(!unmappable);
        let legacy = decode(&bytes).map(|d| d.text);
        prop_assert_eq!(legacy, Ok(s.clone()));
    }

    #[test]
    fn snippets_highlight_within_the_snippet(
        body in text(120),
        query in text(12),
        picks in prop::collection::vec(any::<prop::sample::Index>(), 0..4),
    ) {
        let mut terms: HashSet<String> = FULL.term_texts(&query).into_iter().collect();
        // Terms that really occur in the body, so that highlights are produced.
        let body_terms = FULL.term_texts(&body);
        if !body_terms.is_empty() {
            for p in &picks {
                terms.insert(p.get(&body_terms).clone());
            }
        }
        check_snippet(&body, &terms)?;
    }

    #[test]
    fn input_parsers_never_fail(s in text(80)) {
        let _ = input::split_front_matter(&s);
        let _ = input::split_front_matter(&format!("---\n{s}"));
        let _ = input::split_front_matter(&format!("---\n{s}\n---\n{s}"));
        let _ = input::parse_jsonl(&s);
        let _ = input::parse_json(&s);
        let json = serde_json::json!({ "id": s, "title": s, "text": s, "date": s, "industry": [s] });
        let _ = input::parse_jsonl(&json.to_string());
    }
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn preparing_an_article_never_panics(
        body in text(150),
        title in proptest::option::of(text(10)),
        date in proptest::option::of(text(8)),
        region in proptest::option::of(text(6)),
        industry in proptest::option::of(prop::collection::vec(text(6), 0..3)),
    ) {
        let raw = RawArticle {
            text: body,
            supplied: Supplied { title, date, region, industry, ..Supplied::default() },
            line: None,
        };
        let article = PIPE.prepare(&raw, ArticleIds::default());
        for t in &article.terms {
            check_range(&article.body, t.start, t.end, &format!("body term {:?}", t.text))?;
        }
    }

    #[test]
    fn search_never_fails(q in text(40), any_word in any::<bool>()) {
        let engine = Engine::new(Arc::clone(&INDEX), &FULL, &RES);
        let req = Request { query: q, limit: 10, any: any_word, ..Request::default() };
        let resp = engine.search(&req);
        prop_assert!(resp.is_ok(), "{:?}", resp.err());
        for h in resp.unwrap().hits {
            let n = h.snippet.chars().count();
            for [a, b] in h.highlights {
                prop_assert!(a < b && b <= n, "highlight {a}..{b} of {n}");
            }
        }
    }
}
