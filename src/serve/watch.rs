//! `kpolicy serve --watch`: the incremental indexing of `kpolicy watch`
//! ([`crate::indexer::watch`]) on a thread of the server. Searches see each commit on their next
//! call (the index reader reloads when `meta.json` changed), and never anything half-written: a
//! tantivy commit is atomic.
//!
//! A writer held by another process (`kpolicy watch` on the same index) is waited for; an
//! error that ends the watch is printed and the server goes on with the index as it is.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use super::state::{Library, Phase, Shared};
use crate::analysis::Analyzer;
use crate::data::Resources;
use crate::error::{Error, Result};
use crate::index::KIndex;
use crate::indexer::{self, Indexer, Summary, WatchEvent};

/// How long to wait before trying a locked index again.
const RETRY_LOCKED: Duration = Duration::from_secs(1);
/// Writer memory (bytes): updates while serving are small.
const WRITER_MEMORY: usize = 64_000_000;

pub(super) struct Watch {
    pub path: PathBuf,
    /// Start from an empty index (the one there was made by another kpolicy).
    pub rebuild: bool,
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

    fn watch(&self) -> Result<()> {
        let opts = indexer::Options {
            rebuild: self.rebuild,
            writer_memory: WRITER_MEMORY,
            ..indexer::Options::default()
        };
        let mut indexer = loop {
            match Indexer::open(&self.path, self.analyzer, self.res, &opts) {
                Ok(i) => break i,
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
        indexer::watch(
            &mut indexer,
            &self.dirs,
            self.debounce,
            &self.stop,
            &mut |event| {
                match event {
                    WatchEvent::CaughtUp(s) => {
                        report(s);
                        // The first build ends here: searches may start.
                        if self.phase.library().is_err() {
                            let kindex = KIndex::open(&self.path, self.analyzer)?;
                            self.phase.set(Phase::Ready(Arc::new(Library::new(
                                Arc::new(kindex),
                                self.analyzer,
                                self.res,
                            ))));
                        }
                    }
                    WatchEvent::Updated(s) => report(s),
                }
                Ok(())
            },
        )?;
        indexer.finish()?;
        Ok(())
    }
}

fn report(s: &Summary) {
    eprintln!(
        "kpolicy serve: index: {} added, {} updated, {} removed, {} skipped, {} failed; {} documents",
        s.added, s.updated, s.removed, s.skipped, s.failed, s.documents
    );
}
