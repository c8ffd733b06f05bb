//! Bindings of `pt.aqi.nowcast`, `pt.aqi.daily` and `pt.aqi.rolling`: extract, `py.detach`, export.

use crate::bindings::tables::{read_whole, to_table};
use std::collections::HashMap;

use pyo3::prelude::*;
use pyo3_arrow::input::AnyRecordBatch;

use crate::engine::aqi::hourly::rolling::RollingOptions;
use crate::engine::aqi::hourly::{self as engine, Duplicates, HourlyOptions};
use crate::engine::Error;

fn options(
    station: &str,
    time: &str,
    pollutants: Option<HashMap<String, String>>,
    units: Option<HashMap<String, String>>,
    duplicates: &str,
) -> Result<HourlyOptions, Error> {
    let mut pollutants: Vec<_> = pollutants.unwrap_or_default().into_iter().collect();
    pollutants.sort();
    let mut units: Vec<_> = units.unwrap_or_default().into_iter().collect();
    units.sort();
    Ok(HourlyOptions {
        station: station.to_owned(),
        time: time.to_owned(),
        pollutants,
        units,
        duplicates: Duplicates::parse(duplicates)?,
    })
}

/// Hourly NowCast per station (a pyarrow.Table: the input rows with NowCast columns).
#[allow(clippy::too_many_arguments)] // the keyword options of `pt.aqi.nowcast`
#[pyfunction]
#[pyo3(signature = (data, *, station, time, pollutants=None, units=None, duplicates="error", standard="us_epa_2024"))]
fn nowcast(
    py: Python<'_>,
    data: AnyRecordBatch,
    station: &str,
    time: &str,
    pollutants: Option<HashMap<String, String>>,
    units: Option<HashMap<String, String>>,
    duplicates: &str,
    standard: &str,
) -> PyResult<Py<PyAny>> {
    let options = options(station, time, pollutants, units, duplicates)?;
    let read = read_whole(data)?;
    let out = py.detach(|| read().and_then(|batch| engine::nowcast(batch, &options, standard)))?;
    to_table(py, out)
}

/// Daily AQI per station and local standard-time day (a pyarrow.Table).
#[allow(clippy::too_many_arguments)] // the keyword options of `pt.aqi.daily`
#[pyfunction]
#[pyo3(signature = (data, *, station, time, standard="us_epa_2024", tz=None, pollutants=None, units=None, duplicates="error"))]
fn daily(
    py: Python<'_>,
    data: AnyRecordBatch,
    station: &str,
    time: &str,
    standard: &str,
    tz: Option<&str>,
    pollutants: Option<HashMap<String, String>>,
    units: Option<HashMap<String, String>>,
    duplicates: &str,
) -> PyResult<Py<PyAny>> {
    let options = options(station, time, pollutants, units, duplicates)?;
    let read = read_whole(data)?;
    let out = py.detach(|| read().and_then(|batch| engine::daily(batch, &options, standard, tz)))?;
    to_table(py, out)
}

/// Trailing mean over `hours` hours per station (a pyarrow.Table).
#[allow(clippy::too_many_arguments)] // the keyword options of `pt.aqi.rolling`
#[pyfunction]
#[pyo3(signature = (data, *, station, time, column, hours, min_valid, duplicates="error"))]
fn rolling(
    py: Python<'_>,
    data: AnyRecordBatch,
    station: &str,
    time: &str,
    column: &str,
    hours: usize,
    min_valid: usize,
    duplicates: &str,
) -> PyResult<Py<PyAny>> {
    let options = RollingOptions {
        station: station.to_owned(),
        time: time.to_owned(),
        column: column.to_owned(),
        hours,
        min_valid,
        duplicates: Duplicates::parse(duplicates)?,
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
