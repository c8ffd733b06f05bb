//! The pure-Rust engine: no pyo3 type anywhere below this module.

pub mod aqi;
pub mod columns;
pub mod error;
pub mod io;
pub mod mapping;
pub mod parallel;
pub mod plain;
pub mod quality;
pub mod type_names;

pub use error::{Error, Result};

/// The version written into every output's metadata.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
