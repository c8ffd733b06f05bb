"""nowcast_stream and daily_stream on a real Structured Streaming job: parquet files land in a
folder in four steps; what the stream emits ends equal to the batch functions on all the rows
Spark kept, run step by step (a new query from the checkpoint each step) or in one query."""

from __future__ import annotations

import datetime as dt
import os
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pollutrack as pt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

pytest.importorskip("pyspark", reason="pyspark is installed by scripts/test")
from pollutrack.spark import daily_stream, nowcast, nowcast_stream, stream_counts
from support.station_hours import station_hours

START = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
SCHEMA = "site string, t timestamp, pm25 double, o3 double"
LATENESS = 3
ROCKSDB = "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider"
PROVIDER = "spark.sql.streaming.stateStore.providerClass"


@pytest.fixture
def rocksdb(spark: Any) -> Iterator[Any]:
    """transformWithStateInPandas keeps its state in RocksDB only."""
    spark.conf.set(PROVIDER, ROCKSDB)
    yield spark
    spark.conf.unset(PROVIDER)


def hours(sites: str, first: int, last: int, rng: random.Random) -> list[dict]:
    """Hours `first`..`last` of each site, about 1 in 10 missing, PM2.5 and ozone (ppm)."""
    return [
        {
            "site": site,
            "t": START + dt.timedelta(hours=h),
            "pm25": round(rng.uniform(0, 90), 1),
            "o3": round(rng.uniform(0.0, 0.09), 3),
        }
        for h in range(first, last + 1)
        for site in sites
        if rng.random() < 0.9 or h in (28, 40, 58)
    ]


def steps() -> tuple[list[list[dict]], dict, dict, dict]:
    """Four files' rows; the row that arrives late but within the lateness (A at hour 28, in
    step 2, after step 1 reached hour 29), the one beyond it (B at hour 40, in step 3, after
    step 2 reached hour 59: Spark's watermark is then at hour 56), and a second row, another
    value, for A's hour 58 (in step 3, within the lateness)."""
    rng = random.Random(22)
    parts = [hours("AB", 0, 29, rng), hours("AB", 30, 59, rng), hours("AB", 60, 95, rng)]
    late = next(
        r for r in parts[0] if r["site"] == "A" and r["t"] == START + dt.timedelta(hours=28)
    )
    dropped = next(
        r for r in parts[1] if r["site"] == "B" and r["t"] == START + dt.timedelta(hours=40)
    )
    parts[0].remove(late)
    parts[1].remove(dropped)
    parts[1].append(late)
    parts[2].append(dropped)
    first = next(
        r for r in parts[1] if r["site"] == "A" and r["t"] == START + dt.timedelta(hours=58)
    )
    duplicate = {**first, "pm25": first["pm25"] + 50.0}
    parts[2].append(duplicate)
    # Far ahead: the watermark passes B's last day and its 8-hour windows; only A's last day
    # (this row's) stays open.
    ahead = {"site": "A", "t": START + dt.timedelta(hours=135), "pm25": 20.0, "o3": 0.03}
    return [*parts, [ahead]], late, dropped, duplicate


def table(rows: list[dict]) -> pa.Table:
    return pa.Table.from_pylist(
        rows,
        schema=pa.schema(
            [
                ("site", pa.string()),
                ("t", pa.timestamp("us", "UTC")),
                ("pm25", pa.float64()),
                ("o3", pa.float64()),
            ]
        ),
    )


def land(folder: Path, step: int, rows: list[dict]) -> None:
    """One file, written aside and renamed in (a source never sees half a file); each step's
    file newer than the one before, the order a single query takes them in."""
    path = folder / f"step-{step}.parquet"
    pq.write_table(table(rows), folder.parent / path.name)
    os.replace(folder.parent / path.name, path)
    os.utime(path, (1_700_000_000 + step, 1_700_000_000 + step))


def start(spark: Any, function: Any, source: Path, run: Path, **options: Any) -> Any:
    """A query of `function` over the folder: NowCast rows appended as parquet with their
    micro-batch's number (foreachBatch), days written by Spark's file sink."""
    readings = spark.readStream.schema(SCHEMA).option("maxFilesPerTrigger", 1).parquet(str(source))
    emitted = function(readings, station="site", time="t", lateness=LATENESS, **options)
    out = str(run / "out")

    def keep(batch: Any, number: int) -> None:
        from pyspark.sql import functions as sf

        batch.withColumn("batch", sf.lit(number)).write.mode("append").parquet(out)

    checkpoint = str(run / "checkpoint")
    if function is daily_stream:  # append mode: straight to files
        writer = emitted.writeStream.format("parquet").option("path", out).outputMode("append")
    else:
        writer = emitted.writeStream.foreachBatch(keep).outputMode("update")
    return writer.option("checkpointLocation", checkpoint).trigger(availableNow=True).start()


def emitted(spark: Any, run: Path) -> pa.Table:
    return spark.read.parquet(str(run / "out")).toArrow()


def last(rows: pa.Table, keys: list[str]) -> list[dict]:
    """The last row emitted per key, in key order, without the batch number."""
    latest: dict[tuple, dict] = {}
    for row in sorted(rows.to_pylist(), key=lambda r: r["batch"]):
        latest[tuple(row[k] for k in keys)] = {k: v for k, v in row.items() if k != "batch"}
    return [latest[k] for k in sorted(latest)]


def rows_of(result: pa.Table, keys: list[str]) -> list[dict]:
    return sorted(result.to_pylist(), key=lambda r: tuple(r[k] for k in keys))


def dropped_by_watermark(query: Any) -> int:
    return sum(
        op.numRowsDroppedByWatermark for p in query.recentProgress for op in p.stateOperators
    )


def test_streamed_nowcast_and_daily_equal_the_batch_functions(rocksdb: Any, tmp_path) -> None:
    """Step by step (each step a new query on the checkpoint, so a restart after step 2) and in
    one query over the four files: the same rows, equal to pt.aqi.nowcast and pt.aqi.daily
    on every row but the one beyond the watermark, which Spark drops and counts."""
    spark = rocksdb
    files, late, dropped, duplicate = steps()
    source = tmp_path / "in"
    source.mkdir()
    runs = {name: tmp_path / name for name in ("hours", "days", "hours1", "days1")}
    drops = dict.fromkeys(runs, 0)
    for step, rows in enumerate(files, 1):
        land(source, step, rows)
        for name, function in (("hours", nowcast_stream), ("days", daily_stream)):
            query = start(spark, function, source, runs[name])
            query.awaitTermination()
            drops[name] += dropped_by_watermark(query)
    # The same four files through one query, one file per micro-batch.
    for name, function in (("hours1", nowcast_stream), ("days1", daily_stream)):
        query = start(spark, function, source, runs[name])
        query.awaitTermination()
        drops[name] = dropped_by_watermark(query)

    # The row beyond the lateness is dropped by Spark's watermark, or (in a running query,
    # whose filter is the previous micro-batch's watermark) set aside by the state: counted.
    total = sum(len(part) for part in files)
    for name, run in runs.items():
        counts = stream_counts(spark, str(run / "checkpoint")).toArrow()
        assert sorted(counts["site"].to_pylist()) == ["A", "B"]
        assert pc.sum(counts["late"]).as_py() + drops[name] == 1, name
        # The second row of A's hour 58: set aside by the state, the first row kept.
        by_site = {r["site"]: r for r in counts.to_pylist()}
        assert (by_site["A"]["duplicate"], by_site["B"]["duplicate"]) == (1, 0)
        assert pc.sum(counts["rows"]).as_py() + drops[name] == total
    assert drops == {"hours": 1, "days": 1, "hours1": 0, "days1": 0}
    received = [r for part in files for r in part if r is not duplicate]
    kept = table([r for r in received if r is not dropped])
    everything = table(received)

    want_hours = pt.aqi.nowcast(kept, station="site", time="t", output="arrow")
    got_hours = emitted(spark, runs["hours"])
    assert got_hours.column_names == [*want_hours.column_names, "batch"]
    keys = ["site", "t"]
    assert last(got_hours, keys) == rows_of(want_hours, keys)
    assert last(emitted(spark, runs["hours1"]), keys) == rows_of(want_hours, keys)
    # The dropped row would have changed the result, and the late one was taken.
    assert rows_of(want_hours, keys) != rows_of(
        pt.aqi.nowcast(everything, station="site", time="t", output="arrow"), keys
    )
    # The late row changed A's next hour, emitted first in step 1: emitted again, changed.
    after = late["t"] + dt.timedelta(hours=1)
    again = got_hours.filter(
        pc.and_(pc.equal(got_hours["site"], "A"), pc.equal(got_hours["t"], after))
    )
    assert len(set(again["pm25_nowcast"].to_pylist())) == again.num_rows == 2

    want_days = pt.aqi.daily(kept, station="site", time="t", output="arrow")
    open_day = (START + dt.timedelta(hours=135)).date()
    closed = want_days.filter(
        pc.invert(
            pc.and_(pc.equal(want_days["station"], "A"), pc.equal(want_days["date"], open_day))
        )
    )
    assert closed.num_rows == want_days.num_rows - 1
    days = ["station", "date"]  # pt.aqi.daily names its station column "station"
    for name in ("days", "days1"):
        got_days = emitted(spark, runs[name])
        # Append mode: each day once, final.
        assert got_days.num_rows == closed.num_rows
        assert rows_of(got_days, days) == rows_of(closed, days)


def test_streaming_only_and_bad_input(spark: Any, tmp_path) -> None:
    """Each misuse fails when the stream is defined, on the driver, naming what is wrong."""
    pq.write_table(table(steps()[0][3]), tmp_path / "one.parquet")
    readings = spark.readStream.schema(SCHEMA).parquet(str(tmp_path))
    stored = spark.read.schema(SCHEMA).parquet(str(tmp_path))
    with pytest.raises(pt.InvalidSpecError, match="nowcast_stream runs on a streaming DataFrame"):
        nowcast_stream(stored, station="site", time="t")
    with pytest.raises(pt.InvalidSpecError, match=r"pollutrack\.spark\.daily\b"):
        daily_stream(stored, station="site", time="t")
    with pytest.raises(pt.ColumnNotFoundError, match="no station column 'station'"):
        nowcast_stream(readings, station="station", time="t")
    with pytest.raises(pt.ColumnNotFoundError, match="no time column 'time'"):
        daily_stream(readings, station="site", time="time")
    text = readings.selectExpr("site", "CAST(t AS STRING) AS t", "pm25")
    with pytest.raises(pt.UnsupportedTypeError, match="'t' is string, not a timestamp"):
        nowcast_stream(text, station="site", time="t")
    for lateness in (-1, 1.5, True):
        with pytest.raises(TypeError, match="lateness must be a whole number of hours"):
            nowcast_stream(readings, station="site", time="t", lateness=lateness)
    with pytest.raises(TypeError, match="takes on_duplicate='drop' or 'raise', not duplicates"):
        nowcast_stream(readings, station="site", time="t", duplicates="mean")
    with pytest.raises(TypeError, match="unexpected keyword argument 'zone'"):
        daily_stream(readings, station="site", time="t", zone="UTC")
    # The batch functions send a stream here.
    with pytest.raises(pt.InvalidSpecError, match=r"use pollutrack\.spark\.nowcast_stream"):
        nowcast(readings, station="site", time="t")


def test_a_session_zone_with_a_change_of_clocks_and_wall_clock_times(
    rocksdb: Any, tmp_path
) -> None:
    """In a New York session over the night the clocks go back (01:00-02:00 twice on
    3 November 2024) each hour stays its own; a ``timestamp_ntz`` column keeps its type and
    wall-clock hours. Integer stations and a column name with a dot go through. Each equals
    pt.aqi.nowcast."""
    spark = rocksdb
    zoned = station_hours("AB", 36, 1, dt.datetime(2024, 11, 2, 12, tzinfo=dt.UTC))
    # Both stations have both 01:00 hours (05:00 and 06:00 UTC).
    zoned = zoned.rename_columns(["station", "time", "pm2.5"])
    ids = pc.if_else(pc.equal(zoned["station"], "A"), 7, 8).cast(pa.int64())
    naive = zoned.set_column(0, "station", ids)
    naive = naive.set_column(1, "time", naive["time"].cast(pa.timestamp("us")))
    options = {"pollutants": {"pm25": "pm2.5"}}
    got = {}
    spark.conf.set("spark.sql.session.timeZone", "America/New_York")
    try:
        for name, rows, kinds in (
            ("zoned", zoned, "station string, time timestamp"),
            ("naive", naive, "station bigint, time timestamp_ntz"),
        ):
            (tmp_path / name).mkdir()
            pq.write_table(rows, tmp_path / name / "hours.parquet")
            readings = spark.readStream.schema(f"{kinds}, `pm2.5` double")
            readings = readings.parquet(str(tmp_path / name))
            hours = nowcast_stream(readings, station="station", time="time", **options)
            spark_kinds = kinds.replace(" ", ":").replace(",:", ",")
            assert hours.schema.simpleString().startswith(f"struct<{spark_kinds},pm2.5:double,")
            query = (
                hours.writeStream.format("memory")
                .queryName(name)
                .outputMode("update")
                .option("checkpointLocation", str(tmp_path / f"{name}-checkpoint"))
                .trigger(availableNow=True)
                .start()
            )
            query.awaitTermination()
            got[name] = spark.sql(f"SELECT * FROM {name}").toArrow()
    finally:
        spark.conf.set("spark.sql.session.timeZone", "UTC")
    new_york = pa.timestamp("us", "America/New_York")
    local = zoned.set_column(1, "time", zoned["time"].cast(new_york))
    utc = pa.timestamp("us", "UTC")
    keys = ["station", "time"]
    for name, rows in (("zoned", local), ("naive", naive)):
        want = pt.aqi.nowcast(rows, station="station", time="time", output="arrow", **options)
        out = got[name]
        if name == "zoned":
            want = want.set_column(1, "time", want["time"].cast(utc))
            out = out.set_column(1, "time", out["time"].cast(utc))
        assert out.column_names == want.column_names
        assert out.num_rows == want.num_rows == zoned.num_rows
        assert rows_of(out, keys) == rows_of(want, keys), name


def processor(emit: str, **settings: Any) -> Any:
    """The stateful processor as nowcast_stream/daily_stream build it, in pyspark's TwsTester
    (its handle in memory, the watermark set by hand): no query."""
    from pollutrack.spark import _stream
    from pollutrack.spark._arrow import plain, spark_schema, to_arrow
    from pyspark.sql.streaming.tws_tester import TwsTester

    schema = table([]).schema
    kwargs = {"station": "site", "time": "t", "emit": emit, "lateness": LATENESS, **settings}
    out = to_arrow(
        spark_schema(plain(_stream._probe(kwargs, schema, "site", "t"), False)), "UTC", False
    )
    frames = _stream.Frames(schema, out, 1, True)
    station = _stream.StationState(kwargs, frames, _stream.HORIZON_HOURS[emit] * _stream.HOUR_MS)
    return TwsTester(
        station,
        timeMode="EventTime",
        outputMode="Append",
        eventTimeExtractor=lambda r: r["us"] // 1000,
    )


def test_a_station_that_stops_is_closed_by_its_timer() -> None:
    """A daily station's open day comes out when the watermark is 32 hours past its last hour
    (not at 31: its day ends at most 24 hours after it, its windows reach 7 hours on), then its
    state is cleared and its counts kept; a NowCast station's state is cleared at 12 hours."""
    import pandas as pd

    rows = [r for r in hours("A", 0, 40, random.Random(3))]
    last_ms = int(max(r["t"] for r in rows).timestamp() * 1000)
    frame = pd.DataFrame(rows).assign(us=[int(r["t"].timestamp() * 1_000_000) for r in rows])
    want = pt.aqi.daily(table(rows), station="site", time="t", output="arrow").to_pylist()

    days = processor("daily")
    first = days.testInPandas("A", frame)  # day 1 is final by the station's own hours
    assert [d["date"] for d in first.to_dict("records")] == [want[0]["date"]]
    assert first.to_dict("records")[0]["pm25_24h"] == want[0]["pm25_24h"]
    assert len(days.setWatermark(last_ms + 31 * 3_600_000)) == 0
    closed = days.setWatermark(last_ms + 32 * 3_600_000).to_dict("records")
    assert [d["date"] for d in closed] == [want[1]["date"]]
    # 17 hours of day 2: its mean is null (NaN through pandas), its status says why.
    for name in ("pm25_hours", "day_status"):
        assert closed[0][name] == want[1][name]
    assert days.peekValueState("hourly_state", "A") is None
    assert days.peekValueState("counts", "A") == (len(rows), 0, 0)

    nowcast = processor("nowcast")
    assert len(nowcast.testInPandas("A", frame)) == len(rows)
    assert len(nowcast.setWatermark(last_ms + 11 * 3_600_000)) == 0
    assert nowcast.peekValueState("hourly_state", "A") is not None
    assert len(nowcast.setWatermark(last_ms + 12 * 3_600_000)) == 0
    assert nowcast.peekValueState("hourly_state", "A") is None


def test_on_duplicate_raise_fails_the_station_s_task() -> None:
    """``on_duplicate="raise"``: the second row of a station-hour raises in the executor (the
    query fails with pollutrack's error), and the state is left as it was."""
    import pandas as pd

    tester = processor("nowcast", on_duplicate="raise")
    rows = hours("A", 0, 5, random.Random(4))
    frame = pd.DataFrame(rows).assign(us=[int(r["t"].timestamp() * 1_000_000) for r in rows])
    assert len(tester.testInPandas("A", frame)) == len(rows)
    saved = tester.peekValueState("hourly_state", "A")
    with pytest.raises(pt.InvalidValueError, match="duplicate"):
        tester.testInPandas("A", frame.tail(1))
    assert tester.peekValueState("hourly_state", "A") == saved
