//! One measure's sub-index: round the concentration as the standard says, then interpolate in
//! exact integer arithmetic (`docs/standards/index.md`) or look the band up. A linear table is
//! compiled once into a lookup table over every concentration count it covers, so the hot path
//! is a multiply, a compare and a load.

mod bands;

pub use bands::Bands;

use super::measure::{Pollutant, Rounding, Unit};

/// Sub-index value meaning "no index".
pub const NONE: i32 = -1;

// Per-measure flags; a row's status is derived from them (see `combine`).
pub const F_NULL: u8 = 1;
pub const F_NEGATIVE: u8 = 2;
pub const F_NOT_FINITE: u8 = 4;
/// Below the first row of a table that does not start at 0 (EPA O3 1-h, SO2 24-h).
pub const F_BELOW: u8 = 8;
/// Above the last row of the table, and the `beyond` policy applied.
pub const F_BEYOND: u8 = 16;
/// Above the last row of a table that stops below the top of the index (EPA O3 8-h, SO2 1-h):
/// no index here.
pub const F_ABOVE: u8 = 32;
/// Set at pollutant level: valid readings, but the standard defines no index for them.
pub const F_UNDEFINED: u8 = 64;
/// A negative reading rated as a concentration of 0 (`negative="zero"`, the US EPA default).
pub const F_ZEROED: u8 = 128;

/// What a concentration above the top breakpoint gets (the `beyond` option of `pt.aqi.compute`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Beyond {
    /// Continue the top row's slope (2024 TAD, `docs/standards/us_epa.md`); bands stay in the top band.
    Extend,
    /// The top row's index.
    Cap,
    /// No index; the whole row's index becomes null.
    Null,
}

impl Beyond {
    pub fn parse(text: &str) -> crate::engine::Result<Beyond> {
        match text {
            "extend" => Ok(Self::Extend),
            "cap" => Ok(Self::Cap),
            "null" => Ok(Self::Null),
            _ => Err(crate::engine::Error::spec(format!(
                "beyond must be 'extend', 'cap' or 'null', not '{text}'"
            ))),
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Self::Extend => "extend",
            Self::Cap => "cap",
            Self::Null => "null",
        }
    }
}

/// What a negative concentration gets (the `negative` option of `pt.aqi.compute`,
/// `docs/standards/us_epa.md`): the US EPA publishes AQI 0 for slightly negative daily values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Negative {
    /// Rated as a concentration of 0; status `negative_as_zero`.
    Zero,
    /// No sub-index; status `negative`.
    Null,
}

impl Negative {
    pub fn parse(text: &str) -> crate::engine::Result<Negative> {
        match text {
            "zero" => Ok(Self::Zero),
            "null" => Ok(Self::Null),
            _ => Err(crate::engine::Error::spec(format!("negative must be 'zero' or 'null', not '{text}'"))),
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Self::Zero => "zero",
            Self::Null => "null",
        }
    }

    /// `eval(value)` under this policy: with `Zero`, a negative reading is rated as 0 and
    /// flagged `F_ZEROED` (NaN and −∞ stay not finite).
    #[inline]
    pub fn apply(self, value: f64, eval: impl Fn(f64) -> (i32, u8)) -> (i32, u8) {
        let (index, flags) = eval(value);
        if self == Self::Zero && flags == F_NEGATIVE {
            let (index, flags) = eval(0.0);
            (index, flags | F_ZEROED)
        } else {
            (index, flags)
        }
    }
}

/// How a linear row's interpolated index is made whole (`docs/standards/index.md`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IndexRounding {
    /// Nearest, ties up (US EPA, India).
    HalfUp,
    /// Up (China HJ 633).
    Ceiling,
}

/// A breakpoint row in integer counts of the measure's resolution.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Row {
    pub lo: i64,
    pub hi: i64,
    pub i_lo: i32,
    pub i_hi: i32,
}

impl Row {
    /// `I_lo + round((I_hi − I_lo)(c − lo)/(hi − lo))`, exact (`docs/standards/index.md`); saturates at `i32::MAX`.
    pub fn interpolate(&self, count: i64, rounding: IndexRounding) -> i32 {
        let (span, offset, den) = (i64::from(self.i_hi - self.i_lo), count - self.lo, self.hi - self.lo);
        if den == 0 {
            return self.i_lo;
        }
        // Half up: floor((2·num + den) / (2·den)); ceiling: floor((num + den − 1) / den).
        let (num, den, add) = match rounding {
            IndexRounding::HalfUp => (2 * i128::from(span), 2 * i128::from(den), i128::from(den)),
            IndexRounding::Ceiling => (i128::from(span), i128::from(den), i128::from(den) - 1),
        };
        let step = (num * i128::from(offset) + add).div_euclid(den);
        let step = i64::try_from(step).unwrap_or(i64::MAX);
        i32::try_from(i64::from(self.i_lo).saturating_add(step)).unwrap_or(i32::MAX)
    }
}

/// Lookup tables larger than this (custom tables with a fine resolution) fall back to a search.
const MAX_LUT: i64 = 1 << 20;

/// A table read by linear interpolation between breakpoints (US EPA, India, China).
#[derive(Debug)]
pub struct Linear {
    pub rows: Vec<Row>,
    pub index_rounding: IndexRounding,
    first: i64,
    top: i64,
    /// Index for every count in `first..=top`, when small enough.
    lut: Vec<u16>,
    /// The top row reaches the top of the index, so concentrations above it are "beyond".
    extendable: bool,
    /// Added before the floor that makes a count: 0 to truncate, 0.5 to round.
    offset: f64,
    half_even: bool,
}

impl Linear {
    pub fn new(
        rows: Vec<Row>,
        index_rounding: IndexRounding,
        rounding: Rounding,
        extendable: bool,
    ) -> Linear {
        let first = rows[0].lo;
        let top = rows[rows.len() - 1].hi;
        let mut table = Linear {
            index_rounding,
            first,
            top,
            lut: Vec::new(),
            extendable,
            offset: if rounding == Rounding::Truncate { 0.0 } else { 0.5 },
            half_even: rounding == Rounding::HalfEven,
            rows,
        };
        if top - first < MAX_LUT && table.rows.iter().all(|r| r.i_lo >= 0 && r.i_hi <= i32::from(u16::MAX)) {
            table.lut =
                (first..=top).map(|c| u16::try_from(table.in_rows(c)).expect("index within u16")).collect();
        }
        table
    }

    /// Index of a count inside `first..=top` (a count on a shared breakpoint takes the lower row).
    fn in_rows(&self, count: i64) -> i32 {
        let row = self.rows.iter().find(|r| count <= r.hi).expect("count within the table");
        row.interpolate(count, self.index_rounding)
    }

    /// Sub-index of a non-negative count.
    #[inline]
    pub fn at_count(&self, count: i64, beyond: Beyond) -> (i32, u8) {
        if count > self.top {
            if !self.extendable {
                return (NONE, F_ABOVE);
            }
            let top = self.rows[self.rows.len() - 1];
            return match beyond {
                Beyond::Extend => (top.interpolate(count, self.index_rounding), F_BEYOND),
                Beyond::Cap => (top.i_hi, F_BEYOND),
                Beyond::Null => (NONE, F_BEYOND),
            };
        }
        if count < self.first {
            return (NONE, F_BELOW);
        }
        if self.lut.is_empty() {
            return (self.in_rows(count), 0);
        }
        (i32::from(self.lut[(count - self.first) as usize]), 0)
    }

    /// Sub-index of a raw concentration; `multiplier` = unit factor × counts per unit.
    #[inline]
    pub fn eval(&self, value: f64, multiplier: f64, beyond: Beyond) -> (i32, u8) {
        if self.half_even {
            self.eval_rounded::<true>(value, multiplier, beyond)
        } else {
            self.eval_rounded::<false>(value, multiplier, beyond)
        }
    }

    /// `eval` with the rounding mode fixed at compile time, so the common modes pay nothing
    /// for half-to-even; the kernel picks the instance once per column.
    #[inline]
    pub fn eval_rounded<const HALF_EVEN: bool>(
        &self,
        value: f64,
        multiplier: f64,
        beyond: Beyond,
    ) -> (i32, u8) {
        let quanta = value * multiplier;
        let rounded = guarded(quanta + self.offset);
        // Float-to-int `as` saturates (NaN → 0, huge → i64::MAX), so this is a floor for every
        // value that can reach the table, in one instruction where `f64::floor` is a call.
        let mut count = rounded as i64;
        if HALF_EVEN {
            // An exact tie (35.5 → 36.0 plus the guard) that rounding up sent to an odd count
            // goes to the even one below.
            let tie = rounded - count as f64 <= 2.0 * GUARD * rounded.abs();
            count -= i64::from(tie) & count & 1;
        }
        // Fast path: a valid value inside the table is one bounds-checked load (a count below
        // `first` wraps to a huge offset); NaN and negatives fail `value >= 0.0`.
        if value >= 0.0 {
            if let Some(&index) = self.lut.get(count.wrapping_sub(self.first) as usize) {
                return (i32::from(index), 0);
            }
        }
        self.eval_slow(value, count, beyond)
    }

    pub fn is_half_even(&self) -> bool {
        self.half_even
    }

    #[cold]
    fn eval_slow(&self, value: f64, count: i64, beyond: Beyond) -> (i32, u8) {
        if !value.is_finite() {
            return (NONE, F_NOT_FINITE);
        }
        if value < 0.0 {
            return (NONE, F_NEGATIVE);
        }
        self.at_count(count, beyond)
    }

    /// The lowest count whose sub-index (top row extended) is at least `index`.
    pub fn lowest_count_reaching(&self, index: f64) -> Option<i64> {
        let reaches = |c: i64| f64::from(self.at_count(c, Beyond::Extend).0) >= index;
        let mut hi = if self.extendable { i64::MAX / 4 } else { self.top };
        if index.is_nan() || !reaches(hi) {
            return None;
        }
        let mut lo = self.first;
        if reaches(lo) {
            return Some(lo);
        }
        // Invariant: !reaches(lo) && reaches(hi); the sub-index is non-decreasing in c.
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if reaches(mid) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        Some(hi)
    }
}

/// How a measure's concentration becomes an index.
#[derive(Debug)]
pub enum Scale {
    Linear(Linear),
    Bands(Bands),
    /// Rated by a formula over several pollutants (Canada's AQHI), not on its own.
    Formula,
}

/// One measure of a standard, compiled: what it is and how it is rated.
#[derive(Debug)]
pub struct MeasureTable {
    pub key: String,
    pub pollutant: Pollutant,
    pub averaging: String,
    pub unit: Unit,
    /// Decimals of the resolution the concentration is rounded to.
    pub decimals: u32,
    pub rounding: Rounding,
    pub scale: Scale,
    /// The printed rows: (lo, hi or None for an open top, index lo, index hi).
    pub printed: Vec<(f64, Option<f64>, i32, i32)>,
}

impl MeasureTable {
    /// Counts per unit of the table's unit.
    pub fn counts_per_unit(&self) -> f64 {
        f64::from(10_u32.pow(self.decimals))
    }

    /// The multiplier `eval` expects for values in the table's own unit.
    pub fn native_multiplier(&self) -> f64 {
        match self.scale {
            Scale::Linear(_) => self.counts_per_unit(),
            Scale::Bands(_) | Scale::Formula => 1.0,
        }
    }

    /// Sub-index and flags of one value; `multiplier` from `PlannedInput` or `native_multiplier`.
    #[inline]
    pub fn eval(&self, value: f64, multiplier: f64, beyond: Beyond) -> (i32, u8) {
        match &self.scale {
            Scale::Linear(t) => t.eval(value, multiplier, beyond),
            Scale::Bands(t) => t.eval(value, multiplier, beyond),
            Scale::Formula => (NONE, 0),
        }
    }

    /// `eval` with the `negative` policy applied.
    #[inline]
    pub fn rate(&self, value: f64, multiplier: f64, beyond: Beyond, negative: Negative) -> (i32, u8) {
        negative.apply(value, |x| self.eval(x, multiplier, beyond))
    }

    /// The lowest concentration (table unit) whose index is at least `index`: for linear
    /// tables at the measure's resolution, for bands the band's printed lower limit.
    pub fn concentration_for(&self, index: f64) -> Option<f64> {
        match &self.scale {
            Scale::Linear(t) => t.lowest_count_reaching(index).map(|c| c as f64 / self.counts_per_unit()),
            Scale::Bands(_) => {
                self.printed.iter().find(|(_, _, band, _)| f64::from(*band) >= index).map(|(lo, ..)| *lo)
            }
            Scale::Formula => None,
        }
    }
}

/// Relative width of the rounding guard: four ulps. Reading a decimal into a double and one
/// multiplication by the quantum err by at most two (`9.1 * 10 = 90.999…`); a value that
/// really is below a count (`9.0999999999`) stays below it (`docs/standards/index.md`).
pub const GUARD: f64 = 4.0 * f64::EPSILON;

/// Adds the rounding guard to a value expressed in counts.
#[inline]
pub fn guarded(quanta: f64) -> f64 {
    quanta + quanta * GUARD
}

/// Truncates a non-negative value already expressed in counts to an integer count. Float-to-int
/// `as` saturates, so huge values become `i64::MAX` (beyond every table), never undefined.
#[inline]
pub fn truncate(quanta: f64) -> i64 {
    guarded(quanta) as i64
}
