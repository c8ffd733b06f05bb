//! The lookup tables of one field for one normalisation: source text → target id, and the
//! same for sources that are integers (so integer columns are looked up without formatting).

use std::sync::{Arc, Mutex, PoisonError};

use super::lookup::{FastMap, Find};
use super::normalize::Normalize;
use super::rule::{FieldRules, RawRule};
use crate::engine::{Error, Result};

/// Exact lookup of keys of up to 16 bytes without hashing the bytes or calling `memcmp`: a key
/// is identified by its length and two (overlapping) 8-byte words that together cover every
/// byte, so a probe is two loads, a multiply and three integer compares. Longer keys use a map.
/// Measured on 10 M rows: the byte hash and `memcmp` of a `HashMap<Box<str>, _>` were half the
/// time of `apply`.
#[derive(Debug, Clone)]
pub struct ShortKeys {
    slots: Vec<Slot>,
    shift: u32,
    long: FastMap<Box<[u8]>, u32>,
}

#[derive(Debug, Clone, Copy)]
struct Slot {
    w0: u64,
    w1: u64,
    len: u32,
    id: u32,
}

const EMPTY: u32 = u32::MAX;

/// The two words of a key of at most 16 bytes (with its length they determine it).
#[inline]
fn words(s: &[u8]) -> (u64, u64) {
    let n = s.len();
    let word8 = |b: &[u8]| u64::from_le_bytes(b.try_into().expect("8 bytes"));
    let word4 = |b: &[u8]| u64::from(u32::from_le_bytes(b.try_into().expect("4 bytes")));
    if n >= 8 {
        (word8(&s[..8]), word8(&s[n - 8..]))
    } else if n >= 4 {
        (word4(&s[..4]), word4(&s[n - 4..]))
    } else if n > 0 {
        (u64::from(s[0]) | u64::from(s[n / 2]) << 8 | u64::from(s[n - 1]) << 16, 0)
    } else {
        (0, 0)
    }
}

#[inline]
fn mix(w0: u64, w1: u64, len: u32) -> u64 {
    let product =
        u128::from(w0 ^ 0x243f_6a88_85a3_08d3) * u128::from(w1 ^ 0x1319_8a2e_0370_7344 ^ u64::from(len));
    (product as u64) ^ ((product >> 64) as u64)
}

impl ShortKeys {
    #[cold]
    #[inline(never)]
    fn get_long(&self, key: &[u8]) -> Option<u32> {
        self.long.get(key).copied()
    }

    pub fn new<'a>(keys: impl Iterator<Item = (&'a str, u32)>) -> Self {
        let keys: Vec<_> = keys.collect();
        // At most an eighth full while that fits in L2 (64 K slots, 1.5 MB), a quarter beyond:
        // most probes then hit on the first slot, so the probe loop's branch is rarely
        // mispredicted. With 1,000 keys a quarter full, one in ten sat past its home slot, and
        // an eighth was 7 % faster at one thread (10 M rows).
        let spread = if keys.len() * 8 <= 1 << 16 { 8 } else { 4 };
        let bits = (keys.len() * spread).max(16).next_power_of_two().trailing_zeros();
        let mut table = Self {
            slots: vec![Slot { w0: 0, w1: 0, len: EMPTY, id: 0 }; 1 << bits],
            shift: 64 - bits,
            long: FastMap::default(),
        };
        for (key, id) in keys {
            let key = key.as_bytes();
            if key.len() > 16 {
                table.long.insert(key.into(), id);
                continue;
            }
            let (w0, w1) = words(key);
            let len = key.len() as u32;
            let mask = table.slots.len() - 1;
            let mut i = (mix(w0, w1, len) >> table.shift) as usize;
            while table.slots[i].len != EMPTY {
                i = (i + 1) & mask;
            }
            table.slots[i] = Slot { w0, w1, len, id };
        }
        table
    }

    // Without it (even with LTO) the profile shows a call per row from the kernel's closures.
    #[allow(clippy::inline_always)]
    #[inline(always)]
    pub fn get(&self, key: &[u8]) -> Option<u32> {
        if key.len() > 16 {
            return self.get_long(key);
        }
        let (w0, w1) = words(key);
        let len = key.len() as u32;
        let mask = self.slots.len() - 1;
        let mut i = (mix(w0, w1, len) >> self.shift) as usize & mask;
        loop {
            let slot = self.slots[i];
            if slot.len == len && slot.w0 == w0 && slot.w1 == w1 {
                return Some(slot.id);
            }
            if slot.len == EMPTY {
                return None;
            }
            i = (i + 1) & mask;
        }
    }
}

/// The exact lookup of string keys, as the kernel's finder: a type rather than a closure so
/// that it is inlined into the kernel's loop (a closure was called once per row).
#[derive(Clone, Copy)]
pub struct Exact<'t>(pub &'t ShortKeys);

impl<'k> Find<&'k str> for Exact<'_> {
    #[allow(clippy::inline_always)]
    #[inline(always)]
    fn find(&mut self, key: &'k str) -> Option<u32> {
        self.0.get(key.as_bytes())
    }
}

#[derive(Debug)]
pub struct Index {
    pub normalize: Normalize,
    pub text: FastMap<Box<str>, u32>,
    /// The same keys as `text`, for the exact hot path.
    pub short: ShortKeys,
    pub ints: FastMap<i64, u32>,
    /// Integer keys beyond `i64` (up to `u64::MAX`), for `uint64` columns.
    pub big_ints: FastMap<u64, u32>,
    /// For each key, the rule it came from (a position in `Mapping::rules`).
    pub rule_of: FastMap<Box<str>, usize>,
}

/// The lookup tables of a mapping, built on first use per field and normalisation and then
/// kept: building them for 3,000 rules took 1.4 ms, which every call paid (every Spark batch,
/// and a seventh of a 10 M-row dictionary apply). A clone starts empty.
#[derive(Default)]
pub struct IndexCache(Mutex<FastMap<(String, Normalize), Arc<Index>>>);

impl Clone for IndexCache {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl std::fmt::Debug for IndexCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IndexCache")
    }
}

impl IndexCache {
    /// The index of `field` under `normalize`; a build error (keys that collide once
    /// normalised) is returned each time, not kept.
    pub fn get(&self, field: &FieldRules, rules: &[RawRule], normalize: Normalize) -> Result<Arc<Index>> {
        let key = (field.name.clone(), normalize);
        // A panic while the lock was held cannot leave a half-built entry: insert is last.
        let mut cache = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(index) = cache.get(&key) {
            return Ok(Arc::clone(index));
        }
        let index = Arc::new(Index::build(field, rules, normalize)?);
        cache.insert(key, Arc::clone(&index));
        Ok(index)
    }
}

/// The integer a key spells in canonical form ("12", "-3"; not "012", "+3" or "1.0").
pub fn canonical_int(key: &str) -> Option<i64> {
    key.parse::<i64>().ok().filter(|i| i.to_string() == key)
}

/// The integer beyond `i64::MAX` a key spells in canonical form, for `uint64` columns.
pub fn canonical_big_int(key: &str) -> Option<u64> {
    key.parse::<u64>().ok().filter(|&u| u > i64::MAX as u64 && u.to_string() == key)
}

impl Index {
    /// Builds the index; two sources that normalise alike but map to different targets are an
    /// error naming both rows.
    pub fn build(field: &FieldRules, rules: &[RawRule], normalize: Normalize) -> Result<Self> {
        let mut index = Self {
            normalize,
            text: FastMap::default(),
            ints: FastMap::default(),
            big_ints: FastMap::default(),
            rule_of: FastMap::default(),
            short: ShortKeys::new(std::iter::empty()),
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
            } else if let Some(u) = canonical_big_int(&key) {
                index.big_ints.insert(u, target);
            }
            index.text.insert(key.clone(), target);
            index.rule_of.insert(key, r);
        }
        index.short = ShortKeys::new(index.text.iter().map(|(k, &t)| (k.as_ref(), t)));
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
    use crate::engine::mapping::rule::tests::{field, rule};

    #[test]
    fn short_keys_find_exactly_their_keys() {
        let keys: Vec<String> = [
            "",
            "a",
            "ab",
            "abc",
            "abcd",
            "abcdefg",
            "abcdefgh",
            "abcdefghijklmnop",
            "abcdefghijklmnopq",
            "é",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .chain((0..2000).map(|i| format!("Department {i:04}")))
        .collect();
        let table = ShortKeys::new(keys.iter().enumerate().map(|(i, k)| (k.as_str(), i as u32)));
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(table.get(k.as_bytes()), Some(i as u32), "{k}");
        }
        for miss in [
            "abcdefgi",
            "abdc",
            "ac",
            "b",
            "abcdefghijklmnoq",
            "abcdefghijklmnopr",
            "Department 2000",
            "department 0001",
        ] {
            assert_eq!(table.get(miss.as_bytes()), None, "{miss}");
        }
    }

    #[test]
    fn indexes_are_built_once_per_field_and_normalisation() {
        let rules = vec![rule("s", "Open", "O", 2), rule("s", "open", "X", 3)];
        let (f, indexes) = (field(&rules), IndexCache::default());
        let exact = indexes.get(&f, &rules, Normalize::default()).unwrap();
        let again = indexes.get(&f, &rules, Normalize::default()).unwrap();
        assert!(Arc::ptr_eq(&exact, &again));
        let trimmed = Normalize { trim: true, ..Normalize::default() };
        assert!(!Arc::ptr_eq(&exact, &indexes.get(&f, &rules, trimmed).unwrap()));
        // Colliding keys are an error every time, and a clone starts with no tables.
        for _ in 0..2 {
            assert!(indexes.get(&f, &rules, Normalize::ALL).is_err());
        }
        let copy = indexes.clone();
        let fresh = copy.get(&f, &rules, Normalize::default()).unwrap();
        assert!(!Arc::ptr_eq(&exact, &fresh));
        assert_eq!(fresh.text.len(), 2);
    }

    #[test]
    fn exact_normalised_and_integer_keys() {
        let rules = vec![rule("s", "Open", "O", 2), rule("s", " open", "O", 3), rule("s", "1", "One", 4)];
        let exact = Index::build(&field(&rules), &rules, Normalize::default()).unwrap();
        assert_eq!(exact.text.len(), 3);
        assert_eq!(exact.ints.get(&1), Some(&1));
        let all = Index::build(&field(&rules), &rules, Normalize::ALL).unwrap();
        assert_eq!(all.text.get("open"), Some(&0));
        assert_eq!(Index::suggestion(&all, &rules, "OPEN "), Some("Open"));
        assert_eq!(canonical_int("012"), None);
        assert_eq!(canonical_int("-3"), Some(-3));
        assert_eq!(canonical_big_int("18446744073709551615"), Some(u64::MAX));
        assert_eq!(canonical_big_int("9223372036854775807"), None); // an i64 key
        assert_eq!(canonical_big_int("18446744073709551616"), None);

        let rules = vec![rule("s", "Open", "O", 2), rule("s", "open", "X", 3)];
        let err = Index::build(&field(&rules), &rules, Normalize::ALL).unwrap_err().to_string();
        assert!(
            err.contains("'Open' (worksheet 'Sheet1' row 2) and 'open' (worksheet 'Sheet1' row 3)"),
            "{err}"
        );
    }
}
