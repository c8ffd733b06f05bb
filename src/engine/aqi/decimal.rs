//! Decimal columns read exactly (`docs/guide/aqi.md`, "The rules"): a decimal is rounded to its
//! measure's resolution in integer arithmetic, as the standard rounds it, and handed on as the
//! double nearest that rounded value, which the table's own rounding maps back to the same
//! count. `Decimal("9.0999999999")` is 9.0 µg/m³ (AQI 50), where its nearest double, read with
//! any guard wide enough for `9.1 × 10 = 90.999…`, could be taken for 9.1.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{Decimal128Type, Decimal256Type, Decimal32Type, Decimal64Type};
use arrow_array::{Array, ArrayRef, Float64Array};
use arrow_cast::cast;
use arrow_schema::DataType;

use super::measure::Rounding;
use super::subindex::{MeasureTable, Scale};
use crate::engine::columns::as_f64;
use crate::engine::Result;

/// How a column of `data_type` is rounded exactly before `table` reads it: the table's
/// decimals and rounding for a decimal column in the table's own unit (`converted` false)
/// whose table rounds to a resolution; `None` (read as doubles) otherwise.
pub fn exact_rounding(
    table: &MeasureTable,
    data_type: &DataType,
    converted: bool,
) -> Option<(u32, Rounding)> {
    let rounds = match table.scale {
        Scale::Linear(_) => {
            matches!(table.rounding, Rounding::Truncate | Rounding::HalfUp | Rounding::HalfEven)
        }
        Scale::Bands(_) => table.rounding == Rounding::HalfUp,
        Scale::Formula => false,
    };
    (rounds && !converted && is_decimal(data_type)).then_some((table.decimals, table.rounding))
}

/// A concentration column as doubles: exactly rounded first when `exact` says so.
pub fn read(name: &str, array: &ArrayRef, exact: Option<(u32, Rounding)>) -> Result<Float64Array> {
    match exact {
        Some((decimals, rounding)) => rounded_decimals(name, array, decimals, rounding),
        None => as_f64(name, array),
    }
}

/// True for a decimal column, or a dictionary of decimals.
pub fn is_decimal(data_type: &DataType) -> bool {
    match data_type {
        DataType::Dictionary(_, values) => is_decimal(values),
        dt => matches!(
            dt,
            DataType::Decimal32(..)
                | DataType::Decimal64(..)
                | DataType::Decimal128(..)
                | DataType::Decimal256(..)
        ),
    }
}

/// A decimal column as doubles already rounded to `decimals` places as `rounding` says.
/// Negative values and values too large for the integer arithmetic keep their plain double
/// (the first are flagged by the AQI, the second are beyond every table).
pub fn rounded_decimals(
    name: &str,
    array: &ArrayRef,
    decimals: u32,
    rounding: Rounding,
) -> Result<Float64Array> {
    let values = match array.data_type() {
        DataType::Dictionary(_, values) => cast(array, values)?,
        _ => Arc::clone(array),
    };
    let floats = as_f64(name, &values)?;
    let round = |v: Option<i128>, scale: i8| v.and_then(|v| count_at(v, scale, decimals, rounding));
    let counts: Vec<Option<i64>> = match values.data_type() {
        DataType::Decimal32(_, s) => values
            .as_primitive::<Decimal32Type>()
            .values()
            .iter()
            .map(|&v| round(Some(v.into()), *s))
            .collect(),
        DataType::Decimal64(_, s) => values
            .as_primitive::<Decimal64Type>()
            .values()
            .iter()
            .map(|&v| round(Some(v.into()), *s))
            .collect(),
        DataType::Decimal128(_, s) => {
            values.as_primitive::<Decimal128Type>().values().iter().map(|&v| round(Some(v), *s)).collect()
        }
        DataType::Decimal256(_, s) => {
            values.as_primitive::<Decimal256Type>().values().iter().map(|&v| round(v.to_i128(), *s)).collect()
        }
        _ => return Ok(floats),
    };
    let per_unit = 10_f64.powi(decimals as i32);
    let out: Vec<f64> =
        counts.iter().zip(floats.values()).map(|(c, &x)| c.map_or(x, |c| c as f64 / per_unit)).collect();
    Ok(Float64Array::new(out.into(), floats.nulls().cloned()))
}

/// The count of `10^-decimals` units of the decimal `v × 10^-scale` (non-negative), rounded as
/// `rounding` says; `None` for a negative value or a count beyond `i64`.
fn count_at(v: i128, scale: i8, decimals: u32, rounding: Rounding) -> Option<i64> {
    if v < 0 {
        return None;
    }
    let shift = i32::try_from(decimals).ok()? - i32::from(scale);
    if shift >= 0 {
        let count = v.checked_mul(10_i128.checked_pow(shift.unsigned_abs())?)?;
        return i64::try_from(count).ok();
    }
    // 10^39 and above exceed every i128, so the quotient is 0 and the remainder below half.
    let Some(den) = 10_i128.checked_pow(shift.unsigned_abs()) else { return Some(0) };
    let (q, r) = (v / den, v % den);
    // `r` against `den − r`, not `2r` against `den`, so nothing can overflow.
    let up = match rounding {
        Rounding::Truncate | Rounding::None => false,
        Rounding::HalfUp => r >= den - r,
        Rounding::HalfEven => r > den - r || (r == den - r && q % 2 == 1),
    };
    i64::try_from(q + i128::from(up)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::{Decimal128Array, DictionaryArray, Int8Array};
    use arrow_buffer::i256;

    #[test]
    fn counts_are_exact() {
        // 9.0999999999 at scale 10, truncated to 0.1: 90 (9.0); 9.1: 91.
        assert_eq!(count_at(90_999_999_999, 10, 1, Rounding::Truncate), Some(90));
        assert_eq!(count_at(91, 1, 1, Rounding::Truncate), Some(91));
        // 35.5 and 34.5 to whole units: half up 36 and 35, half even 36 and 34.
        assert_eq!(count_at(355, 1, 0, Rounding::HalfUp), Some(36));
        assert_eq!(count_at(345, 1, 0, Rounding::HalfUp), Some(35));
        assert_eq!(count_at(355, 1, 0, Rounding::HalfEven), Some(36));
        assert_eq!(count_at(345, 1, 0, Rounding::HalfEven), Some(34));
        assert_eq!(count_at(3451, 2, 0, Rounding::HalfEven), Some(35)); // 34.51: above the tie
                                                                        // Fewer decimals than the resolution, and a negative scale (hundreds).
        assert_eq!(count_at(12, 0, 3, Rounding::Truncate), Some(12_000));
        assert_eq!(count_at(3, -2, 0, Rounding::Truncate), Some(300));
        assert_eq!(count_at(-1, 1, 1, Rounding::Truncate), None);
        assert_eq!(count_at(i128::MAX, 0, 1, Rounding::Truncate), None);
        assert_eq!(count_at(i128::MAX, 76, 1, Rounding::HalfUp), Some(0));
        assert_eq!(count_at(i128::MAX, 38, 0, Rounding::HalfUp), Some(2)); // 1.70…e38 / 1e38
    }

    #[test]
    fn columns_round_exactly_and_keep_nulls() {
        let values: ArrayRef = Arc::new(
            Decimal128Array::from(vec![Some(90_999_999_999), None, Some(91_000_000_000), Some(-1)])
                .with_precision_and_scale(20, 10)
                .unwrap(),
        );
        let out = rounded_decimals("pm25", &values, 1, Rounding::Truncate).unwrap();
        assert_eq!(out.iter().collect::<Vec<_>>(), vec![Some(9.0), None, Some(9.1), Some(-1e-10)]);
        let dict: ArrayRef = Arc::new(DictionaryArray::new(Int8Array::from(vec![2, 0, 1]), values));
        assert!(is_decimal(dict.data_type()));
        let out = rounded_decimals("pm25", &dict, 1, Rounding::Truncate).unwrap();
        assert_eq!(out.iter().collect::<Vec<_>>(), vec![Some(9.1), Some(9.0), None]);
        let wide: ArrayRef = Arc::new(
            arrow_array::Decimal256Array::from(vec![i256::from_i128(3_550), i256::MAX])
                .with_precision_and_scale(76, 2)
                .unwrap(),
        );
        let out = rounded_decimals("x", &wide, 0, Rounding::HalfEven).unwrap();
        assert_eq!(out.value(0).to_bits(), 36.0_f64.to_bits()); // 35.50 → 36
        assert!(out.value(1) > 1e70); // beyond i128: the plain double
        assert!(!is_decimal(&DataType::Float64));
    }
}
