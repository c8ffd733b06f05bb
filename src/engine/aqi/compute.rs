//! Batches in, batches out: splits each batch into fixed row tasks, runs them on the pool and
//! assembles the appended columns. Input columns pass through untouched (zero-copy).

use std::sync::Arc;

use arrow_array::types::Int8Type;
use arrow_array::{Array, ArrayRef, DictionaryArray, Float64Array, Int32Array, Int8Array, RecordBatch};
use arrow_buffer::{BooleanBuffer, Buffer, NullBuffer, ScalarBuffer};
use arrow_schema::SchemaRef;
use rayon::prelude::*;

use super::combine::is_invalid;
use super::kernel::{run_task, TaskOut};
use super::measure::Measure;
use super::plan::{AqiPlan, OnInvalid};
use super::subindex::{F_ABOVE, F_BELOW, F_NEGATIVE, F_NOT_FINITE};
use crate::engine::columns::as_f64;
use crate::engine::parallel::{install, TASK_ROWS};
use crate::engine::{Error, Result};

/// Output buffers of one batch before they become Arrow arrays.
struct Buffers {
    aqi: Vec<i32>,
    aqi_valid: Vec<u64>,
    category: Vec<i8>,
    dominant: Vec<i8>,
    status: Vec<i8>,
    subindices: Vec<(Vec<i32>, Vec<u64>)>,
}

impl Buffers {
    fn new(rows: usize, subindex_columns: usize) -> Self {
        let words = rows.div_ceil(64);
        Self {
            aqi: vec![0; rows],
            aqi_valid: vec![0; words],
            category: vec![0; rows],
            dominant: vec![0; rows],
            status: vec![0; rows],
            subindices: (0..subindex_columns).map(|_| (vec![0; rows], vec![0; words])).collect(),
        }
    }

    /// Splits every buffer into the fixed task ranges.
    fn tasks(&mut self) -> Vec<TaskOut<'_>> {
        let words = TASK_ROWS / 64;
        let mut subs: Vec<_> = self
            .subindices
            .iter_mut()
            .map(|(v, w)| v.chunks_mut(TASK_ROWS).zip(w.chunks_mut(words)))
            .collect();
        self.aqi
            .chunks_mut(TASK_ROWS)
            .zip(self.aqi_valid.chunks_mut(words))
            .zip(self.category.chunks_mut(TASK_ROWS))
            .zip(self.dominant.chunks_mut(TASK_ROWS))
            .zip(self.status.chunks_mut(TASK_ROWS))
            .enumerate()
            .map(|(t, ((((aqi, aqi_valid), category), dominant), status))| TaskOut {
                start: t * TASK_ROWS,
                aqi,
                aqi_valid,
                category,
                dominant,
                status,
                subindices: subs.iter_mut().map(|it| it.next().expect("same task count")).collect(),
            })
            .collect()
    }
}

fn nulls(words: Vec<u64>, rows: usize) -> Option<NullBuffer> {
    let nulls = NullBuffer::new(BooleanBuffer::new(Buffer::from_vec(words), 0, rows));
    (nulls.null_count() > 0).then_some(nulls)
}

/// A dictionary-encoded label column from keys the plan's lookup tables produced.
#[allow(unsafe_code)]
fn labels(keys: Vec<i8>, nulls: Option<NullBuffer>, values: &ArrayRef) -> ArrayRef {
    let keys = Int8Array::new(ScalarBuffer::from(keys), nulls);
    debug_assert!(keys.values().iter().all(|&k| k >= 0 && (k as usize) < values.len()));
    // SAFETY: every key comes from `AqiPlan::category_keys`, `dominant_keys` or the status
    // constants, each built as a position in the matching dictionary, so 0 <= key < len.
    // `try_new` would re-check 10 M keys one by one on the calling thread (~10 % of `compute`).
    Arc::new(unsafe { DictionaryArray::<Int8Type>::new_unchecked(keys, Arc::clone(values)) })
}

/// Computes one batch. `first_row` is the batch's position in the whole input, used to name the
/// row when `on_invalid="raise"` refuses one.
pub fn compute_batch(plan: &AqiPlan, batch: &RecordBatch, first_row: u64) -> Result<RecordBatch> {
    let rows = batch.num_rows();
    let columns = plan
        .inputs
        .iter()
        .map(|input| as_f64(&input.name, batch.column(input.column)))
        .collect::<Result<Vec<_>>>()?;
    let subindex_columns = if plan.options.subindices { plan.pollutants.len() } else { 0 };
    let mut buffers = Buffers::new(rows, subindex_columns);
    install(|| buffers.tasks().into_par_iter().for_each(|task| run_task(plan, &columns, task)));

    if plan.options.on_invalid == OnInvalid::Raise {
        if let Some(row) = buffers.status.iter().position(|&s| is_invalid(s)) {
            return Err(diagnose(plan, &columns, row, first_row + row as u64));
        }
    }

    let Buffers { aqi, aqi_valid, category, dominant, status, subindices } = buffers;
    let aqi_nulls = nulls(aqi_valid, rows);
    let mut out: Vec<ArrayRef> = batch.columns().to_vec();
    out.push(Arc::new(Int32Array::new(ScalarBuffer::from(aqi), aqi_nulls.clone())));
    out.push(labels(category, aqi_nulls.clone(), &plan.category_values));
    out.push(labels(dominant, aqi_nulls, &plan.dominant_values));
    out.push(labels(status, None, &plan.status_values));
    for (values, valid) in subindices {
        out.push(Arc::new(Int32Array::new(ScalarBuffer::from(values), nulls(valid, rows))));
    }
    Ok(RecordBatch::try_new(plan.schema(None), out)?)
}

/// Computes every batch (in parallel, batches and rows within them) and returns them in input
/// order with the schema that records the input row count. The first invalid row in input order
/// is the one reported, whatever the thread count.
pub fn compute(plan: &AqiPlan, batches: &[RecordBatch]) -> Result<(Vec<RecordBatch>, SchemaRef)> {
    let mut offsets = Vec::with_capacity(batches.len());
    let mut total = 0_u64;
    for batch in batches {
        offsets.push(total);
        total += batch.num_rows() as u64;
    }
    let results: Vec<Result<RecordBatch>> = install(|| {
        batches.par_iter().zip(offsets).map(|(batch, first)| compute_batch(plan, batch, first)).collect()
    });
    let schema = plan.schema(Some(total));
    let out = results
        .into_iter()
        .map(|r| r.and_then(|b| Ok(RecordBatch::try_new(Arc::clone(&schema), b.columns().to_vec())?)))
        .collect::<Result<Vec<_>>>()?;
    Ok((out, schema))
}

/// Names the column, value and reason that made `row` invalid.
fn diagnose(plan: &AqiPlan, columns: &[Float64Array], row: usize, global_row: u64) -> Error {
    let beyond = plan.options.beyond;
    let readings = plan.inputs.iter().zip(columns).filter(|(_, c)| c.is_valid(row)).map(|(input, c)| {
        let value = c.value(row);
        (input, value, input.table.eval(value, input.multiplier, beyond).1)
    });
    let readings: Vec<_> = readings.collect();
    let reason = |input: &super::plan::PlannedInput, flags: u8| -> Option<&'static str> {
        if flags & F_NOT_FINITE != 0 {
            return Some("not a finite number");
        }
        if flags & F_NEGATIVE != 0 {
            return Some("negative concentration");
        }
        match input.measure {
            Measure::O3_8h if flags & F_ABOVE != 0 => {
                Some("8-hour ozone above 0.200 ppm defines no index without a 1-hour ozone value of at least 0.125 ppm")
            }
            Measure::O3_1h if flags & F_BELOW != 0 => Some("1-hour ozone below 0.125 ppm defines no index on its own"),
            Measure::So2_24h if flags & F_BELOW != 0 => {
                Some("24-hour SO2 below 305 ppb defines no index without a 1-hour SO2 value")
            }
            _ => None,
        }
    };
    // Bad data first (it outranks "undefined" in the status), then the undefined measure.
    let found = readings
        .iter()
        .find(|(_, _, f)| f & (F_NOT_FINITE | F_NEGATIVE) != 0)
        .or_else(|| readings.iter().find(|(input, _, f)| reason(input, *f).is_some()));
    match found {
        Some((input, value, flags)) => Error::InvalidValue {
            row: global_row,
            column: input.name.clone(),
            value: *value,
            reason: reason(input, *flags).unwrap_or("invalid").to_owned(),
        },
        None => Error::InvalidValue {
            row: global_row,
            column: String::new(),
            value: f64::NAN,
            reason: "invalid".into(),
        },
    }
}
