//! `pt.aqi.daily`: one row per station and local day with the averages the daily AQI is defined
//! on (reference §2.1), their completeness, and the AQI of those averages. Days are local
//! *standard* time (EPA: midnight to midnight LST), so every day has 24 hours.

use std::ops::Range;
use std::sync::Arc;

use arrow_array::{ArrayRef, Date32Array, Float64Array, Int32Array, RecordBatch, StringArray, UInt32Array};
use arrow_schema::{DataType, Field, Schema};
use arrow_select::take::take;
use rayon::prelude::*;

use super::prepare::{prepare, rate, Clock, HourlyOptions};
use super::series::grid;
use crate::engine::aqi::measure::Pollutant;
use crate::engine::parallel::install;
use crate::engine::Result;

/// Valid hours a 24-hour mean or a daily 1-hour maximum needs (AirNow: 18 of 24).
pub const DAY_HOURS: usize = 18;
/// Valid hours an 8-hour mean needs (6 of 8).
pub const WINDOW_HOURS: usize = 6;

/// How one daily value is made from a day's hours.
#[derive(Clone, Debug)]
enum Kind {
    /// Mean of the day's 24 hours.
    Mean,
    /// Largest hourly value of the day.
    Max1h,
    /// Largest valid 8-hour mean among windows starting at these local hours; the day needs
    /// `need` valid windows.
    Max8h { starts: Range<i64>, need: usize },
}

/// One daily column: its name, the hour/window count column, the rule, and the AQI measure.
struct Stat {
    pollutant: Pollutant,
    name: &'static str,
    count: Option<&'static str>,
    kind: Kind,
    measure: &'static str,
}

fn stats() -> Vec<Stat> {
    let s = |pollutant, name, count, kind, measure| Stat { pollutant, name, count, kind, measure };
    vec![
        s(Pollutant::Pm25, "pm25_24h", Some("pm25_hours"), Kind::Mean, "pm25"),
        s(Pollutant::Pm10, "pm10_24h", Some("pm10_hours"), Kind::Mean, "pm10"),
        // O3: the 17 windows starting 07:00–23:00 LST, 13 needed (AirNow).
        s(
            Pollutant::O3,
            "o3_8h_max",
            Some("o3_8h_windows"),
            Kind::Max8h { starts: 7..24, need: 13 },
            "o3_8h",
        ),
        // CO: every window starting in the day; 18 of 24 needed (our rule: 75 %, as for hours).
        s(Pollutant::Co, "co_8h_max", Some("co_8h_windows"), Kind::Max8h { starts: 0..24, need: 18 }, "co"),
        s(Pollutant::No2, "no2_1h_max", Some("no2_hours"), Kind::Max1h, "no2"),
        s(Pollutant::So2, "so2_1h_max", Some("so2_hours"), Kind::Max1h, "so2_1h"),
        s(Pollutant::So2, "so2_24h", None, Kind::Mean, "so2_24h"),
    ]
}

/// A daily value: `(value if complete, hours or windows counted, what is missing)`.
fn day_value(
    series: &dyn Fn(i64) -> f64,
    day_start: i64,
    kind: &Kind,
) -> (Option<f64>, usize, Option<String>) {
    let hours = || (day_start..day_start + 24).map(series).filter(|v| !v.is_nan());
    match kind {
        Kind::Mean | Kind::Max1h => {
            let n = hours().count();
            let value = if matches!(kind, Kind::Mean) {
                hours().sum::<f64>() / n as f64
            } else {
                hours().fold(f64::NEG_INFINITY, f64::max)
            };
            let issue = (n < DAY_HOURS).then(|| format!("{n} of 24 hours (needs {DAY_HOURS})"));
            ((n >= DAY_HOURS).then_some(value), n, issue)
        }
        Kind::Max8h { starts, need } => {
            let windows = starts.clone().filter_map(|s| {
                let (sum, n) = (day_start + s..day_start + s + 8)
                    .map(series)
                    .filter(|v| !v.is_nan())
                    .fold((0.0, 0), |(sum, n), v| (sum + v, n + 1));
                (n >= WINDOW_HOURS).then(|| sum / n as f64)
            });
            let (mut n, mut best) = (0, f64::NEG_INFINITY);
            for w in windows {
                n += 1;
                best = best.max(w);
            }
            let total = starts.end - starts.start;
            let issue = (n < *need).then(|| format!("{n} of {total} 8-hour windows (needs {need})"));
            ((n >= *need).then_some(best), n, issue)
        }
    }
}

/// One output day of one station.
struct Day {
    station: usize,
    /// Days since 1970-01-01, local standard time.
    number: i64,
    values: Vec<Option<f64>>,
    counts: Vec<usize>,
    issues: Vec<String>,
    any_data: bool,
}

/// `pt.aqi.daily`: see the module comment. `zone` overrides the time column's own zone.
pub fn daily(
    batch: RecordBatch,
    options: &HourlyOptions,
    standard: &str,
    zone: Option<&str>,
) -> Result<RecordBatch> {
    let prepared = prepare(batch, options, &Pollutant::ALL[..6], Clock::LocalStandard(zone))?;
    let local = &prepared.hours;
    let stats: Vec<Stat> =
        stats().into_iter().filter(|s| prepared.columns.iter().any(|(p, _, _)| *p == s.pollutant)).collect();
    let days: Vec<Vec<Day>> = install(|| {
        (0..prepared.stations.len())
            .into_par_iter()
            .map(|station| {
                let rows = prepared.stations.rows_of(station);
                let l = &prepared.layouts[station];
                let grids: Vec<_> = prepared
                    .columns
                    .iter()
                    .map(|(p, _, values)| {
                        (*p, grid(values, rows, &l.slots, l.first_hour, l.len, options.duplicates))
                    })
                    .collect();
                let mut day_numbers: Vec<i64> =
                    rows.iter().map(|&r| local[r as usize].div_euclid(24)).collect();
                day_numbers.sort_unstable();
                day_numbers.dedup();
                day_numbers
                    .into_iter()
                    .map(|day| {
                        let mut out = Day {
                            station,
                            number: day,
                            values: vec![],
                            counts: vec![],
                            issues: vec![],
                            any_data: false,
                        };
                        for stat in &stats {
                            let g = &grids.iter().find(|(p, _)| *p == stat.pollutant).expect("chosen").1;
                            let series = |hour: i64| {
                                let slot = hour - g.first_hour;
                                if slot < 0 || slot >= g.values.len() as i64 {
                                    f64::NAN
                                } else {
                                    g.values[slot as usize]
                                }
                            };
                            let (value, count, issue) = day_value(&series, day * 24, &stat.kind);
                            out.any_data |= count > 0;
                            out.values.push(value);
                            out.counts.push(count);
                            if let Some(issue) = issue {
                                out.issues.push(format!("{}: {issue}", stat.name));
                            }
                        }
                        out
                    })
                    .collect()
            })
            .collect()
    });
    assemble(
        &prepared.station,
        &prepared.stations.first_rows,
        &stats,
        &days.into_iter().flatten().collect::<Vec<_>>(),
        standard,
    )
}

fn assemble(
    station: &ArrayRef,
    first_rows: &UInt32Array,
    stats: &[Stat],
    days: &[Day],
    standard: &str,
) -> Result<RecordBatch> {
    let station_rows =
        UInt32Array::from(days.iter().map(|d| first_rows.value(d.station)).collect::<Vec<_>>());
    let mut fields = vec![
        Field::new("station", station.data_type().clone(), false),
        Field::new("date", DataType::Date32, false),
    ];
    let mut columns: Vec<ArrayRef> = vec![
        take(station.as_ref(), &station_rows, None)?,
        Arc::new(Date32Array::from(days.iter().map(|d| d.number as i32).collect::<Vec<_>>())),
    ];
    for (i, stat) in stats.iter().enumerate() {
        fields.push(Field::new(stat.name, DataType::Float64, true));
        columns.push(Arc::new(days.iter().map(|d| d.values[i]).collect::<Float64Array>()));
        if let Some(count) = stat.count {
            fields.push(Field::new(count, DataType::Int32, false));
            columns.push(Arc::new(Int32Array::from(
                days.iter().map(|d| d.counts[i] as i32).collect::<Vec<_>>(),
            )));
        }
    }
    let day_status = days.iter().map(|d| {
        if !d.any_data {
            "no_data"
        } else if d.issues.is_empty() {
            "complete"
        } else {
            "incomplete"
        }
    });
    fields.push(Field::new("day_status", DataType::Utf8, false));
    columns.push(Arc::new(StringArray::from_iter_values(day_status)));
    fields.push(Field::new("day_issues", DataType::Utf8, true));
    columns.push(Arc::new(StringArray::from(
        days.iter().map(|d| (!d.issues.is_empty()).then(|| d.issues.join("; "))).collect::<Vec<_>>(),
    )));
    let batch = RecordBatch::try_new(Arc::new(Schema::new(fields)), columns)?;
    rate(&batch, standard, stats.iter().map(|s| (s.measure.to_owned(), Some(s.name.to_owned()))).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(values: Vec<f64>) -> impl Fn(i64) -> f64 {
        move |h| usize::try_from(h).ok().and_then(|h| values.get(h).copied()).unwrap_or(f64::NAN)
    }

    #[test]
    fn mean_needs_18_hours() {
        let mut v = vec![10.0; 24];
        let (value, n, issue) = day_value(&series(v.clone()), 0, &Kind::Mean);
        assert_eq!((value, n, issue), (Some(10.0), 24, None));
        for x in v.iter_mut().take(7) {
            *x = f64::NAN;
        }
        let (value, n, issue) = day_value(&series(v), 0, &Kind::Mean);
        assert_eq!((value, n), (None, 17));
        assert_eq!(issue.unwrap(), "17 of 24 hours (needs 18)");
    }

    #[test]
    fn ozone_windows_start_at_7_and_reach_into_the_next_day() {
        // 48 hours; a peak of 0.090 ppm from 23:00 to 06:00 next day is the 23:00 window.
        let mut v = vec![0.030; 48];
        for x in &mut v[23..31] {
            *x = 0.090;
        }
        let kind = Kind::Max8h { starts: 7..24, need: 13 };
        let (value, n, _) = day_value(&series(v), 0, &kind);
        assert_eq!(n, 17);
        assert!((value.unwrap() - 0.090).abs() < 1e-12);
    }

    #[test]
    fn an_eight_hour_window_needs_six_hours() {
        let mut v = vec![f64::NAN; 48];
        for x in &mut v[7..12] {
            *x = 0.05; // 5 hours only: no valid window
        }
        let kind = Kind::Max8h { starts: 7..24, need: 13 };
        let (value, n, issue) = day_value(&series(v), 0, &kind);
        assert_eq!((value, n), (None, 0));
        assert_eq!(issue.unwrap(), "0 of 17 8-hour windows (needs 13)");
    }
}
