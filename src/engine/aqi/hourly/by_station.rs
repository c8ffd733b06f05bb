//! Hourly rows regrouped by station: each station's readings (row, hour, values) together and in
//! input order, so per-station work reads memory in order instead of gathering shuffled rows.
//! Each numbering chunk is partitioned on its own (a counting sort), in parallel and without
//! shared writes; a station's readings are its slices of the chunks, in chunk order.

use arrow_array::{Array, Float64Array};
use rayon::prelude::*;

use super::series::Timeline;
use super::stations::{ChunkIds, Numbering};

/// One chunk's rows sorted by station: station `s` is `offsets[s]..offsets[s + 1]`.
struct Part {
    offsets: Vec<u32>,
    rows: Vec<u32>,
    hours: Vec<i64>,
    /// Per pollutant column: the reading, NaN when null, NaN or infinite.
    values: Vec<Vec<f64>>,
}

/// Every row, grouped by station (numbered by first appearance).
pub struct ByStation {
    /// The first row of each station.
    pub first_rows: Vec<u32>,
    parts: Vec<Part>,
}

/// One station's readings within one chunk.
#[derive(Clone, Copy)]
pub struct Slice<'a> {
    part: &'a Part,
    start: usize,
    end: usize,
}

impl<'a> Slice<'a> {
    pub fn rows(&self) -> &'a [u32] {
        &self.part.rows[self.start..self.end]
    }

    pub fn hours(&self) -> &'a [i64] {
        &self.part.hours[self.start..self.end]
    }

    /// The readings of pollutant column `p` (NaN = no valid reading).
    pub fn values(&self, p: usize) -> &'a [f64] {
        &self.part.values[p][self.start..self.end]
    }
}

impl ByStation {
    pub fn len(&self) -> usize {
        self.first_rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.first_rows.is_empty()
    }

    /// Station `s`'s readings, chunk by chunk, in input order.
    pub fn slices(&self, s: usize) -> impl Iterator<Item = Slice<'_>> + Clone {
        self.parts.iter().filter_map(move |part| {
            let (start, end) = (part.offsets[s] as usize, part.offsets[s + 1] as usize);
            (start < end).then_some(Slice { part, start, end })
        })
    }
}

/// A reading: the value when valid and finite, else NaN.
fn reading(values: &Float64Array, row: usize) -> f64 {
    let x = values.values()[row];
    if values.is_valid(row) && x.is_finite() {
        x
    } else {
        f64::NAN
    }
}

fn partition(chunk: &ChunkIds, stations: usize, timeline: &Timeline, columns: &[Float64Array]) -> Part {
    let hours = timeline.hours(chunk.range.clone());
    let station = |k: usize| chunk.global[chunk.ids[k] as usize] as usize;
    let mut offsets = vec![0_u32; stations + 1];
    for k in 0..chunk.ids.len() {
        offsets[station(k) + 1] += 1;
    }
    for s in 0..stations {
        offsets[s + 1] += offsets[s];
    }
    let n = chunk.ids.len();
    let mut next = offsets[..stations].to_vec();
    let (mut rows, mut sorted_hours) = (vec![0_u32; n], vec![0_i64; n]);
    let mut values: Vec<Vec<f64>> = columns.iter().map(|_| vec![0.0; n]).collect();
    for (k, &hour) in hours.iter().enumerate() {
        let s = station(k);
        let at = next[s] as usize;
        next[s] += 1;
        let row = chunk.range.start + k;
        rows[at] = row as u32;
        sorted_hours[at] = hour;
        for (out, column) in values.iter_mut().zip(columns) {
            out[at] = reading(column, row);
        }
    }
    Part { offsets, rows, hours: sorted_hours, values }
}

/// Groups every row by station, with its hour and its readings of each column in `columns`.
pub fn by_station(numbering: Numbering, timeline: &Timeline, columns: &[Float64Array]) -> ByStation {
    let stations = numbering.len();
    let parts = numbering.chunks.par_iter().map(|c| partition(c, stations, timeline, columns)).collect();
    ByStation { first_rows: numbering.first_rows, parts }
}

/// The first and last hour of a station's readings.
pub fn span<'a>(slices: impl Iterator<Item = Slice<'a>>) -> (i64, i64) {
    slices.flat_map(|s| s.hours()).fold((i64::MAX, i64::MIN), |(lo, hi), &h| (lo.min(h), hi.max(h)))
}

/// A station's readings in order: `(row, hour, values of column p)` flattened over its slices.
pub fn readings<'a>(
    slices: impl Iterator<Item = Slice<'a>> + 'a,
    p: usize,
) -> impl Iterator<Item = (u32, i64, f64)> + 'a {
    slices.flat_map(move |s| {
        s.rows().iter().zip(s.hours()).zip(s.values(p)).map(|((&row, &hour), &value)| (row, hour, value))
    })
}

#[cfg(test)]
mod tests {
    use super::super::series::{Clock, Timeline};
    use super::super::stations::{number_stations, CHUNK_ROWS};
    use super::*;
    use arrow_array::{ArrayRef, Int64Array, TimestampSecondArray};
    use std::sync::Arc;

    fn group(stations: Vec<i64>, hours: &[i64], values: Vec<Option<f64>>) -> ByStation {
        let st: ArrayRef = Arc::new(Int64Array::from(stations));
        let t: ArrayRef =
            Arc::new(TimestampSecondArray::from(hours.iter().map(|h| h * 3600 + 59).collect::<Vec<_>>()));
        let timeline = Timeline::new("t", &t, Clock::Hours).unwrap();
        by_station(number_stations("s", &st).unwrap(), &timeline, &[Float64Array::from(values)])
    }

    #[test]
    fn groups_rows_by_station_in_input_order() {
        let g = group(vec![8, 3, 8, 8], &[5, 1, 2, 9], vec![Some(1.0), None, Some(f64::NAN), Some(4.0)]);
        assert_eq!(g.first_rows, vec![0, 1]);
        let r: Vec<_> = readings(g.slices(0), 0).collect();
        assert_eq!(r.iter().map(|x| (x.0, x.1)).collect::<Vec<_>>(), vec![(0, 5), (2, 2), (3, 9)]);
        assert!(
            r[0].2.to_bits() == 1.0_f64.to_bits() && r[1].2.is_nan() && r[2].2.to_bits() == 4.0_f64.to_bits()
        );
        let r: Vec<_> = readings(g.slices(1), 0).collect();
        assert!(r.len() == 1 && r[0].0 == 1 && r[0].2.is_nan());
        assert_eq!(span(g.slices(0)), (2, 9));
    }

    #[test]
    fn a_station_spans_chunks_in_order() {
        let n = CHUNK_ROWS + 5;
        let stations: Vec<i64> = (0..n as i64).map(|i| i % 3).collect();
        let hours: Vec<i64> = (0..n as i64).collect();
        let g = group(stations, &hours, vec![Some(1.0); n]);
        let rows: Vec<u32> = readings(g.slices(2), 0).map(|r| r.0).collect();
        assert_eq!(g.slices(2).count(), 2);
        assert!(rows.windows(2).all(|w| w[1] == w[0] + 3));
        assert_eq!(rows.len(), (n - 2).div_ceil(3));
    }
}
