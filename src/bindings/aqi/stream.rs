//! Binding of `pt.aqi.HourlyState`: extract, `py.detach(engine)`, export. No stream logic here.

use std::collections::BTreeMap;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use pyo3_arrow::input::AnyRecordBatch;

use crate::bindings::options::{options_struct, required};
use crate::bindings::tables::{read_whole, to_table};
use crate::engine::aqi::hourly::stream::{Emit, HourlyState as Engine, Policy, StreamOptions};
use crate::engine::aqi::AqiOptions;

options_struct! {
    /// The keys of `pollutrack.aqi.DailyOptions` but `duplicates` (the stream's own policy is
    /// `on_duplicate`), with the stream's options.
    struct StreamArgs("HourlyState") {
        station: String,
        time: String,
        pollutants: BTreeMap<String, String>,
        units: BTreeMap<String, String>,
        na_values: Vec<f64>,
        standard: String,
        tz: String,
        emit: String,
        lateness: u32,
        on_late: String,
        on_duplicate: String,
    }
}

impl StreamArgs {
    fn build(self) -> PyResult<StreamOptions> {
        Ok(StreamOptions {
            station: required(self.station, "station")?,
            time: required(self.time, "time")?,
            pollutants: self.pollutants.unwrap_or_default().into_iter().collect(),
            units: self.units.unwrap_or_default().into_iter().collect(),
            na_values: self.na_values.unwrap_or_default(),
            standard: self.standard.unwrap_or_else(|| AqiOptions::default().standard),
            tz: self.tz,
            emit: Emit::parse(self.emit.as_deref().unwrap_or("nowcast"))?,
            lateness: self.lateness.unwrap_or(3),
            on_late: Policy::parse("on_late", self.on_late.as_deref().unwrap_or("drop"))?,
            on_duplicate: Policy::parse("on_duplicate", self.on_duplicate.as_deref().unwrap_or("drop"))?,
        })
    }
}

/// The incremental NowCast / daily state of one stream.
#[pyclass(name = "HourlyState", module = "pollutrack._core.aqi")]
struct HourlyState {
    inner: Engine,
}

#[pymethods]
impl HourlyState {
    #[new]
    fn new(options: StreamArgs) -> PyResult<Self> {
        Ok(Self { inner: Engine::new(options.build()?)? })
    }

    /// Takes one batch; returns `(emitted, set_aside)` (pyarrow.Tables).
    fn update(&mut self, py: Python<'_>, data: AnyRecordBatch) -> PyResult<(Py<PyAny>, Py<PyAny>)> {
        let read = read_whole(data)?;
        let inner = &mut self.inner;
        let update = py.detach(|| read().and_then(|batch| inner.update(&batch)))?;
        Ok((to_table(py, update.out)?, to_table(py, update.set_aside)?))
    }

    /// Ends the stream: the days still open (daily), or an empty table (NowCast).
    fn flush(&mut self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let inner = &mut self.inner;
        let out = py.detach(|| inner.flush())?;
        to_table(py, out)
    }

    fn to_bytes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let bytes = py.detach(|| self.inner.to_bytes())?;
        Ok(PyBytes::new(py, &bytes))
    }

    #[staticmethod]
    fn from_bytes(py: Python<'_>, data: &[u8]) -> PyResult<Self> {
        let inner = py.detach(|| Engine::from_bytes(data))?;
        Ok(Self { inner })
    }

    /// Rows received, and rows set aside as late or duplicate, since the stream began.
    #[getter]
    fn counts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let c = self.inner.counts();
        let out = PyDict::new(py);
        out.set_item("late", c.late)?;
        out.set_item("duplicate", c.duplicate)?;
        out.set_item("rows", c.rows)?;
        Ok(out)
    }

    #[getter]
    fn stations(&self) -> usize {
        self.inner.stations()
    }

    #[getter]
    fn nbytes(&self) -> usize {
        self.inner.nbytes()
    }

    /// The options the state was made with (restored by `from_bytes`), as a dict.
    #[getter]
    fn options<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let o = self.inner.options();
        let out = PyDict::new(py);
        out.set_item("station", &o.station)?;
        out.set_item("time", &o.time)?;
        if !o.pollutants.is_empty() {
            out.set_item("pollutants", o.pollutants.iter().cloned().collect::<BTreeMap<_, _>>())?;
        }
        if !o.units.is_empty() {
            out.set_item("units", o.units.iter().cloned().collect::<BTreeMap<_, _>>())?;
        }
        if !o.na_values.is_empty() {
            out.set_item("na_values", &o.na_values)?;
        }
        out.set_item("standard", &o.standard)?;
        if let Some(tz) = &o.tz {
            out.set_item("tz", tz)?;
        }
        out.set_item("emit", if o.emit == Emit::Nowcast { "nowcast" } else { "daily" })?;
        out.set_item("lateness", o.lateness)?;
        let policy = |p: Policy| if p == Policy::Drop { "drop" } else { "raise" };
        out.set_item("on_late", policy(o.on_late))?;
        out.set_item("on_duplicate", policy(o.on_duplicate))?;
        Ok(out)
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<HourlyState>()
}
