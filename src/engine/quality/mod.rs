//! Data-quality checks that pipelines and pytest suites assert on.

pub mod check;
pub mod failures;
pub mod keys;
pub mod reconcile;
pub mod rules;
pub mod tolerance;

pub use check::{check, check_with_failures};
pub use reconcile::reconcile;
pub use rules::{parse, Check, Rule, Severity};
pub use tolerance::Mostly;
