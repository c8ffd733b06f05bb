//! The schema check that rides on the validating pass: each value is checked against its
//! column's type, so a record the decoder would misread (a fraction in an integer column, a
//! number out of a float32's range, a bare number or a mismatched offset in a timestamp
//! column, an object where a number belongs) is rejected with the key named instead. Top-level
//! columns of simple types are built here, once, straight from the record's bytes (`direct`).

use std::sync::Arc;

use arrow_schema::{DataType, Field, Schema, TimeUnit};

use crate::engine::io::direct::{Column, Kind};
use crate::engine::io::timestamps::{self, Instant};
use crate::engine::io::validate::{fingerprint, unescape, Scalar, Visit};

mod values;
use values::{describe, mismatch, number_value, quote, Number};

#[derive(Clone, Debug)]
enum Ty {
    Null,
    Bool,
    Int {
        min: i128,
        max: i128,
    },
    /// The largest finite magnitude of the float type.
    Float {
        max: f64,
    },
    Text,
    Timestamp {
        unit: TimeUnit,
        zoned: bool,
    },
    Struct,
    List,
    /// Any other type: left to the decoder (a failure there still rejects only its record).
    Other,
}

#[derive(Debug)]
struct Node {
    ty: Ty,
    /// The column's path for messages (`pos.lat`, `tags[]`).
    path: String,
    type_name: String,
    /// Field names with their fingerprints, and node ids.
    fields: Vec<(Vec<u8>, u64, usize)>,
    item: usize,
    /// The slot of a top-level column built here rather than by the decoder.
    slot: Option<usize>,
}

/// The schema as a tree of checks; node 0 is the record.
#[derive(Debug)]
pub struct Plan {
    nodes: Vec<Node>,
    epoch: Option<TimeUnit>,
    /// Top-level columns built by the check: (field index, kind).
    pub direct: Vec<(usize, Kind)>,
}

fn int_range(dt: &DataType) -> Option<(i128, i128)> {
    Some(match dt {
        DataType::Int8 => (i8::MIN.into(), i8::MAX.into()),
        DataType::Int16 => (i16::MIN.into(), i16::MAX.into()),
        DataType::Int32 => (i32::MIN.into(), i32::MAX.into()),
        DataType::Int64 => (i64::MIN.into(), i64::MAX.into()),
        DataType::UInt8 => (0, u8::MAX.into()),
        DataType::UInt16 => (0, u16::MAX.into()),
        DataType::UInt32 => (0, u32::MAX.into()),
        DataType::UInt64 => (0, u64::MAX.into()),
        _ => return None,
    })
}

impl Plan {
    /// `epoch`: the unit bare numbers in top-level timestamp columns count since 1970 (none:
    /// such numbers are rejected).
    pub fn new(schema: &Schema, epoch: Option<TimeUnit>) -> Self {
        let mut plan = Self { nodes: Vec::new(), epoch, direct: Vec::new() };
        let root = plan.add(DataType::Struct(schema.fields().clone()), "");
        for (i, field) in schema.fields().iter().enumerate() {
            if let Some(kind) = Kind::of(field.data_type()) {
                let child = plan.nodes[root].fields[i].2;
                plan.nodes[child].slot = Some(plan.direct.len());
                plan.direct.push((i, kind));
            }
        }
        plan
    }

    fn add(&mut self, dt: DataType, path: &str) -> usize {
        if let DataType::Dictionary(_, value) = dt {
            // Checked as its values; the decoder reads those and the column is cast after.
            return self.add(*value, path);
        }
        let id = self.nodes.len();
        let ty = match &dt {
            DataType::Null => Ty::Null,
            DataType::Boolean => Ty::Bool,
            DataType::Float16 => Ty::Float { max: 65_504.0 },
            DataType::Float32 => Ty::Float { max: f64::from(f32::MAX) },
            DataType::Float64 => Ty::Float { max: f64::MAX },
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => Ty::Text,
            DataType::Timestamp(unit, tz) => Ty::Timestamp { unit: *unit, zoned: tz.is_some() },
            DataType::Struct(_) => Ty::Struct,
            DataType::List(_) | DataType::LargeList(_) => Ty::List,
            other => match int_range(other) {
                Some((min, max)) => Ty::Int { min, max },
                None => Ty::Other,
            },
        };
        let type_name = dt.to_string();
        self.nodes.push(Node {
            ty,
            path: path.to_owned(),
            type_name,
            fields: Vec::new(),
            item: 0,
            slot: None,
        });
        match dt {
            DataType::Struct(fields) => {
                for field in &fields {
                    let name = if path.is_empty() {
                        field.name().clone()
                    } else {
                        format!("{path}.{}", field.name())
                    };
                    let child = self.add(field.data_type().clone(), &name);
                    let name = field.name().as_bytes().to_vec();
                    let print = fingerprint(&name);
                    self.nodes[id].fields.push((name, print, child));
                }
            }
            DataType::List(item) | DataType::LargeList(item) => {
                let child = self.add(item.data_type().clone(), &format!("{path}[]"));
                self.nodes[id].item = child;
            }
            _ => {}
        }
        id
    }

    /// The field `key` of a struct node, trying first the one after `hint` (records mostly
    /// list their keys in one order); sets `hint` to the field found.
    fn field(&self, node: usize, key: &[u8], print: u64, hint: &mut usize) -> Option<usize> {
        let fields = &self.nodes[node].fields;
        let (before, after) = fields.split_at((*hint).min(fields.len()));
        let found =
            after.iter().chain(before).position(|(name, p, _)| *p == print && name.as_slice() == key)?;
        let at = (*hint + found) % fields.len();
        *hint = at + 1;
        Some(fields[at].2)
    }

    /// The schema the decoder builds: the columns the check builds are left out.
    pub fn decode_schema(&self, schema: &Schema) -> Schema {
        let fields: Vec<Field> = schema
            .fields()
            .iter()
            .filter(|f| Kind::of(f.data_type()).is_none())
            .map(|f| f.as_ref().clone().with_data_type(decodable(f.data_type())))
            .collect();
        Schema::new_with_metadata(fields, schema.metadata().clone())
    }
}

/// `dt` with every dictionary replaced by its value type: arrow-json reads no dictionaries, so
/// they are read as their values and cast afterwards.
pub fn decodable(dt: &DataType) -> DataType {
    match dt {
        DataType::Dictionary(_, value) => decodable(value),
        DataType::Struct(fields) => DataType::Struct(
            fields.iter().map(|f| f.as_ref().clone().with_data_type(decodable(f.data_type()))).collect(),
        ),
        DataType::List(item) => {
            DataType::List(Arc::new(item.as_ref().clone().with_data_type(decodable(item.data_type()))))
        }
        DataType::LargeList(item) => {
            DataType::LargeList(Arc::new(item.as_ref().clone().with_data_type(decodable(item.data_type()))))
        }
        other => other.clone(),
    }
}

/// The check of one record after another, filling the direct columns.
pub struct Check<'p> {
    plan: &'p Plan,
    frames: Vec<Option<usize>>,
    next: Option<usize>,
    /// The direct columns of the records accepted so far.
    pub columns: Vec<Column>,
    started: Vec<usize>,
    scratch: Vec<u8>,
    /// Per node, where the next key's field is looked for first.
    hints: Vec<usize>,
}

impl<'p> Check<'p> {
    /// `records`: how many records will be checked (the direct columns are sized for them).
    pub fn new(plan: &'p Plan, records: usize) -> Self {
        let columns = plan.direct.iter().map(|&(_, kind)| Column::new(kind, records)).collect();
        Self {
            plan,
            frames: Vec::new(),
            next: Some(0),
            columns,
            started: vec![0; plan.direct.len()],
            scratch: Vec::new(),
            hints: vec![0; plan.nodes.len()],
        }
    }

    /// Before a record.
    pub fn begin(&mut self) {
        self.frames.clear();
        self.next = Some(0);
        for (start, column) in self.started.iter_mut().zip(&self.columns) {
            *start = column.len();
        }
    }

    /// After a record: an accepted one gets nulls for its missing keys, a rejected one loses
    /// the values it added.
    pub fn end(&mut self, accepted: bool) {
        for (&start, column) in self.started.iter().zip(&mut self.columns) {
            if !accepted {
                column.truncate(start);
            } else if column.len() == start {
                column.push_null();
            }
        }
    }

    fn target(&self) -> Option<usize> {
        match self.frames.last() {
            None => self.next,
            Some(None) => None,
            Some(Some(id)) => match self.plan.nodes[*id].ty {
                Ty::List => Some(self.plan.nodes[*id].item),
                _ => self.next,
            },
        }
    }

    /// A string's text, or a number's or boolean's, into a string column.
    fn push_text(&mut self, slot: usize, value: Scalar<'_>) {
        let column = &mut self.columns[slot];
        match value {
            Scalar::Str { raw, escaped: true } => {
                self.scratch.clear();
                unescape(raw, &mut self.scratch);
                column.push_text(&self.scratch);
            }
            Scalar::Str { raw: text, .. } | Scalar::Number { text, .. } => column.push_text(text),
            Scalar::Bool(b) => column.push_text(if b { b"true" } else { b"false" }),
            Scalar::Null => {}
        }
    }

    fn timestamp(&mut self, node: &Node, value: &Scalar<'_>) -> Result<(), String> {
        let Ty::Timestamp { unit, zoned } = node.ty else { unreachable!("a timestamp node") };
        let key = &node.path;
        let instant = match *value {
            Scalar::Null => return Ok(()),
            Scalar::Number { text, .. } => match (node.slot, self.plan.epoch) {
                (Some(_), Some(epoch)) => timestamps::epoch(text, epoch, unit)
                    .ok_or_else(|| format!("key '{key}': {} is out of range for {}", quote(text, false), node.type_name))?,
                _ => {
                    return Err(format!(
                        "key '{key}': a number ({}) in a timestamp column; pass epoch_unit= to read numbers as time since 1970",
                        quote(text, false)
                    ))
                }
            },
            Scalar::Str { raw, escaped } => {
                let text = if escaped {
                    self.scratch.clear();
                    unescape(raw, &mut self.scratch);
                    self.scratch.as_slice()
                } else {
                    raw
                };
                let Some(Instant { value, offset }) = timestamps::parse(text, unit) else {
                    return Err(format!("key '{key}': {} is not a date-time", quote(text, true)));
                };
                if offset && !zoned {
                    return Err(format!(
                        "key '{key}': {} has a UTC offset, but the column {} has no time zone",
                        quote(text, true),
                        node.type_name
                    ));
                }
                if !offset && zoned {
                    return Err(format!(
                        "key '{key}': {} has no UTC offset, but the column is {}",
                        quote(text, true),
                        node.type_name
                    ));
                }
                value
            }
            Scalar::Bool(_) => return Err(mismatch(node, &describe(value))),
        };
        if let Some(slot) = node.slot {
            self.columns[slot].push_int(instant);
        }
        Ok(())
    }
}

impl Visit for Check<'_> {
    fn open(&mut self, object: bool) -> Result<(), String> {
        let frame = match self.target() {
            None => None,
            Some(id) => {
                let node = &self.plan.nodes[id];
                match (&node.ty, object) {
                    (Ty::Struct, true) | (Ty::List, false) => Some(id),
                    (Ty::Other, _) => None,
                    (_, true) => return Err(mismatch(node, "an object")),
                    (_, false) => return Err(mismatch(node, "an array")),
                }
            }
        };
        self.frames.push(frame);
        self.next = None;
        Ok(())
    }

    fn close(&mut self) {
        self.frames.pop();
        self.next = None;
    }

    fn key(&mut self, key: &[u8], print: u64) {
        self.next = match self.frames.last() {
            Some(Some(id)) => self.plan.field(*id, key, print, &mut self.hints[*id]),
            _ => None,
        };
    }

    fn scalar(&mut self, value: Scalar<'_>) -> Result<(), String> {
        let Some(id) = self.target() else { return Ok(()) };
        let plan = self.plan;
        let node = &plan.nodes[id];
        match (&node.ty, value) {
            (Ty::Timestamp { .. }, _) => self.timestamp(node, &value),
            (_, Scalar::Null) | (Ty::Other, _) => Ok(()),
            (Ty::Text, value) => {
                if let Some(slot) = node.slot {
                    self.push_text(slot, value);
                }
                Ok(())
            }
            (Ty::Bool, Scalar::Bool(b)) => {
                if let Some(slot) = node.slot {
                    self.columns[slot].push_bool(b);
                }
                Ok(())
            }
            (Ty::Int { .. } | Ty::Float { .. }, Scalar::Number { .. } | Scalar::Str { .. }) => {
                let number = number_value(node, value)?;
                if let Some(slot) = node.slot {
                    match number {
                        Number::Int(v) => self.columns[slot].push_int(v as i64),
                        Number::Float(v) => self.columns[slot].push_float(v),
                    }
                }
                Ok(())
            }
            (_, value) => Err(mismatch(node, &describe(&value))),
        }
    }
}
