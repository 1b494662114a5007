//! Learned boilerplate during a folder update: lines that repeat across many files of one
//! folder (menus, share bars, copyright and subscription lines) are dropped from every article
//! of that folder (see [`crate::ingest::clean::boilerplate`]). The table lives beside the index and is
//! updated with the files an update reads and the files that are gone; unchanged files whose
//! dropped lines change are sent to be extracted again.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::error::Result;
use crate::ingest::clean::boilerplate::{self, Learned};
use crate::ingest::{self, FoundFile};

use super::plan::Job;
use super::workers;

/// Updates `learned` with the files of `jobs` and the `gone` keys, and returns jobs for files of
/// `unchanged` that must be extracted again because a line they hold became boilerplate of
/// their folder (or stopped being it). Unchanged files the table does not know yet (an index
/// made before the table) are read and learned too. Reading uses the indexer's worker pool.
pub(super) fn learn_boilerplate(
    learned: &mut Learned,
    jobs: &[Job],
    unchanged: &mut HashMap<String, FoundFile>,
    gone: &[String],
    threads: usize,
    max_file_bytes: u64,
) -> Result<Vec<Job>> {
    let mut to_read: Vec<(String, &Path)> = jobs
        .iter()
        .map(|j| (j.file_key.clone(), j.file.path.as_path()))
        .collect();
    to_read.extend(
        unchanged
            .iter()
            .filter(|(k, _)| !learned.knows(k))
            .map(|(k, f)| (k.clone(), f.path.as_path())),
    );
    let gone: HashSet<&str> = gone.iter().map(String::as_str).collect();
    let stale: Vec<String> = learned
        .docs()
        .filter(|d| gone.contains(d))
        .map(str::to_string)
        .collect();
    let groups: HashSet<String> = to_read
        .iter()
        .map(|(k, _)| boilerplate::group_of(k).to_string())
        .chain(stale.iter().map(|k| boilerplate::group_of(k).to_string()))
        .collect();
    let before: HashMap<String, HashSet<u64>> = groups
        .iter()
        .map(|g| (g.clone(), learned.boilerplate(g)))
        .collect();

    let mut read: Vec<(String, Vec<u64>)> = Vec::with_capacity(to_read.len());
    workers::run(
        threads,
        &mut to_read.into_iter(),
        |(key, path)| {
            // A file that cannot be read teaches nothing; its problem is reported when it is
            // read for indexing.
            let keys = match ingest::read_file(path, max_file_bytes) {
                Ok((raws, _, _)) => {
                    let mut all: Vec<u64> = raws
                        .iter()
                        .flat_map(|r| boilerplate::candidates(&r.text))
                        .collect();
                    all.sort_unstable();
                    all.dedup();
                    all
                }
                Err(_) => Vec::new(),
            };
            (key, keys)
        },
        |done| {
            read.push(done);
            Ok(())
        },
    )?;
    for k in &stale {
        learned.remove(k);
    }
    for (key, keys) in read {
        learned.set(&key, keys);
    }

    let mut forced = Vec::new();
    for g in &groups {
        let after = learned.boilerplate(g);
        let changed: HashSet<u64> = after.symmetric_difference(&before[g]).copied().collect();
        if changed.is_empty() {
            continue;
        }
        for doc in learned.docs_with(g, &changed) {
            if let Some(file) = unchanged.remove(&doc) {
                forced.push(Job {
                    file,
                    file_key: doc,
                    existed: true,
                    force: true,
                });
            }
        }
    }
    Ok(forced)
}
