//! A batch read for the stream: each row's station number, hour, time as given and readings;
//! the column types learned from the first batch, which later batches must match.

use arrow_array::cast::AsArray;
use arrow_array::types::Int64Type;
use arrow_array::{Array, Float64Array, RecordBatch};
use arrow_cast::cast;
use arrow_schema::DataType;

use super::keys::{Column, Key};
use super::{Emit, HourlyState};
use crate::engine::aqi::hourly::prepare::{choose, column, readings};
use crate::engine::aqi::hourly::series::{Clock, Timeline};
use crate::engine::aqi::measure::Pollutant;
use crate::engine::columns::as_f64;
use crate::engine::{Error, Result};

/// The stream's column types (from its first batch): what emitted rows are built with.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub station_type: DataType,
    pub station_int: bool,
    pub time_type: DataType,
    /// Pollutant, column name and type of each reading column, in `choose` order.
    pub columns: Vec<(Pollutant, String, DataType)>,
}

/// A batch's rows, read.
pub struct Rows {
    /// Station numbers (new stations numbered after the known ones, listed in `fresh`).
    pub ids: Vec<u32>,
    pub fresh: Vec<Key>,
    /// The hour each row falls in (local standard hours for daily).
    pub hours: Vec<i64>,
    /// The time as given, in the stream's time unit.
    pub times: Vec<i64>,
    /// Per column: readings in native units (NaN = missing) and as given.
    pub native: Vec<Vec<f64>>,
    pub raw: Vec<Float64Array>,
}

fn zoned(dt: &DataType) -> Option<bool> {
    match dt {
        DataType::Timestamp(_, tz) => Some(tz.is_some()),
        _ => None,
    }
}

impl HourlyState {
    /// Reads `batch`; the layout it sets when it is the stream's first.
    pub(super) fn read(&self, batch: &RecordBatch) -> Result<(Layout, Rows)> {
        let o = &self.options;
        let hourly = o.hourly();
        let chosen = choose(batch, &hourly, o.allowed())?;
        let station = Column::read(&o.station, column(batch, &o.station, "station")?)?;
        let time = column(batch, &o.time, "time")?;
        let Some(is_zoned) = zoned(time.data_type()) else {
            return Err(Error::unsupported_type(
                &o.time,
                time.data_type(),
                "hourly readings need a timestamp column (parse strings with pyarrow.compute.strptime)",
            ));
        };
        let layout = match &self.layout {
            Some(layout) => {
                let names: Vec<_> = layout.columns.iter().map(|(p, n, _)| (*p, n.clone())).collect();
                if names != chosen {
                    let list = |c: &[(Pollutant, String)]| {
                        c.iter().map(|(_, n)| n.as_str()).collect::<Vec<_>>().join(", ")
                    };
                    return Err(Error::spec(format!(
                        "this batch's pollutant columns are [{}], the stream's are [{}]; name them with pollutants=",
                        list(&chosen),
                        list(&names)
                    )));
                }
                if layout.station_int != station.is_int() {
                    return Err(Error::unsupported_type(
                        &o.station,
                        column(batch, &o.station, "station")?.data_type(),
                        format!("the stream's station ids are {}", layout.station_type),
                    ));
                }
                if zoned(&layout.time_type) != Some(is_zoned) {
                    return Err(Error::unsupported_type(
                        &o.time,
                        time.data_type(),
                        format!("the stream's times are {} (a zone or none throughout)", layout.time_type),
                    ));
                }
                layout.clone()
            }
            None => Layout {
                station_type: column(batch, &o.station, "station")?.data_type().clone(),
                station_int: station.is_int(),
                time_type: time.data_type().clone(),
                columns: chosen
                    .iter()
                    .map(|(p, n)| Ok((*p, n.clone(), column(batch, n, p.key())?.data_type().clone())))
                    .collect::<Result<_>>()?,
            },
        };
        let time =
            if time.data_type() == &layout.time_type { time.clone() } else { cast(time, &layout.time_type)? };
        let clock = match o.emit {
            Emit::Nowcast => Clock::Hours,
            Emit::Daily => Clock::LocalStandard(o.tz.as_deref()),
        };
        let timeline = Timeline::new(&o.time, &time, clock)?;
        let hours = timeline.hours(0..batch.num_rows());
        if let Some(bad) = hours.iter().position(|&h| i32::try_from(h).is_err()) {
            return Err(timeline.out_of_range(bad));
        }
        let times = cast(&time, &DataType::Int64)?.as_primitive::<Int64Type>().values().to_vec();
        let native = readings(batch, &hourly, &chosen)?
            .iter()
            .map(|a| {
                (0..a.len())
                    .map(|i| if a.is_valid(i) && a.value(i).is_finite() { a.value(i) } else { f64::NAN })
                    .collect()
            })
            .collect();
        let raw = if o.emit == Emit::Nowcast {
            chosen.iter().map(|(p, n)| as_f64(n, column(batch, n, p.key())?)).collect::<Result<_>>()?
        } else {
            Vec::new()
        };
        let (ids, fresh) = self.stations.number(&station);
        Ok((layout, Rows { ids, fresh, hours, times, native, raw }))
    }
}
