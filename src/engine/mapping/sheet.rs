//! The two sheet layouts, shared by every source format: a header row naming the columns, then
//! one rule per row. A worksheet with a field column holds many fields (one sheet layout);
//! without one, the worksheet (or file) name is the field (one worksheet per field).

use super::cell::Origin;
use super::header::{ColumnNames, HeaderKind};
use super::rule::RawRule;
use crate::engine::{Error, Result};

/// Checks one row's texts and makes a rule; `None` for a row whose source and target are both
/// blank (a field column filled down past the last rule is common). `workbook`: the row is from
/// a workbook, where a blank cell may be a formula Excel never calculated (the message says so).
pub fn make_rule(
    workbook: bool,
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
    let formula = if workbook { "; a formula Excel never calculated reads as blank" } else { "" };
    let field = field.ok_or_else(|| blank("field", ""))?;
    let source = source.ok_or_else(|| blank("source value", formula))?;
    let target = target.ok_or_else(|| blank("target value", formula))?;
    Ok(Some(RawRule { field, source, target, target_field, origin: at }))
}

/// Which worksheet (or file) rows come from: `name` for messages and origins, `field` for a
/// layout without a field column, `workbook` for the formula hint of `make_rule`.
#[derive(Debug, Clone, Copy)]
pub struct SheetOf<'a> {
    pub name: &'a str,
    pub field: &'a str,
    pub workbook: bool,
}

/// Rules from one worksheet's rows, `(1-based row number, cells)`, read one at a time. `text`
/// reads a cell (blank → `None`). Returns `None` for a worksheet with no non-blank cell.
pub fn rules_from_rows<C: Default>(
    sheet: SheetOf<'_>,
    rows: impl IntoIterator<Item = Result<(u32, Vec<C>)>>,
    names: &ColumnNames,
    text: impl Fn(C, &Origin, &str) -> Result<Option<String>>,
) -> Result<Option<Vec<RawRule>>> {
    let read = |cells: &mut [C], at: &Origin, pos: Option<usize>, column: &str| -> Result<Option<String>> {
        match pos.and_then(|p| cells.get_mut(p)) {
            Some(cell) => text(std::mem::take(cell), at, column),
            None => Ok(None),
        }
    };
    let mut rows = rows.into_iter();
    let header = loop {
        let Some(row) = rows.next() else { return Ok(None) };
        let (row, cells) = row?;
        let at = Origin { sheet: sheet.name.to_owned(), row };
        let header: Vec<String> = cells
            .into_iter()
            .map(|c| text(c, &at, "header").map(Option::unwrap_or_default))
            .collect::<Result<_>>()?;
        if header.iter().any(|h| !h.is_empty()) {
            break header;
        }
    };
    let pos = names.locate(&header, sheet.name, HeaderKind::Cells)?;
    let mut out = Vec::new();
    for row in rows {
        let (row, mut cells) = row?;
        let at = Origin { sheet: sheet.name.to_owned(), row };
        let field = match pos.field {
            Some(p) => read(&mut cells, &at, Some(p), "field")?,
            None => Some(sheet.field.to_owned()),
        };
        let source = read(&mut cells, &at, Some(pos.source), "source")?;
        let target = read(&mut cells, &at, Some(pos.target), "target")?;
        let target_field = read(&mut cells, &at, pos.target_field, "target field")?;
        if let Some(rule) = make_rule(sheet.workbook, at, field, source, target, target_field)? {
            out.push(rule);
        }
    }
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[allow(clippy::unnecessary_wraps)] // the signature `rules_from_rows` takes
    fn plain(cell: &str, _: &Origin, _: &str) -> Result<Option<String>> {
        Ok(super::super::cell::text(cell))
    }

    fn book(name: &str) -> SheetOf<'_> {
        SheetOf { name, field: name, workbook: true }
    }

    fn grid(rows: &[&[&'static str]]) -> Vec<Result<(u32, Vec<&'static str>)>> {
        rows.iter().enumerate().map(|(i, r)| Ok((i as u32 + 1, r.to_vec()))).collect()
    }

    #[test]
    fn one_sheet_layout() {
        let rows = grid(&[
            &["", ""],
            &["Field", "Source value", "Target value", "notes"],
            &["s", "a", "A", "x"],
            &["", "", "", "n"],
        ]);
        let rules = rules_from_rows(book("Map"), rows, &ColumnNames::default(), plain).unwrap().unwrap();
        assert_eq!(rules.len(), 1);
        assert_eq!((rules[0].field.as_str(), rules[0].origin.row), ("s", 3));
    }

    #[test]
    fn per_field_layout_and_errors() {
        let rows = grid(&[&["from", "to"], &["a", "A"], &["b", ""]]);
        let err = rules_from_rows(book("status"), rows, &ColumnNames::default(), plain).unwrap_err();
        assert!(err.to_string().starts_with("worksheet 'status' row 3: the target value is blank"), "{err}");
        let rows = grid(&[&["from", "to"], &["a", "A"]]);
        let rules = rules_from_rows(book("status"), rows, &ColumnNames::default(), plain).unwrap().unwrap();
        assert_eq!(rules[0].field, "status");
        let rows = grid(&[&["key", "to"]]);
        let err = rules_from_rows(book("s"), rows, &ColumnNames::default(), plain).unwrap_err();
        assert!(err.to_string().contains("no source column"), "{err}");
        // Only a workbook's blank cell may be a formula.
        let rows = grid(&[&["from", "to"], &["a", ""]]);
        let err = rules_from_rows(
            SheetOf { name: "s.csv", field: "s", workbook: false },
            rows,
            &ColumnNames::default(),
            plain,
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "worksheet 's.csv' row 2: the target value is blank");
        assert!(rules_from_rows(book("s"), grid(&[&["", ""]]), &ColumnNames::default(), plain)
            .unwrap()
            .is_none());
    }
}
