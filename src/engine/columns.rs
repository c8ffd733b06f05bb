//! Shared column handling: recognising names and reading numeric columns of any physical type.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::{downcast_dictionary_array, Array, ArrayRef, Float64Array};
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

/// Checks that `column` can be read as numbers, naming it otherwise (from its type alone).
pub fn check_numeric(column: &str, data_type: &DataType) -> Result<()> {
    check_numeric_values(column, data_type, &[])
}

/// Checks that `column` can be read as numbers, naming it otherwise; `values` are its arrays
/// (batch by batch, possibly none), so text that holds numbers is told how to read them.
pub fn check_numeric_values(column: &str, data_type: &DataType, values: &[&dyn Array]) -> Result<()> {
    const NEEDED: &str = "a numeric type (integer, float, decimal or null) is needed";
    if is_numeric(data_type) {
        return Ok(());
    }
    let expected = match numbers_as_text(values) {
        Some(first) => format!(
            "{NEEDED}; its values are numbers written as text (the first is '{first}'): cast it with pyarrow.compute.cast(..., pa.float64()), or read the JSON with a schema that gives it a float type (pt.io.read_json(..., schema=...))"
        ),
        None => NEEDED.to_owned(),
    };
    Err(Error::unsupported_type(column, data_type, expected))
}

/// How many of a column's first non-null values decide whether its text is numbers.
const SAMPLE: usize = 20;

/// The first value of a text column (string of any layout, or a dictionary of strings) whose
/// first non-null values, across `parts` in order, all read as numbers (as a float cast reads
/// them: `"12.0"`, `"-3"`, `"1e5"`; not `" 12"` or `"12 µg"`); `None` for words, for other
/// types and when every value is null.
pub fn numbers_as_text<'a>(parts: &[&'a dyn Array]) -> Option<&'a str> {
    let mut texts = parts
        .iter()
        .filter(|p| is_text(p.data_type()))
        .flat_map(|&p| (0..p.len()).filter_map(move |row| text_at(p, row)))
        .take(SAMPLE);
    let first = texts.next()?;
    (first.parse::<f64>().is_ok() && texts.all(|t| t.parse::<f64>().is_ok())).then_some(first)
}

fn is_text(data_type: &DataType) -> bool {
    match data_type {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => true,
        DataType::Dictionary(_, values) => is_text(values),
        _ => false,
    }
}

/// Row `row` of a text array (`None` when null).
fn text_at(array: &dyn Array, row: usize) -> Option<&str> {
    if array.is_null(row) {
        return None;
    }
    match array.data_type() {
        DataType::Utf8 => Some(array.as_string::<i32>().value(row)),
        DataType::LargeUtf8 => Some(array.as_string::<i64>().value(row)),
        DataType::Utf8View => Some(array.as_string_view().value(row)),
        _ => downcast_dictionary_array!(
            array => text_at(array.values().as_ref(), array.key(row)?),
            _ => None
        ),
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
    check_numeric_values(column, array.data_type(), &[array.as_ref()])?;
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

    fn strings(values: &[Option<&str>]) -> ArrayRef {
        Arc::new(StringArray::from(values.to_vec()))
    }

    #[test]
    fn text_is_numbers_when_its_first_values_read_as_numbers() {
        let first = |parts: &[ArrayRef]| {
            let parts: Vec<&dyn Array> = parts.iter().map(AsRef::as_ref).collect();
            numbers_as_text(&parts).map(str::to_owned)
        };
        assert_eq!(first(&[strings(&[Some("12.0"), Some("40")])]).as_deref(), Some("12.0"));
        assert_eq!(first(&[strings(&[None, Some("1e5"), Some("-3"), Some(".5")])]).as_deref(), Some("1e5"));
        // Across batches: the first batch holds only nulls.
        assert_eq!(first(&[strings(&[None]), strings(&[Some("7")])]).as_deref(), Some("7"));
        for words in [
            vec![Some("Good"), Some("Moderate")],
            vec![Some("12.0"), Some("n/a")],
            vec![Some(" 12")],
            vec![Some("12 µg")],
            vec![Some("")],
            vec![None, None],
        ] {
            assert_eq!(first(&[strings(&words)]), None, "{words:?}");
        }
        assert_eq!(first(&[]), None);
        // Only the first SAMPLE non-null values decide.
        let mut late: Vec<Option<&str>> = vec![Some("1"); SAMPLE];
        late.push(Some("word"));
        assert_eq!(first(&[strings(&late)]).as_deref(), Some("1"));
        late.swap(0, SAMPLE);
        assert_eq!(first(&[strings(&late)]), None);
        let large: ArrayRef = Arc::new(arrow_array::LargeStringArray::from(vec!["3"]));
        let view: ArrayRef = Arc::new(arrow_array::StringViewArray::from(vec!["4.5"]));
        let dict: ArrayRef = Arc::new(DictionaryArray::new(
            Int8Array::from(vec![None, Some(1), Some(0)]),
            Arc::new(StringArray::from(vec!["x", "2"])),
        ));
        assert_eq!(first(&[large]).as_deref(), Some("3"));
        assert_eq!(first(&[view]).as_deref(), Some("4.5"));
        assert_eq!(first(&[Arc::clone(&dict)]), None); // "2", then the word "x"
        let dict: ArrayRef = Arc::new(DictionaryArray::new(
            Int8Array::from(vec![None, Some(1)]),
            Arc::new(StringArray::from(vec!["x", "2"])),
        ));
        assert_eq!(first(&[dict]).as_deref(), Some("2"));
        assert_eq!(first(&[Arc::new(Int32Array::from(vec![1])) as ArrayRef]), None);
    }

    #[test]
    fn numbers_as_text_are_told_how_to_read_them() {
        let numbers = strings(&[Some("12.0"), Some("40")]);
        assert_eq!(
            as_f64("pm25", &numbers).unwrap_err().to_string(),
            "column 'pm25' has type string, but a numeric type (integer, float, decimal or null) is needed; its values are numbers written as text (the first is '12.0'): cast it with pyarrow.compute.cast(..., pa.float64()), or read the JSON with a schema that gives it a float type (pt.io.read_json(..., schema=...))"
        );
        let words = strings(&[Some("high")]);
        let plain =
            "column 'pm25' has type string, but a numeric type (integer, float, decimal or null) is needed";
        assert_eq!(as_f64("pm25", &words).unwrap_err().to_string(), plain);
        // From the type alone there is nothing to tell.
        assert_eq!(check_numeric("pm25", &DataType::Utf8).unwrap_err().to_string(), plain);
    }
}
