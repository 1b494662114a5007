//! Helpers shared by the integration tests: the real binary and temporary folders.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The `kpolicy` binary built by cargo for this test run. `NO_COLOR` is set (output is piped
/// anyway); `--color always` still wins.
pub fn kpolicy() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("kpolicy").expect("kpolicy binary");
    cmd.env("NO_COLOR", "1");
    cmd
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
