//! Shared preparation of hourly data: station groups, hours, pollutant columns in native units,
//! and the duplicate check. Everything per station is then independent, so it runs in parallel.

use arrow_array::{ArrayRef, Float64Array, RecordBatch};

use crate::engine::aqi::compute::compute_batch;
use crate::engine::aqi::plan::{AqiOptions, AqiPlan};
use rayon::prelude::*;

use super::by_station::{group_by_station, ByStation};
use super::series::{Clash, Clock, Duplicates, Timeline};
use crate::engine::aqi::measure::{molar_volume, Pollutant, Unit};
use crate::engine::aqi::standard::builtins;
use crate::engine::aqi::subindex::MeasureTable;
use crate::engine::columns::{as_f64, normalize_name};
use crate::engine::parallel::install;
use crate::engine::{Error, Result};

/// The US EPA measure whose unit (and for PM, truncation) a pollutant's hourly values share.
pub fn hourly_measure(p: Pollutant) -> &'static MeasureTable {
    let key = match p {
        Pollutant::O3 => "o3_1h",
        Pollutant::So2 => "so2_1h",
        other => other.key(),
    };
    let epa = &builtins()[0];
    let found = epa.measures.iter().find(|m| m.key == key);
    found.expect("the hourly functions take only US EPA pollutants")
}

/// Parses a pollutant key as `pollutants=` and `units=` give it.
pub fn parse_pollutant(key: &str) -> Result<Pollutant> {
    recognise(key).ok_or_else(|| {
        Error::spec(format!("unknown pollutant '{key}'; expected one of pm25, pm10, o3, co, so2, no2"))
    })
}

/// Recognises an hourly pollutant column name.
fn recognise(name: &str) -> Option<Pollutant> {
    match normalize_name(name).as_str() {
        "pm25" => Some(Pollutant::Pm25),
        "pm10" => Some(Pollutant::Pm10),
        "o3" | "ozone" | "o31h" => Some(Pollutant::O3),
        "co" => Some(Pollutant::Co),
        "so2" | "so21h" => Some(Pollutant::So2),
        "no2" | "no21h" => Some(Pollutant::No2),
        _ => None,
    }
}

/// The options every hourly function shares.
#[derive(Clone, Debug)]
pub struct HourlyOptions {
    pub station: String,
    pub time: String,
    /// Pollutant key → column; empty = recognise column names.
    pub pollutants: Vec<(String, String)>,
    /// Pollutant key → unit of its column.
    pub units: Vec<(String, String)>,
    pub duplicates: Duplicates,
    /// Readings equal to one of these (as given, before any unit conversion) are missing.
    pub na_values: Vec<f64>,
}

/// `values` with every reading equal to a sentinel of `na_values` made null: exports write
/// -999 or -9999 for "no reading", which is not a concentration.
pub fn mask_sentinels(values: Float64Array, na_values: &[f64]) -> Float64Array {
    if na_values.is_empty() {
        return values;
    }
    values.iter().map(|v| v.filter(|x| !na_values.contains(x))).collect()
}

/// Pollutant data ready for per-station work.
pub struct Prepared {
    pub batch: RecordBatch,
    pub station: ArrayRef,
    /// Every row's hour (UTC or naive wall clock, or local standard hours when asked for) and
    /// readings, grouped by station; readings are in native units, in `columns` order.
    pub stations: ByStation,
    /// Pollutant and column name of each reading column.
    pub columns: Vec<(Pollutant, String)>,
}

pub fn column<'a>(batch: &'a RecordBatch, name: &str, what: &str) -> Result<&'a ArrayRef> {
    batch.column_by_name(name).ok_or_else(|| Error::ColumnNotFound {
        what: format!("{what} column '{name}' is not in the data"),
        available: batch.schema().fields().iter().map(|f| f.name().clone()).collect(),
    })
}

/// Chooses the pollutant columns: `allowed` limits which pollutants are wanted.
pub fn choose(
    batch: &RecordBatch,
    options: &HourlyOptions,
    allowed: &[Pollutant],
) -> Result<Vec<(Pollutant, String)>> {
    let mut chosen = Vec::new();
    if options.pollutants.is_empty() {
        for field in batch.schema().fields() {
            if let Some(p) = recognise(field.name()).filter(|p| allowed.contains(p)) {
                if chosen.iter().any(|(q, _)| *q == p) {
                    return Err(Error::spec(format!(
                        "two columns look like {}; name the one to use with pollutants={{'{}': ...}}",
                        p.key(),
                        p.key()
                    )));
                }
                chosen.push((p, field.name().clone()));
            }
        }
    } else {
        for (key, name) in &options.pollutants {
            let p = parse_pollutant(key)?;
            if !allowed.contains(&p) {
                return Err(Error::spec(format!(
                    "{} is not used here; expected one of {}",
                    p.key(),
                    allowed.iter().map(|a| a.key()).collect::<Vec<_>>().join(", ")
                )));
            }
            column(batch, name, p.key())?;
            chosen.push((p, name.clone()));
        }
    }
    chosen.sort();
    if chosen.is_empty() {
        return Err(Error::ColumnNotFound {
            what: format!(
                "no pollutant column found (looked for {}; name them with pollutants=)",
                allowed.iter().map(|a| a.key()).collect::<Vec<_>>().join(", ")
            ),
            available: batch.schema().fields().iter().map(|f| f.name().clone()).collect(),
        });
    }
    Ok(chosen)
}

/// Groups, reads, lays out and checks the data.
pub fn prepare(
    batch: RecordBatch,
    options: &HourlyOptions,
    allowed: &[Pollutant],
    clock: Clock<'_>,
) -> Result<Prepared> {
    let chosen = choose(&batch, options, allowed)?;
    let station = column(&batch, &options.station, "station")?.clone();
    let timeline = Timeline::new(&options.time, column(&batch, &options.time, "time")?, clock)?;
    let values = readings(&batch, options, &chosen)?;
    let columns = chosen;
    let stations = install(|| group_by_station(&options.station, &station, &timeline, &values))?;
    Ok(Prepared { batch, station, stations, columns })
}

/// Each chosen column's readings in the pollutant's native unit (sentinels made null; a
/// column in another unit converted).
pub fn readings(
    batch: &RecordBatch,
    options: &HourlyOptions,
    chosen: &[(Pollutant, String)],
) -> Result<Vec<Float64Array>> {
    let mut values = Vec::with_capacity(chosen.len());
    for (p, name) in chosen {
        let p = *p;
        let unit = options.units.iter().find(|(k, _)| parse_pollutant(k).ok() == Some(p));
        let factor = match unit {
            Some((_, text)) => {
                let native = hourly_measure(p).unit;
                Some(Unit::parse(text, p.key())?.factor_to(native, p, molar_volume(25)?, name)?)
            }
            None => None,
        };
        let read = mask_sentinels(as_f64(name, column(batch, name, p.key())?)?, &options.na_values);
        values.push(match factor {
            Some(factor) => read.iter().map(|v| v.map(|x| x * factor)).collect(),
            None => read,
        });
    }
    Ok(values)
}

/// Runs `work` for every station in parallel; a clash is the error of the first station (in
/// station order) that has one.
pub fn per_station<T: Send>(
    stations: &ByStation,
    time_column: &str,
    work: impl Fn(usize) -> std::result::Result<T, Clash> + Sync + Send,
) -> Result<Vec<T>> {
    let results: Vec<_> = install(|| (0..stations.len()).into_par_iter().map(work).collect());
    results.into_iter().map(|r| r.map_err(|clash| clash.error(time_column))).collect()
}

/// Rates a batch whose columns hold averaged concentrations (`measure key → column name`) with
/// the same plan as `pt.aqi.compute`, sub-indices included.
pub fn rate(
    batch: &RecordBatch,
    standard: &str,
    columns: Vec<(String, Option<String>)>,
) -> Result<RecordBatch> {
    let id = crate::engine::aqi::resolve(standard)?.id.clone();
    if !id.starts_with("us_epa_") {
        return Err(Error::spec(format!(
            "the hourly functions follow the US EPA averaging rules; for {id} build the averages with pt.aqi.rolling and rate them with pt.aqi.compute(..., standard='{id}')"
        )));
    }
    let options =
        AqiOptions { standard: standard.to_owned(), columns, subindices: true, ..AqiOptions::default() };
    compute_batch(&AqiPlan::new(&batch.schema(), options)?, batch, 0)
}
