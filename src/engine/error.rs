//! The one error type of the engine; the bindings map each variant to one Python exception.

use arrow_schema::{ArrowError, DataType};

use super::type_names::pyarrow_name;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A column the caller named (or that a capability needs) is not in the data.
    #[error("{what}; the data has columns {available:?}")]
    ColumnNotFound { what: String, available: Vec<String> },

    /// A column has an Arrow type the capability cannot use; `data_type` is pyarrow's name for
    /// it (build it with `Error::unsupported_type`).
    #[error("column '{column}' has type {data_type}, but {expected}")]
    UnsupportedType { column: String, data_type: String, expected: String },

    /// A bad option, standard, unit, mapping sheet or breakpoint table.
    #[error("{0}")]
    InvalidSpec(String),

    /// A data value that `on_invalid="raise"` refuses; `row` counts from 0 over the whole input.
    #[error("row {row}, column '{column}': {reason} (value {value})")]
    InvalidValue { row: u64, column: String, value: f64, reason: String },

    /// A value no mapping rule maps, under `on_unmapped="error"`; `row` counts from 0.
    #[error("row {row}, field '{field}': value '{value}' is not mapped by any rule")]
    Unmapped { row: u64, field: String, value: String },
    /// A malformed JSON record under `on_error="raise"`: `line` counts from 1 and `offset` (bytes,
    /// in the decompressed file) from 0.
    #[error("{file}: line {line}, byte offset {offset}: {reason}")]
    JsonFormat { file: String, line: u64, offset: u64, reason: String },

    /// The caller stopped a running read (Ctrl-C in Python).
    #[error("interrupted")]
    Interrupted,

    /// A file that cannot be opened or read (a corrupt gzip stream included).
    #[error("{file}: {source}")]
    Io { file: String, source: std::io::Error },

    /// Anything arrow-rs reports (malformed batches, failed casts).
    #[error("arrow: {0}")]
    Arrow(#[from] ArrowError),
}

impl Error {
    pub fn spec(message: impl Into<String>) -> Self {
        Self::InvalidSpec(message.into())
    }

    /// `column` has `data_type`, which the capability cannot use; `expected` says what it needs.
    pub fn unsupported_type(column: &str, data_type: &DataType, expected: impl Into<String>) -> Self {
        Self::UnsupportedType {
            column: column.to_owned(),
            data_type: pyarrow_name(data_type),
            expected: expected.into(),
        }
    }
}
