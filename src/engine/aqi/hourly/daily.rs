//! `pt.aqi.daily`: one row per station and local day with the averages the daily AQI is defined
//! on (`docs/standards/us_epa.md`), their completeness, and the AQI of those averages. Days are local
//! *standard* time (EPA: midnight to midnight LST), so every day has 24 hours.

use std::ops::Range;
use std::sync::Arc;

use arrow_array::types::Int8Type;
use arrow_array::{
    Array, ArrayRef, Date32Array, DictionaryArray, Int32Array, Int8Array, RecordBatch, StringArray,
    UInt32Array,
};
use arrow_schema::{DataType, Field, Schema};
use arrow_select::concat::concat as concat_arrays;
use arrow_select::take::take;

use super::grid::grid;
use super::prepare::{per_station, prepare, rate, HourlyOptions, Prepared};
use super::series::{nan_to_null, Clash, Clock, Duplicates};
use crate::engine::aqi::measure::Pollutant;
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

/// A daily value from `hours`, the day's 24 hours then the next day's (8-hour windows reach
/// into it; NaN = missing): `(value if complete, hours or windows counted, what is missing)`.
fn day_value(hours: &[f64], kind: &Kind) -> (Option<f64>, usize, Option<String>) {
    let valid = |range: Range<usize>| hours[range].iter().copied().filter(|v| !v.is_nan());
    match kind {
        Kind::Mean | Kind::Max1h => {
            // Branch-free: a missing hour adds 0.0, which leaves the sum of the others exact.
            let (mut n, mut sum) = (0, 0.0);
            for &v in &hours[..24] {
                let valid = !v.is_nan();
                n += usize::from(valid);
                sum += if valid { v } else { 0.0 };
            }
            let value = match kind {
                Kind::Mean => sum / n as f64,
                _ => valid(0..24).fold(f64::NEG_INFINITY, f64::max),
            };
            let issue = (n < DAY_HOURS).then(|| format!("{n} of 24 hours (needs {DAY_HOURS})"));
            ((n >= DAY_HOURS).then_some(value), n, issue)
        }
        Kind::Max8h { starts, need } => {
            let (mut n, mut best) = (0, f64::NEG_INFINITY);
            for start in starts.clone() {
                let start = start as usize;
                let (sum, count) = valid(start..start + 8).fold((0.0, 0), |(sum, n), v| (sum + v, n + 1));
                if count >= WINDOW_HOURS {
                    n += 1;
                    best = best.max(sum / count as f64);
                }
            }
            let total = starts.end - starts.start;
            let issue = (n < *need).then(|| format!("{n} of {total} 8-hour windows (needs {need})"));
            ((n >= *need).then_some(best), n, issue)
        }
    }
}

/// The output days of one station, column by column.
pub struct Days {
    /// Days since 1970-01-01, local standard time.
    dates: Vec<i32>,
    /// Per stat: the value (NaN unless complete) and the hours or windows counted.
    values: Vec<Vec<f64>>,
    counts: Vec<Vec<i32>>,
    /// Keys into `STATUS`.
    status: Vec<i8>,
    /// Which rules failed, per day (null when none); built here, in parallel, not in `assemble`.
    issues: StringArray,
}

/// The `day_status` labels (a dictionary, like `aqi_status`) and their keys.
const STATUS: [&str; 3] = ["complete", "incomplete", "no_data"];
const COMPLETE: i8 = 0;
const INCOMPLETE: i8 = 1;
const NO_DATA: i8 = 2;

/// The daily values a set of pollutant columns gives: each stat with its reading column.
pub struct DayRules {
    stats: Vec<(usize, Stat)>,
}

impl DayRules {
    pub fn new(columns: &[(Pollutant, String)]) -> Self {
        let stats = stats()
            .into_iter()
            .filter_map(|s| columns.iter().position(|(p, _)| *p == s.pollutant).map(|p| (p, s)))
            .collect();
        Self { stats }
    }
}

/// One station's days, added one at a time.
pub struct DaysBuilder {
    dates: Vec<i32>,
    values: Vec<Vec<f64>>,
    counts: Vec<Vec<i32>>,
    status: Vec<i8>,
    issues: Vec<Option<String>>,
}

impl DaysBuilder {
    pub fn new(rules: &DayRules) -> Self {
        let n = rules.stats.len();
        Self {
            dates: vec![],
            values: vec![vec![]; n],
            counts: vec![vec![]; n],
            status: vec![],
            issues: vec![],
        }
    }

    /// Adds day `date`; `hours(column)` is that reading column's 48 hours from the day's
    /// midnight (the next day's 8-hour windows reach into it; NaN = missing).
    pub fn push<'h>(&mut self, rules: &DayRules, date: i64, hours: impl Fn(usize) -> &'h [f64]) {
        self.dates.push(date as i32);
        let mut issues: Vec<String> = Vec::new();
        let mut any_data = false;
        for (i, (p, stat)) in rules.stats.iter().enumerate() {
            let (value, count, issue) = day_value(hours(*p), &stat.kind);
            any_data |= count > 0;
            self.values[i].push(value.unwrap_or(f64::NAN));
            self.counts[i].push(count as i32);
            if let Some(issue) = issue {
                issues.push(format!("{}: {issue}", stat.name));
            }
        }
        self.status.push(match (any_data, issues.is_empty()) {
            (false, _) => NO_DATA,
            (true, true) => COMPLETE,
            (true, false) => INCOMPLETE,
        });
        self.issues.push((!issues.is_empty()).then(|| issues.join("; ")));
    }

    pub fn len(&self) -> usize {
        self.dates.len()
    }

    pub fn is_empty(&self) -> bool {
        self.dates.is_empty()
    }

    pub fn finish(self) -> Days {
        let Self { dates, values, counts, status, issues } = self;
        Days { dates, values, counts, status, issues: StringArray::from(issues) }
    }
}

/// One station's days: those with at least one row, from its hours laid out day by day.
fn station_days(prepared: &Prepared, s: usize, rules: &DayRules, policy: Duplicates) -> Result<Days, Clash> {
    let (first, last) = prepared.stations.spans[s];
    let first_day = first.div_euclid(24);
    let days = (last.div_euclid(24) - first_day + 1) as usize;
    // One day more than the data: the last day's 8-hour windows reach into it.
    let grid = grid(&prepared.stations, s, first_day * 24, (days + 1) * 24, policy)?;
    let mut out = DaysBuilder::new(rules);
    let claimed = &grid.claimed;
    for day in (0..days).filter(|&d| claimed[d * 24..d * 24 + 24].contains(&true)) {
        out.push(rules, first_day + day as i64, |p| &grid.values[p][day * 24..day * 24 + 48]);
    }
    Ok(out.finish())
}

/// `pt.aqi.daily`: see the module comment. `zone` overrides the time column's own zone.
pub fn daily(
    batch: RecordBatch,
    options: &HourlyOptions,
    standard: &str,
    zone: Option<&str>,
) -> Result<RecordBatch> {
    let prepared = prepare(batch, options, &Pollutant::ALL[..6], Clock::LocalStandard(zone))?;
    let rules = DayRules::new(&prepared.columns);
    let per_station: Vec<Days> = per_station(&prepared.stations, &options.time, |s| {
        station_days(&prepared, s, &rules, options.duplicates)
    })?;
    assemble(&prepared.station, &prepared.stations.first_rows, &rules, &per_station, standard)
}

/// One output column: every station's part of it, in station order.
fn concat<T: Copy>(per_station: &[Days], part: impl Fn(&Days) -> &[T]) -> Vec<T> {
    let mut out = Vec::with_capacity(per_station.iter().map(|d| part(d).len()).sum());
    for days in per_station {
        out.extend_from_slice(part(days));
    }
    out
}

/// The `pt.aqi.daily` table of `per_station`'s days: station `s` is row `first_rows[s]` of
/// `station`.
pub fn assemble(
    station: &ArrayRef,
    first_rows: &[u32],
    rules: &DayRules,
    per_station: &[Days],
    standard: &str,
) -> Result<RecordBatch> {
    let stats = &rules.stats;
    let station_rows: UInt32Array = per_station
        .iter()
        .enumerate()
        .flat_map(|(s, d)| std::iter::repeat_n(first_rows[s], d.dates.len()))
        .collect::<Vec<_>>()
        .into();
    let mut fields = vec![
        Field::new("station", station.data_type().clone(), false),
        Field::new("date", DataType::Date32, false),
    ];
    let mut columns: Vec<ArrayRef> = vec![
        take(station.as_ref(), &station_rows, None)?,
        Arc::new(Date32Array::from(concat(per_station, |d| &d.dates))),
    ];
    for (i, (_, stat)) in stats.iter().enumerate() {
        fields.push(Field::new(stat.name, DataType::Float64, true));
        columns.push(Arc::new(nan_to_null(concat(per_station, |d| &d.values[i]))));
        if let Some(count) = stat.count {
            fields.push(Field::new(count, DataType::Int32, false));
            columns.push(Arc::new(Int32Array::from(concat(per_station, |d| &d.counts[i]))));
        }
    }
    let day_status = DictionaryArray::<Int8Type>::try_new(
        Int8Array::from(concat(per_station, |d| &d.status)),
        Arc::new(StringArray::from(STATUS.to_vec())),
    )?;
    fields.push(Field::new("day_status", day_status.data_type().clone(), false));
    columns.push(Arc::new(day_status));
    fields.push(Field::new("day_issues", DataType::Utf8, true));
    let issues: Vec<&dyn Array> = per_station.iter().map(|d| &d.issues as &dyn Array).collect();
    columns.push(if issues.is_empty() {
        Arc::new(StringArray::new_null(0))
    } else {
        concat_arrays(&issues)?
    });
    let batch = RecordBatch::try_new(Arc::new(Schema::new(fields)), columns)?;
    rate(
        &batch,
        standard,
        stats.iter().map(|(_, s)| (s.measure.to_owned(), Some(s.name.to_owned()))).collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 48 hours from `values`, padded with missing hours.
    fn series(mut values: Vec<f64>) -> Vec<f64> {
        values.resize(48, f64::NAN);
        values
    }

    #[test]
    fn mean_needs_18_hours() {
        let mut v = vec![10.0; 24];
        let (value, n, issue) = day_value(&series(v.clone()), &Kind::Mean);
        assert_eq!((value, n, issue), (Some(10.0), 24, None));
        for x in v.iter_mut().take(7) {
            *x = f64::NAN;
        }
        let (value, n, issue) = day_value(&series(v), &Kind::Mean);
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
        let (value, n, _) = day_value(&series(v), &kind);
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
        let (value, n, issue) = day_value(&series(v), &kind);
        assert_eq!((value, n), (None, 0));
        assert_eq!(issue.unwrap(), "0 of 17 8-hour windows (needs 13)");
    }
}
