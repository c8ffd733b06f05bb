"""Turning what users pass into Arrow objects the Rust core reads (zero-copy where possible)."""

from __future__ import annotations

from typing import Any

import pyarrow as pa


def as_arrow_tabular(data: Any) -> Any:
    """Returns an object exposing the Arrow PyCapsule stream or array interface.

    Accepts anything with ``__arrow_c_stream__`` / ``__arrow_c_array__`` (pyarrow, polars,
    pandas >= 2.2, DuckDB relations, ...), older pandas DataFrames and dicts of columns.
    """
    if hasattr(data, "__arrow_c_stream__") or hasattr(data, "__arrow_c_array__"):
        return data
    if isinstance(data, dict):
        return pa.table(data)
    if type(data).__module__.startswith("pandas"):
        return pa.Table.from_pandas(data, preserve_index=False)
    if hasattr(data, "arrow") and callable(data.arrow):  # DuckDB relations of older releases
        return data.arrow()
    raise TypeError(
        f"expected Arrow data (pyarrow, polars, pandas, DuckDB or any object with "
        f"__arrow_c_stream__), not {type(data).__name__}"
    )


def as_reader(data: Any) -> pa.RecordBatchReader:
    """Returns a pyarrow RecordBatchReader over ``data`` without materialising a stream."""
    if isinstance(data, pa.RecordBatchReader):
        return data
    if isinstance(data, pa.RecordBatch):
        return pa.RecordBatchReader.from_batches(data.schema, [data])
    if isinstance(data, pa.Table):
        return data.to_reader()
    tabular = as_arrow_tabular(data)
    if hasattr(tabular, "__arrow_c_stream__"):
        return pa.RecordBatchReader.from_stream(tabular)
    batch = pa.record_batch(tabular)
    return pa.RecordBatchReader.from_batches(batch.schema, [batch])
