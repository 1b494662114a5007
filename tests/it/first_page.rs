//! The first page shows what was typed (issue 22): a word typed matches as that word — a
//! compound whole or by its parts next to each other, never by parts scattered over the
//! article — and articles with the words typed together rank above those where they are
//! scattered. On the small articles of `tests/fixtures/first_page/`, through the real binary,
//! and as a property over random documents through the library.

use std::path::Path;
use std::sync::LazyLock;

use crate::util::{hit_ids, kpolicy, run, TempDir};
use kpolicy::analysis::Analyzer;
use kpolicy::data::Resources;
use kpolicy::index::KIndex;
use kpolicy::indexer::{Indexer, Options, Source};
use kpolicy::search::{Engine, Request};
use proptest::prelude::*;
use proptest::test_runner::Config;
use serde_json::Value;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/first_page");

/// An index of the fixture articles, in a fresh folder.
fn fixture_index() -> TempDir {
    let dir = TempDir::new();
    let (code, _, err) = run(kpolicy()
        .arg("index")
        .arg(FIXTURES)
        .arg("--index")
        .arg(dir.path().join("index")));
    assert_eq!(code, 0, "{err}");
    dir
}

fn search(dir: &TempDir, args: &[&str]) -> Value {
    let (code, out, err) = run(kpolicy()
        .arg("search")
        .args(args)
        .arg("--index")
        .arg(dir.path().join("index"))
        .arg("--json"));
    assert!(code == 0 || code == 1, "{err}");
    serde_json::from_str(&out).expect("search --json prints JSON")
}

fn names(v: &Value) -> Vec<String> {
    hit_ids(v)
        .into_iter()
        .map(|id| id.trim_end_matches(".txt").to_string())
        .collect()
}

/// The case of the issue: `청년 일자리` matched `일` in `힘든 일을` and `자리` in `빈자리를`
/// of an article about volunteers, and put it first.
#[test]
fn a_compound_is_not_found_by_its_parts_scattered_over_an_article() {
    let dir = fixture_index();
    let v = search(&dir, &["청년 일자리"]);
    let ids = names(&v);
    assert!(
        !ids.contains(&"yeongju_volunteers".to_string()),
        "일 … 빈자리 is not 일자리: {ids:?}"
    );
    assert_eq!(
        ids,
        ["gumi_youth_jobs", "daegu_jobs_fair", "andong_startups"],
        "together in the headline, then together in the body, then scattered"
    );
    let v = search(&dir, &["일자리"]);
    assert!(!names(&v).contains(&"yeongju_volunteers".to_string()));
    assert_eq!(v["total"], 3);
}

/// `처벌 보험금`: the article where 보험 and 금 stand apart (`보험 가입`, `금 시세`) is not a
/// hit; the one with 보험금 is.
#[test]
fn a_compound_matches_whole_or_by_adjacent_parts() {
    let dir = fixture_index();
    let v = search(&dir, &["처벌 보험금"]);
    assert_eq!(names(&v), ["incheon_insurance"]);
    // Written apart, the parts next to each other still find it, as a phrase does.
    let v = search(&dir, &["\"보험 금\""]);
    assert!(!names(&v).contains(&"gwangju_gold".to_string()));
}

/// A compound typed last, where a query reading would take it for a number and its counter
/// (`구조대` → 구조/NR "nine trillion" + 대/NNBC, terms of neither) or for an adverb
/// (`지그재그`), is searched as the noun: the word is not dropped from the query, so `효율 구조대`
/// finds only the article with both.
#[test]
fn a_last_word_read_as_a_number_is_searched_as_its_noun() {
    let dir = fixture_index();
    for q in ["효율 구조대", "구조대 효율", "구조대"] {
        finds_only(&dir, q, "pohang_rescue");
    }
    // An adverb reading when typed (지그재그/MAG), a noun in the article's sentence.
    finds_only(&dir, "전체 지그재그", "busan_road");
}

/// `query` finds the fixture `article` and nothing else.
fn finds_only(dir: &TempDir, query: &str, article: &str) {
    let v = search(dir, &[query]);
    assert_eq!(names(&v), [article], "{query}");
    assert_eq!(v["total"], 1, "{query}");
}

/// A word that begins with a prefix the term filter drops (`대기록`: 대/XPN + 기록 when read
/// alone or first in a query) is not found by the rest of it: the index holds `대기록` beside
/// `기록`, and the query searches `대기록`. `평가 대기록`, `대기록 평가` and `대기록` find the
/// article with 대기록, not the one with 평가 and a 기록.
#[test]
fn a_word_read_alone_with_a_prefix_is_not_found_by_the_rest_of_it() {
    let dir = fixture_index();
    for q in ["평가 대기록", "대기록 평가", "대기록"] {
        finds_only(&dir, q, "gangneung_record");
    }
    // 기록 alone still finds both.
    let v = search(&dir, &["기록"]);
    assert!(names(&v).contains(&"chuncheon_tourism".to_string()));
    assert!(names(&v).contains(&"gangneung_record".to_string()));
}

/// `--explain` says which word matched where and how, and why the hit ranks where it does.
#[test]
fn explain_shows_how_each_word_matched_and_the_together_tier() {
    let dir = fixture_index();
    let v = search(&dir, &["청년 일자리", "--explain"]);
    let first = &v["hits"][0];
    assert_eq!(first["id"], "gumi_youth_jobs.txt");
    let e = &first["explain"];
    assert_eq!(e["all_words"], true);
    assert_eq!(e["proximity"]["together"], "lead");
    assert_eq!(e["together_at"][0], "title");
    let words = e["words"].as_array().expect("words");
    assert_eq!(words.len(), 2);
    assert_eq!(words[0]["word"], "청년");
    assert_eq!(words[1]["word"], "일자리");
    let how: Vec<&str> = words[1]["matches"]
        .as_array()
        .expect("matches")
        .iter()
        .map(|m| m["how"].as_str().expect("how"))
        .collect();
    assert!(how.contains(&"parts"), "{how:?}");
    let title_match = words[1]["matches"]
        .as_array()
        .expect("matches")
        .iter()
        .find(|m| m["field"] == "title" && m["how"] == "parts")
        .expect("일자리 in the headline");
    assert_eq!(title_match["terms"], serde_json::json!(["일", "자리"]));
    assert!(title_match["score"].as_f64().expect("score") > 0.0);
    let bm25 = e["bm25"].as_f64().expect("bm25");
    let score = first["score"].as_f64().expect("score");
    assert!(score >= bm25, "the re-rank only adds: {score} < {bm25}");
    // The scattered article says so.
    let last = &v["hits"][2];
    assert_eq!(last["explain"]["proximity"]["together"], "no");
    // Text output: a `why:` block under each hit.
    let (code, out, _) = run(kpolicy()
        .args(["search", "청년 일자리", "--explain", "--index"])
        .arg(dir.path().join("index")));
    assert_eq!(code, 0);
    assert!(out.contains("why: score"), "{out}");
    assert!(
        out.contains("일자리: parts 일+자리 together in title"),
        "{out}"
    );
    // Without --explain, no explain field (the schema only grows when asked).
    let v = search(&dir, &["청년 일자리"]);
    assert!(v["hits"][0].get("explain").is_none());
}

static RES: LazyLock<Resources> = LazyLock::new(|| Resources::embedded().expect("data files"));
static ANALYZER: LazyLock<Analyzer> =
    LazyLock::new(|| Analyzer::new(&RES.user_words()).expect("analyzer"));

/// Words of the random documents: two compounds, their parts, and other nouns.
const VOCABULARY: &[&str] = &[
    "보험",
    "금",
    "보험금",
    "일",
    "자리",
    "일자리",
    "청년",
    "처벌",
    "지역",
    "산업",
    "정책",
    "지원",
    "예산",
    "기업",
];

fn index_docs(dir: &Path, docs: &[Vec<usize>]) -> Engine {
    let folder = dir.join("docs");
    std::fs::create_dir_all(&folder).expect("docs folder");
    for (i, words) in docs.iter().enumerate() {
        let text: Vec<&str> = words.iter().map(|&w| VOCABULARY[w]).collect();
        std::fs::write(
            folder.join(format!("{i:02}.txt")),
            format!("기사 {i}\n\n{}\n", text.join(" ")),
        )
        .expect("write a document");
    }
    let opts = Options {
        writer_memory: 16 * 1024 * 1024,
        ..Options::default()
    };
    let index = dir.join("index");
    let mut indexer = Indexer::open(&index, &ANALYZER, &RES, &opts).expect("open the writer");
    indexer
        .update(Source::Folders(&[folder]), &mut |_| {})
        .expect("index");
    indexer.finish().expect("finish");
    let kindex = KIndex::open(&index, &ANALYZER).expect("open the index");
    Engine::new(kindex, &ANALYZER, &RES)
}

/// Whether a document holds `compound` as written, or its `parts` next to each other in its
/// analysis (words that analyse to nothing, such as `일` read as a numeral, take no position,
/// as particles do not: `보험 일 금` holds 보험 and 금 together).
fn holds(text: &str, words: &[&str], compound: &str, parts: [&str; 2]) -> bool {
    if words.contains(&compound) {
        return true;
    }
    let terms = ANALYZER.terms(text);
    let at = |t: &str| -> Vec<usize> {
        terms
            .iter()
            .filter(|x| x.text == t)
            .map(|x| x.position)
            .collect()
    };
    let (first, second) = (at(parts[0]), at(parts[1]));
    first.iter().any(|p| second.contains(&(p + 1)))
}

proptest! {
    #![proptest_config(Config { cases: 24, ..Config::default() })]

    /// For random documents, every hit of a compound query holds the compound or its parts
    /// next to each other.
    #[test]
    fn every_hit_of_a_compound_holds_it_whole_or_its_parts_adjacent(
        docs in prop::collection::vec(prop::collection::vec(0..VOCABULARY.len(), 3..30), 2..10)
    ) {
        let tmp = TempDir::new();
        let engine = index_docs(tmp.path(), &docs);
        for (compound, parts) in [("보험금", ["보험", "금"]), ("일자리", ["일", "자리"])] {
            let req = Request { query: compound.to_string(), limit: 50, ..Request::default() };
            let r = engine.search(&req).expect("search");
            for h in &r.hits {
                let n: usize = h.article.id.trim_end_matches(".txt").parse().expect("id");
                let words: Vec<&str> = docs[n].iter().map(|&w| VOCABULARY[w]).collect();
                prop_assert!(
                    holds(&words.join(" "), &words, compound, parts),
                    "{compound} found {:?} in {:?}", h.article.id, words
                );
            }
            // And nothing that holds it is missed.
            for (n, d) in docs.iter().enumerate() {
                let words: Vec<&str> = d.iter().map(|&w| VOCABULARY[w]).collect();
                if words.contains(&compound) {
                    prop_assert!(
                        r.hits.iter().any(|h| h.article.id == format!("{n:02}.txt")),
                        "{compound} missed {n:02}.txt: {:?}", words
                    );
                }
            }
        }
    }
}
