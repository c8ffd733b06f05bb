"""Edge rules of the index: exact decimals, the float guard, negative readings, duplicate names.

The negative-reading vectors (aqi_vectors.NEGATIVE) run here against the engine and in
test_oracle.py against the oracle.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from decimal import Decimal
from typing import Any

import pollutrack as pt
import pyarrow as pa
import pytest
from support import aqi_oracle as oracle
from support.aqi_vectors import NEGATIVE, case_id, summary

E24, E12 = "us_epa_2024", "us_epa_2012"


def one_row(values: dict[str, float | None]) -> pa.Table:
    return pa.table({m: pa.array([v], pa.float64()) for m, v in values.items()})


def _decimals(texts: list[str | None], scale: int) -> pa.Array:
    return pa.array([None if t is None else Decimal(t) for t in texts], pa.decimal128(38, scale))


@pytest.mark.parametrize(
    ("standard", "column", "array", "expected"),
    [
        # Truncated exactly: 9.0999999999 is 9.0 -> 50 (its nearest double could pass for 9.1).
        (E24, "pm25", _decimals(["9.0999999999", "9.1", "9.0000000001"], 10), [50, 51, 50]),
        # 9.0 and 29 nines: the nearest double is 9.1 itself; the decimal is 9.0 -> 50.
        (E24, "pm25", _decimals(["9." + "0" + "9" * 29, "35.4" + "9" * 26], 30), [50, 100]),
        (E24, "o3", _decimals(["0.0549999", "0.055"], 7), [50, 51]),
        (E24, "pm25", _decimals(["35.5", None], 1).dictionary_encode(), [101, None]),
        # China, half to even: 34.5 -> 34 -> ceil(50 * 34/35) = 49; a hair above the tie -> 35
        # -> 50; 35.5 -> 36 -> ceil(50 + 50 * 1/40) = 52.
        (
            "cn_hj633_2012",
            "pm25",
            _decimals(["34.5", "34.5" + "0" * 17 + "1", "35.5"], 20),
            [49, 50, 52],
        ),
        # UK, half up to 1 ug/m3: 33.4999999999999999 -> 33 (band 1), 33.5 -> 34 (band 2).
        ("uk_daqi", "o3", _decimals(["33.4999999999999999", "33.5"], 16), [1, 2]),
        # India, half up: 30.49999999999999999 -> 30 -> 50; 30.5 -> 31 -> 51.
        ("in_naqi", "pm25", _decimals(["30.49999999999999999", "30.5"], 17), [50, 51]),
    ],
)
def test_decimals_are_rounded_exactly(
    standard: str, column: str, array: pa.Array, expected: list[int | None]
) -> None:
    options: dict[str, Any] = {"standard": standard, "subindices": True}
    out = pt.aqi.compute(pa.table({column: array}), **options)
    # The sub-index (India rates no row with one pollutant: insufficient_pollutants).
    assert out.column(f"aqi_{column}").to_pylist() == expected
    measure = pt.aqi.Standard(standard).measure(column)["key"]
    assert pt.aqi.subindex(array, measure, standard=standard).to_pylist() == expected


def test_decimals_with_a_unit_are_converted_as_doubles() -> None:
    # 0.1 ppm NO2 -> 100 ppb -> 100 (Moderate's top); the conversion is not exact arithmetic.
    out = pt.aqi.compute(pa.table({"no2": _decimals(["0.1"], 3)}), units={"no2": "ppm"})
    assert out.column("aqi").to_pylist() == [100]


def test_the_float_guard_is_only_as_wide_as_float_error() -> None:
    # 9.1 * 10 is 90.999...: still 9.1 -> 51; 9.0999999999 is below 9.1 -> 9.0 -> 50.
    out = pt.aqi.compute({"pm25": [9.0999999999, 9.1, 35.4999999999, 35.5]})
    assert out.column("aqi").to_pylist() == [50, 51, 100, 101]
    assert pt.aqi.subindex(9.0999999999, "pm25") == 50
    assert oracle.subindex(9.0999999999, "pm25") == 50


def test_two_columns_of_one_name() -> None:
    twice = pa.Table.from_arrays([pa.array([1.0]), pa.array([50.0])], names=["pm25", "pm25"])
    message = (
        "the data has 2 columns named 'pm25', so which one holds pm25 is ambiguous; rename or "
        "drop all but one"
    )
    with pytest.raises(pt.InvalidSpecError) as info:
        pt.aqi.compute(twice)
    assert str(info.value) == message
    named = pa.Table.from_arrays([pa.array([1.0]), pa.array([50.0])], names=["x", "x"])
    with pytest.raises(pt.InvalidSpecError, match="2 columns named 'x'"):
        pt.aqi.compute(named, columns={"pm25": "x"})
    # A column the AQI does not read may share its name: it passes through.
    sites = pa.Table.from_arrays(
        [pa.array(["a"]), pa.array([35.5]), pa.array(["b"])], names=["site", "pm25", "site"]
    )
    assert pt.aqi.compute(sites).column_names[:3] == ["site", "pm25", "site"]


# --- negative readings ---------------------------------------------------------------------


@pytest.mark.parametrize("case", NEGATIVE, ids=case_id)
def test_compute_negative(case: tuple) -> None:
    standard, negative, values, expected, subindices = case
    result = pt.aqi.compute(one_row(values), standard=standard, negative=negative, subindices=True)
    assert summary(result) == [expected]
    assert {p: result.column(f"aqi_{p}")[0].as_py() for p in subindices} == subindices
    assert json.loads(result.schema.metadata[b"pollutrack"])["options"]["negative"] == negative
    if negative == "zero":  # the US EPA default
        assert summary(pt.aqi.compute(one_row(values), standard=standard)) == [expected]


def test_subindex_negative_default_is_zero_for_the_us_epa() -> None:
    assert pt.aqi.subindex(-2.0, "pm25") == 0
    assert pt.aqi.subindex(-3.4, "pm25", standard=E12) == 0
    assert pt.aqi.subindex(-0.1, "pm25", standard="cn_hj633_2012", negative="zero") == 0
    assert pt.aqi.subindex(-0.1, "pm25", standard="cn_hj633_2012") is None
    with pytest.raises(pt.InvalidSpecError, match="negative must be 'zero' or 'null', not 'clip'"):
        pt.aqi.subindex(-0.1, "pm25", negative="clip")  # type: ignore[arg-type]


def test_on_invalid_raise_passes_negatives_rated_as_zero() -> None:
    # Under the US EPA default a negative reading is rated, not invalid: nothing is raised;
    # the first invalid row is the undefined one, and it names the ozone column, not pm10.
    table = pa.table({"pm10": [5.0, -5.0, -1.0], "o3_8h": [None, None, 0.25]})
    with pytest.raises(pt.InvalidValueError) as info:
        pt.aqi.compute(table, on_invalid="raise")
    assert (info.value.row, info.value.column, info.value.value) == (2, "o3_8h", 0.25)
    out = pt.aqi.compute(table.slice(0, 2), on_invalid="raise")
    assert summary(out) == [(5, "Good", "pm10", "ok"), (0, "Good", "pm10", "negative_as_zero")]
    aqhi = {"no2": [-1.0, math.nan], "o3": [30.0, 30.0], "pm25": [10.0, 10.0]}
    with pytest.raises(pt.InvalidValueError) as info:
        pt.aqi.compute(aqhi, standard="ca_aqhi", negative="zero", on_invalid="raise")
    assert (info.value.row, info.value.column, info.value.reason) == (
        1,
        "no2",
        "not a finite number",
    )


def test_a_negative_daily_mean_is_rated_as_epa_publishes_it() -> None:
    # 24 hours of -3.4 ug/m3 (measurement noise around zero): EPA's daily AQI for it is 0.
    hours = [dt.datetime(2024, 1, 1, tzinfo=dt.UTC) + dt.timedelta(hours=h) for h in range(24)]
    table = pa.table({"site": ["A"] * 24, "t": hours, "pm25": [-3.4] * 24})
    day = pt.aqi.daily(table, station="site", time="t", tz="+00:00")
    assert day.column("pm25_24h").to_pylist() == [pytest.approx(-3.4)]
    assert day.select(["aqi", "aqi_status"]).to_pylist() == [
        {"aqi": 0, "aqi_status": "negative_as_zero"}
    ]
