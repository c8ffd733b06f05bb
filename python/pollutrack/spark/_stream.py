"""NowCast and daily AQI on a Structured Streaming DataFrame: one ``HourlyState`` per station.

``groupBy(station).transformWithStateInPandas`` keeps each station's
:class:`pollutrack.aqi.HourlyState` as its bytes (``to_bytes``) in Spark's state store, so each
micro-batch continues the windows where the last one stopped, and a query restarted from its
checkpoint continues from the last committed micro-batch. The event-time watermark
(``lateness`` hours) drops the rows the state could no longer take; an event-time timer per
station closes what the watermark has made final once the station stops sending rows.

Imported by :func:`pollutrack.spark.nowcast_stream` and :func:`~pollutrack.spark.daily_stream`
only, as it needs pyspark's stateful processor at import.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pyarrow as pa
from pyspark.sql.streaming.stateful_processor import StatefulProcessor

from pollutrack.aqi import HourlyState
from pollutrack.exceptions import ColumnNotFoundError, InvalidSpecError, UnsupportedTypeError
from pollutrack.spark._arrow import (
    arrow_schema,
    fit_threads_to_task,
    large_strings,
    lookup_safe,
    plain,
    spark_schema,
    to_arrow,
)

if TYPE_CHECKING:
    from pyspark.sql import DataFrame
    from pyspark.sql.streaming.stateful_processor import (
        ExpiredTimerInfo,
        StatefulProcessorHandle,
        TimerValues,
    )

HOUR_MS = 3_600_000
# Once the watermark is this far past a station's last hour, no row Spark still accepts can
# change what the station's state holds: NowCast windows look back 12 hours; the day of that
# hour (cut in any zone, so ending at most 24 hours later) also needs the 7 hours its last
# 8-hour windows reach into the next day.
HORIZON_HOURS = {"nowcast": 12, "daily": 24 + 8}
# NowCast rows are re-emitted when a late row changes them (the last one per station and hour
# holds); a daily row is emitted once, when it can no longer change.
OUTPUT_MODE = {"nowcast": "Update", "daily": "Append"}
# The state variables, by name: a checkpoint's state is read back by these.
STATE, COUNTS = "hourly_state", "counts"
COUNTED = ("rows", "late", "duplicate")


def stream(
    df: DataFrame,
    function: str,
    *,
    emit: str,
    station: str,
    time: str,
    lateness: int,
    settings: dict[str, Any],
) -> DataFrame:
    """`df` through one ``HourlyState(emit=emit, **settings)`` per `station`."""
    from pyspark.sql import functions as sf

    if not df.isStreaming:
        raise InvalidSpecError(
            f"{function} runs on a streaming DataFrame (spark.readStream); on stored hours use "
            f"pollutrack.spark.{function.removesuffix('_stream')}"
        )
    if isinstance(lateness, bool) or not isinstance(lateness, numbers.Integral) or lateness < 0:
        # The error HourlyState gives for the same value.
        raise TypeError(
            f"{function}: lateness must be a whole number of hours >= 0, not {lateness!r}"
        )
    if "duplicates" in settings:
        raise TypeError(
            f"{function}() takes on_duplicate='drop' or 'raise', not duplicates= (a stream "
            f"keeps the first row of a station-hour)"
        )
    for role, name in (("station", station), ("time", time)):
        if name not in df.columns:
            raise ColumnNotFoundError(f"{function}: no {role} column {name!r} in {df.columns}")
    kind = df.schema[time].dataType.typeName()
    if kind not in ("timestamp", "timestamp_ntz"):
        raise UnsupportedTypeError(
            f"{function}: the time column {time!r} is {kind}, not a timestamp; an event-time "
            f"watermark needs one (to_timestamp makes one from text)"
        )
    large = large_strings(df)
    arrow_in = arrow_schema(df, large)
    kwargs = {"station": station, "time": time, "emit": emit, "lateness": int(lateness), **settings}
    spark_out = spark_schema(plain(_probe(kwargs, arrow_in, station, time), large))

    safe, _ = lookup_safe(df)  # pandas columns are taken by position
    position = df.columns.index(time)
    key, event = safe.columns[df.columns.index(station)], safe.columns[position]
    exact = None
    if kind == "timestamp":
        # pandas gets zoned times as wall-clock times in the session's zone, which repeat when
        # the clocks go back: the exact instants travel beside them, in microseconds.
        exact = _spare(safe.columns, "__pollutrack_time_us")
        safe = safe.withColumn(exact, sf.unix_micros(sf.col(event)))
    else:
        # A watermark needs a zoned timestamp: the wall-clock time read as UTC, so the
        # watermark and the timers count the same hours as the column.
        wall = sf.col(event)
        fields = (sf.year, sf.month, sf.dayofmonth, sf.hour, sf.minute, sf.second)
        event = _spare(safe.columns, "__pollutrack_event_time")
        utc = sf.make_timestamp(*(field(wall) for field in fields), sf.lit("UTC"))
        safe = safe.withColumn(event, utc)
    frames = Frames(arrow_in, to_arrow(spark_out, "UTC", large), position, exact is not None)
    processor = StationState(kwargs, frames, HORIZON_HOURS[emit] * HOUR_MS)
    return (
        safe.withWatermark(event, f"{int(lateness)} hours")
        .groupBy(key)
        .transformWithStateInPandas(
            statefulProcessor=processor,
            outputStructType=spark_out,
            outputMode=OUTPUT_MODE[emit],
            timeMode="EventTime",
        )
    )


def _probe(kwargs: dict[str, Any], schema: pa.Schema, station: str, time: str) -> pa.Schema:
    """The output's schema, from one row of no readings (an empty batch gives no columns).

    On the driver, so bad options and columns fail before the query starts.
    """
    columns = [
        pa.array([0]).cast(f.type) if f.name in (station, time) else pa.nulls(1, f.type)
        for f in schema
    ]
    state = HourlyState(**kwargs)
    out = state.update(pa.Table.from_arrays(columns, schema=schema))
    schema_out: pa.Schema = (state.flush() if kwargs["emit"] == "daily" else out).schema
    return schema_out


def _spare(columns: list[str], stem: str) -> str:
    """A column name not in `columns`."""
    name = stem
    while name in columns:
        name += "_"
    return name


class Frames:
    """pandas from Spark -> the Arrow table a state takes; its output -> pandas for Spark.

    Args:
        arrow_in: the DataFrame's Arrow schema (real names; zoned times in the session's zone).
        out: the output's Arrow schema, zoned times in UTC (Spark reads aware times exactly).
        time: the time column's position.
        exact: the exact instants follow the input's columns, in microseconds since the epoch.
    """

    def __init__(self, arrow_in: pa.Schema, out: pa.Schema, time: int, exact: bool) -> None:
        self.arrow_in, self.out, self.time, self.exact = arrow_in, out, time, exact

    def table(self, frames: Iterator[Any]) -> pa.Table:
        """One micro-batch's rows of one station (pandas parts), with the input's types."""
        return pa.concat_tables([self._part(frame) for frame in frames])

    def _part(self, frame: Any) -> pa.Table:
        arrays = []
        for position, field in enumerate(self.arrow_in):
            if position == self.time and self.exact:
                micros = pa.array(frame.iloc[:, len(self.arrow_in)].to_numpy(), pa.int64())
                arrays.append(micros.cast(pa.timestamp("us", "UTC")).cast(field.type))
            else:
                arrays.append(pa.Array.from_pandas(frame.iloc[:, position], type=field.type))
        return pa.Table.from_arrays(arrays, schema=self.arrow_in)

    def frame(self, table: pa.Table) -> Any:
        """The state's output, as pandas Spark reads back to the same values."""
        return table.cast(self.out).to_pandas()


class StationState(StatefulProcessor):
    """One station's ``HourlyState`` across micro-batches, saved as its bytes.

    A timer at the station's last hour plus the horizon: when the watermark passes it, no row
    Spark accepts can reach the state any more, so the daily state emits its open days
    (``flush``) and either state is cleared (a station that comes back starts afresh, which
    gives the same rows, as its windows then hold none of the old hours).
    """

    def __init__(self, kwargs: dict[str, Any], frames: Frames, horizon_ms: int) -> None:
        self.kwargs, self.frames, self.horizon_ms = kwargs, frames, horizon_ms

    def init(self, handle: StatefulProcessorHandle) -> None:
        """The state variables: the station's ``HourlyState.to_bytes()`` and its counts."""
        self.handle = handle
        self.saved = handle.getValueState(STATE, "state binary")
        # Kept when the state is cleared: what the station's rows became, for stream_counts.
        self.counts = handle.getValueState(COUNTS, ", ".join(f"{c} long" for c in COUNTED))

    def handleInputRows(  # noqa: N802 (pyspark's names)
        self,
        key: Any,
        rows: Iterator[Any],
        timerValues: TimerValues,  # noqa: N803
    ) -> Iterator[Any]:
        """The station's rows of this micro-batch through its state: the rows it emits."""
        fit_threads_to_task()
        table = self.frames.table(rows)
        state = self._load()
        out = state.update(table)
        self.saved.update((state.to_bytes(),))
        self._count(table.num_rows, state.set_aside)
        self._move_timer(table)
        if out.num_rows:
            yield self.frames.frame(out)

    def handleExpiredTimer(  # noqa: N802
        self,
        key: Any,
        timerValues: TimerValues,  # noqa: N803
        expiredTimerInfo: ExpiredTimerInfo,  # noqa: N803
    ) -> Iterator[Any]:
        """The watermark passed the station's horizon: what stays open is final; then clear."""
        if self.saved.exists():
            out = self._load().flush()
            self.saved.clear()
            if out.num_rows:
                yield self.frames.frame(out)

    def close(self) -> None:
        """Nothing to release."""

    def _load(self) -> Any:
        saved = self.saved.get() if self.saved.exists() else None
        if saved is None:
            return HourlyState(**self.kwargs)
        return HourlyState.from_bytes(bytes(saved[0]))

    def _count(self, rows: int, set_aside: pa.Table) -> None:
        """Adds this micro-batch's rows, and those the state set aside by reason."""
        import pyarrow.compute as pc

        before = (self.counts.get() if self.counts.exists() else None) or (0,) * len(COUNTED)
        reasons = pc.value_counts(set_aside.column("reason")).to_pylist()
        by_reason = {r["values"]: r["counts"] for r in reasons}
        now = [rows, *(by_reason.get(reason, 0) for reason in COUNTED[1:])]
        self.counts.update(tuple(int(a) + b for a, b in zip(before, now, strict=True)))

    def _move_timer(self, table: pa.Table) -> None:
        """One timer per station: at its last hour (so far) plus the horizon."""
        import pyarrow.compute as pc

        last = pc.max(table.column(self.frames.time).cast(pa.timestamp("us", "UTC")))
        latest = last.value // 1000 if last.is_valid else None
        for timer in list(self.handle.listTimers()):
            previous = timer - self.horizon_ms
            latest = previous if latest is None else max(latest, previous)
            self.handle.deleteTimer(timer)
        if latest is not None:
            self.handle.registerTimer(latest + self.horizon_ms)
