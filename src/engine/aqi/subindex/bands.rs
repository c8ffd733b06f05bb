//! Banded tables (EEA, UK DAQI): the index is the band the concentration falls in; a value
//! equal to a limit is in the lower band. Like linear tables, a band table is compiled into a
//! lookup table so the hot path is a multiply, a compare and a load.

use super::{guarded, Beyond, F_ABOVE, F_BELOW, F_BEYOND, F_NEGATIVE, F_NOT_FINITE, MAX_LUT, NONE};

/// A table of bands.
#[derive(Debug)]
pub struct Bands {
    /// Lower limit of the first band.
    pub first: f64,
    /// Upper limit of every band with one (a value equal to a limit is in the lower band).
    pub uppers: Vec<f64>,
    /// Band number of each band, in order.
    pub bands: Vec<i32>,
    /// The last band has no upper limit.
    pub open_top: bool,
    /// The last band is the top of the index (values above a closed top are "beyond").
    extendable: bool,
    /// Round to this many decimals, half up, before the lookup (UK DAQI), or not at all.
    round_scale: Option<f64>,
    /// Unrounded tables: limits are whole multiples of `1/grid` (0 when no such grid fits).
    grid: f64,
    /// Rounded tables: the band of every rounded count from 0 to the top limit. Unrounded: at
    /// `2c` the band of grid point `c/grid`, at `2c + 1` that of the open cell
    /// `(c/grid, (c+1)/grid)`. `NONE` where the slow path decides.
    lut: Vec<i32>,
    /// Lookups past the end read the last entry when the top band is open (everything above
    /// the top limit is in it); otherwise `usize::MAX`, so they miss.
    last: usize,
}

impl Bands {
    pub fn new(
        first: f64,
        uppers: Vec<f64>,
        bands: Vec<i32>,
        extendable: bool,
        round_scale: Option<f64>,
    ) -> Bands {
        let open_top = uppers.len() < bands.len();
        let mut table = Bands {
            first,
            uppers,
            bands,
            open_top,
            extendable,
            round_scale,
            grid: 0.0,
            lut: Vec::new(),
            last: usize::MAX,
        };
        let top = table.uppers.last().copied().unwrap_or(first).max(first);
        // Built by the slow path itself, so both paths agree by construction.
        let band = |table: &Bands, v: f64| match table.band_of(v, Beyond::Null) {
            (band, 0) => band,
            _ => NONE,
        };
        if let Some(scale) = round_scale {
            if (top * scale).is_finite() && top * scale < MAX_LUT as f64 {
                table.lut =
                    (0..=((top * scale) as i64 + 1)).map(|c| band(&table, c as f64 / scale)).collect();
            }
        } else if let Some(grid) = table.grid_of_limits(top) {
            // Every limit sits on a grid point, so inside one open cell the band is constant:
            // the cell's midpoint gives it. A point is exact on the unit grid (`x` is the value
            // itself); on a finer one a value near a limit's point (`first` included) may be on either side of
            // it, so those points take the slow path.
            table.grid = grid;
            let unit_grid = grid < 1.5;
            let limits: Vec<i64> = table.uppers.iter().chain([&first]).map(|&u| (u * grid) as i64).collect();
            table.lut = (0..=2 * (top * grid) as i64 + 1)
                .map(|i| match (i / 2, i % 2) {
                    (c, 1) => band(&table, (c as f64 + 0.5) / grid),
                    (c, _) if unit_grid || !limits.contains(&c) => band(&table, c as f64 / grid),
                    _ => NONE,
                })
                .collect();
        }
        if open_top && !table.lut.is_empty() {
            table.last = table.lut.len() - 1;
        }
        table
    }

    /// The coarsest decimal grid `g` on which every limit `u` has `u·g` a whole number
    /// (computed in floats, as the fast path computes it), with a table small enough.
    fn grid_of_limits(&self, top: f64) -> Option<f64> {
        [1.0, 10.0, 100.0, 1000.0].into_iter().find(|&g: &f64| {
            let whole = |u: f64| (u * g).fract() == 0.0;
            top * g < MAX_LUT as f64 && whole(self.first) && self.uppers.iter().all(|&u| whole(u))
        })
    }

    #[inline]
    pub fn eval(&self, value: f64, multiplier: f64, beyond: Beyond) -> (i32, u8) {
        // Fast paths: one load (NaN fails both tests).
        if (0.0..f64::INFINITY).contains(&value) {
            let band = if let Some(scale) = self.round_scale {
                let count = guarded(value * multiplier * scale + 0.5) as i64;
                self.lut.get((count as usize).min(self.last))
            } else {
                // Float rounding is monotone, so a value below (above) a limit never lands in a
                // cell above (below) it.
                let x = value * multiplier * self.grid;
                let cell = x as i64;
                #[allow(clippy::float_cmp)]
                let in_cell = x != cell as f64;
                self.lut.get(((cell as usize).wrapping_mul(2) + usize::from(in_cell)).min(self.last))
            };
            if let Some(&band) = band.filter(|&&band| band != NONE) {
                return (band, 0);
            }
        }
        self.eval_slow(value, multiplier, beyond)
    }

    /// Every case.
    #[cold]
    fn eval_slow(&self, value: f64, multiplier: f64, beyond: Beyond) -> (i32, u8) {
        if !value.is_finite() {
            return (NONE, F_NOT_FINITE);
        }
        if value < 0.0 {
            return (NONE, F_NEGATIVE);
        }
        let mut v = value * multiplier;
        if let Some(scale) = self.round_scale {
            // Non-negative here, so `as i64` is floor (and cheaper than `f64::floor`).
            v = (guarded(v * scale + 0.5) as i64) as f64 / scale;
        }
        self.band_of(v, beyond)
    }

    /// The band of a finite, non-negative value already rounded as the table says.
    fn band_of(&self, v: f64, beyond: Beyond) -> (i32, u8) {
        if v < self.first {
            return (NONE, F_BELOW);
        }
        let above = self.uppers.iter().filter(|&&u| v > u).count();
        if above < self.bands.len() {
            return (self.bands[above], 0);
        }
        let top = self.bands[self.bands.len() - 1];
        match (self.extendable, beyond) {
            (false, _) => (NONE, F_ABOVE),
            (true, Beyond::Null) => (NONE, F_BEYOND),
            (true, _) => (top, F_BEYOND),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Bands, Beyond, F_BEYOND, NONE};

    /// The fast paths must agree with the slow path everywhere, above all next to each limit.
    fn agrees(table: &Bands, multiplier: f64) {
        let mut values: Vec<f64> = (0..20_000).map(|i| f64::from(i) * 0.013).collect();
        for &u in table.uppers.iter().chain([&table.first]) {
            let u = u / multiplier;
            values.extend([u, u.next_up(), u.next_down(), u.next_up().next_up(), u.next_down().next_down()]);
        }
        values.extend([-0.0, -1.0, f64::NAN, f64::INFINITY, 1e300]);
        for beyond in [Beyond::Extend, Beyond::Cap, Beyond::Null] {
            for &v in &values {
                let (fast, slow) =
                    (table.eval(v, multiplier, beyond), table.eval_slow(v, multiplier, beyond));
                assert_eq!(fast, slow, "value {v:e} × {multiplier}");
            }
        }
    }

    #[test]
    fn whole_limits_use_the_unit_grid() {
        let t = Bands::new(0.0, vec![5.0, 15.0, 50.0, 90.0, 140.0], vec![1, 2, 3, 4, 5, 6], true, None);
        assert_eq!((t.grid, t.lut.len()), (1.0, 282));
        assert_eq!(t.eval(1e6, 1.0, Beyond::Extend), (6, 0));
        assert_eq!(t.eval(5.0, 1.0, Beyond::Extend), (1, 0));
        assert_eq!(t.eval(5.0_f64.next_up(), 1.0, Beyond::Extend), (2, 0));
        assert_eq!(t.eval(140.5, 1.0, Beyond::Extend), (6, 0));
        agrees(&t, 1.0);
        agrees(&t, 1.9125); // a ppb → µg/m³ factor
    }

    #[test]
    fn decimal_limits_use_a_finer_grid() {
        let t = Bands::new(0.1, vec![2.5, 7.25, 10.0], vec![1, 2, 3], true, None);
        assert_eq!(t.grid.to_bits(), 100.0_f64.to_bits());
        assert_eq!(t.eval(0.05, 1.0, Beyond::Extend).0, NONE);
        assert_eq!(t.eval(10.5, 1.0, Beyond::Cap), (3, F_BEYOND));
        agrees(&t, 1.0);
        agrees(&t, 0.7);
    }

    #[test]
    fn limits_off_every_grid_take_the_slow_path() {
        let t = Bands::new(0.0, vec![1.0 / 3.0, 2.0], vec![1, 2, 3], false, None);
        assert_eq!((t.grid, t.lut.len()), (0.0, 0));
        agrees(&t, 1.0);
    }

    #[test]
    fn rounded_tables_look_up_the_rounded_count() {
        let t = Bands::new(0.0, vec![11.0, 23.0, 35.0, 70.0], vec![1, 2, 3, 4, 5], false, Some(1.0));
        assert_eq!(t.eval(11.49, 1.0, Beyond::Extend), (1, 0));
        assert_eq!(t.eval(11.5, 1.0, Beyond::Extend), (2, 0));
        agrees(&t, 1.0);
        agrees(&t, 1.88);
    }
}
