"""NowCast and daily AQI on Structured Streaming DataFrames, with state across micro-batches.

Re-exported by :mod:`pollutrack.spark`. The stateful processor itself (``_stream``) is imported
when a stream is defined, as it needs pyspark at import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, Unpack

from pollutrack.aqi.options import DailyOptions, HourlyOptions

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

__all__ = ["daily_stream", "nowcast_stream", "stream_counts"]


def nowcast_stream(
    df: DataFrame,
    *,
    station: str,
    time: str,
    lateness: int = 3,
    on_duplicate: Literal["drop", "raise"] = "drop",
    **options: Unpack[HourlyOptions],
) -> DataFrame:
    """:func:`pollutrack.aqi.nowcast` on a Structured Streaming DataFrame, in update mode.

    Each station's :class:`pollutrack.aqi.HourlyState` lives in Spark's state store
    (``groupBy(station).transformWithStateInPandas``, which needs the RocksDB state store:
    ``spark.sql.streaming.stateStore.providerClass`` set to
    ``org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider``), so the
    windows go on across micro-batches and across a restart from the checkpoint. Each
    micro-batch emits a row for every station-hour it made or changed: its own rows' hours, and
    the later hours whose window a late row changed. The last row emitted for a station and
    hour is :func:`pollutrack.aqi.nowcast`'s row on every hour received: write the stream in
    ``update`` mode to a sink that keeps the last row per (station, time), for example a
    ``MERGE`` in ``foreachBatch``.

    Args:
        df: a streaming DataFrame of hourly readings.
        station: the station column (string or integer).
        time: the time column (``timestamp`` or ``timestamp_ntz``), the event time.
        lateness: whole hours (default 3) a row may arrive behind the latest hour of any
            station: the watermark is ``withWatermark(time, f"{lateness} hours")``. Spark drops
            rows at or before it (``numRowsDroppedByWatermark`` in the query's progress);
            within a running query Spark filters by the previous micro-batch's watermark, so
            a row a little later can reach the station's state, which sets it aside as late
            (counted: :func:`stream_counts`).
        on_duplicate: a second row of a station-hour (in the same micro-batch or a later
            one): ``"drop"`` (the first received is kept; counted) or ``"raise"`` (the query
            fails). There is no ``duplicates=`` here.
        **options: :class:`~pollutrack.aqi.HourlyOptions` but ``duplicates``, as
            :func:`pollutrack.aqi.nowcast` (``na_values`` too). A station's saved state keeps
            the options it was made with: to change them, start on a new checkpoint.

    Returns:
        A streaming DataFrame with :class:`~pollutrack.aqi.HourlyState`'s NowCast columns:
        the station, the time, the pollutant columns and :func:`pollutrack.aqi.nowcast`'s
        columns (labels as strings). Bad options and missing columns fail here, on the
        driver.

    Examples:
        >>> from pollutrack.spark import nowcast_stream  # doctest: +SKIP
        >>> schema = "site string, t timestamp, pm25 double"
        >>> readings = spark.readStream.schema(schema).parquet("in/")  # doctest: +SKIP
        >>> hours = nowcast_stream(readings, station="site", time="t")  # doctest: +SKIP
        >>> query = (
        ...     hours.writeStream.outputMode("update")
        ...     .option("checkpointLocation", "checkpoints/nowcast")
        ...     .foreachBatch(lambda batch, _: batch.write.mode("append").parquet("nowcast/"))
        ...     .trigger(availableNow=True)
        ...     .start()
        ... )  # doctest: +SKIP
    """
    from pollutrack.spark import _stream

    settings = {"on_duplicate": on_duplicate, **options}
    return _stream.stream(
        df,
        "nowcast_stream",
        emit="nowcast",
        station=station,
        time=time,
        lateness=lateness,
        settings=settings,
    )


def daily_stream(
    df: DataFrame,
    *,
    station: str,
    time: str,
    lateness: int = 3,
    on_duplicate: Literal["drop", "raise"] = "drop",
    **options: Unpack[DailyOptions],
) -> DataFrame:
    """:func:`pollutrack.aqi.daily` on a Structured Streaming DataFrame, in append mode.

    As :func:`nowcast_stream` (the same state store, watermark and restart), but a day's row is
    emitted once, when no row Spark still accepts can change it: when the station's own hours
    pass the day's end plus the 7 hours its last 8-hour windows reach into the next day, by
    ``lateness``; or, for a station that stops sending rows, when the stream's watermark is 32
    hours past the station's last hour (an event-time timer; the last days of a finished
    stream come out once a row far enough ahead arrives, of any station). Each row is
    :func:`pollutrack.aqi.daily`'s row for that day on every hour received, so the stream can
    be written in ``append`` mode, to files too.

    Args:
        df: a streaming DataFrame of hourly readings.
        station: the station column (string or integer).
        time: the time column (``timestamp`` or ``timestamp_ntz``), the event time.
        lateness: as in :func:`nowcast_stream`.
        on_duplicate: as in :func:`nowcast_stream`.
        **options: :class:`~pollutrack.aqi.DailyOptions` but ``duplicates``, as
            :func:`pollutrack.aqi.daily` (``tz`` for the days' zone).

    Returns:
        A streaming DataFrame with :func:`pollutrack.aqi.daily`'s columns (``station``,
        ``date``, ...; labels as strings).

    Examples:
        >>> from pollutrack.spark import daily_stream  # doctest: +SKIP
        >>> schema = "site string, t timestamp, pm25 double"
        >>> readings = spark.readStream.schema(schema).parquet("in/")  # doctest: +SKIP
        >>> days = daily_stream(readings, station="site", time="t", tz="-05:00")  # doctest: +SKIP
        >>> query = (
        ...     days.writeStream.format("parquet").outputMode("append")
        ...     .option("path", "daily/").option("checkpointLocation", "checkpoints/daily")
        ...     .trigger(availableNow=True)
        ...     .start()
        ... )  # doctest: +SKIP
    """
    from pollutrack.spark import _stream

    settings = {"on_duplicate": on_duplicate, **options}
    return _stream.stream(
        df,
        "daily_stream",
        emit="daily",
        station=station,
        time=time,
        lateness=lateness,
        settings=settings,
    )


def stream_counts(spark: SparkSession, checkpoint: str, *, operator: int = 0) -> DataFrame:
    """What each station's rows became in a :func:`nowcast_stream` or :func:`daily_stream` query.

    Read from the query's checkpoint (Spark's ``statestore`` data source, at the last committed
    micro-batch): one row per station with ``rows`` (the rows that reached its state),
    ``late`` and ``duplicate`` (those it set aside: a row too far behind the station's own
    latest hour, or a station-hour it already had). Rows at or before the watermark never reach
    the state: Spark counts them as ``numRowsDroppedByWatermark`` in the query's progress.

    Args:
        spark: the session.
        checkpoint: the query's ``checkpointLocation``.
        operator: the operator's id in the query (0 when it is the query's only stateful one).

    Returns:
        A DataFrame: the station column, ``rows``, ``late``, ``duplicate``.

    Examples:
        >>> from pollutrack.spark import stream_counts  # doctest: +SKIP
        >>> stream_counts(spark, "checkpoints/nowcast").show()  # doctest: +SKIP
        +----+----+----+---------+
        |site|rows|late|duplicate|
        +----+----+----+---------+
        |   A| 812|   1|        0|
        +----+----+----+---------+
    """
    from pyspark.sql import functions as sf

    from pollutrack.spark._stream import COUNTS

    state = (
        spark.read.format("statestore")
        .option("operatorId", operator)
        .option("stateVarName", COUNTS)
        .load(checkpoint)
    )
    return state.select(sf.col("key.*"), sf.col("value.*"))
