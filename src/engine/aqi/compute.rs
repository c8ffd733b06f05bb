//! Batches in, batches out: splits each batch into fixed row tasks, runs them on the pool and
//! assembles the appended columns. Input columns pass through untouched (zero-copy).

use std::sync::Arc;

use arrow_array::types::ArrowDictionaryKeyType;
use arrow_array::{
    Array, ArrayRef, DictionaryArray, Float64Array, Int16Array, Int32Array, Int8Array, PrimitiveArray,
    RecordBatch,
};
use arrow_buffer::{ArrowNativeType, BooleanBuffer, Buffer, NullBuffer, ScalarBuffer};
use arrow_schema::SchemaRef;
use rayon::prelude::*;

use super::combine::is_invalid;
use super::kernel::run_task;
use super::plan::{AqiPlan, OnInvalid, PlannedInput};
use super::subindex::{Negative, F_ABOVE, F_BELOW, F_NEGATIVE, F_NOT_FINITE};
use super::task::TaskOut;
use crate::engine::parallel::{install, map_tasks, TASK_ROWS};
use crate::engine::{Error, Result};

/// Output buffers of one batch before they become Arrow arrays.
struct Buffers {
    aqi: Vec<i32>,
    aqi_valid: Vec<u64>,
    category: Vec<i8>,
    dominant: Vec<i16>,
    status: Vec<i8>,
    dominant_valid: Vec<u64>,
    exceeding: Vec<i16>,
    exceeding_valid: Vec<u64>,
    value: Vec<f64>,
    subindices: Vec<(Vec<i32>, Vec<u64>)>,
}

impl Buffers {
    fn new(plan: &AqiPlan, rows: usize) -> Self {
        let words = rows.div_ceil(64);
        let subindex_columns =
            if plan.options.subindices && !plan.is_aqhi() { plan.pollutants.len() } else { 0 };
        let sized = |wanted: bool| if wanted { rows } else { 0 };
        Self {
            aqi: vec![0; rows],
            aqi_valid: vec![0; words],
            category: vec![0; rows],
            dominant: vec![0; rows],
            status: vec![0; rows],
            dominant_valid: vec![0; if plan.standard.primary_above.is_some() { words } else { 0 }],
            exceeding: vec![0; sized(plan.standard.exceeding_above.is_some())],
            exceeding_valid: vec![0; if plan.standard.exceeding_above.is_some() { words } else { 0 }],
            value: vec![f64::NAN; sized(plan.is_aqhi() && plan.options.subindices)],
            subindices: (0..subindex_columns).map(|_| (vec![0; rows], vec![0; words])).collect(),
        }
    }

    /// Splits every buffer into the fixed task ranges.
    fn tasks(&mut self) -> Vec<TaskOut<'_>> {
        let whole = TaskOut {
            start: 0,
            aqi: &mut self.aqi,
            aqi_valid: &mut self.aqi_valid,
            category: &mut self.category,
            dominant: &mut self.dominant,
            status: &mut self.status,
            dominant_valid: &mut self.dominant_valid,
            exceeding: &mut self.exceeding,
            exceeding_valid: &mut self.exceeding_valid,
            value: &mut self.value,
            subindices: self
                .subindices
                .iter_mut()
                .map(|(v, w)| (v.as_mut_slice(), w.as_mut_slice()))
                .collect(),
        };
        whole.split(TASK_ROWS)
    }
}

fn nulls(words: Vec<u64>, rows: usize) -> Option<NullBuffer> {
    let nulls = NullBuffer::new(BooleanBuffer::new(Buffer::from_vec(words), 0, rows));
    (nulls.null_count() > 0).then_some(nulls)
}

/// A dictionary-encoded label column from keys the plan's lookup tables produced.
#[allow(unsafe_code)]
fn labels<K: ArrowDictionaryKeyType>(keys: PrimitiveArray<K>, values: &ArrayRef) -> ArrayRef {
    debug_assert!(keys.values().iter().all(|k| k.as_usize() < values.len()));
    // SAFETY: every key comes from `AqiPlan::category_keys`, `dominant_keys`, the label or
    // status constants, each built as a position in the matching dictionary, so 0 <= key < len.
    // `try_new` would re-check 10 M keys one by one on the calling thread (~10 % of `compute`).
    Arc::new(unsafe { DictionaryArray::<K>::new_unchecked(keys, Arc::clone(values)) })
}

/// Computes one batch. `first_row` is the batch's position in the whole input, used to name the
/// row when `on_invalid="raise"` refuses one.
pub fn compute_batch(plan: &AqiPlan, batch: &RecordBatch, first_row: u64) -> Result<RecordBatch> {
    plan.check_batch(batch)?;
    let rows = batch.num_rows();
    let columns = plan.inputs.iter().map(|input| input.read(batch)).collect::<Result<Vec<_>>>()?;
    let mut buffers = Buffers::new(plan, rows);
    map_tasks(buffers.tasks(), |task| run_task(plan, &columns, task));

    if plan.options.on_invalid == OnInvalid::Raise {
        if let Some(row) = buffers.status.iter().position(|&s| is_invalid(s)) {
            return Err(diagnose(plan, &columns, row, first_row + row as u64));
        }
    }

    let Buffers {
        aqi,
        aqi_valid,
        category,
        dominant,
        status,
        dominant_valid,
        exceeding,
        exceeding_valid,
        value,
        subindices,
    } = buffers;
    let aqi_nulls = nulls(aqi_valid, rows);
    let dominant_nulls =
        if plan.standard.primary_above.is_some() { nulls(dominant_valid, rows) } else { aqi_nulls.clone() };
    let label_keys: Option<Vec<i8>> =
        plan.is_aqhi().then(|| aqi.iter().map(|&a| (a.clamp(1, 11) - 1) as i8).collect());
    let mut out: Vec<ArrayRef> = batch.columns().to_vec();
    out.push(Arc::new(Int32Array::new(ScalarBuffer::from(aqi), aqi_nulls.clone())));
    out.push(labels(Int8Array::new(category.into(), aqi_nulls.clone()), &plan.category_values));
    out.push(labels(Int16Array::new(dominant.into(), dominant_nulls), &plan.dominant_values));
    out.push(labels(Int8Array::new(status.into(), None), &plan.status_values));
    if plan.standard.exceeding_above.is_some() {
        let valid = nulls(exceeding_valid, rows);
        out.push(labels(Int16Array::new(exceeding.into(), valid), &plan.dominant_values));
    }
    if let Some(keys) = label_keys {
        out.push(labels(Int8Array::new(keys.into(), aqi_nulls.clone()), &plan.label_values));
        if plan.options.subindices {
            out.push(Arc::new(Float64Array::new(value.into(), aqi_nulls)));
        }
    }
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
    let readings = plan.inputs.iter().zip(columns).filter(|(_, c)| c.is_valid(row)).map(|(input, c)| {
        let value = c.value(row);
        let table = &plan.standard.measures[input.measure];
        (input, value, table.rate(value, input.multiplier, plan.beyond, plan.negative).1)
    });
    let readings: Vec<_> = readings.collect();
    let reason = |input: &PlannedInput, flags: u8| -> Option<String> {
        let table = &plan.standard.measures[input.measure];
        let (first, last) = (table.printed.first()?, table.printed.last()?);
        let unit = table.unit.key();
        if flags & F_NOT_FINITE != 0 {
            Some("not a finite number".into())
        } else if flags & F_NEGATIVE != 0 {
            Some("negative concentration".into())
        } else if flags & F_ABOVE != 0 {
            let hi = last.1.unwrap_or(f64::INFINITY);
            Some(format!(
                "{} above {hi} {unit} defines no index in {} without a usable value for the pollutant's other averaging period",
                table.key, plan.standard.id
            ))
        } else if flags & F_BELOW != 0 {
            Some(format!(
                "{} below {} {unit} defines no index on its own in {}",
                table.key, first.0, plan.standard.id
            ))
        } else {
            None
        }
    };
    // Bad data first (it outranks "undefined" in the status), then the undefined measure.
    let found = readings
        .iter()
        .find(|(_, _, f)| f & (F_NOT_FINITE | F_NEGATIVE) != 0)
        .or_else(|| readings.iter().find(|(input, _, f)| reason(input, *f).is_some()));
    if let Some((input, value, flags)) = found {
        return Error::InvalidValue {
            row: global_row,
            column: input.name.clone(),
            value: *value,
            reason: reason(input, *flags).unwrap_or_else(|| "invalid".into()),
        };
    }
    // AQHI readings are flagged at row level: find the first bad one directly (a negative one
    // rated as 0 is not bad).
    let refused = if plan.negative == Negative::Zero { F_NOT_FINITE } else { F_NOT_FINITE | F_NEGATIVE };
    let bad = plan.inputs.iter().zip(columns).find_map(|(input, c)| {
        let (value, f) = super::kernel::reading(c, row);
        (f & refused != 0).then_some((input, value, f))
    });
    match bad {
        Some((input, value, f)) => Error::InvalidValue {
            row: global_row,
            column: input.name.clone(),
            value,
            reason: if f & F_NEGATIVE != 0 { "negative concentration" } else { "not a finite number" }.into(),
        },
        None => Error::InvalidValue {
            row: global_row,
            column: String::new(),
            value: f64::NAN,
            reason: "invalid".into(),
        },
    }
}
