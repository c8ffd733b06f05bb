//! A station's readings placed on an hour grid, one slot per hour, so gaps, unsorted input
//! and interleaved stations cannot shift a window; several rows in one hour follow
//! `Duplicates`.

use super::by_station::ByStation;
use super::series::{Clash, Duplicates};
use crate::engine::Result;

/// A station's readings of every column on an hour grid.
pub struct Grid {
    /// Per column: the reading of each hour (NaN = no valid reading).
    pub values: Vec<Vec<f64>>,
    /// Whether a row falls in each hour (its readings may be missing).
    pub claimed: Vec<bool>,
}

/// Places station `s`'s readings of every column on the hour grid `first..first + len`, which
/// must hold all its hours; each reading is read once for all columns. Several rows in one
/// hour follow `policy`.
pub fn grid(
    stations: &ByStation,
    s: usize,
    first: i64,
    len: usize,
    policy: Duplicates,
) -> Result<Grid, Clash> {
    let slices = stations.slices(s);
    let readings = slices.clone().flat_map(|s| s.readings());
    let mut values = vec![vec![f64::NAN; len]; stations.columns()];
    let mut claimed = vec![false; len];
    let slot = |hour: i32| (i64::from(hour) - first) as usize;
    match policy {
        Duplicates::Error | Duplicates::First => {
            // Plain loops over each slice: this is the hot path of every hourly function. The
            // slice two ahead is prefetched (one or two ahead measured the same; four, slower).
            let mut ahead = slices.clone().skip(2);
            for slice in slices.clone() {
                if let Some(next) = ahead.next() {
                    next.prefetch();
                }
                for reading in slice.readings() {
                    let at = slot(reading.hour());
                    if !claimed[at] {
                        claimed[at] = true;
                        for (column, x) in values.iter_mut().zip(reading.values()) {
                            column[at] = x;
                        }
                    } else if policy == Duplicates::Error {
                        let hour = reading.hour();
                        let mut earlier = slices.flat_map(|s| s.readings());
                        let first = earlier.find(|r| r.hour() == hour).expect("claimed by a row");
                        return Err(Clash {
                            hour: i64::from(hour),
                            first: first.row(),
                            second: reading.row(),
                        });
                    }
                }
            }
        }
        Duplicates::Last => {
            for reading in readings {
                let at = slot(reading.hour());
                claimed[at] = true;
                for (column, x) in values.iter_mut().zip(reading.values()) {
                    column[at] = x;
                }
            }
        }
        Duplicates::Mean => {
            let mut count = vec![vec![0_u32; len]; stations.columns()];
            let mut sum = vec![vec![0.0_f64; len]; stations.columns()];
            for reading in readings {
                let at = slot(reading.hour());
                claimed[at] = true;
                for ((sum, count), x) in sum.iter_mut().zip(&mut count).zip(reading.values()) {
                    if !x.is_nan() {
                        sum[at] += x;
                        count[at] += 1;
                    }
                }
            }
            for ((values, sum), count) in values.iter_mut().zip(sum).zip(count) {
                for ((g, s), c) in values.iter_mut().zip(sum).zip(count) {
                    if c > 0 {
                        *g = s / f64::from(c);
                    }
                }
            }
        }
    }
    Ok(Grid { values, claimed })
}

#[cfg(test)]
mod tests {
    use super::super::by_station::group_by_station;
    use super::super::series::{Clock, Timeline};
    use super::*;
    use arrow_array::{ArrayRef, Float64Array, Int64Array, TimestampSecondArray};
    use std::sync::Arc;

    #[test]
    fn grid_by_timestamp_and_duplicates() {
        let st: ArrayRef = Arc::new(Int64Array::from(vec![1, 1, 1, 1]));
        let t: ArrayRef = Arc::new(TimestampSecondArray::from(vec![36_000, 43_200, 36_000, 46_800]));
        let timeline = Timeline::new("t", &t, Clock::Hours).unwrap();
        let v = Float64Array::from(vec![Some(1.0), Some(5.0), Some(3.0), None]);
        let g = group_by_station("s", &st, &timeline, &[v]).unwrap();
        let (first, last) = g.spans[0];
        assert_eq!((first, last), (10, 13));
        let len = (last - first + 1) as usize;
        let at = |policy| grid(&g, 0, first, len, policy);
        assert_eq!(at(Duplicates::Error).err(), Some(Clash { hour: 10, first: 0, second: 2 }));
        let mean = at(Duplicates::Mean).unwrap();
        assert_eq!(mean.values[0][0].to_bits(), 2.0_f64.to_bits());
        assert!(mean.values[0][1].is_nan() && mean.values[0][3].is_nan());
        assert_eq!(mean.claimed, vec![true, false, true, true]);
        assert_eq!(at(Duplicates::Last).unwrap().values[0][0].to_bits(), 3.0_f64.to_bits());
        assert_eq!(at(Duplicates::First).unwrap().values[0][0].to_bits(), 1.0_f64.to_bits());
    }

    #[test]
    fn grid_places_every_column_in_one_pass() {
        // Hour 10 twice: column 0 has both readings, column 1 only the second.
        let st: ArrayRef = Arc::new(Int64Array::from(vec![1, 1, 1]));
        let t: ArrayRef = Arc::new(TimestampSecondArray::from(vec![36_000, 39_600, 36_000]));
        let timeline = Timeline::new("t", &t, Clock::Hours).unwrap();
        let a = Float64Array::from(vec![Some(1.0), Some(2.0), Some(3.0)]);
        let b = Float64Array::from(vec![None, Some(20.0), Some(30.0)]);
        let g = group_by_station("s", &st, &timeline, &[a, b]).unwrap();
        let at = |policy| grid(&g, 0, 10, 2, policy).unwrap();
        let mean = at(Duplicates::Mean);
        assert_eq!((mean.values[0][0], mean.values[1][0]), (2.0, 30.0)); // each column's own count
        assert_eq!((mean.values[0][1], mean.values[1][1]), (2.0, 20.0));
        assert_eq!(mean.claimed, vec![true, true]);
        let first = at(Duplicates::First);
        assert!(first.values[0][0].to_bits() == 1.0_f64.to_bits() && first.values[1][0].is_nan());
        let last = at(Duplicates::Last);
        assert_eq!((last.values[0][0], last.values[1][0]), (3.0, 30.0));
        let err = grid(&g, 0, 10, 2, Duplicates::Error).err();
        assert_eq!(err, Some(Clash { hour: 10, first: 0, second: 2 }));
    }
}
