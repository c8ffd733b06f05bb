//! Rules as loaded, validated into a `Mapping`: conflicting rules are an error naming the
//! worksheet and row, exact repeats are kept aside as duplicates (reported, not fatal).

use std::collections::HashMap;
use std::sync::Arc;

use arrow_array::{ArrayRef, Int64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};

use super::cell::Origin;
use super::index::IndexCache;
use super::lookup::FastMap;
use super::rule::FieldRules;
// The bindings name a sheet row here, beside the `Mapping` it makes.
pub use super::rule::RawRule;
use crate::engine::{Error, Result};

/// A row that repeats an earlier rule exactly; `first` is where that rule was first written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    pub rule: RawRule,
    pub first: Origin,
}

/// A validated mapping sheet.
#[derive(Debug, Clone)]
pub struct Mapping {
    /// Unique rules, in sheet order.
    pub rules: Vec<RawRule>,
    pub duplicates: Vec<Duplicate>,
    pub fields: Vec<FieldRules>,
    /// Lookup tables built so far (not part of the state: rebuilt on demand).
    pub indexes: IndexCache,
}

impl Mapping {
    pub fn new(loaded: Vec<RawRule>) -> Result<Self> {
        if loaded.is_empty() {
            return Err(Error::spec("the mapping sheet has no rules"));
        }
        // First every row is checked with keys borrowed from `loaded`, then the rows are moved
        // into rules and duplicates: no copies, for sheets of a million rules.
        let mut fields: Vec<FieldRules> = Vec::new();
        // Per row: its position among the unique rules, or the row it repeats.
        let mut kept: Vec<std::result::Result<usize, usize>> = Vec::with_capacity(loaded.len());
        let mut unique = 0;
        let mut field_of: FastMap<&str, usize> = FastMap::default();
        let mut seen: FastMap<(usize, &str), usize> =
            FastMap::with_capacity_and_hasher(loaded.len(), foldhash::fast::FixedState::default());
        // Per field, target → id: a map, as a field may have as many distinct targets as rules.
        let mut target_ids: Vec<FastMap<&str, u32>> = Vec::new();
        for (i, raw) in loaded.iter().enumerate() {
            let f = *field_of.entry(&raw.field).or_insert_with(|| {
                fields.push(FieldRules {
                    name: raw.field.clone(),
                    target_field: None,
                    rules: Vec::new(),
                    targets: Vec::new(),
                    target_ids: Vec::new(),
                });
                target_ids.push(FastMap::default());
                fields.len() - 1
            });
            if let Some(&earlier) = seen.get(&(f, raw.source.as_str())) {
                let first = &loaded[earlier];
                if first.target != raw.target {
                    return Err(Error::spec(format!(
                        "{}: conflicting rule: field '{}' source value '{}' maps to '{}' here but to '{}' at {}",
                        raw.origin, raw.field, raw.source, raw.target, first.target, first.origin
                    )));
                }
                kept.push(Err(earlier));
                continue;
            }
            let field = &mut fields[f];
            if let Some(tf) = &raw.target_field {
                match &field.target_field {
                    Some(existing) if existing != tf => {
                        return Err(Error::spec(format!(
                            "{}: field '{}' has target field '{tf}' here but '{existing}' on an earlier row",
                            raw.origin, raw.field
                        )));
                    }
                    _ => field.target_field = Some(tf.clone()),
                }
            }
            let id = *target_ids[f].entry(&raw.target).or_insert_with(|| {
                field.targets.push(raw.target.clone());
                field.targets.len() as u32 - 1
            });
            field.target_ids.push(id);
            field.rules.push(unique);
            seen.insert((f, &raw.source), i);
            kept.push(Ok(unique));
            unique += 1;
        }
        drop((field_of, seen, target_ids));
        let mut rules: Vec<RawRule> = Vec::with_capacity(unique);
        let mut duplicates = Vec::new();
        for (raw, kept_as) in loaded.into_iter().zip(&kept) {
            match *kept_as {
                Ok(_) => rules.push(raw),
                Err(earlier) => {
                    let Ok(at) = kept[earlier] else { unreachable!("a row repeats a kept rule") };
                    duplicates.push(Duplicate { rule: raw, first: rules[at].origin.clone() });
                }
            }
        }
        let mut outputs: HashMap<&str, &str> = HashMap::new();
        for field in &fields {
            if let Some(other) = outputs.insert(field.output_name(), &field.name) {
                return Err(Error::spec(format!(
                    "fields '{other}' and '{}' both write the target field '{}'",
                    field.name,
                    field.output_name()
                )));
            }
        }
        Ok(Self { rules, duplicates, fields, indexes: IndexCache::default() })
    }

    pub fn field(&self, name: &str) -> Option<&FieldRules> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// Every loaded row as compact JSON (`[field, source, target, target_field, sheet, row]`),
    /// the state a pickled mapping carries: the rules, then the duplicates (which `new` makes
    /// into the same mapping: a duplicate always follows the rule it repeats).
    pub fn to_state(&self) -> String {
        let rows: Vec<serde_json::Value> = self
            .rules
            .iter()
            .chain(self.duplicates.iter().map(|d| &d.rule))
            .map(|r| {
                serde_json::json!([r.field, r.source, r.target, r.target_field, r.origin.sheet, r.origin.row])
            })
            .collect();
        serde_json::Value::Array(rows).to_string()
    }

    pub fn from_state(state: &str) -> Result<Self> {
        let bad = || Error::spec("not a pickled pollutrack mapping state");
        let value: serde_json::Value = serde_json::from_str(state).map_err(|_| bad())?;
        let rows = value.as_array().ok_or_else(bad)?;
        let mut loaded = Vec::with_capacity(rows.len());
        for row in rows {
            let text = |i: usize| row.get(i).and_then(serde_json::Value::as_str).map(str::to_owned);
            loaded.push(RawRule {
                field: text(0).ok_or_else(bad)?,
                source: text(1).ok_or_else(bad)?,
                target: text(2).ok_or_else(bad)?,
                target_field: text(3),
                origin: Origin {
                    sheet: text(4).ok_or_else(bad)?,
                    row: row.get(5).and_then(serde_json::Value::as_u64).ok_or_else(bad)? as u32,
                },
            });
        }
        Self::new(loaded)
    }
}

fn text_column<'a>(values: impl Iterator<Item = Option<&'a str>>) -> ArrayRef {
    Arc::new(values.collect::<StringArray>())
}

fn row_column<'a>(origins: impl Iterator<Item = &'a Origin>) -> ArrayRef {
    Arc::new(origins.map(|o| i64::from(o.row)).collect::<Int64Array>())
}

fn rule_columns(rules: &[&RawRule]) -> (Vec<Field>, Vec<ArrayRef>) {
    let fields = vec![
        Field::new("field", DataType::Utf8, false),
        Field::new("source", DataType::Utf8, false),
        Field::new("target", DataType::Utf8, false),
        Field::new("target_field", DataType::Utf8, true),
        Field::new("sheet", DataType::Utf8, false),
        Field::new("row", DataType::Int64, false),
    ];
    let columns = vec![
        text_column(rules.iter().map(|r| Some(r.field.as_str()))),
        text_column(rules.iter().map(|r| Some(r.source.as_str()))),
        text_column(rules.iter().map(|r| Some(r.target.as_str()))),
        text_column(rules.iter().map(|r| r.target_field.as_deref())),
        text_column(rules.iter().map(|r| Some(r.origin.sheet.as_str()))),
        row_column(rules.iter().map(|r| &r.origin)),
    ];
    (fields, columns)
}

impl Mapping {
    /// The unique rules: `field`, `source`, `target`, `target_field`, `sheet`, `row`.
    pub fn rules_table(&self) -> Result<RecordBatch> {
        let (fields, columns) = rule_columns(&self.rules.iter().collect::<Vec<_>>());
        Ok(RecordBatch::try_new(Arc::new(Schema::new(fields)), columns)?)
    }

    /// The exact repeats: the rule columns, then `first_sheet` and `first_row` of the original.
    pub fn duplicates_table(&self) -> Result<RecordBatch> {
        let (mut fields, mut columns) =
            rule_columns(&self.duplicates.iter().map(|d| &d.rule).collect::<Vec<_>>());
        fields.push(Field::new("first_sheet", DataType::Utf8, false));
        fields.push(Field::new("first_row", DataType::Int64, false));
        columns.push(text_column(self.duplicates.iter().map(|d| Some(d.first.sheet.as_str()))));
        columns.push(row_column(self.duplicates.iter().map(|d| &d.first)));
        Ok(RecordBatch::try_new(Arc::new(Schema::new(fields)), columns)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::mapping::rule::tests::rule;

    #[test]
    fn conflicts_and_duplicates() {
        let m = Mapping::new(vec![rule("s", "a", "A", 2), rule("s", "a", "A", 3), rule("s", "b", "A", 4)])
            .unwrap();
        assert_eq!(m.rules.len(), 2);
        assert_eq!(m.duplicates.len(), 1);
        assert_eq!(m.duplicates[0].first.row, 2);
        assert_eq!(m.fields[0].targets, ["A"]);
        assert_eq!(m.fields[0].target_ids, [0, 0]);
        assert_eq!(m.rules_table().unwrap().num_rows(), 2);
        assert_eq!(m.duplicates_table().unwrap().num_columns(), 8);
        let err = Mapping::new(vec![rule("s", "a", "A", 2), rule("s", "a", "B", 7)]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "worksheet 'Sheet1' row 7: conflicting rule: field 's' source value 'a' maps to 'B' here but to 'A' at worksheet 'Sheet1' row 2"
        );
        assert!(Mapping::new(vec![]).is_err());
    }

    #[test]
    fn target_fields_must_agree() {
        let mut a = rule("s", "a", "A", 2);
        a.target_field = Some("t".into());
        let mut b = rule("s", "b", "B", 3);
        b.target_field = Some("u".into());
        assert!(Mapping::new(vec![a.clone(), b]).unwrap_err().to_string().contains("row 3"));
        let m = Mapping::new(vec![a, rule("s", "c", "C", 4)]).unwrap();
        assert_eq!(m.fields[0].output_name(), "t");
        let mut c = rule("x", "a", "A", 5);
        c.target_field = Some("s".into());
        assert!(Mapping::new(vec![rule("s", "a", "A", 2), c])
            .unwrap_err()
            .to_string()
            .contains("both write"));
    }

    #[test]
    fn state_round_trips() {
        let m = Mapping::new(vec![rule("s", "a", "A", 2), rule("s", "a", "A", 3)]).unwrap();
        let back = Mapping::from_state(&m.to_state()).unwrap();
        assert_eq!((&back.rules, &back.duplicates), (&m.rules, &m.duplicates));
        assert_eq!(back.duplicates.len(), 1);
        assert!(Mapping::from_state("{}").is_err());
        // Duplicates between rules of two fields: the same mapping back.
        let rows = [
            ("s", "a", "A", 2),
            ("t", "x", "X", 3),
            ("s", "a", "A", 4),
            ("s", "b", "B", 5),
            ("t", "x", "X", 6),
        ];
        let m = Mapping::new(rows.iter().map(|&(f, s, t, r)| rule(f, s, t, r)).collect()).unwrap();
        let back = Mapping::from_state(&m.to_state()).unwrap();
        assert_eq!((&back.rules, &back.duplicates), (&m.rules, &m.duplicates));
        assert_eq!(
            back.duplicates.iter().map(|d| (d.rule.origin.row, d.first.row)).collect::<Vec<_>>(),
            [(4, 2), (6, 3)]
        );
        let ids = |m: &Mapping| {
            m.fields.iter().map(|f| (f.rules.clone(), f.target_ids.clone())).collect::<Vec<_>>()
        };
        assert_eq!(ids(&back), ids(&m));
    }
}
