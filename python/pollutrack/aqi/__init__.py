"""Air quality indices on Arrow data, computed in parallel Rust.

US EPA (2024, 2012 and 1999 tables) by default, and India's NAQI, China's HJ 633-2012, the
European AQI (revised and previous bands), the UK DAQI, Canada's AQHI and custom tables, each
with its own rounding rule, units and special rules. See the README sections "AQI" and
"Standards beyond the US" for the rules, statuses and options.

Examples:
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
from typing import Any, Unpack

import numpy as np
import pyarrow as pa

from pollutrack import _core
from pollutrack._frames import Output, from_native
from pollutrack._input import as_arrow_tabular, as_reader, checked_batches
from pollutrack.aqi.hourly import daily, nowcast, rolling
from pollutrack.aqi.options import (
    AqiOptions,
    Beyond,
    ColumnOptions,
    DailyOptions,
    HourlyOptions,
    Negative,
    RollingOptions,
    _aqi_options,
)
from pollutrack.aqi.purpleair import correct_purpleair
from pollutrack.aqi.standard import Standard, compare, standard_arg
from pollutrack.aqi.stream import HourlyState

__all__ = [
    "AqiOptions",
    "ColumnOptions",
    "DailyOptions",
    "HourlyOptions",
    "HourlyState",
    "RollingOptions",
    "Standard",
    "breakpoints",
    "categories",
    "compare",
    "compute",
    "compute_stream",
    "concentration",
    "correct_purpleair",
    "daily",
    "nowcast",
    "rolling",
    "standard_names",
    "standards",
    "subindex",
]


def compute(data: Any, *, output: Output = "native", **options: Unpack[AqiOptions]) -> Any:
    """Computes the AQI, its category, dominant pollutant and a status for every row.

    Args:
        data: pyarrow Table, RecordBatch or RecordBatchReader, a polars or pandas DataFrame,
            a dict of columns, or any object with ``__arrow_c_stream__``/``__arrow_c_array__``.
        output: ``"native"`` (default) returns the input's kind (see Returns); ``"arrow"``
            always a pyarrow Table.
        **options: :class:`AqiOptions` (each key and its default are documented there).

    Returns:
        The input's kind: a pandas DataFrame for pandas (the input's index kept, labels as
        ``category``, integers as nullable ``Int32``, the metadata in
        ``attrs["pollutrack"]``), a polars DataFrame for polars (labels ``Categorical``), a
        RecordBatch for a RecordBatch, else a pyarrow Table.
        The input columns untouched, then ``aqi`` (int32), ``aqi_category``,
        ``aqi_dominant`` and ``aqi_status`` (dictionary-encoded strings); China adds
        ``aqi_exceeding``, Canada's AQHI ``aqi_label``. The schema metadata key ``pollutrack``
        records version, standard, options, columns, units and row count.

    Raises:
        TypeError: an option :class:`AqiOptions` does not declare.

    Examples:
        >>> import pollutrack as pt
        >>> t = pt.aqi.compute({"PM2.5": [12.0, 55.5], "O3": [0.071, 0.030]}, subindices=True)
        >>> t.select(["aqi", "aqi_category", "aqi_pm25", "aqi_o3"]).to_pylist()[1]
        {'aqi': 151, 'aqi_category': 'Unhealthy', 'aqi_pm25': 151, 'aqi_o3': 28}
        >>> import pandas as pd
        >>> df = pd.DataFrame({"pm25": [12.0, None]}, index=pd.Index(["A", "B"], name="site"))
        >>> out = pt.aqi.compute(df)
        >>> out.index.name, out["aqi"].tolist(), out["aqi_status"].tolist()
        ('site', [56, <NA>], ['ok', 'no_data'])
        >>> str(out["aqi"].dtype), str(out["aqi_status"].dtype)
        ('Int32', 'category')
    """
    data, native = from_native(data, output)
    table = _core.aqi.compute(as_arrow_tabular(data), _aqi_options("compute", options))
    return native.to_native(table)


def compute_stream(data: Any, **options: Unpack[AqiOptions]) -> pa.RecordBatchReader:
    """Like :func:`compute`, lazily, batch by batch: memory stays bounded by the batch size.

    Takes the same :class:`AqiOptions`. Whatever the input, the result is a pyarrow
    RecordBatchReader (a pandas index is not sent, nor kept). Column and option errors are
    raised at once; data errors (``on_invalid="raise"``) when the batch holding the bad row is
    read. Rows are numbered across the whole stream. The schema metadata cannot hold the row
    count, which is unknown until the stream ends. An exception the input stream raises
    reaches the reader of the result as itself (``KeyboardInterrupt`` too), and a batch whose
    schema differs from the stream's is refused by name, not read by position.

    Examples:
        >>> import pyarrow as pa
        >>> import pollutrack as pt
        >>> batches = [pa.record_batch({"pm25": [float(i)]}) for i in (5, 40)]
        >>> reader = pa.RecordBatchReader.from_batches(batches[0].schema, batches)
        >>> [b.column("aqi").to_pylist() for b in pt.aqi.compute_stream(reader)]
        [[28], [112]]
    """
    reader = as_reader(data)
    plan = _core.aqi.Plan(reader.schema, _aqi_options("compute_stream", options))
    batches = (plan.compute_batch(batch) for batch in checked_batches(reader))
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
    standard: str | Standard = "us_epa_2024",
    unit: str | None = None,
    beyond: Beyond | None = None,
    negative: Negative | None = None,
) -> Any:
    """The sub-index of one measure for each concentration.

    Args:
        values: a number, a sequence or numpy array, or a pyarrow (Chunked)Array.
        measure: a measure key of the standard (US EPA: pm25, pm10, o3_8h or o3, o3_1h, co,
            so2_1h or so2, so2_24h, no2); see :func:`standards`.
        standard: a name from :func:`standard_names` or a :class:`Standard`.
        unit: the unit of ``values`` when not the table's own (see :func:`compute`).
        beyond: as in :func:`compute` (``"null"`` gives no index above the table).
        negative: as in :func:`compute`: ``"zero"`` rates a negative value as 0 (the US EPA
            default), ``"null"`` gives it no index (every other standard's default).

    Returns:
        ``int | None`` for a number; a float64 numpy array (NaN where undefined) for numpy or
        sequence input; a pyarrow int32 array (null where undefined) for Arrow input.

    Examples:
        >>> import pollutrack as pt
        >>> pt.aqi.subindex(35.49, "pm25"), pt.aqi.subindex(35.5, "pm25")
        (100, 101)
        >>> pt.aqi.subindex([0.124, 0.125], "o3_1h").tolist()
        [nan, 101.0]
        >>> pt.aqi.subindex(-0.4, "pm25"), pt.aqi.subindex(-0.4, "pm25", negative="null")
        (0, None)
    """
    arg = standard_arg(standard)
    return _map_array(
        values,
        lambda arr: _core.aqi.subindex(
            arr, measure, standard=arg, unit=unit, beyond=beyond, negative=negative
        ),
    )


def concentration(index: Any, measure: str, *, standard: str | Standard = "us_epa_2024") -> Any:
    """The lowest concentration whose sub-index is at least ``index`` (the band's low end).

    Concentrations are at the measure's reporting precision (PM2.5 0.1 µg/m³, O3 0.001 ppm ...)
    in the table's unit; for banded standards (EEA, UK) the band's printed lower limit.
    ``None``/NaN/null where no concentration reaches the index (for example 8-hour ozone
    above 300). Input and output forms follow :func:`subindex`.

    Examples:
        >>> import pollutrack as pt
        >>> pt.aqi.concentration(101, "pm25"), pt.aqi.concentration(51, "o3_8h")
        (35.5, 0.055)
    """
    arg = standard_arg(standard)
    return _map_array(index, lambda arr: _core.aqi.concentration(arr, measure, standard=arg))


def standard_names() -> list[str]:
    """The built-in standard names, the default first.

    Examples:
        >>> import pollutrack as pt
        >>> pt.aqi.standard_names()[:4]
        ['us_epa_2024', 'us_epa_2012', 'us_epa_1999', 'in_naqi']
    """
    return list(_core.aqi.standard_ids())


def standards() -> pa.Table:
    """Every built-in standard with its measures: one row per standard and measure.

    Columns: standard, title, method (linear, bands, aqhi), measure (the key for
    ``columns=``), pollutant, averaging, unit, rounding (of the concentration), resolution,
    temperature_c (of unit conversions), source.

    Examples:
        >>> import pyarrow.compute as pc
        >>> import pollutrack as pt
        >>> uk = pt.aqi.standards().filter(pc.field("standard") == "uk_daqi")
        >>> uk.select(["measure", "averaging", "unit"]).to_pylist()[0]
        {'measure': 'o3', 'averaging': '8h', 'unit': 'ug/m3'}
    """
    return _core.aqi.standards()


def breakpoints(standard: str | Standard = "us_epa_2024") -> pa.Table:
    """The breakpoint table of a standard: one row per measure and band.

    Columns: measure, pollutant, averaging, unit, aqi_lo, aqi_hi, conc_lo, conc_hi (null for
    an open-ended top band), category. Banded standards have ``aqi_lo == aqi_hi`` (the band).

    Examples:
        >>> import pyarrow.compute as pc
        >>> import pollutrack as pt
        >>> bp = pt.aqi.breakpoints("us_epa_2024")
        >>> bp.filter(pc.field("measure") == "pm25").column("conc_hi").to_pylist()
        [9.0, 35.4, 55.4, 125.4, 225.4, 325.4]
    """
    return _core.aqi.breakpoints(standard_arg(standard))


def categories(standard: str | Standard = "us_epa_2024") -> pa.Table:
    """The categories of a standard with their official colours.

    Columns: category, aqi_lo, aqi_hi (null for the open-ended top), colour, hex. Standards
    with a colour per level (UK DAQI, AQHI) list each level, under its category's name.

    Examples:
        >>> import pollutrack as pt
        >>> pt.aqi.categories().column("hex").to_pylist()[:2]
        ['#00E400', '#FFFF00']
    """
    return _core.aqi.categories(standard_arg(standard))
