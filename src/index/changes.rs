//! The change log: which article ids each commit touched, kept beside the index in
//! [`FILE_NAME`], so that `kpolicy export opensearch --since GENERATION` can say what a cluster
//! must index and delete to catch up with this index (a commit's generation is its tantivy
//! opstamp, as `/api/stats` and `/healthz` report it).
//!
//! The index alone cannot answer that: each document records when it was written
//! (`indexed_at`), but a deleted article leaves nothing behind. So the indexer appends, for
//! every commit, the ids of the articles it added, replaced or removed:
//!
//! ```text
//! {"from":0}                                  the log is complete from generation 0 on
//! {"generation":7,"ids":["a.txt","b.txt"]}     the commit that makes generation 7 touched these
//! ```
//!
//! The line is written *before* the commit it describes. A run killed in between leaves a line
//! for a commit that never happened: the export then sends the current state of a few ids that
//! did not change (an index action for an unchanged article, a delete of an id the cluster does
//! not hold), which is harmless; the reverse order could lose a commit's changes. Which action an
//! id gets is decided by the index as it is when exporting: present → index, absent → delete.
//!
//! The first line says from which generation on the log is complete: 0 for an index created
//! with it; the generation of the index when it was first written by a kpolicy that keeps the
//! log; 0 again after `--rebuild`, with the time of the rebuild (generations start over).

use std::collections::BTreeSet;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The change log's file in the index folder.
pub const FILE_NAME: &str = "changes.jsonl";

/// The log is kept under this size (64 MB): at the start of an indexing run a larger log drops
/// its oldest commits down to half of it and says from which generation on it is still
/// complete. `--since` reads the whole log, and 64 MB (about two million touched ids) reads in
/// well under a second; an older generation than the log keeps gets the one-line advice to do
/// a full export.
pub const MAX_BYTES: u64 = 64_000_000;

/// The first line of the log.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
struct Header {
    /// Changes of the commits after this generation are all recorded.
    from: u64,
    /// When the index was rebuilt (unix seconds): generations started over then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    rebuilt: Option<u64>,
}

/// One commit's line.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    generation: u64,
    ids: Vec<String>,
}

/// The writer's side of the log: opened once per [`crate::indexer::Indexer`].
#[derive(Debug)]
pub(crate) struct ChangeLog {
    path: PathBuf,
}

impl ChangeLog {
    /// Opens the log of the index at `dir`, whose last commit has generation `generation`,
    /// starting it over when the index was just created or `rebuilt`, and starting it at
    /// `generation` when an existing index has none yet.
    pub fn open(dir: &Path, generation: u64, rebuilt: bool) -> Result<ChangeLog> {
        ChangeLog::open_within(dir, generation, rebuilt, MAX_BYTES)
    }

    /// [`ChangeLog::open`] with the log kept under `max_bytes`.
    fn open_within(
        dir: &Path,
        generation: u64,
        rebuilt: bool,
        max_bytes: u64,
    ) -> Result<ChangeLog> {
        let log = ChangeLog {
            path: dir.join(FILE_NAME),
        };
        let header = if rebuilt {
            Some(Header {
                from: 0,
                rebuilt: Some(crate::index::now_secs()),
            })
        } else if generation == 0 {
            // A new index (or one never committed): nothing before it to miss.
            Some(Header {
                from: 0,
                rebuilt: None,
            })
        } else if read_header(&log.path).is_none() {
            Some(Header {
                from: generation,
                rebuilt: None,
            })
        } else {
            None
        };
        if let Some(h) = header {
            let line = format!("{}\n", serde_json::to_string(&h)?);
            std::fs::write(&log.path, line).map_err(|e| log.error(e))?;
        } else if std::fs::metadata(&log.path).is_ok_and(|m| m.len() > max_bytes) {
            log.trim(max_bytes / 2)?;
        }
        Ok(log)
    }

    /// Drops the oldest commits until the log holds at most `keep` bytes of them, and moves
    /// the header's `from` to the last generation dropped. Written beside the log and renamed
    /// over it: a kill leaves the old log or the new one.
    fn trim(&self, keep: u64) -> Result<()> {
        let text = std::fs::read_to_string(&self.path).map_err(|e| self.error(e))?;
        let mut lines = text.lines();
        let mut header: Header = match lines.next().map(serde_json::from_str) {
            Some(Ok(h)) => h,
            _ => return Ok(()),
        };
        let entries: Vec<&str> = lines.filter(|l| !l.trim().is_empty()).collect();
        let mut kept_bytes = 0u64;
        let mut first_kept = entries.len();
        for (i, line) in entries.iter().enumerate().rev() {
            kept_bytes += line.len() as u64 + 1;
            if kept_bytes > keep {
                break;
            }
            first_kept = i;
        }
        for dropped in &entries[..first_kept] {
            if let Ok(e) = serde_json::from_str::<Entry>(dropped) {
                header.from = header.from.max(e.generation);
            }
        }
        let mut out = format!("{}\n", serde_json::to_string(&header)?);
        for line in &entries[first_kept..] {
            out.push_str(line);
            out.push('\n');
        }
        let tmp = self.path.with_extension("jsonl.tmp");
        std::fs::write(&tmp, out).map_err(|e| self.error(e))?;
        std::fs::rename(&tmp, &self.path).map_err(|e| self.error(e))
    }

    /// Records that the commit making `generation` touches `ids` (before that commit).
    pub fn record(&self, generation: u64, ids: &BTreeSet<String>) -> Result<()> {
        if ids.is_empty() {
            return Ok(());
        }
        let entry = Entry {
            generation,
            ids: ids.iter().cloned().collect(),
        };
        let mut line = serde_json::to_string(&entry)?;
        line.push('\n');
        let mut f = std::fs::OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(&self.path)
            .map_err(|e| self.error(e))?;
        // A line a killed run cut short is ended first, so that it does not swallow this one.
        if !ends_with_newline(&mut f).map_err(|e| self.error(e))? {
            line.insert(0, '\n');
        }
        f.write_all(line.as_bytes()).map_err(|e| self.error(e))?;
        // On disk before the commit that it describes.
        f.sync_data().map_err(|e| self.error(e))
    }

    fn error(&self, e: std::io::Error) -> Error {
        Error::File {
            path: self.path.clone(),
            source: e,
        }
    }
}

/// Whether the file is empty or ends with a line end.
fn ends_with_newline(f: &mut std::fs::File) -> std::io::Result<bool> {
    use std::io::{Read, Seek, SeekFrom};
    if f.metadata()?.len() == 0 {
        return Ok(true);
    }
    f.seek(SeekFrom::End(-1))?;
    let mut last = [0u8; 1];
    f.read_exact(&mut last)?;
    Ok(last[0] == b'\n')
}

fn read_header(path: &Path) -> Option<Header> {
    let f = std::fs::File::open(path).ok()?;
    let mut first = String::new();
    std::io::BufReader::new(f).read_line(&mut first).ok()?;
    serde_json::from_str(first.trim()).ok()
}

/// What the log says changed after a generation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changed {
    /// Ids touched by the commits after the generation asked for, up to the index's.
    pub ids: BTreeSet<String>,
    /// When the index was rebuilt (unix seconds), if the log started over with a rebuild.
    pub rebuilt: Option<u64>,
}

/// The ids touched by the commits after `since` up to `current` (the index's generation), from
/// the log of the index at `dir`. An error, saying why and what to do instead, when the log
/// cannot answer: there is none, it starts after `since`, or `since` is newer than the index.
pub fn changed_since(dir: &Path, since: u64, current: u64) -> Result<Changed> {
    let path = dir.join(FILE_NAME);
    let full = "export without --since for a full export";
    if since > current {
        return Err(Error::Usage(format!(
            "--since {since}: the index at {} is at generation {current}, older than that \
             (rebuilt, or another index?); {full}",
            dir.display()
        )));
    }
    let Some(header) = read_header(&path) else {
        return Err(Error::Usage(format!(
            "--since {since}: {} records no changes (an index written by an older kpolicy; \
             the next `kpolicy index` starts it); {full}",
            path.display()
        )));
    };
    if since < header.from {
        return Err(Error::Usage(format!(
            "--since {since}: {} records changes from generation {} on only; {full}",
            path.display(),
            header.from
        )));
    }
    let f = std::fs::File::open(&path).map_err(|e| Error::File {
        path: path.clone(),
        source: e,
    })?;
    let mut ids = BTreeSet::new();
    for line in std::io::BufReader::new(f).lines().skip(1) {
        let line = line.map_err(|e| Error::File {
            path: path.clone(),
            source: e,
        })?;
        if line.trim().is_empty() {
            continue;
        }
        // A line cut short by a killed run is a commit that never happened (the line is
        // written before its commit).
        let Ok(entry) = serde_json::from_str::<Entry>(&line) else {
            continue;
        };
        if entry.generation > since && entry.generation <= current {
            ids.extend(entry.ids);
        }
    }
    Ok(Changed {
        ids,
        rebuilt: header.rebuilt,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(list: &[&str]) -> BTreeSet<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn commits_after_the_generation_asked_for() {
        let tmp = tempfile::tempdir().unwrap();
        let log = ChangeLog::open(tmp.path(), 0, false).unwrap();
        log.record(3, &ids(&["a", "b"])).unwrap();
        log.record(9, &ids(&["b", "c"])).unwrap();
        log.record(12, &ids(&["d"])).unwrap();
        let got = |since, current| changed_since(tmp.path(), since, current).unwrap().ids;
        assert_eq!(got(0, 12), ids(&["a", "b", "c", "d"]));
        assert_eq!(got(3, 12), ids(&["b", "c", "d"]));
        assert_eq!(got(12, 12), ids(&[]));
        // A line for a commit after the index's generation (written, then the run was killed).
        assert_eq!(got(3, 9), ids(&["b", "c"]));
    }

    #[test]
    fn an_existing_index_starts_its_log_at_its_generation() {
        let tmp = tempfile::tempdir().unwrap();
        ChangeLog::open(tmp.path(), 40, false).unwrap();
        let err = changed_since(tmp.path(), 10, 40).unwrap_err().to_string();
        assert!(err.contains("from generation 40 on only"), "{err}");
        assert!(changed_since(tmp.path(), 40, 40).unwrap().ids.is_empty());
        // Reopened: the log goes on.
        let log = ChangeLog::open(tmp.path(), 40, false).unwrap();
        log.record(41, &ids(&["x"])).unwrap();
        assert_eq!(changed_since(tmp.path(), 40, 41).unwrap().ids, ids(&["x"]));
    }

    #[test]
    fn a_rebuild_starts_over_and_says_so() {
        let tmp = tempfile::tempdir().unwrap();
        let log = ChangeLog::open(tmp.path(), 0, false).unwrap();
        log.record(5, &ids(&["old"])).unwrap();
        let log = ChangeLog::open(tmp.path(), 0, true).unwrap();
        log.record(2, &ids(&["new"])).unwrap();
        let c = changed_since(tmp.path(), 0, 2).unwrap();
        assert_eq!(c.ids, ids(&["new"]));
        assert!(c.rebuilt.is_some());
        let err = changed_since(tmp.path(), 5, 2).unwrap_err().to_string();
        assert!(err.contains("older than that"), "{err}");
    }

    #[test]
    fn a_log_over_its_size_keeps_its_newest_commits_and_says_from_when() {
        let tmp = tempfile::tempdir().unwrap();
        let log = ChangeLog::open(tmp.path(), 0, false).unwrap();
        for g in 1..=10 {
            log.record(g, &ids(&[&format!("article-{g:03}")])).unwrap();
        }
        // Each commit's line is about 40 bytes: half of a 200-byte limit keeps the newest 2.
        ChangeLog::open_within(tmp.path(), 10, false, 200).unwrap();
        let c = changed_since(tmp.path(), 8, 10).unwrap();
        assert_eq!(c.ids, ids(&["article-009", "article-010"]));
        let err = changed_since(tmp.path(), 5, 10).unwrap_err().to_string();
        assert!(err.contains("from generation 8 on only"), "{err}");
        // Under the limit: nothing dropped.
        ChangeLog::open_within(tmp.path(), 10, false, 200).unwrap();
        assert!(changed_since(tmp.path(), 8, 10).is_ok());
    }

    #[test]
    fn no_log_is_an_error_that_says_what_to_do() {
        let tmp = tempfile::tempdir().unwrap();
        let err = changed_since(tmp.path(), 0, 3).unwrap_err().to_string();
        assert!(err.contains("records no changes"), "{err}");
        assert!(err.contains("without --since"), "{err}");
    }

    #[test]
    fn a_line_cut_short_is_skipped() {
        let tmp = tempfile::tempdir().unwrap();
        let log = ChangeLog::open(tmp.path(), 0, false).unwrap();
        log.record(1, &ids(&["a"])).unwrap();
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(tmp.path().join(FILE_NAME))
            .unwrap();
        f.write_all(b"{\"generation\":2,\"ids\":[\"b").unwrap();
        assert_eq!(changed_since(tmp.path(), 0, 2).unwrap().ids, ids(&["a"]));
        // The next commit's line is whole.
        log.record(2, &ids(&["c"])).unwrap();
        assert_eq!(
            changed_since(tmp.path(), 0, 2).unwrap().ids,
            ids(&["a", "c"])
        );
    }
}
