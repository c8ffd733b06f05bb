//! Bindings of `pollutrack.io`: extract, `py.detach(engine)`, export. No JSON logic here.
//!
//! The read options arrive as one dict (`**options` in Python, declared once there as the
//! `ReadOptions` `TypedDict`) and are extracted once, here, into the engine's `ReadOptions`.
//! While a read runs without the GIL it asks Python for pending signals every 50 ms, so Ctrl-C
//! stops it.

use std::path::PathBuf;
use std::sync::Mutex;

use arrow_array::RecordBatch;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use pyo3_arrow::{PyRecordBatch, PySchema, PyTable};

use crate::engine::io::{self, parse_unit, rejected, FormatChoice, OnError, ReadOptions};
use crate::engine::Error;

/// The keyword options of `read_json` and `iter_json`, extracted from their `**options` dict.
struct Options(ReadOptions);

impl<'py> FromPyObject<'_, 'py> for Options {
    type Error = PyErr;

    fn extract(obj: Borrowed<'_, 'py, PyAny>) -> PyResult<Self> {
        let mut options = ReadOptions::default();
        let dict = obj.cast::<PyDict>()?;
        for (key, value) in dict.iter() {
            let key = key.cast::<PyString>()?.to_cow()?.into_owned();
            match key.as_str() {
                "schema" => options.schema = value.extract::<Option<PySchema>>()?.map(PySchema::into_inner),
                "format" => options.format = FormatChoice::parse(&value.extract::<String>()?)?,
                "on_error" => options.on_error = OnError::parse(&value.extract::<String>()?)?,
                "flatten" => options.flatten = value.extract()?,
                "infer_rows" => options.infer_rows = value.extract()?,
                "chunk_bytes" => options.chunk_bytes = value.extract()?,
                "max_record_bytes" => options.max_record_bytes = value.extract()?,
                "epoch_unit" => {
                    let unit = value.extract::<Option<String>>()?;
                    options.epoch_unit = unit.as_deref().map(parse_unit).transpose()?;
                }
                other => return Err(PyTypeError::new_err(format!("unexpected keyword argument '{other}'"))),
            }
        }
        Ok(Self(options))
    }
}

/// Runs `work` without the GIL, with an interrupt that checks Python's signals (Ctrl-C); a
/// signal's exception (`KeyboardInterrupt`) is what the call raises.
fn detach_interruptible<T: Send>(
    py: Python<'_>,
    work: impl FnOnce(io::Interrupt<'_>) -> Result<T, Error> + Send,
) -> PyResult<T> {
    let (result, signal) = py.detach(|| {
        let mut signal: Option<PyErr> = None;
        let mut interrupt = || {
            #[allow(clippy::redundant_closure_for_method_calls)] // the method is not general enough
            let checked = Python::attach(|py| py.check_signals());
            signal = checked.err();
            signal.is_some()
        };
        let result = work(&mut interrupt);
        (result, signal)
    });
    match (result, signal) {
        (Err(Error::Interrupted), Some(signal)) => Err(signal),
        (result, _) => Ok(result?),
    }
}

fn batch(py: Python<'_>, batch: RecordBatch) -> PyResult<Py<PyAny>> {
    Ok(PyRecordBatch::new(batch).into_pyarrow(py)?.unbind())
}

/// Reads JSON files whole; returns (table, rejected, options as JSON).
#[pyfunction]
#[pyo3(signature = (paths, **options))]
fn read_json(
    py: Python<'_>,
    paths: Vec<PathBuf>,
    options: Option<Options>,
) -> PyResult<(Py<PyAny>, Py<PyAny>, String)> {
    let options = options.map(|o| o.0).unwrap_or_default();
    let out = detach_interruptible(py, |interrupt| io::read_json(paths, &options, interrupt))?;
    let table = PyTable::try_new(out.batches, out.schema)?.into_pyarrow(py)?.unbind();
    let rejected = PyTable::try_new(vec![out.rejected], rejected::schema())?.into_pyarrow(py)?.unbind();
    Ok((table, rejected, options.describe()))
}

/// A stream of batches from JSON files, read chunk by chunk with the GIL released.
#[pyclass(frozen, name = "JsonReader", module = "pollutrack._core.io")]
struct JsonReader {
    inner: Mutex<io::JsonReader>,
}

#[pymethods]
impl JsonReader {
    #[new]
    #[pyo3(signature = (paths, *, batch_rows=65_536, **options))]
    fn new(
        py: Python<'_>,
        paths: Vec<PathBuf>,
        batch_rows: usize,
        options: Option<Options>,
    ) -> PyResult<Self> {
        let options = ReadOptions { batch_rows, ..options.map(|o| o.0).unwrap_or_default() };
        let inner = detach_interruptible(py, |interrupt| io::JsonReader::open(paths, &options, interrupt))?;
        Ok(Self { inner: Mutex::new(inner) })
    }

    /// The schema of the batches (a pyarrow.Schema).
    fn schema(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let schema = self.inner.lock().expect("reader lock").schema();
        Ok(PySchema::new(schema).into_pyarrow(py)?.unbind())
    }

    /// The next (batch, rejected) pair of pyarrow `RecordBatch`es, or None at the end.
    fn next_batch(&self, py: Python<'_>) -> PyResult<Option<(Py<PyAny>, Py<PyAny>)>> {
        let next = detach_interruptible(py, |interrupt| {
            self.inner.lock().expect("reader lock").next_batch(interrupt)
        })?;
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
