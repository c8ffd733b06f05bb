//! Bindings of `pt.quality`: extract, `py.detach(engine)`, export.

use arrow_array::RecordBatch;
use arrow_schema::ArrowError;
use arrow_select::concat::concat_batches;
use pyo3::prelude::*;
use pyo3_arrow::input::AnyRecordBatch;
use pyo3_arrow::PyTable;

use crate::engine::quality;
use crate::engine::Error;

fn read(data: AnyRecordBatch) -> PyResult<impl FnOnce() -> Result<RecordBatch, Error> + Send> {
    let reader = data.into_reader()?;
    Ok(move || {
        let schema = reader.schema();
        let batches = reader.collect::<Result<Vec<_>, ArrowError>>()?;
        Ok(concat_batches(&schema, &batches)?)
    })
}

fn table(py: Python<'_>, batch: RecordBatch) -> PyResult<Py<PyAny>> {
    let schema = batch.schema();
    Ok(PyTable::try_new(vec![batch], schema)?.into_pyarrow(py)?.unbind())
}

/// Runs the rules (a JSON list) over the data; one report row per rule.
#[pyfunction]
#[pyo3(signature = (data, rules, *, max_examples=5))]
fn quality_check(
    py: Python<'_>,
    data: AnyRecordBatch,
    rules: &str,
    max_examples: usize,
) -> PyResult<Py<PyAny>> {
    let rules = quality::parse(rules)?;
    let read = read(data)?;
    let report = py.detach(|| read().and_then(|batch| quality::check(&batch, &rules, max_examples)))?;
    table(py, report)
}

/// Row counts in and out, and with a key, missing, added and duplicated keys.
#[pyfunction]
#[pyo3(signature = (source, target, *, key=None, max_examples=5))]
fn quality_reconcile(
    py: Python<'_>,
    source: AnyRecordBatch,
    target: AnyRecordBatch,
    key: Option<Vec<String>>,
    max_examples: usize,
) -> PyResult<Py<PyAny>> {
    let (read_source, read_target) = (read(source)?, read(target)?);
    let report = py.detach(move || {
        let (s, t) = (read_source()?, read_target()?);
        quality::reconcile(&s, &t, key.as_deref(), max_examples)
    })?;
    table(py, report)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(quality_check, m)?)?;
    m.add_function(wrap_pyfunction!(quality_reconcile, m)?)?;
    Ok(())
}
