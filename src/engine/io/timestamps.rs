//! Timestamps read straight from the record's bytes. The common ISO-8601 shape
//! `YYYY-MM-DD[T ]HH:MM:SS[.f{1,9}][Z|±HH:MM|±HHMM]` is converted directly (arrow's general
//! parser was the largest single cost of reading readings); any other shape goes to
//! `arrow_cast`'s parser. Whether the text carries a UTC offset is reported, so the check can
//! hold it against the column's zone: an offset keeps the instant only in a zoned column.

use std::sync::Arc;

use arrow_array::types::{
    TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType, TimestampSecondType,
};
use arrow_array::{ArrayRef, PrimitiveArray};
use arrow_buffer::NullBuffer;
use arrow_schema::{DataType, TimeUnit};
use chrono::Utc;

/// A parsed date-time: the instant (or the wall clock read as UTC when `offset` is false) in
/// the column's unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Instant {
    pub value: i64,
    pub offset: bool,
}

/// A date-time string in `unit`, or `None` when it is not one or does not fit.
pub fn parse(text: &[u8], unit: TimeUnit) -> Option<Instant> {
    if let Some((seconds, nanos, offset)) = parse_fast(text) {
        return Some(Instant { value: in_unit(seconds, nanos, unit)?, offset });
    }
    let text = std::str::from_utf8(text).ok()?;
    // Only a date-time (a digit, '-' after the year) reaches arrow's parser, which also reads
    // bare numbers as seconds.
    if text.len() < 10 || text.as_bytes()[4] != b'-' {
        return None;
    }
    let parsed = arrow_cast::parse::string_to_datetime(&Utc, text).ok()?;
    let offset = text.len() > 10 && text[10..].contains(['Z', 'z', '+', '-']);
    let (seconds, nanos) = (parsed.timestamp(), i64::from(parsed.timestamp_subsec_nanos()));
    Some(Instant { value: in_unit(seconds, nanos, unit)?, offset })
}

fn in_unit(seconds: i64, nanos: i64, unit: TimeUnit) -> Option<i64> {
    match unit {
        TimeUnit::Second => Some(seconds),
        TimeUnit::Millisecond => seconds.checked_mul(1_000)?.checked_add(nanos / 1_000_000),
        TimeUnit::Microsecond => seconds.checked_mul(1_000_000)?.checked_add(nanos / 1_000),
        TimeUnit::Nanosecond => seconds.checked_mul(1_000_000_000)?.checked_add(nanos),
    }
}

fn per_second(unit: TimeUnit) -> i128 {
    match unit {
        TimeUnit::Second => 1,
        TimeUnit::Millisecond => 1_000,
        TimeUnit::Microsecond => 1_000_000,
        TimeUnit::Nanosecond => 1_000_000_000,
    }
}

/// A JSON number counting `epoch` units since 1970-01-01 UTC, in `unit` (exact for decimals;
/// a finer part than `unit` is truncated toward zero).
pub fn epoch(text: &[u8], epoch: TimeUnit, unit: TimeUnit) -> Option<i64> {
    let text = std::str::from_utf8(text).ok()?;
    let scale = |v: i128| v * per_second(unit);
    let value = if text.contains(['e', 'E']) {
        let v = text.parse::<f64>().ok()? * per_second(unit) as f64 / per_second(epoch) as f64;
        (v.is_finite() && v.abs() < 9.2e18).then_some(v.trunc() as i128)?
    } else {
        let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
        let negative = whole.starts_with('-');
        let whole: i128 = whole.parse().ok()?;
        let digits = frac.len().min(30) as u32;
        let frac: i128 = if digits == 0 { 0 } else { frac[..digits as usize].parse().ok()? };
        let frac = if negative { -frac } else { frac };
        let denominator = per_second(epoch) * 10_i128.pow(digits);
        (scale(whole) * 10_i128.pow(digits) + scale(frac)) / denominator
    };
    i64::try_from(value).ok()
}

/// Builds a timestamp column from the values the check converted.
pub fn column(values: Vec<i64>, nulls: Option<NullBuffer>, data_type: DataType) -> ArrayRef {
    let DataType::Timestamp(unit, _) = data_type else { unreachable!("a timestamp column") };
    match unit {
        TimeUnit::Second => typed::<TimestampSecondType>(values, nulls, data_type),
        TimeUnit::Millisecond => typed::<TimestampMillisecondType>(values, nulls, data_type),
        TimeUnit::Microsecond => typed::<TimestampMicrosecondType>(values, nulls, data_type),
        TimeUnit::Nanosecond => typed::<TimestampNanosecondType>(values, nulls, data_type),
    }
}

fn typed<T: arrow_array::ArrowPrimitiveType<Native = i64>>(
    values: Vec<i64>,
    nulls: Option<NullBuffer>,
    data_type: DataType,
) -> ArrayRef {
    Arc::new(PrimitiveArray::<T>::new(values.into(), nulls).with_data_type(data_type))
}

fn digits(b: &[u8]) -> Option<i64> {
    b.iter().try_fold(0_i64, |acc, &c| c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0')))
}

/// Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(year: i64, month: i64) -> i64 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `YYYY-MM-DD[T ]HH:MM:SS[.f{1,9}][Z|±HH:MM|±HHMM]` as (seconds, nanoseconds, whether it has
/// an offset), or `None` for any other shape.
fn parse_fast(s: &[u8]) -> Option<(i64, i64, bool)> {
    if s.len() < 19 || s[4] != b'-' || s[7] != b'-' || s[13] != b':' || s[16] != b':' {
        return None;
    }
    if !matches!(s[10], b'T' | b't' | b' ') {
        return None;
    }
    let (year, month, day) = (digits(&s[0..4])?, digits(&s[5..7])?, digits(&s[8..10])?);
    let (hour, minute, second) = (digits(&s[11..13])?, digits(&s[14..16])?, digits(&s[17..19])?);
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let mut rest = &s[19..];
    let mut nanos = 0_i64;
    if let Some(frac) = rest.strip_prefix(b".") {
        let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 || n > 9 {
            return None;
        }
        nanos = digits(&frac[..n])? * 10_i64.pow(9 - n as u32);
        rest = &frac[n..];
    }
    let offset = match rest {
        b"" | b"Z" | b"z" => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] | [sign @ (b'+' | b'-'), h1, h2, m1, m2] => {
            let (h, m) = (digits(&[*h1, *h2])?, digits(&[*m1, *m2])?);
            if h > 23 || m > 59 {
                return None;
            }
            if *sign == b'+' {
                h * 3600 + m * 60
            } else {
                -(h * 3600 + m * 60)
            }
        }
        _ => return None,
    };
    let seconds = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset;
    Some((seconds, nanos, !rest.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::timezone::Tz;
    use arrow_cast::parse::string_to_datetime;

    #[test]
    fn same_values_as_arrow() {
        let utc: Tz = "+00:00".parse().unwrap();
        for text in [
            "2024-05-01T10:00:00Z",
            "2024-05-01 10:00:00",
            "1969-12-31T23:59:59.5Z",
            "1900-02-28T01:02:03.123456789+05:30",
            "2000-02-29T00:00:00-0800",
            "2262-04-11T23:47:16.854775807Z",
            "0001-01-01T00:00:00Z",
        ] {
            let want = string_to_datetime(&utc, text).unwrap();
            assert_eq!(parse_fast(text.as_bytes()).map(|p| p.0), Some(want.timestamp()), "{text}");
            let micros = parse(text.as_bytes(), TimeUnit::Microsecond).unwrap();
            let offset = text != "2024-05-01 10:00:00";
            assert_eq!(micros, Instant { value: want.timestamp_micros(), offset }, "{text}");
            let nanos = parse(text.as_bytes(), TimeUnit::Nanosecond).map(|i| i.value);
            assert_eq!(nanos, want.timestamp_nanos_opt());
        }
    }

    #[test]
    fn other_shapes_go_to_arrow() {
        for text in ["2024-02-30T00:00:00Z", "2024-05-01T10:00:00 UTC", "12345", "1714557600"] {
            assert_eq!(parse(text.as_bytes(), TimeUnit::Microsecond), None, "{text}");
        }
        let day = parse(b"2024-05-01", TimeUnit::Second).unwrap();
        assert_eq!(day, Instant { value: 1_714_521_600, offset: false });
        assert_eq!(parse(b"9999-12-31T00:00:00Z", TimeUnit::Nanosecond), None, "out of range");
    }

    #[test]
    fn epoch_numbers() {
        let s = TimeUnit::Second;
        assert_eq!(epoch(b"1714557600", s, TimeUnit::Microsecond), Some(1_714_557_600_000_000));
        assert_eq!(epoch(b"1714557600.25", s, TimeUnit::Millisecond), Some(1_714_557_600_250));
        assert_eq!(epoch(b"-1.5", s, TimeUnit::Millisecond), Some(-1_500));
        assert_eq!(epoch(b"1714557600123", TimeUnit::Millisecond, s), Some(1_714_557_600));
        assert_eq!(epoch(b"1.7145576e9", s, s), Some(1_714_557_600));
        assert_eq!(epoch(b"1e300", s, s), None);
        assert_eq!(epoch(b"99999999999999999999", s, TimeUnit::Nanosecond), None);
    }
}
