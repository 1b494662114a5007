//! `kpolicy watch`: keep the index current while files come and go.
//!
//! File-system events (notify) only say *that* something changed; after a quiet period of
//! `--debounce` ms the same incremental pass as `kpolicy index` runs with the writer this
//! process holds. That pass skips unchanged files by mtime + size, so its cost is a directory
//! walk plus the changed files. A half-written file is picked up again by the next event once
//! the writer of that file finishes. Ctrl-C stops after the current commit.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

use super::args::WatchArgs;
use super::{render, Outcome};
use crate::analysis::Analyzer;
use crate::data::Resources;
use crate::error::{Error, Result};
use crate::index::update::{self, UpdateOptions};
use crate::index::KIndex;
use crate::ingest::Pipeline;

/// How often the loop wakes up to check for Ctrl-C while idle.
const TICK: Duration = Duration::from_millis(100);

pub fn run(res: &Resources, analyzer: &Analyzer, a: WatchArgs) -> Result<Outcome> {
    let dirs = super::corpus_dirs(&a.dirs)?;
    let kindex = KIndex::open_or_create(&a.index.index, analyzer, false)?;
    let mut writer = kindex.writer(a.writer_memory.max(16) * 1024 * 1024)?;
    let opts = UpdateOptions {
        keep_deleted: a.keep_deleted,
        ..UpdateOptions::default()
    };

    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = stop.clone();
        ctrlc::set_handler(move || stop.store(true, Ordering::SeqCst))
            .map_err(|e| Error::Usage(format!("cannot install the Ctrl-C handler: {e}")))?;
    }

    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |ev: notify::Result<notify::Event>| {
        if let Ok(ev) = ev {
            if !matches!(ev.kind, notify::EventKind::Access(_)) {
                let _ = tx.send(());
            }
        }
    })
    .map_err(|e| Error::Usage(format!("cannot watch files: {e}")))?;
    for d in &dirs {
        watcher
            .watch(d, RecursiveMode::Recursive)
            .map_err(|e| Error::Usage(format!("cannot watch {}: {e}", d.display())))?;
    }

    // First pass: catch up with what changed while nobody was watching.
    let report = |s: &update::Summary| {
        if a.json {
            if let Ok(line) = serde_json::to_string(s) {
                println!("{line}");
            }
        } else {
            render::index_summary(s, &a.index.index, false);
        }
    };
    let pipe = Pipeline::new(analyzer, res);
    let s = update::update_dirs(&kindex, &mut writer, &dirs, &pipe, &opts, &mut |_| {})?;
    report(&s);
    if !a.json {
        eprintln!(
            "watching {} (Ctrl-C to stop)",
            dirs.iter()
                .map(|d| d.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }

    let debounce = Duration::from_millis(a.debounce);
    let mut dirty_since: Option<Instant> = None;
    while !stop.load(Ordering::SeqCst) {
        match rx.recv_timeout(TICK) {
            Ok(()) => {
                dirty_since = Some(Instant::now());
                // Drain a burst.
                while rx.try_recv().is_ok() {}
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
        if let Some(t) = dirty_since {
            if t.elapsed() >= debounce {
                dirty_since = None;
                let s =
                    update::update_dirs(&kindex, &mut writer, &dirs, &pipe, &opts, &mut |_| {})?;
                if s.added + s.updated + s.removed + s.failed + s.skipped > 0 {
                    report(&s);
                }
            }
        }
    }
    drop(watcher);
    writer.wait_merging_threads()?;
    if !a.json {
        eprintln!("stopped; the index is committed");
    }
    Ok(Outcome::Ok)
}
