//! Keeping an index current while files come and go (`kpolicy watch`, and a server that
//! indexes while it serves).
//!
//! File-system events (notify) only say *that* something changed; after a quiet period the same
//! incremental folder update as `kpolicy index` runs with the indexer's writer. That update
//! skips unchanged files by mtime + size, so its cost is a directory walk plus the changed
//! files. A half-written file is picked up again by the next event once its writer finishes.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

use super::{Indexer, Source, Summary};
use crate::error::{Error, Result};

/// How often the loop wakes up to check `stop` while idle.
const TICK: Duration = Duration::from_millis(100);

/// What [`watch`] reports.
#[derive(Debug, Clone, Copy)]
pub enum WatchEvent<'a> {
    /// The first update, catching up with what changed while nobody was watching.
    CaughtUp(&'a Summary),
    /// An update that changed the index or met a problem.
    Updated(&'a Summary),
}

/// Updates the index from `dirs` now and then after every burst of changes, `debounce` after
/// the last event, until `stop` is set; each update is committed before the next starts.
/// `report` hears every update; an error from it ends the watch.
pub fn watch(
    indexer: &mut Indexer,
    dirs: &[PathBuf],
    debounce: Duration,
    stop: &AtomicBool,
    report: &mut dyn FnMut(WatchEvent) -> Result<()>,
) -> Result<()> {
    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |ev: notify::Result<notify::Event>| {
        if let Ok(ev) = ev {
            if !matches!(ev.kind, notify::EventKind::Access(_)) {
                let _ = tx.send(());
            }
        }
    })
    .map_err(|e| Error::Usage(format!("cannot watch files: {e}")))?;
    for d in dirs {
        watcher
            .watch(d, RecursiveMode::Recursive)
            .map_err(|e| Error::Usage(format!("cannot watch {}: {e}", d.display())))?;
    }

    let s = indexer.update(Source::Folders(dirs), &mut |_| {})?;
    report(WatchEvent::CaughtUp(&s))?;

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
                let s = indexer.update(Source::Folders(dirs), &mut |_| {})?;
                if s.added + s.updated + s.removed + s.failed + s.skipped > 0 {
                    report(WatchEvent::Updated(&s))?;
                }
            }
        }
    }
    Ok(())
}
