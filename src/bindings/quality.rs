//! Bindings of `pt.quality`: extract, `py.detach(engine)`, export.

use super::tables::{read_whole, to_table};
use pyo3::prelude::*;
use pyo3_arrow::input::AnyRecordBatch;

use crate::engine::quality;

/// Runs the rules (a JSON list) over the data: the report (one row per rule) and, with
/// `failures`, the failing rows (else None).
#[pyfunction]
#[pyo3(signature = (data, rules, *, max_examples=5, failures=false))]
fn check(
    py: Python<'_>,
    data: AnyRecordBatch,
    rules: &str,
    max_examples: usize,
    failures: bool,
) -> PyResult<(Py<PyAny>, Option<Py<PyAny>>)> {
    let rules = quality::parse(rules)?;
    let read = read_whole(data)?;
    let (report, rows) = py.detach(|| {
        let batch = read()?;
        if failures {
            quality::check_with_failures(&batch, &rules, max_examples).map(|(r, f)| (r, Some(f)))
        } else {
            quality::check(&batch, &rules, max_examples).map(|r| (r, None))
        }
    })?;
    Ok((to_table(py, report)?, rows.map(|f| to_table(py, f)).transpose()?))
}

/// Row counts in and out, and with a key, missing, added and duplicated keys.
#[pyfunction]
#[pyo3(signature = (source, target, *, key=None, max_examples=5))]
fn reconcile(
    py: Python<'_>,
    source: AnyRecordBatch,
    target: AnyRecordBatch,
    key: Option<Vec<String>>,
    max_examples: usize,
) -> PyResult<Py<PyAny>> {
    let (read_source, read_target) = (read_whole(source)?, read_whole(target)?);
    let report = py.detach(move || {
        let (s, t) = (read_source()?, read_target()?);
        quality::reconcile(&s, &t, key.as_deref(), max_examples)
    })?;
    to_table(py, report)
}

/// `pollutrack._core.quality`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(check, m)?)?;
    m.add_function(wrap_pyfunction!(reconcile, m)?)?;
    Ok(())
}
