//! The search thread pool: one long-lived helper thread that takes half of a large search.
//!
//! A search of a large index ([`large`]) shares two pieces of work between two threads: the
//! pass over the matches (`pass`, half of the segments each) and loading and snippeting the
//! page's documents (`hit`, half of the hits each). Spawning a thread for each of them would
//! cost a noticeable share of a fast query (docs/performance.md), so the helper is started
//! once per process, on first use, and sleeps between searches. Searches running on several
//! threads at once (a server) do not queue for the one helper: while it is taken, [`both`]
//! runs both halves on the calling thread, which is itself one of the server's threads.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

use tantivy::Searcher;

/// Indexes of at least this many documents (deleted ones included: they are visited too)
/// are searched on two threads; below, a search is too short for the hand-over to pay.
const PARALLEL_MIN_DOCS: u64 = 20_000;

/// Whether a search of `searcher` is worth sharing between two threads.
pub(crate) fn large(searcher: &Searcher) -> bool {
    let docs: u64 = searcher
        .segment_readers()
        .iter()
        .map(|s| u64::from(s.max_doc()))
        .sum();
    docs >= PARALLEL_MIN_DOCS
}

/// Set while a call of [`both`] has the helper.
static TAKEN: AtomicBool = AtomicBool::new(false);

/// Clears [`TAKEN`] when the call that set it ends, panicking or not.
struct Taken;

impl Drop for Taken {
    fn drop(&mut self) {
        TAKEN.store(false, Ordering::Release);
    }
}

/// Runs `mine` on the calling thread and `theirs` on the helper thread, and returns both
/// results once both are done. A panic in either is resumed on the calling thread. Without a
/// helper thread (one core, or it could not be started), or while another thread's search
/// has it, both run on the calling thread, one after the other.
pub(crate) fn both<A, B, RA, RB>(mine: A, theirs: B) -> (RA, RB)
where
    A: FnOnce() -> RA,
    B: FnOnce() -> RB + Send,
    RB: Send,
{
    let free = || {
        TAKEN
            .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
    };
    let Some(pool) = pool().filter(|_| free()) else {
        let b = theirs();
        return (mine(), b);
    };
    let _taken = Taken;
    let mut b = None;
    let a = pool.in_place_scope(|scope| {
        scope.spawn(|_| b = Some(theirs()));
        mine()
    });
    // The scope returns only after the spawned half has finished (or resumes its panic).
    match b {
        Some(b) => (a, b),
        None => unreachable!("the helper's half finished without a result"),
    }
}

/// The helper: a pool of one thread (the calling thread does the other half); none on a
/// machine with one core, where a second thread could only take turns with the first.
fn pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    POOL.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        if cores < 2 {
            return None;
        }
        rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .thread_name(|_| "kpolicy-search".to_string())
            .build()
            .ok()
    })
    .as_ref()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tries `attempt` until it says it is done, for up to a minute: other tests of this
    /// process take the helper too (one that panics on it holds it while the panic message
    /// and its backtrace are printed).
    fn until(mut attempt: impl FnMut() -> bool) -> bool {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while std::time::Instant::now() < deadline {
            if attempt() {
                return true;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        false
    }

    /// Whether the helper (eventually) runs the second half of a call of [`both`].
    fn helper_runs_a_half() -> bool {
        until(|| {
            let (_, name) = both(|| (), || std::thread::current().name().map(String::from));
            name.as_deref() == Some("kpolicy-search")
        })
    }

    #[test]
    fn both_halves_run_and_borrow() {
        let data: Vec<u64> = (1..=1000).collect();
        let (lo, hi) = data.split_at(500);
        let (a, b) = both(|| lo.iter().sum::<u64>(), || hi.iter().sum::<u64>());
        assert_eq!(a + b, 500_500);
        assert_eq!(b, (501..=1000).sum::<u64>());
    }

    #[test]
    fn a_panic_on_the_helper_reaches_the_caller() {
        let r = std::panic::catch_unwind(|| both(|| 1, || -> u32 { panic!("helper half") }));
        assert!(r.is_err());
        // The helper is given back and used again.
        assert_eq!(both(|| 2, || 3), (2, 3));
        if pool().is_some() {
            assert!(helper_runs_a_half());
        }
    }

    /// A search that finds the helper taken by another thread's search runs its second half
    /// itself instead of waiting for the helper.
    #[test]
    fn a_taken_helper_is_not_waited_for() {
        if pool().is_none() {
            return; // one core: there is no helper to take
        }
        let me = std::thread::current().id();
        let checked = until(|| {
            let (started_tx, started_rx) = std::sync::mpsc::channel();
            let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
            let holder = std::thread::spawn(move || {
                both(
                    || release_rx.recv().is_ok(),
                    move || started_tx.send(std::thread::current().name().map(String::from)),
                )
            });
            // The holder's second half has started; on the helper, it keeps the helper taken
            // until released.
            let on_helper = started_rx.recv().expect("the holder's half ran");
            let held = on_helper.as_deref() == Some("kpolicy-search");
            if held {
                let (a, b) = both(|| 1, || std::thread::current().id());
                assert_eq!((a, b), (1, me), "ran on the calling thread");
            }
            release_tx.send(()).expect("holder waiting");
            assert!(holder.join().is_ok(), "holder finished");
            held
        });
        assert!(checked, "the holder never got the helper");
        assert!(helper_runs_a_half(), "the helper is given back");
    }
}
