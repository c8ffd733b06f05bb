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

fn cpus() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// The most threads a pool may have: 4 per CPU (at least 8). The work is CPU-bound, so more
/// only adds switching, and a mistyped count would start thousands of OS threads.
pub fn max_threads() -> usize {
    (cpus() * 4).max(8)
}

fn check(threads: i64, source: &str) -> Result<usize> {
    let max = max_threads();
    match usize::try_from(threads) {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(Error::spec(format!(
            "{source} must be a whole number of threads from 1 to {max} (4 per CPU, at least 8), not {threads}"
        ))),
    }
}

/// The starting thread count from `POLLUTRACK_NUM_THREADS`; `None` when it is not set (one
/// thread per CPU; an empty value counts as not set). A value that is not a count in range is an error naming it.
pub fn threads_from_env() -> Result<Option<usize>> {
    let Some(raw) = std::env::var_os(THREADS_ENV) else { return Ok(None) };
    let text = raw.to_string_lossy();
    if text.trim().is_empty() {
        return Ok(None); // `POLLUTRACK_NUM_THREADS=` reads as unset, as shells mean it
    }
    let source = format!("{THREADS_ENV}={text:?}");
    match text.trim().parse::<i64>() {
        Ok(n) => check(n, &source).map(Some),
        Err(_) => Err(Error::spec(format!(
            "{source} must be a whole number of threads from 1 to {}",
            max_threads()
        ))),
    }
}

/// An invalid environment value is reported where Python imports the extension
/// (`threads_from_env`); a pure-Rust user falls back to one thread per CPU.
fn default_threads() -> usize {
    threads_from_env().ok().flatten().unwrap_or_else(cpus)
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

/// Replaces the pool; running work finishes on the old one. The count must be from 1 to
/// `max_threads()`.
pub fn set_num_threads(threads: i64) -> Result<()> {
    let threads = check(threads, "the thread count")?;
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
        assert!(set_num_threads(-1).is_err());
        let too_many = set_num_threads(max_threads() as i64 + 1).unwrap_err().to_string();
        assert!(too_many.contains(&format!("from 1 to {}", max_threads())), "{too_many}");
        set_num_threads(max_threads() as i64).unwrap();
        assert_eq!(num_threads(), max_threads());
    }

    #[test]
    fn bounds() {
        assert!(max_threads() >= 8);
        assert_eq!(check(1, "n").unwrap(), 1);
        let message = check(0, "POLLUTRACK_NUM_THREADS=\"0\"").unwrap_err().to_string();
        assert!(message.contains("POLLUTRACK_NUM_THREADS=\"0\" must be a whole number of threads from 1 to"));
        assert!(message.ends_with("not 0"), "{message}");
    }
}
