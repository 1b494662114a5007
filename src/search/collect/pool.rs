//! The search thread pool: one long-lived helper thread that takes half of a large search.
//!
//! A search of a large index ([`large`]) shares two pieces of work between two threads: the
//! pass over the matches (`pass`, half of the segments each) and loading and snippeting the
//! page's documents (`hit`, half of the hits each). Spawning a thread for each of them would
//! cost a noticeable share of a fast query (docs/performance.md), so the helper is started
//! once per process, on first use, and sleeps between searches. Searches running on many
//! threads at once share the one helper: [`both`] then waits for it.

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

/// Runs `mine` on the calling thread and `theirs` on the helper thread, and returns both
/// results once both are done. A panic in either is resumed on the calling thread. Without a
/// helper thread (one core, or it could not be started), both run on the calling thread, one
/// after the other.
pub(crate) fn both<A, B, RA, RB>(mine: A, theirs: B) -> (RA, RB)
where
    A: FnOnce() -> RA,
    B: FnOnce() -> RB + Send,
    RB: Send,
{
    let Some(pool) = pool() else {
        let b = theirs();
        return (mine(), b);
    };
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
        // The helper is still usable afterwards.
        assert_eq!(both(|| 2, || 3), (2, 3));
    }
}
