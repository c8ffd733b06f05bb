"""Inputs that go wrong: streams that raise mid-way or whose batches differ from their schema,
and objects that are not tables. Each is one clear exception, never a panic or a wrong value."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import polars as pl
import pollutrack as pt
import pyarrow as pa
import pytest

SCHEMA = pa.schema([("pm25", pa.float64())])
ACCEPTED = (
    "expected Arrow data (a table: a pyarrow Table, RecordBatch or RecordBatchReader, a pandas "
    "or polars DataFrame, a DuckDB result, a dict of columns, or any object with "
    "__arrow_c_stream__); got "
)


def _failing(error: BaseException) -> pa.RecordBatchReader:
    """A stream whose second batch raises ``error`` (a generator behind the reader)."""

    def batches() -> Any:
        yield pa.record_batch({"pm25": [1.0]})
        raise error

    return pa.RecordBatchReader.from_batches(SCHEMA, batches())


def test_a_stream_that_raises_keeps_its_own_exception() -> None:
    error = RuntimeError("sensor feed lost")
    with pytest.raises(RuntimeError, match="sensor feed lost") as info:
        pt.aqi.compute(_failing(error))
    assert info.value is error  # the source's own exception, not a ValueError about it
    assert info.value.__notes__ == ["(raised while pollutrack read batch 2 of the input stream)"]
    stream = pt.aqi.compute_stream(_failing(OSError("disk")))
    assert next(stream).column("aqi").to_pylist() == [6]
    with pytest.raises(OSError, match="disk"):
        next(stream)


@pytest.mark.parametrize("run", [pt.aqi.compute, lambda r: list(pt.aqi.compute_stream(r))])
def test_an_interrupted_stream_is_an_interrupt(run: Callable[[Any], object]) -> None:
    with pytest.raises(KeyboardInterrupt):
        run(_failing(KeyboardInterrupt()))


def _mixed(second: pa.RecordBatch) -> pa.RecordBatchReader:
    first = pa.record_batch({"pm25": [1.0]})
    return pa.RecordBatchReader.from_batches(SCHEMA, iter([first, second]))


@pytest.mark.parametrize(
    ("second", "error", "message"),
    [
        # Read by position these were an Arrow buffer error, a panic, and 5e-324 µg/m³.
        (
            pa.record_batch({"pm25": ["high"]}),
            pt.UnsupportedTypeError,
            "batch 2 of the input stream: column 'pm25' has type string, but the stream's "
            "schema gives it type double; every batch must have the stream's schema",
        ),
        (
            pa.record_batch({"pm25": pa.array([7], pa.int64())}),
            pt.UnsupportedTypeError,
            "batch 2 of the input stream: column 'pm25' has type int64, but the stream's "
            "schema gives it type double; every batch must have the stream's schema",
        ),
        (
            pa.record_batch({"pm10": [1.0], "pm25": [2.0]}),
            pt.InvalidSpecError,
            "batch 2 of the input stream has columns ['pm10', 'pm25'], but the stream's schema "
            "has ['pm25']; every batch must have the stream's schema",
        ),
    ],
)
def test_a_batch_with_another_schema_is_refused(
    second: pa.RecordBatch, error: type, message: str
) -> None:
    with pytest.raises(error) as info:
        pt.aqi.compute(_mixed(second))
    assert str(info.value) == message
    if error is pt.UnsupportedTypeError:
        assert (info.value.column, info.value.data_type) == ("pm25", str(second.schema[0].type))
    stream = pt.aqi.compute_stream(_mixed(second))
    next(stream)
    with pytest.raises(error, match=re.escape(message)):
        next(stream)


def test_a_batch_that_differs_only_in_nullability_is_read() -> None:
    strict = pa.schema([pa.field("pm25", pa.float64(), nullable=False)])
    batches = [pa.record_batch([pa.array([35.5])], schema=strict)]
    reader = pa.RecordBatchReader.from_batches(SCHEMA, iter(batches))
    assert pt.aqi.compute(reader).column("aqi").to_pylist() == [101]


def test_the_engine_refuses_a_batch_the_plan_was_not_made_for() -> None:
    plan = pt._core.aqi.Plan(pa.schema([("pm25", pa.float64()), ("pm10", pa.float64())]))
    swapped = pa.record_batch({"pm10": [155.0], "pm25": [9.0]})
    with pytest.raises(pt.InvalidSpecError, match=r"a batch has columns \["):
        plan.compute_batch(swapped)


@pytest.mark.parametrize(
    ("data", "got"),
    [
        (
            pa.array([35.5]),
            "DoubleArray of double: an array is one column; put it in a table under its name, "
            "e.g. pyarrow.table({'pm25': values})",
        ),
        (
            pa.chunked_array([[35.5]]),
            "ChunkedArray of double: an array is one column; put it in a table under its name, "
            "e.g. pyarrow.table({'pm25': values})",
        ),
        (
            pl.Series("pm25", [35.5]),
            "Series of Float64: an array is one column; put it in a table under its name, "
            "e.g. pyarrow.table({'pm25': values})",
        ),
        (
            np.array([35.5]),
            "ndarray of float64: an array is one column; put it in a table under its name, "
            "e.g. pyarrow.table({'pm25': values})",
        ),
        ([1, {"pm25": 35.5}], "list [1, {'pm25': 35.5}]"),
        (
            [{"pm25": 35.5}],
            "list [{'pm25': 35.5}]: a list of records becomes a table with "
            "pyarrow.Table.from_pylist(rows)",
        ),
        (None, "NoneType"),
        ("data.csv", "str"),
    ],
)
def test_what_is_not_a_table_is_named(data: object, got: str) -> None:
    with pytest.raises(TypeError) as info:
        pt.aqi.compute(data)
    assert str(info.value) == ACCEPTED + got
    with pytest.raises(TypeError) as info:
        pt.aqi.compute_stream(data)
    assert str(info.value) == ACCEPTED + got


def test_a_struct_array_is_a_table() -> None:
    rows = pa.array([{"pm25": 35.5, "pm10": 155.0}])
    assert pt.aqi.compute(rows).column("aqi").to_pylist() == [101]
    chunked = pa.chunked_array([rows])
    assert pt.aqi.compute(chunked).column("aqi").to_pylist() == [101]
