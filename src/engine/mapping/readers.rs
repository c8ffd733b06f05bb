//! Loading mapping sheets: workbooks (.xlsx/.xls/.xlsb/.ods through calamine), CSV, JSON and
//! Arrow record batches. Each turns its cells into text (`cell`) and rows into rules (`sheet`).

use std::collections::{HashMap, HashSet};
use std::path::Path;

use arrow_array::{Array, RecordBatch, StringArray};
use arrow_cast::cast;
use arrow_schema::DataType;
use calamine::{open_workbook_auto, Data, Reader, SheetType, SheetVisible};
use serde_json::value::RawValue;

use super::cell::{excel_text, json_text, number_text, text, Origin};
use super::header::{ColumnNames, HeaderKind};
use super::json::{self, Json};
use super::rule::RawRule;
use super::sheet::{make_rule, rules_from_rows, SheetOf};
use crate::engine::{Error, Result};

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// What `read_excel` read: the rules, and the hidden worksheets it skipped (for the caller to
/// say so).
#[derive(Debug)]
pub struct Workbook {
    pub rules: Vec<RawRule>,
    pub skipped_hidden: Vec<String>,
}

/// Rules from a workbook. `sheets`: the worksheets to read (all when `None`: then empty
/// worksheets and chart sheets are skipped, and hidden worksheets too unless `hidden`). A
/// worksheet named in `sheets` is read even when hidden. Each worksheet has its own layout.
pub fn read_excel(
    path: &Path,
    sheets: Option<&[String]>,
    names: &ColumnNames,
    hidden: bool,
) -> Result<Workbook> {
    let cannot =
        |e: &dyn std::fmt::Display| Error::spec(format!("cannot read workbook '{}': {e}", path.display()));
    let mut workbook = open_workbook_auto(path).map_err(|e| cannot(&e))?;
    let available = workbook.sheet_names();
    let mut skipped_hidden = Vec::new();
    let chosen: Vec<String> = if let Some(wanted) = sheets {
        for name in wanted {
            if !available.contains(name) {
                return Err(Error::spec(format!(
                    "workbook '{}' has no worksheet '{name}'; it has {available:?}",
                    file_name(path)
                )));
            }
        }
        wanted.to_vec()
    } else {
        let mut chosen = Vec::new();
        for sheet in workbook.sheets_metadata() {
            if sheet.typ != SheetType::WorkSheet {
                continue;
            }
            // A hidden worksheet is usually old rules kept out of sight, not live ones.
            if sheet.visible != SheetVisible::Visible && !hidden {
                skipped_hidden.push(sheet.name.clone());
            } else {
                chosen.push(sheet.name.clone());
            }
        }
        chosen
    };
    let mut rules = Vec::new();
    for name in &chosen {
        let range = workbook.worksheet_range(name).map_err(|e| cannot(&e))?;
        let (first_row, first_col) = range.start().unwrap_or((0, 0));
        // Pad the left so that cell positions are absolute columns (A = 0).
        let rows = range.rows().enumerate().map(|(i, cells)| {
            let mut padded = vec![Data::Empty; first_col as usize];
            padded.extend_from_slice(cells);
            Ok((first_row + i as u32 + 1, padded))
        });
        let sheet = SheetOf { name, field: name, workbook: true };
        match rules_from_rows(sheet, rows, names, |c, at, column| excel_text(&c, at, column))? {
            Some(found) => rules.extend(found),
            None if sheets.is_some() => {
                return Err(Error::spec(format!("worksheet '{name}' of '{}' is empty", file_name(path))));
            }
            None => {}
        }
    }
    if rules.is_empty() {
        let hint = if skipped_hidden.is_empty() {
            String::new()
        } else {
            format!(" in its visible worksheets (hidden, skipped: {skipped_hidden:?})")
        };
        return Err(Error::spec(format!("workbook '{}' has no rules{hint}", file_name(path))));
    }
    Ok(Workbook { rules, skipped_hidden })
}

/// The 1-based line of each offset of `content`, for offsets given in increasing order: counts
/// line ends from the previous offset only, so a whole file costs one pass. A line ends at
/// `\n`, `\r\n` or a lone `\r`, as for the csv crate.
struct LineCounter<'a> {
    content: &'a [u8],
    offset: usize,
    line: u32,
}

impl LineCounter<'_> {
    fn line_at(&mut self, offset: usize) -> u32 {
        for (i, &b) in self.content[self.offset..offset].iter().enumerate() {
            let at = self.offset + i;
            if b == b'\n' || (b == b'\r' && self.content.get(at + 1) != Some(&b'\n')) {
                self.line += 1;
            }
        }
        self.offset = offset;
        self.line
    }
}

/// Rules from a CSV file (UTF-8, comma-separated, header row, an optional byte-order mark).
/// Without a field column the file's stem is the field.
pub fn read_csv(path: &Path, names: &ColumnNames) -> Result<Vec<RawRule>> {
    let cannot =
        |e: &dyn std::fmt::Display| Error::spec(format!("cannot read CSV '{}': {e}", path.display()));
    let content = std::fs::read_to_string(path).map_err(|e| cannot(&e))?;
    let bytes = content.as_bytes();
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes);
    let mut lines = LineCounter { content: bytes, offset: 0, line: 1 };
    let mut record = csv::StringRecord::new();
    // Rows are read as the rules are made: no copy of the whole file's cells.
    let rows = std::iter::from_fn(|| match reader.read_record(&mut record) {
        Ok(false) => None,
        Err(e) => Some(Err(cannot(&e))),
        Ok(true) => {
            // The csv crate skips blank lines without counting them: the record starts after them.
            let mut offset = record.position().map_or(0, |p| p.byte() as usize);
            while matches!(bytes.get(offset), Some(b'\n' | b'\r')) {
                offset += 1;
            }
            Some(Ok((lines.line_at(offset), record.iter().map(str::to_owned).collect::<Vec<_>>())))
        }
    });
    let stem = path.file_stem().map_or_else(String::new, |s| s.to_string_lossy().into_owned());
    let plain =
        |cell: String, _: &Origin, _: &str| Ok(if cell.trim().is_empty() { None } else { Some(cell) });
    let name = file_name(path);
    let sheet = SheetOf { name: &name, field: &stem, workbook: false };
    rules_from_rows(sheet, rows, names, plain)?.ok_or_else(|| Error::spec(format!("CSV '{name}' is empty")))
}

/// The first key an object writes twice.
fn repeated_key<'k>(members: &'k [(String, &RawValue)]) -> Option<&'k str> {
    let mut seen = HashSet::new();
    members.iter().map(|(k, _)| k.as_str()).find(|k| !seen.insert(*k))
}

/// Rules from JSON text (a leading byte-order mark allowed): either a list of rule objects
/// (`[{"field": .., "source": .., "target": .., "target_field": ..}]`, row = position from 1)
/// or `{field: {source: target}}` (sheet = field, row = position within it). Numbers keep their
/// digits; a rule object with a key written twice is an error.
pub fn read_json(text_in: &str, name: &str, names: &ColumnNames) -> Result<Vec<RawRule>> {
    let raw = json::parse(text_in)
        .map_err(|e| Error::spec(format!("mapping JSON '{name}' is not valid JSON: {e}")))?;
    let mut rules = Vec::new();
    match json::value(raw) {
        Json::List(items) => {
            for (i, item) in items.iter().enumerate() {
                let at = Origin { sheet: name.to_owned(), row: i as u32 + 1 };
                let Json::Object(object) = json::value(item) else {
                    return Err(Error::spec(format!(
                        "{at}: expected an object with field, source and target"
                    )));
                };
                if let Some(key) = repeated_key(&object) {
                    return Err(Error::spec(format!("{at}: the rule has the key \"{key}\" twice")));
                }
                let header: Vec<String> = object.iter().map(|(k, _)| k.clone()).collect();
                let pos = names.locate(&header, name, HeaderKind::Keys)?;
                let get = |p: Option<usize>, column: &str| match p {
                    Some(p) => json_text(object[p].1, &at, column),
                    None => Ok(None),
                };
                let field = get(pos.field, "field")?;
                let rule = make_rule(
                    false,
                    at.clone(),
                    field,
                    get(Some(pos.source), "source")?,
                    get(Some(pos.target), "target")?,
                    get(pos.target_field, "target field")?,
                )?;
                rules.extend(rule);
            }
        }
        Json::Object(fields) => {
            // A field written twice continues where it stopped; its rows are checked as sheet
            // rows are (a repeated source is a duplicate or a conflict naming both rows).
            let mut rows: HashMap<&str, u32> = HashMap::new();
            for (field, pairs) in &fields {
                let Json::Object(pairs) = json::value(pairs) else {
                    return Err(Error::spec(format!(
                        "mapping JSON '{name}': field '{field}' must be an object of source: target"
                    )));
                };
                let row = rows.entry(field).or_insert(0);
                for (source, target) in &pairs {
                    *row += 1;
                    let at = Origin { sheet: field.clone(), row: *row };
                    let target = json_text(target, &at, "target")?;
                    rules.extend(make_rule(false, at, Some(field.clone()), text(source), target, None)?);
                }
            }
        }
        _ => {
            return Err(Error::spec(format!(
                "mapping JSON '{name}' must be a list of rules or an object of fields"
            )))
        }
    }
    if rules.is_empty() {
        return Err(Error::spec(format!("mapping JSON '{name}' has no rules")));
    }
    Ok(rules)
}

/// One column of a rule table as text: strings as written, integers and floats canonical.
fn column_text(batch: &RecordBatch, index: usize) -> Result<Vec<Option<String>>> {
    let column = batch.column(index);
    let name = batch.schema().field(index).name().clone();
    let data_type = match column.data_type() {
        DataType::Dictionary(_, v) => v.as_ref().clone(),
        dt => dt.clone(),
    };
    if data_type.is_floating() {
        let floats = cast(column, &DataType::Float64)?;
        let floats = floats.as_any().downcast_ref::<arrow_array::Float64Array>().expect("float64");
        return Ok(floats.iter().map(|x| x.and_then(number_text)).collect());
    }
    let readable = data_type.is_integer()
        || matches!(
            data_type,
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Boolean | DataType::Null
        );
    if !readable {
        return Err(Error::unsupported_type(
            &name,
            column.data_type(),
            "a mapping table needs string, integer, float or boolean columns",
        ));
    }
    let strings = cast(column, &DataType::Utf8)?;
    let strings = strings.as_any().downcast_ref::<StringArray>().expect("utf8");
    Ok(strings.iter().map(|s| s.and_then(text)).collect())
}

/// Rules from an Arrow table (its batches); row = position from 1.
pub fn read_batches(
    batches: &[RecordBatch],
    schema: &arrow_schema::Schema,
    name: &str,
    names: &ColumnNames,
) -> Result<Vec<RawRule>> {
    let header: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
    let pos = names.locate(&header, name, HeaderKind::Keys)?;
    let mut rules = Vec::new();
    let mut row = 0_u32;
    for batch in batches {
        let read = |p: Option<usize>| -> Result<Option<Vec<Option<String>>>> {
            p.map(|p| column_text(batch, p)).transpose()
        };
        let (fields, sources, targets, target_fields) =
            (read(pos.field)?, read(Some(pos.source))?, read(Some(pos.target))?, read(pos.target_field)?);
        let (sources, targets) = (sources.expect("required"), targets.expect("required"));
        for i in 0..batch.num_rows() {
            row += 1;
            let at = Origin { sheet: name.to_owned(), row };
            let field = match &fields {
                Some(f) => f[i].clone(),
                None => Some(name.to_owned()),
            };
            let tf = target_fields.as_ref().and_then(|t| t[i].clone());
            rules.extend(make_rule(false, at, field, sources[i].clone(), targets[i].clone(), tf)?);
        }
    }
    if rules.is_empty() {
        return Err(Error::spec(format!("mapping table '{name}' has no rules")));
    }
    Ok(rules)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn json_shapes() {
        let names = ColumnNames::default();
        let rules =
            read_json(r#"[{"field": "s", "source": 1.0, "target": "One"}]"#, "m.json", &names).unwrap();
        assert_eq!((rules[0].source.as_str(), rules[0].origin.row), ("1", 1));
        let rules = read_json(r#"{"cbwd": {"NE": "northeast", "cv": "calm"}}"#, "m", &names).unwrap();
        assert_eq!(rules.len(), 2);
        assert_eq!(rules[1].origin.sheet, "cbwd");
        assert!(read_json("[", "m", &names).unwrap_err().to_string().contains("not valid JSON"));
        assert!(read_json("[]", "m", &names).unwrap_err().to_string().contains("no rules"));
        assert!(read_json(r#"[{"source": "a", "target": "b"}]"#, "m", &names)
            .unwrap_err()
            .to_string()
            .contains("field is blank"));
    }

    #[test]
    fn tables_and_csv() {
        let batch = RecordBatch::try_from_iter([
            ("field", Arc::new(StringArray::from(vec!["s", "s"])) as _),
            ("source", Arc::new(arrow_array::Float64Array::from(vec![1.0, 2.5])) as _),
            ("target", Arc::new(StringArray::from(vec!["A", "B"])) as _),
        ])
        .unwrap();
        let rules =
            read_batches(std::slice::from_ref(&batch), &batch.schema(), "table", &ColumnNames::default())
                .unwrap();
        assert_eq!(rules.iter().map(|r| r.source.as_str()).collect::<Vec<_>>(), ["1", "2.5"]);

        let dir = std::env::temp_dir().join(format!("pt-mapping-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("status.csv");
        std::fs::write(&path, "source,target\nopen,Open\n\nclosed,Closed\n").unwrap();
        let rules = read_csv(&path, &ColumnNames::default()).unwrap();
        assert_eq!(
            rules.iter().map(|r| (r.field.as_str(), r.origin.row)).collect::<Vec<_>>(),
            [("status", 2), ("status", 4)]
        );
        assert_eq!(rules[0].origin.sheet, "status.csv");
        std::fs::write(&path, "").unwrap();
        assert!(read_csv(&path, &ColumnNames::default()).unwrap_err().to_string().contains("is empty"));
        assert!(read_excel(&dir.join("nope.xlsx"), None, &ColumnNames::default(), false).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
