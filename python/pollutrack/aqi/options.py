"""The options of the AQI functions, each set declared once as a ``TypedDict``.

:func:`pollutrack.aqi.compute`, :func:`~pollutrack.aqi.compute_stream`, the Spark functions and
the command line take :class:`AqiOptions`; :func:`~pollutrack.aqi.compare` its
:class:`ColumnOptions`; :func:`~pollutrack.aqi.nowcast` :class:`HourlyOptions`,
:func:`~pollutrack.aqi.daily` :class:`DailyOptions` and :func:`~pollutrack.aqi.rolling`
:class:`RollingOptions`. Every key may be left out; the defaults below are applied by the
Rust core, the one place they are written.

Examples:
    >>> import pollutrack as pt
    >>> options: pt.aqi.AqiOptions = {"standard": "us_epa_2012", "subindices": True}
    >>> pt.aqi.compute({"pm25": [12.1]}, **options).column("aqi_pm25").to_pylist()
    [51]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, TypedDict

from pollutrack._options import checked
from pollutrack.aqi.standard import Standard, standard_arg

__all__ = [
    "AqiOptions",
    "Beyond",
    "ColumnOptions",
    "DailyOptions",
    "Duplicates",
    "HourlyOptions",
    "Negative",
    "OnInvalid",
    "RollingOptions",
]

Beyond = Literal["extend", "cap", "null"]
Negative = Literal["zero", "null"]
OnInvalid = Literal["flag", "raise"]
Duplicates = Literal["error", "first", "last", "mean"]


class ColumnOptions(TypedDict, total=False):
    """Which columns hold which measures, and in which units (:func:`~pollutrack.aqi.compare`).

    Attributes:
        columns: measure key -> column name, overriding recognition (``None`` leaves a
            measure out). US EPA keys: pm25, pm10, o3_8h (or o3), o3_1h, co, so2_1h (or so2),
            so2_24h, no2; other standards' keys are listed by :func:`~pollutrack.aqi.standards`.
            Default: recognise the column names.
        units: measure or pollutant key -> unit of that column (``ug/m3``, ``mg/m3``, ``ppb``,
            ``ppm``), converted before rounding; a pollutant key sets all its periods.
            Default: every column in its table's unit.
        temperature: 25 or 20 (°C) for µg/m³ <-> ppb/ppm. Default (``None``): the standard's
            own (25 US, India, China, Canada; 20 EU, UK).
    """

    columns: Mapping[str, str | None] | None
    units: Mapping[str, str] | None
    temperature: int | None


class AqiOptions(ColumnOptions, total=False):
    """The options of :func:`~pollutrack.aqi.compute`: :class:`ColumnOptions` and these.

    Attributes:
        standard: a name from :func:`~pollutrack.aqi.standard_names` or a
            :class:`~pollutrack.aqi.Standard` (built-in or custom). Default ``"us_epa_2024"``.
        subindices: also append ``aqi_<pollutant>`` (int32) per pollutant present
            (``ca_aqhi``: ``aqi_value``, the unrounded index). Default ``False``.
        on_invalid: ``"flag"`` (default) marks bad rows in ``aqi_status``; ``"raise"`` raises
            :class:`~pollutrack.InvalidValueError` naming the first bad row and column.
        beyond: above the top breakpoint: ``"extend"`` the top row's slope, ``"cap"`` at the
            top index, or ``"null"`` (the row's index becomes null); status ``beyond_index``.
            Default (``None``): the standard's own (US EPA extend; India, China, EEA cap).
        negative: a negative concentration: ``"zero"`` rates it as 0 (status
            ``negative_as_zero``; EPA publishes AQI 0 for slightly negative daily values), or
            ``"null"`` gives it no sub-index (status ``negative``; the row's index comes from
            its other pollutants). Default (``None``): the standard's own (US EPA zero; every
            other standard null).
    """

    standard: str | Standard
    subindices: bool
    on_invalid: OnInvalid
    beyond: Beyond | None
    negative: Negative | None


class RollingOptions(TypedDict, total=False):
    """The options of :func:`~pollutrack.aqi.rolling`, which every hourly function shares.

    Attributes:
        duplicates: two rows of one station in one hour: ``"error"`` (default, naming the
            station, hour and rows), ``"first"``, ``"last"`` or ``"mean"`` (of the valid values).
        na_values: sentinel readings that mean "no reading" (AirNow and many station exports
            write ``-999`` or ``-9999``): a reading equal to one of them, as given (before any
            unit conversion), is missing, exactly as a null. Default: none.
    """

    duplicates: Duplicates
    na_values: list[float] | None


class HourlyOptions(RollingOptions, total=False):
    """The options of :func:`~pollutrack.aqi.nowcast`: :class:`RollingOptions` and these.

    Attributes:
        pollutants: pollutant -> column (keys pm25, pm10, o3, co, so2, no2), or a list of keys
            (each under its own name). Default: recognise the column names.
        units: pollutant -> unit of its column (ozone is rated in ppm; ``{"o3": "ppb"}``).
            Default: each pollutant in its table's unit.
        standard: the AQI table, a name or a :class:`~pollutrack.aqi.Standard`.
            Default ``"us_epa_2024"``.
    """

    pollutants: Mapping[str, str] | list[str] | None
    units: Mapping[str, str] | None
    standard: str | Standard


class DailyOptions(HourlyOptions, total=False):
    """The options of :func:`~pollutrack.aqi.daily`: :class:`HourlyOptions` and ``tz``.

    Attributes:
        tz: time zone for days (IANA name or offset such as ``"+08:00"``). Default (``None``):
            the time column's zone; timestamps without a zone are already local.
    """

    tz: str | None


def _aqi_options(function: str, options: AqiOptions) -> dict[str, object]:
    """``options`` for ``_core.aqi`` (``compute``, ``Plan``): checked, the standard as its argument.

    Examples:
        >>> import pollutrack as pt
        >>> _aqi_options("compute", {"standard": pt.aqi.Standard("in_naqi"), "subindices": True})
        {'standard': 'in_naqi', 'subindices': True}
    """
    out = checked(function, options, AqiOptions)
    if "standard" in options:
        out["standard"] = standard_arg(options["standard"])
    return out


def _hourly_options(
    function: str, options: HourlyOptions, declared: type = HourlyOptions
) -> dict[str, object]:
    """``options`` (of ``declared``, a subclass of :class:`HourlyOptions`) for ``_core.aqi``.

    Examples:
        >>> _hourly_options("daily", {"pollutants": ["pm25"], "tz": "+08:00"}, DailyOptions)
        {'pollutants': {'pm25': 'pm25'}, 'tz': '+08:00'}
    """
    out = checked(function, options, declared)
    if "standard" in options:
        out["standard"] = standard_arg(options["standard"])
    pollutants = options.get("pollutants")
    if pollutants is not None and not isinstance(pollutants, Mapping):
        # A list of keys means "these pollutants, under their usual column names".
        out["pollutants"] = {key: key for key in pollutants}
    return out
