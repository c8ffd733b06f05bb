//! `pt.aqi.rolling`: a trailing mean over the `hours` hours ending at each row's hour, found by
//! timestamp, valid when at least `min_valid` of those hours have a reading.

use std::sync::Arc;

use arrow_array::{ArrayRef, Int32Array, RecordBatch};
use arrow_schema::{DataType, Field, Schema};

use super::by_station::group_by_station;
use super::grid::grid;
use super::prepare::{mask_sentinels, per_station};
use super::series::{nan_to_null, Clock, Duplicates, Timeline};
use crate::engine::columns::as_f64;
use crate::engine::parallel::install;
use crate::engine::{Error, Result};

/// Mean and count of the valid values in `series[end + 1 - hours ..= end]` (NaN = missing).
pub fn trailing(series: &[f64], end: usize, hours: usize) -> (f64, usize) {
    let start = (end + 1).saturating_sub(hours);
    let (sum, count) =
        series[start..=end].iter().filter(|v| !v.is_nan()).fold((0.0, 0), |(s, n), v| (s + v, n + 1));
    (if count > 0 { sum / count as f64 } else { f64::NAN }, count)
}

pub struct RollingOptions {
    pub station: String,
    pub time: String,
    pub column: String,
    pub hours: usize,
    pub min_valid: usize,
    pub duplicates: Duplicates,
    /// Readings equal to one of these are missing (see `prepare::mask_sentinels`).
    pub na_values: Vec<f64>,
}

/// The input rows with `<column>_<hours>h` (null below `min_valid`) and `<column>_<hours>h_count`.
pub fn rolling(batch: &RecordBatch, o: &RollingOptions) -> Result<RecordBatch> {
    if o.hours == 0 || o.min_valid > o.hours {
        return Err(Error::spec(format!(
            "need 1 <= min_valid <= hours, got hours={} min_valid={}",
            o.hours, o.min_valid
        )));
    }
    let get = |name: &str| {
        batch.column_by_name(name).cloned().ok_or_else(|| Error::ColumnNotFound {
            what: format!("column '{name}' is not in the data"),
            available: batch.schema().fields().iter().map(|f| f.name().clone()).collect(),
        })
    };
    let values = mask_sentinels(as_f64(&o.column, &get(&o.column)?)?, &o.na_values);
    let timeline = Timeline::new(&o.time, &get(&o.time)?, Clock::Hours)?;
    let station = get(&o.station)?;
    let stations = install(|| group_by_station(&o.station, &station, &timeline, &[values]))?;
    let per_station: Vec<Vec<(u32, f64, usize)>> = per_station(&stations, &o.time, |s| {
        let (first, last) = stations.spans[s];
        let g = grid(&stations, s, first, (last - first + 1) as usize, o.duplicates)?;
        Ok(stations
            .slices(s)
            .flat_map(|slice| slice.readings())
            .map(|r| {
                let (mean, count) = trailing(&g.values[0], (i64::from(r.hour()) - first) as usize, o.hours);
                (r.row(), mean, count)
            })
            .collect())
    })?;
    let mut mean = vec![f64::NAN; batch.num_rows()];
    let mut count = vec![0_i32; batch.num_rows()];
    for (row, m, n) in per_station.into_iter().flatten() {
        count[row as usize] = n as i32;
        if n >= o.min_valid {
            mean[row as usize] = m;
        }
    }
    let name = format!("{}_{}h", o.column, o.hours);
    let mut fields: Vec<Arc<Field>> = batch.schema().fields().iter().cloned().collect();
    fields.push(Arc::new(Field::new(name.as_str(), DataType::Float64, true)));
    fields.push(Arc::new(Field::new(format!("{name}_count"), DataType::Int32, false)));
    let mut columns: Vec<ArrayRef> = batch.columns().to_vec();
    columns.push(Arc::new(nan_to_null(mean)));
    columns.push(Arc::new(Int32Array::from(count)));
    let schema = Schema::new_with_metadata(fields, batch.schema().metadata().clone());
    Ok(RecordBatch::try_new(Arc::new(schema), columns)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_window_skips_missing_hours() {
        let s = [1.0, f64::NAN, 3.0, 5.0];
        assert_eq!(trailing(&s, 3, 3), (4.0, 2));
        assert_eq!(trailing(&s, 0, 8), (1.0, 1));
        assert!(trailing(&[f64::NAN], 0, 1).0.is_nan());
    }
}
