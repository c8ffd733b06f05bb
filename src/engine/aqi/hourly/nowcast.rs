//! The NowCast (`docs/standards/us_epa.md`): a weighted mean of the most recent hours whose weight
//! falls as the concentration changes faster. PM: 12 hours, weight at least 0.5. Ozone: the
//! legacy (2016–2019) weighted method, 8 hours and no minimum weight.

use std::sync::Arc;

use arrow_array::{ArrayRef, BooleanArray, RecordBatch, RecordBatchOptions};
use arrow_schema::{DataType, Field, Schema};

use super::grid::grid;
use super::prepare::{hourly_measure, per_station, prepare, rate, HourlyOptions};
use super::series::{nan_to_null, Clock};
use crate::engine::aqi::measure::Pollutant;
use crate::engine::Result;

/// The shape of one NowCast method.
#[derive(Clone, Copy, Debug)]
pub struct Method {
    pub hours: usize,
    pub min_weight: f64,
}

/// PM2.5 and PM10 (AirNow since 2013).
pub const PM: Method = Method { hours: 12, min_weight: 0.5 };
/// Ozone, the legacy weighted method (AirNow 2016–2019); the current method is a PLS model fit.
pub const O3_LEGACY: Method = Method { hours: 8, min_weight: 0.0 };

/// NowCast at grid slot `t` (`c1 = series[t]`, `c2 = series[t - 1]`, …; NaN = missing):
/// `(nowcast, weight)`, or `None` unless 2 of the 3 most recent hours are valid.
pub fn nowcast_at(series: &[f64], t: usize, method: Method) -> Option<(f64, f64)> {
    let hour = |i: usize| if i <= t { series[t - i] } else { f64::NAN };
    if (0..3).filter(|&i| !hour(i).is_nan()).count() < 2 {
        return None;
    }
    let window = (0..method.hours).map(hour);
    let (mut c_min, mut c_max) = (f64::INFINITY, f64::NEG_INFINITY);
    for c in window.clone().filter(|c| !c.is_nan()) {
        c_min = c_min.min(c);
        c_max = c_max.max(c);
    }
    if c_max <= 0.0 {
        return Some((0.0, 1.0)); // all zero (or below): the weight is undefined; take w = 1
    }
    let weight = (c_min / c_max).clamp(method.min_weight, 1.0);
    let (mut num, mut den, mut power) = (0.0, 0.0, 1.0);
    for c in window {
        if !c.is_nan() {
            num += power * c;
            den += power;
        }
        power *= weight; // a missing hour keeps its slot in the exponent
    }
    // With weight 0 (ozone) only the current hour counts; if it is missing there is no NowCast.
    (den > 0.0).then(|| (num / den, weight))
}

/// Truncation guard of a NowCast, relative: a weighted mean of up to 12 hours carries a few
/// dozen ulps of rounding (each sum up to 12 roundings, then a division), not the two of a
/// value read from data (`subindex::GUARD`).
const MEAN_GUARD: f64 = 64.0 * f64::EPSILON;

/// Truncates a NowCast to the pollutant's reporting precision (`docs/standards/us_epa.md` step 6); a negative
/// NowCast (negative hourly readings) is left as it is for the AQI to flag.
fn truncated(c: f64, scale: f64) -> f64 {
    if c >= 0.0 {
        // `as` saturates, so a huge mean is `i64::MAX` counts, beyond every table.
        ((c * scale) * (1.0 + MEAN_GUARD)) as i64 as f64 / scale
    } else {
        c
    }
}

/// One station's rows and, per pollutant, each row's `(nowcast, weight)` if valid.
struct StationNowcasts {
    rows: Vec<u32>,
    nowcasts: Vec<Vec<Option<(f64, f64)>>>,
}

pub fn method(p: Pollutant) -> Method {
    if p == Pollutant::O3 {
        O3_LEGACY
    } else {
        PM
    }
}

/// Output column prefix: ozone's says which method it is.
fn prefix(p: Pollutant) -> &'static str {
    match p {
        Pollutant::O3 => "o3_nowcast_legacy",
        Pollutant::Pm10 => "pm10_nowcast",
        _ => "pm25_nowcast",
    }
}

/// The truncated NowCast and weight of pollutant `p` at slot `t` of its hour series.
pub fn nowcast_of(series: &[f64], t: usize, p: Pollutant) -> Option<(f64, f64)> {
    let scale = hourly_measure(p).counts_per_unit();
    nowcast_at(series, t, method(p)).map(|(c, w)| (truncated(c, scale), w))
}

/// `pt.aqi.nowcast`: the input rows (same order) with, per pollutant, the truncated NowCast,
/// its weight, a validity flag and its AQI, then the overall NowCast AQI, category, dominant
/// pollutant and status.
pub fn nowcast(batch: RecordBatch, options: &HourlyOptions, standard: &str) -> Result<RecordBatch> {
    let prepared = prepare(batch, options, &NOWCAST_POLLUTANTS, Clock::Hours)?;
    let rows = prepared.batch.num_rows();
    let pollutants: Vec<Pollutant> = prepared.columns.iter().map(|(p, _)| *p).collect();
    // Per station, in parallel: its hour grid of every pollutant (read once), then each row's
    // NowCast of each pollutant.
    let stations = &prepared.stations;
    let per_station: Vec<StationNowcasts> = per_station(stations, &options.time, |s| {
        let (first, last) = stations.spans[s];
        let g = grid(stations, s, first, (last - first + 1) as usize, options.duplicates)?;
        let (rows, slots): (Vec<u32>, Vec<usize>) = stations
            .slices(s)
            .flat_map(|s| s.readings())
            .map(|r| (r.row(), (i64::from(r.hour()) - first) as usize))
            .unzip();
        let nowcasts = pollutants
            .iter()
            .zip(&g.values)
            .map(|(&p, series)| slots.iter().map(|&t| nowcast_of(series, t, p)).collect())
            .collect();
        Ok(StationNowcasts { rows, nowcasts })
    })?;
    let mut values = Vec::with_capacity(pollutants.len());
    for column in 0..pollutants.len() {
        let mut nowcast = vec![f64::NAN; rows];
        let mut weight = vec![f64::NAN; rows];
        for station in &per_station {
            for (&row, nc) in station.rows.iter().zip(&station.nowcasts[column]) {
                if let Some((c, w)) = nc {
                    nowcast[row as usize] = *c;
                    weight[row as usize] = *w;
                }
            }
        }
        values.push((nowcast, weight));
    }
    append_nowcasts(&prepared.batch, &pollutants, values, standard)
}

/// The pollutants the NowCast is defined for.
pub const NOWCAST_POLLUTANTS: [Pollutant; 3] = [Pollutant::Pm25, Pollutant::Pm10, Pollutant::O3];

/// `batch` with the NowCast columns of `pt.aqi.nowcast` appended: per pollutant (in `pollutants`
/// order) each row's truncated NowCast and weight (NaN = none), then their AQI.
pub fn append_nowcasts(
    batch: &RecordBatch,
    pollutants: &[Pollutant],
    values: Vec<(Vec<f64>, Vec<f64>)>,
    standard: &str,
) -> Result<RecordBatch> {
    let rows = batch.num_rows();
    let mut fields: Vec<Arc<Field>> = batch.schema().fields().iter().cloned().collect();
    let mut columns: Vec<ArrayRef> = batch.columns().to_vec();
    let mut aqi_columns = Vec::new();
    for (&p, (nowcast, weight)) in pollutants.iter().zip(values) {
        let valid: BooleanArray = nowcast.iter().map(|v| Some(!v.is_nan())).collect();
        let name = prefix(p);
        let nowcast: ArrayRef = Arc::new(nan_to_null(nowcast));
        fields.push(Arc::new(Field::new(name, DataType::Float64, true)));
        fields.push(Arc::new(Field::new(format!("{name}_weight"), DataType::Float64, true)));
        fields.push(Arc::new(Field::new(format!("{name}_valid"), DataType::Boolean, false)));
        columns.push(Arc::clone(&nowcast));
        columns.push(Arc::new(nan_to_null(weight)));
        columns.push(Arc::new(valid));
        aqi_columns.push((p, name, nowcast));
    }
    // The AQI of the NowCast concentrations, by the same plan as `pt.aqi.compute` (PM on the
    // 24-hour tables, the ozone NowCast on the 8-hour table).
    let aqi = nowcast_aqi(&aqi_columns, rows, standard)?;
    let aqi_schema = aqi.schema();
    for (field, column) in aqi_schema.fields().iter().zip(aqi.columns()).skip(aqi_columns.len()) {
        let name = field.name().replacen("aqi", "nowcast_aqi", 1);
        fields.push(Arc::new(field.as_ref().clone().with_name(name)));
        columns.push(Arc::clone(column));
    }
    let schema = Schema::new_with_metadata(fields, batch.schema().metadata().clone());
    Ok(RecordBatch::try_new(Arc::new(schema), columns)?)
}

fn nowcast_aqi(columns: &[(Pollutant, &str, ArrayRef)], rows: usize, standard: &str) -> Result<RecordBatch> {
    let key = |p: Pollutant| if p == Pollutant::O3 { "o3_8h" } else { p.key() };
    let fields: Vec<Field> =
        columns.iter().map(|(_, n, _)| Field::new(*n, DataType::Float64, true)).collect();
    let arrays: Vec<ArrayRef> = columns.iter().map(|(_, _, a)| Arc::clone(a)).collect();
    let options = RecordBatchOptions::new().with_row_count(Some(rows));
    let batch = RecordBatch::try_new_with_options(Arc::new(Schema::new(fields)), arrays, &options)?;
    rate(
        &batch,
        standard,
        columns.iter().map(|(p, n, _)| (key(*p).to_owned(), Some((*n).to_owned()))).collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_example_n01() {
        // c = 80, 40, 20, then 10 × 9 (most recent first): w* = 0.125 -> 0.5; NowCast 53.7607.
        let mut series: Vec<f64> = vec![10.0; 9];
        series.extend([20.0, 40.0, 80.0]);
        let (c, w) = nowcast_at(&series, 11, PM).unwrap();
        assert!((w - 0.5).abs() < 1e-12);
        assert!((c - 107.495_117_187_5 / 1.999_511_718_75).abs() < 1e-9, "{c}");
    }

    #[test]
    fn reference_example_n09_legacy_ozone() {
        // 63, 69, 80, 74, 60, missing, 35, 22 ppb (most recent first): w = 22/80 = 0.275.
        let series = [22.0, 35.0, f64::NAN, 60.0, 74.0, 80.0, 69.0, 63.0];
        let (c, w) = nowcast_at(&series, 7, O3_LEGACY).unwrap();
        assert!((w - 0.275).abs() < 1e-12);
        assert!((c - 65.27).abs() < 0.01, "{c}");
    }

    #[test]
    fn validity_needs_two_of_the_last_three_hours() {
        let series = [5.0, f64::NAN, f64::NAN, 7.0];
        assert!(nowcast_at(&series, 3, PM).is_none());
        let series = [5.0, 6.0, f64::NAN, 7.0];
        assert!(nowcast_at(&series, 3, PM).is_some());
        // Current hour missing, the two before valid: still a NowCast.
        let series = [5.0, 6.0, 8.0, f64::NAN];
        let (c, _) = nowcast_at(&series, 3, PM).unwrap();
        assert!(c > 6.0 && c < 8.0);
        assert_eq!(nowcast_at(&[0.0, 0.0, 0.0], 2, PM), Some((0.0, 1.0)));
    }

    #[test]
    fn truncation_absorbs_the_rounding_of_a_mean_only() {
        // A mean a few ulps below 35.5 is 35.5; one really below 9.1 is 9.0.
        assert_eq!(truncated(35.5 - 8.0 * f64::EPSILON * 35.5, 10.0).to_bits(), 35.5_f64.to_bits());
        assert_eq!(truncated(9.099_999_999_9, 10.0).to_bits(), 9.0_f64.to_bits());
        assert_eq!(truncated(-2.0, 10.0).to_bits(), (-2.0_f64).to_bits());
        assert_eq!(truncated(1e300, 1.0).to_bits(), (i64::MAX as f64).to_bits());
    }
}
