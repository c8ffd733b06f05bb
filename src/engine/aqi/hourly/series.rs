//! Hourly station series: rows grouped by station and placed on an hour grid by timestamp, so
//! gaps, unsorted input and interleaved stations cannot shift a window (reference §2.1, §2.10).

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Int64Type, TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType,
};
use arrow_array::{Array, ArrayRef, Float64Array, UInt32Array};
use arrow_cast::cast;
use arrow_schema::{DataType, TimeUnit};
use hashbrown::HashMap;

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

/// Rows grouped by station: `rows[offsets[g]..offsets[g + 1]]` are station `g`'s rows in input
/// order; stations are numbered in order of first appearance.
#[derive(Debug)]
pub struct Stations {
    pub offsets: Vec<usize>,
    pub rows: Vec<u32>,
    /// One input row per station (its first), to take the station value for outputs.
    pub first_rows: UInt32Array,
}

impl Stations {
    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn rows_of(&self, station: usize) -> &[u32] {
        &self.rows[self.offsets[station]..self.offsets[station + 1]]
    }
}

/// Numbers each row's station (first appearance order) and groups the rows (a counting sort).
pub fn group_stations(column: &str, station: &ArrayRef) -> Result<Stations> {
    if station.null_count() > 0 {
        let row = (0..station.len()).find(|&i| station.is_null(i)).unwrap_or(0);
        return Err(Error::InvalidValue {
            row: row as u64,
            column: column.to_owned(),
            value: f64::NAN,
            reason: "the station is null".into(),
        });
    }
    let ids = station_ids(column, station)?;
    let stations = ids.iter().copied().max().map_or(0, |m| m as usize + 1);
    let mut offsets = vec![0_usize; stations + 1];
    for &id in &ids {
        offsets[id as usize + 1] += 1;
    }
    for s in 0..stations {
        offsets[s + 1] += offsets[s];
    }
    let mut next = offsets.clone();
    let mut rows = vec![0_u32; ids.len()];
    let mut first_rows = vec![u32::MAX; stations];
    for (row, &id) in ids.iter().enumerate() {
        let slot = &mut next[id as usize];
        rows[*slot] = row as u32;
        *slot += 1;
        if first_rows[id as usize] == u32::MAX {
            first_rows[id as usize] = row as u32;
        }
    }
    Ok(Stations { offsets, rows, first_rows: UInt32Array::from(first_rows) })
}

/// A dense id per row, numbered by first appearance, for any station type.
fn station_ids(column: &str, station: &ArrayRef) -> Result<Vec<u32>> {
    fn number<K: std::hash::Hash + Eq>(keys: impl Iterator<Item = K>) -> Vec<u32> {
        let mut seen: HashMap<K, u32> = HashMap::new();
        keys.map(|k| {
            let next = seen.len() as u32;
            *seen.entry(k).or_insert(next)
        })
        .collect()
    }
    let ids = match station.data_type() {
        DataType::Utf8 => number(station.as_string::<i32>().iter().map(Option::unwrap_or_default)),
        DataType::LargeUtf8 => number(station.as_string::<i64>().iter().map(Option::unwrap_or_default)),
        DataType::Utf8View => number(station.as_string_view().iter().map(Option::unwrap_or_default)),
        dt if dt.is_integer() => {
            let ints = cast(station, &DataType::Int64)?;
            number(ints.as_primitive::<Int64Type>().values().iter().copied())
        }
        DataType::Dictionary(..) | DataType::Binary | DataType::LargeBinary | DataType::Boolean => {
            let text = cast(station, &DataType::Utf8).map_err(|_| unsupported_station(column, station))?;
            return station_ids(column, &text);
        }
        _ => return Err(unsupported_station(column, station)),
    };
    Ok(ids)
}

fn unsupported_station(column: &str, station: &ArrayRef) -> Error {
    Error::UnsupportedType {
        column: column.to_owned(),
        data_type: station.data_type().to_string(),
        expected: "a station id needs a string, integer or dictionary type".into(),
    }
}

/// Seconds per unit of a timestamp column.
fn to_seconds(unit: TimeUnit) -> i64 {
    match unit {
        TimeUnit::Second => 1,
        TimeUnit::Millisecond => 1_000,
        TimeUnit::Microsecond => 1_000_000,
        TimeUnit::Nanosecond => 1_000_000_000,
    }
}

/// Hours since the epoch of every row (floored to the hour), and the column's time zone.
/// Timestamps with a zone are instants (UTC); without one they are local wall-clock times.
pub fn hours(column: &str, time: &ArrayRef) -> Result<(Vec<i64>, Option<String>)> {
    let DataType::Timestamp(unit, tz) = time.data_type().clone() else {
        return Err(Error::UnsupportedType {
            column: column.to_owned(),
            data_type: time.data_type().to_string(),
            expected: "hourly readings need a timestamp column (parse strings with pyarrow.compute.strptime)"
                .into(),
        });
    };
    if time.null_count() > 0 {
        let row = (0..time.len()).find(|&i| time.is_null(i)).unwrap_or(0);
        return Err(Error::InvalidValue {
            row: row as u64,
            column: column.to_owned(),
            value: f64::NAN,
            reason: "the time is null".into(),
        });
    }
    let per_hour = 3600 * to_seconds(unit);
    let values: &[i64] = match unit {
        TimeUnit::Second => time.as_primitive::<TimestampSecondType>().values(),
        TimeUnit::Millisecond => time.as_primitive::<TimestampMillisecondType>().values(),
        TimeUnit::Microsecond => time.as_primitive::<TimestampMicrosecondType>().values(),
        TimeUnit::Nanosecond => time.as_primitive::<TimestampNanosecondType>().values(),
    };
    Ok((values.iter().map(|v| v.div_euclid(per_hour)).collect(), tz.map(|t| t.to_string())))
}

/// One station's values of one pollutant on a dense hour grid starting at `first_hour`
/// (NaN = no valid reading), and the grid slot of each of the station's rows.
pub struct Grid {
    pub first_hour: i64,
    pub values: Vec<f64>,
}

/// Where a station's rows sit on its hour grid.
#[derive(Debug)]
pub struct Layout {
    pub first_hour: i64,
    /// `hour - first_hour` of each of the station's rows, in `Stations::rows_of` order.
    pub slots: Vec<usize>,
    pub len: usize,
}

/// Lays out one station's rows on its hour grid.
pub fn layout(rows: &[u32], hours: &[i64]) -> Layout {
    let first = rows.iter().map(|&r| hours[r as usize]).min().unwrap_or(0);
    let last = rows.iter().map(|&r| hours[r as usize]).max().unwrap_or(0);
    let slots = rows.iter().map(|&r| (hours[r as usize] - first) as usize).collect();
    Layout { first_hour: first, slots, len: (last - first + 1) as usize }
}

/// A float column from values where NaN means null.
pub fn nan_to_null(values: Vec<f64>) -> Float64Array {
    let nulls: arrow_buffer::NullBuffer = values.iter().map(|v| !v.is_nan()).collect();
    Float64Array::new(values.into(), (nulls.null_count() > 0).then_some(nulls))
}

/// Checks for two rows in one hour; returns `(slot, first row, second row)` of the first clash.
pub fn first_duplicate(rows: &[u32], slots: &[usize], len: usize) -> Option<(usize, u32, u32)> {
    let mut owner = vec![u32::MAX; len];
    for (&row, &slot) in rows.iter().zip(slots) {
        if owner[slot] != u32::MAX {
            return Some((slot, owner[slot], row));
        }
        owner[slot] = row;
    }
    None
}

/// Places a pollutant's readings on the grid; null, NaN and infinite readings stay missing.
/// Several rows in one hour (already refused under `Duplicates::Error`) follow `policy`.
pub fn grid(
    values: &Float64Array,
    rows: &[u32],
    slots: &[usize],
    first_hour: i64,
    len: usize,
    policy: Duplicates,
) -> Grid {
    let reading = |row: u32| {
        let row = row as usize;
        let x = values.value(row);
        if values.is_valid(row) && x.is_finite() {
            x
        } else {
            f64::NAN
        }
    };
    let mut grid = vec![f64::NAN; len];
    match policy {
        Duplicates::Error | Duplicates::First => {
            let mut claimed = vec![false; len];
            for (&row, &slot) in rows.iter().zip(slots) {
                if !std::mem::replace(&mut claimed[slot], true) {
                    grid[slot] = reading(row);
                }
            }
        }
        Duplicates::Last => {
            for (&row, &slot) in rows.iter().zip(slots) {
                grid[slot] = reading(row);
            }
        }
        Duplicates::Mean => {
            let mut count = vec![0_u32; len];
            let mut sum = vec![0.0_f64; len];
            for (&row, &slot) in rows.iter().zip(slots) {
                let x = reading(row);
                if !x.is_nan() {
                    sum[slot] += x;
                    count[slot] += 1;
                }
            }
            for ((g, s), c) in grid.iter_mut().zip(sum).zip(count) {
                if c > 0 {
                    *g = s / f64::from(c);
                }
            }
        }
    }
    Grid { first_hour, values: grid }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::{Int32Array, StringArray, TimestampSecondArray};
    use std::sync::Arc;

    #[test]
    fn groups_by_first_appearance() {
        let st: ArrayRef = Arc::new(StringArray::from(vec!["b", "a", "b", "c", "a"]));
        let s = group_stations("station", &st).unwrap();
        assert_eq!(s.len(), 3);
        assert_eq!(s.rows_of(0), &[0, 2]);
        assert_eq!(s.rows_of(1), &[1, 4]);
        assert_eq!(s.rows_of(2), &[3]);
        assert_eq!(s.first_rows.values().to_vec(), vec![0, 1, 3]);
        let ints: ArrayRef = Arc::new(Int32Array::from(vec![7, 7, 9]));
        assert_eq!(group_stations("s", &ints).unwrap().len(), 2);
    }

    #[test]
    fn hours_floor_and_keep_zone() {
        let t: ArrayRef =
            Arc::new(TimestampSecondArray::from(vec![3600 * 5 + 1800, -1]).with_timezone("UTC"));
        let (h, tz) = hours("time", &t).unwrap();
        assert_eq!(h, vec![5, -1]);
        assert_eq!(tz.as_deref(), Some("UTC"));
        let bad: ArrayRef = Arc::new(Int32Array::from(vec![1]));
        assert!(matches!(hours("time", &bad), Err(Error::UnsupportedType { .. })));
    }

    #[test]
    fn grid_by_timestamp_and_duplicates() {
        let rows = [0_u32, 1, 2, 3];
        let hours = [10_i64, 12, 10, 13];
        let Layout { first_hour: first, slots, len } = layout(&rows, &hours);
        assert_eq!((first, len), (10, 4));
        assert_eq!(first_duplicate(&rows, &slots, len), Some((0, 0, 2)));
        let v = Float64Array::from(vec![Some(1.0), Some(5.0), Some(3.0), None]);
        let mean = grid(&v, &rows, &slots, first, len, Duplicates::Mean);
        assert_eq!(mean.values[0].to_bits(), 2.0_f64.to_bits());
        assert!(mean.values[1].is_nan() && mean.values[3].is_nan());
        let last = grid(&v, &rows, &slots, first, len, Duplicates::Last);
        assert_eq!(last.values[0].to_bits(), 3.0_f64.to_bits());
        let first_kept = grid(&v, &rows, &slots, first, len, Duplicates::First);
        assert_eq!(first_kept.values[0].to_bits(), 1.0_f64.to_bits());
    }
}
