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
