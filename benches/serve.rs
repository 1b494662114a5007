//! Load benchmark of `kpolicy serve` on loopback (issue 14): C concurrent clients (16 by
//! default) send a bounded number of `/api/search` requests (the mixed query set of
//! `scripts/bench_queries.tsv`, with its region filters, first and second pages); reports
//! throughput, latency p50/p90/p99/max, errors (anything but 200), the server's RSS, and
//! whether Ctrl-C (SIGINT) then stops it cleanly.
//!
//! ```sh
//! cargo bench --bench serve -- --index /work/bench-data/index --requests 8000 --clients 16
//! ```
//!
//! `--mix feed` sends the same searches as `/feed` (Atom, the 20 newest matches), `--mix dates`
//! as `/api/search` with date ranges (a year from a day, a month, half a year: the generated
//! corpus is dated 2018–2024), `--mix all` all three kinds.
//!
//! Without `--index` it indexes the five seed articles of `documents/` into a temporary folder
//! (a smoke run, not a measurement). Not a test: nothing here asserts a time.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_kpolicy");

struct Opts {
    index: Option<PathBuf>,
    requests: usize,
    clients: usize,
    /// Which requests: `search` (default), `feed`, `dates` or `all`.
    mix: String,
}

fn opts() -> Opts {
    let mut o = Opts {
        index: None,
        requests: 4000,
        clients: 16,
        mix: "search".to_string(),
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let value = args.get(i + 1).cloned();
        match (args[i].as_str(), value) {
            ("--index", Some(v)) => o.index = Some(PathBuf::from(v)),
            ("--requests", Some(v)) => o.requests = v.parse().expect("--requests N"),
            ("--clients", Some(v)) => o.clients = v.parse().expect("--clients N"),
            ("--mix", Some(v)) => o.mix = v,
            // `cargo bench` passes `--bench`; anything else is not ours.
            _ => {
                i += 1;
                continue;
            }
        }
        i += 2;
    }
    o
}

/// Date ranges of `--mix dates`, in turn per query.
const RANGES: [&str; 3] = [
    "from=2024-01-01",
    "from=2023-11-01&to=2023-11-30",
    "from=2022-01-01&to=2022-06-30",
];

/// The request paths: every query of the bench set, with its region filter, page 1 and 2 (or,
/// by `mix`, its feed, or date ranges).
fn paths(repo: &Path, mix: &str) -> Vec<String> {
    let tsv = std::fs::read_to_string(repo.join("scripts/bench_queries.tsv")).expect("queries");
    let enc = |s: &str| -> String { form_urlencoded::byte_serialize(s.as_bytes()).collect() };
    let mut out = Vec::new();
    for (n, line) in tsv
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .enumerate()
    {
        let cols: Vec<&str> = line.split('\t').collect();
        let Some(q) = cols.get(1) else { continue };
        let mut params = format!("q={}", enc(q));
        if let Some(r) = cols.get(2).filter(|r| !r.is_empty()) {
            params.push_str(&format!("&region={}", enc(r)));
        }
        if matches!(mix, "search" | "all") {
            out.push(format!("/api/search?{params}"));
            out.push(format!("/api/search?{params}&offset=10"));
        }
        if matches!(mix, "feed" | "all") {
            out.push(format!("/feed?{params}"));
        }
        if matches!(mix, "dates" | "all") {
            out.push(format!("/api/search?{params}&{}", RANGES[n % RANGES.len()]));
            out.push(format!(
                "/api/search?{params}&{}",
                RANGES[(n + 1) % RANGES.len()]
            ));
        }
    }
    assert!(
        !out.is_empty(),
        "--mix {mix}: use search, feed, dates or all"
    );
    out
}

/// The server process, killed (if still running) and reaped however `main` ends.
struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn rss_kib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn main() {
    let o = opts();
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().expect("tempdir");
    let index = match &o.index {
        Some(p) => p.clone(),
        None => {
            let idx = tmp.path().join("index");
            let st = Command::new(BIN)
                .args(["index", "documents", "--index"])
                .arg(&idx)
                .current_dir(&repo)
                .stdout(Stdio::null())
                .status()
                .expect("kpolicy index");
            assert!(st.code().is_some_and(|c| c < 2), "indexing failed");
            idx
        }
    };
    let mut child = Killed(
        Command::new(BIN)
            .args(["serve", "--port", "0", "--index"])
            .arg(&index)
            .current_dir(&repo)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("kpolicy serve"),
    );
    let stdout = child.0.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = BufReader::new(stdout).lines();
        if let Some(Ok(l)) = lines.next() {
            let _ = tx.send(l);
        }
        for _ in lines {}
    });
    let base = rx
        .recv_timeout(Duration::from_secs(300))
        .expect("server address")
        .trim_end_matches('/')
        .to_string();
    let agent = || -> ureq::Agent {
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into()
    };
    let warm = agent();
    let start = Instant::now();
    while warm
        .get(&format!("{base}/healthz"))
        .call()
        .map(|r| r.status().as_u16())
        .unwrap_or(0)
        != 200
    {
        assert!(start.elapsed() < Duration::from_secs(300), "never ready");
        std::thread::sleep(Duration::from_millis(100));
    }
    let paths = paths(&repo, &o.mix);
    let docs: serde_json::Value = warm
        .get(&format!("{base}/healthz"))
        .call()
        .expect("healthz")
        .body_mut()
        .read_json()
        .expect("json");
    // One warm-up pass over every path (page cache, facet tables).
    for p in &paths {
        let _ = warm.get(&format!("{base}{p}")).call();
    }
    let (rss_before, _) = rss_kib(child.0.id());
    let per_client = o.requests.div_ceil(o.clients);
    let started = Instant::now();
    let handles: Vec<_> = (0..o.clients)
        .map(|c| {
            let base = base.clone();
            let paths = paths.clone();
            let agent = agent();
            std::thread::spawn(move || {
                let mut lat = Vec::with_capacity(per_client);
                let mut errors = 0usize;
                for r in 0..per_client {
                    let p = &paths[(c * 7 + r) % paths.len()];
                    let t = Instant::now();
                    let ok = match agent.get(&format!("{base}{p}")).call() {
                        Ok(mut resp) => {
                            let status = resp.status().as_u16();
                            let body = resp.body_mut().read_to_vec().is_ok();
                            status == 200 && body
                        }
                        Err(_) => false,
                    };
                    lat.push(t.elapsed());
                    if !ok {
                        errors += 1;
                    }
                }
                (lat, errors)
            })
        })
        .collect();
    let mut lat = Vec::new();
    let mut errors = 0;
    for h in handles {
        let (l, e) = h.join().expect("client thread");
        lat.extend(l);
        errors += e;
    }
    let wall = started.elapsed();
    let (rss_after, rss_peak) = rss_kib(child.0.id());
    lat.sort_unstable();
    let pct = |p: f64| lat[((lat.len() as f64 - 1.0) * p).round() as usize];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    // Ctrl-C: the server must stop by itself, with exit code 0.
    let t = Instant::now();
    let _ = Command::new("kill")
        .args(["-INT", &child.0.id().to_string()])
        .status();
    let mut exit = None;
    while t.elapsed() < Duration::from_secs(30) {
        if let Ok(Some(st)) = child.0.try_wait() {
            exit = Some(st);
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let shutdown = t.elapsed();
    println!(
        "kpolicy serve load ({}): index {} ({} documents), {} clients, {} requests over {} distinct searches",
        o.mix,
        index.display(),
        docs["documents"],
        o.clients,
        lat.len(),
        paths.len()
    );
    println!(
        "  throughput {:.0} req/s; latency p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        lat.len() as f64 / wall.as_secs_f64(),
        ms(pct(0.5)),
        ms(pct(0.9)),
        ms(pct(0.99)),
        ms(*lat.last().expect("requests")),
    );
    println!(
        "  errors {errors}; server RSS {:.1} MiB before, {:.1} MiB after, peak {:.1} MiB",
        rss_before as f64 / 1024.0,
        rss_after as f64 / 1024.0,
        rss_peak as f64 / 1024.0
    );
    println!(
        "  SIGINT: {} after {:.0} ms",
        match exit {
            Some(st) if st.success() => "clean exit (0)".to_string(),
            Some(st) => format!("exit {st}"),
            None => "did not stop in 30 s (killed)".to_string(),
        },
        ms(shutdown)
    );
}
