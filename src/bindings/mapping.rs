//! Bindings of `pollutrack.mapping`: extract, `py.detach(engine)`, export. No mapping logic here.

use super::options::options_struct;
use super::tables::to_table;
use std::collections::HashMap;
use std::path::PathBuf;

use arrow_schema::ArrowError;
use pyo3::prelude::*;
use pyo3::types::PyTuple;
use pyo3_arrow::input::AnyRecordBatch;
use pyo3_arrow::PyTable;

use crate::engine::mapping::{
    self, drift, readers, report, ApplyOptions, ColumnNames, Normalize, OnUnmapped,
};
use crate::engine::Error;

fn names(columns: Option<HashMap<String, String>>) -> Result<ColumnNames, Error> {
    let mut columns: Vec<_> = columns.unwrap_or_default().into_iter().collect();
    columns.sort();
    ColumnNames::with(&columns)
}

options_struct! {
    /// The keys of `pollutrack.mapping.ApplyOptions` (`normalize` as step names).
    struct ApplyArgs("apply") {
        fields: Vec<String>,
        on_unmapped: String,
        default: String,
        normalize: Vec<String>,
        replace: bool,
    }
}

impl ApplyArgs {
    /// The engine's options; by default every field, unmapped values null, exact keys, appended.
    fn build(self) -> Result<ApplyOptions, Error> {
        Ok(ApplyOptions {
            fields: self.fields,
            on_unmapped: OnUnmapped::parse(
                self.on_unmapped.as_deref().unwrap_or("null"),
                self.default.as_deref(),
            )?,
            normalize: Normalize::parse(&self.normalize.unwrap_or_default())?,
            replace: self.replace.unwrap_or(false),
        })
    }
}

/// A validated mapping sheet, compiled for `apply` and `drift`.
#[pyclass(frozen, name = "Mapping", module = "pollutrack._core.mapping")]
struct Mapping {
    inner: mapping::Mapping,
}

/// Validates loaded rules (called inside `py.detach`: a sheet may hold a million rules).
fn compile(rules: Vec<mapping::rules::RawRule>) -> Result<Mapping, Error> {
    Ok(Mapping { inner: mapping::Mapping::new(rules)? })
}

#[pymethods]
impl Mapping {
    /// Maps `data`; returns (table, report, counts), three pyarrow.Tables.
    #[pyo3(signature = (data, options=None))]
    fn apply(
        &self,
        py: Python<'_>,
        data: AnyRecordBatch,
        options: Option<ApplyArgs>,
    ) -> PyResult<(Py<PyAny>, Py<PyAny>, Py<PyAny>)> {
        let options = options.unwrap_or_default().build()?;
        let reader = data.into_reader()?;
        let schema = reader.schema();
        let (applied, report, counts) = py.detach(|| -> Result<_, Error> {
            let batches = reader.collect::<Result<Vec<_>, ArrowError>>()?;
            let applied = mapping::apply(&self.inner, &schema, &batches, options)?;
            let report = report::report_table(&applied.fields)?;
            let counts = report::counts_table(&applied.fields)?;
            Ok((applied, report, counts))
        })?;
        let out = PyTable::try_new(applied.batches, applied.schema)?.into_pyarrow(py)?.unbind();
        Ok((out, to_table(py, report)?, to_table(py, counts)?))
    }

    /// Drift against allowed values given as JSON text (a pyarrow.Table).
    fn drift(&self, py: Python<'_>, allowed_json: &str) -> PyResult<Py<PyAny>> {
        let allowed = drift::parse_allowed(allowed_json)?;
        let batch = drift::drift_table(&drift::drift(&self.inner, &allowed))?;
        to_table(py, batch)
    }

    /// The unique rules (a pyarrow.Table).
    fn rules(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_table(py, self.inner.rules_table()?)
    }

    /// The exact repeats found on load (a pyarrow.Table).
    fn duplicates(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_table(py, self.inner.duplicates_table()?)
    }

    /// The mapped fields, in sheet order.
    #[getter]
    fn fields(&self) -> Vec<String> {
        self.inner.fields.iter().map(|f| f.name.clone()).collect()
    }

    /// The target field (output name) of each field.
    #[getter]
    fn target_fields(&self) -> HashMap<String, String> {
        self.inner.fields.iter().map(|f| (f.name.clone(), f.output_name().to_owned())).collect()
    }

    /// The compact state a pickle carries (every loaded row, as JSON).
    fn state(&self) -> String {
        self.inner.to_state()
    }

    fn __len__(&self) -> usize {
        self.inner.rules.len()
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let rebuild = py.import("pollutrack._core.mapping")?.getattr("from_state")?;
        PyTuple::new(py, [rebuild.into_any(), PyTuple::new(py, [self.inner.to_state()])?.into_any()])
    }
}

/// A mapping from a workbook (.xlsx, .xlsm, .xls, .xlsb, .ods), and the hidden worksheets
/// skipped.
#[pyfunction]
#[pyo3(signature = (path, *, sheets=None, columns=None, include_hidden=false))]
fn from_excel(
    py: Python<'_>,
    path: PathBuf,
    sheets: Option<Vec<String>>,
    columns: Option<HashMap<String, String>>,
    include_hidden: bool,
) -> PyResult<(Mapping, Vec<String>)> {
    let names = names(columns)?;
    Ok(py.detach(move || -> Result<_, Error> {
        let book = readers::read_excel(&path, sheets.as_deref(), &names, include_hidden)?;
        Ok((compile(book.rules)?, book.skipped_hidden))
    })?)
}

/// A mapping from a CSV file.
#[pyfunction]
#[pyo3(signature = (path, *, columns=None))]
fn from_csv(py: Python<'_>, path: PathBuf, columns: Option<HashMap<String, String>>) -> PyResult<Mapping> {
    let names = names(columns)?;
    Ok(py.detach(move || readers::read_csv(&path, &names).and_then(compile))?)
}

/// A mapping from JSON text; `name` stands for the sheet in messages.
#[pyfunction]
#[pyo3(signature = (text, *, name="json", columns=None))]
fn from_json(
    py: Python<'_>,
    text: &str,
    name: &str,
    columns: Option<HashMap<String, String>>,
) -> PyResult<Mapping> {
    let names = names(columns)?;
    Ok(py.detach(|| readers::read_json(text, name, &names).and_then(compile))?)
}

/// A mapping from an Arrow table of rules.
#[pyfunction]
#[pyo3(signature = (data, *, name="table", columns=None))]
fn from_table(
    py: Python<'_>,
    data: AnyRecordBatch,
    name: &str,
    columns: Option<HashMap<String, String>>,
) -> PyResult<Mapping> {
    let names = names(columns)?;
    let reader = data.into_reader()?;
    let schema = reader.schema();
    Ok(py.detach(|| -> Result<_, Error> {
        let batches = reader.collect::<Result<Vec<_>, ArrowError>>()?;
        compile(readers::read_batches(&batches, &schema, name, &names)?)
    })?)
}

/// A mapping rebuilt from `Mapping.state()` (used by pickle).
#[pyfunction]
fn from_state(py: Python<'_>, state: &str) -> PyResult<Mapping> {
    Ok(py.detach(|| mapping::Mapping::from_state(state).map(|inner| Mapping { inner }))?)
}

/// `pollutrack._core.mapping`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Mapping>()?;
    m.add_function(wrap_pyfunction!(from_excel, m)?)?;
    m.add_function(wrap_pyfunction!(from_csv, m)?)?;
    m.add_function(wrap_pyfunction!(from_json, m)?)?;
    m.add_function(wrap_pyfunction!(from_table, m)?)?;
    m.add_function(wrap_pyfunction!(from_state, m)?)?;
    Ok(())
}
