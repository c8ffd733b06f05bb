//! The rule data every layer of mappings reads: a sheet row as loaded (`RawRule`) and the
//! rules of one field (`FieldRules`), which `index` turns into lookup tables and `rules`
//! validates into a `Mapping`.

use super::cell::Origin;

/// One row of a mapping sheet, after cell conversion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRule {
    pub field: String,
    pub source: String,
    pub target: String,
    pub target_field: Option<String>,
    pub origin: Origin,
}

/// The rules of one field, in sheet order.
#[derive(Debug, Clone)]
pub struct FieldRules {
    pub name: String,
    pub target_field: Option<String>,
    /// Indices into `Mapping::rules`.
    pub rules: Vec<usize>,
    /// Distinct target values in order of first use; `target_ids` index it, per rule.
    pub targets: Vec<String>,
    pub target_ids: Vec<u32>,
}

impl FieldRules {
    /// The name of the output column and of the target system's field.
    pub fn output_name(&self) -> &str {
        self.target_field.as_deref().unwrap_or(&self.name)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn rule(field: &str, source: &str, target: &str, row: u32) -> RawRule {
        RawRule {
            field: field.into(),
            source: source.into(),
            target: target.into(),
            target_field: None,
            origin: Origin { sheet: "Sheet1".into(), row },
        }
    }

    /// One field holding `rules` (in order; targets numbered by first use), as `Mapping::new`
    /// builds it for rules without repeats.
    pub fn field(rules: &[RawRule]) -> FieldRules {
        let mut targets: Vec<String> = Vec::new();
        let target_ids = rules
            .iter()
            .map(|r| {
                let id = targets.iter().position(|t| *t == r.target).unwrap_or_else(|| {
                    targets.push(r.target.clone());
                    targets.len() - 1
                });
                id as u32
            })
            .collect();
        FieldRules {
            name: rules[0].field.clone(),
            target_field: None,
            rules: (0..rules.len()).collect(),
            targets,
            target_ids,
        }
    }
}
