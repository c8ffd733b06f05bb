//! Thread-count control (`pt.set_num_threads`, `pt.get_num_threads`).

use pyo3::prelude::*;

use crate::engine::parallel;

/// Sets the number of threads pollutrack computes on (1 to 4 per CPU, at least 8).
#[pyfunction]
fn set_num_threads(threads: i64) -> PyResult<()> {
    Ok(parallel::set_num_threads(threads)?)
}

/// The number of threads pollutrack computes on.
#[pyfunction]
fn get_num_threads() -> usize {
    parallel::num_threads()
}

/// Fails the import when `POLLUTRACK_NUM_THREADS` holds no valid count, rather than ignoring it.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    parallel::threads_from_env()?;
    m.add_function(wrap_pyfunction!(set_num_threads, m)?)?;
    m.add_function(wrap_pyfunction!(get_num_threads, m)?)?;
    Ok(())
}
