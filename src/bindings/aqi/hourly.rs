//! Bindings of `pt.aqi.nowcast`, `pt.aqi.daily` and `pt.aqi.rolling`: extract, `py.detach`, export.

use std::collections::BTreeMap;

use crate::bindings::options::{options_struct, required};
use crate::bindings::tables::{read_whole, to_table};

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3_arrow::input::AnyRecordBatch;

use crate::engine::aqi::hourly::rolling::RollingOptions;
use crate::engine::aqi::hourly::{self as engine, Duplicates, HourlyOptions};
use crate::engine::aqi::AqiOptions;
use crate::engine::Error;

options_struct! {
    /// The keys of `pollutrack.aqi.DailyOptions` (`nowcast` takes all but `tz`), with the
    /// station and time columns.
    struct HourlyArgs("hourly") {
        station: String,
        time: String,
        pollutants: BTreeMap<String, String>,
        units: BTreeMap<String, String>,
        duplicates: String,
        standard: String,
        tz: String,
        na_values: Vec<f64>,
    }
}

options_struct! {
    /// The keys of `pollutrack.aqi.RollingOptions`, with the required arguments of `rolling`.
    struct RollingArgs("rolling") {
        station: String,
        time: String,
        column: String,
        hours: usize,
        min_valid: usize,
        duplicates: String,
        na_values: Vec<f64>,
    }
}

/// Two rows of one station in one hour are an error unless the caller chose otherwise.
fn duplicates(given: Option<&str>) -> Result<Duplicates, Error> {
    given.map_or(Ok(Duplicates::Error), Duplicates::parse)
}

impl HourlyArgs {
    /// The engine's options, the standard (default: `AqiOptions`'s) and the day's time zone.
    fn build(self) -> PyResult<(HourlyOptions, String, Option<String>)> {
        let options = HourlyOptions {
            station: required(self.station, "station")?,
            time: required(self.time, "time")?,
            pollutants: self.pollutants.unwrap_or_default().into_iter().collect(),
            units: self.units.unwrap_or_default().into_iter().collect(),
            duplicates: duplicates(self.duplicates.as_deref())?,
            na_values: self.na_values.unwrap_or_default(),
        };
        let standard = self.standard.unwrap_or_else(|| AqiOptions::default().standard);
        Ok((options, standard, self.tz))
    }
}

/// Hourly NowCast per station (a pyarrow.Table: the input rows with NowCast columns).
#[pyfunction]
fn nowcast(py: Python<'_>, data: AnyRecordBatch, options: HourlyArgs) -> PyResult<Py<PyAny>> {
    let (options, standard, tz) = options.build()?;
    if tz.is_some() {
        // Hours are found by timestamp; only days need a zone.
        return Err(PyTypeError::new_err("unexpected nowcast option 'tz' (a daily option)"));
    }
    let read = read_whole(data)?;
    let out = py.detach(|| read().and_then(|batch| engine::nowcast(batch, &options, &standard)))?;
    to_table(py, out)
}

/// Daily AQI per station and local standard-time day (a pyarrow.Table).
#[pyfunction]
fn daily(py: Python<'_>, data: AnyRecordBatch, options: HourlyArgs) -> PyResult<Py<PyAny>> {
    let (options, standard, tz) = options.build()?;
    let read = read_whole(data)?;
    let out =
        py.detach(|| read().and_then(|batch| engine::daily(batch, &options, &standard, tz.as_deref())))?;
    to_table(py, out)
}

/// Trailing mean over `hours` hours per station (a pyarrow.Table).
#[pyfunction]
fn rolling(py: Python<'_>, data: AnyRecordBatch, options: RollingArgs) -> PyResult<Py<PyAny>> {
    let options = RollingOptions {
        station: required(options.station, "station")?,
        time: required(options.time, "time")?,
        column: required(options.column, "column")?,
        hours: required(options.hours, "hours")?,
        min_valid: required(options.min_valid, "min_valid")?,
        duplicates: duplicates(options.duplicates.as_deref())?,
        na_values: options.na_values.unwrap_or_default(),
    };
    let read = read_whole(data)?;
    let out = py.detach(|| read().and_then(|batch| engine::rolling(&batch, &options)))?;
    to_table(py, out)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(nowcast, m)?)?;
    m.add_function(wrap_pyfunction!(daily, m)?)?;
    m.add_function(wrap_pyfunction!(rolling, m)?)?;
    Ok(())
}
