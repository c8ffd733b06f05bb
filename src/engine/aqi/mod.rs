//! The air quality index: reference tables, exact sub-indices, per-row rules, Arrow batches.

pub mod combine;
pub mod compute;
pub mod hourly;
mod kernel;
pub mod measure;
pub mod plan;
pub mod reference;
pub mod subindex;
pub mod tables;

pub use compute::{compute, compute_batch};
pub use measure::{Measure, Pollutant, Unit};
pub use plan::{AqiOptions, AqiPlan, OnInvalid};
pub use subindex::Beyond;
