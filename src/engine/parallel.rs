//! The one place the thread count is chosen. Work is split into fixed-size row ranges that do not
//! depend on the thread count, so results are identical at 1 and N threads.

use std::sync::{Arc, RwLock};

use rayon::prelude::*;
use rayon::{ThreadPool, ThreadPoolBuilder};

use crate::engine::{Error, Result};

/// Rows per parallel task: a multiple of 64 so that tasks own whole words of a validity bitmap.
pub const TASK_ROWS: usize = 64 * 1024;

/// Environment variable that sets the starting thread count.
pub const THREADS_ENV: &str = "POLLUTRACK_NUM_THREADS";

static POOL: RwLock<Option<Arc<ThreadPool>>> = RwLock::new(None);

fn default_threads() -> usize {
    std::env::var(THREADS_ENV)
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
}

fn build(threads: usize) -> Result<Arc<ThreadPool>> {
    ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("pollutrack-{i}"))
        .build()
        .map(Arc::new)
        .map_err(|e| Error::spec(format!("cannot start {threads} threads: {e}")))
}

fn pool() -> Arc<ThreadPool> {
    if let Some(pool) = POOL.read().expect("pool lock").as_ref() {
        return Arc::clone(pool);
    }
    let mut slot = POOL.write().expect("pool lock");
    if slot.is_none() {
        let threads = default_threads();
        // Fall back to one thread rather than fail when the OS refuses more.
        *slot = Some(build(threads).or_else(|_| build(1)).expect("a one-thread pool"));
    }
    Arc::clone(slot.as_ref().expect("pool just set"))
}

/// Runs `work` inside the pollutrack pool (rayon calls within it use that pool).
pub fn install<R: Send>(work: impl FnOnce() -> R + Send) -> R {
    pool().install(work)
}

/// Runs `work` on every item in the pool and returns the results in item order. A single item
/// runs on the calling thread: no other thread could help, and the hop into the pool (waking a
/// worker, blocking the caller, the worker spinning afterwards) costs more than the 10,000-row
/// batches Spark sends take to compute.
pub fn map_tasks<T: Send, R: Send>(items: Vec<T>, work: impl Fn(T) -> R + Sync + Send) -> Vec<R> {
    if items.len() <= 1 {
        return items.into_iter().map(work).collect();
    }
    install(|| items.into_par_iter().map(work).collect())
}

/// The number of threads work runs on.
pub fn num_threads() -> usize {
    pool().current_num_threads()
}

/// Replaces the pool; running work finishes on the old one.
pub fn set_num_threads(threads: usize) -> Result<()> {
    if threads == 0 {
        return Err(Error::spec("the thread count must be at least 1"));
    }
    let new = build(threads)?;
    *POOL.write().expect("pool lock") = Some(new);
    Ok(())
}

/// Splits `0..len` into the fixed task ranges.
pub fn task_ranges(len: usize) -> Vec<std::ops::Range<usize>> {
    (0..len.div_ceil(TASK_ROWS)).map(|t| t * TASK_ROWS..((t + 1) * TASK_ROWS).min(len)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_cover_everything_once() {
        let r = task_ranges(TASK_ROWS * 2 + 5);
        assert_eq!(r, vec![0..TASK_ROWS, TASK_ROWS..2 * TASK_ROWS, 2 * TASK_ROWS..2 * TASK_ROWS + 5]);
        assert!(task_ranges(0).is_empty());
    }

    #[test]
    fn one_task_runs_on_the_caller_and_many_in_the_pool_in_order() {
        let caller = std::thread::current().id();
        let on = |_: usize| (std::thread::current().id(), rayon::current_thread_index());
        assert_eq!(map_tasks(vec![7], on), vec![(caller, None)]);
        let many = map_tasks((0..64).collect(), |i| (i, rayon::current_thread_index().is_some()));
        assert_eq!(many, (0..64).map(|i| (i, true)).collect::<Vec<_>>());
    }

    #[test]
    fn thread_count_can_change() {
        set_num_threads(3).unwrap();
        assert_eq!(num_threads(), 3);
        assert_eq!(install(rayon::current_num_threads), 3);
        assert!(set_num_threads(0).is_err());
    }
}
