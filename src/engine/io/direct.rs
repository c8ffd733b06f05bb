//! Top-level columns built on the checking pass: the check has read each value already, so
//! integers, floats, booleans, strings and timestamps are stored as they are checked, and the
//! arrow-json decoder only builds the other columns (structs, lists, other types), or is not
//! called at all.

use std::sync::Arc;

use arrow_array::{ArrayRef, BooleanArray, Float64Array, Int64Array, StringArray};
use arrow_buffer::{BooleanBuffer, Buffer, NullBuffer, OffsetBuffer, ScalarBuffer};
use arrow_schema::{DataType, TimeUnit};

use crate::engine::io::timestamps;
use crate::engine::{Error, Result};

/// The types built directly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Int64,
    Float64,
    Boolean,
    Utf8,
    Timestamp(TimeUnit),
}

impl Kind {
    pub fn of(data_type: &DataType) -> Option<Self> {
        Some(match data_type {
            DataType::Int64 => Self::Int64,
            DataType::Float64 => Self::Float64,
            DataType::Boolean => Self::Boolean,
            DataType::Utf8 => Self::Utf8,
            DataType::Timestamp(unit, _) => Self::Timestamp(*unit),
            _ => return None,
        })
    }
}

#[derive(Debug)]
enum Values {
    Int(Vec<i64>),
    Float(Vec<f64>),
    Bool(Vec<bool>),
    Text { offsets: Vec<i64>, data: Vec<u8> },
}

/// One column's values so far, with their validity.
#[derive(Debug)]
pub struct Column {
    values: Values,
    valid: Vec<bool>,
}

impl Column {
    pub fn new(kind: Kind, capacity: usize) -> Self {
        let values = match kind {
            Kind::Int64 | Kind::Timestamp(_) => Values::Int(Vec::with_capacity(capacity)),
            Kind::Float64 => Values::Float(Vec::with_capacity(capacity)),
            Kind::Boolean => Values::Bool(Vec::with_capacity(capacity)),
            Kind::Utf8 => {
                let mut offsets = Vec::with_capacity(capacity + 1);
                offsets.push(0);
                Values::Text { offsets, data: Vec::new() }
            }
        };
        Self { values, valid: Vec::with_capacity(capacity) }
    }

    pub fn len(&self) -> usize {
        self.valid.len()
    }

    pub fn is_empty(&self) -> bool {
        self.valid.is_empty()
    }

    /// Back to `len` values (a rejected record's are dropped).
    pub fn truncate(&mut self, len: usize) {
        self.valid.truncate(len);
        match &mut self.values {
            Values::Int(v) => v.truncate(len),
            Values::Float(v) => v.truncate(len),
            Values::Bool(v) => v.truncate(len),
            Values::Text { offsets, data } => {
                offsets.truncate(len + 1);
                data.truncate(*offsets.last().expect("offset 0") as usize);
            }
        }
    }

    pub fn push_null(&mut self) {
        self.valid.push(false);
        match &mut self.values {
            Values::Int(v) => v.push(0),
            Values::Float(v) => v.push(0.0),
            Values::Bool(v) => v.push(false),
            Values::Text { offsets, data } => offsets.push(data.len() as i64),
        }
    }

    pub fn push_int(&mut self, value: i64) {
        if let Values::Int(v) = &mut self.values {
            v.push(value);
            self.valid.push(true);
        }
    }

    pub fn push_float(&mut self, value: f64) {
        if let Values::Float(v) = &mut self.values {
            v.push(value);
            self.valid.push(true);
        }
    }

    pub fn push_bool(&mut self, value: bool) {
        if let Values::Bool(v) = &mut self.values {
            v.push(value);
            self.valid.push(true);
        }
    }

    pub fn push_text(&mut self, text: &[u8]) {
        if let Values::Text { offsets, data } = &mut self.values {
            data.extend_from_slice(text);
            offsets.push(data.len() as i64);
            self.valid.push(true);
        }
    }

    /// The Arrow array of `data_type` (the type this column was made for).
    pub fn finish(self, data_type: &DataType) -> Result<ArrayRef> {
        let nulls = NullBuffer::new(BooleanBuffer::from(self.valid.as_slice()));
        let nulls = (nulls.null_count() > 0).then_some(nulls);
        Ok(match self.values {
            Values::Int(values) if matches!(data_type, DataType::Timestamp(..)) => {
                timestamps::column(values, nulls, data_type.clone())
            }
            Values::Int(values) => Arc::new(Int64Array::new(values.into(), nulls)),
            Values::Float(values) => Arc::new(Float64Array::new(values.into(), nulls)),
            Values::Bool(values) => {
                Arc::new(BooleanArray::new(BooleanBuffer::from(values.as_slice()), nulls))
            }
            Values::Text { offsets, data } => {
                let too_long = || Error::spec("more than 2 GiB of strings in one chunk of a column");
                let offsets: Vec<i32> = offsets
                    .into_iter()
                    .map(|o| i32::try_from(o).map_err(|_| too_long()))
                    .collect::<Result<_>>()?;
                let offsets = OffsetBuffer::new(ScalarBuffer::from(offsets));
                // The check validated every string as UTF-8.
                Arc::new(StringArray::try_new(offsets, Buffer::from_vec(data), nulls)?)
            }
        })
    }
}
