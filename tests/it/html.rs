//! Saved web pages (issue 13): main text against hand-checked expected text, stated
//! metadata, page chrome kept out of the index, national articles under `전국`, learned
//! boilerplate, and no panic on any bytes.

use std::path::{Path, PathBuf};

use crate::util::{kpolicy, run, Overlap, TempDir};
use kpolicy::ingest::{self, clean::boilerplate, read::formats};
use proptest::prelude::*;
use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/html")
}

fn pages() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .expect("fixture folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    v.sort();
    v
}

/// What kpolicy indexes from a page: the reader's text after cleaning.
fn indexed_text(path: &Path) -> String {
    let bytes = std::fs::read(path).expect("fixture");
    let doc = formats::read(&bytes, path).expect("readable page");
    let res = kpolicy::data::Resources::embedded().expect("data files");
    ingest::cleaned_text(&doc.text, &res)
}

/// Character-level precision and recall of the indexed text against the expected main text,
/// per page and over all pages. The numbers are in docs/extraction.md.
#[test]
fn main_text_precision_and_recall() {
    let mut all = Overlap::default();
    let mut worst_recall: f64 = 1.0;
    let mut report = String::new();
    for page in pages() {
        let want = std::fs::read_to_string(page.with_extension("expected.txt")).expect("expected");
        let got = indexed_text(&page);
        let o = Overlap::of(&got, &want);
        let (p, r) = (o.precision(), o.recall());
        worst_recall = worst_recall.min(r);
        report.push_str(&format!(
            "{:<45} P {:.3} R {:.3}\n",
            page.file_name().unwrap().to_string_lossy(),
            p,
            r
        ));
        if r < 0.98 || p < 0.97 {
            report.push_str(&format!("--- got\n{got}\n--- want\n{want}\n"));
        }
        all.add(o);
    }
    let (p, r) = (all.precision(), all.recall());
    println!("{report}all pages: P {p:.3} R {r:.3}");
    assert!(pages().len() >= 10, "at least ten pages with expected text");
    // Article text must not be lost; a little page text that looks like article text may stay.
    assert!(r >= 0.98 && worst_recall >= 0.9, "recall {r:.3}\n{report}");
    assert!(p >= 0.95, "precision {p:.3}\n{report}");
}

fn inspect(path: &Path) -> Value {
    let (code, out, err) = run(kpolicy().arg("inspect").arg("--json").arg(path));
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(out.lines().next().expect("one line")).expect("json")
}

/// Title, date and source as the pages state them; every page says what was removed.
#[test]
fn stated_title_date_and_publisher() {
    let expected = std::fs::read_to_string(fixtures().join("expected.jsonl")).expect("expected");
    let (mut titles, mut dates, mut n) = (0, 0, 0);
    let mut misses = Vec::new();
    for line in expected.lines() {
        let want: Value = serde_json::from_str(line).expect("expected line");
        let file = want["file"].as_str().expect("file");
        let got = inspect(&fixtures().join(file));
        n += 1;
        assert_eq!(got["format"], "html", "{file}");
        assert!(
            !got["removed"].as_array().expect("removed").is_empty(),
            "{file}: nothing said removed"
        );
        if got["title"] == want["title"] {
            titles += 1;
        } else {
            misses.push(format!(
                "{file}: title {} want {}",
                got["title"], want["title"]
            ));
        }
        if got["date"] == want["date"] {
            dates += 1;
        } else {
            misses.push(format!(
                "{file}: date {} want {}",
                got["date"], want["date"]
            ));
        }
        if !want["region"].is_null() {
            assert_eq!(got["region"], want["region"], "{file}: {}", got["evidence"]);
        }
    }
    println!(
        "titles {titles}/{n}, dates {dates}/{n}\n{}",
        misses.join("\n")
    );
    assert!(
        titles * 10 >= n * 9 && dates * 10 >= n * 9,
        "{}",
        misses.join("\n")
    );
}

/// A folder of saved pages indexes like text: body words are found, page chrome is not,
/// national articles are under `전국` and still list the regions they mention.
#[test]
fn a_folder_of_pages_is_indexed_without_its_chrome() {
    let tmp = TempDir::new();
    let corpus = tmp.path().join("pages");
    std::fs::create_dir(&corpus).unwrap();
    for p in pages() {
        std::fs::copy(&p, corpus.join(p.file_name().unwrap())).unwrap();
    }
    let index = tmp.path().join("index");
    let (code, out, err) = run(kpolicy()
        .args(["index", "--json", "--index"])
        .arg(&index)
        .arg(&corpus));
    assert_eq!(code, 0, "{out}{err}");
    let summary: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(summary["added"], pages().len());

    let search = |args: &[&str]| -> (i32, Value) {
        let (code, out, err) = run(kpolicy()
            .arg("search")
            .args(args)
            .args(["--json", "--index"])
            .arg(&index));
        (
            code,
            serde_json::from_str(&out).unwrap_or_else(|_| panic!("{out}{err}")),
        )
    };
    // Body text of a page laid out with <br> only, and of an undeclared CP949 page.
    assert_eq!(search(&["소형모듈원자로"]).1["total"], 1);
    assert_eq!(search(&["탄소섬유 국가산단"]).1["total"], 1);
    // Most-read lists, comment boxes and scripts are not indexed.
    // (No article holds the phrase: either nothing matches, or only articles with some of
    // its words, which the search says.)
    for chrome in ["아이돌 그룹", "주민 설명회", "dataLayer", "만족하십니까"] {
        let (code, v) = search(&[chrome]);
        let partial = v["notice"]
            .as_str()
            .is_some_and(|n| n.starts_with("no article has all the words"));
        assert!(code == 1 || partial, "`{chrome}` was indexed: {v}");
    }
    // National articles: their own facet value, a filter on it, mentioned regions kept.
    let (code, v) = search(&["지방", "--region", "전국"]);
    assert_eq!(code, 0);
    let ids: Vec<&str> = v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap())
        .collect();
    assert!(ids.iter().any(|i| i.starts_with("h01_")), "{ids:?}");
    assert!(ids.iter().any(|i| i.starts_with("h11_")), "{ids:?}");
    let h01 = v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["id"].as_str().unwrap().starts_with("h01_"))
        .unwrap();
    assert_eq!(h01["region"], "/전국");
    let mentioned: Vec<&str> = h01["mentioned_regions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    assert!(mentioned.contains(&"/경상북도/의성군"), "{mentioned:?}");
    assert_eq!(v["facets"]["region"]["/전국"], v["total"]);
    // A regional page is not under 전국.
    let (_, v) = search(&["이차전지", "--region", "전국"]);
    assert_eq!(v["total"], 0);
}

/// Lines repeated across the files of a folder are learned as boilerplate, also for a file
/// that arrives alone later; the files that already held such a line are re-extracted.
#[test]
fn repeated_lines_are_learned_across_runs() {
    let tmp = TempDir::new();
    let corpus = tmp.path().join("news");
    std::fs::create_dir(&corpus).unwrap();
    let chrome = "이 기자의 다른 기사 보기";
    let article = |i: usize, place: &str, word: &str| {
        format!(
            "{place}, {word} 육성 계획 발표\n\n{place}는 {word} 산업을 키우기 위해 {i}0억원을 투입한다고 밝혔다.\n\n{chrome}\n\n구독 신청은 홈페이지에서\n"
        )
    };
    std::fs::write(corpus.join("a.txt"), article(1, "안동시", "백신")).unwrap();
    std::fs::write(corpus.join("b.txt"), article(2, "포항시", "배터리")).unwrap();
    let index = tmp.path().join("index");
    let index_run = || {
        let (code, out, err) = run(kpolicy()
            .args(["index", "--json", "--index"])
            .arg(&index)
            .arg(&corpus));
        assert_eq!(code, 0, "{out}{err}");
        serde_json::from_str::<Value>(&out).unwrap()
    };
    let found = |q: &str| -> u64 {
        let (_, out, _) = run(kpolicy()
            .args(["search", q, "--json", "--index"])
            .arg(&index));
        serde_json::from_str::<Value>(&out).unwrap()["total"]
            .as_u64()
            .unwrap()
    };
    index_run();
    // Two files: a line shared by two could be one story saved twice; it stays.
    assert_eq!(found("다른 기사 보기"), 2);
    // The third file makes it boilerplate: the new file and the two old ones lose it.
    std::fs::write(corpus.join("c.txt"), article(3, "광주시", "인공지능")).unwrap();
    let s = index_run();
    assert_eq!(s["added"], 1);
    assert_eq!(
        s["updated"], 2,
        "the two files holding the line are re-extracted: {s}"
    );
    assert_eq!(found("다른 기사 보기"), 0);
    assert_eq!(found("구독 신청"), 0);
    assert_eq!(found("인공지능"), 1, "article text stays");
    // One more file alone: cleaned with what the folder already taught.
    std::fs::write(corpus.join("d.txt"), article(4, "울산시", "수소")).unwrap();
    let s = index_run();
    assert_eq!(
        (s["added"].as_u64(), s["updated"].as_u64()),
        (Some(1), Some(0)),
        "{s}"
    );
    assert_eq!(found("다른 기사 보기"), 0);
    assert_eq!(found("수소"), 1);
    // Nothing changed: nothing re-read.
    let s = index_run();
    assert_eq!(s["unchanged"], 4);
    // `inspect` learns from the file's folder the same way and says so (checked below, while
    // four files hold the line).
    let removed = inspect(&corpus.join("d.txt"))["removed"].to_string();
    // Deleting two files drops the line below the threshold: the two left get it back.
    std::fs::remove_file(corpus.join("c.txt")).unwrap();
    std::fs::remove_file(corpus.join("d.txt")).unwrap();
    let s = index_run();
    assert_eq!(
        (s["removed"].as_u64(), s["updated"].as_u64()),
        (Some(2), Some(2)),
        "{s}"
    );
    assert_eq!(found("다른 기사 보기"), 2);
    assert!(
        removed.contains(&format!(
            "learned boilerplate (repeats across the folder): {chrome}"
        )),
        "{removed}"
    );
}

/// A page that is not HTML, or an empty one, is one line naming the file; the run goes on.
#[test]
fn unreadable_pages_are_reported_and_the_run_goes_on() {
    let tmp = TempDir::new();
    let corpus = tmp.path().join("c");
    std::fs::create_dir(&corpus).unwrap();
    std::fs::write(corpus.join("empty.html"), "<html><body></body></html>").unwrap();
    std::fs::write(corpus.join("garbage.htm"), [0xffu8, 0xfe, 0x00, 0x01, 0x02]).unwrap();
    std::fs::copy(
        fixtures().join("h09_short_notice.html"),
        corpus.join("ok.html"),
    )
    .unwrap();
    let (code, out, err) = run(kpolicy()
        .args(["index", "--json", "--index"])
        .arg(tmp.path().join("index"))
        .arg(&corpus));
    assert_eq!(code, 1, "warnings give exit 1: {out}{err}");
    let s: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(s["added"], 1);
    let problems = s["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 2, "{problems:?}");
    for p in problems {
        assert!(!p["reason"].as_str().unwrap().is_empty());
    }
}

#[test]
fn menu_lines_are_never_titles() {
    let tmp = TempDir::new();
    let f = tmp.path().join("a.txt");
    std::fs::write(
        &f,
        "• 프린트 • 메일 • 스크랩\n안동시, 바이오 특구 지정\n경북 안동시는 3일 바이오 특구로 지정됐다고 밝혔다.\n",
    )
    .unwrap();
    assert_eq!(inspect(&f)["title"], "안동시, 바이오 특구 지정");
    assert!(boilerplate::is_menu_line("프린트 | 메일 | 스크랩"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// No bytes make the reader panic: every outcome is text or a reason.
    #[test]
    fn any_bytes_read_as_a_page_or_a_reason(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = formats::read(&bytes, Path::new("x.html"));
    }

    /// Markup-shaped noise (unclosed tags, stray JSON-LD, charset declarations) too.
    #[test]
    fn any_markup_reads_as_a_page_or_a_reason(
        parts in proptest::collection::vec(prop_oneof![
            Just("<html>".to_string()), Just("<p>".to_string()), Just("</div>".to_string()),
            Just("<meta charset=euc-kr>".to_string()), Just("<meta charset=\"utf-16\">".to_string()),
            Just("<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"headline\":".to_string()),
            Just("<title> - | </title>".to_string()), Just("<article>".to_string()),
            Just("<table><tr><th>제목</th><td>".to_string()), Just("\u{feff}".to_string()),
            "[가-힣 .]{0,30}".prop_map(|s| s),
        ], 0..40)
    ) {
        let page = parts.concat();
        let _ = formats::read(page.as_bytes(), Path::new("x.html"));
    }
}

/// Issue 25, never silently empty: a page whose article Readability cannot see (a body hidden
/// until the site's script shows it, an `<article>` holding only the site name) is read with
/// another extractor instead of being indexed as `| 뉴스 | 동해일보`; `inspect` says what was
/// replaced and the index run warns.
#[test]
fn a_lost_body_falls_back_and_says_so() {
    let page = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/html_lost/body_hidden_until_script.html");
    let tmp = TempDir::new();
    let corpus = tmp.path().join("pages");
    std::fs::create_dir(&corpus).unwrap();
    std::fs::copy(&page, corpus.join("page.html")).unwrap();

    let (_, out, err) = run(kpolicy()
        .args(["inspect", "--json", "--text"])
        .arg(corpus.join("page.html")));
    let v: Value = serde_json::from_str(out.lines().next().unwrap_or("")).unwrap_or_else(|_| {
        panic!("{out}{err}");
    });
    let text = v["text"].as_str().unwrap();
    assert!(
        text.contains("영일만 산업단지에 이차전지 소재 기업 12곳을"),
        "{text}"
    );
    assert!(
        text.contains("전문 인력 양성 과정도 운영할 계획이다"),
        "{text}"
    );
    let removed = v["removed"].to_string();
    assert!(
        removed.contains("main block too small, replaced"),
        "{removed}"
    );
    assert!(
        err.contains("warning") && err.contains("almost no article text"),
        "{err}"
    );

    let index = tmp.path().join("index");
    let (code, out, err) = run(kpolicy()
        .args(["index", "--json", "--index"])
        .arg(&index)
        .arg(&corpus));
    assert!(code == 0 || code == 1, "{out}{err}");
    let summary: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(summary["added"], 1);
    let problems = summary["problems"].to_string();
    assert!(
        problems.contains("almost no article text") && problems.contains("warning"),
        "{problems}"
    );
    let (_, out, _) = run(kpolicy()
        .args(["search", "이차전지 소재 기업", "--json", "--index"])
        .arg(&index));
    let found: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(found["total"], 1);
}
