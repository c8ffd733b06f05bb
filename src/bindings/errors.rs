//! The one place engine errors become Python exceptions (classes live in
//! `pollutrack/exceptions.py`, so users can subclass and import them without the extension).

use pyo3::exceptions::{PyFileNotFoundError, PyKeyboardInterrupt, PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::engine::Error;

impl From<Error> for PyErr {
    fn from(err: Error) -> PyErr {
        Python::attach(|py| to_python(py, &err).unwrap_or_else(|e| e))
    }
}

fn to_python(py: Python<'_>, err: &Error) -> PyResult<PyErr> {
    let attrs = PyDict::new(py);
    let class = match err {
        Error::ColumnNotFound { available, .. } => {
            attrs.set_item("available", available)?;
            "ColumnNotFoundError"
        }
        Error::UnsupportedType { column, data_type, .. } => {
            attrs.set_item("column", column)?;
            attrs.set_item("data_type", data_type)?;
            "UnsupportedTypeError"
        }
        Error::InvalidSpec(_) => "InvalidSpecError",
        Error::InvalidValue { row, column, value, reason } => {
            attrs.set_item("row", row)?;
            attrs.set_item("column", column)?;
            attrs.set_item("value", value)?;
            attrs.set_item("reason", reason)?;
            "InvalidValueError"
        }
        Error::Unmapped { row, field, value } => {
            attrs.set_item("row", row)?;
            attrs.set_item("column", field)?;
            attrs.set_item("value", value)?;
            attrs.set_item("reason", "not mapped by any rule")?;
            "InvalidValueError"
        }
        Error::JsonFormat { file, line, offset, reason } => {
            attrs.set_item("file", file)?;
            attrs.set_item("line", line)?;
            attrs.set_item("offset", offset)?;
            attrs.set_item("reason", reason)?;
            "JsonFormatError"
        }
        Error::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
            return Ok(PyFileNotFoundError::new_err(err.to_string()));
        }
        Error::Io { .. } => return Ok(PyOSError::new_err(err.to_string())),
        Error::Interrupted => return Ok(PyKeyboardInterrupt::new_err(err.to_string())),
        Error::Arrow(_) => return Ok(PyValueError::new_err(err.to_string())),
    };
    let exception = py.import("pollutrack.exceptions")?.getattr(class)?.call1((err.to_string(),))?;
    for (key, value) in attrs.iter() {
        exception.setattr(key.cast::<pyo3::types::PyString>()?, value)?;
    }
    Ok(PyErr::from_value(exception))
}
