//! The spine, as a user sees it: the real binary on the five seed articles (`documents/`):
//! ranks, snippets with highlights, facet counts, JSON fields, messages and exit codes.

use std::path::{Path, PathBuf};

use crate::util::{hit_ids as ids, kpolicy, run, TempDir};
use serde_json::Value;

fn documents() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("documents")
}

/// Copies the seed articles into `tmp/documents/`, as in a fresh clone.
fn copy_documents(tmp: &TempDir) {
    for entry in std::fs::read_dir(documents()).expect("documents") {
        let p = entry.expect("entry").path();
        let name = p.file_name().expect("name").to_string_lossy().to_string();
        std::fs::copy(&p, tmp.join(&format!("documents/{name}"))).expect("copy");
    }
}

/// A temporary index of the seed articles.
fn seed_index() -> TempDir {
    let tmp = TempDir::new();
    kpolicy()
        .arg("index")
        .arg(documents())
        .arg("--index")
        .arg(tmp.join("idx"))
        .assert()
        .success();
    tmp
}

/// Indexes JSON-lines `lines` (written to `feed.jsonl`) into `tmp/idx`.
fn index_jsonl(tmp: &TempDir, lines: &str) {
    let feed = tmp.write("feed.jsonl", lines);
    kpolicy()
        .arg("index")
        .arg("--jsonl")
        .arg(&feed)
        .arg("--index")
        .arg(tmp.join("idx"))
        .assert()
        .success();
}

fn search_json(tmp: &TempDir, args: &[&str]) -> Value {
    let out = kpolicy()
        .arg("search")
        .args(args)
        .arg("--json")
        .arg("--index")
        .arg(tmp.join("idx"))
        .output()
        .expect("run kpolicy");
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "search {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON output")
}

/// The text of a hit's snippet inside its highlight ranges (character offsets).
fn highlighted(hit: &Value) -> Vec<String> {
    let chars: Vec<char> = hit["snippet"].as_str().expect("snippet").chars().collect();
    hit["highlights"]
        .as_array()
        .expect("highlights")
        .iter()
        .map(|r| {
            let a = r[0].as_u64().expect("start") as usize;
            let b = r[1].as_u64().expect("end") as usize;
            chars[a..b].iter().collect()
        })
        .collect()
}

#[test]
fn bio_vaccine_ranks_the_andong_article_first_in_all_four_spellings() {
    let tmp = seed_index();
    let first = search_json(&tmp, &["바이오·백신"]);
    let ids_first = ids(&first);
    assert!(
        ids_first[0].starts_with("000_"),
        "Andong article not first: {ids_first:?}"
    );
    for spelling in ["바이오・백신", "바이오 백신", "바이오백신"] {
        let v = search_json(&tmp, &[spelling]);
        let mut a = ids(&v);
        let mut b = ids_first.clone();
        assert_eq!(a[0], b[0], "{spelling}: different first hit");
        a.sort();
        b.sort();
        assert_eq!(a, b, "{spelling}: different documents");
        assert_eq!(v["total"], first["total"], "{spelling}");
    }
    // The snippet highlights the whole original span, middle dot included.
    let hl = highlighted(&first["hits"][0]);
    assert!(
        hl.iter().any(|h| h == "바이오·백신" || h == "바이오・백신"),
        "highlights: {hl:?}"
    );
}

#[test]
fn region_filter_returns_only_that_region_and_facets_add_up() {
    let tmp = seed_index();
    let v = search_json(&tmp, &["인공지능", "--region", "광주광역시"]);
    let hits = v["hits"].as_array().expect("hits");
    assert!(!hits.is_empty(), "no Gwangju hit");
    for h in hits {
        assert!(
            h["region"]
                .as_str()
                .expect("region")
                .starts_with("/광주광역시"),
            "{h}"
        );
    }
    let total = v["total"].as_u64().expect("total");
    let region = v["facets"]["region"].as_object().expect("region facet");
    let top_level: u64 = region
        .iter()
        .filter(|(k, _)| k.matches('/').count() == 1)
        .map(|(_, c)| c.as_u64().expect("count"))
        .sum();
    assert_eq!(
        top_level, total,
        "region facet counts {region:?} vs total {total}"
    );
    let years: u64 = v["facets"]["year"]
        .as_object()
        .expect("year facet")
        .values()
        .map(|c| c.as_u64().expect("count"))
        .sum();
    assert_eq!(years, total);
    // Without the filter, the facets spread over several regions.
    let all = search_json(&tmp, &["인공지능"]);
    let regions = all["facets"]["region"].as_object().expect("facets");
    assert!(regions.len() >= 3, "{regions:?}");
    assert!(all["total"].as_u64().expect("total") > total);
}

#[test]
fn secondary_battery_finds_gyeongbuk_with_highlighted_snippet() {
    let tmp = seed_index();
    let v = search_json(&tmp, &["이차전지"]);
    let hit = &v["hits"][0];
    assert!(hit["id"].as_str().expect("id").starts_with("001_"), "{v}");
    assert_eq!(hit["region"], "/경상북도");
    assert!(highlighted(hit).iter().any(|h| h == "이차전지"), "{hit}");
}

#[test]
fn region_hierarchy_finds_andong_under_gyeongbuk() {
    let tmp = seed_index();
    let v = search_json(&tmp, &["바이오", "--region", "경상북도"]);
    let found = ids(&v);
    assert!(found.iter().any(|i| i.starts_with("000_")), "{found:?}");
    for h in v["hits"].as_array().expect("hits") {
        assert!(h["region"]
            .as_str()
            .expect("region")
            .starts_with("/경상북도"));
    }
    // Short forms and district names resolve too.
    for r in ["경북", "안동시", "/경상북도/안동시"] {
        let v = search_json(&tmp, &["바이오", "--region", r]);
        assert!(ids(&v).iter().any(|i| i.starts_with("000_")), "{r}");
    }
}

#[test]
fn json_hits_carry_the_documented_fields() {
    let tmp = seed_index();
    let v = search_json(&tmp, &["인공지능"]);
    for key in ["query", "total", "hits", "facets"] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    let hit = &v["hits"][0];
    for key in [
        "rank",
        "id",
        "path",
        "title",
        "date",
        "year",
        "region",
        "mentioned_regions",
        "industry",
        "score",
        "snippet",
        "highlights",
    ] {
        assert!(hit.get(key).is_some(), "hit misses {key}: {hit}");
    }
    assert_eq!(hit["id"], "004_ed1fe1c4b4ab4489.txt");
    assert_eq!(hit["date"], "2020-06-29");
    assert_eq!(hit["year"], 2020);
    for key in ["region", "mentioned", "year", "industry"] {
        assert!(v["facets"][key].is_object(), "facets.{key}");
    }
}

#[test]
fn human_output_marks_matches_without_colour_when_piped() {
    let tmp = seed_index();
    let out = kpolicy()
        .args(["search", "이차전지", "--index"])
        .arg(tmp.join("idx"))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    // Piped output is valid UTF-8 (checked strictly, not lossily).
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    assert!(text.contains("[이차전지]"), "{text}");
    assert!(!text.contains('\u{1b}'), "ANSI escape in piped output");
    assert!(text.contains("regions:"), "{text}");
    assert!(text.contains("경상북도"), "{text}");
    // --color always forces colour even when piped.
    let out = kpolicy()
        .args(["--color", "always", "search", "이차전지", "--index"])
        .arg(tmp.join("idx"))
        .output()
        .expect("run");
    assert!(String::from_utf8_lossy(&out.stdout).contains('\u{1b}'));
}

#[test]
fn query_operators_phrase_exclude_title_or() {
    let tmp = seed_index();
    let all = ids(&search_json(&tmp, &["인공지능"]));
    let without = ids(&search_json(&tmp, &["인공지능 -광주형일자리"]));
    assert!(without.len() < all.len(), "{all:?} vs {without:?}");
    assert!(!without.iter().any(|i| i.starts_with("004_")));
    let title = ids(&search_json(&tmp, &["title:인공지능"]));
    assert_eq!(title, vec!["004_ed1fe1c4b4ab4489.txt".to_string()]);
    let phrase = ids(&search_json(&tmp, &["\"인공지능 중심도시\""]));
    assert_eq!(phrase, vec!["004_ed1fe1c4b4ab4489.txt".to_string()]);
    let either = ids(&search_json(&tmp, &["이차전지 OR 휴스타"]));
    assert!(either.iter().any(|i| i.starts_with("001_")));
    assert!(either.iter().any(|i| i.starts_with("002_")));
    // Unreadable syntax is searched as words, not an error.
    let v = search_json(&tmp, &["\"인공지능 (중심"]);
    assert!(v["total"].as_u64().expect("total") > 0);
}

#[test]
fn a_question_with_a_quoted_phrase_is_relaxed_as_a_whole() {
    let tmp = seed_index();
    // No article has every word (우주정거장 is in none), so the question is relaxed: the
    // phrase's words count like the others and the phrase article comes first.
    let v = search_json(
        &tmp,
        &["안동시가 \"인공지능 중심도시\" 우주정거장 계획을 세운 곳은?"],
    );
    let hits = ids(&v);
    assert_eq!(
        hits.first().map(String::as_str),
        Some("004_ed1fe1c4b4ab4489.txt")
    );
    assert!(v["notice"].as_str().is_some(), "{v}");
    // A phrase alone that no article has stays a phrase: nothing, exit 1.
    let out = kpolicy()
        .args(["search", "\"중심도시 인공지능\"", "--index"])
        .arg(tmp.join("idx"))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn on_a_large_index_a_word_in_most_articles_does_not_carry_a_question() {
    // 1,200 articles all say 정책; three of them also say 바이오. The question has no article
    // with every word, so it is relaxed: 정책 alone (in every article) must not pull in the
    // whole index, it only adds to the score of the articles 바이오 finds.
    let tmp = TempDir::new();
    let mut lines = String::new();
    for i in 0..1200 {
        let extra = if i % 400 == 7 {
            " 바이오 산업을 키운다."
        } else {
            ""
        };
        lines.push_str(&format!(
            "{{\"id\": \"d{i}\", \"title\": \"문서 {i}\", \"text\": \"지역 정책 문서 {i}번이다.{extra}\"}}\n"
        ));
    }
    index_jsonl(&tmp, &lines);
    let v = search_json(&tmp, &["바이오 정책 개발은 어떻게 하나?"]);
    assert_eq!(v["total"], 3, "{v}");
    let hits = ids(&v);
    assert_eq!(hits.len(), 3);
    assert!(hits
        .iter()
        .all(|h| ["d7", "d407", "d807"].contains(&h.as_str())));
}

#[test]
fn a_large_index_is_searched_on_two_threads_with_consistent_pages_and_counts() {
    // 24,000 short articles in four regions: large enough (20,000+) for the pass over the
    // matches and the page's documents to be shared between two threads. What a user sees
    // must be exactly what one thread gives: totals, facet counts that add up, pages that
    // continue each other, ranks in order.
    let tmp = TempDir::new();
    let regions = ["경상북도 안동시", "대구광역시", "인천광역시", "광주광역시"];
    let mut lines = String::new();
    for i in 0..24_000 {
        let mut text = format!("지역 정책 문서 {i}번이다.");
        if i % 3 == 0 {
            text.push_str(" 관광 산업을 키운다.");
        }
        if i % 7 == 0 {
            text.push_str(" 바이오 백신 산업과 관광 연계를 논의했다.");
        }
        lines.push_str(&format!(
            "{{\"id\": \"d{i}\", \"title\": \"문서 {i}\", \"region\": \"{}\", \"date\": \"2021-01-01\", \"text\": \"{text}\"}}\n",
            regions[i % 4]
        ));
    }
    index_jsonl(&tmp, &lines);
    // 관광: every third article, and those of every seventh that are not already counted.
    let expected = (0..24_000).filter(|i| i % 3 == 0 || i % 7 == 0).count() as u64;
    let v = search_json(&tmp, &["관광", "--limit", "20"]);
    assert_eq!(v["total"].as_u64(), Some(expected));
    let provinces: u64 = v["facets"]["region"]
        .as_object()
        .expect("region facets")
        .iter()
        .filter(|(k, _)| k.matches('/').count() == 1)
        .map(|(_, n)| n.as_u64().expect("count"))
        .sum();
    assert_eq!(provinces, expected);
    let andong = (0..24_000)
        .filter(|i| i % 4 == 0 && (i % 3 == 0 || i % 7 == 0))
        .count() as u64;
    assert_eq!(
        v["facets"]["region"]["/경상북도/안동시"].as_u64(),
        Some(andong)
    );
    let ranks: Vec<u64> = v["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| h["rank"].as_u64().expect("rank"))
        .collect();
    assert_eq!(ranks, (1..=20).collect::<Vec<u64>>());
    let scores: Vec<f64> = v["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| h["score"].as_f64().expect("score"))
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    let all20 = ids(&v);
    let second = ids(&search_json(
        &tmp,
        &["관광", "--limit", "10", "--offset", "10"],
    ));
    assert_eq!(second, all20[10..].to_vec());
    // The articles that also discuss 바이오 백신 rank above those that only mention 관광.
    let q = search_json(&tmp, &["바이오 백신 관광 연계 방안은?"]);
    let top = ids(&q);
    assert_eq!(top.len(), 10);
    assert!(top.iter().all(|id| {
        let n: usize = id[1..].parse().expect("number");
        n.is_multiple_of(7)
    }));
}

#[test]
fn no_results_exit_one_and_bad_filters_exit_two_with_a_clear_message() {
    let tmp = seed_index();
    kpolicy()
        .args(["search", "양자컴퓨터우주정거장", "--index"])
        .arg(tmp.join("idx"))
        .assert()
        .code(1);
    let (code, _, err) = run(kpolicy()
        .args(["search", "바이오", "--region", "아틀란티스", "--index"])
        .arg(tmp.join("idx")));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("unknown region `아틀란티스`"), "{err}");
    assert!(err.contains("경상북도"), "known values listed: {err}");
    let (code, _, err) = run(kpolicy()
        .args(["search", "바이오", "--industry", "우주관광", "--index"])
        .arg(tmp.join("idx")));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("바이오·백신"),
        "known industries listed: {err}"
    );
    assert_eq!(err.lines().count(), 1, "one-line message: {err}");
}

#[test]
fn missing_index_says_how_to_create_one() {
    let tmp = TempDir::new();
    let (code, _, err) = run(kpolicy()
        .args(["search", "바이오", "--index"])
        .arg(tmp.join("nothing-here")));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("kpolicy index"), "{err}");
    assert!(!err.contains("panicked"));
}

#[test]
fn default_paths_build_the_index_on_first_search() {
    let tmp = TempDir::new();
    copy_documents(&tmp);
    let (code, stdout, stderr) = run(kpolicy()
        .current_dir(tmp.path())
        .args(["search", "바이오·백신"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("no index yet"));
    assert!(tmp.path().join("index/meta.json").exists());
    let text = stdout;
    assert!(text.starts_with("1. "), "{text}");
    assert!(
        text.contains("documents/000_54a935124cac60ad.txt"),
        "{text}"
    );
}

#[test]
fn default_index_of_another_version_is_rebuilt_on_search() {
    let tmp = TempDir::new();
    copy_documents(&tmp);
    kpolicy()
        .current_dir(tmp.path())
        .arg("index")
        .assert()
        .success();
    let meta = tmp.path().join("index/meta.json");
    let text = std::fs::read_to_string(&meta).expect("meta.json");
    std::fs::write(&meta, text.replace("kpolicy-index-", "kpolicy-index-0")).expect("write");
    let (code, stdout, stderr) = run(kpolicy()
        .current_dir(tmp.path())
        .args(["search", "이차전지"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("rebuilding it"));
    assert!(stdout.contains("[이차전지]"));
}

/// Runs kpolicy with its stdout a pipe whose reader has already gone (as `| head -c1` leaves
/// it once head exits), so the first write fails with a broken pipe. Returns the exit code
/// and stderr once kpolicy ends by itself.
fn run_with_closed_stdout(args: &[&std::ffi::OsStr]) -> (Option<i32>, String) {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let mut child = Command::new(crate::util::bin())
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn kpolicy");
    drop(child.stdout.take());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(300);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait kpolicy") {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("kpolicy {args:?} kept running after its reader went away");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let mut stderr = String::new();
    if let Some(mut err) = child.stderr.take() {
        err.read_to_string(&mut stderr).expect("stderr");
    }
    (status.code(), stderr)
}

#[test]
fn closed_pipe_after_search_json_is_a_normal_exit() {
    let tmp = seed_index();
    let idx = tmp.join("idx");
    let args = ["search", "산업", "--json", "--index"].map(std::ffi::OsStr::new);
    let (code, err) = run_with_closed_stdout(&[&args[..], &[idx.as_os_str()]].concat());
    assert_eq!(code, Some(0), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn closed_pipe_after_index_json_is_a_normal_exit() {
    // `kpolicy index --json | head -c1` panicked ("failed printing to stdout").
    let tmp = TempDir::new();
    let idx = tmp.join("idx");
    let docs = documents();
    let args = ["index", "--json", "--index"].map(std::ffi::OsStr::new);
    let (code, err) =
        run_with_closed_stdout(&[&args[..], &[idx.as_os_str(), docs.as_os_str()]].concat());
    assert_eq!(code, Some(0), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(idx.join("meta.json").exists(), "the index was still built");
}

#[test]
fn closed_pipe_ends_watch_json_normally() {
    // `kpolicy watch --json | head -1` panicked on the next summary line, and with no reader
    // there is no point in watching on: the watch ends after the first one.
    let tmp = TempDir::new();
    let idx = tmp.join("idx");
    let docs = documents();
    let args = ["watch", "--json", "--index"].map(std::ffi::OsStr::new);
    let (code, err) =
        run_with_closed_stdout(&[&args[..], &[idx.as_os_str(), docs.as_os_str()]].concat());
    assert_eq!(code, Some(0), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn analyze_shows_morphemes_and_terms() {
    let out = kpolicy()
        .args(["analyze", "--json", "경북 안동시는 바이오·백신산업을"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let terms: Vec<&str> = v["terms"]
        .as_array()
        .expect("terms")
        .iter()
        .map(|t| t["text"].as_str().expect("text"))
        .collect();
    assert_eq!(terms, vec!["경북", "안동시", "바이오", "백신", "산업"]);
    let morphs = v["morphemes"].as_array().expect("morphemes");
    assert!(
        morphs.iter().any(|m| m["pos"] == "JX"),
        "particle shown with its POS"
    );
    assert!(morphs
        .iter()
        .all(|m| m["start"].is_u64() && m["end"].is_u64()));
}

#[test]
fn stats_counts_documents_and_facets() {
    let tmp = seed_index();
    let (code, out, err) = run(kpolicy()
        .args(["stats", "--json", "--index"])
        .arg(tmp.join("idx")));
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["documents"], 5);
    assert!(v["size_bytes"].as_u64().expect("size") > 0);
    assert!(v["updated"].as_u64().is_some());
    assert_eq!(v["facets"]["year"]["unknown"], 3, "{v}");
}

/// A missing temporary folder (a stale `TMPDIR`) does not stop indexing or searching: the user
/// dictionary is compiled without writing a file (it used to fail every command with
/// "No such file or directory … /nonexistent/.tmpXXXX").
#[test]
fn a_missing_temporary_folder_does_not_stop_index_or_search() {
    let tmp = TempDir::new();
    let missing = tmp.join("no-such-tmp");
    let (code, _, stderr) = run(kpolicy()
        .env("TMPDIR", &missing)
        .arg("index")
        .arg(documents())
        .arg("--index")
        .arg(tmp.join("idx")));
    assert_eq!(code, 0, "{stderr}");
    let (code, stdout, stderr) = run(kpolicy()
        .env("TMPDIR", &missing)
        .args(["search", "바이오·백신", "--json", "--index"])
        .arg(tmp.join("idx")));
    assert_eq!(code, 0, "{stderr}");
    let v: Value = serde_json::from_str(&stdout).expect("JSON output");
    assert!(ids(&v)[0].starts_with("000_"), "{stdout}");
}

/// A JSON record's one-word title (a petition's) is the headline, and the record's text is the
/// body: `갑질정당`, only in the text, finds it (the title used to read as a site's name, the
/// text's one line as the headline, and the body came out empty).
#[test]
fn a_json_record_with_a_one_word_title_keeps_its_text_as_the_body() {
    let tmp = TempDir::new();
    index_jsonl(
        &tmp,
        "{\"id\": \"pet-1\", \"title\": \"정의당해산청원합니다\", \"text\": \"갑질정당 정의당해산 청원합니다\"}\n",
    );
    for q in ["갑질정당", "정의당해산청원합니다"] {
        let v = search_json(&tmp, &[q]);
        assert_eq!(ids(&v), ["pet-1"], "{q}: {v}");
    }
    let v = search_json(&tmp, &["갑질정당"]);
    assert_eq!(v["hits"][0]["title"], "정의당해산청원합니다");
}
