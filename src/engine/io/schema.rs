//! Flattening of nested structs: `{"a": {"b": 1}}` becomes column `a.b`.

use std::sync::Arc;

use arrow_array::{Array, ArrayRef, RecordBatch, StructArray};
use arrow_buffer::NullBuffer;
use arrow_schema::{DataType, Field, Schema, SchemaRef};

use crate::engine::io::decode::with_rows;
use crate::engine::Result;

/// Separator of flattened column names: `{"a": {"b": 1}}` → column `a.b`.
pub const FLATTEN_SEPARATOR: &str = ".";

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
    with_rows(Arc::clone(flat), columns, batch.num_rows())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flatten_propagates_parent_nulls() {
        let d = Field::new("d", DataType::Utf8, true);
        let c = Field::new("c", DataType::Struct(vec![d].into()), true);
        let b = Field::new("b", DataType::Int64, true);
        let a = Field::new("a", DataType::Struct(vec![b, c].into()), true);
        let schema = Arc::new(Schema::new(vec![a, Field::new("e", DataType::Int64, true)]));
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
