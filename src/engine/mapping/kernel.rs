//! The hot loop: looks every value of one column up and writes the output strings, in fixed row
//! tasks on the pollutrack pool; then the tasks' buffers are stitched together in parallel.
//! Each task is a pure function of its rows, so the result never depends on the thread count.

use std::hash::Hash;
use std::mem::MaybeUninit;
use std::sync::Arc;

use arrow_array::{ArrayRef, GenericStringArray, OffsetSizeTrait};
use arrow_buffer::{BooleanBuffer, Buffer, NullBuffer, OffsetBuffer, ScalarBuffer};
use rayon::prelude::*;

use super::index::{FastMap, MISS, NULL_ID};
use crate::engine::parallel::{install, task_ranges, TASK_ROWS};
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

/// The mapped column, its null-input count and its unmapped keys.
pub struct Mapped<K> {
    pub array: ArrayRef,
    pub nulls: u64,
    pub misses: Misses<K>,
}

/// Finds a key's target id (`None` when no rule maps it); it may cache.
pub trait Find<K> {
    fn find(&mut self, key: K) -> Option<u32>;
}

impl<K, F: FnMut(K) -> Option<u32>> Find<K> for F {
    #[inline]
    fn find(&mut self, key: K) -> Option<u32> {
        self(key)
    }
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

/// What one task learns in the first pass.
struct Sizes<K> {
    bytes: usize,
    nulls: u64,
    valid: Vec<u64>,
    misses: FastMap<K, (u64, usize)>,
}

impl<G, M, W> Column<'_, G, M, W> {
    /// Each row's target id (`MISS`, `NULL_ID` for the others), serially: for dictionary
    /// values, which are few.
    pub fn ids<K, F>(&self) -> Vec<u32>
    where
        G: Fn(usize) -> Option<K>,
        M: Fn() -> F,
        F: Find<K>,
    {
        let mut find = (self.make_find)();
        (0..self.rows).map(|row| (self.get)(row).map_or(NULL_ID, |k| find.find(k).unwrap_or(MISS))).collect()
    }
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
    let array = if large {
        write::<O64, K, G, M, F, W>(column, &ids, &sizes, mode)?
    } else {
        write::<O32, K, G, M, F, W>(column, &ids, &sizes, mode)?
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

type O32 = i32;
type O64 = i64;

/// Target strings laid end to end with `WIDE` spare bytes, so that a short one is copied with
/// one fixed-size move (what follows it is overwritten by the next row).
struct Packed {
    bytes: Vec<u8>,
    spans: Vec<(usize, usize)>,
}

/// 32 bytes: targets are codes and labels; with 16, a 17-byte target went through `memmove`
/// (measured: 5 % of a 3-field apply).
const WIDE: usize = 32;

impl Packed {
    fn new(targets: &[String]) -> Self {
        let mut bytes = Vec::new();
        let mut spans = Vec::with_capacity(targets.len());
        for t in targets {
            spans.push((bytes.len(), t.len()));
            bytes.extend_from_slice(t.as_bytes());
        }
        bytes.extend_from_slice(&[0; WIDE]);
        Self { bytes, spans }
    }

    /// Writes target `t` at `out[pos..]` and returns its length.
    #[inline]
    fn put(&self, t: usize, out: &mut [MaybeUninit<u8>], pos: usize) -> usize {
        let (start, len) = self.spans[t];
        if len <= WIDE && pos + WIDE <= out.len() {
            copy(&mut out[pos..pos + WIDE], &self.bytes[start..start + WIDE]);
        } else {
            copy(&mut out[pos..pos + len], &self.bytes[start..start + len]);
        }
        len
    }
}

/// `copy_from_slice` for a slice still being filled (compiled to the same moves).
#[inline]
fn copy(out: &mut [MaybeUninit<u8>], bytes: &[u8]) {
    out.iter_mut().zip(bytes).for_each(|(o, &b)| {
        o.write(b);
    });
}

/// The second pass: every task writes its rows' bytes and offsets into its own slices of the
/// final buffers, from the ids of the first pass.
fn write<O, K, G, M, F, W>(
    column: &Column<'_, G, M, W>,
    ids: &[u32],
    sizes: &[Sizes<K>],
    mode: &OnUnmapped,
) -> Result<ArrayRef>
where
    O: OffsetSizeTrait,
    K: Copy + Send + Sync,
    G: Fn(usize) -> Option<K> + Sync,
    M: Fn() -> F + Sync,
    F: Find<K>,
    W: Fn(K, &mut Vec<u8>) + Sync,
{
    let total: usize = sizes.iter().map(|s| s.bytes).sum();
    if O::from_usize(total).is_none() {
        return Err(Error::spec(format!(
            "the mapped column would hold {total} bytes, more than a string column can; pass large_string input"
        )));
    }
    let packed = Packed::new(column.targets);
    let (keep, default) = match mode {
        OnUnmapped::Keep => (true, None),
        OnUnmapped::Default(d) => (false, Some(d.as_bytes())),
        _ => (false, None),
    };
    // Not zeroed (a serial pass over hundreds of MB): the tasks below write every byte and
    // every offset, see `assemble`.
    let mut values: Vec<u8> = Vec::with_capacity(total);
    let mut offsets: Vec<O> = Vec::with_capacity(column.rows + 1);
    let (first_offset, task_offsets) =
        offsets.spare_capacity_mut()[..=column.rows].split_first_mut().expect("rows + 1 offsets");
    first_offset.write(O::usize_as(0));
    let mut parts = Vec::with_capacity(sizes.len());
    let mut rest = &mut values.spare_capacity_mut()[..total];
    let mut base = 0;
    for (((size, offsets), ids), task) in
        sizes.iter().zip(task_offsets.chunks_mut(TASK_ROWS)).zip(ids.chunks(TASK_ROWS)).zip(0..)
    {
        let (mine, others) = rest.split_at_mut(size.bytes);
        rest = others;
        parts.push((task * TASK_ROWS, ids, mine, offsets, base));
        base += size.bytes;
    }
    install(|| {
        parts.into_par_iter().for_each(|(first, ids, out, offsets, base)| {
            let mut scratch = Vec::new();
            let mut pos = 0;
            for ((slot, &id), row) in offsets.iter_mut().zip(ids).zip(first..) {
                if id < MISS {
                    pos += packed.put(id as usize, out, pos);
                } else if id == MISS {
                    let bytes: &[u8] = if keep {
                        scratch.clear();
                        (column.write)((column.get)(row).expect("a miss is not null"), &mut scratch);
                        &scratch
                    } else {
                        default.unwrap_or_default()
                    };
                    copy(&mut out[pos..pos + bytes.len()], bytes);
                    pos += bytes.len();
                }
                slot.write(O::usize_as(base + pos));
            }
            // What `written` relies on: this task filled its bytes exactly (one compare a task).
            assert_eq!(pos, out.len(), "a mapping task wrote other than the bytes it counted");
        });
    });
    let words: Vec<u64> = sizes.iter().flat_map(|s| s.valid.iter().copied()).collect();
    let valid = NullBuffer::new(BooleanBuffer::new(Buffer::from_vec(words), 0, column.rows));
    let nulls = (valid.null_count() > 0).then_some(valid);
    // SAFETY: the task slices cover all `rows + 1` offsets and `total` bytes, and each task
    // wrote all of its slices: an offset per row, and its rows' bytes end to end, exactly
    // `size.bytes` of them (asserted above; the fixed-size moves only write ahead of the next
    // row's bytes).
    #[allow(unsafe_code)]
    let (offsets, values) = unsafe { (written(offsets, column.rows + 1), written(values, total)) };
    Ok(Arc::new(assemble(offsets, values, nulls)))
}

/// `vec` with its first `len` spare slots taken as its elements.
///
/// # Safety
/// Every one of those `len` slots must have been written.
#[allow(unsafe_code)]
unsafe fn written<T>(mut vec: Vec<T>, len: usize) -> Vec<T> {
    assert!(len <= vec.capacity());
    // SAFETY: the caller wrote the slots; `len` is within the capacity.
    unsafe { vec.set_len(len) };
    vec
}

/// The output array from buffers this module wrote.
#[allow(unsafe_code)]
fn assemble<O: OffsetSizeTrait>(
    offsets: Vec<O>,
    values: Vec<u8>,
    nulls: Option<NullBuffer>,
) -> GenericStringArray<O> {
    debug_assert!(std::str::from_utf8(&values).is_ok());
    // SAFETY: the offsets rise from 0 to `values.len()` (each task adds the lengths it wrote
    // to its base, the bases are the running sums of the tasks' byte counts), and every range
    // is a copy of a whole `String` (a target or the default) or of a whole value of the input
    // string array, so each is valid UTF-8. `try_new` would re-validate all the output bytes
    // on one thread (measured: 8 % of `apply` on 1 M rows), and `OffsetBuffer::new` the
    // offsets (3 % of 10 M rows, serial).
    unsafe {
        let offsets = OffsetBuffer::new_unchecked(ScalarBuffer::from(offsets));
        GenericStringArray::<O>::new_unchecked(offsets, Buffer::from_vec(values), nulls)
    }
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
