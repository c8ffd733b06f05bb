//! Which column holds which measure of a standard, and in which unit.

use std::collections::HashMap;

use arrow_schema::Schema;

use crate::engine::aqi::measure::{Pollutant, Unit};
use crate::engine::aqi::standard::{builtins, Standard};
use crate::engine::columns::normalize_name;
use crate::engine::{Error, Result};

/// (measure, column) pairs in the standard's measure order, and the recognised columns skipped.
type Chosen = (Vec<(usize, usize)>, Vec<String>);

/// Picks the column of each measure: explicit `columns=` first, then recognised names.
/// Returns (measure, column) pairs in the standard's measure order and the skipped columns.
pub(super) fn resolve_columns(
    standard: &Standard,
    schema: &Schema,
    explicit: &[(String, Option<String>)],
    skip_unrated: bool,
) -> Result<Chosen> {
    let available = || schema.fields().iter().map(|f| f.name().clone()).collect::<Vec<_>>();
    // A name shared by two columns cannot say which one holds the measure.
    let unique = |name: &str, measure: usize| -> Result<()> {
        let count = schema.fields().iter().filter(|f| f.name() == name).count();
        if count < 2 {
            return Ok(());
        }
        Err(Error::spec(format!(
            "the data has {count} columns named '{name}', so which one holds {} is ambiguous; rename or drop all but one",
            standard.measures[measure].key
        )))
    };
    let mut decided: HashMap<usize, Option<usize>> = HashMap::new();
    for (key, name) in explicit {
        let measure = match standard.measure_for_key(key) {
            Ok(m) => m,
            // `columns={"pm10": None}` under a PM2.5-only standard just says "not this one".
            Err(_) if name.is_none() || skip_unrated => continue,
            Err(e) => return Err(e),
        };
        let column = match name {
            None => None,
            Some(name) => {
                let column = schema.index_of(name).map_err(|_| Error::ColumnNotFound {
                    what: format!(
                        "column '{name}' given for {} is not in the data",
                        standard.measures[measure].key
                    ),
                    available: available(),
                })?;
                unique(name, measure)?;
                Some(column)
            }
        };
        if decided.insert(measure, column).is_some() {
            return Err(Error::spec(format!("columns= names {} twice", standard.measures[measure].key)));
        }
    }
    let explicit_names: Vec<&str> = explicit.iter().filter_map(|(_, n)| n.as_deref()).collect();
    let left_out: Vec<String> =
        explicit.iter().filter(|(_, n)| n.is_none()).map(|(k, _)| normalize_name(k)).collect();
    let taken: Vec<usize> = decided.values().flatten().copied().collect();
    let mut found: HashMap<usize, usize> = HashMap::new();
    let mut skipped = Vec::new();
    for (index, field) in schema.fields().iter().enumerate() {
        if taken.contains(&index) || explicit_names.contains(&field.name().as_str()) {
            continue;
        }
        let normalized = normalize_name(field.name());
        let Some(measure) = standard.recognise(&normalized) else {
            if recognised_anywhere(&normalized) && !left_out.contains(&normalized) {
                if skip_unrated {
                    skipped.push(field.name().clone());
                    continue;
                }
                return Err(Error::spec(format!(
                    "standard {} rates only {}; column '{}' cannot be rated; leave it out with columns={{'{}': None}}",
                    standard.id,
                    standard.measure_keys().join(", "),
                    field.name(),
                    field.name(),
                )));
            }
            continue;
        };
        if decided.contains_key(&measure) {
            continue;
        }
        unique(field.name(), measure)?;
        if let Some(&other) = found.get(&measure) {
            let key = &standard.measures[measure].key;
            return Err(Error::spec(format!(
                "columns '{}' and '{}' both look like {key}; choose one with columns={{'{key}': ...}}",
                schema.field(other).name(),
                field.name(),
            )));
        }
        found.insert(measure, index);
    }
    let mut chosen: Vec<(usize, usize)> =
        decided.into_iter().filter_map(|(m, c)| c.map(|c| (m, c))).chain(found).collect();
    chosen.sort_unstable();
    if chosen.is_empty() {
        return Err(Error::ColumnNotFound {
            what: format!(
                "no pollutant column found for standard {} (its measures: {}; names are recognised in any case, e.g. PM2.5, pm2_5, O3_8h; or name them with columns=)",
                standard.id,
                standard.measure_keys().join(", ")
            ),
            available: available(),
        });
    }
    Ok((chosen, skipped))
}

/// True when some built-in standard recognises the name: a pollutant column this standard
/// does not rate, rather than an unrelated column.
fn recognised_anywhere(normalized: &str) -> bool {
    builtins().iter().any(|s| s.recognise(normalized).is_some())
}

/// Units per measure; a plain pollutant key sets every measure of that pollutant.
pub(super) fn resolve_units(standard: &Standard, units: &[(String, String)]) -> Result<HashMap<usize, Unit>> {
    let mut out = HashMap::new();
    for (key, text) in units {
        let normalized = normalize_name(key);
        let measures: Vec<usize> = match Pollutant::recognise(&normalized) {
            Some(p) => {
                (0..standard.measures.len()).filter(|&m| standard.measures[m].pollutant == p).collect()
            }
            None => vec![standard.measure_for_key(key)?],
        };
        for measure in measures {
            out.insert(measure, Unit::parse(text, &standard.measures[measure].key)?);
        }
    }
    Ok(out)
}
