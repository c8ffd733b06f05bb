//! Local standard time: the hour grid a day is cut from (EPA days run midnight to midnight LST,
//! so daylight saving never applies and every day has 24 hours).

use chrono::{DateTime, TimeZone};
use chrono_tz::{OffsetComponents, Tz};

use crate::engine::{Error, Result};

/// A zone given as an IANA name ("Asia/Shanghai") or a fixed offset ("+08:00", "-0500", "UTC").
enum Zone {
    Fixed(i64),
    Named(Tz),
}

fn parse(text: &str) -> Result<Zone> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("utc") || t == "Z" {
        return Ok(Zone::Fixed(0));
    }
    if let Some(sign) = t.chars().next().filter(|c| *c == '+' || *c == '-') {
        let digits: String = t[1..].chars().filter(char::is_ascii_digit).collect();
        let (h, m) = match digits.len() {
            1 | 2 => (digits.parse::<i64>().ok(), Some(0)),
            4 => (digits[..2].parse().ok(), digits[2..].parse().ok()),
            _ => (None, None),
        };
        if let (Some(h), Some(m)) = (h, m) {
            let seconds = h * 3600 + m * 60;
            return Ok(Zone::Fixed(if sign == '-' { -seconds } else { seconds }));
        }
    }
    t.parse::<Tz>().map(Zone::Named).map_err(|_| Error::spec(format!("unknown time zone '{text}'")))
}

/// The zone's standard offset (no daylight saving) at an instant, in seconds.
fn standard_offset(zone: &Zone, hour: i64) -> i64 {
    match zone {
        Zone::Fixed(seconds) => *seconds,
        Zone::Named(tz) => {
            let utc = DateTime::from_timestamp(hour * 3600, 0).unwrap_or_default().naive_utc();
            tz.offset_from_utc_datetime(&utc).base_utc_offset().num_seconds()
        }
    }
}

/// How a row's hour becomes the hour its day is cut from.
pub enum Shift {
    /// Add this many hours (0: the timestamps' own hours; a fixed or unchanging zone offset).
    Hours(i64),
    /// A zone whose standard offset changed within the data: looked up per hour.
    Lookup(Tz),
}

impl Shift {
    /// The shift to local standard time in `zone`; `span` gives the data's first and last hour
    /// (asked only for a named zone). Without a zone, times are already local wall-clock times.
    pub fn new(zone: Option<&str>, span: impl FnOnce() -> (i64, i64)) -> Result<Self> {
        let Some(zone) = zone else { return Ok(Self::Hours(0)) };
        let zone = parse(zone)?;
        if let Zone::Named(tz) = zone {
            let (lo, hi) = span();
            let (a, b) = (standard_offset(&zone, lo), standard_offset(&zone, hi));
            // The usual case: one standard offset over the whole period.
            return Ok(if a == b { Self::Hours(a.div_euclid(3600)) } else { Self::Lookup(tz) });
        }
        Ok(Self::Hours(standard_offset(&zone, 0).div_euclid(3600)))
    }

    /// The local standard hour of an hour: `h * 3600` is whole hours, so flooring
    /// `h * 3600 + offset` to the hour is adding the offset's floor in hours.
    pub fn local(&self, hour: i64) -> i64 {
        match self {
            Self::Hours(shift) => hour + shift,
            Self::Lookup(tz) => hour + standard_offset(&Zone::Named(*tz), hour).div_euclid(3600),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_time_ignores_daylight_saving() {
        // 2024-07-01 12:00 UTC: New York is EDT (-4) but its standard time is EST (-5).
        let h = 1_719_835_200 / 3600;
        let local = |zone| Shift::new(zone, || (h, h)).unwrap().local(h);
        assert_eq!(local(Some("America/New_York")), h - 5);
        assert_eq!(local(Some("+08:00")), h + 8);
        assert_eq!(local(Some("-0530")), h - 6); // 06:30 local -> hour 6
        assert_eq!(local(None), h);
        assert!(Shift::new(Some("Mars/Olympus"), || (h, h)).is_err());
    }

    #[test]
    fn a_zone_whose_standard_offset_changed_is_looked_up_per_hour() {
        // Europe/Moscow: standard time UTC+3 until 2011-03-27, UTC+4 until 2014-10-26, then +3.
        let (before, during) = (1_262_304_000 / 3600, 1_356_998_400 / 3600); // 2010-01-01, 2013-01-01
        let shift = Shift::new(Some("Europe/Moscow"), || (before, during)).unwrap();
        assert!(matches!(shift, Shift::Lookup(_)));
        assert_eq!((shift.local(before), shift.local(during)), (before + 3, during + 4));
    }
}
