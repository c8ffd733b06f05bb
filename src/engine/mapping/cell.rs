//! Turning sheet cells into rule text, one rule for every source format: typed numbers are
//! canonical (Excel's float 1.0 and the integer 1 both become "1"), text is kept as written,
//! dates become ISO 8601 (a time of day alone, `08:30:00`), and a cell that is empty or only
//! whitespace is blank.

use calamine::Data;
use serde_json::value::RawValue;

use super::json::{value, Json};
use crate::engine::{Error, Result};

/// Where a cell sits, for messages: worksheet (or file) name and 1-based row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub sheet: String,
    pub row: u32,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "worksheet '{}' row {}", self.sheet, self.row)
    }
}

/// Canonical text of a number: integral values up to 2^53 print without a fraction
/// (1.0 → "1"), others in the shortest form that reads back to the same float (0.1 → "0.1").
pub fn number_text(x: f64) -> Option<String> {
    if !x.is_finite() {
        return None;
    }
    if x.fract() == 0.0 && x.abs() <= 9_007_199_254_740_992.0 {
        return Some(format!("{}", x as i64));
    }
    Some(format!("{x}"))
}

/// Text as written, or `None` when blank (empty or whitespace only).
pub fn text(value: &str) -> Option<String> {
    (!value.trim().is_empty()).then(|| value.to_owned())
}

/// The text of a workbook cell (`None` when blank). Formulas arrive as the value Excel last
/// saved; one never computed (written by a script) has none and reads as blank.
pub fn excel_text(cell: &Data, at: &Origin, column: &str) -> Result<Option<String>> {
    Ok(match cell {
        Data::Empty => None,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => text(s),
        Data::Int(i) => Some(i.to_string()),
        Data::Float(x) => number_text(*x),
        Data::Bool(b) => Some(b.to_string()),
        Data::DateTime(dt) if dt.is_duration() => Some(format!("{}", dt.as_f64())),
        Data::DateTime(dt) => {
            let (y, mo, d, h, mi, s, ms) = dt.to_ymd_hms_milli();
            let time = if ms == 0 {
                format!("{h:02}:{mi:02}:{s:02}")
            } else {
                format!("{h:02}:{mi:02}:{s:02}.{ms:03}")
            };
            // A serial below 1 has no day: a time of day alone (Excel shows `8:30`, and its
            // date part would be the meaningless 1899-12-31).
            Some(match (dt.as_f64() < 1.0, h, mi, s, ms) {
                (true, ..) => time,
                (false, 0, 0, 0, 0) => format!("{y:04}-{mo:02}-{d:02}"),
                _ => format!("{y:04}-{mo:02}-{d:02}T{time}"),
            })
        }
        Data::Error(e) => {
            return Err(Error::spec(format!("{at}, column '{column}': the cell holds the error {e}")));
        }
    })
}

/// The text of a JSON value in a rule (`None` when null or blank); numbers keep their digits.
pub fn json_text(raw: &RawValue, at: &Origin, column: &str) -> Result<Option<String>> {
    Ok(match value(raw) {
        Json::Null => None,
        Json::Text(s) => text(&s),
        Json::Bool(b) => Some(b.to_string()),
        Json::Number(n) => Some(n),
        nested @ (Json::List(_) | Json::Object(_)) => {
            return Err(Error::spec(format!(
                "{at}, column '{column}': expected text or a number, not {}",
                nested.describe()
            )));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{CellErrorType, ExcelDateTime, ExcelDateTimeType};

    fn at() -> Origin {
        Origin { sheet: "S".into(), row: 2 }
    }

    #[test]
    fn numbers_are_canonical() {
        assert_eq!(number_text(1.0).as_deref(), Some("1"));
        assert_eq!(number_text(-3.0).as_deref(), Some("-3"));
        assert_eq!(number_text(0.1).as_deref(), Some("0.1"));
        assert_eq!(number_text(2.5).as_deref(), Some("2.5"));
        assert_eq!(number_text(f64::NAN), None);
        let cells = [Data::Float(1.0), Data::Int(1), Data::String("1".into())];
        for cell in &cells {
            assert_eq!(excel_text(cell, &at(), "source").unwrap().as_deref(), Some("1"));
        }
    }

    #[test]
    fn blanks_dates_and_errors() {
        assert_eq!(excel_text(&Data::String("  ".into()), &at(), "x").unwrap(), None);
        assert_eq!(excel_text(&Data::Empty, &at(), "x").unwrap(), None);
        assert_eq!(excel_text(&Data::String(" a ".into()), &at(), "x").unwrap().as_deref(), Some(" a "));
        let date = Data::DateTime(ExcelDateTime::new(45_322.0, ExcelDateTimeType::DateTime, false));
        assert_eq!(excel_text(&date, &at(), "x").unwrap().as_deref(), Some("2024-01-31"));
        let stamp = Data::DateTime(ExcelDateTime::new(45_322.5, ExcelDateTimeType::DateTime, false));
        assert_eq!(excel_text(&stamp, &at(), "x").unwrap().as_deref(), Some("2024-01-31T12:00:00"));
        // 8:30 and 0:00:00.250 typed as a time of day: no date part.
        let time = Data::DateTime(ExcelDateTime::new(8.5 / 24.0, ExcelDateTimeType::DateTime, false));
        assert_eq!(excel_text(&time, &at(), "x").unwrap().as_deref(), Some("08:30:00"));
        let ms = Data::DateTime(ExcelDateTime::new(0.25 / 86_400.0, ExcelDateTimeType::DateTime, false));
        assert_eq!(excel_text(&ms, &at(), "x").unwrap().as_deref(), Some("00:00:00.250"));
        let err = excel_text(&Data::Error(CellErrorType::NA), &at(), "target").unwrap_err();
        assert_eq!(err.to_string(), "worksheet 'S' row 2, column 'target': the cell holds the error #N/A");
        assert_eq!(excel_text(&Data::Bool(true), &at(), "x").unwrap().as_deref(), Some("true"));
    }

    #[test]
    fn json_values() {
        let raw =
            super::super::json::parse(r#"[1, 1.0, "1", null, " ", 12345678901234567890123, [1]]"#).unwrap();
        let Json::List(items) = value(raw) else { panic!("a list") };
        let got: Vec<_> = items[..6].iter().map(|x| json_text(x, &at(), "s").unwrap()).collect();
        let one = Some("1".to_owned());
        assert_eq!(got, [one.clone(), one.clone(), one, None, None, Some("12345678901234567890123".into())]);
        let err = json_text(items[6], &at(), "s").unwrap_err();
        assert_eq!(err.to_string(), "worksheet 'S' row 2, column 's': expected text or a number, not a list");
    }
}
