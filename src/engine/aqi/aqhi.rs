//! Canada's Air Quality Health Index (`docs/standards/canada.md`): one formula over the 3-hour means of NO2,
//! O3 and PM2.5, not a maximum of sub-indices.
//!
//! `AQHI = 1000/10.4 × Σ (exp(β·C) − 1)`, rounded half up, at least 1; above 10 it is reported
//! as "10+". The dominant pollutant is the term contributing most.

mod exp_m1;

use arrow_array::{Array, Float64Array};

use std::borrow::Cow;

use super::combine::{F_INSUFFICIENT, STATUS_OF_FLAGS};
use super::plan::AqiPlan;
use super::subindex::{Negative, F_BEYOND, F_NEGATIVE, F_NOT_FINITE, F_NULL, F_ZEROED, NONE};
use super::task::{write_validity, TaskOut};

/// Computes one block of rows of an AQHI plan.
#[allow(clippy::needless_pass_by_value)] // same signature as `kernel::run_block`
pub fn run_block(plan: &AqiPlan, columns: &[Float64Array], out: TaskOut<'_>) {
    let aqhi = plan.standard.aqhi.as_ref().expect("an AQHI standard has its formula");
    // (bit, coefficient × unit multiplier, column) per term, canonical pollutant order.
    let terms: Vec<(u8, f64, Option<&Float64Array>)> = aqhi
        .terms
        .iter()
        .map(|&(pollutant, beta)| {
            let input =
                plan.inputs.iter().position(|i| plan.standard.measures[i.measure].pollutant == pollutant);
            let multiplier = input.map_or(1.0, |i| plan.inputs[i].multiplier);
            (1_u8 << pollutant.index(), beta * multiplier, input.map(|i| &columns[i]))
        })
        .collect();
    let n = out.aqi.len();
    // Term by term over the block, so every loop vectorises. A term is computed even for an
    // unusable reading: such a row is not rated, so its sum is never read.
    let (mut total, mut top, mut mask) = (vec![0.0_f64; n], vec![f64::NEG_INFINITY; n], vec![0_u8; n]);
    let (mut flags, mut all_null, mut term_flags) = (vec![0_u8; n], vec![F_NULL; n], vec![F_NULL; n]);
    let mut term = vec![0.0_f64; n];
    // A negative reading is F_NEGATIVE (not rated), or under `negative="zero"` F_ZEROED and
    // rated as 0.
    let (negative_flag, zero) = match plan.negative {
        Negative::Null => (F_NEGATIVE, false),
        Negative::Zero => (F_ZEROED, true),
    };
    for &(bit, beta, column) in &terms {
        if let Some(column) = column {
            let mut values = Cow::Borrowed(&column.values()[out.start..out.start + n]);
            // `kernel::reading`'s flags, branch-free (−∞ also sets F_NEGATIVE: same status).
            for (f, &x) in term_flags.iter_mut().zip(values.iter()) {
                let negative = u8::from(x < 0.0) * if x.is_finite() { negative_flag } else { F_NEGATIVE };
                *f = (u8::from(!x.is_finite()) * F_NOT_FINITE) | negative;
            }
            if zero && values.iter().any(|&x| x < 0.0) {
                values.to_mut().iter_mut().filter(|x| **x < 0.0 && x.is_finite()).for_each(|x| *x = 0.0);
            }
            let values = values.as_ref();
            if let Some(nulls) = column.nulls().filter(|nulls| nulls.null_count() > 0) {
                for (f, valid) in term_flags.iter_mut().zip(&nulls.inner().slice(out.start, n)) {
                    *f = if valid { *f } else { F_NULL };
                }
            }
            // Every term of the block, then a branch-free merge; both loops vectorise.
            exp_m1::exp_m1_scaled(&mut term, values, beta);
            let sums = total.iter_mut().zip(&mut top).zip(&mut mask).zip(&term);
            for (((sum, best), m), &t) in sums {
                *sum += t;
                // Exact ties (equal terms) name both pollutants.
                #[allow(clippy::float_cmp)]
                let tie = t == *best;
                *m = if t > *best { bit } else { *m | (bit * u8::from(tie)) };
                *best = best.max(t);
            }
        } else {
            term_flags.fill(F_NULL);
        }
        for ((f, a), &t) in flags.iter_mut().zip(&mut all_null).zip(&term_flags) {
            *f |= t;
            *a &= t;
        }
    }
    let mut best = vec![NONE; n];
    let rows = best.iter_mut().zip(&mut flags).zip(&all_null).zip(&total).zip(&mask);
    let outs = out.aqi.iter_mut().zip(out.status.iter_mut()).zip(out.category.iter_mut());
    for (row, (((((b, f), &all_null), &total), &mask), ((aqi, status), category))) in
        rows.zip(outs).enumerate()
    {
        if *f & F_NULL != 0 && all_null == 0 {
            *f |= F_INSUFFICIENT;
        }
        let value = aqhi.scale * total;
        let rated = *f & !F_ZEROED == 0;
        if rated {
            // Half up, and never below 1 (`docs/standards/canada.md`); value ≥ 0, so `as` is
            // floor, saturating at i32::MAX: such an index is beyond what int32 holds.
            *b = ((value + 0.5) as i32).max(1);
            if value + 0.5 >= f64::from(i32::MAX) {
                *f |= F_BEYOND;
            }
        }
        *status = STATUS_OF_FLAGS[usize::from(*f & !F_NULL | all_null)];
        *aqi = (*b).max(0);
        *category = plan.category_key(*aqi);
        out.dominant[row] = plan.dominant_keys[usize::from(mask * u8::from(rated))];
        if let Some(slot) = out.value.get_mut(row) {
            *slot = if rated { value } else { f64::NAN };
        }
    }
    write_validity(&best, out.aqi_valid);
}
