//! The whole-input run of `apply`: batches mapped, then per field the counts (rows, mapped,
//! unmapped, null inputs) and every distinct unmapped value with count, first row and a
//! suggestion (the source value it matches once normalised, or else the most similar one), as
//! Arrow tables. Rows are numbered from 0 over the whole input.

use std::sync::Arc;

use arrow_array::{ArrayRef, Int64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema, SchemaRef};

use super::apply::{ApplyOptions, ApplyPlan};
use super::index::Index;
use super::lookup::{FastMap, OnUnmapped};
use super::normalize::Normalize;
use super::rule::FieldRules;
use super::rules::Mapping;
use super::similar::{Candidates, BUDGET};
use crate::engine::{Error, Result};

/// One distinct unmapped value of a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmapped {
    pub value: String,
    pub count: u64,
    pub first_row: u64,
    pub suggestion: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldReport {
    pub field: String,
    pub target_field: String,
    pub output: String,
    pub rows: u64,
    pub mapped: u64,
    pub unmapped: u64,
    pub null_inputs: u64,
    pub values: Vec<Unmapped>,
}

#[derive(Debug)]
pub struct Applied {
    pub batches: Vec<RecordBatch>,
    pub schema: SchemaRef,
    pub fields: Vec<FieldReport>,
}

/// Maps `batches` (all of one `schema`) and reports.
pub fn apply(
    mapping: &Mapping,
    schema: &Schema,
    batches: &[RecordBatch],
    options: ApplyOptions,
) -> Result<Applied> {
    let plan = ApplyPlan::new(mapping, schema, options)?;
    let results = plan.map_batches(batches)?;
    let rows: u64 = batches.iter().map(|b| b.num_rows() as u64).sum();
    let mut fields = Vec::with_capacity(plan.fields.len());
    for (f, planned) in plan.fields.iter().enumerate() {
        let mut null_inputs = 0;
        let mut merged: FastMap<String, (u64, u64)> = FastMap::default();
        let mut offset = 0_u64;
        for (batch, outs) in &results {
            let out = &outs[f];
            null_inputs += out.nulls;
            for (value, count, first) in &out.misses {
                let e = merged.entry(value.clone()).or_insert((0, offset + *first as u64));
                e.0 += count;
            }
            offset += batch.num_rows() as u64;
        }
        let mut values: Vec<Unmapped> = merged
            .into_iter()
            .map(|(value, (count, first_row))| Unmapped { value, count, first_row, suggestion: None })
            .collect();
        values.sort_unstable_by_key(|u| u.first_row);
        if !values.is_empty() && plan.options.normalize != Normalize::ALL {
            let suggest = mapping.indexes.get(planned.rules, &mapping.rules, Normalize::ALL);
            // A sheet whose keys collide once normalised simply gives no suggestions.
            if let Ok(suggest) = suggest {
                for u in &mut values {
                    u.suggestion = Index::suggestion(&suggest, &mapping.rules, &u.value).map(str::to_owned);
                }
            }
        }
        similar_suggestions(mapping, planned.rules, &mut values);
        let unmapped = values.iter().map(|u| u.count).sum();
        fields.push(FieldReport {
            field: planned.rules.name.clone(),
            target_field: planned.rules.output_name().to_owned(),
            output: planned.output.clone(),
            rows,
            mapped: rows - unmapped - null_inputs,
            unmapped,
            null_inputs,
            values,
        });
    }
    if plan.options.on_unmapped == OnUnmapped::Error {
        let first = fields
            .iter()
            .filter_map(|f| f.values.first().map(|u| (u.first_row, f)))
            .min_by_key(|(row, _)| *row);
        if let Some((row, f)) = first {
            return Err(Error::Unmapped { row, field: f.field.clone(), value: f.values[0].value.clone() });
        }
    }
    let schema = plan.schema(rows);
    let batches = results
        .into_iter()
        .map(|(b, _)| Ok(RecordBatch::try_new(Arc::clone(&schema), b.columns().to_vec())?))
        .collect::<Result<Vec<_>>>()?;
    Ok(Applied { batches, schema, fields })
}

/// Suggests, for the values normalisation found nothing for, the field's most similar source
/// value (`similar`), within its budget of comparisons.
fn similar_suggestions(mapping: &Mapping, field: &FieldRules, values: &mut [Unmapped]) {
    let open: Vec<usize> = (0..values.len()).filter(|&i| values[i].suggestion.is_none()).collect();
    if open.is_empty() {
        return;
    }
    let sources: Vec<&str> = field.rules.iter().map(|&r| mapping.rules[r].source.as_str()).collect();
    let candidates = Candidates::new(sources.iter().copied());
    let texts: Vec<&str> = open.iter().map(|&i| values[i].value.as_str()).collect();
    if let Some(found) = candidates.best_of_each(&texts, BUDGET) {
        for (&i, best) in open.iter().zip(found) {
            values[i].suggestion = best.map(|(s, _)| sources[s].to_owned());
        }
    }
}

fn strings<'a>(values: impl Iterator<Item = Option<&'a str>>) -> ArrayRef {
    Arc::new(values.collect::<StringArray>())
}

fn ints(values: impl Iterator<Item = u64>) -> ArrayRef {
    Arc::new(values.map(|v| v as i64).collect::<Int64Array>())
}

/// Per field: `field`, `target_field`, `column` (the output column), `rows`, `mapped`,
/// `unmapped`, `null_inputs`, `distinct_unmapped`.
pub fn counts_table(fields: &[FieldReport]) -> Result<RecordBatch> {
    let int = |name: &str| Field::new(name, DataType::Int64, false);
    let schema = Schema::new(vec![
        Field::new("field", DataType::Utf8, false),
        Field::new("target_field", DataType::Utf8, false),
        Field::new("column", DataType::Utf8, false),
        int("rows"),
        int("mapped"),
        int("unmapped"),
        int("null_inputs"),
        int("distinct_unmapped"),
    ]);
    Ok(RecordBatch::try_new(
        Arc::new(schema),
        vec![
            strings(fields.iter().map(|f| Some(f.field.as_str()))),
            strings(fields.iter().map(|f| Some(f.target_field.as_str()))),
            strings(fields.iter().map(|f| Some(f.output.as_str()))),
            ints(fields.iter().map(|f| f.rows)),
            ints(fields.iter().map(|f| f.mapped)),
            ints(fields.iter().map(|f| f.unmapped)),
            ints(fields.iter().map(|f| f.null_inputs)),
            ints(fields.iter().map(|f| f.values.len() as u64)),
        ],
    )?)
}

/// Every distinct unmapped value: `field`, `value`, `count`, `first_row`, `suggestion`.
pub fn report_table(fields: &[FieldReport]) -> Result<RecordBatch> {
    let all: Vec<(&str, &Unmapped)> =
        fields.iter().flat_map(|f| f.values.iter().map(|u| (f.field.as_str(), u))).collect();
    let schema = Schema::new(vec![
        Field::new("field", DataType::Utf8, false),
        Field::new("value", DataType::Utf8, false),
        Field::new("count", DataType::Int64, false),
        Field::new("first_row", DataType::Int64, false),
        Field::new("suggestion", DataType::Utf8, true),
    ]);
    Ok(RecordBatch::try_new(
        Arc::new(schema),
        vec![
            strings(all.iter().map(|(f, _)| Some(*f))),
            strings(all.iter().map(|(_, u)| Some(u.value.as_str()))),
            ints(all.iter().map(|(_, u)| u.count)),
            ints(all.iter().map(|(_, u)| u.first_row)),
            strings(all.iter().map(|(_, u)| u.suggestion.as_deref())),
        ],
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::mapping::rule::tests::rule;
    use crate::engine::parallel::set_num_threads;
    use arrow_array::cast::AsArray;
    use arrow_array::types::Int8Type;
    use arrow_array::{Array, DictionaryArray, Int32Array};

    fn mapping() -> Mapping {
        Mapping::new(vec![rule("s", "Finance", "FIN", 2), rule("s", "1", "One", 3), rule("s", "HR", "HR", 4)])
            .unwrap()
    }

    fn options(mode: OnUnmapped) -> ApplyOptions {
        ApplyOptions { fields: None, on_unmapped: mode, normalize: Normalize::default(), replace: false }
    }

    fn run(column: ArrayRef, mode: OnUnmapped) -> Result<Applied> {
        let batch = RecordBatch::try_from_iter([("s", column)]).unwrap();
        apply(&mapping(), &batch.schema(), &[batch.clone(), batch.slice(1, 2)], options(mode))
    }

    #[test]
    fn strings_report_and_suggestions() {
        let data: ArrayRef =
            Arc::new(StringArray::from(vec![Some("Finance"), Some("Finance "), None, Some("x")]));
        let out = run(data, OnUnmapped::Null).unwrap();
        let col = out.batches[0].column(1).as_string::<i32>();
        assert_eq!(col.iter().collect::<Vec<_>>(), [Some("FIN"), None, None, None]);
        assert_eq!(out.schema.field(1).name(), "s_mapped");
        let f = &out.fields[0];
        assert_eq!((f.rows, f.mapped, f.unmapped, f.null_inputs), (6, 1, 3, 2));
        assert_eq!(
            f.values[0],
            Unmapped { value: "Finance ".into(), count: 2, first_row: 1, suggestion: Some("Finance".into()) }
        );
        assert_eq!(f.values[1].first_row, 3);
        assert_eq!(f.values[1].suggestion, None); // "x" is like nothing
        assert_eq!(report_table(&out.fields).unwrap().num_rows(), 2);
        // Beyond normalisation: a typo, under exact and normalised matching alike.
        for normalize in [Normalize::default(), Normalize::ALL] {
            let data: ArrayRef = Arc::new(StringArray::from(vec!["Finanse", "FINANSE "]));
            let batch = RecordBatch::try_from_iter([("s", data)]).unwrap();
            let out = apply(
                &mapping(),
                &batch.schema(),
                &[batch],
                ApplyOptions { normalize, ..options(OnUnmapped::Null) },
            )
            .unwrap();
            let got: Vec<_> = out.fields[0].values.iter().map(|u| u.suggestion.as_deref()).collect();
            assert_eq!(got, [Some("Finance"), Some("Finance")]);
        }
        assert_eq!(counts_table(&out.fields).unwrap().num_rows(), 1);
    }

    #[test]
    fn error_names_field_value_and_row() {
        let data: ArrayRef = Arc::new(StringArray::from(vec!["HR", "HR", "nope"]));
        let err = run(data, OnUnmapped::Error).unwrap_err();
        assert_eq!(err.to_string(), "row 2, field 's': value 'nope' is not mapped by any rule");
    }

    #[test]
    fn dictionaries_and_integers_match_plain_strings() {
        let keys = arrow_array::Int8Array::from(vec![Some(0), Some(1), None, Some(0), Some(2)]);
        let dict: ArrayRef = Arc::new(
            DictionaryArray::<Int8Type>::try_new(keys, Arc::new(StringArray::from(vec!["HR", "zz", "1"])))
                .unwrap(),
        );
        let out = run(dict, OnUnmapped::Keep).unwrap();
        let col = out.batches[0].column(1);
        assert!(matches!(col.data_type(), DataType::Dictionary(..)));
        let plain = arrow_cast::cast(col, &DataType::Utf8).unwrap();
        let plain = plain.as_string::<i32>();
        assert_eq!(plain.iter().collect::<Vec<_>>(), [Some("HR"), Some("zz"), None, Some("HR"), Some("One")]);
        assert_eq!(
            out.fields[0].values[0],
            Unmapped { value: "zz".into(), count: 2, first_row: 1, suggestion: None }
        );
        let ints: ArrayRef = Arc::new(Int32Array::from(vec![1, 2, 1]));
        let out = run(ints, OnUnmapped::Keep).unwrap();
        assert_eq!(
            out.batches[0].column(1).as_string::<i32>().iter().collect::<Vec<_>>(),
            [Some("One"), Some("2"), Some("One")]
        );
    }

    #[test]
    fn unsigned_beyond_i64_and_repeated_columns() {
        let m = Mapping::new(vec![rule("s", "18446744073709551615", "Max", 2), rule("s", "7", "Seven", 3)])
            .unwrap();
        let data: ArrayRef =
            Arc::new(arrow_array::UInt64Array::from(vec![Some(u64::MAX), Some(7), None, Some(u64::MAX - 1)]));
        let batch = RecordBatch::try_from_iter([("s", data)]).unwrap();
        let out = apply(&m, &batch.schema(), &[batch], options(OnUnmapped::Keep)).unwrap();
        let col = out.batches[0].column(1).as_string::<i32>();
        assert_eq!(
            col.iter().collect::<Vec<_>>(),
            [Some("Max"), Some("Seven"), None, Some("18446744073709551614")]
        );
        assert_eq!(out.fields[0].values[0].value, "18446744073709551614");
        let twice = RecordBatch::try_new(
            Arc::new(Schema::new(vec![
                Field::new("s", DataType::Utf8, true),
                Field::new("s", DataType::Utf8, true),
            ])),
            vec![Arc::new(StringArray::from(vec!["HR"])) as ArrayRef, Arc::new(StringArray::from(vec!["x"]))],
        )
        .unwrap();
        let err = apply(&mapping(), &twice.schema(), &[twice], options(OnUnmapped::Null)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the data has 2 columns named 's'; the column a field maps must be the only one of its name (rename or drop the others)"
        );
        // Repeated columns the mapping does not read pass through.
        let other = RecordBatch::try_new(
            Arc::new(Schema::new(vec![
                Field::new("n", DataType::Utf8, true),
                Field::new("n", DataType::Utf8, true),
                Field::new("s", DataType::Utf8, true),
            ])),
            vec![
                Arc::new(StringArray::from(vec!["a"])) as ArrayRef,
                Arc::new(StringArray::from(vec!["b"])),
                Arc::new(StringArray::from(vec!["HR"])),
            ],
        )
        .unwrap();
        let out = apply(&mapping(), &other.schema(), &[other], options(OnUnmapped::Null)).unwrap();
        let names: Vec<_> = out.schema.fields().iter().map(|f| f.name().as_str()).collect();
        assert_eq!(names, ["n", "n", "s", "s_mapped"]);
    }

    #[test]
    fn same_result_at_one_and_many_threads() {
        let data: ArrayRef = Arc::new(
            (0..300_000)
                .map(|i| ["HR", "x", "Finance", "y"][(i % 4 + usize::from(i % 7 == 0)) % 4])
                .map(Some)
                .collect::<StringArray>(),
        );
        set_num_threads(1).unwrap();
        let one = run(Arc::clone(&data), OnUnmapped::Null).unwrap();
        set_num_threads(3).unwrap();
        let many = run(data, OnUnmapped::Null).unwrap();
        assert_eq!(one.batches, many.batches);
        assert_eq!(one.fields, many.fields);
        let floats = RecordBatch::try_from_iter([(
            "s",
            Arc::new(arrow_array::Float64Array::from(vec![1.0])) as ArrayRef,
        )])
        .unwrap();
        let err = apply(&mapping(), &floats.schema(), &[floats], options(OnUnmapped::Null)).unwrap_err();
        assert!(matches!(err, Error::UnsupportedType { .. }), "{err}");
    }
}
