//! The schema check that rides on the validating pass: each value is checked against its
//! column's type, so a record the decoder would misread (a fraction in an integer column, a
//! number out of a float32's range, a bare number or a mismatched offset in a timestamp
//! column, an object where a number belongs) is rejected with the key named instead. Top-level
//! timestamp columns are converted here, once, straight from the record's bytes.

use arrow_schema::{DataType, Field, Schema, TimeUnit};

use crate::engine::io::timestamps::{self, Instant};
use crate::engine::io::validate::{number, unescape, Scalar, Visit};

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
    fields: Vec<(Vec<u8>, usize)>,
    item: usize,
    /// The slot of a top-level timestamp column, converted here rather than by the decoder.
    slot: Option<usize>,
}

/// The schema as a tree of checks; node 0 is the record.
#[derive(Debug)]
pub struct Plan {
    nodes: Vec<Node>,
    epoch: Option<TimeUnit>,
    /// Top-level timestamp columns: (field index, unit).
    pub timestamp_columns: Vec<(usize, TimeUnit)>,
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
        let mut plan = Self { nodes: Vec::new(), epoch, timestamp_columns: Vec::new() };
        let root = plan.add(DataType::Struct(schema.fields().clone()), "");
        for (i, field) in schema.fields().iter().enumerate() {
            if let DataType::Timestamp(unit, _) = field.data_type() {
                let child = plan.nodes[root].fields[i].1;
                plan.nodes[child].slot = Some(plan.timestamp_columns.len());
                plan.timestamp_columns.push((i, *unit));
            }
        }
        plan
    }

    fn add(&mut self, dt: DataType, path: &str) -> usize {
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
                    self.nodes[id].fields.push((field.name().as_bytes().to_vec(), child));
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

    fn field(&self, node: usize, key: &[u8]) -> Option<usize> {
        self.nodes[node].fields.iter().find(|(name, _)| name.as_slice() == key).map(|&(_, id)| id)
    }

    /// The schema the decoder builds: the top-level timestamp columns are converted by the check.
    pub fn decode_schema(&self, schema: &Schema) -> Schema {
        let fields: Vec<Field> = schema
            .fields()
            .iter()
            .filter(|f| !matches!(f.data_type(), DataType::Timestamp(..)))
            .map(|f| f.as_ref().clone())
            .collect();
        Schema::new_with_metadata(fields, schema.metadata().clone())
    }
}

/// The top-level timestamp values of the records accepted so far, one `Vec` per column.
#[derive(Debug, Default)]
pub struct TimestampValues {
    pub columns: Vec<(Vec<i64>, Vec<bool>)>,
}

/// The check of one record after another, filling the timestamp columns.
pub struct Check<'p> {
    plan: &'p Plan,
    frames: Vec<Option<usize>>,
    next: Option<usize>,
    pub values: TimestampValues,
    started: Vec<usize>,
    scratch: Vec<u8>,
}

fn found(value: &Scalar<'_>) -> String {
    match value {
        Scalar::Null => "null".to_owned(),
        Scalar::Bool(b) => format!("{b}"),
        Scalar::Number { text, .. } => quote(text, false),
        Scalar::Str { raw, .. } => quote(raw, true),
    }
}

fn quote(text: &[u8], string: bool) -> String {
    let cut = String::from_utf8_lossy(&text[..text.len().min(40)]);
    let more = if text.len() > 40 { "..." } else { "" };
    if string {
        format!("\"{cut}{more}\"")
    } else {
        format!("{cut}{more}")
    }
}

/// A string that is exactly one JSON number.
fn numeric(raw: &[u8]) -> Option<Result<bool, String>> {
    if raw.is_empty() || !(raw[0] == b'-' || raw[0].is_ascii_digit()) {
        return None;
    }
    match number(raw, 0) {
        Ok((end, integer)) if end == raw.len() => Some(Ok(integer)),
        Err(e) if e.starts_with("number out of range") => Some(Err(e)),
        Ok(_) | Err(_) => None,
    }
}

impl<'p> Check<'p> {
    pub fn new(plan: &'p Plan) -> Self {
        let columns = plan.timestamp_columns.iter().map(|_| (Vec::new(), Vec::new())).collect();
        Self {
            plan,
            frames: Vec::new(),
            next: Some(0),
            values: TimestampValues { columns },
            started: vec![0; plan.timestamp_columns.len()],
            scratch: Vec::new(),
        }
    }

    /// Before a record.
    pub fn begin(&mut self) {
        self.frames.clear();
        self.next = Some(0);
        for (start, (values, _)) in self.started.iter_mut().zip(&self.values.columns) {
            *start = values.len();
        }
    }

    /// After a record: an accepted one gets nulls for its missing timestamps, a rejected one
    /// loses the values it added.
    pub fn end(&mut self, accepted: bool) {
        for (&start, (values, valid)) in self.started.iter().zip(&mut self.values.columns) {
            if !accepted {
                values.truncate(start);
                valid.truncate(start);
            } else if values.len() == start {
                values.push(0);
                valid.push(false);
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
            let (values, valid) = &mut self.values.columns[slot];
            values.push(instant);
            valid.push(true);
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

    fn key(&mut self, key: &[u8]) {
        self.next = match self.frames.last() {
            Some(Some(id)) => self.plan.field(*id, key),
            _ => None,
        };
    }

    fn scalar(&mut self, value: Scalar<'_>) -> Result<(), String> {
        let Some(id) = self.target() else { return Ok(()) };
        let plan = self.plan;
        let node = &plan.nodes[id];
        match (&node.ty, value) {
            (Ty::Timestamp { .. }, _) => self.timestamp(node, &value),
            (_, Scalar::Null) | (Ty::Other | Ty::Text, _) | (Ty::Bool, Scalar::Bool(_)) => Ok(()),
            (Ty::Int { .. } | Ty::Float { .. }, Scalar::Number { .. } | Scalar::Str { .. }) => {
                number_value(node, value)
            }
            (_, value) => Err(mismatch(node, &describe(&value))),
        }
    }
}

fn mismatch(node: &Node, what: &str) -> String {
    if node.path.is_empty() {
        return format!("not a JSON object: the record is {what}");
    }
    format!("key '{}': expected {}, found {what}", node.path, node.type_name)
}

fn describe(value: &Scalar<'_>) -> String {
    match value {
        Scalar::Null => "null".to_owned(),
        Scalar::Bool(_) => "a boolean".to_owned(),
        Scalar::Number { .. } => format!("the number {}", found(value)),
        Scalar::Str { .. } => format!("the string {}", found(value)),
    }
}

/// A number, or a string holding exactly one JSON number, for an integer or float column.
fn number_value(node: &Node, value: Scalar<'_>) -> Result<(), String> {
    let key = &node.path;
    let (text, string, integer) = match value {
        Scalar::Number { text, integer } => (text, false, integer),
        Scalar::Str { raw, escaped: false } => match numeric(raw) {
            Some(Ok(integer)) => (raw, true, integer),
            Some(Err(_)) => {
                return Err(format!(
                    "key '{key}': {} is out of range for {}",
                    quote(raw, true),
                    node.type_name
                ))
            }
            None => return Err(format!("key '{key}': {} is not a number", quote(raw, true))),
        },
        Scalar::Str { raw, .. } => return Err(format!("key '{key}': {} is not a number", quote(raw, true))),
        _ => unreachable!("numbers and strings only"),
    };
    let out_of_range =
        || format!("key '{key}': {} is out of range for {}", quote(text, string), node.type_name);
    match node.ty {
        Ty::Int { min, max } => {
            if !integer {
                return Err(format!(
                    "key '{key}': {} is not an integer ({})",
                    quote(text, string),
                    node.type_name
                ));
            }
            let parsed = std::str::from_utf8(text).ok().and_then(|t| t.parse::<i128>().ok());
            match parsed {
                Some(v) if (min..=max).contains(&v) => Ok(()),
                _ => Err(out_of_range()),
            }
        }
        Ty::Float { max } if max < f64::MAX => {
            let v: f64 = std::str::from_utf8(text).expect("ASCII").parse().expect("a JSON number");
            if v.abs() > max {
                return Err(out_of_range());
            }
            Ok(())
        }
        _ => Ok(()),
    }
}
