//! Hourly station series: each row's hour found by timestamp, and a station's readings placed on
//! an hour grid, so gaps, unsorted input and interleaved stations cannot shift a window
//! (reference §2.1, §2.10).

use std::ops::Range;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType, TimestampSecondType,
};
use arrow_array::{Array, ArrayRef, Float64Array};
use arrow_buffer::ScalarBuffer;
use arrow_schema::{DataType, TimeUnit};

use super::by_station::ByStation;
use super::zone::Shift;
use crate::engine::{Error, Result};

/// What to do with two rows of one station in the same hour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Duplicates {
    /// Refuse the input, naming the station, hour and rows (the default).
    Error,
    /// Keep the first row in input order.
    First,
    /// Keep the last row in input order.
    Last,
    /// Average the valid values.
    Mean,
}

impl Duplicates {
    pub fn parse(text: &str) -> Result<Self> {
        match text {
            "error" => Ok(Self::Error),
            "first" => Ok(Self::First),
            "last" => Ok(Self::Last),
            "mean" => Ok(Self::Mean),
            _ => Err(Error::spec(format!(
                "duplicates must be 'error', 'first', 'last' or 'mean', not '{text}'"
            ))),
        }
    }
}

/// How rows are placed in time.
#[derive(Clone, Copy, Debug)]
pub enum Clock<'a> {
    /// The timestamps' own hours (instants, or naive wall-clock times).
    Hours,
    /// Local standard hours in this zone, or the time column's zone when `None`.
    LocalStandard(Option<&'a str>),
}

/// The hour of every row: timestamps floored to the hour, then shifted to local standard time
/// when asked. Timestamps with a zone are instants (UTC); without one they are wall-clock times.
pub struct Timeline {
    column: String,
    raw: ScalarBuffer<i64>,
    unit: TimeUnit,
    shift: Shift,
}

impl Timeline {
    pub fn new(column: &str, time: &ArrayRef, clock: Clock<'_>) -> Result<Self> {
        let DataType::Timestamp(unit, tz) = time.data_type().clone() else {
            return Err(Error::UnsupportedType {
                column: column.to_owned(),
                data_type: time.data_type().to_string(),
                expected:
                    "hourly readings need a timestamp column (parse strings with pyarrow.compute.strptime)"
                        .into(),
            });
        };
        refuse_nulls(column, time.as_ref(), "the time is null")?;
        let raw = match unit {
            TimeUnit::Second => time.as_primitive::<TimestampSecondType>().values().clone(),
            TimeUnit::Millisecond => time.as_primitive::<TimestampMillisecondType>().values().clone(),
            TimeUnit::Microsecond => time.as_primitive::<TimestampMicrosecondType>().values().clone(),
            TimeUnit::Nanosecond => time.as_primitive::<TimestampNanosecondType>().values().clone(),
        };
        let zone = match clock {
            Clock::Hours => None,
            Clock::LocalStandard(zone) => zone.map(str::to_owned).or(tz.map(|t| t.to_string())),
        };
        let mut timeline = Self { column: column.to_owned(), raw, unit, shift: Shift::Hours(0) };
        let span = || {
            let (lo, hi) = timeline.raw.iter().fold((i64::MAX, i64::MIN), |(l, h), &v| (l.min(v), h.max(v)));
            let whole = timeline.hours_of(&[lo, hi], &Shift::Hours(0));
            (whole[0], whole[1])
        };
        let shift = Shift::new(zone.as_deref(), span)?;
        timeline.shift = shift;
        Ok(timeline)
    }

    /// The error for a row whose hour is beyond what the hourly functions hold.
    pub fn out_of_range(&self, row: usize) -> Error {
        Error::InvalidValue {
            row: row as u64,
            column: self.column.clone(),
            value: self.raw[row] as f64,
            reason: "the time is more than 245,000 years from 1970".into(),
        }
    }

    /// The hours of a range of rows.
    pub fn hours(&self, rows: Range<usize>) -> Vec<i64> {
        self.hours_of(&self.raw[rows], &self.shift)
    }

    fn hours_of(&self, raw: &[i64], shift: &Shift) -> Vec<i64> {
        // One loop per unit: a constant divisor is a multiply, not a 64-bit division.
        fn floor<const PER_HOUR: i64>(raw: &[i64], shift: &Shift) -> Vec<i64> {
            match shift {
                Shift::Hours(by) => raw.iter().map(|v| v.div_euclid(PER_HOUR) + by).collect(),
                Shift::Lookup(_) => raw.iter().map(|v| shift.local(v.div_euclid(PER_HOUR))).collect(),
            }
        }
        match self.unit {
            TimeUnit::Second => floor::<3_600>(raw, shift),
            TimeUnit::Millisecond => floor::<3_600_000>(raw, shift),
            TimeUnit::Microsecond => floor::<3_600_000_000>(raw, shift),
            TimeUnit::Nanosecond => floor::<3_600_000_000_000>(raw, shift),
        }
    }
}

/// An error naming the first null row of a column that must have no nulls (station, time).
pub fn refuse_nulls(column: &str, array: &dyn Array, reason: &str) -> Result<()> {
    if array.null_count() == 0 {
        return Ok(());
    }
    let row = (0..array.len()).find(|&i| array.is_null(i)).unwrap_or(0);
    Err(Error::InvalidValue {
        row: row as u64,
        column: column.to_owned(),
        value: f64::NAN,
        reason: reason.into(),
    })
}

/// A float column from values where NaN means null.
pub fn nan_to_null(values: Vec<f64>) -> Float64Array {
    let nulls: arrow_buffer::NullBuffer = values.iter().map(|v| !v.is_nan()).collect();
    Float64Array::new(values.into(), (nulls.null_count() > 0).then_some(nulls))
}

/// Two rows of one station in one hour, refused under `Duplicates::Error`: the first such pair
/// in input order.
#[derive(Debug, PartialEq, Eq)]
pub struct Clash {
    pub hour: i64,
    pub first: u32,
    pub second: u32,
}

impl Clash {
    pub fn error(&self, time_column: &str) -> Error {
        let Self { hour, first, second } = self;
        Error::InvalidValue {
            row: u64::from(*second),
            column: time_column.to_owned(),
            value: *hour as f64,
            reason: format!(
                "rows {first} and {second} are the same station in the same hour ({hour} hours since 1970); pass duplicates='first', 'last' or 'mean' to resolve"
            ),
        }
    }
}

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
    use super::super::stations::group_by_station;
    use super::*;
    use arrow_array::{Int32Array, Int64Array, TimestampMillisecondArray, TimestampSecondArray};
    use std::sync::Arc;

    #[test]
    fn hours_floor_and_shift_to_the_zone() {
        let t: ArrayRef =
            Arc::new(TimestampSecondArray::from(vec![3600 * 5 + 1800, -1]).with_timezone("UTC"));
        assert_eq!(Timeline::new("time", &t, Clock::Hours).unwrap().hours(0..2), vec![5, -1]);
        let local = Timeline::new("time", &t, Clock::LocalStandard(Some("+08:00"))).unwrap();
        assert_eq!(local.hours(0..2), vec![13, 7]);
        let ms: ArrayRef = Arc::new(TimestampMillisecondArray::from(vec![-3_600_001, 7_199_999]));
        assert_eq!(Timeline::new("time", &ms, Clock::Hours).unwrap().hours(0..2), vec![-2, 1]);
        let bad: ArrayRef = Arc::new(Int32Array::from(vec![1]));
        assert!(matches!(Timeline::new("time", &bad, Clock::Hours), Err(Error::UnsupportedType { .. })));
        let null: ArrayRef = Arc::new(TimestampSecondArray::from(vec![Some(1), None]));
        assert!(matches!(
            Timeline::new("time", &null, Clock::Hours),
            Err(Error::InvalidValue { row: 1, .. })
        ));
    }

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
