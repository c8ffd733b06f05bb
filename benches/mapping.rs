//! Engine-only benchmark (no Python): `cargo bench --bench mapping`.
//! 1 million rows of one string field with 1,000 distinct values (1 % unmapped) through
//! `mapping::apply`, plain and dictionary-encoded, at 1 thread and at every core.

use std::hint::black_box;
use std::sync::Arc;

use arrow_array::types::Int32Type;
use arrow_array::{ArrayRef, DictionaryArray, Int32Array, RecordBatch, StringArray};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use pollutrack::engine::mapping::cell::Origin;
use pollutrack::engine::mapping::rules::RawRule;
use pollutrack::engine::mapping::{apply, ApplyOptions, Mapping, Normalize, OnUnmapped};
use pollutrack::engine::parallel::set_num_threads;

fn bench(c: &mut Criterion) {
    let rows = 1_000_000;
    let rules = (0..990)
        .map(|k| RawRule {
            field: "dept".into(),
            source: format!("Department {k:04}"),
            target: format!("DEPT-{k:05}"),
            target_field: None,
            origin: Origin { sheet: "S".into(), row: k + 2 },
        })
        .collect();
    let mapping = Mapping::new(rules).unwrap();
    let dictionary: ArrayRef =
        Arc::new((0..1000).map(|k| format!("Department {k:04}")).map(Some).collect::<StringArray>());
    let mut state = 7_u64;
    let keys: Int32Array = (0..rows)
        .map(|_| {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            ((state >> 33) % 1000) as i32
        })
        .collect();
    let encoded = DictionaryArray::<Int32Type>::try_new(keys, dictionary).unwrap();
    let plain = arrow_cast::cast(&encoded, &arrow_schema::DataType::Utf8).unwrap();
    let options = ApplyOptions {
        fields: None,
        on_unmapped: OnUnmapped::Null,
        normalize: Normalize::default(),
        replace: false,
    };
    let mut group = c.benchmark_group("mapping_apply");
    group.throughput(Throughput::Elements(rows as u64));
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    for (name, column) in [("plain", plain), ("dictionary", Arc::new(encoded) as ArrayRef)] {
        let batch = RecordBatch::try_from_iter([("dept", column)]).unwrap();
        for threads in [1, cores] {
            set_num_threads(threads as i64).unwrap();
            group.bench_function(format!("{name}/1M rows/{threads} threads"), |b| {
                b.iter(|| {
                    apply(&mapping, &batch.schema(), black_box(std::slice::from_ref(&batch)), options.clone())
                        .unwrap()
                });
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
