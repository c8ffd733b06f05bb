//! `pt.aqi.HourlyState`: the NowCast or the daily AQI of a stream of hourly readings, batch by
//! batch, with a bounded state that survives restarts (`to_bytes` / `from_bytes`).
//!
//! Equivalence with the batch functions is the contract: the values come from the same kernels
//! (`nowcast::nowcast_of`, `daily::DaysBuilder`) run on the hours the state keeps. The stream's
//! watermark is the latest hour received (any station) minus `lateness`; a row older than the
//! watermark of the batches before its own is late; a second row of a (station, hour) is a
//! duplicate. Both follow their policy (set aside and counted, or refused).
//!
//! What is kept per station: NowCast, the hours from 11 before the watermark (the oldest hour a
//! late row may still change needs 11 hours before it); daily, the hours of the days not yet
//! emitted. A day is emitted once the watermark passes its end plus the 7 hours its last 8-hour
//! windows reach into the next day.

mod buffer;
mod codec;
mod emit;
mod keys;
mod read;
mod update;

use serde::{Deserialize, Serialize};

use self::buffer::Buffer;
use self::keys::Stations;
use self::read::Layout;
use super::prepare::{parse_pollutant, HourlyOptions};
use super::series::Duplicates;
use super::zone::Shift;
use crate::engine::aqi::measure::Pollutant;
use crate::engine::{Error, Result};

pub use self::update::Update;

/// What the stream emits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Emit {
    /// One row per (station, hour) whose NowCast a batch made or may have changed.
    Nowcast,
    /// One row per (station, day) once the day can no longer change.
    Daily,
}

impl Emit {
    pub fn parse(text: &str) -> Result<Self> {
        match text {
            "nowcast" => Ok(Self::Nowcast),
            "daily" => Ok(Self::Daily),
            _ => Err(Error::spec(format!("emit must be 'nowcast' or 'daily', not '{text}'"))),
        }
    }
}

/// What to do with a late or duplicate row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Policy {
    /// Set it aside (returned by the update) and count it.
    Drop,
    /// Refuse the whole batch, naming the row; the state is left as it was.
    Raise,
}

impl Policy {
    pub fn parse(option: &str, text: &str) -> Result<Self> {
        match text {
            "drop" => Ok(Self::Drop),
            "raise" => Ok(Self::Raise),
            _ => Err(Error::spec(format!("{option} must be 'drop' or 'raise', not '{text}'"))),
        }
    }
}

/// Everything a stream is made with; saved with its state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StreamOptions {
    pub station: String,
    pub time: String,
    pub pollutants: Vec<(String, String)>,
    pub units: Vec<(String, String)>,
    pub na_values: Vec<f64>,
    pub standard: String,
    /// Days' zone (daily only); `None`: the time column's zone.
    pub tz: Option<String>,
    pub emit: Emit,
    /// Allowed lateness in hours.
    pub lateness: u32,
    pub on_late: Policy,
    pub on_duplicate: Policy,
}

impl StreamOptions {
    pub fn hourly(&self) -> HourlyOptions {
        HourlyOptions {
            station: self.station.clone(),
            time: self.time.clone(),
            pollutants: self.pollutants.clone(),
            units: self.units.clone(),
            // Duplicates never reach the kernels: the stream sets them aside first.
            duplicates: Duplicates::First,
            na_values: self.na_values.clone(),
        }
    }

    fn allowed(&self) -> &'static [Pollutant] {
        match self.emit {
            Emit::Nowcast => &super::nowcast::NOWCAST_POLLUTANTS,
            Emit::Daily => &Pollutant::ALL[..6],
        }
    }

    /// Refuses what the first batch would refuse anyway, at construction.
    fn check(&self) -> Result<()> {
        let id = crate::engine::aqi::resolve(&self.standard)?.id.clone();
        if !id.starts_with("us_epa_") {
            return Err(Error::spec(format!(
                "the hourly functions follow the US EPA averaging rules, not those of {id}"
            )));
        }
        for (key, _) in self.pollutants.iter().chain(&self.units) {
            let p = parse_pollutant(key)?;
            if !self.allowed().contains(&p) {
                return Err(Error::spec(format!("{} is not used by emit={:?}", p.key(), self.emit)));
            }
        }
        if self.tz.is_some() && self.emit == Emit::Nowcast {
            return Err(Error::spec("tz is a daily option (NowCast hours are found by timestamp)"));
        }
        Shift::new(self.tz.as_deref(), || (0, 0))?;
        Ok(())
    }
}

/// Rows received and set aside so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub rows: u64,
    pub late: u64,
    pub duplicate: u64,
}

/// The state of one stream.
pub struct HourlyState {
    options: StreamOptions,
    /// The columns' types, learned from the first batch.
    layout: Option<Layout>,
    stations: Stations,
    buffers: Vec<Buffer>,
    /// The latest hour received, any station.
    max_hour: Option<i64>,
    /// Rows before this hour are late whatever the watermark (the days `flush` emitted).
    floor: Option<i64>,
    /// Daily: the last day emitted for every station.
    closed_through: Option<i64>,
    counts: Counts,
}

impl HourlyState {
    pub fn new(options: StreamOptions) -> Result<Self> {
        options.check()?;
        Ok(Self {
            options,
            layout: None,
            stations: Stations::default(),
            buffers: Vec::new(),
            max_hour: None,
            floor: None,
            closed_through: None,
            counts: Counts::default(),
        })
    }

    pub fn options(&self) -> &StreamOptions {
        &self.options
    }

    pub fn counts(&self) -> Counts {
        self.counts
    }

    pub fn stations(&self) -> usize {
        self.stations.len()
    }

    /// Approximate bytes of the state: keys, hour slots and fixed parts.
    pub fn nbytes(&self) -> usize {
        std::mem::size_of::<Self>()
            + self.stations.nbytes()
            + self.buffers.iter().map(Buffer::nbytes).sum::<usize>()
    }

    /// The watermark: rows before it are late.
    fn watermark(&self) -> Option<i64> {
        let w = self.max_hour.map(|m| m - i64::from(self.options.lateness));
        match (w, self.floor) {
            (Some(w), Some(f)) => Some(w.max(f)),
            (w, f) => w.or(f),
        }
    }
}
