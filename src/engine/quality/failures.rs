//! The failing rows themselves (as dbt's `store_failures`, pandera's failure cases and Soda's
//! failed rows hand them over): one row per (row rule, failing row), rule by rule in the
//! rules' order, rows in the data's order.

use std::sync::Arc;

use arrow_array::{ArrayRef, RecordBatch, StringArray, UInt32Array, UInt64Array};
use arrow_schema::{DataType, Field, Schema};
use arrow_select::take::take;

use super::rules::Check;
use crate::engine::{Error, Result};

/// The columns placed before the data's own, in order.
pub const COLUMNS: [&str; 5] = ["rule_index", "rule", "rule_column", "severity", "row_number"];

/// `rows[i]` are the failing rows of `checks[i]` (empty for table rules).
pub fn failing_rows_table(batch: &RecordBatch, checks: &[Check], rows: &[&[u64]]) -> Result<RecordBatch> {
    let schema = batch.schema();
    if let Some(clash) = schema.fields().iter().find(|f| COLUMNS.contains(&f.name().as_str())) {
        return Err(Error::spec(format!(
            "the data has a column named '{}', which the failing-rows table uses for the rule; \
             rename it to keep the failing rows",
            clash.name()
        )));
    }
    let per_row: Vec<(u32, &Check)> = checks
        .iter()
        .zip(rows)
        .enumerate()
        .flat_map(|(i, (c, r))| std::iter::repeat_n((i as u32, c), r.len()))
        .collect();
    let per_rule = || per_row.iter().map(|(_, c)| *c);
    let numbers: UInt64Array = rows.iter().flat_map(|r| r.iter().copied()).collect();
    let mut fields = vec![
        Field::new(COLUMNS[0], DataType::UInt32, false),
        Field::new(COLUMNS[1], DataType::Utf8, false),
        Field::new(COLUMNS[2], DataType::Utf8, true),
        Field::new(COLUMNS[3], DataType::Utf8, false),
        Field::new(COLUMNS[4], DataType::UInt64, false),
    ];
    let mut columns: Vec<ArrayRef> = vec![
        Arc::new(per_row.iter().map(|(i, _)| Some(*i)).collect::<UInt32Array>()),
        Arc::new(per_rule().map(|c| Some(c.rule.name())).collect::<StringArray>()),
        Arc::new(per_rule().map(|c| c.rule.columns()).collect::<StringArray>()),
        Arc::new(per_rule().map(|c| Some(c.severity.key())).collect::<StringArray>()),
        Arc::new(numbers.clone()),
    ];
    for (field, column) in schema.fields().iter().zip(batch.columns()) {
        fields.push(field.as_ref().clone());
        columns.push(take(column.as_ref(), &numbers, None)?);
    }
    // No metadata: the data's (pandas index, pollutrack provenance) describes other columns.
    Ok(RecordBatch::try_new(Arc::new(Schema::new(fields)), columns)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::quality::check::check_with_failures;
    use crate::engine::quality::rules::parse;
    use arrow_array::cast::AsArray;
    use arrow_array::types::{UInt32Type, UInt64Type};
    use arrow_array::Int32Array;

    #[test]
    fn rows_rule_by_rule_with_the_data() {
        let batch = RecordBatch::try_from_iter([
            ("aqi", Arc::new(Int32Array::from(vec![Some(10), None, Some(600), Some(600)])) as ArrayRef),
            ("site", Arc::new(StringArray::from(vec!["A", "B", "C", "C"])) as ArrayRef),
        ])
        .unwrap();
        let metadata = [("pollutrack".to_owned(), "{}".to_owned())].into();
        let schema = Arc::new(batch.schema().as_ref().clone().with_metadata(metadata));
        let batch = batch.with_schema(schema).unwrap();
        let rules = parse(
            r#"[{"rule": "in_range", "column": "aqi", "max": 500},
                {"rule": "row_count", "min": 9},
                {"rule": "unique", "columns": ["site"], "severity": "warn"}]"#,
        )
        .unwrap();
        let (report, failures) = check_with_failures(&batch, &rules, 1).unwrap();
        assert_eq!(report.num_rows(), 3);
        let schema = failures.schema();
        let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
        assert_eq!(names, ["rule_index", "rule", "rule_column", "severity", "row_number", "aqi", "site"]);
        let index: Vec<u32> = failures.column(0).as_primitive::<UInt32Type>().values().to_vec();
        let rows: Vec<u64> = failures.column(4).as_primitive::<UInt64Type>().values().to_vec();
        assert_eq!((index, rows), (vec![0, 0, 2, 2], vec![2, 3, 2, 3]));
        let severity = failures.column(3).as_string::<i32>();
        assert_eq!((severity.value(0), severity.value(2)), ("error", "warn"));
        assert_eq!(failures.column(6).as_string::<i32>().value(0), "C");
        assert!(failures.schema().metadata().is_empty());
    }

    #[test]
    fn a_clashing_column_is_named() {
        let batch =
            RecordBatch::try_from_iter([("rule", Arc::new(Int32Array::from(vec![1])) as ArrayRef)]).unwrap();
        let rules = parse(r#"[{"rule": "not_null", "column": "rule"}]"#).unwrap();
        let err = check_with_failures(&batch, &rules, 5).unwrap_err();
        assert!(err.to_string().starts_with("the data has a column named 'rule'"), "{err}");
    }
}
