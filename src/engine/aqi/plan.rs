//! Everything decided once per input schema: which columns hold which measures, unit factors,
//! the output schema and its metadata. Batches are then computed against the plan.

use std::collections::HashMap;
use std::sync::Arc;

use arrow_array::{ArrayRef, StringArray};
use arrow_schema::{DataType, Field, Schema, SchemaRef};

use super::combine::STATUS_NAMES;
use super::measure::{Measure, Pollutant, Unit};
use super::subindex::{table, Beyond, MeasureTable};
use super::tables::{standard, StandardDef};
use crate::engine::columns::{check_numeric, normalize_name, representation_error};
use crate::engine::{Error, Result, VERSION};

/// What `on_invalid` asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnInvalid {
    Flag,
    Raise,
}

impl OnInvalid {
    pub fn parse(text: &str) -> Result<Self> {
        match text {
            "flag" => Ok(Self::Flag),
            "raise" => Ok(Self::Raise),
            _ => Err(Error::spec(format!("on_invalid must be 'flag' or 'raise', not '{text}'"))),
        }
    }
}

/// The options of `pt.aqi.compute`, already extracted from Python.
#[derive(Clone, Debug)]
pub struct AqiOptions {
    pub standard: String,
    /// Measure key → column name, or `None` to leave the measure out.
    pub columns: Vec<(String, Option<String>)>,
    /// Measure or pollutant key → unit text.
    pub units: Vec<(String, String)>,
    pub subindices: bool,
    pub on_invalid: OnInvalid,
    pub beyond: Beyond,
}

impl Default for AqiOptions {
    fn default() -> Self {
        Self {
            standard: "us_epa_2024".into(),
            columns: Vec::new(),
            units: Vec::new(),
            subindices: false,
            on_invalid: OnInvalid::Flag,
            beyond: Beyond::Extend,
        }
    }
}

/// One input column the plan reads.
#[derive(Debug)]
pub struct PlannedInput {
    pub measure: Measure,
    pub column: usize,
    pub name: String,
    pub table: &'static MeasureTable,
    pub unit: Unit,
    /// Unit factor × quanta per unit (× 1 + the float type's own error, see
    /// `columns::representation_error`): one multiply turns a raw value into quanta.
    pub multiplier: f64,
}

pub const OUT_AQI: &str = "aqi";
pub const OUT_CATEGORY: &str = "aqi_category";
pub const OUT_DOMINANT: &str = "aqi_dominant";
pub const OUT_STATUS: &str = "aqi_status";
/// Schema metadata key holding the JSON record of what produced the output.
pub const METADATA_KEY: &str = "pollutrack";

#[derive(Debug)]
pub struct AqiPlan {
    pub standard: &'static StandardDef,
    pub options: AqiOptions,
    pub inputs: Vec<PlannedInput>,
    /// Pollutants present, canonical order.
    pub pollutants: Vec<Pollutant>,
    pub category_values: ArrayRef,
    pub status_values: ArrayRef,
    pub dominant_values: ArrayRef,
    /// Dominant-pollutant bit mask → key into `dominant_values`.
    pub dominant_keys: [i8; 64],
    /// Index 0..=500 → key into `category_values`; higher indices take the last category.
    pub category_keys: [i8; 501],
    schema: SchemaRef,
}

impl AqiPlan {
    pub fn new(input: &Schema, options: AqiOptions) -> Result<Self> {
        let standard = standard(&options.standard)?;
        let chosen = resolve_columns(input, &options.columns)?;
        let units = resolve_units(&options.units)?;
        let mut inputs = Vec::with_capacity(chosen.len());
        for (measure, column) in chosen {
            let name = input.field(column).name().clone();
            let table = table(standard, measure).ok_or_else(|| {
                Error::spec(format!(
                    "standard {} rates only {}; column '{name}' ({}) cannot be rated; leave it out with columns={{'{}': None}}",
                    standard.id,
                    standard.measures().map(Measure::key).collect::<Vec<_>>().join(", "),
                    measure.key(),
                    measure.key(),
                ))
            })?;
            check_numeric(&name, input.field(column).data_type())?;
            let unit = units.get(&measure).copied().unwrap_or(measure.native_unit());
            let data_type = input.field(column).data_type();
            let multiplier =
                unit.factor_to(measure)? * measure.scale() * (1.0 + representation_error(data_type));
            inputs.push(PlannedInput { measure, column, name, table, unit, multiplier });
        }
        let mut pollutants: Vec<Pollutant> = inputs.iter().map(|i| i.measure.pollutant()).collect();
        pollutants.sort();
        pollutants.dedup();

        let (dominant_values, dominant_keys) = dominant_dictionary(&pollutants);
        let mut plan = AqiPlan {
            standard,
            inputs,
            pollutants,
            category_values: Arc::new(StringArray::from_iter_values(
                standard.categories.iter().map(|c| c.name),
            )),
            status_values: Arc::new(StringArray::from_iter_values(STATUS_NAMES)),
            dominant_values,
            dominant_keys,
            category_keys: std::array::from_fn(|i| standard.category_of(i as i32) as i8),
            schema: Arc::new(Schema::empty()),
            options,
        };
        plan.schema = plan.build_schema(input)?;
        Ok(plan)
    }

    /// The category key of an index (`index` ≥ 0); every EPA category above 500 is the top one.
    #[inline]
    pub fn category_key(&self, index: i32) -> i8 {
        self.category_keys[(index as usize).min(500)]
    }

    /// Names of the appended columns, in order.
    pub fn output_names(&self) -> Vec<String> {
        let mut names: Vec<String> =
            [OUT_AQI, OUT_CATEGORY, OUT_DOMINANT, OUT_STATUS].map(String::from).to_vec();
        if self.options.subindices {
            names.extend(self.pollutants.iter().map(|p| format!("aqi_{}", p.key())));
        }
        names
    }

    fn build_schema(&self, input: &Schema) -> Result<SchemaRef> {
        let label = DataType::Dictionary(Box::new(DataType::Int8), Box::new(DataType::Utf8));
        let mut fields: Vec<Arc<Field>> = input.fields().iter().cloned().collect();
        for name in self.output_names() {
            if input.field_with_name(&name).is_ok() {
                return Err(Error::spec(format!(
                    "the data already has a column named '{name}', which the AQI output would overwrite; rename or drop it"
                )));
            }
            let data_type = match name.as_str() {
                OUT_CATEGORY | OUT_DOMINANT | OUT_STATUS => label.clone(),
                _ => DataType::Int32,
            };
            fields.push(Arc::new(Field::new(name.as_str(), data_type, name != OUT_STATUS)));
        }
        let mut metadata = input.metadata().clone();
        metadata.insert(METADATA_KEY.into(), self.provenance(None).to_string());
        Ok(Arc::new(Schema::new_with_metadata(fields, metadata)))
    }

    /// The JSON record of what produced an output (DESIGN.md §2).
    pub fn provenance(&self, input_rows: Option<u64>) -> serde_json::Value {
        let columns: serde_json::Map<_, _> =
            self.inputs.iter().map(|i| (i.measure.key().to_owned(), i.name.clone().into())).collect();
        let units: serde_json::Map<_, _> =
            self.inputs.iter().map(|i| (i.measure.key().to_owned(), i.unit.key().into())).collect();
        serde_json::json!({
            "pollutrack_version": VERSION,
            "function": "aqi.compute",
            "standard": self.standard.id,
            "table_version": self.standard.source,
            "options": {
                "subindices": self.options.subindices,
                "on_invalid": match self.options.on_invalid { OnInvalid::Flag => "flag", OnInvalid::Raise => "raise" },
                "beyond": self.options.beyond.key(),
                "unit_conversion": "25 C, 1 atm, molar volume 24.45 L/mol",
            },
            "columns": columns,
            "units": units,
            "input_rows": input_rows,
        })
    }

    /// The output schema; with `input_rows` known, its metadata records the count.
    pub fn schema(&self, input_rows: Option<u64>) -> SchemaRef {
        let Some(rows) = input_rows else { return Arc::clone(&self.schema) };
        let mut metadata = self.schema.metadata().clone();
        metadata.insert(METADATA_KEY.into(), self.provenance(Some(rows)).to_string());
        Arc::new(self.schema.as_ref().clone().with_metadata(metadata))
    }
}

/// Picks the column of each measure: explicit `columns=` first, then recognised names.
fn resolve_columns(schema: &Schema, explicit: &[(String, Option<String>)]) -> Result<Vec<(Measure, usize)>> {
    let available = || schema.fields().iter().map(|f| f.name().clone()).collect::<Vec<_>>();
    let mut decided: HashMap<Measure, Option<usize>> = HashMap::new();
    for (key, name) in explicit {
        let measure = Measure::parse(key)?;
        let column = match name {
            None => None,
            Some(name) => Some(schema.index_of(name).map_err(|_| Error::ColumnNotFound {
                what: format!("column '{name}' given for {} is not in the data", measure.key()),
                available: available(),
            })?),
        };
        if decided.insert(measure, column).is_some() {
            return Err(Error::spec(format!("columns= names {} twice", measure.key())));
        }
    }
    let taken: Vec<usize> = decided.values().flatten().copied().collect();
    let mut found: HashMap<Measure, usize> = HashMap::new();
    for (index, field) in schema.fields().iter().enumerate() {
        let Some(measure) = Measure::recognise(&normalize_name(field.name())) else { continue };
        if decided.contains_key(&measure) || taken.contains(&index) {
            continue;
        }
        if let Some(&other) = found.get(&measure) {
            return Err(Error::spec(format!(
                "columns '{}' and '{}' both look like {}; choose one with columns={{'{}': ...}}",
                schema.field(other).name(),
                field.name(),
                measure.key(),
                measure.key()
            )));
        }
        found.insert(measure, index);
    }
    let mut chosen: Vec<(Measure, usize)> =
        decided.into_iter().filter_map(|(m, c)| c.map(|c| (m, c))).chain(found).collect();
    chosen.sort();
    if chosen.is_empty() {
        return Err(Error::ColumnNotFound {
            what: "no pollutant column found (recognised names: pm25, pm2_5, PM2.5, pm10, o3, o3_8h, o3_1h, co, so2, so2_1h, so2_24h, no2, any case; or name them with columns=)".into(),
            available: available(),
        });
    }
    Ok(chosen)
}

/// Units per measure; "o3" and "so2" set both of that pollutant's measures.
fn resolve_units(units: &[(String, String)]) -> Result<HashMap<Measure, Unit>> {
    let mut out = HashMap::new();
    for (key, text) in units {
        let measures: Vec<Measure> = match key.trim().to_ascii_lowercase().as_str() {
            "o3" => vec![Measure::O3_8h, Measure::O3_1h],
            "so2" => vec![Measure::So2_1h, Measure::So2_24h],
            _ => vec![Measure::parse(key)?],
        };
        for measure in measures {
            out.insert(measure, Unit::parse(text, measure)?);
        }
    }
    Ok(out)
}

/// One dictionary entry per non-empty set of present pollutants (singles first), so every batch
/// shares one dictionary; ties read "pm25,pm10".
fn dominant_dictionary(pollutants: &[Pollutant]) -> (ArrayRef, [i8; 64]) {
    let present: usize = pollutants.iter().map(|p| 1 << p.index()).sum();
    let mut masks: Vec<usize> = (1..64).filter(|m| m & !present == 0).collect();
    masks.sort_by_key(|m| (m.count_ones(), *m));
    let mut keys = [0_i8; 64];
    let names = masks.iter().enumerate().map(|(key, &mask)| {
        keys[mask] = key as i8;
        Pollutant::ALL
            .iter()
            .filter(|p| mask & (1 << p.index()) != 0)
            .map(|p| p.key())
            .collect::<Vec<_>>()
            .join(",")
    });
    let values: ArrayRef = Arc::new(StringArray::from_iter_values(names.collect::<Vec<_>>()));
    (values, keys)
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::Array;

    fn schema(names: &[&str]) -> Schema {
        Schema::new(names.iter().map(|n| Field::new(*n, DataType::Float64, true)).collect::<Vec<_>>())
    }

    #[test]
    fn recognises_and_overrides_columns() {
        let plan = AqiPlan::new(&schema(&["PM2.5 (ug/m3)", "pm10", "x"]), AqiOptions::default()).unwrap();
        let got: Vec<_> = plan.inputs.iter().map(|i| (i.measure, i.name.as_str())).collect();
        assert_eq!(got, vec![(Measure::Pm25, "PM2.5 (ug/m3)"), (Measure::Pm10, "pm10")]);

        let options = AqiOptions {
            columns: vec![("pm25".into(), Some("x".into())), ("pm10".into(), None)],
            ..AqiOptions::default()
        };
        let plan = AqiPlan::new(&schema(&["PM2.5", "pm10", "x"]), options).unwrap();
        let got: Vec<_> = plan.inputs.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(got, vec!["x"]);
    }

    #[test]
    fn rejects_bad_column_setups() {
        let err = AqiPlan::new(&schema(&["a"]), AqiOptions::default()).unwrap_err();
        assert!(matches!(err, Error::ColumnNotFound { .. }));
        let err = AqiPlan::new(&schema(&["pm25", "PM2.5"]), AqiOptions::default()).unwrap_err();
        assert!(err.to_string().contains("both look like pm25"), "{err}");
        let err = AqiPlan::new(&schema(&["pm25", "aqi"]), AqiOptions::default()).unwrap_err();
        assert!(err.to_string().contains("'aqi'"), "{err}");
        let options = AqiOptions { standard: "us_epa_1999".into(), ..AqiOptions::default() };
        let err = AqiPlan::new(&schema(&["pm25", "pm10"]), options).unwrap_err();
        assert!(err.to_string().contains("rates only pm25"), "{err}");
        let strings = Schema::new(vec![Field::new("pm25", DataType::Utf8, true)]);
        let err = AqiPlan::new(&strings, AqiOptions::default()).unwrap_err();
        assert!(matches!(err, Error::UnsupportedType { .. }));
    }

    #[test]
    fn dominant_dictionary_lists_singles_then_ties() {
        let (values, keys) = dominant_dictionary(&[Pollutant::Pm25, Pollutant::Pm10]);
        let values = values.as_any().downcast_ref::<StringArray>().unwrap();
        assert_eq!(values.iter().flatten().collect::<Vec<_>>(), vec!["pm25", "pm10", "pm25,pm10"]);
        assert_eq!(keys[0b11], 2);
        assert_eq!(values.len(), 3);
    }
}
