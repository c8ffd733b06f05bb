"""US EPA air quality index on Arrow data, computed in parallel Rust.

Every rule follows the US EPA Technical Assistance Document (truncation per pollutant, exact
half-up rounding, the O3 8-h/1-h and SO2 1-h/24-h rules, concentrations above the table).
See the README section "AQI" for the full list of rules, statuses and options.

Example:
    >>> import pyarrow as pa
    >>> import pollutrack as pt
    >>> out = pt.aqi.compute(pa.table({"pm25": [35.49, 9.05, None], "pm10": [20.0, 160.0, None]}))
    >>> out.column("aqi").to_pylist()
    [100, 103, None]
    >>> out.column("aqi_dominant").to_pylist()
    ['pm25', 'pm10', None]
    >>> out.column("aqi_status").to_pylist()
    ['ok', 'ok', 'no_data']
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
import pyarrow as pa

from pollutrack import _core
from pollutrack._input import as_arrow_tabular, as_reader
from pollutrack.aqi_hourly import daily, nowcast, rolling

__all__ = [
    "breakpoints",
    "categories",
    "compute",
    "compute_stream",
    "concentration",
    "daily",
    "nowcast",
    "rolling",
    "standards",
    "subindex",
]

Beyond = Literal["extend", "cap", "null"]
OnInvalid = Literal["flag", "raise"]


def compute(
    data: Any,
    *,
    standard: str = "us_epa_2024",
    columns: Mapping[str, str | None] | None = None,
    units: Mapping[str, str] | None = None,
    subindices: bool = False,
    on_invalid: OnInvalid = "flag",
    beyond: Beyond = "extend",
) -> pa.Table:
    """Computes the AQI, its category, dominant pollutant and a status for every row.

    Args:
        data: pyarrow Table, RecordBatch or RecordBatchReader, a polars or pandas DataFrame,
            a dict of columns, or any object with ``__arrow_c_stream__``/``__arrow_c_array__``.
        standard: ``"us_epa_2024"`` (default), ``"us_epa_2012"`` or ``"us_epa_1999"``
            (PM2.5 only); see :func:`standards`.
        columns: pollutant key -> column name, overriding recognition (``None`` leaves a
            pollutant out). Keys: pm25, pm10, o3_8h (or o3), o3_1h, co, so2_1h (or so2),
            so2_24h, no2.
        units: pollutant key -> unit of that column (``ug/m3``, ``mg/m3``, ``ppb``, ``ppm``);
            gases are converted at 25 °C before truncation. "o3"/"so2" set both periods.
        subindices: also append ``aqi_<pollutant>`` (int32) per pollutant present.
        on_invalid: ``"flag"`` marks bad rows in ``aqi_status``; ``"raise"`` raises
            :class:`~pollutrack.InvalidValueError` naming the first bad row and column.
        beyond: above the top breakpoint: ``"extend"`` the top band's slope, ``"cap"`` at
            500, or ``"null"`` (the row's AQI becomes null). Status ``beyond_index`` in all.

    Returns:
        The input columns untouched, then ``aqi`` (int32), ``aqi_category``,
        ``aqi_dominant`` and ``aqi_status`` (dictionary-encoded strings). The schema metadata
        key ``pollutrack`` records version, standard, options, columns, units and row count.

    Example:
        >>> import pollutrack as pt
        >>> t = pt.aqi.compute({"PM2.5": [12.0, 55.5], "O3": [0.071, 0.030]}, subindices=True)
        >>> t.select(["aqi", "aqi_category", "aqi_pm25", "aqi_o3"]).to_pylist()[1]
        {'aqi': 151, 'aqi_category': 'Unhealthy', 'aqi_pm25': 151, 'aqi_o3': 28}
    """
    return _core.aqi_compute(
        as_arrow_tabular(data),
        standard=standard,
        columns=dict(columns) if columns is not None else None,
        units=dict(units) if units is not None else None,
        subindices=subindices,
        on_invalid=on_invalid,
        beyond=beyond,
    )


def compute_stream(
    data: Any,
    *,
    standard: str = "us_epa_2024",
    columns: Mapping[str, str | None] | None = None,
    units: Mapping[str, str] | None = None,
    subindices: bool = False,
    on_invalid: OnInvalid = "flag",
    beyond: Beyond = "extend",
) -> pa.RecordBatchReader:
    """Like :func:`compute`, lazily, batch by batch: memory stays bounded by the batch size.

    Column and option errors are raised at once; data errors (``on_invalid="raise"``) when the
    batch holding the bad row is read. Rows are numbered across the whole stream. The schema
    metadata cannot hold the row count, which is unknown until the stream ends.

    Example:
        >>> import pyarrow as pa
        >>> import pollutrack as pt
        >>> batches = [pa.record_batch({"pm25": [float(i)]}) for i in (5, 40)]
        >>> reader = pa.RecordBatchReader.from_batches(batches[0].schema, batches)
        >>> [b.column("aqi").to_pylist() for b in pt.aqi.compute_stream(reader)]
        [[28], [112]]
    """
    reader = as_reader(data)
    plan = _core.AqiPlan(
        reader.schema,
        standard=standard,
        columns=dict(columns) if columns is not None else None,
        units=dict(units) if units is not None else None,
        subindices=subindices,
        on_invalid=on_invalid,
        beyond=beyond,
    )
    batches = (plan.compute_batch(batch) for batch in reader)
    return pa.RecordBatchReader.from_batches(plan.schema(), batches)


def _is_scalar(values: Any) -> bool:
    return values is None or isinstance(values, numbers.Number)


def _map_array(values: Any, kernel: Any) -> Any:
    """Applies an Arrow-array kernel to scalars, sequences, numpy and Arrow inputs alike."""
    if _is_scalar(values):
        arr = pa.array([None if values is None else float(values)], type=pa.float64())
        return kernel(arr)[0].as_py()
    if isinstance(values, pa.ChunkedArray):
        out_type = kernel(pa.array([], pa.float64())).type
        return pa.chunked_array([kernel(c) for c in values.chunks], type=out_type)
    if isinstance(values, pa.Array) or hasattr(values, "__arrow_c_array__"):
        return kernel(values)
    if hasattr(values, "__arrow_c_stream__"):  # polars Series and other stream producers
        return _map_array(pa.chunked_array(values), kernel)
    arr = np.asarray(values, dtype=np.float64)
    out = kernel(pa.array(arr.ravel()))
    return np.asarray(out.to_numpy(zero_copy_only=False), dtype=np.float64).reshape(arr.shape)


def subindex(
    values: Any,
    measure: str,
    *,
    standard: str = "us_epa_2024",
    unit: str | None = None,
    beyond: Beyond = "extend",
) -> Any:
    """The sub-index of one measure for each concentration.

    Args:
        values: a number, a sequence or numpy array, or a pyarrow (Chunked)Array.
        measure: pm25, pm10, o3_8h (or o3), o3_1h, co, so2_1h (or so2), so2_24h, no2.
        standard: a name from :func:`standards`.
        unit: the unit of ``values`` when not the table's own (see :func:`compute`).
        beyond: as in :func:`compute` (``"null"`` gives no index above the table).

    Returns:
        ``int | None`` for a number; a float64 numpy array (NaN where undefined) for numpy or
        sequence input; a pyarrow int32 array (null where undefined) for Arrow input.

    Example:
        >>> import pollutrack as pt
        >>> pt.aqi.subindex(35.49, "pm25"), pt.aqi.subindex(35.5, "pm25")
        (100, 101)
        >>> pt.aqi.subindex([0.124, 0.125], "o3_1h").tolist()
        [nan, 101.0]
    """
    return _map_array(
        values,
        lambda arr: _core.aqi_subindex(arr, measure, standard=standard, unit=unit, beyond=beyond),
    )


def concentration(index: Any, measure: str, *, standard: str = "us_epa_2024") -> Any:
    """The lowest concentration whose sub-index is at least ``index`` (the band's low end).

    Concentrations are at the measure's reporting precision (PM2.5 0.1 µg/m³, O3 0.001 ppm ...)
    in the table's unit. ``None``/NaN/null where no concentration reaches the index (for
    example 8-hour ozone above 300). Input and output forms follow :func:`subindex`.

    Example:
        >>> import pollutrack as pt
        >>> pt.aqi.concentration(101, "pm25"), pt.aqi.concentration(51, "o3_8h")
        (35.5, 0.055)
    """
    return _map_array(index, lambda arr: _core.aqi_concentration(arr, measure, standard=standard))


def standards() -> list[str]:
    """The built-in standard names, the default first.

    Example:
        >>> import pollutrack as pt
        >>> pt.aqi.standards()
        ['us_epa_2024', 'us_epa_2012', 'us_epa_1999']
    """
    return list(_core.aqi_standards())


def breakpoints(standard: str = "us_epa_2024") -> pa.Table:
    """The breakpoint table of a standard: one row per measure and band.

    Columns: measure, averaging, unit, aqi_lo, aqi_hi, conc_lo, conc_hi, category.

    Example:
        >>> import pyarrow.compute as pc
        >>> import pollutrack as pt
        >>> bp = pt.aqi.breakpoints("us_epa_2024")
        >>> bp.filter(pc.field("measure") == "pm25").column("conc_hi").to_pylist()
        [9.0, 35.4, 55.4, 125.4, 225.4, 325.4]
    """
    return _core.aqi_breakpoints(standard)


def categories(standard: str = "us_epa_2024") -> pa.Table:
    """The categories of a standard with their official colours.

    Columns: category, aqi_lo, aqi_hi (null for the open-ended top), colour, hex.

    Example:
        >>> import pollutrack as pt
        >>> pt.aqi.categories().column("hex").to_pylist()[:2]
        ['#00E400', '#FFFF00']
    """
    return _core.aqi_categories(standard)
