//! The JSON shape of a standard, as serde reads and writes it (README, "Custom standards").

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A standard as written in JSON (see the README, "Custom standards").
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StandardSpec {
    pub id: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub source: String,
    #[serde(default = "default_method")]
    pub method: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index_rounding: Option<String>,
    #[serde(default = "default_temperature")]
    pub temperature: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub beyond: Option<String>,
    /// `"zero"` or `"null"` (default): what a negative reading gets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub negative: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_pollutants: Option<MinPollutantsSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_above: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exceeding_above: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aqhi: Option<AqhiSpec>,
    pub measures: Vec<MeasureSpec>,
    pub categories: Vec<CategorySpec>,
}

pub(super) fn default_method() -> String {
    "linear".into()
}
pub(super) fn default_temperature() -> u32 {
    25
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MinPollutantsSpec {
    pub count: usize,
    #[serde(default)]
    pub one_of: Vec<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AqhiSpec {
    pub multiplier: String,
    pub divisor: String,
    pub terms: std::collections::BTreeMap<String, String>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MeasureSpec {
    pub key: String,
    pub pollutant: String,
    #[serde(default)]
    pub averaging: String,
    pub unit: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decimals: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rounding: Option<String>,
    /// Linear: `[lo, hi, index_lo, index_hi]`; bands: `[lo, hi or null, band]`.
    #[serde(default)]
    pub rows: Vec<Vec<Value>>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CategorySpec {
    pub name: String,
    pub lo: i32,
    pub hi: Option<i32>,
    #[serde(default)]
    pub colour: Option<String>,
    #[serde(default)]
    pub hex: Option<String>,
}
