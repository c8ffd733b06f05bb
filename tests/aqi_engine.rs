//! Property tests of the engine's invariants (proptest), run by `cargo test` without Python.

use std::sync::Arc;

use arrow_array::{Array, ArrayRef, Float64Array, Int32Array, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use pollutrack::engine::aqi::standard::builtins;
use pollutrack::engine::aqi::subindex::{Beyond, MeasureTable, Scale, NONE};
use pollutrack::engine::aqi::{compute_batch, AqiOptions, AqiPlan};
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
