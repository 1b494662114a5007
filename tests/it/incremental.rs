//! Keeping the index current (issue 4): incremental runs, deletions, JSON-lines replacement,
//! several roots, kill-and-rerun convergence, searching while indexing, the second-writer
//! message, watch mode and the format check. Everything runs the real binary.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{bin, hit_ids, kpolicy, run, TempDir};
use serde_json::Value;

/// `kpolicy index ROOTS --index IDX --json [extra]` → the summary.
fn index(roots: &[&Path], idx: &Path, extra: &[&str]) -> Value {
    let out = kpolicy()
        .arg("index")
        .args(roots)
        .arg("--index")
        .arg(idx)
        .arg("--json")
        .args(extra)
        .output()
        .expect("run index");
    assert_eq!(
        out.status.code(),
        Some(0),
        "index failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("summary JSON")
}

/// Ids of all hits for `query`.
fn hits(idx: &Path, query: &str) -> Vec<String> {
    let out = kpolicy()
        // Every document: the corpus repeats its texts, and copies of one text would fold.
        .args([
            "search",
            query,
            "--json",
            "--limit",
            "1000",
            "--no-collapse",
            "--index",
        ])
        .arg(idx)
        .output()
        .expect("run search");
    assert!(
        matches!(out.status.code(), Some(0) | Some(1)),
        "search failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    hit_ids(&v)
}

fn documents(idx: &Path) -> u64 {
    let out = kpolicy()
        .args(["stats", "--json", "--index"])
        .arg(idx)
        .output()
        .expect("run stats");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    v["documents"].as_u64().expect("documents")
}

fn counts(summary: &Value) -> [u64; 4] {
    ["added", "updated", "removed", "unchanged"].map(|k| summary[k].as_u64().expect(k))
}

#[test]
fn add_edit_delete_and_unchanged_reruns() {
    let tmp = TempDir::new();
    let root = tmp.join("docs/x").parent().expect("parent").to_path_buf();
    let idx = tmp.path().join("idx");
    tmp.write(
        "docs/a.txt",
        "안동시 대마 특구\n\n경북 안동시는 대마 산업을 키운다.",
    );
    assert_eq!(counts(&index(&[&root], &idx, &[])), [1, 0, 0, 0]);
    assert_eq!(hits(&idx, "대마"), vec!["a.txt"]);

    // Add one file: only it is analysed.
    tmp.write(
        "docs/sub/b.txt",
        "대구시 로봇\n\n대구시는 로봇 산업을 육성한다.",
    );
    assert_eq!(counts(&index(&[&root], &idx, &[])), [1, 0, 0, 1]);
    assert_eq!(hits(&idx, "로봇"), vec!["sub/b.txt"]);

    // Edit: the old text no longer matches, the new one does.
    tmp.write(
        "docs/a.txt",
        "안동시 스마트팜\n\n경북 안동시는 스마트팜 단지를 만든다.",
    );
    assert_eq!(counts(&index(&[&root], &idx, &[])), [0, 1, 0, 1]);
    assert!(hits(&idx, "대마").is_empty());
    assert_eq!(hits(&idx, "스마트팜"), vec!["a.txt"]);
    assert_eq!(documents(&idx), 2);

    // Delete: gone from the index.
    std::fs::remove_file(root.join("sub/b.txt")).expect("remove");
    assert_eq!(counts(&index(&[&root], &idx, &[])), [0, 0, 1, 1]);
    assert!(hits(&idx, "로봇").is_empty());
    assert_eq!(documents(&idx), 1);

    // Unchanged rerun: zero work, same count.
    assert_eq!(counts(&index(&[&root], &idx, &[])), [0, 0, 0, 1]);
    assert_eq!(documents(&idx), 1);

    // --keep-deleted keeps what was removed from the folder.
    std::fs::remove_file(root.join("a.txt")).expect("remove");
    assert_eq!(
        counts(&index(&[&root], &idx, &["--keep-deleted"])),
        [0, 0, 0, 0]
    );
    assert_eq!(documents(&idx), 1);
    assert_eq!(counts(&index(&[&root], &idx, &[])), [0, 0, 1, 0]);
    assert_eq!(documents(&idx), 0);
}

#[test]
fn touching_a_file_without_changing_it_is_not_an_update() {
    let tmp = TempDir::new();
    let root = tmp.join("docs/x").parent().expect("parent").to_path_buf();
    let idx = tmp.path().join("idx");
    let text = "인천시 바이오\n\n인천시는 바이오헬스밸리를 조성한다.";
    tmp.write("docs/a.txt", text);
    index(&[&root], &idx, &[]);
    std::thread::sleep(Duration::from_millis(20));
    tmp.write("docs/a.txt", text);
    assert_eq!(counts(&index(&[&root], &idx, &[])), [0, 0, 0, 1]);
}

#[test]
fn several_roots_feed_one_index_with_stable_ids() {
    let tmp = TempDir::new();
    let a = tmp.join("a/x").parent().expect("parent").to_path_buf();
    let b = tmp.join("b/x").parent().expect("parent").to_path_buf();
    let idx = tmp.path().join("idx");
    tmp.write(
        "a/same.txt",
        "광주 인공지능\n\n광주시는 인공지능 집적단지를 만든다.",
    );
    tmp.write("b/same.txt", "울산 수소\n\n울산시는 수소 도시를 만든다.");
    assert_eq!(counts(&index(&[&a, &b], &idx, &[])), [2, 0, 0, 0]);
    assert_eq!(documents(&idx), 2);
    // Indexing one root leaves the other root's documents alone.
    assert_eq!(counts(&index(&[&a], &idx, &[])), [0, 0, 0, 1]);
    assert_eq!(documents(&idx), 2);
    assert_eq!(hits(&idx, "수소"), vec!["same.txt"]);
}

#[test]
fn jsonl_lines_with_the_same_id_replace_each_other() {
    let tmp = TempDir::new();
    let idx = tmp.path().join("idx");
    let first = tmp.write(
        "feed1.jsonl",
        "{\"id\":\"n1\",\"title\":\"경북 배터리\",\"text\":\"경북도는 이차전지 특구를 지정했다.\"}\n\
         {\"id\":\"n2\",\"title\":\"대구 로봇\",\"text\":\"대구시는 로봇 산업을 육성한다.\"}\n",
    );
    let s = index(&[], &idx, &["--jsonl", first.to_str().expect("path")]);
    assert_eq!(counts(&s), [2, 0, 0, 0]);
    // The same stream again: nothing to do.
    let s = index(&[], &idx, &["--jsonl", first.to_str().expect("path")]);
    assert_eq!(counts(&s), [0, 0, 0, 2]);
    // A new version of n1 replaces it; within one stream the later line wins.
    let second = tmp.write(
        "feed2.jsonl",
        "{\"id\":\"n1\",\"title\":\"경북 수소\",\"text\":\"경북도는 수소 특구를 지정했다.\"}\n\
         {\"id\":\"n1\",\"title\":\"경북 해양\",\"text\":\"경북도는 해양 특구를 지정했다.\"}\n",
    );
    let s = index(&[], &idx, &["--jsonl", second.to_str().expect("path")]);
    // Lines are analysed in parallel: the earlier line is either written and then replaced,
    // or skipped because the later one was written first. Either way the later one wins.
    assert!(matches!(s["updated"].as_u64(), Some(1) | Some(2)), "{s}");
    assert_eq!(s["added"].as_u64(), Some(0), "{s}");
    assert_eq!(documents(&idx), 2);
    assert!(hits(&idx, "이차전지").is_empty());
    assert!(hits(&idx, "수소").is_empty());
    assert_eq!(hits(&idx, "해양"), vec!["n1"]);
}

/// A Latin code word unique to article `i`, letters only so that it is one term (`kpbcd`).
fn code(i: usize) -> String {
    let mut s = String::from("kp");
    let mut n = i;
    for _ in 0..4 {
        s.push((b'a' + (n % 26) as u8) as char);
        n /= 26;
    }
    s
}

/// A corpus of `n` articles of real length, each with a unique code word (see [`code`]) and a
/// text of its own: the first halves (750 characters) of two of the invented articles of
/// `tests/fixtures/extract/`, a different pair for each of up to 38 × 37 articles.
fn corpus(tmp: &TempDir, n: usize) -> PathBuf {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/extract");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&fixtures)
        .expect("tests/fixtures/extract")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    let texts: Vec<String> = files
        .iter()
        .map(|p| {
            std::fs::read_to_string(p)
                .expect("fixture article")
                .chars()
                .take(750)
                .collect()
        })
        .collect();
    let k = texts.len();
    for i in 0..n {
        tmp.write(
            &format!("corpus/{:02}/p{i:05}.txt", i % 17),
            format!(
                "청원 {i}\n\n코드 {} 공통어휘 zzcommon\n{}\n{}",
                code(i),
                texts[i % k],
                texts[(i / k + i + 1) % k]
            ),
        );
    }
    tmp.path().join("corpus")
}

fn spawn_index(root: &Path, idx: &Path) -> Child {
    Command::new(bin())
        .args(["index"])
        .arg(root)
        .arg("--index")
        .arg(idx)
        .args(["--commit-every", "40"])
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn index")
}

/// Waits until `idx` has at least one commit with documents (bounded), returns whether it did.
fn wait_for_documents(idx: &Path, limit: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if idx.join("meta.json").exists() {
            let out = kpolicy()
                .args(["stats", "--json", "--index"])
                .arg(idx)
                .output()
                .expect("stats");
            if out.status.success() {
                let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
                if v["documents"].as_u64().unwrap_or(0) > 0 {
                    return true;
                }
            }
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    false
}

#[test]
fn killed_runs_converge_to_one_document_per_file() {
    let tmp = TempDir::new();
    let n = 400;
    let root = corpus(&tmp, n);
    let idx = tmp.path().join("idx");
    // Kill the run at different points: right at start, after the first commit, later on.
    for (round, delay_ms) in [0u64, 150, 600].into_iter().enumerate() {
        let mut child = spawn_index(&root, &idx);
        if round > 0 {
            wait_for_documents(&idx, Duration::from_secs(60));
        }
        std::thread::sleep(Duration::from_millis(delay_ms));
        child.kill().expect("SIGKILL");
        child.wait().expect("wait");
        // Whatever was committed opens and searches.
        if idx.join("meta.json").exists() {
            let before = documents(&idx);
            assert!(before <= n as u64, "round {round}: {before} documents");
            let found = hits(&idx, "zzcommon").len() as u64;
            assert_eq!(found.min(1000), before.min(1000), "round {round}");
        }
    }
    // The next run completes the job: exactly one document per file.
    let s = index(&[&root], &idx, &[]);
    assert_eq!(s["removed"].as_u64(), Some(0), "{s}");
    assert_eq!(documents(&idx), n as u64);
    for i in (0..n).step_by(37) {
        let ids = hits(&idx, &code(i));
        assert_eq!(ids.len(), 1, "{}: {ids:?}", code(i));
    }
    // And a further run has nothing to do.
    assert_eq!(counts(&index(&[&root], &idx, &[])), [0, 0, 0, n as u64]);
}

#[test]
fn searching_while_an_index_run_writes_sees_the_last_commit() {
    let tmp = TempDir::new();
    let root = corpus(&tmp, 300);
    let idx = tmp.path().join("idx");
    let mut child = spawn_index(&root, &idx);
    assert!(
        wait_for_documents(&idx, Duration::from_secs(60)),
        "no commit"
    );
    let mut searches = 0;
    let mut last = 0;
    while child.try_wait().expect("try_wait").is_none() && searches < 50 {
        let found = hits(&idx, "zzcommon").len();
        assert!(found >= last, "a later search saw fewer documents");
        last = found;
        searches += 1;
    }
    child.wait().expect("wait");
    assert!(searches > 0);
    assert_eq!(hits(&idx, "zzcommon").len(), 300);
}

/// A `kpolicy watch` child and its stderr lines.
struct Watch {
    child: Child,
    lines: std::sync::mpsc::Receiver<String>,
}

impl Watch {
    fn start(root: &Path, idx: &Path) -> Watch {
        let mut child = Command::new(bin())
            .args(["watch"])
            .arg(root)
            .arg("--index")
            .arg(idx)
            .args(["--debounce", "100"])
            .env("NO_COLOR", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn watch");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let w = Watch { child, lines: rx };
        w.wait_for("watching");
        w
    }

    fn wait_for(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(line) = self.lines.recv_timeout(Duration::from_millis(100)) {
                if line.contains(needle) {
                    return line;
                }
            }
        }
        panic!("watch never printed {needle:?}");
    }

    /// Ctrl-C, then the exit status.
    fn interrupt(mut self) -> std::process::ExitStatus {
        Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .expect("kill -INT");
        self.child.wait().expect("wait watch")
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Polls `query` until it returns `want` hits; returns how long that took.
fn poll_hits(idx: &Path, query: &str, want: usize) -> Duration {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(20) {
        if hits(idx, query).len() == want {
            return start.elapsed();
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("{query}: never {want} hits");
}

#[test]
fn watch_picks_up_new_changed_and_removed_files_and_locks_out_other_writers() {
    let tmp = TempDir::new();
    let root = tmp.join("docs/x").parent().expect("parent").to_path_buf();
    let idx = tmp.path().join("idx");
    tmp.write("docs/a.txt", "세종시 행정\n\n세종시는 행정수도를 완성한다.");
    let watch = Watch::start(&root, &idx);
    assert_eq!(documents(&idx), 1);

    // A second writer gets a clear message, not a stack trace.
    let (code, _, err) = run(kpolicy().arg("index").arg(&root).arg("--index").arg(&idx));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("being updated by another kpolicy process"),
        "{err}"
    );
    assert!(!err.contains("panicked"));

    // New file → searchable by another process.
    tmp.write(
        "docs/new/b.txt",
        "제주 관광\n\n제주도는 관광 코드 wqmarker 를 발표했다.",
    );
    let took = poll_hits(&idx, "wqmarker", 1);
    eprintln!("new file searchable after {took:?}");
    // Changed → old text gone; removed → gone.
    tmp.write(
        "docs/new/b.txt",
        "제주 관광\n\n제주도는 관광 코드 zqmarker 를 발표했다.",
    );
    poll_hits(&idx, "zqmarker", 1);
    assert!(hits(&idx, "wqmarker").is_empty());
    std::fs::remove_file(root.join("new/b.txt")).expect("remove");
    poll_hits(&idx, "zqmarker", 0);
    // Renamed → found under the new name only.
    std::fs::rename(root.join("a.txt"), root.join("renamed.txt")).expect("rename");
    let deadline = Instant::now() + Duration::from_secs(20);
    while hits(&idx, "행정수도") != vec!["renamed.txt"] {
        assert!(Instant::now() < deadline, "rename not picked up");
        std::thread::sleep(Duration::from_millis(50));
    }
    // Ctrl-C stops cleanly after the current commit.
    let status = watch.interrupt();
    assert!(status.success(), "{status:?}");
    assert_eq!(documents(&idx), 1);
}

#[test]
fn an_index_from_another_kpolicy_version_asks_for_a_rebuild() {
    let tmp = TempDir::new();
    let root = tmp.join("docs/x").parent().expect("parent").to_path_buf();
    let idx = tmp.path().join("idx");
    tmp.write("docs/a.txt", "부산 해양\n\n부산시는 해양 산업을 키운다.");
    index(&[&root], &idx, &[]);
    let meta = idx.join("meta.json");
    let text = std::fs::read_to_string(&meta).expect("meta.json");
    assert!(
        text.contains("kpolicy-index-"),
        "format recorded in the commit"
    );
    std::fs::write(&meta, text.replace("kpolicy-index-", "kpolicy-index-0")).expect("write");
    let (code, _, err) = run(kpolicy().args(["search", "해양", "--index"]).arg(&idx));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("index --rebuild"), "{err}");
    // --rebuild starts over and works.
    let s = index(&[&root], &idx, &["--rebuild"]);
    assert_eq!(counts(&s), [1, 0, 0, 0]);
    assert_eq!(hits(&idx, "해양"), vec!["a.txt"]);
}
