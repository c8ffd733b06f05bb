//! The keys of a dictionary column, for the report of a mapped dictionary: rows per value and
//! the first row of each unmapped value, without touching the values themselves.

use rayon::prelude::*;

use crate::engine::parallel::{install, task_ranges};

/// Rows per dictionary value and the null keys, in row tasks (a branch-free count when the keys
/// have no nulls).
pub fn key_histogram<K: arrow_buffer::ArrowNativeType>(
    keys: &[K],
    nulls: Option<&arrow_buffer::NullBuffer>,
    values: usize,
) -> (Vec<u64>, u64) {
    let nulls = nulls.filter(|n| n.null_count() > 0);
    // Keys index a power-of-two table through a mask, so the count needs no bounds check
    // (measured on its own: 7.1 -> 4.6 ms for 30 M keys); valid keys are below `values`, and the
    // mask keeps any other key (of a null row, or malformed input) inside the table.
    let mask = values.next_power_of_two() - 1;
    let parts: Vec<(Vec<u32>, u64)> = install(|| {
        task_ranges(keys.len())
            .into_par_iter()
            .map(|range| {
                // u32: a task has at most TASK_ROWS rows.
                let mut counts = vec![0_u32; mask + 1];
                let mut null_keys = 0;
                match nulls {
                    None => count_keys(&keys[range], &mut counts, mask),
                    Some(n) => {
                        for row in range {
                            if n.is_valid(row) {
                                counts[keys[row].as_usize() & mask] += 1;
                            } else {
                                null_keys += 1;
                            }
                        }
                    }
                }
                (counts, null_keys)
            })
            .collect()
    });
    let mut counts = vec![0_u64; values];
    let mut null_keys = 0;
    for (c, n) in parts {
        null_keys += n;
        counts.iter_mut().zip(c).for_each(|(total, c)| *total += u64::from(c));
    }
    (counts, null_keys)
}

/// Adds one per key to `counts` (of length `mask + 1`). A function of its own so that `mask`
/// and the table are locals the compiler sees: it then drops the bounds check.
#[inline]
fn count_keys<K: arrow_buffer::ArrowNativeType>(keys: &[K], counts: &mut [u32], mask: usize) {
    let table = &mut counts[..=mask];
    for k in keys {
        table[k.as_usize() & mask] += 1;
    }
}

/// The first row of each wanted dictionary value: a scan that stops once all are found (unmapped
/// values are few, and usually appear early).
pub fn first_rows<K: arrow_buffer::ArrowNativeType>(
    keys: &[K],
    nulls: Option<&arrow_buffer::NullBuffer>,
    wanted: &[bool],
) -> Vec<usize> {
    let mut firsts = vec![usize::MAX; wanted.len()];
    let mut left = wanted.iter().filter(|&&w| w).count();
    for (row, k) in keys.iter().enumerate() {
        if left == 0 {
            break;
        }
        // Validity first: the key of a null row may be anything.
        let k = k.as_usize();
        if nulls.is_none_or(|n| n.is_valid(row)) && wanted[k] && firsts[k] == usize::MAX {
            firsts[k] = row;
            left -= 1;
        }
    }
    firsts
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_buffer::NullBuffer;

    #[test]
    fn keys_of_null_rows_may_be_anything() {
        // Arrow leaves the key of a null row unspecified; 7 is beyond the 3 values.
        let keys = [2_i32, 7, 0, 2, 7];
        let nulls = NullBuffer::from(vec![true, false, true, true, false]);
        let (counts, null_keys) = key_histogram(&keys, Some(&nulls), 3);
        assert_eq!((counts, null_keys), (vec![1, 0, 2], 2));
        assert_eq!(first_rows(&keys, Some(&nulls), &[true, false, true]), [2, usize::MAX, 0]);
        let (counts, _) = key_histogram(&keys[..1], None, 3);
        assert_eq!(counts, [0, 0, 1]);
    }
}
