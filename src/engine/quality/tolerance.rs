//! `mostly`: the share of rows that must pass for a row rule to pass, compared exactly.
//!
//! `mostly=0.07` over 100 rows means 7 rows, but `0.07 * 100.0` is `7.000000000000001` in
//! floating point, which would fail a rule with exactly 7 passing rows. The share is compared as
//! the decimal the caller wrote (the shortest text that reads back as the same float), in
//! integers.

/// A share in `[0, 1]`, kept as a decimal fraction `numerator / 10^digits`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Mostly {
    value: f64,
    numerator: u128,
    denominator: u128,
}

/// Fractional digits kept: finer shares cannot change a count of at most 2^64 rows.
const MAX_DIGITS: usize = 18;

impl Mostly {
    /// The share `value`; outside `[0, 1]` (or NaN) is an error saying so.
    pub fn new(value: f64) -> Result<Self, String> {
        if !(0.0..=1.0).contains(&value) {
            return Err(format!("mostly must be a number in [0, 1], not {value}"));
        }
        // Rust prints the shortest decimal that reads back as `value`, never in exponent form.
        let text = value.to_string();
        let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
        let fraction = &fraction[..fraction.len().min(MAX_DIGITS)];
        let denominator = 10u128.pow(fraction.len() as u32);
        let digits = |s: &str| s.parse::<u128>().unwrap_or(0);
        let numerator = digits(whole) * denominator + if fraction.is_empty() { 0 } else { digits(fraction) };
        Ok(Self { value, numerator, denominator })
    }

    pub fn value(self) -> f64 {
        self.value
    }

    /// Whether `rows - failing` passing rows are at least this share of `rows` (zero rows pass).
    pub fn passes(self, failing: u64, rows: u64) -> bool {
        let passing = u128::from(rows.saturating_sub(failing));
        passing * self.denominator >= self.numerator * u128::from(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_decimal_shares() {
        let m = |v: f64| Mostly::new(v).unwrap();
        assert!(m(0.07).passes(93, 100)); // 7 of 100 pass: exactly 0.07
        assert!(!m(0.07).passes(94, 100));
        assert!(m(0.99).passes(1, 100) && !m(0.99).passes(2, 100));
        assert!(m(1.0).passes(0, 5) && !m(1.0).passes(1, 5));
        assert!(m(0.0).passes(5, 5));
        assert!(m(0.5).passes(0, 0)); // no rows: nothing failed
        assert!(m(1e-7).passes(9_999_999, 10_000_000) && !m(1e-7).passes(10_000_000, 10_000_000));
        assert_eq!((m(0.25).numerator, m(0.25).denominator), (25, 100));
        assert!(Mostly::new(1.5).is_err() && Mostly::new(-0.1).is_err() && Mostly::new(f64::NAN).is_err());
    }
}
