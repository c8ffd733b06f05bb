//! One measure of a standard, from its JSON rows to a compiled, validated table.

use serde_json::Value;

use super::spec::MeasureSpec;
use super::{invalid, Method};
use crate::engine::aqi::measure::{Pollutant, Rounding, Unit};
use crate::engine::aqi::subindex::{Bands, IndexRounding, Linear, MeasureTable, Row, Scale};
use crate::engine::{Error, Result};

/// A breakpoint as written: a decimal string or a JSON number.
pub(super) fn decimal_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

pub(super) fn decimals_of(text: &str) -> u32 {
    text.split_once('.').map_or(0, |(_, frac)| frac.len() as u32)
}

/// Parses a decimal string into an exact count of `10^-decimals` units.
pub fn parse_count(text: &str, decimals: u32) -> Result<i64> {
    let bad = || Error::spec(format!("'{text}' is not a decimal with at most {decimals} decimals"));
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    if frac.len() > decimals as usize || whole.is_empty() || whole.starts_with('-') {
        return Err(bad());
    }
    let whole: i64 = whole.parse().map_err(|_| bad())?;
    let padded = format!("{frac:0<width$}", width = decimals as usize);
    let frac: i64 = if padded.is_empty() { 0 } else { padded.parse().map_err(|_| bad())? };
    whole.checked_mul(10_i64.pow(decimals)).and_then(|w| w.checked_add(frac)).ok_or_else(bad)
}

pub(super) fn index_value(value: &Value) -> Option<i32> {
    value.as_i64().and_then(|v| i32::try_from(v).ok())
}

/// The top of the index: the largest index any measure's table reaches.
pub(super) fn top_index(id: &str, method: Method, measures: &[MeasureSpec]) -> Result<i32> {
    let at = match method {
        Method::Linear => 3,
        Method::Bands => 2,
        Method::Aqhi => return Ok(i32::MAX),
    };
    let mut top = i32::MIN;
    for m in measures {
        for row in &m.rows {
            if let Some(v) = row.get(at).and_then(index_value) {
                top = top.max(v);
            }
        }
    }
    if measures.iter().all(|m| m.rows.is_empty()) {
        return Err(invalid(id, "no breakpoint rows"));
    }
    if top == i32::MIN {
        return Ok(i32::MAX); // malformed rows: `compile_measure` names them
    }
    Ok(top)
}

pub(super) fn compile_measure(
    id: &str,
    method: Method,
    index_rounding: IndexRounding,
    top_index: i32,
    m: &MeasureSpec,
) -> Result<MeasureTable> {
    let key = m.key.trim().to_ascii_lowercase();
    let here = |what: String| invalid(id, format!("measure '{key}': {what}"));
    if key.is_empty() || !key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') {
        return Err(here("key must be lowercase letters, digits and '_'".into()));
    }
    let pollutant = Pollutant::parse(&m.pollutant).map_err(|e| here(e.to_string()))?;
    let unit = Unit::parse(&m.unit, &key).map_err(|e| here(e.to_string()))?;
    let rounding = match m.rounding.as_deref() {
        Some(text) => Rounding::parse(text).map_err(|e| here(e.to_string()))?,
        None if method == Method::Linear => Rounding::Truncate,
        None => Rounding::None,
    };
    if method != Method::Aqhi && m.rows.is_empty() {
        return Err(here("no rows".into()));
    }
    let rows = read_rows(method, &m.rows).map_err(|(r, what)| here(format!("row {}: {what}", r + 1)))?;
    let decimals = m.decimals.unwrap_or_else(|| {
        rows.iter()
            .flat_map(|r| [decimals_of(&r.lo), r.hi.as_deref().map_or(0, decimals_of)])
            .max()
            .unwrap_or(0)
    });
    if decimals > 9 {
        return Err(here("decimals must be at most 9".into()));
    }
    let at_row = |(r, what): (usize, String)| here(format!("row {}: {what}", r + 1));
    let scale = match method {
        Method::Aqhi if !m.rows.is_empty() => return Err(here("an AQHI measure has no rows".into())),
        Method::Aqhi => Scale::Formula,
        Method::Linear => {
            linear_scale(&rows, decimals, index_rounding, rounding, top_index).map_err(at_row)?
        }
        Method::Bands => {
            if !matches!(rounding, Rounding::None | Rounding::HalfUp) {
                return Err(here("bands support rounding 'half_up' or 'none'".into()));
            }
            band_scale(&rows, decimals, rounding, top_index).map_err(at_row)?
        }
    };
    let per_unit = f64::from(10_u32.pow(decimals));
    let value = |t: &str| parse_count(t, decimals).map_or(f64::NAN, |c| c as f64 / per_unit);
    let printed = rows.iter().map(|r| (value(&r.lo), r.hi.as_deref().map(value), r.i_lo, r.i_hi)).collect();
    Ok(MeasureTable {
        key,
        pollutant,
        averaging: m.averaging.trim().to_owned(),
        unit,
        decimals,
        rounding,
        scale,
        printed,
    })
}

/// A row as written: limits as decimal text, index limits (a band has `i_lo == i_hi`).
pub(super) struct RowText {
    lo: String,
    hi: Option<String>,
    i_lo: i32,
    i_hi: i32,
}

pub(super) type RowError = (usize, String);

pub(super) fn read_rows(method: Method, rows: &[Vec<Value>]) -> std::result::Result<Vec<RowText>, RowError> {
    let cells = if method == Method::Linear { 4 } else { 3 };
    let mut out = Vec::with_capacity(rows.len());
    for (r, row) in rows.iter().enumerate() {
        if row.len() != cells {
            return Err((r, format!("has {} values, expected {cells}", row.len())));
        }
        let lo = decimal_text(&row[0]).ok_or((r, "lower limit is not a number".to_owned()))?;
        let hi = match &row[1] {
            Value::Null => None,
            v => Some(decimal_text(v).ok_or((r, "upper limit is not a number".to_owned()))?),
        };
        let index = |v: &Value| index_value(v).ok_or((r, "index limits must be integers".to_owned()));
        let (i_lo, i_hi) = (index(&row[2])?, index(&row[cells - 1])?);
        out.push(RowText { lo, hi, i_lo, i_hi });
    }
    Ok(out)
}

pub(super) fn linear_scale(
    rows: &[RowText],
    decimals: u32,
    index_rounding: IndexRounding,
    rounding: Rounding,
    top_index: i32,
) -> std::result::Result<Scale, RowError> {
    let count = |r: usize, t: &str| parse_count(t, decimals).map_err(|e| (r, e.to_string()));
    let mut counted = Vec::with_capacity(rows.len());
    for (r, row) in rows.iter().enumerate() {
        let hi = row.hi.as_deref().ok_or((r, "a linear row needs an upper limit".to_owned()))?;
        counted.push(Row { lo: count(r, &row.lo)?, hi: count(r, hi)?, i_lo: row.i_lo, i_hi: row.i_hi });
    }
    check_linear_rows(&counted)?;
    let extendable = counted.last().is_some_and(|r| r.i_hi >= top_index);
    Ok(Scale::Linear(Linear::new(counted, index_rounding, rounding, extendable)))
}

pub(super) fn band_scale(
    rows: &[RowText],
    decimals: u32,
    rounding: Rounding,
    top_index: i32,
) -> std::result::Result<Scale, RowError> {
    let count = |r: usize, t: &str| parse_count(t, decimals).map_err(|e| (r, e.to_string()));
    let (mut los, mut uppers, mut bands) = (Vec::new(), Vec::new(), Vec::new());
    for (r, row) in rows.iter().enumerate() {
        match row.hi.as_deref() {
            Some(hi) => uppers.push(count(r, hi)?),
            None if r + 1 != rows.len() => return Err((r, "only the last band may be open-ended".into())),
            None => {}
        }
        los.push(count(r, &row.lo)?);
        bands.push(row.i_lo);
    }
    check_bands(&los, &uppers, &bands)?;
    let per_unit = f64::from(10_u32.pow(decimals));
    let first = los.first().map_or(0.0, |&c| c as f64 / per_unit);
    let uppers: Vec<f64> = uppers.iter().map(|&c| c as f64 / per_unit).collect();
    let extendable = bands.last().is_some_and(|&b| b >= top_index);
    let round_scale = (rounding != Rounding::None).then_some(per_unit);
    Ok(Scale::Bands(Bands::new(first, uppers, bands, extendable, round_scale)))
}

/// Rows must rise without gaps or overlaps: each starts where the previous ends (continuous
/// tables, China) or one resolution step above it (discrete tables, US EPA, India).
pub(super) fn check_linear_rows(rows: &[Row]) -> std::result::Result<(), RowError> {
    for (r, row) in rows.iter().enumerate() {
        if row.lo > row.hi {
            return Err((r, "lower limit above upper limit".into()));
        }
        if row.i_lo > row.i_hi || row.i_lo < 0 {
            return Err((r, "index limits must be non-negative and rise".into()));
        }
        if row.lo == row.hi && row.i_lo != row.i_hi {
            return Err((r, "a one-value row must have one index".into()));
        }
        if r == 0 {
            continue;
        }
        let prev = rows[r - 1];
        if row.lo < prev.hi {
            return Err((r, format!("overlaps row {r}")));
        }
        if row.lo > prev.hi + 1 {
            return Err((r, format!("leaves a gap after row {r}")));
        }
        if row.i_lo < prev.i_hi {
            return Err((r, format!("index starts below the end of row {r}")));
        }
    }
    Ok(())
}

pub(super) fn check_bands(los: &[i64], uppers: &[i64], bands: &[i32]) -> std::result::Result<(), RowError> {
    for r in 0..los.len() {
        if let Some(&hi) = uppers.get(r) {
            if hi <= los[r] {
                return Err((r, "upper limit must be above the lower limit".into()));
            }
        }
        if r == 0 {
            continue;
        }
        if bands[r] <= bands[r - 1] {
            return Err((r, format!("band numbers must rise (row {r} has {})", bands[r - 1])));
        }
        let prev_hi = uppers[r - 1];
        if los[r] < prev_hi {
            return Err((r, format!("overlaps row {r}")));
        }
        if los[r] > prev_hi + 1 {
            return Err((r, format!("leaves a gap after row {r}")));
        }
    }
    Ok(())
}
