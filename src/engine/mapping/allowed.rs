//! The target system's allowed values, as JSON text in one of two shapes (a leading byte-order
//! mark accepted, numbers kept to the digit):
//! - `{"status": ["Open", "Closed"], ...}`: target field → allowed values;
//! - the option export `{"fields": [{"name": "status", "options": [{"value": "Open"},
//!   {"value": "Old", "disabled": true}, "Closed"]}]}`: an option is a string or an object with
//!   `value` and optionally a flag that says whether it is in use.
//!
//! The flags are the spellings exports use, compared ignoring case and punctuation: `enabled`,
//! `active` (and `is_enabled`, `isActive` ...) say the option is allowed when true; `disabled`,
//! `inactive`, `deprecated`, `archived` say it is not. A flag is `true`/`false`, `1`/`0`, or
//! the text `"true"`/`"false"`, `"yes"`/`"no"`, `"y"`/`"n"`, `"on"`/`"off"`, `"1"`/`"0"` in any
//! case; null or `""` is no flag; anything else is an error naming the option.
//!
//! A field listed twice (exports split by page or by context do) is merged: its options are the
//! union, and an option enabled in any entry is allowed.

use serde_json::value::RawValue;

use super::json::{self, Json};
use crate::engine::columns::normalize_name;
use crate::engine::{Error, Result};

/// The options of one target field, each once, in order of first appearance.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Allowed {
    pub enabled: Vec<String>,
    pub disabled: Vec<String>,
}

impl Allowed {
    fn add(&mut self, option: String, on: bool) {
        if self.enabled.contains(&option) {
            return;
        }
        if on {
            self.disabled.retain(|d| *d != option);
            self.enabled.push(option);
        } else if !self.disabled.contains(&option) {
            self.disabled.push(option);
        }
    }
}

fn bad(why: &str) -> Error {
    Error::spec(format!("allowed values: {why}"))
}

fn option_text(value: &Json<'_>) -> Option<String> {
    match value {
        Json::Text(s) | Json::Number(s) => Some(s.clone()),
        Json::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// True for a flag key that says "allowed" when set, false for one that says "not allowed".
fn flag_sense(key: &str) -> Option<bool> {
    let key = normalize_name(key);
    let key = key.strip_prefix("is").unwrap_or(&key);
    match key {
        "enabled" | "active" => Some(true),
        "disabled" | "inactive" | "deprecated" | "archived" => Some(false),
        _ => None,
    }
}

fn flag_value(value: &Json<'_>) -> std::result::Result<Option<bool>, ()> {
    match value {
        Json::Null => Ok(None),
        Json::Bool(b) => Ok(Some(*b)),
        Json::Number(n) if n == "1" => Ok(Some(true)),
        Json::Number(n) if n == "0" => Ok(Some(false)),
        Json::Text(t) => match t.trim().to_lowercase().as_str() {
            "" => Ok(None),
            "true" | "yes" | "y" | "on" | "1" => Ok(Some(true)),
            "false" | "no" | "n" | "off" | "0" => Ok(Some(false)),
            _ => Err(()),
        },
        _ => Err(()),
    }
}

/// An option of `field`: its text and whether it is allowed.
fn option(raw: &RawValue, field: &str) -> Result<(String, bool)> {
    let value = json::value(raw);
    let Json::Object(members) = &value else {
        let text = option_text(&value)
            .ok_or_else(|| bad(&format!("bad option {} of field '{field}'", value.describe())))?;
        return Ok((text, true));
    };
    let text = members
        .iter()
        .find(|(k, _)| k == "value")
        .and_then(|(_, v)| option_text(&json::value(v)))
        .ok_or_else(|| bad(&format!("an option of field '{field}' has no \"value\"")))?;
    let mut allowed: Option<(bool, &str)> = None;
    for (key, raw) in members {
        let Some(sense) = flag_sense(key) else { continue };
        let flag = json::value(raw);
        let set = flag_value(&flag).map_err(|()| {
            bad(&format!(
                "option '{text}' of field '{field}': \"{key}\" is {}; expected true or false (or 1/0, \"yes\"/\"no\")",
                flag.describe()
            ))
        })?;
        let Some(set) = set else { continue };
        let says = set == sense;
        match allowed {
            Some((earlier, other)) if earlier != says => {
                return Err(bad(&format!(
                    "option '{text}' of field '{field}': \"{other}\" and \"{key}\" disagree on whether it is allowed"
                )));
            }
            _ => allowed = Some((says, key)),
        }
    }
    Ok((text, allowed.is_none_or(|(on, _)| on)))
}

/// Adds `options` to the entry of `name` in `out`, creating it in order of first appearance.
fn merge(out: &mut Vec<(String, Allowed)>, name: &str, options: impl IntoIterator<Item = (String, bool)>) {
    let at = out.iter().position(|(n, _)| n == name).unwrap_or_else(|| {
        out.push((name.to_owned(), Allowed::default()));
        out.len() - 1
    });
    for (text, on) in options {
        out[at].1.add(text, on);
    }
}

/// Reads either accepted shape into field → allowed options, in order of first appearance.
pub fn parse_allowed(text: &str) -> Result<Vec<(String, Allowed)>> {
    let raw = json::parse(text).map_err(|e| bad(&format!("not valid JSON: {e}")))?;
    let Json::Object(object) = json::value(raw) else { return Err(bad("expected a JSON object")) };
    // The export: a "fields" list of objects (other members, such as a date, are ignored).
    let export =
        object.iter().find(|(k, _)| k == "fields").and_then(|(_, fields)| match json::value(fields) {
            Json::List(items) if items.iter().all(|f| matches!(json::value(f), Json::Object(_))) => {
                Some(items)
            }
            _ => None,
        });
    let mut out = Vec::new();
    if let Some(fields) = export {
        for f in fields {
            let Json::Object(members) = json::value(f) else { unreachable!("checked above") };
            let get = |key: &str| members.iter().find(|(k, _)| k == key).map(|(_, v)| json::value(v));
            let Some(Json::Text(name)) = get("name").or_else(|| get("field")) else {
                return Err(bad("each field needs a \"name\""));
            };
            let Some(Json::List(options)) = get("options") else {
                return Err(bad(&format!("field '{name}' needs an \"options\" list")));
            };
            let options = options.iter().map(|o| option(o, &name)).collect::<Result<Vec<_>>>()?;
            merge(&mut out, &name, options);
        }
        return Ok(out);
    }
    for (name, values) in &object {
        let Json::List(values) = json::value(values) else {
            return Err(bad(&format!("field '{name}' must map to a list of values")));
        };
        let values = values
            .iter()
            .map(|v| {
                let v = json::value(v);
                option_text(&v)
                    .map(|t| (t, true))
                    .ok_or_else(|| bad(&format!("bad value {} of field '{name}'", v.describe())))
            })
            .collect::<Result<Vec<_>>>()?;
        merge(&mut out, name, values);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(options: &str) -> Result<Allowed> {
        let text = format!(r#"{{"fields": [{{"name": "s", "options": [{options}]}}]}}"#);
        parse_allowed(&text).map(|mut f| f.remove(0).1)
    }

    #[test]
    fn flag_spellings() {
        let a = one(
            r#"{"value": "A", "disabled": "true"}, {"value": "B", "enabled": 0}, {"value": "C", "isActive": "No"},
               {"value": "D", "inactive": "Y"}, {"value": "E", "is_enabled": 1}, {"value": "F", "disabled": null},
               {"value": "G", "Deprecated": true}, {"value": "H", "archived": "off"}, {"value": 12345678901234567890123}"#,
        )
        .unwrap();
        assert_eq!(a.enabled, ["E", "F", "H", "12345678901234567890123"]);
        assert_eq!(a.disabled, ["A", "B", "C", "D", "G"]);
        let err = one(r#"{"value": "A", "disabled": "maybe"}"#).unwrap_err().to_string();
        assert_eq!(
            err,
            "allowed values: option 'A' of field 's': \"disabled\" is \"maybe\"; expected true or false (or 1/0, \"yes\"/\"no\")"
        );
        let err = one(r#"{"value": "A", "enabled": true, "disabled": true}"#).unwrap_err().to_string();
        assert!(err.ends_with("\"enabled\" and \"disabled\" disagree on whether it is allowed"), "{err}");
        assert!(one(r#"{"value": "A", "enabled": 2}"#).is_err());
    }

    #[test]
    fn repeated_fields_merge() {
        let export = "\u{feff}{\"fields\": [{\"name\": \"s\", \"options\": [\"A\", {\"value\": \"B\", \"disabled\": true}]},
            {\"name\": \"t\", \"options\": [\"X\"]}, {\"field\": \"s\", \"options\": [\"B\", \"C\", \"A\"]}]}";
        let got = parse_allowed(export).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].1, Allowed { enabled: vec!["A".into(), "B".into(), "C".into()], disabled: vec![] });
        let simple = parse_allowed(r#"{"s": ["A", 1.0], "t": [], "s": ["C"]}"#).unwrap();
        assert_eq!(simple[0].1.enabled, ["A", "1", "C"]);
        assert!(parse_allowed("[1]").is_err());
        assert!(parse_allowed(r#"{"s": "A"}"#).is_err());
    }
}
