//! The indexer's one worker pool: analysis on every core, writing on the calling thread.
//!
//! Workers take the next input from a shared source (a list of files, or a JSON-lines stream
//! read a line at a time), turn it into articles (reading, cleaning, Korean analysis,
//! extraction: nearly all of the CPU time of indexing) and hand the result to the calling
//! thread through a bounded queue. The calling thread writes results in the order of the
//! source, whichever worker finished first: the same files give the same index, document for
//! document, so ties rank the same way on every rebuild (and an evaluation run twice gives the
//! same figures). A worker runs at most [`MAX_AHEAD`] items ahead of the writer, which bounds
//! what waits for one slow item (a large PDF).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Condvar, Mutex};

use crate::error::Result;

/// Results waiting in the channel for the writer; bounds memory when analysis outruns indexing.
const QUEUE_DEPTH: usize = 256;

/// Items a worker may take beyond the last one written: results that wait for an earlier, slower
/// one are held in order until it arrives.
const MAX_AHEAD: usize = 1024;

/// Analysis threads for `requested` (0 = one per core).
pub(super) fn thread_count(requested: usize) -> usize {
    if requested > 0 {
        return requested;
    }
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}

/// Runs `process` on every item of `source` on `threads` workers and hands each result to
/// `apply` on this thread, in the order of `source`. After `apply` fails, the remaining
/// results are drained (so the workers can finish) and the first error is returned.
///
/// The source is advanced under a lock by the worker that needs work: reading a file name or a
/// line is cheap next to analysing it. The caller keeps the source, to read what it counted.
pub(super) fn run<I, D>(
    threads: usize,
    source: &mut I,
    process: impl Fn(I::Item) -> D + Sync,
    mut apply: impl FnMut(D) -> Result<()>,
) -> Result<()>
where
    I: Iterator + Send,
    D: Send,
{
    let threads = match source.size_hint() {
        (_, Some(0)) => return Ok(()),
        (_, Some(n)) => threads.min(n),
        (_, None) => threads,
    };
    // The source and how many items were taken from it; how many results were applied.
    let queue = Mutex::new((source, 0usize));
    let written = Written {
        done: Mutex::new(0),
        moved: Condvar::new(),
        stopped: AtomicBool::new(false),
    };
    let (tx, rx) = mpsc::sync_channel::<(usize, D)>(QUEUE_DEPTH);
    std::thread::scope(|s| {
        for _ in 0..threads {
            let tx = tx.clone();
            let (queue, process, written) = (&queue, &process, &written);
            s.spawn(move || {
                let _stop = StopOnPanic(written);
                loop {
                    let item = match queue.lock() {
                        Ok(mut q) => {
                            let (source, taken) = &mut *q;
                            // Not too far ahead of the writer (it may wait for a slow item).
                            if written.wait_below(*taken) {
                                source.next().map(|item| {
                                    *taken += 1;
                                    (*taken - 1, item)
                                })
                            } else {
                                None
                            }
                        }
                        Err(_) => None,
                    };
                    let Some((n, item)) = item else { break };
                    if tx.send((n, process(item))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut result = Ok(());
        let mut waiting: BTreeMap<usize, D> = BTreeMap::new();
        let mut next = 0;
        for (n, done) in rx {
            waiting.insert(n, done);
            while let Some(done) = waiting.remove(&next) {
                next += 1;
                if result.is_ok() {
                    result = apply(done);
                }
                *written.done.lock().unwrap_or_else(|e| e.into_inner()) = next;
                written.moved.notify_all();
            }
        }
        result
    })
}

/// How many results the writer applied, for the workers to keep within [`MAX_AHEAD`] of it.
struct Written {
    done: Mutex<usize>,
    moved: Condvar,
    /// A worker panicked: its result will never come, so the others stop taking items (else
    /// they would wait for it forever) and the panic ends the run.
    stopped: AtomicBool,
}

impl Written {
    /// Waits until item `taken` is within [`MAX_AHEAD`] of the writer; false when the run
    /// stopped.
    fn wait_below(&self, taken: usize) -> bool {
        let mut done = self.done.lock().unwrap_or_else(|e| e.into_inner());
        while !self.stopped.load(Ordering::SeqCst) && taken >= *done + MAX_AHEAD {
            done = self.moved.wait(done).unwrap_or_else(|e| e.into_inner());
        }
        !self.stopped.load(Ordering::SeqCst)
    }
}

/// Held by each worker: dropped while it panics, it stops the others.
struct StopOnPanic<'a>(&'a Written);

impl Drop for StopOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.stopped.store(true, Ordering::SeqCst);
            let _done = self.0.done.lock().unwrap_or_else(|e| e.into_inner());
            self.0.moved.notify_all();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_item_is_applied_once() {
        let mut items = 0..1000u32;
        let mut seen = Vec::new();
        run(
            3,
            &mut items,
            |n| {
                // Some items take longer: later ones finish first.
                if n % 7 == 0 {
                    std::thread::sleep(std::time::Duration::from_micros(300));
                }
                n * 2
            },
            |d| {
                seen.push(d);
                Ok(())
            },
        )
        .unwrap();
        // In the source's order, whichever worker finished first.
        assert_eq!(seen, (0..1000).map(|n| n * 2).collect::<Vec<_>>());
    }

    /// A worker that panics ends the run with its panic: the others, which may be waiting
    /// for its item to be written, stop instead of waiting forever.
    #[test]
    fn a_panicking_worker_ends_the_run() {
        let mut items = 0..20_000u32;
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            run(
                2,
                &mut items,
                |n| {
                    if n == 3 {
                        // Long enough for the other worker to run MAX_AHEAD items ahead.
                        std::thread::sleep(std::time::Duration::from_millis(50));
                        panic!("item 3");
                    }
                    n
                },
                |_| Ok(()),
            )
        }));
        assert!(r.is_err());
        assert!(items.next().is_some(), "the source was not read to the end");
    }

    #[test]
    fn the_first_error_is_returned_and_the_rest_drained() {
        let mut items = 0..100u32;
        let mut applied = 0;
        let r = run(
            2,
            &mut items,
            |n| n,
            |_| {
                applied += 1;
                Err(crate::Error::Usage("stop".into()))
            },
        );
        assert!(matches!(r, Err(crate::Error::Usage(m)) if m == "stop"));
        assert_eq!(applied, 1);
        assert_eq!(items.next(), None, "the source was read to the end");
    }
}
