//! A fast path for ISO-8601 timestamp columns. arrow-json parses each timestamp with the
//! general `arrow_cast` parser, the largest single cost of reading readings; here top-level
//! timestamp columns are decoded as text and the common shape
//! `YYYY-MM-DD[T ]HH:MM:SS[.fff][Z|±HH:MM]` is converted directly. A chunk with any other shape,
//! or any bad record, is decoded again with the real schema, so arrow-json alone decides what
//! is valid and the values are the same either way.

use std::sync::Arc;

use arrow_array::types::{
    TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType, TimestampSecondType,
};
use arrow_array::{Array, ArrayRef, PrimitiveArray, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema, SchemaRef, TimeUnit};

use crate::engine::io::chunks::Chunk;
use crate::engine::io::decode::{decode_chunk, Decoded};
use crate::engine::Result;

/// How a chunk is decoded: the schema, and its top-level timestamp columns read as text first.
#[derive(Debug)]
pub struct DecodePlan {
    pub schema: SchemaRef,
    text_schema: Option<SchemaRef>,
    /// (column index, unit, whether zone-less strings may be read as UTC).
    columns: Vec<(usize, TimeUnit, bool)>,
}

impl DecodePlan {
    pub fn new(schema: SchemaRef) -> Self {
        let mut columns = Vec::new();
        let mut fields: Vec<Field> = Vec::new();
        for (i, field) in schema.fields().iter().enumerate() {
            if let DataType::Timestamp(unit, tz) = field.data_type() {
                let utc = tz.as_deref().is_none_or(|tz| matches!(tz, "UTC" | "+00:00" | "Z"));
                columns.push((i, *unit, utc));
                fields.push(field.as_ref().clone().with_data_type(DataType::Utf8));
            } else {
                fields.push(field.as_ref().clone());
            }
        }
        let text_schema = (!columns.is_empty())
            .then(|| Arc::new(Schema::new_with_metadata(fields, schema.metadata().clone())));
        Self { schema, text_schema, columns }
    }

    /// Decodes a chunk; the result is the same as `decode_chunk(chunk, &self.schema)`.
    pub fn decode(&self, chunk: &Chunk) -> Result<Decoded> {
        if let Some(text_schema) = &self.text_schema {
            let decoded = decode_chunk(chunk, text_schema)?;
            if decoded.rejected.is_empty() {
                if let Some(batch) = self.convert(&decoded.batch) {
                    return Ok(Decoded { batch, ..decoded });
                }
            }
        }
        decode_chunk(chunk, &self.schema)
    }

    fn convert(&self, batch: &RecordBatch) -> Option<RecordBatch> {
        let mut columns = batch.columns().to_vec();
        for &(i, unit, utc) in &self.columns {
            let text = batch.column(i).as_any().downcast_ref::<StringArray>()?;
            let data_type = self.schema.field(i).data_type().clone();
            columns[i] = convert_column(text, unit, utc, data_type)?;
        }
        RecordBatch::try_new(Arc::clone(&self.schema), columns).ok()
    }
}

fn convert_column(text: &StringArray, unit: TimeUnit, utc: bool, dt: DataType) -> Option<ArrayRef> {
    let mut values = Vec::with_capacity(text.len());
    for i in 0..text.len() {
        values.push(if text.is_null(i) { 0 } else { parse(text.value(i).as_bytes(), unit, utc)? });
    }
    let nulls = text.nulls().cloned();
    Some(match unit {
        TimeUnit::Second => timestamps::<TimestampSecondType>(values, nulls, dt),
        TimeUnit::Millisecond => timestamps::<TimestampMillisecondType>(values, nulls, dt),
        TimeUnit::Microsecond => timestamps::<TimestampMicrosecondType>(values, nulls, dt),
        TimeUnit::Nanosecond => timestamps::<TimestampNanosecondType>(values, nulls, dt),
    })
}

fn timestamps<T: arrow_array::ArrowPrimitiveType<Native = i64>>(
    values: Vec<i64>,
    nulls: Option<arrow_buffer::NullBuffer>,
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

/// `YYYY-MM-DD[T ]HH:MM:SS[.f{1,9}][Z|±HH:MM|±HHMM]` in `unit`, or `None` for anything else.
fn parse(s: &[u8], unit: TimeUnit, utc: bool) -> Option<i64> {
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
        b"" if utc => 0,
        b"Z" | b"z" => 0,
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
    match unit {
        TimeUnit::Second => Some(seconds),
        TimeUnit::Millisecond => seconds.checked_mul(1_000)?.checked_add(nanos / 1_000_000),
        TimeUnit::Microsecond => seconds.checked_mul(1_000_000)?.checked_add(nanos / 1_000),
        TimeUnit::Nanosecond => seconds.checked_mul(1_000_000_000)?.checked_add(nanos),
    }
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
            assert_eq!(parse(text.as_bytes(), TimeUnit::Second, true), Some(want.timestamp()), "{text}");
            assert_eq!(parse(text.as_bytes(), TimeUnit::Microsecond, true), Some(want.timestamp_micros()));
            assert_eq!(parse(text.as_bytes(), TimeUnit::Nanosecond, true), want.timestamp_nanos_opt());
        }
    }

    #[test]
    fn other_shapes_are_left_to_arrow() {
        for text in ["2024-02-30T00:00:00Z", "2024-05-01", "2024-05-01T10:00", "2024-05-01T10:00:00 UTC"] {
            assert_eq!(parse(text.as_bytes(), TimeUnit::Microsecond, true), None, "{text}");
        }
        assert_eq!(parse(b"2024-05-01T10:00:00", TimeUnit::Microsecond, false), None);
    }
}
