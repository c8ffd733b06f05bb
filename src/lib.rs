//! pollutrack: air quality indices and value mappings on Arrow data.
//!
//! `engine` is pure Rust (arrow-rs, rayon) and knows nothing of Python; `bindings` is the thin
//! pyo3 layer, compiled only with the `python` feature that maturin turns on.

pub mod engine;

#[cfg(feature = "python")]
mod bindings;
