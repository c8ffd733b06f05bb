"""The US EPA correction of PurpleAir PM2.5, a separate step before the index.

The formulas and their sources are in docs/standards/us_epa.md.
"""

from __future__ import annotations

import re
from typing import Any, Literal

import pyarrow as pa

from pollutrack import _core
from pollutrack._frames import Output, from_native
from pollutrack._input import as_arrow_tabular, as_reader

PurpleAirMethod = Literal["extended", "us_wide_2021"]

_PM25_NAMES = {"pm25cf1", "pm25cf1a", "pm25cf1avg"}
_RH_NAMES = {"humidity", "rh", "relativehumidity", "currenthumidity"}


def _squash(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.lower())


def _find(schema: pa.Schema, names: set[str], what: str, option: str) -> str:
    found = [f.name for f in schema if _squash(f.name) in names]
    if len(found) != 1:
        raise ValueError(
            f"cannot tell which column holds the {what} ({found or 'none'} "
            f"found among {schema.names}); name it with {option}="
        )
    return str(found[0])


def correct_purpleair(
    data: Any,
    *,
    pm25: str | None = None,
    humidity: str | None = None,
    method: PurpleAirMethod = "extended",
    name: str = "pm25_corrected",
    output: Output = "native",
) -> Any:
    """Appends EPA-corrected PM2.5 (µg/m³) computed from PurpleAir cf_1 PM2.5 and humidity.

    ``method="us_wide_2021"`` is Barkjohn, Gantt & Clements (2021):
    ``0.524·PA − 0.0862·RH + 5.75``; ``"extended"`` (default) adds the Fire and Smoke Map
    high-concentration form (Oct 2021; Barkjohn et al. 2022), equal to it below 30 µg/m³.
    Results below 0 become 0. ``<name>_status`` says why a row has no value: ``no_data``,
    ``negative``, ``not_finite`` or ``humidity_out_of_range`` (outside 0–100 %). Humidity may be
    missing where the equation does not use it (PA ≥ 260 µg/m³ in the extended form).

    Columns are found by name (``pm2.5_cf_1``, ``pm25_cf_1``; ``humidity``, ``rh``) unless
    given. Average channels A and B first; EPA's A/B agreement checks are not part of this step.
    ``name`` names the appended column (and ``<name>_status``); the result is the input's kind
    as from :func:`pollutrack.aqi.compute` (``output="arrow"``: a pyarrow Table).

    Examples:
        >>> import pollutrack as pt
        >>> t = pt.aqi.correct_purpleair({"pm2.5_cf_1": [20.0, 300.0], "humidity": [50.0, None]})
        >>> [round(v, 3) for v in t.column("pm25_corrected").to_pylist()]
        [11.92, 289.526]
        >>> pt.aqi.compute(t, columns={"pm25": "pm25_corrected"}).column("aqi").to_pylist()
        [56, 428]
    """
    data, native = from_native(data, output)
    tabular = as_arrow_tabular(data)
    if not hasattr(tabular, "schema"):  # a bare PyCapsule producer (DuckDB, arro3): its stream
        tabular = as_reader(tabular)
    schema = tabular.schema
    pm25 = pm25 or _find(schema, _PM25_NAMES, "PurpleAir cf_1 PM2.5", "pm25")
    humidity = humidity or _find(schema, _RH_NAMES, "relative humidity", "humidity")
    table = _core.aqi.correct_purpleair(
        tabular, pm25=pm25, humidity=humidity, method=method, output=name
    )
    return native.to_native(table)
