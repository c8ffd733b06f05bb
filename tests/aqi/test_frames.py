"""The caller's own kind back from every table-returning pt.aqi function.

pandas in -> pandas out (index kept, labels ``category``), polars in -> polars out (labels
``Categorical``), Table -> Table, RecordBatch -> RecordBatch, any other producer -> Table, and
``output="arrow"`` -> Table; the values always those of the Arrow path.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pollutrack as pt
import pyarrow as pa
import pytest
from support.frames import KINDS, RETURNS, batch, values

HOURS = [dt.datetime(2024, 1, 1, tzinfo=dt.UTC) + dt.timedelta(hours=h) for h in range(26)]
PM25 = [None if h in (3, 17) else 8.0 + 3 * h for h in range(26)]
HOURLY = pa.table(
    {
        "station": ["A", "B"] * 26,
        "time": [h for h in HOURS for _ in "AB"],
        "pm25": [p for p in PM25 for _ in "AB"],
        "pm10": [40.0 + h for h in range(26) for _ in "AB"],
    }
)
PURPLEAIR = pa.table(
    {"pm2.5_cf_1": [20.0, 300.0, None, 40.0], "humidity": [50.0, None, 40.0, 60.0]}
)

Function = Callable[..., Any]
FUNCTIONS: dict[str, tuple[Function, pa.Table]] = {
    "compute": (lambda d, **k: pt.aqi.compute(d, subindices=True, **k), HOURLY),
    "nowcast": (lambda d, **k: pt.aqi.nowcast(d, station="station", time="time", **k), HOURLY),
    "daily": (lambda d, **k: pt.aqi.daily(d, station="station", time="time", **k), HOURLY),
    "rolling": (
        lambda d, **k: pt.aqi.rolling(
            d, station="station", time="time", column="pm25", hours=3, min_valid=2, **k
        ),
        HOURLY,
    ),
    "compare": (lambda d, **k: pt.aqi.compare(d, ["us_epa_2012", "in_naqi"], **k), HOURLY),
    "correct_purpleair": (lambda d, **k: pt.aqi.correct_purpleair(d, **k), PURPLEAIR),
}
SAME_ROWS = [name for name in FUNCTIONS if name != "daily"]


def _arrow(name: str, table: pa.Table | None = None) -> pa.Table:
    function, data = FUNCTIONS[name]
    return function(data if table is None else table, output="arrow")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", FUNCTIONS)
def test_each_kind_comes_back_with_the_arrow_values(name: str, kind: str) -> None:
    function, data = FUNCTIONS[name]
    want = _arrow(name)
    got = function(KINDS[kind](data))
    assert type(got) is RETURNS[kind]
    assert values(got) == values(want)
    opted_out = function(KINDS[kind](data), output="arrow")
    assert type(opted_out) is pa.Table
    assert values(opted_out) == values(want)
    # The provenance key is the same whatever the kind (nowcast, rolling and PurpleAir set none).
    meta = (want.schema.metadata or {}).get(b"pollutrack")
    assert (opted_out.schema.metadata or {}).get(b"pollutrack") == meta
    if kind in ("table", "batch"):
        assert (got.schema.metadata or {}).get(b"pollutrack") == meta
    if kind == "pandas":
        assert got.attrs.get("pollutrack") == (json.loads(meta) if meta else None)


def test_the_arrow_path_has_provenance_where_expected() -> None:
    # So the metadata checks above are not all of absent keys.
    assert {n for n in FUNCTIONS if b"pollutrack" in (_arrow(n).schema.metadata or {})} >= {
        "compute",
        "daily",
        "compare",
    }


def _pandas_dtype(arrow_type: pa.DataType) -> str:
    if pa.types.is_dictionary(arrow_type):
        return "category"
    if pa.types.is_integer(arrow_type):
        return str(arrow_type).capitalize()  # int32 -> Int32: nullable, whatever the nulls
    if pa.types.is_boolean(arrow_type):
        return "boolean"
    if pa.types.is_floating(arrow_type):
        return "float64"
    return "object"  # date32 (as pd.read_parquet gives it)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_pandas_dtypes_of_the_added_columns(name: str) -> None:
    function, data = FUNCTIONS[name]
    want = _arrow(name)
    got = function(data.to_pandas())
    added = [f for f in want.schema if f.name not in data.column_names or name == "daily"]
    for field in added:
        if pa.types.is_string(field.type):
            assert pd.api.types.is_string_dtype(got[field.name]), field
        else:
            assert str(got[field.name].dtype) == _pandas_dtype(field.type), field
    labels = sum(str(got[f.name].dtype) == "category" for f in added)
    assert (labels > 0) == (name != "rolling")  # rolling adds a mean and a count only


def test_pandas_compute_in_detail() -> None:
    df = pd.DataFrame({"pm25": [35.5, None, 12.0], "pm10": [20.0, None, 160.0]})
    got = pt.aqi.compute(df, subindices=True)
    assert {c: str(t) for c, t in got.dtypes.items()} == {
        "pm25": "float64",
        "pm10": "float64",
        "aqi": "Int32",
        "aqi_category": "category",
        "aqi_dominant": "category",
        "aqi_status": "category",
        "aqi_pm25": "Int32",
        "aqi_pm10": "Int32",
    }
    assert got["aqi"].tolist() == [101, pd.NA, 103]
    assert got["aqi_pm10"].tolist() == [19, pd.NA, 103]
    assert got["aqi_category"].tolist()[::2] == ["Unhealthy for Sensitive Groups"] * 2
    assert pd.isna(got["aqi_category"][1])
    # The standard's categories, in order, even those no row has.
    assert list(got["aqi_category"].cat.categories) == [
        "Good", "Moderate", "Unhealthy for Sensitive Groups", "Unhealthy", "Very Unhealthy",
        "Hazardous",
    ]  # fmt: skip
    assert got["aqi_status"].tolist() == ["ok", "no_data", "ok"]
    assert got.attrs["pollutrack"]["function"] == "aqi.compute"
    assert got.attrs["pollutrack"]["input_rows"] == 3


@pytest.mark.parametrize("name", FUNCTIONS)
def test_polars_dtypes_of_the_added_columns(name: str) -> None:
    function, data = FUNCTIONS[name]
    want = _arrow(name)
    got = function(pl.from_arrow(data))
    labels = [f.name for f in want.schema if pa.types.is_dictionary(f.type)]
    assert bool(labels) == (name != "rolling")
    assert all(got.schema[c] == pl.Categorical for c in labels)
    if labels:
        assert got.get_column(labels[-1]).to_list() == want.column(labels[-1]).to_pylist()
    ints = [f.name for f in want.schema if f.type == pa.int32()]
    assert bool(ints) == (name != "correct_purpleair")  # a float and its status only
    assert all(got.schema[c] == pl.Int32 for c in ints)


INDEXES = {
    "datetime_tz": lambda n: pd.date_range("2024-03-31", periods=n, freq="min", tz="Europe/Paris"),
    "multi_with_repeats": lambda n: pd.MultiIndex.from_arrays(
        [np.arange(n) // 4, ["x", "y"] * (n // 2)], names=["k", None]
    ),
    "range_not_default": lambda n: pd.RangeIndex(100, 100 + 3 * n, 3, name="row"),
    "named_strings": lambda n: pd.Index([f"r{i}" for i in range(n)], name="id"),
}


@pytest.mark.parametrize("index", INDEXES)
@pytest.mark.parametrize("name", FUNCTIONS)
def test_pandas_index_kept(name: str, index: str) -> None:
    function, data = FUNCTIONS[name]
    df = data.to_pandas().set_axis(INDEXES[index](data.num_rows))
    got = function(df)
    assert values(got) == values(_arrow(name))  # the index was not sent as a column
    if name == "daily":  # one row per station and day: no input row to take an index from
        pd.testing.assert_index_equal(got.index, pd.RangeIndex(len(got)))
    else:
        pd.testing.assert_index_equal(got.index, df.index, exact=True)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_zero_rows(name: str) -> None:
    function, data = FUNCTIONS[name]
    empty = data.slice(0, 0)
    want = _arrow(name, empty)
    assert want.num_rows == 0
    labels = [f.name for f in want.schema if pa.types.is_dictionary(f.type)]
    df = empty.to_pandas().set_axis(pd.DatetimeIndex([], tz="UTC", name="at"))
    got = function(df)
    assert list(got.columns) == want.column_names and len(got) == 0
    assert all(str(got[c].dtype) == "category" for c in labels)
    if name != "daily":
        pd.testing.assert_index_equal(got.index, df.index, exact=True)
    frame = function(pl.from_arrow(empty))
    assert frame.columns == want.column_names and frame.height == 0
    assert all(frame.schema[c] == pl.Categorical for c in labels)
    one = function(batch(empty))
    assert type(one) is pa.RecordBatch and one.num_rows == 0
    assert one.schema == want.schema


def test_pandas_input_columns_keep_their_dtypes() -> None:
    df = pd.DataFrame(
        {
            "pm25": pd.array([35.5, None, 12.0], dtype="Float64"),
            "pm10": np.array([20.0, 30.0, 160.0], dtype=np.float32),
            "count": pd.array([1, None, 3], dtype="Int64"),
            "site": pd.Categorical(["a", "b", "a"], categories=["b", "a"], ordered=True),
            "seen": pd.date_range("2024-01-01", periods=3, tz="Asia/Kolkata"),
            "note": pd.array(["x", None, "z"], dtype=pd.ArrowDtype(pa.string())),
            "flag": pd.array([True, None, False], dtype="boolean"),
            7: ["int", "column", "label"],
        },
        index=pd.Index([5, 6, 5]),
    )
    df.attrs["source"] = "test"
    got = pt.aqi.compute(df)
    assert list(got.columns[: df.shape[1]]) == list(df.columns)
    pd.testing.assert_frame_equal(got[list(df.columns)], df)
    assert got.attrs["source"] == "test" and "pollutrack" in got.attrs
    assert got["aqi"].tolist() == [101, 28, 103]


def test_polars_input_columns_keep_their_dtypes() -> None:
    frame = pl.DataFrame(
        {
            "pm25": [35.5, None, 12.0],
            "site": pl.Series(["a", "b", "a"], dtype=pl.Enum(["b", "a"])),
            "when": pl.Series(HOURS[:3]).dt.convert_time_zone("America/Denver"),
            "n": pl.Series([1, None, 3], dtype=pl.Int8),
        }
    )
    got = pt.aqi.compute(frame)
    assert got.select(frame.columns).equals(frame)
    assert got.select(frame.columns).schema == frame.schema  # the Enum stays an Enum
    assert got.get_column("aqi").to_list() == [101, None, 56]


def test_a_polars_lazy_frame_asks_for_collect() -> None:
    lazy = pl.LazyFrame({"pm25": [12.0]})
    with pytest.raises(TypeError, match=r"\.collect\(\)"):
        pt.aqi.compute(lazy)
    assert pt.aqi.compute(lazy.collect()).get_column("aqi").to_list() == [56]


@pytest.mark.parametrize("name", FUNCTIONS)
def test_an_unknown_output_is_refused(name: str) -> None:
    function, data = FUNCTIONS[name]
    with pytest.raises(pt.InvalidSpecError, match="output must be 'native' or 'arrow', not 'pd'"):
        function(data, output="pd")


def test_compute_stream_stays_a_reader_without_the_index() -> None:
    df = HOURLY.to_pandas().set_axis(INDEXES["datetime_tz"](HOURLY.num_rows))
    reader = pt.aqi.compute_stream(df)
    assert isinstance(reader, pa.RecordBatchReader)
    assert reader.read_all().column_names == _arrow("compute").column_names[: 4 + 4]


def test_no_pandas_or_polars_needed() -> None:
    code = """
import sys

class Missing:  # as if neither pandas nor polars were installed
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in ("pandas", "polars"):
            raise ImportError(f"No module named {name!r}")

sys.meta_path.insert(0, Missing())
import pyarrow as pa, pollutrack as pt
out = pt.aqi.compute({"pm25": [12.0]})
batch = pt.aqi.compute(pa.record_batch({"pm25": [35.5]}))
res = pt.Mapping.from_dict({"s": {"a": "A"}}).apply(pa.table({"s": ["a"]}))
print(type(out).__name__, out["aqi"][0], type(batch).__name__, batch["aqi"][0],
      res.table["s_mapped"][0], "pandas" in sys.modules, "polars" in sys.modules)
"""
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert proc.stdout.split() == ["Table", "56", "RecordBatch", "101", "A", "False", "False"]
