"""Turning what users pass into Arrow objects the Rust core reads (zero-copy where possible)."""

from __future__ import annotations

import sys
from typing import Any

import pyarrow as pa


def is_instance(data: Any, module: str, name: str) -> bool:
    """``isinstance(data, module.name)`` without importing ``module`` (pandas, polars).

    If ``data`` is one of the module's objects, the module is loaded already.
    """
    loaded = sys.modules.get(module)
    return loaded is not None and isinstance(data, getattr(loaded, name))


def as_arrow_tabular(data: Any) -> Any:
    """Returns an object exposing the Arrow PyCapsule stream or array interface.

    Accepts anything with ``__arrow_c_stream__`` / ``__arrow_c_array__`` (pyarrow, polars,
    DuckDB relations, ...), pandas DataFrames and dicts of columns. A pandas index is never
    sent as a column (pandas' own ``__arrow_c_stream__`` would add one unless it is a
    RangeIndex): the table-returning functions put it back on their result.
    """
    if is_instance(data, "pandas", "DataFrame"):
        return pa.Table.from_pandas(data, preserve_index=False)
    if hasattr(data, "__arrow_c_stream__") or hasattr(data, "__arrow_c_array__"):
        return data
    if isinstance(data, dict):
        return pa.table(data)
    if is_instance(data, "polars", "LazyFrame"):
        raise TypeError(
            "a polars LazyFrame is a query, not data: call .collect() on it first "
            "(pollutrack computes eagerly and returns a polars DataFrame)"
        )
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
