//! One station's recent hours: a run of hour slots from `base`, each with the row's time as
//! given (or none: no row that hour), its readings in native units and, for the NowCast rows
//! that are emitted again, its readings as given.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Buffer {
    /// The hour of slot 0.
    base: i64,
    /// Per slot: the row's time as given (in the stream's time unit); `None` = no row.
    times: VecDeque<Option<i64>>,
    /// Per column, per slot: the reading in native units (NaN = missing).
    native: Vec<VecDeque<f64>>,
    /// Per column, per slot: the reading as given (empty unless kept).
    raw: Vec<VecDeque<Option<f64>>>,
}

impl Buffer {
    pub fn new(columns: usize, keep_raw: bool) -> Self {
        Self {
            base: 0,
            times: VecDeque::new(),
            native: vec![VecDeque::new(); columns],
            raw: vec![VecDeque::new(); if keep_raw { columns } else { 0 }],
        }
    }

    pub fn is_empty(&self) -> bool {
        self.times.is_empty()
    }

    /// The first hour held (meaningless when empty).
    pub fn base(&self) -> i64 {
        self.base
    }

    /// One past the last hour held.
    pub fn end(&self) -> i64 {
        self.base + self.times.len() as i64
    }

    fn slot(&self, hour: i64) -> Option<usize> {
        (hour >= self.base && hour < self.end()).then(|| (hour - self.base) as usize)
    }

    /// The time of the row in `hour`, if one was received.
    pub fn time(&self, hour: i64) -> Option<i64> {
        self.slot(hour).and_then(|i| self.times[i])
    }

    pub fn claimed(&self, hour: i64) -> bool {
        self.time(hour).is_some()
    }

    /// Column `column`'s reading in `hour` (NaN when missing or not held).
    pub fn value(&self, column: usize, hour: i64) -> f64 {
        self.slot(hour).map_or(f64::NAN, |i| self.native[column][i])
    }

    /// Column `column`'s reading in `hour` as given.
    pub fn raw(&self, column: usize, hour: i64) -> Option<f64> {
        self.slot(hour).and_then(|i| self.raw.get(column).and_then(|r| r[i]))
    }

    /// Places a row in `hour` (which must not be claimed), growing the run either way.
    pub fn insert(&mut self, hour: i64, time: i64, native: &[f64], raw: &[Option<f64>]) {
        if self.times.is_empty() {
            self.base = hour;
        }
        while hour < self.base {
            self.base -= 1;
            self.times.push_front(None);
            self.native.iter_mut().for_each(|c| c.push_front(f64::NAN));
            self.raw.iter_mut().for_each(|c| c.push_front(None));
        }
        while hour >= self.end() {
            self.times.push_back(None);
            self.native.iter_mut().for_each(|c| c.push_back(f64::NAN));
            self.raw.iter_mut().for_each(|c| c.push_back(None));
        }
        let i = (hour - self.base) as usize;
        self.times[i] = Some(time);
        for (column, &x) in self.native.iter_mut().zip(native) {
            column[i] = x;
        }
        for (column, &x) in self.raw.iter_mut().zip(raw) {
            column[i] = x;
        }
    }

    /// Forgets every hour before `hour`, and the hours without a row that then lead (they hold
    /// nothing a window needs).
    pub fn trim(&mut self, hour: i64) {
        while self.times.front().is_some_and(|t| self.base < hour || t.is_none()) {
            self.base += 1;
            self.times.pop_front();
            for column in &mut self.native {
                column.pop_front();
            }
            for column in &mut self.raw {
                column.pop_front();
            }
        }
    }

    /// Column `column`'s readings of `hours` hours from `from` (NaN where missing).
    pub fn series(&self, column: usize, from: i64, hours: usize) -> Vec<f64> {
        (from..from + hours as i64).map(|h| self.value(column, h)).collect()
    }

    /// Approximate bytes held: the slots, not the allocator's spare capacity.
    pub fn nbytes(&self) -> usize {
        let per_slot = 16 + 8 * self.native.len() + 16 * self.raw.len();
        std::mem::size_of::<Self>() + self.times.len() * per_slot
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_both_ways_and_trims() {
        let mut b = Buffer::new(1, true);
        b.insert(10, 100, &[1.0], &[Some(1.0)]);
        b.insert(13, 130, &[f64::NAN], &[None]);
        b.insert(8, 80, &[2.0], &[Some(-999.0)]);
        assert_eq!((b.base(), b.end()), (8, 14));
        assert!(b.claimed(13) && !b.claimed(9) && !b.claimed(14) && !b.claimed(7));
        assert_eq!(b.series(0, 7, 4)[1..].to_vec().iter().filter(|v| !v.is_nan()).count(), 2);
        assert_eq!((b.raw(0, 8), b.time(10)), (Some(-999.0), Some(100)));
        b.trim(9); // hours 9 (no row) goes too: 10 is the first held
        assert_eq!((b.base(), b.value(0, 10)), (10, 1.0));
        b.trim(20);
        assert!(b.is_empty());
    }
}
