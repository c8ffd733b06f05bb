//! Rules that turn measure sub-indices into pollutant sub-indices and a row's index and status
//! (`docs/standards/{us_epa,india,china}.md`). Each function takes `(sub-index, flags)` pairs
//! from `subindex`.

use super::subindex::{
    F_ABOVE, F_BELOW, F_BEYOND, F_NEGATIVE, F_NOT_FINITE, F_NULL, F_UNDEFINED, F_ZEROED, NONE,
};

/// Row-level flag: too few pollutants rated for an overall index (India, `docs/standards/india.md`; AQHI inputs).
/// It shares `F_BELOW`'s bit, which only a measure's own result carries: the pollutant rules
/// below never pass `F_BELOW` or `F_ABOVE` on (`rules_pass_no_measure_only_flag`).
pub const F_INSUFFICIENT: u8 = F_BELOW;

/// Flags that mean the reading itself is unusable.
const UNUSABLE: u8 = F_NULL | F_NEGATIVE | F_NOT_FINITE;
/// Flags that always reach the row's status, whichever measure is used. A negative reading
/// rated as 0 (`F_ZEROED`) is usable, and says so in the status.
const BAD_DATA: u8 = F_NEGATIVE | F_NOT_FINITE | F_ZEROED;
/// A measure whose column is absent behaves like a null reading.
pub const ABSENT: (i32, u8) = (NONE, F_NULL);

#[inline]
fn usable(flags: u8) -> bool {
    flags & UNUSABLE == 0
}

/// A pollutant with one measure (PM2.5, PM10, CO, NO2).
#[inline]
pub fn single((index, flags): (i32, u8)) -> (i32, u8) {
    (index, flags & (F_NULL | BAD_DATA | F_BEYOND))
}

/// A pollutant with two averaging periods: the larger sub-index. A period above its table
/// (EPA 8-h O3 above 0.200 ppm, China SO2 1-h above 800 µg/m³, India 8-h O3 above 208) defines
/// nothing, so the other must take over or the pollutant's index is undefined (`docs/standards/{us_epa,india,china}.md`).
#[inline]
pub fn larger((ia, fa): (i32, u8), (ib, fb): (i32, u8)) -> (i32, u8) {
    let index = ia.max(ib);
    let mut flags = (fa | fb) & (BAD_DATA | F_BEYOND);
    if index == NONE {
        if (usable(fa) || usable(fb)) && flags & F_BEYOND == 0 {
            flags |= F_UNDEFINED;
        } else if fa & fb & F_NULL != 0 {
            flags |= F_NULL;
        }
    }
    (index, flags)
}

/// Sulfur dioxide (`docs/standards/us_epa.md`): the 1-h value up to 304 ppb; above it the 24-h mean if that is at
/// least 305 ppb, else 200. A 24-h mean alone rates only from 305 ppb.
#[inline]
pub fn sulfur((i1h, f1h): (i32, u8), (i24h, f24h): (i32, u8)) -> (i32, u8) {
    let bad = (f1h | f24h) & BAD_DATA;
    let rated_24h = usable(f24h) && f24h & F_BELOW == 0;
    if usable(f1h) {
        if f1h & F_ABOVE == 0 {
            (i1h, bad)
        } else if rated_24h {
            (i24h, bad | f24h & F_BEYOND)
        } else {
            (200, bad)
        }
    } else if rated_24h {
        (i24h, bad | f24h & F_BEYOND)
    } else if usable(f24h) {
        (NONE, bad | F_UNDEFINED)
    } else {
        (NONE, bad | f1h & f24h & F_NULL)
    }
}

/// China HJ 633 (`docs/standards/china.md`): SO2, NO2 and CO have 1-hour limits for the
/// real-time report and 24-hour limits for the daily report, and the two are never compared. A
/// row's 1-hour value rates the pollutant; above the 1-hour table (SO2 over 800 µg/m³) the
/// 24-hour value does, and without one the index is undefined. A row without a usable 1-hour
/// value is rated on its 24-hour value (the daily report).
#[inline]
pub fn hourly_first((i1h, f1h): (i32, u8), (i24h, f24h): (i32, u8)) -> (i32, u8) {
    let bad = (f1h | f24h) & BAD_DATA;
    // A measure's index, or undefined where its table defines none (and it is not beyond).
    let rate = |index: i32, flags: u8| {
        if index == NONE && flags & F_BEYOND == 0 {
            (NONE, bad | F_UNDEFINED)
        } else {
            (index, bad | flags & F_BEYOND)
        }
    };
    if usable(f1h) && f1h & F_ABOVE == 0 {
        rate(i1h, f1h)
    } else if usable(f24h) {
        rate(i24h, f24h)
    } else if usable(f1h) {
        (NONE, bad | F_UNDEFINED)
    } else {
        (NONE, bad | f1h & f24h & F_NULL)
    }
}

/// A row's status; the values index `STATUS_NAMES` (their priority is in `status`).
pub const STATUS_NAMES: [&str; 8] = [
    "ok",
    "beyond_index",
    "no_data",
    "undefined",
    "negative",
    "not_finite",
    "insufficient_pollutants",
    "negative_as_zero",
];
pub const S_OK: i8 = 0;
pub const S_BEYOND: i8 = 1;
pub const S_NO_DATA: i8 = 2;
pub const S_UNDEFINED: i8 = 3;
pub const S_NEGATIVE: i8 = 4;
pub const S_NOT_FINITE: i8 = 5;
pub const S_INSUFFICIENT: i8 = 6;
pub const S_NEGATIVE_AS_ZERO: i8 = 7;

/// The status of a row from the OR of its pollutants' flags; `all_null` when every reading is null.
#[inline]
pub const fn status(flags: u8, all_null: bool) -> i8 {
    if flags & F_NOT_FINITE != 0 {
        S_NOT_FINITE
    } else if flags & F_NEGATIVE != 0 {
        S_NEGATIVE
    } else if flags & F_UNDEFINED != 0 {
        S_UNDEFINED
    } else if flags & F_INSUFFICIENT != 0 {
        S_INSUFFICIENT
    } else if flags & F_BEYOND != 0 {
        S_BEYOND
    } else if flags & F_ZEROED != 0 {
        S_NEGATIVE_AS_ZERO
    } else if all_null {
        S_NO_DATA
    } else {
        S_OK
    }
}

/// `status` for every combination of the flags OR-ed over a row's pollutants, with `F_NULL`
/// standing for "every reading is null" (the AND of their `F_NULL` bits): a branch-free lookup.
pub const STATUS_OF_FLAGS: [i8; 256] = {
    let mut table = [S_OK; 256];
    let mut flags = 0;
    while flags < 256 {
        table[flags] = status(flags as u8 & !F_NULL, flags as u8 & F_NULL != 0);
        flags += 1;
    }
    table
};

/// True for the statuses `on_invalid="raise"` refuses.
pub fn is_invalid(status: i8) -> bool {
    matches!(status, S_UNDEFINED | S_NEGATIVE | S_NOT_FINITE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn larger_rules() {
        // 8-h only, in the table.
        assert_eq!(larger((42, 0), ABSENT), (42, 0));
        // Larger of the two.
        assert_eq!(larger((120, 0), (150, 0)), (150, 0));
        // 8-h above 0.200 with a usable 1-h value: the 1-h value.
        assert_eq!(larger((NONE, F_ABOVE), (320, 0)), (320, 0));
        // 8-h above 0.200 alone, or with a 1-h value below 0.125: undefined.
        assert_eq!(larger((NONE, F_ABOVE), ABSENT), (NONE, F_UNDEFINED));
        assert_eq!(larger((NONE, F_ABOVE), (NONE, F_BELOW)), (NONE, F_UNDEFINED));
        // A low 1-h value next to an 8-h value is normal.
        assert_eq!(larger((60, 0), (NONE, F_BELOW)), (60, 0));
        assert_eq!(larger(ABSENT, ABSENT), (NONE, F_NULL));
        assert_eq!(larger((NONE, F_NEGATIVE), ABSENT), (NONE, F_NEGATIVE));
        assert_eq!(larger((NONE, F_ABOVE), (NONE, F_BEYOND)), (NONE, F_BEYOND));
    }

    #[test]
    fn sulfur_rules() {
        assert_eq!(sulfur((150, 0), ABSENT), (150, 0));
        assert_eq!(sulfur((150, 0), (250, 0)), (150, 0)); // 24-h not used below 305 ppb 1-h
        assert_eq!(sulfur((NONE, F_ABOVE), (250, 0)), (250, 0));
        assert_eq!(sulfur((NONE, F_ABOVE), (NONE, F_BELOW)), (200, 0));
        assert_eq!(sulfur((NONE, F_ABOVE), ABSENT), (200, 0));
        assert_eq!(sulfur(ABSENT, (260, 0)), (260, 0));
        assert_eq!(sulfur(ABSENT, (NONE, F_BELOW)), (NONE, F_UNDEFINED));
        assert_eq!(sulfur(ABSENT, ABSENT), (NONE, F_NULL));
        assert_eq!(sulfur((NONE, F_ABOVE), (700, F_BEYOND)), (700, F_BEYOND));
        assert_eq!(sulfur((NONE, F_NOT_FINITE), (260, 0)), (260, F_NOT_FINITE));
    }

    #[test]
    fn hourly_first_rules() {
        // (1-h, 24-h): the 1-h value whenever the row has one, the 24-h value never compared.
        assert_eq!(hourly_first((3, 0), (15, 0)), (3, 0)); // SO2 1-h 8, 24-h 15 µg/m³
        assert_eq!(hourly_first((3, 0), ABSENT), (3, 0));
        // SO2 1-h above 800: the 24-h value, else undefined.
        assert_eq!(hourly_first((NONE, F_ABOVE), (75, 0)), (75, 0));
        assert_eq!(hourly_first((NONE, F_ABOVE), ABSENT), (NONE, F_UNDEFINED));
        assert_eq!(hourly_first((NONE, F_ABOVE), (500, F_BEYOND)), (500, F_BEYOND));
        // No 1-h value: the daily report's 24-h value.
        assert_eq!(hourly_first(ABSENT, (75, 0)), (75, 0));
        assert_eq!(hourly_first((NONE, F_NOT_FINITE), (75, 0)), (75, F_NOT_FINITE));
        assert_eq!(hourly_first(ABSENT, ABSENT), (NONE, F_NULL));
        // A 1-h value beyond its table (NO2, CO) is that value, capped or extended.
        assert_eq!(hourly_first((500, F_BEYOND), (40, 0)), (500, F_BEYOND));
        assert_eq!(hourly_first((NONE, F_BEYOND), (40, 0)), (NONE, F_BEYOND));
        // An unused 24-h reading still reports bad data; its beyond flag does not.
        assert_eq!(hourly_first((3, 0), (NONE, F_NEGATIVE)), (3, F_NEGATIVE));
        assert_eq!(hourly_first((3, 0), (500, F_BEYOND)), (3, 0));
        assert_eq!(hourly_first((0, F_ZEROED), (75, 0)), (0, F_ZEROED));
    }

    #[test]
    fn negative_as_zero_is_usable_and_reaches_the_status() {
        // A zeroed 1-h SO2 (index 0) rates SO2; the 24-h mean is not consulted.
        assert_eq!(sulfur((0, F_ZEROED), (250, 0)), (0, F_ZEROED));
        assert_eq!(larger((0, F_ZEROED), (NONE, F_BELOW)), (0, F_ZEROED));
        assert_eq!(larger((NONE, F_BELOW | F_ZEROED), ABSENT), (NONE, F_ZEROED | F_UNDEFINED));
        assert_eq!(single((0, F_ZEROED)), (0, F_ZEROED));
        assert_eq!(status(F_ZEROED, false), S_NEGATIVE_AS_ZERO);
        assert_eq!(status(F_ZEROED | F_BEYOND, false), S_BEYOND);
        assert_eq!(status(F_ZEROED | F_INSUFFICIENT, false), S_INSUFFICIENT);
        assert_eq!(STATUS_NAMES[S_NEGATIVE_AS_ZERO as usize], "negative_as_zero");
    }

    #[test]
    fn rules_pass_no_measure_only_flag() {
        // F_INSUFFICIENT shares F_BELOW's bit: no rule may let F_BELOW (or F_ABOVE) through.
        let results: Vec<(i32, u8)> =
            (0..=255_u8).flat_map(|f| [(NONE, f), (0, f)]).filter(|&(_, f)| f & F_UNDEFINED == 0).collect();
        for &a in &results {
            assert_eq!(single(a).1 & (F_BELOW | F_ABOVE), 0, "{a:?}");
            for &b in &results {
                assert_eq!(larger(a, b).1 & (F_BELOW | F_ABOVE), 0, "{a:?} {b:?}");
                assert_eq!(sulfur(a, b).1 & (F_BELOW | F_ABOVE), 0, "{a:?} {b:?}");
                assert_eq!(hourly_first(a, b).1 & (F_BELOW | F_ABOVE), 0, "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn status_priority() {
        assert_eq!(status(F_BEYOND | F_NEGATIVE, false), S_NEGATIVE);
        assert_eq!(status(F_NOT_FINITE | F_NEGATIVE, false), S_NOT_FINITE);
        assert_eq!(status(0, true), S_NO_DATA);
        assert_eq!(status(0, false), S_OK);
        assert_eq!(status(F_BEYOND, false), S_BEYOND);
        assert_eq!(STATUS_NAMES[S_UNDEFINED as usize], "undefined");
    }
}
