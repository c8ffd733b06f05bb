//! Schemas: inferred from a sample of records (arrow-json's inference, then top-level columns
//! in first-seen order and ISO-8601 strings as timestamps), and flattening of nested structs.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use arrow_array::{Array, ArrayRef, RecordBatch, StructArray};
use arrow_buffer::NullBuffer;
use arrow_json::reader::infer_json_schema_from_iterator;
use arrow_schema::{ArrowError, DataType, Field, FieldRef, Schema, SchemaRef, TimeUnit};
use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;

use crate::engine::Result;

/// Records sampled for schema inference unless told otherwise.
pub const INFER_ROWS: usize = 10_000;

/// Separator of flattened column names: `{"a": {"b": 1}}` → column `a.b`.
pub const FLATTEN_SEPARATOR: &str = ".";

/// The top-level keys of an object in the order written (`serde_json`'s map sorts them).
struct KeyOrder(Vec<String>);

impl<'de> Deserialize<'de> for KeyOrder {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Keys;
        impl<'de> Visitor<'de> for Keys {
            type Value = KeyOrder;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<KeyOrder, A::Error> {
                let mut keys = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    map.next_value::<IgnoredAny>()?;
                    keys.push(key);
                }
                Ok(KeyOrder(keys))
            }
        }
        deserializer.deserialize_map(Keys)
    }
}

/// A string that reads as an ISO-8601 date and time (a date alone stays a string).
fn datetime_offset(text: &str) -> Option<bool> {
    let b = text.as_bytes();
    let shaped =
        b.len() >= 16 && b[4] == b'-' && b[7] == b'-' && matches!(b[10], b'T' | b't' | b' ') && b[13] == b':';
    if !shaped || arrow_cast::parse::string_to_timestamp_nanos(text).is_err() {
        return None;
    }
    Some(text[11..].contains(['Z', 'z', '+', '-']))
}

/// The timestamp type for a column whose sampled strings are all date-times: UTC when every
/// value carries an offset, zone-less when none does; mixed columns stay strings.
fn timestamp_type(values: &[&str]) -> Option<DataType> {
    let mut offsets = values.iter().map(|v| datetime_offset(v));
    let first = offsets.next()??;
    if offsets.all(|o| o == Some(first)) {
        Some(DataType::Timestamp(TimeUnit::Microsecond, first.then(|| "UTC".into())))
    } else {
        None
    }
}

/// Infers a schema from sampled records; records that are not JSON objects are skipped (they
/// are rejected when the data is decoded).
pub fn infer<'a>(records: impl Iterator<Item = &'a [u8]>) -> Result<Schema> {
    let mut order: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    // Top-level string values by key, for timestamp detection. The parsed records themselves
    // are dropped one by one: kept, 10,000 of them held several MB at the read's peak.
    let mut strings: HashMap<String, Vec<String>> = HashMap::new();
    let values = records.filter_map(|bytes| {
        let Ok(value @ Value::Object(_)) = serde_json::from_slice::<Value>(bytes) else { return None };
        if let Ok(KeyOrder(keys)) = serde_json::from_slice::<KeyOrder>(bytes) {
            for key in keys {
                if seen.insert(key.clone()) {
                    order.push(key);
                }
            }
        }
        if let Value::Object(map) = &value {
            for (key, v) in map {
                if let Value::String(text) = v {
                    strings.entry(key.clone()).or_default().push(text.clone());
                }
            }
        }
        Some(Ok::<_, ArrowError>(value))
    });
    let inferred = infer_json_schema_from_iterator(values)?;
    let rank: HashMap<&str, usize> = order.iter().enumerate().map(|(i, k)| (k.as_str(), i)).collect();
    let mut fields: Vec<FieldRef> = inferred.fields().iter().cloned().collect();
    fields.sort_by_key(|f| rank.get(f.name().as_str()).copied().unwrap_or(usize::MAX));
    let fields = fields.into_iter().map(|field| {
        if field.data_type() != &DataType::Utf8 {
            return field;
        }
        let texts: Vec<&str> =
            strings.get(field.name()).map(|t| t.iter().map(String::as_str).collect()).unwrap_or_default();
        match timestamp_type(&texts) {
            Some(dt) => Arc::new(Field::new(field.name(), dt, true)),
            None => field,
        }
    });
    Ok(Schema::new(fields.collect::<Vec<_>>()))
}

fn flatten_field(prefix: &str, field: &Field, out: &mut Vec<Field>) {
    let name = format!("{prefix}{}", field.name());
    match field.data_type() {
        DataType::Struct(children) => {
            for child in children {
                flatten_field(&format!("{name}{FLATTEN_SEPARATOR}"), child, out);
            }
        }
        _ => out.push(field.as_ref().clone().with_name(name).with_nullable(true)),
    }
}

/// The schema with every struct column replaced by its leaves, named `parent.child`.
pub fn flatten_schema(schema: &Schema) -> SchemaRef {
    let mut fields = Vec::new();
    for field in schema.fields() {
        flatten_field("", field, &mut fields);
    }
    Arc::new(Schema::new(fields))
}

fn flatten_array(array: &ArrayRef, parent_nulls: Option<&NullBuffer>, out: &mut Vec<ArrayRef>) {
    let nulls = NullBuffer::union(parent_nulls, array.logical_nulls().as_ref());
    if let Some(structs) = array.as_any().downcast_ref::<StructArray>() {
        for child in structs.columns() {
            flatten_array(child, nulls.as_ref(), out);
        }
    } else if parent_nulls.is_some() && nulls.as_ref() != array.nulls() {
        // A null parent makes its leaves null.
        let data = array.to_data().into_builder().nulls(nulls).build().expect("same length");
        out.push(arrow_array::make_array(data));
    } else {
        out.push(Arc::clone(array));
    }
}

/// Flattens a batch decoded with `schema`'s nested shape into `flat` (zero-copy but for the
/// validity of leaves under a null parent).
pub fn flatten_batch(batch: &RecordBatch, flat: &SchemaRef) -> Result<RecordBatch> {
    let mut columns = Vec::new();
    for column in batch.columns() {
        flatten_array(column, None, &mut columns);
    }
    Ok(RecordBatch::try_new(Arc::clone(flat), columns)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inference_keeps_key_order_and_finds_timestamps() {
        let records = [
            r#"{"z": 1, "t": "2024-01-01T00:00:00Z", "local": "2024-01-01 08:30:00", "d": "2024-01-01"}"#,
            r#"{"t": "2024-01-01T01:00:00+08:00", "a": 1.5, "mixed": "2024-01-01T00:00:00Z"}"#,
            r#"{"mixed": "2024-01-01T00:00:00", "nested": {"y": 1, "x": "s"}}"#,
            "not json",
        ];
        let schema = infer(records.iter().map(|r| r.as_bytes())).unwrap();
        let got: Vec<_> = schema.fields().iter().map(|f| format!("{}:{}", f.name(), f.data_type())).collect();
        assert_eq!(
            got,
            [
                "z:Int64",
                "t:Timestamp(µs, \"UTC\")",
                "local:Timestamp(µs)",
                "d:Utf8",
                "a:Float64",
                "mixed:Utf8",
                "nested:Struct(\"x\": Utf8, \"y\": Int64)",
            ]
        );
    }

    #[test]
    fn flatten_propagates_parent_nulls() {
        let schema = infer([r#"{"a": {"b": 1, "c": {"d": "x"}}, "e": 2}"#.as_bytes()].into_iter()).unwrap();
        let schema = Arc::new(schema);
        let mut decoder = arrow_json::ReaderBuilder::new(schema.clone()).build_decoder().unwrap();
        decoder.decode(br#"{"a": {"b": 1, "c": {"d": "x"}}, "e": 2} {"a": null, "e": 3}"#).unwrap();
        let batch = decoder.flush().unwrap().unwrap();
        let flat = flatten_schema(&schema);
        let names: Vec<_> = flat.fields().iter().map(|f| f.name().clone()).collect();
        assert_eq!(names, ["a.b", "a.c.d", "e"]);
        let out = flatten_batch(&batch, &flat).unwrap();
        assert_eq!(out.column(0).null_count(), 1);
        assert_eq!(out.column(1).null_count(), 1);
        assert_eq!(out.column(2).null_count(), 0);
    }
}
