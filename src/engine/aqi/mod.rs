//! The air quality index: standards as data, exact sub-indices, per-row rules, Arrow batches.

mod aqhi;
pub mod combine;
pub mod compute;
mod decimal;
pub mod hourly;
mod kernel;
pub mod measure;
pub mod plan;
pub mod purpleair;
pub mod reference;
pub mod standard;
pub mod subindex;
mod task;

pub use compute::{compute, compute_batch};
pub use measure::{Pollutant, Unit};
pub use plan::{AqiOptions, AqiPlan, OnInvalid};
pub use standard::{resolve, Standard};
pub use subindex::{Beyond, Negative};
