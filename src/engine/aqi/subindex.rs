//! One measure's sub-index: truncate to the measure's quantum, then interpolate in exact integer
//! arithmetic (reference §1.2–§1.4). Each table is compiled once into a lookup table over every
//! concentration count it covers, so the hot path is a multiply, a compare and a load.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::measure::Measure;
use super::tables::{parse_count, StandardDef, STANDARDS};

/// Sub-index value meaning "no index".
pub const NONE: i32 = -1;

// Per-measure flags; a row's status is derived from them (see `combine`).
pub const F_NULL: u8 = 1;
pub const F_NEGATIVE: u8 = 2;
pub const F_NOT_FINITE: u8 = 4;
/// Below the first row of a table that does not start at 0 (O3 1-h, SO2 24-h).
pub const F_BELOW: u8 = 8;
/// Above the last row of the table, and the `beyond` policy applied.
pub const F_BEYOND: u8 = 16;
/// Above the last row of a table that stops below AQI 500 (O3 8-h, SO2 1-h): no index here.
pub const F_ABOVE: u8 = 32;
/// Set at pollutant level: valid readings, but the standard defines no index for them.
pub const F_UNDEFINED: u8 = 64;

/// What a concentration above the top breakpoint gets (DESIGN.md §3 `beyond`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Beyond {
    /// Continue the top row's slope (2024 TAD §2.8).
    Extend,
    /// The top row's index (500).
    Cap,
    /// No index; the whole row's AQI becomes null.
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

/// A breakpoint row in integer quantum counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Row {
    pub lo: i64,
    pub hi: i64,
    pub i_lo: i32,
    pub i_hi: i32,
}

impl Row {
    /// `I_lo + round_half_up((I_hi − I_lo)(c − lo)/(hi − lo))`, exact (§1.4); saturates at `i32::MAX`.
    pub fn interpolate(&self, count: i64) -> i32 {
        let (span, offset, den) = (i64::from(self.i_hi - self.i_lo), count - self.lo, self.hi - self.lo);
        // 64-bit arithmetic is exact while span × offset cannot overflow; i128 beyond that.
        let step = if offset.unsigned_abs() < 1 << 40 {
            (2 * span * offset + den).div_euclid(2 * den)
        } else {
            let (span, offset, den) = (i128::from(span), i128::from(offset), i128::from(den));
            i64::try_from((2 * span * offset + den).div_euclid(2 * den)).unwrap_or(i64::MAX)
        };
        i32::try_from(i64::from(self.i_lo).saturating_add(step)).unwrap_or(i32::MAX)
    }
}

/// One measure's table, compiled.
#[derive(Debug)]
pub struct MeasureTable {
    pub measure: Measure,
    pub rows: Vec<Row>,
    first: i64,
    top: i64,
    /// Index for every count in `first..=top`.
    lut: Vec<u16>,
    /// The top row reaches AQI 500, so concentrations above it are "beyond the index".
    extendable: bool,
    /// `first` and `top + 1` as floats, for the fast path's range test.
    first_quanta: f64,
    end_quanta: f64,
}

impl MeasureTable {
    fn compile(measure: Measure, rows: &[super::tables::RowText]) -> MeasureTable {
        let d = measure.decimals();
        let rows: Vec<Row> = rows
            .iter()
            .map(|t| Row {
                lo: parse_count(t.lo, d).expect("built-in breakpoint"),
                hi: parse_count(t.hi, d).expect("built-in breakpoint"),
                i_lo: t.i_lo,
                i_hi: t.i_hi,
            })
            .collect();
        let first = rows[0].lo;
        let top = rows[rows.len() - 1].hi;
        let lut = (first..=top)
            .map(|c| {
                let row = rows.iter().find(|r| c <= r.hi).expect("contiguous rows");
                u16::try_from(row.interpolate(c)).expect("index within the table")
            })
            .collect();
        let extendable = rows[rows.len() - 1].i_hi >= 500;
        let (first_quanta, end_quanta) = (first as f64, (top + 1) as f64);
        MeasureTable { measure, rows, first, top, lut, extendable, first_quanta, end_quanta }
    }

    /// Sub-index of a non-negative count of quanta.
    #[inline]
    pub fn at_count(&self, count: i64, beyond: Beyond) -> (i32, u8) {
        if count > self.top {
            if !self.extendable {
                return (NONE, F_ABOVE);
            }
            let top = self.rows[self.rows.len() - 1];
            return match beyond {
                Beyond::Extend => (top.interpolate(count), F_BEYOND),
                Beyond::Cap => (top.i_hi, F_BEYOND),
                Beyond::Null => (NONE, F_BEYOND),
            };
        }
        if count < self.first {
            return (NONE, F_BELOW);
        }
        (i32::from(self.lut[(count - self.first) as usize]), 0)
    }

    /// Sub-index of a raw concentration; `multiplier` = unit factor × quanta per unit.
    #[inline]
    pub fn eval(&self, value: f64, multiplier: f64, beyond: Beyond) -> (i32, u8) {
        // Fast path: a valid value inside the table, tested in float space (NaN fails every
        // comparison), so the cast below is a plain truncation of a small positive number.
        let quanta = guarded(value * multiplier);
        if value >= 0.0 && quanta >= self.first_quanta && quanta < self.end_quanta {
            let slot = quanta as usize - self.first as usize;
            return (i32::from(self.lut[slot]), 0);
        }
        self.eval_slow(value, truncate(value * multiplier), beyond)
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

/// Adds the truncation guard to a value expressed in quanta.
///
/// The guard absorbs binary representation error (`9.1 * 10 = 90.999…`) of up to about a
/// thousand ulps, far below any real measurement resolution (reference §1.2).
#[inline]
pub fn guarded(quanta: f64) -> f64 {
    quanta + (1e-9 + quanta * 1e-12)
}

/// Truncates a non-negative value already expressed in quanta to an integer count. Float-to-int
/// `as` saturates, so huge values become `i64::MAX` (beyond every table), never undefined.
#[inline]
pub fn truncate(quanta: f64) -> i64 {
    guarded(quanta) as i64
}

type Compiled = HashMap<(&'static str, Measure), MeasureTable>;

fn compiled() -> &'static Compiled {
    static TABLES: OnceLock<Compiled> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut all = HashMap::new();
        for std in STANDARDS {
            for (measure, rows) in std.tables {
                all.insert((std.id, *measure), MeasureTable::compile(*measure, rows));
            }
        }
        all
    })
}

/// The compiled table of `measure` in `standard`, if the standard rates that measure.
pub fn table(standard: &StandardDef, measure: Measure) -> Option<&'static MeasureTable> {
    compiled().get(&(standard.id, measure))
}

/// The sub-index of one measure on its own, as `pt.aqi.subindex` defines it: SO2 1-h above
/// 304 ppb gives 200 (§2.6); every other out-of-table value gives no index.
pub fn standalone(table: &MeasureTable, value: f64, multiplier: f64, beyond: Beyond) -> (i32, u8) {
    let (index, flags) = table.eval(value, multiplier, beyond);
    if flags & F_ABOVE != 0 && table.measure == Measure::So2_1h {
        return (200, flags);
    }
    (index, flags)
}

#[cfg(test)]
mod tests {
    use super::super::tables::{US_EPA_1999, US_EPA_2012, US_EPA_2024};
    use super::*;

    fn sub(std: &StandardDef, m: Measure, x: f64) -> i32 {
        let t = table(std, m).unwrap();
        standalone(t, x, m.scale(), Beyond::Extend).0
    }

    #[test]
    fn every_row_end_maps_to_its_index() {
        for std in STANDARDS {
            for (m, rows) in std.tables {
                let t = table(std, *m).unwrap();
                for (row, text) in t.rows.iter().zip(rows.iter()) {
                    assert_eq!(
                        t.at_count(row.lo, Beyond::Extend).0,
                        row.i_lo,
                        "{} {} {}",
                        std.id,
                        m.key(),
                        text.lo
                    );
                    assert_eq!(
                        t.at_count(row.hi, Beyond::Extend).0,
                        row.i_hi,
                        "{} {} {}",
                        std.id,
                        m.key(),
                        text.hi
                    );
                }
            }
        }
    }

    #[test]
    fn truncation_not_rounding() {
        let s = &US_EPA_2024;
        assert_eq!(sub(s, Measure::Pm25, 35.49), 100);
        assert_eq!(sub(s, Measure::Pm25, 35.5), 101);
        assert_eq!(sub(s, Measure::Pm25, 9.05), 50);
        assert_eq!(sub(s, Measure::Pm25, 9.1), 51);
        assert_eq!(sub(s, Measure::Pm25, 0.3), 2); // 50*3/90 = 1.67 -> 2
        assert_eq!(sub(s, Measure::Pm10, 54.9), 50);
        assert_eq!(sub(s, Measure::O3_8h, 0.0549), 50);
        assert_eq!(sub(s, Measure::Co, 4.45), 50);
        assert_eq!(sub(s, Measure::So2_1h, 35.9), 50);
        assert_eq!(sub(s, Measure::No2, 53.7), 50);
    }

    #[test]
    fn ties_round_half_up() {
        // CO 1.1 ppm: 50 * 11/44 = 12.5 -> 13; O3 0.072: 101 + 49*1/14 = 104.5 -> 105.
        assert_eq!(sub(&US_EPA_2024, Measure::Co, 1.1), 13);
        assert_eq!(sub(&US_EPA_2024, Measure::O3_8h, 0.072), 105);
        assert_eq!(sub(&US_EPA_2024, Measure::O3_8h, 0.153), 251); // 250.5
                                                                   // Pre-2024 PM2.5 0.6: 50 * 6/120 = 2.5 -> 3.
        assert_eq!(sub(&US_EPA_2012, Measure::Pm25, 0.6), 3);
    }

    #[test]
    fn above_the_top_extends_the_hazardous_row() {
        let s = &US_EPA_2024;
        assert_eq!(sub(s, Measure::Pm25, 325.5), 500);
        assert_eq!(sub(s, Measure::Pm25, 330.0), 509);
        assert_eq!(sub(s, Measure::Pm25, 500.0), 848);
        assert_eq!(sub(s, Measure::Pm10, 605.0), 501);
        assert_eq!(sub(s, Measure::Co, 50.5), 501);
        assert_eq!(sub(s, Measure::No2, 2100.0), 513);
        assert_eq!(sub(s, Measure::Pm10, 504.0), 389);
        assert_eq!(sub(&US_EPA_2012, Measure::Pm10, 504.0), 400);
        let t = table(s, Measure::Pm25).unwrap();
        assert_eq!(t.eval(400.0, 10.0, Beyond::Cap), (500, F_BEYOND));
        assert_eq!(t.eval(400.0, 10.0, Beyond::Null), (NONE, F_BEYOND));
        assert_eq!(t.eval(1e300, 10.0, Beyond::Extend), (i32::MAX, F_BEYOND));
    }

    #[test]
    fn special_measures() {
        let s = &US_EPA_2024;
        assert_eq!(sub(s, Measure::O3_1h, 0.124), NONE);
        assert_eq!(sub(s, Measure::O3_1h, 0.125), 101);
        assert_eq!(sub(s, Measure::O3_8h, 0.201), NONE);
        assert_eq!(sub(s, Measure::So2_1h, 305.0), 200);
        assert_eq!(sub(s, Measure::So2_24h, 304.0), NONE);
        assert_eq!(sub(s, Measure::So2_24h, 305.0), 201);
        assert_eq!(sub(&US_EPA_1999, Measure::Pm25, 15.5), 51);
        assert!(table(&US_EPA_1999, Measure::Pm10).is_none());
    }

    #[test]
    fn bad_values_are_flagged() {
        let t = table(&US_EPA_2024, Measure::Pm25).unwrap();
        assert_eq!(t.eval(-0.1, 10.0, Beyond::Extend), (NONE, F_NEGATIVE));
        assert_eq!(t.eval(f64::NAN, 10.0, Beyond::Extend), (NONE, F_NOT_FINITE));
        assert_eq!(t.eval(f64::INFINITY, 10.0, Beyond::Extend), (NONE, F_NOT_FINITE));
        assert_eq!(t.eval(-0.0, 10.0, Beyond::Extend), (0, 0));
    }

    #[test]
    fn inverse_is_the_band_low_end() {
        let t = table(&US_EPA_2024, Measure::Pm25).unwrap();
        assert_eq!(t.lowest_count_reaching(101.0), Some(355));
        assert_eq!(t.lowest_count_reaching(51.0), Some(91));
        assert_eq!(t.lowest_count_reaching(0.0), Some(0));
        // 329.7: 301 + 199·1042/999 = 508.56 → 509; 329.6 gives 508.36 → 508.
        assert_eq!(t.lowest_count_reaching(509.0), Some(3297));
        let o3 = table(&US_EPA_2024, Measure::O3_8h).unwrap();
        assert_eq!(o3.lowest_count_reaching(301.0), None);
        assert_eq!(o3.lowest_count_reaching(f64::NAN), None);
    }
}
