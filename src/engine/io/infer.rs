//! Schema inference on the validating pass: the valid records of the sample are counted value
//! by value (what kind each key holds), and each column takes the kind most values have.
//! Records that fail the check are not in the sample, so they never shape the schema.
//!
//! Rules, per key (nulls aside):
//! - object, array or scalar: whichever most values are (ties: scalar, then array); the other
//!   records are rejected when decoded, naming the key;
//! - scalars: numeric (int64 when every numeric value is an integer, else float64) when at
//!   least one value is a JSON number and numbers plus numeric strings (`"12.5"`) are more than
//!   half; boolean when all are booleans; a timestamp when all are ISO-8601 date-times, UTC
//!   when every one has an offset, zone-less when none has; otherwise string (numbers and
//!   booleans kept as their text);
//! - only nulls: a null column;
//! - top-level columns in the order keys first appear, struct fields in name order.

use std::collections::HashMap;
use std::sync::Arc;

use arrow_schema::{DataType, Field, Fields, Schema, TimeUnit};

use crate::engine::io::timestamps;
use crate::engine::io::validate::{unescape, Scalar, Visit};

/// Nesting deeper than this is left out of an inferred schema (those keys are ignored).
pub const INFER_DEPTH: usize = 32;

#[derive(Debug, Default, Clone)]
struct Counts {
    bools: u64,
    ints: u64,
    floats: u64,
    int_strings: u64,
    float_strings: u64,
    zoned_times: u64,
    local_times: u64,
    strings: u64,
    objects: u64,
    arrays: u64,
}

#[derive(Debug, Default)]
struct Acc {
    counts: Counts,
    /// Keys in first-seen order with their accumulator.
    fields: Vec<(Vec<u8>, usize)>,
    index: HashMap<Vec<u8>, usize>,
    item: Option<usize>,
    /// Reached deeper than [`INFER_DEPTH`]: left out of the schema.
    too_deep: bool,
}

/// Counts the kinds of the sampled values (a [`Visit`] on the validating pass).
#[derive(Debug)]
pub struct Infer {
    accs: Vec<Acc>,
    /// Open containers: their accumulator and whether they are objects (`None` when deeper
    /// than [`INFER_DEPTH`]).
    frames: Vec<Option<(usize, bool)>>,
    next: Option<usize>,
    scratch: Vec<u8>,
}

impl Default for Infer {
    fn default() -> Self {
        Self { accs: vec![Acc::default()], frames: Vec::new(), next: Some(0), scratch: Vec::new() }
    }
}

fn numeric_string(raw: &[u8]) -> Option<bool> {
    let first = *raw.first()?;
    if !(first == b'-' || first.is_ascii_digit()) {
        return None;
    }
    match crate::engine::io::validate::number(raw, 0) {
        Ok((end, integer)) if end == raw.len() => Some(integer),
        _ => None,
    }
}

/// A string that reads as an ISO-8601 date and time (a date alone stays a string).
fn datetime(text: &[u8]) -> Option<bool> {
    let b = text;
    let shaped =
        b.len() >= 16 && b[4] == b'-' && b[7] == b'-' && matches!(b[10], b'T' | b't' | b' ') && b[13] == b':';
    shaped.then(|| timestamps::parse(text, TimeUnit::Microsecond).map(|i| i.offset)).flatten()
}

impl Infer {
    /// Before a record; only valid records are counted (the caller checks them first).
    pub fn begin(&mut self) {
        self.frames.clear();
        self.next = Some(0);
    }

    fn target(&mut self) -> Option<usize> {
        match self.frames.last() {
            None | Some(Some((_, true))) => self.next,
            Some(None) => None,
            Some(Some((id, false))) => {
                let id = *id;
                if let Some(item) = self.accs[id].item {
                    return Some(item);
                }
                self.accs.push(Acc::default());
                let item = self.accs.len() - 1;
                self.accs[id].item = Some(item);
                Some(item)
            }
        }
    }

    /// The schema of the records counted so far.
    pub fn schema(&self) -> Schema {
        Schema::new(self.fields(0))
    }

    /// The fields of an object's accumulator, without those nested too deep.
    fn fields(&self, id: usize) -> Vec<Field> {
        let kept = self.accs[id].fields.iter().filter(|(_, child)| !self.accs[*child].too_deep);
        kept.map(|(name, child)| self.field(name, *child)).collect()
    }

    fn field(&self, name: &[u8], id: usize) -> Field {
        Field::new(String::from_utf8_lossy(name), self.data_type(id), true)
    }

    fn data_type(&self, id: usize) -> DataType {
        let acc = &self.accs[id];
        let c = &acc.counts;
        let numeric = c.ints + c.floats + c.int_strings + c.float_strings;
        let times = c.zoned_times + c.local_times;
        let scalars = c.bools + numeric + times + c.strings;
        if scalars + c.objects + c.arrays == 0 {
            return DataType::Null;
        }
        if c.objects > scalars && c.objects > c.arrays {
            let mut fields = self.fields(id);
            fields.sort_by(|a, b| a.name().cmp(b.name()));
            return DataType::Struct(Fields::from(fields));
        }
        if c.arrays > scalars {
            let item = acc.item.map_or(DataType::Null, |item| self.data_type(item));
            return DataType::List(Arc::new(Field::new("item", item, true)));
        }
        if c.ints + c.floats > 0 && 2 * numeric > scalars {
            return if c.floats + c.float_strings == 0 { DataType::Int64 } else { DataType::Float64 };
        }
        if c.bools == scalars {
            return DataType::Boolean;
        }
        if c.zoned_times == scalars {
            return DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()));
        }
        if c.local_times == scalars {
            return DataType::Timestamp(TimeUnit::Microsecond, None);
        }
        DataType::Utf8
    }
}

impl Visit for Infer {
    fn open(&mut self, object: bool) -> Result<(), String> {
        let target = self.target();
        if self.frames.len() >= INFER_DEPTH {
            if let Some(id) = target {
                self.accs[id].too_deep = true;
            }
        }
        let frame = if self.frames.len() >= INFER_DEPTH { None } else { target };
        if let Some(id) = frame {
            let counts = &mut self.accs[id].counts;
            if object {
                counts.objects += 1;
            } else {
                counts.arrays += 1;
            }
        }
        self.frames.push(frame.map(|id| (id, object)));
        self.next = None;
        Ok(())
    }

    fn close(&mut self) {
        self.frames.pop();
        self.next = None;
    }

    fn key(&mut self, key: &[u8], _: u64) {
        self.next = match self.frames.last() {
            Some(Some((id, true))) => {
                let id = *id;
                if let Some(&child) = self.accs[id].index.get(key) {
                    Some(child)
                } else {
                    let child = self.accs.len();
                    self.accs.push(Acc::default());
                    self.accs[id].fields.push((key.to_vec(), child));
                    self.accs[id].index.insert(key.to_vec(), child);
                    Some(child)
                }
            }
            _ => None,
        };
    }

    fn scalar(&mut self, value: Scalar<'_>) -> Result<(), String> {
        let Some(id) = self.target() else { return Ok(()) };
        let text = match value {
            Scalar::Str { raw, escaped: true } => {
                self.scratch.clear();
                unescape(raw, &mut self.scratch);
                Some(std::mem::take(&mut self.scratch))
            }
            _ => None,
        };
        let c = &mut self.accs[id].counts;
        match value {
            Scalar::Null => {}
            Scalar::Bool(_) => c.bools += 1,
            Scalar::Number { integer: true, .. } => c.ints += 1,
            Scalar::Number { .. } => c.floats += 1,
            Scalar::Str { raw, escaped } => {
                let raw = if escaped { text.as_deref().unwrap_or(raw) } else { raw };
                match (numeric_string(raw), datetime(raw)) {
                    (Some(true), _) if !escaped => c.int_strings += 1,
                    (Some(false), _) if !escaped => c.float_strings += 1,
                    (_, Some(true)) => c.zoned_times += 1,
                    (_, Some(false)) => c.local_times += 1,
                    _ => c.strings += 1,
                }
            }
        }
        if let Some(text) = text {
            self.scratch = text;
        }
        Ok(())
    }
}
