//! What the lookups share: the finder trait, the target-id markers, the fixed-hash map, the
//! view of a column the kernel reads, and what an unmapped value becomes. `index` builds
//! finders, `kernel` and `write` run them, `apply` makes the columns.

use std::collections::HashMap;

use crate::engine::{Error, Result};

/// A hash map with a fast, fixed (so reproducible) hasher for short keys.
pub type FastMap<K, V> = HashMap<K, V, foldhash::fast::FixedState>;

/// Marks a row whose value no rule maps; `NULL_ID` a null input.
pub const MISS: u32 = u32::MAX - 1;
pub const NULL_ID: u32 = u32::MAX;

/// What an unmapped value becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OnUnmapped {
    Null,
    Keep,
    Default(String),
    Error,
}

impl OnUnmapped {
    pub fn parse(mode: &str, default: Option<&str>) -> Result<Self> {
        match (mode, default) {
            ("null", None) => Ok(Self::Null),
            ("keep", None) => Ok(Self::Keep),
            ("error", None) => Ok(Self::Error),
            ("default", Some(d)) => Ok(Self::Default(d.to_owned())),
            ("default", None) => Err(Error::spec("on_unmapped='default' needs default= (the text to write)")),
            ("null" | "keep" | "error", Some(_)) => {
                Err(Error::spec(format!("default= is only used with on_unmapped='default', not '{mode}'")))
            }
            (other, _) => Err(Error::spec(format!(
                "unknown on_unmapped '{other}'; expected null, keep, default or error"
            ))),
        }
    }
}

/// Finds a key's target id (`None` when no rule maps it); it may cache.
pub trait Find<K> {
    fn find(&mut self, key: K) -> Option<u32>;
}

impl<K, F: FnMut(K) -> Option<u32>> Find<K> for F {
    #[inline]
    fn find(&mut self, key: K) -> Option<u32> {
        self(key)
    }
}

/// What the kernel needs of a column: the key of a row (`None` when null), a fresh finder per
/// task (it may cache), and how to write a key as text (for `keep` and the report).
pub struct Column<'t, G, M, W> {
    pub rows: usize,
    pub get: G,
    pub make_find: M,
    pub write: W,
    pub targets: &'t [String],
}

impl<G, M, W> Column<'_, G, M, W> {
    /// Each row's target id (`MISS`, `NULL_ID` for the others), serially: for dictionary
    /// values, which are few.
    pub fn ids<K, F>(&self) -> Vec<u32>
    where
        G: Fn(usize) -> Option<K>,
        M: Fn() -> F,
        F: Find<K>,
    {
        let mut find = (self.make_find)();
        (0..self.rows).map(|row| (self.get)(row).map_or(NULL_ID, |k| find.find(k).unwrap_or(MISS))).collect()
    }
}
