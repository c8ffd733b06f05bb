//! The checks `pt.quality.check` runs, as data (parsed from the JSON the Python layer sends).

use serde::Deserialize;

use super::tolerance::Mostly;
use crate::engine::{Error, Result};

/// One check. Columns are named; every rule reports failing rows and examples.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(tag = "rule", rename_all = "snake_case", deny_unknown_fields)]
pub enum Rule {
    /// No nulls; NaN fails too unless `allow_nan`, and is counted apart.
    NotNull {
        column: String,
        #[serde(default)]
        allow_nan: bool,
    },
    /// Numbers within `[min, max]` (either bound optional); nulls are not checked, NaN fails.
    InRange { column: String, min: Option<f64>, max: Option<f64> },
    /// Values (compared as text) among `values`; nulls are not checked.
    AcceptedValues { column: String, values: Vec<String> },
    /// No two rows share the key made of `columns`.
    Unique { columns: Vec<String> },
    /// The row count within `[min, max]`.
    RowCount { min: Option<u64>, max: Option<u64> },
    /// The newest timestamp in `column` is at most `max_age_seconds` older than `as_of`
    /// (seconds since the epoch; the Python layer fills in "now").
    Freshness { column: String, max_age_seconds: f64, as_of: f64 },
}

impl Rule {
    pub fn name(&self) -> &'static str {
        match self {
            Self::NotNull { .. } => "not_null",
            Self::InRange { .. } => "in_range",
            Self::AcceptedValues { .. } => "accepted_values",
            Self::Unique { .. } => "unique",
            Self::RowCount { .. } => "row_count",
            Self::Freshness { .. } => "freshness",
        }
    }

    /// The column(s) the rule reads, as reported.
    pub fn columns(&self) -> Option<String> {
        match self {
            Self::NotNull { column, .. }
            | Self::InRange { column, .. }
            | Self::AcceptedValues { column, .. }
            | Self::Freshness { column, .. } => Some(column.clone()),
            Self::Unique { columns } => Some(columns.join(",")),
            Self::RowCount { .. } => None,
        }
    }

    /// Whether the rule judges rows one by one (and so has failing rows and a tolerance), as
    /// opposed to the table as a whole.
    pub fn is_row_rule(&self) -> bool {
        !matches!(self, Self::RowCount { .. } | Self::Freshness { .. })
    }
}

/// What a failed check does to the run: only errors fail it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Severity {
    #[default]
    Error,
    Warn,
}

impl Severity {
    pub fn key(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warn => "warn",
        }
    }
}

/// A rule with how much it tolerates and how much its failure matters.
#[derive(Clone, Debug, PartialEq)]
pub struct Check {
    pub rule: Rule,
    pub severity: Severity,
    /// Row rules only: the rule passes when at least this share of rows passes.
    pub mostly: Option<Mostly>,
}

impl Check {
    /// A check of `rule` with the defaults: severity error, no tolerance.
    pub fn new(rule: Rule) -> Self {
        Self { rule, severity: Severity::Error, mostly: None }
    }
}

/// Takes the keys every rule shares out of the object, leaving the rule's own.
fn common(
    i: usize,
    object: &mut serde_json::Map<String, serde_json::Value>,
) -> Result<(Severity, Option<Mostly>)> {
    let bad = |what: String| Error::spec(format!("rule {i}: {what}"));
    let severity = match object.remove("severity") {
        None => Severity::Error,
        Some(serde_json::Value::String(s)) if s == "error" => Severity::Error,
        Some(serde_json::Value::String(s)) if s == "warn" => Severity::Warn,
        Some(other) => return Err(bad(format!("severity must be \"error\" or \"warn\", not {other}"))),
    };
    let mostly = match object.remove("mostly") {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::Number(n)) => Some(Mostly::new(n.as_f64().unwrap_or(f64::NAN)).map_err(bad)?),
        Some(other) => return Err(bad(format!("mostly must be a number in [0, 1], not {other}"))),
    };
    Ok((severity, mostly))
}

/// Parses the rules; a bad rule is an error naming its position and what is wrong.
pub fn parse(json: &str) -> Result<Vec<Check>> {
    let values: Vec<serde_json::Value> = serde_json::from_str(json)
        .map_err(|e| Error::spec(format!("rules must be a list of objects: {e}")))?;
    values
        .into_iter()
        .enumerate()
        .map(|(i, mut v)| {
            let (severity, mostly) = match v.as_object_mut() {
                Some(object) => common(i, object)?,
                None => (Severity::Error, None),
            };
            let rule: Rule = serde_json::from_value(v).map_err(|e| Error::spec(format!("rule {i}: {e}")))?;
            if mostly.is_some() && !rule.is_row_rule() {
                return Err(Error::spec(format!(
                    "rule {i}: mostly applies to rules that check rows one by one, not to {}",
                    rule.name()
                )));
            }
            Ok(Check { rule, severity, mostly })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_names_bad_rules() {
        let rules =
            parse(r#"[{"rule": "not_null", "column": "aqi"}, {"rule": "unique", "columns": ["a", "b"]}]"#)
                .unwrap();
        assert_eq!(rules[0], Check::new(Rule::NotNull { column: "aqi".into(), allow_nan: false }));
        assert_eq!(rules[1].rule.columns().as_deref(), Some("a,b"));
        let err = parse(r#"[{"rule": "not_null", "column": "x"}, {"rule": "sometimes"}]"#).unwrap_err();
        assert!(err.to_string().starts_with("rule 1: unknown variant `sometimes`"), "{err}");
        assert!(parse(r#"[{"rule": "in_range", "column": "x", "mni": 1}]"#).is_err());
    }

    #[test]
    fn severity_and_mostly() {
        let rules = parse(
            r#"[{"rule": "not_null", "column": "a", "severity": "warn", "mostly": 0.99},
                {"rule": "row_count", "min": 1, "severity": "error"}]"#,
        )
        .unwrap();
        assert_eq!((rules[0].severity, rules[0].mostly.map(Mostly::value)), (Severity::Warn, Some(0.99)));
        assert_eq!((rules[1].severity, rules[1].mostly), (Severity::Error, None));
        let err = |json: &str| parse(json).unwrap_err().to_string();
        assert_eq!(
            err(r#"[{"rule": "unique", "columns": ["a"], "severity": "fatal"}]"#),
            r#"rule 0: severity must be "error" or "warn", not "fatal""#
        );
        assert_eq!(
            err(r#"[{"rule": "unique", "columns": ["a"], "mostly": 1.5}]"#),
            "rule 0: mostly must be a number in [0, 1], not 1.5"
        );
        assert_eq!(
            err(r#"[{"rule": "unique", "columns": ["a"], "mostly": "most"}]"#),
            r#"rule 0: mostly must be a number in [0, 1], not "most""#
        );
        assert_eq!(
            err(r#"[{"rule": "row_count", "min": 1, "mostly": 0.5}]"#),
            "rule 0: mostly applies to rules that check rows one by one, not to row_count"
        );
    }
}
