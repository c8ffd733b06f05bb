//! The checks of single values against their column, and the messages naming the key.

use super::{Node, Ty};
use crate::engine::io::validate::{number, Scalar};

pub(super) fn found(value: &Scalar<'_>) -> String {
    match value {
        Scalar::Null => "null".to_owned(),
        Scalar::Bool(b) => format!("{b}"),
        Scalar::Number { text, .. } => quote(text, false),
        Scalar::Str { raw, .. } => quote(raw, true),
    }
}

pub(super) fn quote(text: &[u8], string: bool) -> String {
    let cut = String::from_utf8_lossy(&text[..text.len().min(40)]);
    let more = if text.len() > 40 { "..." } else { "" };
    if string {
        format!("\"{cut}{more}\"")
    } else {
        format!("{cut}{more}")
    }
}

/// A string that is exactly one JSON number.
pub(super) fn numeric(raw: &[u8]) -> Option<Result<bool, String>> {
    if raw.is_empty() || !(raw[0] == b'-' || raw[0].is_ascii_digit()) {
        return None;
    }
    match number(raw, 0) {
        Ok((end, integer)) if end == raw.len() => Some(Ok(integer)),
        Err(e) if e.starts_with("number out of range") => Some(Err(e)),
        Ok(_) | Err(_) => None,
    }
}

pub(super) fn mismatch(node: &Node, what: &str) -> String {
    if node.path.is_empty() {
        return format!("not a JSON object: the record is {what}");
    }
    format!("key '{}': expected {}, found {what}", node.path, node.type_name)
}

pub(super) fn describe(value: &Scalar<'_>) -> String {
    match value {
        Scalar::Null => "null".to_owned(),
        Scalar::Bool(_) => "a boolean".to_owned(),
        Scalar::Number { .. } => format!("the number {}", found(value)),
        Scalar::Str { .. } => format!("the string {}", found(value)),
    }
}

/// A checked number's value.
pub(super) enum Number {
    Int(i128),
    Float(f64),
}

/// A number, or a string holding exactly one JSON number, for an integer or float column.
pub(super) fn number_value(node: &Node, value: Scalar<'_>) -> Result<Number, String> {
    let key = &node.path;
    let (text, string, integer) = match value {
        Scalar::Number { text, integer } => (text, false, integer),
        Scalar::Str { raw, escaped: false } => match numeric(raw) {
            Some(Ok(integer)) => (raw, true, integer),
            Some(Err(_)) => {
                return Err(format!(
                    "key '{key}': {} is out of range for {}",
                    quote(raw, true),
                    node.type_name
                ))
            }
            None => return Err(format!("key '{key}': {} is not a number", quote(raw, true))),
        },
        Scalar::Str { raw, .. } => return Err(format!("key '{key}': {} is not a number", quote(raw, true))),
        _ => unreachable!("numbers and strings only"),
    };
    let out_of_range =
        || format!("key '{key}': {} is out of range for {}", quote(text, string), node.type_name);
    match node.ty {
        Ty::Int { min, max } => {
            if !integer {
                return Err(format!(
                    "key '{key}': {} is not an integer ({})",
                    quote(text, string),
                    node.type_name
                ));
            }
            let parsed = lexical_core::parse::<i128>(text).ok();
            match parsed {
                Some(v) if (min..=max).contains(&v) => Ok(Number::Int(v)),
                _ => Err(out_of_range()),
            }
        }
        Ty::Float { max } => {
            let v: f64 = lexical_core::parse(text).map_err(|_| out_of_range())?;
            if v.abs() > max {
                return Err(out_of_range());
            }
            Ok(Number::Float(v))
        }
        _ => unreachable!("numeric columns only"),
    }
}
