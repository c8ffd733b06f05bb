//! The hot loop: one task's rows, from input values to output buffers. Pure function of its
//! inputs, so a row's result never depends on which thread or task computed it.

use arrow_array::{Array, Float64Array};

use super::combine::{ozone, single, sulfur, ABSENT, STATUS_OF_FLAGS};
use super::measure::{Measure, Pollutant};
use super::plan::AqiPlan;
use super::subindex::{Beyond, F_BEYOND, F_NULL, NONE};

/// One task's share of the output buffers; `start` is a multiple of 64 (whole bitmap words).
pub struct TaskOut<'a> {
    pub start: usize,
    pub aqi: &'a mut [i32],
    pub aqi_valid: &'a mut [u64],
    pub category: &'a mut [i8],
    pub dominant: &'a mut [i8],
    pub status: &'a mut [i8],
    /// Per present pollutant (plan order), when sub-index columns are asked for.
    pub subindices: Vec<(&'a mut [i32], &'a mut [u64])>,
}

type Results = (Vec<i32>, Vec<u8>);
/// A rule over two measures of one pollutant (`combine::ozone`, `combine::sulfur`).
type PairRule = fn((i32, u8), (i32, u8)) -> (i32, u8);

/// Sub-index and flags of every row of one input column in the task.
fn measure_results(plan: &AqiPlan, input: usize, column: &Float64Array, start: usize, n: usize) -> Results {
    let planned = &plan.inputs[input];
    let (table, multiplier, beyond) = (planned.table, planned.multiplier, plan.options.beyond);
    let values = &column.values()[start..start + n];
    let mut index = vec![NONE; n];
    let mut flags = vec![F_NULL; n];
    match column.nulls().filter(|nulls| nulls.null_count() > 0) {
        None => {
            for ((x, i), f) in values.iter().zip(&mut index).zip(&mut flags) {
                (*i, *f) = table.eval(*x, multiplier, beyond);
            }
        }
        Some(nulls) => {
            for (row, x) in values.iter().enumerate() {
                if nulls.is_valid(start + row) {
                    (index[row], flags[row]) = table.eval(*x, multiplier, beyond);
                }
            }
        }
    }
    (index, flags)
}

/// Applies a two-measure rule row by row.
fn combine_pair(first: Option<&Results>, second: Option<&Results>, n: usize, rule: PairRule) -> Results {
    let at = |r: Option<&Results>, i: usize| r.map_or(ABSENT, |(v, f)| (v[i], f[i]));
    let (mut index, mut flags) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for i in 0..n {
        let (v, f) = rule(at(first, i), at(second, i));
        index.push(v);
        flags.push(f);
    }
    (index, flags)
}

/// Pollutant sub-indices for the task, in `plan.pollutants` order.
fn pollutant_results(
    plan: &AqiPlan,
    columns: &[Float64Array],
    start: usize,
    n: usize,
) -> Vec<(Pollutant, Results)> {
    let mut by_measure: [Option<Results>; 8] = Default::default();
    for (input, column) in columns.iter().enumerate() {
        by_measure[plan.inputs[input].measure.index()] = Some(measure_results(plan, input, column, start, n));
    }
    plan.pollutants
        .iter()
        .map(|&p| {
            let results = match p {
                Pollutant::O3 => combine_pair(
                    by_measure[Measure::O3_8h.index()].as_ref(),
                    by_measure[Measure::O3_1h.index()].as_ref(),
                    n,
                    ozone,
                ),
                Pollutant::So2 => combine_pair(
                    by_measure[Measure::So2_1h.index()].as_ref(),
                    by_measure[Measure::So2_24h.index()].as_ref(),
                    n,
                    sulfur,
                ),
                _ => {
                    let measure = Measure::ALL.into_iter().find(|m| m.pollutant() == p).expect("one measure");
                    let (index, mut flags) = by_measure[measure.index()].take().expect("planned measure");
                    for (f, i) in flags.iter_mut().zip(&index) {
                        *f = single((*i, *f)).1;
                    }
                    (index, flags)
                }
            };
            (p, results)
        })
        .collect()
}

/// Rows per block inside a task: small enough that a block's temporaries stay in L1/L2 cache.
const BLOCK_ROWS: usize = 4096;

/// Computes one task: every output of rows `out.start .. out.start + out.aqi.len()`, block by
/// block.
pub fn run_task(plan: &AqiPlan, columns: &[Float64Array], out: TaskOut<'_>) {
    let TaskOut { start, aqi, aqi_valid, category, dominant, status, subindices } = out;
    let words = BLOCK_ROWS / 64;
    let mut subs: Vec<_> =
        subindices.into_iter().map(|(v, w)| v.chunks_mut(BLOCK_ROWS).zip(w.chunks_mut(words))).collect();
    let blocks = aqi
        .chunks_mut(BLOCK_ROWS)
        .zip(aqi_valid.chunks_mut(words))
        .zip(category.chunks_mut(BLOCK_ROWS))
        .zip(dominant.chunks_mut(BLOCK_ROWS))
        .zip(status.chunks_mut(BLOCK_ROWS));
    for (b, ((((aqi, aqi_valid), category), dominant), status)) in blocks.enumerate() {
        let subindices = subs.iter_mut().map(|it| it.next().expect("same block count")).collect();
        let block =
            TaskOut { start: start + b * BLOCK_ROWS, aqi, aqi_valid, category, dominant, status, subindices };
        run_block(plan, columns, block);
    }
}

/// Computes one block of rows.
///
/// Written as simple passes over contiguous arrays (max, or, and, compare) that the compiler
/// vectorises; readings are noisy, so per-row data-dependent branches would mispredict.
fn run_block(plan: &AqiPlan, columns: &[Float64Array], out: TaskOut<'_>) {
    let n = out.aqi.len();
    let mut pollutants = pollutant_results(plan, columns, out.start, n);
    let mut best = vec![NONE; n];
    let mut any = vec![0_u8; n];
    let mut all = vec![F_NULL; n];
    let mut mask = vec![0_u8; n];
    // One pass per pollutant, zipped (no bounds checks) and branch-free (cmov, not jumps).
    for (p, (index, flags)) in &pollutants {
        let bit = 1_u8 << p.index();
        let acc = best.iter_mut().zip(&mut any).zip(&mut all).zip(&mut mask);
        for ((((b, a), l), m), (&v, &f)) in acc.zip(index.iter().zip(flags)) {
            *m = if v > *b { bit } else { *m | (bit * u8::from(v == *b)) };
            *b = (*b).max(v);
            *a |= f;
            *l &= f;
        }
    }
    // With `beyond="null"` a beyond-the-table reading nulls the whole row.
    let void_flags = if plan.options.beyond == Beyond::Null { F_BEYOND } else { 0 };
    let rows = best.iter_mut().zip(&any).zip(&all).zip(&mask);
    let outs = out
        .aqi
        .iter_mut()
        .zip(out.status.iter_mut())
        .zip(out.category.iter_mut())
        .zip(out.dominant.iter_mut());
    for ((((b, &a), &l), &m), (((aqi, status), category), dominant)) in rows.zip(outs) {
        if a & void_flags != 0 {
            *b = NONE;
        }
        let rated = *b != NONE;
        *status = STATUS_OF_FLAGS[usize::from(a & !F_NULL | l) & 127];
        *aqi = (*b).max(0);
        *category = plan.category_key(*aqi);
        *dominant = plan.dominant_keys[usize::from(m * u8::from(rated)) & 63];
    }
    write_validity(&best, out.aqi_valid);
    for ((values, valid), (_, (index, flags))) in out.subindices.into_iter().zip(&mut pollutants) {
        for ((v, i), &mut f) in values.iter_mut().zip(index.iter_mut()).zip(flags) {
            // Under `beyond="null"` a pollutant with a reading beyond the table has no index,
            // even when another of its periods (O3 8-h) defines a smaller one.
            if f & void_flags != 0 {
                *i = NONE;
            }
            *v = (*i).max(0);
        }
        write_validity(index, valid);
    }
}

/// Packs `index != NONE` into bitmap words, 64 rows per word.
fn write_validity(index: &[i32], words: &mut [u64]) {
    for (word, chunk) in words.iter_mut().zip(index.chunks(64)) {
        *word = chunk.iter().enumerate().fold(0, |w, (bit, &v)| w | u64::from(v != NONE) << bit);
    }
}
