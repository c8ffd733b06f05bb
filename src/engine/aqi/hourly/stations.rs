//! Station numbering: stations numbered in order of first appearance. Each fixed-size chunk of
//! rows is numbered on its own (in parallel, by `by_station`); the chunks' few distinct stations
//! are then merged in chunk order, which is first-appearance order overall.

use std::hash::Hash;
use std::ops::Range;

use arrow_array::cast::AsArray;
use arrow_array::types::Int64Type;
use arrow_array::{Array, ArrayRef, Float64Array};
use arrow_cast::cast;
use arrow_schema::DataType;
use hashbrown::HashMap;

use super::by_station::{build, ByStation};
use super::series::{refuse_nulls, Timeline};
use crate::engine::{Error, Result};

/// A chunk's stations: each row's local number, and each local station's first row.
pub struct Local {
    pub ids: Vec<u32>,
    pub first_rows: Vec<u32>,
}

/// Numbers a chunk's rows by hashing their keys.
pub fn number_hashed<K: Hash + Eq + Copy>(rows: Range<usize>, key: impl Fn(usize) -> K) -> Local {
    let mut seen: HashMap<K, u32> = HashMap::new();
    let mut first_rows = Vec::new();
    let ids = rows
        .map(|row| {
            *seen.entry(key(row)).or_insert_with(|| {
                first_rows.push(row as u32);
                first_rows.len() as u32 - 1
            })
        })
        .collect();
    Local { ids, first_rows }
}

/// Numbers a chunk's integer keys through a table indexed by `key - min` when their range is
/// small (station codes usually are), else by hashing.
fn number_ints(rows: Range<usize>, keys: &[i64]) -> Local {
    let chunk = &keys[rows.clone()];
    let (lo, hi) = chunk.iter().fold((i64::MAX, i64::MIN), |(l, h), &k| (l.min(k), h.max(k)));
    let range = hi.abs_diff(lo);
    if chunk.is_empty() || range > 4 * chunk.len() as u64 + 1024 {
        return number_hashed(rows, |i| keys[i]);
    }
    let mut table = vec![u32::MAX; range as usize + 1];
    let mut first_rows = Vec::new();
    let ids = chunk
        .iter()
        .zip(rows)
        .map(|(&k, row)| {
            let id = &mut table[k.abs_diff(lo) as usize];
            if *id == u32::MAX {
                *id = first_rows.len() as u32;
                first_rows.push(row as u32);
            }
            *id
        })
        .collect();
    Local { ids, first_rows }
}

/// Global station numbers: each chunk's local stations, in chunk order, looked up by key.
pub fn merge<K: Hash + Eq + Copy>(locals: &[&[u32]], key: impl Fn(usize) -> K) -> (Vec<Vec<u32>>, Vec<u32>) {
    let mut seen: HashMap<K, u32> = HashMap::new();
    let mut first_rows = Vec::new();
    let global = locals
        .iter()
        .map(|firsts| {
            firsts
                .iter()
                .map(|&row| {
                    *seen.entry(key(row as usize)).or_insert_with(|| {
                        first_rows.push(row);
                        first_rows.len() as u32 - 1
                    })
                })
                .collect()
        })
        .collect();
    (global, first_rows)
}

/// Groups every row by station (a null station is an error naming its row), with its hour and
/// its readings of `columns`.
pub fn group_by_station(
    column: &str,
    station: &ArrayRef,
    timeline: &Timeline,
    columns: &[Float64Array],
) -> Result<ByStation> {
    refuse_nulls(column, station.as_ref(), "the station is null")?;
    let rows = station.len();
    match station.data_type() {
        DataType::Utf8 => {
            let s = station.as_string::<i32>();
            build(rows, |r| number_hashed(r, |i| s.value(i)), |i| s.value(i), timeline, columns)
        }
        DataType::LargeUtf8 => {
            let s = station.as_string::<i64>();
            build(rows, |r| number_hashed(r, |i| s.value(i)), |i| s.value(i), timeline, columns)
        }
        DataType::Utf8View => {
            let s = station.as_string_view();
            build(rows, |r| number_hashed(r, |i| s.value(i)), |i| s.value(i), timeline, columns)
        }
        dt if dt.is_integer() => {
            let ints = cast(station, &DataType::Int64)?;
            let keys = ints.as_primitive::<Int64Type>().values();
            build(rows, |r| number_ints(r, keys), |i| keys[i], timeline, columns)
        }
        DataType::Dictionary(..) | DataType::Binary | DataType::LargeBinary | DataType::Boolean => {
            let text = cast(station, &DataType::Utf8).map_err(|_| unsupported(column, station))?;
            group_by_station(column, &text, timeline, columns)
        }
        _ => Err(unsupported(column, station)),
    }
}

fn unsupported(column: &str, station: &ArrayRef) -> Error {
    Error::UnsupportedType {
        column: column.to_owned(),
        data_type: station.data_type().to_string(),
        expected: "a station id needs a string, integer or dictionary type".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_by_first_appearance() {
        let keys = ["b", "a", "b", "c", "a"];
        let local = number_hashed(0..5, |i| keys[i]);
        assert_eq!((local.ids, local.first_rows), (vec![0, 1, 0, 2, 1], vec![0, 1, 3]));
        // Ints: a table over a small range, a hash over a wide one; same numbering.
        for keys in [vec![7_i64, 7, 9, 5, 9], vec![7, 7, i64::MAX, i64::MIN, i64::MAX]] {
            let local = number_ints(1..5, &keys);
            assert_eq!((local.ids, local.first_rows), (vec![0, 1, 2, 1], vec![1, 2, 3]));
        }
    }

    #[test]
    fn chunks_merge_in_first_appearance_order() {
        let keys = ["a", "b", "c", "b", "d", "a"];
        // Chunks [0, 3) and [3, 6): their local first rows.
        let (global, first_rows) = merge(&[&[0, 1, 2], &[3, 4, 5]], |i| keys[i]);
        assert_eq!(global, vec![vec![0, 1, 2], vec![1, 3, 0]]);
        assert_eq!(first_rows, vec![0, 1, 2, 4]);
    }
}
