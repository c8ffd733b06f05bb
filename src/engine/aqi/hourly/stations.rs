//! Station numbering: a dense id per row, stations numbered in order of first appearance.
//! Each fixed-size chunk of rows is numbered on its own in parallel, then the chunks' few
//! distinct keys are merged in chunk order, which is first-appearance order overall.

use std::hash::Hash;
use std::ops::Range;

use arrow_array::cast::AsArray;
use arrow_array::types::Int64Type;
use arrow_array::{Array, ArrayRef};
use arrow_cast::cast;
use arrow_schema::DataType;
use hashbrown::HashMap;
use rayon::prelude::*;

use crate::engine::{Error, Result};

/// Rows per numbering (and partitioning) chunk; fixed, so nothing depends on the thread count.
pub const CHUNK_ROWS: usize = 1 << 20;

/// The row ranges work is split into.
pub fn chunks(rows: usize) -> Vec<Range<usize>> {
    (0..rows.div_ceil(CHUNK_ROWS)).map(|c| c * CHUNK_ROWS..rows.min((c + 1) * CHUNK_ROWS)).collect()
}

/// Station ids of one chunk: `ids` are local to the chunk; `global[local id]` is the station.
pub struct ChunkIds {
    pub range: Range<usize>,
    pub ids: Vec<u32>,
    pub global: Vec<u32>,
}

/// Stations numbered by first appearance, per chunk.
pub struct Numbering {
    pub chunks: Vec<ChunkIds>,
    /// The first row of each station.
    pub first_rows: Vec<u32>,
}

impl Numbering {
    pub fn len(&self) -> usize {
        self.first_rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.first_rows.is_empty()
    }
}

/// A chunk's distinct keys in order of first appearance, their first rows, and each row's id.
struct Local<K> {
    keys: Vec<K>,
    first_rows: Vec<u32>,
    ids: Vec<u32>,
}

fn number_chunk<K: Hash + Eq + Copy>(range: Range<usize>, key: impl Fn(usize) -> K) -> Local<K> {
    let mut seen: HashMap<K, u32> = HashMap::new();
    let (mut keys, mut first_rows) = (Vec::new(), Vec::new());
    let ids = range
        .map(|row| {
            let k = key(row);
            *seen.entry(k).or_insert_with(|| {
                keys.push(k);
                first_rows.push(row as u32);
                keys.len() as u32 - 1
            })
        })
        .collect();
    Local { keys, first_rows, ids }
}

fn number_by<K: Hash + Eq + Copy + Send + Sync>(rows: usize, key: impl Fn(usize) -> K + Sync) -> Numbering {
    let ranges = chunks(rows);
    let locals: Vec<Local<K>> = ranges.par_iter().map(|r| number_chunk(r.clone(), &key)).collect();
    let mut seen: HashMap<K, u32> = HashMap::new();
    let mut first_rows = Vec::new();
    let chunks = ranges
        .into_iter()
        .zip(locals)
        .map(|(range, local)| {
            let global = local
                .keys
                .iter()
                .zip(&local.first_rows)
                .map(|(&k, &row)| {
                    *seen.entry(k).or_insert_with(|| {
                        first_rows.push(row);
                        first_rows.len() as u32 - 1
                    })
                })
                .collect();
            ChunkIds { range, ids: local.ids, global }
        })
        .collect();
    Numbering { chunks, first_rows }
}

/// Numbers the stations of every row (a null station is an error naming its row).
pub fn number_stations(column: &str, station: &ArrayRef) -> Result<Numbering> {
    if station.null_count() > 0 {
        let row = (0..station.len()).find(|&i| station.is_null(i)).unwrap_or(0);
        return Err(Error::InvalidValue {
            row: row as u64,
            column: column.to_owned(),
            value: f64::NAN,
            reason: "the station is null".into(),
        });
    }
    let rows = station.len();
    Ok(match station.data_type() {
        DataType::Utf8 => {
            let s = station.as_string::<i32>();
            number_by(rows, |i| s.value(i))
        }
        DataType::LargeUtf8 => {
            let s = station.as_string::<i64>();
            number_by(rows, |i| s.value(i))
        }
        DataType::Utf8View => {
            let s = station.as_string_view();
            number_by(rows, |i| s.value(i))
        }
        dt if dt.is_integer() => {
            let ints = cast(station, &DataType::Int64)?;
            let values = ints.as_primitive::<Int64Type>().values();
            number_by(rows, |i| values[i])
        }
        DataType::Dictionary(..) | DataType::Binary | DataType::LargeBinary | DataType::Boolean => {
            let text = cast(station, &DataType::Utf8).map_err(|_| unsupported(column, station))?;
            return number_stations(column, &text);
        }
        _ => return Err(unsupported(column, station)),
    })
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
    use arrow_array::{Float64Array, Int32Array, StringArray};
    use std::sync::Arc;

    fn ids(n: &Numbering) -> Vec<u32> {
        n.chunks.iter().flat_map(|c| c.ids.iter().map(|&i| c.global[i as usize])).collect()
    }

    #[test]
    fn numbers_by_first_appearance() {
        let st: ArrayRef = Arc::new(StringArray::from(vec!["b", "a", "b", "c", "a"]));
        let n = number_stations("station", &st).unwrap();
        assert_eq!(ids(&n), vec![0, 1, 0, 2, 1]);
        assert_eq!(n.first_rows, vec![0, 1, 3]);
        let ints: ArrayRef = Arc::new(Int32Array::from(vec![7, 7, 9]));
        assert_eq!(number_stations("s", &ints).unwrap().len(), 2);
    }

    #[test]
    fn chunks_merge_in_first_appearance_order() {
        // Three chunks; station 5 first appears in the second, station 3 in the third.
        let mut keys = vec![1_i64; 2 * CHUNK_ROWS + 10];
        keys[CHUNK_ROWS + 7] = 5;
        keys[2 * CHUNK_ROWS + 3] = 3;
        keys[2 * CHUNK_ROWS + 4] = 5;
        let n = number_by(keys.len(), |i| keys[i]);
        assert_eq!(n.chunks.len(), 3);
        assert_eq!(n.first_rows, vec![0, CHUNK_ROWS as u32 + 7, 2 * CHUNK_ROWS as u32 + 3]);
        let all = ids(&n);
        assert_eq!((all[CHUNK_ROWS + 7], all[2 * CHUNK_ROWS + 3], all[2 * CHUNK_ROWS + 4]), (1, 2, 1));
    }

    #[test]
    fn null_and_float_stations_are_refused() {
        let st: ArrayRef = Arc::new(StringArray::from(vec![Some("a"), None]));
        assert!(matches!(number_stations("s", &st), Err(Error::InvalidValue { row: 1, .. })));
        let floats: ArrayRef = Arc::new(Float64Array::from(vec![1.0]));
        assert!(matches!(number_stations("s", &floats), Err(Error::UnsupportedType { .. })));
    }
}
