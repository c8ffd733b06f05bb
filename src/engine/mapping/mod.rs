//! Mappings: translate field values by a mapping sheet, report what is unmapped, detect drift.
//!
//! `readers` load sheets (`cell` turns cells into text, `header` finds the columns, `sheet`
//! turns rows into `rule`s, `json` reads JSON as written), `rules`
//! validates them into a `Mapping`, `index` builds its lookup tables, `kernel` (the lookups),
//! `write` (the output strings) and `apply` map Arrow columns through what `lookup` defines,
//! `report` counts what was not mapped, `drift` compares with `allowed` values, and `similar`
//! suggests what normalisation cannot.

pub mod allowed;
pub mod apply;
pub mod cell;
pub mod drift;
pub mod header;
pub mod index;
pub mod json;
pub mod kernel;
pub mod keys;
pub mod lookup;
pub mod normalize;
pub mod readers;
pub mod report;
pub mod rule;
pub mod rules;
pub mod sheet;
pub mod similar;
pub mod write;

pub use apply::ApplyOptions;
pub use header::ColumnNames;
pub use lookup::OnUnmapped;
pub use normalize::Normalize;
pub use report::{apply, Applied};
pub use rules::Mapping;
