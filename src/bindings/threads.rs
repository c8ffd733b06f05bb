//! Thread-count control (`pt.set_num_threads`, `pt.get_num_threads`).

use pyo3::prelude::*;

use crate::engine::parallel;

/// Sets the number of threads pollutrack computes on.
#[pyfunction]
fn set_num_threads(threads: usize) -> PyResult<()> {
    Ok(parallel::set_num_threads(threads)?)
}

/// The number of threads pollutrack computes on.
#[pyfunction]
fn get_num_threads() -> usize {
    parallel::num_threads()
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(set_num_threads, m)?)?;
    m.add_function(wrap_pyfunction!(get_num_threads, m)?)?;
    Ok(())
}
