//! Engine-only benchmark (no Python): `cargo bench --bench aqi`.
//! 1 million rows of PM2.5 + PM10 through `compute_batch`, at 1 thread and at every core.

use std::hint::black_box;
use std::sync::Arc;

use arrow_array::{ArrayRef, Float64Array, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use pollutrack::engine::aqi::{compute_batch, AqiOptions, AqiPlan};
use pollutrack::engine::parallel::set_num_threads;

/// Deterministic pseudo-random readings at one decimal (a 64-bit LCG): 98 % between 0 and 150,
/// 2 % spread over 0–600 so the beyond-the-table path is exercised, as in `benches/bench_aqi.py`.
fn readings(rows: usize, seed: u64) -> Vec<f64> {
    let mut state = seed;
    let mut uniform = move || {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (state >> 11) as f64 / (1_u64 << 53) as f64
    };
    (0..rows)
        .map(|_| {
            let top = if uniform() < 0.02 { 600.0 } else { 150.0 };
            (uniform() * top * 10.0).floor() / 10.0
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let rows = 1_000_000;
    let schema = Arc::new(Schema::new(vec![
        Field::new("pm25", DataType::Float64, true),
        Field::new("pm10", DataType::Float64, true),
    ]));
    let columns: Vec<ArrayRef> = vec![
        Arc::new(Float64Array::from(readings(rows, 1))),
        Arc::new(Float64Array::from(readings(rows, 2))),
    ];
    let batch = RecordBatch::try_new(Arc::clone(&schema), columns).unwrap();
    let plan = AqiPlan::new(&schema, AqiOptions::default()).unwrap();
    let mut group = c.benchmark_group("aqi_compute_batch");
    group.throughput(Throughput::Elements(rows as u64));
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    for threads in [1, cores] {
        set_num_threads(threads as i64).unwrap();
        group.bench_function(format!("pm25+pm10/1M rows/{threads} threads"), |b| {
            b.iter(|| compute_batch(&plan, black_box(&batch), 0).unwrap());
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
