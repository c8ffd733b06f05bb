//! Hourly station series: each row's hour found by timestamp (`docs/standards/us_epa.md`), the
//! duplicate-hour policy and its refusal; `grid` places the readings by these hours.

use std::ops::Range;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType, TimestampSecondType,
};
use arrow_array::{Array, ArrayRef, Float64Array};
use arrow_buffer::ScalarBuffer;
use arrow_schema::{DataType, TimeUnit};

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
            return Err(Error::unsupported_type(
                column,
                time.data_type(),
                "hourly readings need a timestamp column (parse strings with pyarrow.compute.strptime)",
            ));
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

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::{Int32Array, TimestampMillisecondArray, TimestampSecondArray};
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
}
