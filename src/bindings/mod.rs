//! The Python extension module `pollutrack._core`: thin wrappers that extract Python inputs,
//! run the engine with the GIL released (`py.detach`) and export Arrow results.

use pyo3::prelude::*;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod aqi;
mod errors;
mod ingest;
mod threads;

#[pymodule(gil_used = false)]
#[pyo3(name = "_core")]
fn core_module(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", crate::engine::VERSION)?;
    aqi::register(m)?;
    ingest::register(m)?;
    threads::register(m)?;
    Ok(())
}
