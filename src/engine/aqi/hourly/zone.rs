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

/// Local standard hours of each row. Without a zone, times are already local wall-clock times.
pub fn local_hours(hours: &[i64], zone: Option<&str>) -> Result<Vec<i64>> {
    let Some(zone) = zone else { return Ok(hours.to_vec()) };
    let zone = parse(zone)?;
    let shift = |h: i64, offset: i64| (h * 3600 + offset).div_euclid(3600);
    let (lo, hi) = (hours.iter().min().copied().unwrap_or(0), hours.iter().max().copied().unwrap_or(0));
    let (a, b) = (standard_offset(&zone, lo), standard_offset(&zone, hi));
    if a == b {
        // The usual case: one standard offset over the whole period.
        return Ok(hours.iter().map(|&h| shift(h, a)).collect());
    }
    Ok(hours.iter().map(|&h| shift(h, standard_offset(&zone, h))).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_time_ignores_daylight_saving() {
        // 2024-07-01 12:00 UTC: New York is EDT (-4) but its standard time is EST (-5).
        let h = 1_719_835_200 / 3600;
        assert_eq!(local_hours(&[h], Some("America/New_York")).unwrap(), vec![h - 5]);
        assert_eq!(local_hours(&[h], Some("+08:00")).unwrap(), vec![h + 8]);
        assert_eq!(local_hours(&[h], Some("-0530")).unwrap(), vec![h - 6]); // 06:30 local -> hour 6
        assert_eq!(local_hours(&[h], None).unwrap(), vec![h]);
        assert!(local_hours(&[h], Some("Mars/Olympus")).is_err());
    }
}
