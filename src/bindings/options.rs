//! Options dicts: each capability declares its options once, as one struct read from the dict
//! the Python wrapper passes (the keys of that wrapper's `TypedDict`).
//!
//! A struct rather than keyword arguments so that `compute`, `Plan`, the hourly functions and
//! `Mapping.apply` take one value, extracted in one place, instead of each restating the list.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// Declares an options struct: every field an `Option` (a key left out or given as `None` is
/// `None`; the capability's `build` supplies the default), each value extracted as pyo3
/// extracts a keyword argument of that type. A key the struct does not declare is a
/// `TypeError` naming it and listing the ones it does.
macro_rules! options_struct {
    ($(#[$doc:meta])* struct $name:ident($what:literal) { $($field:ident: $ty:ty,)* }) => {
        $(#[$doc])*
        #[derive(Default)]
        struct $name {
            $($field: Option<$ty>,)*
        }

        impl<'a, 'py> pyo3::FromPyObject<'a, 'py> for $name {
            type Error = pyo3::PyErr;

            fn extract(obj: pyo3::Borrowed<'a, 'py, pyo3::PyAny>) -> pyo3::PyResult<Self> {
                use $crate::bindings::options;
                let mut out = Self::default();
                for (key, value) in options::items(&obj)? {
                    match key.as_str() {
                        $(stringify!($field) => out.$field = options::value(&key, &value)?,)*
                        _ => return Err(options::unknown($what, &key, &[$(stringify!($field)),*])),
                    }
                }
                Ok(out)
            }
        }
    };
}

pub(crate) use options_struct;

/// The (key, value) pairs of an options dict.
pub fn items<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Vec<(String, Bound<'py, PyAny>)>> {
    let dict = obj
        .cast::<PyDict>()
        .map_err(|_| PyTypeError::new_err(format!("options must be a dict, not {}", type_name(obj))))?;
    dict.iter().map(|(key, value)| Ok((key.extract::<String>()?, value))).collect()
}

/// One option's value; a value of the wrong type is a `TypeError` naming the option.
pub fn value<'py, T: FromPyObjectOwned<'py>>(key: &str, value: &Bound<'py, PyAny>) -> PyResult<Option<T>> {
    value.extract::<Option<T>>().map_err(|err| {
        let err: PyErr = err.into();
        let message = err.value(value.py()).to_string();
        let named = PyTypeError::new_err(format!("option '{key}': {message}"));
        named.set_cause(value.py(), Some(err));
        named
    })
}

/// The `TypeError` of a key the options do not declare, worded like Python's own.
pub fn unknown(what: &str, key: &str, keys: &[&str]) -> PyErr {
    PyTypeError::new_err(format!("unexpected {what} option '{key}'; the options are {}", keys.join(", ")))
}

/// A required option (the Python wrapper passes it; a direct caller may not).
pub fn required<T>(value: Option<T>, key: &str) -> PyResult<T> {
    value.ok_or_else(|| PyTypeError::new_err(format!("missing required option '{key}'")))
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type().name().map_or_else(|_| "?".to_owned(), |n| n.to_string())
}
