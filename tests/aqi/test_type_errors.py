"""How the AQI functions refuse a column's type: named as pyarrow prints it, and text that holds
numbers told how to read them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pollutrack as pt
import pyarrow as pa
import pytest
from support.arrow_types import NOT_NUMERIC, NUMBERS, TEXT, TIMES, nulls

NEEDED = "a numeric type (integer, float, decimal or null) is needed"
TIMESTAMP = "hourly readings need a timestamp column (parse strings with pyarrow.compute.strptime)"
STATION = "a station id needs a string, integer or dictionary type"


def as_text(column: str, first: str) -> str:
    """The message for a text column whose first values are numbers."""
    return (
        f"column '{column}' has type string, but {NEEDED}; its values are numbers written as "
        f"text (the first is '{first}'): cast it with pyarrow.compute.cast(..., pa.float64()), "
        "or read the JSON with a schema that gives it a float type "
        "(pt.io.read_json(..., schema=...))"
    )


def refused(call: Any, *args: Any, **kwargs: Any) -> pt.UnsupportedTypeError:
    with pytest.raises(pt.UnsupportedTypeError) as info:
        call(*args, **kwargs)
    return info.value


@pytest.mark.parametrize("type_", NOT_NUMERIC, ids=str)
def test_compute_names_the_type_as_pyarrow_prints_it(type_: pa.DataType) -> None:
    expected = f"column 'pm25' has type {type_}, but {NEEDED}"
    for err in (
        refused(pt.aqi.compute, pa.table({"pm25": nulls(type_)})),
        refused(pt.aqi.compute_stream, pa.table({"pm25": nulls(type_)})),
    ):
        assert str(err) == expected
        assert (err.column, err.data_type) == ("pm25", str(type_))


@pytest.mark.parametrize("type_", NUMBERS, ids=str)
def test_numeric_types_are_read(type_: pa.DataType) -> None:
    # The other side of the list above: every one of these is read, so nothing is refused.
    assert pt.aqi.compute(pa.table({"pm25": nulls(type_)})).column("aqi").null_count == 2


def test_text_holding_numbers_is_told_how_to_read_them() -> None:
    assert str(refused(pt.aqi.compute, {"pm25": ["12.0", "40"]})) == as_text("pm25", "12.0")
    # Decided from the first non-null values, over batches.
    batches = [
        pa.record_batch({"pm25": pa.array([None], pa.string())}),
        pa.record_batch({"pm25": [None, "7", "1e3"]}),
    ]
    assert str(refused(pt.aqi.compute, pa.Table.from_batches(batches))) == as_text("pm25", "7")
    # The data_type names the real type; only a plain string prints as "string".
    for type_ in TEXT:
        err = refused(pt.aqi.compute, pa.table({"pm25": pa.array(["35.5"], type_)}))
        assert err.data_type == str(type_)
        assert str(err) == as_text("pm25", "35.5").replace("type string", f"type {type_}")
    dictionary = pa.array(["5", "12.5", "5"]).dictionary_encode()
    err = refused(pt.aqi.compute, pa.table({"pm25": dictionary}))
    assert str(err) == as_text("pm25", "5").replace("type string", f"type {dictionary.type}")


def test_text_of_words_gets_the_plain_message() -> None:
    plain = f"column 'pm25' has type string, but {NEEDED}"
    for values in (["high", "low"], ["12.0", "n/a"], [" 12"], [None, None]):
        data = {"pm25": pa.array(values, pa.string())}
        assert str(refused(pt.aqi.compute, data)) == plain, values
    # A stream is planned from its schema before any value is read: nothing to tell yet.
    assert str(refused(pt.aqi.compute_stream, pa.table({"pm25": ["12.0"]}))) == plain


def test_hourly_and_subindex_read_their_values() -> None:
    hours = pa.array([dt.datetime(2024, 1, 1, h) for h in (1, 2)], pa.timestamp("s"))
    data = {"s": ["a", "a"], "t": hours, "pm25": ["1", "2"]}
    err = refused(pt.aqi.nowcast, data, station="s", time="t")
    assert str(err) == as_text("pm25", "1")
    err = refused(pt.aqi.rolling, data, station="s", time="t", column="pm25", hours=1, min_valid=1)
    assert str(err) == as_text("pm25", "1")
    assert str(refused(pt.aqi.subindex, pa.array(["12", "40"]), "pm25")) == as_text("pm25", "12")


@pytest.mark.parametrize("type_", [*TEXT, *TIMES[:2], pa.int64(), pa.time64("ns")], ids=str)
def test_hourly_time_column_type(type_: pa.DataType) -> None:
    data = {"s": ["a", "a"], "t": nulls(type_), "pm25": [1.0, 2.0]}
    err = refused(pt.aqi.nowcast, data, station="s", time="t")
    assert str(err) == f"column 't' has type {type_}, but {TIMESTAMP}"
    assert err.data_type == str(type_)


@pytest.mark.parametrize(
    "station",
    [
        pa.array([1.5, 2.5]),
        pa.array([1.5, 2.5], pa.float32()),
        pa.array([Decimal("1.5"), Decimal("2.5")], pa.decimal128(10, 2)),
        pa.array([dt.date(2024, 1, 1)] * 2),
        pa.array([[1], [2]]),
        pa.array([{"a": 1}, {"a": 2}]),
    ],
    ids=lambda a: str(a.type),
)
def test_hourly_station_column_type(station: pa.Array) -> None:
    hours = pa.array([dt.datetime(2024, 1, 1, h) for h in (1, 2)], pa.timestamp("s"))
    err = refused(
        pt.aqi.nowcast, {"s": station, "t": hours, "pm25": [1.0, 2.0]}, station="s", time="t"
    )
    assert str(err) == f"column 's' has type {station.type}, but {STATION}"
