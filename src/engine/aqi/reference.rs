//! The reference tables as Arrow data, and the array forms of `subindex` and `concentration`.

use std::sync::Arc;

use arrow_array::{Array, ArrayRef, Float64Array, Int32Array, RecordBatch, StringArray};
use arrow_buffer::NullBuffer;
use arrow_schema::{DataType, Field, Schema};
use rayon::prelude::*;

use super::measure::{Measure, Unit};
use super::subindex::{standalone, table, Beyond, MeasureTable, NONE};
use super::tables::{standard, StandardDef};
use crate::engine::columns::{as_f64, representation_error};
use crate::engine::parallel::{install, TASK_ROWS};
use crate::engine::{Error, Result};

fn batch(fields: Vec<(&str, DataType, bool)>, columns: Vec<ArrayRef>) -> RecordBatch {
    let schema =
        Schema::new(fields.into_iter().map(|(n, t, null)| Field::new(n, t, null)).collect::<Vec<_>>());
    RecordBatch::try_new(Arc::new(schema), columns).expect("reference table columns match")
}

/// Every breakpoint row of a standard: one row per (measure, band).
pub fn breakpoints(standard_id: &str) -> Result<RecordBatch> {
    let std = standard(standard_id)?;
    let (mut measure, mut averaging, mut unit, mut category) = (vec![], vec![], vec![], vec![]);
    let (mut i_lo, mut i_hi, mut c_lo, mut c_hi) = (vec![], vec![], vec![], vec![]);
    for m in std.measures() {
        let t = table(std, m).expect("compiled");
        for row in &t.rows {
            measure.push(m.key());
            averaging.push(m.averaging());
            unit.push(m.native_unit().key());
            category.push(std.categories[std.category_of(row.i_lo)].name);
            i_lo.push(row.i_lo);
            i_hi.push(row.i_hi);
            c_lo.push(row.lo as f64 / m.scale());
            c_hi.push(row.hi as f64 / m.scale());
        }
    }
    let text = |v: Vec<&str>| -> ArrayRef { Arc::new(StringArray::from(v)) };
    Ok(batch(
        vec![
            ("measure", DataType::Utf8, false),
            ("averaging", DataType::Utf8, false),
            ("unit", DataType::Utf8, false),
            ("aqi_lo", DataType::Int32, false),
            ("aqi_hi", DataType::Int32, false),
            ("conc_lo", DataType::Float64, false),
            ("conc_hi", DataType::Float64, false),
            ("category", DataType::Utf8, false),
        ],
        vec![
            text(measure),
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
pub fn categories(standard_id: &str) -> Result<RecordBatch> {
    let std = standard(standard_id)?;
    let cats = std.categories;
    Ok(batch(
        vec![
            ("category", DataType::Utf8, false),
            ("aqi_lo", DataType::Int32, false),
            ("aqi_hi", DataType::Int32, true),
            ("colour", DataType::Utf8, false),
            ("hex", DataType::Utf8, false),
        ],
        vec![
            Arc::new(StringArray::from_iter_values(cats.iter().map(|c| c.name))),
            Arc::new(Int32Array::from_iter_values(cats.iter().map(|c| c.i_lo))),
            Arc::new(Int32Array::from(cats.iter().map(|c| c.i_hi).collect::<Vec<_>>())),
            Arc::new(StringArray::from_iter_values(cats.iter().map(|c| c.colour))),
            Arc::new(StringArray::from_iter_values(cats.iter().map(|c| c.hex))),
        ],
    ))
}

/// The standard's table for a measure key, or an error naming both.
pub fn measure_table(std: &StandardDef, measure_key: &str) -> Result<&'static MeasureTable> {
    let measure = Measure::parse(measure_key)?;
    table(std, measure)
        .ok_or_else(|| Error::spec(format!("standard {} has no table for {}", std.id, measure.key())))
}

/// `pt.aqi.subindex`: one measure's sub-index for every value (null where none is defined).
pub fn subindex(
    values: &ArrayRef,
    measure_key: &str,
    standard_id: &str,
    unit: Option<&str>,
    beyond: Beyond,
) -> Result<Int32Array> {
    let std = standard(standard_id)?;
    let t = measure_table(std, measure_key)?;
    let factor = match unit {
        Some(text) => Unit::parse(text, t.measure)?.factor_to(t.measure)?,
        None => 1.0,
    };
    let multiplier = factor * t.measure.scale() * (1.0 + representation_error(values.data_type()));
    let values = as_f64(measure_key, values)?;
    let mut out = vec![NONE; values.len()];
    install(|| {
        out.par_chunks_mut(TASK_ROWS).enumerate().for_each(|(task, chunk)| {
            let start = task * TASK_ROWS;
            for (i, slot) in chunk.iter_mut().enumerate() {
                if values.is_valid(start + i) {
                    *slot = standalone(t, values.value(start + i), multiplier, beyond).0;
                }
            }
        });
    });
    let nulls: NullBuffer = out.iter().map(|&v| v != NONE).collect();
    let out: Vec<i32> = out.into_iter().map(|v| v.max(0)).collect();
    Ok(Int32Array::new(out.into(), (nulls.null_count() > 0).then_some(nulls)))
}

/// `pt.aqi.concentration`: the lowest concentration (at the measure's precision) whose
/// sub-index is at least each index; null where none reaches it.
pub fn concentration(indices: &ArrayRef, measure_key: &str, standard_id: &str) -> Result<Float64Array> {
    let std = standard(standard_id)?;
    let t = measure_table(std, measure_key)?;
    let indices = as_f64("index", indices)?;
    Ok(indices
        .iter()
        .map(|i| i.and_then(|i| t.lowest_count_reaching(i)).map(|c| c as f64 / t.measure.scale()))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::Array;

    #[test]
    fn tables_as_data() {
        let b = breakpoints("us_epa_2024").unwrap();
        // 6 PM2.5 + 6 PM10 + 5 O3 8h + 4 O3 1h + 6 CO + 4 SO2 1h + 2 SO2 24h + 6 NO2.
        assert_eq!(b.num_rows(), 39);
        let c = categories("us_epa_2024").unwrap();
        assert_eq!(c.num_rows(), 6);
        assert!(c.column(2).is_null(5));
        assert_eq!(breakpoints("us_epa_1999").unwrap().num_rows(), 7);
    }

    #[test]
    fn arrays() {
        let values: ArrayRef = Arc::new(Float64Array::from(vec![Some(35.49), None, Some(-1.0), Some(330.0)]));
        let out = subindex(&values, "pm25", "us_epa_2024", None, Beyond::Extend).unwrap();
        assert_eq!(out.iter().collect::<Vec<_>>(), vec![Some(100), None, None, Some(509)]);
        let ug: ArrayRef = Arc::new(Float64Array::from(vec![100.0]));
        // 100 µg/m³ NO2 × 24.45 / 46.01 = 53.14 ppb → 53 → 50.
        let out = subindex(&ug, "no2", "us_epa_2024", Some("ug/m3"), Beyond::Extend).unwrap();
        assert_eq!(out.value(0), 50);
        let idx: ArrayRef = Arc::new(Float64Array::from(vec![Some(101.0), None, Some(400.0)]));
        let c = concentration(&idx, "o3_8h", "us_epa_2024").unwrap();
        assert_eq!(c.iter().collect::<Vec<_>>(), vec![Some(0.071), None, None]);
        assert!(subindex(&values, "pm10", "us_epa_1999", None, Beyond::Extend).is_err());
    }
}
