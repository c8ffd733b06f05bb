//! Standards as data: every built-in table is a JSON file in `standards/`, read by the same
//! code that reads a user's custom standard, validated, and compiled once.

use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::measure::{Pollutant, Rounding, Unit};
use super::subindex::{Bands, Beyond, IndexRounding, Linear, MeasureTable, Row, Scale};
use crate::engine::columns::normalize_name;
use crate::engine::{Error, Result};

/// The built-in standards, the default first.
const BUILTIN_JSON: [&str; 9] = [
    include_str!("standards/us_epa_2024.json"),
    include_str!("standards/us_epa_2012.json"),
    include_str!("standards/us_epa_1999.json"),
    include_str!("standards/in_naqi.json"),
    include_str!("standards/cn_hj633_2012.json"),
    include_str!("standards/eu_eaqi_2024.json"),
    include_str!("standards/eu_eaqi_pre2024.json"),
    include_str!("standards/uk_daqi.json"),
    include_str!("standards/ca_aqhi.json"),
];

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

fn default_method() -> String {
    "linear".into()
}
fn default_temperature() -> u32 {
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

/// How a standard turns concentrations into its index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// Piecewise-linear sub-indices, the worst one wins (US EPA, India, China).
    Linear,
    /// Bands, the worst band wins (EEA, UK DAQI).
    Bands,
    /// Canada's AQHI: one formula over NO2, O3 and PM2.5.
    Aqhi,
}

/// "An overall index needs at least `count` rated pollutants, one of them in `one_of`" (India).
#[derive(Clone, Copy, Debug)]
pub struct MinPollutants {
    pub count: u32,
    /// Pollutant bit mask; 0 = any.
    pub one_of: u8,
}

/// The AQHI formula: `multiplier / divisor × Σ (exp(coefficient × C) − 1)`.
#[derive(Clone, Debug)]
pub struct Aqhi {
    pub scale: f64,
    pub terms: Vec<(Pollutant, f64)>,
}

/// A compiled standard.
#[derive(Debug)]
pub struct Standard {
    pub id: String,
    pub title: String,
    pub source: String,
    pub method: Method,
    pub measures: Vec<MeasureTable>,
    /// Category ranges in index order (a name may repeat: one entry per colour level).
    pub categories: Vec<CategorySpec>,
    /// Distinct category names in order: the `aqi_category` dictionary.
    pub category_names: Vec<String>,
    pub temperature: u32,
    pub beyond: Beyond,
    /// US EPA SO2 rule (§2.6) instead of "the larger of the two periods".
    pub epa_so2: bool,
    pub min_pollutants: Option<MinPollutants>,
    /// The dominant (primary) pollutant is named only above this index (China: 50).
    pub primary_above: Option<i32>,
    /// Pollutants above this index are listed in `aqi_exceeding` (China: 100).
    pub exceeding_above: Option<i32>,
    pub aqhi: Option<Aqhi>,
    pub builtin: bool,
    /// The normalised JSON spec: `Standard.to_json()`, pickling, provenance.
    pub spec: StandardSpec,
}

fn invalid(id: &str, what: impl std::fmt::Display) -> Error {
    Error::spec(format!("standard '{id}': {what}"))
}

/// A breakpoint as written: a decimal string or a JSON number.
fn decimal_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn decimals_of(text: &str) -> u32 {
    text.split_once('.').map_or(0, |(_, frac)| frac.len() as u32)
}

/// Parses a decimal string into an exact count of `10^-decimals` units.
pub fn parse_count(text: &str, decimals: u32) -> Result<i64> {
    let bad = || Error::spec(format!("'{text}' is not a decimal with at most {decimals} decimals"));
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    if frac.len() > decimals as usize || whole.is_empty() || whole.starts_with('-') {
        return Err(bad());
    }
    let whole: i64 = whole.parse().map_err(|_| bad())?;
    let padded = format!("{frac:0<width$}", width = decimals as usize);
    let frac: i64 = if padded.is_empty() { 0 } else { padded.parse().map_err(|_| bad())? };
    whole.checked_mul(10_i64.pow(decimals)).and_then(|w| w.checked_add(frac)).ok_or_else(bad)
}

fn index_value(value: &Value) -> Option<i32> {
    value.as_i64().and_then(|v| i32::try_from(v).ok())
}

impl Standard {
    /// Reads, validates and compiles a JSON standard.
    pub fn from_json(text: &str) -> Result<Standard> {
        let spec: StandardSpec = serde_json::from_str(text).map_err(|e| {
            Error::spec(format!("custom standard is not valid JSON of the expected shape: {e}"))
        })?;
        Self::compile(spec, false)
    }

    fn compile(spec: StandardSpec, builtin: bool) -> Result<Standard> {
        let id = spec.id.trim().to_owned();
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') {
            return Err(invalid(&id, "id must be non-empty lowercase letters, digits and '_'"));
        }
        if !builtin && builtins().iter().any(|s| s.id == id) {
            return Err(invalid(&id, "this id is a built-in standard; give the custom standard its own id"));
        }
        let method = match spec.method.as_str() {
            "linear" => Method::Linear,
            "bands" => Method::Bands,
            "aqhi" => Method::Aqhi,
            other => {
                return Err(invalid(
                    &id,
                    format!("method must be 'linear', 'bands' or 'aqhi', not '{other}'"),
                ))
            }
        };
        let index_rounding = match spec.index_rounding.as_deref() {
            None | Some("half_up") => IndexRounding::HalfUp,
            Some("ceiling") => IndexRounding::Ceiling,
            Some(other) => {
                return Err(invalid(
                    &id,
                    format!("index_rounding must be 'half_up' or 'ceiling', not '{other}'"),
                ))
            }
        };
        super::measure::molar_volume(spec.temperature).map_err(|e| invalid(&id, e))?;
        let beyond = match spec.beyond.as_deref() {
            None => Beyond::Extend,
            Some(text) => Beyond::parse(text).map_err(|e| invalid(&id, e))?,
        };
        let mut epa_so2 = false;
        for rule in &spec.rules {
            match rule.as_str() {
                "us_epa_so2" => epa_so2 = true,
                other => return Err(invalid(&id, format!("unknown rule '{other}'; known: us_epa_so2"))),
            }
        }
        if spec.measures.is_empty() {
            return Err(invalid(&id, "no measures"));
        }
        let top_index = top_index(&id, method, &spec.measures)?;
        let mut measures: Vec<MeasureTable> = Vec::with_capacity(spec.measures.len());
        for m in &spec.measures {
            let table = compile_measure(&id, method, index_rounding, top_index, m)?;
            if measures.iter().any(|t| t.key == table.key) {
                return Err(invalid(&id, format!("measure '{}' is listed twice", table.key)));
            }
            if measures.iter().filter(|t| t.pollutant == table.pollutant).count() >= 2 {
                return Err(invalid(
                    &id,
                    format!("pollutant {} has more than two measures", table.pollutant.key()),
                ));
            }
            measures.push(table);
        }
        let categories = validate_categories(&id, &spec.categories)?;
        let mut category_names: Vec<String> = Vec::new();
        for c in &categories {
            if !category_names.contains(&c.name) {
                category_names.push(c.name.clone());
            }
        }
        let min_pollutants = match &spec.min_pollutants {
            None => None,
            Some(m) => {
                let mut one_of = 0_u8;
                for key in &m.one_of {
                    one_of |= 1 << Pollutant::parse(key).map_err(|e| invalid(&id, e))?.index();
                }
                Some(MinPollutants { count: m.count as u32, one_of })
            }
        };
        let aqhi = match (method, &spec.aqhi) {
            (Method::Aqhi, Some(a)) => Some(compile_aqhi(&id, a, &measures)?),
            (Method::Aqhi, None) => return Err(invalid(&id, "method 'aqhi' needs an 'aqhi' block")),
            (_, Some(_)) => return Err(invalid(&id, "an 'aqhi' block needs method 'aqhi'")),
            _ => None,
        };
        Ok(Standard {
            title: if spec.title.is_empty() { id.clone() } else { spec.title.clone() },
            source: spec.source.clone(),
            method,
            measures,
            categories,
            category_names,
            temperature: spec.temperature,
            beyond,
            epa_so2,
            min_pollutants,
            primary_above: spec.primary_above,
            exceeding_above: spec.exceeding_above,
            aqhi,
            builtin,
            spec: StandardSpec { id: id.clone(), ..spec },
            id,
        })
    }

    /// The normalised JSON of this standard.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.spec).expect("a spec serialises")
    }

    /// Position of the category entry whose range holds `index` (above all: the last).
    pub fn category_entry(&self, index: i32) -> usize {
        self.categories
            .iter()
            .position(|c| c.hi.is_none_or(|hi| index <= hi))
            .unwrap_or(self.categories.len() - 1)
    }

    /// Position of `index`'s category in `category_names`.
    pub fn category_of(&self, index: i32) -> usize {
        let name = &self.categories[self.category_entry(index)].name;
        self.category_names.iter().position(|n| n == name).expect("names come from entries")
    }

    /// The highest index a category starts at (indices above share the top category).
    pub fn top_category_start(&self) -> i32 {
        self.categories.last().map_or(0, |c| c.lo)
    }

    /// The measure a user key names (`o3` = the default ozone measure, `so2_24h`, `PM2.5`).
    pub fn measure_for_key(&self, key: &str) -> Result<usize> {
        self.recognise(&normalize_name(key)).ok_or_else(|| {
            Error::spec(format!(
                "standard {} has no measure '{key}'; its measures are {}",
                self.id,
                self.measure_keys().join(", ")
            ))
        })
    }

    pub fn measure_keys(&self) -> Vec<&str> {
        self.measures.iter().map(|m| m.key.as_str()).collect()
    }

    /// The measure a normalised column name stands for: its key ("so224h", "so224hr"), a
    /// pollutant name with the measure's averaging ("o38h", "ozone8hr"), or a plain pollutant
    /// name for that pollutant's default measure (its first), with a unit suffix allowed.
    pub fn recognise(&self, normalized: &str) -> Option<usize> {
        const SYNONYMS: [&str; 11] =
            ["pm25", "pm10", "o3", "ozone", "co", "so2", "no2", "nh3", "ammonia", "pb", "lead"];
        let name = ["ugm3", "mgm3", "ppb", "ppm"]
            .iter()
            .find_map(|unit| normalized.strip_suffix(unit).filter(|rest| !rest.is_empty()))
            .unwrap_or(normalized);
        let plain = |s: &str| normalize_name(s);
        if let Some(i) =
            self.measures.iter().position(|m| plain(&m.key) == name || format!("{}r", plain(&m.key)) == name)
        {
            return Some(i);
        }
        for prefix in SYNONYMS {
            let Some(rest) = name.strip_prefix(prefix) else { continue };
            let pollutant = Pollutant::recognise(prefix)?;
            if rest.is_empty() {
                return self.measures.iter().position(|m| m.pollutant == pollutant);
            }
            let period = rest.strip_suffix("hr").map_or(rest.to_owned(), |p| format!("{p}h"));
            if let Some(i) =
                self.measures.iter().position(|m| m.pollutant == pollutant && plain(&m.averaging) == period)
            {
                return Some(i);
            }
        }
        None
    }
}

/// The top of the index: the largest index any measure's table reaches.
fn top_index(id: &str, method: Method, measures: &[MeasureSpec]) -> Result<i32> {
    let at = match method {
        Method::Linear => 3,
        Method::Bands => 2,
        Method::Aqhi => return Ok(i32::MAX),
    };
    let mut top = i32::MIN;
    for m in measures {
        for row in &m.rows {
            if let Some(v) = row.get(at).and_then(index_value) {
                top = top.max(v);
            }
        }
    }
    if measures.iter().all(|m| m.rows.is_empty()) {
        return Err(invalid(id, "no breakpoint rows"));
    }
    if top == i32::MIN {
        return Ok(i32::MAX); // malformed rows: `compile_measure` names them
    }
    Ok(top)
}

fn compile_measure(
    id: &str,
    method: Method,
    index_rounding: IndexRounding,
    top_index: i32,
    m: &MeasureSpec,
) -> Result<MeasureTable> {
    let key = m.key.trim().to_ascii_lowercase();
    let here = |what: String| invalid(id, format!("measure '{key}': {what}"));
    if key.is_empty() || !key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') {
        return Err(here("key must be lowercase letters, digits and '_'".into()));
    }
    let pollutant = Pollutant::parse(&m.pollutant).map_err(|e| here(e.to_string()))?;
    let unit = Unit::parse(&m.unit, &key).map_err(|e| here(e.to_string()))?;
    let rounding = match m.rounding.as_deref() {
        Some(text) => Rounding::parse(text).map_err(|e| here(e.to_string()))?,
        None if method == Method::Linear => Rounding::Truncate,
        None => Rounding::None,
    };
    if method != Method::Aqhi && m.rows.is_empty() {
        return Err(here("no rows".into()));
    }
    let rows = read_rows(method, &m.rows).map_err(|(r, what)| here(format!("row {}: {what}", r + 1)))?;
    let decimals = m.decimals.unwrap_or_else(|| {
        rows.iter()
            .flat_map(|r| [decimals_of(&r.lo), r.hi.as_deref().map_or(0, decimals_of)])
            .max()
            .unwrap_or(0)
    });
    if decimals > 9 {
        return Err(here("decimals must be at most 9".into()));
    }
    let at_row = |(r, what): (usize, String)| here(format!("row {}: {what}", r + 1));
    let scale = match method {
        Method::Aqhi if !m.rows.is_empty() => return Err(here("an AQHI measure has no rows".into())),
        Method::Aqhi => Scale::Formula,
        Method::Linear => {
            linear_scale(&rows, decimals, index_rounding, rounding, top_index).map_err(at_row)?
        }
        Method::Bands => {
            if !matches!(rounding, Rounding::None | Rounding::HalfUp) {
                return Err(here("bands support rounding 'half_up' or 'none'".into()));
            }
            band_scale(&rows, decimals, rounding, top_index).map_err(at_row)?
        }
    };
    let per_unit = f64::from(10_u32.pow(decimals));
    let value = |t: &str| parse_count(t, decimals).map_or(f64::NAN, |c| c as f64 / per_unit);
    let printed = rows.iter().map(|r| (value(&r.lo), r.hi.as_deref().map(value), r.i_lo, r.i_hi)).collect();
    Ok(MeasureTable {
        key,
        pollutant,
        averaging: m.averaging.trim().to_owned(),
        unit,
        decimals,
        rounding,
        scale,
        printed,
    })
}

/// A row as written: limits as decimal text, index limits (a band has `i_lo == i_hi`).
struct RowText {
    lo: String,
    hi: Option<String>,
    i_lo: i32,
    i_hi: i32,
}

type RowError = (usize, String);

fn read_rows(method: Method, rows: &[Vec<Value>]) -> std::result::Result<Vec<RowText>, RowError> {
    let cells = if method == Method::Linear { 4 } else { 3 };
    let mut out = Vec::with_capacity(rows.len());
    for (r, row) in rows.iter().enumerate() {
        if row.len() != cells {
            return Err((r, format!("has {} values, expected {cells}", row.len())));
        }
        let lo = decimal_text(&row[0]).ok_or((r, "lower limit is not a number".to_owned()))?;
        let hi = match &row[1] {
            Value::Null => None,
            v => Some(decimal_text(v).ok_or((r, "upper limit is not a number".to_owned()))?),
        };
        let index = |v: &Value| index_value(v).ok_or((r, "index limits must be integers".to_owned()));
        let (i_lo, i_hi) = (index(&row[2])?, index(&row[cells - 1])?);
        out.push(RowText { lo, hi, i_lo, i_hi });
    }
    Ok(out)
}

fn linear_scale(
    rows: &[RowText],
    decimals: u32,
    index_rounding: IndexRounding,
    rounding: Rounding,
    top_index: i32,
) -> std::result::Result<Scale, RowError> {
    let count = |r: usize, t: &str| parse_count(t, decimals).map_err(|e| (r, e.to_string()));
    let mut counted = Vec::with_capacity(rows.len());
    for (r, row) in rows.iter().enumerate() {
        let hi = row.hi.as_deref().ok_or((r, "a linear row needs an upper limit".to_owned()))?;
        counted.push(Row { lo: count(r, &row.lo)?, hi: count(r, hi)?, i_lo: row.i_lo, i_hi: row.i_hi });
    }
    check_linear_rows(&counted)?;
    let extendable = counted.last().is_some_and(|r| r.i_hi >= top_index);
    Ok(Scale::Linear(Linear::new(counted, index_rounding, rounding, extendable)))
}

fn band_scale(
    rows: &[RowText],
    decimals: u32,
    rounding: Rounding,
    top_index: i32,
) -> std::result::Result<Scale, RowError> {
    let count = |r: usize, t: &str| parse_count(t, decimals).map_err(|e| (r, e.to_string()));
    let (mut los, mut uppers, mut bands) = (Vec::new(), Vec::new(), Vec::new());
    for (r, row) in rows.iter().enumerate() {
        match row.hi.as_deref() {
            Some(hi) => uppers.push(count(r, hi)?),
            None if r + 1 != rows.len() => return Err((r, "only the last band may be open-ended".into())),
            None => {}
        }
        los.push(count(r, &row.lo)?);
        bands.push(row.i_lo);
    }
    check_bands(&los, &uppers, &bands)?;
    let per_unit = f64::from(10_u32.pow(decimals));
    let first = los.first().map_or(0.0, |&c| c as f64 / per_unit);
    let uppers: Vec<f64> = uppers.iter().map(|&c| c as f64 / per_unit).collect();
    let extendable = bands.last().is_some_and(|&b| b >= top_index);
    let round_scale = (rounding != Rounding::None).then_some(per_unit);
    Ok(Scale::Bands(Bands::new(first, uppers, bands, extendable, round_scale)))
}

/// Rows must rise without gaps or overlaps: each starts where the previous ends (continuous
/// tables, China) or one resolution step above it (discrete tables, US EPA, India).
fn check_linear_rows(rows: &[Row]) -> std::result::Result<(), RowError> {
    for (r, row) in rows.iter().enumerate() {
        if row.lo > row.hi {
            return Err((r, "lower limit above upper limit".into()));
        }
        if row.i_lo > row.i_hi || row.i_lo < 0 {
            return Err((r, "index limits must be non-negative and rise".into()));
        }
        if row.lo == row.hi && row.i_lo != row.i_hi {
            return Err((r, "a one-value row must have one index".into()));
        }
        if r == 0 {
            continue;
        }
        let prev = rows[r - 1];
        if row.lo < prev.hi {
            return Err((r, format!("overlaps row {r}")));
        }
        if row.lo > prev.hi + 1 {
            return Err((r, format!("leaves a gap after row {r}")));
        }
        if row.i_lo < prev.i_hi {
            return Err((r, format!("index starts below the end of row {r}")));
        }
    }
    Ok(())
}

fn check_bands(los: &[i64], uppers: &[i64], bands: &[i32]) -> std::result::Result<(), RowError> {
    for r in 0..los.len() {
        if let Some(&hi) = uppers.get(r) {
            if hi <= los[r] {
                return Err((r, "upper limit must be above the lower limit".into()));
            }
        }
        if r == 0 {
            continue;
        }
        if bands[r] <= bands[r - 1] {
            return Err((r, format!("band numbers must rise (row {r} has {})", bands[r - 1])));
        }
        let prev_hi = uppers[r - 1];
        if los[r] < prev_hi {
            return Err((r, format!("overlaps row {r}")));
        }
        if los[r] > prev_hi + 1 {
            return Err((r, format!("leaves a gap after row {r}")));
        }
    }
    Ok(())
}

fn validate_categories(id: &str, cats: &[CategorySpec]) -> Result<Vec<CategorySpec>> {
    if cats.is_empty() {
        return Err(invalid(id, "no categories"));
    }
    for (i, c) in cats.iter().enumerate() {
        let here = |what: &str| invalid(id, format!("category {} ('{}'): {what}", i + 1, c.name));
        if c.name.trim().is_empty() {
            return Err(here("empty name"));
        }
        if c.hi.is_some_and(|hi| hi < c.lo) {
            return Err(here("upper index below lower index"));
        }
        if c.hi.is_none() && i + 1 != cats.len() {
            return Err(here("only the last category may be open-ended"));
        }
        if i > 0 && cats[i - 1].hi.is_some_and(|hi| c.lo != hi + 1) {
            return Err(here("must start one above the previous category's upper index"));
        }
    }
    Ok(cats.to_vec())
}

fn compile_aqhi(id: &str, spec: &AqhiSpec, measures: &[MeasureTable]) -> Result<Aqhi> {
    let number = |what: &str, text: &str| -> Result<f64> {
        text.trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| invalid(id, format!("aqhi {what} '{text}' is not a number")))
    };
    let scale = number("multiplier", &spec.multiplier)? / number("divisor", &spec.divisor)?;
    let mut terms = Vec::new();
    for (key, coefficient) in &spec.terms {
        let pollutant = Pollutant::parse(key).map_err(|e| invalid(id, e))?;
        if !measures.iter().any(|m| m.pollutant == pollutant) {
            return Err(invalid(id, format!("aqhi term {key} has no measure")));
        }
        terms.push((pollutant, number(key, coefficient)?));
    }
    terms.sort_by_key(|(p, _)| *p);
    Ok(Aqhi { scale, terms })
}

/// Every built-in standard, compiled once.
pub fn builtins() -> &'static [Arc<Standard>] {
    static ALL: OnceLock<Vec<Arc<Standard>>> = OnceLock::new();
    ALL.get_or_init(|| {
        BUILTIN_JSON
            .iter()
            .map(|text| {
                let spec: StandardSpec = serde_json::from_str(text).expect("built-in standard JSON");
                Arc::new(Standard::compile(spec, true).expect("built-in standard is valid"))
            })
            .collect()
    })
}

/// A standard by built-in id (any case) or a custom standard's JSON.
pub fn resolve(text: &str) -> Result<Arc<Standard>> {
    let trimmed = text.trim();
    if trimmed.starts_with('{') {
        return Ok(Arc::new(Standard::from_json(trimmed)?));
    }
    let wanted = trimmed.to_ascii_lowercase();
    builtins().iter().find(|s| s.id == wanted).cloned().ok_or_else(|| {
        Error::spec(format!(
            "unknown standard '{text}'; expected one of {} or a pt.aqi.Standard",
            builtins().iter().map(|s| s.id.as_str()).collect::<Vec<_>>().join(", ")
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::super::subindex::{F_BEYOND, F_NEGATIVE, F_NOT_FINITE, NONE};
    use super::*;

    fn table(std: &str, key: &str) -> &'static MeasureTable {
        let s = builtins().iter().find(|s| s.id == std).unwrap();
        &s.measures[s.measure_for_key(key).unwrap()]
    }

    fn sub(std: &str, key: &str, x: f64) -> i32 {
        let t = table(std, key);
        t.eval(x, t.native_multiplier(), builtins().iter().find(|s| s.id == std).unwrap().beyond).0
    }

    #[test]
    fn parses_exactly() {
        assert_eq!(parse_count("35.4", 1).unwrap(), 354);
        assert_eq!(parse_count("0.054", 3).unwrap(), 54);
        assert_eq!(parse_count("1004", 0).unwrap(), 1004);
        assert_eq!(parse_count("9", 1).unwrap(), 90);
        assert!(parse_count("0.0541", 3).is_err());
        assert!(parse_count("abc", 0).is_err());
        assert!(parse_count("-1", 0).is_err());
    }

    #[test]
    fn every_row_end_maps_to_its_index() {
        for s in builtins() {
            for t in &s.measures {
                let Scale::Linear(linear) = &t.scale else { continue };
                for row in &linear.rows {
                    let at = |c| linear.at_count(c, Beyond::Extend).0;
                    // Continuous tables share breakpoints: the lower row owns them.
                    assert!(at(row.lo) == row.i_lo || linear.rows[0].lo != row.lo && at(row.lo) <= row.i_lo);
                    assert_eq!(at(row.hi), row.i_hi, "{} {} {}", s.id, t.key, row.hi);
                }
            }
        }
    }

    #[test]
    fn us_epa_truncates_and_rounds_half_up() {
        let e = "us_epa_2024";
        assert_eq!(sub(e, "pm25", 35.49), 100);
        assert_eq!(sub(e, "pm25", 35.5), 101);
        assert_eq!(sub(e, "pm25", 9.05), 50);
        assert_eq!(sub(e, "pm25", 9.1), 51);
        assert_eq!(sub(e, "pm25", 0.3), 2); // 50·3/90 = 1.67 → 2
        assert_eq!(sub(e, "pm10", 54.9), 50);
        assert_eq!(sub(e, "o3_8h", 0.0549), 50);
        assert_eq!(sub(e, "co", 4.45), 50);
        assert_eq!(sub(e, "so2_1h", 35.9), 50);
        assert_eq!(sub(e, "no2", 53.7), 50);
        // Ties: CO 1.1 ppm = 12.5 → 13; O3 0.072 = 104.5 → 105; 0.153 = 250.5 → 251.
        assert_eq!(sub(e, "co", 1.1), 13);
        assert_eq!(sub(e, "o3_8h", 0.072), 105);
        assert_eq!(sub(e, "o3_8h", 0.153), 251);
        assert_eq!(sub("us_epa_2012", "pm25", 0.6), 3);
    }

    #[test]
    fn us_epa_above_the_top() {
        let e = "us_epa_2024";
        assert_eq!(sub(e, "pm25", 325.5), 500);
        assert_eq!(sub(e, "pm25", 330.0), 509);
        assert_eq!(sub(e, "pm25", 500.0), 848);
        assert_eq!(sub(e, "pm10", 605.0), 501);
        assert_eq!(sub(e, "co", 50.5), 501);
        assert_eq!(sub(e, "no2", 2100.0), 513);
        assert_eq!(sub(e, "pm10", 504.0), 389);
        assert_eq!(sub("us_epa_2012", "pm10", 504.0), 400);
        assert_eq!(sub(e, "o3_1h", 0.124), NONE);
        assert_eq!(sub(e, "o3_1h", 0.125), 101);
        assert_eq!(sub(e, "o3_8h", 0.201), NONE);
        assert_eq!(sub(e, "so2_24h", 304.0), NONE);
        assert_eq!(sub(e, "so2_24h", 305.0), 201);
        assert_eq!(sub("us_epa_1999", "pm25", 15.5), 51);
        let t = table(e, "pm25");
        assert_eq!(t.eval(400.0, 10.0, Beyond::Cap), (500, F_BEYOND));
        assert_eq!(t.eval(400.0, 10.0, Beyond::Null), (NONE, F_BEYOND));
        assert_eq!(t.eval(1e300, 10.0, Beyond::Extend), (i32::MAX, F_BEYOND));
        assert_eq!(t.eval(-0.1, 10.0, Beyond::Extend), (NONE, F_NEGATIVE));
        assert_eq!(t.eval(f64::NAN, 10.0, Beyond::Extend), (NONE, F_NOT_FINITE));
        assert_eq!(t.eval(-0.0, 10.0, Beyond::Extend), (0, 0));
        assert_eq!(t.concentration_for(101.0), Some(35.5));
        assert_eq!(t.concentration_for(509.0), Some(329.7));
        assert_eq!(table(e, "o3_8h").concentration_for(301.0), None);
    }

    #[test]
    fn india_rounds_the_concentration_and_caps_severe() {
        let i = "in_naqi";
        assert_eq!(sub(i, "pm25", 45.0), 75); // CPCB bulletin: 75 at 45 µg/m³
        assert_eq!(sub(i, "pm25", 31.0), 51);
        assert_eq!(sub(i, "pm25", 30.4), 50); // rounds to 30
        assert_eq!(sub(i, "pm25", 30.5), 51); // rounds (half up) to 31
        assert_eq!(sub(i, "pm25", 251.0), 401);
        assert_eq!(sub(i, "pm25", 380.0), 500);
        assert_eq!(sub(i, "pm25", 900.0), 500); // beyond: cap
        assert_eq!(sub(i, "o3", 208.0), 300);
        assert_eq!(sub(i, "o3", 209.0), NONE); // 8-h table ends at 208
        assert_eq!(sub(i, "o3_1h", 749.0), 401);
        assert_eq!(sub(i, "co", 1.5), 73); // 51 + 49·4/9 = 72.8
        assert_eq!(sub(i, "pb", 0.55), 51); // rounds to 0.6
    }

    #[test]
    fn china_rounds_half_even_and_the_index_up() {
        let c = "cn_hj633_2012";
        assert_eq!(sub(c, "pm25", 36.0), 52); // 50 + 50/40 = 51.25 → 52
        assert_eq!(sub(c, "pm25", 76.0), 102);
        assert_eq!(sub(c, "no2_24h", 41.0), 52);
        assert_eq!(sub(c, "pm10", 51.0), 51);
        assert_eq!(sub(c, "co_24h", 2.1), 53); // 50 + 50·0.1/2 = 52.5 → 53
        assert_eq!(sub(c, "pm25", 35.0), 50);
        assert_eq!(sub(c, "pm25", 35.5), 52); // half to even: 36
        assert_eq!(sub(c, "pm25", 34.5), 49); // half to even: 34 → ceil(48.57); half up would give 50
        assert_eq!(sub(c, "pm25", 36.5), 52); // 36.5 → 36 (even) → 52
        assert_eq!(sub(c, "so2_1h", 801.0), NONE);
        assert_eq!(sub(c, "o3_8h", 801.0), NONE);
        assert_eq!(sub(c, "pm25", 600.0), 500);
    }

    #[test]
    fn bands_take_the_lower_band_on_a_limit() {
        assert_eq!(sub("eu_eaqi_2024", "pm25", 5.0), 1);
        assert_eq!(sub("eu_eaqi_2024", "pm25", 5.000_001), 2);
        assert_eq!(sub("eu_eaqi_2024", "o3", 1000.0), 6);
        assert_eq!(sub("eu_eaqi_pre2024", "pm25", 800.0), 6);
        assert_eq!(table("eu_eaqi_pre2024", "pm25").eval(801.0, 1.0, Beyond::Null), (NONE, F_BEYOND));
        assert_eq!(sub("uk_daqi", "o3", 33.4), 1);
        assert_eq!(sub("uk_daqi", "o3", 33.5), 2);
        assert_eq!(sub("uk_daqi", "pm10", 100.4), 9);
        assert_eq!(sub("uk_daqi", "pm10", 100.5), 10);
    }

    fn custom(rows: &str) -> Result<Standard> {
        Standard::from_json(&format!(
            r#"{{"id": "mine", "measures": [{{"key": "pm25", "pollutant": "pm25", "unit": "ug/m3", "rows": {rows}}}],
               "categories": [{{"name": "Low", "lo": 0, "hi": 50}}, {{"name": "High", "lo": 51, "hi": null}}]}}"#
        ))
    }

    #[test]
    fn custom_tables_are_validated() {
        let ok = custom(r#"[["0.0", "10.0", 0, 50], ["10.1", "20.0", 51, 100]]"#).unwrap();
        assert_eq!(ok.measures[0].decimals, 1);
        let err = |rows: &str| custom(rows).unwrap_err().to_string();
        assert!(err(r#"[["0", "10", 0, 50], ["12", "20", 51, 100]]"#).contains("row 2: leaves a gap"));
        assert!(err(r#"[["0", "10", 0, 50], ["9", "20", 51, 100]]"#).contains("row 2: overlaps"));
        assert!(err(r#"[["0", "10", 0, 50], ["11", "20", 40, 100]]"#).contains("row 2: index starts below"));
        assert!(err(r#"[["0", "10", 50, 0]]"#).contains("row 1"));
        assert!(err(r#"[["0", "x", 0, 50]]"#).contains("row 1"));
        assert!(err("[]").contains("no breakpoint rows"));
        let clash = Standard::from_json(&builtins()[0].to_json()).unwrap_err().to_string();
        assert!(clash.contains("built-in"), "{clash}");
        assert!(Standard::from_json("{").unwrap_err().to_string().contains("not valid JSON"));
    }

    #[test]
    fn every_builtin_round_trips_through_json() {
        for s in builtins() {
            let renamed = s.to_json().replacen(&format!("\"{}\"", s.id), "\"copy\"", 1);
            let copy = Standard::from_json(&renamed).unwrap();
            assert_eq!(copy.measures.len(), s.measures.len(), "{}", s.id);
            assert_eq!(copy.category_names, s.category_names);
        }
    }
}
