//! `kpolicy serve --watch`: the incremental indexing of `kpolicy watch`, on a thread of the
//! server. File events only mark the folders dirty; after a quiet period the same
//! `update::update_dirs` pass runs with the writer this thread holds. Searches see each commit
//! on their next call (the index reader reloads when `meta.json` changed), and never anything
//! half-written: a tantivy commit is atomic.
//!
//! A writer held by another process (`kpolicy watch` on the same index) is waited for; errors
//! of a pass are printed and the server goes on.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

use super::state::{Library, Phase, Shared};
use crate::analysis::Analyzer;
use crate::data::Resources;
use crate::error::Error;
use crate::index::update::{self, UpdateOptions};
use crate::index::KIndex;
use crate::ingest::Pipeline;

/// How often the loop looks at the stop flag while idle, and retries a locked index.
const TICK: Duration = Duration::from_millis(100);
const RETRY_LOCKED: Duration = Duration::from_secs(1);
/// Writer memory: updates while serving are small.
const WRITER_MEMORY: usize = 64 * 1024 * 1024;

pub(super) struct Watch {
    pub kindex: Arc<KIndex>,
    pub analyzer: &'static Analyzer,
    pub res: &'static Resources,
    pub dirs: Vec<PathBuf>,
    pub debounce: Duration,
    pub phase: Shared,
    pub stop: Arc<AtomicBool>,
}

impl Watch {
    pub fn run(self) {
        if let Err(e) = self.watch() {
            eprintln!("kpolicy serve: --watch stopped: {e}");
            if self.phase.library().is_err() {
                self.phase.set(Phase::Failed(e.to_string()));
            }
        }
    }

    fn watch(&self) -> crate::Result<()> {
        let mut writer = loop {
            match self.kindex.writer(WRITER_MEMORY) {
                Ok(w) => break w,
                Err(e @ Error::Locked(_)) => {
                    if self.phase.library().is_err() {
                        self.phase.set(Phase::Building(e.to_string()));
                    }
                    if self.stop.load(Ordering::SeqCst) {
                        return Ok(());
                    }
                    std::thread::sleep(RETRY_LOCKED);
                }
                Err(e) => return Err(e),
            }
        };
        let (tx, rx) = mpsc::channel();
        let mut watcher = notify::recommended_watcher(move |ev: notify::Result<notify::Event>| {
            if let Ok(ev) = ev {
                if !matches!(ev.kind, notify::EventKind::Access(_)) {
                    let _ = tx.send(());
                }
            }
        })
        .map_err(|e| Error::Usage(format!("cannot watch files: {e}")))?;
        for d in &self.dirs {
            watcher
                .watch(d, RecursiveMode::Recursive)
                .map_err(|e| Error::Usage(format!("cannot watch {}: {e}", d.display())))?;
        }
        let pipe = Pipeline::new(self.analyzer, self.res);
        let opts = UpdateOptions::default();
        let mut pass = |first: bool| match update::update_dirs(
            &self.kindex,
            &mut writer,
            &self.dirs,
            &pipe,
            &opts,
            &mut |_| {},
        ) {
            Ok(s) => {
                if first || s.added + s.updated + s.removed + s.failed + s.skipped > 0 {
                    eprintln!(
                            "kpolicy serve: index: {} added, {} updated, {} removed, {} skipped, {} failed; {} documents",
                            s.added, s.updated, s.removed, s.skipped, s.failed, s.documents
                        );
                }
            }
            Err(e) => eprintln!("kpolicy serve: indexing failed: {e}"),
        };
        // Catch up with what changed while nobody watched; the first build ends here.
        pass(true);
        if self.phase.library().is_err() {
            self.phase.set(Phase::Ready(Arc::new(Library::new(
                self.kindex.clone(),
                self.analyzer,
                self.res,
            ))));
        }
        let mut dirty_since: Option<Instant> = None;
        while !self.stop.load(Ordering::SeqCst) {
            match rx.recv_timeout(TICK) {
                Ok(()) => {
                    dirty_since = Some(Instant::now());
                    while rx.try_recv().is_ok() {}
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
            if dirty_since.is_some_and(|t| t.elapsed() >= self.debounce) {
                dirty_since = None;
                pass(false);
            }
        }
        drop(watcher);
        writer.wait_merging_threads()?;
        Ok(())
    }
}
