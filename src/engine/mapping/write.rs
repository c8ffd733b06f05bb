//! The second pass of the mapping kernel: the output strings written straight into the final
//! buffers, which are not zeroed first (each task fills its own slices exactly), with one
//! fixed-size move per short target.

use std::mem::MaybeUninit;
use std::sync::Arc;

use arrow_array::{ArrayRef, GenericStringArray, OffsetSizeTrait};
use arrow_buffer::{Buffer, NullBuffer, OffsetBuffer, ScalarBuffer};
use rayon::prelude::*;

use super::lookup::{Column, Find, OnUnmapped, MISS};
use crate::engine::parallel::{install, TASK_ROWS};
use crate::engine::{Error, Result};

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
/// final buffers, from the ids of the first pass and the bytes each task counted.
pub fn write_strings<O, K, G, M, F, W>(
    column: &Column<'_, G, M, W>,
    ids: &[u32],
    task_bytes: &[usize],
    mode: &OnUnmapped,
    nulls: Option<NullBuffer>,
) -> Result<ArrayRef>
where
    O: OffsetSizeTrait,
    K: Copy + Send + Sync,
    G: Fn(usize) -> Option<K> + Sync,
    M: Fn() -> F + Sync,
    F: Find<K>,
    W: Fn(K, &mut Vec<u8>) + Sync,
{
    let total: usize = task_bytes.iter().sum();
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
    let mut parts = Vec::with_capacity(task_bytes.len());
    let mut rest = &mut values.spare_capacity_mut()[..total];
    let mut base = 0;
    for (((&bytes, offsets), ids), task) in
        task_bytes.iter().zip(task_offsets.chunks_mut(TASK_ROWS)).zip(ids.chunks(TASK_ROWS)).zip(0..)
    {
        let (mine, others) = rest.split_at_mut(bytes);
        rest = others;
        parts.push((task * TASK_ROWS, ids, mine, offsets, base));
        base += bytes;
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
    // SAFETY: the task slices cover all `rows + 1` offsets and `total` bytes, and each task
    // wrote all of its slices: an offset per row, and its rows' bytes end to end, exactly
    // the bytes it counted (asserted above; the fixed-size moves only write ahead of the next
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
pub unsafe fn written<T>(mut vec: Vec<T>, len: usize) -> Vec<T> {
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
