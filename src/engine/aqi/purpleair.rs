//! The US EPA correction of `PurpleAir` PM2.5 (`docs/standards/us_epa.md`): a separate step before the index.

use std::sync::Arc;

use arrow_array::types::Int8Type;
use arrow_array::{Array, ArrayRef, DictionaryArray, Float64Array, Int8Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use rayon::prelude::*;

use crate::engine::columns::as_f64;
use crate::engine::parallel::{install, TASK_ROWS};
use crate::engine::{Error, Result};

/// Which published equation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// Barkjohn, Gantt & Clements (2021), AMT 14, 4617–4637: `0.524·PA − 0.0862·RH + 5.75`.
    UsWide2021,
    /// The Fire and Smoke Map extension for high concentrations (Oct 2021; Barkjohn et al. 2022).
    Extended,
}

impl Method {
    pub fn parse(text: &str) -> Result<Method> {
        match text {
            "us_wide_2021" => Ok(Self::UsWide2021),
            "extended" => Ok(Self::Extended),
            _ => Err(Error::spec(format!("method must be 'extended' or 'us_wide_2021', not '{text}'"))),
        }
    }
}

pub const STATUS_NAMES: [&str; 5] = ["ok", "no_data", "negative", "not_finite", "humidity_out_of_range"];

/// Corrected PM2.5 (µg/m³, negatives clamped to 0) from `PurpleAir` `cf_1` PM2.5 `pa` and relative
/// humidity `rh` (%); `None` for `rh` is fine where the equation does not use it (PA ≥ 260).
pub fn correct(pa: f64, rh: Option<f64>, method: Method) -> Option<f64> {
    let rh_term = |rh: Option<f64>| rh.map(|rh| 0.0862 * rh);
    let value = match method {
        Method::UsWide2021 => 0.524 * pa - rh_term(rh)? + 5.75,
        Method::Extended if pa < 30.0 => 0.524 * pa - rh_term(rh)? + 5.75,
        Method::Extended if pa < 50.0 => {
            let w = pa / 20.0 - 1.5;
            (0.786 * w + 0.524 * (1.0 - w)) * pa - rh_term(rh)? + 5.75
        }
        Method::Extended if pa < 210.0 => 0.786 * pa - rh_term(rh)? + 5.75,
        Method::Extended if pa < 260.0 => {
            let w = pa / 50.0 - 4.2;
            (0.69 * w + 0.786 * (1.0 - w)) * pa - rh_term(rh)? * (1.0 - w)
                + 2.966 * w
                + 5.75 * (1.0 - w)
                + 8.84e-4 * pa * pa * w
        }
        Method::Extended => 2.966 + 0.69 * pa + 8.84e-4 * pa * pa,
    };
    Some(value.max(0.0))
}

/// `(value, status)` of one row.
fn row(pa: Option<f64>, rh: Option<f64>, method: Method) -> (Option<f64>, i8) {
    let Some(pa) = pa else { return (None, 1) };
    if !pa.is_finite() || rh.is_some_and(|rh| !rh.is_finite()) {
        return (None, 3);
    }
    if pa < 0.0 {
        return (None, 2);
    }
    if rh.is_some_and(|rh| !(0.0..=100.0).contains(&rh)) {
        return (None, 4);
    }
    match correct(pa, rh, method) {
        Some(v) => (Some(v), 0),
        None => (None, 1),
    }
}

/// Appends `output` (float64) and `<output>_status` to the batch.
pub fn apply(batch: &RecordBatch, pa: &str, rh: &str, method: Method, output: &str) -> Result<RecordBatch> {
    let column = |name: &str, what: &str| {
        batch.column_by_name(name).ok_or_else(|| Error::ColumnNotFound {
            what: format!("{what} column '{name}' is not in the data"),
            available: batch.schema().fields().iter().map(|f| f.name().clone()).collect(),
        })
    };
    let status_name = format!("{output}_status");
    for name in [output, status_name.as_str()] {
        if batch.schema().field_with_name(name).is_ok() {
            return Err(Error::spec(format!(
                "the data already has a column named '{name}'; choose another output="
            )));
        }
    }
    let pa_values = as_f64(pa, column(pa, "PurpleAir PM2.5")?)?;
    let rh_values = as_f64(rh, column(rh, "relative humidity")?)?;
    let n = batch.num_rows();
    let mut values = vec![None; n];
    let mut status = vec![0_i8; n];
    install(|| {
        values.par_chunks_mut(TASK_ROWS).zip(status.par_chunks_mut(TASK_ROWS)).enumerate().for_each(
            |(task, (values, status))| {
                let start = task * TASK_ROWS;
                for (i, (v, s)) in values.iter_mut().zip(status.iter_mut()).enumerate() {
                    let get = |a: &Float64Array| a.is_valid(start + i).then(|| a.value(start + i));
                    (*v, *s) = row(get(&pa_values), get(&rh_values), method);
                }
            },
        );
    });
    let dictionary: ArrayRef = Arc::new(StringArray::from_iter_values(STATUS_NAMES));
    let status = DictionaryArray::<Int8Type>::try_new(Int8Array::from(status), dictionary)?;
    let mut fields: Vec<Arc<Field>> = batch.schema().fields().iter().cloned().collect();
    fields.push(Arc::new(Field::new(output, DataType::Float64, true)));
    fields.push(Arc::new(Field::new(status_name, status.data_type().clone(), false)));
    let mut columns = batch.columns().to_vec();
    columns.push(Arc::new(Float64Array::from(values)));
    columns.push(Arc::new(status));
    let schema = Schema::new_with_metadata(fields, batch.schema().metadata().clone());
    Ok(RecordBatch::try_new(Arc::new(schema), columns)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equations() {
        // 0.524·20 − 0.0862·50 + 5.75 = 10.48 − 4.31 + 5.75 = 11.92.
        assert!((correct(20.0, Some(50.0), Method::UsWide2021).unwrap() - 11.92).abs() < 1e-9);
        assert_eq!(
            correct(20.0, Some(50.0), Method::Extended),
            correct(20.0, Some(50.0), Method::UsWide2021)
        );
        // 100: 78.6 − 4.31 + 5.75 = 80.04; 300: 2.966 + 207 + 79.56 = 289.526 (RH unused).
        assert!((correct(100.0, Some(50.0), Method::Extended).unwrap() - 80.04).abs() < 1e-9);
        assert!((correct(300.0, None, Method::Extended).unwrap() - 289.526).abs() < 1e-9);
        // Continuous at the blend ends (30, 50, 210, 260).
        for edge in [30.0, 50.0, 210.0, 260.0] {
            let below = correct(edge - 1e-9, Some(40.0), Method::Extended).unwrap();
            let at = correct(edge, Some(40.0), Method::Extended).unwrap();
            assert!((below - at).abs() < 1e-5, "{edge}: {below} vs {at}");
        }
        assert_eq!(correct(0.0, Some(100.0), Method::UsWide2021), Some(0.0)); // 5.75 − 8.62 < 0
        assert_eq!(row(Some(-1.0), Some(50.0), Method::Extended), (None, 2));
        assert_eq!(row(Some(10.0), Some(120.0), Method::Extended), (None, 4));
        assert_eq!(row(Some(10.0), None, Method::Extended), (None, 1));
        assert_eq!(row(Some(f64::NAN), Some(10.0), Method::Extended), (None, 3));
    }
}
