"""One pyarrow Table as each input kind, what each kind comes back as, and the way back to Arrow.

Shared by the output-kind tests of ``pt.aqi`` and ``pt.Mapping``.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa


class StreamOnly:
    """An Arrow producer that is neither pyarrow, pandas nor polars (as arro3 or nanoarrow)."""

    def __init__(self, table: pa.Table) -> None:
        self.table = table

    def __arrow_c_stream__(self, requested_schema: object = None) -> object:
        return self.table.__arrow_c_stream__(requested_schema)


def batch(table: pa.Table) -> pa.RecordBatch:
    batches = table.combine_chunks().to_batches()
    return batches[0] if batches else pa.RecordBatch.from_pylist([], schema=table.schema)


KINDS = {
    "table": lambda t: t,
    "batch": batch,
    "reader": lambda t: t.to_reader(),
    "dict": lambda t: {name: t.column(name) for name in t.column_names},
    "pandas": lambda t: t.to_pandas(),
    "polars": pl.from_arrow,
    "duckdb": duckdb.from_arrow,
    "c_stream": StreamOnly,
}

#: What each input kind comes back as under ``output="native"``.
RETURNS = {
    "table": pa.Table,
    "batch": pa.RecordBatch,
    "reader": pa.Table,
    "dict": pa.Table,
    "pandas": pd.DataFrame,
    "polars": pl.DataFrame,
    "duckdb": pa.Table,
    "c_stream": pa.Table,
}


def as_arrow(result: Any) -> pa.Table:
    """The result as a pyarrow Table (a pandas index left out), to compare with the Arrow path."""
    if isinstance(result, pd.DataFrame):
        return pa.Table.from_pandas(result, preserve_index=False)
    if isinstance(result, pl.DataFrame):
        return result.to_arrow()
    return pa.table(result)


def values(result: Any) -> dict[str, list[Any]]:
    """Column name -> Python values: equal whatever kind carried the same data."""
    table = as_arrow(result)
    return {name: table.column(name).to_pylist() for name in table.column_names}
