"""The AQI option sets: one TypedDict each, checked by name, passed on unchanged to the core."""

from __future__ import annotations

import datetime as dt
import re
import types
from collections.abc import Callable
from typing import Any

import pollutrack as pt
import pyarrow as pa
import pytest
from pollutrack import _core
from pollutrack._options import option_keys

# 12.1 µg/m³ PM2.5 is 57 (2024) or 51 (2012); 70 ppb ozone is 0.070 ppm, 8-hour AQI 100;
# 330 µg/m³ is above the 2024 table (extended to 509, capped at 500; 380 in 2012's).
# 13.2 ppb NO2 is EEA band 3 at 20 °C, band 2 at 25 °C.
DATA = {"pm25": [12.1, 330.0], "ozone": [70.0, 20.0], "no2": [13.2, 5.0]}
PPB = {"o3": "ppb"}
CASES: list[tuple[dict[str, Any], list[int | None]]] = [
    ({}, [57, 509]),  # "ozone" read as ppm: above every ozone table, so only PM2.5 rates
    ({"units": PPB}, [100, 509]),
    ({"units": PPB, "beyond": "cap"}, [100, 500]),
    ({"units": PPB, "beyond": "null"}, [100, None]),
    (
        {"units": types.MappingProxyType(PPB), "standard": pt.aqi.Standard("us_epa_2012")},
        [100, 380],
    ),
    ({"columns": {"o3": None}, "on_invalid": "raise", "subindices": True}, [57, 509]),
    ({"columns": {"pm25": "ozone", "o3": None, "no2": None}}, [161, 71]),
    (
        {
            "standard": "eu_eaqi_2024",
            "columns": {"pm25": None, "o3": None},
            "units": {"no2": "ppb"},
        },
        [3, 1],
    ),
    (
        {
            "standard": "eu_eaqi_2024",
            "columns": {"pm25": None, "o3": None},
            "units": {"no2": "ppb"},
            "temperature": 25,
        },
        [2, 1],
    ),
]


@pytest.mark.parametrize(("options", "expected"), CASES)
def test_options_pass_identically_through_compute_and_compute_stream(
    options: dict[str, Any], expected: list[int | None]
) -> None:
    table = pa.table(DATA)
    whole = pt.aqi.compute(table, **options)
    assert whole.column("aqi").to_pylist() == expected
    reader = pa.RecordBatchReader.from_batches(table.schema, table.to_batches(max_chunksize=1))
    streamed = pa.Table.from_batches(list(pt.aqi.compute_stream(reader, **options)))
    assert streamed.to_pylist() == whole.to_pylist()
    assert streamed.schema.remove_metadata() == whole.schema.remove_metadata()


def test_subindices_and_status_follow_the_options() -> None:
    out = pt.aqi.compute(DATA, units=PPB, subindices=True, beyond="cap")
    assert out.column("aqi_pm25").to_pylist() == [57, 500]
    assert out.column("aqi_o3").to_pylist() == [100, 19]
    assert out.column("aqi_status").to_pylist() == ["ok", "beyond_index"]


def test_the_documented_defaults_are_the_cores() -> None:
    defaults: pt.aqi.AqiOptions = {
        "standard": "us_epa_2024",
        "columns": None,
        "units": None,
        "subindices": False,
        "on_invalid": "flag",
        "beyond": None,
        "negative": None,
        "temperature": None,
    }
    assert set(defaults) == set(option_keys(pt.aqi.AqiOptions))
    given, left_out = pt.aqi.compute(DATA, **defaults), pt.aqi.compute(DATA)
    assert given.equals(left_out, check_metadata=True)


def test_compare_takes_the_column_options() -> None:
    out = pt.aqi.compare(DATA, ["us_epa_2012", "us_epa_2024"], units=PPB, columns={"no2": None})
    assert out.column("us_epa_2012_aqi").to_pylist() == [100, 380]
    assert out.column("us_epa_2024_aqi").to_pylist() == [100, 509]
    assert out.column("us_epa_2024_aqi_change").to_pylist() == [0, 129]
    eea = {"pm25": None, "o3": None}
    at25 = pt.aqi.compare(DATA, ["eu_eaqi_2024"], columns=eea, units={"no2": "ppb"}, temperature=25)
    assert at25.column("eu_eaqi_2024_aqi").to_pylist() == [2, 1]


def hours(**columns: list[float]) -> pa.Table:
    times = [dt.datetime(2024, 1, 1, tzinfo=dt.UTC) + dt.timedelta(hours=h) for h in range(24)]
    return pa.table({"site": ["A"] * 24, "t": times, **columns})


def test_hourly_options_pass_on() -> None:
    data = hours(pm25=[40.0] * 24, co=[1.0] * 24)
    keyed = pt.aqi.nowcast(data, station="site", time="t", pollutants=["pm25"])
    mapped = pt.aqi.nowcast(data, station="site", time="t", pollutants={"pm25": "pm25"})
    assert keyed.equals(mapped)
    assert keyed.column("nowcast_aqi").to_pylist()[-1] == 112
    old = pt.aqi.Standard("us_epa_2012")
    by_object = pt.aqi.daily(data, station="site", time="t", standard=old, tz="+08:00")
    by_name = pt.aqi.daily(data, station="site", time="t", standard="us_epa_2012", tz="+08:00")
    assert by_object.equals(by_name)
    # +08:00: the 24 UTC hours straddle two local days of 16 and 8 hours (18 needed).
    assert by_object.column("date").to_pylist() == [dt.date(2024, 1, 1), dt.date(2024, 1, 2)]
    assert by_object.column("pm25_hours").to_pylist() == [16, 8]
    twice = hours(pm25=[40.0] * 24).append_column("dup", pa.array([1.0] * 24))
    doubled = pa.concat_tables([twice, twice])
    out = pt.aqi.rolling(
        doubled, station="site", time="t", column="dup", hours=3, min_valid=1, duplicates="first"
    )
    assert out.column("dup_3h_count").to_pylist()[:3] == [1, 2, 3]


def unexpected(function: str, key: str) -> str:
    return re.escape(f"{function}() got an unexpected keyword argument '{key}'; its options are ")


HOURLY = hours(pm25=[10.0] * 24)
CALLS: list[tuple[str, Callable[[], object]]] = [
    ("compute", lambda: pt.aqi.compute(DATA, subindex=True)),
    ("compute_stream", lambda: pt.aqi.compute_stream(pa.table(DATA), standrad="us_epa_2012")),
    ("compare", lambda: pt.aqi.compare(DATA, ["us_epa_2024"], subindices=True)),
    ("nowcast", lambda: pt.aqi.nowcast(HOURLY, station="site", time="t", tz="UTC")),
    ("daily", lambda: pt.aqi.daily(HOURLY, station="site", time="t", timezone="UTC")),
    (
        "rolling",
        lambda: pt.aqi.rolling(
            HOURLY, station="site", time="t", column="pm25", hours=3, min_valid=1, duplicate="mean"
        ),
    ),
]


@pytest.mark.parametrize(("function", "call"), CALLS, ids=[name for name, _ in CALLS])
def test_an_unknown_option_is_a_type_error_naming_it(
    function: str, call: Callable[[], object]
) -> None:
    key = {
        "compute": "subindex",
        "compute_stream": "standrad",
        "compare": "subindices",
        "nowcast": "tz",
        "daily": "timezone",
        "rolling": "duplicate",
    }[function]
    with pytest.raises(TypeError, match=unexpected(function, key)) as info:
        call()
    declared = {
        "compute": pt.aqi.AqiOptions,
        "compute_stream": pt.aqi.AqiOptions,
        "compare": pt.aqi.ColumnOptions,
        "nowcast": pt.aqi.HourlyOptions,
        "daily": pt.aqi.DailyOptions,
        "rolling": pt.aqi.RollingOptions,
    }[function]
    assert str(info.value).endswith(", ".join(option_keys(declared)))


def core_keys(call: Callable[[], object]) -> list[str]:
    """The keys a binding reads, from the message it gives for a key it does not."""
    with pytest.raises(TypeError, match="the options are ") as info:
        call()
    return str(info.value).split("the options are ")[1].split(", ")


def test_each_typeddict_declares_what_the_core_reads() -> None:
    table = pa.table(DATA)
    aqi = core_keys(lambda: _core.aqi.compute(table, {"nope": 1}))
    assert sorted(aqi) == sorted([*option_keys(pt.aqi.AqiOptions), "skip_unrated"])
    assert core_keys(lambda: _core.aqi.Plan(table.schema, {"nope": 1})) == aqi
    hourly = core_keys(lambda: _core.aqi.daily(HOURLY, {"nope": 1}))
    assert sorted(hourly) == sorted([*option_keys(pt.aqi.DailyOptions), "station", "time"])
    assert core_keys(lambda: _core.aqi.nowcast(HOURLY, {"nope": 1})) == hourly
    window = ["station", "time", "column", "hours", "min_valid"]
    rolling = core_keys(lambda: _core.aqi.rolling(HOURLY, {"nope": 1}))
    assert sorted(rolling) == sorted([*option_keys(pt.aqi.RollingOptions), *window])


def test_the_core_refuses_what_python_would() -> None:
    table = pa.table(DATA)
    with pytest.raises(TypeError, match=r"^option 'subindices': 'str' object is not an instance"):
        pt.aqi.compute(table, subindices="yes")
    with pytest.raises(TypeError, match=r"^unexpected nowcast option 'tz'"):
        _core.aqi.nowcast(HOURLY, {"station": "site", "time": "t", "tz": "UTC"})
    with pytest.raises(TypeError, match=r"^missing required option 'station'"):
        _core.aqi.nowcast(HOURLY, {"time": "t"})
    with pytest.raises(TypeError, match=r"^options must be a dict, not list"):
        _core.aqi.compute(table, [("subindices", True)])
    with pytest.raises(pt.InvalidSpecError, match="beyond must be 'extend', 'cap' or 'null'"):
        pt.aqi.compute(table, beyond="sideways")
