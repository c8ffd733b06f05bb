"""pt.aqi.nowcast, pt.aqi.daily and pt.aqi.rolling: reference examples, every rule, edges."""

from __future__ import annotations

import datetime as dt
import math
import random

import pandas as pd
import pollutrack as pt
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import hourly_oracle

UTC = dt.UTC
T0 = dt.datetime(2024, 1, 1, tzinfo=UTC)


def hourly(station: list, hours: list[int], **columns: list) -> pa.Table:
    times = [T0 + dt.timedelta(hours=h) for h in hours]
    return pa.table(
        {"station": station, "time": pa.array(times, pa.timestamp("s", "UTC")), **columns}
    )


# --- NowCast ----------------------------------------------------------------------------------


def test_nowcast_reference_n01() -> None:
    # c1..c12 = 80, 40, 20, 10 x 9 -> w = 0.5, NowCast 53.76 -> 53.7 -> AQI 146
    # (docs/standards/us_epa.md).
    pm25 = [10.0] * 9 + [20.0, 40.0, 80.0]
    out = pt.aqi.nowcast(
        hourly(["A"] * 12, list(range(12)), pm25=pm25), station="station", time="time"
    )
    last = out.slice(11).to_pylist()[0]
    assert last["pm25_nowcast"] == 53.7
    assert last["pm25_nowcast_weight"] == 0.5
    assert last["pm25_nowcast_valid"] is True
    assert last["nowcast_aqi"] == 146
    assert last["nowcast_aqi_category"] == "Unhealthy for Sensitive Groups"
    # The first hour has only one of the three most recent hours: no NowCast.
    first = out.slice(0, 1).to_pylist()[0]
    assert first["pm25_nowcast"] is None and first["pm25_nowcast_valid"] is False
    assert first["nowcast_aqi_status"] == "no_data"


def test_nowcast_reference_n09_legacy_ozone() -> None:
    # 63, 69, 80, 74, 60, missing, 35, 22 ppb (most recent first): w = 0.275, 65.27 ppb
    # -> 0.065 ppm -> 8-hour AQI 51 + 49 * (65 - 55) / 15 = 83.7 -> 84.
    ppb = [22.0, 35.0, 60.0, 74.0, 80.0, 69.0, 63.0]
    hours = [0, 1, 3, 4, 5, 6, 7]
    out = pt.aqi.nowcast(
        hourly(["A"] * 7, hours, o3=ppb), station="station", time="time", units={"o3": "ppb"}
    )
    last = out.to_pylist()[-1]
    assert last["o3_nowcast_legacy"] == 0.065
    assert last["o3_nowcast_legacy_weight"] == pytest.approx(0.275)
    assert last["nowcast_aqi"] == 84
    assert last["nowcast_aqi_dominant"] == "o3"


def test_nowcast_finds_hours_by_timestamp() -> None:
    rng = random.Random(3)
    hours = [h for h in range(60) if rng.random() > 0.15]  # missing hours
    rows = [(s, h, round(rng.uniform(0, 120), 1)) for s in ("A", "B", "C") for h in hours]
    ordered = hourly([r[0] for r in rows], [r[1] for r in rows], pm25=[r[2] for r in rows])
    shuffled_rows = rows[:]
    rng.shuffle(shuffled_rows)  # stations interleaved, hours unsorted
    shuffled = hourly(
        [r[0] for r in shuffled_rows],
        [r[1] for r in shuffled_rows],
        pm25=[r[2] for r in shuffled_rows],
    )
    a = pt.aqi.nowcast(ordered, station="station", time="time").to_pandas()
    b = pt.aqi.nowcast(shuffled, station="station", time="time").to_pandas()
    assert len(b) == len(shuffled_rows)  # rows in = rows out, input order kept
    assert list(b["pm25"]) == [r[2] for r in shuffled_rows]
    key = ["station", "time"]
    a = a.sort_values(key).reset_index(drop=True)
    b = b.sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)


def test_nowcast_across_a_daylight_saving_change() -> None:
    # US clocks went forward on 2024-03-10 at 02:00 local (07:00 UTC). Instants are
    # continuous, so the 12 UTC hours around it are 12 consecutive hours.
    t0 = dt.datetime(2024, 3, 10, 0, tzinfo=UTC)
    utc = [t0 + dt.timedelta(hours=h) for h in range(14)]
    local = pa.array(utc, pa.timestamp("s", "UTC")).cast(pa.timestamp("s", "America/New_York"))
    pm25 = [float(10 + h) for h in range(14)]
    a = pt.aqi.nowcast(pa.table({"s": ["x"] * 14, "t": local, "pm25": pm25}), station="s", time="t")
    b = pt.aqi.nowcast(
        hourly(["x"] * 14, list(range(14)), pm25=pm25), station="station", time="time"
    )
    assert a.column("pm25_nowcast").to_pylist() == b.column("pm25_nowcast").to_pylist()
    assert a.column("pm25_nowcast_valid").to_pylist()[2:] == [True] * 12


def test_duplicates_policy() -> None:
    t = hourly(["A", "A", "A"], [0, 1, 1], pm25=[10.0, 20.0, 40.0])
    with pytest.raises(pt.InvalidValueError, match="rows 1 and 2") as err:
        pt.aqi.nowcast(t, station="station", time="time")
    assert err.value.row == 2 and err.value.column == "time"
    first = pt.aqi.nowcast(t, station="station", time="time", duplicates="first")
    last = pt.aqi.nowcast(t, station="station", time="time", duplicates="last")
    mean = pt.aqi.nowcast(t, station="station", time="time", duplicates="mean")
    # Hour 1 uses 20, 40 or 30 with hour 0 = 10: w = 10 / c1, NowCast = (c1 + w * 10) / (1 + w).
    for table, c1 in ((first, 20.0), (last, 40.0), (mean, 30.0)):
        w = max(10.0 / c1, 0.5)
        expected = math.floor((c1 + w * 10.0) / (1 + w) * 10) / 10
        assert table.column("pm25_nowcast").to_pylist()[1] == expected


def test_nowcast_bad_inputs() -> None:
    t = hourly(["A"], [0], pm25=[1.0])
    with pytest.raises(pt.ColumnNotFoundError, match="station column 'site'"):
        pt.aqi.nowcast(t, station="site", time="time")
    with pytest.raises(pt.UnsupportedTypeError, match="timestamp"):
        pt.aqi.nowcast(
            t.set_column(1, "time", pa.array(["2024-01-01"])), station="station", time="time"
        )
    with pytest.raises(pt.ColumnNotFoundError, match="no pollutant column"):
        pt.aqi.nowcast(t.drop_columns(["pm25"]), station="station", time="time")
    with pytest.raises(pt.InvalidValueError, match="station is null"):
        pt.aqi.nowcast(
            t.set_column(0, "station", pa.array([None], pa.string())),
            station="station",
            time="time",
        )


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_nowcast_matches_pandas_oracle(data: st.DataObject) -> None:
    n_hours = data.draw(st.integers(1, 40))
    stations = data.draw(st.lists(st.sampled_from("ABCD"), min_size=1, max_size=3, unique=True))
    rows = []
    for s in stations:
        for h in range(n_hours):
            if data.draw(st.booleans()) or h % 5 == 0:
                value = data.draw(st.one_of(st.none(), st.integers(0, 5000).map(lambda v: v / 10)))
                rows.append((s, h, value))
    if not rows:
        return
    random.Random(n_hours).shuffle(rows)
    table = hourly(
        [r[0] for r in rows],
        [r[1] for r in rows],
        pm25=pa.array([r[2] for r in rows], pa.float64()),
    )
    got = pt.aqi.nowcast(table, station="station", time="time")
    want = hourly_oracle.nowcast(table.to_pandas())
    for g_c, g_w, w in zip(
        got.column("pm25_nowcast").to_pylist(),
        got.column("pm25_nowcast_weight").to_pylist(),
        want,
        strict=True,
    ):
        if w is None:
            assert g_c is None and g_w is None
        else:
            assert g_w == pytest.approx(w[1])
            assert g_c == math.floor(w[0] * 10 + 1e-9) / 10


# --- daily ------------------------------------------------------------------------------------


def day_table(**columns: list) -> pa.Table:
    n = len(next(iter(columns.values())))
    hours = [dt.datetime(2024, 6, 1) + dt.timedelta(hours=h) for h in range(n)]
    return pa.table({"station": ["A"] * n, "time": pa.array(hours, pa.timestamp("s")), **columns})


def test_daily_pm_means_and_18_hour_rule() -> None:
    pm25 = [12.0] * 24 + [None] * 7 + [50.0] * 17 + [None] * 24
    table = pt.aqi.daily(day_table(pm25=pm25), station="station", time="time")
    # Labels are dictionaries, as aqi_status is; the issues are plain (mostly null) strings.
    assert table.schema.field("day_status").type == pa.dictionary(pa.int8(), pa.string())
    assert table.schema.field("day_issues").type == pa.string()
    out = table.to_pylist()
    assert [r["date"] for r in out] == [
        dt.date(2024, 6, 1),
        dt.date(2024, 6, 2),
        dt.date(2024, 6, 3),
    ]
    assert out[0]["pm25_24h"] == 12.0 and out[0]["pm25_hours"] == 24
    # 51 + 49 * (120 - 91) / 263 = 56.4 -> 56
    assert (
        out[0]["aqi"] == 56 and out[0]["day_status"] == "complete" and out[0]["day_issues"] is None
    )
    assert out[1]["pm25_24h"] is None and out[1]["pm25_hours"] == 17
    assert out[1]["day_status"] == "incomplete"
    assert out[1]["day_issues"] == "pm25_24h: 17 of 24 hours (needs 18)"
    assert out[1]["aqi"] is None and out[1]["aqi_status"] == "no_data"
    assert out[2]["day_status"] == "no_data" and out[2]["pm25_hours"] == 0


def test_daily_ozone_windows() -> None:
    # Day 1: 0.040 ppm all day, 0.080 ppm from 10:00 to 17:59 -> max 8-hour 0.080 -> 51 +
    # 49 * (80 - 55) / 15 = 132.7 -> 133 (the 10:00 window). Day 2 keeps 12 valid windows.
    o3 = [0.040] * 48
    o3[10:18] = [0.080] * 8
    for h in range(24 + 7, 24 + 12):
        o3[h] = None  # windows starting 07..11 of day 2 lose too many hours
    out = pt.aqi.daily(day_table(o3=o3), station="station", time="time").to_pylist()
    assert out[0]["o3_8h_max"] == pytest.approx(0.080) and out[0]["o3_8h_windows"] == 17
    assert out[0]["aqi"] == 133 and out[0]["aqi_dominant"] == "o3"
    assert out[1]["o3_8h_windows"] < 13 and out[1]["o3_8h_max"] is None
    assert "o3_8h_max:" in out[1]["day_issues"] and "windows (needs 13)" in out[1]["day_issues"]


def test_daily_co_no2_so2() -> None:
    co = [1.0] * 24
    co[3:11] = [10.0] * 8  # 8-hour max 10.0 ppm -> 101 + 49 * (100 - 95) / 29 = 109.4 -> 109
    no2 = [20.0] * 24
    no2[5] = 120.0  # daily max 1-hour 120 ppb -> 101 + 49 * 19 / 259 = 104.6 -> 105
    so2 = [5.0] * 24
    out = pt.aqi.daily(
        day_table(co=co, no2=no2, so2=so2), station="station", time="time"
    ).to_pylist()[0]
    # Windows starting 00:00-18:00 keep >= 6 of their 8 hours; those from 19:00 reach past the
    # last reading: 19 of 24 valid, enough (18), so the day is complete.
    assert out["co_8h_max"] == pytest.approx(10.0) and out["co_8h_windows"] == 19
    assert out["aqi_co"] == 109 and out["day_status"] == "complete"
    assert out["no2_1h_max"] == 120.0 and out["no2_hours"] == 24 and out["aqi_no2"] == 105
    assert out["so2_1h_max"] == 5.0 and out["so2_24h"] == 5.0 and out["aqi_so2"] == 7


def test_daily_days_are_local_standard_time() -> None:
    # 48 hourly readings from 2024-07-01 00:00 UTC at a New York station: EST (UTC-5) days.
    utc = [dt.datetime(2024, 7, 1, tzinfo=UTC) + dt.timedelta(hours=h) for h in range(48)]
    table = pa.table(
        {"s": ["NY"] * 48, "t": pa.array(utc, pa.timestamp("s", "UTC")), "pm25": [10.0] * 48}
    )
    out = pt.aqi.daily(table, station="s", time="t", tz="America/New_York").to_pylist()
    # 00:00-04:00 UTC are 19:00-23:00 EST of June 30 (5 hours); July 1 EST is complete.
    assert [(r["date"], r["pm25_hours"]) for r in out] == [
        (dt.date(2024, 6, 30), 5),
        (dt.date(2024, 7, 1), 24),
        (dt.date(2024, 7, 2), 19),
    ]
    same = pt.aqi.daily(table, station="s", time="t", tz="-05:00")
    assert same.column("pm25_hours").to_pylist() == [5, 24, 19]


def test_daily_matches_pandas_oracle_on_random_stations() -> None:
    rng = random.Random(11)
    rows = []
    for s in range(5):
        for h in range(24 * 6):
            if rng.random() < 0.85:
                rows.append(
                    (
                        f"S{s}",
                        dt.datetime(2023, 12, 30) + dt.timedelta(hours=h),
                        None if rng.random() < 0.1 else round(rng.uniform(0, 300), 1),
                    )
                )
    rng.shuffle(rows)
    table = pa.table(
        {
            "station": [r[0] for r in rows],
            "time": pa.array([r[1] for r in rows], pa.timestamp("s")),
            "pm25": pa.array([r[2] for r in rows], pa.float64()),
        }
    )
    got = {
        (r["station"], r["date"]): (r["pm25_24h"], r["pm25_hours"])
        for r in pt.aqi.daily(table, station="station", time="time").to_pylist()
    }
    want = hourly_oracle.daily_pm25(table.to_pandas())
    assert got.keys() == want.keys()
    for key, (mean, hours) in want.items():
        assert got[key][1] == hours
        assert (got[key][0] is None) == (mean is None)
        if mean is not None:
            assert got[key][0] == pytest.approx(mean, rel=1e-12)


def test_daily_beijing_all_days() -> None:
    from pollutrack.cli import demo

    hourly_data = demo.load_hourly()
    out = pt.aqi.daily(hourly_data, station="station", time="time", pollutants={"pm25": "pm2.5"})
    assert out.num_rows == 1826
    status = out.column("day_status").to_pylist()
    assert status.count("complete") == 1722  # >= 18 of 24 hours (data README)
    assert status.count("no_data") == 37
    assert status.count("incomplete") == 1826 - 1722 - 37
    aqi = out.column("aqi").to_pylist()
    assert sum(a is not None for a in aqi) == 1722
    worst = max(range(out.num_rows), key=lambda i: aqi[i] or -1)
    row = out.slice(worst, 1).to_pylist()[0]
    assert row["date"] == dt.date(2013, 1, 12) and row["pm25_24h"] == pytest.approx(552.5, abs=0.05)
    assert row["aqi"] == 952 and row["aqi_status"] == "beyond_index"


def test_daily_same_at_1_and_2_threads() -> None:
    rng = random.Random(5)
    rows = [
        (s, h, rng.uniform(0, 200)) for s in range(40) for h in range(24 * 4) if rng.random() < 0.9
    ]
    table = pa.table(
        {
            "station": [r[0] for r in rows],
            "time": pa.array(
                [dt.datetime(2024, 1, 1) + dt.timedelta(hours=r[1]) for r in rows],
                pa.timestamp("s"),
            ),
            "pm25": [r[2] for r in rows],
            "no2": [r[2] / 2 for r in rows],
        }
    )
    before = pt.get_num_threads()
    try:
        pt.set_num_threads(1)
        one = pt.aqi.daily(table, station="station", time="time")
        pt.set_num_threads(2)
        two = pt.aqi.daily(table, station="station", time="time")
    finally:
        pt.set_num_threads(before)
    assert one.equals(two)


# --- rolling ----------------------------------------------------------------------------------


def test_rolling_trailing_window_by_timestamp() -> None:
    t = hourly(["A", "B", "A", "A", "B"], [0, 0, 1, 4, 1], co=[1.0, 9.0, 3.0, 5.0, 7.0])
    out = pt.aqi.rolling(t, station="station", time="time", column="co", hours=4, min_valid=2)
    # A: hour 0 -> [1] (1 value), hour 1 -> [1, 3], hour 4 -> hours 1..4 -> [3, 5]; B: [9], [9, 7].
    assert out.column("co_4h").to_pylist() == [None, None, 2.0, 4.0, 8.0]
    assert out.column("co_4h_count").to_pylist() == [1, 1, 2, 2, 2]
    with pytest.raises(pt.InvalidSpecError, match="min_valid"):
        pt.aqi.rolling(t, station="station", time="time", column="co", hours=2, min_valid=3)


def test_rolling_duplicates_follow_the_policy() -> None:
    t = hourly(["A", "A", "A"], [0, 1, 1], co=[1.0, 2.0, 6.0])
    with pytest.raises(pt.InvalidValueError, match="rows 1 and 2") as err:
        pt.aqi.rolling(t, station="station", time="time", column="co", hours=2, min_valid=1)
    assert err.value.row == 2 and err.value.column == "time"
    for policy, hour1 in (("first", 2.0), ("last", 6.0), ("mean", 4.0)):
        out = pt.aqi.rolling(
            t,
            station="station",
            time="time",
            column="co",
            hours=2,
            min_valid=1,
            duplicates=policy,
        )
        assert out.column("co_2h").to_pylist() == [1.0, (1.0 + hour1) / 2, (1.0 + hour1) / 2]


def test_hourly_functions_across_many_chunks() -> None:
    """More rows than several 64 K-row chunks, shuffled: each station's rows span the chunks."""
    import numpy as np

    rng = np.random.default_rng(11)
    stations, hours = 30, 24 * 300  # 216,000 station-hours before the 5 % gaps
    station = np.repeat(np.arange(stations), hours)
    hour = np.tile(np.arange(hours), stations)
    keep = rng.random(station.size) >= 0.05
    station, hour = station[keep], hour[keep]
    pm25 = np.floor(rng.lognormal(3.0, 0.8, station.size) * 10) / 10
    order = rng.permutation(station.size)
    base = np.datetime64("2024-01-01T00:00:00", "s")

    def table(rows: np.ndarray) -> pa.Table:
        return pa.table(
            {
                "station": pa.array([f"st{s}" for s in station[rows]]),
                "time": pa.array(base + hour[rows].astype("timedelta64[h]")),
                "pm25": pa.array(pm25[rows]),
            }
        )

    shuffled, ordered = table(order), table(np.arange(station.size))
    assert shuffled.num_rows > 3 * 65536
    got = pt.aqi.daily(shuffled, station="station", time="time").to_pandas()
    df = shuffled.to_pandas()
    want = df.groupby(["station", df["time"].dt.floor("D")])["pm25"].agg(["mean", "count"])
    got = got.set_index(["station", pd.to_datetime(got["date"])]).sort_index()
    assert len(got) == len(want) == stations * 300
    assert (got["pm25_hours"].to_numpy() == want["count"].to_numpy()).all()
    complete = want["count"].to_numpy() >= 18
    assert np.allclose(got["pm25_24h"].to_numpy()[complete], want["mean"].to_numpy()[complete])
    assert got["pm25_24h"].isna().to_numpy()[~complete].all()

    # Input order changes neither the daily values nor any row's NowCast.
    key = ["station", "date"]
    a = pt.aqi.daily(ordered, station="station", time="time").sort_by(
        [(k, "ascending") for k in key]
    )
    b = pt.aqi.daily(shuffled, station="station", time="time").sort_by(
        [(k, "ascending") for k in key]
    )
    assert a.equals(b)
    now_shuffled = pt.aqi.nowcast(shuffled, station="station", time="time")
    now_ordered = pt.aqi.nowcast(ordered, station="station", time="time")
    inverse = np.argsort(order)
    assert now_shuffled.take(pa.array(inverse)).equals(now_ordered)

    before = pt.get_num_threads()
    try:
        pt.set_num_threads(1)
        one = pt.aqi.daily(shuffled, station="station", time="time")
        pt.set_num_threads(2)
        assert pt.aqi.daily(shuffled, station="station", time="time").equals(one)
    finally:
        pt.set_num_threads(before)
