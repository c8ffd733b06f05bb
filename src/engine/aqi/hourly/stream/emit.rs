//! Emitted rows, built with the batch functions' own kernels: the NowCast of a (station, hour)
//! from its 12 hours in the state (`nowcast_of`), a day from its 48 hours (`DaysBuilder`), and
//! the same column assembly (`append_nowcasts`, `daily::assemble`).

use std::sync::Arc;

use arrow_array::{ArrayRef, Float64Array, Int64Array, RecordBatch, RecordBatchOptions};
use arrow_cast::cast;
use arrow_schema::{DataType, Field, Schema};
use rayon::prelude::*;

use super::update::NOWCAST_BACK;
use super::HourlyState;
use crate::engine::aqi::hourly::daily::{assemble, DayRules, Days, DaysBuilder};
use crate::engine::aqi::hourly::nowcast::{append_nowcasts, method, nowcast_of};
use crate::engine::aqi::hourly::stream::keys::key_column;
use crate::engine::aqi::measure::Pollutant;
use crate::engine::parallel::install;
use crate::engine::Result;

/// Rows per parallel task: below this the hop into the pool costs more than it saves.
const TASK: usize = 2048;

fn cast_to(array: ArrayRef, data_type: &DataType) -> Result<ArrayRef> {
    Ok(if array.data_type() == data_type { array } else { cast(&array, data_type)? })
}

impl HourlyState {
    /// The NowCast rows of every received hour whose window holds one of `touched`, in station
    /// order (first appearance), then hour.
    pub(super) fn emit_nowcast(&self, mut touched: Vec<(u32, i64)>) -> Result<RecordBatch> {
        let Some(layout) = &self.layout else {
            return Ok(RecordBatch::new_empty(Arc::new(Schema::empty())));
        };
        let pollutants: Vec<Pollutant> = layout.columns.iter().map(|(p, _, _)| *p).collect();
        let reach = pollutants.iter().map(|&p| method(p).hours as i64).max().unwrap_or(1);
        touched.sort_unstable();
        touched.dedup();
        let mut rows: Vec<(u32, i64)> = Vec::with_capacity(touched.len());
        for &(s, h) in &touched {
            let buffer = &self.buffers[s as usize];
            rows.extend((h..h + reach).filter(|&t| buffer.claimed(t)).map(|t| (s, t)));
        }
        rows.sort_unstable();
        rows.dedup();
        let mut values = Vec::with_capacity(pollutants.len());
        for (c, &p) in pollutants.iter().enumerate() {
            let each: Vec<(f64, f64)> = install(|| {
                rows.par_iter()
                    .with_min_len(TASK)
                    .map(|&(s, h)| {
                        let buffer = &self.buffers[s as usize];
                        let window: [f64; 12] =
                            std::array::from_fn(|i| buffer.value(c, h - NOWCAST_BACK + i as i64));
                        nowcast_of(&window, NOWCAST_BACK as usize, p).unwrap_or((f64::NAN, f64::NAN))
                    })
                    .collect()
            });
            values.push(each.into_iter().unzip());
        }
        let ids: Vec<u32> = rows.iter().map(|r| r.0).collect();
        let o = &self.options;
        let mut fields = vec![
            Field::new(&o.station, layout.station_type.clone(), true),
            Field::new(&o.time, layout.time_type.clone(), true),
        ];
        let times = Int64Array::from_iter_values(
            rows.iter().map(|&(s, h)| self.buffers[s as usize].time(h).unwrap_or_default()),
        );
        let mut columns = vec![
            key_column(&self.stations.keys, &ids, &layout.station_type)?,
            cast_to(Arc::new(times), &layout.time_type)?,
        ];
        for (c, (_, name, data_type)) in layout.columns.iter().enumerate() {
            let raw: Float64Array = rows.iter().map(|&(s, h)| self.buffers[s as usize].raw(c, h)).collect();
            fields.push(Field::new(name, data_type.clone(), true));
            columns.push(cast_to(Arc::new(raw), data_type)?);
        }
        let options = RecordBatchOptions::new().with_row_count(Some(rows.len()));
        let base = RecordBatch::try_new_with_options(Arc::new(Schema::new(fields)), columns, &options)?;
        append_nowcasts(&base, &pollutants, values, &o.standard)
    }

    /// The days not yet emitted, through day `through` (none: an empty table), of every
    /// station with a row in them.
    pub(super) fn emit_days(&self, through: Option<i64>) -> Result<RecordBatch> {
        let Some(layout) = &self.layout else {
            return Ok(RecordBatch::new_empty(Arc::new(Schema::empty())));
        };
        let named: Vec<(Pollutant, String)> =
            layout.columns.iter().map(|(p, n, _)| (*p, n.clone())).collect();
        let rules = DayRules::new(&named);
        let after = self.closed_through;
        let per_station: Vec<Option<Days>> = install(|| {
            self.buffers
                .par_iter()
                .with_min_len(TASK)
                .map(|b| {
                    let through = through?;
                    if b.is_empty() {
                        return None;
                    }
                    let first = after.map_or(i64::MIN, |a| a + 1).max(b.base().div_euclid(24));
                    let last = through.min((b.end() - 1).div_euclid(24));
                    let mut days = DaysBuilder::new(&rules);
                    for day in first..=last {
                        if (24 * day..24 * day + 24).any(|h| b.claimed(h)) {
                            let series: Vec<Vec<f64>> =
                                (0..named.len()).map(|c| b.series(c, 24 * day, 48)).collect();
                            days.push(&rules, day, |c| &series[c]);
                        }
                    }
                    (!days.is_empty()).then(|| days.finish())
                })
                .collect()
        });
        let (ids, days): (Vec<u32>, Vec<Days>) =
            per_station.into_iter().enumerate().filter_map(|(s, d)| d.map(|d| (s as u32, d))).unzip();
        let station = key_column(&self.stations.keys, &ids, &layout.station_type)?;
        let first_rows: Vec<u32> = (0..ids.len() as u32).collect();
        assemble(&station, &first_rows, &rules, &days, &self.options.standard)
    }
}
