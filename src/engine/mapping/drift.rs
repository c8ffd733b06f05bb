//! Drift between a mapping and the target system's allowed values (`allowed`): fields on one
//! side only, targets the sheet uses that are not (or no longer) allowed, allowed options no
//! rule reaches, and likely renames between the two.
//!
//! Fields are matched by target field name (the field name when the sheet gives none). A rename
//! is an unused option equal to the target once reduced to letters and digits (`near_key`), or
//! else the most similar unused one (`similar`); each pair is reported once, as the rename.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use arrow_array::{ArrayRef, Int64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};

use super::cell::Origin;
use super::normalize::near_key;
use super::rule::FieldRules;
use super::rules::Mapping;
use super::similar::{Candidates, BUDGET};
use crate::engine::Result;

pub use super::allowed::{parse_allowed, Allowed};

/// One row of the drift table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drift {
    pub field: String,
    pub kind: &'static str,
    pub value: String,
    pub suggestion: Option<String>,
    pub detail: String,
    pub sheet: Option<String>,
    pub row: Option<u32>,
}

/// Where the first rule of each of a field's targets is.
fn first_origins<'m>(mapping: &'m Mapping, field: &FieldRules) -> Vec<Option<&'m Origin>> {
    let mut firsts = vec![None; field.targets.len()];
    for (&r, &id) in field.rules.iter().zip(&field.target_ids).rev() {
        firsts[id as usize] = Some(&mapping.rules[r].origin);
    }
    firsts
}

/// The value rows of one field matched with its allowed options.
fn field_drift(mapping: &Mapping, field: &FieldRules, allowed: &Allowed, out: &mut Vec<Drift>) {
    let name = field.output_name();
    let enabled: HashSet<&str> = allowed.enabled.iter().map(String::as_str).collect();
    let disabled: HashSet<&str> = allowed.disabled.iter().map(String::as_str).collect();
    let used: HashSet<&str> = field.targets.iter().map(String::as_str).collect();
    let unreached: Vec<&String> = allowed.enabled.iter().filter(|o| !used.contains(o.as_str())).collect();
    let outside: Vec<usize> =
        (0..field.targets.len()).filter(|&t| !enabled.contains(field.targets[t].as_str())).collect();
    // Renames: first the options equal once reduced to letters and digits, then the most
    // similar of those left, each option taken once.
    let mut taken = vec![false; unreached.len()];
    let mut rename: HashMap<usize, (usize, Option<f64>)> = HashMap::new();
    let mut by_key: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, o) in unreached.iter().enumerate().rev() {
        by_key.entry(near_key(o)).or_default().push(i);
    }
    for &t in &outside {
        if let Some(i) = by_key.get_mut(&near_key(&field.targets[t])).and_then(Vec::pop) {
            taken[i] = true;
            rename.insert(t, (i, None));
        }
    }
    let candidates = Candidates::new(unreached.iter().map(|o| o.as_str()));
    let left: Vec<usize> = outside.iter().copied().filter(|t| !rename.contains_key(t)).collect();
    let texts: Vec<&str> = left.iter().map(|&t| field.targets[t].as_str()).collect();
    if candidates.work(&texts) <= BUDGET {
        for &t in &left {
            if let Some((i, score)) = candidates.best_except(&field.targets[t], |i| taken[i]) {
                taken[i] = true;
                rename.insert(t, (i, Some(score)));
            }
        }
    }
    let firsts = first_origins(mapping, field);
    for &t in &outside {
        let target = &field.targets[t];
        let is_disabled = disabled.contains(target.as_str());
        let (kind, suggestion, detail) = match rename.get(&t) {
            Some(&(i, how)) => {
                let why = match how {
                    None => "differs only in case, accents, spaces or punctuation".to_owned(),
                    Some(score) => format!("is similar (similarity {score:.2})"),
                };
                let also = if is_disabled { "; the old value is disabled" } else { "" };
                (
                    "likely_rename",
                    Some(unreached[i].clone()),
                    format!("not allowed; an unused option {why}{also}"),
                )
            }
            None if is_disabled => ("not_allowed", None, "disabled in the target system".to_owned()),
            None => ("not_allowed", None, "not among the allowed options".to_owned()),
        };
        out.push(Drift {
            field: name.to_owned(),
            kind,
            value: target.clone(),
            suggestion,
            detail,
            sheet: firsts[t].map(|o| o.sheet.clone()),
            row: firsts[t].map(|o| o.row),
        });
    }
    for (i, option) in unreached.iter().enumerate() {
        if !taken[i] {
            out.push(Drift {
                field: name.to_owned(),
                kind: "unreached",
                value: (*option).clone(),
                suggestion: None,
                detail: "allowed option that no rule maps to".to_owned(),
                sheet: None,
                row: None,
            });
        }
    }
}

pub fn drift(mapping: &Mapping, allowed: &[(String, Allowed)]) -> Vec<Drift> {
    let mut out = Vec::new();
    let mut matched = vec![false; allowed.len()];
    let position = |n: &str| allowed.iter().position(|(a, _)| a == n);
    let mut missing = Vec::new();
    for field in &mapping.fields {
        match position(field.output_name()).or_else(|| position(&field.name)) {
            Some(a) => {
                matched[a] = true;
                field_drift(mapping, field, &allowed[a].1, &mut out);
            }
            None => missing.push((out.len(), field)),
        }
    }
    // A sheet field the allowed values do not list; its likely rename is an allowed field no
    // sheet field matched (then reported once, here).
    let free: Vec<usize> = (0..allowed.len()).filter(|&a| !matched[a]).collect();
    let names: Vec<&str> = free.iter().map(|&a| allowed[a].0.as_str()).collect();
    let candidates = Candidates::new(names.iter().copied());
    let mut taken = vec![false; free.len()];
    let mut rows = Vec::new();
    for (at, field) in missing {
        let name = field.output_name();
        let key = near_key(name);
        let found = (0..names.len())
            .find(|&i| !taken[i] && near_key(names[i]) == key)
            .map(|i| (i, 1.0))
            .or_else(|| candidates.best_except(name, |i| taken[i]));
        let suggestion = found.map(|(i, _)| {
            taken[i] = true;
            names[i].to_owned()
        });
        let first = field.rules.first().map(|&r| &mapping.rules[r].origin);
        let detail = match &suggestion {
            Some(_) => {
                "the sheet writes this field, the allowed values do not list it; a similar field is unmatched"
            }
            None => "the sheet writes this field, the allowed values do not list it",
        };
        rows.push((
            at,
            Drift {
                field: name.to_owned(),
                kind: "field_not_in_allowed",
                value: name.to_owned(),
                suggestion,
                detail: detail.to_owned(),
                sheet: first.map(|o| o.sheet.clone()),
                row: first.map(|o| o.row),
            },
        ));
    }
    for (at, row) in rows.into_iter().rev() {
        out.insert(at, row);
    }
    for (i, &a) in free.iter().enumerate() {
        if !taken[i] {
            out.push(Drift {
                field: allowed[a].0.clone(),
                kind: "field_not_in_sheet",
                value: allowed[a].0.clone(),
                suggestion: None,
                detail: "the allowed values list this field, no field of the sheet writes it".to_owned(),
                sheet: None,
                row: None,
            });
        }
    }
    out
}

/// The drift rows as a table: field, kind, value, suggestion, detail, sheet, row.
pub fn drift_table(rows: &[Drift]) -> Result<RecordBatch> {
    let s = |f: &dyn Fn(&Drift) -> Option<&str>| -> ArrayRef {
        Arc::new(rows.iter().map(f).collect::<StringArray>())
    };
    let schema = Schema::new(vec![
        Field::new("field", DataType::Utf8, false),
        Field::new("kind", DataType::Utf8, false),
        Field::new("value", DataType::Utf8, false),
        Field::new("suggestion", DataType::Utf8, true),
        Field::new("detail", DataType::Utf8, false),
        Field::new("sheet", DataType::Utf8, true),
        Field::new("row", DataType::Int64, true),
    ]);
    Ok(RecordBatch::try_new(
        Arc::new(schema),
        vec![
            s(&|d| Some(d.field.as_str())),
            s(&|d| Some(d.kind)),
            s(&|d| Some(d.value.as_str())),
            s(&|d| d.suggestion.as_deref()),
            s(&|d| Some(d.detail.as_str())),
            s(&|d| d.sheet.as_deref()),
            Arc::new(rows.iter().map(|d| d.row.map(i64::from)).collect::<Int64Array>()),
        ],
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::mapping::rule::tests::rule;

    #[test]
    fn finds_each_kind() {
        let m = Mapping::new(vec![
            rule("status", "o", "Open", 2),
            rule("status", "c", "Closed", 3),
            rule("status", "w", "In progress", 4),
            rule("status", "x", "Old", 5),
        ])
        .unwrap();
        let export = r#"{"fields": [{"name": "status", "options": [
            {"value": "Open"}, {"value": "Closed", "disabled": true}, "In-Progress", "Blocked",
            {"value": "Old", "enabled": false}]}, {"name": "other", "options": []}]}"#;
        let rows = drift(&m, &parse_allowed(export).unwrap());
        let got: Vec<_> =
            rows.iter().map(|d| (d.kind, d.value.as_str(), d.suggestion.as_deref(), d.row)).collect();
        assert_eq!(
            got,
            [
                ("not_allowed", "Closed", None, Some(3)),
                ("likely_rename", "In progress", Some("In-Progress"), Some(4)),
                ("not_allowed", "Old", None, Some(5)),
                ("unreached", "Blocked", None, None),
                ("field_not_in_sheet", "other", None, None),
            ]
        );
        assert_eq!(rows[0].detail, "disabled in the target system");
        assert_eq!(drift_table(&rows).unwrap().num_rows(), 5);
        let simple = parse_allowed(r#"{"status": ["Open", "Closed", "In progress", "Old"]}"#).unwrap();
        assert!(drift(&m, &simple).is_empty());
    }

    #[test]
    fn similar_renames_taken_once() {
        let m = Mapping::new(vec![
            rule("dept", "f", "Finance & Accounting", 2),
            rule("dept", "g", "Finance and Accounting (old)", 3),
            rule("dept", "h", "Finanse", 4),
            rule("dept", "i", "HR", 5),
        ])
        .unwrap();
        let allowed =
            parse_allowed(r#"{"dept": ["Finance and Accounting", "Finance", "HRM", "HR"]}"#).unwrap();
        let rows = drift(&m, &allowed);
        let got: Vec<_> = rows.iter().map(|d| (d.kind, d.value.as_str(), d.suggestion.as_deref())).collect();
        assert_eq!(
            got,
            [
                ("likely_rename", "Finance & Accounting", Some("Finance and Accounting")),
                ("not_allowed", "Finance and Accounting (old)", None), // the option is taken
                ("likely_rename", "Finanse", Some("Finance")),
                ("unreached", "HRM", None),
            ]
        );
        assert_eq!(rows[0].detail, "not allowed; an unused option is similar (similarity 0.85)");
    }

    #[test]
    fn fields_on_one_side() {
        let mut a = rule("status", "o", "Open", 2);
        a.target_field = Some("Status ".into());
        let m = Mapping::new(vec![a, rule("dept", "f", "FIN", 3), rule("cbwd", "c", "calm", 4)]).unwrap();
        let allowed =
            parse_allowed(r#"{"Status": ["Open"], "Priority": ["High"], "cbwd": ["calm"]}"#).unwrap();
        let rows = drift(&m, &allowed);
        let got: Vec<_> =
            rows.iter().map(|d| (d.kind, d.field.as_str(), d.suggestion.as_deref(), d.row)).collect();
        assert_eq!(
            got,
            [
                ("field_not_in_allowed", "Status ", Some("Status"), Some(2)),
                ("field_not_in_allowed", "dept", None, Some(3)),
                ("field_not_in_sheet", "Priority", None, None),
            ]
        );
    }
}
