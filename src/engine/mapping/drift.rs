//! Drift between a mapping and the target system's allowed values: targets the sheet uses that
//! are no longer allowed, allowed options no rule reaches, and likely renames between the two.
//!
//! `allowed` is JSON in one of two shapes:
//! - `{"status": ["Open", "Closed"], ...}`: target field → allowed values;
//! - the option export `{"fields": [{"name": "status", "options": [{"value": "Open"},
//!   {"value": "Old", "disabled": true}, "Closed"]}]}`: an option is a string or an object with
//!   `value` and optional `disabled: true` / `enabled: false` (then it is not allowed).
//!
//! Fields are matched by target field name (the field name when the sheet gives none).

use std::sync::Arc;

use arrow_array::{ArrayRef, Int64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use serde_json::Value;

use super::normalize::near_key;
use super::rules::Mapping;
use crate::engine::{Error, Result};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Allowed {
    pub enabled: Vec<String>,
    pub disabled: Vec<String>,
}

fn option_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Reads either accepted shape into field → allowed options.
pub fn parse_allowed(json: &str) -> Result<Vec<(String, Allowed)>> {
    let bad = |why: &str| Error::spec(format!("allowed values: {why}"));
    let value: Value = serde_json::from_str(json).map_err(|e| bad(&format!("not valid JSON: {e}")))?;
    let object = value.as_object().ok_or_else(|| bad("expected a JSON object"))?;
    let mut out = Vec::new();
    if let Some(Value::Array(fields)) =
        object.get("fields").filter(|f| f.as_array().is_some_and(|a| a.iter().all(Value::is_object)))
    {
        for f in fields {
            let name = f
                .get("name")
                .or_else(|| f.get("field"))
                .and_then(Value::as_str)
                .ok_or_else(|| bad("each field needs a \"name\""))?;
            let options = f
                .get("options")
                .and_then(Value::as_array)
                .ok_or_else(|| bad(&format!("field '{name}' needs an \"options\" list")))?;
            let mut allowed = Allowed::default();
            for option in options {
                let (text, on) = match option {
                    Value::Object(o) => {
                        let text = o
                            .get("value")
                            .and_then(option_text)
                            .ok_or_else(|| bad(&format!("an option of field '{name}' has no \"value\"")))?;
                        let disabled = o.get("disabled").and_then(Value::as_bool) == Some(true)
                            || o.get("enabled").and_then(Value::as_bool) == Some(false);
                        (text, !disabled)
                    }
                    other => (
                        option_text(other)
                            .ok_or_else(|| bad(&format!("bad option {other} of field '{name}'")))?,
                        true,
                    ),
                };
                if on {
                    allowed.enabled.push(text);
                } else {
                    allowed.disabled.push(text);
                }
            }
            out.push((name.to_owned(), allowed));
        }
        return Ok(out);
    }
    for (name, values) in object {
        let values =
            values.as_array().ok_or_else(|| bad(&format!("field '{name}' must map to a list of values")))?;
        let enabled = values
            .iter()
            .map(|v| option_text(v).ok_or_else(|| bad(&format!("bad value {v} of field '{name}'"))))
            .collect::<Result<_>>()?;
        out.push((name.clone(), Allowed { enabled, disabled: Vec::new() }));
    }
    Ok(out)
}

/// One row of the drift table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drift {
    pub field: String,
    pub kind: &'static str,
    pub value: String,
    pub suggestion: Option<String>,
    pub detail: String,
    pub sheet: Option<String>,
    pub row: Option<u32>,
}

pub fn drift(mapping: &Mapping, allowed: &[(String, Allowed)]) -> Vec<Drift> {
    let mut out = Vec::new();
    for field in &mapping.fields {
        let name = field.output_name();
        let Some((_, allowed)) = allowed
            .iter()
            .find(|(n, _)| n == name)
            .or_else(|| allowed.iter().find(|(n, _)| *n == field.name))
        else {
            continue;
        };
        let mut unreached: Vec<&String> =
            allowed.enabled.iter().filter(|o| !field.targets.contains(o)).collect();
        for (t, target) in field.targets.iter().enumerate() {
            if allowed.enabled.contains(target) {
                continue;
            }
            let first = field
                .target_ids
                .iter()
                .position(|&id| id as usize == t)
                .map(|i| &mapping.rules[field.rules[i]].origin);
            let key = near_key(target);
            let rename = unreached.iter().position(|o| near_key(o) == key);
            let disabled = allowed.disabled.contains(target);
            let (kind, suggestion, detail) = match rename {
                Some(i) => {
                    let option = unreached.remove(i).clone();
                    let also = if disabled { "; the old value is disabled" } else { "" };
                    ("likely_rename", Some(option), format!("not allowed; an unused option differs only in case, accents, spaces or punctuation{also}"))
                }
                None if disabled => ("not_allowed", None, "disabled in the target system".to_owned()),
                None => ("not_allowed", None, "not among the allowed options".to_owned()),
            };
            out.push(Drift {
                field: name.to_owned(),
                kind,
                value: target.clone(),
                suggestion,
                detail,
                sheet: first.map(|o| o.sheet.clone()),
                row: first.map(|o| o.row),
            });
        }
        for option in unreached {
            out.push(Drift {
                field: name.to_owned(),
                kind: "unreached",
                value: option.clone(),
                suggestion: None,
                detail: "allowed option that no rule maps to".to_owned(),
                sheet: None,
                row: None,
            });
        }
    }
    out
}

/// The drift rows as a table: field, kind, value, suggestion, detail, sheet, row.
pub fn drift_table(rows: &[Drift]) -> Result<RecordBatch> {
    let s = |f: &dyn Fn(&Drift) -> Option<&str>| -> ArrayRef {
        Arc::new(rows.iter().map(f).collect::<StringArray>())
    };
    let schema = Schema::new(vec![
        Field::new("field", DataType::Utf8, false),
        Field::new("kind", DataType::Utf8, false),
        Field::new("value", DataType::Utf8, false),
        Field::new("suggestion", DataType::Utf8, true),
        Field::new("detail", DataType::Utf8, false),
        Field::new("sheet", DataType::Utf8, true),
        Field::new("row", DataType::Int64, true),
    ]);
    Ok(RecordBatch::try_new(
        Arc::new(schema),
        vec![
            s(&|d| Some(d.field.as_str())),
            s(&|d| Some(d.kind)),
            s(&|d| Some(d.value.as_str())),
            s(&|d| d.suggestion.as_deref()),
            s(&|d| Some(d.detail.as_str())),
            s(&|d| d.sheet.as_deref()),
            Arc::new(rows.iter().map(|d| d.row.map(i64::from)).collect::<Int64Array>()),
        ],
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::mapping::rule::tests::rule;

    #[test]
    fn finds_each_kind() {
        let m = Mapping::new(vec![
            rule("status", "o", "Open", 2),
            rule("status", "c", "Closed", 3),
            rule("status", "w", "In progress", 4),
            rule("status", "x", "Old", 5),
        ])
        .unwrap();
        let export = r#"{"fields": [{"name": "status", "options": [
            {"value": "Open"}, {"value": "Closed", "disabled": true}, "In-Progress", "Blocked",
            {"value": "Old", "enabled": false}]}, {"name": "other", "options": []}]}"#;
        let rows = drift(&m, &parse_allowed(export).unwrap());
        let got: Vec<_> =
            rows.iter().map(|d| (d.kind, d.value.as_str(), d.suggestion.as_deref(), d.row)).collect();
        assert_eq!(
            got,
            [
                ("not_allowed", "Closed", None, Some(3)),
                ("likely_rename", "In progress", Some("In-Progress"), Some(4)),
                ("not_allowed", "Old", None, Some(5)),
                ("unreached", "Blocked", None, None),
            ]
        );
        assert_eq!(rows[0].detail, "disabled in the target system");
        assert_eq!(drift_table(&rows).unwrap().num_rows(), 4);
        let simple = parse_allowed(r#"{"status": ["Open", "Closed", "In progress", "Old"]}"#).unwrap();
        assert!(drift(&m, &simple).is_empty());
        assert!(parse_allowed("[1]").is_err());
        assert!(parse_allowed(r#"{"status": "Open"}"#).is_err());
    }
}
