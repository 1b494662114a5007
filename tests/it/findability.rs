//! Issue 15: a word you can see is a word you can find. A word copied out of an article and
//! searched alone finds that article, however the analyzer reads the word alone: with a
//! particle (`정부의`), unknown to the dictionary (`가얏고`), a compound kept whole in the
//! article (`다람쥐`), tagged differently alone (`있다`, `현재`), or a function word (`매우`).
//! The first tests run the real binary on articles that hold each case inside a sentence; the
//! property test copies random words out of the running text of the fixture articles (and of
//! real articles of ../shared/eval when it is there) and searches them.

use std::path::PathBuf;
use std::sync::{Arc, LazyLock};

use crate::util::{hit_ids, kpolicy, run, TempDir};
use kpolicy::analysis::Analyzer;
use kpolicy::data::Resources;
use kpolicy::index::KIndex;
use kpolicy::indexer::{Indexer, Options, Source};
use kpolicy::search::{Engine, Request};
use proptest::prelude::*;

/// Articles in which each hard case stands inside a sentence, as users copy it from there.
const ARTICLES: &[(&str, &str)] = &[
    (
        "genitive.txt",
        "정부 정책 발표\n\n정부의 정책을 두고 일본의 수출 규제와 브라질의 커피 농장, 대통령의 연설이 화제였다. 표현의 자유를 보장한다.",
    ),
    (
        "unknown.txt",
        "가야금 마을 조성\n\n고령군은 가야금 마을을 조성한다. 가얏고 프로젝트. 주민이 참여한다.",
    ),
    (
        "compound.txt",
        "숲 생태 관찰\n\n국립공원은 숲 생태를 관찰한다. 다람쥐 프로젝트. 아이들이 참여한다.",
    ),
    (
        "grammar.txt",
        "주민 설명회\n\n현재 주민들은 계획을 직접 확인할 수 있다. 그리고 매우 많은 의견이 나왔기 때문에 다시 모인다.",
    ),
    (
        "spellings.txt",
        "‘정부’는 AI와 5G 투자\n\n‘정부’는 2030년까지 AI와 5G에 투자한다고 정부가 밝혔다.",
    ),
];

/// A folder with [`ARTICLES`], indexed.
fn indexed() -> (TempDir, PathBuf) {
    let tmp = TempDir::new();
    for (name, text) in ARTICLES {
        tmp.write(&format!("docs/{name}"), text);
    }
    let index = tmp.path().join("index");
    let (code, _, err) = run(kpolicy()
        .arg("index")
        .arg(tmp.path().join("docs"))
        .arg("--index")
        .arg(&index));
    assert_eq!(code, 0, "{err}");
    (tmp, index)
}

fn search(index: &PathBuf, query: &str) -> Vec<String> {
    let (code, out, err) = run(kpolicy()
        .args(["search", query, "--json", "--limit", "100", "--index"])
        .arg(index));
    assert!(code == 0 || code == 1, "{query}: exit {code}: {err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("search --json");
    // Each hit, then the copies of its story folded into it.
    let mut ids = hit_ids(&v);
    for h in v["hits"].as_array().expect("hits") {
        for d in h["duplicates"].as_array().expect("duplicates") {
            ids.push(d["id"].as_str().expect("id").to_string());
        }
    }
    ids
}

fn assert_finds(index: &PathBuf, query: &str, article: &str) {
    let hits = search(index, query);
    assert!(
        hits.iter().any(|h| h == article),
        "`kpolicy search {query}` does not find {article}: {hits:?}"
    );
}

#[test]
fn words_with_particles_find_their_article() {
    let (_tmp, index) = indexed();
    // Alone, 의 at the end was read as a noun (정부/NNG 의/NNG, 일/NR 본의/NNG, 브라 질의).
    for word in ["정부의", "일본의", "브라질의", "대통령의", "표현의"] {
        assert_finds(&index, word, "genitive.txt");
    }
}

#[test]
fn unknown_words_and_compounds_find_their_article() {
    let (_tmp, index) = indexed();
    // 가얏고 alone reads as a verb (가/VV 얏 고), in the article as one noun.
    assert_finds(&index, "가얏고", "unknown.txt");
    // 다람쥐 alone is a compound searched by its parts 다람 + 쥐; in the article it is one
    // proper noun without parts: the whole word must be enough.
    assert_finds(&index, "다람쥐", "compound.txt");
}

#[test]
fn words_tagged_differently_alone_find_their_article() {
    let (_tmp, index) = indexed();
    // In the article 있/VX, 현재/MAG, 직접/MAG are dropped as grammar; alone they are
    // content words (있/VA, 현재/NNG, 직접/NNG) that the article's terms do not hold.
    for word in ["있다", "현재", "직접"] {
        assert_finds(&index, word, "grammar.txt");
    }
}

#[test]
fn function_words_find_the_articles_that_contain_them() {
    let (_tmp, index) = indexed();
    for word in ["매우", "그리고", "때문에"] {
        assert_eq!(search(&index, word), vec!["grammar.txt"], "{word}");
    }
    // In a query with other words they do not narrow the result: 정책 매우 = 정책.
    assert_eq!(search(&index, "정책 매우"), search(&index, "정책"));
    assert!(!search(&index, "정책").is_empty());
}

#[test]
fn the_spellings_people_type_find_the_article() {
    let (_tmp, index) = indexed();
    for word in [
        "정부",
        "정부의",
        "정부가",
        "‘정부’",
        "정부’는",
        "AI",
        "ai",
        "5G",
        "2030년",
    ] {
        assert_finds(&index, word, "spellings.txt");
    }
}

// --- Property: random words copied out of real articles find their article ---

static RES: LazyLock<Resources> = LazyLock::new(|| Resources::embedded().expect("data files"));
static ANALYZER: LazyLock<Analyzer> =
    LazyLock::new(|| Analyzer::new(&RES.user_words()).expect("analyzer"));

/// The articles the property copies words from: the invented articles of
/// `tests/fixtures/extract/` and the seed articles of `documents/` (always), plus the first 120
/// articles of two eval corpora of `../shared/eval` when that folder is beside the checkout.
/// Files are named by their id.
static TEXTS: LazyLock<Vec<Article>> = LazyLock::new(|| {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in ["tests/fixtures/extract", "documents"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .expect("fixture folder")
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "txt"))
            .collect();
        files.sort();
        for path in files {
            let name = path.file_name().expect("file name").to_string_lossy();
            let text = std::fs::read_to_string(&path).expect("fixture article");
            out.push(Article {
                name: format!("fixture-{name}"),
                copyable: running_text(&text),
                text,
            });
        }
    }
    let eval = root.join("../shared/eval");
    let corpora = ["petitions", "korquad"].map(|c| eval.join(c).join("corpus.jsonl"));
    if !corpora.iter().all(|p| p.exists()) {
        crate::util::skipped(format_args!(
            "findability property on the articles of {} (not found); it runs on the {} fixture articles",
            eval.display(),
            out.len()
        ));
        return out;
    }
    for path in corpora {
        let text = std::fs::read_to_string(&path).expect("../shared/eval corpus");
        for line in text.lines().take(120) {
            let v: serde_json::Value = serde_json::from_str(line).expect("JSON line");
            let id = v["id"].as_str().expect("id");
            let text = v["text"].as_str().expect("text").to_string();
            out.push(Article {
                name: format!("{id}.txt"),
                copyable: text.clone(),
                text,
            });
        }
    }
    out
});

/// An article file of the property: its name (= its id), its text, and the part of the text a
/// user copies words from.
struct Article {
    name: String,
    text: String,
    copyable: String,
}

/// The running text of a fixture article, as a user copies words out of it: its sentences. The
/// fixture articles also hold menus, bylines, date lines and copyright lines, which cleaning
/// removes (page furniture, not the article); a line counts as running text when it ends a
/// sentence (`…했다.`) and is longer than a caption.
fn running_text(text: &str) -> String {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| l.ends_with("다.") && l.chars().count() > 40)
        .collect();
    lines.join("\n")
}

static ENGINE: LazyLock<Engine> = LazyLock::new(|| Engine::new(INDEX.clone(), &ANALYZER, &RES));

static INDEX: LazyLock<Arc<KIndex>> = LazyLock::new(|| {
    let base = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("kpolicy-findability-{}", std::process::id()));
    let docs = base.join("docs");
    std::fs::create_dir_all(&docs).expect("docs folder");
    for a in TEXTS.iter() {
        std::fs::write(docs.join(&a.name), &a.text).expect("write article");
    }
    let opts = Options {
        rebuild: true,
        ..Options::default()
    };
    let mut indexer =
        Indexer::open(&base.join("index"), &ANALYZER, &RES, &opts).expect("open index");
    indexer
        .update(Source::Folders(&[docs]), &mut |_| {})
        .expect("index the articles");
    Arc::new(indexer.finish().expect("finish the index"))
});

/// What a user copying a word keeps: the word without the punctuation around it.
fn trim(word: &str) -> &str {
    word.trim_matches(|c: char| !c.is_alphanumeric())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn a_word_copied_from_an_article_finds_it(doc in any::<prop::sample::Index>(),
                                              word in any::<prop::sample::Index>()) {
        let Article { name, copyable, .. } = &TEXTS[doc.index(TEXTS.len())];
        let words: Vec<&str> = copyable.split_whitespace().map(trim).filter(|w| !w.is_empty()).collect();
        prop_assume!(!words.is_empty());
        let w = words[word.index(words.len())];
        // A word the query language reads as an operator is not a plain word.
        prop_assume!(w != "OR");
        let req = Request {
            query: w.to_string(),
            limit: TEXTS.len(),
            lean: true,
            ..Request::default()
        };
        let resp = ENGINE.search(&req).expect("search");
        prop_assert!(
            // Found as a hit, or as a copy of its story folded into one.
        resp.hits.iter().any(|h| &h.article.id == name || h.duplicates.iter().any(|d| &d.id == name)),
            "`{}` copied from {} does not find it (hits: {})", w, name, resp.hits.len()
        );
    }
}
