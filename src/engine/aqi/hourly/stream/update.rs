//! One batch into the state: rows sorted into late, duplicate and accepted (all or nothing:
//! a refused batch leaves the state as it was), accepted rows placed, rows emitted, and the
//! hours no window can need any more forgotten.

use std::sync::Arc;

use arrow_array::{ArrayRef, RecordBatch, StringArray, UInt32Array};
use arrow_schema::{DataType, Field, Schema};
use arrow_select::take::take;
use hashbrown::HashSet;

use super::buffer::Buffer;
use super::{Emit, HourlyState, Policy};
use crate::engine::aqi::hourly::prepare::column;
use crate::engine::{Error, Result};

/// What one update gives back.
pub struct Update {
    /// The rows emitted (NowCast hours or finished days).
    pub out: RecordBatch,
    /// The rows set aside: the input's station, time and pollutant columns and `reason`.
    pub set_aside: RecordBatch,
}

/// Hours before its own a NowCast window reaches (12 hours, PM).
pub const NOWCAST_BACK: i64 = 11;
/// Hours past a day's end its last 8-hour windows reach (the one starting at 23:00).
pub const DAY_AHEAD: i64 = 7;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Reason {
    Late,
    Duplicate,
}

impl HourlyState {
    /// Takes one batch of readings (any stations, hours and order).
    pub fn update(&mut self, batch: &RecordBatch) -> Result<Update> {
        if batch.num_rows() == 0 {
            // Nothing arrived (an empty file or poll); its columns may not even be typed.
            let out = match self.options.emit {
                Emit::Nowcast => self.emit_nowcast(Vec::new())?,
                Emit::Daily => self.emit_days(None)?,
            };
            return Ok(Update { out, set_aside: self.set_aside(batch, &[])? });
        }
        let (layout, rows) = self.read(batch)?;
        let watermark = self.watermark();
        let n = batch.num_rows();
        let mut reasons: Vec<Option<Reason>> = vec![None; n];
        // Only a station with several rows in the batch can repeat an hour within it: the
        // usual batch (one row per station) skips the set.
        let mut rows_of = vec![0_u32; self.stations.len() + rows.fresh.len()];
        for &id in &rows.ids {
            rows_of[id as usize] += 1;
        }
        let mut seen: HashSet<(u32, i64)> = HashSet::new();
        for (r, (&id, &hour)) in rows.ids.iter().zip(&rows.hours).enumerate() {
            if let Some(w) = watermark.filter(|&w| hour < w) {
                if self.options.on_late == Policy::Raise {
                    return Err(self.refused(r, hour, &format!(
                        "the reading is {} hours older than the watermark (latest hour received minus lateness={}); pass on_late='drop' to set late rows aside",
                        w - hour,
                        self.options.lateness
                    )));
                }
                reasons[r] = Some(Reason::Late);
            } else if (rows_of[id as usize] > 1 && !seen.insert((id, hour)))
                || self.buffers.get(id as usize).is_some_and(|b| b.claimed(hour))
            {
                if self.options.on_duplicate == Policy::Raise {
                    return Err(self.refused(r, hour, "the station already has a reading in this hour; pass on_duplicate='drop' to set duplicates aside"));
                }
                reasons[r] = Some(Reason::Duplicate);
            }
        }
        // Accepted: from here on nothing refuses the batch.
        let columns = layout.columns.len();
        self.layout = Some(layout);
        for key in rows.fresh {
            self.stations.add(key);
            self.buffers.push(Buffer::new(columns, self.options.emit == Emit::Nowcast));
        }
        let mut accepted = Vec::with_capacity(n);
        let (mut native, mut raw) = (vec![f64::NAN; columns], vec![None; rows.raw.len()]);
        for r in (0..n).filter(|&r| reasons[r].is_none()) {
            let (id, hour) = (rows.ids[r], rows.hours[r]);
            for (x, column) in native.iter_mut().zip(&rows.native) {
                *x = column[r];
            }
            for (x, column) in raw.iter_mut().zip(&rows.raw) {
                *x = arrow_array::Array::is_valid(column, r).then(|| column.value(r));
            }
            self.buffers[id as usize].insert(hour, rows.times[r], &native, &raw);
            self.max_hour = Some(self.max_hour.map_or(hour, |m| m.max(hour)));
            accepted.push((id, hour));
        }
        let late = reasons.iter().filter(|r| **r == Some(Reason::Late)).count() as u64;
        let duplicate = reasons.iter().filter(|r| **r == Some(Reason::Duplicate)).count() as u64;
        self.counts.rows += n as u64;
        self.counts.late += late;
        self.counts.duplicate += duplicate;
        let out = match self.options.emit {
            Emit::Nowcast => self.emit_nowcast(accepted)?,
            Emit::Daily => {
                // Day d is final once no row can reach an hour up to 24 d + 23 + DAY_AHEAD.
                let through = self.watermark().map(|w| (w - 24 - DAY_AHEAD).div_euclid(24));
                self.close_days(through)?
            }
        };
        self.trim();
        let set_aside = self.set_aside(batch, &reasons)?;
        Ok(Update { out, set_aside })
    }

    /// Daily: emits every day not yet emitted up to `through` and marks them emitted.
    fn close_days(&mut self, through: Option<i64>) -> Result<RecordBatch> {
        let Some(through) = through.filter(|&t| self.closed_through.is_none_or(|c| t > c)) else {
            return self.emit_days(None);
        };
        let out = self.emit_days(Some(through))?;
        self.closed_through = Some(through);
        Ok(out)
    }

    /// Ends the stream: daily, every day still open is emitted (and later rows for those days
    /// are late); NowCast, nothing is pending, so an empty table.
    pub fn flush(&mut self) -> Result<RecordBatch> {
        match self.options.emit {
            Emit::Nowcast => self.emit_nowcast(Vec::new()),
            Emit::Daily => {
                let last = self.max_hour.map(|h| h.div_euclid(24));
                let out = self.close_days(last)?;
                if let Some(last) = self.closed_through {
                    self.floor = Some(24 * (last + 1));
                }
                self.trim();
                Ok(out)
            }
        }
    }

    /// Forgets the hours no late row can reach and no window can need.
    fn trim(&mut self) {
        let keep_from = match self.options.emit {
            Emit::Nowcast => self.watermark().map(|w| w - NOWCAST_BACK),
            Emit::Daily => self.closed_through.map(|d| 24 * (d + 1)),
        };
        if let Some(from) = keep_from {
            self.buffers.iter_mut().filter(|b| !b.is_empty() && b.base() < from).for_each(|b| b.trim(from));
        }
    }

    fn refused(&self, row: usize, hour: i64, reason: &str) -> Error {
        Error::InvalidValue {
            row: row as u64,
            column: self.options.time.clone(),
            value: hour as f64,
            reason: reason.to_owned(),
        }
    }

    /// The set-aside rows of `batch`: station, time, pollutant columns as given, and `reason`.
    fn set_aside(&self, batch: &RecordBatch, reasons: &[Option<Reason>]) -> Result<RecordBatch> {
        let o = &self.options;
        let rows: UInt32Array =
            (0..reasons.len() as u32).filter(|&r| reasons[r as usize].is_some()).collect();
        let mut names = vec![o.station.clone(), o.time.clone()];
        if let Some(layout) = &self.layout {
            names.extend(layout.columns.iter().map(|(_, n, _)| n.clone()));
        }
        let mut fields = Vec::new();
        let mut columns: Vec<ArrayRef> = Vec::new();
        for name in names {
            let array = column(batch, &name, "input")?;
            fields.push(Field::new(name, array.data_type().clone(), true));
            columns.push(take(array.as_ref(), &rows, None)?);
        }
        let why = rows.values().iter().map(|&r| match reasons[r as usize] {
            Some(Reason::Late) => "late",
            _ => "duplicate",
        });
        fields.push(Field::new("reason", DataType::Utf8, false));
        columns.push(Arc::new(StringArray::from_iter_values(why)));
        Ok(RecordBatch::try_new(Arc::new(Schema::new(fields)), columns)?)
    }
}

#[cfg(test)]
mod tests {
    use arrow_array::{Float64Array, Int64Array, TimestampSecondArray};

    use super::super::{Counts, StreamOptions};
    use super::*;

    fn batch(stations: &[i64], hours: &[i64]) -> RecordBatch {
        let t: Vec<i64> = hours.iter().map(|h| h * 3600 + 120).collect();
        let pm = Float64Array::from(vec![12.0; hours.len()]);
        let columns: Vec<ArrayRef> = vec![
            Arc::new(Int64Array::from(stations.to_vec())),
            Arc::new(TimestampSecondArray::from(t).with_timezone("UTC")),
            Arc::new(pm),
        ];
        RecordBatch::try_from_iter(["s", "t", "pm25"].into_iter().zip(columns)).unwrap()
    }

    fn state(emit: Emit, lateness: u32) -> HourlyState {
        HourlyState::new(StreamOptions {
            station: "s".into(),
            time: "t".into(),
            pollutants: vec![],
            units: vec![],
            na_values: vec![],
            standard: "us_epa_2024".into(),
            tz: None,
            emit,
            lateness,
            on_late: Policy::Drop,
            on_duplicate: Policy::Drop,
        })
        .unwrap()
    }

    #[test]
    fn the_watermark_moves_after_each_batch() {
        let mut s = state(Emit::Nowcast, 2);
        // One batch: hour 0 does not make hour 9 late, nor the reverse.
        assert_eq!(s.update(&batch(&[1, 1], &[9, 0])).unwrap().out.num_rows(), 2);
        // Watermark 7: hour 6 is late, 7 is not; 9 again is a duplicate.
        let u = s.update(&batch(&[1, 1, 1], &[6, 7, 9])).unwrap();
        assert_eq!(u.set_aside.num_rows(), 2);
        assert_eq!(u.out.num_rows(), 2); // hour 7, and hour 9 whose window holds it
        assert_eq!(s.counts(), Counts { rows: 5, late: 1, duplicate: 1 });
        // Kept: hours from 7 - 11 on, and only those with a row.
        assert_eq!((s.buffers[0].base(), s.buffers[0].end()), (0, 10));
        s.update(&batch(&[1], &[30])).unwrap();
        assert_eq!((s.buffers[0].base(), s.buffers[0].end()), (30, 31));
    }

    #[test]
    fn a_day_closes_when_the_watermark_passes_its_windows() {
        let mut s = state(Emit::Daily, 0);
        let hours: Vec<i64> = (0..30).collect();
        assert_eq!(s.update(&batch(&vec![5; 30], &hours)).unwrap().out.num_rows(), 0);
        // Hour 30 is the last a day-0 window reads; at watermark 31 day 0 is final.
        assert_eq!(s.update(&batch(&[5], &[30])).unwrap().out.num_rows(), 0);
        assert_eq!(s.update(&batch(&[5], &[31])).unwrap().out.num_rows(), 1);
        assert_eq!(s.buffers[0].base(), 24);
        assert_eq!(s.flush().unwrap().num_rows(), 1);
        assert!(s.buffers[0].is_empty());
    }
}
