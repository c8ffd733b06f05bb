//! The hot loop: looks every value of one column up and writes the output strings, in fixed row
//! tasks on the pollutrack pool; then the tasks' buffers are stitched together in parallel.
//! Each task is a pure function of its rows, so the result never depends on the thread count.

use std::hash::Hash;
use std::sync::Arc;

use arrow_array::{ArrayRef, GenericStringArray, OffsetSizeTrait};
use arrow_buffer::{BooleanBuffer, Buffer, NullBuffer, OffsetBuffer, ScalarBuffer};
use rayon::prelude::*;

use super::index::{FastMap, MISS, NULL_ID};
use crate::engine::parallel::{install, task_ranges};
use crate::engine::{Error, Result};

/// What an unmapped value becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OnUnmapped {
    Null,
    Keep,
    Default(String),
    Error,
}

impl OnUnmapped {
    pub fn parse(mode: &str, default: Option<&str>) -> Result<Self> {
        match (mode, default) {
            ("null", None) => Ok(Self::Null),
            ("keep", None) => Ok(Self::Keep),
            ("error", None) => Ok(Self::Error),
            ("default", Some(d)) => Ok(Self::Default(d.to_owned())),
            ("default", None) => Err(Error::spec("on_unmapped='default' needs default= (the text to write)")),
            ("null" | "keep" | "error", Some(_)) => {
                Err(Error::spec(format!("default= is only used with on_unmapped='default', not '{mode}'")))
            }
            (other, _) => Err(Error::spec(format!(
                "unknown on_unmapped '{other}'; expected null, keep, default or error"
            ))),
        }
    }
}

/// Distinct unmapped keys of a column: (key, count, first row), in order of first row.
pub type Misses<K> = Vec<(K, u64, usize)>;

/// The mapped column, its null-input count, its unmapped keys and (when asked) each row's
/// target id (`MISS`, `NULL_ID` for the others).
pub struct Mapped<K> {
    pub array: ArrayRef,
    pub nulls: u64,
    pub misses: Misses<K>,
    pub ids: Vec<u32>,
}

struct TaskOut<K> {
    ends: Vec<usize>,
    values: Vec<u8>,
    valid: Vec<u64>,
    nulls: u64,
    misses: FastMap<K, (u64, usize)>,
    ids: Vec<u32>,
}

/// What the kernel needs of a column: the key of a row (`None` when null), a fresh finder per
/// task (it may cache), and how to write a key as text (for `keep` and the report).
pub struct Column<'t, G, M, W> {
    pub rows: usize,
    pub get: G,
    pub make_find: M,
    pub write: W,
    pub targets: &'t [String],
}

/// Maps one column. `large` picks 64-bit offsets (large_string output).
pub fn map_column<K, G, M, F, W>(column: &Column<'_, G, M, W>, mode: &OnUnmapped, large: bool, collect_ids: bool) -> Result<Mapped<K>>
where
    K: Copy + Eq + Hash + Send + Sync,
    G: Fn(usize) -> Option<K> + Sync,
    M: Fn() -> F + Sync,
    F: FnMut(K) -> Option<u32>,
    W: Fn(K, &mut Vec<u8>) + Sync,
{
    let targets: Vec<&[u8]> = column.targets.iter().map(|t| t.as_bytes()).collect();
    let default = match mode {
        OnUnmapped::Default(d) => Some(d.as_bytes()),
        _ => None,
    };
    let keep = *mode == OnUnmapped::Keep;
    let tasks: Vec<TaskOut<K>> = install(|| {
        task_ranges(column.rows)
            .into_par_iter()
            .map(|range| {
                let n = range.len();
                let mut find = (column.make_find)();
                let mut out = TaskOut {
                    ends: Vec::with_capacity(n),
                    values: Vec::with_capacity(n * 8),
                    valid: vec![0; n.div_ceil(64)],
                    nulls: 0,
                    misses: FastMap::default(),
                    ids: if collect_ids { Vec::with_capacity(n) } else { Vec::new() },
                };
                for (local, row) in range.enumerate() {
                    let id = match (column.get)(row) {
                        None => {
                            out.nulls += 1;
                            NULL_ID
                        }
                        Some(key) => {
                            if let Some(t) = find(key) {
                                out.values.extend_from_slice(targets[t as usize]);
                                out.valid[local / 64] |= 1 << (local % 64);
                                t
                            } else {
                                out.misses.entry(key).or_insert((0, row)).0 += 1;
                                if keep {
                                    (column.write)(key, &mut out.values);
                                    out.valid[local / 64] |= 1 << (local % 64);
                                } else if let Some(d) = default {
                                    out.values.extend_from_slice(d);
                                    out.valid[local / 64] |= 1 << (local % 64);
                                }
                                MISS
                            }
                        }
                    };
                    out.ends.push(out.values.len());
                    if collect_ids {
                        out.ids.push(id);
                    }
                }
                out
            })
            .collect()
    });
    let mut misses: FastMap<K, (u64, usize)> = FastMap::default();
    let mut nulls = 0;
    for task in &tasks {
        nulls += task.nulls;
        for (&key, &(count, first)) in &task.misses {
            let entry = misses.entry(key).or_insert((0, first));
            entry.0 += count;
            entry.1 = entry.1.min(first);
        }
    }
    let mut misses: Misses<K> = misses.into_iter().map(|(k, (c, f))| (k, c, f)).collect();
    misses.sort_unstable_by_key(|m| m.2);
    let ids = if collect_ids { tasks.iter().flat_map(|t| t.ids.iter().copied()).collect() } else { Vec::new() };
    let array = if large { stitch::<i64, K>(tasks, column.rows)? } else { stitch::<i32, K>(tasks, column.rows)? };
    Ok(Mapped { array, nulls, misses, ids })
}

/// Concatenates the tasks' buffers into one string array, copying in parallel.
fn stitch<O: OffsetSizeTrait, K: Send + Sync>(tasks: Vec<TaskOut<K>>, rows: usize) -> Result<ArrayRef> {
    let total: usize = tasks.iter().map(|t| t.values.len()).sum();
    if O::from_usize(total).is_none() {
        return Err(Error::spec(format!(
            "the mapped column would hold {total} bytes, more than a string column can; pass large_string input"
        )));
    }
    let mut values = vec![0_u8; total];
    let mut offsets = vec![O::usize_as(0); rows + 1];
    let mut words: Vec<u64> = Vec::with_capacity(rows.div_ceil(64));
    let mut parts = Vec::with_capacity(tasks.len());
    let (mut value_rest, mut offset_rest) = (values.as_mut_slice(), &mut offsets[1..]);
    let mut base = 0;
    for task in &tasks {
        let (v, vr) = value_rest.split_at_mut(task.values.len());
        let (o, or) = offset_rest.split_at_mut(task.ends.len());
        (value_rest, offset_rest) = (vr, or);
        parts.push((task, v, o, base));
        base += task.values.len();
        words.extend_from_slice(&task.valid);
    }
    install(|| {
        parts.into_par_iter().for_each(|(task, v, o, base)| {
            v.copy_from_slice(&task.values);
            for (slot, end) in o.iter_mut().zip(&task.ends) {
                *slot = O::usize_as(base + end);
            }
        });
    });
    let valid = NullBuffer::new(BooleanBuffer::new(Buffer::from_vec(words), 0, rows));
    let nulls = (valid.null_count() > 0).then_some(valid);
    let offsets = OffsetBuffer::new(ScalarBuffer::from(offsets));
    Ok(Arc::new(GenericStringArray::<O>::try_new(offsets, Buffer::from_vec(values), nulls)?))
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
            make_find: || |k: &str| match k {
                "a" => Some(0),
                "b" => Some(1),
                _ => None,
            },
            write: |k: &str, out: &mut Vec<u8>| out.extend_from_slice(k.as_bytes()),
            targets: &targets,
        };
        map_column(&column, mode, false, true).unwrap()
    }

    #[test]
    fn modes() {
        let data = [Some("a"), None, Some("x"), Some("b"), Some("x"), Some("y")];
        let out = run(&data, &OnUnmapped::Null);
        let strings = out.array.as_any().downcast_ref::<StringArray>().unwrap();
        assert_eq!(strings.iter().collect::<Vec<_>>(), [Some("A"), None, None, Some("B"), None, None]);
        assert_eq!(out.nulls, 1);
        assert_eq!(out.misses, [("x", 2, 2), ("y", 1, 5)]);
        assert_eq!(out.ids, [0, NULL_ID, MISS, 1, MISS, MISS]);
        let kept = run(&data, &OnUnmapped::Keep);
        let strings = kept.array.as_any().downcast_ref::<StringArray>().unwrap();
        assert_eq!(strings.value(2), "x");
        assert!(strings.is_null(1));
        let filled = run(&data, &OnUnmapped::Default("?".into()));
        assert_eq!(filled.array.as_any().downcast_ref::<StringArray>().unwrap().value(5), "?");
    }

    #[test]
    fn many_tasks_and_options() {
        let data: Vec<Option<&'static str>> = (0..200_000).map(|i| Some(if i % 3 == 0 { "a" } else { "z" })).collect();
        let out = run(&data, &OnUnmapped::Null);
        assert_eq!(out.array.null_count(), 200_000 - 66_667);
        assert_eq!(out.misses, [("z", 200_000 - 66_667, 1)]);
        assert!(OnUnmapped::parse("default", None).is_err());
        assert!(OnUnmapped::parse("null", Some("x")).is_err());
        assert!(OnUnmapped::parse("drop", None).unwrap_err().to_string().contains("'drop'"));
    }
}
