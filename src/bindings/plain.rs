//! Binding of `engine::plain`: the schema Spark sees, from the one rule the engine writes by.

use pyo3::prelude::*;
use pyo3_arrow::PySchema;

use crate::engine::plain;

/// `schema` with dictionary and string columns as (large) strings and no metadata.
#[pyfunction]
#[pyo3(signature = (schema, *, large))]
fn plain_schema(py: Python<'_>, schema: PySchema, large: bool) -> PyResult<Py<PyAny>> {
    let plain = plain::plain_schema(&schema.into_inner(), large);
    Ok(PySchema::new(plain.into()).into_pyarrow(py)?.unbind())
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(plain_schema, m)?)?;
    Ok(())
}
