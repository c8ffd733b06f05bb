//! Bindings of `pollutrack.io`: extract, `py.detach(engine)`, export. No JSON logic here.

use std::path::PathBuf;
use std::sync::Mutex;

use arrow_array::RecordBatch;
use pyo3::prelude::*;
use pyo3_arrow::{PyRecordBatch, PySchema, PyTable};

use crate::engine::io::{self, rejected, FormatChoice, OnError, ReadOptions, CHUNK_BYTES, INFER_ROWS};
use crate::engine::Error;

// The signatures spell the defaults as literals so that Python shows them (stubtest checks).
const _: () = assert!(INFER_ROWS == 10_000 && CHUNK_BYTES == 524_288);

fn options(
    schema: Option<PySchema>,
    format: &str,
    on_error: &str,
    flatten: bool,
    infer_rows: usize,
    chunk_bytes: usize,
    batch_rows: usize,
) -> Result<ReadOptions, Error> {
    Ok(ReadOptions {
        format: FormatChoice::parse(format)?,
        schema: schema.map(PySchema::into_inner),
        infer_rows,
        flatten,
        on_error: OnError::parse(on_error)?,
        chunk_bytes,
        batch_rows,
    })
}

fn batch(py: Python<'_>, batch: RecordBatch) -> PyResult<Py<PyAny>> {
    Ok(PyRecordBatch::new(batch).into_pyarrow(py)?.unbind())
}

/// Reads JSON files whole; returns (table, rejected) as pyarrow Tables.
#[allow(clippy::too_many_arguments)] // the keyword options of `pt.io.read_json`
#[pyfunction]
#[pyo3(signature = (paths, *, schema=None, format="auto", on_error="quarantine", flatten=false, infer_rows=10_000, chunk_bytes=524_288))]
fn read_json(
    py: Python<'_>,
    paths: Vec<PathBuf>,
    schema: Option<PySchema>,
    format: &str,
    on_error: &str,
    flatten: bool,
    infer_rows: usize,
    chunk_bytes: usize,
) -> PyResult<(Py<PyAny>, Py<PyAny>)> {
    let options = options(schema, format, on_error, flatten, infer_rows, chunk_bytes, usize::MAX)?;
    let out = py.detach(|| io::read_json(paths, &options))?;
    let table = PyTable::try_new(out.batches, out.schema)?.into_pyarrow(py)?.unbind();
    let rejected = PyTable::try_new(vec![out.rejected], rejected::schema())?.into_pyarrow(py)?.unbind();
    Ok((table, rejected))
}

/// A stream of batches from JSON files, read chunk by chunk with the GIL released.
#[pyclass(frozen, name = "JsonReader", module = "pollutrack._core.io")]
struct JsonReader {
    inner: Mutex<io::JsonReader>,
}

#[pymethods]
impl JsonReader {
    #[new]
    #[allow(clippy::too_many_arguments)] // the keyword options of `pt.io.iter_json`
    #[pyo3(signature = (paths, *, schema=None, format="auto", on_error="quarantine", flatten=false, infer_rows=10_000, chunk_bytes=524_288, batch_rows=65_536))]
    fn new(
        py: Python<'_>,
        paths: Vec<PathBuf>,
        schema: Option<PySchema>,
        format: &str,
        on_error: &str,
        flatten: bool,
        infer_rows: usize,
        chunk_bytes: usize,
        batch_rows: usize,
    ) -> PyResult<Self> {
        let options = options(schema, format, on_error, flatten, infer_rows, chunk_bytes, batch_rows)?;
        let inner = py.detach(|| io::JsonReader::open(paths, &options))?;
        Ok(Self { inner: Mutex::new(inner) })
    }

    /// The schema of the batches (a pyarrow.Schema).
    fn schema(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let schema = self.inner.lock().expect("reader lock").schema();
        Ok(PySchema::new(schema).into_pyarrow(py)?.unbind())
    }

    /// The next (batch, rejected) pair of pyarrow `RecordBatch`es, or None at the end.
    fn next_batch(&self, py: Python<'_>) -> PyResult<Option<(Py<PyAny>, Py<PyAny>)>> {
        let next = py.detach(|| self.inner.lock().expect("reader lock").next_batch())?;
        let Some((rows, rejected)) = next else { return Ok(None) };
        let rejected = rejected::to_batch(&rejected)?;
        Ok(Some((batch(py, rows)?, batch(py, rejected)?)))
    }
}

/// `pollutrack._core.io`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(read_json, m)?)?;
    m.add_class::<JsonReader>()?;
    Ok(())
}
