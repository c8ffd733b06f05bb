//! The Python extension module `pollutrack._core`: thin wrappers that extract Python inputs,
//! run the engine with the GIL released (`py.detach`) and export Arrow results.

use pyo3::prelude::*;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod aqi;
mod aqi_hourly;
mod errors;
mod ingest;
mod mapping;
mod plain;
mod quality;
mod tables;
mod threads;

#[pymodule(gil_used = false)]
#[pyo3(name = "_core")]
fn core_module(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", crate::engine::VERSION)?;
    aqi::register(m)?;
    aqi_hourly::register(m)?;
    ingest::register(m)?;
    mapping::register(m)?;
    plain::register(m)?;
    quality::register(m)?;
    threads::register(m)?;
    Ok(())
}
