//! `pt.quality.check`: every rule over the data, the rules in parallel, one report row each,
//! and with `failures`, every failing row of every row rule.

use std::sync::Arc;

use arrow_array::builder::{ListBuilder, StringBuilder, UInt64Builder};
use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, BooleanArray, Float64Array, RecordBatch, StringArray, UInt64Array};
use arrow_cast::display::{ArrayFormatter, FormatOptions};
use arrow_cast::{can_cast_types, cast};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use hashbrown::{HashMap, HashSet};
use rayon::prelude::*;

use super::failures::failing_rows_table;
use super::keys::key_rows;
use super::rules::{Check, Rule};
use super::tolerance::Mostly;
use crate::engine::columns::as_f64;
use crate::engine::parallel::install;
use crate::engine::{Error, Result};

/// What one rule found.
#[derive(Debug, Default)]
pub struct Outcome {
    pub passed: bool,
    pub failing_rows: u64,
    pub example_rows: Vec<u64>,
    pub examples: Vec<String>,
    pub detail: String,
    /// Every failing row, in order, when the caller asked for the failing rows.
    pub rows: Vec<u64>,
}

pub(super) fn column<'a>(batch: &'a RecordBatch, name: &str, rule: &str) -> Result<&'a ArrayRef> {
    batch.column_by_name(name).ok_or_else(|| Error::ColumnNotFound {
        what: format!("column '{name}' of rule {rule} is not in the data"),
        available: batch.schema().fields().iter().map(|f| f.name().clone()).collect(),
    })
}

/// Text of one value, for examples.
pub(super) fn text(array: &dyn Array, row: usize) -> String {
    let options = FormatOptions::default().with_null("null");
    ArrayFormatter::try_new(array, &options).map_or_else(|_| "?".into(), |f| f.value(row).to_string())
}

/// How many failing rows to keep: the examples, and all of them for the failing-rows table.
#[derive(Clone, Copy)]
struct Keep {
    examples: usize,
    all: bool,
}

/// Counts the rows `failing` selects and keeps the first `keep.examples` of them (all of
/// their numbers with `keep.all`).
fn failing(
    rows: usize,
    keep: Keep,
    example: impl Fn(usize) -> String,
    failing: impl Fn(usize) -> bool,
) -> Outcome {
    let mut out = Outcome::default();
    for row in (0..rows).filter(|&r| failing(r)) {
        out.failing_rows += 1;
        if out.example_rows.len() < keep.examples {
            out.example_rows.push(row as u64);
            out.examples.push(example(row));
        }
        if keep.all {
            out.rows.push(row as u64);
        }
    }
    out.passed = out.failing_rows == 0;
    out
}

fn evaluate(batch: &RecordBatch, rule: &Rule, keep: Keep) -> Result<Outcome> {
    let rows = batch.num_rows();
    let name = rule.name();
    let outcome = match rule {
        Rule::NotNull { column: c, allow_nan } => {
            let array = column(batch, c, name)?;
            let floats =
                matches!(array.data_type(), DataType::Float16 | DataType::Float32 | DataType::Float64);
            let values = if floats { Some(as_f64(c, array)?) } else { None };
            let nan = |r: usize| values.as_ref().is_some_and(|v| v.is_valid(r) && v.value(r).is_nan());
            let mut out =
                failing(rows, keep, |r| text(array, r), |r| array.is_null(r) || (!allow_nan && nan(r)));
            let nans = (0..rows).filter(|&r| nan(r)).count();
            out.detail = format!(
                "{} null, {nans} NaN{}",
                array.null_count(),
                if *allow_nan { " (allowed)" } else { "" }
            );
            out
        }
        Rule::InRange { column: c, min, max } => {
            let values = as_f64(c, column(batch, c, name)?)?;
            let (lo, hi) = (min.unwrap_or(f64::NEG_INFINITY), max.unwrap_or(f64::INFINITY));
            let mut out = failing(
                rows,
                keep,
                |r| values.value(r).to_string(),
                |r| values.is_valid(r) && !(lo..=hi).contains(&values.value(r)),
            );
            out.detail = format!("outside [{lo}, {hi}] or NaN; nulls not checked");
            out
        }
        Rule::AcceptedValues { column: c, values } => {
            let array = column(batch, c, name)?;
            if !can_cast_types(array.data_type(), &DataType::Utf8) {
                let expected = "accepted_values compares values as text, and this type has none";
                return Err(Error::unsupported_type(c, array.data_type(), expected));
            }
            let strings = cast(array, &DataType::Utf8)?;
            let strings = strings.as_string::<i32>();
            let accepted: HashSet<&str> = values.iter().map(String::as_str).collect();
            let mut out = failing(
                rows,
                keep,
                |r| strings.value(r).to_owned(),
                |r| strings.is_valid(r) && !accepted.contains(strings.value(r)),
            );
            out.detail = format!("{} accepted values; nulls not checked", accepted.len());
            out
        }
        Rule::Unique { columns } => {
            let arrays =
                columns.iter().map(|c| column(batch, c, name).cloned()).collect::<Result<Vec<_>>>()?;
            let keys = key_rows(&arrays)?;
            let mut count: HashMap<&[u8], u32> = HashMap::new();
            for r in 0..rows {
                *count.entry(keys.row(r).data()).or_default() += 1;
            }
            let example = |r: usize| arrays.iter().map(|a| text(a, r)).collect::<Vec<_>>().join(", ");
            let mut out = failing(rows, keep, example, |r| count[keys.row(r).data()] > 1);
            let duplicated = count.values().filter(|&&n| n > 1).count();
            out.detail = format!("{duplicated} key values appear more than once");
            out
        }
        Rule::RowCount { min, max } => {
            let n = rows as u64;
            let ok = min.is_none_or(|m| n >= m) && max.is_none_or(|m| n <= m);
            let bound = |b: &Option<u64>| b.map_or("-".to_owned(), |v| v.to_string());
            Outcome {
                passed: ok,
                detail: format!("{n} rows, expected [{}, {}]", bound(min), bound(max)),
                ..Outcome::default()
            }
        }
        Rule::Freshness { column: c, max_age_seconds, as_of } => {
            let array = column(batch, c, name)?;
            let seconds = epoch_seconds(c, array)?;
            let newest = seconds.iter().flatten().copied().fold(f64::NEG_INFINITY, f64::max);
            let age = as_of - newest;
            let passed = newest.is_finite() && age <= *max_age_seconds;
            let newest_row = seconds.iter().position(|s| *s == Some(newest));
            Outcome {
                passed,
                failing_rows: 0,
                example_rows: newest_row.map(|r| r as u64).into_iter().collect(),
                examples: newest_row.map(|r| text(array, r)).into_iter().collect(),
                detail: if newest.is_finite() {
                    format!("newest value is {age:.0} s old (at most {max_age_seconds:.0} s)")
                } else {
                    "no value".into()
                },
                rows: Vec::new(),
            }
        }
    };
    Ok(outcome)
}

/// Seconds since the epoch of a timestamp or date column.
fn epoch_seconds(name: &str, array: &ArrayRef) -> Result<Vec<Option<f64>>> {
    let per_second = match array.data_type() {
        DataType::Timestamp(unit, _) => match unit {
            TimeUnit::Second => 1.0,
            TimeUnit::Millisecond => 1e3,
            TimeUnit::Microsecond => 1e6,
            TimeUnit::Nanosecond => 1e9,
        },
        DataType::Date32 => 1.0 / 86_400.0,
        DataType::Date64 => 1e3,
        other => {
            return Err(Error::unsupported_type(name, other, "freshness needs a timestamp or date column"))
        }
    };
    let raw = cast(array, &DataType::Int64)?;
    Ok(raw
        .as_primitive::<arrow_array::types::Int64Type>()
        .iter()
        .map(|v| v.map(|v| v as f64 / per_second))
        .collect())
}

/// Judges an outcome by the check's tolerance (row rules) and says so in the detail.
fn judge(check: &Check, rows: usize, mut outcome: Outcome) -> Outcome {
    if !check.rule.is_row_rule() {
        return outcome;
    }
    let rows = rows as u64;
    outcome.passed = match check.mostly {
        Some(mostly) => {
            let passing = rows - outcome.failing_rows;
            outcome.detail =
                format!("{}; {passing} of {rows} rows pass (mostly {})", outcome.detail, mostly.value());
            mostly.passes(outcome.failing_rows, rows)
        }
        None => outcome.failing_rows == 0,
    };
    outcome
}

fn outcomes(batch: &RecordBatch, checks: &[Check], keep: Keep) -> Result<Vec<Outcome>> {
    install(|| {
        checks
            .par_iter()
            .map(|c| evaluate(batch, &c.rule, keep).map(|o| judge(c, batch.num_rows(), o)))
            .collect::<Result<_>>()
    })
}

/// The report: one row per rule, in the order given.
pub fn check(batch: &RecordBatch, checks: &[Check], max_examples: usize) -> Result<RecordBatch> {
    report(checks, &outcomes(batch, checks, Keep { examples: max_examples, all: false })?)
}

/// The report and the failing-rows table: one row per (row rule, failing row), rule by rule,
/// each with the rule's position, name, column(s) and severity, the row number and the data.
pub fn check_with_failures(
    batch: &RecordBatch,
    checks: &[Check],
    max_examples: usize,
) -> Result<(RecordBatch, RecordBatch)> {
    let found = outcomes(batch, checks, Keep { examples: max_examples, all: true })?;
    let rows: Vec<&[u64]> = found.iter().map(|o| o.rows.as_slice()).collect();
    Ok((report(checks, &found)?, failing_rows_table(batch, checks, &rows)?))
}

fn report(checks: &[Check], outcomes: &[Outcome]) -> Result<RecordBatch> {
    let mut examples = ListBuilder::new(StringBuilder::new());
    let mut example_rows = ListBuilder::new(UInt64Builder::new());
    for o in outcomes {
        examples.append_value(o.examples.iter().map(Some));
        example_rows.append_value(o.example_rows.iter().map(|r| Some(*r)));
    }
    let schema = Schema::new(vec![
        Field::new("rule", DataType::Utf8, false),
        Field::new("column", DataType::Utf8, true),
        Field::new("passed", DataType::Boolean, false),
        Field::new("failing_rows", DataType::UInt64, false),
        Field::new("examples", DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))), false),
        Field::new(
            "example_rows",
            DataType::List(Arc::new(Field::new("item", DataType::UInt64, true))),
            false,
        ),
        Field::new("detail", DataType::Utf8, false),
        Field::new("severity", DataType::Utf8, false),
        Field::new("mostly", DataType::Float64, true),
    ]);
    let columns: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from_iter_values(checks.iter().map(|c| c.rule.name()))),
        Arc::new(StringArray::from(checks.iter().map(|c| c.rule.columns()).collect::<Vec<_>>())),
        Arc::new(BooleanArray::from(outcomes.iter().map(|o| o.passed).collect::<Vec<_>>())),
        Arc::new(UInt64Array::from(outcomes.iter().map(|o| o.failing_rows).collect::<Vec<_>>())),
        Arc::new(examples.finish()),
        Arc::new(example_rows.finish()),
        Arc::new(StringArray::from_iter_values(outcomes.iter().map(|o| o.detail.as_str()))),
        Arc::new(StringArray::from_iter_values(checks.iter().map(|c| c.severity.key()))),
        Arc::new(Float64Array::from(checks.iter().map(|c| c.mostly.map(Mostly::value)).collect::<Vec<_>>())),
    ];
    Ok(RecordBatch::try_new(Arc::new(schema), columns)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::quality::rules::parse;
    use arrow_array::{Float64Array, Int32Array, TimestampSecondArray};

    fn batch() -> RecordBatch {
        let cols: Vec<(&str, ArrayRef)> = vec![
            ("aqi", Arc::new(Int32Array::from(vec![Some(10), None, Some(600), Some(50)]))),
            ("pm", Arc::new(Float64Array::from(vec![Some(1.0), Some(f64::NAN), Some(-2.0), None]))),
            ("cat", Arc::new(StringArray::from(vec![Some("Good"), Some("Bad"), None, Some("Good")]))),
            ("t", Arc::new(TimestampSecondArray::from(vec![100, 300, 200, 50]))),
        ];
        RecordBatch::try_from_iter(cols).unwrap()
    }

    fn run(rules: &str) -> Vec<(bool, u64, Vec<u64>, String)> {
        let report = check(&batch(), &parse(rules).unwrap(), 5).unwrap();
        let passed = report.column(2).as_boolean();
        let failing = report.column(3).as_primitive::<arrow_array::types::UInt64Type>();
        let rows = report.column(5).as_list::<i32>();
        let detail = report.column(6).as_string::<i32>();
        (0..report.num_rows())
            .map(|i| {
                let r = rows.value(i);
                let r = r.as_primitive::<arrow_array::types::UInt64Type>();
                (passed.value(i), failing.value(i), r.values().to_vec(), detail.value(i).to_owned())
            })
            .collect()
    }

    #[test]
    fn each_rule() {
        let out = run(r#"[
            {"rule": "not_null", "column": "aqi"},
            {"rule": "not_null", "column": "pm"},
            {"rule": "not_null", "column": "pm", "allow_nan": true},
            {"rule": "in_range", "column": "aqi", "min": 0, "max": 500},
            {"rule": "in_range", "column": "pm", "min": 0},
            {"rule": "accepted_values", "column": "cat", "values": ["Good", "Moderate"]},
            {"rule": "unique", "columns": ["cat"]},
            {"rule": "row_count", "min": 1, "max": 3},
            {"rule": "freshness", "column": "t", "max_age_seconds": 60, "as_of": 330},
            {"rule": "freshness", "column": "t", "max_age_seconds": 10, "as_of": 330}
        ]"#);
        assert_eq!((out[0].0, out[0].1), (false, 1));
        assert_eq!((out[1].1, out[1].2.clone(), out[1].3.as_str()), (2, vec![1, 3], "1 null, 1 NaN"));
        assert_eq!((out[2].1, out[2].2.clone()), (1, vec![3]));
        assert_eq!((out[3].1, out[3].2.clone()), (1, vec![2]));
        assert_eq!((out[4].1, out[4].2.clone()), (2, vec![1, 2])); // NaN and -2; the null is not checked
        assert_eq!((out[5].1, out[5].2.clone()), (1, vec![1]));
        assert_eq!((out[6].1, out[6].2.clone()), (2, vec![0, 3])); // "Good" twice
        assert!(!out[7].0 && out[7].3 == "4 rows, expected [1, 3]");
        assert!(out[8].0 && out[8].3 == "newest value is 30 s old (at most 60 s)");
        assert!(!out[9].0);
    }

    #[test]
    fn mostly_and_severity() {
        // aqi: 1 null of 4 rows; cat: 1 of 3 checked values not accepted.
        let out = run(r#"[
            {"rule": "not_null", "column": "aqi", "mostly": 0.75},
            {"rule": "not_null", "column": "aqi", "mostly": 0.76},
            {"rule": "accepted_values", "column": "cat", "values": ["Good"], "severity": "warn"}
        ]"#);
        assert_eq!(
            (out[0].0, out[0].1, out[0].3.as_str()),
            (true, 1, "1 null, 0 NaN; 3 of 4 rows pass (mostly 0.75)")
        );
        assert!(!out[1].0);
        assert!(!out[2].0); // a warning fails like an error; only the caller's exit code differs
        let report = check(
            &batch(),
            &parse(r#"[{"rule": "unique", "columns": ["cat"], "severity": "warn"}]"#).unwrap(),
            5,
        )
        .unwrap();
        assert_eq!(report.column(7).as_string::<i32>().value(0), "warn");
        assert!(report.column(8).is_null(0));
    }

    #[test]
    fn names_missing_and_wrong_columns() {
        let err =
            check(&batch(), &parse(r#"[{"rule": "not_null", "column": "x"}]"#).unwrap(), 5).unwrap_err();
        assert!(err.to_string().contains("column 'x' of rule not_null"), "{err}");
        let err = check(&batch(), &parse(r#"[{"rule": "in_range", "column": "cat", "min": 0}]"#).unwrap(), 5)
            .unwrap_err();
        assert!(matches!(err, Error::UnsupportedType { .. }));
        let inner: ArrayRef = Arc::new(Int32Array::from(vec![1]));
        let nested =
            arrow_array::StructArray::from(vec![(Arc::new(Field::new("a", DataType::Int32, true)), inner)]);
        let batch = RecordBatch::try_from_iter([("s", Arc::new(nested) as ArrayRef)]).unwrap();
        let rules = parse(r#"[{"rule": "accepted_values", "column": "s", "values": ["1"]}]"#).unwrap();
        assert_eq!(
            check(&batch, &rules, 5).unwrap_err().to_string(),
            "column 's' has type struct<a: int32>, but accepted_values compares values as text, and this type has none"
        );
    }
}
