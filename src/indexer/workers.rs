//! The indexer's one worker pool: analysis on every core, writing on the calling thread.
//!
//! Workers take the next input from a shared source (a list of files, or a JSON-lines stream
//! read a line at a time), turn it into articles (reading, cleaning, Korean analysis,
//! extraction: nearly all of the CPU time of indexing) and hand the result to the calling
//! thread through a bounded queue. The calling thread writes results in the order they arrive,
//! so no core waits for a batch and the writer never holds more than [`QUEUE_DEPTH`] results.

use std::sync::mpsc;
use std::sync::Mutex;

use crate::error::Result;

/// Results waiting for the writer; bounds memory when analysis outruns indexing.
const QUEUE_DEPTH: usize = 256;

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
/// `apply` on this thread, in any order. After `apply` fails, the remaining results are drained
/// (so the workers can finish) and the first error is returned.
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
    let queue = Mutex::new(source);
    let (tx, rx) = mpsc::sync_channel::<D>(QUEUE_DEPTH);
    std::thread::scope(|s| {
        for _ in 0..threads {
            let tx = tx.clone();
            let (queue, process) = (&queue, &process);
            s.spawn(move || loop {
                let item = match queue.lock() {
                    Ok(mut source) => source.next(),
                    Err(_) => None,
                };
                let Some(item) = item else { break };
                if tx.send(process(item)).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        let mut result = Ok(());
        for done in rx {
            if result.is_ok() {
                result = apply(done);
            }
        }
        result
    })
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
            |n| n * 2,
            |d| {
                seen.push(d);
                Ok(())
            },
        )
        .unwrap();
        seen.sort_unstable();
        assert_eq!(seen, (0..1000).map(|n| n * 2).collect::<Vec<_>>());
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
