//! The standards as Arrow data, and the array forms of `subindex` and `concentration`.

use std::sync::Arc;

use arrow_array::{Array, ArrayRef, Float64Array, Int32Array, RecordBatch, StringArray};
use arrow_buffer::NullBuffer;
use arrow_schema::{DataType, Field, Schema};
use rayon::prelude::*;

use super::measure::{molar_volume, Unit};
use super::standard::{builtins, resolve, Method, Standard};
use super::subindex::{Beyond, MeasureTable, Negative, Scale, F_ABOVE, NONE};
use crate::engine::columns::{as_f64, representation_error};
use crate::engine::parallel::{install, TASK_ROWS};
use crate::engine::{Error, Result};

fn batch(fields: Vec<(&str, DataType, bool)>, columns: Vec<ArrayRef>) -> RecordBatch {
    let schema =
        Schema::new(fields.into_iter().map(|(n, t, null)| Field::new(n, t, null)).collect::<Vec<_>>());
    RecordBatch::try_new(Arc::new(schema), columns).expect("reference table columns match")
}

fn text<S: AsRef<str>>(values: impl IntoIterator<Item = S>) -> ArrayRef {
    Arc::new(StringArray::from_iter_values(values))
}

fn method_key(method: Method) -> &'static str {
    match method {
        Method::Linear => "linear",
        Method::Bands => "bands",
        Method::Aqhi => "aqhi",
    }
}

/// Every built-in standard with its measures: one row per (standard, measure).
pub fn standards() -> RecordBatch {
    let mut rows: Vec<(&Standard, &MeasureTable)> = Vec::new();
    for s in builtins() {
        rows.extend(s.measures.iter().map(|m| (s.as_ref(), m)));
    }
    let resolution = |m: &MeasureTable| match m.rounding {
        super::measure::Rounding::None => None,
        _ => Some(1.0 / m.counts_per_unit()),
    };
    batch(
        vec![
            ("standard", DataType::Utf8, false),
            ("title", DataType::Utf8, false),
            ("method", DataType::Utf8, false),
            ("measure", DataType::Utf8, false),
            ("pollutant", DataType::Utf8, false),
            ("averaging", DataType::Utf8, false),
            ("unit", DataType::Utf8, false),
            ("rounding", DataType::Utf8, false),
            ("resolution", DataType::Float64, true),
            ("temperature_c", DataType::Int32, false),
            ("source", DataType::Utf8, false),
        ],
        vec![
            text(rows.iter().map(|(s, _)| s.id.as_str())),
            text(rows.iter().map(|(s, _)| s.title.as_str())),
            text(rows.iter().map(|(s, _)| method_key(s.method))),
            text(rows.iter().map(|(_, m)| m.key.as_str())),
            text(rows.iter().map(|(_, m)| m.pollutant.key())),
            text(rows.iter().map(|(_, m)| m.averaging.as_str())),
            text(rows.iter().map(|(_, m)| m.unit.key())),
            text(rows.iter().map(|(_, m)| m.rounding.key())),
            Arc::new(Float64Array::from(rows.iter().map(|(_, m)| resolution(m)).collect::<Vec<_>>())),
            Arc::new(Int32Array::from_iter_values(rows.iter().map(|(s, _)| s.temperature as i32))),
            text(rows.iter().map(|(s, _)| s.source.as_str())),
        ],
    )
}

/// Every breakpoint row of a standard: one row per (measure, band).
pub fn breakpoints(standard_text: &str) -> Result<RecordBatch> {
    let std = resolve(standard_text)?;
    if std.method == Method::Aqhi {
        return Err(Error::spec(format!(
            "{} is a formula, not a breakpoint table; its coefficients are in pt.aqi.Standard('{}').to_json()",
            std.id, std.id
        )));
    }
    let (mut measure, mut pollutant, mut averaging, mut unit, mut category) =
        (vec![], vec![], vec![], vec![], vec![]);
    let (mut i_lo, mut i_hi, mut c_lo, mut c_hi) = (vec![], vec![], vec![], vec![]);
    for m in &std.measures {
        for &(lo, hi, a, b) in &m.printed {
            measure.push(m.key.clone());
            pollutant.push(m.pollutant.key());
            averaging.push(m.averaging.clone());
            unit.push(m.unit.key());
            category.push(std.categories[std.category_entry(a)].name.clone());
            i_lo.push(a);
            i_hi.push(b);
            c_lo.push(lo);
            c_hi.push(hi);
        }
    }
    Ok(batch(
        vec![
            ("measure", DataType::Utf8, false),
            ("pollutant", DataType::Utf8, false),
            ("averaging", DataType::Utf8, false),
            ("unit", DataType::Utf8, false),
            ("aqi_lo", DataType::Int32, false),
            ("aqi_hi", DataType::Int32, false),
            ("conc_lo", DataType::Float64, false),
            ("conc_hi", DataType::Float64, true),
            ("category", DataType::Utf8, false),
        ],
        vec![
            text(measure),
            text(pollutant),
            text(averaging),
            text(unit),
            Arc::new(Int32Array::from(i_lo)),
            Arc::new(Int32Array::from(i_hi)),
            Arc::new(Float64Array::from(c_lo)),
            Arc::new(Float64Array::from(c_hi)),
            text(category),
        ],
    ))
}

/// The categories of a standard with their colours; `aqi_hi` is null for the open-ended top.
pub fn categories(standard_text: &str) -> Result<RecordBatch> {
    let std = resolve(standard_text)?;
    let cats = &std.categories;
    Ok(batch(
        vec![
            ("category", DataType::Utf8, false),
            ("aqi_lo", DataType::Int32, false),
            ("aqi_hi", DataType::Int32, true),
            ("colour", DataType::Utf8, true),
            ("hex", DataType::Utf8, true),
        ],
        vec![
            text(cats.iter().map(|c| c.name.as_str())),
            Arc::new(Int32Array::from_iter_values(cats.iter().map(|c| c.lo))),
            Arc::new(Int32Array::from(cats.iter().map(|c| c.hi).collect::<Vec<_>>())),
            Arc::new(StringArray::from(cats.iter().map(|c| c.colour.as_deref()).collect::<Vec<_>>())),
            Arc::new(StringArray::from(cats.iter().map(|c| c.hex.as_deref()).collect::<Vec<_>>())),
        ],
    ))
}

/// The standard's table for a measure key, or an error naming both.
fn measure_table<'a>(std: &'a Standard, measure_key: &str) -> Result<&'a MeasureTable> {
    let table = &std.measures[std.measure_for_key(measure_key)?];
    if matches!(table.scale, Scale::Formula) {
        return Err(Error::spec(format!(
            "{} combines its pollutants in one formula; it has no sub-index per measure",
            std.id
        )));
    }
    Ok(table)
}

/// `pt.aqi.subindex`: one measure's sub-index for every value (null where none is defined).
pub fn subindex(
    values: &ArrayRef,
    measure_key: &str,
    standard_text: &str,
    unit: Option<&str>,
    beyond: Option<Beyond>,
    negative: Option<Negative>,
) -> Result<Int32Array> {
    let std = resolve(standard_text)?;
    let t = measure_table(&std, measure_key)?;
    let beyond = beyond.unwrap_or(std.beyond);
    let negative = negative.unwrap_or(std.negative);
    let unit = unit.map(|text| Unit::parse(text, &t.key)).transpose()?.unwrap_or(t.unit);
    let factor = unit.factor_to(t.unit, t.pollutant, molar_volume(std.temperature)?, &t.key)?;
    let multiplier = match t.scale {
        Scale::Linear(_) => factor * t.counts_per_unit() * (1.0 + representation_error(values.data_type())),
        _ => factor,
    };
    // US EPA SO2 1-h above 304 ppb: AQI 200 on its own (`docs/standards/us_epa.md`).
    let epa_so2_1h = std.epa_so2 && t.pollutant == super::measure::Pollutant::So2 && t.averaging == "1h";
    let exact = super::decimal::exact_rounding(t, values.data_type(), unit != t.unit);
    let values = super::decimal::read(measure_key, values, exact)?;
    let mut out = vec![NONE; values.len()];
    install(|| {
        out.par_chunks_mut(TASK_ROWS).enumerate().for_each(|(task, chunk)| {
            let start = task * TASK_ROWS;
            for (i, slot) in chunk.iter_mut().enumerate() {
                if values.is_valid(start + i) {
                    let (index, flags) = t.rate(values.value(start + i), multiplier, beyond, negative);
                    *slot = if epa_so2_1h && flags & F_ABOVE != 0 { 200 } else { index };
                }
            }
        });
    });
    let nulls: NullBuffer = out.iter().map(|&v| v != NONE).collect();
    let out: Vec<i32> = out.into_iter().map(|v| v.max(0)).collect();
    Ok(Int32Array::new(out.into(), (nulls.null_count() > 0).then_some(nulls)))
}

/// `pt.aqi.concentration`: the lowest concentration (at the measure's resolution; for bands the
/// band's printed lower limit) whose sub-index is at least each index; null where none reaches it.
pub fn concentration(indices: &ArrayRef, measure_key: &str, standard_text: &str) -> Result<Float64Array> {
    let std = resolve(standard_text)?;
    let t = measure_table(&std, measure_key)?;
    let indices = as_f64("index", indices)?;
    Ok(indices.iter().map(|i| i.and_then(|i| t.concentration_for(i))).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_as_data() {
        let b = breakpoints("us_epa_2024").unwrap();
        // 6 PM2.5 + 6 PM10 + 5 O3 8h + 4 O3 1h + 6 CO + 4 SO2 1h + 2 SO2 24h + 6 NO2.
        assert_eq!(b.num_rows(), 39);
        let c = categories("us_epa_2024").unwrap();
        assert_eq!(c.num_rows(), 6);
        assert!(c.column(2).is_null(5));
        assert_eq!(breakpoints("us_epa_1999").unwrap().num_rows(), 7);
        assert_eq!(categories("uk_daqi").unwrap().num_rows(), 10);
        assert!(breakpoints("ca_aqhi").is_err());
        let s = standards();
        assert!(s.num_rows() > 40);
    }

    #[test]
    fn arrays() {
        let values: ArrayRef = Arc::new(Float64Array::from(vec![Some(35.49), None, Some(-1.0), Some(330.0)]));
        let out = subindex(&values, "pm25", "us_epa_2024", None, None, Some(Negative::Null)).unwrap();
        assert_eq!(out.iter().collect::<Vec<_>>(), vec![Some(100), None, None, Some(509)]);
        // The US EPA default: a negative reading is rated as 0.
        let out = subindex(&values, "pm25", "us_epa_2024", None, None, None).unwrap();
        assert_eq!(out.iter().collect::<Vec<_>>(), vec![Some(100), None, Some(0), Some(509)]);
        // India's default: no index. 35.49 → 35 → 51 + 49·4/29 = 57.76 → 58.
        let out = subindex(&values, "pm25", "in_naqi", None, None, None).unwrap();
        assert_eq!((out.value(0), out.is_null(2)), (58, true));
        let ug: ArrayRef = Arc::new(Float64Array::from(vec![100.0]));
        // 100 µg/m³ NO2 × 24.45 / 46.01 = 53.14 ppb → 53 → 50.
        let out = subindex(&ug, "no2", "us_epa_2024", Some("ug/m3"), None, None).unwrap();
        assert_eq!(out.value(0), 50);
        let so2: ArrayRef = Arc::new(Float64Array::from(vec![305.0]));
        assert_eq!(subindex(&so2, "so2", "us_epa_2024", None, None, None).unwrap().value(0), 200);
        let idx: ArrayRef = Arc::new(Float64Array::from(vec![Some(101.0), None, Some(400.0)]));
        let c = concentration(&idx, "o3_8h", "us_epa_2024").unwrap();
        assert_eq!(c.iter().collect::<Vec<_>>(), vec![Some(0.071), None, None]);
        assert!(subindex(&values, "pm10", "us_epa_1999", None, None, None).is_err());
        // EEA: 5.0 is band 1, just above it band 2; UK: 33.4 rounds to 33 (band 1), 33.5 to 34.
        let eea: ArrayRef = Arc::new(Float64Array::from(vec![5.0, 5.01, 141.0]));
        let out = subindex(&eea, "pm25", "eu_eaqi_2024", None, None, None).unwrap();
        assert_eq!(out.values().to_vec(), vec![1, 2, 6]);
        let uk: ArrayRef = Arc::new(Float64Array::from(vec![33.4, 33.5, 500.0]));
        assert_eq!(
            subindex(&uk, "o3", "uk_daqi", None, None, None).unwrap().values().to_vec(),
            vec![1, 2, 10]
        );
        let idx: ArrayRef = Arc::new(Float64Array::from(vec![2.0]));
        assert_eq!(concentration(&idx, "pm25", "eu_eaqi_2024").unwrap().values().to_vec(), vec![5.0]);
    }
}
