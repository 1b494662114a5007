//! What the integration tests share: the real binary ([`kpolicy`], [`bin`]), temporary folders,
//! the `kpolicy serve` helper ([`server`]) and the character overlap metric ([`Overlap`]).
#![allow(dead_code)]

pub mod server;

use std::path::{Path, PathBuf};

/// The path of the `kpolicy` binary cargo built for this test run, for tests that spawn it
/// (a server, a run to kill, a shell around it).
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_kpolicy"))
}

/// The `kpolicy` binary built by cargo for this test run. `NO_COLOR` is set (output is piped
/// anyway); `--color always` still wins.
pub fn kpolicy() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::new(bin());
    cmd.env("NO_COLOR", "1");
    cmd
}

/// Runs `cmd` and returns (exit code, stdout, stderr), failing on any panic text.
pub fn run(cmd: &mut assert_cmd::Command) -> (i32, String, String) {
    let out = cmd.output().expect("run kpolicy");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let code = out.status.code().unwrap_or(-1);
    assert!(
        !stdout.contains("panicked") && !stderr.contains("panicked"),
        "kpolicy panicked:\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
    );
    assert!(
        out.status.code().is_some(),
        "kpolicy was killed by a signal: {:?}\n{stderr}",
        out.status
    );
    (code, stdout, stderr)
}

/// The `id` of every hit of a `--json` search result, in rank order.
pub fn hit_ids(v: &serde_json::Value) -> Vec<String> {
    v["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| h["id"].as_str().expect("id").to_string())
        .collect()
}

/// A temporary folder that is removed when dropped.
pub struct TempDir {
    dir: tempfile::TempDir,
}

impl TempDir {
    pub fn new() -> TempDir {
        TempDir {
            dir: tempfile::Builder::new()
                .prefix("kpolicy-test-")
                .tempdir()
                .expect("temporary folder"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `self/rel`, with parent folders created.
    pub fn join(&self, rel: &str) -> PathBuf {
        let p = self.dir.path().join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("create folder");
        }
        p
    }

    /// Writes `bytes` to `self/rel` and returns the path.
    pub fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.join(rel);
        std::fs::write(&p, bytes).expect("write file");
        p
    }
}

/// Character-level overlap of an extracted text with the expected text: the characters other
/// than whitespace, counted as multisets (so it measures lost and invented text, not their
/// order): those the two share and the two counts. Precision is `common / got`, recall
/// `common / want`. Added up over files for the totals.
#[derive(Debug, Clone, Copy, Default)]
pub struct Overlap {
    pub common: usize,
    pub got: usize,
    pub want: usize,
}

impl Overlap {
    pub fn of(got: &str, want: &str) -> Overlap {
        let count = |s: &str| {
            let mut m: std::collections::HashMap<char, usize> = std::collections::HashMap::new();
            for c in s.chars().filter(|c| !c.is_whitespace()) {
                *m.entry(c).or_default() += 1;
            }
            m
        };
        let (g, w) = (count(got), count(want));
        Overlap {
            common: g
                .iter()
                .map(|(c, n)| (*n).min(w.get(c).copied().unwrap_or(0)))
                .sum(),
            got: g.values().sum(),
            want: w.values().sum(),
        }
    }

    pub fn precision(&self) -> f64 {
        self.common as f64 / self.got.max(1) as f64
    }

    pub fn recall(&self) -> f64 {
        self.common as f64 / self.want.max(1) as f64
    }

    pub fn add(&mut self, other: Overlap) {
        self.common += other.common;
        self.got += other.got;
        self.want += other.want;
    }
}

/// Says in one line what a test skipped (`skipped: …`), on the terminal: written to standard
/// error directly, because the test harness captures `eprintln!`.
pub fn skipped(what: std::fmt::Arguments) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "skipped: {what}");
}
