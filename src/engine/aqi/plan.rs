//! Everything decided once per input schema: the standard, which columns hold which measures,
//! unit factors, how pollutants combine, the output schema and its metadata. Batches are then
//! computed against the plan.

use std::sync::Arc;

use arrow_array::{Array, ArrayRef, Float64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema, SchemaRef};

use super::combine::STATUS_NAMES;
use super::decimal;
use super::measure::{molar_volume, Pollutant, Rounding, Unit};
use super::standard::{resolve, Method, Standard};
use super::subindex::{Beyond, MeasureTable, Negative, Scale};
use crate::engine::columns::{check_numeric_values, representation_error};
use crate::engine::type_names::pyarrow_name;
use crate::engine::{Error, Result, VERSION};

mod columns;
mod pollutants;

use columns::{resolve_columns, resolve_units};
use pollutants::{dominant_dictionary, plan_pollutants};

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

    fn key(self) -> &'static str {
        match self {
            Self::Flag => "flag",
            Self::Raise => "raise",
        }
    }
}

/// The options of `pt.aqi.compute`, already extracted from Python.
#[derive(Clone, Debug)]
pub struct AqiOptions {
    /// A built-in id or a custom standard's JSON.
    pub standard: String,
    /// Measure key → column name, or `None` to leave the measure out.
    pub columns: Vec<(String, Option<String>)>,
    /// Measure or pollutant key → unit text.
    pub units: Vec<(String, String)>,
    pub subindices: bool,
    pub on_invalid: OnInvalid,
    /// `None`: the standard's own default.
    pub beyond: Option<Beyond>,
    /// What a negative reading gets; `None`: the standard's own default (US EPA: zero).
    pub negative: Option<Negative>,
    /// Degrees C of the µg/m³ ↔ ppb conversion; `None`: the standard's own.
    pub temperature: Option<u32>,
    /// Leave out recognised columns the standard does not rate instead of refusing them
    /// (`compare` rates one table under standards with different pollutants).
    pub skip_unrated: bool,
}

impl Default for AqiOptions {
    fn default() -> Self {
        Self {
            standard: "us_epa_2024".into(),
            columns: Vec::new(),
            units: Vec::new(),
            subindices: false,
            on_invalid: OnInvalid::Flag,
            beyond: None,
            negative: None,
            temperature: None,
            skip_unrated: false,
        }
    }
}

/// One input column the plan reads.
#[derive(Debug)]
pub struct PlannedInput {
    /// Position in `standard.measures`.
    pub measure: usize,
    pub column: usize,
    pub name: String,
    pub unit: Unit,
    /// Unit factor × counts per unit (× 1 + the float type's own error for linear tables, see
    /// `columns::representation_error`): one multiply turns a raw value into counts.
    pub multiplier: f64,
    /// Decimals and rounding of a decimal column rounded exactly before the lookup
    /// (`decimal::exact_rounding`).
    pub exact: Option<(u32, Rounding)>,
}

impl PlannedInput {
    /// This input's column of `batch` as doubles, decimals rounded exactly.
    pub fn read(&self, batch: &RecordBatch) -> Result<Float64Array> {
        decimal::read(&self.name, batch.column(self.column), self.exact)
    }
}

/// How a pollutant's measures make its sub-index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    Single,
    /// `combine::larger` over the pollutant's two measures.
    Larger,
    /// `combine::sulfur` (US EPA `docs/standards/us_epa.md`).
    EpaSulfur,
    /// `combine::hourly_first` (China HJ 633 `docs/standards/china.md`); slots `[1-h, 24-h]`.
    HourlyFirst,
}

/// A pollutant present in the data.
#[derive(Debug)]
pub struct PlannedPollutant {
    pub pollutant: Pollutant,
    pub rule: Rule,
    /// Planned inputs of the pollutant's measures in the standard's order (None: not in the data).
    pub slots: [Option<usize>; 2],
}

pub const OUT_AQI: &str = "aqi";
pub const OUT_CATEGORY: &str = "aqi_category";
pub const OUT_DOMINANT: &str = "aqi_dominant";
pub const OUT_STATUS: &str = "aqi_status";
pub const OUT_EXCEEDING: &str = "aqi_exceeding";
pub const OUT_LABEL: &str = "aqi_label";
pub const OUT_VALUE: &str = "aqi_value";
/// Schema metadata key holding the JSON record of what produced the output.
pub const METADATA_KEY: &str = "pollutrack";

#[derive(Debug)]
pub struct AqiPlan {
    pub standard: Arc<Standard>,
    pub options: AqiOptions,
    pub beyond: Beyond,
    pub negative: Negative,
    pub temperature: u32,
    pub inputs: Vec<PlannedInput>,
    /// Pollutants present, canonical order.
    pub pollutants: Vec<PlannedPollutant>,
    /// Recognised columns left out because the standard does not rate them.
    pub skipped: Vec<String>,
    pub category_values: ArrayRef,
    pub status_values: ArrayRef,
    pub dominant_values: ArrayRef,
    /// AQHI labels "1".."10", "10+".
    pub label_values: ArrayRef,
    /// Pollutant bit mask → key into `dominant_values`.
    pub dominant_keys: Vec<i16>,
    /// Index 0..=top category start → key into `category_values`; higher indices take the last.
    pub category_keys: Vec<i8>,
    schema: SchemaRef,
    /// The input's columns: the first fields of `schema`.
    input_columns: usize,
}

impl AqiPlan {
    pub fn new(input: &Schema, options: AqiOptions) -> Result<Self> {
        Self::planned(input, options, &[])
    }

    /// The same plan, made when `batches` (of schema `input`) are at hand: a column that is not
    /// numeric is then diagnosed from its values, so text that holds numbers is told how to
    /// read them.
    pub fn with_values(input: &Schema, options: AqiOptions, batches: &[RecordBatch]) -> Result<Self> {
        Self::planned(input, options, batches)
    }

    fn planned(input: &Schema, options: AqiOptions, batches: &[RecordBatch]) -> Result<Self> {
        let standard = resolve(&options.standard)?;
        let beyond = options.beyond.unwrap_or(standard.beyond);
        let negative = options.negative.unwrap_or(standard.negative);
        let temperature = options.temperature.unwrap_or(standard.temperature);
        let volume = molar_volume(temperature)?;
        let (chosen, skipped) = resolve_columns(&standard, input, &options.columns, options.skip_unrated)?;
        let units = resolve_units(&standard, &options.units)?;
        let mut inputs = Vec::with_capacity(chosen.len());
        for (measure, column) in chosen {
            let field = input.field(column);
            let name = field.name().clone();
            let table = &standard.measures[measure];
            let values: Vec<&dyn Array> = batches.iter().map(|b| b.column(column).as_ref()).collect();
            check_numeric_values(&name, field.data_type(), &values)?;
            let unit = units.get(&measure).copied().unwrap_or(table.unit);
            let what = format!("column '{name}' ({})", table.key);
            let factor = unit.factor_to(table.unit, table.pollutant, volume, &what)?;
            // Only truncation and rounding to a resolution need the float type's own error
            // absorbed; a band limit must compare exactly (5.0 is "Good" in the EEA index).
            let multiplier = match table.scale {
                Scale::Linear(_) => {
                    factor * table.counts_per_unit() * (1.0 + representation_error(field.data_type()))
                }
                _ => factor,
            };
            let exact = decimal::exact_rounding(table, field.data_type(), unit != table.unit);
            inputs.push(PlannedInput { measure, column, name, unit, multiplier, exact });
        }
        let pollutants = plan_pollutants(&standard, &inputs);
        let present: Vec<Pollutant> = pollutants.iter().map(|p| p.pollutant).collect();
        let (dominant_values, dominant_keys) = dominant_dictionary(&present);
        let top = standard.top_category_start().max(0);
        let category_keys = (0..=top).map(|i| standard.category_of(i) as i8).collect();
        let labels: Vec<String> = (1..=10).map(|i| i.to_string()).chain(["10+".to_owned()]).collect();
        let mut plan = AqiPlan {
            category_values: Arc::new(StringArray::from_iter_values(&standard.category_names)),
            status_values: Arc::new(StringArray::from_iter_values(STATUS_NAMES)),
            label_values: Arc::new(StringArray::from_iter_values(labels)),
            dominant_values,
            dominant_keys,
            category_keys,
            schema: Arc::new(Schema::empty()),
            input_columns: input.fields().len(),
            standard,
            beyond,
            negative,
            temperature,
            inputs,
            pollutants,
            skipped,
            options,
        };
        plan.schema = plan.build_schema(input)?;
        Ok(plan)
    }

    /// Refuses a batch whose columns differ from those planned for, by name or type: a
    /// stream's batches may not match its schema, and the plan reads columns by position.
    pub fn check_batch(&self, batch: &RecordBatch) -> Result<()> {
        let planned = &self.schema.fields()[..self.input_columns];
        let schema = batch.schema();
        let names = |fields: &[Arc<Field>]| fields.iter().map(|f| f.name().clone()).collect::<Vec<_>>();
        if names(planned) != names(schema.fields()) {
            return Err(Error::spec(format!(
                "a batch has columns {:?}, but the data's schema has {:?}: every batch of a stream must have the stream's schema",
                names(schema.fields()),
                names(planned)
            )));
        }
        for (want, got) in planned.iter().zip(schema.fields()) {
            if want.data_type() != got.data_type() {
                let expected = format!(
                    "the data's schema gives it type {}: every batch of a stream must have the stream's schema",
                    pyarrow_name(want.data_type())
                );
                return Err(Error::unsupported_type(got.name(), got.data_type(), expected));
            }
        }
        Ok(())
    }

    pub fn table(&self, input: usize) -> &MeasureTable {
        &self.standard.measures[self.inputs[input].measure]
    }

    /// The category key of an index (`index` ≥ 0).
    #[inline]
    pub fn category_key(&self, index: i32) -> i8 {
        self.category_keys[(index as usize).min(self.category_keys.len() - 1)]
    }

    pub fn is_aqhi(&self) -> bool {
        self.standard.method == Method::Aqhi
    }

    /// Names and types of the appended columns, in order.
    pub fn output_fields(&self) -> Vec<Field> {
        let label = |key: DataType| DataType::Dictionary(Box::new(key), Box::new(DataType::Utf8));
        let mut fields = vec![
            Field::new(OUT_AQI, DataType::Int32, true),
            Field::new(OUT_CATEGORY, label(DataType::Int8), true),
            Field::new(OUT_DOMINANT, label(DataType::Int16), true),
            Field::new(OUT_STATUS, label(DataType::Int8), false),
        ];
        if self.standard.exceeding_above.is_some() {
            fields.push(Field::new(OUT_EXCEEDING, label(DataType::Int16), true));
        }
        if self.is_aqhi() {
            fields.push(Field::new(OUT_LABEL, label(DataType::Int8), true));
        }
        if self.options.subindices {
            if self.is_aqhi() {
                fields.push(Field::new(OUT_VALUE, DataType::Float64, true));
            } else {
                for p in &self.pollutants {
                    fields.push(Field::new(format!("aqi_{}", p.pollutant.key()), DataType::Int32, true));
                }
            }
        }
        fields
    }

    pub fn output_names(&self) -> Vec<String> {
        self.output_fields().iter().map(|f| f.name().clone()).collect()
    }

    fn build_schema(&self, input: &Schema) -> Result<SchemaRef> {
        let mut fields: Vec<Arc<Field>> = input.fields().iter().cloned().collect();
        for field in self.output_fields() {
            if input.field_with_name(field.name()).is_ok() {
                return Err(Error::spec(format!(
                    "the data already has a column named '{}', which the AQI output would overwrite; rename or drop it",
                    field.name()
                )));
            }
            fields.push(Arc::new(field));
        }
        let mut metadata = input.metadata().clone();
        metadata.insert(METADATA_KEY.into(), self.provenance(None).to_string());
        Ok(Arc::new(Schema::new_with_metadata(fields, metadata)))
    }

    /// The JSON record of what produced an output (the `pollutrack` schema metadata key).
    pub fn provenance(&self, input_rows: Option<u64>) -> serde_json::Value {
        let columns: serde_json::Map<_, _> =
            self.inputs.iter().map(|i| (self.table_key(i), i.name.clone().into())).collect();
        let units: serde_json::Map<_, _> =
            self.inputs.iter().map(|i| (self.table_key(i), i.unit.key().into())).collect();
        let std = &self.standard;
        let mut record = serde_json::json!({
            "pollutrack_version": VERSION,
            "function": "aqi.compute",
            "standard": std.id,
            "table_version": std.source,
            "options": {
                "subindices": self.options.subindices,
                "on_invalid": self.options.on_invalid.key(),
                "beyond": self.beyond.key(),
                "negative": self.negative.key(),
                "unit_conversion": format!("{} C, 1 atm, molar volume {} L/mol", self.temperature, molar_volume(self.temperature).unwrap_or(f64::NAN)),
            },
            "columns": columns,
            "units": units,
            "input_rows": input_rows,
        });
        if !self.skipped.is_empty() {
            record["columns_not_rated"] = self.skipped.clone().into();
        }
        if !std.builtin {
            record["custom_standard"] = serde_json::to_value(&std.spec).unwrap_or(serde_json::Value::Null);
        }
        record
    }

    fn table_key(&self, input: &PlannedInput) -> String {
        self.standard.measures[input.measure].key.clone()
    }

    /// The output schema; with `input_rows` known, its metadata records the count.
    pub fn schema(&self, input_rows: Option<u64>) -> SchemaRef {
        let Some(rows) = input_rows else { return Arc::clone(&self.schema) };
        let mut metadata = self.schema.metadata().clone();
        metadata.insert(METADATA_KEY.into(), self.provenance(Some(rows)).to_string());
        Arc::new(self.schema.as_ref().clone().with_metadata(metadata))
    }
}

#[cfg(test)]
mod tests;
