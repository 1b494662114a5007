//! Metadata extraction through the real binary: `kpolicy inspect FILE... --json`.
//!
//! - The five seed articles (`documents/000..004`) must give exactly the metadata issue 3 asks
//!   for.
//! - The hand-checked fixture set (`tests/fixtures/extract/`, 38 files + 4 JSONL records) must
//!   stay above per-field accuracy thresholds. The thresholds sit a little below the figures
//!   measured when they were set (all 100 %, see `docs/extraction.md`) so that one new miss on
//!   a 42-article set does not fail the build, but a regression of a rule does. On failure the
//!   test prints a per-field table with every miss.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `kpolicy inspect --json` over `files` (paths relative to the repository root) and
/// returns one JSON object per article.
fn inspect(files: &[String]) -> Vec<Value> {
    inspect_with(&[], files)
}

/// [`inspect`] with extra options (`--data DIR`).
fn inspect_with(options: &[&str], files: &[String]) -> Vec<Value> {
    let out = crate::util::kpolicy()
        .current_dir(root())
        .args(options)
        .arg("inspect")
        .arg("--json")
        .args(files)
        .output()
        .expect("run kpolicy inspect");
    assert!(
        out.status.success(),
        "kpolicy inspect failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("UTF-8 output")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad JSON line {l}: {e}")))
        .collect()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn seed_file(prefix: &str) -> String {
    let dir = root().join("documents");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("documents/")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(prefix) && n.ends_with(".txt"))
        .collect();
    names.sort();
    assert!(!names.is_empty(), "no seed {prefix}* in documents/");
    format!("documents/{}", names[0])
}

#[test]
fn seed_articles() {
    let files: Vec<String> = ["000_", "001_", "002_", "003_", "004_"]
        .iter()
        .map(|p| seed_file(p))
        .collect();
    let got = inspect(&files);
    assert_eq!(got.len(), 5, "one object per seed");
    for (g, f) in got.iter().zip(&files) {
        assert_eq!(g["path"].as_str(), Some(f.as_str()));
        for key in [
            "path",
            "title",
            "title_derived",
            "date",
            "year",
            "region",
            "mentioned_regions",
            "industry",
            "source",
            "evidence",
        ] {
            assert!(g.get(key).is_some(), "{f}: no `{key}` in {g}");
        }
    }
    let industries = |g: &Value| strings(&g["industry"]);
    let mentions = |g: &Value| strings(&g["mentioned_regions"]);

    // 000: lead sentence only, no date anywhere in the text.
    let g = &got[0];
    assert_eq!(g["region"], "/경상북도/안동시", "000 {g}");
    assert_eq!(g["year"], Value::Null, "000 {g}");
    assert_eq!(g["date"], Value::Null, "000 {g}");
    assert_eq!(g["title_derived"], true, "000 {g}");
    assert!(
        g["title"].as_str().unwrap().starts_with("경북 안동시는"),
        "000 {g}"
    );
    assert_eq!(g["source"], Value::Null, "000 {g}");
    for i in ["바이오·백신", "농식품", "문화·관광"] {
        assert!(industries(g).contains(&i.to_string()), "000 lacks {i}: {g}");
    }

    // 001: province-level issuer; places inside the province are mentions.
    let g = &got[1];
    assert_eq!(g["region"], "/경상북도", "001 {g}");
    assert_eq!(
        g["title"], "경상북도 \"지역기업들의 앞선 기술로 세계와 경쟁한다\"",
        "001 {g}"
    );
    assert_eq!(g["title_derived"], false, "001 {g}");
    assert_eq!(
        g["year"],
        Value::Null,
        "001 (2017/2019 are events, not the date) {g}"
    );
    for m in [
        "/경상북도/포항시",
        "/경상북도/구미시",
        "/경상북도/김천시",
        "/경상북도/경산시",
        "/경상북도/경주시",
        "/경상북도/영천시",
    ] {
        assert!(mentions(g).contains(&m.to_string()), "001 lacks {m}: {g}");
    }
    assert!(
        industries(g).contains(&"이차전지·배터리".to_string()),
        "001 {g}"
    );

    // 002: `[피디언]` lead tag and `저작권자 © 한국Q뉴스`: the lead tag is the source, the
    // copyright line is named in the evidence.
    let g = &got[2];
    assert_eq!(g["region"], "/대구광역시", "002 {g}");
    assert_eq!(g["title_derived"], true, "002 {g}");
    assert_eq!(g["year"], Value::Null, "002 (2025년까지 is a target) {g}");
    assert_eq!(g["source"], "피디언", "002 {g}");
    assert!(
        g["evidence"]["source"]
            .as_str()
            .unwrap_or("")
            .contains("한국Q뉴스"),
        "002 {g}"
    );

    // 003
    let g = &got[3];
    assert_eq!(g["region"], "/인천광역시", "003 {g}");
    assert_eq!(g["date"], "2019-07-30", "003 {g}");
    assert_eq!(g["year"], 2019, "003 {g}");
    assert_eq!(
        g["title"], "인천시, 미래 일자리 창출·혁신 성장 본격화",
        "003 {g}"
    );
    assert_eq!(g["title_derived"], false, "003 {g}");
    assert_eq!(g["source"], "뉴스토마토", "003 {g}");

    // 004
    let g = &got[4];
    assert_eq!(g["region"], "/광주광역시", "004 {g}");
    assert_eq!(g["date"], "2020-06-29", "004 {g}");
    assert_eq!(g["year"], 2020, "004 {g}");
    assert_eq!(
        g["title"], "이용섭 광주시장 취임 2주년 \"광주형일자리, 인공지능 큰 성과\"",
        "004 {g}"
    );
    assert_eq!(g["source"], "프라임경제", "004 {g}");
    for i in ["인공지능·데이터", "미래차·모빌리티"] {
        assert!(industries(g).contains(&i.to_string()), "004 lacks {i}: {g}");
    }
    for m in ["/경상북도/구미시", "/울산광역시", "/경상남도/밀양시"] {
        assert!(mentions(g).contains(&m.to_string()), "004 lacks {m}: {g}");
    }
    // `전남대학교` is a university in 광주, not a mention of 전라남도.
    assert!(!mentions(g).contains(&"/전라남도".to_string()), "004 {g}");
}

/// Per-field tally: (hits, total, misses).
#[derive(Default)]
struct Tally(BTreeMap<&'static str, (usize, usize, Vec<String>)>);

impl Tally {
    fn check(&mut self, field: &'static str, ok: bool, what: impl FnOnce() -> String) {
        let e = self.0.entry(field).or_default();
        e.1 += 1;
        if ok {
            e.0 += 1;
        } else {
            e.2.push(what());
        }
    }

    fn accuracy(&self, field: &str) -> f64 {
        self.0.get(field).map_or(
            0.0,
            |&(h, n, _)| if n == 0 { 1.0 } else { h as f64 / n as f64 },
        )
    }

    fn table(&self) -> String {
        let mut s = String::from("field            hits/total  accuracy\n");
        for (f, (h, n, _)) in &self.0 {
            s.push_str(&format!(
                "{f:<16} {h:>4}/{n:<6} {:>7.1}%\n",
                100.0 * *h as f64 / (*n).max(1) as f64
            ));
        }
        for (f, (_, _, misses)) in &self.0 {
            for m in misses {
                s.push_str(&format!("  miss {f}: {m}\n"));
            }
        }
        s
    }
}

fn load_jsonl(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("expectation line"))
        .collect()
}

/// Compares one article with its expectation (schema in `tests/fixtures/extract/README.md`).
fn score(t: &mut Tally, name: &str, want: &Value, got: &Value) {
    let s = |v: &Value| v.as_str().map(str::to_string);
    t.check("region", want["region"] == got["region"], || {
        format!("{name}: want {} got {}", want["region"], got["region"])
    });
    t.check("year", want["year"] == got["year"], || {
        format!(
            "{name}: want {} got {} ({})",
            want["year"], got["year"], got["evidence"]["date"]
        )
    });
    t.check("date", want["date"] == got["date"], || {
        format!("{name}: want {} got {}", want["date"], got["date"])
    });
    let title_ok = if want["title_derived"] == true {
        got["title_derived"] == true
    } else {
        got["title_derived"] == false && want["title"] == got["title"]
    };
    t.check("title", title_ok, || {
        format!(
            "{name}: want {} (derived {}) got {} (derived {})",
            want["title"], want["title_derived"], got["title"], got["title_derived"]
        )
    });
    t.check("source", s(&want["source"]) == s(&got["source"]), || {
        format!("{name}: want {} got {}", want["source"], got["source"])
    });
    let mut places = strings(&got["mentioned_regions"]);
    places.extend(s(&got["region"]));
    for m in strings(&want["mentioned_regions_include"]) {
        t.check("mentions", places.contains(&m), || {
            format!("{name}: {m} not among {places:?}")
        });
    }
    for m in strings(&want["mentioned_regions_exclude"]) {
        t.check("mentions", !places.contains(&m), || {
            format!("{name}: {m} among {places:?} (it should not be)")
        });
    }
    let industry = strings(&got["industry"]);
    for i in strings(&want["industry_include"]) {
        t.check("industry_include", industry.contains(&i), || {
            format!("{name}: {i} missing from {industry:?}")
        });
    }
    for i in strings(&want["industry_exclude"]) {
        t.check("industry_exclude", !industry.contains(&i), || {
            format!("{name}: {i} tagged ({})", got["evidence"]["industry"])
        });
    }
}

#[test]
fn fixture_accuracy() {
    let dir = root().join("tests/fixtures/extract");
    let expected = load_jsonl(&dir.join("expected.jsonl"));
    let expected_jsonl = load_jsonl(&dir.join("expected_jsonl.jsonl"));
    assert!(expected.len() >= 30, "at least 30 hand-checked articles");

    let mut files: Vec<String> = expected
        .iter()
        .map(|e| format!("tests/fixtures/extract/{}", e["file"].as_str().unwrap()))
        .collect();
    files.push("tests/fixtures/extract/articles.jsonl".into());
    let got = inspect(&files);

    let mut t = Tally::default();
    for want in &expected {
        let file = want["file"].as_str().unwrap();
        let path = format!("tests/fixtures/extract/{file}");
        let Some(g) = got.iter().find(|g| g["path"] == path.as_str()) else {
            t.check("present", false, || format!("{file}: no output"));
            continue;
        };
        t.check("present", true, String::new);
        score(&mut t, file, want, g);
    }
    for want in &expected_jsonl {
        let id = want["id"].as_str().unwrap();
        // The id rule of the index: a record of a JSON-lines file is `path#id`.
        let full = format!("tests/fixtures/extract/articles.jsonl#{id}");
        let Some(g) = got.iter().find(|g| g["id"] == full.as_str()) else {
            t.check("present", false, || format!("{id}: no output"));
            continue;
        };
        t.check("present", true, String::new);
        score(&mut t, id, want, g);
    }

    // Thresholds: measured 100 % on every field when set (see docs/extraction.md).
    let thresholds = [
        ("present", 1.0),
        ("region", 0.9),
        ("year", 0.95),
        ("date", 0.9),
        ("title", 0.9),
        ("source", 0.9),
        ("mentions", 0.9),
        ("industry_include", 0.9),
        ("industry_exclude", 0.95),
    ];
    let table = t.table();
    println!("{table}");
    let failed: Vec<String> = thresholds
        .iter()
        .filter(|(f, min)| t.accuracy(f) < *min)
        .map(|(f, min)| format!("{f}: {:.3} < {min}", t.accuracy(f)))
        .collect();
    assert!(
        failed.is_empty(),
        "extraction accuracy below threshold: {}\n{table}",
        failed.join(", ")
    );
}

/// The word lists of `data/` (menu words, words that are not publishers …) are data files like
/// the gazetteer: `--data DIR` replaces the ones DIR holds, and the others keep the built-in copy.
#[test]
fn word_lists_come_from_the_data_folder() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let article = tmp.path().join("article.txt");
    std::fs::write(
        &article,
        "오늘의 소식\n[피디언] 경북 안동시는 22일 바이오 백신 산업 육성 계획을 발표했다.\n\
         안동시는 바이오 백신 기업을 유치하고 백신 연구소를 세운다.\n",
    )
    .expect("write article");
    let files = [article.display().to_string()];
    let built_in = &inspect(&files)[0];
    assert_eq!(built_in["title"], "오늘의 소식", "{built_in}");
    assert_eq!(built_in["source"], "피디언", "{built_in}");

    let data = tmp.path().join("data");
    std::fs::create_dir(&data).expect("data dir");
    std::fs::write(data.join("menu_words.txt"), "# test\n오늘의 소식\n").expect("write");
    std::fs::write(data.join("not_sources.txt"), "피디언\n").expect("write");
    let edited = &inspect_with(&["--data", data.to_str().expect("UTF-8 path")], &files)[0];
    // The first line is now a menu and the lead tag not a publisher.
    assert_eq!(edited["title_derived"], true, "{edited}");
    assert!(
        edited["title"]
            .as_str()
            .is_some_and(|t| t.contains("안동시는")),
        "{edited}"
    );
    assert_eq!(edited["source"], Value::Null, "{edited}");
    // Files the folder does not hold come built in: the gazetteer still finds the region.
    assert_eq!(edited["region"], "/경상북도/안동시", "{edited}");
    assert_eq!(edited["region"], built_in["region"]);
}

/// Issue 25: text pasted from a web page keeps the page's controls around the headline
/// (`글자크기 크게 작게`, `• 프린트 • 메일 • 스크랩`, glued share buttons …). Each text is alone
/// in its folder, so nothing is learned as boilerplate: the controls are recognised in one file.
#[test]
fn pasted_page_headlines() {
    let dir = root().join("tests/fixtures/pasted");
    let expected: Vec<Value> = std::fs::read_to_string(dir.join("expected.jsonl"))
        .expect("tests/fixtures/pasted/expected.jsonl")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("expected.jsonl line"))
        .collect();
    let files: Vec<String> = expected
        .iter()
        .map(|e| {
            format!(
                "tests/fixtures/pasted/{}",
                e["file"].as_str().expect("file")
            )
        })
        .collect();
    let got = inspect(&files);
    assert_eq!(got.len(), expected.len());
    let mut misses = Vec::new();
    for (e, g) in expected.iter().zip(&got) {
        if g["title"] != e["title"] {
            misses.push(format!(
                "{}: got {}, want {}",
                e["case"], g["title"], e["title"]
            ));
        }
        // A control line is never left in the text either.
        let title = g["title"].as_str().unwrap_or("");
        for control in ["글자크기", "프린트", "스크랩", "기사보내기", "가 가"] {
            assert!(!title.contains(control), "{}: title {title:?}", e["case"]);
        }
    }
    let right = expected.len() - misses.len();
    let accuracy = right as f64 / expected.len() as f64;
    println!(
        "pasted-page headlines: {right}/{} = {accuracy:.3}",
        expected.len()
    );
    assert!(
        accuracy >= 0.95,
        "headline accuracy {accuracy:.3}; misses:\n{}",
        misses.join("\n")
    );
}

/// `inspect --text` prints what goes into the index: the headline, a blank line and the cleaned
/// body, without the page controls the pasted file carries; `--json --text` adds `text`.
#[test]
fn inspect_text_shows_the_indexed_text() {
    let file = "tests/fixtures/pasted/p04/pasted.txt";
    let raw = std::fs::read_to_string(root().join(file)).expect("fixture");
    assert!(
        raw.contains("ㆍ프린트 ㆍ메일 ㆍ스크랩"),
        "the fixture carries the controls"
    );
    let out = crate::util::kpolicy()
        .current_dir(root())
        .args(["inspect", "--text", file])
        .output()
        .expect("run kpolicy inspect --text");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    assert!(
        text.starts_with("광주시, 퇴촌 토마토 스마트팜 지원 확대…경기도농업기술원과 협력\n\n"),
        "{text}"
    );
    for gone in ["프린트", "송고시간", "무단"] {
        assert!(!text.contains(gone), "{gone} in the indexed text:\n{text}");
    }
    assert!(text.contains("스마트팜 전환 지원 사업을 확대한다고 29일 밝혔다."));

    let json = inspect(&[file.to_string()]);
    assert!(json[0].get("text").is_none(), "no `text` without --text");
    let out = crate::util::kpolicy()
        .current_dir(root())
        .args(["inspect", "--json", "--text", file])
        .output()
        .expect("run kpolicy inspect --json --text");
    let v: Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    let body = v["text"].as_str().expect("text field");
    assert!(body.starts_with("(광주=연합뉴스)"), "{body}");
    assert!(text.ends_with(&format!("{body}\n")));
}

/// Issuing-region accuracy on real articles (`tests/fixtures/region_real`: 광주·전남 press
/// releases and short news items, labelled by hand before kpolicy ran on them; the check set
/// `region_real_check` was kept out of every decision). Each article is saved as a text file
/// (headline, blank line, text) in a folder of its own, as `scripts/region_real.py` does.
fn real_region_accuracy(set: &str) -> (usize, usize, Vec<String>) {
    let dir = root().join("tests/fixtures").join(set);
    let articles: Vec<Value> = load_jsonl(&dir.join("articles.jsonl"));
    let mut accepted: BTreeMap<String, Vec<Option<String>>> = BTreeMap::new();
    for line in std::fs::read_to_string(dir.join("labels.tsv"))
        .expect("labels.tsv")
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
    {
        let cols: Vec<&str> = line.split('\t').collect();
        let paths = cols[1]
            .split('|')
            .map(|p| (p != "-").then(|| p.to_string()))
            .collect();
        accepted.insert(cols[0].to_string(), paths);
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut files = Vec::new();
    for a in &articles {
        let id = a["id"].as_str().expect("id");
        let sub = tmp.path().join(id);
        std::fs::create_dir(&sub).expect("mkdir");
        let file = sub.join("article.txt");
        let text = format!(
            "{}\n\n{}\n",
            a["title"].as_str().unwrap_or("").trim(),
            a["text"].as_str().unwrap_or("").trim()
        );
        std::fs::write(&file, text).expect("write article");
        files.push(file.to_string_lossy().into_owned());
    }
    let got = inspect(&files);
    assert_eq!(got.len(), articles.len());
    let mut misses = Vec::new();
    for (a, g) in articles.iter().zip(&got) {
        let id = a["id"].as_str().expect("id");
        let region = g["region"].as_str().map(str::to_string);
        if !accepted[id].contains(&region) {
            misses.push(format!("{id}: got {region:?}, want {:?}", accepted[id]));
        }
    }
    (articles.len() - misses.len(), articles.len(), misses)
}

#[test]
fn issuing_region_on_real_articles() {
    for set in ["region_real", "region_real_check"] {
        let (right, total, misses) = real_region_accuracy(set);
        let accuracy = right as f64 / total as f64;
        println!("{set}: issuing region {right}/{total} = {accuracy:.3}");
        assert!(
            accuracy >= 0.95,
            "{set}: issuing region {accuracy:.3}; misses:\n{}",
            misses.join("\n")
        );
    }
}
