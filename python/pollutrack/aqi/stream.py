"""The NowCast and daily AQI of a stream of hourly readings: :class:`HourlyState`.

Batches of readings (any stations, hours and order) go in through :meth:`HourlyState.update`;
out come the NowCast rows the batch made or may have changed, or the days it finished, with the
columns and values of :func:`pollutrack.aqi.nowcast` / :func:`pollutrack.aqi.daily`. The state
keeps only the hours the windows still need and saves to bytes, so a consumer loop can stop and
resume exactly where it was.
"""

from __future__ import annotations

from typing import Any, Literal, Unpack

import pyarrow as pa

from pollutrack import _core
from pollutrack._frames import Output, from_native
from pollutrack._input import as_arrow_tabular
from pollutrack.aqi.options import DailyOptions, _hourly_options

__all__ = ["HourlyState"]

Emit = Literal["nowcast", "daily"]
Policy = Literal["drop", "raise"]


class HourlyState:
    """The incremental NowCast or daily AQI of one stream of hourly station readings.

    A reading's hour is found by timestamp, as in :func:`pollutrack.aqi.nowcast`. The stream's
    *watermark* is the latest hour received (any station) minus ``lateness``; it moves at the
    end of each update, so rows within one batch never make each other late.

    - ``emit="nowcast"``: :meth:`update` returns one row per (station, hour) whose NowCast the
      batch made or may have changed: the hours of the batch's own rows and the hours already
      received whose 12-hour window (8 for ozone) holds one of them (a late row changes up to 11
      later hours). Rows are in station order (first appearance in the stream), then hour.
    - ``emit="daily"``: a day is returned once it can no longer change: when the watermark has
      passed the day's end plus the 7 hours its last 8-hour windows reach into the next day.
      :meth:`flush` returns the days still open.

    Equivalence: for any split of a history into batches, in order or with rows late within
    ``lateness``, the last row emitted per (station, hour) or (station, day) equals
    :func:`~pollutrack.aqi.nowcast` / :func:`~pollutrack.aqi.daily` on the whole history.

    Args:
        station: the station column of every batch (string or integer ids).
        time: the timestamp column (with a zone or naive, the same throughout the stream).
        emit: ``"nowcast"`` (default) or ``"daily"``.
        lateness: allowed lateness in hours (default 3): a row older than the watermark of the
            batches before it is late.
        on_late: ``"drop"`` (default: set aside in :attr:`set_aside` and counted) or
            ``"raise"`` (:class:`~pollutrack.InvalidValueError`; the state is left unchanged).
        on_duplicate: the same for a second row of a (station, hour) already received (the
            first row received is kept).
        output: ``"native"`` (default: results in the kind of each batch) or ``"arrow"``.
        **options: :class:`~pollutrack.aqi.DailyOptions` but ``duplicates``: pollutants,
            units, standard, ``tz`` (daily only) and ``na_values``.

    Examples:
        >>> import datetime as dt
        >>> import pyarrow as pa
        >>> import pollutrack as pt
        >>> state = pt.aqi.HourlyState(station="site", time="t", pollutants=["pm25"])
        >>> pm25 = [10.0] * 9 + [20.0, 40.0, 80.0]  # reference example N01, one row an hour
        >>> for h, c in enumerate(pm25):
        ...     hour = dt.datetime(2024, 1, 1, h, tzinfo=dt.UTC)
        ...     out = state.update(pa.table({"site": ["A"], "t": [hour], "pm25": [c]}))
        >>> out.select(["pm25_nowcast", "nowcast_aqi"]).to_pylist()
        [{'pm25_nowcast': 53.7, 'nowcast_aqi': 146}]
        >>> state.counts, state.stations
        ({'late': 0, 'duplicate': 0, 'rows': 12}, 1)
    """

    __slots__ = ("_core", "_output", "_set_aside")

    def __init__(
        self,
        *,
        station: str,
        time: str,
        emit: Emit = "nowcast",
        lateness: int = 3,
        on_late: Policy = "drop",
        on_duplicate: Policy = "drop",
        output: Output = "native",
        **options: Unpack[DailyOptions],
    ) -> None:
        if "duplicates" in options:
            raise TypeError(
                "HourlyState() takes on_duplicate='drop' or 'raise', not duplicates= "
                "(a stream keeps the first row of a station-hour)"
            )
        if isinstance(lateness, bool) or not isinstance(lateness, int) or lateness < 0:
            raise TypeError(f"lateness must be a whole number of hours >= 0, not {lateness!r}")
        from_native(None, output)  # checks output
        core: dict[str, object] = {
            "station": station,
            "time": time,
            **_hourly_options("HourlyState", options, DailyOptions),
            "emit": emit,
            "lateness": lateness,
            "on_late": on_late,
            "on_duplicate": on_duplicate,
        }
        self._core = _core.aqi.HourlyState(core)
        self._output: Output = output
        self._set_aside = _empty_set_aside()

    def update(self, batch: Any) -> Any:
        """Takes the readings that arrived; returns the rows this batch made or changed.

        Args:
            batch: any Arrow tabular input (pyarrow Table or RecordBatch, pandas, polars).

        Returns:
            The batch's kind (as :func:`pollutrack.aqi.nowcast` gives it; pandas with a
            default index): NowCast rows (station, time, the pollutant columns, then the
            columns :func:`~pollutrack.aqi.nowcast` appends) or finished days (the columns of
            :func:`~pollutrack.aqi.daily`).
        """
        data, native = from_native(batch, self._output)
        out, set_aside = self._core.update(as_arrow_tabular(data))
        self._set_aside = set_aside
        return native.to_native(out, same_rows=False)

    def flush(self) -> pa.Table:
        """Ends the stream: the days still open (daily), as a pyarrow Table.

        Later rows for the flushed days are late. A NowCast stream has nothing pending: an
        empty table with the NowCast columns.
        """
        table: pa.Table = self._core.flush()
        return table

    @property
    def set_aside(self) -> pa.Table:
        """The rows the last :meth:`update` set aside, as a pyarrow Table.

        The input's station, time and pollutant columns, and ``reason`` (``"late"`` or
        ``"duplicate"``).
        """
        return self._set_aside

    @property
    def counts(self) -> dict[str, int]:
        """Rows received (``rows``) and set aside (``late``, ``duplicate``) since the start."""
        counts: dict[str, int] = self._core.counts
        return counts

    @property
    def stations(self) -> int:
        """How many stations the stream has seen."""
        return int(self._core.stations)

    @property
    def nbytes(self) -> int:
        """Approximate bytes of the state (keys and the hours kept)."""
        return int(self._core.nbytes)

    @property
    def options(self) -> dict[str, object]:
        """The options the state was made with (what :meth:`from_bytes` restores)."""
        options: dict[str, object] = self._core.options
        return options

    def to_bytes(self) -> bytes:
        """The whole state (options included) as versioned bytes, for :meth:`from_bytes`."""
        return bytes(self._core.to_bytes())

    @classmethod
    def from_bytes(cls, data: bytes, *, output: Output = "native") -> HourlyState:
        """The state saved by :meth:`to_bytes`, exactly.

        Raises:
            InvalidSpecError: bytes that are not an ``HourlyState`` of this format version.
        """
        from_native(None, output)
        state = cls.__new__(cls)
        state._core = _core.aqi.HourlyState.from_bytes(bytes(data))
        state._output = output
        state._set_aside = _empty_set_aside()
        return state

    def __reduce__(self) -> tuple[Any, tuple[bytes, Output]]:
        # Pickling (multiprocessing, Spark closures) goes through the versioned bytes.
        return (_restore, (self.to_bytes(), self._output))

    def __repr__(self) -> str:
        o = self.options
        return (
            f"HourlyState(emit={o['emit']!r}, stations={self.stations}, "
            f"rows={self.counts['rows']}, nbytes={self.nbytes})"
        )


def _restore(data: bytes, output: Output) -> HourlyState:
    return HourlyState.from_bytes(data, output=output)


def _empty_set_aside() -> pa.Table:
    return pa.table({"reason": pa.array([], pa.string())})
