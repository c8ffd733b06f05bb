//! Arrow in and out shared by the bindings: a whole input as one batch, one batch as a table.

use arrow_array::RecordBatch;
use arrow_schema::ArrowError;
use arrow_select::concat::concat_batches;
use pyo3::prelude::*;
use pyo3_arrow::input::AnyRecordBatch;
use pyo3_arrow::PyTable;

use crate::engine::Error;

/// Takes the input's stream now (with the GIL); the returned reader, run inside `py.detach`,
/// reads every batch into one (for work that needs every row at once).
pub fn read_whole(data: AnyRecordBatch) -> PyResult<impl FnOnce() -> Result<RecordBatch, Error> + Send> {
    let reader = data.into_reader()?;
    Ok(move || {
        let schema = reader.schema();
        let batches = reader.collect::<Result<Vec<_>, ArrowError>>()?;
        Ok(concat_batches(&schema, &batches)?)
    })
}

/// One batch as a pyarrow.Table.
pub fn to_table(py: Python<'_>, batch: RecordBatch) -> PyResult<Py<PyAny>> {
    let schema = batch.schema();
    Ok(PyTable::try_new(vec![batch], schema)?.into_pyarrow(py)?.unbind())
}
