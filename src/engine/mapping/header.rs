//! The header row of a mapping sheet: which column holds the field, the source value, the
//! target value and the target field. Names are compared after `normalize_name` (case, spaces
//! and punctuation ignored), so `Source value`, `SOURCE_VALUE` and `source-value` are one name.
//! A role claimed by two columns is an error, not "the first one", and a header that is not
//! understood is an error naming the headers found and the ones expected.

use crate::engine::columns::normalize_name;
use crate::engine::{Error, Result};

/// The header names each column may have. `ColumnNames::with` replaces the names of a column
/// with the caller's.
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
        // The spellings people write: source/target, from/to, old/new, each with or without
        // "value" (or "field" for the field columns).
        Self {
            field: v(&[
                "field",
                "field name",
                "source field",
                "source field name",
                "from field",
                "old field",
            ]),
            source: v(&["source", "source value", "from", "from value", "old", "old value"]),
            target: v(&["target", "target value", "to", "to value", "new", "new value"]),
            target_field: v(&["target field", "target field name", "to field", "new field"]),
        }
    }
}

/// Where the header was read from, for messages: a worksheet (cells have column letters) or
/// the keys of JSON objects / the columns of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderKind {
    Cells,
    Keys,
}

#[derive(Debug, Clone, Copy)]
pub struct Positions {
    pub field: Option<usize>,
    pub source: usize,
    pub target: usize,
    pub target_field: Option<usize>,
}

/// The spreadsheet letters of a 0-based column: 0 → A, 25 → Z, 26 → AA.
pub fn column_letters(mut index: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII letters")
}

fn listed(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
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

    fn roles(&self) -> [(&'static str, &'static str, &[String]); 4] {
        [
            ("field", "field", &self.field),
            ("source", "source", &self.source),
            ("target", "target", &self.target),
            ("target_field", "target field", &self.target_field),
        ]
    }

    /// Position of each column in a header (`sheet` names it in messages).
    pub fn locate(&self, header: &[String], sheet: &str, kind: HeaderKind) -> Result<Positions> {
        let keys: Vec<String> = header.iter().map(|h| normalize_name(h)).collect();
        let cell = |i: usize| match kind {
            HeaderKind::Cells => format!("'{}' (column {})", header[i], column_letters(i)),
            HeaderKind::Keys => format!("'{}'", header[i]),
        };
        let mut found = [None; 4];
        let mut missing = Vec::new();
        for (slot, (key, what, names)) in self.roles().into_iter().enumerate() {
            let wanted: Vec<String> = names.iter().map(|n| normalize_name(n)).collect();
            let at: Vec<usize> = (0..keys.len()).filter(|&i| wanted.contains(&keys[i])).collect();
            match at.as_slice() {
                [] if matches!(key, "source" | "target") => missing.push((key, what, names)),
                [] => {}
                [one] => found[slot] = Some(*one),
                [first, second, ..] => {
                    let columns = if kind == HeaderKind::Cells { "columns" } else { "keys" };
                    return Err(Error::spec(format!(
                        "worksheet '{sheet}': two {what} {columns}, {} and {}; keep one (or rename the other)",
                        cell(*first),
                        cell(*second)
                    )));
                }
            }
        }
        if let Some((key, _, _)) = missing.first() {
            let lacking: Vec<String> =
                missing.iter().map(|(_, what, _)| format!("no {what} column")).collect();
            let expected: Vec<String> = missing
                .iter()
                .map(|(_, what, names)| format!("a {what} column is named {}", listed(names)))
                .collect();
            return Err(Error::spec(format!(
                "worksheet '{sheet}': {} (the header row has {header:?}); {}; headers are compared \
                 ignoring case, spaces and punctuation, and columns={{\"{key}\": ...}} names another",
                lacking.join(" and "),
                expected.join("; "),
            )));
        }
        let known: Vec<String> = self.roles().iter().flat_map(|r| r.2).map(|n| normalize_name(n)).collect();
        if found[0].is_none() {
            // Without a field column the worksheet name becomes the field: a header that names a
            // field column in words we do not know would silently map under the wrong field.
            if let Some(i) = (0..keys.len()).find(|&i| {
                !known.contains(&keys[i]) && (keys[i].ends_with("field") || keys[i].ends_with("fieldname"))
            }) {
                return Err(Error::spec(format!(
                    "worksheet '{sheet}': the header {} looks like a field column but is none of {} \
                     (without one, every rule would belong to one field named after the worksheet or file); rename it, or pass columns={{\"field\": \"{}\"}}",
                    cell(i),
                    listed(&self.field),
                    header[i]
                )));
            }
        }
        Ok(Positions {
            field: found[0],
            source: found[1].expect("required"),
            target: found[2].expect("required"),
            target_field: found[3],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| (*n).to_owned()).collect()
    }

    fn locate(names: &[&str]) -> Result<Positions> {
        ColumnNames::default().locate(&header(names), "Rules", HeaderKind::Cells)
    }

    #[test]
    fn common_spellings() {
        let p = locate(&["Source field", "Source value", "Target field", "Target value", "Comment"]).unwrap();
        assert_eq!((p.field, p.source, p.target_field, p.target), (Some(0), 1, Some(2), 3));
        for (source, target) in
            [("from", "to"), ("OLD", "New"), ("old_value", "new-value"), ("From Value", "TO VALUE")]
        {
            let p = locate(&[source, target]).unwrap();
            assert_eq!((p.field, p.source, p.target), (None, 0, 1), "{source} {target}");
        }
    }

    #[test]
    fn two_columns_for_one_role() {
        let err = locate(&["field", "source", "target", "target"]).unwrap_err().to_string();
        assert_eq!(
            err,
            "worksheet 'Rules': two target columns, 'target' (column C) and 'target' (column D); keep one (or rename the other)"
        );
        let keys =
            ColumnNames::default().locate(&header(&["source", "To", "target"]), "m.json", HeaderKind::Keys);
        assert!(keys.unwrap_err().to_string().contains("two target keys, 'To' and 'target'"));
    }

    #[test]
    fn headers_not_understood() {
        let err = locate(&["Key", "Value"]).unwrap_err().to_string();
        assert_eq!(
            err,
            "worksheet 'Rules': no source column and no target column (the header row has [\"Key\", \"Value\"]); \
             a source column is named source, source value, from, from value, old or old value; \
             a target column is named target, target value, to, to value, new or new value; headers are compared \
             ignoring case, spaces and punctuation, and columns={\"source\": ...} names another"
        );
        let err = locate(&["Input field", "from", "to"]).unwrap_err().to_string();
        assert!(
            err.starts_with(
                "worksheet 'Rules': the header 'Input field' (column A) looks like a field column"
            ),
            "{err}"
        );
        assert!(err.ends_with("pass columns={\"field\": \"Input field\"}"), "{err}");
        // A notes column is not a field column.
        assert!(locate(&["from", "to", "Field notes"]).is_ok());
    }

    #[test]
    fn renamed_and_letters() {
        let names = ColumnNames::with(&[("source".into(), "Von".into())]).unwrap();
        assert_eq!(names.locate(&header(&["von", "to"]), "f", HeaderKind::Cells).unwrap().source, 0);
        // The caller's name replaces the defaults.
        assert!(names.locate(&header(&["source", "to"]), "f", HeaderKind::Cells).is_err());
        assert!(ColumnNames::with(&[("src".into(), "x".into())]).is_err());
        assert_eq!([0, 25, 26, 27, 701, 702].map(column_letters), ["A", "Z", "AA", "AB", "ZZ", "AAA"]);
    }
}
