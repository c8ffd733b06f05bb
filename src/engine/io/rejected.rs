//! The quarantine table: one row per record that could not be decoded.

use std::sync::{Arc, LazyLock};

use arrow_array::{ArrayRef, RecordBatch, StringArray, UInt64Array};
use arrow_schema::{DataType, Field, Schema, SchemaRef};

use crate::engine::Result;

/// A rejected record: where it is and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejected {
    pub file: String,
    /// Line of the record's first byte, from 1.
    pub line: u64,
    /// Byte offset of the record's first byte in the (decompressed) file, from 0.
    pub offset: u64,
    pub reason: String,
    /// The record's first `RAW_TEXT_LIMIT` bytes (invalid UTF-8 shown as U+FFFD).
    pub raw: String,
    /// The record's full length in bytes.
    pub raw_bytes: u64,
}

static SCHEMA: LazyLock<SchemaRef> = LazyLock::new(|| {
    Arc::new(Schema::new(vec![
        Field::new("file", DataType::Utf8, false),
        Field::new("line", DataType::UInt64, false),
        Field::new("offset", DataType::UInt64, false),
        Field::new("reason", DataType::Utf8, false),
        Field::new("raw", DataType::Utf8, false),
        Field::new("raw_bytes", DataType::UInt64, false),
    ]))
});

/// The schema of the quarantine table.
pub fn schema() -> SchemaRef {
    Arc::clone(&SCHEMA)
}

pub fn to_batch(rows: &[Rejected]) -> Result<RecordBatch> {
    let strings = |get: fn(&Rejected) -> &str| -> ArrayRef {
        Arc::new(rows.iter().map(|r| Some(get(r))).collect::<StringArray>())
    };
    let numbers =
        |get: fn(&Rejected) -> u64| -> ArrayRef { Arc::new(rows.iter().map(get).collect::<UInt64Array>()) };
    Ok(RecordBatch::try_new(
        schema(),
        vec![
            strings(|r| &r.file),
            numbers(|r| r.line),
            numbers(|r| r.offset),
            strings(|r| &r.reason),
            strings(|r| &r.raw),
            numbers(|r| r.raw_bytes),
        ],
    )?)
}
