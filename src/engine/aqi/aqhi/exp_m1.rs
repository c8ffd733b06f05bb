//! `exp(β·x) − 1` over a whole column slice, written so the compiler vectorises it: the AQHI
//! evaluates three exponentials per row, and a libm call per value was half its time.
//!
//! Classic reduction `y = k·ln 2 + r` with `|r| ≤ ln 2 / 2`, a degree-13 Taylor polynomial for
//! `expm1(r)` (truncation below 1e-17 relative), and `expm1(y) = 2^k·expm1(r) + (2^k − 1)`, which
//! keeps full precision near 0 (k = 0 gives the polynomial itself). Agrees with libm's `exp_m1`
//! to a few ulps; values outside `|y| ≤ 700` (and NaN) are recomputed with libm.

/// Upper bits of ln 2 (trailing zeros make `k·LN2_HI` exact) and the rest (fdlibm's split).
const LN2_HI: f64 = 6.931_471_803_691_238e-1;
const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;
/// 1.5·2^52: adding it rounds to an integer held in the low mantissa bits.
const SHIFTER: f64 = 6_755_399_441_055_744.0;
/// Beyond this the fast path's `2^k` would leave the normal range.
const LIMIT: f64 = 700.0;
/// `A[j] = 1/(j+1)!`: `expm1(r) = r · Σ A[j]·r^j`, j = 0..=12.
const A: [f64; 13] = [
    1.0,
    1.0 / 2.0,
    1.0 / 6.0,
    1.0 / 24.0,
    1.0 / 120.0,
    1.0 / 720.0,
    1.0 / 5_040.0,
    1.0 / 40_320.0,
    1.0 / 362_880.0,
    1.0 / 3_628_800.0,
    1.0 / 39_916_800.0,
    1.0 / 479_001_600.0,
    1.0 / 6_227_020_800.0,
];

/// `expm1(r)` for `|r| ≤ ln 2 / 2` as `r + r²·Σ A[j+1]·r^j`: the leading `r` is exact, and
/// the sum goes by Estrin's scheme, a dependency chain of depth four instead of Horner's
/// eleven, so neighbouring values overlap in the pipeline.
#[inline]
fn expm1_reduced(r: f64) -> f64 {
    let r2 = r * r;
    let r4 = r2 * r2;
    let r8 = r4 * r4;
    let c0 = (A[1] + A[2] * r) + (A[3] + A[4] * r) * r2;
    let c1 = (A[5] + A[6] * r) + (A[7] + A[8] * r) * r2;
    let c2 = (A[9] + A[10] * r) + (A[11] + A[12] * r) * r2;
    r + r2 * ((c0 + c1 * r4) + c2 * r8)
}

/// `out[i] = exp_m1(beta · values[i])` for every `i`.
#[allow(clippy::many_single_char_names)] // the textbook names of the reduction
pub fn exp_m1_scaled(out: &mut [f64], values: &[f64], beta: f64) {
    let mut outside = false;
    for (o, &x) in out.iter_mut().zip(values) {
        let y = beta * x;
        let inside = y.abs() <= LIMIT; // false for NaN
        outside |= !inside;
        let t = y * std::f64::consts::LOG2_E + SHIFTER;
        let kf = t - SHIFTER;
        // Both have the exponent of 2^52, so their bit patterns differ by k exactly.
        let k = (t.to_bits() as i64).wrapping_sub(SHIFTER.to_bits() as i64);
        let r = (y - kf * LN2_HI) - kf * LN2_LO;
        let p = expm1_reduced(r);
        let scale = f64::from_bits((k.wrapping_add(1023) << 52) as u64);
        *o = scale * p + (scale - 1.0);
    }
    if outside {
        for (o, &x) in out.iter_mut().zip(values) {
            let y = beta * x;
            let inside = y.abs() <= LIMIT;
            if !inside {
                *o = y.exp_m1();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::exp_m1_scaled;

    fn ulps(a: f64, b: f64) -> u64 {
        (a.to_bits() as i64).abs_diff(b.to_bits() as i64)
    }

    fn check(values: &[f64], beta: f64) {
        let mut out = vec![0.0; values.len()];
        exp_m1_scaled(&mut out, values, beta);
        for (&x, &got) in values.iter().zip(&out) {
            let want = (beta * x).exp_m1();
            if want.is_nan() {
                assert!(got.is_nan(), "x = {x}");
            } else if want == 0.0 {
                assert!(got.abs() < f64::MIN_POSITIVE, "x = {x}");
            } else {
                assert!(ulps(got, want) <= 2, "x = {x}: {got} vs {want}");
            }
        }
    }

    #[test]
    fn agrees_with_libm_on_edges() {
        let half_ln2 = std::f64::consts::LN_2 / 2.0;
        let edges = [
            0.0,
            -0.0,
            1e-300,
            5e-324,
            -1e-300,
            1e-8,
            0.01,
            0.3,
            half_ln2,
            -half_ln2,
            0.35,
            1.0,
            -1.0,
            10.0,
            -10.0,
            699.9,
            700.0,
            700.1,
            -700.0,
            -745.0,
            709.7,
            710.0,
            1e300,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            f64::MAX,
            f64::MIN,
        ];
        check(&edges, 1.0);
    }

    #[test]
    fn agrees_with_libm_across_the_range() {
        // Every AQHI-sized argument and far beyond, on a dense deterministic grid.
        let values: Vec<f64> = (-200_000..=200_000).map(|i| f64::from(i) * 0.003_7).collect();
        check(&values, 1.0);
        check(&values, 0.000_871);
        check(&values, 0.000_537);
        check(&values, 0.000_487);
    }
}
