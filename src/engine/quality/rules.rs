//! The checks `pt.quality.check` runs, as data (parsed from the JSON the Python layer sends).

use serde::Deserialize;

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
}

/// Parses the rules; a bad rule is an error naming its position and what is wrong.
pub fn parse(json: &str) -> Result<Vec<Rule>> {
    let values: Vec<serde_json::Value> = serde_json::from_str(json)
        .map_err(|e| Error::spec(format!("rules must be a list of objects: {e}")))?;
    values
        .into_iter()
        .enumerate()
        .map(|(i, v)| serde_json::from_value(v).map_err(|e| Error::spec(format!("rule {i}: {e}"))))
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
        assert_eq!(rules[0], Rule::NotNull { column: "aqi".into(), allow_nan: false });
        assert_eq!(rules[1].columns().as_deref(), Some("a,b"));
        let err = parse(r#"[{"rule": "not_null", "column": "x"}, {"rule": "sometimes"}]"#).unwrap_err();
        assert!(err.to_string().starts_with("rule 1: unknown variant `sometimes`"), "{err}");
        assert!(parse(r#"[{"rule": "in_range", "column": "x", "mni": 1}]"#).is_err());
    }
}
