//! Shared column handling: recognising names and reading numeric columns of any physical type.

use std::sync::Arc;

use arrow_array::{Array, ArrayRef, Float64Array};
use arrow_cast::cast;
use arrow_schema::DataType;

use crate::engine::{Error, Result};

/// Lower-cases a column name, drops a trailing "(unit)" or "[unit]" and every character that is
/// not a letter or digit: `PM2.5 (µg/m³)` → `pm25`, `pm2_5` → `pm25`, `O3_8h` → `o38h`.
pub fn normalize_name(name: &str) -> String {
    let mut head = name.trim();
    for open in ['(', '['] {
        if let Some(pos) = head.find(open) {
            if pos > 0 {
                head = &head[..pos];
            }
        }
    }
    head.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

/// True for the types a concentration column may have: numbers, decimals, all-null, and
/// dictionaries of those.
pub fn is_numeric(data_type: &DataType) -> bool {
    match data_type {
        DataType::Dictionary(_, values) => is_numeric(values),
        dt => {
            dt.is_numeric()
                || matches!(dt, DataType::Null | DataType::Decimal32(..) | DataType::Decimal64(..))
        }
    }
}

/// Checks that `column` can be read as numbers, naming it otherwise.
pub fn check_numeric(column: &str, data_type: &DataType) -> Result<()> {
    if is_numeric(data_type) {
        Ok(())
    } else {
        Err(Error::unsupported_type(
            column,
            data_type,
            "a numeric type (integer, float, decimal or null) is needed",
        ))
    }
}

/// Relative error of the column's own float type, for the truncation guard: a float32 column
/// showing 0.055 holds 0.0549999997, and truncation must see the decimal the user wrote.
pub fn representation_error(data_type: &DataType) -> f64 {
    match data_type {
        DataType::Dictionary(_, values) => representation_error(values),
        DataType::Float16 => 1e-3,   // 2^-10
        DataType::Float32 => 1.2e-7, // 2^-23: twice the worst rounding of a decimal
        _ => 0.0,                    // float64, integers and decimals: the f64 guard suffices
    }
}

/// Reads a numeric column as float64: zero-copy when it already is, one cast otherwise.
pub fn as_f64(column: &str, array: &ArrayRef) -> Result<Float64Array> {
    check_numeric(column, array.data_type())?;
    let array = if array.data_type() == &DataType::Float64 {
        Arc::clone(array)
    } else {
        cast(array, &DataType::Float64)?
    };
    Ok(array.as_any().downcast_ref::<Float64Array>().expect("cast to float64").clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::{DictionaryArray, Int32Array, Int8Array, StringArray};

    #[test]
    fn names() {
        assert_eq!(normalize_name("PM2.5 (µg/m³)"), "pm25");
        assert_eq!(normalize_name("pm2_5"), "pm25");
        assert_eq!(normalize_name(" SO2_24h "), "so224h");
        assert_eq!(normalize_name("(weird)"), "weird");
    }

    #[test]
    fn reads_ints_and_dictionaries() {
        let ints: ArrayRef = Arc::new(Int32Array::from(vec![Some(1), None]));
        let f = as_f64("x", &ints).unwrap();
        assert!((f.value(0) - 1.0).abs() < f64::EPSILON);
        assert!(f.is_null(1));
        let dict: ArrayRef = Arc::new(DictionaryArray::new(
            Int8Array::from(vec![1, 0]),
            Arc::new(arrow_array::Float32Array::from(vec![2.5, 7.0])),
        ));
        assert_eq!(
            as_f64("d", &dict).unwrap().values().iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
            [7.0_f64.to_bits(), 2.5_f64.to_bits()]
        );
        let strings: ArrayRef = Arc::new(StringArray::from(vec!["1"]));
        let err = as_f64("s", &strings).unwrap_err();
        assert!(err.to_string().contains("column 's' has type string"), "{err}");
    }
}
