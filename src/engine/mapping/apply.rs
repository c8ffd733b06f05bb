//! Batches in, batches out: every mapped field of every batch goes through the kernel (row
//! tasks in parallel); a dictionary column is mapped through its dictionary values only.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{Int64Type, UInt64Type};
use arrow_array::{downcast_dictionary_array, new_null_array, Array, ArrayRef, RecordBatch};
use arrow_cast::{cast, cast_with_options, CastOptions};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use rayon::prelude::*;

use super::index::{Exact, Index};
use super::kernel::map_column;
use super::keys::{first_rows, key_histogram};
use super::lookup::{Column, FastMap, OnUnmapped, MISS, NULL_ID};
use super::normalize::Normalize;
use super::rule::FieldRules;
use super::rules::Mapping;
use crate::engine::parallel::install;
use crate::engine::{Error, Result};

pub const METADATA_KEY: &str = "pollutrack";

#[derive(Debug, Clone)]
pub struct ApplyOptions {
    /// The fields to map (all of the mapping's when `None`).
    pub fields: Option<Vec<String>>,
    pub on_unmapped: OnUnmapped,
    pub normalize: Normalize,
    /// Replace each source column in place instead of appending the mapped column.
    pub replace: bool,
}

/// One mapped field's column: a batch-local result before the report merges batches.
pub struct ColumnOut {
    pub array: ArrayRef,
    pub nulls: u64,
    /// Unmapped values as text with count and first row (within the batch).
    pub misses: Vec<(String, u64, usize)>,
}

/// A field of the plan: its rules, input column and lookup table.
pub struct Planned<'m> {
    pub rules: &'m FieldRules,
    pub column: usize,
    pub output: String,
    pub index: Arc<Index>,
}

/// What `apply` decided from the mapping, the schema and the options.
pub struct ApplyPlan<'m> {
    pub mapping: &'m Mapping,
    pub fields: Vec<Planned<'m>>,
    pub options: ApplyOptions,
    pub schema: Schema,
}

fn output_type(column: &str, data_type: &DataType) -> Result<DataType> {
    let flat = |dt: &DataType| match dt {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => Some(dt.clone()),
        DataType::Null => Some(DataType::Utf8),
        dt if dt.is_integer() => Some(DataType::Utf8),
        _ => None,
    };
    let out = match data_type {
        DataType::Dictionary(k, v) => flat(v).map(|v| DataType::Dictionary(k.clone(), Box::new(v))),
        dt => flat(dt),
    };
    // The error names the whole type, a dictionary's too (not just its values').
    out.ok_or_else(|| {
        Error::unsupported_type(
            column,
            data_type,
            "a mapped column must hold strings, integers or a dictionary of them",
        )
    })
}

impl<'m> ApplyPlan<'m> {
    pub fn new(mapping: &'m Mapping, input: &Schema, options: ApplyOptions) -> Result<Self> {
        let available = || input.fields().iter().map(|f| f.name().clone()).collect::<Vec<_>>();
        let chosen: Vec<&FieldRules> = match &options.fields {
            None => mapping.fields.iter().collect(),
            Some(names) => names
                .iter()
                .map(|n| {
                    mapping.field(n).ok_or_else(|| Error::spec(format!("the mapping has no field '{n}'")))
                })
                .collect::<Result<_>>()?,
        };
        let mut fields = Vec::new();
        let mut out_fields: Vec<Arc<Field>> = input.fields().iter().cloned().collect();
        for rules in chosen {
            let column = input.index_of(&rules.name).map_err(|_| Error::ColumnNotFound {
                what: format!("column '{}' of the mapping is not in the data", rules.name),
                available: available(),
            })?;
            let same = input.fields().iter().filter(|f| *f.name() == rules.name).count();
            if same > 1 {
                return Err(Error::spec(format!(
                    "the data has {same} columns named '{}'; the column a field maps must be the only one of its name (rename or drop the others)",
                    rules.name
                )));
            }
            let data_type = output_type(&rules.name, input.field(column).data_type())?;
            let output = match (&rules.target_field, options.replace) {
                (Some(t), _) => t.clone(),
                (None, true) => rules.name.clone(),
                (None, false) => format!("{}_mapped", rules.name),
            };
            let field = Arc::new(Field::new(output.clone(), data_type, true));
            if options.replace {
                out_fields[column] = field;
            } else {
                out_fields.push(field);
            }
            let index = mapping.indexes.get(rules, &mapping.rules, options.normalize)?;
            fields.push(Planned { rules, column, output, index });
        }
        // A written column must not share its name (columns of the input that are not mapped
        // may, and pass through as they are).
        for f in &fields {
            if out_fields.iter().filter(|o| *o.name() == f.output).count() > 1 {
                return Err(Error::spec(format!(
                    "output column '{}' already exists; pass replace=True or name a target field",
                    f.output
                )));
            }
        }
        Ok(Self { mapping, fields, options, schema: Schema::new(out_fields) })
    }

    /// The output schema, with provenance metadata (input row count when known).
    pub fn schema(&self, input_rows: u64) -> SchemaRef {
        let fields: serde_json::Map<_, _> = self
            .fields
            .iter()
            .map(|f| (f.rules.name.clone(), serde_json::Value::from(f.output.clone())))
            .collect();
        let on_unmapped = match &self.options.on_unmapped {
            OnUnmapped::Null => "null",
            OnUnmapped::Keep => "keep",
            OnUnmapped::Default(_) => "default",
            OnUnmapped::Error => "error",
        };
        let meta = serde_json::json!({
            "version": crate::engine::VERSION,
            "function": "mapping.apply",
            "on_unmapped": on_unmapped,
            "normalize": self.options.normalize.names(),
            "fields": fields,
            "input_rows": input_rows,
        });
        let mut metadata = self.schema.metadata().clone();
        metadata.insert(METADATA_KEY.into(), meta.to_string());
        Arc::new(self.schema.clone().with_metadata(metadata))
    }

    /// Maps one batch; each column's result is batch-local (rows from 0).
    pub fn map_batch(&self, batch: &RecordBatch) -> Result<(RecordBatch, Vec<ColumnOut>)> {
        let outs = self
            .fields
            .iter()
            .map(|f| map_any(f, batch.column(f.column), &self.options))
            .collect::<Result<Vec<_>>>()?;
        let mut columns: Vec<ArrayRef> = batch.columns().to_vec();
        for (f, out) in self.fields.iter().zip(&outs) {
            if self.options.replace {
                columns[f.column] = Arc::clone(&out.array);
            } else {
                columns.push(Arc::clone(&out.array));
            }
        }
        let schema = Arc::new(self.schema.clone());
        Ok((RecordBatch::try_new(schema, columns)?, outs))
    }

    /// Maps every batch (in parallel) and returns them in input order with each batch's columns.
    pub fn map_batches(&self, batches: &[RecordBatch]) -> Result<Vec<(RecordBatch, Vec<ColumnOut>)>> {
        install(|| batches.par_iter().map(|b| self.map_batch(b)).collect())
    }
}

/// A finder that normalises each distinct value once per task.
fn cached_finder<'k, 'i>(index: &'i Index) -> impl FnMut(&'k str) -> Option<u32> + use<'k, 'i> {
    let mut cache: FastMap<&'k str, Option<u32>> = FastMap::default();
    move |k: &'k str| {
        *cache.entry(k).or_insert_with(|| index.text.get(index.normalize.apply(k).as_str()).copied())
    }
}

fn texts<K>(misses: Vec<(K, u64, usize)>, text: impl Fn(K) -> String) -> Vec<(String, u64, usize)> {
    misses.into_iter().map(|(k, c, f)| (text(k), c, f)).collect()
}

/// Maps a plain (not dictionary) column; each row's target id is returned when `collect_ids`.
fn map_plain(
    field: &Planned<'_>,
    array: &ArrayRef,
    mode: &OnUnmapped,
    collect_ids: bool,
) -> Result<(ColumnOut, Vec<u32>)> {
    let targets = &field.rules.targets;
    let index = &field.index;
    let write_str = |k: &str, out: &mut Vec<u8>| out.extend_from_slice(k.as_bytes());
    macro_rules! run {
        ($column:expr, $large:expr, $text:expr) => {{
            let column = $column;
            let m = map_column(&column, mode, $large)?;
            let ids = if collect_ids { column.ids() } else { Vec::new() };
            (m.array, m.nulls, texts(m.misses, $text), ids)
        }};
    }
    macro_rules! strings {
        ($arr:expr, $large:expr) => {{
            let arr = $arr;
            let get = |i: usize| arr.is_valid(i).then(|| arr.value(i));
            if index.normalize.is_exact() {
                let make_find = || Exact(&index.short);
                run!(
                    Column { rows: arr.len(), get, make_find, write: write_str, targets },
                    $large,
                    str::to_owned
                )
            } else {
                let make_find = || cached_finder(index);
                run!(
                    Column { rows: arr.len(), get, make_find, write: write_str, targets },
                    $large,
                    str::to_owned
                )
            }
        }};
    }
    let (out, nulls, misses, ids) = match array.data_type() {
        DataType::Utf8 => strings!(array.as_string::<i32>(), false),
        DataType::LargeUtf8 => strings!(array.as_string::<i64>(), true),
        DataType::Utf8View => {
            let (out, nulls, misses, ids) = strings!(array.as_string_view(), false);
            (cast(&out, &DataType::Utf8View)?, nulls, misses, ids)
        }
        DataType::Null => {
            let ids = if collect_ids { vec![NULL_ID; array.len()] } else { Vec::new() };
            (new_null_array(&DataType::Utf8, array.len()), array.len() as u64, Vec::new(), ids)
        }
        // Beyond i64::MAX a uint64 value would not cast: read it as it is.
        DataType::UInt64 => {
            let ints = array.as_primitive::<UInt64Type>();
            let column = Column {
                rows: ints.len(),
                get: |i: usize| ints.is_valid(i).then(|| ints.value(i)),
                make_find: || {
                    |k: u64| match i64::try_from(k) {
                        Ok(i) => index.ints.get(&i).copied(),
                        Err(_) => index.big_ints.get(&k).copied(),
                    }
                },
                write: |k: u64, out: &mut Vec<u8>| out.extend_from_slice(k.to_string().as_bytes()),
                targets,
            };
            run!(column, false, |k: u64| k.to_string())
        }
        dt if dt.is_integer() => {
            let options = CastOptions { safe: false, ..CastOptions::default() };
            let ints = cast_with_options(array, &DataType::Int64, &options)?;
            let ints = ints.as_primitive::<Int64Type>();
            let column = Column {
                rows: ints.len(),
                get: |i: usize| ints.is_valid(i).then(|| ints.value(i)),
                make_find: || |k: i64| index.ints.get(&k).copied(),
                write: |k: i64, out: &mut Vec<u8>| out.extend_from_slice(k.to_string().as_bytes()),
                targets,
            };
            run!(column, false, |k: i64| k.to_string())
        }
        other => unreachable!("output_type refused {other}"),
    };
    Ok((ColumnOut { array: out, nulls, misses }, ids))
}

fn map_any(field: &Planned<'_>, array: &ArrayRef, options: &ApplyOptions) -> Result<ColumnOut> {
    let mode = &options.on_unmapped;
    if !matches!(array.data_type(), DataType::Dictionary(..)) {
        return Ok(map_plain(field, array, mode, false)?.0);
    }
    downcast_dictionary_array!(
        array => {
            // O(distinct): only the dictionary values are looked up and rewritten; the keys
            // are shared with the input. Counting rows per value is one pass over the keys.
            let (values, ids) = map_plain(field, array.values(), mode, true)?;
            let keys = array.keys();
            let (counts, null_keys) = key_histogram(keys.values(), keys.nulls(), ids.len());
            let wanted: Vec<bool> = ids.iter().zip(&counts).map(|(&id, &c)| id == MISS && c > 0).collect();
            let firsts = first_rows(keys.values(), keys.nulls(), &wanted);
            let mut nulls = null_keys;
            let value_text = cast(array.values(), &DataType::Utf8)?;
            let value_text = value_text.as_string::<i32>();
            let mut misses: FastMap<String, (u64, usize)> = FastMap::default();
            for (v, &id) in ids.iter().enumerate() {
                if counts[v] == 0 {
                    continue;
                }
                if id == NULL_ID {
                    nulls += counts[v];
                } else if id == MISS {
                    let e = misses.entry(value_text.value(v).to_owned()).or_insert((0, firsts[v]));
                    e.0 += counts[v];
                    e.1 = e.1.min(firsts[v]);
                }
            }
            let mut misses: Vec<_> = misses.into_iter().map(|(k, (c, f))| (k, c, f)).collect();
            misses.sort_unstable_by_key(|m| m.2);
            Ok(ColumnOut { array: Arc::new(array.with_values(values.array)), nulls, misses })
        },
        other => unreachable!("not a dictionary: {other}")
    )
}
