//! `kpolicy serve` over HTTP: every endpoint of the API (status, schema, filters, paging,
//! errors, escaping, traversal, headers), live indexing with `--watch`, shutdown, and the
//! CLI's `--sort` and `--format csv` that go with them. The real binary on the seed articles
//! plus `tests/fixtures/serve/`.

use std::process::Command;
use std::time::{Duration, Instant};

use crate::util::server::{enc, Server};
use serde_json::Value;

const ANDONG: &str = "000_54a935124cac60ad.txt";

fn ids(v: &Value) -> Vec<String> {
    v["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| h["id"].as_str().unwrap_or_default().to_string())
        .collect()
}

fn kpolicy_in(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    crate::util::kpolicy()
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run kpolicy")
}

#[test]
fn search_answers_as_the_cli_does_with_filters_and_paging() {
    let s = Server::start(&[]);
    let q = enc("바이오·백신");
    let v = s.json(&format!("/api/search?q={q}"));
    assert_eq!(ids(&v)[0], ANDONG, "{v}");
    assert_eq!(
        v["total"], 3,
        "Andong, Osong and Songdo have both words: {v}"
    );
    // The same JSON as `kpolicy search --json` on the same index.
    let cli = kpolicy_in(s.dir.path(), &["search", "바이오·백신", "--json"]);
    let cli: Value = serde_json::from_slice(&cli.stdout).expect("cli json");
    assert_eq!(v, cli);
    for key in ["query", "total", "offset", "hits", "facets"] {
        assert!(v.get(key).is_some(), "{key} missing");
    }
    let hit = &v["hits"][0];
    for key in [
        "rank",
        "id",
        "path",
        "title",
        "title_derived",
        "date",
        "year",
        "region",
        "mentioned_regions",
        "industry",
        "source",
        "url",
        "score",
        "snippet",
        "highlights",
    ] {
        assert!(hit.get(key).is_some(), "hit.{key} missing");
    }
    assert_eq!(v["facets"]["region"]["/경상북도"], 1);
    assert_eq!(v["facets"]["region"]["/충청북도"], 1);

    // Filters: the region facet, by name, short form or path; repeated = any of them.
    for region in ["경상북도", "경북", "/경상북도"] {
        let v = s.json(&format!("/api/search?q={q}&region={}", enc(region)));
        assert_eq!(ids(&v), vec![ANDONG], "{region}");
    }
    let v = s.json(&format!(
        "/api/search?q={q}&region={}&region={}",
        enc("경북"),
        enc("인천")
    ));
    assert_eq!(v["total"], 2);
    let v = s.json(&format!("/api/search?q={q}&year=2021"));
    assert_eq!(ids(&v), vec!["101_chungbuk_osong.txt"]);
    let v = s.json(&format!("/api/search?q={q}&year=unknown"));
    assert_eq!(ids(&v), vec![ANDONG]);
    let v = s.json(&format!("/api/search?q={q}&since=2022&until=2030"));
    assert_eq!(ids(&v), vec!["102_incheon_songdo.txt"]);
    let v = s.json(&format!(
        "/api/search?q={q}&industry={}",
        enc("인공지능·데이터")
    ));
    assert_eq!(ids(&v), vec![ANDONG]);
    let v = s.json(&format!(
        "/api/search?q={}&region={}&mentioned=1",
        enc("인공지능"),
        enc("울산")
    ));
    assert!(v["total"].as_u64().unwrap_or(0) >= 1, "{v}");
    let all = s.json(&format!("/api/search?q={}", enc("바이오 백신")));
    let any = s.json(&format!("/api/search?q={}&any=true", enc("바이오 백신")));
    assert_eq!(all["total"], 3);
    assert!(any["total"].as_u64() > all["total"].as_u64(), "{any}");

    // Paging: offset and limit cut the same ranking.
    let page = s.json(&format!("/api/search?q={q}&offset=1&limit=1"));
    assert_eq!(page["offset"], 1);
    assert_eq!(
        ids(&page),
        vec![ids(&s.json(&format!("/api/search?q={q}")))[1].clone()]
    );
    assert_eq!(page["hits"][0]["rank"], 2);
    let beyond = s.json(&format!("/api/search?q={q}&offset=500"));
    assert!(ids(&beyond).is_empty());

    // Newest first: dates descending, undated last.
    let v = s.json(&format!("/api/search?q={q}&sort=newest"));
    assert_eq!(
        ids(&v),
        vec!["102_incheon_songdo.txt", "101_chungbuk_osong.txt", ANDONG]
    );
    // An empty query lists every article.
    let v = s.json("/api/search?sort=newest&limit=100");
    assert_eq!(v["total"], 8);
    assert_eq!(v["hits"][0]["date"], "2023-01-10");

    // Limits: limit=10^9 is clamped, a 10,000-character query is searched.
    let v = s.json(&format!("/api/search?q={q}&limit=1000000000"));
    assert_eq!(ids(&v).len(), 3);
    // Percent-encoded, that is 90 KB: more than a URL may hold (414), so it is POSTed.
    let long: String = "바이오 ".repeat(2500).trim_end().to_string();
    assert_eq!(long.chars().count(), 9999);
    let (status, _) = s.raw(&format!("/api/search?q={}&limit=1", enc(&long)));
    assert_eq!(status, 414);
    let v = s.post_form("/api/search", &format!("q={}&limit=1", enc(&long)));
    assert_eq!(v.status, 200);
    assert!(v.json()["total"].as_u64().unwrap_or(0) >= 3, "{}", v.body);
    let v = s.post_form("/api/search", &format!("q={}", enc(&"가".repeat(10_001))));
    assert_eq!(v.status, 400);
    assert!(v.body.contains("longer than 10000"), "{}", v.body);
}

#[test]
fn errors_are_json_with_the_right_status() {
    let s = Server::start(&[]);
    let bad = s.get("/api/search?q=x&region=nowhere");
    assert_eq!(bad.status, 400);
    assert_eq!(bad.header("content-type"), Some("application/json"));
    let msg = bad.json()["error"].as_str().unwrap_or_default().to_string();
    assert!(
        msg.contains("unknown region `nowhere`") && msg.contains("경상북도"),
        "{msg}"
    );
    assert_eq!(bad.json()["status"], 400);
    let known = bad.json()["known"].as_array().map(Vec::len);
    assert_eq!(known, Some(17), "the 17 시·도: {}", bad.body);
    let bad = s.get(&format!("/api/search?industry={}", enc("우주항공x")));
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("known industries are"), "{}", bad.body);
    for q in [
        "year=20x0",
        "limit=ten",
        "offset=-2",
        "sort=oldest",
        "mentioned=maybe",
    ] {
        assert_eq!(s.get(&format!("/api/search?{q}")).status, 400, "{q}");
    }
    assert_eq!(s.get("/api/export?format=xml").status, 400);
    let missing = s.get("/api/articles/no-such-article.txt");
    assert_eq!(missing.status, 404);
    assert!(missing.json()["error"].as_str().is_some());
    let nowhere = s.get("/api/nothing");
    assert_eq!(nowhere.status, 404);
    assert_eq!(nowhere.json()["status"], 404);
    assert_eq!(s.get("/nothing.html").status, 404);
    // Read-only: no endpoint deletes or writes (DELETE, PUT … are refused).
    let (status, _) = {
        let addr = s.base.trim_start_matches("http://");
        let mut c = std::net::TcpStream::connect(addr).expect("connect");
        use std::io::{Read, Write};
        write!(
            c,
            "DELETE /api/articles/{ANDONG} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        )
        .expect("write");
        let mut out = String::new();
        let _ = c.read_to_string(&mut out);
        (out.split_whitespace().nth(1).unwrap_or("").to_string(), out)
    };
    assert_eq!(status, "405");
    assert!(s.get(&format!("/api/articles/{ANDONG}")).status == 200);
}

#[test]
fn articles_stats_facets_health_and_export() {
    let s = Server::start(&[]);
    let q = enc("바이오·백신");
    let a = s.json(&format!("/api/articles/{ANDONG}?q={q}"));
    assert_eq!(a["id"], ANDONG);
    assert_eq!(a["region"], "/경상북도/안동시");
    let text = a["text"].as_str().expect("text");
    let chars: Vec<char> = text.chars().collect();
    let marks: Vec<String> = a["highlights"]
        .as_array()
        .expect("highlights")
        .iter()
        .map(|r| {
            let (x, y) = (
                r[0].as_u64().unwrap() as usize,
                r[1].as_u64().unwrap() as usize,
            );
            chars[x..y].iter().collect()
        })
        .collect();
    assert!(marks.iter().any(|m| m == "바이오·백신"), "{marks:?}");
    assert!(
        marks
            .iter()
            .all(|m| m.contains("바이오") || m.contains("백신")),
        "{marks:?}"
    );
    assert!(a["evidence"]["region"].as_str().is_some(), "{a}");
    assert_eq!(a["original"], true);
    let original = s.get(&format!("/api/original/{ANDONG}"));
    assert_eq!(original.status, 200);
    assert_eq!(
        original.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    let on_disk = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("documents")
            .join(ANDONG),
    )
    .expect("seed");
    assert_eq!(original.body, on_disk);
    // A changed file is no longer the indexed one: no original, no evidence.
    std::fs::write(s.path("documents/101_chungbuk_osong.txt"), "바뀐 내용").expect("write");
    assert_eq!(s.get("/api/original/101_chungbuk_osong.txt").status, 404);
    assert_eq!(
        s.json("/api/articles/101_chungbuk_osong.txt")["evidence"],
        Value::Null
    );

    let stats = s.json("/api/stats");
    assert_eq!(stats["documents"], 8);
    assert!(stats["generation"].as_u64().is_some());
    assert_eq!(stats["facets"]["region"]["/대전광역시"], 1);
    let cli = kpolicy_in(s.dir.path(), &["stats", "--json"]);
    let cli: Value = serde_json::from_slice(&cli.stdout).expect("cli json");
    assert_eq!(stats["facets"], cli["facets"]);
    let f = s.json(&format!("/api/facets?q={q}"));
    assert_eq!(f["total"], 3);
    assert_eq!(f["facets"]["region"]["/인천광역시"], 1);
    assert!(f.get("hits").is_none());
    let h = s.json("/healthz");
    assert_eq!(h["status"], "ok");
    assert_eq!(h["documents"], 8);

    // Export: every match, not one page.
    let csv = s.get(&format!("/api/export?q={}&format=csv", enc("바이오")));
    assert_eq!(csv.status, 200);
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    assert!(csv
        .header("content-disposition")
        .unwrap_or("")
        .starts_with("attachment"));
    let total = s.json(&format!("/api/search?q={}&limit=1", enc("바이오")))["total"]
        .as_u64()
        .unwrap();
    let lines: Vec<&str> = csv.body.trim_start_matches('\u{feff}').lines().collect();
    assert!(
        lines[0].starts_with("rank,id,title,date,year,region"),
        "{}",
        lines[0]
    );
    assert_eq!(lines.len() as u64, total + 1, "{}", csv.body);
    assert!(total > 1);
    let json = s.json(&format!(
        "/api/export?q={}&format=json&limit=1",
        enc("바이오")
    ));
    assert_eq!(json["total"], total);
    assert_eq!(json["hits"].as_array().map(Vec::len), Some(total as usize));
}

#[test]
fn markup_in_articles_is_data_and_paths_do_not_escape() {
    let s = Server::start(&[]);
    let v = s.json(&format!("/api/search?q={}", enc("수소 토론회")));
    assert_eq!(ids(&v), vec!["103_markup.txt"]);
    // JSON carries the text as it is; the page puts it in as text (tests/it/browser.rs).
    let title = v["hits"][0]["title"].as_str().unwrap_or_default();
    assert!(
        title.contains("<script>") && title.contains("<img"),
        "{title}"
    );
    let a = s.get("/api/articles/103_markup.txt");
    assert_eq!(a.header("content-type"), Some("application/json"));
    assert!(a.json()["text"].as_str().unwrap_or("").contains("onerror="));
    let o = s.get("/api/original/103_markup.txt");
    assert_eq!(o.header("content-type"), Some("text/plain; charset=utf-8"));
    assert_eq!(o.header("x-content-type-options"), Some("nosniff"));

    // Security headers on the page, the API and errors.
    for path in ["/", "/api/search?q=x", "/assets/app.js", "/nothing"] {
        let r = s.get(path);
        let csp = r.header("content-security-policy").unwrap_or("");
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe"),
            "{path}: {csp}"
        );
        assert_eq!(
            r.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
    }
    let page = s.get("/");
    assert!(page.body.contains("<html lang=\"ko\">"));
    assert!(!page.body.contains("http://") && !page.body.contains("https://"));

    // No way out of the index: ids are looked up in the index, never used as paths, and
    // static files come from a fixed list.
    let secret = s.path("secret.txt");
    std::fs::write(&secret, "root:x:0:0 secret").expect("write");
    for target in [
        "/api/articles/../../etc/passwd",
        "/api/articles/..%2F..%2Fetc%2Fpasswd",
        "/api/original/..%2Fsecret.txt",
        "/api/original/%2Fetc%2Fpasswd",
        "/api/original/documents%2F..%2Fsecret.txt",
        &format!("/api/original/{}", enc(&secret.display().to_string())),
        "/assets/../Cargo.toml",
        "/assets/%2e%2e/Cargo.toml",
        "/assets/..%2Fsecret.txt",
        "/../secret.txt",
        "/secret.txt",
    ] {
        let (status, body) = s.raw(target);
        assert!(status == 404 || status == 400, "{target}: {status}");
        assert!(!body.contains("root:x"), "{target}");
    }
}

#[test]
fn watch_indexes_new_changed_and_removed_files_while_serving() {
    let dir = tempfile::tempdir().expect("tempdir");
    let docs = dir.path().join("docs");
    crate::util::server::corpus(&docs);
    let s = Server::start_in(
        dir,
        &["--index", "idx", "--watch", "docs", "--debounce", "100"],
    );
    let find = |q: &str| s.json(&format!("/api/search?q={}", enc(q)))["total"].as_u64();
    assert_eq!(find("해양레저"), Some(0));
    let before = s.json("/healthz")["generation"].as_u64();
    std::fs::write(
        s.path("docs/200_new.txt"),
        "전남도, 여수 해양레저 관광 거점 조성\n입력 2024-04-02\n\n전라남도는 여수에 해양레저 관광 거점을 만든다고 2일 밝혔다.\n",
    )
    .expect("write");
    let until = |what: &str, ok: &dyn Fn() -> bool| {
        let start = Instant::now();
        while !ok() {
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "{what}; log:\n{}",
                s.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    until("new article found", &|| find("해양레저") == Some(1));
    assert_ne!(s.json("/healthz")["generation"].as_u64(), before);
    let v = s.json(&format!("/api/search?q={}", enc("해양레저")));
    assert_eq!(v["hits"][0]["region"], "/전라남도");
    std::fs::write(
        s.path("docs/200_new.txt"),
        "전남도, 여수 요트 관광 거점 조성\n입력 2024-04-03\n\n전라남도는 여수에 요트 관광 거점을 만든다고 3일 밝혔다.\n",
    )
    .expect("write");
    until("changed article", &|| {
        find("해양레저") == Some(0) && find("요트") == Some(1)
    });
    std::fs::remove_file(s.path("docs/200_new.txt")).expect("rm");
    until("removed article", &|| find("요트") == Some(0));
    assert_eq!(s.json("/healthz")["documents"], 8);
    // Ctrl-C: a clean exit, the index committed and readable by the CLI.
    let mut s = s;
    let status = s.interrupt();
    assert!(status.success(), "{status:?}");
    assert!(s.log().contains("stopped"), "{}", s.log());
    let out = kpolicy_in(s.dir.path(), &["stats", "--json", "--index", "idx"]);
    let v: Value = serde_json::from_slice(&out.stdout).expect("stats");
    assert_eq!(v["documents"], 8);
}

#[test]
fn host_other_than_loopback_warns() {
    let s = Server::start(&["--host", "0.0.0.0"]);
    assert!(s.log().contains("readable by anyone"), "{}", s.log());
    assert_eq!(s.get("/healthz").status, 200);
    let bad = kpolicy_in(s.dir.path(), &["serve", "--host", "localhost:80"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--host"));
}

#[test]
fn cli_sorts_newest_first_and_prints_every_match_as_csv() {
    let dir = tempfile::tempdir().expect("tempdir");
    crate::util::server::corpus(&dir.path().join("documents"));
    let out = kpolicy_in(dir.path(), &["index"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = kpolicy_in(
        dir.path(),
        &["search", "바이오·백신", "--sort", "newest", "--json"],
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        ids(&v),
        vec!["102_incheon_songdo.txt", "101_chungbuk_osong.txt", ANDONG]
    );
    let out = kpolicy_in(
        dir.path(),
        &["search", "바이오", "--format", "csv", "--limit", "1"],
    );
    assert!(out.status.success());
    let csv = String::from_utf8(out.stdout).expect("utf-8");
    let json = kpolicy_in(dir.path(), &["search", "바이오", "--json"]);
    let total = serde_json::from_slice::<Value>(&json.stdout).expect("json")["total"]
        .as_u64()
        .unwrap();
    assert_eq!(csv.lines().count() as u64, total + 1, "{csv}");
    assert!(
        csv.lines()
            .nth(1)
            .unwrap_or("")
            .starts_with(&format!("1,{ANDONG},"))
            || total > 0
    );
    let none = kpolicy_in(dir.path(), &["search", "zzqxwv", "--format", "csv"]);
    assert_eq!(none.status.code(), Some(1));
    let bad = kpolicy_in(dir.path(), &["search", "x", "--sort", "oldest"]);
    assert_eq!(bad.status.code(), Some(2));
}

// --- issue 24: date ranges, feeds, a shared server, the OpenAPI document ----------------------

const OSONG: &str = "101_chungbuk_osong.txt";
const SONGDO: &str = "102_incheon_songdo.txt";

#[test]
fn date_ranges_filter_the_api_and_the_cli_and_say_what_they_leave_out() {
    let s = Server::start(&[]);
    // Dated test articles: 003 2019-07-30, 004 2020-06-29, Osong 2021-05-12, Songdo
    // 2022-09-01, 103 2023-01-10; the seeds 000, 001 and 002 have no date.
    let v = s.json("/api/search?from=2021-01-01&to=2022-12-31");
    let mut got = ids(&v);
    got.sort();
    assert_eq!(got, vec![OSONG, SONGDO], "{v}");
    assert_eq!(v["undated_excluded"], 3, "{v}");
    assert_eq!(v["facets"]["month"]["2021-05"], 1, "{v}");
    assert_eq!(v["facets"]["month"]["2022-09"], 1, "{v}");
    assert_eq!(v["facets"]["month"].as_object().map(|m| m.len()), Some(2));
    // Either end alone; a month or a year stands for its first or last day.
    assert_eq!(
        ids(&s.json("/api/search?from=2022-09-01&sort=newest")),
        vec!["103_markup.txt", SONGDO]
    );
    assert_eq!(
        ids(&s.json("/api/search?to=2019-12-31")),
        vec!["003_9761023cf967d249.txt"]
    );
    assert_eq!(
        ids(&s.json("/api/search?from=2022-09&to=2022-09")),
        vec![SONGDO]
    );
    assert_eq!(
        ids(&s.json("/api/search?from=2020&to=2020")),
        vec!["004_ed1fe1c4b4ab4489.txt"]
    );
    assert_eq!(
        s.json("/api/search?from=2022-09-02&to=2022-12-31")["total"],
        0
    );
    // Without a range nothing is said about undated articles.
    assert!(s.json("/api/search?q=x").get("undated_excluded").is_none());
    // The query and the other filters still apply, to the count of undated ones too.
    let v = s.json(&format!(
        "/api/search?q={}&from=2021-01-01",
        enc("바이오·백신")
    ));
    assert_eq!(ids(&v), vec![SONGDO, OSONG], "{v}");
    assert_eq!(
        v["undated_excluded"], 1,
        "Andong has the words but no date: {v}"
    );
    // Bad dates: 400 with the reason.
    for (q, says) in [
        ("from=2026-13-01", "from=2026-13-01: there is no month 13"),
        (
            "to=2026-02-30",
            "to=2026-02-30: 2026-02 has no day 30 (it has 28 days)",
        ),
        (
            "from=last-week",
            "from=last-week: expected a date such as 2026-11-01",
        ),
        (
            "from=2026-12-01&to=2026-11-30",
            "from=2026-12-01 is after to=2026-11-30",
        ),
    ] {
        let a = s.get(&format!("/api/search?{q}"));
        assert_eq!(a.status, 400, "{q}: {}", a.body);
        assert!(
            a.json()["error"].as_str().unwrap_or("").contains(says),
            "{q}: {}",
            a.body
        );
    }

    // The CLI: the same range, a line about what it left out, one clear line for a bad date.
    let out = kpolicy_in(
        s.dir.path(),
        &["search", "바이오·백신", "--from", "2021-01-01", "--json"],
    );
    let cli: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(ids(&cli), vec![SONGDO, OSONG]);
    assert_eq!(cli["undated_excluded"], 1);
    let out = kpolicy_in(s.dir.path(), &["search", "바이오·백신", "--to", "2021-12"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("1 document matches"), "{text}");
    assert!(
        text.contains("note: 1 matching article without a date left out by the date range"),
        "{text}"
    );
    let bad = kpolicy_in(s.dir.path(), &["search", "바이오", "--to", "2026-02-30"]);
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert_eq!(
        err.trim(),
        "kpolicy: --to 2026-02-30: 2026-02 has no day 30 (it has 28 days)"
    );
    let bad = kpolicy_in(
        s.dir.path(),
        &["search", "바이오", "--from", "2022", "--to", "2021"],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--from 2022 is after --to 2021"));
}

#[test]
fn a_search_is_an_atom_feed_with_etag_and_304_that_follows_new_articles() {
    let s = Server::start(&["--watch"]);
    let q = enc("바이오·백신");
    let a = s.get(&format!("/feed?q={q}"));
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(
        a.header("content-type"),
        Some("application/atom+xml; charset=utf-8")
    );
    let etag = a.header("etag").expect("ETag").to_string();
    let modified = a
        .header("last-modified")
        .expect("Last-Modified")
        .to_string();
    // The newest first: Songdo (2022), Osong (2021), then the undated Andong article.
    let order: Vec<&str> = [SONGDO, OSONG, ANDONG]
        .iter()
        .map(|id| {
            a.body
                .find(&format!("article:{id}"))
                .map(|_| *id)
                .unwrap_or("missing")
        })
        .collect();
    assert_eq!(order, vec![SONGDO, OSONG, ANDONG], "{}", a.body);
    assert!(a.body.find(SONGDO) < a.body.find(OSONG) && a.body.find(OSONG) < a.body.find(ANDONG));
    if let Some(f) = crate::util::server::feedparser(&a.body) {
        assert_eq!(f["bozo"], false, "{f}");
        assert_eq!(f["version"], "atom10", "{f}");
        assert_eq!(f["title"], "kpolicy: 바이오·백신", "{f}");
        let e = &f["entries"][0];
        assert_eq!(
            e["title"], "인천시, 송도 바이오 클러스터에 연구소 유치",
            "{f}"
        );
        assert_eq!(
            e["link"],
            format!("{}/?q={q}&article={SONGDO}", s.base),
            "{f}"
        );
        // Korean time: the day starts at 15:00 UTC of the day before.
        assert_eq!(e["published"], "2022-09-01T00:00:00+09:00", "{f}");
        assert_eq!(e["published_date"], serde_json::json!([2022, 8, 31]), "{f}");
        let tags = e["tags"].to_string();
        assert!(
            tags.contains("/인천광역시") && tags.contains("바이오·백신"),
            "{tags}"
        );
        assert!(
            e["summary"].as_str().unwrap_or("").contains("송도국제도시"),
            "{f}"
        );
        assert_eq!(f["entries"].as_array().map(Vec::len), Some(3), "{f}");
        assert!(
            f["entries"][2]["published"].is_null(),
            "the undated entry has no date: {f}"
        );
    }
    // A reader that polls: 304 while nothing changed, by ETag or by date.
    let same = s.get_with(&format!("/feed?q={q}"), &[("if-none-match", &etag)]);
    assert_eq!(same.status, 304);
    assert!(same.body.is_empty());
    assert_eq!(same.header("etag"), Some(etag.as_str()));
    let same = s.get_with(&format!("/feed?q={q}"), &[("if-modified-since", &modified)]);
    assert_eq!(same.status, 304);
    let other = s.get_with(&format!("/feed?q={q}"), &[("if-none-match", "\"not-it\"")]);
    assert_eq!(other.status, 200);
    // Another search is another feed; `limit` caps the entries; a bad date is 400.
    let narrow = s.get(&format!("/feed?q={q}&region={}&limit=1", enc("충북")));
    assert_ne!(narrow.header("etag"), Some(etag.as_str()));
    assert_eq!(narrow.body.matches("<entry>").count(), 1, "{}", narrow.body);
    assert_eq!(s.get("/feed?from=2026-02-30").status, 400);
    // The page offers the feed of the search in its address.
    let page = s.get(&format!("/?q={q}&page=2"));
    assert!(
        page.body.contains(&format!("type=\"application/atom+xml\" title=\"kpolicy: 이 검색의 새 기사\" href=\"/feed?q={q}\"")),
        "{}",
        &page.body[..600.min(page.body.len())]
    );

    // A new article arrives: the feed changes and leads with it.
    std::fs::write(
        s.path("documents/201_gb_vaccine.txt"),
        "경북도, 안동 백신 공장 착공\n\n2030년 1월 5일\n\n경상북도는 안동에서 바이오·백신 생산 공장을 착공한다고 밝혔다.",
    )
    .expect("write");
    let start = Instant::now();
    let fresh = loop {
        let a = s.get_with(&format!("/feed?q={q}"), &[("if-none-match", &etag)]);
        if a.status == 200 {
            break a;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the feed never changed; log:\n{}",
            s.log()
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    let first = fresh.body.find("<entry>").expect("entries");
    assert!(
        fresh.body[first..].starts_with("<entry>\n    <title>경북도, 안동 백신 공장 착공</title>"),
        "{}",
        fresh.body
    );

    // The CLI writes the same kind of feed, linking to --base-url.
    let out = kpolicy_in(
        s.dir.path(),
        &[
            "search",
            "바이오·백신",
            "--format",
            "atom",
            "--base-url",
            "http://kp.example:7700/",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let xml = String::from_utf8(out.stdout).expect("utf-8");
    assert!(xml.contains("<link rel=\"self\" type=\"application/atom+xml\" href=\"http://kp.example:7700/feed?q="), "{xml}");
    if let Some(f) = crate::util::server::feedparser(&xml) {
        assert_eq!(f["bozo"], false, "{f}");
        assert_eq!(
            f["entries"][0]["title"], "경북도, 안동 백신 공장 착공",
            "{f}"
        );
        assert!(
            f["entries"][0]["link"]
                .as_str()
                .unwrap_or("")
                .starts_with("http://kp.example:7700/?q="),
            "{f}"
        );
    }
}

const TOKEN: &str = "k9f3-test-token-0d1e2f";

#[test]
fn a_token_guards_every_route_and_the_login_page_sets_a_cookie() {
    let mut s = Server::start_with_token(TOKEN, &["--host", "0.0.0.0"]);
    assert!(
        s.log().contains("every request needs the access token"),
        "{}",
        s.log()
    );
    assert!(!s.log().contains("readable by anyone"), "{}", s.log());
    let id = enc(ANDONG);
    let routes = [
        "/".to_string(),
        format!("/?q={}", enc("바이오")),
        "/assets/app.js".into(),
        "/assets/map.json".into(),
        "/healthz".into(),
        format!("/api/search?q={}", enc("바이오")),
        "/api/facets".into(),
        "/api/stats".into(),
        "/api/export?format=csv".into(),
        format!("/api/articles/{id}"),
        format!("/api/original/{id}"),
        "/api/openapi.json".into(),
        format!("/feed?q={}", enc("바이오")),
    ];
    for path in &routes {
        let anon = s.get_with(path, &[]);
        assert_eq!(anon.status, 401, "{path} without the token: {}", anon.body);
        assert_eq!(
            anon.header("www-authenticate"),
            Some("Bearer realm=\"kpolicy\""),
            "{path}"
        );
        let wrong = s.get_with(path, &[("authorization", "Bearer not-the-token-at-all")]);
        assert_eq!(wrong.status, 401, "{path} with a wrong token");
        let ok = s.get(path);
        assert_eq!(ok.status, 200, "{path} with the token: {}", ok.body);
    }
    // The page without the token is the login form; the API says what to send.
    let page = s.get_with("/?q=a", &[]);
    assert!(
        page.body
            .contains("<form method=\"post\" action=\"/login\">"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("name=\"next\" value=\"/?q=a\""),
        "{}",
        page.body
    );
    let api = s.get_with("/api/stats", &[]).json();
    assert!(
        api["error"]
            .as_str()
            .unwrap_or("")
            .contains("Authorization: Bearer"),
        "{api}"
    );
    // Unknown paths answer only to the token holder.
    assert_eq!(s.get_with("/nothing-here", &[]).status, 401);
    assert_eq!(s.get("/nothing-here").status, 404);
    // Open to all: the login page and its style sheet.
    assert_eq!(s.get_with("/login", &[]).status, 200);
    assert_eq!(s.get_with("/assets/app.css", &[]).status, 200);

    // Feed readers put the token in the address; a page opened so keeps a cookie.
    let feed = s.get_with(&format!("/feed?q={}&token={TOKEN}", enc("바이오")), &[]);
    assert_eq!(feed.status, 200);
    assert!(
        !feed.body.contains(TOKEN),
        "the feed's own links leave the token out"
    );
    let opened = s.get_with(&format!("/?token={TOKEN}"), &[]);
    assert_eq!(opened.status, 200);
    let cookie = opened.header("set-cookie").expect("a cookie").to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let pair = cookie.split(';').next().unwrap_or("").to_string();
    assert_eq!(s.get_with("/api/stats", &[("cookie", &pair)]).status, 200);
    assert_eq!(
        s.get_with(
            "/api/stats",
            &[("cookie", "kpolicy_token=wrong-wrong-wrong")]
        )
        .status,
        401
    );

    // The login form: a wrong token shows the form again, the right one sets the cookie and
    // goes on, to this server only.
    s.token = None;
    let anon = s;
    let wrong = anon.post_form("/login", "token=nope&next=%2F%3Fq%3Da");
    assert_eq!(wrong.status, 401);
    assert!(
        wrong.body.contains("토큰이 맞지 않습니다"),
        "{}",
        wrong.body
    );
    let ok = anon.post_form("/login", &format!("token={TOKEN}&next=%2F%3Fq%3Da"));
    assert_eq!(ok.status, 303, "{}", ok.body);
    assert_eq!(ok.header("location"), Some("/?q=a"));
    assert!(ok
        .header("set-cookie")
        .unwrap_or("")
        .starts_with("kpolicy_token="));
    let away = anon.post_form(
        "/login",
        &format!("token={TOKEN}&next=%2F%2Fevil.example%2F"),
    );
    assert_eq!(away.header("location"), Some("/"));
    assert!(
        !anon.log().contains(TOKEN),
        "the token is never logged:\n{}",
        anon.log()
    );
}

#[test]
fn wrong_tokens_are_rate_limited_and_bad_token_files_are_refused() {
    let s = Server::start_with_token(TOKEN, &[]);
    for n in 0..10 {
        let a = s.get_with(
            "/api/stats",
            &[("authorization", &format!("Bearer guess-{n}-0000000000"))],
        );
        assert_eq!(a.status, 401, "attempt {n}");
    }
    let blocked = s.get("/api/stats");
    assert_eq!(blocked.status, 429, "{}", blocked.body);
    assert_eq!(blocked.header("retry-after"), Some("60"));
    assert!(blocked.json()["error"]
        .as_str()
        .unwrap_or("")
        .contains("too many wrong tokens"));
    assert!(
        !s.log().contains(TOKEN) && !s.log().contains("guess-"),
        "{}",
        s.log()
    );

    let dir = s.dir.path();
    std::fs::write(dir.join("short.txt"), "abc\n").expect("write");
    for (args, says) in [
        (
            vec!["serve", "--token-file", "missing.txt"],
            "--token-file missing.txt: cannot read it",
        ),
        (
            vec!["serve", "--token-file", "short.txt"],
            "--token-file short.txt: the token is shorter than 16 characters",
        ),
    ] {
        let out = kpolicy_in(dir, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(says) && err.lines().count() == 1,
            "{args:?}: {err}"
        );
    }
    let out = Command::new(env!("CARGO_BIN_EXE_kpolicy"))
        .args(["serve", "--port", "0"])
        .env("KPOLICY_TOKEN", "too short")
        .current_dir(dir)
        .output()
        .expect("run kpolicy");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("KPOLICY_TOKEN: the token must be one word")
    );
}

#[test]
fn the_openapi_document_is_served_and_schemathesis_finds_every_answer_in_it() {
    // Without a token: a fuzzer's requests would soon be rate-limited (429) and test nothing
    // else; the token's answers are tested above.
    let s = Server::start(&[]);
    let doc = s.json("/api/openapi.json");
    assert_eq!(doc["openapi"], "3.1.0");
    assert!(doc["paths"]["/feed"]["get"]["responses"]["304"].is_object());
    // A bounded property-based run: every answer must match the document, none may be 5xx.
    let have = Command::new("schemathesis").arg("--version").output();
    if !have.is_ok_and(|o| o.status.success()) {
        println!("SKIP schemathesis run: schemathesis is not installed (pip install schemathesis)");
        return;
    }
    let out = Command::new("schemathesis")
        .args(["run", &format!("{}/api/openapi.json", s.base)])
        .args([
            "--checks",
            "all",
            "--exclude-checks",
            "positive_data_acceptance",
        ])
        .args(["--mode", "positive", "--max-examples", "25", "--seed", "24"])
        .args([
            "--phases",
            "examples,coverage,fuzzing",
            "--max-time",
            "90",
            "--workers",
            "2",
        ])
        .args([
            "--no-color",
            "--generation-database",
            "none",
            "--max-redirects",
            "0",
        ])
        .current_dir(s.dir.path())
        .output()
        .expect("run schemathesis");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "schemathesis found answers the document does not describe:\n{report}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The page's "왜?": `explain=1` on an article says how the search's words matched it.
#[test]
fn an_article_explains_why_it_matches_the_search() {
    let s = Server::start(&[]);
    let q = enc("바이오 백신");
    let a = s.json(&format!("/api/articles/{ANDONG}?q={q}&explain=1"));
    let e = &a["explain"];
    assert_eq!(e["all_words"], true, "{a}");
    let words: Vec<&str> = e["words"]
        .as_array()
        .expect("words")
        .iter()
        .map(|w| w["word"].as_str().expect("word"))
        .collect();
    assert_eq!(words, ["바이오", "백신"], "{e}");
    assert!(
        e["words"][0]["matched"] == true && e["words"][1]["matched"] == true,
        "{e}"
    );
    assert!(e["bm25"].as_f64().expect("bm25") > 0.0, "{e}");
    assert!(!e["text"].as_array().expect("text").is_empty(), "{e}");
    // Without explain=1 the view has no explanation.
    let plain = s.json(&format!("/api/articles/{ANDONG}?q={q}"));
    assert!(plain.get("explain").is_none(), "{plain}");
}
