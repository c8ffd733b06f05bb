//! Built-in tables, rounding rules and validation of custom standards.

use super::measures::parse_count;
use super::*;
use crate::engine::aqi::subindex::{Beyond, MeasureTable, Scale, F_BEYOND, F_NEGATIVE, F_NOT_FINITE, NONE};

fn table(std: &str, key: &str) -> &'static MeasureTable {
    let s = builtins().iter().find(|s| s.id == std).unwrap();
    &s.measures[s.measure_for_key(key).unwrap()]
}

fn sub(std: &str, key: &str, x: f64) -> i32 {
    let t = table(std, key);
    t.eval(x, t.native_multiplier(), builtins().iter().find(|s| s.id == std).unwrap().beyond).0
}

#[test]
fn parses_exactly() {
    assert_eq!(parse_count("35.4", 1).unwrap(), 354);
    assert_eq!(parse_count("0.054", 3).unwrap(), 54);
    assert_eq!(parse_count("1004", 0).unwrap(), 1004);
    assert_eq!(parse_count("9", 1).unwrap(), 90);
    assert!(parse_count("0.0541", 3).is_err());
    assert!(parse_count("abc", 0).is_err());
    assert!(parse_count("-1", 0).is_err());
}

#[test]
fn every_row_end_maps_to_its_index() {
    for s in builtins() {
        for t in &s.measures {
            let Scale::Linear(linear) = &t.scale else { continue };
            for row in &linear.rows {
                let at = |c| linear.at_count(c, Beyond::Extend).0;
                // Continuous tables share breakpoints: the lower row owns them.
                assert!(at(row.lo) == row.i_lo || linear.rows[0].lo != row.lo && at(row.lo) <= row.i_lo);
                assert_eq!(at(row.hi), row.i_hi, "{} {} {}", s.id, t.key, row.hi);
            }
        }
    }
}

#[test]
fn us_epa_truncates_and_rounds_half_up() {
    let e = "us_epa_2024";
    assert_eq!(sub(e, "pm25", 35.49), 100);
    assert_eq!(sub(e, "pm25", 35.5), 101);
    assert_eq!(sub(e, "pm25", 9.05), 50);
    assert_eq!(sub(e, "pm25", 9.1), 51);
    assert_eq!(sub(e, "pm25", 0.3), 2); // 50·3/90 = 1.67 → 2
    assert_eq!(sub(e, "pm10", 54.9), 50);
    assert_eq!(sub(e, "o3_8h", 0.0549), 50);
    assert_eq!(sub(e, "co", 4.45), 50);
    assert_eq!(sub(e, "so2_1h", 35.9), 50);
    assert_eq!(sub(e, "no2", 53.7), 50);
    // Ties: CO 1.1 ppm = 12.5 → 13; O3 0.072 = 104.5 → 105; 0.153 = 250.5 → 251.
    assert_eq!(sub(e, "co", 1.1), 13);
    assert_eq!(sub(e, "o3_8h", 0.072), 105);
    assert_eq!(sub(e, "o3_8h", 0.153), 251);
    assert_eq!(sub("us_epa_2012", "pm25", 0.6), 3);
}

#[test]
fn the_guard_is_only_as_wide_as_float_error() {
    use crate::engine::aqi::subindex::truncate;
    let e = "us_epa_2024";
    // A double 9.0999999999 is below 9.1: 9.0 → 50; 9.1 itself (90.999… counts) is 51.
    assert_eq!(sub(e, "pm25", 9.099_999_999_9), 50);
    assert_eq!(sub(e, "pm25", 9.1), 51);
    assert_eq!(sub(e, "o3_8h", 0.054_999_999_99), 50);
    assert_eq!(sub(e, "o3_8h", 0.055), 51);
    // Every value written with 1 to 3 decimals truncates to itself: the double nearest
    // c / 10^d (what parsing the decimal gives), times 10^d, lands on c.
    for d in 1..=3 {
        let per_unit = 10_f64.powi(d);
        for c in 0..2_000_000_i64 {
            assert_eq!(truncate(c as f64 / per_unit * per_unit), c, "{c} at {d} decimals");
        }
    }
}

#[test]
fn us_epa_above_the_top() {
    let e = "us_epa_2024";
    assert_eq!(sub(e, "pm25", 325.5), 500);
    assert_eq!(sub(e, "pm25", 330.0), 509);
    assert_eq!(sub(e, "pm25", 500.0), 848);
    assert_eq!(sub(e, "pm10", 605.0), 501);
    assert_eq!(sub(e, "co", 50.5), 501);
    assert_eq!(sub(e, "no2", 2100.0), 513);
    assert_eq!(sub(e, "pm10", 504.0), 389);
    assert_eq!(sub("us_epa_2012", "pm10", 504.0), 400);
    assert_eq!(sub(e, "o3_1h", 0.124), NONE);
    assert_eq!(sub(e, "o3_1h", 0.125), 101);
    assert_eq!(sub(e, "o3_8h", 0.201), NONE);
    assert_eq!(sub(e, "so2_24h", 304.0), NONE);
    assert_eq!(sub(e, "so2_24h", 305.0), 201);
    assert_eq!(sub("us_epa_1999", "pm25", 15.5), 51);
    let t = table(e, "pm25");
    assert_eq!(t.eval(400.0, 10.0, Beyond::Cap), (500, F_BEYOND));
    assert_eq!(t.eval(400.0, 10.0, Beyond::Null), (NONE, F_BEYOND));
    assert_eq!(t.eval(1e300, 10.0, Beyond::Extend), (i32::MAX, F_BEYOND));
    assert_eq!(t.eval(-0.1, 10.0, Beyond::Extend), (NONE, F_NEGATIVE));
    assert_eq!(t.eval(f64::NAN, 10.0, Beyond::Extend), (NONE, F_NOT_FINITE));
    assert_eq!(t.eval(-0.0, 10.0, Beyond::Extend), (0, 0));
    assert_eq!(t.concentration_for(101.0), Some(35.5));
    assert_eq!(t.concentration_for(509.0), Some(329.7));
    assert_eq!(table(e, "o3_8h").concentration_for(301.0), None);
}

#[test]
fn india_rounds_the_concentration_and_caps_severe() {
    let i = "in_naqi";
    assert_eq!(sub(i, "pm25", 45.0), 75); // CPCB bulletin: 75 at 45 µg/m³
    assert_eq!(sub(i, "pm25", 31.0), 51);
    assert_eq!(sub(i, "pm25", 30.4), 50); // rounds to 30
    assert_eq!(sub(i, "pm25", 30.5), 51); // rounds (half up) to 31
    assert_eq!(sub(i, "pm25", 251.0), 401);
    assert_eq!(sub(i, "pm25", 380.0), 500);
    assert_eq!(sub(i, "pm25", 900.0), 500); // beyond: cap
    assert_eq!(sub(i, "o3", 208.0), 300);
    assert_eq!(sub(i, "o3", 209.0), NONE); // 8-h table ends at 208
    assert_eq!(sub(i, "o3_1h", 749.0), 401);
    assert_eq!(sub(i, "co", 1.5), 73); // 51 + 49·4/9 = 72.8
    assert_eq!(sub(i, "pb", 0.55), 51); // rounds to 0.6
}

#[test]
fn china_rounds_half_even_and_the_index_up() {
    let c = "cn_hj633_2012";
    assert_eq!(sub(c, "pm25", 36.0), 52); // 50 + 50/40 = 51.25 → 52
    assert_eq!(sub(c, "pm25", 76.0), 102);
    assert_eq!(sub(c, "no2_24h", 41.0), 52);
    assert_eq!(sub(c, "pm10", 51.0), 51);
    assert_eq!(sub(c, "co_24h", 2.1), 53); // 50 + 50·0.1/2 = 52.5 → 53
    assert_eq!(sub(c, "pm25", 35.0), 50);
    assert_eq!(sub(c, "pm25", 35.5), 52); // half to even: 36
    assert_eq!(sub(c, "pm25", 34.5), 49); // half to even: 34 → ceil(48.57); half up would give 50
    assert_eq!(sub(c, "pm25", 36.5), 52); // 36.5 → 36 (even) → 52
    assert_eq!(sub(c, "so2_1h", 801.0), NONE);
    assert_eq!(sub(c, "o3_8h", 801.0), NONE);
    assert_eq!(sub(c, "pm25", 600.0), 500);
}

#[test]
fn bands_take_the_lower_band_on_a_limit() {
    assert_eq!(sub("eu_eaqi_2024", "pm25", 5.0), 1);
    assert_eq!(sub("eu_eaqi_2024", "pm25", 5.000_001), 2);
    assert_eq!(sub("eu_eaqi_2024", "o3", 1000.0), 6);
    assert_eq!(sub("eu_eaqi_pre2024", "pm25", 800.0), 6);
    assert_eq!(table("eu_eaqi_pre2024", "pm25").eval(801.0, 1.0, Beyond::Null), (NONE, F_BEYOND));
    assert_eq!(sub("uk_daqi", "o3", 33.4), 1);
    assert_eq!(sub("uk_daqi", "o3", 33.5), 2);
    assert_eq!(sub("uk_daqi", "pm10", 100.4), 9);
    assert_eq!(sub("uk_daqi", "pm10", 100.5), 10);
}

fn custom(rows: &str) -> Result<Standard> {
    Standard::from_json(&format!(
        r#"{{"id": "mine", "measures": [{{"key": "pm25", "pollutant": "pm25", "unit": "ug/m3", "rows": {rows}}}],
           "categories": [{{"name": "Low", "lo": 0, "hi": 50}}, {{"name": "High", "lo": 51, "hi": null}}]}}"#
    ))
}

#[test]
fn custom_tables_are_validated() {
    let ok = custom(r#"[["0.0", "10.0", 0, 50], ["10.1", "20.0", 51, 100]]"#).unwrap();
    assert_eq!(ok.measures[0].decimals, 1);
    let err = |rows: &str| custom(rows).unwrap_err().to_string();
    assert!(err(r#"[["0", "10", 0, 50], ["12", "20", 51, 100]]"#).contains("row 2: leaves a gap"));
    assert!(err(r#"[["0", "10", 0, 50], ["9", "20", 51, 100]]"#).contains("row 2: overlaps"));
    assert!(err(r#"[["0", "10", 0, 50], ["11", "20", 40, 100]]"#).contains("row 2: index starts below"));
    assert!(err(r#"[["0", "10", 50, 0]]"#).contains("row 1"));
    assert!(err(r#"[["0", "x", 0, 50]]"#).contains("row 1"));
    assert!(err("[]").contains("no breakpoint rows"));
    let clash = Standard::from_json(&builtins()[0].to_json()).unwrap_err().to_string();
    assert!(clash.contains("built-in"), "{clash}");
    assert!(Standard::from_json("{").unwrap_err().to_string().contains("not valid JSON"));
}

#[test]
fn every_builtin_round_trips_through_json() {
    for s in builtins() {
        let renamed = s.to_json().replacen(&format!("\"{}\"", s.id), "\"copy\"", 1);
        let copy = Standard::from_json(&renamed).unwrap();
        assert_eq!(copy.measures.len(), s.measures.len(), "{}", s.id);
        assert_eq!(copy.category_names, s.category_names);
    }
}
