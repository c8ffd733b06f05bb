//! Row keys made of one or more columns of any type (arrow's row format), for unique checks
//! and reconciliation.

use arrow_array::ArrayRef;
use arrow_row::{RowConverter, Rows, SortField};

use crate::engine::Result;

/// One comparable byte string per row.
pub fn key_rows(columns: &[ArrayRef]) -> Result<Rows> {
    let fields = columns.iter().map(|c| SortField::new(c.data_type().clone())).collect();
    let converter = RowConverter::new(fields)?;
    Ok(converter.convert_columns(columns)?)
}
