"""pt.aqi.compute on every input kind and numeric type, streams, and thread counts."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pollutrack as pt
import pyarrow as pa
import pytest
from support import aqi_oracle as oracle
from support.aqi_vectors import OUTPUTS, summary

E24, E12, E99 = "us_epa_2024", "us_epa_2012", "us_epa_1999"


@pytest.fixture
def restore_threads() -> Any:
    before = pt.get_num_threads()
    yield
    pt.set_num_threads(before)


BASE = {"pm25": [35.5, 9.1, 12.0, 330.0], "pm10": [155, 54, 50, 10]}
BASE_AQI = [101, 51, 56, 509]  # pm10 50 -> 46 < pm25 12.0 -> 56


class StreamOnly:
    def __init__(self, table: pa.Table) -> None:
        self.table = table

    def __arrow_c_stream__(self, requested_schema: object = None) -> object:
        return self.table.__arrow_c_stream__(requested_schema)


class ArrayOnly:
    def __init__(self, batch: pa.RecordBatch) -> None:
        self.batch = batch

    def __arrow_c_array__(self, requested_schema: object = None) -> object:
        return self.batch.__arrow_c_array__(requested_schema)


def _chunked() -> pa.Table:
    t = pa.table(BASE)
    return pa.Table.from_batches(
        [t.slice(0, 1).to_batches()[0], t.slice(1, 1).to_batches()[0], t.slice(2).to_batches()[0]]
    )


INPUTS: dict[str, Callable[[], object]] = {
    "table": lambda: pa.table(BASE),
    "chunked": _chunked,
    "batch": lambda: pa.record_batch(BASE),
    "reader": lambda: pa.RecordBatchReader.from_batches(_chunked().schema, _chunked().to_batches()),
    "pandas": lambda: pd.DataFrame(BASE),
    "polars": lambda: pl.DataFrame(BASE),
    "dict": lambda: dict(BASE),
    "dict_numpy": lambda: {k: np.array(v) for k, v in BASE.items()},
    "c_stream": lambda: StreamOnly(pa.table(BASE)),
    "c_array": lambda: ArrayOnly(pa.record_batch(BASE)),
}


# The kind each input comes back as (tests/aqi/test_frames.py checks the conversions).
NATIVE = {"batch": pa.RecordBatch, "pandas": pd.DataFrame, "polars": pl.DataFrame}


@pytest.mark.parametrize("kind", INPUTS)
def test_input_kinds(kind: str) -> None:
    data = INPUTS[kind]()
    if isinstance(data, pa.Table):
        assert data.column("pm25").num_chunks == (3 if kind == "chunked" else 1)
    assert type(pt.aqi.compute(data)) is NATIVE.get(kind, pa.Table)
    result = pt.aqi.compute(INPUTS[kind](), output="arrow")
    assert isinstance(result, pa.Table)
    assert result.column("aqi").to_pylist() == BASE_AQI
    assert result.column("aqi_dominant").to_pylist() == ["pm25,pm10", "pm25", "pm25", "pm25"]
    assert result.column("aqi_status").to_pylist() == ["ok", "ok", "ok", "beyond_index"]


@pytest.mark.parametrize(
    ("column", "array", "expected"),
    [
        ("pm25", pa.array([35.5, 55.5, 12.5, 0.5], pa.float32()), [101, 151, 57, 3]),
        # float32 nearest to the decimal lies just below it; it must still mean that decimal
        # (the column prints as 0.055): 0.055 -> 51, 0.106 -> 201 (docs/standards/us_epa.md), not 50
        # / 200.
        ("o3_8h", pa.array([0.055, 0.106, 0.071], pa.float32()), [51, 201, 101]),
        ("o3_1h", pa.array([0.205, 0.125], pa.float32()), [201, 101]),
        ("pm25", pa.array([0.7, 9.1], pa.float32()), [4, 51]),  # 50 * 7/90 = 3.89
        ("co", pa.array([0.7, 4.5], pa.float32()), [8, 51]),  # 50 * 7/44 = 7.95
        ("pm25", pa.array(np.array([35.5, 55.5], np.float16)), [101, 151]),
        ("pm10", pa.array([0, 54, 55, 255], pa.uint8()), [0, 50, 51, 151]),
        ("pm10", pa.array([0, 54, 55, 604], pa.int16()), [0, 50, 51, 500]),
        ("pm10", pa.array([0, 54, 55, 604], pa.int32()), [0, 50, 51, 500]),
        ("pm10", pa.array([0, 54, 55, 604], pa.int64()), [0, 50, 51, 500]),
        ("pm10", pa.array([0, 54, 55, 604], pa.uint64()), [0, 50, 51, 500]),
        (
            "pm25",
            pa.array(
                [Decimal("35.49"), Decimal("9.10"), Decimal("35.50"), Decimal("125.45")],
                pa.decimal128(6, 2),
            ),
            [100, 51, 101, 200],
        ),
        (
            "pm25",
            pa.array([Decimal("35.49"), Decimal("9.1"), None], pa.decimal256(40, 3)),
            [100, 51, None],
        ),
        ("pm25", pa.array([35.5, 9.1, 35.5, None]).dictionary_encode(), [101, 51, 101, None]),
        ("pm25", pa.array([None, None], pa.float64()), [None, None]),
        ("pm25", pa.nulls(2), [None, None]),
    ],
)
def test_numeric_types(column: str, array: pa.Array, expected: list[int | None]) -> None:
    result = pt.aqi.compute(pa.table({column: array}))
    assert result.column("aqi").to_pylist() == expected
    status = ["no_data" if e is None else "ok" for e in expected]
    assert result.column("aqi_status").to_pylist() == status
    assert result.column(column).equals(pa.chunked_array([array]))


def test_null_type_beside_values() -> None:
    result = pt.aqi.compute(pa.table({"pm25": pa.nulls(2), "pm10": [155, 54]}), subindices=True)
    assert summary(result) == [
        (101, "Unhealthy for Sensitive Groups", "pm10", "ok"),
        (50, "Good", "pm10", "ok"),
    ]
    assert result.column("aqi_pm25").to_pylist() == [None, None]


def test_negative_integers() -> None:
    table = pa.table({"pm10": pa.array([-5, 5], pa.int32())})
    result = pt.aqi.compute(table, negative="null")
    assert summary(result) == [(None, None, None, "negative"), (5, "Good", "pm10", "ok")]
    zero = [(0, "Good", "pm10", "negative_as_zero"), (5, "Good", "pm10", "ok")]
    assert summary(pt.aqi.compute(table)) == zero  # the US EPA default
    decimals = pa.table({"pm10": pa.array([Decimal("-0.5"), Decimal("5")], pa.decimal128(3, 1))})
    assert summary(pt.aqi.compute(decimals)) == zero


def test_zero_rows() -> None:
    result = pt.aqi.compute(pa.table({"pm25": pa.array([], pa.float64())}), subindices=True)
    assert result.num_rows == 0
    assert result.column_names == ["pm25", *OUTPUTS, "aqi_pm25"]
    assert result.schema.field("aqi").type == pa.int32()
    assert json.loads(result.schema.metadata[b"pollutrack"])["input_rows"] == 0


def test_compute_stream() -> None:
    batches = [
        pa.record_batch({"pm25": [35.5, 9.1], "o3_8h": [0.08, None]}),
        pa.record_batch({"pm25": [None, 330.0, math.nan], "o3_8h": [0.25, 0.01, 0.2]}),
    ]
    reader = pa.RecordBatchReader.from_batches(batches[0].schema, batches)
    out = pt.aqi.compute_stream(reader, subindices=True, beyond="cap")
    assert isinstance(out, pa.RecordBatchReader)
    got = list(out)
    assert [b.num_rows for b in got] == [2, 3]
    for b_out, b_in in zip(got, batches, strict=True):
        want = pt.aqi.compute(b_in, subindices=True, beyond="cap", output="arrow")
        assert b_out.schema.remove_metadata() == want.schema.remove_metadata()
        # Only the computed columns: the input NaN would make Arrow's equality false.
        computed = want.column_names[2:]
        assert pa.Table.from_batches([b_out]).select(computed).equals(want.select(computed))
    rows = [r for b in got for r in zip(*(b.column(c).to_pylist() for c in OUTPUTS), strict=True)]
    assert rows == [
        (133, "Unhealthy for Sensitive Groups", "o3", "ok"),  # 0.080 -> tie 132.5
        (51, "Moderate", "pm25", "ok"),
        (None, None, None, "undefined"),
        (500, "Hazardous", "pm25", "beyond_index"),  # o3 0.010 -> 9
        (300, "Very Unhealthy", "o3", "not_finite"),
    ]


# --- threads -----------------------------------------------------------------------------------


def _random_table(n: int, seed: int) -> pa.Table:
    rng = np.random.default_rng(seed)

    def column(top: float, decimals: int) -> pa.Array:
        v = np.round(rng.uniform(0, top, n), decimals)
        v[rng.random(n) < 0.01] = math.nan
        v[rng.random(n) < 0.01] *= -1
        return pa.array(v, mask=rng.random(n) < 0.05)

    # so2_24h stays <= 1004 so an unused 24-h value is never beyond the table.
    return pa.table(
        {
            "pm25": column(400, 1),
            "pm10": column(700, 0),
            "o3_8h": column(0.25, 3),
            "o3_1h": column(0.7, 3),
            "co": column(60, 1),
            "so2_1h": column(600, 0),
            "so2_24h": column(1000, 0),
            "no2": column(2500, 0),
        }
    )


@pytest.mark.usefixtures("restore_threads")
def test_threads_same_result() -> None:
    table = _random_table(300_000, 7)
    table = pa.Table.from_batches(table.to_batches(max_chunksize=70_000))
    pt.set_num_threads(1)
    assert pt.get_num_threads() == 1
    one = pt.aqi.compute(table, subindices=True)
    pt.set_num_threads(4)
    assert pt.get_num_threads() == 4
    four = pt.aqi.compute(table, subindices=True)
    computed = one.column_names[table.num_columns :]  # input NaNs are never Arrow-equal
    assert len(computed) == 4 + 6
    assert one.select(computed).equals(four.select(computed))
    # Spot-check a sample of the rows against the oracle.
    for i in np.random.default_rng(1).choice(table.num_rows, 300, replace=False):
        values = {m: table.column(m)[int(i)].as_py() for m in table.column_names}
        aqi, cat, dom, status, _ = oracle.compute_row(values)
        assert summary(one.slice(int(i), 1)) == [(aqi, cat, dom, status)], values


@pytest.mark.parametrize("n", ["1", "3"])
def test_threads_from_environment(n: str) -> None:
    code = "import pollutrack as pt; print(pt.get_num_threads())"
    env = {**os.environ, "POLLUTRACK_NUM_THREADS": n}
    proc = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert proc.stdout.strip() == n
