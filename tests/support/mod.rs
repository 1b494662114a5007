//! A running `kpolicy serve` for the HTTP and browser tests: the real binary on a free port,
//! in a temporary folder with the seed articles and the test articles of
//! `tests/fixtures/serve/`, killed when dropped.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Upper bound for the server to start and build the small index (slow shared CI machines).
pub const START_TIMEOUT: Duration = Duration::from_secs(120);

pub struct Server {
    child: Child,
    pub base: String,
    pub dir: tempfile::TempDir,
    agent: ureq::Agent,
    /// The access token `get` and `json` send (a server started with one).
    pub token: Option<String>,
}

/// A corpus folder: the five seed articles plus the serve test articles.
pub fn corpus(into: &Path) {
    std::fs::create_dir_all(into).expect("mkdir");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for dir in [root.join("documents"), root.join("tests/fixtures/serve")] {
        for e in std::fs::read_dir(&dir).expect("read_dir").flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "txt") {
                std::fs::copy(&p, into.join(e.file_name())).expect("copy");
            }
        }
    }
}

impl Server {
    /// `kpolicy serve --port 0 ARGS` in a fresh folder holding `documents/` (the corpus), so
    /// that the default index is built from it.
    pub fn start(args: &[&str]) -> Server {
        let dir = tempfile::tempdir().expect("tempdir");
        corpus(&dir.path().join("documents"));
        Server::start_in(dir, args)
    }

    /// As [`Server::start`], with `--token-file` holding `token`; `get` and `json` send it.
    pub fn start_with_token(token: &str, args: &[&str]) -> Server {
        let dir = tempfile::tempdir().expect("tempdir");
        corpus(&dir.path().join("documents"));
        std::fs::write(dir.path().join("token.txt"), format!("{token}\n")).expect("token");
        let mut all = vec!["--token-file", "token.txt"];
        all.extend_from_slice(args);
        Server::launch(dir, &all, Some(token.to_string()))
    }

    pub fn start_in(dir: tempfile::TempDir, args: &[&str]) -> Server {
        Server::launch(dir, args, None)
    }

    fn launch(dir: tempfile::TempDir, args: &[&str], token: Option<String>) -> Server {
        let log = std::fs::File::create(dir.path().join("serve.log")).expect("log");
        let mut child = Command::new(env!("CARGO_BIN_EXE_kpolicy"))
            .arg("serve")
            .args(["--port", "0"])
            .args(args)
            .current_dir(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log))
            .spawn()
            .expect("spawn kpolicy serve");
        // The first line on stdout is the address.
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            if let Some(Ok(line)) = lines.next() {
                let _ = tx.send(line);
            }
            for _ in lines {}
        });
        let base = match rx.recv_timeout(START_TIMEOUT) {
            Ok(line) => line.trim_end_matches('/').to_string(),
            Err(_) => {
                let _ = child.kill();
                panic!(
                    "kpolicy serve printed no address; log:\n{}",
                    read_log(dir.path())
                );
            }
        };
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        let server = Server {
            child,
            base,
            dir,
            agent,
            token,
        };
        server.wait_ready();
        server
    }

    /// Polls `/healthz` until it answers 200 (503 while the first build runs).
    pub fn wait_ready(&self) {
        let start = Instant::now();
        loop {
            if self.get("/healthz").status == 200 {
                return;
            }
            assert!(
                start.elapsed() < START_TIMEOUT,
                "not ready; log:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn log(&self) -> String {
        read_log(self.dir.path())
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn get(&self, path: &str) -> Answer {
        let auth = self.token.as_ref().map(|t| format!("Bearer {t}"));
        let headers: Vec<(&str, &str)> = auth
            .as_deref()
            .map(|a| vec![("authorization", a)])
            .unwrap_or_default();
        self.get_with(path, &headers)
    }

    /// GET with these headers only (no token unless given here).
    pub fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Answer {
        let url = format!("{}{}", self.base, path);
        let mut req = self.agent.get(&url);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        match req.call() {
            Ok(mut r) => {
                let status = r.status().as_u16();
                let headers = r
                    .headers()
                    .iter()
                    .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
                    .collect();
                let body = r.body_mut().read_to_string().unwrap_or_default();
                Answer {
                    status,
                    headers,
                    body,
                }
            }
            Err(e) => panic!("GET {}: {e}", url.chars().take(200).collect::<String>()),
        }
    }

    pub fn post_form(&self, path: &str, body: &str) -> Answer {
        let url = format!("{}{}", self.base, path);
        let mut req = self
            .agent
            .post(&url)
            .content_type("application/x-www-form-urlencoded");
        if let Some(t) = &self.token {
            req = req.header("authorization", &format!("Bearer {t}"));
        }
        let mut r = req
            .send(body)
            .unwrap_or_else(|e| panic!("POST {path}: {e}"));
        Answer {
            status: r.status().as_u16(),
            headers: r
                .headers()
                .iter()
                .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
                .collect(),
            body: r.body_mut().read_to_string().unwrap_or_default(),
        }
    }

    /// A request written by hand, for paths an HTTP client would normalise (`/../`).
    pub fn raw(&self, target: &str) -> (u16, String) {
        let addr = self.base.trim_start_matches("http://");
        let mut s = TcpStream::connect(addr).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(30))).ok();
        write!(
            s,
            "GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        )
        .expect("write");
        let mut out = String::new();
        let _ = s.read_to_string(&mut out);
        let status = out
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        (status, out)
    }

    pub fn json(&self, path: &str) -> serde_json::Value {
        let a = self.get(path);
        assert_eq!(a.status, 200, "GET {path}: {}", a.body);
        serde_json::from_str(&a.body).unwrap_or_else(|e| panic!("GET {path}: {e}: {}", a.body))
    }

    /// Stops the server as Ctrl-C would (SIGINT) and returns its exit status.
    pub fn interrupt(&mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-INT", &pid]).status();
        let start = Instant::now();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "no exit after SIGINT"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_log(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("serve.log")).unwrap_or_default()
}

pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

/// Percent-encodes a query value.
pub fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// What Python's `feedparser` (the parser most feed readers' ecosystems rely on) reads from
/// `xml`: `{bozo, title, links, entries: [{title, link, id, published, updated, summary,
/// author, tags}]}`; `None` (with one printed line) when python3 or feedparser is missing.
pub fn feedparser(xml: &str) -> Option<serde_json::Value> {
    const SCRIPT: &str = r#"
import json, sys
try:
    import feedparser
except ImportError:
    print("MISSING")
    sys.exit(0)
d = feedparser.parse(sys.stdin.buffer.read())
print(json.dumps({
    "bozo": bool(d.bozo),
    "error": str(d.get("bozo_exception", "")),
    "version": d.version,
    "title": d.feed.get("title"),
    "links": [(l.get("rel"), l.get("type"), l.get("href")) for l in d.feed.get("links", [])],
    "updated": d.feed.get("updated"),
    "entries": [{
        "title": e.get("title"),
        "link": e.get("link"),
        "id": e.get("id"),
        "published": e.get("published"),
        "published_date": list(e.published_parsed[:3]) if e.get("published_parsed") else None,
        "updated": e.get("updated"),
        "summary": e.get("summary"),
        "author": e.get("author"),
        "tags": [(t.get("scheme"), t.get("term")) for t in e.get("tags", [])],
    } for e in d.entries],
}, ensure_ascii=False))
"#;
    let mut child = match Command::new("python3")
        .args(["-c", SCRIPT])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(_) => {
            println!("SKIP feed parsing: no python3 (pip install feedparser to run it)");
            return None;
        }
    };
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(xml.as_bytes())
        .expect("write the feed");
    let out = child.wait_with_output().expect("python3");
    let text = String::from_utf8_lossy(&out.stdout);
    if text.trim() == "MISSING" {
        println!("SKIP feed parsing: python3 has no feedparser (pip install feedparser)");
        return None;
    }
    Some(serde_json::from_str(&text).unwrap_or_else(|e| panic!("feedparser: {e}: {text}")))
}
