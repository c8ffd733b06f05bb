//! Column recognition, per-standard periods and the dominant dictionary.

use super::*;
use arrow_array::{Array, Float64Array};

fn schema(names: &[&str]) -> Schema {
    Schema::new(names.iter().map(|n| Field::new(*n, DataType::Float64, true)).collect::<Vec<_>>())
}

fn keys(plan: &AqiPlan) -> Vec<(&str, &str)> {
    plan.inputs.iter().map(|i| (plan.standard.measures[i.measure].key.as_str(), i.name.as_str())).collect()
}

#[test]
fn recognises_and_overrides_columns() {
    let plan = AqiPlan::new(&schema(&["PM2.5 (ug/m3)", "pm10", "x"]), AqiOptions::default()).unwrap();
    assert_eq!(keys(&plan), vec![("pm25", "PM2.5 (ug/m3)"), ("pm10", "pm10")]);

    let options = AqiOptions {
        columns: vec![("pm25".into(), Some("x".into())), ("pm10".into(), None)],
        ..AqiOptions::default()
    };
    let plan = AqiPlan::new(&schema(&["PM2.5", "pm10", "x"]), options).unwrap();
    assert_eq!(keys(&plan), vec![("pm25", "x")]);
}

#[test]
fn recognises_each_standards_periods() {
    let names = ["SO2", "so2_1h", "NO2_24h", "no2_1hr", "Ozone_8h", "CO"];
    let options = AqiOptions { standard: "cn_hj633_2012".into(), ..AqiOptions::default() };
    let plan = AqiPlan::new(&schema(&names), options).unwrap();
    let got = keys(&plan);
    assert!(got.contains(&("so2_24h", "SO2")) && got.contains(&("so2_1h", "so2_1h")), "{got:?}");
    assert!(got.contains(&("no2_1h", "no2_1hr")) && got.contains(&("o3_8h", "Ozone_8h")), "{got:?}");
    assert!(got.contains(&("co_24h", "CO")), "{got:?}");
    let options = AqiOptions { standard: "in_naqi".into(), ..AqiOptions::default() };
    let plan = AqiPlan::new(&schema(&["pm25", "NH3", "Pb", "so2"]), options).unwrap();
    assert_eq!(keys(&plan).len(), 4);
}

#[test]
fn rejects_bad_column_setups() {
    let err = AqiPlan::new(&schema(&["a"]), AqiOptions::default()).unwrap_err();
    assert!(matches!(err, Error::ColumnNotFound { .. }));
    let err = AqiPlan::new(&schema(&["pm25", "PM2.5"]), AqiOptions::default()).unwrap_err();
    assert!(err.to_string().contains("both look like pm25"), "{err}");
    let err = AqiPlan::new(&schema(&["pm25", "aqi"]), AqiOptions::default()).unwrap_err();
    assert!(err.to_string().contains("'aqi'"), "{err}");
    let options = AqiOptions { standard: "us_epa_1999".into(), ..AqiOptions::default() };
    let err = AqiPlan::new(&schema(&["pm25", "pm10"]), options).unwrap_err();
    assert!(err.to_string().contains("rates only pm25"), "{err}");
    let options = AqiOptions { standard: "us_epa_1999".into(), skip_unrated: true, ..AqiOptions::default() };
    let plan = AqiPlan::new(&schema(&["pm25", "pm10"]), options).unwrap();
    assert_eq!(plan.skipped, vec!["pm10".to_owned()]);
    let strings = Schema::new(vec![Field::new("pm25", DataType::Utf8, true)]);
    let err = AqiPlan::new(&strings, AqiOptions::default()).unwrap_err();
    assert!(matches!(err, Error::UnsupportedType { .. }));
}

#[test]
fn two_columns_of_one_name_are_an_error_when_the_name_is_read() {
    let ambiguous = "the data has 2 columns named 'pm25', so which one holds pm25 is ambiguous; rename or drop all but one";
    let err = AqiPlan::new(&schema(&["pm25", "pm25"]), AqiOptions::default()).unwrap_err();
    assert_eq!(err.to_string(), ambiguous);
    let named = |name: &str| AqiOptions {
        columns: vec![("pm25".into(), Some(name.into()))],
        ..AqiOptions::default()
    };
    let err = AqiPlan::new(&schema(&["x", "pm10", "x"]), named("x")).unwrap_err();
    assert_eq!(err.to_string().replace("'x'", "'pm25'"), ambiguous);
    // Columns the AQI does not read pass through, whatever their names.
    let plan = AqiPlan::new(&schema(&["site", "pm25", "site"]), AqiOptions::default()).unwrap();
    assert_eq!(keys(&plan), vec![("pm25", "pm25")]);
    // A duplicated pollutant column left out is not read either.
    let out = AqiOptions { columns: vec![("pm10".into(), None)], ..AqiOptions::default() };
    let plan = AqiPlan::new(&schema(&["pm25", "pm10", "pm10"]), out).unwrap();
    assert_eq!(keys(&plan), vec![("pm25", "pm25")]);
}

#[test]
fn batches_must_have_the_planned_schema() {
    let plan = AqiPlan::new(&schema(&["pm25", "pm10"]), AqiOptions::default()).unwrap();
    let column = |values: Vec<f64>| Arc::new(Float64Array::from(values)) as ArrayRef;
    let good =
        RecordBatch::try_from_iter([("pm25", column(vec![1.0])), ("pm10", column(vec![2.0]))]).unwrap();
    assert!(plan.check_batch(&good).is_ok());
    let swapped =
        RecordBatch::try_from_iter([("pm10", column(vec![2.0])), ("pm25", column(vec![1.0]))]).unwrap();
    assert_eq!(
        plan.check_batch(&swapped).unwrap_err().to_string(),
        "a batch has columns [\"pm10\", \"pm25\"], but the data's schema has [\"pm25\", \"pm10\"]: every batch of a stream must have the stream's schema"
    );
    let text = Arc::new(StringArray::from(vec!["x"])) as ArrayRef;
    let typed = RecordBatch::try_from_iter([("pm25", text), ("pm10", column(vec![2.0]))]).unwrap();
    let err = plan.check_batch(&typed).unwrap_err();
    assert!(matches!(err, Error::UnsupportedType { .. }));
    assert_eq!(
        err.to_string(),
        "column 'pm25' has type string, but the data's schema gives it type double: every batch of a stream must have the stream's schema"
    );
}

#[test]
fn text_columns_are_diagnosed_from_their_values_when_at_hand() {
    let batch = |values: Vec<Option<&str>>| {
        let column: ArrayRef = Arc::new(StringArray::from(values));
        RecordBatch::try_from_iter([("pm25", column)]).unwrap()
    };
    let message = |batches: &[RecordBatch]| {
        let schema = batches[0].schema();
        AqiPlan::with_values(&schema, AqiOptions::default(), batches).unwrap_err().to_string()
    };
    let numbers = message(&[batch(vec![None]), batch(vec![Some("35.5"), Some("7")])]);
    assert!(numbers.contains("numbers written as text (the first is '35.5')"), "{numbers}");
    let words = message(&[batch(vec![Some("good")])]);
    assert!(
        words.ends_with("has type string, but a numeric type (integer, float, decimal or null) is needed")
    );
    let numeric = RecordBatch::try_from_iter([("pm25", Arc::new(Float64Array::from(vec![1.0])) as ArrayRef)]);
    let numeric = numeric.unwrap();
    assert!(AqiPlan::with_values(&numeric.schema(), AqiOptions::default(), &[numeric]).is_ok());
}

#[test]
fn dominant_dictionary_lists_singles_then_ties() {
    let (values, keys) = dominant_dictionary(&[Pollutant::Pm25, Pollutant::Pm10]);
    let values = values.as_any().downcast_ref::<StringArray>().unwrap();
    assert_eq!(values.iter().flatten().collect::<Vec<_>>(), vec!["pm25", "pm10", "pm25,pm10"]);
    assert_eq!(keys[0b11], 2);
    let (values, _) = dominant_dictionary(&Pollutant::ALL);
    assert_eq!(values.len(), 255);
}
