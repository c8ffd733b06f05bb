//! The two sheet layouts, shared by every source format: a header row naming the columns, then
//! one rule per row. A worksheet with a field column holds many fields (one sheet layout);
//! without one, the worksheet (or file) name is the field (one worksheet per field).

use super::cell::Origin;
use super::rule::RawRule;
use crate::engine::columns::normalize_name;
use crate::engine::{Error, Result};

/// The header names each column may have, compared after `normalize_name` (case, spaces and
/// punctuation ignored). `names` from the caller replace the defaults of that column.
#[derive(Debug, Clone)]
pub struct ColumnNames {
    pub field: Vec<String>,
    pub source: Vec<String>,
    pub target: Vec<String>,
    pub target_field: Vec<String>,
}

impl Default for ColumnNames {
    fn default() -> Self {
        let v = |names: &[&str]| names.iter().map(|n| (*n).to_owned()).collect();
        Self {
            field: v(&["field", "field name"]),
            source: v(&["source", "source value", "from"]),
            target: v(&["target", "target value", "to"]),
            target_field: v(&["target field"]),
        }
    }
}

impl ColumnNames {
    /// Defaults with some columns renamed: keys `field`, `source`, `target`, `target_field`.
    pub fn with(names: &[(String, String)]) -> Result<Self> {
        let mut out = Self::default();
        for (key, name) in names {
            let slot = match key.as_str() {
                "field" => &mut out.field,
                "source" => &mut out.source,
                "target" => &mut out.target,
                "target_field" => &mut out.target_field,
                other => {
                    return Err(Error::spec(format!(
                        "unknown column key '{other}'; expected field, source, target or target_field"
                    )))
                }
            };
            *slot = vec![name.clone()];
        }
        Ok(out)
    }

    /// Position of each column in a header: (field, source, target, target field).
    pub fn locate(&self, header: &[String], sheet: &str) -> Result<Positions> {
        let find = |names: &[String]| {
            let wanted: Vec<String> = names.iter().map(|n| normalize_name(n)).collect();
            header.iter().position(|h| wanted.contains(&normalize_name(h)))
        };
        let required = |names: &[String], what: &str| {
            find(names).ok_or_else(|| {
                Error::spec(format!(
                    "worksheet '{sheet}': no {what} column (looked for {names:?}; the header row has {header:?})"
                ))
            })
        };
        Ok(Positions {
            field: find(&self.field),
            source: required(&self.source, "source")?,
            target: required(&self.target, "target")?,
            target_field: find(&self.target_field),
        })
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Positions {
    pub field: Option<usize>,
    pub source: usize,
    pub target: usize,
    pub target_field: Option<usize>,
}

/// Checks one row's texts and makes a rule; `None` for a row whose source and target are both
/// blank (a field column filled down past the last rule is common).
pub fn make_rule(
    at: Origin,
    field: Option<String>,
    source: Option<String>,
    target: Option<String>,
    target_field: Option<String>,
) -> Result<Option<RawRule>> {
    if source.is_none() && target.is_none() {
        return Ok(None);
    }
    let blank = |what: &str, hint: &str| Error::spec(format!("{at}: the {what} is blank{hint}"));
    let formula = "; a formula Excel never calculated reads as blank";
    let field = field.ok_or_else(|| blank("field", ""))?;
    let source = source.ok_or_else(|| blank("source value", formula))?;
    let target = target.ok_or_else(|| blank("target value", formula))?;
    Ok(Some(RawRule { field, source, target, target_field, origin: at }))
}

/// Rules from one worksheet's rows, `(1-based row number, cells)`. `text` reads a cell
/// (blank → `None`). Returns `None` for a worksheet with no non-blank cell.
pub fn rules_from_rows<C>(
    sheet: &str,
    rows: &[(u32, Vec<C>)],
    names: &ColumnNames,
    text: impl Fn(&C, &Origin, &str) -> Result<Option<String>>,
) -> Result<Option<Vec<RawRule>>> {
    let read = |cells: &[C], at: &Origin, pos: Option<usize>, column: &str| -> Result<Option<String>> {
        match pos.and_then(|p| cells.get(p)) {
            Some(cell) => text(cell, at, column),
            None => Ok(None),
        }
    };
    let mut rows = rows.iter();
    let header = loop {
        let Some((row, cells)) = rows.next() else { return Ok(None) };
        let at = Origin { sheet: sheet.to_owned(), row: *row };
        let header: Vec<String> = cells
            .iter()
            .map(|c| text(c, &at, "header").map(Option::unwrap_or_default))
            .collect::<Result<_>>()?;
        if header.iter().any(|h| !h.is_empty()) {
            break header;
        }
    };
    let pos = names.locate(&header, sheet)?;
    let mut out = Vec::new();
    for (row, cells) in rows {
        let at = Origin { sheet: sheet.to_owned(), row: *row };
        let field = match pos.field {
            Some(p) => read(cells, &at, Some(p), "field")?,
            None => Some(sheet.to_owned()),
        };
        let source = read(cells, &at, Some(pos.source), "source")?;
        let target = read(cells, &at, Some(pos.target), "target")?;
        let target_field = read(cells, &at, pos.target_field, "target field")?;
        if let Some(rule) = make_rule(at, field, source, target, target_field)? {
            out.push(rule);
        }
    }
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[allow(clippy::unnecessary_wraps)] // the signature `rules_from_rows` takes
    fn plain(cell: &&str, _: &Origin, _: &str) -> Result<Option<String>> {
        Ok(super::super::cell::text(cell))
    }

    fn grid(rows: &[&[&'static str]]) -> Vec<(u32, Vec<&'static str>)> {
        rows.iter().enumerate().map(|(i, r)| (i as u32 + 1, r.to_vec())).collect()
    }

    #[test]
    fn one_sheet_layout() {
        let rows = grid(&[
            &["", ""],
            &["Field", "Source value", "Target value", "notes"],
            &["s", "a", "A", "x"],
            &["", "", "", "n"],
        ]);
        let rules = rules_from_rows("Map", &rows, &ColumnNames::default(), plain).unwrap().unwrap();
        assert_eq!(rules.len(), 1);
        assert_eq!((rules[0].field.as_str(), rules[0].origin.row), ("s", 3));
    }

    #[test]
    fn per_field_layout_and_errors() {
        let rows = grid(&[&["from", "to"], &["a", "A"], &["b", ""]]);
        let err = rules_from_rows("status", &rows, &ColumnNames::default(), plain).unwrap_err();
        assert!(err.to_string().starts_with("worksheet 'status' row 3: the target value is blank"), "{err}");
        let rows = grid(&[&["from", "to"], &["a", "A"]]);
        let rules = rules_from_rows("status", &rows, &ColumnNames::default(), plain).unwrap().unwrap();
        assert_eq!(rules[0].field, "status");
        let rows = grid(&[&["key", "to"]]);
        let err = rules_from_rows("s", &rows, &ColumnNames::default(), plain).unwrap_err();
        assert!(err.to_string().contains("no source column"), "{err}");
        assert!(rules_from_rows("s", &grid(&[&["", ""]]), &ColumnNames::default(), plain).unwrap().is_none());
    }

    #[test]
    fn renamed_columns() {
        let names = ColumnNames::with(&[("source".into(), "Von".into())]).unwrap();
        let rows = grid(&[&["von", "target"], &["a", "A"]]);
        assert_eq!(rules_from_rows("f", &rows, &names, plain).unwrap().unwrap().len(), 1);
        assert!(ColumnNames::with(&[("src".into(), "x".into())]).is_err());
    }
}
