//! The lookup tables of one field for one normalisation: source text → target id, and the
//! same for sources that are integers (so integer columns are looked up without formatting).

use std::collections::HashMap;

use super::normalize::Normalize;
use super::rules::{FieldRules, RawRule};
use crate::engine::{Error, Result};

/// A hash map with a fast, fixed (so reproducible) hasher for short keys.
pub type FastMap<K, V> = HashMap<K, V, foldhash::fast::FixedState>;

/// Marks a row whose value no rule maps; `NULL_ID` a null input.
pub const MISS: u32 = u32::MAX - 1;
pub const NULL_ID: u32 = u32::MAX;

#[derive(Debug)]
pub struct Index {
    pub normalize: Normalize,
    pub text: FastMap<Box<str>, u32>,
    pub ints: FastMap<i64, u32>,
    /// For each key, the rule it came from (a position in `Mapping::rules`).
    pub rule_of: FastMap<Box<str>, usize>,
}

/// The integer a key spells in canonical form ("12", "-3"; not "012", "+3" or "1.0").
pub fn canonical_int(key: &str) -> Option<i64> {
    key.parse::<i64>().ok().filter(|i| i.to_string() == key)
}

impl Index {
    /// Builds the index; two sources that normalise alike but map to different targets are an
    /// error naming both rows.
    pub fn build(field: &FieldRules, rules: &[RawRule], normalize: Normalize) -> Result<Self> {
        let mut index = Self {
            normalize,
            text: FastMap::default(),
            ints: FastMap::default(),
            rule_of: FastMap::default(),
        };
        for (&r, &target) in field.rules.iter().zip(&field.target_ids) {
            let rule = &rules[r];
            let key: Box<str> = normalize.apply(&rule.source).into();
            if let Some(&other) = index.rule_of.get(&key) {
                let first = &rules[other];
                if first.target != rule.target {
                    return Err(Error::spec(format!(
                        "with normalize={:?}, source values '{}' ({}) and '{}' ({}) of field '{}' both become '{key}' but map to '{}' and '{}'",
                        normalize.names(),
                        first.source,
                        first.origin,
                        rule.source,
                        rule.origin,
                        field.name,
                        first.target,
                        rule.target
                    )));
                }
                continue;
            }
            if let Some(i) = canonical_int(&key) {
                index.ints.insert(i, target);
            }
            index.text.insert(key.clone(), target);
            index.rule_of.insert(key, r);
        }
        Ok(index)
    }

    /// The suggestion for an unmapped value: the source value of the rule whose fully
    /// normalised form it shares (`suggest` is an index built with `Normalize::ALL`).
    pub fn suggestion<'r>(suggest: &Self, rules: &'r [RawRule], value: &str) -> Option<&'r str> {
        suggest.rule_of.get(Normalize::ALL.apply(value).as_str()).map(|&r| rules[r].source.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::mapping::rules::tests::rule;
    use crate::engine::mapping::rules::Mapping;

    #[test]
    fn exact_normalised_and_integer_keys() {
        let m = Mapping::new(vec![rule("s", "Open", "O", 2), rule("s", " open", "O", 3), rule("s", "1", "One", 4)]).unwrap();
        let exact = Index::build(&m.fields[0], &m.rules, Normalize::default()).unwrap();
        assert_eq!(exact.text.len(), 3);
        assert_eq!(exact.ints.get(&1), Some(&1));
        let all = Index::build(&m.fields[0], &m.rules, Normalize::ALL).unwrap();
        assert_eq!(all.text.get("open"), Some(&0));
        assert_eq!(Index::suggestion(&all, &m.rules, "OPEN "), Some("Open"));
        assert_eq!(canonical_int("012"), None);
        assert_eq!(canonical_int("-3"), Some(-3));

        let m = Mapping::new(vec![rule("s", "Open", "O", 2), rule("s", "open", "X", 3)]).unwrap();
        let err = Index::build(&m.fields[0], &m.rules, Normalize::ALL).unwrap_err().to_string();
        assert!(err.contains("'Open' (worksheet 'Sheet1' row 2) and 'open' (worksheet 'Sheet1' row 3)"), "{err}");
    }
}
