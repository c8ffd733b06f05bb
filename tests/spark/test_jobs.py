"""pollutrack.spark in jobs as they run for real: streams, a session time zone other than UTC,
timestamps without a zone. Each result equals the Arrow engine's on the same rows."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pollutrack as pt
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

pytest.importorskip("pyspark", reason="pyspark is installed by scripts/test")
from pollutrack.spark import (
    apply_mapping,
    aqi_status_counts,
    daily,
    mapping_counts,
    nowcast,
    unmapped_report,
    with_aqi,
)
from support.station_hours import station_hours

SPRING = dt.datetime(2024, 3, 9, tzinfo=dt.UTC)  # the US clocks change on 10 March


def test_streaming_dataframes(spark, tmp_path) -> None:
    """A Structured Streaming job gets the engine's rows, and the report and status counts as
    streaming aggregations."""
    pm25 = [12.0, None, -1.0, float("nan"), 35.5, 400.0, 9.1, 0.0, 55.4, 125.5] * 30
    table = pa.table(
        {
            "id": pa.array(range(300), pa.int64()),
            "pm25": pm25,
            "pm10": [float(v % 700) for v in range(0, 3000, 10)],
            "cbwd": ["NE", "NW", "cv", None, "XX"] * 60,
        }
    )
    pq.write_table(table, tmp_path / "part-0.parquet")
    stream = spark.readStream.schema("id long, pm25 double, pm10 double, cbwd string")
    source = stream.parquet(str(tmp_path)).repartition(3)
    mapping = pt.Mapping.from_dict({"cbwd": {"NE": "northeast", "NW": "northwest"}})

    def run(df, mode: str, name: str) -> pa.Table:
        query = df.writeStream.format("memory").queryName(name).outputMode(mode).start()
        query.processAllAvailable()
        query.stop()
        return spark.sql(f"SELECT * FROM {name}").toArrow()

    got = run(apply_mapping(with_aqi(source), mapping), "append", "rows").sort_by("id")
    want = mapping.apply(pt.aqi.compute(table)).table
    assert (
        got.drop_columns(["pm25", "pm10"]).to_pylist()
        == want.drop_columns(["pm25", "pm10"]).to_pylist()
    )
    report = run(unmapped_report(source, mapping), "complete", "report").to_pylist()
    assert {r["value"]: r["count"] for r in report} == {"cv": 60, "XX": 60}
    counts = run(aqi_status_counts(source), "update", "counts").to_pylist()
    statuses = pt.aqi.compute(table)["aqi_status"].to_pylist()
    assert {r["aqi_status"]: r["count"] for r in counts} == Counter(statuses)
    # Hourly means need the hours before each micro-batch: refused, not computed per batch.
    times = stream.parquet(str(tmp_path)).selectExpr("cbwd AS station", "current_timestamp() AS t")
    for function in (nowcast, daily):
        with pytest.raises(pt.InvalidSpecError, match="streaming DataFrame"):
            function(times, station="station", time="t")
    with pytest.raises(pt.InvalidSpecError, match="streaming DataFrame"):
        mapping_counts(source, mapping)  # Spark has no distinct count on a stream


@pytest.mark.parametrize("zone", ["America/New_York", "Asia/Kolkata"])
def test_a_session_time_zone_other_than_utc(spark, zone: str) -> None:
    """Spark hands the executors times in the session's zone, so without ``tz=`` days are cut
    in that zone's standard time (the engine's rule for a zoned column); ``tz=`` overrides."""
    table = station_hours("AB", 96, 8, SPRING)
    spark.conf.set("spark.sql.session.timeZone", zone)
    try:
        df = spark.createDataFrame(table).repartition(3)
        hours = nowcast(df, station="station", time="time").orderBy("station", "time").toArrow()
        days = daily(df, station="station", time="time").orderBy("station", "date").toArrow()
        fixed = daily(df, station="station", time="time", tz="+08:00").orderBy("station", "date")
        fixed_days = fixed.toArrow()
    finally:
        spark.conf.set("spark.sql.session.timeZone", "UTC")
    local = table.set_column(1, "time", table["time"].cast(pa.timestamp("us", zone)))
    want = pt.aqi.nowcast(local, station="station", time="time")
    want = want.sort_by([("station", "ascending"), ("time", "ascending")])
    utc = pa.timestamp("us", "UTC")
    assert hours["time"].cast(utc).to_pylist() == want["time"].cast(utc).to_pylist()
    assert hours["nowcast_aqi"].to_pylist() == want["nowcast_aqi"].to_pylist()
    want_days = pt.aqi.daily(local, station="station", time="time")
    for name in ("date", "pm25_hours", "pm25_24h", "aqi"):
        assert days[name].to_pylist() == want_days[name].to_pylist(), name
    utc_days = pt.aqi.daily(table, station="station", time="time")
    assert days["pm25_hours"].to_pylist() != utc_days["pm25_hours"].to_pylist()
    want_fixed = pt.aqi.daily(table, station="station", time="time", tz="+08:00")
    assert fixed_days["date"].to_pylist() == want_fixed["date"].to_pylist()
    assert fixed_days["pm25_24h"].to_pylist() == want_fixed["pm25_24h"].to_pylist()


def test_timestamps_without_a_zone_keep_their_type(spark) -> None:
    """A ``timestamp_ntz`` column comes back as ``timestamp_ntz``, with the same values."""
    table = station_hours("AB", 60, 9, SPRING)
    naive = table.set_column(1, "time", table["time"].cast(pa.timestamp("us")))
    df = spark.createDataFrame(naive, "station string, time timestamp_ntz, pm25 double")
    mapping = pt.Mapping.from_dict({"station": {"A": "north"}})
    for out in (
        with_aqi(df),
        apply_mapping(df, mapping),
        nowcast(df, station="station", time="time"),
    ):
        assert out.schema["time"].dataType.simpleString() == "timestamp_ntz"
    got = with_aqi(df).orderBy("station", "time").toArrow()
    assert got["time"].to_pylist() == naive["time"].to_pylist()
    hours = nowcast(df, station="station", time="time").orderBy("station", "time").toArrow()
    want = pt.aqi.nowcast(naive, station="station", time="time")
    want = want.sort_by([("station", "ascending"), ("time", "ascending")])
    assert hours["time"].to_pylist() == want["time"].to_pylist()
    assert hours["nowcast_aqi"].to_pylist() == want["nowcast_aqi"].to_pylist()
    days = daily(df, station="station", time="time").orderBy("station", "date").toArrow()
    want_days = pt.aqi.daily(naive, station="station", time="time")
    assert days["aqi"].to_pylist() == want_days["aqi"].to_pylist()
