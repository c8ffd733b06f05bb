"""From hourly station readings to reported values: NowCast, daily AQI and rolling means.

These are re-exported as ``pt.aqi.nowcast``, ``pt.aqi.daily`` and ``pt.aqi.rolling``. Hours are
found by timestamp, not by row position, so gaps, unsorted rows and interleaved stations give
the same answer. Timestamps with a zone are instants; without one, local wall-clock times.
"""

from __future__ import annotations

from typing import Any, Unpack

from pollutrack import _core
from pollutrack._frames import Output, from_native
from pollutrack._input import as_arrow_tabular
from pollutrack._options import checked
from pollutrack.aqi.options import DailyOptions, HourlyOptions, RollingOptions, _hourly_options

__all__ = ["daily", "nowcast", "rolling"]


def nowcast(
    data: Any,
    *,
    station: str,
    time: str,
    output: Output = "native",
    **options: Unpack[HourlyOptions],
) -> Any:
    """The hourly NowCast of PM2.5, PM10 and (legacy method) ozone for every row.

    PM: the 12 most recent hours, weight ``max(c_min / c_max, 0.5)``; ozone: the legacy weighted
    method (8 hours, no minimum weight, in ppm). Either needs 2 of the 3 most recent hours.

    Args:
        data: hourly readings (any Arrow tabular input) with a station and a timestamp column.
        station: the station column (string, integer or dictionary).
        time: the timestamp column.
        output: ``"native"`` (default) or ``"arrow"``, as in :func:`pollutrack.aqi.compute`.
        **options: :class:`~pollutrack.aqi.HourlyOptions`: which pollutants (pm25, pm10, o3),
            their units, what two rows in one hour mean, the table of the NowCast AQI.

    Returns:
        The input's kind, as from :func:`pollutrack.aqi.compute` (a pandas index kept).
        The input rows in their order with, per pollutant, ``<p>_nowcast`` (truncated: PM2.5 to
        0.1, PM10 to 1 µg/m³, ozone to 0.001 ppm; null when not valid), ``<p>_nowcast_weight``
        and ``<p>_nowcast_valid`` (ozone's prefix is ``o3_nowcast_legacy``), then
        ``nowcast_aqi``, ``nowcast_aqi_category``, ``nowcast_aqi_dominant``,
        ``nowcast_aqi_status`` and one ``nowcast_aqi_<p>`` per pollutant.

    Examples:
        >>> import datetime as dt
        >>> import pyarrow as pa
        >>> import pollutrack as pt
        >>> hours = [dt.datetime(2024, 1, 1, h, tzinfo=dt.UTC) for h in range(12)]
        >>> pm25 = [10.0] * 9 + [20.0, 40.0, 80.0]  # reference example N01
        >>> out = pt.aqi.nowcast(pa.table({"site": ["A"] * 12, "t": hours, "pm25": pm25}),
        ...                      station="site", time="t")
        >>> out.select(["pm25_nowcast", "pm25_nowcast_weight", "nowcast_aqi"]).to_pylist()[-1]
        {'pm25_nowcast': 53.7, 'pm25_nowcast_weight': 0.5, 'nowcast_aqi': 146}
    """
    data, native = from_native(data, output)
    core = {"station": station, "time": time, **_hourly_options("nowcast", options)}
    table = _core.aqi.nowcast(as_arrow_tabular(data), core)
    return native.to_native(table)


def daily(
    data: Any,
    *,
    station: str,
    time: str,
    output: Output = "native",
    **options: Unpack[DailyOptions],
) -> Any:
    """One row per station and local day: the daily averages, their completeness and the AQI.

    Days are local standard time (EPA: midnight to midnight LST, no daylight saving). Rules:
    24-hour means (PM2.5, PM10, SO2) and daily 1-hour maxima (NO2, SO2) need 18 of 24 hours;
    an 8-hour mean needs 6 of 8 hours; the daily maximum 8-hour ozone uses the 17 windows
    starting 07:00-23:00 and needs 13 of them; the daily maximum 8-hour CO uses the 24 windows
    starting in the day and needs 18. A value that fails its rule is null.

    Args:
        data: hourly readings with a station and a timestamp column.
        station: the station column.
        time: the timestamp column.
        output: ``"native"`` (default) or ``"arrow"``, as in :func:`pollutrack.aqi.compute`.
        **options: :class:`~pollutrack.aqi.DailyOptions`: those of :func:`nowcast` (here
            pollutants pm25, pm10, o3, co, so2, no2) and the days' time zone.

    Returns:
        The input's kind, as from :func:`pollutrack.aqi.compute`; from pandas with a default
        RangeIndex, since the rows are days, not input rows. The columns:
        ``station``, ``date``, then per pollutant present ``pm25_24h``/``pm25_hours``,
        ``pm10_24h``/``pm10_hours``, ``o3_8h_max``/``o3_8h_windows``,
        ``co_8h_max``/``co_8h_windows``, ``no2_1h_max``/``no2_hours``,
        ``so2_1h_max``/``so2_hours``/``so2_24h``; ``day_status`` (complete, incomplete,
        no_data), ``day_issues`` (which rule failed), then the AQI columns of
        :func:`pollutrack.aqi.compute` with sub-indices.

    Examples:
        >>> import datetime as dt
        >>> import pyarrow as pa
        >>> import pollutrack as pt
        >>> hours = [dt.datetime(2024, 1, 1) + dt.timedelta(hours=h) for h in range(48)]
        >>> pm25 = [40.0] * 24 + [40.0] * 17 + [None] * 7  # day 2 has 17 valid hours
        >>> out = pt.aqi.daily(pa.table({"site": ["A"] * 48, "t": hours, "pm25": pm25}),
        ...                    station="site", time="t")
        >>> out.select(["pm25_24h", "pm25_hours", "aqi", "day_status"]).to_pylist()[0]
        {'pm25_24h': 40.0, 'pm25_hours': 24, 'aqi': 112, 'day_status': 'complete'}
        >>> out.column("day_issues")[1].as_py()
        'pm25_24h: 17 of 24 hours (needs 18)'
    """
    data, native = from_native(data, output)
    core = {"station": station, "time": time, **_hourly_options("daily", options, DailyOptions)}
    table = _core.aqi.daily(as_arrow_tabular(data), core)
    return native.to_native(table, same_rows=False)


def rolling(
    data: Any,
    *,
    station: str,
    time: str,
    column: str,
    hours: int,
    min_valid: int,
    output: Output = "native",
    **options: Unpack[RollingOptions],
) -> Any:
    """A trailing mean over the ``hours`` hours ending at each row's hour, per station.

    Returns the input rows with ``<column>_<hours>h`` (null when fewer than ``min_valid`` of
    those hours have a valid reading) and ``<column>_<hours>h_count``, in the input's kind
    as :func:`pollutrack.aqi.compute` does (``output="arrow"``: a pyarrow Table). Options:
    :class:`~pollutrack.aqi.RollingOptions`.

    Examples:
        >>> import datetime as dt
        >>> import pyarrow as pa
        >>> import pollutrack as pt
        >>> t = [dt.datetime(2024, 1, 1, h) for h in (0, 1, 3)]  # hour 2 is missing
        >>> out = pt.aqi.rolling(pa.table({"s": [1, 1, 1], "t": t, "co": [1.0, 2.0, 4.0]}),
        ...                      station="s", time="t", column="co", hours=3, min_valid=2)
        >>> out.column("co_3h").to_pylist(), out.column("co_3h_count").to_pylist()
        ([None, 1.5, 3.0], [1, 2, 2])
    """
    data, native = from_native(data, output)
    given = checked("rolling", options, RollingOptions)
    window = {"column": column, "hours": hours, "min_valid": min_valid}
    core = {"station": station, "time": time, **window, **given}
    table = _core.aqi.rolling(as_arrow_tabular(data), core)
    return native.to_native(table)
