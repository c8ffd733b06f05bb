//! The Python extension module `pollutrack._core`: thin wrappers that extract Python inputs,
//! run the engine with the GIL released (`py.detach`) and export Arrow results.

use pyo3::prelude::*;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod aqi;
mod errors;
mod io;
mod mapping;
mod options;
mod plain;
mod quality;
mod tables;
mod threads;

#[pymodule(gil_used = false)]
#[pyo3(name = "_core")]
fn core_module(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", crate::engine::VERSION)?;
    plain::register(m)?;
    threads::register(m)?;
    submodule(m, "aqi", aqi::register)?;
    submodule(m, "io", io::register)?;
    submodule(m, "mapping", mapping::register)?;
    submodule(m, "quality", quality::register)?;
    Ok(())
}

/// One submodule per capability, `pollutrack._core.<name>`, registered in `sys.modules` so
/// that `import pollutrack._core.aqi`, pickle and stubtest find it by its full name.
fn submodule(
    parent: &Bound<'_, PyModule>,
    name: &str,
    register: fn(&Bound<'_, PyModule>) -> PyResult<()>,
) -> PyResult<()> {
    let py = parent.py();
    let full = format!("pollutrack._core.{name}");
    let module = PyModule::new(py, &full)?;
    register(&module)?;
    parent.add(name, &module)?;
    py.import("sys")?.getattr("modules")?.set_item(full, &module)?;
    Ok(())
}
