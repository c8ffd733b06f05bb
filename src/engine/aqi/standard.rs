//! Standards as data: every built-in table is a JSON file in `standards/`, read by the same
//! code that reads a user's custom standard, validated, and compiled once.

use std::sync::{Arc, OnceLock};

use super::measure::Pollutant;
use super::subindex::{Beyond, IndexRounding, MeasureTable, Negative};
use crate::engine::columns::normalize_name;
use crate::engine::{Error, Result};

mod measures;
mod spec;

pub use measures::parse_count;
use measures::{compile_measure, top_index};
pub use spec::{AqhiSpec, CategorySpec, MeasureSpec, MinPollutantsSpec, StandardSpec};

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
    /// What a negative reading gets by default (US EPA: rated as 0, as the agency publishes).
    pub negative: Negative,
    /// US EPA SO2 rule (`docs/standards/us_epa.md`) instead of "the larger of the two periods".
    pub epa_so2: bool,
    /// HJ 633 rule for SO2, NO2 and CO (`docs/standards/china.md`): the 1-hour value when the
    /// row has one (the real-time report), else the 24-hour value (the daily report).
    pub hj633_periods: bool,
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

pub(super) fn invalid(id: &str, what: impl std::fmt::Display) -> Error {
    Error::spec(format!("standard '{id}': {what}"))
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
        let Policies { beyond, negative, epa_so2, hj633_periods } = policies(&id, &spec)?;
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
            negative,
            epa_so2,
            hj633_periods,
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

/// A standard's default policies and the rules it names.
struct Policies {
    beyond: Beyond,
    negative: Negative,
    epa_so2: bool,
    hj633_periods: bool,
}

fn policies(id: &str, spec: &StandardSpec) -> Result<Policies> {
    let beyond = match spec.beyond.as_deref() {
        None => Beyond::Extend,
        Some(text) => Beyond::parse(text).map_err(|e| invalid(id, e))?,
    };
    let negative = match spec.negative.as_deref() {
        None => Negative::Null,
        Some(text) => Negative::parse(text).map_err(|e| invalid(id, e))?,
    };
    let mut out = Policies { beyond, negative, epa_so2: false, hj633_periods: false };
    for rule in &spec.rules {
        match rule.as_str() {
            "us_epa_so2" => out.epa_so2 = true,
            "hj633_periods" => out.hj633_periods = true,
            other => {
                return Err(invalid(id, format!("unknown rule '{other}'; known: us_epa_so2, hj633_periods")))
            }
        }
    }
    if out.epa_so2 && out.hj633_periods {
        return Err(invalid(id, "rules us_epa_so2 and hj633_periods exclude each other"));
    }
    Ok(out)
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
mod tests;
