//! `pt.quality.reconcile`: rows in against rows out, and with a key, which keys went missing,
//! which appeared, and which are duplicated on either side.

use std::sync::Arc;

use arrow_array::builder::{ListBuilder, StringBuilder};
use arrow_array::{ArrayRef, BooleanArray, Int64Array, RecordBatch, StringArray};
use arrow_cast::{can_cast_types, cast};
use arrow_schema::{DataType, Field, Schema};
use hashbrown::HashMap;

use super::check::{column, text};
use super::keys::key_rows;
use crate::engine::type_names::pyarrow_name;
use crate::engine::{Error, Result};

/// One line of the reconciliation report.
struct Line {
    check: &'static str,
    passed: bool,
    value: i64,
    examples: Vec<String>,
    detail: String,
}

/// Each key's bytes → (its first row, how many rows have it).
type KeyIndex = HashMap<Vec<u8>, (usize, u64)>;

fn index(columns: &[ArrayRef]) -> Result<KeyIndex> {
    let rows = key_rows(columns)?;
    let mut seen = KeyIndex::new();
    for r in 0..rows.num_rows() {
        seen.entry(rows.row(r).data().to_vec()).or_insert((r, 0)).1 += 1;
    }
    Ok(seen)
}

fn describe(columns: &[ArrayRef], row: usize) -> String {
    columns.iter().map(|c| text(c, row)).collect::<Vec<_>>().join(", ")
}

/// Keys of `a` that `b` lacks: count and examples (in `a`'s row order).
fn missing(
    a: &HashMap<Vec<u8>, (usize, u64)>,
    b: &HashMap<Vec<u8>, (usize, u64)>,
    cols: &[ArrayRef],
    max: usize,
) -> (i64, Vec<String>) {
    let mut rows: Vec<usize> = a.iter().filter(|(k, _)| !b.contains_key(*k)).map(|(_, (r, _))| *r).collect();
    rows.sort_unstable();
    (rows.len() as i64, rows.iter().take(max).map(|&r| describe(cols, r)).collect())
}

fn duplicated(seen: &KeyIndex, cols: &[ArrayRef], max: usize) -> (i64, Vec<String>) {
    let mut rows: Vec<usize> = seen.values().filter(|(_, n)| *n > 1).map(|(r, _)| *r).collect();
    rows.sort_unstable();
    (rows.len() as i64, rows.iter().take(max).map(|&r| describe(cols, r)).collect())
}

pub fn reconcile(
    source: &RecordBatch,
    target: &RecordBatch,
    key: Option<&[String]>,
    max_examples: usize,
) -> Result<RecordBatch> {
    let (n, m) = (source.num_rows() as i64, target.num_rows() as i64);
    let mut lines = vec![Line {
        check: "row_count",
        passed: n == m,
        value: m - n,
        examples: vec![],
        detail: format!("source {n} rows, target {m} rows"),
    }];
    if let Some(key) = key {
        let src: Vec<ArrayRef> =
            key.iter().map(|k| column(source, k, "reconcile").cloned()).collect::<Result<_>>()?;
        // Target keys are read as the source's types, so equal values compare equal.
        let tgt: Vec<ArrayRef> = key
            .iter()
            .zip(&src)
            .map(|(k, s)| {
                let t = column(target, k, "reconcile")?;
                if !can_cast_types(t.data_type(), s.data_type()) {
                    let expected = format!(
                        "the target's key is read as the source's type {}, which it cannot be cast to",
                        pyarrow_name(s.data_type())
                    );
                    return Err(Error::unsupported_type(k, t.data_type(), expected));
                }
                Ok(cast(t, s.data_type())?)
            })
            .collect::<Result<_>>()?;
        let s_seen = index(&src)?;
        let t_seen = index(&tgt)?;
        let keys = key.join(",");
        for (check, (count, examples), side) in [
            (
                "keys_missing_from_target",
                missing(&s_seen, &t_seen, &src, max_examples),
                "source keys not in the target",
            ),
            (
                "keys_added_in_target",
                missing(&t_seen, &s_seen, &tgt, max_examples),
                "target keys not in the source",
            ),
            (
                "duplicate_keys_in_source",
                duplicated(&s_seen, &src, max_examples),
                "keys on more than one source row",
            ),
            (
                "duplicate_keys_in_target",
                duplicated(&t_seen, &tgt, max_examples),
                "keys on more than one target row",
            ),
        ] {
            lines.push(Line {
                check,
                passed: count == 0,
                value: count,
                examples,
                detail: format!("{count} {side} (key: {keys})"),
            });
        }
    }
    let mut examples = ListBuilder::new(StringBuilder::new());
    for l in &lines {
        examples.append_value(l.examples.iter().map(Some));
    }
    let schema = Schema::new(vec![
        Field::new("check", DataType::Utf8, false),
        Field::new("passed", DataType::Boolean, false),
        Field::new("value", DataType::Int64, false),
        Field::new("examples", DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))), false),
        Field::new("detail", DataType::Utf8, false),
    ]);
    let columns: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from_iter_values(lines.iter().map(|l| l.check))),
        Arc::new(BooleanArray::from(lines.iter().map(|l| l.passed).collect::<Vec<_>>())),
        Arc::new(Int64Array::from(lines.iter().map(|l| l.value).collect::<Vec<_>>())),
        Arc::new(examples.finish()),
        Arc::new(StringArray::from_iter_values(lines.iter().map(|l| l.detail.as_str()))),
    ];
    Ok(RecordBatch::try_new(Arc::new(schema), columns)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::cast::AsArray;
    use arrow_array::Int32Array;

    fn ids(values: Vec<i32>) -> RecordBatch {
        RecordBatch::try_from_iter([("id", Arc::new(Int32Array::from(values)) as ArrayRef)]).unwrap()
    }

    #[test]
    fn rows_and_keys() {
        let out = reconcile(&ids(vec![1, 2, 3, 3]), &ids(vec![2, 3, 4]), Some(&["id".into()]), 5).unwrap();
        let value = out.column(2).as_primitive::<arrow_array::types::Int64Type>();
        let check = out.column(0).as_string::<i32>();
        let got: Vec<(&str, i64)> = (0..out.num_rows()).map(|i| (check.value(i), value.value(i))).collect();
        assert_eq!(
            got,
            vec![
                ("row_count", -1),
                ("keys_missing_from_target", 1),
                ("keys_added_in_target", 1),
                ("duplicate_keys_in_source", 1),
                ("duplicate_keys_in_target", 0),
            ]
        );
        let examples = out.column(3).as_list::<i32>();
        assert_eq!(examples.value(1).as_string::<i32>().value(0), "1");
        assert_eq!(examples.value(2).as_string::<i32>().value(0), "4");
        assert!(reconcile(&ids(vec![1]), &ids(vec![1]), None, 5).unwrap().column(1).as_boolean().value(0));
    }

    #[test]
    fn a_target_key_that_cannot_be_read_as_the_source_type_is_named() {
        let inner: ArrayRef = Arc::new(Int32Array::from(vec![1]));
        let nested =
            arrow_array::StructArray::from(vec![(Arc::new(Field::new("a", DataType::Int32, true)), inner)]);
        let target = RecordBatch::try_from_iter([("id", Arc::new(nested) as ArrayRef)]).unwrap();
        let err = reconcile(&ids(vec![1]), &target, Some(&["id".into()]), 5).unwrap_err();
        assert_eq!(
            err.to_string(),
            "column 'id' has type struct<a: int32>, but the target's key is read as the source's type int32, which it cannot be cast to"
        );
    }
}
