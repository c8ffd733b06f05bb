//! The state as bytes: a magic, a format version (u16, little-endian), then the state in
//! `postcard` (a compact serde format). Column types are saved by their Arrow names.

use arrow_schema::DataType;
use serde::{Deserialize, Serialize};

use super::buffer::Buffer;
use super::keys::{Key, Stations};
use super::read::Layout;
use super::{Counts, HourlyState, StreamOptions};
use crate::engine::aqi::hourly::prepare::parse_pollutant;
use crate::engine::{Error, Result};

const MAGIC: &[u8; 8] = b"PTHOURLY";
/// Bumped whenever the saved form changes; older bytes are refused, not misread.
pub const VERSION: u16 = 1;

#[derive(Serialize, Deserialize)]
struct SavedLayout {
    station_type: String,
    station_int: bool,
    time_type: String,
    columns: Vec<(String, String, String)>,
}

#[derive(Serialize, Deserialize)]
struct Saved {
    options: StreamOptions,
    layout: Option<SavedLayout>,
    keys: Vec<Key>,
    buffers: Vec<Buffer>,
    max_hour: Option<i64>,
    floor: Option<i64>,
    closed_through: Option<i64>,
    counts: Counts,
}

fn corrupt(what: impl std::fmt::Display) -> Error {
    Error::spec(format!("these bytes are not a readable HourlyState: {what}"))
}

fn data_type(text: &str) -> Result<DataType> {
    text.parse().map_err(|e| corrupt(format!("column type '{text}': {e}")))
}

impl HourlyState {
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let layout = self.layout.as_ref().map(|l| SavedLayout {
            station_type: l.station_type.to_string(),
            station_int: l.station_int,
            time_type: l.time_type.to_string(),
            columns: l
                .columns
                .iter()
                .map(|(p, n, t)| (p.key().to_owned(), n.clone(), t.to_string()))
                .collect(),
        });
        let saved = Saved {
            options: self.options.clone(),
            layout,
            keys: self.stations.keys.clone(),
            buffers: self.buffers.clone(),
            max_hour: self.max_hour,
            floor: self.floor,
            closed_through: self.closed_through,
            counts: self.counts,
        };
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&VERSION.to_le_bytes());
        postcard::to_extend(&saved, out).map_err(|e| Error::spec(format!("cannot save the state: {e}")))
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        if bytes.len() < MAGIC.len() + 2 || &bytes[..MAGIC.len()] != MAGIC {
            return Err(corrupt("they do not start with the HourlyState magic"));
        }
        let version = u16::from_le_bytes([bytes[MAGIC.len()], bytes[MAGIC.len() + 1]]);
        if version != VERSION {
            return Err(Error::spec(format!(
                "these HourlyState bytes are format version {version}; this pollutrack reads version {VERSION}"
            )));
        }
        let saved: Saved = postcard::from_bytes(&bytes[MAGIC.len() + 2..]).map_err(corrupt)?;
        let layout = match saved.layout {
            Some(l) => Some(Layout {
                station_type: data_type(&l.station_type)?,
                station_int: l.station_int,
                time_type: data_type(&l.time_type)?,
                columns: l
                    .columns
                    .iter()
                    .map(|(p, n, t)| Ok((parse_pollutant(p)?, n.clone(), data_type(t)?)))
                    .collect::<Result<_>>()?,
            }),
            None => None,
        };
        if saved.keys.len() != saved.buffers.len() {
            return Err(corrupt("stations and buffers differ in number"));
        }
        let mut state = Self::new(saved.options)?;
        state.layout = layout;
        state.stations = Stations::from_keys(saved.keys);
        state.buffers = saved.buffers;
        state.max_hour = saved.max_hour;
        state.floor = saved.floor;
        state.closed_through = saved.closed_through;
        state.counts = saved.counts;
        Ok(state)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::types::Int32Type;
    use arrow_array::{ArrayRef, DictionaryArray, Float64Array, RecordBatch, TimestampMillisecondArray};

    use super::super::{Emit, Policy};
    use super::*;

    fn options(emit: Emit) -> StreamOptions {
        StreamOptions {
            station: "s".into(),
            time: "t".into(),
            pollutants: vec![("pm25".into(), "pm".into())],
            units: vec![],
            na_values: vec![-999.0],
            standard: "us_epa_2024".into(),
            tz: None,
            emit,
            lateness: 2,
            on_late: Policy::Drop,
            on_duplicate: Policy::Raise,
        }
    }

    #[test]
    fn column_types_and_state_survive_the_bytes() {
        let station: DictionaryArray<Int32Type> = vec!["a", "b", "a"].into_iter().collect();
        let t = TimestampMillisecondArray::from(vec![0, 3_600_000, 3_600_000]).with_timezone("+08:00");
        let columns: Vec<ArrayRef> =
            vec![Arc::new(station), Arc::new(t), Arc::new(Float64Array::from(vec![1.0, -999.0, 3.0]))];
        let batch = RecordBatch::try_from_iter(["s", "t", "pm"].into_iter().zip(columns)).unwrap();
        for emit in [Emit::Nowcast, Emit::Daily] {
            let mut state = HourlyState::new(options(emit)).unwrap();
            state.update(&batch).unwrap();
            let bytes = state.to_bytes().unwrap();
            let restored = HourlyState::from_bytes(&bytes).unwrap();
            assert_eq!(restored.to_bytes().unwrap(), bytes);
            assert_eq!(restored.layout, state.layout);
            assert_eq!((restored.options(), restored.counts()), (state.options(), state.counts()));
            let mut wrong = bytes.clone();
            wrong[8] = 9;
            let err = HourlyState::from_bytes(&wrong).err().unwrap().to_string();
            assert!(err.contains("format version 9; this pollutrack reads version 1"), "{err}");
            assert!(HourlyState::from_bytes(&bytes[..bytes.len() - 3]).is_err());
        }
    }
}
