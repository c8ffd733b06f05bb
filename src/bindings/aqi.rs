//! Bindings of `pollutrack.aqi`: extract, `py.detach(engine)`, export. No AQI logic here.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::ArrowError;
use pyo3::prelude::*;
use pyo3_arrow::input::AnyRecordBatch;
use pyo3_arrow::{PyArray, PyRecordBatch, PySchema, PyTable};

use super::options::options_struct;
use super::tables::to_table;

mod hourly;
mod stream;
use crate::engine::aqi::{self, reference, AqiOptions, AqiPlan as EnginePlan, Beyond, Negative, OnInvalid};
use crate::engine::{plain, Error};

options_struct! {
    /// The keys of `pollutrack.aqi.AqiOptions`, and `skip_unrated` (which `compare` sets).
    struct AqiArgs("AQI") {
        standard: String,
        columns: BTreeMap<String, Option<String>>,
        units: BTreeMap<String, String>,
        subindices: bool,
        on_invalid: String,
        beyond: String,
        negative: String,
        temperature: u32,
        skip_unrated: bool,
    }
}

impl AqiArgs {
    /// The engine's options: what was given, else `AqiOptions::default()` (the one place the
    /// defaults live; `None` for `beyond`, `negative` and `temperature` means the standard's own).
    fn build(self) -> Result<AqiOptions, Error> {
        let default = AqiOptions::default();
        Ok(AqiOptions {
            standard: self.standard.unwrap_or(default.standard),
            columns: self.columns.map_or(default.columns, |c| c.into_iter().collect()),
            units: self.units.map_or(default.units, |u| u.into_iter().collect()),
            subindices: self.subindices.unwrap_or(default.subindices),
            on_invalid: self
                .on_invalid
                .as_deref()
                .map(OnInvalid::parse)
                .transpose()?
                .unwrap_or(default.on_invalid),
            beyond: self.beyond.as_deref().map(Beyond::parse).transpose()?.or(default.beyond),
            negative: self.negative.as_deref().map(Negative::parse).transpose()?.or(default.negative),
            temperature: self.temperature.or(default.temperature),
            skip_unrated: self.skip_unrated.unwrap_or(default.skip_unrated),
        })
    }
}

fn table(py: Python<'_>, batches: Vec<RecordBatch>, schema: arrow_schema::SchemaRef) -> PyResult<Py<PyAny>> {
    Ok(PyTable::try_new(batches, schema)?.into_pyarrow(py)?.unbind())
}

/// Computes the AQI of every row of `data`; returns a pyarrow.Table.
#[pyfunction]
#[pyo3(signature = (data, options=None))]
fn compute(py: Python<'_>, data: AnyRecordBatch, options: Option<AqiArgs>) -> PyResult<Py<PyAny>> {
    let options = options.unwrap_or_default().build()?;
    let reader = data.into_reader()?;
    let input = reader.schema();
    let (batches, schema) = py.detach(|| -> Result<_, Error> {
        let batches = reader.collect::<Result<Vec<_>, ArrowError>>()?;
        // Planned with the values at hand, so a text column holding numbers is told so.
        let plan = EnginePlan::with_values(&input, options, &batches)?;
        aqi::compute(&plan, &batches)
    })?;
    table(py, batches, schema)
}

/// A plan made once for a stream's schema; computes batches one at a time.
#[pyclass(frozen, name = "Plan", module = "pollutrack._core.aqi")]
struct Plan {
    plan: EnginePlan,
    rows_seen: AtomicU64,
}

#[pymethods]
impl Plan {
    #[new]
    #[pyo3(signature = (schema, options=None))]
    fn new(schema: PySchema, options: Option<AqiArgs>) -> PyResult<Self> {
        let options = options.unwrap_or_default().build()?;
        let plan = EnginePlan::new(&schema.into_inner(), options)?;
        Ok(Self { plan, rows_seen: AtomicU64::new(0) })
    }

    /// The output schema (a pyarrow.Schema).
    fn schema(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Ok(PySchema::new(self.plan.schema(None)).into_pyarrow(py)?.unbind())
    }

    /// Computes one batch (a pyarrow.RecordBatch); rows are numbered across calls. `labels`:
    /// `"dictionary"` (as `compute`), or `"string"` / `"large_string"` with no metadata (Spark).
    #[pyo3(signature = (batch, *, labels="dictionary"))]
    fn compute_batch(&self, py: Python<'_>, batch: PyRecordBatch, labels: &str) -> PyResult<Py<PyAny>> {
        let large = match labels {
            "dictionary" => None,
            "string" => Some(false),
            "large_string" => Some(true),
            other => {
                let message =
                    format!("labels must be 'dictionary', 'string' or 'large_string', not {other:?}");
                return Err(Error::spec(message).into());
            }
        };
        let batch = batch.into_inner();
        let first = self.rows_seen.fetch_add(batch.num_rows() as u64, Ordering::SeqCst);
        let out = py.detach(|| {
            let out = aqi::compute_batch(&self.plan, &batch, first)?;
            match large {
                None => Ok(out),
                Some(large) => plain::plain_batch(&out, large),
            }
        })?;
        Ok(PyRecordBatch::new(out).into_pyarrow(py)?.unbind())
    }

    /// Rows computed so far.
    #[getter]
    fn rows_seen(&self) -> u64 {
        self.rows_seen.load(Ordering::SeqCst)
    }
}

/// One measure's sub-index for each value (a pyarrow int32 Array, null where undefined).
#[pyfunction]
#[pyo3(signature = (values, measure, *, standard="us_epa_2024", unit=None, beyond=None, negative=None))]
fn subindex(
    py: Python<'_>,
    values: PyArray,
    measure: &str,
    standard: &str,
    unit: Option<&str>,
    beyond: Option<&str>,
    negative: Option<&str>,
) -> PyResult<Py<PyAny>> {
    let beyond = beyond.map(Beyond::parse).transpose()?;
    let negative = negative.map(Negative::parse).transpose()?;
    let values: ArrayRef = values.into_inner().0;
    let out = py.detach(|| reference::subindex(&values, measure, standard, unit, beyond, negative))?;
    Ok(PyArray::from_array_ref(Arc::new(out)).to_pyarrow(py)?.unbind())
}

/// The lowest concentration whose sub-index reaches each index (a pyarrow float64 Array).
#[pyfunction]
#[pyo3(signature = (indices, measure, *, standard="us_epa_2024"))]
fn concentration(py: Python<'_>, indices: PyArray, measure: &str, standard: &str) -> PyResult<Py<PyAny>> {
    let indices: ArrayRef = indices.into_inner().0;
    let out = py.detach(|| reference::concentration(&indices, measure, standard))?;
    Ok(PyArray::from_array_ref(Arc::new(out)).to_pyarrow(py)?.unbind())
}

/// The built-in standards and their measures (a pyarrow.Table, one row per standard and measure).
#[pyfunction]
fn standards(py: Python<'_>) -> PyResult<Py<PyAny>> {
    to_table(py, reference::standards())
}

/// Ids of the built-in standards, the default first.
#[pyfunction]
fn standard_ids() -> Vec<String> {
    aqi::standard::builtins().iter().map(|s| s.id.clone()).collect()
}

/// A standard (built-in id or custom JSON) validated: `(id, title, normalised JSON)`.
#[pyfunction]
fn standard_spec(py: Python<'_>, standard: &str) -> PyResult<(String, String, String)> {
    let s = py.detach(|| aqi::resolve(standard))?;
    Ok((s.id.clone(), s.title.clone(), s.to_json()))
}

/// The key of the measure `name` stands for under a standard: a key, a plain pollutant name
/// (its default measure) or a recognised column name.
#[pyfunction]
fn measure_key(py: Python<'_>, standard: &str, name: &str) -> PyResult<String> {
    let s = py.detach(|| aqi::resolve(standard))?;
    Ok(s.measures[s.measure_for_key(name)?].key.clone())
}

/// The EPA `PurpleAir` PM2.5 correction appended to `data` (a pyarrow.Table).
#[pyfunction]
#[pyo3(signature = (data, *, pm25, humidity, method, output))]
fn correct_purpleair(
    py: Python<'_>,
    data: AnyRecordBatch,
    pm25: &str,
    humidity: &str,
    method: &str,
    output: &str,
) -> PyResult<Py<PyAny>> {
    let method = aqi::purpleair::Method::parse(method)?;
    let reader = data.into_reader()?;
    // Batch by batch: the input columns pass through untouched (no concatenation copy).
    let (batches, schema) = py.detach(|| -> Result<_, Error> {
        let schema = reader.schema();
        let mut batches = reader.collect::<Result<Vec<_>, ArrowError>>()?;
        if batches.is_empty() {
            batches.push(RecordBatch::new_empty(schema));
        }
        let out = batches
            .iter()
            .map(|b| aqi::purpleair::apply(b, pm25, humidity, method, output))
            .collect::<Result<Vec<_>, Error>>()?;
        let schema = out[0].schema();
        Ok((out, schema))
    })?;
    table(py, batches, schema)
}

/// The breakpoint table of a standard (a pyarrow.Table).
#[pyfunction]
fn breakpoints(py: Python<'_>, standard: &str) -> PyResult<Py<PyAny>> {
    let batch = reference::breakpoints(standard)?;
    let schema = batch.schema();
    table(py, vec![batch], schema)
}

/// The categories and colours of a standard (a pyarrow.Table).
#[pyfunction]
fn categories(py: Python<'_>, standard: &str) -> PyResult<Py<PyAny>> {
    let batch = reference::categories(standard)?;
    let schema = batch.schema();
    table(py, vec![batch], schema)
}

/// `pollutrack._core.aqi`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(compute, m)?)?;
    m.add_function(wrap_pyfunction!(subindex, m)?)?;
    m.add_function(wrap_pyfunction!(concentration, m)?)?;
    m.add_function(wrap_pyfunction!(standards, m)?)?;
    m.add_function(wrap_pyfunction!(standard_ids, m)?)?;
    m.add_function(wrap_pyfunction!(standard_spec, m)?)?;
    m.add_function(wrap_pyfunction!(measure_key, m)?)?;
    m.add_function(wrap_pyfunction!(correct_purpleair, m)?)?;
    m.add_function(wrap_pyfunction!(breakpoints, m)?)?;
    m.add_function(wrap_pyfunction!(categories, m)?)?;
    m.add_class::<Plan>()?;
    hourly::register(m)?;
    stream::register(m)
}
