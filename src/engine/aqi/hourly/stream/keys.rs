//! Station keys: strings or integers (what Spark gives), numbered in order of first appearance
//! across the whole stream, and turned back into a column of the stream's station type.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::Int64Type;
use arrow_array::{Array, ArrayRef, Int64Array, StringArray};
use arrow_cast::cast;
use arrow_schema::DataType;
use hashbrown::HashMap;
use serde::{Deserialize, Serialize};

use crate::engine::aqi::hourly::series::refuse_nulls;
use crate::engine::{Error, Result};

/// A station key of either kind.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Key {
    Int(i64),
    Str(String),
}

/// A batch's station column read as keys of one kind.
pub enum Column {
    Int(Int64Array),
    Str(StringArray),
}

impl Column {
    /// Reads a station column: integers as i64, strings (and dictionaries of them) as text.
    pub fn read(name: &str, array: &ArrayRef) -> Result<Self> {
        refuse_nulls(name, array.as_ref(), "the station is null")?;
        let dt = array.data_type();
        if dt.is_integer() {
            let ints = cast(array, &DataType::Int64)?;
            return Ok(Self::Int(ints.as_primitive::<Int64Type>().clone()));
        }
        let text = matches!(
            dt,
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Dictionary(..)
        );
        let cast_text = text.then(|| cast(array, &DataType::Utf8).ok()).flatten();
        match cast_text {
            Some(a) => Ok(Self::Str(a.as_string::<i32>().clone())),
            None => Err(Error::unsupported_type(
                name,
                dt,
                "a station id in a stream needs a string, integer or dictionary type",
            )),
        }
    }

    pub fn is_int(&self) -> bool {
        matches!(self, Self::Int(_))
    }
}

/// The stations seen so far, numbered in order of first appearance.
#[derive(Default)]
pub struct Stations {
    pub keys: Vec<Key>,
    ints: HashMap<i64, u32>,
    strs: HashMap<String, u32>,
}

impl Stations {
    pub fn from_keys(keys: Vec<Key>) -> Self {
        let mut out = Self::default();
        for key in keys {
            out.add(key);
        }
        out
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn add(&mut self, key: Key) -> u32 {
        let id = self.keys.len() as u32;
        match &key {
            Key::Int(k) => self.ints.insert(*k, id),
            Key::Str(k) => self.strs.insert(k.clone(), id),
        };
        self.keys.push(key);
        id
    }

    /// Each row's station number; stations not seen yet get the next numbers (in row order)
    /// and are returned as new keys, for the caller to `add` once the batch is accepted.
    pub fn number(&self, column: &Column) -> (Vec<u32>, Vec<Key>) {
        let mut fresh: Vec<Key> = Vec::new();
        let next = |fresh: &mut Vec<Key>, key: Key| {
            fresh.push(key);
            (self.keys.len() + fresh.len() - 1) as u32
        };
        let ids = match column {
            Column::Int(a) => {
                let mut new: HashMap<i64, u32> = HashMap::new();
                let ids = a.values().iter().map(|&k| match self.ints.get(&k) {
                    Some(&id) => id,
                    None => *new.entry(k).or_insert_with(|| next(&mut fresh, Key::Int(k))),
                });
                ids.collect()
            }
            Column::Str(a) => {
                let mut new: HashMap<&str, u32> = HashMap::new();
                let ids = (0..a.len()).map(|i| {
                    let k = a.value(i);
                    match self.strs.get(k) {
                        Some(&id) => id,
                        None => *new.entry(k).or_insert_with(|| next(&mut fresh, Key::Str(k.to_owned()))),
                    }
                });
                ids.collect()
            }
        };
        (ids, fresh)
    }

    /// Approximate bytes of the keys and their index.
    pub fn nbytes(&self) -> usize {
        let text: usize = self.keys.iter().map(|k| if let Key::Str(s) = k { 2 * s.len() } else { 0 }).sum();
        self.keys.len() * (std::mem::size_of::<Key>() + 16) + text
    }
}

/// A column of `keys` (by station number) of type `data_type`.
pub fn key_column(keys: &[Key], ids: &[u32], data_type: &DataType) -> Result<ArrayRef> {
    let array: ArrayRef = match keys.first() {
        Some(Key::Int(_)) => Arc::new(Int64Array::from_iter_values(ids.iter().map(|&i| {
            if let Key::Int(k) = keys[i as usize] {
                k
            } else {
                0
            }
        }))),
        _ => Arc::new(StringArray::from_iter_values(ids.iter().map(|&i| match &keys[i as usize] {
            Key::Str(k) => k.as_str(),
            Key::Int(_) => "",
        }))),
    };
    Ok(if array.data_type() == data_type { array } else { cast(&array, data_type)? })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_new_stations_after_the_known_ones() {
        let mut stations = Stations::from_keys(vec![Key::Str("b".into())]);
        let column = Column::Str(StringArray::from(vec!["a", "b", "c", "a"]));
        let (ids, fresh) = stations.number(&column);
        assert_eq!(ids, vec![1, 0, 2, 1]);
        assert_eq!(fresh, vec![Key::Str("a".into()), Key::Str("c".into())]);
        for key in fresh {
            stations.add(key);
        }
        let out = key_column(&stations.keys, &[2, 0], &DataType::LargeUtf8).unwrap();
        assert_eq!(out.data_type(), &DataType::LargeUtf8);
        let ints: ArrayRef = Arc::new(arrow_array::Int32Array::from(vec![7, 7]));
        let column = Column::read("s", &ints).unwrap();
        assert!(column.is_int());
        let floats: ArrayRef = Arc::new(arrow_array::Float64Array::from(vec![1.0]));
        assert!(matches!(Column::read("s", &floats), Err(Error::UnsupportedType { .. })));
    }
}
