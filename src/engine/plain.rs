//! Label columns as plain strings, for consumers that have no dictionary type (Spark).
//!
//! Does what casting a batch to its plain schema does (`pyarrow.RecordBatch.cast`), with one
//! sequential pass per dictionary column instead of a generic `take`: each row appends its
//! label's bytes. Spark sends ~10,000-row batches, so this runs on the calling thread (a hop
//! into the pool would cost more than the copy) while other Spark tasks use the other cores.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{ArrowDictionaryKeyType, Int16Type, Int32Type, Int8Type};
use arrow_array::{Array, ArrayRef, DictionaryArray, GenericStringArray, OffsetSizeTrait, RecordBatch};
use arrow_buffer::{ArrowNativeType, OffsetBuffer, ScalarBuffer};
use arrow_cast::cast;
use arrow_schema::{DataType, Field, Schema};

use crate::engine::{Error, Result};

/// The text type a label becomes: `Utf8`, or `LargeUtf8` when `large`.
fn text(large: bool) -> DataType {
    if large {
        DataType::LargeUtf8
    } else {
        DataType::Utf8
    }
}

/// True for the columns that change: dictionaries and strings.
fn is_label(data_type: &DataType) -> bool {
    matches!(data_type, DataType::Dictionary(..) | DataType::Utf8 | DataType::LargeUtf8)
}

/// `schema` with every dictionary and string column as `text(large)` and no metadata.
pub fn plain_schema(schema: &Schema, large: bool) -> Schema {
    let fields = schema.fields().iter().map(|f| {
        let data_type = if is_label(f.data_type()) { text(large) } else { f.data_type().clone() };
        Field::new(f.name(), data_type, f.is_nullable())
    });
    Schema::new(fields.collect::<Vec<_>>())
}

/// `batch` in its plain schema: dictionary labels become strings, strings keep their values.
pub fn plain_batch(batch: &RecordBatch, large: bool) -> Result<RecordBatch> {
    let schema = Arc::new(plain_schema(batch.schema_ref(), large));
    let columns = batch.columns().iter().zip(schema.fields()).map(|(column, field)| {
        if column.data_type() == field.data_type() {
            return Ok(Arc::clone(column));
        }
        let fast = if large { plain_column::<i64>(column)? } else { plain_column::<i32>(column)? };
        match fast {
            Some(plain) => Ok(plain),
            None => Ok(cast(column, field.data_type())?),
        }
    });
    let columns = columns.collect::<Result<Vec<_>>>()?;
    Ok(RecordBatch::try_new(schema, columns)?)
}

/// The fast path for dictionaries of strings with 8-, 16- or 32-bit keys; `None` for the rest.
fn plain_column<O: OffsetSizeTrait>(column: &ArrayRef) -> Result<Option<ArrayRef>> {
    let DataType::Dictionary(key, values) = column.data_type() else { return Ok(None) };
    if **values != DataType::Utf8 {
        return Ok(None);
    }
    let plain = match **key {
        DataType::Int8 => from_dictionary::<Int8Type, O>(column.as_dictionary())?,
        DataType::Int16 => from_dictionary::<Int16Type, O>(column.as_dictionary())?,
        DataType::Int32 => from_dictionary::<Int32Type, O>(column.as_dictionary())?,
        _ => None,
    };
    Ok(plain.map(|p| Arc::new(p) as ArrayRef))
}

/// Labels longer than this take the generic cast.
const WIDE: usize = 32;

/// Each valid row appends its label; a null row stays null with no bytes. Every row copies a
/// fixed `WIDE`-byte block (padded label) and advances by the label's length: a fixed-size copy
/// is two vector moves, where a `memcpy` call per short label cost as much as the generic cast.
fn from_dictionary<K: ArrowDictionaryKeyType, O: OffsetSizeTrait>(
    dictionary: &DictionaryArray<K>,
) -> Result<Option<GenericStringArray<O>>> {
    let values = dictionary.values().as_string::<i32>();
    // One slot per label, then an empty one that null rows use (their keys may be anything).
    let mut padded = Vec::with_capacity(values.len() + 1);
    let mut lens = Vec::with_capacity(values.len() + 1);
    for label in values.iter().map(|v| v.unwrap_or_default().as_bytes()).chain([&[][..]]) {
        if label.len() > WIDE {
            return Ok(None);
        }
        let mut block = [0_u8; WIDE];
        block[..label.len()].copy_from_slice(label);
        padded.push(block);
        lens.push(label.len());
    }
    let keys = dictionary.keys();
    let nulls = keys.logical_nulls();
    let empty = values.len();
    let slot = |row: usize, key: K::Native| match &nulls {
        Some(n) if n.is_null(row) => empty,
        _ => key.as_usize(),
    };
    // The first pass checks every key and sizes the bytes, so the second has no error path.
    let rows = keys.values().iter().enumerate();
    let total = rows.clone().try_fold(0_usize, |total, (row, &key)| match lens.get(slot(row, key)) {
        Some(len) => Ok(total + len),
        None => Err(Error::spec(format!("dictionary key {} out of range", key.as_usize()))),
    })?;
    if O::from_usize(total).is_none() {
        return Err(Error::spec("labels exceed 2 GiB: use large strings"));
    }
    let mut offsets = Vec::with_capacity(keys.len() + 1);
    offsets.push(O::usize_as(0));
    let mut bytes = vec![0_u8; total + WIDE];
    let mut end = 0_usize;
    for (row, &key) in rows {
        let slot = slot(row, key);
        bytes[end..end + WIDE].copy_from_slice(&padded[slot]);
        end += lens[slot];
        offsets.push(O::usize_as(end));
    }
    bytes.truncate(end);
    // The safe constructor checks the offsets and that the bytes are UTF-8 (copies of the
    // dictionary's strings, so they are).
    let offsets = OffsetBuffer::new(ScalarBuffer::from(offsets));
    Ok(Some(GenericStringArray::try_new(offsets, bytes.into(), nulls)?))
}

#[cfg(test)]
mod tests {
    use arrow_array::{Int32Array, StringArray};

    use super::*;

    fn labels() -> ArrayRef {
        let keys = arrow_array::Int8Array::from(vec![Some(1), None, Some(0), Some(1)]);
        let values = Arc::new(StringArray::from(vec!["ok", "no_data"]));
        Arc::new(DictionaryArray::<Int8Type>::try_new(keys, values).unwrap())
    }

    #[test]
    fn dictionaries_become_strings_with_their_nulls() {
        let meta = [("k".to_owned(), "v".to_owned())].into();
        let schema = Schema::new(vec![
            Field::new("n", DataType::Int32, true),
            Field::new("s", labels().data_type().clone(), true),
        ])
        .with_metadata(meta);
        let n: ArrayRef = Arc::new(Int32Array::from(vec![1, 2, 3, 4]));
        let batch = RecordBatch::try_new(Arc::new(schema), vec![n, labels()]).unwrap();
        for large in [false, true] {
            let out = plain_batch(&batch, large).unwrap();
            assert!(out.schema().metadata().is_empty());
            assert_eq!(out.schema().field(1), &Field::new("s", text(large), true));
            let expected = cast(
                &StringArray::from(vec![Some("no_data"), None, Some("ok"), Some("no_data")]),
                &text(large),
            );
            assert_eq!(out.column(1).to_data(), expected.unwrap().to_data());
            assert_eq!(out.column(0).to_data(), batch.column(0).to_data());
        }
    }

    #[test]
    fn labels_longer_than_the_block_fall_back_to_a_cast() {
        let long = "x".repeat(WIDE + 1);
        let keys = arrow_array::Int8Array::from(vec![1, 0, 1]);
        let dict = DictionaryArray::<Int8Type>::try_new(keys, Arc::new(StringArray::from(vec!["a", &long])));
        let batch = RecordBatch::try_from_iter([("d", Arc::new(dict.unwrap()) as ArrayRef)]).unwrap();
        let out = plain_batch(&batch, true).unwrap();
        let got: Vec<_> = out.column(0).as_string::<i64>().iter().collect();
        assert_eq!(got, [Some(long.as_str()), Some("a"), Some(long.as_str())]);
    }

    #[test]
    fn other_dictionaries_fall_back_to_a_cast() {
        let keys = arrow_array::Int64Array::from(vec![0, 0]);
        let dict = DictionaryArray::<arrow_array::types::Int64Type>::try_new(
            keys,
            Arc::new(StringArray::from(vec!["a"])),
        );
        let batch = RecordBatch::try_from_iter([("d", Arc::new(dict.unwrap()) as ArrayRef)]).unwrap();
        let out = plain_batch(&batch, false).unwrap();
        assert_eq!(out.column(0).as_string::<i32>().iter().collect::<Vec<_>>(), [Some("a"), Some("a")]);
    }
}
