//! Property tests of the engine's invariants (proptest), run by `cargo test` without Python.

use std::sync::Arc;

use arrow_array::{Array, ArrayRef, Float64Array, Int32Array, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use pollutrack::engine::aqi::standard::builtins;
use pollutrack::engine::aqi::subindex::{Beyond, MeasureTable, Scale, NONE};
use pollutrack::engine::aqi::{compute_batch, AqiOptions, AqiPlan, Negative};
use pollutrack::engine::parallel::set_num_threads;
use proptest::prelude::*;

/// Every rated measure of every built-in standard.
fn tables() -> Vec<(&'static str, &'static MeasureTable)> {
    builtins()
        .iter()
        .flat_map(|s| {
            s.measures.iter().filter(|m| !matches!(m.scale, Scale::Formula)).map(|m| (s.id.as_str(), m))
        })
        .collect()
}

fn sub(t: &MeasureTable, x: f64) -> i32 {
    t.eval(x, t.native_multiplier(), Beyond::Extend).0
}

/// The top of a table's printed rows, for drawing concentrations across its whole range.
fn top(t: &MeasureTable) -> f64 {
    t.printed.iter().map(|(lo, hi, ..)| hi.unwrap_or(*lo * 1.5 + 10.0)).fold(0.0, f64::max)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// A higher concentration never gets a lower sub-index (where both are defined).
    #[test]
    fn monotone_in_concentration(m in 0..100_usize, a in 0.0..1.3_f64, b in 0.0..1.3_f64) {
        let all = tables();
        let (id, t) = all[m % all.len()];
        let (lo, hi) = if a <= b { (a * top(t), b * top(t)) } else { (b * top(t), a * top(t)) };
        let (s_lo, s_hi) = (sub(t, lo), sub(t, hi));
        if s_lo != NONE && s_hi != NONE {
            prop_assert!(s_lo <= s_hi, "{id} {} {lo} -> {s_lo}, {hi} -> {s_hi}", t.key);
        }
    }

    /// Inside a row the sub-index stays within that row's index range.
    #[test]
    fn within_band_limits(m in 0..100_usize, frac in 0.0..1.0_f64, r in 0..10_usize) {
        let all = tables();
        let (id, t) = all[m % all.len()];
        let Scale::Linear(linear) = &t.scale else { return Ok(()) };
        let row = linear.rows[r % linear.rows.len()];
        let count = row.lo + ((row.hi - row.lo) as f64 * frac) as i64;
        let (index, _) = linear.at_count(count, Beyond::Extend);
        prop_assert!(row.i_lo <= index && index <= row.i_hi, "{id} {} {count}", t.key);
    }
}

fn random_batch(rows: usize, seed: u64) -> RecordBatch {
    let names = [
        ("pm25", 600.0),
        ("pm10", 800.0),
        ("o3_8h", 0.3),
        ("o3_1h", 0.7),
        ("co", 60.0),
        ("so2", 1200.0),
        ("so2_24h", 1200.0),
        ("no2", 2200.0),
    ];
    random_columns(rows, seed, &names)
}

fn random_columns(rows: usize, seed: u64, names: &[(&str, f64)]) -> RecordBatch {
    let mut state = seed;
    let mut next = move || {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (state >> 11) as f64 / (1_u64 << 53) as f64
    };
    let mut column = |scale: f64| -> ArrayRef {
        Arc::new(
            (0..rows)
                .map(|_| {
                    let u = next();
                    // 2 % null, 1 % negative, otherwise 0..scale at one decimal.
                    if u < 0.02 {
                        None
                    } else if u < 0.03 {
                        Some(-1.0)
                    } else {
                        Some((next() * scale * 10.0).floor() / 10.0)
                    }
                })
                .collect::<Float64Array>(),
        )
    };
    let columns: Vec<ArrayRef> = names.iter().map(|(_, s)| column(*s)).collect();
    let schema =
        Schema::new(names.iter().map(|(n, _)| Field::new(*n, DataType::Float64, true)).collect::<Vec<_>>());
    RecordBatch::try_new(Arc::new(schema), columns).unwrap()
}

/// Every standard gives bit-identical output at 1 and 3 threads.
#[test]
fn same_result_at_any_thread_count_for_every_standard() {
    for standard in builtins() {
        let names: Vec<(&str, f64)> = standard
            .measures
            .iter()
            .map(|m| (m.key.as_str(), if matches!(m.scale, Scale::Formula) { 100.0 } else { top(m) * 1.1 }))
            .collect();
        let batch = random_columns(200_000, 11, &names);
        let options = AqiOptions { standard: standard.id.clone(), subindices: true, ..AqiOptions::default() };
        let plan = AqiPlan::new(&batch.schema(), options).unwrap();
        set_num_threads(1).unwrap();
        let one = compute_batch(&plan, &batch, 0).unwrap();
        set_num_threads(3).unwrap();
        let three = compute_batch(&plan, &batch, 0).unwrap();
        assert_eq!(one, three, "{}", standard.id);
        let aqi = one.column_by_name("aqi").unwrap();
        assert!(aqi.null_count() < aqi.len() / 2, "{}: most rows rated", standard.id);
    }
}

/// The overall AQI is the maximum of the sub-index columns (US EPA).
#[test]
fn aqi_is_the_max_of_the_subindices() {
    let batch = random_batch(300_000, 7);
    let options = AqiOptions { subindices: true, ..AqiOptions::default() };
    let plan = AqiPlan::new(&batch.schema(), options).unwrap();
    let one = compute_batch(&plan, &batch, 0).unwrap();

    let aqi = one.column_by_name("aqi").unwrap().as_any().downcast_ref::<Int32Array>().unwrap().clone();
    let subs: Vec<Int32Array> = ["aqi_pm25", "aqi_pm10", "aqi_o3", "aqi_co", "aqi_so2", "aqi_no2"]
        .iter()
        .map(|n| one.column_by_name(n).unwrap().as_any().downcast_ref::<Int32Array>().unwrap().clone())
        .collect();
    let mut rated = 0;
    for row in 0..aqi.len() {
        let max = subs.iter().filter(|s| s.is_valid(row)).map(|s| s.value(row)).max();
        assert_eq!(aqi.is_valid(row).then(|| aqi.value(row)), max, "row {row}");
        rated += usize::from(max.is_some());
    }
    assert!(rated > 290_000, "almost every row has some pollutant rated: {rated}");
}

/// `(aqi, status)` of every row of `columns` (name, values) under `options`.
fn rated(columns: &[(&str, Vec<Option<f64>>)], options: AqiOptions) -> Vec<(Option<i32>, String)> {
    let fields: Vec<Field> = columns.iter().map(|(n, _)| Field::new(*n, DataType::Float64, true)).collect();
    let arrays: Vec<ArrayRef> =
        columns.iter().map(|(_, v)| Arc::new(Float64Array::from(v.clone())) as ArrayRef).collect();
    let batch = RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).unwrap();
    let out = compute_batch(&AqiPlan::new(&batch.schema(), options).unwrap(), &batch, 0).unwrap();
    let aqi = out.column_by_name("aqi").unwrap().as_any().downcast_ref::<Int32Array>().unwrap().clone();
    let status = arrow_cast::display::ArrayFormatter::try_new(
        out.column_by_name("aqi_status").unwrap().as_ref(),
        &arrow_cast::display::FormatOptions::default(),
    )
    .unwrap();
    (0..out.num_rows())
        .map(|r| (aqi.is_valid(r).then(|| aqi.value(r)), status.value(r).to_string()))
        .collect()
}

fn under(standard: &str) -> AqiOptions {
    AqiOptions { standard: standard.into(), ..AqiOptions::default() }
}

/// A negative reading: the US EPA tables rate it as 0 by default (`negative_as_zero`), as EPA's
/// published daily files do; `negative=Null` and the other standards give it no index.
#[test]
fn negative_readings_by_standard_and_option() {
    let pm25 = ("pm25", vec![Some(-3.4), Some(-0.1), Some(-0.0), Some(f64::NEG_INFINITY)]);
    let pm10 = ("pm10", vec![Some(50.0), None, None, None]);
    let ok = |aqi: i32, status: &str| (Some(aqi), status.to_owned());
    let none = |status: &str| (None, status.to_owned());
    for id in ["us_epa_2024", "us_epa_2012", "us_epa_1999"] {
        let columns = if id == "us_epa_1999" { vec![pm25.clone()] } else { vec![pm25.clone(), pm10.clone()] };
        let first = if id == "us_epa_1999" { ok(0, "negative_as_zero") } else { ok(46, "negative_as_zero") };
        assert_eq!(
            rated(&columns, under(id)),
            [first, ok(0, "negative_as_zero"), ok(0, "ok"), none("not_finite")],
            "{id}"
        );
    }
    let null = AqiOptions { negative: Some(Negative::Null), ..AqiOptions::default() };
    assert_eq!(
        rated(&[pm25.clone(), pm10.clone()], null),
        [ok(46, "negative"), none("negative"), ok(0, "ok"), none("not_finite")]
    );
    // China keeps no index by default; rated as 0 on request (IAQI 0; 50 µg/m³ PM10 -> 50).
    assert_eq!(
        rated(&[pm25.clone(), pm10.clone()], under("cn_hj633_2012")),
        [ok(50, "negative"), none("negative"), ok(0, "ok"), none("not_finite")]
    );
    let zero = AqiOptions { negative: Some(Negative::Zero), ..under("cn_hj633_2012") };
    assert_eq!(
        rated(&[pm25, pm10], zero),
        [ok(50, "negative_as_zero"), ok(0, "negative_as_zero"), ok(0, "ok"), none("not_finite")]
    );
    // The AQHI: -1 ppb NO2 is rated as 0, so 1000/10.4 × (e^(0.000537·30) − 1 + e^(0.000487·10) − 1)
    // = 96.15 × (0.016240 + 0.004882) = 2.03 -> 2.
    let aqhi = [("no2", vec![Some(-1.0)]), ("o3", vec![Some(30.0)]), ("pm25", vec![Some(10.0)])];
    assert_eq!(rated(&aqhi, under("ca_aqhi")), [none("negative")]);
    let zero = AqiOptions { negative: Some(Negative::Zero), ..under("ca_aqhi") };
    assert_eq!(rated(&aqhi, zero), [ok(2, "negative_as_zero")]);
}

/// HJ 633: SO2, NO2 and CO are rated on the row's 1-hour value (the real-time report); SO2
/// above 800 µg/m³ falls back to the 24-hour value; a row without a 1-hour value is rated on
/// its 24-hour value (the daily report). The two periods are never compared.
#[test]
fn china_rates_the_hourly_value_when_the_row_has_one() {
    let ok = |aqi: i32| (Some(aqi), "ok".to_owned());
    let so2 = [
        ("so2_1h", vec![Some(8.0), Some(900.0), Some(900.0), None, Some(500.0)]),
        ("so2", vec![Some(15.0), Some(100.0), None, Some(100.0), Some(15.0)]),
    ];
    // 1-h 8: ceil(50·8/150) = 3 (the 24-h 15 would give 15); 1-h 900: the 24-h 100 -> 50 +
    // 50·50/100 = 75, or undefined without it; 24-h alone: 75; 1-h 500 -> 100.
    assert_eq!(
        rated(&so2, under("cn_hj633_2012")),
        [ok(3), ok(75), (None, "undefined".to_owned()), ok(75), ok(100)]
    );
    // NO2 1-h 100 -> 50 beside 24-h 80 -> 100; CO 1-h 5 -> 50 beside 24-h 4 mg/m³ -> 100.
    let others = [
        ("no2_1h", vec![Some(100.0), None]),
        ("no2", vec![Some(80.0), Some(80.0)]),
        ("co_1h", vec![Some(5.0), Some(5.0)]),
        ("co", vec![Some(4.0), Some(4.0)]),
    ];
    assert_eq!(rated(&others, under("cn_hj633_2012")), [ok(50), ok(100)]);
    // Ozone keeps both periods in both reports: the larger (1-h 200 -> 100, 8-h 100 -> 50).
    let o3 = [("o3_1h", vec![Some(200.0)]), ("o3", vec![Some(100.0)])];
    assert_eq!(rated(&o3, under("cn_hj633_2012")), [ok(100)]);
}

/// An index too large for int32 is never reported as `ok`: every standard, every `beyond`.
#[test]
fn indices_beyond_int32_are_beyond_index_in_every_standard() {
    for standard in builtins() {
        for beyond in [None, Some(Beyond::Extend), Some(Beyond::Cap), Some(Beyond::Null)] {
            let columns: Vec<(&str, Vec<Option<f64>>)> =
                standard.measures.iter().map(|m| (m.key.as_str(), vec![Some(1e300), Some(3e4)])).collect();
            let options = AqiOptions { standard: standard.id.clone(), beyond, ..AqiOptions::default() };
            for (aqi, status) in rated(&columns, options) {
                if aqi == Some(i32::MAX) {
                    assert_eq!(status, "beyond_index", "{} {beyond:?}", standard.id);
                }
            }
        }
    }
    // The AQHI has no table to be beyond: 1e300 ppb and 19,820 ppb NO2 (1000/10.4 ×
    // (e^17.26 − 1) ≈ 3.0e9) overflow int32; NO2 20, O3 30, PM2.5 150 give 96.15 × (0.017573
    // + 0.016240 + 0.075785) = 10.54 -> 11 ("10+"), an index like any other: ok.
    let aqhi = [
        ("no2", vec![Some(1e300), Some(19_820.0), Some(20.0)]),
        ("o3", vec![Some(30.0), Some(30.0), Some(30.0)]),
        ("pm25", vec![Some(10.0), Some(10.0), Some(150.0)]),
    ];
    let beyond = (Some(i32::MAX), "beyond_index".to_owned());
    assert_eq!(rated(&aqhi, under("ca_aqhi")), [beyond.clone(), beyond, (Some(11), "ok".to_owned())]);
}
