//! Canada's Air Quality Health Index (reference §7): one formula over the 3-hour means of NO2,
//! O3 and PM2.5, not a maximum of sub-indices.
//!
//! `AQHI = 1000/10.4 × Σ (exp(β·C) − 1)`, rounded half up, at least 1; above 10 it is reported
//! as "10+". The dominant pollutant is the term contributing most.

use arrow_array::Float64Array;

use super::combine::{F_INSUFFICIENT, STATUS_OF_FLAGS};
use super::kernel::{reading, write_validity, TaskOut};
use super::plan::AqiPlan;
use super::subindex::{F_NULL, NONE};

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
    let mut best = vec![NONE; n];
    #[allow(clippy::needless_range_loop)] // `row` indexes every output buffer
    for row in 0..n {
        let at = out.start + row;
        let (mut flags, mut all_null, mut total) = (0_u8, F_NULL, 0.0_f64);
        let (mut top, mut mask) = (f64::NEG_INFINITY, 0_u8);
        for &(bit, beta, column) in &terms {
            let (x, f) = column.map_or((f64::NAN, F_NULL), |c| reading(c, at));
            flags |= f;
            all_null &= f;
            if f == 0 {
                let term = (beta * x).exp_m1();
                total += term;
                // Exact ties (equal terms) name both pollutants.
                #[allow(clippy::float_cmp)]
                let tie = term == top;
                mask = if term > top { bit } else { mask | (bit * u8::from(tie)) };
                top = top.max(term);
            }
        }
        if flags & F_NULL != 0 && all_null == 0 {
            flags |= F_INSUFFICIENT;
        }
        let value = aqhi.scale * total;
        let rated = flags == 0;
        if rated {
            // Half up, and never below 1 (reference §7).
            best[row] = ((value + 0.5) as i32).max(1); // value ≥ 0: `as` is floor
        }
        out.status[row] = STATUS_OF_FLAGS[usize::from(flags & !F_NULL | all_null)];
        out.aqi[row] = best[row].max(0);
        out.category[row] = plan.category_key(out.aqi[row]);
        out.dominant[row] = plan.dominant_keys[usize::from(mask * u8::from(rated))];
        if let Some(slot) = out.value.get_mut(row) {
            *slot = if rated { value } else { f64::NAN };
        }
    }
    write_validity(&best, out.aqi_valid);
}
