//! `kpolicy serve` over HTTP: every endpoint of the API (status, schema, filters, paging,
//! errors, escaping, traversal, headers), live indexing with `--watch`, shutdown, and the
//! CLI's `--sort` and `--format csv` that go with them. The real binary on the seed articles
//! plus `tests/fixtures/serve/`.

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
