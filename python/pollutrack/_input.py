"""Turning what users pass into Arrow objects the Rust core reads (zero-copy where possible).

A stream (``pyarrow.RecordBatchReader`` or any ``__arrow_c_stream__`` producer) is read here,
in Python, batch by batch: an exception its source raises mid-way (a generator behind
``RecordBatchReader.from_batches``) then reaches the caller as itself, ``KeyboardInterrupt``
included, instead of as text inside an Arrow error; and a batch whose schema differs from the
stream's is refused by name before any column is read by position.
"""

from __future__ import annotations

import reprlib
import sys
from collections.abc import Iterator
from typing import Any

import pyarrow as pa

from pollutrack.exceptions import InvalidSpecError, UnsupportedTypeError

_ACCEPTED = (
    "a pyarrow Table, RecordBatch or RecordBatchReader, a pandas or polars DataFrame, a DuckDB "
    "result, a dict of columns, or any object with __arrow_c_stream__"
)


def is_instance(data: Any, module: str, name: str) -> bool:
    """``isinstance(data, module.name)`` without importing ``module`` (pandas, polars).

    If ``data`` is one of the module's objects, the module is loaded already.
    """
    loaded = sys.modules.get(module)
    return loaded is not None and isinstance(data, getattr(loaded, name))


def as_arrow_tabular(data: Any) -> pa.Table | pa.RecordBatch:
    """Returns ``data`` as a pyarrow Table or RecordBatch (zero-copy where it can).

    Accepts anything with ``__arrow_c_stream__`` / ``__arrow_c_array__`` (pyarrow, polars,
    DuckDB relations, ...), pandas DataFrames, struct arrays and dicts of columns. A pandas index
    is never sent as a column (pandas' own ``__arrow_c_stream__`` would add one unless it is a
    RangeIndex): the table-returning functions put it back on their result. Streams are read
    whole, here (:func:`read_stream`), as the functions that take a table need every row.

    Raises:
        TypeError: ``data`` is not tabular; the message says what it is and what is accepted.

    Examples:
        >>> as_arrow_tabular({"pm25": [12.0]}).num_rows
        1
        >>> try:
        ...     as_arrow_tabular([1, {"pm25": 3.0}])
        ... except TypeError as err:
        ...     print(str(err).split("; ")[-1])
        got list [1, {'pm25': 3.0}]
    """
    if isinstance(data, (pa.Table, pa.RecordBatch)):
        return data
    if isinstance(data, pa.RecordBatchReader):
        return read_stream(data)
    if is_instance(data, "pandas", "DataFrame"):
        return pa.Table.from_pandas(data, preserve_index=False)
    if isinstance(data, (pa.Array, pa.ChunkedArray)):
        if pa.types.is_struct(data.type):  # one column per field, as a record batch reads
            struct = pa.RecordBatch if isinstance(data, pa.Array) else pa.Table
            return struct.from_struct_array(data)
        raise TypeError(_not_tabular(data))
    if hasattr(data, "__arrow_c_stream__"):
        return read_stream(_stream_of(data))
    if hasattr(data, "__arrow_c_array__"):
        try:
            return pa.record_batch(data)
        except (pa.ArrowInvalid, TypeError, ValueError) as err:  # not a struct array
            raise TypeError(_not_tabular(data)) from err
    if isinstance(data, dict):
        return pa.table(data)
    if is_instance(data, "polars", "LazyFrame"):
        raise TypeError(
            "a polars LazyFrame is a query, not data: call .collect() on it first "
            "(pollutrack computes eagerly and returns a polars DataFrame)"
        )
    if hasattr(data, "arrow") and callable(data.arrow):  # DuckDB relations of older releases
        return as_arrow_tabular(data.arrow())
    raise TypeError(_not_tabular(data))


def as_reader(data: Any) -> pa.RecordBatchReader:
    """Returns a pyarrow RecordBatchReader over ``data`` without materialising a stream.

    Iterate it with :func:`checked_batches` so every batch is known to have its schema.
    """
    if isinstance(data, pa.RecordBatchReader):
        return data
    if isinstance(data, pa.RecordBatch):
        return pa.RecordBatchReader.from_batches(data.schema, [data])
    if isinstance(data, pa.Table):
        return data.to_reader()
    if hasattr(data, "__arrow_c_stream__") and not is_instance(data, "pandas", "DataFrame"):
        return _stream_of(data)
    tabular = as_arrow_tabular(data)
    if isinstance(tabular, pa.Table):
        return tabular.to_reader()
    return pa.RecordBatchReader.from_batches(tabular.schema, [tabular])


def read_stream(reader: pa.RecordBatchReader) -> pa.Table:
    """Every batch of ``reader`` in one Table, each checked against the stream's schema.

    An exception the stream raises (a generator behind ``RecordBatchReader.from_batches``)
    propagates as itself, with a note naming the batch; ``KeyboardInterrupt`` too.

    Raises:
        UnsupportedTypeError: a batch gives a column another type than the stream's schema.
        InvalidSpecError: a batch has other columns than the stream's schema.

    Examples:
        >>> import pyarrow as pa
        >>> schema = pa.schema([("pm25", pa.float64())])
        >>> batches = [pa.record_batch({"pm25": [1.0]}), pa.record_batch({"pm25": ["high"]})]
        >>> try:
        ...     read_stream(pa.RecordBatchReader.from_batches(schema, batches))
        ... except TypeError as err:
        ...     print(str(err).split(": ")[1].split(", but")[0])
        column 'pm25' has type string
    """
    return pa.Table.from_batches(list(checked_batches(reader)), reader.schema)


def checked_batches(reader: pa.RecordBatchReader) -> Iterator[pa.RecordBatch]:
    """The batches of ``reader``, each checked against its schema (as :func:`read_stream`)."""
    schema = reader.schema
    number = 0
    while True:
        number += 1
        try:
            batch = reader.read_next_batch()
        except StopIteration:
            return
        except BaseException as err:  # the source's own exception, KeyboardInterrupt included
            err.add_note(f"(raised while pollutrack read batch {number} of the input stream)")
            raise
        yield _conform(batch, schema, number)


def _conform(batch: pa.RecordBatch, schema: pa.Schema, number: int) -> pa.RecordBatch:
    """``batch`` with exactly ``schema``, or the error that says how they differ."""
    if batch.schema.equals(schema):
        return batch
    where = f"batch {number} of the input stream"
    if batch.schema.names != schema.names:
        raise InvalidSpecError(
            f"{where} has columns {batch.schema.names}, but the stream's schema has "
            f"{schema.names}; every batch must have the stream's schema"
        )
    for got, want in zip(batch.schema, schema, strict=True):
        if got.type != want.type:
            err = UnsupportedTypeError(
                f"{where}: column '{got.name}' has type {got.type}, but the stream's schema "
                f"gives it type {want.type}; every batch must have the stream's schema"
            )
            err.column, err.data_type = got.name, str(got.type)
            raise err
    # Only nullability or metadata differ: the stream's schema is the one to keep.
    return pa.RecordBatch.from_arrays(batch.columns, schema=schema)


def _stream_of(data: Any) -> pa.RecordBatchReader:
    """A pyarrow reader over an ``__arrow_c_stream__`` producer; TypeError if not tabular."""
    try:
        return pa.RecordBatchReader.from_stream(data)
    except (pa.ArrowInvalid, TypeError, ValueError) as err:  # a stream of a non-struct type
        raise TypeError(_not_tabular(data)) from err


def _not_tabular(data: Any) -> str:
    """What ``data`` is, and what would have been accepted."""
    expected = f"expected Arrow data (a table: {_ACCEPTED}); got {type(data).__name__}"
    if isinstance(data, (pa.Array, pa.ChunkedArray)) or hasattr(data, "dtype"):
        dtype = getattr(data, "type", None) or getattr(data, "dtype", "?")
        return (
            f"{expected} of {dtype}: an array is one column; put it in a table under its "
            "name, e.g. pyarrow.table({'pm25': values})"
        )
    if isinstance(data, (list, tuple)):
        expected += f" {reprlib.repr(data)}"
        if data and all(isinstance(row, dict) for row in data):
            expected += ": a list of records becomes a table with pyarrow.Table.from_pylist(rows)"
    return expected
