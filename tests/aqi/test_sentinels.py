"""``na_values``: sentinel readings (-999, -9999) are missing in every hourly function."""

from __future__ import annotations

import datetime as dt

import pollutrack as pt
import pyarrow as pa
import pytest

T0 = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def hourly(values: dict[str, list], hours: list[int] | None = None) -> pa.Table:
    n = len(next(iter(values.values())))
    hours = list(range(n)) if hours is None else hours
    times = [T0 + dt.timedelta(hours=h) for h in hours]
    return pa.table({"site": ["A"] * n, "t": pa.array(times, pa.timestamp("s", "UTC")), **values})


# Reference example N01 (10 x 9, 20, 40, 80) with hour 3 replaced by a sentinel or a null.
N01 = [10.0] * 9 + [20.0, 40.0, 80.0]
SENTINEL = [*N01[:3], -999.0, *N01[4:]]
NULL = [*N01[:3], None, *N01[4:]]


def test_a_sentinel_in_the_nowcast_window_is_a_missing_hour() -> None:
    with_sentinel = pt.aqi.nowcast(
        hourly({"pm25": SENTINEL}), station="site", time="t", na_values=[-999, -9999]
    )
    with_null = pt.aqi.nowcast(hourly({"pm25": NULL}), station="site", time="t")
    drop = ["pm25"]
    assert with_sentinel.drop_columns(drop).equals(with_null.drop_columns(drop))
    last = with_sentinel.to_pylist()[-1]
    # Hour 3 is c9; the missing hour keeps its slot in the exponent:
    # 107.4560546875 / 1.99560546875 = 53.846 -> 53.8 (all 12 hours: 53.7).
    assert (last["pm25"], last["pm25_nowcast"], last["nowcast_aqi"]) == (80.0, 53.8, 146)
    # The input column passes through as given: the sentinel is still there.
    assert with_sentinel.column("pm25")[3].as_py() == -999.0
    # Without na_values, -999 is a reading (a negative concentration: the NowCast changes).
    as_data = pt.aqi.nowcast(hourly({"pm25": SENTINEL}), station="site", time="t")
    assert as_data.column("pm25_nowcast")[11].as_py() == 51.7


def test_sentinels_are_matched_before_unit_conversion() -> None:
    ppb = [22.0, 35.0, -9999.0, 60.0, 74.0, 80.0, 69.0, 63.0]  # reference N09, hour 2 missing
    out = pt.aqi.nowcast(
        hourly({"o3": ppb}), station="site", time="t", units={"o3": "ppb"}, na_values=[-9999]
    )
    assert out.column("o3_nowcast_legacy")[7].as_py() == 0.065
    assert out.column("nowcast_aqi")[7].as_py() == 84


def test_daily_counts_a_sentinel_hour_as_missing() -> None:
    pm25 = [40.0] * 17 + [-999.0] * 7
    out = pt.aqi.daily(hourly({"pm25": pm25}), station="site", time="t", na_values=[-999])
    row = out.to_pylist()[0]
    assert (row["pm25_24h"], row["pm25_hours"], row["day_status"]) == (None, 17, "incomplete")
    assert row["day_issues"] == "pm25_24h: 17 of 24 hours (needs 18)"
    pm25 = [40.0] * 18 + [-999.0] * 6
    out = pt.aqi.daily(hourly({"pm25": pm25}), station="site", time="t", na_values=[-999])
    row = out.to_pylist()[0]
    assert (row["pm25_24h"], row["pm25_hours"], row["aqi"]) == (40.0, 18, 112)


def test_rolling_leaves_sentinels_out_of_the_mean_and_count() -> None:
    co = [1.0, -9999.0, 2.0, 4.0]
    out = pt.aqi.rolling(
        hourly({"co": co}),
        station="site",
        time="t",
        column="co",
        hours=3,
        min_valid=2,
        na_values=[-999, -9999],
    )
    assert out.column("co_3h").to_pylist() == [None, None, 1.5, 3.0]
    assert out.column("co_3h_count").to_pylist() == [1, 1, 2, 2]


def test_integer_columns_and_bad_na_values() -> None:
    out = pt.aqi.rolling(
        hourly({"co": pa.array([1, -999, 3], pa.int32())}),
        station="site",
        time="t",
        column="co",
        hours=2,
        min_valid=1,
        na_values=[-999],
    )
    assert out.column("co_2h").to_pylist() == [1.0, 1.0, 3.0]
    with pytest.raises(TypeError, match="option 'na_values'"):
        pt.aqi.nowcast(hourly({"pm25": N01}), station="site", time="t", na_values="-999")  # type: ignore[typeddict-item]
