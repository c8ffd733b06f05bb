//! Data-quality checks that pipelines and pytest suites assert on.

pub mod check;
pub mod keys;
pub mod reconcile;
pub mod rules;

pub use check::check;
pub use reconcile::reconcile;
pub use rules::{parse, Rule};
