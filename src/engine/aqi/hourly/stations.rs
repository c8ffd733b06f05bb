//! Station numbering: stations numbered in order of first appearance. Each fixed-size chunk of
//! rows is numbered on its own (in parallel, by `by_station`); the chunks' few distinct stations
//! are then merged in chunk order, which is first-appearance order overall. Pure key handling:
//! nothing here knows rows' hours or readings.

use std::hash::Hash;
use std::ops::Range;

use hashbrown::HashMap;

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
pub fn number_ints(rows: Range<usize>, keys: &[i64]) -> Local {
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
