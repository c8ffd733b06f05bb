//! The hot loop: one task's rows, from input values to output buffers. Pure function of its
//! inputs, so a row's result never depends on which thread or task computed it.

use arrow_array::{Array, Float64Array};

use super::combine::{hourly_first, larger, single, sulfur, ABSENT, F_INSUFFICIENT, STATUS_OF_FLAGS};
use super::plan::{AqiPlan, Rule};
use super::subindex::{Beyond, Scale, F_BEYOND, F_NEGATIVE, F_NOT_FINITE, F_NULL, NONE};
use super::task::{write_bits, write_validity, TaskOut};

type Results = (Vec<i32>, Vec<u8>);
/// A rule over two measures of one pollutant (`combine::larger`, `sulfur`, `hourly_first`).
type PairRule = fn((i32, u8), (i32, u8)) -> (i32, u8);

/// Applies `eval` to every valid value of one column in the task; nulls keep `(NONE, F_NULL)`.
fn fill(column: &Float64Array, start: usize, n: usize, eval: impl Fn(f64) -> (i32, u8)) -> Results {
    let values = &column.values()[start..start + n];
    let mut index = vec![NONE; n];
    let mut flags = vec![F_NULL; n];
    match column.nulls().filter(|nulls| nulls.null_count() > 0) {
        None => {
            for ((x, i), f) in values.iter().zip(&mut index).zip(&mut flags) {
                (*i, *f) = eval(*x);
            }
        }
        Some(nulls) => {
            for (row, x) in values.iter().enumerate() {
                if nulls.is_valid(start + row) {
                    (index[row], flags[row]) = eval(*x);
                }
            }
        }
    }
    (index, flags)
}

/// Sub-index and flags of every row of one input column in the task. The table kind is
/// chosen once per column, so each loop is monomorphic.
fn measure_results(plan: &AqiPlan, input: usize, column: &Float64Array, start: usize, n: usize) -> Results {
    let (multiplier, beyond, negative) = (plan.inputs[input].multiplier, plan.beyond, plan.negative);
    match &plan.table(input).scale {
        Scale::Linear(t) if t.is_half_even() => {
            fill(column, start, n, |x| negative.apply(x, |x| t.eval_rounded::<true>(x, multiplier, beyond)))
        }
        Scale::Linear(t) => {
            fill(column, start, n, |x| negative.apply(x, |x| t.eval_rounded::<false>(x, multiplier, beyond)))
        }
        Scale::Bands(t) => fill(column, start, n, |x| negative.apply(x, |x| t.eval(x, multiplier, beyond))),
        Scale::Formula => unreachable!("formula standards take the AQHI path"),
    }
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
fn pollutant_results(plan: &AqiPlan, columns: &[Float64Array], start: usize, n: usize) -> Vec<Results> {
    let mut by_input: Vec<Option<Results>> =
        columns.iter().enumerate().map(|(i, c)| Some(measure_results(plan, i, c, start, n))).collect();
    plan.pollutants
        .iter()
        .map(|p| {
            let [a, b] = p.slots;
            match p.rule {
                Rule::Single => {
                    let (index, mut flags) =
                        by_input[a.expect("a single measure")].take().expect("planned once");
                    for (f, i) in flags.iter_mut().zip(&index) {
                        *f = single((*i, *f)).1;
                    }
                    (index, flags)
                }
                Rule::Larger | Rule::EpaSulfur | Rule::HourlyFirst => {
                    let get = |s: Option<usize>| s.and_then(|s| by_input[s].as_ref());
                    let rule: PairRule = match p.rule {
                        Rule::EpaSulfur => sulfur,
                        Rule::HourlyFirst => hourly_first,
                        _ => larger,
                    };
                    combine_pair(get(a), get(b), n, rule)
                }
            }
        })
        .collect()
}

/// Rows per block inside a task: small enough that a block's temporaries stay in L1/L2 cache.
const BLOCK_ROWS: usize = 4096;

/// Computes one task: every output of rows `out.start .. out.start + out.aqi.len()`, block by
/// block.
pub fn run_task(plan: &AqiPlan, columns: &[Float64Array], out: TaskOut<'_>) {
    for block in out.split(BLOCK_ROWS) {
        if plan.is_aqhi() {
            super::aqhi::run_block(plan, columns, block);
        } else {
            run_block(plan, columns, block);
        }
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
    for (p, (index, flags)) in plan.pollutants.iter().zip(&pollutants) {
        let bit = 1_u8 << p.pollutant.index();
        let acc = best.iter_mut().zip(&mut any).zip(&mut all).zip(&mut mask);
        for ((((b, a), l), m), (&v, &f)) in acc.zip(index.iter().zip(flags)) {
            *m = if v > *b { bit } else { *m | (bit * u8::from(v == *b)) };
            *b = (*b).max(v);
            *a |= f;
            *l &= f;
        }
    }
    let std = &plan.standard;
    // With `beyond="null"` a beyond-the-table reading nulls the whole row, and its pollutant
    // has no index (so it neither counts for India's rule nor exceeds China's limit).
    let void_flags = if plan.beyond == Beyond::Null { F_BEYOND } else { 0 };
    if let Some(rule) = std.min_pollutants {
        minimum_pollutants(plan, rule, &pollutants, void_flags, &mut best, &mut any, &all);
    }
    if let Some(limit) = std.exceeding_above {
        exceeding(plan, limit, &pollutants, void_flags, out.exceeding, out.exceeding_valid);
    }
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
        *status = STATUS_OF_FLAGS[usize::from(a & !F_NULL | l)];
        *aqi = (*b).max(0);
        *category = plan.category_key(*aqi);
        *dominant = plan.dominant_keys[usize::from(m * u8::from(rated))];
    }
    write_validity(&best, out.aqi_valid);
    if let Some(limit) = std.primary_above {
        write_bits(&best, out.dominant_valid, |&v| v > limit);
    }
    for ((values, valid), (index, flags)) in out.subindices.into_iter().zip(&mut pollutants) {
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

/// India's rule (`docs/standards/india.md`): an overall index only with at least `count` pollutants rated, one of
/// them in `one_of`; otherwise no index and status `insufficient_pollutants`.
fn minimum_pollutants(
    plan: &AqiPlan,
    rule: super::standard::MinPollutants,
    pollutants: &[Results],
    void_flags: u8,
    best: &mut [i32],
    any: &mut [u8],
    all: &[u8],
) {
    let mut rated = vec![0_u8; best.len()];
    for (p, (index, flags)) in plan.pollutants.iter().zip(pollutants) {
        let bit = 1_u8 << p.pollutant.index();
        for ((r, &v), &f) in rated.iter_mut().zip(index).zip(flags) {
            *r |= bit * (u8::from(v != NONE) & u8::from(f & void_flags == 0));
        }
    }
    for (((b, a), &l), &r) in best.iter_mut().zip(any.iter_mut()).zip(all).zip(&rated) {
        let enough = r.count_ones() >= rule.count && (rule.one_of == 0 || r & rule.one_of != 0);
        if !enough && l & F_NULL == 0 {
            *b = NONE;
            *a |= F_INSUFFICIENT;
        }
    }
}

/// China's exceeding pollutants (`docs/standards/china.md`): those whose sub-index is above `limit`, as keys into
/// the pollutant-set dictionary; null where none is.
fn exceeding(
    plan: &AqiPlan,
    limit: i32,
    pollutants: &[Results],
    void_flags: u8,
    keys: &mut [i16],
    valid: &mut [u64],
) {
    let mut masks = vec![0_u8; keys.len()];
    for (p, (index, flags)) in plan.pollutants.iter().zip(pollutants) {
        let bit = 1_u8 << p.pollutant.index();
        for ((m, &v), &f) in masks.iter_mut().zip(index).zip(flags) {
            *m |= bit * (u8::from(v > limit) & u8::from(f & void_flags == 0));
        }
    }
    for (k, &m) in keys.iter_mut().zip(&masks) {
        *k = plan.dominant_keys[usize::from(m)];
    }
    write_bits(&masks, valid, |&m| m != 0);
}

/// The reading of one row of a column: `(value, flags)` with the usual bad-data flags.
#[inline]
pub fn reading(column: &Float64Array, row: usize) -> (f64, u8) {
    if column.is_null(row) {
        return (f64::NAN, F_NULL);
    }
    let x = column.value(row);
    if !x.is_finite() {
        (x, F_NOT_FINITE)
    } else if x < 0.0 {
        (x, F_NEGATIVE)
    } else {
        (x, 0)
    }
}
