//! What a folder update has to do: compare the files on disk with what the index holds, and
//! list the files to read and the inputs that are gone.
//!
//! A file whose size and mtime match the index is unchanged without being read. One that
//! differs is read; the worker then skips it if its content hash still matches (a touched file).
//! A file under a path the walk could not read is never counted as deleted.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::index::{FileState, KEY_SEP};
use crate::ingest::{self, FoundFile, Problem};

/// One file to (re)read and analyse.
pub(super) struct Job {
    pub file: FoundFile,
    /// The index's key for the file: `<canonical root>\u{1f}<path relative to the root>`.
    pub file_key: String,
    /// The index already holds documents of this file.
    pub existed: bool,
    /// Re-extract even if the content is unchanged: the folder's learned boilerplate changed.
    pub force: bool,
}

/// The work of one folder update.
pub(super) struct Plan {
    pub jobs: Vec<Job>,
    /// Files found unchanged by size and mtime, by key (a change of their folder's learned
    /// boilerplate may still send them to be read again).
    pub unchanged: HashMap<String, FoundFile>,
    /// Problems met while walking (unreadable entries, unsupported types …), in walk order.
    pub problems: Vec<Problem>,
    /// Keys of indexed files that are no longer on disk (empty with `keep_deleted`).
    pub gone: Vec<String>,
}

/// Walks `roots` and compares them with `state`; `data_changed` makes every file a job.
pub(super) fn plan(
    roots: &[PathBuf],
    state: &HashMap<String, FileState>,
    data_changed: bool,
    keep_deleted: bool,
) -> Result<Plan> {
    let mut plan = Plan {
        jobs: Vec::new(),
        unchanged: HashMap::new(),
        problems: Vec::new(),
        gone: Vec::new(),
    };
    let mut seen: HashSet<String> = HashSet::new();
    let mut root_prefixes = Vec::new();
    let mut unreadable: Vec<String> = Vec::new();
    for root in roots {
        let canon = root.canonicalize().map_err(|e| Error::File {
            path: root.clone(),
            source: e,
        })?;
        if !canon.is_dir() {
            return Err(Error::Usage(format!(
                "{} is not a folder; pass a folder of articles, or --jsonl FILE",
                root.display()
            )));
        }
        let prefix = format!("{}{KEY_SEP}", canon.display());
        root_prefixes.push(prefix.clone());
        let (files, problems) = ingest::walk(root);
        for p in problems {
            // Whatever lies under a path the walk could not read is kept in the index: a
            // folder that is unreadable today is not a folder whose articles were deleted.
            if let Ok(rel) = Path::new(&p.path).strip_prefix(root) {
                if let Some(rel) = rel.to_str() {
                    unreadable.push(format!("{prefix}{}", rel.replace('\\', "/")));
                }
            }
            plan.problems.push(p);
        }
        for file in files {
            let file_key = format!("{prefix}{}", file.rel);
            seen.insert(file_key.clone());
            let old = state.get(&file_key);
            if let Some(old) = old {
                if !data_changed && old.mtime == file.mtime && old.size == file.size {
                    plan.unchanged.insert(file_key, file);
                    continue;
                }
            }
            plan.jobs.push(Job {
                existed: old.is_some(),
                file,
                file_key,
                force: false,
            });
        }
    }
    if !keep_deleted {
        for key in state.keys() {
            let ours = root_prefixes.iter().any(|p| key.starts_with(p.as_str()));
            let shielded = unreadable
                .iter()
                .any(|u| key == u || key.starts_with(&format!("{u}/")));
            if ours && !seen.contains(key) && !shielded {
                plan.gone.push(key.clone());
            }
        }
    }
    Ok(plan)
}
