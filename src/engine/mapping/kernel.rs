//! The hot loop: looks every value of one column up, in fixed row tasks on the pollutrack pool,
//! then has `write` put the output strings straight into the final buffers.
//! Each task is a pure function of its rows, so the result never depends on the thread count.

use std::hash::Hash;

use arrow_array::ArrayRef;
use arrow_buffer::{BooleanBuffer, Buffer, NullBuffer};
use rayon::prelude::*;

use super::lookup::{Column, FastMap, Find, OnUnmapped, MISS, NULL_ID};
use super::write::{write_strings, written};
use crate::engine::parallel::{install, task_ranges, TASK_ROWS};
use crate::engine::Result;

/// Distinct unmapped keys of a column: (key, count, first row), in order of first row.
pub type Misses<K> = Vec<(K, u64, usize)>;

/// The mapped column, its null-input count and its unmapped keys.
pub struct Mapped<K> {
    pub array: ArrayRef,
    pub nulls: u64,
    pub misses: Misses<K>,
}

/// What one task learns in the first pass.
struct Sizes<K> {
    bytes: usize,
    nulls: u64,
    valid: Vec<u64>,
    misses: FastMap<K, (u64, usize)>,
}

/// Maps one column in two passes over fixed row tasks: the first looks every value up once,
/// storing its target id, counting output bytes and recording misses; the second writes the
/// strings straight into the final buffers (no per-task staging copies).
/// `large` picks 64-bit offsets (`large_string` output).
pub fn map_column<K, G, M, F, W>(
    column: &Column<'_, G, M, W>,
    mode: &OnUnmapped,
    large: bool,
) -> Result<Mapped<K>>
where
    K: Copy + Eq + Hash + Send + Sync,
    G: Fn(usize) -> Option<K> + Sync,
    M: Fn() -> F + Sync,
    F: Find<K>,
    W: Fn(K, &mut Vec<u8>) + Sync,
{
    let lengths: Vec<usize> = column.targets.iter().map(String::len).collect();
    let default = match mode {
        OnUnmapped::Default(d) => Some(d.as_bytes()),
        _ => None,
    };
    let keep = *mode == OnUnmapped::Keep;
    let ranges = task_ranges(column.rows);
    // Not zeroed: every id is written below (zeroing was a serial pass before the parallel one).
    let mut ids: Vec<u32> = Vec::with_capacity(column.rows);
    let sizes: Vec<Sizes<K>> = install(|| {
        ranges
            .par_iter()
            .zip(ids.spare_capacity_mut()[..column.rows].par_chunks_mut(TASK_ROWS))
            .map(|(range, ids)| {
                let mut find = (column.make_find)();
                let mut scratch = Vec::new();
                let mut out = Sizes {
                    bytes: 0,
                    nulls: 0,
                    valid: vec![0; range.len().div_ceil(64)],
                    misses: FastMap::default(),
                };
                for ((local, row), id) in range.clone().enumerate().zip(ids) {
                    let Some(key) = (column.get)(row) else {
                        id.write(NULL_ID);
                        out.nulls += 1;
                        continue;
                    };
                    let found = find.find(key);
                    id.write(found.unwrap_or(MISS));
                    let bytes = if let Some(t) = found {
                        lengths[t as usize]
                    } else {
                        out.misses.entry(key).or_insert((0, row)).0 += 1;
                        if keep {
                            scratch.clear();
                            (column.write)(key, &mut scratch);
                            scratch.len()
                        } else if let Some(d) = default {
                            d.len()
                        } else {
                            continue;
                        }
                    };
                    out.bytes += bytes;
                    out.valid[local / 64] |= 1 << (local % 64);
                }
                out
            })
            .collect()
    });
    // SAFETY: the tasks' chunks cover the first `rows` slots and each task writes every slot
    // of its chunk, once per row, in either branch of its loop.
    #[allow(unsafe_code)]
    let ids = unsafe { written(ids, column.rows) };
    let task_bytes: Vec<usize> = sizes.iter().map(|s| s.bytes).collect();
    let words: Vec<u64> = sizes.iter().flat_map(|s| s.valid.iter().copied()).collect();
    let valid = NullBuffer::new(BooleanBuffer::new(Buffer::from_vec(words), 0, column.rows));
    let nulls = (valid.null_count() > 0).then_some(valid);
    let array = if large {
        write_strings::<i64, K, G, M, F, W>(column, &ids, &task_bytes, mode, nulls)?
    } else {
        write_strings::<i32, K, G, M, F, W>(column, &ids, &task_bytes, mode, nulls)?
    };
    let mut misses: FastMap<K, (u64, usize)> = FastMap::default();
    let mut nulls = 0;
    for task in &sizes {
        nulls += task.nulls;
        for (&key, &(count, first)) in &task.misses {
            let entry = misses.entry(key).or_insert((0, first));
            entry.0 += count;
            entry.1 = entry.1.min(first);
        }
    }
    let mut misses: Misses<K> = misses.into_iter().map(|(k, (c, f))| (k, c, f)).collect();
    misses.sort_unstable_by_key(|m| m.2);
    Ok(Mapped { array, nulls, misses })
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::{Array, StringArray};

    fn run(data: &[Option<&'static str>], mode: &OnUnmapped) -> Mapped<&'static str> {
        let targets = vec!["A".to_owned(), "B".to_owned()];
        let column = Column {
            rows: data.len(),
            get: |i: usize| data[i],
            make_find: || {
                |k: &str| match k {
                    "a" => Some(0),
                    "b" => Some(1),
                    _ => None,
                }
            },
            write: |k: &str, out: &mut Vec<u8>| out.extend_from_slice(k.as_bytes()),
            targets: &targets,
        };
        let mapped = map_column(&column, mode, false).unwrap();
        assert_eq!(column.ids().len(), data.len());
        mapped
    }

    #[test]
    fn modes() {
        let data = [Some("a"), None, Some("x"), Some("b"), Some("x"), Some("y")];
        let out = run(&data, &OnUnmapped::Null);
        let strings = out.array.as_any().downcast_ref::<StringArray>().unwrap();
        assert_eq!(strings.iter().collect::<Vec<_>>(), [Some("A"), None, None, Some("B"), None, None]);
        assert_eq!(out.nulls, 1);
        assert_eq!(out.misses, [("x", 2, 2), ("y", 1, 5)]);
        let kept = run(&data, &OnUnmapped::Keep);
        let strings = kept.array.as_any().downcast_ref::<StringArray>().unwrap();
        assert_eq!(strings.value(2), "x");
        assert!(strings.is_null(1));
        let filled = run(&data, &OnUnmapped::Default("?".into()));
        assert_eq!(filled.array.as_any().downcast_ref::<StringArray>().unwrap().value(5), "?");
    }

    #[test]
    fn targets_of_every_length_around_the_fixed_move() {
        // 0..=40 bytes: shorter than, equal to and longer than the 32-byte move, written
        // next to each other and at the ends of tasks.
        let targets: Vec<String> = (0..=40).map(|n: usize| (n % 10).to_string().repeat(n)).collect();
        let rows = 3 * TASK_ROWS + 7;
        let data: Vec<Option<usize>> = (0..rows).map(|i| (i % 43 != 0).then_some(i * 7 % 42)).collect();
        let column = Column {
            rows,
            get: |i: usize| data[i],
            make_find: || |k: usize| (k <= 40).then_some(k as u32),
            write: |k: usize, out: &mut Vec<u8>| out.extend_from_slice(k.to_string().as_bytes()),
            targets: &targets,
        };
        for mode in [OnUnmapped::Null, OnUnmapped::Keep, OnUnmapped::Default("dflt".into())] {
            let mapped = map_column(&column, &mode, false).unwrap();
            let strings = mapped.array.as_any().downcast_ref::<StringArray>().unwrap();
            for (i, d) in data.iter().enumerate() {
                let expected = match (d, &mode) {
                    (None, _) | (Some(41), OnUnmapped::Null) => None,
                    (Some(41), OnUnmapped::Keep) => Some("41"),
                    (Some(41), _) => Some("dflt"),
                    (Some(k), _) => Some(targets[*k].as_str()),
                };
                assert_eq!(strings.is_valid(i).then(|| strings.value(i)), expected, "row {i}");
            }
        }
    }

    #[test]
    fn many_tasks_and_options() {
        let data: Vec<Option<&'static str>> =
            (0..200_000).map(|i| Some(if i % 3 == 0 { "a" } else { "z" })).collect();
        let out = run(&data, &OnUnmapped::Null);
        assert_eq!(out.array.null_count(), 200_000 - 66_667);
        assert_eq!(out.misses, [("z", 200_000 - 66_667, 1)]);
        assert!(OnUnmapped::parse("default", None).is_err());
        assert!(OnUnmapped::parse("null", Some("x")).is_err());
        assert!(OnUnmapped::parse("drop", None).unwrap_err().to_string().contains("'drop'"));
    }
}
